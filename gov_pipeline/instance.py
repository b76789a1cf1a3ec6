"""The project's Dagster instance settings (written to $DAGSTER_HOME/dagster.yaml)."""
from __future__ import annotations

import os
import sys
from pathlib import Path

from gov_pipeline.settings import REPO_ROOT, Settings, get_settings, redacted_url

# The storage block of each profile (GOV_DAGSTER_STORAGE, gov_pipeline/settings.py).
STORAGE_YAML = {
    # runs in {home}/history/runs.db, each run's events in {home}/history/runs/<run id>.db (and the asset
    # index in index.db), schedules and sensor ticks in {home}/schedules/: Dagster's default layout, one host
    "sqlite": """\
run_storage:
  module: dagster._core.storage.runs
  class: SqliteRunStorage
  config:
    base_dir: {home}/history/
event_log_storage:
  # Dagster's SQLite event log that keeps its connections open and commits without waiting for the disk
  # (gov_pipeline/event_log.py): a one-report run takes 4.8 s instead of 6.3 s with the stock storage
  module: gov_pipeline.event_log
  class: ConnectedSqliteEventLogStorage
  config:
    base_dir: {home}/history/runs/
schedule_storage:
  module: dagster._core.storage.schedules
  class: SqliteScheduleStorage
  config:
    base_dir: {home}/schedules/
""",
    # runs, events, schedules and concurrency slots in one PostgreSQL database (dagster-postgres) that
    # webservers, the daemon and runs on several hosts share. The URL holds the password: this file names
    # the variable, and every process that opens the instance reads the URL from its own environment.
    "postgres": """\
storage:
  postgres:
    postgres_url:
      env: GOV_DAGSTER_PG_URL
""",
}

DAGSTER_YAML = """\
# Written by `python -m gov_pipeline.instance` (make demo / make dev). Edit gov_pipeline/instance.py instead.
# Storage profile: {profile} (GOV_DAGSTER_STORAGE=sqlite|postgres, gov_pipeline/settings.py).
{storage}run_queue:
  # QueuedRunCoordinator, Dagster's default, made explicit; its run limit is `concurrency > runs` below
  max_user_code_failure_retries: 0
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


def dagster_yaml(home: Path, settings: Settings | None = None) -> str:
    """The instance's dagster.yaml for the storage profile of `settings` (default: the environment's). The
    postgres profile names GOV_DAGSTER_PG_URL, not its value: every process that opens the instance (webserver,
    daemon, code server, runs) must have the variable in its environment."""
    profile = (settings or get_settings()).dagster_storage
    storage = STORAGE_YAML[profile].format(home=home.as_posix())
    return DAGSTER_YAML.format(profile=profile, storage=storage)


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


def ensure_dagster_home(home: Path | None = None, settings: Settings | None = None) -> Path:
    """Create the instance folder with its dagster.yaml (rewritten only when it differs) for the storage profile
    of `settings` (default: the environment's GOV_DAGSTER_STORAGE)."""
    home = Path(home or os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    text = dagster_yaml(home, settings)
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return home


def _reason(exc: BaseException, url: str | None) -> str:
    """The first line of an error opening the database, the URL's password masked should the line hold it (the
    driver's messages name host, port, user and database, not the password)."""
    reason = str(exc).splitlines()[0] if str(exc).strip() else type(exc).__name__
    return reason.replace(url, redacted_url(url)) if url else reason


def start(home: Path | None = None, settings: Settings | None = None) -> Path:
    """What `make demo`, `make dev` and `make test` do first: write dagster.yaml, and mark failed the runs that
    processes killed since the instance last ran left STARTED. With PostgreSQL storage this also connects to the
    database (Dagster creates its tables there the first time): a database that cannot be reached is an error at
    once, naming GOV_DAGSTER_PG_URL with its password masked (Dagster itself retries for ~10 s, then fails with a
    traceback)."""
    settings = settings or get_settings()
    home = ensure_dagster_home(home, settings)
    if settings.dagster_storage == "postgres":
        import sqlalchemy
        from sqlalchemy.pool import NullPool

        url = settings.dagster_pg_url
        try:
            engine = sqlalchemy.create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 10})
            with engine.connect():
                pass
            engine.dispose()
        except Exception as exc:
            raise SystemExit(f"cannot open the Dagster instance's PostgreSQL storage "
                             f"(GOV_DAGSTER_PG_URL={redacted_url(url)}): {_reason(exc, url)}") from None
    if settings.dagster_storage == "postgres" or (home / "history").exists():
        from dagster import DagsterInstance

        with DagsterInstance.from_config(str(home)) as instance:
            for run_id in mark_dead_runs_failed(instance):
                print(f"marked run {run_id} failed: its process had died", file=sys.stderr)
    return home


if __name__ == "__main__":
    try:
        _settings = get_settings()
    except ValueError as exc:  # GOV_DAGSTER_STORAGE / GOV_DAGSTER_PG_URL: the message names the variable
        raise SystemExit(f"gov_pipeline.instance: {exc}") from None
    print(start(Path(sys.argv[1]) if len(sys.argv) > 1 else None, _settings))
