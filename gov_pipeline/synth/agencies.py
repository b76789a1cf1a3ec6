"""Invent agencies (province 厅 / city 局 / county 分局) from the gazetteer."""
from __future__ import annotations

import dataclasses
import random
from dataclasses import dataclass

from .gazetteer import ABBR, BUREAUS, CITIES, MUNICIPALITIES, PROVINCES

RENAME_YEAR = 2019


@dataclass(frozen=True)
class Agency:
    slug: str
    level: str  # province | city | county
    province: str
    city: str | None
    county: str | None
    old_name: str  # 环境保护厅/局 (before 2019)
    new_name: str  # 生态环境厅/局/分局 (2019 on)
    abbr: str  # province abbreviation for document numbers
    style: int  # small integer selecting stylistic habits of this agency
    bureau: str | None = None  # the function word of another bureau (gazetteer.BUREAUS); None: environment

    @property
    def key(self) -> str:
        parts = [p for p in (self.province, self.city, self.county) if p]
        # another bureau's key ends in its function and ending, as the pipeline keys any agency (水务局)
        domain = self.bureau + ("厅" if self.level == "province" else "局") if self.bureau else "生态环境"
        return "/".join(parts + [domain])

    def name(self, year: int) -> str:
        return self.new_name if year >= RENAME_YEAR else self.old_name

    def short(self, year: int) -> str:
        """A short form used in prose (市环保局, 旗环保局, 省生态环境厅 ...)."""
        base = self.county or self.city or self.province
        if self.bureau:
            return base + self.bureau + ("厅" if self.level == "province" else "局")
        if year >= RENAME_YEAR:
            return base + ("生态环境厅" if self.level == "province" else "生态环境局")
        return base + ("环保厅" if self.level == "province" else "环保局")

    def superior(self) -> str:
        if self.level == "province":
            return self.province + "人民政府办公厅"
        if self.level == "city":
            return self.city + "人民政府办公室"
        return self.county + "人民政府办公室"


def _county_names(province: str, city: str, county: str, rnd: random.Random) -> tuple[str, str]:
    if city in MUNICIPALITIES:
        return city + county + "环境保护局", city + county + "生态环境局"
    prefix = city if county.endswith("区") else ""
    old = prefix + county + "环境保护局"
    if rnd.random() < 0.6:
        new = city + "生态环境局" + county + "分局"
    else:
        new = prefix + county + "生态环境局"
    return old, new


def make_agencies(n: int, seed: int, bureau: str | None = None) -> list[Agency]:
    """n distinct agencies: about 15% provincial, 35% city, 50% county level; environmental bureaus (renamed in
    2019), or the bureau of another function (`bureau`, one of gazetteer.BUREAUS: one name in every year)."""
    if bureau is not None and bureau not in BUREAUS:
        raise ValueError(f"unknown bureau {bureau!r}: one of {', '.join(BUREAUS)}")
    rnd = random.Random(f"agencies:{seed}")
    provs = list(PROVINCES)
    cities = [c for c in CITIES if c[0] not in MUNICIPALITIES]
    counties = [(p, c, k) for p, _, c, ks in CITIES for k in ks]
    rnd.shuffle(provs)
    rnd.shuffle(cities)
    rnd.shuffle(counties)
    total = len(provs) + len(cities) + len(counties)
    if n > total:
        raise ValueError(f"at most {total} distinct agencies can be generated (asked for {n})")
    out: list[Agency] = []
    pattern = ("county", "city", "county", "province", "county", "city", "county", "city",
               "county", "city", "county", "province", "county", "city", "county", "county",
               "city", "county", "city", "province")
    i = 0
    while len(out) < n:
        want = pattern[i % len(pattern)]
        i += 1
        for level in (want, "county", "city", "province"):
            pool = {"province": provs, "city": cities, "county": counties}[level]
            if pool:
                break
        idx = len(out)
        slug = f"ag{idx:04d}"
        style = rnd.randrange(1000)
        if level == "province":
            prov, abbr = pool.pop()
            out.append(Agency(slug, "province", prov, None, None, prov + "环境保护厅", prov + "生态环境厅", abbr, style))
        elif level == "city":
            prov, abbr, city, _ = pool.pop()
            out.append(Agency(slug, "city", prov, city, None, city + "环境保护局", city + "生态环境局", abbr, style))
        else:
            prov, city, county = pool.pop()
            old, new = _county_names(prov, city, county, rnd)
            out.append(Agency(slug, "county", prov, city, county, old, new, ABBR[prov], style))
    if bureau:
        out = [_as_bureau(a, bureau) for a in out]
    return out


def _as_bureau(a: Agency, bureau: str) -> Agency:
    if a.level == "province":
        name = a.province + bureau + "厅"
    elif a.level == "city":
        name = a.city + bureau + "局"
    else:
        prefix = a.city if a.city in MUNICIPALITIES or a.county.endswith("区") else ""
        name = prefix + a.county + bureau + "局"
    return dataclasses.replace(a, old_name=name, new_name=name, bureau=bureau)
