"""The scale benchmark (issue 7): one table of load time, peak memory, every saved query,
validation and export, per landscape size and per engine, with the ratios.

Engines, all over the same files in the same named graphs (bundled ontology, vocabularies,
reference data, plus a synthetic landscape from ``clustergraph generate``, seed 0):

- ``rdflib``: the baseline peer, an ``rdflib.Dataset`` parsed by rdflib, queried by rdflib's
  own SPARQL evaluator (union default graph, parameters as ``initBindings``);
- ``clustergraph``: ``clustergraph.store.load`` (in memory) and ``clustergraph.query.run``
  (no time limit: the library default; the worst ratio with one, as the CLI runs queries,
  is a row of its own);
- ``cg store``: the persistent store, ``build_store`` once, then ``open_store`` + ``run``;
- ``pyoxigraph``: the limit, a plain ``pyoxigraph.Store().load(path=...)`` per file and the
  same query text with the same default parameters, bound as the query's ``#+ bind`` says
  (``substitutions``, or the ``VALUES`` blocks of ``clustergraph.query.with_values``).

Every measurement runs in a fresh subprocess (this script with ``--worker``); figures are
medians over ``--runs`` processes (``--big-runs`` at 1M, ``--huge-runs`` at 5M; rdflib,
validation and export once from 1M on). Peak memory is the
subprocess's ``ru_maxrss``. A query in the rdflib peer stops after ``--rdflib-timeout`` s
("> 60 s"); a step whose estimate from the previous size (scaled by the triple count) passes
its limit is skipped and says so. Also the whole-process time of ``clustergraph info`` and
``clustergraph query run policy-overview`` (bundled graph), and with ``--store`` on the 1M
store when the command has that option.

    python benchmarks/run.py --sizes 10k 100k                      # a quick look
    python benchmarks/run.py --workdir /tmp/cgscale --output benchmarks/RESULTS.md

Only the standard library and clustergraph's own dependencies are used.
"""

from __future__ import annotations

import argparse
import datetime
import itertools
import json
import os
import platform
import re
import resource
import shutil
import signal
import statistics
import subprocess
import sys
import time
from pathlib import Path

SIZES = ("10k", "100k", "1M", "5M")
BIG = ("1M", "5M")
ENGINES = ("rdflib", "clustergraph", "cg store", "pyoxigraph")
HERE = Path(__file__).resolve()
#: The country validated on its own (the first synthetic country: Austria).
COUNTRY = "synth-at"


# ------------------------------------------------------------------------------------------
# Worker side: one measurement, in this fresh process; prints one JSON line
# ------------------------------------------------------------------------------------------


def _rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # Linux: KiB


class _Timeout(BaseException):
    """Raised by SIGALRM inside rdflib's (pure Python) evaluator; not an Exception, so that
    no ``except Exception`` on the way swallows it."""


def _on_alarm(signum, frame):  # noqa: ANN001, ARG001
    raise _Timeout


def _catalogue() -> list:
    """The query catalogue's quads (``sh:SPARQLSelectExecutable``, a few hundred triples),
    which clustergraph.store.load adds from queries/*.rq: the peers load them too, so that
    every engine queries the same triples (resource-description's default resource is
    named by one of them)."""
    from clustergraph.catalog import catalog_quads
    from clustergraph.resources import layer_graph

    return list(catalog_quads(layer_graph("queries")))


def _sources(landscape: str) -> list[tuple[Path, str]]:
    """(file, named graph) for everything an engine loads: as clustergraph.store.load does
    with the landscape's files as extra data (plus :func:`_catalogue`)."""
    from clustergraph.resources import bundled_sources
    from clustergraph.store import user_sources

    files = sorted(Path(landscape).rglob("*.ttl"))
    srcs = bundled_sources(["ontology", "vocabularies", "reference"]) + user_sources(files)
    return [(s.path, s.graph) for s in srcs]


