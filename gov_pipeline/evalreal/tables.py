"""Table-cell scores on the Pingtan gold tables (../shared/real/pingtan/gold_tables.json, read in place).

Every gold cell (a figure as printed in a report's statistics table) is mapped to the (metric_code, dimension,
qualifier) the table extractor gives it (the mapping below mirrors assets/table_rows.csv: it is evaluation code)
and compared with what ``analyse_raw(file, text, "rjieba")`` read:

* right: the extractor has the cell with the gold value (money compared in the catalogue's unit: 元 → 万元);
* wrong: the extractor has the cell with another value (an empty value counts as not read);
* missing: the extractor has no value for the cell;
* ambiguous: the gold marks the row as one the table's identities do not force (``ambiguous``) and the extractor
  left it empty: counted apart, neither right nor wrong. Read anyway, such a cell counts as right or wrong.
"""
from __future__ import annotations

import json
from pathlib import Path

from gov_pipeline.text.catalog import MONEY_UNITS
from gov_pipeline.text.pipeline import analyse_raw

TOL = 1e-6
APPLICANTS = ("natural_person", "commercial", "research", "public_interest", "legal_service", "other_org")

# gold `requests` row key -> (metric_code, dimension of the 总计 column)
REQUEST_ROWS: dict[str, tuple[str, str | None]] = {
    "received": ("requests_received", None),
    "carried_in": ("requests_carried_in", None),
    "disclosed": ("requests_resolved", "result=disclosed"),
    "partial": ("requests_resolved", "result=partial"),
    "refused_state_secret": ("requests_resolved", "result=refused;reason=state_secret"),
    "refused_law": ("requests_resolved", "result=refused;reason=law_prohibited"),
    "refused_three_safety": ("requests_resolved", "result=refused;reason=three_safety"),
    "refused_third_party": ("requests_resolved", "result=refused;reason=third_party"),
    "refused_internal": ("requests_resolved", "result=refused;reason=internal_affairs"),
    "refused_process": ("requests_resolved", "result=refused;reason=process_info"),
    "refused_enforcement": ("requests_resolved", "result=refused;reason=enforcement_file"),
    "refused_inquiry": ("requests_resolved", "result=refused;reason=inquiry"),
    "unable_not_held": ("requests_resolved", "result=unable;reason=not_held"),
    "unable_needs_creation": ("requests_resolved", "result=unable;reason=needs_creation"),
    "unable_unclear": ("requests_resolved", "result=unable;reason=unclear"),
    "notproc_complaint": ("requests_resolved", "result=not_processed;reason=complaint"),
    "notproc_repeated": ("requests_resolved", "result=not_processed;reason=repeated"),
    "notproc_publication": ("requests_resolved", "result=not_processed;reason=publication"),
    "notproc_abusive": ("requests_resolved", "result=not_processed;reason=abusive"),
    "notproc_confirm": ("requests_resolved", "result=not_processed;reason=confirm"),
    "other": ("requests_resolved", "result=other"),
    "other_no_correction": ("requests_resolved", "result=other;reason=no_correction"),
    "other_unpaid": ("requests_resolved", "result=other;reason=unpaid"),
    "other_other": ("requests_resolved", "result=other;reason=other"),
    "resolved_total": ("requests_resolved", None),
    "carried_out": ("requests_carried_out", None),
}

# gold `article20` key -> the row's columns: (metric_code, dimension, unit the gold value is printed in)
ARTICLE20_2019: dict[str, tuple[tuple[str, str | None, str | None], ...]] = {
    "rules": (("doc_new_made", "doc_type=rules", None), ("doc_new_published", "doc_type=rules", None),
              ("doc_total_published", "doc_type=rules", None)),
    "normative": (("doc_new_made", "doc_type=normative", None), ("doc_new_published", "doc_type=normative", None),
                  ("doc_total_published", "doc_type=normative", None)),
    "license": (("items_prev_year", "item=license", None), ("items_change", "item=license", None),
                ("license_decisions", None, None)),
    "other_service": (("items_prev_year", "item=other_service", None), ("items_change", "item=other_service", None),
                      ("other_service_decisions", None, None)),
    "penalty": (("items_prev_year", "item=penalty", None), ("items_change", "item=penalty", None),
                ("penalty_decisions", None, None)),
    "coercion": (("items_prev_year", "item=coercion", None), ("items_change", "item=coercion", None),
                 ("coercion_decisions", None, None)),
    "admin_fee": (("items_prev_year", "item=fee", None), ("items_change", "item=fee", None)),
    # this publisher prints the procurement amount in 元 (README); the catalogue keeps 万元
    "procurement": (("procurement_items", None, None), ("procurement_amount", None, "元")),
}
ARTICLE20_2021: dict[str, tuple[tuple[str, str | None, str | None], ...]] = {
    "rules": (("doc_issued", "doc_type=rules", None), ("doc_repealed", "doc_type=rules", None),
              ("doc_in_force", "doc_type=rules", None)),
    "normative": (("doc_issued", "doc_type=normative", None), ("doc_repealed", "doc_type=normative", None),
                  ("doc_in_force", "doc_type=normative", None)),
    "license": (("license_decisions", None, None),),
    "penalty": (("penalty_decisions", None, None),),
    "coercion": (("coercion_decisions", None, None),),
    "admin_fee_wan": (("admin_fee_amount", None, None),),
}
C_COLUMNS = ("result=upheld", "result=corrected", "result=other", "result=pending", None)

