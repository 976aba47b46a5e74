"""Export the graph for linked-data portals: six RDF formats, deterministic and atomic.

>>> from clustergraph.store import load
>>> export(load(), "turtle", "clustergraph.ttl")            # doctest: +SKIP

What an export guarantees:

- **Deterministic**: the same input gives byte-identical output. Prefixes come from the
  stable map (:data:`EXPORT_PREFIXES`, also shipped as ``ontology/context.jsonld``), triples
  and subjects are sorted, and blank nodes (the data's ``rdf:List``\\ s) get labels computed
  from their content (rdflib's canonical labelling, salted with the named graph), never from
  load order or the clock.
- **Round-trip**: each file parses back isomorphic to the loaded graph plus its DCAT-AP record.
  Literals keep their lexical form as written in the sources (no normalisation).
- **Atomic**: written to a temporary file beside the target, fsynced, then renamed over it; an
  error or an interruption leaves an existing file untouched and no temporary file behind.
  Everything is read into memory before writing, so exporting over one of its own inputs works.
- **Layers apart**: the quad formats (TriG, N-Quads, JSON-LD) keep one named graph per layer
  and per data folder, plus ``graph/catalog`` for the DCAT-AP record; the triple formats
  (Turtle, N-Triples, RDF/XML) hold their union.
- **Inferences only on request**: ``with_inferences`` adds the OWL RL closure's *new* triples
  as the named graph ``graph/inferred`` (quad formats) or as a separate file
  ``<stem>.inferred.<ext>`` (triple formats); the asserted export is the same with or without.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyoxigraph as ox

from .errors import UsageError
from .formats import FORMATS, Format, choose  # noqa: F401  (FORMATS: the export formats)
from .namespaces import PREFIXES
from .resources import GRAPH_BASE, LAYERS, bundle_root
from .store import to_oxigraph_term

if TYPE_CHECKING:  # pragma: no cover
    import rdflib

    from .store import KnowledgeGraph

#: The named graph of the DCAT-AP record and of the inferred triples.
CATALOG_GRAPH = GRAPH_BASE + "catalog"
INFERRED_GRAPH = GRAPH_BASE + "inferred"

#: Prefixes of an export: the project's stable map plus the two namespaces the DCAT-AP record
#: needs that the data does not use. Never generated (no ``ns1:``), so that a prefix never
#: changes its meaning between two exports.
EXPORT_PREFIXES: dict[str, str] = dict(
    sorted(
        {
            **PREFIXES,
            "adms": "http://www.w3.org/ns/adms#",
            "vcard": "http://www.w3.org/2006/vcard/ns#",
        }.items()
    )
)

RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


Triple = tuple[Any, Any, Any]  # rdflib (subject, predicate, object)


@dataclass
class ExportResult:
    """What was written: the files (``-`` for stdout) and the triple counts."""

    paths: list[str] = field(default_factory=list)
    asserted: int = 0
    inferred: int = 0
    graphs: list[str] = field(default_factory=list)


# ---------------------------------------------------------------------------------------------
# From the store to sorted, canonically labelled rdflib triples, graph by graph
# ---------------------------------------------------------------------------------------------


def rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> Any:
    """The rdflib term equal to an Oxigraph term, keeping a literal's lexical form as is."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if term.language:
        return rdflib.Literal(term.value, lang=term.language, normalize=False)
    dt = term.datatype.value
    if dt == XSD_STRING:
        return rdflib.Literal(term.value, normalize=False)
    return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt), normalize=False)


@cache
def _term_kinds() -> dict[type, str]:
    import rdflib

    return {rdflib.URIRef: "0", rdflib.BNode: "1", rdflib.Literal: "2"}


