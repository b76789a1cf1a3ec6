"""Sentences of the open figure model's phrasing families, each with its exact truth (original wording).

The catalogue sentences of report.py state the figures every report states (requests, staff, fees ...). The
families here state what real reports add around them, in the shapes real reports use: proactive items by
category with their shares, new-media channels, environment-specific releases, messages handled, website visits
and followers, rates, year-on-year changes, zeros written in words, figures no catalogue concept claims (the
generic code other_figure, identified by the phrase it counts), and distractors (numbers that are no figure).

Every writer takes (c: Ctx, d: Doc, f: Facts), returns text (possibly "") and records its truth through d.F /
d.rec / d.zero with d.family set, and its sentences in d.sentences (see `_fam`). What the truth says is what a
careful coder records (assets/metric_catalog.csv, the families of assets/figures.toml,
/work/shared/real/excerpts/CONVENTIONS.md), not what the reader happens to read today.
"""
from __future__ import annotations

import os
from typing import TYPE_CHECKING, Callable

from .doc import cn_number

if TYPE_CHECKING:  # pragma: no cover
    from .doc import Doc
    from .facts import Facts
    from .report import Ctx

# probability of each family in a report (at any noise level: phrasing is not noise)
RATES = {
    "category": 0.45,
    "channel": 0.55,
    "env_release": 0.55,
    "messages": 0.45,
    "visits": 0.45,
    "followers": 0.35,
    "rate": 0.45,
    "change": 0.45,
    "zero_words": 0.55,
    "media": 0.35,
    "other": 0.40,
    "distractor": 0.85,
    # phrasings of the reader's context rules (plan keys; the family each writes is named at its writer)
    "request_outcome": 0.70,  # narrative-format reports that received requests: outcomes in prose
    "running_total": 0.30,  # the year's proactive total with its running total in brackets
    "channel_total": 0.30,  # the year's proactive total stated over several channels
    "part_first": 0.35,  # a category part stated before the year's total
    "generic_part": 0.50,  # a part after 其中 naming no category or channel of its own
}

def _fam(d: "Doc", name: str, writer: Callable[[], str]) -> str:
    """Run a writer with d.family set; remember its sentences (for the scorer's attribution of extras)."""
    prev = d.family
    d.family = name
    try:
        text = writer()
    finally:
        d.family = prev
    if text:
        for s in text.split("。"):
            if s.strip():
                d.sentences.append((name, s + "。"))
    return text


def pct_text(part: int | float, whole: int | float) -> tuple[str, float]:
    """A share as printed (one decimal, two below 0.1%) and the value it states."""
    v = 100.0 * part / whole if whole else 0.0
    t = f"{v:.1f}" if v >= 0.1 else f"{v:.2f}"
    return t, float(t)


def wan_text(v: int, rnd) -> tuple[str, int]:
    """A count of at least 10000 written in 万 (35.6 / 120, without the 万) and the value it states."""
    if v >= 1_000_000 or rnd.random() < 0.3:
        t = str(round(v / 10000))
    else:
        t = f"{v / 10000:.1f}"
        if t.endswith(".0"):
            t = t[:-2]
    return t, int(round(float(t) * 10000))


# --------------------------------------------------------------------------- proactive items by category
def category_items(c: "Ctx", d: "Doc", f: "Facts", tags: tuple[str, ...] = ()) -> str:
    """'机构职能类12条,占1.0%;政策法规类30条,占2.4%;…' (the shares follow each item in its sentence)."""
    r = c.rnd
    shares = r.random() < 0.65
    share_word = r.choice(("占", "占", "占比", "占总数的", "占全部公开信息的"))
    sep = r.choice((";", ",", ";"))
    parts = []
    for code, name, n in f.extra["categories"]:
        s = f"{name}{d.F('proactive_total', n, '条', f'category={code}', approx=False, cn_min=3, tags=tags)}"
        if shares:
            t, v = pct_text(n, f.proactive)
            d.rec("share_pct", v, "narrative", f"category={code};of=proactive_total", tags=tags)
            s += f",{share_word}{t}%"
        parts.append(s)
    return sep.join(parts)


def s_categories(c: "Ctx", d: "Doc", f: "Facts") -> str:
    lead = c.rnd.choice(("按信息类别分,", "从公开内容看,", "按内容划分,", "其中,", "按照公开目录分类统计,"))
    return _fam(d, "category", lambda: lead + category_items(c, d, f) + "。")


# --------------------------------------------------------------------------- channels
_CH_NAMES = {
    "website": ("门户网站", "政府网站", "官网"),
    "wechat": ("政务微信", "微信公众号", "官方微信"),
    "weibo": ("政务微博", "官方微博"),
    "toutiao": ("今日头条号", "头条号"),
    "douyin": ("政务抖音号", "抖音号"),
}


