"""Issue 12: several countries in one store, sharing the EU layer (``data/eu/``).

The multi-country fixture ``tests/fixtures/multi/dk/`` (fictional values) uses every pattern
of the 0.2.0 model: the same Eurocluster IRIs as Belgium, two editions of one factsheet, a
web page as a source, a sub-programme whose source is silent (``cg:notStated``), phases and
support levels with their own figures and budgets, amounts in Danish kroner, consortia with
memberships in roles. Loaded with the shipped Belgium and EU folders it must validate with no
violation and exactly Belgium's five contradiction warnings; and ``validate --country`` must
give, for each folder, exactly the whole-store results about that folder's nodes."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pyoxigraph as ox
import pytest
from conftest import select

from clustergraph.resources import bundle_root, layer_graph
from clustergraph.store import KnowledgeGraph, load
from clustergraph.validate import ValidationResult, compact, validate

MULTI = Path(__file__).parent / "fixtures" / "multi"
DATA = bundle_root() / "data"
FILES = sorted([*(DATA / "be").glob("*.ttl"), *(DATA / "eu").glob("*.ttl"),
                *(MULTI / "dk").glob("*.ttl")])

#: Belgium's five contradictions (data/be), by shape and node: nothing else may fire.
BELGIUM_WARNINGS = [
    ("cgsh:RegionalBreakdownShape", "cgid:observation/be-2023-cluster-organisations-bel"),
    ("cgsh:PartnerCountryCountShape", "cgid:participation/be-2023-euroclusters"),
    ("cgsh:PartnerCountryCountShape", "cgid:participation/be-2023-innosup-1"),
    ("cgsh:PartnerCountryDuplicateShape", "cgid:participation/be-2023-innosup-1"),
    ("cgsh:PriorityDomainCountShape", "cgid:policy/be-flanders-innovation-clusters-focus"),
]


@pytest.fixture(scope="module")
def multi() -> KnowledgeGraph:
    return load(extra_files=FILES)


@pytest.fixture(scope="module")
def whole(multi: KnowledgeGraph) -> ValidationResult:
    return validate(multi)


def test_three_folders_three_graphs(multi: KnowledgeGraph) -> None:
    data = [g for g in multi.graphs() if g.startswith(layer_graph("data") + "/")]
    assert data == [layer_graph("data", c) for c in ("be", "dk", "eu")]


def test_multi_country_store_has_only_belgiums_contradictions(whole: ValidationResult) -> None:
    assert whole.violations == []
    got = sorted((r.source_shape, r.focus_node) for r in whole.warnings)
    assert got == sorted(BELGIUM_WARNINGS)


def _described_in(kg: KnowledgeGraph, folder: str) -> set[str]:
    graph = ox.NamedNode(layer_graph("data", folder))
    return {f"_:{q.subject.value}" if isinstance(q.subject, ox.BlankNode)
            else compact(q.subject.value)
            for q in kg.store.quads_for_pattern(None, None, None, graph)}


@pytest.mark.parametrize("folder", ["be", "dk", "eu"])
def test_country_equals_whole_store_restricted(multi: KnowledgeGraph, whole: ValidationResult,
                                               folder: str) -> None:
    own = _described_in(multi, folder)
    expected = [asdict(r) for r in whole.results if r.focus_node in own]
    got = validate(multi, country=folder)
    assert [asdict(r) for r in got.results] == expected
    assert bool(expected) is (folder == "be")  # not vacuous: Belgium's five are there


def test_country_with_pyshacl_equals_whole_store_restricted(multi: KnowledgeGraph) -> None:
    """The reference engine scopes the same way (Denmark's folder links into data/eu/ and
    into Belgium's factsheet sections through the shared layer's provenance)."""
    got = validate(multi, country="dk", engine="pyshacl")
    assert got.results == []


def test_a_country_store_sees_the_types_of_shared_nodes(multi: KnowledgeGraph) -> None:
    """The cause of the false violations of issue 12: Denmark's participation names
    Euroclusters described in data/eu/, whose programme and period are two hops away."""
    from clustergraph.validate import _country_store

    store, graphs = _country_store(multi, multi.graphs(), layer_graph("data", "dk"))
    rows = [r["p"].value for r in store.query(
        "SELECT ?p WHERE { <https://w3id.org/clustergraph/id/eurocluster/b-resilient> "
        "<https://w3id.org/clustergraph/ontology#fundingPeriod> ?p . "
        "?p <http://www.w3.org/ns/dcat#startDate> ?y }",
        default_graph=[ox.NamedNode(g) for g in graphs])]
    assert rows == ["https://w3id.org/clustergraph/id/period/2021-2027"]


# ------------------------------------------------------------------ editions and the patterns


def test_two_editions_latest_first(multi: KnowledgeGraph) -> None:
    """Lasting things keep one IRI; each edition's figure hangs from that edition's parts, so
    a query picks the latest edition (or another)."""
    rows = select(multi, """
        SELECT ?edition ?value WHERE {
          ?obs cg:phase <https://w3id.org/clustergraph/id/policy/test-dk-umbrella-phase-1> ;
               cg:value ?value ; prov:wasDerivedFrom/dct:isPartOf* ?fs .
          ?fs a cg:Factsheet ; cg:edition ?edition .
          FILTER NOT EXISTS { ?later cg:previousEdition ?fs } }""")
    assert rows == [("2024", 13)]
    both = select(multi, """
        SELECT ?edition ?value WHERE {
          ?obs cg:phase <https://w3id.org/clustergraph/id/policy/test-dk-umbrella-phase-1> ;
               cg:value ?value ; prov:wasDerivedFrom/dct:isPartOf* ?fs .
          ?fs cg:edition ?edition } ORDER BY ?edition""")
    assert both == [("2023", 12), ("2024", 13)]


def test_amounts_carry_their_currency(multi: KnowledgeGraph) -> None:
    rows = select(multi, """
        SELECT ?amount ?code WHERE { ?b cg:amount ?amount ; cg:currency ?c .
          ?c skos:notation ?code } ORDER BY ?amount""")
    assert rows == [("500000", "EUR"), ("1500000", "DKK"), ("75000000", "DKK")]


def test_memberships_carry_their_roles(multi: KnowledgeGraph) -> None:
    rows = select(multi, """
        SELECT ?consortium ?member ?role WHERE { ?m a org:Membership ;
          org:organization/rdfs:label ?consortium ; org:member/rdfs:label ?member ;
          org:role/skos:notation ?role } ORDER BY ?consortium ?member""")
    assert [r[:2] for r in rows] == [("B-Resilient", "Test cluster A"),
                                     ("Test ESCP partnership 1", "Test cluster A"),
                                     ("Test ESCP partnership 1", "Test cluster B")]


def test_parts_phases_and_levels(multi: KnowledgeGraph) -> None:
    parts = select(multi, """
        SELECT ?part WHERE { ?part cg:isPartOf ?umbrella ; a cg:ClusterPolicy ;
          cg:partType <https://w3id.org/clustergraph/vocab/policy-part-type/sub-programme> }""")
    assert parts == [("https://w3id.org/clustergraph/id/policy/test-dk-sub-a",)]
    phases = select(multi, """
        SELECT ?o ?start WHERE { ?p cg:hasPhase ?ph . ?ph cg:ordinal ?o ;
          dct:temporal/dcat:startDate ?start } ORDER BY ?o""")
    assert phases == [(1, "2020"), (2, "2023-01-01")]
    levels = select(multi, """
        SELECT ?rank ?value WHERE { ?obs cg:supportLevel ?l ; cg:value ?value .
          ?l cg:levelRank ?rank }""")
    assert levels == [(2, 4)]


def test_web_page_source_is_cited(multi: KnowledgeGraph) -> None:
    rows = select(multi, """
        PREFIX schema: <https://schema.org/>
        SELECT ?url ?kind ?day WHERE {
          <https://w3id.org/clustergraph/id/policy/test-dk-sub-a> prov:wasDerivedFrom ?page .
          ?page a cg:WebPage ; schema:url ?url ; cg:sourceType ?kind ; cg:retrievalDate ?day }""")
    assert rows == [("https://example.org/test-ministry/sub-programme",
                     "https://w3id.org/clustergraph/vocab/source-type/official-national",
                     "2026-11-30")]


def test_funding_model_shows_the_currency(multi: KnowledgeGraph) -> None:
    """A budget in Danish kroner is shown with its currency, not as if it were euros."""
    from clustergraph.catalog import saved_query
    from clustergraph.query import run

    result = run(saved_query("funding-model"), {"country": "country:DNK"}, kg=multi)
    # one row per funding source and per budget (queries/funding-model.rq, issue 13)
    cols = ["policy", "item", "amount", "currency"]
    got = [tuple(None if row[result.variables.index(c)] is None
                 else row[result.variables.index(c)].value for c in cols)
           for row in result.rows]
    dk = "https://w3id.org/clustergraph/id/policy/"
    assert got == [(dk + "test-dk-sub-a", "none stated", None, None),  # its source is silent
                   (dk + "test-dk-umbrella", "funding source", None, None),
                   (dk + "test-dk-umbrella", "budget", "75000000",
                    "http://publications.europa.eu/resource/authority/currency/DKK")]
