"""Benchmark: seconds to validate the bundled graph, per inference mode (median of N runs).

Not a timed test: it prints figures for the README and the closing notes.

    python benchmarks/validate.py            # 3 runs per mode
    python benchmarks/validate.py --runs 5 --modes none rdfs
"""

from __future__ import annotations

import argparse
import statistics
import time

from clustergraph.store import load
from clustergraph.validate import INFERENCE_MODES, validate


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs per mode (default 3)")
    parser.add_argument("--modes", nargs="+", default=list(INFERENCE_MODES),
                        choices=INFERENCE_MODES, help="inference modes to time")
    args = parser.parse_args()

    kg = load()
    print(f"bundled graph: {len(kg)} triples; {args.runs} runs per mode")
    for mode in args.modes:
        times, result = [], None
        for _ in range(args.runs):
            start = time.perf_counter()
            result = validate(kg, inference=mode)
            times.append(time.perf_counter() - start)
        print(f"  inference {mode:<6} median {statistics.median(times):6.2f} s "
              f"(min {min(times):.2f}, max {max(times):.2f}); "
              f"{len(result.violations)} violations, {len(result.warnings)} warnings")


if __name__ == "__main__":
    main()
