"""The open figure reader: every quantity the running text states, with the phrase it counts.

The catalogue rules of prose.py read the figures they know first; this reader then takes every number with a unit
that no rule read, in three steps that are the same for every phrasing:

1. **find** a figure: a number (Arabic or Chinese, 万, 近/约/余/多/左右) followed by a unit of `assets/figures.toml`
   ([units]); a number without a unit, a date, a year, a document or article number, a phone number, a time limit
   ("15个工作日"), an ordinal or a number inside 《…》 is never one ([never]);
2. **attach** the phrase it counts: the words before it back to the clause or enumeration boundary, with fillers
   stripped; when those words are only a verb ("开展3期在线访谈") the noun after it; through 分别 pairs
   ("微信、微博分别发布信息A条、B条" gives A to 微信 and B to 微博);
3. **classify** the phrase with the ordered families of `assets/figures.toml` into a catalogue code and
   dimensions whose values come from `assets/figure_dimensions.csv`; a phrase no family claims keeps the generic
   code ``other_figure`` and its label, so nothing a coder records is dropped.

Pure functions over strings: the caller (prose.extract_prose_metrics) owns positions already read, evidence spans
and the period qualifiers (as_of, cumulative).
"""
from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache

from .numbers import parse_number
from .refdata import asset_path, read_csv_rows

__all__ = ["Figure", "open_figures", "open_zeros", "classify", "label_of", "other_year", "breakdown_of", "channel_of",
           "opens_breakdown", "GENERIC_CODE", "BREAKDOWN_FAMILIES"]
# Families whose figures, listed after 其中, are a breakdown of the figure before 其中 and take its code
# ("主动公开信息400条,其中工作动态150条" is proactive_total category=news; "…,其中环境质量信息20条" a category of that
# total, not a release of its own; "行政权力219项,其中行政许可类9项" is not a publication count).
BREAKDOWN_FAMILIES = frozenset({"", "category", "channel", "proactive", "env_release"})

FIGURES_FILE = "figures.toml"
DIMENSIONS_FILE = "figure_dimensions.csv"
GENERIC_CODE = "other_figure"
_CN = "零〇一二两三四五六七八九十百千"
_CJK_RE = re.compile("[\u4e00-\u9fff]")
_IDIOM_UNITS = frozenset({"个", "项", "种", "类"})
_PERSON_UNITS = frozenset({"名", "位", "人"})
_NOUN_START = re.compile("[0-9]{3,6}[\u4e00-\u9fff]|[\u4e00-\u9fff]")  # a noun, or a hotline's number and its noun


@dataclass(frozen=True)
class Figure:
    """One figure found by the open reader (positions are offsets into the text handed in)."""

    num_start: int
    start: int  # the figure's phrase and number: start of the label (or of the number)
    end: int  # end of the unit (or of the label after it)
    code: str
    value: float | None
    unit: str | None
    dimension: str | None
    label: str
    approx: bool
    redacted: bool
    family: str = ""  # the family of assets/figures.toml that classified it ('' = none: the generic code)


@dataclass(frozen=True)
class _Family:
    name: str
    rx: re.Pattern
    code: str
    dims: tuple[str, ...]
    units: tuple[str, ...]
    require_dims: bool


@dataclass(frozen=True)
class _Conf:
    figure_rx: re.Pattern
    bare_wan_rx: re.Pattern
    bare_wan_after: re.Pattern
    after_unit: re.Pattern
    before_number: re.Pattern
    before_cn_numeral: re.Pattern
    after_enumeration: re.Pattern
    enumeration_kept: re.Pattern
    clause: re.Pattern
    lone_cn: re.Pattern
    strip_tail: re.Pattern
    strip_head: re.Pattern
    verb_only: re.Pattern
    boundary: re.Pattern
    right_not_noun: re.Pattern
    other_year: re.Pattern
    breakdown_opener: re.Pattern
    published: re.Pattern
    not_other_year: re.Pattern
    zero_rx: re.Pattern
    percent: frozenset[str]
    kinds: frozenset[str]
    families: tuple[_Family, ...]
    dims: dict[str, tuple[tuple[str, str], ...]]  # dimension -> ((alias, value), ...) longest alias first