# the 2014-style 统计表 rows as printed (Fujian variant) -> (metric_code, dimension)
TABLE2014_LABELS: dict[str, tuple[str, str | None]] = {
    "主动公开文件数": ("proactive_total", None),
    "政府网站公开数": ("proactive_total", "channel=website"),
    "政府公报公开数": ("proactive_total", "channel=gazette"),
    "受理依申请公开信息总数": ("requests_received", None),
    "受理政府信息依申请公开总数": ("requests_received", None),
    "当面申请数": ("requests_received", "channel=in_person"),
    "网上申请数": ("requests_received", "channel=online"),
    "信函、传真申请数": ("requests_received", "channel=letter_fax"),
    "对申请的答复总数": ("requests_replied", None),
    "同意公开答复数": ("requests_replied", "result=disclosed"),
    "同意部分公开答复数": ("requests_replied", "result=partial"),
    "不予公开答复数": ("requests_replied", "result=refused"),
    "其他类型答复数": ("requests_replied", "result=other"),
    "政府信息公开收费减免金额": ("fees_collected", None),
    "接受行政诉讼、举报数": ("complaints_total", None),
    "行政复议数": ("admin_review_total", None),
    "行政诉讼数": ("admin_litigation_total", None),
}
# a cumulative (历年累计) column: its own code where the catalogue has one, else the row's code, qualifier cumulative
CUMULATIVE_CODE = {"proactive_total": "proactive_cumulative"}


def _join(*dims: str | None) -> str | None:
    parts = [d for d in dims if d]
    return ";".join(parts) if parts else None


def gold_cells(report: dict) -> list[dict]:
    """Every cell of one gold report: {key, code, dimension, qualifier, value (in the catalogue unit), ambiguous}."""
    ambiguous = set(report.get("ambiguous") or ())
    cells: list[dict] = []

    def add(key: str, code: str, dim: str | None, value, unit: str | None = None, qualifier: str | None = None,
            amb_key: str | None = None) -> None:
        v = None if value is None else float(value)
        if v is not None and unit in MONEY_UNITS:
            v = round(v * MONEY_UNITS[unit], 6)
        cells.append({"key": key, "code": code, "dimension": dim, "qualifier": qualifier, "value": v,
                      "ambiguous": (amb_key or key.split("[")[0]) in ambiguous})

    a20 = report.get("article20") or {}
    layout = ARTICLE20_2021 if report.get("table_format") == "2021" else ARTICLE20_2019
    for key, values in a20.items():
        cols = layout[key]
        values = values if isinstance(values, list) else [values]
        for i, (col, v) in enumerate(zip(cols, values)):
            add(f"article20.{key}[{i}]", col[0], col[1], v, col[2])
    for key, values in (report.get("requests") or {}).items():
        code, rest = REQUEST_ROWS[key]
        for i, v in enumerate(values):
            dim = _join(f"applicant={APPLICANTS[i]}", rest) if i < 6 else rest
            add(f"requests.{key}[{i}]", code, dim, v)
    rl = report.get("review_litigation")
    if rl:
        for i, v in enumerate(rl):
            group, col = divmod(i, 5)
            code = "admin_review_total" if group == 0 else "admin_litigation_total"
            route = (None, "route=direct", "route=after_review")[group]
            add(f"review_litigation[{i}]", code, _join(C_COLUMNS[col], route), v)
    for row in report.get("table2014") or ():
        code, dim = TABLE2014_LABELS[row["label"]]
        unit = row.get("unit")
        add(f"table2014.{row['label']}", code, dim, row.get("value"), unit)
        if "cumulative" in row:
            add(f"table2014.{row['label']}[cumulative]", CUMULATIVE_CODE.get(code, code), dim, row["cumulative"],
                unit, qualifier="cumulative", amb_key=f"table2014.{row['label']}")
    return cells


def _same(a: float, b: float) -> bool:
    return abs(a - b) <= TOL * max(1.0, abs(a), abs(b))


