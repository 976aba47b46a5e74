"""``--endpoint``: every saved query run on a real SPARQL 1.1 Protocol server (the ``oxigraph``
server from PyPI, started by the test on 127.0.0.1 and loaded with the exported graph) prints
exactly what the local run prints, in every format; parameters (including injection attempts)
travel as one term; endpoint errors exit 6. Only the loopback interface is used."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.catalog import parse_query, saved_queries, saved_query
from clustergraph.cli import main
from clustergraph.errors import EndpointError, ExitCode
from clustergraph.query import run
from clustergraph.render import FORMATS, render

pytestmark = pytest.mark.slow

def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def oxigraph_command() -> str:
    import sys

    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        pytest.skip("the oxigraph server (pip install oxigraph) is not installed")
    return found


@pytest.fixture(scope="module")
def endpoint(kg, tmp_path_factory):
    """A read-only Oxigraph server on 127.0.0.1 holding the whole graph, union as default."""
    command = oxigraph_command()
    tmp = tmp_path_factory.mktemp("oxigraph")
    dump = tmp / "graph.nq"
    kg.store.dump(output=str(dump), format=ox.RdfFormat.N_QUADS)
    location = tmp / "db"
    subprocess.run([command, "load", "--location", str(location), "--file", str(dump)],
                   check=True, capture_output=True)
    port = free_port()
    server = subprocess.Popen(
        [command, "serve-read-only", "--location", str(location),
         "--bind", f"127.0.0.1:{port}", "--union-default-graph"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
    )
    url = f"http://127.0.0.1:{port}/query"
    opener = urllib.request.build_opener(urllib.request.ProxyHandler({}))
    deadline = time.monotonic() + 20
    while True:
        try:
            with opener.open(f"{url}?query=ASK%7B%7D", timeout=1):
                break
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                raise RuntimeError(f"oxigraph did not start: {server.stderr.read()!r}") from None
            time.sleep(0.1)
    yield url
    server.terminate()
    try:
        server.wait(timeout=10)
    except subprocess.TimeoutExpired:
        server.kill()


@pytest.mark.parametrize("query", saved_queries(), ids=lambda q: q.name)
def test_every_saved_query_is_identical_on_the_endpoint(kg, endpoint, query) -> None:
    local = run(query, kg=kg, labels=True)
    remote = run(query, endpoint=endpoint, labels=True)
    assert remote.rows, f"{query.name} returned no rows on the endpoint"
    for fmt in FORMATS:
        assert render(remote, fmt) == render(local, fmt), fmt


@pytest.mark.parametrize(("name", "params"), [
    ("policies-active-in-year", {"year": "2006"}),
    ("beneficiaries", {"beneficiary": "cgv:beneficiary-type/start-ups"}),
    ("authority-roles", {"minRoles": "2"}),
    ("eu-priority-alignment", {"priority": "cgv:eu-priority/resilience"}),
    ("specialisation-fit", {"region": "nuts:BE3"}),
    ("resource-description",
     {"resource": "cgid:policy/be-wallonia-competitive-clusters-result-jobs"}),
    ("semester-challenges", {"area": "cgv:semester-policy-area/green-economy"}),
    ("policy-overview", {"country": "country:FRA"}),
])
def test_parameters_are_identical_on_the_endpoint(kg, endpoint, name, params) -> None:
    q = saved_query(name)
    local = run(q, params, kg=kg, labels=True)
    remote = run(q, params, endpoint=endpoint, labels=True)
    assert render(remote, "json") == render(local, "json")
    assert render(remote, "table") == render(local, "table")
    assert remote.rows != run(q, kg=kg).rows  # the parameter took effect


LABEL_QUERY = """#+ params:
#+   - name: string; default=Flanders Innovation Clusters Policy; doc=The label.
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?name ?policy WHERE { ?policy rdfs:label ?label FILTER(STR(?label) = ?name) }
"""


@pytest.mark.parametrize("value", [
    "Flanders Innovation Clusters Policy",
    'x") || true || ("',
    'x" ) } UNION { ?policy ?p ?o } #',
    "\\u0022) || (\\u0022",
    '\\" || "" = "',
    "}}}{{{ '''",
    "line\nbreak\ttab",
])
def test_injection_through_the_endpoint_is_just_a_string(kg, endpoint, value) -> None:
    q = parse_query("by-label", Path("by-label.rq"), LABEL_QUERY)
    remote = run(q, {"name": value}, endpoint=endpoint)
    assert render(remote, "json") == render(run(q, {"name": value}, kg=kg), "json")
    expected = 1 if value == "Flanders Innovation Clusters Policy" else 0
    assert len(remote.rows) == expected
    assert all(row[0] == ox.Literal(value) for row in remote.rows)


def test_cli_prints_the_same_with_and_without_endpoint(runner, endpoint) -> None:
    for fmt in ("table", "csv"):
        local = runner.invoke(main, ["query", "run", "timeline", "-f", fmt])
        remote = runner.invoke(main, ["query", "run", "timeline", "-f", fmt,
                                      "--endpoint", endpoint])
        assert local.exit_code == remote.exit_code == 0
        assert remote.stdout_bytes == local.stdout_bytes


def test_endpoint_error_is_exit_6(runner, endpoint, tmp_path: Path) -> None:
    # a query the server cannot run (an unknown function): it answers with an HTTP error
    f = tmp_path / "odd.rq"
    f.write_text("SELECT ?x WHERE { BIND(<http://example.org/nope>(1) AS ?x) }")
    result = runner.invoke(main, ["query", "run", "--file", str(f), "--endpoint", endpoint])
    assert result.exit_code == ExitCode.ENDPOINT
    assert result.output.startswith(f"clustergraph: error: {endpoint} answered 500 ")
    assert "is not supported" in result.output


def test_not_a_sparql_endpoint(endpoint) -> None:
    base = endpoint.rsplit("/", 1)[0] + "/"  # the server's HTML page, not results
    with pytest.raises(EndpointError):
        run(saved_query("state-of-play"), endpoint=base)
