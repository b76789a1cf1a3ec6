"""`make demo`: materialise every asset over the inbox into the warehouse, then print a summary.

Runs on the project's Dagster instance ($DAGSTER_HOME, default .dagster/) so the runs show in
`make dev`. Idempotent: unchanged reports give identical rows on a second run.
"""
from __future__ import annotations

import fcntl
import os
import sys
import time
from contextlib import contextmanager
from pathlib import Path

import dagster as dg
import duckdb

from gov_pipeline.defs.automation import (
    PER_REPORT_KEYS, RANGE_END, RANGE_START, REFRESH_KEYS, ROLLUP_KEYS, contiguous_ranges,
)
from gov_pipeline.defs.common import reports_partitions
from gov_pipeline.agency_pages import INDEX
from gov_pipeline.exports import WORKBOOK
from gov_pipeline.inbox import InboxUnavailable, inbox_keys
from gov_pipeline.instance import in_process_tags
from gov_pipeline.settings import Settings, get_settings


def sync_partitions(instance: dg.DagsterInstance, settings: Settings) -> tuple[list[str], list[str]]:
    """Make the `reports` partitions match the inbox: add new files, delete removed ones. Returns every key
    (sorted) and the keys added. Raises InboxUnavailable, having changed nothing, when the inbox cannot be listed
    (a missing folder is not an empty one)."""
    keys = inbox_keys(settings.inbox)
    existing = set(instance.get_dynamic_partitions(reports_partitions.name))
    for key in sorted(existing.difference(keys)):
        instance.delete_dynamic_partition(reports_partitions.name, key)
    added = [k for k in keys if k not in existing]
    add_partitions(instance, added)
    return keys, added


def add_partitions(instance: dg.DagsterInstance, keys: list[str], attempts: int = 5) -> None:
    """Add report partitions, whoever else adds some at the same time (the sensor, another `make demo`): Dagster
    checks which keys exist and inserts the rest, so two processes adding one key race on its unique index, and
    the loser's whole batch is rolled back. Asked again for what is still missing."""
    for attempt in range(attempts):
        missing = [k for k in keys if not instance.has_dynamic_partition(reports_partitions.name, k)] \
            if attempt else keys
        if not missing:
            return
        try:
            instance.add_dynamic_partitions(reports_partitions.name, missing)
            return
        except Exception as exc:  # (the storage's sqlalchemy IntegrityError / OperationalError, "database is locked")
            from sqlalchemy.exc import IntegrityError, OperationalError

            if not isinstance(exc, (IntegrityError, OperationalError)) or attempt == attempts - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def run_reports(defs: dg.Definitions, instance: dg.DagsterInstance, keys: list[str],
                run_config: dict | None = None, with_ref: bool = False) -> dg.ExecuteInProcessResult:
    """ONE run: the report partitions `keys` (a contiguous range of the partitions, in their order: the order
    they were added in) and then the rollups.

    This is the run the inbox sensor launches for the files it finds in a tick (`with_ref` also
    reloads the reference tables, as `make demo` does).
    """
    job = defs.resolve_implicit_global_asset_job_def()
    rollups = ROLLUP_KEYS if with_ref else REFRESH_KEYS
    tags = in_process_tags()
    if keys:
        selection = PER_REPORT_KEYS + rollups
        ranges = contiguous_ranges(keys, instance.get_dynamic_partitions(reports_partitions.name))
        if len(ranges) != 1:
            raise ValueError(f"the reports to run are not one range of partitions: {ranges[:3]}")
        tags.update({RANGE_START: ranges[0][0], RANGE_END: ranges[0][1]})
    else:
        selection = rollups
    return job.execute_in_process(instance=instance, asset_selection=selection, tags=tags, run_config=run_config)


def materialize_all(defs: dg.Definitions, instance: dg.DagsterInstance, settings: Settings,
                    run_config: dict | None = None) -> list[dg.ExecuteInProcessResult]:
    """Every asset over the whole inbox, in one run."""
    return [run_reports(defs, instance, sync_partitions(instance, settings)[0], run_config, with_ref=True)]


def summary(warehouse: Path, exports: Path | None = None, pages: Path | None = None) -> str:
    """What the warehouse holds, read from its published copy (which the run just published), and where the
    marts' exports and the agency pages are."""
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        counts = {
            "reports loaded": "SELECT count(*) FROM core.report_inventory WHERE status = 'loaded'",
            "quarantined": "SELECT count(*) FROM core.quarantine",
            "duplicates": "SELECT count(*) FROM core.report_inventory WHERE status = 'duplicate'",
            "files ignored": "SELECT count(*) FROM core.report_inventory WHERE status = 'ignored'",
            "sections": "SELECT count(*) FROM core.fact_section",
            "metrics": "SELECT count(*) FROM core.fact_metric",
            "quality issues": "SELECT count(*) FROM core.quality_issue",
        }
        lines = [f"warehouse: {warehouse}"]
        if exports is not None and (exports / WORKBOOK).exists():
            marts = len(list(exports.glob("*.parquet")))
            lines.append(f"exports:   {exports} ({WORKBOOK}, and {marts} marts as .parquet and .csv)")
        if pages is not None and (pages / INDEX).exists():
            agencies = len([p for p in pages.glob("*.html") if p.name != INDEX])
            lines.append(f"pages:     {pages / INDEX} (open it in a browser: {agencies} agency pages)")
        lines += [f"{label + ':':<16}{con.execute(sql).fetchone()[0]:>6}" for label, sql in counts.items()]
        odd = con.execute("SELECT source_path, status, coalesce(reason, 'copy of ' || duplicate_of, '') "
                          "FROM core.report_inventory WHERE status <> 'loaded' ORDER BY status, source_path").fetchall()
        if odd:
            lines += ["", "files not loaded (core.report_inventory):"]
            lines += [f"  {status:<12} {path}: {why}" for path, status, why in odd[:30]]
            if len(odd) > 30:
                lines.append(f"  ... and {len(odd) - 30} more")
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


@contextmanager
def one_demo_at_a_time(home: Path):
    """Hold the instance's demo lock: a second `make demo` on the same instance waits for the first (two would
    race on the partitions and the warehouse)."""
    with open(home / "gov-demo.lock", "a+") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            print("another `make demo` is running on this instance: waiting for it to finish ...", file=sys.stderr)
            fcntl.flock(fh, fcntl.LOCK_EX)
        yield


def main() -> int:
    from gov_pipeline.instance import ensure_dagster_home

    settings = get_settings()
    home = ensure_dagster_home()
    os.environ["DAGSTER_HOME"] = str(home)
    try:
        with one_demo_at_a_time(home):
            from gov_pipeline.definitions import defs

            with dg.DagsterInstance.get() as instance:
                results = materialize_all(defs, instance, settings, run_config=QUIET)
    except InboxUnavailable as exc:
        print(f"make demo: {exc.strerror}. Nothing was read, changed or deleted.", file=sys.stderr)
        return 1
    except dg.Failure as exc:  # a fault the run names (a damaged warehouse, an inbox gone mid-run): no traceback
        print(f"make demo: the run failed: {exc.description}", file=sys.stderr)
        return 1
    if not all(r.success for r in results):
        return 1
    print(summary(settings.read_copy, settings.exports_dir, settings.reports_dir))
    return 0


if __name__ == "__main__":
    sys.exit(main())
