"""marts layer: one asset per SQL file in dbt_like_sql/, lineage read from the SQL.

All models are one multi-asset (subsettable): a refresh builds the selected models in dependency
order in one step over one connection, instead of paying a step's start-up per table. Models marked
`-- incremental: <key>` rebuild only the rows touched by the reports that changed (warehouse.build_models).
"""
import dagster as dg

from gov_pipeline.defs.common import DERIVED_AUTOMATION, OWNER, POOL, PREVIEW_ROWS, WAREHOUSE_TAG, markdown_table
from gov_pipeline.resources import Warehouse
from gov_pipeline.schemas import REPORT_KEYED_TABLES, TABLES
from gov_pipeline.settings import get_settings
from gov_pipeline.sql_models import RowCheck, SqlModel, load_models
from gov_pipeline.warehouse import (
    MODELS_MEMORY, ModelBuild, Violation, build_models, contract_violations, model_stamps, setting)


def declared_schema(model: SqlModel) -> dg.TableSchema:
    """The columns the model's header declares, with their descriptions and rules (the UI's Columns tab)."""
    return dg.TableSchema(columns=[
        dg.TableColumn(c.name, c.type, description=c.description, constraints=dg.TableColumnConstraints(
            nullable=c.nullable, unique=model.unique == (c.name,),
            other=[rules] if (rules := c.rules.removeprefix("not null").strip()) else []))
        for c in model.columns])


def _spec(model: SqlModel) -> dg.AssetSpec:
    metadata = {
        "sql": dg.MetadataValue.md(f"```sql\n{model.sql}\n```"),
        "sql_file": dg.MetadataValue.path(str(model.path)),
        "dagster/table_name": f"gov.{model.qualified}",
        "dagster/code_references": dg.CodeReferencesMetadataValue(
            code_references=[dg.LocalFileCodeReference(file_path=str(model.path), line_number=1)]),
    }
    if model.columns:
        metadata["dagster/column_schema"] = declared_schema(model)
    return dg.AssetSpec(
        model.key, group_name=model.schema, deps=[dg.AssetKey(d.split(".")) for d in model.deps],
        description=model.description or f"SQL model {model.path.name}",
        code_version=model.code_version, kinds={"sql", "duckdb"}, owners=[OWNER],
        automation_condition=DERIVED_AUTOMATION, metadata=metadata,
    )


def _contract_spec(model: SqlModel) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(
        "schema", asset=dg.AssetKey(model.key),
        description="The table keeps the contract declared in its SQL file's header: the declared columns and "
                    "types, no NULL in a `not null` column, values within `in (...)` and the bounds, no repeated "
                    "`unique` key.")


def _row_check_spec(model: SqlModel, check: RowCheck) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(check.name, asset=dg.AssetKey(model.key),
                             description=f"{check.description} (warns when rows meet: {check.condition})")


def row_check_result(conn, model: SqlModel, check: RowCheck) -> dg.AssetCheckResult:
    """The declared check on the model's rows: how many meet its condition, and the first of them."""
    where = f"FROM {model.qualified} WHERE {check.condition}"
    count = conn.execute(f"SELECT count(*) {where}").fetchone()[0]
    meta: dict = {"rows": count}
    if count:
        cursor = conn.execute(f"SELECT * {where} LIMIT {PREVIEW_ROWS}")
        meta["sample"] = dg.MetadataValue.md(markdown_table([d[0] for d in cursor.description], cursor.fetchall()))
    return dg.AssetCheckResult(asset_key=dg.AssetKey(model.key), check_name=check.name, passed=count == 0,
                               severity=dg.AssetCheckSeverity.WARN, metadata=meta)


def contract_result(model: SqlModel, violations: list[Violation], **extra) -> dg.AssetCheckResult:
    meta = {"violations": len(violations), **extra}
    if violations:
        meta["found"] = dg.MetadataValue.md(markdown_table(["rule", "rows", "detail"],
                                                           [(v.rule, v.rows, v.detail[:300]) for v in violations]))
    return dg.AssetCheckResult(asset_key=dg.AssetKey(model.key), check_name="schema", passed=not violations,
                               severity=dg.AssetCheckSeverity.ERROR, metadata=meta)


def last_contract_check(instance: dg.DagsterInstance, model: SqlModel):
    """The model's last completed `schema` check (its AssetCheckEvaluation), or None."""
    key = dg.AssetCheckKey(dg.AssetKey(model.key), "schema")
    for record in instance.event_log_storage.get_asset_check_execution_history(key, limit=5):  # newest first
        event = record.event.dagster_event if record.event else None
        if event is not None and event.event_type == dg.DagsterEventType.ASSET_CHECK_EVALUATION:
            return event.event_specific_data
        if record.status.value != "PLANNED":  # ended without an evaluation (the step failed): no result
            return None
    return None


