"""Poland (data/pl/), encoded from public web pages: it validates, every node traces to a
cited page with its address, and key facts read back through SPARQL. Expected values are
written from the pages (their words are in the docstrings), never copied from output."""

from __future__ import annotations

import pytest
from conftest import select
from web_sources import traced, untraced

from clustergraph.validate import validate

ID = "https://w3id.org/clustergraph/id/"
GRAPH = "https://w3id.org/clustergraph/graph/data/pl"
PLN = "http://publications.europa.eu/resource/authority/currency/PLN"


@pytest.fixture(scope="module")
def result(kg):
    return validate(kg, country="pl")


def test_validates_without_violation_or_warning(result):
    assert result.violations == [], [r.message for r in result.violations]
    assert result.warnings == [], [r.message for r in result.warnings]


def test_every_node_traces_to_a_cited_page(kg):
    assert untraced(kg, GRAPH) == []
    # not vacuous: the umbrella with its period and 2 actions; the ministry; the KNC label
    # with its role, instrument and action, the action's budget and funding source; a year
    # span and a figure
    assert traced(kg, GRAPH) == [(13,)]
    pages = select(
        kg,
        f"""
        SELECT DISTINCT ?url ?kind WHERE {{ GRAPH <{GRAPH}> {{ ?s prov:wasDerivedFrom ?p }}
          ?p a cg:WebPage ; <https://schema.org/url> ?url ; cg:sourceType/skos:notation ?kind }}
        ORDER BY ?url""",
    )
    assert pages == [
        ("https://clustercollaboration.eu/content/cluster-policy-poland", "ECCP"),
        ("https://www.interregeurope.eu/policylearning/good-practices/item/1029/"
         "key-national-cluster/", "EUO"),
    ]


def test_umbrella_with_its_parts(kg):
    """ECCP: "Funding - support planned for the years 2021-2027: Development of the potential of
    growing clusters - support to cluster management organisations ... Support for innovation
    and development potential of the National Key Clusters"; Interreg Europe: "Step 4. Support
    for internationalization of KNC ... Measure 2.3.3."."""
    rows = select(
        kg,
        f"""
        SELECT ?parent ?part ?kind WHERE {{ GRAPH <{GRAPH}> {{ ?part cg:isPartOf ?parent }}
          ?part cg:partType/skos:notation ?kind }} ORDER BY ?parent ?part""",
    )
    policy = ID + "policy/pl-"
    assert [(a.removeprefix(policy), b.removeprefix(policy), k) for a, b, k in rows] == [
        ("cluster-policy", "growing-clusters", "ACT"),
        ("cluster-policy", "national-key-clusters-innovation", "ACT"),
        ("key-national-clusters", "knc-internationalisation", "ACT"),
    ]
    assert select(
        kg,
        "SELECT ?s ?e WHERE { cgid:policy\\/pl-cluster-policy dct:temporal "
        "[ dcat:startDate ?s ; dcat:endDate ?e ] }",
    ) == [("2021", "2027")]


def test_budget_in_zloty_and_its_eu_funding(kg):
    """"Support for internationalisation is financed under OP Smart Growth (ERDF) in the amount
    of PLN 100 mln (approx. EUR 23 mln)" -- the amount kept in zloty, never converted."""
    rows = select(
        kg,
        """
        SELECT ?type ?amount ?cur ?fund WHERE { cgid:policy\\/pl-knc-internationalisation
          cg:hasBudget [ cg:budgetType/skos:notation ?type ; cg:amount ?amount ;
                         cg:currency ?cur ] ;
          cg:hasFundingSource/cg:fundingSourceType/skos:notation ?fund }""",
    )
    assert [(t, float(a), c, f) for t, a, c, f in rows] == [("OVR", 100_000_000.0, PLN, "EUF")]


def test_key_national_clusters_status(kg):
    """"During open calls (2015-2016) 16 clusters obtained status of KNC (40 submitted
    applications)."; "The cluster policy in Poland is being managed by Ministry of Economic
    Development"."""
    rows = select(
        kg,
        f"""
        SELECT ?start ?end ?value WHERE {{
          GRAPH <{GRAPH}> {{ ?o a cg:Observation ; cg:value ?value ;
          cg:refPeriod [ dcat:startDate ?start ; dcat:endDate ?end ] }} }}""",
    )
    assert rows == [("2015", "2016", 16)]
    roles = select(
        kg,
        """SELECT ?who ?role ?type WHERE {
             cgid:policy\\/pl-key-national-clusters cg:hasAuthorityRole
             [ cg:authority ?a ; cg:role/skos:notation ?role ] . ?a rdfs:label ?who ;
             cg:organisationType/skos:notation ?type }""",
    )
    assert roles == [("Ministry of Economic Development", "IMP", "GOV")]
