"""report_inbox_sensor against a real temporary Dagster instance and a temporary inbox.

The sensor compares the inbox with the warehouse's register of report files (raw.reports in the published copy)
and keeps a cursor of three small values. The Ticker below evaluates it as the daemon does (run keys) and, with
`launch`, runs what it asks for on the instance, so the register it reads next moves on."""
import json
import os
import shutil
import sys
import threading
import time
import traceback

import dagster as dg
import pytest

from gov_pipeline.defs.automation import report_inbox_sensor
from gov_pipeline.inbox import InboxUnavailable, partition_key_for
from gov_pipeline.resources import Inbox
from gov_pipeline.settings import get_settings

REPORT = "2019年环保局政府信息公开工作年度报告。主动公开政府信息12条。\n"
RUN_KEY_TAG, SENSOR_NAME_TAG = "dagster/run_key", "dagster/sensor_name"  # the tags the daemon puts on a sensor's runs
SETTLE_NS = int(get_settings().sensor_interval_s * 1e9)


class Ticker:
    """Evaluates the sensor like the daemon does: keeps the cursor and drops a run request whose run key an earlier
    run of this sensor already has (the daemon's rule: dagster/_daemon/sensor.py, fetch_existing_runs +
    _get_or_create_sensor_run). With `launch`, the requests it keeps are run on the instance, tagged as the daemon
    tags them; otherwise their keys are remembered as if they had been launched (and are still running)."""

    def __init__(self, harness, monkeypatch, launch: bool = False):
        self.h = harness
        self.cursor = None
        self.launch = launch
        self.started: set[str] = set()  # run keys of requests kept (launched or not)
        self.dropped: list[str] = []  # run keys the daemon would have skipped
        self.runs: list[dg.ExecuteInProcessResult] = []

    def _already_run(self, run_key: str) -> bool:
        runs = self.h.instance.get_runs(filters=dg.RunsFilter(tags={RUN_KEY_TAG: run_key}))
        return run_key in self.started or any(r.tags.get(SENSOR_NAME_TAG) == "report_inbox_sensor" for r in runs)

    def tick(self, waited: bool = True) -> dg.SensorResult:
        """One tick; `waited`: one tick interval after the files were last written (they have settled: their
        modification times are moved that far back, for the sensor and the run alike)."""
        if waited:
            backdate(self.h.inbox)
        ctx = dg.build_sensor_context(instance=self.h.instance, cursor=self.cursor, definitions=self.h.defs,
                                      resources={"inbox": Inbox(path=str(self.h.inbox),
                                                                read_copy=str(self.h.settings.read_copy))})
        result = report_inbox_sensor(ctx)
        self.cursor = result.cursor
        kept = []
        for req in result.run_requests or []:
            if req.run_key and self._already_run(req.run_key):
                self.dropped.append(req.run_key)
                continue
            kept.append(req)
            self.started.add(req.run_key)
            if self.launch:
                self.runs.append(launch(self.h, req))
        result.run_requests[:] = kept
        return result

    def loaded(self) -> list[str]:
        return [r[0] for r in self.h.query("SELECT report_id FROM raw.reports ORDER BY 1")] \
            if self.h.settings.warehouse.exists() else []


def backdate(root) -> None:
    """Move the modification time of every file modified within the settle time back past it."""
    recent = time.time_ns() - SETTLE_NS - 10**9
    for folder, _, names in os.walk(root):
        for name in names:
            path = os.path.join(folder, name)
            try:
                st = os.stat(path)
            except OSError:
                continue
            if os.path.isfile(path) and st.st_mtime_ns > recent:
                os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns - SETTLE_NS - 2 * 10**9))


def reasons(result) -> list[str]:
    return [r.tags.get("gov/reason") for r in result.run_requests]


def write(path, text=REPORT):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


