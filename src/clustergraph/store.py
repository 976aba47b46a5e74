"""Loading: the one module that owns the store.

Files are parsed by Oxigraph (``pyoxigraph``) into a quad store, one named graph per layer
(and per country folder for data), so that queries run on Oxigraph over the union of all
graphs while exports keep the layers apart. rdflib is used only where it is good: the graph
API, serialisation and pySHACL input (:meth:`KnowledgeGraph.to_rdflib`), and it is imported
only then, so that ``info`` and ``query`` start fast.

Nothing here touches the network: Turtle has no import mechanism, ``owl:imports`` is never
followed, and JSON-LD is parsed without fetching remote contexts.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from .errors import InputError
from .resources import LAYERS, Source, bundled_sources, layer_graph

if TYPE_CHECKING:  # pragma: no cover
    import rdflib

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

_PARSER_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*:\s*")
_PARSER_SUFFIX = re.compile(r"\s*\(line \d+\)\s*$")


def rdf_format(path: Path) -> ox.RdfFormat:
    """The RDF format of a file, from its extension; a usage problem if unknown."""
    fmt = ox.RdfFormat.from_extension(path.suffix.lstrip(".").lower()) if path.suffix else None
    if fmt is None:
        raise InputError(
            f"{path}: unknown RDF file extension {path.suffix or '(none)'!r} "
            "(use .ttl, .nt, .nq, .trig, .jsonld or .rdf)"
        )
    return fmt


def read_rdf_bytes(path: Path) -> bytes:
    """Read an RDF file, refusing what cannot be one: missing, a directory, not UTF-8, empty."""
    if not path.exists():
        raise InputError(f"{path}: no such file")
    if path.is_dir():
        raise InputError(f"{path}: is a directory, not an RDF file")
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{path}, line {line}: not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    return raw


def parse_error(path: Path, exc: SyntaxError) -> InputError:
    """Turn an Oxigraph parser error into a one-line message with file, line and column."""
    message = _PARSER_SUFFIX.sub("", _PARSER_PREFIX.sub("", str(exc.msg or exc)))
    where = f"line {exc.lineno}, column {exc.offset}" if exc.lineno else "position unknown"
    return InputError(f"{path}, {where}: {message}")


def parse_file(path: Path, graph: str) -> list[ox.Quad]:
    """Parse one RDF file into quads of the named graph ``graph`` (or of its own graphs
    for quad formats)."""
    fmt = rdf_format(path)
    raw = read_rdf_bytes(path)
    target = ox.NamedNode(graph)
    try:
        quads = list(ox.parse(raw, format=fmt, base_iri=path.resolve().as_uri()))
    except SyntaxError as exc:
        raise parse_error(path, exc) from None
    if not quads:
        raise InputError(f"{path}: the file contains no triples")
    if fmt.supports_datasets:
        return [q if not isinstance(q.graph_name, ox.DefaultGraph) else
                ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
    return [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]


@dataclass
class KnowledgeGraph:
    """The loaded graph: an Oxigraph store with one named graph per layer and country.

    >>> kg = load()                       # everything shipped
    >>> kg.triples_per_layer()["ontology"] > 0
    True
    """

    store: ox.Store
    sources: list[Source] = field(default_factory=list)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def triples_per_layer(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        ):
            layer = row["g"].value.removeprefix(layer_graph("")).split("/")[0]
            counts[layer] = counts.get(layer, 0) + int(row["n"].value)
        order = {layer: i for i, layer in enumerate(LAYERS)}
        return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    def __len__(self) -> int:
        return len(self.store)

    def to_rdflib(self, graphs: Iterable[str] | None = None) -> rdflib.Dataset:
        """Copy (some of) the named graphs into an rdflib Dataset, graph by graph."""
        import rdflib

        wanted = set(graphs) if graphs is not None else None
        ds = rdflib.Dataset()
        for gname in self.graphs():
            if wanted is not None and gname not in wanted:
                continue
            g = ds.graph(rdflib.URIRef(gname))
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(gname)):
                g.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate),
                       to_rdflib_term(q.object)))
        return ds

    def to_rdflib_graph(self, graphs: Iterable[str] | None = None) -> rdflib.Graph:
        """The union of (some of) the named graphs as one rdflib Graph."""
        import rdflib

        out = rdflib.Graph()
        for ctx in self.to_rdflib(graphs).graphs():
            for t in ctx:
                out.add(t)
        return out


def to_rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal):  # noqa: ANN201
    """Convert an Oxigraph term to the equal rdflib term (plain literals stay plain)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"unsupported RDF term {term!r}")


def load_sources(sources: Sequence[Source], store: ox.Store | None = None) -> KnowledgeGraph:
    """Parse every source into its named graph of one (new, in-memory) store."""
    store = store if store is not None else ox.Store()
    for src in sources:
        store.extend(parse_file(src.path, src.graph))
    return KnowledgeGraph(store=store, sources=list(sources))


def user_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Data files given on the command line: each goes into a graph of the data layer."""
    out = []
    for p in paths:
        path = Path(p)
        out.append(Source(path, "data", layer_graph("data", "user/" + path.name)))
    return out


def load(
    layers: Sequence[str] = LAYERS,
    extra_files: Iterable[str | Path] = (),
) -> KnowledgeGraph:
    """Load the shipped layers (default: all) plus any extra data files.

    With ``extra_files``, the shipped *data* is replaced by those files: this is how a
    curator checks a new country against the bundled ontology, vocabularies and reference.
    """
    extra = user_sources(extra_files)
    wanted = [layer for layer in layers if not (extra and layer == "data")]
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        from .errors import UsageError

        raise UsageError(f"unknown layer {unknown[0]!r} (choose from {', '.join(LAYERS)})")
    kg = load_sources(bundled_sources(wanted) + extra)
    if "queries" in wanted:
        from .catalog import catalog_quads

        kg.store.extend(catalog_quads(layer_graph("queries")))
    return kg
