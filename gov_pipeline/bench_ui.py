"""How the Dagster UI's pages scale with the number of report partitions and materialisations.

Times the GraphQL operations that the webserver's own UI issues to render four pages, against a real
`dagster-webserver` serving a freshly seeded SQLite instance:

  asset        the asset page of raw/reports: AssetViewDefinitionQuery (definition, latest materialisation),
               AssetOverviewMetadataEventsQuery (overview: latest materialisation and its metadata),
               AssetGraphLiveQuery (the live data every asset view subscribes to: last materialisation,
               partition stats, in-progress and failed runs)
  partitions   the partition bar and the Partitions tab: PartitionHealthQuery (one request, no pagination: every
               partition key plus the materialised/failed/materialising keys)
  runs         the runs page, first page: RunsFeedRootQuery (limit 30, view ROOTS) and RunFeedTabsCountQuery
  automation   the automation page: CodeLocationStatusQuery and LocationWorkspaceQuery (the workspace the page lists
               sensors and schedules from), then per sensor SingleSensorQuery and SensorAssetSelectionQuery (per
               schedule SingleScheduleQuery and ScheduleAssetSelectionQuery)

The documents are taken from the installed UI bundle when they are first used (`ui_document`: the operation and
every fragment it uses), so they are what the installed UI sends; `__typename` is added to every selection set as
the UI's Apollo client does. `check_documents()` (run first by main, or alone with --self-test) checks that each is
in the bundle and validates against the webserver's schema, so a Dagster upgrade that drops or changes one fails
loudly.

Two designs are seeded (seed_instance):
  partitions   a DynamicPartitionsDefinition("reports") with n keys and one materialisation per partition, written
               as Dagster writes a range run over report partitions (the project's process_reports job): a run
               record, RUN_START, one ASSET_MATERIALIZATION_PLANNED event carrying the run's partition subset, the
               materialisations in event batches of 1,000 (DAGSTER_EVENT_BATCH_SIZE), RUN_SUCCESS; --runs runs
               (default 100) share the n partitions.
  register     no partitions: raw/reports unpartitioned, materialised once per run in --runs runs (a register
               table holds the n reports), each with dagster/row_count.

    python -m gov_pipeline.bench_ui                      # N = 1000 10000 100000, both designs
    python -m gov_pipeline.bench_ui 1000 10000 --modes partitions
    python -m gov_pipeline.bench_ui --self-test

Writes bench/ui_results.json (entries of the same design and N are replaced, others kept).
"""
from __future__ import annotations

import argparse
import contextlib
import functools
import hashlib
import json
import logging
import math
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
WORKSPACE_YAML = REPO_ROOT / "bench" / "ui_workspace" / "workspace.yaml"
RESULTS_JSON = REPO_ROOT / "bench" / "ui_results.json"
ASSET_KEY_PATH = ["raw", "reports"]
PARTITIONS_NAME = "reports"
JOB_NAME = "process_reports"
STEP_KEY = "raw__reports"
EVENT_BATCH = 1000  # events per batch when seeding (DAGSTER_EVENT_BATCH_SIZE, as the per-file design's runs had it)
PARTITION_ADD_BATCH = 10_000
RUNS_PAGE_SIZE = 30  # ui-core/src/runs/useRunsFeedEntries.tsx PAGE_SIZE (useCursorPaginatedQuery asks for limit=30)

# ---------------------------------------------------------------------------------------------------------------
# Operation documents: taken from the installed dagster-webserver UI bundle
# (dagster_webserver/webapp/build/_next/static/chunks/*.js), with the fragments they use, so they are what the
# installed UI sends.
# ---------------------------------------------------------------------------------------------------------------

