"""Assign a topic (one of model.TOPICS) to each section.

Terms come from assets/topic_taxonomy.csv (columns topic, label_zh,
description, heading_terms, body_terms; terms are '|'-separated ``term:weight``
pairs, weight 1 when omitted). A term is segmented with the same segmenter as
the text and matches as a contiguous token sequence, so multi-word terms such
as 存在的主要问题 work and a term never matches inside a longer token.

Rules, in order:

1. kinds ``cover_letter`` and ``statistics_table`` map to the topic of the same name;
2. children of a ``next_steps`` or ``problems_improvements`` section inherit it
   (the plans and the shortcomings are what such a part is about, whatever
   subject each item names);
3. a heading score of at least ``STRONG`` decides: topic = argmax of heading
   score + ``BODY_FACTOR`` × body score;
4. otherwise a child inherits its parent's topic;
5. a preamble is ``overview`` (the report's introduction);
6. a top-level section with a weak heading takes the best combined score,
   or the best body score if it reaches ``BODY_MIN``, else ``other``.

``official_parts`` re-reads the headings of the top-level sections and reports
which of the six parts of the 2019/2021 format are present (part 6 needs an
explicit heading, because ``other`` is also the fallback topic).
"""
from __future__ import annotations

import math
from functools import lru_cache
from typing import Sequence

from gov_pipeline.text.model import TOPICS, Section
from gov_pipeline.text.refdata import read_csv_rows
from gov_pipeline.text.segment import Segmenter, get_segmenter

TAXONOMY = "topic_taxonomy.csv"
STRONG = 2.0  # heading score from which a section's own heading decides its topic
PART_MIN = 4.0  # heading score from which a top-level heading counts as an official part
BODY_FACTOR = 0.25
BODY_MIN = 2.0
STICKY = ("next_steps", "problems_improvements")
KIND_TOPICS = {"cover_letter": "cover_letter", "statistics_table": "statistics_table"}
PART_OF_TOPIC = {
    "overview": 1,
    "proactive_disclosure": 2,
    "on_request": 3,
    "review_litigation": 4,
    "problems_improvements": 5,
    "other": 6,
}

TermIndex = dict[str, list[tuple[tuple[str, ...], str, float]]]


def _parse_terms(cell: str) -> list[tuple[str, float]]:
    out = []
    for item in (cell or "").split("|"):
        item = item.strip()
        if not item:
            continue
        term, _, w = item.partition(":")
        out.append((term.strip(), float(w) if w.strip() else 1.0))
    return out


@lru_cache(maxsize=None)
def _taxonomy(kind: str) -> tuple[TermIndex, TermIndex]:
    """(heading index, body index) for segmenter ``kind``: first token → [(tokens, topic, weight)]."""
    seg = get_segmenter(kind)
    rows = read_csv_rows(TAXONOMY)
    unknown = {r["topic"] for r in rows} - set(TOPICS)
    if unknown:
        raise ValueError(f"{TAXONOMY}: topics not in model.TOPICS: {sorted(unknown)}")
    indexes: list[TermIndex] = [{}, {}]
    for row in rows:
        for idx, col in zip(indexes, ("heading_terms", "body_terms")):
            for term, weight in _parse_terms(row.get(col, "")):
                toks = tuple(t for t in seg.lcut(term) if t.strip())
                if toks:
                    idx.setdefault(toks[0], []).append((toks, row["topic"], weight))
    return indexes[0], indexes[1]


def _indexes(segmenter: Segmenter) -> tuple[TermIndex, TermIndex]:
    return _taxonomy(getattr(segmenter, "kind", "jieba"))


def _counts(tokens: Sequence[str], index: TermIndex) -> dict[tuple[tuple[str, ...], str, float], int]:
    hits: dict[tuple[tuple[str, ...], str, float], int] = {}
    for i, tok in enumerate(tokens):
        for entry in index.get(tok, ()):
            toks = entry[0]
            if len(toks) == 1 or tuple(tokens[i:i + len(toks)]) == toks:
                hits[entry] = hits.get(entry, 0) + 1
    return hits


