"""A SQLite event log that keeps its database connections and writes Dagster's event batches in one transaction.

The stock SQLite event log builds a new SQLAlchemy engine, opens a new SQLite connection and disposes
of both for every statement group it runs: an event costs four to seven of them (run shard, index
shard, asset-check tables), about 9 ms in all, so a one-report run's 90 events cost 0.8 s. This
storage keeps one engine with one open connection per shard (the few most recently used shards,
per process: a forked child opens its own), behind the stock lock that already serialises every use
(so one connection per shard is enough, from any thread). Each use is still its own transaction,
committed as before (with synchronous=NORMAL: see _synchronous_normal); the rows written are the same.

Dagster emits one materialisation event per partition per asset: a run over 2,000 report
partitions stores 2,000 materialisation events (planned events are one per asset, see below), and
the stock SQLite event log opens two new database engines and commits twice for each of them
(~10 ms an event): the bookkeeping took 90% of a bulk run. Dagster already groups these events
into batches (DAGSTER_EVENT_BATCH_SIZE > 0) and hands them to `store_event_batch`, which the stock
SQLite storage implements as a loop over `store_event`. This subclass stores a batch of asset events
of one run with one transaction on the run shard and one on the index shard, leaving the same rows
as `store_event` would. Anything else falls back to the stock path.
"""
import os
import threading
from collections import OrderedDict
from collections.abc import Sequence
from contextlib import contextmanager

from dagster._core.event_api import EventLogEntry
from dagster._core.events import ASSET_EVENTS
from dagster._core.storage.event_log import SqliteEventLogStorage
from dagster._core.storage.sql import create_engine
from dagster._core.storage.sqlalchemy_compat import db_result
from dagster._core.storage.sqlite import SQLITE_BUSY_TIMEOUT_SECONDS
from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import QueuePool

OPEN_SHARDS = 8  # engines (one open connection each) kept per process: the index and recent run shards


def _synchronous_normal(dbapi_conn, _record) -> None:
    """The shards are in WAL mode (Dagster sets it); with synchronous=NORMAL a commit appends to the log
    without waiting for the disk (fsync happens at checkpoints). A crash of the process loses nothing; a
    power cut may lose the last transactions, never the database's consistency (SQLite's documented
    trade-off). A one-report run commits ~200 times: ~0.1 s saved."""
    dbapi_conn.execute("PRAGMA synchronous=NORMAL")


def _is_asset_event(event: EventLogEntry) -> bool:
    return bool(event.is_dagster_event and event.dagster_event_type in ASSET_EVENTS)


