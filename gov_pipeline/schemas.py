"""The warehouse contract: one pandera schema per table, and everything derived from it.

Each column is declared once with its DuckDB type, pandas dtype, checks and description.
From these schemas come the DuckDB DDL, the Dagster column schema shown in the UI, the
validation run before every write, the asset checks, and the README's table docs are
tested against them.
"""
from __future__ import annotations

from dataclasses import dataclass

import pandas as pd
import pandera.pandas as pa

from gov_pipeline.text.model import (
    ADMIN_LEVELS, CELL_KINDS, FILE_FORMATS, FORMAT_ERAS, QUALIFIERS, REPORT_KINDS, SEVERITIES, SOURCE_KINDS, TOPICS,
)

_PANDAS = {
    "VARCHAR": object, "BIGINT": "Int64", "INTEGER": "Int64", "DOUBLE": "float64",
    "BOOLEAN": "bool", "TIMESTAMP": "datetime64[ns]", "DATE": "datetime64[ns]",
}


def col(duck: str, description: str, *, nullable: bool = False, checks=None) -> pa.Column:
    checks = [checks] if isinstance(checks, pa.Check) else list(checks or [])
    if duck == "VARCHAR":
        # object columns: every non-null value must be a str
        checks.insert(0, pa.Check(lambda s: s.map(lambda v: isinstance(v, str)), element_wise=False,
                                  name="is_string", ignore_na=True))
    return pa.Column(_PANDAS[duck], checks=checks, nullable=nullable, description=description,
                     metadata={"duckdb": duck}, coerce=duck not in ("VARCHAR",))


INVENTORY_STATUSES = ("loaded", "duplicate", "quarantined", "pending", "ignored")


def one_of(values) -> pa.Check:
    return pa.Check.isin(list(values))


def _span_ok(df: pd.DataFrame) -> pd.Series:
    return df["char_end"] >= df["char_start"]


@dataclass(frozen=True)
class TableDef:
    name: str  # "schema.table"
    schema: pa.DataFrameSchema
    partitioned: bool  # rows belong to one report (report_id) and are replaced per report

    @property
    def key(self) -> list[str]:
        return self.name.split(".")

    @property
    def columns(self) -> list[str]:
        return list(self.schema.columns)

    def ddl(self) -> str:
        cols = ",\n  ".join(f'"{n}" {c.metadata["duckdb"]}' for n, c in self.schema.columns.items())
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n  {cols}\n)"

    def empty(self) -> pd.DataFrame:
        return pd.DataFrame({n: pd.Series(dtype=c.dtype.type if c.dtype else object)
                             for n, c in self.schema.columns.items()})


def _table(name, description, columns, *, unique=None, partitioned=True, checks=None) -> TableDef:
    schema = pa.DataFrameSchema(columns, name=name, description=description, unique=unique,
                                strict=True, ordered=False, checks=checks or [], report_duplicates="all")
    return TableDef(name, schema, partitioned)


_report_id = lambda: col("VARCHAR", "Report id (stable, derived from the file's path in the inbox).")  # noqa: E731
_nonneg = pa.Check.ge(0)
_SHA = pa.Check.str_matches(r"^[0-9a-f]{64}$")
_source_sha = lambda: col("VARCHAR", "SHA-256 of the raw.reports bytes this row was derived from; the row is derived "  # noqa: E731
                          "again when the file's bytes change.", checks=_SHA)
_text_version = lambda: col("VARCHAR", "Version (12 hex digits) of the text library and reference data that derived "  # noqa: E731
                            "this row (gov_pipeline/version.py); every report is derived again when it changes.",
                            checks=pa.Check.str_matches(r"^[0-9a-f]{12}$"))

