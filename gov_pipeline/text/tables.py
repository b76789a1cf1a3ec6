"""Statistics-table extraction for the three generations of disclosure tables.

* ``table_2014`` – the 2014–2018 national 统计表 (统计指标 | 单位 | 统计数) and the local tables with a year
  column and a 历年累计 column (指标名称 | 计量单位 | 2012年度 | 历年累计);
* ``table_2019`` / ``table_2021`` – the official formats: Table A (第二十条 blocks),
  Table B (申请 grid, 7 applicant columns) and Table C (复议/诉讼, 5+5+5 columns).

The text handed in is cleaned text (ASCII digits, ``()``, ``:``, ``|``). Tables
arrive flattened in several shapes (docs §2): pipe rows (A), one cell per line
with lone ``|``/``||`` lines (B), space-separated rows with signed changes and
in-cell units (C), Table B rows carrying their parent label (D), Table C as a
vertical header followed by one line of 15 numbers (E), ``pdftotext -layout``
pages (labels wrapped over two or three lines, cells aligned by column position,
empty cells left blank) and crawler text, where a whole table sits on one line and
the cells of a row are fused with no separator (``规章000行政规范性文件1213400``).
The parser treats the text as a *stream of cells*: a recognised row label starts a
row and the value cells that follow it (on the same line or, for shape B, on the
next lines) are its values, until the next text cell. A long line is read as a
table only from a table's own header words on (``_FUSED_HINT_RE``), a short one
when digits are glued to its label; there the line is cut into text pieces and
digit runs (digits inside brackets are text; a digit run followed by ``.``/``、``
and text ends with the next row's ordinal; four text pieces in a row that are no
table end it). A label wrapped over lines is put together again: the rest of a
bracket it left open, a last line that holds the cells (maybe behind its group's
label in the column to its left, after a wide gap), or the lines before it that
were no label on their own.

Python holds the shape parsing; the label → metric map is data in
``assets/table_rows.csv`` (era, block, label_pattern, metric_code, dimension, unit):

* ``label_pattern`` is a regex matched in full against the normalised label
  (bracketed guidance removed, also a bracket a wrapped line left open, quotes and
  spaces removed, ``1、`` → ``1.``), after any ordinal prefix (``一、`` ``(一)``
  ``1.`` ``其中:``). A pattern that starts with ``^`` is matched against the label
  *including* its ordinal (``^(七)总计`` so a bare 总计 column header is not a row).
  In a fused line the label is the text piece's tail that starts after an ordinal
  or a column header (``…现行有效件数规章``), a unit after it (``主动公开信息数条``) is
  the row's unit;
* consecutive CSV rows with the same era/block/label_pattern are the row's value
  columns, in order (Table A: 本年新制作/本年新公开/对外公开总数量 …);
* a row with an empty ``metric_code`` is a title/group row: it only sets the block
  context and counts as a table title;
* blocks starting with ``B`` are expanded over the 7 Table B columns (6 applicant
  types + 总计 = no applicant), block ``C`` over the 5 Table C columns (维持,
  纠正, 其他, 尚未审结, 总计 = the row's own dimension); a label-less run of 15
  numbers after a Table C header is mapped by position over the C rows in CSV
  order (复议 5 + 直接起诉 5 + 复议后起诉 5);
* a 2014 table whose header has a 历年累计 column gives every row two cells: the
  year's figure (the row's code) and the cumulative one (qualifier ``cumulative``;
  ``proactive_total`` → ``proactive_cumulative``, the catalogue's stock code): the
  stock never stands in for the year's figure;
* when a label matches rows of several blocks, the current block wins (the 2014
  维持/纠错/其他 sub-rows under 行政复议, 行政诉讼, 举报投诉).

Fused cells are split with the table's own identities, never guessed. The
candidate splits of a row's digit runs are enumerated (every cell a non-negative
integer without a leading zero, a count never negative, a sign or a decimal part
only where printed, whitespace and signs are cell boundaries; the search has a
budget per row and per text, beyond which the row is not read) and kept only
when they satisfy the row's identities: Table B's six applicant columns sum to
the 总计 column, each Table C group's four parts sum to its 总计, a 历年累计 cell
is at least the year's cell, 对外公开总数量 at least 本年新公开数量, 上一年项目数量
plus 本年增/减 is not negative. Rows left with several candidates are then solved
together with the identities between rows: per Table B column, 本年新收 + 上年结转 =
(七)总计 + 结转下年度, (七)总计 = the result rows (a result's reason rows standing in
for it), a group row = its reason rows; a 2014 ``其中`` sub-row is at most its parent
row. Identities that no combination satisfies (a publisher's error: the printed
figures are kept as printed, the consistency rules report them) are dropped, one
family at a time. A cell all remaining solutions agree on is read; when several
solutions remain, a figure the report's own prose states for the cell's metric
(an alias of the catalogue within a clause, outside the table, two digits or
more: ``本年度制发规范性文件12件``) keeps the solutions that agree with the most
such figures; a cell still disputed is not emitted and the row reports
``table_row_ambiguous`` with the readings left.

Rules: blank / ``-`` / ``—`` / ``/`` / ``无`` cells give a Metric with value None;
money in 元 becomes 万元; a row with fewer cells than columns is aligned by the
cells' column positions when other rows of its table show them (pdftotext
``-layout``), otherwise it keeps only its last value (the 总计 / last column) and
reports ``table_row_ambiguous``; a table is accepted only when its segment has a
recognisable title or header and several rows with numeric cells, so prose is
never read as a table. Every Metric carries ``label``, the row label as printed.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from .model import Issue, Layout, Metric, Section, TableCell, TableLayout, grid_lines
from .numbers import is_redacted_token
from .refdata import read_csv_rows

try:  # shared number parser (another engineer's module)
    from .numbers import parse_number as _shared_parse_number
except ImportError:  # pragma: no cover - only before numbers.py existed
    _shared_parse_number = None

__all__ = ["TABLE_ERAS", "TableRead", "detect_table_era", "extract_table_metrics", "read_tables", "table_era_evidence"]

TABLE_ERAS = ("table_2014", "table_2019", "table_2021")
TABLE_ROWS_CSV = "table_rows.csv"
TABLE_COLUMNS_CSV = "table_columns.csv"

_DIM_ORDER = ("channel", "applicant", "result", "reason", "route", "timeliness", "doc_type", "item", "principal")
_DIM_RANK = {k: i for i, k in enumerate(_DIM_ORDER)}

# Column templates (shape knowledge, not label knowledge).
_B_COLUMNS = (
    "applicant=natural_person", "applicant=commercial", "applicant=research",
    "applicant=public_interest", "applicant=legal_service", "applicant=other_org", None,
)
_C_COLUMNS = ("result=upheld", "result=corrected", "result=other", "result=pending", None)

# ---------------------------------------------------------------- era detection
_ERA_2021 = re.compile(r"本年制发件数")
_ERA_2019 = re.compile(r"本年新制作数量|采购项目数量")
_ERA_2014 = re.compile(r"统计指标\|?单位\|?统计数|政府信息公开情况统计表")
_ERA_2014_ROW = re.compile(r"(?:^|\|)[ \t]*(?:\(一\)|一、)?[ \t]*收到申请数[ \t]*(?:\||件|\d|$)", re.M)
_ERA_2021_WEAK = re.compile(r"本年废止件数|现行有效件数|本年收费金额")
_ERA_2019_WEAK = re.compile(r"本年新公开数量|对外公开总数量|上一年项目数量|采购总金额|其他对外管理服务事项")
_ERA_B_OR_C = re.compile(
    r"本年新收政府信息公开申请数量|上年结转政府信息公开申请数量|本年度办理结果|结转下年度继续办理"
    r"|未经复议直接起诉|复议后起诉|尚未审结"
)
_ERA_PREFILTER = ("制发件数", "新制作", "采购", "统计", "收到申请数", "废止件数", "现行有效", "收费金额",
                  "新公开数量", "公开总数量", "项目数量", "对外管理", "申请数量", "办理结果", "继续办理",
                  "起诉", "尚未审结")


def detect_table_era(text: str, report_year: int | None = None) -> str | None:
    """'table_2014' | 'table_2019' | 'table_2021' | None, from the table headers (docs §7.7): table_era_evidence's era."""
    return table_era_evidence(text, report_year)[0]


def table_era_evidence(text: str, report_year: int | None = None) -> tuple[str | None, bool]:
    """The table generation the text shows, and whether a table's own headers show it.

    本年制发件数 → 2021; 本年新制作数量 / 采购项目数量 → 2019; 统计指标/单位/统计数, the 统计表 title or a
    收到申请数 row → 2014: headers (True). Then weaker column headers, and a lone Table B / C dated by report_year
    (≥ 2021 → 2021, else 2019): words that prose uses too (本年度办理结果, 结转下年度继续办理…), so they name a
    generation only where a table was read (False).
    """
    if not text or not any(k in text for k in _ERA_PREFILTER):
        return None, False
    compact = "".join(text.split())
    if _ERA_2021.search(compact):
        return "table_2021", True
    if _ERA_2019.search(compact):
        return "table_2019", True
    if _ERA_2014.search(compact) or _ERA_2014_ROW.search(text):
        return "table_2014", True
    if _ERA_2021_WEAK.search(compact):
        return "table_2021", False
    if _ERA_2019_WEAK.search(compact):
        return "table_2019", False
    if _ERA_B_OR_C.search(compact):
        return ("table_2021" if report_year is not None and report_year >= 2021 else "table_2019"), False
    return None, False


# ---------------------------------------------------------------- label data
_ORD = r"(?:[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|\d{1,2}\.|其中:)"
_GUIDANCE_RE = re.compile(r"\((?![一二三四五六七八九十]{1,3}\)|\d{1,2}\))[^()]*\)")
# a bracket a wrapped line leaves open: "(二)部分公开(区分处理的,只计这一情" (pdftotext -layout)
_OPEN_TAIL_RE = re.compile(r"\((?![一二三四五六七八九十]{1,3}\)|\d{1,2}\))[^()]*$")
_QUOTES_RE = re.compile(r"[“”\"‘’'「」『』]")
_ORD_PUNCT_RE = re.compile(r"(?<!\d)(\d{1,2})(?:[、．]|(?=[\u4e00-\u9fff]))")
_SEGMENT_RE = re.compile(r"(?=[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|(?<!\d)\d{1,2}\.(?!\d)|其中:)")
# where a row label may start inside a fused text piece: after a column header's last word
_HEADER_END_RE = re.compile(r"数量|件数|金额|增/?减|累计|统计数|年度|单位|信息内容|总计|其他|情况")
_SUFFIX_SPAN = 80  # a row label (with its ordinals) is never longer


@dataclass(frozen=True)
class _Col:
    code: str
    dimension: str | None
    unit: str | None
    qualifier: str | None = None  # 'cumulative' for a 历年累计 column
    label: str | None = None  # the printed label, for cells mapped by position (Table C's 15-number line)


@dataclass(frozen=True)
class _Group:
    """One table row label: its block and value columns (empty = title/group row)."""

    era: str
    block: str
    pattern: str
    regex: re.Pattern
    cols: tuple[_Col, ...]


def _merge_dims(*dims: str | None) -> str | None:
    pairs: dict[str, str] = {}
    for d in dims:
        if not d:
            continue
        for part in d.split(";"):
            k, _, v = part.partition("=")
            pairs[k.strip()] = v.strip()
    if not pairs:
        return None
    keys = sorted(pairs, key=lambda k: _DIM_RANK.get(k, len(_DIM_RANK)))
    return ";".join(f"{k}={pairs[k]}" for k in keys)


def _template(block: str) -> tuple[str | None, ...] | None:
    if block.startswith("B"):
        return _B_COLUMNS
    if block == "C":
        return _C_COLUMNS
    return None


