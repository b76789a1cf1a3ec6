from __future__ import annotations

import re
from pathlib import Path

import pytest

from gov_pipeline.text.clean import RULE_NAMES, clean_report, run_rules, traditional_share
from gov_pipeline.text.decode import decode_report

SEED_DIR = Path(__file__).resolve().parents[2] / "seeds"
SEEDS = sorted(SEED_DIR.glob("*.txt"))


def seed(prefix: str) -> str:
    (path,) = [p for p in SEEDS if p.name.startswith(prefix)]
    return decode_report(path.read_bytes()).text


def check_offsets(raw: str, c) -> None:
    """The offset map is exact: same length, monotonic, and every CJK char / digit
    / ASCII letter of the clean text sits at its raw index (unless converted)."""
    assert len(c.offsets) == len(c.text)
    assert all(a <= b for a, b in zip(c.offsets, c.offsets[1:]))
    assert all(0 <= o < len(raw) for o in c.offsets)
    for i, ch in enumerate(c.text):
        if re.match(r"[\u4e00-\u9fff0-9A-Za-z]", ch) and not c.converted_from_traditional:
            raw_ch = raw[c.offsets[i]]
            # full-width digits/letters map to their ASCII form
            assert raw_ch == ch or (ord(raw_ch) - 0xFEE0) == ord(ch), (i, ch, raw_ch)


# --------------------------------------------------------------------------- unicode
def test_newlines():
    c = run_rules("第一行\r\n第二行\r第三行\n", ["newlines"])
    assert c.text == "第一行\n第二行\n第三行\n"
    assert c.rule_counts["newlines"] == 2
    check_offsets("第一行\r\n第二行\r第三行\n", c)


def test_fullwidth_ascii_and_kept_chinese_punctuation():
    raw = "２０２１年（试行）：ＡＢＣ｜５０％＋－，。；、！？"
    c = run_rules(raw, ["fullwidth_ascii"])
    assert c.text == "2021年(试行):ABC|50%+-，。；、！？"
    assert c.rule_counts["fullwidth_ascii"] == 16
    assert c.offsets == list(range(len(raw)))


def test_odd_spaces_and_invisible():
    raw = "政务\u3000公开\u00a0信息\u200b工作\ufeff报告\t完"
    c = run_rules(raw, ["invisible_chars", "odd_spaces"])
    assert c.text == "政务 公开 信息工作报告 完"
    assert c.rule_counts == {"invisible_chars": 2, "odd_spaces": 3}
    check_offsets(raw, c)


def test_collapse_spaces_strip_lines_blank_lines():
    raw = "\n\n  标题   一  \n\n\n\n正文  内容 \n\n\n"
    c = run_rules(raw, ["strip_lines", "collapse_spaces", "collapse_blank_lines"])
    assert c.text == "标题 一\n\n正文 内容"
    check_offsets(raw, c)


def test_doc_number_brackets():
    raw = "根据鄂环字﹝2017﹞106号、国办发[2020]17号和X环发【2019】3号及鄂府办发电(2013)83号，另见表[1]。"
    c = run_rules(raw, ["doc_number_brackets"])
    assert "鄂环字〔2017〕106号" in c.text
    assert "国办发〔2020〕17号" in c.text
    assert "X环发〔2019〕3号" in c.text
    assert "鄂府办发电〔2013〕83号" in c.text
    assert "表[1]" in c.text
    assert c.rule_counts["doc_number_brackets"] == 4


def test_doc_number_after_fullwidth():
    c = clean_report("依据国办发［２０２０］１７号文件")
    assert c.text == "依据国办发〔2020〕17号文件"


# --------------------------------------------------------------------------- markup, spam
def test_html_tags_and_entities():
    raw = "政府信息<noframes>公开</noframes>工作&nbsp;报告<div class='x'>正文</div>关于印发<某某办法>的通知"
    c = run_rules(raw, ["html_entities", "html_tags"])
    assert c.text == "政府信息公开工作 报告正文关于印发<某某办法>的通知"
    check_offsets(raw, c)


