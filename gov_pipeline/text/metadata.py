"""Report metadata from cleaned text: title, agency, region, year, kind, dates.

``extract_metadata(text, page_meta, sections)`` reads the CLEANED text of one
report (web chrome and doc-sharing wrappers removed; full-width digits,
brackets and colons normalised) plus the page metadata found by cleaning, and
returns a ``ReportMeta`` and a list of data-quality ``Issue`` objects;
``explain_metadata`` also returns the place names the region was read from
(``RegionEvidence``: which name, where).

Everything here is rule based; the vocabulary is data. Agency names are
``<place><function><suffix>`` (assets/agencies.toml: the suffixes of
governments, offices, committees, bureaus, centres; the national agencies;
the sentences that say who wrote a report). The place is cut with the
gazetteer (``regions.py``: jionlp plus assets/places.toml), and found in
running text with one compiled scan per report (``regions.find_places``).

Who the agency is, strongest evidence first: the title; a signature line; a
sentence saying who wrote the report (``…编制完成了本报告``, a byline with its
date); the page's 发布机构 field; whom to contact about the report; the page's
来源 field; then the body: the government of a place-only title
(``平潭综合实验区2020年…报告`` -> that place's 管委会 / 人民政府 / office as the
body names it), else the environmental bureaus the body names (grouped by
place), else a name written without its place (``市生态环境局``), else another
agency the body names at least twice. A name without its place takes the
title's place when the level word fits (``区管委会办公室`` + ``平潭综合实验区``).

The region: a named agency's own place decides alone (resolved by jionlp;
a name several places share takes the one the text's other places point to),
so a place named in passing (a ministry, another province) never overrides
it. A name without its place, or no agency at all, takes the province / city
/ county the text's place names point to (title and page fields weigh more
than the body, names inside 《》 less; ``regions.vote_region``), down to the
level its level word says, and only when one region clearly leads.

The agency key is ``<province>/<city>/<county>/<function>`` (empty parts
dropped). The environmental bureaus share the function ``生态环境`` so that
环保局 / 环境保护局 / 生态环境局 / …分局 / 环境保护厅 / 生态环境厅 of one place share
one key across the 2018–2019 rename; other agencies' function is their name
after the place with spellings unified (管理委员会 = 管委会, 人民政府 = 政府:
``福建省/福州市/平潭县/政府``). When the place cannot be resolved but is written,
the key is ``<place as written>/<function>``; a name with no place at all
(``省环保局``) has a key only when the text places it at its own level; a
national agency's key is its name.
"""
from __future__ import annotations

import bisect
import datetime as dt
import re
import tomllib
from collections import Counter
from dataclasses import dataclass

from .model import ADMIN_LEVELS, REPORT_KINDS, Issue, RegionEvidence, ReportMeta, Section
from .refdata import asset_path
from .regions import (
    MUNICIPALITIES, PlaceMention, Region, below_city_rules, find_places, place_name_start, place_regions, place_run,
    region_level, resolve_region, vote_region, vote_weights, zone_of,
)

__all__ = ["extract_metadata", "explain_metadata", "RegionEvidence", "YEAR_MIN", "YEAR_MAX"]

YEAR_MIN, YEAR_MAX = 2007, 2030

# ---------------------------------------------------------------------------
# Character normalisation (1:1, so offsets are unchanged). Cleaning already does
# most of this; repeating it keeps the stage correct on raw text too.
_NORM = str.maketrans(
    {
        **{chr(0xFF10 + i): str(i) for i in range(10)},
        "（": "(", "）": ")", "：": ":", "，": ",", "；": ";", "　": " ", "\xa0": " ",
        "﹝": "〔", "﹞": "〕", "［": "[", "］": "]", "？": "?", "！": "!",
    }
)

_NORM_RE = re.compile("[\uff10-\uff19（）：，；　\xa0﹝﹞［］？！]")
_NORM_MAP = {chr(k): v for k, v in _NORM.items()}


def _normalise(s: str) -> str:
    return _NORM_RE.sub(lambda m: _NORM_MAP[m.group(0)], s)


_CJK = "\u4e00-\u9fff"
_CJK_CHAR_RE = re.compile(f"[{_CJK}]")

# ---------------------------------------------------------------------------
# Agency names: <place><function><suffix>. The vocabulary is data (assets/agencies.toml); the place run
# before the suffix is cut with the gazetteer (regions.py).
AGENCIES_FILE = "agencies.toml"


def _load_vocab() -> dict:
    with asset_path(AGENCIES_FILE).open("rb") as fh:
        return tomllib.load(fh)


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


_VOCAB = _load_vocab()
_ENV, _GEN = _VOCAB["environment"], _VOCAB["general"]
# The environmental bureaus: …局 / …厅 / …局<县>分局 / …分局 (the 2018-2019 rename shares one key domain).
_AGENCY_SUFFIX_RE = re.compile(
    rf"(?:{_alt(_ENV['words'])})(?:{_alt(_ENV['ends'])})"
    rf"(?:(?P<mid>[{_CJK}]{{1,8}}?)分局)?"
    rf"|(?:{_alt(_ENV['words'])})分局"
)
_FULL_SUFFIXES = tuple(_ENV["full_words"])  # vs the short 环保
_ENV_DOMAIN = _ENV["key_domain"]
# Any other agency: a place, a function part, one of these suffixes.
_GEN_SUFFIX_AT_RE = re.compile(_alt(_GEN["suffixes"]))
_GEN_SUFFIX_END_RE = re.compile(f"(?:{_alt(_GEN['suffixes'])})$")
_GEN_NEED_FN = frozenset(_GEN["need_function"])
_GEN_MAX_FN = int(_GEN["max_function"])
_GEN_STOP_RE = re.compile(_alt(_GEN["function_stop"]))
_GEN_MODIFIER_RE = re.compile(_alt(_GEN["modifier_after"]))
_GEN_GOVERNMENT = frozenset(_GEN["government"])
_KEY_ALIASES = tuple((a, b) for a, b in _GEN["key_aliases"])
_ABBREVIATIONS = tuple((a, b) for a, b in _VOCAB.get("abbreviations", {}).get("pairs", []))
_NATIONAL_RE = re.compile(_alt(_VOCAB["national"]["names"]))
# The last character of a line that may be an agency's name (a signature): a suffix's, or a stamp's.
_SIG_LAST = frozenset("局厅章)") | {w[-1] for w in _GEN["suffixes"]} | {w[-1] for w in _VOCAB["national"]["names"]}
# A name written without its place starts with a level word (我区管委会办公室, 县人民政府).
_LEVEL_WORD_RE = re.compile(r"[我本]?(?P<lv>特别行政区|自治区|自治州|自治县|自治旗|地区|[省市区县旗州盟])")


