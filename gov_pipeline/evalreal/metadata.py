"""Report metadata on real reports: agency, admin level, province, year covered and kind.

``score_metadata(labels, texts)`` compares the pipeline's ``ReportMeta`` (``analyse_raw(id, text, "rjieba")``) with
the labelled excerpts (../shared/real/excerpts/labels.json); ``score_pingtan_metadata(pingtan_dir)`` compares the 19
Pingtan crawler reports with their manifest. What counts as right, field by field:

* agency: the two names are equal once both are normalised: Traditional characters converted to Simplified
  (OpenCC t2s), every space removed, full-width brackets made ASCII and a trailing ``(盖章)`` dropped. A manifest name
  with alternatives in brackets (``A(B)``: the report's title names A, its body also calls it B) is right when either
  A or B is got. A label without an agency (the page names none) is right only when none is got.
* admin_level: equal, with the labels' ``district`` counted as ``county`` (the warehouse has no separate district
  level: a district is a county-level unit). For Pingtan, where the manifest gives no level: ``county`` for the
  county government (平潭县…), ``city`` for the Pingtan Comprehensive Pilot Zone and its organs (the zone holds the
  powers of a prefecture-level city; Fujian counts it with its nine cities, assets/places.toml).
* province: the short names are equal (``内蒙古`` = ``内蒙古自治区``, ``上海`` = ``上海市``); a label without a
  province is right only when none is got. Pingtan: 福建.
* report_year: equal (the year covered). report_kind: equal.

Three excerpts name no place at all: their province was worked out from the page's url only (the label's
``province_note`` says so: it mentions the url and "only" or "no place name"). ``province_from_text`` is the
province accuracy over the other items, the share a reader of the text alone can reach.

Everything here reads ../shared/real/ (and the excerpt texts under ${TMPDIR:-/tmp}/gov-real/excerpts) in place.
"""
from __future__ import annotations

import json
import re
from functools import lru_cache
from pathlib import Path

from gov_pipeline.text.pipeline import analyse_raw

FIELDS = ("agency", "admin_level", "province", "report_year", "report_kind")
PINGTAN_PROVINCE = "福建"

_BRACKETS = str.maketrans({"（": "(", "）": ")", "　": " "})
_STAMP_RE = re.compile(r"\(?盖章\)?$")
_ALT_RE = re.compile(r"^(?P<main>[^()]+)\((?P<alt>[^()]+)\)$")
_PROVINCE_TAIL_RE = re.compile(r"(?:壮族自治区|回族自治区|维吾尔自治区|自治区|特别行政区|省|市)$")


@lru_cache(maxsize=1)
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


def norm_agency(name: str | None) -> str | None:
    """An agency name as compared: Simplified, no spaces, ASCII brackets, no trailing (盖章)."""
    if not name:
        return None
    s = re.sub(r"\s+", "", _t2s().convert(name).translate(_BRACKETS))
    return _STAMP_RE.sub("", s) or None


def agency_forms(expected: str | None) -> set[str | None]:
    """The names that count as right for a labelled agency (itself, or either form of ``A(B)``)."""
    e = norm_agency(expected)
    if e is None:
        return {None}
    m = _ALT_RE.match(e)
    return {m["main"], m["alt"]} if m else {e}


def short_province(name: str | None) -> str | None:
    """内蒙古自治区 -> 内蒙古, 上海市 -> 上海, 黑龙江省 -> 黑龙江; None stays None."""
    if not name:
        return None
    return _PROVINCE_TAIL_RE.sub("", name.strip()) or name


def norm_level(level: str | None) -> str:
    return "county" if level == "district" else (level or "unknown")


def _got(meta) -> dict:
    return {
        "agency": meta.agency_name, "admin_level": meta.admin_level, "province": meta.province,
        "report_year": meta.report_year, "report_kind": meta.report_kind,
    }


def _right(field: str, expected, got) -> bool:
    if field == "agency":
        return norm_agency(got) in agency_forms(expected)
    if field == "admin_level":
        return norm_level(expected) == norm_level(got)
    if field == "province":
        return short_province(expected) == short_province(got)
    return expected == got


