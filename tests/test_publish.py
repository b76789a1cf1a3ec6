"""The analysts' copy brought up to date by the change journal: after any sequence of writes, the patched copy
holds exactly what the warehouse holds, and whatever cannot be patched is copied whole, with the reason."""
import random
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from gov_pipeline.warehouse import JOURNAL, ensure_tables, prune_reports, publish_copy
from tests.test_incremental_marts import World, build_all


# opens a copy read-only, prints a count, waits for a line, prints the count again
READER = """
import sys, duckdb
con = duckdb.connect(sys.argv[1], read_only=True)
count = lambda: print(con.execute('SELECT count(*), sum(hash(report_id)) FROM core.report_inventory').fetchone(), flush=True)
count()
sys.stdin.readline()
count()
"""


def tables(con, database: str) -> list[str]:
    return [f"{s}.{t}" for s, t in con.execute(
        "SELECT schema_name, table_name FROM duckdb_tables() WHERE database_name = $d ORDER BY 1, 2",
        {"d": database}).fetchall()]


def assert_copy_is_the_warehouse(con, copy) -> None:
    """Every table of the copy holds the warehouse's rows (as multisets), and no other table is there."""
    main = con.execute("SELECT current_database()").fetchone()[0]
    con.execute(f"ATTACH '{copy}' AS _copy (READ_ONLY)")
    try:
        assert tables(con, "_copy") == tables(con, main)
        for table in tables(con, main):
            for a, b in ((table, f"_copy.{table}"), (f"_copy.{table}", table)):
                extra = con.execute(f"SELECT count(*) FROM (SELECT * FROM {a} EXCEPT ALL SELECT * FROM {b})").fetchone()[0]
                assert extra == 0, (table, a)
    finally:
        con.execute("DETACH _copy")


@pytest.mark.parametrize("seed", range(3))
def test_the_patched_copy_is_the_warehouse_after_any_sequence_of_writes(tmp_path, seed):
    database, copy = tmp_path / "w.duckdb", tmp_path / "gov-read.duckdb"
    con = duckdb.connect(str(database))
    ensure_tables(con)
    rng = random.Random(seed)
    world = World(con, rng)
    hows = []
    for _ in range(10):
        for _ in range(rng.randint(1, 3)):
            world.step()
        if rng.random() < 0.3 and world.reports:  # a report's file left the inbox: prune its rows everywhere
            gone = rng.choice(sorted(world.reports))
            world.reports.pop(gone)
            prune_reports(con, sorted(world.reports))
        build_all(con)
        published = publish_copy(con, str(database), str(copy))
        hows.append(published.how)
        assert_copy_is_the_warehouse(con, copy)
    # no copy yet, then no spare yet: copied whole; every later copy is the spare patched
    assert hows[:2] == ["copied", "copied"] and set(hows[2:]) == {"patched"}, hows
    # the journal was trimmed of what both copies held, and still reaches back to the spare
    spare_as_of = con.execute(f"ATTACH '{copy}.spare' AS s (READ_ONLY); SELECT max(seq) FROM s.{JOURNAL}").fetchone()[0]
    con.execute("DETACH s")
    assert 1 < con.execute(f"SELECT min(seq) FROM {JOURNAL} WHERE seq > 0").fetchone()[0] <= spare_as_of + 1
    con.close()


def test_what_cannot_be_patched_is_copied_whole_with_the_reason(tmp_path):
    database, copy = tmp_path / "w.duckdb", tmp_path / "gov-read.duckdb"
    con = duckdb.connect(str(database))
    ensure_tables(con)
    world = World(con, random.Random(7))

    def change_and_publish():
        world.step()
        build_all(con)
        published = publish_copy(con, str(database), str(copy))
        assert_copy_is_the_warehouse(con, copy)
        return published

    assert change_and_publish().reason == "no spare copy yet"
    change_and_publish()
    assert change_and_publish().how == "patched"
    # a table made outside the journal: its definition differs from the spare's, so it is copied whole
    con.execute("CREATE TABLE marts.extra AS SELECT 42 AS answer")
    assert change_and_publish().how == "patched"
    con.execute("DROP TABLE marts.extra")
    assert change_and_publish().how == "patched"
    # rows written outside the journal: the patched spare's counts differ, so it is copied whole
    con.execute("INSERT INTO ref.topic VALUES ('x', 'x', 'x', 0, 'x')")
    published = change_and_publish()
    assert (published.how, published.reason) == ("copied", "once patched, the row counts of ref.topic differ from "
                                                           "the warehouse's")
    assert change_and_publish().how == "copied"  # (the other copy, now the spare, lacks that row too)
    assert change_and_publish().how == "patched"
    # a reader (another process: DuckDB's locks are per process) still holds the copy that becomes the spare: it
    # keeps reading it, and the spare is copied whole
    reader = subprocess.Popen([sys.executable, "-c", READER, str(copy)], stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, text=True)
    try:
        before = reader.stdout.readline().strip()
        assert change_and_publish().how == "patched"  # (the spare was free)
        published = change_and_publish()  # the spare is now the reader's file
        assert published.how == "copied" and published.reason.startswith("the spare copy cannot be opened for writing")
        reader.stdin.write("again\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == before  # its copy is as it was
    finally:
        reader.stdin.close()
        reader.wait(timeout=30)
    assert change_and_publish().how == "patched"
    # a spare whose record is not its own is no spare; one made from another warehouse is never patched
    import json
    import os

    other = tmp_path / "other.duckdb"
    with duckdb.connect(str(other)) as o:
        ensure_tables(o)
    os.replace(other, f"{copy}.spare")
    assert change_and_publish().reason == "the spare copy's record is missing"
    os.replace(other, f"{copy}.spare") if other.exists() else None
    with duckdb.connect(str(other)) as o:
        ensure_tables(o)
    os.replace(other, f"{copy}.spare")
    side = Path(f"{copy}.spare.source")
    side.write_text(json.dumps({**json.loads(side.read_text()), "as_of": 0, "inode": os.stat(f"{copy}.spare").st_ino}))
    assert change_and_publish().reason == "the spare copy was made from another warehouse"
    con.close()


def test_the_pipeline_publishes_by_patching_the_spare(harness):
    """Through the pipeline's own writes (sync, derivation, inventory, SQL models, reference tables): after the
    first two runs every copy is the spare patched, and it holds what the warehouse holds."""
    from gov_pipeline.defs.publish import PUBLISH_KEY

    from tests.conftest import SEEDS

    names = sorted(p.name for p in SEEDS.glob("*.txt"))
    hows = []

    def run():
        harness.materialize_all()
        meta = harness.instance.get_latest_materialization_event(PUBLISH_KEY).asset_materialization.metadata
        hows.append(meta["how"].value)
        con = duckdb.connect(str(harness.settings.warehouse))
        try:
            assert_copy_is_the_warehouse(con, harness.settings.read_copy)
        finally:
            con.close()

    harness.copy_seeds(names[:2])
    run()
    harness.copy_seeds(names[2:3])
    run()
    harness.copy_seeds(names[3:])  # two new reports, one removed, one changed
    (harness.inbox / names[0]).unlink()
    with (harness.inbox / names[1]).open("a", encoding="utf-8") as fh:
        fh.write("\n附:本报告另有一页说明。\n")
    run()
    assert hows == ["copied", "copied", "patched"]
