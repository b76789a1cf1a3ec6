"""Compose one synthetic report (text + truth) for an agency-year."""
from __future__ import annotations

import datetime as dt
import random
import re

from . import families as fam
from . import pools
from .agencies import Agency
from .doc import Doc
from .facts import Facts
from .tables import table_a, table_b, table_c

BASE_RATES = {  # probability at --noise 1.0; each is multiplied by the noise level
    "docshare": 0.25,  # document-sharing wrapper (page markers, chunk numbers, redactions)
    "chrome": 0.60,  # web-site chrome (breadcrumb, date/source line, font size, print/close)
    "cover_letter": 0.35,
    "image": 0.35,
    "gb18030": 0.35,
    "traditional": 0.15,
    "bom": 0.10,
    "contradiction": 0.25,  # prose states N-1 where the table says N
    "balance_bad": 0.12,  # Table B carried_out off by one
    "staff_bad": 0.12,  # 2014 table staff_total off by one
    "redact": 0.40,  # per narrative figure, only inside document-sharing copies
    "alt_shape": 0.90,  # a flattened table shape other than pipe rows
    "metadata_block": 0.50,  # 索引号/发布机构 block inside the chrome
}

ROADS = ("人民路", "建设路", "解放路", "中山路", "滨河路", "环城北路", "文化路", "府前街", "新华路", "长安路")
SURNAMES = "王李张刘陈杨赵黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐"
GIVEN = "建国志强海涛明华立新文军红梅永平春生晓东伟丽德胜玉兰国庆秀英"
BRACKETS = (("〔", "〕"), ("﹝", "﹞"), ("[", "]"), ("【", "】"), ("(", ")"))
_NUMERAL_UNIT = re.compile(r"[0-9一二两三四五六七八九十]+(?:个|名|项|条|次|期|件|人|位|家|份|场|批|类)")
SLOTS = ("intro", "proactive", "key_areas", "platform", "requests", "other")


def era_of(year: int) -> str:
    if year < 2014:
        return "narrative"
    if year < 2019:
        return "table_2014"
    if year < 2021:
        return "table_2019"
    return "table_2021"


class Ctx:
    def __init__(self, ag: Agency, year: int, rnd: random.Random, noise: float):
        self.ag, self.year, self.rnd, self.noise = ag, year, rnd, noise
        self.name = ag.name(year)
        self.short = ag.short(year)
        self.era = era_of(year)
        lvl = ag.level
        if lvl == "province":
            self.gov = "省委、省政府" if ag.province.endswith("省") else "自治区党委、政府"
        elif lvl == "city":
            self.gov = "州委、州政府" if ag.city.endswith("州") else "市委、市政府"
        else:
            suffix = ag.county[-1]
            self.gov = {"区": "区委、区政府", "旗": "旗委、旗政府", "市": "市委、市政府"}.get(suffix, "县委、县政府")
        # the phrasing families of this report (families.RATES; not scaled by noise: phrasing is not noise)
        self.plan = {k: rnd.random() < v for k, v in fam.RATES.items()}
        self.plan["change_req"] = self.plan["change"] and rnd.random() < 0.6
        self.proactive_mode = rnd.random()  # which proactive sentence (s_proactive) this report writes
        # ... or one of the families' forms of the year's total (a running total beside it, several channels)
        self.proactive_form = ("running" if self.plan["running_total"] else
                               "channels" if self.plan["channel_total"] else "plain")
        self.pool_numerals: list[str] = []  # pool sentences with a numeral and a unit (distractors)
        self.distractor_slots = set(rnd.sample(SLOTS, rnd.randint(1, 3))) if self.plan["distractor"] else set()

    def p(self, key: str) -> bool:
        return self.rnd.random() < min(1.0, BASE_RATES[key] * self.noise)

    def me(self) -> str:
        own = "厅" if self.ag.level == "province" else "局"
        return self.rnd.choice(("我" + own, "我" + own, "本" + own, self.short))

    def fill(self, s: str) -> str:
        me = self.me()
        return s.format(me=me, year=self.year, next=self.year + 1, gov=self.gov, agency=self.name)

    def pick(self, pool, k: int = 1) -> str:
        out = [self.fill(s) for s in self.rnd.sample(pool, min(k, len(pool)))]
        # pool sentences with a numeral and a unit state no figure ("各明确一名信息员" is one per office):
        # remembered so that a scorer can charge what a reader takes from them to them
        self.pool_numerals.extend(x for x in out if _NUMERAL_UNIT.search(x))
        return "".join(out)


