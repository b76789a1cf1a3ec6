"""The one settings object. Every path or knob the pipeline reads comes from here.

Environment overrides:
  GOV_INBOX        folder watched for reports (default: <repo>/seeds)
  GOV_WAREHOUSE    DuckDB file the pipeline writes (default: <repo>/warehouse/gov.duckdb); analysts read its
                   copy published beside it after every run (`read_copy`: warehouse/gov-read.duckdb), and the
                   marts' files exported beside it (`exports_dir`: warehouse/exports/), and the agency pages
                   (`reports_dir`: warehouse/reports/)
  GOV_WORKERS      processes a bulk run spreads its steps over (the multiprocess executor of the
                   `process_reports_parallel` job; default: CPU count, max 8)
  GOV_CHUNK_REPORTS  reports per chunk of the text work (one step each; default 1000)
  GOV_CELERY_CONFIG  a YAML file with the Celery executor's config (the block dagster-celery's workers read with
                   `-y`): when set, the job `process_reports_cluster` runs the text work on Celery workers
                   (docs/scaling.md)
  GOV_BULK_FILES   a sync that reads at least this many files runs on the multiprocess executor (default 200)
  GOV_SEGMENTER    rjieba (default: the Rust port of jieba, ~20x faster, 99.8% the same tokens on the
                   benchmark corpus) | jieba (the reference, used by the tests)
  GOV_MAX_BYTES    largest report accepted, in bytes (default 20 MiB)
  GOV_SENSOR_INTERVAL  seconds between inbox sensor ticks (default 15)
  GOV_DUCKDB_MEMORY  DuckDB memory_limit per connection (default 1GB; DuckDB spills to a temp folder beyond
                   it where it can; its own default, 80% of RAM, let one bulk run grow past 2.5 GB, and 256MB was
                   too little for marts.section_reuse at 10,000 reports in one statement); the raw step and
                   the SQL models set their own (warehouse.APPEND_MEMORY, MODELS_MEMORY)
  GOV_DAGSTER_STORAGE  the Dagster instance's storage: sqlite (default: files under $DAGSTER_HOME, one host) |
                   postgres (a PostgreSQL database that webservers, daemon and runs on several hosts share)
  GOV_DAGSTER_PG_URL   with postgres: the database's postgresql+psycopg2://user:password@host:port/db URL (the
                   driver named: SQLAlchemy 2.1 opens a bare postgresql:// with psycopg 3). dagster.yaml
                   names the variable, not the URL ({env: GOV_DAGSTER_PG_URL}): every process that opens the
                   instance reads it from its environment, and the password never lands in a file or a log
  GOV_CACHE_DIR / GOV_NO_CACHE  the text library's on-disk cache (read by gov_pipeline/text/cache.py,
                   which must not depend on this module; documented here so every knob is in one list)
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

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
    duckdb_memory: str = "1GB"
    reports_per_chunk: int = 1000
    bulk_files: int = 200
    celery_config: Path | None = None
    dagster_storage: str = "sqlite"  # the Dagster instance's storage: DAGSTER_STORAGES
    # with postgres: postgresql+psycopg2://user:password@host:port/db; a secret, so left out of repr (and logs)
    dagster_pg_url: str | None = field(default=None, repr=False)

    def __post_init__(self):
        if self.dagster_storage not in DAGSTER_STORAGES:
            raise ValueError(f"GOV_DAGSTER_STORAGE={self.dagster_storage!r}: expected one of "
                             f"{', '.join(DAGSTER_STORAGES)}")
        if self.dagster_storage == "postgres":
            if not self.dagster_pg_url:
                raise ValueError("GOV_DAGSTER_STORAGE=postgres needs GOV_DAGSTER_PG_URL, the database's URL "
                                 "(postgresql+psycopg2://user:password@host:5432/dagster)")
            # the messages name the variable, never its value (the URL holds the password)
            scheme = urlsplit(self.dagster_pg_url).scheme
            if scheme.split("+")[0] != "postgresql":
                raise ValueError("GOV_DAGSTER_PG_URL is not a postgresql+psycopg2://user:password@host:port/db URL")
            if scheme != "postgresql+psycopg2" and pg_driver(scheme) != "psycopg2":
                raise ValueError(
                    "GOV_DAGSTER_PG_URL must name the psycopg2 driver: "
                    f"postgresql+psycopg2://user:password@host:port/db (SQLAlchemy would open this {scheme}:// URL "
                    f"with {pg_driver(scheme)}; dagster-postgres installs psycopg2, and its event log fails on "
                    "psycopg 3, which SQLAlchemy 2.1 takes for a bare postgresql://)")

    @property
    def read_copy(self) -> Path:
        """The analysts' read-only copy of the warehouse, published after every run that wrote to it."""
        return read_copy_of(self.warehouse)

    @property
    def chunks_dir(self) -> Path:
        """Where the text workers write their parts and the merge reads them (gov_pipeline/chunks.py): the folder
        `chunks/` beside the warehouse file."""
        return self.warehouse.parent / "chunks"

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
            duckdb_memory=env.get("GOV_DUCKDB_MEMORY") or "1GB",
            reports_per_chunk=max(1, int(env.get("GOV_CHUNK_REPORTS") or 1000)),
            bulk_files=max(1, int(env.get("GOV_BULK_FILES") or 200)),
            celery_config=Path(env["GOV_CELERY_CONFIG"]).resolve() if env.get("GOV_CELERY_CONFIG") else None,
            dagster_storage=(env.get("GOV_DAGSTER_STORAGE") or "sqlite").strip().lower(),
            dagster_pg_url=env.get("GOV_DAGSTER_PG_URL") or None,
        )


DAGSTER_STORAGES = ("sqlite", "postgres")


def pg_driver(scheme: str) -> str:
    """The DBAPI driver SQLAlchemy uses for a postgresql[+driver] URL scheme: the one named, else its default
    (psycopg2 up to SQLAlchemy 2.0, psycopg 3 from 2.1 on)."""
    if "+" in scheme:
        return scheme.split("+", 1)[1]
    from sqlalchemy.dialects import postgresql

    return postgresql.dialect.driver


def redacted_url(url: str | None) -> str | None:
    """The URL with its password replaced by ***, for messages and logs."""
    if not url:
        return url
    parts = urlsplit(url)
    if parts.password is None:
        return url
    netloc = parts.netloc.rsplit("@", 1)[1]
    return parts._replace(netloc=f"{parts.username or ''}:***@{netloc}").geturl()


def read_copy_of(warehouse: Path) -> Path:
    return warehouse.with_name(f"{warehouse.stem}-read{warehouse.suffix}")


def get_settings() -> Settings:
    """Settings read fresh from the environment (cheap; lets tests override env vars)."""
    return Settings.from_env()
