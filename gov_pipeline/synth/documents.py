"""Our own reports written as the files agencies publish: a PDF (reportlab: ruled tables with merged cells, or no
ruling lines), a Word file (python-docx, merged cells) and an HTML page in the style of a government site (GB18030,
navigation and footer around the article). The input is a list of blocks: ('p', paragraph text) or
('table', rows of cell texts, where '<' continues the cell to its left and '^' the cell above).

`blocks_of_text` turns a plain-text report into blocks: each line a paragraph, each run of pipe-row lines
(`a | b | c |`) a table. The benchmark's mixed-format run (gov_pipeline.bench) and the real-table evaluation
(gov_pipeline.evalreal.render) write their documents here; nothing is written to disk by this module.
"""
from __future__ import annotations

import html
import io

Block = tuple


def blocks_of_text(text: str) -> list[Block]:
    """Paragraphs and tables of a plain-text report: a line with two or more '|' is a table row."""
    blocks: list[Block] = []
    for line in text.splitlines():
        if line.count("|") >= 2:
            cells = [c.strip() for c in line.strip().strip("|").split("|")]
            if blocks and blocks[-1][0] == "table":
                blocks[-1][1].append(cells)
            else:
                blocks.append(("table", [cells]))
        elif line.strip():
            blocks.append(("p", line.strip()))
    for b in blocks:  # rows of one table padded to its widest row: a short row's first cell spans the columns
        if b[0] == "table":  # it lacks (a label without its group label, a title across the table)
            width = max(len(r) for r in b[1])
            for r in b[1]:
                r[1:1] = ["<"] * (width - len(r))
    return blocks


def cells(rows: list[list[str]]) -> list[list]:
    """[row, col, row_span, col_span, text] of each cell of a table given as rows with '<' and '^'."""
    owner: dict[tuple[int, int], list] = {}
    out: list[list] = []
    for r, row in enumerate(rows):
        for c, text in enumerate(row):
            if text == "<" and (r, c - 1) in owner:
                cell = owner[(r, c - 1)]
                cell[3] = max(cell[3], c - cell[1] + 1)
            elif text == "^" and (r - 1, c) in owner:
                cell = owner[(r - 1, c)]
                cell[2] = max(cell[2], r - cell[0] + 1)
            else:
                cell = [r, c, 1, 1, text]
                out.append(cell)
            owner[(r, c)] = cell
    return out


def to_pdf(blocks: list[Block], ruled: bool = True, repeat_rows: int = 0) -> bytes:
    """A4 pages; tables ruled (or not), `repeat_rows` header rows printed again on each page a table runs onto
    (tables of at least 8 columns)."""
    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    st = ParagraphStyle("cn", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    small = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9, wordWrap="CJK")
    story = []
    for block in blocks:
        if block[0] == "p":
            story.append(Paragraph(html.escape(block[1]), st))
            continue
        rows = block[1]
        ncols = len(rows[0])
        data = [["" for _ in range(ncols)] for _ in rows]
        spans = []
        for r, c, rs, cs, text in cells(rows):
            data[r][c] = Paragraph(html.escape(text), small) if text else ""
            if rs > 1 or cs > 1:
                spans.append(("SPAN", (c, r), (c + cs - 1, r + rs - 1)))
        widths = [44, 50, 110] + [36] * 7 if ncols == 10 else [450 / ncols] * ncols
        t = Table(data, colWidths=widths, repeatRows=repeat_rows if ncols >= 8 else 0)
        lines = [("GRID", (0, 0), (-1, -1), 0.5, colors.black)] if ruled else []
        t.setStyle(TableStyle([*lines, ("VALIGN", (0, 0), (-1, -1), "MIDDLE"), *spans]))
        story.append(t)
    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(story)
    return buf.getvalue()


def to_docx(blocks: list[Block]) -> bytes:
    import docx

    d = docx.Document()
    for block in blocks:
        if block[0] == "p":
            d.add_paragraph(block[1])
            continue
        rows = block[1]
        t = d.add_table(rows=len(rows), cols=len(rows[0]))
        for r, c, rs, cs, text in cells(rows):
            cell = t.cell(r, c)
            if rs > 1 or cs > 1:
                cell = cell.merge(t.cell(r + rs - 1, c + cs - 1))
            cell.text = text
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def to_html(blocks: list[Block], title: str = "") -> bytes:
    parts = [f'<html><head><meta charset="gbk"><title>{html.escape(title)}</title></head><body>',
             '<div class="nav"><a href="/">首页</a> &gt; <a href="/xxgk">政府信息公开</a></div><div class="article">']
    for block in blocks:
        if block[0] == "p":
            parts.append(f"<p>{html.escape(block[1])}</p>")
            continue
        by_row: dict[int, list] = {}
        for cell in cells(block[1]):
            by_row.setdefault(cell[0], []).append(cell)
        parts.append('<table border="1">')
        for r in range(len(block[1])):
            parts.append("<tr>" + "".join(
                f"<td{f' rowspan={rs}' if rs > 1 else ''}{f' colspan={cs}' if cs > 1 else ''}>{html.escape(text)}</td>"
                for _, _, rs, cs, text in by_row.get(r, [])) + "</tr>")
        parts.append("</table>")
    parts.append('</div><div class="footer">主办单位:某某 网站标识码:0000000000</div></body></html>')
    return "".join(parts).encode("gb18030")


WRITERS = {"html": to_html, "docx": to_docx, "pdf": to_pdf}
