"""A SQL model's declared data checks (`-- check: <name> where <condition>: <description>`)."""
import re

import pytest

from gov_pipeline.sql_models import RowCheck, SqlModelError, load_models


def _model(tmp_path, header: str):
    (tmp_path / "marts").mkdir(exist_ok=True)
    (tmp_path / "marts" / "m.sql").write_text(header + "\nSELECT report_id FROM core.dim_report\n", encoding="utf-8")
    return load_models(tmp_path, {"core.dim_report"})[0]


def test_a_check_line_declares_a_named_condition(tmp_path):
    m = _model(tmp_path, "-- rows\n-- check: no_x where report_id LIKE 'x%' AND report_id <> 'x': no report named x…")
    assert m.checks == (RowCheck("no_x", "report_id LIKE 'x%' AND report_id <> 'x'", "no report named x…"),)
    assert m.description == "rows"


def test_check_names_are_unique_and_not_the_contract_s(tmp_path):
    with pytest.raises(SqlModelError, match="check names"):
        _model(tmp_path, "-- check: a where 1 = 1: one\n-- check: a where 2 = 2: two")
    with pytest.raises(SqlModelError, match="check names"):
        _model(tmp_path, "-- check: schema where 1 = 1: clashes with the contract check")


# --------------------------------------------------------------------------- the contract check, as cheap as the build
def _incremental(tmp_path, unique: str):
    (tmp_path / "marts").mkdir(exist_ok=True)
    (tmp_path / "marts" / "m.sql").write_text(
        f"-- incremental: report_id\n-- unique: {unique}\n-- column report_id VARCHAR not null: the report\n"
        "-- column code VARCHAR not null: a code\n-- column n BIGINT >= 0: a count\n"
        "SELECT report_id, 'c' AS code, 1::BIGINT AS n FROM core.dim_report\n", encoding="utf-8")
    return load_models(tmp_path, {"core.dim_report"}, {"core.dim_report"})[0]


def _table(rows):
    import duckdb

    con = duckdb.connect()
    con.execute("CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.m (report_id VARCHAR, code VARCHAR, n BIGINT)")
    con.executemany("INSERT INTO marts.m VALUES (?, ?, ?)", rows)
    return con


def test_a_scoped_contract_check_looks_at_the_rebuilt_rows_and_what_they_collide_with(tmp_path):
    from gov_pipeline.warehouse import contract_violations

    model = _incremental(tmp_path, "code")  # unique across reports: a rebuilt row may collide with an old one
    con = _table([("a", "x", -1), ("b", "y", 1), ("c", "y", 2), ("d", "z", 1)])
    every = {v.rule: v.rows for v in contract_violations(con, model)}
    assert every == {">= 0: n": 1, "unique: code": 2}
    assert {v.rule: v.rows for v in contract_violations(con, model, keys=["c"])} == {"unique: code": 2}  # c with b
    assert contract_violations(con, model, keys=["d"]) == []  # a's bad count and b/c's clash are not d's rows
    assert {v.rule for v in contract_violations(con, model, keys=["a", None])} == {">= 0: n"}
    model = _incremental(tmp_path, "report_id, code")
    assert contract_violations(con, model, keys=["c"]) == []


def test_the_check_is_carried_over_scoped_or_whole_as_the_build_allows(tmp_path):
    """check_contract: the last result again for the table it judged; the rebuilt rows only after an incremental
    build over a table that passed; the whole table otherwise (the last check failed, or judged another table)."""
    from types import SimpleNamespace

    import dagster as dg

    from gov_pipeline.defs.marts import check_contract
    from gov_pipeline.warehouse import ModelBuild

    model = _incremental(tmp_path, "report_id, code")
    con = _table([("a", "x", -1), ("b", "y", 1)])  # a's row breaks `n >= 0`

    def instance(passed: bool | None, stamp: str | None = None):
        records = [SimpleNamespace(event=None, status=SimpleNamespace(value="PLANNED"))]  # this run's
        if passed is not None:
            evaluation = dg.AssetCheckEvaluation(dg.AssetKey(model.key), "schema", passed,
                                                 {"violations": 0 if passed else 1, "table_stamp": stamp})
            records.append(SimpleNamespace(status=SimpleNamespace(value="SUCCEEDED"), event=SimpleNamespace(
                dagster_event=SimpleNamespace(event_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION,
                                              event_specific_data=evaluation))))
        history = lambda key, limit: records[:limit]  # noqa: E731
        return SimpleNamespace(event_log_storage=SimpleNamespace(get_asset_check_execution_history=history))

    incremental = ModelBuild(2, "incremental", "1 report(s) changed", 1, ("b",))
    unchanged = ModelBuild(2, "unchanged", "no report changed", 0)
    # the same table as the last check judged: its result again, whatever it was
    carried = check_contract(con, instance(False, "s1"), model, unchanged, "s1", "s1")
    assert not carried.passed and carried.metadata["checked"].value.startswith("nothing")
    assert carried.metadata["table_stamp"].value == "s1"
    # an incremental build over a table that passed: only b's rows are checked (and they keep the contract)
    scoped = check_contract(con, instance(True, "s1"), model, incremental, "s1", "s2")
    assert scoped.passed and "1 report_id value" in scoped.metadata["checked"].value
    # ... over a table whose last check failed, or that the last check did not judge: the whole table, a's row found
    for last in (instance(False, "s1"), instance(True, "s0"), instance(None)):
        whole = check_contract(con, last, model, incremental, "s1", "s2")
        assert not whole.passed and whole.metadata["checked"].value == "the whole table"
        assert whole.metadata["table_stamp"].value == "s2"


def test_in_the_pipeline_the_contract_is_checked_whole_then_carried_over_then_scoped(harness):
    from gov_pipeline.defs.marts import last_contract_check, mart_models
    from tests.conftest import SEEDS

    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    model = next(m for m in mart_models if m.qualified == "marts.corrected_metric")
    harness.copy_seeds(names[:4])
    harness.materialize_all()
    first = last_contract_check(harness.instance, model)
    assert first.passed and first.metadata["checked"].value == "the whole table"
    harness.materialize_all()  # nothing changed: the table is the one judged
    again = last_contract_check(harness.instance, model)
    assert again.passed and again.metadata["checked"].value.startswith("nothing")
    assert again.metadata["table_stamp"] == first.metadata["table_stamp"]
    harness.copy_seeds(names[:5])  # one new report (of 5: an incremental build): its rows are checked
    harness.materialize_all()
    scoped = last_contract_check(harness.instance, model)
    assert scoped.passed and re.match(r"the rows of the [12] report_id value", scoped.metadata["checked"].value)
    assert scoped.metadata["table_stamp"] != first.metadata["table_stamp"]