# --------------------------------------------------------------------------- sentences with figures
def mode_late(c: Ctx) -> bool:
    """The proactive sentence states no annual total (a part-year, cumulative or website figure)."""
    return c.proactive_form == "plain" and c.proactive_mode >= 0.7


def s_proactive(c: Ctx, d: Doc, f: Facts, *, contradict: bool = False) -> str:
    """The report's statement of the year's proactive total (or, in a few forms, of a part-year, cumulative or
    website figure instead), preceded by a category's part when the plan says so and the sentence states the
    year's total (families.s_part_first: the larger figure is the headline)."""
    text = _proactive(c, d, f, contradict=contradict)
    if c.plan.get("part_first") and (contradict or not mode_late(c)):
        c.plan["part_first"] = False
        text = fam.s_part_first(c, d, f) + text
    return text


def _proactive(c: Ctx, d: Doc, f: Facts, *, contradict: bool = False) -> str:
    r = c.rnd
    me = c.me()
    if contradict:
        c.plan["category"] = False  # a breakdown by category follows only the year's true total
        d.issue("prose_table_mismatch")
        return f"全年{me}共主动公开政府信息{d.F('proactive_total', f.proactive - 1, '条', cn=False, approx=False, redact=False)}。"
    if c.proactive_form == "running":
        return fam.s_running_total(c, d, f)
    if c.proactive_form == "channels":
        return fam.s_channel_total(c, d, f)
    if c.plan["category"] and r.random() < 0.4:  # the breakdown by category after 其中, in the headline's sentence
        c.plan["category"] = False
        head = f"全年{r.choice(('共', ''))}主动公开政府信息{d.F('proactive_total', f.proactive, '条')},其中"
        return head + fam._fam(d, "category", lambda: fam.category_items(c, d, f, ("after_qizhong",))) + "。"
    if mode_late(c):
        c.plan["category"] = False  # ... and only the year's total
    mode = c.proactive_mode
    if mode < 0.45:
        parts = [f"全年共主动公开政府信息{d.F('proactive_total', f.proactive, '条')}"]
        subs = [("website", r.choice(("门户网站发布", "政府网站公开")))]
        if f.channels["weibo"]:
            subs.append(("weibo", "政务微博发布"))
        if f.channels["wechat"]:
            subs.append(("wechat", r.choice(("微信公众号推送", "政务微信发布"))))
        if f.channels["gazette"] and r.random() < 0.5:
            subs.append(("gazette", "政府公报刊登"))
        txt = "、".join(f"{lab}{d.F('proactive_total', f.channels[ch], '条', f'channel={ch}', cn=False, approx=False)}"
                       for ch, lab in subs)
        return parts[0] + ",其中" + txt + "。"
    if mode < 0.7:
        return (f"{c.year}年,{me}通过各类渠道主动公开各类信息{d.F('proactive_total', f.proactive, '条')}"
                f"(不同渠道和方式公开的同一信息计为1条)。")
    if mode < 0.82 and f.proactive > 40:
        part = int(f.proactive * r.uniform(0.78, 0.93))
        return f"截至{c.year}年11月底,{me}已主动公开政府信息{d.F('proactive_total', part, '条', qual='as_of', approx=False)}。"
    if mode < 0.92:
        cum = f.proactive * r.randint(3, 9) + r.randint(0, 99)
        return (f"截至{c.year}年底,{me}在门户网站累计公开政府信息{d.F('proactive_cumulative', cum, '条', 'channel=website', qual='cumulative', approx=False)},"
                f"本年度信息更新保持常态化。")
    return f"{me}在门户网站发布各类环境信息{d.F('proactive_total', f.channels['website'], '条', 'channel=website')},内容涉及环境质量、执法监管和建设项目审批等。"


