"""reports layer: the static HTML report, an index page and one page per agency, in warehouse/reports/.

Thin: gov_pipeline/agency_pages.py reads the marts and writes the pages. The asset reads them from the analysts'
copy once it is published (resource `published`: no lock, so it runs outside the `duckdb` pool: another run's
writes need not wait for it) and follows it by the automation of the other derived assets (DERIVED_AUTOMATION):
once a run has rebuilt the marts, automation re-writes the pages in a run of their own (the inbox's runs leave them
out, as they leave out the exports); the refresh job, its schedule and `make demo` select them with the marts
(automation.ROLLUP_KEYS), in the same run.
"""
from pathlib import Path

import dagster as dg

from gov_pipeline.agency_pages import INDEX, TABLES, PagesResult, input_stamp, write_pages
from gov_pipeline.defs.common import DERIVED_AUTOMATION, OWNER, READER_TAG, TABLE, markdown_table
from gov_pipeline.defs.marts import mart_models
from gov_pipeline.defs.publish import PUBLISH_KEY
from gov_pipeline.resources import Inbox, OutputFolder, PublishedCopy
from gov_pipeline.sql_models import REF_SCHEMA
from gov_pipeline.warehouse import model_stamps, snapshot_digest, table_digests

AGENCY_PAGES_KEY = dg.AssetKey(["reports", "agency_pages"])
AGENCIES_LISTED = 100  # agencies in the materialisation's table (the index page lists them all)


def table_keys(tables) -> list[dg.AssetKey]:
    """The assets of the tables the pages read: Python tables by their TableDef, marts by their SQL model."""
    models = {m.qualified: m for m in mart_models}
    return [dg.AssetKey(TABLE[t].key) if t in TABLE else dg.AssetKey(models[t].key) for t in tables]


def pages_metadata(result: PagesResult) -> dict:
    """What a write did: the index page, the pages, the agencies, the open findings, the time it took."""
    rows = [(p.agency_name, p.file, p.reports, p.open_findings, ", ".join(map(str, p.gaps)))
            for p in result.pages[:AGENCIES_LISTED]]
    table = markdown_table(["agency", "page", "reports", "open findings", "missing years"], rows)
    if len(result.pages) > AGENCIES_LISTED:
        table += f"\n\n… and {len(result.pages) - AGENCIES_LISTED} more agencies (all on {INDEX})"
    meta = {
        "path": dg.MetadataValue.path(str(result.index)),
        "folder": dg.MetadataValue.path(str(result.folder)),
        "pages_written": len(result.files_written),
        "agencies": len(result.pages),
        "open_findings": result.open_findings,
        "bytes": result.total_bytes,
        "charts_drawn": result.charts_drawn,
        "charts_reused": result.charts_reused,
        "seconds": round(result.seconds, 3),
        "timings": dg.MetadataValue.json(result.timings),
        "pages": dg.MetadataValue.md(table),
        "files_removed": dg.MetadataValue.json(result.removed),
    }
    if result.missing:
        meta["not_built"] = dg.MetadataValue.json(result.missing)
    return meta


def build_agency_pages(deps: list[dg.AssetKey]) -> dg.AssetsDefinition:
    @dg.asset(
        key=AGENCY_PAGES_KEY, group_name="reports", deps=[*deps, PUBLISH_KEY], op_tags=READER_TAG, kinds={"html"},
        owners=[OWNER], automation_condition=DERIVED_AUTOMATION,
        description=f"A report to read, as static HTML in warehouse/reports/ (beside the warehouse file): "
                    f"`{INDEX}` lists every agency (years covered, reports loaded, open findings, coverage gaps) and "
                    f"links to one page per agency with its headline figures by year (a table and a chart), the "
                    f"largest year-on-year changes, the open audit findings with their evidence and a link to the "
                    f"report file, the section reuse and the coverage of every year. The pages open from disk, no "
                    f"server needed. Each file is replaced atomically; the pages of agencies that no longer exist "
                    f"are removed. Written again when a table they are written from changed (the marts' stamps in "
                    f"meta.model_state, the reports' fingerprints, the reference data) or this code did. Written "
                    f"from the analysts' copy, as analysts see the marts.",
    )
    def agency_pages(context: dg.AssetExecutionContext, published: PublishedCopy, report_pages: OutputFolder,
                     inbox: Inbox) -> dg.MaterializeResult:
        with published.get_connection() as conn:
            stamps = model_stamps(conn, TABLES) | table_digests(conn, {t for t in TABLES if t.startswith(REF_SCHEMA)})
            stamps["core.report_inventory"] = snapshot_digest(conn)
            result = write_pages(conn, Path(report_pages.path), Path(inbox.path),
                                 stamp=input_stamp(stamps, Path(inbox.path)))
        if not result.written:
            context.log.info("the tables the pages are written from are as when they were written: left as they are")
        if result.missing:
            context.log.warning(f"not built yet (left empty on the pages): {', '.join(result.missing)}")
        context.log.info(f"{len(result.files_written)} pages written to {result.folder} in {result.seconds:.2f} s "
                         f"({result.charts_drawn} charts drawn, {result.charts_reused} unchanged)")
        return dg.MaterializeResult(metadata=pages_metadata(result))

    return agency_pages


agency_pages_asset = build_agency_pages(table_keys(TABLES))
agency_pages_assets = [agency_pages_asset]
AGENCY_PAGES_KEYS = [AGENCY_PAGES_KEY]
