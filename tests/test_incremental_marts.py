"""Incremental SQL models: after any sequence of report changes, an incremental refresh leaves every mart
exactly as a full rebuild would, and rebuilds only what the changed reports touch."""
import dataclasses
import hashlib
import random

import duckdb
import pytest

from gov_pipeline.frames import frame
from gov_pipeline.schemas import REPORT_KEYED_TABLES, TABLES
from gov_pipeline.settings import REPO_ROOT
from gov_pipeline.sql_models import load_models
from gov_pipeline.warehouse import ensure_tables, prune_reports, replace_reports, replace_table
from tests.conftest import build_model

# the incremental models (and only they: the others rebuild in full every time, which this file does not test)
MODELS = [m for m in load_models(REPO_ROOT / "dbt_like_sql", set(TABLES), set(REPORT_KEYED_TABLES)) if m.incremental_key]
CODES = ["proactive_total", "requests_received", "staff_total", "admin_review_total"]
TOPICS = ["overview", "proactive_disclosure", "on_request", "review_litigation", "problems_improvements", "other"]


def sha(*parts) -> str:
    return hashlib.sha256("|".join(map(str, parts)).encode()).hexdigest()


class World:
    """A small warehouse whose reports change at random, written the way the pipeline writes them: a report's
    core rows are replaced together, and carry the sha of the bytes (here: of the report's state) they came from."""

    def __init__(self, con, rng: random.Random):
        self.con, self.rng = con, rng
        self.reports: dict[str, dict] = {}
        self.serial = 0

    def _state(self, rid: str) -> dict:
        r = self.rng
        self.serial += 1
        return {"agency": r.choice(["A", "B", "C", None]), "year": r.choice([2019, 2020, 2021, None]),
                "kind": r.choice(["annual_report", "work_summary"]), "status": r.choice(["loaded"] * 4 + ["duplicate", "quarantined"]),
                "metrics": [(r.choice(CODES), r.choice([None, 0, 1, 5, 10, 20]), r.choice(["table", "narrative"]),
                             r.choice([None, None, "as_of", "cumulative", "negation"])) for _ in range(r.randint(0, 5))],
                "topics": [r.choice(TOPICS) for _ in range(r.randint(0, 3))],
                "terms": r.sample(["排污许可", "环评", "信息公开", "依申请"], r.randint(0, 3)), "serial": self.serial}

    def write(self, rid: str, st: dict | None) -> None:
        """Replace (or, with st None, remove) one report everywhere, then rebuild the inventory."""
        if st is None:
            self.reports.pop(rid, None)
        else:
            self.reports[rid] = st
        rows = {n: [] for n in ("core.dim_report", "core.fact_metric", "core.fact_section", "core.fact_keyword",
                                "core.quality_issue", "core.quarantine")}
        if st is not None:
            digest = sha(rid, st["serial"])
            if st["status"] == "quarantined":
                rows["core.quarantine"].append({"report_id": rid, "source_path": f"{rid}.txt", "content_sha256": digest,
                                                "stage": "parse", "reason": "bad", "detected_at": None,
                                                "text_version": "0" * 12})
            else:
                rows["core.dim_report"].append({
                    "report_id": rid, "title": None, "agency_name": st["agency"], "agency_key": st["agency"],
                    "admin_level": "city", "province": None, "city": None, "county": None, "report_year": st["year"],
                    "report_kind": st["kind"], "format_era": "narrative", "published_on": None, "doc_number": None,
                    "char_count": 10, "content_sha256": digest, "text_version": "0" * 12})
                for i, (code, value, source, qualifier) in enumerate(st["metrics"], start=1):
                    rows["core.fact_metric"].append({
                        "report_id": rid, "metric_id": i, "metric_code": code, "dimension": None, "value": value,
                        "unit": "条", "source_kind": source, "qualifier": qualifier, "is_redacted": False,
                        "section_id": None, "evidence": "e", "char_start": 0, "char_end": 1, "raw_char_start": 0,
                        "raw_char_end": 1})
                for i, topic in enumerate(st["topics"], start=1):
                    rows["core.fact_section"].append({
                        "report_id": rid, "section_id": i, "parent_section_id": None, "depth": 1, "ordinal": i,
                        "heading": "h", "topic": topic, "body": "", "kind": "heading", "char_start": 0, "char_end": 1})
                for rank, term in enumerate(st["terms"], start=1):
                    rows["core.fact_keyword"].append({"report_id": rid, "term": term, "weight": 0.5 / rank, "rank": rank})
                if st["metrics"] and st["serial"] % 3 == 0:
                    rows["core.quality_issue"].append({"report_id": rid, "rule": "staff_sum", "severity": "warning",
                                                       "detail": "d"})
        replace_reports(self.con, {n: frame(n, r) for n, r in rows.items()}, [rid])
        canonical = sorted(k for k, v in self.reports.items() if v["status"] != "duplicate")
        replace_table(self.con, "core.report_inventory", frame("core.report_inventory", [
            {"report_id": k, "source_path": f"{k}.txt", "content_sha256": sha(k, v["serial"]), "status": v["status"],
             "duplicate_of": (canonical[0] if canonical else k) if v["status"] == "duplicate" else None,
             "reason": "bad" if v["status"] == "quarantined" else None} for k, v in sorted(self.reports.items())]))

    def step(self) -> None:
        r = self.rng
        rid = f"r{r.randint(1, 14):02d}"
        self.write(rid, None if rid in self.reports and r.random() < 0.25 else self._state(rid))


