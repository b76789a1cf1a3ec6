"""The whole asset graph, materialised in-process over the seeds into a temporary warehouse."""
import subprocess
import sys

from gov_pipeline.schemas import TABLES
from gov_pipeline.settings import REPO_ROOT


def test_definitions_load_and_validate():
    from gov_pipeline.definitions import defs

    keys = {"/".join(k.path) for k in defs.resolve_all_asset_keys()}
    assert {"raw/reports", "staging/clean_reports", "core/dim_report", "core/fact_metric", "core/quarantine",
            "ref/metric_catalog", "marts/report_metrics_wide", "marts/keyword_trends"} <= keys
    graph = defs.resolve_asset_graph()
    wide = graph.get(next(k for k in defs.resolve_all_asset_keys() if k.path == ["marts", "report_metrics_wide"]))
    assert {"/".join(p.path) for p in wide.parent_keys} == {"core/dim_report", "core/report_inventory", "marts/report_headline_metrics"}
    out = subprocess.run([sys.executable, "-m", "dagster", "definitions", "validate", "-w", "workspace.yaml"],
                         cwd=REPO_ROOT, capture_output=True, text=True, timeout=300)
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
