"""The per-report text work over two forked workers gives the same rows as one process."""
import dagster as dg

from tests.conftest import Harness

REPORT = "{agency}2019年政府信息公开工作年度报告\n一、总体情况\n2019年主动公开政府信息{n}条,未收到政府信息公开申请。\n{agency}\n2020年1月20日\n"
AGENCIES = ["北京市怀柔区生态环境局", "许昌市生态环境局", "鄂尔多斯市生态环境局", "益阳市生态环境局"]


def _write_reports(h, n):
    """n small reports r00.. in the harness's inbox, agencies in turn, stating n = 1.. documents."""
    for i in range(n):
        (h.inbox / f"r{i:02d}.txt").write_text(REPORT.format(agency=AGENCIES[i % 4], n=i + 1), encoding="utf-8")


def _derive_meta(instance) -> dict:
    """The metadata values of derive_reports' latest core/dim_report materialisation."""
    meta = instance.get_latest_materialization_event(dg.AssetKey(["core", "dim_report"])).asset_materialization.metadata
    return {k: v.value for k, v in meta.items()}


def _core_rows(h) -> dict:
    return {t: h.df(f"SELECT * FROM {t} ORDER BY ALL") for t in
            ("core.dim_report", "core.fact_metric", "core.fact_section", "core.fact_keyword")}


def _run(tmp_path, workers):
    with dg.instance_for_test() as instance:
        h = Harness(tmp_path, instance, workers=workers)
        _write_reports(h, 48)  # above MIN_PARALLEL, so the parallel path is taken
        h.materialize_all()
        meta = _derive_meta(instance)
        return _core_rows(h), (meta["reports_parsed_in"], meta["reports_parsed_early"])


def test_two_workers_match_one(tmp_path):
    """With two workers the raw step forks the pool and hands it every new report as it reads them; derive
    takes those results: the same rows as one process."""
    one, how_one = _run(tmp_path / "one", 1)
    two, how_two = _run(tmp_path / "two", 2)
    assert how_one == ("the run's process", 0) and how_two == ("2 forked workers", 48)
    assert len(one["core.dim_report"]) == 48
    assert sorted(one["core.fact_metric"].query("metric_code == 'proactive_total'")["value"]) == list(range(1, 49))
    for table in one:
        assert one[table].equals(two[table]), table


def test_a_one_report_run_parses_in_the_warm_worker_with_the_same_rows(tmp_path, capfd):
    from gov_pipeline.demo import QUIET, run_reports, sync_partitions

    parsed_in, rows = {}, {}
    for workers in (1, 2):
        with dg.instance_for_test() as instance:
            h = Harness(tmp_path / f"w{workers}", instance, workers=workers)
            _write_reports(h, 3)  # a multi-report run first: no warm worker there
            h.materialize_all()
            (h.inbox / "new.txt").write_text(REPORT.format(agency=AGENCIES[3], n=77), encoding="utf-8")
            assert sync_partitions(instance, h.settings)[1] == ["new"]
            assert run_reports(h.defs, instance, ["new"], run_config=QUIET).success  # the sensor's one-report run
            meta = _derive_meta(instance)
            parsed_in[workers] = (meta["reports_parsed_in"], meta["reports_derived"])
            rows[workers] = _core_rows(h)
    assert parsed_in == {1: ("the run's process", 1), 2: ("the run's warm worker", 1)}
    assert "Traceback" not in capfd.readouterr().err  # the terminated workers end quietly
    assert 77.0 in rows[1]["core.fact_metric"].query("report_id == 'new'")["value"].tolist()
    for table in rows[1]:
        assert rows[1][table].equals(rows[2][table]), table


def _power(item):
    _, base, exp = item
    return base ** exp


def _product(item):
    _, a, b = item
    return a * b


def test_prefetched_results_are_used_only_for_the_same_item():
    from gov_pipeline.resources import TextSettings

    ts = TextSettings(workers=2, segmenter="jieba")
    ts.start_pool()
    try:
        ts.prefetch(_power, [("a", 2, 3), ("b", 2, 4), ("c", 2, 5)], limit=2)  # ("c", ...) is over the limit
        assert len(ts._prefetched) == 2
        got = list(ts.parse_map(many=True)(_power, [("a", 2, 3), ("b", 2, 10), ("c", 2, 5)]))
        assert sorted(got) == sorted([8, 1024, 32])  # "b" changed: computed again, not the prefetched 16
        assert ts.parsed_early == 1 and ts.parsed_in == "2 forked workers" and not ts._prefetched
        ts.prefetch(_power, [("a", 7, 2)], limit=5)
        assert list(ts.parse_map(many=True)(_product, [("a", 7, 2)])) == [14]  # another function: not a hit
    finally:
        ts.stop_workers()
    assert ts.parse_map(many=False) is map and ts.parse_map(many=True) is None  # no pool: fork one for many


