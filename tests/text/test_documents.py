"""Readers behind one interface (gov_pipeline/text/documents.py): text, HTML pages and Word files read into the
same figures. The renderings in tests/formats/ are our own report (tests/formats/make_formats.py made them)."""
from __future__ import annotations

import io
import zipfile
from collections import Counter
from pathlib import Path

import pytest

from gov_pipeline.settings import REPO_ROOT
from gov_pipeline.text.documents import Cell, Grid, read_document, sniff_format
from gov_pipeline.text.model import QuarantineError
from gov_pipeline.text.pipeline import analyse_raw

FORMATS = REPO_ROOT / "tests" / "formats"


def figures(name: str) -> Counter:
    doc = read_document((FORMATS / name).read_bytes(), name)
    a = analyse_raw(name, doc.text(), "jieba")
    return Counter((m.metric_code, m.dimension, m.value) for m in a.metrics)


def test_the_html_page_and_the_word_file_give_the_figures_of_the_plain_text():
    plain = figures("report.txt")
    assert sum(n for (code, *_), n in plain.items() if code.startswith("requests_")) >= 150  # the grid is read
    assert figures("report.html") == plain
    assert figures("report.docx") == plain


def test_an_html_page_is_read_by_its_declared_charset_without_its_chrome():
    doc = read_document((FORMATS / "report.html").read_bytes(), "report.html")
    assert (doc.format, doc.encoding) == ("html", "gb18030") and doc.reader.startswith("lxml ")
    text = doc.text()
    assert text.startswith("青石县生态环境局2022年政府信息公开工作年度报告\n")
    for chrome in ("当前位置", "网站标识码", "分享到", "siteId", "首页"):
        assert chrome not in text, chrome
    assert {"div.header", "div.position", "div.footer", "div.bdshare", "script", "style"} <= set(doc.dropped)
    review = doc.tables[2]
    assert (review.n_rows, review.n_cols) == (4, 15)
    assert Cell(0, 5, 1, 10, "行政诉讼") in review.cells and Cell(1, 0, 2, 1, "结果维持") in review.cells


def test_word_merged_cells_become_one_cell_with_its_spans():
    doc = read_document((FORMATS / "report.docx").read_bytes(), "report.docx")
    assert (doc.format, doc.encoding) == ("docx", None) and doc.reader.startswith("python-docx ")
    grid = doc.tables[1]
    assert Cell(0, 0, 3, 3, "本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和") in grid.cells
    assert Cell(1, 4, 1, 5, "法人或其他组织") in grid.cells
    group = next(c for c in grid.cells if c.text == "(三)不予公开")
    assert (group.col, group.row_span, group.col_span) == (1, 8, 1)


def test_a_grid_repeats_a_row_spanning_label_on_each_row_and_a_column_spanning_cell_once():
    g = Grid([Cell(0, 0, 2, 1, "组"), Cell(0, 1, 1, 2, "甲乙"), Cell(1, 1, 1, 1, "1"), Cell(1, 2, 1, 1, "2")])
    assert g.lines() == [["组", "甲乙"], ["组", "1", "2"]]
    assert g.rows() == [["组", "甲乙", "甲乙"], ["组", "1", "2"]]


def test_the_format_is_told_by_the_bytes_not_the_suffix():
    page = "<html><body><p>某局2021年政府信息公开工作年度报告</p><p>全年主动公开信息20条。</p></body></html>"
    assert sniff_format(page.encode()) == "html"
    doc = read_document(page.encode(), "saved-as.txt")
    assert doc.format == "html" and "<p>" not in doc.text() and "全年主动公开信息20条。" in doc.text()
    word = (FORMATS / "report.docx").read_bytes()
    assert read_document(word, "renamed.txt").format == "docx"
    plain = "某局2021年政府信息公开工作年度报告\n<一>全年主动公开信息20条。\n"
    doc = read_document(plain.encode("utf-8"), "r.txt")
    assert doc.format == "text" and doc.text() == plain  # a text file's text is its decoded bytes, unchanged


