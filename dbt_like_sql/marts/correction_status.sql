-- Every correction of assets/corrections.csv and whether it still applies: `unmatched` when no figure of the
-- warehouse answers to it any more (the report was changed or removed, or the figure is no longer read) — it is
-- reported, never silently dropped (also in marts.audit_findings as rule correction_unmatched).
-- unique: correction_id
-- check: unmatched where status = 'unmatched': corrections in assets/corrections.csv that match no figure any more (the report changed or left): update or remove them
-- column correction_id VARCHAR not null: the correction (ref.correction)
-- column report_id VARCHAR: the report it names
-- column agency_key VARCHAR: or the agency
-- column report_year INTEGER: and year it names
-- column metric_code VARCHAR not null: the figure's code
-- column dimension VARCHAR: and dimension
-- column corrected_value DOUBLE: the value it sets
-- column status VARCHAR not null in (applied, unmatched): applied to at least one figure, or to none
-- column figures_corrected BIGINT not null >= 0: figures it corrects (a figure stated in the table and in prose is two)
-- column original_values VARCHAR: the values it replaces, as extracted, comma-separated
-- column reason VARCHAR not null: why (ref.correction)
-- column corrected_by VARCHAR not null: who
-- column corrected_on DATE not null: when
SELECT c.correction_id, c.report_id, c.agency_key, c.report_year, c.metric_code, c.dimension, c.corrected_value,
       CASE WHEN count(m.metric_id) > 0 THEN 'applied' ELSE 'unmatched' END AS status,
       count(m.metric_id) AS figures_corrected,
       string_agg(DISTINCT CAST(m.original_value AS VARCHAR), ', ') AS original_values,
       c.reason, c.corrected_by, c.corrected_on
FROM ref.correction c
LEFT JOIN marts.corrected_metric m ON m.correction_id = c.correction_id
GROUP BY ALL
ORDER BY c.correction_id
