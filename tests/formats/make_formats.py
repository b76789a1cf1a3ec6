"""Render one report of our own (an invented county bureau, invented figures) as plain text, as an HTML page in the
style of a government site (GB18030, navigation, footer, a 2021-format table with merged header cells), as a Word
file (merged cells), as a PDF (reportlab with its built-in Chinese font: ruled tables with merged cells, the
request table running over two pages, page numbers and a running title) and as a PDF whose tables have no ruling
lines. tests/text/test_documents.py reads them
and expects the same figures.

    .venv/bin/python tests/formats/make_formats.py     # rewrites report.txt/.html/.docx/.pdf here
"""
from __future__ import annotations

import html
from pathlib import Path

HERE = Path(__file__).resolve().parent

TITLE = "青石县生态环境局2022年政府信息公开工作年度报告"
PROSE = [
    "本报告依据《中华人民共和国政府信息公开条例》编制,所列数据统计期限自2022年1月1日起至2022年12月31日止。",
    "一、总体情况",
    "2022年,青石县生态环境局全年主动公开政府信息412条,其中门户网站发布380条,政务微信发布32条。",
    "全年收到政府信息公开申请15件,上年结转2件,办结16件,结转下年度1件。",
    "二、主动公开政府信息情况",
]
APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
# (group label, row label, the seven cells): our own numbers, every identity of the grid holds
GRID_B = [
    (None, "一、本年新收政府信息公开申请数量", [9, 3, 1, 0, 0, 2, 15]),
    (None, "二、上年结转政府信息公开申请数量", [2, 0, 0, 0, 0, 0, 2]),
    ("三、本年度办理结果", "(一)予以公开", [6, 2, 1, 0, 0, 1, 10]),
    ("三、本年度办理结果", "(二)部分公开(区分处理的,只计这一情形,不计其他情形)", [1, 1, 0, 0, 0, 0, 2]),
    ("(三)不予公开", "1.属于国家秘密", [0, 0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "2.其他法律行政法规禁止公开", [0, 0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "3.危及“三安全一稳定”", [0, 0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "4.保护第三方合法权益", [1, 0, 0, 0, 0, 0, 1]),
    ("(三)不予公开", "5.属于三类内部事务信息", [0, 0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "6.属于四类过程性信息", [0, 0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "7.属于行政执法案卷", [0, 0, 0, 0, 0, 0, 0]),
    ("(三)不予公开", "8.属于行政查询事项", [0, 0, 0, 0, 0, 0, 0]),
    ("(四)无法提供", "1.本机关不掌握相关政府信息", [2, 0, 0, 0, 0, 1, 3]),
    ("(四)无法提供", "2.没有现成信息需要另行制作", [0, 0, 0, 0, 0, 0, 0]),
    ("(四)无法提供", "3.补正后申请内容仍不明确", [0, 0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "1.信访举报投诉类申请", [0, 0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "2.重复申请", [0, 0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "3.要求提供公开出版物", [0, 0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "4.无正当理由大量反复申请", [0, 0, 0, 0, 0, 0, 0]),
    ("(五)不予处理", "5.要求行政机关确认或重新出具已获取信息", [0, 0, 0, 0, 0, 0, 0]),
    ("(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请", [0, 0, 0, 0, 0, 0, 0]),
    ("(六)其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", [0, 0, 0, 0, 0, 0, 0]),
    ("(六)其他处理", "3.其他", [0, 0, 0, 0, 0, 0, 0]),
    ("三、本年度办理结果", "(七)总计", [10, 3, 1, 0, 0, 2, 16]),
    (None, "四、结转下年度继续办理", [1, 0, 0, 0, 0, 0, 1]),
]
GRID_A = [("规章", [0, 0, 0]), ("行政规范性文件", [2, 1, 7])]
REVIEW = [1, 0, 0, 0, 1, 0, 0, 0, 1, 1, 0, 0, 0, 0, 0]
TAIL = ["五、存在的主要问题及改进情况", "一是解读形式比较单一,二是栏目更新不够及时。下一步将加强培训。"]


def text_version() -> str:
    lines = [TITLE, *PROSE, "第二十条第(一)项", "信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |"]
    lines += [f"{label} | " + " | ".join(map(str, v)) + " |" for label, v in GRID_A]
    lines += ["三、收到和处理政府信息公开申请情况", "申请人情况 | " + " | ".join(APPLICANTS) + " |"]
    for group, label, v in GRID_B:
        head = [group, label] if group else [label]
        lines.append(" | ".join(head + [str(x) for x in v]) + " |")
    lines += ["四、政府信息公开行政复议、行政诉讼情况",
              "行政复议 | 行政诉讼 |",
              "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 未经复议直接起诉 | 复议后起诉 |",
              " | ".join(map(str, REVIEW)) + " |"]
    return "\n".join(lines + TAIL) + "\n"


def _td(text, rowspan=1, colspan=1) -> str:
    attrs = (f' rowspan="{rowspan}"' if rowspan > 1 else "") + (f' colspan="{colspan}"' if colspan > 1 else "")
    return f"<td{attrs}>{html.escape(str(text))}</td>"


def html_version() -> bytes:
    rows_b = ['<tr>' + _td("本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和", 3, 3)
              + _td("申请人情况", 1, 7) + "</tr>",
              "<tr>" + _td("自然人", 2) + _td("法人或其他组织", 1, 5) + _td("总计", 2) + "</tr>",
              "<tr>" + "".join(_td(x) for x in APPLICANTS[1:6]) + "</tr>"]
    spans: dict[str, int] = {}
    for group, _, _ in GRID_B:
        if group:
            spans[group] = spans.get(group, 0) + 1
    spans["三、本年度办理结果"] = sum(1 for g, _, _ in GRID_B if g is not None)  # the result block, all of it
    opened: set[str] = set()
    for group, label, v in GRID_B:
        cells = ""
        if group is None:
            cells += _td(label, 1, 3)
        else:
            if "三、本年度办理结果" not in opened:
                cells += _td("三、本年度办理结果", spans["三、本年度办理结果"])
                opened.add("三、本年度办理结果")
            if group == "三、本年度办理结果":
                cells += _td(label, 1, 2)
            else:
                if group not in opened:
                    cells += _td(group, spans[group])
                    opened.add(group)
                cells += _td(label)
        rows_b.append("<tr>" + cells + "".join(_td(x) for x in v) + "</tr>")
    rows_a = ["<tr>" + _td("第二十条第(一)项", 1, 4) + "</tr>",
              "<tr>" + "".join(_td(x) for x in ("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")) + "</tr>"]
    rows_a += ["<tr>" + _td(label) + "".join(_td(x) for x in v) + "</tr>" for label, v in GRID_A]
    rows_c = ["<tr>" + _td("行政复议", 1, 5) + _td("行政诉讼", 1, 10) + "</tr>",
              "<tr>" + "".join(_td(x, 2) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计"))
              + _td("未经复议直接起诉", 1, 5) + _td("复议后起诉", 1, 5) + "</tr>",
              "<tr>" + "".join(_td(x) for x in ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2) + "</tr>",
              "<tr>" + "".join(_td(x) for x in REVIEW) + "</tr>"]
    prose = "".join(f"<p>{html.escape(p)}</p>" for p in PROSE)
    tail = "".join(f"<p>{html.escape(p)}</p>" for p in TAIL)
    page = f"""<!DOCTYPE html>
<html><head><meta http-equiv="Content-Type" content="text/html; charset=gb2312"><title>{TITLE}</title>
<script>var siteId = 12;</script><style>td {{border: 1px solid #000}}</style></head>
<body>
<div class="header"><img src="logo.png"> 青石县人民政府门户网站 <a href="/">首页</a> <a href="/zwgk/">政务公开</a></div>
<div class="position">当前位置:首页 &gt; 政务公开 &gt; 年度报告</div>
<div class="article">
<h1>{TITLE}</h1>
<div class="info">发布日期:2023-01-20 来源:青石县生态环境局</div>
<div class="TRS_Editor">{prose}
<p>第二十条第(一)项</p><table border="1">{''.join(rows_a)}</table>
<p>三、收到和处理政府信息公开申请情况</p><table border="1">{''.join(rows_b)}</table>
<p>四、政府信息公开行政复议、行政诉讼情况</p><table border="1">{''.join(rows_c)}</table>
{tail}</div>
<div class="bdshare">分享到: 微信 微博</div>
</div>
<div class="footer">主办:青石县人民政府办公室 联系电话:0000-1234567 网站标识码:0000000000</div>
</body></html>
"""
    return page.encode("gb18030")


def docx_version() -> bytes:
    import io

    import docx

    d = docx.Document()
    d.add_paragraph(TITLE)
    for p in PROSE:
        d.add_paragraph(p)
    d.add_paragraph("第二十条第(一)项")
    ta = d.add_table(rows=1 + len(GRID_A), cols=4)
    for k, x in enumerate(("信息内容", "本年制发件数", "本年废止件数", "现行有效件数")):
        ta.cell(0, k).text = x
    for r, (label, v) in enumerate(GRID_A, start=1):
        ta.cell(r, 0).text = label
        for k, x in enumerate(v, start=1):
            ta.cell(r, k).text = str(x)
    d.add_paragraph("三、收到和处理政府信息公开申请情况")
    n = 3 + len(GRID_B)
    tb = d.add_table(rows=n, cols=10)
    tb.cell(0, 0).merge(tb.cell(2, 2)).text = "本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和"
    tb.cell(0, 3).merge(tb.cell(0, 9)).text = "申请人情况"
    tb.cell(1, 3).merge(tb.cell(2, 3)).text = "自然人"
    tb.cell(1, 4).merge(tb.cell(1, 8)).text = "法人或其他组织"
    tb.cell(1, 9).merge(tb.cell(2, 9)).text = "总计"
    for k, x in enumerate(APPLICANTS[1:6], start=4):
        tb.cell(2, k).text = x
    first_result = next(i for i, (g, _, _) in enumerate(GRID_B) if g is not None)
    last_result = max(i for i, (g, _, _) in enumerate(GRID_B) if g is not None)
    tb.cell(3 + first_result, 0).merge(tb.cell(3 + last_result, 0)).text = "三、本年度办理结果"
    groups: dict[str, list[int]] = {}
    for i, (group, label, v) in enumerate(GRID_B):
        r = 3 + i
        if group is None:
            tb.cell(r, 0).merge(tb.cell(r, 2)).text = label
        elif group == "三、本年度办理结果":
            tb.cell(r, 1).merge(tb.cell(r, 2)).text = label
        else:
            groups.setdefault(group, []).append(r)
            tb.cell(r, 2).text = label
        for k, x in enumerate(v, start=3):
            tb.cell(r, k).text = str(x)
    for group, rs in groups.items():
        tb.cell(rs[0], 1).merge(tb.cell(rs[-1], 1)).text = group
    d.add_paragraph("四、政府信息公开行政复议、行政诉讼情况")
    tc = d.add_table(rows=4, cols=15)
    tc.cell(0, 0).merge(tc.cell(0, 4)).text = "行政复议"
    tc.cell(0, 5).merge(tc.cell(0, 14)).text = "行政诉讼"
    for k, x in enumerate(("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")):
        tc.cell(1, k).merge(tc.cell(2, k)).text = x
    tc.cell(1, 5).merge(tc.cell(1, 9)).text = "未经复议直接起诉"
    tc.cell(1, 10).merge(tc.cell(1, 14)).text = "复议后起诉"
    for k, x in enumerate(("结果维持", "结果纠正", "其他结果", "尚未审结", "总计") * 2, start=5):
        tc.cell(2, k).text = x
    for k, x in enumerate(REVIEW):
        tc.cell(3, k).text = str(x)
    for p in TAIL:
        d.add_paragraph(p)
    buf = io.BytesIO()
    d.save(buf)
    return buf.getvalue()


def pdf_version() -> bytes:
    import io

    from reportlab.lib import colors
    from reportlab.lib.pagesizes import A4
    from reportlab.lib.styles import ParagraphStyle
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont
    from reportlab.platypus import Paragraph, SimpleDocTemplate, Table, TableStyle

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    font = "STSong-Light"
    st = ParagraphStyle("cn", fontName=font, fontSize=10.5, leading=17, wordWrap="CJK")
    cell = ParagraphStyle("cell", fontName=font, fontSize=7.5, leading=9, wordWrap="CJK")

    def table(rows, spans, widths):
        t = Table([[Paragraph(str(x), cell) if x != "" else "" for x in row] for row in rows], colWidths=widths,
                  repeatRows=0)
        t.setStyle(TableStyle([("GRID", (0, 0), (-1, -1), 0.5, colors.black), ("FONTNAME", (0, 0), (-1, -1), font),
                               ("VALIGN", (0, 0), (-1, -1), "MIDDLE")] + [("SPAN", a, b) for a, b in spans]))
        return t

    story = [Paragraph(TITLE, st)] + [Paragraph(p, st) for p in PROSE]
    story += [Paragraph(("围绕生态环境保护中心工作,持续做好环境质量、执法监管和项目审批信息的公开,"
                         "及时回应公众关切,不断提升公开的质量和实效。") * 2, st) for _ in range(6)]
    story.append(Paragraph("第二十条第(一)项", st))
    story.append(table([["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"]]
                       + [[label, *v] for label, v in GRID_A], [], [150, 100, 100, 100]))
    story.append(Paragraph("三、收到和处理政府信息公开申请情况", st))
    rows = [["本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和", "", "", "申请人情况"] + [""] * 6,
            ["", "", "", "自然人", "法人或其他组织", "", "", "", "", "总计"],
            ["", "", "", "", *APPLICANTS[1:6], ""]]
    spans = [((0, 0), (2, 2)), ((3, 0), (9, 0)), ((3, 1), (3, 2)), ((4, 1), (8, 1)), ((9, 1), (9, 2))]
    groups: dict[str, list[int]] = {}
    for i, (group, label, v) in enumerate(GRID_B):
        r = 3 + i
        if group is None:
            rows.append([label, "", "", *v])
            spans.append(((0, r), (2, r)))
        elif group == "三、本年度办理结果":
            rows.append(["三、本年度办理结果", label, "", *v])
            spans.append(((1, r), (2, r)))
        else:
            rows.append(["三、本年度办理结果", group, label, *v])
            groups.setdefault(group, []).append(r)
    for rs in groups.values():
        spans.append(((1, rs[0]), (1, rs[-1])))
    # the result block's label spans its rows on each page it runs over (a table split at a page break)
    story.append(table(rows, spans, [44, 50, 110] + [36] * 7))
    story.append(Paragraph("四、政府信息公开行政复议、行政诉讼情况", st))
    rows_c = [["行政复议", "", "", "", "", "行政诉讼"] + [""] * 9,
              ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "", "", "", "",
               "复议后起诉", "", "", "", ""],
              ["", "", "", "", ""] + ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 2,
              REVIEW]
    spans_c = [((0, 0), (4, 0)), ((5, 0), (14, 0)), ((5, 1), (9, 1)), ((10, 1), (14, 1))] + [
        ((k, 1), (k, 2)) for k in range(5)]
    story.append(table(rows_c, spans_c, [30] * 15))
    story += [Paragraph(p, st) for p in TAIL]

    def decorate(canvas, doc):
        canvas.setFont(font, 8)
        canvas.drawString(60, A4[1] - 40, "青石县生态环境局政府信息公开")
        canvas.drawCentredString(A4[0] / 2, 30, f"- {doc.page} -")

    buf = io.BytesIO()
    SimpleDocTemplate(buf, pagesize=A4, invariant=1).build(story, onFirstPage=decorate, onLaterPages=decorate)
    return buf.getvalue()


def pdf_unruled_version() -> bytes:
    """The plain text as a PDF whose tables have no ruling lines (gov_pipeline.synth.documents): the reader finds
    them by the positions of their words; labels wrap over several lines in the narrow columns."""
    from gov_pipeline.synth.documents import blocks_of_text, to_pdf

    return to_pdf(blocks_of_text(text_version()), ruled=False)


def main() -> None:
    (HERE / "report.txt").write_text(text_version(), encoding="utf-8")
    (HERE / "report.html").write_bytes(html_version())
    (HERE / "report.docx").write_bytes(docx_version())
    (HERE / "report.pdf").write_bytes(pdf_version())
    (HERE / "report_unruled.pdf").write_bytes(pdf_unruled_version())


if __name__ == "__main__":
    main()
