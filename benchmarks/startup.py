"""Whole-process start-up of ``clustergraph query run policy-overview`` and ``clustergraph
info`` on the bundled graph: this checkout against a peer git revision (default ``main``).

Each figure is the median wall time of ``--runs`` fresh processes, the two sides interleaved
run by run so that a busy machine slows both alike. The peer is ``git archive REV``, unpacked
into a temporary folder and run from its ``src/`` with the same Python (so the same
dependencies); this checkout is run from its own ``src/``. The budget of issue 16 is 0.3 s
per command.

It also times the import of ``rich.console`` and ``rich.table`` (if rich is installed) over
a bare Python start, the measurement behind the table renderer's choice (see
``clustergraph.render``).

    python benchmarks/startup.py                 # 15 runs per command and side
    python benchmarks/startup.py --runs 31 --peer HEAD~3
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tarfile
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
COMMANDS = (("query", "run", "policy-overview"), ("info",))
BUDGET = 0.3
CLI = "import sys; from clustergraph.cli import main; main(prog_name='clustergraph')"


def timed(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                   check=True)
    return time.perf_counter() - start


def unpack(rev: str, into: Path) -> Path:
    archive = into / "peer.tar"
    with archive.open("wb") as out:
        subprocess.run(["git", "-C", str(REPO), "archive", "--format=tar", rev], stdout=out,
                       check=True)
    with tarfile.open(archive) as tar:
        tar.extractall(into / "peer", filter="data")
    return into / "peer"


def env_for(src: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
    env["PYTHONPATH"] = str(src)
    env["CLUSTERGRAPH_PROGRESS"] = "0"
    return env


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--peer", default="main", help="git revision to compare with")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        peer = unpack(args.peer, Path(tmp))
        sides = {"this checkout": env_for(REPO / "src"), args.peer: env_for(peer / "src")}
        for env in sides.values():  # compile the .pyc files once, outside the figures
            for command in COMMANDS:
                timed([sys.executable, "-c", CLI, *command], env)
        print(f"median of {args.runs} fresh processes; budget {BUDGET} s; "
              f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
        print(f"{'command':<40} {'this checkout':>14} {args.peer:>14} {'ratio':>7}")
        worst = 0.0
        for command in COMMANDS:
            times: dict[str, list[float]] = {name: [] for name in sides}
            for _ in range(args.runs):
                for name, env in sides.items():
                    times[name].append(timed([sys.executable, "-c", CLI, *command], env))
            ours, theirs = (statistics.median(times[n]) for n in sides)
            worst = max(worst, ours)
            print(f"{'clustergraph ' + ' '.join(command):<40} {ours:>12.3f} s "
                  f"{theirs:>12.3f} s {ours / theirs:>6.2f}x")

    bare = [timed([sys.executable, "-c", "pass"], os.environ.copy()) for _ in range(args.runs)]
    try:
        import importlib.util

        has_rich = importlib.util.find_spec("rich") is not None
    except ImportError:  # pragma: no cover
        has_rich = False
    if has_rich:
        code = "import click, pyoxigraph; import rich.console, rich.table"
        base = "import click, pyoxigraph"
        with_rich = [timed([sys.executable, "-c", code], os.environ.copy())
                     for _ in range(args.runs)]
        without = [timed([sys.executable, "-c", base], os.environ.copy())
                   for _ in range(args.runs)]
        print(f"{'python -c pass':<40} {statistics.median(bare):>12.3f} s")
        print(f"{'+ rich.console, rich.table':<40} "
              f"{statistics.median(with_rich) - statistics.median(without):>12.3f} s "
              "(over click + pyoxigraph)")
    print("within budget" if worst < BUDGET else f"OVER BUDGET ({worst:.3f} s >= {BUDGET} s)")


if __name__ == "__main__":
    main()