# page -> the operations it issues (in the order the timing issues them)
PAGES: dict[str, list[str]] = {
    "asset": ["AssetViewDefinitionQuery", "AssetOverviewMetadataEventsQuery", "AssetGraphLiveQuery"],
    "partitions": ["PartitionHealthQuery"],
    "runs": ["RunsFeedRootQuery", "RunFeedTabsCountQuery"],
    "automation": ["CodeLocationStatusQuery", "LocationWorkspaceQuery", "SingleSensorQuery",
                   "SensorAssetSelectionQuery", "SingleScheduleQuery", "ScheduleAssetSelectionQuery"],
}
OPERATIONS: list[str] = [name for ops in PAGES.values() for name in ops]


# ---------------------------------------------------------------------------------------------------------------
# Self-test of the documents
# ---------------------------------------------------------------------------------------------------------------

def _bundle_dir() -> Path:
    import dagster_webserver
    return Path(dagster_webserver.__file__).parent / "webapp" / "build" / "_next" / "static" / "chunks"


_JS_ESCAPE = re.compile(r"\\(u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|.)", re.S)


def _js_unescape(m: "re.Match") -> str:
    c = m.group(1)
    if c[0] in "ux" and len(c) > 1:
        return chr(int(c[1:], 16))
    return {"n": "\n", "t": "\t", "r": "\r", "b": "\b", "f": "\f", "v": "\v", "0": "\0"}.get(c, c)


def _bundle_definition(text: str, kind: str, name: str):
    """The definition `kind name` as the bundle holds it: the JS string literal around it, parsed."""
    from graphql import parse

    for marker in (f"{kind} {name}(", f"{kind} {name} "):
        at = text.find(marker)
        if at >= 0:
            break
    else:
        return None
    start = at  # the JS string literal around it: minified code quotes with ", ' or `
    while not (text[start] in "\"'`" and text[start - 1] != "\\"):
        start -= 1
    quote, end = text[start], at
    while not (text[end] == quote and text[end - 1] != "\\"):
        end += 1
    literal = _JS_ESCAPE.sub(_js_unescape, text[start + 1:end])
    for definition in parse(literal).definitions:
        if definition.name is not None and definition.name.value == name:
            return definition
    return None


@functools.lru_cache(maxsize=1)
def _bundle_text() -> str:
    chunks = sorted(_bundle_dir().glob("*.js"))
    if not chunks:
        raise AssertionError(f"no UI bundle under {_bundle_dir()}")
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in chunks)


@functools.lru_cache(maxsize=None)
def ui_document(operation: str) -> str:
    """The operation as the installed UI sends it: its definition in the webserver's bundle, with every fragment it
    uses (and they use), taken from the bundle too. Raises AssertionError when one is not there."""
    from graphql import print_ast, visit, Visitor
    from graphql.language import DocumentNode

    text, found, todo = _bundle_text(), {}, [("query", operation)]
    while todo:
        kind, name = todo.pop()
        if name in found:
            continue
        definition = _bundle_definition(text, kind, name)
        if definition is None:
            raise AssertionError(f"{operation}: {kind} {name} is not in the UI bundle ({_bundle_dir()})")
        found[name] = definition
        spreads: list[str] = []

        class Spreads(Visitor):
            def enter_fragment_spread(self, node, *_):
                spreads.append(node.name.value)

        visit(definition, Spreads())
        todo += [("fragment", s) for s in spreads if s not in found]
    ordered = [found[operation], *(found[n] for n in sorted(found) if n != operation)]
    return print_ast(DocumentNode(definitions=ordered))


def check_documents() -> None:
    """Each operation the pages issue is in the installed UI bundle, with its fragments, and validates against the
    webserver's schema. Raises AssertionError listing every problem."""
    from dagster_graphql.schema import create_schema
    from graphql import parse, validate

    schema = create_schema().graphql_schema
    problems: list[str] = []
    for name in OPERATIONS:
        try:
            document = ui_document(name)
        except AssertionError as err:
            problems.append(str(err))
            continue
        problems += [f"{name}: {e.message}" for e in validate(schema, parse(_with_typename(document)))]
    if problems:
        raise AssertionError("UI GraphQL operations out of date:\n  " + "\n  ".join(problems))


