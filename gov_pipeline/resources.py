"""Dagster resources, configured once from the settings object."""
from __future__ import annotations

import threading
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG, PARTITION_NAME_TAG,
)
from dagster._utils.backoff import backoff
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from gov_pipeline.settings import Settings
from gov_pipeline.warehouse import ensure_tables


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file, opened once per run.

    DuckDB admits one writing process, so runs that use the warehouse run one at a time: every step that
    opens it is in the `duckdb` pool, and the instance (gov_pipeline/instance.py) limits that pool to one
    run. Within a run the steps (in one process: the in-process executor) share one connection, opened by
    the first step that asks for it and closed when the run ends: a one-report run pays one open and one
    checkpoint (DuckDB folds its write-ahead log into the file on close) instead of one per step.

    DuckDB releases the GIL while it works, so its slow moments run on a thread while Dagster does its own
    work: the connection is opened (and the contract ensured) as the run starts, and a step that has
    written starts the checkpoint (`get_connection(checkpoint=True)`) while Dagster records its events and
    starts the next step. Whoever asks for the connection next waits for that task, and gets its error.
    """

    _conn: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _pending: "_Task | None" = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._conn = None
        self._pending = _Task(self._open, "duckdb-open")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.release()

    @contextmanager
    def get_connection(self, checkpoint: bool = False):
        """The run's connection (opened on first use, with DuckDBResource's lock-retry backoff). A step that
        fails closes it, so its retry, or the next step, starts on a fresh connection. With `checkpoint`, a
        block that ends normally starts a background checkpoint of what it wrote (`checkpoint_soon`)."""
        self._wait_pending()
        if self._conn is None:
            self._conn = self._open()
        try:
            yield self._conn
        except BaseException:
            self.release()
            raise
        if checkpoint:
            self.checkpoint_soon()

    def checkpoint_soon(self) -> None:
        """Start folding the write-ahead log into the file on a thread; the connection's next use waits."""
        if self._conn is not None and self._pending is None:
            self._pending = _Task(_checkpoint, "duckdb-checkpoint", self._conn)

    def _wait_pending(self) -> None:
        pending, self._pending = self._pending, None
        if pending is not None:
            opened = pending.wait()
            if opened is not None:
                self._conn = opened

    def release(self) -> None:
        """Close the run's connection now (before forking worker processes, and at the end of the run)."""
        try:
            self._wait_pending()
        finally:
            conn, self._conn = self._conn, None
            if conn is not None:
                conn.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        """A new connection (DuckDBResource's lock-retry backoff), with the warehouse contract ensured."""
        if self.database not in (":memory:", ""):
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        conn = backoff(fn=duckdb.connect, retry_on=(RuntimeError, duckdb.IOException), max_retries=10,
                       kwargs={"database": self.database, "read_only": False,
                               "config": {"custom_user_agent": "dagster", **(self.connection_config or {})}})
        ensure_tables(conn)
        return conn


def _checkpoint(conn: duckdb.DuckDBPyConnection) -> None:
    conn.execute("CHECKPOINT")


class _Task:
    """fn(*args) on its own thread; wait() joins it and returns its result, or raises what it raised."""

    def __init__(self, fn, name: str, *args):
        self._result, self._error = None, None
        self._thread = threading.Thread(target=self._run, args=(fn, args), name=name)
        self._thread.start()

    def _run(self, fn, args) -> None:
        try:
            self._result = fn(*args)
        except BaseException as err:  # noqa: BLE001 - handed to the thread that waits
            self._error = err

    def wait(self):
        self._thread.join()
        if self._error is not None:
            raise self._error
        return self._result


class Inbox(dg.ConfigurableResource):
    """The folder reports are dropped into."""

    path: str
    max_bytes: int = 20 * 1024 * 1024


class TextSettings(dg.ConfigurableResource):
    """How the per-report text work runs.

    A run over ONE report partition (the inbox sensor's usual run) forks one worker as the run starts, which
    loads the text library (segmenter dictionary, IDF table, prose patterns: ~0.3 s) on the other core while
    the run does its raw step; derive_reports then parses the report there, warm (`few_map`). Runs over more
    reports parse a few in this process, or many in a pool of `workers` (gov_pipeline.text.pipeline)."""

    workers: int = 1
    segmenter: str = "jieba"
    _warm = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._warm = None
        if self.workers > 1 and _one_partition(context.dagster_run):
            self._warm = _start_warm_worker(self.segmenter)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.stop_warm()

    def stop_warm(self) -> None:
        """End the warm worker (at the end of the run, or before a run with many reports forks its pool)."""
        warm, self._warm = self._warm, None
        if warm is not None:
            warm.terminate()
            warm.join()

    @property
    def has_warm_worker(self) -> bool:
        return self._warm is not None

    def few_map(self):
        """map(func, items) for a few items: in the warm worker when the run started one, else here."""
        return map if self._warm is None else self._warm.imap


def _start_warm_worker(segmenter: str):
    """A pool of ONE forked worker that loads the text library at once, on the other core, while the run
    does its first steps; None where processes cannot be forked. The text library is imported in the
    worker, not here: the run's process never needs it.

    Before forking, what the process holds so far (the code location, the instance, the run's plan) is moved
    out of the garbage collector's sight (gc.freeze, as Python's documentation advises before fork): the
    child shares those pages instead of copying them as the collector touches them, and the run's own full
    collections no longer rescan them (~50 ms in a one-report run)."""
    import gc
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        return None
    gc.freeze()
    return mp.get_context("fork").Pool(processes=1, initializer=_warm_worker_init, initargs=(segmenter,))


def _warm_worker_init(segmenter: str) -> None:
    from gov_pipeline.text.pipeline import _prepare_quietly

    _prepare_quietly(segmenter)


def _one_partition(run: dg.DagsterRun | None) -> bool:
    """Whether a run covers one partition (a single-key range, or a partition tag)."""
    tags = run.tags if run is not None else {}
    start, end = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    return (start is not None and start == end) or PARTITION_NAME_TAG in tags


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": Warehouse(database=str(settings.warehouse),
                               connection_config={"memory_limit": settings.duckdb_memory}),
        "inbox": Inbox(path=str(settings.inbox), max_bytes=settings.max_bytes),
        "text_settings": TextSettings(workers=settings.workers, segmenter=settings.segmenter),
    }