def test_only_one_partition_runs_start_a_warm_worker():
    from gov_pipeline.resources import _one_partition

    def run(**tags):
        return dg.DagsterRun(job_name="j", run_id="r", tags=tags)

    start, end = "dagster/asset_partition_range_start", "dagster/asset_partition_range_end"
    assert _one_partition(run(**{start: "a", end: "a"})) and _one_partition(run(**{"dagster/partition": "a"}))
    assert not _one_partition(run(**{start: "a", end: "b"})) and not _one_partition(run()) and not _one_partition(None)


def test_a_warm_worker_whose_preparation_fails_still_parses(monkeypatch):
    from gov_pipeline.frames import derive_report
    from gov_pipeline.resources import _fork_workers
    from gov_pipeline.text import pipeline

    monkeypatch.setattr(pipeline, "prepare", lambda segmenter: 1 / 0)  # inherited by the forked worker
    pool = _fork_workers(1, "jieba")
    try:
        (derived,) = pool.imap(derive_report, [("r", REPORT.format(agency=AGENCIES[0], n=5), "jieba")])
    finally:
        pool.terminate()
        pool.join()
    assert derived.failure is None and derived.rows["core.dim_report"][0]["agency_name"] == AGENCIES[0]


def test_the_code_location_loads_without_the_text_library():
    """A run process parses in its warm worker (or its pool): loading the definitions must not import the
    parsers (their regexes cost ~60 ms in every run process)."""
    import ast
    import subprocess
    import sys

    out = subprocess.run([sys.executable, "-c", "import sys, gov_pipeline.definitions; "
                          "print(sorted(m for m in sys.modules if m.startswith('gov_pipeline.text.')))"],
                         capture_output=True, text=True, check=True).stdout
    loaded = set(ast.literal_eval(out))
    # reading a file (decode, documents: their libraries are imported on first use) is the raw step's own work
    assert loaded and loaded <= {"gov_pipeline.text.cache", "gov_pipeline.text.decode", "gov_pipeline.text.documents",
                                 "gov_pipeline.text.model", "gov_pipeline.text.refdata"}, loaded


def test_a_one_partition_run_with_many_reports_to_derive_stops_its_warm_worker_quietly(tmp_path, capfd):
    """The partitions are read first, then one partition's run derives all of them: the run ends its warm
    worker (still preparing) and forks its pool; no worker prints a traceback."""
    from gov_pipeline.defs.automation import RAW_KEY
    from gov_pipeline.demo import QUIET, run_reports, sync_partitions

    with dg.instance_for_test() as instance:
        h = Harness(tmp_path, instance, workers=2)
        _write_reports(h, 48)
        keys = sync_partitions(instance, h.settings)[0]
        job = h.defs.resolve_implicit_global_asset_job_def()
        assert job.execute_in_process(instance=instance, asset_selection=[RAW_KEY], run_config=QUIET, tags={
            "dagster/asset_partition_range_start": keys[0], "dagster/asset_partition_range_end": keys[-1]}).success
        assert run_reports(h.defs, instance, keys[:1], run_config=QUIET).success
        meta = _derive_meta(instance)
        assert (meta["reports_parsed_in"], meta["reports_derived"]) == ("2 forked workers", 48)
    assert "Traceback" not in capfd.readouterr().err


def test_the_raw_step_hands_over_only_reports_whose_bytes_are_new():
    import datetime as dt

    from gov_pipeline.defs.raw import _new_texts
    from gov_pipeline.ingest import Previous

    def row(rid, sha, text="t", dup=None):
        return {"report_id": rid, "content_sha256": sha, "text": text, "duplicate_of": dup,
                "layout": '{"pages":[[0,1]],"tables":[]}' if rid == "changed" else None}

    then = dt.datetime(2024, 1, 1)
    rows = [row("new", "1"), row("changed", "2"), row("same", "3"), row("undecodable", "4", text=None),
            row("copy", "1", dup="new")]
    previous = {"changed": Previous("old", then), "same": Previous("3", then)}
    assert _new_texts(rows, previous, {}, "jieba") == [("new", "t", "jieba", None),
                                                        ("changed", "t", "jieba", '{"pages":[[0,1]],"tables":[]}')]
    assert _new_texts(rows, previous, {"earlier": "2"}, "jieba") == [("new", "t", "jieba", None)]  # 2 was read


def test_workers_stopped_without_waiting_are_gone_once_the_run_ends():
    from gov_pipeline.resources import TextSettings

    ts = TextSettings(workers=2, segmenter="jieba")
    ts.start_pool()
    procs = list(ts._pool._pool)
    assert list(ts.parse_map(many=True)(_power, [("a", 3, 2)])) == [9]
    ts.stop_workers(wait=False)  # derive_reports is done with them
    assert ts.parse_map(many=False) is map  # a retry would parse here, or fork a new pool for many
    ts.stop_workers()  # the run's teardown waits for them
    assert ts._stopping is None and not any(p.is_alive() for p in procs)
