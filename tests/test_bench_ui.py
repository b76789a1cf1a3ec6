"""gov_pipeline.bench_ui: the UI's own queries, checked against the webserver's schema and bundle (a Dagster upgrade
that changes them fails here), and the seeding of an instance in both designs."""
import dagster as dg

from gov_pipeline import bench_ui


def test_the_query_documents_are_the_ui_s_and_valid():
    bench_ui.check_documents()
    document = bench_ui.ui_document("RunsFeedRootQuery")  # the operation, then the fragments it uses, transitively
    assert document.startswith("query RunsFeedRootQuery") and "fragment PythonErrorChain on ErrorChainLink" in document


def test_seeding_leaves_the_history_of_each_design(tmp_path):
    bench_ui.seed_instance(tmp_path / "p", 50, mode="partitions", runs=2)
    bench_ui.seed_instance(tmp_path / "r", 50, mode="register", runs=2)
    with bench_ui.open_instance(tmp_path / "p") as instance:
        assert len(instance.get_dynamic_partitions(bench_ui.PARTITIONS_NAME)) == 50
        assert len(instance.get_runs()) == 2
    with bench_ui.open_instance(tmp_path / "r") as instance:
        assert instance.get_dynamic_partitions(bench_ui.PARTITIONS_NAME) == []
        assert instance.get_latest_materialization_event(dg.AssetKey(bench_ui.ASSET_KEY_PATH)) is not None
