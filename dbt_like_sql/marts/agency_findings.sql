-- The findings of marts.audit_findings across the years of one agency (scope across_years): the rules are listed
-- on marts.audit_findings. Incremental by agency: a new or changed report re-audits its agency's years.
-- unique: finding_key
-- incremental: agency_key
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
WITH tab AS (  -- the table figures the rules across years compare (no stock, as-of or part-year figure), one per
              -- report, code and dimension, with their table row
    SELECT m.*, c.row_label FROM marts.corrected_metric m
    LEFT JOIN core.fact_table_cell c USING (report_id, table_no, row_no, col_no)
    WHERE coalesce(m.qualifier, '') NOT IN ('cumulative', 'as_of', 'partial_period') AND m.value IS NOT NULL
      AND m.source_kind = 'table' AND m.metric_code IN ('requests_carried_in', 'requests_carried_out', 'doc_in_force', 'doc_issued', 'doc_repealed', 'items_prev_year', 'items_change')
    QUALIFY row_number() OVER (PARTITION BY report_id, metric_code, dimension, source_kind ORDER BY metric_id) = 1
),
yearly AS (  -- the figures of the report that stands for each agency and year
    SELECT a.agency_key, a.report_year, a.format_era, f.*
    FROM marts.agency_year_report a JOIN tab f ON f.report_id = a.report_id
),
carry_over AS (
    SELECT 'carry_over' AS rule, 'warning' AS severity, c.report_id, 'requests_carried_in' AS metric_code,
           NULL AS dimension, c.table_no, c.row_label, p.value AS expected, c.value AS actual, c.evidence,
           p.evidence AS other_evidence,
           'carried in ' || c.value || ' in ' || c.report_year || ', but ' || p.value || ' carried out in '
           || p.report_year AS detail, p.report_id AS previous_report_id, c.agency_key, c.report_year
    FROM yearly c JOIN yearly p ON p.agency_key = c.agency_key AND p.report_year = c.report_year - 1
                               AND p.metric_code = 'requests_carried_out' AND p.dimension IS NULL
    WHERE c.metric_code = 'requests_carried_in' AND c.dimension IS NULL AND abs(c.value - p.value) > 1e-6
),
docs AS (
    SELECT agency_key, report_year, report_id, format_era, dimension,
           max(value) FILTER (WHERE metric_code = 'doc_in_force') AS in_force,
           max(value) FILTER (WHERE metric_code = 'doc_issued') AS issued,
           max(value) FILTER (WHERE metric_code = 'doc_repealed') AS repealed,
           max(evidence) FILTER (WHERE metric_code = 'doc_in_force') AS evidence,
           max(table_no) AS table_no, max(row_label) AS row_label
    FROM yearly WHERE metric_code IN ('doc_in_force', 'doc_issued', 'doc_repealed')
    GROUP BY ALL
),
docs_in_force AS (
    SELECT 'docs_in_force', 'warning', c.report_id, 'doc_in_force', c.dimension, c.table_no, c.row_label,
           p.in_force + c.issued - c.repealed, c.in_force, c.evidence, p.evidence,
           'in force ' || p.in_force || ' last year + issued ' || c.issued || ' - repealed ' || c.repealed || ' = '
           || (p.in_force + c.issued - c.repealed) || ', but ' || c.in_force || ' in force',
           p.report_id, c.agency_key, c.report_year
    FROM docs c JOIN docs p ON p.agency_key = c.agency_key AND p.report_year = c.report_year - 1
                           AND p.dimension IS NOT DISTINCT FROM c.dimension
    WHERE c.format_era = 'table_2021' AND p.format_era = 'table_2021'
      AND abs(p.in_force + c.issued - c.repealed - c.in_force) > 1e-6
),
items AS (
    SELECT agency_key, report_year, report_id, format_era, dimension,
           max(value) FILTER (WHERE metric_code = 'items_prev_year') AS stock,
           max(value) FILTER (WHERE metric_code = 'items_change') AS change,
           max(evidence) AS evidence, max(table_no) AS table_no, max(row_label) AS row_label
    FROM yearly WHERE metric_code IN ('items_prev_year', 'items_change')
    GROUP BY ALL
),
items_stock AS (
    SELECT 'items_stock', 'warning', c.report_id, 'items_prev_year', c.dimension, c.table_no, c.row_label,
           p.stock + p.change, c.stock, c.evidence, p.evidence,
           'last year ' || p.stock || ' items ' || (CASE WHEN p.change < 0 THEN '- ' || -p.change ELSE '+ ' || p.change END)
           || ' = ' || (p.stock + p.change) || ', but ' || c.stock || ' items at the start of this year',
           p.report_id, c.agency_key, c.report_year
    FROM items c JOIN items p ON p.agency_key = c.agency_key AND p.report_year = c.report_year - 1
                             AND p.dimension IS NOT DISTINCT FROM c.dimension
    WHERE abs(p.stock + p.change - c.stock) > 1e-6
),
headline AS (
    SELECT y.* FROM marts.agency_year_comparison y JOIN ref.metric_catalog k ON k.code = y.metric_code AND k.is_headline
    WHERE y.dimension IS NULL
),
jump AS (
    SELECT 'jump', 'info', report_id, metric_code, NULL, NULL, NULL, previous_value, value, NULL, NULL,
           metric_code || ' went from ' || previous_value || ' to ' || value,
           previous_report_id, agency_key, report_year
    FROM headline
    WHERE value >= 10 AND previous_value >= 10 AND (value > 5 * previous_value OR 5 * value < previous_value)
),
reused AS (
    SELECT 'section_reused' AS rule, 'warning' AS severity, report_id, NULL AS metric_code, NULL AS dimension,
           NULL AS table_no, part_name AS row_label, NULL AS expected, share_reused AS actual, NULL AS evidence,
           NULL AS other_evidence,
           'part 五 (' || part_name || '): about ' || CAST(round(100 * share_reused) AS INTEGER)
           || '% of its text is last year''s' AS detail, previous_report_id, agency_key, report_year
    FROM marts.section_reuse WHERE part = 5 AND share_reused >= 0.8
),
zero_after AS (
    SELECT 'zero_after_large', 'warning', h.report_id, h.metric_code, NULL, NULL, NULL,
           avg(p.value), h.value, NULL, NULL,
           h.metric_code || ' is 0, its earlier years averaged ' || round(avg(p.value), 1),
           max(p.report_id), h.agency_key, h.report_year
    FROM headline h JOIN headline p ON p.agency_key = h.agency_key AND p.metric_code = h.metric_code
                                   AND p.report_year < h.report_year
    WHERE h.value = 0
    GROUP BY h.report_id, h.metric_code, h.value, h.agency_key, h.report_year
    HAVING avg(p.value) >= 20
),
across AS (
    SELECT * FROM carry_over UNION ALL SELECT * FROM docs_in_force UNION ALL SELECT * FROM items_stock
    UNION ALL SELECT * FROM jump UNION ALL SELECT * FROM zero_after UNION ALL SELECT * FROM reused
),
found AS (
    SELECT a.rule, a.severity, 'across_years' AS scope, a.agency_key, a.report_year, a.report_id,
           a.previous_report_id, a.metric_code, a.dimension, a.table_no, a.row_label, a.expected, a.actual, a.detail,
           a.evidence, a.other_evidence,
           a.rule || '|' || a.agency_key || '|' || a.report_year || '|' || coalesce(a.metric_code, '') || '|'
               || coalesce(a.dimension, '') AS finding_key
    FROM across a
)
SELECT finding_key, rule, severity, scope, agency_key, report_year, report_id, previous_report_id, metric_code,
       dimension, table_no, row_label, expected, actual, detail, evidence, other_evidence
FROM found
ORDER BY scope, agency_key NULLS LAST, report_year, rule, finding_key
