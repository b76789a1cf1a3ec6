"""DuckDB reads and writes for the warehouse (no Dagster import).

Per-report tables are replaced report by report: in ONE transaction, the rows of the run's
reports are deleted from every table written and the new rows inserted, so a crash leaves
either the old rows or the new ones. Report ids are joined from a registered frame, never
spliced into an `IN (...)` list.
"""
from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import subprocess
import time
import weakref
from collections.abc import Callable, Iterable, Mapping
from contextlib import contextmanager
from dataclasses import dataclass

import duckdb
import pandas as pd

from pathlib import Path

from gov_pipeline.inbox import Registered, clean_name, partition_key_for
from gov_pipeline.ingest import first_copies
from gov_pipeline.reader import attach_sql, sql_string
from gov_pipeline.schemas import TABLES
from gov_pipeline.sql_models import INCREMENTAL_KEYS, SCOPE_TABLE

SCHEMAS = ("raw", "staging", "core", "ref", "marts", "meta")


_READY: "weakref.WeakSet[duckdb.DuckDBPyConnection]" = weakref.WeakSet()  # connections already ensured


def ensure_tables(conn: duckdb.DuckDBPyConnection) -> None:
    """Create missing schemas and tables; add columns a newer contract has to an older warehouse's tables.

    Ensured once per connection (every helper below calls this): one catalogue query when the warehouse
    already holds the whole contract, DDL only for what is missing."""
    if conn in _READY:
        return
    have: dict[str, set[str]] = {}
    for schema, name, column in conn.execute(
            "SELECT table_schema, table_name, column_name FROM information_schema.columns "
            "WHERE table_catalog = current_database()").fetchall():
        have.setdefault(f"{schema}.{name}", set()).add(column)
    for table in TABLES.values():
        if table.name not in have:
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {table.name.split('.')[0]}")
            conn.execute(table.ddl())
            if table.name == JOURNAL:  # which warehouse this is: a copy made from another is never patched
                conn.execute(f"INSERT INTO {JOURNAL} VALUES (0, '{JOURNAL}', 'lineage', CAST(uuid() AS VARCHAR))")
            continue
        for name, column in table.schema.columns.items():
            if name not in have[table.name]:
                conn.execute(f'ALTER TABLE {table.name} ADD COLUMN "{name}" {column.metadata["duckdb"]}')
    for schema in SCHEMAS:  # the marts schema holds no Python table
        if not any(t.startswith(schema + ".") for t in have):
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    _READY.add(conn)


# --------------------------------------------------------------------------- the change journal
JOURNAL = "meta.changes"


def journal(conn: duckdb.DuckDBPyConnection, table: str, columns: Iterable[str] | None = None,
            values_sql: str = "", params: Mapping | None = None) -> None:
    """Record in the change journal that rows of `table` were replaced (deleted, inserted or updated): the rows
    whose `columns` hold a value `values_sql` selects (one column, the values as _key_expr writes them), or the
    whole table (`columns` None). Called inside the write's transaction, by every write of this module: the
    analysts' copy is brought up to date from it (publish_copy)."""
    seq = conn.execute(f"SELECT coalesce(max(seq), 0) + 1 FROM {JOURNAL}").fetchone()[0]
    if columns is None:
        conn.execute(f"INSERT INTO {JOURNAL} VALUES ($s, $t, NULL, NULL)", {"s": seq, "t": table})
        return
    conn.execute(f"INSERT INTO {JOURNAL} SELECT DISTINCT $s, $t, $k, v FROM ({values_sql}) AS x(v)",
                 {"s": seq, "t": table, "k": ",".join(columns), **(params or {})})


def _journal_reports(conn: duckdb.DuckDBPyConnection, tables: Iterable[str], ids_table: str) -> None:
    """Journal the rows of these reports (report_id in `ids_table`: a registered frame, a table or a subquery) in
    each table."""
    for table in tables:
        journal(conn, table, ["report_id"], f"SELECT report_id FROM {ids_table}")


def _key_expr(columns: list[str]) -> str:
    """SQL: a row's key as the journal holds it (text; several columns joined by U+001F, NULL written U+0000)."""
    if len(columns) == 1:
        return f'CAST("{columns[0]}" AS VARCHAR)'
    return "concat_ws(chr(31), " + ", ".join(f'coalesce(CAST("{c}" AS VARCHAR), chr(0))' for c in columns) + ")"


ATTACH_SCRIPT = "attach.sql"  # beside the read copy: opens it, or re-opens a newer one, in a DuckDB CLI session


@dataclass(frozen=True)
class Published:
    bytes: int  # the copy's size
    copied: bool  # False: the warehouse file was as when the copy was last made; the copy was left as it is
    how: str = "unchanged"  # unchanged | patched (the spare copy brought up to date and swapped in) | copied (whole)
    reason: str = ""  # why the copy was made whole (patched: how many journal entries were applied)


def publish_copy(conn: duckdb.DuckDBPyConnection, database: str, copy: str) -> Published:
    """Publish the analysts' read-only copy of the warehouse: fold the write-ahead log into the file (CHECKPOINT),
    bring a second copy up to date and rename it over the copy, atomically. A reader with the old copy open keeps
    reading it (its inode lives on) and never holds a lock the pipeline needs.

    The second copy is the spare (`<copy>.spare`): the copy published the time before. It is brought up to date
    by the rows the change journal (meta.changes) says were replaced since it was made, so a run that changed one
    report costs the rows of one report, not a copy of the whole file; the old copy becomes the spare. The spare
    is copied whole instead (`cp`) when there is none, a reader still holds it, the journal does not reach back to
    it, or more than MAX_PATCH_ENTRIES entries are to apply; and when, once patched, a table's row count differs
    from the warehouse's (a write the journal did not see).

    The copy is made by a child process (`cp`): DuckDB's lock on the warehouse is a POSIX record lock, which this
    process would drop the moment it closed any file handle of its own on the warehouse file; while `conn` stays
    open and idle nobody else can write. A stale write-ahead log beside the copy (someone opened it read-write)
    is removed, or read-only readers would replay it onto the new copy.

    Beside each copy (`<copy>.source`) is what it holds: the warehouse file's identity when it was made (inode,
    size, modification and change times, after the checkpoint) and the journal's last entry then. When the
    warehouse file is the same now, nothing was written since, and the copy is left as it is (a refresh that
    changed nothing copies nothing)."""
    ensure_tables(conn)
    conn.execute("CHECKPOINT")
    target, spare = Path(copy), Path(copy + SPARE_SUFFIX)
    wal = Path(f"{target}.wal")
    published, spared = _read_side(target), _read_side(spare)
    if published is not None and not wal.exists() and published.identity == _identity(database):
        _write_attach_script(target)
        return Published(target.stat().st_size, copied=False)
    held = [s.as_of for s in (published, spared) if s is not None]
    # the entries both copies hold are no longer needed (the lineage entry, seq 0, and the last one stay)
    trim = (f"FROM {JOURNAL} WHERE seq BETWEEN 1 AND $s AND seq < (SELECT max(seq) FROM {JOURNAL})",
            {"s": min(held, default=-1)})
    if held and conn.execute(f"SELECT count(*) {trim[0]}", trim[1]).fetchone()[0]:
        conn.execute(f"DELETE {trim[0]}", trim[1])
        conn.execute("CHECKPOINT")
    as_of = int(conn.execute(f"SELECT coalesce(max(seq), 0) FROM {JOURNAL}").fetchone()[0])
    side = _Side(_identity(database), as_of, 0)
    try:
        if spared is None:
            raise _CannotPatch("no spare copy yet" if not spare.exists() else "the spare copy's record is missing")
        applied = _patch(conn, spare, spared.as_of)
        made, how, reason = spare, "patched", f"{applied} journal entries applied"
    except _CannotPatch as exc:
        made, how, reason = target.with_name(target.name + ".tmp"), "copied", str(exc)
        # --reflink=auto: on a file system that shares blocks between files (Btrfs, XFS) the copy costs no time
        # whatever the size; elsewhere (ext4) it is a plain copy
        done = subprocess.run(["cp", "--reflink=auto", "--", database, str(made)], capture_output=True, text=True)
        if done.returncode:
            made.unlink(missing_ok=True)
            raise OSError(f"could not copy the warehouse to {made}: {done.stderr.strip()}") from None
    _rotate(made, target, spare, side)
    _write_attach_script(target)
    return Published(target.stat().st_size, copied=True, how=how, reason=reason)


