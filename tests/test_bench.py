"""Smoke test of `make bench` (gov_pipeline.bench) on a tiny corpus: every figure is produced and positive."""
import json
import math

from gov_pipeline import bench

POSITIVE = (
    "n_reports", "bare_reports_per_s", "pipeline_reports_per_s", "ratio_pipeline_to_bare", "jieba_reports_per_s",
    "rjieba_reports_per_s", "segmenter_agreement", "floor_run_s", "single_report_run_s", "ratio_single_to_floor",
    "peak_rss_mb", "marts_refresh_s", "metric_f1", "metadata_accuracy", "sensor_tick_s", "warehouse_mb",
    "read_copy_mb", "sensor_cursor_bytes",
)
STAGES = ("raw", "report_chunks", "derive_reports", "report_inventory", "marts", "analysts_copy",
          "process_reports_run", "refresh_marts_run")


def test_corpus_plan_splits_above_the_generator_cap():
    assert bench.corpus_plan(20, 0) == [("", 0, 2, 20, None)]
    plan = bench.corpus_plan(10_000, 7)
    assert sum(p[3] for p in plan) == 10_000
    assert len({p[1] for p in plan}) == len(plan) > 1  # distinct seeds, one sub-folder each
    assert all(p[2] <= bench.MAX_AGENCIES and p[2] * bench.PER_AGENCY >= p[3] for p in plan)
    # every sub-corpus is the bureaus of another function: its agencies are not those of the others
    assert [p[4] for p in plan] == [None, *bench.BUREAUS[: len(plan) - 1]]
    assert len({p[4] for p in bench.corpus_plan(100_000, 0)}) == math.ceil(100_000 / (bench.MAX_AGENCIES * bench.PER_AGENCY))


def test_a_bureau_corpus_keys_each_agency_by_its_function(tmp_path):
    from gov_pipeline.synth import generate
    from gov_pipeline.synth.agencies import make_agencies

    env, water = make_agencies(30, 5), make_agencies(30, 5, "水务")
    assert not {a.key for a in env} & {a.key for a in water}
    assert {a.key.rsplit("/", 1)[1] for a in water} <= {"水务局", "水务厅"}
    records = generate(tmp_path, 2, (2018, 2020), 5, bureau="水务")
    assert all("水务" in r["meta"]["agency_name"] and "环保" not in r["meta"]["agency_name"] for r in records)


def test_check_targets_pass_fail_skip():
    rows = {r["key"]: r["status"] for r in bench.check_targets({"metric_f1": 0.99, "peak_rss_mb": 2500.0})}
    assert rows["metric_f1"] == "PASS" and rows["peak_rss_mb"] == "FAIL" and rows["marts_refresh_s"] == "SKIP"


def test_bench_end_to_end_on_a_tiny_corpus(tmp_path, monkeypatch):
    out = tmp_path / "out"
    monkeypatch.setattr(bench, "SCORE_SAMPLE", 7)  # 20 reports: every 3rd is scored
    assert bench.main(["--n", "20", "--repeat", "1", "--workdir", str(tmp_path / "work"), "--out", str(out)]) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["n_reports"] == 20
    for key in POSITIVE:
        value = results[key]
        assert isinstance(value, (int, float)) and math.isfinite(value) and value > 0, (key, value)
    for stage in STAGES:
        assert results["stage_seconds"][stage] > 0, stage
    assert results["warehouse"]["loaded"] + results["warehouse"]["quarantined"] >= 20
    assert (results["scored_every_kth_report"], results["reports_scored"]) == (3, 7)
    assert results["peak_rss_by_step_mb"] and all(v > 0 for v in results["peak_rss_by_step_mb"].values())
    at_peak = results["processes_at_peak_mb"]  # the tree at its peak, process by process: it adds up to the peak
    assert abs(sum(mb for mb, _ in at_peak) - results["peak_rss_mb"]) < 0.1 * len(at_peak)
    assert any(role.startswith("bench child") for _, role in at_peak)
    assert results["machine"]["cpu_count"] and results["machine"]["dagster"] and results["machine"]["duckdb"]
    assert {t["status"] for t in results["targets"]} <= {"PASS", "FAIL"}
    assert not (tmp_path / "work").exists()  # wiped without --keep
