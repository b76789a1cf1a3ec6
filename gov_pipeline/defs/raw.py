"""raw layer: report files as they arrived."""

import datetime as dt
from collections import Counter

import dagster as dg

from gov_pipeline.defs.common import (
    CHUNK, MIN_PARALLEL, OWNER, POOL, RETRY, SINGLE_RUN, TABLE, Tally, chunks, reports_partitions, schema_check_spec,
    require_valid, spec_metadata, table_metadata, count_rows, inbox_listing,
)
from gov_pipeline.frames import derive_report, frame
from gov_pipeline.inbox import find_files
from gov_pipeline.ingest import Previous, ingest
from gov_pipeline.resources import Inbox, TextSettings, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.warehouse import ensure_tables, read_reports, replacing_reports, settle_duplicates

RAW = TABLE["raw.reports"]


@dg.asset(
    key=RAW.key, group_name="raw", description=RAW.schema.description + " One partition per report file (the "
    "inbox sensor adds and deletes them). Decoding failures are kept with their reason (decode_error) and "
    "quarantined downstream; byte-identical copies are marked duplicate_of. In a run that also derives them, the "
    "new reports' text goes to the run's text workers as it is read (derive_reports' reports_parsed_early).",
    partitions_def=reports_partitions, backfill_policy=SINGLE_RUN, retry_policy=RETRY, pool=POOL,
    kinds={"python", "duckdb"}, owners=[OWNER], metadata=spec_metadata(RAW), check_specs=[schema_check_spec(RAW)],
)
def raw_reports(context: dg.AssetExecutionContext, inbox: Inbox, warehouse: Warehouse, text_settings: TextSettings):
    span = context.partition_key_range  # one key: no need to list every partition to resolve the range
    keys = [span.start] if span.start == span.end else sorted(context.partition_keys)
    derives = _derived_in_run(context)
    if derives and len(keys) >= MIN_PARALLEL:  # the run's pool forks now, with the warehouse closed, and parses
        warehouse.release()                    # the first new reports while this step writes them (prefetch)
        text_settings.start_pool()
    files = inbox_listing(inbox.path, find_files, keys)
    tally, missing, counts = Tally(RAW), [], Counter()

    def active(ids: list[str]) -> set[str]:  # reports whose partition still exists (their file is in the inbox)
        return {k for k in ids if context.instance.has_dynamic_partition(reports_partitions.name, k)}

    with warehouse.get_connection() as conn:
        ensure_tables(conn)
        prev = read_reports(conn, RAW.name, keys, ["report_id", "content_sha256", "ingested_at", "duplicate_of"])
        previous = {r.report_id: Previous(r.content_sha256, r.ingested_at, r.duplicate_of) for r in prev.itertuples()}
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        written: dict[str, str | None] = {}  # report -> its bytes' hash
        with replacing_reports(conn, [RAW.name], keys) as insert:
            for chunk in chunks(keys):
                rows, gone = ingest(chunk, files, previous, inbox.max_bytes, now)
                if derives:
                    text_settings.prefetch(derive_report, _new_texts(rows, previous, written, text_settings.segmenter),
                                           limit=CHUNK)
                written.update((r["report_id"], r["content_sha256"]) for r in rows)
                validation = require_valid(RAW, validate(RAW, frame(RAW.name, rows)))
                insert(RAW.name, validation.valid)
                tally.add(validation)
                missing += gone
                df = validation.valid
                counts.update(decode_failures=int(df["decode_error"].notna().sum()),
                              bytes_read=int(df["byte_size"].sum()))
            # which copy of each bytes is the first: the run's new hashes and those its reports held before
            was_first = {k: k in previous and previous[k].content_sha256 == sha and previous[k].duplicate_of is None
                         for k, sha in written.items()}
            shas = {*written.values(), *(p.content_sha256 for p in previous.values())}
            duplicate_of = settle_duplicates(conn, shas, was_first, active)
        counts["duplicates"] = sum(v is not None for v in duplicate_of.values())
        total = count_rows(conn, RAW.name)
    if missing:
        context.log.warning(f"{len(missing)} report file(s) no longer in the inbox: {missing[:10]}")
    # one event per report partition carries this metadata: keep it small
    yield dg.MaterializeResult(asset_key=RAW.key, metadata=table_metadata(
        RAW, tally.head[["report_id", "source_path", "byte_size", "encoding", "decode_error"]], total_rows=total,
        per_partition=True, rows_written_this_run=tally.rows, missing_files=len(missing), **counts))
    yield tally.check_result()


def _derived_in_run(context: dg.AssetExecutionContext) -> bool:
    """Whether this run also derives the reports (staging.clean_reports is in its selection)."""
    selection = context.run.asset_selection
    return selection is None or dg.AssetKey(TABLE["staging.clean_reports"].key) in selection


def _new_texts(rows: list[dict], previous: dict[str, Previous], written: dict[str, str | None],
               segmenter: str) -> list[tuple[str, str, str, str | None]]:
    """derive_report's items for the rows whose bytes are new (derive_reports will parse them): decoded, not
    what raw.reports held already, not a copy of bytes read earlier in this run."""
    earlier = set(written.values())
    items = []
    for r in rows:
        sha, prev = r["content_sha256"], previous.get(r["report_id"])
        if r["text"] is not None and sha not in earlier and (prev is None or prev.content_sha256 != sha):
            items.append((r["report_id"], r["text"], segmenter, r["layout"]))
        earlier.add(sha)
    return items
