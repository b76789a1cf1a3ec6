"""The `exports` asset: every mart as Parquet, CSV (UTF-8 with a BOM) and a sheet of one workbook, beside the
warehouse, re-written when the marts change; files of marts that are gone removed."""
import datetime as dt
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import dagster as dg
import duckdb

from gov_pipeline.defs.exports import EXPORTS_KEY
from gov_pipeline.defs.marts import MART_KEYS, mart_models
from gov_pipeline.demo import QUIET
from gov_pipeline.exports import COLUMN_HEADERS, COLUMNS_SHEET, MANIFEST, UTF8_BOM, WORKBOOK, write_exports
from gov_pipeline.settings import Settings
from gov_pipeline.sql_models import ModelColumn, SqlModel
from tests.conftest import SEEDS

NS = {"m": "http://schemas.openxmlformats.org/spreadsheetml/2006/main"}
REL = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def workbook(path: Path) -> dict[str, list[list[str]]]:
    """sheet name -> its rows (cell texts), in the workbook's sheet order, read from the .xlsx XML itself."""
    with zipfile.ZipFile(path) as z:
        book = ET.fromstring(z.read("xl/workbook.xml"))
        rels = {r.get("Id"): r.get("Target") for r in ET.fromstring(z.read("xl/_rels/workbook.xml.rels"))}
        shared = [("".join(t.text or "" for t in si.iter(f"{{{NS['m']}}}t")))
                  for si in ET.fromstring(z.read("xl/sharedStrings.xml")).findall("m:si", NS)] \
            if "xl/sharedStrings.xml" in z.namelist() else []
        sheets = {}
        for sheet in book.find("m:sheets", NS):
            xml = ET.fromstring(z.read("xl/" + rels[sheet.get(REL)].lstrip("/").removeprefix("xl/")))
            rows = []
            for row in xml.find("m:sheetData", NS).findall("m:row", NS):
                cells = {}
                for c in row.findall("m:c", NS):
                    if c.get("t") == "inlineStr":
                        text = "".join(t.text or "" for t in c.iter(f"{{{NS['m']}}}t"))
                    elif c.get("t") == "s":
                        text = shared[int(c.find("m:v", NS).text)]
                    else:
                        v = c.find("m:v", NS)
                        text = v.text if v is not None else ""
                    cells[column_index(c.get("r"))] = text
                # an empty cell is not written: its place is kept by the cell reference of the next one
                rows.append([cells.get(i, "") for i in range(max(cells, default=-1) + 1)])
            sheets[sheet.get("name")] = rows
        return sheets


def column_index(ref: str) -> int:
    """0-based column of a cell reference: A1 -> 0, AB7 -> 27."""
    n = 0
    for ch in ref.rstrip("0123456789"):
        n = n * 26 + ord(ch) - ord("A") + 1
    return n - 1


def exported_rows(path: Path) -> int:
    con = duckdb.connect()
    try:
        reader = "read_parquet" if path.suffix == ".parquet" else "read_csv"
        return con.execute(f"SELECT count(*) FROM {reader}('{path}')").fetchone()[0]
    finally:
        con.close()


def mart_counts(harness) -> dict[str, int]:
    return {m.name: harness.query(f"SELECT count(*) FROM {m.qualified}")[0][0] for m in mart_models}


def counts_names(harness) -> list[str]:
    return sorted(mart_counts(harness))


def assert_exports_match(harness) -> dict[str, list[list[str]]]:
    folder = harness.settings.exports_dir
    counts = mart_counts(harness)
    for name, rows in counts.items():
        assert exported_rows(folder / f"{name}.parquet") == rows, name
        assert exported_rows(folder / f"{name}.csv") == rows, name
    sheets = workbook(folder / WORKBOOK)
    assert list(sheets) == [COLUMNS_SHEET, *sorted(counts)]
    for name, rows in counts.items():
        assert len(sheets[name]) == rows + 1, name  # the header row, then the mart's rows
    return sheets