@lru_cache(maxsize=None)
def _era_groups(era: str) -> tuple[_Group, ...]:
    ordered: dict[tuple[str, str], list[_Col]] = {}
    for r in read_csv_rows(TABLE_ROWS_CSV):
        if (r.get("era") or "").strip() != era:
            continue
        key = ((r.get("block") or "").strip(), (r.get("label_pattern") or "").strip())
        cols = ordered.setdefault(key, [])
        code = (r.get("metric_code") or "").strip()
        if code:
            cols.append(_Col(code, (r.get("dimension") or "").strip() or None, (r.get("unit") or "").strip() or None))
    groups = []
    for (block, pat), cols in ordered.items():
        tmpl = _template(block)
        if tmpl and cols:
            cols = [_Col(c.code, _merge_dims(c.dimension, t), c.unit) for c in cols for t in tmpl]
        if pat.startswith("^"):
            rx = re.compile(pat[1:])
        else:
            rx = re.compile(f"{_ORD}*(?:{pat})")
        groups.append(_Group(era, block, pat, rx, tuple(cols)))
    return tuple(groups)


@lru_cache(maxsize=None)
def _titles(era: str) -> tuple[tuple[_Group, re.Pattern], ...]:
    """The era's explicit block titles (``^第二十条第\\(一\\)项``), searched for inside a fused text piece."""
    return tuple((g, g.regex) for g in _era_groups(era) if not g.cols and g.pattern.startswith("^"))


def _printed(pattern: str) -> str:
    """A row pattern's plainest printed form ('(?:行政诉讼)?未经复议直接起诉' -> '未经复议直接起诉')."""
    return re.sub(r"\(\?:[^()]*\)\?|[\^\\?]", "", pattern)


@lru_cache(maxsize=None)
def _c_positional(era: str) -> tuple[_Col, ...]:
    return tuple(replace(c, label=_printed(g.pattern)) for g in _era_groups(era) if g.block == "C" for c in g.cols)


@lru_cache(maxsize=None)
def _has_children(era: str, g: _Group) -> bool:
    """Whether other rows of the era break this row down (a group row: 不予公开, 收到申请数)."""
    if not g.cols:
        return True
    code, dim = g.cols[-1].code, set((g.cols[-1].dimension or "").split(";")) - {""}
    for other in _era_groups(era):
        if other is g or not other.cols or other.cols[-1].code != code:
            continue
        odim = set((other.cols[-1].dimension or "").split(";")) - {""}
        if dim < odim:
            return True
    return False


@lru_cache(maxsize=None)
def _b_results(era: str) -> dict[str, tuple[str, ...]]:
    """Table B's result rows (result= value → its reason= rows) as the era's rows name them."""
    out: dict[str, list[str]] = {}
    for g in _era_groups(era):
        if not g.block.startswith("B") or not g.cols or g.cols[-1].code != "requests_resolved":
            continue
        dim = dict(p.split("=", 1) for p in (g.cols[-1].dimension or "").split(";") if "=" in p)
        if "result" not in dim:
            continue
        reasons = out.setdefault(dim["result"], [])
        if "reason" in dim:
            reasons.append(dim["reason"])
    return {k: tuple(v) for k, v in out.items()}


@lru_cache(maxsize=None)
def _cumulative_col(col: _Col) -> _Col:
    """The 历年累计 cell of a row: the catalogue's stock code where it has one (x_total → x_cumulative)."""
    code = col.code
    try:
        from .catalog import load_catalog

        if code.endswith("_total") and f"{code[:-6]}_cumulative" in load_catalog():
            code = f"{code[:-6]}_cumulative"
    except (FileNotFoundError, KeyError, ValueError):  # pragma: no cover - catalogue missing
        pass
    return _Col(code, col.dimension, col.unit, "cumulative")


@lru_cache(maxsize=1 << 14)
def _normalise_label(raw: str) -> str:  # cached: the same row labels recur in every report of an era
    s = _QUOTES_RE.sub("", raw)
    prev = None
    while prev != s:
        prev, s = s, _GUIDANCE_RE.sub("", s)
    s = _OPEN_TAIL_RE.sub("", s)
    s = "".join(s.split())
    s = s.replace("：", ":")
    return _ORD_PUNCT_RE.sub(r"\1.", s)


def _norm_index(raw: str) -> list[int] | None:
    """For each character of _normalise_label(raw), its index in raw (None if the two ever disagree)."""
    chars = [(c, i) for i, c in enumerate(raw) if not _QUOTES_RE.match(c)]
    while True:
        s = "".join(c for c, _ in chars)
        spans = [m.span() for m in _GUIDANCE_RE.finditer(s)]
        if not spans:
            break
        drop = {k for a, b in spans for k in range(a, b)}
        chars = [x for k, x in enumerate(chars) if k not in drop]
    m = _OPEN_TAIL_RE.search("".join(c for c, _ in chars))
    if m:
        chars = chars[:m.start()]
    chars = [(("：" == c and ":") or c, i) for c, i in chars if not c.isspace()]
    s = "".join(c for c, _ in chars)
    out: list[tuple[str, int]] = []
    k = 0
    for m in _ORD_PUNCT_RE.finditer(s):
        out.extend(chars[k:m.end(1)])
        out.append((".", chars[m.end(1) - 1][1]))
        k = m.end()
    out.extend(chars[k:])
    if "".join(c for c, _ in out) != _normalise_label(raw):  # pragma: no cover - kept in step with the above
        return None
    return [i for _, i in out]


@lru_cache(maxsize=8192)
def _candidates(era: str, label: str) -> tuple[_Group, ...]:
    return tuple(g for g in _era_groups(era) if g.regex.fullmatch(label))


# ---------------------------------------------------------------- cells
_VALUE_RE = re.compile(
    r"(?:[+\-−－＋]|增加?|减少?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|元|人次|件|条|项|个|次|人|篇)?"
)
_BLANK_RE = re.compile(r"[-—–－/／─]+|无")
_UNIT_RE = re.compile(r"万元|元|人次|件|条|项|个|次|人|篇")
_TAIL_UNIT_RE = re.compile(r"\s*(万元|元|人次|件|条|项|个|次|人|篇)\s*$")
_NUM_PART_RE = re.compile(
    r"(?P<sign>[+\-−－＋]|增加?|减少?)?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>万元|元|人次|件|条|项|个|次|人|篇)?"
)
_ATOM_RE = re.compile(r"(?P<sign>[+\-−－＋]|增加?|减少?)?(?P<int>\d+)(?P<frac>\.\d+)?(?P<unit>万元|元|人次|件|条|项|个|次|人|篇)?")
_NEGATIVE = ("-", "−", "－", "减", "减少")
_PIPE_ONLY_RE = re.compile(r"[|\s]*")
_UNIT_HINT_RE = re.compile(r"单位:?(万元|元)")
_TOKEN_RE = re.compile(r"\S+")

# Anchors: recognisable table titles / column headers (matched on the compacted cell).
_ANCHOR_RE = re.compile(
    r"统计指标|统计数|情况统计表|信息内容|本年制发件数|本年废止件数|现行有效件数|本年新制作|本年新公开|本年新"
    r"|对外公开总数量|上一年项目数量|本年增/?减|处理决定数量|采购项目数量|采购总金额|本年收费金额|第二十条"
    r"|申请人情况|自然人|法人或其他组织|商业企业|科研机构|社会公益组织|法律服务机构|勾稽关系|指标名称|计量单位|历年累计"
)
_C_HEADER_RE = re.compile(
    r"行政复议|行政诉讼|未经复议|直接起诉|复议后起诉|结果维持|结果纠正|其他结果|尚未审结"
    r"|结结其尚|果果他未|维纠结审|持正果结"
)
# a Table C header spread over several lines: fragments of its words ('结果 结果 其他 尚未')
_C_WORDS_RE = re.compile(r"(?:结果|维持|纠正|其他|尚未|审结|总计|未经|复议|直接|起诉|诉讼|行政|后|[结果其尚维纠审持正他未总计])+")
_VERTICAL_RE = re.compile(r"(?:[\u4e00-\u9fff]\s+)+[\u4e00-\u9fff]")
_MAX_ANCHOR_LEN = 60
_MAX_PLAIN_LINE = 160  # longer lines without pipes are prose, unless a table's header words start a table there
_TABLEISH_SHORT = 12
_SENTENCE_END = "。；;！!？?"
_LEADING_ORD_RE = re.compile(rf"\s*(?:{_ORD}|\d{{1,2}}、)")
# a long line is read as a table from the first of a table's own header words on
_FUSED_HINT_RE = re.compile(
    r"第二十条第|信息内容|指标名称|统计指标|情况统计表|申请人情况|本年新收政府信息公开申请数量|本年度办理结果"
    r"|结果维持|未经复议直接起诉"
)
_CJK_DIGIT_RE = re.compile(r"[\u4e00-\u9fff]\d")
_CJK_RE = re.compile(r"[\u4e00-\u9fff]")
# a line of short header words only, spread over a table's columns
_HEADER_WORDS_RE = re.compile(r"[\u4e00-\u9fff/()]{1,8}(?:\s+[\u4e00-\u9fff/()]{1,8})+")
_WIDE_GAP_RE = re.compile(r"\s{2,}")
_BRACKETED_RE = re.compile(r"\([^()]*\)|\([^()]*$|^[^()]*\)")  # also a wrapped bracket's two ends
# fused text: brackets (digits inside them are text) and number atoms (a sign, decimals, a money unit)
_FUSED_SCAN_RE = re.compile(r"[()]|[+\-−－＋]?(?:\d{1,3}(?:,\d{3})+(?![\d,])|\d+)(?:\.\d+)?(?:万元|元)?")
_PROSE_NUM_RE = re.compile(r"(?<![\d.])(\d{2,})(?![\d.%])\s*[条件项个次篇份]")
_QUIET_CHUNKS = 4  # text pieces in a row that are no table: the table is over


@dataclass(frozen=True, slots=True)
class _Val:
    value: float | None
    unit: str | None
    kind: str  # 'num' | 'blank' (-, —, /, 无) | 'empty' (empty pipe cell) | 'pipe' (weak: lone-pipe line)
    raw: str = ""  # the cell as printed
    piped: bool = False  # a cell between pipes (never fused with its neighbours)
    pos: tuple[int, int] | None = None  # its span in its physical line (pdftotext -layout columns)
    cell: tuple[int, int] | None = None  # its (row, column) in its grid, when read from one
    span: tuple[int, int] | None = None  # its grid cell's span in the text
    head: str | None = None  # the headers printed above its grid cell, stacked


_BLANK_CELL = _Val(None, None, "blank")


@lru_cache(maxsize=1 << 14)
def _parse_value(tok: str) -> _Val:  # cached: _Val is never mutated (rows replace values, never edit them)
    if _BLANK_RE.fullmatch(tok):
        return _Val(None, None, "blank", tok)
    if _shared_parse_number is not None:
        p = _shared_parse_number(tok)
        if p.value is not None:
            return _Val(float(p.value), p.unit, "num", tok)
    m = _NUM_PART_RE.fullmatch(tok)
    if m is None:  # pragma: no cover - guarded by _VALUE_RE
        return _Val(None, None, "blank", tok)
    v = float(m.group("num").replace(",", ""))
    if m.group("sign") in _NEGATIVE:
        v = -v
    return _Val(v, m.group("unit"), "num", tok)


def _split_cell(cell: str, pipe_cell: bool) -> list[tuple[str, object]]:
    """A cell → [('text', label)] + trailing [('val', _Val) | ('unit', u)] items."""
    return list(_split_cell_items(cell, pipe_cell))


