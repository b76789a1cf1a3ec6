"""Statistics-table extraction for the three generations of disclosure tables.

* ``table_2014`` – the 2014–2018 national 统计表 (统计指标 | 单位 | 统计数);
* ``table_2019`` / ``table_2021`` – the official formats: Table A (第二十条 blocks),
  Table B (申请 grid, 7 applicant columns) and Table C (复议/诉讼, 5+5+5 columns).

The text handed in is cleaned text (ASCII digits, ``()``, ``:``, ``|``). Tables
arrive flattened in several shapes (docs §2): pipe rows (A), one cell per line
with lone ``|``/``||`` lines (B), space-separated rows with signed changes and
in-cell units (C), Table B rows carrying their parent label (D) and Table C as a
vertical header followed by one line of 15 numbers (E). The parser therefore
treats the text as a *stream of cells*: a recognised row label starts a row and
the value cells that follow it (on the same line or, for shape B, on the next
lines) are its values, until the next text cell.

Python holds the shape parsing; the label → metric map is data in
``assets/table_rows.csv`` (era, block, label_pattern, metric_code, dimension, unit):

* ``label_pattern`` is a regex matched in full against the normalised label
  (bracketed guidance removed, quotes and spaces removed, ``1、`` → ``1.``),
  after any ordinal prefix (``一、`` ``(一)`` ``1.`` ``其中:``). A pattern that
  starts with ``^`` is matched against the label *including* its ordinal
  (``^(七)总计`` so a bare 总计 column header is not a row).
* consecutive CSV rows with the same era/block/label_pattern are the row's value
  columns, in order (Table A: 本年新制作/本年新公开/对外公开总数量 …);
* a row with an empty ``metric_code`` is a title/group row: it only sets the block
  context and counts as a table title;
* blocks starting with ``B`` are expanded over the 7 Table B columns (6 applicant
  types + 总计 = no applicant), block ``C`` over the 5 Table C columns (维持,
  纠正, 其他, 尚未审结, 总计 = the row's own dimension); a label-less run of 15
  numbers after a Table C header is mapped by position over the C rows in CSV
  order (复议 5 + 直接起诉 5 + 复议后起诉 5);
* when a label matches rows of several blocks, the current block wins (the 2014
  维持/纠错/其他 sub-rows under 行政复议, 行政诉讼, 举报投诉).

Rules: blank / ``-`` / ``—`` / ``/`` / ``无`` cells give a Metric with value None;
money in 元 becomes 万元; a row with fewer cells than columns keeps only its last
value (the 总计 / last column) and reports ``table_row_ambiguous``; a table is
accepted only when its segment has a recognisable title or header and several
rows with numeric cells, so prose is never read as a table.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass, field
from functools import lru_cache

from .model import Issue, Metric, Section
from .refdata import read_csv_rows

try:  # shared number parser (another engineer's module)
    from .numbers import parse_number as _shared_parse_number
except ImportError:  # pragma: no cover - only before numbers.py existed
    _shared_parse_number = None

__all__ = ["TABLE_ERAS", "detect_table_era", "extract_table_metrics", "table_era_evidence"]

TABLE_ERAS = ("table_2014", "table_2019", "table_2021")
TABLE_ROWS_CSV = "table_rows.csv"

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
_QUOTES_RE = re.compile(r"[“”\"‘’'「」『』]")
_ORD_PUNCT_RE = re.compile(r"(?<!\d)(\d{1,2})(?:[、．]|(?=[\u4e00-\u9fff]))")
_SEGMENT_RE = re.compile(r"(?=[一二三四五六七八九十]{1,3}、|\([一二三四五六七八九十]{1,3}\)|(?<!\d)\d{1,2}\.(?!\d)|其中:)")


@dataclass(frozen=True)
class _Col:
    code: str
    dimension: str | None
    unit: str | None


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
def _c_positional(era: str) -> tuple[_Col, ...]:
    return tuple(c for g in _era_groups(era) if g.block == "C" for c in g.cols)


@lru_cache(maxsize=1 << 14)
def _normalise_label(raw: str) -> str:  # cached: the same row labels recur in every report of an era
    s = _QUOTES_RE.sub("", raw)
    prev = None
    while prev != s:
        prev, s = s, _GUIDANCE_RE.sub("", s)
    s = "".join(s.split())
    s = s.replace("：", ":")
    return _ORD_PUNCT_RE.sub(r"\1.", s)


@lru_cache(maxsize=8192)
def _candidates(era: str, label: str) -> tuple[_Group, ...]:
    return tuple(g for g in _era_groups(era) if g.regex.fullmatch(label))


# ---------------------------------------------------------------- cells
_VALUE_RE = re.compile(
    r"(?:[+\-−－＋]|增加?|减少?)?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?(?:万元|元|人次|件|条|项|个|次|人|篇)?"
)
_BLANK_RE = re.compile(r"[-—–－/／─]+|无")
_UNIT_RE = re.compile(r"万元|元|人次|件|条|项|个|次|人|篇")
_NUM_PART_RE = re.compile(
    r"(?P<sign>[+\-−－＋]|增加?|减少?)?(?P<num>(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d+)?)(?P<unit>万元|元|人次|件|条|项|个|次|人|篇)?"
)
_PIPE_ONLY_RE = re.compile(r"[|\s]*")
_UNIT_HINT_RE = re.compile(r"单位:?(万元|元)")

# Anchors: recognisable table titles / column headers (matched on the compacted cell).
_ANCHOR_RE = re.compile(
    r"统计指标|统计数|情况统计表|信息内容|本年制发件数|本年废止件数|现行有效件数|本年新制作|本年新公开|本年新"
    r"|对外公开总数量|上一年项目数量|本年增/?减|处理决定数量|采购项目数量|采购总金额|本年收费金额|第二十条"
    r"|申请人情况|自然人|法人或其他组织|商业企业|科研机构|社会公益组织|法律服务机构|勾稽关系"
)
_C_HEADER_RE = re.compile(
    r"行政复议|行政诉讼|未经复议|直接起诉|复议后起诉|结果维持|结果纠正|其他结果|尚未审结"
    r"|结结其尚|果果他未|维纠结审|持正果结"
)
_VERTICAL_RE = re.compile(r"(?:[\u4e00-\u9fff]\s+)+[\u4e00-\u9fff]")
_MAX_ANCHOR_LEN = 60
_MAX_PLAIN_LINE = 160  # longer lines without pipes are prose
_TABLEISH_SHORT = 12


@dataclass
class _Val:
    value: float | None
    unit: str | None
    kind: str  # 'num' | 'blank' (-, —, /, 无) | 'empty' (empty pipe cell) | 'pipe' (weak: lone-pipe line)


@lru_cache(maxsize=1 << 14)
def _parse_value(tok: str) -> _Val:  # cached: _Val is never mutated (rows replace values, never edit them)
    if _BLANK_RE.fullmatch(tok):
        return _Val(None, None, "blank")
    if _shared_parse_number is not None:
        p = _shared_parse_number(tok)
        if p.value is not None:
            return _Val(float(p.value), p.unit, "num")
    m = _NUM_PART_RE.fullmatch(tok)
    if m is None:  # pragma: no cover - guarded by _VALUE_RE
        return _Val(None, None, "blank")
    v = float(m.group("num").replace(",", ""))
    if m.group("sign") in ("-", "−", "－", "减", "减少"):
        v = -v
    return _Val(v, m.group("unit"), "num")


def _split_cell(cell: str, pipe_cell: bool) -> list[tuple[str, object]]:
    """A cell → [('text', label)] + trailing [('val', _Val) | ('unit', u)] items."""
    return list(_split_cell_items(cell, pipe_cell))


@lru_cache(maxsize=1 << 15)
def _split_cell_items(cell: str, pipe_cell: bool) -> tuple[tuple[str, object], ...]:
    # cached per cell text: tables repeat the same cells ("0", "件", labels) across rows and reports
    toks = cell.split()
    if not toks:
        return (("val", _Val(None, None, "empty")),) if pipe_cell else ()
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
    if i > 0:
        out.append(("text", " ".join(toks[:i])))
    for t in toks[i:]:
        if _UNIT_RE.fullmatch(t):
            out.append(("unit", t))
        else:
            out.append(("val", _parse_value(t)))
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


# ---------------------------------------------------------------- parser
@dataclass
class _Row:
    group: _Group
    start: int
    end: int
    line: int
    values: list[_Val] = field(default_factory=list)
    unit_cell: str | None = None
    block_unit: str | None = None


@dataclass
class _Run:
    start: int
    end: int
    line: int
    values: list[_Val] = field(default_factory=list)


@dataclass
class _Result:
    line: int
    numeric: int
    metrics: list[Metric]
    issues: list[Issue]


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

    # -- driving
    def parse(self) -> None:
        text = self.text
        li = -1
        pos = 0
        n = len(text)
        while pos < n:
            nl = text.find("\n", pos)
            if nl < 0:
                nl = n
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
                    continue
                tableish = True
            elif len(s) > _MAX_PLAIN_LINE or s[-1] in "。；;，,！!？?":
                self._reset()
                self.narrative.append(li)
                continue
            else:
                tableish = len(s) <= _TABLEISH_SHORT
            cells = _line_cells(s)
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
            if not (tableish or event):
                self.narrative.append(li)
        self._reset()

    def _reset(self) -> None:
        self._finish_pending()
        self._finish_run()
        self.c_ready = False

    # -- events
    def _on_text(self, raw: str, li: int, ls: int, le: int) -> bool:
        self._finish_pending()
        self._finish_run()
        label = _normalise_label(raw)
        groups = self._match(label)
        if groups is None:
            segs = [p for p in _SEGMENT_RE.split(label) if p]
            if len(segs) > 1:
                matched = [self._match(p) for p in segs]
                if matched[-1] is not None:
                    for g in matched[:-1]:
                        if g is not None:
                            self._enter(g, li, ls, le, as_parent=True)
                    groups = matched[-1]
        if groups is not None:
            self._enter(groups, li, ls, le)
            return True
        compact = "".join(raw.split())
        probe = "\n".join(x for x in (label if len(label) <= _MAX_ANCHOR_LEN else "",
                                        compact if len(compact) <= _MAX_ANCHOR_LEN + 20 else "") if x)
        if not probe:
            self.c_ready = False
            return False
        if _C_HEADER_RE.search(probe) or (self.block == "C" and (compact == "总计" or _VERTICAL_RE.fullmatch(raw))):
            self.block = "C"
            self.c_ready = True
            self.anchors.append(li)
            return True
        self.c_ready = False
        if _ANCHOR_RE.search(probe):
            self.anchors.append(li)
            m = _UNIT_HINT_RE.search(compact)
            if m:
                self.block_unit = m.group(1)
            return True
        return False

    def _match(self, label: str) -> _Group | None:
        cands = _candidates(self.era, label)
        if not cands:
            return None
        if len(cands) == 1:
            return cands[0]
        for g in cands:
            if g.block == self.block:
                return g
        if len({g.block for g in cands}) == 1:
            return cands[0]
        return None

    def _enter(self, g: _Group, li: int, ls: int, le: int, as_parent: bool = False) -> None:
        if g.block != self.block:
            self.block_unit = None
        self.block = g.block
        self.c_ready = g.block == "C"
        if not g.cols:
            self.anchors.append(li)
            return
        if not as_parent:
            self.pending = _Row(g, ls, le, li, block_unit=self.block_unit)

    def _on_value(self, v: _Val, li: int, ls: int, le: int) -> bool:
        if self.pending is not None:
            if v.kind == "empty" and li != self.pending.line:
                v = _Val(None, None, "pipe")  # empty cells on later lines are layout, not the row's cells
            self.pending.values.append(v)
            self.pending.end = max(self.pending.end, le)
            return True
        if not self.c_ready:
            return False
        if self.run is None:
            self.run = _Run(ls, le, li)
        self.run.values.append(v)
        self.run.end = max(self.run.end, le)
        return True

    # -- emission
    def _metric(self, col: _Col, v: _Val, row_unit: str | None, start: int, end: int) -> Metric:
        value = v.value
        src = v.unit or row_unit
        if value is not None and col.unit == "万元" and src == "元":
            value = round(value / 10000.0, 6)
        return Metric(
            metric_code=col.code, value=value, unit=col.unit, source_kind="table",
            evidence=self.text[start:end], char_start=start, char_end=end, dimension=col.dimension,
        )

    def _emit(self, cols: tuple[_Col, ...], values: list[_Val], row_unit: str | None,
              start: int, end: int, line: int) -> None:
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
        if len(values) > n_exp:
            self.results.append(_Result(line, numeric, [], [Issue(
                "table_row_ambiguous", "warning",
                f"{self.era}: {len(values)} cells for {n_exp} columns, row not read: {evidence!r}")]))
            return
        if len(values) == n_exp:
            metrics = [self._metric(c, v, row_unit, start, end) for c, v in zip(cols, values)]
            self.results.append(_Result(line, numeric, metrics, []))
            return
        if numeric == 0:  # nothing but blanks, and too few of them: a header, not a data row
            return
        last = cols[-1]
        dim = f" {last.dimension}" if last.dimension else ""
        issue = Issue(
            "table_row_ambiguous", "warning",
            f"{self.era}: {len(values)} of {n_exp} cells (empty cells lost); kept only the last value as "
            f"{last.code}{dim}, {len(values) - 1} value(s) not assigned: {evidence!r}")
        self.results.append(_Result(line, numeric, [self._metric(last, values[-1], row_unit, start, end)], [issue]))

    def _finish_pending(self) -> None:
        row, self.pending = self.pending, None
        if row is None:
            return
        cols = row.group.cols
        real = [v for v in row.values if v.kind != "pipe"]
        row_unit = row.unit_cell or row.block_unit
        if not real:
            # label only: a 1-column row whose value cell is visibly there but empty → None
            if len(cols) == 1 and (row.values or row.unit_cell):
                self.results.append(_Result(row.line, 0, [self._metric(cols[0], _Val(None, None, "blank"),
                                                                        row_unit, row.start, row.end)], []))
            return
        if row.group.block == "C" and not any(v.kind == "num" for v in real):
            return  # C labels double as column headers
        values = list(row.values)
        if (row.group.block == "C" and len(real) == len(_c_positional(self.era)) > len(cols)):
            self._emit_c(real, row.start, row.end, row.line)
            return
        self._emit(cols, values, row_unit, row.start, row.end, row.line)

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
        if len(values) < 2:  # a lone number after a Table C header is not a data row
            return
        self._emit(cols, list(values), None, start, end, line)


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
    by_dim = {m.dimension: m for m in metrics if m.metric_code == "admin_litigation_total"}
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
                  evidence=text[start:end], char_start=start, char_end=end, dimension=None)


def extract_table_metrics(
    text: str, sections: list[Section] | None = None, era: str | None = None
) -> tuple[list[Metric], list[Issue]]:
    """Read the statistics tables of one cleaned report.

    era: one of TABLE_ERAS; None → detect_table_era(text). Returns table Metrics
    (source_kind 'table', evidence = the row text, span = the row's span in
    text, section_id = the deepest section containing the row) and Issues
    (``table_row_ambiguous`` for rows that lost cells or carry too many,
    ``table_cell_conflict`` for the same cell read twice with different values).
    """
    if era is None:
        era = detect_table_era(text)
    if era not in TABLE_ERAS or not text:
        return [], []
    parser = _Parser(text, era)
    parser.parse()
    metrics: list[Metric] = []
    issues: list[Issue] = []
    seen: dict[tuple[str, str | None], Metric] = {}
    for res in _accepted(parser):
        issues.extend(res.issues)
        for m in res.metrics:
            key = (m.metric_code, m.dimension)
            first = seen.get(key)
            if first is not None:
                if first.value != m.value:
                    issues.append(Issue("table_cell_conflict", "warning",
                                        f"{era}: {m.metric_code} {m.dimension or ''} read as {first.value} "
                                        f"and {m.value}; kept the first: {m.evidence!r}"))
                continue
            seen[key] = m
            metrics.append(m)
    head = _litigation_headline(metrics, text)
    if head is not None:
        metrics.append(head)
    if sections:
        section_of: dict[int, int | None] = {}  # the cells of a row share its start
        for m in metrics:
            sid = section_of.get(m.char_start, -1)
            if sid == -1:
                sid = section_of[m.char_start] = _section_for(sections, m.char_start)
            m.section_id = sid
    return metrics, issues
