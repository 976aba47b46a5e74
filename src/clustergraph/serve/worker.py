"""The query jobs: what a server process evaluates for a request, over its own graph.

Every request that needs the graph (a protocol query, a saved question, a page) becomes a
job, a dict with a ``kind``; :func:`answer` runs it and returns a dict with ``ok`` and either
the result or ``status`` (an HTTP status) and ``message`` (one line for the user). Jobs run
on the evaluation thread of :class:`~clustergraph.serve.runner.Runner`, in the server
process that holds the connection (:mod:`clustergraph.serve.prefork`); each such process
loads the bundled graph or opens the store read-only (:func:`open_graph`). A SPARQL JSON
answer is written by Oxigraph itself (Rust), within the row cap. Only pyoxigraph and the
library's query modules are imported here (no web framework).
"""

from __future__ import annotations

import itertools
import json
import re
from typing import Any

import pyoxigraph as ox

from ..errors import ClustergraphError
from ..namespaces import GRAPH_BASE, PREFIXES, PROV, RDF_TYPE, RDFS, SKOS

RDFS_LABEL = RDFS + "label"
PROV_DERIVED = PROV + "wasDerivedFrom"
#: Statements pointing at a resource shown on its page (the rest are counted, not listed).
MAX_INBOUND = 500

GRAPH_FORMATS = {
    "turtle": ox.RdfFormat.TURTLE,
    "nt": ox.RdfFormat.N_TRIPLES,
    "jsonld": ox.RdfFormat.JSON_LD,
}


def open_graph(store_dir: str | None):  # noqa: ANN201
    """The bundled graph (``store_dir=None``) or the store, opened read-only."""
    from ..store import load, open_store

    return open_store(store_dir) if store_dir else load()


def answer(kg: Any, job: dict) -> dict:
    """The answer to ``job``: its result, or the HTTP status and the one sentence of an
    error the user caused (never a stack trace)."""
    try:
        return handle(kg, job)
    except ClustergraphError as exc:
        status = {2: 400, 3: 400, 4: 403, 5: 503}.get(int(exc.exit_code), 500)
        return {"ok": False, "status": status, "message": exc.message}
    except SyntaxError as exc:
        return {"ok": False, "status": 400,
                "message": "the query does not parse: " + " ".join(str(exc).split())}
    except (RuntimeError, ValueError, OSError) as exc:
        return {"ok": False, "status": 400,
                "message": "the query could not be evaluated: "
                           + " ".join(str(exc).split())[:300]}


def handle(kg: Any, job: dict) -> dict:
    kind = job["kind"]
    if kind == "sparql":
        return sparql(kg, job["text"], job["results_format"], job["graph_format"], job["cap"])
    if kind == "saved":
        return saved(kg, job["name"], job["params"], job["cap"], job.get("text"))
    if kind == "describe":
        return describe(kg, job["iri"])
    if kind == "rdf":
        return rdf(kg, job["iri"], job["format"])
    if kind == "options":
        return options(kg, job["params"], job.get("query"))
    if kind == "sleep":  # for tests of the runner only: a job that takes its time
        import time

        time.sleep(job["seconds"])
        return {"ok": True}
    raise ValueError(f"unknown job kind {kind!r}")


# --------------------------------------------------------------------------- the endpoint


