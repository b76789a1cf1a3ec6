"""Tests of the accuracy scorer (gov_pipeline.evaluate)."""
from __future__ import annotations

import datetime as dt
import json

import duckdb
import pandas as pd
import pytest

from gov_pipeline.evaluate import main, norm_dim, render, score, worst_reports
from gov_pipeline.synth import generate


def _truth():
    return [
        {"file": "a_2020.txt",
         "meta": {"title": "甲局2020年政府信息公开工作年度报告", "agency_key": "湖北省/武汉市/生态环境", "report_year": 2020,
                  "admin_level": "city", "published_on": "2021-01-20", "doc_number": "鄂环字〔2021〕5号", "county": None},
         "metrics": [
             {"metric_code": "requests_received", "dimension": None, "value": 5, "source_kind": "table", "qualifier": None, "is_redacted": False},
             {"metric_code": "requests_received", "dimension": "applicant=natural_person", "value": 4, "source_kind": "table", "qualifier": None, "is_redacted": False},
             {"metric_code": "proactive_total", "dimension": None, "value": 120, "source_kind": "narrative", "qualifier": "approx", "is_redacted": False},
         ]},
        {"file": "b_2013.txt",
         "meta": {"title": "乙局2013年政府信息公开工作年度报告", "agency_key": "湖北省/生态环境", "report_year": 2013,
                  "admin_level": "province", "published_on": None, "doc_number": None, "county": None},
         "metrics": [
             {"metric_code": "staff_total", "dimension": None, "value": None, "source_kind": "narrative", "qualifier": None, "is_redacted": True},
             {"metric_code": "admin_litigation_total", "dimension": "route=direct;result=upheld", "value": 0, "source_kind": "table", "qualifier": None, "is_redacted": False},
         ]},
        {"file": "c_2015.txt",  # not in the warehouse
         "meta": {"title": "丙局", "agency_key": "x", "report_year": 2015, "admin_level": "county",
                  "published_on": None, "doc_number": None, "county": "江夏区"},
         "metrics": [
             {"metric_code": "trainings", "dimension": None, "value": 2, "source_kind": "narrative", "qualifier": None, "is_redacted": False},
         ]},
    ]


def _frames():
    raw = pd.DataFrame({"report_id": ["r1", "r2"], "source_path": ["/data/in/a_2020.txt", "C:\\x\\b_2013.txt"]})
    dim = pd.DataFrame([
        {"report_id": "r1", "title": "甲局2020年政府信息公开工作年度报告 ", "agency_key": "湖北省/武汉市/生态环境",
         "report_year": 2020, "admin_level": "city", "published_on": dt.date(2021, 1, 20),
         "doc_number": "鄂环字﹝2021﹞5号", "county": None},
        {"report_id": "r2", "title": "乙局2013年政府信息公开工作年度报告", "agency_key": "湖北省/生态环境",
         "report_year": 2014, "admin_level": "province", "published_on": pd.NaT, "doc_number": None, "county": None},
    ])
    met = pd.DataFrame([
        # r1: headline right, dimension wrong value, narrative right, one extra code
        {"report_id": "r1", "metric_code": "requests_received", "dimension": None, "value": 5.0, "source_kind": "table", "qualifier": None},
        {"report_id": "r1", "metric_code": "requests_received", "dimension": "applicant=natural_person", "value": 3.0, "source_kind": "table", "qualifier": None},
        {"report_id": "r1", "metric_code": "proactive_total", "dimension": None, "value": 120.0, "source_kind": "narrative", "qualifier": None},
        {"report_id": "r1", "metric_code": "trainings", "dimension": None, "value": 1.0, "source_kind": "narrative", "qualifier": None},
        # r2: redacted null matches null; dimension given in another order; a duplicate of it
        {"report_id": "r2", "metric_code": "staff_total", "dimension": None, "value": None, "source_kind": "narrative", "qualifier": None, "is_redacted": True},
        {"report_id": "r2", "metric_code": "admin_litigation_total", "dimension": "result=upheld;route=direct", "value": 0.0, "source_kind": "table", "qualifier": None},
        {"report_id": "r2", "metric_code": "admin_litigation_total", "dimension": "result=upheld;route=direct", "value": 0.0, "source_kind": "table", "qualifier": None},
        # a row of a report that has no truth: ignored
        {"report_id": "r9", "metric_code": "trainings", "dimension": None, "value": 1.0, "source_kind": "narrative", "qualifier": None},
    ])
    return dim, met, raw


