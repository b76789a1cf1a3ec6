"""Every mart on a small warehouse written by hand; expected values computed by hand."""
import duckdb
import pytest

from gov_pipeline.frames import frame
from gov_pipeline.schemas import REPORT_KEYED_TABLES, TABLES
from gov_pipeline.settings import REPO_ROOT
from gov_pipeline.sql_models import load_models
from gov_pipeline.warehouse import ensure_tables, replace_reports, replace_table
from tests.conftest import build_model


def dim(rid, agency_key, year, kind="annual_report"):
    return {"report_id": rid, "title": None, "agency_name": agency_key, "agency_key": agency_key,
            "admin_level": "city", "province": None, "city": None, "county": None, "report_year": year,
            "report_kind": kind, "format_era": "narrative", "published_on": None, "doc_number": None, "char_count": 10}


def metric(rid, mid, code, value, source="narrative", qualifier=None, dimension=None):
    return {"report_id": rid, "metric_id": mid, "metric_code": code, "dimension": dimension, "value": value,
            "unit": "条", "source_kind": source, "qualifier": qualifier, "is_redacted": False, "section_id": None,
            "evidence": "e", "char_start": 0, "char_end": 1, "raw_char_start": 0, "raw_char_end": 1}


def section(rid, sid, topic, heading="h"):
    return {"report_id": rid, "section_id": sid, "parent_section_id": None, "depth": 1, "ordinal": sid,
            "heading": heading, "topic": topic, "body": "", "kind": "heading", "char_start": 0, "char_end": 1}


def inventory(rid, status, duplicate_of=None, reason=None):
    return {"report_id": rid, "source_path": f"{rid}.txt", "content_sha256": "0" * 64, "status": status,
            "duplicate_of": duplicate_of, "reason": reason}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = duckdb.connect(str(tmp_path_factory.mktemp("marts") / "w.duckdb"))
    ensure_tables(con)
    rows = {
        "core.dim_report": [dim("r1", "A", 2019), dim("r2", "A", 2020), dim("r3", "B", 2020, "work_summary")],
        "core.fact_metric": [
            metric("r1", 1, "proactive_total", 100, "table"), metric("r1", 2, "proactive_total", 99),
            metric("r1", 3, "requests_received", 5),
            metric("r2", 1, "proactive_total", 130, qualifier="as_of"),
            metric("r2", 2, "proactive_total", 2000, qualifier="cumulative"),
            metric("r2", 3, "requests_received", None, "table"),
            metric("r2", 4, "requests_received", 0, qualifier="negation"),
            metric("r3", 1, "proactive_total", 50, "table"),
            metric("r3", 2, "staff_total", 3, "table", dimension="kind=x"),
        ],
        "core.fact_section": [section("r1", 1, "overview"), section("r1", 2, "proactive_disclosure"),
                              section("r1", 3, "other", "六、其他需要报告的事项"), section("r2", 1, "next_steps")],
        "core.fact_keyword": [{"report_id": "r2", "term": "排污许可", "weight": 0.5, "rank": 1},
                              {"report_id": "r3", "term": "排污许可", "weight": 0.25, "rank": 1},
                              {"report_id": "r3", "term": "环评", "weight": 0.1, "rank": 2}],
        "core.quality_issue": [{"report_id": "r1", "rule": "prose_table_mismatch", "severity": "warning", "detail": "d"}],
    }
    replace_reports(con, {name: frame(name, r) for name, r in rows.items()}, ["r1", "r2", "r3"])
    replace_table(con, "core.report_inventory", frame("core.report_inventory", [
        inventory("r1", "loaded"), inventory("r2", "loaded"), inventory("r3", "loaded"),
        inventory("r4", "quarantined", reason="empty file (0 bytes)"), inventory("r5", "duplicate", "r1"),
        inventory("r6", "ignored", reason="unsupported file type .xls: only .doc, .docx, .htm, .html, .pdf, .shtml, .txt, .wps files are read") | {"content_sha256": None}]))
    for model in load_models(REPO_ROOT / "dbt_like_sql", set(TABLES), set(REPORT_KEYED_TABLES)):
        build_model(con, model)
    yield con
    con.close()


def one(con, sql):
    return con.execute(sql).fetchall()


def test_report_metrics_wide_prefers_table_then_stated_values(con):
    got = one(con, "SELECT report_id, proactive_total, requests_received, staff_total FROM marts.report_metrics_wide ORDER BY 1")
    assert got == [("r1", 100.0, 5.0, None), ("r2", 130.0, 0.0, None), ("r3", 50.0, None, None)]


def test_agency_year_metrics_previous_year_and_change(con):
    got = one(con, "SELECT report_year, metric_code, value, previous_year_value, yoy_change FROM marts.agency_year_metrics "
                   "WHERE agency_key = 'A' ORDER BY 1, 2")
    assert got == [(2019, "proactive_total", 100.0, None, None), (2019, "requests_received", 5.0, None, None),
                   (2020, "proactive_total", 130.0, 100.0, 30.0), (2020, "requests_received", 0.0, 5.0, -5.0)]


def test_metric_year_summary(con):
    got = one(con, "SELECT report_year, n_reports, total, median FROM marts.metric_year_summary "
                   "WHERE metric_code = 'proactive_total' ORDER BY 1")
    assert got == [(2019, 1, 100.0, 100.0), (2020, 2, 180.0, 90.0)]


def test_report_scorecard(con):
    got = {r[0]: r[1:] for r in one(con, "SELECT report_id, status, is_quarantined, duplicate_of, official_parts_present, "
                                         "official_parts, metrics_found, quality_issues FROM marts.report_scorecard")}
    assert got["r1"] == ("loaded", False, None, 3, "1,2,6", 3, 1)
    assert got["r4"] == ("quarantined", True, None, 0, None, 0, 0)
    assert got["r5"][:3] == ("duplicate", False, "r1")
    assert got["r6"] == ("ignored", False, None, 0, None, 0, 0)


def test_every_mart_declares_its_columns_and_keeps_its_contract(con):
    from gov_pipeline.warehouse import contract_violations

    for model in load_models(REPO_ROOT / "dbt_like_sql", set(TABLES), set(REPORT_KEYED_TABLES)):
        assert model.columns and model.unique, model.qualified
        assert contract_violations(con, model) == [], model.qualified


def test_keyword_trends(con):
    got = one(con, "SELECT report_year, term, n_reports, total_weight FROM marts.keyword_trends ORDER BY 1, 3 DESC, 2")
    assert got == [(2020, "排污许可", 2, 0.75), (2020, "环评", 1, 0.1)]