def _with_typename(document: str) -> str:
    """The document as Apollo Client sends it: `__typename` in every selection set but the operation's own."""
    from graphql import parse, print_ast
    from graphql.language import FieldNode, NameNode, OperationDefinitionNode, SelectionSetNode

    def add(selection_set: SelectionSetNode | None, top: bool) -> None:
        if selection_set is None:
            return
        for s in selection_set.selections:
            add(getattr(s, "selection_set", None), False)
        names = {s.name.value for s in selection_set.selections if isinstance(s, FieldNode)}
        if not top and "__typename" not in names:
            selection_set.selections = (*selection_set.selections, FieldNode(name=NameNode(value="__typename")))

    doc = parse(document)
    for d in doc.definitions:
        add(d.selection_set, isinstance(d, OperationDefinitionNode))
    return print_ast(doc)


# ---------------------------------------------------------------------------------------------------------------
# Timing the pages
# ---------------------------------------------------------------------------------------------------------------

_SENT: dict[str, str] = {}


def graphql(base_url: str, operation: str, variables: dict) -> tuple[float, int, dict]:
    """POST one UI operation; (seconds until the whole response is read, response bytes, data). Raises on `errors`
    and on an ...OrError field answering an error type."""
    if operation not in _SENT:
        _SENT[operation] = _with_typename(ui_document(operation))
    body = json.dumps({"query": _SENT[operation], "variables": variables, "operationName": operation}).encode()
    request = urllib.request.Request(f"{base_url}/graphql", data=body, method="POST",
                                     headers={"Content-Type": "application/json", "Accept": "application/json"})
    t0 = time.perf_counter()
    try:
        with urllib.request.urlopen(request, timeout=1800) as response:
            raw = response.read()
    except urllib.error.HTTPError as e:
        raise RuntimeError(f"{operation}: HTTP {e.code}: {e.read()[:2000]!r}") from e
    seconds = time.perf_counter() - t0
    payload = json.loads(raw)
    if payload.get("errors"):
        raise RuntimeError(f"{operation}: {json.dumps(payload['errors'])[:2000]}")
    data = payload.get("data") or {}
    for field, value in data.items():
        typename = value.get("__typename", "") if isinstance(value, dict) else ""
        if typename.endswith(("Error", "NotFound")):
            raise RuntimeError(f"{operation}: {field} answered {typename}: {json.dumps(value)[:2000]}")
    return seconds, len(raw), data


def _page_calls(base_url: str, page: str, asset_key_path: list[str]) -> list[tuple[str, float, int]]:
    """Issue one page's operations once (sequentially; later ones use earlier answers as the UI does)."""
    asset_key = {"path": list(asset_key_path)}
    calls: list[tuple[str, float, int]] = []

    def call(operation: str, variables: dict) -> dict:
        seconds, size, data = graphql(base_url, operation, variables)
        calls.append((operation, seconds, size))
        return data

    if page == "asset":
        call("AssetViewDefinitionQuery", {"assetKey": asset_key})
        call("AssetOverviewMetadataEventsQuery", {"assetKey": asset_key})
        call("AssetGraphLiveQuery", {"assetKeys": [asset_key]})
    elif page == "partitions":
        call("PartitionHealthQuery", {"assetKey": asset_key})
    elif page == "runs":
        call("RunsFeedRootQuery", {"limit": RUNS_PAGE_SIZE, "cursor": None, "filter": {}, "view": "ROOTS"})
        call("RunFeedTabsCountQuery", {"queuedFilter": {"statuses": ["QUEUED"]},
                                       "inProgressFilter": {"statuses": ["STARTED", "STARTING", "SUSPENDED",
                                                                         "CANCELING"]},
                                       "view": "RUNS"})
    elif page == "automation":
        statuses = call("CodeLocationStatusQuery", {})["locationStatusesOrError"]["entries"]
        for location in statuses:
            entry = call("LocationWorkspaceQuery", {"name": location["name"]})["workspaceLocationEntryOrError"]
            for repo in (entry.get("locationOrLoadError") or {}).get("repositories", []):
                for sensor in repo.get("sensors", []):
                    selector = {"repositoryName": repo["name"], "repositoryLocationName": location["name"],
                                "sensorName": sensor["name"]}
                    call("SingleSensorQuery", {"selector": selector})
                    call("SensorAssetSelectionQuery", {"sensorSelector": selector})
                for schedule in repo.get("schedules", []):
                    selector = {"repositoryName": repo["name"], "repositoryLocationName": location["name"],
                                "scheduleName": schedule["name"]}
                    call("SingleScheduleQuery", {"selector": selector})
                    call("ScheduleAssetSelectionQuery", {"scheduleSelector": selector})
    else:
        raise ValueError(page)
    return calls


