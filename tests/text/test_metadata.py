"""Tests for gov_pipeline.text.metadata on small invented reports and on the seeds."""
from __future__ import annotations

import datetime as dt
import time
from pathlib import Path

import pytest

from gov_pipeline.text.metadata import extract_metadata
from gov_pipeline.text.model import ADMIN_LEVELS, REPORT_KINDS, Issue, ReportMeta, Section

ROOT = Path(__file__).resolve().parents[2]
SEEDS = ROOT / "seeds"


def meta_of(text: str, page_meta=None, sections=None) -> ReportMeta:
    meta, _ = extract_metadata(text, page_meta, sections)
    assert meta.admin_level in ADMIN_LEVELS and meta.report_kind in REPORT_KINDS
    return meta


# ---------------------------------------------------------------------------
# invented reports

ORDOS_2017 = """鄂尔多斯市环境保护局2017年政府信息公开工作年度报告

2017年,市环保局认真贯彻《中华人民共和国政府信息公开条例》,现将我局2017年政府信息公开工作情况报告如下。
一、概述
全年主动公开政府信息312条。
二、存在的主要问题及改进情况
进一步加强培训。
鄂尔多斯市环境保护局
2018年1月20日
"""

ORDOS_2020 = """鄂尔多斯市生态环境局2020年政府信息公开工作年度报告

本报告由鄂尔多斯市生态环境局编制。本报告所列数据统计期限自2020年1月1日起至2020年12月31日止。
一、总体情况
2020年,我局主动公开政府信息420条。
"""


def test_renamed_agency_shares_key_across_years():
    old, new = meta_of(ORDOS_2017), meta_of(ORDOS_2020)
    assert old.agency_name == "鄂尔多斯市环境保护局"
    assert new.agency_name == "鄂尔多斯市生态环境局"
    assert old.agency_key == new.agency_key == "内蒙古自治区/鄂尔多斯市/生态环境"
    assert (old.report_year, new.report_year) == (2017, 2020)
    assert old.admin_level == new.admin_level == "city"
    assert (new.province, new.city, new.county) == ("内蒙古自治区", "鄂尔多斯市", None)


def test_signature_date_after_signature_agency():
    m = meta_of(ORDOS_2017)
    assert m.published_on == dt.date(2018, 1, 20)
    assert m.title == "鄂尔多斯市环境保护局2017年政府信息公开工作年度报告"
    assert m.report_kind == "annual_report"
    assert m.char_count == len(ORDOS_2017)


def test_page_meta_date_wins_over_signature_date():
    m = meta_of(ORDOS_2017, {"published_on": "2018-02-03"})
    assert m.published_on == dt.date(2018, 2, 3)


def test_chinese_numeral_signature_date():
    text = "某段正文。\n\n阿荣旗环境保护局\n二〇一七年十二月二十七日\n"
    assert meta_of(text).published_on == dt.date(2017, 12, 27)
    text = "某段正文。\n阿荣旗环境保护局\n二○一九年一月五日\n"
    assert meta_of(text).published_on == dt.date(2019, 1, 5)


def test_month_only_date_is_not_a_date():
    text = "2018年,我局认真推进政务公开。\n阿荣旗环境保护局\n2019年3月\n"
    m = meta_of(text)
    assert m.published_on is None
    assert m.agency_name == "阿荣旗环境保护局"


def test_date_at_the_very_end_without_agency_line():
    assert meta_of("正文。\n2021年1月15日\n").published_on == dt.date(2021, 1, 15)
    # an impossible day is not a date
    assert meta_of("正文。\n2021年2月30日\n").published_on is None


def test_date_inside_body_is_not_a_signature():
    text = "2019年1月10日,我局召开会议。\n会议部署了全年工作。\n"
    assert meta_of(text).published_on is None


def test_title_year_vs_body_year_body_wins():
    text = (
        "通辽市生态环境局2018年政府信息公开工作年度报告\n"
        "2019年,市生态环境局深入贯彻新修订的《条例》。2019年全年主动公开信息86条。\n"
        "一、总体情况\n2019年,我局未收到政府信息公开申请。\n"
    )
    meta, issues = extract_metadata(text)
    assert meta.report_year == 2019
    assert [i.rule for i in issues] == ["report_year_title_mismatch"]
    assert issues[0].severity == "warning" and "2018" in issues[0].detail and "2019" in issues[0].detail


