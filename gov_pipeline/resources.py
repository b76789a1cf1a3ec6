"""Dagster resources, configured once from the settings object."""
from __future__ import annotations

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


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file, opened once per run.

    DuckDB admits one writing process, so runs that use the warehouse run one at a time: every step that
    opens it is in the `duckdb` pool, and the instance (gov_pipeline/instance.py) limits that pool to one
    run. Within a run the steps (in one process: the in-process executor) share one connection, opened by
    the first step that asks for it and closed when the run ends: a one-report run pays one open and one
    checkpoint (DuckDB folds its write-ahead log into the file on close) instead of one per step.
    """

    _conn: duckdb.DuckDBPyConnection | None = PrivateAttr(default=None)

    def setup_for_execution(self, context: dg.InitResourceContext) -> None:
        self._conn = None

    def teardown_after_execution(self, context: dg.InitResourceContext) -> None:
        self.release()

    @contextmanager
    def get_connection(self):
        """The run's connection (opened on first use, with DuckDBResource's lock-retry backoff). A step that
        fails closes it, so its retry, or the next step, starts on a fresh connection."""
        if self._conn is None:
            self._conn = self._open()
        try:
            yield self._conn
        except BaseException:
            self.release()
            raise

    def release(self) -> None:
        """Close the run's connection now (before forking worker processes, and at the end of the run)."""
        conn, self._conn = self._conn, None
        if conn is not None:
            conn.close()

    def _open(self) -> duckdb.DuckDBPyConnection:
        if self.database not in (":memory:", ""):
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        return backoff(fn=duckdb.connect, retry_on=(RuntimeError, duckdb.IOException), max_retries=10,
                       kwargs={"database": self.database, "read_only": False,
                               "config": {"custom_user_agent": "dagster", **(self.connection_config or {})}})


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
            from gov_pipeline.text.pipeline import start_warm_worker

            self._warm = start_warm_worker(self.segmenter)

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