def s_requests_old(c: Ctx, d: Doc, f: Facts, *, contradict: bool = False) -> str:
    r = c.rnd
    n = len(f.new)
    if n == 0:
        d.zero("requests_received")
        return c.fill(r.choice((
            "本年度{me}未收到政府信息公开申请。",
            "{year}年无依申请公开事项。",
            "全年没有公民、法人或其他组织向{me}提出政府信息公开申请。",
            "本年度未收到依申请公开申请,因此不存在不予公开的情况。",
        )))
    if contradict and n >= 2:
        d.issue("prose_table_mismatch")
        return f"全年共受理政府信息公开申请{d.F('requests_received', n - 1, '件', cn=False, approx=False, redact=False)},均已按规定答复。"
    done = len(f.resolved)
    out = len(f.carried_out)
    if c.plan.get("request_outcome") and done:
        return fam.s_request_outcomes(c, d, f) + "所有申请均在规定时限内作出答复。"
    s = f"全年共受理政府信息公开申请{d.F('requests_received', n, r.choice(('件', '件', '项', '个')))}"
    if r.random() < 0.4 and n >= 3:
        online = sum(1 for q in f.new if q.channel == "online")
        if online:
            s += f",其中通过网络提交{d.F('requests_received', online, '件', 'channel=online', cn=False)}"
    s += f",办结{d.F('requests_completed', done, '件')}"
    if out:
        s += f",结转下年度办理{d.F('requests_carried_out', out, '件')}"
    return s + "。所有申请均在规定时限内作出答复。"


def s_requests_new(c: Ctx, d: Doc, f: Facts, *, contradict: bool = False) -> str:
    r = c.rnd
    n, ci = len(f.new), len(f.carried_in)
    if n == 0 and ci == 0:
        d.zero("requests_received")
        s = c.fill(r.choice((
            "本年度{me}未收到政府信息公开申请,也没有上年结转的申请。",
            "{year}年,{me}没有收到依申请公开事项。",
            "全年未收到依申请公开申请。",
        )))
        if "上年结转" in s:  # a second zero in words: a careful coder records it
            d.family = "zero_words"
            d.zero("requests_carried_in")
            d.family = None
            d.sentences.append(("zero_words", s))
        return s
    if contradict and n >= 2:
        d.issue("prose_table_mismatch")
        return f"全年共收到政府信息公开申请{d.F('requests_received', n - 1, '件', cn=False, approx=False, redact=False)},均已依法处理。"
    res, out = len(f.resolved), len(f.carried_out)
    mode = r.random()
    if mode < 0.5:
        s = f"全年共收到政府信息公开申请{d.F('requests_received', n, '件')}"
        if ci:
            s += f",上年结转{d.F('requests_carried_in', ci, '件')}"
        s += f",办结{d.F('requests_completed', res, '件')}"  # prose 办结 = requests_completed (catalogue)
        if out:
            s += f",结转下一年度继续办理{d.F('requests_carried_out', out, '件')}"
        return s + "。"
    if mode < 0.75:
        nat = sum(1 for q in f.new if q.applicant == "natural_person")
        s = f"本年度新收政府信息公开申请{d.F('requests_received', n, '件')}"
        if nat and nat < n:
            s += f",其中自然人提出{d.F('requests_received', nat, '件', 'applicant=natural_person')}"
        return s + ",全部在法定期限内答复。"
    s = f"{c.year}年{c.me()}共受理依申请公开{d.F('requests_received', n, '件')},未发生逾期答复的情况。"
    d.family = "zero_words"
    d.zero("other_figure", label="未发生逾期答复的情况")  # a zero in words (the open figure model's generic code)
    d.family = None
    d.sentences.append(("zero_words", s))
    c.plan["overdue_done"] = True
    return s


def s_review(c: Ctx, d: Doc, f: Facts) -> str:
    rv = sum(f.review[k] for k in ("upheld", "corrected", "other"))
    lt = sum(f.litig[rt][k] for rt in f.litig for k in ("upheld", "corrected", "other"))
    if rv == 0 and lt == 0:
        d.zero("admin_review_total")
        d.zero("admin_litigation_total")
        return c.fill(c.rnd.choice((
            "{year}年度没有发生因政府信息公开申请行政复议或提起行政诉讼的情况。",
            "本年度无因政府信息公开引起的行政复议,也无提起行政诉讼的情况。",
            "全年{me}未被申请政府信息公开方面的行政复议,亦未被提起行政诉讼。",
        )))
    return (f"全年因政府信息公开被申请行政复议{d.F('admin_review_total', rv, '件', approx=False)},"
            f"被提起行政诉讼{d.F('admin_litigation_total', lt, '件', approx=False)},均已依法应对。")


