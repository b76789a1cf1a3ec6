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
