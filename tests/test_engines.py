"""Differential test: every saved query gives the same rows on Oxigraph (clustergraph's engine,
:func:`clustergraph.query.run`) and on rdflib's own SPARQL evaluator, over the same graph.

The graph is the bundled one plus a tiny synthetic landscape (two countries: Austria and a
synthetic Belgium beside the real one), so that a non-default country, region or year has
rows to compare. rdflib gets it through :meth:`KnowledgeGraph.to_rdflib` (one named graph
per layer and country, queried as their union) and the parameters through ``initBindings``.
Rows are compared as sorted multisets of typed terms (see :func:`key`).

Where the engines disagree the query is an expected failure (``strict``: it turns into an
error the day rdflib agrees), with the reason; the standalone spec cases below show each
disagreement on a three-line graph, asserting both Oxigraph's answer and rdflib's actual one,
so that a fixed rdflib release makes them fail and tells us. ``benchmarks/README.md``
("Where rdflib's SPARQL evaluator differs") sums them up.
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.plugins.sparql.sparql import NotBoundError

from clustergraph.catalog import saved_queries, saved_query
from clustergraph.generate import generate
from clustergraph.query import run
from clustergraph.store import KnowledgeGraph, load, load_file, to_rdflib_term, user_sources

# rdflib's own code warns about its own deprecated attributes on every query.
pytestmark = [
    pytest.mark.filterwarnings("ignore:Dataset.default_context is deprecated"),
    pytest.mark.filterwarnings("ignore:Dataset.identifier is deprecated"),
]

XSD = "http://www.w3.org/2001/XMLSchema#"
NUMERIC = {XSD + t for t in (
    "integer", "decimal", "double", "float", "long", "int", "short", "byte",
    "nonNegativeInteger", "positiveInteger", "nonPositiveInteger", "negativeInteger",
    "unsignedLong", "unsignedInt", "unsignedShort", "unsignedByte")}

# ------------------------------------------------------------------------------------------
# Why a query's rows differ (each reason is shown on a small graph by a spec case below)
# ------------------------------------------------------------------------------------------

RDFLIB_GROUP_CONCAT_UNBOUND = (
    "rdflib bug: GROUP_CONCAT(DISTINCT ?x) raises NotBoundError (the whole query fails) as "
    "soon as ?x is unbound in one solution: here a policy without strands or authority "
    "labels, or a statement by a node that cites no part of a factsheet (RDFLib/rdflib#882); "
    "Oxigraph answers (an unbound aggregate for that group)"
)
#: How each disagreement shows: rdflib's exception, or rows that differ. (The year queries
#: compare xsd:integer(STR(?gYear)): YEAR() of an xsd:gYear is an Oxigraph extension that
#: rdflib and strict SPARQL 1.1 endpoints reject, so they were made portable.)
RAISES = {RDFLIB_GROUP_CONCAT_UNBOUND: NotBoundError}

#: Per query: the parameter sets to compare (the defaults first), each with the reason the
#: engines disagree on it, if they do. Every saved query must be listed (test below).
CASES: dict[str, list[tuple[dict[str, object], str | None]]] = {
    "authority-roles": [({}, None), ({"country": "country:AUT", "minRoles": 2}, None)],
    "beneficiaries": [
        ({}, None),
        ({"beneficiary": "cgv:beneficiary-type/start-ups"}, None),
        ({"country": "country:AUT"}, None),
    ],
    "compare-authorities": [({}, None), ({"country": "country:AUT"}, None)],
    "compare-budgets": [({}, None), ({"country": "country:AUT"}, None)],
    "compare-cooperation": [({}, None), ({"country": "country:AUT"}, None)],
    "compare-dedicated-policy": [({}, None), ({"country": "country:AUT"}, None)],
    "compare-policies": [({}, None), ({"country": "country:AUT"}, None)],
    "compare-policy-mix": [({}, None), ({"country": "country:AUT"}, None)],
    "compare-state-of-play": [({}, None), ({"country": "country:AUT"}, None)],
    "cooperation-partners": [({}, None), ({"country": "country:AUT"}, None)],
    "data-gaps": [({}, None), ({"country": "country:AUT"}, None)],
    "ecosystem-coverage": [({}, None), ({"country": "country:AUT"}, None)],
    "ending-by-year": [({}, None), ({"country": "country:AUT", "year": 2030}, None)],
    "eu-priority-alignment": [
        ({}, None),
        ({"country": "country:AUT", "priority": "cgv:eu-priority/digital-economy"}, None),
    ],
    "euroclusters": [({}, None), ({"country": "country:AUT"}, None)],
    "evaluation-results": [({}, None), ({"country": "country:AUT"}, None)],
    "funding-model": [({}, None), ({"country": "country:AUT"}, None)],
    "instrument-mix": [({}, None), ({"country": "country:AUT"}, None)],
    "objectives-compared": [({}, None), ({"country": "country:AUT"}, None)],
    "policies-active-in-year": [({}, None), ({"country": "country:AUT", "year": 2010}, None)],
    "policy-overview": [
        # no longer RDFLIB_GROUP_CONCAT_UNBOUND: the portable form (issue 14) concatenates
        # only when there is something to, IF(COUNT(?x) > 0, GROUP_CONCAT(...), SAMPLE(?x))
        ({}, None),
        ({"country": "country:AUT"}, None),  # every policy there has strands and names
    ],
    "region-agglomerations": [({}, None), ({"region": "nuts:AT"}, None),
                              ({"region": "nuts:BE1"}, None)],
    "resource-description": [
        # the catalogue's parameter node and reference data cite nothing: rdflib's
        # RDFLIB_GROUP_CONCAT_UNBOUND no longer shows, as in policy-overview
        ({}, None),
        ({"resource": "cgid:policy/synth-at-cluster-policy-1"}, None),
        ({"resource": "country:AUT"}, None),
    ],
    "semester-challenges": [
        ({}, None),
        ({"country": "country:AUT",
          "area": "cgv:semester-policy-area/labour-market-skills"}, None),
    ],
    "specialisation-fit": [({}, None), ({"region": "nuts:BE3"}, None),
                           ({"region": "nuts:AT"}, None)],
    "state-of-play": [({}, None), ({"country": "country:AUT"}, None)],
    "timeline": [({}, None), ({"country": "country:AUT"}, None)],
}

#: Columns where the engines' dialects differ and both answers are defensible: compared with
#: the language tag dropped (see test_group_concat_language_tag) and as the set of their
#: "; "-separated parts. The queries sort the values in a subquery before concatenating them;
#: SPARQL leaves the order inside GROUP_CONCAT undefined, and Oxigraph (like Virtuoso, see the
#: portability matrix) keeps the subquery's order while rdflib's evaluator does not (France's
#: four authorities came out in another order).
GROUP_CONCAT_COLUMNS = {
    "euroclusters": {"participationEcosystems"},
    "policy-overview": {"authorities", "strands"},
}


def key(term: object, plain: bool = False) -> tuple:
    """A comparable form of an rdflib term (or None): IRIs by value, blank nodes all alike
    (a multiset of rows then matches them by position), literals by datatype and value, with
    numbers by value (``1.0`` = ``1.00``) and booleans canonical; ``plain`` drops the tag
    and sorts the parts of a concatenation (see :data:`GROUP_CONCAT_COLUMNS`)."""
    if term is None:
        return ("unbound",)
    if isinstance(term, rdflib.BNode):
        return ("bnode",)
    if isinstance(term, rdflib.URIRef):
        return ("iri", str(term))
    assert isinstance(term, rdflib.Literal), term
    lang = None if plain else term.language
    dt = str(term.datatype) if term.datatype else (None if lang else XSD + "string")
    text = str(term)
    if dt in NUMERIC:
        try:
            return ("literal", dt, Decimal(text.strip()).normalize(), None)
        except InvalidOperation:
            return ("literal", dt, text, None)  # an ill-typed number stays as written
    if dt == XSD + "boolean":
        return ("literal", dt, text.strip() in ("true", "1"), None)
    if plain:  # a concatenation: its parts in any order
        text = "; ".join(sorted(text.split("; ")))
    return ("literal", dt, text, lang)


def oxigraph_rows(kg: KnowledgeGraph, name: str, params: dict[str, object]):
    result = run(saved_query(name), params, kg=kg)
    return result.variables, [
        tuple(None if t is None else to_rdflib_term(t) for t in row) for row in result.rows
    ]


def rdflib_rows(ds: rdflib.Dataset, name: str, params: dict[str, object], variables):
    query = saved_query(name)
    bindings = {k: to_rdflib_term(v) for k, v in query.bind(params).items()}
    result = ds.query(query.text, initBindings=bindings)
    return [tuple(row[v] for v in variables) for row in result]


def multiset(name: str, variables, rows) -> Counter:
    plain = GROUP_CONCAT_COLUMNS.get(name, set())
    return Counter(
        tuple(key(t, plain=v in plain) for v, t in zip(variables, row, strict=True))
        for row in rows
    )


@pytest.fixture(scope="module")
def graphs(tmp_path_factory) -> tuple[KnowledgeGraph, rdflib.Dataset]:
    """The bundled graph plus a tiny synthetic landscape, on both engines."""
    out = tmp_path_factory.mktemp("synthetic")
    generate(out, countries=2, cluster_orgs=2, members=3, seed=0)
    kg = load()
    for src in user_sources(sorted(out.rglob("*.ttl"))):
        load_file(kg.store, src.path, src.graph)
    ds = kg.to_rdflib()
    ds.default_union = True
    assert sum(len(g) for g in ds.graphs()) == len(kg)  # every quad, graph by graph
    return kg, ds


def test_every_saved_query_is_compared() -> None:
    assert sorted(CASES) == sorted(q.name for q in saved_queries())
    for name, cases in CASES.items():
        assert cases[0][0] == {}, f"{name}: the defaults come first"
        assert len(cases) >= 2, f"{name}: needs a non-default parameter set too"


def _params() -> list:
    out = []
    for name, cases in CASES.items():
        for i, (params, reason) in enumerate(cases):
            marks = [pytest.mark.xfail(strict=True, reason=reason, raises=RAISES[reason])] \
                if reason else []
            ident = f"{name}-defaults" if i == 0 else f"{name}-" + "-".join(
                f"{k}={v}" for k, v in params.items())
            out.append(pytest.param(name, params, id=ident, marks=marks))
    return out


@pytest.mark.parametrize(("name", "params"), _params())
def test_same_rows_on_both_engines(graphs, name: str, params: dict[str, object]) -> None:
    kg, ds = graphs
    variables, ox_rows = oxigraph_rows(kg, name, params)
    rl_rows = rdflib_rows(ds, name, params, variables)
    ours, theirs = multiset(name, variables, ox_rows), multiset(name, variables, rl_rows)
    assert ours == theirs, (
        f"{name} {params}: {len(ox_rows)} rows on Oxigraph, {len(rl_rows)} on rdflib; "
        f"only on Oxigraph: {list((ours - theirs).elements())[:3]}; "
        f"only on rdflib: {list((theirs - ours).elements())[:3]}"
    )


def test_the_comparison_is_not_vacuous(graphs) -> None:
    """Most compared parameter sets have rows, so agreement means something."""
    kg, _ = graphs
    empty = [
        (name, params) for name, cases in CASES.items() for params, _ in cases
        if not run(saved_query(name), params, kg=kg).rows
    ]
    total = sum(len(c) for c in CASES.values())
    assert len(empty) <= total // 10, empty


# ------------------------------------------------------------------------------------------
# Spec cases: the smallest graph and query that show each difference
# ------------------------------------------------------------------------------------------

DATA = """
@prefix : <http://example.org/> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
:a :v 1 ; :name "a" ; :start "2020"^^xsd:gYear ; :signed "2021-06-01"^^xsd:date ;
   :amount "n/a" ; :label "Aa"@en .
