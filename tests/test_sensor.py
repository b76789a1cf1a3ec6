"""report_inbox_sensor against a real temporary Dagster instance and a temporary inbox."""
import json
import os

import dagster as dg
import pytest

from gov_pipeline.defs.automation import RANGE_END, RANGE_START, report_inbox_sensor
from gov_pipeline.inbox import partition_key_for
from gov_pipeline.resources import Inbox

REPORT = "2019年环保局政府信息公开工作年度报告。主动公开政府信息12条。\n"


class Ticker:
    """Evaluates the sensor like the daemon does: keeps the cursor and applies partition requests."""

    def __init__(self, harness):
        self.h = harness
        self.cursor = None

    def tick(self) -> dg.SensorResult:
        ctx = dg.build_sensor_context(instance=self.h.instance, cursor=self.cursor, definitions=self.h.defs,
                                      resources={"inbox": Inbox(path=str(self.h.inbox))})
        result = report_inbox_sensor(ctx)
        for req in result.dynamic_partitions_requests or []:
            if isinstance(req, dg.AddDynamicPartitionsRequest):
                self.h.instance.add_dynamic_partitions(req.partitions_def_name, list(req.partition_keys))
            else:
                for key in req.partition_keys:
                    self.h.instance.delete_dynamic_partition(req.partitions_def_name, key)
        self.cursor = result.cursor
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
    for name in ["a.txt.part", "b.tmp", "c.txt.crdownload", "~$d.txt", ".e.txt", "f.pdf", ".hidden/g.txt"]:
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
    result = job.execute_in_process(instance=harness.instance, asset_selection=request.asset_selection,
                                    tags=request.tags, run_config=QUIET)
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
