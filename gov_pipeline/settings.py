"""The one settings object. Every path or knob the pipeline reads comes from here.

Environment overrides:
  GOV_INBOX        folder watched for reports (default: <repo>/seeds)
  GOV_WAREHOUSE    DuckDB file the pipeline writes (default: <repo>/warehouse/gov.duckdb); analysts read its
                   copy published beside it after every run (`read_copy`: warehouse/gov-read.duckdb), and the
                   marts' files exported beside it (`exports_dir`: warehouse/exports/), and the agency pages
                   (`reports_dir`: warehouse/reports/)
  GOV_WORKERS      processes for the per-report text work (default: CPU count, max 8)
  GOV_SEGMENTER    rjieba (default: the Rust port of jieba, ~20x faster, 99.8% the same tokens on the
                   benchmark corpus) | jieba (the reference, used by the tests)
  GOV_MAX_BYTES    largest report accepted, in bytes (default 20 MiB)
  GOV_SENSOR_INTERVAL  seconds between inbox sensor ticks (default 15)
  GOV_DUCKDB_MEMORY  DuckDB memory_limit per connection (default 256MB; DuckDB spills to a temp folder
                   beyond it; its own default, 80% of RAM, let one bulk run grow past 2.5 GB)
  GOV_CACHE_DIR / GOV_NO_CACHE  the text library's on-disk cache (read by gov_pipeline/text/cache.py,
                   which must not depend on this module; documented here so every knob is in one list)
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Settings:
    inbox: Path
    warehouse: Path
    workers: int
    segmenter: str
    max_bytes: int
    sensor_interval_s: int
    sql_dir: Path
    duckdb_memory: str = "256MB"

    @property
    def read_copy(self) -> Path:
        """The analysts' read-only copy of the warehouse, published after every run that wrote to it."""
        return read_copy_of(self.warehouse)

    @property
    def exports_dir(self) -> Path:
        """Where the `exports` asset writes every mart as Parquet and CSV, and the workbook marts.xlsx: the folder
        `exports/` beside the warehouse file (warehouse/exports/; GOV_WAREHOUSE moves it along)."""
        return self.warehouse.parent / "exports"

    @property
    def reports_dir(self) -> Path:
        """Where the `agency_pages` asset writes the static HTML report: index.html and one page per agency (the
        folder `reports/` beside the warehouse file: warehouse/reports/; GOV_WAREHOUSE moves it along)."""
        return self.warehouse.parent / "reports"

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None) -> "Settings":
        env = dict(os.environ if env is None else env)
        return cls(
            inbox=Path(env.get("GOV_INBOX") or REPO_ROOT / "seeds").resolve(),
            warehouse=Path(env.get("GOV_WAREHOUSE") or REPO_ROOT / "warehouse" / "gov.duckdb").resolve(),
            workers=max(1, int(env.get("GOV_WORKERS") or min(os.cpu_count() or 1, 8))),
            segmenter=env.get("GOV_SEGMENTER") or "rjieba",
            max_bytes=int(env.get("GOV_MAX_BYTES") or 20 * 1024 * 1024),
            sensor_interval_s=int(env.get("GOV_SENSOR_INTERVAL") or 15),
            sql_dir=Path(env.get("GOV_SQL_DIR") or REPO_ROOT / "dbt_like_sql").resolve(),
            duckdb_memory=env.get("GOV_DUCKDB_MEMORY") or "256MB",
        )


def read_copy_of(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.stem}-read{warehouse.suffix}")


def get_settings() -> Settings:
    """Settings read fresh from the environment (cheap; lets tests override env vars)."""
    return Settings.from_env()
