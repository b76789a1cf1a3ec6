from __future__ import annotations


from gov_pipeline.text.sections import cn_ordinal, parse_sections
from tests.text._seed_text import seed_text


def tops(secs):
    return [s for s in secs if s.parent_section_id is None]


def check_invariants(text, secs):
    ids = [s.section_id for s in secs]
    assert ids == list(range(1, len(secs) + 1))
    by_id = {s.section_id: s for s in secs}
    for s in secs:
        assert 0 <= s.char_start < s.char_end <= len(text)
        if s.kind in ("heading", "statistics_table"):
            assert text[s.char_start:s.char_end].startswith(s.heading)
        if s.parent_section_id is not None:
            p = by_id[s.parent_section_id]
            assert p.section_id < s.section_id
            assert s.depth == p.depth + 1
            assert p.char_start <= s.char_start and s.char_end <= p.char_end
        else:
            assert s.depth == 1
    # ordinals are 1..n among siblings, in document order
    groups = {}
    for s in secs:
        groups.setdefault(s.parent_section_id, []).append(s.ordinal)
    for ords in groups.values():
        assert ords == list(range(1, len(ords) + 1))


def test_cn_ordinal():
    assert [cn_ordinal(x) for x in ["一", "九", "十", "十一", "二十", "二十三", "一一", "十十"]] == [1, 9, 10, 11, 20, 23, None, None]


def test_four_marker_types_nest():
    text = "一、总体情况\n(一)组织\n1.领导小组\n(1)组长\n(2)副组长\n2.制度\n(二)平台\n二、主动公开政府信息情况\n正文。\n"
    secs = parse_sections(text)
    check_invariants(text, secs)
    assert [(s.heading, s.depth, s.ordinal) for s in secs] == [
        ("一、总体情况", 1, 1), ("(一)组织", 2, 1), ("1.领导小组", 3, 1), ("(1)组长", 4, 1),
        ("(2)副组长", 4, 2), ("2.制度", 3, 2), ("(二)平台", 2, 2), ("二、主动公开政府信息情况", 1, 2),
    ]
    assert [s.marker for s in secs[:4]] == ["一、", "(一)", "1.", "(1)"]
    assert secs[4].parent_section_id == secs[2].section_id
    assert secs[7].body == "正文。"
    # a section's span covers its descendants, its body stops at its first child
    assert secs[0].char_end == text.index("二、") - 1
    assert secs[0].body == ""


def test_number_marker_variants():
    text = "一、部分\n1、第一项\n2．第二项\n3.第三项\n"
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["一、部分", "1、第一项", "2．第二项", "3.第三项"]
    assert all(s.depth == 2 for s in secs[1:])


def test_skipped_level_nests_one_down():
    text = "一、工作情况\n1.公开目录\n内容。\n2.公开指南\n内容。\n二、下一步工作打算\n(1)加强培训\n"
    secs = parse_sections(text)
    check_invariants(text, secs)
    assert [(s.heading, s.depth) for s in secs] == [
        ("一、工作情况", 1), ("1.公开目录", 2), ("2.公开指南", 2), ("二、下一步工作打算", 1), ("(1)加强培训", 2),
    ]


def test_yishi_items_are_inline_not_sections():
    text = "一、主要做法\n一是加强领导。二是完善制度。\n三是强化考核。\n二、存在问题\n一是力量薄弱。\n"
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["一、主要做法", "二、存在问题"]
    assert secs[0].body == "一是加强领导。二是完善制度。\n三是强化考核。"


def test_numbered_items_inside_paragraph_are_body():
    text = "一、考核\n考核内容包括:1、各科室责任落实情况;2、各科室公开内容;3、公开效果。考核采取定期检查。\n二、培训\n举办培训2次。\n"
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["一、考核", "二、培训"]
    assert "2、各科室公开内容" in secs[0].body


def test_run_in_heading_stops_at_sentence_end():
    text = "(一)加强组织保障。2020年,该局成立领导小组。\n(二)推进落实五公开。内容。\n"
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["(一)加强组织保障", "(二)推进落实五公开"]
    assert secs[0].body == "2020年,该局成立领导小组。"


def test_run_in_heading_without_sentence_end_stops_before_paragraph_opener():
    text = ("前言。\n一、领导高度重视,强化政务公开组织保障和考核指导和业务培训我局成立了以局长为组长的领导小组,"
            "并在局办公室下设办公室,定期研究解决信息公开中遇到的问题和困难。\n二、加强平台建设。内容。\n")
    secs = parse_sections(text)
    assert secs[1].heading == "一、领导高度重视,强化政务公开组织保障和考核指导和业务培训"
    assert secs[1].body.startswith("我局成立了")


