"""Administrative region of an agency name, via jionlp's maintained gazetteer.

A thin wrapper around ``jionlp.parse_location``:

* jionlp is imported lazily, on the first lookup (its import takes ~0.5 s and
  prints a banner to stdout, which is swallowed here);
* agency words (环境保护局, 生态环境局, …分局, 环境保护厅, ...) are stripped
  before resolving, so ``益阳市生态环境局安化分局`` resolves as ``益阳市安化``;
* a name with no place in it (``省``, ``市``, ``x省``, ``我局``) resolves to an
  empty Region, never to a guess;
* municipalities (北京/天津/上海/重庆) get ``city`` = the municipality;
* results are also memoised on disk per place (``cache.MemoLog``, keyed by
  jionlp's parser and data files and this module), so a fresh process resolving
  a place seen before neither imports nor prepares jionlp (~0.5 s).

``place_name_start`` finds where a known place name starts inside a run of
characters (used by the metadata stage to cut ``利用怀柔区`` to ``怀柔区``); it uses
the same jionlp gazetteer (full names and aliases), loaded once per process (and
cached on disk, see ``cache.load_or_build``).
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import threading
from dataclasses import dataclass
from functools import lru_cache

from .cache import PackageMemo, load_or_build, package_key

__all__ = ["Region", "MUNICIPALITIES", "resolve_region", "strip_agency_words", "place_name_start"]

MUNICIPALITIES = frozenset({"北京市", "天津市", "上海市", "重庆市"})

# Agency words removed before resolving, longest first. "分局" alone covers
# "乌兰浩特市分局" and the tail of "益阳市生态环境局安化分局".
_AGENCY_WORDS_RE = re.compile(
    r"(?:生态环境保护|生态环境|环境保护|环保)(?:分局|局|厅)"
    r"|分局|环境局"
    r"|[(（]盖章[)）]"
)
# What is left when a name has no place in it: only level words.
_LEVEL_ONLY_RE = re.compile(r"(?:特别行政区|自治区|自治州|自治县|自治旗|地区|[省市区县旗州盟])*")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]+")
_MAX_NAME_LEN = 16
# Gazetteer entries that are ordinary words rather than place names.
_GENERIC_PLACE_NAMES = frozenset(
    {"新区", "城区", "郊区", "矿区", "东区", "西区", "南区", "北区", "市区", "新市", "西市",
     "高新区", "经开区", "示范区", "管理区", "物流区", "保税区", "文旅区", "汽开区", "开发区"}
)


@dataclass(frozen=True)
class Region:
    province: str | None = None
    city: str | None = None
    county: str | None = None

    @property
    def is_empty(self) -> bool:
        return self.province is None and self.city is None and self.county is None

    def parts(self) -> tuple[str, ...]:
        """Non-empty parts, top down."""
        return tuple(p for p in (self.province, self.city, self.county) if p)


_EMPTY = Region()
_lock = threading.Lock()  # jionlp import
_gaz_lock = threading.Lock()  # gazetteer build (which may import jionlp under _lock)
_jio = None
_gazetteer: tuple[frozenset[str], dict[str, frozenset[str]]] | None = None


def _jionlp():
    """Import jionlp on first use, with its stdout banner swallowed."""
    global _jio
    if _jio is None:
        with _lock:
            if _jio is None:
                with contextlib.redirect_stdout(io.StringIO()):
                    import jionlp  # noqa: PLC0415 - lazy on purpose

                _jio = jionlp
    return _jio


def _build_gazetteer() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(all place names and aliases, full name -> its names) from jionlp's data."""
    jio = _jionlp()
    with contextlib.redirect_stdout(io.StringIO()):
        data = jio.china_location_loader(detail=False)
    names: set[str] = set()
    forms: dict[str, set[str]] = {}

    def add(full: str, alias) -> None:
        aliases = alias if isinstance(alias, (list, tuple)) else [alias]
        group = forms.setdefault(full, {full})
        group.update(a for a in aliases if a)
        names.update(group)

    for prov, pdata in data.items():
        if prov.startswith("_"):
            continue
        add(prov, pdata.get("_alias"))
        for city, cdata in pdata.items():
            if city.startswith("_"):
                continue
            add(city, cdata.get("_alias"))
            for county, kdata in cdata.items():
                if county.startswith("_"):
                    continue
                add(county, kdata.get("_alias"))
    names = {n for n in names if len(n) >= 2 and n not in _GENERIC_PLACE_NAMES}
    return frozenset(names), {k: frozenset(v) for k, v in forms.items()}