TABLES: dict[str, TableDef] = {t.name: t for t in [
    _table("raw.reports", "One row per report file as it arrived: bytes' hash, format and the text read from it.", {
        "report_id": _report_id(),
        "source_path": col("VARCHAR", "Path of the file relative to the inbox."),
        "content_sha256": col("VARCHAR", "SHA-256 of the file's bytes; NULL when the file could not be read.",
                              nullable=True, checks=_SHA),
        "byte_size": col("BIGINT", "Size of the file in bytes.", checks=_nonneg),
        "encoding": col("VARCHAR", "Detected text encoding (utf-8, utf-8-sig, utf-16-le, gb18030, ...) of a text file or HTML page; NULL for a Word or PDF file or if undecodable.", nullable=True),
        "format": col("VARCHAR", "text | html | docx | pdf | doc (an old Word or WPS file, converted by LibreOffice): the file's format, told by its bytes (not its suffix); NULL if the file could not be read.", nullable=True, checks=one_of(FILE_FORMATS)),
        "reader": col("VARCHAR", "The library and version that read it (gov_pipeline.text.decode, lxml 6.2.1, python-docx 1.2.0, pdfplumber 0.11.11); NULL if it could not be read.", nullable=True),
        "text": col("VARCHAR", "The report's text: a text file decoded, unchanged; an HTML page's article body, a Word file's paragraphs or a PDF's text layer (page numbers and running titles dropped), with every table as one line per row and its cells between | (a merged cell once in each row it covers); NULL if unreadable.", nullable=True),
        "decode_error": col("VARCHAR", "Why the file could not be read or decoded (the quarantine reason); NULL if it decoded.", nullable=True),
        "duplicate_of": col("VARCHAR", "report_id of the first copy of the same bytes (the copy loaded first, while it stays in the inbox unchanged; else the smallest report_id); NULL for the first copy itself.", nullable=True),
        "ingested_at": col("TIMESTAMP", "UTC time this content was first ingested (kept while the bytes are unchanged)."),
        "layout": col("VARCHAR", "JSON: what the file knows beyond its text, as offsets into text: pages ([offset where the page starts, page number]) and tables (each grid's page and its cells as [row, column, row span, column span, start, end]); NULL for a text file (and an unreadable one).", nullable=True),
        "file_mtime": col("TIMESTAMP", "UTC modification time of the file when it was read (microseconds): with source_path and byte_size, how a sync of the inbox tells a changed file from an unchanged one; NULL in rows written before it was recorded.", nullable=True),
        "run_id": col("VARCHAR", "The Dagster run that last read the file (open it in the UI: /runs/<run_id>); NULL in rows written before it was recorded.", nullable=True),
    }, unique=["report_id"]),
    _table("staging.clean_reports", "Cleaned text of each decoded, non-duplicate report, with cleaning bookkeeping.", {
        "report_id": _report_id(),
        "clean_text": col("VARCHAR", "Text after every cleaning rule (chrome, wrappers, page markers, placeholders removed; normalised); NULL if cleaning failed.", nullable=True),
        "clean_error": col("VARCHAR", "Why cleaning failed (the report is then quarantined); NULL on success.", nullable=True),
        "char_count": col("BIGINT", "Characters in clean_text.", checks=_nonneg),
        "raw_char_count": col("BIGINT", "Characters in the decoded raw text.", checks=_nonneg),
        "converted_from_traditional": col("BOOLEAN", "True when the text was Traditional script and was converted to Simplified."),
        "rules_applied": col("VARCHAR", "JSON object: cleaning rule name -> times it fired."),
        "offset_runs": col("VARCHAR", "JSON list of [clean_start, raw_start, length] runs mapping clean_text offsets back to raw.reports.text."),
        "page_published_on": col("DATE", "Publication date captured from the web page's 发布日期/发布时间 line before it was removed.", nullable=True),
        "page_source": col("VARCHAR", "Publisher captured from the page's 来源 line.", nullable=True),
        "content_sha256": _source_sha(),
        "text_version": _text_version(),
    }, unique=["report_id"]),
    _table("core.dim_report", "One row per successfully parsed report: who wrote it, for which year, in which format.", {
        "report_id": _report_id(),
        "title": col("VARCHAR", "Report title as written; NULL when the text has no title line.", nullable=True),
        "agency_name": col("VARCHAR", "Issuing agency in the fullest form found (title, signature, the sentence naming who wrote the report, page fields, body): a bureau, a government, an office, a committee, a 管委会.", nullable=True),
        "agency_key": col("VARCHAR", "Canonical agency key, stable across years and the 2018-2019 环保局→生态环境局 rename: province/city/county/生态环境 for environmental bureaus, province/city/county/<function> for other agencies (…/政府, …/管委会办公室); a district or zone the gazetteer does not know adds its own name.", nullable=True),
        "admin_level": col("VARCHAR", "province | city | county | unknown (districts, banners, county-level cities are county).", checks=one_of(ADMIN_LEVELS)),
        "province": col("VARCHAR", "Province-level division, from the region gazetteer: the agency's own place, else the title's, else the place names of the body (region_evidence).", nullable=True),
        "city": col("VARCHAR", "Prefecture-level division (municipalities repeat the province).", nullable=True),
        "county": col("VARCHAR", "County-level division.", nullable=True),
        "report_year": col("INTEGER", "Year the report covers (statistics period and body beat the title).", nullable=True, checks=pa.Check.in_range(2000, 2035)),
        "report_kind": col("VARCHAR", "annual_report | half_year_summary | quarterly_report | work_summary | other.", checks=one_of(REPORT_KINDS)),
        "format_era": col("VARCHAR", "narrative | table_2014 | table_2019 | table_2021 (statistics-table generation found).", checks=one_of(FORMAT_ERAS)),
        "published_on": col("DATE", "Publication date from the web page or the signature; NULL when no full date is stated.", nullable=True),
        "doc_number": col("VARCHAR", "Normalised document number of the report or its cover letter, e.g. 鄂环字〔2017〕106号.", nullable=True),
        "region_evidence": col("VARCHAR", "The place names province, city and county were read from, as a JSON list of {place, where (agency | title | body | cited | page), start, end (offsets in clean_text, -1 when read from the title or a page field), region}; NULL when no region was found.", nullable=True),
        "char_count": col("BIGINT", "Characters in the clean text.", checks=_nonneg),
        "content_sha256": _source_sha(),
        "text_version": _text_version(),
    }, unique=["report_id"]),
    _table("core.fact_section", "The section tree of each report, with topics and spans in the clean text.", {
        "report_id": _report_id(),
        "section_id": col("INTEGER", "1-based id of the section within its report, in document order.", checks=pa.Check.ge(1)),
        "parent_section_id": col("INTEGER", "section_id of the parent; NULL at the top level.", nullable=True),
        "depth": col("INTEGER", "1 for top-level parts, 2 for (一), 3 for 1., 4 for (1).", checks=pa.Check.in_range(1, 9)),
        "ordinal": col("INTEGER", "1-based position among its siblings.", checks=pa.Check.ge(1)),
        "heading": col("VARCHAR", "Heading text without its numbering marker (一、 (一) 1. (1)); '' for the preamble."),
        "topic": col("VARCHAR", "Topic from ref.topic.", checks=one_of(TOPICS)),
        "body": col("VARCHAR", "The section's own text (up to its first child section)."),
        "kind": col("VARCHAR", "heading | preamble | cover_letter | statistics_table.", checks=one_of(("heading", "preamble", "cover_letter", "statistics_table"))),
        "char_start": col("INTEGER", "Start offset in staging.clean_reports.clean_text (0-based, inclusive).", checks=_nonneg),
        "char_end": col("INTEGER", "End offset (0-based, exclusive), covering all descendants.", checks=_nonneg),
        "shingles": col("INTEGER", "Distinct word 3-grams of the body (jieba tokens, punctuation left out): what text reuse is measured on.", checks=_nonneg),
        "minhash": col("VARCHAR", "MinHash signature of those 3-grams: 64 integers separated by spaces (gov_pipeline/text/reuse.py); the element-wise minimum of several sections' signatures is the signature of their text together; NULL for an empty body.", nullable=True),
    }, unique=["report_id", "section_id"], checks=[pa.Check(_span_ok, name="char_end_ge_start")]),
    _table("core.fact_metric", "Every figure extracted from a report, with provenance.", {
        "report_id": _report_id(),
        "metric_id": col("INTEGER", "1-based id of the figure within its report.", checks=pa.Check.ge(1)),
        "metric_code": col("VARCHAR", "Code from ref.metric_catalog."),
        "dimension": col("VARCHAR", "NULL for the headline figure; else key=value pairs joined by ';' (e.g. applicant=natural_person, channel=wechat, category=org_function;of=proactive_total); values from ref.figure_dimension where it lists the key.", nullable=True),
        "label": col("VARCHAR", "The phrase the figure counts, as printed: the table row label, or the noun phrase next to the number in prose (机构职能类, 通过微信公众号发布); NULL when none was printed.", nullable=True),
        "value": col("DOUBLE", "The figure in the catalogue unit (money in 万元, 万 applied: 770万 is 7700000); NULL when the cell is blank or the digits are redacted.", nullable=True),
        "unit": col("VARCHAR", "Unit: the catalogue's for money (万元), else as written (条, 件, 篇, 期, 人次, %, ...).", nullable=True),
        "source_kind": col("VARCHAR", "table | narrative.", checks=one_of(SOURCE_KINDS)),
        "qualifier": col("VARCHAR", "NULL | approx | as_of | cumulative | partial_period | negation.", nullable=True, checks=one_of(QUALIFIERS)),
        "is_redacted": col("BOOLEAN", "True when the digits were redacted with x in the source (2xxx)."),
        "section_id": col("INTEGER", "Section the evidence sits in (core.fact_section).", nullable=True),
        "evidence": col("VARCHAR", "The sentence or table row the figure was read from."),
        "char_start": col("INTEGER", "Start of the evidence in staging.clean_reports.clean_text (0-based, inclusive).", checks=_nonneg),
        "char_end": col("INTEGER", "End of the evidence in clean_text (0-based, exclusive).", checks=_nonneg),
        "raw_char_start": col("INTEGER", "Start of the evidence in raw.reports.text (0-based, inclusive).", checks=_nonneg),
        "raw_char_end": col("INTEGER", "End of the evidence in raw.reports.text (0-based, exclusive).", checks=_nonneg),
        "page": col("INTEGER", "Page the evidence is printed on (PDF files); NULL for other formats.", nullable=True, checks=pa.Check.ge(1)),
        "table_no": col("INTEGER", "For a table figure: the core.fact_table_cell it was read from (table_no, row_no, col_no); NULL for prose and for a total the table does not print (litigation = direct + after review).", nullable=True, checks=pa.Check.ge(1)),
        "row_no": col("INTEGER", "Row of that cell (see core.fact_table_cell.row_no).", nullable=True, checks=pa.Check.ge(1)),
        "col_no": col("INTEGER", "Column of that cell (see core.fact_table_cell.col_no).", nullable=True, checks=pa.Check.ge(1)),
    }, unique=["report_id", "metric_id"], checks=[pa.Check(_span_ok, name="char_end_ge_start")]),
    _table("core.fact_table_cell", "Every value cell of every recognised statistics table, as printed: the evidence a table figure in core.fact_metric points to (table_no, row_no, col_no).", {
        "report_id": _report_id(),
        "table_no": col("INTEGER", "The report's statistics table, 1-based in reading order (a table continued on the next page keeps its number).", checks=pa.Check.ge(1)),
        "row_no": col("INTEGER", "Row: for a table read as a grid (HTML, Word, PDF) the cell's row in the printed grid, header rows included (1-based, the top row of a merged cell); for a table read from text, the row's place among the table's rows read.", checks=pa.Check.ge(1)),
        "col_no": col("INTEGER", "Column: for a grid the cell's column in the printed grid (1-based, label columns included, the left column of a merged cell); from text, the cell's place among its row's value columns (1 = the first value column).", checks=pa.Check.ge(1)),
        "row_label": col("VARCHAR", "The row's own label as printed (1.属于国家秘密; the groups above it are in core.fact_metric's code and dimension), as core.fact_metric.label; NULL for Table C's label-less row of 15 cells.", nullable=True),
        "col_label": col("VARCHAR", "The column's header: as printed above the cell for a grid (stacked headers joined), the official header (assets/table_columns.csv) for a table read from text; NULL when unknown.", nullable=True),
        "cell_text": col("VARCHAR", "The cell's text as printed ('' for an empty cell)."),
        "value": col("DOUBLE", "The number the cell holds as printed (no unit conversion: core.fact_metric has the figure in its catalogue unit); NULL for blank, dash, text and redacted cells.", nullable=True),
        "unit": col("VARCHAR", "The cell's unit as printed in the cell, its row or its table header (件, 元, 万元); NULL when none.", nullable=True),
        "value_kind": col("VARCHAR", "One of number, zero, blank (an empty cell), dash (-, —, /), text (a word: 无, 见附件), redacted (2xxx, ***).", checks=one_of(CELL_KINDS)),
        "has_metric": col("BOOLEAN", "True when a core.fact_metric row points to this cell (False: a row whose label the catalogue does not know, or a second copy of a figure already read)."),
        "page": col("INTEGER", "Page the cell is printed on (PDF files); NULL for other formats.", nullable=True, checks=pa.Check.ge(1)),
        "char_start": col("INTEGER", "Start in staging.clean_reports.clean_text: of the cell's text for a grid, of its row for a table read from text.", checks=_nonneg),
        "char_end": col("INTEGER", "End (exclusive) of that span.", checks=_nonneg),
    }, unique=["report_id", "table_no", "row_no", "col_no"], checks=[pa.Check(_span_ok, name="char_end_ge_start")]),
    _table("core.fact_keyword", "Top TF-IDF keywords of each report (jieba with the domain dictionary).", {
        "report_id": _report_id(),
        "term": col("VARCHAR", "Keyword."),
        "weight": col("DOUBLE", "TF-IDF weight.", checks=_nonneg),
        "rank": col("INTEGER", "1 = strongest.", checks=pa.Check.in_range(1, 100)),
    }, unique=["report_id", "rank"]),
    _table("core.quality_issue", "Data-quality findings: consistency rules, schema violations, year conflicts.", {
        "report_id": _report_id(),
        "rule": col("VARCHAR", "Rule name (e.g. staff_sum, request_balance, prose_table_mismatch, schema:core.fact_metric)."),
        "severity": col("VARCHAR", "error | warning | info.", checks=one_of(SEVERITIES)),
        "detail": col("VARCHAR", "What was found, with the figures."),
    }),
    _table("core.quarantine", "Reports that could not be read, decoded or parsed, with the reason; the rest of the run goes on.", {
        "report_id": _report_id(),
        "source_path": col("VARCHAR", "Path of the file relative to the inbox."),
        "content_sha256": col("VARCHAR", "SHA-256 of the file's bytes; NULL when the file could not be read.", nullable=True),
        "stage": col("VARCHAR", "read | decode | parse.", checks=one_of(("read", "decode", "parse"))),
        "reason": col("VARCHAR", "Human-readable reason."),
        "detected_at": col("TIMESTAMP", "UTC time the bytes were first ingested."),
        "text_version": _text_version(),
    }, unique=["report_id"]),
    _table("core.report_inventory", "Every file currently in the inbox and its status: the reports, and every other file "
           "with the reason it is not read; the step that prunes removed reports.", {
        "report_id": col("VARCHAR", "Report id (stable, derived from the file's path in the inbox); for an ignored "
                                    "file, the id it would have."),
        "source_path": col("VARCHAR", "Path of the file relative to the inbox."),
        "content_sha256": col("VARCHAR", "SHA-256 of the file's bytes; NULL when they were not read (ignored or "
                                         "unreadable files).", nullable=True),
        "status": col("VARCHAR", "loaded | duplicate | quarantined | pending | ignored.", checks=one_of(INVENTORY_STATUSES)),
        "duplicate_of": col("VARCHAR", "For duplicates: the report_id of the first byte-identical copy.", nullable=True),
        "reason": col("VARCHAR", "Why the file was quarantined or ignored; NULL otherwise.", nullable=True),
    }, unique=["report_id"], partitioned=False),
    _table("ref.metric_catalog", "The metric catalogue (assets/metric_catalog.csv).", {
        "code": col("VARCHAR", "Metric code used in core.fact_metric."),
        "label_zh": col("VARCHAR", "Chinese label."),
        "aliases": col("VARCHAR", "Other Chinese labels, '|'-separated.", nullable=True),
        "unit": col("VARCHAR", "Unit of value; NULL when the figure keeps the unit written (yoy_change, other_figure).", nullable=True),
        "eras": col("VARCHAR", "Formats that state it, '|'-separated (narrative, table_2014, table_2019, table_2021)."),
        "is_headline": col("BOOLEAN", "True for the cross-year headline figures that get a column in marts.report_metrics_wide."),
        "description": col("VARCHAR", "What the figure means."),
        "min_value": col("DOUBLE", "Sanity lower bound (NULL = none).", nullable=True),
        "max_value": col("DOUBLE", "Sanity upper bound (NULL = none).", nullable=True),
    }, unique=["code"], partitioned=False),
    _table("ref.figure_dimension", "Normalised dimension values of core.fact_metric and the printed words that map to "
           "them (assets/figure_dimensions.csv).", {
        "dimension": col("VARCHAR", "Dimension key (channel, category, kind)."),
        "value": col("VARCHAR", "Normalised value used in core.fact_metric.dimension (e.g. wechat)."),
        "aliases": col("VARCHAR", "Printed words that map to it, '|'-separated, longest match wins."),
        "description": col("VARCHAR", "What the value covers."),
    }, unique=["dimension", "value"], partitioned=False),
    _table("ref.topic", "The section topic taxonomy (assets/topic_taxonomy.csv).", {
        "topic": col("VARCHAR", "Topic code used in core.fact_section.", checks=one_of(TOPICS)),
        "label_zh": col("VARCHAR", "Chinese label."),
        "description": col("VARCHAR", "What sections of this topic contain."),
        "heading_terms": col("VARCHAR", "Terms that mark the topic in a heading, '|'-separated.", nullable=True),
        "body_terms": col("VARCHAR", "Terms that mark the topic in a body, '|'-separated.", nullable=True),
    }, unique=["topic"], partitioned=False),
    _table("ref.correction", "Corrections of extracted figures made by people (assets/corrections.csv): applied in the marts "
           "(marts.corrected_metric) with the original value kept beside; the extracted facts are never changed.", {
        "correction_id": col("VARCHAR", "A name for the correction, unique in the file (e.g. c001)."),
        "report_id": col("VARCHAR", "The report it corrects; NULL when it names the agency and year instead.", nullable=True),
        "agency_key": col("VARCHAR", "With report_year: the agency whose report for that year it corrects (any of its reports).", nullable=True),
        "report_year": col("INTEGER", "Year covered, with agency_key.", nullable=True),
        "metric_code": col("VARCHAR", "Metric code of the figure (ref.metric_catalog)."),
        "dimension": col("VARCHAR", "Dimension of the figure as in core.fact_metric; NULL (empty in the file) for the headline figure.", nullable=True),
        "corrected_value": col("DOUBLE", "The right value, in the catalogue unit; NULL when the figure should be blank.", nullable=True),
        "reason": col("VARCHAR", "Why: what the source says, where."),
        "corrected_by": col("VARCHAR", "Who made the correction."),
        "corrected_on": col("DATE", "When."),
    }, unique=["correction_id"], partitioned=False,
       checks=[pa.Check(lambda df: df["report_id"].notna() | (df["agency_key"].notna() & df["report_year"].notna()),
                        name="names_a_report_or_an_agency_year")]),
    _table("ref.acknowledged_finding", "Audit findings people reviewed and accepted (assets/acknowledged_findings.csv): "
           "marts.audit_findings marks them acknowledged, so they stop showing as open.", {
        "finding_id": col("VARCHAR", "marts.audit_findings.finding_id of the finding."),
        "reason": col("VARCHAR", "Why it is accepted (the publisher's error is as printed; explained in the report…)."),
        "acknowledged_by": col("VARCHAR", "Who reviewed it."),
        "acknowledged_on": col("DATE", "When."),
    }, unique=["finding_id"], partitioned=False),
    _table("ref.expected_agency", "Agencies expected to publish a report every year (assets/expected_agencies.csv), whether or "
           "not the pipeline has seen one of their reports: marts.coverage lists their missing years.", {
        "agency_key": col("VARCHAR", "Canonical agency key, as core.dim_report.agency_key (province/city/county/function)."),
        "agency_name": col("VARCHAR", "The agency's name."),
        "first_year": col("INTEGER", "First year a report is expected for.", checks=pa.Check.in_range(1990, 2100)),
        "last_year": col("INTEGER", "Last year a report is expected for; NULL: every year up to the latest year any report covers.", nullable=True),
    }, unique=["agency_key"], partitioned=False),
    _table("meta.model_state", "Bookkeeping of the incremental SQL models (`-- incremental: <key>`): what each report "
           "was when a model last included it. A refresh compares it with the warehouse and rebuilds only the key "
           "values of the reports that changed. Internal: written by the marts step, not for analysis.", {
        "model": col("VARCHAR", "SQL model (schema.name)."),
        "build_version": col("VARCHAR", "Version of the model's SQL and of every SQL model upstream of it; when it "
                                        "changes the model is rebuilt in full."),
        "report_id": _report_id(),
        "fingerprint": col("VARCHAR", "MD5 of what the report's rows derive from (its core.report_inventory row, and "
                                      "the bytes and text version its core rows were derived from)."),
        "key_value": col("VARCHAR", "The report's value of the model's incremental key at that build, as text; NULL "
                                    "when it has none.", nullable=True),
    }, unique=["model", "report_id"], partitioned=False),
    _table("meta.changes", "The warehouse's change journal: which rows of which table each write replaced, so that the "
           "analysts' copy is brought up to date by the changed rows only (a spare copy patched, then swapped in) "
           "instead of copied whole. Entries both copies hold already are trimmed. Internal: written with every "
           "write, not for analysis.", {
        "seq": col("BIGINT", "Order of the write (one number per write of one table)."),
        "table_name": col("VARCHAR", "The table written (schema.name)."),
        "key_columns": col("VARCHAR", "The columns that identify the rows replaced (comma-separated); NULL: the whole "
                                      "table was replaced.", nullable=True),
        "key_value": col("VARCHAR", "Their value in the rows replaced, as text (several columns joined by U+001F); "
                                    "NULL: the rows where the key is NULL.", nullable=True),
    }, partitioned=False),
]}