def measure_pages(base_url: str, asset_key_path: list[str], repeats: int = 3) -> dict[str, dict]:
    """For each page: the first visit (cold: e.g. the asset status cache is computed and stored then), then
    `repeats` visits. Returns {"median": {...}, "first": {...}, "bytes": {...}} keyed by operation name and by
    `page:<name>` (the sum of the page's operations: an upper bound, the UI issues most of them concurrently)."""
    median: dict[str, float] = {}
    first: dict[str, float] = {}
    sizes: dict[str, int] = {}
    for page in PAGES:
        visits = [_page_calls(base_url, page, asset_key_path) for _ in range(1 + repeats)]
        per_op: dict[str, list[float]] = {}
        for i, visit in enumerate(visits):
            totals: dict[str, float] = {}
            for operation, seconds, size in visit:
                totals[operation] = totals.get(operation, 0.0) + seconds
                sizes[operation] = size
            if i == 0:
                first.update(totals)
                first[f"page:{page}"] = sum(totals.values())
            else:
                for operation, seconds in totals.items():
                    per_op.setdefault(operation, []).append(seconds)
                per_op.setdefault(f"page:{page}", []).append(sum(totals.values()))
        median.update({k: statistics.median(v) for k, v in per_op.items()})
    return {"median": median, "first": first, "bytes": sizes}


def ui_timings(base_url: str, asset_key_path: list[str], repeats: int = 3) -> dict[str, float]:
    """Median seconds of each UI operation (and `page:<name>`, the sum of a page's operations), after one untimed
    first visit of each page."""
    return measure_pages(base_url, asset_key_path, repeats)["median"]


# ---------------------------------------------------------------------------------------------------------------
# The webserver
# ---------------------------------------------------------------------------------------------------------------

def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def serve(home: str | os.PathLike, workspace_yaml: str | os.PathLike, env: dict[str, str] | None = None,
          timeout: float = 120.0) -> Iterator[str]:
    """Run `dagster-webserver -w workspace_yaml` on a free port with DAGSTER_HOME=home (log: home/webserver.log);
    yield its base URL once /server_info answers and every code location has loaded; stop it after."""
    home = Path(home)
    port = _free_port()
    base_url = f"http://127.0.0.1:{port}"
    executable = Path(sys.executable).parent / "dagster-webserver"
    command = [str(executable), "-w", str(workspace_yaml), "-h", "127.0.0.1", "-p", str(port)]
    log_path = home / "webserver.log"
    environment = {**os.environ, "DAGSTER_HOME": str(home), **(env or {})}
    with open(log_path, "ab") as log:
        process = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if process.poll() is not None:
                raise RuntimeError(f"dagster-webserver exited ({process.returncode}); log {log_path}:\n"
                                   + log_path.read_text(errors="replace")[-3000:])
            if time.monotonic() > deadline:
                raise TimeoutError(f"dagster-webserver did not answer in {timeout:.0f} s; log {log_path}")
            try:
                with urllib.request.urlopen(f"{base_url}/server_info", timeout=5) as r:
                    if r.status == 200:
                        _, _, data = graphql(base_url, "CodeLocationStatusQuery", {})
                        entries = data["locationStatusesOrError"]["entries"]
                        if entries and all(e["loadStatus"] == "LOADED" for e in entries):
                            break
            except (urllib.error.URLError, ConnectionError, OSError):
                pass
            time.sleep(0.5)
        yield base_url
    finally:
        if process.poll() is None:
            os.killpg(process.pid, signal.SIGTERM)  # the webserver and the code server it started
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()


