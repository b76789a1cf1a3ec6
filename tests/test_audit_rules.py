"""Every audit rule of marts.audit_findings fires where it should, once, on a small warehouse written by hand (and
the coverage of a year with only a summary)."""
import duckdb
import pytest

from gov_pipeline.frames import frame
from gov_pipeline.schemas import REPORT_KEYED_TABLES, TABLES
from gov_pipeline.settings import REPO_ROOT
from gov_pipeline.sql_models import load_models
from gov_pipeline.warehouse import ensure_tables, replace_reports, replace_table
from tests.conftest import build_model
from tests.test_marts import dim, inventory, section

APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org")
PART5 = "一是公开内容不够全面;二是解读形式单一。下一步将扩大公开范围,丰富解读形式,加强培训。"


def m(rid, mid, code, value, dimension=None, source="table", start=0):
    return {"report_id": rid, "metric_id": mid, "metric_code": code, "dimension": dimension, "value": value,
            "unit": "件", "source_kind": source, "qualifier": None, "is_redacted": False, "section_id": None,
            "evidence": f"{code} {value}", "char_start": start, "char_end": start + 1, "raw_char_start": 0,
            "raw_char_end": 1}


def world() -> dict[str, list]:
    reports = {  # report -> (agency, year, kind, era)
        "p1": ("P", 2011, "annual_report", "table_2021"), "p2": ("P", 2012, "annual_report", "table_2021"),
        "p3": ("P", 2013, "annual_report", "table_2021"), "p4": ("P", 2014, "annual_report", "table_2021"),
        "p5": ("Q", 2020, "annual_report", "table_2021"), "p6": ("Q", 2022, "annual_report", "table_2021"),
        "p9": ("Q", 2018, "annual_report", "narrative"),  # before the six-part template: no part 五 is no finding
        "p7": ("P", 2017, "annual_report", "table_2021"), "p8": ("P", 2018, "annual_report", "table_2021"),
        "a21": ("A", 2021, "annual_report", "table_2021"), "a22": ("A", 2022, "annual_report", "table_2021"),
        "b19": ("B", 2019, "annual_report", "table_2019"), "b20": ("B", 2020, "annual_report", "table_2019"),
        "c19": ("C", 2019, "annual_report", "narrative"), "c20": ("C", 2020, "annual_report", "narrative"),
        "c21": ("C", 2021, "annual_report", "narrative"), "c22": ("C", 2022, "work_summary", "narrative"),
    }
    dims = [dim(r, a, y, k) | {"format_era": e} for r, (a, y, k, e) in reports.items()]
    facts = {r: [] for r in reports}

    def add(rid, code, value, dimension=None, source="table", start=0):
        facts[rid].append(m(rid, len(facts[rid]) + 1, code, value, dimension, source, start))

    # p1: the six applicant columns add up to 9, 总计 prints 10
    add("p1", "requests_received", 10)
    for i, a in enumerate(APPLICANTS):
        add("p1", "requests_received", [4, 2, 1, 1, 0, 1][i], f"applicant={a}")
    # p2: received 5 + carried in 1 = 6, but resolved 4 + carried out 1 = 5
    for code, v in (("requests_received", 5), ("requests_carried_in", 1), ("requests_resolved", 4),
                    ("requests_carried_out", 1)):
        add("p2", code, v)
    # p3: the result rows add up to 7, (七)总计 prints 8; the 不予公开 reasons add up to 1, its group row prints 2
    add("p3", "requests_resolved", 8)
    for d, v in (("result=disclosed", 3), ("result=partial", 2), ("result=unable;reason=not_held", 1),
                 ("result=refused", 2), ("result=refused;reason=state_secret", 1),
                 ("result=refused;reason=third_party", 0)):
        add("p3", "requests_resolved", v, d)
    # p4: review results add up to 2, its 总计 prints 3; the prose says 90 items where the table says 100
    add("p4", "admin_review_total", 3)
    for d, v in (("result=upheld", 1), ("result=corrected", 0), ("result=other", 0), ("result=pending", 1)):
        add("p4", "admin_review_total", v, d)
    add("p4", "proactive_total", 100)
    add("p4", "proactive_total", 90, source="narrative")
    # p7: part 六 says no fee was charged (0), the overview 0.5 万元
    add("p7", "fees_collected", 0.5, source="narrative", start=5)
    add("p7", "fees_collected", 0, source="narrative", start=105)
    # p8: a completion rate of 120%
    add("p8", "completion_rate", 120, source="narrative")
    # A: carried out 2 in 2021, carried in 3 in 2022; in force 10 + issued 2 - repealed 1 = 11, but 12; 20 -> 200
    add("a21", "requests_carried_out", 2)
    add("a21", "doc_in_force", 10, "doc_type=normative")
    add("a21", "proactive_total", 20)
    add("a22", "requests_carried_in", 3)
    for code, v in (("doc_issued", 2), ("doc_repealed", 1), ("doc_in_force", 12)):
        add("a22", code, v, "doc_type=normative")
    add("a22", "proactive_total", 200)
    # B (2019 format): 100 licence items + 5 = 105 at the start of 2020, but 104
    add("b19", "items_prev_year", 100, "item=license")
    add("b19", "items_change", 5, "item=license")
    add("b20", "items_prev_year", 104, "item=license")
    add("b20", "items_change", 0, "item=license")
    # C: 30 and 40 requests, then 0; 2022 has only a work summary
    for rid, v in (("c19", 30), ("c20", 40), ("c21", 0)):
        add(rid, "requests_received", v)
    sections = []
    for rid in reports:
        if rid in ("p5", "p9"):
            continue  # no part 五
        sections.append(section(rid, 1, "problems_improvements") | {"body": "无" if rid == "p6" else PART5})
    sections.append(section("p7", 2, "other", "其他需要报告的事项") | {"char_start": 100, "char_end": 200})
    issues = [{"report_id": "p1", "rule": "table_row_ambiguous", "severity": "warning", "detail": "cells fused"},
              {"report_id": "p1", "rule": "table_sum", "severity": "error", "detail": "restated by applicant_sum"}]
    return {"reports": list(reports), "core.dim_report": dims, "core.fact_section": sections,
            "core.fact_metric": [x for rows in facts.values() for x in rows], "core.quality_issue": issues}


