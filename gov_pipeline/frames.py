"""Turn the library's dataclasses into warehouse-shaped DataFrames (pure pandas).

The text library itself (cleaning, parsing) is imported on first use: only the steps that derive reports
(gov_pipeline/chunks.py) load it."""
from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable
from dataclasses import dataclass

import pandas as pd

from gov_pipeline.schemas import TABLES
from gov_pipeline.text.model import Cleaned, ReportAnalysis


def frame(table: str, rows: list[dict]) -> pd.DataFrame:
    """A DataFrame with exactly the table's columns, in order, typed like the schema."""
    tdef = TABLES[table]
    if not rows:
        return tdef.empty()
    df = pd.DataFrame.from_records(rows, columns=tdef.columns)
    for name, column in tdef.schema.columns.items():
        duck = column.metadata["duckdb"]
        if duck in ("INTEGER", "BIGINT"):
            df[name] = pd.array(df[name], dtype="Int64")
        elif duck in ("DATE", "TIMESTAMP"):
            df[name] = pd.to_datetime(df[name])
        elif duck == "DOUBLE":
            df[name] = pd.to_numeric(df[name], errors="coerce").astype("float64")
        elif duck == "BOOLEAN":
            df[name] = df[name].astype(bool)
        else:
            df[name] = df[name].astype(object).where(df[name].notna(), None)
    return df


def _clean(report_id: str, raw_text: str) -> tuple[dict, Cleaned | None]:
    """A staging.clean_reports row and the library's Cleaned; a cleaning failure is recorded, never raised."""
    from gov_pipeline.text.clean import clean_report
    from gov_pipeline.text.pipeline import compress_offsets

    try:
        cleaned = clean_report(raw_text)
    except Exception as exc:  # quarantined downstream with this reason
        return {"report_id": report_id, "clean_text": None, "clean_error": f"{type(exc).__name__}: {exc}",
                "char_count": 0, "raw_char_count": len(raw_text), "converted_from_traditional": False,
                "rules_applied": "{}", "offset_runs": "[]", "page_published_on": None, "page_source": None}, None
    published = cleaned.page_meta.get("published_on")
    return {
        "report_id": report_id, "clean_text": cleaned.text, "clean_error": None,
        "char_count": len(cleaned.text), "raw_char_count": len(raw_text),
        "converted_from_traditional": bool(cleaned.converted_from_traditional),
        "rules_applied": json.dumps(dict(sorted(cleaned.rule_counts.items())), ensure_ascii=False),
        "offset_runs": json.dumps(compress_offsets(cleaned.offsets)),
        "page_published_on": _parse_date(published), "page_source": cleaned.page_meta.get("source"),
    }, cleaned


@dataclass
class Derived:
    """Everything one report turns into: rows per staging/core table, or why it is quarantined."""
    report_id: str
    rows: dict[str, list[dict]]
    failure: str | None = None  # the quarantine reason (stage parse)


def derive_report(item: tuple) -> Derived:
    """(report_id, raw_text, segmenter[, layout JSON]) -> its clean row and core rows, in one pass (runs in a
    worker)."""
    from gov_pipeline.text.model import Layout
    from gov_pipeline.text.pipeline import Failure, analyse_item

    report_id, raw_text, segmenter, *rest = item
    row, cleaned = _clean(report_id, raw_text)
    rows: dict[str, list[dict]] = {"staging.clean_reports": [row]}
    if cleaned is None:
        return Derived(report_id, rows, f"cleaning failed: {row['clean_error']}")
    layout = Layout.from_json(rest[0]) if rest and isinstance(rest[0], str) else None
    if layout is not None:  # its offsets into the raw text, moved to the clean text
        layout = layout.mapped(cleaned.clean_index)
    # the same Cleaned as the bare library's (page title, date, source), without the offset map
    analysis = analyse_item((report_id, Cleaned(cleaned.text, [], dict(cleaned.page_meta)), segmenter, layout))
    if isinstance(analysis, Failure):
        return Derived(report_id, rows, f"parsing failed: {analysis.reason}")
    rows.update(core_rows(analysis, cleaned))
    return Derived(report_id, rows)


