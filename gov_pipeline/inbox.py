"""The inbox: which files are reports, the stable partition key of each, and what every other file is.

Pure file-system logic shared by the sensor, the raw asset, the inventory and `make demo` (no Dagster or
DuckDB import). The rules of which files are read live in `assets/inbox.toml`.

Safety rules:
- only regular files are ever opened, without blocking (a FIFO, socket or device named `x.txt` is listed as
  ignored, never read); symlinks are followed only to regular files inside the inbox;
- a folder that cannot be listed (the inbox itself, or any folder in it) raises `InboxUnavailable`: callers
  then fail loudly and delete nothing, since a file missing from an incomplete listing is no evidence
  that it was removed;
- every entry that is not read as a report comes back as a `SkippedFile` with the reason, so it can be shown;
- file names that are not valid UTF-8 (a GBK name from a Windows archive) are shown decoded as GB18030, and
  keyed by their exact bytes.
"""
from __future__ import annotations

import errno
import hashlib
import os
import re
import stat
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from gov_pipeline.text.refdata import asset_path

MAX_KEY_LEN = 80
HASH_LEN = 8  # hex digits of the path hash in a hashed key
_UNSAFE = re.compile(r"[^\w.\-]+")  # \w is Unicode-aware: CJK file names stay readable
_DOTS = re.compile(r"\.{2,}")
# a top-level `<stem>.txt` whose stem is already a clean slug is its own key (the common case)...
_PLAIN_STEM = re.compile(r"(?![.-])(?:[\w\-]|\.(?!\.))+(?<![.-])")
# ...unless the stem ends like a hashed key (`-` and 8+ hex digits): hashed keys always end so, plain ones never
_HASHED_END = re.compile(r"-[0-9a-f]{8,}$")


class InboxUnavailable(OSError):
    """The inbox, or a folder in it, cannot be listed: nothing may be concluded about the files in it."""


@dataclass(frozen=True)
class InboxFile:
    key: str
    rel_path: str  # path under the inbox as shown (valid UTF-8)
    path: Path  # the file itself
    size: int
    mtime_ns: int


@dataclass(frozen=True)
class SkippedFile:
    key: str  # the key the entry would have (unique among all entries: core.report_inventory.report_id)
    rel_path: str
    reason: str


class Listing(NamedTuple):
    files: list[InboxFile]  # the reports, sorted by key
    skipped: list[SkippedFile]  # every other entry, sorted by path


@dataclass(frozen=True)
class Rules:
    readers: dict[str, str]  # suffix (lower case) -> reader
    temporary_suffixes: tuple[str, ...]
    lock_prefixes: tuple[str, ...]


@lru_cache(maxsize=1)
def rules() -> Rules:
    import tomllib

    data = tomllib.loads(asset_path("inbox.toml").read_text(encoding="utf-8"))
    ignore = data.get("ignore", {})
    return Rules({k.lower(): v for k, v in data["readers"].items()},
                 tuple(s.lower() for s in ignore.get("temporary_suffixes", ())),
                 tuple(ignore.get("lock_prefixes", ())))


# --------------------------------------------------------------------------------------------- names and keys

def shown(rel_path: str) -> str:
    """The path as text: itself when it is valid UTF-8; else its bytes read as GB18030 (names from Chinese
    Windows archives), or with the undecodable bytes escaped (\\xNN)."""
    try:
        rel_path.encode("utf-8")
        return rel_path
    except UnicodeEncodeError:
        raw = os.fsencode(rel_path)
    try:
        return raw.decode("gb18030")
    except UnicodeDecodeError:
        return raw.decode("utf-8", errors="backslashreplace")


def short_hash(rel_path: str, n: int | None = None) -> str:
    """Hex digest of the path's exact bytes (as the file system holds them)."""
    return hashlib.sha1(os.fsencode(rel_path)).hexdigest()[:n or HASH_LEN]


def partition_key_for(rel_path: str) -> str:
    """Readable, valid, stable partition key for a file's path relative to the inbox.

    A top-level `<stem>.txt` (exactly that suffix) whose stem is already a clean slug is keyed by its stem
    (`000_d9a8aa6b43ea3b92.txt` -> `000_d9a8aa6b43ea3b92`). Every other path is keyed by a readable slug plus
    `-` and a hash of its exact bytes (`reports/2019/怀柔 年报.txt` -> `reports__2019__怀柔-年报-1a2b3c4d`). A
    plain stem never ends like a hashed key, so two paths share a key only if their hashes collide, which a
    listing resolves (`_unique`)."""
    if rel_path.endswith(".txt") and "/" not in rel_path:
        stem = rel_path[:-4]
        if len(stem) <= MAX_KEY_LEN and _PLAIN_STEM.fullmatch(stem) and not _HASHED_END.search(stem):
            return stem
    return _hashed_key(rel_path)


