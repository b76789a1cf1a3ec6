"""The whole library in one call per report, and what a process may load before its first report (prepare)."""
from __future__ import annotations

from dataclasses import dataclass

from gov_pipeline.text.clean import clean_report
from gov_pipeline.text.consistency import check_consistency
from gov_pipeline.text import reuse
from gov_pipeline.text.keywords import top_keywords_from_tokens
from gov_pipeline.text.metadata import extract_metadata
from gov_pipeline.text.model import Cleaned, Layout, ReportAnalysis
from gov_pipeline.text.prose import RULES as PROSE_RULES
from gov_pipeline.text.prose import extract_prose_metrics
from gov_pipeline.text.sections import parse_sections
from gov_pipeline.text.segment import get_segmenter
from gov_pipeline.text.tables import TableRead, read_tables, table_era_evidence
from gov_pipeline.text.topics import assign_topics, section_tokens

N_KEYWORDS = 20


def compress_offsets(offsets: list[int]) -> list[list[int]]:
    """[clean_start, raw_start, length] runs of an offset map (consecutive raw indices merge)."""
    runs: list[list[int]] = []
    for i, raw in enumerate(offsets):
        if runs and raw == runs[-1][1] + runs[-1][2] and i == runs[-1][0] + runs[-1][2]:
            runs[-1][2] += 1
        else:
            runs.append([i, raw, 1])
    return runs


def expand_runs(runs: list[list[int]]) -> list[int]:
    offsets: list[int] = []
    for _clean_start, raw_start, length in runs:
        offsets.extend(range(raw_start, raw_start + length))
    return offsets


def analyse_clean(report_id: str, cleaned: Cleaned, segmenter: str = "jieba",
                  layout: Layout | None = None) -> ReportAnalysis:
    """Sections, metadata, metrics, table cells, consistency and keywords of an already cleaned report. layout:
    its document's pages and grids, offsets into the clean text (Layout.mapped)."""
    text = cleaned.text
    seg = get_segmenter(segmenter)
    sections = parse_sections(text)
    tokens = section_tokens(sections, seg)  # segment once; topics and keywords share the tokens
    assign_topics(sections, seg, tokens=tokens)
    for s, (_heading, body) in zip(sections, tokens):  # what marts.section_reuse compares across years
        grams = reuse.shingles(body)
        s.shingles, s.minhash = len(grams), reuse.encode(reuse.signature(grams))
    meta, issues = extract_metadata(text, cleaned.page_meta, sections)
    era, headed = table_era_evidence(text, meta.report_year)
    meta.char_count = len(text)
    tables = read_tables(text, sections, era, layout) if era else TableRead([], [], [])
    metrics, table_issues = tables.metrics, tables.issues
    # a table's headers name its generation even when no cell could be read; prose that only names table rows
    # (本年度办理结果…本机关不掌握相关政府信息) names one only where a table was read
    meta.format_era = era if era and (headed or metrics or table_issues) else "narrative"
    read = [(m.char_start, m.char_end) for m in metrics]  # table rows read: never read again as prose
    prose = extract_prose_metrics(text, sections, read, meta.report_year)
    if layout is not None and layout.pages:
        for m in prose:
            m.page = layout.page_at(m.char_start)
    metrics = list(metrics) + prose
    issues = list(issues) + list(table_issues) + check_consistency(metrics)
    keywords = top_keywords_from_tokens([t for heading, body in tokens for t in (*heading, *body)], N_KEYWORDS)
    return ReportAnalysis(report_id, cleaned, meta, sections, metrics, keywords, issues, tables.cells)


def analyse_raw(report_id: str, raw_text: str, segmenter: str = "jieba",
                layout: Layout | None = None) -> ReportAnalysis:
    """Clean, then analyse (a document's layout, offsets into raw_text, moved onto the clean text): the bare
    library path."""
    cleaned = clean_report(raw_text)
    return analyse_clean(report_id, cleaned, segmenter, layout.mapped(cleaned.clean_index) if layout else None)


@dataclass(frozen=True)
class Failure:
    report_id: str
    reason: str


def analyse_item(args: tuple) -> ReportAnalysis | Failure:
    """analyse_clean for one (report_id, cleaned, segmenter[, layout]); a failure is returned (and quarantined),
    never raised."""
    report_id, cleaned, segmenter, *rest = args
    try:
        return analyse_clean(report_id, cleaned, segmenter, *rest)
    except Exception as exc:  # one bad report must not stop the run: it is quarantined
        return Failure(report_id, f"{type(exc).__name__}: {exc}")


WARM_UP_TEXT = "某市生态环境局2020年政府信息公开工作年度报告\n一、总体情况\n2020年主动公开政府信息10条,未收到政府信息公开申请。\n"


def prepare(segmenter: str = "jieba") -> None:
    """What the first report of a process costs before any of its own work: the segmenter's dictionary,
    the IDF table, the patterns every report meets (one small report analysed) and every prose regex."""
    analyse_raw("warm-up", WARM_UP_TEXT, segmenter)
    for rule in PROSE_RULES:
        rule.rx  # noqa: B018 - compiles it