def test_statistics_period_beats_body_and_title():
    text = (
        "兴安盟生态环境局2019年政府信息公开工作年度报告\n"
        "本报告所列数据统计期限自2020年1月1日起至2020年12月31日止。\n"
        "2019年机构改革后,我局……\n"
    )
    meta, issues = extract_metadata(text)
    assert meta.report_year == 2020
    assert issues == [Issue("report_year_title_mismatch", "warning", issues[0].detail)]
    assert meta.agency_key == "内蒙古自治区/兴安盟/生态环境"


def test_statistics_table_year():
    text = "我局认真推进政务公开。\n政府信息公开情况统计表 (2016年度) | ||\n统计指标 | 单位 | 统计数 |\n"
    meta, issues = extract_metadata(text)
    assert meta.report_year == 2016 and issues == []
    assert meta.report_kind == "annual_report"


def test_body_year_ignores_cited_titles_plans_and_bad_years():
    text = (
        "按照《2016年政务公开工作要点》和《2016年环境信息公开方案》要求,2017年,我局推进政务公开。\n"
        "2018年工作思路:继续加强。2018年工作计划见附件。\n"
    )
    assert meta_of(text).report_year == 2017
    assert meta_of("2005年,我局推进政务公开。2035年远景目标。\n").report_year is None
    assert meta_of("我局推进政务公开。\n").report_year is None


def test_title_year_used_when_body_has_none():
    meta, issues = extract_metadata("2023年某某县环保局上半年政务公开总结\n\nx年初以来,县环保局依据统一部署开展工作。\n")
    assert meta.report_year == 2023 and issues == []


def test_title_split_over_two_lines():
    text = "2017年环保局\n\n政府信息公开工作年度报告\n我局认真贯彻落实《条例》。\n"
    m = meta_of(text)
    assert m.title == "2017年环保局政府信息公开工作年度报告"
    assert m.report_year == 2017 and m.report_kind == "annual_report"


def test_no_title_line_gives_none():
    text = "2018年,怀柔区环保局政府信息公开工作积极推进。现将本年度政府信息公开工作情况汇报如下:\n一、总体情况\n"
    assert meta_of(text).title is None


def test_section_heading_is_not_a_title():
    assert meta_of("主动公开政府信息情况\n2018年,我局主动公开信息10条。\n").title is None
    assert meta_of("一、2017年工作情况\n我局推进公开。\n").title is None


def test_title_followed_by_body_on_one_line():
    text = "2022年某某市生态环境局政务公开工作总结 今年以来,市生态环境局依据统一部署,推进公开。\n"
    m = meta_of(text)
    assert m.title == "2022年某某市生态环境局政务公开工作总结"
    assert m.report_kind == "work_summary"


COVER = """
  锡环字［2019］12号                签发人:张三
关于报送锡林浩特市环境保护局

2018年政府信息公开工作年度报告的报告

市人民政府办公室:

按照《关于做好2018年政府信息公开工作年度报告的通知》(锡政办字〔2018〕201号)要求,现将我局报告随文报送。

附件:锡林浩特市环境保护局2018年政府信息公开工作年度报告

锡林浩特市环境保护局
2019年1月25日

锡林浩特市环境保护局2018年政府信息公开工作年度报告
2018年,我局按照(锡政发〔2018〕5号)部署推进公开工作。
"""


def test_cover_letter_title_doc_number_and_date():
    meta, issues = extract_metadata(COVER)
    assert meta.title == "锡林浩特市环境保护局2018年政府信息公开工作年度报告"
    assert meta.doc_number == "锡环字〔2019〕12号"
    assert meta.published_on == dt.date(2019, 1, 25)
    assert meta.report_year == 2018 and issues == []
    # a county-level city bureau is county level
    assert meta.admin_level == "county"
    assert (meta.province, meta.city, meta.county) == ("内蒙古自治区", "锡林郭勒盟", "锡林浩特市")
    assert meta.agency_key == "内蒙古自治区/锡林郭勒盟/锡林浩特市/生态环境"


def test_cover_letter_without_attachment_line():
    text = (
        "关于报送2020年政府信息公开工作年度报告的函\n市人民政府办公室:\n现将我局年度报告报送,请审阅。\n"
        "赤峰市生态环境局\n2021年1月20日\n"
        "赤峰市生态环境局2020年政府信息公开工作年度报告\n2020年,我局推进政务公开。\n"
    )
    m = meta_of(text)
    assert m.title == "赤峰市生态环境局2020年政府信息公开工作年度报告"
    assert m.published_on == dt.date(2021, 1, 20)
    assert m.report_year == 2020 and m.doc_number is None


