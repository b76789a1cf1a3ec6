-- Keywords over covered years: in how many loaded reports a term is among the top 20, and its summed weight.
-- incremental: report_year
-- unique: report_year, term
-- column report_year INTEGER not null: year covered
-- column term VARCHAR not null: keyword
-- column n_reports BIGINT not null >= 1: loaded reports with the term among their top 20
-- column total_weight DOUBLE not null >= 0: summed TF-IDF weight
SELECT d.report_year, k.term,
       count(DISTINCT k.report_id) AS n_reports,
       sum(k.weight) AS total_weight
FROM core.fact_keyword k
JOIN core.dim_report d ON d.report_id = k.report_id
JOIN core.report_inventory i ON i.report_id = k.report_id AND i.status = 'loaded'
WHERE d.report_year IS NOT NULL
GROUP BY d.report_year, k.term
ORDER BY d.report_year, total_weight DESC, k.term
