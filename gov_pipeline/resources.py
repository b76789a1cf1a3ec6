"""Dagster resources, configured once from the settings object."""
from __future__ import annotations

import itertools
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster._core.storage.tags import (
    ASSET_PARTITION_RANGE_END_TAG, ASSET_PARTITION_RANGE_START_TAG, PARTITION_NAME_TAG,
)
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from gov_pipeline.settings import Settings
from gov_pipeline.warehouse import ensure_tables, publish_copy, published_hashes


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file, opened once per run.

    DuckDB admits one writing process, so runs that use the warehouse run one at a time: every step that
    opens it is in the `duckdb` pool, and the instance (gov_pipeline/instance.py) limits that pool to one
    run. Within a run the steps (in one process: the in-process executor) share one connection, opened as
    the run starts (again after a step closed it: before forking workers, or on failure) and closed when
    the run ends, instead of one open and one checkpoint per step.

    DuckDB releases the GIL while it works, so its slow moments run on a thread while Dagster does its own
    work: the connection is opened (and the contract ensured) as the run starts (unless the run covers many
    partitions: its raw step forks the text workers before opening it), and a step that has
    written starts the checkpoint (`get_connection(checkpoint=True)`) while Dagster records its events and
    starts the next step. Whoever asks for the connection next waits for that task, and gets its error.
    No process forks while such a thread runs: a one-report run's warm worker forks before this resource is set
    up (resources are set up in name order: text_settings, then warehouse), and a step that forks a pool calls
    release() first, which waits for the thread.

    Analysts never open this file: a run that used it and did not fail publishes a read-only copy of it as it
    ends (`read_copy`, warehouse.publish_copy), which any number of readers may hold open while runs write.
    """

    read_copy: str = ""  # where the analysts' copy is published ("" publishes none)
    _conn: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)
    _pending: "_Task | None" = PrivateAttr(default=None)
    _used: bool = PrivateAttr(default=False)  # a step of this run had the connection: publish the copy at the end

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._conn, self._pending, self._used = None, None, False
        if not _many_partitions(context.dagster_run):  # (a run over many reports forks its pool first, closed)
            self._pending = _Task(self._open, "duckdb-open")

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        try:
            if self._used and self.read_copy and not _run_failed(context):
                started = time.perf_counter()
                with self.get_connection() as conn:
                    size = publish_copy(conn, self.database, self.read_copy)
                context.log.info(f"published the analysts' copy {self.read_copy} ({size / 1e6:.1f} MB) in "
                                 f"{time.perf_counter() - started:.2f} s")
        finally:
            self.release()

    @contextmanager
    def get_connection(self, checkpoint: bool = False):
        """The run's connection (opened on first use, with DuckDBResource's lock-retry backoff). A step that
        fails closes it, so its retry, or the next step, starts on a fresh connection. With `checkpoint`, a
        block that ends normally starts a background checkpoint of what it wrote (`checkpoint_soon`)."""
        try:
            self._wait_pending()
            if self._conn is None:
                self._conn = self._open()
        except BaseException as err:
            raise warehouse_failure(self.database, err, opening=True) from err
        self._used = True
        try:
            yield self._conn
        except BaseException as err:
            try:
                self.release()
            except BaseException:  # noqa: BLE001 - the step's own error is the headline
                pass
            fault = warehouse_failure(self.database, err)
            if fault is err:
                raise
            raise fault from err
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
        """A new connection, with the warehouse contract ensured. Only a lock held by another process is waited
        for (up to LOCK_WAIT_S); any other error (a damaged file, permissions, a full disk) is raised at once."""
        if self.database not in (":memory:", ""):
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        config = {"custom_user_agent": "dagster", **(self.connection_config or {})}
        deadline, delay = time.monotonic() + LOCK_WAIT_S, 0.1
        while True:
            try:
                conn = duckdb.connect(self.database, read_only=False, config=config)
                break
            except duckdb.IOException as err:
                if not is_lock_conflict(err) or time.monotonic() + delay > deadline:
                    raise
                time.sleep(delay)
                delay = min(delay * 2, 5.0)
        ensure_tables(conn)
        return conn


LOCK_WAIT_S = 60.0  # how long a run waits for another process's lock on the warehouse before it fails
_LOCK_MESSAGES = ("Could not set lock on file", "Conflicting lock is held")


def is_lock_conflict(err: BaseException) -> bool:
    """Whether a DuckDB error says another process holds the warehouse's lock (the only error worth waiting out)."""
    return isinstance(err, duckdb.IOException) and any(m in str(err) for m in _LOCK_MESSAGES)


