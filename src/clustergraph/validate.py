"""Validation: the graph checked against the SHACL shapes of ``ontology/shapes/``.

:func:`validate` loads the data (the bundled graph, a curator's files, or a
:class:`~clustergraph.store.KnowledgeGraph` already loaded), refuses shapes or data that ask
for the network, runs pySHACL and returns a :class:`ValidationResult` whose results a curator
can act on: each names the node, its label, the country it belongs to and the section or
table of the factsheet it was taken from. :func:`render_text`, :func:`render_json` and
:func:`render_turtle` print it.

pySHACL and rdflib are imported inside the functions that need them, never when
clustergraph starts.

>>> result = validate()                       # the bundled graph, no inference
>>> result.conforms                           # no violations (warnings may be listed)
True
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import sparql_text, threads
from .errors import InputError, RefusedError, UsageError
from .namespaces import CG, CGSH, DCT, FOAF, OWL, PROV, RDF_TYPE, RDFS, SCHEMA, SH, SKOS
from .namespaces import compact as _compact
from .resources import LAYERS, layer_graph, shapes_files
from .store import KnowledgeGraph, load, parse_file, to_rdflib_term

if TYPE_CHECKING:  # pragma: no cover
    import rdflib

#: The inference modes pySHACL offers that clustergraph exposes; ``none`` is the default:
#: the shapes need no inference (the ontology is in the data graph, so ``rdfs:subClassOf``
#: is there for ``sh:targetClass`` and ``sh:class``).
INFERENCE_MODES: tuple[str, ...] = ("none", "rdfs", "owlrl")
DEFAULT_INFERENCE = "none"
#: The SHACL engines: ``oxigraph`` (shapes compiled to SPARQL, the default without
#: inference) and ``pyshacl`` (the reference implementation, needed for inference).
ENGINES: tuple[str, ...] = ("oxigraph", "pyshacl")


#: Properties whose SPARQL text pySHACL would run (constraints, targets, validators).
#: Read by :mod:`clustergraph.sparql_text`; only ``update`` may hold SPARQL Update.
_SPARQL_TEXT = ("select", "ask", "construct", "update")
_VALUE_CLAUSE = re.compile(r";[^;]*\{[?$]value\}[^;]*$")
_IRI_IN_TEXT = re.compile(r"https?://[^\s,;()\"'<>]+")

#: Labels, in order of preference, for the text report.
_LABEL_PROPERTIES = (
    SKOS + "prefLabel",
    RDFS + "label",
    DCT + "title",
    FOAF + "name",
    SKOS + "notation",
)
#: Links followed upwards from a node without provenance to the node that has it (a period
#: to its policy, a list cell to its participation): at most this many steps.
_MAX_UP = 4


@dataclass(frozen=True)
class Result:
    """One SHACL validation result, with the context a curator needs to find the node."""

    severity: str  # "Violation", "Warning" or "Info"
    focus_node: str  # compact IRI (or _:id for a blank node)
    message: str
    source_shape: str
    constraint: str  # the constraint component, compact (sh:MinCountConstraintComponent)
    path: str | None = None
    value: str | None = None
    label: str | None = None
    source_part: str | None = None  # the cg:DocumentPart the node was derived from
    source_part_label: str | None = None
    country: str | None = None  # the country (EU authority IRI, compact) it belongs to
    country_label: str | None = None


@dataclass
class ValidationResult:
    """What :func:`validate` found. ``conforms`` is true when there is no violation
    (warnings do not make the data invalid; they point at what a curator should look at).
    ``report`` is the standard ``sh:ValidationReport`` graph (rdflib)."""

    results: list[Result]
    report: Any = field(repr=False)
    inference: str = DEFAULT_INFERENCE
    engine: str = "pyshacl"
    #: shapes the oxigraph engine could not compile, run by pySHACL instead (compact names)
    fallback: list[str] = field(default_factory=list)
    #: the oxigraph engine's plan: why each fallback shape is left to pySHACL, and per
    #: constraint component (compact) the number of shapes compiled and left to pySHACL
    fallback_reasons: dict[str, str] = field(default_factory=dict)
    features: list[tuple[str, int, int]] = field(default_factory=list)

    @property
    def violations(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Violation"]

    @property
    def warnings(self) -> list[Result]:
        return [r for r in self.results if r.severity == "Warning"]

    @property
    def conforms(self) -> bool:
        return not self.violations


# ---------------------------------------------------------------------------------------
# Shapes and the network check
# ---------------------------------------------------------------------------------------


def load_shapes(extra_shapes: Iterable[str | Path] = ()) -> rdflib.Graph:
    """The bundled shapes plus ``extra_shapes``, as one rdflib graph.

    Files are read by the loader of :mod:`clustergraph.store` (so a missing, empty,
    non-UTF-8 or malformed file is an :class:`~clustergraph.errors.InputError` naming file
    and line), then checked: a shapes file that asks for the network is refused.
    """
    import rdflib

    graph = rdflib.Graph()
    for path in [*shapes_files(), *(Path(p) for p in extra_shapes)]:
        part = rdflib.Graph()
        for q in parse_file(path, layer_graph("shapes")):
            part.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate),
                      to_rdflib_term(q.object)))
        refuse_network(part, str(path))
        graph += part
    return graph


def compact(iri: str) -> str:
    """:func:`clustergraph.namespaces.compact`, plus the shapes' ``cgsh:`` prefix."""
    if iri.startswith(CGSH) and len(iri) > len(CGSH):
        return "cgsh:" + iri[len(CGSH):]
    return _compact(iri)


def _is_local_iri(iri: str) -> bool:
    return iri.startswith("file:")


def refuse_network(graph: rdflib.Graph, where: str) -> None:
    """Raise :class:`RefusedError` if ``graph`` asks for the network: an ``owl:imports``
    (or ``sh:shapesGraph``) of a non-local IRI, or SPARQL text (a constraint, target or
    validator) with ``SERVICE``, ``LOAD`` or ``FROM``. Checked before anything runs."""
    import rdflib

    for pred in (OWL + "imports", SH + "shapesGraph"):
        for s, o in graph.subject_objects(rdflib.URIRef(pred)):
            if not _is_local_iri(str(o)):
                raise RefusedError(
                    f"{where}: {compact(str(s))} {compact(pred)} <{o}> asks for the network; "
                    "refused (only local file: imports are allowed)"
                )
    for name in _SPARQL_TEXT:
        for s, text in graph.subject_objects(rdflib.URIRef(SH + name)):
            keyword = sparql_text.forbidden_keyword(str(text), update_allowed=name == "update")
            if keyword:
                raise RefusedError(
                    f"{where}: the SPARQL query of {_owner(graph, s)} uses {keyword}, which "
                    + ("asks for the network" if keyword in sparql_text.OUTSIDE
                       else "is SPARQL Update and changes data") + "; refused"
                )
    # a prefix declaration is pasted into every query that uses it: checked as that text
    for d in graph.subjects(rdflib.URIRef(SH + "namespace"), None):
        declaration = (f"PREFIX {graph.value(d, rdflib.URIRef(SH + 'prefix'))}: "
                       f"<{graph.value(d, rdflib.URIRef(SH + 'namespace'))}>")
        keyword = sparql_text.forbidden_keyword(declaration)
        if keyword:
            raise RefusedError(
                f"{where}: the prefix declaration {_owner(graph, d)} puts {keyword} into "
                "the SPARQL queries that use it; refused"
            )


