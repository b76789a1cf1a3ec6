"""The inbox: which entries are reports, their keys, and safe reading (pure file-system logic, no Dagster)."""
import datetime as dt
import hashlib
import os
import socket
import threading

import pytest

from gov_pipeline import inbox
from gov_pipeline.inbox import (
    InboxUnavailable, inbox_keys, open_regular, partition_key_for, scan_inbox, keys_and_skipped,
)
from gov_pipeline.ingest import Previous, first_copies, ingest, read_report


def make(root, rel, text="x"):
    path = root / rel
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def keys_by_path(root):
    files, skipped = scan_inbox(root)
    return {f.rel_path: f.key for f in files}, {s.rel_path: s.reason for s in skipped}


def test_a_clean_top_level_txt_name_is_its_own_key_and_every_other_path_is_hashed():
    for name in ["a.txt", "2019年报.txt", "000_d9a8aa6b43ea3b92.txt", "v1.2.txt", "a-b_c.txt", "x" * 80 + ".txt",
                 "a.txt.txt", "report-2019.txt", "abc-1234567.txt"]:
        assert partition_key_for(name) == name[:-4], name
    for name in ["x" * 81 + ".txt", "a..b.txt", "-a.txt", "a-.txt", ".a.txt", "a b.txt", "a.TXT", "sub/a.txt",
                 "怀柔 年报.txt", "a|b.txt", "a", "r-0123abcd.txt", "r-0123456789abcdef.txt"]:
        key = partition_key_for(name)
        assert key.endswith("-" + hashlib.sha1(name.encode()).hexdigest()[:8]), (name, key)
        assert len(key) <= inbox.MAX_KEY_LEN + 9 and "|" not in key and "..." not in key and "," not in key


def test_two_paths_never_share_a_key(tmp_path):
    # case, punctuation, length, and a file named like another file's key
    names = ["r.txt", "r.TXT", "R.txt", "a b.txt", "a-b.txt", "a  b.txt", "a,b.txt", "怀柔 年报 2019 (终稿).txt",
             "x" * 90 + "1.txt", "x" * 90 + "2.txt", "sub/r.txt", "sub__r.txt"]
    names.append(partition_key_for("怀柔 年报 2019 (终稿).txt") + ".txt")
    names.append(partition_key_for("a b.txt") + ".txt")
    for name in names:
        make(tmp_path, name)
    files, skipped = scan_inbox(tmp_path)
    assert not skipped and len(files) == len(names)
    assert len({f.key for f in files}) == len(names)
    assert inbox_keys(tmp_path) == [f.key for f in files]
    # stable: a path keeps its key whatever else is in the inbox
    alone = tmp_path / "alone"
    for f in files:
        alone.mkdir(exist_ok=True)
        for old in alone.rglob("*.*"):
            old.unlink()
        make(alone, f.rel_path)
        assert scan_inbox(alone).files[0].key == f.key, f.rel_path


def test_short_hash_collisions_get_the_full_hash(tmp_path, monkeypatch):
    monkeypatch.setattr(inbox, "HASH_LEN", 1)  # 16 possible hashes: paths with one slug collide
    names = [f"a{sep}b.txt" for sep in (" ", "  ", ",", ";", "+", "=", "(", ")", "!", "@", "#", "%", "^", "&",
                                         "{", "}", "[", "]", "'", "`", " , ")]
    for name in names:
        make(tmp_path, name)
    files = scan_inbox(tmp_path).files
    assert len({f.key for f in files}) == len(names)
    assert any(len(f.key) > 40 for f in files)  # some did collide, and got the full hash
    assert inbox_keys(tmp_path) == [f.key for f in files]


