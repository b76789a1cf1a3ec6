"""Dagster resources, configured once from the settings object."""
from __future__ import annotations

from contextlib import contextmanager
from pathlib import Path

import dagster as dg
from dagster_duckdb import DuckDBResource

from gov_pipeline.settings import Settings


class Warehouse(DuckDBResource):
    """The DuckDB warehouse file. Every step that opens it runs in the `duckdb` pool (limit 1)."""

    @contextmanager
    def get_connection(self):
        if self.database not in (":memory:", ""):
            Path(self.database).parent.mkdir(parents=True, exist_ok=True)
        with super().get_connection() as conn:
            yield conn


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
        "warehouse": Warehouse(database=str(settings.warehouse)),
        "inbox": Inbox(path=str(settings.inbox), max_bytes=settings.max_bytes),
        "text_settings": TextSettings(workers=settings.workers, segmenter=settings.segmenter),
    }
