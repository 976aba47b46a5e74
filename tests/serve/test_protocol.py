"""The SPARQL 1.1 Protocol endpoint and the IRI pages through a real HTTP client against a
real ``clustergraph serve`` on 127.0.0.1: every format, every refusal, malformed input, a
body over the limit, an unknown IRI, a query past its time limit."""

from __future__ import annotations

import json
import time
import urllib.parse
import xml.etree.ElementTree as ET

import pyoxigraph as ox
import pytest

from .conftest import Server, alive, cpu_seconds

pytestmark = pytest.mark.slow

POLICY = "https://w3id.org/clustergraph/id/policy/be-flanders-innovation-clusters"
LABEL_Q = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> SELECT ?label WHERE { "
           f"<{POLICY}> rdfs:label ?label }}")
CONSTRUCT_Q = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#> CONSTRUCT { ?p rdfs:label "
               "?l } WHERE { ?p a <https://w3id.org/clustergraph/ontology#ClusterPolicy> ; "
               "rdfs:label ?l FILTER(STRSTARTS(STR(?p), "
               "'https://w3id.org/clustergraph/id/policy/be-')) }")  # Belgium's two
RDFS_LABEL = ox.NamedNode("http://www.w3.org/2000/01/rdf-schema#label")
POLICY_LABELS = {
    ox.Triple(ox.NamedNode(POLICY), RDFS_LABEL,
              ox.Literal("Flanders Innovation Clusters Policy", language="en")),
    ox.Triple(ox.NamedNode("https://w3id.org/clustergraph/id/policy/"
                           "be-wallonia-competitive-clusters"), RDFS_LABEL,
              ox.Literal("Walloon Region Competitive Clusters Policy", language="en")),
}
#: A cartesian product of the graph with itself three times: runs for minutes.
SLOW_Q = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def get_query(server: Server, query: str, accept: str) -> object:
    return server.get("sparql?" + urllib.parse.urlencode({"query": query}),
                      headers={"Accept": accept})


def test_binds_loopback_and_says_where(server: Server) -> None:
    assert server.url.startswith("http://127.0.0.1:")
    assert "SPARQL at /sparql; 2 workers, 2 s per query" in server.startup_line


def test_select_json(server: Server) -> None:
    a = get_query(server, LABEL_Q, "application/sparql-results+json")
    assert a.status == 200
    assert a.headers["content-type"] == "application/sparql-results+json; charset=utf-8"
    assert a.headers["vary"] == "Accept"
    assert json.loads(a.body) == {"head": {"vars": ["label"]}, "results": {"bindings": [
        {"label": {"type": "literal", "value": "Flanders Innovation Clusters Policy",
                   "xml:lang": "en"}}]}}


def test_select_xml(server: Server) -> None:
    a = get_query(server, LABEL_Q, "application/sparql-results+xml")
    assert a.status == 200
    assert a.headers["content-type"] == "application/sparql-results+xml; charset=utf-8"
    ns = {"s": "http://www.w3.org/2005/sparql-results#"}
    root = ET.fromstring(a.body)
    assert [v.get("name") for v in root.findall("s:head/s:variable", ns)] == ["label"]
    lits = root.findall("s:results/s:result/s:binding/s:literal", ns)
    assert [(lit.text, lit.get("{http://www.w3.org/XML/1998/namespace}lang")) for lit in lits] \
        == [("Flanders Innovation Clusters Policy", "en")]


def test_select_csv_and_tsv(server: Server) -> None:
    a = get_query(server, LABEL_Q, "text/csv")
    assert (a.status, a.headers["content-type"]) == (200, "text/csv; charset=utf-8")
    assert a.body == b"label\r\nFlanders Innovation Clusters Policy\r\n"
    a = get_query(server, LABEL_Q, "text/tab-separated-values")
    assert a.status == 200
    assert a.body == b'?label\n"Flanders Innovation Clusters Policy"@en\n'


def test_accept_with_q_values_and_default(server: Server) -> None:
    a = get_query(server, LABEL_Q, "text/csv;q=0.5, application/sparql-results+xml;q=0.9")
    assert a.headers["content-type"].startswith("application/sparql-results+xml")
    a = get_query(server, LABEL_Q, "*/*")
    assert a.headers["content-type"].startswith("application/sparql-results+json")


def test_ask(server: Server) -> None:
    a = get_query(server, f"ASK {{ <{POLICY}> ?p ?o }}", "application/sparql-results+json")
    assert json.loads(a.body) == {"head": {}, "boolean": True}
    a = get_query(server, "ASK { <http://example.org/none> ?p ?o }", "text/csv")
    assert a.body == b"boolean\r\nfalse\r\n"


