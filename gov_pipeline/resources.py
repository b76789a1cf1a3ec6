"""Dagster resources, configured once from the settings object."""
from __future__ import annotations

import os
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster_duckdb import DuckDBResource
from pydantic import PrivateAttr

from gov_pipeline.settings import Settings
from gov_pipeline.inbox import Registered
from gov_pipeline.reader import attach_sql
from gov_pipeline.warehouse import ensure_tables, published_register


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file, opened once per step process.

    DuckDB admits one writing process, so runs that use the warehouse run one at a time: every step that
    opens it is in the `duckdb` pool, and the instance (gov_pipeline/instance.py) limits that pool to one
    run; within a run on the multiprocess executor, the steps that open it carry the op tag
    `gov/warehouse` that the executor limits to one at a time (gov_pipeline/defs/automation.py). Steps run
    in one process (the in-process executor) share one connection, opened by the first step that asks for it
    and closed when the run ends, instead of one open per step. A step that wrote much asks for a checkpoint
    as it ends (`get_connection(checkpoint=True)`: the write-ahead log folded into the file).

    Analysts never open this file: the last step of every run that writes it, `warehouse/analysts_copy`,
    publishes a read-only copy (`read_copy`, warehouse.publish_copy), which any number of readers may hold
    open while runs write.
    """

    read_copy: str = ""  # where the analysts' copy is published ("" publishes none)
    _conn: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._conn = None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.release()

    @contextmanager
    def get_connection(self, checkpoint: bool = False):
        """The process's connection (opened on first use, waiting out another process's lock). A step that fails
        closes it, so its retry, or the next step, starts on a fresh connection. With `checkpoint`, a block that
        ends normally folds the write-ahead log into the file."""
        try:
            if self._conn is None:
                self._conn = self._open()
        except BaseException as err:
            raise warehouse_failure(self.database, err, opening=True) from err
        try:
            yield self._conn
            if checkpoint:
                self._conn.execute("CHECKPOINT")
        except BaseException as err:
            try:
                self.release()
            except BaseException:  # noqa: BLE001 - the step's own error is the headline
                pass
            fault = warehouse_failure(self.database, err)
            if fault is err:
                raise
            raise fault from err

    def release(self) -> None:
        """Close the connection now (at the end of the step process)."""
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


class PublishedCopy(dg.ConfigurableResource):
    """The analysts' copy of the warehouse (warehouse.publish_copy), opened read-only: what analysts see. Steps that
    only read the marts (the exports, the agency pages) read it, without the warehouse's lock: they run beside each
    other and beside the steps that write, outside the `duckdb` pool. A later run may publish a newer copy meanwhile;
    a step keeps reading the one it opened."""

    path: str
    memory_limit: str = "1GB"

    @contextmanager
    def get_connection(self):
        if not Path(self.path).is_file():
            raise dg.Failure(description=f"the analysts' copy {self.path} is not published yet: materialise "
                                         "warehouse/analysts_copy first", allow_retries=False)
        # attached to a connection in memory (reader.attach_sql, as gov_pipeline.reader.Reader does): a reader of the same file in this
        # process (opened with another configuration) is no conflict; a spill folder of its own, since readers run
        # in several processes at once (DuckDB removes it as the connection closes)
        config = {"custom_user_agent": "dagster", "memory_limit": self.memory_limit,
                  "temp_directory": f"{self.path}.{os.getpid()}.tmp"}
        conn = duckdb.connect(config=config)
        try:
            conn.execute(attach_sql(self.path, "published"))
        except BaseException as err:
            conn.close()
            raise warehouse_failure(self.path, err, opening=True) from err
        try:
            yield conn
        finally:
            conn.close()


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


class Inbox(dg.ConfigurableResource):
    """The folder reports are dropped into."""

    path: str
    max_bytes: int = 20 * 1024 * 1024
    read_copy: str = ""  # the warehouse's published copy: what is loaded already (never the pipeline's own file)

    def published_register(self) -> dict[str, Registered]:
        """What the warehouse held after its last published run (report_id -> the file as it was read): the
        inbox sensor's register, read from the analysts' copy (the sensor never opens the pipeline's file)."""
        return published_register(self.read_copy)


class OutputFolder(dg.ConfigurableResource):
    """A folder beside the warehouse file that one asset writes its files to and owns: `exports`
    (Settings.exports_dir, the marts as Parquet, CSV and a workbook: gov_pipeline/exports.py) and `report_pages`
    (Settings.reports_dir, the static HTML report: gov_pipeline/agency_pages.py)."""

    path: str


class TextSettings(dg.ConfigurableResource):
    """How the per-report text work runs: the segmenter, and how many reports make a chunk (one step of
    `staging/report_chunks`; the executor spreads the chunks over processes or machines)."""

    segmenter: str = "jieba"
    reports_per_chunk: int = 1000  # at most
    workers: int = 1  # processes the executor runs chunks in at once (GOV_WORKERS)

    def chunk_size(self, reports: int) -> int:
        """Reports per chunk for a derivation of `reports`: at most `reports_per_chunk`, and small enough that every
        worker gets two chunks (so that they finish together), but not below 100 (a step's start costs ~0.5 s)."""
        return max(1, min(self.reports_per_chunk, max(100, -(-reports // (2 * self.workers)))))


class ChunkStore(dg.ConfigurableResource):
    """The folder the text workers write their parts to and the merge reads them from
    (gov_pipeline/chunks.py): `chunks/` beside the warehouse by default. On several machines it must be a
    folder every worker and the merge see (a shared file system)."""

    path: str

    def inputs(self, run_id: str) -> Path:
        """This run's chunk files (raw rows of the reports to derive)."""
        return Path(self.path) / "inputs" / run_id

    @property
    def parts(self) -> Path:
        """Finished parts, waiting for the merge."""
        return Path(self.path) / "parts"


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": Warehouse(database=str(settings.warehouse), read_copy=str(settings.read_copy),
                               connection_config={"memory_limit": settings.duckdb_memory}),
        "inbox": Inbox(path=str(settings.inbox), max_bytes=settings.max_bytes, read_copy=str(settings.read_copy)),
        "published": PublishedCopy(path=str(settings.read_copy), memory_limit=settings.duckdb_memory),
        "exports": OutputFolder(path=str(settings.exports_dir)),
        "report_pages": OutputFolder(path=str(settings.reports_dir)),
        "text_settings": TextSettings(segmenter=settings.segmenter, reports_per_chunk=settings.reports_per_chunk,
                                      workers=settings.workers),
        "chunk_store": ChunkStore(path=str(settings.chunks_dir)),
    }