def _owner(graph: rdflib.Graph, node: Any) -> str:
    """A node's name for a message: its IRI, or the IRI of the shape it hangs from."""
    import rdflib

    seen = set()
    while isinstance(node, rdflib.BNode) and node not in seen:
        seen.add(node)
        parent = next(iter(graph.subjects(None, node)), None)
        if parent is None:
            return "an anonymous node"
        node = parent
    return compact(str(node))


def network_keyword(query: str) -> str | None:
    """The first SERVICE, LOAD or FROM keyword in a SPARQL text (ignoring strings, IRIs
    and comments; escapes read both ways, see :mod:`clustergraph.sparql_text`),
    upper-cased; ``None`` if there is none."""
    return sparql_text.forbidden_keyword(query, update_allowed=True)


def _refuse_network_in_data(kg: KnowledgeGraph) -> None:
    """The data's own ``owl:imports``: refused if remote (pySHACL could be asked to follow
    them). Reported with the file they came from."""
    files = {src.graph: str(src.path) for src in kg.sources}
    rows = kg.store.query(
        "SELECT ?g ?s ?p ?o WHERE { GRAPH ?g { ?s ?p ?o "
        f"VALUES ?p {{ <{OWL}imports> <{SH}shapesGraph> }} }} }}"
    )
    for row in rows:
        if not _is_local_iri(row["o"].value):
            where = files.get(row["g"].value, row["g"].value)
            raise RefusedError(
                f"{where}: {compact(row['s'].value)} {compact(row['p'].value)} "
                f"<{row['o'].value}> asks for the network; refused "
                "(only local file: imports are allowed)"
            )


# ---------------------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------------------


@threads.offline  # evaluation in a thread that cannot open a network socket
def validate(
    data: KnowledgeGraph | Sequence[str | Path] | None = None,
    *,
    inference: str = DEFAULT_INFERENCE,
    extra_shapes: Iterable[str | Path] = (),
    country: str | None = None,
    engine: str | None = None,
) -> ValidationResult:
    """Validate the graph against the bundled shapes (and ``extra_shapes``).

    ``data`` is a loaded :class:`KnowledgeGraph`, a list of data files (validated with the
    bundled ontology, vocabularies and reference data, instead of the bundled data), or
    ``None`` for the bundled graph. ``inference`` is ``none`` (default), ``rdfs`` or
    ``owlrl``: the closure pySHACL computes on a copy of the data before validating.

    ``engine`` is ``oxigraph`` (the default without inference: the shapes compiled to
    SPARQL by :mod:`clustergraph.shacl_sparql` and run in bulk on the store; a shape it
    cannot compile is run by pySHACL) or ``pyshacl`` (the reference, on an rdflib copy of
    the graph; the default, and the only engine, with inference). Both give the same
    results.

    Raises :class:`~clustergraph.errors.InputError` for a file that cannot be read or
    parsed, :class:`~clustergraph.errors.RefusedError` for shapes or data that ask for the
    network, :class:`~clustergraph.errors.UsageError` for an unknown inference mode or
    engine.

    ``country`` (a data folder's name, e.g. ``be`` or ``eu``) gives the whole-store results
    about the nodes that folder describes: the ontology, vocabularies and reference data,
    plus what the folder reaches in the other folders (the shared layer's Euroclusters and
    programmes, and what they link to), are there as context (see
    :func:`_linked_elsewhere_terms`). This keeps one country's check fast in a large
    landscape.
    """
    if inference not in INFERENCE_MODES:
        raise UsageError(
            f"unknown inference mode {inference!r} (choose from {', '.join(INFERENCE_MODES)})"
        )
    if engine is None:
        engine = "oxigraph" if inference == "none" else "pyshacl"
    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    if engine == "oxigraph" and inference != "none":
        raise UsageError(f"--inference {inference} needs --engine pyshacl (the oxigraph "
                         "engine validates the graph as it is)")
    shapes = load_shapes(extra_shapes)
    if data is None:
        kg = load()
    elif isinstance(data, KnowledgeGraph):
        kg = data
    else:
        kg = load(extra_files=list(data))
    _refuse_network_in_data(kg)

    validated = [layer_graph(layer) for layer in LAYERS if layer != "queries"]
    graphs = [g for g in kg.graphs() if any(g == v or g.startswith(v + "/") for v in validated)]
    focus_graph = _country_graph(graphs, country) if country is not None else None
    if engine == "oxigraph":
        return _validate_oxigraph(kg, shapes, graphs, focus_graph)
    return _validate_pyshacl(kg, shapes, graphs, focus_graph, inference)


#: The one named graph of the scratch store of :func:`validate_graph`.
_DATA_GRAPH = "urn:clustergraph:validate:data"


@threads.offline  # like validate(): the engines run in a thread without network sockets
def validate_graph(data: rdflib.Graph, shapes: rdflib.Graph,
                   engine: str = "oxigraph") -> ValidationResult:
    """Validate an rdflib ``data`` graph against the rdflib ``shapes`` graph alone (not the
    bundled shapes), on either engine, without inference: the engines' core, as the W3C
    SHACL test suite runs them (``tests/test_w3c_shacl.py``). Blank nodes keep their
    identifiers, so that the report names the same nodes as the input graphs. Shapes that
    ask for the network are refused as in :func:`validate`.

    The pyshacl engine gets ``data`` itself; the oxigraph engine gets it through an
    Oxigraph store, which rewrites some literals on insert (an ill-typed
    ``"300"^^xsd:byte`` is stored as an ``xsd:integer``, ``4.0`` as ``4``), and rdflib
    holds some ill-typed literals in a form that is valid once copied (``"none"^^xsd:boolean``
    reads ``false``): the shapes that may see such a literal run in pySHACL on ``data``
    itself (:func:`clustergraph.shacl_sparql.rewritten_reason`), so that both engines give
    the same report."""
    import pyoxigraph as ox
    import pyshacl
    import rdflib

    from .lexical import Originals
    from .store import to_oxigraph_term

    if engine not in ENGINES:
        raise UsageError(f"unknown engine {engine!r} (choose from {', '.join(ENGINES)})")
    refuse_network(shapes, "the shapes graph")
    if engine == "pyshacl":
        _conforms, report, text = pyshacl.validate(
            data, shacl_graph=shapes, inference="none", allow_warnings=True,
            allow_infos=True, advanced=False, do_owl_imports=False)
        if not isinstance(report, rdflib.Graph):
            raise InputError(f"the shapes cannot be run: {text.strip().splitlines()[-1]}")
        _spec_conforms(report)
        return ValidationResult(results=_collect(report, data), report=report,
                                inference="none", engine="pyshacl")
    store = ox.Store()
    g = ox.NamedNode(_DATA_GRAPH)
    originals = Originals()
    store.extend(originals.watch(
        ox.Quad(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o), g)
        for s, p, o in data))
    kg = KnowledgeGraph(store=store, originals=originals.finish())
    rewritten = _rewritten_of(kg, [_DATA_GRAPH])
    rewritten.predicates = set(rewritten.predicates) | _ill_typed_in(data)
    rewritten.exact = True  # the suite compares every term: any shape that may see one
    return _validate_oxigraph(kg, shapes, [_DATA_GRAPH], None, data.namespace_manager,
                              rewritten=rewritten, written=data)


