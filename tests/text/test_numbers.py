import pytest

from gov_pipeline.text.numbers import parse_number


@pytest.mark.parametrize("s, value", [
    ("1,234", 1234.0), ("523.15", 523.15), ("0", 0.0), ("106", 106.0), (" 42 ", 42.0),
    ("一百零六", 106.0), ("十二", 12.0), ("三", 3.0), ("两", 2.0), ("两百", 200.0), ("二十", 20.0),
    ("〇", 0.0), ("三万五千", 35000.0),
])
def test_plain_values(s, value):
    p = parse_number(s)
    assert p.value == value
    assert not p.is_redacted and not p.approx


@pytest.mark.parametrize("s, value, sign", [
    ("+126", 126.0, "+"), ("-8", -8.0, "-"), ("减11", -11.0, "-"), ("－3", -3.0, "-"), ("增3", 3.0, "+"),
])
def test_signed(s, value, sign):
    p = parse_number(s)
    assert p.value == value and p.sign == sign


@pytest.mark.parametrize("s", ["2xxx", "x8", "29x", "x38", "x", "XX", "2x3"])
def test_redacted(s):
    p = parse_number(s)
    assert p.value is None and p.is_redacted


def test_redacted_percent_keeps_unit():
    p = parse_number("9x%")
    assert p.value is None and p.is_redacted and p.unit == "%"


@pytest.mark.parametrize("s", ["", "   ", "-", "—", "/", "无", None, "–"])
def test_blank_is_none_not_zero(s):
    p = parse_number(s)
    assert p.value is None and not p.is_redacted


@pytest.mark.parametrize("s, value", [("近50", 50.0), ("300余", 300.0), ("2000多", 2000.0), ("约12", 12.0),
                                      ("二十余", 20.0), ("2万余", 20000.0), ("1.5万", 15000.0)])
def test_approx_and_wan(s, value):
    p = parse_number(s)
    assert p.value == value
    if s not in ("1.5万",):
        assert p.approx


def test_units_inside_cell():
    p = parse_number("523.15万元")
    assert p.value == 523.15 and p.unit == "万元"
    p = parse_number("90%")
    assert p.value == 90.0 and p.unit == "%"
    p = parse_number("12件")
    assert p.value == 12.0 and p.unit == "件"


@pytest.mark.parametrize("s", ["abc", "第三", "2017年2月", "一是"])
def test_garbage_is_none(s):
    assert parse_number(s).value is None