@pytest.mark.parametrize(("accept", "fmt"), [
    ("text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_construct_in_every_graph_format(server: Server, accept: str, fmt) -> None:  # noqa: ANN001
    a = get_query(server, CONSTRUCT_Q, accept)
    assert a.status == 200
    assert a.headers["content-type"].split(";")[0] == accept
    triples = {q.triple for q in ox.parse(a.body, format=fmt)}
    assert triples == POLICY_LABELS


def test_describe(server: Server) -> None:
    a = get_query(server, f"DESCRIBE <{POLICY}>", "application/n-triples")
    assert a.status == 200
    triples = {q.triple for q in ox.parse(a.body, format=ox.RdfFormat.N_TRIPLES)}
    assert next(iter(POLICY_LABELS - {t for t in POLICY_LABELS if "wallonia" in str(t)})) \
        in triples
    assert all(t.subject == ox.NamedNode(POLICY) for t in triples
               if not isinstance(t.subject, ox.BlankNode))


def test_post_form_and_direct(server: Server) -> None:
    body = urllib.parse.urlencode({"query": LABEL_Q}).encode()
    a = server.get("sparql", method="POST", data=body, headers={
        "Content-Type": "application/x-www-form-urlencoded", "Accept": "text/csv"})
    assert (a.status, a.body) == (200, b"label\r\nFlanders Innovation Clusters Policy\r\n")
    a = server.get("sparql", method="POST", data=LABEL_Q.encode(), headers={
        "Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert (a.status, a.body) == (200, b"label\r\nFlanders Innovation Clusters Policy\r\n")


def test_service_description(server: Server) -> None:
    a = server.get("sparql", headers={"Accept": "text/turtle"})
    assert a.status == 200 and a.headers["content-type"].startswith("text/turtle")
    g = {q.triple for q in ox.parse(a.body, format=ox.RdfFormat.TURTLE)}
    sd = "http://www.w3.org/ns/sparql-service-description#"
    me = ox.NamedNode(server.url + "sparql")
    assert ox.Triple(me, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"),
                     ox.NamedNode(sd + "Service")) in g
    assert ox.Triple(me, ox.NamedNode(sd + "endpoint"), me) in g


REFUSALS = [
    ("INSERT DATA { <http://e/a> <http://e/b> <http://e/c> }",
     "query: INSERT is SPARQL Update, which changes data; refused"),
    ("SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
     "query: SERVICE would make the query reach outside the loaded graph; refused"),
    ("SELECT * FROM <http://example.org/g> WHERE { ?s ?p ?o }",
     "query: FROM would make the query reach outside the loaded graph; refused"),
    ("LOAD <http://example.org/data.ttl>",
     "query: LOAD would make the query reach outside the loaded graph; refused"),
    ("DROP ALL", "query: DROP is SPARQL Update, which changes data; refused"),
]


@pytest.mark.parametrize(("query", "message"), REFUSALS)
def test_refusals_are_403_with_a_sentence(server: Server, query: str, message: str) -> None:
    a = get_query(server, query, "application/sparql-results+json")
    assert (a.status, a.text) == (403, message + "\n")
    a = server.get("sparql", method="POST", data=query.encode(), headers={
        "Content-Type": "application/sparql-query"})
    assert (a.status, a.text) == (403, message + "\n")


def test_update_operations_are_refused(server: Server) -> None:
    read_only = "this endpoint is read-only: SPARQL Update is refused\n"
    a = server.get("sparql", method="POST", data=b"DROP ALL",
                   headers={"Content-Type": "application/sparql-update"})
    assert (a.status, a.text) == (403, read_only)
    a = server.get("sparql", method="POST", data=b"update=CLEAR+ALL",
                   headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert (a.status, a.text) == (403, read_only)
    a = server.get("sparql?update=CLEAR+ALL")
    assert (a.status, a.text) == (403, read_only)


def test_dataset_parameters_are_refused(server: Server) -> None:
    a = server.get("sparql?" + urllib.parse.urlencode(
        {"query": LABEL_Q, "default-graph-uri": "http://example.org/g"}))
    assert a.status == 403
    assert a.text.startswith("default-graph-uri and named-graph-uri are refused")


def test_malformed_queries_are_400(server: Server) -> None:
    a = get_query(server, "SELECT ?x WHERE { ?x ", "application/sparql-results+json")
    assert a.status == 400
    assert a.text.startswith("the query does not parse: ")
    assert "Traceback" not in a.text and len(a.text.splitlines()) == 1
    a = get_query(server, "   ", "application/sparql-results+json")
    assert (a.status, a.text) == (400, "the query is empty\n")
    a = server.get("sparql?query=a&query=b")
    assert (a.status, a.text) == (400, "give one 'query' parameter, not several\n")
    a = server.get("sparql", method="POST", data=b"\xff\xfe", headers={
        "Content-Type": "application/sparql-query"})
    assert (a.status, a.text) == (400, "the request body is not UTF-8\n")
    a = server.get("sparql", method="POST", data=b"x", headers={"Content-Type": "text/plain"})
    assert a.status == 415


def test_unacceptable_type_is_406(server: Server) -> None:
    a = get_query(server, LABEL_Q, "image/png")
    assert a.status == 406
    assert "choose from application/sparql-results+json" in a.text


def test_body_over_the_limit_is_413(server: Server) -> None:
    big = ("SELECT * WHERE { ?s ?p ?o } #" + "x" * 300_000).encode()
    a = server.get("sparql", method="POST", data=big, headers={
        "Content-Type": "application/sparql-query"})
    assert (a.status, a.text) == (413, "the request body is over the 262144 byte limit\n")


def test_row_cap_is_said(server: Server) -> None:
    a = get_query(server, "SELECT * WHERE { ?s ?p ?o }", "application/sparql-results+json")
    assert a.status == 200
    doc = json.loads(a.body)
    assert len(doc["results"]["bindings"]) == 1000
    assert doc["head"]["truncated"] is True
    assert a.headers["clustergraph-truncated"] == "the answer was cut at 1000 rows"
    a = get_query(server, LABEL_Q, "application/sparql-results+json")
    assert "clustergraph-truncated" not in a.headers
    assert "truncated" not in json.loads(a.body)["head"]


def test_timeout_is_503_in_time_and_the_worker_is_gone(server: Server) -> None:
    before = server.workers()
    assert len(before) == 2
    start = time.monotonic()
    a = get_query(server, SLOW_Q, "application/sparql-results+json")
    elapsed = time.monotonic() - start
    assert a.status == 503
    assert a.text == ("the query ran past the 2 s time limit; no result (its server process "
                      "is being replaced)\n")
    assert elapsed < 2 + 1, elapsed
    # the server process that ran it exits (it had nothing else in flight): within a second
    # its CPU is free
    deadline = time.monotonic() + 1.0
    while all(alive(pid) for pid in before) and time.monotonic() < deadline:
        time.sleep(0.02)
    after = server.workers()
    gone = [pid for pid in before if not alive(pid)]
    assert len(gone) == 1, (before, after)
    # its replacement loads, and then every process of the server is idle
    deadline = time.monotonic() + 30
    while len([p for p in server.workers() if alive(p)]) < 2 and time.monotonic() < deadline:
        time.sleep(0.1)
    time.sleep(1.0)
    pids = [server.proc.pid] + server.workers()
    used = sum(cpu_seconds(p) for p in pids)
    time.sleep(1.0)
    assert sum(cpu_seconds(p) for p in pids) - used < 0.2
    # and the endpoint answers again
    assert get_query(server, LABEL_Q, "text/csv").status == 200


def test_no_cors_by_default(server: Server) -> None:
    a = get_query(server, LABEL_Q, "text/csv")
    assert "access-control-allow-origin" not in a.headers
    a = server.get("sparql?" + urllib.parse.urlencode({"query": LABEL_Q}),
                   headers={"Origin": "https://evil.example", "Accept": "text/csv"})
    assert "access-control-allow-origin" not in a.headers


def test_cors_for_the_one_origin_asked_for() -> None:
    s = Server("--cors", "https://portal.example", "--workers", "1")
    try:
        url = "sparql?" + urllib.parse.urlencode({"query": LABEL_Q})
        a = s.get(url, headers={"Origin": "https://portal.example", "Accept": "text/csv"})
        assert a.headers["access-control-allow-origin"] == "https://portal.example"
        a = s.get(url, headers={"Origin": "https://evil.example", "Accept": "text/csv"})
        assert "access-control-allow-origin" not in a.headers
        workers = s.workers()
        assert len(workers) == 1
    finally:
        s.stop()
    # stopping the server stops its workers
    assert s.proc.returncode in (0, -15)  # uvicorn re-raises SIGTERM after its shutdown
    deadline = time.monotonic() + 10
    while any(alive(p) for p in workers) and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not any(alive(p) for p in workers)


# --------------------------------------------------------------------------- IRI pages

@pytest.mark.parametrize(("accept", "media", "fmt"), [
    ("text/turtle", "text/turtle", ox.RdfFormat.TURTLE),
    ("application/n-triples", "application/n-triples", ox.RdfFormat.N_TRIPLES),
    ("application/ld+json", "application/ld+json", ox.RdfFormat.JSON_LD),
])
def test_iri_page_negotiates(server: Server, accept: str, media: str, fmt) -> None:  # noqa: ANN001
    a = server.get("id/policy/be-flanders-innovation-clusters", headers={"Accept": accept})
    assert a.status == 200
    assert a.headers["content-type"].split(";")[0] == media
    assert a.headers["vary"] == "Accept"
    link = a.headers["link"]
    for m in ("text/turtle", "application/n-triples", "application/ld+json"):
        assert f'rel="alternate"; type="{m}"' in link
    triples = {q.triple for q in ox.parse(a.body, format=fmt)}
    assert next(t for t in POLICY_LABELS if t.subject.value == POLICY) in triples


def test_iri_page_html_for_a_browser(server: Server) -> None:
    a = server.get("id/policy/be-flanders-innovation-clusters",
                   headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert a.status == 200 and a.headers["content-type"] == "text/html; charset=utf-8"
    assert "<h1>Flanders Innovation Clusters Policy</h1>" in a.text
    assert a.headers["vary"] == "Accept"


def test_unknown_iri_is_404(server: Server) -> None:
    a = server.get("id/policy/no-such-policy", headers={"Accept": "text/html"})
    assert a.status == 404
    assert ("The graph does not describe "
            "https://w3id.org/clustergraph/id/policy/no-such-policy.") in a.text
    a = server.get("id/policy/no-such-policy", headers={"Accept": "text/turtle"})
    assert (a.status, a.text) == (
        404, "the graph does not describe "
             "https://w3id.org/clustergraph/id/policy/no-such-policy\n")


def test_a_worker_killed_from_outside_is_replaced() -> None:
    import os
    import signal

    s = Server("--workers", "2")
    try:
        before = s.workers()
        os.kill(before[0], signal.SIGKILL)
        deadline = time.monotonic() + 5
        while alive(before[0]) and time.monotonic() < deadline:
            time.sleep(0.05)
        for _ in range(6):
            assert get_query(s, LABEL_Q, "text/csv").status == 200
        deadline = time.monotonic() + 30
        while (len(s.workers()) < 2 or before[0] in s.workers()) \
                and time.monotonic() < deadline:
            time.sleep(0.1)
        after = s.workers()
        assert len(after) == 2 and before[0] not in after and before[1] in after
    finally:
        s.stop()


def test_a_worker_killed_mid_query_drops_its_connection_and_is_replaced() -> None:
    # the process that holds the connection is the one evaluating: killed from outside, it
    # cannot answer (no half answer either); the supervisor starts another in its place
    import http.client
    import os
    import signal
    import threading

    s = Server("--workers", "1", "--timeout", "30")
    try:
        (pid,) = s.workers()
        outcome = []

        def slow() -> None:
            try:
                outcome.append(get_query(s, SLOW_Q, "application/sparql-results+json"))
            except (OSError, http.client.HTTPException) as exc:
                outcome.append(type(exc).__name__)

        idle = cpu_seconds(pid)
        t = threading.Thread(target=slow)
        t.start()
        deadline = time.monotonic() + 10
        while cpu_seconds(pid) - idle < 0.3 and time.monotonic() < deadline:  # it runs
            time.sleep(0.05)
        os.kill(pid, signal.SIGKILL)
        t.join(timeout=10)
        assert outcome in (["RemoteDisconnected"], ["ConnectionResetError"]), outcome
        deadline = time.monotonic() + 30
        while not (s.workers() and s.workers() != [pid]) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert get_query(s, LABEL_Q, "text/csv").status == 200
    finally:
        s.stop()


def test_a_timeout_lets_the_other_requests_of_its_process_finish() -> None:
    # one process: a runaway query, and a quick one beside it; the quick one answers, the
    # runaway one answers 503 at its deadline, and only then does the process exit,
    # replaced by another
    import threading

    s = Server("--workers", "1", "--timeout", "2")
    try:
        (pid,) = s.workers()
        answers: dict[str, object] = {}
        idle = cpu_seconds(pid)
        slow = threading.Thread(target=lambda: answers.setdefault(
            "slow", get_query(s, SLOW_Q, "application/sparql-results+json")))
        slow.start()
        deadline = time.monotonic() + 10
        while cpu_seconds(pid) - idle < 0.5 and time.monotonic() < deadline:
            time.sleep(0.05)
        start = time.monotonic()
        quick = get_query(s, LABEL_Q, "text/csv")
        slow.join(timeout=10)
        assert answers["slow"].status == 503
        assert (quick.status, quick.body) == (200, b"label\r\nFlanders Innovation Clusters "
                                                   b"Policy\r\n")
        assert time.monotonic() - start < 2 + 1
        deadline = time.monotonic() + 5
        while alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert not alive(pid)
        deadline = time.monotonic() + 30
        while not s.workers() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert get_query(s, LABEL_Q, "text/csv").status == 200
    finally:
        s.stop()


@pytest.mark.parametrize("signum", ["SIGINT", "SIGTERM"])
def test_a_signal_stops_the_supervisor_and_every_server_process(signum: str) -> None:
    import os
    import signal

    s = Server("--workers", "2")
    try:
        workers = s.workers()
        assert len(workers) == 2
        assert get_query(s, LABEL_Q, "text/csv").status == 200
        os.kill(s.proc.pid, getattr(signal, signum))
        assert s.proc.wait(timeout=15) == 0
        assert s.proc.stderr.read() == ""  # no traceback from any process
    finally:
        s.stop()
    assert not any(alive(p) for p in workers)


def test_server_processes_stop_when_the_supervisor_is_killed() -> None:
    import os
    import signal

    s = Server("--workers", "2")
    workers = s.workers()
    try:
        os.kill(s.proc.pid, signal.SIGKILL)
        s.proc.wait(timeout=5)
        deadline = time.monotonic() + 10
        while any(alive(p) for p in workers) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert not any(alive(p) for p in workers)
    finally:
        for p in workers:
            if alive(p):
                os.kill(p, signal.SIGKILL)
        s.stop()


def test_a_query_near_the_body_limit_answers(server: Server) -> None:
    # 200 kB: more than a socket buffer, read by the server in parts
    big = (LABEL_Q + "\n#" + "x" * 200_000).encode()
    a = server.get("sparql", method="POST", data=big, headers={
        "Content-Type": "application/sparql-query", "Accept": "text/csv"})
    assert (a.status, a.body) == (200, b"label\r\nFlanders Innovation Clusters Policy\r\n")


SECURITY = {"x-content-type-options": "nosniff", "x-frame-options": "DENY",
            "referrer-policy": "same-origin"}


def test_every_sparql_answer_carries_the_security_headers(server: Server) -> None:
    answers = [get_query(server, LABEL_Q, "text/csv"),  # an answer
               get_query(server, "SELECT ?x WHERE { ?x ", "text/csv"),  # 400
               get_query(server, REFUSALS[0][0], "text/csv"),  # 403
               server.get("sparql", method="POST", data=b"x" * 300_000, headers={
                   "Content-Type": "application/sparql-query"}),  # 413
               server.get("sparql", headers={"Accept": "text/turtle"})]  # the description
    assert [a.status for a in answers] == [200, 400, 403, 413, 200]
    for a in answers:
        assert {k: a.headers.get(k) for k in SECURITY} == SECURITY
        assert a.headers["content-security-policy"].startswith("default-src 'self'")
        assert "access-control-allow-origin" not in a.headers


def test_a_browser_gets_sparql_errors_as_a_page(server: Server) -> None:
    a = server.get("sparql?" + urllib.parse.urlencode({"query": REFUSALS[1][0]}),
                   headers={"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"})
    assert a.status == 403 and a.headers["content-type"] == "text/html; charset=utf-8"
    assert ('<p class="error" role="alert">query: SERVICE would make the query reach '
            'outside the loaded graph; refused</p>') in a.text
    assert a.headers["x-frame-options"] == "DENY"


def test_a_browser_opening_the_endpoint_gets_the_editor(server: Server) -> None:
    browser = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}
    a = server.get("sparql", headers=browser)
    assert (a.status, a.headers["content-type"]) == (200, "text/html; charset=utf-8")
    assert "<h1>Query editor</h1>" in a.text
    assert a.headers["x-frame-options"] == "DENY"
    # a parameter that only ends in "query" is no query: the editor too
    a = server.get("sparql?xquery=1", headers=browser)
    assert a.status == 200 and "<h1>Query editor</h1>" in a.text
    a = server.get("sparql?xquery=1", headers={"Accept": "text/turtle"})
    assert a.status == 200 and a.headers["content-type"].startswith("text/turtle")
