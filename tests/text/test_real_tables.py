"""Every statistics-table cell of the real Pingtan gold tables (../shared/real/pingtan/, read in place, never copied).

gov_pipeline.evalreal.tables scores the cells: right, wrong, missing, and those the gold itself marks as rows the
table's identities do not force (counted apart unless read).
"""
from pathlib import Path

import pytest

from gov_pipeline.settings import REPO_ROOT

PINGTAN = REPO_ROOT.parent / "shared" / "real" / "pingtan"
pytestmark = pytest.mark.skipif(not (PINGTAN / "gold_tables.json").exists(), reason="../shared/real/ is not here")

MIN_ACCURACY = 1.0  # right / (right + wrong + missing): the level reached when written


@pytest.fixture(scope="module")
def result():
    from gov_pipeline.evalreal.tables import score_pingtan

    return score_pingtan(PINGTAN)


def test_no_cell_is_read_wrong(result):
    from gov_pipeline.evalreal.tables import format_tables

    wrong = [(r["file"], r["wrong_cells"]) for r in result["reports"] if r["wrong_cells"]]
    assert not wrong, format_tables(result)


def test_cells_read(result):
    from gov_pipeline.evalreal.tables import format_tables

    total = result["total"]
    assert total["right"] + total["missing"] + total["wrong"] > 1400
    assert total["accuracy"] >= MIN_ACCURACY, (format_tables(result),
                                               [(r["file"], r["missing_cells"]) for r in result["reports"]])
    assert len(result["reports"]) == 11


def test_the_2020_report_keeps_its_printed_total_and_says_so():
    # its result rows add up to 26 (natural persons) and 27 (总计), its (七)总计 prints 20 and 21
    from gov_pipeline.text.pipeline import analyse_raw

    name = "pingtan_2020_80595.txt"
    a = analyse_raw(name, (PINGTAN / name).read_text(encoding="utf-8"), "rjieba")
    got = {(m.metric_code, m.dimension): m.value for m in a.metrics if m.source_kind == "table" and m.qualifier is None}
    assert got[("requests_resolved", None)] == 21
    assert got[("requests_resolved", "applicant=natural_person")] == 20
    assert got[("requests_received", None)] == 21
    sums = [i for i in a.issues if i.rule == "table_sum" and i.detail.startswith("requests_resolved")]
    assert any("is 21 but" in i.detail for i in sums) and any("is 20 but" in i.detail for i in sums)


@pytest.fixture(scope="module")
def rendered():
    from gov_pipeline.evalreal.tables import score_rendered

    return score_rendered(PINGTAN)


def test_real_tables_rendered_as_documents_are_read_natively(rendered):
    """The 2019/2021 gold tables in the official layout as ruled PDF (also with repeated header rows), as PDF
    without ruling lines (grids from the words' positions), Word and HTML: every cell right."""
    from gov_pipeline.evalreal.tables import format_rendered

    shown = format_rendered(rendered)
    for style in ("pdf", "pdf_repeated_headers", "pdf_unruled", "docx", "html"):
        assert rendered[style]["grids"]["accuracy"] == 1.0, shown
        assert rendered[style]["grids"]["right"] > 1300, shown