def s_fees(c: Ctx, d: Doc, f: Facts) -> str:
    d.zero("fees_collected")
    if c.year >= 2021:
        return c.fill(c.rnd.choice(("本年度{me}未收取信息处理费。", "{year}年,{me}在依申请公开中没有收取信息处理费。")))
    return c.fill(c.rnd.choice((
        "本年度{me}在依申请公开工作中未收取任何费用,不存在收费及减免情况。",
        "依申请提供政府信息时,{me}未向申请人收费。",
        "{year}年无政府信息公开收费及减免情况。",
    )))


def s_staff(c: Ctx, d: Doc, f: Facts) -> str:
    r = c.rnd
    unit = r.choice(("名", "人"))
    if f.staff_full == 0:
        d.zero("staff_fulltime")
        return f"{c.me()}未配备专职人员,由{d.F('staff_parttime', f.staff_part, unit)}兼职工作人员负责信息公开日常工作。"
    if r.random() < 0.5:
        return (f"目前从事政府信息公开工作的人员共{d.F('staff_total', f.staff_full + f.staff_part, unit)},"
                f"其中专职{d.F('staff_fulltime', f.staff_full, unit)}、兼职{d.F('staff_parttime', f.staff_part, unit)}。")
    return (f"{c.me()}配备专职工作人员{d.F('staff_fulltime', f.staff_full, unit)}、"
            f"兼职工作人员{d.F('staff_parttime', f.staff_part, unit)},负责信息的收集、审核和发布。")


def s_training(c: Ctx, d: Doc, f: Facts) -> str:
    s = f"全年召开政府信息公开专题会议{d.F('gid_meetings', f.meetings, '次')}"
    if f.trainings == 0:
        d.zero("trainings")
        return s + ",本年度未单独举办业务培训。"
    return s + f",举办业务培训{d.F('trainings', f.trainings, c.rnd.choice(('次', '期')))},参加培训{d.F('trainees', f.trainees, '人次')}。"


def s_press(c: Ctx, d: Doc, f: Facts) -> str:
    if f.press == 0:
        return ""
    return (f"围绕大气污染防治、中央环保督察整改等群众关注的问题,{c.me()}召开新闻发布会"
            f"{d.F('press_conferences', f.press, '场')},及时回应社会关切。")


def families_at(c: Ctx, d: Doc, f: Facts, slot: str) -> str:
    """The family sentences of this report's plan that belong at `slot` (one of SLOTS), plus a distractor when
    the slot drew one. Each family is written once per report."""
    r, p = c.rnd, c.plan
    out: list[str] = []

    def once(key: str, writer, *args) -> None:
        if p.get(key):
            p[key] = False
            out.append(writer(c, d, f, *args))

    if slot == "proactive":
        once("category", fam.s_categories)
        once("change", fam.s_change_proactive)
        if p["rate"] and (c.era == "narrative" or r.random() < 0.35):
            out.append(fam.s_digitisation(c, d, f))
        # after the categories: a breakdown opening the next sentence would take this one's figures for its total
        once("generic_part", fam.s_generic_part)
        once("channel", fam.s_channels)
    elif slot == "key_areas":
        once("env_release", fam.s_env_releases)
    elif slot == "platform":
        once("visits", fam.s_visits)
        once("followers", fam.s_followers)
        once("messages", fam.s_messages)
        once("media", fam.s_media)
    elif slot == "requests":
        if p["rate"]:
            out.append(fam.s_reply_rate(c, d, f))
            p["rate"] = False
        if p["zero_words"]:
            if f.resolved and all(q.on_time for q in f.resolved) and not p.get("overdue_done") and r.random() < 0.6:
                out.append(fam.s_overdue_zero(c, d, f))
            if not f.carried_in and f.new and c.year >= 2015 and r.random() < 0.5:
                out.append(fam.s_carried_in_zero(c, d, f))
        once("change_req", fam.s_change_requests)
    elif slot == "other":
        once("other", fam.s_other_figures)
        once("zero_words", fam.s_other_zeros)
        # families whose slot this report's layout did not reach
        for key, writer in (("env_release", fam.s_env_releases), ("visits", fam.s_visits),
                            ("messages", fam.s_messages), ("channel", fam.s_channels)):
            once(key, writer)
    if slot in c.distractor_slots:
        kinds = ("structure", "title", "doc_number", "phone") if slot == "intro" else \
            ("time_limit", "enumerated", "title", "doc_number", "date", "ordinal", "phone", "one_person")
        out.append(fam.distractor(c, d, c.rnd.choice(kinds)))
    return "".join(out)


