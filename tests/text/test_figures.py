"""The open figure reader (gov_pipeline/text/figures.py through prose.extract_prose_metrics): every figure with a
unit, the phrase it counts, its code and dimensions. Sentences written for these tests."""
import pytest

from gov_pipeline.text.figures import GENERIC_CODE, classify, open_figures
from gov_pipeline.text.prose import extract_prose_metrics


def rows(text):
    return [(m.metric_code, m.dimension, m.value, m.qualifier) for m in extract_prose_metrics(text)]


def test_breakdown_by_category_takes_the_headline_code_and_shares_follow_their_item():
    t = "全年主动公开政府信息200条,其中机构职能类20条,占10%;业务工作类150条,占75%。"
    assert rows(t) == [
        ("proactive_total", None, 200.0, None),
        ("proactive_total", "category=org_function", 20.0, None),
        ("share_pct", "category=org_function;of=proactive_total", 10.0, None),
        ("proactive_total", "category=business", 150.0, None),
        ("share_pct", "category=business;of=proactive_total", 75.0, None),
    ]


def test_items_after_qizhong_of_an_unknown_total_are_not_publications():
    t = "梳理行政权力清单80项,其中行政许可类30项,行政处罚类50项。"
    got = rows(t)
    assert [r[2] for r in got] == [80.0, 30.0, 50.0]
    assert all(code == GENERIC_CODE for code, *_ in got)
    assert got[1][1] == "category=licensing"


def test_channels_number_after_noun_and_respectively_pairs():
    assert rows("门户网站发布信息310条,政务微博发布信息96条。") == [
        ("proactive_total", "channel=website", 310.0, None), ("proactive_total", "channel=weibo", 96.0, None)]
    assert rows("通过微信、抖音分别推送信息41条、17条。") == [
        ("proactive_total", "channel=wechat", 41.0, None), ("proactive_total", "channel=douyin", 17.0, None)]


@pytest.mark.parametrize("text, want", [
    ("网站年访问量达12.5万人次。", ("website_visits", None, 125000.0, None)),
    ("平台总浏览量86万。", ("website_visits", None, 860000.0, None)),
    ("公众号关注人数3200人。", ("followers", "channel=wechat", 3200.0, None)),
    ("办理网上咨询留言64件。", ("messages_handled", "channel=online_message", 64.0, None)),
    ("发布水质状况月报12期。", ("env_releases", "category=env_quality", 12.0, None)),
    ("政府信息全文电子化率100%。", ("digitisation_rate", None, 100.0, None)),
    ("申请答复率为100%。", ("completion_rate", "kind=requests_reply", 100.0, None)),
    ("比上年减少6条。", ("yoy_change", "direction=decrease", 6.0, None)),
    ("发布新闻稿件近300篇。", ("media_items", None, 300.0, "approx")),
    ("编写工作简报十二期。", (GENERIC_CODE, None, 12.0, None)),
    ("上年度无结转的申请。", ("requests_carried_in", None, 0.0, "negation")),
])
def test_families(text, want):
    assert rows(text) == [want]


def test_the_noun_after_the_unit_is_what_is_counted():
    (m,) = extract_prose_metrics("年内梳理出15项公开任务。")
    assert (m.value, m.label) == (15.0, "梳理出公开任务")


@pytest.mark.parametrize("text", [
    "申请人应在15个工作日内补正材料。",          # a time limit
    "年报由总体情况等六个部分组成。",            # the report's structure
    "发布PM10等四项污染物浓度。",                # kinds of an enumeration
    "依据《政府信息公开条例》第三十条办理。",      # an article number
    "联系电话0571-88001234。",                  # a phone number
    "三个方面的问题仍然存在。",                  # an idiom numeral
    "(不同渠道公开的同一信息计为1条)",           # table guidance
])
def test_never_figures(text):
    assert rows(text) == []


def test_each_figure_keeps_its_span_and_label():
    t = "全年在网站公开环评批复文件19条;执法信息11篇。"
    figs = open_figures(t, set())
    assert [(f.value, f.label, t[f.num_start:f.num_start + 2]) for f in figs] == [
        (19.0, "在网站公开环评批复文件", "19"), (11.0, "执法信息", "11")]


def test_classify_reads_its_families_from_assets():
    assert classify("空气质量状况通报", "期") == ("env_releases", "category=env_quality")
    assert classify("占全部信息的比例", "%") == ("share_pct", None)
    assert classify("未归类的东西", "个") == (GENERIC_CODE, None)


