"""Statistics-table extraction: every era, every flattened shape (docs §2).

All tables below are written for these tests with illustrative numbers; the
seed-004 figures were read off the seed by hand.
"""
from __future__ import annotations

import time
from pathlib import Path

import pytest

from gov_pipeline.text.model import Metric, Section
from gov_pipeline.text.tables import detect_table_era, extract_table_metrics

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _by_key(metrics: list[Metric]) -> dict[tuple[str, str | None], float | None]:
    out: dict[tuple[str, str | None], float | None] = {}
    for m in metrics:
        assert (m.metric_code, m.dimension) not in out, f"duplicate {m.metric_code} {m.dimension}"
        out[(m.metric_code, m.dimension)] = m.value
    return out


def _check_spans(text: str, metrics: list[Metric]) -> None:
    for m in metrics:
        assert m.source_kind == "table"
        assert 0 <= m.char_start < m.char_end <= len(text)
        assert m.evidence and m.evidence in text[m.char_start:m.char_end]


def _seed(prefix: str) -> str:
    """The seed as cleaned text (the project's cleaner via the shared test helper, else the raw file)."""
    try:
        from tests.text._seed_text import seed_text
    except ImportError:
        return next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    return seed_text(prefix)


def _row(label: str, *cells: str) -> str:
    return " | ".join((label,) + cells) + " |"


# ---------------------------------------------------------------- era detection
@pytest.mark.parametrize("text,year,expected", [
    ("信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n规章 | 0 | 0 | 0 |", None, "table_2021"),
    ("信息内容 | 本年制 发件数 | 本年废止件数 |", None, "table_2021"),
    ("信息内容 | 本年新制作数量 | 本年新公开数量 | 对外公开总数量 |", None, "table_2019"),
    ("信息内容 采购项目数量 采购总金额\n政府集中采购 3 12.5万元", None, "table_2019"),
    ("信息内容 | 本年新 | 本年新 | 对外公开总数量 |", 2020, "table_2019"),
    ("统计指标 | 单位 | 统计数 |\n一、主动公开情况 | ||", None, "table_2014"),
    ("(一)收到申请数 | 件 | 3 |", None, "table_2014"),
    ("一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", 2022, "table_2021"),
    ("一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", 2020, "table_2019"),
    ("一、本年新收政府信息公开申请数量 | 1 | 0 | 0 | 0 | 0 | 0 | 1 |", None, "table_2019"),
    ("2020年我局主动公开政府信息1200条,收到申请5件,全部按时办结。", 2020, None),
    ("", None, None),
])
def test_detect_table_era(text, year, expected):
    assert detect_table_era(text, year) == expected


# ---------------------------------------------------------------- Table A
TABLE_A_2021_PIPES = "\n".join([
    "二、主动公开政府信息情况",
    "第二十条第(一)项 |",
    "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |",
    "规章 | 0 | 0 | 0 |",
    "行政规范性文件 | 2 | 1 | 9 |",
    "第二十条第(五)项 | |||",
    "信息内容 | 本年处理决定数量 |",
    "行政许可 | 37 |",
    "第二十条第(六)项 | |||",
    "信息内容 | 本年处理决定数量 |",
    "行政处罚 | 52 |",
    "行政强制 | - |",
    "第二十条第(八)项 |",
    "信息内容 | 本年收费金额(单位:万元) |",
    "行政事业性收费 | 0.3 |",
    "",
])


def test_table_a_2021_pipe_rows():
    ms, issues = extract_table_metrics(TABLE_A_2021_PIPES, era="table_2021")
    got = _by_key(ms)
    assert got == {
        ("doc_issued", "doc_type=rules"): 0, ("doc_repealed", "doc_type=rules"): 0,
        ("doc_in_force", "doc_type=rules"): 0,
        ("doc_issued", "doc_type=normative"): 2, ("doc_repealed", "doc_type=normative"): 1,
        ("doc_in_force", "doc_type=normative"): 9,
        ("license_decisions", None): 37, ("penalty_decisions", None): 52,
        ("coercion_decisions", None): None,  # '-' cell → NULL, not 0
        ("admin_fee_amount", None): 0.3,
    }
    assert issues == []
    _check_spans(TABLE_A_2021_PIPES, ms)
    norm = next(m for m in ms if m.dimension == "doc_type=normative")
    assert norm.evidence == "行政规范性文件 | 2 | 1 | 9 |"
    assert TABLE_A_2021_PIPES[norm.char_start:norm.char_end] == norm.evidence
    assert {m.unit for m in ms if m.metric_code == "admin_fee_amount"} == {"万元"}
    # detection agrees
    assert detect_table_era(TABLE_A_2021_PIPES) == "table_2021"
    assert _by_key(extract_table_metrics(TABLE_A_2021_PIPES)[0]) == got


def test_table_a_fee_in_yuan_header_becomes_wanyuan():
    text = "\n".join([
        "第二十条第(五)项 |", "信息内容 | 本年处理决定数量 |", "行政许可 | 4 |",
        "第二十条第(八)项 |", "信息内容 | 本年收费金额(单位:元) |", "行政事业性收费 | 12500 |",
    ])
    got = _by_key(extract_table_metrics(text, era="table_2021")[0])
    assert got[("admin_fee_amount", None)] == pytest.approx(1.25)
    assert got[("license_decisions", None)] == 4


TABLE_A_2021_ONE_CELL_PER_LINE = "\n".join([
    "第二十条第(一)项 |", "|||", "信息内容 |", "本年制发件数 |", "本年废止件数 |", "现行有效件数 |", "||",
    "规章 |", "1 |", "0 |", "3 |",
    "行政规范性文件 |", "4 |", "|", "12 |",
    "第二十条第(六)项 |", "|||", "信息内容 |", "本年处理决定数量 |", "||",
    "行政处罚 |", "52 |",
    "行政强制 |", "||",
    "第二十条第(八)项 |", "|||", "信息内容 |", "本年收费金额(单位:万元) |", "||",
    "行政事业性收费 |", "0 |",
])


def test_table_a_2021_one_cell_per_line():
    ms, issues = extract_table_metrics(TABLE_A_2021_ONE_CELL_PER_LINE, era="table_2021")
    got = _by_key(ms)
    assert got == {
        ("doc_issued", "doc_type=rules"): 1, ("doc_repealed", "doc_type=rules"): 0,
        ("doc_in_force", "doc_type=rules"): 3,
        ("doc_issued", "doc_type=normative"): 4, ("doc_repealed", "doc_type=normative"): None,
        ("doc_in_force", "doc_type=normative"): 12,
        ("penalty_decisions", None): 52, ("coercion_decisions", None): None,
        ("admin_fee_amount", None): 0,
    }
    assert issues == []
    _check_spans(TABLE_A_2021_ONE_CELL_PER_LINE, ms)
    pen = next(m for m in ms if m.metric_code == "penalty_decisions")
    assert pen.evidence == "行政处罚 |\n52 |"


