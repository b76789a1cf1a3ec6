"""Small dataclasses shared by every stage of the text library.

The text library is pure: functions over strings and these dataclasses, with no
Dagster or DuckDB import. The Dagster layer turns these objects into tables.
"""
from __future__ import annotations

import bisect
import datetime as dt
from dataclasses import dataclass, field

SEVERITIES = ("error", "warning", "info")
ADMIN_LEVELS = ("province", "city", "county", "unknown")
REPORT_KINDS = ("annual_report", "half_year_summary", "quarterly_report", "work_summary", "other")
FORMAT_ERAS = ("narrative", "table_2014", "table_2019", "table_2021")
FILE_FORMATS = ("text", "html", "docx", "pdf", "doc")  # the formats a report file is read in (text/documents.py)
SOURCE_KINDS = ("table", "narrative")
CELL_KINDS = ("number", "zero", "blank", "dash", "text", "redacted")  # core.fact_table_cell.value_kind
QUALIFIERS = ("approx", "as_of", "cumulative", "partial_period", "negation")
TOPICS = (
    "overview", "proactive_disclosure", "on_request", "review_litigation",
    "problems_improvements", "next_steps", "cover_letter", "statistics_table", "other",
)


class QuarantineError(Exception):
    """A report that cannot be read; `reason` is shown in core.quarantine."""

    def __init__(self, reason: str):
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True)
class Issue:
    """One data-quality finding about a report (a row of core.quality_issue)."""

    rule: str
    severity: str  # one of SEVERITIES
    detail: str


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str  # normalised codec name, e.g. "utf-8", "utf-8-sig", "utf-16", "gb18030"


@dataclass
class Cleaned:
    """Cleaned text plus an offset map back into the raw (decoded) text.

    offsets[i] is the index in the raw text of clean character i, so
    len(offsets) == len(text). Characters inserted by cleaning (e.g. a restored
    《) map to the raw index of the character they replace or follow.
    """

    text: str
    offsets: list[int]
    page_meta: dict[str, str] = field(default_factory=dict)  # published_on (YYYY-MM-DD), source, publisher, page_title
    rule_counts: dict[str, int] = field(default_factory=dict)  # rule name -> times applied
    converted_from_traditional: bool = False

    def raw_span(self, start: int, end: int) -> tuple[int, int]:
        """Map a half-open span of the clean text to a span of the raw text."""
        if not self.offsets:
            return (0, 0)
        if end <= start:
            pos = self.offsets[min(start, len(self.offsets) - 1)]
            return (pos, pos)
        return (self.offsets[start], self.offsets[end - 1] + 1)

    def clean_index(self, raw_index: int) -> int:
        """The first clean index whose raw offset is >= raw_index."""
        return bisect.bisect_left(self.offsets, raw_index)


@dataclass
class Section:
    """A node of the section tree. Spans are half-open offsets into the clean text."""

    section_id: int  # 1-based, document order
    parent_section_id: int | None
    depth: int  # 1 = top level
    ordinal: int  # 1-based position among its siblings
    heading: str  # '' for the preamble
    body: str
    char_start: int
    char_end: int
    marker: str = ""  # '一、', '（一）', '1.', ... ; '' for preamble / cover letter / table
    kind: str = "heading"  # heading | preamble | cover_letter | statistics_table
    topic: str = "other"  # one of TOPICS
    shingles: int = 0  # distinct word 3-grams of the body (text/reuse.py)
    minhash: str | None = None  # their MinHash signature, encoded (text/reuse.py)

    @property
    def heading_text(self) -> str:
        """The heading without its numbering marker ('一、总体情况' -> '总体情况'): core.fact_section.heading."""
        if self.marker and self.heading.startswith(self.marker):
            return self.heading[len(self.marker):].lstrip()
        return self.heading


@dataclass(frozen=True)
class RegionEvidence:
    """One place name the region was read from: as written; where: ``agency`` (the agency's own name: the span
    is that name's), ``title`` (a name without its place took the title's), ``body`` / ``cited`` (a body
    mention, ``cited`` inside 《》), ``page`` (the page's 发布机构 / 来源 field); its span in the clean text
    (-1, -1 when read from a page field or the title string); the region it was taken for
    (province/city/county)."""

    place: str
    where: str
    start: int
    end: int
    region: str


@dataclass
class ReportMeta:
    title: str | None = None
    agency_name: str | None = None
    agency_key: str | None = None
    admin_level: str = "unknown"
    province: str | None = None
    city: str | None = None
    county: str | None = None
    report_year: int | None = None
    report_kind: str = "other"
    format_era: str = "narrative"
    published_on: dt.date | None = None
    doc_number: str | None = None
    char_count: int = 0
    region_evidence: list[RegionEvidence] = field(default_factory=list)  # the place names province/city came from


