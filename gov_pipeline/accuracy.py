"""Accuracy of the text library on a labelled corpus, in one process (no Dagster, no DuckDB).

    python -m gov_pipeline.accuracy --corpus DIR [--worst K] [--json OUT] [--min-f1 X] [--min-meta X]
                                    [--ignore-unknown-codes] [--codes] [--segmenter jieba]

DIR holds report files plus truth.jsonl (see gov_pipeline.synth). Every file named in truth.jsonl
is decoded with decode_report, analysed with analyse_raw, turned into warehouse-shaped rows with
gov_pipeline.frames.core_frames and scored with gov_pipeline.evaluate.score. A report that cannot be
decoded or analysed is counted as missing (every metadata field and every metric of it is a miss).
"""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import pandas as pd

from gov_pipeline.evaluate import load_truth, render, report_thresholds, score
from gov_pipeline.frames import core_frames
from gov_pipeline.text.decode import decode_report
from gov_pipeline.text.model import QuarantineError
from gov_pipeline.text.pipeline import analyse_raw, compress_offsets


def analyse_corpus(corpus: str | Path, truth: list[dict] | None = None, segmenter: str = "jieba"
                   ) -> tuple[list[dict], dict, pd.DataFrame, list[tuple[str, str]], float]:
    """Analyse every labelled file of a corpus.

    Returns (truth records, core frames, raw frame, failures [(file, reason)], seconds spent analysing).
    """
    corpus = Path(corpus)
    truth = load_truth(corpus) if truth is None else truth
    analyses, runs, raw_rows, failures = [], {}, [], []
    t0 = time.perf_counter()
    for rec in truth:
        name = rec["file"]
        rid = Path(name).stem
        try:
            text = decode_report((corpus / name).read_bytes()).text
            a = analyse_raw(rid, text, segmenter)
        except (QuarantineError, OSError) as exc:
            failures.append((name, getattr(exc, "reason", str(exc))))
            continue
        except Exception as exc:  # a crash is a finding, not a reason to stop
            failures.append((name, f"{type(exc).__name__}: {exc}"))
            continue
        analyses.append(a)
        runs[rid] = compress_offsets(a.cleaned.offsets)
        raw_rows.append({"report_id": rid, "source_path": str(corpus / name)})
    seconds = time.perf_counter() - t0
    frames = core_frames(analyses, runs)
    raw_df = pd.DataFrame(raw_rows, columns=["report_id", "source_path"])
    return truth, frames, raw_df, failures, seconds


def evaluate_corpus(corpus: str | Path, *, ignore_unknown_codes: bool = False, segmenter: str = "jieba") -> dict:
    """Score the library on a corpus; the evaluate.score result plus 'failures' and 'seconds'."""
    truth, frames, raw_df, failures, seconds = analyse_corpus(corpus, segmenter=segmenter)
    result = score(truth, frames["core.dim_report"], frames["core.fact_metric"], raw_df,
                   ignore_unknown_codes=ignore_unknown_codes, issue_df=frames["core.quality_issue"])
    result["failures"] = [{"file": f, "reason": r} for f, r in failures]
    result["seconds"] = seconds
    result["reports_per_second"] = (len(truth) - len(failures)) / seconds if seconds else None
    return result


def category_summary(result: dict, top: int = 25) -> list[tuple[str, int]]:
    """The most frequent miss/extra categories: 'miss code[dim]/src <family>' and 'extra code[dim]/src <family>'
    (the family of gov_pipeline.synth.families the figure's sentence belongs to, when the truth names one)."""
    from collections import Counter

    cnt: Counter = Counter()

    def fam(x: dict) -> str:
        return f" <{x['family']}>" if x.get("family") else ""

    for r in result["per_report"]:
        for m in r["misses"]:
            cnt[f"miss  {m['metric_code']}[{_dim_kind(m['dimension'])}]/{m['source_kind']}{fam(m)}"] += 1
        for e in r["extras"]:
            cnt[f"extra {e['metric_code']}[{_dim_kind(e['dimension'])}]/{e['source_kind']}{fam(e)}"] += 1
        for w in r["meta_wrong"]:
            cnt[f"meta  {w['field']}"] += 1
        for w in r.get("issues_wrong", []):
            cnt[f"issue {'missed' if w['expected'] else 'extra '} {w['rule']}"] += 1
    return cnt.most_common(top)


def _dim_kind(dim: str | None) -> str:
    if not dim:
        return ""
    return ";".join(p.split("=")[0] for p in dim.split(";"))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gov_pipeline.accuracy", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--corpus", required=True, help="folder with the report files and truth.jsonl")
    ap.add_argument("--worst", type=int, default=10, help="list the K worst reports")
    ap.add_argument("--json", dest="json_out", default=None, help="write the full result as JSON here")
    ap.add_argument("--min-f1", type=float, default=None, help="exit 1 when overall metric F1 is below this")
    ap.add_argument("--min-meta", type=float, default=None,
                    help="exit 1 when any metadata field's accuracy is below this")
    ap.add_argument("--ignore-unknown-codes", action="store_true",
                    help="do not count extracted codes outside the labelled vocabulary as false positives")
    ap.add_argument("--segmenter", default="jieba")
    args = ap.parse_args(argv)
    if not (Path(args.corpus) / "truth.jsonl").exists():
        print(f"error: {args.corpus}/truth.jsonl not found", file=sys.stderr)
        return 2
    result = evaluate_corpus(args.corpus, ignore_unknown_codes=args.ignore_unknown_codes, segmenter=args.segmenter)
    print(render(result, args.worst))
    print("")
    print("most frequent error categories:")
    for cat, n in category_summary(result):
        print(f"  {n:6d}  {cat}")
    if result["failures"]:
        print(f"\n{len(result['failures'])} reports failed:")
        for f in result["failures"][:10]:
            print(f"  {f['file']}: {f['reason']}")
    rps = result["reports_per_second"]
    print(f"\nanalysed {result['reports']['truth']} reports in {result['seconds']:.1f}s"
          + (f" ({rps:.0f} reports/s, one process)" if rps else ""))
    overall = result["metrics"]["overall"]
    print(f"OVERALL metric P={overall['precision']:.4f} R={overall['recall']:.4f} F1={overall['f1']:.4f}; "
          f"metadata min={min((v['accuracy'] for v in result['metadata'].values()), default=1.0):.4f} "
          f"mean={result['metadata_mean']:.4f}")
    if args.json_out:
        Path(args.json_out).write_text(json.dumps(result, ensure_ascii=False, indent=1, default=str), encoding="utf-8")
    return report_thresholds(result, args.min_f1, args.min_meta, per_field=True)


if __name__ == "__main__":
    sys.exit(main())
