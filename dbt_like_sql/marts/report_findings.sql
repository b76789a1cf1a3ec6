-- The findings of marts.audit_findings within one report (scope report) and the extraction's own quality issues
-- (scope extraction): the rules are listed on marts.audit_findings. Incremental by report: a new or changed report
-- is audited alone.
-- unique: finding_key
-- incremental: report_id
-- column finding_key VARCHAR not null: rule|report or agency and year|figure: what marts.audit_findings makes the finding's id from
-- column rule VARCHAR not null: the rule (see the description)
-- column severity VARCHAR not null in (error, warning, info): error: the report contradicts itself; warning: likely wrong; info: worth a look
-- column scope VARCHAR not null in (report, across_years, correction, extraction): within a report, between an agency's years, a correction, or the extraction's own quality issues
-- column agency_key VARCHAR: canonical agency
-- column report_year INTEGER: year covered
-- column report_id VARCHAR: the report (this year's, across years)
-- column previous_report_id VARCHAR: last year's report (across years)
-- column metric_code VARCHAR: the figure concerned
-- column dimension VARCHAR: its dimension
-- column table_no INTEGER: the statistics table it concerns (core.fact_table_cell.table_no)
-- column row_label VARCHAR: the table row it concerns, as printed
-- column expected DOUBLE: what the rule expects (a sum, last year's figure...)
-- column actual DOUBLE: what the report states
-- column detail VARCHAR not null: the finding in words, with the figures
-- column evidence VARCHAR: the table row or sentence of the actual figure
-- column other_evidence VARCHAR: the evidence of the other side (the prose figure, last year's row)
WITH stated AS (  -- every figure of the year's own (no stock, as-of or part-year figure), with its table row
    SELECT m.*, c.row_label FROM marts.corrected_metric m
    LEFT JOIN core.fact_table_cell c USING (report_id, table_no, row_no, col_no)
    WHERE coalesce(m.qualifier, '') NOT IN ('cumulative', 'as_of', 'partial_period') AND m.value IS NOT NULL
),
fig AS (  -- one value per report, code, dimension and source
    SELECT *, regexp_extract(coalesce(dimension, ''), 'applicant=([a-z_]+)', 1) AS applicant,
           nullif(trim(regexp_replace(coalesce(dimension, ''), 'applicant=[a-z_]+;?', ''), ';'), '') AS rest
    FROM stated
    QUALIFY row_number() OVER (PARTITION BY report_id, metric_code, dimension, source_kind ORDER BY metric_id) = 1
),
tab AS (SELECT * FROM fig WHERE source_kind = 'table'),
req AS (
    SELECT *, regexp_extract(coalesce(rest, ''), 'result=([a-z_]+)', 1) AS result,
           coalesce(rest, '') LIKE '%reason=%' AS has_reason
    FROM tab WHERE metric_code LIKE 'requests_%'
),
applicant_sum AS (
    SELECT 'applicant_sum' AS rule, 'error' AS severity, t.report_id, t.metric_code, t.rest AS dimension,
           t.table_no, t.row_label, sum(p.value) AS expected, t.value AS actual, t.evidence, NULL AS other_evidence,
           'the six applicant columns add up to ' || sum(p.value) || ', 总计 prints ' || t.value AS detail
    FROM req t
    JOIN req p ON p.report_id = t.report_id AND p.metric_code = t.metric_code
              AND p.rest IS NOT DISTINCT FROM t.rest AND p.applicant <> ''
    WHERE t.applicant = ''
    GROUP BY t.report_id, t.metric_code, t.rest, t.table_no, t.row_label, t.value, t.evidence
    HAVING count(p.value) = 6 AND abs(sum(p.value) - t.value) > 1e-6
),
balance_cols AS (
    SELECT report_id, applicant,
           max(value) FILTER (WHERE metric_code = 'requests_received' AND rest IS NULL) AS received,
           max(value) FILTER (WHERE metric_code = 'requests_carried_in' AND rest IS NULL) AS carried_in,
           max(value) FILTER (WHERE metric_code = 'requests_resolved' AND rest IS NULL) AS resolved,
           max(value) FILTER (WHERE metric_code = 'requests_carried_out' AND rest IS NULL) AS carried_out,
           max(table_no) AS table_no,
           max(evidence) FILTER (WHERE metric_code = 'requests_resolved' AND rest IS NULL) AS evidence,
           max(row_label) FILTER (WHERE metric_code = 'requests_resolved' AND rest IS NULL) AS row_label
    FROM req GROUP BY report_id, applicant
),
request_balance AS (
    SELECT 'request_balance', 'error', report_id, 'requests_resolved',
           nullif('applicant=' || applicant, 'applicant='), table_no, row_label,
           received + carried_in AS expected, resolved + carried_out AS actual, evidence, NULL,
           'received ' || received || ' + carried in ' || carried_in || ' = ' || (received + carried_in)
           || ', but resolved ' || resolved || ' + carried out ' || carried_out || ' = ' || (resolved + carried_out)
    FROM balance_cols
    WHERE abs(received + carried_in - resolved - carried_out) > 1e-6
),
leaves AS (  -- the result rows that add up to 总计: a reason row, or a result without reason rows
    SELECT r.* FROM req r
    WHERE r.metric_code = 'requests_resolved' AND r.result <> ''
      AND (r.has_reason OR NOT EXISTS (
          SELECT 1 FROM req x WHERE x.report_id = r.report_id AND x.applicant = r.applicant
                                AND x.metric_code = 'requests_resolved' AND x.result = r.result AND x.has_reason))
),
results_sum AS (
    SELECT 'results_sum', 'error', t.report_id, 'requests_resolved', t.dimension, t.table_no, t.row_label,
           sum(l.value), t.value, t.evidence, NULL,
           'the result rows add up to ' || sum(l.value) || ', (七)总计 prints ' || t.value
    FROM req t JOIN leaves l ON l.report_id = t.report_id AND l.applicant = t.applicant
    WHERE t.metric_code = 'requests_resolved' AND t.rest IS NULL
    GROUP BY t.report_id, t.dimension, t.table_no, t.row_label, t.value, t.evidence
    HAVING count(l.value) >= 3 AND abs(sum(l.value) - t.value) > 1e-6
),
group_sum AS (
    SELECT 'group_sum', 'error', g.report_id, 'requests_resolved', g.dimension, g.table_no, g.row_label,
           sum(x.value), g.value, g.evidence, NULL,
           'the reason rows of ' || g.result || ' add up to ' || sum(x.value) || ', the group row prints ' || g.value
    FROM req g JOIN req x ON x.report_id = g.report_id AND x.applicant = g.applicant
                         AND x.metric_code = 'requests_resolved' AND x.result = g.result AND x.has_reason
    WHERE g.metric_code = 'requests_resolved' AND g.result <> '' AND NOT g.has_reason
    GROUP BY g.report_id, g.dimension, g.table_no, g.row_label, g.value, g.evidence, g.result
    HAVING abs(sum(x.value) - g.value) > 1e-6
),
review AS (
    SELECT *, regexp_extract(coalesce(dimension, ''), 'result=([a-z_]+)', 1) AS result,
           regexp_extract(coalesce(dimension, ''), 'route=([a-z_]+)', 1) AS route
    FROM tab WHERE metric_code IN ('admin_review_total', 'admin_litigation_total')
),
review_sum AS (
    SELECT 'review_sum', 'error', t.report_id, t.metric_code, t.dimension, t.table_no, t.row_label,
           sum(p.value), t.value, t.evidence, NULL,
           'the results (upheld, corrected, other, pending) add up to ' || sum(p.value) || ', 总计 prints ' || t.value
    FROM review t JOIN review p ON p.report_id = t.report_id AND p.metric_code = t.metric_code
                               AND p.route = t.route AND p.result <> ''
    WHERE t.result = '' AND (t.route <> '' OR t.metric_code = 'admin_review_total')
    GROUP BY t.report_id, t.metric_code, t.dimension, t.table_no, t.row_label, t.value, t.evidence
    HAVING count(p.value) = 4 AND abs(sum(p.value) - t.value) > 1e-6
),
prose_table AS (
    SELECT 'prose_table_mismatch', 'warning', t.report_id, t.metric_code, t.dimension, t.table_no, t.row_label,
           t.value, n.value, t.evidence, n.evidence,
           'the prose states ' || n.value || ', the table ' || t.value
    FROM tab t JOIN fig n ON n.report_id = t.report_id AND n.metric_code = t.metric_code
                         AND n.dimension IS NOT DISTINCT FROM t.dimension AND n.source_kind = 'narrative'
    WHERE abs(n.value - t.value) > 1e-6 AND t.metric_code <> 'other_figure'
),
annual AS (  -- the annual reports of the six-part template (from 2019 on): part 五 is a part of its own
    SELECT r.report_id, d.report_year FROM core.report_inventory r JOIN core.dim_report d USING (report_id)
    WHERE r.status = 'loaded' AND d.report_kind = 'annual_report' AND d.report_year >= 2019
),
part5 AS (
    SELECT a.report_id, sum(length(s.body)) AS chars, count(s.section_id) AS sections
    FROM annual a LEFT JOIN core.fact_section s ON s.report_id = a.report_id AND s.topic = 'problems_improvements'
    GROUP BY a.report_id
),
part5_findings AS (
    SELECT CASE WHEN sections = 0 THEN 'part5_missing' ELSE 'part5_empty' END, 'warning', report_id, NULL, NULL,
           NULL, NULL, NULL, NULL, NULL, NULL,
           CASE WHEN sections = 0 THEN 'no part 五 (problems and improvements) in this annual report'
                ELSE 'part 五 (problems and improvements) holds ' || chars || ' characters' END
    FROM part5 WHERE sections = 0 OR chars < 30
),
part6 AS (
    SELECT s.report_id, s.char_start, s.char_end FROM core.fact_section s WHERE s.heading LIKE '%其他需要报告%'
),
fees AS (  -- every fee figure the report states (not one per source: part 六 and the overview are both prose)
    SELECT s.report_id, s.metric_id, s.value, s.evidence, s.table_no, s.row_label,
           EXISTS (SELECT 1 FROM part6 p WHERE p.report_id = s.report_id
                   AND m.char_start >= p.char_start AND m.char_start < p.char_end) AS in_part6
    FROM stated s JOIN core.fact_metric m ON m.report_id = s.report_id AND m.metric_id = s.metric_id
    WHERE s.metric_code = 'fees_collected' AND s.dimension IS NULL
),
part6_fee AS (
    SELECT 'part6_fee_mismatch', 'warning', a.report_id, 'fees_collected', NULL, b.table_no, b.row_label,
           b.value, a.value, a.evidence, b.evidence,
           'part 六 states fees of ' || a.value || ', elsewhere the report states ' || b.value
    FROM fees a JOIN fees b ON b.report_id = a.report_id AND NOT b.in_part6
    WHERE a.in_part6 AND abs(a.value - b.value) > 1e-6
    QUALIFY row_number() OVER (PARTITION BY a.report_id ORDER BY b.metric_id) = 1
),
rates AS (
    SELECT 'rate_out_of_range', 'error', report_id, metric_code, dimension, table_no, row_label, NULL, value,
           evidence, NULL, 'a rate of ' || value || '% is outside 0-100%'
    FROM fig WHERE metric_code IN ('completion_rate', 'share_pct', 'digitisation_rate') AND (value < 0 OR value > 100)
),
extraction AS (
    SELECT q.rule, q.severity, q.report_id, q.detail, row_number() OVER (PARTITION BY q.report_id, q.rule ORDER BY q.detail) AS n
    FROM core.quality_issue q JOIN core.report_inventory i ON i.report_id = q.report_id AND i.status = 'loaded'
    WHERE q.rule NOT IN ('table_sum', 'request_balance', 'prose_table_mismatch')
),
within AS (
    SELECT * FROM applicant_sum UNION ALL SELECT * FROM request_balance UNION ALL SELECT * FROM results_sum
    UNION ALL SELECT * FROM group_sum UNION ALL SELECT * FROM review_sum UNION ALL SELECT * FROM prose_table
    UNION ALL SELECT * FROM part5_findings UNION ALL SELECT * FROM part6_fee UNION ALL SELECT * FROM rates
),
found AS (
    SELECT w.rule, w.severity, 'report' AS scope, d.agency_key, d.report_year, w.report_id,
           CAST(NULL AS VARCHAR) AS previous_report_id, w.metric_code, w.dimension, w.table_no, w.row_label, w.expected, w.actual,
           w.detail, w.evidence, w.other_evidence,
           w.rule || '|' || w.report_id || '|' || coalesce(w.metric_code, '') || '|' || coalesce(w.dimension, '')
               AS finding_key
    FROM within w JOIN core.dim_report d ON d.report_id = w.report_id
    UNION ALL
    SELECT e.rule, e.severity, 'extraction', d.agency_key, d.report_year, e.report_id, NULL, NULL, NULL, NULL,
           NULL, NULL, NULL, e.detail, NULL, NULL, e.rule || '|' || e.report_id || '|' || e.n
    FROM extraction e JOIN core.dim_report d ON d.report_id = e.report_id
)
SELECT finding_key, rule, severity, scope, agency_key, report_year, report_id, previous_report_id, metric_code,
       dimension, table_no, row_label, expected, actual, detail, evidence, other_evidence
FROM found
ORDER BY scope, agency_key NULLS LAST, report_year, rule, finding_key
