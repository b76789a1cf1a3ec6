-- One row per report file in the inbox: its status (loaded, duplicate, quarantined), which of the six
-- official report parts it has (1 总体情况 .. 6 其他需要报告的事项), how many sections, figures and quality issues.
-- incremental: report_id
WITH part_rows AS (
    SELECT report_id,
           CASE topic WHEN 'overview' THEN 1 WHEN 'proactive_disclosure' THEN 2 WHEN 'on_request' THEN 3
                      WHEN 'review_litigation' THEN 4 WHEN 'problems_improvements' THEN 5 END AS part
    FROM core.fact_section
    UNION ALL
    SELECT report_id, 6 FROM core.fact_section WHERE heading LIKE '%其他需要报告%'
),
parts AS (
    SELECT report_id, count(DISTINCT part) AS official_parts_present,
           string_agg(DISTINCT CAST(part AS VARCHAR), ',' ORDER BY CAST(part AS VARCHAR)) AS official_parts
    FROM part_rows WHERE part IS NOT NULL GROUP BY report_id
),
sec AS (
    SELECT report_id, count(*) AS n_sections, count(*) FILTER (WHERE depth = 1) AS n_top_sections
    FROM core.fact_section GROUP BY report_id
),
met AS (
    SELECT report_id, count(*) AS metrics_found,
           count(*) FILTER (WHERE source_kind = 'table') AS table_metrics,
           count(*) FILTER (WHERE is_redacted) AS redacted_metrics
    FROM core.fact_metric GROUP BY report_id
),
iss AS (
    SELECT report_id, count(*) AS quality_issues, count(*) FILTER (WHERE severity = 'error') AS quality_errors
    FROM core.quality_issue GROUP BY report_id
)
SELECT i.report_id, i.source_path, i.status,
       i.status = 'quarantined' AS is_quarantined,
       i.duplicate_of, i.reason AS quarantine_reason,
       d.agency_name, d.report_year, d.format_era,
       coalesce(p.official_parts_present, 0) AS official_parts_present,
       p.official_parts,
       coalesce(s.n_sections, 0) AS n_sections,
       coalesce(s.n_top_sections, 0) AS n_top_sections,
       coalesce(m.metrics_found, 0) AS metrics_found,
       coalesce(m.table_metrics, 0) AS table_metrics,
       coalesce(m.redacted_metrics, 0) AS redacted_metrics,
       coalesce(q.quality_issues, 0) AS quality_issues,
       coalesce(q.quality_errors, 0) AS quality_errors
FROM core.report_inventory i
LEFT JOIN core.dim_report d ON d.report_id = i.report_id
LEFT JOIN parts p ON p.report_id = i.report_id
LEFT JOIN sec s ON s.report_id = i.report_id
LEFT JOIN met m ON m.report_id = i.report_id
LEFT JOIN iss q ON q.report_id = i.report_id
ORDER BY i.report_id
