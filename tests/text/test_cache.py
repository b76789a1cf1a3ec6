"""The on-disk cache of slow reference structures (text/cache.py) and its two users: the gazetteer and the IDF table."""
from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from gov_pipeline.text import cache, keywords, regions

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def cache_home(tmp_path, monkeypatch):
    folder = tmp_path / "cache"
    monkeypatch.setenv("GOV_CACHE_DIR", str(folder))
    monkeypatch.delenv("GOV_NO_CACHE", raising=False)
    return folder


def twice_in_fresh_processes(code: str, cache_home: Path) -> list[str]:
    """The last stderr line of `code` run in two fresh interpreters sharing the cache folder."""
    env_run = dict(os.environ, GOV_CACHE_DIR=str(cache_home))
    return [subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120,
                           check=True, env=env_run).stderr.strip().splitlines()[-1] for _ in range(2)]


class Counter:
    def __init__(self, value):
        self.value, self.calls = value, 0

    def __call__(self):
        self.calls += 1
        return self.value


def _enc(v):
    return json.dumps(v).encode()


def _dec(b):
    return json.loads(b.decode())


def _files(folder: Path, name: str) -> list[Path]:
    return sorted(p for p in folder.glob(f"{name}-*.bin") if p.name.rsplit("-", 2)[0] == name)


def test_built_once_then_read(cache_home):
    build = Counter({"a": [1, 2]})
    assert cache.load_or_build("thing", ["k1"], build, _enc, _dec) == {"a": [1, 2]}
    assert cache.load_or_build("thing", ["k1"], build, _enc, _dec) == {"a": [1, 2]}
    assert build.calls == 1
    assert len(_files(cache_home, "thing")) == 1


def test_a_new_key_rebuilds_and_replaces_the_old_file(cache_home):
    cache.load_or_build("thing", ["k1"], Counter(1), _enc, _dec)
    old = _files(cache_home, "thing")
    build = Counter(2)
    assert cache.load_or_build("thing", ["k2"], build, _enc, _dec) == 2
    assert build.calls == 1
    new = _files(cache_home, "thing")
    assert len(new) == 1 and new != old
    # a structure whose name shares a prefix is not touched
    cache.load_or_build("thing-else", ["k"], Counter(3), _enc, _dec)
    assert _files(cache_home, "thing") == new
    assert len(_files(cache_home, "thing-else")) == 1


def test_installations_sharing_a_folder_keep_their_own_files(cache_home, monkeypatch):
    cache.load_or_build("thing", ["k1"], Counter(1), _enc, _dec)
    mine = _files(cache_home, "thing")
    monkeypatch.setattr(cache, "_installation", lambda: "otherenv")
    build = Counter(2)
    assert cache.load_or_build("thing", ["k1"], build, _enc, _dec) == 2  # its own file, same key
    assert cache.load_or_build("thing", ["k2"], build, _enc, _dec) == 2
    assert build.calls == 2
    both = _files(cache_home, "thing")
    assert len(both) == 2 and set(mine) <= set(both)  # the other installation replaced only its own file


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_corrupt_file_falls_back_to_building(cache_home, damage):
    cache.load_or_build("thing", ["k"], Counter([1, 2, 3]), _enc, _dec)
    (path,) = _files(cache_home, "thing")
    data = bytearray(path.read_bytes())
    if damage == "truncate":
        data = data[:-2]
    elif damage == "flip":
        data[-1] ^= 0xFF
    elif damage == "garbage":
        data = bytearray(b"not a cache file at all, definitely" * 3)
    else:
        data = bytearray()
    path.write_bytes(bytes(data))
    build = Counter([1, 2, 3])
    assert cache.load_or_build("thing", ["k"], build, _enc, _dec) == [1, 2, 3]
    assert build.calls == 1
    # ...and the file is repaired
    again = Counter([1, 2, 3])
    assert cache.load_or_build("thing", ["k"], again, _enc, _dec) == [1, 2, 3]
    assert again.calls == 0


def test_a_payload_the_decoder_rejects_falls_back(cache_home):
    cache.load_or_build("thing", ["k"], Counter([1]), _enc, _dec)

    def picky(b):
        raise ValueError("no")

    build = Counter([1])
    assert cache.load_or_build("thing", ["k"], build, _enc, picky) == [1]
    assert build.calls == 1


def test_unwritable_location_still_builds(tmp_path, monkeypatch):
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GOV_CACHE_DIR", str(blocker / "cache"))  # a folder below a file: cannot exist
    build = Counter(7)
    assert cache.load_or_build("thing", ["k"], build, _enc, _dec) == 7
    assert cache.load_or_build("thing", ["k"], build, _enc, _dec) == 7
    assert build.calls == 2