def test_another_year_s_figure_is_left_out_but_a_change_is_kept():
    t = "2020年主动公开信息300条。2019年主动公开信息250条,上年度发布解读9篇,比上年增加50条。"
    got = [(m.metric_code, m.value) for m in extract_prose_metrics(t, year=2020)]
    assert (GENERIC_CODE, 250.0) not in got and ("policy_interpretations", 9.0) not in got
    assert ("yoy_change", 50.0) in got and got[0] == ("proactive_total", 300.0)


def test_a_breakdown_may_start_the_next_sentence():
    t = "全年主动公开政府信息900条。其中,门户网站600条,机构职能类信息30条。"
    assert rows(t)[1:] == [("proactive_total", "channel=website", 600.0, None),
                           ("proactive_total", "category=org_function", 30.0, None)]


def test_crawler_text_heading_run_into_its_sentence_is_not_the_label():
    (m,) = extract_prose_metrics("(三)咨询情况 全年接待群众现场咨询120人次。")
    assert m.label == "全年接待群众现场咨询" or m.label == "接待群众现场咨询"


def test_a_part_read_by_a_catalogue_rule_is_not_a_second_headline():
    t = "全年主动公开政府信息800条,其中发布工作动态信息500条,公开财政信息60条,公开其他信息240条。"
    got = rows(t)
    assert got[0] == ("proactive_total", None, 800.0, None)
    assert ("proactive_total", "category=news", 500.0, None) in got
    assert ("proactive_total", "category=finance", 60.0, None) in got
    assert sum(1 for code, dim, *_ in got if code == "proactive_total" and dim is None) == 1


@pytest.mark.parametrize("text, value", [
    ("微博粉丝 12.6 万,发布信息 300 条。", 126000.0),   # spaces around the figure (PDF layout)
    ("全年办理行政复议案件1宗。", 1.0),                   # 宗
    ("其中3件已按规定程序办结。", 3.0),           # 规定 in a clause is not a time limit
    ("本年转办上一年度申请2件。", 2.0),                   # carried over from last year: this year's work
    ("网站信息全文电子化达100%。", 100.0),
    ("接待来访群众近 40 人次。", 40.0),
])
def test_layout_and_wording_variants(text, value):
    assert value in [v for _, _, v, _ in rows(text)]


def test_a_negation_that_describes_a_counted_case_is_no_zero():
    assert 0.0 not in [v for _, _, v, _ in rows("另有1件因申请人未提供联系方式未能答复。")]


def test_a_sentence_opening_with_a_breakdown_word_lists_the_parts_of_the_total_before():
    t = "全年主动公开信息500条,其中网站发布420条。按内容划分,规划计划类30条,占6%。"
    assert rows(t)[2:] == [("proactive_total", "category=planning", 30.0, None),
                           ("share_pct", "category=planning;of=proactive_total", 6.0, None)]


@pytest.mark.parametrize("text, want", [
    ("公开环境行政处罚信息37条。", ("env_releases", "category=penalty", 37.0, None)),
    ("发布重污染天气预警信息4条。", ("env_releases", "category=emergency", 4.0, None)),
    ("主动公开信息数量比上年增加41条。", ("yoy_change", "direction=increase", 41.0, None)),
    ("收到申请数量同比减少2件。", ("yoy_change", "direction=decrease", 2.0, None)),
    ("本年度未发生信息公开责任追究情况。", (GENERIC_CODE, None, 0.0, "negation")),
    ("也没有上年结转的申请。", ("requests_carried_in", None, 0.0, "negation")),
    ("组织公众开放日活动五场。", (GENERIC_CODE, None, 5.0, None)),
    ("接听并处理310件12345热线转办件。", ("messages_handled", "channel=hotline", 310.0, None)),
    ("政务微博关注人数已达2.4万。", ("followers", "channel=weibo", 24000.0, None)),
    ("截至2019年底,公众号粉丝7300人。", ("followers", "channel=wechat", 7300.0, None)),
    ("发布环境执法信息3x条。", ("env_releases", "category=enforcement", None, None)),
])
def test_families_in_more_phrasings(text, want):
    assert rows(text) == [want]


def test_redacted_figures_keep_their_place_in_a_respectively_pair():
    got = [(m.dimension, m.value, m.is_redacted) for m in extract_prose_metrics("网站、微博分别发布信息1x条、64条。")]
    assert got == [("channel=website", None, True), ("channel=weibo", 64.0, False)]


def test_one_per_office_is_no_figure():
    assert rows("各科室各明确一名联络员。") == []


