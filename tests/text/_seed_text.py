"""Seed texts for the section/topic/keyword tests.

Uses the project's cleaner when it exists; otherwise a tiny test-local stand-in
that does only what the cleaning contract promises and these tests rely on:
full-width digits/letters and （）： → ASCII, a doc-sharing wrapper cut down to
its body, page-chunk markers (``2、`` at a line start, cut mid-sentence)
joined, and blank-line runs collapsed.
"""
from __future__ import annotations

import re
from pathlib import Path

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _fallback_clean(raw: str) -> str:
    t = raw.replace("\r\n", "\n")
    t = t.translate({0xFF08: "(", 0xFF09: ")", 0xFF1A: ":"})
    t = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" and c.isalnum() else c for c in t)
    if "由会员分享" in t and "展开阅读全文" in t:
        body = t[t.index("由会员分享"):t.index("展开阅读全文")]
        body = body[body.index("\n") + 1:]
        chunks = re.split(r"(?:^|\n)\s*\d+、", body)
        t = "".join(c.strip("\n") for c in chunks if c.strip())
    t = re.sub(r"\n[ \t\u3000]*\n(?:[ \t\u3000]*\n)+", "\n\n", t)
    return t.strip("\n") + "\n"


def seed_text(prefix: str) -> str:
    path = next(SEEDS.glob(f"{prefix}_*.txt"))
    raw = path.read_text(encoding="utf-8")
    try:
        from gov_pipeline.text.clean import clean_report  # written by another engineer
    except ImportError:
        return _fallback_clean(raw)
    return clean_report(raw).text
