"""Statistics tables of the three formats, flattened to text in the shapes real copies show."""
from __future__ import annotations

from dataclasses import dataclass

from .doc import Doc
from .facts import APPLICANTS, Facts

NULL_MARKS = ("-", "—", "/", "无")


@dataclass
class Num:
    v: float | int | None
    code: str | None = None
    dim: str | None = None
    text: str | None = None  # display text when it differs from the value (signed changes, units)
    total: bool = False  # the reliable last column of a Table B row


def _fmt(v) -> str:
    if isinstance(v, float) and not v.is_integer():
        return f"{v:.2f}".rstrip("0").rstrip(".")
    return str(int(v))


def _cell_text(c, blank: str) -> str:
    if isinstance(c, Num):
        if c.v is None:
            return blank
        return c.text if c.text is not None else _fmt(c.v)
    return c


def _record(doc: Doc, rows, *, drop_dims: bool = False) -> None:
    """Record the coded cells of rows. drop_dims: blank cells were dropped from the text (shrink shape),
    so a row that lost cells no longer says which column a value belongs to: only its total is stated."""
    for row in rows:
        if row is None:
            continue
        shrunk = drop_dims and any(isinstance(c, Num) and c.v is None for c in row)
        for c in row:
            if isinstance(c, Num) and c.code:
                if shrunk and not c.total:
                    continue
                doc.rec(c.code, c.v, "table", c.dim)


def render(doc: Doc, rows, shape: str, *, drop_dims: bool = False) -> None:
    """rows: list of lists of str | Num; None marks a block break. shape: pipe | cells | space | shrink."""
    rnd = doc.rnd
    space_blank = rnd.choice(NULL_MARKS)
    for row in rows:
        if row is None:
            continue
        if shape == "cells":
            for c in row:
                txt = _cell_text(c, "")
                doc.t(f"{txt} |" if txt else "|")
            if len(row) == 1 and rnd.random() < 0.6:
                doc.t(rnd.choice(("||", "|||", "|")))
        elif shape == "space":
            txts = [_cell_text(c, space_blank) for c in row]
            doc.t(" ".join(t for t in txts if t))
        elif shape == "shrink":
            txts = [_cell_text(c, "") for c in row]
            doc.t(" | ".join(t for t in txts if t) + " |")
        else:
            txts = [_cell_text(c, "") for c in row]
            line = " | ".join(txts) + " |"
            if len(row) == 1 and rnd.random() < 0.4:
                line += " |||"
            doc.t(line)
    _record(doc, rows, drop_dims=drop_dims)


