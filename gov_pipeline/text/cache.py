"""A small on-disk cache for reference structures that are slow to build (gazetteer, IDF table).

``load_or_build(name, key, build, encode, decode)`` returns ``decode(bytes)`` of a cache file when
one exists for exactly this ``key`` and is intact, else ``build()`` (and stores ``encode`` of the
result for the next process). The cache is an optimisation only, never a source of truth:

* the file name carries a digest of ``key`` (callers put in it everything the structure depends on:
  the source file's path, size and mtime, the version of the code that builds it), so a changed
  input or builder never reads an old file; it also carries a tag of the installation (interpreter
  prefix and library folder), and writing a file removes only the same installation's files of that
  structure under other keys, so checkouts sharing a cache folder never delete each other's files;
* each file holds a magic tag, the payload length and its CRC-32; a short, corrupt or foreign file,
  or a payload ``decode`` rejects, is ignored and the structure is rebuilt;
* files are written to a temporary name and renamed into place (atomic on POSIX and Windows), so a
  reader never sees half a file; concurrent writers race harmlessly;
* any OS error (read-only or missing home, full disk) means "no cache": the structure is built as if
  the cache did not exist. Payloads are plain bytes (no pickle), so a planted file cannot run code.

``MemoLog`` is the same idea for a pure function of a string (regions.resolve_region): an append-only
file of (argument, result) lines, each with its own CRC, so a fresh process can skip the work (and the
imports) for arguments seen before.

Location: ``$GOV_CACHE_DIR`` if set, else ``$XDG_CACHE_HOME/gov_pipeline``, else
``~/.cache/gov_pipeline``. ``GOV_NO_CACHE=1`` turns the cache off.
"""
from __future__ import annotations

import hashlib
import importlib.util
import json
import os
import threading
import struct
import sys
import tempfile
import zlib
from pathlib import Path
from typing import Any, Callable, Iterable, TypeVar

__all__ = ["cache_dir", "load_or_build", "file_key", "source_key", "package_key", "MemoLog", "PackageMemo"]

T = TypeVar("T")

FORMAT = 1
_MAGIC = b"GOVC\x00\x01\r\n"
_HEADER = struct.Struct("<8sQI")  # magic, payload length, crc32


def cache_dir() -> Path | None:
    """The cache folder, or None when caching is turned off or no folder can be named."""
    if os.environ.get("GOV_NO_CACHE"):
        return None
    explicit = os.environ.get("GOV_CACHE_DIR")
    if explicit:
        return Path(explicit)
    xdg = os.environ.get("XDG_CACHE_HOME")
    if xdg:
        return Path(xdg) / "gov_pipeline"
    try:
        return Path.home() / ".cache" / "gov_pipeline"
    except (RuntimeError, KeyError, OSError):  # no home directory
        return None


def file_key(path: str | os.PathLike) -> str:
    """Identity of a data file for a cache key: path, size and modification time."""
    st = os.stat(path)
    return f"{os.fspath(path)}|{st.st_size}|{st.st_mtime_ns}"


def source_key(module_file: str | os.PathLike) -> str:
    """Digest of a module's source, so an edit of the builder invalidates its cache files."""
    try:
        return hashlib.sha256(Path(module_file).read_bytes()).hexdigest()[:16]
    except OSError:
        return "unknown"


def package_key(name: str, module_file: str | os.PathLike, package: str, files: Iterable[str]) -> list[str] | None:
    """A cache key for a structure built by `module_file` from an installed package's `files` (paths inside
    the package), found without importing the package; None when the package or a file is missing."""
    spec = importlib.util.find_spec(package)
    if spec is None or not spec.submodule_search_locations:
        return None
    root = Path(spec.submodule_search_locations[0])
    try:
        return [name, source_key(module_file), *(file_key(root / rel) for rel in files)]
    except OSError:
        return None


def _installation() -> str:
    """A short tag of this installation (interpreter prefix + library folder): several checkouts or
    virtualenvs may share one cache folder, and each replaces only its own outdated files."""
    where = f"{sys.prefix}|{Path(__file__).resolve().parent}"
    return hashlib.sha256(where.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def _path(name: str, key: Iterable[str], suffix: str = ".bin") -> Path | None:
    """<folder>/<name>-<installation>-<digest of the key><suffix>"""
    folder = cache_dir()
    if folder is None:
        return None
    h = hashlib.sha256()
    for part in (f"format={FORMAT}", f"python={sys.version_info[0]}.{sys.version_info[1]}", *key):
        h.update(part.encode("utf-8", "surrogatepass"))
        h.update(b"\x00")
    return folder / f"{name}-{_installation()}-{h.hexdigest()[:24]}{suffix}"


def _read(path: Path) -> bytes | None:
    try:
        data = path.read_bytes()
    except OSError:
        return None
    if len(data) < _HEADER.size:
        return None
    magic, length, crc = _HEADER.unpack_from(data)
    payload = data[_HEADER.size:]
    if magic != _MAGIC or length != len(payload) or zlib.crc32(payload) != crc:
        return None
    return payload


def _prune_siblings(path: Path) -> None:
    """Remove this installation's files of the same structure under another key (dead weight), best effort."""
    stem = path.name.rsplit("-", 1)[0]  # <name>-<installation>
    try:
        for other in path.parent.glob(f"{stem}-*{path.suffix}"):
            if other.name != path.name and other.name.rsplit("-", 1)[0] == stem:
                try:
                    other.unlink()
                except OSError:
                    pass
    except OSError:
        pass


def _write(path: Path, payload: bytes) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.stem}-", suffix=".tmp", dir=path.parent)
    except OSError:
        return
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(_HEADER.pack(_MAGIC, len(payload), zlib.crc32(payload)))
            fh.write(payload)
        os.replace(tmp, path)
    except OSError:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        return
    _prune_siblings(path)