@lru_cache(maxsize=1 << 15)
def _split_cell_items(cell: str, pipe_cell: bool) -> tuple[tuple[str, object], ...]:
    # cached per cell text: tables repeat the same cells ("0", "件", labels) across rows and reports
    spans = [m.span() for m in _TOKEN_RE.finditer(cell)]
    toks = [cell[a:b] for a, b in spans]
    if not toks:
        return (("val", _Val(None, None, "empty", "", pipe_cell)),) if pipe_cell else ()
    if pipe_cell and len(toks) == 1 and _UNIT_RE.fullmatch(toks[0]):
        return (("unit", toks[0]),)
    i = len(toks)
    seen_value = False
    while i > 0:
        t = toks[i - 1]
        if _VALUE_RE.fullmatch(t) or _BLANK_RE.fullmatch(t):
            seen_value = True
        elif not (seen_value and _UNIT_RE.fullmatch(t)):
            break
        i -= 1
    out: list[tuple[str, object]] = []
    if i > 0:  # the label as printed: wide gaps kept (pdftotext -layout puts a column's text after them)
        out.append(("text", cell[spans[0][0]:spans[i - 1][1]]))
    for t in toks[i:]:
        if _UNIT_RE.fullmatch(t):
            out.append(("unit", t))
        else:
            v = _parse_value(t)
            out.append(("val", replace(v, piped=True) if pipe_cell else v))
    return tuple(out)


def _line_cells(s: str) -> list[tuple[str, object]]:
    if "|" not in s:
        return _split_cell(s, False)
    parts = s.split("|")
    if parts and not parts[-1].strip():
        parts.pop()
    if parts and not parts[0].strip() and s.lstrip().startswith("|"):
        parts.pop(0)
    out: list[tuple[str, object]] = []
    for p in parts:
        out.extend(_split_cell_items(p, True))
    return out


def _has_fused_digits(text: str) -> bool:
    """Digits glued to a label outside brackets ('规章000', '网站公开条3052890'): crawler-fused cells."""
    if not _CJK_DIGIT_RE.search(text):
        return False
    prev = None
    while prev != text:
        prev, text = text, _BRACKETED_RE.sub("", text)
    return _CJK_DIGIT_RE.search(text) is not None


def _fused_pieces(text: str, a: int, b: int) -> list[tuple]:
    """Cut text[a:b] into ('text', start, end) and ('run', [(raw, start, end), ...]) pieces.

    A run is a sequence of number atoms separated by nothing or by blanks (whitespace and signs are cell
    boundaries, digits inside brackets are text). A run followed by ``.``/``、`` and text ends with the next
    row's ordinal (``00000002.其他…``): those digits go to the text (the next ordinal expected, else one digit).
    """
    pieces: list[tuple] = []
    tstart = a
    depth = 0
    open_at = 0
    run: list[tuple[str, int, int]] = []
    last_ord = 0

    def close() -> None:
        nonlocal tstart, last_ord, run
        atoms = run
        run = []
        end = atoms[-1][2]
        ord_start = None
        if end + 1 < b and text[end] in ".、．" and not text[end + 1].isdigit() and not text[end + 1].isspace():
            raw, s, e = atoms[-1]
            if raw.isdigit():
                exp = str(last_ord + 1)
                k = len(exp) if raw.endswith(exp) else 1
                ord_start = e - k
                last_ord = int(raw[-k:])
                atoms = atoms[:-1] + ([(raw[:-k], s, e - k)] if k < len(raw) else [])
        if atoms:
            pieces.append(("text", tstart, atoms[0][1]))
            pieces.append(("run", atoms))
            tstart = ord_start if ord_start is not None else end
        # a run that was only an ordinal stays in the text ('(三)不予公开1.属于国家秘密')

    for m in _FUSED_SCAN_RE.finditer(text, a, b):
        tok = m.group()
        s, e = m.span()
        if tok == "(":
            if depth == 0:
                open_at = s
            depth += 1
            continue
        if tok == ")":
            depth = max(0, depth - 1)
            continue
        if depth:
            if s - open_at <= _SUFFIX_SPAN:
                continue
            depth = 0  # a bracket never closed: not guidance
        if run:
            if not text[run[-1][2]:s].strip():
                run.append((tok, s, e))
                continue
            close()
        run = [(tok, s, e)]
    if run:
        close()
    pieces.append(("text", tstart, b))
    return pieces


def _sentence_cut(chunk: str) -> int:
    """Index just past the last sentence end outside brackets (0 when none): the prose before a label."""
    depth = 0
    for i in range(len(chunk) - 1, -1, -1):
        c = chunk[i]
        if c == ")":
            depth += 1
        elif c == "(":
            depth = max(0, depth - 1)
        elif depth == 0 and (c in _SENTENCE_END or (c in "，," and len(chunk) - i > _SUFFIX_SPAN)):
            return i + 1
    return 0


# ---------------------------------------------------------------- splitting fused digit runs
_SPLIT_NODE_CAP = 5_000  # search steps per row
_SPLIT_BUDGET = 20_000  # search steps per text
_SOLUTION_CAP = 256  # readings kept per row / per table before giving up on the joint search
_SOLVE_NODE_CAP = 20_000  # readings tried per table


@dataclass(frozen=True)
class _Atom:
    """A printed value cell that may hold several fused cells: its digits, sign, decimals and unit."""

    sign: str
    digits: str
    frac: str
    unit: str | None
    fixed: _Val | None = None  # a cell that cannot be split (blank, thousands separators, pipe cell)


def _atom(v: _Val) -> _Atom:
    if v.kind != "num" or v.piped:
        return _Atom("", "", "", None, v)
    m = _ATOM_RE.fullmatch(v.raw)
    if m is None:
        return _Atom("", "", "", None, v)
    sign = "-" if m.group("sign") in _NEGATIVE else ""
    return _Atom(sign, m.group("int"), m.group("frac") or "", m.group("unit"))


def _single_ok(v: _Val) -> bool:
    """A printed value that can be one cell: not a digit string with a leading zero ('000023')."""
    if v.kind != "num" or v.piped:
        return True
    a = _atom(v)
    return a.fixed is not None or len(a.digits) == 1 or a.digits[0] != "0"


class _Capped(Exception):
    pass


@dataclass(frozen=True)
class _Rules:
    """A row's own identities, checked as its cells are laid down."""

    groups: tuple[tuple[int, int], ...] = ()  # (start, size): the first size-1 cells sum to the last
    at_least: tuple[tuple[int, int], ...] = ()  # (i, j): cell j >= cell i
    nonneg_sum: tuple[tuple[int, int], ...] = ()  # (i, j): cell i + cell j >= 0
    nonneg: tuple[int, ...] = ()  # cells that cannot be negative (counts, amounts)
    width: int = 0

    def check(self, cells: list[_Val]) -> bool:
        k = len(cells) - 1
        if k in self.nonneg and cells[k].value is not None and cells[k].value < 0:
            return False
        for start, size in self.groups:
            if start + size - 1 == k:
                vals = [c.value for c in cells[start:start + size]]
                if None not in vals and abs(sum(vals[:-1]) - vals[-1]) > 1e-6:
                    return False
        for i, j in self.at_least:
            if max(i, j) == k:
                a, b = cells[i].value, cells[j].value
                if a is not None and b is not None and b < a:
                    return False
        for i, j in self.nonneg_sum:
            if max(i, j) == k:
                a, b = cells[i].value, cells[j].value
                if a is not None and b is not None and (a < 0 or a + b < 0):
                    return False
        return True

    def lost_ok(self, values: list[_Val]) -> bool:
        """Whether the printed cells can be a row whose empty cells were dropped (the kept ones still add up)."""
        if self.width - 1 in self.nonneg and values[-1].value is not None and values[-1].value < 0:
            return False  # the kept last value would be a negative count
        if len(self.groups) != 1:
            return True
        nums = [v.value for v in values]
        if None in nums:
            return True
        return abs(sum(nums[:-1]) - nums[-1]) <= 1e-6


@lru_cache(maxsize=None)
def _may_be_negative(code: str) -> bool:
    """Whether the catalogue lets a metric go below zero (本年增/减); every other cell is a count or an amount."""
    try:
        from .catalog import load_catalog

        d = load_catalog().get(code)
    except (FileNotFoundError, ValueError):  # pragma: no cover - catalogue missing
        return True
    return d is None or d.min_value is None or d.min_value < 0


@lru_cache(maxsize=4096)
def _rules(cols: tuple[_Col, ...], block: str) -> _Rules:
    n = len(cols)
    groups: list[tuple[int, int]] = []
    if block.startswith("B") and n == len(_B_COLUMNS):
        groups.append((0, n))
    elif block == "C" and n % len(_C_COLUMNS) == 0:
        groups.extend((i, len(_C_COLUMNS)) for i in range(0, n, len(_C_COLUMNS)))
    codes = [c.code for c in cols]
    at_least = [(i - 1, i) for i, c in enumerate(cols) if i and c.qualifier == "cumulative"]
    if "doc_new_published" in codes and "doc_total_published" in codes:  # the stock includes this year's
        at_least.append((codes.index("doc_new_published"), codes.index("doc_total_published")))
    nonneg = []
    if "items_prev_year" in codes and "items_change" in codes:  # this year's item count is not negative
        nonneg.append((codes.index("items_prev_year"), codes.index("items_change")))
    nonneg_cells = tuple(i for i, c in enumerate(cols) if not _may_be_negative(c.code))
    return _Rules(tuple(groups), tuple(at_least), tuple(nonneg), nonneg_cells, n)


def _cell(a: _Atom, part: str, first: bool, last: bool) -> _Val:
    raw = part + (a.frac if last else "")
    v = float(raw)
    sign = a.sign if first else ""
    if sign == "-":
        v = -v
    unit = a.unit if last else None
    return _Val(v, unit, "num", sign + raw + (unit or ""))


def _splits(atoms: list[_Atom], n: int, rules: _Rules, budget: int = _SPLIT_NODE_CAP
            ) -> tuple[list[tuple[_Val, ...]] | None, int]:
    """Every way to read the atoms as n cells that keeps the row's identities, and the search steps it took.

    None instead of the readings when the search went over budget. A group's total is not searched for: it is
    the sum of the cells before it, so the digits must spell it."""
    m = len(atoms)
    cap_after = [0] * (m + 1)
    for i in range(m - 1, -1, -1):
        cap_after[i] = cap_after[i + 1] + (1 if atoms[i].fixed is not None else len(atoms[i].digits))
    if cap_after[0] < n or m > n:
        return [], 0
    totals = {start + size - 1: start for start, size in rules.groups}
    out: list[tuple[_Val, ...]] = []
    cells: list[_Val] = []
    steps = 0

    def rec(ai: int, off: int) -> None:
        nonlocal steps
        if ai == m:
            if len(cells) == n:
                out.append(tuple(cells))
                if len(out) > _SOLUTION_CAP:
                    raise _Capped
            return
        a = atoms[ai]
        left = n - len(cells)
        if a.fixed is not None:
            steps += 1
            cells.append(a.fixed)
            if rules.check(cells):
                rec(ai + 1, 0)
            cells.pop()
            return
        d = a.digits
        ends = range(off + 1, len(d) + 1)
        start = totals.get(len(cells))
        if start is not None and not a.frac and not (off == 0 and a.sign):
            parts = [c.value for c in cells[start:]]
            if None not in parts:
                want = sum(parts)
                if want < 0 or want != int(want):
                    return
                ends = (off + len(str(int(want))),) if d.startswith(str(int(want)), off) else ()
        for e in ends:
            steps += 1
            if steps > budget:
                raise _Capped
            part = d[off:e]
            if len(part) > 1 and part[0] == "0":
                break
            rest = len(d) - e
            if not ((m - ai - 1) + (1 if rest else 0) <= left - 1 <= rest + cap_after[ai + 1]):
                continue
            last = rest == 0
            cells.append(_cell(a, part, off == 0, last))
            if rules.check(cells):
                if last:
                    rec(ai + 1, 0)
                else:
                    rec(ai, e)
            cells.pop()

    try:
        rec(0, 0)
    except _Capped:
        return None, steps
    return out, steps