def test_cover_letter_from_sections():
    text = "关于报送年报的函\n市政务公开办:\n现报送。\n\n2017年环保局\n政府信息公开工作年度报告\n我局认真推进。\n"
    cut = text.index("2017年环保局")
    sections = [
        Section(1, None, 1, 1, "", text[:cut], 0, cut, kind="cover_letter", topic="cover_letter"),
        Section(2, None, 1, 2, "", text[cut:], cut, len(text), kind="preamble"),
    ]
    assert meta_of(text, sections=sections).title == "2017年环保局政府信息公开工作年度报告"


def test_cited_document_numbers_are_not_the_report_number():
    text = (
        "根据《2017年政务公开工作要点》(鄂政办字〔2017〕178号)的要求,我局推进公开。\n"
        "鄂党办字〔2017〕53号文件要求,各单位加强公开,做好报告。\n"
    )
    assert meta_of(text).doc_number is None
    assert meta_of(COVER.replace("  锡环字［2019］12号                签发人:张三\n", "")).doc_number is None


def test_doc_number_at_head_with_mixed_brackets():
    for raw in ("京环发【2018】7号", "京环发﹝2018﹞7号", "京环发[2018]7号", "京环发〔2018〕07号"):
        text = f"{raw}\n北京市环境保护局2017年政府信息公开工作年度报告\n正文。\n"
        assert meta_of(text).doc_number == "京环发〔2018〕7号", raw


@pytest.mark.parametrize(
    ("text", "name", "level", "key"),
    [
        ("河北省生态环境厅2020年政府信息公开工作年度报告\n正文。\n", "河北省生态环境厅", "province", "河北省/生态环境"),
        ("湖北省环境保护局2014年政府信息公开工作年度报告\n正文。\n", "湖北省环境保护局", "province", "湖北省/生态环境"),
        ("北京市生态环境局2021年政府信息公开工作年度报告\n正文。\n", "北京市生态环境局", "province", "北京市/北京市/生态环境"),
        ("许昌市生态环境局2020年政府信息公开工作年度报告\n正文。\n", "许昌市生态环境局", "city", "河南省/许昌市/生态环境"),
        ("兴安盟环境保护局2016年政府信息公开工作年度报告\n正文。\n", "兴安盟环境保护局", "city", "内蒙古自治区/兴安盟/生态环境"),
        (
            "延边朝鲜族自治州生态环境局2020年政府信息公开工作年度报告\n正文。\n",
            "延边朝鲜族自治州生态环境局", "city", "吉林省/延边朝鲜族自治州/生态环境",
        ),
        (
            "北京市怀柔区环境保护局2016年政府信息公开工作年度报告\n正文。\n",
            "北京市怀柔区环境保护局", "county", "北京市/北京市/怀柔区/生态环境",
        ),
        (
            "阿荣旗环保局2015年政府信息公开工作年度报告\n正文。\n",
            "阿荣旗环保局", "county", "内蒙古自治区/呼伦贝尔市/阿荣旗/生态环境",
        ),
        (
            "益阳市生态环境局安化分局2021年政府信息公开工作年度报告\n正文。\n",
            "益阳市生态环境局安化分局", "county", "湖南省/益阳市/安化县/生态环境",
        ),
        (
            "内江市隆昌生态环境局2020年政府信息公开工作年度报告\n正文。\n",
            "内江市隆昌生态环境局", "county", "四川省/内江市/隆昌市/生态环境",
        ),
    ],
)
def test_admin_levels_and_keys(text, name, level, key):
    m = meta_of(text)
    assert (m.agency_name, m.admin_level, m.agency_key) == (name, level, key)


def test_county_bureau_renamed_to_branch_keeps_key():
    old = meta_of("安化县环境保护局2017年政府信息公开工作年度报告\n正文。\n")
    new = meta_of("益阳市生态环境局安化分局2020年政府信息公开工作年度报告\n正文。\n")
    assert old.agency_key == new.agency_key == "湖南省/益阳市/安化县/生态环境"


def test_unknown_level_without_agency():
    meta, issues = extract_metadata("我局认真推进政务公开工作,取得成效。\n")
    assert meta.agency_name is None and meta.agency_key is None
    assert meta.admin_level == "unknown" and meta.province is None
    assert issues == []


