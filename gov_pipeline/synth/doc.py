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


class Doc:
    """Blocks of text (kind, text) and the truth metrics they state.

    kinds: 'title', 'h' heading, 'p' prose paragraph, 't' table line, 'sig' signature, 'blank'.
    """

    def __init__(self, rnd: random.Random, redact_p: float = 0.0):
        self.rnd = rnd
        self.blocks: list[tuple[str, str]] = []
        self.metrics: dict[tuple, dict] = {}
        self.issues: list[str] = []
        self.redact_p = redact_p

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
            redacted: bool = False) -> None:
        key = (code, dim, src)
        if key in self.metrics:
            raise AssertionError(f"duplicate truth metric {key}")
        if value is not None:
            value = float(value)
            if value.is_integer():
                value = int(value)
        self.metrics[key] = {
            "metric_code": code, "dimension": dim, "value": value, "source_kind": src,
            "qualifier": qual, "is_redacted": redacted,
        }

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
          approx: bool = True, qual: str | None = None, redact: bool = True) -> str:
        """Render a narrative figure and record it (once per code/dimension)."""
        rnd = self.rnd
        if self.has(code, dim, "narrative"):
            return f"{v}{unit}"  # already stated: should not happen; keep text sane
        if redact and self.redact_p and v >= 1 and rnd.random() < self.redact_p:
            self.rec(code, None, "narrative", dim, qual, redacted=True)
            return f"{self.redact_text(v)}{unit}"
        r = rnd.random()
        if cn and 1 <= v <= 12 and r < 0.35:
            self.rec(code, v, "narrative", dim, qual)
            return cn_number(v, liang=unit in ("名", "人", "次", "场", "个", "期")) + unit
        if approx and qual is None and v >= 60 and r > 0.82:
            step = 10 if v < 1000 else 100
            if rnd.random() < 0.6:
                low = (v // step) * step
                if low != v:
                    self.rec(code, low, "narrative", dim, "approx")
                    return f"{low}余{unit}"
            else:
                high = int(math.ceil(v / step) * step)
                if high != v:
                    self.rec(code, high, "narrative", dim, "approx")
                    return f"近{high}{unit}"
        self.rec(code, v, "narrative", dim, qual)
        return f"{v}{unit}"

    def zero(self, code: str, dim: str | None = None) -> None:
        self.rec(code, 0, "narrative", dim, "negation")

    # ---- output -----------------------------------------------------------
    def truth_metrics(self) -> list[dict]:
        return list(self.metrics.values())