# ---------------------------------------------------------------------------------------------------------------
# Seeding an instance
# ---------------------------------------------------------------------------------------------------------------

def _dagster_yaml(home: Path, storage: str) -> str:
    if storage == "stock":
        return "telemetry:\n  enabled: false\n"
    # The project's storage (gov_pipeline/instance.py): stock SQLite runs and schedules, the project's event log
    # that keeps its connections open (same tables and rows as the stock SQLite event log).
    return (f"run_storage:\n  module: dagster._core.storage.runs\n  class: SqliteRunStorage\n"
            f"  config:\n    base_dir: {home}/history/\n"
            f"event_log_storage:\n  module: gov_pipeline.event_log\n  class: ConnectedSqliteEventLogStorage\n"
            f"  config:\n    base_dir: {home}/history/runs/\n"
            f"schedule_storage:\n  module: dagster._core.storage.schedules\n  class: SqliteScheduleStorage\n"
            f"  config:\n    base_dir: {home}/schedules/\n"
            f"telemetry:\n  enabled: false\n")


@contextlib.contextmanager
def open_instance(home: str | os.PathLike, storage: str = "project"):
    """The instance at `home`, writing its dagster.yaml first if there is none."""
    import dagster as dg

    home = Path(home)
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "dagster.yaml").exists():
        (home / "dagster.yaml").write_text(_dagster_yaml(home.resolve(), storage))
    with dg.DagsterInstance.from_config(str(home)) as instance:
        yield instance


def report_key(i: int) -> str:
    """A partition key shaped like the project's (gov_pipeline/inbox.py: `<stem>` of `000_d9a8aa6b43ea3b92.txt`)."""
    return f"{i:06d}_{hashlib.sha1(str(i).encode()).hexdigest()[:16]}"


def _chunks(items: list, size: int) -> Iterator[list]:
    for i in range(0, len(items), size):
        yield items[i:i + size]


def _run_events(instance, run_id: str, asset_key, partitions: list[str] | None, partitions_def,
                row_count: int) -> None:
    """What a successful run of the job leaves: RUN_START, the planned event, the materialisations (in event
    batches, as with DAGSTER_EVENT_BATCH_SIZE), RUN_SUCCESS."""
    import dagster as dg
    from dagster._core.events import (AssetMaterializationPlannedData, DagsterEvent, DagsterEventBatchMetadata,
                                      DagsterEventType, StepMaterializationData)
    from dagster._core.events.log import EventLogEntry

    instance.report_dagster_event(DagsterEvent(DagsterEventType.RUN_START.value, job_name=JOB_NAME,
                                               message="Started execution of run."), run_id)
    subset = (partitions_def.subset_with_partition_keys(partitions).to_serializable_subset()
              if partitions is not None else None)
    instance.report_dagster_event(DagsterEvent.build_asset_materialization_planned_event(
        JOB_NAME, STEP_KEY, AssetMaterializationPlannedData(asset_key, partition=None, partitions_subset=subset)),
        run_id, logging.DEBUG)
    keys = partitions if partitions is not None else [None]
    for batch in _chunks(keys, EVENT_BATCH):
        entries = [EventLogEntry(
            user_message="", level=logging.INFO, job_name=JOB_NAME, run_id=run_id, error_info=None,
            timestamp=time.time(), step_key=STEP_KEY,
            dagster_event=DagsterEvent(
                DagsterEventType.ASSET_MATERIALIZATION.value, job_name=JOB_NAME, step_key=STEP_KEY,
                event_specific_data=StepMaterializationData(dg.AssetMaterialization(
                    asset_key, partition=key, metadata={"dagster/row_count": row_count})),
                message=f"Materialized value {asset_key.to_user_string()}."))
            for key in batch]
        batch_id = f"{run_id}:{batch[0]}"
        for i, entry in enumerate(entries):  # Dagster's batched path: store_event_batch once per batch
            instance.handle_new_event(entry, batch_metadata=DagsterEventBatchMetadata(batch_id, i == len(entries) - 1))
    instance.report_dagster_event(DagsterEvent(DagsterEventType.RUN_SUCCESS.value, job_name=JOB_NAME,
                                               message="Finished execution of run."), run_id)


