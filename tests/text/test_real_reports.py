"""Real reports nobody here wrote (../shared/real/, read in place, never copied): what this change touched."""
import json
from pathlib import Path

import pytest

from gov_pipeline.settings import REPO_ROOT
from gov_pipeline.text.pipeline import analyse_raw

PINGTAN = REPO_ROOT.parent / "shared" / "real" / "pingtan"
pytestmark = pytest.mark.skipif(not (PINGTAN / "manifest.jsonl").exists(), reason="../shared/real/ is not here")


@pytest.fixture(scope="module")
def analyses():
    manifest = [json.loads(line) for line in (PINGTAN / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
    return [(m, analyse_raw(m["file"], (PINGTAN / m["file"]).read_text(encoding="utf-8"), "rjieba")) for m in manifest]


def test_format_era_is_the_printed_table_s_generation(analyses):
    # a table whose cells the parser cannot read yet (fused crawler cells) still names its generation
    want = {"2014": "table_2014", "2019": "table_2019", "2021": "table_2021", "none": "narrative"}
    got = [(m["file"], a.meta.format_era) for m, a in analyses]
    assert got == [(m["file"], want[m["table_format"]]) for m, _ in analyses]
