"""The inbox's file lookups (pure file-system logic, no Dagster)."""
import os

from gov_pipeline import inbox
from gov_pipeline.inbox import find_files, partition_key_for, scan_inbox


def make(root, rel, text="x"):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def test_find_files_agrees_with_a_scan(tmp_path):
    for rel in ["a.txt", "b.txt", "sub/2019 年报.txt", "c.TXT.part", ".hidden.txt"]:
        make(tmp_path, rel)
    os.symlink("/etc/hostname", tmp_path / "outside.txt")
    scanned = {f.key: f for f in scan_inbox(tmp_path)[0]}
    nested = partition_key_for("sub/2019 年报.txt")
    assert set(scanned) == {"a", "b", nested}
    for keys in (["a", "b"], ["a", nested], [nested], ["a", "gone"], ["outside"]):
        assert find_files(tmp_path, keys) == {k: scanned[k] for k in keys if k in scanned}, keys


def test_plain_keys_are_found_without_walking_the_inbox(tmp_path, monkeypatch):
    make(tmp_path, "a.txt")
    make(tmp_path, "deep/er/b.txt")
    monkeypatch.setattr(inbox, "scan_inbox", lambda root: (_ for _ in ()).throw(AssertionError("walked")))
    assert list(find_files(tmp_path, ["a"])) == ["a"]


def test_plain_names_take_the_short_path_to_the_same_key():
    names = ["a.txt", "2019年报.txt", "000_d9a8aa6b43ea3b92.txt", "v1.2.txt", "a-b_c.txt", "x" * 80 + ".txt",
             "x" * 81 + ".txt", "a..b.txt", "-a.txt", "a-.txt", ".a.txt", "a..txt", "a b.txt", "a.TXT", "a.txt.txt",
             "sub/a.txt", "怀柔 年报.txt", "a|b.txt", ".txt", "a.", "a"]
    short = {n for n in names if inbox._PLAIN_STEM.fullmatch(n[:-4]) and n.endswith(".txt") and len(n) <= 84}
    assert short == {"a.txt", "2019年报.txt", "000_d9a8aa6b43ea3b92.txt", "v1.2.txt", "a-b_c.txt", "x" * 80 + ".txt",
                     "a.txt.txt"}
    for name in names:
        assert partition_key_for(name) == inbox._slug_key(name), name


def test_scan_skips_directory_symlinks_and_hidden_folders(tmp_path):
    make(tmp_path, "a.txt")
    make(tmp_path, ".cache/b.txt")
    make(tmp_path, "real/c.txt")
    os.symlink(tmp_path / "real", tmp_path / "linked.txt")
    assert [f.rel_path for f in scan_inbox(tmp_path)[0]] == ["a.txt", "real/c.txt"]


def test_ingest_links_copies_to_the_first_one_and_keeps_ingestion_times(tmp_path):
    import datetime as dt
    import hashlib

    from gov_pipeline.ingest import Previous, ingest

    text = "某市生态环境局2020年政府信息公开工作年度报告"
    for name, body in [("a", text), ("b", text), ("c", text + "二"), ("d", text + "三")]:
        make(tmp_path, f"{name}.txt", body)
    sha = lambda body: hashlib.sha256(body.encode("utf-8")).hexdigest()  # noqa: E731
    files = find_files(tmp_path, ["a", "b", "c", "d"])
    asked = []

    def first_copies(shas):  # the warehouse already holds an earlier copy of c's bytes
        asked.append(shas)
        return {sha(text + "二"): "old"}

    then, now = dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1)
    previous = {"a": Previous(sha(text), then), "d": Previous("other bytes", then)}
    rows, missing = ingest(["d", "c", "b", "a", "gone"], files, previous, first_copies, 10_000, now)
    assert missing == ["gone"] and asked == [{sha(text), sha(text + "二"), sha(text + "三")}]
    assert [(r["report_id"], r["duplicate_of"], r["ingested_at"]) for r in rows] == [
        ("a", None, then), ("b", "a", now), ("c", "old", now), ("d", None, now)]


def test_inbox_keys_are_the_scan_keys(tmp_path):
    for rel in ["a.txt", "sub/2019 年报.txt", "deep/er/c.txt", "c.TXT.part", ".hidden.txt", ".git/x.txt", "~$lock.txt",
                "notes.md", "real/d.txt"]:
        make(tmp_path, rel)
    os.symlink("/etc/hostname", tmp_path / "outside.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "inside.txt")
    os.symlink(tmp_path / "real", tmp_path / "linked")
    keys = inbox.inbox_keys(tmp_path)
    assert keys == [f.key for f in scan_inbox(tmp_path)[0]]
    assert len(keys) == 5 and "inside" in keys and "outside" not in keys
