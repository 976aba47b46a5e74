"""Denmark (data/dk/), encoded from public web pages: it validates, every node traces to a
cited page with its address, and key facts read back through SPARQL. Expected values are
written from the pages (their words are in the docstrings), never copied from output."""

from __future__ import annotations

import pytest
from conftest import select
from web_sources import traced, untraced

from clustergraph.validate import validate

ID = "https://w3id.org/clustergraph/id/"
GRAPH = "https://w3id.org/clustergraph/graph/data/dk"
DKK = "http://publications.europa.eu/resource/authority/currency/DKK"
P2021 = ID + "policy/dk-innovation-power-2021-2024"
P2025 = ID + "policy/dk-cluster-programme-2025-2028"


@pytest.fixture(scope="module")
def result(kg):
    return validate(kg, country="dk")


def test_validates_without_violation_or_warning(result):
    assert result.violations == [], [r.message for r in result.violations]
    assert result.warnings == [], [r.message for r in result.warnings]


def test_every_node_traces_to_a_cited_page(kg):
    assert untraced(kg, GRAPH) == []
    # not vacuous: 5 organisations; 2021-2024 with its period, 3 roles, 2 instruments, a
    # budget, a funding source and 2 figures; 2025-2028 with its period, 2 roles, a budget and
    # a figure
    assert traced(kg, GRAPH) == [(22,)]


def test_the_cited_pages(kg):
    rows = select(
        kg,
        f"""
        SELECT ?url ?kind WHERE {{ GRAPH <{GRAPH}> {{ ?p a cg:WebPage ;
          <https://schema.org/url> ?url ; cg:sourceType ?k }} ?k skos:notation ?kind }}
        ORDER BY ?url""",
    )
    assert rows == [
        ("https://clustercollaboration.eu/news/14-new-superclusters-launched-denmark", "ECCP"),
        ("https://dfir.faellesweb.dk/english/dfirbriefs/2025/september/"
         "dfirbrief-55-the-new-cluster-programme-2025-2028", "NAT"),
        ("https://ufm.dk/en/research-and-innovation/cooperation-between-research-and-innovation/"
         "collaboration-between-research-and-industry/national-clusters/"
         "copy_of_innovation-networks-denmark", "NAT"),
    ]


def test_programmes_periods_and_budgets_in_danish_kroner(kg):
    """ECCP, 20 November 2020: "Between 2021 and 2024 the new superclusters will receive total
    public funding of approximately DKK 640 million"; DFIR: "reappointment of 11 clusters for
    2025-2028 with a total budget of DKK 662 million"."""
    rows = select(
        kg,
        f"""
        SELECT ?p ?start ?end ?type ?amount ?cur WHERE {{
          GRAPH <{GRAPH}> {{ ?p a cg:ClusterPolicy }}
          ?p dct:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] ;
             cg:hasBudget [ cg:budgetType/skos:notation ?type ; cg:amount ?amount ;
                            cg:currency ?cur ] }}
        ORDER BY ?start""",
    )
    assert [(p, s, e, t, float(a), c) for p, s, e, t, a, c in rows] == [
        (P2021, "2021-01-01", "2024", "OVR", 640_000_000.0, DKK),
        (P2025, "2025", "2028", "OVR", 662_000_000.0, DKK),
    ]


def test_clusters_appointed_as_each_source_states(kg):
    """The ministry: "has appointed 13 organizations as national clusters"; the ECCP: "Denmark
    will launch 14 new superclusters on 1 January 2021" -- both kept; DFIR: 11 for 2025-2028."""
    rows = select(
        kg,
        f"""
        SELECT ?start ?value ?kind WHERE {{ GRAPH <{GRAPH}> {{ ?o a cg:Observation }}
          ?o cg:value ?value ; cg:refPeriod/dcat:startDate ?start ;
             prov:wasDerivedFrom/cg:sourceType/skos:notation ?kind }} ORDER BY ?start ?value""",
    )
    assert rows == [("2021-01-01", 13, "NAT"), ("2021-01-01", 14, "ECCP"), ("2025", 11, "NAT")]


def test_authorities_and_roles(kg):
    """"The Ministry of Higher Education and Science and the Danish Board of Business
    Development are financing 13 national clusters"; "The Ministry ... has appointed 13
    organizations"; DFIR: "the Danish Board of Business Development allocated a total of DKK
    662 million"."""
    rows = select(
        kg,
        f"""
        SELECT ?p ?who ?role WHERE {{ GRAPH <{GRAPH}> {{ ?p cg:hasAuthorityRole ?r }}
          ?r cg:authority/rdfs:label ?who ; cg:role/skos:notation ?role }}
        ORDER BY ?p ?who ?role""",
    )
    assert rows == [
        (P2025, "Danish Board of Business Development (DEB)", "DES"),
        (P2025, "Danish Board of Business Development (DEB)", "FUN"),
        (P2021, "Danish Board of Business Development (DEB)", "FUN"),
        (P2021, "Ministry of Higher Education and Science", "DES"),
        (P2021, "Ministry of Higher Education and Science", "FUN"),
    ]
    funders = select(
        kg,
        """SELECT ?who WHERE { ?p cg:hasFundingSource/cg:funder/rdfs:label ?who } ORDER BY ?who""",
        p=f"<{P2021}>",
    )
    assert funders == [
        ("Danish Executive Board for Business Development and Growth",),
        ("Ministry of Higher Education and Science",),
    ]