def load_or_build(name: str, key: Iterable[str], build: Callable[[], T],
                  encode: Callable[[T], bytes], decode: Callable[[bytes], T]) -> T:
    """The structure `name` for `key`: from the cache when intact, else built (and cached)."""
    path = _path(name, list(key))
    if path is not None:
        payload = _read(path)
        if payload is not None:
            try:
                return decode(payload)
            except Exception:  # a payload the decoder rejects is as good as absent
                pass
    value = build()
    if path is not None:
        try:
            payload = encode(value)
        except Exception:
            return value
        _write(path, payload)
    return value


class MemoLog:
    """An append-only on-disk memo of a pure function of a string: ``load()`` gives every entry recorded
    under this key by earlier processes, ``add(arg, result)`` records one more.

    One line per entry: CRC-32 of the JSON, a tab, ``[arg, result]`` as JSON. Lines are appended with a
    single O_APPEND write, so concurrent processes interleave whole lines; a torn, corrupt or foreign
    line is skipped on reading (the result is then simply computed again). Results must be JSON values.
    Like ``load_or_build``, any OS error means "no memo", and the key names everything the function
    depends on.
    """

    MAX_BYTES = 8 << 20  # stop appending beyond this (a memo, not a log)

    def __init__(self, name: str, key: Iterable[str]):
        self._name, self._key = name, list(key)
        self._path: Path | None | bool = False  # False: not resolved yet
        self._lock = threading.Lock()

    def path(self) -> Path | None:
        if self._path is False:
            self._path = _path(self._name, self._key, ".log")
        return self._path  # type: ignore[return-value]

    def load(self) -> dict[str, Any]:
        path = self.path()
        out: dict[str, Any] = {}
        if path is None:
            return out
        try:
            data = path.read_bytes()
        except OSError:
            return out
        for line in data.split(b"\n"):
            crc, sep, body = line.partition(b"\t")
            if not sep:
                continue
            try:
                if int(crc, 16) != zlib.crc32(body):
                    continue
                arg, result = json.loads(body.decode("utf-8"))
            except (ValueError, TypeError):
                continue
            if isinstance(arg, str):
                out[arg] = result
        return out

    def add(self, arg: str, result: Any) -> None:
        path = self.path()
        if path is None:
            return
        try:
            body = json.dumps([arg, result], ensure_ascii=False, separators=(",", ":")).encode("utf-8")
        except (TypeError, ValueError):
            return
        line = b"%08x\t%s\n" % (zlib.crc32(body), body)
        with self._lock:
            try:
                new = not path.exists()
                if new:
                    path.parent.mkdir(parents=True, exist_ok=True)
                elif path.stat().st_size > self.MAX_BYTES:
                    return
                fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)
                try:
                    os.write(fd, line)
                finally:
                    os.close(fd)
            except OSError:
                self._path = None  # unwritable: stop trying in this process
                return
            if new:
                _prune_siblings(path)


class PackageMemo:
    """The on-disk memo (``MemoLog``) of a pure function of a string that a library in an installed package
    computes, keyed by that package's files and the calling module, loaded once per process: an argument
    seen by any earlier process needs neither the library's import nor its work.

    ``encode`` turns a result into JSON, ``decode`` turns it back (raising ValueError or TypeError on an
    entry it does not accept, which is then computed again).
    """

    def __init__(self, name: str, module_file: str, package: str, files: Iterable[str],
                 encode: Callable[[Any], Any], decode: Callable[[Any], Any]):
        self._args = (name, module_file, package, tuple(files), encode, decode)
        self._encode, self._decode = encode, decode
        self._lock = threading.Lock()
        self._state: tuple[MemoLog | None, dict[str, Any]] | None = None

    def fresh(self) -> "PackageMemo":
        """The same memo, not loaded yet (it reads the disk again on first use)."""
        return PackageMemo(*self._args)

    def load(self) -> tuple[MemoLog | None, dict[str, Any]]:
        if self._state is None:
            with self._lock:
                if self._state is None:
                    name, module_file, package, files = self._args[:4]
                    key = package_key(name, module_file, package, files)
                    log = MemoLog(name, key) if key is not None else None
                    known: dict[str, Any] = {}
                    for arg, raw in (log.load().items() if log is not None else ()):
                        try:
                            known[arg] = self._decode(raw)
                        except (TypeError, ValueError):
                            continue
                    self._state = (log, known)
        return self._state

    def get(self, arg: str, compute: Callable[[str], Any]) -> Any:
        """compute(arg), from the memo when an earlier process (or this one) recorded it."""
        log, known = self.load()
        if arg in known:
            return known[arg]
        value = known[arg] = compute(arg)
        if log is not None:
            log.add(arg, self._encode(value))
        return value
