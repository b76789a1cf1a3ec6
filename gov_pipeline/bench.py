"""`make bench`: how fast is the pipeline, compared with the bare library and with Dagster's own floor?

    python -m gov_pipeline.bench --n 2000 [--seed 0] [--out bench/] [--workdir bench/work] [--keep]
                                 [--repeat 3] [--workers W] [--segmenter jieba|rjieba]
                                 [--skip-pipeline] [--skip-bare] [--skip-segmenters] [--profile]

On one synthetic corpus of n reports (gov_pipeline.synth; several seeds in sub-folders above
213 agencies x 18 years) it measures:

  (a) bare      decode_report + analyse_raw per file, in this one process (no Dagster, no DuckDB);
  (b) pipeline  the `make demo` path (demo.materialize_all: one sync of the whole inbox, on the
                multiprocess executor for a bulk load, then one refresh_marts run) in a fresh process on a persistent instance
                (temporary DAGSTER_HOME), inbox = the corpus, warehouse in the work folder;
                per-step seconds from the run's STEP_START/STEP_SUCCESS events; peak RSS of the
                process tree; metric F1 and metadata accuracy (gov_pipeline.evaluate.score);
  (c) segmenters jieba (reference) and rjieba alone over every cleaned text, and their agreement;
  (d) floor     a trivial 3-asset job (in-process executor) run in a fresh process on the same instance;
  (e) single    one new report copied into the loaded inbox, through to refreshed marts, run the same way.

It prints a summary with PASS/FAIL per target and writes <out>/results.json. It exits 0 whatever
the figures are (non-zero only when the benchmark itself breaks).
"""
from __future__ import annotations

import argparse
import gc
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from gov_pipeline.settings import REPO_ROOT, Settings
from gov_pipeline.synth.gazetteer import BUREAUS

YEARS = (2008, 2025)
PER_AGENCY = YEARS[1] - YEARS[0] + 1  # one report per agency-year
MAX_AGENCIES = 213  # the generator's cap
MARKER = ".gov_bench"  # a work folder with this file is ours to wipe
SCORE_SAMPLE = 10_000  # reports scored against the truth at most (an evenly spread sample beyond)

# (result key, comparison, threshold, label)
TARGETS: list[tuple[str, str, float, str]] = [
    ("ratio_pipeline_to_bare", "<=", 1.5, "pipeline vs bare library (bare/pipeline throughput)"),
    ("pipeline_reports_per_s", ">=", 100.0, "pipeline throughput, files -> marts"),
    ("single_report_run_s", "<=", 10.0, "one new report -> marts and the analysts' copy (s)"),
    ("sensor_tick_s", "<=", 5.0, "inbox sensor tick over the loaded inbox (s)"),
    ("ui_page_max_s", "<=", 3.0, "slowest Dagster UI page (asset, partitions, runs, automation; first visit too)"),
    ("peak_rss_mb", "<=", 2000.0, "peak RSS of the pipeline process tree"),
    ("marts_refresh_s", "<=", 5.0, "refresh_marts run on the loaded warehouse"),
    ("metric_f1", ">=", 0.98, "overall metric F1"),
    ("metadata_accuracy", ">=", 0.99, "mean metadata accuracy"),
    ("pdf_pages_per_s", ">=", 20.0, "PDF reading, tables included, one core"),
    ("html_pages_per_s", ">=", 200.0, "HTML page reading, one core"),
    ("mixed_metric_f1", ">=", 0.98, "overall metric F1, text/HTML/Word/PDF corpus"),
]
FORMATS_DIR = REPO_ROOT / "tests" / "formats"  # our own report rendered as HTML, Word and PDF


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --------------------------------------------------------------------------- corpus
def corpus_plan(n: int, seed: int) -> list[tuple[str, int, int, int, str | None]]:
    """(sub-folder, seed, agencies, reports kept, bureau) per generator call; one folder ('') when n fits one
    corpus. The first sub-corpus is environmental bureaus, each further one the bureaus of another function
    (synth BUREAUS, in turn): a national corpus's agencies are distinct, not the same few hundred again."""
    if n < 1:
        raise ValueError("n must be at least 1")
    cap = MAX_AGENCIES * PER_AGENCY
    parts = math.ceil(n / cap)
    plan = []
    for i in range(parts):
        count = n // parts + (1 if i < n % parts else 0)
        bureau = None if i == 0 else BUREAUS[(i - 1) % len(BUREAUS)]
        plan.append(("" if parts == 1 else f"part{i}", seed + 1000 * i, math.ceil(count / PER_AGENCY), count, bureau))
    return plan


