"""Narrative (prose) metric extraction.

`extract_prose_metrics(text, sections)` reads catalogue metrics out of the
running text of a cleaned report. Every figure must sit next to its keyword in
the same clause ("主动公开政府信息475条", "受理行政审批事项539件"), and a figure is
read only when the pattern ends in a unit, so years, dates, document numbers,
article numbers, phone numbers, postcodes and enumerations never qualify.

Design notes
- Each rule is one compiled regex with a named group ``num``; all rules run over
  the whole text once (no per-sentence regex loop) and matches are mapped to
  sentences with bisect. A number position is claimed by the first rule that
  reads it, so rule order encodes specificity.
- Follow-up figures ("已办结485件", "结案N件", "办结率90%") take their code from
  the nearest topic keyword earlier in the same sentence (申请 → requests,
  审批 → approvals, 信访/投诉 → petitions); without one they are dropped.
- Statistics-table lines (two or more '|') and sections of kind
  'statistics_table' are masked: tables belong to the table extractor.
- Qualifier precedence: negation > cumulative > approx > as_of.
"""
from __future__ import annotations

import bisect
import re
from dataclasses import dataclass
from functools import cached_property
from typing import Callable

from .catalog import to_wan_yuan
from .figures import (BREAKDOWN_FAMILIES, GENERIC_CODE, breakdown_of, channel_of, label_of, open_figures, open_zeros,
                      opens_breakdown, other_year, scan_back, scan_forward)
from .model import Metric, Section
from .numbers import parse_number

__all__ = ["extract_prose_metrics", "section_at", "split_sentences"]

# ---------------------------------------------------------------------------
# building blocks
_CN = "零〇一二两三四五六七八九十百千"
# A figure: not preceded by a digit, a numeral, 第 (ordinal) or words that make a
# numeral part of an idiom (每一, 统一, 唯一 ...).
NUM = (
    rf"(?=[近约逾超将接0-9xX{_CN}])"  # cheap first-character test before the lookbehind
    rf"(?<![0-9.xX{_CN}第每逐统唯任某同单])"
    r"(?P<pre>将近|接近|超过|近|约|逾)?"
    rf"(?P<num>[0-9xX]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|[{_CN}]+)"
    r"(?P<wan>万)?(?P<post>余|多)?"
)
G = r"[^,。;:!?\n|]"  # a character inside one clause
GN = r"[^,。;:!?、\n|0-9]"  # ... that is not a digit or an enumeration comma
CNT = r"(?:件|条|项|个|份)(?![例款目])"

_SENT_END = re.compile(r"[。!?!?\n]")
_TABLE_LINE = re.compile(r"^[^\n]*\|[^\n]*\|[^\n]*$", re.M)
_NOT_NEWLINE = re.compile(r"[^\n]")
# a line of running text inside a table section: no cell separator, and a full sentence or longer than any row
_PROSE_LINE = re.compile(r"^(?:[^\n|]{12,}[。!?!?]|[^\n|]*[^\n|]{160,}[^\n|]*|[^\n|。]{6,}。[^\n|]{6,})$", re.M)
# Bracketed guidance of the statistics table "(不同渠道和方式公开相同信息计1条)".
_GUIDANCE = re.compile(r"\([^()\n]{0,40}?计(?:为|作)?(?:1|一)(?:条|次)\)")

_AS_OF = re.compile(r"截[至止]到?|今年以来|年初以来|本年以来|目前|到今年|至今")
_FULL_YEAR = re.compile(r"(?:[0-9]{4}年度?|本年度?|今年|当年)?(?:年底|年末|年终|12月31日|12月底|全年)|[0-9]{4}年(?:底|末)")
_CUMULATIVE = re.compile(r"累计|历年")
# 累计 alone totals the period the report covers ("第三季度…累计发布信息510条"); it is a running total since
# records began only with 历年, or with a date it runs to or a start it runs from in its sentence
_CUMULATIVE_SPAN = re.compile(r"截[至止]到?|(?:成立|开通|建立|实施|运行|开设|施行|开展|启动)以来|至今|自[0-9]{4}年")
_ANNUAL_BEFORE_CUM = re.compile(r"(?:今年|本年|全年|当年|年度|年内|上半年|下半年|季度)$")

_ANCHOR = re.compile(
    r"(?P<approvals>审批|许可|政务服务窗口|服务窗口|办件)"
    r"|(?P<petitions>信访|投诉|举报|12369|12345|来访|来信|热线)"
    r"|(?P<requests>申请)"
)

_CHANNEL_ITEM = re.compile(
    rf"(?P<ch>政府公报|公报|门户网站|政府网站|网站|政务微博|微博|政务微信|微信公众号|微信|公众号|其他方式|其它方式)"
    rf"{GN}{{0,10}}?{NUM}(?:条|篇)(?![例款])"
)
_NORMATIVE_ITEM = re.compile(rf"规范性文件{GN}{{0,4}}?{NUM}(?:条|件|份)(?![例款])")
_APPROVAL_ITEM = re.compile(
    rf"(?P<lab>[^,。;:!?、\n|]{{1,24}}?)(?:审批|许可|认证|验收|核发|备案)(?:业务|事项)?{NUM}(?:件|项|个)(?!目)"
)
_REQUEST_CHANNEL_ITEM = re.compile(
    rf"(?P<ch>当面|现场|传真|网络|网上|在线|电子邮件|邮件|信函|来信|邮寄){G}{{0,4}}?(?:申请|提交|提出|递交)(?:的申请)?(?:数|的)?"
    rf"(?:有|共|为)?{NUM}(?:件|条|项|个|份)"
)
_REQUEST_APPLICANT_ITEM = re.compile(
    rf"(?P<app>自然人|公民个人|商业企业|科研机构|社会公益组织|法律服务机构)(?:提出|提交|递交|申请)?(?:的申请)?(?:有|共|为)?"
    rf"{NUM}(?:件|条|项|个|份)"
)
_REQUEST_APPLICANTS = {"自然人": "natural_person", "公民个人": "natural_person", "商业企业": "commercial",
                       "科研机构": "research", "社会公益组织": "public_interest", "法律服务机构": "legal_service"}
