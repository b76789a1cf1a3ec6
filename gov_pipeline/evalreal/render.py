"""Gold tables rendered as documents: the official table layouts of the 2019 and 2021 formats (merged header
cells, group labels spanning their rows, the request table running over a page break) filled with a gold report's
printed values, written as a PDF (ruled, with repeated header rows, without ruling lines), a Word file and an HTML
page by gov_pipeline.synth.documents. The evaluation
reads them natively (text/documents.py) and scores their cells against the same gold: the grid path measured on
real figures, in our own rendering. Nothing is written to the repository: the documents live in memory.

A table is a list of rows of cell texts; '<' continues the cell to its left, '^' the cell above.
"""
from __future__ import annotations

from gov_pipeline.synth import documents

APPLICANTS = ["自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
RESULTS = "三、本年度办理结果"
# gold row key -> (group label or None, row label), in the order the official table prints them
REQUEST_ROWS = [
    ("received", None, "一、本年新收政府信息公开申请数量"), ("carried_in", None, "二、上年结转政府信息公开申请数量"),
    ("disclosed", RESULTS, "(一)予以公开"), ("partial", RESULTS, "(二)部分公开(区分处理的,只计这一情形,不计其他情形)"),
    ("refused_state_secret", "(三)不予公开", "1.属于国家秘密"),
    ("refused_law", "(三)不予公开", "2.其他法律行政法规禁止公开"),
    ("refused_three_safety", "(三)不予公开", "3.危及“三安全一稳定”"),
    ("refused_third_party", "(三)不予公开", "4.保护第三方合法权益"),
    ("refused_internal", "(三)不予公开", "5.属于三类内部事务信息"),
    ("refused_process", "(三)不予公开", "6.属于四类过程性信息"),
    ("refused_enforcement", "(三)不予公开", "7.属于行政执法案卷"),
    ("refused_inquiry", "(三)不予公开", "8.属于行政查询事项"),
    ("unable_not_held", "(四)无法提供", "1.本机关不掌握相关政府信息"),
    ("unable_needs_creation", "(四)无法提供", "2.没有现成信息需要另行制作"),
    ("unable_unclear", "(四)无法提供", "3.补正后申请内容仍不明确"),
    ("notproc_complaint", "(五)不予处理", "1.信访举报投诉类申请"), ("notproc_repeated", "(五)不予处理", "2.重复申请"),
    ("notproc_publication", "(五)不予处理", "3.要求提供公开出版物"),
    ("notproc_abusive", "(五)不予处理", "4.无正当理由大量反复申请"),
    ("notproc_confirm", "(五)不予处理", "5.要求行政机关确认或重新出具已获取信息"),
    ("other", RESULTS, "(六)其他处理"),
    ("other_no_correction", "(六)其他处理", "1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请"),
    ("other_unpaid", "(六)其他处理", "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请"),
    ("other_other", "(六)其他处理", "3.其他"),
    ("resolved_total", RESULTS, "(七)总计"), ("carried_out", None, "四、结转下年度继续办理"),
]
# Article 20 blocks: (item, [(row label, gold key)], column headers)
ARTICLE20 = {
    "2021": [("(一)", [("规章", "rules"), ("行政规范性文件", "normative")], ["本年制发件数", "本年废止件数", "现行有效件数"]),
             ("(五)", [("行政许可", "license")], ["本年处理决定数量"]),
             ("(六)", [("行政处罚", "penalty"), ("行政强制", "coercion")], ["本年处理决定数量"]),
             ("(八)", [("行政事业性收费", "admin_fee_wan")], ["本年收费金额(单位:万元)"])],
    "2019": [("(一)", [("规章", "rules"), ("规范性文件", "normative")], ["本年新制作数量", "本年新公开数量", "对外公开总数量"]),
             ("(五)", [("行政许可", "license"), ("其他对外管理服务事项", "other_service")],
              ["上一年项目数量", "本年增/减", "处理决定数量"]),
             ("(六)", [("行政处罚", "penalty"), ("行政强制", "coercion")], ["上一年项目数量", "本年增/减", "处理决定数量"]),
             ("(八)", [("行政事业性收费", "admin_fee")], ["上一年项目数量", "本年增/减"]),
             ("(九)", [("政府集中采购", "procurement")], ["采购项目数量", "采购总金额"])],
}
C_WORDS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]


def _num(v) -> str:
    if v is None:
        return ""
    return str(int(v)) if float(v) == int(v) else f"{v}"


def tables(report: dict) -> list[tuple[str, list[list[str]]]]:
    """(heading, table rows) of a 2019- or 2021-format gold report, in the official layout."""
    fmt = report["table_format"]
    a20 = report.get("article20") or {}
    rows_a: list[list[str]] = []
    for item, rows, heads in ARTICLE20[fmt]:
        rows_a.append([f"第二十条第{item}项", "<", "<", "<"])
        rows_a.append(["信息内容", *heads] + ["<"] * (3 - len(heads)))
        for label, key in rows:
            values = a20.get(key)
            values = values if isinstance(values, list) else [values]
            cells = [_num(v) for v in values]
            if key == "procurement" and len(cells) == 2 and cells[1]:
                cells[1] += "元"  # this publisher prints the amount in 元, in the cell
            rows_a.append([label, *cells] + ["<"] * (3 - len(cells)))
    rows_b = [["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "<", "<", "申请人情况"] + ["<"] * 6,
              ["^", "^", "^", "自然人", "法人或其他组织", "<", "<", "<", "<", "总计"],
              ["^", "^", "^", "^", *APPLICANTS[1:6], "^"]]
    requests = report.get("requests") or {}
    prev_group = None
    for key, group, label in REQUEST_ROWS:
        if key not in requests:
            continue
        cells = [_num(v) for v in requests[key]]
        if group is None:
            rows_b.append([label, "<", "<", *cells])
        elif group == RESULTS:
            rows_b.append([RESULTS, label, "<", *cells])
        else:
            rows_b.append([RESULTS, group if group != prev_group else "^", label, *cells])
        prev_group = group
    rl = [_num(v) for v in report.get("review_litigation") or [0] * 15]
    rows_c = [["行政复议", "<", "<", "<", "<", "行政诉讼"] + ["<"] * 9,
              ["^"] * 5 + ["未经复议直接起诉", "<", "<", "<", "<", "复议后起诉", "<", "<", "<", "<"],
              C_WORDS * 3, rl]
    return [("二、主动公开政府信息情况", rows_a), ("三、收到和处理政府信息公开申请情况", rows_b),
            ("四、政府信息公开行政复议、行政诉讼情况", rows_c)]


def blocks(report: dict) -> list[tuple]:
    """The report as document blocks (gov_pipeline.synth.documents): its title, then each table under its heading."""
    out: list[tuple] = [("p", f"{report['agency']}{report['report_year']}年政府信息公开工作年度报告")]
    for heading, rows in tables(report):
        out += [("p", heading), ("table", rows)]
    return out


RENDERERS = {
    "pdf": lambda r: documents.to_pdf(blocks(r)),
    "pdf_repeated_headers": lambda r: documents.to_pdf(blocks(r), repeat_rows=3),
    "pdf_unruled": lambda r: documents.to_pdf(blocks(r), ruled=False),
    "docx": lambda r: documents.to_docx(blocks(r)),
    "html": lambda r: documents.to_html(blocks(r)),
}
