"""Bad input and faults through the whole graph (`make demo`'s path): nothing lost, nothing stuck.

Each case: the odd entry beside real reports, one materialisation, then exactly the reports a user expects,
with the odd file visible and explained in core.report_inventory."""
import os
import shutil
import threading
import time
from dataclasses import replace

import dagster as dg
import pytest

from gov_pipeline.inbox import InboxUnavailable, partition_key_for
from gov_pipeline.settings import REPO_ROOT

A, B = "000_d9a8aa6b43ea3b92", "004_17c27c0a9e1aa267"
SEED_A, SEED_B = (REPO_ROOT / "seeds" / f"{k}.txt" for k in (A, B))


def inventory(harness) -> dict[str, tuple]:
    return {r[0]: r[1:] for r in harness.query("SELECT report_id, source_path, status, reason FROM core.report_inventory")}


def loaded(harness) -> set[str]:
    return {r[0] for r in harness.query("SELECT report_id FROM core.dim_report")}


def counts(harness) -> dict[str, int]:
    tables = ["raw.reports", "staging.clean_reports", "core.dim_report", "core.fact_metric", "core.report_inventory",
              "marts.report_metrics_wide"]
    return {t: harness.query(f"SELECT count(*) FROM {t}")[0][0] for t in tables}


def test_a_missing_inbox_fails_loudly_and_every_row_stays(harness):
    harness.copy_seeds([f"{A}.txt", f"{B}.txt"])
    harness.materialize_all()
    before = counts(harness)
    assert before["core.dim_report"] == 2
    typo = replace(harness.settings, inbox=harness.inbox.parent / "inbx")
    from gov_pipeline.demo import QUIET, materialize_all

    with pytest.raises(InboxUnavailable, match="does not exist"):
        materialize_all(harness.defs, harness.instance, typo, run_config=QUIET)
    assert counts(harness) == before


def test_the_raw_step_fails_without_retrying_when_its_inbox_is_gone(harness):
    harness.copy_seeds([f"{A}.txt"])
    harness.materialize_all()
    before = counts(harness)
    shutil.rmtree(harness.inbox)
    from gov_pipeline.demo import QUIET

    job = harness.defs.resolve_implicit_global_asset_job_def()
    started = time.monotonic()
    result = job.execute_in_process(instance=harness.instance, run_config=QUIET, raise_on_error=False,
                                    asset_selection=[dg.AssetKey(["raw", "reports"])])
    assert not result.success and time.monotonic() - started < 10  # no retries
    failure = next(e for e in result.all_events if e.event_type_value == "STEP_FAILURE")
    assert "does not exist" in failure.step_failure_data.error.message
    assert counts(harness) == before


def test_a_fifo_neither_hangs_the_run_nor_stops_the_reports_beside_it(harness):
    harness.copy_seeds([f"{A}.txt", f"{B}.txt"])
    os.mkfifo(harness.inbox / "x.txt")
    done = []
    thread = threading.Thread(target=lambda: done.append(harness.materialize_all()), daemon=True)
    thread.start()
    thread.join(120)
    assert done, "the run hung on the FIFO"
    assert loaded(harness) == {A, B}
    assert inventory(harness)["x"] == ("x.txt", "ignored", "not a regular file: a FIFO (named pipe)")


def test_an_unreadable_file_is_quarantined_and_loads_once_it_can_be_read(harness, monkeypatch):
    import gov_pipeline.ingest as ingest

    harness.copy_seeds([f"{A}.txt", f"{B}.txt"])
    shutil.copy(SEED_B, harness.inbox / "locked.txt")
    (harness.inbox / "locked.txt").write_text(SEED_B.read_text(encoding="utf-8") + "\n(附件)", encoding="utf-8")
    real = ingest.read_bytes
    monkeypatch.setattr(ingest, "read_bytes", lambda p: (_ for _ in ()).throw(PermissionError(13, "Permission denied"))
                        if os.path.basename(p) == "locked.txt" else real(p))
    harness.materialize_all()  # no retries, no failed run: the other reports land
    assert loaded(harness) == {A, B}
    assert harness.query("SELECT stage, reason, content_sha256 FROM core.quarantine WHERE report_id = 'locked'") == [
        ("read", "cannot read the file: permission denied", None)]
    assert inventory(harness)["locked"][1:] == ("quarantined", "cannot read the file: permission denied")
    monkeypatch.setattr(ingest, "read_bytes", real)  # permissions fixed
    harness.materialize_all()
    assert loaded(harness) == {A, B, "locked"}
    assert harness.query("SELECT count(*) FROM core.quarantine")[0][0] == 0


def test_a_symlink_loop_and_a_file_name_in_gbk_are_handled(harness):
    harness.copy_seeds([f"{A}.txt"])
    os.symlink("loop.txt", harness.inbox / "loop.txt")
    gbk_name = "怀柔年报".encode("gbk") + b".txt"
    shutil.copy(SEED_B, os.path.join(os.fsencode(harness.inbox), gbk_name))
    harness.materialize_all()
    gbk_key = partition_key_for(os.fsdecode(gbk_name))
    assert loaded(harness) == {A, gbk_key}
    inv = inventory(harness)
    assert inv[gbk_key][:2] == ("怀柔年报.txt", "loaded")
    assert inv["loop"] == ("loop.txt", "ignored", "symlink loop")


