"""Rollup models defined as SQL files: `dbt_like_sql/<schema>/<name>.sql` -> table schema.name.

Upstream tables are read from the SQL itself with sqlglot (CTE names excluded), so lineage
comes from the SQL. Unknown upstreams and cycles fail at load time, naming the file.

A header line `-- incremental: <key>` (key: report_id, agency_key or report_year) declares that the
model's rows for one value of <key> depend only on the reports with that value, so a refresh may rebuild
just the values touched by the reports that changed (warehouse.build_models). Such a model may read only
per-report tables, reference tables (schema ref: their content is part of each build's version, so an edit of the
reference data rebuilds it in full) and other incremental models; load_models refuses anything else, naming the
file.

Pure Python (no Dagster or DuckDB import). A model's upstream tables are memoised on disk by its SQL
text (text/cache.py, keyed by sqlglot's files and this module), so loading the code location parses
only new or edited models and needs no sqlglot import otherwise.
"""
from __future__ import annotations

import graphlib
import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path

from gov_pipeline.text.cache import PackageMemo


class SqlModelError(ValueError):
    pass


# What an incremental model may be keyed by: columns of the report snapshot (warehouse.SNAPSHOT_SQL)
INCREMENTAL_KEYS = ("report_id", "agency_key", "report_year")
_INCREMENTAL_RE = re.compile(r"^--\s*incremental\s*:\s*(\S+)\s*$", re.IGNORECASE)
# The model's contract, declared in its header: `-- unique: a, b` and one line per output column,
# `-- column <name> <TYPE> [not null] [in (a, b)] [>= x] [<= y]: <description>`
_UNIQUE_RE = re.compile(r"^--\s*unique\s*:\s*(.+?)\s*$", re.IGNORECASE)
_COLUMN_RE = re.compile(
    r"^--\s*column\s+(?P<name>\w+)\s+(?P<type>[A-Za-z]+)(?P<rules>[^:]*):\s*(?P<doc>.+?)\s*$", re.IGNORECASE)
_RULE_RE = re.compile(
    r"\s*(?:(?P<notnull>not\s+null)|in\s*\((?P<values>[^)]*)\)|(?P<op>>=|<=)\s*(?P<bound>-?\d+(?:\.\d+)?))", re.IGNORECASE)
