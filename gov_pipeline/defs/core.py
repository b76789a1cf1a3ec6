"""core layer: reports parsed into dimensions and facts, validated before they are written."""

import json

import dagster as dg
import pandas as pd

from gov_pipeline.defs.common import (
    OWNER, POOL, RETRY, SINGLE_RUN, TABLE, count_rows, reports_partitions, schema_check_result,
    schema_check_spec, schema_issue_rows, spec_metadata, table_metadata,
)
from gov_pipeline.frames import cleaned_from_row, core_frames_chunked, frame
from gov_pipeline.resources import TextSettings, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.text.pipeline import Failure, analyse_many
from gov_pipeline.warehouse import prune_reports, read_reports, replace_reports, replace_table

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


def quarantine_rows(raw: pd.DataFrame, clean: pd.DataFrame, failures: list[Failure]) -> list[dict]:
    by_id = raw.set_index("report_id")
    rows = []

    def add(rid: str, stage: str, reason: str) -> None:
        r = by_id.loc[rid]
        rows.append({"report_id": rid, "source_path": r.source_path, "content_sha256": r.content_sha256,
                     "stage": stage, "reason": reason, "detected_at": r.ingested_at})

    for r in raw[raw["decode_error"].notna() & raw["duplicate_of"].isna()].itertuples():
        add(r.report_id, "decode", r.decode_error)
    for r in clean[clean["clean_error"].notna()].itertuples():
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
    with warehouse.get_connection() as conn:
        raw = read_reports(conn, "raw.reports", keys, ["report_id", "source_path", "content_sha256",
                                                       "decode_error", "duplicate_of", "ingested_at"])
        clean = read_reports(conn, "staging.clean_reports", keys,
                             ["report_id", "clean_text", "clean_error", "offset_runs", "page_published_on", "page_source"])
        ok = clean[clean["clean_error"].isna()]
        items = [(r.report_id, cleaned_from_row(r)) for r in ok.itertuples()]
        runs = {r.report_id: json.loads(r.offset_runs) for r in ok.itertuples()}
        failures: list[Failure] = []
        frames = core_frames_chunked(analyse_many(items, workers=text_settings.workers,
                                                  segmenter=text_settings.segmenter), runs, failures)
        frames["core.quarantine"] = frame("core.quarantine", quarantine_rows(raw, clean, failures))
        validations, schema_issues = {}, []
        for name in CORE_TABLES:
            if name == "core.quality_issue":
                continue
            validations[name] = validate(TABLE[name], frames[name])
            schema_issues += schema_issue_rows(TABLE[name], validations[name])
        issues = pd.concat([frames["core.quality_issue"], frame("core.quality_issue", schema_issues)], ignore_index=True)
        validations["core.quality_issue"] = validate(TABLE["core.quality_issue"], issues)
        replace_reports(conn, {n: validations[n].valid for n in CORE_TABLES}, keys)
        totals = {n: count_rows(conn, n) for n in CORE_TABLES}
    for name in CORE_TABLES:
        t, df = TABLE[name], validations[name].valid
        extra = {}
        if name == "core.fact_metric" and len(df):
            extra = {"metrics_by_source": dg.MetadataValue.json(df["source_kind"].value_counts().to_dict()),
                     "redacted": int(df["is_redacted"].sum())}
        if name == "core.quarantine":
            extra = {"quarantined_this_run": len(df)}
        yield dg.MaterializeResult(asset_key=t.key, metadata=table_metadata(t, df, total_rows=totals[name], **extra))
        yield schema_check_result(t, validations[name])
    issues_df = validations["core.quality_issue"].valid
    by_rule = issues_df["rule"].value_counts().to_dict() if len(issues_df) else {}
    yield dg.AssetCheckResult(
        asset_key=TABLE["core.quality_issue"].key, check_name="consistency_rules", passed=not by_rule,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"issues_by_rule": dg.MetadataValue.json(by_rule), "reports_with_issues": int(issues_df["report_id"].nunique()) if len(issues_df) else 0,
                  "sample": dg.MetadataValue.md(issues_df.head(20).to_markdown(index=False) if len(issues_df) else "_none_")})


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
    yield schema_check_result(INVENTORY, validation)