:b :v 2 ; :name "b" ; :amount 150 ; :label "Bb"@en .
:c :v 3 .
"""
PREFIXES = ("PREFIX : <http://example.org/> "
            "PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ")
EX = "http://example.org/"


@pytest.fixture(scope="module")
def tiny() -> tuple[ox.Store, rdflib.Graph]:
    store = ox.Store()
    store.load(DATA.encode(), format=ox.RdfFormat.TURTLE)
    graph = rdflib.Graph()
    graph.parse(data=DATA, format="turtle")
    return store, graph


def on_oxigraph(store: ox.Store, query: str) -> list[tuple]:
    """Rows as tuples of plain values (IRIs shortened to their local name, None = unbound)."""
    res = store.query(PREFIXES + query)
    if isinstance(res, ox.QueryBoolean):
        return [(bool(res),)]
    names = res.variables
    return sorted(tuple(_plain(sol[v]) for v in names) for sol in res)


def on_rdflib(graph: rdflib.Graph, query: str, **bindings: rdflib.term.Node) -> list[tuple]:
    res = graph.query(PREFIXES + query, initBindings=bindings or None)
    if res.type == "ASK":
        return [(bool(res.askAnswer),)]
    return sorted(tuple(_plain(t) for t in row) for row in res)


def _plain(t: object) -> object:
    if t is None:
        return None
    value = t.value if isinstance(t, ox.NamedNode | ox.Literal) else str(t)
    lang = t.language if isinstance(t, ox.Literal | rdflib.Literal) else None
    value = value.removeprefix(EX)
    return f"{value}@{lang}" if lang else value


def test_values_is_not_visible_inside_a_nested_group(tiny) -> None:
    """VALUES scoping into FILTER. The inner group is evaluated on its own, then joined with
    the VALUES row (SPARQL 1.1 §18.2.2: Join(VALUES, group)): inside it ?x is unbound, so
    !BOUND(?x) holds for every solution and the join gives three rows. rdflib evaluates the
    group with ?x already bound from VALUES, so the FILTER drops everything."""
    store, graph = tiny
    query = "SELECT ?s ?x WHERE { VALUES ?x { 1 } { ?s :v ?v FILTER(!BOUND(?x)) } }"
    assert on_oxigraph(store, query) == [("a", "1"), ("b", "1"), ("c", "1")]
    assert on_rdflib(graph, query) == [], "rdflib now scopes VALUES right: update the notes"


def test_gyear_is_not_comparable_with_a_date(tiny) -> None:
    """xsd:gYear and xsd:date have no SPARQL ordering operator (§17.3): the comparison is a
    type error and the FILTER drops the row. rdflib orders them and keeps :a."""
    store, graph = tiny
    query = "SELECT ?s WHERE { ?s :start ?y ; :signed ?d FILTER(?y >= ?d) }"
    assert on_oxigraph(store, query) == []
    assert on_rdflib(graph, query) == [("a",)], "rdflib fixed gYear/date comparison"


def test_a_string_is_not_comparable_with_a_number(tiny) -> None:
    """FILTER("n/a" >= 100): a string and a number have no common ordering (§17.3), so the
    comparison is an error and the row goes; only :b's 150 passes. rdflib keeps "n/a"."""
    store, graph = tiny
    query = "SELECT ?s WHERE { ?s :amount ?a FILTER(?a >= 100) }"
    assert on_oxigraph(store, query) == [("b",)]
    assert on_rdflib(graph, query) == [("a",), ("b",)], "rdflib fixed string >= number"
    ask = 'ASK { FILTER("n/a" >= 100) }'
    assert on_oxigraph(store, ask) == [(False,)]
    assert on_rdflib(graph, ask) == [(True,)]


