"""A SQL model's declared data checks (`-- check: <name> where <condition>: <description>`)."""
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