_REQUEST_CHANNELS = {"当面": "in_person", "现场": "in_person", "传真": "fax", "网络": "online", "网上": "online",
                     "在线": "online", "电子邮件": "online", "邮件": "online", "信函": "letter", "来信": "letter",
                     "邮寄": "letter"}
_APPROVAL_KINDS = (
    ("eia", re.compile(r"环境影响评价|环评")),
    ("special_funds", re.compile(r"资金")),
    ("radiation", re.compile(r"辐射|核技术")),
    ("hazardous_waste", re.compile(r"废物|危废")),
    ("discharge_permit", re.compile(r"排污")),
    ("acceptance", re.compile(r"验收")),
    ("certification", re.compile(r"资质|认证")),
    ("license", re.compile(r"许可")),
)
_PRINCIPAL = re.compile(r"主要负责|主要领导|一把手|局长")
_RATE_KIND_SUFFIX = {
    "办结率": "", "结案率": "", "办理率": "", "完成率": "", "按时办结率": "_on_time", "按期办结率": "_on_time",
    "答复率": "_reply", "回复率": "_reply", "按时答复率": "_reply_on_time", "处理率": "_handling",
    "满意率": "_satisfaction", "满足率": "_satisfaction",
}
_CHANGE_WORDS = r"比上一?年|较上一?年|同比|与上一?年|比去年|较去年|增加|减少|增长|下降"
_EXCL_REQUEST = re.compile(r"复议|诉讼|审批|许可|信访|投诉|举报|行政|资金|登记|注册|项目|" + _CHANGE_WORDS)
# a publication count that names an environment release, a change or a part is the open reader's to classify
_EXCL_PROACTIVE = re.compile(r"解读|申请|规范性文件|相同信息|处罚|执法|督察|环评|预警|应急|抽查|监测|双随机|"
                             + _CHANGE_WORDS)
_EXCL_NEG_PROC = re.compile(r"可以|可|依法|有权|如|若|对于|不服|应当")


@dataclass(frozen=True)
class _Rule:
    name: str
    code: str | dict[str, str]  # dict: topic -> code (follow-up figures)
    pattern: str
    needles: tuple[str, ...]
    unit: str
    kind: str = "count"  # count | negation | rate | money
    exclude: re.Pattern[str] | None = None  # tested on the match text before the figure
    hook: str | None = None

    @cached_property
    def rx(self) -> re.Pattern[str]:
        """Compiled on first use: a report without the rule's needles never needs it (half the rules in a
        typical report), which keeps their compilation out of a fresh process's first report."""
        return re.compile(self.pattern)


def _r(name, code, pattern, needles, unit, kind="count", exclude=None, hook=None) -> _Rule:
    return _Rule(name, code, pattern, tuple(needles), unit, kind,
                 re.compile(exclude) if isinstance(exclude, str) else exclude, hook)


_FOLLOW_DONE = {"requests": "requests_completed", "approvals": "approvals_completed", "petitions": "petitions_closed"}