def s_channels(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """New-media channels not stated yet: 分别 pairs, 通过X推送信息N条, number before its noun, 政务新媒体, short videos."""
    r = c.rnd
    ex = f.extra

    def write() -> str:
        vals = {"website": f.channels["website"], "wechat": f.channels["wechat"], "weibo": f.channels["weibo"],
                "toutiao": ex["toutiao"], "douyin": ex["douyin"]}
        avail = [ch for ch, v in vals.items() if v > 0 and not d.has("proactive_total", f"channel={ch}", "narrative")]
        r.shuffle(avail)
        out = []
        stated: set[str] = set()
        mode = r.random()
        if len(avail) >= 2 and mode < 0.4:
            k = 3 if len(avail) >= 3 and r.random() < 0.3 else 2
            chs = avail[:k]
            stated.update(chs)
            avail = avail[k:]
            names = [r.choice(_CH_NAMES[ch]) for ch in chs]
            verb = r.choice(("发布信息", "推送信息", "发布"))
            figs = [d.F("proactive_total", vals[ch], "条", f"channel={ch}", approx=False, cn_min=3,
                        tags=("respectively",)) for ch in chs]
            joiner = r.choice(("、", "、", "和"))
            subj = "、".join(names[:-1]) + r.choice(("和", "、")) + names[-1]
            out.append(f"{subj}分别{verb}{'、'.join(figs[:-1])}{joiner}{figs[-1]}")
        stated.update(avail[:3])
        for ch in avail[:3]:
            name = r.choice(_CH_NAMES[ch])
            if r.random() < 0.35:  # the number before its noun
                fig = d.F("proactive_total", vals[ch], "条", f"channel={ch}", cn_min=3, tags=("num_first",))
                out.append(f"{r.choice(('通过', '在'))}{name}{r.choice(('推送', '发布'))}{fig}信息")
            else:
                fig = d.F("proactive_total", vals[ch], "条", f"channel={ch}", cn_min=3)
                out.append(f"{r.choice(('通过', '', '在'))}{name}{r.choice(('推送信息', '发布信息', '发布各类信息'))}{fig}")
        if ex["new_media"] and r.random() < 0.4:
            out.append(f"政务新媒体{r.choice(('共', '全年', ''))}发布信息{d.F('proactive_total', ex['new_media'], '条', 'channel=new_media')}")
        if ex["douyin"] and r.random() < 0.4 and not any("抖音" in s for s in out):
            fig = d.F("media_items", ex["douyin"], r.choice(("条", "个")), "channel=douyin", cn_min=3)
            out.append(r.choice((f"{r.choice(_CH_NAMES['douyin'])}发布短视频{fig}",
                                 f"制作发布短视频{fig}")))
        if not out:
            return ""
        lead = "" if "website" in stated else r.choice(("新媒体方面,", "", ""))
        return lead + ",".join(out) + "。"

    return _fam(d, "channel", write)


# --------------------------------------------------------------------------- environment-specific releases
# (category, how it is written, unit, fact key or fixed count, cadence of a periodic release or None)
_ENV_ITEMS = (
    ("env_quality", "空气质量月报", "期", 12, "月"),
    ("env_quality", "环境空气质量状况通报", "期", 12, "月"),
    ("env_quality", "空气质量季报", "期", 4, "季度"),
    ("env_quality", "空气质量日报", "期", "air_daily", "日"),
    ("env_quality", "地表水水质月报", "期", 12, "月"),
    ("env_quality", "饮用水水源地水质状况报告", "期", 12, "月"),
    ("env_quality", "重点排污单位监督性监测结果", "条", "monitoring", None),
    ("env_quality", "污染源监测数据", "条", "monitoring", None),
    ("eia", "建设项目环评审批信息", "条", "eia", None),
    ("eia", "环评审批结果", "条", "eia", None),
    ("eia", "建设项目环境影响评价审批结果", "件", "eia", None),
    ("eia", "环评批复文件", "件", "eia", None),
    ("enforcement", "环境执法信息", "条", "enforcement", None),
    ("enforcement", "执法检查结果", "条", "inspection", None),
    ("enforcement", "双随机抽查结果", "条", "double_random", None),
    ("enforcement", "环保督察整改进展信息", "条", "inspection", None),
    ("penalty", "环境行政处罚信息", "条", "penalty_info", None),
    ("penalty", "行政处罚案件信息", "条", "penalty_info", None),
    ("emergency", "重污染天气预警信息", "条", "emergency", None),
    ("emergency", "突发环境事件应急信息", "条", "emergency", None),
)


def s_env_releases(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        k = r.randint(2, 5)
        items = r.sample(_ENV_ITEMS, k)
        used_keys: set = set()
        clauses = []
        for cat, noun, unit, key, cadence in items:
            if isinstance(key, str) and key in used_keys:
                continue  # two ways of writing one quantity: one is enough
            used_keys.add(key)
            periodic = cadence is not None
            n = key if isinstance(key, int) else f.extra[key]
            dim = f"category={cat}"
            verb = r.choice(("发布", "公开", "公布"))
            mode = r.random()
            if periodic and mode < 0.12:
                # the noun in the clause before, the count in its own clause
                fig = d.F("env_releases", n, unit, dim, approx=False, redact=False, cn_min=3, tags=("noun_before",))
                clauses.append(f"按{cadence}{verb}{noun},全年共{fig}")
            elif mode < 0.35:  # the number before its noun
                fig = d.F("env_releases", n, unit, dim, approx=not periodic, cn_min=3, tags=("num_first",))
                clauses.append(f"{r.choice(('', '按时')) if periodic else ''}{verb}{fig}{noun}")
            elif mode < 0.42 and not periodic:
                fig = d.F("env_releases", n, unit, dim, cn_min=3, tags=("clause_word",))
                clauses.append(f"按规定{verb}{noun}{fig}")
            else:
                fig = d.F("env_releases", n, unit, dim, approx=not periodic, cn_min=3)
                clauses.append(f"{r.choice(('', '按时')) if periodic else ''}{verb}{noun}{fig}")
        if not clauses:
            return ""
        lead = r.choice(("全年", "在环境信息公开方面,", "", "{me}".format(me=c.me()), "重点领域方面,"))
        return lead + ",".join(clauses) + "。"

    return _fam(d, "env_release", write)


# --------------------------------------------------------------------------- messages handled
_MSG = {
    "online_message": (("网民留言", "网上咨询", "网上留言", "公众网上咨询"), ("办理", "回复", "答复", "受理并回复"),
                       "online_msgs", ("件", "条")),
    "mailbox": (("局长信箱来信", "领导信箱来信", "局长信箱信件"), ("办理", "处理", "答复"), "mailbox", ("件", "封")),
    "hotline": (("12345热线转办件", "政务服务热线来电", "群众来电咨询"), ("办理", "接听并处理"), "hotline", ("件",)),
}


def s_messages(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        chans = r.sample(list(_MSG), r.randint(1, 3))
        if len(chans) >= 2 and r.random() < 0.3:  # 分别 pair
            a, b = chans[:2]
            na, nb = r.choice(_MSG[a][0]), r.choice(_MSG[b][0])
            fa = d.F("messages_handled", f.extra[_MSG[a][2]], "件", f"channel={a}", approx=False, cn_min=3,
                     tags=("respectively",))
            fb = d.F("messages_handled", f.extra[_MSG[b][2]], "件", f"channel={b}", approx=False, cn_min=3,
                     tags=("respectively",))
            return f"全年{na}和{nb}分别{r.choice(('办理', '答复'))}{fa}、{fb}。"
        clauses = []
        for ch in chans:
            nouns, verbs, key, units = _MSG[ch]
            if ch == "hotline" and r.random() < 0.45:  # calls counted in 通
                noun = r.choice(("政务服务热线来电", "12369环保热线来电", "环保热线电话"))
                fig = d.F("messages_handled", f.extra[key], "通", f"channel={ch}", cn_min=3, tags=("unit_tong",))
                clauses.append(f"{r.choice(('接听', '接听并处理'))}{noun}{fig}")
                continue
            noun, verb, unit = r.choice(nouns), r.choice(verbs), r.choice(units)
            first = r.random() < 0.3  # the number before its noun
            fig = d.F("messages_handled", f.extra[key], unit, f"channel={ch}", cn_min=3,
                      tags=("num_first",) if first else ())
            if first:
                clauses.append(f"{verb}{r.choice(('了', ''))}{fig}{noun}")
            else:
                clauses.append(f"{verb}{noun}{fig}")
        return r.choice(("全年", "互动交流方面,", "")) + ",".join(clauses) + r.choice(("。", ",做到件件有回音。"))

    return _fam(d, "messages", write)


# --------------------------------------------------------------------------- website visits and followers
def s_visits(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """门户网站全年访问量达35.6万人次 / 浏览量约120万次 / 点击量86542次, and WeChat reads (channel=wechat)."""
    r = c.rnd

    def write() -> str:
        v = f.extra["visits"]
        noun = r.choice(("访问量", "浏览量", "点击量", "访问人次"))
        site = r.choice(("门户网站", "网站", "政府信息公开专栏"))
        unit = r.choice(("人次", "次"))
        qual = None
        if v >= 10000 and r.random() < 0.75:
            t, val = wan_text(v, r)
            if r.random() < 0.2:
                num, qual = f"约{t}万{unit}", "approx"
            elif "." not in t and r.random() < 0.2:
                num, qual = f"{t}万余{r.choice((unit, ''))}", "approx"
            else:
                num = f"{t}万{r.choice((unit, unit, ''))}"
        elif v >= 1000 and r.random() < 0.2:
            val, qual = v // 100 * 100, "approx"
            num = f"{val}余{unit}"
        else:
            val, num = v, f"{v}{unit}"
        d.rec("website_visits", val, "narrative", None, qual, tags=("wan",) if "万" in num else ())
        out = f"{site}全年{noun}{r.choice(('达', '达到', '为', ''))}{num}"
        if r.random() < 0.4:
            w = f.extra["wechat_reads"]
            if w >= 10000 and r.random() < 0.6:
                t, rv = wan_text(w, r)
                t += "万"
            else:
                t, rv = str(w), w
            d.rec("website_visits", rv, "narrative", "channel=wechat", tags=("wan",) if "万" in t else ())
            out += f",{r.choice(('微信公众号', '政务微信'))}文章阅读量{r.choice(('达', ''))}{t}次"
        return out + "。"

    return _fam(d, "visits", write)


_FOL_NAMES = {"wechat": ("微信公众号", "政务微信"), "weibo": ("官方微博", "政务微博"), "douyin": ("抖音号", "政务抖音号")}


def s_followers(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        fol = f.extra["followers"]
        if not fol:
            return ""
        accts = r.sample(list(fol), min(len(fol), r.randint(1, 2)))
        clauses = []
        for acct in accts:
            v = fol[acct]
            name = r.choice(_FOL_NAMES[acct])
            noun = r.choice(("粉丝", "粉丝数", "关注用户", "关注人数", "订阅用户"))
            approx = False
            if v >= 10000 and r.random() < 0.7:
                t, val = wan_text(v, r)
                num = t + "万"
                bare = noun.endswith("数") and r.random() < 0.5
                unit = "" if bare else "人"
            else:
                val = v
                if v >= 1000 and r.random() < 0.25:
                    val = v // 100 * 100
                    approx = val != v
                    num = f"{val}余" if approx else str(val)
                else:
                    num = str(v)
                unit = "人"
            d.rec("followers", val, "narrative", f"channel={acct}", "approx" if approx else None,
                  tags=("wan",) if "万" in num else ())
            clauses.append(f"{name}{noun}{r.choice(('达', '达到', '', '已达'))}{num}{unit}")
        lead = r.choice(("", "", f"截至{c.year}年底,", "截至年底,", f"截至{c.year}年12月31日,"))
        return lead + ",".join(clauses) + "。"

    return _fam(d, "followers", write)


# --------------------------------------------------------------------------- media
def s_media(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        ex = f.extra
        clauses = []
        head = r.choice((("在各级媒体刊发宣传稿件", "篇", "media"), ("在市级以上媒体发稿", "篇", "media"),
                         ("接受新闻媒体采访", "次", "interviews_media")))
        clauses.append(f"{head[0]}{d.F('media_items', ex[head[2]], head[1], cn_min=3)}")
        if r.random() < 0.5:
            if r.random() < 0.5:
                clauses.append(f"制作新媒体产品{d.F('media_items', ex['new_media_products'], '个', 'channel=new_media', cn_min=3)}")
            else:
                clauses.append(f"在报刊发表宣传稿件{d.F('media_items', max(1, ex['media'] // 3), '篇', 'channel=press', cn_min=3)}")
        return "全年" + ",".join(clauses) + "。"

    return _fam(d, "media", write)


# --------------------------------------------------------------------------- rates
def s_reply_rate(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """Only where requests were answered: 依申请公开答复率100% / 申请按时答复率98.5%."""
    r = c.rnd
    res = f.resolved

    def write() -> str:
        if not res:
            return ""
        if r.random() < 0.5 and not f.carried_out:
            d.rec("completion_rate", 100, "narrative", "kind=requests_reply")
            return f"{r.choice(('依申请公开答复率', '申请答复率', '依申请公开事项答复率'))}{r.choice(('', '达', '达到', '为'))}100%。"
        on = sum(1 for q in res if q.on_time)
        t, v = pct_text(on, len(res))
        if v >= 100:
            t, v = "100", 100
        d.rec("completion_rate", v, "narrative", "kind=requests_reply_on_time")
        return f"{r.choice(('申请按时答复率', '依申请公开按时答复率'))}{r.choice(('', '达', '为'))}{t}%。"

    return _fam(d, "rate", write)


def s_digitisation(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        v = 100 if r.random() < 0.85 else round(r.uniform(90, 99.9), 1)
        t = str(v)
        d.rec("digitisation_rate", v, "narrative")
        return f"{r.choice(('主动公开信息', '政府信息', '公开信息'))}全文电子化率{r.choice(('达', '达到', '为', ''))}{t}%。"

    return _fam(d, "rate", write)


# --------------------------------------------------------------------------- year-on-year changes
def s_change_proactive(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd
    prev = f.extra["prev_proactive"]

    def write() -> str:
        if not prev or prev == f.proactive:
            return ""
        delta = f.proactive - prev
        up = delta > 0
        dim = f"direction={'increase' if up else 'decrease'}"
        pt, pv = pct_text(abs(delta), prev)
        mode = r.random()
        if pv > 200:  # a change in per cent is written for a change of a plausible size
            mode = mode * 0.45
        if mode < 0.3:
            d.rec("yoy_change", abs(delta), "narrative", dim)
            return f"主动公开信息数量比上年{'增加' if up else '减少'}{abs(delta)}条。"
        if mode < 0.45:
            d.rec("yoy_change", abs(delta), "narrative", dim)
            return f"与上年相比,主动公开信息{'增加' if up else '减少'}{abs(delta)}条。"
        if mode < 0.7:
            d.rec("yoy_change", pv, "narrative", dim, tags=("percent",))
            return f"主动公开信息量同比{'增长' if up else '下降'}{pt}%。"
        d.rec("yoy_change", abs(delta), "narrative", dim)
        d.rec("yoy_change", pv, "narrative", dim, tags=("percent",))
        return (f"全年主动公开信息总量较上年{'增加' if up else '减少'}{abs(delta)}条,"
                f"{'增长' if up else '下降'}{pt}%。")

    return _fam(d, "change", write)


def s_change_requests(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd
    prev, n = f.extra["prev_requests"], len(f.new)

    def write() -> str:
        if not prev or not n or prev == n:
            return ""
        delta = n - prev
        up = delta > 0
        dim = f"direction={'increase' if up else 'decrease'}"
        pt, pv = pct_text(abs(delta), prev)
        if r.random() < 0.5 or pv > 200:
            d.rec("yoy_change", abs(delta), "narrative", dim)
            return f"{r.choice(('收到申请数量', '申请数量', '申请量'))}比上年{'增加' if up else '减少'}{abs(delta)}件。"
        d.rec("yoy_change", pv, "narrative", dim, tags=("percent",))
        return f"{r.choice(('申请数量', '申请量'))}同比{'增长' if up else '下降'}{pt}%。"

    return _fam(d, "change", write)


# --------------------------------------------------------------------------- zeros in words
def s_overdue_zero(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        phrase = r.choice(("未发生逾期答复的情况", "未出现逾期答复", "没有发生逾期答复的情况", "未发生逾期答复情况"))
        d.zero("other_figure", label=phrase)
        return f"{r.choice(('全年', '本年度', '所有申请均按时办理,'))}{phrase}。"

    return _fam(d, "zero_words", write)


def s_carried_in_zero(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        d.zero("requests_carried_in")
        return r.choice(("上年无结转申请。", "上年度无结转的政府信息公开申请。", "没有上年结转的申请。",
                         "无上年结转的申请。", "上年无结转。", "上年度无结转。", "上年无结转，本年度办理的均为新收申请。"))

    return _fam(d, "zero_words", write)


def s_other_zeros(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        out = []
        if f.press == 0 and d.headline_free("press_conferences") and r.random() < 0.6:
            d.zero("press_conferences")
            out.append(f"{r.choice(('本年度', '全年'))}未召开新闻发布会。")
        if r.random() < 0.5:
            phrase = r.choice(("未发生政府信息公开工作责任追究情况", "未发生信息公开责任追究情况"))
            d.zero("other_figure", label=phrase)
            out.append(f"本年度{phrase}。")
        if r.random() < 0.6:
            # longer phrases and 零X, with full-width punctuation: '全年零投诉，未出现泄密或造成不良影响的情况。'
            clauses = []
            if r.random() < 0.6:
                d.rec("other_figure", 0, "narrative", None, "negation", label="零投诉", tags=("fullwidth",))
                clauses.append(r.choice(("全年零投诉", "全年实现零投诉")))
            phrase = r.choice(("未出现泄露国家秘密、造成不良影响的情况", "未发生泄露国家秘密、损害公共利益的情况",
                               "未出现泄密或造成不良社会影响的情况", "没有出现泄露国家秘密、侵犯个人隐私的问题"))
            if r.random() < 0.5:
                # a phrase with 公开/信息/发布 in it: still no publication count
                phrase = r.choice(("未出现因信息发布审核不严而泄露国家秘密的情况",
                                   "未发生因公开不当而侵犯个人隐私的情况"))
            d.rec("other_figure", 0, "narrative", None, "negation", label=phrase, tags=("fullwidth",))
            clauses.append(phrase)
            lead = r.choice(("", "严格落实保密审查制度，", "信息发布前均经保密审查，"))
            out.append(lead + r.choice(("，", "；")).join(clauses) + "。")
        return "".join(out)

    return _fam(d, "zero_words", write)


# --------------------------------------------------------------------------- other figures (generic code)
def s_other_figures(c: "Ctx", d: "Doc", f: "Facts") -> str:
    r = c.rnd

    def write() -> str:
        ex = f.extra
        out = []
        if r.random() < 0.6:
            noun = r.choice(("工作简报", "环保工作简报"))
            verb = r.choice(("编发", "编印"))
            n = ex["briefs"]
            first = r.random() < 0.4
            fig = d.F("other_figure", n, "期", label=f"{verb}{noun}", approx=False, cn_min=3,
                      tags=("num_first",) if first else ())
            out.append(f"{verb}{fig}{noun}" if first else f"{verb}{noun}{fig}")
        if r.random() < 0.5:
            verb, noun = r.choice((("举办", "政府开放日活动"), ("组织", "公众开放日活动"), ("开展", "环保设施公众开放活动")))
            unit = r.choice(("次", "场", "场次"))
            fig = d.F("other_figure", ex["open_days"], unit, label=f"{verb}{noun}", approx=False, cn_min=3,
                      tags=("unit_changci",) if unit == "场次" else ())
            out.append(f"{verb}{noun}{fig}")
        if r.random() < 0.35:  # a list counted in major and minor items: two figures of one phrase
            verb, noun = r.choice((("梳理", "行政权力事项"), ("编制", "权责清单"), ("梳理", "行政职权"),
                                   ("编制", "部门权责事项")))
            big = r.randint(3, 15)
            small = big * r.randint(3, 9) + r.randint(0, 9)
            lab = f"{verb}{noun}"
            fb = d.F("other_figure", big, "大项", label=lab, approx=False, cn=False, tags=("unit_daxiang",))
            fs = d.F("other_figure", small, "小项", label=lab, approx=False, cn=False, tags=("unit_daxiang",))
            out.append(f"{lab}{r.choice(('', '共'))}{fb}{fs}")
        if r.random() < 0.3:  # a count of categories (a figure: the catalogue's kinds, not an enumeration's)
            k = ex["catalogue_kinds"]
            num = cn_number(k) if r.random() < 0.8 else str(k)
            noun, text = r.choice((("主动公开目录", f"主动公开目录共分{num}大类"),
                                   ("主动公开信息", f"将主动公开信息细分为{num}大类")))
            d.rec("other_figure", k, "narrative", label=noun, tags=("cn_numeral",) if not num.isdigit() else ())
            out.append(text)
        a, b = ex["nrp_suggestions"], ex["cppcc_proposals"]
        if a and b and r.random() < 0.5:
            fa = d.F("other_figure", a, "件", label="办理人大代表建议", approx=False, cn_min=3)
            fb = d.F("other_figure", b, "件", label="政协委员提案", approx=False, cn_min=3)
            out.append(f"办理人大代表建议{fa}、政协委员提案{fb}")
        return (",".join(out) + "。") if out else ""

    return _fam(d, "other", write)


# --------------------------------------------------------------------------- request outcomes in prose
# facts.RESULTS -> ways of writing each outcome (the `result` aliases of assets/figure_dimensions.csv)
_OUTCOME_WORDS = {
    "disclosed": ("予以公开", "同意公开", "全部公开"),
    "partial": ("部分公开",),
    "refused": ("不予公开",),
    "unable": ("无法提供", "信息不存在"),
    "not_processed": ("不予处理",),
    "other": ("其他处理",),
}
_OUTCOME_ORDER = ("disclosed", "partial", "refused", "unable", "not_processed", "other")


def s_request_outcomes(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """Requests and what became of them, for a narrative-format report (its table, when it has one, is the 2014
    table, whose reply rows are requests_replied: no cell of requests_resolved is stated twice). Either the year's
    requests and, after 其中, the outcomes of those among them that were closed (the rest carried over):
    '本年度共收到政府信息公开申请9件,其中同意公开4件,部分公开二件,无法提供1件,结转下年度办理2件'; or the requests,
    the number closed and, in a sentence of its own, the outcomes of every request closed:
    '…办结10件。办理结果方面,全部公开6件,不予公开1件,…'. Only outcomes that occurred are stated."""
    r = c.rnd

    def items(pool) -> str:
        sep = r.choice((",", ",", "、", ";"))
        out = []
        for res in _OUTCOME_ORDER:
            k = sum(1 for q in pool if q.result == res)
            if k:
                word = r.choice(_OUTCOME_WORDS[res])
                out.append(f"{word}{d.F('requests_resolved', k, '件', f'result={res}', approx=False)}")
        return sep.join(out)

    def write() -> str:
        n, out = len(f.new), len(f.carried_out)
        head = (f"{r.choice(('全年共', '本年度共', f'{c.year}年共', '全年'))}{r.choice(('收到', '受理'))}政府信息公开申请"
                f"{d.F('requests_received', n, '件')}")
        tail = f",结转下年度办理{d.F('requests_carried_out', out, '件')}" if out else ""
        if any(q.result for q in f.new) and r.random() < 0.6:
            return f"{head},其中{items(f.new)}{tail}。"
        done = f",办结{d.F('requests_completed', len(f.resolved), '件')}"
        lead = r.choice(("办理结果方面,", "从办理结果看,", "在已办结的申请中,", "已办结的申请中,"))
        return f"{head}{done}{tail}。{lead}{items(f.resolved)}。"

    return _fam(d, "request_outcome", write)


# --------------------------------------------------------------------------- the year's total and its parts
def s_running_total(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """The year's proactive total with the running total since records began in brackets:
    '本年度主动公开政府信息615条(累计5230条)' → proactive_total 615 and proactive_cumulative 5230 (cumulative);
    sometimes the website's share after 其中; categories listed after it break down the year's total, not the
    running one."""
    r = c.rnd

    def write() -> str:
        cum = f.proactive * r.randint(4, 10) + r.randint(0, 999)
        lead = r.choice((f"{c.year}年,{c.me()}", "全年", "本年度", "全年共", f"{c.year}年共"))
        verb = r.choice(("主动公开政府信息", "主动公开各类信息", "主动公开信息"))
        words = r.choice(("累计", "累计", "历年累计", f"截至{c.year}年底累计", "累计公开"))
        lb, rb = r.choice((("(", ")"), ("(", ")"), ("（", "）")))
        head = d.F("proactive_total", f.proactive, "条")
        cum_t = d.F("proactive_cumulative", cum, "条", qual="cumulative", cn=False, tags=("bracket",))
        s = f"{lead}{verb}{head}{lb}{words}{cum_t}{rb}"
        w = f.channels["website"]
        if w and r.random() < 0.35 and not d.has("proactive_total", "channel=website", "narrative"):
            site = r.choice(("门户网站发布", "政府网站发布", "通过门户网站发布"))
            s += f",其中{site}{d.F('proactive_total', w, '条', 'channel=website', approx=False)}"
        return s + "。"

    return _fam(d, "running_total", write)


# channels a total may be stated over: (dimension value, ways of writing it)
_LIST_CHANNELS = (
    ("website", ("门户网站", "政府网站")),
    ("weibo", ("政务微博", "官方微博")),
    ("wechat", ("微信公众号", "政务微信")),
    ("gazette", ("政府公报",)),
    ("press", ("报刊", "报纸")),
    ("broadcast", ("广播电视", "电视台")),
    ("new_media", ("政务新媒体",)),
)


def s_channel_total(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """The year's proactive total stated over several channels, the report's only statement of it: a phrase
    naming several channels is a total across them, no channel's ('全年通过门户网站、政务微信、报刊等渠道发布信息
    615条' → proactive_total 615, headline); sometimes the website's share after 其中."""
    r = c.rnd

    def write() -> str:
        chs = r.sample(_LIST_CHANNELS, r.randint(2, 4))
        names = "、".join(r.choice(ws) for _, ws in chs)
        kind = r.choice(("渠道", "平台", "载体", "方式"))
        verb = r.choice(("发布信息", "发布各类信息", "主动公开政府信息", "公开各类信息"))
        lead = r.choice((f"{c.year}年,{c.me()}通过", "全年通过", f"{c.me()}依托", "全年依托", "本年度通过"))
        s = f"{lead}{names}等{kind}{verb}{d.F('proactive_total', f.proactive, '条', tags=('channel_list',))}"
        w = f.channels["website"]
        if w and r.random() < 0.3 and not d.has("proactive_total", "channel=website", "narrative"):
            s += f",其中门户网站发布{d.F('proactive_total', w, '条', 'channel=website', approx=False)}"
        return s + "。"

    return _fam(d, "headline_parts", write)


# categories a part stated before the year's total may name: (dimension value, ways of writing it)
_PART_CATEGORIES = (
    ("finance", ("政府采购信息", "财政预决算信息", "部门预算和决算信息", "招投标信息")),
    ("personnel", ("人事任免信息",)),
    ("notices", ("公示公告信息", "通知公告类信息")),
    ("licensing", ("行政许可信息", "行政审批信息")),
    ("planning", ("规划计划信息",)),
    ("policy", ("政策法规类信息",)),
    ("news", ("工作动态信息",)),
    ("public_service", ("民生实事信息",)),
)


def s_part_first(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """A category's part stated before the year's total (the caller writes the total right after it, and only
    when its sentence states the year's total): '主动公开部门预算和决算信息14条。' → proactive_total category=finance 14.
    The largest figure of a code is its headline; a smaller one naming a category is that category. The category
    is one the report's breakdown by category does not list (each category is stated once)."""
    r = c.rnd

    def write() -> str:
        taken = {code for code, _, _ in f.extra["categories"]}
        opts = [(code, ws) for code, ws in _PART_CATEGORIES
                if code not in taken and not d.has("proactive_total", f"category={code}", "narrative")]
        if not opts or f.proactive < 24:
            return ""
        code, ws = r.choice(opts)
        p = r.randint(1, f.proactive // 8)
        lead = r.choice(("", "本年度", "全年", "重点领域方面,", "围绕群众关切,"))
        if r.random() < 0.4:
            verb = r.choice(("公开", "发布"))  # a part without 主动
        else:
            verb = "主动公开"
        # both figures redacted would leave nothing to tell the part from the total by: one of them is printed
        head = d.metrics.get(("proactive_total", None, "narrative"))
        printed = head is not None and head["is_redacted"]
        fig = d.F("proactive_total", p, "条", f"category={code}", approx=False, cn_min=3, redact=not printed,
                  tags=("part_first",))
        s = f"{lead}{verb}{r.choice(ws)}{fig}"
        if r.random() < 0.5:
            # a second category listed under the same verb
            rest = [(c2, w2) for c2, w2 in opts if c2 != code]
            if rest:
                c2, w2 = r.choice(rest)
                p2 = r.randint(1, f.proactive // 8)
                s += f",{r.choice(w2)}{d.F('proactive_total', p2, '条', f'category={c2}', approx=False, tags=('part_first',))}"
        return s + "。"

    return _fam(d, "headline_parts", write)


# parts that name no category or channel of assets/figure_dimensions.csv
_GENERIC_PARTS = ("环保专项信息", "专题专栏信息", "重点工作信息", "原创信息", "图文信息")


def s_generic_part(c: "Ctx", d: "Doc", f: "Facts") -> str:
    """A part after 其中 that names nothing of its own: '门户网站发布信息420条,其中原创信息65条' → the website's
    figure and other_figure 65 labelled by its phrase (a part naming no category or channel is no breakdown of its
    total's key). Written where the website's figure is not stated yet."""
    r = c.rnd

    def write() -> str:
        w = f.channels["website"]
        if w < 12 or d.has("proactive_total", "channel=website", "narrative"):
            return ""
        noun = r.choice(_GENERIC_PARTS)
        site = r.choice(("门户网站", "政府网站", "全年在门户网站", "全年通过政府网站"))
        wt = d.F("proactive_total", w, "条", "channel=website", cn_min=3)
        at = d.F("other_figure", r.randint(1, w // 4), "条", label=noun, approx=False, cn_min=3,
                 tags=("after_qizhong",))
        return f"{site}发布信息{wt},其中{noun}{at}。"

    return _fam(d, "headline_parts", write)


# --------------------------------------------------------------------------- distractors (no figure)
_PARTS_NEW = ("总体情况", "主动公开政府信息情况", "收到和处理政府信息公开申请情况", "政府信息公开行政复议、行政诉讼情况",
              "存在的主要问题及改进情况", "其他需要报告的事项")
_PARTS_OLD = ("概述", "主动公开政府信息的情况", "依申请公开政府信息的情况", "收费及减免情况", "行政复议和行政诉讼情况",
              "存在的主要问题及改进措施", "其他需要报告的事项")


def distractor(c: "Ctx", d: "Doc", kind: str | None = None) -> str:
    """One sentence whose numbers are no figure: time limits, report structure, counts of enumerated kinds,
    titles, document numbers, phone numbers, dates, ordinals."""
    r = c.rnd
    from .report import local_doc, phone

    kinds = ("time_limit", "structure", "enumerated", "title", "doc_number", "phone", "date", "ordinal", "one_person")
    kind = kind or r.choice(kinds)
    me = c.me()
    y = c.year
    if kind == "time_limit":
        text = r.choice((
            f"对不能当场答复的申请,{me}均在{r.choice((15, 20))}个工作日内予以答复。",
            f"需要延长答复期限的,经负责人同意后告知申请人,延长期限不超过{r.choice((15, 20))}个工作日。",
            f"申请人对答复不服的,可以在收到答复之日起{r.choice((60, 60, 30))}日内申请行政复议。",
            f"网民留言原则上在{r.choice((3, 5, 7))}个工作日内答复。",
        ))
    elif kind == "structure":
        parts = _PARTS_NEW if y >= 2019 else _PARTS_OLD
        text = f"本报告由{'、'.join(parts)}{cn_number(len(parts))}个部分组成。"
    elif kind == "enumerated":
        text = r.choice((
            f"{me}每日发布PM2.5、PM10、二氧化硫、二氧化氮、一氧化碳和臭氧等六项污染物的浓度数据。",
            f"{me}对二氧化硫、氮氧化物、化学需氧量和氨氮等四项污染物的排放情况进行公开。",
            f"{me}围绕水、气、土壤三大领域加大信息发布力度。",
            "地表水监测项目包括pH、溶解氧、高锰酸盐指数、氨氮等九项指标。",
        ))
    elif kind == "title":
        text = r.choice((
            f"{me}认真落实《{y}年政务公开工作要点》的各项要求。",
            f"《{y}年{c.ag.city or c.ag.province}环境状况公报》于{y + 1}年6月5日向社会发布。",
            f"{me}对照《“十三五”生态环境保护规划》推进重点工作信息公开。",
            f"组织学习《关于全面推进政务公开工作的意见》和《政府信息公开条例》第二十条的规定。",
        ))
    elif kind == "doc_number":
        place = (c.ag.county or c.ag.city or c.ag.province)[0]
        text = r.choice((
            f"{me}制定了《政府信息公开保密审查办法》({local_doc(c)}),明确了审查程序。",
            f"按照省政府办公厅《关于做好政务公开工作的通知》({place}政办函〔{y}〕{r.randint(5, 90)}号)要求开展工作。",
        ))
    elif kind == "phone":
        text = f"公众可拨打{phone(r)}或12369环保举报热线反映问题。"
    elif kind == "date":
        text = r.choice((
            f"{y}年6月5日环境日期间,{me}集中发布了本地区环境质量状况。",
            f"{y}年{r.randint(3, 11)}月{r.randint(1, 28)}日,{me}召开了政务公开工作推进会。",
        ))
    elif kind == "one_person":  # one person named for a task: no count of staff
        text = r.choice((
            f"{me}每季度安排一名班子成员走进在线访谈节目,与网民交流环保热点。",
            "各业务科室确定一名负责人把关本科室信息的发布审核。",
            f"{me}指定一名分管领导牵头负责政务公开日常工作。",
            "每期在线访谈均由一名局领导和相关科室负责人共同参加。",
        ))
    else:
        text = r.choice((
            f"第{cn_number(r.randint(2, 4))}季度,{me}组织开展了网站内容的集中检查。",
            f"{me}已连续{cn_number(r.randint(3, 9))}年发布年度环境状况公报。",
        ))
    d.sentences.append(("distractor:" + kind, text))
    return text


__all__ = ["RATES", "s_categories", "category_items", "s_channels", "s_env_releases", "s_messages", "s_visits",
           "s_followers", "s_media", "s_reply_rate", "s_digitisation", "s_change_proactive", "s_change_requests",
           "s_overdue_zero", "s_carried_in_zero", "s_other_zeros", "s_other_figures", "distractor", "pct_text",
           "wan_text", "s_request_outcomes", "s_running_total", "s_channel_total", "s_part_first", "s_generic_part"]