def test_inline_headings_in_one_paragraph():
    text = ("年初以来,我局完善公开机制,改善了机关形象。 一、加强学习宣传,提高思想认识。条例颁布后,局领导高度重视。"
            " 二、拓展公开渠道,接受群众监督。一是通过新闻发布会公开。 三、完善公开机制。制定了办法。\n")
    secs = parse_sections(text)
    check_invariants(text, secs)
    assert [(s.kind, s.heading) for s in secs] == [
        ("preamble", ""), ("heading", "一、加强学习宣传,提高思想认识"),
        ("heading", "二、拓展公开渠道,接受群众监督"), ("heading", "三、完善公开机制"),
    ]
    assert secs[0].body == "年初以来,我局完善公开机制,改善了机关形象。"
    assert secs[2].body == "一是通过新闻发布会公开。"


def test_stray_inline_numeral_is_not_a_heading():
    text = "一、总体情况\n本局重视公开。三、四个方面成效明显。\n二、主动公开情况\n公开信息50条。\n"
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["一、总体情况", "二、主动公开情况"]
    assert "三、四个方面" in secs[0].body


def test_lone_inline_one_is_not_a_heading():
    text = "本年度工作如下。一、是否公开由办公室确定。其他内容。\n"
    secs = parse_sections(text)
    assert [s.kind for s in secs] == ["preamble"]


def test_out_of_order_line_start_number_is_rejected():
    text = "一、部分\n(一)甲\n(二)乙\n(一)重复的编号\n(三)丙\n"
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["一、部分", "(一)甲", "(二)乙", "(三)丙"]
    assert "(一)重复的编号" in secs[2].body


def test_missing_first_child_number_tolerated():
    text = "一、2017年工作情况\n加强领导,完善机制\n内容一。\n(二)严把质量关\n内容二。\n(三)运用载体\n内容三。\n"
    secs = parse_sections(text)
    check_invariants(text, secs)
    assert [(s.heading, s.depth, s.ordinal) for s in secs] == [
        ("一、2017年工作情况", 1, 1), ("(二)严把质量关", 2, 1), ("(三)运用载体", 2, 2),
    ]
    assert secs[0].body == "加强领导,完善机制\n内容一。"


def test_preamble_only_when_non_empty():
    assert parse_sections("一、总体情况\n内容。\n")[0].kind == "heading"
    secs = parse_sections("\n\n前言内容。\n一、总体情况\n内容。\n")
    assert secs[0].kind == "preamble" and secs[0].heading == "" and secs[0].body == "前言内容。"
    assert secs[0].char_start == 2
    assert parse_sections("") == [] and parse_sections(" \n ") == []


def test_plain_text_is_one_preamble():
    text = "本机关2019年未收到政府信息公开申请。"
    secs = parse_sections(text)
    assert len(secs) == 1 and secs[0].kind == "preamble" and secs[0].char_end == len(text)


COVER = (
    "X环字〔2019〕12号 签发人:张三\n关于呈送X县环保局\n\n2018年政府信息公开工作年度报告的报告\n\n县人民政府:\n\n"
    "根据要求,现将我局年度报告随文呈上,请审阅。\n\n此报告\n\n附件:X县环保局2018年政府信息公开工作年度报告\n\n"
    "X县环境保护局\n\n2019年1月20日\n\n2018年政府信息公开工作年度报告\n"
    + "我局认真贯彻落实条例,推进政府信息公开工作,现将有关情况报告如下。" * 8
    + "\n一、总体情况\n内容。\n二、主动公开政府信息情况\n内容。\n"
)


def test_cover_letter_section():
    secs = parse_sections(COVER)
    check_invariants(COVER, secs)
    assert [(s.kind, s.depth) for s in secs[:3]] == [("cover_letter", 1), ("preamble", 1), ("heading", 1)]
    letter = secs[0]
    assert letter.heading == "关于呈送X县环保局2018年政府信息公开工作年度报告的报告"
    assert letter.char_start == 0
    assert COVER[letter.char_end - 10:letter.char_end] == "2019年1月20日"
    assert "县人民政府:" in letter.body and "X环字〔2019〕12号" in letter.body
    assert secs[1].body.startswith("2018年政府信息公开工作年度报告")
    assert [s.heading for s in tops(secs)[2:]] == ["一、总体情况", "二、主动公开政府信息情况"]


