"""A report to read: one static HTML page per agency and an index page (no Dagster import).

The pages are written to the reports folder (Settings.reports_dir, `warehouse/reports/`) from the marts:
`index.html` lists every agency (the years it covers, the reports loaded, its open findings, its coverage gaps)
and links to one page per agency, `<slug of agency_key>.html`, which shows

- the headline figures by year (ref.metric_catalog.is_headline, values of marts.agency_year_comparison, corrected
  where a correction applies) as a table and as a small chart (inline SVG drawn by a template, text stays text);
- the largest year-on-year changes (at least 10 either year);
- the open audit findings (marts.audit_findings, not acknowledged) with their evidence and a file:// link to the
  report file in the inbox (core.report_inventory.source_path), so the page works opened from disk;
- the section reuse (marts.section_reuse: share of each part found in last year's, 80% or more highlighted);
- the coverage of every year (marts.coverage).

Everything is read with one query per table, whatever the number of agencies, and rendered by the Jinja2
templates of gov_pipeline/templates/ (autoescaped). Each file is written under a temporary name in the same
folder (`.<file>.tmp`) and renamed over the old one (os.replace): a browser opens the old page or the new one,
never half of one. Pages of agencies that no longer exist are removed, and so are temporaries a killed run left;
only files this module wrote (they carry its GENERATOR mark) are ever removed from the folder.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import functools
import hashlib
import json
import math
import os
import re
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

import duckdb

from gov_pipeline.reader import sql_string
from gov_pipeline.warehouse import BATCH_REPORTS

INDEX = "index.html"
TMP_SUFFIX = ".tmp"
MANIFEST = ".manifest.json"  # the stamp of what the pages were written from, and what they hold (write_pages)
GENERATOR = "gov_pipeline.agency_pages"  # the mark (a <meta name="generator">) of every page this module writes
MARK_BYTES = 1024  # the mark is looked for in a file's first bytes
CHANGES_SHOWN = 15  # year-on-year changes listed per agency (the largest relative ones)
CHANGE_MIN = 10  # a change is listed when the figure is at least this much in either year
REUSED = 0.8  # share_reused from which a part counts as copied from last year (the section_reused rule's 80%)
CHART_PANELS = 8  # headline figures charted per agency (those with the largest values)
CHART_VERSION = "2"  # bump when headline_chart draws differently: every chart is drawn again
SLUG_MAX_BYTES = 180  # a file name's bytes before `.html` (file systems allow 255)
SEVERITY_ORDER = {"error": 0, "warning": 1, "info": 2}
STATUS_LABEL = {"annual_report": "annual report", "summary_only": "summary only", "missing": "missing"}
TABLES = ("ref.metric_catalog", "core.report_inventory", "marts.agency_year_report", "marts.coverage",
          "marts.agency_year_comparison", "marts.audit_findings", "marts.section_reuse")
PART_NAMES = {1: "总体情况", 2: "主动公开政府信息情况", 3: "收到和处理政府信息公开申请情况",
              4: "政府信息公开行政复议、行政诉讼情况", 5: "存在的主要问题及改进情况", 6: "其他需要报告的事项"}
_UNSAFE = re.compile(r'[\x00-\x1f\x7f/\\:*?"<>|]+')
_CHART_BLOCK = re.compile(r"<!-- chart ([0-9a-f]{16}) -->\s*(<svg\b.*?</svg>)\s*<!-- /chart -->", re.S)



@dataclass(frozen=True)
class AgencyPage:
    agency_key: str
    agency_name: str
    file: str  # the page's file name in the folder
    years: list[int]
    reports: int  # loaded reports of the agency
    open_findings: int
    gaps: list[int]  # years with no report
    page_bytes: int = 0


@dataclass(frozen=True)
class PagesResult:
    folder: Path
    pages: list[AgencyPage]
    index_bytes: int
    removed: list[str]  # pages of agencies that no longer exist (and stale temporary files)
    missing: list[str]  # tables the pages read that are not built yet (their sections are empty)
    open_findings: int  # open findings on the pages (and those of no agency, counted on the index)
    charts_drawn: int = 0
    charts_reused: int = 0  # charts taken from the agency's previous page: its headline figures did not change
    seconds: float = 0.0
    timings: dict[str, float] = field(default_factory=dict)  # read, chart, render: seconds
    written: bool = True  # False: what the pages are written from was as when they were; they were left as they are

    @property
    def index(self) -> Path:
        return self.folder / INDEX

    @property
    def files_written(self) -> list[str]:
        return [INDEX] + [p.file for p in self.pages] if self.written else []

    @property
    def total_bytes(self) -> int:
        return self.index_bytes + sum(p.page_bytes for p in self.pages)


def page_slug(agency_key: str) -> str:
    """A file name (without `.html`) for an agency: its key with `/` and the other characters file systems refuse
    replaced by `_` (Chinese characters kept), cut with a hash when too long for a file name."""
    slug = _UNSAFE.sub("_", agency_key).strip(" ._") or "agency"
    if slug.lower() == INDEX.removesuffix(".html"):
        slug += "_"
    if len(slug.encode("utf-8")) > SLUG_MAX_BYTES:
        digest = hashlib.md5(agency_key.encode("utf-8")).hexdigest()[:8]
        cut = slug.encode("utf-8")[:SLUG_MAX_BYTES - 9].decode("utf-8", "ignore")
        slug = f"{cut}~{digest}"
    return slug


def page_files(agency_keys) -> dict[str, str]:
    """agency_key -> its page's file name, unique in the folder (regardless of case: some file systems ignore it)."""
    taken, files = {INDEX}, {}
    for key in sorted(agency_keys):
        slug, n = page_slug(key), 1
        name = f"{slug}.html"
        while name.lower() in taken:
            n += 1
            name = f"{slug}~{n}.html"
        taken.add(name.lower())
        files[key] = name
    return files


