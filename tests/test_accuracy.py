"""Accuracy of the text library on a small synthetic corpus (gov_pipeline.accuracy).

A regression guard: the thresholds are what the library reaches (1.0 on every figure at the time
of writing, on seeds 7/11/3 with 720 reports each) minus a small margin. A drop below them means
a change made the library read the corpus worse (or the generator's truth disagree with it).
"""
from __future__ import annotations

import pytest

from gov_pipeline.accuracy import category_summary, evaluate_corpus, main
from gov_pipeline.synth import generate

MIN_F1 = 0.995
MIN_PRECISION = 0.995
MIN_RECALL = 0.99
MIN_META = 0.985  # per field: at most one miss in 72 reports
MIN_QUALIFIER = 0.98
MIN_ISSUE_F1 = 0.95


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    out = tmp_path_factory.mktemp("acc")
    generate(out, 6, (2012, 2023), seed=5, noise=1.0)
    return out


@pytest.fixture(scope="module")
def result(corpus):
    return evaluate_corpus(corpus)


def test_every_report_is_read(result):
    assert result["reports"]["truth"] == 72
    assert result["reports"]["missing"] == []
    assert result["failures"] == []


def test_metric_f1(result):
    overall = result["metrics"]["overall"]
    assert overall["tp"] > 5000
    assert overall["f1"] >= MIN_F1, category_summary(result)
    assert overall["precision"] >= MIN_PRECISION, category_summary(result)
    assert overall["recall"] >= MIN_RECALL, category_summary(result)
    for scope in ("headline", "dimension", "table", "narrative"):
        assert result["metrics"]["by_scope"][scope]["f1"] >= MIN_F1 - 0.01, (scope, category_summary(result))


def test_metadata_accuracy_per_field(result):
    assert set(result["metadata"]) >= {"title", "agency_key", "report_year", "format_era", "published_on",
                                      "doc_number"}
    low = {k: v["accuracy"] for k, v in result["metadata"].items() if v["accuracy"] < MIN_META}
    assert not low, (low, category_summary(result))


def test_qualifiers_and_quality_issues(result):
    assert result["qualifier_accuracy"] is not None and result["qualifier_accuracy"] >= MIN_QUALIFIER
    issues = result["issues"]
    assert {"prose_table_mismatch", "request_balance", "staff_sum"} <= set(issues)
    for rule, v in issues.items():
        assert v["f1"] >= MIN_ISSUE_F1, (rule, v)


def test_cli_thresholds(corpus, capsys):
    assert main(["--corpus", str(corpus), "--worst", "2", "--min-f1", str(MIN_F1), "--min-meta", str(MIN_META)]) == 0
    out = capsys.readouterr().out
    assert "OVERALL" in out and "published_on" in out
    assert main(["--corpus", str(corpus), "--min-f1", "1.01"]) == 1
    assert main(["--corpus", str(corpus / "nowhere")]) == 2