# ---------------------------------------------------------------- label lookup
@dataclass(frozen=True)
class _Hit:
    group: _Group
    parents: tuple[_Group, ...]
    titles: tuple[_Group, ...]
    label: str  # the row label as printed
    offset: int  # where it starts in the text cell
    unit: str | None = None
    unit_hint: str | None = None
    cumulative: bool = False
    anchor: bool = False


def _match(era: str, block: str | None, label: str) -> _Group | None:
    cands = _candidates(era, label)
    if not cands:
        return None
    if len(cands) == 1:
        return cands[0]
    for g in cands:
        if g.block == block:
            return g
    if len({g.block for g in cands}) == 1:
        return cands[0]
    return None


@lru_cache(maxsize=1 << 14)
def _lookup(era: str, block: str | None, raw: str, fused: bool) -> _Hit | None:
    """The row label a text cell is (or ends with, in a fused line), with the titles and parents before it.

    Cached: the same cells recur in every report of an era (the current block only breaks ties)."""
    variants = [(raw, None)]
    if fused:
        m = _TAIL_UNIT_RE.search(raw)
        if m and m.start() > 0:
            variants.append((raw[:m.start()], m.group(1)))
    for text, unit in variants:
        label = _normalise_label(text)
        if not label:
            continue
        g = _match(era, block, label)
        if g is not None:
            return _Hit(g, (), (), text.strip(), len(text) - len(text.lstrip()), unit)
        parts = [p for p in _SEGMENT_RE.split(label) if p]
        if len(parts) > 1:
            matched = [_match(era, block, p) for p in parts]
            if matched[-1] is not None:
                return _hit(era, text, label, len(label) - len(parts[-1]), matched[-1],
                            tuple(g for g in matched[:-1] if g is not None), unit, fused=False)
    if not fused:
        return None
    for text, unit in variants:
        label = _normalise_label(text)
        n = len(label)
        lo = max(1, n - _SUFFIX_SPAN)
        starts = {m.start() for m in _SEGMENT_RE.finditer(label, lo)}
        starts |= {m.end() for m in _HEADER_END_RE.finditer(label, max(0, lo - 4))}
        for k in sorted(x for x in starts if lo <= x < n):
            g = _match(era, block, label[k:])
            if g is not None:
                return _hit(era, text, label, k, g, (), unit, fused=True)
    return None


def _hit(era: str, text: str, label: str, k: int, g: _Group, parents: tuple[_Group, ...], unit: str | None,
         fused: bool) -> _Hit:
    idx = _norm_index(text)
    offset = idx[k] if idx is not None and k < len(idx) else 0
    prefix = label[:k]
    if not fused:
        return _Hit(g, parents, (), text[offset:].strip(), offset, unit, anchor=_ANCHOR_RE.search(prefix) is not None)
    best = None
    for tg, rx in _titles(era):
        for m in rx.finditer(prefix):
            if best is None or m.end() > best[0]:
                best = (m.end(), tg)
    m = _UNIT_HINT_RE.search("".join(text[:offset].split()))
    return _Hit(g, parents, (best[1],) if best else (), text[offset:].strip(), offset, unit,
                unit_hint=m.group(1) if m else None, cumulative=era == "table_2014" and "累计" in prefix,
                anchor=_ANCHOR_RE.search(prefix) is not None)



@lru_cache(maxsize=1 << 14)
def _text_kind(raw: str, fused: bool, era: str) -> tuple[str, str | None, bool | None]:
    """What a text cell that is no row label is: (kind, unit hint, 历年累计 layout or None if it says nothing).

    kind: 'c_header' (Table C's headers), 'c_words' (fragments of them, under a C header), 'anchor' (a table's
    title or column header), 'header_words' (short header words spread over columns), 'frag' (maybe the first line
    of a wrapped label), 'text' or 'none' (nothing to probe). Cached: headers recur in every report."""
    label = _normalise_label(raw)
    compact = "".join(raw.split())
    tail = compact[-(_MAX_ANCHOR_LEN + 20):] if fused else ""
    probe = "\n".join(x for x in (label if len(label) <= _MAX_ANCHOR_LEN else "",
                                    compact if len(compact) <= _MAX_ANCHOR_LEN + 20 else "", tail) if x)
    if not probe:
        return "none", None, None
    cum = None
    if era == "table_2014" and ("统计指标" in probe or "统计表" in probe or "指标名称" in probe):
        cum = "累计" in compact
    if _C_HEADER_RE.search(probe):
        return "c_header", None, cum
    if compact == "总计" or _VERTICAL_RE.fullmatch(raw) or _C_WORDS_RE.fullmatch(compact):
        return "c_words", None, cum
    if _ANCHOR_RE.search(probe):
        m = _UNIT_HINT_RE.search(compact)
        return "anchor", m.group(1) if m else None, True if "历年累计" in compact else cum
    if not fused and _HEADER_WORDS_RE.fullmatch(raw.strip()):
        return "header_words", None, cum
    if 0 < len(label) <= 40 and not fused and _CJK_RE.search(label):
        return "frag", None, cum
    return "text", None, cum


# ---------------------------------------------------------------- parser
@dataclass(slots=True)
class _Row:
    group: _Group
    start: int
    end: int
    line: int
    values: list[_Val] = field(default_factory=list)
    unit_cell: str | None = None
    block_unit: str | None = None
    label: str | None = None
    cum: bool = False  # a 2014 table with a 历年累计 column
    open_brackets: int = 0  # a label wrapped inside its guidance bracket
    parent: _Row | None = None  # the 2014 row a 其中 sub-row belongs to
    vlines: list[int] = field(default_factory=list)  # the line of each value
    vgeoms: list[tuple[int, int, int] | None] = field(default_factory=list)  # its plain line (layout columns)
    read: _RowRead | None = None


@dataclass
class _Run:
    start: int
    end: int
    line: int
    values: list[_Val] = field(default_factory=list)


@dataclass
class _Frag:
    """A text cell that is no label on its own: maybe the first line of a wrapped one ('…重新出具已获' | '取信息')."""

    raw: str
    line: int
    start: int
    end: int
    values: list[_Val] = field(default_factory=list)


@dataclass(slots=True)
class _RowRead:
    """One table row as read: its possible readings until the table's identities settle them."""

    cols: tuple[_Col, ...]
    block: str
    key: tuple
    label: str | None
    start: int
    end: int
    line: int
    row_unit: str | None
    values: tuple[_Val, ...]  # the value cells as printed
    numeric: int
    cands: list[tuple[_Val | None, ...]] = field(default_factory=list)  # one _Val (None: not read) per column
    lost: bool = False  # the last reading is 'empty cells lost: only the last value is known'
    geom: tuple[int, int, int] | None = None  # (line start, start, end) of the one plain line holding its values
    parent: _RowRead | None = None
    resolved: list[tuple[_Val | None, ...]] | None = None
    issues: list[Issue] = field(default_factory=list)
    how: str = ""
    grid: int | None = None  # the grid it was read from (a table continued on the next page keeps the number)
    table_no: int = 0  # the report's statistics table it belongs to, and its place there (set on acceptance)
    row_no: int = 0

    @property
    def printed(self) -> str:
        return " ".join(v.raw for v in self.values if v.kind != "pipe")


@dataclass
class _Result:
    line: int
    numeric: int
    row: _RowRead