def test_every_entry_that_is_not_a_report_is_listed_with_the_reason(tmp_path):
    make(tmp_path, "a.txt")
    make(tmp_path, "report.xls")
    make(tmp_path, "notes.md")
    make(tmp_path, "dl.txt.part")
    make(tmp_path, "~$lock.txt")
    make(tmp_path, "~tilde.txt")  # only ~$ is an office lock file
    make(tmp_path, ".hidden.txt")
    make(tmp_path, ".git/x.txt")
    make(tmp_path, "real/c.txt")
    os.mkfifo(tmp_path / "pipe.txt")
    os.symlink("loop.txt", tmp_path / "loop.txt")
    os.symlink(tmp_path / "missing.txt", tmp_path / "dangling.txt")
    os.symlink("/etc/hostname", tmp_path / "outside.txt")
    os.symlink(tmp_path / "real", tmp_path / "linked.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "inside.txt")
    (tmp_path / "folder.txt").mkdir()  # a folder named like a report: descended into, never opened
    make(tmp_path, "folder.txt/d.txt")
    with socket.socket(socket.AF_UNIX) as sock:
        sock.bind(str(tmp_path / "sock.txt"))
        reports, skipped = keys_by_path(tmp_path)
    assert sorted(reports) == ["a.txt", "folder.txt/d.txt", "inside.txt", "real/c.txt", "~tilde.txt"]
    assert skipped == {
        ".git": "hidden (its name starts with a dot)",
        ".hidden.txt": "hidden (its name starts with a dot)",
        "dangling.txt": "broken symlink (its target does not exist)",
        "dl.txt.part": "temporary file (still being downloaded or written): read once it is renamed",
        "linked.txt": "symlink to a folder (folders behind links are not followed)",
        "loop.txt": "symlink loop",
        "notes.md": "unsupported file type .md: only .doc, .docx, .htm, .html, .pdf, .shtml, .txt, .wps files are read",
        "outside.txt": "symlink points outside the inbox (/etc/hostname)",
        "pipe.txt": "not a regular file: a FIFO (named pipe)",
        "report.xls": "unsupported file type .xls: only .doc, .docx, .htm, .html, .pdf, .shtml, .txt, .wps files are read",
        "sock.txt": "not a regular file: a socket",
        "~$lock.txt": "office lock file (sits beside an open document)",
    }
    all_keys = list(reports.values()) + [s.key for s in scan_inbox(tmp_path).skipped]
    assert len(set(all_keys)) == len(all_keys)
    assert [s.rel_path for s in keys_and_skipped(tmp_path)[1]] == sorted(skipped)


def test_a_file_name_that_is_not_utf8_is_shown_as_gb18030_and_keyed_by_its_bytes(tmp_path):
    name = "年报2019".encode("gbk") + b".txt"
    with open(os.path.join(os.fsencode(tmp_path), name), "wb") as fh:
        fh.write("报告".encode("utf-8"))
    make(tmp_path, "年报2019.txt")  # the same name in UTF-8: another file, another key
    files = scan_inbox(tmp_path).files
    assert [f.rel_path for f in files] == ["年报2019.txt", "年报2019.txt"]
    assert len({f.key for f in files}) == 2
    gbk = next(f for f in files if f.key != "年报2019")
    assert gbk.key == "年报2019-" + hashlib.sha1(name).hexdigest()[:8]
    assert read_report(gbk, 1000)["source_path"] == "年报2019.txt"


def test_a_missing_or_unlistable_inbox_raises_instead_of_looking_empty(tmp_path, monkeypatch):
    for fn in (scan_inbox, inbox_keys, keys_and_skipped):
        with pytest.raises(InboxUnavailable, match="does not exist"):
            fn(tmp_path / "typo")
    make(tmp_path, "a.txt")
    (tmp_path / "file-not-folder").write_text("x")
    with pytest.raises(InboxUnavailable, match="is not a folder"):
        scan_inbox(tmp_path / "file-not-folder")
    make(tmp_path, "locked/b.txt")
    real = os.scandir

    def scandir(path):
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr(inbox.os, "scandir", scandir)
    with pytest.raises(InboxUnavailable, match="cannot list the folder 'locked'.*Permission denied"):
        inbox_keys(tmp_path)


def test_a_fifo_is_never_waited_for(tmp_path):
    os.mkfifo(tmp_path / "x.txt")
    done = []

    def read():
        with pytest.raises(inbox.NotRegularFile, match="FIFO"):
            with open_regular(tmp_path / "x.txt"):
                pass
        done.append(True)

    thread = threading.Thread(target=read, daemon=True)
    thread.start()
    thread.join(5)
    assert done  # returned at once instead of blocking for a writer


def test_a_file_that_cannot_be_read_becomes_a_row_that_says_why(tmp_path, monkeypatch):
    make(tmp_path, "a.txt", "某市生态环境局2020年政府信息公开工作年度报告")
    make(tmp_path, "b.txt", "某市生态环境局2021年政府信息公开工作年度报告")
    files = {f.key: f for f in scan_inbox(tmp_path).files}
    real = inbox.read_bytes

    def read_bytes(path):
        if os.path.basename(path) == "a.txt":
            raise PermissionError(13, "Permission denied")
        return real(path)

    monkeypatch.setattr("gov_pipeline.ingest.read_bytes", read_bytes)
    rows = ingest([files["b"], files["a"]], {}, 10_000, dt.datetime(2025, 1, 1))
    assert [(r["report_id"], r["content_sha256"] is None, r["decode_error"]) for r in rows] == [
        ("a", True, "cannot read the file: permission denied"), ("b", False, None)]
    (tmp_path / "b.txt").unlink()  # vanished since it was listed
    row = read_report(files["b"], 10_000)
    assert row["decode_error"] == "cannot read the file: it vanished while it was being read"


def test_ingest_keeps_ingestion_times_while_the_bytes_are_unchanged(tmp_path):
    text = "某市生态环境局2020年政府信息公开工作年度报告"
    for name, body in [("a", text), ("d", text + "三")]:
        make(tmp_path, f"{name}.txt", body)
    sha = lambda body: hashlib.sha256(body.encode("utf-8")).hexdigest()  # noqa: E731
    then, now = dt.datetime(2024, 1, 1), dt.datetime(2025, 1, 1)
    previous = {"a": Previous(sha(text), then), "d": Previous("other bytes", then)}
    rows = ingest(scan_inbox(tmp_path).files, previous, 10_000, now)
    assert [(r["report_id"], r["ingested_at"], r["duplicate_of"]) for r in rows] == [("a", then, None), ("d", now, None)]


def test_the_first_copy_stays_while_it_is_there_and_otherwise_the_smallest_key_takes_over():
    # (report_id, bytes, was the first copy before)
    assert first_copies([("b", "x", True), ("a", "x", False)]) == {"b": None, "a": "b"}  # a new copy never displaces
    assert first_copies([("z", "x", False), ("c", "x", False)]) == {"c": None, "z": "c"}  # the first copy left
    assert first_copies([("a", "x", False), ("b", "y", False), ("c", "x", False)]) == {"a": None, "b": None, "c": "a"}
    assert first_copies([("q", "x", True), ("p", "x", True)]) == {"p": None, "q": "p"}  # (cannot happen) still one


def test_scan_skips_directory_symlinks_and_hidden_folders(tmp_path):
    make(tmp_path, "a.txt")
    make(tmp_path, ".cache/b.txt")
    make(tmp_path, "real/c.txt")
    os.symlink(tmp_path / "real", tmp_path / "linked.txt")
    assert [f.rel_path for f in scan_inbox(tmp_path).files] == ["a.txt", "real/c.txt"]


def test_inbox_keys_are_the_scan_keys(tmp_path):
    for rel in ["a.txt", "sub/2019 年报.txt", "deep/er/c.txt", "c.TXT.part", ".hidden.txt", ".git/x.txt", "~$lock.txt",
                "notes.md", "real/d.txt"]:
        make(tmp_path, rel)
    os.symlink("/etc/hostname", tmp_path / "outside.txt")
    os.symlink(tmp_path / "a.txt", tmp_path / "inside.txt")
    os.symlink(tmp_path / "real", tmp_path / "linked")
    keys = inbox_keys(tmp_path)
    assert keys == [f.key for f in scan_inbox(tmp_path).files]
    assert len(keys) == 5 and "inside" in keys and "outside" not in keys


def test_named_files_are_found_as_the_listing_finds_them_or_left_to_a_listing(tmp_path, monkeypatch):
    from gov_pipeline.inbox import Registered, named_files

    make(tmp_path, "a.txt")
    make(tmp_path, "2020/b c.txt")
    make(tmp_path, ".hidden/d.txt")
    make(tmp_path, "real/e.txt")
    (tmp_path / "linked").symlink_to(tmp_path / "real")
    listed = {f.key: f for f in scan_inbox(tmp_path).files}
    by_path = {f.rel_path: k for k, f in listed.items()}
    # paths of new files and a registered report's id: found one by one, keyed and stated as the listing does
    gone = Registered("old.txt", 1, 0, True)
    found = named_files(tmp_path, ["a.txt", "./2020/b c.txt", "old"], {"old": gone})
    assert found == {"a": listed["a"], by_path["2020/b c.txt"]: listed[by_path["2020/b c.txt"]], "old": None}
    # what only a listing settles: unknown, hidden, behind a symlinked folder, not a report, a key collision
    assert named_files(tmp_path, ["nowhere.txt"], {}) is None
    assert named_files(tmp_path, [".hidden/d.txt"], {}) is None
    assert named_files(tmp_path, ["linked/e.txt"], {}) is None
    make(tmp_path, "notes.xyz")
    assert named_files(tmp_path, ["notes.xyz"], {}) is None
    assert named_files(tmp_path, ["a.txt"], {"a": Registered("elsewhere/a.txt", 1, 0, True)}) is None


def test_named_files_modified_within_the_settle_time_wait():
    from gov_pipeline.inbox import InboxFile, plan_sync

    files = {"a": InboxFile("a", "a.txt", "/in/a.txt", 1, 100), "b": InboxFile("b", "b.txt", "/in/b.txt", 1, 300)}
    plan = plan_sync(files, {}, wanted=["a", "b", "gone"], settled_before_ns=200)
    assert (plan.read, plan.removed, plan.waiting) == (["a"], ["gone"], ["b"])
    assert plan_sync(files, {}, wanted=["a", "b"]).read == ["a", "b"]  # no settle time (the UI's re-run): both
