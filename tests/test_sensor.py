"""report_inbox_sensor against a real temporary Dagster instance and a temporary inbox."""
import json
import os
import shutil
import threading

import dagster as dg
import pytest

from gov_pipeline.defs.automation import RANGE_END, RANGE_START, report_inbox_sensor
from gov_pipeline.inbox import InboxUnavailable, partition_key_for
from gov_pipeline.resources import Inbox

REPORT = "2019年环保局政府信息公开工作年度报告。主动公开政府信息12条。\n"
RUN_KEY_TAG, SENSOR_NAME_TAG = "dagster/run_key", "dagster/sensor_name"  # the tags the daemon puts on a sensor's runs


class Ticker:
    """Evaluates the sensor like the daemon does: keeps the cursor, applies partition requests, and drops a run
    request whose run key an earlier run of this sensor already has (the daemon's rule: dagster/_daemon/sensor.py,
    fetch_existing_runs + _get_or_create_sensor_run). With `launch`, the requests it keeps are run on the instance,
    tagged as the daemon tags them; otherwise their keys are remembered as if they had been launched."""

    def __init__(self, harness, launch: bool = False):
        self.h = harness
        self.cursor = None
        self.launch = launch
        self.started: set[str] = set()  # run keys of requests kept (launched or not)
        self.dropped: list[str] = []  # run keys the daemon would have skipped

    def _already_run(self, run_key: str) -> bool:
        runs = self.h.instance.get_runs(filters=dg.RunsFilter(tags={RUN_KEY_TAG: run_key}))
        return run_key in self.started or any(r.tags.get(SENSOR_NAME_TAG) == "report_inbox_sensor" for r in runs)

    def tick(self) -> dg.SensorResult:
        ctx = dg.build_sensor_context(instance=self.h.instance, cursor=self.cursor, definitions=self.h.defs,
                                      resources={"inbox": Inbox(path=str(self.h.inbox),
                                                                read_copy=str(self.h.settings.read_copy))})
        result = report_inbox_sensor(ctx)
        for req in result.dynamic_partitions_requests or []:
            if isinstance(req, dg.AddDynamicPartitionsRequest):
                self.h.instance.add_dynamic_partitions(req.partitions_def_name, list(req.partition_keys))
            else:
                for key in req.partition_keys:
                    self.h.instance.delete_dynamic_partition(req.partitions_def_name, key)
        self.cursor = result.cursor
        kept = []
        for req in result.run_requests or []:
            if req.run_key and self._already_run(req.run_key):
                self.dropped.append(req.run_key)
                continue
            kept.append(req)
            self.started.add(req.run_key)
            if self.launch:
                launch(self.h, req)
        result.run_requests[:] = kept
        return result

    def settle(self) -> dg.SensorResult:
        """Two ticks: the first sees files, the second reads the ones that did not move."""
        self.tick()
        return self.tick()

    @property
    def partitions(self):
        return self.h.instance.get_dynamic_partitions("reports")


def ranges(result):
    return [(r.tags.get(RANGE_START), r.tags.get(RANGE_END), r.tags.get("gov/reason")) for r in result.run_requests]


def write(path, text=REPORT):
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")


@pytest.fixture
def ticker(harness):
    return Ticker(harness)


def test_new_file_waits_one_tick_then_is_added_and_processed(ticker):
    write(ticker.h.inbox / "a.txt")
    first = ticker.tick()
    assert first.run_requests == [] and ticker.partitions == []
    second = ticker.tick()
    assert ticker.partitions == ["a"]
    assert ranges(second) == [("a", "a", "new")]
    selected = {"/".join(k.path) for k in second.run_requests[0].asset_selection}
    assert {"raw/reports", "core/dim_report", "marts/report_metrics_wide", "core/report_inventory"} <= selected
    assert ticker.tick().run_requests == []  # nothing new: nothing requested


def test_changed_file_reprocesses_same_partition(ticker):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "b.txt", REPORT + "二")
    ticker.settle()
    write(ticker.h.inbox / "a.txt", REPORT + "更新")
    os.utime(ticker.h.inbox / "a.txt", ns=(1, 10**18))
    assert ticker.tick().run_requests == []  # the new version is seen once first
    result = ticker.tick()
    assert ranges(result) == [("a", "a", "changed")] and ticker.partitions == ["a", "b"]


