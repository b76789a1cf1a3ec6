"""The Dagster instance's two storage profiles (GOV_DAGSTER_STORAGE, gov_pipeline/instance.py): SQLite in $DAGSTER_HOME
and PostgreSQL, the latter against a real PostgreSQL server this module starts (and skips, saying why, without one)."""
import contextlib
import glob
import os
import pwd
import secrets
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

import dagster as dg
import pytest

from gov_pipeline.instance import HOST_TAG, PID_TAG, ensure_dagster_home, mark_dead_runs_failed, start
from gov_pipeline.settings import Settings

ENV_VARS = ("GOV_DAGSTER_STORAGE", "GOV_DAGSTER_PG_URL")


# ---------------------------------------------------------------------------------------------- a real PostgreSQL

def pg_bin_dir() -> Path | None:
    """The folder holding initdb and pg_ctl: on PATH (/usr/local/bin wrappers), else Debian's
    /usr/lib/postgresql/<version>/bin, newest first. None when PostgreSQL's server is not installed."""
    initdb, pg_ctl = shutil.which("initdb"), shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Path(os.path.realpath(initdb)).parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), key=lambda p: int(p.split("/")[-2]), reverse=True):
        if os.access(f"{folder}/initdb", os.X_OK) and os.access(f"{folder}/pg_ctl", os.X_OK):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def postgres_server(db_name: str = "dagster", auth: str = "scram-sha-256"):
    """A throwaway PostgreSQL server on 127.0.0.1 (a free port, its socket in its own folder) with one database;
    yields (url, password). `auth` is how TCP clients authenticate (pg_hba.conf). Raises RuntimeError saying why
    when there is no server to start or it does not start. initdb and the server refuse to run as root: as root
    they run as the `postgres` user, in a folder it owns."""
    bin_dir = pg_bin_dir()
    if bin_dir is None:
        raise RuntimeError("PostgreSQL's server (initdb, pg_ctl) is not installed: not on PATH nor in "
                           "/usr/lib/postgresql/*/bin (`make postgres` installs it, as root with apt-get)")
    as_user: list[str] = []
    owner = None
    if os.geteuid() == 0:
        try:
            owner = pwd.getpwnam("postgres")
        except KeyError:
            raise RuntimeError("running as root, and there is no `postgres` user to run initdb as "
                               "(initdb refuses to run as root)") from None
        if not shutil.which("runuser"):
            raise RuntimeError("running as root without `runuser` to run initdb as the postgres user")
        as_user = ["runuser", "-u", "postgres", "--"]
    base = Path(tempfile.mkdtemp(prefix="gov-pg-"))
    data, sock, log, pwfile = base / "data", base / "sock", base / "server.log", base / "pw"
    user, password, port = "gov_test", secrets.token_hex(12), free_port()
    sock.mkdir()
    pwfile.write_text(password + "\n")
    if owner is not None:
        for path in (base, sock, pwfile):
            os.chown(path, owner.pw_uid, owner.pw_gid)

    def run(*cmd: str, timeout: float = 60) -> subprocess.CompletedProcess:
        return subprocess.run([*as_user, *cmd], capture_output=True, text=True, timeout=timeout, cwd=base)

    started = False
    try:
        done = run(str(bin_dir / "initdb"), "-D", str(data), "-U", user, f"--pwfile={pwfile}", "-E", "UTF8",
                   "--locale=C", "--auth-local=trust", f"--auth-host={auth}")
        pwfile.unlink()
        if done.returncode:
            raise RuntimeError(f"initdb failed: {(done.stderr or done.stdout).strip()[-500:]}")
        done = run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(log), "-w", "-t", "30", "-o",
                   f"-p {port} -k {sock} -c listen_addresses=127.0.0.1", "start")
        if done.returncode:
            tail = log.read_text(errors="replace")[-800:] if log.exists() else ""
            raise RuntimeError(f"pg_ctl start failed: {(done.stderr or done.stdout).strip()[-300:]} {tail}")
        started = True
        import psycopg2

        con = psycopg2.connect(host="127.0.0.1", port=port, user=user, password=password, dbname="postgres")
        try:
            con.autocommit = True
            with con.cursor() as cur:
                cur.execute(f'CREATE DATABASE "{db_name}"')
        finally:
            con.close()
        yield f"postgresql+psycopg2://{user}:{password}@127.0.0.1:{port}/{db_name}", password
    finally:
        if started:
            run(str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "fast", "-w", "stop")
        shutil.rmtree(base, ignore_errors=True)