def test_names_that_once_shared_a_key_are_loaded_side_by_side(harness):
    text = SEED_B.read_text(encoding="utf-8")
    odd = "怀柔 年报 2019 (终稿).txt"
    for i, name in enumerate(["r.txt", "r.TXT", odd, partition_key_for(odd) + ".txt"]):
        (harness.inbox / name).write_text(text.replace("2018", str(2010 + i)), encoding="utf-8")
    harness.materialize_all()
    assert len(loaded(harness)) == 4
    assert {r[0] for r in harness.query("SELECT source_path FROM raw.reports")} == {
        "r.txt", "r.TXT", odd, partition_key_for(odd) + ".txt"}
    again = harness.materialize_all()[0]  # and again: same keys, nothing new
    assert again.asset_materializations_for_node("raw__reports")[0].metadata["files_read"].value == 0
    assert harness.query("SELECT count(*) FROM raw.reports") == [(4,)]


def test_files_that_are_not_reports_are_listed_with_the_reason(harness):
    harness.copy_seeds([f"{A}.txt"])
    (harness.inbox / "annual report.xls").write_bytes(b"%PDF-1.7")
    (harness.inbox / "draft.txt.part").write_text("x")
    (harness.inbox / "~$lock.txt").write_text("x")
    harness.materialize_all()
    inv = {path: (status, reason) for path, status, reason in inventory(harness).values()}
    assert inv == {
        f"{A}.txt": ("loaded", None),
        "annual report.xls": ("ignored", "unsupported file type .xls: only .doc, .docx, .htm, .html, .pdf, .shtml, .txt, .wps files are read"),
        "draft.txt.part": ("ignored", "temporary file (still being downloaded or written): read once it is renamed"),
        "~$lock.txt": ("ignored", "office lock file (sits beside an open document)"),
    }
    assert harness.query("SELECT status FROM marts.report_scorecard WHERE source_path = 'annual report.xls'") == [
        ("ignored",)]
    (harness.inbox / "annual report.xls").unlink()
    harness.materialize_all()
    assert "annual report.xls" not in {v[0] for v in inventory(harness).values()}


@pytest.mark.parametrize("change", ["delete", "edit"])
def test_when_the_first_copy_goes_the_surviving_copy_is_loaded_in_one_run(harness, change):
    harness.copy_seeds([f"{B}.txt"])
    shutil.copy(SEED_B, harness.inbox / "zz copy.txt")
    harness.materialize_all()
    copy = partition_key_for("zz copy.txt")
    assert harness.query(f"SELECT status, duplicate_of FROM core.report_inventory WHERE report_id = '{copy}'") == [
        ("duplicate", B)]
    first = harness.inbox / f"{B}.txt"
    if change == "delete":
        first.unlink()
    else:
        first.write_text(first.read_text(encoding="utf-8").replace("2018", "2019"), encoding="utf-8")
    harness.materialize_all()
    assert harness.query(f"SELECT status, duplicate_of FROM core.report_inventory WHERE report_id = '{copy}'") == [
        ("loaded", None)]
    assert copy in loaded(harness)
    assert harness.query(f"SELECT count(*) FROM marts.report_metrics_wide WHERE report_id = '{copy}'") == [(1,)]
    assert harness.query(f"SELECT count(*) FROM core.fact_metric WHERE report_id = '{copy}'")[0][0] > 0
    if change == "edit":
        assert loaded(harness) == {B, copy}


def test_a_new_copy_never_displaces_the_loaded_report(harness):
    shutil.copy(SEED_B, harness.inbox / "zz.txt")
    harness.materialize_all()
    shutil.copy(SEED_B, harness.inbox / "aa.txt")  # a smaller key, same bytes
    harness.materialize_all()
    assert harness.query("SELECT report_id, status, duplicate_of FROM core.report_inventory ORDER BY 1") == [
        ("aa", "duplicate", "zz"), ("zz", "loaded", None)]


def test_a_damaged_warehouse_fails_fast_naming_the_damage(harness):
    harness.copy_seeds([f"{A}.txt"])
    harness.materialize_all()
    path = harness.settings.warehouse
    size = path.stat().st_size
    with open(path, "r+b") as fh:
        fh.truncate(size // 2)
    from gov_pipeline.demo import QUIET, materialize_all

    started = time.monotonic()
    with pytest.raises(Exception) as raised:
        materialize_all(harness.defs, harness.instance, harness.settings, run_config=QUIET)
    assert time.monotonic() - started < 30
    assert "Could not read enough bytes" in str(raised.value) or "not a valid DuckDB" in str(raised.value)
    assert path.stat().st_size == size // 2  # nothing was written over it
