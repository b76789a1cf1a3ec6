"""prepare loads, before a process's first report, what that report would otherwise load on demand."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_lazy_loads_are_lazy_and_prepare_loads_them():
    code = (
        "import sys\n"
        "from gov_pipeline.text import pipeline, prose\n"
        "assert 'cn2an' not in sys.modules\n"
        "assert not any('rx' in r.__dict__ for r in prose.RULES)\n"
        "pipeline.prepare('rjieba')\n"
        "assert all('rx' in r.__dict__ for r in prose.RULES)\n"
    )
    subprocess.run([sys.executable, "-c", code], cwd=ROOT, check=True, timeout=120,
                   env=dict(os.environ, GOV_NO_CACHE="1"))
