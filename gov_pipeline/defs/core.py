"""core layer: reports parsed into dimensions and facts, validated before they are written."""

import json
from collections import Counter

import dagster as dg
import pandas as pd

from gov_pipeline.defs.common import (
    MIN_PARALLEL, OWNER, POOL, RETRY, SINGLE_RUN, TABLE, Tally, chunks, count_rows, reports_partitions, schema_check_result,
    schema_check_spec, schema_issue_rows, spec_metadata, table_metadata,
)
from gov_pipeline.frames import cleaned_from_row, core_frames, frame
from gov_pipeline.resources import TextSettings, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.text.pipeline import Failure, analyse_item, worker_pool
from gov_pipeline.warehouse import prune_reports, read_reports, replacing_reports, replace_table

CORE_TABLES = ["core.dim_report", "core.fact_section", "core.fact_metric", "core.fact_keyword",
               "core.quality_issue", "core.quarantine"]
INTERNAL_DEPS = {
    "core.fact_section": ["core.dim_report"],
    "core.fact_metric": ["core.dim_report", "core.fact_section"],
    "core.fact_keyword": ["core.dim_report"],
    "core.quality_issue": ["core.dim_report", "core.fact_metric"],
    "core.quarantine": [],
    "core.dim_report": [],
}
MART_AUTOMATION = dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())


def _spec(name: str) -> dg.AssetSpec:
    t = TABLE[name]
    upstream = ["raw.reports", "staging.clean_reports", *INTERNAL_DEPS[name]]
    return dg.AssetSpec(t.key, deps=[TABLE[u].key for u in upstream], description=t.schema.description,
                        group_name="core", kinds={"python", "duckdb", "pandas"}, owners=[OWNER],
                        metadata=spec_metadata(t), partitions_def=reports_partitions)


def quarantine_rows(raw: pd.DataFrame, status: pd.DataFrame, failures: list[Failure]) -> list[dict]:
    by_id = raw.set_index("report_id")
    rows = []

    def add(rid: str, stage: str, reason: str) -> None:
        r = by_id.loc[rid]
        rows.append({"report_id": rid, "source_path": r.source_path, "content_sha256": r.content_sha256,
                     "stage": stage, "reason": reason, "detected_at": r.ingested_at})

    for r in raw[raw["decode_error"].notna() & raw["duplicate_of"].isna()].itertuples():
        add(r.report_id, "decode", r.decode_error)
    for r in status[status["clean_error"].notna()].itertuples():
        add(r.report_id, "parse", f"cleaning failed: {r.clean_error}")
    for f in failures:
        add(f.report_id, "parse", f"parsing failed: {f.reason}")
    return rows


