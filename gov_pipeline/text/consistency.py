"""Consistency rules over the metrics of one report.

`check_consistency(metrics, catalog=None)` runs every rule in RULES and returns
the issues found. Each rule is a named function `(metrics, catalog) -> issues`;
rule names (Issue.rule) are stable: table_sum, request_balance, staff_sum,
prose_table_mismatch, rate_contradiction, out_of_bounds, unknown_code.

Severity is 'warning' for figures that disagree (a typo or an extraction slip is
likelier than a lie), and 'error' only for impossible data: a negative count or a
rate over 100 (out_of_bounds below the catalogue minimum or a rate above 100).
Null and redacted values never take part in a comparison.
"""
from __future__ import annotations

from collections import defaultdict
from functools import lru_cache
from typing import Callable, Iterable

from .catalog import MetricDef, load_catalog
from .model import Issue, Metric

__all__ = ["check_consistency", "RULES", "parse_dimension"]

TOL = 1e-6
RATE_TOL = 1.5  # percentage points
# Dimension keys whose values partition their parent (children sum to parent).
PARTITION_KEYS = ("channel", "applicant", "result", "reason", "route", "timeliness", "doc_type", "item")
# Families where the children may legitimately exceed the parent
# (one item published on several channels counts once in the total).
AT_LEAST = {("proactive_total", "channel")}
SKIP_PREVIEW = 6
# Nested partitions: a value of the outer key is split further by the inner key (result=refused by
# reason=). The 2019/2021 Table B prints no row of its own for the (三)/(四)/(五) results, only
# their reason rows: the sum of those rows stands in for the missing result row.
NESTED = {"result": "reason"}


@lru_cache(maxsize=1 << 14)
def parse_dimension(dim: str | None) -> tuple[tuple[str, str], ...]:
    """'a=x;b=y' -> (('a','x'),('b','y')); None/'' -> (). (Cached: reports share a small vocabulary of dimensions.)"""
    if not dim:
        return ()
    out = []
    for part in dim.split(";"):
        k, _, v = part.partition("=")
        out.append((k.strip(), v.strip()))
    return tuple(out)


def _fmt(v: float) -> str:
    return f"{v:g}"


def _usable(m: Metric) -> bool:
    return m.value is not None and not m.is_redacted


def _values(metrics: Iterable[Metric], source_kind: str | None) -> dict[tuple[str, tuple], float]:
    """First usable value per (code, dimension) for one source kind (None = any, table first)."""
    out: dict[tuple[str, tuple], float] = {}
    ms = list(metrics)
    if source_kind is None:
        ms = [m for m in ms if m.source_kind == "table"] + [m for m in ms if m.source_kind != "table"]
    else:
        ms = [m for m in ms if m.source_kind == source_kind]
    for m in ms:
        if _usable(m) and m.qualifier not in ("approx", "as_of", "cumulative", "partial_period"):
            out.setdefault((m.metric_code, parse_dimension(m.dimension)), float(m.value))
    return out


# ---------------------------------------------------------------------------
def rule_table_sum(metrics: list[Metric], catalog: dict[str, MetricDef]) -> list[Issue]:
    """Sub-rows of a table family must add up to their parent row.

    For every table value (code, D) and every partition key k not in D, the
    values (code, D + k=v) are its children. Children summing above the parent
    are always flagged; below the parent only when at least two children exist
    (one child alone is often a partial listing). proactive_total by channel is
    an at-least relation (an item on two channels counts once in the total).
    """
    vals = _values(metrics, "table")
    by_code: dict[str, dict[tuple, float]] = defaultdict(dict)
    for (code, dim), v in vals.items():
        by_code[code][dim] = v
    partition = set(PARTITION_KEYS)
    issues = []
    for code, dims in sorted(by_code.items()):
        # children indexed once by (parent as a set, key): linear in the number of cells
        children: dict[tuple[frozenset, str], dict[str, float]] = defaultdict(dict)
        nested: dict[tuple[frozenset, str], dict[str, float]] = defaultdict(lambda: defaultdict(float))
        for dim, v in dims.items():
            full = frozenset(dim)
            for kv in dim:
                if kv[0] in partition:
                    children[(full - {kv}, kv[0])][kv[1]] = v
                inner = NESTED.get(kv[0])
                if inner:
                    for kv2 in dim:
                        if kv2[0] == inner:
                            nested[(full - {kv, kv2}, kv[0])][kv[1]] += v
        # the keys each parent has children under (most rows are leaves and have none)
        child_keys: dict[frozenset, set[str]] = defaultdict(set)
        for pset_, key_ in (*children, *nested):
            child_keys[pset_].add(key_)
        for parent, pv in dims.items():
            pset = frozenset(parent)
            keys = child_keys.get(pset)
            if not keys:
                continue
            pkeys = {k for k, _ in parent}
            for key in PARTITION_KEYS:
                if key in pkeys or key not in keys:
                    continue
                kids = dict(children.get((pset, key), {}))
                inner = NESTED.get(key)
                if inner and inner not in pkeys:
                    for val, sv in nested.get((pset, key), {}).items():
                        kids.setdefault(val, sv)
                if not kids:
                    continue
                total = sum(kids.values())
                if abs(total - pv) <= TOL:
                    continue
                if (code, key) in AT_LEAST:
                    if total + TOL >= pv:
                        continue
                elif total < pv and len(kids) < 2:
                    continue
                pname = ";".join(f"{k}={v}" for k, v in parent) or "headline"
                parts = ", ".join(f"{k}={_fmt(v)}" for k, v in list(sorted(kids.items()))[:SKIP_PREVIEW])
                issues.append(Issue(
                    "table_sum", "warning",
                    f"{code} [{pname}] is {_fmt(pv)} but its {len(kids)} {key} sub-rows sum to {_fmt(total)} ({parts})",
                ))
    return issues