# --------------------------------------------------------------------------- boilerplate
def phone(r: random.Random) -> str:
    return f"0{r.randint(100, 999)}-{r.randint(2000000, 8999999)}{r.choice(('', str(r.randint(0, 9))))}"


def intro(c: Ctx, d: Doc) -> None:
    r = c.rnd
    addr = f"{c.ag.city or c.ag.province}{r.choice(ROADS)}{r.randint(1, 300)}号"
    post = f"{r.randint(1, 8)}{r.randint(10000, 99999)}"
    contact = f"如对本报告有疑问,请与{c.name}办公室联系(地址:{addr};邮编:{post};电话:{phone(r)})。"
    period = f"本报告所列数据的统计期限自{c.year}年1月1日起至{c.year}年12月31日止。"
    if c.year >= 2019:
        fmt = "国办公开办函〔2021〕30号" if c.year >= 2021 else "国办公开办函〔2019〕60号"
        s = (f"本报告依照《中华人民共和国政府信息公开条例》(国务院令第711号,以下简称《条例》)第五十条和"
             f"国务院办公厅政府信息公开办公室有关年度报告格式的通知({fmt})编制,"
             f"内容包括总体情况、主动公开、收到和处理申请、行政复议和行政诉讼、存在的主要问题及改进情况以及其他需要报告的事项。")
    else:
        s = (f"按照《中华人民共和国政府信息公开条例》(国务院令第492号,以下简称《条例》)和《环境信息公开办法(试行)》的规定,"
             f"{c.me()}编写了本年度报告,内容依次为概述、主动公开、依申请公开、收费及减免、"
             f"行政复议和行政诉讼、存在的问题及改进措施等。")
    parts = [s, period]
    if r.random() < 0.7:
        parts.append(f"报告的电子文本可在{c.short}门户网站政府信息公开专栏查阅或下载。")
    if r.random() < 0.8:
        parts.append(contact)
    d.p("".join(parts))


def local_doc(c: Ctx) -> str:
    r = c.rnd
    place = (c.ag.county or c.ag.city or c.ag.province)[0]
    return f"{place}政办发〔{c.year}〕{r.randint(1, 120)}号"


def signature(c: Ctx, d: Doc, date: dt.date) -> bool:
    """The closing agency line and date; True when the date is a full day (a usable published_on)."""
    d.add("blank", "")
    d.add("sig", c.name)
    full = c.rnd.random() < 0.7
    if full:
        d.add("sig", f"{date.year}年{date.month}月{date.day}日")
    else:
        d.add("sig", f"{date.year}年{date.month}月")
    return full


def _p(d: Doc, text: str) -> None:
    if text:
        d.p(text)


def headings_old(c: Ctx) -> dict:
    r = c.rnd
    return {
        "overview": r.choice(("一、概述", "一、总体情况", "一、基本情况")),
        "proactive": r.choice(("二、主动公开政府信息的情况", "二、主动公开政府信息情况")),
        "request": r.choice(("三、依申请公开政府信息和不予公开政府信息的情况", "三、依申请公开政府信息情况")),
        "fees": r.choice(("四、政府信息公开的收费及减免情况", "四、收费及减免情况")),
        "review": r.choice(("五、因政府信息公开申请行政复议、提起行政诉讼的情况", "五、行政复议和行政诉讼情况")),
        "problems": r.choice(("六、政府信息公开工作存在的主要问题及改进情况", "六、存在的主要问题和改进措施")),
        "other": "七、其他需要报告的事项",
    }


