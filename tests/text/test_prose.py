"""Prose metric extraction: one positive test per pattern, negative cases, seeds."""
import re
import time
from pathlib import Path

import pytest

from gov_pipeline.text.model import QUALIFIERS, Section
from gov_pipeline.text.prose import extract_prose_metrics, section_at

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def seed(prefix: str) -> str:
    raw = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    try:
        from gov_pipeline.text.clean import clean_report
    except ImportError:
        return raw
    return clean_report(raw).text


def ex(text):
    return extract_prose_metrics(text)


def one(text, code, dimension=None):
    ms = [m for m in ex(text) if m.metric_code == code and m.dimension == dimension]
    assert len(ms) == 1, (code, dimension, [(m.metric_code, m.value, m.dimension) for m in ex(text)])
    return ms[0]


def codes(text):
    return {(m.metric_code, m.dimension, m.value) for m in ex(text)}


# --- positive patterns ---------------------------------------------------------
@pytest.mark.parametrize("text, code, value", [
    ("本年度共主动公开政府信息1,234条。", "proactive_total", 1234),
    ("全年主动公开信息共计356条。", "proactive_total", 356),
    ("我局公开各类信息215条(不同渠道和方式公开相同信息计1条)。", "proactive_total", 215),
    ("全年发布环境质量信息88条。", "proactive_total", 88),
    ("主动公开政府信息一百零六条。", "proactive_total", 106),
    ("收到政府信息公开申请12件,均已按时答复。", "requests_received", 12),
    ("共受理政府信息依申请公开7件。", "requests_received", 7),
    ("本年度受理5个申请公开信息事项。", "requests_received", 5),
    ("上年结转申请2件。", "requests_carried_in", 2),
    ("收到依申请公开事项9件,当年办结8件,结转2019年办理1件。", "requests_carried_out", 1),
    ("共收到申请6件,上年结转1件,公开答复5件,转下年度办理2件。", "requests_carried_out", 2),
    ("共收到申请6件,上年结转1件,公开答复5件,转下年度办理2件。", "requests_replied", 5),
    ("收到依申请公开事项9件,当年办结8件。", "requests_completed", 8),
    ("配备两名专职工作人员。", "staff_fulltime", 2),
    ("安排一名专人负责信息公开工作。", "staff_fulltime", 1),
    ("兼职人员3人。", "staff_parttime", 3),
    ("配备1名专职、3名兼职工作人员。", "staff_parttime", 3),
    ("全局从事政府信息公开工作的人员共4人。", "staff_total", 4),
    ("全年召开新闻发布会6场。", "press_conferences", 6),
    ("年内举办了3次新闻发布会。", "press_conferences", 3),
    ("先后三次以市政府新闻办名义召开新闻发布会。", "press_conferences", 3),
    ("举办信息公开业务培训班2期。", "trainings", 2),
    ("组织开展4次政务公开培训。", "trainings", 4),
    ("培训工作人员120人次。", "trainees", 120),
    ("召开政务公开专题会议3次。", "gid_meetings", 3),
    ("受理行政审批事项539件,已办结485件。", "approvals_received", 539),
    ("受理行政审批事项539件,已办结485件。", "approvals_completed", 485),
    ("受理各类环境信访案件210件,结案205件。", "petitions_received", 210),
    ("受理各类环境信访案件210件,结案205件。", "petitions_closed", 205),
    ("办理12369环保举报投诉共318件,办结310件。", "petitions_received", 318),
    ("办理12369环保举报投诉共318件,办结310件。", "petitions_closed", 310),
    ("回应公众关注热点及重大舆情15次。", "hotspot_responses", 15),
    ("发布政策解读信息12条。", "policy_interpretations", 12),
    ("录制在线访谈4期。", "online_interviews", 4),
    ("门户网站全年访问量达12万余人次。", "website_visits", 120000),
    ("因政府信息公开被申请行政复议2件。", "admin_review_total", 2),
    ("本年度印发规范性文件3件。", "normative_docs_issued", 3),
    ("在区档案局、区图书馆两个场所可查阅政府信息。", "inspection_points", 2),
    ("收取信息处理费500元。", "fees_collected", 0.05),
])
def test_positive_patterns(text, code, value):
    m = one(text, code)
    assert m.value == pytest.approx(value)
    assert m.source_kind == "narrative" and not m.is_redacted
    assert text[m.char_start:m.char_end] == m.evidence


