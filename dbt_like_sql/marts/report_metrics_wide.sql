-- One row per loaded report: its metadata and one column per cross-year headline metric
-- (the table value when the report has a statistics table, else the prose value).
-- incremental: report_id
SELECT
    d.report_id, d.title, d.agency_name, d.agency_key, d.admin_level, d.province, d.city, d.county,
    d.report_year, d.report_kind, d.format_era, d.published_on, d.doc_number,
    max(h.value) FILTER (WHERE h.metric_code = 'proactive_total')        AS proactive_total,
    max(h.value) FILTER (WHERE h.metric_code = 'requests_received')      AS requests_received,
    max(h.value) FILTER (WHERE h.metric_code = 'requests_carried_in')    AS requests_carried_in,
    max(h.value) FILTER (WHERE h.metric_code = 'requests_resolved')      AS requests_resolved,
    max(h.value) FILTER (WHERE h.metric_code = 'requests_carried_out')   AS requests_carried_out,
    max(h.value) FILTER (WHERE h.metric_code = 'admin_review_total')     AS admin_review_total,
    max(h.value) FILTER (WHERE h.metric_code = 'admin_litigation_total') AS admin_litigation_total,
    max(h.value) FILTER (WHERE h.metric_code = 'complaints_total')       AS complaints_total,
    max(h.value) FILTER (WHERE h.metric_code = 'fees_collected')         AS fees_collected,
    max(h.value) FILTER (WHERE h.metric_code = 'press_conferences')      AS press_conferences,
    max(h.value) FILTER (WHERE h.metric_code = 'staff_total')            AS staff_total,
    max(h.value) FILTER (WHERE h.metric_code = 'staff_fulltime')         AS staff_fulltime,
    max(h.value) FILTER (WHERE h.metric_code = 'staff_parttime')         AS staff_parttime,
    max(h.value) FILTER (WHERE h.metric_code = 'gid_meetings')           AS gid_meetings,
    max(h.value) FILTER (WHERE h.metric_code = 'trainings')              AS trainings,
    max(h.value) FILTER (WHERE h.metric_code = 'trainees')               AS trainees
FROM core.dim_report d
JOIN core.report_inventory i ON i.report_id = d.report_id AND i.status = 'loaded'
LEFT JOIN marts.report_headline_metrics h ON h.report_id = d.report_id
GROUP BY ALL
ORDER BY d.report_id
