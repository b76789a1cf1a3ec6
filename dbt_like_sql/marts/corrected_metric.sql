-- Every figure of the loaded reports with people's corrections applied (ref.correction, from assets/corrections.csv):
-- `value` is the corrected value where a correction names the figure (its report, or its agency and year; its code
-- and dimension; a report's own correction beats one by agency and year), `original_value` what the report says.
-- The year's own figures only are corrected (not cumulative, as-of or partial-period ones). core.fact_metric is never
-- changed; marts.correction_status says which corrections no longer match a figure.
-- unique: report_id, metric_id
-- incremental: report_id
-- column report_id VARCHAR not null: report (core.dim_report)
-- column metric_id INTEGER not null: the figure (core.fact_metric.metric_id)
-- column agency_key VARCHAR: canonical agency of the report
-- column report_year INTEGER: year covered
-- column metric_code VARCHAR not null: code from ref.metric_catalog
-- column dimension VARCHAR: as in core.fact_metric
-- column qualifier VARCHAR: as in core.fact_metric
-- column source_kind VARCHAR not null in (table, narrative): where the figure was read
-- column value DOUBLE: the corrected value where corrected, else the value as extracted
-- column original_value DOUBLE: the value as extracted
-- column unit VARCHAR: unit of the value
-- column corrected BOOLEAN not null: a correction applies to this figure
-- column correction_id VARCHAR: the correction applied (ref.correction)
-- column correction_reason VARCHAR: its reason
-- column table_no INTEGER: the table cell the figure was read from (core.fact_table_cell), for table figures
-- column row_no INTEGER: its row
-- column col_no INTEGER: its column
-- column page INTEGER: page of the evidence (PDF)
-- column evidence VARCHAR: the sentence or table row it was read from
WITH figures AS (
    SELECT m.*, d.agency_key, d.report_year
    FROM core.fact_metric m
    JOIN core.dim_report d ON d.report_id = m.report_id
    JOIN core.report_inventory i ON i.report_id = m.report_id AND i.status = 'loaded'
),
matched AS (
    SELECT f.report_id, f.metric_id, c.correction_id, c.corrected_value, c.reason,
           row_number() OVER (PARTITION BY f.report_id, f.metric_id
                              ORDER BY CASE WHEN c.report_id IS NOT NULL THEN 0 ELSE 1 END, c.correction_id) AS pick
    FROM figures f
    JOIN ref.correction c
      ON c.metric_code = f.metric_code AND c.dimension IS NOT DISTINCT FROM f.dimension
     AND (c.report_id = f.report_id
          OR (c.report_id IS NULL AND c.agency_key = f.agency_key AND c.report_year = f.report_year))
    WHERE coalesce(f.qualifier, '') NOT IN ('cumulative', 'as_of', 'partial_period')
)
SELECT f.report_id, f.metric_id, f.agency_key, f.report_year, f.metric_code, f.dimension, f.qualifier, f.source_kind,
       CASE WHEN c.correction_id IS NOT NULL THEN c.corrected_value ELSE f.value END AS value,
       f.value AS original_value, f.unit,
       c.correction_id IS NOT NULL AS corrected, c.correction_id, c.reason AS correction_reason,
       f.table_no, f.row_no, f.col_no, f.page, f.evidence
FROM figures f
LEFT JOIN matched c ON c.report_id = f.report_id AND c.metric_id = f.metric_id AND c.pick = 1
ORDER BY f.report_id, f.metric_id