class _Parser:
    def __init__(self, text: str, era: str):
        self.text = text
        self.era = era
        self.block: str | None = None
        self.block_unit: str | None = None
        self.pending: _Row | None = None
        self.run: _Run | None = None
        self.c_ready = False
        self.results: list[_Result] = []
        self.anchors: list[int] = []
        self.narrative: list[int] = []
        self.cum_layout = False
        self.parent_row: _Row | None = None
        self.in_children = False
        self.frags: list[_Frag] = []
        self.said: dict[tuple[str, str | None, int, int, int], bool] = {}
        self.geom: tuple[int, int, int] | None = None  # the plain (pipe-less) line being read
        self.numbers: dict[int, list[int]] | None = None  # counted figures of the text by value (prose evidence)
        self.budget = _SPLIT_BUDGET  # search steps left for fused rows in this text
        self.skip: list[tuple[int, int]] = []  # spans read as grids (GridReader): not read again as text

    # -- driving
    def parse(self) -> None:
        text = self.text
        li = -1
        pos = 0
        n = len(text)
        skip = iter(self.skip)
        gap = next(skip, None)
        while pos < n:
            while gap is not None and gap[1] <= pos:
                gap = next(skip, None)
            if gap is not None and gap[0] <= pos:  # a grid's lines: the table ends here for the text reader
                self._reset()
                pos = gap[1]
                continue
            nl = text.find("\n", pos)
            if nl < 0:
                nl = n
            line_start = pos
            ls, le = pos, nl
            pos = nl + 1
            while ls < le and text[ls].isspace():
                ls += 1
            while le > ls and text[le - 1].isspace():
                le -= 1
            if ls == le:
                continue
            li += 1
            s = text[ls:le]
            if "|" in s:
                if _PIPE_ONLY_RE.fullmatch(s):
                    if self.pending is not None:
                        self.pending.values.append(_Val(None, None, "pipe"))
                        self.pending.vlines.append(li)
                        self.pending.vgeoms.append(None)
                    continue
                tableish = True
            elif len(s) > _MAX_PLAIN_LINE or (s[-1] in _SENTENCE_END or s[-1] in "，,") and not self._wrapped(s):
                h = _FUSED_HINT_RE.search(s)
                if h is None:
                    self._reset()
                    self.narrative.append(li)
                    continue
                if h.start() > 0:
                    self._reset()
                    self.narrative.append(li)
                li = self._parse_fused(ls + h.start(), le, li)
                continue
            else:
                tableish = len(s) <= _TABLEISH_SHORT
            cells = _line_cells(s)
            if ("|" not in s and cells and cells[0][0] == "text" and _has_fused_digits(cells[0][1])
                    and not (self.pending is not None and self.pending.open_brackets > 0)):
                li = self._parse_fused(ls, le, li - 1)
                continue
            self.geom = None if "|" in s else (line_start, ls, le)
            event = False
            for kind, payload in cells:
                if kind == "text":
                    event |= self._on_text(payload, li, ls, le)
                elif kind == "val":
                    event |= self._on_value(payload, li, ls, le)
                elif kind == "unit":
                    if self.pending is not None and not self.pending.values:
                        self.pending.unit_cell = payload
                        self.pending.end = le
            self.geom = None
            if not (tableish or event):
                self.narrative.append(li)
        self._reset()

    def _wrapped(self, s: str) -> bool:
        """A line ending in ',' inside a bracket it opens, or continuing a label wrapped in its bracket: no prose."""
        if len(s) > _MAX_PLAIN_LINE:
            return False
        if s.count("(") > s.count(")"):
            return True
        p = self.pending
        return p is not None and not p.values and p.open_brackets > 0

    def _parse_fused(self, a: int, b: int, li: int) -> int:
        """Read text[a:b], where cells may be fused and rows follow each other on one line; returns the last line."""
        text = self.text
        quiet = 0
        skip_to = -1
        for piece in _fused_pieces(text, a, b):
            if piece[0] == "text":
                s, e = piece[1], piece[2]
                if e <= skip_to:
                    continue
                s = max(s, skip_to)
                cut = _sentence_cut(text[s:e])
                if cut:
                    li += 1
                    self._reset()
                    self.narrative.append(li)
                    quiet += 1
                    s += cut
                while s < e and text[s].isspace():
                    s += 1
                t = e
                while t > s and text[t - 1].isspace():
                    t -= 1
                if s < t:
                    li += 1
                    seg = text[s:t]
                    if _BLANK_RE.fullmatch(seg) and seg != "无":
                        event = self._on_value(_parse_value(seg), li, s, t)
                    else:
                        event = self._on_text(seg, li, s, t, fused=True)
                    if event:
                        quiet = 0
                    else:
                        quiet += 1
                        if len(seg) > _TABLEISH_SHORT:
                            self.narrative.append(li)
            else:
                atoms = piece[1]
                if atoms[0][1] < skip_to:
                    continue
                event = False
                for raw, s, e in atoms:
                    event |= self._on_value(_parse_value(raw), li, s, e)
                if event:
                    quiet = 0
            if quiet >= _QUIET_CHUNKS:  # prose again: the table is over; a later one starts at its own header
                end = piece[2] if piece[0] == "text" else piece[1][-1][2]
                h = _FUSED_HINT_RE.search(text, end, b)
                skip_to = h.start() if h else b
                self._reset()
                li += 1
                self.narrative.append(li)
                quiet = 0
        return li

    def _reset(self) -> None:
        self._finish_pending()
        self._finish_run()
        self.c_ready = False
        self.frags.clear()

    # -- events
    def _on_text(self, raw: str, li: int, ls: int, le: int, fused: bool = False) -> bool:
        p = self.pending
        if p is not None and not p.values and not fused and self._continues(p, raw):
            # the rest of a wrapped label: inside its guidance bracket ('形,不计其他情形)'), or a label whose
            # cells come on its last line, maybe behind its group's label ('(六)其他处理   再处理其政府信息公开申请')
            tail = _WIDE_GAP_RE.split(raw.strip())[-1]
            p.open_brackets = max(0, p.open_brackets + tail.count("(") - tail.count(")"))
            p.label = (p.label or "") + tail
            p.end = max(p.end, le)
            return True
        self._finish_pending()
        self._finish_run()
        hit = _lookup(self.era, self.block, raw, fused)
        start, line, values = ls + (hit.offset if hit else 0), li, []
        parents: tuple[_Group, ...] = ()
        if hit is None and self.frags:
            # a label wrapped over lines: the earlier lines' text and this one (or this line's last column only,
            # the column before it holding a group label: '(五)不予处理   已获取信息')
            self.frags = [f for f in self.frags if f.line >= li - 3]
            cols = _WIDE_GAP_RE.split(raw.strip())
            tails = [(raw, ())]
            if len(cols) > 1:
                found = [_lookup(self.era, self.block, c, False) for c in cols[:-1]]
                tails.append((cols[-1], tuple(h.group for h in found if h is not None)))
            for k in (1, 2):
                if len(self.frags) < k:
                    break
                head = "".join(f.raw for f in self.frags[-k:])
                for tail, pgs in tails:
                    hit = _lookup(self.era, self.block, head + tail, False)
                    if hit is not None and hit.offset < len(head):
                        first = self.frags[-k]
                        start, line, parents = first.start, first.line, pgs
                        values = [v for f in self.frags[-k:] for v in f.values]
                        break
                    hit = None
                if hit is not None:
                    break
        if hit is not None:
            self.frags.clear()
            for t in hit.titles:
                self._enter(t, li, ls, le)
            for pg in (*parents, *hit.parents):
                self._enter(pg, li, ls, le, as_parent=True)
            if hit.anchor:
                self.anchors.append(li)
            if hit.cumulative:
                self.cum_layout = True
            self._enter(hit.group, line, start, le, label=hit.label)
            if hit.unit_hint:
                self.block_unit = hit.unit_hint
            if self.pending is not None:
                if hit.unit:
                    self.pending.unit_cell = hit.unit
                self.pending.open_brackets = max(0, hit.label.count("(") - hit.label.count(")"))
                for v in values:
                    self.pending.values.append(v)
                    self.pending.vlines.append(line)
                    self.pending.vgeoms.append(None)
            return True
        kind, unit_hint, cum = _text_kind(raw, fused, self.era)
        if kind == "none":
            self.c_ready = False
            self.frags.clear()
            return False
        if cum is not None:
            self.cum_layout = cum
        if kind == "c_header" or (kind == "c_words" and self.block == "C"):
            self.block = "C"
            self.c_ready = True
            self.anchors.append(li)
            return True
        self.c_ready = False
        if kind == "anchor":
            self.anchors.append(li)
            if unit_hint:
                self.block_unit = unit_hint
            return True
        if kind == "header_words":
            return True  # column headers spread over several lines ('商业   科研   社会公益')
        if kind == "frag":
            self.frags.append(_Frag(raw, li, ls, le))
            del self.frags[:-2]
        else:
            self.frags.clear()
        return False

    def _continues(self, p: _Row, raw: str) -> bool:
        """Whether a text cell, coming before any cell of the pending row, is the rest of that row's label."""
        if p.open_brackets > 0:
            return not _LEADING_ORD_RE.match(raw)
        tail = _WIDE_GAP_RE.split(raw.strip())[-1]
        if _LEADING_ORD_RE.match(tail) or _has_children(self.era, p.group) or len(tail) > 40:
            return False  # a group row's next line is its first sub-row, not its label's end
        if _lookup(self.era, self.block, raw, False) is not None or _lookup(self.era, self.block, tail, False):
            return False
        return _text_kind(raw, False, self.era)[0] in ("frag", "text")

    def _enter(self, g: _Group, li: int, ls: int, le: int, as_parent: bool = False, label: str | None = None) -> None:
        if g.block != self.block:
            self.block_unit = None
        self.block = g.block
        self.c_ready = g.block == "C"
        if not g.cols:
            self.anchors.append(li)
            self.parent_row, self.in_children = None, False
            return
        if as_parent:
            return
        row = _Row(g, ls, le, li, block_unit=self.block_unit, label=label, cum=self.cum_layout)
        if self.era == "table_2014":
            head = (label or "").lstrip()
            if head.startswith("其中") and self.parent_row is not None:
                row.parent, self.in_children = self.parent_row, True
            elif self.in_children and re.match(r"\d{1,2}[.、．]", head):
                row.parent = self.parent_row
            else:
                self.parent_row, self.in_children = row, False
        self.pending = row

    def _on_value(self, v: _Val, li: int, ls: int, le: int) -> bool:
        if self.pending is not None:
            if v.kind == "empty" and li != self.pending.line:
                v = _Val(None, None, "pipe")  # empty cells on later lines are layout, not the row's cells
            self.pending.values.append(v)
            self.pending.vlines.append(li)
            self.pending.vgeoms.append(self.geom)
            self.pending.end = max(self.pending.end, le)
            return True
        if not self.c_ready:
            if self.frags and self.frags[-1].line >= li - 1:
                self.frags[-1].values.append(v)
            return False
        if self.run is None:
            self.run = _Run(ls, le, li)
        self.run.values.append(v)
        self.run.end = max(self.run.end, le)
        return True

    # -- rows
    def _finish_pending(self) -> None:
        row, self.pending = self.pending, None
        if row is None:
            return
        cols = self.row_cols(row)
        real = [v for v in row.values if v.kind != "pipe"]
        row_unit = row.unit_cell or row.block_unit
        if not real:
            # label only: a 1-column row whose value cell is visibly there but empty → None
            if len(cols) == 1 and (row.values or row.unit_cell):
                rr = self._row_read(cols, row.group, row.label, row.start, row.end, row.line, row_unit, (), 0)
                rr.cands = [(_BLANK_CELL,)]
                self.results.append(_Result(row.line, 0, rr))
            return
        if row.group.block == "C" and not any(v.kind == "num" for v in real):
            return  # C labels double as column headers
        if (row.group.block == "C" and len(real) == len(_c_positional(self.era)) > len(cols)):
            self._emit_c(real, row.start, row.end, row.line)
            return
        geoms = set(row.vgeoms)
        geom = geoms.pop() if len(geoms) == 1 else None
        row.read = self._read(cols, list(row.values), row_unit, row.start, row.end, row.line, row.group,
                              row.label, geom)
        if row.read is not None and row.parent is not None:
            row.read.parent = row.parent.read

    def row_cols(self, row: _Row) -> tuple[_Col, ...]:
        """The row's value columns: its group's, with the 历年累计 cell in a 2014 table that has that column."""
        cols = row.group.cols
        if self.era == "table_2014" and row.cum and len(cols) == 1:
            cols = (cols[0], _cumulative_col(cols[0]))
        return cols

    def _finish_run(self) -> None:
        run, self.run = self.run, None
        if run is None:
            return
        values = [v for v in run.values if v.kind != "pipe"]
        if self.c_ready and any(v.kind == "num" for v in values):
            self._emit_c(values, run.start, run.end, run.line)
            self.c_ready = False

    def _emit_c(self, values: list[_Val], start: int, end: int, line: int) -> None:
        cols = _c_positional(self.era)
        if not cols:
            return
        while values and values[0].kind == "empty":
            values.pop(0)
        if len(values) < 2:  # a lone number after a Table C header is not a data row ...
            a = _atom(values[0]) if values else None
            if a is None or a.fixed is not None or len(a.digits) < len(cols):  # ... unless its cells are fused
                return
        self._read(cols, list(values), None, start, end, line, None, None, None, positional=True)

    def _row_read(self, cols, group, label, start, end, line, row_unit, values, numeric, positional=False):
        block = "C" if positional else group.block
        key = ("C15",) if positional else (group.block, group.pattern)
        return _RowRead(cols, block, key, label, start, end, line, row_unit, tuple(values), numeric)

    def _read(self, cols: tuple[_Col, ...], values: list[_Val], row_unit: str | None, start: int, end: int,
              line: int, group: _Group | None, label: str | None, geom: tuple[int, int, int] | None,
              positional: bool = False) -> _RowRead | None:
        """A row's printed cells → its readings (several when cells are fused or lost)."""
        n_exp = len(cols)
        if len(values) != n_exp and any(v.kind != "pipe" for v in values):
            # lone-pipe lines at the ends are separators, unless they are needed to fill the row:
            # one cell per line (shape B) prints a blank first cell as a lone '|' line too
            while values and values[-1].kind == "pipe" and len(values) > n_exp:
                values.pop()
            while values and values[0].kind == "pipe" and len(values) > n_exp:
                values.pop(0)
            if len(values) < n_exp:
                while values and values[-1].kind == "pipe":
                    values.pop()
                while values and values[0].kind == "pipe":
                    values.pop(0)
        if len(values) > n_exp:
            values = [v for v in values if v.kind != "pipe"]
        while len(values) > n_exp and values[0].kind in ("blank", "empty"):
            values.pop(0)
        while len(values) > n_exp and values[-1].kind in ("blank", "empty"):
            values.pop()
        numeric = sum(1 for v in values if v.kind == "num")
        evidence = self.text[start:end]
        rr = self._row_read(cols, group, label, start, end, line, row_unit, values, numeric, positional)
        rr.geom = geom
        if len(values) > n_exp:
            return self._keep(rr, numeric, "table_row_ambiguous",
                              f"{self.era}: {len(values)} cells for {n_exp} columns, row not read: {evidence!r}")
        if len(values) == n_exp:
            rr.cands = [tuple(values)]
            return self._keep(rr, numeric)
        if numeric == 0:  # nothing but blanks, and too few of them: a header, not a data row
            return None
        if end == len(self.text) and len(values) > 1 and all(_single_ok(v) for v in values):
            # the text stops inside this row, right after a cell (an excerpt cut off mid-row; a row that lost its
            # empty cells ends with its separator or line break): its first cells are its first columns
            rr.cands = [tuple(values) + (None,) * (n_exp - len(values))]
            return self._keep(rr, numeric, "table_row_truncated",
                              f"{self.era}: the text ends inside this row: read its first {len(values)} of {n_exp} "
                              f"cells, the rest are unknown: {evidence!r}")
        rules = _rules(cols, rr.block)
        cands: list[tuple[_Val | None, ...]] = []
        atoms = [_atom(v) for v in values]
        if any(a.fixed is None and len(a.digits) > 1 for a in atoms):
            split, steps = _splits(atoms, n_exp, rules, min(_SPLIT_NODE_CAP, self.budget))
            self.budget -= steps
            if split is None:
                return self._keep(rr, numeric, "table_row_ambiguous",
                                  f"{self.era}: the fused cells {rr.printed!r} allow too many readings to search; "
                                  f"row not read: {evidence!r}")
            cands.extend(split)
        # 'empty cells dropped, only the last value is known' (shape D), unless the printed value must be fused:
        # a digit string with a leading zero, or one lone value with digits enough for every cell
        lone_run = len(values) == 1 and atoms[0].fixed is None and len(atoms[0].digits) >= n_exp
        if (all(_single_ok(v) for v in values) and not lone_run
                and (not cands or (len(values) > 1 and rules.lost_ok(values)))):
            if any(c.qualifier == "cumulative" for c in cols):
                lost: tuple[_Val | None, ...] = (None,) * n_exp  # which of the two cells is missing is unknown
            else:
                lost = (None,) * (n_exp - 1) + (values[-1],)
            cands.append(lost)
            rr.lost = True
        rr.cands = cands
        return self._keep(rr, numeric)

    def _keep(self, rr: _RowRead, numeric: int, rule: str | None = None, detail: str = "") -> _RowRead:
        """The row's reading joins the results (with a warning when `rule` is given)."""
        if rule is not None:
            rr.issues.append(Issue(rule, "warning", detail))
        self.results.append(_Result(rr.line, numeric, rr))
        return rr