SOURCE_SUFFIX = ".source"  # beside a copy: what it holds (publish_copy)
SPARE_SUFFIX = ".spare"  # the copy published the time before, patched into the next one (publish_copy)
MAX_PATCH_ENTRIES = 200_000  # journal entries past the spare's: more, and the spare is copied whole


class _CannotPatch(Exception):
    """Why the spare copy cannot be brought up to date by the journal (it is copied whole instead)."""


@dataclass(frozen=True)
class _Side:
    identity: str  # the warehouse file when the copy was made (inode, size, mtime, ctime)
    as_of: int  # the journal's last entry then (meta.changes.seq)
    inode: int  # the copy's own inode: a record that does not describe the file beside it is no record


def _identity(database: str) -> str:
    st = os.stat(database)
    return f"{st.st_ino} {st.st_size} {st.st_mtime_ns} {st.st_ctime_ns}"


def _side_path(copy: Path) -> Path:
    return copy.with_name(copy.name + SOURCE_SUFFIX)


def _read_side(copy: Path) -> _Side | None:
    """The record beside a copy, or None when there is no copy, no record, or a record of another file."""
    try:
        data = json.loads(_side_path(copy).read_text(encoding="utf-8"))
        side = _Side(str(data["identity"]), int(data["as_of"]), int(data["inode"]))
        return side if copy.stat().st_ino == side.inode else None
    except (OSError, ValueError, KeyError, TypeError):
        return None


def _rotate(made: Path, target: Path, spare: Path, side: _Side) -> None:
    """`made` (an up-to-date copy, with `side` its record) becomes the copy, atomically; the copy it replaces
    becomes the spare."""
    Path(f"{target}.wal").unlink(missing_ok=True)
    _side_path(made).write_text(json.dumps({**dataclasses.asdict(side), "inode": made.stat().st_ino}),
                                encoding="utf-8")
    old = target.with_name(target.name + ".old")
    old.unlink(missing_ok=True)
    _side_path(old).unlink(missing_ok=True)
    if target.exists():
        os.link(target, old)  # readers find the copy in place until the new one replaces it
        if _side_path(target).exists():
            os.replace(_side_path(target), _side_path(old))
    os.replace(made, target)
    os.replace(_side_path(made), _side_path(target))
    if old.exists():
        os.replace(old, spare)
        if _side_path(old).exists():
            os.replace(_side_path(old), _side_path(spare))
        else:
            _side_path(spare).unlink(missing_ok=True)


def _patch(conn: duckdb.DuckDBPyConnection, spare: Path, since: int) -> int:
    """Bring the spare copy (the warehouse as of journal entry `since`) up to date: the tables whose definition
    differs are copied whole, and for every journal entry after `since` the rows it names are replaced by the
    warehouse's. Returns the entries applied; raises _CannotPatch (the spare left as it was, or no longer
    to be trusted: it is then replaced whole)."""
    if Path(f"{spare}.wal").exists():
        raise _CannotPatch("the spare copy has a write-ahead log (someone opened it read-write)")
    todo = conn.execute(f"SELECT count(*) FROM {JOURNAL} WHERE seq > $s", {"s": since}).fetchone()[0]
    if todo > MAX_PATCH_ENTRIES:
        raise _CannotPatch(f"{todo} journal entries to apply (more than {MAX_PATCH_ENTRIES})")
    try:
        conn.execute(f"ATTACH {sql_string(spare)} AS {_SPARE}")
    except duckdb.Error as exc:  # a reader holds it (its lock), or it is no DuckDB file
        raise _CannotPatch(f"the spare copy cannot be opened for writing: {str(exc).splitlines()[0]}") from None
    try:
        main = conn.execute("SELECT current_database()").fetchone()[0]
        lineage = f"SELECT key_value FROM {{}}.{JOURNAL} WHERE seq = 0"
        if conn.execute(lineage.format(main)).fetchall() != conn.execute(lineage.format(_SPARE)).fetchall():
            raise _CannotPatch("the spare copy was made from another warehouse")
        if conn.execute(f"SELECT coalesce(max(seq), 0) FROM {_SPARE}.{JOURNAL}").fetchone()[0] != since:
            raise _CannotPatch("the spare copy is not as its record says")
        first, last = conn.execute(f"SELECT min(seq), max(seq) FROM {JOURNAL} WHERE seq >= 1").fetchone()
        if (since, last) != (0, None) and (last is None or last < since or first > since + 1):
            raise _CannotPatch("the journal does not reach back to the spare copy")
        ours, theirs = _definitions(conn, main), _definitions(conn, _SPARE)
        if _other_objects(conn, main) or _other_objects(conn, _SPARE):
            raise _CannotPatch("the warehouse holds views, sequences or macros")
        groups = conn.execute(f"""SELECT table_name, key_columns FROM {JOURNAL} WHERE seq > $s AND table_name <> $j
                                  GROUP BY ALL ORDER BY ALL""", {"s": since, "j": JOURNAL}).fetchall()
        whole = {t for t, k in groups if k is None} | {t for t in ours if theirs.get(t) != ours[t]}
        with transaction(conn):
            for schema in sorted({t.split(".")[0] for t in ours}):
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_SPARE}.{schema}")
            for table in sorted(set(theirs) - set(ours)):
                conn.execute(f"DROP TABLE {_SPARE}.{table}")
            for table in sorted(whole & set(ours)):
                conn.execute(f"CREATE OR REPLACE TABLE {_SPARE}.{table} AS SELECT * FROM {table}")
            for table, columns in groups:
                if table in whole or table not in ours:
                    continue
                expr = _key_expr(columns.split(","))
                conn.execute(f"""CREATE OR REPLACE TEMP TABLE _gov_patch_keys AS SELECT DISTINCT key_value AS v
                                 FROM {JOURNAL} WHERE seq > $s AND table_name = $t AND key_columns = $k""",
                             {"s": since, "t": table, "k": columns})
                # one statement per condition: an OR of the two would read every row of the table, while a plain
                # IN finds a few reports' rows by the zone maps (0.003 s instead of 0.6 s in 11 million rows)
                nulls = conn.execute("SELECT count(*) FROM _gov_patch_keys WHERE v IS NULL").fetchone()[0]
                for match in [f"{expr} IN (SELECT v FROM _gov_patch_keys)", *([f"{expr} IS NULL"] if nulls else [])]:
                    conn.execute(f"DELETE FROM {_SPARE}.{table} WHERE {match}")
                    conn.execute(f"INSERT INTO {_SPARE}.{table} SELECT * FROM {table} WHERE {match}")
            conn.execute(f"DELETE FROM {_SPARE}.{JOURNAL} WHERE seq >= 1 AND seq NOT IN (SELECT seq FROM {JOURNAL})")
            conn.execute(f"INSERT INTO {_SPARE}.{JOURNAL} SELECT * FROM {JOURNAL} WHERE seq > $s", {"s": since})
        conn.execute("DROP TABLE IF EXISTS _gov_patch_keys")
        differ = [t for t in sorted(ours) if conn.execute(
            f"SELECT (SELECT count(*) FROM {t}) <> (SELECT count(*) FROM {_SPARE}.{t})").fetchone()[0]]
        if differ:  # a write the journal did not see: the spare is no longer to be trusted
            raise _CannotPatch(f"once patched, the row counts of {', '.join(differ[:5])} differ from the warehouse's")
        conn.execute(f"CHECKPOINT {_SPARE}")
    finally:
        conn.execute(f"DETACH {_SPARE}")
    return int(todo)