def launch(harness, request: dg.RunRequest) -> dg.ExecuteInProcessResult:
    """Run a sensor's request the way the daemon does: its job, run config and tags, on the instance."""
    from gov_pipeline.demo import QUIET, _merged

    job = harness.defs.resolve_job_def(request.job_name)
    tags = {**request.tags, SENSOR_NAME_TAG: "report_inbox_sensor"}
    if request.run_key:
        tags[RUN_KEY_TAG] = request.run_key
    result = job.execute_in_process(instance=harness.instance, tags=tags,
                                    run_config=_merged(QUIET, request.run_config or {}))
    assert result.success
    return result


def files_read(result: dg.ExecuteInProcessResult) -> int:
    return result.asset_materializations_for_node("raw__reports")[0].metadata["files_read"].value


@pytest.fixture
def ticker(harness, monkeypatch):
    return Ticker(harness, monkeypatch, launch=True)


def test_a_new_file_waits_until_it_settles_then_one_sync_loads_it(ticker):
    write(ticker.h.inbox / "a.txt")
    first = ticker.tick(waited=False)
    assert first.run_requests == [] and "1 file(s) still being written" in first.skip_reason.skip_message
    (request,) = ticker.tick().run_requests
    assert request.job_name == "process_reports" and request.tags["gov/reason"] == "new or changed"
    # a few files: named (a path, or a removed report's id), read without listing the inbox
    assert request.run_config["ops"]["raw__reports"]["config"] == {
        "files": ["a.txt"], "settle_seconds": get_settings().sensor_interval_s}
    assert ticker.loaded() == ["a"] and files_read(ticker.runs[-1]) == 1
    meta = ticker.runs[-1].asset_materializations_for_node("raw__reports")[0].metadata
    assert meta["mode"].value == "files listed in the run's config (found without listing the inbox)"
    assert {"/".join(k.path) for k in ticker.h.defs.resolve_job_def("process_reports").asset_layer.executable_asset_keys} >= {
        "raw/reports", "core/dim_report", "marts/report_metrics_wide", "core/report_inventory", "warehouse/analysts_copy"}
    quiet = ticker.tick()
    assert quiet.run_requests == [] and "holds every report" in quiet.skip_reason.skip_message


def test_a_sync_in_flight_is_not_asked_for_twice(harness, monkeypatch):
    ticker = Ticker(harness, monkeypatch)  # requests are kept but not run: as if queued
    write(harness.inbox / "a.txt")
    assert len(ticker.tick().run_requests) == 1
    again = ticker.tick()
    assert again.run_requests == [] and "asked for already" in again.skip_reason.skip_message
    write(harness.inbox / "b.txt", REPORT + "b")  # something new meanwhile: a new sync (it waits for the first)
    assert len(ticker.tick().run_requests) == 1 and ticker.dropped == []


def test_a_changed_file_is_read_again_and_a_touched_one_costs_no_derivation(ticker):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "b.txt", REPORT + "二")
    ticker.tick()
    write(ticker.h.inbox / "a.txt", REPORT.replace("12条", "13条"))
    assert ticker.tick(waited=False).run_requests == []  # just written: not settled yet
    assert len(ticker.tick().run_requests) == 1 and files_read(ticker.runs[-1]) == 1
    assert ticker.h.query("SELECT value FROM core.fact_metric WHERE report_id = 'a' "
                          "AND metric_code = 'proactive_total'") == [(13.0,)]
    os.utime(ticker.h.inbox / "b.txt", ns=(1, 10**9))  # touched: same bytes
    assert len(ticker.tick().run_requests) == 1
    derived = ticker.runs[-1].asset_materializations_for_node("derive_reports")
    assert files_read(ticker.runs[-1]) == 1  # the sync reads it (the sensor hashes nothing) ...
    assert {m.asset_key.to_user_string(): m.metadata["reports_derived"].value
            for m in derived}["core/dim_report"] == 0  # ... and nothing is derived again: same bytes