def test_policy_interpretation_not_also_proactive():
    assert not [m for m in ex("发布政策解读信息12条。") if m.metric_code == "proactive_total"]


def test_channel_splits_after_qizhong():
    t = "全年主动公开政府信息500条,其中门户网站公开300条、微信发布150条、微博发布50条。"
    assert one(t, "proactive_total").value == 500
    assert one(t, "proactive_total", "channel=website").value == 300
    assert one(t, "proactive_total", "channel=wechat").value == 150
    assert one(t, "proactive_total", "channel=weibo").value == 50


def test_channel_splits_gazette():
    t = "主动公开政府信息40条,其中政府公报10条,政府网站公开30条。"
    assert one(t, "proactive_total", "channel=gazette").value == 10
    assert one(t, "proactive_total", "channel=website").value == 30


def test_principal_press_conference():
    t = "其中主要负责同志参加新闻发布会2次。"
    assert one(t, "press_conferences", "principal=yes").value == 2


# --- zeros in words -------------------------------------------------------------
@pytest.mark.parametrize("text, code", [
    ("本年度未收到政府信息公开申请。", "requests_received"),
    ("年度无依申请公开事项。", "requests_received"),
    ("全年未接到公民的信息公开申请。", "requests_received"),
    ("无行政复议、无提起行政诉讼情况。", "admin_review_total"),
    ("无行政复议、无提起行政诉讼情况。", "admin_litigation_total"),
    ("未发生因政府信息公开申请行政复议、提起行政诉讼的情况。", "admin_review_total"),
    ("未发生因政府信息公开申请行政复议、提起行政诉讼的情况。", "admin_litigation_total"),
    ("本年度未收取信息处理费。", "fees_collected"),
    ("无依申请公开信息收费及减免情况。", "fees_collected"),
    ("未向申请人收费。", "fees_collected"),
    ("本年度未制发规范性文件。", "normative_docs_issued"),
    ("未收到因政府信息公开工作引起的举报投诉。", "complaints_total"),
])
def test_zero_in_words(text, code):
    m = one(text, code)
    assert m.value == 0 and m.qualifier == "negation"


def test_one_phrase_two_zeros():
    t = "我局未收到政府信息公开行政复议、行政诉讼案件为零。"
    got = {(m.metric_code, m.value, m.qualifier) for m in ex(t)}
    assert ("admin_review_total", 0, "negation") in got
    assert ("admin_litigation_total", 0, "negation") in got


def test_review_negation_not_request_zero():
    t = "未发生因政府信息公开申请行政复议的情况。"
    assert not [m for m in ex(t) if m.metric_code == "requests_received"]


def test_not_disclosed_is_not_a_zero_review():
    t = "申请人对未予公开的答复不服申请行政复议。"
    assert not [m for m in ex(t) if m.metric_code == "admin_review_total"]


def test_procedural_sentence_is_not_zero():
    t = "申请人对答复不服的,可以依法申请行政复议或者提起行政诉讼。"
    assert ex(t) == []


# --- qualifiers ---------------------------------------------------------------
@pytest.mark.parametrize("text, value", [
    ("全年主动公开政府信息近300条。", 300), ("全年主动公开政府信息2000余条。", 2000),
    ("全年主动公开政府信息1500多条。", 1500)])
def test_approx(text, value):
    m = one(text, "proactive_total")
    assert m.value == value and m.qualifier == "approx"


@pytest.mark.parametrize("text", ["截至11月底,主动公开政府信息320条。", "截至目前,主动公开政府信息320条。",
                                  "今年以来,主动公开政府信息320条。"])
def test_as_of(text):
    assert one(text, "proactive_total").qualifier == "as_of"


def test_year_end_is_not_partial():
    assert one("截至2018年12月31日,主动公开政府信息320条。", "proactive_total").qualifier is None


def test_cumulative_goes_to_stock_code():
    t = "截至2018年底,累计主动公开政府信息12000条。"
    ms = ex(t)
    assert [(m.metric_code, m.value, m.qualifier) for m in ms] == [("proactive_cumulative", 12000, "cumulative")]
    t = "历年累计主动公开政府信息5000条。"
    assert [m.metric_code for m in ex(t)] == ["proactive_cumulative"]


def test_cumulative_without_stock_code_is_kept_as_cumulative():
    # kept (a coder records it) but never the year's own: the headline mart leaves cumulative figures out
    got = [(m.metric_code, m.value, m.qualifier) for m in ex("自2015年以来累计召开新闻发布会30场。")]
    assert got == [("press_conferences", 30.0, "cumulative")]