def write_pages(conn: duckdb.DuckDBPyConnection, folder: Path, inbox: Path,
                now: dt.datetime | None = None, stamp: str | None = None) -> PagesResult:
    """Write index.html and one page per agency to `folder` from the marts over `conn`; remove the pages of agencies
    that are gone. `inbox`: the folder the reports' source_path is relative to (the links to the source files).
    `stamp`: a digest of everything the pages are written from (input_stamp); when it is the one the folder's
    pages were written from (its manifest) and they are all there, nothing is written."""
    started = time.perf_counter()
    folder, inbox = Path(folder), Path(inbox).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    if stamp and (kept := _unchanged(folder, stamp)) is not None:
        return dataclasses.replace(kept, seconds=time.perf_counter() - started)
    removed = _remove_temporaries(folder)
    common = _read_common(conn)
    batches = _agency_batches(conn, common["present"])
    files = page_files(key for batch in batches for key in batch)
    sources = {rid: _source(inbox, path) for rid, path in common["sources"].items()}
    read_s = time.perf_counter() - started
    now = now or dt.datetime.now().astimezone()
    env = _environment()
    page_template = env.get_template("agency.html")
    pages, summaries, open_total, chart_s, charts_drawn, charts_reused = [], {}, 0, 0.0, 0, 0
    for batch in batches:  # the agencies' rows a batch at a time: all at once is more than DuckDB's memory limit
        t = time.perf_counter()
        data = {**common, **_read_agencies(conn, common, batch[0], batch[-1])}
        agencies, grouped = _agencies(data), _group(data)
        read_s += time.perf_counter() - t
        for key in agencies:
            context = _agency_context(key, agencies[key], data, grouped, sources)
            t = time.perf_counter()
            context["chart_key"] = key_ = chart_key(context["years"], context["headline"])
            old = _old_chart(folder / files[key])
            if old is not None and old[0] == key_:
                context["chart_svg"] = old[1]  # the same figures as last time: the same chart
                charts_reused += 1
            else:
                context["chart_svg"] = headline_chart(context["years"], context["headline"])
                charts_drawn += context["chart_svg"] is not None
            chart_s += time.perf_counter() - t
            html = page_template.render(**context, written_at=now, generator=GENERATOR, index_href=INDEX)
            size = _write_atomic(folder / files[key], html)
            open_total += len(context["findings"])
            pages.append(AgencyPage(key, agencies[key]["name"], files[key], context["years"], context["reports"],
                                    len(context["findings"]), context["gaps"], size))
            summaries[key] = {"expected": agencies[key]["expected"],
                              "severities": _severity_counts(grouped["findings"].get(key, [])),
                              "summary_years": [y for y, s in agencies[key]["status"].items() if s == "summary_only"]}
    pages.sort(key=lambda p: (p.agency_name, p.agency_key))
    orphans = common["orphans"]
    open_total += len(orphans)
    listed = [{**vars(p), "href": quote(p.file), **summaries[p.agency_key]} for p in pages]
    index_html = env.get_template("index.html").render(
        agencies=listed, orphans=_findings_context(orphans, sources), open_findings=open_total,
        missing=common["missing"], written_at=now, generator=GENERATOR)
    index_bytes = _write_atomic(folder / INDEX, index_html)
    keep = {INDEX} | {p.file for p in pages}
    for path in sorted(folder.iterdir()):
        if path.suffix == ".html" and path.name not in keep and path.is_file() and _ours(path):
            path.unlink()
            removed.append(path.name)
    total = time.perf_counter() - started
    result = PagesResult(folder, pages, index_bytes, removed, common["missing"], open_total, charts_drawn,
                         charts_reused, total, {"read": round(read_s, 3), "charts": round(chart_s, 3),
                                                "render_and_write": round(total - read_s - chart_s, 3)})
    _write_manifest(folder, stamp, result)
    return result


