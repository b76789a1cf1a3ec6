"""Synthetic corpus of environmental-bureau disclosure reports with ground truth.

`generate(out_dir, agencies, (y0, y1), seed, noise)` writes `<agency_slug>_<year>.txt`
files and `truth.jsonl`; see `python -m gov_pipeline.synth --help`.
"""
from .generator import generate

__all__ = ["generate"]