def test_spam_inline_token_removed():
    raw = "某市生态环境局政府信息0365cc彩票公开工作年度报告"
    c = run_rules(raw, ["spam_lines", "spam_tokens"])
    assert c.text == "某市生态环境局政府信息公开工作年度报告"
    assert c.rule_counts == {"spam_tokens": 1}
    check_offsets(raw, c)


def test_spam_junk_line_dropped():
    raw = "澳门葡京娱乐城-时时彩-百家乐官网\n本年度主动公开政府信息100条。\n"
    c = run_rules(raw, ["spam_lines", "spam_tokens"])
    assert c.text == "本年度主动公开政府信息100条。\n"
    assert c.rule_counts == {"spam_lines": 1}


def test_spam_leaves_normal_text():
    raw = "加强棋牌室噪声管理，开展娱乐场所环境检查。"
    assert run_rules(raw, ["spam_lines", "spam_tokens"]).text == raw


# --------------------------------------------------------------------------- images
def test_image_placeholder_rejoins_sentence():
    raw = "建立健全政务[image: image3.jpg]\n\n\n公开责任制度。"
    c = run_rules(raw, ["image_placeholders"])
    assert c.text == "建立健全政务公开责任制度。"
    check_offsets(raw, c)


def test_image_placeholder_after_sentence_keeps_break():
    raw = "第一段结束。<img src=\"a.png\" />\n\n第二段开始[图片]。\n图片\n第三段。"
    c = run_rules(raw, ["image_placeholders"])
    assert c.text == "第一段结束。\n\n第二段开始。\n\n第三段。"
    assert c.rule_counts["image_placeholders"] == 3


# --------------------------------------------------------------------------- chrome
def test_chrome_lines_and_bars():
    raw = (
        "中文域名:某市生态环境局.政务\n英文域名:sthjj.example.gov.cn\n"
        "无障碍浏览 长者模式 手机端 登录/注册 微博 微信\n"
        "当前位置:首页 > 政府信息公开 > 年报\n"
        "扫一扫在手机打开当前页\n"
        "字体:[ 大 中 小 ]\n"
        "正文第一段。\n"
    )
    c = clean_report(raw)
    assert c.text == "正文第一段。"
    assert c.rule_counts["chrome_lines"] == 5
    assert c.rule_counts["chrome_bars"] == 1


def test_page_meta_captured_then_removed():
    raw = "某局2020年政府信息公开工作年度报告\n发布时间:2021年1月5日 来源:某市生态环境局 【字体:大 中 小】 打印\n正文。\n"
    c = clean_report(raw)
    assert c.page_meta == {
        "published_on": "2021-01-05",
        "source": "某市生态环境局",
        "page_title": "某局2020年政府信息公开工作年度报告",
    }
    assert c.text == "某局2020年政府信息公开工作年度报告\n正文。"
    assert c.rule_counts["page_meta_lines"] == 1


def test_page_meta_hits_line():
    c = clean_report("标题\n发布日期:2019-12-30 浏览次数:123\n正文内容很长。")
    assert c.page_meta["published_on"] == "2019-12-30"
    assert "浏览" not in c.text and "123" not in c.text


def test_body_line_with_source_word_is_kept():
    raw = "资金来源:市财政专项资金支持，全年共计安排五十万元。"
    assert clean_report(raw).text == raw.replace("：", ":")


def test_metadata_block_pipe_and_one_field_per_line():
    raw = (
        "索引号 | 11150600/2021-00012 | 分类 | 年报 |\n发布机构 | 某市生态环境局 | 发文日期 | 2021-01-20 |\n"
        "文号 | 某环发〔2021〕3号 | 有效性 | 有效 |\n"
        "• 索 引 号: 000014349/2020-00001\n• 主题分类: 环境保护\n"
        "公开方式\n主动公开\n"
        "正文。"
    )
    c = run_rules(raw, ["metadata_block"])
    assert c.text == "正文。"
    assert c.page_meta["doc_number"] == "某环发〔2021〕3号"


