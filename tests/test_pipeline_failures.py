"""Bad input is quarantined with a reason and the rest of the run lands; duplicates, removals, crashes."""
import hashlib
import shutil

import dagster as dg
import duckdb
import pytest

from gov_pipeline.demo import QUIET
from gov_pipeline.settings import REPO_ROOT

SEED = REPO_ROOT / "seeds" / "004_17c27c0a9e1aa267.txt"


def test_undecodable_files_are_quarantined_and_the_rest_lands(harness):
    harness.copy_seeds(["000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"])
    (harness.inbox / "empty.txt").write_bytes(b"")
    (harness.inbox / "binary.txt").write_bytes(b"%PDF-1.7\n" + bytes(range(256)) * 4)
    harness.materialize_all()
    quarantine = dict(harness.query("SELECT report_id, reason FROM core.quarantine"))
    assert set(quarantine) == {"empty", "binary"}
    assert "empty" in quarantine["empty"] and "PDF" in quarantine["binary"]
    assert harness.query("SELECT count(*) FROM core.dim_report")[0][0] == 2
    status = dict(harness.query("SELECT report_id, status FROM marts.report_scorecard"))
    assert status == {"000_d9a8aa6b43ea3b92": "loaded", "004_17c27c0a9e1aa267": "loaded",
                      "binary": "quarantined", "empty": "quarantined"}


def test_a_report_that_fails_to_parse_is_quarantined(harness, monkeypatch):
    import gov_pipeline.text.pipeline as pipeline

    harness.copy_seeds(["000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"])
    real = pipeline.analyse_clean

    def flaky(report_id, cleaned, segmenter="jieba", layout=None):
        if report_id.startswith("000"):
            raise ValueError("synthetic parser bug")
        return real(report_id, cleaned, segmenter, layout)

    monkeypatch.setattr(pipeline, "analyse_clean", flaky)
    harness.materialize_all()
    assert harness.query("SELECT report_id, stage, reason FROM core.quarantine") == [
        ("000_d9a8aa6b43ea3b92", "parse", "parsing failed: ValueError: synthetic parser bug")]
    assert harness.query("SELECT report_id FROM core.dim_report") == [("004_17c27c0a9e1aa267",)]


def test_byte_identical_copy_is_a_duplicate_not_counted_twice(harness):
    harness.copy_seeds(["004_17c27c0a9e1aa267.txt"])
    harness.materialize_all()
    shutil.copy(SEED, harness.inbox / "zz copy.txt")
    harness.materialize_all()
    rows = harness.query("SELECT report_id, duplicate_of FROM raw.reports ORDER BY 1")
    dup_key = rows[1][0]
    assert rows == [("004_17c27c0a9e1aa267", None), (dup_key, "004_17c27c0a9e1aa267")]
    assert harness.query("SELECT count(*) FROM core.dim_report")[0][0] == 1
    assert harness.query("SELECT count(*) FROM marts.report_metrics_wide")[0][0] == 1
    assert harness.query(f"SELECT status, duplicate_of FROM marts.report_scorecard WHERE report_id = '{dup_key}'") == [
        ("duplicate", "004_17c27c0a9e1aa267")]


def test_removed_report_leaves_every_table(harness):
    harness.copy_seeds(["000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"])
    harness.materialize_all()
    (harness.inbox / "000_d9a8aa6b43ea3b92.txt").unlink()
    harness.materialize_all()
    for table in ["raw.reports", "staging.clean_reports", "core.dim_report", "core.fact_section", "core.fact_metric",
                  "core.fact_keyword", "core.quality_issue", "marts.report_metrics_wide", "marts.report_scorecard",
                  "marts.report_headline_metrics"]:
        ids = {r[0] for r in harness.query(f"SELECT DISTINCT report_id FROM {table}")}
        assert "000_d9a8aa6b43ea3b92" not in ids, table
    assert harness.query("SELECT count(*) FROM core.dim_report")[0][0] == 1


def new_text_version(monkeypatch, version: str = "feedfacecafe") -> None:
    """As if the text library or the reference data had been edited."""
    import gov_pipeline.defs.core as core
    import gov_pipeline.defs.staging as staging

    for module in (core, staging):
        monkeypatch.setattr(module, "text_version", lambda: version)


