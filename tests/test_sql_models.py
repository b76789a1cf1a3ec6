from pathlib import Path

import pytest

from gov_pipeline.schemas import REPORT_KEYED_TABLES, TABLES
from gov_pipeline.sql_models import SqlModelError, load_models, parse_dependencies
from gov_pipeline.settings import REPO_ROOT


def test_joins_and_subqueries():
    sql = """
    SELECT d.report_id, m.value
    FROM core.dim_report d
    JOIN core.fact_metric m ON m.report_id = d.report_id
    WHERE d.report_id IN (SELECT report_id FROM core.report_inventory WHERE status = 'loaded')
      AND EXISTS (SELECT 1 FROM ref.metric_catalog c WHERE c.code = m.metric_code)
    """
    assert parse_dependencies(sql) == {"core.dim_report", "core.fact_metric", "core.report_inventory", "ref.metric_catalog"}


def test_cte_names_are_not_dependencies():
    sql = """
    WITH recent AS (SELECT * FROM core.dim_report WHERE report_year > 2018),
         metrics AS (SELECT * FROM recent r JOIN core.fact_metric USING (report_id))
    SELECT * FROM metrics UNION ALL SELECT * FROM metrics
    """
    assert parse_dependencies(sql) == {"core.dim_report", "core.fact_metric"}


def test_table_functions_are_ignored_and_unqualified_tables_rejected():
    assert parse_dependencies("SELECT * FROM range(3) r JOIN core.dim_report d ON true") == {"core.dim_report"}
    with pytest.raises(SqlModelError, match="schema-qualified"):
        parse_dependencies("SELECT * FROM dim_report")


def _write(folder: Path, rel: str, sql: str) -> None:
    path = folder / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sql, encoding="utf-8")


def test_unknown_upstream_names_the_file(tmp_path):
    _write(tmp_path, "marts/bad_model.sql", "SELECT * FROM core.no_such_table")
    with pytest.raises(SqlModelError, match=r"bad_model\.sql.*core\.no_such_table"):
        load_models(tmp_path, {"core.dim_report"})


def test_cycle_names_the_files(tmp_path):
    _write(tmp_path, "marts/a.sql", "SELECT * FROM marts.b")
    _write(tmp_path, "marts/b.sql", "SELECT * FROM marts.a")
    with pytest.raises(SqlModelError, match=r"cycle.*(a\.sql|b\.sql)"):
        load_models(tmp_path, set())


def test_models_come_in_dependency_order_with_description_and_version(tmp_path):
    _write(tmp_path, "marts/z_base.sql", "-- The base.\n-- Two lines.\nSELECT report_id FROM core.dim_report")
    _write(tmp_path, "marts/a_top.sql", "SELECT * FROM marts.z_base")
    models = load_models(tmp_path, {"core.dim_report"})
    assert [m.qualified for m in models] == ["marts.z_base", "marts.a_top"]
    assert models[0].description == "The base. Two lines."
    assert models[1].deps == ("marts.z_base",)
    assert len(models[0].code_version) == 12 and models[0].code_version != models[1].code_version


def test_project_models_load():
    models = {m.qualified: m for m in load_models(REPO_ROOT / "dbt_like_sql", set(TABLES), set(REPORT_KEYED_TABLES))}
    assert {"marts.report_metrics_wide", "marts.agency_year_metrics", "marts.metric_year_summary",
            "marts.report_scorecard", "marts.keyword_trends"} <= set(models)
    assert "marts.report_headline_metrics" in models["marts.report_metrics_wide"].deps


def test_dependencies_are_memoised_by_sql_text(tmp_path, monkeypatch):
    """A second process (a fresh memo) reads a model's upstream tables from disk, without parsing the SQL."""
    from gov_pipeline import sql_models

    monkeypatch.setenv("GOV_CACHE_DIR", str(tmp_path))
    monkeypatch.delenv("GOV_NO_CACHE", raising=False)
    sql = "SELECT * FROM core.dim_report d JOIN marts.report_headline_metrics h USING (report_id)"
    monkeypatch.setattr(sql_models, "_MEMO", sql_models._MEMO.fresh())
    assert parse_dependencies(sql) == {"core.dim_report", "marts.report_headline_metrics"}
    monkeypatch.setattr(sql_models, "_MEMO", sql_models._MEMO.fresh())
    monkeypatch.setattr(sql_models, "_parse_dependencies", lambda sql, source: pytest.fail("parsed again"))
    assert parse_dependencies(sql) == {"core.dim_report", "marts.report_headline_metrics"}
    with pytest.raises(pytest.fail.Exception):  # other SQL is parsed
        parse_dependencies("SELECT * FROM core.fact_metric")


