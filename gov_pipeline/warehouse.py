"""DuckDB reads and writes for the warehouse (no Dagster import).

Per-report tables are replaced report by report: in ONE transaction, the rows of the run's
reports are deleted from every table written and the new rows inserted, so a crash leaves
either the old rows or the new ones. Report ids are joined from a registered frame, never
spliced into an `IN (...)` list.
"""
from __future__ import annotations

import weakref
from collections.abc import Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pandas as pd

from gov_pipeline.schemas import TABLES

SCHEMAS = ("raw", "staging", "core", "ref", "marts")


_READY: "weakref.WeakSet[duckdb.DuckDBPyConnection]" = weakref.WeakSet()  # connections already ensured


def ensure_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create missing schemas and tables; add columns a newer contract has to an older warehouse's tables.

    The whole contract is ensured once per connection (every helper below calls this; ~20 statements)."""
    if conn in _READY:
        return
    tables = list(TABLES.values())
    for schema in SCHEMAS:
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    for table in tables:
        conn.execute(table.ddl())
    have: dict[str, set[str]] = {}
    for schema, name, column in conn.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database()").fetchall():
        have.setdefault(f"{schema}.{name}", set()).add(column)
    for table in tables:
        for name, column in table.schema.columns.items():
            if name not in have.get(table.name, set()):
                conn.execute(f'ALTER TABLE {table.name} ADD COLUMN "{name}" {column.metadata["duckdb"]}')
    _READY.add(conn)


def _ids_frame(report_ids: Iterable[str]) -> pd.DataFrame:
    return pd.DataFrame({"report_id": pd.Series(sorted(set(report_ids)), dtype=object)})


def _insert(conn: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    if len(df):
        conn.register("_gov_rows", df)
        try:
            conn.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _gov_rows")
        finally:
            conn.unregister("_gov_rows")


@contextmanager
def replacing_reports(conn: duckdb.DuckDBPyConnection, names: Iterable[str], report_ids: Iterable[str]):
    """One transaction: delete the reports' rows from every table in `names`, then yield
    `insert(name, df)` to add new rows (in as many chunks as the caller likes); commit at the end,
    roll back on any error so the old rows stay."""
    names = list(names)
    ensure_tables(conn)
    conn.register("_gov_replace_ids", _ids_frame(report_ids))
    try:
        conn.execute("BEGIN TRANSACTION")
        try:
            for name in names:
                conn.execute(f"DELETE FROM {name} WHERE report_id IN (SELECT report_id FROM _gov_replace_ids)")
            yield lambda name, df: _insert(conn, name, df)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.unregister("_gov_replace_ids")


def replace_reports(conn: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame],
                    report_ids: Iterable[str]) -> None:
    """Replace the rows of `report_ids` in every table of `frames`, atomically."""
    with replacing_reports(conn, frames, report_ids) as insert:
        for name, df in frames.items():
            insert(name, df)


def replace_table(conn: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    """Replace the whole content of an unpartitioned table, atomically."""
    ensure_tables(conn)
    conn.execute("BEGIN TRANSACTION")
    try:
        conn.execute(f"DELETE FROM {name}")
        _insert(conn, name, df)
        conn.execute("COMMIT")
    except BaseException:
        conn.execute("ROLLBACK")
        raise


def read_reports(conn: duckdb.DuckDBPyConnection, name: str, report_ids: Iterable[str],
                 columns: Iterable[str] | None = None, where: str = "TRUE") -> pd.DataFrame:
    """Rows of a per-report table for the given reports (joined, not IN-listed)."""
    ensure_tables(conn)
    cols = ", ".join(f"t.{c}" for c in columns) if columns else "t.*"
    conn.register("_gov_ids", _ids_frame(report_ids))
    try:
        return conn.execute(
            f"SELECT {cols} FROM {name} t JOIN _gov_ids USING (report_id) WHERE {where} ORDER BY t.report_id"
        ).df()
    finally:
        conn.unregister("_gov_ids")


def prune_reports(conn: duckdb.DuckDBPyConnection, active_ids: Iterable[str]) -> dict[str, int]:
    """Delete every per-report row whose report is no longer in the inbox, atomically."""
    tables = [t for t in TABLES.values() if t.partitioned]
    ensure_tables(conn)
    conn.register("_gov_active", _ids_frame(active_ids))
    deleted: dict[str, int] = {}
    try:
        conn.execute("BEGIN TRANSACTION")
        try:
            for t in tables:
                n = conn.execute(
                    f"SELECT count(*) FROM {t.name} WHERE report_id NOT IN (SELECT report_id FROM _gov_active)"
                ).fetchone()[0]
                if n:
                    conn.execute(f"DELETE FROM {t.name} WHERE report_id NOT IN (SELECT report_id FROM _gov_active)")
                deleted[t.name] = int(n)
            conn.execute("COMMIT")
        except BaseException:
            conn.execute("ROLLBACK")
            raise
    finally:
        conn.unregister("_gov_active")
    return deleted


def first_copies(conn: duckdb.DuckDBPyConnection, exclude: Iterable[str]) -> dict[str, str]:
    """content_sha256 -> report_id of the first (non-duplicate) copy, among reports not in `exclude`."""
    ensure_tables(conn)
    conn.register("_gov_ids", _ids_frame(exclude))
    try:
        return dict(conn.execute(
            "SELECT content_sha256, min(report_id) FROM raw.reports WHERE duplicate_of IS NULL "
            "AND report_id NOT IN (SELECT report_id FROM _gov_ids) GROUP BY 1").fetchall())
    finally:
        conn.unregister("_gov_ids")


def build_model(conn: duckdb.DuckDBPyConnection, qualified: str, sql: str) -> int:
    """CREATE OR REPLACE a SQL model's table; returns its row count."""
    conn.execute(f"CREATE SCHEMA IF NOT EXISTS {qualified.split('.')[0]}")
    conn.execute(f"CREATE OR REPLACE TABLE {qualified} AS\n{sql}")
    return int(conn.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0])


