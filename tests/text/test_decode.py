from __future__ import annotations

from pathlib import Path

import pytest

from gov_pipeline.text.clean import clean_report
from gov_pipeline.text.decode import decode_report
from gov_pipeline.text.model import QuarantineError

SEEDS = sorted((Path(__file__).resolve().parents[2] / "seeds").glob("*.txt"))

# A short text written for these tests (not taken from a seed).
SAMPLE = "某县生态环境分局2021年政府信息公开工作年度报告\n一、总体情况\n本年度主动公开政府信息共计120条，收到申请3件。\n"


def test_utf8_fast_path():
    d = decode_report(SAMPLE.encode("utf-8"))
    assert d.encoding == "utf-8"
    assert d.text == SAMPLE


def test_utf8_keeps_crlf_faithfully():
    raw = SAMPLE.replace("\n", "\r\n")
    d = decode_report(raw.encode("utf-8"))
    assert d.text == raw  # newlines are normalised by cleaning, not decoding


def test_utf8_bom():
    d = decode_report(b"\xef\xbb\xbf" + SAMPLE.encode("utf-8"))
    assert d.encoding == "utf-8-sig"
    assert d.text == SAMPLE
    assert not d.text.startswith("\ufeff")


def test_utf16_le_bom():
    d = decode_report(b"\xff\xfe" + SAMPLE.encode("utf-16-le"))
    assert d.encoding == "utf-16-le"
    assert d.text == SAMPLE


def test_utf16_be_bom():
    d = decode_report(b"\xfe\xff" + SAMPLE.encode("utf-16-be"))
    assert d.encoding == "utf-16-be"
    assert d.text == SAMPLE


def test_utf16_le_without_bom_ascii_heavy():
    text = "2021 annual report 报告 of the bureau, report number 12345 政府信息公开工作年度报告 and more text here 生态环境局"
    d = decode_report(text.encode("utf-16-le"))
    assert d.encoding == "utf-16-le"
    assert d.text == text


def test_utf16_be_without_bom_ascii_heavy():
    text = "2021 annual report 报告 of the bureau, report number 12345 政府信息公开工作年度报告 and more text here 生态环境局"
    d = decode_report(text.encode("utf-16-be"))
    assert d.encoding == "utf-16-be"
    assert d.text == text


def test_utf16_le_without_bom_pure_chinese():
    text = "某县生态环境分局政府信息公开工作年度报告本年度主动公开政府信息共计一百二十条收到申请三件均已按期答复"
    d = decode_report(text.encode("utf-16-le"))
    assert d.encoding == "utf-16-le"
    assert d.text == text


def test_utf16_le_without_bom_and_without_nul_bytes():
    text = "某县生态环境分局政府信息公示工作年度报告本年度主动发布政府信息共计百条收到申请三件均已按期答复"
    data = text.encode("utf-16-le")
    assert b"\x00" not in data
    d = decode_report(data)
    assert d.encoding == "utf-16-le"
    assert d.text == text


def test_gbk_detected_as_gb18030():
    d = decode_report(SAMPLE.encode("gbk"))
    assert d.encoding == "gb18030"
    assert d.text == SAMPLE


def test_gb18030_with_chars_outside_gbk():
    text = SAMPLE + "附记：𠀀字与€符号。\n"
    d = decode_report(text.encode("gb18030"))
    assert d.encoding == "gb18030"
    assert d.text == text


def test_empty_file():
    with pytest.raises(QuarantineError) as ei:
        decode_report(b"")
    assert ei.value.reason == "empty file (0 bytes)"


def test_whitespace_only():
    with pytest.raises(QuarantineError) as ei:
        decode_report(b" \r\n\t \n  ")
    assert "whitespace-only" in ei.value.reason
    assert "8 bytes" in ei.value.reason


def test_oversize_states_both_sizes():
    data = SAMPLE.encode("utf-8")
    with pytest.raises(QuarantineError) as ei:
        decode_report(data, max_bytes=100)
    assert str(len(data)) in ei.value.reason
    assert "100" in ei.value.reason
    assert "too large" in ei.value.reason


def test_size_limit_is_inclusive():
    data = SAMPLE.encode("utf-8")
    assert decode_report(data, max_bytes=len(data)).text == SAMPLE


@pytest.mark.parametrize(
    "data, word",
    [
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"PK\x03\x04\x14\x00\x06\x00[Content_Types].xml....word/document.xml", "DOCX"),
        (b"PK\x03\x04\x14\x00\x00\x00data.bin", "ZIP"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 50, "OLE2"),
        (b"\x89PNG\r\n\x1a\n" + b"\x00" * 20, "PNG"),
    ],
)
def test_binary_magic(data, word):
    with pytest.raises(QuarantineError) as ei:
        decode_report(data)
    assert ei.value.reason.startswith("binary content")
    assert word in ei.value.reason


def test_binary_nul_bytes():
    data = SAMPLE.encode("utf-8") + b"\x00\x01\x02\x00\xff\xfe\x00" * 3
    with pytest.raises(QuarantineError) as ei:
        decode_report(data)
    assert "binary content" in ei.value.reason
    assert "NUL" in ei.value.reason


def test_binary_control_chars():
    data = (SAMPLE + "\x01\x02\x03\x04\x05\x06" * 4).encode("utf-8")
    with pytest.raises(QuarantineError) as ei:
        decode_report(data)
    assert "control characters" in ei.value.reason


def test_too_little_cjk():
    data = ("This is an English page about nothing in particular. " * 10 + "报告").encode("utf-8")
    with pytest.raises(QuarantineError) as ei:
        decode_report(data)
    assert "too little Chinese" in ei.value.reason
    assert "2 CJK characters" in ei.value.reason


def test_undecodable_or_not_chinese():
    with pytest.raises(QuarantineError) as ei:
        decode_report(b"\xff\x80\xff\x81\xfe")
    assert ei.value.reason.startswith(("undecodable", "too little Chinese"))


@pytest.mark.parametrize("seed", SEEDS, ids=lambda p: p.name[:3])
def test_gbk_copy_of_seed_cleans_like_utf8(seed):
    raw = seed.read_bytes()
    utf8 = decode_report(raw)
    assert utf8.encoding == "utf-8"
    gb = decode_report(utf8.text.encode("gb18030"))
    assert gb.encoding == "gb18030"
    assert gb.text == utf8.text
    assert clean_report(gb.text).text == clean_report(utf8.text).text
