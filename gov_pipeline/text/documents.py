"""Readers behind one interface: a report file's bytes and name -> a Document.

A Document is the report as its format lays it out: text blocks in reading order, statistics tables as grids of
cells (row, column, row span, column span, text) and what the reader dropped (site chrome, scripts). The format
is told by the bytes, not the suffix: an HTML page saved as `.txt` is read as HTML, a Word file renamed `.txt` as
Word. Every reader uses a well-kept library:

- text: `decode.decode_report` (strict UTF-8, byte-order marks, then charset-normalizer against GB18030);
- HTML: lxml — the charset from a byte-order mark, the `<meta>` declaration, else the content; the article body
  without the site's chrome (rules in `assets/html.toml`); `<br>` and block boundaries kept as line breaks;
  `<table>` with `rowspan`/`colspan` expanded into a grid;
- Word (`.docx`): python-docx — paragraphs and tables in body order, merged cells expanded.

`Document.text()` is what the rest of the text library reads: the blocks joined by line breaks, every table as one
line per grid row with its cells between `|` (the table extractor's pipe-row shape; a merged cell appears once in
each row it covers, so a group label spanning rows heads each of them). Pure functions: no Dagster or DuckDB
import.
"""
from __future__ import annotations

import io
import re
import tomllib
import zipfile
from dataclasses import dataclass, field
from functools import lru_cache

from .decode import check_text, decode_report
from .model import FILE_FORMATS as FORMATS
from .model import CellSpan, Layout, QuarantineError, TableLayout, grid_lines
from .refdata import asset_path

__all__ = ["Cell", "Grid", "Block", "Document", "read_document", "sniff_format", "FORMATS"]

HTML_RULES = "html.toml"


@dataclass(frozen=True)
class Cell:
    row: int
    col: int
    row_span: int
    col_span: int
    text: str


@dataclass
class Grid:
    """A table as printed: its cells, each at its top-left position with its spans."""

    cells: list[Cell]
    page: int | None = None

    @property
    def n_rows(self) -> int:
        return max((c.row + c.row_span for c in self.cells), default=0)

    @property
    def n_cols(self) -> int:
        return max((c.col + c.col_span for c in self.cells), default=0)

    def lines(self) -> list[list[str]]:
        """Each row's cells in column order, a merged cell once per row it covers (a row-spanning group label
        repeats on each of its rows; a column-spanning cell is not repeated across its columns)."""
        return [[c.text for c in row] for row in grid_lines(self.cells)]

    def rows(self) -> list[list[str]]:
        """The grid with every merged range expanded: each position holds its cell's text."""
        out = [["" for _ in range(self.n_cols)] for _ in range(self.n_rows)]
        for c in self.cells:
            for r in range(c.row, c.row + c.row_span):
                for k in range(c.col, c.col + c.col_span):
                    out[r][k] = c.text
        return out


@dataclass
class Block:
    kind: str  # 'text' | 'table'
    text: str = ""
    table: Grid | None = None
    page: int | None = None


@dataclass
class Document:
    format: str  # one of FORMATS
    reader: str  # library and version that read it, e.g. 'lxml 6.2.1'
    encoding: str | None  # the text's codec (text and HTML); None for Word
    blocks: list[Block] = field(default_factory=list)
    dropped: list[str] = field(default_factory=list)  # what the reader left out, for the record

    @property
    def tables(self) -> list[Grid]:
        return [b.table for b in self.blocks if b.table is not None]

    def text(self) -> str:
        return self.render()[0]

    def render(self) -> tuple[str, Layout | None]:
        """The text the rest of the library reads, and its Layout (where each page starts, where each grid's
        cells are in that text); a text file has no layout."""
        if self.format == "text":
            return self.blocks[0].text, None  # a text file's decoded text, unchanged
        out: list[str] = []
        pos = 0
        pages: list[tuple[int, int]] = []
        tables: list[TableLayout] = []

        def add(line: str) -> int:
            nonlocal pos
            start = pos
            out.append(line)
            pos += len(line) + 1
            return start

        for b in self.blocks:
            if b.page is not None and (not pages or pages[-1][1] != b.page):
                pages.append((pos, b.page))
            if b.table is not None:
                spans: list[CellSpan] = []
                for r, row in enumerate(grid_lines(b.table.cells)):
                    texts = [_one_line(c.text) for c in row]
                    start = add(" | ".join(texts) + " |")
                    for c, t in zip(row, texts):
                        if c.row == r:  # a merged cell is placed where its top row prints it
                            spans.append(CellSpan(c.row, c.col, c.row_span, c.col_span, start, start + len(t)))
                        start += len(t) + 3
                tables.append(TableLayout(b.table.page, tuple(spans)))
            elif b.text.strip():
                add(b.text.strip("\n"))
        return "\n".join(out) + "\n", Layout(tuple(pages), tuple(tables))