def test_report_titled_like_a_letter_without_report_after_date_is_not_a_cover_letter():
    text = ("关于2016年度政府信息公开情况的报告\n市电子政务办:\n现将我局情况报告如下。\n一、主动公开情况\n"
            "公开信息50条。\n二、依申请公开情况\n未收到申请。\nX市环保局\n2017年1月10日\n")
    secs = parse_sections(text)
    assert [s.kind for s in secs] == ["preamble", "heading", "heading"]
    assert secs[-1].body.endswith("X市环保局\n2017年1月10日")  # signature stays in the last body


TABLE_AFTER_PARTS = (
    "一、总体情况\n内容。\n二、存在的不足\n" + "信息内容不够丰富,需要加强。" * 8 + "\n"
    "政府信息公开情况统计表 (2018年度) | ||\n统计指标 | 单位 | 统计数 |\n一、主动公开情况 | ||\n"
    "(一)主动公开政府信息数 | 条 | 106 |\n1.政府公报公开政府信息数 | 条 | 0 |\n二、回应解读情况 | ||\n"
    "三、依申请公开情况 | ||\n(一)收到申请数 | 件 | 0 |\nX区环境保护局\n2019年3月\n"
)


def test_statistics_table_after_last_part_is_top_level():
    secs = parse_sections(TABLE_AFTER_PARTS)
    check_invariants(TABLE_AFTER_PARTS, secs)
    assert [(s.kind, s.heading, s.depth) for s in secs] == [
        ("heading", "一、总体情况", 1), ("heading", "二、存在的不足", 1),
        ("statistics_table", "政府信息公开情况统计表 (2018年度)", 1),
    ]
    table = secs[-1]
    assert table.body.startswith("统计指标 | 单位 | 统计数 |")
    assert table.body.endswith("X区环境保护局\n2019年3月")  # trailing signature stays in the last body
    assert table.char_end == len(TABLE_AFTER_PARTS.rstrip())


def test_table_under_part_heading_is_child_and_rows_are_not_headings():
    text = (
        "一、总体情况\n内容。\n二、主动公开政府信息情况\n第二十条第(一)项 |\n信息内容 | 本年制发件数 | 本年废止件数 | 现行有效件数 |\n"
        "规章 | 0 | 0 | 0 |\n行政规范性文件 | 2 | 1 | 9 |\n三、收到和处理政府信息公开申请情况\n"
        "(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况 |\n"
        "一、本年新收政府信息公开申请数量 | 5 | 0 | 2 | 1 | 0 | 0 | 8 |\n二、上年结转政府信息公开申请数量 | 0 | 0 | 0 | 0 | 0 | 0 | 0 |\n"
        "三、本年度办理结果 | (一)予以公开 | 4 | 0 | 2 | 1 | 0 | 0 | 7 |\n"
        "四、政府信息公开行政复议、行政诉讼情况\n行政复议 行政诉讼\n0 0 0 0 0 0 0 0 0 0 0 0 0 0 0\n结果维持 0 0 0\n"
        "五、存在的主要问题及改进情况\n问题。\n"
    )
    secs = parse_sections(text)
    check_invariants(text, secs)
    top = [(s.kind, s.heading) for s in tops(secs)]
    assert top == [
        ("heading", "一、总体情况"), ("heading", "二、主动公开政府信息情况"), ("heading", "三、收到和处理政府信息公开申请情况"),
        ("heading", "四、政府信息公开行政复议、行政诉讼情况"), ("heading", "五、存在的主要问题及改进情况"),
    ]
    tables = [s for s in secs if s.kind == "statistics_table"]
    assert [(t.heading, t.depth, t.parent_section_id) for t in tables] == [
        ("第二十条第(一)项", 2, 2), ("(本列数据的勾稽关系为:第一项加第二项之和,等于第三项加第四项之和) | 申请人情况", 2, 4),
        ("行政复议 行政诉讼", 2, 6),
    ]
    assert "一、本年新收政府信息公开申请数量" in tables[1].body


def test_one_cell_per_line_table():
    text = ("一、总体情况\n内容。\n二、主动公开政府信息情况\n第二十条第(六)项 |\n|||\n信息内容 |\n本年处理决定数量 |\n||\n"
            "行政处罚 |\n52 |\n三、其他需要报告的事项\n无。\n")
    secs = parse_sections(text)
    check_invariants(text, secs)
    assert [(s.kind, s.depth) for s in secs] == [("heading", 1), ("heading", 1), ("statistics_table", 2), ("heading", 1)]
    assert secs[2].heading == "第二十条第(六)项"


