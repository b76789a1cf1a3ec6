"""raw layer: report files as they arrived."""

import datetime as dt
from pathlib import Path

import dagster as dg

from gov_pipeline.defs.common import (
    OWNER, POOL, RETRY, SINGLE_RUN, TABLE, reports_partitions, schema_check_result, schema_check_spec,
    require_valid, spec_metadata, table_metadata, count_rows,
)
from gov_pipeline.frames import frame
from gov_pipeline.inbox import scan_inbox
from gov_pipeline.ingest import Previous, ingest
from gov_pipeline.resources import Inbox, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.warehouse import ensure_tables, first_copies, read_reports, replace_reports

RAW = TABLE["raw.reports"]


@dg.asset(
    key=RAW.key, group_name="raw", description=RAW.schema.description + " Decoding failures are kept "
    "with their reason (decode_error) and quarantined downstream; byte-identical copies are marked duplicate_of.",
    partitions_def=reports_partitions, backfill_policy=SINGLE_RUN, retry_policy=RETRY, pool=POOL,
    kinds={"python", "duckdb"}, owners=[OWNER], metadata=spec_metadata(RAW), check_specs=[schema_check_spec(RAW)],
)
def raw_reports(context: dg.AssetExecutionContext, inbox: Inbox, warehouse: Warehouse):
    keys = list(context.partition_keys)
    files = {f.key: f for f in scan_inbox(Path(inbox.path))[0]}
    with warehouse.get_connection() as conn:
        ensure_tables(conn)
        prev = read_reports(conn, RAW.name, keys, ["report_id", "content_sha256", "ingested_at"])
        previous = {r.report_id: Previous(r.content_sha256, r.ingested_at) for r in prev.itertuples()}
        canonical = first_copies(conn, exclude=keys)
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        rows, missing = ingest(keys, files, previous, canonical, inbox.max_bytes, now)
        if missing:
            context.log.warning(f"{len(missing)} report file(s) no longer in the inbox: {missing[:10]}")
        validation = require_valid(RAW, validate(RAW, frame(RAW.name, rows)))
        replace_reports(conn, {RAW.name: validation.valid}, keys)
        total = count_rows(conn, RAW.name)
    df = validation.valid
    yield dg.MaterializeResult(asset_key=RAW.key, metadata=table_metadata(
        RAW, df.drop(columns=["text"]), total_rows=total,
        decode_failures=int(df["decode_error"].notna().sum()), duplicates=int(df["duplicate_of"].notna().sum()),
        missing_files=len(missing), bytes_read=int(df["byte_size"].sum()) if len(df) else 0))
    yield schema_check_result(RAW, len(validation.dropped), validation.failures)
