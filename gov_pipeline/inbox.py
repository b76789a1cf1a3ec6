"""The inbox: which files are reports, the stable report id of each, and what every other file is.

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
    path: str  # the file itself (an os path: 100,000 Path objects cost 0.8 s of a listing)
    size: int
    mtime_ns: int
    ctime_ns: int = 0  # changes with permissions too (a file that could not be read is tried again then)


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
    """Readable, valid, stable report id for a file's path relative to the inbox (once a partition key: it is still a
    valid one).

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
    files = [InboxFile(key, shown(rel), path, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
             for key, rel, path, st in found]
    return Listing(sorted(files, key=lambda f: f.key), skipped)


def keys_and_skipped(root: Path) -> tuple[list[str], list[SkippedFile]]:
    """The report ids (sorted) and the skipped entries of scan_inbox, from one walk without stats where the directory
    entry tells enough. Raises InboxUnavailable."""
    found, skipped = _scan(Path(root), need_stat=False)
    return sorted(key for key, *_ in found), skipped


def inbox_keys(root: Path) -> list[str]:
    """The report ids of scan_inbox's files, sorted, without stats where the directory entry tells enough
    (a regular file's key needs only its name; a symlink is still followed). Raises InboxUnavailable."""
    return sorted(key for key, *_ in _scan(Path(root), need_stat=False)[0])


# --------------------------------------------------------------------------------------------- reading

class NotRegularFile(OSError):
    pass


@contextmanager
def open_regular(path: str | Path):
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


def read_bytes(path: str | Path) -> bytes:
    with open_regular(path) as fh:
        return fh.read()


def file_sha256(path: str | Path) -> str:
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
# The inbox against the warehouse's register of report files (raw.reports): what a sync reads and removes.
# The run's raw step and the sensor both decide with `plan_sync`; the sensor keeps no per-file state.

class Registered(NamedTuple):
    """What raw.reports holds of a report file: the file as it was when it was read."""
    source_path: str
    byte_size: int
    mtime_us: int | None  # the file's modification time (microseconds) when read; None in rows of older versions
    readable: bool  # the file's bytes could be read (a file that could not be is tried again by every sync)


@dataclass
class SyncPlan:
    read: list[str]  # reports to read: new files, files whose path, size or modification time changed, or asked for
    removed: list[str]  # reports whose file left the inbox: their rows leave the warehouse
    waiting: list[str]  # files modified less than the settle time ago: left for a later sync
    unchanged: int  # files the register holds as they are


class UnknownFiles(ValueError):
    """Files asked for by name that are neither in the inbox nor in the warehouse."""


def resolve_wanted(wanted: list[str], files: dict[str, InboxFile], register: dict[str, Registered]) -> list[str]:
    """The report ids of names given by a user: a report id, or a path under the inbox (of a file in the inbox or
    of a report in the warehouse). Raises UnknownFiles naming those that are neither."""
    by_path = {f.rel_path: k for k, f in files.items()} | {r.source_path: k for k, r in register.items()}
    keys, unknown = [], []
    for name in map(clean_name, wanted):
        key = name if name in files or name in register else by_path.get(name)
        (keys if key is not None else unknown).append(key or name)
    if unknown:
        raise UnknownFiles(f"not in the inbox and not in the warehouse: {', '.join(unknown[:10])}"
                           + (f" and {len(unknown) - 10} more" if len(unknown) > 10 else ""))
    return sorted(set(keys))


def clean_name(name: str) -> str:
    """A name a user or the sensor gives a file by (a report id or a path under the inbox), as it is looked up."""
    return name.strip().removeprefix("./")


def named_files(root: Path, names: list[str], register: dict[str, Registered]) -> dict[str, InboxFile | None] | None:
    """The files a run names (report ids, or paths under the inbox), found without listing the inbox: report id ->
    its file now, or None when the file left the inbox. `register` must hold the names' reports (those whose id is
    a name or a name's key, or whose path is a name: register_of). Returns None when only a listing can settle
    it: a name that is neither a registered report nor a report file, a path in or under a hidden or symlinked
    folder, or a path whose key a registered report of another path holds (a collision of short hashes; a new
    file that collides with another new one is keyed as the listing would only at the next whole sync)."""
    real_root = os.path.realpath(root)
    by_path = {r.source_path: k for k, r in register.items()}
    found: dict[str, InboxFile | None] = {}
    for name in map(clean_name, names):
        if name in register:
            key, rel = name, register[name].source_path
        else:
            key, rel = by_path.get(name, partition_key_for(name)), name
            if key in register and register[key].source_path != rel:
                return None
        folders = rel.split("/")[:-1]
        if any(f.startswith(".") or os.path.islink(os.path.join(root, *folders[: n + 1]))
               for n, f in enumerate(folders)):
            return None
        path = os.path.join(root, rel)
        if not os.path.lexists(path):
            if key not in register:
                return None
            found[key] = None
            continue
        reason, st = _judge(real_root, rel, path, None, need_stat=True)
        if reason is not None or shown(rel) != rel:
            return None
        found[key] = InboxFile(key, rel, path, st.st_size, st.st_mtime_ns, st.st_ctime_ns)
    return found


def plan_sync(files: dict[str, InboxFile], register: dict[str, Registered], *, wanted: list[str] | None = None,
              reread: bool = False, settled_before_ns: int | None = None) -> SyncPlan:
    """What a sync of the inbox into the register does.

    Whole inbox (`wanted` None): read every file the register does not hold with the same path, size and
    modification time (or every file, with `reread`), and every file that could not be read before; remove the
    reports whose file is gone. A file modified at or after `settled_before_ns` may still be being written: it
    waits for a later sync. `wanted` (report ids, from resolve_wanted): read exactly those files, whatever
    their state (but those modified at or after `settled_before_ns`, which wait), and remove those of them that left
    the inbox."""
    if wanted is not None:
        present = [k for k in wanted if k in files]
        waiting = [k for k in present if settled_before_ns is not None and files[k].mtime_ns >= settled_before_ns]
        return SyncPlan([k for k in present if k not in waiting], [k for k in wanted if k not in files], waiting,
                        len(files) - len(present))
    read, waiting, unchanged = [], [], 0
    for key, f in files.items():
        reg = register.get(key)
        if not reread and reg is not None and reg.readable and (reg.source_path, reg.byte_size, reg.mtime_us) \
                == (f.rel_path, f.size, f.mtime_ns // 1000):
            unchanged += 1
        elif settled_before_ns is not None and f.mtime_ns >= settled_before_ns:
            waiting.append(key)
        else:
            read.append(key)
    return SyncPlan(sorted(read), sorted(k for k in register if k not in files), sorted(waiting), unchanged)


def fingerprint(items) -> str:
    """12 hex digits that change when any of these strings (in order) does."""
    return hashlib.sha1("\n".join(items).encode("utf-8")).hexdigest()[:12]


@dataclass
class TickPlan:
    sync: SyncPlan  # what a sync would do now
    skipped: list[SkippedFile]  # entries that are not reports, with the reason
    skipped_changed: bool  # they differ from those of the last sync the sensor asked for (the inventory lists them)
    request: str | None  # the run key to ask for, or None (nothing to do, or asked for already)
    read_paths: list[str]  # the paths (under the inbox) of the files of sync.read, in that order
    why_not: str  # when nothing is asked for: why
    cursor: dict


def plan_tick(root: Path, register: dict[str, Registered], cursor: dict | None, now_ns: int,
              settle_s: float) -> TickPlan:
    """What the inbox sensor does on a tick, as a pure function of the inbox, the published register and a small
    cursor ({"asked": fingerprint of the last sync asked for, "skipped": fingerprint of the ignored entries then,
    "seq": syncs asked for so far}). The sensor keeps no per-file state: the published copy of the warehouse is
    the register, and a file is stable once unmodified for `settle_s`.

    A sync is asked for when files are to be read or removed (or the ignored entries changed), unless the same
    set, in the same state, was asked for last: a sync in flight or one that failed is not asked for again until
    something changes (a file that could not be read is changed by fixing its permissions: its ctime is in the
    fingerprint). The run key ends with `seq`: a key never repeats, yet a tick evaluated again from the same
    cursor asks for the same one. Raises InboxUnavailable (nothing is concluded from an inbox that cannot be
    listed)."""
    cursor = dict(cursor or {})
    files, skipped = scan_inbox(root)
    by_key = {f.key: f for f in files}
    sync = plan_sync(by_key, register, settled_before_ns=now_ns - int(settle_s * 1e9))
    skipped_fp = fingerprint(f"{s.rel_path}\0{s.reason}" for s in skipped)
    skipped_changed = "skipped" in cursor and skipped_fp != cursor["skipped"]
    if not (sync.read or sync.removed or skipped_changed):
        cursor.pop("asked", None)  # the register caught up: the same files may be asked for again later
        why = (f"{len(sync.waiting)} file(s) still being written: read once unmodified for {settle_s:g} s"
               if sync.waiting else "the warehouse holds every report in the inbox as it is")
        cursor.setdefault("skipped", skipped_fp)
        return TickPlan(sync, skipped, False, None, [], why, cursor)
    f = by_key
    paths = [f[k].rel_path for k in sync.read]
    asked = fingerprint([*(f"{k}\0{f[k].rel_path}\0{f[k].size}\0{f[k].mtime_ns}\0{f[k].ctime_ns}" for k in sync.read),
                         *(f"-{k}" for k in sync.removed), skipped_fp])
    if cursor.get("asked") == asked:
        return TickPlan(sync, skipped, skipped_changed, None, paths,
                        f"a sync of these {len(sync.read)} new or changed and {len(sync.removed)} removed report(s) was "
                        f"asked for already (run key sync:{asked}:{cursor.get('seq', 0)}): it is queued or running, "
                        "or it failed (re-execute it from the UI, or change the files)", cursor)
    seq = cursor.get("seq", 0) + 1
    cursor.update(asked=asked, skipped=skipped_fp, seq=seq)
    return TickPlan(sync, skipped, skipped_changed, f"sync:{asked}:{seq}", paths, "", cursor)