def _synth(out: Path, agencies: int, years: tuple[int, int], seed: int, bureau: str | None = None) -> list[dict]:
    cmd = [sys.executable, "-m", "gov_pipeline.synth", "--out", str(out), "--agencies", str(agencies),
           "--years", f"{years[0]}-{years[1]}", "--seed", str(seed), *(["--bureau", bureau] if bureau else [])]
    proc = subprocess.run(cmd, capture_output=True, text=True, cwd=REPO_ROOT)
    if proc.returncode != 0:
        raise RuntimeError(f"corpus generation failed ({' '.join(cmd)}):\n{proc.stderr[-2000:]}")
    with (out / "truth.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def make_corpus(root: Path, n: int, seed: int) -> dict[str, list[dict]]:
    """Write exactly n reports under root; returns {sub-folder: truth records} (files relative to the sub-folder)."""
    truths: dict[str, list[dict]] = {}
    for sub, sub_seed, agencies, count, bureau in corpus_plan(n, seed):
        folder = root / sub if sub else root
        records = _synth(folder, agencies, YEARS, sub_seed, bureau)
        keep, drop = records[:count], records[count:]
        for rec in drop:  # the generator writes whole agencies; trim the surplus agency-years
            (folder / rec["file"]).unlink(missing_ok=True)
        if drop:
            with (folder / "truth.jsonl").open("w", encoding="utf-8", newline="\n") as fh:
                for rec in keep:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        truths[sub] = keep
    return truths


def corpus_files(root: Path, truths: dict[str, list[dict]]) -> list[Path]:
    return [(root / sub / rec["file"]) if sub else (root / rec["file"]) for sub, recs in truths.items() for rec in recs]


# --------------------------------------------------------------------------- (a) bare library
def bench_bare(files: list[Path], segmenter: str) -> tuple[dict, list[str]]:
    """decode_report + analyse_raw over every file in this process; returns figures and the cleaned texts."""
    from gov_pipeline.text.decode import decode_report
    from gov_pipeline.text.model import QuarantineError
    from gov_pipeline.text.pipeline import analyse_raw

    texts: list[str] = []
    failures = 0
    first_s = None
    t0 = time.perf_counter()
    for i, path in enumerate(files):
        try:
            decoded = decode_report(path.read_bytes())
        except QuarantineError:
            failures += 1
            texts.append("")
            continue
        try:
            texts.append(analyse_raw(path.stem, decoded.text, segmenter).cleaned.text)
        except Exception:  # the pipeline quarantines these; count them
            failures += 1
            texts.append(decoded.text)
        if i == 0:
            first_s = time.perf_counter() - t0
    total = time.perf_counter() - t0
    n = len(files)
    steady = (n - 1) / (total - first_s) if n > 1 and first_s is not None and total > first_s else None
    return {
        "bare_seconds": total,
        "bare_reports_per_s": n / total if total > 0 else None,
        "bare_first_report_s": first_s,  # includes the one-off loads (segmenter, gazetteer, IDF table)
        "bare_steady_reports_per_s": steady,
        "bare_failures": failures,
    }, texts


# --------------------------------------------------------------------------- (c) segmenters
def bench_formats(seconds: float = 2.0) -> dict:
    """Reading speed of each format on our own report's renderings (tests/formats), one core, next to
    `pdftotext -layout` on the same PDF when poppler is installed."""
    import shutil
    import subprocess

    from gov_pipeline.text.documents import read_document

    out: dict[str, float] = {}
    pdf_pages = 0
    for name, key, per_file in (("report.html", "html_pages_per_s", 1), ("report.docx", "docx_files_per_s", 1),
                                ("report.pdf", "pdf_pages_per_s", None)):
        data = (FORMATS_DIR / name).read_bytes()
        doc = read_document(data, name)  # warm: imports, the first parse
        pages = per_file or len({b.page for b in doc.blocks})
        pdf_pages = pages if per_file is None else pdf_pages
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            read_document(data, name).text()
            n += 1
        out[key] = n * pages / (time.perf_counter() - t0)
    tool = shutil.which("pdftotext")
    if tool:
        n, t0 = 0, time.perf_counter()
        while time.perf_counter() - t0 < seconds:
            subprocess.run([tool, "-layout", str(FORMATS_DIR / "report.pdf"), "-"], capture_output=True, check=True)
            n += 1
        out["pdftotext_layout_pages_per_s"] = n * pdf_pages / (time.perf_counter() - t0)
    return out


def bench_segmenters(texts: list[str]) -> dict:
    from gov_pipeline.text.segment import get_segmenter, token_agreement

    out: dict[str, Any] = {}
    tokens: dict[str, list[list[str]]] = {}
    for kind in ("jieba", "rjieba"):
        t0 = time.perf_counter()
        seg = get_segmenter(kind)
        out[f"{kind}_load_s"] = time.perf_counter() - t0  # ~0 if (a) already loaded it
        t0 = time.perf_counter()
        tokens[kind] = [seg.lcut(t) for t in texts]
        dt_ = time.perf_counter() - t0
        chars = sum(len(t) for t in texts)
        out[f"{kind}_seconds"] = dt_
        out[f"{kind}_reports_per_s"] = len(texts) / dt_ if dt_ > 0 else None
        out[f"{kind}_mb_per_s"] = chars * 3 / 1e6 / dt_ if dt_ > 0 else None  # ~3 UTF-8 bytes per CJK char
    agree = [token_agreement(a, b) for a, b in zip(tokens["jieba"], tokens["rjieba"]) if a]
    out["segmenter_agreement"] = statistics.fmean(agree) if agree else 1.0
    out["segmenter_agreement_min"] = min(agree) if agree else 1.0
    return out


# --------------------------------------------------------------------------- child processes
# Every Dagster run below happens in a fresh interpreter (`python -c CHILD <mode> <json>`) on the
# persistent instance, with the definitions' in-process executor: the same launch path for (b), (d), (e).
CHILD = r'''
import json, os, resource, sys, time
T0 = time.perf_counter()
mode, args = sys.argv[1], json.loads(sys.argv[2])
prof = None
if args.get("profile"):
    import cProfile
    prof = cProfile.Profile(); prof.enable()
out = {"mode": mode, "runs": []}
import dagster as dg

def run(job, **kw):
    t = time.perf_counter()
    res = job.execute_in_process(instance=instance, **kw)
    out["runs"].append({"job": job.name, "run_id": res.run_id, "success": res.success,
                        "seconds": time.perf_counter() - t})
    return res

QUIET = {"loggers": {"console": {"config": {"log_level": "WARNING"}}}}
if mode == "floor":
    import importlib.util
    spec = importlib.util.spec_from_file_location("bench_floor_defs", args["floor_module"])
    mod = importlib.util.module_from_spec(spec); spec.loader.exec_module(mod)
    out["import_s"] = time.perf_counter() - T0
    with dg.DagsterInstance.get() as instance:
        run(mod.defs.resolve_job_def("floor_job"), run_config=QUIET)
else:
    from gov_pipeline.definitions import defs
    from gov_pipeline.demo import QUIET, materialize_all, run_reports
    from gov_pipeline.settings import get_settings
    settings = get_settings()
    out["import_s"] = time.perf_counter() - T0
    out["workers"], out["segmenter"] = settings.workers, settings.segmenter
    with dg.DagsterInstance.get() as instance:
        t = time.perf_counter()
        if mode == "full":  # exactly what `make demo` does (one run), then a rollup refresh on the loaded warehouse
            materialize_all(defs, instance, settings, run_config=QUIET)
            out["pipeline_work_s"] = time.perf_counter() - t
            run(defs.resolve_job_def("refresh_marts"), run_config=QUIET)
            for rec in instance.get_runs(limit=2)[::-1]:
                out["runs"].append({"job": rec.job_name, "run_id": rec.run_id,
                                    "success": rec.status == dg.DagsterRunStatus.SUCCESS, "seconds": None})
        elif mode == "single":  # the run the inbox sensor launches for a new file, with the sensor's run config
            from pathlib import Path
            from gov_pipeline.defs.automation import tick_request
            from gov_pipeline.inbox import plan_tick
            from gov_pipeline.warehouse import published_register
            plan = plan_tick(Path(settings.inbox), published_register(str(settings.read_copy)), None, time.time_ns(), 0)
            request = tick_request(plan, 0, settings.bulk_files)
            out["tick_s"] = time.perf_counter() - t  # (the sensor's work, before the run: not in the run's time)
            t_run = time.perf_counter()
            job = defs.resolve_job_def(request.job_name)
            config = {**QUIET, "ops": request.run_config["ops"]}
            res = job.execute_in_process(instance=instance, run_config=config, tags=dict(request.tags))
            raw = res.asset_materializations_for_node("raw__reports")
            out["files_read"] = raw[0].metadata["files_read"].value if raw else None
            out["runs"].append({"job": res.job_def.name, "run_id": res.run_id, "success": res.success,
                                "seconds": time.perf_counter() - t_run})
        out["work_s"] = time.perf_counter() - t
if prof is not None:
    prof.disable(); prof.dump_stats(args["profile"])
out["child_s"] = time.perf_counter() - T0
out["maxrss_self_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
out["maxrss_children_mb"] = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
print("BENCH_JSON " + json.dumps(out), flush=True)
'''

FLOOR_DEFS = '''\
"""Orchestration floor for gov_pipeline.bench: three chained assets that do nothing."""
import dagster as dg


@dg.asset
def floor_a() -> None:
    return None


@dg.asset(deps=[floor_a])
def floor_b() -> None:
    return None


@dg.asset(deps=[floor_b])
def floor_c() -> None:
    return None


defs = dg.Definitions(
    assets=[floor_a, floor_b, floor_c],
    jobs=[dg.define_asset_job("floor_job", selection=[floor_a, floor_b, floor_c])],
    executor=dg.in_process_executor,
)
'''


class TreeRss:
    """Samples the summed RSS of a process and all its descendants, and their summed PSS.

    RSS counts a page shared by several processes (the forked workers share the parent's loaded
    tables copy-on-write) once in each of them; PSS (Linux) splits it between them, so the PSS sum
    is the memory the tree really holds. Both are reported; the target is on the RSS sum.
    """

    def __init__(self, pid: int, interval: float = 0.1, pss_every: int = 5):
        self.pid, self.interval, self.pss_every = pid, interval, pss_every
        self.peak_mb = 0.0
        self.peak_procs = 0
        self.peak_pss_mb: float | None = None
        self.peak_single_mb = 0.0  # the largest one process was (ru_maxrss is no use here: Linux carries a
        # forked child's high-water mark across exec, so a child of a big bench process starts "big")
        self.peak_by_pid: dict[int, float] = {}  # each process's largest RSS (MB): a step's, through its pid
        self.at_peak: dict[int, tuple[float, str]] = {}  # the tree at its peak RSS sum: pid -> (RSS MB, what it is)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._loop, daemon=True)

    def _loop(self) -> None:
        import psutil

        try:
            root = psutil.Process(self.pid)
        except psutil.Error:
            return
        tick = 0
        while not self._stop.is_set():
            try:
                procs = [root, *root.children(recursive=True)]
            except psutil.Error:
                break
            total = pss = 0
            sample: dict[int, tuple[float, str]] = {}
            for p in procs:
                try:
                    rss = p.memory_info().rss
                    total += rss
                    sample[p.pid] = (rss / 2**20, process_role(p))
                    self.peak_single_mb = max(self.peak_single_mb, rss / 2**20)
                    self.peak_by_pid[p.pid] = max(self.peak_by_pid.get(p.pid, 0.0), rss / 2**20)
                    if tick % self.pss_every == 0:
                        pss += getattr(p.memory_full_info(), "pss", 0)
                except (psutil.Error, OSError):
                    pass
            if total / 2**20 > self.peak_mb:
                self.peak_mb, self.peak_procs, self.at_peak = total / 2**20, len(procs), sample
            if pss and pss / 2**20 > (self.peak_pss_mb or 0.0):
                self.peak_pss_mb = pss / 2**20
            tick += 1
            self._stop.wait(self.interval)

    def __enter__(self) -> "TreeRss":
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def process_role(proc) -> str:
    """What a process of the bench's tree is, from its command line: the multiprocess executor's fork server and
    its helpers by name, the bench's child (the run's own process), anything else by its program."""
    try:
        cmd = " ".join(proc.cmdline())
    except Exception:  # psutil.Error: gone meanwhile
        return "?"
    for needle, role in (("forkserver import main", "fork server / step"), ("resource_tracker", "resource tracker"),
                         ("watch_orphans", "orphan watcher"), ("BENCH_JSON", "bench child (the run's process)")):
        if needle in cmd:
            return role
    return Path(cmd.split(" ")[0]).name if cmd else "?"


def run_child(mode: str, env: dict[str, str], log_dir: Path, **args) -> dict:
    """Run one CHILD mode in a fresh interpreter; returns its JSON plus wall time and sampled tree RSS."""
    log_dir.mkdir(parents=True, exist_ok=True)
    stamp = f"{mode}-{len(list(log_dir.glob(mode + '-*.log')))}"
    log_path = log_dir / f"{stamp}.log"
    with log_path.open("w", encoding="utf-8") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CHILD, mode, json.dumps(args)], cwd=REPO_ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=err, text=True)
        with TreeRss(proc.pid) as rss:
            stdout, _ = proc.communicate()
        wall = time.perf_counter() - t0
    line = next((ln for ln in reversed(stdout.splitlines()) if ln.startswith("BENCH_JSON ")), None)
    if proc.returncode != 0 or line is None:
        tail = log_path.read_text(encoding="utf-8", errors="replace")[-3000:]
        raise RuntimeError(f"bench child {mode!r} failed (exit {proc.returncode}); log {log_path}:\n{tail}")
    out = json.loads(line[len("BENCH_JSON "):])
    out.update(wall_s=wall, peak_tree_rss_mb=rss.peak_mb, peak_tree_pss_mb=rss.peak_pss_mb,
               peak_single_rss_mb=rss.peak_single_mb, peak_rss_by_pid_mb={str(k): v for k, v in rss.peak_by_pid.items()},
               at_peak={str(k): v for k, v in rss.at_peak.items()},
               peak_tree_procs=rss.peak_procs, log=str(log_path))
    failed = [r for r in out["runs"] if not r["success"]]
    if failed:
        raise RuntimeError(f"bench child {mode!r}: run(s) failed {failed}; see {log_path} and the instance")
    return out