@dataclass(frozen=True)
class _Cue:
    trigger: re.Pattern
    side: str  # "before" | "after"
    until: re.Pattern | None
    whole: bool
    rank: str  # "owner" (who wrote the report) | "contact" (whom to ask about it)


_CUES = tuple(
    _Cue(re.compile(c["trigger"]), c.get("side", "before"), re.compile(c["until"]) if c.get("until") else None,
         bool(c.get("whole", False)), c.get("rank", "owner"))
    for c in _VOCAB.get("cue", [])
)
_CUE_SPAN_MAX = 50
_CUE_STOP_RE = re.compile(r"[。;,，；:：!?！？、《》\n]")

_MID_BAD_RE = re.compile(r"[各和与及、]|所属|下属|直属|机关")
_ADMIN_TAIL_RE = re.compile(r"(?:特别行政区|自治区|自治州|地区|[省市区县旗州盟])$")
_PLACE_RUN_MAX = 16
_WS_RE = re.compile(r"\s+")
_STAMP_RE = re.compile(r"\(?盖章\)?$")
_FIELD_LABEL_RE = re.compile(r"^(?:标题|题目|文章标题|名称)\s*:\s*")
_TITLE_LEAD_RE = re.compile(r"^(?:关于)?(?:(?:19|20)\d{2}\s*年度?)?")

# Candidate priorities: where a name was found (the title, a signature line, a sentence saying who wrote the
# report, the page's 发布机构 field, whom to contact, the page's 来源 field, the body). The title outranks the
# signature: "XX县人民政府…年度报告" signed by its office is the government's report.
_P_TITLE, _P_SIGNATURE, _P_OWNER, _P_PUBLISHER, _P_CONTACT, _P_SOURCE, _P_BODY = 7, 6, 5, 4, 3, 2, 1
_CUE_PRIORITY = {"owner": _P_OWNER, "contact": _P_CONTACT}

# ---------------------------------------------------------------------------
# Titles and cover letters.
_TITLE_END_RE = re.compile(
    r"(?:年度报告|年报告|年报|总结|报告|工作情况|情况)(?:\([^()]{1,12}\))?$"
)
_TITLE_TOPIC_RE = re.compile(r"公开|年报|政务")
_TITLE_BAD_RE = re.compile(r"[。;!?:]")
_MARKER_RE = re.compile(
    r"^(?:[一二三四五六七八九十]+[、.．]|\([一二三四五六七八九十\d]+\)|\d+[、.．]|第[一二三四五六七八九十\d]+)"
)
_FILE_EXT_RE = re.compile(r"\.(?:docx?|pdf|wps|txt|html?)$", re.I)
_YEAR_IN_RE = re.compile(r"(?:19|20)\d{2}\s*年")
_LETTER_RE = re.compile(r"^关于")
_ADDRESSEE_RE = re.compile(
    rf"^[{_CJK}]{{2,24}}(?:政府|办公室|办公厅|政务办|公开办|管理办|局|委|厅|办|中心|小组)"
    rf"(?:[、,][{_CJK}]{{2,24}})*:$"
)
_ATTACH_RE = re.compile(r"^附\s*件\s*\d*\s*:?\s*(?P<t>.*)$")
_LETTER_FILLER_RE = re.compile(r"^(?:此报告|特此报告|此致|敬礼|请审阅|妥否,?请批示)[。.]?$")

# ---------------------------------------------------------------------------
# Dates and document numbers.
_CN_DIGITS = "〇○零一二三四五六七八九"
_CN_NUM = "一二三四五六七八九十"
_CN_DIGIT_VALUE = {"〇": 0, "○": 0, "零": 0, **{c: i for i, c in enumerate("一二三四五六七八九", 1)}}
_DATE_LINE_RE = re.compile(r"^(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日$")
_DATE_LINE_SEP_RE = re.compile(r"^(\d{4})[.\-/](\d{1,2})[.\-/](\d{1,2})$")
_CN_DATE_LINE_RE = re.compile(rf"^([{_CN_DIGITS}]{{4}})\s*年\s*([{_CN_NUM}]{{1,3}})\s*月\s*([{_CN_NUM}]{{1,3}})\s*日$")
_MONTH_LINE_RE = re.compile(rf"^(?:\d{{4}}|[{_CN_DIGITS}]{{4}})\s*年\s*(?:\d{{1,2}}|[{_CN_NUM}]{{1,3}})\s*月$")
_ISO_DATE_RE = re.compile(r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})")
_DOC_NO_HEAD_RE = re.compile(
    rf"^(?P<pre>[{_CJK}]{{1,10}}?)\s*[〔\[【(]\s*(?P<y>(?:19|20)\d{{2}})\s*[〕\]】)]\s*(?P<n>\d{{1,5}})\s*号(?P<rest>.*)$"
)
_DOC_NO_REST_OK_RE = re.compile(r"^\s*(?:(?:签发人|签发|密级|紧急程度|特急|加急|急件)\s*:?.*)?$")
_HEAD_LINES = 6

# ---------------------------------------------------------------------------
# Years.
_PERIOD_RE = re.compile(
    r"统计(?:期限|时间|期间|区间|时限|范围|时段|周期)[^。\n\d]{0,12}?((?:19|20)\d{2})\s*年"
    r"(?:[^。\n]{0,20}?(?:至|到|—|–|-|~)\s*((?:19|20)\d{2})\s*年)?"
)
_TABLE_YEAR_RE = re.compile(r"统计表\s*[(\[【]?\s*((?:19|20)\d{2})\s*年")
_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})\s*年")
_PLAN_AFTER_RE = re.compile(r"^\s*年?度?(?:的)?(?:工作)?(?:思路|计划|打算|安排|要点|目标|展望|设想)")
_BODY_YEAR_WINDOW = 1000

