"""Score a DuckDB warehouse against labelled reports (truth.jsonl).

    python -m gov_pipeline.evaluate --truth DIR --warehouse FILE [--min-f1 X] [--min-meta X]
                                    [--json OUT] [--worst K] [--ignore-unknown-codes]

DIR/truth.jsonl holds one JSON object per report (see gov_pipeline.synth): {"file", "meta": {...},
"metrics": [{"metric_code", "dimension", "value", "source_kind", "qualifier", "is_redacted"}, ...]}.
Any labelled folder with that file works (a person may label real reports the same way).

A metric is matched on (metric_code, dimension, source_kind) and value. One key may hold several figures (three
environment releases of category=env_quality, several figures of the generic code other_figure): they are matched
as a multiset, by value. A truth metric may give the `label` it counts: for the generic code other_figure, whose
label is its identity, an extracted figure must also carry that label (one containing the other, whitespace
ignored); elsewhere the label only prefers one candidate over another and is reported as label agreement.
A truth metric may name its phrasing `family` (gov_pipeline.synth.families), and a record may list its family
`sentences` ([family, sentence], distractors as "distractor:<kind>"): the result then has per-family scores, an
extracted figure that matches nothing being charged to the family whose sentence it came from; and its `phrasing`
tags (num_first, respectively, wan, cn_numeral, approx, zero_words, redacted ...): the result then has the recall
of each phrasing.

Reports are matched by the basename of raw.reports.source_path. `score()` is a pure function
over the truth records and three DataFrames so that tests and benchmarks can call it directly.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import os
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any, Iterable

import pandas as pd

META_FIELDS = (
    "title", "agency_name", "agency_key", "admin_level", "province", "city", "county",
    "report_year", "report_kind", "format_era", "published_on", "doc_number",
)
KNOWN_CODES = frozenset((
    "proactive_total", "requests_received", "requests_carried_in", "requests_resolved",
    "requests_carried_out", "requests_completed", "requests_replied", "admin_review_total",
    "admin_litigation_total", "complaints_total", "fees_collected", "press_conferences",
    "staff_total", "staff_fulltime", "staff_parttime", "gid_meetings", "trainings", "trainees",
    "doc_issued", "doc_repealed", "doc_in_force", "doc_new_made", "doc_new_published",
    "doc_total_published", "license_decisions", "penalty_decisions", "coercion_decisions",
    "admin_fee_amount", "proactive_cumulative", "proactive_normative_docs", "normative_docs_issued",
    "hotspot_responses", "online_interviews", "policy_interpretations", "social_media_responses",
    "dedicated_bodies", "inspection_points", "special_funds", "items_prev_year", "items_change",
    "other_service_decisions", "procurement_items", "procurement_amount",
    # the open figure model (gov_pipeline/text/figures.py) and the prose rates and visits
    "completion_rate", "website_visits", "share_pct", "yoy_change", "digitisation_rate", "followers",
    "messages_handled", "media_items", "env_releases", "other_figure",
))
GENERIC_CODE = "other_figure"
CORE_FAMILY = "catalogue"  # truth metrics without a family: the catalogue sentences and the tables
TOL = 1e-6
# Consistency rules of gov_pipeline.text.consistency whose findings truth.jsonl labels as expected_issues.
ISSUE_RULES = ("table_sum", "request_balance", "staff_sum", "prose_table_mismatch", "rate_contradiction",
               "out_of_bounds")
_BRACKETS = str.maketrans({"﹝": "〔", "﹞": "〕", "[": "〔", "]": "〕", "【": "〔", "】": "〕",
                           "(": "〔", ")": "〕", "（": "〔", "）": "〕", "［": "〔", "］": "〕"})


# --------------------------------------------------------------------------- normalisation
def _missing(v: Any) -> bool:
    if v is None:
        return True
    try:
        if pd.isna(v):
            return True
    except (TypeError, ValueError):
        pass
    return isinstance(v, str) and not v.strip()


def norm_meta(field: str, v: Any) -> Any:
    """Comparable form of one metadata value (None when missing)."""
    if _missing(v):
        return None
    if field == "report_year":
        try:
            return int(float(v))
        except (TypeError, ValueError):
            return None
    if field == "published_on":
        if isinstance(v, (dt.date, dt.datetime, pd.Timestamp)):
            return v.strftime("%Y-%m-%d")
        return str(v).strip()[:10]
    s = "".join(str(v).split())
    if field == "doc_number":
        s = s.translate(_BRACKETS)
    return s


def norm_dim(dim: Any) -> str | None:
    """'b=2;a=1' -> 'a=1;b=2'; empty/null -> None."""
    if _missing(dim):
        return None
    parts = sorted(p.strip() for p in str(dim).split(";") if p.strip())
    return ";".join(parts) or None


def norm_value(v: Any) -> float | None:
    if _missing(v):
        return None
    try:
        f = float(v)
    except (TypeError, ValueError):
        return None
    return None if math.isnan(f) else f


def values_equal(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return abs(a - b) <= TOL


def prf(tp: int, fp: int, fn: int) -> dict:
    precision = tp / (tp + fp) if tp + fp else (1.0 if fn == 0 else 0.0)
    recall = tp / (tp + fn) if tp + fn else (1.0 if fp == 0 else 0.0)
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    return {"tp": tp, "fp": fp, "fn": fn, "precision": precision, "recall": recall, "f1": f1}


# --------------------------------------------------------------------------- scoring
def _records(df: pd.DataFrame | None, cols: Iterable[str]) -> list[dict]:
    if df is None or len(df) == 0:
        return []
    present = [c for c in cols if c in df.columns]
    return df[present].to_dict("records")


def _norm_text(s: Any) -> str:
    if _missing(s):
        return ""
    s = str(s)
    if "[image" in s:
        import re

        s = re.sub(r"\[image:[^\]]*\]", "", s)
    return "".join(s.split())


def _label_ok(want: Any, got: Any) -> bool:
    w, g = _norm_text(want), _norm_text(got)
    return bool(w and g) and (w in g or g in w)


def _match(truths: list[dict], cands: list[dict], code: str) -> tuple[list[tuple[dict, dict]], list[dict], list[dict]]:
    """Pair truth metrics with extracted ones of one key: (pairs, unmatched truths, unmatched candidates)."""
    left = list(cands)
    pairs, missed = [], []
    # truths with a label first, so that a labelled figure is not taken by an unlabelled one of the same value
    for m in sorted(truths, key=lambda t: _missing(t.get("label"))):
        want = norm_value(m.get("value"))
        same = [c for c in left if values_equal(norm_value(c.get("value")), want)]
        label = m.get("label")
        if not _missing(label):
            labelled = [c for c in same if _label_ok(label, c.get("label"))]
            if code == GENERIC_CODE:
                same = labelled
            elif labelled:
                same = labelled
        if same:
            pairs.append((m, same[0]))
            left.remove(same[0])
        else:
            missed.append(m)
    return pairs, missed, left


def _family_of_extra(e: dict, sentences: list[tuple[str, str]], key_family: str | None) -> str:
    ev = _norm_text(e.get("evidence"))
    if ev and sentences:
        for fam, sent in sentences:
            if sent and (sent in ev or ev in sent):
                return fam
    return key_family or CORE_FAMILY


def score(truth_records: list[dict], dim_df: pd.DataFrame | None, metric_df: pd.DataFrame | None,
          raw_df: pd.DataFrame | None, *, ignore_unknown_codes: bool = False,
          issue_df: pd.DataFrame | None = None) -> dict:
    """Compare labelled reports with a warehouse's tables.

    truth_records: parsed lines of truth.jsonl. dim_df: core.dim_report; metric_df: core.fact_metric;
    raw_df: raw.reports (report_id, source_path). Returns a JSON-serialisable dict.
    issue_df (optional, core.quality_issue): when given, the consistency-rule findings (ISSUE_RULES) of
    each matched report are compared with its expected_issues ('issues' in the result; not part of F1).
    """
    # file basename -> report_id (first one wins)
    rid_by_file: dict[str, Any] = {}
    for row in _records(raw_df, ("report_id", "source_path")):
        if _missing(row.get("source_path")):
            continue
        base = os.path.basename(str(row["source_path"]).replace("\\", "/"))
        rid_by_file.setdefault(base, row["report_id"])
    dims = {r["report_id"]: r for r in _records(dim_df, ("report_id",) + META_FIELDS)}
    extracted: dict[Any, list[dict]] = defaultdict(list)
    for r in _records(metric_df, ("report_id", "metric_code", "dimension", "value", "source_kind",
                                  "qualifier", "is_redacted", "evidence", "label")):
        extracted[r["report_id"]].append(r)

    meta_ok: dict[str, int] = defaultdict(int)
    meta_total: dict[str, int] = defaultdict(int)
    counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # code -> tp fp fn
    by_scope: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # headline/dimension/table/narrative
    by_family: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    by_phrasing: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])  # tp, -, fn (a miss has a phrasing, an extra not)
    qual_ok = qual_total = 0
    label_ok = label_total = 0
    issue_counts: dict[str, list[int]] = defaultdict(lambda: [0, 0, 0])
    issues_by_rid: dict[Any, set] = defaultdict(set)
    for r in _records(issue_df, ("report_id", "rule")):
        if r.get("rule") in ISSUE_RULES:
            issues_by_rid[r["report_id"]].add(r["rule"])
    per_report: list[dict] = []
    missing: list[str] = []
    families_seen = False

    def bump(code: str, dim: str | None, src: str, idx: int, n: int = 1) -> None:
        counts[code][idx] += n
        by_scope["headline" if dim is None else "dimension"][idx] += n
        by_scope[src or "unknown"][idx] += n

    for rec in truth_records:
        fname = rec["file"]
        rid = rid_by_file.get(os.path.basename(fname))
        found = rid is not None and rid in dims
        if rid is None:
            missing.append(fname)
        dim_row = dims.get(rid, {}) if found else {}
        meta_wrong = []
        for field, want in (rec.get("meta") or {}).items():
            if field not in META_FIELDS:
                continue
            meta_total[field] += 1
            got = norm_meta(field, dim_row.get(field)) if found else None
            if found and got == norm_meta(field, want):
                meta_ok[field] += 1
            else:
                meta_wrong.append({"field": field, "truth": want, "got": got if found else "<missing report>"})

        truth_keys: dict[tuple, list[dict]] = defaultdict(list)
        for m in rec.get("metrics") or []:
            key = (m["metric_code"], norm_dim(m.get("dimension")), m.get("source_kind"))
            truth_keys[key].append(m)
            families_seen = families_seen or bool(m.get("family"))
        sentences = [(f, _norm_text(t)) for f, t in rec.get("sentences") or []]
        families_seen = families_seen or bool(sentences)
        got_by_key: dict[tuple, list[dict]] = defaultdict(list)
        for e in extracted.get(rid, []) if rid is not None else []:
            code = e.get("metric_code")
            if ignore_unknown_codes and code not in KNOWN_CODES:
                continue
            got_by_key[(code, norm_dim(e.get("dimension")), e.get("source_kind"))].append(e)

        tp = fp = fn = 0
        misses, extras, qual_wrong = [], [], []
        for key, ms in truth_keys.items():
            code, dim, src = key
            cands = got_by_key.pop(key, [])
            pairs, missed, rest = _match(ms, cands, code)
            for m, hit in pairs:
                tp += 1
                bump(code, dim, src, 0)
                by_family[m.get("family") or CORE_FAMILY][0] += 1
                for tag in m.get("phrasing") or ():
                    by_phrasing[tag][0] += 1
                if m.get("qualifier") is not None or not _missing(hit.get("qualifier")):
                    qual_total += 1
                    got_q = None if _missing(hit.get("qualifier")) else hit["qualifier"]
                    if (m.get("qualifier") or None) == got_q:
                        qual_ok += 1
                    else:
                        qual_wrong.append({"metric_code": code, "dimension": dim, "value": norm_value(m.get("value")),
                                           "family": m.get("family"), "truth": m.get("qualifier"), "got": got_q})
                if not _missing(m.get("label")):
                    label_total += 1
                    label_ok += _norm_text(m["label"]) == _norm_text(hit.get("label"))
            for m in missed:
                fn += 1
                bump(code, dim, src, 2)
                by_family[m.get("family") or CORE_FAMILY][2] += 1
                for tag in m.get("phrasing") or ():
                    by_phrasing[tag][2] += 1
                misses.append({"metric_code": code, "dimension": dim, "source_kind": src,
                               "value": norm_value(m.get("value")), "label": m.get("label"),
                               "family": m.get("family"),
                               "got": [norm_value(c.get("value")) for c in cands]})
            key_family = next((m.get("family") for m in ms if m.get("family")), None)
            for c in rest:
                fp += 1
                bump(code, dim, src, 1)
                fam = _family_of_extra(c, sentences, key_family)
                by_family[fam][1] += 1
                extras.append({"metric_code": code, "dimension": dim, "source_kind": src, "family": fam,
                               "value": norm_value(c.get("value")), "label": c.get("label"),
                               "evidence": c.get("evidence")})
        for (code, dim, src), cands in got_by_key.items():
            fp += len(cands)
            bump(code, dim, src, 1, len(cands))
            for c in cands:
                fam = _family_of_extra(c, sentences, None)
                by_family[fam][1] += 1
                extras.append({"metric_code": code, "dimension": dim, "source_kind": src, "family": fam,
                               "value": norm_value(c.get("value")), "label": c.get("label"),
                               "evidence": c.get("evidence")})
        issue_wrong = []
        if issue_df is not None and found and "expected_issues" in rec:
            want_i = {i for i in rec["expected_issues"] if i in ISSUE_RULES}
            got_i = issues_by_rid.get(rid, set())
            for rule in want_i | got_i:
                idx = 0 if rule in want_i and rule in got_i else (2 if rule in want_i else 1)
                issue_counts[rule][idx] += 1
                if idx:
                    issue_wrong.append({"rule": rule, "expected": rule in want_i})
        per_report.append({"file": fname, "found": found, "tp": tp, "fp": fp, "fn": fn,
                           "meta_wrong": meta_wrong, "misses": misses, "extras": extras,
                           "qualifier_wrong": qual_wrong, "issues_wrong": issue_wrong})

    metadata = {f: {"correct": meta_ok[f], "total": meta_total[f],
                    "accuracy": meta_ok[f] / meta_total[f] if meta_total[f] else 1.0}
                for f in META_FIELDS if meta_total[f]}
    meta_mean = sum(v["accuracy"] for v in metadata.values()) / len(metadata) if metadata else 1.0
    per_code = {code: prf(*counts[code]) for code in sorted(counts)}
    tot = [sum(v[i] for v in counts.values()) for i in range(3)]
    return {
        "reports": {"truth": len(truth_records), "matched": len(truth_records) - len(missing),
                    "missing": missing},
        "metadata": metadata,
        "metadata_mean": meta_mean,
        "metrics": {"overall": prf(*tot), "per_code": per_code,
                    "by_scope": {k: prf(*v) for k, v in sorted(by_scope.items())},
                    "by_family": ({k: prf(*v) for k, v in sorted(by_family.items())} if families_seen else {}),
                    "by_phrasing": {k: {"tp": v[0], "fn": v[2], "recall": v[0] / (v[0] + v[2])}
                                    for k, v in sorted(by_phrasing.items())}},
        "qualifier_accuracy": qual_ok / qual_total if qual_total else None,
        "label_agreement": label_ok / label_total if label_total else None,
        "issues": ({rule: prf(*issue_counts[rule]) for rule in sorted(issue_counts)}
                   if issue_df is not None else None),
        "per_report": per_report,
    }


def worst_reports(result: dict, k: int) -> list[dict]:
    rows = sorted(result["per_report"], key=lambda r: (-(r["fn"] + r["fp"] + len(r["meta_wrong"])), r["file"]))
    return [r for r in rows[:k] if r["fn"] + r["fp"] + len(r["meta_wrong"]) > 0]


# --------------------------------------------------------------------------- I/O
def load_truth(truth_dir: str | Path) -> list[dict]:
    path = Path(truth_dir)
    if path.is_dir():
        path = path / "truth.jsonl"
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def load_warehouse(path: str | Path, source_paths: Iterable[str] | None = None
                   ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """core.dim_report, core.fact_metric and raw.reports (report_id, source_path) of a warehouse; with
    `source_paths`, only the reports read from those files (a sample of a big corpus)."""
    import duckdb

    con = duckdb.connect(str(path), read_only=True)
    try:
        def q(sql: str) -> pd.DataFrame:
            try:
                return con.execute(sql).df()
            except duckdb.Error as exc:  # a missing table scores as an empty one
                print(f"warning: {exc}".splitlines()[0], file=sys.stderr)
                return pd.DataFrame()

        where = ""
        if source_paths is not None:
            con.register("_sample", pd.DataFrame({"source_path": sorted(set(source_paths))}, dtype=object))
            where = " WHERE report_id IN (SELECT report_id FROM raw.reports JOIN _sample USING (source_path))"
        raw = q("SELECT report_id, source_path FROM raw.reports" + where)
        dim = q("SELECT * FROM core.dim_report" + where)
        met = q("SELECT * FROM core.fact_metric" + where)
    finally:
        con.close()
    return dim, met, raw


def _fmt(x: float | None) -> str:
    return "   -  " if x is None else f"{x:6.3f}"


def render(result: dict, worst: int = 5) -> str:
    out = []
    rep = result["reports"]
    out.append(f"reports: {rep['truth']} labelled, {rep['matched']} found in the warehouse, "
               f"{len(rep['missing'])} missing")
    out.append("")
    out.append(f"{'metadata field':<16} {'correct':>8} {'total':>7} {'accuracy':>9}")
    for f, v in result["metadata"].items():
        out.append(f"{f:<16} {v['correct']:>8} {v['total']:>7} {v['accuracy']:>9.3f}")
    out.append(f"{'mean':<16} {'':>8} {'':>7} {result['metadata_mean']:>9.3f}")
    out.append("")
    out.append(f"{'metric code':<24} {'tp':>6} {'fp':>6} {'fn':>6} {'prec':>7} {'recall':>7} {'f1':>7}")
    rows = list(result["metrics"]["per_code"].items())
    rows += [(f"[{k}]", v) for k, v in result["metrics"]["by_scope"].items()]
    rows.append(("OVERALL", result["metrics"]["overall"]))
    for code, v in rows:
        out.append(f"{code:<24} {v['tp']:>6} {v['fp']:>6} {v['fn']:>6} {_fmt(v['precision']):>7} "
                   f"{_fmt(v['recall']):>7} {_fmt(v['f1']):>7}")
    qa = result["qualifier_accuracy"]
    out.append(f"qualifier agreement on true positives: {'n/a' if qa is None else f'{qa:.3f}'}")
    la = result.get("label_agreement")
    if la is not None:
        out.append(f"label agreement on true positives with a labelled truth: {la:.3f}")
    fams = result["metrics"].get("by_family") or {}
    if fams:
        out.append("")
        out.append(f"{'phrasing family':<24} {'tp':>6} {'fp':>6} {'fn':>6} {'prec':>7} {'recall':>7} {'f1':>7}")
        for fam, v in fams.items():
            out.append(f"{fam:<24} {v['tp']:>6} {v['fp']:>6} {v['fn']:>6} {_fmt(v['precision']):>7} "
                       f"{_fmt(v['recall']):>7} {_fmt(v['f1']):>7}")
    phr = result["metrics"].get("by_phrasing") or {}
    if phr:
        out.append("")
        out.append(f"{'phrasing (recall)':<24} {'tp':>6} {'fn':>6} {'recall':>7}")
        for tag, v in phr.items():
            out.append(f"{tag:<24} {v['tp']:>6} {v['fn']:>6} {_fmt(v['recall']):>7}")
    if result.get("issues"):
        out.append("")
        out.append(f"{'quality issue rule':<24} {'tp':>6} {'fp':>6} {'fn':>6} {'prec':>7} {'recall':>7} {'f1':>7}")
        for rule, v in result["issues"].items():
            out.append(f"{rule:<24} {v['tp']:>6} {v['fp']:>6} {v['fn']:>6} {_fmt(v['precision']):>7} "
                       f"{_fmt(v['recall']):>7} {_fmt(v['f1']):>7}")
    bad = worst_reports(result, worst)
    if bad:
        out.append("")
        out.append(f"worst {len(bad)} reports:")
        for r in bad:
            out.append(f"- {r['file']}: tp={r['tp']} fp={r['fp']} fn={r['fn']}"
                       + ("" if r["found"] else "  (not in warehouse)"))
            for w in r["meta_wrong"][:6]:
                out.append(f"    meta {w['field']}: truth={w['truth']!r} got={w['got']!r}")
            for m in r["misses"][:8]:
                out.append(f"    miss  {m['metric_code']}[{m['dimension'] or ''}]/{m['source_kind']} = {m['value']}"
                           + (f" (got {m['got']})" if m["got"] else ""))
            for e in r["extras"][:8]:
                out.append(f"    extra {e['metric_code']}[{e['dimension'] or ''}]/{e['source_kind']} = {e['value']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gov_pipeline.evaluate", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--truth", required=True, help="folder with truth.jsonl (or the file itself)")
    ap.add_argument("--warehouse", required=True, help="DuckDB file (opened read-only)")
    ap.add_argument("--min-f1", type=float, default=None, help="exit 1 when overall metric F1 is below this")
    ap.add_argument("--min-meta", type=float, default=None, help="exit 1 when mean metadata accuracy is below this")
    ap.add_argument("--json", dest="json_out", default=None, help="write the full result as JSON here")
    ap.add_argument("--worst", type=int, default=5, help="list the K worst reports")
    ap.add_argument("--ignore-unknown-codes", action="store_true",
                    help="do not count extracted metric codes outside the labelled vocabulary as false positives")
    args = ap.parse_args(argv)
    if not Path(args.warehouse).exists():
        print(f"error: warehouse {args.warehouse} not found", file=sys.stderr)
        return 2
    truth = load_truth(args.truth)
    dim, met, raw = load_warehouse(args.warehouse)
    result = score(truth, dim, met, raw, ignore_unknown_codes=args.ignore_unknown_codes)
    print(render(result, args.worst))
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return report_thresholds(result, args.min_f1, args.min_meta)


def report_thresholds(result: dict, min_f1: float | None, min_meta: float | None, per_field: bool = False) -> int:
    """Exit code for --min-f1 / --min-meta: 1 (with the reasons on stderr) when a score is below its threshold.
    `per_field` applies --min-meta to every metadata field instead of their mean."""
    f1 = result["metrics"]["overall"]["f1"]
    failed = []
    if min_f1 is not None and f1 < min_f1:
        failed.append(f"overall F1 {f1:.4f} < {min_f1}")
    if min_meta is not None and per_field:
        low = {k: v["accuracy"] for k, v in result["metadata"].items() if v["accuracy"] < min_meta}
        if low:
            failed.append(f"metadata below {min_meta}: " + ", ".join(f"{k}={v:.4f}" for k, v in sorted(low.items())))
    elif min_meta is not None and result["metadata_mean"] < min_meta:
        failed.append(f"metadata accuracy {result['metadata_mean']:.4f} < {min_meta}")
    if failed:
        print("FAIL: " + "; ".join(failed), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
