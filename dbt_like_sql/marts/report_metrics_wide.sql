-- One row per loaded report: its metadata and one column per cross-year headline metric
-- (the table value when the report has a statistics table, else the prose value).
-- incremental: report_id
-- unique: report_id
-- column report_id VARCHAR not null: report (core.dim_report)
-- column title VARCHAR: report title, as in core.dim_report
-- column agency_name VARCHAR: issuing agency, as in core.dim_report
-- column agency_key VARCHAR: canonical agency, as in core.dim_report
-- column admin_level VARCHAR not null in (province, city, county, unknown): as in core.dim_report
-- column province VARCHAR: as in core.dim_report
-- column city VARCHAR: as in core.dim_report
-- column county VARCHAR: as in core.dim_report
-- column report_year INTEGER: year covered, as in core.dim_report
-- column report_kind VARCHAR not null in (annual_report, half_year_summary, quarterly_report, work_summary, other): as in core.dim_report
-- column format_era VARCHAR not null in (narrative, table_2014, table_2019, table_2021): as in core.dim_report
-- column published_on DATE: as in core.dim_report
-- column doc_number VARCHAR: as in core.dim_report
-- column proactive_total DOUBLE >= 0: 主动公开政府信息数 (条), the report's headline value (marts.report_headline_metrics)
-- column requests_received DOUBLE >= 0: 本年新收政府信息公开申请数量 (件), the report's headline value (marts.report_headline_metrics)
-- column requests_carried_in DOUBLE >= 0: 上年结转政府信息公开申请数量 (件), the report's headline value (marts.report_headline_metrics)
-- column requests_resolved DOUBLE >= 0: 本年度办理结果总计 (件), the report's headline value (marts.report_headline_metrics)
-- column requests_carried_out DOUBLE >= 0: 结转下年度继续办理 (件), the report's headline value (marts.report_headline_metrics)
-- column admin_review_total DOUBLE >= 0: 政府信息公开行政复议数量 (件), the report's headline value (marts.report_headline_metrics)
-- column admin_litigation_total DOUBLE >= 0: 政府信息公开行政诉讼数量 (件), the report's headline value (marts.report_headline_metrics)
-- column complaints_total DOUBLE >= 0: 举报投诉数量 (件), the report's headline value (marts.report_headline_metrics)
-- column fees_collected DOUBLE >= 0: 依申请公开信息收取的费用 (万元), the report's headline value (marts.report_headline_metrics)
-- column press_conferences DOUBLE >= 0: 新闻发布会次数 (次), the report's headline value (marts.report_headline_metrics)
-- column staff_total DOUBLE >= 0: 从事政府信息公开工作人员数 (人), the report's headline value (marts.report_headline_metrics)
-- column staff_fulltime DOUBLE >= 0: 专职人员数 (人), the report's headline value (marts.report_headline_metrics)
-- column staff_parttime DOUBLE >= 0: 兼职人员数 (人), the report's headline value (marts.report_headline_metrics)
-- column gid_meetings DOUBLE >= 0: 召开政府信息公开工作会议或专题会议数 (次), the report's headline value (marts.report_headline_metrics)
-- column trainings DOUBLE >= 0: 举办各类培训班数 (次), the report's headline value (marts.report_headline_metrics)
-- column trainees DOUBLE >= 0: 接受培训人员数 (人次), the report's headline value (marts.report_headline_metrics)
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