@dg.multi_asset(
    specs=[_spec(n) for n in CORE_TABLES], name="core_tables",
    description="Parse every cleaned report (sections, topics, metadata, metrics, consistency, keywords) in "
                "parallel and write the core tables in one transaction.",
    partitions_def=reports_partitions, backfill_policy=SINGLE_RUN, retry_policy=RETRY, pool=POOL,
    check_specs=[schema_check_spec(TABLE[n]) for n in CORE_TABLES] + [dg.AssetCheckSpec(
        "consistency_rules", asset=TABLE["core.quality_issue"].key,
        description="Consistency rules (table sums, request balance, staff sum, prose vs table, rates, bounds) "
                    "over this run's reports; warns when any report breaks one.")],
)
def core_tables(context: dg.AssetExecutionContext, warehouse: Warehouse, text_settings: TextSettings):
    keys = list(context.partition_keys)
    tallies = {name: Tally(TABLE[name]) for name in CORE_TABLES}
    by_rule: Counter = Counter()
    by_source: Counter = Counter()
    failures: list[Failure] = []
    seg = text_settings.segmenter

    def write(insert, name: str, df: pd.DataFrame) -> list[dict]:
        validation = validate(TABLE[name], df)
        insert(name, validation.valid)
        tallies[name].add(validation)
        return schema_issue_rows(TABLE[name], validation)

    with worker_pool(text_settings.workers, seg, parallel=len(keys) >= MIN_PARALLEL) as pmap, \
            warehouse.get_connection() as conn:
        raw = read_reports(conn, "raw.reports", keys, ["report_id", "source_path", "content_sha256",
                                                       "decode_error", "duplicate_of", "ingested_at"])
        status = read_reports(conn, "staging.clean_reports", keys, ["report_id", "clean_error"])
        ok_ids = list(status.loc[status["clean_error"].isna(), "report_id"])
        # One transaction for the whole run, filled a chunk of reports at a time (memory stays flat).
        with replacing_reports(conn, CORE_TABLES, keys) as insert:
            for chunk in chunks(ok_ids):
                clean = read_reports(conn, "staging.clean_reports", chunk,
                                     ["report_id", "clean_text", "offset_runs", "page_published_on", "page_source"])
                runs = {r.report_id: json.loads(r.offset_runs) for r in clean.itertuples()}
                results = list(pmap(analyse_item, [(r.report_id, cleaned_from_row(r), seg) for r in clean.itertuples()]))
                failures += [r for r in results if isinstance(r, Failure)]
                frames = core_frames([r for r in results if not isinstance(r, Failure)], runs)
                issues = [frames.pop("core.quality_issue")]
                for name, df in frames.items():
                    issues.append(frame("core.quality_issue", write(insert, name, df)))
                issue_df = pd.concat(issues, ignore_index=True)
                write(insert, "core.quality_issue", issue_df)
                by_rule.update(issue_df["rule"])
                by_source.update(frames["core.fact_metric"]["source_kind"])
            write(insert, "core.quarantine", frame("core.quarantine", quarantine_rows(raw, status, failures)))
        totals = {n: count_rows(conn, n) for n in CORE_TABLES}
    for name in CORE_TABLES:
        t, tally = TABLE[name], tallies[name]
        extra = {"rows_written_this_run": tally.rows}
        if name == "core.fact_metric":
            extra["metrics_by_source"] = dg.MetadataValue.json(dict(by_source))
        if name == "core.quarantine":
            extra["quarantined_this_run"] = tally.rows
        meta = table_metadata(t, tally.head, total_rows=totals[name])
        meta.update(extra)
        yield dg.MaterializeResult(asset_key=t.key, metadata=meta)
        yield tally.check_result()
    yield dg.AssetCheckResult(
        asset_key=TABLE["core.quality_issue"].key, check_name="consistency_rules", passed=not by_rule,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"issues_by_rule": dg.MetadataValue.json(dict(by_rule.most_common())),
                  "sample": dg.MetadataValue.md(tallies["core.quality_issue"].head.to_markdown(index=False)
                                                if tallies["core.quality_issue"].rows else "_none_")})


INVENTORY = TABLE["core.report_inventory"]
INVENTORY_SQL = """
SELECT r.report_id, r.source_path, r.content_sha256,
       CASE WHEN q.report_id IS NOT NULL THEN 'quarantined'
            WHEN r.duplicate_of IS NOT NULL THEN 'duplicate'
            WHEN d.report_id IS NOT NULL THEN 'loaded'
            ELSE 'pending' END AS status,
       r.duplicate_of, q.reason
FROM raw.reports r
LEFT JOIN core.quarantine q USING (report_id)
LEFT JOIN core.dim_report d USING (report_id)
ORDER BY r.report_id
"""


@dg.asset(
    key=INVENTORY.key, group_name="core",
    deps=[TABLE[n].key for n in ("raw.reports", "core.dim_report", "core.quarantine")],
    description=INVENTORY.schema.description + " Removal policy: a report whose file left the inbox loses its "
                "partition (sensor) and, here, every row in raw/staging/core, so the marts built after it drop it too.",
    pool=POOL, kinds={"python", "duckdb"}, owners=[OWNER], metadata=spec_metadata(INVENTORY),
    automation_condition=MART_AUTOMATION, check_specs=[schema_check_spec(INVENTORY)],
)
def report_inventory(context: dg.AssetExecutionContext, warehouse: Warehouse):
    active = context.instance.get_dynamic_partitions(reports_partitions.name)
    with warehouse.get_connection() as conn:
        pruned = prune_reports(conn, active)
        validation = validate(INVENTORY, conn.execute(INVENTORY_SQL).df())
        replace_table(conn, INVENTORY.name, validation.valid)
    df = validation.valid
    yield dg.MaterializeResult(metadata=table_metadata(
        INVENTORY, df, pruned_rows=dg.MetadataValue.json({k: v for k, v in pruned.items() if v}),
        by_status=dg.MetadataValue.json(df["status"].value_counts().to_dict() if len(df) else {})))
    yield schema_check_result(INVENTORY, len(validation.dropped), validation.failures)