# ---------------------------------------------------------------------------
# Report kind.
_KIND_QUARTER_RE = re.compile(r"季度")
_KIND_HALF_RE = re.compile(r"半年")
_KIND_ANNUAL_RE = re.compile(
    r"年度报告|年报告|年报|年度[^。\n]{0,30}情况的?报告|公开[^。\n]{0,12}(?:工作|情况)的?报告"
)
_KIND_SUMMARY_RE = re.compile(r"总结")
_KIND_OPEN_RE = re.compile(r"政务公开|信息公开")
_KIND_OPEN_WORK_RE = re.compile(r"公开[^。\n]{0,6}(?:工作|情况)")
_STAT_TABLE_RE = re.compile(
    r"政府信息公开情况统计表|统计指标\s*\|?\s*单位|本年新收政府信息公开申请数量|本年制发件数|本年新制作数量"
)
_INTRO_RE = re.compile(r"现将[^。\n]{0,60}?(?:汇报|报告|总结|公布|发布)如下")
# What only an annual report under the Regulations says of itself: its statistics period, the article (第五十条)
# that requires it, "特向社会公布…年度报告".
_ANNUAL_HINT_RE = re.compile(
    r"本(?:年度)?报告[^。\n]{0,20}统计(?:期限|时限|期间|区间|时间)|条例[^。\n]{0,16}第五十条|公布[^。\n]{0,40}年度报告"
)
_TITLE_YEAR_RE = re.compile(r"(?<!\d)((?:19|20)\d{2})(?=\s*年|[\u4e00-\u9fff])")


@dataclass
class _Line:
    start: int
    end: int
    text: str  # stripped

    @property
    def compact(self) -> str:
        return _WS_RE.sub("", self.text)


@dataclass
class _Cand:
    name: str
    place: str  # place as written, incl. the 分局 middle part; a lone level word if generic
    generic: bool
    full_suffix: bool
    suffix: str  # everything after the place (the function part and the ending)
    priority: int
    pos: int  # where the name starts (in the text; -1 when read from a page field or a title string)
    kind: str = "env"  # "env" | "general" | "national"
    domain: str = _ENV_DOMAIN  # the agency's function, as in its key ("生态环境", "政府", "地方税务局")
    end: int = -1
    place_from_title: bool = False  # a name without its place that took the title's


# ---------------------------------------------------------------------------
# helpers


def _lines(text: str, start: int = 0, end: int | None = None) -> list[_Line]:
    out: list[_Line] = []
    end = len(text) if end is None else end
    pos = start
    for raw in text[start:end].splitlines(keepends=True):
        s = raw.strip()
        if s:
            lead = len(raw) - len(raw.lstrip())
            out.append(_Line(pos + lead, pos + lead + len(s), s))
        pos += len(raw)
    return out


def _plausible(year: int) -> bool:
    return YEAR_MIN <= year <= YEAR_MAX


def _make_date(y: int, m: int, d: int) -> dt.date | None:
    if not (YEAR_MIN <= y <= YEAR_MAX + 1):
        return None
    try:
        return dt.date(y, m, d)
    except ValueError:
        return None


def _cn_to_int(s: str) -> int | None:
    import cn2an  # lazy: only Chinese-numeral dates need it

    try:
        return int(cn2an.cn2an(s.replace("○", "〇").replace("零", "〇"), "smart"))
    except (ValueError, KeyError, TypeError):
        return None


def _parse_date_line(s: str) -> tuple[dt.date | None, bool]:
    """(full date or None, True if the line is a date line at all)."""
    s = re.sub(r"\s+", "", s)
    m = _DATE_LINE_RE.match(s) or _DATE_LINE_SEP_RE.match(s)
    if m:
        return _make_date(int(m[1]), int(m[2]), int(m[3])), True
    m = _CN_DATE_LINE_RE.match(s)
    if m:
        year = "".join(str(_CN_DIGIT_VALUE[c]) for c in m[1])
        month, day = _cn_to_int(m[2]), _cn_to_int(m[3])
        if month is None or day is None:
            return None, True
        return _make_date(int(year), month, day), True
    if _MONTH_LINE_RE.match(s):
        return None, True  # month only: not a full date, never guess a day
    return None, False


def _candidate(text: str, m: re.Match, priority: int) -> _Cand | None:
    """The environmental agency name ending in the suffix match `m`, with its place cut by the gazetteer."""
    start = m.start()
    k = start
    while k > 0 and start - k < _PLACE_RUN_MAX and _CJK_CHAR_RE.match(text[k - 1]):
        k -= 1
    run = text[k:start]
    generic = False
    ps = place_name_start(run) if len(run) >= 2 else None
    if ps is not None:
        place = run[ps:]
    else:
        tail = _ADMIN_TAIL_RE.search(run)
        if not tail:
            return None
        place, generic = tail.group(0), True
    suffix = m.group(0)
    mid = m.groupdict().get("mid")
    if mid:
        ok = not _MID_BAD_RE.search(mid) and (place_name_start(mid) == 0 or _ADMIN_TAIL_RE.search(mid))
        if not ok:
            suffix = suffix[: len(suffix) - len(mid) - 2]
            mid = None
    full = suffix.startswith(_FULL_SUFFIXES)
    return _Cand(
        name=place + suffix,
        place=place + (mid or ""),
        generic=generic,
        full_suffix=full,
        suffix=suffix,
        priority=priority,
        pos=start - len(place),
        end=start + len(suffix),
    )


def _key_domain(suffix: str) -> str:
    """The function part and ending of a name as its key shows it (管理委员会 = 管委会, 人民政府 = 政府)."""
    for a, b in _KEY_ALIASES:
        suffix = suffix.replace(a, b)
    return suffix


def _general_after(s: str, p0: int, p1: int, priority: int, generic: bool = False) -> _Cand | None:
    """The agency whose place is s[p0:p1] and whose function part and ending follow it, or None: the
    function part is at most max_function characters with no stop word, the ending one of the suffixes
    (assets/agencies.toml), and the name is not a modifier (…管委会门户网站)."""
    n = len(s)
    for k in range(_GEN_MAX_FN + 1):
        j = p1 + k
        if j >= n or not _CJK_CHAR_RE.match(s[j]):
            return None
        if k and _GEN_STOP_RE.search(s, p1, j):
            return None  # a phrase, not a name
        m = _GEN_SUFFIX_AT_RE.match(s, j)
        if m and (k or m.group(0) not in _GEN_NEED_FN):
            if _GEN_MODIFIER_RE.match(s, m.end()):
                return None
            place, suffix = s[p0:p1], s[p1 : m.end()]
            return _Cand(
                name=place + suffix, place=place, generic=generic, full_suffix=False, suffix=suffix,
                priority=priority, pos=p0, kind="general", domain=_key_domain(suffix), end=m.end(),
            )
    return None


