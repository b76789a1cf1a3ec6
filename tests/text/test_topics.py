from __future__ import annotations

import csv

import pytest

from gov_pipeline.text.model import TOPICS, Section
from gov_pipeline.text.refdata import asset_path
from gov_pipeline.text.sections import parse_sections
from gov_pipeline.text.topics import assign_topics, official_parts, section_tokens
from tests.text._seed_text import seed_text


def sec(i, heading, body="", parent=None, depth=1, kind="heading", marker=""):
    return Section(i, parent, depth, 1, heading, body, 0, 1, marker=marker, kind=kind)


def topic_of(heading, body=""):
    s = [sec(1, heading, body)]
    assign_topics(s)
    return s[0].topic


def test_taxonomy_topics_are_exactly_model_topics():
    with asset_path("topic_taxonomy.csv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh))
    assert [r["topic"] for r in rows] == list(TOPICS)
    assert set(rows[0]) == {"topic", "label_zh", "description", "heading_terms", "body_terms"}


@pytest.mark.parametrize("heading,topic", [
    ("一、总体情况", "overview"),
    ("二、主动公开政府信息情况", "proactive_disclosure"),
    ("二、行政机关主动公开政府信息情况", "proactive_disclosure"),
    ("三、收到和处理政府信息公开申请情况", "on_request"),
    ("三、行政机关收到和处理政府信息公开申请情况", "on_request"),
    ("四、政府信息公开行政复议、行政诉讼情况", "review_litigation"),
    ("四、因政府信息公开工作被申请行政复议、提起行政诉讼情况", "review_litigation"),
    ("五、存在的主要问题及改进情况", "problems_improvements"),
    ("五、政府信息公开工作存在的主要问题及改进情况", "problems_improvements"),
    ("六、其他需要报告的事项", "other"),
    ("三、下一步工作打算", "next_steps"),
    ("五、2014年工作思路", "next_steps"),
    ("二、2018年工作思路", "next_steps"),
    ("三、存在的不足和改进措施", "problems_improvements"),
    ("二、存在的主要问题", "problems_improvements"),
    ("一、概述", "overview"),
    ("二、依申请公开政府信息和不予公开政府信息的情况", "on_request"),
    ("四、因政府信息公开申请行政复议、提起行政诉讼的情况", "review_litigation"),
    ("一、年度工作总体情况", "overview"),
])
def test_official_and_narrative_part_headings(heading, topic):
    marker = heading.split("、")[0] + "、"
    s = [sec(1, heading, marker=marker)]
    assign_topics(s)
    assert s[0].topic == topic


def test_kinds_map_directly():
    s = [sec(1, "关于呈送2018年政府信息公开工作年度报告的报告", "行政复议 行政诉讼", kind="cover_letter"),
         sec(2, "政府信息公开情况统计表", "主动公开 | 条 | 5 |", kind="statistics_table")]
    assign_topics(s)
    assert [x.topic for x in s] == ["cover_letter", "statistics_table"]


def test_children_inherit_or_override():
    s = [
        sec(1, "一、总体情况", marker="一、"),
        sec(2, "(一)主动公开", parent=1, depth=2, marker="(一)"),
        sec(3, "(二)依申请公开", parent=1, depth=2, marker="(二)"),
        sec(4, "(三)抓好落实", parent=1, depth=2, marker="(三)"),  # no signal: inherits
        sec(5, "二、下一步工作打算", marker="二、"),
        sec(6, "(一)着力提升依申请公开工作水平", parent=5, depth=2, marker="(一)"),  # plans stay plans
    ]
    assign_topics(s)
    assert [x.topic for x in s] == ["overview", "proactive_disclosure", "on_request", "overview", "next_steps", "next_steps"]


def test_preamble_and_unknown_heading():
    s = [sec(1, "", "现将我局2019年度工作情况报告如下。", kind="preamble"), sec(2, "二、典型做法", "内容。", marker="二、")]
    assign_topics(s)
    assert [x.topic for x in s] == ["overview", "other"]


def test_weak_heading_uses_body():
    body = "本年度共收到依申请公开申请5件,均按时答复。依申请公开事项全部办结。申请人对答复无异议。"
    assert topic_of("三、有关工作", body) == "on_request"


def test_official_parts():
    text = ("一、总体情况\n内容。\n二、主动公开政府信息情况\n内容。\n三、收到和处理政府信息公开申请情况\n内容。\n"
            "四、政府信息公开行政复议、行政诉讼情况\n内容。\n五、存在的主要问题及改进情况\n内容。\n六、其他需要报告的事项\n无。\n")
    secs = parse_sections(text)
    assert official_parts(secs) == {1, 2, 3, 4, 5, 6}
    assert official_parts(secs[:2] + secs[4:5]) == {1, 2, 5}
    # "other" as a fallback topic does not count as part 6
    assert official_parts(parse_sections("一、典型做法\n内容。\n二、下一步工作打算\n内容。\n")) == set()


def test_tokens_can_be_passed_in():
    secs = parse_sections("一、总体情况\n内容。\n二、主动公开政府信息情况\n公开信息50条。\n")
    toks = section_tokens(secs)
    assert toks[1][0] == ["主动公开", "政府信息", "情况"]
    assign_topics(secs, tokens=toks)
    assert [s.topic for s in secs] == ["overview", "proactive_disclosure"]


@pytest.mark.parametrize("kind", ["jieba", "rjieba"])
def test_segmenter_kinds_agree_on_part_headings(kind):
    from gov_pipeline.text.segment import get_segmenter
    secs = parse_sections("一、总体情况\n内容。\n二、因政府信息公开工作被申请行政复议、提起行政诉讼情况\n无。\n三、下一步工作打算\n内容。\n")
    assign_topics(secs, get_segmenter(kind))
    assert [s.topic for s in secs] == ["overview", "review_litigation", "next_steps"]


def top_topics(prefix):
    secs = parse_sections(seed_text(prefix))
    assign_topics(secs)
    return secs, [s.topic for s in secs if s.parent_section_id is None]


def test_seed_000_topics():
    secs, top = top_topics("000")
    assert top == ["overview", "overview", "proactive_disclosure", "proactive_disclosure", "overview", "next_steps"]
    assert official_parts(secs) == {1, 2}


def test_seed_001_topics():
    secs, top = top_topics("001")
    assert top == ["overview", "overview", "proactive_disclosure", "overview"]
    assert official_parts(secs) == set()


def test_seed_002_topics():
    secs, top = top_topics("002")
    assert top == ["overview", "overview", "problems_improvements", "next_steps"]
    kids = {s.heading: s.topic for s in secs if s.parent_section_id == 2}
    assert kids["(一)加强组织保障"] == "overview"
    assert kids["(三)加大重点领域公开力度"] == "proactive_disclosure"
    assert kids["(四)加强政策解读和回应关切"] == "proactive_disclosure"
    assert official_parts(secs) == {5}


def test_seed_003_topics():
    secs, top = top_topics("003")
    assert top == ["cover_letter", "overview", "overview", "next_steps"]
    assert {s.topic for s in secs if s.parent_section_id == 7} == {"next_steps"}


def test_seed_004_topics():
    secs, top = top_topics("004")
    assert top == ["overview", "overview", "other", "problems_improvements", "statistics_table"]
    assert official_parts(secs) == {1, 5}
