"""ref layer: the reference data in assets/, copied into the warehouse for SQL users."""

import hashlib

import dagster as dg

from gov_pipeline.defs.common import OWNER, POOL, TABLE, WAREHOUSE_TAG, require_valid, schema_check_result, schema_check_spec, spec_metadata, table_metadata
from gov_pipeline.frames import frame
from gov_pipeline.resources import Warehouse
from gov_pipeline.schemas import validate
from gov_pipeline.text.refdata import asset_path, read_csv_rows
from gov_pipeline.warehouse import replace_table

SOURCES = {"ref.metric_catalog": "metric_catalog.csv", "ref.figure_dimension": "figure_dimensions.csv",
           "ref.topic": "topic_taxonomy.csv", "ref.correction": "corrections.csv",
           "ref.acknowledged_finding": "acknowledged_findings.csv", "ref.expected_agency": "expected_agencies.csv"}
REF_AUTOMATION = (dg.AutomationCondition.missing() | dg.AutomationCondition.code_version_changed()) \
    & ~dg.AutomationCondition.in_progress()
_BOOL = {"true": True, "1": True, "yes": True, "false": False, "0": False, "no": False, "": False}


def _rows(table: str) -> list[dict]:
    rows = [dict(r) for r in read_csv_rows(SOURCES[table])]
    columns = TABLE[table].schema.columns
    for row in rows:
        for name, column in columns.items():
            value = row.get(name)
            value = value.strip() if isinstance(value, str) else value
            duck = column.metadata["duckdb"]
            if duck == "BOOLEAN":
                value = _BOOL.get(str(value or "").lower(), False)
            elif value in ("", None):
                value = None
            row[name] = value
    return [{k: r.get(k) for k in columns} for r in rows]


def _file_version(table: str) -> str:
    return hashlib.sha256(asset_path(SOURCES[table]).read_bytes()).hexdigest()[:12]


def build_ref_asset(table_name: str) -> dg.AssetsDefinition:
    t = TABLE[table_name]

    @dg.asset(key=t.key, group_name="ref",
              description=f"{t.schema.description} Source: assets/{SOURCES[table_name]}.",
              code_version=_file_version(table_name), pool=POOL, op_tags=WAREHOUSE_TAG, kinds={"csv", "duckdb"}, owners=[OWNER],
              metadata={**spec_metadata(t), "source_file": dg.MetadataValue.path(str(asset_path(SOURCES[table_name])))},
              check_specs=[schema_check_spec(t)],
              # loaded when missing (and not already loading) or when its file, hence its code version, changes
              automation_condition=REF_AUTOMATION)
    def _ref(warehouse: Warehouse):
        validation = require_valid(t, validate(t, frame(t.name, _rows(table_name))))
        with warehouse.get_connection(checkpoint=True) as conn:
            written = replace_table(conn, t.name, validation.valid)
        yield dg.MaterializeResult(metadata={**table_metadata(t, validation.valid), "written": written})
        yield schema_check_result(t, len(validation.dropped), validation.failures)

    return _ref


ref_assets = [build_ref_asset(name) for name in SOURCES]