# Order matters: the first rule to read a number position owns it.
RULES: tuple[_Rule, ...] = (
    # --- zero stated in words -------------------------------------------------
    _r("neg_requests", "requests_received",
       r"(?:未|没有|尚未)(?:收到|接到|受理|接收)(?P<gap>[^,。;:!?\n|]{0,16}?)申请(?!人)",
       ("未", "没有"), "件", "negation", exclude=_EXCL_REQUEST),
    _r("neg_requests_filed", "requests_received",
       r"(?:没有|未有|无)(?P<gap>[^,。;:!?\n|]{0,30}?)(?:提出|提交|递交)(?:了|过)?(?:任何)?(?:政府信息公开|信息公开|依申请公开)?申请(?!人)",
       ("提出", "提交", "递交"), "件", "negation", exclude=_EXCL_REQUEST),
    _r("neg_requests_noun", "requests_received",
       r"(?:无|没有|未发生|未有)(?P<gap>任何|政府信息|)(?:依申请公开|政府信息公开申请|信息公开申请)(?![^,。;\n|]{0,10}(?:复议|诉讼))",
       ("无", "没有", "未"), "件", "negation"),
    _r("neg_review", "admin_review_total",
       r"(?:未(?![予能按经及])|无(?![法正])|没有|不存在)(?P<gap>[^,。;:!?\n|]{0,28}?)行政复议",
       ("行政复议",), "件", "negation", exclude=_EXCL_NEG_PROC),
    _r("neg_review_zero", "admin_review_total",
       r"行政复议(?P<gap>[^,。;:!?\n|]{0,12}?)(?:为零|为0|均为零|均为0|为“零”|数为零)",
       ("行政复议",), "件", "negation"),
    _r("neg_litigation", "admin_litigation_total",
       r"(?:未(?![予能按经及])|无(?![法正])|没有|不存在)(?P<gap>[^,。;:!?\n|]{0,40}?)行政诉讼",
       ("行政诉讼",), "件", "negation", exclude=_EXCL_NEG_PROC),
    _r("neg_litigation_zero", "admin_litigation_total",
       r"行政诉讼(?P<gap>[^,。;:!?\n|]{0,12}?)(?:为零|为0|均为零|均为0|为“零”|数为零)",
       ("行政诉讼",), "件", "negation"),
    _r("neg_fees_collect", "fees_collected",
       r"(?:未|不|没有|无)(?:向申请人)?(?:收取|收(?![到集入]))(?P<gap>[^,。;:!?\n|]{0,12}?)费",
       ("收",), "万元", "negation", exclude=r"行政事业性|排污|工本"),
    _r("neg_fees_noun", "fees_collected",
       r"(?:无|没有|未发生)(?P<gap>[^,。;:!?\n|]{0,12}?)(?:收费及减免|收费和减免|收费情况|信息处理费|检索费|复制费)",
       ("无", "没有", "未发生"), "万元", "negation", exclude=r"行政事业性|排污"),
    _r("neg_complaints", "complaints_total",
       r"(?:未|没有|无)(?:收到|接到|发生)?[^,。;:!?\n|]{0,6}?(?:政府信息公开|信息公开)[^,。;:!?\n|]{0,10}?(?:举报|投诉)",
       ("举报", "投诉"), "件", "negation"),
    _r("neg_normative_issued", "normative_docs_issued",
       r"(?:未|没有|无)(?:制发|制定|出台|印发)(?P<gap>[^,。;:!?\n|]{0,6}?)规范性文件",
       ("规范性文件",), "件", "negation"),
    _r("neg_staff_full", "staff_fulltime",
       r"(?:未|没有|无|尚未)(?:配备|配置|设置|设立|安排|明确)?[^,。;:!?\n|]{0,16}?(?:专职|全职)(?:人员|工作人员)",
       ("专职", "全职"), "人", "negation"),
    _r("neg_trainings", "trainings",
       rf"(?:未|没有|尚未)(?:单独|专门|另行)?(?:举办|组织|开展)(?:过)?(?P<gap>{G}{{0,8}}?)培训",
       ("培训",), "次", "negation"),
    # --- rates ------------------------------------------------------------------
    _r("rate", "completion_rate",
       rf"(?P<rw>按时办结率|按期办结率|按时答复率|办结率|结案率|办理率|完成率|答复率|回复率|处理率|满意率|满足率)"
       rf"(?:均|都)?(?:为|达|达到|是|保持|保持在)?(?:了)?{NUM}(?:%|%)",
       ("率",), "%", "rate", hook="rate"),
    # --- staff ------------------------------------------------------------------
    _r("staff_full_pre", "staff_fulltime", rf"{NUM}(?:名|位|个|人)(?:专职|全职)", ("专职", "全职"), "人"),
    _r("staff_full_post", "staff_fulltime", rf"(?:专职|全职)(?:人员|工作人员)?(?:共|有|为)?{NUM}(?:人|名|位)(?!次)",
       ("专职", "全职"), "人"),
    _r("staff_dedicated", "staff_fulltime", rf"{NUM}(?:名|位)(?:工作人员)?(?:作为)?专人", ("专人",), "人"),
    _r("staff_part_pre", "staff_parttime", rf"{NUM}(?:名|位|个|人)兼职", ("兼职",), "人"),
    _r("staff_part_post", "staff_parttime", rf"兼职(?:人员|工作人员|信息员|联络员)?(?:共|有|为)?{NUM}(?:人|名|位)(?!次)",
       ("兼职",), "人"),
    _r("staff_total", "staff_total",
       rf"(?:政府信息公开|信息公开|政务公开)(?:工作)?(?:的)?(?:工作)?人员(?:共|有|为|共有)?{NUM}(?:人|名|位)(?!次)",
       ("人员",), "人"),
    # --- press, interviews, interpretation, responses ---------------------------
    _r("press_times_first", "press_conferences",
       rf"{NUM}次{G}{{0,14}}?(?:召开|举办|举行|参加){G}{{0,12}}?新闻{G}{{0,6}}?会",
       ("新闻",), "次", hook="principal"),
    _r("press_verb_num", "press_conferences",
       rf"(?:召开|举办|组织|参加|举行)(?:了)?{NUM}(?:场|次){G}{{0,10}}?新闻(?:发布)?会",
       ("新闻",), "次", hook="principal"),
    _r("press_verb", "press_conferences",
       rf"(?:召开|举办|组织|参加|举行)(?:了)?{G}{{0,12}}?新闻(?:发布)?会(?:议)?(?:共|共计)?{NUM}(?:场|次)",
       ("新闻",), "次", hook="principal"),
    _r("press_noun", "press_conferences", rf"新闻发布会(?:共|共计)?{NUM}(?:场|次)", ("新闻发布会",), "次", hook="principal"),
    _r("online_interviews", "online_interviews", rf"在线访谈(?:节目|活动)?(?:共|共计)?{NUM}(?:期|次|场)", ("在线访谈",), "次",
       hook="principal"),
    _r("online_interviews_pre", "online_interviews", rf"{NUM}(?:期|次|场){G}{{0,6}}?在线访谈", ("在线访谈",), "次",
       hook="principal"),
    _r("policy_interp", "policy_interpretations",
       rf"解读(?:稿件|信息|文章|材料|类信息)?(?:共|共计)?{NUM}(?:篇|条|份|期)(?![例款])", ("解读",), "篇"),
    _r("policy_interp_pre", "policy_interpretations",
       rf"(?:发布|刊发|撰写|推出)(?:了)?{NUM}(?:篇|条|份){G}{{0,8}}?解读", ("解读",), "篇"),
    _r("hotspot", "hotspot_responses",
       rf"回应{G}{{0,14}}?(?:热点|舆情|关切)(?:问题|事件)?(?:共|共计)?{NUM}(?:次|条|个|件)(?![例款])",
       ("回应",), "次"),
    _r("social_media", "social_media_responses",
       rf"(?:微博|微信){G}{{0,6}}?回应(?:事件)?(?:共|共计)?{NUM}(?:次|件|条)(?![例款])", ("回应",), "次"),
    # --- meetings and training --------------------------------------------------
    _r("gid_meeting", "gid_meetings",
       rf"召开(?:了)?{G}{{0,14}}?(?:政府信息公开|信息公开|政务公开)(?:工作)?(?:专题)?(?:会议|会)(?:共)?{NUM}次",
       ("召开",), "次"),
    _r("gid_meeting_pre", "gid_meetings",
       rf"召开(?:了)?{NUM}次{G}{{0,12}}?(?:政府信息公开|信息公开|政务公开){G}{{0,6}}?会", ("召开",), "次"),
    _r("trainings_pre", "trainings",
       rf"(?:举办|组织|开展|召开)(?:了)?{NUM}(?:期|次|场|批){G}{{0,10}}?培训", ("培训",), "次"),
    _r("trainings", "trainings",
       rf"(?:举办|组织|开展|召开|参加)(?:了)?{G}{{0,12}}?培训(?:班|会|活动)?(?:共|共计)?{NUM}(?:期|次|场|批)",
       ("培训",), "次"),
    _r("trainees", "trainees", rf"(?:培训|参训){G}{{0,12}}?{NUM}(?:人次|人(?![员民大]))", ("训",), "人次"),
    # --- approvals --------------------------------------------------------------
    _r("approvals_received", "approvals_received",
       rf"受理{G}{{0,12}}?(?:行政)?审批(?:事项|业务|申请|件)?(?:共|共计)?{NUM}(?:件|项|个)(?!目)", ("审批",), "件",
       hook="approval_items"),
    _r("approvals_done", "approvals_completed",
       rf"(?:办理|办结|完成){G}{{0,10}}?审批(?:事项|业务|件)?(?:共|共计)?{NUM}(?:件|项|个)(?!目)", ("审批",), "件",
       hook="approval_items"),
    # --- petitions / complaints -------------------------------------------------
    _r("petitions_received", "petitions_received",
       rf"(?:受理|接到|收到|办理|接收|处理)(?P<gap>{G}{{0,14}}?)(?:信访|投诉|举报|来信来访|12369)"
       rf"(?P<gap2>{GN}{{0,8}}?)(?:共|共计)?{NUM}(?:件|起|个|批)(?![例款目])",
       ("信访", "投诉", "举报", "12369"), "件", hook="complaints"),
    # --- review / litigation figures -------------------------------------------
    _r("review_count", "admin_review_total",
       rf"行政复议(?:案件|申请)?(?:共|共计|数量为|数量|为)?{NUM}(?:件|起|个)", ("行政复议",), "件"),
    _r("litigation_count", "admin_litigation_total",
       rf"行政诉讼(?:案件)?(?:共|共计|数量为|数量|为)?{NUM}(?:件|起|个)", ("行政诉讼",), "件"),
    # --- normative documents ----------------------------------------------------
    _r("normative_issued", "normative_docs_issued",
       rf"(?:制发|印发|出台|制定)(?:了)?(?:行政)?规范性文件(?:共|共计)?{NUM}(?:件|个|份|部)", ("规范性文件",), "件"),
    _r("normative_issued_pre", "normative_docs_issued",
       rf"(?:制发|印发|出台|制定)(?:了)?{NUM}(?:件|个|份|部)(?:行政)?规范性文件", ("规范性文件",), "件"),
    _r("normative_public", "proactive_normative_docs",
       rf"公开(?:了)?(?:行政)?规范性文件(?:共|共计)?{NUM}(?:条|件|份)(?![例款])", ("规范性文件",), "条"),
    # --- requests for disclosure ------------------------------------------------
    _r("requests_carried_in", "requests_carried_in",
       rf"上年(?:度)?结转(?P<gap>{GN}{{0,14}}?){NUM}{CNT}", ("结转",), "件", exclude=r"审批|信访|投诉"),
    _r("requests_carried_out", "requests_carried_out",
       rf"(?:结转|转入|转至|转)(?:到|至)?(?:下一?年度?|次年|明年|[0-9]{{4}}年度?)(?:继续)?(?:办理|处理)?(?:的)?(?:申请)?(?:共)?{NUM}{CNT}",
       ("转",), "件"),
    _r("requests_received", "requests_received",
       rf"(?:收到|受理|接到|接收|新收)(?P<gap>[^,。;:!?\n|]{{0,20}}?)申请(?!人)(?P<gap2>{GN}{{0,8}}?){NUM}{CNT}",
       ("申请",), "件", exclude=_EXCL_REQUEST, hook="request_channels"),
    _r("requests_received_pre", "requests_received",
       rf"(?:收到|受理|接到|接收)(?:了)?(?:共)?{NUM}{CNT}(?P<gap>{G}{{0,12}}?)申请(?!人)",
       ("申请",), "件", exclude=_EXCL_REQUEST),
    _r("requests_received_noun", "requests_received",
       rf"依申请公开(?:申请|事项|信息|政府信息)?(?:共|共计|数量为|数量|为)?{NUM}{CNT}", ("依申请公开",), "件"),
    # --- follow-up figures: code from the sentence topic ------------------------
    _r("followup_done", _FOLLOW_DONE,
       rf"办结(?:了)?(?:申请)?(?:共)?{NUM}(?:件|条|项|个|起)(?![例款目])",
       ("办结",), "件"),
    _r("followup_reply", {"requests": "requests_replied"},
       rf"答复(?:了)?(?:申请)?(?:共)?{NUM}(?:件|条|项|个)(?![例款目])", ("答复",), "件"),
    _r("followup_closed", {"petitions": "petitions_closed"}, rf"结案{NUM}(?:件|起|个)", ("结案",), "件"),
    # --- proactive disclosure ---------------------------------------------------
    _r("proactive", "proactive_total",
       rf"(?:主动公开|(?<!申请)公开(?:各类|各项|(?=政府|政务|环境|环保)))(?P<gap>{G}{{0,14}}?)信息(?:数量|数)?"
       rf"(?P<gap2>{GN}{{0,6}}?){NUM}(?:条次|条)(?![例款])",
       ("公开",), "条", exclude=_EXCL_PROACTIVE, hook="proactive"),
    _r("proactive_publish", "proactive_total",
       rf"发布(?P<gap>{G}{{0,10}}?)信息(?P<gap2>{GN}{{0,4}}?){NUM}(?:条次|条)(?![例款])",
       ("发布",), "条", exclude=_EXCL_PROACTIVE, hook="proactive"),
    # --- other figures ----------------------------------------------------------
    _r("website_visits", "website_visits",
       rf"(?:访问量|浏览量|点击量|访问人次)(?:达|达到|为|共|超过|突破)?"
       rf"(?<![0-9.xX])(?P<pre>近|约|逾|超过)?(?P<num>[0-9]+(?:,[0-9]{{3}})*(?:\.[0-9]+)?|[{_CN}]+)"
       r"(?:(?P<wan>万)(?P<post>余|多)?(?:人次|次)?|(?P<post2>余|多)?(?:人次|次))",
       ("量", "访问人次"), "人次"),
    _r("fees", "fees_collected",
       rf"(?:收取{G}{{0,10}}?费(?:用)?|信息处理费)(?:共|共计|为)?{NUM}(?P<money>万元|元)", ("费",), "万元", "money"),
    _r("special_funds", "special_funds",
       rf"(?:信息公开|政务公开){G}{{0,8}}?(?:专项经费|工作经费)(?:投入|共|为|达)?{NUM}(?P<money>万元|元)",
       ("经费",), "万元", "money"),
    _r("inspection_points_pre", "inspection_points",
       rf"{NUM}(?:个|处)(?:政府信息)?(?:公开)?(?:查阅点|查阅场所|查阅室|查阅中心)", ("查阅",), "个"),
    _r("inspection_points_site", "inspection_points", rf"{NUM}(?:个|处)(?:场所|地点){G}{{0,16}}?查阅", ("查阅",), "个"),
    _r("inspection_points_post", "inspection_points",
       rf"(?:设立|设置|建立)(?:了)?(?:政府信息公开)?查阅(?:点|场所|室)(?:共)?{NUM}(?:个|处)", ("查阅",), "个"),
    _r("dedicated_bodies", "dedicated_bodies",
       rf"{NUM}个(?:政府信息公开|信息公开|政务公开)?(?:工作)?专门机构", ("专门机构",), "个"),
    _r("penalty_decisions", "penalty_decisions",
       rf"(?:作出|下达|开具|出具)(?:了)?(?:行政)?处罚决定(?:书)?(?:共|共计)?{NUM}(?:件|份|个)", ("处罚决定",), "件"),
    _r("penalty_cases", "penalty_decisions", rf"行政处罚案件(?:共|共计)?{NUM}(?:件|起)", ("行政处罚案件",), "件"),
)