# ---------------------------------------------------------------- the table's identities across rows
def _family(era: str, row: _RowRead) -> str:
    if era == "table_2014":
        return "2014"
    if row.block.startswith("B"):
        return "B"
    if row.block.startswith("A"):
        return "A" + row.block
    return "C"


def _instances(era: str, rows: list[_RowRead]) -> list[list[_RowRead]]:
    """Rows grouped into tables: a family's rows in order, a new table when a row label comes back."""
    out: list[list[_RowRead]] = []
    current: dict[str, tuple[list[_RowRead], set]] = {}
    for r in rows:
        fam = _family(era, r)
        cur = current.get(fam)
        if cur is None or r.key in cur[1]:
            cur = ([], set())
            current[fam] = cur
            out.append(cur[0])
        cur[0].append(r)
        cur[1].add(r.key)
    return out


_Term = tuple[int, int, float]  # (row index in the table, column, coefficient)


def _constraints(era: str, rows: list[_RowRead]) -> list[tuple[str, list[_Term], str]]:
    """(family, terms, '==' | '<=') over the rows of one table: sum(coef * cell) == / <= 0."""
    out: list[tuple[str, list[_Term], str]] = []
    if not rows:
        return out
    if _family(era, rows[0]) == "B":
        role: dict[tuple[str, str | None], int] = {}
        for i, r in enumerate(rows):
            if r.cands and len(r.cols) == len(_B_COLUMNS):
                role.setdefault((r.cols[-1].code, r.cols[-1].dimension), i)
        ncol = len(_B_COLUMNS)
        rec, cin = role.get(("requests_received", None)), role.get(("requests_carried_in", None))
        tot, cout = role.get(("requests_resolved", None)), role.get(("requests_carried_out", None))
        if None not in (rec, cin, tot, cout):
            for c in range(ncol):
                out.append(("balance", [(rec, c, 1.0), (cin, c, 1.0), (tot, c, -1.0), (cout, c, -1.0)], "=="))
        parts: list[int] | None = [] if tot is not None else None
        for result, reasons in _b_results(era).items():
            subs = [role.get(("requests_resolved", f"result={result};reason={x}")) for x in reasons]
            grp = role.get(("requests_resolved", f"result={result}"))
            if reasons and None not in subs:
                if parts is not None:
                    parts.extend(subs)
                if grp is not None:
                    for c in range(ncol):
                        out.append(("groups", [(grp, c, 1.0)] + [(x, c, -1.0) for x in subs], "=="))
            elif grp is not None:
                if parts is not None:
                    parts.append(grp)
            else:
                parts = None
        if parts:
            for c in range(ncol):
                out.append(("results", [(tot, c, 1.0)] + [(x, c, -1.0) for x in parts], "=="))
    elif era == "table_2014":
        index = {id(r): i for i, r in enumerate(rows)}
        for i, r in enumerate(rows):
            p = index.get(id(r.parent)) if r.parent is not None else None
            if p is None or len(rows[p].cols) != len(r.cols):
                continue
            for c in range(len(r.cols)):  # a 其中 sub-row is part of its parent row
                out.append(("children", [(i, c, 1.0), (p, c, -1.0)], "<="))
    return out


def _solve(rows: list[_RowRead], var: list[int], cons: list[tuple[str, list[_Term], str]]
           ) -> list[tuple[int, ...]] | None:
    """Every choice of one reading per variable row that keeps the constraints; None when capped."""
    order = {r: d for d, r in enumerate(var)}
    at_depth: dict[int, list[tuple[list[_Term], str]]] = {}
    for _fam, terms, op in cons:
        depths = [order[r] for r, _, _ in terms if r in order]
        if not depths:
            continue  # only settled rows: it cannot choose between readings
        at_depth.setdefault(max(depths), []).append((terms, op))
    choice = [0] * len(var)
    out: list[tuple[int, ...]] = []
    nodes = 0

    def cell(r: int, c: int) -> float | None:
        d = order.get(r)
        reading = rows[r].cands[choice[d]] if d is not None else (rows[r].cands[0] if len(rows[r].cands) == 1
                                                                   else None)
        v = reading[c] if reading is not None and c < len(reading) else None
        return None if v is None else v.value

    def holds(terms: list[_Term], op: str) -> bool:
        total = 0.0
        for r, c, k in terms:
            v = cell(r, c)
            if v is None:
                return True  # a cell not known: nothing to check
            total += k * v
        return abs(total) <= 1e-6 if op == "==" else total <= 1e-6

    def rec(d: int) -> None:
        nonlocal nodes
        if d == len(var):
            out.append(tuple(choice))
            if len(out) > _SOLUTION_CAP:
                raise _Capped
            return
        for k in range(len(rows[var[d]].cands)):
            nodes += 1
            if nodes > _SOLVE_NODE_CAP:
                raise _Capped
            choice[d] = k
            if all(holds(t, op) for t, op in at_depth.get(d, ())):
                rec(d + 1)

    try:
        rec(0)
    except _Capped:
        return None
    return out


def _positioned(text: str, r: _RowRead) -> tuple[_Val, ...] | None:
    """The row's printed values with their spans in their line (a plain line: pdftotext -layout columns)."""
    if r.geom is None:
        return None
    line_start, ls, le = r.geom
    s = text[ls:le]
    items = [x for x in _line_cells(s) if x[0] != "text"]
    toks = [m.span() for m in _TOKEN_RE.finditer(s)]
    if len(toks) < len(items):
        return None
    off = ls - line_start
    vals = tuple(replace(v, pos=(off + a, off + b))
                 for (kind, v), (a, b) in zip(items, toks[len(toks) - len(items):]) if kind == "val")
    return vals if len(vals) == sum(1 for v in r.values if v.kind != "pipe") else None


