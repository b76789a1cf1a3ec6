"""Shared pieces of the Dagster layer: policies, tags and table metadata."""

import math
import warnings
from pathlib import Path

import dagster as dg
import pandas as pd
from tabulate import tabulate

from gov_pipeline.inbox import InboxUnavailable
from gov_pipeline.schemas import TABLES, TableDef, Validation

warnings.filterwarnings("ignore", category=dg.BetaWarning)
warnings.filterwarnings("ignore", category=dg.PreviewWarning)

OWNER = "team:data-platform"
POOL = "duckdb"
# On the multiprocess executor the steps of one run are separate processes: those that open the warehouse carry this
# op tag, which the executor admits one at a time (DuckDB allows one writing process). On Celery they go to the queue
# `warehouse`, served by one worker (concurrency 1) on the machine that holds the warehouse file.
WAREHOUSE_TAG = {"gov/warehouse": "duckdb", "dagster-celery/queue": "warehouse"}
# The steps that only read the analysts' copy (the exports, the agency pages): outside the `duckdb` pool, so another
# run's writes need not wait for them, but one at a time within a run (each holds up to DuckDB's memory limit and the
# rows it renders: the two side by side took the bulk run's process tree from 2.0 to 2.5 GB, PSS), on the warehouse's
# machine (they write beside the warehouse file).
READER_TAG = {"gov/reads": "analysts_copy", "dagster-celery/queue": "warehouse"}
RETRY = dg.RetryPolicy(max_retries=2, delay=2, backoff=dg.Backoff.EXPONENTIAL)
PREVIEW_ROWS = 10
PREVIEW_CHARS = 60
CHUNK = 500  # reports read and written per transaction of the raw step (memory stays flat)
# staging, core, the inventory and the marts follow their inputs: eager, but not held back while
# some upstream asset was never materialised or failed (that would block them for ever)
DERIVED_AUTOMATION = dg.AutomationCondition.eager().without(~dg.AutomationCondition.any_deps_missing())
# staging and core also follow their code version (gov_pipeline/version.py): an edit of the text library
# or of assets/ re-derives every report once the code location reloads
REDERIVE_AUTOMATION = DERIVED_AUTOMATION | (
    dg.AutomationCondition.code_version_changed() & ~dg.AutomationCondition.in_progress())


def chunks(items: list, size: int | None = None):
    size = size or CHUNK
    for start in range(0, len(items), size):
        yield items[start:start + size]


def column_schema(table: TableDef) -> dg.TableSchema:
    return dg.TableSchema(columns=[
        dg.TableColumn(name, column.metadata["duckdb"], description=column.description,
                       constraints=dg.TableColumnConstraints(nullable=column.nullable))
        for name, column in table.schema.columns.items()
    ])


def spec_metadata(table: TableDef) -> dict:
    return {"dagster/column_schema": column_schema(table), "dagster/table_name": f"gov.{table.name}"}


def _cell(value):
    """A preview cell: text cut to PREVIEW_CHARS on one line without pipes; missing values left empty."""
    if isinstance(value, str):
        value = value[:PREVIEW_CHARS] + "…" if len(value) > PREVIEW_CHARS else value
        return value.replace("\n", " ").replace("|", "/")
    return None if value is None or value is pd.NaT or (isinstance(value, float) and math.isnan(value)) \
        or value is pd.NA else value


def markdown_table(columns: list[str], rows) -> str:
    """A Markdown (pipe) table of row tuples, or `_no rows_`."""
    cells = [[_cell(v) for v in row] for row in rows]
    return tabulate(cells, headers=list(columns), tablefmt="pipe") if cells else "_no rows_"


def frame_markdown(df: pd.DataFrame) -> str:
    """Every row of a small frame (a head, failure cases, samples) as a Markdown table."""
    return markdown_table(list(df.columns), df.itertuples(index=False, name=None))


def markdown_preview(df: pd.DataFrame, rows: int = PREVIEW_ROWS) -> dg.MetadataValue:
    return dg.MetadataValue.md(frame_markdown(df.head(rows)))


