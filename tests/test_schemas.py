"""One pandera schema per table: failing rows are split off (and become quality issues), never written."""
import pandas as pd
import pytest

from gov_pipeline.chunks import schema_issue_rows
from gov_pipeline.defs.common import schema_check_result
from gov_pipeline.frames import frame
from gov_pipeline.schemas import TABLES, SchemaViolation, validate


def metric_row(**overrides):
    row = {"report_id": "r1", "metric_id": 1, "metric_code": "proactive_total", "dimension": None, "value": 5.0,
           "unit": "条", "source_kind": "narrative", "qualifier": None, "is_redacted": False, "section_id": 1,
           "evidence": "主动公开政府信息5条", "char_start": 10, "char_end": 20, "raw_char_start": 12, "raw_char_end": 22}
    row.update(overrides)
    return row


def test_failing_rows_are_split_off_and_reported():
    table = TABLES["core.fact_metric"]
    df = frame(table.name, [metric_row(), metric_row(metric_id=2, source_kind="guess"),
                            metric_row(metric_id=3, char_start=30, char_end=20)])
    v = validate(table, df)
    assert list(v.valid["metric_id"]) == [1]
    assert sorted(v.dropped["metric_id"]) == [2, 3]
    issues = schema_issue_rows(table.name, v.dropped, v.failures)
    assert [i["rule"] for i in issues] == ["schema:core.fact_metric"] * 2
    assert any("source_kind" in i["detail"] and "guess" in i["detail"] for i in issues)
    check = schema_check_result(table, len(v.dropped), v.failures)
    assert not check.passed and check.metadata["num_failing_rows"].value == 2


def test_duplicate_natural_key_is_caught():
    table = TABLES["core.fact_metric"]
    v = validate(table, frame(table.name, [metric_row(), metric_row(value=6.0)]))
    assert len(v.valid) == 0 and len(v.dropped) == 2


def test_missing_column_fails_the_whole_table():
    table = TABLES["core.dim_report"]
    df = frame(table.name, []).drop(columns=["agency_key"])
    with pytest.raises(SchemaViolation, match="agency_key"):
        validate(table, df)


def test_ddl_declares_every_column_with_its_type():
    ddl = TABLES["core.dim_report"].ddl()
    assert '"published_on" DATE' in ddl and '"report_year" INTEGER' in ddl and ddl.startswith("CREATE TABLE IF NOT EXISTS core.dim_report")


def test_markdown_previews_cut_text_and_leave_missing_values_empty():
    import math

    from gov_pipeline.defs.common import PREVIEW_CHARS, markdown_preview, markdown_table

    df = pd.DataFrame({"report_id": ["a|b", None], "text": ["x\n" * 100, "short"],
                       "n": pd.array([3, None], dtype="Int64"), "share": [0.5, math.nan],
                       "at": [pd.Timestamp("2024-05-01"), pd.NaT]})
    lines = markdown_preview(df).value.splitlines()
    header = [c.strip() for c in lines[0].strip("|").split("|")]
    first = [c.strip() for c in lines[2].strip("|").split("|")]
    second = [c.strip() for c in lines[3].strip("|").split("|")]
    assert header == ["report_id", "text", "n", "share", "at"] and len(lines) == 4
    assert first[0] == "a/b" and first[1] == ("x " * 100)[:PREVIEW_CHARS] + "…" and first[2] == "3"
    assert first[3] == "0.5" and first[4].startswith("2024-05-01")
    assert second == ["", "short", "", "", ""]
    assert markdown_table(["a"], []) == "_no rows_" and markdown_preview(df.head(0)).value == "_no rows_"
