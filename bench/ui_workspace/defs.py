"""Minimal code location for gov_pipeline.bench_ui: the asset keys, partitioning and automation shape of the
project's report pipeline, without its code (loading it must cost nothing at any N).

BENCH_UI_MODE=partitions (default): `raw/reports` has one DynamicPartitionsDefinition("reports") partition per
report file (the per-file design). BENCH_UI_MODE=register: `raw/reports` is unpartitioned; a register table holds one
row per report (the register design). Either way a downstream unpartitioned asset and a sensor targeting it.
"""
import os

import dagster as dg

MODE = os.environ.get("BENCH_UI_MODE", "partitions")
reports_partitions = dg.DynamicPartitionsDefinition(name="reports")


@dg.asset(key=["raw", "reports"], partitions_def=reports_partitions if MODE == "partitions" else None,
          group_name="raw", description="One report file per partition (partitions mode) or a register (register mode).")
def raw_reports() -> None:
    raise NotImplementedError("benchmark only: history is seeded by gov_pipeline.bench_ui.seed_instance")


@dg.asset(key=["core", "reports_summary"], deps=[raw_reports], group_name="core",
          description="Unpartitioned, derived from every report.")
def reports_summary() -> None:
    raise NotImplementedError("benchmark only")


@dg.sensor(name="inbox_sensor", target=[reports_summary], minimum_interval_seconds=30,
           description="Stands in for the project's inbox sensor (never started here).")
def inbox_sensor(context: dg.SensorEvaluationContext):
    return dg.SkipReason("benchmark only")


defs = dg.Definitions(assets=[raw_reports, reports_summary], sensors=[inbox_sensor])