def _alt(words) -> str:
    return "|".join(re.escape(w) for w in sorted(set(words), key=len, reverse=True))


@lru_cache(maxsize=1)
def _conf() -> _Conf:
    with asset_path(FIGURES_FILE).open("rb") as fh:
        d = tomllib.load(fh)
    units = d["units"]
    unit_alt = _alt(list(units["count"]) + list(units["percent"]))
    num = (rf"(?=[将接大超近约逾0-9xX{_CN}])(?<![0-9.xX{_CN}])(?P<pre>将近|接近|大约|超过|近|约|逾|超)?[ \t]?"
           rf"(?P<num>[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?(?![xX])|(?=[0-9xX]*[0-9])[0-9xX]+|[xX]{{1,4}}|[{_CN}]+)")
    figure = num + rf"[ \t]?(?P<wan>万|亿)?(?P<post>余|多)?[ \t]?(?P<unit>{unit_alt})(?P<post2>余|多|左右)?"
    bare_wan = num + r"[ \t]?(?P<wan>万)(?P<post>余|多)?(?![0-9元条件次人篇个项])"
    dims: dict[str, list[tuple[str, str]]] = {}
    for row in read_csv_rows(DIMENSIONS_FILE):
        for alias in row["aliases"].split("|"):
            if alias.strip():
                dims.setdefault(row["dimension"].strip(), []).append((alias.strip(), row["value"].strip()))
    families = tuple(
        _Family(f["name"], re.compile(f["label"]), f["code"], tuple(f.get("dims", ())), tuple(f.get("units", ())),
                bool(f.get("require_dims", False)))
        for f in d["family"]
    )
    never, phrase = d["never"], d["phrase"]
    return _Conf(
        figure_rx=re.compile(figure), bare_wan_rx=re.compile(bare_wan),
        bare_wan_after=re.compile(units["bare_wan_after"]),
        after_unit=re.compile(never["after_unit"]), before_number=re.compile(never["before_number"]),
        before_cn_numeral=re.compile(never["before_cn_numeral"]),
        after_enumeration=re.compile(never["after_enumeration"]), enumeration_kept=re.compile(never["enumeration_kept"]),
        clause=re.compile(never["clause"]), lone_cn=re.compile(never["lone_cn"]),
        strip_tail=re.compile(phrase["strip_tail"]), strip_head=re.compile(phrase["strip_head"]),
        verb_only=re.compile(phrase["verb_only"]), boundary=re.compile(phrase["boundary"]),
        zero_rx=re.compile(d["zero"]["pattern"]), right_not_noun=re.compile(phrase["right_not_noun"]),
        other_year=re.compile(phrase["other_year"]), not_other_year=re.compile(phrase["not_other_year"]),
        breakdown_opener=re.compile(phrase["breakdown_opener"]), published=re.compile(phrase["published"]),
        percent=frozenset(units["percent"]), kinds=frozenset(units["kinds"]), families=families,
        dims={k: tuple(sorted(v, key=lambda p: -len(p[0]))) for k, v in dims.items()},
    )


# ---------------------------------------------------------------------------------------------- classification
def _lookup(conf: _Conf, dimension: str, phrase: str) -> str | None:
    """The value of `dimension` the phrase names (longest alias first). A phrase naming several channels
    ("通过网站、报刊、新媒体等方式发布") is a total across them: no channel."""
    found = None
    for alias, value in conf.dims.get(dimension, ()):
        if alias in phrase:
            if dimension != "channel":
                return value
            if found is None:
                found = value
                phrase = phrase.replace(alias, "\0")
            elif value != found:
                return None
    return found


def opens_breakdown(sentence: str) -> bool:
    """A sentence that lists the parts of the figure before it (其中…, 按内容划分…)."""
    return bool(_conf().breakdown_opener.match(sentence))


