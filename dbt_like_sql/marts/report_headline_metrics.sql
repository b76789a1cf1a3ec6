-- One headline value per loaded report and metric code (dimension IS NULL).
-- When a report states a figure both in its statistics table and in prose, the table value wins;
-- a stated value beats a blank cell; cumulative (stock) figures never stand in for annual ones; a figure with the
-- generic code other_figure (a phrase the catalogue has no concept for) is never a headline.
-- incremental: report_id
-- unique: report_id, metric_code
-- column report_id VARCHAR not null: report (core.dim_report)
-- column metric_code VARCHAR not null: code from ref.metric_catalog
-- column value DOUBLE: the chosen value; NULL when the figure is stated only as a blank cell or redacted
-- column unit VARCHAR: unit of the value
-- column source_kind VARCHAR not null in (table, narrative): where the chosen value came from
-- column qualifier VARCHAR in (approx, as_of, cumulative, partial_period, negation): qualifier of the chosen value
-- column is_redacted BOOLEAN not null: the chosen value was redacted in the source
WITH candidates AS (
    SELECT m.report_id, m.metric_code, m.value, m.unit, m.source_kind, m.qualifier, m.is_redacted,
           row_number() OVER (
               PARTITION BY m.report_id, m.metric_code
               ORDER BY CASE WHEN m.value IS NULL THEN 1 ELSE 0 END,
                        CASE m.source_kind WHEN 'table' THEN 0 ELSE 1 END,
                        CASE WHEN m.qualifier IS NULL OR m.qualifier = 'negation' THEN 0 ELSE 1 END,
                        m.metric_id
           ) AS pick
    FROM core.fact_metric m
    JOIN core.report_inventory i ON i.report_id = m.report_id AND i.status = 'loaded'
    WHERE m.dimension IS NULL AND coalesce(m.qualifier, '') <> 'cumulative' AND m.metric_code <> 'other_figure'
)
SELECT report_id, metric_code, value, unit, source_kind, qualifier, is_redacted
FROM candidates
WHERE pick = 1
ORDER BY report_id, metric_code
