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


# ---------------------------------------------------------------------------
# zones, place mentions, votes

from gov_pipeline.text.regions import (  # noqa: E402
    find_places, place_regions, place_run, region_level, vote_region, zone_of,
)


def test_zone_from_assets_resolves_and_has_its_level():
    r = resolve_region("平潭综合实验区管委会办公室")
    assert r == Region("福建省", "平潭综合实验区", None)
    assert region_level(r) == "city"
    assert zone_of("重庆高新区") is not None and zone_of("平潭县") is None
    # the county of the same name stays a county of 福州市
    assert resolve_region("平潭县人民政府") == Region("福建省", "福州市", "平潭县")
    assert region_level(resolve_region("平潭县")) == "county"


def test_region_level():
    assert region_level(Region("北京市", "北京市", None)) == "province"
    assert region_level(Region("北京市", "北京市", "怀柔区")) == "county"
    assert region_level(Region("福建省", "三明市", None)) == "city"
    assert region_level(Region("福建省", None, None)) == "province"
    assert region_level(Region()) == "unknown"


def test_place_run_joins_names_written_one_after_another():
    assert place_run("福州市长乐区生态环境局") == 6
    assert place_run("平潭综合实验区地方税务局") == 7
    assert place_run("生态环境局") == 0


def test_find_places_full_names_aliases_and_spans():
    text = "我局在湖北日报发稿,武汉市青山区和福州市鼓楼区各1篇,平潭综合实验区1篇。"
    found = [(m.name, text[m.start:m.end]) for m in find_places(text)]
    assert [n for n, _ in found] == ["湖北", "武汉市", "青山区", "福州市", "鼓楼区", "平潭综合实验区"]
    assert all(n == written for n, written in found)
    # 武汉 inside 武汉市 is not counted twice; a name several places share keeps all of them
    assert len(place_regions("鼓楼区")) >= 2
    assert place_regions("武汉") == (Region("湖北省", "武汉市", None),)


def test_find_places_ignores_common_words():
    # gazetteer names that are mostly ordinary words (assets/places.toml [body] ignore)
    assert find_places("老城区改造和新城区建设,共和国的东方明珠,合作共赢。") == []


def test_vote_region_needs_a_clear_lead():
    def ms(text):
        return [(m, "body", 1.0) for m in find_places(text)]

    v = vote_region(ms("武义县,武义县,武义县"), depth=3)
    assert v.region == Region("浙江省", "金华市", "武义县") and len(v.support) == 3
    assert vote_region(ms("江苏省、浙江省"), depth=1).region == Region()  # a tie decides nothing
    assert vote_region(ms("江苏省"), depth=1).region == Region()  # one mention is not enough
    v = vote_region(ms("福建省福建省福建省江西省"), depth=1)
    assert v.region == Region("福建省", None, None) and {m.name for m, _w, _x in v.support} == {"福建省"}
    # a municipality is its own city
    assert vote_region(ms("北京市北京市"), depth=2).region == Region("北京市", "北京市", None)


def test_find_places_is_fast():
    import time

    text = "2020年,福州市鼓楼区推进公开,组织赴浙江省学习。本机关主动公开政府信息120条。\n" * 200  # ~9,000 chars
    find_places(text)
    t = time.perf_counter()
    for _ in range(10):
        find_places(text)
    assert (time.perf_counter() - t) / 10 < 0.01  # ~0.5 ms here; generous for shared cores
