"""Time the saved queries on the bundled graph.

Per saved query: the median in-process time of ``clustergraph.query.run`` (graph loaded once,
labels looked up as the table format does), and the median whole-process time of
``clustergraph query run NAME`` (Python start-up, imports, loading the graph, the query,
printing the table).

    python benchmarks/queries.py            # 9 in-process runs, 3 process runs per query
    python benchmarks/queries.py --repeat 21 --process-repeat 5
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--process-repeat", type=int, default=3)
    args = parser.parse_args()

    from clustergraph.catalog import saved_queries
    from clustergraph.query import run
    from clustergraph.store import load

    t0 = time.perf_counter()
    kg = load()
    load_s = time.perf_counter() - t0
    command = shutil.which("clustergraph") or str(Path(sys.executable).parent / "clustergraph")
    print(f"graph: {len(kg)} triples, loaded in process in {load_s * 1000:.0f} ms")
    print(f"{'query':<26} {'rows':>5} {'in-process median':>18} {'whole process median':>21}")
    for q in saved_queries():
        times = []
        for _ in range(args.repeat):
            t = time.perf_counter()
            result = run(q, kg=kg, labels=True)
            times.append(time.perf_counter() - t)
        procs = []
        for _ in range(args.process_repeat):
            t = time.perf_counter()
            subprocess.run([command, "query", "run", q.name], check=True,
                           stdout=subprocess.DEVNULL)
            procs.append(time.perf_counter() - t)
        print(f"{q.name:<26} {len(result.rows):>5} {statistics.median(times) * 1000:>15.1f} ms"
              f" {statistics.median(procs) * 1000:>18.0f} ms")


if __name__ == "__main__":
    main()
