"""Report metadata from cleaned text: title, agency, region, year, kind, dates.

``extract_metadata(text, page_meta, sections)`` reads the CLEANED text of one
report (web chrome and doc-sharing wrappers removed; full-width digits,
brackets and colons normalised) plus the page metadata found by cleaning, and
returns a ``ReportMeta`` and a list of data-quality ``Issue`` objects.

Everything here is rule based: the pattern lists are module-level compiled
regexes, and the only lookups outside this module are the region gazetteer in
``regions.py`` (jionlp, lazily imported, cached per name).

The agency key is ``<province>/<city>/<county>/生态环境`` (empty parts dropped),
so that 环保局 / 环境保护局 / 生态环境局 / …分局 / 环境保护厅 / 生态环境厅 of one
place share one key across the 2018–2019 rename. When the place cannot be
resolved but is written, the key is ``<place as written>/生态环境``; a name with
no place at all (``省环保局``) has no key.
"""
from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from dataclasses import dataclass

from .model import ADMIN_LEVELS, REPORT_KINDS, Issue, ReportMeta, Section
from .regions import MUNICIPALITIES, Region, place_name_start, resolve_region

__all__ = ["extract_metadata", "YEAR_MIN", "YEAR_MAX"]

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
# Agency names. The place run before the suffix is cut with the gazetteer.
_AGENCY_SUFFIX_RE = re.compile(
    r"(?:生态环境保护|生态环境|环境保护|环保)(?:厅|局)"
    rf"(?:(?P<mid>[{_CJK}]{{1,8}}?)分局)?"
    r"|(?:生态环境|环境保护|环保)分局"
)
_FULL_SUFFIXES = ("生态环境保护", "生态环境", "环境保护")  # vs the short 环保
_MID_BAD_RE = re.compile(r"[各和与及、]|所属|下属|直属|机关")
_ADMIN_TAIL_RE = re.compile(r"(?:特别行政区|自治区|自治州|地区|[省市区县旗州盟])$")
_PLACE_RUN_MAX = 16
_WS_RE = re.compile(r"\s+")
_STAMP_RE = re.compile(r"\(?盖章\)?$")

# Candidate priorities: where a name was found.
_P_SIGNATURE, _P_SOURCE, _P_TITLE, _P_BODY = 4, 3, 2, 1

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
    suffix: str
    priority: int
    pos: int


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
    """The agency name ending in the suffix match `m`, with its place cut by the gazetteer."""
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
        pos=start,
    )


def _line_agency(line: str, priority: int) -> _Cand | None:
    """An agency name that is the whole line (a signature), else None."""
    if len(line) > 60 or line[-1] not in "局厅章)":
        return None
    s = _STAMP_RE.sub("", _WS_RE.sub("", line))
    m = _AGENCY_SUFFIX_RE.search(s)
    if not m or m.end() != len(s):
        return None
    c = _candidate(s, m, priority)
    if c is None or c.name != s:
        return None
    return c


def _agencies_in(s: str, priority: int, offset: int = 0) -> list[_Cand]:
    out = []
    for m in _AGENCY_SUFFIX_RE.finditer(s):
        c = _candidate(s, m, priority)
        if c is not None:
            c.pos += offset
            out.append(c)
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
        and (_YEAR_IN_RE.search(s) is not None or _AGENCY_SUFFIX_RE.search(s) is not None or "关于" in s)
    )


def _stands_alone(s: str) -> bool:
    """A title line that already names a year or an agency needs no first half."""
    return _YEAR_IN_RE.search(s) is not None or _AGENCY_SUFFIX_RE.search(s) is not None


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
        s = _FILE_EXT_RE.sub("", ln.compact)
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
        pt = _FILE_EXT_RE.sub("", re.sub(r"\s+", "", page_title))
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
            c.pos = ln.start
            out.append((c, i))
    return out


def _fuller(c: _Cand) -> tuple:
    return (len(c.place), c.full_suffix, "分局" in c.suffix, c.priority)


def _compatible(c: _Cand, anchor: _Cand) -> bool:
    return c.place.endswith(anchor.place) or anchor.place.endswith(c.place)