TABLE_A_2019_SPACES = "\n".join([
    "第二十条第(一)项",
    "信息内容 本年新制作数量 本年新公开数量 对外公开总数量",
    "规章 0 0 0",
    "规范性文件(行政机关制定发布的决定、命令等) 3 3 15",
    "第二十条第(五)项",
    "信息内容 上一年项目数量(指2019年事项数) 本年增/减(增加用正值表示,减少用负值表示,如-8) 处理决定数量(指2020年办件量)",
    "行政许可 66 +126 192",
    "其他对外管理服务事项 4 -1 /",
    "第二十条第(六)项",
    "信息内容 上一年项目数量 本年增/减 处理决定数量",
    "行政处罚 32 | 减11 | 21",
    "行政强制 5 无 —",
    "第二十条第(八)项",
    "信息内容 上一年项目数量 本年增/减",
    "行政事业性收费 2 -8",
    "第二十条第(九)项",
    "信息内容 采购项目数量 采购总金额",
    "政府集中采购 14 523.15万元",
])


def test_table_a_2019_space_separated_signed_and_units():
    assert detect_table_era(TABLE_A_2019_SPACES) == "table_2019"
    ms, issues = extract_table_metrics(TABLE_A_2019_SPACES)
    got = _by_key(ms)
    assert got == {
        ("doc_new_made", "doc_type=rules"): 0, ("doc_new_published", "doc_type=rules"): 0,
        ("doc_total_published", "doc_type=rules"): 0,
        ("doc_new_made", "doc_type=normative"): 3, ("doc_new_published", "doc_type=normative"): 3,
        ("doc_total_published", "doc_type=normative"): 15,
        ("items_prev_year", "item=license"): 66, ("items_change", "item=license"): 126,
        ("license_decisions", None): 192,
        ("items_prev_year", "item=other_service"): 4, ("items_change", "item=other_service"): -1,
        ("other_service_decisions", None): None,
        ("items_prev_year", "item=penalty"): 32, ("items_change", "item=penalty"): -11,
        ("penalty_decisions", None): 21,
        ("items_prev_year", "item=coercion"): 5, ("items_change", "item=coercion"): None,
        ("coercion_decisions", None): None,
        ("items_prev_year", "item=fee"): 2, ("items_change", "item=fee"): -8,
        ("procurement_items", None): 14, ("procurement_amount", None): 523.15,
    }
    assert issues == []
    units = {(m.metric_code, m.dimension): m.unit for m in ms}
    assert units[("procurement_amount", None)] == "万元"
    assert units[("items_change", "item=license")] == "项"
    assert units[("license_decisions", None)] == "件"
    _check_spans(TABLE_A_2019_SPACES, ms)


def test_table_a_2019_lost_cells_keeps_last_column():
    text = "\n".join([
        "第二十条第(五)项 |", "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
        "行政许可 | 10 | 25 |",
        "第二十条第(六)项 |", "信息内容 | 上一年项目数量 | 本年增/减 | 处理决定数量 |",
        "行政处罚 | 7 | 0 | 9 |",
    ])
    ms, issues = extract_table_metrics(text, era="table_2019")
    got = _by_key(ms)
    assert got[("license_decisions", None)] == 25
    assert ("items_prev_year", "item=license") not in got
    assert ("items_change", "item=license") not in got
    assert got[("penalty_decisions", None)] == 9
    assert len(issues) == 1 and issues[0].rule == "table_row_ambiguous" and issues[0].severity == "warning"
    assert "行政许可 | 10 | 25 |" in issues[0].detail


# ---------------------------------------------------------------- Table B
APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org")


def _b(got, code, dim_rest, values):
    """Assert the 7 cells of a Table B row (6 applicant columns + 总计)."""
    for app, v in zip(APPLICANTS, values[:6]):
        dims = ";".join(x for x in (f"applicant={app}", dim_rest) if x)
        assert got[(code, dims)] == v, (code, dims)
    assert got[(code, dim_rest or None)] == values[6]


TABLE_B_2019_PIPES = "\n".join([
    "三、收到和处理政府信息公开申请情况",
    "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |" + " |" * 6,
    "| 自 然 人 | 法人或其他组织 | | | | | 总计 |",
    "| | 商业 企业 | 科研 机构 | 社会公益组织 | 法律服务机构 | 其他 | |",
    _row("一、本年新收政府信息公开申请数量", "5", "0", "2", "1", "0", "0", "8"),
    _row("二、上年结转政府信息公开申请数量", "1", "0", "0", "0", "0", "0", "1"),
    _row("三、本年度办理结果", "(一)予以公开", "4", "0", "2", "1", "0", "0", "7"),
    "| " + _row("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", "1", "0", "0", "0", "0", "0", "1"),
    "| " + _row("(三)不予公开", "1.属于国家秘密", "0", "0", "0", "0", "0", "0", "0"),
    "| | " + _row("2.其他法律行政法规禁止公开", "0", "0", "0", "0", "0", "0", "0"),
    "| | 3.危及“三安全一稳定” |" + " |" * 7,
    "| " + _row("(四)无法提供", "1.本机关不掌握相关政府信息", "1", "0", "0", "0", "0", "0", "1"),
    "| " + _row("(五)不予处理", "2.重复申请", "2", "1", "3"),
    "| " + _row("(六)其他处理", "0", "0", "0", "0", "0", "0", "0"),
    "| " + _row("(七)总计", "5", "0", "2", "1", "0", "0", "8"),
    _row("四、结转下年度继续办理", "1", "0", "0", "0", "0", "0", "1"),
])


def test_table_b_2019_pipe_rows_with_parent_labels():
    ms, issues = extract_table_metrics(TABLE_B_2019_PIPES, era="table_2019")
    got = _by_key(ms)
    _b(got, "requests_received", "", (5, 0, 2, 1, 0, 0, 8))
    _b(got, "requests_carried_in", "", (1, 0, 0, 0, 0, 0, 1))
    _b(got, "requests_resolved", "result=disclosed", (4, 0, 2, 1, 0, 0, 7))
    _b(got, "requests_resolved", "result=partial", (1, 0, 0, 0, 0, 0, 1))
    _b(got, "requests_resolved", "result=refused;reason=state_secret", (0,) * 7)
    _b(got, "requests_resolved", "result=refused;reason=law_prohibited", (0,) * 7)
    _b(got, "requests_resolved", "result=refused;reason=three_safety", (None,) * 7)  # blank row → NULLs
    _b(got, "requests_resolved", "result=unable;reason=not_held", (1, 0, 0, 0, 0, 0, 1))
    _b(got, "requests_resolved", "result=other", (0,) * 7)
    _b(got, "requests_resolved", "", (5, 0, 2, 1, 0, 0, 8))
    _b(got, "requests_carried_out", "", (1, 0, 0, 0, 0, 0, 1))
    # the row that lost its empty cells: only its 总计 is kept
    assert got[("requests_resolved", "result=not_processed;reason=repeated")] == 3
    assert not any(k[1] and "reason=repeated" in k[1] and "applicant" in k[1] for k in got)
    assert [i.rule for i in issues] == ["table_row_ambiguous"]
    assert "2.重复申请" in issues[0].detail
    # the parent rows without their own cells produce nothing
    assert ("requests_resolved", "result=refused") not in got
    assert ("requests_resolved", "result=unable") not in got
    # the dimension key order is the shared contract
    assert ("requests_resolved", "applicant=commercial;result=refused;reason=state_secret") in got
    _check_spans(TABLE_B_2019_PIPES, ms)
    m = next(m for m in ms if m.dimension == "applicant=research;result=disclosed")
    assert m.evidence.startswith("三、本年度办理结果 | (一)予以公开 | 4")