def channel_of(phrase: str) -> str | None:
    """The channel a phrase names (assets/figure_dimensions.csv), or None."""
    return _lookup(_conf(), "channel", phrase)


def breakdown_of(phrase: str) -> str | None:
    """The category and channel a phrase names ("公开财政信息" → category=finance), as a dimension; None if neither."""
    conf = _conf()
    parts = [f"{dim}={v}" for dim in ("category", "channel") if (v := _lookup(conf, dim, phrase)) is not None]
    return ";".join(parts) or None


def classify(phrase: str, unit: str | None) -> tuple[str, str | None]:
    """(code, dimension) of the phrase a figure counts: the first family of assets/figures.toml that claims it."""
    return _classify(phrase, unit)[1:]


@lru_cache(maxsize=1 << 14)
def _classify(phrase: str, unit: str | None) -> tuple[str, str, str | None]:
    """(family, code, dimension); family '' for the generic code."""
    conf = _conf()
    is_pct = unit in conf.percent
    for fam in conf.families:
        if fam.units and ("percent" in fam.units) != is_pct:
            continue
        if not fam.units and is_pct and fam.name not in ("change", "digitisation"):
            continue
        if not fam.rx.search(phrase):
            continue
        parts = []
        for dim in fam.dims:
            value = _lookup(conf, dim, phrase)
            if value is not None:
                parts.append(f"{dim}={value}")
        if fam.require_dims and not parts:
            continue
        if fam.name == "change":
            if re.search("减少|下降|降低|少|降幅", phrase):
                parts.append("direction=decrease")
            else:
                parts.append("direction=increase")
        return fam.name, fam.code, ";".join(parts) or None
    return "", GENERIC_CODE, None


# ---------------------------------------------------------------------------------------------- attaching
def scan_back(work: str, lo: int, pos: int, stops: str) -> int:
    """The start of the stretch ending at pos: back to just after the last character of `stops`, or to lo."""
    i = pos
    while i > lo and work[i - 1] not in stops:
        i -= 1
    return i


def scan_forward(work: str, pos: int, hi: int, stops: str) -> int:
    """The end of the stretch starting at pos: up to the next character of `stops`, or to hi."""
    i = pos
    while i < hi and work[i] not in stops:
        i += 1
    return i


def _item_start(conf: _Conf, work: str, lo: int, pos: int) -> int:
    i = pos
    while i > lo and not conf.boundary.match(work, i - 1):
        i -= 1
    return i


_YEAR_RE = re.compile(r"(?<![0-9])((?:19|20)[0-9]{2})年")


def other_year(phrase: str, year: int | None) -> bool:
    """The phrase a figure counts names another, earlier year (2019年…, 上年…) and is no change or carry-over."""
    return _other_year(_conf(), phrase, year)


def _other_year(conf: _Conf, phrase: str, year: int | None) -> bool:
    if conf.not_other_year.search(phrase):
        return False
    if conf.other_year.search(phrase):
        return True
    return year is not None and any(int(y) < year for y in _YEAR_RE.findall(phrase))


def _clean_phrase(conf: _Conf, s: str) -> str:
    s = s.strip()
    if " " in s or "\t" in s:  # crawler text runs a heading into its sentence: the words after the last gap
        tail = s.split()[-1] if s.split() else ""
        if len(tail) >= 2:
            s = tail
    prev = None
    while prev != s:
        prev = s
        s = conf.strip_head.sub("", s).strip()
        s = conf.strip_tail.sub("", s).strip()
    return s


def _right_phrase(conf: _Conf, work: str, pos: int, hi: int) -> str:
    j = pos
    while j < hi and j - pos < 24 and not conf.boundary.match(work, j) and work[j] not in ")）":
        j += 1
    return _clean_phrase(conf, work[pos:j].lstrip("的为是"))


_QUOTED = (("《", "》"), ("“", "”"), ("「", "」"))
_CLAUSE_END = ",。;:!?\n|，；：！？"
_SENTENCE_END = "。!?\n！？"