def _ill_typed_in(data: rdflib.Graph) -> set[str]:
    """The predicates of ``data`` with a literal object rdflib finds ill-typed: its lexical
    form may be rdflib's own (``"none"^^xsd:boolean`` reads ``false``), valid once copied
    into the store, while pySHACL sees an ill-typed literal."""
    import rdflib

    return {str(p) for _s, p, o in data if isinstance(o, rdflib.Literal) and o.ill_typed}


def _restore_written(copy: rdflib.Graph, kg: KnowledgeGraph, graphs: Iterable[str]) -> None:
    """Put back, in the rdflib ``copy`` of (some of) ``graphs``, the literals as written
    where the store holds them rewritten (:attr:`KnowledgeGraph.originals`), so that
    pySHACL sees the data as the curator wrote it. A triple of the copy that another of
    the graphs holds as it is stays."""
    import pyoxigraph as ox

    originals = kg.originals
    if not originals:
        return
    wanted = set(graphs)
    by_triple: dict[tuple, list] = {}
    for key in originals.keys():  # noqa: SIM118 - Originals is not a dict
        if isinstance(key.graph_name, ox.NamedNode) and key.graph_name.value in wanted:
            by_triple.setdefault((key.subject, key.predicate, key.object), []).append(key)
    for (s, p, o), keys in by_triple.items():
        triple = (to_rdflib_term(s), to_rdflib_term(p), to_rdflib_term(o))
        if triple not in copy:  # not among the copied graphs (a --country scratch store)
            continue
        written = [q for key in keys for q in originals.restore(key) or ()]
        in_keys = {key.graph_name for key in keys}
        as_is = any(q.object == o for q in written) or any(
            q.graph_name not in in_keys and isinstance(q.graph_name, ox.NamedNode)
            and q.graph_name.value in wanted for q in kg.store.quads_for_pattern(s, p, o))
        if not as_is:
            copy.remove(triple)
        for q in written:
            copy.add((triple[0], triple[1], to_rdflib_term(q.object)))


def _rewritten_of(kg: KnowledgeGraph, graphs: Iterable[str]) -> Any:
    """What the store changed of the literals of ``graphs``
    (:class:`clustergraph.shacl_sparql.Rewritten`, from :attr:`KnowledgeGraph.originals`)."""
    import pyoxigraph as ox

    from .shacl_sparql import Rewritten

    out = Rewritten(predicates=set(), retyped=set(), merged=set(), exact=False)
    if not kg.originals:
        return out
    wanted = set(graphs)
    for key in kg.originals.keys():  # noqa: SIM118 - Originals is not a dict
        if not (isinstance(key.graph_name, ox.NamedNode) and key.graph_name.value in wanted):
            continue
        p = key.predicate.value
        out.predicates.add(p)
        written = kg.originals.restore(key) or []
        if any(q.object.datatype != key.object.datatype for q in written):
            out.retyped.add(p)
        if len({q.object for q in written}) > 1:
            out.merged.add(p)
    return out


def _written_values(kg: KnowledgeGraph, graphs: Iterable[str]) -> Any:
    """For :func:`clustergraph.shacl_sparql.run`: (focus, path, value) -> the values as
    written where the store holds ``value`` rewritten (rdflib terms; empty if not)."""
    import pyoxigraph as ox

    from .store import to_oxigraph_term

    names = [ox.NamedNode(g) for g in graphs]

    def written(focus: Any, path: Any, value: Any) -> list[Any]:
        import rdflib

        if not isinstance(path, rdflib.URIRef) or isinstance(focus, rdflib.Literal):
            return []
        s, p, o = to_oxigraph_term(focus), ox.NamedNode(str(path)), to_oxigraph_term(value)
        out: list[Any] = []
        for g in names:
            for q in kg.originals.restore(ox.Quad(s, p, o, g)) or ():
                term = to_rdflib_term(q.object)
                if term not in out:
                    out.append(term)
        return out

    return written


def _spec_conforms(report: rdflib.Graph) -> None:
    """Set ``sh:conforms`` as SHACL section 3.6 defines it: true if and only if the report
    has no result, at any severity. (The exit code and :attr:`ValidationResult.conforms`
    count violations only: warnings do not fail a run.)"""
    import rdflib

    sh = rdflib.Namespace(SH)
    for node in list(report.subjects(rdflib.RDF.type, sh.ValidationReport)):
        empty = next(iter(report.objects(node, sh.result)), None) is None
        report.set((node, sh.conforms, rdflib.Literal(empty)))


def _validate_pyshacl(kg: KnowledgeGraph, shapes: rdflib.Graph, graphs: list[str],
                      focus_graph: str | None, inference: str) -> ValidationResult:
    """The pyshacl engine: pySHACL on an rdflib copy of the validated graphs, with the
    literals as written (:func:`_restore_written`; the SPARQL rules, without inference, on
    Oxigraph)."""
    import pyshacl
    import rdflib

    if focus_graph is not None:
        context = [g for g in graphs if not g.startswith(layer_graph("data") + "/")]
        data_graph = kg.to_rdflib_graph([*context, focus_graph])
        _restore_written(data_graph, kg, [*context, focus_graph])
        for t in _linked_elsewhere(kg, focus_graph, graphs):
            data_graph.add(t)
    else:
        data_graph = kg.to_rdflib_graph(graphs)
        _restore_written(data_graph, kg, graphs)
        described = _described_in_terms(kg, graphs)
        for t in described:
            data_graph.add(tuple(to_rdflib_term(x) for x in t))
    # Without inference, the SHACL-SPARQL rules run on Oxigraph, once per rule over all
    # focus nodes, instead of once per focus node in pySHACL (13 s -> 2 s on the bundled
    # graph). With inference they must see the closure pySHACL computes, so pySHACL runs
    # them.
    rules = _take_sparql_rules(shapes) if inference == "none" else []
    _conforms, report, text = pyshacl.validate(
        data_graph,
        shacl_graph=shapes,
        inference=inference,
        allow_warnings=True,  # sh:conforms is set by _spec_conforms below (SHACL 3.6)
        allow_infos=True,
        advanced=False,
        do_owl_imports=False,
    )
    if not isinstance(report, rdflib.Graph):  # pySHACL could not run the shapes
        raise InputError(f"the shapes cannot be run: {text.strip().splitlines()[-1]}")
    rules_kg, rules_graphs = kg, graphs
    if focus_graph is not None:  # the rules see what the shapes see (and run fast)
        scratch, rules_graphs = _country_store(kg, graphs, focus_graph)
        rules_kg = KnowledgeGraph(store=scratch)
    elif described:  # the rules see the folder annotations the shapes see
        rules_kg, rules_graphs = _with_terms(kg, graphs, described)
    for rule in rules:
        _run_sparql_rule(rule, rules_kg, rules_graphs, report, focus_graph)
    if focus_graph is not None:
        _keep_focus_graph(report, kg, focus_graph)
    _spec_conforms(report)
    results = _collect(report, data_graph)
    return ValidationResult(results=results, report=report, inference=inference,
                            engine="pyshacl")


