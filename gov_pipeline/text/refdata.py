"""Locations of the declarative reference data kept in the repository's `assets/` folder."""
from __future__ import annotations

import csv
import os
from functools import lru_cache
from pathlib import Path

ASSETS_DIR = Path(os.environ.get("GOV_ASSETS_DIR", Path(__file__).resolve().parents[2] / "assets"))


def asset_path(name: str) -> Path:
    path = ASSETS_DIR / name
    if not path.exists():
        raise FileNotFoundError(f"reference file {name!r} not found in {ASSETS_DIR}")
    return path


@lru_cache(maxsize=None)
def read_csv_rows(name: str) -> tuple[dict[str, str], ...]:
    """Rows of a UTF-8 CSV file in assets/, as dicts (cached per process)."""
    with asset_path(name).open(encoding="utf-8", newline="") as fh:
        return tuple(dict(row) for row in csv.DictReader(fh))


@lru_cache(maxsize=None)
def read_lines(name: str) -> tuple[str, ...]:
    """Non-empty, non-comment lines of a text file in assets/."""
    lines = asset_path(name).read_text(encoding="utf-8").splitlines()
    return tuple(s for s in (line.strip() for line in lines) if s and not s.startswith("#"))
