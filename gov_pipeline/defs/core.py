"""core layer: reports derived into cleaned text, dimensions and facts, validated before they are written."""

import time
from collections import Counter, deque

import dagster as dg
import pandas as pd

from gov_pipeline.defs.common import (
    DERIVED_AUTOMATION, MIN_PARALLEL, OWNER, POOL, PREVIEW_ROWS, REDERIVE_AUTOMATION, RETRY, TABLE, Tally, chunks,
    count_rows, frame_markdown, inbox_listing, increment_metadata, reports_partitions, require_valid,
    schema_check_result, schema_check_spec, schema_issue_rows, spec_metadata, table_metadata,
)
from gov_pipeline.defs.staging import CLEAN, clean_spec
from gov_pipeline.frames import Derived, derive_report, frame
from gov_pipeline.inbox import skipped_files
from gov_pipeline.resources import Inbox, TextSettings, Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.version import text_version
from gov_pipeline.warehouse import (
    DERIVE_PLAN, plan_increment, prune_reports, read_reports, registered, replacing_reports, sync_table, table_diff,
)

CORE_TABLES = ["core.dim_report", "core.fact_section", "core.fact_table_cell", "core.fact_metric",
               "core.fact_keyword", "core.quality_issue", "core.quarantine"]  # in dependency order
DERIVED_TABLES = [CLEAN.name, *CORE_TABLES]
INTERNAL_DEPS = {
    "core.fact_section": ["core.dim_report"],
    "core.fact_metric": ["core.dim_report", "core.fact_section", "core.fact_table_cell"],
    "core.fact_table_cell": ["core.dim_report"],
    "core.fact_keyword": ["core.dim_report"],
    "core.quality_issue": ["core.dim_report", "core.fact_metric"],
    "core.quarantine": [],
    "core.dim_report": [],
}
RAW_COLUMNS = ["report_id", "source_path", "content_sha256", "decode_error", "ingested_at"]


def _spec(name: str) -> dg.AssetSpec:
    t = TABLE[name]
    upstream = ["raw.reports", CLEAN.name, *INTERNAL_DEPS[name]]
    return dg.AssetSpec(t.key, deps=[TABLE[u].key for u in upstream], description=t.schema.description,
                        group_name="core", kinds={"python", "duckdb", "pandas"}, owners=[OWNER],
                        metadata=spec_metadata(t), code_version=text_version(),
                        automation_condition=REDERIVE_AUTOMATION)


def quarantine_row(raw: pd.Series, stage: str, reason: str, version: str) -> dict:
    return {"report_id": raw.name, "source_path": raw.source_path, "content_sha256": raw.content_sha256,
            "stage": stage, "reason": reason, "detected_at": raw.ingested_at, "text_version": version}