PER_REPORT_TABLES = [t for t in TABLES.values() if t.partitioned]
# Tables whose rows each belong to one report: what an incremental SQL model may read (sql_models.load_models)
REPORT_KEYED_TABLES = frozenset({t.name for t in PER_REPORT_TABLES} | {"core.report_inventory"})


@dataclass
class Validation:
    valid: pd.DataFrame  # rows that passed, coerced to the schema's dtypes
    failures: pd.DataFrame  # pandera failure cases (column, check, failure_case, index)
    dropped: pd.DataFrame  # the rows that failed (never written)


class SchemaViolation(Exception):
    """A whole-table failure (missing column, wrong type) that no row filtering can fix."""


def validate(table: TableDef, df: pd.DataFrame) -> Validation:
    """Validate lazily; rows that fail a check are split off, table-level failures raise."""
    df = df.reset_index(drop=True)
    try:
        return Validation(table.schema.validate(df, lazy=True), pd.DataFrame(), df.iloc[0:0])
    except pa.errors.SchemaErrors as err:
        cases = err.failure_cases
        if cases["index"].isna().any():
            table_level = cases[cases["index"].isna()].head(20)
            raise SchemaViolation(f"{table.name} failed validation:\n{table_level.to_string()}") from err
        bad = sorted({int(i) for i in cases["index"]})
        dropped = df.loc[bad]
        valid = table.schema.validate(df.drop(index=bad), lazy=True)
        return Validation(valid, cases, dropped)