def input_stamp(table_stamps: dict[str, str], inbox: Path) -> str:
    """A digest of what the pages are written from: the stamps of the tables they read (table -> a digest of its
    content: warehouse.model_stamps for the marts, warehouse.table_digests for the others), the inbox they link
    to, and this module and its templates."""
    digest = hashlib.sha256(f"{Path(inbox).resolve()}\0{CHART_VERSION}".encode())
    for table in TABLES:
        digest.update(f"\0{table}\0{table_stamps.get(table)}".encode())
    code = [Path(__file__), *sorted((Path(__file__).parent / "templates").rglob("*"))]
    for path in code:
        if path.is_file():
            digest.update(b"\0" + path.read_bytes())
    return digest.hexdigest()


def _unchanged(folder: Path, stamp: str) -> PagesResult | None:
    """The result of the last write, when it was from `stamp` and its pages are all in the folder."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
        if manifest.get("stamp") != stamp:
            return None
        pages = [AgencyPage(**p) for p in manifest["pages"]]
    except (OSError, ValueError, KeyError, TypeError):  # none, unreadable or of another shape: write again
        return None
    if not all((folder / f).is_file() for f in [INDEX, *(p.file for p in pages)]):
        return None
    return PagesResult(folder, pages, manifest["index_bytes"], [], manifest["missing"], manifest["open_findings"],
                       written=False)


def _write_manifest(folder: Path, stamp: str | None, result: PagesResult) -> None:
    target = folder / MANIFEST
    if not stamp:
        target.unlink(missing_ok=True)
        return
    _write_atomic(target, json.dumps({"stamp": stamp, "pages": [vars(p) for p in result.pages],
                                      "index_bytes": result.index_bytes, "missing": result.missing,
                                      "open_findings": result.open_findings}, ensure_ascii=False))


# -- reading: one query per table ---------------------------------------------------------------------------------

def _rows(conn: duckdb.DuckDBPyConnection, sql: str, params: dict | None = None) -> list[dict]:
    cursor = conn.execute(sql, params or {})
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def _read_common(conn: duckdb.DuckDBPyConnection) -> dict:
    """What every page needs: the catalogue, the reports' source files, the acknowledged findings' counts, the
    findings of no agency, and which tables exist."""
    present = {f"{s}.{t}" for s, t in conn.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = current_database()").fetchall()}

    def rows(table: str, sql: str) -> list[dict]:
        return _rows(conn, sql) if table in present else []

    catalog = rows("ref.metric_catalog",
                   "SELECT code, label_zh, unit, is_headline FROM ref.metric_catalog ORDER BY rowid")
    return {
        "present": present,
        "missing": [t for t in TABLES if t not in present],
        "catalog": {c["code"]: c for c in catalog},
        "headline_codes": [c["code"] for c in catalog if c["is_headline"]],
        "sources": {r["report_id"]: r["source_path"] for r in rows(
            "core.report_inventory", "SELECT report_id, source_path FROM core.report_inventory")},
        "acknowledged": dict(conn.execute(
            "SELECT agency_key, count(*) FROM marts.audit_findings WHERE acknowledged GROUP BY agency_key"
        ).fetchall()) if "marts.audit_findings" in present else {},
        "orphans": rows("marts.audit_findings", f"{_FINDINGS} WHERE NOT acknowledged AND agency_key IS NULL {_FINDINGS_ORDER}"),
    }


def _agency_batches(conn: duckdb.DuckDBPyConnection, present: set[str]) -> list[list[str]]:
    """Every agency a page is written for (those with a report for a year, those the coverage lists, those with an
    open finding), in key order, in batches of about BATCH_REPORTS reports (an agency is never split)."""
    parts = [sql for table, sql in (
        ("marts.agency_year_report", "SELECT agency_key, reports AS n FROM marts.agency_year_report"),
        ("marts.coverage", "SELECT agency_key, 0 FROM marts.coverage"),
        ("marts.audit_findings", "SELECT agency_key, 0 FROM marts.audit_findings WHERE NOT acknowledged"),
    ) if table in present]
    if not parts:
        return []
    counts = conn.execute(f"SELECT agency_key, sum(n) FROM ({' UNION ALL '.join(parts)}) WHERE agency_key IS NOT NULL "
                          "GROUP BY 1 ORDER BY 1").fetchall()
    batches, size = [[]], 0
    for key, n in counts:
        if size >= BATCH_REPORTS:
            batches.append([])
            size = 0
        batches[-1].append(key)
        size += int(n or 0)
    return [b for b in batches if b]


_FINDINGS = """SELECT finding_id, rule, severity, scope, agency_key, report_year, report_id, previous_report_id,
                      metric_code, dimension, table_no, row_label, expected, actual, detail, evidence, other_evidence
               FROM marts.audit_findings"""
_FINDINGS_ORDER = """ORDER BY agency_key, CASE severity WHEN 'error' THEN 0 WHEN 'warning' THEN 1 ELSE 2 END,
                              report_year DESC NULLS LAST, rule, finding_id"""


def _read_agencies(conn: duckdb.DuckDBPyConnection, common: dict, first: str, last: str) -> dict:
    """The rows of the agencies whose key is from `first` to `last`: one query per table."""
    def rows(table: str, sql: str) -> list[dict]:
        return _rows(conn, sql, {"first": first, "last": last}) if table in common["present"] else []

    within = "agency_key BETWEEN $first AND $last"
    headline_sql = ", ".join(sql_string(c) for c in common["headline_codes"]) or "NULL"
    return {
        "years": rows("marts.agency_year_report",
                      "SELECT agency_key, report_year, report_id, agency_name, report_kind, reports "
                      f"FROM marts.agency_year_report WHERE {within} ORDER BY agency_key, report_year"),
        "coverage": rows("marts.coverage",
                         "SELECT agency_key, agency_name, report_year, status, report_id, reports, expected "
                         f"FROM marts.coverage WHERE {within} ORDER BY agency_key, report_year"),
        # the headline figures (dimension IS NULL), and the largest relative changes of every figure per agency
        # the headline figures (dimension IS NULL), and the largest relative changes of every figure per agency:
        # a change is notable when it is not 0 and the figure is at least CHANGE_MIN in either year; of the splits
        # that changed exactly as a less detailed figure did (all requests, those from natural persons) only the
        # least detailed one is ranked
        "comparison": rows("marts.agency_year_comparison", f"""
            WITH c AS (SELECT agency_key, report_year, metric_code, dimension, value, previous_value, change,
                              change_ratio, unit, corrected, previous_corrected, report_id, previous_report_id
                       FROM marts.agency_year_comparison WHERE {within}),
            ranked AS (
                SELECT agency_key, report_year, metric_code, dimension, row_number() OVER (
                           PARTITION BY agency_key
                           ORDER BY abs(change_ratio) DESC, report_year DESC, metric_code, dimension NULLS FIRST
                       ) AS change_rank
                FROM (SELECT * FROM c
                      WHERE change_ratio IS NOT NULL AND change <> 0 AND greatest(value, previous_value) >= {CHANGE_MIN}
                      QUALIFY row_number() OVER (
                          PARTITION BY agency_key, report_year, metric_code, value, previous_value
                          ORDER BY length(coalesce(dimension, '')), dimension NULLS FIRST) = 1))
            SELECT c.*, c.dimension IS NULL AND c.metric_code IN ({headline_sql}) AS headline, r.change_rank
            FROM c LEFT JOIN ranked r ON r.agency_key = c.agency_key AND r.report_year = c.report_year
                 AND r.metric_code = c.metric_code AND r.dimension IS NOT DISTINCT FROM c.dimension
            WHERE (c.dimension IS NULL AND c.metric_code IN ({headline_sql})) OR r.change_rank <= {CHANGES_SHOWN}
            ORDER BY c.agency_key, r.change_rank NULLS LAST, c.report_year, c.metric_code"""),
        "findings": rows("marts.audit_findings", f"{_FINDINGS} WHERE NOT acknowledged AND {within} {_FINDINGS_ORDER}"),
        "reuse": rows("marts.section_reuse",
                      "SELECT agency_key, report_year, part, part_name, share_reused, report_id, previous_report_id "
                      f"FROM marts.section_reuse WHERE {within} ORDER BY agency_key, report_year, part"),
    }


def _agencies(data: dict) -> dict[str, dict]:
    """Every agency a page is written for: those the coverage lists (seen or expected), those with a report for a
    year, and those with an open finding; its name, its years' status, whether it is expected."""
    agencies: dict[str, dict] = {}

    def agency(key: str) -> dict:
        return agencies.setdefault(key, {"name": None, "status": {}, "expected": False})

    for row in data["years"]:
        agency(row["agency_key"])["name"] = row["agency_name"] or agencies[row["agency_key"]]["name"]
    for row in data["coverage"]:
        a = agency(row["agency_key"])
        a["name"] = row["agency_name"] or a["name"]
        a["status"][row["report_year"]] = row["status"]
        a["expected"] = a["expected"] or bool(row["expected"])
    for row in data["findings"]:
        if row["agency_key"] is not None:
            agency(row["agency_key"])
    for key, a in agencies.items():
        a["name"] = a["name"] or key
    return agencies