def _choose_agency(cands: list[_Cand], body_start: int) -> _Cand | None:
    named = [c for c in cands if not c.generic]
    if named:
        strong = [c for c in named if c.priority > _P_BODY]
        if strong:
            top = max(c.priority for c in strong)
            anchor = min((c for c in strong if c.priority == top), key=lambda c: c.pos)
        else:
            groups: dict[str, list[_Cand]] = {}
            for c in named:
                key = next((k for k in groups if _compatible(c, groups[k][0])), c.place)
                groups.setdefault(key, []).append(c)

            def score(g: list[_Cand]) -> tuple:
                early = any(body_start <= c.pos < body_start + 300 for c in g)
                return (len(g) + 2 * early, -min(c.pos for c in g))

            anchor = max(groups.values(), key=score)[0]
        pool = [c for c in named if _compatible(c, anchor)]
        return max(pool, key=lambda c: (_fuller(c), -c.pos))
    generic = [c for c in cands if c.generic]
    if not generic:
        return None
    counts = Counter(c.name for c in generic)
    return max(generic, key=lambda c: (c.priority, counts[c.name], c.full_suffix, -c.pos))


def _admin_level(c: _Cand | None, region: Region) -> str:
    if c is None:
        return "unknown"
    if c.suffix.endswith("厅"):
        return "province"
    if "分局" in c.suffix:
        return "county"
    if region.county:
        return "county"
    if region.city:
        if region.province in MUNICIPALITIES and region.city == region.province:
            return "province"  # a municipality's own bureau is province-level
        return "city"
    if region.province:
        return "province"
    tail = _ADMIN_TAIL_RE.search(c.place)
    if not tail:
        return "unknown"
    t = tail.group(0)
    if t in ("省", "自治区", "特别行政区"):
        return "province"
    if t in ("市", "州", "盟", "地区", "自治州"):
        return "city"
    return "county"


_LEVEL_DEPTH = {"province": 1, "city": 2, "county": 3}


def _last_unit(place: str) -> str:
    """The lowest unit written in a place ("河北省某某市" -> "某某市", "益阳市安化" -> "安化")."""
    for k in range(len(place) - 2, -1, -1):
        if place[k] in "省市区县旗州盟":
            return place[k + 1 :]
    return place


def _agency_key(c: _Cand | None, region: Region, level: str) -> str | None:
    if c is None or c.generic:
        return None
    parts = list(region.parts())
    if not parts:
        return f"{c.place}/生态环境"
    depth = 3 if region.county else 2 if region.city else 1
    if _LEVEL_DEPTH.get(level, 0) > depth:
        parts.append(_last_unit(c.place))  # e.g. an unresolved 分局 or new district
    return "/".join(parts + ["生态环境"])


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
        for m in _YEAR_RE.finditer(layout.title):
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


def extract_metadata(
    text: str,
    page_meta: dict[str, str] | None = None,
    sections: list[Section] | None = None,
) -> tuple[ReportMeta, list[Issue]]:
    """Metadata of one report from its cleaned text; see the module docstring."""
    page_meta = page_meta or {}
    norm = _normalise(text)
    layout = _layout(norm, sections, page_meta.get("page_title"))
    lines = layout.head_lines

    cands: list[_Cand] = []
    for c, _ in _signature_candidates(lines):
        cands.append(c)
    source = page_meta.get("source")
    if source:
        cands.extend(_agencies_in(_normalise(source), _P_SOURCE, offset=-1))
    for t in (layout.title, layout.letter_title, layout.attach_title):
        if t:
            cands.extend(_agencies_in(t, _P_TITLE, offset=-1))
    cands.extend(_agencies_in(norm, _P_BODY))
    agency = _choose_agency(cands, layout.title_end)

    region = resolve_region(agency.name) if agency and not agency.generic else Region()
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
    )
    if agency is not None and not agency.generic and region.is_empty:
        issues.append(Issue("agency_region_unresolved", "info", f"no region found for {agency.name}"))
    return meta, issues
