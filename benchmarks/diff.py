"""Benchmark of ``clustergraph diff``: two 56-country generated landscapes of about 1M
triples each, the second with the seeded edits of ``tests/diff/seeded.py`` (a policy added
and one ended, a budget changed, an instrument moved, a score changed, an authority renamed)
in some of its countries. Issue 17's target: under 60 s.

    python benchmarks/diff.py                       # 56 countries x 25 cluster orgs x 100 members
    python benchmarks/diff.py --workdir /tmp/cgdiff --edited 8 --runs 3

It prints the sizes, the entities found against the edits seeded, the in-process time of
``clustergraph.diff.diff`` (median of --runs, each in a fresh process) with its peak memory,
and the whole-process time of ``clustergraph diff OLD NEW --format json``. Only the standard
library and clustergraph's dependencies.
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def _seeded():  # noqa: ANN202
    spec = importlib.util.spec_from_file_location("seeded", REPO / "tests" / "diff" / "seeded.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def make_landscapes(workdir: Path, countries: int, orgs: int, members: int,
                    edited: int) -> tuple[Path, Path, dict]:
    import pyoxigraph as ox

    from clustergraph.generate import generate

    old, new = workdir / "old", workdir / "new"
    params = workdir / "params.json"
    wanted = {"countries": countries, "orgs": orgs, "members": members, "edited": edited}
    if params.exists() and json.loads(params.read_text()) == wanted and new.exists():
        return old, new, json.loads((workdir / "expected.json").read_text())
    shutil.rmtree(workdir, ignore_errors=True)
    workdir.mkdir(parents=True)
    generate(old, countries, orgs, members, seed=0)
    shutil.copytree(old, new)
    folders = sorted(p for p in new.iterdir() if p.is_dir() and p.name != "synth-eu")
    step = max(1, len(folders) // edited)
    chosen = folders[::step][:edited]
    seeded = _seeded()
    expected: set[tuple[str, str]] = set()
    for folder in chosen:
        store = ox.Store()
        files = sorted(folder.glob("*.ttl"))
        for f in files:
            store.load(path=f, format=ox.RdfFormat.TURTLE)
        code = folder.name
        (row,) = store.query(
            "SELECT ?c ?n WHERE { <https://w3id.org/clustergraph/id/policy/" + code +
            "-cluster-policy-1> <https://w3id.org/clustergraph/ontology#country> ?c . "
            "OPTIONAL { ?c <http://www.w3.org/2000/01/rdf-schema#label> ?n } }")
        iso = row["c"].value.rsplit("/", 1)[-1]
        name = row["n"].value if row["n"] is not None else iso
        before = _lines(store)
        seeded.seed_edits(store, code=code, iso=iso, name=name)
        after = _lines(store)
        # The ground truth, independently of clustergraph.diff (no blank nodes here): the
        # subjects of the triples the edits removed or added, and whether they existed.
        subjects_before = {ln.split(" ", 1)[0] for ln in before}
        subjects_after = {ln.split(" ", 1)[0] for ln in after}
        for ln in before ^ after:
            subj = ln.split(" ", 1)[0]
            status = ("added" if subj not in subjects_before else
                      "removed" if subj not in subjects_after else "changed")
            expected.add((status, subj[1:-1]))
        for f in files:
            f.unlink()
        store.dump(output=folder / "edited.ttl", format=ox.RdfFormat.TURTLE,
                   from_graph=ox.DefaultGraph())
    truth = {"edited": [f.name for f in chosen], "entities": sorted(expected)}
    (workdir / "expected.json").write_text(json.dumps(truth))
    params.write_text(json.dumps(wanted))
    return old, new, truth


def _lines(store) -> set[str]:  # noqa: ANN001
    import pyoxigraph as ox

    text = store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    return set(text.decode("utf-8").splitlines())


def worker(old: str, new: str) -> None:
    from clustergraph.diff import diff

    started = time.perf_counter()
    result = diff(old, new)
    seconds = time.perf_counter() - started
    print(json.dumps({
        "seconds": seconds,
        "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
        "old_triples": result.old_triples, "new_triples": result.new_triples,
        "counts": result.counts(),
        "triples": [result.triples_added, result.triples_removed],
        "entities": sorted([e.status, e.iri] for e in result.entities),
    }))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/clustergraph-diff-bench"))
    ap.add_argument("--countries", type=int, default=56)
    ap.add_argument("--cluster-orgs", type=int, default=25)
    ap.add_argument("--members", type=int, default=100)
    ap.add_argument("--edited", type=int, default=8, help="countries given the seeded edits")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--worker", nargs=2, metavar=("OLD", "NEW"), help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.worker:
        worker(*args.worker)
        return
    t0 = time.perf_counter()
    old, new, truth = make_landscapes(args.workdir, args.countries, args.cluster_orgs,
                                      args.members, args.edited)
    print(f"landscapes ready in {time.perf_counter() - t0:.1f} s: {old} and {new} "
          f"(seeded edits in: {', '.join(truth['edited'])})")
    print(f"load average before: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    runs = []
    for _ in range(args.runs):
        out = subprocess.run([sys.executable, __file__, "--worker", str(old), str(new)],
                             check=True, capture_output=True, text=True).stdout
        runs.append(json.loads(out))
    first = runs[0]
    expected = sorted(list(e) for e in truth["entities"])
    print(f"OLD {first['old_triples']:,} triples, NEW {first['new_triples']:,} triples")
    same = all(r["entities"] == expected for r in runs)
    print(f"found {first['counts']}; triples added/removed {first['triples'][0]}/"
          f"{first['triples'][1]}; entities {'exactly' if same else 'NOT'} those the seeded "
          f"edits touched ({len(expected)})")
    secs = [r["seconds"] for r in runs]
    print(f"diff in process: median {statistics.median(secs):.1f} s "
          f"(runs: {', '.join(f'{s:.1f}' for s in secs)}), peak "
          f"{max(r['peak_mb'] for r in runs):.0f} MB; target < 60 s: "
          f"{'met' if statistics.median(secs) < 60 else 'MISSED'}")
    exe = Path(sys.executable).with_name("clustergraph")
    t = time.perf_counter()
    subprocess.run([str(exe), "diff", str(old), str(new), "--format", "json"], check=True,
                   stdout=subprocess.DEVNULL)
    print(f"clustergraph diff OLD NEW --format json, whole process: "
          f"{time.perf_counter() - t:.1f} s")
    print(f"load average after: {os.getloadavg()[0]:.1f} (above {os.cpu_count()}: the "
          "machine was shared, the figures are noisy)")


if __name__ == "__main__":
    main()