def sparql(kg: Any, text: str, results_format: str, graph_format: str, cap: int) -> dict:
    """A protocol query: the answer serialised in the negotiated format, at most ``cap``
    rows or triples (``truncated`` says when there were more)."""
    from ..query import QueryResult, _renumber_blank_nodes
    from . import formats

    res = kg.store.query(text, use_default_graph_as_union=True)
    if results_format == "json" and not isinstance(res, ox.QueryTriples):
        body = oxigraph_json(res, cap)
        if body is not None:
            return {"ok": True, "form": "ASK" if isinstance(res, ox.QueryBoolean) else "SELECT",
                    "format": "json", "body": body, "truncated": False}
        res = kg.store.query(text, use_default_graph_as_union=True)  # more than cap rows
    if isinstance(res, ox.QueryBoolean):
        body = formats.results(QueryResult([], [], bool(res)), results_format)
        return {"ok": True, "form": "ASK", "format": results_format, "body": body,
                "truncated": False}
    if isinstance(res, ox.QuerySolutions):
        variables = [v.value for v in res.variables]
        rows = [tuple(sol[v] for v in variables) for sol in itertools.islice(res, cap + 1)]
        truncated = len(rows) > cap
        result = _renumber_blank_nodes(QueryResult(variables, rows[:cap]))
        body = formats.results(result, results_format, truncated=truncated)
        return {"ok": True, "form": "SELECT", "format": results_format, "body": body,
                "truncated": truncated}
    triples = list(itertools.islice(res, cap + 1))
    truncated = len(triples) > cap
    body = serialize(triples[:cap], graph_format)
    return {"ok": True, "form": "GRAPH", "format": graph_format, "body": body,
            "truncated": truncated}


#: Past this many bytes Oxigraph's JSON writer is stopped and the rows are counted in Python.
JSON_BUDGET = 4 << 20
_BNODE = re.compile(rb'\{"type":"bnode","value":"([^"]*)"\}')


class _Budget:
    """A file Oxigraph writes into (in chunks of 8 kB), refusing to grow past a limit."""

    def __init__(self, limit: int) -> None:
        self.parts: list[bytes] = []
        self.size = 0
        self.limit = limit

    def write(self, chunk: bytes) -> int:
        self.size += len(chunk)
        if self.size > self.limit:
            raise _OverBudget
        self.parts.append(bytes(chunk))
        return len(chunk)

    def flush(self) -> None:
        pass


class _OverBudget(Exception):
    pass


def oxigraph_json(res: ox.QuerySolutions | ox.QueryBoolean, cap: int) -> bytes | None:
    """SPARQL JSON results written by Oxigraph (in Rust: a fifth of a small query's time
    in Python went to writing it), or ``None`` when the answer has more than ``cap`` rows
    (or more than :data:`JSON_BUDGET` bytes): the caller then cuts it in Python and says so.
    A row takes at least 3 bytes (``{},``), so a body of at most ``3 * cap`` bytes holds at
    most ``cap`` rows; a longer one is counted. Blank nodes are renamed ``b0``, ``b1``, ...
    in order of appearance, as the other formats are (each worker over the bundled graph
    has blank nodes of its own names)."""
    out = _Budget(max(3 * cap, JSON_BUDGET))
    try:
        res.serialize(out, format=ox.QueryResultsFormat.JSON)
    except _OverBudget:
        return None
    body = b"".join(out.parts)
    if len(body) > 3 * cap and isinstance(res, ox.QuerySolutions) \
            and len(json.loads(body)["results"]["bindings"]) > cap:
        return None
    if b'"bnode"' in body:
        names: dict[bytes, bytes] = {}
        body = _BNODE.sub(lambda m: b'{"type":"bnode","value":"%s"}' % names.setdefault(
            m.group(1), b"b%d" % len(names)), body)
    return body + b"\n"


def serialize(triples: list[ox.Triple], fmt: str) -> bytes:
    """Triples in a graph format; sorted, so that the same graph gives the same bytes."""
    triples = sorted(triples, key=lambda t: (str(t.subject), str(t.predicate), str(t.object)))
    if fmt == "nt":
        return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
    if fmt == "jsonld":
        return ox.serialize(triples, format=ox.RdfFormat.JSON_LD) or b""
    used = {p: ns for p, ns in PREFIXES.items() if any(
        isinstance(term, ox.NamedNode) and term.value.startswith(ns)
        for t in triples for term in (t.subject, t.predicate, t.object))}
    return ox.serialize(triples, format=GRAPH_FORMATS[fmt], prefixes=used) or b""


# --------------------------------------------------------------------------- the gallery


