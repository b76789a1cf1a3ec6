"""Tests for gov_pipeline.text.regions (jionlp wrapper)."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from gov_pipeline.text.regions import Region, place_name_start, resolve_region, strip_agency_words

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("鄂温克旗环境保护局", ("内蒙古自治区", "呼伦贝尔市", "鄂温克族自治旗")),
        ("鄂温克旗环保局", ("内蒙古自治区", "呼伦贝尔市", "鄂温克族自治旗")),
        ("北京市怀柔区", ("北京市", "北京市", "怀柔区")),
        ("北京市怀柔区环境保护局", ("北京市", "北京市", "怀柔区")),
        ("益阳市生态环境局安化分局", ("湖南省", "益阳市", "安化县")),
        ("内江市隆昌生态环境局", ("四川省", "内江市", "隆昌市")),
        ("乌兰浩特市分局", ("内蒙古自治区", "兴安盟", "乌兰浩特市")),
        ("兴安盟生态环境局", ("内蒙古自治区", "兴安盟", None)),
        ("鄂尔多斯市环境保护局", ("内蒙古自治区", "鄂尔多斯市", None)),
        ("鄂尔多斯市生态环境局", ("内蒙古自治区", "鄂尔多斯市", None)),
        ("许昌市生态环境局", ("河南省", "许昌市", None)),
        ("河北省生态环境厅", ("河北省", None, None)),
        ("湖北省环境保护厅", ("湖北省", None, None)),
        # municipality: city = the municipality
        ("北京市生态环境局", ("北京市", "北京市", None)),
        ("上海市环境保护局", ("上海市", "上海市", None)),
        ("重庆市万州区生态环境局", ("重庆市", "重庆市", "万州区")),
    ],
)
def test_resolve_agency_names(name, expected):
    r = resolve_region(name)
    assert (r.province, r.city, r.county) == expected


@pytest.mark.parametrize(
    "name",
    [
        "省", "市", "区", "x省", "省环保局", "市生态环境局", "x省环境保护厅", "xx市x区环保局",
        "我局", "本机关", "生态环境局", "环境保护厅", "分局", "政府信息公开工作年度报告", "旗人民政府", "", "2017年",
        "新区环保局", "高新区生态环境分局", "城区环保局",
    ],
)
def test_no_place_resolves_to_nothing(name):
    r = resolve_region(name)
    assert r == Region(None, None, None)
    assert r.is_empty and r.parts() == ()


def test_city_alias_does_not_invent_homonymous_county():
    # jionlp fills 长沙县 for a bare "长沙"; the city name alone must not become a county
    assert resolve_region("长沙生态环境局") == Region("湖南省", "长沙市", None)
    assert resolve_region("长沙县环保局") == Region("湖南省", "长沙市", "长沙县")


def test_strip_agency_words():
    assert strip_agency_words("益阳市生态环境局安化分局") == "益阳市安化"
    assert strip_agency_words("鄂温克旗环境保护局") == "鄂温克旗"
    assert strip_agency_words("河北省生态环境厅") == "河北省"
    assert strip_agency_words("x省环保局") == "省"
    assert strip_agency_words("北京市怀柔区环境保护局(盖章)") == "北京市怀柔区"


def test_place_name_start_cuts_leading_words():
    assert place_name_start("利用怀柔区") == 2
    assert place_name_start("呈送鄂温克旗") == 2
    assert place_name_start("鄂尔多斯市") == 0
    assert place_name_start("每日在市") is None
    assert place_name_start("下设") is None


def test_results_are_cached():
    resolve_region.cache_clear()
    resolve_region("许昌市生态环境局")
    resolve_region("许昌市生态环境局")
    info = resolve_region.cache_info()
    assert info.hits == 1 and info.misses == 1


def test_parts_and_frozen():
    r = resolve_region("鄂温克旗环境保护局")
    assert r.parts() == ("内蒙古自治区", "呼伦贝尔市", "鄂温克族自治旗")
    with pytest.raises(AttributeError):
        r.city = "x"  # type: ignore[misc]


def _run(code: str) -> subprocess.CompletedProcess:
    # without the on-disk cache: a warm region memo would (rightly) spare the jionlp import
    return subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120, check=True,
        env=dict(os.environ, GOV_NO_CACHE="1"),
    )


def test_jionlp_is_imported_lazily_and_silently():
    out = _run(
        "import sys\n"
        "import gov_pipeline.text.regions as r\n"
        "import gov_pipeline.text.metadata\n"
        "assert 'jionlp' not in sys.modules, 'imported at module import'\n"
        "reg = r.resolve_region('鄂尔多斯市环境保护局')\n"
        "assert 'jionlp' in sys.modules\n"
        "sys.stderr.write(reg.city)\n"
    )
    assert out.stdout == ""  # the jionlp banner is swallowed
    assert out.stderr.strip().endswith("鄂尔多斯市")
