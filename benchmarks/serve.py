"""``clustergraph serve`` against ``oxigraph serve-read-only`` on the same store (issue 15).

Both servers read the same on-disk store (``clustergraph load --store``): the bundled graph,
and the 1M-triple synthetic landscape (``clustergraph generate``, the parameters of
``clustergraph.generate.SIZES["1M"]``, seed 0). Each client sends every saved query in turn,
with its default parameters bound as ``VALUES`` blocks (what ``query run --endpoint``
sends), as a form POST asking for SPARQL JSON results, over one kept-alive HTTP connection;
1 and 8 concurrent clients, ``--seconds`` each. Throughput (requests/s) and p95 latency,
with the ratios clustergraph / Oxigraph (targets: throughput >= 0.8x, p95 <= 1.5x), and the
CPU time each server (its processes and threads) spent per request, a figure that other
work on a shared machine disturbs less than the others.

One server runs at a time, on 127.0.0.1. clustergraph serve runs with ``--workers`` server
processes (default 2: the machine's cores; prefork, each accepting on the one socket and
evaluating its own queries); Oxigraph with its own threads.

``--eval-modes`` measures, without HTTP, what a server process pays to evaluate a job off
its event loop: the same protocol jobs (the saved queries, SPARQL JSON) over the bundled
graph evaluated inline on the loop (which would leave the loop deaf while a query runs),
on the runner's dedicated evaluation thread (what the server does), and through
``asyncio.to_thread``; microseconds per job, the modes alternating over the rounds.

    python benchmarks/serve.py --workdir /tmp/cgserve               # bundled and 1M, 3 rounds
    python benchmarks/serve.py --sizes bundled --seconds 5 --rounds 1  # a quick look
    python benchmarks/serve.py --eval-modes     # inline vs evaluation thread vs to_thread

Each round starts each server afresh, the two in turn, the order alternating between rounds
(so that neither always runs first, or always after the other warmed the page cache); the
summary gives the median ratio of the rounds and their range.

Only the standard library, clustergraph and the ``oxigraph`` package (test extra) are used.
"""

from __future__ import annotations

import argparse
import http.client
import os
import shutil
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path

BIN = Path(sys.executable).parent
CLI = str(BIN / "clustergraph")
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph") or "oxigraph"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_ready(port: int, path: str, proc: subprocess.Popen, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            c.request("GET", path + "?" + urllib.parse.urlencode({"query": "ASK {}"}),
                      headers={"Accept": "application/sparql-results+json"})
            if c.getresponse().status == 200:
                c.close()
                return
        except OSError:
            pass
        time.sleep(0.2)
    raise RuntimeError("the server did not answer")


def build(workdir: Path, size: str) -> Path:
    store = workdir / f"{size}.db"
    if (store / "clustergraph-store.json").exists():
        return store
    files: list[str] = []
    if size != "bundled":
        from clustergraph.generate import SIZES

        p = SIZES[size]
        synth = workdir / f"synth-{size}"
        if not (synth / "SYNTHETIC.md").exists():
            subprocess.run([CLI, "generate", "--countries", str(p["countries"]),
                            "--cluster-orgs", str(p["cluster_orgs"]), "--members",
                            str(p["members"]), "--seed", "0", "--output", str(synth)],
                           check=True)
        files = sorted(str(f) for f in synth.glob("*/*.ttl"))
    subprocess.run([CLI, "load", "--store", str(store), *files], check=True)
    return store


def bodies() -> list[bytes]:
    from clustergraph.catalog import saved_queries
    from clustergraph.query import check_query, with_values

    out = []
    for q in saved_queries():
        text = with_values(check_query(q.text, q.name), q.bind({}))
        out.append(urllib.parse.urlencode({"query": text}).encode())
    return out