def warehouse_failure(database: str, err: BaseException, opening: bool = False) -> BaseException:
    """A fault of the warehouse file itself (damaged, unreadable or unwritable, disk full, a previous fatal error)
    as a step failure that is not retried, with DuckDB's (or, while `opening`, the system's) message as its
    headline; any other error unchanged (a lock conflict, or a bug, keeps the step's retry policy)."""
    if isinstance(err, dg.Failure) or is_lock_conflict(err):
        return err
    if isinstance(err, (duckdb.IOException, duckdb.FatalException, duckdb.PermissionException)):
        hint = ("the file is damaged or is not a DuckDB database: move it aside and run `make demo` to rebuild it "
                "from the inbox" if "not a valid DuckDB" in str(err) or "Could not read enough bytes" in str(err)
                else "check the file, its folder's permissions and the free disk space")
    elif opening and isinstance(err, OSError):
        hint = "check the warehouse path (GOV_WAREHOUSE) and its folder's permissions"
    else:
        return err
    return dg.Failure(description=f"{err} -- warehouse {database}: {hint}. This is not retried.", allow_retries=False)


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
    read_copy: str = ""  # the warehouse's published copy: what is loaded already (never the pipeline's own file)

    def loaded_hashes(self, keys: list[str]) -> dict[str, str]:
        """What the warehouse held after its last run for these reports (report_id -> content_sha256): the sensor
        asks about partitions it has no record of (loaded by `make demo` or from the UI)."""
        return published_hashes(self.read_copy, keys)


class OutputFolder(dg.ConfigurableResource):
    """A folder beside the warehouse file that one asset writes its files to and owns: `exports`
    (Settings.exports_dir, the marts as Parquet, CSV and a workbook: gov_pipeline/exports.py) and `report_pages`
    (Settings.reports_dir, the static HTML report: gov_pipeline/agency_pages.py)."""

    path: str


