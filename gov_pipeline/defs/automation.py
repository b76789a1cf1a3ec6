"""Jobs, sensors and schedules: the live inbox, declarative automation of the rollups, a daily backstop."""

import json
import time
from pathlib import Path

import dagster as dg

from gov_pipeline.defs.agency_pages import AGENCY_PAGES_KEYS
from gov_pipeline.defs.common import READER_TAG, TABLE, WAREHOUSE_TAG
from gov_pipeline.defs.core import CORE_TABLES
from gov_pipeline.defs.exports import EXPORT_KEYS
from gov_pipeline.defs.marts import MART_KEYS
from gov_pipeline.defs.publish import PUBLISH_KEY
from gov_pipeline.defs.ref import SOURCES
from gov_pipeline.defs.staging import CHUNKS_KEY
from gov_pipeline.inbox import InboxUnavailable, TickPlan, plan_tick
from gov_pipeline.resources import Inbox
from gov_pipeline.settings import get_settings

RAW_KEY = dg.AssetKey(TABLE["raw.reports"].key)
# Derived report by report, incrementally (only new or changed reports).
DERIVED_KEYS = [CHUNKS_KEY, *(dg.AssetKey(TABLE[n].key) for n in ("staging.clean_reports", *CORE_TABLES))]
# What a sync of the inbox materialises: the register of report files, then everything derived from it.
PER_REPORT_KEYS = [RAW_KEY, *DERIVED_KEYS]
# What must follow any change of reports: the inventory (which prunes removed reports), the SQL models and the
# analysts' copy. The exports and the agency pages are not in the inbox's runs: rewriting every mart's files (the
# workbook grows with the warehouse) and every agency's page would hold back the analysts' copy of every new
# report; automation re-writes them in a run of their own once the marts changed, and `make demo`, the refresh
# job and its schedule write them in the same run.
REFRESH_KEYS = [dg.AssetKey(TABLE["core.report_inventory"].key), *MART_KEYS, PUBLISH_KEY]
# The reference tables change only with their files in assets/ (code version), not with reports.
REF_KEYS = [dg.AssetKey(TABLE[n].key) for n in SOURCES]
ROLLUP_KEYS = [*REFRESH_KEYS, *REF_KEYS, *EXPORT_KEYS, *AGENCY_PAGES_KEYS]
ROLLUPS = dg.AssetSelection.assets(*ROLLUP_KEYS)
SYNC = dg.AssetSelection.assets(*PER_REPORT_KEYS, *REFRESH_KEYS)
# Kept fresh by declarative automation: everything but the register itself (synced by the inbox sensor).
AUTOMATED = dg.AssetSelection.assets(*DERIVED_KEYS, *ROLLUP_KEYS)


def parallel_executor(workers: int) -> dg.ExecutorDefinition:
    """Dagster's multiprocess executor as a bulk run uses it: `workers` step processes at a time, started from a
    fork server that has loaded the code location once (a step starts in ~0.3 s instead of ~2 s), and one step
    at a time of those that open the warehouse (op tag gov/warehouse), and of those that read the analysts' copy
    (gov/reads). The chunk steps of
    staging/report_chunks are what it spreads."""
    return dg.multiprocess_executor.configured({
        "max_concurrent": workers,
        "start_method": {"forkserver": {"preload_modules": ["gov_pipeline.definitions"]}},
        "tag_concurrency_limits": [{"key": k, "value": v, "limit": 1}
                                   for k, v in {**WAREHOUSE_TAG, **READER_TAG}.items()],
    }, name="gov_multiprocess")


process_reports_job = dg.define_asset_job(
    "process_reports", selection=SYNC, executor_def=dg.in_process_executor,
    description="Sync the inbox into the warehouse in one process: read new and changed files (or those the config "
                "lists: raw__reports.config.files), remove reports whose file left, derive what changed, refresh the "
                "marts and publish the analysts' copy. The inbox sensor's job for small syncs.")
process_reports_parallel_job = dg.define_asset_job(
    "process_reports_parallel", selection=SYNC, executor_def=parallel_executor(get_settings().workers),
    description="process_reports on the multiprocess executor: the text work's chunks run in GOV_WORKERS "
                "processes at once. The inbox sensor's job for bulk syncs (GOV_BULK_FILES files or more).")