def _general_in(s: str, priority: int, mentions: list[PlaceMention] | None = None) -> list[_Cand]:
    """Agencies other than environmental bureaus in `s`: after every run of place names written one after
    another (福州市 + 长乐区), a function part and a suffix."""
    out = []
    ms = find_places(s) if mentions is None else mentions
    i = 0
    while i < len(ms):
        j = i
        while j + 1 < len(ms) and ms[j + 1].start == ms[j].end:
            j += 1  # 福州市长乐区: one place
        c = _general_after(s, ms[i].start, ms[j].end, priority)
        if c is not None:
            out.append(c)
        i = j + 1
    return out


def _generic_general(s: str, priority: int, start: int = 0) -> _Cand | None:
    """A name written without its place, at s[start:]: a level word, then a function part and a suffix
    (区管委会办公室, 县人民政府)."""
    m = _LEVEL_WORD_RE.match(s, start)
    if not m:
        return None
    return _general_after(s, m.start("lv"), m.end("lv"), priority, generic=True)


def _national_at(s: str, priority: int, start: int = 0, whole: bool = False) -> _Cand | None:
    m = _NATIONAL_RE.match(s, start)
    if not m or (whole and m.end() != len(s)):
        return None
    return _Cand(name=m.group(0), place="", generic=False, full_suffix=False, suffix=m.group(0), priority=priority,
                 pos=m.start(), kind="national", domain=m.group(0), end=m.end())


def _overlaps(c: _Cand, others: list[_Cand]) -> bool:
    return any(o.pos < c.end and c.pos < o.end for o in others)


def _line_agency(line: str, priority: int) -> _Cand | None:
    """An agency name that is the whole line (a signature), else None."""
    if len(line) > 60 or line[-1] not in _SIG_LAST:
        return None
    s = _STAMP_RE.sub("", _WS_RE.sub("", line))
    if not s:
        return None
    m = _AGENCY_SUFFIX_RE.search(s)
    if m and m.end() == len(s):
        c = _candidate(s, m, priority)
        return c if c is not None and c.name == s else None
    if not _GEN_SUFFIX_END_RE.search(s):
        return None
    c = _national_at(s, priority, whole=True) or _generic_general(s, priority)
    if c is None:
        ms = find_places(s)
        if ms and ms[0].start == 0:
            c = next(iter(_general_in(s, priority, ms)), None)
    return c if c is not None and c.pos == 0 and c.end == len(s) else None


def _agencies_in(s: str, priority: int, offset: int = 0, general: bool = False) -> list[_Cand]:
    """Environmental bureaus named in `s`; with `general`, every other agency too (a national one only at the
    start), and a name without its place at the start of `s`."""
    out = []
    for m in _AGENCY_SUFFIX_RE.finditer(s):
        c = _candidate(s, m, priority)
        if c is not None:
            out.append(c)
    if general:
        lead = len(s) - len(s.lstrip(" 　"))
        extra = [c for c in (_national_at(s, priority, lead), _generic_general(s, priority, lead)) if c is not None]
        extra += _general_in(s, priority)
        out += [c for c in extra if not _overlaps(c, out)]
    for c in out:
        c.pos += offset
        c.end += offset
    return out


def _is_title(s: str) -> bool:
    end = _TITLE_END_RE.search(s)
    return (
        5 <= len(s) <= 80
        and end is not None
        and not _TITLE_BAD_RE.search(s)
        and not _MARKER_RE.match(s)
        and _TITLE_TOPIC_RE.search(s) is not None
        and not _ATTACH_RE.match(s)
        # "…情况" is a heading unless it names a year or an agency ("主动公开政府信息情况")
        and (not end.group(0).startswith(("工作情况", "情况")) or _stands_alone(s) or "年度" in s)
    )


def _is_title_head(s: str) -> bool:
    """The first half of a title broken over two lines ("2017年环保局")."""
    return (
        2 <= len(s) <= 40
        and not re.search(r"[\s。,;:!?、]", s)
        and not _MARKER_RE.match(s)
        and not _TITLE_END_RE.search(s)
        and not _DOC_NO_HEAD_RE.match(s)
        and not _parse_date_line(s)[1]
        and (_YEAR_IN_RE.search(s) is not None or _AGENCY_SUFFIX_RE.search(s) is not None or "关于" in s
             or _GEN_SUFFIX_END_RE.search(s) is not None)
    )


def _stands_alone(s: str) -> bool:
    """A title line that already names a year or an agency needs no first half."""
    return _YEAR_IN_RE.search(s) is not None or _AGENCY_SUFFIX_RE.search(s) is not None


def _title_line(s: str) -> str:
    """A head line as a title candidate: no field label (标题:), no file extension, no table pipes."""
    s = _FIELD_LABEL_RE.sub("", s.strip("|").strip())
    return _FILE_EXT_RE.sub("", s)


# ---------------------------------------------------------------------------
# structure: cover letter, title


@dataclass
class _Layout:
    report_start: int  # where the report proper starts (after a cover letter)
    cover: tuple[int, int] | None  # span of the cover letter
    letter_title: str | None
    attach_title: str | None
    title: str | None
    title_end: int  # where the body starts (after the title), == report_start if no title
    head_lines: list[_Line]


def _find_cover(text: str, lines: list[_Line], sections: list[Section] | None):
    """(report_start, cover span, letter title, attachment title)."""
    if sections:
        covers = [s for s in sections if s.kind == "cover_letter"]
        if covers:
            c0, c1 = min(s.char_start for s in covers), max(s.char_end for s in covers)
            attach = None
            for ln in _lines(text, c0, c1):
                am = _ATTACH_RE.match(ln.compact)
                if am and am.group("t"):
                    attach = _FILE_EXT_RE.sub("", am.group("t"))
            return c1, (c0, c1), _letter_title(lines, c0, c1), attach
    # Heuristic: an addressee line ("旗人民政府:") near the top, then 附件.
    addr = None
    for i, ln in enumerate(lines[:20]):
        if _ADDRESSEE_RE.match(ln.compact):
            addr = i
            break
    if addr is None:
        return 0, None, None, None
    for j in range(addr + 1, min(len(lines), addr + 80)):
        am = _ATTACH_RE.match(lines[j].compact)
        if not am:
            continue
        k = j + 1
        while k < len(lines) and (
            _line_agency(lines[k].text, _P_SIGNATURE)
            or _parse_date_line(lines[k].text)[1]
            or _LETTER_FILLER_RE.match(lines[k].compact)
        ):
            k += 1
        start = lines[k].start if k < len(lines) else len(text)
        attach = _FILE_EXT_RE.sub("", am.group("t")) or None
        return start, (0, start), _letter_title(lines, 0, start), attach
    # No 附件 line: the letter ends at its signature (agency line + date line).
    for j in range(addr + 1, min(len(lines) - 2, addr + 80)):
        if _line_agency(lines[j].text, _P_SIGNATURE) and _parse_date_line(lines[j + 1].text)[1]:
            start = lines[j + 2].start
            return start, (0, start), _letter_title(lines, 0, start), None
    return 0, None, None, None