def seed_instance(home: str | os.PathLike, n: int, asset_key=None, mode: str = "partitions", runs: int = 100,
                  storage: str = "project") -> dict[str, float]:
    """Write into a fresh instance at `home` the history of n reports under one design (see the module doc).
    Returns seconds: {"partitions": adding the dynamic partitions, "events": the runs and their events, "total"}."""
    import dagster as dg
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus
    from dagster._core.utils import make_new_run_id

    asset_key = dg.AssetKey(ASSET_KEY_PATH) if asset_key is None else dg.AssetKey.from_coercible(asset_key)
    os.environ["DAGSTER_EVENT_BATCH_SIZE"] = str(EVENT_BATCH)
    partitions_def = dg.DynamicPartitionsDefinition(name=PARTITIONS_NAME)
    timings: dict[str, float] = {}
    t_start = time.perf_counter()
    with open_instance(home, storage) as instance:
        keys = [report_key(i) for i in range(n)] if mode == "partitions" else []
        t0 = time.perf_counter()
        for chunk in _chunks(keys, PARTITION_ADD_BATCH):
            instance.add_dynamic_partitions(PARTITIONS_NAME, chunk)
        timings["partitions"] = time.perf_counter() - t0
        t0 = time.perf_counter()
        per_run = max(1, math.ceil(n / runs)) if mode == "partitions" else 0
        for r in range(runs):
            if mode == "partitions":
                batch = keys[r * per_run:(r + 1) * per_run]
                if not batch:
                    break
                tags = {"dagster/asset_partition_range_start": batch[0],
                        "dagster/asset_partition_range_end": batch[-1]}
                row_count = 1
            elif mode == "register":
                batch, tags, row_count = None, {}, round(n * (r + 1) / runs)
            else:
                raise ValueError(f"mode {mode!r}: partitions or register")
            run = DagsterRun(job_name=JOB_NAME, run_id=make_new_run_id(), status=DagsterRunStatus.NOT_STARTED,
                             tags=tags, asset_selection=frozenset({asset_key}))
            instance.add_run(run)
            _run_events(instance, run.run_id, asset_key, batch, partitions_def, row_count)
        timings["events"] = time.perf_counter() - t0
    timings["total"] = time.perf_counter() - t_start
    return timings


def python_api_timings(home: str | os.PathLike, storage: str = "project", repeats: int = 3) -> dict[str, float]:
    """Median seconds of instance.get_dynamic_partitions("reports") and has_dynamic_partition (a present key near
    the end, and an absent key)."""
    with open_instance(home, storage) as instance:
        keys = instance.get_dynamic_partitions(PARTITIONS_NAME)
        present = keys[-1] if keys else report_key(0)

        def med(fn: Callable[[], object], k: int) -> float:
            samples = []
            for _ in range(k):
                t0 = time.perf_counter()
                fn()
                samples.append(time.perf_counter() - t0)
            return statistics.median(samples)

        return {"get_dynamic_partitions": med(lambda: instance.get_dynamic_partitions(PARTITIONS_NAME), repeats),
                "has_dynamic_partition(present)": med(
                    lambda: instance.has_dynamic_partition(PARTITIONS_NAME, present), 5 * repeats),
                "has_dynamic_partition(absent)": med(
                    lambda: instance.has_dynamic_partition(PARTITIONS_NAME, "no-such-report"), 5 * repeats),
                "partition_count": len(keys)}


