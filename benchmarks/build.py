"""Build benchmark (issue 17): compiling the bundled input files (data/*/*.yaml).

Prints, for the bundled inputs: the whole-process time of `clustergraph build` (median of 5
runs; target < 2 s), the in-process compile time split into schema derivation (ontology,
shapes, vocabularies: once per process) and compilation proper, and as the peers the time
rdflib and pyoxigraph take to merely parse the Turtle the input replaces (data/<cc>/*.ttl).
No network; writes only to a temporary folder.

    python benchmarks/build.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def median_time(fn, runs: int = 5) -> float:
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    inputs = sorted((ROOT / "data").glob("*/*.yaml"))
    turtle = sorted(p for d in {i.parent for i in inputs} for p in d.glob("*.ttl"))
    exe = Path(sys.executable).parent / "clustergraph"
    with tempfile.TemporaryDirectory() as tmp:
        cli = median_time(lambda: subprocess.run(
            [str(exe), "build", *map(str, inputs), "--output", tmp],
            check=True, capture_output=True))
    t = time.perf_counter()
    from clustergraph.build import build, known_subjects
    from clustergraph.build.schema import load_schema
    load_schema()
    schema_s = time.perf_counter() - t
    t = time.perf_counter()
    known = known_subjects(tuple(i.parent for i in inputs))
    known_s = time.perf_counter() - t
    compile_s = median_time(lambda: build([str(i) for i in inputs], known=known))
    triples = sum(r[2].count(b"\n") for r in build([str(i) for i in inputs], known=known))

    import pyoxigraph as ox
    import rdflib

    def rdflib_parse() -> None:
        g = rdflib.Graph()
        for f in turtle:
            g.parse(f)

    def ox_parse() -> None:
        for f in turtle:
            list(ox.parse(path=str(f)))

    rd = median_time(rdflib_parse)
    oxs = median_time(ox_parse)
    in_lines = sum(len(i.read_text(encoding="utf-8").splitlines()) for i in inputs)
    ttl_lines = sum(len(f.read_text(encoding="utf-8").splitlines()) for f in turtle)
    print(f"inputs: {len(inputs)} files, {in_lines} lines; the Turtle they replace: "
          f"{len(turtle)} files, {ttl_lines} lines (input = {100 * in_lines / ttl_lines:.0f} %)")
    print(f"clustergraph build (whole process, median of 5): {cli:.2f} s  (target < 2 s)")
    print(f"  in process: schema derivation {schema_s:.3f} s, known IRIs of data/ "
          f"{known_s:.3f} s, compile + serialize {compile_s:.3f} s ({triples} output lines)")
    print(f"peers, parsing the replaced Turtle: rdflib {rd:.3f} s, pyoxigraph {oxs:.3f} s")
    print(f"ratio compile / rdflib parse: {compile_s / rd:.2f}; "
          f"compile / pyoxigraph parse: {compile_s / oxs:.1f}")


if __name__ == "__main__":
    main()
