"""Publishing: the plan of what goes where, then upload, verify and replace, graph by graph.

>>> from clustergraph.store import load
>>> from clustergraph.publish.client import StoreClient
>>> from clustergraph.publish.profiles import target
>>> from clustergraph.publish.run import make_plan, publish
>>> t = target("http://127.0.0.1:7878/store")
>>> p = make_plan(load(), t)                                     # doctest: +SKIP
>>> publish(p, StoreClient(t))                                   # doctest: +SKIP

For each named graph (one per layer and per country folder, then the DCAT-AP record in
``graph/catalog``, last, so that the record's checksums describe what is already there):

1. **upload** its N-Triples to a staging graph (``graph/.staging/<name>``) with a Graph
   Store Protocol ``PUT``;
2. **verify** the staging graph: read it back, and compare its triple count and the SHA-256
   of its canonical N-Triples (:mod:`clustergraph.publish.canonical`) with the local graph's;
   a mismatch names the graph, drops the staging graph and stops (exit 7);
3. **replace** the graph by the staging graph in one SPARQL Update request (the profile's
   ``replace``, one transaction on both stores), then check the graph's count.

A graph the store already holds with the same count and checksum is left alone (read, not
sent): re-publishing unchanged data costs one read per graph.

A reader of a named graph sees the old graph until step 3 and the new one after it, never a
half-replaced one; a failure before step 3 (a dropped connection, a store that goes down, a
500, a timeout) leaves the graph as it was.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import dcat
from ..errors import ClustergraphError, EndpointError, OutputError
from ..resources import GRAPH_BASE, LAYERS
from .canonical import canonical_lines, digest, ntriples, skolemise, store_form, store_types
from .client import StoreClient
from .profiles import Target

if TYPE_CHECKING:  # pragma: no cover
    from ..store import KnowledgeGraph

CATALOG_GRAPH = GRAPH_BASE + "catalog"
STAGING_BASE = GRAPH_BASE + ".staging/"

SPDX = "http://spdx.org/rdf/terms#"
#: The SHA-256 algorithm as the DCAT-AP 3.0.1 shapes require it (mdr-vocabularies.shape.ttl,
#: ChecksumAlgorithmRestriction: an IRI matching ^https://spdx.org/rdf/terms, of class
#: spdx:ChecksumAlgorithm), not the http:// IRI of the SPDX 2 namespace.
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"
XSD = "http://www.w3.org/2001/XMLSchema#"


class VerificationError(OutputError):
    """A graph read back from the store differs from the one published (exit 7)."""


@dataclass
class PlannedGraph:
    """One named graph to publish: its triples (skolemised), the upload body, its count and
    checksum (of the canonical N-Triples)."""

    name: str
    triples: list[ox.Triple] = field(repr=False)
    body: bytes = field(repr=False)
    count: int
    checksum: str

    @property
    def staging(self) -> str:
        return STAGING_BASE + self.name.removeprefix(GRAPH_BASE)


@dataclass
class Plan:
    target: Target
    graphs: list[PlannedGraph]

    @property
    def triples(self) -> int:
        return sum(g.count for g in self.graphs)

    @property
    def bytes(self) -> int:
        return sum(len(g.body) for g in self.graphs)


def _planned(name: str, triples: list[ox.Triple]) -> PlannedGraph:
    lines = canonical_lines(triples)
    return PlannedGraph(name, triples, ntriples(triples), len(lines), digest(lines))


def _layer(graph: str) -> str:
    return graph.removeprefix(GRAPH_BASE).split("/")[0]


def local_graphs(kg: KnowledgeGraph, layers: Sequence[str] = LAYERS) -> dict[str, list[ox.Triple]]:
    """The named graphs of the given layers, blank nodes skolemised (the record excluded)."""
    out: dict[str, list[ox.Triple]] = {}
    for gname in kg.graphs():
        if _layer(gname) not in layers or gname == CATALOG_GRAPH:
            continue
        quads = kg.store.quads_for_pattern(None, None, None, ox.NamedNode(gname))
        out[gname] = skolemise(gname, (ox.Triple(q.subject, q.predicate, q.object)
                                       for q in quads))
    return out


def publication_record(graphs: dict[str, PlannedGraph], target: Target) -> list[ox.Triple]:
    """What the DCAT-AP record says about a publication: one distribution per published
    named graph, with its access URL on the store, media type, size, licence and
    ``spdx:checksum`` (SHA-256 of its canonical N-Triples)."""
    def iri(v: str) -> ox.NamedNode:
        return ox.NamedNode(v)

    def lit(v: object, datatype: str | None = None, lang: str | None = None) -> ox.Literal:
        if lang:
            return ox.Literal(str(v), language=lang)
        return ox.Literal(str(v), datatype=iri(datatype) if datatype else None)

    a = iri(dcat.RDF + "type")
    ds = iri(dcat.DATASET)
    out: list[ox.Triple] = []
    for name in sorted(graphs):
        g = graphs[name]
        rel = name.removeprefix(GRAPH_BASE)
        d = iri(f"{dcat.DATASET}/distribution/graph/{rel}")
        c = iri(f"{dcat.DATASET}/distribution/graph/{rel}#sha256")
        out += [
            ox.Triple(ds, iri(dcat.DCAT + "distribution"), d),
            ox.Triple(d, a, iri(dcat.DCAT + "Distribution")),
            ox.Triple(d, iri(dcat.DCT + "title"), lit(f"clustergraph named graph {rel}",
                                                      lang="en")),
            ox.Triple(d, iri(dcat.DCT + "description"), lit(
                f"The named graph <{name}> as published to a {target.profile.name} triple "
                f"store by `clustergraph publish`: {g.count} triples, blank nodes "
                "skolemised, read through the SPARQL 1.1 Graph Store Protocol.", lang="en")),
            ox.Triple(d, iri(dcat.DCAT + "accessURL"),
                      iri(target.graph_url(target.profile.read_path, name))),
            ox.Triple(d, iri(dcat.DCT + "format"),
                      iri(dcat.AUTHORITY + "file-type/RDF_N_TRIPLES")),
            ox.Triple(d, iri(dcat.DCAT + "mediaType"), iri(dcat.IANA + "application/n-triples")),
            ox.Triple(d, iri(dcat.DCAT + "byteSize"),
                      lit(len(g.body), XSD + "nonNegativeInteger")),
            ox.Triple(d, iri(dcat.DCT + "license"), iri(dcat.LICENCE)),
            ox.Triple(d, iri(dcat.DCT + "rights"), iri(dcat.TERMS)),
            ox.Triple(d, iri(dcat.DCATAP + "availability"),
                      iri(dcat.AUTHORITY + "planned-availability/STABLE")),
            ox.Triple(d, iri(SPDX + "checksum"), c),
            ox.Triple(c, a, iri(SPDX + "Checksum")),
            ox.Triple(c, iri(SPDX + "algorithm"), iri(SHA256)),
            ox.Triple(c, iri(SPDX + "checksumValue"), lit(g.checksum, XSD + "hexBinary")),
        ]
    if out:
        out.append(ox.Triple(iri(SHA256), a, iri(SPDX + "ChecksumAlgorithm")))
    return out


def catalog_triples(graphs: dict[str, list[ox.Triple]], planned: dict[str, PlannedGraph],
                    target: Target) -> list[ox.Triple]:
    """The DCAT-AP 3 record of the export (:func:`clustergraph.dcat.record`) extended with
    the publication's distributions and checksums."""
    from ..export import rdflib_term
    from ..store import to_oxigraph_term

    cache: dict[object, object] = {}

    def term(t: object) -> object:
        r = cache.get(t)
        if r is None:
            r = cache[t] = rdflib_term(t)  # type: ignore[arg-type]
        return r

    as_rdflib = {g: [(term(t.subject), term(t.predicate), term(t.object)) for t in ts]
                 for g, ts in graphs.items()}
    record = [ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))
              for s, p, o in dcat.record(as_rdflib)]
    return record + publication_record(planned, target)