def _time_queries(runner, repeat: int, timeout: float | None) -> dict[str, dict]:
    """Each saved query with its default parameters: ``repeat`` runs (one if the first takes
    over a second), or a timeout/error note."""
    from clustergraph.catalog import saved_queries

    out: dict[str, dict] = {}
    for q in saved_queries():
        times: list[float] = []
        rec: dict[str, object] = {}
        for _ in range(repeat):
            if timeout:
                signal.setitimer(signal.ITIMER_REAL, timeout)
            t0 = time.perf_counter()
            try:
                rows = runner(q)
            except _Timeout:
                rec["timeout"] = timeout
                break
            except Exception as exc:  # noqa: BLE001 - a wrong engine answer is a figure
                rec["error"] = type(exc).__name__
                break
            finally:
                if timeout:
                    signal.setitimer(signal.ITIMER_REAL, 0)
            times.append(time.perf_counter() - t0)
            rec["rows"] = rows
            if times[-1] > 1.0:
                break
        rec["times"] = times
        out[q.name] = rec
    return out


def work_engine(task: dict) -> dict:
    engine, landscape, repeat = task["engine"], task["landscape"], task["repeat"]
    res: dict[str, object] = {}
    t0 = time.perf_counter()
    if engine == "clustergraph":
        from clustergraph.query import run
        from clustergraph.store import load

        kg = load(extra_files=sorted(Path(landscape).rglob("*.ttl")))
        res["load"] = time.perf_counter() - t0
        res["triples"] = len(kg)

        def runner(q):  # noqa: ANN001, ANN202
            return len(run(q, kg=kg).rows)

        def limited(q):  # noqa: ANN001, ANN202 - as the CLI runs it, with a time limit
            return len(run(q, kg=kg, timeout=3600).rows)
    elif engine == "cg store":
        from clustergraph.query import run
        from clustergraph.store import open_store

        kg = open_store(task["store"])
        res["load"] = time.perf_counter() - t0
        res["triples"] = len(kg)

        def runner(q):  # noqa: ANN001, ANN202
            return len(run(q, kg=kg, timeout=3600).rows)
    elif engine == "pyoxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        for path, graph in _sources(landscape):
            store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        store.extend(_catalogue())
        res["load"] = time.perf_counter() - t0
        res["triples"] = len(store)

        from clustergraph.query import check_query, with_values

        def runner(q):  # noqa: ANN001, ANN202
            # the query as clustergraph hands it to Oxigraph (see '#+ bind' in queries/README)
            if q.binding == "values":
                text, subs = with_values(check_query(q.text), q.bind({})), None
            else:
                text = q.text
                subs = {ox.Variable(k): v for k, v in q.bind({}).items()}
            sols = store.query(text, use_default_graph_as_union=True,
                               substitutions=subs or None)
            names = sols.variables
            return len([tuple(s[v] for v in names) for s in sols])
    elif engine == "rdflib":
        import rdflib

        from clustergraph.store import to_rdflib_term

        ds = rdflib.Dataset()
        ds.default_union = True
        for path, graph in _sources(landscape):
            ds.graph(rdflib.URIRef(graph)).parse(path, format="turtle")
        for q in _catalogue():
            ds.graph(rdflib.URIRef(q.graph_name.value)).add(
                (to_rdflib_term(q.subject), to_rdflib_term(q.predicate), to_rdflib_term(q.object)))
        res["load"] = time.perf_counter() - t0
        res["triples"] = sum(len(g) for g in ds.graphs())

        def runner(q):  # noqa: ANN001, ANN202
            bindings = {k: to_rdflib_term(v) for k, v in q.bind({}).items()}
            result = ds.query(q.text, initBindings=bindings)
            return len([tuple(row) for row in result])
    else:
        raise SystemExit(f"unknown engine {engine}")
    res["rss_load"] = _rss_mb()
    if task.get("queries", True):
        timeout = task.get("timeout") if engine == "rdflib" else None
        res["queries"] = _time_queries(runner, repeat, timeout)
        if engine == "clustergraph":
            res["queries_limited"] = _time_queries(limited, repeat, None)
    res["rss"] = _rss_mb()
    return res


