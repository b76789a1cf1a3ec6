-- One value per agency, covered year and headline metric, with the previous year's value and the change.
-- Agencies are matched by agency_key, which survives the 环保局 -> 生态环境局 rename. When an agency has
-- several reports for a year, the annual report wins over summaries.
-- incremental: agency_key
-- unique: agency_key, report_year, metric_code
-- column agency_key VARCHAR not null: canonical agency (stable across the 环保局 -> 生态环境局 rename)
-- column report_year INTEGER not null: year covered
-- column metric_code VARCHAR not null: headline metric (ref.metric_catalog)
-- column value DOUBLE: value for that agency and year (an annual report beats a summary for the same year)
-- column previous_year_value DOUBLE: value for report_year - 1; NULL if none
-- column yoy_change DOUBLE: value - previous_year_value
-- column report_id VARCHAR not null: report the value came from
WITH per_report AS (
    SELECT d.agency_key, d.report_year, h.metric_code, h.value, d.report_kind, d.report_id
    FROM marts.report_headline_metrics h
    JOIN core.dim_report d ON d.report_id = h.report_id
    WHERE d.agency_key IS NOT NULL AND d.report_year IS NOT NULL
),
ranked AS (
    SELECT *, row_number() OVER (
        PARTITION BY agency_key, report_year, metric_code
        ORDER BY CASE report_kind WHEN 'annual_report' THEN 0 WHEN 'work_summary' THEN 1 ELSE 2 END,
                 CASE WHEN value IS NULL THEN 1 ELSE 0 END, report_id
    ) AS pick
    FROM per_report
),
yearly AS (
    SELECT agency_key, report_year, metric_code, value, report_id FROM ranked WHERE pick = 1
)
SELECT y.agency_key, y.report_year, y.metric_code, y.value,
       p.value AS previous_year_value,
       y.value - p.value AS yoy_change,
       y.report_id
FROM yearly y
LEFT JOIN yearly p
       ON p.agency_key = y.agency_key AND p.metric_code = y.metric_code AND p.report_year = y.report_year - 1
ORDER BY y.agency_key, y.report_year, y.metric_code