def _letter_title(lines: list[_Line], c0: int, c1: int) -> str | None:
    inside = [ln for ln in lines if c0 <= ln.start < c1]
    for i, ln in enumerate(inside[:8]):
        if _LETTER_RE.match(ln.compact):
            t = ln.compact
            for nxt in inside[i + 1 : i + 3]:
                if _TITLE_END_RE.search(t) or _ADDRESSEE_RE.match(nxt.compact):
                    break
                t += nxt.compact
            return t
    return None


def _find_title(lines: list[_Line], start: int) -> tuple[str | None, int]:
    """(title, offset where the body starts) among the head lines from `start`."""
    head = [ln for ln in lines if ln.start >= start][:8]
    for i, ln in enumerate(head):
        s = _title_line(ln.compact)
        if not _CJK_CHAR_RE.search(s):
            continue  # a rule or a row of table pipes
        if _ADDRESSEE_RE.match(s) or _DOC_NO_HEAD_RE.match(s):
            continue
        nxt = head[i + 1] if i + 1 < len(head) else None
        if _is_title(s):
            if _LETTER_RE.match(s) and nxt is not None and _ADDRESSEE_RE.match(nxt.compact):
                continue  # the title of a letter, not of a report
            if i > 0 and not _stands_alone(s) and _is_title_head(head[i - 1].compact):
                return head[i - 1].compact + s, ln.end
            return s, ln.end
        if nxt is not None and _is_title_head(s):
            joined = s + _FILE_EXT_RE.sub("", nxt.compact)
            if _is_title(joined) and not _stands_alone(nxt.compact):
                if _LETTER_RE.match(joined):
                    continue
                return joined, nxt.end
        # one line holding "title body…" (wrappers removed, page breaks joined)
        chunk = ln.text.split(maxsplit=1)
        if len(chunk) == 2:
            first = _FILE_EXT_RE.sub("", chunk[0])
            if _is_title(first) and _stands_alone(first) and not _LETTER_RE.match(first):
                return first, ln.start + len(chunk[0])
        if len(ln.text) > 100 or "。" in ln.text:
            break  # body text reached
    return None, start


def _layout(text: str, sections: list[Section] | None, page_title: str | None) -> _Layout:
    lines = _lines(text)
    report_start, cover, letter_title, attach = _find_cover(text, lines, sections)
    title, title_end = _find_title(lines, report_start)
    if title is None and attach and _is_title(attach):
        title = attach
    if title is None and page_title:
        pt = _title_line(re.sub(r"\s+", "", page_title))
        if _is_title(pt):
            title = pt
    return _Layout(report_start, cover, letter_title, attach, title, title_end, lines)


# ---------------------------------------------------------------------------
# agency


def _signature_candidates(lines: list[_Line]) -> list[tuple[_Cand, int]]:
    """Whole-line agency names in signature position: (candidate, line index)."""
    out = []
    n = len(lines)
    for i, ln in enumerate(lines):
        c = _line_agency(ln.text, _P_SIGNATURE)
        if c is None:
            continue
        nxt = lines[i + 1].text if i + 1 < n else None
        if i >= n - 4 or (nxt is not None and _parse_date_line(nxt)[1]):
            c.pos, c.end = ln.start, ln.end
            out.append((c, i))
    return out


def _cue_candidates(text: str) -> list[_Cand]:
    """Agencies named where the report says who wrote it (assets/agencies.toml [[cue]]): 我区管委会办公室编制完成了
    本报告, 本报告由…编制, 请与…联系, a byline run into one line with its date."""
    out: list[_Cand] = []
    for cue in _CUES:
        for m in cue.trigger.finditer(text):
            if cue.side == "before":
                e = m.start()
                while e > 0 and text[e - 1] in " \t":
                    e -= 1
                b = e
                while b > 0 and e - b < _CUE_SPAN_MAX and not text[b - 1].isspace() and not _CUE_STOP_RE.match(
                        text[b - 1]):
                    b -= 1
            else:
                b = m.end()
                stop = _CUE_STOP_RE.search(text, b, b + _CUE_SPAN_MAX)
                lim = stop.start() if stop else min(len(text), b + _CUE_SPAN_MAX)
                u = cue.until.search(text, b, lim) if cue.until else None
                if cue.until is not None and u is None:
                    continue
                e = u.start() if u else lim
            if e - b < 2:
                continue
            cands = _agencies_in(text[b:e], _CUE_PRIORITY[cue.rank], offset=b, general=True)
            if cue.whole:
                cands = [c for c in cands if c.pos == b and c.end == e]
            elif cue.side == "before":
                cands = [c for c in cands if c.end == e]
            if cands:
                out.append(min(cands, key=lambda c: c.pos) if cue.side == "after" else max(cands, key=lambda c: c.end))
    return out


def _fuller(c: _Cand) -> tuple:
    return (len(c.place), c.full_suffix, "分局" in c.suffix, c.priority)


def _compatible(c: _Cand, anchor: _Cand) -> bool:
    return c.place.endswith(anchor.place) or anchor.place.endswith(c.place)


@dataclass(frozen=True)
class _TitlePlace:
    place: str  # as written at the start of the title (平潭综合实验区, 福州市长乐区)
    region: Region


def _title_place(title: str | None) -> _TitlePlace | None:
    """The place a title starts with (after 关于 / a year), when the gazetteer knows it."""
    if not title:
        return None
    t = title[_TITLE_LEAD_RE.match(title).end():]
    if place_name_start(t[:_PLACE_RUN_MAX]) != 0:
        return None
    place = t[: place_run(t, 0)]
    region = resolve_region(place)
    return _TitlePlace(place, region) if not region.is_empty else None


