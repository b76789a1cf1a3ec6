"""core layer: reports derived into cleaned text, dimensions and facts, validated before they are written."""

import time

import dagster as dg
import pandas as pd

from gov_pipeline.chunks import (
    CORE_TABLES, DERIVED_TABLES, INPUT_COLUMNS, Summary, derive_chunk, finished_parts, read_summary, remove,
    table_file,
)
from gov_pipeline.defs.common import (
    DERIVED_AUTOMATION, OWNER, POOL, PREVIEW_ROWS, REDERIVE_AUTOMATION, RETRY, TABLE, WAREHOUSE_TAG, chunks,
    count_rows, frame_markdown, inbox_listing, increment_metadata, schema_check_result, schema_check_spec,
    spec_metadata, table_metadata,
)
from gov_pipeline.defs.staging import CHUNKS_KEY, CLEAN, clean_spec
from gov_pipeline.inbox import keys_and_skipped
from gov_pipeline.resources import ChunkStore, Inbox, TextSettings, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.version import text_version
from gov_pipeline.warehouse import (
    DERIVE_PLAN, MERGE_CHECKPOINT_THRESHOLD, current_reports, export_reports, merge_part, plan_increment,
    prune_reports, registered, replacing_reports, setting, sync_table, table_diff,
)

INTERNAL_DEPS = {
    "core.fact_section": ["core.dim_report"],
    "core.fact_metric": ["core.dim_report", "core.fact_section", "core.fact_table_cell"],
    "core.fact_table_cell": ["core.dim_report"],
    "core.fact_keyword": ["core.dim_report"],
    "core.quality_issue": ["core.dim_report", "core.fact_metric"],
    "core.quarantine": [],
    "core.dim_report": [],
}


def _spec(name: str) -> dg.AssetSpec:
    t = TABLE[name]
    upstream = ["raw.reports", CLEAN.name, *INTERNAL_DEPS[name]]
    return dg.AssetSpec(t.key, deps=[TABLE[u].key for u in upstream] + [CHUNKS_KEY], description=t.schema.description,
                        group_name="core", kinds={"python", "duckdb", "pandas"}, owners=[OWNER],
                        metadata=spec_metadata(t), code_version=text_version(),
                        automation_condition=REDERIVE_AUTOMATION)


def _merge(conn, parts, todo: set[str], version: str, merged: Summary) -> list[str]:
    """Merge the parts whose derivations are still wanted (see current_reports) into the warehouse, one
    transaction per part, and delete every part read. Returns the reports merged."""
    done = []
    for part in parts:
        summary = read_summary(part)
        ids = current_reports(conn, summary.reports, version, todo) if summary.version == version else []
        if ids:
            failed = summary.counts.get("staging_rows_failed", 0)
            if failed:  # staging rows must pass their schema: fail with the cases shown, writing nothing of this part
                cases = pd.DataFrame(summary.tables[CLEAN.name].failures)
                raise dg.Failure(description=f"{failed} row(s) of {CLEAN.name} failed its schema; nothing of "
                                             f"{part.name} was written.",
                                 metadata={"failure_cases": dg.MetadataValue.md(frame_markdown(cases))})
            merge_part(conn, DERIVED_TABLES, {n: table_file(part, n) for n in DERIVED_TABLES}, ids, DERIVE_PLAN.held)
            if len(ids) == len(summary.reports):
                merged.add(summary)
            else:  # only some were still wanted: count those (the tallies cover the whole part)
                merged.reports.update({r: summary.reports[r] for r in ids})
            todo.difference_update(ids)
            done += ids
        remove(part)
    return done


