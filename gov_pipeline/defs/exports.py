"""exports layer: every mart as Parquet and CSV, and one Excel workbook, in warehouse/exports/.

Thin: gov_pipeline/exports.py writes the files. The asset reads the marts from the analysts' copy once it is
published (resource `published`: no lock, so it runs outside the `duckdb` pool: another run's writes need not wait for it)
and follows it by the automation of the other derived assets (DERIVED_AUTOMATION): once a run has rebuilt the marts, automation re-writes the exports in a run of
their own (the inbox's runs leave them out, so a new report reaches the analysts' copy without waiting for them);
the refresh job, its schedule and `make demo` select them with the marts (automation.ROLLUP_KEYS), in the same run.
"""
from pathlib import Path

import dagster as dg

from gov_pipeline.defs.common import DERIVED_AUTOMATION, OWNER, READER_TAG, markdown_table
from gov_pipeline.defs.marts import MART_KEYS, mart_models
from gov_pipeline.defs.publish import PUBLISH_KEY
from gov_pipeline.exports import WORKBOOK, ExportResult, write_exports
from gov_pipeline.resources import OutputFolder, PublishedCopy
from gov_pipeline.warehouse import model_stamps

EXPORTS_KEY = dg.AssetKey(["exports", "marts"])


def export_metadata(result: ExportResult) -> dict:
    """What a write did: the folder, the files, the rows of each mart, the bytes."""
    rows = [(m.name, m.table, m.rows, m.sheet, m.sheet_rows, m.file_bytes[f"{m.name}.parquet"],
             m.file_bytes[f"{m.name}.csv"]) for m in result.marts]
    meta = {
        "path": dg.MetadataValue.path(str(result.folder)),
        "files_written": dg.MetadataValue.json(result.files_written),
        "rows_per_mart": dg.MetadataValue.json({m.name: m.rows for m in result.marts}),
        "bytes": result.total_bytes,
        "workbook_bytes": result.workbook_bytes,
        "marts": dg.MetadataValue.md(markdown_table(
            ["mart", "table", "rows", "sheet", "sheet rows", "parquet bytes", "csv bytes"], rows)),
        "files_removed": dg.MetadataValue.json(result.removed),
        # the marts whose tables were as when their files were written: files kept
        "unchanged_marts": dg.MetadataValue.json(result.unchanged),
    }
    truncated = [m.name for m in result.marts if m.truncated]
    if truncated:
        meta["truncated_in_workbook"] = dg.MetadataValue.json(truncated)
    if result.missing:
        meta["not_built"] = dg.MetadataValue.json(result.missing)
    return meta


def build_exports(models: list, deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=EXPORTS_KEY, group_name="exports", deps=[*deps, PUBLISH_KEY], op_tags=READER_TAG, kinds={"parquet", "csv", "excel"},
        owners=[OWNER], automation_condition=DERIVED_AUTOMATION,
        description=f"Every mart written to warehouse/exports/ (beside the warehouse file) as `<mart>.parquet` and "
                    f"`<mart>.csv` (UTF-8 with a byte order mark, for Excel), and all of them in the workbook "
                    f"`{WORKBOOK}`: a first sheet `columns` documents every column, then one sheet per mart (a mart "
                    f"beyond 20,000 rows is cut there, with a note: its Parquet and CSV files hold every row). Each file is replaced atomically; "
                    f"the files of a mart that no longer exists are removed. A mart's files are written again when its table "
                    f"changed (the stamps in meta.model_state against the folder's manifest), the workbook when any of them was. "
                    f"Written from the analysts' copy, as analysts see the marts.",
    )
    def export_marts(context: dg.AssetExecutionContext, published: PublishedCopy, exports: OutputFolder) -> dg.MaterializeResult:
        with published.get_connection() as conn:
            result = write_exports(conn, models, Path(exports.path), stamps=model_stamps(conn))
        if result.missing:
            context.log.warning(f"not exported (the table is not built yet): {', '.join(result.missing)}")
        for mart in result.marts:
            if mart.truncated:
                context.log.warning(f"{mart.table}: {mart.rows:,} rows, the workbook holds the first "
                                    f"{mart.sheet_rows:,} (Excel's limit); the Parquet and CSV files hold all")
        return dg.MaterializeResult(metadata=export_metadata(result))

    return export_marts


exports_asset = build_exports(mart_models, MART_KEYS)
export_assets = [exports_asset]
EXPORT_KEYS = [EXPORTS_KEY]