@pytest.fixture(scope="module")
def con(tmp_path_factory):
    con = duckdb.connect(str(tmp_path_factory.mktemp("audits") / "w.duckdb"))
    ensure_tables(con)
    w = world()
    replace_reports(con, {n: frame(n, w[n]) for n in ("core.dim_report", "core.fact_section", "core.fact_metric",
                                                       "core.quality_issue")}, w["reports"])
    replace_table(con, "core.report_inventory", frame("core.report_inventory",
                                                      [inventory(r, "loaded") for r in w["reports"]]))
    replace_table(con, "ref.metric_catalog", frame("ref.metric_catalog", [
        {"code": c, "label_zh": c, "aliases": None, "unit": "件", "eras": "narrative", "is_headline": True,
         "description": c, "min_value": None, "max_value": None}
        for c in ("proactive_total", "requests_received", "requests_carried_in", "requests_carried_out")]))
    for model in load_models(REPO_ROOT / "dbt_like_sql", set(TABLES), set(REPORT_KEYED_TABLES)):
        build_model(con, model)
    yield con
    con.close()


def test_each_rule_fires_once_where_it_should(con):
    got = con.execute("SELECT rule, report_id, metric_code, dimension, expected, actual FROM marts.audit_findings "
                      "WHERE scope IN ('report', 'across_years') ORDER BY rule").fetchall()
    assert got == [
        ("applicant_sum", "p1", "requests_received", None, 9.0, 10.0),
        ("carry_over", "a22", "requests_carried_in", None, 2.0, 3.0),
        ("docs_in_force", "a22", "doc_in_force", "doc_type=normative", 11.0, 12.0),
        ("group_sum", "p3", "requests_resolved", "result=refused", 1.0, 2.0),
        ("items_stock", "b20", "items_prev_year", "item=license", 105.0, 104.0),
        ("jump", "a22", "proactive_total", None, 20.0, 200.0),
        ("part5_empty", "p6", None, None, None, None),
        ("part5_missing", "p5", None, None, None, None),
        ("part6_fee_mismatch", "p7", "fees_collected", None, 0.5, 0.0),
        ("prose_table_mismatch", "p4", "proactive_total", None, 100.0, 90.0),
        ("rate_out_of_range", "p8", "completion_rate", None, None, 120.0),
        ("request_balance", "p2", "requests_resolved", None, 6.0, 5.0),
        ("results_sum", "p3", "requests_resolved", None, 7.0, 8.0),
        ("review_sum", "p4", "admin_review_total", None, 2.0, 3.0),
        ("zero_after_large", "c21", "requests_received", None, 35.0, 0.0),
    ]


def test_severities_evidence_and_the_other_year(con):
    rows = dict((r[0], r[1:]) for r in con.execute(
        "SELECT rule, severity, scope, previous_report_id, evidence, other_evidence FROM marts.audit_findings "
        "WHERE rule IN ('applicant_sum', 'carry_over', 'jump')").fetchall())
    assert rows["applicant_sum"] == ("error", "report", None, "requests_received 10", None)
    assert rows["carry_over"] == ("warning", "across_years", "a21", "requests_carried_in 3", "requests_carried_out 2")
    assert rows["jump"][:3] == ("info", "across_years", "a21")


def test_the_extraction_s_own_issues_join_the_list_unless_a_rule_restates_them(con):
    assert con.execute("SELECT rule, scope, report_id, detail FROM marts.audit_findings WHERE scope = 'extraction'"
                       ).fetchall() == [("table_row_ambiguous", "extraction", "p1", "cells fused")]


def test_a_year_with_only_a_summary_is_no_gap_but_says_so(con):
    assert con.execute("SELECT report_year, status, report_id FROM marts.coverage WHERE agency_key = 'C' "
                       "ORDER BY 1").fetchall() == [(2019, "annual_report", "c19"), (2020, "annual_report", "c20"),
                                                    (2021, "annual_report", "c21"), (2022, "summary_only", "c22")]