def test_temporary_hidden_and_unsupported_files_are_never_read(ticker):
    write(ticker.h.inbox / "a.txt")
    for name in ["a.txt.part", "b.tmp", "c.txt.crdownload", "~$d.txt", ".e.txt", "f.xls", ".hidden/g.txt"]:
        write(ticker.h.inbox / name)
    ticker.tick()
    assert ticker.loaded() == ["a"]
    statuses = dict(ticker.h.query("SELECT source_path, status FROM core.report_inventory"))
    assert statuses["f.xls"] == "ignored" and statuses["a.txt"] == "loaded"


def test_a_symlink_leaving_the_inbox_is_refused(ticker, tmp_path):
    outside = tmp_path / "outside.txt"
    write(outside)
    (ticker.h.inbox / "link.txt").symlink_to(outside)
    write(ticker.h.inbox / "inside.txt")
    (ticker.h.inbox / "link2.txt").symlink_to(ticker.h.inbox / "inside.txt")
    ticker.tick()
    assert ticker.loaded() == ["inside", "link2"]


def test_a_removed_file_leaves_the_warehouse_in_the_next_sync(ticker):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "b.txt", REPORT + "b")
    ticker.tick()
    (ticker.h.inbox / "a.txt").unlink()
    result = ticker.tick(waited=False)  # a removal needs no settling
    assert reasons(result) == ["removed"] and result.run_requests[0].tags["gov/reports_to_remove"] == "1"
    assert ticker.loaded() == ["b"]
    assert ticker.h.query("SELECT report_id FROM core.report_inventory") == [("b",)]


def test_a_bulk_drop_is_one_parallel_sync_and_the_cursor_stays_small(harness, monkeypatch):
    ticker = Ticker(harness, monkeypatch)
    for i in range(1000):
        write(harness.inbox / f"batch/r{i:04d}.txt", REPORT + str(i))
    (request,) = ticker.tick().run_requests
    assert request.job_name == "process_reports_parallel" and request.tags["gov/files_to_read"] == "1000"
    # a bulk drop syncs the whole inbox (listed once), leaving files still being written for later
    assert request.run_config["ops"]["raw__reports"]["config"] == {"settle_seconds": get_settings().sensor_interval_s}
    assert ticker.tick().run_requests == []
    assert len(ticker.cursor) < 200, ticker.cursor  # three small values, whatever the inbox holds


def test_the_cursor_survives_a_restart(ticker, harness, monkeypatch):
    write(ticker.h.inbox / "a.txt")
    ticker.tick()
    restarted = Ticker(harness, monkeypatch)  # a new daemon process: only the stored cursor text carries over
    restarted.cursor = str(ticker.cursor)
    assert set(json.loads(restarted.cursor)) <= {"asked", "skipped", "seq"}
    assert restarted.tick().run_requests == []


def test_the_runs_the_sensor_requests_land_new_and_changed_reports(ticker):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "b.txt", REPORT.replace("12条", "30条"))
    ticker.tick()
    q = ticker.h.query
    assert q("SELECT report_id, status FROM core.report_inventory ORDER BY 1") == [("a", "loaded"), ("b", "loaded")]
    assert q("SELECT report_id, value FROM core.fact_metric WHERE metric_code = 'proactive_total' ORDER BY 1") == [
        ("a", 12.0), ("b", 30.0)]
    write(ticker.h.inbox / "b.txt", REPORT.replace("12条", "31条") + "\n")  # b changes
    os.utime(ticker.h.inbox / "b.txt", ns=(1, 1))
    assert reasons(ticker.tick()) == ["new or changed"] and ticker.tick().run_requests == []
    assert q("SELECT report_id, value FROM core.fact_metric WHERE metric_code = 'proactive_total' ORDER BY 1") == [
        ("a", 12.0), ("b", 31.0)]
    assert q("SELECT proactive_total FROM marts.report_metrics_wide WHERE report_id = 'b'") == [(31.0,)]
    run_id = ticker.runs[-1].run_id
    assert q("SELECT report_id, run_id FROM raw.reports WHERE report_id = 'b'") == [("b", run_id)]


