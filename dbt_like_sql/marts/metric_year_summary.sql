-- Per covered year and headline metric: how many loaded reports state a value, their sum and median.
-- incremental: report_year
-- unique: report_year, metric_code
-- column report_year INTEGER not null: year covered
-- column metric_code VARCHAR not null: headline metric (ref.metric_catalog)
-- column n_reports BIGINT not null >= 1: loaded reports stating a value
-- column total DOUBLE not null: sum of the values
-- column median DOUBLE not null: median of the values
SELECT d.report_year, h.metric_code,
       count(*) AS n_reports,
       sum(h.value) AS total,
       median(h.value) AS median
FROM marts.report_headline_metrics h
JOIN core.dim_report d ON d.report_id = h.report_id
WHERE h.value IS NOT NULL AND d.report_year IS NOT NULL
GROUP BY d.report_year, h.metric_code
ORDER BY d.report_year, h.metric_code