def _upgrade(c: _Cand, tp: _TitlePlace | None) -> _Cand:
    """A name written without its place (区管委会办公室) takes the title's place when the level word fits
    (平潭综合实验区 ends in 区): 平潭综合实验区管委会办公室."""
    if not c.generic or tp is None or not tp.place.endswith(c.place):
        return c
    return _Cand(name=tp.place + c.suffix, place=tp.place, generic=False, full_suffix=c.full_suffix, suffix=c.suffix,
                 priority=c.priority, pos=c.pos, kind=c.kind, domain=c.domain, end=c.end, place_from_title=True)


def _government_candidates(text: str, mentions: list[PlaceMention], tp: _TitlePlace) -> list[_Cand]:
    """Names of the title's place's own government (or its office) in the body: when a title names only a
    place (平潭综合实验区2020年…报告), the report is that government's."""
    own = [m for m in mentions if m.name == tp.place or tp.region in m.regions]
    out = []
    for m in own:
        c = _general_after(text, m.start, m.end, _P_BODY)
        if c is not None and c.suffix in _GEN_GOVERNMENT:
            out.append(c)
    return out


# what may stand before the subject of a sentence: its start, and a time phrase ("2022年,", "今年以来,")
_SUBJECT_BEFORE_RE = re.compile(
    r"(?:^|[。;!?\n])\s*(?:(?:[0-9]{4}年度?|今年|本年度?|今年以来|一年来|近年来)\s*[,，]?\s*)?$")


def _most_named(cands: list[_Cand], body_start: int) -> _Cand:
    counts = Counter(c.name for c in cands)

    def score(c: _Cand) -> tuple:
        early = body_start <= c.pos < body_start + 300
        return (counts[c.name] + 2 * early, -c.pos)

    return max(cands, key=score)


def _cited_test(text: str):
    """A function telling whether a position of `text` is inside 《…》 (a document title)."""
    if "《" not in text:
        return lambda pos: False
    opens = [m.start() for m in re.finditer("《", text)]
    closes = [m.start() for m in re.finditer("》", text)]

    def cited(pos: int) -> bool:
        k = bisect.bisect_left(opens, pos)
        if not k or pos < 0:
            return False
        j = bisect.bisect_left(closes, opens[k - 1])
        return j == len(closes) or closes[j] > pos

    return cited


def _same_words(suffix: str) -> str:
    """A suffix with abbreviations spelt out (环保局 = 环境保护局): the same name, shorter."""
    for short, full in _ABBREVIATIONS:
        suffix = suffix.replace(short, full)
    return suffix


def _choose_agency(cands: list[_Cand], body_start: int, tp: _TitlePlace | None = None,
                   government=None, general_body=None, cited=lambda pos: False,
                   subject_at=lambda pos: False) -> _Cand | None:
    """The report's own agency: the strongest named place (title > signature > owner sentence > page fields),
    else the government of a place-only title, else the body's environmental bureaus, else a name without a
    place, else another agency the body names at least twice. `government` and `general_body` are functions
    giving those body candidates (computed only when needed)."""
    cands = [_upgrade(c, tp) for c in cands]
    named = [c for c in cands if not c.generic]
    strong = [c for c in named if c.priority > _P_BODY]
    if strong:
        top = max(c.priority for c in strong)
        anchor = min((c for c in strong if c.priority == top), key=lambda c: c.pos)
        pool = [c for c in named if c.domain == anchor.domain and _compatible(c, anchor)]
        return max(pool, key=lambda c: (_fuller(c), -c.pos))
    gov = government() if government is not None else None
    if gov:
        return _most_named(gov, body_start)
    generic = [c for c in cands if c.generic]
    if named:
        groups: dict[str, list[_Cand]] = {}
        for c in named:
            key = next((k for k in groups if _compatible(c, groups[k][0])), c.place)
            groups.setdefault(key, []).append(c)

        def score(g: list[_Cand]) -> tuple:
            early = any(body_start <= c.pos < body_start + 300 for c in g)
            return (len(g) + 2 * early, -min(c.pos for c in g))

        best = max(groups.values(), key=score)
        if generic:
            # the report's own name for itself, written without its place, stays as written when the named
            # group is another name (省生态环境厅 vs 《辽宁省环境保护厅…》: renamed since) and is either only cited
            # in document titles or written less often
            own = [c for c in generic if c.priority not in (_P_PUBLISHER, _P_SOURCE)]  # not the page's fields
            if own:
                counts = Counter(c.name for c in own)
                gname, gn = counts.most_common(1)[0]
                g0 = min((c for c in own if c.name == gname), key=lambda c: c.pos)
                other = all(_same_words(c.suffix) != _same_words(g0.suffix) for c in best)
                if other and (gn > len(best) or all(cited(c.pos) for c in best)):
                    return g0
        anchor = best[0]
        pool = [c for c in named if _compatible(c, anchor)]
        return max(pool, key=lambda c: (_fuller(c), -c.pos))
    if generic:
        counts = Counter(c.name for c in generic)
        return max(generic, key=lambda c: (c.priority, counts[c.name], c.full_suffix, -c.pos))
    others = general_body() if general_body is not None else None
    if others:
        counts = Counter(c.name for c in others)
        # named twice, or once as the subject of an opening sentence ("2022年,某县市场监督管理局认真贯彻…")
        kept = [c for c in others if counts[c.name] >= 2 or (body_start <= c.pos < body_start + 400
                                                             and subject_at(c.pos))]
        if kept:
            return _most_named(kept, body_start)
    return None


_LEVEL_OF_WORD = {"省": "province", "自治区": "province", "特别行政区": "province", "市": "city", "州": "city",
                  "盟": "city", "地区": "city", "自治州": "city"}
_LEVEL_DEPTH = {"province": 1, "city": 2, "county": 3}


def _level_of_place_word(place: str) -> str:
    tail = _ADMIN_TAIL_RE.search(place)
    if not tail:
        return "unknown"
    return _LEVEL_OF_WORD.get(tail.group(0), "county")


def _admin_level(c: _Cand | None, region: Region) -> str:
    if c is None or c.kind == "national":
        return "unknown"  # a national agency: the levels have no national tier (yet)
    if c.generic:
        level = _level_of_place_word(c.place)
        if level == "city" and region.province in MUNICIPALITIES:
            return "province"  # 市生态环境局 of Beijing
        return level
    zone = zone_of(c.place)
    if zone is not None and "分局" not in c.suffix:
        return zone.level
    if c.suffix.endswith("厅"):
        return "province"
    if "分局" in c.suffix:
        return "county"
    if not region.is_empty and region.county is None and (
            _unresolved_district(c.place, region) or below_city_rules()[1].search(c.name[len(c.place):])):
        # 重庆市双桥经开区, 温州空港新区管委会: a district or zone the gazetteer does not know, below its city
        return "county"
    if not region.is_empty:
        return region_level(region)
    return _level_of_place_word(c.place)




