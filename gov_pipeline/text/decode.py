"""Decoding stage: bytes of a downloaded report -> text (faithful, no cleaning).

`decode_report` tries strict UTF-8 first (fast path), then BOMs, then a
BOM-less UTF-16 heuristic, then charset_normalizer plus a strict GB18030 attempt,
and keeps the most plausible Chinese reading. Anything that cannot be a Chinese
text report raises `QuarantineError` with a human-readable reason.

Newlines are NOT normalised here (cleaning does that): the decoded text is the
faithful image of the bytes, so the clean offset map points into exactly it.
"""
from __future__ import annotations

import re

from .model import Decoded, QuarantineError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024

# Known binary containers, checked on the first bytes.
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "PDF document (starts with %PDF-)"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "OLE2 compound file (legacy .doc/.xls/.wps)"),
    (b"\x89PNG\r\n\x1a\n", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"Rar!\x1a\x07", "RAR archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"\x1f\x8b", "gzip archive"),
    (b"{\\rtf", "RTF document"),
)

_BOMS: tuple[tuple[bytes, str, str], ...] = (
    # (bom, codec used to decode (strips the BOM), recorded name)
    (b"\xef\xbb\xbf", "utf-8-sig", "utf-8-sig"),
    (b"\xff\xfe", "utf-16", "utf-16-le"),
    (b"\xfe\xff", "utf-16", "utf-16-be"),
)

# Normalised names for charset_normalizer / codecs names.
_NAME_MAP = {
    "utf_8": "utf-8", "utf-8": "utf-8", "utf8": "utf-8", "ascii": "utf-8",
    "utf_8_sig": "utf-8-sig",
    "utf_16": "utf-16", "utf_16_le": "utf-16-le", "utf_16_be": "utf-16-be",
    "utf_32": "utf-32", "utf_32_le": "utf-32-le", "utf_32_be": "utf-32-be",
    "gb2312": "gb18030", "gbk": "gb18030", "gb18030": "gb18030", "cp936": "gb18030",
    "hz": "gb18030", "euc_cn": "gb18030",
    "big5": "big5", "big5hkscs": "big5", "cp950": "big5",
}
_GB_FAMILY = {"gb18030"}

_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]")
# Characters plausible in a Chinese report: CJK, ASCII printable, whitespace,
# CJK/general punctuation, full-width forms.
_PLAUSIBLE_RE = re.compile(
    r"[\u4e00-\u9fff\u0020-\u007e\t\n\r\u3000-\u303f\uff00-\uffef\u2000-\u206f\u00a0-\u00ff\u2460-\u24ff\u25a0-\u25ff]"
)
_CJK_RUNS_RE = re.compile(_CJK_RE.pattern + "+")
_CONTROL_RE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f]")
_SPACE_RUNS_RE = re.compile(r"\s+")

MIN_CJK_CHARS = 10
MIN_CJK_SHARE = 0.2


def _cjk_count(text: str) -> int:
    return sum(map(len, _CJK_RUNS_RE.findall(text)))  # runs, not one match per character


def _plausibility(text: str) -> float:
    if not text:
        return 0.0
    return len(_PLAUSIBLE_RE.findall(text)) / len(text) + 0.5 * (_cjk_count(text) / len(text))


def _normalise_name(name: str) -> str:
    key = name.lower().replace("-", "_")
    return _NAME_MAP.get(key, name.lower().replace("_", "-"))


def _binary_magic(data: bytes) -> str | None:
    for magic, what in _MAGIC:
        if data.startswith(magic):
            return what
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        head = data[:4096]
        if b"word/" in head:
            return "DOCX document (ZIP container with word/)"
        if b"xl/" in head:
            return "XLSX workbook (ZIP container with xl/)"
        if b"[Content_Types].xml" in head:
            return "Office Open XML document (ZIP container)"
        return "ZIP archive (starts with PK)"
    return None


def _utf16_nul_guess(data: bytes) -> str | None:
    """BOM-less UTF-16 with ASCII content shows NULs in every other byte."""
    sample = data[:8192]
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    ze, zo = even.count(0) / len(even), odd.count(0) / len(odd)
    if zo > 0.2 and ze < 0.02:
        return "utf-16-le"
    if ze > 0.2 and zo < 0.02:
        return "utf-16-be"
    return None