def test_table_b_row_that_lost_cells_keeps_only_total():
    text = "\n".join([
        "申请人情况 | 自然人 | 商业企业 | 科研机构 | 社会公益组织 | 法律服务机构 | 其他 | 总计 |",
        "一、本年新收政府信息公开申请数量 | 2 | 1 | 3 |",
        _row("二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0"),
        _row("四、结转下年度继续办理", "0", "0", "0", "0", "0", "0", "0"),
    ])
    ms, issues = extract_table_metrics(text, era="table_2019")
    got = _by_key(ms)
    assert got[("requests_received", None)] == 3
    assert [k for k in got if k[0] == "requests_received"] == [("requests_received", None)]
    assert len(issues) == 1 and issues[0].rule == "table_row_ambiguous"
    assert "一、本年新收政府信息公开申请数量 | 2 | 1 | 3 |" in issues[0].detail
    assert got[("requests_carried_in", None)] == 0


TABLE_B_2021_SPACES = "\n".join([
    "申请人情况",
    "自 然 人 法人或其他组织 总计",
    "商业 企业 科研 机构 社会公益组织 法律服务机构 其他",
    "一、本年新收政府信息公开申请数量 3 1 0 0 0 0 4",
    "二、上年结转政府信息公开申请数量 0 0 0 0 0 0 0",
    "三、本年度办理结果",
    "(一)予以公开 2 1 0 0 0 0 3",
    "(六)其他处理 1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请 1 0 0 0 0 0 1",
    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请 0 0 0 0 0 0 0",
    "3.其他 0 0 0 0 0 0 0",
    "(七)总计 3 1 0 0 0 0 4",
    "四、结转下年度继续办理 0 0 0 0 0 0 0",
])


def test_table_b_2021_space_separated_with_other_subrows():
    assert detect_table_era(TABLE_B_2021_SPACES, 2022) == "table_2021"
    ms, issues = extract_table_metrics(TABLE_B_2021_SPACES, era="table_2021")
    got = _by_key(ms)
    assert issues == []
    _b(got, "requests_received", "", (3, 1, 0, 0, 0, 0, 4))
    _b(got, "requests_resolved", "result=disclosed", (2, 1, 0, 0, 0, 0, 3))
    _b(got, "requests_resolved", "result=other;reason=no_correction", (1, 0, 0, 0, 0, 0, 1))
    _b(got, "requests_resolved", "result=other;reason=unpaid", (0,) * 7)
    _b(got, "requests_resolved", "result=other;reason=other", (0,) * 7)
    _b(got, "requests_resolved", "", (3, 1, 0, 0, 0, 0, 4))
    _b(got, "requests_carried_out", "", (0,) * 7)
    # 其他 as a column header is not the (六) 3.其他 row; 总计 as a header is not (七)总计
    assert len(ms) == 7 * 8
    _check_spans(TABLE_B_2021_SPACES, ms)


def test_table_b_one_cell_per_line_with_blank_cell():
    cells = ["申请人情况 |", "自然人 |", "商业企业 |", "科研机构 |", "社会公益组织 |", "法律服务机构 |", "其他 |",
             "总计 |", "一、本年新收政府信息公开申请数量 |", "6 |", "0 |", "|", "0 |", "0 |", "0 |", "6 |",
             "二、上年结转政府信息公开申请数量 |", "0 |", "0 |", "0 |", "0 |", "0 |", "0 |", "0 |", "|||"]
    text = "\n".join(cells)
    got = _by_key(extract_table_metrics(text, era="table_2019")[0])
    _b(got, "requests_received", "", (6, 0, None, 0, 0, 0, 6))
    _b(got, "requests_carried_in", "", (0,) * 7)


# ---------------------------------------------------------------- Table C
C_DIMS = ("result=upheld", "result=corrected", "result=other", "result=pending", None)


def _c(got, values):
    for dim, v in zip(C_DIMS, values[0:5]):
        assert got[("admin_review_total", dim)] == v
    for route, chunk in (("direct", values[5:10]), ("after_review", values[10:15])):
        for dim, v in zip(C_DIMS, chunk):
            d = f"{dim};route={route}" if dim else f"route={route}"
            assert got[("admin_litigation_total", d)] == v


TABLE_C_VERTICAL = "\n".join([
    "四、政府信息公开行政复议、行政诉讼情况",
    "行政复议 行政诉讼",
    "结 结 其 尚 总 未经复议直接起诉 复议后起诉",
    "果 果 他 未 计 结 结 其 尚 总 结 结 其 尚 总",
    "维 纠 结 审 果 果 他 未 计 果 果 他 未 计",
    "持 正 果 结 维 纠 结 审 维 纠 结 审",
    "持 正 果 结 持 正 果 结",
    "1 0 0 1 2 0 1 0 0 1 0 0 0 1 1",
    "五、存在的主要问题及改进情况",
])


def test_table_c_vertical_header_fifteen_numbers():
    ms, issues = extract_table_metrics(TABLE_C_VERTICAL, era="table_2019")
    got = _by_key(ms)
    _c(got, (1, 0, 0, 1, 2, 0, 1, 0, 0, 1, 0, 0, 0, 1, 1))
    assert got[("admin_litigation_total", None)] == 2  # direct 总计 + after-review 总计
    assert issues == []
    assert len(ms) == 16
    _check_spans(TABLE_C_VERTICAL, ms)
    assert {m.evidence for m in ms} == {"1 0 0 1 2 0 1 0 0 1 0 0 0 1 1"}


TABLE_C_PIPES = "\n".join([
    "行政复议 | 行政诉讼 |",
    "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | | | | | 复议后起诉 | | | | |",
    "| | | | | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
    "2 | 0 | 1 | 0 | 3 | 0 | 0 | 0 | 1 | 1 | | | | | |",
])


def test_table_c_pipe_header_and_blank_cells():
    ms, issues = extract_table_metrics(TABLE_C_PIPES, era="table_2021")
    got = _by_key(ms)
    _c(got, (2, 0, 1, 0, 3, 0, 0, 0, 1, 1, None, None, None, None, None))
    assert got[("admin_litigation_total", None)] is None  # one route total is blank
    assert issues == []


def test_table_c_as_labelled_rows():
    text = "\n".join([
        "行政复议 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
        _row("行政复议", "1", "0", "0", "0", "1"),
        _row("行政诉讼 未经复议直接起诉", "0", "0", "0", "0", "0"),
        _row("行政诉讼 复议后起诉", "0", "1", "0", "0", "1"),
    ])
    got = _by_key(extract_table_metrics(text, era="table_2019")[0])
    _c(got, (1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 1, 0, 0, 1))
    assert got[("admin_litigation_total", None)] == 1


def test_table_c_lost_cells_keeps_last_only():
    text = "行政复议 | 行政诉讼 |\n结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |\n0 | 2 | 2 | 0 | 1 | 1 |\n"
    ms, issues = extract_table_metrics(text, era="table_2019")
    got = _by_key(ms)
    assert got == {("admin_litigation_total", "route=after_review"): 1}
    assert [i.rule for i in issues] == ["table_row_ambiguous"]