# --------------------------------------------------------------------------------------------- faults and odd files

def test_a_missing_inbox_fails_the_tick_and_removes_nothing(ticker):
    write(ticker.h.inbox / "a.txt")
    ticker.tick()
    shutil.rmtree(ticker.h.inbox)
    with pytest.raises(InboxUnavailable, match="does not exist.*Nothing was added or removed"):
        ticker.tick()
    assert ticker.loaded() == ["a"]
    write(ticker.h.inbox / "a.txt")  # back, same bytes, new mtime: one sync reads it, nothing else changes
    ticker.tick()
    assert ticker.loaded() == ["a"] and ticker.tick().run_requests == []


def test_a_folder_that_cannot_be_listed_fails_the_tick_and_removes_nothing(ticker, monkeypatch):
    write(ticker.h.inbox / "sub/a.txt")
    write(ticker.h.inbox / "b.txt")
    ticker.tick()
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if str(p).endswith("sub") else real(p))
    with pytest.raises(InboxUnavailable, match="cannot list the folder 'sub'"):
        ticker.tick()
    assert len(ticker.loaded()) == 2


def test_odd_entries_never_hang_or_crash_a_tick(ticker):
    os.mkfifo(ticker.h.inbox / "x.txt")
    os.symlink("loop.txt", ticker.h.inbox / "loop.txt")
    with open(os.path.join(os.fsencode(ticker.h.inbox), "年报".encode("gbk") + b".txt"), "wb") as fh:
        fh.write(REPORT.encode("utf-8"))
    write(ticker.h.inbox / "a.txt")
    results = []
    thread = threading.Thread(target=lambda: results.append(ticker.tick()), daemon=True)
    thread.start()
    thread.join(60)
    assert results, "the tick hung:\n" + "".join(traceback.format_stack(sys._current_frames().get(thread.ident)))
    gbk = partition_key_for(os.fsdecode("年报".encode("gbk") + b".txt"))
    assert sorted(ticker.loaded()) == sorted(["a", gbk]) and gbk.startswith("年报-")
    assert ticker.tick().run_requests == []


def test_names_that_once_shared_a_key_get_a_report_each_and_stay_quiet(ticker):
    odd = "怀柔 年报 2019 (终稿).txt"
    for name in ["r.txt", "r.TXT", odd, partition_key_for(odd) + ".txt"]:
        write(ticker.h.inbox / name)
    assert len(ticker.tick().run_requests) == 1
    assert len(ticker.loaded()) == 4
    assert ticker.tick().run_requests == [] and ticker.tick().run_requests == []


def test_a_file_that_cannot_be_read_is_quarantined_and_read_again_once_it_can(ticker, monkeypatch):
    import gov_pipeline.ingest as ingest

    path = ticker.h.inbox / "u.txt"
    write(path)
    real = ingest.read_bytes
    monkeypatch.setattr(ingest, "read_bytes", lambda p: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if os.path.basename(p) == "u.txt" else real(p))
    assert len(ticker.tick().run_requests) == 1  # the run quarantines it, saying why
    assert ticker.h.query("SELECT reason FROM core.quarantine") == [("cannot read the file: permission denied",)]
    assert ticker.tick().run_requests == []  # still unreadable, nothing changed: not asked for again
    monkeypatch.setattr(ingest, "read_bytes", real)
    os.chmod(path, 0o600)  # permissions fixed: no mtime change, a new ctime
    assert len(ticker.tick().run_requests) == 1
    assert ticker.h.query("SELECT count(*) FROM core.quarantine") == [(0,)] and ticker.loaded() == ["u"]
    assert ticker.tick().run_requests == []