@dataclass
class Metric:
    """One extracted figure with provenance (a row of core.fact_metric)."""

    metric_code: str
    value: float | None
    unit: str | None
    source_kind: str  # 'table' | 'narrative'
    evidence: str  # the sentence or table row it was read from
    char_start: int  # span of the figure's evidence in the clean text
    char_end: int
    dimension: str | None = None  # None = headline; else 'applicant=natural_person' etc.
    qualifier: str | None = None  # None or one of QUALIFIERS
    is_redacted: bool = False
    section_id: int | None = None
    label: str | None = None  # the noun phrase it counts, as printed ('机构职能类', a table's row label)
    page: int | None = None  # the page it is printed on (PDF)
    cell: tuple[int, int, int] | None = None  # (table_no, row_no, col_no) of its TableCell, for table figures


@dataclass(frozen=True)
class TableCell:
    """One value cell of a recognised statistics table (a row of core.fact_table_cell).

    Read from a grid (HTML, Word, PDF): row_no/col_no are the cell's place in the printed grid (1-based, the
    top-left of a merged cell) and the span is the cell's own text. Read from text: row_no is the row's place among
    the table's rows read, col_no the cell's place among the row's value columns, and the span is the row's."""

    table_no: int
    row_no: int
    col_no: int
    row_label: str | None
    col_label: str | None
    text: str  # as printed
    value: float | None
    unit: str | None
    value_kind: str  # one of CELL_KINDS
    char_start: int
    char_end: int
    page: int | None = None
    has_metric: bool = False  # a Metric points to it


def grid_lines(cells) -> list[list]:
    """The cells of a grid (anything with row, col, row_span: Cell, CellSpan) row by row, in column order: a merged
    cell in each row it covers (a row-spanning group label heads each of its rows), once per row."""
    out: list[list] = [[] for _ in range(max((c.row + c.row_span for c in cells), default=0))]
    for c in sorted(cells, key=lambda c: c.col):
        for r in range(c.row, c.row + c.row_span):
            out[r].append(c)
    return out


@dataclass(frozen=True)
class CellSpan:
    """A grid cell and where the document's text holds it (half-open offsets)."""

    row: int
    col: int
    row_span: int
    col_span: int
    start: int
    end: int


@dataclass(frozen=True)
class TableLayout:
    """One grid of a document: its page and its cells' places in the text."""

    page: int | None
    cells: tuple[CellSpan, ...]


@dataclass(frozen=True)
class Layout:
    """What a document knows beyond its text: where each page starts and where its tables' cells are.

    Offsets are into the document's text (raw.reports.text) and, once mapped (`mapped`), into the clean text."""

    pages: tuple[tuple[int, int], ...] = ()  # (offset where it starts, page number), ascending
    tables: tuple[TableLayout, ...] = ()

    def page_at(self, pos: int) -> int | None:
        i = bisect.bisect_right(self.pages, pos, key=lambda p: p[0]) - 1
        return self.pages[i][1] if i >= 0 else None

    def mapped(self, at) -> Layout:
        """The layout with every offset passed through `at` (raw offset -> clean offset)."""
        return Layout(tuple((at(s), n) for s, n in self.pages), tuple(
            TableLayout(t.page, tuple(CellSpan(c.row, c.col, c.row_span, c.col_span, at(c.start), at(c.end))
                                      for c in t.cells)) for t in self.tables))

    def to_json(self) -> str:
        import json

        return json.dumps({"pages": [list(p) for p in self.pages],
                           "tables": [{"page": t.page, "cells": [[c.row, c.col, c.row_span, c.col_span, c.start, c.end]
                                                                for c in t.cells]} for t in self.tables]},
                          separators=(",", ":"))

    @classmethod
    def from_json(cls, s: str | None) -> Layout | None:
        if not s:
            return None
        import json

        d = json.loads(s)
        return cls(tuple((a, b) for a, b in d.get("pages", ())), tuple(
            TableLayout(t.get("page"), tuple(CellSpan(*c) for c in t["cells"])) for t in d.get("tables", ())))


@dataclass
class ReportAnalysis:
    """Everything the library reads out of one report."""

    report_id: str
    cleaned: Cleaned
    meta: ReportMeta
    sections: list[Section]
    metrics: list[Metric]
    keywords: list[tuple[str, float]]
    issues: list[Issue]
    cells: list[TableCell] = field(default_factory=list)