def test_cache_can_be_turned_off(cache_home, monkeypatch):
    monkeypatch.setenv("GOV_NO_CACHE", "1")
    assert cache.cache_dir() is None
    build = Counter(1)
    cache.load_or_build("thing", ["k"], build, _enc, _dec)
    cache.load_or_build("thing", ["k"], build, _enc, _dec)
    assert build.calls == 2
    assert not cache_home.exists()


def test_default_location_follows_xdg(monkeypatch, tmp_path):
    monkeypatch.delenv("GOV_CACHE_DIR", raising=False)
    monkeypatch.delenv("GOV_NO_CACHE", raising=False)
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))
    assert cache.cache_dir() == tmp_path / "gov_pipeline"


# --------------------------------------------------------------------------- MemoLog
def test_memo_log_round_trip(cache_home):
    log = cache.MemoLog("memo", ["k"])
    assert log.load() == {}
    log.add("a", [1, None])
    log.add("名\t字\n", {"x": "y"})
    log.add("a", [2, None])  # a later line wins
    assert cache.MemoLog("memo", ["k"]).load() == {"a": [2, None], "名\t字\n": {"x": "y"}}
    assert cache.MemoLog("memo", ["other"]).load() == {}


def test_memo_log_skips_damaged_lines(cache_home):
    log = cache.MemoLog("memo", ["k"])
    log.add("a", 1)
    log.add("b", 2)
    path = log.path()
    data = path.read_bytes()
    first, second = data.split(b"\n")[:2]
    damaged = first[:-3] + b"\n" + b"0000zzzz\tgarbage\n" + b"no tab at all\n" + second.replace(b"2]", b"3]") + b"\n"
    path.write_bytes(damaged + data[len(first) + 1:] + b'["half a line')
    assert cache.MemoLog("memo", ["k"]).load() == {"b": 2}


def test_memo_log_new_key_replaces_old_file_and_survives_unwritable(cache_home, tmp_path, monkeypatch):
    cache.MemoLog("memo", ["k1"]).add("a", 1)
    old = cache.MemoLog("memo", ["k1"]).path()
    cache.MemoLog("memo", ["k2"]).add("a", 2)
    assert not old.exists()
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    monkeypatch.setenv("GOV_CACHE_DIR", str(blocker / "cache"))
    log = cache.MemoLog("memo", ["k"])
    log.add("a", 1)  # no error
    assert log.load() == {}


def test_region_memo_round_trip(cache_home, monkeypatch):
    names = ["益阳市生态环境局安化分局", "长沙市环保局", "鄂温克旗环境保护局", "北京市怀柔区", "我局", "利用", "上海市环保局"]
    monkeypatch.setattr(regions, "_MEMO", regions._MEMO.fresh())
    regions.resolve_region.cache_clear()
    try:
        want = [regions.resolve_region(n) for n in names]  # computed (and recorded)
        monkeypatch.setattr(regions, "_MEMO", regions._MEMO.fresh())
        regions.resolve_region.cache_clear()
        monkeypatch.setattr(regions, "_resolve_place", lambda place: pytest.fail(f"{place} resolved again"))
        assert [regions.resolve_region(n) for n in names] == want
    finally:
        regions.resolve_region.cache_clear()


def test_region_memo_spares_jionlp_in_a_fresh_process(cache_home):
    code = (
        "import sys\n"
        "import gov_pipeline.text.regions as r\n"
        "reg = r.resolve_region('鄂尔多斯市环境保护局')\n"
        "sys.stderr.write(f'{reg.city} {\"jionlp\" in sys.modules}')\n"
    )
    outs = twice_in_fresh_processes(code, cache_home)
    assert outs == ["鄂尔多斯市 True", "鄂尔多斯市 False"]


# --------------------------------------------------------------------------- gazetteer
@pytest.fixture
def fresh_gazetteer(monkeypatch):
    monkeypatch.setattr(regions, "_gazetteer", None)


def test_gazetteer_cache_round_trip(cache_home, fresh_gazetteer, monkeypatch):
    built = regions._build_gazetteer()
    first = regions._load_gazetteer()  # builds and writes the cache
    assert first == built
    assert len(_files(cache_home, "gazetteer")) == 1

    monkeypatch.setattr(regions, "_gazetteer", None)
    monkeypatch.setattr(regions, "_build_gazetteer", lambda: pytest.fail("rebuilt despite the cache"))
    again = regions._load_gazetteer()
    assert again == built
    for run in ["利用怀柔区", "益阳市安化", "我局", "鄂尔多斯市", "x"]:
        monkeypatch.setattr(regions, "_gazetteer", built)
        want = regions.place_name_start(run)
        monkeypatch.setattr(regions, "_gazetteer", again)
        assert regions.place_name_start(run) == want


