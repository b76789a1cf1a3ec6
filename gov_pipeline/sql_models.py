"""Rollup models defined as SQL files: `dbt_like_sql/<schema>/<name>.sql` -> table schema.name.

Upstream tables are read from the SQL itself with sqlglot (CTE names excluded), so lineage
comes from the SQL. Unknown upstreams and cycles fail at load time, naming the file.
Pure Python (no Dagster or DuckDB import).
"""
from __future__ import annotations

import graphlib
import hashlib
from dataclasses import dataclass
from pathlib import Path

import sqlglot
from sqlglot import exp


class SqlModelError(ValueError):
    pass


@dataclass(frozen=True)
class SqlModel:
    schema: str
    name: str
    path: Path
    sql: str
    deps: tuple[str, ...]  # qualified upstream tables, sorted
    description: str

    @property
    def qualified(self) -> str:
        return f"{self.schema}.{self.name}"

    @property
    def key(self) -> list[str]:
        return [self.schema, self.name]

    @property
    def code_version(self) -> str:
        return hashlib.sha256(self.sql.encode("utf-8")).hexdigest()[:12]


def parse_dependencies(sql: str, *, source: str = "<sql>") -> set[str]:
    """Qualified tables a SELECT reads, excluding its CTEs. Unqualified non-CTE tables are an error."""
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


def _description(sql: str) -> str:
    lines = []
    for line in sql.splitlines():
        stripped = line.strip()
        if not stripped.startswith("--"):
            break
        lines.append(stripped.lstrip("-").strip())
    return " ".join(s for s in lines if s)


def load_models(sql_dir: Path, known_tables: set[str]) -> list[SqlModel]:
    """Every model under sql_dir, in dependency order. Raises SqlModelError naming the file."""
    sql_dir = Path(sql_dir)
    models: dict[str, SqlModel] = {}
    for path in sorted(sql_dir.glob("*/*.sql")):
        schema, name = path.parent.name.lower(), path.stem.lower()
        rel = path.relative_to(sql_dir.parent) if sql_dir.parent in path.parents else path
        sql = path.read_text(encoding="utf-8")
        body = sql.strip().rstrip(";")
        if not body:
            raise SqlModelError(f"{rel}: empty model")
        model = SqlModel(schema, name, path, body, tuple(sorted(parse_dependencies(body, source=str(rel)))),
                         _description(sql))
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
    return [models[q] for q in order]