def make_plan(kg: KnowledgeGraph, target: Target, layers: Sequence[str] = LAYERS) -> Plan:
    """What a publication of ``kg`` to ``target`` sends: every named graph of ``layers``, then
    the record. Nothing is sent."""
    graphs = local_graphs(kg, layers)
    planned = {name: _planned(name, triples) for name, triples in graphs.items()}
    catalog = _planned(CATALOG_GRAPH, catalog_triples(graphs, planned, target))
    return Plan(target, [planned[n] for n in sorted(planned)] + [catalog])


@dataclass
class Published:
    graph: str
    count: int
    checksum: str
    seconds: float
    rewritten: int = 0
    #: the store already held this graph, as it is here: nothing was sent
    unchanged: bool = False


def publish(plan: Plan, client: StoreClient,
            progress: Callable[[Published], None] | None = None) -> list[Published]:
    """Upload, verify and replace every graph of ``plan``, in order; stop at the first
    failure (the graphs already replaced stay replaced, the failing one is left as it was)."""
    done = []
    for g in plan.graphs:
        started = time.perf_counter()
        try:
            rewritten, unchanged = publish_graph(g, client)
        except ClustergraphError:
            with contextlib.suppress(ClustergraphError):
                client.update(client.profile.drop.format(graph=f"<{g.staging}>"),
                              what=f"dropping <{g.staging}>")
            raise
        item = Published(g.name, g.count, g.checksum, time.perf_counter() - started,
                         rewritten, unchanged)
        done.append(item)
        if progress is not None:
            progress(item)
    return done