#: The named graph of the scratch store of ``--country`` that holds the context.
_CONTEXT_GRAPH = "urn:clustergraph:validate:context"


def _validate_oxigraph(kg: KnowledgeGraph, shapes: rdflib.Graph, graphs: list[str],
                       focus_graph: str | None, namespaces: Any = None,
                       rewritten: Any = None,
                       written: rdflib.Graph | None = None) -> ValidationResult:
    """The oxigraph engine: the shapes compiled to SPARQL and run on the store, over all
    focus nodes at once; shapes it cannot compile run in pySHACL on an rdflib copy (made
    only then). With a focus graph (``--country``) the data is what pySHACL would see: the
    context graphs, the focus graph and the nodes it links to elsewhere, in a scratch store
    (one country's worth of copying, not the landscape).

    Shapes that may see a literal the store holds rewritten in a way that changes their
    answer (``rewritten``: a :class:`clustergraph.shacl_sparql.Rewritten`, by default made
    from :attr:`KnowledgeGraph.originals`) run in pySHACL too, on the data as written:
    ``written`` if given, else the copy with the original literals put back; the compiled
    results name their values as written."""
    import pyoxigraph as ox
    import rdflib

    from . import shacl_sparql

    rules = _take_sparql_rules(shapes)
    store, query_graphs, focus_filter = kg.store, graphs, None
    rules_kg, rules_graphs = kg, graphs
    if focus_graph is None and len(graphs) > 1:
        # The validated graphs copied into one graph of an in-memory scratch store: a
        # pattern over a list of named graphs costs one look-up per graph (42 at 1M
        # triples, on disk: minutes), over one graph a single look-up. The copy is the
        # RDF merge pySHACL validates (a triple stated in two graphs counts once).
        store = ox.Store()
        merged = ox.NamedNode(_CONTEXT_GRAPH)
        for g in graphs:
            store.extend(ox.Quad(q.subject, q.predicate, q.object, merged)
                         for q in kg.store.quads_for_pattern(None, None, None,
                                                             ox.NamedNode(g)))
        store.extend(ox.Quad(*t, merged) for t in _described_in_terms(kg, graphs))
        query_graphs = [_CONTEXT_GRAPH]
        rules_kg, rules_graphs = KnowledgeGraph(store=store), query_graphs
    if focus_graph is not None:
        store, query_graphs = _country_store(kg, graphs, focus_graph)
        rules_kg, rules_graphs = KnowledgeGraph(store=store), query_graphs
        focus_filter = f"FILTER EXISTS {{ GRAPH <{focus_graph}> {{ ?this ?_fp ?_fo }} }}"
    default = [ox.NamedNode(g) for g in query_graphs]

    def query(text: str) -> Any:
        return store.query(text, default_graph=default)

    report = rdflib.Graph()
    sh = rdflib.Namespace(SH)
    report_node = rdflib.BNode()
    report.add((report_node, rdflib.RDF.type, sh.ValidationReport))
    report.add((report_node, sh.conforms, rdflib.Literal(True)))

    def describe(node: Any) -> Iterable[tuple[Any, Any]]:  # a blank node's arcs
        for q in store.quads_for_pattern(ox.BlankNode(str(node)), None, None):
            if q.graph_name in default:
                yield to_rdflib_term(q.predicate), to_rdflib_term(q.object)

    if rewritten is None:
        rewritten = _rewritten_of(kg, graphs)
    plan = shacl_sparql.plan(shapes, query, focus_filter, rewritten)
    shacl_sparql.run(plan, query, report, shapes, describe, namespaces,
                     _written_values(kg, graphs) if kg.originals else None)
    if plan.fallback:
        if written is not None:
            copy = written
        else:
            copy = KnowledgeGraph(store=store).to_rdflib_graph(query_graphs)
            _restore_written(copy, kg, graphs)
        if namespaces is not None:  # the prefixes pySHACL's messages use
            copy.namespace_manager = namespaces
        _run_fallback(plan, shapes, copy, report, report_node)
    for rule in rules:
        _run_sparql_rule(rule, rules_kg, rules_graphs, report, focus_graph)
    if focus_graph is not None:
        _keep_focus_graph(report, kg, focus_graph)
    _spec_conforms(report)
    results = _collect(report, _OxView(store, query_graphs))
    return ValidationResult(results=results, report=report, inference="none",
                            engine="oxigraph",
                            fallback=[compact(str(s)) for s in plan.fallback],
                            fallback_reasons={compact(str(s)): why
                                              for s, why in plan.reasons.items()},
                            features=[(compact(c), n, f) for c, n, f in plan.features()])


def _run_fallback(plan: Any, shapes: rdflib.Graph, data_graph: rdflib.Graph,
                  report: rdflib.Graph, report_node: Any) -> None:
    """Run pySHACL for the shapes the compiler left to it (only those: the targets of every
    other shape are taken out of a copy of the shapes graph) and merge its results."""
    import pyshacl
    import rdflib

    sh = rdflib.Namespace(SH)
    keep = set(plan.fallback)
    subset = rdflib.Graph()
    subset.namespace_manager = shapes.namespace_manager  # the prefixes of the messages
    targets = {sh.targetClass, sh.targetNode, sh.targetSubjectsOf, sh.targetObjectsOf,
               sh.target}
    for s, p, o in shapes:
        if p in targets and s not in keep:
            continue
        subset.add((s, p, o))
    _conforms, fallback, text = pyshacl.validate(
        data_graph, shacl_graph=subset, inference="none", allow_warnings=True,
        allow_infos=True, advanced=False, do_owl_imports=False)
    if not isinstance(fallback, rdflib.Graph):
        raise InputError(f"the shapes cannot be run: {text.strip().splitlines()[-1]}")
    for node in fallback.subjects(rdflib.RDF.type, sh.ValidationReport):
        for res in fallback.objects(node, sh.result):
            report.add((report_node, sh.result, res))
    reports = set(fallback.subjects(rdflib.RDF.type, sh.ValidationReport))
    for t in fallback:
        if t[0] not in reports:
            report.add(t)


