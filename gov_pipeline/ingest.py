"""Reading report files into raw rows (no Dagster or DuckDB import)."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from gov_pipeline.inbox import InboxFile, file_sha256, read_bytes, read_failure
from gov_pipeline.text.documents import read_document
from gov_pipeline.text.model import QuarantineError


EPOCH = dt.datetime(1970, 1, 1)


@dataclass(frozen=True)
class Previous:
    content_sha256: str | None
    ingested_at: dt.datetime
    duplicate_of: str | None = None


def read_report(file: InboxFile, max_bytes: int) -> dict:
    """One raw.reports row (without duplicate_of/ingested_at) for a file; never raises on bad content or on a
    file that cannot be read (permissions, I/O error, vanished, no longer a regular file): its row says why
    (decode_error), with no hash since no bytes were read."""
    mtime = EPOCH + dt.timedelta(microseconds=file.mtime_ns // 1000)  # exact to the microsecond (raw.reports.file_mtime)
    row = {"report_id": file.key, "source_path": file.rel_path, "content_sha256": None, "byte_size": file.size,
           "file_mtime": mtime,
           "encoding": None, "format": None, "reader": None, "text": None, "layout": None, "decode_error": None}
    try:
        if file.size > max_bytes:
            row["content_sha256"] = file_sha256(file.path)
            row["decode_error"] = f"file is {file.size:,} bytes, over the {max_bytes:,}-byte limit (GOV_MAX_BYTES)"
            return row
        data = read_bytes(file.path)
    except OSError as exc:
        row["decode_error"] = read_failure(exc)
        return row
    row["content_sha256"], row["byte_size"] = hashlib.sha256(data).hexdigest(), len(data)
    try:
        doc = read_document(data, file.rel_path, max_bytes=max_bytes)
        text, layout = doc.render()
        row["encoding"], row["format"], row["reader"], row["text"] = doc.encoding, doc.format, doc.reader, text
        row["layout"] = layout.to_json() if layout is not None else None
    except QuarantineError as err:
        row["decode_error"] = err.reason
    return row


def ingest(files: Iterable[InboxFile], previous: Mapping[str, Previous], max_bytes: int,
           now: dt.datetime) -> list[dict]:
    """raw.reports rows for `files`, in key order (duplicate_of left None: `first_copies` decides it once every row
    is written). ingested_at is kept from the previous row while the bytes are unchanged (idempotent re-runs)."""
    rows = []
    for file in sorted(files, key=lambda f: f.key):
        row = read_report(file, max_bytes)
        prev = previous.get(file.key)
        row["ingested_at"] = prev.ingested_at if prev and prev.content_sha256 == row["content_sha256"] else now
        row["duplicate_of"] = None
        rows.append(row)
    return rows


def first_copies(copies: Iterable[tuple[str, str, bool]]) -> dict[str, str | None]:
    """duplicate_of of every report holding some bytes, from (report_id, content_sha256, was the first copy of
    those bytes before): None for the first copy, else the first copy's report_id. The first copy stays the
    one it was while it is still there with the same bytes (a new copy never displaces a loaded report);
    otherwise (it was removed or edited, or the bytes are new) the smallest report_id becomes the first copy."""
    groups: dict[str, list[tuple[bool, str]]] = {}
    for report_id, sha, was_first in copies:
        groups.setdefault(sha, []).append((not was_first, report_id))
    chosen: dict[str, str | None] = {}
    for members in groups.values():
        first = min(members)[1]
        for _, report_id in members:
            chosen[report_id] = None if report_id == first else first
    return chosen