def heading_scores(tokens: Sequence[str], index: TermIndex) -> dict[str, float]:
    """Topic → sum of the weights of heading terms present (each counted once)."""
    scores: dict[str, float] = {}
    for (_, topic, weight) in _counts(tokens, index):
        scores[topic] = scores.get(topic, 0.0) + weight
    return scores


def body_scores(tokens: Sequence[str], index: TermIndex) -> dict[str, float]:
    """Topic → Σ weight × log(1 + count) over body terms."""
    scores: dict[str, float] = {}
    for (_, topic, weight), c in _counts(tokens, index).items():
        scores[topic] = scores.get(topic, 0.0) + weight * math.log1p(c)
    return scores


def _argmax(scores: dict[str, float]) -> str:
    # ties broken by the order of model.TOPICS, so the result is deterministic
    return max(scores, key=lambda t: (scores[t], -TOPICS.index(t)))


def heading_title(section: Section) -> str:
    """The heading without its marker."""
    h = section.heading
    if section.marker and h.startswith(section.marker):
        h = h[len(section.marker):]
    return h.strip()


def section_tokens(sections: Sequence[Section], segmenter: Segmenter | None = None) -> list[tuple[list[str], list[str]]]:
    """(heading tokens, body tokens) of each section; the marker is not segmented.

    Together the bodies and headings cover the report text once, so callers can
    reuse these tokens for keywords (``keywords.top_keywords_from_tokens``).
    """
    seg = segmenter or get_segmenter()
    return [(seg.lcut(heading_title(s)) if s.heading else [], seg.lcut(s.body) if s.body else []) for s in sections]


def assign_topics(
    sections: list[Section],
    segmenter: Segmenter | None = None,
    tokens: Sequence[tuple[list[str], list[str]]] | None = None,
) -> None:
    """Set ``topic`` on every section in place (see module doc for the rules).

    ``tokens`` may carry the output of ``section_tokens`` so the text is not
    segmented twice; otherwise each heading and body is segmented here, once.
    """
    seg = segmenter or get_segmenter()
    h_index, b_index = _indexes(seg)
    if tokens is None:
        tokens = section_tokens(sections, seg)
    by_id = {s.section_id: s for s in sections}
    for s, (htoks, btoks) in zip(sections, tokens):
        parent = by_id.get(s.parent_section_id) if s.parent_section_id is not None else None
        if s.kind in KIND_TOPICS:
            s.topic = KIND_TOPICS[s.kind]
            continue
        if parent is not None and parent.topic in STICKY:
            s.topic = parent.topic
            continue
        hs = heading_scores(htoks, h_index)
        if hs and max(hs.values()) >= STRONG:
            bs = body_scores(btoks, b_index)
            combined = {t: hs.get(t, 0.0) + BODY_FACTOR * bs.get(t, 0.0) for t in hs}
            s.topic = _argmax(combined)
            continue
        if parent is not None:
            s.topic = parent.topic
            continue
        if s.kind == "preamble":
            s.topic = "overview"
            continue
        bs = body_scores(btoks, b_index)
        if hs:
            combined = {t: hs.get(t, 0.0) + BODY_FACTOR * bs.get(t, 0.0) for t in set(hs) | set(bs)}
            s.topic = _argmax(combined)
        elif bs and max(bs.values()) >= BODY_MIN:
            s.topic = _argmax(bs)
        else:
            s.topic = "other"


def official_parts(sections: Sequence[Section], segmenter: Segmenter | None = None) -> set[int]:
    """Which of the six official parts (1..6) have a top-level heading in the report."""
    seg = segmenter or get_segmenter()
    h_index, _ = _indexes(seg)
    parts: set[int] = set()
    for s in sections:
        if s.parent_section_id is not None or s.kind != "heading":
            continue
        hs = heading_scores(seg.lcut(heading_title(s)), h_index)
        if not hs:
            continue
        best = _argmax(hs)
        if hs[best] >= PART_MIN and best in PART_OF_TOPIC:
            parts.add(PART_OF_TOPIC[best])
    return parts