def compare_seeding_methods(sample: int = 300, storage: str = "project") -> dict[str, float]:
    """Seconds per materialisation event of three ways to write them, on `sample` events each, in scratch instances:
    report_runless_asset_event; inside a run, event by event (store_event); inside a run, in event batches
    (store_event_batch, as Dagster does with DAGSTER_EVENT_BATCH_SIZE, what seed_instance uses). Also checks that the
    two run-based ways leave the same rows in the index shard's tables the UI reads."""
    import dagster as dg
    from dagster._core.storage.dagster_run import DagsterRun, DagsterRunStatus
    from dagster._core.utils import make_new_run_id

    asset_key = dg.AssetKey(ASSET_KEY_PATH)
    keys = [report_key(i) for i in range(sample)]
    partitions_def = dg.DynamicPartitionsDefinition(name=PARTITIONS_NAME)
    out: dict[str, float] = {}
    counts: dict[str, dict] = {}
    base = tempfile.mkdtemp(prefix="ui-bench-methods-", dir=os.environ.get("TMPDIR") or "/tmp")
    try:
        for method in ("runless", "store_event", "store_event_batch"):
            home = Path(base) / method
            with open_instance(home, storage) as instance:
                instance.add_dynamic_partitions(PARTITIONS_NAME, keys)
                t0 = time.perf_counter()
                if method == "runless":
                    for key in keys:
                        instance.report_runless_asset_event(dg.AssetMaterialization(
                            asset_key, partition=key, metadata={"dagster/row_count": 1}))
                else:
                    os.environ["DAGSTER_EVENT_BATCH_SIZE"] = "0" if method == "store_event" else str(EVENT_BATCH)
                    run = DagsterRun(job_name=JOB_NAME, run_id=make_new_run_id(),
                                     status=DagsterRunStatus.NOT_STARTED, asset_selection=frozenset({asset_key}))
                    instance.add_run(run)
                    _run_events(instance, run.run_id, asset_key, keys, partitions_def, 1)
                out[method] = (time.perf_counter() - t0) / sample
                assert set(instance.get_materialized_partitions(asset_key)) == set(keys), method
            counts[method] = _index_counts(home)
    finally:
        os.environ["DAGSTER_EVENT_BATCH_SIZE"] = str(EVENT_BATCH)
        shutil.rmtree(base, ignore_errors=True)
    if counts["store_event"] != counts["store_event_batch"]:
        raise AssertionError(f"batched seeding leaves other rows: {counts}")
    out["index_rows"] = counts["store_event_batch"]
    return out


def _index_counts(home: Path) -> dict[str, int]:
    import sqlite3

    db = home / "history" / "runs" / "index.db"
    with contextlib.closing(sqlite3.connect(db)) as conn:
        tables = [r[0] for r in conn.execute("select name from sqlite_master where type='table'")]
        return {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0]
                for t in sorted(tables) if t not in ("alembic_version", "secondary_indexes")}


# ---------------------------------------------------------------------------------------------------------------
# main
# ---------------------------------------------------------------------------------------------------------------

COLUMNS = ["page:asset", "page:partitions", "page:runs", "page:automation"]


def _save(results: dict) -> None:
    RESULTS_JSON.parent.mkdir(parents=True, exist_ok=True)
    RESULTS_JSON.write_text(json.dumps(results, indent=2, ensure_ascii=False) + "\n")