def test_incremental_directive(tmp_path):
    _write(tmp_path, "marts/a.sql", "-- Per report.\n-- incremental: report_id\nSELECT report_id FROM core.dim_report")
    (model,) = load_models(tmp_path, {"core.dim_report"}, {"core.dim_report"})
    assert (model.incremental_key, model.description) == ("report_id", "Per report.")
    _write(tmp_path, "marts/a.sql", "-- incremental: title\nSELECT report_id FROM core.dim_report")
    with pytest.raises(SqlModelError, match="a.sql: incremental key 'title'"):
        load_models(tmp_path, {"core.dim_report"}, {"core.dim_report"})
    _write(tmp_path, "marts/a.sql", "-- incremental: report_id\nSELECT r.report_id FROM core.dim_report r, ref.topic t")
    (model,) = load_models(tmp_path, {"core.dim_report", "ref.topic"}, {"core.dim_report"})
    assert model.ref_deps == ("ref.topic",)  # reference data: its content joins each build's version
    _write(tmp_path, "marts/b.sql", "SELECT r.report_id FROM core.dim_report r")  # not incremental
    _write(tmp_path, "marts/a.sql", "-- incremental: report_id\nSELECT r.report_id FROM core.dim_report r, marts.b t")
    with pytest.raises(SqlModelError, match="a.sql .*may read only per-report tables.*marts.b"):
        load_models(tmp_path, {"core.dim_report", "ref.topic"}, {"core.dim_report"})


def test_scoped_sql_narrows_only_per_report_tables():
    import duckdb

    from gov_pipeline.sql_models import SCOPE_TABLE, scope_sql

    sql = ("WITH m AS (SELECT report_id, count(*) AS n FROM core.fact_metric GROUP BY report_id) "
           "SELECT d.report_id, m.n, t.label, dim_report.report_year FROM core.dim_report d "
           "JOIN m USING (report_id) JOIN core.dim_report ON dim_report.report_id = d.report_id "
           "CROSS JOIN ref.topic t")
    scoped = scope_sql(sql, {"core.dim_report", "core.fact_metric"})
    assert scoped.count(f"FROM {SCOPE_TABLE}") == 3 and "JOIN ref.topic AS t" in scoped
    con = duckdb.connect()
    for schema, ddl in [("core", "core.dim_report (report_id VARCHAR, report_year INT)"),
                        ("core", "core.fact_metric (report_id VARCHAR, v INT)"), ("ref", "ref.topic (label VARCHAR)")]:
        con.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
        con.execute(f"CREATE TABLE {ddl}")
    con.execute("INSERT INTO core.dim_report VALUES ('a', 2019), ('b', 2020), ('c', 2021)")
    con.execute("INSERT INTO core.fact_metric VALUES ('a', 1), ('a', 2), ('b', 3), ('c', 4)")
    con.execute("INSERT INTO ref.topic VALUES ('x'), ('y')")
    con.execute(f"CREATE TEMP TABLE {SCOPE_TABLE} AS SELECT 'a' AS report_id UNION ALL SELECT 'c'")
    want = sorted(r for r in con.execute(sql).fetchall() if r[0] in ("a", "c"))
    assert sorted(con.execute(scoped).fetchall()) == want and len(want) == 4


def test_the_header_declares_the_contract(tmp_path):
    _write(tmp_path, "marts/m.sql", "-- What it is.\n-- unique: report_id\n"
           "-- column report_id VARCHAR not null: the report\n"
           "-- column status VARCHAR not null in (a, b): its status\n"
           "-- column n BIGINT >= 0 <= 6: how many\n"
           "SELECT report_id, 'a' AS status, 1 AS n FROM core.dim_report")
    (model,) = load_models(tmp_path, {"core.dim_report"})
    assert model.description == "What it is." and model.unique == ("report_id",)
    assert [(c.name, c.type, c.nullable, c.allowed, c.min_value, c.max_value, c.description) for c in model.columns] == [
        ("report_id", "VARCHAR", False, None, None, None, "the report"),
        ("status", "VARCHAR", False, ("a", "b"), None, None, "its status"),
        ("n", "BIGINT", True, None, 0.0, 6.0, "how many")]
    assert [c.rules for c in model.columns] == ["not null", "not null in (a, b)", ">= 0 <= 6"]