def table_metadata(table: TableDef, df: pd.DataFrame, *, total_rows: int | None = None,
                   nothing_written: str | None = None, **extra) -> dict:
    """Metadata put on every materialisation: row counts, column schema and a Markdown preview (of the rows
    written, for a step that writes only some: `nothing_written` then says why it shows none)."""
    meta = {
        "dagster/row_count": int(total_rows if total_rows is not None else len(df)),
        "dagster/table_name": f"gov.{table.name}",
        "preview": dg.MetadataValue.md(f"_{nothing_written}_") if nothing_written and not len(df)
        else markdown_preview(df),
        "dagster/column_schema": column_schema(table),
    }
    meta.update(extra)
    return meta


def increment_metadata(increment) -> dict:
    """What an incremental step did: reports derived, rows removed, reports left as they were."""
    return {"reports_derived": len(increment.todo), "reports_removed": len(increment.stale),
            "reports_unchanged": increment.unchanged,
            "derived_sample": dg.MetadataValue.json(increment.todo[:20])}


def schema_check_spec(table: TableDef) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec("schema", asset=dg.AssetKey(table.key), blocking=True,
                             description=f"Rows written to {table.name} satisfy its pandera schema; failing rows are "
                                         "kept out of the table and logged to core.quality_issue.")


def schema_check_result(table: TableDef, dropped: int, failures: pd.DataFrame) -> dg.AssetCheckResult:
    """The `schema` check of a write: how many rows pandera kept out, with up to 50 failure cases."""
    meta = {"num_failing_rows": int(dropped), "num_failure_cases": len(failures)}
    if len(failures):
        meta["failure_cases"] = dg.MetadataValue.md(
            frame_markdown(failures[["column", "check", "failure_case", "index"]].head(50).astype(str)))
    return dg.AssetCheckResult(asset_key=dg.AssetKey(table.key), check_name="schema", passed=dropped == 0,
                               severity=dg.AssetCheckSeverity.WARN, metadata=meta)


class Tally:
    """What a chunked write of one table did: rows written, a preview head, rows kept out, failure samples."""

    def __init__(self, table: TableDef):
        self.table = table
        self.rows = 0
        self.dropped = 0
        self.head = table.empty()
        self.failures: list[pd.DataFrame] = []

    def add(self, validation: Validation) -> None:
        self.rows += len(validation.valid)
        self.dropped += len(validation.dropped)
        if len(self.head) < PREVIEW_ROWS and len(validation.valid):
            self.head = pd.concat([self.head, validation.valid.head(PREVIEW_ROWS)], ignore_index=True).head(PREVIEW_ROWS)
        if len(validation.failures) and sum(map(len, self.failures)) < 50:
            self.failures.append(validation.failures.head(50))

    def check_result(self) -> dg.AssetCheckResult:
        failures = pd.concat(self.failures, ignore_index=True) if self.failures else pd.DataFrame()
        return schema_check_result(self.table, self.dropped, failures)


def require_valid(table: TableDef, validation: Validation) -> Validation:
    """For raw and staging tables a failing row fails the run, with the failure cases shown."""
    if len(validation.dropped):
        cases = validation.failures[["column", "check", "failure_case", "index"]].head(50).astype(str)
        raise dg.Failure(description=f"{len(validation.dropped)} row(s) of {table.name} failed its schema; nothing was written.",
                         metadata={"failure_cases": dg.MetadataValue.md(frame_markdown(cases))})
    return validation


def inbox_listing(root, list_fn, *args):
    """list_fn(Path(root), *args): a read of the inbox. An inbox (or a folder in it) that cannot be listed fails
    the step at once, without retries, and nothing is concluded from it: nothing is read, nothing deleted."""
    try:
        return list_fn(Path(root), *args)
    except InboxUnavailable as exc:
        raise dg.Failure(description=f"{exc.strerror}. Nothing was read or deleted.", allow_retries=False) from exc


def count_rows(conn, table: str) -> int:
    return int(conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


TABLE = TABLES  # the layer modules say TABLE["core.dim_report"]