def rule_request_balance(metrics: list[Metric], catalog: dict[str, MetricDef]) -> list[Issue]:
    """Table B identity: received + carried_in = resolved + carried_out (headline and per applicant)."""
    vals = _values(metrics, "table")
    dims = {dim for (code, dim) in vals if code == "requests_received"}
    issues = []
    for dim in sorted(dims):
        if dim and (len(dim) != 1 or dim[0][0] != "applicant"):
            continue
        got = [vals.get((c, dim)) for c in
               ("requests_received", "requests_carried_in", "requests_resolved", "requests_carried_out")]
        if any(v is None for v in got):
            continue
        rec, cin, res, cout = got
        if abs((rec + cin) - (res + cout)) > TOL:
            where = dim[0][1] if dim else "total"
            issues.append(Issue(
                "request_balance", "warning",
                f"requests ({where}): received {_fmt(rec)} + carried in {_fmt(cin)} = {_fmt(rec + cin)}, "
                f"but resolved {_fmt(res)} + carried out {_fmt(cout)} = {_fmt(res + cout)}",
            ))
    return issues


def rule_staff_sum(metrics: list[Metric], catalog: dict[str, MetricDef]) -> list[Issue]:
    """staff_total = staff_fulltime + staff_parttime, checked within each source kind."""
    issues = []
    for kind in ("table", "narrative"):
        vals = _values(metrics, kind)
        t, f, p = (vals.get((c, ())) for c in ("staff_total", "staff_fulltime", "staff_parttime"))
        if t is None or f is None or p is None:
            continue
        if abs(t - (f + p)) > TOL:
            issues.append(Issue(
                "staff_sum", "warning",
                f"{kind}: staff_total is {_fmt(t)} but full-time {_fmt(f)} + part-time {_fmt(p)} = {_fmt(f + p)}",
            ))
    return issues


def rule_prose_table_mismatch(metrics: list[Metric], catalog: dict[str, MetricDef]) -> list[Issue]:
    """A narrative headline figure differs from the table headline of the same code.

    Compared: narrative values with no qualifier or 'negation'; approx, as_of,
    cumulative and partial-period figures are not comparable with an annual table
    cell. No issue when any narrative figure equals the table value, nor when a
    narrative requests_received equals table received + carried-in (a common way
    of writing it, §7.5).
    """
    table = _values(metrics, "table")
    prose: dict[str, list[float]] = defaultdict(list)
    for m in metrics:
        if (m.source_kind == "narrative" and m.dimension is None and _usable(m)
                and m.qualifier in (None, "negation")):
            if float(m.value) not in prose[m.metric_code]:
                prose[m.metric_code].append(float(m.value))
    issues = []
    for code, pvals in sorted(prose.items()):
        tv = table.get((code, ()))
        if tv is None:
            continue
        if any(abs(p - tv) <= TOL for p in pvals):
            continue
        if code == "requests_received":
            cin = table.get(("requests_carried_in", ()))
            if cin is not None and any(abs(p - (tv + cin)) <= TOL for p in pvals):
                continue
        shown = ", ".join(_fmt(p) for p in pvals)
        issues.append(Issue(
            "prose_table_mismatch", "warning",
            f"{code}: the narrative says {shown} but the statistics table says {_fmt(tv)}",
        ))
    return issues


