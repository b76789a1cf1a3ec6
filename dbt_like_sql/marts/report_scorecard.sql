-- One row per file in the inbox: its status (loaded, duplicate, quarantined, pending, ignored), which of the six
-- official report parts it has (1 总体情况 .. 6 其他需要报告的事项), how many sections, figures and quality issues.
-- incremental: report_id
-- unique: report_id
-- column report_id VARCHAR not null: report (its id; for an ignored file, the id it would have)
-- column source_path VARCHAR not null: file path relative to the inbox
-- column status VARCHAR not null in (loaded, duplicate, quarantined, pending, ignored): as in core.report_inventory
-- column is_quarantined BOOLEAN not null: status = 'quarantined'
-- column duplicate_of VARCHAR: first copy of the same bytes, for duplicates
-- column quarantine_reason VARCHAR: why the file was quarantined or ignored
-- column agency_name VARCHAR: from core.dim_report
-- column report_year INTEGER: from core.dim_report
-- column format_era VARCHAR in (narrative, table_2014, table_2019, table_2021): from core.dim_report
-- column official_parts_present BIGINT not null >= 0 <= 6: how many of the six official parts (1 总体情况, 2 主动公开, 3 依申请, 4 复议诉讼, 5 问题改进, 6 其他事项) were found
-- column official_parts VARCHAR: which ones, e.g. 1,2,5
-- column n_sections BIGINT not null >= 0: sections in the tree
-- column n_top_sections BIGINT not null >= 0: top-level sections
-- column metrics_found BIGINT not null >= 0: rows in core.fact_metric
-- column table_metrics BIGINT not null >= 0: of which from a statistics table
-- column redacted_metrics BIGINT not null >= 0: of which redacted
-- column quality_issues BIGINT not null >= 0: rows in core.quality_issue
-- column quality_errors BIGINT not null >= 0: of which severity error
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