def test_leiji_alone_totals_the_period():
    # 累计 without a date it runs to or a start it runs from is the sum over the year (or quarter) reported
    got = [(m.metric_code, m.value, m.qualifier) for m in ex("本机关累计公开政府信息73条,累计召开新闻发布会3场。")]
    assert got == [("proactive_total", 73.0, None), ("press_conferences", 3.0, None)]


def test_year_to_date_is_not_cumulative():
    m = one("四季度,今年累计收到申请公开5件。", "requests_received")
    assert m.value == 5 and m.qualifier != "cumulative"


# --- rates ----------------------------------------------------------------------
def test_rates_with_kind():
    t = "受理行政审批事项539件,已办结485件,办结率90%。"
    assert one(t, "completion_rate", "kind=approvals").value == 90
    t = "受理信访案件120件,信访事项办结率为98.5%。"
    assert one(t, "completion_rate", "kind=petitions").value == 98.5
    t = "收到政府信息公开申请10件,按时答复率100%。"
    assert one(t, "completion_rate", "kind=requests_reply_on_time").value == 100


def test_growth_rate_is_not_a_level():
    t = "主动公开政府信息数量同比增长12%。"
    assert not [m for m in ex(t) if m.metric_code == "completion_rate"]


def test_rate_without_topic_keeps_its_own_word():
    # no topic before it: the open reader keeps the rate with the kind its word names, never a guessed topic
    assert [(m.metric_code, m.dimension, m.value) for m in ex("办结率100%。")] == [
        ("completion_rate", "kind=completion", 100.0)]


# --- redaction ------------------------------------------------------------------
def test_redacted_figures_keep_code():
    t = "共受理环境信访x38件,结案率98%,群众满意率达9x%以上。"
    ms = ex(t)
    red = {(m.metric_code, m.dimension) for m in ms if m.is_redacted}
    assert ("petitions_received", None) in red
    assert ("completion_rate", "kind=petitions_satisfaction") in red
    assert all(m.value is None for m in ms if m.is_redacted)


def test_redacted_approval_items():
    t = "共办理各项审批业务991项。其中,专项资金审批x8项,建设项目环境影响评价审批2xxx项。"
    ms = ex(t)
    assert one(t, "approvals_completed").value == 991
    items = {m.dimension: m for m in ms if m.dimension}
    assert items["kind=special_funds"].is_redacted and items["kind=special_funds"].value is None
    assert items["kind=eia"].is_redacted


# --- negative cases: nothing must come out --------------------------------------
@pytest.mark.parametrize("text", [
    "2013年,我局继续推进政务公开工作。",                                  # year
    "二〇一七年十二月二十七日",                                           # year / date in words
    "2017年12月27日印发。",                                             # date
    "按照《通知》(鄂府办发电〔2013〕83号)的要求开展工作。",                 # doc number
    "依据国务院令第711号,共开展主动公开。",                               # decree number
    "按照《条例》第二十条第(一)项主动公开政府信息。",                       # law article
    "联系电话:0477-8581234,传真:0477-8581235。",                         # phone
    "邮编:017000。",                                                    # postcode
    "地址:康巴什新区北区2号楼356室。",                                     # address
    "一是加强领导;二是完善制度;(一)健全机制;1.落实责任。",               # enumeration
    "做到领导、机构、人员“三到位”,推进“五公开”。",                       # slogan
    "实行“一把手”负总责,建设“一站式”服务体系,落实“双随机一公开”。",     # slogans
    "围绕全市“四个一百”专项行动开展工作,连续三年获评先进。",               # slogans
    "实时发布PM2.5等六项污染物监测数据。",                               # count of pollutant types
    "统计期限自2018年1月1日起至2018年12月31日止。",                       # statistics period
    "每季度召开新闻发布会,及时发布权威信息。",                             # no figure
    "对公开的每一条信息进行审核后主动公开信息。",                          # idiom numeral
])
def test_negative_cases(text):
    assert ex(text) == [], [(m.metric_code, m.value) for m in ex(text)]