@cache
def _term_key(term: Any) -> str:
    """IRIs first, by IRI (so ``nuts:BE`` comes before ``nuts:BE1``), then blank nodes, then
    literals by lexical form, language and datatype.

    Cached: a term recurs in many triples, and an export sorts and merges every triple more
    than once. :func:`export` clears the cache when it is done."""
    # By exact type: isinstance() on rdflib's terms goes through an ABC check, which was a
    # quarter of a 1M-triple export; subclasses take the slow way. f-strings, not "0" + term:
    # that would call rdflib's __radd__ and build a new URIRef.
    kind = _term_kinds().get(type(term))
    if kind is None:
        import rdflib

        kind = ("0" if isinstance(term, rdflib.URIRef)
                else "1" if isinstance(term, rdflib.BNode) else "2")
    if kind == "2":
        return f"2{term}\x00{term.language or ''}\x00{term.datatype or ''}"
    return f"{kind}{term}"


def sort_key(triple: Triple) -> tuple[str, str, str]:
    return (_term_key(triple[0]), _term_key(triple[1]), _term_key(triple[2]))


def layer_of(graph: str) -> str:
    return graph.removeprefix(GRAPH_BASE).split("/")[0]


def asserted_graphs(kg: KnowledgeGraph, layers: Sequence[str] = LAYERS) -> dict[str, list[Triple]]:
    """The store's named graphs of the given layers, as lists of rdflib triples (unsorted,
    blank nodes as the store labelled them)."""
    out: dict[str, list[Triple]] = {}
    # One rdflib term per distinct Oxigraph term: a term recurs in many triples, and building
    # (and validating) a URIRef costs ten times a look-up here, where Oxigraph terms hash in
    # Rust. Equal terms are then also the same object, which later comparisons short-cut.
    terms: dict[Any, Any] = {}

    def term(t: Any) -> Any:
        r = terms.get(t)
        if r is None:
            r = terms[t] = rdflib_term(t)
        return r

    for gname in kg.graphs():
        if layer_of(gname) not in layers:
            continue
        out[gname] = [
            (term(q.subject), term(q.predicate), term(q.object))
            for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(gname))
        ]
    return out


def _canonical_bnode_labels(triples: list[Triple]) -> dict[Any, str]:
    """Content-derived labels for the blank nodes of one graph (rdflib's canonical labelling,
    the algorithm behind :func:`rdflib.compare.to_canonical_graph`)."""
    import rdflib
    from rdflib.compare import _TripleCanonicalizer

    labels: dict[Any, str] = {}

    class _Recorder(_TripleCanonicalizer):
        def _canonicalize_bnodes(self, triple, bnode_labels):  # type: ignore[no-untyped-def]
            labels.update(bnode_labels)
            return super()._canonicalize_bnodes(triple, bnode_labels)

    g = rdflib.Graph(store="SimpleMemory", bind_namespaces="none")
    bnode = rdflib.BNode
    for t in triples:
        if type(t[0]) is bnode or type(t[2]) is bnode:
            g.add(t)
    if len(g):
        for _ in _Recorder(g).canonical_triples():
            pass
    return labels


def canonicalize(graphs: dict[str, list[Triple]]) -> tuple[dict[str, list[Triple]], dict]:
    """Relabel blank nodes from their content, salted with the graph name (so that equal
    structures in two graphs stay two nodes), and sort each graph's triples.

    Returns the new graphs and the old-to-new blank-node map."""
    import rdflib

    mapping: dict[Any, Any] = {}
    out: dict[str, list[Triple]] = {}
    for gname in sorted(graphs):
        triples = graphs[gname]
        labels = _canonical_bnode_labels(triples)
        seen: dict[str, Any] = {}
        for node, label in labels.items():
            digest = hashlib.sha256(f"{gname} {label}".encode()).hexdigest()
            short = "b" + digest[:16]
            new = short if short not in seen else "b" + digest
            seen[new] = node
            mapping[node] = rdflib.BNode(new)

        if labels:
            def relabel(term: Any, bnode: type = rdflib.BNode) -> Any:
                return mapping.get(term, term) if type(term) is bnode else term

            unique = {(relabel(s), p, relabel(o)) for s, p, o in triples}
        else:  # no blank nodes: nothing to relabel
            unique = set(triples)
        out[gname] = sorted(unique, key=sort_key)
    return out, mapping


