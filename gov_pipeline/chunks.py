"""Derivation in chunks: what a text worker writes, and what the one writer merges into the warehouse.

A chunk is a Parquet file of raw.reports rows (the reports to derive, exported by the step that plans the
derivation). A worker, on any process or machine that sees the chunk folder, derives every report of the chunk
(clean, parse, validate against the tables' pandera schemas) and writes a *part*: one Parquet file per staging/core
table and a summary (what was derived from which bytes by which text version, rows kept out, previews). A part is
written into a temporary folder and renamed into place when complete, so a reader sees whole parts or nothing.
Many workers may write at once; only the merge (gov_pipeline/defs/core.py) opens the warehouse.

No Dagster import; DuckDB is used in memory only, to read and write Parquet.
"""
from __future__ import annotations

import json
import os
import shutil
import time
import uuid
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from gov_pipeline.frames import Derived, derive_report, frame
from gov_pipeline.reader import sql_string
from gov_pipeline.schemas import TABLES, validate

CLEAN = "staging.clean_reports"
CORE_TABLES = ["core.dim_report", "core.fact_section", "core.fact_table_cell", "core.fact_metric",
               "core.fact_keyword", "core.quality_issue", "core.quarantine"]  # in dependency order
DERIVED_TABLES = [CLEAN, *CORE_TABLES]
RAW_COLUMNS = ["report_id", "source_path", "content_sha256", "decode_error", "ingested_at"]
INPUT_COLUMNS = [*RAW_COLUMNS, "text", "layout"]
SUMMARY = "summary.json"
PREVIEW_ROWS = 10
FAILURE_ROWS = 50


def _parquet(con: duckdb.DuckDBPyConnection, df: pd.DataFrame, path: Path) -> None:
    con.register("_gov_df", df)
    try:
        con.execute(f"COPY _gov_df TO {sql_string(path)} (FORMAT parquet)")
    finally:
        con.unregister("_gov_df")


def read_input(path: Path) -> pd.DataFrame:
    """A chunk's raw.reports rows."""
    con = duckdb.connect()
    try:
        return con.execute(f"SELECT * FROM read_parquet({sql_string(path)}) ORDER BY report_id").df()
    finally:
        con.close()


def quarantine_row(raw, stage: str, reason: str, version: str) -> dict:
    return {"report_id": raw.report_id, "source_path": raw.source_path, "content_sha256": raw.content_sha256,
            "stage": stage, "reason": reason, "detected_at": raw.ingested_at, "text_version": version}


def schema_issue_rows(name: str, dropped: pd.DataFrame, failures: pd.DataFrame) -> list[dict]:
    """core.quality_issue rows for the rows pandera kept out of a table."""
    rows = []
    if not len(dropped):
        return rows
    cases = failures.groupby("index")
    for idx, row in dropped.iterrows():
        group = cases.get_group(idx) if idx in cases.groups else None
        why = "; ".join(f"{c}: {k} ({v})" for c, k, v in group[["column", "check", "failure_case"]].itertuples(
            index=False)) if group is not None else "failed"
        rows.append({"report_id": str(row.get("report_id", "")), "rule": f"schema:{name}",
                     "severity": "error", "detail": f"row kept out of {name}: {why}"[:1000]})
    return rows


def chunk_frames(raw: pd.DataFrame, results, version: str) -> dict[str, pd.DataFrame]:
    """The staging/core frames of a chunk, before validation. raw: the chunk's raw.reports rows (without text);
    results: their Derived, in any order. Reports that could not be read or decoded are quarantined (stage
    read/decode), reports the library could not clean or parse too (stage parse)."""
    rows: dict[str, list[dict]] = {name: [] for name in DERIVED_TABLES}
    by_id = raw.set_index("report_id", drop=False)
    for r in raw[raw["decode_error"].notna()].itertuples():
        stage = "decode" if isinstance(r.content_sha256, str) else "read"  # no hash: no bytes were read
        rows["core.quarantine"].append(quarantine_row(r, stage, r.decode_error, version))
    derived: Derived
    for derived in results:
        for name, table_rows in derived.rows.items():
            rows[name] += table_rows
        if derived.failure:
            rows["core.quarantine"].append(
                quarantine_row(by_id.loc[derived.report_id], "parse", derived.failure, version))
    frames = {name: frame(name, table_rows) for name, table_rows in rows.items()}
    sha = by_id["content_sha256"]
    for name in (CLEAN, "core.dim_report"):  # what each report was derived from, and by which version
        df = frames[name]
        frames[name] = df.assign(content_sha256=df["report_id"].map(sha), text_version=version)
    return frames


@dataclass
class TableTally:
    """What a part (or a merge of parts) holds of one table: rows, rows kept out, a preview, failure cases."""
    rows: int = 0
    dropped: int = 0
    head: list[dict] = field(default_factory=list)
    failures: list[dict] = field(default_factory=list)

    def add(self, other: "TableTally") -> None:
        self.rows += other.rows
        self.dropped += other.dropped
        self.head = (self.head + other.head)[:PREVIEW_ROWS]
        self.failures = (self.failures + other.failures)[:FAILURE_ROWS]


