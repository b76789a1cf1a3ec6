"""Cleaning stage: decoded report text -> clean text + offset map + page metadata.

Each rule is a named function ``rule(buf, ctx) -> (buf, count)`` listed in
``RULES`` (their names are the keys of ``Cleaned.rule_counts``). The working
buffer is the current text plus ``offs``: for every current character the
index of the raw character it comes from. Rules never touch the text without
going through ``_apply`` (edits) or a 1:1 character translation, so the offset
map stays exact through every rule.

Vocabulary (regexes, phrase lists, thresholds) lives in
``assets/cleaning_rules.toml``; this module holds the mechanics.
"""
from __future__ import annotations

import datetime as dt
import html
import re
import tomllib
from dataclasses import dataclass, field
from functools import lru_cache
from operator import ne
from typing import Callable

from .model import Cleaned
from .refdata import asset_path

RULES_FILE = "cleaning_rules.toml"

_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_CJK_RUNS = re.compile(_CJK.pattern + "+")
_SPLIT_TOKENS = re.compile(r"[\s|｜/]+")


# --------------------------------------------------------------------------- #
# buffer + edit machinery
# --------------------------------------------------------------------------- #
class _Buf:
    __slots__ = ("text", "offs")

    def __init__(self, text: str, offs: list[int]):
        self.text = text
        self.offs = offs


@dataclass
class _Ctx:
    page_meta: dict[str, str] = field(default_factory=dict)
    converted_from_traditional: bool = False
    spam_free: str | None = None  # a text (this very object) known to hold no spam token


Edit = tuple[int, int, str]  # replace text[start:end] by str


def _apply(buf: _Buf, edits: list[Edit]) -> _Buf:
    """Apply sorted, non-overlapping edits. A replacement of equal length maps
    1:1; any other replacement maps every new char to the raw index of the first
    replaced char (or of the char it is inserted before)."""
    if not edits:
        return buf
    text, offs = buf.text, buf.offs
    n = len(text)
    parts: list[str] = []
    noffs: list[int] = []
    pos = 0
    for s, e, r in sorted(edits):
        if s < pos:  # overlapping edit: skip
            continue
        parts.append(text[pos:s])
        noffs.extend(offs[pos:s])
        if r:
            parts.append(r)
            if len(r) == e - s:
                noffs.extend(offs[s:e])
            else:
                o = offs[s] if s < n else (offs[-1] if offs else 0)
                noffs.extend([o] * len(r))
        pos = e
    parts.append(text[pos:])
    noffs.extend(offs[pos:])
    return _Buf("".join(parts), noffs)


def _sub(buf: _Buf, pattern: re.Pattern, repl: str | Callable[[re.Match], str | None]) -> tuple[_Buf, int]:
    edits: list[Edit] = []
    for m in pattern.finditer(buf.text):
        r = repl(m) if callable(repl) else m.expand(repl)
        if r is None or r == m.group(0):
            continue
        edits.append((m.start(), m.end(), r))
    return _apply(buf, edits), len(edits)


def _lines(text: str):
    """(start, end) of each line, end excluding the newline."""
    pos = 0
    for line in text.split("\n"):
        end = pos + len(line)
        yield pos, end, line
        pos = end + 1


def _drop_line_edit(text: str, s: int, e: int) -> Edit:
    return (s, e + 1 if e < len(text) else e, "")


# --------------------------------------------------------------------------- #
# compiled rule data (loaded once per process)
# --------------------------------------------------------------------------- #
def _alt(patterns: list[str]) -> str:
    return "|".join(f"(?:{p})" for p in patterns)


def _spaced(word: str) -> str:
    """Regex for a field name that may be letter-spaced (索 引 号)."""
    return r"\s*".join(re.escape(ch) for ch in word)