_RATE_PAIRS = {
    "approvals": ("approvals_completed", "approvals_received"),
    "petitions": ("petitions_closed", "petitions_received"),
    "requests": ("requests_completed", "requests_received"),
}


def rule_rate_contradiction(metrics: list[Metric], catalog: dict[str, MetricDef]) -> list[Issue]:
    """A stated completion rate differs from completed/received by more than 1.5 points.

    Only the base kinds (approvals, petitions, requests) are checked; counts are
    taken from the rate's own source kind first. For requests the carried-in
    count may belong in the denominator, so both ratios are tried.
    """
    issues = []
    for m in metrics:
        if m.metric_code != "completion_rate" or not _usable(m):
            continue
        dim = dict(parse_dimension(m.dimension))
        pair = _RATE_PAIRS.get(dim.get("kind", ""))
        if pair is None:
            continue
        # the counts may share the rate's qualifier (e.g. as_of) when they come from the same sentence
        vals: dict[str, float] = {}
        for src in (m.source_kind, None):
            for x in metrics:
                if (x.metric_code in pair or x.metric_code == "requests_carried_in") and x.dimension is None \
                        and _usable(x) and (src is None or x.source_kind == src) and x.qualifier != "cumulative":
                    vals.setdefault(x.metric_code, float(x.value))
        done, recv = vals.get(pair[0]), vals.get(pair[1])
        if done is None or recv is None or recv <= 0:
            continue
        ratios = [100.0 * done / recv]
        if dim["kind"] == "requests" and vals.get("requests_carried_in"):
            ratios.append(100.0 * done / (recv + vals["requests_carried_in"]))
        if all(abs(r - float(m.value)) > RATE_TOL for r in ratios):
            issues.append(Issue(
                "rate_contradiction", "warning",
                f"completion_rate kind={dim['kind']} is stated as {_fmt(m.value)}% but {pair[0]} {_fmt(done)} / "
                f"{pair[1]} {_fmt(recv)} = {ratios[0]:.1f}%",
            ))
    return issues


def rule_out_of_bounds(metrics: list[Metric], catalog: dict[str, MetricDef]) -> list[Issue]:
    """Values outside the catalogue bounds; below the minimum (negative counts) or a rate over 100 is an error."""
    issues = []
    for m in metrics:
        d = catalog.get(m.metric_code)
        if d is None or not _usable(m):
            continue
        v = float(m.value)
        if d.in_bounds(v):
            continue
        impossible = (d.min_value is not None and v < d.min_value) or d.unit == "%"
        bound = (f"below the minimum {_fmt(d.min_value)}" if d.min_value is not None and v < d.min_value
                 else f"above the maximum {_fmt(d.max_value)}")
        where = f" [{m.dimension}]" if m.dimension else ""
        issues.append(Issue(
            "out_of_bounds", "error" if impossible else "warning",
            f"{m.metric_code}{where} = {_fmt(v)} {d.unit} ({m.source_kind}) is {bound}",
        ))
    return issues


def rule_unknown_code(metrics: list[Metric], catalog: dict[str, MetricDef]) -> list[Issue]:
    """A metric code missing from the catalogue (a contract slip between extractors)."""
    bad = sorted({m.metric_code for m in metrics if m.metric_code not in catalog})
    return [Issue("unknown_code", "warning", f"metric code {c!r} is not in the catalogue") for c in bad]


RULES: dict[str, Callable[[list[Metric], dict[str, MetricDef]], list[Issue]]] = {
    "table_sum": rule_table_sum,
    "request_balance": rule_request_balance,
    "staff_sum": rule_staff_sum,
    "prose_table_mismatch": rule_prose_table_mismatch,
    "rate_contradiction": rule_rate_contradiction,
    "out_of_bounds": rule_out_of_bounds,
    "unknown_code": rule_unknown_code,
}


def check_consistency(metrics: list[Metric], catalog: dict[str, MetricDef] | None = None) -> list[Issue]:
    """Run every rule of RULES over one report's metrics."""
    cat = load_catalog() if catalog is None else catalog
    issues: list[Issue] = []
    for fn in RULES.values():
        issues.extend(fn(metrics, cat))
    return issues