def _align(tokvals: tuple[_Val, ...], n: int, refs: list[tuple[_Val, ...]]) -> tuple[_Val | None, ...] | None:
    """A row that lost its empty cells, read by its cells' column positions (other rows of its table print all)."""
    centers = []
    for c in range(n):
        mids = sorted((r[c].pos[0] + r[c].pos[1]) / 2 for r in refs)
        centers.append(mids[len(mids) // 2])
    gaps = [b - a for a, b in zip(centers, centers[1:])]
    if any(g <= 0 for g in gaps):
        return None
    tol = min(gaps) / 2 if gaps else 2.0
    out: list[_Val | None] = [_BLANK_CELL] * n
    last = -1
    for v in tokvals:
        mid = (v.pos[0] + v.pos[1]) / 2
        c = min(range(n), key=lambda i: abs(centers[i] - mid))
        if abs(centers[c] - mid) > tol or c <= last:
            return None
        out[c] = v
        last = c
    return tuple(out)


@lru_cache(maxsize=None)
def _alias_re(code: str) -> re.Pattern | None:
    """The catalogue's words for a metric (label and aliases), longest first."""
    try:
        from .catalog import load_catalog

        d = load_catalog().get(code)
    except (FileNotFoundError, ValueError):  # pragma: no cover - catalogue missing
        return None
    if d is None:
        return None
    words = sorted({w for w in (d.label_zh, *d.aliases) if len(w) >= 2}, key=len, reverse=True)
    return re.compile("|".join(map(re.escape, words))) if words else None


class _Resolver:
    """Settles the readings of fused / lost cells with the identities of each table, then the report's prose."""

    def __init__(self, parser: _Parser, results: list[_Result]):
        self.p = parser
        self.rows = [r.row for r in results]

    def run(self) -> None:
        for table in _instances(self.p.era, self.rows):
            if any(len(r.cands) > 1 or r.lost for r in table):
                self._table(table)
        for r in self.rows:
            self._finish(r)

    def _table(self, rows: list[_RowRead]) -> None:
        # pdftotext -layout: a row that lost its empty cells, read by the columns of its table's full rows
        for r in rows:
            if (len(r.cands) > 1 or r.lost) and r.geom is not None:
                mine = _positioned(self.p.text, r)
                if not mine:
                    continue
                refs = []
                for x in rows:
                    if x is not r and len(x.cands) == 1 and not x.lost and len(x.cols) == len(r.cols):
                        pos = _positioned(self.p.text, x)
                        if pos is not None and len(pos) == len(x.cols):
                            refs.append(pos)
                aligned = _align(mine, len(r.cols), refs) if refs else None
                if aligned is not None:
                    r.cands, r.lost, r.how = [aligned], False, "aligned by column position"
        var = [i for i, r in enumerate(rows) if len(r.cands) > 1]
        if not var:
            return
        cons = _constraints(self.p.era, rows)
        fams = sorted({f for f, _, _ in cons})
        sols = _solve(rows, var, cons) if cons else None
        if sols == []:  # the printed figures break an identity: read with the others, one family dropped at a time
            found: list[tuple[int, ...]] | None = []
            for f in fams:
                s = _solve(rows, var, [x for x in cons if x[0] != f])
                if s is None:
                    found = None
                    break
                found.extend(x for x in s if x not in found)
            sols = found or None
        if sols is None:  # no joint information: each row by itself
            for i in var:
                kept = self._prose(rows, [i], [(k,) for k in range(len(rows[i].cands))])
                rows[i].resolved = [rows[i].cands[s[0]] for s in kept]
            return
        kept = self._prose(rows, var, sols)
        for d, i in enumerate(var):
            seen: list[tuple] = []
            for s in kept:
                cand = rows[i].cands[s[d]]
                if cand not in seen:
                    seen.append(cand)
            rows[i].resolved = seen

    def _prose(self, rows: list[_RowRead], var: list[int], sols: list[tuple[int, ...]]) -> list[tuple[int, ...]]:
        """The readings whose disputed cells the report's own prose states most (all of them when it states none)."""
        disputed: list[tuple[int, int, int]] = []  # (position in var, row index, column)
        for d, i in enumerate(var):
            for c in range(len(rows[i].cols)):
                vals = {self._key(rows[i].cands[s[d]][c]) for s in sols}
                if len(vals) > 1:
                    disputed.append((d, i, c))
        if not disputed or len(sols) < 2:
            return sols
        span = (min(r.start for r in rows), max(r.end for r in rows))
        scores = []
        for s in sols:
            score = 0
            for d, i, c in disputed:
                v = rows[i].cands[s[d]][c]
                if v is not None and v.value is not None and self._stated(rows[i].cols[c], v.value, span):
                    score += 1
            scores.append(score)
        best = max(scores)
        if best == 0:
            return sols
        for i in {i for _, i, _ in disputed}:
            rows[i].how = "settled by a figure the report's prose states"
        return [s for s, sc in zip(sols, scores) if sc == best]

    @staticmethod
    def _key(v: _Val | None):
        return None if v is None else (v.value, v.unit, v.kind)

    def _stated(self, col: _Col, value: float, span: tuple[int, int]) -> bool:
        """Whether the prose (outside the table) gives this figure for the cell's metric: an alias of the catalogue,
        a few characters of the same clause, the number, a count unit. Only numbers of two digits or more."""
        if value != int(value) or abs(value) < 10:
            return False
        key = (col.code, col.qualifier, int(value), span[0], span[1])
        got = self.p.said.get(key)
        if got is not None:
            return got
        got = False
        words = _alias_re(col.code)
        if self.p.numbers is None:  # every counted figure of the text, once
            self.p.numbers = {}
            for m in _PROSE_NUM_RE.finditer(self.p.text):
                self.p.numbers.setdefault(int(m.group(1)), []).append(m.start())
        if words is not None:
            text = self.p.text
            for at in self.p.numbers.get(int(value), ()):
                if span[0] <= at < span[1]:
                    continue
                clause = text[max(0, at - 24):at]
                cut = max(clause.rfind(x) for x in "。；;！!？?，,、\n")
                clause = clause[cut + 1:]
                w = None
                for w in words.finditer(clause):
                    pass
                if w is None or re.search(r"\d", clause[w.end():]) or len(clause) - w.end() > 12:
                    continue
                cumulative = "累计" in clause
                if cumulative == (col.qualifier == "cumulative"):
                    got = True
                    break
        self.p.said[key] = got
        return got

    def _finish(self, r: _RowRead) -> None:
        era = self.p.era
        evidence = self.p.text[r.start:r.end]
        readings = r.resolved if r.resolved is not None else r.cands
        r.resolved = readings
        if not readings:
            if not r.issues:
                r.issues.append(Issue(
                    "table_row_ambiguous", "warning",
                    f"{era}: no reading of the cells {r.printed!r} keeps the row's identities; row not read: "
                    f"{evidence!r}"))
            return
        if len(readings) == 1:
            if r.lost and readings[0] is r.cands[-1]:
                last = r.cols[-1]
                k = len(r.printed.split())
                if readings[0][-1] is None:
                    r.issues.append(Issue(
                        "table_row_ambiguous", "warning",
                        f"{era}: {k} of {len(r.cols)} cells, which of its columns is empty is unknown; "
                        f"row not read: {evidence!r}"))
                else:
                    dim = f" {last.dimension}" if last.dimension else ""
                    r.issues.append(Issue(
                        "table_row_ambiguous", "warning",
                        f"{era}: {k} of {len(r.cols)} cells (empty cells lost); kept only the last value as "
                        f"{last.code}{dim}, {k - 1} value(s) not assigned: {evidence!r}"))
            return
        unread = [c for i, c in enumerate(r.cols) if len({self._key(x[i]) for x in readings}) > 1
                  or readings[0][i] is None]
        shown = "; ".join(" | ".join("?" if v is None else v.raw for v in x) for x in readings[:3])
        more = f" (and {len(readings) - 3} more)" if len(readings) > 3 else ""
        cols = ", ".join(f"{c.code}{' ' + c.dimension if c.dimension else ''}" for c in unread[:4])
        cols += f" and {len(unread) - 4} more" if len(unread) > 4 else ""
        r.issues.append(Issue(
            "table_row_ambiguous", "warning",
            f"{era}: the cells {r.printed!r} of {r.label or 'the row'!r} can be read {len(readings)} ways that keep "
            f"the table's identities ({shown}{more}); not read: {cols}: {evidence!r}"))

    def read(self, r: _RowRead, page_at) -> list[tuple[Metric, TableCell]]:
        """The row's cells that all its remaining readings agree on: each as a Metric and as its TableCell."""
        readings = r.resolved or []
        out = []
        for i, col in enumerate(r.cols):
            v = readings[0][i] if readings else None
            if v is None or any(self._key(x[i]) != self._key(v) for x in readings[1:]):
                continue
            out.append(self._cell(r, i, col, v, page_at))
        return out

    def _cell(self, r: _RowRead, i: int, col: _Col, v: _Val, page_at) -> tuple[Metric, TableCell]:
        value = v.value
        src = v.unit or r.row_unit
        if value is not None and col.unit == "万元" and src == "元":
            value = round(value / 10000.0, 6)
        row_no, col_no = (v.cell[0] + 1, v.cell[1] + 1) if v.cell is not None else (r.row_no, i + 1)
        start, end = v.span if v.span is not None else (r.start, r.end)
        page = page_at(start)
        metric = Metric(
            metric_code=col.code, value=value, unit=col.unit, source_kind="table",
            evidence=self.p.text[r.start:r.end], char_start=r.start, char_end=r.end, dimension=col.dimension,
            qualifier=col.qualifier, label=col.label or r.label, page=page, cell=(r.table_no, row_no, col_no),
        )
        cell = TableCell(r.table_no, row_no, col_no, r.label, v.head or _col_label(self.p.era, r.block, col), v.raw, v.value,
                         v.unit or r.row_unit, _value_kind(v), start, end, page)
        return metric, cell


# ---------------------------------------------------------------- column headers
@dataclass(frozen=True)
class _Header:
    block: str  # a block prefix ('A' covers A1…A9, 'B' the B blocks) or '*'
    key: str  # what the column holds: a dimension pair, 'total', a metric code, 'cumulative' or '*' (any)
    rx: re.Pattern  # searched in the column's stacked header text (spaces removed)
    header: str  # its printed name


@lru_cache(maxsize=None)
def _headers(era: str) -> tuple[_Header, ...]:
    """The era's column headers (assets/table_columns.csv), in file order."""
    return tuple(_Header(r["block"].strip(), r["key"].strip(), re.compile(r["header_pattern"].strip()),
                         r["header"].strip())
                 for r in read_csv_rows(TABLE_COLUMNS_CSV) if r["era"].strip() in ("*", era))


def _col_key(block: str, col: _Col) -> str:
    """The key of assets/table_columns.csv a value column answers to."""
    if block.startswith("B") or block == "C":
        dim = "applicant=" if block.startswith("B") else "result="
        return next((x for x in (col.dimension or "").split(";") if x.startswith(dim)), "total")
    return "cumulative" if col.qualifier == "cumulative" else col.code


@lru_cache(maxsize=1 << 12)
def _col_header(era: str, block: str, col: _Col) -> _Header | None:
    key = _col_key(block, col)
    for h in _headers(era):
        if (h.block == "*" or block.startswith(h.block)) and (h.key == key or (h.key == "*" and key != "cumulative")):
            return h
    return None


def _col_label(era: str, block: str, col: _Col) -> str | None:
    h = _col_header(era, block, col)
    if block == "C" and col.label:  # Table C's 15 cells: the group (复议, 直接起诉, 复议后起诉) and the column
        return f"{col.label}/{h.header}" if h else col.label
    return h.header if h else None


def _by_header(era: str, block: str, cols: tuple[_Col, ...], vals: list[tuple[_Val, int]],
               header: dict[int, str]) -> list[_Val] | None:
    """A grid row's value cells placed by their columns' headers; None unless every column's header is found
    exactly once among the cells' headers (the cells are then read in order)."""
    want = [_col_header(era, block, c) for c in cols]
    if not header or None in want:
        return None
    out: list[_Val | None] = [None] * len(cols)
    for v, gcol in vals:
        stack = header.get(gcol, "")
        hits = [i for i, h in enumerate(want) if stack and h.rx.search(stack)]
        if len(hits) != 1 or out[hits[0]] is not None:
            if v.kind == "empty" and not hits:
                continue  # an empty cell under no header of the row: layout
            return None
        out[hits[0]] = v
    return out if None not in out else None


# ---------------------------------------------------------------- tables read as grids
def _role(s: str) -> str:
    """'value' (numbers, blanks, dashes, an empty cell), 'unit' (a unit alone) or 'label' (anything else)."""
    items = _split_cell_items(s, True)
    kinds = {k for k, _ in items}
    if "text" in kinds:
        return "label"
    return "unit" if kinds == {"unit"} else "value"


_CONTINUATION_GAP = 40  # characters between two grids of one table (a running title, a page number left)


class GridReader:
    """The report's grids (HTML, Word, PDF tables, mapped onto the clean text) read cell by cell, through the
    text reader's own row machinery (_Parser._enter / _finish_pending / _read): a grid row's label cells are its
    label, its value cells its values, placed by their column headers (assets/table_columns.csv) when the
    grid's headers name every column, else in order. A grid that continues on the next page without headers
    keeps the previous grid's headers and table."""

    def __init__(self, parser: _Parser, grids: tuple[TableLayout, ...]):
        self.p, self.grids = parser, grids
        self.results: list[_Result] = []
        self.extra: list[tuple[int, TableCell]] = []  # value cells of rows with no known label, by grid
        self.span_of: dict[int, tuple[int, int]] = {}  # grid -> its lines in the text
        self.table_of: dict[int, int] = {}  # grid -> the table it belongs to (itself, or the one it continues)
        self.offset = 0  # rows of the same table in earlier grids (a table continued on the next page)
        self.header: dict[int, str] = {}  # grid column -> the headers printed above it, stacked
        self.headed: set[int] = set()  # grids with a table's own header words (信息内容, 申请人情况, 行政复议…)
        self.grid_no = 0

    def run(self) -> None:
        p = self.p
        text = p.text
        kept, p.results = p.results, []
        context = (p.block, p.block_unit, p.cum_layout, p.c_ready, p.parent_row, p.in_children)
        prev_cols, prev_no, prev_rows, last_end = -1, -1, 0, 0
        for gno, grid in enumerate(self.grids):
            if not grid.cells:
                continue
            self.grid_no = gno
            start = min(c.start for c in grid.cells)
            end = text.find("\n", max(c.end for c in grid.cells))
            if len(text[last_end:start].strip()) > _CONTINUATION_GAP:
                prev_no = -1  # text between the grids: not one table over a page break
            last_end = len(text) if end < 0 else end + 1
            self.span_of[gno] = (start, last_end)
            rows = grid_lines(grid.cells)
            n_rows, n_cols = len(rows), max(c.col + c.col_span for c in grid.cells)
            table, self.offset = gno, 0
            carried = {k + n_cols - prev_cols: h for k, h in self.header.items()}  # value columns align right
            self.header = {}
            p._reset()
            in_header, first = False, True
            for r, row in enumerate(rows):
                items = [(c, " ".join(text[c.start:c.end].split())) for c in row]
                roles = [_role(x) for _, x in items]
                # the label: the text cells before the first value (empty cells between them are label columns
                # this row leaves empty); the values: every cell after the last of them
                first = next((k for k, (_, x) in enumerate(items) if roles[k] != "label" and x), len(items))
                j = 1 + max((k for k in range(first) if roles[k] == "label"), default=-1)
                label = "".join(x for (_, x), ro in zip(items[:j], roles[:j]) if ro == "label")
                own = [c for c, _ in items if c.row == r] or [c for c, _ in items]
                rs, re_ = min(c.start for c in own), max(c.end for c in own)
                hit = _lookup(p.era, p.block, label, False) if label else None
                values = [(c, x, roles[k]) for k, (c, x) in enumerate(items) if k >= j]
                if hit is None and not any(ro == "value" and x for _, x, ro in values):
                    self._header(items, r, reset=not in_header)
                    in_header, first = True, False
                    continue
                if first and prev_no >= 0 and hit is not None and hit.group.cols:
                    # no headers, a row at once: the previous grid's table, continued on this page
                    table, self.offset, self.header = prev_no, prev_rows, carried
                in_header, first = False, False
                if hit is None:
                    vals = self._vals(values, r)
                    if p.block == "C" and len([v for v, _ in vals]) == len(_c_positional(p.era)):
                        before = len(p.results)
                        p._emit_c([v for v, _ in vals], rs, re_, r)
                        for res in p.results[before:]:
                            res.row.grid = table
                        continue
                    for v, gcol in vals:
                        if v.kind != "empty":
                            self.extra.append((table, self._extra_cell(v, label, grid.page)))
                    continue
                self._row(hit, values, rs, re_, r, table)
            prev_cols, prev_no, prev_rows = n_cols, table, self.offset + n_rows
            self.table_of[gno] = table
        p._reset()
        self.results, p.results = p.results, kept
        # the text reader starts where it would have without the grids (their blocks and headers are theirs)
        p.block, p.block_unit, p.cum_layout, p.c_ready, p.parent_row, p.in_children = context

    def _header(self, items, r: int, reset: bool) -> None:
        p, header = self.p, self.header
        if reset:
            header.clear()
        for c, x in items:
            if not x or c.row != r:
                continue
            kind, hint, cum = _text_kind(x, False, p.era)
            if cum is not None:
                p.cum_layout = cum
            if hint:
                p.block_unit = hint
            if kind == "c_header":
                p.block, p.c_ready = "C", True
            if kind in ("anchor", "c_header"):
                self.headed.add(self.grid_no)
            for k in range(c.col, c.col + c.col_span):
                header[k] = "/".join(filter(None, (header.get(k), "".join(x.split()))))

    def _vals(self, values, r: int) -> list[tuple[_Val, int]]:
        out = []
        for c, x, role in values:
            span = (c.start, c.end)
            if role == "label":  # words in a value column ('见附件'): no figure, kept as printed
                out.append((_Val(None, None, "blank", x, True, None, (self.offset + c.row, c.col), span,
                                 self.header.get(c.col)), c.col))
                continue
            vals = [v for k, v in _split_cell_items(x, True) if k == "val"]
            for v in vals or [_Val(None, None, "empty", "", True)]:
                out.append((replace(v, cell=(self.offset + c.row, c.col), span=span, head=self.header.get(c.col)),
                            c.col))
        return out

    def _row(self, hit: _Hit, values, rs: int, re_: int, r: int, table: int) -> None:
        p = self.p
        p.frags.clear()
        for t in hit.titles:
            p._enter(t, r, rs, re_)
        for pg in hit.parents:
            p._enter(pg, r, rs, re_, as_parent=True)
        p._enter(hit.group, r, rs, re_, label=hit.label)
        row = p.pending
        if row is None:  # a title or group row
            return
        units = [x for _, x, role in values if role == "unit"]
        if units or hit.unit:
            row.unit_cell = hit.unit or units[0]
        vals = self._vals([v for v in values if v[2] != "unit"], r)
        placed = _by_header(p.era, row.group.block, p.row_cols(row), vals, self.header)
        # headers that do not name the row's columns say nothing about its cells: the official headers then
        row.values = placed if placed is not None else [replace(v, head=None) for v, _ in vals]
        row.vlines = [r] * len(row.values)
        row.vgeoms = [None] * len(row.values)
        before = len(p.results)
        p._finish_pending()
        for res in p.results[before:]:
            res.row.grid = table

    def _extra_cell(self, v: _Val, label: str, page: int | None) -> TableCell:
        return TableCell(0, v.cell[0] + 1, v.cell[1] + 1, label or None, v.head or None, v.raw, v.value, v.unit,
                         _value_kind(v), v.span[0], v.span[1], page)

    def accepted(self) -> list[_Result]:
        """The rows of grids that are statistics tables: two rows with figures, or one with five, or one under a
        table's own header words (a 第二十条 block printed as a table of its own)."""
        by_grid: dict[int, list[_Result]] = {}
        for res in self.results:
            by_grid.setdefault(res.row.grid, []).append(res)
        out = []
        for g, rows in by_grid.items():
            numeric = sum(1 for x in rows if x.numeric > 0)
            if numeric >= 2 or any(x.numeric >= 5 for x in rows) or (numeric and g in self.headed):
                out.extend(rows)
        return out

    def read_spans(self, accepted: list[_Result]) -> list[tuple[int, int]]:
        """The lines of the grids that are statistics tables (a grid of a page's layout, or one whose rows are no
        table's, is left to the text reader: a table flattened inside it is still found)."""
        tables = {res.row.grid for res in accepted}
        return [span for g, span in sorted(self.span_of.items()) if self.table_of.get(g) in tables]


def _value_kind(v: _Val) -> str:
    raw = v.raw.strip()
    if v.kind == "num" and v.value is not None:
        return "zero" if v.value == 0 else "number"
    if raw and is_redacted_token(raw):
        return "redacted"
    if not raw:
        return "blank"
    if _BLANK_RE.fullmatch(raw) and raw != "无":
        return "dash"
    return "text"


# ---------------------------------------------------------------- acceptance and post-processing
def _accepted(parser: _Parser) -> list[_Result]:
    events: list[tuple[int, int, _Result | None]] = [(a, 0, None) for a in parser.anchors]
    events += [(r.line, 1, r) for r in parser.results]
    events.sort(key=lambda e: (e[0], e[1]))
    narrative = parser.narrative
    out: list[_Result] = []
    seg: list[tuple[int, int, _Result | None]] = []

    def close() -> None:
        if not seg:
            return
        has_anchor = any(e[2] is None for e in seg)
        rows = [e[2] for e in seg if e[2] is not None]
        numeric_rows = sum(1 for r in rows if r.numeric > 0)
        if has_anchor and (numeric_rows >= 2 or any(r.numeric >= 5 for r in rows)):
            out.extend(rows)

    prev_line = None
    for e in events:
        if prev_line is not None:
            between = bisect.bisect_left(narrative, e[0]) - bisect.bisect_right(narrative, prev_line)
            if between >= 2:
                close()
                seg = []
        seg.append(e)
        prev_line = e[0]
    close()
    return out


def _section_for(sections: list[Section] | None, pos: int) -> int | None:
    if not sections:
        return None
    best: Section | None = None
    for s in sections:
        if s.char_start <= pos < s.char_end:
            if best is None or s.depth > best.depth or (s.depth == best.depth and s.char_start >= best.char_start):
                best = s
    return best.section_id if best else None


def _litigation_headline(metrics: list[Metric], text: str) -> Metric | None:
    by_dim = {m.dimension: m for m in metrics if m.metric_code == "admin_litigation_total" and m.qualifier is None}
    if None in by_dim:
        return None
    direct, after = by_dim.get("route=direct"), by_dim.get("route=after_review")
    if direct is None or after is None:
        return None
    value = None
    if direct.value is not None and after.value is not None:
        value = direct.value + after.value
    start, end = min(direct.char_start, after.char_start), max(direct.char_end, after.char_end)
    return Metric(metric_code="admin_litigation_total", value=value, unit=direct.unit, source_kind="table",
                  evidence=text[start:end], char_start=start, char_end=end, dimension=None,
                  label=direct.label if direct.label == after.label else "行政诉讼")


@dataclass
class TableRead:
    """What the statistics tables of one report give: figures, the cells they were read from, and issues."""

    metrics: list[Metric]
    cells: list[TableCell]
    issues: list[Issue]


def _number_tables(era: str, rows: list[_RowRead]) -> None:
    """table_no and row_no of the accepted rows (in text order): a grid is one table (with its continuation on
    the next page); in text a table ends where the family of its rows changes (A → B → C) or a row comes back."""
    key, no, seen, n = None, 0, set(), 0
    for r in rows:
        k = ("grid", r.grid) if r.grid is not None else ("text", _family(era, r)[0])
        if k != key or (r.grid is None and r.key in seen):
            key, no, seen, n = k, no + 1, set(), 0
        seen.add(r.key)
        n += 1
        r.table_no, r.row_no = no, n


def read_tables(text: str, sections: list[Section] | None = None, era: str | None = None,
                layout: Layout | None = None) -> TableRead:
    """Read the statistics tables of one cleaned report: the grids of its layout (offsets into `text`) cell by
    cell, the rest of the text as flattened tables.

    era: one of TABLE_ERAS; None → detect_table_era(text). Metrics have source_kind 'table', evidence = the row
    text, span = the row's span in text, section_id = the deepest section containing the row, label = the row label
    as printed, page and cell = (table_no, row_no, col_no) of their TableCell. Issues: ``table_row_ambiguous`` for
    rows that lost cells, carry too many, or whose fused cells the identities do not settle,
    ``table_cell_conflict`` for the same cell read twice with different values.
    """
    if era is None:
        era = detect_table_era(text)
    if era not in TABLE_ERAS or not text:
        return TableRead([], [], [])
    parser = _Parser(text, era)
    accepted: list[_Result] = []
    grids = None
    if layout is not None and layout.tables:
        grids = GridReader(parser, layout.tables)
        grids.run()
        accepted = grids.accepted()
        parser.skip = grids.read_spans(accepted)
    parser.parse()
    accepted = sorted(accepted + _accepted(parser), key=lambda res: res.row.start)
    resolver = _Resolver(parser, accepted)
    resolver.run()
    rows = [res.row for res in accepted]
    _number_tables(era, rows)
    page_at = layout.page_at if layout is not None else (lambda _pos: None)
    metrics: list[Metric] = []
    cells: list[TableCell] = []
    issues: list[Issue] = []
    seen: dict[tuple[str, str | None, str | None], Metric] = {}
    placed: set[tuple[int, int, int]] = set()
    for r in rows:
        issues.extend(r.issues)
        for m, cell in resolver.read(r, page_at):
            at = (cell.table_no, cell.row_no, cell.col_no)
            if at in placed:  # one printed cell holding several numbers: its first is its cell's figure
                m.cell = None
            else:
                placed.add(at)
            key = (m.metric_code, m.dimension, m.qualifier)
            first = seen.get(key)
            if first is not None:
                if first.value != m.value:
                    issues.append(Issue("table_cell_conflict", "warning",
                                        f"{era}: {m.metric_code} {m.dimension or ''} read as {first.value} "
                                        f"and {m.value}; kept the first: {m.evidence!r}"))
                if m.cell is not None:
                    cells.append(cell)
                continue
            seen[key] = m
            metrics.append(m)
            if m.cell is not None:
                cells.append(replace(cell, has_metric=True))
    if grids is not None:
        table_of = {r.grid: r.table_no for r in rows if r.grid is not None}
        for g, cell in grids.extra:
            at = (table_of.get(g), cell.row_no, cell.col_no)
            if at[0] is not None and at not in placed:
                placed.add(at)
                cells.append(replace(cell, table_no=at[0]))
    cells.sort(key=lambda c: (c.table_no, c.row_no, c.col_no))
    head = _litigation_headline(metrics, text)
    if head is not None:
        head.page = page_at(head.char_start)
        metrics.append(head)
    if sections:
        section_of: dict[int, int | None] = {}  # the cells of a row share its start
        for m in metrics:
            sid = section_of.get(m.char_start, -1)
            if sid == -1:
                sid = section_of[m.char_start] = _section_for(sections, m.char_start)
            m.section_id = sid
    return TableRead(metrics, cells, issues)


def extract_table_metrics(
    text: str, sections: list[Section] | None = None, era: str | None = None, layout: Layout | None = None
) -> tuple[list[Metric], list[Issue]]:
    """read_tables' figures and issues."""
    got = read_tables(text, sections, era, layout)
    return got.metrics, got.issues