def build_all(con) -> dict[str, str]:
    return {m.qualified: build_model(con, m).mode
            for m in MODELS}


def assert_same_as_full(con) -> None:
    for m in MODELS:
        got = sorted(con.execute(f"SELECT * FROM {m.qualified}").fetchall(), key=repr)
        want = sorted(con.execute(m.sql).fetchall(), key=repr)
        assert got == want, m.qualified


@pytest.mark.parametrize("seed", range(4))
def test_incremental_refresh_equals_full_rebuild(seed):
    con = duckdb.connect()
    ensure_tables(con)
    world = World(con, random.Random(seed))
    for _ in range(10):
        world.step()
    assert set(build_all(con).values()) == {"full"}  # first build
    modes = []
    for _ in range(25):
        world.step()
        modes.append(build_all(con))
        assert_same_as_full(con)
    seen = {mode for m in modes for mode in m.values()}
    assert "incremental" in seen, modes
    assert set(build_all(con).values()) == {"unchanged"}  # nothing changed since
    assert_same_as_full(con)


@pytest.mark.parametrize("seed", range(3))
def test_a_full_build_in_batches_equals_one_statement(seed, monkeypatch):
    """Over BATCH_REPORTS reports an incremental model is built in full one batch of key values at a time (NULL
    values included), each batch over its own reports: the table equals the one statement's."""
    import gov_pipeline.warehouse as wh

    con = duckdb.connect()
    ensure_tables(con)
    world = World(con, random.Random(100 + seed))
    for _ in range(30):
        world.step()
    monkeypatch.setattr(wh, "BATCH_REPORTS", 3)
    builds = {m.qualified: build_model(con, m) for m in MODELS}
    assert all(b.mode == "full" and "batches of" in b.reason for b in builds.values()), builds
    assert_same_as_full(con)
    for _ in range(10):  # and the incremental builds that follow, over the batched tables
        world.step()
        build_all(con)
        assert_same_as_full(con)


