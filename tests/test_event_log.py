"""gov_pipeline.event_log against Dagster's stock SQLite event log: the same job leaves the same records."""
import os
import sqlite3

import dagster as dg
import pytest

from gov_pipeline.event_log import ConnectedSqliteEventLogStorage
from gov_pipeline.instance import ensure_dagster_home

parts = dg.StaticPartitionsDefinition([f"p{i:02d}" for i in range(12)])


@dg.asset(partitions_def=parts, backfill_policy=dg.BackfillPolicy.single_run(),
          check_specs=[dg.AssetCheckSpec("rows", asset="numbers")])
def numbers(context: dg.AssetExecutionContext):
    yield dg.MaterializeResult(metadata={"n": len(context.partition_keys)})
    yield dg.AssetCheckResult(check_name="rows", passed=True)


@dg.asset(deps=[numbers])
def total() -> dg.MaterializeResult:
    return dg.MaterializeResult(metadata={"ok": True})


JOB = dg.define_asset_job("j", selection=[numbers, total])
DEFS = dg.Definitions(assets=[numbers, total], jobs=[JOB])


def _run(instance: dg.DagsterInstance, keys: list[str]) -> None:
    job = DEFS.resolve_job_def("j")
    tags = {"dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}
    assert job.execute_in_process(instance=instance, tags=tags).success


def _records(instance: dg.DagsterInstance) -> dict:
    num, tot = dg.AssetKey("numbers"), dg.AssetKey("total")
    mats = instance.fetch_materializations(num, limit=100).records
    check = instance.event_log_storage.get_asset_check_execution_history(
        dg.AssetCheckKey(num, "rows"), limit=10)
    return {
        "partitions": sorted(instance.get_materialized_partitions(num)),
        "materializations": sorted((r.partition_key, r.asset_materialization.metadata["n"].value) for r in mats),
        "latest_total": instance.get_latest_materialization_event(tot).asset_materialization.metadata["ok"].value,
        "checks": [c.status.value for c in check],
        "event_types": sorted(e.dagster_event_type.value for run in instance.get_runs()
                              for e in instance.all_logs(run.run_id) if e.is_dagster_event),
    }


def _planned(instance: dg.DagsterInstance) -> int:
    return sum(e.dagster_event_type.value == "ASSET_MATERIALIZATION_PLANNED"
               for run in instance.get_runs() for e in instance.all_logs(run.run_id) if e.is_dagster_event)


@pytest.fixture
def connected(tmp_path):
    home = ensure_dagster_home(tmp_path / "home")
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def test_same_records_as_the_stock_event_log(connected, monkeypatch):
    assert isinstance(connected.event_log_storage, ConnectedSqliteEventLogStorage)
    with dg.instance_for_test() as stock:
        assert not isinstance(stock.event_log_storage, ConnectedSqliteEventLogStorage)
        for instance in (connected, stock):
            _run(instance, parts.get_partition_keys()[:7])
            _run(instance, parts.get_partition_keys()[5:])
        got, want = _records(connected), _records(stock)
        assert _planned(connected) == _planned(stock) == 7 + 1 + 7 + 1
    assert got == want
    assert len(got["partitions"]) == 12 and len(got["materializations"]) == 14 and got["checks"] == ["SUCCEEDED"] * 2


def test_shards_are_written_with_synchronous_normal(connected):
    _run(connected, ["p00"])
    storage = connected.event_log_storage
    with storage._connect(storage.conn_string_for_shard("index").rsplit("/", 1)[-1].removesuffix(".db")) as conn:
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 1  # NORMAL
    with sqlite3.connect(os.path.join(storage._base_dir, "index.db")) as plain:  # a new connection: the default
        assert plain.execute("PRAGMA synchronous").fetchone()[0] == 2  # FULL


def test_a_forked_child_opens_its_own_connections(connected):
    _run(connected, ["p00"])
    storage = connected.event_log_storage
    parent_engines = dict(storage._engines)
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child reads the event log through fresh engines of its own
        ok = False
        try:
            ok = (len(connected.get_materialized_partitions(dg.AssetKey("numbers"))) == 1
                  and all(storage._engines.get(k) is not e for k, e in parent_engines.items()))
        finally:
            os.write(write, b"1" if ok else b"0")
            os._exit(0)
    os.waitpid(pid, 0)
    assert os.read(read, 1) == b"1"
    _run(connected, ["p01"])  # the parent's connections still work
    assert len(connected.get_materialized_partitions(dg.AssetKey("numbers"))) == 2


def test_tables_and_columns_once_seen_are_not_asked_again(connected, monkeypatch):
    """Schema inspection is remembered once positive (tables and columns are only ever added), so storing
    an event no longer opens a connection per check; an absence is asked again."""
    storage = connected.event_log_storage
    from dagster._core.storage.event_log import SqliteEventLogStorage

    asked = []
    real = SqliteEventLogStorage.has_table
    monkeypatch.setattr(SqliteEventLogStorage, "has_table", lambda self, name: asked.append(name) or real(self, name))
    storage._present.clear()
    _run(connected, ["p00"])
    _run(connected, ["p01"])
    assert asked and len(asked) == len(set(asked))  # each table asked once over two runs
    assert "asset_check_executions" in asked and storage.has_table("asset_check_executions")
    assert not storage.has_table("no_such_table") and not storage.has_table("no_such_table")
    assert asked.count("no_such_table") == 2
    assert _records(connected)["checks"] == ["SUCCEEDED"] * 2
