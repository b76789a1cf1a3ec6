"""CLI: python -m gov_pipeline.synth --out DIR --agencies N --years 2008-2025 --seed S [--noise 0.5]"""
from __future__ import annotations

import argparse
import sys
import time

from .generator import generate


def _years(s: str) -> tuple[int, int]:
    a, _, b = s.partition("-")
    y0, y1 = int(a), int(b or a)
    if not (2000 <= y0 <= y1 <= 2100):
        raise argparse.ArgumentTypeError(f"bad year range {s!r}")
    return y0, y1


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gov_pipeline.synth", description=__doc__)
    ap.add_argument("--out", required=True, help="output folder (created)")
    ap.add_argument("--agencies", type=int, default=10, help="number of agencies (max 213)")
    ap.add_argument("--years", type=_years, default=(2008, 2025), help="year range, e.g. 2008-2025")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--noise", type=float, default=0.5, help="noise level 0..2 (scales every noise rate)")
    ap.add_argument("--bureau", default=None, help="another bureau than the environmental one: its function word "
                    "(水务, 教育, ...: gazetteer.BUREAUS)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        recs = generate(args.out, args.agencies, args.years, args.seed, args.noise, args.bureau)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    dt = time.perf_counter() - t0
    print(f"wrote {len(recs)} reports + truth.jsonl to {args.out} in {dt:.1f}s", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