def test_a_page_with_a_wrong_charset_declaration_is_read_by_its_content():
    page = ('<html><head><meta charset="gbk"></head><body><p>某局2021年政府信息公开工作年度报告</p>'
            "<p>全年主动公开信息20条。</p></body></html>")
    doc = read_document(page.encode("utf-8"), "p.html")
    assert doc.encoding == "utf-8-sig" and "全年主动公开信息20条。" in doc.text()
    doc = read_document("\ufeff".encode("utf-16-le") + page.encode("utf-16-le"), "p.html")
    assert doc.encoding == "utf-16" and "全年主动公开信息20条。" in doc.text()


@pytest.mark.parametrize("data, reason", [
    ("<html><body><div class='nav'><a>首页</a></div><script>x=1</script></body></html>".encode(), "no text"),
    (b"PK\x03\x04" + b"\x00" * 64, "binary"),  # a broken zip is no Word file: the text reader refuses it
])
def test_unreadable_documents_are_quarantined_with_a_reason(data, reason):
    with pytest.raises(QuarantineError, match=reason):
        read_document(data, "x")


def test_a_zip_that_is_not_a_word_file_is_not_read_as_one():
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("notes.txt", "hello")
    assert sniff_format(buf.getvalue()) == "text"
    with pytest.raises(QuarantineError):
        read_document(buf.getvalue(), "x.docx")


def test_the_renderings_are_the_script_s_output():
    """The committed files are what tests/formats/make_formats.py writes (regenerate them with it)."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_formats", FORMATS / "make_formats.py")
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    assert (FORMATS / "report.txt").read_text(encoding="utf-8") == mod.text_version()
    assert (FORMATS / "report.html").read_bytes() == mod.html_version()
    assert read_document(mod.docx_version(), "x.docx").text() == read_document(
        (FORMATS / "report.docx").read_bytes(), "x.docx").text()
    pytest.importorskip("reportlab")
    assert read_document(mod.pdf_version(), "x.pdf").text() == read_document(
        (FORMATS / "report.pdf").read_bytes(), "x.pdf").text()


# ---------------------------------------------------------------------------------------------------- PDF
def test_the_pdf_gives_the_figures_of_the_plain_text():
    assert figures("report.pdf") == figures("report.txt")


def test_a_pdf_s_tables_are_grids_and_its_page_furniture_is_dropped():
    doc = read_document((FORMATS / "report.pdf").read_bytes(), "report.pdf")
    assert doc.format == "pdf" and doc.reader.startswith("pdfplumber ")
    pages = {b.page for b in doc.blocks}
    assert pages == {1, 2, 3}
    # the request table runs over a page break: two grids, the second on the next page, its rows still labelled
    grids = doc.tables
    assert len(grids) == 4 and grids[1].page + 1 == grids[2].page
    assert grids[2].lines()[0][0] == "三、本年度办理结果"
    review = grids[3]
    assert Cell(0, 5, 1, 10, "行政诉讼") in review.cells and Cell(1, 0, 2, 1, "结果维持") in review.cells
    text = doc.text()
    assert "- 2 -" not in text and "青石县生态环境局政府信息公开\n" not in text
    assert any(d.endswith("- 1 -") for d in doc.dropped)
    # a paragraph wrapped over lines is one line again (a figure is never cut by a line break)
    assert "全年主动公开政府信息412条,其中门户网站发布380条,政务微信发布32条。" in text


def _pdf(draw) -> bytes:
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    draw(c)
    c.showPage()
    c.save()
    return buf.getvalue()


def test_a_pdf_without_a_text_layer_is_quarantined_as_scanned():
    pytest.importorskip("reportlab")

    def scan(c):  # what a scanner gives: marks on the page, no text
        c.rect(72, 72, 400, 600, fill=1)
        c.line(72, 700, 500, 700)

    with pytest.raises(QuarantineError, match=r"no text layer \(scanned PDF\)"):
        read_document(_pdf(scan), "scan.pdf")


def test_a_damaged_pdf_is_quarantined_with_the_reason():
    with pytest.raises(QuarantineError, match="cannot read the PDF"):
        read_document(b"%PDF-1.7\n%\xe2\xe3\n1 0 obj << /Type /Catalog >>\nendobj\n", "broken.pdf")


def test_an_old_word_or_wps_file_says_how_to_convert_it_when_libreoffice_is_absent(monkeypatch):
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    assert sniff_format(ole2) == "doc"
    with pytest.raises(QuarantineError, match=r"save the file as \.docx.*install LibreOffice"):
        read_document(ole2, "old.wps")
