"""Number parsing shared by the prose and the table extractors.

`parse_number` reads one cell or one matched figure: Arabic numbers ("1,234",
"523.15", "+126", "-8", "减11"), Chinese numerals ("一百零六", "十二", "两"),
approximate forms ("近50", "300余", "2万余") and redacted digit strings
("2xxx", "x8", "9x%"). Blank-like cells ("", "-", "—", "/", "无") give
value None, never 0: a zero must be written as a zero.

Only the string handed in is converted; callers match the figure first and pass
just that figure, so enumerations and idioms elsewhere in a text are never
touched.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from .cache import PackageMemo

__all__ = ["ParsedNumber", "parse_number", "CN_DIGITS", "is_redacted_token"]

CN_DIGITS = "零〇一二两三四五六七八九十百千"
_CN_ALL = CN_DIGITS + "万亿点"

# Cells that mean "no figure given".
_BLANKS = frozenset({"", "-", "—", "–", "－", "——", "--", "/", "／", "无", "空", "不适用", "N/A", "n/a", "/ "})

_UNIT_RE = re.compile(r"(万元|千元|亿元|元|%|%|‰|条次|人次|条|件|项|个|人|名|位|次|篇|场|期|起|份|家)$")
_APPROX_PRE_RE = re.compile(r"^(将近|接近|大约|超过|近|约|逾|超)")
_APPROX_POST_RE = re.compile(r"(余|多|左右|以上)$")
_SIGN_RE = re.compile(r"^(\+|＋|-|−|－|减少|减|增加|增|加)")
_ARABIC_RE = re.compile(r"^[0-9]+(?:,[0-9]{3})*(?:\.[0-9]+)?$|^[0-9]*\.[0-9]+$")
# Redacted: digits mixed with placeholder letters, e.g. 2xxx, x8, 29x, x.
_REDACTED_RE = re.compile(r"^[0-9xX*＊]*[xX*＊][0-9xX*＊]*(?:\.[0-9xX]+)?$")
_CN_RE = re.compile(rf"^[{_CN_ALL}]+$")


@dataclass(frozen=True)
class ParsedNumber:
    """Result of parsing one figure.

    value: the number (lower bound when approx), None when blank or redacted.
    is_redacted: the figure was a template/redacted digit string (2xxx, x8).
    approx: written as 近N / 约N / N余 / N多 / N左右 (value is N).
    sign: '+' or '-' when written explicitly (+126, -8, 减11, 增3), else None.
    unit: a unit written inside the string ("523.15万元" -> '万元'), else None.
    """

    value: float | None
    is_redacted: bool = False
    approx: bool = False
    sign: str | None = None
    unit: str | None = None

    @property
    def is_null(self) -> bool:
        return self.value is None


_NULL = ParsedNumber(None)


def is_redacted_token(s: str) -> bool:
    return bool(_REDACTED_RE.match(s)) and any(c.isdigit() or c in "xX*＊" for c in s)


def _cn2an(s: str) -> float | None:
    import cn2an  # lazy: importing it builds two sets of large regexes (~0.3 s), and most figures are Arabic

    try:
        v = cn2an.cn2an(s, "smart")
    except Exception:  # cn2an raises ValueError on malformed numerals
        return None
    return float(v)


def _number(v) -> float | None:
    if v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)):
        return None if v is None else float(v)
    raise ValueError(f"not a number: {v!r}")


# numeral -> value, memoised on disk (text/cache.py), keyed by cn2an's converter and this module
_MEMO = PackageMemo("numerals", __file__, "cn2an", ("cn2an.py", "conf.py"), encode=lambda v: v, decode=_number)


def _cn_to_float(s: str) -> float | None:
    return _MEMO.get(s, _cn2an)


def parse_number(s: str | None) -> ParsedNumber:
    """Parse one figure; see the module docstring for the accepted forms."""
    if s is None:
        return _NULL
    t = s.strip().replace("\u3000", "").replace(" ", "")
    if t in _BLANKS:
        return _NULL
    # Parentheses around a whole figure: "(3)"
    if len(t) > 2 and t[0] in "(（" and t[-1] in ")）":
        t = t[1:-1]
    unit = None
    m = _UNIT_RE.search(t)
    if m and m.start() > 0:
        unit = m.group(1).replace("%", "%")
        t = t[: m.start()]
    approx = False
    m = _APPROX_PRE_RE.match(t)
    if m:
        approx = True
        t = t[m.end():]
    m = _APPROX_POST_RE.search(t)
    if m and m.start() > 0:
        approx = True
        t = t[: m.start()]
    sign = None
    m = _SIGN_RE.match(t)
    if m and m.end() < len(t):
        sign = "-" if m.group(1) in ("-", "−", "－", "减", "减少") else "+"
        t = t[m.end():]
    # "2万" / "3.5万" with a count unit multiply out; 万元 is a unit and handled above.
    mult = 1.0
    if len(t) > 1 and t.endswith("万") and not _CN_RE.match(t):
        mult = 10000.0
        t = t[:-1]
        m = _APPROX_POST_RE.search(t)  # "2余万" is rare, "2万余" handled above
        if m and m.start() > 0:
            approx = True
            t = t[: m.start()]
    if not t:
        return _NULL
    if _ARABIC_RE.match(t):
        value = float(t.replace(",", "")) * mult
    elif _REDACTED_RE.match(t):
        return ParsedNumber(None, is_redacted=True, approx=approx, sign=sign, unit=unit)
    elif _CN_RE.match(t):
        v = _cn_to_float("一" + t if t[0] in "百千万" else t)  # 百万 is 一百万
        if v is None:
            return ParsedNumber(None, approx=approx, sign=sign, unit=unit)
        value = v * mult
    else:
        return ParsedNumber(None, approx=approx, sign=sign, unit=unit)
    if sign == "-":
        value = -value
    return ParsedNumber(value, is_redacted=False, approx=approx, sign=sign, unit=unit)
