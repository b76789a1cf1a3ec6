"""Report metadata on real reports nobody here wrote (../shared/real/, read in place, never copied):
agency, admin level, province, year covered and kind (gov_pipeline.evalreal.metadata says what counts as right)."""
from __future__ import annotations

import pytest

from gov_pipeline.evalreal.figures import excerpts_dir, load_labels, load_texts
from gov_pipeline.evalreal.metadata import format_metadata, score_metadata, score_pingtan_metadata
from gov_pipeline.settings import REPO_ROOT

REAL = REPO_ROOT.parent / "shared" / "real"
pytestmark = pytest.mark.skipif(not (REAL / "pingtan" / "manifest.jsonl").exists(), reason="../shared/real/ is not here")


@pytest.fixture(scope="module")
def excerpts():
    labels = load_labels(REAL)
    texts = load_texts(labels)
    if len(texts) < len(labels):
        pytest.skip(f"excerpt texts absent from {excerpts_dir()} ({len(texts)} of {len(labels)}): "
                    "put them there (see ../shared/real/README.md) to score the excerpts")
    return score_metadata(labels, texts)


def test_excerpt_metadata_levels(excerpts):
    acc = excerpts["accuracy"]
    report = format_metadata(excerpts)
    assert excerpts["reports"] == 44
    assert acc["agency"] >= 0.97, report
    assert acc["report_year"] >= 0.98, report
    assert acc["report_kind"] >= 0.95, report
    assert acc["admin_level"] >= 0.9, report
    # three pages name no place at all (their province comes from the url): every other province is right
    assert excerpts["province_from_text"] == 1.0, report
    assert acc["province"] >= 0.93, report


def test_excerpt_misses_are_the_known_ones(excerpts):
    misses = {(m["id"], m["field"]) for m in excerpts["misses"]}
    # no place in the text (url only); a municipality's 市生态环境局 that never names its city; no agency named
    # (the level is only implied); a third-party copy that starts after the report's title and intro
    known = {("d011", "province"), ("d012", "province"), ("d026", "province"), ("d011", "admin_level"),
             ("d023", "admin_level"), ("d035", "admin_level"), ("d038", "report_kind")}
    assert misses <= known, format_metadata(excerpts)


def test_pingtan_agency_level_province_and_year_all_right():
    result = score_pingtan_metadata(REAL / "pingtan")
    assert result["reports"] == 19
    assert result["misses"] == [], format_metadata(result)