def test_corrupt_gazetteer_cache_falls_back(cache_home, fresh_gazetteer, monkeypatch):
    built = regions._load_gazetteer()
    (path,) = _files(cache_home, "gazetteer")
    path.write_bytes(path.read_bytes()[:100])
    monkeypatch.setattr(regions, "_gazetteer", None)
    assert regions._load_gazetteer() == built


def test_gazetteer_payload_of_the_wrong_shape_is_rejected():
    with pytest.raises(Exception):
        regions._decode_gazetteer(b'{"names": 3, "forms": []}')


def test_warm_cache_spares_the_jionlp_import(cache_home):
    code = (
        "import sys\n"
        "import gov_pipeline.text.regions as r\n"
        "i = r.place_name_start('利用怀柔区')\n"
        "sys.stderr.write(f'{i} {\"jionlp\" in sys.modules}')\n"
    )
    outs = twice_in_fresh_processes(code, cache_home)
    assert outs == ["2 True", "2 False"]  # first process builds (imports jionlp), the second reads the cache


# --------------------------------------------------------------------------- IDF table
def test_idf_cache_round_trip(cache_home, monkeypatch):
    built, median = keywords._build_idf()
    encoded = keywords._encode_idf((built, median))
    table, med2 = keywords._decode_idf(encoded)
    assert med2 == median
    assert len(table) == len(built) > 100_000
    assert dict(table.items()) == built
    with pytest.raises(ValueError):
        keywords._decode_idf(encoded[:-8])

    keywords._idf_table.cache_clear()
    try:
        first = keywords.idf_table()  # built (a dict) and written
        assert first == (built, median)
        assert len(_files(cache_home, "jieba-idf")) == 1
        keywords._idf_table.cache_clear()
        monkeypatch.setattr(keywords, "_build_idf", lambda: pytest.fail("rebuilt despite the cache"))
        second = keywords.idf_table()  # read (an IdfTable)
        assert isinstance(second[0], keywords.IdfTable)
        assert second[1] == median
        assert dict(second[0].items()) == built
    finally:
        keywords._idf_table.cache_clear()


def test_keywords_are_the_same_from_the_built_and_the_cached_table(monkeypatch):
    tokens = ["政府信息公开", "环评", "环评", "排污许可", "双随机一公开", "审批", "审批", "审批", "不在词表里的词zz", "工作"]
    built = keywords._build_idf()
    cached = keywords._decode_idf(keywords._encode_idf(built))
    monkeypatch.setattr(keywords, "idf_table", lambda: built)
    want = keywords.top_keywords_from_tokens(tokens)
    monkeypatch.setattr(keywords, "idf_table", lambda: cached)
    assert keywords.top_keywords_from_tokens(tokens) == want and want


def test_idf_table_is_a_mapping():
    built, median = keywords._build_idf()
    table, _ = keywords._decode_idf(keywords._encode_idf((built, median)))
    word = next(iter(table))
    assert word in table and table[word] == table.get(word) == table.get(word, -1.0) == built[word]
    assert "不是一个词zz" not in table
    assert table.get("不是一个词zz", median) == median
    assert table.get("不是一个词zz") is None
    with pytest.raises(KeyError):
        table["不是一个词zz"]
    assert table.get(3) is None and 3 not in table
    words = list(table)
    assert words == sorted(words) and len(words) == len(set(words)) == len(table)


# --------------------------------------------------------------------------- Chinese numerals
def test_numeral_memo_round_trip(cache_home, monkeypatch):
    from gov_pipeline.text import numbers

    numerals = ["一百零六", "十二", "两", "三千五百", "九十九点五", "零", "十十"]
    monkeypatch.setattr(numbers, "_MEMO", numbers._MEMO.fresh())
    want = [numbers._cn_to_float(s) for s in numerals]  # computed with cn2an (and recorded)
    assert want[:6] == [106.0, 12.0, 2.0, 3500.0, 99.5, 0.0]
    monkeypatch.setattr(numbers, "_MEMO", numbers._MEMO.fresh())
    monkeypatch.setattr(numbers, "_cn2an", lambda s: pytest.fail(f"{s} converted again"))
    assert [numbers._cn_to_float(s) for s in numerals] == want
    assert numbers.parse_number("一百零六件").value == 106.0


def test_numeral_memo_spares_cn2an_in_a_fresh_process(cache_home):
    code = (
        "import sys\n"
        "from gov_pipeline.text.numbers import parse_number\n"
        "sys.stderr.write(f'{parse_number(\"一百零五\").value} {\"cn2an\" in sys.modules}')\n"
    )
    outs = twice_in_fresh_processes(code, cache_home)
    assert outs == ["105.0 True", "105.0 False"]