# --------------------------------------------------------------------------- bodies
def body_old(c: Ctx, d: Doc, f: Facts, *, kind: str, contradict: str | None) -> None:
    """Narrative era and the prose part of the 2014-2018 era."""
    r = c.rnd
    intro(c, d)
    _p(d, families_at(c, d, f, "intro"))
    if kind == "work_summary":
        d.p(c.pick(pools.WORK_SUMMARY_OPENERS))
        d.h("一、主要工作及成效")
        d.h("(一)加强组织领导")
        d.p(c.pick(pools.ORGANISATION, 2) + s_staff(c, d, f))
        d.h("(二)拓展公开渠道")
        d.p(c.pick(pools.KEY_AREAS, 3) + c.pick(pools.PLATFORM, 2) + s_proactive(c, d, f, contradict=contradict == "proactive")
            + families_at(c, d, f, "proactive") + families_at(c, d, f, "key_areas"))
        _p(d, families_at(c, d, f, "platform"))
        d.h("(三)规范依申请公开")
        d.p(c.pick(pools.REQUEST_PROCESS) + s_requests_old(c, d, f, contradict=contradict == "requests")
            + families_at(c, d, f, "requests") + s_review(c, d, f))
        d.h("(四)强化监督考核")
        d.p(c.pick(pools.SUPERVISION, 3) + c.pick(pools.CONTENT, 2))
        _p(d, families_at(c, d, f, "other"))
        d.h("二、存在的不足")
        d.p(c.pick(pools.PROBLEMS))
        d.h("三、下一步工作打算")
        d.p(c.pick(pools.IMPROVE, 2))
        return
    short = c.ag.level == "county" and r.random() < 0.5
    hd = headings_old(c)
    if short:
        d.h("一、基本情况")
        d.p(c.pick(pools.OVERVIEW, 3) + c.pick(pools.ORGANISATION, 2) + s_staff(c, d, f))
        d.p(c.pick(pools.KEY_AREAS, 3) + c.pick(pools.PLATFORM, 2)
            + s_proactive(c, d, f, contradict=contradict == "proactive") + families_at(c, d, f, "proactive"))
        _p(d, families_at(c, d, f, "key_areas") + families_at(c, d, f, "platform"))
        d.h("二、依申请公开及复议诉讼情况")
        d.p(s_requests_old(c, d, f, contradict=contradict == "requests") + families_at(c, d, f, "requests")
            + s_fees(c, d, f) + s_review(c, d, f))
        d.h("三、监督保障情况")
        d.p(c.pick(pools.SUPERVISION, 3) + c.pick(pools.CONTENT, 3))
        _p(d, families_at(c, d, f, "other"))
        d.h("四、存在的问题及下一步打算")
        d.p(c.pick(pools.PROBLEMS))
        d.p(c.pick(pools.IMPROVE, 3))
        return
    d.h(hd["overview"])
    d.p(c.pick(pools.OVERVIEW, 3) + c.pick(pools.ORGANISATION, 3))
    if c.era == "narrative":
        d.p(c.pick(pools.SUPERVISION, 3))
    if r.random() < 0.7:
        d.p(s_staff(c, d, f) + (s_training(c, d, f) if r.random() < 0.6 else ""))
    d.h(hd["proactive"])
    d.h("(一)公开的主要内容")
    d.p(c.pick(pools.CONTENT, 3))
    d.h("(二)公开的途径和形式")
    d.p(c.pick(pools.PLATFORM, 2) + s_proactive(c, d, f, contradict=contradict == "proactive")
        + families_at(c, d, f, "proactive"))
    _p(d, families_at(c, d, f, "platform"))
    if era_long := (c.era == "narrative" or r.random() < 0.5):
        d.h("(三)重点领域信息公开")
        d.p(c.pick(pools.KEY_AREAS, 4) + families_at(c, d, f, "key_areas"))
    if c.year >= 2015 and r.random() < 0.6:
        d.h("(四)回应解读情况" if era_long else "(三)回应解读情况")
        d.p(s_press(c, d, f) + "对重要政策文件,承办科室在文件公开的同时发布解读材料,说明出台背景和主要内容。")
    d.h(hd["request"])
    d.p(c.pick(pools.REQUEST_PROCESS) + s_requests_old(c, d, f, contradict=contradict == "requests")
        + families_at(c, d, f, "requests"))
    d.h(hd["fees"])
    d.p(s_fees(c, d, f))
    d.h(hd["review"])
    d.p(s_review(c, d, f))
    if r.random() < 0.5 and f.complaints == 0:
        d.p("本年度未收到涉及政府信息公开工作的举报投诉。")
        d.zero("complaints_total")
    _p(d, families_at(c, d, f, "other"))
    d.h(hd["problems"])
    d.p(c.pick(pools.PROBLEMS))
    d.p(c.pick(pools.IMPROVE, 2))
    if r.random() < 0.5:
        d.h(hd["other"])
        d.p(c.pick(pools.OTHER_MATTERS))