# -- one agency's page ---------------------------------------------------------------------------------------------

def _group(data: dict) -> dict[str, dict[str, list[dict]]]:
    """table -> agency_key -> its rows: every table's rows are split by agency once, not filtered per agency."""
    grouped = {}
    for name in ("years", "coverage", "comparison", "findings", "reuse"):
        groups = defaultdict(list)
        for row in data[name]:
            groups[row["agency_key"]].append(row)
        grouped[name] = groups
    return grouped


def _agency_context(key: str, agency: dict, data: dict, grouped: dict, sources: dict) -> dict:
    catalog = data["catalog"]
    years_rows, coverage = grouped["years"].get(key, []), grouped["coverage"].get(key, [])
    comparison, findings, reuse = (grouped[n].get(key, []) for n in ("comparison", "findings", "reuse"))
    years = sorted({r["report_year"] for r in coverage} | {r["report_year"] for r in years_rows}
                   | {r["report_year"] for r in comparison} | {r["report_year"] for r in reuse})

    values = {(r["metric_code"], r["report_year"]): r for r in comparison if r["headline"]}
    headline = []
    for code in data["headline_codes"]:
        if not any((code, y) in values for y in years):
            continue
        cells = [values.get((code, y)) for y in years]
        headline.append({"code": code, "label": catalog[code]["label_zh"], "unit": catalog[code]["unit"],
                         "cells": [{"value": c["value"], "corrected": c["corrected"]} if c else None for c in cells]})

    changes = sorted((r for r in comparison if r["change_rank"] is not None), key=lambda r: r["change_rank"])
    changes = [{**r, "label": _label(catalog, r["metric_code"])} for r in changes]

    parts = sorted({r["part"] for r in reuse})
    reuse_years = sorted({r["report_year"] for r in reuse})
    shares = {(r["part"], r["report_year"]): r for r in reuse}
    reuse_rows = [{"part": p, "name": next((r["part_name"] for r in reuse if r["part"] == p), PART_NAMES.get(p, "")),
                   "cells": [_reuse_cell(shares.get((p, y))) for y in reuse_years]} for p in parts]

    status = agency["status"]
    by_year = {r["report_year"]: r for r in years_rows}
    coverage_rows = [{"year": y, "status": status.get(y, "annual_report" if y in by_year else "missing"),
                      "status_label": STATUS_LABEL.get(status.get(y, ""), "report" if y in by_year else "missing"),
                      "report_id": by_year[y]["report_id"] if y in by_year else None,
                      "kind": by_year[y]["report_kind"] if y in by_year else None,
                      "reports": by_year[y]["reports"] if y in by_year else 0,
                      "source": sources.get(by_year[y]["report_id"]) if y in by_year else None} for y in years]
    return {
        "agency_key": key, "agency_name": agency["name"], "expected": agency["expected"], "years": years,
        "reports": sum(r["reports"] for r in years_rows),
        "gaps": [y for y in years if status.get(y) == "missing"],
        "headline": headline, "changes": changes, "change_min": CHANGE_MIN,
        "findings": _findings_context(findings, sources), "acknowledged": data["acknowledged"].get(key, 0),
        "reuse_years": reuse_years, "reuse": reuse_rows, "reused_from": REUSED,
        "coverage": coverage_rows,
    }