def _hashed_key(rel_path: str, n: int | None = None) -> str:
    return f"{_slug(shown(rel_path))}-{short_hash(rel_path, n)}"


def _slug(rel_path: str) -> str:
    parts = [part for part in rel_path.split("/") if part not in ("", ".")]
    suffix = _suffix(parts[-1]) if parts else ""
    if suffix:
        parts[-1] = parts[-1][:-len(suffix)]
    slug = "__".join(_UNSAFE.sub("-", part).strip("-") for part in parts if part)
    slug = _DOTS.sub(".", slug).strip(".-") or "report"
    return slug[:MAX_KEY_LEN].rstrip(".-") or "report"


def _suffix(name: str) -> str:
    """The file name's suffix as pathlib reads it: from the last dot, unless that dot starts or ends the name."""
    i = name.rfind(".")
    return name[i:] if 0 < i < len(name) - 1 else ""


def _unique(rel_paths: list[str]) -> list[str]:
    """The keys of these paths (in this order of precedence), made unique: a path whose key an earlier path
    already has (a collision of short hashes) gets the full hash instead."""
    keys, taken = [], set()
    for rel in rel_paths:
        key = partition_key_for(rel)
        if key in taken:
            key = _hashed_key(rel, 40)
        taken.add(key)
        keys.append(key)
    return keys


def ignore_reason(rel_path: str) -> str | None:
    """Why a regular file at this path is not read as a report, or None when it is one."""
    r = rules()
    name = rel_path.rsplit("/", 1)[-1]
    lower = name.lower()
    if name.startswith(r.lock_prefixes):
        return "office lock file (sits beside an open document)"
    if lower.endswith(r.temporary_suffixes):
        return "temporary file (still being downloaded or written): read once it is renamed"
    suffix = _suffix(lower)
    if suffix not in r.readers:
        kinds = ", ".join(sorted(r.readers))
        return f"unsupported file type {suffix or '(no suffix)'}: only {kinds} files are read"
    return None


# --------------------------------------------------------------------------------------------- listing

_KINDS = {stat.S_IFIFO: "a FIFO (named pipe)", stat.S_IFSOCK: "a socket", stat.S_IFCHR: "a character device",
          stat.S_IFBLK: "a block device", stat.S_IFDIR: "a folder"}


def _kind(mode: int) -> str:
    return _KINDS.get(stat.S_IFMT(mode), "not a regular file")


def _entries(root: Path):
    """(path relative to root, directory entry) of every entry under root in name order, folders descended
    into (not hidden ones, not symlinked ones, which come back as entries). One directory read per folder
    (os.scandir) and no stat. A folder that cannot be listed raises InboxUnavailable."""
    def walk(folder: str, prefix: str):
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            what = "the inbox" if not prefix else f"the folder {shown(prefix.rstrip('/'))!r} in the inbox"
            raise InboxUnavailable(exc.errno, f"cannot list {what} ({root}): {exc.strerror or exc}") from exc
        for entry in entries:
            rel = prefix + entry.name
            if not entry.name.startswith(".") and _is_real_dir(entry):
                yield from walk(entry.path, rel + "/")
            else:
                yield rel, entry

    if not root.is_dir():
        reason = "does not exist" if not root.exists() else "is not a folder"
        raise InboxUnavailable(errno.ENOENT, f"the inbox {root} {reason} (GOV_INBOX)")
    yield from walk(str(root), "")


def _is_real_dir(entry: os.DirEntry) -> bool:
    try:
        return entry.is_dir(follow_symlinks=False)
    except OSError:
        return False


def _judge(real_root: str, rel: str, path: str, entry: os.DirEntry | None,
           need_stat: bool) -> tuple[str | None, os.stat_result | None]:
    """(why this entry is skipped or None, its stat if needed or cheap). Only a regular file (or a link to one
    inside the inbox) with a supported name is a report."""
    if rel.rsplit("/", 1)[-1].startswith("."):  # (hidden folders are not descended into)
        return "hidden (its name starts with a dot)", None
    link = entry.is_symlink() if entry is not None else os.path.islink(path)
    if link:
        try:
            target = os.path.realpath(path, strict=True)
        except OSError as exc:
            if exc.errno == errno.ELOOP:
                return "symlink loop", None
            if exc.errno == errno.ENOENT:
                return "broken symlink (its target does not exist)", None
            return f"cannot follow the symlink: {exc.strerror or exc}", None
        if target != real_root and not target.startswith(real_root + os.sep):
            return f"symlink points outside the inbox ({target})", None
    try:
        if link or need_stat or entry is None:
            st = os.stat(path)
            regular = stat.S_ISREG(st.st_mode)
        else:
            st, regular = None, entry.is_file(follow_symlinks=False)
    except OSError as exc:
        return f"cannot stat: {exc.strerror or exc}", None
    if not regular:
        if st is None:
            try:
                st = os.lstat(path)
            except OSError as exc:
                return f"cannot stat: {exc.strerror or exc}", None
        what = _kind(st.st_mode)
        return (f"symlink to {what} (folders behind links are not followed)" if link and stat.S_ISDIR(st.st_mode)
                else f"not a regular file: {what}"), None
    return ignore_reason(rel), st


