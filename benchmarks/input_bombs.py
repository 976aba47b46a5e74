"""Entity bombs: how long and how much memory clustergraph takes to refuse them, against
raw pyoxigraph parsing the same bytes (the peer, which expands them).

    python benchmarks/input_bombs.py            # clustergraph only
    python benchmarks/input_bombs.py --peer     # also raw pyoxigraph (8 levels: seconds, ~1 GB)

Each figure is one whole process (``clustergraph info FILE``): wall time and peak resident
memory (ru_maxrss of the child). The 9-level file is never given to raw pyoxigraph (the issue
measured 50 s and 9.2 GB).
"""

from __future__ import annotations

import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))
from bombs import laughs  # noqa: E402 - tests/bombs.py, the file the tests refuse


def run(args: list[str]) -> tuple[float, float, int]:
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    proc = subprocess.run(args, capture_output=True, timeout=600)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) / 1024, proc.returncode


def main() -> None:
    peer = "--peer" in sys.argv
    cli = [sys.executable, "-c", "from clustergraph.cli import main; main()", "info"]
    raw = [sys.executable, "-c", "import sys, pyoxigraph as ox; "
           "print(sum(1 for _ in ox.parse(path=sys.argv[1], format=ox.RdfFormat.RDF_XML)))"]
    with tempfile.TemporaryDirectory() as d:
        print(f"{'file':<22} {'bytes':>6} {'tool':<13} {'exit':>4} {'seconds':>8} {'peak MB':>8}")
        for levels in (9, 8):
            f = Path(d) / f"laughs{levels}.rdf"
            f.write_bytes(laughs(levels))
            s, mb, code = run([*cli, str(f)])
            print(f"{f.name:<22} {f.stat().st_size:>6} {'clustergraph':<13} {code:>4} "
                  f"{s:>8.2f} {mb:>8.0f}")
            if peer and levels == 8:
                s2, mb2, code2 = run([*raw, str(f)])
                print(f"{f.name:<22} {f.stat().st_size:>6} {'pyoxigraph':<13} {code2:>4} "
                      f"{s2:>8.2f} {mb2:>8.0f}   (ratio: {s2 / s:.0f}x time)")


if __name__ == "__main__":
    main()
