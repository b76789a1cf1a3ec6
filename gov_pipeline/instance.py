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
  enabled: true
  max_retries: 1
sensors:
  use_threads: true
  num_workers: 2
telemetry:
  enabled: false
"""


def ensure_dagster_home(home: Path | None = None) -> Path:
    """Create the instance folder with its dagster.yaml (rewritten only when it differs)."""
    home = Path(home or os.environ.get("DAGSTER_HOME") or REPO_ROOT / ".dagster").resolve()
    home.mkdir(parents=True, exist_ok=True)
    target = home / "dagster.yaml"
    text = DAGSTER_YAML.format(home=home.as_posix())
    if not target.exists() or target.read_text(encoding="utf-8") != text:
        target.write_text(text, encoding="utf-8")
    return home


if __name__ == "__main__":
    print(ensure_dagster_home(Path(sys.argv[1]) if len(sys.argv) > 1 else None))
