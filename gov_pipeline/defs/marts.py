"""marts layer: one asset per SQL file in dbt_like_sql/, lineage read from the SQL.

All models are one multi-asset (subsettable): a refresh builds the selected models in dependency
order in one step over one connection, instead of paying a step's start-up per table.
"""
import dagster as dg

from gov_pipeline.defs.common import DERIVED_AUTOMATION, OWNER, POOL, markdown_preview
from gov_pipeline.resources import Warehouse
from gov_pipeline.schemas import TABLES
from gov_pipeline.settings import get_settings
from gov_pipeline.sql_models import SqlModel, load_models
from gov_pipeline.warehouse import build_model


def _spec(model: SqlModel) -> dg.AssetSpec:
    return dg.AssetSpec(
        model.key, group_name=model.schema, deps=[dg.AssetKey(d.split(".")) for d in model.deps],
        description=model.description or f"SQL model {model.path.name}",
        code_version=model.code_version, kinds={"sql", "duckdb"}, owners=[OWNER],
        automation_condition=DERIVED_AUTOMATION,
        metadata={
            "sql": dg.MetadataValue.md(f"```sql\n{model.sql}\n```"),
            "sql_file": dg.MetadataValue.path(str(model.path)),
            "dagster/table_name": f"gov.{model.qualified}",
            "dagster/code_references": dg.CodeReferencesMetadataValue(
                code_references=[dg.LocalFileCodeReference(file_path=str(model.path), line_number=1)]),
        },
    )


def build_marts(models: list[SqlModel]) -> dg.AssetsDefinition:
    @dg.multi_asset(specs=[_spec(m) for m in models], name="sql_models", can_subset=True, pool=POOL,
                    description="Every SQL model in dbt_like_sql/, built with CREATE OR REPLACE TABLE in dependency order.")
    def sql_models(context: dg.AssetExecutionContext, warehouse: Warehouse):
        selected = context.selected_asset_keys
        with warehouse.get_connection() as conn:
            for model in models:  # already in dependency order
                key = dg.AssetKey(model.key)
                if key not in selected:
                    continue
                n = build_model(conn, model.qualified, model.sql)
                head = conn.execute(f"SELECT * FROM {model.qualified} LIMIT 10").df()
                columns = conn.execute(f"DESCRIBE {model.qualified}").fetchall()
                yield dg.MaterializeResult(asset_key=key, metadata={
                    "dagster/row_count": n, "preview": markdown_preview(head),
                    "dagster/column_schema": dg.TableSchema(columns=[dg.TableColumn(c[0], str(c[1])) for c in columns]),
                })

    return sql_models


mart_models = load_models(get_settings().sql_dir, known_tables=set(TABLES))
marts_asset = build_marts(mart_models)
mart_assets = [marts_asset]
MART_KEYS = [dg.AssetKey(m.key) for m in mart_models]