def test_group_by_an_expression(tiny) -> None:
    """GROUP BY (expression) without AS is valid SPARQL 1.1 ([19] GroupCondition): groups
    of one (v = 1) and two (v > 1). rdflib cannot evaluate the unnamed group key."""
    store, graph = tiny
    query = "SELECT (COUNT(*) AS ?n) WHERE { ?s :v ?v } GROUP BY (?v > 1)"
    assert on_oxigraph(store, query) == [("1",), ("2",)]
    with pytest.raises(Exception, match="Cannot eval thing"):
        on_rdflib(graph, query)


def test_group_concat_distinct_over_an_unbound_variable(tiny) -> None:
    """GROUP_CONCAT(DISTINCT ?n) where ?n is unbound in some solution (an OPTIONAL that did
    not match). The query must answer; Oxigraph leaves the aggregate unbound in a group
    holding an unbound value (an error in an aggregate's input, as the spec's algebra has
    it) and concatenates the others. rdflib raises NotBoundError: no answer at all."""
    store, graph = tiny
    query = ("SELECT ?s (GROUP_CONCAT(DISTINCT ?n) AS ?names) "
             "WHERE { ?s :v ?v OPTIONAL { ?s :name ?n } } GROUP BY ?s")
    assert on_oxigraph(store, query) == [("a", "a"), ("b", "b"), ("c", None)]
    with pytest.raises(NotBoundError):
        on_rdflib(graph, query)


