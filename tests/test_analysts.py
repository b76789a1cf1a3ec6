"""What analysts come for, on a corpus of our own (tests/analysts/corpus.py: three bureaus over four years with a
broken carry-over, a reused section, a missing year, a table that does not add up and one correction): every
finding, comparison, coverage gap and correction appears exactly where expected."""
import shutil

import dagster as dg
import pytest

from tests.analysts import corpus
from tests.analysts.warehouse import ACKNOWLEDGED, CARRY_OVER_KEY, KEY, corpus_harness, finding_id

EXPECTED = ("浙江省/丽水市/紫溪县/生态环境", "紫溪县生态环境局", 2022, "")


@pytest.fixture(scope="module")
def analysts(tmp_path_factory):
    """The corpus through the whole graph, with one agency expected that the pipeline never saw."""
    with corpus_harness(tmp_path_factory.mktemp("analysts"), [EXPECTED]) as h:
        yield h


def findings(h, rule: str):
    return h.query(f"SELECT agency_key, report_year, metric_code, dimension, expected, actual, table_no, row_label, "
                   f"previous_report_id FROM marts.audit_findings WHERE rule = '{rule}' ORDER BY ALL")


def test_the_broken_carry_over_is_found_between_the_two_years(analysts):
    assert findings(analysts, "carry_over") == [
        (KEY["qingshi"], 2023, "requests_carried_in", None, 2.0, 3.0, 2, "二、上年结转政府信息公开申请数量", "qingshi_2022")]


def test_the_table_that_does_not_add_up_is_found_with_its_table_and_row(analysts):
    assert findings(analysts, "applicant_sum") == [
        (KEY["honghe"], 2024, "requests_received", None, 11.0, 10.0, 2, "一、本年新收政府信息公开申请数量", None)]
    # the same cell breaks its column's balance (received + carried in = resolved + carried out); no other identity
    # of any table is broken, and documents in force follow issued and repealed every year
    assert findings(analysts, "request_balance") == [
        (KEY["honghe"], 2024, "requests_resolved", "applicant=natural_person", 12.0, 11.0, 2, "(七)总计", None)]
    for rule in ("results_sum", "group_sum", "review_sum", "docs_in_force", "items_stock", "prose_table_mismatch",
                 "part5_missing", "part5_empty", "part6_fee_mismatch", "rate_out_of_range", "jump", "zero_after_large"):
        assert findings(analysts, rule) == [], rule


def test_the_missing_year_and_the_agency_never_seen_are_coverage_gaps(analysts):
    gaps = analysts.query("SELECT agency_key, report_year, expected FROM marts.coverage WHERE status = 'missing' "
                          "ORDER BY ALL")
    assert gaps == sorted([(KEY["honghe"], 2023, False)] + [("浙江省/丽水市/紫溪县/生态环境", y, True)
                                                             for y in (2022, 2023, 2024)])
    assert analysts.query("SELECT count(*) FROM marts.coverage WHERE status = 'annual_report'") == [(11,)]


def test_the_correction_is_applied_beside_the_original_and_the_facts_are_untouched(analysts):
    assert analysts.query(
        "SELECT value, original_value, corrected, correction_id FROM marts.corrected_metric "
        "WHERE report_id = 'qingshi_2022' AND metric_code = 'proactive_total' AND dimension IS NULL") == [
        (421.0, 412.0, True, "c001")]
    assert analysts.query("SELECT value FROM core.fact_metric WHERE report_id = 'qingshi_2022' "
                          "AND metric_code = 'proactive_total' AND dimension IS NULL") == [(412.0,)]
    assert analysts.query("SELECT status, figures_corrected FROM marts.correction_status") == [("applied", 1)]
    assert analysts.query("SELECT count(*) FROM marts.corrected_metric WHERE corrected") == [(1,)]


def test_year_on_year_comparison_uses_the_corrected_value(analysts):
    rows = analysts.query(
        "SELECT report_year, value, previous_value, change, corrected, previous_corrected "
        "FROM marts.agency_year_comparison WHERE agency_key = '" + KEY["qingshi"] + "' "
        "AND metric_code = 'proactive_total' AND dimension IS NULL ORDER BY report_year")
    p21 = 300 + 10 + 3
    p23, p24 = 300 + 30 + 3, 300 + 40 + 3
    assert rows == [(2021, p21, None, None, False, None), (2022, 421.0, p21, 421.0 - p21, True, False),
                    (2023, p23, 421.0, p23 - 421.0, False, True), (2024, p24, p23, p24 - p23, False, False)]
    # every figure of honghe 2024 has no previous value: 2023 is missing
    assert analysts.query("SELECT count(*) FILTER (WHERE previous_value IS NOT NULL), count(*) "
                          "FROM marts.agency_year_comparison WHERE agency_key = '" + KEY["honghe"] + "' "
                          "AND report_year = 2024")[0][0] == 0


