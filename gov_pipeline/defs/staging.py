"""staging layer: the cleaned text of each report, and the text work in chunks that produces it.

`staging/report_chunks` is the per-report text work, fanned out: one step plans it (the reports whose bytes or
text version changed, exported from raw.reports as chunk files), one step per chunk cleans and parses its reports
(gov_pipeline/chunks.py: no warehouse access, so the executor may run them on any process or machine that sees
the chunk folder) and leaves a *part* per chunk. `derive_reports` (gov_pipeline/defs/core.py) merges the parts into
staging.clean_reports and the core tables, one transaction per part. This module also declares the clean table.
"""

from pathlib import Path

import dagster as dg

from gov_pipeline.chunks import INPUT_COLUMNS, derive_chunk, remove
from gov_pipeline.defs.common import (
    DERIVED_AUTOMATION, OWNER, POOL, REDERIVE_AUTOMATION, RETRY, TABLE, WAREHOUSE_TAG, chunks, spec_metadata,
)
from gov_pipeline.resources import ChunkStore, TextSettings, Warehouse
from gov_pipeline.version import text_version
from gov_pipeline.warehouse import DERIVE_PLAN, export_reports, plan_increment

CLEAN = TABLE["staging.clean_reports"]
CHUNKS_KEY = dg.AssetKey(["staging", "report_chunks"])


def clean_spec() -> dg.AssetSpec:
    return dg.AssetSpec(
        CLEAN.key, group_name="staging", deps=[TABLE["raw.reports"].key, CHUNKS_KEY],
        description=CLEAN.schema.description + " Incremental: only reports whose bytes or text version changed are "
        "cleaned again. Rules and patterns: gov_pipeline/text/clean.py, assets/cleaning_rules.toml.",
        code_version=text_version(), automation_condition=REDERIVE_AUTOMATION, kinds={"python", "duckdb"},
        owners=[OWNER], metadata=spec_metadata(CLEAN))


@dg.op(ins={"raw": dg.In(dg.Nothing)},
       out={"chunks": dg.DynamicOut(str, description="A chunk file: raw.reports rows of reports to derive.")},
       pool=POOL, tags=WAREHOUSE_TAG, retry_policy=RETRY)
def plan_chunks(context: dg.OpExecutionContext, warehouse: Warehouse, text_settings: TextSettings,
                chunk_store: ChunkStore):
    """The reports to derive (new or changed bytes, or a new text version), in chunks of
    `text_settings.reports_per_chunk`, exported from raw.reports as Parquet files for the workers."""
    folder = chunk_store.inputs(context.run_id)
    remove(folder)
    folder.mkdir(parents=True, exist_ok=True)
    with warehouse.get_connection() as conn:
        todo = plan_increment(conn, DERIVE_PLAN, text_version()).todo
        paths = []
        for n, ids in enumerate(chunks(todo, text_settings.chunk_size(len(todo)))):
            paths.append(folder / f"chunk-{n:05d}.parquet")
            export_reports(conn, ids, INPUT_COLUMNS, paths[-1])
    context.log.info(f"{len(todo)} report(s) to derive, in {len(paths)} chunk(s)")
    for n, path in enumerate(paths):
        yield dg.DynamicOutput(str(path), mapping_key=f"chunk_{n:05d}", output_name="chunks")


@dg.op(retry_policy=RETRY, tags={"gov/work": "text"})
def derive_chunk_op(context: dg.OpExecutionContext, chunk: str, text_settings: TextSettings,
                    chunk_store: ChunkStore) -> str:
    """Clean and parse every report of one chunk and write its part (no warehouse access)."""
    part = derive_chunk(Path(chunk), chunk_store.parts, text_settings.segmenter, text_version())
    Path(chunk).unlink(missing_ok=True)
    return part.name


@dg.op(out=dg.Out(dg.Nothing))
def parts_written(context: dg.OpExecutionContext, parts: list[str]):
    yield dg.Output(None, metadata={"parts_written": len(parts),
                                     "parts": dg.MetadataValue.json(sorted(parts)[:50])})


@dg.graph_asset(
    key=CHUNKS_KEY, group_name="staging", ins={"raw": dg.AssetIn(TABLE["raw.reports"].key, dagster_type=dg.Nothing)},
    description="The per-report text work, fanned out: the reports whose bytes or text version changed are exported "
                "from raw.reports in chunks, and one step per chunk cleans and parses its reports and writes a part "
                "(Parquet files per staging/core table and a summary) to the chunk folder (warehouse/chunks/parts). "
                "The chunk steps never open the warehouse: the executor may spread them over processes "
                "(process_reports_parallel) or machines. derive_reports merges the parts.",
    automation_condition=DERIVED_AUTOMATION | (
        dg.AutomationCondition.code_version_changed() & ~dg.AutomationCondition.in_progress()),
    code_version=text_version(), kinds={"python", "parquet"}, owners=[OWNER],
)
def report_chunks(raw):
    return parts_written(plan_chunks(raw).map(derive_chunk_op).collect())
