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

Beyond jionlp, ``assets/places.toml`` holds place knowledge a domain expert extends: zones that govern like a
city or a county (平潭综合实验区, whose 管委会 has a prefecture's powers) and the gazetteer names that are mostly
ordinary words in running text. ``find_places`` finds every place named in a text (full names of every level,
aliases of provinces and cities, zones) with one compiled scan, and ``vote_region`` weighs such mentions into a
province / city / county with the mentions that decided it (the evidence).
"""
from __future__ import annotations

import contextlib
import io
import json
import re
import threading
import tomllib
from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

from .cache import PackageMemo, load_or_build, package_key
from .refdata import asset_path

__all__ = [
    "Region", "MUNICIPALITIES", "resolve_region", "strip_agency_words", "place_name_start", "place_run",
    "below_city_rules",
    "Zone", "zones", "zone_of", "PlaceMention", "find_places", "place_regions", "vote_region", "vote_weights",
    "RegionVote", "region_level",
]
PLACES_FILE = "places.toml"

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


def _locations():
    """(level, name, its _alias value, province, city) of every province, city and county in jionlp's data."""
    jio = _jionlp()
    with contextlib.redirect_stdout(io.StringIO()):
        data = jio.china_location_loader(detail=False)
    for prov, pdata in data.items():
        if prov.startswith("_"):
            continue
        yield "province", prov, pdata.get("_alias"), prov, None
        for city, cdata in pdata.items():
            if city.startswith("_"):
                continue
            yield "city", city, cdata.get("_alias"), prov, city
            for county, kdata in cdata.items():
                if not county.startswith("_"):
                    yield "county", county, kdata.get("_alias"), prov, city


def _alias_list(a) -> list[str]:
    return [x for x in (a if isinstance(a, (list, tuple)) else [a]) if x]


def _build_gazetteer() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """(all place names and aliases, full name -> its names) from jionlp's data."""
    forms: dict[str, set[str]] = {}
    for _level, name, alias, _prov, _city in _locations():
        forms.setdefault(name, {name}).update(_alias_list(alias))
    names = {n for group in forms.values() for n in group if len(n) >= 2 and n not in _GENERIC_PLACE_NAMES}
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


def _from_jionlp(name: str, build, encode, decode):
    """A structure built from jionlp's location file, read from the on-disk cache (text/cache.py) when one matches
    that file and this module, so a fresh process need not import jionlp for it."""
    key = package_key(name, __file__, "jionlp", ["dictionary/china_location.txt"])
    return build() if key is None else load_or_build(name, key, build, encode, decode)


def _load_gazetteer() -> tuple[frozenset[str], dict[str, frozenset[str]]]:
    """The gazetteer, built once per process; read from the on-disk cache (text/cache.py) when one
    matches jionlp's data file and this module, so a fresh process need not import jionlp for it."""
    global _gazetteer
    if _gazetteer is None:
        with _gaz_lock:
            if _gazetteer is None:
                _gazetteer = _from_jionlp("gazetteer", _build_gazetteer, _encode_gazetteer, _decode_gazetteer)
    return _gazetteer


def strip_agency_words(name: str) -> str:
    """The place part of an agency name: agency words and non-Chinese characters removed."""
    return "".join(_CJK_RE.findall(_AGENCY_WORDS_RE.sub("", name or "")))


_all_names_cache: frozenset[str] | None = None


def _all_names() -> frozenset[str]:
    """The gazetteer's names and aliases plus the zones' (assets/places.toml)."""
    global _all_names_cache
    if _all_names_cache is None:
        names, _ = _load_gazetteer()
        _all_names_cache = names | frozenset(f for z in zones() for f in z.forms)
    return _all_names_cache


def place_name_start(run: str) -> int | None:
    """Index of the first known place name (full or alias) in `run`, or None."""
    names = _all_names()
    n = len(run)
    for i in range(n - 1):
        for j in range(min(n, i + _MAX_NAME_LEN), i + 1, -1):
            if run[i:j] in names:
                return i
    return None


def place_run(run: str, start: int = 0) -> int:
    """End of the run of place names written one after another from `start` (福州市长乐区 + 生态环境: 6),
    each the longest known name at its position; `start` when no name starts there."""
    names = _all_names()
    n, i = len(run), start
    while i < n - 1:
        for j in range(min(n, i + _MAX_NAME_LEN), i + 1, -1):
            if run[i:j] in names:
                i = j
                break
        else:
            break
    return i


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
    """Province / city / county of an agency or place name; empty Region if none.
    A zone of assets/places.toml written in the name is that zone's region."""
    place = strip_agency_words(name)
    if not place or _LEVEL_ONLY_RE.fullmatch(place):
        return _EMPTY
    zone = zone_of(place)
    if zone is not None:
        return zone.region
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


# ---------------------------------------------------------------------------
# assets/places.toml: zones, and how body mentions are weighed


@lru_cache(maxsize=1)
def _places_conf() -> dict:
    with asset_path(PLACES_FILE).open("rb") as fh:
        return tomllib.load(fh)


@lru_cache(maxsize=1)
def below_city_rules() -> tuple[re.Pattern, re.Pattern]:
    """(district_tail, zone_words) of assets/places.toml [below_city]: an unresolved unit below its city."""
    conf = _places_conf()["below_city"]
    return re.compile(conf["district_tail"]), re.compile(conf["zone_words"])


@dataclass(frozen=True)
class Zone:
    """A unit the gazetteer does not know as a government of its own (assets/places.toml)."""

    name: str
    forms: tuple[str, ...]  # the name and its aliases, longest first
    region: Region
    level: str


@lru_cache(maxsize=1)
def zones() -> tuple[Zone, ...]:
    out = []
    for z in _places_conf().get("zone", []):
        forms = tuple(sorted({z["name"], *z.get("aliases", [])}, key=len, reverse=True))
        region = Region(z.get("province"), z.get("city"), z.get("county"))
        out.append(Zone(z["name"], forms, region, z.get("level", "unknown")))
    return tuple(out)


def zone_of(place: str) -> Zone | None:
    """The zone whose name (or alias) is written in `place`, if any."""
    if not place:
        return None
    for z in zones():
        if any(f in place for f in z.forms):
            return z
    return None


def region_level(region: Region) -> str:
    """The admin level of a region's own government: a zone's level, else the lowest part written
    (a municipality's own level is province)."""
    for z in zones():
        if z.region == region:
            return z.level
    if region.county:
        return "county"
    if region.city:
        if region.province in MUNICIPALITIES and region.city == region.province:
            return "province"
        return "city"
    return "province" if region.province else "unknown"


# ---------------------------------------------------------------------------
# place mentions in running text


@dataclass(frozen=True)
class PlaceMention:
    """A place named in a text: as written, where (half-open span), and every region it may be."""

    name: str
    start: int
    end: int
    regions: tuple[Region, ...]


_PlaceTable = tuple[dict[str, list[list]], dict[str, list[list]]]  # full names, aliases -> [[p, c, k], ...]


def _build_place_table() -> _PlaceTable:
    """Every full name (province, city, county) and every province / city alias of jionlp's gazetteer, with
    the regions it names (a county name may be several counties: 鼓楼区)."""
    full: dict[str, list[list]] = defaultdict(list)
    alias: dict[str, list[list]] = defaultdict(list)
    for level, name, names, prov, city in _locations():
        real_city = None if city is None or city.endswith("直辖行政区划") else city
        if level == "county":
            full[name].append([prov, real_city, name])
            continue
        row = [prov, prov if prov in MUNICIPALITIES else None, None] if level == "province" else [prov, real_city, None]
        if level == "city" and (real_city is None or row == [prov, prov if prov in MUNICIPALITIES else None, None]):
            continue  # a municipality's own city row is its province's; 直辖行政区划 is no city
        full[name].append(row)
        for a in _alias_list(names):
            if len(a) >= 2:
                alias[a].append(row)
    return dict(full), dict(alias)


def _encode_table(t: _PlaceTable) -> bytes:
    return json.dumps({"full": t[0], "alias": t[1]}, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


def _decode_table(payload: bytes) -> _PlaceTable:
    doc = json.loads(payload.decode("utf-8"))
    if not (isinstance(doc.get("full"), dict) and isinstance(doc.get("alias"), dict)):
        raise ValueError("not a place table")
    return doc["full"], doc["alias"]


def _trie_pattern(words) -> str:
    """A regex matching any of `words` (longest first at a position), as a prefix tree: one compiled
    alternation that the regex engine walks character by character."""
    trie: dict = {}
    for w in words:
        d = trie
        for ch in w:
            d = d.setdefault(ch, {})
        d[""] = {}

    def build(d: dict) -> str:
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(d.items()) if ch]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        if "" in d:
            return f"(?:{body})?"
        return body

    return build(trie)


@dataclass(frozen=True)
class _PlaceIndex:
    full: dict[str, tuple[Region, ...]]  # full names (ending in 省/市/县/区/旗/州/盟...) and zone names
    lengths: dict[str, tuple[int, ...]]  # last two characters of full names -> their lengths, longest first
    end_re: re.Pattern  # the last characters of full names: where a full name may end
    alias: dict[str, tuple[Region, ...]]
    alias_re: re.Pattern  # province / city aliases and zone aliases, as one prefix tree


_index_cache: _PlaceIndex | None = None
_index_lock = threading.Lock()


def _place_index() -> _PlaceIndex:
    """Built once per process (the jionlp part read from the on-disk cache when it matches)."""
    global _index_cache
    if _index_cache is None:
        with _index_lock:
            if _index_cache is None:
                table = _from_jionlp("place_table", _build_place_table, _encode_table, _decode_table)
                ignore = set(_places_conf().get("body", {}).get("ignore", [])) | _GENERIC_PLACE_NAMES

                far = set(_places_conf().get("body", {}).get("ignore_provinces", []))

                def regions(rows) -> tuple[Region, ...]:
                    regs = tuple(dict.fromkeys(Region(*r) for r in rows))
                    near = tuple(r for r in regs if r.province not in far)
                    return near or regs  # 连江县: 福建省's, not 台湾省's

                full = {n: regions(rows) for n, rows in table[0].items() if len(n) >= 2 and n not in ignore}
                alias = {n: regions(rows) for n, rows in table[1].items() if n not in ignore and n not in full}
                for z in zones():
                    full[z.name] = (z.region,)
                    for f in z.forms:
                        if f != z.name:
                            alias[f] = (z.region,)
                ends = "".join(sorted({n[-1] for n in full}))
                lengths: dict[str, set[int]] = defaultdict(set)
                for n in full:
                    lengths[n[-2:]].add(len(n))
                _index_cache = _PlaceIndex(
                    full=full,
                    lengths={k: tuple(sorted(v, reverse=True)) for k, v in lengths.items()},
                    end_re=re.compile(f"[{re.escape(ends)}]"),
                    alias=alias,
                    alias_re=re.compile(_trie_pattern(alias)),
                )
    return _index_cache


def find_places(text: str, start: int = 0, end: int | None = None) -> list[PlaceMention]:
    """Every place named in text[start:end], in order; a name inside a longer one (福州 in 福州市) is not
    counted again. Full names are looked up where they may end (one dictionary probe per length), aliases
    with one compiled prefix-tree pattern: no per-name scan of the text."""
    idx = _place_index()
    end = len(text) if end is None else end
    found: dict[int, tuple[int, str, tuple[Region, ...]]] = {}  # start -> (end, name, regions): the longest
    full, lengths = idx.full, idx.lengths
    for m in idx.end_re.finditer(text, start + 1, end):
        e = m.end()
        for k in lengths.get(text[e - 2 : e], ()):
            s = e - k
            if s < start:
                continue
            regs = full.get(text[s:e])
            if regs:
                if s not in found or found[s][0] < e:
                    found[s] = (e, text[s:e], regs)
                break
    for m in idx.alias_re.finditer(text, start, end):
        s, e = m.span()
        if s not in found or found[s][0] < e:
            found[s] = (e, m.group(0), idx.alias[m.group(0)])
    out: list[PlaceMention] = []
    reach = -1
    for s in sorted(found):
        e, name, regs = found[s]
        if e <= reach:
            continue  # inside the previous, longer mention
        out.append(PlaceMention(name, s, e, regs))
        reach = max(reach, e)
    return out


def place_regions(name: str) -> tuple[Region, ...]:
    """The regions a written place name may be (full name, province / city alias, zone); () if unknown."""
    idx = _place_index()
    return idx.full.get(name) or idx.alias.get(name) or ()


# ---------------------------------------------------------------------------
# weighing mentions into a region


@dataclass(frozen=True)
class RegionVote:
    """A region inferred from weighted place mentions, with the mentions that support it."""

    region: Region
    support: tuple[tuple[PlaceMention, str, float], ...]  # (mention, where it was written, weight)


@lru_cache(maxsize=1)
def vote_weights() -> dict[str, float]:
    body = _places_conf().get("body", {})
    return {
        "title": float(body.get("weight_title", 3.0)),
        "signature": float(body.get("weight_signature", 3.0)),
        "page": float(body.get("weight_page", 2.0)),
        "body": float(body.get("weight_body", 1.0)),
        "cited": float(body.get("weight_cited", 0.5)),
    }


@lru_cache(maxsize=1)
def _vote_thresholds() -> tuple[float, float]:
    conf = _places_conf().get("body", {})
    return float(conf.get("min_weight", 2.0)), float(conf.get("min_share", 0.6))


def _pick(weights: dict[str, float], min_weight: float, min_share: float) -> str | None:
    if not weights:
        return None
    total = sum(weights.values())
    best = max(weights, key=lambda k: (weights[k], k))
    w = weights[best]
    if w + 1e-9 < min_weight or w + 1e-9 < min_share * total:
        return None
    return best


def vote_region(mentions: list[tuple[PlaceMention, str, float]], depth: int = 2,
                within: Region | None = None) -> RegionVote:
    """Province, then city (depth >= 2), then county (depth 3) most weight points to, each only when it has
    at least `min_weight` and `min_share` of the weight at its level (assets/places.toml); a mention that
    may be several regions (鼓楼区) splits its weight among them. `within` keeps only regions inside it
    (the agency's own partial place). Unsure levels stay empty: no guess."""
    min_w, min_s = _vote_thresholds()

    def inside(r: Region) -> bool:
        if within is None:
            return True
        return all(a is None or a == b for a, b in
                   ((within.province, r.province), (within.city, r.city), (within.county, r.county)))

    pool = [(m, where, w, tuple(r for r in m.regions if inside(r))) for m, where, w in mentions]
    pool = [p for p in pool if p[3]]

    def tally(attr: str, keep) -> dict[str, float]:
        out: dict[str, float] = defaultdict(float)
        for _m, _where, w, regs in pool:
            vals = {getattr(r, attr) for r in regs if keep(r) and getattr(r, attr)}
            for v in vals:
                out[v] += w / len(vals)
        return out

    province = _pick(tally("province", lambda r: True), min_w, min_s)
    if province is None:
        return RegionVote(_EMPTY, ())
    city = county = None
    if depth >= 2:
        city = _pick(tally("city", lambda r: r.province == province), min_w, min_s)
        if city is None and province in MUNICIPALITIES:
            city = province
    if depth >= 3 and city is not None:
        county = _pick(tally("county", lambda r: r.province == province and r.city == city), min_w, min_s)
    region = Region(province, city, county)
    support = tuple((m, where, w) for m, where, w, regs in pool
                    if any(r.province == province and (city is None or r.city in (city, None))
                           and (county is None or r.county in (county, None)) for r in regs))
    return RegionVote(region, support)