def main(argv: list[str] | None = None) -> None:
    import dagster

    parser = argparse.ArgumentParser(prog="python -m gov_pipeline.bench_ui", description=__doc__.split("\n")[0])
    parser.add_argument("n", nargs="*", type=int, default=[1000, 10000, 100000], help="numbers of reports")
    parser.add_argument("--modes", nargs="+", default=["partitions", "register"], choices=["partitions", "register"])
    parser.add_argument("--runs", type=int, default=100, help="runs the history is spread over (default 100)")
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--storage", choices=["project", "stock"], default="project",
                        help="event log: the project's SQLite storage (default) or Dagster's stock one")
    parser.add_argument("--methods-sample", type=int, default=300,
                        help="events per seeding method compared first (0: skip)")
    parser.add_argument("--keep", action="store_true", help="keep the seeded instances (their paths are printed)")
    parser.add_argument("--self-test", action="store_true", help="only check the GraphQL documents")
    args = parser.parse_args(argv)

    check_documents()
    print(f"UI documents: {len(OPERATIONS)} operations found in the installed bundle validate against the schema")
    if args.self_test:
        return
    results = json.loads(RESULTS_JSON.read_text()) if RESULTS_JSON.exists() else {}
    results["meta"] = {"dagster": dagster.__version__, "storage": args.storage, "runs": args.runs,
                       "repeats": args.repeats, "cpus": os.cpu_count(), "pages": PAGES,
                       "note": "seconds; page:<name> = sum of its operations' medians (sequential upper bound); "
                               "first = the first visit after the webserver started"}
    if args.methods_sample:
        methods = compare_seeding_methods(args.methods_sample, args.storage)
        results["seeding_methods_seconds_per_event"] = methods
        _save(results)
        print("seeding, seconds per materialisation: " + ", ".join(
            f"{k} {v * 1000:.2f} ms" for k, v in methods.items() if isinstance(v, float)))
    entries = [e for e in results.get("results", [])
               if (e["mode"], e["n"]) not in {(m, n) for m in args.modes for n in args.n}]
    results["results"] = entries
    header = (f"{'mode':<10} {'N':>7} {'seed s':>8} " + " ".join(f"{c.split(':')[1]:>10}" for c in COLUMNS)
              + f" {'partitions(first)':>18} {'PHQ bytes':>10} {'get_dyn':>8}")
    print(header)
    tmp_root = os.environ.get("TMPDIR") or "/tmp"
    for mode in args.modes:
        for n in args.n:
            home = Path(tempfile.mkdtemp(prefix=f"ui-bench-{mode}-{n}-", dir=tmp_root))
            try:
                seeded = seed_instance(home, n, ASSET_KEY_PATH, mode=mode, runs=args.runs, storage=args.storage)
                api = python_api_timings(home, args.storage, args.repeats)
                t0 = time.perf_counter()
                with serve(home, WORKSPACE_YAML, env={"BENCH_UI_MODE": mode}) as base_url:
                    started = time.perf_counter() - t0
                    measured = measure_pages(base_url, ASSET_KEY_PATH, args.repeats)
                entry = {"mode": mode, "n": n, "seed_seconds": seeded, "webserver_start_seconds": started,
                         "python_api_seconds": api, **measured}
                entries.append(entry)
                _save(results)
                med, first = measured["median"], measured["first"]
                print(f"{mode:<10} {n:>7} {seeded['total']:>8.1f} "
                      + " ".join(f"{med[c]:>10.3f}" for c in COLUMNS)
                      + f" {first['page:partitions']:>18.3f} {measured['bytes']['PartitionHealthQuery']:>10}"
                      + f" {api['get_dynamic_partitions']:>8.3f}", flush=True)
                print(f"  seeding {n} reports ({mode}): {seeded['total']:.1f} s (partitions "
                      f"{seeded['partitions']:.1f} s, runs and events {seeded['events']:.1f} s)", flush=True)
            finally:
                if args.keep:
                    print(f"  kept {home}")
                else:
                    shutil.rmtree(home, ignore_errors=True)
    print(f"wrote {RESULTS_JSON}")


if __name__ == "__main__":
    main()