def _country_store(kg: KnowledgeGraph, graphs: list[str],
                   focus_graph: str) -> tuple[Any, list[str]]:
    """What ``--country`` validates, in an in-memory scratch store: one graph holding the RDF
    merge of the context graphs (ontology, vocabularies, reference), the country's own graph
    and what :func:`_linked_elsewhere_terms` brings from the other data folders; the
    country's graph also under its own name, so that results can be kept to its nodes. Both
    engines run the shapes and the SPARQL rules on the merged graph (not on the whole
    landscape: one country's check stays fast). Returns the store and the graph to query."""
    import pyoxigraph as ox

    context = [g for g in graphs if not g.startswith(layer_graph("data") + "/")]
    store = ox.Store()
    ctx = ox.NamedNode(_CONTEXT_GRAPH)
    for g in [*context, focus_graph]:
        store.extend(ox.Quad(q.subject, q.predicate, q.object, ctx)
                     for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    store.extend(kg.store.quads_for_pattern(None, None, None, ox.NamedNode(focus_graph)))
    store.extend(ox.Quad(s, p, o, ctx)
                 for s, p, o in _linked_elsewhere_terms(kg, focus_graph, graphs))
    return store, [_CONTEXT_GRAPH]


def _with_terms(kg: KnowledgeGraph, graphs: list[str],
                terms: list[tuple[Any, Any, Any]]) -> tuple[KnowledgeGraph, list[str]]:
    """The validated graphs merged into one graph of a scratch store, with ``terms`` added."""
    import pyoxigraph as ox

    store = ox.Store()
    merged = ox.NamedNode(_CONTEXT_GRAPH)
    for g in graphs:
        store.extend(ox.Quad(q.subject, q.predicate, q.object, merged)
                     for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(g)))
    store.extend(ox.Quad(*t, merged) for t in terms)
    return KnowledgeGraph(store=store), [_CONTEXT_GRAPH]


#: The annotation :func:`_described_in_terms` adds for ``cgsh:DescribedOnceShape``.
DESCRIBED_IN = CGSH + "describedIn"
#: Triples that refer to a node without describing it (a folder may state them about a
#: node described in another folder).
_REFERENCE_PREDICATES = (RDFS + "seeAlso", OWL + "sameAs")
SCHEMA_URL = SCHEMA + "url"


def _data_graphs(graphs: Iterable[str]) -> list[str]:
    return [g for g in graphs if g.startswith(layer_graph("data") + "/")]


def _described_in_terms(kg: KnowledgeGraph, graphs: Iterable[str],
                        subjects: Iterable[Any] | None = None) -> list[tuple[Any, Any, Any]]:
    """``(node, cgsh:describedIn, folder graph)`` for every node that is described (the
    subject of a triple other than rdfs:seeAlso / owl:sameAs) in more than one data folder
    among ``graphs``; only for ``subjects`` when given. Read from the store's named graphs,
    which the validated (merged) graph no longer has."""
    import pyoxigraph as ox

    data = {ox.NamedNode(g) for g in _data_graphs(graphs)}
    if len(data) < 2:
        return []
    reference = {ox.NamedNode(p) for p in _REFERENCE_PREDICATES}
    found: dict[Any, set[Any]] = {}
    if subjects is None:  # the IRIs each folder describes (blank nodes stay in their file)
        first: dict[Any, Any] = {}
        for g in sorted(data, key=lambda n: n.value):
            for row in kg.store.query(
                    f"SELECT DISTINCT ?s WHERE {{ GRAPH <{g.value}> {{ ?s ?p ?o FILTER (isIRI(?s) "
                    f"&& ?p NOT IN (<{RDFS}seeAlso>, <{OWL}sameAs>)) }} }}"):
                node = row[0]
                if node not in first:
                    first[node] = g
                elif first[node] != g:
                    found.setdefault(node, {first[node]}).add(g)
    else:
        for node in subjects:
            for q in kg.store.quads_for_pattern(node, None, None, None):
                if q.graph_name in data and q.predicate not in reference:
                    found.setdefault(node, set()).add(q.graph_name)
    described = ox.NamedNode(DESCRIBED_IN)
    return [(node, described, g) for node, gs in found.items() if len(gs) > 1 for g in gs]


def _linked_elsewhere_terms(kg: KnowledgeGraph, focus_graph: str,
                            graphs: Iterable[str] | None = None) -> list[tuple[Any, Any, Any]]:
    """The triples (pyoxigraph terms) of the other data folders that the whole-store
    validation of the focus graph's nodes can see, so that ``--country`` gives exactly the
    whole-store answer restricted to the country:

    - every triple of another folder about a node the focus graph reaches, transitively
      (the shared layer's Euroclusters, programmes and periods, and what they link to in
      turn: their types, periods, provenance), including the other folders' triples about
      the focus graph's own nodes;
    - the triples of other folders that point at the focus graph's nodes (one hop in:
      targets such as the objects of cg:authority);
    - the other source documents that share an address (schema:url) with one the focus
      graph describes, with their types (one document minted twice);
    - the ``cgsh:describedIn`` annotations of the focus graph's nodes described elsewhere.

    This is what the bundled shapes look at (tests compare both answers on multi-country
    stores and generated landscapes). A rule that compared a node with nodes of other folders
    it neither reaches nor is pointed at by (say, figures of another country's edition for the
    same area) would need the whole store.
    """
    import pyoxigraph as ox

    focus = ox.NamedNode(focus_graph)
    names = kg.graphs() if graphs is None else list(graphs)
    others = {ox.NamedNode(g) for g in _data_graphs(names) if g != focus_graph}
    subjects: set[Any] = set()
    seen: set[Any] = set()
    frontier: list[Any] = []
    for q in kg.store.quads_for_pattern(None, None, None, focus):
        subjects.add(q.subject)
        for term in (q.subject, q.object):
            if not isinstance(term, ox.Literal) and term not in seen:
                seen.add(term)
                frontier.append(term)
    out: list[tuple[Any, Any, Any]] = []
    if not others:
        return out
    while frontier:
        step = []
        for node in frontier:
            for q in kg.store.quads_for_pattern(node, None, None, None):
                if q.graph_name not in others:
                    continue
                out.append((q.subject, q.predicate, q.object))
                if not isinstance(q.object, ox.Literal) and q.object not in seen:
                    seen.add(q.object)
                    step.append(q.object)
        frontier = step
    url = ox.NamedNode(SCHEMA_URL)
    rdf_type = ox.NamedNode(RDF_TYPE)
    for node in sorted(subjects, key=str):
        for q in kg.store.quads_for_pattern(None, None, node, None):
            if q.graph_name in others:
                out.append((q.subject, q.predicate, q.object))
        for u in kg.store.quads_for_pattern(node, url, None, focus):
            for q in kg.store.quads_for_pattern(None, url, u.object, None):
                if q.graph_name in others:
                    out.append((q.subject, q.predicate, q.object))
                    out.extend((t.subject, t.predicate, t.object)
                               for t in kg.store.quads_for_pattern(q.subject, rdf_type, None))
    out.extend(_described_in_terms(kg, names, sorted(subjects, key=str)))
    return out