def test_generic_names_have_level_but_no_region_or_key():
    m = meta_of("x年初以来,省环保局推进公开。x省环保局领导重视,省环保局印发制度。\n")
    assert (m.agency_name, m.admin_level, m.province, m.agency_key) == ("省环保局", "province", None, None)
    m = meta_of("今年以来,区环保局推进公开。\n")
    assert (m.agency_name, m.admin_level, m.agency_key) == ("区环保局", "county", None)


def test_fullest_name_wins_signature_over_body_over_generic():
    text = (
        "2018年,怀柔区环保局政府信息公开工作积极推进。我局完成北京市环保局下达的任务,"
        "并参与了市环保局组织的交流。\n怀柔区环保局继续推进。\n北京市怀柔区环境保护局\n2019年1月8日\n"
    )
    m = meta_of(text)
    assert m.agency_name == "北京市怀柔区环境保护局"
    assert m.published_on == dt.date(2019, 1, 8)
    # without the signature the body form wins, not the superior bureau mentioned once
    m = meta_of(text.split("北京市怀柔区环境保护局\n")[0])
    assert m.agency_name == "怀柔区环保局"
    assert m.agency_key == "北京市/北京市/怀柔区/生态环境"


def test_full_suffix_preferred_and_title_over_body():
    text = "鄂温克旗环保局2017年政务公开工作年度报告\n我局推进公开。鄂温克旗环境保护局印发制度。\n"
    assert meta_of(text).agency_name == "鄂温克旗环境保护局"
    text = "鄂尔多斯市环境保护局2013年政府信息公开工作年报告\n中文域名:鄂尔多斯市生态环境局.政务\n"
    assert meta_of(text).agency_name == "鄂尔多斯市环境保护局"


def test_generic_body_name_upgraded_by_named_document():
    text = "2020年,市生态环境局推进公开。及时制订了《许昌市生态环境局信息公开工作制度》。市生态环境局将继续推进。\n"
    m = meta_of(text)
    assert m.agency_name == "许昌市生态环境局" and m.admin_level == "city"


def test_page_source_is_a_candidate():
    m = meta_of("2019年,市生态环境局推进公开。\n", {"source": "赤峰市生态环境局"})
    assert m.agency_name == "赤峰市生态环境局"
    assert m.agency_key == "内蒙古自治区/赤峰市/生态环境"


def test_unresolvable_place_falls_back_to_written_name():
    meta, issues = extract_metadata("某某新区环保局2016年政府信息公开工作年度报告\n正文。\n")
    # 某某新区 is no gazetteer place: the lone level word is all that can be said
    assert meta.agency_name == "区环保局" and meta.agency_key is None


@pytest.mark.parametrize(
    ("title", "kind"),
    [
        ("某某市生态环境局2020年政府信息公开工作年度报告", "annual_report"),
        ("某某市环保局2013年政府信息公开工作年报告", "annual_report"),
        ("某某市环保局2012年政府信息公开年报", "annual_report"),
        ("关于2016年度政府信息公开情况的报告", "annual_report"),
        ("某某县环保局2023年上半年政务公开工作总结", "half_year_summary"),
        ("某某县环保局2021年第三季度政务公开工作情况", "quarterly_report"),
        ("某某县环保局2019年政务公开工作总结", "work_summary"),
        ("某某县环保局2019年政务公开工作情况", "work_summary"),
        ("某某县环保局2019年信息公开自查报告", "other"),
    ],
)
def test_report_kinds_from_title(title, kind):
    m = meta_of(f"{title}\n我局推进公开。\n")
    assert m.title == title and m.report_kind == kind


def test_report_kind_without_title():
    assert meta_of("2020年,市生态环境局认真贯彻关于政务公开工作的部署。\n").report_kind == "work_summary"
    text = "2018年,区环保局推进公开。现将本年度政府信息公开工作情况汇报如下:\n政府信息公开情况统计表 (2018年度)\n"
    assert meta_of(text).report_kind == "annual_report"
    assert meta_of("现将2022年上半年政务公开工作总结如下:\n").report_kind == "half_year_summary"
    assert meta_of("会议纪要。\n").report_kind == "other"


def test_speed_per_10kb():
    body = ORDOS_2017 * 30
    body = body[: 10_000]
    extract_metadata(body)
    t = time.perf_counter()
    for _ in range(20):
        extract_metadata(body)
    per = (time.perf_counter() - t) / 20
    assert per < 0.01  # budget 2 ms; generous bound for shared CI cores


# ---------------------------------------------------------------------------
# seeds