def _unresolved_district(place: str, region: Region) -> bool:
    tail = _last_unit(place)
    return bool(tail) and tail not in (region.city, region.province) and bool(below_city_rules()[0].search(tail))


def _last_unit(place: str) -> str:
    """The lowest unit written in a place ("河北省某某市" -> "某某市", "益阳市安化" -> "安化")."""
    for k in range(len(place) - 2, -1, -1):
        if place[k] in "省市区县旗州盟":
            return place[k + 1 :]
    return place


def _agency_key(c: _Cand | None, region: Region, level: str) -> str | None:
    if c is None:
        return None
    if c.kind == "national":
        return c.name
    parts = list(region.parts())
    depth = 3 if region.county else 2 if region.city else 1 if region.province else 0
    if c.generic:
        # a name without its place gets a key only when the text placed it at its own level
        want = _LEVEL_DEPTH.get(_level_of_place_word(c.place), 9)
        return "/".join(parts + [c.domain]) if parts and depth >= want else None
    if not parts:
        return f"{c.place}/{c.domain}"
    tail = _last_unit(c.place)
    if _LEVEL_DEPTH.get(level, 0) > depth and tail and not any(p.startswith(tail) for p in parts):
        parts.append(tail)  # e.g. an unresolved 分局 or new district
    return "/".join(parts + [c.domain])


# ---------------------------------------------------------------------------
# region: the agency's own place first, then the title, then the body's place names


def _weighted_mentions(body: list[PlaceMention], title: str | None, pages: list[str],
                       cited) -> list[tuple[PlaceMention, str, float]]:
    w = vote_weights()
    out = []
    for m in body:
        where = "cited" if cited(m.start) else "body"
        out.append((m, where, w[where]))
    if title:
        out += [(PlaceMention(m.name, -1, -1, m.regions), "title", w["title"]) for m in find_places(title)]
    for p in pages:
        out += [(PlaceMention(m.name, -1, -1, m.regions), "page", w["page"]) for m in find_places(p)]
    return out


def _disambiguate(region: Region, mentions: list[tuple[PlaceMention, str, float]]) -> Region:
    """A place the gazetteer left without its province (鼓楼区: four cities have one) takes the option the
    text's other place names point to; unsure, it stays as it was."""
    lowest = region.county or region.city
    options = [r for r in place_regions(lowest) if r.province] if lowest else []
    if len(options) < 2:
        return options[0] if len(options) == 1 else region
    weight = Counter()
    for m, _where, w in mentions:
        provs = {r.province for r in m.regions if r.province}
        for p in provs:
            weight[p] += w / len(provs)
    ranked = sorted(options, key=lambda r: weight[r.province], reverse=True)
    if weight[ranked[0].province] > weight[ranked[1].province]:
        return ranked[0]
    return region


def _evidence(m: PlaceMention, where: str, region: Region) -> RegionEvidence:
    return RegionEvidence(m.name, where, m.start, m.end, "/".join(region.parts()))


def _region_of(agency: _Cand | None, mentions) -> tuple[Region, list[RegionEvidence]]:
    """The agency's region and where it was read. A named agency's own place decides alone (a place named in
    passing never overrides it); a name without its place, or no agency, takes what the text's place names
    point to (weighed in regions.vote_region), down to the level the name says. `mentions()` gives the text's
    weighted place names (computed only when needed)."""
    if agency is not None and agency.kind == "national":
        return Region(), []
    if agency is not None and not agency.generic:
        region = resolve_region(agency.name if agency.kind == "env" else agency.place)
        if not region.is_empty and region.province is None:
            region = _disambiguate(region, mentions())
        if region.is_empty:
            return region, []
        if agency.place_from_title:
            return region, [RegionEvidence(agency.place, "title", -1, -1, "/".join(region.parts()))]
        in_text = agency.priority not in (_P_TITLE, _P_PUBLISHER, _P_SOURCE) and agency.pos >= 0
        return region, [RegionEvidence(agency.place, "agency", agency.pos if in_text else -1,
                                       agency.end if in_text else -1, "/".join(region.parts()))]
    if agency is None:
        depth = 2
    else:
        depth = _LEVEL_DEPTH.get(_level_of_place_word(agency.place), 2)
    vote = vote_region(mentions(), depth=depth)
    return vote.region, [_evidence(m, where, vote.region) for m, where, _w in vote.support]


# ---------------------------------------------------------------------------
# year, kind, dates, doc number


def _body_year(text: str, start: int) -> int | None:
    window = text[start : start + _BODY_YEAR_WINDOW]
    counts: Counter[int] = Counter()
    first: dict[int, int] = {}
    for m in _YEAR_RE.finditer(window):
        y = int(m.group(1))
        if not _plausible(y):
            continue
        before, after = window[max(0, m.start() - 60) : m.start()], window[m.end() : m.end() + 60]
        lb = max(before.rfind("《"), before.rfind("》"))
        if lb >= 0 and before[lb] == "《" and "》" in after.split("《")[0]:
            continue  # inside a cited title
        if _PLAN_AFTER_RE.match(window[m.end() :]) or re.search(r"(?:下一步|明年|今后)[^。]{0,6}$", before):
            continue
        counts[y] += 1
        first.setdefault(y, m.start())
    if not counts:
        return None
    return max(counts, key=lambda y: (counts[y], -first[y]))


def _report_year(text: str, layout: _Layout) -> tuple[int | None, list[Issue]]:
    issues: list[Issue] = []
    evidence: tuple[int, str] | None = None
    for m in _PERIOD_RE.finditer(text):
        y = int(m.group(2) or m.group(1))
        if _plausible(y):
            evidence = (y, "statistics period")
            break
    if evidence is None:
        for m in _TABLE_YEAR_RE.finditer(text):
            y = int(m.group(1))
            if _plausible(y):
                evidence = (y, "statistics table title")
                break
    if evidence is None:
        y = _body_year(text, layout.title_end)
        if y is not None:
            evidence = (y, "body")
    title_year = None
    if layout.title:
        for m in _TITLE_YEAR_RE.finditer(layout.title):  # a title may drop the 年 (…局2021政务公开工作总结)
            if _plausible(int(m.group(1))):
                title_year = int(m.group(1))
                break
    if evidence is None:
        return title_year, issues
    year, source = evidence
    if title_year is not None and title_year != year:
        issues.append(
            Issue(
                "report_year_title_mismatch",
                "warning",
                f"title says {title_year}, {source} says {year}; using {year}",
            )
        )
    return year, issues


