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
    text, layout = read_document((FORMATS / name).read_bytes(), name).render()
    a = analyse_raw(name, text, "jieba", layout)  # tables read as grids
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
    assert read_document(mod.pdf_unruled_version(), "x.pdf").text() == read_document(
        (FORMATS / "report_unruled.pdf").read_bytes(), "x.pdf").text()


# ---------------------------------------------------------------------------------------------------- PDF
def test_the_pdf_gives_the_figures_of_the_plain_text():
    assert figures("report.pdf") == figures("report.txt")


def test_tables_without_ruling_lines_are_read_as_grids_from_their_words_positions():
    """No ruling lines, labels wrapped over up to five lines in narrow columns, headers wrapped too: each table is
    a grid (rows where values stand apart, columns where they stand), and the figures are the plain text's."""
    doc = read_document((FORMATS / "report_unruled.pdf").read_bytes(), "report_unruled.pdf")
    request = next(g for g in doc.tables if any(c.text == "自然人" for c in g.cells))
    rows = {r[0]: r for r in request.rows()}
    assert rows["一、本年新收政府信息公开申请数量"][-7:] == ["9", "3", "1", "0", "0", "2", "15"]
    header = next(r for r in request.rows() if "总计" in r)
    assert "社会公益组织" in header and "法律服务机构" in header  # a header wrapped over two lines, put together
    assert figures("report_unruled.pdf") == figures("report.txt")


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


def test_page_furniture_is_dropped_only_at_a_page_s_head_or_foot():
    """A lone number or '|' in a page's body is a table's cell, not a page number or a running title."""
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.pdfgen import canvas

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    buf = io.BytesIO()
    c = canvas.Canvas(buf, pagesize=A4, invariant=1)
    for page in range(1, 5):
        c.setFont("STSong-Light", 10)
        c.drawString(60, A4[1] - 40, "某某县环境保护局信息公开")
        body = ["全年收到申请数量", "12", "|", "办结数量", "|", "9", f"第{page}页正文到此结束。"]
        for i, line in enumerate(body):
            c.drawString(60, A4[1] - 120 - 20 * i, line)
        c.drawCentredString(A4[0] / 2, 30, str(page))
        c.showPage()
    c.save()
    doc = read_document(buf.getvalue(), "x.pdf")
    lines = [x.strip() for x in doc.text().splitlines()]
    assert lines.count("12") == 4 and lines.count("|") == 8 and lines.count("9") == 4
    assert "某某县环境保护局信息公开" not in lines and not {"1", "2", "3", "4"} & set(lines)
    assert sorted(d.split(": ")[1] for d in doc.dropped if d.startswith("p2:")) == ["2", "某某县环境保护局信息公开"]


def test_lines_a_paragraph_was_wrapped_into_are_joined():
    from gov_pipeline.text.documents import _join_wrapped

    full = "全年主动公开政府信息四百一十二条其中门户网站发布三百八十条。"  # a full line that happens to end a sentence
    assert _join_wrapped([full, "政务微信发布三十二条。", "二、主动公开政府信息情况"], len(full)) == [
        full + "政务微信发布三十二条。", "二、主动公开政府信息情况"]
    short = "本年度收到申请十五件。"  # a paragraph's last line, short of the width
    assert _join_wrapped([full[:-1] + "，", short, "下一段"], len(full)) == [full[:-1] + "，" + short, "下一段"]
    # a decimal at the start of the next line is no numbered heading; a line run off the page is no width
    assert _join_wrapped(["机构职能类信息1条,占比" + "一" * 18, "5.6%;规划计划类信息2条。" + "二" * 200], 30)[0].endswith("5.6%;规划计划类信息2条。" + "二" * 200)
    assert _join_wrapped(["本段到此为止。", "1.属于国家秘密"], 8) == ["本段到此为止。", "1.属于国家秘密"]


def test_running_text_with_numbers_is_no_table():
    from gov_pipeline.synth.documents import to_pdf

    blocks = [("p", "一、总体情况"),
              ("p", "2022年全年主动公开政府信息412条,其中门户网站发布380条,政务微信发布32条,比上年增加15条。" * 2),
              ("p", "目录"), ("p", "一、总体情况 1"), ("p", "二、主动公开政府信息情况 2"),
              ("p", "2023年1月15日")]
    doc = read_document(to_pdf(blocks), "x.pdf")
    assert doc.tables == [] and "|" not in doc.text() and "二、主动公开政府信息情况" in doc.text()
