"""DuckDB memory limits set for one step's block (warehouse.setting): the SQL models build under a limit of their
own, and the connection's own limit comes back after."""
import duckdb
import pytest

from gov_pipeline import warehouse
from gov_pipeline.warehouse import MODELS_MEMORY, setting


def limit(conn) -> str:
    return conn.execute("SELECT current_setting('memory_limit')").fetchone()[0]


def rendered(value: str) -> str:
    """How DuckDB reports a memory limit set to `value` (it rounds and renders it in its own units)."""
    scratch = duckdb.connect()
    scratch.execute(f"SET memory_limit = '{value}'")
    return limit(scratch)


def mib(value: str) -> float:
    number, unit = value.split()
    return float(number) * {"KiB": 2**-10, "MiB": 1, "GiB": 2**10}[unit]


def test_a_setting_holds_inside_its_block_and_is_restored_after_even_on_error():
    conn = duckdb.connect(config={"memory_limit": "1GB"})
    before = mib(limit(conn))
    with setting(conn, "memory_limit", "300MB"):
        assert limit(conn) == rendered("300MB")
    assert abs(mib(limit(conn)) - before) < 0.15  # (DuckDB renders the limit to 0.1 MiB: restored to that)
    with pytest.raises(RuntimeError), setting(conn, "memory_limit", "200MB"):
        raise RuntimeError("the block failed")
    assert abs(mib(limit(conn)) - before) < 0.25


def test_the_sql_models_build_under_their_own_memory_limit(harness, monkeypatch):
    import gov_pipeline.defs.marts as marts

    seen = []

    def build_models(conn, models):
        seen.append(limit(conn))
        return warehouse.build_models(conn, models)

    monkeypatch.setattr(marts, "build_models", build_models)
    harness.copy_seeds()
    harness.materialize_all()
    assert seen and set(seen) == {rendered(MODELS_MEMORY)}
    assert rendered(MODELS_MEMORY) != rendered(harness.settings.duckdb_memory)  # not the connection's own limit
