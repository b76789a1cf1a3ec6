-- For every agency the pipeline has seen (core.dim_report) or is told to expect (ref.expected_agency, from
-- assets/expected_agencies.csv), every year from its first report (or first expected year) to the latest year any
-- report covers (or its last expected year): whether an annual report is loaded, only a summary, or nothing.
-- unique: agency_key, report_year
-- check: expected_missing where expected AND status = 'missing': years an agency of assets/expected_agencies.csv has no report for
-- column agency_key VARCHAR not null: canonical agency
-- column agency_name VARCHAR: its name (the expected list's, else its latest report's)
-- column report_year INTEGER not null: year
-- column status VARCHAR not null in (annual_report, summary_only, missing): an annual report for the year is loaded; only a work summary, half-year or other report; none
-- column report_id VARCHAR: the report that stands for the year (marts.agency_year_report)
-- column reports BIGINT not null >= 0: loaded reports of the agency for the year
-- column expected BOOLEAN not null: the agency is in assets/expected_agencies.csv
WITH seen AS (
    SELECT agency_key, min(report_year) AS first_year, arg_max(agency_name, report_year) AS agency_name
    FROM marts.agency_year_report GROUP BY agency_key
),
agencies AS (
    SELECT coalesce(e.agency_key, s.agency_key) AS agency_key,
           coalesce(e.agency_name, s.agency_name) AS agency_name,
           least(coalesce(e.first_year, s.first_year), coalesce(s.first_year, e.first_year)) AS first_year,
           e.last_year, e.agency_key IS NOT NULL AS expected
    FROM ref.expected_agency e
    FULL OUTER JOIN seen s ON s.agency_key = e.agency_key
),
latest AS (SELECT max(report_year) AS y FROM marts.agency_year_report),
grid AS (
    SELECT a.agency_key, a.agency_name, a.expected, CAST(y.report_year AS INTEGER) AS report_year
    FROM agencies a, latest l,
         LATERAL (SELECT unnest(range(a.first_year, coalesce(a.last_year, greatest(l.y, a.first_year)) + 1)) AS report_year) y
)
SELECT g.agency_key, g.agency_name, g.report_year,
       CASE WHEN r.report_kind = 'annual_report' THEN 'annual_report'
            WHEN r.report_id IS NOT NULL THEN 'summary_only' ELSE 'missing' END AS status,
       r.report_id, coalesce(r.reports, 0) AS reports, g.expected
FROM grid g
LEFT JOIN marts.agency_year_report r ON r.agency_key = g.agency_key AND r.report_year = g.report_year
ORDER BY g.agency_key, g.report_year