_CUMULATIVE_CODE = {"proactive_total": "proactive_cumulative"}
_RUNNING_CODES = frozenset(_CUMULATIVE_CODE.values())
_BRACKET_RUNNING = re.compile(r"[(（][^)）]{0,14}累计")  # "信息420条(累计5100条)"
# Point-in-time stocks: "目前有兼职人员3名" is the stock itself, not a figure for part of the year.
_STOCK_CODES = frozenset(("staff_total", "staff_fulltime", "staff_parttime", "dedicated_bodies", "inspection_points",
                          "followers"))


# ---------------------------------------------------------------------------
# helpers
def section_at(sections: list[Section] | None, pos: int) -> int | None:
    """Id of the deepest section whose span contains pos (None when none does)."""
    if not sections:
        return None
    best: Section | None = None
    for s in sections:
        if s.char_start <= pos < s.char_end and (best is None or s.depth >= best.depth):
            best = s
    return best.section_id if best else None


def split_sentences(text: str) -> list[tuple[int, int]]:
    """Half-open spans of sentences (split on 。!? and line breaks)."""
    spans = []
    start = 0
    for m in _SENT_END.finditer(text):
        end = m.end()
        if end - start > 0:
            spans.append((start, end))
        start = end
    if start < len(text):
        spans.append((start, len(text)))
    return spans