@pytest.mark.parametrize("text, want", [
    # counts of work the catalogue has no concept for keep the generic code, with their phrase
    ("编发工作简报13期,公示环评审批项目175个。",
     [("other_figure", None, 13.0, "编发工作简报"), ("env_releases", "category=eia", 175.0, "公示环评审批项目")]),
    ("行政处罚类流程图2项,行政许可类9项。",
     [("other_figure", None, 2.0, "行政处罚类流程图"), ("other_figure", "category=licensing", 9.0, "行政许可类")]),
    # staff of a service hall are not the disclosure staff (staff_total)
    ("派驻服务大厅的工作人员有2名。", [("other_figure", None, 2.0, "派驻服务大厅的工作人员")]),
])
def test_open_figures_keep_other_counts(text, want):
    assert [(m.metric_code, m.dimension, m.value, m.label) for m in ex(text)] == want


def test_table_lines_are_ignored():
    t = "(一)主动公开政府信息数(不同渠道和方式公开相同信息计1条) | 条 | 106 |\n兼职人员数 | 人 | 1 |\n"
    assert ex(t) == []


def test_statistics_table_section_is_ignored():
    t = "前言。\n主动公开政府信息数 条 106\n"
    secs = [Section(1, None, 1, 1, "", "前言。", 0, 4, kind="preamble"),
            Section(2, None, 1, 2, "统计表", t[4:], 4, len(t), kind="statistics_table", topic="statistics_table")]
    assert extract_prose_metrics(t, secs) == []


# --- provenance -----------------------------------------------------------------
def test_section_ids_and_evidence():
    t = "一、概述\n全年主动公开政府信息50条。\n二、依申请公开\n本年度未收到政府信息公开申请。\n"
    p2 = t.index("二、")
    secs = [Section(1, None, 1, 1, "一、概述", "", 0, p2), Section(2, None, 1, 2, "二、依申请公开", "", p2, len(t)),
            Section(3, 2, 2, 1, "", "", p2 + 8, len(t))]
    ms = extract_prose_metrics(t, secs)
    by = {m.metric_code: m for m in ms}
    assert by["proactive_total"].section_id == 1
    assert by["requests_received"].section_id == 3  # deepest
    for m in ms:
        assert t[m.char_start:m.char_end] == m.evidence
        assert m.qualifier is None or m.qualifier in QUALIFIERS
    assert section_at(None, 5) is None
    assert section_at(secs, len(t) + 5) is None


# --- seeds (figures read by hand) -----------------------------------------------
def test_seed_000():
    t = seed("000")
    ms = ex(t)
    got = {(m.metric_code, m.dimension): m for m in ms}
    m = got[("proactive_total", None)]
    assert m.value == 475 and m.qualifier == "as_of"
    for code in ("requests_received", "admin_review_total", "admin_litigation_total"):
        assert got[(code, None)].value == 0 and got[(code, None)].qualifier == "negation", code
    assert got[("approvals_received", None)].value == 539
    assert got[("approvals_completed", None)].value == 485
    assert got[("completion_rate", "kind=approvals")].value == 90
    values = {m.value for m in ms}
    assert not values & {2013, 2012, 2010, 2014, 83, 12369}  # years, a document number, a hotline
    for m in ms:
        assert "〔2013〕" not in t[m.char_start:m.char_end] or m.metric_code not in ("proactive_total",)
        assert t[m.char_start:m.char_end] == m.evidence


def test_seed_001_redactions():
    ms = ex(seed("001"))
    red = [m for m in ms if m.is_redacted]
    assert len(red) >= 3
    assert all(m.value is None for m in red)
    assert {"petitions_received", "completion_rate"} <= {m.metric_code for m in red}


@pytest.mark.parametrize("prefix", ["002", "003"])
def test_seed_no_years_or_doc_numbers(prefix):
    t = seed(prefix)
    ms = ex(t)
    for m in ms:
        assert m.value not in (2017, 2018, 2019, 2020, 17, 178, 53, 106), (m.metric_code, m.value)
        assert not re.search(r"〔\d{4}〕|﹝\d{4}﹞", m.evidence), m.evidence


def test_seed_004_prose():
    t = seed("004")
    ms = ex(t)
    pt = [m for m in ms if m.metric_code == "proactive_total" and m.dimension is None]
    assert [m.value for m in pt] == [105]
    assert pt[0].source_kind == "narrative"
    rr = [m for m in ms if m.metric_code == "requests_received"]
    assert [(m.value, m.qualifier) for m in rr] == [(0, "negation")]
    assert "无依申请公开信息" in rr[0].evidence
    # nothing from the statistics table (106, staff 1, trainees 18 ...)
    assert not [m for m in ms if m.value in (106, 18)]


