"""The Warehouse resource: one connection per step process, checkpoints asked for by the steps that write most."""
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


def test_a_checkpoint_asked_for_folds_the_log_into_the_file(warehouse):
    with warehouse.get_connection(checkpoint=True) as conn:
        conn.execute("CREATE TABLE t AS SELECT range AS i FROM range(100000)")
        assert _wal(warehouse.database) > 0  # written, not yet folded into the file
    assert _wal(warehouse.database) == 0
    with warehouse.get_connection() as conn:
        conn.execute("INSERT INTO t VALUES (1)")
    assert _wal(warehouse.database) > 0  # no checkpoint asked for: it happens at release
    warehouse.release()
    assert _wal(warehouse.database) == 0
    with duckdb.connect(warehouse.database, read_only=True) as other:
        assert other.execute("SELECT count(*) FROM t").fetchone()[0] == 100001


def test_a_failing_block_closes_the_connection_without_checkpointing(warehouse):
    with pytest.raises(ZeroDivisionError):
        with warehouse.get_connection(checkpoint=True) as conn:
            conn.execute("CREATE TABLE t (i INTEGER)")
            1 / 0
    assert warehouse._conn is None


def test_the_steps_of_a_run_in_one_process_share_one_connection(tmp_path):
    import dagster as dg

    from gov_pipeline.schemas import TABLES

    wh = Warehouse(database=str(tmp_path / "w.duckdb"))
    opened = []
    with dg.build_resources({"warehouse": wh}) as resources:
        run_wh = resources.warehouse
        with run_wh.get_connection() as conn:
            opened.append(conn)
            tables = {f"{s}.{n}" for s, n in conn.execute(
                "SELECT schema_name, table_name FROM duckdb_tables()").fetchall()}
            assert set(TABLES) <= tables  # the contract, ensured on opening
        with run_wh.get_connection() as again:
            assert again is opened[0]
    assert run_wh._conn is None  # closed when the run's resources are torn down


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