def _mask(text: str, sections: list[Section] | None, read: list[tuple[int, int]] | None = None) -> str:
    """Blank out statistics tables, table rows already read and table guidance, keeping offsets (and line
    breaks)."""
    spans: list[tuple[int, int]] = list(read or ())
    if "|" in text:
        spans.extend(m.span() for m in _TABLE_LINE.finditer(text))
    if sections:
        for s in sections:
            if s.kind == "statistics_table" or s.topic == "statistics_table":
                # the table's rows, not the prose after it (a table section runs on to the next
                # heading): a full sentence line ending in 。 is never a table row
                a, e = max(0, s.char_start), min(len(text), s.char_end)
                for k0, k1 in (m.span() for m in _PROSE_LINE.finditer(text, a, e)):
                    spans.append((a, k0))
                    a = k1
                spans.append((a, e))
    if "计" in text:
        spans.extend(m.span() for m in _GUIDANCE.finditer(text))
    spans = sorted((a, b) for a, b in spans if b > a)
    if not spans:
        return text
    out: list[str] = []
    pos = 0
    for a, b in spans:
        if b <= pos:
            continue
        a = max(a, pos)
        out.append(text[pos:a])
        out.append(_NOT_NEWLINE.sub(" ", text[a:b]))
        pos = b
    out.append(text[pos:])
    return "".join(out)


@dataclass
class _Ctx:
    text: str
    work: str
    sent_starts: list[int]
    sent_spans: list[tuple[int, int]]
    sections: list[Section] | None

    def sentence(self, pos: int) -> tuple[int, int]:
        i = bisect.bisect_right(self.sent_starts, pos) - 1
        return self.sent_spans[max(i, 0)]


_CLAUSE_STOPS = ",。;:!?!?\n"


def _clause_start(work: str, s0: int, pos: int) -> int:
    return scan_back(work, s0, pos, _CLAUSE_STOPS)


def _clause_end(work: str, pos: int, s1: int) -> int:
    return scan_forward(work, pos, s1, _CLAUSE_STOPS)


def _evidence_span(ctx: _Ctx, a: int, b: int) -> tuple[int, int]:
    s0, s1 = ctx.sentence(a)
    s1 = max(s1, b)
    if s1 - s0 > 240:  # long run-on sentence: the clause(s) around the match
        s0 = _clause_start(ctx.work, s0, max(s0, a - 40))
        s1 = _clause_end(ctx.work, b, s1)
    text = ctx.text
    while s0 < s1 and text[s0].isspace():
        s0 += 1
    while s1 > s0 and text[s1 - 1].isspace():
        s1 -= 1
    return s0, s1