def test_touched_but_identical_file_is_not_reprocessed(ticker):
    write(ticker.h.inbox / "a.txt")
    ticker.settle()
    os.utime(ticker.h.inbox / "a.txt", ns=(1, 10**18))
    ticker.tick()
    assert ticker.tick().run_requests == []


def test_half_written_file_is_not_read_until_stable(ticker):
    path = ticker.h.inbox / "big.txt"
    write(path, REPORT)
    ticker.tick()
    with open(path, "a", encoding="utf-8") as fh:  # still growing at the second look
        fh.write("第二段。")
    assert ticker.tick().run_requests == [] and ticker.partitions == []
    assert ranges(ticker.tick()) == [("big", "big", "new")]


def test_temporary_hidden_and_unsupported_files_are_ignored(ticker):
    for name in ["a.txt.part", "b.tmp", "c.txt.crdownload", "~$d.txt", ".e.txt", "f.xls", ".hidden/g.txt"]:
        write(ticker.h.inbox / name)
    ticker.settle()
    assert ticker.partitions == []


def test_symlink_leaving_the_inbox_is_refused(ticker, tmp_path):
    outside = tmp_path / "outside.txt"
    write(outside)
    (ticker.h.inbox / "link.txt").symlink_to(outside)
    write(ticker.h.inbox / "inside.txt")
    (ticker.h.inbox / "link2.txt").symlink_to(ticker.h.inbox / "inside.txt")
    ticker.settle()
    assert ticker.partitions == ["inside", "link2"]


def test_duplicate_copy_gets_its_own_partition_for_the_warehouse_to_mark(ticker):
    write(ticker.h.inbox / "a.txt")
    ticker.settle()
    write(ticker.h.inbox / "copy of a.txt")
    result = ticker.settle()
    key = partition_key_for("copy of a.txt")
    assert key.startswith("copy-of-a-") and ranges(result) == [(key, key, "new")]


def test_removed_file_deletes_partition_and_refreshes_rollups(ticker):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "b.txt", REPORT + "b")
    ticker.settle()
    (ticker.h.inbox / "a.txt").unlink()
    result = ticker.tick()
    assert ticker.partitions == ["b"]
    assert [r.tags.get("gov/reason") for r in result.run_requests] == ["removed"]
    selected = {"/".join(k.path) for k in result.run_requests[0].asset_selection}
    assert "core/report_inventory" in selected and "raw/reports" not in selected


def test_removing_the_first_copy_reprocesses_the_duplicate(ticker):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "z.txt")
    ticker.settle()
    (ticker.h.inbox / "a.txt").unlink()
    result = ticker.tick()
    assert ranges(result) == [("z", "z", "changed")]


def test_bulk_drop_of_1000_files_is_one_run_and_nothing_twice(ticker):
    for i in range(1000):
        write(ticker.h.inbox / f"batch/r{i:04d}.txt", REPORT + str(i))
    result = ticker.settle()
    assert len(result.run_requests) == 1
    assert len(ticker.partitions) == 1000
    start, end, reason = ranges(result)[0]
    assert (start, end, reason) == (ticker.partitions[0], ticker.partitions[-1], "new")
    assert ticker.tick().run_requests == []


def test_cursor_survives_a_restart(ticker, harness):
    write(ticker.h.inbox / "a.txt")
    ticker.settle()
    restarted = Ticker(harness)  # a new daemon process: only the stored cursor text carries over
    restarted.cursor = str(ticker.cursor)
    assert json.loads(restarted.cursor)["files"]["a"][0] == "a.txt"
    assert restarted.tick().run_requests == []


def launch(harness, request: dg.RunRequest) -> None:
    """Run a sensor's request the way the daemon does: its asset selection and tags, on the instance."""
    from gov_pipeline.demo import QUIET

    job = harness.defs.resolve_implicit_global_asset_job_def()
    tags = {**request.tags, SENSOR_NAME_TAG: "report_inbox_sensor"}
    if request.run_key:
        tags[RUN_KEY_TAG] = request.run_key
    result = job.execute_in_process(instance=harness.instance, asset_selection=request.asset_selection,
                                    tags=tags, run_config=QUIET)
    assert result.success