def work_build(task: dict) -> dict:
    from clustergraph.store import build_store

    target = Path(task["store"])
    if target.exists():
        shutil.rmtree(target)
    t0 = time.perf_counter()
    kg = build_store(target, extra_files=sorted(Path(task["landscape"]).rglob("*.ttl")))
    return {"build": time.perf_counter() - t0, "triples": len(kg), "rss": _rss_mb(),
            "disk_mb": sum(p.stat().st_size for p in target.rglob("*") if p.is_file()) / 2**20}


def work_raw_build(task: dict) -> dict:
    import pyoxigraph as ox

    target = Path(task["store"])
    if target.exists():
        shutil.rmtree(target)
    t0 = time.perf_counter()
    store = ox.Store(str(target))
    # One bulk_extend over every file: the bulk loader's cost is per call (bulk_load per file
    # is many times slower on a landscape of hundreds of files).
    quads = (ox.Quad(q.subject, q.predicate, q.object, ox.NamedNode(graph))
             for path, graph in _sources(task["landscape"])
             for q in ox.parse(path=path, format=ox.RdfFormat.TURTLE))
    store.bulk_extend(itertools.chain(quads, _catalogue()))
    store.flush()
    seconds = time.perf_counter() - t0
    n = len(store)
    del store
    shutil.rmtree(target)
    return {"build": seconds, "triples": n, "rss": _rss_mb()}


def work_validate(task: dict) -> dict:
    import inspect

    from clustergraph.store import load
    from clustergraph.validate import validate

    kg = load(extra_files=sorted(Path(task["landscape"]).rglob("*.ttl")))
    kwargs = {}
    if task.get("country"):
        if "country" not in inspect.signature(validate).parameters:
            return {"na": "validate() has no country option yet"}
        kwargs["country"] = task["country"]
    t0 = time.perf_counter()
    result = validate(kg, **kwargs)
    return {"validate": time.perf_counter() - t0, "rss": _rss_mb(),
            "violations": len(result.violations), "warnings": len(result.warnings)}


def work_export(task: dict) -> dict:
    from clustergraph.export import export
    from clustergraph.store import load

    kg = load(extra_files=sorted(Path(task["landscape"]).rglob("*.ttl")))
    out = Path(task["output"])
    t0 = time.perf_counter()
    export(kg, "turtle", out)
    seconds = time.perf_counter() - t0
    size = out.stat().st_size
    out.unlink()
    return {"export": seconds, "rss": _rss_mb(), "bytes": size}


def work_dump(task: dict) -> dict:
    """The peers' serialisation of the same dataset (TriG, unsorted, no DCAT record)."""
    import io

    if task["engine"] == "pyoxigraph":
        import pyoxigraph as ox

        store = ox.Store()
        for path, graph in _sources(task["landscape"]):
            store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        t0 = time.perf_counter()
        store.dump(io.BytesIO(), format=ox.RdfFormat.TRIG)
    else:
        import rdflib

        ds = rdflib.Dataset()
        for path, graph in _sources(task["landscape"]):
            ds.graph(rdflib.URIRef(graph)).parse(path, format="turtle")
        signal.setitimer(signal.ITIMER_REAL, task["timeout"])
        t0 = time.perf_counter()
        try:
            ds.serialize(format="trig")
        except _Timeout:
            return {"timeout": task["timeout"]}
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    return {"export": time.perf_counter() - t0, "rss": _rss_mb()}


WORKERS = {"engine": work_engine, "build": work_build, "raw-build": work_raw_build,
           "validate": work_validate, "export": work_export, "dump": work_dump}