class BatchingSqliteEventLogStorage(SqliteEventLogStorage):
    def __init__(self, base_dir: str, inst_data=None):
        self._engines: "OrderedDict[str, Engine]" = OrderedDict()
        self._engines_pid = os.getpid()
        self._db_lock = threading.Lock()  # the base class sets the same; its __init__ may already connect
        self._present: set[tuple[str, str]] = set()  # tables and asset_keys columns known to exist
        super().__init__(base_dir, inst_data)

    def _engine(self, shard: str) -> Engine:
        """The shard's engine (created, and the shard's database initialised, on first use). Call with _db_lock."""
        if self._engines_pid != os.getpid():  # a forked child: the parent's connections are not ours to use
            for engine in self._engines.values():
                engine.dispose(close=False)
            self._engines.clear()
            self._engines_pid = os.getpid()
        engine = self._engines.get(shard)
        if engine is not None:
            self._engines.move_to_end(shard)
            return engine
        # one pooled connection (the lock serialises its use; any thread may hold it), plus room for the
        # second connection the stock _initdb opens while it inspects a new database
        engine = create_engine(self.conn_string_for_shard(shard), poolclass=QueuePool, pool_size=1, max_overflow=1,
                               connect_args={"timeout": SQLITE_BUSY_TIMEOUT_SECONDS, "check_same_thread": False})
        event.listen(engine, "connect", _synchronous_normal)
        if shard not in self._initialized_dbs:
            self._initdb(engine)
            self._initialized_dbs.add(shard)
        self._engines[shard] = engine
        while len(self._engines) > OPEN_SHARDS:
            self._engines.popitem(last=False)[1].dispose()
        return engine

    @contextmanager
    def _connect(self, shard: str):
        with self._db_lock:
            with self._engine(shard).connect() as conn:
                with conn.begin():
                    yield conn

    def _close_engines(self) -> None:
        with self._db_lock:
            for engine in self._engines.values():
                engine.dispose()
            self._engines.clear()

    def wipe(self) -> None:
        self._close_engines()  # the run shards' files are deleted
        self._present.clear()
        super().wipe()

    def dispose(self) -> None:
        self._close_engines()
        super().dispose()

    # Schema inspection: the stock storage asks SQLite whether a table or column exists on every event that
    # could use it (storing a check evaluation, asset event tags, the asset-key index row), and each
    # `has_table` builds a new engine and connection to ask. Tables and columns are only ever added (by
    # `dagster instance migrate`), so once seen they are remembered; an absence is asked again next time.
    def has_table(self, table_name: str) -> bool:
        return self._remembered(("table", table_name), lambda: super(BatchingSqliteEventLogStorage, self).has_table(table_name))

    def _has_asset_key_col_on_connection(self, conn, column_name: str) -> bool:
        return self._remembered(("asset_keys", column_name),
                                lambda: super(BatchingSqliteEventLogStorage, self)._has_asset_key_col_on_connection(conn, column_name))

    def _remembered(self, what: tuple[str, str], ask) -> bool:
        if what in self._present:
            return True
        present = bool(ask())
        if present:
            self._present.add(what)
        return present

    def store_event_batch(self, events: Sequence[EventLogEntry]) -> None:
        """Consecutive asset events of one run go in one transaction per shard; others one by one."""
        group: list[EventLogEntry] = []
        for event in events:
            if _is_asset_event(event) and (not group or group[0].run_id == event.run_id):
                group.append(event)
                continue
            self._store_asset_events(group)
            group = []
            if _is_asset_event(event):
                group.append(event)
            else:
                self.store_event(event)
        self._store_asset_events(group)

    def _store_asset_events(self, events: list[EventLogEntry]) -> None:
        if len(events) <= 1:
            for event in events:
                self.store_event(event)
            return
        statements = [self.prepare_insert_event(e) for e in events]
        with self.run_connection(events[0].run_id) as conn:
            for statement in statements:
                conn.execute(statement)
        with self.index_transaction() as conn:
            event_ids = []
            for statement in statements:
                with db_result(conn, statement) as result:
                    event_ids.append(result.inserted_primary_key[0])
            self._store_asset_event_tags(conn, events, event_ids)
            # The asset-key index row keeps only the LAST event of each type per asset (each update
            # overwrites the previous one), so only those updates are applied, in their original order.
            last: dict[tuple, int] = {}
            for i, event in enumerate(events):
                last[(event.dagster_event.asset_key, event.dagster_event_type)] = i
            for i in sorted(last.values()):
                self._store_asset_event(conn, events[i], event_ids[i])

    @property
    def supports_partition_subset_in_asset_materialization_planned_events(self) -> bool:
        """One ASSET_MATERIALIZATION_PLANNED event per asset carrying the run's partition subset, instead of
        one per partition (Dagster's DAGSTER_EMIT_PARTITION_SUBSET_IN_PLANNED_EVENTS, made the default here).
        The price, as Dagster documents it: when a whole run crashes, its report partitions show as
        missing rather than failed in the UI (the failed run itself shows, and is retried). Reports that
        cannot be read or parsed are not run failures: they are quarantined and listed in core.quarantine."""
        return True

    @classmethod
    def from_config_value(cls, inst_data, config_value):  # the base class hard-codes its own class here
        return cls(inst_data=inst_data, **config_value)