def union(graphs: dict[str, list[Triple]]) -> list[Triple]:
    """The triples of all the graphs, once each, sorted: a merge, since each is sorted."""
    out: list[Triple] = []
    last = None
    for t in heapq.merge(*graphs.values(), key=sort_key):
        if t != last:  # equal triples have equal keys, so they come together
            out.append(t)
            last = t
    return out


# ---------------------------------------------------------------------------------------------
# Inferences
# ---------------------------------------------------------------------------------------------


def inferred_triples(asserted: Iterable[Triple]) -> list[Triple]:
    """The OWL RL closure (owlrl) of the asserted triples, minus the asserted triples and
    the reflexive ``owl:sameAs`` statements the closure makes about every term."""
    import owlrl
    import rdflib

    base = set(asserted)
    g = rdflib.Graph(bind_namespaces="none")
    for t in base:
        g.add(t)
    owlrl.DeductiveClosure(
        owlrl.OWLRL_Semantics, axiomatic_triples=False, datatype_axioms=False
    ).expand(g)
    same_as = rdflib.URIRef("http://www.w3.org/2002/07/owl#sameAs")
    new = {
        t for t in g
        if t not in base and not isinstance(t[0], rdflib.Literal)
        # x owl:sameAs x holds for every term and says nothing: left out
        and not (t[1] == same_as and t[0] == t[2])
    }
    return sorted(new, key=sort_key)


# ---------------------------------------------------------------------------------------------
# Serialisers: each takes {graph name: sorted triples} and returns bytes
# ---------------------------------------------------------------------------------------------


def _rdflib_graph(triples: Iterable[Triple]) -> rdflib.Graph:
    """An rdflib graph that keeps insertion order (so serialisers that walk the store walk it
    sorted) and knows only the stable prefixes."""
    import rdflib

    g = rdflib.Graph(store="SimpleMemory", bind_namespaces="none")
    for prefix, ns in EXPORT_PREFIXES.items():
        g.bind(prefix, rdflib.Namespace(ns), override=True, replace=True)
    for t in triples:
        g.add(t)
    return g


#: Turtle's shorthand numerals and booleans: a literal whose lexical form is not exactly one
#: of these is written in full ("1"^^xsd:decimal), because the shorthand means a fixed type
#: (1.0 is a decimal, 1e0 a double) and the round trip must give back the same term.
_SHORTHAND = {
    "http://www.w3.org/2001/XMLSchema#integer": re.compile(r"[+-]?[0-9]+"),
    "http://www.w3.org/2001/XMLSchema#decimal": re.compile(r"[+-]?[0-9]*\.[0-9]+"),
    "http://www.w3.org/2001/XMLSchema#boolean": re.compile(r"true|false"),
}
#: A local name written after a prefix as it is: Turtle's PN_LOCAL without escapes, so
#: ``cgid:policy/x`` (which would need ``\/``) is written as a full IRI instead.
_PN_LOCAL = re.compile(r"(?:[A-Za-z0-9_](?:[A-Za-z0-9_.\-]*[A-Za-z0-9_\-])?)?")
#: What Turtle's IRIREF cannot hold (it would need a \u escape, which no valid IRI needs).
_NOT_IN_IRIREF = re.compile(r'[\x00-\x20<>"{}|^`\\]')
_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r"})
_INDENT = "    "