def test_the_runs_the_sensor_requests_land_new_and_changed_reports(ticker):
    write(ticker.h.inbox / "a.txt")
    write(ticker.h.inbox / "b.txt", REPORT.replace("12条", "30条"))
    (request,) = ticker.settle().run_requests
    launch(ticker.h, request)
    q = ticker.h.query
    assert q("SELECT report_id, status FROM core.report_inventory ORDER BY 1") == [("a", "loaded"), ("b", "loaded")]
    assert q("SELECT report_id, value FROM core.fact_metric WHERE metric_code = 'proactive_total' ORDER BY 1") == [
        ("a", 12.0), ("b", 30.0)]
    write(ticker.h.inbox / "b.txt", REPORT.replace("12条", "31条") + "\n")  # b changes
    os.utime(ticker.h.inbox / "b.txt", ns=(1, 1))
    (request,) = ticker.settle().run_requests
    assert ranges(ticker.settle()) == [] and request.tags["gov/reason"] == "changed"
    launch(ticker.h, request)
    assert q("SELECT report_id, value FROM core.fact_metric WHERE metric_code = 'proactive_total' ORDER BY 1") == [
        ("a", 12.0), ("b", 31.0)]
    assert q("SELECT proactive_total FROM marts.report_metrics_wide WHERE report_id = 'b'") == [(31.0,)]


# --------------------------------------------------------------------------------------------- faults and odd files

def test_a_missing_inbox_fails_the_tick_and_removes_nothing(ticker):
    write(ticker.h.inbox / "a.txt")
    ticker.settle()
    shutil.rmtree(ticker.h.inbox)
    with pytest.raises(InboxUnavailable, match="does not exist.*Nothing was added or removed"):
        ticker.tick()
    assert ticker.partitions == ["a"]
    write(ticker.h.inbox / "a.txt")  # back, same bytes: nothing to do
    assert ticker.settle().run_requests == [] and ticker.partitions == ["a"]


def test_a_folder_that_cannot_be_listed_fails_the_tick_and_removes_nothing(ticker, monkeypatch):
    write(ticker.h.inbox / "sub/a.txt")
    write(ticker.h.inbox / "b.txt")
    ticker.settle()
    real = os.scandir
    monkeypatch.setattr(os, "scandir", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if str(p).endswith("sub") else real(p))
    with pytest.raises(InboxUnavailable, match="cannot list the folder 'sub'"):
        ticker.tick()
    assert len(ticker.partitions) == 2


def test_odd_entries_never_hang_or_crash_a_tick(ticker):
    os.mkfifo(ticker.h.inbox / "x.txt")
    os.symlink("loop.txt", ticker.h.inbox / "loop.txt")
    with open(os.path.join(os.fsencode(ticker.h.inbox), "年报".encode("gbk") + b".txt"), "wb") as fh:
        fh.write(REPORT.encode("utf-8"))
    write(ticker.h.inbox / "a.txt")
    results = []
    thread = threading.Thread(target=lambda: results.append(ticker.settle()), daemon=True)
    thread.start()
    thread.join(20)
    assert results, "the tick hung"
    (request,) = results[0].run_requests
    gbk = partition_key_for(os.fsdecode("年报".encode("gbk") + b".txt"))
    assert sorted(ticker.partitions) == sorted(["a", gbk]) and gbk.startswith("年报-")
    assert request.tags["gov/reason"] == "new"


def test_names_that_once_shared_a_key_get_a_partition_each_and_stay_quiet(ticker):
    odd = "怀柔 年报 2019 (终稿).txt"
    for name in ["r.txt", "r.TXT", odd, partition_key_for(odd) + ".txt"]:
        write(ticker.h.inbox / name)
    assert len(ticker.settle().run_requests) == 1
    assert len(ticker.partitions) == 4
    assert ticker.tick().run_requests == [] and ticker.tick().run_requests == []


def test_a_file_that_cannot_be_read_is_sent_to_quarantine_and_read_again_once_it_can(ticker, monkeypatch):
    import gov_pipeline.inbox as inbox

    write(ticker.h.inbox / "u.txt")
    real = inbox.file_sha256
    monkeypatch.setattr(inbox, "file_sha256", lambda p: (_ for _ in ()).throw(PermissionError(13, "denied"))
                        if p.name == "u.txt" else real(p))
    assert ranges(ticker.settle()) == [("u", "u", "new")]  # the run quarantines it, saying why
    assert ticker.tick().run_requests == []  # still unreadable: nothing new
    monkeypatch.setattr(inbox, "file_sha256", real)  # permissions fixed (no mtime change)
    assert ranges(ticker.tick()) == [("u", "u", "changed")]
    assert ticker.tick().run_requests == []