def cluster_jobs(settings) -> list:
    """process_reports_cluster, when GOV_CELERY_CONFIG names the Celery executor's config: the sync with every step
    a Celery task. The text work's chunk steps go to the default queue (`dagster`: workers on any machine that sees
    the chunk folder), the steps that open the warehouse to the queue `warehouse` (one worker, concurrency 1, on the
    warehouse's machine)."""
    if settings.celery_config is None:
        return []
    import yaml
    from dagster_celery import celery_executor

    config = dict((yaml.safe_load(settings.celery_config.read_text(encoding="utf-8")) or {})
                  .get("execution", {}).get("config", {}))
    config["include"] = sorted({*config.get("include", []), "gov_pipeline.definitions"})
    return [dg.define_asset_job(
        "process_reports_cluster", selection=SYNC, executor_def=celery_executor.configured(config, name="gov_celery"),
        description="process_reports with every step a Celery task (GOV_CELERY_CONFIG): the chunks of the text "
                    "work on any worker, the warehouse's steps on the queue `warehouse`.")]


refresh_marts_job = dg.define_asset_job(
    "refresh_marts", selection=ROLLUPS,
    description="Prune removed reports, reload reference tables, rebuild every SQL rollup, re-write its exports and "
                "the agency pages, and publish the analysts' copy.")

daily_marts_refresh = dg.ScheduleDefinition(
    name="daily_marts_refresh", job=refresh_marts_job, cron_schedule="15 2 * * *",
    execution_timezone="Asia/Shanghai", default_status=dg.DefaultScheduleStatus.RUNNING,
    description="Backstop: rebuild the rollups every night at 02:15 (Beijing time) even if no report changed.")

rollup_automation_sensor = dg.AutomationConditionSensorDefinition(
    "rollup_automation_sensor", target=AUTOMATED, default_status=dg.DefaultSensorStatus.RUNNING,
    minimum_interval_seconds=15,
    description="Derives staging and core, then refreshes core.report_inventory, the marts, the analysts' copy, the "
                "exports and the agency pages, as soon as raw/reports is updated (eager); reloads a reference table "
                "when its file changes.")


def tick_request(plan: TickPlan, settle_s: float, bulk_files: int) -> dg.RunRequest:
    """The sync a tick asks for, leaving files modified within the settle time for later. A bulk drop (`bulk_files`
    files to read or more): the whole inbox, in the parallel job. Fewer: the files the tick found new, changed or
    removed, by name (their paths, the removed reports' ids), so the run reads them without listing the inbox."""
    bulk = len(plan.sync.read) >= bulk_files
    reason = "new or changed" if plan.sync.read else "removed" if plan.sync.removed else "ignored"
    config = {"settle_seconds": settle_s}  # a file modified again since the tick waits for a later one
    if not bulk and (plan.sync.read or plan.sync.removed):
        config["files"] = [*plan.read_paths, *plan.sync.removed]
    return dg.RunRequest(
        run_key=plan.request, job_name=(process_reports_parallel_job if bulk else process_reports_job).name,
        run_config={"ops": {"raw__reports": {"config": config}}},
        tags={"gov/reason": reason, "gov/files_to_read": str(len(plan.sync.read)),
              "gov/reports_to_remove": str(len(plan.sync.removed))})


@dg.sensor(
    name="report_inbox_sensor", minimum_interval_seconds=get_settings().sensor_interval_s,
    jobs=[process_reports_job, process_reports_parallel_job], default_status=dg.DefaultSensorStatus.RUNNING,
    description="Watches GOV_INBOX (recursive) and compares it with the warehouse's register of report files "
                "(raw.reports in the analysts' copy): new, changed and removed reports make one sync run per tick "
                "(process_reports, or process_reports_parallel for a bulk drop); files are read once unmodified "
                "for one tick. A tick that asks for nothing says why; an inbox that cannot be listed fails the tick "
                "(nothing is removed). The cursor holds three small values, whatever the inbox's size.",
)
def report_inbox_sensor(context: dg.SensorEvaluationContext, inbox: Inbox):
    settings = get_settings()
    cursor = json.loads(context.cursor) if context.cursor else None
    settle = settings.sensor_interval_s
    try:
        plan = plan_tick(Path(inbox.path), inbox.published_register(), cursor, time.time_ns(), settle)
    except InboxUnavailable as exc:  # fail the tick, loudly: nothing is requested, so nothing is removed
        raise InboxUnavailable(exc.errno, f"{exc.strerror}. Nothing was added or removed.") from exc
    if plan.skipped_changed:
        for skipped in plan.skipped[:20]:
            context.log.info(f"not read: {skipped.rel_path}: {skipped.reason}")
    counts = (f"to read={len(plan.sync.read)} to remove={len(plan.sync.removed)} waiting={len(plan.sync.waiting)} "
              f"unchanged={plan.sync.unchanged} ignored={len(plan.skipped)}")
    context.log.info(counts)
    cursor_text = json.dumps(plan.cursor, separators=(",", ":"))
    if plan.request is None:
        return dg.SensorResult(skip_reason=f"{plan.why_not} ({counts})", cursor=cursor_text)
    return dg.SensorResult(run_requests=[tick_request(plan, settle, settings.bulk_files)], cursor=cursor_text)
