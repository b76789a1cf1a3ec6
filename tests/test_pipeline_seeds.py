"""The whole asset graph, materialised in-process over the seeds into a temporary warehouse."""
import os
import subprocess
import sys

from gov_pipeline.schemas import TABLES
from gov_pipeline.settings import REPO_ROOT


def test_definitions_load_and_validate(tmp_path):
    from gov_pipeline.definitions import defs

    keys = {"/".join(k.path) for k in defs.resolve_all_asset_keys()}
    assert {"raw/reports", "staging/clean_reports", "core/dim_report", "core/fact_metric", "core/quarantine",
            "ref/metric_catalog", "marts/report_metrics_wide", "marts/keyword_trends"} <= keys
    graph = defs.resolve_asset_graph()
    wide = graph.get(next(k for k in defs.resolve_all_asset_keys() if k.path == ["marts", "report_metrics_wide"]))
    assert {"/".join(p.path) for p in wide.parent_keys} == {"core/dim_report", "core/report_inventory", "marts/report_headline_metrics"}
    from gov_pipeline.instance import ensure_dagster_home

    env = {**os.environ, "DAGSTER_HOME": str(ensure_dagster_home(tmp_path / "home"))}
    out = subprocess.run([sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=300, env=env)
    assert out.returncode == 0, out.stderr[-2000:]


def test_every_contract_table_exists_with_rows(seeded):
    tables = {f"{s}.{t}" for s, t in seeded.query(
        "SELECT table_schema, table_name FROM information_schema.tables")}
    assert set(TABLES) <= tables
    for name in ["marts.report_metrics_wide", "marts.agency_year_metrics", "marts.metric_year_summary",
                 "marts.report_scorecard", "marts.keyword_trends"]:
        assert name in tables
    assert seeded.query("SELECT count(*) FROM raw.reports")[0][0] == 5
    assert seeded.query("SELECT count(*) FROM core.dim_report")[0][0] == 5
    assert seeded.query("SELECT count(*) FROM core.quarantine")[0][0] == 0
    assert seeded.query("SELECT count(*) FROM marts.report_metrics_wide")[0][0] == 5
    assert seeded.query("SELECT count(*) FROM ref.metric_catalog")[0][0] >= 16
    assert seeded.query("SELECT count(DISTINCT topic) FROM ref.topic")[0][0] == 9


def test_seed_000_proactive_total_is_475(seeded):
    got = seeded.query("SELECT proactive_total, report_year, agency_name FROM marts.report_metrics_wide "
                       "WHERE report_id = '000_d9a8aa6b43ea3b92'")
    assert got == [(475.0, 2013, "鄂尔多斯市环境保护局")]


def test_generic_figures_are_kept_with_their_phrase_but_never_a_headline(seeded):
    generic = seeded.query("SELECT count(*), count(label) FROM core.fact_metric "
                           "WHERE metric_code = 'other_figure' AND dimension IS NULL")[0]
    assert generic[0] > 0 and generic[0] == generic[1]
    assert seeded.query("SELECT count(*) FROM marts.report_headline_metrics WHERE metric_code = 'other_figure'") == [(0,)]
    assert seeded.query("SELECT count(*) FROM ref.figure_dimension WHERE dimension = 'channel'")[0][0] >= 10


def test_spans_point_into_clean_and_raw_text(seeded):
    rows = seeded.query("""
        SELECT m.evidence, substr(c.clean_text, m.char_start + 1, m.char_end - m.char_start),
               substr(r.text, m.raw_char_start + 1, m.raw_char_end - m.raw_char_start), m.metric_code
        FROM core.fact_metric m JOIN staging.clean_reports c USING (report_id) JOIN raw.reports r USING (report_id)""")
    assert rows
    for evidence, clean_span, raw_span, code in rows:
        assert evidence.strip() in clean_span or clean_span in evidence, code
        cjk = lambda s: [ch for ch in s if "\u4e00" <= ch <= "\u9fff"]  # noqa: E731
        assert cjk(clean_span) == cjk(raw_span), code  # the raw span holds the same words


def test_sections_cover_their_text(seeded):
    bad = seeded.query("""
        SELECT s.report_id, s.section_id FROM core.fact_section s JOIN staging.clean_reports c USING (report_id)
        WHERE s.char_end > length(c.clean_text) OR s.char_start > s.char_end""")
    assert bad == []
    assert seeded.query("SELECT count(*) FROM core.fact_section WHERE depth = 1 AND report_id = '004_17c27c0a9e1aa267' "
                        "AND kind = 'statistics_table'")[0][0] == 1


def test_rerun_changes_no_row(seeded):
    tables = sorted(TABLES) + ["marts.report_metrics_wide", "marts.agency_year_metrics", "marts.report_scorecard",
                               "marts.metric_year_summary", "marts.keyword_trends"]
    before = {t: seeded.df(f"SELECT * FROM {t}") for t in tables}
    seeded.materialize_all()
    for t in tables:
        after = seeded.df(f"SELECT * FROM {t}")
        sort = list(after.columns)
        a = before[t].sort_values(sort).reset_index(drop=True)
        b = after.sort_values(sort).reset_index(drop=True)
        assert a.equals(b), t


def test_seed_004_table_figures_land_with_prose_kept_and_flagged(seeded):
    rows = seeded.query("""SELECT metric_code, value, source_kind FROM core.fact_metric
                           WHERE report_id = '004_17c27c0a9e1aa267' AND dimension IS NULL""")
    table = {code: value for code, value, kind in rows if kind == "table"}
    expected = {"proactive_total": 106, "requests_received": 0, "admin_review_total": 0, "admin_litigation_total": 0,
                "complaints_total": 0, "staff_total": 0, "staff_fulltime": 0, "staff_parttime": 1,
                "gid_meetings": 3, "trainings": 2, "trainees": 18}
    assert {k: table.get(k) for k in expected} == expected
    assert "fees_collected" in table and table["fees_collected"] is None  # blank cell: NULL, not 0
    assert ("proactive_total", 105.0, "narrative") in rows
    rules = {r for (r,) in seeded.query("SELECT rule FROM core.quality_issue WHERE report_id = '004_17c27c0a9e1aa267'")}
    assert {"prose_table_mismatch", "staff_sum"} <= rules
    assert seeded.query("SELECT proactive_total, staff_parttime, fees_collected FROM marts.report_metrics_wide "
                        "WHERE report_id = '004_17c27c0a9e1aa267'") == [(106.0, 1.0, None)]


def test_seed_metadata_in_dim_report(seeded):
    got = {r[0][:3]: r[1:] for r in seeded.query(
        "SELECT report_id, agency_name, admin_level, province, city, report_year, report_kind, published_on, doc_number "
        "FROM core.dim_report")}
    import datetime as dt
    assert got["000"] == ("鄂尔多斯市环境保护局", "city", "内蒙古自治区", "鄂尔多斯市", 2013, "annual_report", dt.date(2014, 3, 10), None)
    assert got["003"] == ("鄂温克旗环境保护局", "county", "内蒙古自治区", "呼伦贝尔市", 2017, "annual_report", dt.date(2017, 12, 27), "鄂环字〔2017〕106号")
    assert got["004"][:5] == ("北京市怀柔区环境保护局", "county", "北京市", "北京市", 2018)
    assert got["002"][:5] == ("许昌市生态环境局", "city", "河南省", "许昌市", 2020)
    assert got["001"][1] == "province" and got["001"][4:6] == (2023, "half_year_summary")


DOCSHARE = """临安区环境保护局2016年政府信息公开工作年度报告.docx

上传者:乙****7 文档编号:12345678 上传时间:2017-02-01 格式:DOCX 页数:1 大小:10.2KB
临安区环境保护局2016年政府信息公开工作年度报告.docx_第1页
第1页 / 共1页

1、临安区环境保护局2016年政府信息公开工作年度报告
本报告根据《中华人民共和国政府信息公开条例》的要求编制,统计期限为2016年1月1日至2016年12月31日。
一、概述
2016年,我局主动公开政府信息35条,未收到政府信息公开申请。
"""


def test_warehouse_holds_what_the_bare_library_derives(harness):
    """The pipeline's one-pass derivation sees the same cleaned page metadata (here the document-sharing
    file name, the only clean title) as the library does on its own."""
    from gov_pipeline.text.pipeline import analyse_raw

    (harness.inbox / "docshare.txt").write_text(DOCSHARE, encoding="utf-8")
    harness.copy_seeds()
    harness.materialize_all()
    for path in sorted(harness.inbox.glob("*.txt")):
        meta = analyse_raw(path.stem, path.read_text(encoding="utf-8"), "jieba").meta
        row = harness.query(f"SELECT title, agency_name, report_year, report_kind, doc_number, format_era "
                            f"FROM core.dim_report WHERE report_id = '{path.stem}'")
        assert row == [(meta.title, meta.agency_name, meta.report_year, meta.report_kind, meta.doc_number,
                        meta.format_era)], path.name
    assert harness.query("SELECT title FROM core.dim_report WHERE report_id = 'docshare'") == [
        ("临安区环境保护局2016年政府信息公开工作年度报告",)]


def test_html_and_word_reports_load_like_their_plain_text(harness):
    """A report downloaded as a web page, a Word file or a PDF is read by its format and gives the figures of its plain
    text; raw.reports says which format and reader, and keeps the hash of the original bytes."""
    import hashlib
    import shutil

    for name in ("report.txt", "report.html", "report.docx", "report.pdf"):
        shutil.copy(REPO_ROOT / "tests" / "formats" / name, harness.inbox / name)
    harness.materialize_all()
    rows = harness.query("SELECT source_path, format, reader IS NOT NULL, content_sha256, decode_error "
                         "FROM raw.reports ORDER BY source_path")
    assert [(p, f, r, e) for p, f, r, _, e in rows] == [
        ("report.docx", "docx", True, None), ("report.html", "html", True, None), ("report.pdf", "pdf", True, None),
        ("report.txt", "text", True, None)]
    for path, _, _, sha, _ in rows:
        assert sha == hashlib.sha256((harness.inbox / path).read_bytes()).hexdigest()
    per_report = harness.query(
        "SELECT r.format, list(m.metric_code || coalesce(m.dimension, '') || '=' || coalesce(m.value::VARCHAR, '') "
        "ORDER BY 1) FROM core.fact_metric m JOIN raw.reports r USING (report_id) GROUP BY r.format ORDER BY 1")
    assert len(per_report) == 4 and per_report[0][1] == per_report[1][1] == per_report[2][1] == per_report[3][1]
    # every table figure points to the cell it was read from, with the same number; PDF cells and figures have pages
    assert harness.query(
        "SELECT count(*) FROM core.fact_metric m LEFT JOIN core.fact_table_cell c USING (report_id, table_no, row_no, "
        "col_no) WHERE m.source_kind = 'table' AND m.table_no IS NOT NULL "
        "AND (c.report_id IS NULL OR NOT c.has_metric OR c.value IS DISTINCT FROM m.value)") == [(0,)]
    cells = dict((f, (n, pages, with_metric)) for f, n, pages, with_metric in harness.query(
        "SELECT r.format, count(*), count(c.page), count(*) FILTER (WHERE c.has_metric) FROM core.fact_table_cell c "
        "JOIN raw.reports r USING (report_id) GROUP BY 1"))
    assert {f: v[0] for f, v in cells.items()} == {"text": 196, "html": 196, "docx": 196, "pdf": 196}
    assert cells["pdf"][1] == 196 and cells["html"][1] == 0
    assert harness.query("SELECT count(*) FILTER (WHERE page IS NULL), count(DISTINCT page) FROM core.fact_metric m "
                         "JOIN raw.reports r USING (report_id) WHERE r.format = 'pdf'") == [(0, 3)]
    assert harness.query("SELECT count(*) FROM raw.reports WHERE (layout IS NULL) <> (format = 'text')") == [(0,)]