def _one_line(s: str) -> str:
    return " ".join(s.split()).replace("|", "｜")


# ----------------------------------------------------------------------------------------------- sniffing
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the container of .doc, .wps (and .xls)
_HTML_SNIFF = re.compile(rb"<!doctype\s+html|<html[\s>]|<body[\s>]|<head[\s>]|<meta\s[^>]*charset|<div[\s>]|"
                         rb"<table[\s>]|<p[\s>]", re.I)


def sniff_format(data: bytes) -> str:
    """'pdf', 'doc' (.doc/.wps), 'docx', 'html' or 'text', from the bytes (any other binary is 'text': decoding
    quarantines it)."""
    if data[:1024].lstrip()[:5] == b"%PDF-":
        return "pdf"
    if data[:8] == _OLE2:
        return "doc"
    if data[:4] == b"PK\x03\x04":
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as z:
                if "word/document.xml" in z.namelist():
                    return "docx"
        except zipfile.BadZipFile:
            return "text"
        return "text"
    head = data[:4096]
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):  # UTF-16: look at its characters, not its bytes
        head = head[2:].decode("utf-16-le" if head[:2] == b"\xff\xfe" else "utf-16-be", "ignore").encode("utf-8")
    head = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if head[:1] == b"<" and _HTML_SNIFF.search(head):
        return "html"
    return "text"


def read_document(data: bytes, name: str = "", max_bytes: int | None = None) -> Document:
    """The Document of a report file; QuarantineError (with the reason) when it cannot be read."""
    fmt = sniff_format(data)
    if fmt == "doc":
        doc = _read_docx(_convert_doc(data, name))
        doc.format, doc.reader = "doc", f"LibreOffice, {doc.reader}"
        return doc
    if fmt == "pdf":
        return _read_pdf(data)
    if fmt == "docx":
        return _read_docx(data)
    if fmt == "html":
        return _read_html(data)
    decoded = decode_report(data) if max_bytes is None else decode_report(data, max_bytes=max_bytes)
    return Document("text", "gov_pipeline.text.decode", decoded.encoding, [Block("text", decoded.text)])


# ----------------------------------------------------------------------------------------------- HTML
@dataclass(frozen=True)
class _HtmlRules:
    drop_tags: frozenset[str]
    chrome_rx: re.Pattern
    content_rx: re.Pattern
    block_tags: frozenset[str]


@lru_cache(maxsize=1)
def _html_rules() -> _HtmlRules:
    with asset_path(HTML_RULES).open("rb") as fh:
        d = tomllib.load(fh)
    return _HtmlRules(frozenset(d["drop"]["tags"]), re.compile(d["drop"]["class_or_id"], re.I),
                      re.compile(d["content"]["class_or_id"], re.I), frozenset(d["layout"]["block_tags"]))


_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([a-zA-Z0-9_\-]+)", re.I)
_CODEC_ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "x-gbk": "gb18030",
                  "utf8": "utf-8", "utf-8": "utf-8", "big5": "big5"}


