"""Load time of ``clustergraph.store.load`` against raw pyoxigraph, alternating (issue 11).

Each round runs, in two fresh processes one after the other, the two sides of
``benchmarks/run.py``'s load row on the same landscape: ``clustergraph.store.load`` with the
landscape's files as extra data (bundled ontology, vocabularies, reference, saved-query
catalogue; literals kept as written) and a plain ``pyoxigraph.Store().load(path=...)`` per
file plus the same catalogue. Prints per round the wall and CPU seconds of each side and
their ratios, then the median ratio and its spread (min–max). The order alternates each
round, so that a slow moment of a shared machine does not always hit the same side.

``--exact-pass`` adds a third side: ``clustergraph.store.load`` with the byte-level proof of
``clustergraph.lexical.no_typed_literals`` turned off, so that every file takes the Python
pass over its triples (the load as it was before that proof).

    python benchmarks/load.py --landscape /tmp/cgscale/g1M --rounds 5 --exact-pass
"""

from __future__ import annotations

import argparse
import json
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve()


def work(side: str, landscape: str) -> dict:
    sys.path.insert(0, str(HERE.parent))
    from run import _catalogue, _sources

    t0 = time.perf_counter()
    if side in ("clustergraph", "exact pass"):
        from clustergraph import lexical
        from clustergraph.store import load

        if side == "exact pass":
            lexical.no_typed_literals = lambda raw: False  # noqa: ARG005

        n = len(load(extra_files=sorted(Path(landscape).rglob("*.ttl"))))
    else:
        import pyoxigraph as ox

        store = ox.Store()
        for path, graph in _sources(landscape):
            store.load(path=path, format=ox.RdfFormat.TURTLE, to_graph=ox.NamedNode(graph))
        store.extend(_catalogue())
        n = len(store)
    wall = time.perf_counter() - t0
    ru = resource.getrusage(resource.RUSAGE_SELF)
    return {"wall": wall, "cpu": ru.ru_utime + ru.ru_stime, "triples": n}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--landscape", required=True, help="a folder made by clustergraph generate")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--exact-pass", action="store_true",
                    help="also time the load without the byte-level proof")
    ap.add_argument("--worker", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        print(json.dumps(work(args.worker, args.landscape)))
        return
    sides = ["pyoxigraph", "clustergraph"] + (["exact pass"] if args.exact_pass else [])
    ratios: dict[str, dict[str, list[float]]] = {s: {"wall": [], "cpu": []} for s in sides[1:]}
    for i in range(args.rounds):
        order = sides[i % len(sides):] + sides[:i % len(sides)]
        got = {}
        for side in order:
            out = subprocess.run([sys.executable, str(HERE), "--landscape", args.landscape,
                                  "--worker", side], check=True, capture_output=True, text=True)
            got[side] = json.loads(out.stdout.strip().splitlines()[-1])
        ox = got["pyoxigraph"]
        line = [f"round {i + 1}: pyoxigraph {ox['wall']:.2f} s (cpu {ox['cpu']:.2f})"]
        for side in sides[1:]:
            cg = got[side]
            assert cg["triples"] == ox["triples"], (side, cg["triples"], ox["triples"])
            for k in ("wall", "cpu"):
                ratios[side][k].append(cg[k] / ox[k])
            line.append(f"{side} {cg['wall']:.2f} s (cpu {cg['cpu']:.2f}), ratio wall "
                        f"{ratios[side]['wall'][-1]:.2f} cpu {ratios[side]['cpu'][-1]:.2f}")
        print("; ".join(line) + f"; {ox['triples']} triples", flush=True)
    for side in sides[1:]:
        for k, v in ratios[side].items():
            print(f"{side} / pyoxigraph: median {k} ratio {statistics.median(v):.2f} "
                  f"(min {min(v):.2f}, max {max(v):.2f}, {len(v)} rounds)")

if __name__ == "__main__":
    main()