@pytest.fixture(scope="module")
def pg():
    """(url, password) of a real PostgreSQL server started for this module, stopped and deleted after it."""
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(postgres_server())
        except (RuntimeError, OSError, subprocess.TimeoutExpired) as exc:
            pytest.skip(f"no PostgreSQL server for the postgres profile: {exc}")
        yield server


@pytest.fixture
def clean_env(monkeypatch):
    for name in ENV_VARS:
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


# ---------------------------------------------------------------------------------------------- both profiles

@dg.asset(pool="duckdb")
def first() -> int:
    return 1


@dg.asset(pool="duckdb")
def second(first: int) -> int:
    return first + 1


def check_settings_blocks(instance: dg.DagsterInstance) -> None:
    """What both profiles share: the duckdb pool admits one run at a time, four runs at most, queued runs."""
    config = instance.get_concurrency_config()
    assert config.pool_config.default_pool_limit == 1
    assert config.pool_config.pool_granularity.value == "run"
    assert config.run_queue_config.max_concurrent_runs == 4
    assert type(instance.run_coordinator).__name__ == "QueuedRunCoordinator"
    assert instance.run_monitoring_enabled and instance.run_retries_enabled
    assert instance.run_retries_max_retries == 1 and not instance.run_retries_retry_on_asset_or_op_failure
    assert instance.get_settings("sensors") == {"use_threads": True, "num_workers": 2}
    assert instance.get_settings("telemetry") == {"enabled": False}
    # the `duckdb` pool, as the daemon sets it up for the first run that needs it: one slot
    storage = instance.event_log_storage
    storage.initialize_concurrency_limit_to_default("duckdb")
    assert storage.get_concurrency_info("duckdb").slot_count == 1


def check_a_run_lands(instance: dg.DagsterInstance) -> None:
    result = dg.materialize([first, second], instance=instance)
    assert result.success
    run = instance.get_run_by_id(result.run_id)
    assert run.status == dg.DagsterRunStatus.SUCCESS
    for key in ("first", "second"):
        event = instance.get_latest_materialization_event(dg.AssetKey(key))
        assert event is not None and event.run_id == result.run_id
    (record,) = instance.fetch_materializations(dg.AssetKey("second"), limit=10).records
    assert record.run_id == result.run_id
    keys = [f"report-{i:03d}" for i in range(50)]
    instance.add_dynamic_partitions("reports", keys)
    assert instance.get_dynamic_partitions("reports") == keys
    assert instance.has_dynamic_partition("reports", "report-007")


def check_dead_runs_are_marked_failed(instance: dg.DagsterInstance) -> None:
    """mark_dead_runs_failed on this storage: a STARTED run of a process that is gone fails, a live one stays."""
    dead = subprocess.Popen(["true"])
    dead.wait()
    host = socket.gethostname()
    runs = {}
    for name, pid in (("dead", dead.pid), ("alive", os.getpid())):
        run = instance.add_run(dg.DagsterRun(job_name=f"job_{name}", run_id=str(uuid.uuid4()),
                                             status=dg.DagsterRunStatus.STARTED,
                                             tags={PID_TAG: str(pid), HOST_TAG: host}))
        runs[name] = run.run_id
    assert mark_dead_runs_failed(instance) == [runs["dead"]]
    assert instance.get_run_by_id(runs["dead"]).status == dg.DagsterRunStatus.FAILURE
    assert instance.get_run_by_id(runs["alive"]).status == dg.DagsterRunStatus.STARTED
    instance.report_run_failed(instance.get_run_by_id(runs["alive"]), "test over")  # leave nothing STARTED


# ---------------------------------------------------------------------------------------------- SQLite

def test_sqlite_is_the_default_profile(tmp_path, clean_env):
    home = ensure_dagster_home(tmp_path / "home")
    text = (home / "dagster.yaml").read_text()
    # Dagster's SQLite storages, the event log through our subclass (a one-report run: 4.4 s instead of 6.0 s)
    assert "class: ConnectedSqliteEventLogStorage" in text and "storage:\n  postgres" not in text
    with dg.DagsterInstance.from_config(str(home)) as instance:
        assert type(instance.event_log_storage).__name__ == "ConnectedSqliteEventLogStorage"
        assert type(instance.run_storage).__name__ == "SqliteRunStorage"
        check_settings_blocks(instance)
        check_a_run_lands(instance)
        check_dead_runs_are_marked_failed(instance)
    # Dagster's default layout, where the custom storages kept it too: an existing .dagster keeps its history
    assert (home / "history" / "runs.db").exists() and (home / "history" / "runs" / "index.db").exists()
    assert start(home) == home