class Derivation:
    """Writes the derived rows of a run, one transaction per chunk of reports, and tallies them."""

    def __init__(self, conn, version: str, new: frozenset[str] = frozenset()):
        self.conn, self.version = conn, version
        self.new = new  # reports that have no rows yet: nothing to delete before writing theirs
        self.insert = None
        self.tallies = {name: Tally(TABLE[name]) for name in DERIVED_TABLES}
        self.by_rule: Counter = Counter()
        self.by_source: Counter = Counter()
        self.counts: Counter = Counter()
        self.seconds: Counter = Counter()  # waiting for the workers vs validating and writing, in this process

    def _write(self, name: str, df: pd.DataFrame) -> list[dict]:
        validation = validate(TABLE[name], df)
        if name == CLEAN.name:  # staging rows that fail their schema fail the run, with the cases shown
            require_valid(CLEAN, validation)
        self.insert(name, validation.valid)
        self.tallies[name].add(validation)
        return schema_issue_rows(TABLE[name], validation)

    def chunk(self, ids: list[str], raw: pd.DataFrame, results) -> None:
        """Replace the rows of reports `ids` in one transaction. raw: their raw.reports rows (indexed by
        report_id); results: their Derived, in any order."""
        with replacing_reports(self.conn, DERIVED_TABLES, [i for i in ids if i not in self.new]) as self.insert:
            self._chunk(raw, results)

    def _chunk(self, raw: pd.DataFrame, results) -> None:
        t0 = time.perf_counter()
        rows: dict[str, list[dict]] = {name: [] for name in DERIVED_TABLES}
        for r in raw[raw["decode_error"].notna()].itertuples():
            stage = "decode" if isinstance(r.content_sha256, str) else "read"  # no hash: no bytes were read
            rows["core.quarantine"].append(quarantine_row(raw.loc[r.Index], stage, r.decode_error, self.version))
        derived: Derived
        for derived in results:
            for name, table_rows in derived.rows.items():
                rows[name] += table_rows
            if derived.failure:
                rows["core.quarantine"].append(
                    quarantine_row(raw.loc[derived.report_id], "parse", derived.failure, self.version))
        t1 = time.perf_counter()
        frames = {name: frame(name, table_rows) for name, table_rows in rows.items()}
        for name in (CLEAN.name, "core.dim_report"):  # what each report was derived from, and by which version
            df = frames[name]
            frames[name] = df.assign(content_sha256=df["report_id"].map(raw["content_sha256"]), text_version=self.version)
        issues = [frames.pop("core.quality_issue")]
        for name, df in frames.items():
            issues.append(frame("core.quality_issue", self._write(name, df)))
        issue_df = pd.concat(issues, ignore_index=True)
        self._write("core.quality_issue", issue_df)
        self.by_rule.update(issue_df["rule"])
        self.by_source.update(frames["core.fact_metric"]["source_kind"])
        clean = frames[CLEAN.name]
        self.counts.update(cleaning_failures=int(clean["clean_error"].notna().sum()),
                           chars_removed=int((clean["raw_char_count"] - clean["char_count"]).sum()))
        self.seconds.update(waiting_for_workers=t1 - t0, validating_and_writing=time.perf_counter() - t1)


def _derive(conn, increment, pmap, seg: str, version: str) -> tuple[Derivation, dict[str, int]]:
    derivation = Derivation(conn, version, increment.new)
    if increment.stale:
        with replacing_reports(conn, DERIVED_TABLES, increment.stale):
            pass  # reports that left raw.reports (or became duplicates) leave these tables
    # One transaction per chunk of reports: a report's rows are all old or all new, memory stays flat
    # (DuckDB holds a transaction's rows until it commits), and a run that dies resumes where it stopped.
    in_flight: deque = deque()  # two chunks at most: the workers parse one while this process writes the other
    for ids in chunks(increment.todo):
        raw = read_reports(conn, "raw.reports", ids, [*RAW_COLUMNS, "text", "layout"]).set_index("report_id",
                                                                                                   drop=False)
        todo = raw[raw["text"].notna()]
        results = pmap(derive_report, [(rid, text, seg, layout) for rid, text, layout
                                       in zip(todo["report_id"], todo["text"], todo["layout"])])
        in_flight.append((ids, raw.drop(columns=["text", "layout"]), results))
        if len(in_flight) > 1:
            derivation.chunk(*in_flight.popleft())
    while in_flight:
        derivation.chunk(*in_flight.popleft())
    return derivation, {n: count_rows(conn, n) for n in DERIVED_TABLES}