# --------------------------------------------------------------------------- doc sharing
DOCSHARE = (
    "某局工作总结.docx\n\n"
    "上传人:张**3 文档编号:12345 上传时间:2023-01-02 格式:DOCX 页数:3 大小:10KB\n"
    "返回 下载 相关 举报\n"
    "某局工作总结.docx_第1页\n第1页 / 共3页\n"
    "亲,该文档总共3页,全部预览完了,如果喜欢就下载吧!\n资源描述\n\n"
    "《某局工作总结.docx》由会员分享,可在线阅读,更多相关《某局工作总结.docx(3页珍藏版)》请在某某文库上搜索。\n\n"
    "正文一段。\n\n"
    "展开阅读全文\n相关资源\n正为您匹配相似的精品文档\n相关搜索\n最新文档\n"
    "当前位置:首页 > 商业/管理/HR > 人事档案\n"
    "电脑版 |某某文库版权所有\n经营许可证:蜀ICP备12345678号 | 川公网安备 51140202000112号\n"
)


def test_docshare_wrappers_removed():
    c = clean_report(DOCSHARE)
    assert c.text == "正文一段。"
    assert c.page_meta["page_title"] == "某局工作总结"
    for rule in ("docshare_lines", "docshare_upload_info", "footer_lines", "chrome_bars"):
        assert c.rule_counts.get(rule, 0) >= 1, rule
    check_offsets(DOCSHARE, c)


def test_docshare_inline_phrases():
    c = run_rules("正文内容当前文档最多预览五页,下载文档查看全文。", ["docshare_inline"])
    assert c.text == "正文内容。"


def test_icp_inside_body_line():
    raw = "本网站备案号陕ICP备05004723号-1，欢迎监督。"
    c = run_rules(raw, ["footer_lines", "footer_icp_inline"])
    assert c.text == "本网站备案号，欢迎监督。"


def test_environmental_licence_rows_are_not_footers():
    raw = "危险废物经营许可证 | 件 | 3 |\n办理危险废物经营许可证2件\n"
    assert run_rules(raw, ["footer_lines", "footer_icp_inline", "metadata_block"]).text == raw


def test_footer_line_kept_when_sentence():
    raw = "本局技术支持:由信息中心负责网站运行维护。"
    assert run_rules(raw, ["footer_lines"]).text == raw


# --------------------------------------------------------------------------- page chunks
def _chunk_text() -> str:
    a = "甲" * 180
    b = "乙" * 180
    return (
        f"1、报告开头{a}通过讲解破除了部分干部\n\n"
        f"2、对信息公开工作的模糊认识{b}先后以省政府新闻\n\n"
        f"3、办的名义召开发布会{a}。\n\n"
        f"4、二、下一步工作{b}全面推向深入。 1"
    )


def test_page_chunk_markers_join_cut_sentences():
    raw = _chunk_text()
    c = run_rules(raw, ["page_chunk_markers"])
    assert "部分干部对信息公开工作的模糊认识" in c.text
    assert "省政府新闻办的名义" in c.text
    assert "发布会" + "甲" * 180 + "。\n二、下一步工作" in c.text  # sentence end keeps a break
    assert c.text.startswith("报告开头")
    assert c.text.endswith("全面推向深入。")
    assert not re.search(r"(^|\n)\d、", c.text)
    check_offsets(raw, c)


def test_genuine_list_inside_paragraph_kept():
    raw = "考核内容包括:1、各科室落实情况;2、各科室公开情况;3、实施效果。"
    assert run_rules(raw, ["page_chunk_markers"]).text == raw


def test_genuine_list_at_line_starts_kept():
    raw = "主要措施如下：\n1、加强组织领导，明确分工。\n2、完善工作制度，规范流程。\n3、强化监督考核。"
    assert run_rules(raw, ["page_chunk_markers"]).text == raw


def test_long_list_items_ending_sentences_kept():
    a = "丙" * 200
    raw = f"1、第一项{a}。\n\n2、第二项{a}。\n\n3、第三项{a}。"
    assert run_rules(raw, ["page_chunk_markers"]).text == raw


# --------------------------------------------------------------------------- ?-titles
def test_question_marks_restored_as_book_title_marks():
    raw = "贯彻落实?中华人民共和国政府信息公开条例?这条主线,学习?条例?内容。"
    c = run_rules(raw, ["question_mark_titles"])
    assert c.text == "贯彻落实《中华人民共和国政府信息公开条例》这条主线,学习《条例》内容。"
    assert c.rule_counts["question_mark_titles"] == 2
    assert c.offsets == list(range(len(raw)))