def _topic_before(work: str, s0: int, pos: int) -> str | None:
    topic = None
    for m in _ANCHOR.finditer(work, s0, pos):
        topic = m.lastgroup
    return topic


def _qualifier(ctx: _Ctx, m: re.Match, s0: int, s1: int, num_start: int) -> tuple[str | None, bool]:
    """(qualifier, is_cumulative) for a positive figure read by a rule."""
    gd = m.groupdict()
    return _qualifier_at(ctx, s0, s1, num_start, bool(gd.get("pre") or gd.get("post") or gd.get("post2")))


def _as_of_only(work: str, s0: int, s1: int) -> bool:
    return any(not _FULL_YEAR.match(work, am.end()) for am in _AS_OF.finditer(work, s0, s1))


def _approval_kind(label: str) -> str:
    for name, rx in _APPROVAL_KINDS:
        if rx.search(label):
            return name
    return "other"


def _value_of(m: re.Match, unit_kind: str) -> tuple[float | None, bool, bool]:
    """(value, is_redacted, approx) of the figure in match m."""
    gd = m.groupdict()
    raw = gd["num"]
    if gd.get("wan"):
        raw += "万"
    p = parse_number(raw)
    if p.is_redacted:
        return None, True, False
    value = p.value
    if value is not None and unit_kind == "money":
        value = to_wan_yuan(value, gd.get("money") or "万元")
    return value, False, bool(p.approx or gd.get("pre") or gd.get("post") or gd.get("post2"))


# ---------------------------------------------------------------------------
def extract_prose_metrics(text: str, sections: list[Section] | None = None,
                          read: list[tuple[int, int]] | None = None, year: int | None = None) -> list[Metric]:
    """Every figure stated in the running text (source_kind 'narrative'): the catalogue rules first, then the
    open reader (figures.py) for every other number with a unit.

    evidence is the sentence (or, for run-on sentences over 240 characters, the
    clause) the figure came from, and text[char_start:char_end] == evidence.
    read: spans already read as table rows (never read again as prose). year: the year the report covers; the
    open reader leaves out figures whose phrase names an earlier year.
    """
    if not text:
        return []
    work = _mask(text, sections, read)
    spans = split_sentences(work)
    ctx = _Ctx(text, work, [a for a, _ in spans], spans, sections)
    claimed: set[int] = set()  # number positions already read
    out: list[tuple[int, Metric]] = []
    negated: set[tuple[str, int]] = set()  # (code, sentence start) with a zero in words
    positive: set[tuple[str, int]] = set()  # (code, sentence start) with a figure

    def emit(code, value, unit, a, b, *, dimension=None, qualifier=None, redacted=False, order=None, label=None):
        e0, e1 = _evidence_span(ctx, a, b)
        out.append((a if order is None else order, Metric(
            metric_code=code, value=value, unit=unit, source_kind="narrative", evidence=text[e0:e1],
            char_start=e0, char_end=e1, dimension=dimension, qualifier=qualifier, is_redacted=redacted,
            section_id=section_at(sections, a), label=label if label is not None else label_of(work, a, b),
        )))

    negations: list[tuple[str, str, int, int, int]] = []
    for rule in RULES:
        if not any(n in work for n in rule.needles):
            continue
        for m in rule.rx.finditer(work):
            if rule.exclude is not None:
                if "num" in m.re.groupindex:
                    head = work[m.start():m.start("num")] + work[m.end("num"):m.end()]
                else:
                    head = m.group(0)
                if rule.exclude.search(head):
                    continue
            s0, s1 = ctx.sentence(m.start())
            if rule.kind == "negation":
                negations.append((rule.code, rule.unit, m.start(), m.end(), s0))  # type: ignore[arg-type]
                continue
            ns = m.start("num")
            c0 = _clause_start(work, s0, m.start())
            if ns in claimed or work.find("分别", c0, ns) >= 0:
                continue  # a 分别 pair is the open reader's (its subjects are listed before 分别)
            if other_year(work[c0:ns], year):
                continue  # another year's figure ("2019年主动公开信息250条" in the 2020 report)
            code = rule.code
            if isinstance(code, dict):
                topic = _topic_before(work, s0, m.start())
                code = code.get(topic) if topic else None
                if code is None:
                    continue
            dimension = None
            if rule.kind == "rate":
                topic = _topic_before(work, s0, m.start("rw"))
                if topic is None:
                    if m.group("rw") == "结案率":
                        topic = "petitions"
                    else:
                        continue
                dimension = f"kind={topic}{_RATE_KIND_SUFFIX[m.group('rw')]}"
            value, redacted, _ = _value_of(m, rule.kind)
            qualifier, cumulative = _qualifier(ctx, m, s0, s1, ns)
            if qualifier == "as_of" and code in _STOCK_CODES:
                qualifier = None
            if cumulative:
                code = _CUMULATIVE_CODE.get(code)
                if code is None:
                    continue
            if rule.hook == "proactive":
                seg = work[_clause_start(work, s0, m.start()):ns]
                ch = channel_of(seg)
                if ch:
                    dimension = f"channel={ch}"
            elif rule.hook == "principal":
                seg = work[_clause_start(work, s0, m.start()):m.end()]
                if _PRINCIPAL.search(seg):
                    dimension = "principal=yes"
            elif rule.hook == "complaints":
                if re.search(r"信息公开|依申请", m.group("gap") + m.group("gap2")):
                    code = "complaints_total"
            claimed.add(ns)
            if redacted:
                qualifier = None if qualifier in ("approx",) else qualifier
            emit(code, value, rule.unit, m.start(), m.end(), dimension=dimension, qualifier=qualifier,
                 redacted=redacted)
            positive.add((code, s0))
            # lists after the headline in the same sentence: they share its period (as_of, cumulative)
            # but not its rounding ("近130条,其中政府网站公开123条": the split is exact)
            item_q = None if qualifier == "approx" else qualifier
            if rule.hook == "proactive" and dimension is None and code == "proactive_total":
                _proactive_items(ctx, m.end(), s1, claimed, emit, item_q)
            elif rule.hook == "request_channels" and dimension is None:
                _request_channels(ctx, m.end(), s1, claimed, emit, item_q)
            elif rule.hook == "approval_items":
                _approval_items(ctx, code, m.end(), s1, claimed, emit, item_q)

    for code, unit, a, b, s0 in negations:
        if (code, s0) in positive or (code, s0) in negated:
            continue
        negated.add((code, s0))
        emit(code, 0.0, unit, a, b, qualifier="negation")

    _open(ctx, claimed, emit, {m.metric_code for _, m in out if m.dimension is None},
          [(a, b) for _, _, a, b, _ in negations], [(a, m.metric_code, m.dimension) for a, m in out], year)
    out.sort(key=lambda t: t[0])
    _one_headline(ctx, out)
    return [m for _, m in out]