def test_counts_precision_recall():
    dim, met, raw = _frames()
    res = score(_truth(), dim, met, raw)
    o = res["metrics"]["overall"]
    # TP: r1 headline, r1 narrative, r2 null, r2 litigation = 4
    # FP: r1 wrong dimension value, r1 extra trainings, r2 duplicate = 3
    # FN: r1 wrong dimension value, c_2015 trainings = 2
    assert (o["tp"], o["fp"], o["fn"]) == (4, 3, 2)
    assert o["precision"] == pytest.approx(4 / 7)
    assert o["recall"] == pytest.approx(4 / 6)
    assert o["f1"] == pytest.approx(2 * (4 / 7) * (4 / 6) / (4 / 7 + 4 / 6))
    rr = res["metrics"]["per_code"]["requests_received"]
    assert (rr["tp"], rr["fp"], rr["fn"]) == (1, 1, 1)
    assert rr["precision"] == pytest.approx(0.5)
    tr = res["metrics"]["per_code"]["trainings"]
    assert (tr["tp"], tr["fp"], tr["fn"]) == (0, 1, 1)
    lit = res["metrics"]["per_code"]["admin_litigation_total"]
    assert lit["precision"] == pytest.approx(0.5) and lit["recall"] == 1.0
    assert res["metrics"]["by_scope"]["headline"]["tp"] == 3
    assert res["metrics"]["by_scope"]["dimension"]["fn"] == 1
    assert res["qualifier_accuracy"] == pytest.approx(0.0)  # approx expected, None extracted
    assert res["reports"] == {"truth": 3, "matched": 2, "missing": ["c_2015.txt"]}


def test_precision_two_thirds():
    truth = [{"file": "x.txt", "meta": {}, "metrics": [
        {"metric_code": "staff_total", "dimension": None, "value": 3, "source_kind": "narrative"},
        {"metric_code": "staff_fulltime", "dimension": None, "value": 1, "source_kind": "narrative"},
    ]}]
    raw = pd.DataFrame({"report_id": [1], "source_path": ["x.txt"]})
    dim = pd.DataFrame({"report_id": [1]})
    met = pd.DataFrame({"report_id": [1, 1, 1], "metric_code": ["staff_total", "staff_fulltime", "staff_parttime"],
                        "dimension": [None, None, None], "value": [3.0, 1.0000001, 2.0],
                        "source_kind": ["narrative", "narrative", "narrative"]})
    o = score(truth, dim, met, raw)["metrics"]["overall"]
    assert o["precision"] == pytest.approx(2 / 3) and o["recall"] == 1.0 and o["f1"] == pytest.approx(0.8)
    # an unknown code can be ignored on request
    met.loc[2, "metric_code"] = "approvals_received"  # read from prose, never labelled by the generator
    assert score(truth, dim, met, raw, ignore_unknown_codes=True)["metrics"]["overall"]["precision"] == 1.0
    # a table figure does not satisfy a narrative truth row
    met.loc[0, "source_kind"] = "table"
    o = score(truth, dim, met, raw, ignore_unknown_codes=True)["metrics"]["overall"]
    assert (o["tp"], o["fp"], o["fn"]) == (1, 1, 1)


