"""The inbox: which files are reports, and the stable partition key of each.

Pure file-system logic shared by the sensor, the raw asset and `make demo`
(no Dagster or DuckDB import).
"""
from __future__ import annotations

import hashlib
import os
import re
from dataclasses import dataclass
from pathlib import Path

# suffix -> reader. Only plain text is read today; adding ".html" or ".docx" here
# (with a reader in gov_pipeline.text.decode) is all that is needed to accept them.
READERS: dict[str, str] = {".txt": "text"}
TEMP_SUFFIXES = (".part", ".partial", ".tmp", ".temp", ".crdownload", ".download", ".swp", ".lock")
MAX_KEY_LEN = 80
_UNSAFE = re.compile(r"[^\w.\-]+")  # \w is Unicode-aware: CJK file names stay readable
_DOTS = re.compile(r"\.{2,}")
# a top-level `<stem>.txt` whose stem is already a clean slug is its own key (the common case, no Path work)
_PLAIN_STEM = re.compile(r"(?![.-])(?:[\w\-]|\.(?!\.))+(?<![.-])")


@dataclass(frozen=True)
class InboxFile:
    key: str
    rel_path: str
    path: Path
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class RefusedFile:
    rel_path: str
    reason: str


def short_hash(text: str, n: int = 8) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()[:n]


def partition_key_for(rel_path: str) -> str:
    """Readable, valid, stable partition key for a file's path relative to the inbox.

    `reports/2019/怀柔 年报.txt` -> `reports__2019__怀柔-年报-1a2b3c4d`. The short hash of the
    relative path is appended whenever the readable slug is not the plain file stem (path
    separators, unsafe characters, a non-.txt suffix, truncation), so two different paths can
    never share a key.
    """
    if rel_path.endswith(".txt") and "/" not in rel_path:
        stem = rel_path[:-4]
        if len(stem) <= MAX_KEY_LEN and _PLAIN_STEM.fullmatch(stem):
            return stem
    return _slug_key(rel_path)


def _slug_key(rel_path: str) -> str:
    parts = [part for part in rel_path.split("/") if part not in ("", ".")]
    suffix = _suffix(parts[-1]) if parts else ""
    if suffix:
        parts[-1] = parts[-1][:-len(suffix)]
        if parts[-1] == ".":  # pathlib drops a name that was only a dot before its suffix
            parts.pop()
    stem_path = "/".join(parts) or "."
    slug = "__".join(_UNSAFE.sub("-", part).strip("-") for part in parts)
    slug = _DOTS.sub(".", slug).strip(".-") or "report"
    lossy = slug != stem_path or suffix.lower() != ".txt"
    if len(slug) > MAX_KEY_LEN:
        slug, lossy = slug[:MAX_KEY_LEN].rstrip(".-"), True
    return f"{slug}-{short_hash(rel_path)}" if lossy else slug