def test_speed_under_3ms_per_10kb():
    texts = [seed(p) for p in ("000", "001", "002", "003", "004")]
    for t in texts:
        ex(t)  # warm up
    n = 20
    t0 = time.perf_counter()
    for _ in range(n):
        for t in texts:
            ex(t)
    elapsed = time.perf_counter() - t0
    total_kb = sum(len(t.encode("utf-8")) for t in texts) / 1024
    per_10kb_ms = elapsed / n / total_kb * 10 * 1000
    assert per_10kb_ms < 3.0, per_10kb_ms


# --- cases found on the synthetic corpus (gov_pipeline.accuracy) -----------------
def test_no_fulltime_staff_is_a_zero_and_n_ren_part_time():
    t = "我局未配备专职人员,由三人兼职工作人员负责信息公开日常工作。"
    full = one(t, "staff_fulltime")
    assert full.value == 0 and full.qualifier == "negation" and full.unit == "人"
    assert one(t, "staff_parttime").value == 3


def test_no_training_held_is_a_zero():
    m = one("全年召开政府信息公开专题会议2次,本年度未单独举办业务培训。", "trainings")
    assert m.value == 0 and m.qualifier == "negation" and m.unit == "次"
    assert one("全年召开政府信息公开专题会议2次,本年度未单独举办业务培训。", "gid_meetings").value == 2


def test_nobody_filed_a_request_is_a_zero():
    m = one("全年没有公民、法人或其他组织向我局提出政府信息公开申请。", "requests_received")
    assert m.value == 0 and m.qualifier == "negation"
    assert ex("申请人对答复不服的,可以依法提出行政复议申请。") == []


def test_newly_received_requests_with_applicant_and_channel_split():
    t = "本年度新收政府信息公开申请五件,其中自然人提出三件,全部在法定期限内答复。"
    assert one(t, "requests_received").value == 5
    assert one(t, "requests_received", "applicant=natural_person").value == 3
    t = "全年共受理政府信息公开申请8件,其中通过网络提交5件,办结9件。"
    assert one(t, "requests_received", "channel=online").value == 5
    assert one(t, "requests_completed").value == 9


def test_split_items_keep_their_own_rounding():
    t = "全年共主动公开政府信息近130条,其中政府网站公开123条、政务微博发布29条。"
    assert one(t, "proactive_total").qualifier == "approx"
    assert one(t, "proactive_total", "channel=website").qualifier is None
    t = "全年共受理政府信息公开申请96件,其中通过网络提交80余件。"
    m = one(t, "requests_received", "channel=online")
    assert m.value == 80 and m.qualifier == "approx"
    t = "截至11月底,主动公开政府信息320条,其中政府网站公开300条。"
    assert one(t, "proactive_total", "channel=website").qualifier == "as_of"


def test_current_staff_is_a_stock_not_a_partial_period():
    t = "目前从事政府信息公开工作的人员共四名,其中专职1名、兼职3名。"
    for code, v in (("staff_total", 4), ("staff_fulltime", 1), ("staff_parttime", 3)):
        m = one(t, code)
        assert m.value == v and m.qualifier is None, code


def test_prose_after_a_table_in_its_section_is_read():
    from gov_pipeline.text.sections import parse_sections

    t = "\n".join([
        "四、政府信息公开行政复议、行政诉讼情况",
        "行政复议 | 行政诉讼 |",
        "结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 | 结果维持 | 结果纠正 | 其他结果 | 尚未审结 | 总计 |",
        "0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |",
        "2020年,本局未发生因政府信息公开引起的行政复议和行政诉讼。",
        "五、存在的主要问题及改进情况",
        "一是公开内容的深度还不够。",
    ])
    secs = parse_sections(t)
    assert any(s.kind == "statistics_table" for s in secs)
    ms = extract_prose_metrics(t, secs)
    got = {(m.metric_code, m.value, m.qualifier) for m in ms}
    assert got == {("admin_review_total", 0, "negation"), ("admin_litigation_total", 0, "negation")}


def test_every_rule_pattern_compiles_and_reads_a_figure():
    # rule regexes are compiled lazily (on the first report holding a needle): check them all here
    from gov_pipeline.text.prose import RULES

    for rule in RULES:
        rx = rule.rx
        assert rx is rule.rx  # compiled once
        assert rule.kind == "negation" or "num" in rx.groupindex, rule.name
