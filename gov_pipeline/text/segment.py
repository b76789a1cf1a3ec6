"""One tokenizer interface for the whole text library.

``get_segmenter("jieba")`` is the reference (a private ``jieba.Tokenizer`` with
the project user dictionary); ``get_segmenter("rjieba")`` is the fast Rust
binding with the same user words added through ``rjieba.Jieba.add_word`` (rjieba
has no ``load_userdict``; every line of the dictionary is added with its
frequency and POS, so both segmenters see the same vocabulary).

Segmenters are created once per process (per kind) and initialised eagerly, so
the ~0.6 s dictionary load happens on the first ``get_segmenter`` call and not
in the middle of a run.
"""
from __future__ import annotations

import threading
from functools import lru_cache
from typing import Iterable, Protocol, Sequence

from gov_pipeline.text.refdata import asset_path, read_lines

USERDICT = "jieba_userdict.txt"
KINDS = ("jieba", "rjieba")


class Segmenter(Protocol):
    kind: str

    def lcut(self, text: str) -> list[str]: ...


def userdict_entries() -> list[tuple[str, int | None, str | None]]:
    """(word, freq, pos) for each line of assets/jieba_userdict.txt."""
    out: list[tuple[str, int | None, str | None]] = []
    for line in read_lines(USERDICT):
        parts = line.split()
        word = parts[0]
        freq = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else None
        pos = parts[2] if len(parts) > 2 else (parts[1] if len(parts) == 2 and freq is None else None)
        out.append((word, freq, pos))
    return out


class JiebaSegmenter:
    """Reference segmenter: a private jieba.Tokenizer (HMM on, default mode)."""

    kind = "jieba"

    def __init__(self) -> None:
        import jieba

        self._tk = jieba.Tokenizer()
        self._tk.initialize()
        self._tk.load_userdict(str(asset_path(USERDICT)))

    @property
    def tokenizer(self):
        return self._tk

    def lcut(self, text: str) -> list[str]:
        return self._tk.lcut(text)


class RjiebaSegmenter:
    """Fast segmenter: rjieba (Rust port of jieba's default mode, HMM on)."""

    kind = "rjieba"

    def __init__(self) -> None:
        import rjieba

        # Importing rjieba already builds a default Jieba (the instance behind the public rjieba.cut /
        # rjieba.add_word); a second Jieba() would load the same dictionary again (~0.1 s). The
        # process-wide rjieba segmenter adopts that instance (so rjieba.cut elsewhere in this process
        # also sees the user words: nothing else in the project calls it).
        default = getattr(getattr(rjieba, "cut", None), "__self__", None)
        self._jb = default if isinstance(default, rjieba.Jieba) else rjieba.Jieba()
        for word, freq, pos in userdict_entries():
            self._jb.add_word(word, freq, pos)

    def lcut(self, text: str) -> list[str]:
        return self._jb.cut(text, True)


_LOCK = threading.Lock()


@lru_cache(maxsize=None)
def _build(kind: str) -> Segmenter:
    if kind == "jieba":
        return JiebaSegmenter()
    if kind == "rjieba":
        return RjiebaSegmenter()
    raise ValueError(f"unknown segmenter kind {kind!r}; expected one of {KINDS}")


def get_segmenter(kind: str = "jieba") -> Segmenter:
    """The process-wide segmenter of this kind (built and initialised on first use)."""
    if kind not in KINDS:
        raise ValueError(f"unknown segmenter kind {kind!r}; expected one of {KINDS}")
    with _LOCK:
        return _build(kind)


def token_spans(tokens: Iterable[str]) -> list[tuple[int, int]]:
    """Half-open character spans of consecutive tokens (tokens must cover the text)."""
    spans = []
    pos = 0
    for tok in tokens:
        spans.append((pos, pos + len(tok)))
        pos += len(tok)
    return spans


def token_agreement(a_tokens: Sequence[str], b_tokens: Sequence[str]) -> float:
    """Share of the token spans of ``a`` that ``b`` also produces (1.0 if ``a`` is empty).

    Both token lists must be segmentations of the same text. Whitespace-only
    tokens are ignored, since segmenters differ only in how they group blanks.
    """
    a_spans = [(s, e) for (s, e), t in zip(token_spans(a_tokens), a_tokens) if t.strip()]
    if not a_spans:
        return 1.0
    b_set = set(token_spans(b_tokens))
    return sum(1 for sp in a_spans if sp in b_set) / len(a_spans)