def test_a_wrong_profile_is_a_clear_error_naming_the_variable(tmp_path, clean_env):
    with pytest.raises(ValueError, match="GOV_DAGSTER_STORAGE=postgres needs GOV_DAGSTER_PG_URL"):
        Settings.from_env({"GOV_DAGSTER_STORAGE": "postgres"})
    with pytest.raises(ValueError, match="GOV_DAGSTER_STORAGE='mysql': expected one of sqlite, postgres"):
        Settings.from_env({"GOV_DAGSTER_STORAGE": "mysql"})
    for url in ("mysql://u:s3cr3t@h/d", "postgresql+psycopg://u:s3cr3t@h/d"):
        with pytest.raises(ValueError, match="GOV_DAGSTER_PG_URL (is not a|must name the psycopg2 driver)") as err:
            Settings.from_env({"GOV_DAGSTER_STORAGE": "postgres", "GOV_DAGSTER_PG_URL": url})
        assert "s3cr3t" not in str(err.value)
    clean_env.setenv("GOV_DAGSTER_STORAGE", "postgres")
    with pytest.raises(ValueError, match="GOV_DAGSTER_PG_URL"):
        ensure_dagster_home(tmp_path / "home")
    # the URL is a secret: a Settings printed or logged does not show it
    settings = Settings.from_env({"GOV_DAGSTER_STORAGE": "postgres",
                                  "GOV_DAGSTER_PG_URL": "postgresql+psycopg2://u:s3cr3t@h:5432/d"})
    assert "s3cr3t" not in repr(settings) and "s3cr3t" not in str(settings)


# ---------------------------------------------------------------------------------------------- PostgreSQL

def test_postgres_profile_on_a_real_server(pg, tmp_path, clean_env, capfd):
    url, password = pg
    clean_env.setenv("GOV_DAGSTER_STORAGE", "postgres")
    clean_env.setenv("GOV_DAGSTER_PG_URL", url)
    home = start(tmp_path / "home")  # what make dev does first: dagster.yaml, Dagster's tables, dead runs
    text = (home / "dagster.yaml").read_text()
    assert "storage:\n  postgres:\n    postgres_url:\n      env: GOV_DAGSTER_PG_URL\n" in text
    assert password not in text and "_core" not in text and "module:" not in text
    assert not (home / "history").exists()
    with dg.DagsterInstance.from_config(str(home)) as instance:
        for storage in (instance.run_storage, instance.event_log_storage, instance.schedule_storage):
            assert "Postgres" in type(storage).__name__
        check_settings_blocks(instance)
        check_a_run_lands(instance)
        check_dead_runs_are_marked_failed(instance)
    # another process sees the same instance (the point of a shared database), and start() runs again
    assert start(home) == home
    with dg.DagsterInstance.from_config(str(home)) as again:
        assert again.get_dynamic_partitions("reports")[:2] == ["report-000", "report-001"]
        assert {r.status for r in again.get_runs()} >= {dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE}
    out, err = capfd.readouterr()
    assert password not in out + err


def test_a_wrong_password_is_an_error_without_the_password(pg, tmp_path, clean_env, capfd):
    url, password = pg
    wrong = secrets.token_hex(12)
    clean_env.setenv("GOV_DAGSTER_STORAGE", "postgres")
    clean_env.setenv("GOV_DAGSTER_PG_URL", url.replace(password, wrong))
    with pytest.raises(SystemExit) as err:
        start(tmp_path / "home")
    assert 'password authentication failed for user "gov_test"' in str(err.value)
    out, errout = capfd.readouterr()
    assert wrong not in str(err.value) + out + errout and password not in str(err.value) + out + errout


def test_an_unreachable_database_is_an_error_without_the_password(tmp_path, clean_env, capfd):
    password = secrets.token_hex(12)
    closed = f"postgresql+psycopg2://gov_test:{password}@127.0.0.1:{free_port()}/dagster"  # nobody serves it
    clean_env.setenv("GOV_DAGSTER_STORAGE", "postgres")
    clean_env.setenv("GOV_DAGSTER_PG_URL", closed)
    with pytest.raises(SystemExit) as err:
        start(tmp_path / "home")
    message = str(err.value)
    assert message.startswith("cannot open the Dagster instance's PostgreSQL storage "
                              "(GOV_DAGSTER_PG_URL=postgresql+psycopg2://gov_test:***@127.0.0.1:")
    out, errout = capfd.readouterr()
    assert password not in message + out + errout
