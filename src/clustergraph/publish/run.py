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

1. **upload** its N-Triples to a staging graph (``graph/.staging/<name>``) as the profile's
   ``staging_upload`` says;
2. **verify** the staging graph: read it back, and compare its triple count and the SHA-256
   of its canonical N-Triples (:mod:`clustergraph.publish.canonical`) with the local graph's;
   a mismatch names the graph, drops the staging graph and stops (exit 7);
3. **replace** the graph by the staging graph in one SPARQL Update request (the profile's
   ``replace``, one transaction on both stores; sent again if the store says it rolled it
   back, the profile's ``rolled_back``), then check the graph's count.

A graph the store does not hold yet (no triples: every graph of a first publication) has no
old version a reader could see half-replaced. Where the profile's ``new_graph`` is
``"direct-bulk"`` (Oxigraph: its bulk loader commits a graph in one step, or nothing) it is
loaded straight under its name, read back and verified, and dropped again (absent, as
before) if it differs: one write per triple instead of three. Readers see it as soon as it
is loaded, before its verification; what they see is the whole graph as the store took it.
Elsewhere (Virtuoso, whose ``PUT`` commits in pieces) it is staged like any graph.

:func:`plan_graphs` makes the graphs one at a time and :func:`publish` uploads each while the
next is made (the profile's ``uploads`` at a time).

A graph the store already holds with the same count and checksum is left alone (read, not
sent): re-publishing unchanged data costs one read per graph.

A reader of a named graph sees the old graph until step 3 and the new one after it, never a
half-replaced one (on Virtuoso, under serializable isolation: see
:data:`clustergraph.publish.servers.VIRTUOSO_ISOLATION`); a failure before step 3 (a dropped
connection, a store that goes down, a 500, a timeout) leaves the graph as it was.
"""

from __future__ import annotations

import contextlib
import threading
import time
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass, field
from operator import itemgetter
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .. import dcat
from ..errors import ClustergraphError, EndpointError, OutputError
from ..namespaces import SPDX, XSD
from ..resources import GRAPH_BASE, LAYERS
from .canonical import canonical_lines, digest, ntriples, skolemise, store_form, store_types
from .client import StoreClient
from .profiles import Target

if TYPE_CHECKING:  # pragma: no cover
    from ..store import KnowledgeGraph

CATALOG_GRAPH = GRAPH_BASE + "catalog"
STAGING_BASE = GRAPH_BASE + ".staging/"

#: The SHA-256 algorithm as the DCAT-AP 3.0.1 shapes require it (mdr-vocabularies.shape.ttl,
#: ChecksumAlgorithmRestriction: an IRI matching ^https://spdx.org/rdf/terms, of class
#: spdx:ChecksumAlgorithm), not the http:// IRI of the SPDX 2 namespace.
SHA256 = "https://spdx.org/rdf/terms#checksumAlgorithm_sha256"


class VerificationError(OutputError):
    """A graph read back from the store differs from the one published (exit 7)."""


@dataclass
class PlannedGraph:
    """One named graph to publish: the upload body (N-Triples, skolemised), its count and
    checksum (of the canonical N-Triples); its triples are parsed from the body when asked
    for (only a verification that fails, or a store that rewrites values, needs them)."""

    name: str
    body: bytes = field(repr=False)
    count: int
    checksum: str
    _triples: list[ox.Triple] | None = field(default=None, repr=False, compare=False)

    @property
    def triples(self) -> list[ox.Triple]:
        if self._triples is None:
            self._triples = [ox.Triple(q.subject, q.predicate, q.object)
                             for q in ox.parse(self.body, format=ox.RdfFormat.N_TRIPLES)]
        return self._triples

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
    return PlannedGraph(name, ntriples(triples), len(lines), digest(lines), triples)


#: What marks an N-Triples line :func:`planned_graph` must parse: a blank node (or the same
#: characters in a literal or IRI, parsed needlessly but safely), or an XSD-typed literal
#: (whose canonical form may differ from its lexical form).
_BLANK = b"_:"
_XSD_TYPED = f'"^^<{XSD}'.encode()


def planned_graph(kg: KnowledgeGraph, name: str) -> PlannedGraph:
    """The :class:`PlannedGraph` of one named graph, the same (body, count, checksum) as
    ``_planned(name, local_graph(kg, name))`` at a fraction of the cost: Oxigraph writes the
    graph's N-Triples (in Rust), and only the lines holding a blank node are parsed and
    skolemised, only those holding an XSD-typed literal parsed and put in canonical form;
    every other line is already what the canonical serialisation writes (the same
    serialiser)."""
    data = kg.store.dump(format=ox.RdfFormat.N_TRIPLES, from_graph=ox.NamedNode(name)) or b""
    plain: list[bytes] = []
    blank: list[bytes] = []
    typed: list[bytes] = []
    for line in data.splitlines(keepends=True):
        if _BLANK in line:
            blank.append(line)
        else:
            plain.append(line)
            if _XSD_TYPED in line:
                typed.append(line)
    parsed = skolemise(name, (ox.Triple(q.subject, q.predicate, q.object) for q in ox.parse(
        b"".join(blank), format=ox.RdfFormat.N_TRIPLES))) if blank else []
    body = b"".join(plain) + ntriples(parsed)
    lines = set(plain)
    if typed:
        lines.difference_update(typed)
        lines.update(canonical_lines(ox.parse(b"".join(typed), format=ox.RdfFormat.N_TRIPLES)))
    if parsed:
        lines.update(canonical_lines(parsed))
    ordered = sorted(lines)
    return PlannedGraph(name, body, len(ordered), digest(ordered))


def _layer(graph: str) -> str:
    return graph.removeprefix(GRAPH_BASE).split("/")[0]


def _graph_names(kg: KnowledgeGraph, layers: Sequence[str]) -> list[str]:
    return sorted(g for g in kg.graphs() if _layer(g) in layers and g != CATALOG_GRAPH)


def local_graph(kg: KnowledgeGraph, gname: str) -> list[ox.Triple]:
    """The triples of one named graph, blank nodes skolemised."""
    quads = kg.store.quads_for_pattern(None, None, None, ox.NamedNode(gname))
    return skolemise(gname, (ox.Triple(q.subject, q.predicate, q.object) for q in quads))


def local_graphs(kg: KnowledgeGraph, layers: Sequence[str] = LAYERS) -> dict[str, list[ox.Triple]]:
    """The named graphs of the given layers, blank nodes skolemised (the record excluded)."""
    return {gname: local_graph(kg, gname) for gname in _graph_names(kg, layers)}


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


def catalog_triples(graphs: Iterable[str], planned: dict[str, PlannedGraph],
                    target: Target) -> list[ox.Triple]:
    """The DCAT-AP 3 record of the export (:func:`clustergraph.dcat.record`) extended with
    the publication's distributions and checksums, for the named ``graphs`` (names; a dict
    keyed by them will do) as ``planned``.

    The VoID statistics are counted on the upload bodies' N-Triples lines (one line per
    triple, one spelling per term, split at their first two spaces: bytes, hashed in C),
    not on rdflib terms; only the classes and properties counted, and the triples of
    :data:`clustergraph.dcat.RECORD_PREDICATES` and the factsheets' types, become rdflib
    terms. The record is the one
    a conversion of every triple to rdflib gives (tests/publish/test_plan.py), in a fraction
    of the time."""
    from ..export import rdflib_term
    from ..formats import FORMATS
    from ..store import to_oxigraph_term

    def term(token: bytes) -> object:  # one N-Triples term
        if token[:1] == b"<":
            return rdflib_term(ox.NamedNode(token[1:-1].decode()))
        line = b"<x:s> <x:p> " + token + b" .\n"
        return rdflib_term(next(iter(ox.parse(line, format=ox.RdfFormat.N_TRIPLES))).object)

    bodies = {name: planned[name].body.splitlines() for name in graphs}
    lines: set[bytes] = set()
    for body in bodies.values():
        lines.update(body)
    # "<s> <p> o ." split in three: an IRI or a blank node label holds no space
    split = [line.split(b" ", 2) for line in lines]
    properties = Counter(map(itemgetter(1), split))
    rdf_type = f"<{dcat.RDF}type>".encode()
    instances: dict[bytes, set[bytes]] = {}
    for s, p, rest in split:
        if p == rdf_type:
            instances.setdefault(rest[:-2], set()).add(s)
    stats = dcat.VoidStatistics(
        triples=len(split),
        subjects=len(set(map(itemgetter(0), split))),
        objects=len({rest[:-2] for _, _, rest in split}),
        classes={term(c): len(m) for c, m in instances.items()},
        properties={term(p): n for p, n in properties.items()},
        graphs={g: len(bodies[g]) for g in graphs},  # one line per triple
    )
    wanted = {f"<{p}>".encode() for p in dcat.RECORD_PREDICATES}
    factsheet = f"<{dcat.CG}Factsheet> .".encode()
    kept = {b" ".join(t) for t in split
            if t[1] in wanted or (t[1] == rdf_type and t[2] == factsheet)}
    cache: dict[object, object] = {}

    def rdflib(t: object) -> object:
        r = cache.get(t)
        if r is None:
            r = cache[t] = rdflib_term(t)  # type: ignore[arg-type]
        return r

    read = {}
    for g, body in bodies.items():
        data = b"\n".join(line for line in body if line in kept)
        read[g] = [(rdflib(t.subject), rdflib(t.predicate), rdflib(t.object))
                   for t in ox.parse(data, format=ox.RdfFormat.N_TRIPLES)]
    record = [ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))
              for s, p, o in dcat.record(read, FORMATS.values(), stats)]
    return record + publication_record(planned, target)


def plan_graphs(kg: KnowledgeGraph, target: Target,
                layers: Sequence[str] = LAYERS) -> Iterator[PlannedGraph]:
    """The graphs a publication of ``kg`` to ``target`` sends, one at a time as they are
    made (so that :func:`publish` uploads one while the next is made): every named graph of
    ``layers`` by name, then the record."""
    planned: dict[str, PlannedGraph] = {}
    for name in _graph_names(kg, layers):
        planned[name] = planned_graph(kg, name)
        yield planned[name]
    yield _planned(CATALOG_GRAPH, catalog_triples(planned, planned, target))


def make_plan(kg: KnowledgeGraph, target: Target, layers: Sequence[str] = LAYERS) -> Plan:
    """What a publication of ``kg`` to ``target`` sends: every named graph of ``layers``, then
    the record. Nothing is sent."""
    return Plan(target, list(plan_graphs(kg, target, layers)))


@dataclass
class Published:
    graph: str
    count: int
    checksum: str
    seconds: float
    rewritten: int = 0
    #: the store already held this graph, as it is here: nothing was sent
    unchanged: bool = False


def _publish_one(g: PlannedGraph, client: StoreClient,
                 failed: threading.Event) -> Published | None:
    """Publish ``g``, unless another graph has failed (then ``None``: not started)."""
    if failed.is_set():
        return None
    started = time.perf_counter()
    try:
        rewritten, unchanged = publish_graph(g, client)
    except BaseException:
        failed.set()
        with contextlib.suppress(ClustergraphError):
            client.update(client.profile.drop.format(graph=f"<{g.staging}>"),
                          what=f"dropping <{g.staging}>", retry=True)
        raise
    return Published(g.name, g.count, g.checksum, time.perf_counter() - started, rewritten,
                     unchanged)


def publish(plan: Plan | Iterable[PlannedGraph], client: StoreClient,
            progress: Callable[[Published], None] | None = None,
            uploads: int | None = None) -> list[Published]:
    """Upload, verify and replace every graph of ``plan`` (a :class:`Plan`, or the graphs
    as :func:`plan_graphs` makes them); stop at the first failure (the graphs already
    replaced stay replaced, the failing one is left as it was, no later one is started).

    ``uploads`` graphs (the profile's ``uploads`` by default) are published at the same
    time, by as many threads, while the caller's thread makes the next graph; each graph is
    still uploaded, verified and replaced on its own, and ``progress`` hears of them in the
    plan's order. The record (``graph/catalog``) starts once every other graph is done."""
    graphs = plan.graphs if isinstance(plan, Plan) else plan
    uploads = max(1, uploads or client.profile.uploads)
    done: list[Published] = []
    pending: deque[Future[Published | None]] = deque()
    failed = threading.Event()

    def report(item: Published | None) -> None:
        if item is None:  # not started: an earlier graph failed (its error comes first)
            return
        done.append(item)
        if progress is not None:
            progress(item)

    def finish() -> None:
        try:
            item = pending.popleft().result()  # raises the graph's error
        except BaseException:
            # nothing more starts; the graphs being published finish, and each that did
            # replace its graph is reported before the first error is raised
            failed.set()
            while pending:  # their errors yield to the first one; a Ctrl-C here is not swallowed
                with contextlib.suppress(Exception):
                    report(pending.popleft().result())
            raise
        report(item)

    with ThreadPoolExecutor(max_workers=uploads, thread_name_prefix="publish") as pool:
        try:
            for g in graphs:
                if g.name == CATALOG_GRAPH:
                    while pending:
                        finish()
                pending.append(pool.submit(_publish_one, g, client, failed))
                while len(pending) > uploads or (pending and pending[0].done()):
                    finish()
            while pending:
                finish()
        finally:
            failed.set()  # nothing more starts; the graphs being published finish
            for future in pending:
                future.cancel()
    return done


def read_back(client: StoreClient, graph: str, rewrite: Callable | None = None,
              types: frozenset[str] = frozenset(),
              accept: Callable[[int, str], bool] | None = None,
              ) -> tuple[int, str, list[bytes]]:
    """Read ``graph`` from the store: its count, checksum and canonical lines.

    With ``accept`` (is this count and checksum the expected one?), a cheaper reading is
    tried first and kept if accepted: only the lines that canonical N-Triples could write
    otherwise are parsed (those with a typed or language-tagged literal, or an escape: the
    ``\\u`` escapes Virtuoso writes for every non-ASCII character), the others kept as the
    store wrote them but for the separator between terms (the profile's ``read_separator``:
    Virtuoso writes tabs; an IRI holds none, so the first two of a line are separators).
    Each line still stands for the triple the store wrote, so an accepted reading is one the
    whole parse would accept too; otherwise the whole answer is parsed."""
    data = client.get_graph(graph)
    if accept is not None:
        sep = client.profile.read_separator
        lines = data.splitlines(keepends=True)
        if sep != b" ":
            lines = [line.replace(sep, b" ", 2) for line in lines]
        else:  # as written: Oxigraph writes the canonical lines (unless it was sent others)
            raw = sorted(set(lines))
            if accept(len(raw), digest(raw)):
                return len(raw), digest(raw), raw
        again, kept = [], []
        for line in lines:
            if b"\\" in line or b'"^^<' in line or b'"@' in line:
                again.append(line)
            else:
                kept.append(line)
        with contextlib.suppress(SyntaxError):
            fixed = canonical_lines(ox.parse(b"".join(again), format=ox.RdfFormat.N_TRIPLES),
                                    rewrite, types) if again else []
            raw = sorted(set(kept).union(fixed))
            count, checksum = len(raw), digest(raw)
            if accept(count, checksum):
                return count, checksum, raw
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
    if there == g.count and matches(*read_back(client, g.name, rewrite, types, matches)[:2]):
        return rewritten, True
    if there == 0 and profile.new_graph == "direct-bulk":
        _publish_new(g, client, rewrite, types, matches)
        return rewritten, False
    client.put_graph(g.staging, g.body)
    count, checksum, lines = read_back(client, g.staging, rewrite, types, matches)
    if not matches(count, checksum):
        raise _mismatch(g, count, checksum, lines, rewrite, types, "the graph was not replaced")
    client.update(profile.replace.format(staging=f"<{g.staging}>", graph=f"<{g.name}>"),
                  what=f"replacing <{g.name}>", retry=True)
    after = client.count(g.name)
    if after != g.count:
        raise VerificationError(
            f"<{g.name}>: after the replace the store holds {after} triples, {g.count} "
            "were published")
    return rewritten, False


def _mismatch(g: PlannedGraph, count: int, checksum: str, lines: list[bytes],
              rewrite: Callable | None, types: frozenset[str], outcome: str) -> VerificationError:
    """The error for a graph the store gave back otherwise than it was published: the
    counts, the checksums, the first line that differs, and what became of the graph."""
    diff = _first_difference(canonical_lines(g.triples, rewrite, types), lines)
    return VerificationError(
        f"<{g.name}>: the store gave back {count} triples (sha256 {checksum[:12]}), "
        f"{g.count} were published (sha256 {g.checksum[:12]}); {diff}; {outcome}")


def _publish_new(g: PlannedGraph, client: StoreClient, rewrite: Callable | None,
                 types: frozenset[str], matches: Callable[[int, str], bool]) -> None:
    """Publish ``g``, a graph the store does not hold, straight under its name (the
    profile's ``new_graph``: ``"direct-bulk"``): one bulk-loader request, which readers see
    all at once when it commits or not at all; then read it back and verify it. On a
    mismatch, or any failure once the upload has started, the graph is dropped: absent, as
    it was before."""
    profile = client.profile
    try:
        client.post_bulk(g.name, g.body, what=f"the upload of <{g.name}>")
        count, checksum, lines = read_back(client, g.name, rewrite, types, matches)
        if not matches(count, checksum):
            raise _mismatch(g, count, checksum, lines, rewrite, types,
                            "the new graph was dropped")
    except BaseException:
        with contextlib.suppress(ClustergraphError):
            client.update(profile.drop.format(graph=f"<{g.name}>"),
                          what=f"dropping <{g.name}>", retry=True)
        raise