@dataclass(frozen=True)
class _Data:
    raw: dict
    chrome_lines: re.Pattern
    bar_tokens: frozenset
    bar_token_re: re.Pattern
    meta_trigger: re.Pattern
    meta_date: re.Pattern
    meta_source: re.Pattern
    meta_fragments: re.Pattern
    strong_field_line: re.Pattern
    field_re: re.Pattern
    field_only_line: re.Pattern
    doc_number_field: re.Pattern
    publisher_field: re.Pattern
    title_label: re.Pattern
    docshare_lines: re.Pattern
    docshare_title: re.Pattern
    upload_field_re: re.Pattern
    docshare_inline: re.Pattern
    docshare_inline_keys: tuple
    footer_lines: re.Pattern
    footer_max: int
    footer_inline: re.Pattern
    spam_token: re.Pattern
    spam_marker: re.Pattern  # the markers alone: a text without one has no spam token (a fast test)
    spam_min_cjk: int
    spam_min_share: float
    html_tags: re.Pattern
    html_blocks: re.Pattern
    html_entities: re.Pattern
    image: re.Pattern
    odd_spaces: re.Pattern
    invisible: re.Pattern
    fullwidth_table: dict
    fullwidth_re: re.Pattern
    doc_number: re.Pattern
    qtitle: re.Pattern
    qwords: re.Pattern
    qsuffix: tuple
    trad_share: float
    trad_sample: int
    pinyin_toned: re.Pattern
    pinyin_plain: re.Pattern
    pinyin_min: int
    chunk_marker: re.Pattern
    chunk_min_run: int
    chunk_min_avg: int
    chunk_min_cut: float
    terminators: frozenset