def _in_title(work: str, lo: int, pos: int) -> bool:
    """Inside 《a title》 or a “quoted name or slogan” (“四项制度”, “五公开”)."""
    for a_mark, b_mark in _QUOTED:
        a = work.rfind(a_mark, lo, pos)
        if a >= 0 and work.find(b_mark, a, pos) < 0:
            return True
    return False


_RESPECTIVELY = "分别"


def _pair_label(conf: _Conf, work: str, c0: int, ns: int, figure_starts: list[int]) -> str | None:
    """The subject of a 分别 pair: "微信、微博分别发布信息A条、B条" → 微信发布信息 for A."""
    k = work.rfind(_RESPECTIVELY, c0, ns)
    if k < 0:
        return None
    subjects = [s for s in re.split(r"、|和|及|与", _clean_phrase(conf, work[c0:k])) if s]
    after = [p for p in figure_starts if k < p <= ns]
    if len(subjects) < 2 or not after:
        return None
    i = len(after) - 1
    if i >= len(subjects):
        return None
    first = after[0]
    verb = _clean_phrase(conf, work[k + len(_RESPECTIVELY):first]) if first > k else ""
    return subjects[i] + verb


def open_figures(work: str, claimed: set[int], lo: int = 0, hi: int | None = None,
                 year: int | None = None) -> list[Figure]:
    """Every figure of work[lo:hi] whose number position is not in `claimed` (sentence boundaries are the
    caller's: pass one sentence, or the whole text). year: the year the report covers, when known; a figure whose
    phrase names an earlier year is another year's and is left out."""
    conf = _conf()
    hi = len(work) if hi is None else hi
    matches = [m for m in conf.figure_rx.finditer(work, lo, hi)]
    if "万" in work:
        matches += [m for m in conf.bare_wan_rx.finditer(work, lo, hi)
                    if conf.bare_wan_after.search(work, max(lo, m.start() - 12), m.start())]
        matches.sort(key=lambda m: m.start("num"))
    starts = [m.start("num") for m in matches]
    out: list[Figure] = []
    seen: set[int] = set()
    prev_end = lo  # end of the figure before this one: a label never reaches back over it
    for m in matches:
        after, prev_end = min(prev_end, m.start()), max(prev_end, m.end())
        ns = m.start("num")
        if ns in claimed or ns in seen:
            continue
        seen.add(ns)
        raw, unit = m.group("num"), m.groupdict().get("unit")
        ms = m.start()
        if conf.before_number.search(work, max(lo, ms - 3), ms) or _in_title(work, max(lo, ms - 80), ms):
            continue
        if raw[0] in _CN and conf.before_cn_numeral.search(work, max(lo, ms - 1), ms):
            continue
        if conf.after_unit.match(work, m.end()):
            continue
        if (conf.after_enumeration.search(work, max(lo, ms - 1), ms) and m.end() < hi
                and _CJK_RE.match(work, m.end()) and not conf.enumeration_kept.match(work, m.start("unit"))):
            continue
        if not raw[0].isdigit() and conf.lone_cn.match(raw) and unit in ("个", "项", "条", "种", "批", "类", "次"):
            continue  # 一条, 一个, 两项: idioms
        c0, c1 = scan_back(work, lo, ms, _CLAUSE_END), scan_forward(work, m.end(), hi, _CLAUSE_END)
        if conf.clause.search(work, c0, c1):
            continue
        i0 = _item_start(conf, work, max(c0, after), ms)  # a label stops at the figure before it ("12大项58小项")
        if _other_year(conf, work[c0:ms], year):
            continue
        label = _pair_label(conf, work, c0, ns, starts) or _clean_phrase(conf, work[i0:ms])
        start, end = i0, m.end()
        # the noun right after the unit is what the figure counts ("梳理出12项重点任务", "收到5项依申请公开")
        right = ""
        if m.end() < c1 and _NOUN_START.match(work, m.end()) and not conf.right_not_noun.match(work, m.end()):
            right = _right_phrase(conf, work, m.end(), c1)
        elif not label or conf.verb_only.match(label):
            right = _right_phrase(conf, work, m.end(), c1)
        if right:
            end = m.end() + len(work[m.end():c1].split(right, 1)[0]) + len(right)
            label = f"{label}{right}"
        if not label and out and i0 == after and out[-1].end >= after and work[after:ms].strip() == "":
            label = out[-1].label  # "12大项58小项": the same phrase counted in another unit
        if not label and c0 > lo and work[c0 - 1] in ",，":
            # "按月发布空气质量通报,全年共12期": the clause before names what is counted
            p0 = scan_back(work, lo, c0 - 1, _CLAUSE_END)
            label = _clean_phrase(conf, work[p0:c0 - 1])
            start = p0
        label = label or work[i0:ms].strip()  # only fillers ("累计"): kept as written
        if not label:
            continue
        text = raw + (m.group("wan") or "")
        p = parse_number(text)
        if p.value is None and not p.is_redacted:
            continue
        value = p.value
        approx = bool(m.group("pre") or m.group("post") or m.groupdict().get("post2") or p.approx)
        if unit is not None and unit.startswith("万") and unit not in ("万元",):
            value = value * 10000 if value is not None else None
            unit = unit[1:]
        family, code, dimension = _classify(label, unit) if unit not in conf.kinds else ("", GENERIC_CODE, None)
        if family == "category":
            if conf.published.search(work, scan_back(work, lo, ms, _SENTENCE_END), ms):
                code = "proactive_total"  # a category of the items the sentence publishes
        if unit is None and code not in ("website_visits", "followers"):
            continue
        if conf.lone_cn.match(raw) and unit in _PERSON_UNITS and family != "staff":
            continue  # "组织一名负责人参加": 一名 is a figure only of the staff doing the work
        if not raw[0].isdigit() and code == GENERIC_CODE and unit in _IDIOM_UNITS and not raw[0] in "xX":
            continue  # 三个方面, 四项制度, 两种方式: a numeral with 个/项/种/类 needs a phrase the families know
        out.append(Figure(ns, start, end, code, value, unit, dimension, label, approx, p.is_redacted, family))
    return out


