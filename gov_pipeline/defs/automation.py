"""Sensors and schedules: the live inbox, declarative automation of the rollups, a daily backstop."""

import json
from pathlib import Path

import dagster as dg

from gov_pipeline.defs.agency_pages import AGENCY_PAGES_KEYS
from gov_pipeline.defs.common import TABLE, reports_partitions
from gov_pipeline.defs.core import CORE_TABLES
from gov_pipeline.defs.exports import EXPORT_KEYS
from gov_pipeline.defs.marts import MART_KEYS
from gov_pipeline.defs.ref import SOURCES
from gov_pipeline.inbox import InboxUnavailable, TickPlan, fingerprint, plan_tick
from gov_pipeline.resources import Inbox
from gov_pipeline.settings import get_settings

# The one partitioned asset: a report file per partition.
RAW_KEY = dg.AssetKey(TABLE["raw.reports"].key)
# Derived report by report, incrementally (only new or changed reports), unpartitioned.
DERIVED_KEYS = [dg.AssetKey(TABLE[n].key) for n in ("staging.clean_reports", *CORE_TABLES)]
# What a run over some report partitions materialises: the partitions, then everything derived from them.
PER_REPORT_KEYS = [RAW_KEY, *DERIVED_KEYS]
# What must follow any change of reports: the inventory (which prunes removed reports) and the SQL models. The
# exports and the agency pages are not in the inbox's runs: rewriting every mart's files (the workbook grows with the
# warehouse) and every agency's page would hold back the analysts' copy of every new report; automation re-writes
# them in a run of their own once the marts changed, and `make demo`, the refresh job and its schedule write them in
# the same run.
REFRESH_KEYS = [dg.AssetKey(TABLE["core.report_inventory"].key), *MART_KEYS]
# The reference tables change only with their files in assets/ (code version), not with reports.
REF_KEYS = [dg.AssetKey(TABLE[n].key) for n in SOURCES]
ROLLUP_KEYS = [*REFRESH_KEYS, *REF_KEYS, *EXPORT_KEYS, *AGENCY_PAGES_KEYS]
ROLLUPS = dg.AssetSelection.assets(*ROLLUP_KEYS)
# Kept fresh by declarative automation: everything but the partitions themselves.
AUTOMATED = dg.AssetSelection.assets(*DERIVED_KEYS, *ROLLUP_KEYS)
RANGE_START, RANGE_END = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"

process_reports_job = dg.define_asset_job(
    "process_reports", selection=dg.AssetSelection.assets(*PER_REPORT_KEYS), partitions_def=reports_partitions,
    description="Read a range of report partitions, then clean and parse every new or changed report "
                "(single run for any number of partitions).")
refresh_marts_job = dg.define_asset_job(
    "refresh_marts", selection=ROLLUPS,
    description="Prune removed reports, reload reference tables, rebuild every SQL rollup and re-write its exports "
                "and the agency pages.")