# --------------------------------------------------------------------------- 2014
def table_2014(doc: Doc, f: Facts, shape: str, *, staff_bad: bool = False) -> None:
    rnd = doc.rnd
    res = f.resolved
    ch = {c: sum(1 for r in f.new if r.channel == c) for c in ("in_person", "fax", "online", "letter")}
    on_time = sum(1 for r in res if r.on_time)
    completed = len(res)

    def cnt(result, sub=None):
        return sum(1 for r in res if r.result == result and (sub is None or r.sub == sub))

    already = min(cnt("disclosed"), sum(1 for r in res if r.result == "disclosed" and r.sub == 0 and r.on_time) // 2)
    staff_total = f.staff_full + f.staff_part + (1 if staff_bad else 0)
    review_total = f.review["upheld"] + f.review["corrected"] + f.review["other"]
    lit = {k: f.litig["direct"][k] + f.litig["after_review"][k] for k in ("upheld", "corrected", "other")}
    fee = None if rnd.random() < 0.4 else 0
    T, J, C, R, P = "条", "件", "次", "人", "人次"
    rows = [
        ["统计指标", "单位", "统计数"],
        ["一、主动公开情况", "", ""],
        ["(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条)", T, Num(f.proactive, "proactive_total")],
        ["其中:主动公开规范性文件数", T, Num(f.docs["normative"]["published"], "proactive_normative_docs")],
        ["制发规范性文件总数", J, Num(f.docs["normative"]["made"], "normative_docs_issued")],
        ["(二)通过不同渠道和方式公开政府信息的情况", "", ""],
        ["1.政府公报公开政府信息数", T, Num(f.channels["gazette"], "proactive_total", "channel=gazette")],
        ["2.政府网站公开政府信息数", T, Num(f.channels["website"], "proactive_total", "channel=website")],
        ["3.政务微博公开政府信息数", T, Num(f.channels["weibo"], "proactive_total", "channel=weibo")],
        ["4.政务微信公开政府信息数", T, Num(f.channels["wechat"], "proactive_total", "channel=wechat")],
        ["5.其他方式公开政府信息数", T, Num(f.channels["other"], "proactive_total", "channel=other")],
        ["二、回应解读情况", "", ""],
        ["(一)回应公众关注热点或重大舆情数(不同方式回应同一热点或舆情计1次)", C, Num(f.hotspots, "hotspot_responses")],
        ["(二)通过不同渠道和方式回应解读的情况", "", ""],
        ["1.参加或举办新闻发布会总次数", C, Num(f.press, "press_conferences")],
        ["其中:主要负责同志参加新闻发布会次数", C, Num(min(f.press, f.press // 2), "press_conferences", "principal=yes")],
        ["2.政府网站在线访谈次数", C, Num(f.interviews, "online_interviews")],
        ["其中:主要负责同志参加政府网站在线访谈次数", C, Num(f.interviews // 2, "online_interviews", "principal=yes")],
        ["3.政策解读稿件发布数", "篇", Num(f.interpretations, "policy_interpretations")],
        ["4.微博微信回应事件数", C, Num(f.hotspots // 2, "social_media_responses")],
        ["5.其他方式回应事件数", C, Num(0)],
        ["三、依申请公开情况", "", ""],
        ["(一)收到申请数", J, Num(len(f.new), "requests_received")],
        ["1.当面申请数", J, Num(ch["in_person"], "requests_received", "channel=in_person")],
        ["2.传真申请数", J, Num(ch["fax"], "requests_received", "channel=fax")],
        ["3.网络申请数", J, Num(ch["online"], "requests_received", "channel=online")],
        ["4.信函申请数", J, Num(ch["letter"], "requests_received", "channel=letter")],
        ["(二)申请办结数", J, Num(completed, "requests_completed")],
        ["1.按时办结数", J, Num(on_time, "requests_completed", "timeliness=on_time")],
        ["2.延期办结数", J, Num(completed - on_time, "requests_completed", "timeliness=extended")],
        ["(三)申请答复数", J, Num(completed, "requests_replied")],
        ["1.属于已主动公开范围数", J, Num(already, "requests_replied", "result=already_public")],
        ["2.同意公开答复数", J, Num(cnt("disclosed") - already, "requests_replied", "result=disclosed")],
        ["3.同意部分公开答复数", J, Num(cnt("partial"), "requests_replied", "result=partial")],
        ["4.不同意公开答复数", J, Num(cnt("refused"), "requests_replied", "result=refused")],
        ["其中:涉及国家秘密", J, Num(cnt("refused", 0), "requests_replied", "result=refused;reason=state_secret")],
        ["涉及商业秘密", J, Num(cnt("refused", 1) + cnt("refused", 7), "requests_replied", "result=refused;reason=commercial_secret")],
        ["涉及个人隐私", J, Num(cnt("refused", 3), "requests_replied", "result=refused;reason=privacy")],
        ["危及国家安全、公共安全、经济安全和社会稳定", J, Num(cnt("refused", 2), "requests_replied", "result=refused;reason=three_safety")],
        ["不是《条例》所指政府信息", J, Num(cnt("refused", 4) + cnt("refused", 5), "requests_replied", "result=refused;reason=not_gov_info")],
        ["法律法规规定的其他情形", J, Num(cnt("refused", 6), "requests_replied", "result=refused;reason=law_prohibited")],
        ["5.不属于本行政机关公开数", J, Num(cnt("unable", 0), "requests_replied", "result=not_held")],
        ["6.申请信息不存在数", J, Num(cnt("unable", 1) + cnt("unable", 2), "requests_replied", "result=not_exist")],
        ["7.告知作出更改补充数", J, Num(cnt("other"), "requests_replied", "result=amend")],
        ["8.告知通过其他途径办理数", J, Num(cnt("not_processed"), "requests_replied", "result=other_route")],
        ["四、行政复议数量", J, Num(review_total, "admin_review_total")],
        ["(一)维持具体行政行为数", J, Num(f.review["upheld"], "admin_review_total", "result=upheld")],
        ["(二)被依法纠错数", J, Num(f.review["corrected"], "admin_review_total", "result=corrected")],
        ["(三)其他情形数", J, Num(f.review["other"], "admin_review_total", "result=other")],
        ["五、行政诉讼数量", J, Num(sum(lit.values()), "admin_litigation_total")],
        ["(一)维持具体行政行为或者驳回原告诉讼请求数", J, Num(lit["upheld"], "admin_litigation_total", "result=upheld")],
        ["(二)被依法纠错数", J, Num(lit["corrected"], "admin_litigation_total", "result=corrected")],
        ["(三)其他情形数", J, Num(lit["other"], "admin_litigation_total", "result=other")],
        ["六、举报投诉数量", J, Num(f.complaints, "complaints_total")],
        ["七、依申请公开信息收取的费用", "万元", Num(fee, "fees_collected")],
        ["八、机构建设和保障经费情况", "", ""],
        ["(一)政府信息公开工作专门机构数", "个", Num(f.bodies, "dedicated_bodies")],
        ["(二)设置政府信息公开查阅点数", "个", Num(f.points, "inspection_points")],
        ["(三)从事政府信息公开工作人员数", R, Num(staff_total, "staff_total")],
        ["1.专职人员数(不包括政府公报及政府网站工作人员数)", R, Num(f.staff_full, "staff_fulltime")],
        ["2.兼职人员数", R, Num(f.staff_part, "staff_parttime")],
        ["(四)政府信息公开专项经费(不包括用于政府公报编辑管理及政府网站建设维护等方面的经费)", "万元", Num(f.funds, "special_funds")],
        ["九、政府信息公开会议和培训情况", "", ""],
        ["(一)召开政府信息公开工作会议或专题会议数", C, Num(f.meetings, "gid_meetings")],
        ["(二)举办各类培训班数", C, Num(f.trainings, "trainings")],
        ["(三)接受培训人员数", P, Num(f.trainees, "trainees")],
    ]
    if shape == "space":
        # a blank fee cell in a space-separated copy would be unreadable: print a null mark instead
        rows = [[c for c in r if c != ""] or r for r in rows]
    render(doc, rows, shape)


# --------------------------------------------------------------------------- 2019 / 2021 Table A
def _change_text(rnd, ch: int) -> str:
    if ch == 0:
        return "0"
    if ch > 0:
        return rnd.choice((f"+{ch}", f"增{ch}", str(ch)))
    return rnd.choice((f"-{-ch}", f"减{-ch}"))


def table_a(doc: Doc, f: Facts, era: str, shape: str) -> None:
    rnd = doc.rnd
    rows: list = []
    guide = rnd.random() < 0.15
    if era == "table_2019":
        rows.append(["第二十条第(一)项"])
        if rnd.random() < 0.15:
            rows.append(["信息内容", "本年新", "本年新", "对外公开总数量"])
        else:
            rows.append(["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"])
        for dt_, label in (("rules", "规章"), ("normative", "规范性文件")):
            d = f.docs[dt_]
            rows.append([label, Num(d["made"], "doc_new_made", f"doc_type={dt_}"),
                         Num(d["published"], "doc_new_published", f"doc_type={dt_}"),
                         Num(d["total"], "doc_total_published", f"doc_type={dt_}")])
        hdr = ["信息内容", "上一年项目数量(指上年事项数)" if guide else "上一年项目数量",
               "本年增/减", "处理决定数量(指本年办件量)" if guide else "处理决定数量"]
        for item, blocks in (("第二十条第(五)项", (("license", "行政许可", "license_decisions"),
                                                 ("other_service", "其他对外管理服务事项", None))),
                             ("第二十条第(六)项", (("penalty", "行政处罚", "penalty_decisions"),
                                                 ("coercion", "行政强制", "coercion_decisions")))):
            rows.append([item])
            rows.append(list(hdr))
            for k, label, code in blocks:
                rows.append([label, Num(f.items_prev[k], "items_prev_year", f"item={k}"),
                             Num(f.items_change[k], "items_change", f"item={k}",
                                 text=_change_text(rnd, f.items_change[k])),
                             Num(f.decisions[k], code or "other_service_decisions")])
        rows.append(["第二十条第(八)项"])
        rows.append(["信息内容", "上一年项目数量", "本年增/减"])
        rows.append(["行政事业性收费", Num(f.items_prev["fee"], "items_prev_year", "item=fee"),
                     Num(f.items_change["fee"], "items_change", "item=fee",
                         text=_change_text(rnd, f.items_change["fee"]))])
        rows.append(["第二十条第(九)项"])
        rows.append(["信息内容", "采购项目数量", "采购总金额"])
        n, amt = f.procurement
        rows.append(["政府集中采购", Num(n, "procurement_items"), Num(amt, "procurement_amount", text=f"{_fmt(amt)}万元")])
    else:
        rows.append(["第二十条第(一)项"])
        rows.append(["信息内容", "本年制发件数", "本年废止件数", "现行有效件数"])
        for dt_, label in (("rules", "规章"), ("normative", "行政规范性文件")):
            d = f.docs[dt_]
            rows.append([label, Num(d["issued"], "doc_issued", f"doc_type={dt_}"),
                         Num(d["repealed"], "doc_repealed", f"doc_type={dt_}"),
                         Num(d["in_force"], "doc_in_force", f"doc_type={dt_}")])
        hdr = "本年处理决定数量(本年办件量)" if guide else "本年处理决定数量"
        rows.append(["第二十条第(五)项"])
        rows.append(["信息内容", hdr])
        rows.append(["行政许可", Num(f.decisions["license"], "license_decisions")])
        rows.append(["第二十条第(六)项"])
        rows.append(["信息内容", hdr])
        rows.append(["行政处罚", Num(f.decisions["penalty"], "penalty_decisions")])
        rows.append(["行政强制", Num(f.decisions["coercion"], "coercion_decisions")])
        rows.append(["第二十条第(八)项"])
        rows.append(["信息内容", "本年收费金额(单位:万元)"])
        fee = f.admin_fee if rnd.random() < 0.85 else None
        rows.append(["行政事业性收费", Num(fee, "admin_fee_amount")])
    render(doc, rows, shape)


# --------------------------------------------------------------------------- Table B
REFUSED_REASONS = ("state_secret", "law_prohibited", "three_safety", "third_party", "internal_affairs",
                   "process_info", "enforcement_file", "inquiry")
UNABLE_REASONS = ("not_held", "needs_creation", "unclear")
NOT_PROCESSED_REASONS = ("complaint", "repeated", "publication", "abusive", "confirm")
OTHER_REASONS = ("no_correction", "unpaid", "other")


def _dims(*parts: str | None) -> str | None:
    return ";".join(p for p in parts if p) or None


def table_b(doc: Doc, f: Facts, era: str, shape: str, *, blanks: bool, balance_bad: bool) -> None:
    """Table B; the truth is every printed cell (applicant columns + 总计), as a reader of the grid
    records it: row dimension result=/reason= (table_rows.csv), column dimension applicant=.
    Rows without cells of their own (the (三)/(四)/(五) parents, 2021 (六)) state no figure."""
    rnd = doc.rnd
    res = f.resolved

    def by_app(reqs):
        return [sum(1 for r in reqs if r.applicant == a) for a in APPLICANTS]

    def row(label, counts, code, dim=None, total_override=None):
        cells = [label] if isinstance(label, str) else list(label)
        for a, n in zip(APPLICANTS, counts):
            v = None if (blanks and n == 0) else n
            cells.append(Num(v, code, _dims(f"applicant={a}", dim)))
        tot = sum(counts) if total_override is None else total_override
        cells.append(Num(tot, code, dim, total=True))
        return cells

    def results(result, sub=None):
        return by_app([r for r in res if r.result == result and (sub is None or r.sub == sub)])

    R = "requests_resolved"
    hdr_split = rnd.random() < 0.5
    rows: list = [
        ["(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和)", "申请人情况"],
        ["", "自 然 人" if hdr_split else "自然人", "法人或其他组织", "", "", "", "", "总计"],
        ["", "", "商业 企业" if hdr_split else "商业企业", "科研 机构" if hdr_split else "科研机构",
         "社会公益组织", "法律服务机构", "其他", ""],
        row("一、本年新收政府信息公开申请数量", by_app(f.new), "requests_received"),
        row("二、上年结转政府信息公开申请数量", by_app(f.carried_in), "requests_carried_in"),
        row(("三、本年度办理结果", "(一)予以公开"), results("disclosed"), R, "result=disclosed"),
        row("(二)部分公开(区分处理的,只计这一情形,不计其他情形)", results("partial"), R, "result=partial"),
    ]
    refused_labels = ("1.属于国家秘密", "2.其他法律行政法规禁止公开", "3.危及“三安全一稳定”", "4.保护第三方合法权益",
                      "5.属于三类内部事务信息", "6.属于四类过程性信息", "7.属于行政执法案卷", "8.属于行政查询事项")
    unable_labels = ("1.本机关不掌握相关政府信息", "2.没有现成信息需要另行制作", "3.补正后申请内容仍不明确")
    np_labels = ("1.信访举报投诉类申请", "2.重复申请", "3.要求提供公开出版物", "4.无正当理由大量反复申请",
                 "5.要求行政机关确认或重新出具已获取信息")
    other_labels = ("1.申请人无正当理由逾期不补正、行政机关不再处理其政府信息公开申请",
                    "2.申请人逾期未按收费通知要求缴纳费用、行政机关不再处理其政府信息公开申请", "3.其他")
    groups = [("(三)不予公开", "refused", refused_labels, REFUSED_REASONS),
              ("(四)无法提供", "unable", unable_labels, UNABLE_REASONS),
              ("(五)不予处理", "not_processed", np_labels, NOT_PROCESSED_REASONS)]
    if era == "table_2021":
        groups.append(("(六)其他处理", "other", other_labels, OTHER_REASONS))
    for parent, result, labels, reasons in groups:
        for i, (lab, reason) in enumerate(zip(labels, reasons)):
            rows.append(row((parent, lab) if (i == 0 or shape != "cells") else lab, results(result, i), R,
                            f"result={result};reason={reason}"))
    if era != "table_2021":
        rows.append(row("(六)其他处理", results("other"), R, "result=other"))
    rows.append(row("(七)总计", by_app(res), R))
    out_counts = by_app(f.carried_out)
    out_total = sum(out_counts) + (1 if balance_bad else 0)
    rows.append(row("四、结转下年度继续办理", out_counts, "requests_carried_out", total_override=out_total))
    render(doc, rows, shape, drop_dims=(shape == "shrink" and blanks))


# --------------------------------------------------------------------------- Table C
_C_LABELS = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")


def table_c(doc: Doc, f: Facts, shape: str) -> None:
    rnd = doc.rnd
    keys = ("upheld", "corrected", "other", "pending")
    rv = [f.review[k] for k in keys]
    dv = [f.litig["direct"][k] for k in keys]
    av = [f.litig["after_review"][k] for k in keys]
    nums = rv + [sum(rv)] + dv + [sum(dv)] + av + [sum(av)]
    if shape == "vertical":
        doc.t("行政复议 行政诉讼")
        doc.t("未经复议直接起诉 复议后起诉")
        labels = _C_LABELS * 3
        for i in range(4):
            doc.t(" ".join(lab[i] if i < len(lab) else "" for lab in labels).replace("  ", " ").strip())
        doc.t(" ".join(str(n) for n in nums))
    else:
        rows = [["行政复议", "行政诉讼"], ["", "", "", "", "", "未经复议直接起诉", "", "", "", "", "复议后起诉"],
                list(_C_LABELS) + list(_C_LABELS) + list(_C_LABELS), [Num(n) for n in nums]]
        render(doc, rows, shape if shape != "space" else "pipe")
    for k, v in zip(keys, rv):
        doc.rec("admin_review_total", v, "table", f"result={k}")
    doc.rec("admin_review_total", sum(rv), "table")
    for route, vals in (("direct", dv), ("after_review", av)):
        for k, v in zip(keys, vals):
            doc.rec("admin_litigation_total", v, "table", f"route={route};result={k}")
        doc.rec("admin_litigation_total", sum(vals), "table", f"route={route}")
    doc.rec("admin_litigation_total", sum(dv) + sum(av), "table")
    _ = rnd
