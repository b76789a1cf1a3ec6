"""`make eval-real`: score the pipeline on ../shared/real/ and write bench/real_results.json.

    python -m gov_pipeline.evalreal [--real DIR] [--excerpts DIR] [--json FILE] [--worst N]

Figures and metadata on the labelled excerpts (texts from ${TMPDIR:-/tmp}/gov-real/excerpts/, skipped with a
message when absent: see docs/real-data.md for how to re-create them), metadata and table cells on the Pingtan
reports (read in place), and the Pingtan gold tables rendered as PDF, Word and HTML documents in the official
layout and read natively (evalreal/render.py)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from gov_pipeline.settings import REPO_ROOT

from . import figures, metadata, tables


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gov_pipeline.evalreal", description=__doc__.splitlines()[0])
    ap.add_argument("--real", type=Path, default=REPO_ROOT.parent / "shared" / "real")
    ap.add_argument("--excerpts", type=Path, default=None, help="folder of <id>.txt excerpt texts")
    ap.add_argument("--json", type=Path, default=REPO_ROOT / "bench" / "real_results.json")
    ap.add_argument("--worst", type=int, default=10, help="list the N excerpts with the most misses")
    args = ap.parse_args(argv)
    if not (args.real / "pingtan" / "gold_tables.json").is_file():
        print(f"no real data at {args.real} (expected pingtan/gold_tables.json and excerpts/labels.json)",
              file=sys.stderr)
        return 2
    t0 = time.perf_counter()
    out: dict = {}
    labels = figures.load_labels(args.real)
    texts = figures.load_texts(labels, args.excerpts)
    if texts:
        scored = figures.score_figures(labels, texts)
        print(figures.format_figures(scored, args.worst))
        # the file keeps figures, not the pages' words: a missed label is written as its value
        out["excerpt_figures"] = {**scored, "items": [{**i, "missed": [v for _, v in i["missed"]]}
                                                      for i in scored["items"]]}
        out["excerpt_metadata"] = metadata.score_metadata([x for x in labels if x["id"] in texts], texts)
        print(metadata.format_metadata(out["excerpt_metadata"]))
    else:
        print(f"excerpts: skipped, no texts in {args.excerpts or figures.excerpts_dir()} "
              "(re-create them as docs/real-data.md says)")
    out["pingtan_metadata"] = metadata.score_pingtan_metadata(args.real / "pingtan")
    print(metadata.format_metadata(out["pingtan_metadata"]))
    out["pingtan_tables"] = tables.score_pingtan(args.real / "pingtan")
    print(tables.format_tables(out["pingtan_tables"]))
    out["rendered_tables"] = tables.score_rendered(args.real / "pingtan")
    print(tables.format_rendered(out["rendered_tables"]))
    out["seconds"] = round(time.perf_counter() - t0, 2)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(out, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    print(f"written {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
