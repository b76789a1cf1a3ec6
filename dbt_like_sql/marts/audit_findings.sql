-- One overall list of problems, each a row with its rule, severity, the figures on both sides and their evidence,
-- and the table and row it concerns. Corrected values (marts.corrected_metric) are audited.
-- Within a report (scope report): the request table's identities — the six applicant columns add up to 总计
-- (applicant_sum); per column, received + carried in = resolved + carried out (request_balance); resolved = the
-- result rows (results_sum); a result group = its reason rows (group_sum); review and litigation parts add up to
-- their totals (review_sum); a figure stated in prose and in the table alike (prose_table_mismatch); part 五 of an
-- annual report of the six-part template (2019 on) missing or empty (part5_missing, part5_empty); the fee stated in part 六 against the report's other
-- fee figures (part6_fee_mismatch); a rate outside 0-100% (rate_out_of_range).
-- Across the years of one agency (scope across_years, reports of marts.agency_year_report): carried in (y) = carried
-- out (y - 1) (carry_over); documents in force (y) = in force (y - 1) + issued (y) - repealed (y) (docs_in_force,
-- 2021 format); the 2019 format's item stock, last year's count + last year's change (items_stock); a headline figure
-- over 5x or under a fifth of last year's, both at least 10 (jump); a zero where the agency's earlier years average
-- 20 or more (zero_after_large); part 五 mostly last year's text (section_reused: 80% or more, marts.section_reuse).
-- A correction that no longer matches a figure (correction_unmatched), and the extraction's own quality issues
-- (core.quality_issue, scope extraction; those the rules above restate are left out) complete the list. A finding
-- listed in assets/acknowledged_findings.csv (by finding_id) is acknowledged: no longer open.
-- The findings within a report are audited incrementally by report (marts.report_findings), those across an
-- agency's years by agency (marts.agency_findings); this table adds the corrections that match no figure any more,
-- each finding's id and its acknowledgement (so an edit of assets/acknowledged_findings.csv rebuilds only this table).
-- unique: finding_id
-- check: open_errors where severity = 'error' AND NOT acknowledged: open findings where a report contradicts itself (a table that does not add up, a rate over 100%); acknowledge a reviewed one in assets/acknowledged_findings.csv
-- check: open_warnings where severity = 'warning' AND NOT acknowledged: open findings that are likely wrong (a broken carry-over, a reused part 五, a corrected figure gone)
-- column finding_id VARCHAR not null: stable id (12 hex digits of the md5 of finding_key): name it in assets/acknowledged_findings.csv to acknowledge it
-- column finding_key VARCHAR not null: rule|report or agency and year|figure: what the id is made from
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
-- column acknowledged BOOLEAN not null: listed in assets/acknowledged_findings.csv
-- column acknowledgement VARCHAR: why, by whom (ref.acknowledged_finding)
WITH found AS (
    SELECT * FROM marts.report_findings
    UNION ALL
    SELECT * FROM marts.agency_findings
    UNION ALL
    SELECT 'correction_unmatched|' || correction_id, 'correction_unmatched', 'warning', 'correction', agency_key,
           report_year, report_id, NULL, metric_code, dimension, NULL, NULL, corrected_value, NULL,
           'correction ' || correction_id || ' matches no figure any more (the report changed or left): ' || reason,
           NULL, NULL
    FROM marts.correction_status WHERE status = 'unmatched'
)
SELECT substr(md5(f.finding_key), 1, 12) AS finding_id, f.*,
       k.finding_id IS NOT NULL AS acknowledged,
       CASE WHEN k.finding_id IS NOT NULL THEN k.reason || ' (' || k.acknowledged_by || ', '
            || CAST(k.acknowledged_on AS VARCHAR) || ')' END AS acknowledgement
FROM found f
LEFT JOIN ref.acknowledged_finding k ON k.finding_id = substr(md5(f.finding_key), 1, 12)
ORDER BY f.scope, f.agency_key NULLS LAST, f.report_year, f.rule, f.finding_key
