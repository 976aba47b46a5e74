"""Benchmark: seconds to validate, per graph size and SHACL engine (median of fresh processes).

Not a timed test: it prints figures for the README and the closing notes. Every run is a new
Python process (imports, loading or opening the graph, validating), so nothing is cached
between runs. For each case it prints the median whole-process time, the median time of the
``validate()`` call alone, the load (or store-open) time, and the number of results.

Cases (those whose input is missing are skipped with a note):

- ``bundled``: the bundled graph (about 5k triples), loaded in memory;
- ``100k`` / ``1M``: a synthetic landscape (``clustergraph generate``), parsed in memory;
- ``1M-store``: the same 1M landscape from a persistent store (``--store``);
- ``1M-country``: one country (``--country``) of the 1M store.

    python benchmarks/validate.py                           # oxigraph engine, 3 runs
    python benchmarks/validate.py --engines oxigraph pyshacl --cases bundled 100k
    python benchmarks/validate.py --inference rdfs --cases bundled --engines pyshacl
    python benchmarks/validate.py --source /tmp/old/src --engines default   # an older checkout

Recorded on the 2-core, 24 GB benchmark machine (``--recorded`` prints them): whole-process
seconds, median of 3 fresh processes (the 1M "before" runs: 1 run each), inference none.

    case        before (pySHACL)   after (oxigraph engine)   pyshacl engine now
    bundled          2.77               0.40                      2.51
    100k            31.60               1.63
    1M             622.22              40.77
    1M-store       648.01              49.54
    1M-country      67.81               1.16                      6.59

"before" is commit db6a5e3 (pySHACL for the core and recommended shapes on an rdflib copy,
the SHACL-SPARQL rules on Oxigraph); "pyshacl engine now" is ``--engine pyshacl`` after
the --country change (rules on the country's scratch store). At 1M, about 30 s of the
oxigraph engine's time is six SHACL-SPARQL consistency rules (consistency.ttl), not the
compiled shapes.

Landscapes: ``clustergraph generate --countries 8 --cluster-orgs 4 --members 80 -o DIR``
(about 100k triples; see ``clustergraph.generate.SIZES``), and a store of the 1M one with
``clustergraph load --store DIR LANDSCAPE/*/*.ttl LANDSCAPE/*.ttl``.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

#: The child process: load (or open) the graph, validate, print what it took as JSON.
_CHILD = r"""
import json, sys, time
t0 = time.perf_counter()
args = json.loads(sys.argv[1])
from clustergraph.store import load, open_store
from clustergraph.validate import validate
if args["store"]:
    kg = open_store(args["store"])
elif args["files"]:
    kg = load(extra_files=args["files"])
else:
    kg = load()
t1 = time.perf_counter()
kw = {"inference": args["inference"], "country": args["country"]}
if args["engine"] != "default":
    kw["engine"] = args["engine"]
result = validate(kg, **kw)
t2 = time.perf_counter()
print(json.dumps({"load": t1 - t0, "validate": t2 - t1, "triples": len(kg),
                  "violations": len(result.violations), "warnings": len(result.warnings)}))
"""


def _landscape_files(directory: Path) -> list[str]:
    return [str(p) for p in sorted(directory.glob("*/*.ttl"))] + [
        str(p) for p in sorted(directory.glob("*.ttl"))]


def _cases(args: argparse.Namespace) -> dict[str, dict | str]:
    """Each case's child arguments, or the reason it is skipped."""
    out: dict[str, dict | str] = {}
    base = {"store": None, "files": [], "country": None}
    out["bundled"] = dict(base)
    for name, directory in (("100k", args.g100k), ("1M", args.g1m)):
        d = Path(directory)
        files = _landscape_files(d) if d.is_dir() else []
        out[name] = {**base, "files": files} if files else f"no landscape at {d}"
    store = Path(args.store1m)
    if (store / "clustergraph-store.json").is_file():
        out["1M-store"] = {**base, "store": str(store)}
        out["1M-country"] = {**base, "store": str(store), "country": args.country}
    else:
        out["1M-store"] = out["1M-country"] = f"no store at {store}"
    return out


def _run_once(child_args: dict, env: dict[str, str], timeout: float) -> dict:
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", _CHILD, json.dumps(child_args)],
                          capture_output=True, text=True, env=env, timeout=timeout)
    wall = time.perf_counter() - start
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr.strip().splitlines()[-1] if proc.stderr else "failed")
    out = json.loads(proc.stdout.strip().splitlines()[-1])
    out["process"] = wall
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="fresh processes per case (3)")
    parser.add_argument("--engines", nargs="+", default=["oxigraph"],
                        help="oxigraph, pyshacl, or 'default' (what validate() picks; use "
                             "it for a checkout that has no engine parameter)")
    parser.add_argument("--cases", nargs="+",
                        default=["bundled", "100k", "1M", "1M-store", "1M-country"])
    parser.add_argument("--inference", default="none")
    parser.add_argument("--g100k", default="/tmp/cgscale/g100k", help="100k landscape dir")
    parser.add_argument("--g1m", default="/tmp/cgscale/g1M", help="1M landscape dir")
    parser.add_argument("--store1m", default="/tmp/cgval/st1M", help="1M store dir")
    parser.add_argument("--country", default="synth-be", help="country for 1M-country")
    parser.add_argument("--source", default=None,
                        help="a clustergraph src/ directory to benchmark instead of the "
                             "installed one (e.g. an older checkout, for before/after)")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per run")
    parser.add_argument("--recorded", action="store_true",
                        help="print the figures recorded on the benchmark machine and exit")
    args = parser.parse_args()
    if args.recorded:
        doc = __doc__.split("Recorded on", 1)[1].split("Landscapes:", 1)[0]
        print("Recorded on" + doc.rstrip())
        return

    env = dict(os.environ)
    if args.source:
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [args.source,
                                                          env.get("PYTHONPATH")]))
    cases = _cases(args)
    print(f"validate: median of {args.runs} fresh processes, inference {args.inference}"
          + (f", source {args.source}" if args.source else ""))
    print(f"{'case':<11} {'engine':<9} {'triples':>9} {'process s':>10} {'validate s':>11} "
          f"{'load s':>7}  results")
    for name in args.cases:
        spec = cases.get(name, f"unknown case {name!r}")
        for engine in args.engines:
            if isinstance(spec, str):
                print(f"{name:<11} {engine:<9} skipped: {spec}")
                continue
            runs = []
            try:
                for _ in range(args.runs):
                    runs.append(_run_once({**spec, "engine": engine,
                                           "inference": args.inference}, env, args.timeout))
            except (RuntimeError, subprocess.TimeoutExpired) as exc:
                print(f"{name:<11} {engine:<9} failed: {exc}")
                continue
            med = {k: statistics.median(r[k] for r in runs)
                   for k in ("process", "validate", "load")}
            last = runs[-1]
            print(f"{name:<11} {engine:<9} {last['triples']:>9} {med['process']:>10.2f} "
                  f"{med['validate']:>11.2f} {med['load']:>7.2f}  "
                  f"{last['violations']} violations, {last['warnings']} warnings", flush=True)


if __name__ == "__main__":
    main()
