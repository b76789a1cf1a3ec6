"""The project's Dagster instance settings (written to $DAGSTER_HOME/dagster.yaml)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from gov_pipeline.settings import REPO_ROOT

DAGSTER_YAML = """\
# Written by `python -m gov_pipeline.instance` (make demo / make dev). Edit gov_pipeline/instance.py instead.
# SQLite storage in this folder (Dagster's default layout); the event log writes Dagster's event
# batches in one transaction (gov_pipeline/event_log.py), enabled by DAGSTER_EVENT_BATCH_SIZE.
run_storage:
  module: dagster._core.storage.runs
  class: SqliteRunStorage
  config:
    base_dir: {home}/history/
event_log_storage:
  module: gov_pipeline.event_log
  class: BatchingSqliteEventLogStorage
  config:
    base_dir: {home}/history/runs/
schedule_storage:
  module: dagster._core.storage.schedules
  class: SqliteScheduleStorage
  config:
    base_dir: {home}/schedules/
concurrency:
  pools:
    # Every step that opens the DuckDB warehouse is in the `duckdb` pool; DuckDB allows a single
    # writer process, so the pool admits one run at a time (its steps share one connection,
    # gov_pipeline/resources.py); runs that do not touch the warehouse are not held back.
    default_limit: 1
    granularity: run
  runs:
    max_concurrent_runs: 4
run_monitoring:
  enabled: true
run_retries:
  # a run whose process died is retried once; a run whose step failed is not (the steps have their own
  # retry policies, and a fault such as a damaged warehouse would only fail again)
  enabled: true
  max_retries: 1
  retry_on_asset_or_op_failure: false
sensors:
  use_threads: true
  num_workers: 2
telemetry:
  enabled: false
"""


# Tags of a run executed in this process (make demo, tests): the process that runs it, so that a later start
# of the instance can tell that a run left STARTED by a killed process is dead (mark_dead_runs_failed)
PID_TAG, HOST_TAG = "gov/pid", "gov/host"


def in_process_tags() -> dict[str, str]:
    import socket

    # dagster/max_retries 0: the daemon cannot retry a run executed in a process of its own
    return {PID_TAG: str(os.getpid()), HOST_TAG: socket.gethostname(), "dagster/max_retries": "0"}


def mark_dead_runs_failed(instance) -> list[str]:
    """Mark failed every run of this host left STARTING or STARTED by a process that no longer runs (killed with
    SIGKILL, or a `make dev` whose code server died with it): Dagster's own run monitoring cannot see such runs,
    and one would hold the `duckdb` pool's slot for ever. A run's process is its `gov/pid` tag (runs executed in
    a process: make demo), else the pid of its RUN_START event (runs the daemon launched). Returns their ids."""
    import socket

    import psutil
    from dagster import DagsterEventType, DagsterRunStatus, RunsFilter

    host, dead = socket.gethostname(), []
    records = instance.get_run_records(filters=RunsFilter(statuses=[DagsterRunStatus.STARTING,
                                                                    DagsterRunStatus.STARTED]))
    for record in records:
        run = record.dagster_run
        if run.tags.get(HOST_TAG, host) != host:
            continue
        pid = run.tags.get(PID_TAG)
        if pid is None:
            start = instance.get_records_for_run(run.run_id, of_type=DagsterEventType.RUN_START, limit=1).records
            if not start or start[0].event_log_entry.dagster_event is None:
                continue
            pid = start[0].event_log_entry.dagster_event.pid
        started = record.start_time or record.create_timestamp.timestamp()
        try:  # alive, and not another process that reused the pid since
            alive = psutil.Process(int(pid)).create_time() <= started + 1
        except (psutil.NoSuchProcess, ValueError):
            alive = False
        if not alive:
            instance.report_run_failed(run, f"the run's process (pid {pid}) ended without finishing the run "
                                            "(killed?); marked failed when the instance started again")
            dead.append(run.run_id)
    return dead


def ensure_dagster_home(home: Path | None = None) -> Path:
    """Create the instance folder with its dagster.yaml (rewritten only when it differs)."""
    home = Path(home or os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    text = DAGSTER_YAML.format(home=home.as_posix())
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return home


def start(home: Path | None = None) -> Path:
    """What `make demo`, `make dev` and `make test` do first: write dagster.yaml, and mark failed the runs that
    processes killed since the instance last ran left STARTED."""
    home = ensure_dagster_home(home)
    if (home / "history").exists():
        from dagster import DagsterInstance

        with DagsterInstance.from_config(str(home)) as instance:
            for run_id in mark_dead_runs_failed(instance):
                print(f"marked run {run_id} failed: its process had died", file=sys.stderr)
    return home


if __name__ == "__main__":
    print(start(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