def test_the_total_is_the_headline_even_when_a_part_is_stated_first():
    t = "主动公开采购类信息120条。全年主动公开政府信息2400条,其中门户网站1800条。"
    got = rows(t)
    assert ("proactive_total", None, 2400.0, None) in got
    assert ("proactive_total", "category=finance", 120.0, None) in got
    assert sum(1 for code, dim, *_ in got if code == "proactive_total" and dim is None) == 1


def test_a_category_figure_alone_stays_the_headline():
    assert rows("全年发布环境质量信息88条。") == [("proactive_total", None, 88.0, None)]


@pytest.mark.parametrize("text, want", [
    ("上年无结转。", ("requests_carried_in", None, 0.0, "negation")),
    ("全年零投诉。", (GENERIC_CODE, None, 0.0, "negation")),
    ("全年未出现违反保密规定、造成不良影响的情况。", (GENERIC_CODE, None, 0.0, "negation")),
    ("共发布6期季度性污染源监测情况。", ("env_releases", "category=env_quality", 6.0, None)),
    ("热线电话接听咨询15通。", ("messages_handled", "channel=hotline", 15.0, None)),
    ("梳理行政审批事项12大项40小项。", (GENERIC_CODE, "category=licensing", 12.0, None)),
])
def test_zeros_and_units_in_more_wordings(text, want):
    assert rows(text)[0] == want


def test_one_person_organising_is_no_figure_but_one_staff_member_is():
    assert rows("定期组织一名科室负责人参加在线访谈。") == []
    assert rows("配备一名专职人员负责公开工作。")[0][2] == 1.0


def test_request_outcomes_in_prose_are_the_grid_s_result_rows():
    assert rows("共收到申请12件,其中予以公开9件,部分公开2件,无法提供1件。")[1:] == [
        ("requests_resolved", "result=disclosed", 9.0, None), ("requests_resolved", "result=partial", 2.0, None),
        ("requests_resolved", "result=unable", 1.0, None)]


def test_a_running_total_in_brackets_beside_the_year_s_figure():
    got = rows("全年主动公开各类信息420条(累计5100条)。")
    assert got == [("proactive_total", None, 420.0, None), ("proactive_cumulative", None, 5100.0, "cumulative")]


def test_a_phrase_naming_several_channels_is_a_total_across_them():
    assert rows("通过网站、报刊、政务新媒体等渠道发布信息900余条。") == [("proactive_total", None, 900.0, "approx")]


def test_a_part_with_nothing_of_its_own_does_not_repeat_its_total_s_key():
    got = rows("门户网站发布信息500条,其中污染源违法案件信息30条,政务活动信息40条。")
    assert got == [("proactive_total", "channel=website", 500.0, None), (GENERIC_CODE, None, 30.0, None),
                   ("proactive_total", "category=news;channel=website", 40.0, None)]


@pytest.mark.parametrize("text, want", [
    # a category published by the sentence's verb, the second one listed under the same verb
    ("本年度公开人事任免信息5条。全年主动公开政府信息300条。",
     [("proactive_total", "category=personnel", 5.0, None), ("proactive_total", None, 300.0, None)]),
    ("主动公开预决算类信息8条,规划计划类信息3条。",
     [("proactive_total", "category=finance", 8.0, None), ("proactive_total", "category=planning", 3.0, None)]),
    # a running total in brackets of another code keeps that code; the breakdown after it is of the year's total
    ("全年共发布政策解读9篇(累计60篇)。", [("policy_interpretations", None, 9.0, None),
                                          ("policy_interpretations", None, 60.0, "cumulative")]),
    ("全年主动公开信息200条(截至年底累计1800条)。按内容划分,机构职能类10条。",
     [("proactive_total", None, 200.0, None), ("proactive_cumulative", None, 1800.0, "cumulative"),
      ("proactive_total", "category=org_function", 10.0, None)]),
    # a zero whose phrase names publishing is no publication count
    ("未出现因信息发布不当而泄密的情况。", [(GENERIC_CODE, None, 0.0, "negation")]),
    # one phrase counted in two units; a redacted first figure
    ("梳理权责事项7大项45小项。", [(GENERIC_CODE, None, 7.0, None), (GENERIC_CODE, None, 45.0, None)]),
    ("编制权责清单x大项45小项。", [(GENERIC_CODE, None, None, None), (GENERIC_CODE, None, 45.0, None)]),
])
def test_parts_totals_and_zeros_in_more_arrangements(text, want):
    assert rows(text) == want


def test_both_redacted_part_and_total_are_told_apart_by_the_part_s_words():
    got = rows("主动公开政府采购信息x3条。全年共主动公开政府信息4x2条。")
    assert got == [("proactive_total", "category=finance", None, None), ("proactive_total", None, None, None)]