def saved(kg: Any, name: str, params: dict[str, str], cap: int, text: str | None) -> dict:
    """A saved query (or, with ``text``, an ad-hoc one) run with its labels, as rows of terms
    for the HTML table and chart."""
    from pathlib import Path

    from ..catalog import parse_query, saved_query
    from ..query import run

    query = parse_query("query", Path("query"), text) if text is not None else saved_query(name)
    if text is None:  # the values resolved as the CLI resolves them (a label, a code...)
        from ..params import executor, resolve

        params = resolve(query, params, executor(run, kg=kg))
    result = run(query, params, kg=kg, labels=True)
    truncated = len(result.rows) > cap
    rows = result.rows[:cap]
    iris = {t.value for row in rows for t in row if isinstance(t, ox.NamedNode)}
    return {"ok": True, "variables": result.variables, "rows": rows,
            "boolean": result.boolean, "labels": result.labels, "truncated": truncated,
            "described": described(kg, iris), "resolved": {
                k: v for k, v in params.items() if isinstance(v, str)}}


def described(kg: Any, iris: set[str]) -> set[str]:
    """The IRIs the graph says something about (they have a page here)."""
    return {i for i in iris
            if next(iter(kg.store.quads_for_pattern(ox.NamedNode(i), None, None)), None)
            is not None}


def _labels(kg: Any, iris: list[str]) -> dict[str, str]:
    from ..query import _best_labels, _from_oxigraph, _label_query

    out: dict[str, str] = {}
    for i in range(0, len(iris), 300):
        chunk = iris[i:i + 300]
        rows = kg.store.query(_label_query(chunk), use_default_graph_as_union=True)
        out.update(_best_labels(_from_oxigraph(rows)))
    return out


def options(kg: Any, params: list[dict], query: str | None = None) -> dict:
    """The choices of each IRI parameter's drop-down, with labels: the allowed values if the
    query lists them; else the concepts of the default's concept scheme, or the instances of
    its class (only those the data uses when there are more than 80; the instances of a
    class are only suggestions, listed in ``suggest``: any IRI may be given); else, for an
    optional parameter of the saved query ``query``, the values it takes
    (:func:`clustergraph.params.parameter_values`: those its column takes when the query
    runs without it, the values the form's resolver accepts by label or code), or failing
    that the concepts of the scheme whose name contains the parameter's name."""
    out: dict[str, list[tuple[str, str]]] = {}
    suggest: list[str] = []  # open choices: any IRI may be typed, these are suggestions
    store = kg.store
    for p in params:
        values: list[str] = list(p.get("allowed") or [])
        if not values and not p.get("default") and query is not None:
            taken = _values_taken(kg, query, p["name"])
            if taken:
                out[p["name"]] = taken
                continue
        if not values and p.get("default"):
            d = ox.NamedNode(p["default"])
            schemes = [q.object for q in store.quads_for_pattern(
                d, ox.NamedNode(SKOS + "inScheme"), None)]
            if schemes:
                values = sorted({q.subject.value for s in schemes for q in store.quads_for_pattern(
                    None, ox.NamedNode(SKOS + "inScheme"), s)})
            else:
                suggest.append(p["name"])
                types = [q.object for q in store.quads_for_pattern(
                    d, ox.NamedNode(RDF_TYPE), None)]
                values = sorted({q.subject.value for t in types for q in store.quads_for_pattern(
                    None, ox.NamedNode(RDF_TYPE), t) if isinstance(q.subject, ox.NamedNode)})
            if len(values) > 80:
                used: set[str] = set()
                for v in values:
                    node = ox.NamedNode(v)
                    for q in store.quads_for_pattern(None, None, node):
                        if q.graph_name.value.startswith(
                                GRAPH_BASE + "data/"):
                            used.add(v)
                            break
                values = sorted(used | {p["default"]})
        elif not values:
            name = p["name"].lower()
            for q in store.quads_for_pattern(None, ox.NamedNode(RDF_TYPE),
                                             ox.NamedNode(SKOS + "ConceptScheme")):
                scheme = q.subject
                if isinstance(scheme, ox.NamedNode) and name in scheme.value.lower():
                    values = sorted({c.subject.value for c in store.quads_for_pattern(
                        None, ox.NamedNode(SKOS + "inScheme"), scheme)})
                    break
        labels = _labels(kg, values) if values else {}
        out[p["name"]] = sorted(((v, labels.get(v, "")) for v in values),
                                key=lambda vl: (vl[1] or vl[0]).lower())
    return {"ok": True, "options": out, "suggest": suggest}