def _kind_of(s: str) -> str | None:
    if _KIND_QUARTER_RE.search(s):
        return "quarterly_report"
    if _KIND_HALF_RE.search(s):
        return "half_year_summary"
    if _KIND_ANNUAL_RE.search(s):
        return "annual_report"
    if _KIND_SUMMARY_RE.search(s):
        return "work_summary"
    return None


def _report_kind(text: str, layout: _Layout) -> str:
    if layout.title:
        kind = _kind_of(layout.title)
        if kind:
            return kind
        return "work_summary" if _KIND_OPEN_WORK_RE.search(layout.title) else "other"
    head = text[layout.title_end : layout.title_end + 400]
    intro = _INTRO_RE.search(text, layout.title_end, layout.title_end + 1500)
    probe = intro.group(0) if intro else head[:200]
    kind = _kind_of(probe)
    if kind:
        return kind
    if _STAT_TABLE_RE.search(text):
        return "annual_report"
    if _ANNUAL_HINT_RE.search(text, layout.title_end, layout.title_end + 1500):
        return "annual_report"
    if re.search(r"年度[^。\n]{0,10}(?:政府信息公开|政务公开)", probe):
        return "annual_report"
    if _KIND_OPEN_RE.search(head):
        return "work_summary"
    return "other"


def _published_on(page_meta: dict[str, str], lines: list[_Line]) -> dt.date | None:
    raw = (page_meta or {}).get("published_on")
    if raw:
        m = _ISO_DATE_RE.match(raw)
        if m:
            d = _make_date(int(m[1]), int(m[2]), int(m[3]))
            if d:
                return d
    if not lines:
        return None
    last, _ = _parse_date_line(lines[-1].text)
    if last:
        return last
    n = len(lines)
    for i in range(n - 2, -1, -1):
        if _line_agency(lines[i].text, _P_SIGNATURE) is None:
            continue
        for j in (i + 1, i + 2):
            if j < n:
                d, is_date = _parse_date_line(lines[j].text)
                if d:
                    return d
                if is_date:
                    break
    return None


def _doc_number(lines: list[_Line], layout: _Layout) -> str | None:
    heads = lines[:_HEAD_LINES]
    if layout.cover:
        c0 = layout.cover[0]
        heads = heads + [ln for ln in lines if ln.start >= c0][:_HEAD_LINES]
    for ln in heads:
        m = _DOC_NO_HEAD_RE.match(ln.text)
        if m and _DOC_NO_REST_OK_RE.match(m.group("rest")):
            return f"{m.group('pre')}〔{m.group('y')}〕{int(m.group('n'))}号"
    return None


# ---------------------------------------------------------------------------


def explain_metadata(
    text: str,
    page_meta: dict[str, str] | None = None,
    sections: list[Section] | None = None,
) -> tuple[ReportMeta, list[Issue], list[RegionEvidence]]:
    """extract_metadata, plus the place names the region was read from (which name, where)."""
    page_meta = page_meta or {}
    norm = _normalise(text)
    layout = _layout(norm, sections, page_meta.get("page_title"))
    lines = layout.head_lines

    cands: list[_Cand] = []
    for c, _ in _signature_candidates(lines):
        cands.append(c)
    pages = []
    for key, priority in (("publisher", _P_PUBLISHER), ("source", _P_SOURCE)):
        value = page_meta.get(key)
        if value:
            value = _normalise(value)
            pages.append(value)
            cands.extend(c for c in _agencies_in(value, priority, offset=-1, general=True)
                         if c.pos == -1 or c.kind != "national")  # a national name only as the whole field
    for t in (layout.title, layout.letter_title, layout.attach_title):
        if t:
            cands.extend(_agencies_in(t, _P_TITLE, offset=-1, general=True))
    for line in lines[:_HEAD_LINES]:  # a title over several lines: one of them the agency's name alone
        if line.text != layout.title and len(line.text) <= 40:
            cands.extend(c for c in _agencies_in(line.text, _P_TITLE, offset=-1, general=True) if c.name == line.text)
    if not any(c.priority >= _P_SIGNATURE and not c.generic for c in cands):
        cands.extend(_cue_candidates(norm))  # they cannot outrank a named title or signature
    cands.extend(_agencies_in(norm, _P_BODY))

    # the body's place names are looked for only when needed (a named agency's own place decides alone)
    memo: dict[str, list] = {}

    def body_places() -> list[PlaceMention]:
        if "places" not in memo:
            memo["places"] = find_places(norm)
        return memo["places"]

    tp = _title_place(layout.title)
    cited = _cited_test(norm)
    agency = _choose_agency(
        cands, layout.title_end, tp,
        government=(lambda: _government_candidates(norm, body_places(), tp)) if tp else None,
        general_body=lambda: _general_in(norm, _P_BODY, body_places()),
        cited=cited, subject_at=lambda pos: bool(_SUBJECT_BEFORE_RE.search(norm, max(0, pos - 16), pos)),
    )
    region, evidence = _region_of(agency, lambda: _weighted_mentions(body_places(), layout.title, pages, cited))
    level = _admin_level(agency, region)
    year, issues = _report_year(norm, layout)
    kind = _report_kind(norm, layout)
    assert level in ADMIN_LEVELS and kind in REPORT_KINDS

    meta = ReportMeta(
        title=layout.title,
        agency_name=agency.name if agency else None,
        agency_key=_agency_key(agency, region, level),
        admin_level=level,
        province=region.province,
        city=region.city,
        county=region.county,
        report_year=year,
        report_kind=kind,
        published_on=_published_on(page_meta, lines),
        doc_number=_doc_number(lines, layout),
        char_count=len(text),
        region_evidence=list(evidence),
    )
    if agency is not None and not agency.generic and agency.kind != "national" and region.is_empty:
        issues.append(Issue("agency_region_unresolved", "info", f"no region found for {agency.name}"))
    return meta, issues, evidence


def extract_metadata(
    text: str,
    page_meta: dict[str, str] | None = None,
    sections: list[Section] | None = None,
) -> tuple[ReportMeta, list[Issue]]:
    """Metadata of one report from its cleaned text; see the module docstring."""
    meta, issues, _evidence = explain_metadata(text, page_meta, sections)
    return meta, issues