def test_a_tick_that_asks_for_nothing_says_why(ticker):
    assert "no new, changed or removed report" in ticker.tick().skip_reason.skip_message
    write(ticker.h.inbox / "a.txt")
    assert "1 file(s) still being written" in ticker.tick().skip_reason.skip_message
    assert ticker.tick().skip_reason is None


def test_files_that_are_not_read_are_shown_by_one_refresh_run(ticker):
    write(ticker.h.inbox / "a.txt")
    ticker.settle()
    write(ticker.h.inbox / "report.xls")
    result = ticker.tick()
    assert [r.tags["gov/reason"] for r in result.run_requests] == ["ignored"]
    assert {"/".join(k.path) for k in result.run_requests[0].asset_selection} >= {"core/report_inventory"}
    assert ticker.tick().run_requests == []


# --------------------------------------------------------------------------------------------- the daemon's run keys

def test_remove_and_restore_cycles_each_start_a_run(ticker):
    path = ticker.h.inbox / "a.txt"
    write(path)
    write(ticker.h.inbox / "b.txt", REPORT + "b")
    ticker.settle()
    data, stamp = path.read_bytes(), path.stat()
    for _ in range(2):
        path.unlink()
        assert [r.tags["gov/reason"] for r in ticker.tick().run_requests] == ["removed"]
        path.write_bytes(data)  # restored byte for byte, with its old mtime
        os.utime(path, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        assert ranges(ticker.settle()) == [("a", "a", "new")]
    assert ticker.dropped == []  # the daemon would have started every one of them


def test_edits_back_and_forth_each_start_a_run(ticker):
    path = ticker.h.inbox / "a.txt"
    versions = [REPORT, REPORT + "B", REPORT, REPORT + "B"]
    write(path, versions[0])
    ticker.settle()
    for i, text in enumerate(versions[1:], start=1):
        write(path, text)
        os.utime(path, ns=(i, i * 10**9))
        assert ranges(ticker.settle()) == [("a", "a", "changed")], i
    assert ticker.dropped == []


def test_a_tick_evaluated_again_from_the_same_cursor_starts_nothing_twice(ticker):
    write(ticker.h.inbox / "a.txt")
    ticker.tick()
    before = ticker.cursor
    assert len(ticker.tick().run_requests) == 1
    ticker.cursor = before  # the daemon died before it stored the new cursor: the tick runs again
    assert ticker.tick().run_requests == [] and len(ticker.dropped) == 1


def test_after_make_demo_the_sensor_asks_for_nothing(harness):
    harness.copy_seeds(["000_d9a8aa6b43ea3b92.txt", "004_17c27c0a9e1aa267.txt"])
    harness.materialize_all()  # make demo: partitions and warehouse, no sensor cursor
    ticker = Ticker(harness)  # then `make dev`: the sensor's first ticks
    assert ticker.settle().run_requests == [] and ticker.tick().run_requests == []
    path = harness.inbox / "000_d9a8aa6b43ea3b92.txt"  # while a change made since is still seen
    path.write_text(path.read_text(encoding="utf-8") + "\n补充。", encoding="utf-8")
    assert ranges(ticker.settle()) == [("000_d9a8aa6b43ea3b92", "000_d9a8aa6b43ea3b92", "changed")]


@pytest.mark.parametrize("change", ["remove", "edit"])
def test_when_the_first_copy_goes_the_sensor_s_run_loads_the_surviving_copy(harness, change):
    ticker = Ticker(harness, launch=True)
    write(harness.inbox / "a.txt")
    write(harness.inbox / "z.txt")
    ticker.settle()
    q = harness.query
    assert q("SELECT report_id, status FROM core.report_inventory ORDER BY 1") == [("a", "loaded"), ("z", "duplicate")]
    if change == "remove":
        (harness.inbox / "a.txt").unlink()
        ticker.tick()
    else:
        write(harness.inbox / "a.txt", REPORT.replace("12条", "13条"))
        os.utime(harness.inbox / "a.txt", ns=(1, 1))
        ticker.settle()
    want = [("z", "loaded")] if change == "remove" else [("a", "loaded"), ("z", "loaded")]
    assert q("SELECT report_id, status FROM core.report_inventory ORDER BY 1") == want
    assert q("SELECT report_id FROM marts.report_metrics_wide WHERE report_id = 'z'") == [("z",)]
    assert ticker.tick().run_requests == [] and ticker.dropped == []
