"""The raw step's config: re-reading named files (how one file is re-run from the UI), and waiting for fresh ones."""
import os
import time

import dagster as dg
import pytest

from gov_pipeline.demo import QUIET, run_reports

A, B = "000_d9a8aa6b43ea3b92", "004_17c27c0a9e1aa267"


def _raw(result) -> dict:
    meta = result.asset_materializations_for_node("raw__reports")[0].metadata
    return {k: meta[k].value for k in ("files_read", "files_unchanged", "files_waiting", "reports_removed", "mode")
            if k in meta}


def test_named_files_are_read_again_whatever_their_state(harness):
    harness.copy_seeds([f"{A}.txt", f"{B}.txt"])
    first = harness.materialize_all()[0]
    again = run_reports(harness.defs, harness.instance, files=[f"{A}.txt"], run_config=QUIET)  # a path ...
    # (found one by one: the inbox is not listed, so its unchanged files are not counted)
    assert _raw(again) == {"files_read": 1, "files_waiting": 0, "reports_removed": 0,
                           "mode": "files listed in the run's config (found without listing the inbox)"}
    runs = dict(harness.query("SELECT report_id, run_id FROM raw.reports"))
    assert runs == {A: again.run_id, B: first.run_id}
    by_id = run_reports(harness.defs, harness.instance, files=[B], run_config=QUIET)  # ... or a report id
    assert _raw(by_id)["files_read"] == 1 and dict(harness.query("SELECT report_id, run_id FROM raw.reports"))[B] == \
        by_id.run_id
    derived = {m.asset_key.to_user_string(): m.metadata["reports_derived"].value
               for m in by_id.asset_materializations_for_node("derive_reports")}
    assert derived["core/dim_report"] == 0  # same bytes: nothing derived again


def test_a_named_file_that_left_the_inbox_leaves_and_an_unknown_one_fails_the_run(harness):
    harness.copy_seeds([f"{A}.txt", f"{B}.txt"])
    harness.materialize_all()
    (harness.inbox / f"{A}.txt").unlink()
    gone = run_reports(harness.defs, harness.instance, files=[A], run_config=QUIET)
    assert _raw(gone)["reports_removed"] == 1 and harness.query("SELECT report_id FROM raw.reports") == [(B,)]
    with pytest.raises(dg.Failure, match="not in the inbox and not in the warehouse: nowhere.txt"):
        run_reports(harness.defs, harness.instance, files=["nowhere.txt"], run_config=QUIET)
    assert harness.query("SELECT report_id FROM raw.reports") == [(B,)]  # nothing read or removed


def test_a_sync_leaves_files_modified_within_the_settle_time_for_later(harness):
    harness.copy_seeds([f"{A}.txt", f"{B}.txt"])
    old = time.time_ns() - 60 * 10**9
    os.utime(harness.inbox / f"{A}.txt", ns=(old, old))  # settled; B was just written
    config = {**QUIET, "ops": {"raw__reports": {"config": {"settle_seconds": 30}}}}
    job = harness.defs.resolve_job_def("process_reports")
    result = job.execute_in_process(instance=harness.instance, run_config=config)
    assert _raw(result)["files_read"] == 1 and _raw(result)["files_waiting"] == 1
    assert harness.query("SELECT report_id FROM raw.reports") == [(A,)]