def _try(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _candidates(data: bytes) -> list[tuple[str, str]]:
    """(recorded encoding, text) readings of BOM-less, non-UTF-8 bytes."""
    out: list[tuple[str, str]] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
    except Exception:  # pragma: no cover - detector failure is not fatal
        best = None
    if best is not None:
        name = _normalise_name(best.encoding)
        codec = "gb18030" if name in _GB_FAMILY else best.encoding
        text = _try(data, codec)
        if text is not None:
            out.append((name, text))
    gb = _try(data, "gb18030")
    if gb is not None and not any(n == "gb18030" for n, _ in out):
        out.append(("gb18030", gb))
    if len(data) % 2 == 0:
        for name in ("utf-16-le", "utf-16-be"):
            text = _try(data, name)
            if text is not None:
                out.append((name, text))
    return out


def check_text(text: str, nbytes: int) -> None:
    """QuarantineError unless `text` can be a Chinese report (not blank, not binary, enough Chinese)."""
    _check_text(text, nbytes)


def _check_text(text: str, nbytes: int) -> None:
    if not text.strip():
        raise QuarantineError(f"whitespace-only file ({nbytes} bytes, no visible characters)")
    ctrl = len(_CONTROL_RE.findall(text))
    if ctrl > 10 or ctrl > 0.005 * len(text):
        raise QuarantineError(
            f"binary content: {ctrl} control characters in {len(text)} decoded characters"
        )
    visible = len(text) - sum(map(len, _SPACE_RUNS_RE.findall(text)))
    cjk = _cjk_count(text)
    share = cjk / visible if visible else 0.0
    if cjk < MIN_CJK_CHARS or share < MIN_CJK_SHARE:
        raise QuarantineError(
            f"too little Chinese text to be a report: {cjk} CJK characters out of {visible} "
            f"non-space characters ({share:.0%}; need at least {MIN_CJK_CHARS} and {MIN_CJK_SHARE:.0%})"
        )


def decode_report(data: bytes, *, max_bytes: int = DEFAULT_MAX_BYTES) -> Decoded:
    """Decode the bytes of one report; raise QuarantineError if it cannot be a Chinese text report."""
    n = len(data)
    if n == 0:
        raise QuarantineError("empty file (0 bytes)")
    if n > max_bytes:
        raise QuarantineError(f"file too large: {n} bytes exceeds the limit of {max_bytes} bytes")
    what = _binary_magic(data)
    if what:
        raise QuarantineError(f"binary content: {what}")

    # 1. fast path: strict UTF-8 (no BOM)
    if not data.startswith(b"\xef\xbb\xbf"):
        text = _try(data, "utf-8")
        if text is not None and "\x00" not in text:
            _check_text(text, n)
            return Decoded(text=text, encoding="utf-8")

    # 2. byte-order marks
    for bom, codec, name in _BOMS:
        if data.startswith(bom):
            if bom == b"\xff\xfe" and data.startswith(b"\xff\xfe\x00\x00"):
                text, name = _try(data, "utf-32"), "utf-32-le"
            else:
                text = _try(data, codec)
            if text is None:
                raise QuarantineError(f"undecodable: starts with a {name} byte-order mark but is not valid {name}")
            _check_text(text, n)
            return Decoded(text=text, encoding=name)

    # 3. BOM-less UTF-16 with ASCII content (NUL in every other byte)
    guess = _utf16_nul_guess(data)
    if guess:
        text = _try(data, guess)
        if text is not None:
            _check_text(text, n)
            return Decoded(text=text, encoding=guess)
    nul = data.count(b"\x00")
    if nul:
        # BOM-less UTF-16 of mostly-CJK text has few NULs (U+4E00 -> 00 4E): accept a
        # UTF-16 reading only if it is clearly Chinese text without control characters.
        readings = [(name, t) for name in ("utf-16-le", "utf-16-be") if n % 2 == 0
                    for t in [_try(data, name)] if t is not None and not _CONTROL_RE.search(t)]
        readings = [(name, t) for name, t in readings if _cjk_count(t) >= 0.5 * len(t.strip() or "x")]
        if readings:
            name, text = max(readings, key=lambda c: _plausibility(c[1]))
            _check_text(text, n)
            return Decoded(text=text, encoding=name)
        raise QuarantineError(f"binary content: {nul} NUL bytes in {n} bytes")

    # 4. detector + strict GB18030 + BOM-less UTF-16 readings; keep the most plausible
    cands = _candidates(data)
    if not cands:
        raise QuarantineError(
            f"undecodable: {n} bytes are not valid UTF-8, UTF-16 or GB18030 and no encoding was detected"
        )
    name, text = max(cands, key=lambda c: _plausibility(c[1]))
    _check_text(text, n)
    return Decoded(text=text, encoding=name)
