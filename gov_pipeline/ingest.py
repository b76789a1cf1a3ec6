"""Reading report files into raw rows (no Dagster or DuckDB import)."""
from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from gov_pipeline.inbox import InboxFile, file_sha256
from gov_pipeline.text.decode import decode_report
from gov_pipeline.text.model import QuarantineError


@dataclass(frozen=True)
class Previous:
    content_sha256: str
    ingested_at: dt.datetime


def read_report(file: InboxFile, max_bytes: int) -> dict:
    """One raw.reports row (without duplicate_of/ingested_at) for a file; never raises on bad content."""
    if file.size > max_bytes:
        return {"report_id": file.key, "source_path": file.rel_path, "content_sha256": file_sha256(file.path),
                "byte_size": file.size, "encoding": None, "text": None,
                "decode_error": f"file is {file.size:,} bytes, over the {max_bytes:,}-byte limit (GOV_MAX_BYTES)"}
    data = file.path.read_bytes()
    row = {"report_id": file.key, "source_path": file.rel_path,
           "content_sha256": hashlib.sha256(data).hexdigest(), "byte_size": len(data),
           "encoding": None, "text": None, "decode_error": None}
    try:
        decoded = decode_report(data, max_bytes=max_bytes)
        row["encoding"], row["text"] = decoded.encoding, decoded.text
    except QuarantineError as err:
        row["decode_error"] = err.reason
    return row


def ingest(keys: Sequence[str], files: Mapping[str, InboxFile], previous: Mapping[str, Previous],
           first_copies: Callable[[set[str]], Mapping[str, str]], max_bytes: int,
           now: dt.datetime) -> tuple[list[dict], list[str]]:
    """raw.reports rows for `keys`, and the keys whose file is gone.

    - ingested_at is kept from the previous row while the bytes are unchanged (idempotent re-runs);
    - duplicate_of points at the first copy of the same bytes: the report that `first_copies` (called once,
      with the hashes of these files) names for them, or, within `keys`, the smallest key.
    """
    rows, missing = [], []
    for key in sorted(keys):
        file = files.get(key)
        if file is None:
            missing.append(key)
        else:
            rows.append(read_report(file, max_bytes))
    canonical_by_sha = first_copies({row["content_sha256"] for row in rows}) if rows else {}
    first_in_run: dict[str, str] = {}
    for row in rows:
        key, sha = row["report_id"], row["content_sha256"]
        prev = previous.get(key)
        row["ingested_at"] = prev.ingested_at if prev and prev.content_sha256 == sha else now
        canonical = canonical_by_sha.get(sha) or first_in_run.setdefault(sha, key)
        row["duplicate_of"] = canonical if canonical != key else None
    return rows, missing