def _html_text(data: bytes) -> tuple[str, str]:
    """(text, codec) of an HTML page: a byte-order mark, else its <meta> charset, else the content."""
    if not data.startswith((b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")):
        m = _META_CHARSET.search(data[:4096])
        codec = _CODEC_ALIASES.get(m.group(1).decode("ascii", "ignore").lower()) if m else None
        if codec:
            try:
                return data.decode(codec), codec
            except UnicodeDecodeError:
                pass  # a page that lies about its charset: read it by its content
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16"), "utf-16"
    for codec in ("utf-8-sig", "gb18030"):  # the markup is ASCII: the content tells the two apart
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            continue
    raise QuarantineError("cannot decode the HTML page: neither its declared charset, UTF-8 nor GB18030 fits")


def _lxml_version() -> str:
    import lxml

    return f"lxml {lxml.__version__}"


def _read_html(data: bytes) -> Document:
    import lxml.html  # imported on first use: most reports are text

    text, codec = _html_text(data)
    text = re.sub(r"^\s*<\?xml[^>]*>", "", text)  # lxml refuses a str with an encoding declaration
    try:
        root = lxml.html.document_fromstring(text)
    except Exception as exc:  # noqa: BLE001 - lxml raises several types on broken pages
        raise QuarantineError(f"cannot parse the HTML page: {exc}") from None
    rules = _html_rules()
    dropped: list[str] = []
    title = (root.findtext(".//title") or "").strip()
    for el in list(root.iter()):
        if el.getparent() is None:
            continue  # the root, or inside a subtree dropped already
        if not isinstance(el.tag, str):  # comments, processing instructions
            el.drop_tree()
            continue
        tag = el.tag.lower()
        key = f"{el.get('class', '')} {el.get('id', '')}"
        if tag in rules.drop_tags or (tag != "body" and rules.chrome_rx.search(key)):
            dropped.append(tag + (f".{key.strip()}" if key.strip() else ""))
            el.drop_tree()
    body = _content_root(root, rules)
    blocks = _html_blocks(body, rules)
    if title and not any(title in b.text for b in blocks[:3] if b.kind == "text"):
        blocks.insert(0, Block("text", title))
    if not any(b.text.strip() or b.table is not None for b in blocks):
        raise QuarantineError("the HTML page has no text once its navigation and scripts are left out")
    doc = Document("html", _lxml_version(), codec, blocks, dropped)
    check_text(doc.text(), len(data))
    return doc


def _content_root(root, rules: _HtmlRules):
    """The article body: the largest element whose class or id names content, else the element holding most of
    the page's text outside links, else <body>."""
    best, best_len = None, 0
    for el in root.iter():
        if not isinstance(el.tag, str):
            continue
        if rules.content_rx.search(f"{el.get('class', '')} {el.get('id', '')}"):
            n = len(el.text_content().strip())
            if n > best_len:
                best, best_len = el, n
    body = root.find(".//body")
    body = body if body is not None else root
    total = len(body.text_content().strip())
    if best is not None and best_len >= 0.3 * total:
        return best
    return body


def _html_blocks(root, rules: _HtmlRules) -> list[Block]:
    blocks: list[Block] = []
    buf: list[str] = []

    def flush() -> None:
        s = "".join(buf)
        buf.clear()
        for line in s.split("\n"):
            line = " ".join(line.split())
            if line:
                blocks.append(Block("text", line))

    def walk(el) -> None:
        tag = el.tag.lower() if isinstance(el.tag, str) else ""
        if tag == "table":
            flush()
            grid = _html_grid(el)
            if grid.cells:
                blocks.append(Block("table", table=grid))
            if el.tail:
                buf.append(el.tail)
            return
        if tag == "br":
            buf.append("\n")
        elif tag in rules.block_tags:
            buf.append("\n")
        if el.text and tag not in ("script", "style"):
            buf.append(el.text)
        for child in el:
            walk(child)
        if tag in rules.block_tags:
            buf.append("\n")
        if el.tail:
            buf.append(el.tail)

    walk(root)
    flush()
    return blocks


def _cell_text(el) -> str:
    for br in el.iter("br"):  # a line break inside a cell is a space in the cell's text
        br.tail = " " + (br.tail or "")
    return " ".join(el.text_content().split())


def _html_grid(table) -> Grid:
    """The grid of a <table> (nested tables read as text of their cell), spans expanded by position."""
    cells: list[Cell] = []
    taken: set[tuple[int, int]] = set()
    r = 0
    for tr in table.iter("tr"):
        if _nearest_table(tr) is not table:
            continue
        c = 0
        any_cell = False
        for td in tr:
            if not isinstance(td.tag, str) or td.tag.lower() not in ("td", "th"):
                continue
            while (r, c) in taken:
                c += 1
            rs, cs = _span(td.get("rowspan")), _span(td.get("colspan"))
            cells.append(Cell(r, c, rs, cs, _cell_text(td)))
            for i in range(r, r + rs):
                for k in range(c, c + cs):
                    taken.add((i, k))
            c += cs
            any_cell = True
        if any_cell:
            r += 1
    return Grid(cells)


def _nearest_table(el):
    p = el.getparent()
    while p is not None and not (isinstance(p.tag, str) and p.tag.lower() == "table"):
        p = p.getparent()
    return p


def _span(v: str | None) -> int:
    try:
        return max(1, min(int((v or "1").strip()), 200))
    except ValueError:
        return 1


# ----------------------------------------------------------------------------------------------- Word
CONVERT_TIMEOUT_S = 120


def _convert_doc(data: bytes, name: str) -> bytes:
    """A .doc or .wps file converted to .docx by LibreOffice, when it is installed (soffice on PATH)."""
    import shutil
    import subprocess
    import tempfile
    from pathlib import Path

    soffice = shutil.which("soffice") or shutil.which("libreoffice")
    if soffice is None:
        raise QuarantineError(
            "a .doc/.wps (old Word or WPS) file, which only LibreOffice can convert and it is not installed: save the "
            "file as .docx (Word or WPS: File > Save As), or install LibreOffice (Debian: apt install "
            "libreoffice-writer) and it is read as it is")
    with tempfile.TemporaryDirectory(prefix="gov-doc-") as tmp:
        src = Path(tmp) / ("in" + (Path(name).suffix.lower() or ".doc"))
        src.write_bytes(data)
        try:
            subprocess.run([soffice, "--headless", "--convert-to", "docx", "--outdir", tmp, str(src)],
                           capture_output=True, timeout=CONVERT_TIMEOUT_S, check=True,
                           env={"HOME": tmp, "PATH": "/usr/bin:/bin:/usr/local/bin"})
        except (subprocess.SubprocessError, OSError) as exc:
            raise QuarantineError(f"LibreOffice could not convert the .doc/.wps file: {exc}") from None
        out = src.with_suffix(".docx")
        if not out.is_file():
            raise QuarantineError("LibreOffice could not convert the .doc/.wps file (it wrote no .docx)")
        return out.read_bytes()


def _read_docx(data: bytes) -> Document:
    import docx  # python-docx, imported on first use
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    try:
        d = docx.Document(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - a damaged package raises several types
        raise QuarantineError(f"cannot read the Word file: {exc}") from None
    blocks: list[Block] = []
    body = d.element.body
    for child in body.iterchildren():
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "p":
            blocks.append(Block("text", Paragraph(child, d).text))
        elif tag == "tbl":
            grid = _docx_grid(Table(child, d))
            if grid.cells:
                blocks.append(Block("table", table=grid))
    if not any(b.text.strip() or b.table is not None for b in blocks):
        raise QuarantineError("the Word file has no text")
    from importlib.metadata import version

    doc = Document("docx", f"python-docx {version('python-docx')}", None, blocks)
    check_text(doc.text(), len(data))
    return doc


_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _docx_grid(table) -> Grid:
    """A Word table from its XML: a cell's gridSpan is its column span; a cell marked vMerge (without
    'restart') continues the cell above it, which grows its row span."""
    cells: list[Cell] = []
    top: dict[int, int] = {}  # column -> index in cells of the cell that starts there, for vertical merges
    for r, tr in enumerate(table._tbl.iterchildren(f"{_W}tr")):
        c = 0
        for tc in tr.iterchildren(f"{_W}tc"):
            pr = tc.find(f"{_W}tcPr")
            span, vmerge = 1, None
            if pr is not None:
                gs = pr.find(f"{_W}gridSpan")
                if gs is not None:
                    span = _span(gs.get(f"{_W}val"))
                vm = pr.find(f"{_W}vMerge")
                if vm is not None:
                    vmerge = vm.get(f"{_W}val") or "continue"
            if vmerge == "continue" and c in top:
                k = top[c]
                prev = cells[k]
                cells[k] = Cell(prev.row, prev.col, r - prev.row + 1, prev.col_span, prev.text)
            else:
                text = " ".join("".join(t.text or "" for t in tc.iter(f"{_W}t")).split())
                cells.append(Cell(r, c, 1, span, text))
                top[c] = len(cells) - 1
            c += span
    return Grid(cells)


# ----------------------------------------------------------------------------------------------- PDF
_PAGE_NUMBER = re.compile(r"^[\s\-—–·•]*(?:第\s*)?[0-9]{1,4}\s*(?:页)?(?:\s*/\s*(?:共\s*)?[0-9]{1,4}\s*页?)?[\s\-—–·•]*$|"
                          r"^[\s\-—–]*[-—–]\s*[0-9]{1,4}\s*[-—–][\s\-—–]*$")


def _read_pdf(data: bytes) -> Document:
    """A PDF's text layer page by page (pdfplumber): tables with ruling lines as grids of cells with their spans,
    the rest of each page as layout text (words placed by their positions, as `pdftotext -layout` does: the table
    extractor reads tables without rulings from it); page numbers and running headers or footers repeated on most
    pages are dropped. A PDF without a text layer is quarantined: no text layer (scanned PDF)."""
    import pdfplumber  # imported on first use

    blocks: list[Block] = []
    dropped: list[str] = []
    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except Exception as exc:  # noqa: BLE001 - pdfminer raises several types on a damaged file
        raise QuarantineError(f"cannot read the PDF: {exc}") from None
    with pdf:
        # each page cut into bands at its tables' edges: text above a table, the table, text below it, ...
        pages: list[list[tuple[str, object]]] = []
        widths: list[int] = []  # characters a layout line of each page holds
        for number, page in enumerate(pdf.pages, start=1):
            found = sorted(page.find_tables(), key=lambda t: t.bbox[1])
            parts: list[tuple[str, object]] = []
            top = page.bbox[1]
            for t in found:
                if t.bbox[1] > top:
                    parts += _band(page, top, t.bbox[1], number)
                grid = _pdf_grid(t, number)
                if grid.cells:
                    parts.append(("table", grid))
                top = max(top, t.bbox[3])
            if top < page.bbox[3]:
                parts += _band(page, top, page.bbox[3], number)
            pages.append(parts)
            widths.append(int(page.width / _X_DENSITY))
        lines_of = [[x for kind, v in parts if kind == "text" for x in v] for parts in pages]
        if not any(x.strip() for lines in lines_of for x in lines) and not any(
                kind == "table" for parts in pages for kind, _ in parts):
            raise QuarantineError("no text layer (scanned PDF)")
        repeated = _running_lines(lines_of)
        for number, parts in enumerate(pages, start=1):
            n_lines = sum(1 for x in lines_of[number - 1] if x.strip())
            at = -1  # the page's non-empty text lines, counted over its bands
            for kind, v in parts:
                if kind == "table":
                    blocks.append(Block("table", table=v, page=number))
                    continue
                body = []
                for line in v:
                    key = " ".join(line.split())
                    if not key:
                        continue
                    at += 1
                    edge = at < _EDGE_LINES or at >= n_lines - _EDGE_LINES  # a page's head or foot
                    if (edge and _PAGE_NUMBER.match(key)) or (key in repeated and at in (0, n_lines - 1)):
                        dropped.append(f"p{number}: {key}")
                        continue
                    body.append(line)
                if body:
                    blocks.append(Block("text", "\n".join(_join_wrapped(body, widths[number - 1])), page=number))
    from importlib.metadata import version

    doc = Document("pdf", f"pdfplumber {version('pdfplumber')}", None, blocks, dropped)
    check_text(doc.text(), len(data))
    return doc


def _band(page, top: float, bottom: float, number: int) -> list[tuple[str, object]]:
    """A band of a page without ruled tables: its text as layout lines, cut at the tables its words' positions
    show (_word_tables)."""
    band = page.crop((page.bbox[0], top, page.bbox[2], bottom), strict=False)
    parts: list[tuple[str, object]] = []
    for t_top, t_bottom, grid in _word_tables(band.extract_words(x_tolerance=1.5), number):
        if t_top > top:
            parts.append(("text", _layout_lines(page, top, t_top)))
        parts.append(("table", grid))
        top = t_bottom
    if top < bottom:
        parts.append(("text", _layout_lines(page, top, bottom)))
    return parts


def _layout_lines(page, top: float, bottom: float) -> list[str]:
    """The words of a horizontal band of a page, placed by their positions (pdftotext -layout's shape)."""
    band = page.crop((page.bbox[0], top, page.bbox[2], bottom), strict=False)
    return [line.rstrip() for line in (band.extract_text(layout=True) or "").split("\n")]


def _running_lines(pages: list[list[str]]) -> set[str]:
    """Short lines printed at the top or bottom edge of most pages (a running title, the agency in the footer)."""
    if len(pages) < 3:
        return set()
    from collections import Counter

    edge: Counter = Counter()
    for lines in pages:
        kept = _edges(lines)
        edge.update(set(kept))
    return {line for line, n in edge.items()
            if n >= max(3, 0.6 * len(pages)) and len(line) <= 30 and _WORDS.search(line)}


_WORDS = re.compile(r"[\u4e00-\u9fffA-Za-z]{2}")  # a running title has words (a lone '|' or '0' is a table's)
_EDGE_LINES = 2  # lines at the top and at the bottom of a page where a page number may be printed


def _edges(lines: list[str]) -> list[str]:
    """A page's first and last line: where a running title is printed (the second line is the body's, and a
    table's header repeated on every page is no running title)."""
    kept = [" ".join(x.split()) for x in lines if x.strip()]
    return kept[:1] + kept[-1:]


_HEADING_START = re.compile(r"^\s*(?:[一二三四五六七八九十]+、|[(（][一二三四五六七八九十\d]+[)）]|\d+[.、．](?!\d))")
_GAP = re.compile(r"\S\s{3,}\S")


_X_DENSITY = 7.25  # points per character of pdfplumber's layout text (its default x_density)


def _join_wrapped(lines: list[str], page_chars: int | None = None) -> list[str]:
    """Lines a paragraph was wrapped into, joined back (a sentence cut by a line break would lose its figure):
    a full-width line runs on into the next unless that one is a heading, or the line ends a sentence short of the
    full width (a paragraph's last line); lines with wide gaps (cells aligned in columns) are left as they are."""
    width = max((len(x.rstrip()) for x in lines), default=0)
    if page_chars:  # a line run off the page's edge is no measure of the text width
        width = min(width, page_chars)
        if width < page_chars / 2:
            return lines  # short lines only (cells, a list): nothing was wrapped
    out: list[str] = []
    prev = ""  # the previous line as printed (not what it was joined into)
    for line in lines:
        last = prev.rstrip()
        if (out and not _GAP.search(last.strip()) and not _GAP.search(line.strip())
                and len(last) >= 0.8 * width and (last[-1:] not in "。;；:：!！?？" or len(last) >= 0.97 * width)
                and not _HEADING_START.match(line)):
            out[-1] = out[-1].rstrip() + line.strip()
        else:
            out.append(line)
        prev = line
    return out


_CJK_END = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


def _cell_lines(text: str) -> str:
    """A cell's text wrapped over lines, joined back: Chinese runs on without a space, other words with one."""
    out = ""
    for line in (" ".join(x.split()) for x in text.split("\n")):
        if not line:
            continue
        out += line if not out or (_CJK_END.search(out) and _CJK_START.search(line)) else " " + line
    return out


def _pdf_grid(table, page: int) -> Grid:
    """A pdfplumber table as a grid: each cell's row and column from the distinct edges of all its cells, so a
    merged cell spans the rows and columns its box covers; the cells' texts from one pass over the page's
    characters (table.extract)."""
    texts = table.extract()
    boxes: list[tuple[tuple[float, float, float, float], str]] = []
    for row, row_texts in zip(table.rows, texts):
        for box, text in zip(row.cells, row_texts):
            if box is not None:
                boxes.append((box, _cell_lines(text or "")))
    xs = sorted({round(v, 1) for (b, _) in boxes for v in (b[0], b[2])})
    ys = sorted({round(v, 1) for (b, _) in boxes for v in (b[1], b[3])})
    col = {v: i for i, v in enumerate(xs)}
    row_of = {v: i for i, v in enumerate(ys)}
    cells = []
    for (x0, top, x1, bottom), text in boxes:
        c0, c1 = col[round(x0, 1)], col[round(x1, 1)]
        r0, r1 = row_of[round(top, 1)], row_of[round(bottom, 1)]
        if c1 > c0 and r1 > r0:
            cells.append(Cell(r0, c0, r1 - r0, c1 - c0, text))
    return Grid(cells, page=page)


# ------------------------------------------------------------------------------ tables without ruling lines
_VALUE_WORD = re.compile(r"[+\-−－]?\d[\d,]*(?:\.\d+)?%?|[-—–－/／]+")  # a word that is one value cell
_ROW_TOL = 1.5  # points: words whose tops differ by less are on one line


@dataclass
class _Line:
    top: float
    bottom: float
    words: list[dict]
    tail: list[dict] = field(default_factory=list)  # its value cells: words standing apart at the line's end
    header: bool = False  # words over the value columns, no values: a header line

    @property
    def text(self) -> str:
        return "".join(w["text"] for w in self.words)


def _word_lines(words: list[dict]) -> list[_Line]:
    lines: list[_Line] = []
    for w in sorted(words, key=lambda w: (round(w["top"], 1), w["x0"])):
        if lines and abs(w["top"] - lines[-1].top) <= _ROW_TOL:
            lines[-1].words.append(w)
            lines[-1].bottom = max(lines[-1].bottom, w["bottom"])
        else:
            lines.append(_Line(w["top"], w["bottom"], [w]))
    for line in lines:
        line.words.sort(key=lambda w: w["x0"])
    return lines


def _value_tail(line: _Line, em: float) -> list[dict]:
    """The words at the end of a line that are values standing apart from the words before them (cells of a table
    row): a number inside a sentence is glued to its words and is no cell."""
    ws = line.words
    k = len(ws)
    while k > 0 and _VALUE_WORD.fullmatch(ws[k - 1]["text"]):
        k -= 1
    tail = ws[k:]
    if not tail or (k > 0 and tail[0]["x0"] - ws[k - 1]["x1"] < 1.5 * em):
        return []
    if any(b["x0"] - a["x1"] < em for a, b in zip(tail, tail[1:])):
        return []
    return tail


def _word_tables(words: list[dict], page: int) -> list[tuple[float, float, Grid]]:
    """Tables printed without ruling lines, from the positions of a page band's words: (top, bottom, grid) each.

    A row is a line ending in values that stand apart (two or more, or one after a wide gap); its columns are
    where those values stand, across the table's rows. Lines of short words around the rows are the rows' wrapped
    labels (a line between two rows goes to the row on its side of the widest gap) or, when they have words over
    the value columns, header lines (their words stacked over the columns they sit above). A table ends at a line
    of running text or a wide gap."""
    if not words:
        return []
    em = sorted(w["bottom"] - w["top"] for w in words)[len(words) // 2]  # the body's font size
    lines = _word_lines(words)
    width = max(w["x1"] for w in words) - min(w["x0"] for w in words)  # the text's width
    for line in lines:
        line.tail = _value_tail(line, em)
    out = []
    i = done = 0
    while i < len(lines):
        if len(lines[i].tail) < 2:
            i += 1
            continue
        a, b = _region(lines, i, em, done, width)
        done = b
        grid = _lines_grid(lines[a:b], em, page)
        if grid is not None:
            out.append((lines[a].top - 0.5, lines[b - 1].bottom + 0.5, grid))
        i = b
    return out


def _short(line: _Line, width: float) -> bool:
    """A line of table words: no word running over most of the text's width (a line of running text), none ending
    a sentence."""
    return all(w["x1"] - w["x0"] < 0.6 * width and w["text"][-1:] not in "。；;！？" for w in line.words)


def _region(lines: list[_Line], i: int, em: float, floor: int, width: float) -> tuple[int, int]:
    """The lines [a, b) of the table whose first row is lines[i] (none above `floor`): up through header lines
    (words over its values) and the first row's wrapped label, down through rows and label lines, while the gaps
    stay small."""
    gap = 2.2 * em
    edge = lines[i].tail[0]["x0"] - 0.5 * em
    a = i
    header = False
    while a > floor and _short(lines[a - 1], width) and lines[a].top - lines[a - 1].bottom <= gap:
        if any(w["x0"] < edge - em and w["x1"] > edge + em for w in lines[a - 1].words):
            break  # words running from the labels' side over the values: a heading, not a header
        over = any((w["x0"] + w["x1"]) / 2 >= edge for w in lines[a - 1].words)
        if header and not over:
            break  # a title or a heading above the header lines: text
        header |= over
        a -= 1
    b = i + 1
    last_row = i
    while b < len(lines) and lines[b].top - lines[b - 1].bottom <= gap:
        if lines[b].tail:
            last_row = b
        elif not _short(lines[b], width) or b - last_row > 4:
            break
        b += 1
    # below the last row only its label's wrapped tail: as many lines as it has above it, at the same spacing
    above = 0
    k = last_row - 1
    while k >= a and not lines[k].tail and lines[k + 1].top - lines[k].bottom <= 0.9 * em:
        above += 1
        k -= 1
    end = last_row + 1
    while end < b and end - last_row <= above and lines[end].top - lines[end - 1].bottom <= 0.9 * em:
        end += 1
    return a, end


def _lines_grid(lines: list[_Line], em: float, page: int) -> Grid | None:
    rows = [ln for ln in lines if ln.tail]
    if len(rows) < 2 and not any(len(ln.tail) >= 5 for ln in rows):
        return None
    # value columns: where the rows' values stand (values overlapping across rows are one column, whether the
    # column aligns them left, right or centred)
    spans: list[list[float]] = []
    for x0, x1 in sorted((w["x0"], w["x1"]) for ln in rows for w in ln.tail):
        if spans and x0 <= spans[-1][1] + 0.3 * em:
            spans[-1][1] = max(spans[-1][1], x1)
        else:
            spans.append([x0, x1])
    mids = [(a + b) / 2 for a, b in spans]
    edge = min(w["x0"] for ln in rows for w in ln.tail) - 0.5 * em  # left of it: the labels
    first_row = lines.index(rows[0])
    for k, ln in enumerate(lines):
        ln.header = not ln.tail and any((w["x0"] + w["x1"]) / 2 >= edge for w in ln.words)
    # label columns: where the label words start
    starts = sorted({round(w["x0"]) for ln in lines if not ln.header for w in ln.words
                     if (w["x0"] + w["x1"]) / 2 < edge})
    lab: list[float] = []
    for s in starts:
        if not lab or s - lab[-1] > 1.5 * em:
            lab.append(s)
    n_lab = max(1, len(lab))

    def lab_col(w) -> int:
        return max([k for k, s in enumerate(lab) if w["x0"] >= s - em] or [0])

    def val_col(w) -> int:
        mid = (w["x0"] + w["x1"]) / 2
        inside = [k for k, (a, b) in enumerate(spans) if a - 0.3 * em <= mid <= b + 0.3 * em]
        return inside[0] if inside else min(range(len(mids)), key=lambda k: abs(mids[k] - mid))

    # each line to its row: a row line, a header block, or the label text of the nearest row across the widest gap
    anchors = [k for k, ln in enumerate(lines) if ln.tail or ln.header]
    owner: dict[int, int] = {k: k for k in anchors}
    for k in range(len(lines)):
        if k in owner:
            continue
        up = max((x for x in anchors if x < k), default=None)
        down = min((x for x in anchors if x > k), default=None)
        if up is None or down is None:
            owner[k] = down if up is None else up
            continue
        if lines[down].header:  # text between a row and header lines: a title over them (第二十条第(五)项)
            owner[k] = down
            continue
        seq = list(range(up, down + 1))
        gaps = [(lines[q + 1].top - lines[q].bottom, q) for q in seq[:-1]]
        cut = max(gaps)[1]  # the widest gap between the two rows: above it the upper row's, below the lower's
        owner[k] = up if k <= cut else down
    if first_row > 0 and not any(lines[k].header for k in range(first_row)):
        for k in range(first_row):  # a first row's label wrapped above it, no header: its own
            owner[k] = first_row
    groups: list[list[int]] = []  # consecutive header lines are one header row
    for k in anchors:
        if groups and lines[k].header and lines[groups[-1][-1]].header:
            groups[-1].append(k)
        else:
            groups.append([k])
    cells: list[Cell] = []
    r = 0
    width = n_lab + len(mids)
    for group in groups:
        k = group[0]
        mine = sorted((q for q, o in owner.items() if o in group), key=lambda q: lines[q].top)
        if lines[k].header:
            for q in [q for q in mine if not lines[q].header and q < k]:  # a title above the header lines
                cells.append(Cell(r, 0, 1, width, lines[q].text))
                r += 1
            mine = [q for q in mine if lines[q].header or q > k]
            title = "".join(w["text"] for q in mine for w in lines[q].words if (w["x0"] + w["x1"]) / 2 < edge)
            stacks = [""] * len(mids)
            for q in mine:
                for w in lines[q].words:
                    if (w["x0"] + w["x1"]) / 2 < edge:
                        continue
                    over = [c for c, (a, b) in enumerate(spans) if w["x0"] - 0.5 * em <= (a + b) / 2 <= w["x1"] + 0.5 * em]
                    for c in over or [val_col(w)]:
                        stacks[c] += w["text"]
            cells.append(Cell(r, 0, 1, n_lab, title))
            cells += [Cell(r, n_lab + c, 1, 1, s) for c, s in enumerate(stacks)]
            r += 1
            continue
        if not lines[k].tail:  # label text with no row (a title): one cell across the table
            cells.append(Cell(r, 0, 1, width, "".join(lines[q].text for q in mine)))
            r += 1
            continue
        labels = [""] * n_lab
        for q in mine:
            for w in lines[q].words:
                if w in lines[k].tail:
                    continue
                labels[lab_col(w)] += w["text"]
        values = [""] * len(mids)
        for w in lines[k].tail:
            c = val_col(w)
            values[c] = (values[c] + " " + w["text"]).strip()
        cells += [Cell(r, c, 1, 1, t) for c, t in enumerate(labels)]
        cells += [Cell(r, n_lab + c, 1, 1, t) for c, t in enumerate(values)]
        r += 1
    return Grid(cells, page=page)
