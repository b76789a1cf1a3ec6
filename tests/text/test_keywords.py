from __future__ import annotations

from gov_pipeline.text.keywords import is_candidate, stopwords, top_keywords, top_keywords_from_tokens
from gov_pipeline.text.segment import get_segmenter
from gov_pipeline.text.topics import section_tokens
from gov_pipeline.text.sections import parse_sections
from tests.text._seed_text import seed_text

TEXT = ("我局进一步加强政府信息公开工作,主动公开环评审批信息120条,公开排污许可信息30条。"
        "开展双随机一公开执法检查,环评审批和排污许可信息全部公开。12369环保热线受理投诉66件。PM2.5监测数据每日发布。")


def test_boilerplate_and_function_words_are_stop_words():
    sw = stopwords()
    for w in ["工作", "进一步", "加强", "情况", "政府", "信息", "公开", "我们", "以及", "政府信息公开"]:
        assert w in sw


def test_candidate_filter():
    assert is_candidate("环评")
    assert not is_candidate("审")  # single character
    assert not is_candidate("2019")  # number
    assert not is_candidate("12369")
    assert not is_candidate("PM2.5")  # digits/Latin only
    assert not is_candidate("ICP")
    assert not is_candidate("工作")  # stop word


def test_keywords_content_and_order():
    kw = top_keywords(TEXT, k=10)
    terms = [t for t, _ in kw]
    assert terms[:2] == ["排污许可", "环评"] or terms[:2] == ["环评", "排污许可"]
    assert "双随机一公开" in terms
    assert not {"工作", "进一步", "加强", "公开", "政府信息公开", "12369", "PM2.5"} & set(terms)
    weights = [w for _, w in kw]
    assert weights == sorted(weights, reverse=True) and all(w > 0 for w in weights)
    # ties are ordered by term
    for (t1, w1), (t2, w2) in zip(kw, kw[1:]):
        if w1 == w2:
            assert t1 < t2


def test_keywords_deterministic_and_k():
    a = top_keywords(TEXT, k=5)
    b = top_keywords(TEXT, k=5)
    assert a == b and len(a) == 5
    assert top_keywords(TEXT, k=0) == []
    assert top_keywords("", k=5) == [] and top_keywords("的 了 2019 工作", k=5) == []


def test_tie_break_is_alphabetical():
    kw = top_keywords_from_tokens(["乙乙乙", "甲甲甲", "丙丙丙"], k=3)
    assert [t for t, _ in kw] == sorted(["乙乙乙", "甲甲甲", "丙丙丙"])
    assert len({w for _, w in kw}) == 1


def test_from_tokens_matches_text():
    seg = get_segmenter()
    assert top_keywords_from_tokens(seg.lcut(TEXT), 8) == top_keywords(TEXT, 8, seg)


def test_seed_keywords_from_section_tokens_match_whole_text():
    text = seed_text("004")
    secs = parse_sections(text)
    toks = [t for h, b in section_tokens(secs) for t in h + b]
    whole = [t for t, _ in top_keywords(text, 10)]
    from_sections = [t for t, _ in top_keywords_from_tokens(toks, 10)]
    assert len(set(whole) & set(from_sections)) >= 8
    assert "怀柔区" in whole


def test_seed_keywords_are_informative():
    kw = [t for t, _ in top_keywords(seed_text("000"), 10)]
    assert "行政权力" in kw and "流程图" in kw
    assert not set(kw) & stopwords()
