"""Figure recall and unlabelled values on the labelled real excerpts (../shared/real/excerpts/labels.json).

A labelled figure counts as found when the pipeline extracted its value for that report (in the unit written, or
converted to the catalogue's unit: 元 → 万元). Unlabelled values are the distinct extracted values no label of the
report holds; approximate figures (qualifier approx) and empty values are left out of that count, as the labels'
README says.
"""
from __future__ import annotations

import json
import os
from dataclasses import dataclass
from pathlib import Path

from gov_pipeline.text.catalog import MONEY_UNITS
from gov_pipeline.text.pipeline import analyse_raw

TOL = 1e-6
# Codes that are by definition another year's figure (the 2019 table's 上一年项目数量 column): the conventions
# leave previous-year figures out, so they are not counted as unlabelled values.
OTHER_PERIOD_CODES = frozenset({"items_prev_year"})


def excerpts_dir() -> Path:
    return Path(os.environ.get("TMPDIR") or "/tmp") / "gov-real" / "excerpts"


def load_labels(real_dir: Path) -> list[dict]:
    return json.loads((real_dir / "excerpts" / "labels.json").read_text(encoding="utf-8"))


def load_texts(labels: list[dict], folder: Path | None = None) -> dict[str, str]:
    """The excerpt texts present in folder (default excerpts_dir()), by item id."""
    folder = folder or excerpts_dir()
    out = {}
    for item in labels:
        p = folder / f"{item['id']}.txt"
        if p.is_file():
            out[item["id"]] = p.read_text(encoding="utf-8")
    return out


def _forms(value: float, unit: str | None) -> set[float]:
    """The values a labelled figure may take in the warehouse: as written, and money in 万元."""
    forms = {round(float(value), 6)}
    if unit and unit.strip() in MONEY_UNITS:
        forms.add(round(float(value) * MONEY_UNITS[unit.strip()], 6))
    return forms


@dataclass
class ItemScore:
    id: str
    labelled: int
    found: int
    missed: list[tuple[str, float]]
    unlabelled: list[float]


def score_item(item: dict, text: str, analysis=None) -> ItemScore:
    a = analysis or analyse_raw(item["id"], text, "rjieba")
    got = [m for m in a.metrics if m.value is not None]
    got_values = {round(float(m.value), 6) for m in got}
    label_forms: set[float] = set()
    found, missed = 0, []
    for lab in item["metrics"]:
        forms = _forms(lab["value"], lab.get("unit"))
        label_forms |= forms
        if forms & got_values:
            found += 1
        else:
            missed.append((lab["label_as_written"], lab["value"]))
    unlabelled = sorted({round(float(m.value), 6) for m in got
                         if m.qualifier != "approx" and m.metric_code not in OTHER_PERIOD_CODES} - label_forms)
    return ItemScore(item["id"], len(item["metrics"]), found, missed, unlabelled)


def score_figures(labels: list[dict], texts: dict[str, str]) -> dict:
    items = [score_item(it, texts[it["id"]]) for it in labels if it["id"] in texts]
    labelled = sum(s.labelled for s in items)
    found = sum(s.found for s in items)
    unl = sum(len(s.unlabelled) for s in items)
    return {
        "reports": len(items), "missing_texts": len(labels) - len(items),
        "labelled": labelled, "found": found, "recall": round(found / labelled, 4) if labelled else None,
        "unlabelled": unl, "unlabelled_per_report": round(unl / len(items), 3) if items else None,
        "items": [s.__dict__ for s in items],
    }


def format_figures(r: dict, worst: int = 0) -> str:
    lines = [f"excerpts: {r['reports']} reports ({r['missing_texts']} texts absent), "
             f"recall {r['recall']} ({r['found']} of {r['labelled']}), "
             f"unlabelled {r['unlabelled']} ({r['unlabelled_per_report']} per report)"]
    if worst:
        for s in sorted(r["items"], key=lambda s: -(len(s["missed"]) + len(s["unlabelled"])))[:worst]:
            if s["missed"] or s["unlabelled"]:
                lines.append(f"  {s['id']}: missed {s['missed']}  unlabelled {s['unlabelled']}")
    return "\n".join(lines)