# codes whose figures a phrase naming a category makes a part ("主动公开采购类信息75条" is category=finance)
_CATEGORY_CODES = frozenset({"proactive_total"})
_HEADLINE_QUALIFIERS = (None, "negation", "approx")
_CATEGORY_WORD = re.compile(r"类(?:信息|文件)?$")


def _one_headline(ctx: _Ctx, out: list[tuple[int, Metric]]) -> None:
    """One headline per code. When a code has figures of several values, one of a publication total whose phrase
    names a category is that category's part; of the rest, the largest is the headline (a total is at least its
    parts; a restatement with the same value stays); a smaller one is a part when it follows 其中 (or a sentence that opens a breakdown) after the headline —
    its category or channel from its phrase — and otherwise a figure the catalogue has no place for (the generic
    code, its phrase kept)."""
    groups: dict[str, list[tuple[int, Metric]]] = {}
    for a, m in out:
        if m.dimension is None and m.metric_code != GENERIC_CODE and m.qualifier in _HEADLINE_QUALIFIERS:
            groups.setdefault(m.metric_code, []).append((a, m))
    for code, ms in groups.items():
        if code in _CATEGORY_CODES:
            several = _several_values(ms)
            whole = []
            for a, m in ms:
                dims = breakdown_of(m.label or "")
                if dims and "category=" in dims and (several or _CATEGORY_WORD.search(m.label or "")):
                    m.dimension = dims  # a part of the total beside it, or a category by its own words (…类信息)
                else:
                    whole.append((a, m))
            ms = whole
        if not _several_values(ms):
            continue  # one figure (or one figure said twice): the headline, whatever its phrase names
        head_a, head = max(ms, key=lambda t: (t[1].value if t[1].value is not None else -1, -t[0]))
        for a, m in ms:
            if m is head or (m.value is not None and m.value == head.value):
                continue
            dims = breakdown_of(m.label or "") if _after_breakdown(ctx, head_a, a) else None
            if dims:
                m.dimension = dims
            else:
                m.metric_code = GENERIC_CODE


def _several_values(ms: list[tuple[int, Metric]]) -> bool:
    """Figures of one code that are not one figure said again (redacted ones are never taken for a restatement)."""
    return len(ms) >= 2 and (len({m.value for _, m in ms}) >= 2 or ms[0][1].value is None)


def _after_breakdown(ctx: _Ctx, head: int, pos: int) -> bool:
    """pos lists a part of the figure at head: after 其中 in head's sentence or the next, or in a sentence right
    after it that opens a breakdown (按内容划分…)."""
    if pos <= head:
        return False
    h0, h1 = ctx.sentence(head)
    p0 = ctx.sentence(pos)[0]
    if p0 > ctx.sentence(h1)[0] if h1 < len(ctx.work) else p0 > h0:
        return False
    return ctx.work.find("其中", head, pos) >= 0 or (p0 != h0 and opens_breakdown(ctx.work[p0:pos].lstrip()))


def _open(ctx: _Ctx, claimed: set[int], emit: Callable, headlines: set[str],
          negations: list[tuple[int, int]], read: list[tuple[int, str, str | None]], year: int | None) -> None:
    """Every other figure with a unit (figures.open_figures), with the period qualifiers of its sentence.

    read: (position, code, dimension) of the figures the rules read. A catalogue headline is taken once (a second
    mention keeps the generic code); an item listed after 其中 is a breakdown of the figure before 其中 and takes its
    code, adding its own category or channel; a share takes the breakdown of the figure before it in its sentence
    (机构职能类20条,占5%)."""
    work = ctx.work
    read = sorted(read)
    for f in open_figures(work, claimed, year=year):
        s0, s1 = ctx.sentence(f.num_start)
        code, dimension = f.code, f.dimension
        qualifier, cumulative = _qualifier_at(ctx, s0, s1, f.num_start, f.approx)
        before = [r for r in read if s0 <= r[0] < f.num_start]
        q = work.rfind("其中", s0, f.num_start)
        parent = _total_before([r for r in before if r[0] < q]) if q >= 0 else None
        if parent is None and s0 > 0 and (q == s0 or opens_breakdown(work[s0:f.num_start].lstrip())):
            # "…3460条。其中,…" / "…。按内容划分,…": the total ends the sentence before
            p0 = ctx.sentence(s0 - 1)[0]
            parent = _total_before([r for r in read if p0 <= r[0] < s0])
        if parent is not None and f.family in BREAKDOWN_FAMILIES and parent[1] != GENERIC_CODE:
            merged = _merge_dims(parent[2], dimension)
            # a part that names no category or channel of its own would only repeat its total's key
            code, dimension = (parent[1], merged) if merged != parent[2] else (GENERIC_CODE, None)
        elif parent is not None and f.family in BREAKDOWN_FAMILIES and dimension:
            code = GENERIC_CODE  # a breakdown of a figure the catalogue has no concept for keeps its category
        running = f.family == "" and before and _BRACKET_RUNNING.search(work, max(0, f.start - 1), f.num_start)
        if running:
            code, dimension = before[-1][1], before[-1][2]  # "信息420条(累计5100条)": the same count, to date
        if code == "share_pct" and before and before[-1][1] != "share_pct":
            dimension = _merge_dims(before[-1][2], f"of={before[-1][1]}")
        if cumulative:
            code = _CUMULATIVE_CODE.get(code, code)
        if (dimension is None and code != GENERIC_CODE and qualifier in ("cumulative", "as_of") and code in headlines
                and not running):
            code = GENERIC_CODE  # a stock after the year's figure of the same code
        elif dimension is None and code != GENERIC_CODE and qualifier not in ("cumulative", "as_of"):
            headlines.add(code)  # _one_headline keeps one headline per code once every figure is read
        claimed.add(f.num_start)
        emit(code, f.value, f.unit, f.start, f.end, dimension=dimension, qualifier=qualifier,
             redacted=f.redacted, label=f.label)
        bisect.insort(read, (f.num_start, code, dimension))
    for f in open_zeros(work):
        if any(a < f.end and f.start < b for a, b in negations):
            continue  # a catalogue rule read this zero
        emit(f.code, 0.0, f.unit, f.start, f.end, dimension=f.dimension, qualifier="negation", label=f.label)


