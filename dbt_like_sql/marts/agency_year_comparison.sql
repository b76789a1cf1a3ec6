-- Every headline and detail figure of each agency and year beside the same figure (code and dimension) of the
-- year before, with the change: the reports of marts.agency_year_report, corrected values (marts.corrected_metric).
-- The year's own figures only (no cumulative or as-of figure, no generic other_figure); when a report states a
-- figure twice, the table's beats the prose's and a stated value beats a blank cell.
-- unique: agency_key, report_year, metric_code, dimension
-- incremental: agency_key
-- column agency_key VARCHAR not null: canonical agency
-- column report_year INTEGER not null: year covered
-- column metric_code VARCHAR not null: code from ref.metric_catalog
-- column dimension VARCHAR: NULL for the headline figure, else as in core.fact_metric
-- column value DOUBLE: this year's value (corrected where a correction applies)
-- column previous_value DOUBLE: the same figure for report_year - 1; NULL when that year has no report or no such figure
-- column change DOUBLE: value - previous_value
-- column change_ratio DOUBLE: change / previous_value (NULL when the previous value is 0 or missing)
-- column unit VARCHAR: unit of the value
-- column source_kind VARCHAR not null in (table, narrative): where this year's value was read
-- column corrected BOOLEAN not null: this year's value is a correction
-- column previous_corrected BOOLEAN: last year's value is a correction
-- column report_id VARCHAR not null: this year's report
-- column previous_report_id VARCHAR: last year's report
WITH figures AS (
    SELECT a.agency_key, a.report_year, m.report_id, m.metric_code, m.dimension, m.value, m.unit, m.source_kind,
           m.corrected,
           row_number() OVER (PARTITION BY m.report_id, m.metric_code, m.dimension
                              ORDER BY CASE WHEN m.value IS NULL THEN 1 ELSE 0 END,
                                       CASE m.source_kind WHEN 'table' THEN 0 ELSE 1 END,
                                       CASE WHEN m.qualifier IS NULL OR m.qualifier = 'negation' THEN 0 ELSE 1 END,
                                       m.metric_id) AS pick
    FROM marts.agency_year_report a
    JOIN marts.corrected_metric m ON m.report_id = a.report_id
    WHERE coalesce(m.qualifier, '') NOT IN ('cumulative', 'as_of', 'partial_period') AND m.metric_code <> 'other_figure'
),
yearly AS (SELECT * FROM figures WHERE pick = 1)
SELECT y.agency_key, y.report_year, y.metric_code, y.dimension, y.value, p.value AS previous_value,
       y.value - p.value AS change,
       CASE WHEN p.value <> 0 THEN (y.value - p.value) / abs(p.value) END AS change_ratio,
       y.unit, y.source_kind, y.corrected, p.corrected AS previous_corrected,
       y.report_id, p.report_id AS previous_report_id
FROM yearly y
LEFT JOIN yearly p
       ON p.agency_key = y.agency_key AND p.report_year = y.report_year - 1
      AND p.metric_code = y.metric_code AND p.dimension IS NOT DISTINCT FROM y.dimension
ORDER BY y.agency_key, y.report_year, y.metric_code, y.dimension NULLS FIRST
