"""marts layer: one asset per SQL file in dbt_like_sql/, lineage read from the SQL."""

import dagster as dg

from gov_pipeline.defs.common import OWNER, POOL, markdown_preview
from gov_pipeline.defs.core import MART_AUTOMATION
from gov_pipeline.resources import Warehouse
from gov_pipeline.schemas import TABLES
from gov_pipeline.settings import get_settings
from gov_pipeline.sql_models import SqlModel, load_models
from gov_pipeline.warehouse import build_model


def _mart_schema(conn, qualified: str) -> dg.TableSchema:
    rows = conn.execute(f"DESCRIBE {qualified}").fetchall()
    return dg.TableSchema(columns=[dg.TableColumn(name, str(dtype)) for name, dtype, *_ in rows])


def build_mart_asset(model: SqlModel) -> dg.AssetsDefinition:
    @dg.asset(
        key=model.key, group_name=model.schema,
        deps=[dg.AssetKey(d.split(".")) for d in model.deps],
        description=model.description or f"SQL model {model.path.name}",
        code_version=model.code_version, pool=POOL, kinds={"sql", "duckdb"}, owners=[OWNER],
        automation_condition=MART_AUTOMATION,
        metadata={
            "sql": dg.MetadataValue.md(f"```sql\n{model.sql}\n```"),
            "sql_file": dg.MetadataValue.path(str(model.path)),
            "dagster/table_name": f"gov.{model.qualified}",
            "dagster/code_references": dg.CodeReferencesMetadataValue(
                code_references=[dg.LocalFileCodeReference(file_path=str(model.path), line_number=1)]),
        },
    )
    def _mart(warehouse: Warehouse) -> dg.MaterializeResult:
        with warehouse.get_connection() as conn:
            n = build_model(conn, model.qualified, model.sql)
            head = conn.execute(f"SELECT * FROM {model.qualified} LIMIT 10").df()
            schema = _mart_schema(conn, model.qualified)
        return dg.MaterializeResult(metadata={
            "dagster/row_count": int(n), "dagster/column_schema": schema, "preview": markdown_preview(head)})

    return _mart


def build_mart_assets(sql_dir) -> list[dg.AssetsDefinition]:
    return [build_mart_asset(m) for m in load_models(sql_dir, known_tables=set(TABLES))]


mart_assets = build_mart_assets(get_settings().sql_dir)
MART_KEYS = [key for a in mart_assets for key in a.keys]