def body_new(c: Ctx, d: Doc, f: Facts, *, contradict: str | None, shapes: dict, balance_bad: bool) -> None:
    r = c.rnd
    intro(c, d)
    _p(d, families_at(c, d, f, "intro"))
    d.h(r.choice(("一、总体情况", "一、总体情况")))
    d.p(c.pick(pools.OVERVIEW, 2))
    d.h("(一)主动公开")
    d.p(c.pick(pools.CONTENT, 2) + c.pick(pools.KEY_AREAS, 2) + s_proactive(c, d, f)
        + families_at(c, d, f, "proactive"))
    _p(d, families_at(c, d, f, "key_areas"))
    d.h("(二)依申请公开")
    d.p(c.pick(pools.REQUEST_PROCESS) + s_requests_new(c, d, f, contradict=contradict == "requests")
        + families_at(c, d, f, "requests"))
    d.h("(三)政府信息管理")
    d.p(c.pick(pools.ORGANISATION, 2) + f"发文时同步确定公开属性,按照《{c.short}公文公开属性认定办法》({local_doc(c)})执行。")
    d.h("(四)平台建设")
    d.p(c.pick(pools.PLATFORM, 2) + (s_press(c, d, f) if r.random() < 0.5 else "") + families_at(c, d, f, "platform"))
    d.h("(五)监督保障")
    d.p(c.pick(pools.SUPERVISION, 2) + (s_staff(c, d, f) if r.random() < 0.6 else "")
        + (s_training(c, d, f) if r.random() < 0.5 else ""))
    d.h(r.choice(("二、主动公开政府信息情况", "二、行政机关主动公开政府信息情况")))
    table_a(d, f, c.era, shapes["a"])
    d.h(r.choice(("三、收到和处理政府信息公开申请情况", "三、行政机关收到和处理政府信息公开申请情况")))
    table_b(d, f, c.era, shapes["b"], blanks=r.random() < 0.4, balance_bad=balance_bad)
    d.h(r.choice(("四、政府信息公开行政复议、行政诉讼情况", "四、因政府信息公开工作被申请行政复议、提起行政诉讼情况")))
    table_c(d, f, shapes["c"])
    if r.random() < 0.4:
        rv = sum(f.review.values())
        lt = sum(f.litig[rt][k] for rt in f.litig for k in f.litig[rt])
        if rv == 0 and lt == 0:
            d.p(f"{c.year}年,{c.me()}未发生因政府信息公开引起的行政复议和行政诉讼。")
            d.zero("admin_review_total")
            d.zero("admin_litigation_total")
    d.h(r.choice(("五、存在的主要问题及改进情况", "五、政府信息公开工作存在的主要问题及改进情况")))
    d.p(c.pick(pools.PROBLEMS))
    d.p(c.pick(pools.IMPROVE))
    d.h("六、其他需要报告的事项")
    if c.year >= 2021:
        d.p("(一)收取信息处理费的情况。" + s_fees(c, d, f)
            + "按照《政府信息公开信息处理费管理办法》(国办函〔2020〕109号)的规定执行。")
        d.p("(二)落实上级年度政务公开工作要点情况。" + c.pick(pools.CONTENT))
    else:
        d.p(c.pick(pools.OTHER_MATTERS))
    _p(d, families_at(c, d, f, "other"))
