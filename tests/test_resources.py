"""The Warehouse resource: one connection per run, checkpoints folded in on a background thread."""
import os
import subprocess
import sys
import time

import dagster as dg
import duckdb
import pytest

from gov_pipeline.resources import Warehouse


def _wal(path) -> int:
    wal = f"{path}.wal"
    return os.path.getsize(wal) if os.path.exists(wal) else 0


@pytest.fixture
def warehouse(tmp_path):
    wh = Warehouse(database=str(tmp_path / "w.duckdb"))
    yield wh
    wh.release()


def test_a_checkpoint_started_by_a_step_is_waited_for_by_the_next_use(warehouse):
    with warehouse.get_connection(checkpoint=True) as conn:
        conn.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
        assert _wal(warehouse.database) > 0  # written, not yet folded into the file
    with warehouse.get_connection() as conn:  # waits for the background checkpoint first
        assert _wal(warehouse.database) == 0
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 100000
        conn.execute("INSERT INTO t VALUES (1)")
    assert _wal(warehouse.database) > 0  # no checkpoint asked for: it happens at release
    warehouse.release()
    assert _wal(warehouse.database) == 0
    with duckdb.connect(warehouse.database, read_only=True) as other:
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 100001


def test_a_failed_checkpoint_is_raised_where_the_connection_is_next_used(warehouse, monkeypatch):
    from gov_pipeline import resources

    class Broken:
        def execute(self, sql):
            raise duckdb.IOException(f"cannot {sql}")

    with warehouse.get_connection() as conn:
        conn.execute("CREATE TABLE t (i INTEGER)")
    warehouse._pending = resources._Task(resources._checkpoint, "duckdb-checkpoint", Broken())
    with pytest.raises(dg.Failure, match="cannot CHECKPOINT") as raised:  # an I/O fault: not retried
        with warehouse.get_connection():
            pass
    assert isinstance(raised.value.__cause__, duckdb.IOException) and not raised.value.allow_retries
    with warehouse.get_connection() as conn:  # the error was reported once; the connection still works
        assert conn.execute("SELECT count(*) FROM t").fetchone()[0] == 0


def test_a_failing_block_closes_the_connection_without_checkpointing_in_the_background(warehouse):
    with pytest.raises(ZeroDivisionError):
        with warehouse.get_connection(checkpoint=True) as conn:
            conn.execute("CREATE TABLE t (i INTEGER)")
            1 / 0
    assert warehouse._conn is None and warehouse._pending is None


def test_a_run_opens_its_connection_in_the_background_as_it_starts(tmp_path):
    """setup_for_execution starts opening (and ensuring the contract); the first step gets that connection."""
    import dagster as dg

    from gov_pipeline.schemas import TABLES

    wh = Warehouse(database=str(tmp_path / "w.duckdb"))
    opened = []
    with dg.build_resources({"warehouse": wh}) as resources:
        run_wh = resources.warehouse
        assert run_wh._pending is not None  # opening on its thread
        with run_wh.get_connection() as conn:
            opened.append(conn)
            tables = {f"{s}.{n}" for s, n in conn.execute(
                "SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
            assert set(TABLES) <= tables
        with run_wh.get_connection() as again:
            assert again is opened[0]
    assert run_wh._conn is None  # closed when the run's resources are torn down


def test_the_connection_opens_on_a_thread_as_the_step_process_starts(tmp_path):
    import types

    wh = Warehouse(database=str(tmp_path / "w.duckdb"))
    wh.setup_for_execution(types.SimpleNamespace(dagster_run=None))
    assert wh._pending is not None
    with wh.get_connection() as conn:
        assert conn.execute("SELECT count(*) FROM raw.reports").fetchone() == (0,)  # the contract, ensured
    wh.release()
    assert wh._conn is None and wh._pending is None


def test_a_failed_commit_is_the_error_raised_not_the_rollback_after_it():
    from gov_pipeline.warehouse import transaction

    class CommitFails:
        def execute(self, sql):
            if sql == "COMMIT":
                raise duckdb.IOException('Failed to commit: could not write "x.wal": Permission denied')
            if sql == "ROLLBACK":
                raise duckdb.TransactionException("cannot rollback - no transaction is active")

    with pytest.raises(duckdb.IOException, match="Permission denied"):
        with transaction(CommitFails()):
            pass


def test_a_warehouse_that_cannot_be_created_fails_at_once_without_retries(tmp_path):
    (tmp_path / "file").write_text("not a folder")
    warehouse = Warehouse(database=str(tmp_path / "file" / "gov.duckdb"))
    started = time.monotonic()
    with pytest.raises(dg.Failure, match="Not a directory|File exists") as raised:
        with warehouse.get_connection():
            pass
    assert time.monotonic() - started < 5 and not raised.value.allow_retries
    assert "GOV_WAREHOUSE" in raised.value.description


def test_only_a_lock_held_by_another_process_is_waited_for(tmp_path, monkeypatch):
    from gov_pipeline import resources

    path = tmp_path / "w.duckdb"
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb, time; c = duckdb.connect({str(path)!r}); "
                               "print('held', flush=True); time.sleep(3)"], stdout=subprocess.PIPE, text=True)
    assert holder.stdout.readline().strip() == "held"
    monkeypatch.setattr(resources, "LOCK_WAIT_S", 30.0)
    started = time.monotonic()
    with Warehouse(database=str(path)).get_connection() as conn:  # waits for the other process, then opens
        assert conn.execute("SELECT 1").fetchone() == (1,)
    assert 1 < time.monotonic() - started < 20
    holder.wait()


@pytest.mark.parametrize("error, retried", [
    (duckdb.IOException('Could not write file "w.duckdb.wal": No space left on device'), False),
    (duckdb.IOException('Could not read enough bytes from file "w.duckdb": attempted to read 4096 bytes'), False),
    (duckdb.IOException('The file "w.duckdb" exists, but it is not a valid DuckDB database file!'), False),
    (duckdb.PermissionException("Cannot write: permission denied"), False),
    (duckdb.FatalException("database has been invalidated because of a previous fatal error"), False),
    (duckdb.IOException('Could not set lock on file "w.duckdb": Conflicting lock is held in python (PID 7)'), True),
    (ValueError("a bug"), True),
])
def test_faults_of_the_file_are_not_retried_and_keep_duckdb_s_words(error, retried):
    from gov_pipeline.resources import warehouse_failure

    failure = warehouse_failure("/w/gov.duckdb", error)
    if retried:
        assert failure is error  # the step's retry policy applies
    else:
        assert isinstance(failure, dg.Failure) and not failure.allow_retries
        assert failure.description.startswith(str(error))