def read_back(client: StoreClient, graph: str, rewrite: Callable | None = None,
              types: frozenset[str] = frozenset()) -> tuple[int, str, list[bytes]]:
    """Read ``graph`` from the store: its count, checksum and canonical lines."""
    data = client.get_graph(graph)
    try:
        quads = list(ox.parse(data, format=ox.RdfFormat.N_TRIPLES))
    except SyntaxError as exc:
        raise EndpointError(f"{client.target.origin}: <{graph}> did not come back as "
                            f"N-Triples: {exc}") from None
    lines = canonical_lines(quads, rewrite, types)
    return len(lines), digest(lines), lines


def _first_difference(local: list[bytes], remote: list[bytes]) -> str:
    a, b = set(local), set(remote)
    missing = sorted(a - b)
    if missing:
        return f"missing {missing[0].decode().strip()[:160]}"
    extra = sorted(b - a)
    return f"unexpected {extra[0].decode().strip()[:160]}" if extra else ""


def publish_graph(g: PlannedGraph, client: StoreClient) -> tuple[int, bool]:
    """Upload ``g`` to its staging graph, verify it, replace the graph in one request; or
    nothing, if the store's graph already has ``g``'s count and checksum (a re-publish of
    unchanged data). Returns the number of triples whose values the store keeps in its own
    form (its profile's ``rewrites``) and whether the graph was already there."""
    profile = client.profile
    rewrite, types = store_form(profile.rewrites), store_types(profile.rewrites)
    expected: list[tuple[int, str]] = []
    rewritten = 0

    def matches(count: int, checksum: str) -> bool:
        nonlocal rewritten
        if (count, checksum) == (g.count, g.checksum):
            return True
        if rewrite is None:
            return False
        if not expected:  # compare in the form the store gives rewritten values back
            local = canonical_lines(g.triples, rewrite, types)
            expected.append((len(local), digest(local)))
            rewritten = len(set(canonical_lines(g.triples)) - set(local))
        return (count, checksum) == expected[0]

    there = client.count(g.name, what=f"checking <{g.name}> on the store")
    if there == g.count and matches(*read_back(client, g.name, rewrite,
                                                                types)[:2]):
        return rewritten, True
    client.put_graph(g.staging, g.body)
    count, checksum, lines = read_back(client, g.staging, rewrite, types)
    if not matches(count, checksum):
        diff = _first_difference(canonical_lines(g.triples, rewrite, types), lines)
        raise VerificationError(
            f"<{g.name}>: the store gave back {count} triples (sha256 {checksum[:12]}), "
            f"{g.count} were published (sha256 {g.checksum[:12]}); {diff}; the graph was "
            "not replaced")
    client.update(profile.replace.format(staging=f"<{g.staging}>", graph=f"<{g.name}>"),
                  what=f"replacing <{g.name}>")
    after = client.count(g.name)
    if after != g.count:
        raise VerificationError(
            f"<{g.name}>: after the replace the store holds {after} triples, {g.count} "
            "were published")
    return rewritten, False