def _seed(prefix: str, page_meta: dict[str, str] | None = None):
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    raw = path.read_text(encoding="utf-8")
    try:
        from gov_pipeline.text.clean import clean_report
    except ImportError:  # cleaning not landed: the raw seed is close enough
        return extract_metadata(raw, page_meta)
    c = clean_report(raw)
    return extract_metadata(c.text, c.page_meta or page_meta)


def test_seed_000_ordos_2013():
    m, issues = _seed("000", {"published_on": "2014-03-10"})
    assert m.agency_name == "鄂尔多斯市环境保护局"
    assert m.admin_level == "city"
    assert (m.province, m.city, m.county) == ("内蒙古自治区", "鄂尔多斯市", None)
    assert m.agency_key == "内蒙古自治区/鄂尔多斯市/生态环境"
    assert m.report_year == 2013 and m.report_kind == "annual_report"
    assert m.published_on == dt.date(2014, 3, 10)
    assert m.doc_number is None
    assert m.title == "鄂尔多斯市环境保护局2013年政府信息公开工作年报告"
    assert issues == []


def test_seed_001_province_redacted():
    m, issues = _seed("001")
    assert m.agency_name == "省环保局"
    assert m.admin_level == "province"
    assert m.province is None and m.agency_key is None
    assert m.report_year == 2023 and m.report_kind == "half_year_summary"
    assert m.published_on is None
    assert m.title == "2023年省环保局上半年政务公开总结"


def test_seed_002_xuchang_2020():
    m, issues = _seed("002")
    assert m.agency_name == "许昌市生态环境局"
    assert m.admin_level == "city"
    assert (m.province, m.city) == ("河南省", "许昌市")
    assert m.report_year == 2020 and m.report_kind == "work_summary"
    assert m.title is None and m.published_on is None and m.doc_number is None


def test_seed_003_ewenki_cover_letter():
    m, issues = _seed("003")
    assert m.agency_name == "鄂温克旗环境保护局"
    assert m.admin_level == "county"
    assert (m.province, m.city, m.county) == ("内蒙古自治区", "呼伦贝尔市", "鄂温克族自治旗")
    assert m.agency_key == "内蒙古自治区/呼伦贝尔市/鄂温克族自治旗/生态环境"
    assert m.report_year == 2017 and m.report_kind == "annual_report"
    assert m.published_on == dt.date(2017, 12, 27)
    assert m.doc_number == "鄂环字〔2017〕106号"
    assert m.title == "2017年环保局政府信息公开工作年度报告"


def test_seed_004_huairou_2018():
    m, issues = _seed("004")
    assert m.agency_name == "北京市怀柔区环境保护局"
    assert m.admin_level == "county"
    assert (m.province, m.city, m.county) == ("北京市", "北京市", "怀柔区")
    assert m.report_year == 2018 and m.report_kind == "annual_report"
    assert m.published_on is None  # "2019年3月" is month-only
    assert m.title is None and m.doc_number is None
    assert issues == []


@pytest.mark.parametrize("prefix", ["000", "001", "002", "003", "004"])
def test_seed_raw_text_gives_same_core_fields(prefix):
    raw = next(SEEDS.glob(f"{prefix}_*.txt")).read_text(encoding="utf-8")
    m_raw, _ = extract_metadata(raw)
    m_clean, _ = _seed(prefix)
    assert (m_raw.agency_name, m_raw.agency_key, m_raw.report_year, m_raw.report_kind) == (
        m_clean.agency_name, m_clean.agency_key, m_clean.report_year, m_clean.report_kind,
    )


# ---------------------------------------------------------------------------
# agencies other than environmental bureaus (invented sentences, real place names)

from gov_pipeline.text.metadata import RegionEvidence, explain_metadata  # noqa: E402


