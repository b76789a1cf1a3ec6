"""The marts as files, for people who open files rather than query SQL (no Dagster import).

Every table a SQL model builds (`marts.*`) is written to the exports folder (Settings.exports_dir,
`warehouse/exports/`) as `<name>.parquet` and `<name>.csv`, and all of them into one Excel workbook,
`marts.xlsx`: a first sheet `columns` documents every column (type, rules and description as the model's
header declares them), then one sheet per mart.

Each file is written under a temporary name in the same folder (`.<file>.tmp`) and renamed over the old
one (os.replace, atomic within a file system): a reader opens the old file or the new one, never half of
one. Parquet and CSV files of marts that no longer exist are removed, and so are the temporary files a
killed run left: the folder is the pipeline's.

A mart whose table is what it was when its files were written is not written again: the caller passes each
table's stamp (warehouse.model_stamps: its build version and the fingerprints of the reports it was built from),
and the folder's manifest (`.manifest.json`) keeps the stamps its files were written from. The workbook is
written again when any mart's files were (or a mart came or went). Nothing here locks or writes the warehouse; the caller
hands over its connection (defs/exports.py: the run's connection, in the `duckdb` pool).
"""
from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import duckdb

from gov_pipeline.reader import sql_string

WORKBOOK = "marts.xlsx"
COLUMNS_SHEET = "columns"
EXCEL_MAX_ROWS = 1_048_576  # rows in one Excel sheet, its header row included
# rows of one mart the workbook holds: it is for reading and for the small marts; a big one (every figure of every
# report) would cost seconds per 100,000 rows in every refresh, and its Parquet and CSV files hold all its rows
SHEET_ROWS = 20_000
SHEET_NAME_MAX = 31  # characters in an Excel sheet name
TMP_SUFFIX = ".tmp"
FETCH_ROWS = 10_000  # rows fetched at a time while a sheet is written
# UTF-8's byte order mark: Excel reads a CSV file without it in the machine's legacy code page (GBK on a
# Chinese Windows, cp1252 elsewhere) and shows the Chinese text garbled; with it, as UTF-8. Every other tool
# (DuckDB, pandas with encoding="utf-8-sig", LibreOffice) reads it either way.
UTF8_BOM = "\ufeff".encode("utf-8")
COLUMN_HEADERS = ("mart", "column", "type", "rules", "description", "note")
MANIFEST = ".manifest.json"  # stem -> the stamp, rows and file sizes its files were written with; the workbook's


@dataclass(frozen=True)
class MartExport:
    """One mart's files: its rows, and the rows its sheet holds (fewer when Excel's row limit cut it)."""
    name: str  # the file stem: the table's name (qualified when the model is not in schema marts)
    table: str  # the qualified table, e.g. marts.report_metrics_wide
    sheet: str
    rows: int
    sheet_rows: int
    file_bytes: dict[str, int] = field(default_factory=dict)  # file name -> bytes
    written: bool = True  # False: the table was as its files were, which were kept

    @property
    def truncated(self) -> bool:
        return self.sheet_rows < self.rows


@dataclass(frozen=True)
class ExportResult:
    folder: Path
    marts: list[MartExport]
    workbook_bytes: int
    removed: list[str]  # files of marts that no longer exist (and stale temporary files)
    missing: list[str]  # models whose table is not in the warehouse: not exported (files of theirs removed)
    workbook_written: bool = True

    @property
    def files_written(self) -> list[str]:
        return [name for m in self.marts if m.written for name in m.file_bytes] + (
            [WORKBOOK] if self.workbook_written else [])

    @property
    def unchanged(self) -> list[str]:
        """The marts whose files were kept (their tables were as when the files were written)."""
        return [m.name for m in self.marts if not m.written]

    @property
    def total_bytes(self) -> int:
        return sum(b for m in self.marts for b in m.file_bytes.values()) + self.workbook_bytes


def file_stem(model) -> str:
    """A model's export name: its table name (`report_metrics_wide`), its qualified name outside schema marts."""
    return model.name if model.schema == "marts" else model.qualified


def sheet_names(stems: Iterable[str]) -> dict[str, str]:
    """stem -> a sheet name Excel accepts: at most 31 characters, unique regardless of case, never `columns`."""
    taken, names = {COLUMNS_SHEET}, {}
    for stem in stems:
        name, n = stem[:SHEET_NAME_MAX], 1
        while name.lower() in taken:
            n += 1
            suffix = f"~{n}"
            name = stem[:SHEET_NAME_MAX - len(suffix)] + suffix
        taken.add(name.lower())
        names[stem] = name
    return names