_SPARE = "_gov_spare"  # the spare copy, attached while it is patched


def _definitions(conn: duckdb.DuckDBPyConnection, database: str) -> dict[str, str]:
    """schema.table -> its columns and their types, in order, of one attached database."""
    return dict(conn.execute(
        "SELECT schema_name || '.' || table_name, string_agg(column_name || ' ' || data_type, ', ' ORDER BY column_index) "
        "FROM duckdb_columns() WHERE database_name = $d GROUP BY ALL", {"d": database}).fetchall())


def _other_objects(conn: duckdb.DuckDBPyConnection, database: str) -> int:
    """Views, sequences and macros of one database (a copy patched table by table would not carry them)."""
    return int(conn.execute(
        "SELECT (SELECT count(*) FROM duckdb_views() WHERE database_name = $d AND NOT internal) + "
        "(SELECT count(*) FROM duckdb_sequences() WHERE database_name = $d) + "
        "(SELECT count(*) FROM duckdb_functions() WHERE database_name = $d AND NOT internal)", {"d": database}).fetchone()[0])


def _write_attach_script(target: Path) -> None:
    script = target.with_name(ATTACH_SCRIPT)
    text = f"-- Open (again) the newest published warehouse in a DuckDB CLI session: .read {script}\n" + attach_sql(target)
    if not script.exists() or script.read_text(encoding="utf-8") != text:
        script.write_text(text, encoding="utf-8")


REGISTER_SQL = ("SELECT report_id, source_path, byte_size, epoch_us(file_mtime), content_sha256 IS NOT NULL "
                "FROM raw.reports")


def read_register(conn: duckdb.DuckDBPyConnection) -> dict[str, Registered]:
    """report_id -> the file as raw.reports holds it (what a sync compares the inbox with)."""
    ensure_tables(conn)
    return _register(conn)


def register_of(conn: duckdb.DuckDBPyConnection, names: Iterable[str]) -> dict[str, Registered]:
    """read_register for the reports of files a run names (inbox.named_files): those whose id is a name or a
    name's key, or whose path is a name."""
    ensure_tables(conn)
    names = [clean_name(n) for n in names]
    frame = _ids_frame([*names, *map(partition_key_for, names)], "n")
    with registered(conn, "_gov_names", frame):
        return _register(conn, " WHERE report_id IN (SELECT n FROM _gov_names) OR source_path IN (SELECT n FROM _gov_names)")


def _register(conn: duckdb.DuckDBPyConnection, where: str = "") -> dict[str, Registered]:
    return {rid: Registered(path, size, mtime, readable)
            for rid, path, size, mtime, readable in conn.execute(REGISTER_SQL + where).fetchall()}


def published_register(copy: str) -> dict[str, Registered]:
    """read_register of the published read-only copy ({} when there is none yet): the inbox sensor's view of what
    the warehouse holds, read without touching the pipeline's own file."""
    if not copy or not Path(copy).exists():
        return {}
    conn = duckdb.connect(copy, read_only=True)
    try:
        return _register(conn)
    except (duckdb.CatalogException, duckdb.BinderException):  # a copy from before raw.reports (or file_mtime)
        return {}
    finally:
        conn.close()


def _ids_frame(report_ids: Iterable[str], column: str = "report_id") -> pd.DataFrame:
    return pd.DataFrame({column: pd.Series(sorted(set(report_ids)), dtype=object)})


@contextmanager
def transaction(conn: duckdb.DuckDBPyConnection):
    """BEGIN; COMMIT when the block ends, ROLLBACK (and re-raise) when it fails."""
    conn.execute("BEGIN TRANSACTION")
    try:
        yield
        conn.execute("COMMIT")
    except BaseException:
        try:
            conn.execute("ROLLBACK")
        except duckdb.Error:  # a failed COMMIT has ended the transaction already: its error is the one to see
            pass
        raise


# DuckDB's memory limit while a step only appends (the raw step): its rows go to the file as they come (DuckDB's
# optimistic writes), so the buffer pool it would fill is memory nobody needs (raw step at 100,000 files, peak RSS:
# 1,669 MB with the 1 GB limit, 1,190 MB with this one)
APPEND_MEMORY = "256MB"
# DuckDB's memory limit while the SQL models build: in batches of BATCH_REPORTS reports their joins and sorts fit in
# less than the 1 GB other steps have, and the buffer pool beyond it only held the models' new rows (the first build
# of every model at 100,000 reports, peak RSS / seconds: 1,471 MB / 165 s with 1 GB, 1,291 MB / 158 s with this one)
MODELS_MEMORY = "768MB"
# The write-ahead log's size at which DuckDB checkpoints on its own, while the merge writes part after part (it
# checkpoints once as it ends): with DuckDB's 16 MB, a part's transaction checkpoints most of the time
MERGE_CHECKPOINT_THRESHOLD = "1GB"