def _scan(root: Path, need_stat: bool) -> tuple[list[tuple[str, str, str, os.stat_result | None]],
                                                list[SkippedFile]]:
    """The entries under root, keyed (keys unique over all entries, reports first): (key, rel, path, stat) of the
    reports, in listing order, and the skipped entries. Raises InboxUnavailable."""
    real_root = os.path.realpath(root)
    found, skipped = [], []
    for rel, entry in _entries(Path(root)):
        reason, st = _judge(real_root, rel, entry.path, entry, need_stat)
        if reason is None:
            found.append((rel, entry.path, st))
        else:
            skipped.append((rel, reason))
    keys = _unique([rel for rel, _, _ in found] + [rel for rel, _ in skipped])
    return ([(key, rel, path, st) for key, (rel, path, st) in zip(keys, found)],
            [SkippedFile(key, shown(rel), reason) for key, (rel, reason) in zip(keys[len(found):], skipped)])


def scan_inbox(root: Path) -> Listing:
    """Every entry under root (recursive): the reports with their keys and stats, and what is skipped and why.

    Raises InboxUnavailable when the inbox or a folder in it cannot be listed."""
    found, skipped = _scan(Path(root), need_stat=True)
    files = [InboxFile(key, shown(rel), Path(path), st.st_size, st.st_mtime_ns) for key, rel, path, st in found]
    return Listing(sorted(files, key=lambda f: f.key), skipped)


def inbox_keys(root: Path) -> list[str]:
    """The partition keys of scan_inbox's files, sorted, without stats where the directory entry tells enough
    (a regular file's key needs only its name; a symlink is still followed). Raises InboxUnavailable."""
    return sorted(key for key, *_ in _scan(Path(root), need_stat=False)[0])


def skipped_files(root: Path) -> list[SkippedFile]:
    """scan_inbox's skipped entries, without stats where the directory entry tells enough. Raises InboxUnavailable."""
    return _scan(Path(root), need_stat=False)[1]


def find_files(root: Path, keys: list[str]) -> dict[str, InboxFile]:
    """The inbox files of these partition keys. A plain key names its file (`abc` is `abc.txt` at the top
    of the inbox), so a few keys cost a few stats instead of a walk of the whole inbox; any other key
    falls back to one scan (which raises InboxUnavailable if the inbox cannot be listed)."""
    root = Path(root)
    found: dict[str, InboxFile] = {}
    if root.is_dir():
        real_root = os.path.realpath(root)
        for key in keys:
            rel = f"{key}.txt"
            path = root / rel
            if "/" in key or partition_key_for(rel) != key or not path.is_file():
                break
            reason, st = _judge(real_root, rel, str(path), None, need_stat=True)
            if reason is not None:
                break
            found[key] = InboxFile(key, rel, path, st.st_size, st.st_mtime_ns)
        else:
            return found
    wanted = set(keys)
    return {f.key: f for f in scan_inbox(root).files if f.key in wanted}


# --------------------------------------------------------------------------------------------- reading

class NotRegularFile(OSError):
    pass


@contextmanager
def open_regular(path: Path):
    """A binary file object for a regular file, opened without blocking (a FIFO that replaced the file since it
    was listed raises NotRegularFile instead of waiting for a writer forever)."""
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(fd).st_mode
        if not stat.S_ISREG(mode):
            raise NotRegularFile(errno.EINVAL, f"not a regular file: {_kind(mode)}")
        fh = os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise
    with fh:
        yield fh


def read_bytes(path: Path) -> bytes:
    with open_regular(path) as fh:
        return fh.read()


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with open_regular(path) as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def read_failure(exc: OSError) -> str:
    """The quarantine reason of a file that could not be read."""
    if isinstance(exc, NotRegularFile):
        return f"cannot read the file: {exc.strerror}"
    if exc.errno == errno.ENOENT:
        return "cannot read the file: it vanished while it was being read"
    if exc.errno in (errno.EACCES, errno.EPERM):
        return "cannot read the file: permission denied"
    return f"cannot read the file: {exc.strerror or exc}"