def _linked_elsewhere(kg: KnowledgeGraph, focus_graph: str,
                      graphs: Iterable[str] | None = None) -> list[tuple[Any, Any, Any]]:
    """:func:`_linked_elsewhere_terms` as rdflib triples."""
    return [(to_rdflib_term(s), to_rdflib_term(p), to_rdflib_term(o))
            for s, p, o in _linked_elsewhere_terms(kg, focus_graph, graphs)]


class _OxView:
    """The few rdflib Graph look-ups :class:`_Context` makes, answered by the Oxigraph
    store over some of its named graphs (rdflib terms in and out, sorted for a stable
    choice), so that the report's labels need no rdflib copy of the graph."""

    def __init__(self, store: Any, graphs: Sequence[str]) -> None:
        import pyoxigraph as ox

        self.ox = ox
        self.store = store
        self.graphs = [ox.NamedNode(g) for g in graphs]

    def _ox(self, term: Any) -> Any:
        from .store import to_oxigraph_term

        return None if term is None else to_oxigraph_term(term)

    def _quads(self, s: Any, p: Any, o: Any) -> Iterable[Any]:
        try:
            s, p, o = self._ox(s), self._ox(p), self._ox(o)
        except (TypeError, ValueError):
            return
        if isinstance(s, self.ox.Literal) or (p is not None
                                              and not isinstance(p, self.ox.NamedNode)):
            return
        for g in self.graphs:
            yield from self.store.quads_for_pattern(s, p, o, g)

    def objects(self, s: Any, p: Any) -> list[Any]:
        return sorted({to_rdflib_term(q.object) for q in self._quads(s, p, None)}, key=str)

    def subjects(self, p: Any, o: Any) -> list[Any]:
        return sorted({to_rdflib_term(q.subject) for q in self._quads(None, p, o)}, key=str)

    def value(self, s: Any, p: Any) -> Any:
        found = self.objects(s, p)
        return found[0] if found else None

    def __contains__(self, triple: tuple[Any, Any, Any]) -> bool:
        return next(iter(self._quads(*triple)), None) is not None


@dataclass(frozen=True)
class _SparqlRule:
    """A SHACL-SPARQL constraint taken out of the shapes graph to run on Oxigraph."""

    shape: Any  # the shape's rdflib term
    targets: tuple[tuple[str, str], ...]  # ("class" | "subjectsOf", IRI)
    select: str  # the query, with its PREFIX declarations
    severity: str  # the sh: severity IRI
    message: str | None


def _take_sparql_rules(shapes: rdflib.Graph) -> list[_SparqlRule]:
    """Remove the SPARQL constraints of the node shapes whose targets are classes or
    subjects-of (what the bundled consistency rules use) from ``shapes`` and return them.
    Anything else (a deactivated or differently targeted SPARQL shape) stays with pySHACL."""
    import rdflib

    sh = rdflib.Namespace(SH)
    rules = []
    for shape, constraint in sorted(shapes.subject_objects(sh.sparql), key=str):
        targets = tuple(sorted(
            [("class", str(c)) for c in shapes.objects(shape, sh.targetClass)]
            + [("subjectsOf", str(p)) for p in shapes.objects(shape, sh.targetSubjectsOf)]))
        other_targets = any(shapes.value(shape, t) is not None for t in (
            sh.targetNode, sh.targetObjectsOf, sh.target))
        select = shapes.value(constraint, sh.select)
        if (not targets or other_targets or select is None
                or shapes.value(constraint, sh.deactivated) == rdflib.Literal(True)
                or shapes.value(shape, sh.deactivated) == rdflib.Literal(True)
                or (shape, rdflib.RDF.type, sh.NodeShape) not in shapes):
            continue
        prefixes = "".join(
            f"PREFIX {shapes.value(d, sh.prefix)}: <{shapes.value(d, sh.namespace)}>\n"
            for ontology in shapes.objects(constraint, sh.prefixes)
            for d in sorted(shapes.objects(ontology, sh.declare), key=str))
        message = (shapes.value(constraint, sh.message) or shapes.value(shape, sh.message))
        rules.append(_SparqlRule(
            shape=shape, targets=targets, select=prefixes + str(select),
            severity=str(shapes.value(shape, sh.severity) or sh.Violation),
            message=str(message) if message is not None else None))
        shapes.remove((shape, sh.sparql, constraint))
    return rules


_VARIABLE = re.compile(r"\{[?$](\w+)\}")


def _country_graph(graphs: list[str], country: str) -> str:
    """The data graph of one country folder, by its name (``be``), case-insensitive."""
    prefix = layer_graph("data") + "/"
    names = {g[len(prefix):]: g for g in graphs if g.startswith(prefix)}
    graph = names.get(country.strip().lower())
    if graph is None:
        raise UsageError(f"--country {country!r}: no data folder of that name "
                         f"(the graph has: {', '.join(sorted(names)) or 'no data'})")
    return graph


def _keep_focus_graph(report: rdflib.Graph, kg: KnowledgeGraph, focus_graph: str) -> None:
    """Drop the results about nodes that are not described in the focus graph (they were
    only there as context), and recompute sh:conforms."""
    import pyoxigraph as ox
    import rdflib

    sh = rdflib.Namespace(SH)
    g = ox.NamedNode(focus_graph)
    for report_node in list(report.subjects(rdflib.RDF.type, sh.ValidationReport)):
        for res in list(report.objects(report_node, sh.result)):
            focus = report.value(res, sh.focusNode)
            subject = (ox.NamedNode(str(focus)) if isinstance(focus, rdflib.URIRef)
                       else ox.BlankNode(str(focus)))
            if next(iter(kg.store.quads_for_pattern(subject, None, None, g)), None) is None:
                report.remove((report_node, sh.result, res))
                _remove_result(report, res)
        violated = any(report.value(r, sh.resultSeverity) == sh.Violation
                       for r in report.objects(report_node, sh.result))
        report.set((report_node, sh.conforms, rdflib.Literal(not violated)))


def _remove_result(report: rdflib.Graph, res: Any) -> None:
    """Remove a result and its sh:detail results (the results of a nested sh:node shape)."""
    import rdflib

    for detail in list(report.objects(res, rdflib.URIRef(SH + "detail"))):
        _remove_result(report, detail)
    report.remove((res, None, None))