def test_every_mart_is_exported_beside_the_warehouse(seeded):
    folder = seeded.settings.exports_dir
    assert folder == seeded.settings.warehouse.parent / "exports"
    sheets = assert_exports_match(seeded)
    assert sorted(p.name for p in folder.iterdir()) == sorted(
        [WORKBOOK, MANIFEST] + [f"{m.name}.{ext}" for m in mart_models for ext in ("parquet", "csv")])
    # the CSV opens in Excel as UTF-8 (a byte order mark), and reads back as the table it came from
    wide = folder / "report_metrics_wide.csv"
    assert wide.read_bytes().startswith(UTF8_BOM)
    con = duckdb.connect()
    try:
        from_csv = con.execute(f"SELECT report_id, agency_name FROM read_csv('{wide}') ORDER BY 1").fetchall()
        from_parquet = con.execute(
            f"SELECT report_id, agency_name FROM '{folder / 'report_metrics_wide.parquet'}' ORDER BY 1").fetchall()
    finally:
        con.close()
    assert from_csv == from_parquet == seeded.query(
        "SELECT report_id, agency_name FROM marts.report_metrics_wide ORDER BY 1")
    assert ("004_17c27c0a9e1aa267", "北京市怀柔区环境保护局") in from_csv
    # the columns sheet documents every column as the model's header declares it
    docs = sheets[COLUMNS_SHEET]
    assert tuple(docs[0]) == COLUMN_HEADERS
    for model in mart_models:
        listed = [(row + [""] * 5)[1:5] for row in docs[1:] if row[0] == model.name]
        assert listed == [[c.name, c.type, c.rules, c.description] for c in model.columns], model.name
    wide_sheet = sheets["report_metrics_wide"]
    assert wide_sheet[0][:3] == ["report_id", "title", "agency_name"]
    assert "北京市怀柔区环境保护局" in {row[2] for row in wide_sheet[1:]}
    # the materialisation says what it wrote
    event = seeded.instance.get_latest_materialization_event(EXPORTS_KEY)
    meta = event.asset_materialization.metadata
    assert meta["rows_per_mart"].value == mart_counts(seeded)
    assert meta["path"].value == str(folder)
    # (the session's later runs found the marts as they were: those wrote nothing, and say so)
    assert WORKBOOK in meta["files_written"].value or (
        meta["files_written"].value == [] and sorted(meta["unchanged_marts"].value) == sorted(counts_names(seeded)))
    assert meta["bytes"].value == sum(p.stat().st_size for p in folder.iterdir() if p.name != MANIFEST)


def test_exports_follow_the_marts_and_drop_removed_marts(harness):
    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    harness.copy_seeds(names[:2])
    harness.materialize_all()
    assert_exports_match(harness)
    assert exported_rows(harness.settings.exports_dir / "report_metrics_wide.parquet") == 2

    # a new report: the run that loads it re-writes the exports, after the marts
    harness.copy_seeds(names[:3])
    harness.materialize_all()
    assert_exports_match(harness)
    assert exported_rows(harness.settings.exports_dir / "report_metrics_wide.csv") == 3

    # the run left nothing for automation to do: the exports were re-written in it
    settled = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance)
    settled = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance, cursor=settled.cursor)
    assert settled.get_num_requested(EXPORTS_KEY) == 0

    # files of a mart that no longer exists (and a temporary file a killed run left) are removed
    folder = harness.settings.exports_dir
    for stale in ("retired_mart.parquet", "retired_mart.csv", ".marts.xlsx.tmp"):
        (folder / stale).write_bytes(b"old")
    wide = folder / "report_metrics_wide.parquet"
    before = wide.stat().st_ino
    # the marts rebuilt on their own (the UI's "Materialize", the nightly refresh): automation re-writes the exports
    job = harness.defs.resolve_implicit_global_asset_job_def()
    job.execute_in_process(instance=harness.instance, asset_selection=MART_KEYS, run_config=QUIET)
    after = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance, cursor=settled.cursor)
    assert after.get_num_requested(EXPORTS_KEY) == 1
    job.execute_in_process(instance=harness.instance, asset_selection=[EXPORTS_KEY], run_config=QUIET)
    assert not any((folder / stale).exists() for stale in ("retired_mart.parquet", "retired_mart.csv",
                                                           ".marts.xlsx.tmp"))
    meta = harness.instance.get_latest_materialization_event(EXPORTS_KEY).asset_materialization.metadata
    assert set(meta["files_removed"].value) == {"retired_mart.parquet", "retired_mart.csv", ".marts.xlsx.tmp"}
    # no report changed, so no mart did: every mart's files are kept as they were, the workbook too
    assert sorted(meta["unchanged_marts"].value) == sorted(m.name for m in mart_models)
    assert meta["files_written"].value == [] and wide.stat().st_ino == before
    assert_exports_match(harness)

    # a report leaves: the marts change, and their files are replaced (renamed over the old ones, not written in place)
    (harness.inbox / names[2]).unlink()
    harness.materialize_all()
    assert wide.stat().st_ino != before and exported_rows(wide) == 2
    meta = harness.instance.get_latest_materialization_event(EXPORTS_KEY).asset_materialization.metadata
    assert {"report_metrics_wide.parquet", WORKBOOK} <= set(meta["files_written"].value)
    assert_exports_match(harness)