@pytest.mark.parametrize("line, message", [
    ("-- column x TEXTY: doc", "unknown type TEXTY"),
    ("-- column x VARCHAR nott null: doc", "cannot read the rule 'nott null'"),
    ("-- unique: y\n-- column x VARCHAR: doc", "unique key y names an undeclared column"),
])
def test_a_contract_that_cannot_be_read_names_the_file(tmp_path, line, message):
    _write(tmp_path, "marts/bad.sql", f"{line}\nSELECT report_id AS x FROM core.dim_report")
    with pytest.raises(SqlModelError, match=rf"bad\.sql.*{message}"):
        load_models(tmp_path, {"core.dim_report"})


def test_contract_violations_are_found_in_one_pass(tmp_path):
    import duckdb

    from gov_pipeline.warehouse import contract_violations

    _write(tmp_path, "marts/m.sql", "-- unique: k\n-- column k VARCHAR not null: key\n"
           "-- column s VARCHAR in (a, b): status\n-- column n BIGINT >= 0: count\n-- column gone DOUBLE: missing\n"
           "SELECT * FROM core.t")
    (model,) = load_models(tmp_path, {"core.t"})
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core; CREATE SCHEMA marts")
    con.execute("CREATE TABLE marts.m AS SELECT * FROM (VALUES ('x', 'a', 1::BIGINT, 1), ('x', 'c', -1, 2), "
                "(NULL, 'b', 0, 3)) t(k, s, n, extra)")
    found = {v.rule: v.rows for v in contract_violations(con, model)}
    assert found == {"columns": 2, "not null: k": 1, "in (a, b): s": 1, ">= 0: n": 1, "unique: k": 2}
    con.execute("CREATE OR REPLACE TABLE marts.m AS SELECT 'x' AS k, 'a' AS s, 1::BIGINT AS n, 1.0::DOUBLE AS gone")
    assert contract_violations(con, model) == []


def test_upstream_incremental_models_are_narrowed_by_their_own_key(tmp_path):
    """In the scoped SQL of an incremental model, an upstream model keyed by agency keeps the rows of the agencies
    of the scope's reports (NULL included when a scope report has none); per-report tables are narrowed by report."""
    import duckdb

    from gov_pipeline.sql_models import SCOPE_TABLE

    _write(tmp_path, "marts/up.sql", "-- incremental: agency_key\n"
           "SELECT agency_key, count(*) AS n FROM core.dim_report GROUP BY agency_key")
    _write(tmp_path, "marts/down.sql", "-- incremental: agency_key\n"
           "SELECT u.agency_key, u.n, count(d.report_id) AS here FROM marts.up u "
           "JOIN core.dim_report d ON d.agency_key IS NOT DISTINCT FROM u.agency_key GROUP BY ALL")
    down = {m.qualified: m for m in load_models(tmp_path, {"core.dim_report"}, {"core.dim_report"})}["marts.down"]
    flat = " ".join(down.scoped_sql.split()).replace("( ", "(").replace(" )", ")")
    assert "FROM marts.up WHERE agency_key IN (SELECT agency_key FROM _gov_scope)" in flat
    con = duckdb.connect()
    con.execute("CREATE SCHEMA core; CREATE SCHEMA marts")
    con.execute("CREATE TABLE core.dim_report AS SELECT * FROM (VALUES ('r1', 'A'), ('r2', 'A'), ('r3', 'B'), "
                "('r4', NULL)) t(report_id, agency_key)")
    con.execute("CREATE TABLE marts.up AS SELECT agency_key, count(*) AS n FROM core.dim_report GROUP BY agency_key")
    for scope, want in ((["r1"], {("A", 2, 1)}), (["r3", "r4"], {("B", 1, 1), (None, 1, 1)})):
        con.execute(f"CREATE OR REPLACE TEMP TABLE {SCOPE_TABLE} AS SELECT report_id, agency_key, NULL AS report_year "
                    f"FROM core.dim_report WHERE report_id IN ({', '.join(repr(r) for r in scope)})")
        assert set(con.execute(down.scoped_sql).fetchall()) == want