# --------------------------------------------------------------------------- event log
def step_seconds(home: Path, run_ids: list[str]) -> tuple[dict[str, float], dict[str, float], dict[str, float],
                                                          dict[str, set[str]]]:
    """Per-step seconds (STEP_START -> STEP_SUCCESS/FAILURE), per-run seconds (RUN_START -> RUN_SUCCESS/FAILURE),
    the event-log bookkeeping: seconds spent writing the ASSET_MATERIALIZATION_PLANNED events (before RUN_START)
    and the ASSET_MATERIALIZATION events (first to last, inside each step), and derive_reports' step_seconds; and
    pid -> the steps that process ran (the pid each STEP_START carries: the multiprocess executor runs each step in a
    process of its own, the run's own process runs the rest)."""
    import dagster as dg

    ev = dg.DagsterEventType
    pids: dict[str, set[str]] = defaultdict(set)
    steps: dict[str, float] = {}
    runs: dict[str, float] = {}
    book: dict[str, float] = defaultdict(float)
    instance = dg.DagsterInstance.from_config(str(home))
    try:
        for run_id in run_ids:
            start: dict[str, float] = {}
            run_t: dict[str, float] = {}
            mats: dict[str, list[float]] = {}
            first_ts = None
            for entry in instance.all_logs(run_id):
                e = entry.dagster_event
                first_ts = entry.timestamp if first_ts is None else first_ts
                if e is None:
                    continue
                t = e.event_type
                book["events"] += 1
                if t == ev.ASSET_MATERIALIZATION_PLANNED:
                    book["planned_events"] += 1
                elif t == ev.ASSET_MATERIALIZATION:
                    book["materialization_events"] += 1
                    # derive_reports says how its step time splits (merging the parts / deriving the rest)
                    timing = e.event_specific_data.materialization.metadata.get("step_seconds")
                    for k, v in (timing.value.items() if timing is not None else ()):
                        book[f"derive_{k}_s"] += v
                    span = mats.setdefault(e.step_key or "", [entry.timestamp, entry.timestamp])
                    span[1] = entry.timestamp
                if t in (ev.RUN_START, ev.RUN_SUCCESS, ev.RUN_FAILURE):
                    run_t["start" if t == ev.RUN_START else "end"] = entry.timestamp
                    if t == ev.RUN_START:
                        book["planned_events_s"] += entry.timestamp - first_ts
                elif t == ev.STEP_START:
                    start[e.step_key] = entry.timestamp
                    pids[str(e.pid)].add(e.step_key)
                elif t in (ev.STEP_SUCCESS, ev.STEP_FAILURE) and e.step_key in start:
                    steps[e.step_key] = steps.get(e.step_key, 0.0) + entry.timestamp - start.pop(e.step_key)
            book["materialization_events_s"] += sum(b - a for a, b in mats.values())
            if "start" in run_t and "end" in run_t:
                run = instance.get_run_by_id(run_id)
                runs[run.job_name if run else run_id] = run_t["end"] - run_t["start"]
    finally:
        instance.dispose()
    return steps, runs, dict(book), dict(pids)