def _total_before(read: list[tuple[int, str, str | None]]) -> tuple[int, str, str | None] | None:
    """The figure a list of parts breaks down: the last one without a dimension (the total, not the channel split
    listed after it, nor a running total beside it), else the last one."""
    read = [r for r in read if r[1] not in _RUNNING_CODES]
    return next((r for r in reversed(read) if r[2] is None), read[-1] if read else None)


def _merge_dims(a: str | None, b: str | None) -> str | None:
    """Dimensions of a parent and an item, one value per key (the parent's wins: of=, channel= of a headline)."""
    pairs: dict[str, str] = {}
    for d in (b, a):
        for part in (d or "").split(";"):
            if part:
                k, _, v = part.partition("=")
                pairs[k] = v
    return ";".join(f"{k}={v}" for k, v in sorted(pairs.items())) or None


def _qualifier_at(ctx: _Ctx, s0: int, s1: int, num_start: int, approx: bool) -> tuple[str | None, bool]:
    """(qualifier, is_cumulative) of a figure: cumulative (its clause) > approx > as_of (its sentence)."""
    work = ctx.work
    c0 = _clause_start(work, s0, num_start)
    for cm in _CUMULATIVE.finditer(work, c0, num_start):
        if _ANNUAL_BEFORE_CUM.search(work[max(c0, cm.start() - 4):cm.start()]):
            continue
        if cm.group() == "历年" or work[cm.start() - 1:cm.start()] in ("(", "（") or _CUMULATIVE_SPAN.search(
                work, s0, num_start):  # "公开文件30件(累计210件)": a running total beside the year's figure
            return "cumulative", True
    if approx:
        return "approx", False
    if _as_of_only(work, s0, s1):
        return "as_of", False
    return None, False


def _proactive_items(ctx: _Ctx, start: int, s1: int, claimed: set[int], emit: Callable,
                     head_q: str | None) -> None:
    """Channel splits (and normative documents after 其中) following a proactive headline."""
    work = ctx.work
    qi = work.find("其中", start, s1)
    for m in _CHANNEL_ITEM.finditer(work, start, s1):
        ns = m.start("num")
        if ns in claimed:
            continue
        value, redacted, approx = _value_of(m, "count")
        claimed.add(ns)
        emit("proactive_total", value, "条", m.start(), m.end(), dimension=f"channel={channel_of(m.group('ch'))}",
             qualifier="approx" if approx else head_q, redacted=redacted)
    if qi >= 0:
        for m in _NORMATIVE_ITEM.finditer(work, qi, s1):
            ns = m.start("num")
            if ns in claimed:
                continue
            value, redacted, approx = _value_of(m, "count")
            claimed.add(ns)
            emit("proactive_normative_docs", value, "条", m.start(), m.end(),
                 qualifier="approx" if approx else head_q, redacted=redacted)


def _approval_items(ctx: _Ctx, code: str, start: int, s1: int, claimed: set[int], emit: Callable,
                    head_q: str | None) -> None:
    """Approval types listed after 其中 in the sentence (or the next one) of an approvals headline."""
    work = ctx.work
    # the list may start in the next sentence ("...991项。其中,...")
    nxt = s1
    if s1 < len(work):
        n0, n1 = ctx.sentence(s1)
        nxt = n1
    qi = work.find("其中", start, nxt)
    if qi < 0 or work.find("其中", start, s1) < 0 and qi - s1 > 3:
        return
    stop = s1 if qi < s1 else nxt
    for m in _APPROVAL_ITEM.finditer(work, qi + 2, stop):
        ns = m.start("num")
        if ns in claimed:
            continue
        value, redacted, approx = _value_of(m, "count")
        claimed.add(ns)
        emit(code, value, "件", m.start("lab"), m.end(), dimension=f"kind={_approval_kind(m.group('lab'))}",
             qualifier="approx" if approx else head_q, redacted=redacted)


def _request_channels(ctx: _Ctx, start: int, s1: int, claimed: set[int], emit: Callable,
                      head_q: str | None) -> None:
    """Channel (当面/传真/网络/信函) and applicant (自然人/商业企业/...) splits of requests later in the
    headline's sentence ("共收到申请8件,其中通过网络提交5件" / "其中自然人提出3件")."""
    for rx, dim_of in ((_REQUEST_CHANNEL_ITEM, lambda m: f"channel={_REQUEST_CHANNELS[m.group('ch')]}"),
                       (_REQUEST_APPLICANT_ITEM, lambda m: f"applicant={_REQUEST_APPLICANTS[m.group('app')]}")):
        for m in rx.finditer(ctx.work, start, s1):
            ns = m.start("num")
            if ns in claimed:
                continue
            value, redacted, approx = _value_of(m, "count")
            claimed.add(ns)
            emit("requests_received", value, "件", m.start(), m.end(), dimension=dim_of(m),
                 qualifier="approx" if approx else head_q, redacted=redacted)