# ---------------------------------------------------------------- 2014 统计表
def test_table_2014_space_separated_and_yuan():
    text = "\n".join([
        "政府信息公开情况统计表",
        "统计指标 单位 统计数",
        "一、主动公开情况",
        "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条) 条 240",
        "1.政府公报公开政府信息数 条 12",
        "2.政府网站公开政府信息数 条 230",
        "七、依申请公开信息收取的费用 元 -",
        "(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费) 元 50000",
        "四、行政复议数量 件 2",
        "(一)维持具体行政行为数 件 1",
        "(三)其他情形数 件 1",
        "五、行政诉讼数量 件 1",
        "(三)其他情形数 件 1",
    ])
    assert detect_table_era(text) == "table_2014"
    ms, issues = extract_table_metrics(text)
    got = _by_key(ms)
    assert got == {
        ("proactive_total", None): 240, ("proactive_total", "channel=gazette"): 12,
        ("proactive_total", "channel=website"): 230, ("fees_collected", None): None,
        ("special_funds", None): 5.0,  # 50000 元 → 5 万元
        ("admin_review_total", None): 2, ("admin_review_total", "result=upheld"): 1,
        ("admin_review_total", "result=other"): 1,
        ("admin_litigation_total", None): 1, ("admin_litigation_total", "result=other"): 1,
    }
    assert issues == []
    assert {m.unit for m in ms if m.metric_code == "special_funds"} == {"万元"}


def test_table_2014_one_cell_per_line_blank_value():
    text = "\n".join([
        "统计指标 |", "单位 |", "统计数 |",
        "(一)收到申请数 |", "件 |", "3 |",
        "1.当面申请数 |", "件 |", "1 |",
        "3.网络申请数 |", "件 |", "2 |",
        "七、依申请公开信息收取的费用 |", "元 |", "|",
        "(三)接受培训人员数 |", "人次 |", "40 |",
    ])
    got = _by_key(extract_table_metrics(text, era="table_2014")[0])
    assert got == {
        ("requests_received", None): 3, ("requests_received", "channel=in_person"): 1,
        ("requests_received", "channel=online"): 2, ("fees_collected", None): None, ("trainees", None): 40,
    }


def test_seed_004_table_2014():
    text = _seed("004")
    assert detect_table_era(text, 2018) == "table_2014"
    ms, issues = extract_table_metrics(text)
    got = _by_key(ms)
    expected = {
        "proactive_total": 106, "requests_received": 0, "admin_review_total": 0, "admin_litigation_total": 0,
        "complaints_total": 0, "staff_total": 0, "staff_fulltime": 0, "staff_parttime": 1, "gid_meetings": 3,
        "trainings": 2, "trainees": 18, "fees_collected": None, "special_funds": 0,
    }
    for code, value in expected.items():
        assert got[(code, None)] == value, code
    assert got[("proactive_normative_docs", None)] == 0
    assert got[("requests_received", "channel=online")] == 0
    assert got[("press_conferences", "principal=yes")] == 0
    assert got[("requests_replied", "result=refused;reason=state_secret")] == 0
    assert issues == []
    _check_spans(text, ms)
    fee = next(m for m in ms if m.metric_code == "fees_collected")
    assert fee.evidence == "七、依申请公开信息收取的费用 | 元 | |" and fee.unit == "万元"
    # the 重点领域 rows are not in the catalogue; the narrative 105条 is not read as a table value
    assert all(m.value != 105 for m in ms)
    assert all(m.char_start > text.index("政府信息公开情况统计表") for m in ms)


def test_sections_deepest_containing_row():
    text = TABLE_A_2021_PIPES
    cut = text.index("第二十条第(六)项")
    sections = [
        Section(section_id=1, parent_section_id=None, depth=1, ordinal=1, heading="二、主动公开政府信息情况",
                body="", char_start=0, char_end=len(text)),
        Section(section_id=2, parent_section_id=1, depth=2, ordinal=1, heading="", body="",
                char_start=cut, char_end=len(text), kind="statistics_table"),
    ]
    ms, _ = extract_table_metrics(text, sections, era="table_2021")
    by_code = {m.metric_code: m.section_id for m in ms}
    assert by_code["license_decisions"] == 1
    assert by_code["penalty_decisions"] == 2 and by_code["admin_fee_amount"] == 2
    assert all(m.section_id is None for m in extract_table_metrics(text, None, era="table_2021")[0])


# ---------------------------------------------------------------- prose is never a table
NARRATIVE = "\n".join([
    "一、总体情况",
    "2020年,我局主动公开政府信息1200条,其中规范性文件3件,行政许可66件,行政处罚32件。",
    "全年收到政府信息公开申请8件,其中自然人申请6件,法人或其他组织申请2件,均已按时办结。",
    "收到申请数 5",
    "本年度未发生行政复议、行政诉讼情况,行政复议 0 件。",
    "二、存在的主要问题",
])


@pytest.mark.parametrize("era", ["table_2014", "table_2019", "table_2021", None])
def test_narrative_numbers_are_not_table_metrics(era):
    assert extract_table_metrics(NARRATIVE, era=era) == ([], [])


def test_table_like_rows_without_header_are_not_a_table():
    text = "\n".join([
        "今年我局办理的主要事项如下(单位:件)",
        "行政许可 5 6 11",
        "行政处罚 3 1 4",
        "以上数据来源于局审批科。",
    ])
    assert extract_table_metrics(text, era="table_2019") == ([], [])


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003"])
def test_seeds_without_tables(prefix):
    text = _seed(prefix)
    assert detect_table_era(text) is None
    for era in ("table_2014", "table_2019", "table_2021"):
        ms, _ = extract_table_metrics(text, era=era)
        assert ms == [], (prefix, era, ms[:3])


# ---------------------------------------------------------------- speed
def test_speed_no_table_report_under_3ms():
    text = (_seed("002") + _seed("003"))[:10_000]
    extract_table_metrics(text, era="table_2019")  # warm caches
    best_auto = best_forced = 1.0
    for _ in range(20):
        t0 = time.perf_counter()
        extract_table_metrics(text)
        t1 = time.perf_counter()
        extract_table_metrics(text, era="table_2019")
        t2 = time.perf_counter()
        best_auto, best_forced = min(best_auto, t1 - t0), min(best_forced, t2 - t1)
    assert best_auto < 0.003
    assert best_forced < 0.003