def write_exports(conn: duckdb.DuckDBPyConnection, models: Iterable, folder: Path,
                  max_sheet_rows: int = SHEET_ROWS, stamps: Mapping[str, str] | None = None) -> ExportResult:
    """Write every model's table (sql_models.SqlModel) to `folder` as Parquet and CSV, and all of them into the
    workbook; remove the files of marts that are gone. `max_sheet_rows`: data rows a sheet may hold. `stamps`:
    qualified table -> its stamp (warehouse.model_stamps); a table whose stamp is the one its files were written
    with keeps its files (without stamps, everything is written)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    removed = _remove_temporaries(folder)
    tables = {f"{s}.{t}" for s, t in conn.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}
    models = list(models)
    present = sorted((m for m in models if m.qualified in tables), key=file_stem)  # the workbook's sheet order
    missing = [m.qualified for m in models if m.qualified not in tables]
    sheets = sheet_names(file_stem(m) for m in present)
    manifest, stamps = _read_manifest(folder), stamps or {}
    kept = {}
    exported: list[MartExport] = []
    for model in present:
        stem = file_stem(model)
        stamp = stamps.get(model.qualified)
        old = manifest.get("marts", {}).get(stem)
        if (stamp and old and old["stamp"] == stamp and old["table"] == model.qualified
                and all((folder / name).is_file() for name in old["file_bytes"])):
            exported.append(MartExport(stem, model.qualified, sheets[stem], old["rows"],
                                       min(old["rows"], max_sheet_rows), old["file_bytes"], written=False))
            kept[stem] = old
            continue
        sizes = {}
        rows = _copy(conn, model.qualified, folder / f"{stem}.parquet", "(FORMAT parquet)")
        sizes[f"{stem}.parquet"] = (folder / f"{stem}.parquet").stat().st_size
        _copy(conn, model.qualified, folder / f"{stem}.csv", "(FORMAT csv, HEADER)", prefix=UTF8_BOM)
        sizes[f"{stem}.csv"] = (folder / f"{stem}.csv").stat().st_size
        exported.append(MartExport(stem, model.qualified, sheets[stem], rows, min(rows, max_sheet_rows), sizes))
        if stamp:
            kept[stem] = {"stamp": stamp, "table": model.qualified, "rows": rows, "file_bytes": sizes}
    # the workbook holds every mart (and their sheet names and order): written again unless every mart is as it was
    # when the workbook was last written (the manifest is written after the workbook)
    if (len(kept) == len(exported) and manifest.get("marts") == kept
            and manifest.get("sheet_rows") == max_sheet_rows and (folder / WORKBOOK).is_file()):
        workbook_bytes, workbook_written = (folder / WORKBOOK).stat().st_size, False
    else:
        workbook_bytes, workbook_written = _write_workbook(conn, present, exported, folder / WORKBOOK), True
    _write_manifest(folder, {"marts": kept, "sheet_rows": max_sheet_rows})
    keep = {name for m in exported for name in m.file_bytes} | {WORKBOOK}
    for path in sorted(folder.iterdir()):
        if path.suffix in (".parquet", ".csv") and path.name not in keep and path.is_file():
            path.unlink()
            removed.append(path.name)
    return ExportResult(folder, exported, workbook_bytes, removed, missing, workbook_written)


def _read_manifest(folder: Path) -> dict:
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):  # none yet, or unreadable: every file is written again
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _write_manifest(folder: Path, manifest: dict) -> None:
    target = folder / MANIFEST
    tmp = _tmp(target)
    try:
        tmp.write_text(json.dumps(manifest, ensure_ascii=False, sort_keys=True), encoding="utf-8")
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _remove_temporaries(folder: Path) -> list[str]:
    """Temporary files of a write that did not finish (a killed run)."""
    gone = []
    for path in sorted(folder.glob(f".*{TMP_SUFFIX}")):
        if path.is_file():
            path.unlink()
            gone.append(path.name)
    return gone


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def _copy(conn: duckdb.DuckDBPyConnection, table: str, target: Path, options: str, prefix: bytes = b"") -> int:
    """COPY the table to `target` atomically (a temporary file renamed over it); the rows written."""
    tmp = _tmp(target)
    body = tmp.with_name(tmp.name + ".body" + TMP_SUFFIX) if prefix else tmp
    try:
        try:
            rows = int(conn.execute(f"COPY (SELECT * FROM {table}) TO {sql_string(body)} {options}").fetchone()[0])
        except duckdb.IOException as err:  # the export folder's fault (full, not writable), not the warehouse's
            raise OSError(f"could not write {target}: {err}") from err
        if prefix:  # DuckDB writes no byte order mark: put it in front
            with open(tmp, "wb") as out, open(body, "rb") as src:
                out.write(prefix)
                shutil.copyfileobj(src, out, 1 << 20)
            body.unlink()
        os.replace(tmp, target)
    except BaseException:
        for leftover in (tmp, body):
            leftover.unlink(missing_ok=True)
        raise
    return rows


def _write_workbook(conn: duckdb.DuckDBPyConnection, models: list, exported: list[MartExport], target: Path) -> int:
    """The workbook: the `columns` sheet, then one sheet per mart (cut at the sheet's row limit). Its bytes."""
    import xlsxwriter

    tmp = _tmp(target)
    try:
        workbook = xlsxwriter.Workbook(str(tmp), {
            "constant_memory": True,  # rows go to disk as they are written: memory stays flat whatever the size
            "strings_to_formulas": False, "strings_to_urls": False, "strings_to_numbers": False,  # text stays text
            "nan_inf_to_errors": True, "remove_timezone": True,
        })
        bold = workbook.add_format({"bold": True})
        wrap = workbook.add_format({"text_wrap": True, "valign": "top"})
        formats = {"date": workbook.add_format({"num_format": "yyyy-mm-dd"}),
                   "datetime": workbook.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"}),
                   "time": workbook.add_format({"num_format": "hh:mm:ss"})}
        columns = {}
        for mart in exported:
            cursor = conn.execute(f"SELECT * FROM {mart.table} LIMIT 0")
            columns[mart.table] = [(name, str(type_)) for name, type_, *_ in cursor.description]
        _write_columns_sheet(workbook.add_worksheet(COLUMNS_SHEET), models, exported, columns, bold, wrap)
        for mart in exported:
            sheet = workbook.add_worksheet(mart.sheet)
            names = [name for name, _ in columns[mart.table]]
            sheet.write_row(0, 0, names, bold)
            sheet.freeze_panes(1, 0)
            for col, name in enumerate(names):
                sheet.set_column(col, col, min(max(len(name) + 2, 10), 40))
            cursor = conn.execute(f"SELECT * FROM {mart.table} LIMIT {int(mart.sheet_rows)}")
            row_no = 1
            while batch := cursor.fetchmany(FETCH_ROWS):
                for values in batch:
                    _write_row(sheet, row_no, values, formats)
                    row_no += 1
        workbook.close()
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target.stat().st_size


def _write_columns_sheet(sheet, models: list, exported: list[MartExport], columns: dict, bold, wrap) -> None:
    """mart, column, type, rules, description for every column of every mart; on each mart's first line, the
    note saying which sheet holds its rows and whether Excel's row limit cut them."""
    sheet.write_row(0, 0, COLUMN_HEADERS, bold)
    sheet.freeze_panes(1, 0)
    for col, width in enumerate((24, 24, 10, 24, 70, 50)):
        sheet.set_column(col, col, width, wrap if col in (4, 5) else None)
    row_no = 1
    for model, mart in zip(models, exported):
        declared = {c.name: c for c in model.columns}
        note = f"sheet {mart.sheet}: {mart.rows:,} rows"
        if mart.truncated:
            note = (f"sheet {mart.sheet} holds the first {mart.sheet_rows:,} of {mart.rows:,} rows (the workbook's "
                    f"limit); {mart.name}.parquet and {mart.name}.csv hold them all")
        for i, (name, type_) in enumerate(columns[mart.table]):
            doc = declared.get(name)
            sheet.write_row(row_no, 0, [mart.name, name, doc.type if doc else type_, doc.rules if doc else "",
                                        doc.description if doc else "(not declared in the model's header)",
                                        note if i == 0 else ""])
            row_no += 1


def _write_row(sheet, row_no: int, values, formats: dict) -> None:
    for col, value in enumerate(values):
        if value is None:
            continue  # NULL: an empty cell
        kind = type(value)
        if kind is str:
            sheet.write_string(row_no, col, value)  # (cut at Excel's 32,767 characters a cell)
        elif kind is bool:
            sheet.write_boolean(row_no, col, value)
        elif kind is int or kind is float:
            sheet.write_number(row_no, col, value)
        elif isinstance(value, dt.datetime):
            sheet.write_datetime(row_no, col, value, formats["datetime"])
        elif isinstance(value, dt.date):
            sheet.write_datetime(row_no, col, value, formats["date"])
        elif isinstance(value, (dt.time, dt.timedelta)):
            sheet.write_datetime(row_no, col, value, formats["time"])
        elif isinstance(value, Decimal):
            sheet.write_number(row_no, col, float(value))
        else:  # lists, structs, UUIDs, blobs: as text
            sheet.write_string(row_no, col, str(value))