def test_only_the_touched_keys_are_rebuilt(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_tables(con)
    world = World(con, random.Random(7))
    for i in range(1, 13):
        st = world._state(f"r{i:02d}")
        st.update(status="loaded", agency="A" if i % 2 else "B", year=2019 + i % 3, metrics=[("proactive_total", i, "table", None)])
        world.write(f"r{i:02d}", st)
    build_all(con)
    st = dict(world.reports["r03"], agency="C", year=2021, serial=999, metrics=[("proactive_total", 77, "table", None)])
    world.write("r03", st)  # moves from agency A / 2019+0 to agency C / 2021
    builds = {m.qualified: build_model(con, m)
              for m in MODELS}
    assert {q: (b.mode, b.reports_changed, b.keys_rebuilt) for q, b in builds.items()} == {
        "marts.agency_year_report": ("incremental", 1, 2),  # agency A (before) and C (after)
        "marts.corrected_metric": ("incremental", 1, 1),
        "marts.agency_year_comparison": ("incremental", 1, 2),
        "marts.section_reuse": ("incremental", 1, 2),
        "marts.agency_findings": ("incremental", 1, 2),
        "marts.report_findings": ("incremental", 1, 1),
        "marts.report_headline_metrics": ("incremental", 1, 1),
        "marts.report_metrics_wide": ("incremental", 1, 1),
        "marts.report_scorecard": ("incremental", 1, 1),
        "marts.agency_year_metrics": ("incremental", 1, 2),  # agency A (before) and C (after)
        "marts.metric_year_summary": ("incremental", 1, 2),  # year 2019 (before) and 2021 (after)
        "marts.keyword_trends": ("incremental", 1, 2),
    }
    assert con.execute("SELECT value FROM marts.agency_year_metrics WHERE agency_key = 'C'").fetchall() == [(77.0,)]
    assert_same_as_full(con)


def test_a_changed_model_or_many_changed_reports_rebuild_in_full(tmp_path):
    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_tables(con)
    world = World(con, random.Random(3))
    loaded = lambda rid: dict(world._state(rid), status="loaded")  # noqa: E731
    for i in range(1, 9):
        world.write(f"r{i:02d}", loaded(f"r{i:02d}"))
    head = MODELS[[m.qualified for m in MODELS].index("marts.report_headline_metrics")]
    other = dataclasses.replace(head, build_version="other")
    build_model(con, head)
    assert build_model(con, other).reason == \
        "its SQL, an upstream model's or the reference data it reads changed"
    for i in range(1, 5):  # half the reports
        world.write(f"r{i:02d}", loaded(f"r{i:02d}"))
    build = build_model(con, other)
    assert (build.mode, build.reason) == ("full", "4 of 8 reports changed")
    con.execute(f"DROP TABLE {head.qualified}")
    assert build_model(con, other).reason == \
        "its table is missing"
    assert sorted(con.execute(f"SELECT * FROM {head.qualified}").fetchall(), key=repr) == \
        sorted(con.execute(head.sql).fetchall(), key=repr)


def test_upstream_sql_changes_the_downstream_build_version(tmp_path):
    for rel, sql in [("marts/a.sql", "-- incremental: report_id\nSELECT report_id FROM core.dim_report"),
                     ("marts/b.sql", "-- incremental: report_id\nSELECT report_id FROM marts.a")]:
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text(sql, encoding="utf-8")
    before = {m.name: m.build_version for m in load_models(tmp_path, {"core.dim_report"}, {"core.dim_report"})}
    (tmp_path / "marts/a.sql").write_text("-- incremental: report_id\nSELECT DISTINCT report_id FROM core.dim_report",
                                          encoding="utf-8")
    after = {m.name: m.build_version for m in load_models(tmp_path, {"core.dim_report"}, {"core.dim_report"})}
    assert before["a"] != after["a"] and before["b"] != after["b"]


def test_an_edit_of_reference_data_rebuilds_the_models_that_read_it(tmp_path):
    """corrected_metric is incremental by report and reads ref.correction: a new correction changes no report's
    fingerprint, so its content is part of the build version, and the model (and those built on it) rebuild."""
    import datetime as dt

    con = duckdb.connect(str(tmp_path / "w.duckdb"))
    ensure_tables(con)
    world = World(con, random.Random(11))
    for i in range(1, 7):
        st = world._state(f"r{i:02d}")
        st.update(status="loaded", agency="A", year=2018 + i, metrics=[("proactive_total", i, "table", None)])
        world.write(f"r{i:02d}", st)
    corrected = MODELS[[m.qualified for m in MODELS].index("marts.corrected_metric")]
    comparison = MODELS[[m.qualified for m in MODELS].index("marts.agency_year_comparison")]
    for m in MODELS:
        build_model(con, m)
    assert build_model(con, corrected).mode == "unchanged"
    replace_table(con, "ref.correction", frame("ref.correction", [{
        "correction_id": "c1", "report_id": "r03", "agency_key": None, "report_year": None,
        "metric_code": "proactive_total", "dimension": None, "corrected_value": 30.0, "reason": "typo",
        "corrected_by": "test", "corrected_on": dt.date(2026, 1, 1)}]))
    build = build_model(con, corrected)
    assert (build.mode, build.reason) == ("full", "its SQL, an upstream model's or the reference data it reads changed")
    assert con.execute("SELECT value FROM marts.corrected_metric WHERE report_id = 'r03' "
                       "AND metric_code = 'proactive_total'").fetchall() == [(30.0,)]
    assert build_model(con, comparison).mode == "full"
    assert build_model(con, corrected).mode == "unchanged"
    assert_same_as_full(con)
