"""Build benchmark (issue 17): compiling every bundled country's input file (data/*/*.yaml).

Prints, for the bundled inputs: the whole-process time of `clustergraph build` of all of them
(target < 2 s), the in-process compile time split into schema derivation (ontology, shapes,
vocabularies: once per process) and compilation proper, and as the peers the time rdflib and
pyoxigraph take to merely parse the Turtle the inputs generate (data/<cc>/*.ttl). The two
sides of each ratio are timed alternately, ROUNDS rounds; the median ratio is given with its
spread (min-max). Then the size of each input against its Turtle: lines (all of them, as the
issue counts Belgium's 2,133) and content lines (not blank, not comment), against the
generated Turtle and, in a git checkout, against the hand-written Turtle the inputs replaced
(commit HANDWRITTEN). No network; writes only to a temporary folder.

    python benchmarks/build.py [ROUNDS]
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
HANDWRITTEN = "b64ca28"  # the last commit whose data/<cc>/*.ttl were written by hand


def timed(fn) -> float:
    t = time.perf_counter()
    fn()
    return time.perf_counter() - t


def lines(text: str) -> tuple[int, int]:
    all_ = text.splitlines()
    content = [ln for ln in all_ if ln.strip() and not ln.lstrip().startswith("#")]
    return len(all_), len(content)


def handwritten(cc: str) -> str | None:
    try:
        names = subprocess.run(["git", "-C", str(ROOT), "ls-tree", "--name-only",
                                f"{HANDWRITTEN}:data/{cc}"], check=True,
                               capture_output=True, text=True).stdout.split()
        return "".join(subprocess.run(["git", "-C", str(ROOT), "show",
                                       f"{HANDWRITTEN}:data/{cc}/{n}"], check=True,
                                      capture_output=True, text=True).stdout
                       for n in names if n.endswith(".ttl"))
    except (OSError, subprocess.CalledProcessError):
        return None


def spread(xs: list[float]) -> str:
    return f"{statistics.median(xs):.2f} (spread {min(xs):.2f}-{max(xs):.2f})"


def main() -> None:
    rounds = int(sys.argv[1]) if len(sys.argv) > 1 else 5
    inputs = sorted((ROOT / "data").glob("*/*.yaml"))
    turtle = sorted(p for d in {i.parent for i in inputs} for p in d.glob("*.ttl"))
    exe = Path(sys.executable).parent / "clustergraph"
    t = time.perf_counter()
    from clustergraph.build import build, known_subjects
    from clustergraph.build.schema import load_schema
    load_schema()
    schema_s = time.perf_counter() - t
    t = time.perf_counter()
    known = known_subjects(tuple(i.parent for i in inputs))
    known_s = time.perf_counter() - t

    import pyoxigraph as ox
    import rdflib

    def rdflib_parse() -> None:
        g = rdflib.Graph()
        for f in turtle:
            g.parse(f)

    def ox_parse() -> None:
        for f in turtle:
            list(ox.parse(path=str(f)))

    def compile_all() -> None:
        build([str(i) for i in inputs], known=known)

    cli, comp, rd, oxs = [], [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        for r in range(rounds):  # alternate the sides of each ratio
            steps = [("cli", lambda: subprocess.run(
                         [str(exe), "build", *map(str, inputs), "--output", tmp],
                         check=True, capture_output=True)),
                     ("compile", compile_all), ("rdflib", rdflib_parse), ("ox", ox_parse)]
            for name, fn in (steps if r % 2 == 0 else steps[::-1]):
                {"cli": cli, "compile": comp, "rdflib": rd, "ox": oxs}[name].append(timed(fn))
    out_lines = sum(d.count(b"\n") for _, _, d in build([str(i) for i in inputs], known=known))
    print(f"{len(inputs)} input files ({', '.join(p.parent.name + '/' + p.name for p in inputs)}),"
          f" {rounds} rounds, shared 2-core machine")
    print(f"clustergraph build of all (whole process): median {statistics.median(cli):.2f} s, "
          f"spread {min(cli):.2f}-{max(cli):.2f} s (target < 2 s)")
    print(f"  in process: schema derivation {schema_s:.3f} s, known IRIs of data/ "
          f"{known_s:.3f} s, compile + serialize median {statistics.median(comp):.3f} s "
          f"({out_lines} Turtle lines)")
    print(f"peers, parsing the generated Turtle ({len(turtle)} files): rdflib median "
          f"{statistics.median(rd):.3f} s, pyoxigraph {statistics.median(oxs):.3f} s")
    to_rd = spread([c / r for c, r in zip(comp, rd, strict=True)])
    to_ox = spread([c / o for c, o in zip(comp, oxs, strict=True)])
    print(f"ratio compile / rdflib parse: {to_rd}; compile / pyoxigraph parse: {to_ox}")
    print("\nsize of each input (lines: all / content), against its Turtle")
    print(f"{'input':<16} {'input':>11} {'generated Turtle':>18} {'ratio':>13} "
          f"{'hand-written Turtle':>20} {'ratio':>13}")
    for i in inputs:
        yl = lines(i.read_text(encoding="utf-8"))
        gl = lines("".join(p.read_text(encoding="utf-8") for p in sorted(i.parent.glob("*.ttl"))))
        hw = handwritten(i.parent.name)
        hl = lines(hw) if hw else None
        r1 = f"{100 * yl[0] / gl[0]:.0f} / {100 * yl[1] / gl[1]:.0f} %"
        r2 = f"{100 * yl[0] / hl[0]:.0f} / {100 * yl[1] / hl[1]:.0f} %" if hl else "-"
        print(f"{i.parent.name + '/' + i.name:<16} {yl[0]:>5} / {yl[1]:<5} {gl[0]:>8} / {gl[1]:<7} "
              f"{r1:>13} {(f'{hl[0]} / {hl[1]}' if hl else '-'):>20} {r2:>13}")


if __name__ == "__main__":
    main()