def score_report(report: dict, metrics) -> dict:
    """right / wrong / missing / ambiguous cells of one gold report against its table Metrics."""
    got: dict[tuple[str, str | None, str | None], float | None] = {}
    for m in metrics:
        if m.source_kind != "table":
            continue
        got.setdefault((m.metric_code, m.dimension, m.qualifier), m.value)
    out = {"file": report["file"], "right": 0, "wrong": 0, "missing": 0, "ambiguous": 0,
           "ambiguous_read": 0, "wrong_cells": [], "missing_cells": []}
    for c in gold_cells(report):
        v = got.get((c["code"], c["dimension"], c["qualifier"]))
        if v is None:
            if c["ambiguous"]:
                out["ambiguous"] += 1
            else:
                out["missing"] += 1
                out["missing_cells"].append(c["key"])
            continue
        if c["ambiguous"]:
            out["ambiguous_read"] += 1
        if c["value"] is not None and _same(float(v), c["value"]):
            out["right"] += 1
        else:
            out["wrong"] += 1
            out["wrong_cells"].append((c["key"], c["value"], v))
    return out


def score_pingtan(pingtan_dir: Path) -> dict:
    """Analyse every gold report of pingtan_dir and count its cells: {"reports": [...], "total": {...}}."""
    pingtan_dir = Path(pingtan_dir)
    gold = json.loads((pingtan_dir / "gold_tables.json").read_text(encoding="utf-8"))
    reports = []
    for report in gold:
        text = (pingtan_dir / report["file"]).read_text(encoding="utf-8")
        analysis = analyse_raw(report["file"], text, "rjieba")
        r = score_report(report, analysis.metrics)
        r["issues"] = [(i.rule, i.detail) for i in analysis.issues
                       if i.rule in ("table_row_ambiguous", "table_cell_conflict", "table_sum", "request_balance")]
        reports.append(r)
    total = {k: sum(r[k] for r in reports) for k in ("right", "wrong", "missing", "ambiguous", "ambiguous_read")}
    counted = total["right"] + total["wrong"] + total["missing"]
    total["accuracy"] = total["right"] / counted if counted else 0.0
    return {"reports": reports, "total": total}


def score_rendered(pingtan_dir: Path, styles: tuple[str, ...] | None = None) -> dict:
    """The 2019- and 2021-format gold tables rendered in the official layout as documents (evalreal/render.py) and
    read natively: right / wrong / missing cells per rendering, and the same documents read as flattened text
    (their grids dropped) for comparison. {style: {"grids": totals, "text_only": totals, "pages": n}}."""
    from gov_pipeline.text.documents import read_document

    from .render import RENDERERS

    gold = [r for r in json.loads((Path(pingtan_dir) / "gold_tables.json").read_text(encoding="utf-8"))
            if r.get("table_format") in ("2019", "2021")]
    out: dict = {}
    for style in styles or tuple(RENDERERS):
        res = {"grids": {"right": 0, "wrong": 0, "missing": 0}, "text_only": {"right": 0, "wrong": 0, "missing": 0},
               "reports": len(gold), "wrong_cells": []}
        for report in gold:
            text, layout = read_document(RENDERERS[style](report), report["file"]).render()
            for key, lay in (("grids", layout), ("text_only", None)):
                r = score_report(report, analyse_raw(report["file"], text, "rjieba", lay).metrics)
                for k in ("right", "wrong", "missing"):
                    res[key][k] += r[k]
                if key == "grids":
                    res["wrong_cells"] += [(report["file"], *w) for w in r["wrong_cells"]]
        for t in (res["grids"], res["text_only"]):
            n = t["right"] + t["wrong"] + t["missing"]
            t["accuracy"] = round(t["right"] / n, 4) if n else 0.0
        out[style] = res
    return out


def format_rendered(result: dict) -> str:
    lines = ["gold 2019/2021 tables rendered in the official layout and read natively (grids | as flattened text)",
             f"{'rendering':<22} {'right':>6} {'wrong':>6} {'missing':>8} {'accuracy':>9}   | text only: right wrong"]
    for style, r in result.items():
        g, t = r["grids"], r["text_only"]
        lines.append(f"{style:<22} {g['right']:>6} {g['wrong']:>6} {g['missing']:>8} {g['accuracy']:>9.4f}   | "
                     f"{t['right']:>10} {t['wrong']:>5}")
    return "\n".join(lines)


def format_tables(result: dict) -> str:
    """A small text table: one line per report and the total."""
    lines = [f"{'report':<28} {'right':>6} {'wrong':>6} {'missing':>8} {'ambig.':>7} {'read amb.':>9}"]
    for r in result["reports"]:
        lines.append(f"{r['file']:<28} {r['right']:>6} {r['wrong']:>6} {r['missing']:>8} {r['ambiguous']:>7} "
                     f"{r['ambiguous_read']:>9}")
    t = result["total"]
    lines.append(f"{'total':<28} {t['right']:>6} {t['wrong']:>6} {t['missing']:>8} {t['ambiguous']:>7} "
                 f"{t['ambiguous_read']:>9}")
    lines.append(f"right / (right + wrong + missing) = {t['accuracy']:.4f}")
    return "\n".join(lines)