# ---------------------------------------------------------------- a whole 2019-format report
def test_full_2019_report_tables_between_prose():
    text = "\n".join([
        "XX市生态环境局2020年政府信息公开工作年度报告",
        "一、总体情况",
        "2020年,我局主动公开政府信息1200条,受理依申请公开8件,办结8件。行政许可 66 件。",
        "二、主动公开政府信息情况",
        TABLE_A_2019_SPACES,
        "三、收到和处理政府信息公开申请情况",
        "本年度共收到申请9件,详见下表。",
        TABLE_B_2019_PIPES,
        "四、政府信息公开行政复议、行政诉讼情况",
        "本年度发生行政复议2件。",
        TABLE_C_VERTICAL,
        "我局将进一步加强政府信息公开工作,联系电话 0471 8888888。",
        "XX市生态环境局",
        "2021年1月20日",
    ])
    assert detect_table_era(text, 2020) == "table_2019"
    ms, issues = extract_table_metrics(text)
    got = _by_key(ms)
    a = _by_key(extract_table_metrics(TABLE_A_2019_SPACES, era="table_2019")[0])
    b = _by_key(extract_table_metrics(TABLE_B_2019_PIPES, era="table_2019")[0])
    c = _by_key(extract_table_metrics(TABLE_C_VERTICAL, era="table_2019")[0])
    assert got == {**a, **b, **c}
    assert len(got) == 22 + 78 + 16
    assert [i.rule for i in issues] == ["table_row_ambiguous"]
    _check_spans(text, ms)


def test_table_b_one_cell_per_line_blank_first_cell():
    # shape B prints a blank first applicant cell as a lone '|' line: with exactly 7 cells the
    # lone pipes are the row's blank cells, not separators
    cells = ["申请人情况 |", "自然人 |", "商业企业 |", "科研机构 |", "社会公益组织 |", "法律服务机构 |", "其他 |",
             "总计 |", "一、本年新收政府信息公开申请数量 |", "3 |", "0 |", "0 |", "0 |", "0 |", "0 |", "3 |",
             "(三)不予公开 |", "1.属于国家秘密 |", "|", "|", "|", "|", "1 |", "|", "1 |",
             "2.其他法律行政法规禁止公开 |", "|", "|", "|", "|", "|", "|", "0 |",
             "(七)总计 |", "3 |", "0 |", "0 |", "0 |", "0 |", "0 |", "3 |"]
    ms, issues = extract_table_metrics("\n".join(cells), era="table_2021")
    got = _by_key(ms)
    _b(got, "requests_resolved", "result=refused;reason=state_secret", (None, None, None, None, 1, None, 1))
    _b(got, "requests_resolved", "result=refused;reason=law_prohibited", (None,) * 6 + (0,))
    assert issues == []


def test_prose_that_names_table_rows_is_not_a_statistics_table():
    from gov_pipeline.text.pipeline import analyse_raw

    prose = ("某县生态环境局2020年政府信息公开工作年度报告\n一、总体情况\n本年度办理结果：予以公开两件，"
             "本机关不掌握相关政府信息一件，结转下年度继续办理零件。\n二、主动公开\n全年主动公开信息二十条。")
    assert detect_table_era(prose, 2020) is not None  # the row labels are there...
    analysis = analyse_raw("x", prose)
    assert analysis.meta.format_era == "narrative"  # ...but no table was read
    assert all(m.source_kind == "narrative" for m in analysis.metrics)


def test_a_table_s_own_headers_name_its_generation_even_when_no_cell_is_read():
    from gov_pipeline.text.pipeline import analyse_raw

    unreadable = ("某县人民政府2022年政府信息公开工作年度报告\n一、总体情况\n全年主动公开信息三十条。\n"
                  "二、主动公开政府信息情况\n信息内容 本年制发件数 本年废止件数 现行有效件数\n（表格单元格在抓取中丢失）")
    analysis = analyse_raw("x", unreadable)
    assert not [m for m in analysis.metrics if m.source_kind == "table"]
    assert analysis.meta.format_era == "table_2021"


# ---------------------------------------------------------------- fused cells (crawler text, one line per page)
B21_ROWS = [  # the 2021 grid's rows, numbers invented: every row's six applicant columns add up to its 总计
    ("一、本年新收政府信息公开申请数量", (12, 1, 0, 0, 0, 0, 13)),
    ("二、上年结转政府信息公开申请数量", (1, 0, 0, 0, 0, 0, 1)),
    ("三、本年度办理结果(一)予以公开", (5, 1, 0, 0, 0, 0, 6)),
    ("(二)部分公开(区分处理的，只计这一情形，不计其他情形)", (2, 0, 0, 0, 0, 0, 2)),
    ("(三)不予公开1.属于国家秘密", (0,) * 7),
    ("2.其他法律行政法规禁止公开", (0,) * 7),
    ("3.危及“三安全一稳定”", (0,) * 7),
    ("4.保护第三方合法权益", (0,) * 7),
    ("5.属于三类内部事务信息", (1, 0, 0, 0, 0, 0, 1)),
    ("6.属于四类过程性信息", (0,) * 7),
    ("7.属于行政执法案卷", (0,) * 7),
    ("8.属于行政查询事项", (0,) * 7),
    ("(四)无法提供1.本机关不掌握相关政府信息", (3, 0, 0, 0, 0, 0, 3)),
    ("2.没有现成信息需要另行制作", (0,) * 7),
    ("3.补正后申请内容仍不明确", (0,) * 7),
    ("(五)不予处理1.信访举报投诉类申请", (0,) * 7),
    ("2.重复申请", (1, 0, 0, 0, 0, 0, 1)),
    ("3.要求提供公开出版物", (0,) * 7),
    ("4.无正当理由大量反复申请", (0,) * 7),
    ("5.要求行政机关确认或重新出具已获取信息", (0,) * 7),
    ("(六)其他处理1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", (0,) * 7),
    ("2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", (0,) * 7),
    ("3.其他", (0,) * 7),
    ("(七)总计", (12, 1, 0, 0, 0, 0, 13)),
    ("四、结转下年度继续办理", (1, 0, 0, 0, 0, 0, 1)),
]
B_HEAD_FUSED = ("三、收到和处理政府信息公开申请情况(本列数据的勾稽关系为:第一项加第二项之和，等于第三项加第四项之和)"
                "申请人情况自然人法人或其他组织总计商业企业科研机构社会公益组织法律服务机构其他")
C_HEAD_FUSED = ("四、政府信息公开行政复议、行政诉讼情况行政复议行政诉讼结果维持结果纠正其他结果尚未审结总计"
                "未经复议直接起诉复议后起诉结果维持结果纠正其他结果尚未审结总计结果维持结果纠正其他结果尚未审结总计")


def _fused(rows) -> str:
    """A crawler's flattening: every row's label, then its cells with nothing between them."""
    return "".join(label + "".join(str(v) for v in vals) for label, vals in rows)


def _one_line_report(*tables: str) -> str:
    return ("某县人民政府2022年政府信息公开工作年度报告 一、总体情况 本县全年依法做好政府信息公开工作，积极回应关切。"
            + "".join(tables) + " 五、存在的主要问题及改进情况 一是公开深度不够，二是解读形式单一。")


