"""The one Dagster entry point: `gov_pipeline.definitions:defs` (workspace.yaml, dg, tests)."""
from __future__ import annotations

import dagster as dg

from gov_pipeline.defs.agency_pages import agency_pages_assets
from gov_pipeline.defs.automation import (
    cluster_jobs, daily_marts_refresh, process_reports_job, process_reports_parallel_job, refresh_marts_job, report_inbox_sensor,
    rollup_automation_sensor,
)
from gov_pipeline.defs.core import derive_reports, report_inventory
from gov_pipeline.defs.exports import export_assets
from gov_pipeline.defs.marts import mart_assets
from gov_pipeline.defs.publish import analysts_copy
from gov_pipeline.defs.raw import raw_reports
from gov_pipeline.defs.ref import ref_assets
from gov_pipeline.defs.staging import report_chunks
from gov_pipeline.resources import build_resources
from gov_pipeline.settings import Settings, get_settings


def build_defs(settings: Settings) -> dg.Definitions:
    """The code location for a given settings object (tests point it at temporary folders)."""
    return dg.Definitions(
        assets=[raw_reports, report_chunks, derive_reports, report_inventory, *ref_assets, *mart_assets,
                analysts_copy, *export_assets, *agency_pages_assets],
        jobs=[process_reports_job, process_reports_parallel_job, refresh_marts_job, *cluster_jobs(settings)],
        schedules=[daily_marts_refresh],
        sensors=[report_inbox_sensor, rollup_automation_sensor],
        resources=build_resources(settings),
        # One process per run by default (a step costs no process start); a bulk sync runs the job
        # process_reports_parallel, whose multiprocess executor spreads the text work's chunks over processes.
        executor=dg.in_process_executor,
    )


defs = build_defs(get_settings())


def cluster_job() -> dg.JobDefinition:
    """process_reports_cluster (GOV_CELERY_CONFIG), reconstructable in the Celery workers."""
    return defs.resolve_job_def("process_reports_cluster")


def parallel_job() -> dg.JobDefinition:
    """process_reports_parallel, reconstructable in the executor's step processes (`make demo`, the bench)."""
    return defs.resolve_job_def("process_reports_parallel")