def test_files_that_are_not_read_are_shown_by_one_sync(ticker):
    write(ticker.h.inbox / "a.txt")
    ticker.tick()
    write(ticker.h.inbox / "report.xls")
    result = ticker.tick()
    assert reasons(result) == ["ignored"]
    assert ("report.xls", "ignored") in ticker.h.query("SELECT source_path, status FROM core.report_inventory")
    assert ticker.tick().run_requests == []


# --------------------------------------------------------------------------------------------- the daemon's run keys

def test_remove_and_restore_cycles_each_start_a_run(ticker):
    path = ticker.h.inbox / "a.txt"
    write(path)
    write(ticker.h.inbox / "b.txt", REPORT + "b")
    ticker.tick()
    data, stamp = path.read_bytes(), path.stat()
    for _ in range(2):
        path.unlink()
        assert reasons(ticker.tick()) == ["removed"] and ticker.loaded() == ["b"]
        path.write_bytes(data)  # restored byte for byte, with its old mtime
        os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        assert reasons(ticker.tick()) == ["new or changed"] and ticker.loaded() == ["a", "b"]
    assert ticker.dropped == []  # the daemon would have started every one of them


def test_edits_back_and_forth_each_start_a_run(ticker):
    path = ticker.h.inbox / "a.txt"
    versions = [REPORT, REPORT + "B", REPORT, REPORT + "B"]
    write(path, versions[0])
    ticker.tick()
    for i, text in enumerate(versions[1:], start=1):
        write(path, text)
        os.utime(path, ns=(i, i * 10**9))
        assert reasons(ticker.tick()) == ["new or changed"], i
    assert ticker.dropped == []


def test_a_tick_evaluated_again_from_the_same_cursor_starts_nothing_twice(harness, monkeypatch):
    ticker = Ticker(harness, monkeypatch)
    write(harness.inbox / "a.txt")
    before = ticker.cursor
    assert len(ticker.tick().run_requests) == 1
    ticker.cursor = before  # the daemon died before it stored the new cursor: the tick runs again
    assert ticker.tick().run_requests == [] and len(ticker.dropped) == 1


def test_after_make_demo_the_sensor_asks_for_nothing(harness, monkeypatch):
    harness.copy_seeds(["000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"])
    backdate(harness.inbox)
    harness.materialize_all()  # make demo: the warehouse and its copy, no sensor cursor
    ticker = Ticker(harness, monkeypatch, launch=True)  # then `make dev`: the sensor's first ticks
    assert ticker.tick().run_requests == [] and ticker.tick().run_requests == []
    path = harness.inbox / "000_d9a8aa6b43ea3b92.txt"  # while a change made since is still seen
    path.write_text(path.read_text(encoding="utf-8") + "\n补充。", encoding="utf-8")
    assert reasons(ticker.tick()) == ["new or changed"] and files_read(ticker.runs[-1]) == 1


@pytest.mark.parametrize("change", ["remove", "edit"])
def test_when_the_first_copy_goes_the_sensor_s_run_loads_the_surviving_copy(ticker, change):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "z.txt")
    ticker.tick()
    q = ticker.h.query
    assert q("SELECT report_id, status FROM core.report_inventory ORDER BY 1") == [("a", "loaded"), ("z", "duplicate")]
    if change == "remove":
        (ticker.h.inbox / "a.txt").unlink()
    else:
        write(ticker.h.inbox / "a.txt", REPORT.replace("12条", "13条"))
        os.utime(ticker.h.inbox / "a.txt", ns=(1, 1))
    ticker.tick()
    want = [("z", "loaded")] if change == "remove" else [("a", "loaded"), ("z", "loaded")]
    assert q("SELECT report_id, status FROM core.report_inventory ORDER BY 1") == want
    assert q("SELECT report_id FROM marts.report_metrics_wide WHERE report_id = 'z'") == [("z",)]
    assert ticker.tick().run_requests == [] and ticker.dropped == []