def test_single_title_pair_needs_title_suffix():
    assert run_rules("印发?环境信息公开办法?的通知", ["question_mark_titles"]).text == "印发《环境信息公开办法》的通知"
    raw = "群众问:公开了吗?好的?谢谢。"
    assert run_rules(raw, ["question_mark_titles"]).text == raw


def test_genuine_question_marks_kept():
    raw = "什么是政府信息?如何申请公开?请咨询。"
    assert run_rules(raw, ["question_mark_titles"]).text == raw


# --------------------------------------------------------------------------- traditional
TRAD = "某縣環境保護局政府資訊公開工作年度報告。本機關全年主動公開政府信息一百條，規範性檔案三件，無依申請公開事項。"


def test_traditional_converted():
    assert traditional_share(TRAD) > 0.2
    c = clean_report(TRAD)
    assert c.converted_from_traditional is True
    assert c.text == "某县环境保护局政府资讯公开工作年度报告。本机关全年主动公开政府信息一百条，规范性档案三件，无依申请公开事项。"
    assert c.rule_counts["traditional_to_simplified"] >= 15
    assert len(c.offsets) == len(c.text)


def test_simplified_not_converted():
    raw = "某县环境保护局政府信息公开工作年度报告。本机关全年主动公开政府信息一百条。"
    c = clean_report(raw)
    assert c.converted_from_traditional is False
    assert traditional_share(raw) == 0.0


def test_pinyin_debris_stripped():
    raw = "政府信息公開工作(zuò)報告，落實各項業務(wù)，文(wen)章(zhang)整理。"
    c = clean_report(raw)
    assert c.text == "政府信息公开工作报告，落实各项业务，文章整理。"
    assert c.rule_counts["pinyin_debris"] == 4


def test_units_in_parentheses_are_not_pinyin():
    raw = "排放量(kg)和二氧化硫(SO2)与面积(km)。"
    assert run_rules(raw, ["pinyin_debris"]).text == raw
    raw = "空气质量指数(AQI)和细颗粒物(PM2.5)浓度,联系人(Li Ming)。"
    assert clean_report(raw).text == raw


def test_pinyin_glosses_on_a_traditional_mirror_with_exact_offsets():
    # a mirror's Traditional page with a gloss after some characters, one of them two syllables long
    raw = "某縣生態(tài)環(huán)境局根據(jù)條例，現(xiàn)將政府(zhèng fǔ)資訊公開工作報告如下。"
    c = clean_report(raw)
    assert c.text == "某县生态环境局根据条例，现将政府资讯公开工作报告如下。"
    assert c.converted_from_traditional and c.rule_counts["pinyin_debris"] == 5
    check_offsets(raw, c)
    # every clean character maps to the raw character it was converted from (the glosses are gone)
    cc = __import__("opencc").OpenCC("t2s")
    assert all(cc.convert(raw[o]) == ch for o, ch in zip(c.offsets, c.text))
    assert [raw[o] for o in c.offsets[2:7]] == list("生態環境局")


def test_glosses_go_before_the_conversion():
    names = list(RULE_NAMES)
    assert names.index("pinyin_debris") < names.index("traditional_to_simplified")
    # a gloss with a combining tone mark (decomposed Unicode) is a gloss too
    assert run_rules("業務(wu\u0300)公開", ["pinyin_debris"]).text == "業務公開"


def test_publisher_field_and_title_label_are_captured():
    raw = (
        "标题: 某县人民政府2020年政府信息公开工作年度报告\n发布时间: 2021-01-20 10:00\n"
        "发布机构: 某县人民政府办公室\n栏目: 年度报告\n正文第一句。\n"
    )
    c = clean_report(raw)
    assert c.page_meta["page_title"] == "某县人民政府2020年政府信息公开工作年度报告"
    assert c.page_meta["publisher"] == "某县人民政府办公室"
    assert "发布机构" not in c.text
    check_offsets(raw, c)


