"""Shared fixtures: a temporary inbox, warehouse and Dagster instance per test session or test."""
import shutil
import signal
import threading
from dataclasses import replace
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from gov_pipeline.settings import REPO_ROOT, Settings

SEEDS = REPO_ROOT / "seeds"


def build_model(con: duckdb.DuckDBPyConnection, model):
    """Build one SQL model on its own (gov_pipeline.warehouse.build_models); its ModelBuild."""
    from gov_pipeline.warehouse import build_models

    return build_models(con, [model])[0][1]


class Harness:
    """A code location pointed at a temporary inbox and warehouse, on a real temporary instance."""

    def __init__(self, root: Path, instance: dg.DagsterInstance, workers: int = 1, **settings):
        from gov_pipeline.definitions import build_defs

        self.inbox = root / "inbox"
        self.inbox.mkdir(parents=True, exist_ok=True)
        # jieba, the reference segmenter, in tests
        self.settings = replace(Settings.from_env({}), inbox=self.inbox, warehouse=root / "w.duckdb", workers=workers,
                                segmenter="jieba", **settings)
        self.defs = build_defs(self.settings)
        self.instance = instance

    def copy_seeds(self, names=None) -> None:
        for path in sorted(SEEDS.glob("*.txt")):
            if names is None or path.name in names:
                shutil.copy(path, self.inbox / path.name)

    def materialize_all(self):
        from gov_pipeline.demo import QUIET, materialize_all

        results = materialize_all(self.defs, self.instance, self.settings, run_config=QUIET)
        assert all(r.success for r in results)
        return results

    def _read(self, sql: str, fetch):
        con = duckdb.connect(str(self.settings.warehouse), read_only=True)
        try:
            return fetch(con.execute(sql))
        finally:
            con.close()

    def query(self, sql: str):
        return self._read(sql, lambda cur: cur.fetchall())

    def df(self, sql: str):
        return self._read(sql, lambda cur: cur.df())


def _sigterm_ignored() -> bool:
    """Whether this process ignores SIGTERM, as the kernel has it (a library may set it outside Python's view)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            mask = next(int(line.split()[1], 16) for line in fh if line.startswith("SigIgn:"))
    except (OSError, StopIteration):
        return signal.getsignal(signal.SIGTERM) == signal.SIG_IGN
    return bool(mask & (1 << (signal.SIGTERM - 1)))


@pytest.fixture(autouse=True)
def default_sigterm():
    """Every test starts with SIGTERM's default action. Dagster's interrupt handling gives SIGTERM whatever SIGINT
    has (dagster._utils.interrupts.setup_interrupt_handlers, for Kubernetes), so in a test process started with
    SIGINT ignored (a background job of a non-interactive shell: `nohup make test &`) every in-process run leaves
    SIGTERM ignored too. Child processes inherit an ignored signal, and Dagster's compute-log capture stops its
    `tail` processes with SIGTERM, then waits 30 s for each: a later run took a minute per step."""
    if _sigterm_ignored() and threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
    yield


@pytest.fixture
def harness(tmp_path):
    with dg.instance_for_test() as instance:
        yield Harness(tmp_path, instance)


@pytest.fixture(scope="session")
def seeded(tmp_path_factory):
    """The whole graph materialised over the five seeds, once per session."""
    with dg.instance_for_test() as instance:
        h = Harness(tmp_path_factory.mktemp("seeded"), instance)
        h.copy_seeds()
        h.materialize_all()
        yield h