def _label(catalog: dict, code: str) -> str:
    entry = catalog.get(code)
    return entry["label_zh"] if entry else code


def _reuse_cell(row: dict | None) -> dict | None:
    if row is None:
        return None
    share = row["share_reused"]
    return {"share": share, "reused": share is not None and share >= REUSED, "report_id": row["report_id"],
            "previous_report_id": row["previous_report_id"]}


def _findings_context(findings: list[dict], sources: dict) -> list[dict]:
    return [{**f, "source": sources.get(f["report_id"]), "previous_source": sources.get(f["previous_report_id"])}
            for f in findings]


def _severity_counts(findings: list[dict]) -> dict[str, int]:
    counts = {s: 0 for s in SEVERITY_ORDER}
    for f in findings:
        counts[f["severity"]] = counts.get(f["severity"], 0) + 1
    return counts


def _source(inbox: Path, source_path: str | None) -> dict | None:
    """The report file in the inbox: its name, a file:// URI (the page is opened from disk) and whether it exists."""
    if not source_path:
        return None
    path = inbox / source_path
    return {"name": source_path, "uri": path.as_uri(), "exists": path.is_file()}


# -- the chart -----------------------------------------------------------------------------------------------------

def chart_key(years: list[int], headline: list[dict]) -> str:
    """What a chart is drawn from (and CHART_VERSION), hashed: a page whose key did not change keeps its chart."""
    import json

    drawn = [(row["code"], [c["value"] if c else None for c in row["cells"]]) for row in headline]
    return hashlib.sha256(json.dumps([CHART_VERSION, years, drawn]).encode()).hexdigest()[:16]


