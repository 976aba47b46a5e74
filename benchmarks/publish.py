"""Publish time (issue 14): ``clustergraph publish`` of a synthetic landscape to each store,
against that store's own bulk path, with the ratio (target: within 2x).

Per store, each run on a fresh server in a fresh folder (``clustergraph.publish.servers``):

- **publish**: the whole ``clustergraph publish --to URL FILES`` process (parsing the
  landscape, skolemising, the DCAT-AP record with checksums, staging upload, read-back
  verification, replace, count), and the same from a store built beforehand
  (``--store DIR``: no parsing);
- **bulk**: the store's own loader on the same dataset as N-Quads (written once by
  ``Store.dump``): ``oxigraph load --location DIR --file FILE`` (the server not running),
  and Virtuoso's ``ld_dir`` + ``rdf_loader_run()`` + ``checkpoint`` through ``isql-vt``;
- **re-publish unchanged**: a second ``publish --store`` to the same server (every graph is
  already there, so each is only read and compared).

    python benchmarks/publish.py --size 1M --workdir /tmp/cgpublish
    python benchmarks/publish.py --size 10k --stores oxigraph        # a quick look

The machine is shared: the load average before and after each run is printed beside it, and
with ``--runs N`` the measurements alternate round by round (bulk, publish, bulk, publish...),
so that the ratio of each round compares neighbours in time.
Only the standard library and clustergraph are used.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

from clustergraph.generate import SIZES
from clustergraph.publish import servers

PASSWORD = "benchmark-password"
#: measurement -> its --measure name; "re-publish unchanged" publishes --store twice to one
#: server and times the second (every graph is already there).
MEASURES = {"bulk": "bulk", "publish FILES": "files", "publish --store": "store",
            "re-publish unchanged": "republish"}
BIN = Path(sys.executable).parent


def load_average() -> str:
    return "/".join(f"{x:.1f}" for x in os.getloadavg())


def landscape(workdir: Path, size: str) -> tuple[list[str], Path, Path]:
    """The landscape's files, an N-Quads dump of everything a publish sends (the bundled
    layers and the landscape), and a store built from them."""
    folder = workdir / f"landscape-{size}"
    if not (folder / "SYNTHETIC.md").exists():
        p = SIZES[size]
        subprocess.run([str(BIN / "clustergraph"), "generate", "--countries",
                        str(p["countries"]), "--cluster-orgs", str(p["cluster_orgs"]),
                        "--members", str(p["members"]), "--seed", "0", "--output",
                        str(folder)], check=True)
    files = sorted(str(f) for f in folder.glob("*/*.ttl"))
    dump = workdir / f"landscape-{size}.nq"
    store = workdir / f"store-{size}"
    if not dump.exists() or not store.exists():
        import pyoxigraph as ox

        from clustergraph.store import build_store
        kg = build_store(str(store), extra_files=files)
        kg.store.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
        del kg
    return files, dump, store


def timed(args: list[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(args, env={**os.environ, **(env or {})}, capture_output=True,
                          text=True, check=False)
    seconds = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(args[:3])}... failed: {done.stderr[-800:]}")
    return seconds


def oxigraph_publish(folder: Path, source: list[str], again: bool = False) -> float:
    with servers.oxigraph(folder) as server:
        args = [str(BIN / "clustergraph"), "publish", "--to", server.gsp_url, *source]
        first = timed(args)
        return timed(args) if again else first


def oxigraph_bulk(folder: Path, dump: Path) -> float:
    folder.mkdir(parents=True, exist_ok=True)
    return timed([servers.oxigraph_command(), "load", "--location", str(folder / "db"),
                  "--file", str(dump)])


def virtuoso_publish(folder: Path, source: list[str], again: bool = False) -> float:
    env = {"CLUSTERGRAPH_STORE_USER": "dba", "CLUSTERGRAPH_STORE_PASSWORD": PASSWORD}
    with servers.virtuoso(folder, password=PASSWORD) as server:
        args = [str(BIN / "clustergraph"), "publish", "--to", server.gsp_url, "--timeout",
                "1800", *source]
        first = timed(args, env)
        return timed(args, env) if again else first


def virtuoso_bulk(folder: Path, dump: Path) -> float:
    with servers.virtuoso(folder, password=PASSWORD, dirs_allowed=(str(dump.parent),)) as v:
        started = time.perf_counter()
        v.isql(f"ld_dir('{dump.parent}', '{dump.name}', 'urn:clustergraph:bulk-default');\n"
               "rdf_loader_run();\ncheckpoint;", timeout=3600)
        seconds = time.perf_counter() - started
        out = v.isql('SPARQL SELECT COUNT(*) WHERE { GRAPH ?g { ?s ?p ?o } '
                     'FILTER(STRSTARTS(STR(?g), "https://w3id.org/clustergraph/")) };')
        loaded = max(int(w) for w in out.split() if w.isdigit())
        expected = sum(1 for line in dump.open("rb") if line.strip())
        if loaded != expected:
            raise RuntimeError(f"the bulk load holds {loaded} quads, not {expected}")
        return seconds


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--size", default="1M", choices=sorted(SIZES))
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/cgpublish"))
    ap.add_argument("--stores", nargs="+", default=["oxigraph", "virtuoso"],
                    choices=["oxigraph", "virtuoso"])
    ap.add_argument("--runs", type=int, default=1, help="runs of each measurement (median)")
    ap.add_argument("--measure", nargs="+", default=list(MEASURES.values()),
                    choices=list(MEASURES.values()),
                    help="what to measure (default: all)")
    args = ap.parse_args()
    args.workdir.mkdir(parents=True, exist_ok=True)
    files, dump, store = landscape(args.workdir, args.size)
    print(f"# publish benchmark: {args.size} landscape ({len(files)} files; N-Quads dump "
          f"{dump.stat().st_size / 1e6:.0f} MB), {os.cpu_count()} cores, "
          f"{args.runs} run(s) each, medians\n")
    print("| store | measurement | seconds | load average before/after |")
    print("|---|---|---|---|")
    table = {}
    times: dict[tuple[str, str], list[float]] = {}
    for i in range(args.runs):  # the sides of each ratio alternate, round by round
        for kind in args.stores:
            publish = oxigraph_publish if kind == "oxigraph" else virtuoso_publish
            bulk = oxigraph_bulk if kind == "oxigraph" else virtuoso_bulk
            for name, work in (
                ("bulk", lambda f, b=bulk: b(f, dump)),
                ("publish FILES", lambda f, p=publish: p(f, files)),
                ("publish --store", lambda f, p=publish: p(f, ["--store", str(store)])),
                ("re-publish unchanged",
                 lambda f, p=publish: p(f, ["--store", str(store)], True)),
            ):
                if MEASURES[name] not in args.measure:
                    continue
                folder = args.workdir / f"{kind}-{name.replace(' ', '_')}-{i}"
                shutil.rmtree(folder, ignore_errors=True)
                before = load_average()
                times.setdefault((kind, name), []).append(work(folder))
                print(f"| {kind} | {name} | {times[kind, name][-1]:.1f} | {before} / "
                      f"{load_average()} |", flush=True)
                shutil.rmtree(folder, ignore_errors=True)
    for key, values in times.items():
        table[key] = statistics.median(values)
    if "bulk" not in args.measure:
        return
    print("\n| store | bulk (s) | measurement | seconds | ratio to bulk (median; each round's) |")
    print("|---|---|---|---|---|")
    for kind in args.stores:
        b = table[kind, "bulk"]
        for name in ("publish FILES", "publish --store", "re-publish unchanged"):
            if (kind, name) in table:
                t = table[kind, name]
                rounds = ", ".join(f"{p / q:.2f}x" for p, q in
                                   zip(times[kind, name], times[kind, "bulk"], strict=True))
                print(f"| {kind} | {b:.1f} | {name} | {t:.1f} | {t / b:.2f}x ({rounds}) |")


if __name__ == "__main__":
    main()
