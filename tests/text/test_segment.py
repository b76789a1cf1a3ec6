from __future__ import annotations

import pytest

from gov_pipeline.text.segment import get_segmenter, token_agreement, token_spans, userdict_entries

DOMAIN = ["政府信息公开", "依申请公开", "主动公开", "行政复议", "行政诉讼", "信息处理费", "政务公开",
          "生态环境局", "环境保护局", "12369", "环评", "排污许可", "双随机一公开"]


def test_cached_per_process():
    assert get_segmenter() is get_segmenter("jieba")
    assert get_segmenter("rjieba") is get_segmenter("rjieba")
    with pytest.raises(ValueError):
        get_segmenter("thulac")


def test_userdict_has_the_domain_terms():
    words = {w for w, _, _ in userdict_entries()}
    assert set(DOMAIN) <= words
    assert all(f is not None and f > 0 for _, f, _ in userdict_entries())


@pytest.mark.parametrize("kind", ["jieba", "rjieba"])
def test_user_words_are_single_tokens(kind):
    seg = get_segmenter(kind)
    text = "本局依申请公开事项办结,主动公开信息120条,未发生行政复议、行政诉讼,未收取信息处理费;拨打12369热线;推行双随机一公开。"
    toks = seg.lcut(text)
    assert "".join(toks) == text
    for w in ["依申请公开", "主动公开", "行政复议", "行政诉讼", "信息处理费", "12369", "双随机一公开"]:
        assert w in toks
    assert seg.lcut("鄂尔多斯市生态环境局") == ["鄂尔多斯市", "生态环境局"]


def test_token_agreement():
    assert token_spans(["ab", "c"]) == [(0, 2), (2, 3)]
    assert token_agreement(["政府", "信息"], ["政府", "信息"]) == 1.0
    assert token_agreement(["政府信息", "公开"], ["政府", "信息", "公开"]) == 0.5
    assert token_agreement(["政府", "信息", "公开"], ["政府信息", "公开"]) == pytest.approx(1 / 3)
    assert token_agreement([], ["x"]) == 1.0
    assert token_agreement(["a", " ", "b"], ["a", " b"]) == 0.5  # blanks ignored in a


def test_rjieba_agrees_with_jieba_on_a_report_paragraph():
    text = ("2020年,市生态环境局认真贯彻市委、市政府关于政务公开工作的部署及要求,坚持加强组织领导,拓展公开内容,"
            "创新公开形式,完善公开制度,强化公开监督,进一步推进政务公开标准化规范化工作取得新成效。")
    a = get_segmenter("jieba").lcut(text)
    b = get_segmenter("rjieba").lcut(text)
    assert token_agreement(a, b) >= 0.95
