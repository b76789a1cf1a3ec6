from pathlib import Path

import pytest

from gov_pipeline.schemas import TABLES
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
    models = {m.qualified: m for m in load_models(REPO_ROOT / "dbt_like_sql", set(TABLES))}
    assert {"marts.report_metrics_wide", "marts.agency_year_metrics", "marts.metric_year_summary",
            "marts.report_scorecard", "marts.keyword_trends"} <= set(models)
    assert "marts.report_headline_metrics" in models["marts.report_metrics_wide"].deps