@pytest.mark.parametrize(
    ("title", "name", "level", "key"),
    [
        ("三明市人民政府2019年政府信息公开工作年度报告", "三明市人民政府", "city", "福建省/三明市/政府"),
        ("永泰县人民政府办公室2020年政府信息公开工作年度报告", "永泰县人民政府办公室", "county",
         "福建省/福州市/永泰县/政府办公室"),
        ("宁德市卫生健康委员会2021年政府信息公开工作年度报告", "宁德市卫生健康委员会", "city",
         "福建省/宁德市/卫生健康委员会"),
        ("浙江省财政厅2018年政府信息公开工作年度报告", "浙江省财政厅", "province", "浙江省/财政厅"),
        ("泉州市公共资源交易中心2022年政府信息公开工作年度报告", "泉州市公共资源交易中心", "city",
         "福建省/泉州市/公共资源交易中心"),
        ("武义县政务服务数据管理局2023年政府信息公开工作年度报告", "武义县政务服务数据管理局", "county",
         "浙江省/金华市/武义县/政务服务数据管理局"),
        ("重庆市发展和改革委员会2020年政府信息公开工作年度报告", "重庆市发展和改革委员会", "province",
         "重庆市/重庆市/发展和改革委员会"),
        # a zone of assets/places.toml: the pilot zone governs with a prefecture's powers
        ("平潭综合实验区管理委员会2016年政府信息公开工作年度报告", "平潭综合实验区管理委员会", "city",
         "福建省/平潭综合实验区/管委会"),
    ],
)
def test_agencies_of_every_kind(title, name, level, key):
    m = meta_of(f"{title}\n一、总体情况\n本年度推进政务公开。\n")
    assert (m.agency_name, m.admin_level, m.agency_key) == (name, level, key)
    assert m.report_kind == "annual_report"


def test_government_in_a_signature_line():
    m = meta_of("一、总体情况\n本年度推进政务公开,成效明显。\n永泰县人民政府\n2021年1月20日\n")
    assert m.agency_name == "永泰县人民政府"
    assert (m.province, m.city, m.county, m.admin_level) == ("福建省", "福州市", "永泰县", "county")
    assert m.published_on == dt.date(2021, 1, 20)


def test_owner_sentence_without_place_takes_the_title_s_place():
    text = (
        "南平市2022年政府信息公开工作年度报告\n"
        "按照上级通知要求,市政府办公室编制完成了本报告。本报告所列数据统计期限自2022年1月1日起至2022年12月31日止。\n"
        "一、总体情况\n南平市生态环境局、南平市财政局等部门主动公开信息。\n"
    )
    m = meta_of(text)
    assert (m.agency_name, m.admin_level, m.province, m.city) == ("南平市政府办公室", "city", "福建省", "南平市")
    assert m.agency_key == "福建省/南平市/政府办公室"


def test_place_only_title_is_the_place_s_government():
    text = (
        "三明市2020年政府信息公开工作年度报告\n"
        "2020年,三明市人民政府深入推进公开。三明市林业局、三明市生态环境局公开了执法信息。"
        "三明市人民政府办公室印发了工作要点,三明市人民政府门户网站改版上线。\n"
    )
    m = meta_of(text)
    assert m.agency_name == "三明市人民政府" and m.admin_level == "city"
    assert m.agency_key == "福建省/三明市/政府"


def test_page_publisher_outranks_the_page_source_and_the_body():
    text = "永泰县2020年政府信息公开工作年度报告\n2020年,永泰县人民政府推进公开。\n"
    m = meta_of(text, {"publisher": "永泰县人民政府办公室", "source": "福州市人民政府"})
    assert m.agency_name == "永泰县人民政府办公室" and m.admin_level == "county"


def test_contact_sentence_names_the_agency():
    text = "一、总体情况\n本年度推进公开。如对本报告有任何疑问,请与宁德市蕉城区人民政府办公室联系。\n"
    m = meta_of(text)
    assert m.agency_name == "宁德市蕉城区人民政府办公室"
    assert (m.province, m.city, m.county, m.admin_level) == ("福建省", "宁德市", "蕉城区", "county")


def test_byline_run_into_one_line():
    text = "三明市2019年政府信息公开工作年度报告 三明市人民政府办公室 2020年1月15日 本报告根据条例编制。"
    assert meta_of(text).agency_name == "三明市人民政府办公室"


def test_phrases_are_no_agencies():
    # a place followed by a phrase that happens to end in 局/委/办 is not a name
    text = "一、总体情况\n宁德市各工作部门积极推进政务公开,形成良好格局。\n"
    m = meta_of(text)
    assert m.agency_name is None and m.admin_level == "unknown"
    # …and a government named as the owner of a web site is a modifier, not the agency
    text = "三明市2020年政府信息公开工作年度报告\n信息发布在三明市人民政府门户网站。\n"
    assert meta_of(text).agency_name is None


def test_national_agency_has_no_province():
    text = (
        "生态环境部2019年政府信息公开工作年度报告 2019年,生态环境部推进政务公开。"
        "赴江苏省、浙江省调研,江苏省、江苏省、江苏省均有报道。\n"
    )
    m = meta_of(text)
    assert (m.agency_name, m.admin_level, m.province, m.agency_key) == ("生态环境部", "unknown", None, "生态环境部")