def _parse_date(value: str | None) -> dt.date | None:
    try:
        return dt.date.fromisoformat(value) if value else None
    except ValueError:
        return None


def core_rows(a: ReportAnalysis, raw_map: Cleaned) -> dict[str, list[dict]]:
    """The core rows of one analysed report; raw_map maps clean offsets back to the raw text."""
    rid, m = a.report_id, a.meta
    dims = [{
        "report_id": rid, "title": m.title, "agency_name": m.agency_name, "agency_key": m.agency_key,
        "admin_level": m.admin_level, "province": m.province, "city": m.city, "county": m.county,
        "report_year": m.report_year, "report_kind": m.report_kind, "format_era": m.format_era,
        "published_on": m.published_on if isinstance(m.published_on, dt.date) else None,
        "doc_number": m.doc_number, "char_count": m.char_count,
        "region_evidence": json.dumps([dataclasses.asdict(e) for e in m.region_evidence], ensure_ascii=False)
        if m.region_evidence else None,
    }]
    sections = [{
        "report_id": rid, "section_id": s.section_id, "parent_section_id": s.parent_section_id,
        "depth": s.depth, "ordinal": s.ordinal, "heading": s.heading_text, "topic": s.topic,
        "body": s.body, "kind": s.kind, "char_start": s.char_start, "char_end": s.char_end,
        "shingles": s.shingles, "minhash": s.minhash,
    } for s in a.sections]
    metrics = []
    for i, x in enumerate(a.metrics, start=1):
        raw_start, raw_end = raw_map.raw_span(x.char_start, x.char_end)
        metrics.append({
            "report_id": rid, "metric_id": i, "metric_code": x.metric_code, "dimension": x.dimension, "label": x.label,
            "value": x.value, "unit": x.unit, "source_kind": x.source_kind, "qualifier": x.qualifier,
            "is_redacted": bool(x.is_redacted), "section_id": x.section_id, "evidence": x.evidence,
            "char_start": x.char_start, "char_end": x.char_end,
            "raw_char_start": raw_start, "raw_char_end": raw_end, "page": x.page,
            **dict(zip(("table_no", "row_no", "col_no"), x.cell or (None, None, None))),
        })
    cells = [{"report_id": rid, "table_no": c.table_no, "row_no": c.row_no, "col_no": c.col_no,
              "row_label": c.row_label, "col_label": c.col_label, "cell_text": c.text, "value": c.value,
              "unit": c.unit, "value_kind": c.value_kind, "has_metric": c.has_metric, "page": c.page,
              "char_start": c.char_start, "char_end": c.char_end} for c in a.cells]
    keywords = [{"report_id": rid, "term": term, "weight": float(weight), "rank": rank}
                for rank, (term, weight) in enumerate(a.keywords, start=1)]
    issues = [{"report_id": rid, "rule": i.rule, "severity": i.severity, "detail": i.detail} for i in a.issues]
    return {"core.dim_report": dims, "core.fact_section": sections, "core.fact_metric": metrics,
            "core.fact_table_cell": cells, "core.fact_keyword": keywords, "core.quality_issue": issues}


def core_frames(analyses: Iterable[ReportAnalysis], runs_by_report: dict[str, list[list[int]]]) -> dict[str, pd.DataFrame]:
    """Warehouse-shaped frames of many analysed reports (offset maps given as stored runs)."""
    from gov_pipeline.text.pipeline import expand_runs

    rows: dict[str, list[dict]] = {name: [] for name in CORE_ROW_TABLES}
    for a in analyses:
        # the offset map back to the raw text, rebuilt from its stored runs (model.Cleaned does the mapping)
        raw_map = Cleaned(a.cleaned.text, expand_runs(runs_by_report.get(a.report_id, [])))
        for name, table_rows in core_rows(a, raw_map).items():
            rows[name] += table_rows
    return {name: frame(name, table_rows) for name, table_rows in rows.items()}


CORE_ROW_TABLES = ("core.dim_report", "core.fact_section", "core.fact_metric", "core.fact_table_cell", "core.fact_keyword",
                   "core.quality_issue")