def _old_chart(page: Path) -> tuple[str, str] | None:
    """(chart key, <svg> element) of the chart on an agency's page as last written, if there is one."""
    try:
        text = page.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return None
    found = _CHART_BLOCK.search(text)
    return (found.group(1), found.group(2)) if found else None


def headline_chart(years: list[int], headline: list[dict]) -> str | None:
    """The headline figures by year as small multiples (one panel per figure with a value above zero, the largest
    first, up to CHART_PANELS), as an inline <svg> element drawn by the template chart.svg: text stays text and
    every label is ASCII (metric codes and years), so no CJK font is needed; each point names its year and value.
    None when there is nothing to draw. (Drawn without a plotting library: matplotlib took 0.28 s a chart, which at
    national scale, thousands of agencies, would be most of a bulk load.)"""
    series = []
    for row in headline:
        points = [(y, c["value"]) for y, c in zip(years, row["cells"]) if c and c["value"] is not None]
        if any(v > 0 for _, v in points):
            series.append((max(v for _, v in points), row["code"], points))
    if not series:
        return None
    series = sorted(series, key=lambda s: -s[0])[:CHART_PANELS]
    columns = len(series) if len(series) <= 5 else 4
    rotate = len(years) > 5
    plot_w, plot_h = 170, 95  # a panel's plotting area (px); margins for the labels around it
    left, top, gap_x, gap_y, below = 46, 22, 28, 30 + (16 if rotate else 0), 16 + (14 if rotate else 0)
    first, last = min(years) - 0.4, max(years) + 0.4
    every = math.ceil(len(years) / 9)  # a year label on every tick up to 9 years, on every other one up to 18...
    x_of = lambda year: round((year - first) / (last - first) * plot_w, 1)  # noqa: E731
    panels = []
    for n, (peak, code, points) in enumerate(series):
        low = min(0.0, min(v for _, v in points))
        ticks = _nice_ticks(low, peak * 1.15)
        high = max(peak * 1.15, ticks[-1])
        y_of = lambda v, low=low, high=high: round(plot_h - (v - low) / ((high - low) or 1) * plot_h, 1)  # noqa: E731
        known = dict(points)
        lines, run = [], []
        for year in years:  # a year without the figure breaks the line
            if year in known:
                run.append(f"{x_of(year)},{y_of(known[year])}")
            elif run:
                lines.append(" ".join(run))
                run = []
        if run:
            lines.append(" ".join(run))
        row, col = divmod(n, columns)
        panels.append({
            "code": code, "x": left + col * (plot_w + left + gap_x), "y": top + row * (plot_h + top + gap_y),
            "yticks": [{"y": y_of(t), "label": format_number(t)} for t in ticks if low <= t <= high],
            "lines": [line for line in lines if " " in line],  # a lone point is drawn as a point only
            "points": [{"x": x_of(y), "y": y_of(v), "title": f"{y}: {format_number(v)}"} for y, v in points]})
    rows = math.ceil(len(series) / columns)
    width = columns * (plot_w + left + gap_x)
    height = rows * (plot_h + top + gap_y) - gap_y + below + 4
    svg = _environment().get_template("chart.svg").render(
        panels=panels, rotate=rotate, xticks=[{"x": x_of(y), "label": str(y) if n % every == 0 else ""}
                                              for n, y in enumerate(years)],
        plot_w=plot_w, plot_h=plot_h, width=width, height=height)
    return "\n".join(line for line in svg.splitlines() if line.strip())