class _TurtleWriter:
    """Turtle for sorted triples, in one fixed layout: a blank line between subjects,
    ``rdf:type`` first as ``a``, predicates and objects in the triples' (sorted) order, one
    object per line, single-line strings. Only the prefixes of :data:`EXPORT_PREFIXES` are
    used, and only those the output needs are declared.

    rdflib's Turtle serialiser did this at about 20 µs a triple (70 s of a 1M-triple export:
    it splits every IRI for a prefix twice); this writer does about 1 µs."""

    def __init__(self) -> None:
        self.by_namespace = {ns: prefix for prefix, ns in EXPORT_PREFIXES.items()}
        self.used: set[str] = set()
        self.iris: dict[str, str] = {}

    def iri(self, iri: str) -> str:
        written = self.iris.get(iri)
        if written is None:
            if _NOT_IN_IRIREF.search(iri):  # the store and the record never make one
                raise ValueError(f"{iri!r} cannot be written as a Turtle IRI")
            written = f"<{iri}>"
            cut = max(iri.rfind("#"), iri.rfind("/")) + 1
            prefix = self.by_namespace.get(iri[:cut])
            if prefix is not None and _PN_LOCAL.fullmatch(iri[cut:]):
                written = f"{prefix}:{iri[cut:]}"
                self.used.add(prefix)
            self.iris[iri] = written
        return written

    def term(self, term: Any) -> str:
        import rdflib

        if isinstance(term, rdflib.URIRef):
            return self.iri(str(term))
        if isinstance(term, rdflib.BNode):
            return f"_:{term}"
        text = f'"{str(term).translate(_ESCAPES)}"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype is None or str(term.datatype) == XSD_STRING:
            return text
        pattern = _SHORTHAND.get(str(term.datatype))
        if pattern is not None and pattern.fullmatch(str(term)):
            return str(term)
        return f"{text}^^{self.iri(str(term.datatype))}"

    def body(self, triples: list[Triple]) -> str:
        """The statements (without prefixes) of ``triples``, sorted as :func:`sort_key`."""
        blocks = []
        i, n = 0, len(triples)
        while i < n:
            subject = triples[i][0]
            j = i
            while j < n and triples[j][0] == subject:
                j += 1
            group = triples[i:j]
            # rdf:type first (as "a"), then the predicates in their sorted order
            group.sort(key=lambda t: str(t[1]) != RDF_TYPE)
            lines = []
            k = 0
            while k < len(group):
                predicate = group[k][1]
                objects = []
                while k < len(group) and group[k][1] == predicate:
                    objects.append(self.term(group[k][2]))
                    k += 1
                verb = "a" if str(predicate) == RDF_TYPE else self.term(predicate)
                lines.append(f"{verb} " + f",\n{_INDENT * 2}".join(objects))
            blocks.append(f"{self.term(subject)} " + f" ;\n{_INDENT}".join(lines) + " .\n")
            i = j
        return "\n".join(blocks)

    def prefix_lines(self) -> str:
        return "".join(f"@prefix {p}: <{EXPORT_PREFIXES[p]}> .\n" for p in sorted(self.used))


def _serialize_turtle(graphs: dict[str, list[Triple]]) -> bytes:
    writer = _TurtleWriter()
    body = writer.body(union(graphs))
    return (writer.prefix_lines() + "\n" + body).encode("utf-8")


def _serialize_trig(graphs: dict[str, list[Triple]]) -> bytes:
    writer = _TurtleWriter()
    # not indented: a graph's statements are written as in Turtle
    blocks = [f"<{gname}> {{\n{writer.body(graphs[gname])}}}\n"
              for gname in sorted(graphs) if graphs[gname]]
    return (writer.prefix_lines() + "\n" + "\n".join(blocks)).encode("utf-8")


def _serialize_lines(graphs: dict[str, list[Triple]], quads: bool) -> bytes:
    if quads:
        items = [
            ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), ox.NamedNode(g))
            for g in sorted(graphs) for s, p, o in graphs[g]
        ]
        fmt = ox.RdfFormat.N_QUADS
    else:
        items = [ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))
                 for s, p, o in union(graphs)]
        fmt = ox.RdfFormat.N_TRIPLES
    data = ox.serialize(items, format=fmt) or b""
    lines = sorted(set(data.splitlines()))
    return b"".join(line + b"\n" for line in lines if line)


