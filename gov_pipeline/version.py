"""The version of the text work: which code and reference data produced a staging or core row.

staging.clean_reports and core.dim_report / core.quarantine record it (text_version). A report is
processed again when its bytes change (content_sha256) or when this version changes, so editing a
parser, the metric catalogue or a cleaning pattern re-derives every report on the next run without
anyone asking for it. It is also the Dagster code version of the staging and core assets.
"""
from __future__ import annotations

import hashlib
from functools import lru_cache

from gov_pipeline.settings import REPO_ROOT

# Everything that decides what a report turns into: the text library, the row shaping, the reference data.
SOURCES = ("gov_pipeline/text/**/*.py", "gov_pipeline/frames.py", "assets/**/*")
# ...but not the inbox's rules (assets/inbox.toml): they decide which files are read, not what a report becomes.
NOT_SOURCES = ("assets/inbox.toml",)


@lru_cache(maxsize=1)
def text_version() -> str:
    """12 hex digits of SHA-256 over the relative path and bytes of every source file, in path order."""
    digest = hashlib.sha256()
    files = sorted({p for pattern in SOURCES for p in REPO_ROOT.glob(pattern) if p.is_file()
                    and "__pycache__" not in p.parts and p.relative_to(REPO_ROOT).as_posix() not in NOT_SOURCES})
    for path in files:
        digest.update(path.relative_to(REPO_ROOT).as_posix().encode("utf-8") + b"\0")
        digest.update(path.read_bytes().replace(b"\r\n", b"\n") + b"\0")
    return digest.hexdigest()[:12]