def _nice_ticks(low: float, high: float, bins: int = 4) -> list[float]:
    """At most bins + 1 round tick values from low to high (steps of 1, 2, 2.5 or 5 times a power of ten, whole
    numbers only)."""
    span = high - low
    if span <= 0:
        return [low]
    raw = span / bins
    power = 10 ** math.floor(math.log10(raw))
    step = float(math.ceil(next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)))
    start = math.floor(low / step) * step
    ticks, t = [], start
    while t <= high + 1e-9 and len(ticks) <= bins + 2:
        ticks.append(t)
        t += step
    return ticks


# -- templates and files -------------------------------------------------------------------------------------------

@functools.lru_cache(maxsize=1)
def _environment():
    import jinja2

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("gov_pipeline", "templates"),
        autoescape=jinja2.select_autoescape(["html"], default_for_string=True, default=True),
        trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters.update(num=format_number, ratio=format_ratio, share=format_share, signed=format_signed)
    return env


def format_number(value) -> str:
    """1234 -> 1,234; 12.5 -> 12.5; None -> —."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return "—"
    if float(value).is_integer():
        return f"{int(value):,}"
    return f"{value:,.2f}".rstrip("0").rstrip(".")


def format_signed(value) -> str:
    if value is None:
        return "—"
    text = format_number(abs(value))
    return f"+{text}" if value > 0 else f"−{text}" if value < 0 else "0"


def format_ratio(value) -> str:
    """0.2222 -> +22%; -0.5 -> −50%."""
    if value is None:
        return "—"
    pct = value * 100
    text = f"{abs(pct):,.0f}%" if abs(pct) >= 10 else f"{abs(pct):.1f}%"
    return f"+{text}" if pct > 0 else f"−{text}" if pct < 0 else "0%"


def format_share(value) -> str:
    return "—" if value is None else f"{value * 100:.0f}%"


def _tmp(path: Path) -> Path:
    return path.with_name(f".{path.name}{TMP_SUFFIX}")


def _write_atomic(target: Path, text: str) -> int:
    """Write `text` to `target` by a temporary file in the same folder renamed over it; the bytes written."""
    data = text.encode("utf-8")
    tmp = _tmp(target)
    try:
        with open(tmp, "wb") as out:
            out.write(data)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return len(data)


def _ours(path: Path) -> bool:
    """Whether a file carries the mark of this module (a page it wrote)."""
    try:
        with open(path, "rb") as fh:
            head = fh.read(MARK_BYTES)
    except OSError:
        return False
    return GENERATOR.encode() in head


def _remove_temporaries(folder: Path) -> list[str]:
    """Temporary files of a write that did not finish (a killed run)."""
    gone = []
    for path in sorted(folder.glob(f".*{TMP_SUFFIX}")):
        if path.is_file() and (path.name.removesuffix(TMP_SUFFIX).endswith(".html") or path == _tmp(folder / MANIFEST)):
            path.unlink()
            gone.append(path.name)
    return gone
