"""raw layer: report files as they arrived, kept in step with the inbox (the register of report files)."""

import datetime as dt
import os
import time
from collections import Counter
from pathlib import Path

import dagster as dg
import pandas as pd
from pydantic import Field

from gov_pipeline.defs.common import (
    OWNER, POOL, RETRY, TABLE, WAREHOUSE_TAG, Tally, chunks, count_rows, frame_markdown, inbox_listing, require_valid,
    schema_check_spec, spec_metadata, table_metadata,
)
from gov_pipeline.frames import frame
from gov_pipeline.inbox import UnknownFiles, named_files, plan_sync, resolve_wanted, scan_inbox
from gov_pipeline.ingest import Previous, ingest
from gov_pipeline.resources import Inbox, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.warehouse import (
    APPEND_MEMORY, read_register, read_reports, register_of, replacing_reports, setting, settle_duplicates,
)

RAW = TABLE["raw.reports"]
SHOWN_FILES = 50  # files listed in a materialisation's metadata (the rest are counted)


class SyncConfig(dg.Config):
    """What the raw step reads. By default the whole inbox is synced: new files and files whose path, size or
    modification time changed are read, files that left the inbox leave the warehouse, the rest is untouched."""

    files: list[str] = Field(default=[], description=(
        "Report ids or paths under the inbox to read again whatever their state (from the UI: re-run one file). "
        "Listed reports whose file left the inbox are removed. Empty: sync the whole inbox."))
    reread: bool = Field(default=False, description="Whole inbox: read every file again, changed or not.")
    settle_seconds: float = Field(default=0, description=(
        "Leave files (of the whole inbox, or of those listed) modified less than this many seconds ago for a later "
        "sync (they may still be being written; the inbox sensor sets its tick interval)."))


@dg.asset(
    key=RAW.key, group_name="raw", description=RAW.schema.description + " Kept in step with the inbox: a run "
    "reads the new and changed files (or those its config lists) and removes the reports whose file left. "
    "raw.reports is the register of report files: each row says which run read which version of its file "
    "(run_id, file_mtime, content_sha256). Decoding failures are kept with their reason (decode_error) and "
    "quarantined downstream; byte-identical copies are marked duplicate_of.",
    retry_policy=RETRY, pool=POOL, op_tags=WAREHOUSE_TAG, kinds={"python", "duckdb"}, owners=[OWNER], metadata=spec_metadata(RAW),
    check_specs=[schema_check_spec(RAW)],
)
def raw_reports(context: dg.AssetExecutionContext, config: SyncConfig, inbox: Inbox, warehouse: Warehouse):
    tally, counts = Tally(RAW), Counter()
    with warehouse.get_connection() as conn, setting(conn, "memory_limit", APPEND_MEMORY):
        files, register, wanted, in_inbox = _sync_inputs(conn, config, inbox.path)
        settled = time.time_ns() - int(config.settle_seconds * 1e9) if config.settle_seconds else None
        plan = plan_sync(files, register, wanted=wanted, reread=config.reread, settled_before_ns=settled)
        prev = read_reports(conn, RAW.name, plan.read + plan.removed,
                            ["report_id", "content_sha256", "ingested_at", "duplicate_of"])
        previous = {r.report_id: Previous(r.content_sha256, r.ingested_at, r.duplicate_of) for r in prev.itertuples()}
        now = dt.datetime.now(dt.UTC).replace(tzinfo=None, microsecond=0)
        written: dict[str, str | None] = {}  # report -> its bytes' hash
        with replacing_reports(conn, [RAW.name], plan.read + plan.removed) as insert:
            for chunk in chunks(plan.read):
                rows = ingest([files[k] for k in chunk], previous, inbox.max_bytes, now)  # (plan.read: listed files)
                for row in rows:
                    row["run_id"] = context.run_id
                written.update((r["report_id"], r["content_sha256"]) for r in rows)
                validation = require_valid(RAW, validate(RAW, frame(RAW.name, rows)))
                insert(RAW.name, validation.valid)
                tally.add(validation)
                df = validation.valid
                counts.update(decode_failures=int(df["decode_error"].notna().sum()),
                              bytes_read=int(df["byte_size"].sum()))
            # which copy of each bytes is the first: the run's new hashes and those its reports held before
            was_first = {k: k in previous and previous[k].content_sha256 == sha and previous[k].duplicate_of is None
                         for k, sha in written.items()}
            shas = {*written.values(), *(p.content_sha256 for p in previous.values())}
            duplicate_of = settle_duplicates(conn, shas, was_first, lambda ids: _in_inbox(conn, ids, files, in_inbox,
                                                                                           inbox.path))
        counts["duplicates"] = sum(v is not None for v in duplicate_of.values())
        total = count_rows(conn, RAW.name)
    removed = plan.removed
    if removed:
        context.log.info(f"{len(removed)} report(s) left the warehouse (their file left the inbox): {removed[:10]}")
    if plan.waiting:
        context.log.info(f"{len(plan.waiting)} file(s) modified less than {config.settle_seconds:g} s ago were left "
                         f"for a later sync: {plan.waiting[:10]}")
    yield dg.MaterializeResult(asset_key=RAW.key, metadata=table_metadata(
        RAW, tally.head[["report_id", "source_path", "byte_size", "encoding", "decode_error"]], total_rows=total,
        nothing_written="no file read: the warehouse holds every report in the inbox as it is",
        mode=("whole inbox" if wanted is None else "files listed in the run's config" + (
            "" if in_inbox is not None else " (found without listing the inbox)")),
        **({"files_in_inbox": in_inbox, "files_unchanged": plan.unchanged} if in_inbox is not None else {}),
        files_read=len(plan.read),
        files_waiting=len(plan.waiting), reports_removed=len(removed), rows_written_this_run=tally.rows,
        files_read_list=dg.MetadataValue.md(frame_markdown(_shown(plan.read, files))),
        removed_list=dg.MetadataValue.json(removed[:SHOWN_FILES]), **counts))
    yield tally.check_result()


