"""The metric catalogue (assets/metric_catalog.csv -> ref.metric_catalog).

One row per metric code: the shared contract between the prose extractor, the
table extractor and the consistency rules.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from .refdata import read_csv_rows

CATALOG_FILE = "metric_catalog.csv"
CATALOG_COLUMNS = (
    "code", "label_zh", "aliases", "unit", "eras", "is_headline", "description", "min_value", "max_value",
)
MONEY_UNITS = {"元": 1e-4, "千元": 0.1, "万元": 1.0, "亿元": 1e4}


@dataclass(frozen=True)
class MetricDef:
    code: str
    label_zh: str
    aliases: tuple[str, ...]
    unit: str
    eras: tuple[str, ...]
    is_headline: bool
    description: str
    min_value: float | None
    max_value: float | None

    def in_bounds(self, value: float) -> bool:
        if self.min_value is not None and value < self.min_value:
            return False
        if self.max_value is not None and value > self.max_value:
            return False
        return True


def _num_or_none(s: str | None) -> float | None:
    s = (s or "").strip()
    return float(s) if s else None


def _split(s: str | None) -> tuple[str, ...]:
    return tuple(p.strip() for p in (s or "").split("|") if p.strip())


@lru_cache(maxsize=1)
def load_catalog() -> dict[str, MetricDef]:
    """All metric definitions keyed by code (cached per process)."""
    out: dict[str, MetricDef] = {}
    for row in read_csv_rows(CATALOG_FILE):
        code = row["code"].strip()
        if code in out:
            raise ValueError(f"duplicate metric code {code!r} in {CATALOG_FILE}")
        out[code] = MetricDef(
            code=code,
            label_zh=row["label_zh"].strip(),
            aliases=_split(row["aliases"]),
            unit=row["unit"].strip(),
            eras=_split(row["eras"]),
            is_headline=row["is_headline"].strip().lower() in ("true", "1", "yes"),
            description=row["description"].strip(),
            min_value=_num_or_none(row["min_value"]),
            max_value=_num_or_none(row["max_value"]),
        )
    return out


def unit_of(code: str) -> str:
    """The catalogue unit of a metric code; KeyError for an unknown code."""
    return load_catalog()[code].unit


def to_wan_yuan(value: float | None, unit: str | None) -> float | None:
    """Normalise a money amount to 万元. unit None or '万元' means already 万元."""
    if value is None:
        return None
    if unit is None or unit == "":
        return float(value)
    try:
        factor = MONEY_UNITS[unit.strip()]
    except KeyError:
        raise ValueError(f"not a money unit: {unit!r}") from None
    return round(float(value) * factor, 6)