class TextSettings(dg.ConfigurableResource):
    """How the per-report text work runs: in forked worker processes that load the text library themselves.

    A run over ONE report partition (the inbox sensor's usual run) forks one worker as the run starts, which
    loads the text library (segmenter dictionary, IDF table, patterns: ~0.3 s) on the other core while the
    run does its raw step. A run whose raw step reads many reports forks a pool of `workers` there, before
    the warehouse opens. Either way the raw step hands the new reports' text over as it reads them
    (`prefetch`, up to a chunk's worth), so they are parsed while the run records the raw step, and
    derive_reports takes those results and parses the rest (`parse_map`). Runs without either parse a few
    reports in this process, and fork the pool when they have many."""

    workers: int = 1
    segmenter: str = "jieba"
    _pool = PrivateAttr(default=None)  # multiprocessing pool: the warm worker, or the run's pool
    _size: int = PrivateAttr(default=0)
    _prefetched: dict = PrivateAttr(default_factory=dict)  # (func, report_id) -> (hash of the item, AsyncResult)
    _early: int = PrivateAttr(default=0)  # prefetched results parse_map has used
    _stopping: "_Task | None" = PrivateAttr(default=None)  # workers ending on a thread (stop_workers(wait=False))

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._pool, self._size, self._prefetched, self._early, self._stopping = None, 0, {}, 0, None
        if self.workers > 1 and _one_partition(context.dagster_run):
            self._fork(1)

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.stop_workers()

    def start_pool(self) -> None:
        """Fork the run's pool of `workers` processes now (ending a warm worker first), with the warehouse
        closed; a no-op when it runs already or when `workers` is 1."""
        if self.workers > 1 and self._size < self.workers:
            self.stop_workers()
            self._fork(self.workers)

    def _fork(self, size: int) -> None:
        self._pool = _fork_workers(size, self.segmenter)
        self._size = size if self._pool is not None else 0

    def stop_workers(self, wait: bool = True) -> None:
        """End the forked workers (at the end of the run, or before forking a bigger pool). With wait=False
        they end on a thread (derive_reports is done with them: they end while Dagster records its results),
        which the next stop_workers() waits for."""
        pool, self._pool, self._size, self._prefetched = self._pool, None, 0, {}
        if pool is not None:
            self._wait_stopping()
            self._stopping = _Task(_end_pool, "text-workers-stop", pool)
        if wait:
            self._wait_stopping()

    def _wait_stopping(self) -> None:
        stopping, self._stopping = self._stopping, None
        if stopping is not None:
            stopping.wait()

    def prefetch(self, func, items: list[tuple], limit: int) -> None:
        """Start func(item) in the forked workers for items whose results a later `parse_map()(func, items)`
        will want (item[0] is the report id), up to `limit` pending in all; nothing without workers."""
        if self._pool is None:
            return
        for item in items[:max(0, limit - len(self._prefetched))]:
            self._prefetched[(func, item[0])] = (hash(item), self._pool.apply_async(func, (item,)))

    def parse_map(self, many: bool):
        """map(func, items) for the reports to derive, or None when there are `many` and no pool yet (fork it
        first: start_pool). Over the forked workers when there are any (a warm worker takes a few reports; many
        need the pool), using what `prefetch` started for the same items; else in this process."""
        if self._pool is not None and (not many or self._size >= self.workers):
            return self._map
        return map if not many or self.workers <= 1 else None

    def _map(self, func, items):
        ready, rest = [], []
        for item in items:
            hit = self._prefetched.pop((func, item[0]), None)
            if hit is not None and hit[0] == hash(item):
                ready.append(hit[1])
            else:
                rest.append(item)
        self._early += len(ready)
        started = self._pool.imap(func, rest, chunksize=max(1, min(64, len(rest) // (self._size * 8)))) if rest else ()
        return itertools.chain((result.get() for result in ready), started)

    @property
    def parsed_early(self) -> int:
        """Reports whose prefetched parse parse_map used (parsed while the raw step ran)."""
        return self._early

    @property
    def parsed_in(self) -> str:
        """Where parse_map parses (for the run's metadata)."""
        if self._pool is None:
            return "the run's process"
        return "the run's warm worker" if self._size == 1 else f"{self._size} forked workers"


def _end_pool(pool) -> None:
    pool.terminate()
    pool.join()


def _fork_workers(size: int, segmenter: str):
    """A pool of `size` forked workers, each loading the text library at once (the run's process never
    imports it), on the other core(s) while the run goes on; None where processes cannot be forked.

    Before forking, what the process holds so far (the code location, the instance, the run's plan) is moved
    out of the garbage collector's sight (gc.freeze, as Python's documentation advises before fork): the
    children share those pages instead of copying them as the collector touches them, and the run's own
    full collections no longer rescan them (~50 ms in a one-report run)."""
    import gc
    import multiprocessing as mp

    if "fork" not in mp.get_all_start_methods():
        return None
    gc.freeze()
    return mp.get_context("fork").Pool(processes=size, initializer=_worker_init, initargs=(segmenter,))


def _worker_init(segmenter: str) -> None:
    from gov_pipeline.text.pipeline import prepare_worker

    prepare_worker(segmenter)


def _run_failed(context: dg.InitResourceContext) -> bool:
    """Whether a step of this run has failed (its events are in the instance already)."""
    if context.instance is None or context.run_id is None:
        return False
    return bool(context.instance.get_records_for_run(
        context.run_id, of_type=dg.DagsterEventType.STEP_FAILURE, limit=1).records)


def _many_partitions(run: dg.DagsterRun | None) -> bool:
    """Whether a run covers a range of several partitions."""
    tags = run.tags if run is not None else {}
    start = tags.get(ASSET_PARTITION_RANGE_START_TAG)
    return start is not None and start != tags.get(ASSET_PARTITION_RANGE_END_TAG)


def _one_partition(run: dg.DagsterRun | None) -> bool:
    """Whether a run covers one partition (a single-key range, or a partition tag)."""
    tags = run.tags if run is not None else {}
    start, end = tags.get(ASSET_PARTITION_RANGE_START_TAG), tags.get(ASSET_PARTITION_RANGE_END_TAG)
    return (start is not None and start == end) or PARTITION_NAME_TAG in tags


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": Warehouse(database=str(settings.warehouse), read_copy=str(settings.read_copy),
                               connection_config={"memory_limit": settings.duckdb_memory}),
        "inbox": Inbox(path=str(settings.inbox), max_bytes=settings.max_bytes, read_copy=str(settings.read_copy)),
        "exports": OutputFolder(path=str(settings.exports_dir)),
        "report_pages": OutputFolder(path=str(settings.reports_dir)),
        "text_settings": TextSettings(workers=settings.workers, segmenter=settings.segmenter),
    }
