"""Document builder: text blocks plus the ground-truth metrics they state."""
from __future__ import annotations

import math
import random

_CN_DIGITS = "零一二三四五六七八九"


def cn_number(n: int, liang: bool = False) -> str:
    """Chinese numeral for 0 <= n < 10000 (两 for a leading 2 when liang)."""
    if n == 0:
        return "零"
    if n == 2 and liang:
        return "两"
    out = []
    units = ((1000, "千"), (100, "百"), (10, "十"), (1, ""))
    zero = False
    started = False
    for base, name in units:
        d = (n // base) % 10
        if d == 0:
            if started:
                zero = True
            continue
        if zero:
            out.append("零")
            zero = False
        if base == 10 and d == 1 and not started:
            out.append("十")
        else:
            out.append(_CN_DIGITS[d] + name)
        started = True
    return "".join(out)


# Codes whose figures a report may state several times under one (code, dimension): the open figure model's
# breakdowns and the generic code, told apart by the phrase they count (the truth's `label`).
MULTI_CODES = frozenset(("other_figure", "env_releases", "share_pct", "yoy_change", "messages_handled",
                         "media_items", "followers", "website_visits"))
GENERIC = "other_figure"


class Doc:
    """Blocks of text (kind, text) and the truth metrics they state.

    kinds: 'title', 'h' heading, 'p' prose paragraph, 't' table line, 'sig' signature, 'blank'.
    Every truth metric may carry a `family` (the phrasing family of gov_pipeline.synth.families that wrote it;
    None for the original catalogue sentences and tables) and a `label` (the phrase it counts: always given for
    the generic code other_figure, whose label is its identity). `sentences` lists (family, sentence) of every
    family sentence written, distractors included, so that a scorer can tell which family an extra came from.
    A family metric also lists its `phrasing` tags when it has any: num_first (the number before its noun),
    respectively (a 分别 pair), wan (a count in 万), cn_numeral, approx, zero_words, redacted, noun_before (the noun
    in the clause before the count), clause_word (a clause opening 按规定), after_qizhong (an item listed after
    其中 in the total's own sentence), bracket (a running total in brackets beside the year's figure), part_first
    (a category's part stated before the year's total), channel_list (a total stated over several channels),
    fullwidth (a zero in words with full-width punctuation), unit_tong / unit_changci / unit_daxiang (counts in
    通, 场次, 大项/小项).
    """

    def __init__(self, rnd: random.Random, redact_p: float = 0.0):
        self.rnd = rnd
        self.blocks: list[tuple[str, str]] = []
        self.metrics: dict[tuple, dict] = {}
        self.multi: list[dict] = []  # figures of MULTI_CODES (several per key allowed)
        self.issues: list[str] = []
        self.redact_p = redact_p
        self.family: str | None = None  # set by the family writers while they write
        self.sentences: list[tuple[str, str]] = []

    # ---- text -------------------------------------------------------------
    def add(self, kind: str, text: str) -> None:
        self.blocks.append((kind, text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def h(self, text: str) -> None:
        self.blocks.append(("h", text))

    def t(self, text: str) -> None:
        self.blocks.append(("t", text))

    # ---- truth ------------------------------------------------------------
    def has(self, code: str, dim: str | None, src: str) -> bool:
        return (code, dim, src) in self.metrics

    def rec(self, code: str, value, src: str, dim: str | None = None, qual: str | None = None,
            redacted: bool = False, label: str | None = None, tags: tuple[str, ...] = ()) -> None:
        key = (code, dim, src)
        if value is not None:
            value = float(value)
            if value.is_integer():
                value = int(value)
        m = {"metric_code": code, "dimension": dim, "value": value, "source_kind": src,
             "qualifier": qual, "is_redacted": redacted}
        if label is not None:
            m["label"] = label
        if self.family is not None:
            m["family"] = self.family
            tags = tuple(tags) + (("redacted",) if redacted else ()) + (("approx",) if qual == "approx" else ()) \
                + (("zero_words",) if qual == "negation" else ())
            if tags:
                m["phrasing"] = sorted(set(tags))
        if code in MULTI_CODES and (dim is not None or code == GENERIC):
            if code == GENERIC and not label:
                raise AssertionError("the generic code needs its label")
            self.multi.append(m)
            return
        if key in self.metrics:
            raise AssertionError(f"duplicate truth metric {key}")
        self.metrics[key] = m

    def headline_free(self, code: str) -> bool:
        """True while no narrative figure of `code` without a dimension is recorded: a second one keeps the generic
        code (the open figure model takes a catalogue headline once)."""
        return (code, None, "narrative") not in self.metrics

    def issue(self, rule: str) -> None:
        if rule not in self.issues:
            self.issues.append(rule)

    # ---- narrative figures ------------------------------------------------
    def redact_text(self, v: int) -> str:
        s = str(v)
        if len(s) == 1:
            return "x"
        if self.rnd.random() < 0.5:
            return s[0] + "x" * (len(s) - 1)
        i = self.rnd.randrange(len(s))
        return s[:i] + "x" + s[i + 1:]

    def F(self, code: str, v: int, unit: str, dim: str | None = None, *, cn: bool = True,
          approx: bool = True, qual: str | None = None, redact: bool = True, label: str | None = None,
          cn_min: int = 1, tags: tuple[str, ...] = ()) -> str:
        """Render a narrative figure and record it (once per code/dimension, except MULTI_CODES).

        cn: may be written in Chinese numerals (for 1 <= v <= 12, from cn_min); approx: may be rounded to
        N余 / 近N (qualifier approx); redact: may be redacted inside document-sharing copies."""
        rnd = self.rnd
        if self.has(code, dim, "narrative") and not (code in MULTI_CODES and (dim is not None or code == GENERIC)):
            return f"{v}{unit}"  # already stated: should not happen; keep text sane
        if redact and self.redact_p and v >= 1 and rnd.random() < self.redact_p:
            self.rec(code, None, "narrative", dim, qual, redacted=True, label=label, tags=tags)
            return f"{self.redact_text(v)}{unit}"
        r = rnd.random()
        if cn and max(1, cn_min) <= v <= 12 and r < 0.35:
            self.rec(code, v, "narrative", dim, qual, label=label, tags=tags + ("cn_numeral",))
            return cn_number(v, liang=unit in ("名", "人", "次", "场", "个", "期")) + unit
        if approx and qual is None and v >= 60 and r > 0.82:
            step = 10 if v < 1000 else 100
            if rnd.random() < 0.6:
                low = (v // step) * step
                if low != v:
                    self.rec(code, low, "narrative", dim, "approx", label=label, tags=tags)
                    return f"{low}余{unit}"
            else:
                high = int(math.ceil(v / step) * step)
                if high != v:
                    self.rec(code, high, "narrative", dim, "approx", label=label, tags=tags)
                    return f"近{high}{unit}"
        self.rec(code, v, "narrative", dim, qual, label=label, tags=tags)
        return f"{v}{unit}"

    def zero(self, code: str, dim: str | None = None, label: str | None = None) -> None:
        self.rec(code, 0, "narrative", dim, "negation", label=label)

    # ---- output -----------------------------------------------------------
    def truth_metrics(self) -> list[dict]:
        return list(self.metrics.values()) + self.multi