def _run_sparql_rule(rule: _SparqlRule, kg: KnowledgeGraph, graphs: list[str],
                     report: rdflib.Graph, focus_graph: str | None = None) -> None:
    """Run one rule over all its focus nodes at once and add its rows to ``report`` as
    ``sh:ValidationResult``s, messages filled in from the row (as pySHACL does)."""
    import pyoxigraph as ox
    import rdflib

    from .store import to_rdflib_term

    sh = rdflib.Namespace(SH)
    target = " UNION ".join(
        f"{{ ?this <{RDF_TYPE}>/<{RDFS}subClassOf>* <{iri}> }}" if kind == "class"
        else f"{{ ?this <{iri}> ?_targetObject }}"
        for kind, iri in rule.targets)
    brace = sparql_text.where_open(rule.select)
    if brace is None:
        raise InputError(f"the SPARQL constraint of {compact(str(rule.shape))} has no WHERE")
    # $this is pre-bound to each focus node in SHACL; here the focus nodes are the
    # solutions of the target pattern, joined into the query's top-level group.
    if focus_graph is not None:  # only the nodes the focus graph describes
        target = f"{{ {target} }} FILTER EXISTS {{ GRAPH <{focus_graph}> {{ ?this ?_p ?_o }} }}"
    query = (rule.select[:brace + 1] + f" {{ SELECT DISTINCT ?this WHERE {{ {target} }} }} "
             + rule.select[brace + 1:])
    sparql_text.refuse(query, f"the SPARQL constraint of {compact(str(rule.shape))}")
    try:
        rows = kg.store.query(query, default_graph=[ox.NamedNode(g) for g in graphs])
    except SyntaxError as exc:
        raise InputError(
            f"the SPARQL constraint of {compact(str(rule.shape))} cannot be parsed: {exc}"
        ) from None
    names = [v.value for v in rows.variables]
    seen = set()
    for row in rows:
        focus = row["this"]
        if focus is None:
            continue
        key = tuple(str(row[n]) for n in names)
        if key in seen:
            continue
        seen.add(key)
        res = rdflib.BNode()
        report.add((res, rdflib.RDF.type, sh.ValidationResult))
        report.add((res, sh.focusNode, to_rdflib_term(focus)))
        report.add((res, sh.resultSeverity, rdflib.URIRef(rule.severity)))
        report.add((res, sh.sourceShape, rule.shape))
        report.add((res, sh.sourceConstraintComponent, sh.SPARQLConstraintComponent))
        if "value" in names and row["value"] is not None:
            report.add((res, sh.value, to_rdflib_term(row["value"])))
        if "path" in names and row["path"] is not None:
            report.add((res, sh.resultPath, to_rdflib_term(row["path"])))
        if rule.message is not None:
            def fill(m: re.Match[str], row: Any = row) -> str:
                name = m.group(1)
                term = row[name] if name in names else None
                return m.group(0) if term is None else term.value
            report.add((res, sh.resultMessage,
                        rdflib.Literal(_VARIABLE.sub(fill, rule.message), lang="en")))
        if rule.severity == SH + "Violation":
            for r in list(report.subjects(rdflib.RDF.type, sh.ValidationReport)):
                report.set((r, sh.conforms, rdflib.Literal(False)))
        for r in report.subjects(rdflib.RDF.type, sh.ValidationReport):
            report.add((r, sh.result, res))


def _term(node: Any) -> str:
    import rdflib

    if isinstance(node, rdflib.BNode):
        return f"_:{node}"
    if isinstance(node, rdflib.URIRef):
        return compact(str(node))
    if isinstance(node, rdflib.Literal):
        return str(node)
    return str(node)


def _path_text(report: rdflib.Graph, path: Any) -> str:
    """A result path as text: an IRI, or a SHACL path expression in brief."""
    import rdflib
    from rdflib.collection import Collection

    if isinstance(path, rdflib.URIRef):
        return compact(str(path))
    sh = rdflib.Namespace(SH)
    for pred, fmt in ((sh.inversePath, "^{}"), (sh.zeroOrMorePath, "{}*"),
                      (sh.oneOrMorePath, "{}+"), (sh.zeroOrOnePath, "{}?")):
        inner = report.value(path, pred)
        if inner is not None:
            return fmt.format(_path_text(report, inner))
    alt = report.value(path, sh.alternativePath)
    if alt is not None:
        return "(" + "|".join(_path_text(report, p) for p in Collection(report, alt)) + ")"
    if (path, rdflib.RDF.first, None) in report:
        return "/".join(_path_text(report, p) for p in Collection(report, path))
    return _term(path)


def _substitute(message: str, focus: str, value: str | None, path: str | None) -> str:
    """Fill the ``{$this}``, ``{?value}`` and ``{$path}`` of a core shape's message (pySHACL
    substitutes only in SPARQL messages) and write any IRI in it in compact form."""
    message = message.replace("{$this}", focus).replace("{?this}", focus)
    if value is None:  # "...; {?value} is not." reads wrong without a value: drop the clause
        message = _VALUE_CLAUSE.sub(".", message)
    message = message.replace("{?value}", value or "").replace("{$value}", value or "")
    message = message.replace("{$path}", path or "").replace("{?path}", path or "")
    return _IRI_IN_TEXT.sub(lambda m: _compact_in_text(m.group(0)), message)


def _compact_in_text(iri: str) -> str:
    tail = ""
    while iri and iri[-1] in ".:":
        iri, tail = iri[:-1], iri[-1] + tail
    return compact(iri).removeprefix("<").removesuffix(">") + tail


def _collect(report: rdflib.Graph, data: Any) -> list[Result]:
    """Read the report into :class:`Result` rows, with label, source part and country,
    and write the substituted messages back into the report."""
    import rdflib

    sh = rdflib.Namespace(SH)
    context = _Context(data)
    out: list[Result] = []
    for res in list(report.subjects(rdflib.RDF.type, sh.ValidationResult)):
        focus = report.value(res, sh.focusNode)
        value = report.value(res, sh.value)
        path = report.value(res, sh.resultPath)
        shape = report.value(res, sh.sourceShape)
        severity = report.value(res, sh.resultSeverity)
        component = report.value(res, sh.sourceConstraintComponent)
        focus_text = _term(focus)
        value_text = _term(value) if value is not None else None
        path_text = _path_text(report, path) if path is not None else None
        # A shape with several sh:message (pySHACL writes them all): the English one first,
        # then in text order, so that the report does not depend on rdflib's set order.
        raw = min(report.objects(res, sh.resultMessage), default=None,
                  key=lambda m: (getattr(m, "language", None) not in ("en", None), str(m)))
        if raw is None:  # a shape without sh:message: fall back on the shape's name
            raw = rdflib.Literal(f"{focus_text} does not satisfy {_term(shape)}")
        message = _substitute(str(raw), focus_text, value_text, path_text)
        report.remove((res, sh.resultMessage, None))
        report.add((res, sh.resultMessage, rdflib.Literal(message, lang="en")))
        part, country = context.source_and_country(focus)
        out.append(Result(
            severity=str(severity).rsplit("#", 1)[-1] if severity else "Violation",
            focus_node=focus_text,
            message=message,
            source_shape=_term(shape),
            constraint=_term(component),
            path=path_text,
            value=value_text,
            label=context.label(focus),
            source_part=_term(part) if part is not None else None,
            source_part_label=context.label(part) if part is not None else None,
            country=_term(country) if country is not None else None,
            country_label=context.label(country) if country is not None else None,
        ))
    order = {"Violation": 0, "Warning": 1, "Info": 2}
    out.sort(key=lambda r: (r.country or "~", r.focus_node, order.get(r.severity, 3),
                            r.source_shape, r.path or "", r.value or "", r.message))
    return out