# --------------------------------------------------------------------------- pipeline
def test_rule_names_unique_and_run_rules_rejects_unknown():
    assert len(set(RULE_NAMES)) == len(RULE_NAMES)
    with pytest.raises(KeyError):
        run_rules("文本", ["no_such_rule"])


def test_empty_input():
    c = clean_report("")
    assert c.text == "" and c.offsets == []


# --------------------------------------------------------------------------- seeds
@pytest.mark.parametrize("path", SEEDS, ids=lambda p: p.name[:3])
def test_seed_offsets_exact(path):
    raw = decode_report(path.read_bytes()).text
    c = clean_report(raw)
    check_offsets(raw, c)
    # every CJK/digit run of the clean text is found verbatim at its raw span
    for m in re.finditer(r"[\u4e00-\u9fff0-9]+", c.text):
        s, e = c.raw_span(m.start(), m.end())
        if e - s == m.end() - m.start():
            assert raw[s:e] == m.group(0)
    assert c.clean_index(c.offsets[len(c.text) // 2]) == len(c.text) // 2


def test_seed_000_chrome_and_meta():
    c = clean_report(seed("000"))
    for junk in ("无障碍浏览", "字号:默认超大", "中文域名", "英文域名", "登录/注册", "分享到", "发布日期", "来源:"):
        assert junk not in c.text, junk
    assert c.page_meta["published_on"] == "2014-03-10"
    assert c.page_meta["source"] == "鄂尔多斯市环境保护局"
    assert c.page_meta["page_title"].startswith("鄂尔多斯市环境保护局2013年")
    assert c.text.startswith("鄂尔多斯市环境保护局2013年政府信息公开工作年报告\n")
    # the genuine inline list survives
    assert "考核内容包括:1、各科室" in c.text
    assert ";2、各科室" in c.text


def test_seed_001_docshare_and_chunks():
    c = clean_report(seed("001"))
    for junk in ("上传人", "第1页 / 共5页", "金锄头文库", "展开阅读全文", "蜀ICP备", ".docx", "资源描述",
                 "相关搜索", "公网安备", "返回 下载", "当前位置"):
        assert junk not in c.text, junk
    assert "个别领导和机关干部对政府信息公开工作的模糊生疏" in c.text
    assert "以省政府新闻办的名义召开新闻会" in c.text
    assert "《中华人民共和国政府信息公开条例》" in c.text
    assert "一是制定了《政府环境信息管理方法》。" in c.text
    assert "?" not in c.text
    assert not re.search(r"(^|\n)\d、", c.text)
    assert c.text.endswith("全面推向深化。")


def test_seed_002_and_004_left_intact():
    for prefix in ("002", "004"):
        raw = seed(prefix)
        c = clean_report(raw)
        assert c.text == raw.strip()
        assert c.rule_counts == {} or set(c.rule_counts) <= {"collapse_blank_lines", "strip_lines"}


def test_seed_003_image_and_doc_numbers():
    c = clean_report(seed("003"))
    assert "[image:" not in c.text
    assert "建立健全政务公开责任、审议" in c.text
    assert "鄂环字〔2017〕106号 签发人:赵日格图" in c.text
    assert "﹝" not in c.text and "\u3000" not in c.text and "：" not in c.text
    assert "（" not in c.text
    assert "，" in c.text  # Chinese comma kept
    assert "\n\n\n" not in c.text


def test_page_chunk_run_keeps_a_table_value_at_its_end():
    # the last doc-share chunk runs to the next blank line: a space-separated table row's value
    # there ("人次 30") is not a trailing page number
    a, b = "甲" * 200, "乙" * 200
    raw = (f"1、报告开头{a}通过讲解破除了部分干部\n\n2、对信息公开工作的模糊认识{b}。\n"
           "(二)举办各类培训班数 次 1\n(三)接受培训人员数 人次 30\n\n某某市环境保护局\n")
    c = run_rules(raw, ["page_chunk_markers"])
    assert "(三)接受培训人员数 人次 30\n" in c.text
    assert "部分干部对信息公开工作" in c.text
    check_offsets(raw, c)