def _values_taken(kg: Any, name: str, param: str) -> list[tuple[str, str]]:
    """The values an optional parameter of a saved query takes, with their labels, in
    label order (the same list ``clustergraph query values`` shows)."""
    from ..catalog import saved_query
    from ..params import executor, parameter_values
    from ..query import run

    q = saved_query(name)
    found = parameter_values(q, q.param(param), executor(run, kg=kg)) or []
    return sorted(((v.iri, v.label) for v in found), key=lambda vl: (vl[1] or vl[0]).lower())


# --------------------------------------------------------------------------- pages


def _derivations(kg: Any, nodes: list[ox.NamedNode | ox.BlankNode]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for node in nodes:
        srcs = sorted({q.object.value for q in kg.store.quads_for_pattern(
            node, ox.NamedNode(PROV_DERIVED), None) if isinstance(q.object, ox.NamedNode)})
        if srcs:
            out[str(node)] = srcs
    return out


def describe(kg: Any, iri: str) -> dict:
    """What a resource's page shows: its statements (out, and in up to
    :data:`MAX_INBOUND`), the statements of the blank nodes it points to, the sources
    (``prov:wasDerivedFrom``) of each stating node, and a label for every IRI."""
    store = kg.store
    node = ox.NamedNode(iri)
    seen: set[tuple] = set()
    out: list[tuple] = []
    for q in store.quads_for_pattern(node, None, None):
        key = (q.predicate, q.object)
        if key not in seen:
            seen.add(key)
            out.append(key)
    blanks: dict[str, list[tuple]] = {}
    for _, o in out:
        if isinstance(o, ox.BlankNode) and str(o) not in blanks:
            blanks[str(o)] = sorted({(q.predicate, q.object) for q in store.quads_for_pattern(
                o, None, None)}, key=lambda po: (po[0].value, str(po[1])))
    inbound: list[tuple] = []
    inbound_total = 0
    seen_in: set[tuple] = set()
    for q in store.quads_for_pattern(None, None, node):
        key = (q.subject, q.predicate)
        if key in seen_in:
            continue
        seen_in.add(key)
        inbound_total += 1
        if len(inbound) < MAX_INBOUND:
            inbound.append(key)
    if not out and not inbound:
        return {"ok": True, "found": False}
    iris: dict[str, None] = {iri: None}
    for p, o in out:
        iris.setdefault(p.value)
        if isinstance(o, ox.NamedNode):
            iris.setdefault(o.value)
        if isinstance(o, ox.Literal):
            iris.setdefault(o.datatype.value)
    for pos in blanks.values():
        for p, o in pos:
            iris.setdefault(p.value)
            if isinstance(o, ox.NamedNode):
                iris.setdefault(o.value)
    for s, p in inbound:
        iris.setdefault(p.value)
        if isinstance(s, ox.NamedNode):
            iris.setdefault(s.value)
    stating = [node] + [s for s, _ in inbound]
    derived = _derivations(kg, stating)
    for srcs in derived.values():
        for s in srcs:
            iris.setdefault(s)
    labels = _labels(kg, list(iris))
    return {"ok": True, "found": True, "described": described(kg, set(iris)), "out": out,
            "blanks": blanks, "inbound": inbound, "inbound_total": inbound_total,
            "derived": derived, "labels": labels}


def rdf(kg: Any, iri: str, fmt: str) -> dict:
    """The resource's description (its statements and those of the blank nodes it points
    to, recursively: Oxigraph's DESCRIBE) in a graph format."""
    node = ox.NamedNode(iri)
    triples = list(kg.store.query(f"DESCRIBE {node}", use_default_graph_as_union=True))
    if not triples:  # a resource only pointed at: the statements that point at it
        triples = [ox.Triple(q.subject, q.predicate, q.object) for q in
                   itertools.islice(kg.store.quads_for_pattern(None, None, node), MAX_INBOUND)]
    if not triples:
        return {"ok": True, "found": False}
    return {"ok": True, "found": True, "body": serialize(triples, fmt)}