def load(port: int, path: str, payloads: list[bytes], clients: int,
         seconds: float) -> tuple[float, float, int, int]:
    """Throughput (requests/s), p95 (ms), requests, errors."""
    latencies: list[list[float]] = [[] for _ in range(clients)]
    errors = [0] * clients
    start_at = time.monotonic() + 0.2
    deadline = start_at + seconds

    def client(k: int) -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        i = k
        while time.monotonic() < start_at:
            time.sleep(0.001)
        while time.monotonic() < deadline:
            body = payloads[i % len(payloads)]
            t0 = time.perf_counter()
            try:
                conn.request("POST", path, body=body, headers={
                    "Content-Type": "application/x-www-form-urlencoded",
                    "Accept": "application/sparql-results+json"})
                r = conn.getresponse()
                r.read()
                if r.status != 200:
                    errors[k] += 1
            except (OSError, http.client.HTTPException):
                errors[k] += 1
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
            latencies[k].append(time.perf_counter() - t0)
            i += 1
        conn.close()

    threads = [threading.Thread(target=client, args=(k,)) for k in range(clients)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start_at
    every = sorted(x for lat in latencies for x in lat)
    p95 = statistics.quantiles(every, n=20)[-1] * 1000 if len(every) > 20 else float("nan")
    return len(every) / elapsed, p95, len(every), sum(errors)


def cpu_seconds(pid: int) -> float:
    """CPU time (user + system) of a process and of its children, threads included."""
    total = 0.0
    pids = [pid]
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            pids += [int(c) for c in (task / "children").read_text().split()]
        except FileNotFoundError:  # a thread that ended meanwhile
            continue
    for p in pids:
        try:
            fields = Path(f"/proc/{p}/stat").read_text().rsplit(")", 1)[1].split()
        except FileNotFoundError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def run_server(kind: str, store: Path, workers: int) -> tuple[subprocess.Popen, int, str]:
    port = free_port()
    if kind == "clustergraph":
        cmd = [CLI, "serve", "--store", str(store), "--port", str(port), "--workers",
               str(workers), "--max-rows", "100000"]
        path = "/sparql"
    else:
        cmd = [OXIGRAPH, "serve-read-only", "--location", str(store / "oxigraph"), "--bind",
               f"127.0.0.1:{port}", "--union-default-graph"]
        path = "/query"
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wait_ready(port, path, proc)
    return proc, port, path


def measure(kind: str, store: Path, args: argparse.Namespace,
            payloads: list[bytes]) -> dict[int, tuple]:
    """One server started, warmed up and measured at every client count."""
    figures = {}
    proc, port, path = run_server(kind, store, args.workers)
    try:
        # one warm-up round: page cache, plans, the workers' first queries
        load(port, path, payloads, 1, min(3.0, args.seconds))
        for clients in args.clients:
            before = cpu_seconds(proc.pid)
            result = load(port, path, payloads, clients, args.seconds)
            cpu_ms = 1000 * (cpu_seconds(proc.pid) - before) / max(1, result[2])
            figures[clients] = (*result, cpu_ms)
    finally:
        proc.terminate()
        proc.wait(timeout=30)
    return figures


def spread(values: list[float], fmt: str = "{:.2f}") -> str:
    """The median, and the range when there is more than one value."""
    med = fmt.format(statistics.median(values))
    if len(values) == 1:
        return med
    return f"{med} ({fmt.format(min(values))}–{fmt.format(max(values))})"


def eval_modes(rounds: int, repeat: int = 40) -> None:
    """Microseconds per job: inline, the dedicated evaluation thread, ``to_thread``."""
    import asyncio

    from clustergraph.catalog import saved_queries
    from clustergraph.query import check_query, with_values
    from clustergraph.serve import worker
    from clustergraph.serve.runner import Runner

    jobs = [{"kind": "sparql", "text": with_values(check_query(q.text, q.name), q.bind({})),
             "results_format": "json", "graph_format": "turtle", "cap": 100000}
            for q in saved_queries()]
    jobs.append({"kind": "sparql", "text": "ASK {}", "results_format": "json",
                 "graph_format": "turtle", "cap": 100000})
    runner = Runner(None)
    runner.load()
    kg = runner.kg

    async def inline(job: dict) -> dict:
        return worker.answer(kg, job)

    async def thread(job: dict) -> dict:
        return await runner.call(job, 30)

    async def to_thread(job: dict) -> dict:
        return await asyncio.to_thread(worker.answer, kg, job)

    modes = {"inline": inline, "evaluation thread": thread, "asyncio.to_thread": to_thread}

    async def timed(fn, batch: list[dict]) -> float:  # noqa: ANN001
        start = time.perf_counter()
        for _ in range(repeat):
            for job in batch:
                await fn(job)
        return (time.perf_counter() - start) * 1e6 / (repeat * len(batch))

    try:
        import uvloop

        new_loop = uvloop.new_event_loop
    except ImportError:
        new_loop = asyncio.new_event_loop
    figures: dict[tuple[str, str], list[float]] = {}
    for r in range(rounds):
        order = list(modes) if r % 2 == 0 else list(reversed(modes))
        for name in order:
            loop = new_loop()
            try:
                for label, batch in (("ASK {}", jobs[-1:]), ("saved queries", jobs[:-1])):
                    loop.run_until_complete(timed(modes[name], batch))  # warm
                    figures.setdefault((label, name), []).append(
                        loop.run_until_complete(timed(modes[name], batch)))
            finally:
                loop.close()
    print(f"# evaluating a job off the event loop: µs per job, median of {rounds} rounds "
          "(range)\n")
    print("| jobs | " + " | ".join(modes) + " |")
    print("|---|" + "---|" * len(modes))
    for label in ("ASK {}", "saved queries"):
        print(f"| {label} | " + " | ".join(
            spread(figures[(label, m)], "{:.0f}") for m in modes) + " |")
    print(f"\nLoad average at the end: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--workdir", type=Path, default=Path("/tmp/clustergraph-serve-bench"))
    ap.add_argument("--sizes", nargs="+", default=["bundled", "1M"])
    ap.add_argument("--clients", nargs="+", type=int, default=[1, 8])
    ap.add_argument("--seconds", type=float, default=15.0)
    ap.add_argument("--workers", type=int, default=2)
    ap.add_argument("--rounds", type=int, default=3,
                    help="rounds per graph, the two servers' order alternating")
    ap.add_argument("--eval-modes", action="store_true",
                    help="measure inline vs evaluation thread vs to_thread, and exit")
    args = ap.parse_args()
    if args.eval_modes:
        eval_modes(args.rounds)
        return
    args.workdir.mkdir(parents=True, exist_ok=True)
    payloads = bodies()
    print(f"# clustergraph serve vs oxigraph serve-read-only: {len(payloads)} saved queries, "
          f"{args.seconds:g} s per run, {args.rounds} rounds (order alternating), "
          f"{os.cpu_count()} cores, clustergraph --workers {args.workers}\n")
    print("| graph | round | clients | cg req/s | ox req/s | ratio (>= 0.8) | cg p95 ms "
          "| ox p95 ms | ratio (<= 1.5) | CPU ms/request cg / ox | errors cg/ox |")
    print("|---|---|---|---|---|---|---|---|---|---|---|")
    summary = []
    for size in args.sizes:
        store = build(args.workdir, size)
        rounds: list[dict[str, dict[int, tuple]]] = []
        for r in range(args.rounds):
            kinds = ("clustergraph", "oxigraph") if r % 2 == 0 else ("oxigraph", "clustergraph")
            rounds.append({kind: measure(kind, store, args, payloads) for kind in kinds})
            for clients in args.clients:
                cg, ox = rounds[-1]["clustergraph"][clients], rounds[-1]["oxigraph"][clients]
                print(f"| {size} | {r + 1} | {clients} | {cg[0]:.0f} | {ox[0]:.0f} | "
                      f"{cg[0] / ox[0]:.2f}x | {cg[1]:.1f} | {ox[1]:.1f} | {cg[1] / ox[1]:.2f}x | "
                      f"{cg[4]:.2f} / {ox[4]:.2f} | {cg[3]}/{ox[3]} |", flush=True)
        for clients in args.clients:
            pairs = [(rd["clustergraph"][clients], rd["oxigraph"][clients]) for rd in rounds]
            summary.append(
                f"| {size} | {clients} | {spread([cg[0] / ox[0] for cg, ox in pairs])} | "
                f"{spread([cg[1] / ox[1] for cg, ox in pairs])} | "
                f"{spread([cg[4] for cg, _ in pairs])} vs {spread([ox[4] for _, ox in pairs])} "
                f"| {sum(cg[3] for cg, _ in pairs)}/{sum(ox[3] for _, ox in pairs)} |")
    print("\nMedians over the rounds (range in brackets):\n")
    print("| graph | clients | throughput ratio (>= 0.8) | p95 ratio (<= 1.5) "
          "| CPU ms/request cg vs ox | errors cg/ox |")
    print("|---|---|---|---|---|---|")
    print("\n".join(summary))
    load1 = os.getloadavg()[0]
    print(f"\nLoad average at the end: {load1:.1f} on {os.cpu_count()} cores; on a shared "
          "machine throughput and latency are noisy (tens of per cent), CPU per request less.")


if __name__ == "__main__":
    main()