def test_group_concat_of_an_empty_group_is_the_empty_string(tiny) -> None:
    """Both agree: no solutions at all, one implicit group, GROUP_CONCAT = ""."""
    store, graph = tiny
    query = "SELECT (GROUP_CONCAT(?n) AS ?c) WHERE { ?s :nothing ?n }"
    assert on_oxigraph(store, query) == on_rdflib(graph, query) == [("",)]


# Dialect differences: not rdflib bugs, but the engines answer differently.


def test_group_concat_over_unbound_values_without_distinct(tiny) -> None:
    """Without DISTINCT rdflib skips the unbound values (""), Oxigraph lets the error make
    the aggregate unbound. Queries that want "" whatever the engine: COALESCE(..., "")."""
    store, graph = tiny
    query = ("SELECT ?s (GROUP_CONCAT(?n) AS ?c) "
             "WHERE { ?s :v ?v OPTIONAL { ?s :nope ?n } } GROUP BY ?s")
    assert on_oxigraph(store, query) == [("a", None), ("b", None), ("c", None)]
    assert on_rdflib(graph, query) == [("a", ""), ("b", ""), ("c", "")]


def test_group_concat_language_tag(tiny) -> None:
    """Oxigraph keeps the language tag the values share (as CONCAT does); rdflib returns a
    plain string. The differential test compares such columns without the tag."""
    store, graph = tiny
    query = "SELECT (GROUP_CONCAT(?l; separator='|') AS ?c) WHERE { ?s :label ?l }"
    oxi, rdf = on_oxigraph(store, query), on_rdflib(graph, query)
    assert oxi in ([("Aa|Bb@en",)], [("Bb|Aa@en",)])
    assert rdf in ([("Aa|Bb",)], [("Bb|Aa",)])


