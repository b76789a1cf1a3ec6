"""The per-report text work over two forked workers gives the same rows as one process."""
import dagster as dg

from tests.conftest import Harness

REPORT = "{agency}2019年政府信息公开工作年度报告\n一、总体情况\n2019年主动公开政府信息{n}条,未收到政府信息公开申请。\n{agency}\n2020年1月20日\n"
AGENCIES = ["北京市怀柔区生态环境局", "许昌市生态环境局", "鄂尔多斯市生态环境局", "益阳市生态环境局"]


def _run(tmp_path, workers):
    with dg.instance_for_test() as instance:
        h = Harness(tmp_path, instance, workers=workers)
        for i in range(48):  # above MIN_PARALLEL, so the parallel path is taken
            (h.inbox / f"r{i:02d}.txt").write_text(REPORT.format(agency=AGENCIES[i % 4], n=i + 1), encoding="utf-8")
        h.materialize_all()
        return {t: h.df(f"SELECT * FROM {t} ORDER BY ALL") for t in
                ("core.dim_report", "core.fact_metric", "core.fact_section", "core.fact_keyword")}


def test_two_workers_match_one(tmp_path):
    one = _run(tmp_path / "one", 1)
    two = _run(tmp_path / "two", 2)
    assert len(one["core.dim_report"]) == 48
    assert sorted(one["core.fact_metric"].query("metric_code == 'proactive_total'")["value"]) == list(range(1, 49))
    for table in one:
        assert one[table].equals(two[table]), table
