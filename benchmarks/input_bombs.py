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

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"


def laughs(levels: int) -> bytes:
    decls = [' <!ENTITY lol "lol">']
    prev = "lol"
    for i in range(1, levels + 1):
        decls.append(f' <!ENTITY lol{i} "{("&" + prev + ";") * 10}">')
        prev = f"lol{i}"
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(decls) + "\n]>\n"
            f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">\n'
            f'<rdf:Description rdf:about="http://example.org/a"><ex:p>&{prev};</ex:p>'
            "</rdf:Description>\n</rdf:RDF>\n").encode()


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