# --------------------------------------------------------------------------- incremental derivation
# staging and core are derived from raw.reports report by report. A report is derived again when
# its bytes change (content_sha256) or when the text version changes; rows of a report that no
# longer belongs in the table (file removed, now a duplicate, now undecodable) are deleted.
@dataclass(frozen=True)
class Increment:
    todo: list[str]  # reports to derive (again)
    stale: list[str]  # reports whose rows must go and not come back
    unchanged: int  # reports already derived from the same bytes by the same version


@dataclass(frozen=True)
class IncrementPlan:
    held: str  # SQL: report_id of every report that has rows
    ready: str  # SQL: report_id, content_sha256 of every report that should have rows (all can be derived now)
    done: str  # SQL: report_id, content_sha256, text_version of the reports derived already


# staging.clean_reports and the core tables, written together: a report is done when core holds it (parsed or
# quarantined) and, if it decoded, staging holds its cleaned text, all from the same bytes by the same version
DERIVE_PLAN = IncrementPlan(
    held="""SELECT report_id FROM core.dim_report UNION SELECT report_id FROM core.quarantine
            UNION SELECT report_id FROM staging.clean_reports""",
    ready="SELECT report_id, content_sha256 FROM raw.reports WHERE duplicate_of IS NULL",
    done="""SELECT d.report_id, d.content_sha256, d.text_version
            FROM (SELECT report_id, content_sha256, text_version FROM core.dim_report
                  UNION ALL SELECT report_id, content_sha256, text_version FROM core.quarantine) d
            JOIN raw.reports r ON r.report_id = d.report_id
            WHERE r.text IS NULL OR EXISTS (
                SELECT 1 FROM staging.clean_reports s WHERE s.report_id = d.report_id
                AND s.content_sha256 = d.content_sha256 AND s.text_version = d.text_version)""",
)


def plan_increment(conn: duckdb.DuckDBPyConnection, plan: IncrementPlan, version: str) -> Increment:
    ensure_tables(conn)
    params = {"version": version}
    todo = [r[0] for r in conn.execute(f"""
        SELECT t.report_id FROM ({plan.ready}) t
        WHERE NOT EXISTS (SELECT 1 FROM ({plan.done}) d WHERE d.report_id = t.report_id
                          AND d.content_sha256 = t.content_sha256 AND d.text_version = $version)
        ORDER BY 1""", params).fetchall()]
    stale = [r[0] for r in conn.execute(
        f"SELECT DISTINCT report_id FROM ({plan.held}) WHERE report_id NOT IN (SELECT report_id FROM ({plan.ready})) ORDER BY 1").fetchall()]
    ready = conn.execute(f"SELECT count(*) FROM ({plan.ready})").fetchone()[0]
    return Increment(todo, stale, int(ready) - len(todo))
