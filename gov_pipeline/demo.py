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
    PER_REPORT_KEYS, REFRESH_KEYS, ROLLUP_KEYS,
)
from gov_pipeline.agency_pages import INDEX
from gov_pipeline.exports import WORKBOOK
from gov_pipeline.inbox import InboxUnavailable, inbox_keys
from gov_pipeline.instance import in_process_tags
from gov_pipeline.settings import Settings, get_settings

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}


def sync_config(files: list[str] | None = None, reread: bool = False) -> dict:
    """Run config of the raw step: sync the whole inbox, or read exactly `files` (report ids or inbox paths)."""
    return {"ops": {"raw__reports": {"config": {"files": list(files or []), "reread": reread}}}}


def run_reports(defs: dg.Definitions, instance: dg.DagsterInstance, files: list[str] | None = None,
                run_config: dict | None = None, with_ref: bool = False, reports: bool = True,
                tags: dict | None = None) -> dg.ExecuteInProcessResult:
    """ONE run in this process: sync the inbox (or read exactly `files`), derive what changed, refresh the rollups
    and publish the analysts' copy. `with_ref` also reloads the reference tables, the exports and the agency pages
    (as `make demo` does); without `reports` only the rollups run."""
    job = defs.resolve_implicit_global_asset_job_def()
    rollups = ROLLUP_KEYS if with_ref else REFRESH_KEYS
    config = {**(run_config or {})}
    if reports:
        config = _merged(config, sync_config(files))
    return job.execute_in_process(instance=instance, asset_selection=(PER_REPORT_KEYS if reports else []) + rollups,
                                  tags={**in_process_tags(), **(tags or {})}, run_config=config)


def run_parallel(instance: dg.DagsterInstance, run_config: dict | None = None,
                 with_ref: bool = True) -> dg.ExecutionResult:
    """The same sync as run_reports over the whole inbox, on the multiprocess executor (the job
    process_reports_parallel, reconstructed in its step processes from the environment's settings)."""
    from gov_pipeline.definitions import parallel_job

    selection = [*PER_REPORT_KEYS, *(ROLLUP_KEYS if with_ref else REFRESH_KEYS)]
    config = _merged({**(run_config or {})}, sync_config())
    return dg.execute_job(dg.reconstructable(parallel_job), instance=instance, run_config=config,
                          tags=in_process_tags(), asset_selection=selection)


def _merged(a: dict, b: dict) -> dict:
    out = dict(a)
    for k, v in b.items():
        out[k] = _merged(out[k], v) if isinstance(v, dict) and isinstance(out.get(k), dict) else v
    return out


def materialize_all(defs: dg.Definitions, instance: dg.DagsterInstance, settings: Settings,
                    run_config: dict | None = None) -> list:
    """Every asset over the whole inbox, in one run: in this process, or on the multiprocess executor when the
    inbox holds at least `settings.bulk_files` files more than the warehouse has read (a first load). Raises
    InboxUnavailable, having changed nothing, when the inbox cannot be listed (a missing folder is not an empty
    one)."""
    keys = inbox_keys(settings.inbox)
    if settings.workers > 1 and len(keys) - _loaded(settings) >= settings.bulk_files:
        return [run_parallel(instance, run_config)]
    return [run_reports(defs, instance, run_config=run_config, with_ref=True)]


def _loaded(settings: Settings) -> int:
    """Reports the published copy holds (0 when there is none)."""
    from gov_pipeline.warehouse import published_register

    return len(published_register(str(settings.read_copy)))


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
    race on the warehouse)."""
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