def _suffix(name: str) -> str:
    """The file name's suffix as pathlib reads it: from the last dot, unless that dot starts or ends the name."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def is_candidate(rel_path: str) -> bool:
    """Supported suffix, not hidden, not a temporary or office lock file."""
    parts = rel_path.split("/")
    if any(part.startswith((".", "~$", "~")) for part in parts):
        return False
    name = parts[-1].lower()
    if name.endswith(TEMP_SUFFIXES):
        return False
    return _suffix(name) in READERS


def _look(root: Path, real_root: Path, path: Path, rel: str | None = None,
          entry: os.DirEntry | None = None) -> InboxFile | RefusedFile | None:
    """The inbox file at `path` (rel: its path under root, if known; entry: its directory entry, if read
    from a scan), a refusal, or None when it is not a candidate report."""
    rel = rel if rel is not None else path.relative_to(root).as_posix()
    if not is_candidate(rel):
        return None
    if entry.is_symlink() if entry is not None else path.is_symlink():
        target = path.resolve()
        if not target.is_relative_to(real_root):
            return RefusedFile(rel, f"symlink points outside the inbox ({target})")
    try:
        st = entry.stat() if entry is not None else path.stat()
    except OSError as exc:  # vanished or dangling link
        return RefusedFile(rel, f"cannot stat: {exc.strerror or exc}")
    return InboxFile(partition_key_for(rel), rel, path, st.st_size, st.st_mtime_ns)


def _entries(root: Path):
    """(path relative to root, directory entry) of every file under root, recursively, in name order.
    One directory read per folder (os.scandir) and no stat; hidden folders and directory symlinks are not
    descended into."""
    def walk(folder: str, prefix: str):
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError:
            return
        for entry in entries:
            if entry.is_dir(follow_symlinks=False):
                if not entry.name.startswith("."):
                    yield from walk(entry.path, prefix + entry.name + "/")
            elif not (entry.is_symlink() and entry.is_dir()):
                yield prefix + entry.name, entry

    yield from walk(str(root), "")


def scan_inbox(root: Path) -> tuple[list[InboxFile], list[RefusedFile]]:
    """All candidate report files under root (recursive), sorted by key.

    Symlinks are followed only when their target stays inside the inbox; others are refused.
    Directory symlinks are not descended into. One stat per candidate file.
    """
    root = Path(root)
    files: list[InboxFile] = []
    refused: list[RefusedFile] = []
    if not root.is_dir():
        return files, refused
    real_root = root.resolve()
    for rel, entry in _entries(root):
        found = _look(root, real_root, Path(entry.path), rel, entry)
        if isinstance(found, InboxFile):
            files.append(found)
        elif found is not None:
            refused.append(found)
    files.sort(key=lambda f: f.key)
    return files, refused


def inbox_keys(root: Path) -> list[str]:
    """The partition keys of scan_inbox's files, sorted, without its stats (a regular file's key needs
    only its name; a symlink is still checked)."""
    root = Path(root)
    if not root.is_dir():
        return []
    real_root, keys = root.resolve(), []
    for rel, entry in _entries(root):
        if entry.is_symlink():
            found = _look(root, real_root, Path(entry.path), rel, entry)
            if isinstance(found, InboxFile):
                keys.append(found.key)
        elif is_candidate(rel):
            keys.append(partition_key_for(rel))
    return sorted(keys)


def find_files(root: Path, keys: list[str]) -> dict[str, InboxFile]:
    """The inbox files of these partition keys. A plain key names its file (`abc` is `abc.txt` at the top
    of the inbox), so a few keys cost a few stats instead of a walk of the whole inbox; any other key
    falls back to one scan."""
    root = Path(root)
    real_root = root.resolve() if root.is_dir() else root
    found: dict[str, InboxFile] = {}
    for key in keys:
        path = root / f"{key}.txt"
        if "/" in key or not path.is_file():
            break
        hit = _look(root, real_root, path)
        if not isinstance(hit, InboxFile) or hit.key != key:
            break
        found[key] = hit
    else:
        return found
    wanted = set(keys)
    return {f.key: f for f in scan_inbox(root)[0] if f.key in wanted}


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ---------------------------------------------------------------------------------------------
# What the inbox sensor does on each tick, as a pure function of the inbox and its cursor.

@dataclass
class TickPlan:
    new_keys: list[str]  # files seen for the first time (stable) -> add partition + process
    changed_keys: list[str]  # known files whose bytes changed (or that lost their first copy) -> re-process
    removed_keys: list[str]  # partitions whose file left the inbox -> delete partition, prune rows
    waiting: list[str]  # files still being written (size/mtime moved since the last look)
    refused: list[RefusedFile]
    cursor: dict


def _sha16(path: Path) -> str | None:
    try:
        return file_sha256(path)[:16]
    except OSError:
        return None


def plan_tick(root: Path, cursor: dict | None, partitions: set[str]) -> TickPlan:
    """Compare the inbox with the cursor and the existing partitions.

    Cursor: {"files": {key: [rel_path, size, mtime_ns, sha16]}, "seen": {rel_path: [size, mtime_ns]}}.
    A file is read only once it has had the same size and mtime on two consecutive ticks.
    """
    cursor = cursor or {}
    known: dict[str, list] = dict(cursor.get("files", {}))
    seen_before: dict[str, list] = cursor.get("seen", {})
    files, refused = scan_inbox(root)
    new, changed, waiting = [], [], []
    seen_now: dict[str, list] = {}
    present = set()
    for f in files:
        present.add(f.key)
        stamp = [f.size, f.mtime_ns]
        entry = known.get(f.key)
        if entry and entry[0] == f.rel_path and [entry[1], entry[2]] == stamp:
            continue  # unchanged since processed
        if seen_before.get(f.rel_path) != stamp:
            seen_now[f.rel_path] = stamp  # first look at this version: wait for it to settle
            waiting.append(f.key)
            continue
        sha = _sha16(f.path)
        if sha is None:
            continue
        if entry and entry[3] == sha:
            known[f.key] = [f.rel_path, f.size, f.mtime_ns, sha]  # touched, same bytes
            continue
        (changed if entry or f.key in partitions else new).append(f.key)
        known[f.key] = [f.rel_path, f.size, f.mtime_ns, sha]
    removed = sorted((set(known) | set(partitions)) - present)
    removed_shas = {known[k][3] for k in removed if k in known}
    for k in removed:
        known.pop(k, None)
    # a surviving copy of removed bytes may have been a duplicate: re-process it so it becomes the first copy
    if removed_shas:
        for key, entry in known.items():
            if entry[3] in removed_shas and key not in new and key not in changed:
                changed.append(key)
    return TickPlan(sorted(new), sorted(changed), removed, sorted(waiting), refused,
                    {"files": known, "seen": seen_now})