def test_one_key_many_figures_and_the_generic_label():
    """Several figures under one (code, dimension) match as a multiset by value; the generic code's label is part of
    its identity; families charge misses to the truth's family and extras to the sentence they came from."""
    def t(code, dim, value, **kw):
        return {"metric_code": code, "dimension": dim, "value": value, "source_kind": "narrative",
                "qualifier": kw.pop("qualifier", None), "is_redacted": False, **kw}

    truth = [{"file": "x.txt", "meta": {}, "metrics": [
        t("env_releases", "category=env_quality", 12, family="env_release"),
        t("env_releases", "category=env_quality", 36, family="env_release"),
        t("env_releases", "category=env_quality", 12, family="env_release"),
        t("other_figure", None, 12, label="编发工作简报", family="other"),
        t("other_figure", None, 0, label="未发生逾期答复的情况", qualifier="negation", family="zero_words"),
        t("proactive_total", None, 300),
    ], "sentences": [["env_release", "发布空气质量月报12期、地表水水质月报12期,公开监测结果36条。"],
                     ["distractor:time_limit", "在15个工作日内予以答复。"]]}]
    raw = pd.DataFrame({"report_id": [1], "source_path": ["x.txt"]})
    dim = pd.DataFrame({"report_id": [1]})
    rows = [
        ("env_releases", "category=env_quality", 12.0, "空气质量月报", "发布空气质量月报12期、地表水水质月报12期,公开监测结果36条。"),
        ("env_releases", "category=env_quality", 36.0, "监测结果", "发布空气质量月报12期、地表水水质月报12期,公开监测结果36条。"),
        ("other_figure", None, 12.0, "开展专项检查", "开展专项检查12次。"),  # right value, another phrase
        ("other_figure", None, 0.0, "未发生逾期答复的情况", "全年未发生逾期答复的情况。"),
        ("other_figure", None, 15.0, "工作日", "在15个工作日内予以答复。"),
        ("proactive_total", None, 300.0, "主动公开政府信息", "主动公开政府信息300条。"),
    ]
    met = pd.DataFrame([{"report_id": 1, "metric_code": c, "dimension": d, "value": v, "label": lab, "evidence": ev,
                         "source_kind": "narrative", "qualifier": "negation" if v == 0 else None}
                        for c, d, v, lab, ev in rows])
    res = score(truth, dim, met, raw)
    env = res["metrics"]["per_code"]["env_releases"]
    assert (env["tp"], env["fp"], env["fn"]) == (2, 0, 1)
    gen = res["metrics"]["per_code"]["other_figure"]
    assert (gen["tp"], gen["fp"], gen["fn"]) == (1, 2, 1)
    fam = res["metrics"]["by_family"]
    assert (fam["env_release"]["tp"], fam["env_release"]["fn"]) == (2, 1)
    assert (fam["other"]["tp"], fam["other"]["fn"]) == (0, 1)
    assert fam["zero_words"]["tp"] == 1 and fam["catalogue"]["tp"] == 1
    assert fam["distractor:time_limit"]["fp"] == 1  # charged to the sentence it came from
    assert res["label_agreement"] == 1.0
    assert "phrasing family" in render(res)


def test_metadata_accuracy():
    dim, met, raw = _frames()
    res = score(_truth(), dim, met, raw)
    md = res["metadata"]
    # c_2015 is missing so every field has at most 2/3 right
    assert md["title"]["accuracy"] == pytest.approx(2 / 3)  # whitespace is ignored
    assert md["doc_number"]["accuracy"] == pytest.approx(2 / 3)  # ﹝﹞ == 〔〕
    assert md["published_on"]["accuracy"] == pytest.approx(2 / 3)  # date == "2021-01-20", NaT == None
    assert md["report_year"]["accuracy"] == pytest.approx(1 / 3)  # r2 says 2014
    assert md["county"]["correct"] == 2 and md["county"]["total"] == 3
    assert "agency_name" not in md  # not labelled: not scored
    assert res["metadata_mean"] == pytest.approx((2 / 3 * 6 + 1 / 3) / 7)
    worst = worst_reports(res, 2)
    assert [w["file"] for w in worst] == ["c_2015.txt", "a_2020.txt"]
    assert worst[1]["misses"][0]["dimension"] == "applicant=natural_person"
    assert worst[1]["misses"][0]["got"] == [3.0]