def label_of(work: str, a: int, b: int) -> str:
    """The phrase a figure read by a catalogue rule counts (work[a:b] is the rule's match): the words before its
    number, or after it when those are only a verb; the match itself for a zero stated in words."""
    conf = _conf()
    m = conf.figure_rx.search(work, a, b)
    if m is None:
        return _clean_phrase(conf, work[a:b])
    left = _clean_phrase(conf, work[a:m.start()])
    if left and not conf.verb_only.match(left):
        return left
    return left + _clean_phrase(conf, work[m.end():b])


def open_zeros(work: str, lo: int = 0, hi: int | None = None) -> list[Figure]:
    """Zeros stated in words ("未作出行政强制措施", "没有收到举报投诉"): value 0, the whole phrase as label."""
    conf = _conf()
    if not any(w in work for w in ("未", "没有", "无", "零")):
        return []
    out = []
    for m in conf.zero_rx.finditer(work, lo, len(work) if hi is None else hi):
        noun = _clean_phrase(conf, m.group("noun") or m.group("zero_noun") or "")  # 未发生X / 零X
        c0 = scan_back(work, lo, m.start(), _CLAUSE_END)
        if conf.figure_rx.search(work, c0, m.start()):
            continue  # "1件由于…未收到…": the clause counts something; the negation describes it
        family, code, dimension = _classify(work[max(c0, m.start() - 8):m.start()] + (m.group("verb") or "") + noun,
                                            None)
        if len(noun) < 2 and code == GENERIC_CODE:
            continue  # "上年无结转" says what is zero without a noun; "未发生" alone does not
        if family in ("proactive", "channel", "category"):
            family, code, dimension = "", GENERIC_CODE, None  # "未发生因公开不当…的情况" counts no publication
        out.append(Figure(m.start(), m.start(), m.end(), code, 0.0, None, dimension, m.group(0), False, False, family))
    return out