def _sync_inputs(conn, config: SyncConfig, root: str) -> tuple[dict, dict, list[str] | None, int | None]:
    """(the inbox files the sync looks at, the register's rows for them, the reports asked for by name or None for
    the whole inbox, how many files the inbox holds or None when it was not listed). Files named in the config are
    looked up one by one (inbox.named_files: a sensor's run for a few files does not list 100,000); the whole inbox,
    or names only a listing can settle, are listed."""
    if config.files:
        register = register_of(conn, config.files)
        named = named_files(Path(root), config.files, register)
        if named is not None:
            return {k: f for k, f in named.items() if f is not None}, register, sorted(named), None
    files = {f.key: f for f in inbox_listing(root, scan_inbox).files}
    register = read_register(conn)
    try:
        wanted = resolve_wanted(config.files, files, register) if config.files else None
    except UnknownFiles as exc:
        raise dg.Failure(description=f"{exc} (the run's config `files`). Nothing was read or removed.",
                         allow_retries=False) from exc
    return files, register, wanted, len(files)


def _in_inbox(conn, ids: list[str], files: dict, in_inbox: int | None, root: str) -> set[str]:
    """Of these registered reports, those whose file is still in the inbox (the listing's files; when the inbox was
    not listed, the files at their registered paths)."""
    if in_inbox is not None:
        return {k for k in ids if k in files}
    register = register_of(conn, ids)
    return {k for k in ids if k in files or (k in register and os.path.isfile(os.path.join(root, register[k].source_path)))}


def _shown(keys: list[str], files) -> pd.DataFrame:
    shown = keys[:SHOWN_FILES]
    df = pd.DataFrame({"report_id": shown, "source_path": [files[k].rel_path for k in shown]})
    if len(keys) > SHOWN_FILES:
        df.loc[len(df)] = ["…", f"and {len(keys) - SHOWN_FILES} more (raw.reports.run_id = this run)"]
    return df