def test_norm_dim():
    assert norm_dim("route=direct;result=upheld") == norm_dim("result=upheld; route=direct")
    assert norm_dim("") is None and norm_dim(None) is None and norm_dim(float("nan")) is None


def test_empty_warehouse_scores_zero():
    res = score(_truth(), pd.DataFrame(), pd.DataFrame(), pd.DataFrame())
    assert res["metrics"]["overall"]["tp"] == 0 and res["metrics"]["overall"]["fn"] == 6
    assert res["metrics"]["overall"]["f1"] == 0.0 and res["metadata_mean"] == 0.0


def _write_warehouse(path, dim, met, raw):
    con = duckdb.connect(str(path))
    con.execute("CREATE SCHEMA raw; CREATE SCHEMA core;")
    con.register("raw_df", raw)
    con.register("dim_df", dim)
    con.register("met_df", met)
    con.execute("CREATE TABLE raw.reports AS SELECT * FROM raw_df")
    con.execute("CREATE TABLE core.dim_report AS SELECT * FROM dim_df")
    con.execute("CREATE TABLE core.fact_metric AS SELECT * FROM met_df")
    con.close()


def test_cli_exit_codes_and_json(tmp_path, capsys):
    truth_dir = tmp_path / "truth"
    truth_dir.mkdir()
    (truth_dir / "truth.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in _truth()), encoding="utf-8")
    dim, met, raw = _frames()
    dim["published_on"] = pd.to_datetime(dim["published_on"])
    met["is_redacted"] = [x is True for x in met["is_redacted"]]
    wh = tmp_path / "w.duckdb"
    _write_warehouse(wh, dim, met, raw)
    out = tmp_path / "score.json"
    base = ["--truth", str(truth_dir), "--warehouse", str(wh)]
    assert main(base + ["--min-f1", "0.9"]) == 1
    assert main(base + ["--min-f1", "0.5", "--json", str(out), "--worst", "1"]) == 0
    assert main(base + ["--min-meta", "0.99"]) == 1
    printed = capsys.readouterr().out
    assert "OVERALL" in printed and "c_2015.txt" in printed
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["metrics"]["overall"]["tp"] == 4
    # the warehouse was opened read-only: it can be opened again for writing afterwards
    duckdb.connect(str(wh)).close()
    assert main(["--truth", str(truth_dir), "--warehouse", str(tmp_path / "none.duckdb")]) == 2


def test_perfect_warehouse_from_synthetic_truth(tmp_path):
    recs = generate(tmp_path / "c", 8, (2012, 2022), seed=4, noise=1.0)
    raw = pd.DataFrame([{"report_id": f"r{i}", "source_path": str(tmp_path / "c" / r["file"])} for i, r in enumerate(recs)])
    dim = pd.DataFrame([{"report_id": f"r{i}", **r["meta"]} for i, r in enumerate(recs)])
    dim["published_on"] = pd.to_datetime(dim["published_on"]).dt.date
    met = pd.DataFrame([{"report_id": f"r{i}", **m} for i, r in enumerate(recs) for m in r["metrics"]])
    wh = tmp_path / "p.duckdb"
    _write_warehouse(wh, dim, met, raw)
    assert main(["--truth", str(tmp_path / "c"), "--warehouse", str(wh), "--min-f1", "1.0", "--min-meta", "1.0"]) == 0
    res = score(recs, dim, met, raw)
    assert res["metrics"]["overall"]["f1"] == 1.0 and res["metadata_mean"] == 1.0
    # drop a tenth of the rows: recall falls, precision stays
    res = score(recs, dim, met.iloc[::10].pipe(lambda x: met.drop(x.index)), raw)
    assert res["metrics"]["overall"]["precision"] == 1.0
    assert 0.85 < res["metrics"]["overall"]["recall"] < 0.95