# ------------------------------------------------------------------ seeds ---
def top_headings(prefix):
    text = seed_text(prefix)
    secs = parse_sections(text)
    check_invariants(text, secs)
    return secs, [(s.kind, s.heading) for s in tops(secs)]


def test_seed_000():
    secs, top = top_headings("000")
    assert top == [
        ("preamble", ""),
        ("heading", "一、领导高度重视,强化政务公开组织保障和考核指导和业务培训"),
        ("heading", "二、推进行政权力公开透明运行"),
        ("heading", "三、加强重点领域政府信息公开工作"),
        ("heading", "四、不断完善政务公开、政务服务体系建设"),
        ("heading", "五、2014年工作思路"),
    ]
    assert len(secs) == 6  # 一是…二是… and 1、…2、… stay in the bodies
    assert secs[1].body.startswith("我局成立了以局党组书记")
    assert "2、各科室、二级单位按《政务公开实施方案》" in secs[1].body


def test_seed_001_inline_headings():
    secs, top = top_headings("001")
    assert top == [
        ("preamble", ""),
        ("heading", "一、加强学习宣扬,切实提高思想生疏"),
        ("heading", "二、拓展公开渠道,自觉接受群众监督"),
        ("heading", "三、完善公开机制,促进公开工作上台阶"),
    ]
    assert len(secs) == 4
    assert secs[0].body.endswith("改善了机关形象。")


def test_seed_002():
    secs, top = top_headings("002")
    assert top == [("preamble", ""), ("heading", "一、基层政务公开标准化规范化工作开展情况"),
                   ("heading", "二、存在的主要问题"), ("heading", "三、下一步工作打算")]
    part1 = [s.heading for s in secs if s.parent_section_id == 2]
    assert part1 == ["(一)加强组织保障", "(二)推进落实“五公开”", "(三)加大重点领域公开力度",
                     "(四)加强政策解读和回应关切", "(五)深化绿色发展服务信息公开", "(六)推进政务新媒体有序发展"]
    assert len(secs) == 10


def test_seed_003_cover_letter_then_report():
    secs, top = top_headings("003")
    assert [k for k, _ in top] == ["cover_letter", "preamble", "heading", "heading"]
    assert top[0][1] == "关于呈送鄂温克旗环保局2017年政务公开工作年度报告的报告"
    assert top[2][1] == "一、2017年工作情况" and top[3][1] == "二、2018年工作思路"
    assert "旗人民政府:" in secs[0].body and secs[0].body.endswith("2017年12月27日")
    assert secs[1].body.startswith("2017年环保局")
    by_parent = {}
    for s in secs:
        by_parent.setdefault(s.parent_section_id, []).append(s.marker)
    assert by_parent[3] == ["(二)", "(三)", "(四)"]  # the unnumbered first sub-heading stays in the body
    assert by_parent[7] == ["(一)", "(二)", "(三)", "(四)"]
    assert secs[2].body.startswith("加强领导")


def test_seed_004_statistics_table():
    secs, top = top_headings("004")
    assert top == [("preamble", ""), ("heading", "一、年度工作总体情况"), ("heading", "二、要点落实情况"),
                   ("heading", "三、存在的不足和改进措施"), ("statistics_table", "政府信息公开情况统计表 (2018年度)")]
    assert len(secs) == 16
    table = secs[-1]
    assert "九、政府信息公开会议和培训情况 | ||" in table.body
    assert table.body.endswith("北京市怀柔区环境保护局\n2019年3月")
    assert all("|" not in s.heading for s in secs)


def test_numeric_row_outside_table_is_not_heading_and_month_list_is_not_item():
    text = ("一、总体情况\n内容。\n二、收到和处理政府信息公开申请情况\n一、本年新收政府信息公开申请数量 5 3 8\n"
            "3、4月份开展培训。\n三、其他需要报告的事项\n无。\n")
    secs = parse_sections(text)
    assert [s.heading for s in secs] == ["一、总体情况", "二、收到和处理政府信息公开申请情况", "三、其他需要报告的事项"]
    assert "3、4月份开展培训。" in secs[1].body


def test_heading_text_drops_the_numbering_marker():
    text = "某局报告\n一、总体情况\n正文。\n(一)主动公开\n正文。\n1. 网站建设\n正文。"
    sections = [s for s in parse_sections(text) if s.kind == "heading"]
    assert [(s.marker, s.heading_text) for s in sections] == [("一、", "总体情况"), ("(一)", "主动公开"), ("1.", "网站建设")]
    assert all(s.heading.startswith(s.marker) for s in sections)  # the library keeps the heading as printed