def test_an_unmatched_correction_is_reported_not_dropped(analysts, tmp_path):
    import duckdb

    from gov_pipeline.sql_models import load_models
    from gov_pipeline.schemas import REPORT_KEYED_TABLES, TABLES
    from gov_pipeline.warehouse import build_models

    copy = tmp_path / "w.duckdb"
    shutil.copy(analysts.settings.warehouse, copy)
    con = duckdb.connect(str(copy))
    try:  # the report the correction names changed: its figure is no longer 412 under that code
        con.execute("DELETE FROM core.fact_metric WHERE report_id = 'qingshi_2022' AND metric_code = 'proactive_total'")
        # as a new text version would leave it (what tells the marts that the report's rows changed)
        con.execute("UPDATE core.dim_report SET text_version = '000000000000' WHERE report_id = 'qingshi_2022'")
        models = load_models(analysts.settings.sql_dir, set(TABLES), set(REPORT_KEYED_TABLES))
        build_models(con, models)
        assert con.execute("SELECT status FROM marts.correction_status").fetchall() == [("unmatched",)]
        assert con.execute("SELECT scope, detail LIKE 'correction c001 matches no figure%' FROM marts.audit_findings "
                           "WHERE rule = 'correction_unmatched'").fetchall() == [("correction", True)]
    finally:
        con.close()


def test_findings_have_stable_ids_and_can_be_acknowledged(analysts):
    """The carry-over finding is acknowledged in the fixture's assets/acknowledged_findings.csv, by its id."""
    rows = analysts.query("SELECT finding_id, finding_key, acknowledged, acknowledgement FROM marts.audit_findings "
                          "WHERE acknowledged OR rule = 'carry_over'")
    assert rows == [(finding_id(CARRY_OVER_KEY), CARRY_OVER_KEY, True,
                     f"{ACKNOWLEDGED[0]} ({ACKNOWLEDGED[1]}, {ACKNOWLEDGED[2]})")]


def test_the_reused_section_is_found_and_only_it(analysts):
    reuse = analysts.query("SELECT agency_key, report_year, share_reused FROM marts.section_reuse WHERE part = 5 "
                           "AND share_reused IS NOT NULL ORDER BY ALL")
    high = [(a, y) for a, y, share in reuse if share >= 0.8]
    assert high == [(KEY["baisha"], 2023)]
    assert max(share for *_, share in reuse if share < 0.8) < 0.5  # other years' part 五 say other things
    assert findings(analysts, "section_reused")[0][:2] == (KEY["baisha"], 2023)
    assert len(findings(analysts, "section_reused")) == 1
    # the parts with text of their own are compared (parts 二 to 四 of these reports hold nothing but their tables)
    parts = analysts.query("SELECT DISTINCT part, part_name FROM marts.section_reuse WHERE agency_key = '"
                           + KEY["qingshi"] + "' ORDER BY 1")
    assert parts == [(1, "总体情况"), (5, "存在的主要问题及改进情况"), (6, "其他需要报告的事项")]


def test_the_audits_are_asset_checks_with_a_sample(analysts):
    evaluations = {(e.asset_key.path[-1], e.check_name): e for r in analysts.results
                   for e in r.get_asset_check_evaluations()}
    errors = evaluations[("audit_findings", "open_errors")]
    assert not errors.passed and errors.severity == dg.AssetCheckSeverity.WARN
    assert errors.metadata["rows"].value == 2  # the applicant sum and the balance of honghe 2024
    assert "applicant_sum" in errors.metadata["sample"].value
    warnings = evaluations[("audit_findings", "open_warnings")]
    assert warnings.metadata["rows"].value == 1  # the reused part 五 (the carry-over is acknowledged)
    assert evaluations[("correction_status", "unmatched")].passed
    missing = evaluations[("coverage", "expected_missing")]
    assert not missing.passed and missing.metadata["rows"].value == 3


def test_every_mart_keeps_its_contract_on_the_corpus(analysts):
    schema = {e.asset_key.path[-1]: e.passed for r in analysts.results for e in r.get_asset_check_evaluations()
              if e.check_name == "schema"}
    for mart in ("agency_year_report", "corrected_metric", "correction_status", "agency_year_comparison",
                 "section_reuse", "coverage", "audit_findings"):
        assert schema[mart], mart
