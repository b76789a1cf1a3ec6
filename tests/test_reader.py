"""The analysts' seat: readers of the published copy never block a run, never see a lock error, and see the
new rows after the run."""
import json
import subprocess
import sys
import time

import duckdb

from gov_pipeline.reader import Reader
from gov_pipeline.warehouse import ATTACH_SCRIPT

A, B = "000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"

PROBE = """
import json, sys, time
from gov_pipeline.reader import Reader
reader, errors, counts = Reader(sys.argv[1]), [], []
deadline = time.monotonic() + float(sys.argv[2])
while time.monotonic() < deadline:
    try:
        counts.append(reader.sql("SELECT count(*) FROM core.dim_report").fetchone()[0])
    except Exception as err:
        errors.append(repr(err))
    time.sleep(0.01)
print(json.dumps({"probes": len(counts), "counts": sorted(set(counts)), "errors": errors[:3], "n_errors": len(errors)}))
"""


def test_a_reader_held_open_during_a_run_never_blocks_it_and_sees_the_new_rows_next(harness):
    harness.copy_seeds([A])
    harness.materialize_all()
    copy = harness.settings.read_copy
    reader = Reader(copy)
    script = copy.with_name(ATTACH_SCRIPT).read_text(encoding="utf-8")
    cli = duckdb.connect()  # a DuckDB CLI session started with `-init warehouse/attach.sql`
    cli.execute(script)
    plain = duckdb.connect(str(copy), read_only=True)  # a session that opened the copy itself and never re-opens
    assert reader.sql("SELECT count(*) FROM core.dim_report").fetchone()[0] == 1
    harness.copy_seeds([B])
    started = time.monotonic()
    harness.materialize_all()  # a lock held by a reader would make the run wait, then fail
    assert time.monotonic() - started < 30
    assert reader.sql("SELECT count(*) FROM core.dim_report").fetchone()[0] == 2  # the next query: new rows
    for session in (cli, plain):  # still reading the copy they opened: consistent, no error
        assert session.execute("SELECT count(*) FROM core.dim_report").fetchone()[0] == 1
    cli.execute(script)  # `.read warehouse/attach.sql`: the newest copy
    assert cli.execute("SELECT count(*) FROM core.dim_report").fetchone()[0] == 2
    for session in (reader, cli, plain):
        session.close()


def test_readers_in_other_processes_see_no_error_while_runs_publish(harness):
    harness.copy_seeds([A])
    harness.materialize_all()
    probe = subprocess.Popen([sys.executable, "-c", PROBE, str(harness.settings.read_copy), "15"],
                             stdout=subprocess.PIPE, text=True)
    time.sleep(2)
    harness.copy_seeds([B])
    harness.materialize_all()
    (harness.inbox / A).unlink()
    harness.materialize_all()
    out, _ = probe.communicate(timeout=60)
    seen = json.loads(out)
    assert seen["n_errors"] == 0, seen["errors"]
    assert seen["probes"] > 100 and seen["counts"] == [1, 2]  # every query answered, from one copy or the next


def test_the_published_copy_holds_what_the_run_wrote(harness):
    harness.copy_seeds([A, B])
    harness.materialize_all()
    with Reader(harness.settings.read_copy) as reader:
        for table in ("raw.reports", "core.fact_metric", "marts.report_scorecard", "core.report_inventory"):
            assert reader.sql(f"SELECT count(*) FROM {table}").fetchone() == tuple(
                harness.query(f"SELECT count(*) FROM {table}")[0]), table


def test_a_warehouse_unchanged_since_the_last_copy_is_not_copied_again(tmp_path):
    """publish_copy leaves the copy as it is when the warehouse file is as it was copied (nothing written since),
    and copies again after any write; a copy someone opened read-write (a stale .wal beside it) is replaced."""
    from pathlib import Path

    from gov_pipeline.warehouse import publish_copy

    database, copy = tmp_path / "gov.duckdb", tmp_path / "gov-read.duckdb"
    conn = duckdb.connect(str(database))
    conn.execute("CREATE TABLE t AS SELECT 1 AS n")
    first = publish_copy(conn, str(database), str(copy))
    inode = copy.stat().st_ino
    again = publish_copy(conn, str(database), str(copy))
    assert (first.copied, again.copied) == (True, False) and copy.stat().st_ino == inode
    conn.execute("SELECT count(*) FROM t").fetchall()  # reading writes nothing
    assert not publish_copy(conn, str(database), str(copy)).copied
    conn.execute("INSERT INTO t VALUES (2)")  # a write: copied again, with the new row
    assert publish_copy(conn, str(database), str(copy)).copied and copy.stat().st_ino != inode
    with duckdb.connect(str(copy), read_only=True) as reader:
        assert reader.execute("SELECT count(*) FROM t").fetchone()[0] == 2
    Path(f"{copy}.wal").write_bytes(b"")  # someone opened the copy read-write
    assert publish_copy(conn, str(database), str(copy)).copied and not Path(f"{copy}.wal").exists()
    (tmp_path / "gov-read.duckdb.source").unlink()  # no record of the source: copied again
    assert publish_copy(conn, str(database), str(copy)).copied
    conn.close()


def test_a_run_that_changes_nothing_leaves_the_warehouse_file_and_the_copy_as_they_were(harness):
    """Nothing in the inbox changed: no step writes the warehouse (the reference tables are not loaded again with
    the same rows), so the copy is not made again."""
    import dagster as dg

    from gov_pipeline.defs.publish import PUBLISH_KEY
    from gov_pipeline.warehouse import replace_table

    harness.copy_seeds([A, B])
    harness.materialize_all()
    stat = harness.settings.warehouse.stat()
    harness.materialize_all()
    meta = harness.instance.get_latest_materialization_event(PUBLISH_KEY).asset_materialization.metadata
    assert meta["copied"].value is False
    assert (harness.settings.warehouse.stat().st_mtime_ns, harness.settings.warehouse.stat().st_size) == (
        stat.st_mtime_ns, stat.st_size)
    ref = harness.defs.resolve_implicit_global_asset_job_def()
    ref.execute_in_process(instance=harness.instance, asset_selection=[dg.AssetKey(["ref", "topic"])])
    event = harness.instance.get_latest_materialization_event(dg.AssetKey(["ref", "topic"]))
    assert event.asset_materialization.metadata["written"].value is False
    con = duckdb.connect(str(harness.settings.warehouse))
    try:
        rows = con.execute("SELECT * FROM ref.topic").df()
        assert replace_table(con, "ref.topic", rows) is False
        assert replace_table(con, "ref.topic", rows.iloc[1:]) is True  # a row fewer: written
        assert con.execute("SELECT count(*) FROM ref.topic").fetchone()[0] == len(rows) - 1
    finally:
        con.close()