def test_a_mart_beyond_the_sheet_limit_is_cut_in_the_workbook_only(tmp_path):
    """Excel's sheet holds 1,048,576 rows: here the limit is 3 rows, for speed. Long names fit a sheet name."""
    long_name = "a_mart_whose_name_is_longer_than_a_sheet_name_may_be"
    model = SqlModel("marts", long_name, Path(f"{long_name}.sql"), "SELECT 1", (), "a long mart", columns=(
        ModelColumn("n", "BIGINT", "a number", nullable=False, min_value=0),
        ModelColumn("label", "VARCHAR", "some text"),
        ModelColumn("on_day", "DATE", "a day")))
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute(f"CREATE TABLE marts.{long_name} AS SELECT range AS n, CASE range WHEN 0 THEN '=1+1' "
                f"WHEN 1 THEN '环保局' END AS label, DATE '2024-01-01' + range::INTEGER AS on_day FROM range(5)")
    result = write_exports(con, [model], tmp_path, max_sheet_rows=3)
    con.close()
    (mart,) = result.marts
    assert (mart.rows, mart.sheet_rows, mart.truncated) == (5, 3, True)
    assert exported_rows(tmp_path / f"{long_name}.parquet") == exported_rows(tmp_path / f"{long_name}.csv") == 5
    sheets = workbook(tmp_path / WORKBOOK)
    assert list(sheets) == [COLUMNS_SHEET, long_name[:31]]
    rows = sheets[long_name[:31]]
    assert rows[0] == ["n", "label", "on_day"] and len(rows) == 4
    assert rows[1] == ["0", "=1+1", str((dt.date(2024, 1, 1) - dt.date(1899, 12, 30)).days)]  # text stays text
    assert rows[2][1] == "环保局"
    docs = sheets[COLUMNS_SHEET]
    assert docs[1][:5] == [long_name, "n", "BIGINT", "not null >= 0", "a number"]
    assert "the first 3 of 5 rows" in docs[1][5] and f"{long_name}.parquet" in docs[1][5]


def test_the_exports_folder_is_beside_the_warehouse(tmp_path):
    settings = Settings.from_env({"GOV_WAREHOUSE": str(tmp_path / "w" / "gov.duckdb")})
    assert settings.exports_dir == tmp_path / "w" / "exports"


def test_a_mart_whose_table_is_unchanged_keeps_its_files(tmp_path):
    """With stamps (warehouse.model_stamps), a write leaves the files of a mart whose stamp is the one they were
    written with; a new stamp, a missing file or a mart that came or went writes that mart and the workbook."""
    models = [SqlModel("marts", name, Path(f"{name}.sql"), "SELECT 1", (), name) for name in ("alpha", "beta")]
    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    for name in ("alpha", "beta"):
        con.execute(f"CREATE TABLE marts.{name} AS SELECT range AS n FROM range(4)")
    stamps = {"marts.alpha": "a1", "marts.beta": "b1"}
    first = write_exports(con, models, tmp_path, stamps=stamps)
    assert sorted(first.files_written) == ["alpha.csv", "alpha.parquet", "beta.csv", "beta.parquet", WORKBOOK]

    again = write_exports(con, models, tmp_path, stamps=stamps)
    assert again.files_written == [] and again.unchanged == ["alpha", "beta"]
    assert [m.rows for m in again.marts] == [4, 4] and again.workbook_bytes == (tmp_path / WORKBOOK).stat().st_size

    con.execute("INSERT INTO marts.beta VALUES (9)")  # beta rebuilt: a new stamp
    changed = write_exports(con, models, tmp_path, stamps={**stamps, "marts.beta": "b2"})
    assert sorted(changed.files_written) == ["beta.csv", "beta.parquet", WORKBOOK] and changed.unchanged == ["alpha"]
    assert exported_rows(tmp_path / "beta.parquet") == 5 and len(workbook(tmp_path / WORKBOOK)["beta"]) == 6

    (tmp_path / "alpha.csv").unlink()  # someone removed a file: written again
    assert "alpha.csv" in write_exports(con, models, tmp_path, stamps={**stamps, "marts.beta": "b2"}).files_written

    dropped = write_exports(con, models[:1], tmp_path, stamps=stamps)  # beta's model is gone
    assert dropped.files_written == [WORKBOOK] and sorted(dropped.removed) == ["beta.csv", "beta.parquet"]
    assert list(workbook(tmp_path / WORKBOOK)) == [COLUMNS_SHEET, "alpha"]
    # no stamps: everything is written
    assert len(write_exports(con, models, tmp_path).files_written) == 5