@contextmanager
def setting(conn: duckdb.DuckDBPyConnection, name: str, value: str):
    """A DuckDB setting (`memory_limit`, `checkpoint_threshold`) set to `value` inside the block, and back to what it
    was after (as DuckDB renders it: a size to 0.1 MiB)."""
    before = conn.execute("SELECT current_setting($n)", {"n": name}).fetchone()[0]
    conn.execute(f"SET {name} = {sql_string(value)}")
    try:
        yield
    finally:
        conn.execute(f"SET {name} = {sql_string(str(before))}")


@contextmanager
def registered(conn: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame):
    """`df` visible to SQL as `name` inside the block."""
    conn.register(name, df)
    try:
        yield
    finally:
        conn.unregister(name)


def _insert(conn: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> None:
    if len(df):
        with registered(conn, "_gov_rows", df):
            conn.execute(f"INSERT INTO {name} BY NAME SELECT * FROM _gov_rows")


@contextmanager
def replacing_reports(conn: duckdb.DuckDBPyConnection, names: Iterable[str], report_ids: Iterable[str]):
    """One transaction: delete the reports' rows from every table in `names`, then yield
    `insert(name, df)` to add new rows (in as many chunks as the caller likes); commit at the end,
    roll back on any error so the old rows stay."""
    names, ids = list(names), _ids_frame(report_ids)
    ensure_tables(conn)
    with registered(conn, "_gov_replace_ids", ids), transaction(conn):
        for name in names if len(ids) else ():  # (a delete scans the table even when no row matches)
            conn.execute(f"DELETE FROM {name} WHERE report_id IN (SELECT report_id FROM _gov_replace_ids)")
            _journal_reports(conn, [name], "_gov_replace_ids")

        def insert(name: str, df: pd.DataFrame) -> None:
            _insert(conn, name, df)
            if len(df):  # (the reports deleted above are journaled already: the others)
                with registered(conn, "_gov_inserted_ids", df[["report_id"]]):
                    _journal_reports(conn, [name], "(SELECT report_id FROM _gov_inserted_ids WHERE report_id NOT IN "
                                                   "(SELECT report_id FROM _gov_replace_ids))")
        yield insert


def replace_reports(conn: duckdb.DuckDBPyConnection, frames: Mapping[str, pd.DataFrame],
                    report_ids: Iterable[str]) -> None:
    """Replace the rows of `report_ids` in every table of `frames`, atomically."""
    with replacing_reports(conn, frames, report_ids) as insert:
        for name, df in frames.items():
            insert(name, df)


def replace_table(conn: duckdb.DuckDBPyConnection, name: str, df: pd.DataFrame) -> bool:
    """Replace the whole content of an unpartitioned table, atomically; nothing is written when the table holds
    exactly these rows already (so that a warehouse nobody changed stays byte for byte as it was: publish_copy).
    Returns whether it wrote."""
    ensure_tables(conn)
    cols = ", ".join(f'"{c}"' for c in TABLES[name].schema.columns)
    with transaction(conn):
        with registered(conn, "_gov_rows", df):
            same = conn.execute(
                f"SELECT (SELECT count(*) FROM {name}) = $n AND NOT EXISTS "
                f"(SELECT {cols} FROM _gov_rows EXCEPT ALL SELECT {cols} FROM {name})", {"n": len(df)}).fetchone()[0]
        if same:
            return False
        conn.execute(f"DELETE FROM {name}")
        _insert(conn, name, df)
        journal(conn, name)
    return True


def read_reports(conn: duckdb.DuckDBPyConnection, name: str, report_ids: Iterable[str],
                 columns: Iterable[str] | None = None, where: str = "TRUE") -> pd.DataFrame:
    """Rows of a per-report table for the given reports (joined, not IN-listed)."""
    ensure_tables(conn)
    cols = ", ".join(f"t.{c}" for c in columns) if columns else "t.*"
    with registered(conn, "_gov_ids", _ids_frame(report_ids)):
        return conn.execute(
            f"SELECT {cols} FROM {name} t JOIN _gov_ids USING (report_id) WHERE {where} ORDER BY t.report_id"
        ).df()


def prune_reports(conn: duckdb.DuckDBPyConnection, active_ids: Iterable[str]) -> dict[str, int]:
    """Delete every per-report row whose report is no longer in the inbox, atomically.

    A report has rows only if raw.reports holds it or derivation wrote it (its staging.clean_reports or
    core.quarantine row, and core.dim_report, always come with the rest: DERIVE_PLAN.held), so only those
    small tables are searched for reports that left; the large fact tables are touched only when some did."""
    tables = [t for t in TABLES.values() if t.partitioned]
    ensure_tables(conn)
    with registered(conn, "_gov_active", _ids_frame(active_ids)):
        gone = [r[0] for r in conn.execute(
            f"SELECT report_id FROM (SELECT report_id FROM raw.reports UNION {DERIVE_PLAN.held}) "
            "WHERE report_id NOT IN (SELECT report_id FROM _gov_active)").fetchall()]
    deleted = {t.name: 0 for t in tables}
    if gone:
        with registered(conn, "_gov_gone", _ids_frame(gone)), transaction(conn):
            for t in tables:
                deleted[t.name] = int(conn.execute(
                    f"DELETE FROM {t.name} WHERE report_id IN (SELECT report_id FROM _gov_gone)").fetchone()[0])
            _journal_reports(conn, [t.name for t in tables], "_gov_gone")
    return deleted


def table_diff(conn: duckdb.DuckDBPyConnection, name: str, sql: str) -> tuple[pd.DataFrame, pd.DataFrame]:
    """How keyed table `name` (its schema's `unique` columns) differs from what `sql` selects: the rows `sql`
    selects that the table does not hold as they are (new or changed), and the keys of the table's rows that
    `sql` no longer selects. Only the difference leaves DuckDB (for sync_table)."""
    ensure_tables(conn)
    key = ", ".join(f'"{k}"' for k in TABLES[name].schema.unique)
    cols = ", ".join(f'"{c}"' for c in TABLES[name].schema.columns)
    conn.execute(f"CREATE OR REPLACE TEMP TABLE _gov_want AS SELECT {cols} FROM ({sql})")
    try:
        changed = conn.execute(f"SELECT * FROM _gov_want EXCEPT SELECT {cols} FROM {name}").df()
        gone = conn.execute(f"SELECT {key} FROM {name} EXCEPT SELECT {key} FROM _gov_want").df()
    finally:
        conn.execute("DROP TABLE IF EXISTS _gov_want")
    return changed, gone


def sync_table(conn: duckdb.DuckDBPyConnection, name: str, changed: pd.DataFrame, gone: pd.DataFrame,
               rows: pd.DataFrame) -> int:
    """Apply a table_diff in one transaction: delete the rows whose key is in `changed` or `gone`, insert
    `rows` (the valid ones among `changed`); returns the rows inserted."""
    ensure_tables(conn)
    key = list(TABLES[name].schema.unique)
    keys = pd.concat([changed[key], gone[key]], ignore_index=True).drop_duplicates()
    if not len(keys):
        return 0
    on = " AND ".join(f't."{k}" = k."{k}"' for k in key)
    with registered(conn, "_gov_keys", keys), transaction(conn):
        conn.execute(f"DELETE FROM {name} t USING _gov_keys k WHERE {on}")
        _insert(conn, name, rows)
        journal(conn, name, key, f"SELECT {_key_expr(key)} FROM _gov_keys")
    return len(rows)


def settle_duplicates(conn: duckdb.DuckDBPyConnection, shas: Iterable[str | None], run: Mapping[str, bool],
                      active: Callable[[list[str]], set[str]]) -> dict[str, str | None]:
    """Make raw.reports.duplicate_of right for every row holding one of these hashes (ingest.first_copies), inside
    the caller's transaction. `run`: the reports this run wrote -> whether each was the first copy of the same
    bytes before it. A row outside the run whose report is no longer `active` (its file left the inbox) is
    deleted here, so it can be no one's first copy; its derived rows leave with derivation
    and the inventory. Returns duplicate_of of the run's reports."""
    ensure_tables(conn)
    with registered(conn, "_gov_shas", _ids_frame({s for s in shas if s}, "content_sha256")):
        rows = conn.execute("SELECT report_id, content_sha256, duplicate_of FROM raw.reports "
                            "WHERE content_sha256 IN (SELECT content_sha256 FROM _gov_shas)").fetchall()
    outside = [rid for rid, _, _ in rows if rid not in run]
    alive = active(outside) if outside else set()
    gone = [rid for rid in outside if rid not in alive]
    if gone:
        with registered(conn, "_gov_gone", _ids_frame(gone)):
            conn.execute("DELETE FROM raw.reports WHERE report_id IN (SELECT report_id FROM _gov_gone)")
            _journal_reports(conn, ["raw.reports"], "_gov_gone")
    kept = [(rid, sha, dup) for rid, sha, dup in rows if rid in run or rid in alive]
    chosen = first_copies((rid, sha, run[rid] if rid in run else dup is None) for rid, sha, dup in kept)
    changes = pd.DataFrame([(rid, chosen[rid]) for rid, _, dup in kept if chosen[rid] != dup],
                           columns=["report_id", "duplicate_of"], dtype=object)
    if len(changes):
        with registered(conn, "_gov_dups", changes):
            conn.execute("UPDATE raw.reports SET duplicate_of = d.duplicate_of FROM _gov_dups d "
                         "WHERE raw.reports.report_id = d.report_id")
            _journal_reports(conn, ["raw.reports"], "_gov_dups")
    return {rid: chosen.get(rid) for rid in run}


# --------------------------------------------------------------------------- SQL models
# What a report's rows in the marts derive from: its inventory row and the bytes and text version its core
# rows came from (core rows are a pure function of those two). A report whose fingerprint differs from the one
# an incremental model recorded in meta.model_state (or that appeared or left) has changed for that model.
_NONE = "\u2205"  # stands for NULL inside the fingerprint
SNAPSHOT_SQL = f"""
SELECT i.report_id,
       md5(concat_ws('|', i.source_path, coalesce(i.content_sha256, '{_NONE}'), i.status,
                     coalesce(i.duplicate_of, '{_NONE}'), coalesce(i.reason, '{_NONE}'),
                     coalesce(d.content_sha256, '{_NONE}'), coalesce(d.text_version, '{_NONE}'),
                     coalesce(q.content_sha256, '{_NONE}'),
                     coalesce(q.text_version, '{_NONE}'))) AS fingerprint,
       i.report_id AS key_report_id, d.agency_key AS key_agency_key, d.report_year AS key_report_year
FROM core.report_inventory i
LEFT JOIN core.dim_report d USING (report_id)
LEFT JOIN core.quarantine q USING (report_id)
"""
_SNAPSHOT = "_gov_report_snapshot"
_CHANGED = "_gov_changed_reports"  # the reports whose fingerprint changed for the model being built
MAX_CHANGED_SHARE = 0.25  # more reports changed than this share of all: rebuild in full (as cheap, and simpler)
MAX_KEYS = 1000  # more key values touched than this: rebuild in full (the values are bound as parameters)
# An incremental model rebuilt in full over more reports than this is built in batches of key values of about this
# many reports each, every batch with its scoped SQL: the joins of a big model over every report at once spill past
# DuckDB's memory limit (marts.agency_findings at 100,000 reports: 153 s in one statement). Each batch's joins and
# sorts come on top of the memory limit: the first build of every model at 100,000 reports, in batches of 10,000 /
# 5,000 / 2,500 reports, peaked at 1,690 / 1,471 / 1,372 MB RSS in 170 / 165 / 214 s (past 5,000, each further
# batch of an agency-keyed model costs ~1.3 s)
BATCH_REPORTS = 5_000


@dataclass(frozen=True)
class ModelBuild:
    rows: int  # rows in the table after the build
    mode: str  # full | incremental | unchanged
    reason: str  # why this mode
    reports_changed: int | None = None  # reports whose fingerprint changed since the last build (incremental models)
    keys: tuple = ()  # the key values whose rows were rebuilt (incremental builds; None stands for NULL)
    seconds: float = 0.0  # how long the build took

    @property
    def keys_rebuilt(self) -> int | None:
        """How many key values' rows were rebuilt (None: a full build)."""
        return None if self.mode == "full" else len(self.keys)


def build_models(conn: duckdb.DuckDBPyConnection, models: Iterable) -> list[tuple[object, ModelBuild]]:
    """Build SQL models (sql_models.SqlModel, in dependency order) in ONE transaction: readers see every
    model before the refresh or every model after it, and a failure leaves all of them as they were.

    A model without an incremental key is rebuilt with CREATE OR REPLACE. An incremental model (`-- incremental:
    <key>`) rebuilds only the rows of the key values touched by the reports that changed since
    meta.model_state last recorded them (their old and new values both), computing them with its scoped SQL
    from only the reports that hold those values; nothing when no report changed; in full when the model is
    new, its build version changed, its table is missing, or more than MAX_CHANGED_SHARE of the reports (or
    MAX_KEYS key values) changed. Then it records the reports' fingerprints."""
    models = list(models)
    ensure_tables(conn)
    for schema in sorted({m.qualified.split(".")[0] for m in models}):
        conn.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
    with transaction(conn):
        conn.execute(f"CREATE OR REPLACE TEMP TABLE {_SNAPSHOT} AS {SNAPSHOT_SQL}")
        state = _State(
            tables={f"{s}.{n}" for s, n in conn.execute(
                "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()"
            ).fetchall()},
            versions={m: set(v) for m, v in conn.execute(
                "SELECT model, list(DISTINCT build_version) FROM meta.model_state GROUP BY model").fetchall()},
            reports=int(conn.execute(f"SELECT count(*) FROM {_SNAPSHOT}").fetchone()[0]))
        built, ref_hashes = [], table_digests(conn, {r for m in models for r in m.ref_deps})
        for model in models:
            started = time.perf_counter()
            build = _build(conn, _with_data_version(model, ref_hashes), state)
            built.append((model, dataclasses.replace(build, seconds=time.perf_counter() - started)))
        for temp in (_SNAPSHOT, _CHANGED, SCOPE_TABLE):
            conn.execute(f"DROP TABLE IF EXISTS {temp}")
    return built


# a digest of reports' fingerprints (rows of report_id, fingerprint): how many, and the XOR and the sum of their
# 64-bit hashes (an aggregate that needs no sort: 0.06 s over meta.model_state's 1.5 million rows at 100,000
# reports, where a digest of the rows in report order took 0.5 s)
_FINGERPRINTS_DIGEST = ("md5(count(*) || '|' || coalesce(bit_xor(hash(report_id, fingerprint)), 0) || '|' || "
                        "coalesce(sum(CAST(hash(report_id, fingerprint) AS HUGEINT)), 0))")


def model_stamps(conn: duckdb.DuckDBPyConnection, models: Iterable[str] | None = None) -> dict[str, str]:
    """Qualified model (all, or those of `models`) -> a digest of what its table was last built from, as
    meta.model_state recorded it: its build version (its SQL, its upstream models' and the reference data they read)
    and the fingerprint of every report it was built over. Two equal stamps: the same table (read without reading
    the table)."""
    ensure_tables(conn)
    which, params = "", {}
    if models is not None:
        which, params = "WHERE model IN (SELECT unnest($models))", {"models": sorted(models)}
    return dict(conn.execute(
        f"SELECT model, md5(string_agg(DISTINCT build_version, ',' ORDER BY build_version) || '|' || "
        f"{_FINGERPRINTS_DIGEST}) FROM meta.model_state {which} GROUP BY model", params).fetchall())


def snapshot_digest(conn: duckdb.DuckDBPyConnection) -> str:
    """A digest of every report's fingerprint (SNAPSHOT_SQL: its inventory row and what its core rows were derived
    from): equal digests, the same reports in the same state."""
    ensure_tables(conn)
    return str(conn.execute(f"SELECT {_FINGERPRINTS_DIGEST} FROM ({SNAPSHOT_SQL})").fetchone()[0])


def table_digests(conn: duckdb.DuckDBPyConnection, tables: set[str]) -> dict[str, str]:
    """A digest of each table's content (for small tables: it reads every row; the reference tables from assets/)."""
    return {t: str(conn.execute(f"SELECT md5(coalesce(string_agg(CAST(r AS VARCHAR), '\n' ORDER BY CAST(r AS VARCHAR)), '')) "
                                f"FROM {t} r").fetchone()[0]) for t in sorted(tables)}


def _with_data_version(model, ref_hashes: dict[str, str]):
    """The model with the content of the reference tables it reads folded into its build version."""
    if not model.ref_deps:
        return model
    digest = hashlib.sha256(model.build_version.encode())
    for table in model.ref_deps:
        digest.update(f"\0{table}\0{ref_hashes[table]}".encode())
    return dataclasses.replace(model, build_version=digest.hexdigest()[:16])


@dataclass(frozen=True)
class _State:
    tables: set[str]  # tables in the warehouse
    versions: dict[str, set[str]]  # model -> build versions recorded in meta.model_state
    reports: int  # reports in the snapshot


def _build(conn, model, state: _State) -> ModelBuild:
    """Build one model. A model without an incremental key is rebuilt in full when any report changed since its
    last build (or its version did), else left as it is."""
    qualified, key = model.qualified, model.incremental_key
    versions = state.versions.get(qualified, set())
    reason = ("its table is missing" if qualified not in state.tables else "no build recorded" if not versions
              else "its SQL, an upstream model's or the reference data it reads changed" if versions != {model.build_version} else None)
    changed: list[tuple] = []
    if reason is None:
        conn.execute(f"""
            CREATE OR REPLACE TEMP TABLE {_CHANGED} AS
            SELECT coalesce(n.report_id, s.report_id) AS report_id, s.key_value AS old_key,
                   {f"CAST(n.key_{key} AS VARCHAR)" if key else "NULL"} AS new_key,
                   s.report_id IS NOT NULL AS was_there, n.report_id IS NOT NULL AS is_there
            FROM (SELECT * FROM meta.model_state WHERE model = $m) s
            FULL OUTER JOIN {_SNAPSHOT} n ON n.report_id = s.report_id
            WHERE s.fingerprint IS DISTINCT FROM n.fingerprint""", {"m": qualified})
        changed = conn.execute(f"SELECT report_id, old_key, new_key, was_there, is_there FROM {_CHANGED}").fetchall()
        if not changed:
            return ModelBuild(_count(conn, qualified), "unchanged", "no report changed", 0)
        # the key values a changed report held before (if it was there) and holds now (if it is): a new report
        # touches only its own value, not NULL (which would bring every report without that key into the scope)
        keys = sorted({k for _, old, new, was, now in changed for k, present in ((old, was), (new, now)) if present},
                      key=lambda k: (k is None, k or ""))
        if key is None:
            reason = f"{len(changed)} report(s) changed (not incremental: rebuilt in full)"
        elif len(changed) > MAX_CHANGED_SHARE * max(state.reports, 1):
            reason = f"{len(changed)} of {state.reports} reports changed"
        elif len(keys) > MAX_KEYS:
            reason = f"{len(keys)} {key} values touched"
    if reason is not None:
        batches = _batches(conn, key, state.reports) if key and model.scoped_sql else []
        if len(batches) > 1:  # many reports: built in batches of key values, each over its own reports only
            conn.execute(f"CREATE OR REPLACE TABLE {qualified} AS SELECT * FROM (\n{model.sql}\n) LIMIT 0")
            for condition, params in batches:
                _set_scope(conn, condition, params)
                conn.execute(f"INSERT INTO {qualified} BY NAME SELECT * FROM (\n{model.scoped_sql}\n) WHERE "
                             f"{key} IN (SELECT {key} FROM {SCOPE_TABLE}) OR ({key} IS NULL AND EXISTS "
                             f"(SELECT 1 FROM {SCOPE_TABLE} WHERE {key} IS NULL))")
            reason += f" (in {len(batches)} batches of {key} values)"
        else:
            conn.execute(f"CREATE OR REPLACE TABLE {qualified} AS\n{model.sql}")
        journal(conn, qualified)
        # the reports that did not change are recorded as they were already, unless the version or table changed
        _record_state(conn, model, only_changed=bool(changed))
        return ModelBuild(_count(conn, qualified), "full", reason, len(changed) if changed else None)
    # the reports that now hold a touched key value are the scope of the model's scoped SQL; its rows for
    # those values replace the old ones (the values bound as parameters)
    in_table, params = _key_condition(key, key, keys)
    in_snapshot, _ = _key_condition(f"key_{key}", key, keys)
    _set_scope(conn, in_snapshot, params)
    conn.execute(f"DELETE FROM {qualified} WHERE {in_table}", params)
    conn.execute(f"INSERT INTO {qualified} BY NAME SELECT * FROM (\n{model.scoped_sql or model.sql}\n) WHERE {in_table}",
                 params)
    with registered(conn, "_gov_keys_rebuilt", pd.DataFrame({"v": pd.Series(keys, dtype=object)})):
        journal(conn, qualified, [key], "SELECT v FROM _gov_keys_rebuilt")
    _record_state(conn, model, only_changed=True)
    return ModelBuild(_count(conn, qualified), "incremental", f"{len(changed)} report(s) changed", len(changed),
                      tuple(keys))


def _set_scope(conn, condition: str, params: dict) -> None:
    """SCOPE_TABLE: the snapshot's reports that meet `condition`, with their value of every incremental key."""
    keys = ", ".join(f"key_{k} AS {k}" for k in INCREMENTAL_KEYS if k != "report_id")
    conn.execute(f"CREATE OR REPLACE TEMP TABLE {SCOPE_TABLE} AS SELECT report_id, {keys} FROM {_SNAPSHOT} "
                 f"WHERE {condition}", params)


def _batches(conn, key: str, reports: int) -> list[tuple[str, dict]]:
    """Conditions on the snapshot (with their parameters), each selecting the reports of a range of key values
    holding about BATCH_REPORTS reports (a key value is never split; NULL is a batch of its own); none when the
    snapshot holds no more than BATCH_REPORTS reports."""
    if reports <= BATCH_REPORTS:
        return []
    counts = conn.execute(f"SELECT key_{key}, count(*) FROM {_SNAPSHOT} GROUP BY ALL ORDER BY 1 NULLS LAST").fetchall()
    batches, first, size = [], None, 0
    for n, (value, count) in enumerate(counts):
        if value is None:
            batches.append((f"key_{key} IS NULL", {}))
            continue
        first = value if first is None else first
        size += count
        if size >= BATCH_REPORTS or n == len(counts) - 1 or counts[n + 1][0] is None:
            batches.append((f"key_{key} BETWEEN $lo AND $hi", {"lo": first, "hi": value}))
            first, size = None, 0
    return batches


def _record_state(conn, model, only_changed: bool) -> None:
    """Record in meta.model_state what the model's reports are now: all of them, or only the changed ones."""
    which = f"report_id IN (SELECT report_id FROM {_CHANGED})" if only_changed else "TRUE"
    conn.execute(f"DELETE FROM meta.model_state WHERE model = $m AND {which}", {"m": model.qualified})
    if only_changed:
        journal(conn, "meta.model_state", ["model", "report_id"],
                f"SELECT {_key_expr(['model', 'report_id'])} FROM (SELECT $m AS model, report_id FROM {_CHANGED})",
                {"m": model.qualified})
    else:
        journal(conn, "meta.model_state", ["model"], "SELECT CAST($m AS VARCHAR)", {"m": model.qualified})
    key = f"CAST(key_{model.incremental_key} AS VARCHAR)" if model.incremental_key else "NULL"
    conn.execute(f"""INSERT INTO meta.model_state (model, build_version, report_id, fingerprint, key_value)
                     SELECT $m, $v, report_id, fingerprint, {key}
                     FROM {_SNAPSHOT} WHERE {which}""", {"m": model.qualified, "v": model.build_version})


def _key_condition(column: str, key: str, values: list) -> tuple[str, dict]:
    """SQL condition `column` holds one of `values` (None: NULL), with the values as parameters."""
    params = {f"k{i}": v for i, v in enumerate(values) if v is not None}
    cond = " OR ".join(filter(None, [
        f"{column} IN ({', '.join(f'CAST(${p} AS {_KEY_TYPES[key]})' for p in params)})" if params else "",
        f"{column} IS NULL" if None in values else ""]))
    return f"({cond})", params


def _count(conn: duckdb.DuckDBPyConnection, qualified: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {qualified}").fetchone()[0])


_KEY_TYPES = {"report_id": "VARCHAR", "agency_key": TABLES["core.dim_report"].schema.columns["agency_key"].metadata["duckdb"],
              "report_year": TABLES["core.dim_report"].schema.columns["report_year"].metadata["duckdb"]}


@dataclass(frozen=True)
class Violation:
    rule: str  # e.g. "columns", "not null: value", "unique: report_id, metric_code"
    rows: int  # rows that break it (for "columns": the columns that differ)
    detail: str


def contract_violations(conn: duckdb.DuckDBPyConnection, model, keys: Iterable | None = None) -> list[Violation]:
    """How the table of a SQL model breaks the contract its header declares (sql_models.ModelColumn): columns
    missing, undeclared or of another type; NULLs in a `not null` column; values outside `in (...)` or the bounds;
    rows that repeat the `unique` key. One pass over the table.

    `keys`: values of the model's incremental key (None for NULL) whose rows an incremental build rebuilt; only
    those rows are checked, and the `unique` key only among the rows that share it with one of them. For a table
    whose other rows kept the contract before the build, this finds every violation (the other rows did not
    change)."""
    if not model.columns:
        return []
    have = {name: col_type for name, col_type, *_ in conn.execute(f"DESCRIBE {model.qualified}").fetchall()}
    declared = {c.name: c.type for c in model.columns}
    wrong = sorted(f"{c}: {have.get(c, 'missing')} (declared {t})" for c, t in declared.items() if have.get(c) != t)
    wrong += sorted(f"{c}: {t} (not declared)" for c, t in have.items() if c not in declared)
    found = [Violation("columns", len(wrong), "; ".join(wrong))] if wrong else []
    source, params = model.qualified, {}
    if keys is not None:
        key = model.incremental_key
        condition, params = _key_condition(f'"{key}"', key, list(keys))
        source = f"(SELECT * FROM {model.qualified} WHERE {condition})"
    checks: list[tuple[str, str]] = []  # (rule, SQL condition a breaking row meets)
    for c in model.columns:
        if c.name not in have:
            continue
        ident = f'"{c.name}"'
        if not c.nullable:
            checks.append((f"not null: {c.name}", f"{ident} IS NULL"))
        if c.allowed is not None:
            values = ", ".join(sql_string(v) for v in c.allowed)
            checks.append((f"in ({', '.join(c.allowed)}): {c.name}", f"{ident} NOT IN ({values})"))
        if c.min_value is not None:
            checks.append((f">= {c.min_value:g}: {c.name}", f"{ident} < {c.min_value!r}"))
        if c.max_value is not None:
            checks.append((f"<= {c.max_value:g}: {c.name}", f"{ident} > {c.max_value!r}"))
    unique = [c for c in model.unique if c in have]
    selects = [f"count(*) FILTER (WHERE {cond})" for _, cond in checks]
    if unique:
        key_cols = ", ".join(f'"{c}"' for c in unique)
        groups = model.qualified
        if keys is not None:  # the rows sharing their unique key with a rebuilt row
            same = " AND ".join(f't."{c}" IS NOT DISTINCT FROM s."{c}"' for c in unique)
            groups = f"(SELECT t.* FROM {model.qualified} t SEMI JOIN (SELECT DISTINCT {key_cols} FROM {source}) s ON {same})"
        selects.append(f"(SELECT coalesce(sum(n), 0) FROM (SELECT count(*) AS n FROM {groups} GROUP BY {key_cols} "
                       "HAVING count(*) > 1))")
        checks.append((f"unique: {', '.join(unique)}", ""))
    if not selects:
        return found
    counts = conn.execute(f"SELECT {', '.join(selects)} FROM {source}", params).fetchone()
    for (rule, cond), n in zip(checks, counts):
        if n:
            sample = conn.execute(f"SELECT * FROM {source} WHERE {cond} LIMIT 3", params).fetchall() if cond else []
            found.append(Violation(rule, int(n), f"{int(n)} row(s); e.g. {sample}" if sample else f"{int(n)} row(s)"))
    return found


# --------------------------------------------------------------------------- incremental derivation
# staging and core are derived from raw.reports report by report. A report is derived again when
# its bytes change (content_sha256) or when the text version changes; rows of a report that no
# longer belongs in the table (file removed, now a duplicate, now undecodable) are deleted.
@dataclass(frozen=True)
class Increment:
    todo: list[str]  # reports to derive (again)
    stale: list[str]  # reports whose rows must go and not come back
    unchanged: int  # reports already derived from the same bytes by the same version
    new: frozenset[str] = frozenset()  # reports of `todo` that have no rows yet (nothing to delete first)


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
            WHERE r.decode_error IS NOT NULL OR EXISTS (
                SELECT 1 FROM staging.clean_reports s WHERE s.report_id = d.report_id
                AND s.content_sha256 = d.content_sha256 AND s.text_version = d.text_version)""",
)


def plan_increment(conn: duckdb.DuckDBPyConnection, plan: IncrementPlan, version: str) -> Increment:
    ensure_tables(conn)
    params = {"version": version}
    rows = conn.execute(f"""
        SELECT t.report_id, t.report_id IN (SELECT report_id FROM ({plan.held})) FROM ({plan.ready}) t
        WHERE NOT EXISTS (SELECT 1 FROM ({plan.done}) d WHERE d.report_id = t.report_id
                          AND d.content_sha256 IS NOT DISTINCT FROM t.content_sha256 AND d.text_version = $version)
        ORDER BY 1""", params).fetchall()
    todo = [rid for rid, _ in rows]
    stale = [r[0] for r in conn.execute(
        f"SELECT DISTINCT report_id FROM ({plan.held}) WHERE report_id NOT IN (SELECT report_id FROM ({plan.ready})) ORDER BY 1").fetchall()]
    ready = conn.execute(f"SELECT count(*) FROM ({plan.ready})").fetchone()[0]
    return Increment(todo, stale, int(ready) - len(todo), frozenset(rid for rid, held in rows if not held))


# --------------------------------------------------------------------------- derivation in chunks (gov_pipeline/chunks.py)

def export_reports(conn: duckdb.DuckDBPyConnection, report_ids: Iterable[str], columns: Iterable[str],
                   path: Path) -> None:
    """Write these reports' raw.reports columns to a Parquet file (a chunk for the text workers)."""
    cols = ", ".join(f'"{c}"' for c in columns)
    with registered(conn, "_gov_chunk_ids", _ids_frame(report_ids)):
        conn.execute(f"COPY (SELECT {cols} FROM raw.reports JOIN _gov_chunk_ids USING (report_id) ORDER BY report_id) "
                     f"TO {sql_string(path)} (FORMAT parquet)")


def current_reports(conn: duckdb.DuckDBPyConnection, derived_from: Mapping[str, str | None], version: str,
                    todo: set[str]) -> list[str]:
    """Of reports a part derived (report_id -> the bytes' hash it derived), those whose derivation is still wanted:
    still to do in this run (`todo`, from plan_increment for `version`) and from the bytes raw.reports holds now."""
    wanted = [rid for rid in derived_from if rid in todo]
    if not wanted:
        return []
    now = dict(read_reports(conn, "raw.reports", wanted, ["report_id", "content_sha256"]).itertuples(index=False))
    return sorted(rid for rid in wanted if rid in now and now[rid] == derived_from[rid])


def merge_part(conn: duckdb.DuckDBPyConnection, names: Iterable[str], files: Mapping[str, Path | None],
               report_ids: list[str], held_sql: str) -> dict[str, int]:
    """Replace these reports' rows in every table of `names` by the rows of a part's Parquet files (`files`:
    table -> file, None when the part has no rows for it), in one transaction. Only reports that hold rows
    already (`held_sql`) are deleted first: a new report's rows are only inserted. Returns rows inserted."""
    names = list(names)
    ensure_tables(conn)
    with registered(conn, "_gov_part_ids", _ids_frame(report_ids)):
        held = [r[0] for r in conn.execute(
            f"SELECT report_id FROM _gov_part_ids WHERE report_id IN ({held_sql})").fetchall()]
        inserted = {}
        with replacing_reports(conn, names, held):
            for name in names:
                path = files.get(name)
                if path is None:
                    inserted[name] = 0
                    continue
                inserted[name] = _insert_parquet(conn, name, path)
            _journal_reports(conn, names, "_gov_part_ids")
    return inserted


def _insert_parquet(conn: duckdb.DuckDBPyConnection, name: str, path: Path) -> int:
    """Insert a Parquet file's rows of the reports in _gov_part_ids into table `name`."""
    return int(conn.execute(f"INSERT INTO {name} BY NAME SELECT * FROM read_parquet({sql_string(path)}) "
                            "WHERE report_id IN (SELECT report_id FROM _gov_part_ids)").fetchone()[0])
