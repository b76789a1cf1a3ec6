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

import importlib.util
import re
import struct
import threading
from array import array
from bisect import bisect_left
from collections import Counter
from collections.abc import Iterator, Mapping
from functools import lru_cache
from pathlib import Path
from typing import Iterable

from gov_pipeline.text.cache import load_or_build, package_key
from gov_pipeline.text.refdata import read_lines
from gov_pipeline.text.segment import Segmenter, get_segmenter

STOPWORDS_FILE = "stopwords.txt"
_HAN = re.compile(r"[\u3400-\u9fff]")
_DIGIT = re.compile(r"[0-9０-９〇]")
_LOCK = threading.Lock()


@lru_cache(maxsize=None)
def stopwords() -> frozenset[str]:
    return frozenset(w.lower() for w in read_lines(STOPWORDS_FILE))


def _idf_path() -> Path:
    return Path(importlib.util.find_spec("jieba").submodule_search_locations[0]) / "analyse" / "idf.txt"


class IdfTable(Mapping):
    """Read-only word -> idf mapping over sorted parallel arrays (cheap to load from the cache: no
    270k-entry dict to hash), with a memo of the words looked up so far."""

    __slots__ = ("_words", "_values", "_memo")

    def __init__(self, words: list[str], values: array):
        self._words = words  # sorted, unique
        self._values = values
        self._memo: dict[str, float | None] = {}

    def _find(self, word: str) -> float | None:
        v = self._memo.get(word, _MISSING)
        if v is _MISSING:
            i = bisect_left(self._words, word)
            v = self._values[i] if i < len(self._words) and self._words[i] == word else None
            self._memo[word] = v
        return v  # type: ignore[return-value]

    def get(self, word, default=None):
        v = self._memo.get(word, _MISSING)  # the common case inline: a word seen before
        if v is _MISSING:
            v = self._find(word) if isinstance(word, str) else None
        return default if v is None else v

    def __getitem__(self, word: str) -> float:
        v = self._find(word) if isinstance(word, str) else None
        if v is None:
            raise KeyError(word)
        return v

    def __contains__(self, word) -> bool:
        return isinstance(word, str) and self._find(word) is not None

    def __iter__(self) -> Iterator[str]:
        return iter(self._words)

    def __len__(self) -> int:
        return len(self._words)


_MISSING = object()


def _build_idf() -> tuple[dict[str, float], float]:
    # jieba's bundled IDF file, read the way jieba.analyse.TFIDF reads it (word idf per line, a later
    # line wins; the median is the middle of the sorted values) without importing jieba.analyse, which
    # also loads the part-of-speech model (~0.4 s) that keywords do not need.
    idf: dict[str, float] = {}
    for line in _idf_path().read_text(encoding="utf-8").splitlines():
        word, _, value = line.strip().partition(" ")
        if value:
            idf[word] = float(value)
    return idf, sorted(idf.values())[len(idf) // 2]


_IDF_HEAD = struct.Struct("<dQQ")  # median, number of words, bytes of the joined words


def _encode_idf(table: tuple[Mapping[str, float], float]) -> bytes:
    # the sorted words joined by newlines (a word never holds one: it comes from a line) + float64 values
    idf, median = table
    words = sorted(idf)
    blob = "\n".join(words).encode("utf-8")
    return _IDF_HEAD.pack(median, len(words), len(blob)) + blob + array("d", (idf[w] for w in words)).tobytes()


def _decode_idf(payload: bytes) -> tuple[IdfTable, float]:
    median, n, nbytes = _IDF_HEAD.unpack_from(payload)
    start = _IDF_HEAD.size
    words = payload[start:start + nbytes].decode("utf-8").split("\n") if n else []
    values = array("d")
    values.frombytes(payload[start + nbytes:])
    if len(words) != n or len(values) != n:
        raise ValueError("truncated IDF table")
    return IdfTable(words, values), median


@lru_cache(maxsize=None)
def _idf_table() -> tuple[Mapping[str, float], float]:
    # built: a dict; read from the cache: an IdfTable (same mapping, no 270k-entry dict to hash)
    key = package_key("jieba-idf", __file__, "jieba", ["analyse/idf.txt"])
    if key is None:  # jieba missing or unusual: build (and fail) as before
        return _build_idf()
    return load_or_build("jieba-idf", key, _build_idf, _encode_idf, _decode_idf)


def idf_table() -> tuple[Mapping[str, float], float]:
    """(idf by word, median idf) of jieba's bundled IDF file, loaded once (from the on-disk cache when
    one matches the file)."""
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