@dg.multi_asset(
    specs=[clean_spec(), *(_spec(n) for n in CORE_TABLES)], name="derive_reports",
    description="Clean and parse every new or changed report (cleaning, sections, topics, metadata, metrics, "
                "consistency, keywords) in parallel worker processes, and write staging.clean_reports and the core "
                "tables, one transaction per chunk of 500 reports (resumable). Incremental: a report is derived again only when its bytes or the "
                "text version change; reports that left raw.reports (or became duplicates) leave these tables.",
    retry_policy=RETRY, pool=POOL,
    check_specs=[schema_check_spec(TABLE[n]) for n in DERIVED_TABLES] + [dg.AssetCheckSpec(
        "consistency_rules", asset=TABLE["core.quality_issue"].key,
        description="Consistency rules (table sums, request balance, staff sum, prose vs table, rates, bounds) "
                    "over this run's reports; warns when any report breaks one.")],
)
def derive_reports(context: dg.AssetExecutionContext, warehouse: Warehouse, text_settings: TextSettings):
    version, seg = text_version(), text_settings.segmenter
    t0 = time.perf_counter()
    with warehouse.get_connection(checkpoint=True) as conn:
        increment = plan_increment(conn, DERIVE_PLAN, version)
        planning = time.perf_counter() - t0
        many = len(increment.todo) >= MIN_PARALLEL
        parse = text_settings.parse_map(many)  # the run's workers, or this process; None: fork the pool first
        if parse is not None:
            derivation, totals = _derive(conn, increment, parse, seg, version)
    if parse is None:  # many reports and no pool yet (no raw step in this run): it forks with the warehouse closed
        warehouse.release()
        text_settings.start_pool()
        with warehouse.get_connection(checkpoint=True) as conn:
            derivation, totals = _derive(conn, increment, text_settings.parse_map(many), seg, version)
    parsed_in = text_settings.parsed_in
    text_settings.stop_workers(wait=False)  # done with them: they end while Dagster records the results
    quiet = (f"no rows written by this run: {len(increment.todo)} report(s) derived, {len(increment.stale)} removed, "
             f"{increment.unchanged} unchanged (derived already from the same bytes by the same text version)")
    for name in DERIVED_TABLES:
        t, tally = TABLE[name], derivation.tallies[name]
        extra = {"rows_written_this_run": tally.rows, **increment_metadata(increment)}
        if name == "core.fact_metric":
            extra["metrics_by_source"] = dg.MetadataValue.json(dict(derivation.by_source))
        if name == "core.quarantine":
            extra["quarantined_this_run"] = tally.rows
        if name == CLEAN.name:
            extra.update(derivation.counts)
        if name == "core.dim_report":
            seconds = {"planning": planning, **derivation.seconds, "all": time.perf_counter() - t0}
            extra["step_seconds"] = dg.MetadataValue.json({k: round(v, 3) for k, v in seconds.items()})
            extra["reports_parsed_in"] = parsed_in
            extra["reports_parsed_early"] = text_settings.parsed_early  # handed over by the raw step
        head = tally.head.drop(columns=["offset_runs"]) if name == CLEAN.name else tally.head
        yield dg.MaterializeResult(asset_key=t.key, metadata=table_metadata(
            t, head, total_rows=totals[name], nothing_written=quiet, **extra))
        yield tally.check_result()
    yield dg.AssetCheckResult(
        asset_key=TABLE["core.quality_issue"].key, check_name="consistency_rules", passed=not derivation.by_rule,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"issues_by_rule": dg.MetadataValue.json(dict(derivation.by_rule.most_common())),
                  "sample": dg.MetadataValue.md(frame_markdown(derivation.tallies["core.quality_issue"].head)
                                                if derivation.tallies["core.quality_issue"].rows else "_none_")})


INVENTORY = TABLE["core.report_inventory"]
SKIPPED = "_gov_skipped"  # the inbox's entries that are not reports (inbox.skipped_files), registered for the SQL
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
    description=INVENTORY.schema.description + " Removal policy: a report whose file left the inbox loses its "
                "partition (sensor) and, here, every row in raw/staging/core, so the marts built after it drop it too. "
                "Files that are not read (unsupported type, temporary, hidden, not a regular file, a broken or looping "
                "symlink) are listed with status 'ignored' and the reason. Fails, deleting nothing, when the inbox "
                "cannot be listed.",
    pool=POOL, kinds={"python", "duckdb"}, owners=[OWNER], metadata=spec_metadata(INVENTORY),
    automation_condition=DERIVED_AUTOMATION, check_specs=[schema_check_spec(INVENTORY)],
)
def report_inventory(context: dg.AssetExecutionContext, warehouse: Warehouse, inbox: Inbox):
    skipped = inbox_listing(inbox.path, skipped_files)
    active = context.instance.get_dynamic_partitions(reports_partitions.name)
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