daily_marts_refresh = dg.ScheduleDefinition(
    name="daily_marts_refresh", job=refresh_marts_job, cron_schedule="15 2 * * *",
    execution_timezone="Asia/Shanghai", default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Backstop: rebuild the rollups every night at 02:15 (Beijing time) even if no report changed.")

rollup_automation_sensor = dg.AutomationConditionSensorDefinition(
    "rollup_automation_sensor", target=AUTOMATED, default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=15,
    description="Derives staging and core, then refreshes core.report_inventory, the marts, their exports and the "
                "agency pages, as soon as any report partition is updated (eager, not blocked by missing or failed "
                "report partitions); reloads a reference table when its file changes.")


def contiguous_ranges(keys: list[str], order: list[str]) -> list[tuple[str, str]]:
    """Group keys into runs of consecutive partitions in `order` (the dynamic partition order)."""
    index = {k: i for i, k in enumerate(order)}
    ranges: list[list] = []
    for i in sorted(index[k] for k in keys if k in index):
        if ranges and i == ranges[-1][1] + 1:
            ranges[-1][1] = i
        else:
            ranges.append([i, i])
    return [(order[a], order[b]) for a, b in ranges]


def _range_request(first: str, last: str, reason: str, run_key: str) -> dg.RunRequest:
    return dg.RunRequest(
        run_key=run_key, asset_selection=PER_REPORT_KEYS + REFRESH_KEYS,
        tags={RANGE_START: first, RANGE_END: last, "gov/reason": reason})


def tick_requests(plan: TickPlan, partitions: list[str]) -> list[dg.RunRequest]:
    """The runs a tick asks for: one per contiguous range of new or changed partitions, else one refresh when
    files left the inbox or the ignored files changed (the inventory lists them). Each run key ends with the
    tick's sequence number (the cursor's `seq`, counted up by every tick that asks for runs), so it never repeats
    across remove/restore or A -> B -> A cycles (the daemon skips a run whose key it has seen), yet a tick that is
    evaluated again after a crash, from the same cursor, asks for the same keys and starts nothing twice (the key
    does not say new or changed: a partition the first evaluation added makes its files 'changed' the second time)."""
    seq = plan.cursor["seq"] + 1
    removed = set(plan.removed_keys)
    order = [k for k in partitions if k not in removed] + plan.new_keys
    shas = plan.cursor["files"]
    of_keys = lambda ks: fingerprint(f"{k}:{shas[k][3]}" for k in ks)  # noqa: E731
    requests: list[dg.RunRequest] = []
    if plan.new_keys:
        first, last = plan.new_keys[0], plan.new_keys[-1]
        requests.append(_range_request(first, last, "new", f"{first}..{last}:{of_keys(plan.new_keys)}:{seq}"))
    for first, last in contiguous_ranges(plan.changed_keys, order):
        key = f"{first}..{last}:{of_keys(plan.changed_keys)}:{seq}"
        requests.append(_range_request(first, last, "changed", key))
    if not requests and (plan.removed_keys or plan.skipped_changed):
        reason = "removed" if plan.removed_keys else "ignored"
        requests.append(dg.RunRequest(run_key=f"refresh:{fingerprint(plan.removed_keys)}:{seq}",
                                      asset_selection=REFRESH_KEYS, tags={"gov/reason": reason}))
    if requests:
        plan.cursor["seq"] = seq
    return requests


@dg.sensor(
    name="report_inbox_sensor", minimum_interval_seconds=get_settings().sensor_interval_s,
    asset_selection=AUTOMATED | dg.AssetSelection.assets(RAW_KEY), default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches GOV_INBOX (recursive) for new, changed and removed reports. New files become "
                "partitions and are processed in ONE run per tick; files are read only once stable across two ticks. "
                "A tick that asks for nothing says why; an inbox that cannot be listed fails the tick (nothing is "
                "removed).",
)
def report_inbox_sensor(context: dg.SensorEvaluationContext, inbox: Inbox):
    cursor = json.loads(context.cursor) if context.cursor else None
    partitions = context.instance.get_dynamic_partitions(reports_partitions.name)
    try:
        plan = plan_tick(Path(inbox.path), cursor, set(partitions), loaded=inbox.loaded_hashes)
    except InboxUnavailable as exc:  # fail the tick, loudly: nothing is added, removed or requested
        raise InboxUnavailable(exc.errno, f"{exc.strerror}. Nothing was added or removed.") from exc
    if plan.skipped_changed:
        for skipped in plan.skipped[:20]:
            context.log.info(f"not read: {skipped.rel_path}: {skipped.reason}")
    requests = tick_requests(plan, partitions)
    dyn = []
    if plan.new_keys:
        dyn.append(reports_partitions.build_add_request(plan.new_keys))
    if plan.removed_keys:
        dyn.append(reports_partitions.build_delete_request(plan.removed_keys))
    counts = (f"new={len(plan.new_keys)} changed={len(plan.changed_keys)} removed={len(plan.removed_keys)} "
              f"waiting={len(plan.waiting)} ignored={len(plan.skipped)}")
    context.log.info(f"{counts} runs={len(requests)}")
    cursor_text = json.dumps(plan.cursor, separators=(",", ":"), ensure_ascii=False)
    if requests:
        return dg.SensorResult(run_requests=requests, dynamic_partitions_requests=dyn, cursor=cursor_text)
    why = (f"{len(plan.waiting)} file(s) still being written: read once unchanged for one more tick ({counts})"
           if plan.waiting else f"no new, changed or removed report ({counts})")
    return dg.SensorResult(skip_reason=why, dynamic_partitions_requests=dyn, cursor=cursor_text)
