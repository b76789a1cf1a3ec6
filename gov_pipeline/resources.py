"""Dagster resources, configured once from the settings object."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb
from dagster._utils.backoff import backoff
from dagster_duckdb import DuckDBResource

from gov_pipeline.settings import Settings


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file. Every step that opens it runs in the `duckdb` pool (limit 1)."""

    @contextmanager
    def get_connection(self):
        """Like DuckDBResource's (same lock-retry backoff), but the connection is closed even when the
        step fails, so a failed step never leaves the file locked for its retry."""
        if self.database not in (":memory:", ""):
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        conn = backoff(fn=duckdb.connect, retry_on=(RuntimeError, duckdb.IOException), max_retries=10,
                       kwargs={"database": self.database, "read_only": False,
                               "config": {"custom_user_agent": "dagster", **(self.connection_config or {})}})
        try:
            yield conn
        finally:
            conn.close()


class Inbox(dg.ConfigurableResource):
    """The folder reports are dropped into."""

    path: str
    max_bytes: int = 20 * 1024 * 1024


class TextSettings(dg.ConfigurableResource):
    """How the per-report text work runs."""

    workers: int = 1
    segmenter: str = "jieba"


def build_resources(settings: Settings) -> dict[str, dg.ConfigurableResource]:
    return {
        "warehouse": Warehouse(database=str(settings.warehouse),
                               connection_config={"memory_limit": settings.duckdb_memory}),
        "inbox": Inbox(path=str(settings.inbox), max_bytes=settings.max_bytes),
        "text_settings": TextSettings(workers=settings.workers, segmenter=settings.segmenter),
    }