def test_crash_between_tables_leaves_old_rows_and_rerun_is_consistent(harness, monkeypatch):
    import gov_pipeline.warehouse as warehouse

    harness.copy_seeds(["004_17c27c0a9e1aa267.txt"])
    harness.materialize_all()
    before = harness.df("SELECT * FROM core.fact_metric ORDER BY metric_id")
    new_text_version(monkeypatch)  # so the unchanged report is parsed (and written) again
    calls = {"n": 0}
    real_insert = warehouse._insert_parquet

    def crash_on_third(conn, name, path):
        calls["n"] += 1
        if name.startswith("core.") and calls["n"] >= 3:
            raise RuntimeError("killed mid-write")
        return real_insert(conn, name, path)

    monkeypatch.setattr(warehouse, "_insert_parquet", crash_on_third)
    job = harness.defs.resolve_job_def("process_reports")
    with pytest.raises(Exception):
        job.execute_in_process(instance=harness.instance, run_config=QUIET)
    after_crash = harness.df("SELECT * FROM core.fact_metric ORDER BY metric_id")
    assert before.equals(after_crash)  # the transaction rolled back: old rows, not a mix
    assert harness.query("SELECT count(*) FROM core.dim_report")[0][0] == 1
    assert harness.query("SELECT text_version FROM core.dim_report") != [("feedfacecafe",)]
    monkeypatch.setattr(warehouse, "_insert_parquet", real_insert)
    harness.materialize_all()
    assert before.equals(harness.df("SELECT * FROM core.fact_metric ORDER BY metric_id"))
    assert harness.query("SELECT text_version FROM core.dim_report") == [("feedfacecafe",)]


def _derived(result, table: str) -> int:
    mats = [m for m in result.get_asset_materialization_events() if m.asset_key == dg.AssetKey(table.split("."))]
    return mats[-1].materialization.metadata["reports_derived"].value


def test_only_new_or_changed_reports_are_derived_again(harness, monkeypatch):
    harness.copy_seeds(["000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"])
    first = harness.materialize_all()[0]
    assert _derived(first, "staging.clean_reports") == 2 and _derived(first, "core.dim_report") == 2
    stamp = harness.query("SELECT report_id, ingested_at FROM raw.reports ORDER BY 1")
    again = harness.materialize_all()[0]  # nothing changed: nothing is cleaned or parsed again
    assert _derived(again, "staging.clean_reports") == 0 and _derived(again, "core.dim_report") == 0
    assert harness.query("SELECT report_id, ingested_at FROM raw.reports ORDER BY 1") == stamp

    path = harness.inbox / "000_d9a8aa6b43ea3b92.txt"  # one report's bytes change
    path.write_text(path.read_text(encoding="utf-8").replace("475", "476"), encoding="utf-8")
    changed = harness.materialize_all()[0]
    assert _derived(changed, "staging.clean_reports") == 1 and _derived(changed, "core.dim_report") == 1
    sha = hashlib.sha256(path.read_bytes()).hexdigest()
    assert harness.query("SELECT content_sha256 FROM core.dim_report WHERE report_id LIKE '000%'") == [(sha,)]
    assert harness.query("SELECT content_sha256 FROM staging.clean_reports WHERE report_id LIKE '000%'") == [(sha,)]
    assert (476.0,) in harness.query("SELECT value FROM core.fact_metric WHERE report_id LIKE '000%'")

    new_text_version(monkeypatch, "0123456789ab")  # a parser or catalogue edit: every report again
    bumped = harness.materialize_all()[0]
    assert _derived(bumped, "staging.clean_reports") == 2 and _derived(bumped, "core.dim_report") == 2
    assert harness.query("SELECT DISTINCT text_version FROM core.dim_report") == [("0123456789ab",)]
    assert harness.query("SELECT DISTINCT text_version FROM staging.clean_reports") == [("0123456789ab",)]


def test_text_version_follows_the_library_and_reference_files(tmp_path, monkeypatch):
    import gov_pipeline.version as version

    for rel in ["gov_pipeline/text/a.py", "gov_pipeline/frames.py", "assets/metric_catalog.csv", "gov_pipeline/defs/x.py"]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("v1", encoding="utf-8")
    monkeypatch.setattr(version, "REPO_ROOT", tmp_path)

    def current() -> str:
        version.text_version.cache_clear()
        return version.text_version()

    base = current()
    assert len(base) == 12 and int(base, 16) >= 0
    (tmp_path / "gov_pipeline/defs/x.py").write_text("v2", encoding="utf-8")  # not text work: same version
    assert current() == base
    (tmp_path / "assets/metric_catalog.csv").write_text("v2", encoding="utf-8")
    assert current() != base
    version.text_version.cache_clear()


def test_an_older_warehouse_gains_new_columns_and_is_derived_again(harness):
    harness.copy_seeds(["004_17c27c0a9e1aa267.txt"])
    harness.materialize_all()
    con = duckdb.connect(str(harness.settings.warehouse))
    con.execute("ALTER TABLE core.dim_report DROP COLUMN text_version")  # as written by an older release
    con.execute("ALTER TABLE staging.clean_reports DROP COLUMN content_sha256")
    con.close()
    harness.materialize_all()
    assert harness.query("SELECT count(*) FROM core.dim_report WHERE text_version IS NOT NULL")[0][0] == 1
    assert harness.query("SELECT count(*) FROM staging.clean_reports WHERE content_sha256 IS NOT NULL")[0][0] == 1