COLUMN_TYPES = ("VARCHAR", "BIGINT", "INTEGER", "DOUBLE", "BOOLEAN", "DATE", "TIMESTAMP")
# A data check on the model's rows: `-- check: <name> where <condition>: <description>` — it warns (in the UI, on
# the model's asset) when any row meets the condition, with their count and the first of them as a sample
_CHECK_RE = re.compile(r"^--\s*check\s*:\s*(?P<name>\w+)\s+where\s+(?P<cond>.+?):\s+(?P<doc>.+?)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class RowCheck:
    """A declared data check: the rows meeting `condition` are what it reports."""
    name: str
    condition: str
    description: str


@dataclass(frozen=True)
class ModelColumn:
    """One declared output column of a SQL model: its type, the rules its values keep, what it means."""
    name: str
    type: str
    description: str
    nullable: bool = True
    allowed: tuple[str, ...] | None = None  # `in (a, b)`
    min_value: float | None = None  # `>= x`
    max_value: float | None = None  # `<= y`

    @property
    def rules(self) -> str:
        """The rules as declared (for the docs): `not null in (a, b) >= 0`."""
        parts = [] if self.nullable else ["not null"]
        if self.allowed is not None:
            parts.append(f"in ({', '.join(self.allowed)})")
        parts += [f"{op} {value:g}" for op, value in ((">=", self.min_value), ("<=", self.max_value))
                  if value is not None]
        return " ".join(parts)


def _column(match: re.Match, source: str) -> ModelColumn:
    col_type, rules = match["type"].upper(), match["rules"]
    if col_type not in COLUMN_TYPES:
        raise SqlModelError(
            f"{source}: column {match['name']}: unknown type {col_type} (one of {', '.join(COLUMN_TYPES)})")
    fields: dict = {}
    pos = 0
    while pos < len(rules.rstrip()):
        rule = _RULE_RE.match(rules, pos)
        if not rule:
            raise SqlModelError(f"{source}: column {match['name']}: cannot read the rule {rules[pos:].strip()!r}")
        if rule["notnull"]:
            fields["nullable"] = False
        elif rule["values"] is not None:
            fields["allowed"] = tuple(v.strip() for v in rule["values"].split(",") if v.strip())
        else:
            fields["min_value" if rule["op"] == ">=" else "max_value"] = float(rule["bound"])
        pos = rule.end()
    return ModelColumn(match["name"].lower(), col_type, match["doc"], **fields)


@dataclass(frozen=True)
class SqlModel:
    schema: str
    name: str
    path: Path
    sql: str
    deps: tuple[str, ...]  # qualified upstream tables, sorted
    description: str
    incremental_key: str | None = None  # `-- incremental: <key>` in the header
    columns: tuple[ModelColumn, ...] = ()  # `-- column ...` lines: the declared output columns, in order
    unique: tuple[str, ...] = ()  # `-- unique: a, b`: the columns that identify a row
    checks: tuple[RowCheck, ...] = ()  # `-- check: ...` lines: data checks on its rows
    build_version: str = ""  # the SQL of this model and of every model upstream of it (set by load_models)
    # reference tables (schema ref) this model reads, itself or through upstream models: small tables loaded from
    # assets/, whose content joins the build version of each build (warehouse.build_models), so that an edit of
    # the reference data rebuilds the model in full
    ref_deps: tuple[str, ...] = ()
    scoped_sql: str | None = None  # incremental models: the SQL over only the reports in SCOPE_TABLE (scope_sql)

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def key(self) -> list[str]:
        return [self.schema, self.name]

    @property
    def code_version(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()[:12]


def _deps(value) -> tuple[str, ...]:
    if isinstance(value, list) and all(isinstance(v, str) for v in value):
        return tuple(value)
    raise ValueError(f"not a list of tables: {value!r}")


# The memos below are keyed by these files of sqlglot (its version) and by this module
_SQLGLOT_FILES = ("__init__.py", "_version.py")
# SQL text -> its upstream tables (sorted)
_MEMO = PackageMemo("sql-deps", __file__, "sqlglot", _SQLGLOT_FILES, encode=list, decode=_deps)


def parse_dependencies(sql: str, *, source: str = "<sql>") -> set[str]:
    """Qualified tables a SELECT reads, excluding its CTEs. Unqualified non-CTE tables are an error."""
    return set(_MEMO.get(sql, lambda text: tuple(sorted(_parse_dependencies(text, source)))))


def _parse_dependencies(sql: str, source: str) -> set[str]:
    import sqlglot
    from sqlglot import exp

    try:
        tree = sqlglot.parse_one(sql, dialect="duckdb")
    except sqlglot.errors.ParseError as err:
        raise SqlModelError(f"{source}: cannot parse SQL: {err}") from err
    ctes = {cte.alias_or_name.lower() for cte in tree.find_all(exp.CTE)}
    deps: set[str] = set()
    for table in tree.find_all(exp.Table):
        if not isinstance(table.this, exp.Identifier):
            continue  # table functions such as range(), read_parquet()
        name, db = table.name.lower(), (table.db or "").lower()
        if not db:
            if name in ctes:
                continue
            raise SqlModelError(f"{source}: table {name!r} must be schema-qualified (e.g. core.{name})")
        deps.add(f"{db}.{name}")
    return deps


REF_SCHEMA = "ref."  # reference tables: loaded from assets/, never per report

# The temporary table of the reports an incremental build rebuilds (filled by warehouse.build_models): report_id
# and each report's value of every incremental key
SCOPE_TABLE = "_gov_scope"


def _text(value) -> str:
    if isinstance(value, str):
        return value
    raise ValueError(f"not SQL text: {value!r}")


# "<table>=<key column>, comma-separated\n<SQL text>" -> that SQL with those tables narrowed to the scope
_SCOPED = PackageMemo("sql-scoped", __file__, "sqlglot", _SQLGLOT_FILES, encode=str, decode=_text)


def scope_sql(sql: str, narrowed: Mapping[str, str] | Iterable[str]) -> str:
    """The SELECT with every table it reads among `narrowed` (table -> the key column it is narrowed by; a plain
    list of tables means report_id for each) narrowed to the rows of the reports in SCOPE_TABLE:
    `core.fact_metric m` becomes `(SELECT * FROM core.fact_metric WHERE report_id IN (SELECT report_id FROM
    _gov_scope)) AS m`, and a model keyed by agency keeps the rows of the agencies the scope's reports belong to.
    SCOPE_TABLE holds report_id and the reports' value of every incremental key.

    For a model whose rows for one key value derive only from the reports with that value (`-- incremental`), this
    SQL with the scope set to those reports yields exactly that key value's rows, reading only rows that derive
    from those reports' keys (a filter on the outer SELECT alone would still aggregate whole tables). An upstream
    model keyed by K may be narrowed to the K values of the scope's reports: its rows for any other value derive
    only from reports outside the scope, which the model's rows for the scope's key values do not read."""
    tables = dict(narrowed) if isinstance(narrowed, Mapping) else {t: "report_id" for t in narrowed}
    unknown = sorted(set(tables.values()) - set(INCREMENTAL_KEYS))
    if unknown:
        raise ValueError(f"not an incremental key: {', '.join(unknown)}")
    head = ",".join(f"{t}={k}" for t, k in sorted(tables.items()))
    return _SCOPED.get(head + "\n" + sql, _scope)


def _scope(arg: str) -> str:
    import sqlglot
    from sqlglot import exp

    head, sql = arg.split("\n", 1)
    tables = dict(item.split("=", 1) for item in head.split(",")) if head else {}
    tree = sqlglot.parse_one(sql, dialect="duckdb")
    for table in list(tree.find_all(exp.Table)):
        if not isinstance(table.this, exp.Identifier) or not table.db:
            continue
        key = tables.get(f"{table.db}.{table.name}".lower())
        if key is None:
            continue
        source = exp.table_(table.name, db=table.db)
        narrowed = exp.select("*").from_(source).where(exp.column(key).isin(query=exp.select(key).from_(SCOPE_TABLE)))
        if key != "report_id":  # NULL is a key value too (report_id never is): its rows in a second branch, since
            # an OR in one filter would read every row of the table instead of finding the scope's by the zone maps
            narrowed = exp.union(narrowed, exp.select("*").from_(source.copy()).where(exp.and_(
                exp.column(key).is_(exp.null()),
                exp.Exists(this=exp.select("1").from_(SCOPE_TABLE).where(exp.column(key).is_(exp.null()))))),
                distinct=False)
        table.replace(narrowed.subquery(table.alias_or_name))
    return tree.sql(dialect="duckdb", pretty=True)


@dataclass(frozen=True)
class _Header:
    description: str  # the leading `--` lines that are not directives
    incremental_key: str | None
    columns: tuple[ModelColumn, ...]
    unique: tuple[str, ...]
    checks: tuple[RowCheck, ...] = ()


def _header(sql: str, source: str) -> _Header:
    """The description (leading `--` lines) and the directives among them: incremental key, unique key, columns,
    row checks."""
    lines, key, columns, unique, checks = [], None, [], (), []
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        if directive := _INCREMENTAL_RE.match(stripped):
            key = directive.group(1).lower()
            if key not in INCREMENTAL_KEYS:
                raise SqlModelError(f"{source}: incremental key {key!r} is not one of {', '.join(INCREMENTAL_KEYS)}")
        elif directive := _UNIQUE_RE.match(stripped):
            unique = tuple(c.strip().lower() for c in directive.group(1).split(",") if c.strip())
        elif directive := _COLUMN_RE.match(stripped):
            columns.append(_column(directive, source))
        elif directive := _CHECK_RE.match(stripped):
            checks.append(RowCheck(directive["name"].lower(), directive["cond"].strip(), directive["doc"]))
        else:
            lines.append(stripped.lstrip("-").strip())
    names = [c.name for c in columns]
    if len(set(names)) != len(names):
        raise SqlModelError(f"{source}: a column is declared twice")
    if unique and columns and not set(unique) <= set(names):
        raise SqlModelError(f"{source}: unique key {', '.join(unique)} names an undeclared column")
    if len({c.name for c in checks}) != len(checks) or "schema" in {c.name for c in checks}:
        raise SqlModelError(f"{source}: check names must be unique and not 'schema'")
    return _Header(" ".join(s for s in lines if s), key, tuple(columns), unique, tuple(checks))


def load_models(sql_dir: Path, known_tables: set[str], report_tables: set[str] = frozenset()) -> list[SqlModel]:
    """Every model under sql_dir, in dependency order. Raises SqlModelError naming the file.

    report_tables: the known tables whose rows each belong to one report (what incremental models may read)."""
    sql_dir = Path(sql_dir)
    models: dict[str, SqlModel] = {}
    for path in sorted(sql_dir.glob("*/*.sql")):
        schema, name = path.parent.name.lower(), path.stem.lower()
        rel = path.relative_to(sql_dir.parent) if sql_dir.parent in path.parents else path
        sql = path.read_text(encoding="utf-8")
        body = sql.strip().rstrip(";")
        if not body:
            raise SqlModelError(f"{rel}: empty model")
        header = _header(sql, str(rel))
        model = SqlModel(schema, name, path, body, tuple(sorted(parse_dependencies(body, source=str(rel)))),
                         header.description, header.incremental_key, header.columns, header.unique, header.checks)
        if model.qualified in known_tables:
            raise SqlModelError(f"{rel}: {model.qualified} is already a table written by Python")
        models[model.qualified] = model
    available = set(known_tables) | set(models)
    for model in models.values():
        unknown = [d for d in model.deps if d not in available]
        if unknown:
            raise SqlModelError(f"{model.path.name} ({model.qualified}): unknown upstream table(s) {', '.join(unknown)}")
    sorter = graphlib.TopologicalSorter({q: [d for d in m.deps if d in models] for q, m in models.items()})
    try:
        order = list(sorter.static_order())
    except graphlib.CycleError as err:
        cycle = err.args[1]
        files = " -> ".join(f"{models[q].path.name}" for q in cycle if q in models)
        raise SqlModelError(f"cycle between SQL models: {files}") from err
    built: dict[str, SqlModel] = {}
    for q in order:
        model = models[q]
        upstream = [built[d] for d in model.deps if d in built]
        refs = tuple(sorted({d for d in model.deps if d.startswith(REF_SCHEMA)}
                            | {r for up in upstream for r in up.ref_deps}))
        if model.incremental_key:
            other = [d for d in model.deps if d not in report_tables and not d.startswith(REF_SCHEMA)
                     and not (d in built and built[d].incremental_key)]
            if other:
                raise SqlModelError(f"{model.path.name} ({q}): an incremental model may read only per-report tables, "
                                    f"reference tables and incremental models, not {', '.join(other)}")
        digest = hashlib.sha256(model.sql.encode("utf-8"))
        for up in upstream:
            digest.update(b"\0" + up.build_version.encode())
        # narrowed to the scope: the per-report tables by report, and the incremental models upstream by their key
        # (marts.corrected_metric holds every figure again; marts.agency_year_report every agency's years)
        scoped = None
        if model.incremental_key:
            narrowed = {d: "report_id" if d in report_tables else built[d].incremental_key for d in model.deps
                        if d in report_tables or (d in built and built[d].incremental_key)}
            scoped = scope_sql(model.sql, narrowed)
        built[q] = replace(model, build_version=digest.hexdigest()[:16], scoped_sql=scoped, ref_deps=refs)
    return [built[q] for q in order]