def test_ministry_named_in_passing_is_not_the_agency():
    text = "龙岩市生态环境局2020年政府信息公开工作年度报告\n按照生态环境部和福建省生态环境厅的要求,我局推进公开。\n"
    m = meta_of(text)
    assert m.agency_name == "龙岩市生态环境局" and (m.province, m.city) == ("福建省", "龙岩市")


# ---------------------------------------------------------------------------
# region from the text's place names, with evidence


def test_county_named_only_in_the_body_gives_province_and_city():
    text = (
        "县生态环境局2021年政府信息公开工作年度报告\n"
        "2021年,县生态环境局在武义县委、县政府领导下推进公开。武义县空气质量持续改善,武义县水质达标。\n"
    )
    meta, _issues, evidence = explain_metadata(text)
    assert meta.agency_name == "县生态环境局" and meta.admin_level == "county"
    assert (meta.province, meta.city, meta.county) == ("浙江省", "金华市", "武义县")
    assert meta.agency_key == "浙江省/金华市/武义县/生态环境"
    assert {e.place for e in evidence} == {"武义县"}
    for e in evidence:
        assert e.where == "body" and text[e.start:e.end] == "武义县" and e.region == "浙江省/金华市/武义县"


def test_named_agency_s_own_place_is_not_overridden_by_another_province():
    text = (
        "南平市林业局2020年政府信息公开工作年度报告\n"
        "组织干部赴浙江省学习,与浙江省、浙江省、浙江省同行交流经验,浙江省经验值得借鉴。\n"
    )
    meta, _issues, evidence = explain_metadata(text)
    assert (meta.agency_name, meta.province, meta.city) == ("南平市林业局", "福建省", "南平市")
    assert [(e.place, e.where, e.region) for e in evidence] == [("南平市", "agency", "福建省/南平市")]


def test_passing_mention_of_another_province_does_not_decide_a_name_without_place():
    text = (
        "2020年,省生态环境厅推进公开,落实福建省政务公开要点。福建省生态环境质量持续改善,"
        "全面完成福建省下达任务。组织赴江西省交流。\n"
    )
    m = meta_of(text)
    assert (m.agency_name, m.admin_level, m.province) == ("省生态环境厅", "province", "福建省")
    # one passing mention alone decides nothing
    m = meta_of("2020年,省生态环境厅推进公开。组织赴江西省交流。\n")
    assert m.province is None and m.agency_key is None


def test_name_without_place_is_kept_against_a_cited_older_name():
    text = (
        "2018年,省生态环境厅推进政务公开。印发《福建省环境保护厅政务公开办法》《福建省环境保护厅信息发布规定》"
        "和《福建省环境保护厅依申请公开规程》《福建省环境保护厅保密审查制度》《福建省环境保护厅考核办法》。\n"
    )
    meta, _issues, evidence = explain_metadata(text)
    assert meta.agency_name == "省生态环境厅" and meta.province == "福建省"
    assert evidence and all(e.where == "cited" for e in evidence)


def test_shared_county_name_resolved_by_the_other_places():
    text = "鼓楼区人民政府2020年政府信息公开工作年度报告\n福州市鼓楼区推进公开,福州市各部门配合。\n"
    m = meta_of(text)
    assert (m.province, m.city, m.county, m.admin_level) == ("福建省", "福州市", "鼓楼区", "county")


def test_no_agency_still_gets_a_province_from_clear_place_names():
    text = "一、总体情况\n我局在湖北日报、武汉晚报、武汉电视台发布信息,武汉生态环境公众号推送信息。\n"
    m = meta_of(text)
    assert m.agency_name is None and m.admin_level == "unknown"
    assert (m.province, m.city) == ("湖北省", "武汉市")


# ---------------------------------------------------------------------------
# titles, years and kinds on real-looking pages


def test_title_with_field_label_or_table_pipes():
    assert meta_of("标题: 三明市人民政府2019年政府信息公开工作年度报告\n正文。\n").title == (
        "三明市人民政府2019年政府信息公开工作年度报告")
    text = "|\n" + "|" * 150 + "\n某市生态环境局2021年政府信息公开工作年度报告 | |||||\n正文。\n"
    m = meta_of(text)
    assert m.title == "某市生态环境局2021年政府信息公开工作年度报告" and m.report_kind == "annual_report"


def test_title_year_without_nian():
    text = "生态环境局2021政务公开工作落实情况总结报告\nxxxx年,我局推进公开。\n"
    assert meta_of(text).report_year == 2021


