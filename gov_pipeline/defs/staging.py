"""staging layer: cleaned text."""

from collections import Counter

import dagster as dg

from gov_pipeline.defs.common import (
    MIN_PARALLEL, OWNER, POOL, RETRY, SINGLE_RUN, TABLE, Tally, chunks, count_rows, reports_partitions,
    require_valid, schema_check_spec, spec_metadata, table_metadata,
)
from gov_pipeline.frames import clean_row, frame
from gov_pipeline.resources import TextSettings, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.text.pipeline import worker_pool
from gov_pipeline.warehouse import read_reports, replacing_reports

CLEAN = TABLE["staging.clean_reports"]


def _clean_row(item: tuple[str, str]) -> dict:
    return clean_row(*item)


@dg.asset(
    key=CLEAN.key, group_name="staging", deps=[TABLE["raw.reports"].key],
    description=CLEAN.schema.description + " Rules and patterns: gov_pipeline/text/clean.py, assets/cleaning_rules.toml.",
    partitions_def=reports_partitions, backfill_policy=SINGLE_RUN, retry_policy=RETRY, pool=POOL,
    kinds={"python", "duckdb"}, owners=[OWNER], metadata=spec_metadata(CLEAN), check_specs=[schema_check_spec(CLEAN)],
)
def clean_reports(context: dg.AssetExecutionContext, warehouse: Warehouse, text_settings: TextSettings):
    keys = list(context.partition_keys)
    tally, counts = Tally(CLEAN), Counter()
    with worker_pool(text_settings.workers, text_settings.segmenter, parallel=len(keys) >= MIN_PARALLEL) as pmap, \
            warehouse.get_connection() as conn:
        todo = list(read_reports(conn, "raw.reports", keys, ["report_id"],
                                 where="t.text IS NOT NULL AND t.duplicate_of IS NULL")["report_id"])
        with replacing_reports(conn, [CLEAN.name], keys) as insert:
            for chunk in chunks(todo):
                raw = read_reports(conn, "raw.reports", chunk, ["report_id", "text"])
                rows = list(pmap(_clean_row, list(zip(raw["report_id"], raw["text"]))))
                validation = require_valid(CLEAN, validate(CLEAN, frame(CLEAN.name, rows)))
                insert(CLEAN.name, validation.valid)
                tally.add(validation)
                df = validation.valid
                counts.update(cleaning_failures=int(df["clean_error"].notna().sum()),
                              chars_removed=int((df["raw_char_count"] - df["char_count"]).sum()))
        total = count_rows(conn, CLEAN.name)
    yield dg.MaterializeResult(asset_key=CLEAN.key, metadata=table_metadata(
        CLEAN, tally.head.drop(columns=["offset_runs"]), total_rows=total, **counts))
    yield tally.check_result()