def test_fused_crawler_grid_split_by_the_table_s_identities():
    # the review/litigation line: 复议 1|0|0|1|2, 直接起诉 1|0|0|0|1, 复议后起诉 all 0 (fifteen cells, 15 digits)
    text = _one_line_report(B_HEAD_FUSED, _fused(B21_ROWS), C_HEAD_FUSED, "100121000100000")
    assert "\n" not in text and "申请数量121000013二、" in text
    ms, issues = extract_table_metrics(text, era="table_2021")
    got = _by_key(ms)
    assert issues == []
    for label, vals in B21_ROWS:
        key = {
            "一、本年新收政府信息公开申请数量": ("requests_received", ""),
            "二、上年结转政府信息公开申请数量": ("requests_carried_in", ""),
            "三、本年度办理结果(一)予以公开": ("requests_resolved", "result=disclosed"),
            "5.属于三类内部事务信息": ("requests_resolved", "result=refused;reason=internal_affairs"),
            "(四)无法提供1.本机关不掌握相关政府信息": ("requests_resolved", "result=unable;reason=not_held"),
            "2.重复申请": ("requests_resolved", "result=not_processed;reason=repeated"),
            "3.其他": ("requests_resolved", "result=other;reason=other"),
            "(七)总计": ("requests_resolved", ""),
            "四、结转下年度继续办理": ("requests_carried_out", ""),
        }.get(label)
        if key:
            _b(got, key[0], key[1], vals)
    assert sum(1 for k in got if k[0].startswith("requests")) == 25 * 7
    _c(got, (1, 0, 0, 1, 2, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0))
    _check_spans(text, ms)
    received = [m for m in ms if m.metric_code == "requests_received"]
    assert {m.evidence for m in received} == {"一、本年新收政府信息公开申请数量121000013"}
    assert {m.label for m in received} == {"一、本年新收政府信息公开申请数量"}
    assert all(m.label for m in ms)


def test_fused_row_the_identities_do_not_force_is_not_guessed():
    # alone, 121000013 reads 12|1|0|0|0|0|13 or 1|2|10|0|0|0|13: only the cells both readings share are read
    text = B_HEAD_FUSED + "一、本年新收政府信息公开申请数量121000013二、上年结转政府信息公开申请数量1000001"
    ms, issues = extract_table_metrics(text, era="table_2021")
    got = _by_key(ms)
    assert got[("requests_received", None)] == 13
    assert got[("requests_received", "applicant=other_org")] == 0
    for app in ("natural_person", "commercial", "research"):
        assert ("requests_received", f"applicant={app}") not in got
    _b(got, "requests_carried_in", "", (1, 0, 0, 0, 0, 0, 1))
    assert [i.rule for i in issues] == ["table_row_ambiguous"] and issues[0].severity == "warning"
    assert "121000013" in issues[0].detail and "2 ways" in issues[0].detail


TABLE_A_2021_FUSED = ("二、主动公开政府信息情况第二十条第(一)项信息内容本年制发件数本年废止件数现行有效件数规章000"
                      "行政规范性文件4312第二十条第(五)项信息内容本年处理决定数量行政许可57第二十条第(六)项信息内容"
                      "本年处理决定数量行政处罚230行政强制4第二十条第(八)项信息内容本年收费金额(单位:万元)行政事业性收费12.5")


def test_fused_article_20_cells_without_identity_stay_unread():
    # 4312 is 4|3|12, 4|31|2 or 43|1|2: nothing in the table says which
    ms, issues = extract_table_metrics(_one_line_report(TABLE_A_2021_FUSED), era="table_2021")
    got = _by_key(ms)
    assert got == {
        ("doc_issued", "doc_type=rules"): 0, ("doc_repealed", "doc_type=rules"): 0,
        ("doc_in_force", "doc_type=rules"): 0, ("license_decisions", None): 57, ("penalty_decisions", None): 230,
        ("coercion_decisions", None): 4, ("admin_fee_amount", None): 12.5,
    }
    assert [i.rule for i in issues] == ["table_row_ambiguous"]
    assert "4312" in issues[0].detail and "3 ways" in issues[0].detail
    assert {m.label for m in ms} == {"规章", "行政许可", "行政处罚", "行政强制", "行政事业性收费"}


def test_fused_cells_settled_by_a_figure_the_report_s_prose_states():
    prose = "全年制发行政规范性文件43件，公开各类信息900条。"
    text = _one_line_report(prose, TABLE_A_2021_FUSED)
    ms, issues = extract_table_metrics(text, era="table_2021")
    got = _by_key(ms)
    assert (got[("doc_issued", "doc_type=normative")], got[("doc_repealed", "doc_type=normative")],
            got[("doc_in_force", "doc_type=normative")]) == (43, 1, 2)
    assert issues == []
    # a figure the prose gives for another metric settles nothing
    other = _one_line_report("全年公开各类信息43条。", TABLE_A_2021_FUSED)
    assert ("doc_issued", "doc_type=normative") not in _by_key(extract_table_metrics(other, era="table_2021")[0])


def test_fused_negative_change_is_a_cell_boundary():
    # 2019 (五)(六): 上一年项目数量 | 本年增/减 | 处理决定数量; '1520-3498': the minus sign starts the change
    text = _one_line_report(
        "第二十条第(六)项信息内容上一年项目数量本年增/减处理决定数量行政处罚1520-3498行政强制6-15",
        "第二十条第(八)项信息内容上一年项目数量本年增/减行政事业性收费7-2")
    ms, issues = extract_table_metrics(text, era="table_2019")
    got = _by_key(ms)
    assert got[("items_prev_year", "item=penalty")] == 1520  # -3|498, -34|98, -349|8: the change is not known
    assert ("items_change", "item=penalty") not in got and ("penalty_decisions", None) not in got
    # 6|-1|5 is the only reading: a count cannot be negative and 6 - 15 items is below zero
    assert (got[("items_prev_year", "item=coercion")], got[("items_change", "item=coercion")],
            got[("coercion_decisions", None)]) == (6, -1, 5)
    assert (got[("items_prev_year", "item=fee")], got[("items_change", "item=fee")]) == (7, -2)
    assert [i.rule for i in issues] == ["table_row_ambiguous"] and "1520 -3498" in issues[0].detail


def test_printed_total_is_kept_when_the_result_rows_do_not_add_up():
    from gov_pipeline.text.consistency import check_consistency

    # received 13|1 + carried in 1 = 总计 14|1 + carried out 0, but the result rows add up to 12|1 = 13, not 14|1 = 15;
    # alone, 131000014 and 141000015 each have two readings: the identities that hold settle them
    printed = {"一、": (13, 1, 0, 0, 0, 0, 14), "(七)总计": (14, 1, 0, 0, 0, 0, 15), "四、": (0,) * 7}
    rows = [(label, next((v for k, v in printed.items() if label.startswith(k)), vals)) for label, vals in B21_ROWS]
    ms, issues = extract_table_metrics(B_HEAD_FUSED + _fused(rows), era="table_2021")
    got = _by_key(ms)
    _b(got, "requests_received", "", (13, 1, 0, 0, 0, 0, 14))
    _b(got, "requests_resolved", "", (14, 1, 0, 0, 0, 0, 15))  # as printed, never made to add up
    _b(got, "requests_resolved", "result=disclosed", (5, 1, 0, 0, 0, 0, 6))
    assert issues == []
    found = check_consistency(ms)
    assert any(i.rule == "table_sum" and "is 15 but" in i.detail for i in found)
    assert not any(i.rule == "request_balance" for i in found)


