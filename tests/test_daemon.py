"""The live inbox under Dagster's own daemon (`dagster-daemon run`, as `make dev` starts it): every inbox change
reaches the warehouse, remove/restore cycles included, while an analyst holds the published copy open."""
import os
import shutil
import signal
import subprocess
import sys
import time

import dagster as dg
import duckdb
import pytest

from gov_pipeline.instance import ensure_dagster_home
from gov_pipeline.reader import Reader
from gov_pipeline.settings import REPO_ROOT, read_copy_of

A, B = "000_d9a8aa6b43ea3b92", "004_17c27c0a9e1aa267"
DEADLINE_S = 60  # each change lands within a minute


def wait_for(reader: Reader, want: set[str], what: str) -> float:
    started = time.monotonic()
    while time.monotonic() - started < DEADLINE_S:
        try:
            have = {r[0] for r in reader.sql("SELECT report_id FROM core.report_inventory WHERE status = 'loaded'")
                    .fetchall()}
        except FileNotFoundError:
            have = None
        if have == want:
            return time.monotonic() - started
        time.sleep(0.5)
    raise AssertionError(f"{what}: the warehouse did not reach {sorted(want)} within {DEADLINE_S} s (has {have})")


@pytest.mark.skipif(not shutil.which("dagster-daemon", path=os.path.dirname(sys.executable)), reason="no daemon")
def test_remove_and_restore_cycles_land_each_time_under_the_daemon(tmp_path):
    inbox, warehouse = tmp_path / "inbox", tmp_path / "w" / "gov.duckdb"
    inbox.mkdir()
    for key in (A, B):
        shutil.copy(REPO_ROOT / "seeds" / f"{key}.txt", inbox / f"{key}.txt")
    home = ensure_dagster_home(tmp_path / "home")
    env = {**os.environ, "GOV_INBOX": str(inbox), "GOV_WAREHOUSE": str(warehouse), "DAGSTER_HOME": str(home),
           "GOV_SENSOR_INTERVAL": "1", "GOV_WORKERS": "1"}
    log = (tmp_path / "daemon.log").open("wb")  # a file, not a pipe nobody reads: a full pipe would stall the daemon
    daemon = subprocess.Popen([os.path.join(os.path.dirname(sys.executable), "dagster-daemon"), "run",
                               "-w", str(REPO_ROOT / "workspace.yaml")], env=env, cwd=REPO_ROOT,
                              stdout=subprocess.DEVNULL, stderr=log, start_new_session=True)
    copy = read_copy_of(warehouse)
    try:
        started = time.monotonic()
        while not copy.exists() and time.monotonic() - started < 120:
            time.sleep(0.5)
        analyst = duckdb.connect(str(copy), read_only=True)  # held open for the whole test
        reader = Reader(copy)
        times = {"first load": wait_for(reader, {A, B}, "first load")}
        path, data = inbox / f"{A}.txt", (inbox / f"{A}.txt").read_bytes()
        for cycle in (1, 2):
            path.unlink()
            times[f"removed {cycle}"] = wait_for(reader, {B}, f"removal {cycle}")
            path.write_bytes(data)  # restored byte for byte
            times[f"restored {cycle}"] = wait_for(reader, {A, B}, f"restore {cycle}")
        analyst.execute("SELECT count(*) FROM core.dim_report").fetchone()  # its own snapshot, still read without error
        print(" ".join(f"{k}: {v:.1f}s" for k, v in times.items()))
        analyst.close()
        reader.close()
        with dg.DagsterInstance.from_config(str(home)) as instance:
            runs = instance.get_runs()
            failed = [r.run_id for r in runs if r.status in (dg.DagsterRunStatus.FAILURE, dg.DagsterRunStatus.CANCELED)]
            assert len(runs) >= 5 and not failed, failed
    finally:
        os.killpg(daemon.pid, signal.SIGTERM)
        try:
            daemon.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(daemon.pid, signal.SIGKILL)
        log.close()