def test_every_step_that_opens_the_warehouse_is_in_the_duckdb_pool():
    from gov_pipeline.definitions import defs

    for assets_def in defs.resolve_asset_graph().assets_defs:
        for op in assets_def.node_def.iterate_op_defs():  # (a graph-backed asset: each of its ops)
            if "warehouse" in op.required_resource_keys:
                assert op.pool == "duckdb" and op.tags.get("gov/warehouse") == "duckdb", (assets_def.keys, op.name)


def test_the_exports_and_the_pages_read_the_published_copy_outside_the_pool(tmp_path):
    """They only read the marts: from the analysts' copy, after it is published, holding no lock the pipeline needs
    (another run's writes need not wait for them; within a run the multiprocess executor admits one at a time); a
    copy not published yet fails with the reason."""
    from gov_pipeline.definitions import defs
    from gov_pipeline.defs.agency_pages import AGENCY_PAGES_KEY
    from gov_pipeline.defs.exports import EXPORTS_KEY
    from gov_pipeline.defs.publish import PUBLISH_KEY
    from gov_pipeline.resources import PublishedCopy

    graph = defs.resolve_asset_graph()
    for key in (EXPORTS_KEY, AGENCY_PAGES_KEY):
        node = graph.get(key)
        op = node.assets_def.node_def
        assert PUBLISH_KEY in node.parent_keys, key
        assert "published" in op.required_resource_keys and "warehouse" not in op.required_resource_keys, key
        assert op.pool is None and "gov/warehouse" not in op.tags and op.tags["gov/reads"] == "analysts_copy", key
    with pytest.raises(dg.Failure, match="is not published yet"):
        with PublishedCopy(path=str(tmp_path / "gov-read.duckdb")).get_connection():
            pass


def test_project_instance_limits_the_duckdb_pool_to_one(tmp_path):
    from gov_pipeline.instance import ensure_dagster_home

    home = ensure_dagster_home(tmp_path / "home")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert instance.get_concurrency_config().pool_config.default_pool_limit == 1


def test_chunked_run_matches_one_chunk_and_marks_duplicates_across_chunks(harness, monkeypatch):
    import gov_pipeline.defs.common as common

    harness.copy_seeds()
    shutil.copy(SEED, harness.inbox / "zzz_copy.txt")  # same bytes as 004, in a later chunk
    monkeypatch.setattr(common, "CHUNK", 2)  # 6 reports -> 3 chunks in each step's one transaction
    harness.materialize_all()
    assert harness.query("SELECT count(*) FROM core.dim_report")[0][0] == 5
    assert harness.query("SELECT duplicate_of FROM raw.reports WHERE report_id = 'zzz_copy'") == [("004_17c27c0a9e1aa267",)]
    assert harness.query("SELECT proactive_total FROM marts.report_metrics_wide WHERE report_id LIKE '000%'") == [(475.0,)]
    assert harness.query("SELECT count(DISTINCT report_id) FROM core.fact_section")[0][0] == 5


def test_a_run_that_dies_mid_way_keeps_whole_reports_and_the_next_run_resumes(tmp_path, monkeypatch):
    import duckdb

    import gov_pipeline.warehouse as warehouse
    from tests.conftest import Harness

    with dg.instance_for_test() as instance:
        harness = Harness(tmp_path, instance, reports_per_chunk=2)  # 5 reports -> parts (000, 001) (002, 003) (004)
        harness.copy_seeds()
        real_insert = warehouse._insert_parquet

        def die_on_004(conn, name, path):
            if name == "core.fact_metric" and duckdb.sql(
                    f"SELECT count(*) FROM read_parquet('{path}') WHERE report_id LIKE '004%'").fetchone()[0]:
                raise RuntimeError("killed mid-write")
            return real_insert(conn, name, path)

        monkeypatch.setattr(warehouse, "_insert_parquet", die_on_004)
        with pytest.raises(Exception):
            harness.materialize_all()
        kept = {r[0] for r in harness.query("SELECT report_id FROM core.dim_report")}
        assert len(kept) == 4 and not any(k.startswith("004") for k in kept)
        for table in ("staging.clean_reports", "core.fact_section", "core.fact_keyword"):  # nothing half-written
            assert {r[0] for r in harness.query(f"SELECT DISTINCT report_id FROM {table}")} == kept, table
        monkeypatch.setattr(warehouse, "_insert_parquet", real_insert)
        resumed = harness.materialize_all()[0]
        assert _derived(resumed, "core.dim_report") == 1  # only the report the dead run did not finish
        assert harness.query("SELECT count(*) FROM core.dim_report")[0][0] == 5
        assert harness.query("SELECT count(*) FROM core.fact_metric WHERE report_id LIKE '004%'")[0][0] > 0