@dg.multi_asset(
    specs=[clean_spec(), *(_spec(n) for n in CORE_TABLES)], name="derive_reports",
    description="Merge the text work's parts (staging/report_chunks) into staging.clean_reports and the core tables, "
                "one transaction per part (resumable), and derive here whatever is still to do (a report no part "
                "covers: this asset materialised on its own). Incremental: a report is derived again only when its "
                "bytes or the text version change; reports that left raw.reports (or became duplicates) leave these "
                "tables.",
    retry_policy=RETRY, pool=POOL, op_tags=WAREHOUSE_TAG,
    check_specs=[schema_check_spec(TABLE[n]) for n in DERIVED_TABLES] + [dg.AssetCheckSpec(
        "consistency_rules", asset=TABLE["core.quality_issue"].key,
        description="Consistency rules (table sums, request balance, staff sum, prose vs table, rates, bounds) "
                    "over this run's reports; warns when any report breaks one.")],
)
def derive_reports(context: dg.AssetExecutionContext, warehouse: Warehouse, text_settings: TextSettings,
                   chunk_store: ChunkStore):
    version, t0 = text_version(), time.perf_counter()
    merged = Summary.empty(version)
    with warehouse.get_connection(checkpoint=True) as conn, setting(conn, "checkpoint_threshold",
                                                                    MERGE_CHECKPOINT_THRESHOLD):
        increment = plan_increment(conn, DERIVE_PLAN, version)
        if increment.stale:
            with replacing_reports(conn, DERIVED_TABLES, increment.stale):
                pass  # reports that left raw.reports (or became duplicates) leave these tables
        todo = set(increment.todo)
        from_parts = _merge(conn, finished_parts(chunk_store.parts), todo, version, merged)
        t1 = time.perf_counter()
        left = sorted(todo)  # no part covers them: derived here, chunk by chunk, through the same files
        folder = chunk_store.inputs(context.run_id) / "merge"
        for n, ids in enumerate(chunks(left, text_settings.reports_per_chunk)):
            path = folder / f"chunk-{n:05d}.parquet"
            folder.mkdir(parents=True, exist_ok=True)
            export_reports(conn, ids, INPUT_COLUMNS, path)
            part = derive_chunk(path, chunk_store.parts, text_settings.segmenter, version)
            _merge(conn, [part], todo, version, merged)
        remove(folder)
        totals = {n: count_rows(conn, n) for n in DERIVED_TABLES}
    quiet = (f"no rows written by this run: {len(increment.todo)} report(s) derived, {len(increment.stale)} removed, "
             f"{increment.unchanged} unchanged (derived already from the same bytes by the same text version)")
    seconds = {"merging_parts": t1 - t0, "deriving_here": time.perf_counter() - t1, **merged.seconds}
    for name in DERIVED_TABLES:
        t, tally = TABLE[name], merged.tables[name]
        extra = {"rows_written_this_run": tally.rows, **increment_metadata(increment)}
        if name == "core.fact_metric":
            extra["metrics_by_source"] = dg.MetadataValue.json(dict(merged.by_source))
        if name == "core.quarantine":
            extra["quarantined_this_run"] = tally.rows
        if name == CLEAN.name:
            extra.update(merged.counts)
        if name == "core.dim_report":
            extra["step_seconds"] = dg.MetadataValue.json({k: round(v, 3) for k, v in seconds.items()})
            extra["reports_from_parts"] = len(from_parts)  # derived by the chunk steps (staging/report_chunks)
            extra["reports_derived_here"] = len(left)
        head = pd.DataFrame(tally.head, columns=list(t.schema.columns)) if tally.head else t.empty()
        if name == CLEAN.name:
            head = head.drop(columns=["offset_runs"])
        yield dg.MaterializeResult(asset_key=t.key, metadata=table_metadata(
            t, head, total_rows=totals[name], nothing_written=quiet, **extra))
        yield schema_check_result(t, tally.dropped, pd.DataFrame(tally.failures))
    issues = merged.tables["core.quality_issue"]
    yield dg.AssetCheckResult(
        asset_key=TABLE["core.quality_issue"].key, check_name="consistency_rules", passed=not merged.by_rule,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"issues_by_rule": dg.MetadataValue.json(dict(merged.by_rule.most_common())),
                  "sample": dg.MetadataValue.md(frame_markdown(pd.DataFrame(issues.head)) if issues.rows else "_none_")})


INVENTORY = TABLE["core.report_inventory"]
SKIPPED = "_gov_skipped"  # the inbox's entries that are not reports (inbox.keys_and_skipped), registered for the SQL
INVENTORY_SQL = f"""
SELECT r.report_id, r.source_path, r.content_sha256,
       CASE WHEN q.report_id IS NOT NULL THEN 'quarantined'
            WHEN r.duplicate_of IS NOT NULL THEN 'duplicate'
            WHEN d.report_id IS NOT NULL THEN 'loaded'
            ELSE 'pending' END AS status,
       r.duplicate_of, q.reason
FROM raw.reports r
LEFT JOIN core.quarantine q USING (report_id)
LEFT JOIN core.dim_report d USING (report_id)
UNION ALL
SELECT report_id, source_path, NULL, 'ignored', NULL, reason FROM {SKIPPED}
WHERE report_id NOT IN (SELECT report_id FROM raw.reports)
ORDER BY report_id
"""


@dg.asset(
    key=INVENTORY.key, group_name="core",
    deps=[TABLE[n].key for n in ("raw.reports", "core.dim_report", "core.quarantine")],
    description=INVENTORY.schema.description + " Removal policy: a report whose file left the inbox loses its row "
                "in raw.reports at the next sync and, here, every row in raw/staging/core, so the marts built after "
                "it drop it too. "
                "Files that are not read (unsupported type, temporary, hidden, not a regular file, a broken or looping "
                "symlink) are listed with status 'ignored' and the reason. Fails, deleting nothing, when the inbox "
                "cannot be listed.",
    pool=POOL, op_tags=WAREHOUSE_TAG, kinds={"python", "duckdb"}, owners=[OWNER], metadata=spec_metadata(INVENTORY),
    automation_condition=DERIVED_AUTOMATION, check_specs=[schema_check_spec(INVENTORY)],
)
def report_inventory(context: dg.AssetExecutionContext, warehouse: Warehouse, inbox: Inbox):
    active, skipped = inbox_listing(inbox.path, keys_and_skipped)
    with warehouse.get_connection() as conn:
        pruned = prune_reports(conn, active)
        # only the rows that differ from the table are validated and written (one, when one report changed)
        with registered(conn, SKIPPED, pd.DataFrame([(s.key, s.rel_path, s.reason) for s in skipped],
                                                    columns=["report_id", "source_path", "reason"], dtype=object)):
            changed, gone = table_diff(conn, INVENTORY.name, INVENTORY_SQL)
        validation = validate(INVENTORY, changed)
        written = sync_table(conn, INVENTORY.name, changed, gone, validation.valid)
        by_status = dict(conn.execute(f"SELECT status, count(*) FROM {INVENTORY.name} GROUP BY 1 ORDER BY 1").fetchall())
        head = conn.execute(f"SELECT * FROM {INVENTORY.name} ORDER BY report_id LIMIT {PREVIEW_ROWS}").df()
    yield dg.MaterializeResult(metadata=table_metadata(
        INVENTORY, head, total_rows=sum(by_status.values()), rows_written_this_run=written, rows_removed=len(gone),
        pruned_rows=dg.MetadataValue.json({k: v for k, v in pruned.items() if v}), by_status=dg.MetadataValue.json(by_status)))
    yield schema_check_result(INVENTORY, len(validation.dropped), validation.failures)
