"""`make demo`: materialise every asset over the inbox into the warehouse, then print a summary.

Runs on the project's Dagster instance ($DAGSTER_HOME, default .dagster/) so the runs show in
`make dev`. Idempotent: unchanged reports give identical rows on a second run.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

import dagster as dg
import duckdb

from gov_pipeline.defs.automation import PER_REPORT_KEYS, RANGE_END, RANGE_START, REFRESH_KEYS, ROLLUP_KEYS
from gov_pipeline.defs.common import reports_partitions
from gov_pipeline.inbox import inbox_keys
from gov_pipeline.settings import Settings, get_settings


def sync_partitions(instance: dg.DagsterInstance, settings: Settings) -> tuple[list[str], list[str]]:
    """Make the `reports` partitions match the inbox: add new files, delete removed ones. Returns every key
    (sorted) and the keys added."""
    keys = inbox_keys(settings.inbox)
    existing = set(instance.get_dynamic_partitions(reports_partitions.name))
    for key in sorted(existing.difference(keys)):
        instance.delete_dynamic_partition(reports_partitions.name, key)
    added = [k for k in keys if k not in existing]
    instance.add_dynamic_partitions(reports_partitions.name, added)
    return keys, added


QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_reports(defs: dg.Definitions, instance: dg.DagsterInstance, keys: list[str],
                run_config: dict | None = None, with_ref: bool = False) -> dg.ExecuteInProcessResult:
    """ONE run: the report partitions first..last (a contiguous range) and then the rollups.

    This is the run the inbox sensor launches for the files it finds in a tick (`with_ref` also
    reloads the reference tables, as `make demo` does).
    """
    job = defs.resolve_implicit_global_asset_job_def()
    rollups = ROLLUP_KEYS if with_ref else REFRESH_KEYS
    if keys:
        selection, tags = PER_REPORT_KEYS + rollups, {RANGE_START: keys[0], RANGE_END: keys[-1]}
    else:
        selection, tags = rollups, {}
    return job.execute_in_process(instance=instance, asset_selection=selection, tags=tags, run_config=run_config)


def materialize_all(defs: dg.Definitions, instance: dg.DagsterInstance, settings: Settings,
                    run_config: dict | None = None) -> list[dg.ExecuteInProcessResult]:
    """Every asset over the whole inbox, in one run."""
    return [run_reports(defs, instance, sync_partitions(instance, settings)[0], run_config, with_ref=True)]


def summary(warehouse: Path) -> str:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = {
            "reports loaded": "SELECT count(*) FROM core.report_inventory WHERE status = 'loaded'",
            "quarantined": "SELECT count(*) FROM core.quarantine",
            "duplicates": "SELECT count(*) FROM core.report_inventory WHERE status = 'duplicate'",
            "sections": "SELECT count(*) FROM core.fact_section",
            "metrics": "SELECT count(*) FROM core.fact_metric",
            "quality issues": "SELECT count(*) FROM core.quality_issue",
        }
        lines = [f"warehouse: {warehouse}"]
        lines += [f"{label + ':':<16}{con.execute(sql).fetchone()[0]:>6}" for label, sql in counts.items()]
        lines += [
            "",
            "marts.report_metrics_wide (first rows):",
        ]
        wide = con.execute(
            "SELECT report_id, agency_name, report_year, report_kind, format_era, proactive_total, "
            "requests_received, admin_review_total, admin_litigation_total, staff_total "
            "FROM marts.report_metrics_wide ORDER BY report_id LIMIT 10").df()
        lines.append(wide.to_string(index=False))
        return "\n".join(lines)
    finally:
        con.close()


def main() -> int:
    from gov_pipeline.definitions import defs
    from gov_pipeline.instance import ensure_dagster_home

    settings = get_settings()
    os.environ["DAGSTER_HOME"] = str(ensure_dagster_home())
    with dg.DagsterInstance.get() as instance:
        materialize_all(defs, instance, settings, run_config=QUIET)
    print(summary(settings.warehouse))
    return 0


if __name__ == "__main__":
    sys.exit(main())