@lru_cache(maxsize=1)
def _data() -> _Data:
    with asset_path(RULES_FILE).open("rb") as fh:
        d = tomllib.load(fh)
    ch, meta, ds, ft, sp = d["chrome"], d["meta"], d["docshare"], d["footer"], d["spam"]
    strong = sorted(meta["strong_fields"], key=len, reverse=True)
    allf = sorted(set(meta["strong_fields"]) | set(meta["weak_fields"]), key=len, reverse=True)
    strong_alt = "|".join(_spaced(f) for f in strong)
    all_alt = "|".join(_spaced(f) for f in allf)
    table = {c: chr(c - 0xFEE0) for c in range(0xFF10, 0xFF1A)}  # digits
    table.update({c: chr(c - 0xFEE0) for c in range(0xFF21, 0xFF3B)})  # A-Z
    table.update({c: chr(c - 0xFEE0) for c in range(0xFF41, 0xFF5B)})  # a-z
    for c in d["unicode"]["fullwidth_to_ascii"]:
        table[ord(c)] = chr(ord(c) - 0xFEE0)
    fw_chars = "".join(chr(k) for k in table)
    pc = d["page_chunks"]
    qt = d["question_titles"]
    return _Data(
        raw=d,
        chrome_lines=re.compile(_alt(ch["drop_lines"])),
        bar_tokens=frozenset(ch["bar_tokens"]),
        bar_token_re=re.compile(_alt(ch["bar_token_patterns"])),
        meta_trigger=re.compile(meta["line_trigger"]),
        meta_date=re.compile(meta["date"]),
        meta_source=re.compile(meta["source"]),
        meta_fragments=re.compile(_alt(meta["fragments"])),
        strong_field_line=re.compile(rf"[•·●\-\s]*(?:{strong_alt})\s*[:：].{{0,80}}"),
        field_re=re.compile(rf"(?:^|[|｜\s•·●])(?:{all_alt})\s*(?=[:：|｜]|\s|$)"),
        field_only_line=re.compile(rf"[•·●\-\s]*(?:{strong_alt})\s*[:：|｜]?\s*[|｜]*"),
        doc_number_field=re.compile(rf"(?:{_spaced('文号')}|{_spaced('发文字号')})\s*[:：|｜]\s*(?P<num>[^\s|｜]{{2,40}})"),
        publisher_field=re.compile(
            rf"(?:{'|'.join(_spaced(f) for f in meta.get('publisher_fields', []))})\s*[:：|｜]?\s*[|｜]?\s*"
            r"(?P<pub>[\u4e00-\u9fff][^\s|｜:：]{1,40})"
        ) if meta.get("publisher_fields") else re.compile(r"(?!x)x"),
        title_label=re.compile(rf"^\s*(?:{'|'.join(map(re.escape, meta.get('title_labels', [])))})\s*[:：]\s*")
        if meta.get("title_labels") else re.compile(r"(?!x)x"),
        docshare_lines=re.compile(_alt(ds["drop_lines"])),
        docshare_title=re.compile(r"(?P<title>.{1,150})\.(?:docx?|pdf|pptx?|xlsx?|wps|txt|caj)"),
        upload_field_re=re.compile(rf"(?:{'|'.join(map(re.escape, ds['upload_fields']))})\s*[:：]"),
        docshare_inline=re.compile(_alt(ds["inline"])),
        docshare_inline_keys=tuple(ds["inline_keywords"]),
        footer_lines=re.compile(_alt(ft["drop_lines"])),
        footer_max=int(ft["max_line_len"]),
        footer_inline=re.compile(_alt(ft["inline"])),
        spam_token=re.compile(f"{sp['token_prefix']}(?:{_alt(sp['markers'])}){sp['token_suffix']}"),
        spam_marker=re.compile("|".join(sp["markers"])),
        spam_min_cjk=int(sp["junk_line_min_cjk"]),
        spam_min_share=float(sp["junk_line_min_share"]),
        html_tags=re.compile(sp["html_tags"], re.I),
        html_blocks=re.compile(sp["html_blocks"], re.I | re.S),
        html_entities=re.compile(sp["html_entities"]),
        image=re.compile(_alt(d["image"]["patterns"]), re.M),
        odd_spaces=re.compile(d["unicode"]["odd_spaces"]),
        invisible=re.compile(d["unicode"]["invisible"]),
        fullwidth_table=table,
        fullwidth_re=re.compile(f"[{re.escape(fw_chars)}]"),
        doc_number=re.compile(d["doc_number"]["pattern"]),
        qtitle=re.compile(qt["pattern"]),
        qwords=re.compile("|".join(map(re.escape, qt["question_words"]))),
        qsuffix=tuple(qt["title_suffixes"]),
        trad_share=float(d["traditional"]["min_changed_share"]),
        trad_sample=int(d["traditional"]["sample_chars"]),
        pinyin_toned=re.compile(d["pinyin"]["toned"]),
        pinyin_plain=re.compile(d["pinyin"]["plain"]),
        pinyin_min=int(d["pinyin"]["plain_min_count"]),
        chunk_marker=re.compile(pc["marker"], re.M),
        chunk_min_run=int(pc["min_run"]),
        chunk_min_avg=int(pc["min_avg_chunk_chars"]),
        chunk_min_cut=float(pc["min_cut_share"]),
        terminators=frozenset(pc["terminators"]),
    )


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


# --------------------------------------------------------------------------- #
# rules: unicode and markup
# --------------------------------------------------------------------------- #
_NEWLINES = re.compile(r"\r\n?")


def newlines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """\\r\\n and \\r -> \\n."""
    return _sub(buf, _NEWLINES, lambda m: "\n")


