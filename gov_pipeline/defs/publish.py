"""The analysts' copy of the warehouse: published as the last step of every run that writes it."""

import time

import dagster as dg

from gov_pipeline.defs.common import DERIVED_AUTOMATION, OWNER, POOL, TABLE, WAREHOUSE_TAG
from gov_pipeline.defs.core import CORE_TABLES
from gov_pipeline.defs.marts import MART_KEYS
from gov_pipeline.defs.ref import SOURCES
from gov_pipeline.resources import Warehouse
from gov_pipeline.warehouse import publish_copy

PUBLISH_KEY = dg.AssetKey(["warehouse", "analysts_copy"])
WRITTEN = [dg.AssetKey(TABLE[n].key) for n in ("raw.reports", "staging.clean_reports", *CORE_TABLES,
                                                "core.report_inventory", *SOURCES)] + MART_KEYS


@dg.asset(
    key=PUBLISH_KEY, group_name="publish", deps=WRITTEN, pool=POOL, op_tags=WAREHOUSE_TAG, kinds={"duckdb"},
    owners=[OWNER], automation_condition=DERIVED_AUTOMATION,
    description="The read-only copy of the warehouse analysts open (warehouse/gov-read.duckdb, `make sql`): "
                "checkpointed, copied and renamed into place after the tables of the run are written, so readers "
                "never hold the pipeline's lock and never see a half-written run. A run whose step failed does not "
                "reach this step: the copy stays as it was. The new copy is the one published the time before, "
                "brought up to date by the rows the change journal (meta.changes) names (`how`: patched), or a whole "
                "copy of the file when that cannot be done (`how`: copied, `why` says why). When nothing was written "
                "to the warehouse since the last copy (the file's inode, size and times are the same), the copy is "
                "left as it is.",
)
def analysts_copy(context: dg.AssetExecutionContext, warehouse: Warehouse) -> dg.MaterializeResult:
    if not warehouse.read_copy:
        return dg.MaterializeResult(metadata={"published": False})
    started = time.perf_counter()
    with warehouse.get_connection() as conn:
        published = publish_copy(conn, warehouse.database, warehouse.read_copy)
    seconds = time.perf_counter() - started
    context.log.info(f"published the analysts' copy {warehouse.read_copy} ({published.bytes / 1e6:.1f} MB) in "
                     f"{seconds:.2f} s: {published.how} ({published.reason})" if published.copied else
                     f"the warehouse file is as when {warehouse.read_copy} was made from it: left as it is")
    return dg.MaterializeResult(metadata={"path": dg.MetadataValue.path(warehouse.read_copy),
                                          "size_mb": round(published.bytes / 1e6, 1), "seconds": round(seconds, 3),
                                          "copied": published.copied, "how": published.how,
                                          "why": published.reason})