# ---------------------------------------------------------------- 2014 统计表 with a year and a 历年累计 column
T2014_CUM_SPACED = ("附件:某县人民政府2016年政府信息公开情况统计表 指标名称 计量单位 2016年度 历年累计 "
                    "主动公开信息数 条 318 2950 其中:1.网站公开 条 300 2800 2.政府公报公开 条 18 150 "
                    "受理依申请公开信息总数 条 4 31 其中:1.当面申请数 条 1 12 2.网上申请数 条 3 19 "
                    "对申请的答复数 条 4 30 行政复议数 件 0 1")
T2014_CUM_FUSED = ("附件:某县人民政府2016年政府信息公开情况统计表指标名称计量单位2016年度历年累计"
                   "主动公开信息数条3182950其中:1.网站公开条30028002.政府公报公开条18150"
                   "受理依申请公开信息总数条431其中:1.当面申请数条1122.网上申请数条319"
                   "对申请的答复数条430行政复议数件01")


@pytest.mark.parametrize("table", [T2014_CUM_SPACED, T2014_CUM_FUSED])
def test_table_2014_year_and_cumulative_columns(table):
    text = ("某县人民政府2016年政府信息公开工作年度报告 一、概述 本年度依法公开政府信息，认真受理申请。"
            "二、存在的主要问题 宣传不够。 " + table)
    ms, issues = extract_table_metrics(text, era="table_2014")
    assert issues == []
    year = {(m.metric_code, m.dimension): m.value for m in ms if m.qualifier is None}
    stock = {(m.metric_code, m.dimension): m.value for m in ms if m.qualifier == "cumulative"}
    assert year == {
        ("proactive_total", None): 318, ("proactive_total", "channel=website"): 300,
        ("proactive_total", "channel=gazette"): 18, ("requests_received", None): 4,
        ("requests_received", "channel=in_person"): 1, ("requests_received", "channel=online"): 3,
        ("requests_replied", None): 4, ("admin_review_total", None): 0,
    }
    # the cumulative column never stands in for the year's figure: its own code where the catalogue has one
    assert stock == {
        ("proactive_cumulative", None): 2950, ("proactive_cumulative", "channel=website"): 2800,
        ("proactive_cumulative", "channel=gazette"): 150, ("requests_received", None): 31,
        ("requests_received", "channel=in_person"): 12, ("requests_received", "channel=online"): 19,
        ("requests_replied", None): 30, ("admin_review_total", None): 1,
    }
    assert {m.label for m in ms if m.metric_code == "proactive_total"} == {"主动公开信息数", "其中:1.网站公开",
                                                                          "2.政府公报公开"}
    _check_spans(text, ms)


def test_table_2014_fused_parent_and_sub_row_alike_need_more_than_the_table():
    # 主动公开 and its only channel print the same fused '5606100': 5|606100, 56|06100 (no), 560|6100, 5606|100 (no:
    # the stock is at least the year's figure) — the table cannot tell 5|606100 from 560|6100
    table = ("政府信息公开情况统计表指标名称计量单位2017年度历年累计主动公开文件数条5606100其中:1、政府网站公开数条"
             "56061002、政府公报公开数条00行政复议数件00")
    ms, issues = extract_table_metrics(table, era="table_2014")
    got = {(m.metric_code, m.dimension, m.qualifier): m.value for m in ms}
    assert ("proactive_total", None, None) not in got and ("proactive_cumulative", None, "cumulative") not in got
    assert got[("proactive_total", "channel=gazette", None)] == 0
    assert [i.rule for i in issues] == ["table_row_ambiguous"] * 2
    # the report's prose says how many items were published this year: that settles both rows
    said = "2017年全区主动公开政府信息560条，其中政府网站560条。" + table
    got = {(m.metric_code, m.dimension, m.qualifier): m.value for m in extract_table_metrics(said, era="table_2014")[0]}
    assert got[("proactive_total", None, None)] == 560 and got[("proactive_cumulative", None, "cumulative")] == 6100
    assert got[("proactive_total", "channel=website", None)] == 560


# ---------------------------------------------------------------- pdftotext -layout and reading order
def _lay(label: str, cells, width: int = 44, cw: int = 8) -> str:
    """One pdftotext -layout line: the label, then every cell right-aligned in its column (None: empty cell)."""
    line = (" " + label).ljust(width)
    for c in cells:
        line += (str(c) if c is not None else "").rjust(cw)
    return line.rstrip()