def invisible_chars(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Zero-width characters, BOM, soft hyphen, control characters -> deleted."""
    return _sub(buf, _data().invisible, lambda m: "")


def odd_spaces(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Ideographic space U+3000, NBSP, tabs, other Unicode spaces -> ' ' (1:1)."""
    pat = _data().odd_spaces
    n = len(pat.findall(buf.text))
    if n:
        buf = _Buf(pat.sub(" ", buf.text), buf.offs)
    return buf, n


def fullwidth_ascii(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Full-width digits, Latin letters and （）：｜％＋－… -> ASCII (1:1); ，。；、！？ kept."""
    d = _data()
    n = len(d.fullwidth_re.findall(buf.text))
    if n:
        buf = _Buf(buf.text.translate(d.fullwidth_table), buf.offs)
    return buf, n


def html_entities(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """&nbsp; &amp; &#12345; … -> the character (&nbsp; -> space)."""
    return _sub(buf, _data().html_entities, lambda m: html.unescape(m.group(0)).replace("\xa0", " "))


def html_tags(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Stray HTML tags (<noframes>, <div …>), comments and script/style blocks -> deleted.
    Angle brackets used as title quotes (<关于…的通知>) are not tags and stay."""
    d = _data()
    buf, n1 = _sub(buf, d.html_blocks, lambda m: "")
    buf, n2 = _sub(buf, d.html_tags, lambda m: "")
    return buf, n1 + n2


def traditional_share(text: str) -> float:
    """Share of CJK characters that change under OpenCC t2s (on a sample)."""
    cjk = "".join(_CJK_RUNS.findall(text))[: _data().trad_sample]
    if not cjk:
        return 0.0
    conv = _t2s().convert(cjk)
    if conv == cjk:  # the common case (a Simplified text): nothing to count
        return 0.0
    return sum(map(ne, cjk, conv)) / len(cjk)


def traditional_to_simplified(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """OpenCC t2s, only when the text is mostly Traditional (share of changed chars >= threshold)."""
    if traditional_share(buf.text) < _data().trad_share:
        return buf, 0
    cc = _t2s()
    text = buf.text
    conv = cc.convert(text)
    ctx.converted_from_traditional = True
    if len(conv) == len(text):
        return _Buf(conv, buf.offs), sum(map(ne, text, conv))
    # phrase conversion changed a length somewhere: fall back to per-line / per-char
    edits: list[Edit] = []
    for s, e, line in _lines(text):
        c = cc.convert(line)
        if c == line:
            continue
        if len(c) == len(line):
            edits.append((s, e, c))
        else:
            for i, chr_ in enumerate(line):
                c1 = cc.convert(chr_)
                if c1 != chr_:
                    edits.append((s + i, s + i + 1, c1))
    changed = sum(1 for s, e, r in edits for a, b in zip(text[s:e], r) if a != b)
    return _apply(buf, edits), changed


def pinyin_debris(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Pinyin glosses after characters on mirror sites: 生態(tài)環(huán)境 -> 生態環境, 政府(zhèng fǔ) -> 政府,
    文(wen) -> 文 (deleted, so the offset map keeps pointing at the characters). Runs before the
    Traditional text is converted, so the converter sees whole words. A gloss with a tone mark always
    goes; untoned syllables only in a text that has toned ones, that is Traditional, or that has many."""
    d = _data()
    if "(" not in buf.text:
        return buf, 0
    buf, n = _sub(buf, d.pinyin_toned, lambda m: "")
    plain = d.pinyin_plain.findall(buf.text)
    if plain and (n or len(plain) >= d.pinyin_min or ctx.converted_from_traditional
                  or traditional_share(buf.text) >= d.trad_share):
        buf, n2 = _sub(buf, d.pinyin_plain, lambda m: "")
        n += n2
    return buf, n


# --------------------------------------------------------------------------- #
# rules: spam and images
# --------------------------------------------------------------------------- #
def spam_lines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Lines that are mostly gambling/porn junk (SEO titles, brand lines) -> dropped whole."""
    d = _data()
    text = buf.text
    if not d.spam_marker.search(text) or not d.spam_token.search(text):
        ctx.spam_free = text  # spam_tokens, next, need not search the same text again
        return buf, 0
    edits: list[Edit] = []
    for s, e, line in _lines(text):
        if not d.spam_token.search(line):
            continue
        rest = d.spam_token.sub("", line)
        cjk_rest = len(_CJK.findall(rest))
        if cjk_rest < d.spam_min_cjk or len(rest.strip()) < d.spam_min_share * len(line.strip()):
            edits.append(_drop_line_edit(text, s, e))
    return _apply(buf, edits), len(edits)


def spam_tokens(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Junk tokens spliced into a sentence (政府信息0365cc彩票公开) -> deleted."""
    if ctx.spam_free is buf.text:
        return buf, 0
    return _sub(buf, _data().spam_token, lambda m: "")


def image_placeholders(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """[image: x.jpg], <img …>, [图片] … -> deleted; when the text before does not
    end a sentence, the blank lines after the placeholder go too (sentence rejoined)."""
    d = _data()
    text = buf.text
    edits: list[Edit] = []
    ws_after = re.compile(r"\s*")
    for m in d.image.finditer(text):
        s, e = m.start(), m.end()
        i = s - 1
        while i >= 0 and text[i] in " \t":
            i -= 1
        prev = text[i] if i >= 0 else "\n"
        if prev != "\n" and prev not in d.terminators:
            j = ws_after.match(text, e).end()
            if j < len(text):
                e = j
        edits.append((s, e, ""))
    return _apply(buf, edits), len(edits)


# --------------------------------------------------------------------------- #
# rules: site chrome and page metadata
# --------------------------------------------------------------------------- #
def chrome_lines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Breadcrumbs (当前位置:首页 > …), domain lines, share/scan widgets -> dropped."""
    return _drop_matching_lines(buf, _data().chrome_lines, max_len=200)


def _drop_matching_lines(buf: _Buf, pattern: re.Pattern, max_len: int, keep_sentences: bool = False,
                         on_drop: Callable[[str], None] | None = None) -> tuple[_Buf, int]:
    text = buf.text
    edits: list[Edit] = []
    for s, e, line in _lines(text):
        st = line.strip()
        if not st or len(st) > max_len:
            continue
        if keep_sentences and st[-1] in "。":
            continue
        if pattern.fullmatch(st):
            if on_drop:
                on_drop(st)
            edits.append(_drop_line_edit(text, s, e))
    return _apply(buf, edits), len(edits)


def chrome_bars(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Tool bars made only of chrome words (无障碍浏览 长者模式 登录/注册 微博 微信; 返回 下载 相关 举报)."""
    d = _data()
    text = buf.text
    edits: list[Edit] = []
    for s, e, line in _lines(text):
        st = line.strip()
        if not st or len(st) > 120:
            continue
        toks = [t for t in _SPLIT_TOKENS.split(st) if t]
        if len(toks) < 2:
            continue
        if all(t in d.bar_tokens or d.bar_token_re.fullmatch(t) for t in toks):
            edits.append(_drop_line_edit(text, s, e))
    return _apply(buf, edits), len(edits)


def _norm_date(s: str) -> str | None:
    nums = re.findall(r"\d+", s)
    if len(nums) < 3:
        return None
    try:
        return dt.date(int(nums[0]), int(nums[1]), int(nums[2])).isoformat()
    except ValueError:
        return None


def page_meta_lines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """发布日期/发布时间/来源/阅读次数/字号 lines: capture published_on, source and the
    title line just above into page_meta, then delete the chrome fragments (the whole
    line if nothing else is left)."""
    d = _data()
    text = buf.text
    edits: list[Edit] = []
    prev_nonblank: str | None = None
    for s, e, line in _lines(text):
        st = line.strip()
        if not st:
            continue
        if len(st) <= 200 and d.meta_trigger.search(line):
            m = d.meta_date.search(line)
            date = _norm_date(m.group("date")) if m else None
            if date and "published_on" not in ctx.page_meta:
                ctx.page_meta["published_on"] = date
                if (prev_nonblank and "page_title" not in ctx.page_meta and len(prev_nonblank) <= 100
                        and _CJK.search(prev_nonblank) and prev_nonblank[-1] not in d.terminators):
                    ctx.page_meta["page_title"] = d.title_label.sub("", prev_nonblank)
            m = d.meta_source.search(line)
            if m and "source" not in ctx.page_meta:
                ctx.page_meta["source"] = m.group("source")
            rest = d.meta_fragments.sub("", line)
            if not re.search(r"[\w\u4e00-\u9fff]", rest):
                edits.append(_drop_line_edit(text, s, e))
            else:
                edits.extend((s + f.start(), s + f.end(), "") for f in d.meta_fragments.finditer(line))
            continue
        prev_nonblank = st
    return _apply(buf, edits), len(edits)


def metadata_block(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """索引号/发布机构/文号/主题分类… blocks, as a pipe row (2+ fields) or one field per
    line (索 引 号: …; or a lone field line followed by its short value) -> dropped.
    文号 is captured into page_meta["doc_number"]."""
    d = _data()
    text = buf.text
    edits: list[Edit] = []
    lines = list(_lines(text))
    skip_next = False
    value_of: str | None = None  # the field whose value is on the next line
    for idx, (s, e, line) in enumerate(lines):
        if skip_next:
            skip_next = False
            st = line.strip()
            if st and len(st) <= 40 and not d.field_only_line.fullmatch(st) and st[-1] not in "。":
                if value_of and "publisher" not in ctx.page_meta:
                    m = d.publisher_field.match(value_of + ":" + st)
                    if m:
                        ctx.page_meta["publisher"] = m.group("pub")
                edits.append(_drop_line_edit(text, s, e))
                continue
        st = line.strip()
        if not st or len(st) > 400:
            continue
        drop = False
        if len(d.field_re.findall(" " + st)) >= 2 and ("|" in st or "｜" in st or len(st) <= 160):
            drop = True
        elif len(st) <= 90 and d.strong_field_line.fullmatch(st):
            drop = True
        elif d.field_only_line.fullmatch(st):
            drop = True
            skip_next = True
            value_of = st.strip(" •·●-:：|｜")
        if drop:
            m = d.doc_number_field.search(st)
            if m and "doc_number" not in ctx.page_meta:
                ctx.page_meta["doc_number"] = m.group("num")
            m = d.publisher_field.search(st)
            if m and "publisher" not in ctx.page_meta:
                ctx.page_meta["publisher"] = m.group("pub")
            m = d.meta_date.search(st) or re.search(
                r"发布日期\s*[:：|｜]?\s*(?P<date>(19|20)\d{2}\s*[-/.年]\s*\d{1,2}\s*[-/.月]\s*\d{1,2})", st)
            if m and "published_on" not in ctx.page_meta:
                date = _norm_date(m.group("date"))
                if date:
                    ctx.page_meta["published_on"] = date
            edits.append(_drop_line_edit(text, s, e))
    return _apply(buf, edits), len(edits)


# --------------------------------------------------------------------------- #
# rules: document-sharing wrappers and footers
# --------------------------------------------------------------------------- #
def docshare_lines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Doc-sharing wrapper lines (xxx.docx, …docx_第N页, 第N页 / 共N页, 资源描述,
    《…》由会员分享…, 展开阅读全文, 相关搜索, 电脑版 |…版权所有 …) -> dropped.
    A "xxx.docx" title becomes page_meta["page_title"] if none was found."""
    d = _data()

    def on_drop(st: str) -> None:
        m = d.docshare_title.fullmatch(st)
        if m and "_第" not in st and "page_title" not in ctx.page_meta:
            ctx.page_meta["page_title"] = m.group("title").strip()

    return _drop_matching_lines(buf, d.docshare_lines, max_len=300, on_drop=on_drop)


def docshare_upload_info(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """上传人:… 文档编号:… 格式:DOCX 页数:5 大小:16KB lines (2+ upload fields) -> dropped."""
    d = _data()
    text = buf.text
    edits: list[Edit] = []
    for s, e, line in _lines(text):
        if len(line) <= 250 and len(d.upload_field_re.findall(line)) >= 2:
            edits.append(_drop_line_edit(text, s, e))
    return _apply(buf, edits), len(edits)


def docshare_inline(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """当前文档最多预览五页 / 仅供预览…请下载 / 展开阅读全文 inside a longer line -> deleted."""
    d = _data()
    if not any(k in buf.text for k in d.docshare_inline_keys):
        return buf, 0
    return _sub(buf, d.docshare_inline, lambda m: "")


def footer_lines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """主办单位 / 网站标识码 / ICP备 / 公网安备 / 经营许可证 footer lines -> dropped."""
    d = _data()
    return _drop_matching_lines(buf, d.footer_lines, max_len=d.footer_max, keep_sentences=True)


def footer_icp_inline(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """ICP / 公网安备 numbers inside a body line (陕ICP备12345号) -> deleted."""
    return _sub(buf, _data().footer_inline, lambda m: "")


# --------------------------------------------------------------------------- #
# rules: whitespace
# --------------------------------------------------------------------------- #
_LINE_EDGE_SPACES = re.compile(r"^ +| +$", re.M)
_SPACE_RUNS = re.compile(r" {2,}")
_BLANK_RUNS = re.compile(r"\n{3,}|^\n+|\n+$")


def strip_lines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Leading/trailing spaces of every line -> deleted."""
    return _sub(buf, _LINE_EDGE_SPACES, lambda m: "")


def collapse_spaces(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Runs of spaces inside a line -> one space."""
    return _sub(buf, _SPACE_RUNS, lambda m: " ")


def collapse_blank_lines(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Runs of blank lines -> one blank line; leading/trailing blank lines -> deleted."""
    return _sub(buf, _BLANK_RUNS, lambda m: "" if m.start() == 0 or m.end() == len(m.string) else "\n\n")


# --------------------------------------------------------------------------- #
# rules: page chunks, ?-titles, document numbers
# --------------------------------------------------------------------------- #
_TRAILING_PAGE_NO = re.compile(r"\s+\d{1,3}$")


def page_chunk_markers(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Doc-sharing page chunks "1、… 2、… 3、…" at line starts that cut sentences:
    the markers go and each chunk is joined to the previous one (no break when the
    previous chunk does not end a sentence); a trailing lone page number at the end
    of the run goes too. Genuine lists (short items, or items ending sentences, or
    not at line starts) are left alone."""
    d = _data()
    text = buf.text
    marks = [(m.start(), m.end(), int(m.group("n"))) for m in d.chunk_marker.finditer(text)]
    if len(marks) < d.chunk_min_run:
        return buf, 0
    runs: list[list[tuple[int, int, int]]] = []
    cur: list[tuple[int, int, int]] = []
    for mk in marks:
        if mk[2] == 1:
            if cur:
                runs.append(cur)
            cur = [mk]
        elif cur and mk[2] == cur[-1][2] + 1:
            cur.append(mk)
        else:
            if cur:
                runs.append(cur)
            cur = []
    if cur:
        runs.append(cur)

    edits: list[Edit] = []
    for run in runs:
        if len(run) < d.chunk_min_run:
            continue
        bounds = [mk[0] for mk in run[1:]]
        last_end = text.find("\n\n", run[-1][1])
        last_end = len(text) if last_end < 0 else last_end
        chunks = [text[a[1]:b].rstrip() for a, b in zip(run, bounds + [last_end])]
        avg = sum(len(c) for c in chunks) / len(chunks)
        cut = sum(1 for c in chunks[:-1] if c and c[-1] not in d.terminators) / (len(chunks) - 1)
        if avg < d.chunk_min_avg or cut < d.chunk_min_cut:
            continue
        edits.append((run[0][0], run[0][1], ""))
        for mk in run[1:]:
            i = mk[0]
            while i > 0 and text[i - 1] in " \n":
                i -= 1
            prev = text[i - 1] if i > 0 else "\n"
            edits.append((i, mk[1], "" if prev not in d.terminators else "\n"))
        tail = _TRAILING_PAGE_NO.search(text, run[-1][1], last_end)
        # a page number stands alone: on its own line or after a finished sentence, never after
        # a table's label or unit cell ("接受培训人员数 人次 30")
        if tail and ("\n" in tail.group() or (tail.start() > 0 and text[tail.start() - 1] in d.terminators)):
            edits.append((tail.start(), tail.end(), ""))
    return _apply(buf, edits), len(edits)


def question_mark_titles(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """"?条例?" where ? replaced 《》: restored to 《条例》 when the pair encloses a short
    CJK title without punctuation or question words (a lone pair needs a title suffix
    such as 条例/办法/规定). Genuine question marks stay."""
    d = _data()
    cands = []
    for m in d.qtitle.finditer(buf.text):
        title = m.group("title")
        if d.qwords.search(title):
            continue
        if len(_CJK.findall(title)) < max(1, len(title) * 0.5):
            continue
        cands.append((m, title))
    if len(cands) < 2:
        cands = [(m, t) for m, t in cands if t.endswith(d.qsuffix)]
    edits: list[Edit] = []
    for m, _ in cands:
        edits.append((m.start(), m.start() + 1, "《"))
        edits.append((m.end() - 1, m.end(), "》"))
    return _apply(buf, edits), len(cands)


def doc_number_brackets(buf: _Buf, ctx: _Ctx) -> tuple[_Buf, int]:
    """Year brackets of a document number (﹝2017﹞, [2020], 【2019】, (2013)) -> 〔year〕."""
    return _sub(buf, _data().doc_number, lambda m: f"〔{m.group('year')}〕")


# --------------------------------------------------------------------------- #
# pipeline
# --------------------------------------------------------------------------- #
RuleFn = Callable[[_Buf, _Ctx], tuple[_Buf, int]]

RULES: tuple[tuple[str, RuleFn], ...] = (
    ("newlines", newlines),
    ("invisible_chars", invisible_chars),
    ("odd_spaces", odd_spaces),
    ("fullwidth_ascii", fullwidth_ascii),
    ("html_entities", html_entities),
    ("html_tags", html_tags),
    ("pinyin_debris", pinyin_debris),
    ("traditional_to_simplified", traditional_to_simplified),
    ("spam_lines", spam_lines),
    ("spam_tokens", spam_tokens),
    ("image_placeholders", image_placeholders),
    ("chrome_lines", chrome_lines),
    ("chrome_bars", chrome_bars),
    ("page_meta_lines", page_meta_lines),
    ("metadata_block", metadata_block),
    ("docshare_lines", docshare_lines),
    ("docshare_upload_info", docshare_upload_info),
    ("docshare_inline", docshare_inline),
    ("footer_lines", footer_lines),
    ("footer_icp_inline", footer_icp_inline),
    ("strip_lines", strip_lines),
    ("collapse_spaces", collapse_spaces),
    ("page_chunk_markers", page_chunk_markers),
    ("question_mark_titles", question_mark_titles),
    ("doc_number_brackets", doc_number_brackets),
    ("collapse_blank_lines", collapse_blank_lines),
)
RULE_NAMES: tuple[str, ...] = tuple(name for name, _ in RULES)


def run_rules(raw: str, names: list[str] | tuple[str, ...] | None = None) -> Cleaned:
    """Run the given rules (all, in pipeline order, when names is None) on raw text.
    Rules always run in pipeline order; unknown names raise KeyError."""
    if names is not None:
        unknown = set(names) - set(RULE_NAMES)
        if unknown:
            raise KeyError(f"unknown cleaning rules: {sorted(unknown)}")
        wanted = set(names)
    buf = _Buf(raw, list(range(len(raw))))
    ctx = _Ctx()
    counts: dict[str, int] = {}
    for name, fn in RULES:
        if names is not None and name not in wanted:
            continue
        buf, n = fn(buf, ctx)
        if n:
            counts[name] = counts.get(name, 0) + n
    return Cleaned(
        text=buf.text,
        offsets=buf.offs,
        page_meta=ctx.page_meta,
        rule_counts=counts,
        converted_from_traditional=ctx.converted_from_traditional,
    )


def clean_report(raw: str) -> Cleaned:
    """Clean one decoded report: all rules in order, with an exact offset map to raw."""
    return run_rules(raw)
