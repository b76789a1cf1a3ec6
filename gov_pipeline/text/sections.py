"""Split a cleaned report into a tree of sections.

Heading grammar (marker types, in canonical nesting order):

    A  一、 二、 …        (also 一. / 一．)
    B  (一) (二) …
    C  1. 1、 1．
    D  (1) (2) …

Nesting comes from the marker types actually used: a heading pops every open
heading whose type ranks at or below its own and becomes a child of what is
left, so a skipped level (一、 followed directly by 1.) still nests one level
down. Markers are accepted only where they start a line; type A markers are
also accepted inline, right after a sentence end (。！？), provided they belong
to a consecutive 一、二、三 chain. The chain is chosen over all type A
candidates (longest consecutive run starting at 一, preferring line starts), so
a stray "三、" inside a sentence or an inline enumeration does not become a part.
``一是…二是…`` are inline items (no 、 after the numeral), never headings, and
``1、…;2、…`` inside a paragraph never starts a line, so it stays in the body.

Besides numbered headings the parser recognises

* a preamble: text before the first heading (kind ``preamble``, heading "");
* a cover letter at the top (document number / 关于…的报告 title / addressee
  line ending in ":" / … / 附件 or 此报告 / a date line) followed by the report
  proper (kind ``cover_letter``, heading = the letter's title, joined);
* statistics tables: runs of pipe-separated rows, one-cell-per-line rows or
  space-separated numeric rows (kind ``statistics_table``, heading = its title
  line). A table is a child of the heading it sits under when it directly
  follows that heading or when another top-level part follows it; otherwise it
  stands on its own at depth 1. Table lines are never parsed as headings.

Spans are half-open offsets into ``text``: ``char_start`` is the first
character of the heading (marker included), ``char_end`` the end of the last
descendant (trailing blanks trimmed). ``body`` is the section's own text after
its heading, up to its first child. A run-in heading ("一、领导高度重视…我局成立了")
stops at the first sentence end, or, when that is far away, before the first
word that plausibly opens the paragraph (我局, 根据, a year, …).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from gov_pipeline.text.model import Section

# ---------------------------------------------------------------- numerals ---
_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}


def cn_ordinal(s: str) -> int | None:
    """一..九十九 → int; None if ``s`` is not a plain Chinese ordinal."""
    if not s:
        return None
    if len(s) == 1:
        if s == "十":
            return 10
        return _CN_DIGITS.get(s)
    if "十" not in s or s.count("十") > 1:
        return None
    tens, _, ones = s.partition("十")
    t = 1 if tens == "" else _CN_DIGITS.get(tens)
    o = 0 if ones == "" else _CN_DIGITS.get(ones)
    if t is None or o is None or len(tens) > 1 or len(ones) > 1:
        return None
    return t * 10 + o


# ----------------------------------------------------------------- markers ---
_CN = "[一二三四五六七八九十]{1,3}"
_MARKERS = (
    ("A", re.compile(rf"(?P<num>{_CN})[ \t\u3000]*[、.．]")),
    ("B", re.compile(rf"\([ \t\u3000]*(?P<num>{_CN})[ \t\u3000]*\)[、.．]?")),
    ("C", re.compile(r"(?P<num>\d{1,2})[ \t\u3000]*(?:、|[.．](?![\d.．]))")),
    ("D", re.compile(r"\([ \t\u3000]*(?P<num>\d{1,2})[ \t\u3000]*\)[、.．]?")),
)
_RANK = {"A": 0, "B": 1, "C": 2, "D": 3}
_WS = " \t\u3000\r"
_SENT_END = "。!?！？"
_INLINE_A = re.compile(rf"(?<=[{_SENT_END}])[ \t\u3000]*(?P<num>{_CN})[ \t\u3000]*、")
# where a run-on heading plausibly stops: a word that opens the paragraph
_OPENERS = re.compile(
    r"(?:我|本|该)(?:局|厅|委|办|单位|机关|部门|市|区|县|旗|省|站|队)|我们|根据|按照|依据|为了|为使|为进一步|为确保|"
    r"今年以来|今年|年初以来|近年来|目前|截至|截止|(?:19|20)\d\d年|全年|一年来"
)
_HEAD_END = re.compile(r"[。!?！？;；:]")
MAX_HEADING = 40  # a sentence this short after a marker is taken whole as the heading
MAX_INLINE_HEADING = 40

# ------------------------------------------------------------------- tables ---
_NUM = r"[-+减增]?\d+(?:\.\d+)?(?:%|万元|元|件|条)?"
_NUM_TOKEN = re.compile(rf"(?:^|(?<=[ \t\u3000|])){_NUM}(?=$|[ \t\u3000|])")
_NUMROW = re.compile(rf"(?:^|[ \t\u3000]){_NUM}(?:[ \t\u3000]+{_NUM})+[ \t\u3000]*$")
_TABLE_TITLE = re.compile(r"统计表|情况表|附表|一览表|报表|统计指标|第二十条")
_MAX_TABLE_GAP = 3

# ------------------------------------------------------------- cover letter ---
_LETTER_TITLE_END = re.compile(r"(?:报告|函|请示|通知|说明|总结|意见|报告书)$")
_DATE_LINE = re.compile(
    r"^[ \t\u3000]*(?:\d{4}|[〇零一二三四五六七八九○]{4})[ \t\u3000]*年[ \t\u3000]*"
    r"(?:\d{1,2}|[一二三四五六七八九十]{1,3})[ \t\u3000]*月"
    r"(?:[ \t\u3000]*(?:\d{1,2}|[一二三四五六七八九十]{1,3})[ \t\u3000]*日)?[ \t\u3000]*$"
)
_LETTER_CUE = re.compile(r"附件|此报告|特此报告|特此函告|特此报送|请审阅|请审定|请审示|请予审阅|请阅示|妥否|随文呈上|现将.{0,40}(?:报送|呈送|上报)")


@dataclass
class _Line:
    start: int
    end: int  # excluding the newline
    text: str

    @property
    def stripped(self) -> str:
        return self.text.strip()

    @property
    def content_start(self) -> int:
        return self.start + (len(self.text) - len(self.text.lstrip()))


@dataclass
class _Event:
    start: int  # first char of the heading / title
    kind: str  # heading | statistics_table
    mtype: str = ""  # A..D for headings
    value: int = 0
    marker: str = ""
    heading: str = ""
    body_start: int = 0
    line_start: bool = True
    end_hint: int = 0  # tables: end of the block


def _lines(text: str) -> list[_Line]:
    out = []
    pos = 0
    for raw in text.split("\n"):
        out.append(_Line(pos, pos + len(raw), raw))
        pos += len(raw) + 1
    return out


def _skip_ws(text: str, i: int, end: int) -> int:
    while i < end and text[i] in _WS:
        i += 1
    return i


def _heading_text(text: str, p: int, line_end: int, max_len: int = MAX_HEADING) -> tuple[str, int]:
    """Heading text starting at ``p`` (after the marker) and the body start."""
    seg = text[p:line_end]
    m = _HEAD_END.search(seg)
    cand = seg[: m.start()] if m else seg
    if len(cand.strip()) <= max_len:
        head = cand.rstrip(_WS)
        body = p + len(cand) + (1 if m else 0)
    else:
        cut = None
        for om in _OPENERS.finditer(cand):
            if om.start() >= 4:
                cut = om.start()
                break
        if cut is None or cut > 50:
            cut = min(len(cand), MAX_HEADING)
        head = cand[:cut].rstrip(_WS + ",,、")
        body = p + cut
    body = _skip_ws(text, body, line_end)
    return head, body


def _line_marker(line: _Line, text: str) -> _Event | None:
    """A heading candidate at the start of ``line`` (or None)."""
    s = line.content_start
    if s >= line.end:
        return None
    for mtype, rx in _MARKERS:
        m = rx.match(text, s, line.end)
        if not m:
            continue
        value = cn_ordinal(m.group("num")) if mtype in "AB" else int(m.group("num"))
        if not value or (mtype in "CD" and value > 50):
            return None
        p = _skip_ws(text, m.end(), line.end)
        if p >= line.end or text[p] in "、,,。.;;:)|" or (mtype == "C" and text[p].isdigit()):
            return None
        head, body = _heading_text(text, p, line.end)
        if not head:
            return None
        marker = m.group(0).replace(" ", "").replace("\t", "").replace("\u3000", "")
        return _Event(s, "heading", mtype, value, marker, marker + head, body, True)
    return None


# ------------------------------------------------------------------ tables ---
def _is_strong_row(ln: _Line) -> bool:
    st = ln.stripped
    return bool(st) and ("|" in st or bool(_NUMROW.search(st)))


def _has_marker(ln: _Line) -> bool:
    st = ln.stripped
    return any(rx.match(st) for _, rx in _MARKERS)


def _is_weak_row(ln: _Line) -> bool:
    """A line that may sit inside a table between rows (blank, short, no sentence, no heading marker)."""
    st = ln.stripped
    return not st or (len(st) <= 40 and not any(c in st for c in "。;;") and not _has_marker(ln))


def _is_header_line(ln: _Line) -> bool:
    """A short label line that may head a table (e.g. a vertical header 结 结 其 尚)."""
    st = ln.stripped
    return bool(st) and len(st) <= 30 and not any(c in st for c in "。,,;;::、") and not _has_marker(ln)


def _is_table(lines: list[_Line], first: int, last: int) -> bool:
    strong = [ln for ln in lines[first:last + 1] if _is_strong_row(ln)]
    if len(strong) >= 3:
        return True
    # a one-row grid such as the 15 numbers of the 行政复议/行政诉讼 table
    return any(len(_NUM_TOKEN.findall(ln.stripped)) >= 6 for ln in strong)


def _find_tables(lines: list[_Line], first: int) -> list[tuple[int, int, int]]:
    """(first row line, last line, title line or -1) of each table block."""
    blocks: list[tuple[int, int, int]] = []
    i = first
    n = len(lines)
    while i < n:
        if not _is_strong_row(lines[i]):
            i += 1
            continue
        j = i
        last_strong = i
        gap = 0
        while j + 1 < n:
            nxt = lines[j + 1]
            if _is_strong_row(nxt):
                last_strong = j + 1
                gap = 0
            elif _is_weak_row(nxt) and gap < _MAX_TABLE_GAP:
                gap += 1
            else:
                break
            j += 1
        if _is_table(lines, i, last_strong):
            floor = blocks[-1][1] + 1 if blocks else first
            title = -1
            k = i - 1
            while k >= floor and not lines[k].stripped:
                k -= 1
            if k >= floor:
                prev = lines[k].stripped
                if len(prev) <= 60 and _TABLE_TITLE.search(prev) and not any(c in prev for c in "。;;") and not _has_marker(lines[k]):
                    title = k
                else:
                    # header lines directly above the first row (at most 6, no blank line between)
                    h = i
                    while h - 1 >= floor and i - (h - 1) <= 6 and _is_header_line(lines[h - 1]):
                        h -= 1
                    if h < i:
                        title = h
            blocks.append((i, last_strong, title))
        i = last_strong + 1
    return blocks


def _table_title(lines: list[_Line], first: int, title: int) -> tuple[str, int, int]:
    """(heading, heading start offset, body start offset) of a table block."""
    ln = lines[title] if title >= 0 else lines[first]
    head = ln.stripped.rstrip(" |\t\u3000").strip()
    if len(head) > 60:
        head = head[:60]
    start = ln.content_start
    return head, start, ln.end + 1 if ln.end < lines[-1].end else ln.end


# ------------------------------------------------------------ cover letter ---
def _find_cover_letter(text: str, lines: list[_Line]) -> tuple[int, int, str, tuple[int, int]] | None:
    """(start, end, title, title span) of a cover letter at the top of the report."""
    nonblank = [i for i, ln in enumerate(lines[:60]) if ln.stripped]
    for pos, ti in enumerate(nonblank[:12]):
        st = lines[ti].stripped
        if not st.startswith("关于") or len(st) > 60 or "。" in st:
            continue
        # join title lines until one ends like a document title
        parts = [st]
        last = ti
        k = pos
        while not _LETTER_TITLE_END.search(parts[-1]) and k + 1 < len(nonblank) and len(parts) < 3:
            nxt = lines[nonblank[k + 1]].stripped
            if "。" in nxt or nxt.endswith(":") or len("".join(parts) + nxt) > 80:
                break
            parts.append(nxt)
            k += 1
            last = nonblank[k]
        title = "".join(parts)
        if not _LETTER_TITLE_END.search(title) or k + 1 >= len(nonblank):
            continue
        addr = lines[nonblank[k + 1]].stripped
        if not (addr.endswith(":") and len(addr) <= 30 and "。" not in addr):
            continue
        # the letter ends at the first date line after the addressee
        for di in range(nonblank[k + 1] + 1, min(len(lines), nonblank[k + 1] + 40)):
            if lines[di].start - lines[ti].start > 3000:
                break
            if not _DATE_LINE.match(lines[di].text):
                continue
            end = lines[di].end
            letter = text[lines[ti].start:end]
            if not _LETTER_CUE.search(letter):
                break
            if len("".join(text[end:].split())) < 200:
                break
            before = [lines[i].stripped for i in nonblank[:pos]]
            if pos <= 6 and all(len(b) <= 80 for b in before):
                start = lines[nonblank[0]].content_start
            else:
                start = lines[ti].content_start
            return start, end, title, (lines[ti].content_start, lines[last].end)
        return None
    return None


# ---------------------------------------------------------------- headings ---
def _type_a_chain(cands: list[_Event]) -> list[_Event]:
    """Longest consecutive 一、二、三… chain (document order), preferring line starts."""
    best: list[tuple[int, int, int] | None] = []  # (length, line starts, prev index)
    for i, c in enumerate(cands):
        ls = 1 if c.line_start else 0
        cur = None
        if c.value == 1:
            cur = (1, ls, -1)
        for j in range(i):
            bj = best[j]
            if bj is None or cands[j].value != c.value - 1:
                continue
            cand = (bj[0] + 1, bj[1] + ls, j)
            if cur is None or cand[:2] > cur[:2]:
                cur = cand
        best.append(cur)
    top = None
    for i, b in enumerate(best):
        if b is not None and (top is None or b[:2] > best[top][:2]):
            top = i
    if top is None:
        return []
    chain = []
    i = top
    while i != -1:
        chain.append(cands[i])
        i = best[i][2]
    chain.reverse()
    if len(chain) == 1 and not chain[0].line_start:
        return []  # a lone inline 一、 is an enumeration, not a part
    return chain


def _inline_a_candidates(text: str, line: _Line) -> list[_Event]:
    out = []
    for m in _INLINE_A.finditer(text, line.start, line.end):
        value = cn_ordinal(m.group("num"))
        if not value:
            continue
        s = m.start("num")
        p = _skip_ws(text, m.end(), line.end)
        if p >= line.end:
            continue
        seg = text[p:line.end]
        em = _HEAD_END.search(seg)
        if not em or em.start() == 0 or em.start() > MAX_INLINE_HEADING:
            continue
        head = seg[: em.start()].rstrip(_WS)
        body = _skip_ws(text, p + em.start() + 1, line.end)
        marker = m.group("num") + "、"
        out.append(_Event(s, "heading", "A", value, marker, marker + head, body, False))
    return out


def parse_sections(text: str) -> list[Section]:
    """Section tree of a cleaned report, in document order (see module doc)."""
    if not text or not text.strip():
        return []
    lines = _lines(text)

    letter = _find_cover_letter(text, lines)
    report_from = 0
    first_line = 0
    if letter:
        report_from = letter[1]
        first_line = next((i for i, ln in enumerate(lines) if ln.start >= report_from), len(lines))

    tables = _find_tables(lines, first_line)
    in_table = set()
    table_events: list[_Event] = []
    for first, last, title in tables:
        lo = title if title >= 0 else first
        in_table.update(range(lo, last + 1))
        head, hstart, bstart = _table_title(lines, first, title)
        table_events.append(_Event(hstart, "statistics_table", heading=head, body_start=bstart, end_hint=lines[last].end))

    a_cands: list[_Event] = []
    other: list[_Event] = []
    for idx in range(first_line, len(lines)):
        ln = lines[idx]
        if idx in in_table or not ln.stripped or _is_strong_row(ln):
            continue  # table rows (pipes or a numeric tail) are never headings
        ev = _line_marker(ln, text)
        if ev is not None:
            (a_cands if ev.mtype == "A" else other).append(ev)
        line_a = [c for c in _inline_a_candidates(text, ln) if ev is None or c.start > ev.start]
        a_cands.extend(line_a)
    a_cands.sort(key=lambda e: e.start)
    events = sorted(_type_a_chain(a_cands) + other + table_events, key=lambda e: e.start)

    # ---- build the tree
    nodes: list[dict] = []
    if letter:
        start, end, title, (ts, te) = letter
        body = (text[start:ts].strip() + "\n" + text[te:end].strip()).strip()
        nodes.append(dict(start=start, depth=1, parent=None, heading=title, body_start=None, body=body,
                          marker="", kind="cover_letter", hard_end=end))
    first_event = events[0].start if events else len(text)
    pre = text[report_from:first_event]
    if pre.strip():
        pstart = report_from + (len(pre) - len(pre.lstrip()))
        nodes.append(dict(start=pstart, depth=1, parent=None, heading="", body_start=pstart, marker="", kind="preamble"))

    stack: list[tuple[int, int]] = []  # (rank, node index)
    last_value: dict[tuple[int | None, str], int] = {}
    top_rank_events = [ev for ev in events if ev.kind != "statistics_table"]

    for ev in events:
        if ev.kind == "statistics_table":
            parent_idx = None
            if stack:
                top_node = nodes[stack[-1][1]]
                root_rank = stack[0][0]
                later_top = any(h.start > ev.start and _RANK[h.mtype] <= root_rank for h in top_rank_events)
                own = text[top_node["body_start"]:ev.start]
                if later_top or len("".join(own.split())) <= 80:
                    parent_idx = stack[-1][1]
                else:
                    stack.clear()
            depth = 1 if parent_idx is None else nodes[parent_idx]["depth"] + 1
            nodes.append(dict(start=ev.start, depth=depth, parent=parent_idx, heading=ev.heading,
                              body_start=ev.body_start, marker="", kind="statistics_table"))
            continue
        rank = _RANK[ev.mtype]
        k = len(stack)
        while k > 0 and stack[k - 1][0] >= rank:
            k -= 1
        parent_idx = stack[k - 1][1] if k > 0 else None
        if ev.mtype != "A":
            prev = last_value.get((parent_idx, ev.mtype), 0)
            if not (prev < ev.value <= prev + 3):
                continue
        last_value[(parent_idx, ev.mtype)] = ev.value
        del stack[k:]
        depth = nodes[parent_idx]["depth"] + 1 if parent_idx is not None else 1
        nodes.append(dict(start=ev.start, depth=depth, parent=parent_idx, heading=ev.heading,
                          body_start=ev.body_start, marker=ev.marker, kind="heading"))
        stack.append((rank, len(nodes) - 1))

    # ---- spans, bodies, ordinals
    n = len(nodes)
    sections: list[Section] = []
    sibling_count: dict[int | None, int] = {}
    for i, nd in enumerate(nodes):
        end = len(text)
        for j in range(i + 1, n):
            if nodes[j]["depth"] <= nd["depth"]:
                end = nodes[j]["start"]
                break
        if "hard_end" in nd:
            end = min(end, nd["hard_end"])
        end = nd["start"] + len(text[nd["start"]:end].rstrip())
        if nd["body_start"] is not None:
            own_end = end
            if i + 1 < n and nodes[i + 1]["parent"] == i:
                own_end = nodes[i + 1]["start"]
            body = text[min(nd["body_start"], own_end):own_end].strip()
        else:
            body = nd["body"]
        parent_id = nd["parent"] + 1 if nd["parent"] is not None else None
        sibling_count[parent_id] = sibling_count.get(parent_id, 0) + 1
        sections.append(Section(
            section_id=i + 1,
            parent_section_id=parent_id,
            depth=nd["depth"],
            ordinal=sibling_count[parent_id],
            heading=nd["heading"],
            body=body,
            char_start=nd["start"],
            char_end=end,
            marker=nd["marker"],
            kind=nd["kind"],
        ))
    return sections