@dataclass
class Summary:
    """A part's summary.json: which reports it derived (from which bytes, by which version) and its tallies."""
    reports: dict[str, str | None]  # report_id -> content_sha256 it was derived from
    version: str
    tables: dict[str, TableTally]
    by_rule: Counter = field(default_factory=Counter)
    by_source: Counter = field(default_factory=Counter)
    counts: Counter = field(default_factory=Counter)
    seconds: Counter = field(default_factory=Counter)

    def to_json(self) -> str:
        return json.dumps({"reports": self.reports, "version": self.version,
                           "tables": {k: vars(v) for k, v in self.tables.items()}, "by_rule": self.by_rule,
                           "by_source": self.by_source, "counts": self.counts, "seconds": self.seconds},
                          ensure_ascii=False, default=str)

    @classmethod
    def from_json(cls, text: str) -> "Summary":
        d = json.loads(text)
        return cls(d["reports"], d["version"], {k: TableTally(**v) for k, v in d["tables"].items()},
                   Counter(d["by_rule"]), Counter(d["by_source"]), Counter(d["counts"]), Counter(d["seconds"]))

    @classmethod
    def empty(cls, version: str = "") -> "Summary":
        return cls({}, version, {name: TableTally() for name in DERIVED_TABLES})

    def add(self, other: "Summary") -> None:
        self.reports.update(other.reports)
        for name, tally in other.tables.items():
            self.tables.setdefault(name, TableTally()).add(tally)
        for mine, theirs in ((self.by_rule, other.by_rule), (self.by_source, other.by_source),
                             (self.counts, other.counts), (self.seconds, other.seconds)):
            mine.update(theirs)


def _records(df: pd.DataFrame) -> list[dict]:
    return json.loads(df.to_json(orient="records", date_format="iso", force_ascii=False)) if len(df) else []


def derive_chunk(chunk: Path, parts: Path, segmenter: str, version: str) -> Path:
    """Derive every report of a chunk file and write its part under `parts` (created atomically: a temporary
    folder renamed into place). Returns the part's folder."""
    t0 = time.perf_counter()
    raw = read_input(chunk)
    todo = raw[raw["text"].notna()]
    results = [derive_report((rid, text, segmenter, layout))
               for rid, text, layout in zip(todo["report_id"], todo["text"], todo["layout"])]
    t1 = time.perf_counter()
    frames = chunk_frames(raw.drop(columns=["text", "layout"]), results, version)
    summary = Summary({r: s for r, s in zip(raw["report_id"], raw["content_sha256"])}, version, {})
    issues = [frames.pop("core.quality_issue")]
    valid: dict[str, pd.DataFrame] = {}
    for name in [n for n in DERIVED_TABLES if n != "core.quality_issue"] + ["core.quality_issue"]:
        if name == "core.quality_issue":
            frames[name] = pd.concat(issues, ignore_index=True)
        v = validate(TABLES[name], frames[name])
        if name == CLEAN and len(v.dropped):  # staging rows must pass: the merge fails with the cases shown
            summary.counts["staging_rows_failed"] += len(v.dropped)
        issues.append(frame("core.quality_issue", schema_issue_rows(name, v.dropped, v.failures)))
        valid[name] = v.valid
        failures = v.failures[["column", "check", "failure_case", "index"]].head(FAILURE_ROWS).astype(str) \
            if len(v.failures) else pd.DataFrame()
        summary.tables[name] = TableTally(len(v.valid), len(v.dropped), _records(v.valid.head(PREVIEW_ROWS)),
                                          _records(failures))
    issue_df = valid["core.quality_issue"]
    summary.by_rule.update(issue_df["rule"])
    summary.by_source.update(valid["core.fact_metric"]["source_kind"])
    clean = valid[CLEAN]
    summary.counts.update(cleaning_failures=int(clean["clean_error"].notna().sum()),
                          chars_removed=int((clean["raw_char_count"] - clean["char_count"]).sum()))
    parts.mkdir(parents=True, exist_ok=True)
    tmp = parts / f".tmp-{uuid.uuid4().hex}"
    tmp.mkdir()
    con = duckdb.connect()
    try:
        for name, df in valid.items():
            if len(df):
                _parquet(con, df, tmp / f"{name}.parquet")
    finally:
        con.close()
    summary.seconds.update(deriving=t1 - t0, validating_and_writing=time.perf_counter() - t1)
    (tmp / SUMMARY).write_text(summary.to_json(), encoding="utf-8")
    final = parts / f"part-{chunk.stem}-{uuid.uuid4().hex[:8]}"
    os.rename(tmp, final)
    return final


def finished_parts(parts: Path) -> list[Path]:
    """The complete parts waiting in `parts` (oldest first)."""
    if not parts.is_dir():
        return []
    found = [p for p in parts.iterdir() if p.name.startswith("part-") and (p / SUMMARY).is_file()]
    return sorted(found, key=lambda p: (p.stat().st_mtime_ns, p.name))


def read_summary(part: Path) -> Summary:
    return Summary.from_json((part / SUMMARY).read_text(encoding="utf-8"))


def table_file(part: Path, name: str) -> Path | None:
    path = part / f"{name}.parquet"
    return path if path.is_file() else None


def remove(path: Path) -> None:
    shutil.rmtree(path, ignore_errors=True)
