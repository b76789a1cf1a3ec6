"""staging layer: the cleaned text of each report.

It is written by the same step as the core tables (gov_pipeline/defs/core.py, `derive_reports`): each
report is cleaned and parsed in one pass in a worker process, and both layers are replaced in one
transaction. This module declares the table's asset.
"""

import dagster as dg

from gov_pipeline.defs.common import OWNER, REDERIVE_AUTOMATION, TABLE, spec_metadata
from gov_pipeline.version import text_version

CLEAN = TABLE["staging.clean_reports"]


def clean_spec() -> dg.AssetSpec:
    return dg.AssetSpec(
        CLEAN.key, group_name="staging", deps=[TABLE["raw.reports"].key],
        description=CLEAN.schema.description + " Incremental: only reports whose bytes or text version changed are "
        "cleaned again. Rules and patterns: gov_pipeline/text/clean.py, assets/cleaning_rules.toml.",
        code_version=text_version(), automation_condition=REDERIVE_AUTOMATION, kinds={"python", "duckdb"},
        owners=[OWNER], metadata=spec_metadata(CLEAN))
