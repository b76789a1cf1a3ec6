"""process_reports_cluster on real Celery workers (dagster-celery), with a file-system broker and result backend so no
server is needed: the text work's chunks run on the default queue's worker, every step that opens the warehouse on the
`warehouse` queue's worker, and the warehouse ends as the in-process run leaves it."""
import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from tests.conftest import SEEDS, Harness

BIN = Path(sys.executable).parent
TABLES = ("core.dim_report", "core.fact_metric", "core.fact_section", "marts.report_metrics_wide")


def _celery_yaml(root: Path) -> Path:
    queue = root / "broker"
    for sub in ("in", "processed"):
        (queue / sub).mkdir(parents=True, exist_ok=True)
    (root / "results").mkdir(exist_ok=True)
    path = root / "celery.yaml"
    path.write_text(f"""execution:
  config:
    broker: "filesystem://"
    backend: "file://{root / 'results'}"
    config_source:
      broker_transport_options:
        data_folder_in: {queue / 'in'}
        data_folder_out: {queue / 'in'}
        data_folder_processed: {queue / 'processed'}
""", encoding="utf-8")
    return path


def _rows(warehouse: Path) -> dict:
    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {t: con.execute(f"SELECT * EXCLUDE (text_version) FROM {t} ORDER BY ALL").fetchall() if t == "core.dim_report"
                else con.execute(f"SELECT * FROM {t} ORDER BY ALL").fetchall() for t in TABLES}
    finally:
        con.close()


def _workers(env: dict, config: Path, logs: Path):
    """A worker for the warehouse queue (one task at a time) and one for the text work (two at a time)."""
    procs = []
    for name, queue, concurrency in (("warehouse", "warehouse", 1), ("text", "dagster", 2)):
        log = open(logs / f"{name}.log", "wb")
        procs.append(subprocess.Popen(
            [str(BIN / "dagster-celery"), "worker", "start", "-A", "dagster_celery.app", "-y", str(config), "-q", queue,
             "--name", name, "--", "-c", str(concurrency)],
            env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True))
    return procs


def _wait_ready(procs, logs: Path, timeout: float = 120) -> None:
    """Until both workers say they are ready (a worker that died fails the test with its log)."""
    deadline = time.monotonic() + timeout
    for proc, name in zip(procs, ("warehouse", "text")):
        log = logs / f"{name}.log"
        while b"ready." not in log.read_bytes():
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the {name} worker did not start:\n{log.read_text(errors='replace')[-2000:]}")
            time.sleep(0.2)


def test_the_cluster_job_runs_the_chunks_and_the_warehouse_steps_on_their_queues(tmp_path, monkeypatch):
    if shutil.which("dagster-celery", path=str(BIN)) is None:
        pytest.skip("dagster-celery is not installed")
    with dg.instance_for_test() as instance:
        one = Harness(tmp_path / "one", instance)
        one.copy_seeds()
        one.materialize_all()
        expected = _rows(one.settings.warehouse)

    root = tmp_path / "cluster"
    inbox = root / "inbox"
    inbox.mkdir(parents=True)
    for path in SEEDS.glob("*.txt"):
        shutil.copy(path, inbox / path.name)
    config = _celery_yaml(root)
    home = root / "dagster_home"  # the instance the run and the workers share (the CLI opens it to start a worker)
    home.mkdir()
    (home / "dagster.yaml").write_text("telemetry:\n  enabled: false\n", encoding="utf-8")
    dg.DagsterInstance.from_config(str(home)).dispose()  # its tables, before two workers open it at once
    env = {**os.environ, "DAGSTER_HOME": str(home), "GOV_INBOX": str(inbox), "GOV_WAREHOUSE": str(root / "w.duckdb"), "GOV_SEGMENTER": "jieba",
           "GOV_CHUNK_REPORTS": "2", "GOV_CELERY_CONFIG": str(config),
           "PATH": f"{BIN}{os.pathsep}{os.environ.get('PATH', '')}"}
    for key in ("GOV_INBOX", "GOV_WAREHOUSE", "GOV_SEGMENTER", "GOV_CHUNK_REPORTS", "GOV_CELERY_CONFIG"):
        monkeypatch.setenv(key, env[key])
    procs = _workers(env, config, root)
    try:
        from gov_pipeline.definitions import cluster_job
        from gov_pipeline.demo import QUIET, _merged, sync_config

        _wait_ready(procs, root)
        with dg.DagsterInstance.from_config(str(home)) as instance:
            done: list = []
            runner = threading.Thread(target=lambda: done.append(dg.execute_job(
                dg.reconstructable(cluster_job), instance=instance, run_config=_merged(QUIET, sync_config()))),
                daemon=True)
            runner.start()
            runner.join(300)
            assert done, "the run did not finish in 5 minutes (see the workers' logs)"
            result = done[0]
            assert result.success
            ran_on = {}  # step -> the Celery worker that ran it (the executor's engine event names it)
            for entry in instance.all_logs(result.run_id, of_type=dg.DagsterEventType.ENGINE_EVENT):
                meta = entry.dagster_event.engine_event_data.metadata
                if "Celery worker" in meta:
                    ran_on[entry.step_key] = meta["Celery worker"].value.split("@")[0]
    finally:
        for proc in procs:
            os.killpg(proc.pid, signal.SIGTERM)
        for proc in procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
    chunks = {k: v for k, v in ran_on.items() if "derive_chunk_op" in k}
    assert len(chunks) == 3 and set(chunks.values()) == {"text"}, ran_on  # 5 reports in chunks of 2
    for step in ("raw__reports", "staging__report_chunks.plan_chunks", "derive_reports", "sql_models",
                 "warehouse__analysts_copy"):
        assert ran_on[step] == "warehouse", (step, ran_on)
    assert _rows(root / "w.duckdb") == expected