def peak_rss_by_step(steps: dict[str, set[str]], by_pid: dict[str, float]) -> dict[str, float]:
    """The largest RSS (MB) of each step's process (steps: step_seconds' pids); the run's own process is "(run process)"."""
    out: dict[str, float] = {}
    for pid, keys in steps.items():
        name = next(iter(keys)) if len(keys) == 1 else f"(run process: {len(keys)} steps)"
        if pid in by_pid:
            out[name] = max(out.get(name, 0.0), by_pid[pid])
    return dict(sorted(out.items(), key=lambda kv: -kv[1]))


def processes_at_peak(steps: dict[str, set[str]], at_peak: dict[str, list]) -> list[list]:
    """The process tree at its peak RSS sum, largest first: [RSS MB, what it is], a step's process named by the
    step(s) it ran (steps: step_seconds' pids; the fork server itself ran none)."""
    rows = []
    for pid, (mb, role) in at_peak.items():
        ran = steps.get(pid)
        if ran:
            role = f"step {next(iter(ran))}" if len(ran) == 1 else f"{role}: {len(ran)} steps"
        elif role == "fork server / step":
            role = "fork server"
        rows.append([round(mb, 1), role])
    return sorted(rows, reverse=True)


def stage_of(step_key: str) -> str:
    for prefix, stage in (("raw", "raw"), ("staging__report_chunks", "report_chunks"),
                          ("derive_reports", "derive_reports"), ("core__report_inventory", "report_inventory"),
                          ("ref", "ref"), ("sql_models", "marts"), ("warehouse__analysts_copy", "analysts_copy")):
        if step_key.startswith(prefix):
            return stage
    return "other"


# --------------------------------------------------------------------------- scoring
def score_warehouse(warehouse: Path, truths: dict[str, list[dict]], sample: int | None = None) -> dict:
    """evaluate.score per corpus sub-folder (file names repeat across seeds), pooled. Beyond `sample` reports, an
    evenly spread sample of that many is scored (every k-th report of each sub-folder): scoring holds a report's
    truth and rows in Python objects, which for 100,000 reports took over 15 GB."""
    from gov_pipeline.evaluate import load_warehouse, prf, score

    total = sum(len(recs) for recs in truths.values())
    step = max(1, math.ceil(total / (sample or SCORE_SAMPLE)))
    truths = {sub: recs[::step] for sub, recs in truths.items()}
    paths = None if step == 1 else [f"{sub}/{r['file']}" if sub else r["file"] for sub, recs in truths.items()
                                    for r in recs]
    dim, met, raw = load_warehouse(warehouse, paths)
    tot = [0, 0, 0]
    meta = defaultdict(lambda: [0, 0])
    matched = 0
    for sub, recs in truths.items():
        raw_sub = raw
        if sub and len(raw):
            raw_sub = raw[raw["source_path"].astype(str).str.startswith(sub + "/")]
        res = score(recs, dim, met, raw_sub)
        o = res["metrics"]["overall"]
        tot = [tot[0] + o["tp"], tot[1] + o["fp"], tot[2] + o["fn"]]
        for field, v in res["metadata"].items():
            meta[field][0] += v["correct"]
            meta[field][1] += v["total"]
        matched += res["reports"]["matched"]
    metadata = {f: c / t for f, (c, t) in meta.items() if t}
    overall = prf(*tot)
    return {
        "metric_f1": overall["f1"], "metric_precision": overall["precision"], "metric_recall": overall["recall"],
        "metadata_accuracy": statistics.fmean(metadata.values()) if metadata else 1.0,
        "metadata_by_field": metadata, "reports_scored": matched, "scored_every_kth_report": step,
    }


