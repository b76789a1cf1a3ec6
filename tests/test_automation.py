"""Declarative automation keeps staging, core and the rollups in step with the register of report files."""
import dagster as dg

from gov_pipeline.demo import QUIET

KEY = "004_17c27c0a9e1aa267"


def test_rollups_follow_the_register_and_then_rest(harness):
    harness.copy_seeds([f"{KEY}.txt"])
    first = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance)
    harness.defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=harness.instance, run_config=QUIET, asset_selection=[dg.AssetKey(["raw", "reports"])])
    after = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance, cursor=first.cursor)
    for key in (["staging", "report_chunks"], ["core", "report_inventory"], ["marts", "report_metrics_wide"],
                ["warehouse", "analysts_copy"]):
        assert after.get_num_requested(dg.AssetKey(key)) == 1, key
    run_requested(harness, after)
    # nothing changed since: nothing requested again
    quiet = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance, cursor=after.cursor)
    assert quiet.get_num_requested(dg.AssetKey(["marts", "report_metrics_wide"])) == 0
    assert quiet.get_num_requested(dg.AssetKey(["staging", "report_chunks"])) == 0


def test_sensors_and_schedule_are_on_by_default():
    from gov_pipeline.definitions import defs

    assert defs.resolve_sensor_def("report_inbox_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    assert defs.resolve_sensor_def("rollup_automation_sensor").default_status == dg.DefaultSensorStatus.RUNNING
    schedule = defs.resolve_schedule_def("daily_marts_refresh")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING and schedule.cron_schedule == "15 2 * * *"


def test_reference_tables_load_when_missing_and_then_rest(harness):
    key = dg.AssetKey(["ref", "metric_catalog"])
    first = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance)
    assert first.get_num_requested(key) == 1
    harness.defs.resolve_job_def("refresh_marts").execute_in_process(instance=harness.instance, run_config=QUIET)
    after = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance, cursor=first.cursor)
    assert after.get_num_requested(key) == 0
    assert harness.query("SELECT count(*) FROM ref.metric_catalog")[0][0] >= 16


def test_reading_the_inbox_alone_makes_automation_derive_it(harness):
    """raw/reports materialised by hand in the UI: automation cleans and parses it, then rolls up."""
    harness.copy_seeds([f"{KEY}.txt"])
    first = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance)
    raw_only = harness.defs.resolve_implicit_global_asset_job_def()
    raw_only.execute_in_process(instance=harness.instance, run_config=QUIET,
                                asset_selection=[dg.AssetKey(["raw", "reports"])])
    after = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance, cursor=first.cursor)
    for key in (["staging", "clean_reports"], ["core", "dim_report"], ["core", "fact_metric"]):
        assert after.get_num_requested(dg.AssetKey(key)) == 1, key
    # what automation asks for, run: the report lands
    run_requested(harness, after)
    assert harness.query("SELECT report_id, report_year FROM core.dim_report") == [(KEY, 2018)]
    assert harness.query("SELECT status FROM core.report_inventory") == [("loaded",)]


def run_requested(harness, evaluation, defs=None) -> None:
    defs = defs or harness.defs
    keys = [k for k in defs.resolve_all_asset_keys() if evaluation.get_num_requested(k)]
    defs.resolve_implicit_global_asset_job_def().execute_in_process(
        instance=harness.instance, asset_selection=keys, run_config=QUIET)


def test_a_new_text_version_makes_automation_derive_every_report_again(harness):
    """An edit of the text library or assets/ changes staging/core's code version: automation re-derives."""
    harness.copy_seeds([f"{KEY}.txt"])
    harness.materialize_all()
    settled = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance)
    settled = dg.evaluate_automation_conditions(defs=harness.defs, instance=harness.instance, cursor=settled.cursor)
    assert settled.get_num_requested(dg.AssetKey(["core", "dim_report"])) == 0
    derived = {dg.AssetKey(["staging", "clean_reports"]), dg.AssetKey(["core", "dim_report"])}
    edited = harness.defs.map_asset_specs(
        func=lambda spec: spec.replace_attributes(code_version="edited") if spec.key in derived else spec)
    after = dg.evaluate_automation_conditions(defs=edited, instance=harness.instance, cursor=settled.cursor)
    assert after.get_num_requested(dg.AssetKey(["core", "dim_report"])) == 1
    assert after.get_num_requested(dg.AssetKey(["raw", "reports"])) == 0  # the files are not read again