class _Context:
    """Look-ups in the data graph for the report: a node's label, the document part it was
    derived from and the country it belongs to (following links upwards when the node itself
    does not say, as for a period or a list cell)."""

    def __init__(self, graph: rdflib.Graph) -> None:
        import rdflib

        self.g = graph
        self.rdflib = rdflib
        self.derived = rdflib.URIRef(PROV + "wasDerivedFrom")
        self.country_p = rdflib.URIRef(CG + "country")
        self.country_cls = rdflib.URIRef(CG + "Country")
        self.part_of = rdflib.URIRef(DCT + "isPartOf")
        self.spatial = (rdflib.URIRef(CG + "participantCountry"),
                        rdflib.URIRef(CG + "coversArea"), rdflib.URIRef(CG + "refArea"),
                        rdflib.URIRef(DCT + "spatial"))

    def label(self, node: Any) -> str | None:
        if node is None:
            return None
        fallback = None
        for p in _LABEL_PROPERTIES:
            for o in sorted(self.g.objects(node, self.rdflib.URIRef(p)), key=str):
                if getattr(o, "language", None) in ("en", None):
                    return str(o)
                fallback = fallback or str(o)
        return fallback

    def _up(self, node: Any) -> list[Any]:
        """``node`` and, for a blank node (a list cell, an anonymous period), the nodes that
        link to it, breadth first, a few steps up, until one is an IRI."""
        if not isinstance(node, self.rdflib.BNode):
            return [node]
        seen, frontier, order = {node}, [node], [node]
        for _ in range(_MAX_UP):
            nxt = []
            for n in frontier:
                for s in self.g.subjects(None, n):
                    if s not in seen:
                        seen.add(s)
                        nxt.append(s)
            order += sorted(nxt, key=str)
            frontier = nxt
        return order

    def _country_of(self, node: Any) -> Any:
        if (node, self.rdflib.RDF.type, self.country_cls) in self.g:
            return node
        c = self.g.value(node, self.country_p)
        if c is not None:
            return c
        for p in self.spatial:
            for area in self.g.objects(node, p):
                if (area, self.rdflib.RDF.type, self.country_cls) in self.g:
                    return area
                c = self.g.value(area, self.country_p)
                if c is not None:
                    return c
        return None

    def source_and_country(self, node: Any) -> tuple[Any, Any]:
        part = country = None
        for n in self._up(node):
            if part is None:
                parts = sorted(self.g.objects(n, self.derived), key=str)
                part = parts[0] if parts else None
            if country is None:
                country = self._country_of(n)
            if part is not None and country is not None:
                break
        if country is None and part is not None:  # the country of the factsheet
            doc = part
            for _ in range(_MAX_UP):
                country = self._country_of(doc)
                up = self.g.value(doc, self.part_of)
                if country is not None or up is None:
                    break
                doc = up
        return part, country


# ---------------------------------------------------------------------------------------
# Renderers
# ---------------------------------------------------------------------------------------


def render_text(result: ValidationResult) -> str:
    """Results grouped by country, then by focus node (with its label and the factsheet
    part it came from), then one line per result: severity, message, value, path."""
    lines: list[str] = []
    country = node = object()
    for r in result.results:
        if r.country != country:
            country, node = r.country, object()
            if lines:
                lines.append("")
            head = f"{r.country_label} ({r.country})" if r.country_label else r.country
            lines.append(head or "(no country)")
        if r.focus_node != node:
            node = r.focus_node
            label = f' "{r.label}"' if r.label else ""
            lines.append(f"  {r.focus_node}{label}")
            if r.source_part:
                part = f"{r.source_part_label} " if r.source_part_label else ""
                lines.append(f"    source: {part}({r.source_part})")
        lines.append(f"    {r.severity}: {r.message}")
        details = []
        if r.path:
            details.append(f"path {r.path}")
        if r.value is not None:
            details.append(f"value {r.value}")
        details.append(f"shape {r.source_shape}")
        lines.append("      " + ", ".join(details))
    if lines:
        lines.append("")
    n_v, n_w = len(result.violations), len(result.warnings)
    verdict = "conforms" if result.conforms else "does not conform"
    lines.append(
        f"{verdict}: {n_v} violation{'s' * (n_v != 1)}, {n_w} warning{'s' * (n_w != 1)} "
        f"(inference: {result.inference})"
    )
    return "\n".join(lines) + "\n"


def render_json(result: ValidationResult) -> str:
    """The results as JSON: ``conforms``, counts, and one object per result."""
    doc = {
        "conforms": result.conforms,
        "inference": result.inference,
        "violations": len(result.violations),
        "warnings": len(result.warnings),
        "results": [asdict(r) for r in result.results],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def render_turtle(result: ValidationResult) -> str:
    """The standard SHACL validation report (``sh:ValidationReport``) in Turtle."""
    report = result.report
    report.bind("sh", SH)
    from .namespaces import PREFIXES

    for prefix, ns in PREFIXES.items():
        report.bind(prefix, ns)
    report.bind("cgsh", CGSH)
    return report.serialize(format="turtle")


def render_engine(result: ValidationResult) -> str:
    """Which path of the oxigraph engine runs each SHACL feature (``validate
    --explain-engine``): per constraint component, the number of top-level shapes using it
    that are compiled to SPARQL and that are left to pySHACL; then each shape left to
    pySHACL with the reason."""
    if result.engine != "oxigraph":
        raise UsageError("--explain-engine explains the oxigraph engine (not --engine "
                         f"{result.engine})")
    width = max([len("constraint component"), *(len(c) for c, _, _ in result.features)])
    lines = [f"{'constraint component':<{width}}  compiled  pySHACL"]
    lines += [f"{c:<{width}}  {n:>8}  {f:>7}" for c, n, f in result.features]
    if result.fallback_reasons:
        lines.append("")
        lines.append("left to pySHACL:")
        lines += [f"  {s}: {why}" for s, why in sorted(result.fallback_reasons.items())]
    return "\n".join(lines) + "\n"


RENDERERS = {"text": render_text, "turtle": render_turtle, "json": render_json}