LAYOUT_B = "\n".join([
    "三、收到和处理政府信息公开申请情况",
    "",
    " (本列数据的勾稽关系为:第一项加第二项                    申请人情况",
    " 之和,等于第三项加第四项之和)               自然人            法人或其他组织                 总计",
    "                                                      商业     科研   社会公益   法律服务   其他",
    "                                                      企业     机构     组织       机构",
    _lay("一、本年新收政府信息公开申请数量", (9, 1, 0, 0, 0, 0, 10)),
    _lay("二、上年结转政府信息公开申请数量", (1, 0, 0, 0, 0, 0, 1)),
    _lay("             (一)予以公开", (4, 1, 0, 0, 0, 0, 5)),
    _lay("             (二)部分公开(区分处理的,只计", (2, 0, 0, 0, 0, 0, 2)),
    "              这一情形,不计其他情形)",
    _lay("                          1.属于国家秘密", (0, 0, 0, 0, 0, 0, 0)),
    _lay(" 三、本年度               2.其他法律行政法规禁止公开", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          3.危及“三安全一稳定”", (0, 0, 0, 0, 0, 0, 0)),
    _lay(" 办理结果   (三)不予公开  4.保护第三方合法权益", (1, 0, 0, 0, 0, 0, 1)),
    _lay("                          5.属于三类内部事务信息", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          6.属于四类过程性信息", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          7.属于行政执法案卷", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          8.属于行政查询事项", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          1.本机关不掌握相关政府信息", (3, None, None, None, None, None, 3)),
    _lay("             (四)无法提供  2.没有现成信息需要另行制作", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          3.补正后申请内容仍不明确", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          1.信访举报投诉类申请", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          2.重复申请", (0, 0, 0, 0, 0, 0, 0)),
    _lay("             (五)不予处理  3.要求提供公开出版物", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          4.无正当理由大量反复申请", (0, 0, 0, 0, 0, 0, 0)),
    "                          5.要求行政机关确认或重新出具",
    _lay("                          已获取信息", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          1.申请人无正当理由逾期不补正、行政机关不再处理", (0, 0, 0, 0, 0, 0, 0)),
    "                          其政府信息公开申请",
    "                          2.申请人逾期未按收费通知要求缴纳费用、行政机关不",
    _lay("             (六)其他处理  再处理其政府信息公开申请", (0, 0, 0, 0, 0, 0, 0)),
    _lay("                          6.其他", (0, 0, 0, 0, 0, 0, 0)),
    _lay("             (七)总计", (10, 1, 0, 0, 0, 0, 11)),
    _lay("四、结转下年度继续办理", (0, 0, 0, 0, 0, 0, 0)),
])


def test_pdftotext_layout_wrapped_labels_headers_and_empty_cells():
    ms, issues = extract_table_metrics(LAYOUT_B, era="table_2021")
    got = _by_key(ms)
    assert issues == []
    _b(got, "requests_received", "", (9, 1, 0, 0, 0, 0, 10))
    _b(got, "requests_resolved", "result=partial", (2, 0, 0, 0, 0, 0, 2))  # label wrapped inside its bracket
    # whole blocks whose group label sits in its own column, beside one of their rows
    _b(got, "requests_resolved", "result=refused;reason=third_party", (1, 0, 0, 0, 0, 0, 1))
    for reason in ("state_secret", "law_prohibited", "three_safety", "internal_affairs", "process_info",
                   "enforcement_file", "inquiry"):
        _b(got, "requests_resolved", f"result=refused;reason={reason}", (0,) * 7)
    # empty cells read by their column positions: blank, not zero, and the 总计 stays in its column
    _b(got, "requests_resolved", "result=unable;reason=not_held", (3, None, None, None, None, None, 3))
    for reason in ("needs_creation", "unclear"):
        _b(got, "requests_resolved", f"result=unable;reason={reason}", (0,) * 7)
    # labels split over two lines, the first line without cells, or the second one behind its group's label
    for reason in ("complaint", "repeated", "publication", "abusive", "confirm"):
        _b(got, "requests_resolved", f"result=not_processed;reason={reason}", (0,) * 7)
    for reason in ("no_correction", "unpaid"):
        _b(got, "requests_resolved", f"result=other;reason={reason}", (0,) * 7)
    assert sum(1 for k in got if k[0] == "requests_resolved") == 7 * 21  # 20 result rows and (七)总计
    _b(got, "requests_resolved", "", (10, 1, 0, 0, 0, 0, 11))
    _b(got, "requests_carried_out", "", (0,) * 7)
    assert not any("reason=other" in (k[1] or "") for k in got)  # '6.其他' is no row of the 2021 grid
    labels = {m.label for m in ms}
    assert "(二)部分公开(区分处理的,只计" in labels
    assert "5.要求行政机关确认或重新出具已获取信息" in labels and "3.危及“三安全一稳定”" in labels


def test_pdftotext_layout_article_20_empty_cell_by_column_position():
    text = "\n".join([
        "二、主动公开政府信息情况",
        " 第二十条第(一)项",
        "      信息内容          本年制发件数       本年废止件数       现行有效件数",
        "        规章                 0                  0                  3",
        "    行政规范性文件           2                                     9",
        " 第二十条第(五)项",
        "      信息内容                本年处理决定数量",
        "      行政许可                       41",
    ])
    ms, issues = extract_table_metrics(text, era="table_2021")
    assert issues == []
    assert _by_key(ms) == {
        ("doc_issued", "doc_type=rules"): 0, ("doc_repealed", "doc_type=rules"): 0,
        ("doc_in_force", "doc_type=rules"): 3, ("doc_issued", "doc_type=normative"): 2,
        ("doc_repealed", "doc_type=normative"): None, ("doc_in_force", "doc_type=normative"): 9,
        ("license_decisions", None): 41,
    }


def test_pdftotext_reading_order_one_cell_per_line_with_wrapped_labels():
    cells = ["申请人情况", "自然人", "法人或其他组织", "总计", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他",
             "一、本年新收政府信息公开申请数量", "6", "0", "0", "1", "0", "0", "7",
             "二、上年结转政府信息公开申请数量", "0", "0", "0", "0", "0", "0", "0",
             "三、本年度办理结果", "(一)予以公开", "3", "0", "0", "1", "0", "0", "4",
             "(二)部分公开(区分处理的,", "只计这一情形,不计其他情形)", "2", "0", "0", "0", "0", "0", "2",
             "(五)不予处理", "5.要求行政机关确认或重新出具", "已获取信息", "1", "0", "0", "0", "0", "0", "1",
             "(七)总计", "6", "0", "0", "1", "0", "0", "7"]
    ms, issues = extract_table_metrics("\n".join(cells), era="table_2021")
    got = _by_key(ms)
    assert issues == []
    _b(got, "requests_resolved", "result=partial", (2, 0, 0, 0, 0, 0, 2))
    _b(got, "requests_resolved", "result=not_processed;reason=confirm", (1, 0, 0, 0, 0, 0, 1))
    _b(got, "requests_resolved", "", (6, 0, 0, 1, 0, 0, 7))
    assert "(二)部分公开(区分处理的,只计这一情形,不计其他情形)" in {m.label for m in ms}


def test_pdftotext_layout_review_litigation_header_over_three_lines():
    text = "\n".join([
        "四、政府信息公开行政复议、行政诉讼情况",
        "                     行政复议                                            行政诉讼",
        "  结果   结果   其他   尚未          未经复议直接起诉                            复议后起诉",
        "  维持   纠正   结果   审结   总计   结果   结果   其他   尚未   总计   结果   结果   其他   尚未   总计",
        "                                     维持   纠正   结果   审结          维持   纠正   结果   审结",
        "    2      0      1      0      3      0      1      0      0      1      0      0      0      0      0",
        "五、存在的主要问题及改进情况",
    ])
    ms, issues = extract_table_metrics(text, era="table_2021")
    assert issues == []
    got = _by_key(ms)
    _c(got, (2, 0, 1, 0, 3, 0, 1, 0, 0, 1, 0, 0, 0, 0, 0))
    assert got[("admin_litigation_total", None)] == 1
    assert {m.label for m in ms} == {"行政复议", "未经复议直接起诉", "复议后起诉", "行政诉讼"}


def test_pdftotext_layout_2014_label_wrapped_before_its_cells():
    text = "\n".join([
        "                     某县2016年政府信息公开情况统计表",
        " 统计指标                                                     单位        统计数",
        " 一、主动公开情况",
        "   (一)主动公开政府信息数(不同渠道和方式公开相",
        "   同信息计1条)                                               条          156",
        "     其中:主动公开规范性文件数                                 条            4",
        "   (二)通过不同渠道和方式公开政府信息的情况",
        "     1.政府公报公开政府信息数                                  条           12",
        "     2.政府网站公开政府信息数                                  条          150",
    ])
    ms, issues = extract_table_metrics(text, era="table_2014")
    assert issues == []
    assert _by_key(ms) == {
        ("proactive_total", None): 156, ("proactive_normative_docs", None): 4,
        ("proactive_total", "channel=gazette"): 12, ("proactive_total", "channel=website"): 150,
    }
    head = next(m for m in ms if m.dimension is None and m.metric_code == "proactive_total")
    assert head.label == "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)"


def test_a_row_cut_off_by_the_end_of_the_text_keeps_its_first_cells():
    from gov_pipeline.text.tables import extract_table_metrics
    t = ("本年新收政府信息公开申请数量 | 3 | 0 | 1 | 0 | 0 | 0 | 4 |\n"
         "上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
         "三、本年度办理结果\n(一)予以公开 |\n2 |\n0 |\n1")
    ms, issues = extract_table_metrics(t, era="table_2021")
    got = {(m.metric_code, m.dimension): m.value for m in ms if m.metric_code == "requests_resolved"}
    assert got == {("requests_resolved", "applicant=natural_person;result=disclosed"): 2.0,
                   ("requests_resolved", "applicant=commercial;result=disclosed"): 0.0,
                   ("requests_resolved", "applicant=research;result=disclosed"): 1.0}
    assert [i.rule for i in issues] == ["table_row_truncated"]
