"""Synthetic corpus of environmental-bureau disclosure reports with ground truth.

`generate(out_dir, agencies, (y0, y1), seed, noise)` writes `<agency_slug>_<year>.txt`
files and `truth.jsonl`; see `python -m gov_pipeline.synth --help`. Besides the catalogue sentences
and the statistics tables, reports carry the phrasing families of `families` (breakdowns by category
and channel, environment releases, messages, visits, followers, rates, year-on-year changes, zeros in
words, the generic code, request outcomes in prose, running totals, parts and totals under the one-headline
rule, distractors); their truth metrics name their `family` and `phrasing`.
"""
from .generator import generate

__all__ = ["generate"]
