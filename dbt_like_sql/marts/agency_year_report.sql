-- The report that stands for each agency and covered year in the cross-year marts: an annual report beats a work
-- summary, which beats other kinds; among reports of one kind the one with the most figures, then the smallest
-- report_id. Agencies are matched by agency_key (stable across the 环保局 -> 生态环境局 rename).
-- incremental: agency_key
-- unique: agency_key, report_year
-- column agency_key VARCHAR not null: canonical agency
-- column report_year INTEGER not null: year covered
-- column report_id VARCHAR not null: the report chosen for that agency and year
-- column agency_name VARCHAR: the agency's name as that report writes it
-- column report_kind VARCHAR not null in (annual_report, half_year_summary, quarterly_report, work_summary, other): its kind
-- column format_era VARCHAR in (narrative, table_2014, table_2019, table_2021): its statistics-table generation
-- column reports BIGINT not null >= 1: loaded reports of the agency for that year (the others are not compared)
WITH loaded AS (
    SELECT d.report_id, d.agency_key, d.report_year, d.agency_name, d.report_kind, d.format_era,
           (SELECT count(*) FROM core.fact_metric m WHERE m.report_id = d.report_id) AS n_metrics
    FROM core.dim_report d
    JOIN core.report_inventory i ON i.report_id = d.report_id AND i.status = 'loaded'
    WHERE d.agency_key IS NOT NULL AND d.report_year IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (
                  PARTITION BY agency_key, report_year
                  ORDER BY CASE report_kind WHEN 'annual_report' THEN 0 WHEN 'work_summary' THEN 1 ELSE 2 END,
                           n_metrics DESC, report_id) AS pick,
              count(*) OVER (PARTITION BY agency_key, report_year) AS reports
    FROM loaded
)
SELECT agency_key, report_year, report_id, agency_name, report_kind, format_era, reports
FROM ranked WHERE pick = 1
ORDER BY agency_key, report_year