# ---------------------------------------------------------------------------------------------
# What the inbox sensor does on each tick, as a pure function of the inbox and its cursor.

UNREADABLE = "unreadable"  # the cursor's hash of a file that could not be read (read again on every tick)


@dataclass
class TickPlan:
    new_keys: list[str]  # files seen for the first time (stable) -> add partition + process
    changed_keys: list[str]  # known files whose bytes changed (or that lost their first copy) -> re-process
    removed_keys: list[str]  # partitions whose file left the inbox -> delete partition, prune rows
    waiting: list[str]  # files still being written (size/mtime moved since the last look)
    skipped: list[SkippedFile]  # entries that are not reports, with the reason
    skipped_changed: bool  # the set of skipped entries differs from the last tick's (the inventory shows them)
    cursor: dict


def _sha16(path: Path) -> str:
    try:
        return file_sha256(path)[:16]
    except OSError:
        return UNREADABLE


def fingerprint(items) -> str:
    """12 hex digits that change when any of these strings (in order) does."""
    return hashlib.sha1("\n".join(items).encode("utf-8")).hexdigest()[:12]


def plan_tick(root: Path, cursor: dict | None, partitions: set[str], loaded=None) -> TickPlan:
    """Compare the inbox with the cursor and the existing partitions.

    Cursor: {"files": {key: [rel_path, size, mtime_ns, sha16]}, "seen": {key: [size, mtime_ns]},
    "skipped": fingerprint of the skipped entries, "seq": runs requested so far}.
    A file is read only once it has had the same size and mtime on two consecutive ticks. A file that could
    not be read is hashed again on every tick (permissions change no mtime). `loaded(keys)` -> {key: sha256}
    tells what the warehouse holds for partitions the cursor does not know (written by `make demo` or the
    UI), so that a file already loaded with the same bytes asks for no run. Raises InboxUnavailable (nothing
    is removed when the inbox cannot be listed)."""
    cursor = cursor or {}
    known: dict[str, list] = dict(cursor.get("files", {}))
    seen_before: dict[str, list] = cursor.get("seen", {})
    files, skipped = scan_inbox(root)
    new, changed, waiting, unknown = [], [], [], {}
    seen_now: dict[str, list] = {}
    present = set()
    for f in files:
        present.add(f.key)
        stamp = [f.size, f.mtime_ns]
        entry = known.get(f.key) if f.key in partitions else None  # (a partition deleted meanwhile: new again)
        if entry and entry[0] == f.rel_path and [entry[1], entry[2]] == stamp and entry[3] != UNREADABLE:
            continue  # unchanged since processed
        same_unreadable = entry and entry[3] == UNREADABLE and [entry[1], entry[2]] == stamp
        if seen_before.get(f.key) != stamp and not same_unreadable:
            seen_now[f.key] = stamp  # first look at this version: wait for it to settle
            waiting.append(f.key)
            continue
        sha = _sha16(f.path)
        if entry and entry[3] == sha:
            known[f.key] = [f.rel_path, f.size, f.mtime_ns, sha]  # touched, same bytes (or still unreadable)
            continue
        known[f.key] = [f.rel_path, f.size, f.mtime_ns, sha]
        if not entry and f.key in partitions and sha != UNREADABLE:
            unknown[f.key] = sha  # loaded by someone else? asked below, all at once
        else:
            (changed if entry or f.key in partitions else new).append(f.key)
    if unknown:
        have = loaded(sorted(unknown)) if loaded is not None else {}
        changed += [k for k, sha in unknown.items() if (have.get(k) or "")[:16] != sha]
    removed = sorted((set(known) | set(partitions)) - present)
    removed_shas = {known[k][3] for k in removed if k in known} - {UNREADABLE}
    for k in removed:
        known.pop(k, None)
    # a surviving copy of removed bytes may have been a duplicate: re-process it so it becomes the first copy
    if removed_shas:
        for key, entry in known.items():
            if entry[3] in removed_shas and key not in new and key not in changed:
                changed.append(key)
    skipped_fp = fingerprint(f"{s.rel_path}\0{s.reason}" for s in skipped)
    return TickPlan(sorted(new), sorted(changed), removed, sorted(waiting), skipped,
                    skipped_fp != cursor.get("skipped", fingerprint([])),
                    {"files": known, "seen": seen_now, "skipped": skipped_fp, "seq": cursor.get("seq", 0)})