def _score(rows: list[tuple[str, dict, dict]], fields=FIELDS) -> dict:
    """rows: (id, expected by field, got by field)."""
    right = {f: 0 for f in fields}
    misses = []
    for rid, exp, got in rows:
        for f in fields:
            if _right(f, exp[f], got[f]):
                right[f] += 1
            else:
                misses.append({"id": rid, "field": f, "expected": exp[f], "got": got[f]})
    n = len(rows)
    return {
        "reports": n,
        "right": right,
        "accuracy": {f: (right[f] / n if n else 0.0) for f in fields},
        "misses": misses,
    }


def url_only(item: dict) -> bool:
    """True when the label's province was read from the page's url alone (the text names no place)."""
    note = (item.get("province_note") or "").lower()
    return "url" in note and ("only" in note or "no place name" in note)


def score_metadata(labels: list[dict], texts: dict[str, str]) -> dict:
    """Per-field accuracy of the metadata on the labelled excerpts whose text is in `texts` (by id), with the misses."""
    rows = []
    for item in labels:
        if item["id"] not in texts:
            continue
        meta = analyse_raw(item["id"], texts[item["id"]], "rjieba").meta
        rows.append((item["id"], {f: item.get(f) for f in FIELDS}, _got(meta)))
    out = _score(rows)
    out["missing_texts"] = len(labels) - len(rows)
    out["set"] = "excerpts"
    by_id = {it["id"]: it for it in labels}
    answerable = [rid for rid, _e, _g in rows if not url_only(by_id[rid])]
    wrong = {m["id"] for m in out["misses"] if m["field"] == "province"}
    out["url_only"] = sorted(rid for rid, _e, _g in rows if url_only(by_id[rid]))
    out["province_from_text"] = (sum(rid not in wrong for rid in answerable) / len(answerable)) if answerable else 0.0
    return out


def pingtan_level(agency: str) -> str:
    """The expected level of a Pingtan agency (see the module docstring)."""
    return "county" if norm_agency(agency).startswith("平潭县") else "city"


def score_pingtan_metadata(pingtan_dir: Path | str) -> dict:
    """Agency (vs the manifest's), level, province (福建), year covered of the Pingtan crawler reports."""
    pingtan_dir = Path(pingtan_dir)
    manifest = [json.loads(line) for line in (pingtan_dir / "manifest.jsonl").read_text(encoding="utf-8").splitlines()
                if line.strip()]
    rows = []
    for m in manifest:
        meta = analyse_raw(m["file"], (pingtan_dir / m["file"]).read_text(encoding="utf-8"), "rjieba").meta
        exp = {"agency": m["agency"], "admin_level": pingtan_level(m["agency"]), "province": PINGTAN_PROVINCE,
               "report_year": m["report_year"]}
        rows.append((m["file"], exp, _got(meta)))
    out = _score(rows, fields=("agency", "admin_level", "province", "report_year"))
    out["set"] = "pingtan"
    return out


def format_metadata(result: dict) -> str:
    """A short text report: accuracy per field, then one line per miss."""
    n = result["reports"]
    head = f"metadata on {result.get('set', 'reports')} ({n} reports"
    if result.get("missing_texts"):
        head += f", {result['missing_texts']} texts missing"
    lines = [head + ")"]
    for f, acc in result["accuracy"].items():
        lines.append(f"  {f:<12} {result['right'][f]:>3}/{n}  {acc:.3f}")
    if "province_from_text" in result:
        lines.append(f"  province where the text names a place: {result['province_from_text']:.3f} "
                     f"(url only: {', '.join(result['url_only']) or 'none'})")
    if result["misses"]:
        lines.append("  misses:")
        for m in result["misses"]:
            lines.append(f"    {m['id']:<28} {m['field']:<12} expected {m['expected']!r}, got {m['got']!r}")
    return "\n".join(lines)


if __name__ == "__main__":  # python -m gov_pipeline.evalreal.metadata [real_dir]
    import sys

    from gov_pipeline.evalreal.figures import load_labels, load_texts
    from gov_pipeline.settings import REPO_ROOT

    real = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO_ROOT.parent / "shared" / "real"
    labels = load_labels(real)
    print(format_metadata(score_metadata(labels, load_texts(labels))))
    print(format_metadata(score_pingtan_metadata(real / "pingtan")))
