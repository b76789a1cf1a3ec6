"""The corpus of tests/analysts/corpus.py through the whole graph, with `assets/` copied aside holding the
corpus's correction, the carry-over finding acknowledged and any agencies expected (tests of the marts, the
exports and the agency pages share it)."""
from __future__ import annotations

import contextlib
import csv
import hashlib
import shutil
from collections.abc import Iterator, Sequence
from pathlib import Path

import dagster as dg

from gov_pipeline.settings import REPO_ROOT
from tests.analysts import corpus

KEY = {a: f"浙江省/丽水市/{c}/生态环境" for a, c in corpus.AGENCIES.items()}
CARRY_OVER_KEY = f"carry_over|{KEY['qingshi']}|2023|requests_carried_in|"
ACKNOWLEDGED = ("二〇二二年底有一件申请撤回,已电话核实", "reviewer", "2026-12-02")


def finding_id(key: str) -> str:
    """What marts.audit_findings names a finding by: the first 12 hex digits of the md5 of its key."""
    return hashlib.md5(key.encode("utf-8")).hexdigest()[:12]


@contextlib.contextmanager
def corpus_harness(root: Path, expected: Sequence[tuple] = ()) -> Iterator:
    """A materialised Harness over the corpus; `expected`: rows of assets/expected_agencies.csv to add."""
    import gov_pipeline.text.refdata as refdata
    from tests.conftest import Harness

    assets = root / "assets"
    shutil.copytree(REPO_ROOT / "assets", assets)
    with (assets / "corrections.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(corpus.CORRECTIONS)
    with (assets / "acknowledged_findings.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerow([finding_id(CARRY_OVER_KEY), *ACKNOWLEDGED])
    with (assets / "expected_agencies.csv").open("a", encoding="utf-8", newline="") as fh:
        csv.writer(fh).writerows(expected)
    saved = refdata.ASSETS_DIR
    refdata.ASSETS_DIR = assets
    refdata.read_csv_rows.cache_clear()
    try:
        with dg.instance_for_test() as instance:
            h = Harness(root, instance)
            corpus.write(h.inbox)
            h.results = h.materialize_all()
            yield h
    finally:
        refdata.ASSETS_DIR = saved
        refdata.read_csv_rows.cache_clear()
