"""The analysts' seat: a read-only session on the published copy of the warehouse that follows new runs.

The pipeline writes `warehouse/gov.duckdb` and, after every run that wrote to it, publishes a copy,
`warehouse/gov-read.duckdb`, by an atomic rename. Readers open the copy, never the pipeline's file, so
they never hold a lock a run needs and never meet one. A DuckDB session keeps reading the copy it opened
(consistent, even while the next copy is being published); this session re-opens the newest copy before a
query whenever a run has published one since (a stat per query; re-opening takes about a millisecond), so
its next query sees the new rows.

    from gov_pipeline.reader import Reader
    gov = Reader()                                   # the copy beside GOV_WAREHOUSE
    gov.sql("SELECT count(*) FROM core.dim_report").fetchall()
    gov.sql("SELECT * FROM marts.report_metrics_wide").df()

No Dagster import: usable from any notebook or script with the project installed.
"""
from __future__ import annotations

import os
from pathlib import Path

import duckdb

from gov_pipeline.settings import get_settings


def sql_string(value: str | Path) -> str:
    """A SQL string literal of a text or a path: in single quotes, a quote inside doubled."""
    return "'" + str(value).replace("'", "''") + "'"


def attach_sql(path: str | Path, alias: str = "gov") -> str:
    """The statements that (re)attach the copy at `path` read-only as `alias` and make it the default catalogue,
    in a session whose own database is in memory (a Reader; `warehouse/attach.sql` for the DuckDB shell)."""
    return (f"USE memory;\nDETACH DATABASE IF EXISTS {alias};\nATTACH {sql_string(path)} AS {alias} (READ_ONLY);\n"
            f"USE {alias};\n")


class Reader:
    def __init__(self, path: str | Path | None = None, alias: str = "gov"):
        self.path = Path(path) if path is not None else get_settings().read_copy
        self.alias = alias
        self.con = duckdb.connect()  # in memory: the copy is attached to it, read-only
        self._stamp: tuple[int, int] | None = None
        self.refresh()

    def refresh(self) -> bool:
        """Attach the newest published copy if it is not the one attached already; True when it changed."""
        try:
            st = os.stat(self.path)
        except FileNotFoundError:
            raise FileNotFoundError(f"no published warehouse at {self.path} yet: run `make demo` (or wait for the "
                                    "first run of `make dev`)") from None
        stamp = (st.st_ino, st.st_mtime_ns)
        if stamp == self._stamp:
            return False
        self.con.execute(attach_sql(self.path, self.alias))
        self._stamp = stamp
        return True

    def sql(self, query: str, params=None) -> duckdb.DuckDBPyConnection:
        """Run a query on the newest published copy (re-attached first if a run published a newer one)."""
        self.refresh()
        return self.con.execute(query, params)

    def close(self) -> None:
        self.con.close()

    def __enter__(self) -> "Reader":
        return self

    def __exit__(self, *exc) -> None:
        self.close()