def _encode_gazetteer(gaz: tuple[frozenset[str], dict[str, frozenset[str]]]) -> bytes:
    names, forms = gaz
    doc = {"names": sorted(names), "forms": {k: sorted(v) for k, v in forms.items()}}
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_gazetteer(payload: bytes) -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    doc = json.loads(payload.decode("utf-8"))
    names, forms = doc["names"], doc["forms"]
    if not (isinstance(names, list) and isinstance(forms, dict)):
        raise ValueError("not a gazetteer")
    return frozenset(names), {k: frozenset(v) for k, v in forms.items()}


def _load_gazetteer() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The gazetteer, built once per process; read from the on-disk cache (text/cache.py) when one
    matches jionlp's data file and this module, so a fresh process need not import jionlp for it."""
    global _gazetteer
    if _gazetteer is None:
        with _gaz_lock:
            if _gazetteer is None:
                key = package_key("gazetteer", __file__, "jionlp", ["dictionary/china_location.txt"])
                if key is None:
                    _gazetteer = _build_gazetteer()
                else:
                    _gazetteer = load_or_build("gazetteer", key, _build_gazetteer, _encode_gazetteer,
                                               _decode_gazetteer)
    return _gazetteer


def strip_agency_words(name: str) -> str:
    """The place part of an agency name: agency words and non-Chinese characters removed."""
    return "".join(_CJK_RE.findall(_AGENCY_WORDS_RE.sub("", name or "")))


def place_name_start(run: str) -> int | None:
    """Index of the first known place name (full or alias) in `run`, or None."""
    names, _ = _load_gazetteer()
    n = len(run)
    for i in range(n - 1):
        for j in range(min(n, i + _MAX_NAME_LEN), i + 1, -1):
            if run[i:j] in names:
                return i
    return None


def _evidenced(full: str | None, place: str) -> bool:
    """True when `full` (or one of its aliases) is written in `place`."""
    if not full:
        return False
    _, forms = _load_gazetteer()
    return any(f in place for f in forms.get(full, (full,)))


def _evidenced_apart(county: str, city: str, place: str) -> bool:
    """True when the county is written with a form that is not also a form of the city."""
    _, forms = _load_gazetteer()
    city_forms = forms.get(city, frozenset((city,)))
    return any(f in place and f not in city_forms for f in forms.get(county, (county,)))


def _region(parts) -> Region:
    if isinstance(parts, list) and len(parts) == 3 and all(p is None or isinstance(p, str) for p in parts):
        return Region(*parts) if any(parts) else _EMPTY
    raise ValueError(f"not a region: {parts!r}")


# place -> Region, memoised on disk (text/cache.py), keyed by jionlp's parser and data files and this module
_MEMO = PackageMemo("regions", __file__, "jionlp", (
    "__init__.py", "gadget/location_parser.py", "dictionary/dictionary_loader.py",
    "dictionary/china_location.txt", "dictionary/china_location_change.txt"),
    encode=lambda r: [r.province, r.city, r.county], decode=_region)


@lru_cache(maxsize=4096)
def resolve_region(name: str) -> Region:
    """Province / city / county of an agency or place name; empty Region if none."""
    place = strip_agency_words(name)
    if not place or _LEVEL_ONLY_RE.fullmatch(place):
        return _EMPTY
    return _MEMO.get(place, _resolve_place)


def _resolve_place(place: str) -> Region:
    """resolve_region's work on the place part of a name (jionlp plus the guards)."""
    jio = _jionlp()
    with contextlib.redirect_stdout(io.StringIO()):
        res = jio.parse_location(place, town_village=False)
    province, city, county = res.get("province"), res.get("city"), res.get("county")
    # Guard against inventions: the lowest level found must be written in the name
    # (higher levels are then implied by the gazetteer).
    lowest = county or city or province
    if lowest is None or lowest in _GENERIC_PLACE_NAMES or not _evidenced(lowest, place):
        return _EMPTY
    if county and city and not _evidenced_apart(county, city, place):
        # "长沙" names the city; jionlp also fills the homonymous 长沙县.
        county = None
    if province in MUNICIPALITIES and not city:
        city = province
    return Region(province, city, county)
