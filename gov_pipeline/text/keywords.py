"""Report keywords: jieba's TF-IDF over tokens of our own segmenter.

The IDF table and its median come from ``jieba.analyse`` (loaded once per
process); the tokens come from ``segment.get_segmenter`` (user dictionary
included), so a report is segmented once and the keywords use the project's
vocabulary. A token is a candidate when it has at least two characters,
contains a Chinese character, has no digit and is not in assets/stopwords.txt
(function words plus disclosure-report boilerplate such as 工作, 进一步, 加强,
情况, 政府, 信息, 公开). weight = tf / total × idf (idf = median for unknown
words, e.g. user-dictionary terms). Order: weight descending, then term
ascending, so equal inputs always give equal outputs.
"""
from __future__ import annotations

import re
import threading
from collections import Counter
from functools import lru_cache
from typing import Iterable

from gov_pipeline.text.refdata import read_lines
from gov_pipeline.text.segment import Segmenter, get_segmenter

STOPWORDS_FILE = "stopwords.txt"
_HAN = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"[0-9０-９〇]")
_LOCK = threading.Lock()


@lru_cache(maxsize=None)
def stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in read_lines(STOPWORDS_FILE))


@lru_cache(maxsize=None)
def _idf_table() -> tuple[dict[str, float], float]:
    # jieba's bundled IDF file, read the way jieba.analyse.TFIDF reads it (word idf per line; the
    # median is the middle of the sorted values) without importing jieba.analyse, which also loads
    # the part-of-speech model (~0.4 s) that keywords do not need.
    import importlib.util
    from pathlib import Path

    path = Path(importlib.util.find_spec("jieba").submodule_search_locations[0]) / "analyse" / "idf.txt"
    idf: dict[str, float] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        word, _, value = line.strip().partition(" ")
        if value:
            idf[word] = float(value)
    return idf, sorted(idf.values())[len(idf) // 2]


def idf_table() -> tuple[dict[str, float], float]:
    """(idf by word, median idf) of jieba's bundled IDF file, loaded once."""
    with _LOCK:
        return _idf_table()


def is_candidate(token: str, stop: frozenset[str] | None = None) -> bool:
    tok = token.strip()
    if len(tok) < 2 or not _HAN.search(tok) or _DIGIT.search(tok):
        return False
    return tok.lower() not in (stopwords() if stop is None else stop)


@lru_cache(maxsize=1 << 16)
def _candidate(token: str) -> bool:
    return is_candidate(token)


def top_keywords_from_tokens(tokens: Iterable[str], k: int = 20) -> list[tuple[str, float]]:
    """Top ``k`` (term, weight) pairs of already segmented text."""
    freq = Counter(t.strip() for t in tokens if _candidate(t))
    total = sum(freq.values())
    if not total:
        return []
    idf, median = idf_table()
    weighted = [(term, n * idf.get(term, median) / total) for term, n in freq.items()]
    weighted.sort(key=lambda tw: (-tw[1], tw[0]))
    return weighted[: max(k, 0)]


def top_keywords(text: str, k: int = 20, segmenter: Segmenter | None = None) -> list[tuple[str, float]]:
    """Top ``k`` TF-IDF keywords of ``text`` (segmented once with ``segmenter``)."""
    seg = segmenter or get_segmenter()
    return top_keywords_from_tokens(seg.lcut(text), k)