def worker_main(spec: str) -> None:
    import warnings

    warnings.simplefilter("ignore")  # rdflib warns about its own deprecated attributes
    signal.signal(signal.SIGALRM, _on_alarm)
    task = json.loads(spec)
    print(json.dumps(WORKERS[task["kind"]](task)))


# ------------------------------------------------------------------------------------------
# Driver side
# ------------------------------------------------------------------------------------------


def spawn(task: dict, limit: float) -> dict:
    """Run one task in a fresh interpreter; {'killed': limit} past the hard limit."""
    cmd = [sys.executable, str(HERE), "--worker", json.dumps(task)]
    try:
        proc = subprocess.run(cmd, capture_output=True, text=True, timeout=limit)
    except subprocess.TimeoutExpired:
        return {"killed": limit}
    if proc.returncode != 0:
        tail = (proc.stderr.strip().splitlines() or ["?"])[-1]
        return {"failed": tail[:160]}
    return json.loads(proc.stdout.strip().splitlines()[-1])


def log(msg: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def ensure_landscape(workdir: Path, size: str) -> Path:
    from clustergraph.generate import SIZES as PARAMS
    from clustergraph.generate import generate

    params = PARAMS[size]
    d = workdir / f"g{size}"
    readme = d / "SYNTHETIC.md"
    want = [f"| countries | {params['countries']} |",
            f"| cluster organisations per country | {params['cluster_orgs']} |",
            f"| members per cluster organisation | {params['members']} |",
            "| seed | 0 |", "| format | ttl |"]
    if readme.is_file() and all(w in readme.read_text(encoding="utf-8") for w in want):
        return d
    log(f"generating the {size} landscape in {d}")
    generate(d, countries=params["countries"], cluster_orgs=params["cluster_orgs"],
             members=params["members"], seed=0)
    return d


def median(values: list[float]) -> float | None:
    return statistics.median(values) if values else None


def _git_state() -> str:
    """The commit the measured code is at, and whether src/ has uncommitted changes."""
    root = HERE.parent.parent
    try:
        head = subprocess.run(["git", "-C", str(root), "rev-parse", "--short", "HEAD"],
                              capture_output=True, text=True, check=True).stdout.strip()
        dirty = subprocess.run(["git", "-C", str(root), "status", "--porcelain", "--", "src"],
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"
    return f"commit {head}" + (" + uncommitted changes in src/" if dirty else "")


def machine_facts() -> list[tuple[str, str]]:
    from importlib.metadata import version

    cpu = platform.processor() or "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    ram = "?"
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        ram = f"{kb / 2**20:.1f} GiB"
    except (OSError, AttributeError):
        pass
    facts = [("CPU", f"{cpu}, {os.cpu_count()} cores"), ("RAM", ram),
             ("OS", f"{platform.system()} {platform.release()}"),
             ("Python", platform.python_version())]
    facts.append(("clustergraph source", _git_state()))
    for pkg in ("clustergraph", "rdflib", "pyoxigraph", "pyshacl"):
        try:
            facts.append((pkg, version(pkg)))
        except Exception:  # noqa: BLE001
            facts.append((pkg, "not installed"))
    return facts


# ----------------------------------------------------------------------- formatting


def fmt_s(x: float | None) -> str:
    if x is None:
        return "—"
    if x < 0.01:
        return f"{x * 1000:.2f} ms"
    if x < 1:
        return f"{x * 1000:.0f} ms"
    if x < 100:
        return f"{x:.2f} s" if x < 10 else f"{x:.1f} s"
    return f"{x:.0f} s"


def fmt_ratio(a: float | None, b: float | None) -> str:
    if a is None or b is None or b <= 0:
        return "—"
    r = a / b
    return f"{r:.2f}×" if r < 10 else f"{r:.0f}×"


class Cell:
    """A figure (seconds, MB) or a note ('> 60 s', 'skipped: ...'), with what ratios need."""

    def __init__(self, value: float | None = None, note: str | None = None,
                 unit: str = "s", lower: float | None = None) -> None:
        self.value, self.note, self.unit, self.lower = value, note, unit, lower

    def __str__(self) -> str:
        if self.note:
            return self.note
        if self.value is None:
            return "—"
        return f"{self.value:.0f} MB" if self.unit == "MB" else fmt_s(self.value)


def ratio(a: Cell, b: Cell) -> str:
    if a.value is not None and b.value is not None:
        return fmt_ratio(a.value, b.value)
    if a.lower is not None and b.value:  # a timed out: at least lower / b
        return f"> {fmt_ratio(a.lower, b.value)}"
    return "—"


def note_of(rec: dict, what: str = "") -> str | None:
    if "killed" in rec:
        return f"> {rec['killed']:.0f} s{what}"
    if "failed" in rec:
        return f"failed: {rec['failed']}"
    if "na" in rec:
        return f"n/a: {rec['na']}"
    if "timeout" in rec:
        return f"> {rec['timeout']:.0f} s"
    return None


# ----------------------------------------------------------------------- the run


def bench_size(size: str, args, workdir: Path, rows: list, prev: dict) -> dict:
    """Measure one size; append table rows; return this size's figures for estimates."""
    landscape = str(ensure_landscape(workdir, size))
    runs = {"1M": args.big_runs, "5M": args.huge_runs}.get(size, args.runs)
    repeat = args.repeat
    from clustergraph.generate import SIZES as PARAMS
    from clustergraph.generate import expected_triples

    # This size's triples over the previous size's: estimates scale with it.
    scale = expected_triples(**PARAMS[size]) / prev["triples"] if prev.get("triples") else 1.0
    figures: dict[str, object] = {}

    # --- loading + every saved query, per engine -------------------------------------
    results: dict[str, list[dict]] = {}
    store_dir = str(workdir / f"bench-store-{size}")
    build: dict = {}
    raw_build: dict = {}
    engines = [e for e in ENGINES if e in args.engines]
    for engine in engines:
        if engine == "rdflib":
            est = prev.get("rdflib_load", 0) * scale
            if est > args.rdflib_limit:
                results[engine] = [{"skipped": f"skipped: est. parse {fmt_s(est)}, "
                                    f"{prev.get('rdflib_rss', 0) * scale / 1024:.1f} GB"}]
                log(f"{size} rdflib skipped (estimated parse {est:.0f} s)")
                continue
        if engine == "cg store":
            log(f"{size} build_store")
            build = spawn({"kind": "build", "landscape": landscape, "store": store_dir},
                          args.limit)
            log(f"{size} raw bulk_load")
            raw_build = spawn({"kind": "raw-build", "landscape": landscape,
                               "store": str(workdir / f"bench-raw-{size}")}, args.limit)
        results[engine] = []
    # The engines' processes interleaved (round 1 of each, then round 2, ...), so that a
    # change in the shared machine's load falls on every side of a ratio alike.
    todo = [e for e in engines if not (results[e] and "skipped" in results[e][0])]
    for i in range(runs):
        for engine in todo:
            n = 1 if engine == "rdflib" and size in BIG else runs
            if i >= n:
                continue
            log(f"{size} {engine} run {i + 1}/{n}")
            task = {"kind": "engine", "engine": engine, "landscape": landscape,
                    "repeat": repeat, "timeout": args.rdflib_timeout, "store": store_dir}
            results[engine].append(spawn(task, args.limit))

    def load_cell(engine: str) -> Cell:
        recs = results.get(engine, [])
        if recs and "skipped" in recs[0]:
            return Cell(note=recs[0]["skipped"])
        good = [r["load"] for r in recs if "load" in r]
        if not good:
            return Cell(note=note_of(recs[0]) if recs else None)
        return Cell(median(good))

    def rss_cell(engine: str) -> Cell:
        good = [r["rss_load"] for r in results.get(engine, []) if "rss_load" in r]
        return Cell(median(good), unit="MB") if good else Cell()

    def query_cell(engine: str, name: str, key: str = "queries") -> Cell:
        recs = [r for r in results.get(engine, []) if key in r]
        if not recs:
            return Cell()
        times = [t for r in recs for t in r[key][name]["times"]]
        q = recs[0][key][name]
        if "timeout" in q:
            return Cell(note=f"> {q['timeout']:.0f} s", lower=q["timeout"])
        if "error" in q:
            return Cell(note=f"error: {q['error']}")
        return Cell(median(times))

    triples = next((r["triples"] for r in results["clustergraph"] if "triples" in r), None)
    label = f"{size} ({triples:,} triples)" if triples else size

    def row(measure: str, cells: dict[str, Cell]) -> None:
        rd, cg, st, raw = (cells.get(e, Cell()) for e in ENGINES)
        rows.append([label, measure, str(rd), str(cg), str(st), str(raw),
                     ratio(cg, raw), ratio(st, raw), ratio(rd, cg)])

    load_cells = {e: load_cell(e) for e in ENGINES}
    build_cell = Cell(build.get("build"), note=note_of(build))
    store_note = f"build {build_cell}, open {load_cells['cg store']}"
    row("load (store: build, then open)",
        {**load_cells, "cg store": Cell(build.get("build"), note=store_note if build_cell.value
                                        else build_cell.note)})
    raw_b = Cell(raw_build.get("build"), note=note_of(raw_build))
    row("  on disk: build_store vs raw bulk_load",
        {"cg store": build_cell, "pyoxigraph": raw_b})
    rss_store = Cell(build.get("rss"), unit="MB") if "rss" in build else Cell()
    row("peak memory after load (store: build)",
        {**{e: rss_cell(e) for e in ENGINES}, "cg store": rss_store})

    from clustergraph.catalog import saved_queries

    worst: dict[str, tuple[float, str]] = {}
    for q in saved_queries():
        cells = {e: query_cell(e, q.name) for e in ENGINES}
        rec = next((r["queries"][q.name] for r in results["clustergraph"] if "queries" in r),
                   {})
        row(f"q {q.name} [{rec.get('rows', '?')} rows]", cells)
        cells["limited"] = query_cell("clustergraph", q.name, "queries_limited")
        for e in ("clustergraph", "cg store", "limited"):
            if cells[e].value is not None and cells["pyoxigraph"].value:
                r = cells[e].value / cells["pyoxigraph"].value
                if r > worst.get(e, (0, ""))[0]:
                    worst[e] = (r, q.name)

    def worst_of(e: str) -> str:
        return "{:.2f}× ({})".format(*worst[e]) if e in worst else "—"

    rows.append([label, "worst query ratio vs raw pyoxigraph", "", worst_of("clustergraph"),
                 worst_of("cg store"), "1×", "", "", ""])
    rows.append([label, "  the same, run with a time limit (--timeout: worker thread)", "",
                 worst_of("limited"), "", "", "", "", ""])

    if args.queries_only:
        figures["triples"] = triples or 0
        figures["store"] = store_dir if build_cell.value else None
        return figures

    # --- validation -------------------------------------------------------------------
    for country, measure, key in ((None, "validate (whole landscape)", "validate"),
                                  (COUNTRY, f"validate one country ({COUNTRY})",
                                   "validate_country")):
        est = prev.get(key, 0) * scale
        if est > args.validate_limit:
            cell = Cell(note=f"skipped: est. {fmt_s(est)}")
            log(f"{size} {key} skipped (estimated {est:.0f} s)")
        else:
            n = 1 if size in BIG else runs
            recs = []
            for i in range(n):
                log(f"{size} {key} run {i + 1}/{n}")
                recs.append(spawn({"kind": "validate", "landscape": landscape,
                                   "country": country}, args.validate_limit + 120))
            good = [r["validate"] for r in recs if "validate" in r]
            cell = Cell(median(good)) if good else Cell(note=note_of(recs[0]))
            if good:
                figures[key] = median(good)
                figures[key + "_rss"] = recs[0]["rss"]
                measure += f" [{recs[0]['violations']} violations]"
        row(measure, {"clustergraph": cell})

    # --- export -----------------------------------------------------------------------
    cells: dict[str, Cell] = {}
    est = prev.get("export", 0) * scale
    if est > args.export_limit:
        cells["clustergraph"] = Cell(note=f"skipped: est. {fmt_s(est)}")
    else:
        log(f"{size} export")
        rec = spawn({"kind": "export", "landscape": landscape,
                     "output": str(workdir / f"bench-export-{size}.ttl")},
                    args.export_limit + 120)
        cells["clustergraph"] = Cell(rec.get("export"), note=note_of(rec))
        if "export" in rec:
            figures["export"] = rec["export"]
    log(f"{size} raw dump")
    rec = spawn({"kind": "dump", "engine": "pyoxigraph", "landscape": landscape}, args.limit)
    cells["pyoxigraph"] = Cell(rec.get("export"), note=note_of(rec))
    if results.get("rdflib") and "skipped" not in results["rdflib"][0]:
        log(f"{size} rdflib serialize")
        rec = spawn({"kind": "dump", "engine": "rdflib", "landscape": landscape,
                     "timeout": args.rdflib_timeout}, args.limit)
        cells["rdflib"] = Cell(rec.get("export"), note=note_of(rec),
                               lower=rec.get("timeout"))
    else:
        cells["rdflib"] = Cell(note="skipped")
    row("export (cg: sorted Turtle + DCAT; peers: TriG dump)", cells)

    figures["triples"] = triples or 0
    if load_cells["rdflib"].value:
        figures["rdflib_load"] = load_cells["rdflib"].value
        figures["rdflib_rss"] = rss_cell("rdflib").value or 0
    figures["store"] = store_dir if build_cell.value else None
    return figures


def whole_process(args, rows: list, store_1m: str | None) -> None:
    exe = shutil.which("clustergraph") or str(Path(sys.executable).parent / "clustergraph")
    help_text = subprocess.run([exe, "query", "run", "--help"], capture_output=True,
                               text=True).stdout
    commands = [("clustergraph info", [exe, "info"]),
                ("clustergraph query run policy-overview",
                 [exe, "query", "run", "policy-overview"])]
    if "--store" not in help_text:
        rows.append(["1M store", "query run policy-overview --store DIR (whole process)",
                     "", "n/a: query run has no --store option yet", "", "", "", "", ""])
    elif store_1m:
        commands.append(("clustergraph query run policy-overview --store <1M store>",
                         [exe, "query", "run", "policy-overview", "--store", store_1m]))
    else:
        rows.append(["1M store", "query run --store (whole process)", "",
                     "n/a: no 1M store (run with --sizes including 1M)", "", "", "", "", ""])
    for title, cmd in commands:
        times = []
        for _ in range(args.process_runs):
            t0 = time.perf_counter()
            proc = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            times.append(time.perf_counter() - t0)
            if proc.returncode != 0:
                times = []
                break
        where = "1M store" if "--store" in cmd else "bundled graph"
        rows.append([where, f"`{title}` (whole process, median of {args.process_runs})", "",
                     fmt_s(median(times)) if times else "failed", "", "", "", "", ""])


HEADER = ["size", "measure", "rdflib", "clustergraph", "cg store", "pyoxigraph (raw)",
          "cg / raw", "store / raw", "rdflib / cg"]


def render_text(rows: list[list[str]]) -> str:
    widths = [max(len(str(r[i])) for r in [HEADER, *rows]) for i in range(len(HEADER))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(HEADER, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for r in rows:
        lines.append("  ".join(str(c).ljust(w) for c, w in zip(r, widths, strict=True)))
    return "\n".join(lines)


def render_markdown(rows: list[list[str]], facts, args, elapsed: float) -> str:
    def esc(c: str) -> str:
        return str(c).replace("|", "\\|")

    out = ["# Benchmark results", "",
           f"Written by `python benchmarks/run.py {' '.join(sys.argv[1:])}` on "
           f"{datetime.date.today().isoformat()} (the run took {elapsed / 60:.0f} min). "
           "See `benchmarks/README.md` for what each column measures.", "",
           "| machine | |", "|---|---|"]
    out += [f"| {k} | {esc(v)} |" for k, v in facts]
    out += ["", f"Medians of {args.runs} fresh processes ({args.big_runs} at 1M, "
            f"{args.huge_runs} at 5M; rdflib, validation and export once from 1M on); "
            f"each query {args.repeat}× per process (once if it takes over 1 s; the "
            "first run in a process also reads the query for `check_query`, 0.1-0.4 ms). "
            f"rdflib queries stop after {args.rdflib_timeout:.0f} s. "
            "Landscapes: `clustergraph generate`, seed 0, sizes of "
            "`clustergraph.generate.SIZES`.", ""]
    out.append("| " + " | ".join(HEADER) + " |")
    out.append("|" + "---|" * len(HEADER))
    for r in rows:
        out.append("| " + " | ".join(esc(c) for c in r) + " |")
    return "\n".join(out) + "\n"


def main() -> None:
    if len(sys.argv) > 2 and sys.argv[1] == "--worker":
        worker_main(sys.argv[2])
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", nargs="+", default=list(SIZES), choices=SIZES)
    parser.add_argument("--workdir", default="/tmp/clustergraph-bench",
                        help="landscapes (generated if missing) and stores go here")
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per figure")
    parser.add_argument("--big-runs", type=int, default=3, help="the same at 1M")
    parser.add_argument("--huge-runs", type=int, default=1, help="the same at 5M")
    parser.add_argument("--repeat", type=int, default=7, help="runs of a query per process")
    parser.add_argument("--process-runs", type=int, default=10,
                        help="runs of each whole-process command")
    parser.add_argument("--rdflib-timeout", type=float, default=60.0,
                        help="seconds before an rdflib query (or serialisation) is stopped")
    parser.add_argument("--rdflib-limit", type=float, default=120.0,
                        help="skip rdflib at a size whose estimated parse time is longer")
    parser.add_argument("--validate-limit", type=float, default=600.0,
                        help="skip a validation whose estimated time is longer")
    parser.add_argument("--export-limit", type=float, default=300.0,
                        help="skip an export whose estimated time is longer")
    parser.add_argument("--limit", type=float, default=1800.0,
                        help="hard limit on any one subprocess, in seconds")
    parser.add_argument("--engines", nargs="+", default=list(ENGINES), choices=ENGINES,
                        help="the engines to measure (default: all four)")
    parser.add_argument("--queries-only", action="store_true",
                        help="only load and the saved queries: no validation, export or "
                             "whole-process rows")
    parser.add_argument("--output", help="also write the table as Markdown to this file")
    args = parser.parse_args()
    if "clustergraph" not in args.engines:
        parser.error("--engines: clustergraph is the one every ratio is of; keep it")

    workdir = Path(args.workdir)
    workdir.mkdir(parents=True, exist_ok=True)
    start = time.perf_counter()
    facts = machine_facts()
    rows: list[list[str]] = []
    prev: dict = {}
    store_1m = None
    for size in [s for s in SIZES if s in args.sizes]:
        figures = bench_size(size, args, workdir, rows, prev)
        if size == "1M":
            store_1m = figures.get("store")
        prev = figures
    if not args.queries_only:
        whole_process(args, rows, store_1m)
    elapsed = time.perf_counter() - start
    print("\n".join(f"{k}: {v}" for k, v in facts))
    print(render_text(rows))
    if args.output:
        Path(args.output).write_text(render_markdown(rows, facts, args, elapsed),
                                     encoding="utf-8")
        log(f"wrote {args.output}")


if __name__ == "__main__":
    main()