def check_contract(conn, instance: dg.DagsterInstance, model: SqlModel, build: ModelBuild, before: str | None,
                   after: str | None) -> dg.AssetCheckResult:
    """The contract check of a model just built, as cheap as its build allows. `before`/`after`: the table's stamp
    (warehouse.model_stamps) before and after the build; every result records its stamp as `table_stamp`.
    - The table is the one the last check judged (same stamp): that result again, said to be carried over.
    - An incremental build over a table the last check passed: only the rebuilt key values' rows are checked
      (contract_violations with `keys`): the other rows did not change.
    - Otherwise the whole table."""
    last = last_contract_check(instance, model) if after else None
    judged = last.metadata["table_stamp"].value if last is not None and "table_stamp" in last.metadata else None
    if after and judged == after:
        carried = {k: v for k, v in last.metadata.items() if k not in ("checked", "table_stamp")}
        return dg.AssetCheckResult(asset_key=dg.AssetKey(model.key), check_name="schema", passed=last.passed,
                                   severity=dg.AssetCheckSeverity.ERROR, metadata={
                                       **carried, "table_stamp": after,
                                       "checked": "nothing: the table is the one the last check judged (same stamp)"})
    if build.mode == "incremental" and before and judged == before and last.passed:
        return contract_result(model, contract_violations(conn, model, keys=build.keys), table_stamp=after or "",
                               checked=f"the rows of the {len(build.keys)} {model.incremental_key} value(s) rebuilt "
                                       f"(the others passed the last check and did not change)")
    return contract_result(model, contract_violations(conn, model), table_stamp=after or "", checked="the whole table")


def build_marts(models: list[SqlModel]) -> dg.AssetsDefinition:
    @dg.multi_asset(specs=[_spec(m) for m in models], name="sql_models", can_subset=True, pool=POOL, op_tags=WAREHOUSE_TAG,
                    check_specs=[_contract_spec(m) for m in models if m.columns]
                    + [_row_check_spec(m, c) for m in models for c in m.checks],
                    description="Every SQL model in dbt_like_sql/, in dependency order in one transaction: CREATE OR "
                                "REPLACE TABLE, or for a model marked `-- incremental: <key>` only the key values that the "
                                "reports changed since its last build touch (meta.model_state).")
    def sql_models(context: dg.AssetExecutionContext, warehouse: Warehouse):
        selected, checks = context.selected_asset_keys, context.selected_asset_check_keys
        results = []
        with warehouse.get_connection(checkpoint=True) as conn, setting(conn, "memory_limit", MODELS_MEMORY):
            contracts = [m for m in models if dg.AssetCheckKey(dg.AssetKey(m.key), "schema") in checks]
            checked = [m.qualified for m in contracts]
            before = model_stamps(conn, checked) if contracts else {}
            # models are already in dependency order
            builds = build_models(conn, [m for m in models if dg.AssetKey(m.key) in selected])
            after = model_stamps(conn, checked) if contracts else {}
            for model, build in builds:
                cursor = conn.execute(f"SELECT * FROM {model.qualified} LIMIT {PREVIEW_ROWS}")
                columns = [(name, str(type_)) for name, type_, *_ in cursor.description]
                preview = markdown_table([name for name, _ in columns], cursor.fetchall())
                schema = declared_schema(model) if model.columns else \
                    dg.TableSchema(columns=[dg.TableColumn(n, t) for n, t in columns])
                meta = {"dagster/row_count": build.rows, "preview": dg.MetadataValue.md(preview),
                        "dagster/column_schema": schema, "build_mode": build.mode, "build_reason": build.reason,
                        "build_seconds": round(build.seconds, 3)}
                if build.reports_changed is not None:
                    meta["reports_changed"] = build.reports_changed
                if build.keys_rebuilt is not None:
                    meta[f"{model.incremental_key}_values_rebuilt"] = build.keys_rebuilt
                results.append(dg.MaterializeResult(asset_key=dg.AssetKey(model.key), metadata=meta))
                if model in contracts:
                    results.append(check_contract(conn, context.instance, model, build, before.get(model.qualified),
                                                  after.get(model.qualified)))
                for check in model.checks:
                    if dg.AssetCheckKey(dg.AssetKey(model.key), check.name) in checks:
                        results.append(row_check_result(conn, model, check))
        yield from results  # recorded while the checkpoint runs

    return sql_models


mart_models = load_models(get_settings().sql_dir, known_tables=set(TABLES), report_tables=set(REPORT_KEYED_TABLES))
marts_asset = build_marts(mart_models)
mart_assets = [marts_asset]
MART_KEYS = [dg.AssetKey(m.key) for m in mart_models]
