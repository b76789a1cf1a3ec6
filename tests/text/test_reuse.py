"""Section reuse signatures (gov_pipeline/text/reuse.py), on sentences written here."""
from gov_pipeline.text import reuse

A = "一是 解读 形式 单一 , 二是 信息员 变动 频繁 , 下一步 将 丰富 解读 形式 并 加强 培训 和 交接 登记".split()
B = "栏目 更新 不够 及时 , 留言 回复 偏慢 , 今后 每 季度 评查 一次 答复 文书 并 通报 评查 结果".split()


def test_a_copied_section_is_found_whole_and_another_not_at_all():
    a, b = reuse.shingles(A), reuse.shingles(B)
    sa, sb = reuse.signature(a), reuse.signature(b)
    assert reuse.share_found(sa, len(a), sa, len(a)) == 1.0
    assert reuse.share_found(sa, len(a), sb, len(b)) < 0.1


def test_the_signature_of_two_sections_is_their_element_wise_minimum():
    a, b = reuse.shingles(A), reuse.shingles(B)
    both = reuse.signature(a | b)
    assert both == [min(x, y) for x, y in zip(reuse.signature(a), reuse.signature(b))]
    # half of a section, found in the whole of it (estimated: 64 hash functions)
    half = reuse.shingles(A[: len(A) // 2])
    assert 0.7 <= reuse.share_found(reuse.signature(half), len(half), reuse.signature(a), len(a)) <= 1.0


def test_signatures_are_stable_and_punctuation_is_no_word():
    assert reuse.encode(reuse.signature(reuse.shingles(A))).count(" ") == reuse.K - 1
    assert reuse.shingles(["，", " ", "。"]) == set() and reuse.signature(set()) is None
    assert reuse.signature(reuse.shingles(A))[:3] == reuse.signature(reuse.shingles(list(A)))[:3]