@pytest.mark.parametrize(
    "head",
    [
        "依据《中华人民共和国政府信息公开条例》第五十条规定,编制本报告。",
        "本报告所列数据的统计期限自2020年1月1日起至2020年12月31日止。",
        "特向社会公布2020年度本局政府信息公开工作年度报告。现将具体情况报告如下:",
    ],
)
def test_annual_report_without_title(head):
    text = f"{head}\n一、总体情况\n2020年,我局推进政务公开工作。\n"
    assert meta_of(text).report_kind == "annual_report"


def test_title_outranks_the_office_s_signature():
    text = "三明市人民政府2019年政府信息公开工作年度报告\n一、总体情况\n推进公开。\n三明市人民政府办公室\n2020年1月10日\n"
    m = meta_of(text)
    assert m.agency_name == "三明市人民政府" and m.published_on == dt.date(2020, 1, 10)


def test_suffixes_are_data_an_expert_extends(tmp_path):
    # a new kind of agency (…站) needs one word in assets/agencies.toml, no code
    import os
    import shutil
    import subprocess
    import sys

    assets = tmp_path / "assets"
    shutil.copytree(ROOT / "assets", assets)
    toml = assets / "agencies.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace('"中心", "署",', '"中心", "署", "站",', 1),
                    encoding="utf-8")
    code = (
        "from gov_pipeline.text.metadata import extract_metadata\n"
        "m, _ = extract_metadata('宁德市气象站2020年政府信息公开工作年度报告\\n正文。\\n')\n"
        "print(m.agency_name, m.admin_level, m.agency_key)\n"
    )
    env = dict(os.environ, GOV_ASSETS_DIR=str(assets))
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120, check=True)
    assert out.stdout.split() == ["宁德市气象站", "city", "福建省/宁德市/气象站"]
    assert meta_of("宁德市气象站2020年政府信息公开工作年度报告\n正文。\n").agency_name is None


def test_region_evidence_says_which_name_and_where():
    text = "一、总体情况\n2020年,三明市林业局推进公开,三明市林业局主动公开信息120条。\n"
    meta, _issues, evidence = explain_metadata(text)
    assert meta.agency_name == "三明市林业局"
    (e,) = evidence
    assert (e.place, e.where, e.region) == ("三明市", "agency", "福建省/三明市")
    assert text[e.start:e.end] == "三明市林业局"
    # a name without its place that took the title's says so
    text = "南平市2022年政府信息公开工作年度报告\n按照要求,市政府办公室编制完成了本报告。\n"
    _meta, _issues, evidence = explain_metadata(text)
    assert [(e.place, e.where, e.start) for e in evidence] == [("南平市", "title", -1)]
    assert isinstance(evidence[0], RegionEvidence)


# ---------------------------------------------------------------------------
# pages without a title line, titles over several lines, zones the gazetteer does not know


def test_agency_named_once_as_the_subject_of_the_opening_sentence():
    text = ("一、总体情况\n2023年,宁海县市场监督管理局认真落实政务公开要求,主动公开各类信息。"
            "市场监管领域信息按时发布。\n")
    m = meta_of(text)
    assert (m.agency_name, m.province, m.admin_level) == ("宁海县市场监督管理局", "浙江省", "county")


def test_an_agency_named_once_in_passing_is_not_the_author():
    m = meta_of("一、总体情况\n我们学习借鉴了宁海县市场监督管理局的做法,主动公开各类信息。\n")
    assert m.agency_name is None


def test_a_title_over_several_lines_names_the_agency_on_a_line_of_its_own():
    text = "湖州市吴兴区2016政府信息公开工作年度报告\n湖州市吴兴区人民政府\n2016年政府信息公开工作年度报告\n按照要求公布如下。\n"
    assert meta_of(text).agency_name == "湖州市吴兴区人民政府"


def test_the_writer_named_in_a_by_clause_and_a_zone_below_its_city():
    text = "本年报是依据条例要求,由台州湾新区管委会编制的2019年度政府信息公开年度报告。\n一、概述\n"
    m = meta_of(text)
    assert m.agency_name == "台州湾新区管委会" and m.admin_level == "county" and m.province == "浙江省"


def test_a_district_the_gazetteer_does_not_know_is_below_its_municipality():
    m = meta_of("天津市东疆综合保税区生态环境局2021年政府信息公开工作年度报告\n一、总体情况\n")
    assert (m.province, m.admin_level) == ("天津市", "county")
    assert m.agency_key == "天津市/天津市/东疆综合保税区/生态环境"  # not the municipality's own bureau's key