def _serialize_xml(graphs: dict[str, list[Triple]]) -> bytes:
    return _rdflib_graph(union(graphs)).serialize(format="xml", encoding="utf-8")


@cache
def jsonld_context() -> dict[str, Any]:
    """The compact JSON-LD context shipped as ``ontology/context.jsonld`` (prefixes only)."""
    path = bundle_root() / "ontology" / "context.jsonld"
    return json.loads(path.read_text(encoding="utf-8"))


def _jsonld_compact(iri: str, by_length: list[tuple[str, str]]) -> str:
    for prefix, ns in by_length:
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            if not local.startswith("//") and not local.startswith("_:"):
                return f"{prefix}:{local}"
    return iri


def _serialize_jsonld(graphs: dict[str, list[Triple]]) -> bytes:
    import rdflib

    context = jsonld_context()["@context"]
    by_length = sorted(
        ((p, ns) for p, ns in context.items() if isinstance(ns, str) and not p.startswith("@")),
        key=lambda kv: (-len(kv[1]), kv[0]),
    )

    def iri(term: Any) -> str:
        if isinstance(term, rdflib.BNode):
            return f"_:{term}"
        return _jsonld_compact(str(term), by_length)

    def value(term: Any) -> dict[str, str]:
        if isinstance(term, rdflib.Literal):
            v = {"@value": str(term)}
            if term.language:
                v["@language"] = term.language
            elif term.datatype is not None and str(term.datatype) != XSD_STRING:
                v["@type"] = iri(term.datatype)
            return v
        return {"@id": iri(term)}

    def nodes(triples: list[Triple]) -> list[dict[str, Any]]:
        by_subject: dict[Any, list[Triple]] = {}
        for t in triples:
            by_subject.setdefault(t[0], []).append(t)
        out = []
        for subject in sorted(by_subject, key=lambda s: s.n3()):
            node: dict[str, Any] = {"@id": iri(subject)}
            types = sorted(
                (o for _, p, o in by_subject[subject]
                 if str(p) == RDF_TYPE and isinstance(o, rdflib.URIRef)), key=str
            )
            if types:
                node["@type"] = [iri(t) for t in types]
            props: dict[str, list[Any]] = {}
            for _, p, o in by_subject[subject]:
                if str(p) == RDF_TYPE and isinstance(o, rdflib.URIRef):
                    continue
                props.setdefault(iri(p), []).append(o)
            for key in sorted(props):
                node[key] = [value(o) for o in sorted(props[key], key=lambda o: o.n3())]
            out.append(node)
        return out

    doc = {
        "@context": context,
        "@graph": [
            {"@id": g, "@graph": nodes(graphs[g])} for g in sorted(graphs) if graphs[g]
        ],
    }
    return (json.dumps(doc, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


SERIALIZERS: dict[str, Callable[[dict[str, list[Triple]]], bytes]] = {
    "turtle": _serialize_turtle,
    "nt": lambda graphs: _serialize_lines(graphs, quads=False),
    "jsonld": _serialize_jsonld,
    "trig": _serialize_trig,
    "xml": _serialize_xml,
    "nquads": lambda graphs: _serialize_lines(graphs, quads=True),
}


def serialize(graphs: dict[str, list[Triple]], format: str) -> bytes:
    """Serialise sorted, canonically labelled graphs in one of :data:`FORMATS`."""
    return SERIALIZERS[format](graphs)


# ---------------------------------------------------------------------------------------------
# Writing: clustergraph.output (atomic, checked, never over a store or a device)
# ---------------------------------------------------------------------------------------------


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through :func:`clustergraph.output.write_output`
    (atomic for a regular file, gzip for ``.gz``, every failure an OutputError)."""
    from .output import write_output

    write_output(path, data)


def inferred_path(output: Path, fmt: Format) -> Path:
    """``graph.ttl`` -> ``graph.inferred.ttl``, ``graph.ttl.gz`` -> ``graph.inferred.ttl.gz``
    (the separate file of a triple format)."""
    gz = output.name.lower().endswith(".gz")
    base = output.with_name(output.name[:-3]) if gz else output
    suffix = base.suffix or f".{fmt.extension}"
    name = f"{base.stem if base.suffix else base.name}.inferred{suffix}"
    return output.with_name(name + (output.name[-3:] if gz else ""))


# ---------------------------------------------------------------------------------------------
# The library function
# ---------------------------------------------------------------------------------------------


def build(
    kg: KnowledgeGraph,
    layers: Sequence[str] = LAYERS,
    with_inferences: bool = False,
    catalog_only: bool = False,
) -> tuple[dict[str, list[Triple]], list[Triple]]:
    """The graphs of an export (asserted, with the DCAT-AP record in ``graph/catalog``) and,
    if asked, the inferred triples; all sorted, blank nodes canonically labelled."""
    from .dcat import record

    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        raise UsageError(f"unknown layer {unknown[0]!r} (choose from {', '.join(LAYERS)})")
    raw = asserted_graphs(kg, layers)
    data, _mapping = canonicalize(raw)
    catalog = sorted(set(record(data)), key=sort_key)
    graphs = {CATALOG_GRAPH: catalog} if catalog_only else {**data, CATALOG_GRAPH: catalog}
    inferred = inferred_triples(union(graphs)) if with_inferences else []
    return graphs, inferred


def export(
    kg: KnowledgeGraph,
    format: str | None,
    output: str | Path,
    layers: Sequence[str] = LAYERS,
    with_inferences: bool = False,
    catalog_only: bool = False,
) -> ExportResult:
    """Export the graph (or only its DCAT-AP record) to ``output`` (``-`` for stdout).

    ``format`` is any name of :mod:`clustergraph.formats` (``None``: from the extension of
    ``output``, Turtle if it has none); it must agree with the extension. ``.gz`` writes
    gzip. Quad formats keep the named graphs; with ``with_inferences`` the inferred triples
    go to the graph ``graph/inferred`` (quad formats) or to ``<stem>.inferred.<ext>``
    (triple formats, which then need a file, not stdout).
    """
    fmt, _gz = choose(output, format, "--format", default="turtle")
    format = fmt.name
    to_stdout = str(output) == "-"
    if with_inferences and not fmt.quads and to_stdout:
        raise UsageError(
            f"--with-inferences with {format} writes the inferred triples to a second file: "
            "give --output FILE, or use a quad format (trig, nquads, jsonld)"
        )
    try:
        return _export(kg, fmt, str(output), layers, with_inferences, catalog_only)
    finally:
        _term_key.cache_clear()  # the sort keys of this export's terms


def _export(
    kg: KnowledgeGraph,
    fmt: Format,
    output: str,
    layers: Sequence[str],
    with_inferences: bool,
    catalog_only: bool,
) -> ExportResult:
    format = fmt.name
    graphs, inferred = build(kg, layers, with_inferences, catalog_only)
    result = ExportResult(
        asserted=sum(len(t) for t in graphs.values()) if fmt.quads
        else len(set().union(*graphs.values())),
        inferred=len(inferred),
        graphs=sorted(graphs),
    )
    files: list[tuple[str, bytes]] = []
    if fmt.quads:
        if with_inferences:
            graphs = {**graphs, INFERRED_GRAPH: inferred}
            result.graphs = sorted(graphs)
        files.append((str(output), serialize(graphs, format)))
    else:
        files.append((str(output), serialize(graphs, format)))
        if with_inferences:
            side = inferred_path(Path(output), fmt)
            files.append((str(side), serialize({INFERRED_GRAPH: inferred}, format)))
    from .output import refuse_store_target, write_output

    for name, _data in files:  # before anything is written: no half an export
        if name != "-":
            refuse_store_target(name)
    for name, data in files:
        write_output(name, data)
        result.paths.append(name)
    return result
