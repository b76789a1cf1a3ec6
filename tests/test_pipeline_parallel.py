"""The per-report text work in chunks: spread over processes by Dagster's multiprocess executor, written as parts
that the one writer merges, it gives the same rows as one process."""
import os

import dagster as dg
import duckdb
import pytest

from gov_pipeline.chunks import DERIVED_TABLES, INPUT_COLUMNS, derive_chunk, finished_parts, read_summary
from tests.conftest import Harness

REPORT = "{agency}2019年政府信息公开工作年度报告\n一、总体情况\n2019年主动公开政府信息{n}条,未收到政府信息公开申请。\n{agency}\n2020年1月20日\n"
AGENCIES = ["北京市怀柔区生态环境局", "许昌市生态环境局", "鄂尔多斯市生态环境局", "益阳市生态环境局"]
CORE = ("core.dim_report", "core.fact_metric", "core.fact_section", "core.fact_keyword", "staging.clean_reports")


def _write_reports(inbox, n):
    """n small reports r00.. in the inbox, agencies in turn, stating n = 1.. documents."""
    inbox.mkdir(parents=True, exist_ok=True)
    for i in range(n):
        (inbox / f"r{i:02d}.txt").write_text(REPORT.format(agency=AGENCIES[i % 4], n=i + 1), encoding="utf-8")


def _rows(warehouse) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: con.execute(f"SELECT * EXCLUDE (text_version) FROM {t} ORDER BY ALL").df() if t in (
            "core.dim_report", "staging.clean_reports") else con.execute(f"SELECT * FROM {t} ORDER BY ALL").df()
            for t in CORE}
    finally:
        con.close()


def test_the_multiprocess_executor_spreads_the_chunks_and_gives_the_rows_of_one_process(tmp_path, monkeypatch):
    """process_reports_parallel, as `make demo` runs a bulk load: 24 reports in chunks of 5 -> five chunk steps
    in at least two processes, merged by one writer; the same rows as the in-process run."""
    from gov_pipeline.demo import QUIET, run_parallel

    with dg.instance_for_test() as instance:
        one = Harness(tmp_path / "one", instance)
        _write_reports(one.inbox, 24)
        one.materialize_all()
        expected = _rows(one.settings.warehouse)

    inbox, warehouse = tmp_path / "par" / "inbox", tmp_path / "par" / "w.duckdb"
    _write_reports(inbox, 24)
    for k, v in {"GOV_INBOX": inbox, "GOV_WAREHOUSE": warehouse, "GOV_SEGMENTER": "jieba",
                 "GOV_CHUNK_REPORTS": 5, "GOV_WORKERS": 2}.items():
        monkeypatch.setenv(k, str(v))
    with dg.instance_for_test() as instance:
        result = run_parallel(instance, run_config=QUIET)
        assert result.success
        starts = [e for e in instance.all_logs(result.run_id, of_type=dg.DagsterEventType.STEP_START)]
        chunk_steps = {e.step_key: e.dagster_event.pid for e in starts if "derive_chunk_op" in (e.step_key or "")}
    assert len(chunk_steps) == 5 and len(set(chunk_steps.values())) >= 2, chunk_steps
    assert os.getpid() not in chunk_steps.values()
    got = _rows(warehouse)
    assert len(got["core.dim_report"]) == 24
    assert sorted(got["core.fact_metric"].query("metric_code == 'proactive_total'")["value"]) == list(range(1, 25))
    for table in CORE:
        assert got[table].equals(expected[table]), table
    assert finished_parts(warehouse.parent / "chunks" / "parts") == []  # every part merged and removed


@pytest.fixture
def loaded(harness):
    _write_reports(harness.inbox, 3)
    harness.materialize_all()
    return harness


def _chunk(harness, tmp_path):
    """A chunk file of the three reports, exported as plan_chunks does."""
    from gov_pipeline.warehouse import export_reports

    path = tmp_path / "chunk.parquet"
    con = duckdb.connect(str(harness.settings.warehouse))
    try:
        export_reports(con, ["r00", "r01", "r02"], INPUT_COLUMNS, path)
    finally:
        con.close()
    return path


def test_a_part_holds_every_table_and_a_summary_and_appears_whole(loaded, tmp_path):
    parts = tmp_path / "parts"
    (parts / ".tmp-unfinished").mkdir(parents=True)  # a worker still writing: not a part yet
    part = derive_chunk(_chunk(loaded, tmp_path), parts, "jieba", "abcdefabcdef")
    assert finished_parts(parts) == [part]
    summary = read_summary(part)
    assert sorted(summary.reports) == ["r00", "r01", "r02"] and summary.version == "abcdefabcdef"
    assert summary.tables["core.dim_report"].rows == 3 and summary.tables["core.dim_report"].dropped == 0
    con = duckdb.connect()
    assert con.execute(f"SELECT count(*) FROM read_parquet('{part}/core.dim_report.parquet')").fetchone() == (3,)
    assert {p.stem for p in part.glob("*.parquet")} <= set(DERIVED_TABLES)


def test_a_part_is_merged_only_for_the_bytes_it_was_derived_from(loaded, tmp_path, monkeypatch):
    """A part left by a worker for a report whose file changed since is not merged: that report is derived again
    by the merge step, from its new bytes; a part for a new text version replaces every report's rows."""
    from gov_pipeline.version import text_version

    parts = loaded.settings.chunks_dir / "parts"
    stale = derive_chunk(_chunk(loaded, tmp_path), parts, "jieba", text_version())
    (loaded.inbox / "r01.txt").write_text(REPORT.format(agency=AGENCIES[1], n=99), encoding="utf-8")
    result = loaded.materialize_all()[0]
    assert not stale.exists()  # read and removed
    meta = {m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("derive_reports")}
    assert meta["core/dim_report"]["reports_derived"].value == 1
    assert meta["core/dim_report"]["reports_from_parts"].value == 1  # r01, from report_chunks' own part
    assert loaded.query("SELECT report_id, value FROM core.fact_metric WHERE metric_code = 'proactive_total' "
                        "ORDER BY 1") == [("r00", 1.0), ("r01", 99.0), ("r02", 3.0)]


def test_derive_reports_alone_derives_what_no_part_covers(loaded):
    """Materialised on its own (the UI), derive_reports derives the reports itself, through the same files."""
    from gov_pipeline.demo import QUIET

    (loaded.inbox / "r03.txt").write_text(REPORT.format(agency=AGENCIES[3], n=4), encoding="utf-8")
    job = loaded.defs.resolve_implicit_global_asset_job_def()
    job.execute_in_process(instance=loaded.instance, run_config=QUIET,
                           asset_selection=[dg.AssetKey(["raw", "reports"])])
    derived = [k for k in loaded.defs.resolve_all_asset_keys() if k.path[0] == "core" and k.path[1] != "report_inventory"]
    result = job.execute_in_process(instance=loaded.instance, run_config=QUIET,
                                    asset_selection=[*derived, dg.AssetKey(["staging", "clean_reports"])])
    meta = {m.asset_key.to_user_string(): m.metadata for m in result.asset_materializations_for_node("derive_reports")}
    assert meta["core/dim_report"]["reports_derived_here"].value == 1
    assert loaded.query("SELECT count(*) FROM core.dim_report") == [(4,)]