def test_year_of_a_gyear(tiny) -> None:
    """YEAR() is defined on xsd:dateTime (SPARQL 1.1 §17.4.5.2); Oxigraph also takes
    xsd:date and xsd:gYear, rdflib takes xsd:date but not xsd:gYear (an error: unbound).
    Two saved queries rely on the extension (YEAR(?end) <= YEAR(?year) on gYears); the
    portable form compares xsd:integer(STR(?end)), which both engines answer alike."""
    store, graph = tiny
    query = "SELECT ?s (YEAR(?y) AS ?n) WHERE { ?s :start ?y }"
    assert on_oxigraph(store, query) == [("a", "2020")]
    assert on_rdflib(graph, query) == [("a", None)]
    portable = "SELECT ?s WHERE { ?s :start ?y FILTER(xsd:integer(STR(?y)) <= 2020) }"
    assert on_oxigraph(store, portable) == on_rdflib(graph, portable) == [("a",)]


def test_init_bindings_reach_into_subqueries(tiny) -> None:
    """rdflib's initBindings bind a variable everywhere, also inside a subquery that does
    not project it; Oxigraph's substitutions (SEP-0007) bind the query's own variable only.
    The saved queries project every parameter, in their subqueries too (queries/README.md),
    so they are not affected."""
    store, graph = tiny
    query = ("SELECT ?s ?x WHERE { ?s :v ?v "
             "{ SELECT ?v WHERE { ?t :v ?v FILTER(?v = ?x) } } }")
    res = store.query(PREFIXES + query, substitutions={ox.Variable("x"): ox.Literal(1)})
    assert list(res) == []
    assert on_rdflib(graph, query, x=rdflib.Literal(1)) == [("a", "1")]
