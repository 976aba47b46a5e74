"""A bounded load test on loopback: 8 concurrent clients run the saved queries for 30 s
(at most 4000 requests each), through the gallery and through the SPARQL endpoint; no error,
no leaked or killed worker, every answer the same as the first time."""

from __future__ import annotations

import threading
import time
import urllib.parse

import pytest

from clustergraph.catalog import saved_queries
from clustergraph.query import check_query, with_values

from .conftest import Server, alive

pytestmark = pytest.mark.slow

CLIENTS = 8
SECONDS = 30.0
MAX_REQUESTS = 4000


def test_eight_clients_for_thirty_seconds(server: Server) -> None:
    paths = []
    for q in saved_queries():
        paths.append(f"query/{q.name}?format=json")
        text = with_values(check_query(q.text, q.name), q.bind({}))
        paths.append("sparql?" + urllib.parse.urlencode({"query": text}))
    first = {p: server.get(p, headers={"Accept": "application/sparql-results+json"}).body
             for p in paths}
    before = server.workers()
    assert len(before) == 2
    errors: list[str] = []
    counts = [0] * CLIENTS
    deadline = time.monotonic() + SECONDS

    def client(k: int) -> None:
        i = k
        while time.monotonic() < deadline and counts[k] < MAX_REQUESTS:
            path = paths[i % len(paths)]
            a = server.get(path, headers={"Accept": "application/sparql-results+json"})
            if a.status != 200 or a.body != first[path]:
                errors.append(f"{path}: {a.status} {a.body[:200]!r}")
            counts[k] += 1
            i += 1

    threads = [threading.Thread(target=client, args=(k,)) for k in range(CLIENTS)]
    start = time.monotonic()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.monotonic() - start
    assert errors == []
    assert elapsed < SECONDS + 10
    assert sum(counts) > 8 * 20  # it did run
    assert server.workers() == before and all(alive(p) for p in before)
    print(f"\n{sum(counts)} requests by {CLIENTS} clients in {elapsed:.1f} s: "
          f"{sum(counts) / elapsed:.0f} requests/s")