def warehouse_counts(warehouse: Path) -> dict:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        q = lambda sql: int(con.execute(sql).fetchone()[0])  # noqa: E731
        return {
            "loaded": q("SELECT count(*) FROM core.report_inventory WHERE status = 'loaded'"),
            "quarantined": q("SELECT count(*) FROM core.quarantine"),
            "metrics": q("SELECT count(*) FROM core.fact_metric"),
            "sections": q("SELECT count(*) FROM core.fact_section"),
        }
    finally:
        con.close()


# --------------------------------------------------------------------------- the benchmark
def machine_info(settings: Settings) -> dict:
    import importlib.metadata as md

    def ver(pkg: str) -> str | None:
        try:
            return md.version(pkg)
        except md.PackageNotFoundError:
            return None

    info = {
        "cpu_count": os.cpu_count(),
        "cpus_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "platform": platform.platform(), "python": platform.python_version(),
        "dagster": ver("dagster"), "duckdb": ver("duckdb"), "jieba": ver("jieba"), "rjieba": ver("rjieba"),
        "pandas": ver("pandas"), "pandera": ver("pandera"),
        "segmenter": settings.segmenter, "workers": settings.workers,
        "loadavg_at_start": list(os.getloadavg()) if hasattr(os, "getloadavg") else None,
    }
    try:
        import psutil

        info["memory_gb"] = round(psutil.virtual_memory().total / 2**30, 1)
    except ImportError:
        pass
    return info


def prepare_workdir(workdir: Path) -> None:
    if workdir.exists() and any(workdir.iterdir()) and not (workdir / MARKER).exists():
        raise SystemExit(f"error: {workdir} is not empty and was not made by the benchmark; choose another --workdir")
    if workdir.exists():
        shutil.rmtree(workdir)
    workdir.mkdir(parents=True)
    (workdir / MARKER).write_text("gov_pipeline.bench work folder; wiped on every run\n", encoding="utf-8")


MIXED_FORMATS = ("text", "html", "docx", "pdf")
MIXED_MAX = 400  # reports in the mixed-format run (PDF rendering is the slow part of making it)


def make_mixed(src: Path, truths: dict[str, list[dict]], out: Path, n: int) -> dict[str, list[dict]]:
    """The first n reports of the corpus, in turn kept as text and written as an HTML page, a Word file and a PDF
    (gov_pipeline.synth.documents: paragraphs, pipe rows as ruled tables); their truth records renamed."""
    from gov_pipeline.synth.documents import WRITERS, blocks_of_text
    from gov_pipeline.text.decode import decode_report
    from gov_pipeline.text.model import QuarantineError

    out.mkdir(parents=True)
    recs = []
    for i, (sub, rec) in enumerate((s, r) for s, rs in truths.items() for r in rs):
        if i >= n:
            break
        path = (src / sub / rec["file"]) if sub else (src / rec["file"])
        fmt = MIXED_FORMATS[i % len(MIXED_FORMATS)]
        data = path.read_bytes()
        if fmt != "text":
            try:
                data = WRITERS[fmt](blocks_of_text(decode_report(data).text))
            except QuarantineError:
                fmt = "text"  # a report the generator made undecodable stays as it is
        name = f"{i:05d}_{Path(rec['file']).stem}.{'txt' if fmt == 'text' else fmt}"
        (out / name).write_bytes(data)
        recs.append({**rec, "file": name, "format": fmt})
    return {"": recs}


def bench_mixed(corpus: Path, truths: dict[str, list[dict]], workdir: Path, env: dict, logs: Path) -> dict:
    """(f) the make-demo path over a corpus of text, HTML, Word and PDF files (fresh instance and warehouse)."""
    n = min(MIXED_MAX, sum(len(r) for r in truths.values()))
    t0 = time.perf_counter()
    mixed = make_mixed(corpus, truths, workdir / "mixed", n)
    made = time.perf_counter() - t0
    home, warehouse = workdir / "mixed_home", workdir / "mixed_warehouse" / "gov.duckdb"
    from gov_pipeline.instance import ensure_dagster_home

    ensure_dagster_home(home)
    env = {**env, "GOV_INBOX": str(workdir / "mixed"), "GOV_WAREHOUSE": str(warehouse), "DAGSTER_HOME": str(home)}
    full = run_child("full", env, logs)
    seconds = full["wall_s"] - (full["work_s"] - full["pipeline_work_s"])
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        by_format = dict(con.execute("SELECT format, count(*) FROM raw.reports GROUP BY 1 ORDER BY 1").fetchall())
        quarantined = con.execute("SELECT count(*) FROM core.quarantine").fetchone()[0]
        cells = con.execute("SELECT count(*), count(page) FROM core.fact_table_cell").fetchone()
    finally:
        con.close()
    scored = score_warehouse(warehouse, mixed)
    return {"mixed_reports": n, "mixed_by_format": by_format, "mixed_making_s": made, "mixed_pipeline_s": seconds,
            "mixed_reports_per_s": n / seconds, "mixed_quarantined": quarantined, "mixed_table_cells": cells[0],
            "mixed_cells_with_page": cells[1], "mixed_metric_f1": scored["metric_f1"],
            "mixed_metadata_accuracy": scored["metadata_accuracy"]}


