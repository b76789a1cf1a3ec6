"""`make demo` as a user runs it (a process of its own on a persistent instance): faults exit non-zero with a
clear message and change nothing, two demos at once both land, a killed run is marked failed at the next start."""
import os
import shutil
import signal
import subprocess
import sys
import textwrap

import dagster as dg
import duckdb
import pytest

from gov_pipeline.instance import ensure_dagster_home, start
from gov_pipeline.settings import REPO_ROOT

SEEDS = ["000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"]


@pytest.fixture
def env(tmp_path):
    inbox = tmp_path / "inbox"
    inbox.mkdir()
    for name in SEEDS:
        shutil.copy(REPO_ROOT / "seeds" / name, inbox / name)
    home = ensure_dagster_home(tmp_path / "home")
    return {**os.environ, "GOV_INBOX": str(inbox), "GOV_WAREHOUSE": str(tmp_path / "w" / "gov.duckdb"),
            "DAGSTER_HOME": str(home), "GOV_WORKERS": "1", "GOV_SEGMENTER": "jieba"}


def demo(env, **kw) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "gov_pipeline.demo"], env=env, capture_output=True, text=True,
                          timeout=300, cwd=REPO_ROOT, **kw)


def loaded(env) -> int:
    con = duckdb.connect(env["GOV_WAREHOUSE"], read_only=True)
    try:
        return con.execute("SELECT count(*) FROM core.dim_report").fetchone()[0]
    finally:
        con.close()


def test_a_missing_inbox_exits_non_zero_with_the_reason_and_keeps_every_row(env):
    assert demo(env).returncode == 0 and loaded(env) == 2
    typo = {**env, "GOV_INBOX": env["GOV_INBOX"] + "-typo"}
    done = demo(typo)
    assert done.returncode == 1
    assert "does not exist (GOV_INBOX). Nothing was read, changed or deleted." in done.stderr
    assert "Traceback" not in done.stderr
    assert loaded(env) == 2


def test_the_summary_names_the_files_it_did_not_load(env):
    inbox = env["GOV_INBOX"]
    os.mkfifo(os.path.join(inbox, "pipe.txt"))
    with open(os.path.join(inbox, "scan.xls"), "wb") as fh:
        fh.write(b"%PDF-1.4")
    done = demo(env)
    assert done.returncode == 0, done.stderr
    assert "ignored      pipe.txt: not a regular file: a FIFO (named pipe)" in done.stdout
    assert "ignored      scan.xls: unsupported file type .xls" in done.stdout


def test_two_demos_at_once_both_land(env):
    first = subprocess.Popen([sys.executable, "-m", "gov_pipeline.demo"], env=env, cwd=REPO_ROOT,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    second = demo(env)
    out, err = first.communicate(timeout=300)
    assert first.returncode == 0, err
    assert second.returncode == 0, second.stderr
    assert loaded(env) == 2


SLOW_RUN = textwrap.dedent("""
    import time, dagster as dg
    from gov_pipeline.instance import in_process_tags

    @dg.asset
    def slow():
        print("started", flush=True)
        time.sleep(120)

    with dg.DagsterInstance.get() as instance:
        dg.materialize([slow], instance=instance, tags=in_process_tags())
""")


def test_a_killed_run_is_marked_failed_when_the_instance_starts_again(env):
    proc = subprocess.Popen([sys.executable, "-c", SLOW_RUN], env=env, stdout=subprocess.PIPE, text=True,
                            cwd=REPO_ROOT)
    assert proc.stdout.readline().strip() == "started"
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    home = env["DAGSTER_HOME"]
    with dg.DagsterInstance.from_config(home) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.STARTED  # left so by the dead process
    start(home)  # make demo / make dev / make test start here
    with dg.DagsterInstance.from_config(home) as instance:
        (run,) = instance.get_runs()
        assert run.status == dg.DagsterRunStatus.FAILURE
    with dg.DagsterInstance.from_config(home) as instance:  # a live run is left alone
        live = subprocess.Popen([sys.executable, "-c", SLOW_RUN], env=env, stdout=subprocess.PIPE, text=True,
                                cwd=REPO_ROOT)
        try:
            assert live.stdout.readline().strip() == "started"
            start(home)
            statuses = sorted(r.status.value for r in instance.get_runs())
            assert statuses == ["FAILURE", "STARTED"]
        finally:
            live.kill()
            live.wait()