def run_bench(n: int = 2000, seed: int = 0, workdir: Path | None = None, repeat: int = 5,
              workers: int | None = None, segmenter: str | None = None, skip_pipeline: bool = False,
              skip_bare: bool = False, skip_segmenters: bool = False, profile: bool = False,
              skip_formats: bool = False, skip_mixed: bool = False) -> dict:
    workdir = Path(workdir or REPO_ROOT / "bench" / "work").resolve()
    prepare_workdir(workdir)
    corpus, home, warehouse = workdir / "corpus", workdir / "dagster_home", workdir / "warehouse" / "gov.duckdb"
    logs = workdir / "logs"

    env = dict(os.environ)
    if workers is not None:
        env["GOV_WORKERS"] = str(workers)
    if segmenter is not None:
        env["GOV_SEGMENTER"] = segmenter
    env.update(GOV_INBOX=str(corpus), GOV_WAREHOUSE=str(warehouse), DAGSTER_HOME=str(home))
    env.setdefault("PYTHONHASHSEED", "0")
    settings = Settings.from_env(env)

    results: dict[str, Any] = {"n_reports": n, "seed": seed, "machine": machine_info(settings),
                               "workdir": str(workdir)}
    results.update(segmenter=settings.segmenter, workers=settings.workers)

    log(f"generating {n} reports in {corpus}")
    t0 = time.perf_counter()
    truths = make_corpus(corpus, n, seed)
    files = corpus_files(corpus, truths)
    results["corpus"] = {"seconds": time.perf_counter() - t0, "files": len(files),
                         "bytes": sum(f.stat().st_size for f in files),
                         "parts": [{"folder": s or ".", "reports": len(r)} for s, r in truths.items()]}
    assert len(files) == n, (len(files), n)

    if not skip_formats:
        log("reading speed of each format (tests/formats)")
        results.update(bench_formats())

    texts: list[str] = []
    if not skip_bare:
        log(f"(a) bare library over {n} reports in one process, segmenter {settings.segmenter}")
        bare, texts = bench_bare(files, settings.segmenter)
        results.update(bare)
        log(f"    {bare['bare_reports_per_s']:.1f} reports/s")
    if not skip_segmenters:
        if not texts:
            from gov_pipeline.text.decode import decode_report

            texts = [decode_report(f.read_bytes()).text for f in files]
        log("(c) jieba and rjieba alone")
        results.update(bench_segmenters(texts))
    del texts

    if not skip_pipeline:
        from gov_pipeline.instance import ensure_dagster_home

        ensure_dagster_home(home)
        prof_dir = workdir / "profiles"
        prof_dir.mkdir(exist_ok=True)

        log(f"(b) pipeline: make-demo path over {n} reports (fresh process, DAGSTER_HOME={home})")
        full = run_child("full", env, logs, profile=str(prof_dir / "full.prof") if profile else None)
        steps, runs, book, pids = step_seconds(home, [r["run_id"] for r in full["runs"]])
        results["marts_refresh_s"] = runs.get("refresh_marts")
        # files -> marts: the whole process, less the extra rollup refresh measured after it
        results["pipeline_seconds"] = full["wall_s"] - (full["work_s"] - full["pipeline_work_s"])
        results["pipeline_reports_per_s"] = n / results["pipeline_seconds"]
        if results.get("bare_reports_per_s"):
            results["ratio_pipeline_to_bare"] = results["bare_reports_per_s"] / results["pipeline_reports_per_s"]
        results["peak_rss_mb"] = full["peak_tree_rss_mb"]
        results["peak_pss_mb"] = full["peak_tree_pss_mb"]
        results["peak_rss_single_process_mb"] = full["peak_single_rss_mb"]
        results["pipeline_processes_at_peak"] = full["peak_tree_procs"]
        results["peak_rss_by_step_mb"] = dict(list(peak_rss_by_step(pids, full["peak_rss_by_pid_mb"]).items())[:8])
        results["processes_at_peak_mb"] = processes_at_peak(pids, full["at_peak"])
        results["event_log"] = book
        results["step_seconds"] = steps
        stages: dict[str, float] = defaultdict(float)
        for key, sec in steps.items():
            stages[stage_of(key)] += sec
        stages = dict(stages)
        stages["process_reports_run"] = runs.get("__ASSET_JOB") or runs.get("process_reports_parallel")  # one run
        stages["refresh_marts_run"] = runs.get("refresh_marts")
        stages["run_overhead_outside_steps"] = (sum(runs.values()) - sum(steps.values())) if runs else None
        stages["process_start_imports"] = full["import_s"]
        stages["materialize_all_outside_runs"] = full["work_s"] - sum(runs.values())  # sync, job build, run setup
        stages["process_exit_and_rest"] = full["wall_s"] - full["child_s"]
        # Dagster event-log bookkeeping, already counted in the figures above (runs, steps, outside runs)
        stages["of_which_planned_events"] = book.get("planned_events_s", 0.0)
        stages["of_which_materialization_events"] = book.get("materialization_events_s", 0.0)
        # derive_reports' own split (merging the parts, deriving what no part covers; the parts' deriving and writing)
        stages.update({f"derive_reports_{k[len('derive_'):-len('_s')]}": v for k, v in book.items()
                       if k.startswith("derive_")})
        results["stage_seconds"] = stages
        results["pipeline_child"] = {k: full[k] for k in ("import_s", "work_s", "child_s", "wall_s", "workers",
                                                           "segmenter", "maxrss_self_mb", "maxrss_children_mb")}
        log(f"    {results['pipeline_reports_per_s']:.1f} reports/s, {full['wall_s']:.1f}s wall")

        log("    scoring the warehouse against truth.jsonl")
        results["warehouse"] = warehouse_counts(warehouse)
        results.update(score_warehouse(warehouse, truths))
        if skip_mixed:  # the truth of 100,000 reports holds ~6 GB of Python objects: the page cache the
            truths = None  # measurements below (the copy, the listing) need
            gc.collect()

        # (d) and (e) alternate, so that a drift of the machine's speed during the bench weighs on both alike
        log(f"(d) orchestration floor: trivial 3-asset job, and (e) one new report through to refreshed marts, "
            f"x{repeat} each, alternating")
        floor_module = workdir / "floor_defs.py"
        floor_module.write_text(FLOOR_DEFS, encoding="utf-8")
        extra = workdir / "extra"
        extra_truths = make_corpus(extra, repeat, seed + 99_991)
        floors, singles = [], []
        for i, src in enumerate(corpus_files(extra, extra_truths)):
            floors.append(run_child("floor", env, logs, floor_module=str(floor_module),
                                    profile=str(prof_dir / f"floor{i}.prof") if profile else None))
            shutil.copy(src, corpus / f"zz_bench_new_{i}_{src.name}")
            singles.append(run_child("single", env, logs,
                                     profile=str(prof_dir / f"single{i}.prof") if profile else None))
            if singles[-1].get("files_read") != 1:
                raise RuntimeError(f"single run {i} read {singles[-1].get('files_read')} files, not 1")
        results["floor_run_s"] = statistics.median(f["wall_s"] for f in floors)
        results["floor_runs_s"] = [f["wall_s"] for f in floors]
        results["floor_import_s"] = statistics.median(f["import_s"] for f in floors)
        results["floor_in_run_s"] = statistics.median(f["runs"][0]["seconds"] for f in floors)
        # the run the sensor launches, from its process's start to its end (the sensor's tick, which found the
        # file and planned the request, is measured on its own below)
        for s in singles:
            s["run_wall_s"] = s["wall_s"] - s.get("tick_s", 0.0)
        results["single_report_run_s"] = statistics.median(s["run_wall_s"] for s in singles)
        results["single_report_runs_s"] = [s["run_wall_s"] for s in singles]
        mid = sorted(singles, key=lambda s: s["run_wall_s"])[len(singles) // 2]
        s_steps, s_runs, _, _ = step_seconds(home, [r["run_id"] for r in mid["runs"]])
        results["single_breakdown"] = {
            "process_start_imports": mid["import_s"],
            "sensor_tick_planned_first (not counted)": mid.get("tick_s"),
            **{f"{r['job']}_execute_in_process": r["seconds"] for r in mid["runs"]},
            **{f"{k}_run": v for k, v in s_runs.items()},
            "steps": s_steps,
            "rest (interpreter start, instance open, exit)": mid["wall_s"] - mid["child_s"],
        }
        results["ratio_single_to_floor"] = results["single_report_run_s"] / results["floor_run_s"]

        log("(g) the inbox sensor's tick over the loaded inbox, and what the warehouse weighs")
        results.update(bench_sensor_tick(corpus, settings, repeat))
        results.update(warehouse_sizes(settings))
        log(f"    tick {results['sensor_tick_s']:.2f} s over {n + repeat} files; warehouse "
            f"{results['warehouse_mb']:.0f} MB")
        log("(h) the Dagster UI's pages on this instance (the GraphQL queries the pages make, gov_pipeline.bench_ui)")
        results.update(bench_ui_pages(home, env))
        log(f"    slowest page {results['ui_page_max_s']:.2f} s (first visits included)")
        if not skip_mixed:
            log("(f) mixed formats: text, HTML, Word and PDF files through the make-demo path")
            results.update(bench_mixed(corpus, truths, workdir, env, logs))
            log(f"    {results['mixed_reports_per_s']:.1f} reports/s, F1 {results['mixed_metric_f1']:.3f}")
        if profile:
            results["profiles"] = str(prof_dir)
    return results


def bench_sensor_tick(corpus: Path, settings: Settings, repeat: int) -> dict:
    """The inbox sensor's work on a tick over the loaded inbox (inbox.plan_tick against the published register):
    the median of `repeat` ticks, and the cursor it keeps."""
    from gov_pipeline.inbox import plan_tick
    from gov_pipeline.warehouse import published_register

    ticks, cursor, plan = [], None, None
    for _ in range(max(3, repeat)):
        t = time.perf_counter()
        plan = plan_tick(corpus, published_register(str(settings.read_copy)), cursor, time.time_ns(),
                         settings.sensor_interval_s)
        ticks.append(time.perf_counter() - t)
        cursor = plan.cursor
    return {"sensor_tick_s": statistics.median(ticks), "sensor_ticks_s": ticks,
            "sensor_cursor_bytes": len(json.dumps(cursor)), "sensor_tick_asks": plan.request is not None}


def bench_ui_pages(home: Path, env: dict) -> dict:
    """The asset page and partitions view of raw/reports, the runs page and the automation page, served by
    dagster-webserver over the bench's instance and the project's code location: the first visit and the median of
    three, per page."""
    from gov_pipeline.bench_ui import measure_pages, serve

    with serve(home, REPO_ROOT / "workspace.yaml", env=env) as base_url:
        pages = measure_pages(base_url, ["raw", "reports"], repeats=3)
    timed = {k: v for k, v in {**pages["median"]}.items() if k.startswith("page:")}
    first = {k: v for k, v in pages["first"].items() if k.startswith("page:")}
    return {"ui_pages_s": timed, "ui_pages_first_s": first, "ui_page_max_s": max([*timed.values(), *first.values()])}


def warehouse_sizes(settings: Settings) -> dict:
    def mb(p: Path) -> float | None:
        return p.stat().st_size / 1e6 if p.exists() else None

    return {"warehouse_mb": mb(settings.warehouse), "read_copy_mb": mb(settings.read_copy)}


# --------------------------------------------------------------------------- report
def check_targets(results: dict) -> list[dict]:
    rows = []
    for key, op, threshold, label in TARGETS:
        value = results.get(key)
        ok = None if value is None else (value <= threshold if op == "<=" else value >= threshold)
        rows.append({"key": key, "value": value, "target": f"{op} {threshold:g}", "label": label,
                     "status": "SKIP" if ok is None else ("PASS" if ok else "FAIL")})
    return rows


def _f(v: Any, digits: int = 2) -> str:
    if v is None:
        return "-"
    if isinstance(v, float):
        return f"{v:,.{digits}f}" if abs(v) < 1e6 else f"{v:,.0f}"
    return str(v)


def render(results: dict) -> str:
    m = results["machine"]
    out = [f"gov_pipeline bench: {results['n_reports']} reports, seed {results['seed']}, "
           f"segmenter={results['segmenter']}, workers={results['workers']}",
           f"machine: {m['cpu_count']} CPUs ({m['cpus_usable']} usable), {m.get('memory_gb', '?')} GB, "
           f"Python {m['python']}, dagster {m['dagster']}, duckdb {m['duckdb']}, "
           f"load avg {m.get('loadavg_at_start')} -> {m.get('loadavg_at_end')}", ""]
    rows = [
        ("bare library", "bare_reports_per_s", "reports/s"),
        ("  first report (one-off loads)", "bare_first_report_s", "s"),
        ("  steady state", "bare_steady_reports_per_s", "reports/s"),
        ("pipeline files -> marts", "pipeline_reports_per_s", "reports/s"),
        ("  wall", "pipeline_seconds", "s"),
        ("ratio bare/pipeline", "ratio_pipeline_to_bare", "x"),
        ("jieba alone", "jieba_reports_per_s", "reports/s"),
        ("rjieba alone", "rjieba_reports_per_s", "reports/s"),
        ("jieba/rjieba token agreement", "segmenter_agreement", ""),
        ("floor: trivial 3-asset run", "floor_run_s", "s"),
        ("one new report -> marts", "single_report_run_s", "s"),
        ("ratio single/floor", "ratio_single_to_floor", "x"),
        ("peak RSS, process tree", "peak_rss_mb", "MB"),
        ("peak PSS, process tree", "peak_pss_mb", "MB"),
        ("peak RSS, largest process", "peak_rss_single_process_mb", "MB"),
        ("refresh_marts run", "marts_refresh_s", "s"),
        ("HTML page reading", "html_pages_per_s", "pages/s"),
        ("Word file reading", "docx_files_per_s", "files/s"),
        ("PDF reading, tables included", "pdf_pages_per_s", "pages/s"),
        ("pdftotext -layout, same PDF", "pdftotext_layout_pages_per_s", "pages/s"),
        ("metric F1", "metric_f1", ""),
        ("metadata accuracy", "metadata_accuracy", ""),
        ("mixed formats: reports", "mixed_reports", ""),
        ("mixed formats: files -> marts", "mixed_reports_per_s", "reports/s"),
        ("mixed formats: metric F1", "mixed_metric_f1", ""),
        ("mixed formats: metadata accuracy", "mixed_metadata_accuracy", ""),
        ("mixed formats: table cells", "mixed_table_cells", ""),
        ("mixed formats: quarantined", "mixed_quarantined", ""),
    ]
    for label, key, unit in rows:
        if key in results:
            out.append(f"{label:<34}{_f(results[key], 3 if unit == '' else 2):>12} {unit}")
    if results.get("stage_seconds"):
        out += ["", "pipeline breakdown (seconds):"]
        for k, v in results["stage_seconds"].items():
            out.append(f"  {k:<32}{_f(v):>10}")
        out.append("  steps:")
        for k, v in sorted(results["step_seconds"].items(), key=lambda kv: -kv[1]):
            out.append(f"    {k:<38}{_f(v):>8}")
    if results.get("processes_at_peak_mb"):
        out += ["", f"process tree at its peak RSS sum ({_f(results['peak_rss_mb'])} MB):"]
        out += [f"  {role:<44}{_f(mb):>8} MB" for mb, role in results["processes_at_peak_mb"]]
    if results.get("event_log"):
        b = results["event_log"]
        out.append(f"  event log: {int(b.get('events', 0))} events; {int(b.get('planned_events', 0))} "
                   f"ASSET_MATERIALIZATION_PLANNED written in {_f(b.get('planned_events_s'))} s before RUN_START, "
                   f"{int(b.get('materialization_events', 0))} ASSET_MATERIALIZATION in "
                   f"{_f(b.get('materialization_events_s'))} s inside the steps")
    if results.get("single_breakdown"):
        out += ["", "one new report (median run, seconds):"]
        for k, v in results["single_breakdown"].items():
            if k == "steps":
                for sk, sv in sorted(v.items(), key=lambda kv: -kv[1]):
                    out.append(f"    step {sk:<33}{_f(sv):>8}")
            else:
                out.append(f"  {k:<44}{_f(v):>8}")
        out.append(f"  floor runs: {', '.join(_f(x) for x in results['floor_runs_s'])} s "
                   f"(imports {_f(results['floor_import_s'])} s, run {_f(results['floor_in_run_s'])} s)")
    if results.get("warehouse"):
        w = results["warehouse"]
        out += ["", f"warehouse: {w['loaded']} loaded, {w['quarantined']} quarantined, {w['metrics']} metrics, "
                    f"{results.get('reports_scored')} reports scored"]
    out += ["", f"{'target':<26}{'value':>12}  {'goal':<9} result"]
    for t in results["targets"]:
        out.append(f"{t['key']:<26}{_f(t['value'], 3):>12}  {t['target']:<9} {t['status']}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m gov_pipeline.bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--n", type=int, default=2000, help="number of reports (default 2000)")
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--out", type=Path, default=REPO_ROOT / "bench", help="folder for results.json (default bench/)")
    ap.add_argument("--workdir", type=Path, default=REPO_ROOT / "bench" / "work",
                    help="corpus, instance and warehouse (default bench/work; wiped at start)")
    ap.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    ap.add_argument("--repeat", type=int, default=5, help="floor and single-report runs (median; default 5)")
    ap.add_argument("--workers", type=int, default=None, help="GOV_WORKERS for the pipeline (default: settings)")
    ap.add_argument("--segmenter", choices=("jieba", "rjieba"), default=None, help="GOV_SEGMENTER (default: settings)")
    ap.add_argument("--skip-pipeline", action="store_true", help="only (a) and (c): no Dagster, no DuckDB")
    ap.add_argument("--skip-bare", action="store_true")
    ap.add_argument("--skip-segmenters", action="store_true")
    ap.add_argument("--skip-formats", action="store_true", help="no reading speed per format")
    ap.add_argument("--skip-mixed", action="store_true", help="no (f) mixed-format corpus")
    ap.add_argument("--scale", action="store_true",
                    help="what the national-scale figures need: --skip-bare --skip-segmenters --skip-formats --skip-mixed")
    ap.add_argument("--profile", action="store_true",
                    help="cProfile every child process into <workdir>/profiles (implies --keep)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")
    scale = args.scale
    results = run_bench(args.n, args.seed, args.workdir, args.repeat, args.workers, args.segmenter,
                        args.skip_pipeline, args.skip_bare or scale, args.skip_segmenters or scale, args.profile,
                        args.skip_formats or scale, args.skip_mixed or scale)
    results["targets"] = check_targets(results)
    if hasattr(os, "getloadavg"):  # other work on the machine skews every figure; keep the evidence
        results["machine"]["loadavg_at_end"] = list(os.getloadavg())
    args.out.mkdir(parents=True, exist_ok=True)
    path = args.out / "results.json"
    path.write_text(json.dumps(results, ensure_ascii=False, indent=1, default=str) + "\n", encoding="utf-8")
    print(render(results))
    print(f"\nwrote {path}")
    if not (args.keep or args.profile):
        shutil.rmtree(results["workdir"], ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
