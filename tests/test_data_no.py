"""Norway (data/no/), encoded from public web pages: it validates, every node traces to a cited
page with its address, and key facts read back through SPARQL. Expected values are written
from the pages (their words are in the docstrings), never copied from output."""

from __future__ import annotations

import pytest
from conftest import select
from web_sources import traced, untraced

from clustergraph.validate import validate

ID = "https://w3id.org/clustergraph/id/"
NIC = ID + "policy/no-norwegian-innovation-clusters"
GRAPH = "https://w3id.org/clustergraph/graph/data/no"
NOK = "http://publications.europa.eu/resource/authority/currency/NOK"


@pytest.fixture(scope="module")
def result(kg):
    return validate(kg, country="no")


def test_validates_without_violation_or_warning(result):
    assert result.violations == [], [r.message for r in result.violations]
    assert result.warnings == [], [r.message for r in result.warnings]


def test_every_node_traces_to_a_cited_page(kg):
    assert untraced(kg, GRAPH) == []
    # not vacuous: 5 organisations, the programme with its period, 3 roles, 3 instruments and
    # a budget, 4 levels with 4 periods and 2 budgets, the sub-programme, 2 years, 8 figures
    assert traced(kg, GRAPH) == [(35,)]


def test_the_cited_pages(kg):
    """Every page Norway's nodes cite, with its kind and the folder that describes it (an EU
    body's pages are in the shared layer)."""
    rows = select(
        kg,
        f"""
        SELECT DISTINCT ?url ?kind ?g WHERE {{ GRAPH <{GRAPH}> {{ ?s prov:wasDerivedFrom ?p }}
          GRAPH ?g {{ ?p a cg:WebPage ; <https://schema.org/url> ?url ; cg:sourceType ?k }}
          ?k skos:notation ?kind }} ORDER BY ?url""",
    )
    no, eu = GRAPH, "https://w3id.org/clustergraph/graph/data/eu"
    assert rows == [
        ("http://www.sunnmoringen.no/npk/innenriks/2017/10/16/Sju-nye-n%C3%A6ringsmilj%C3%B8"
         "-tatt-opp-i-klyngeprogrammet-15458745.ece", "SEC", no),
        ("https://9pdf.net/article/public-institutions-programmes-promotion-r-amp-d.yd7x9pn1",
         "SEC", no),
        ("https://arsrapport.innovasjonnorge.no/2021/en/artikkel/styrets-beretning", "NAT", no),
        ("https://arsrapport.innovasjonnorge.no/2021/en/klynger", "NAT", no),
        ("https://clustercollaboration.eu/content/nce-norwegian-centres-expertise", "ECCP", no),
        ("https://clustercollaboration.eu/content/norwegian-arena-programme", "ECCP", no),
        ("https://nic.innovasjonnorge.no/artikkel/arena-pro", "NAT", no),
        ("https://static.eurofound.europa.eu/covid19db/cases/NO-1968-1_2533.html", "EUO", eu),
        ("https://static.eurofound.europa.eu/covid19db/cases/NO-2014-23_2552.html", "EUO", eu),
        ("https://www.eurofound.europa.eu/de/observatories/emcc/erm/support-instrument/"
         "norwegian-innovation-clusters", "EUO", eu),
        ("https://www.innovationclusters.no/english/", "NAT", no),
    ]
    # Eurofound, an EU body, is described in the shared layer with the page that names it.
    assert select(
        kg,
        """SELECT ?g WHERE { GRAPH ?g { cgid:org\\/eurofound a org:Organization ;
             prov:wasDerivedFrom
               cgid:document\\/no-eurofound-emcc-norwegian-innovation-clusters } }""",
    ) == [(eu,)]


def test_programme_a_national_policy_outside_the_eu(kg):
    """"In June 2014 “Norwegian Innovation Clusters” was launched." (innovationclusters.no);
    "The program is organized by Innovation Norway, in joint effort with Siva ... and the
    Norwegian Research Council." """
    rows = select(
        kg,
        """
        SELECT ?type ?start ?eu WHERE { ?p cg:policyType/skos:notation ?type ;
          cg:country ?c ; dct:temporal/dcat:startDate ?start . ?c cg:isEUMemberState ?eu }""",
        p=f"<{NIC}>",
    )
    assert rows == [("NAT", "2014", "false")]
    roles = select(
        kg,
        """
        SELECT ?who ?role WHERE { ?p cg:hasAuthorityRole ?r . ?r cg:authority/rdfs:label ?who ;
          cg:role/skos:notation ?role FILTER(LANG(?who) = "en") } ORDER BY ?who""",
        p=f"<{NIC}>",
    )
    assert roles == [
        ("Innovation Norway", "IMP"),
        ("Norwegian Research Council", "IMP"),
        ("Siva (The Industrial Development Corporation of Norway)", "IMP"),
    ]


def test_support_levels_as_each_source_states_them(kg):
    """Eurofound: "three levels: Regional clusters in an early phase, for three years (Arena);
    Regional and national clusters, for five years (Arena Pro); Well established clusters with
    a global position, for 10 years (Global centres of expertise, GCE)". The ECCP: "NCE is the
    second of three levels"; Innovation Norway 2021: "NCE is no longer a programme, but a brand
    name" -- both kept, NCE derived from the ECCP page alone."""
    rows = select(
        kg,
        """
        SELECT ?rank ?label ?duration ?start (GROUP_CONCAT(?src; separator=" ") AS ?sources)
        WHERE { ?p cg:hasSupportLevel ?l . ?l cg:levelRank ?rank ; rdfs:label ?label ;
          prov:wasDerivedFrom/cg:sourceType/skos:notation ?src
          OPTIONAL { ?l dct:temporal/cg:maximumDuration ?duration }
          OPTIONAL { ?l dct:temporal/dcat:startDate ?start } }
        GROUP BY ?rank ?label ?duration ?start ORDER BY ?rank ?label""",
        p=f"<{NIC}>",
    )
    assert [(r, lab, d, s) for r, lab, d, s, _ in rows] == [
        (1, "Arena", "P3Y", "2002"),
        (2, "Arena Pro", "P5Y", "2019"),
        (2, "Norwegian Centres of Expertise (NCE)", None, "2006"),
        (3, "Global Centres of Expertise (GCE)", "P10Y", None),
    ]
    assert sorted(set(rows[2][4].split())) == ["ECCP"]


def test_sub_programme_for_mature_clusters(kg):
    """"The sub-programme for mature clusters was announced and four clusters received
    commitments to conduct major development projects." (annual report 2021)"""
    rows = select(
        kg,
        """
        SELECT ?part ?kind WHERE { ?part cg:isPartOf ?p ; cg:partType/skos:notation ?kind }""",
        p=f"<{NIC}>",
    )
    assert rows == [(ID + "policy/no-nic-mature-clusters", "SUB")]
    silent = select(
        kg,
        "SELECT (COUNT(?x) AS ?n) WHERE { cgid:policy\\/no-nic-mature-clusters cg:notStated ?x }",
    )
    assert silent == [(10,)]


def test_amounts_in_norwegian_kroner(kg):
    """"Totalramma i år er på 190 millionar kroner." -- "I gjennomsnitt får dei nye
    NCE-klyngene fem millionar kroner i året i støtte, mens Arena-prosjekta får rundt 2,2
    millionar kroner." (NPK, October 2017)"""
    rows = select(
        kg,
        f"""
        SELECT ?holder ?type ?amount ?cur WHERE {{ GRAPH <{GRAPH}> {{ ?holder cg:hasBudget ?b }}
          ?b cg:budgetType/skos:notation ?type ; cg:amount ?amount ; cg:currency ?cur }}
        ORDER BY ?holder""",
    )
    assert [(h.removeprefix(NIC), t, float(a), c) for h, t, a, c in rows] == [
        ("", "ANN", 190_000_000.0, NOK),
        ("-level-arena", "ANN", 2_200_000.0, NOK),
        ("-level-nce", "ANN", 5_000_000.0, NOK),
    ]


def test_figures(kg):
    """"44 clusters received services from the cluster programme in 2021. Two new Arena
    clusters were accepted and four clusters achieved Arena Pro status"; the ECCP's Arena page:
    "Arena has come to aid 70 cluster projects. As of now, it supports 18"."""
    rows = select(
        kg,
        f"""
        SELECT ?level ?year ?value WHERE {{
          GRAPH <{GRAPH}> {{ ?o a cg:Observation ; cg:value ?value }}
          OPTIONAL {{ ?o cg:supportLevel/rdfs:label ?level }}
          OPTIONAL {{ ?o cg:refPeriod/dcat:startDate ?year }} }} ORDER BY ?year ?level ?value""",
    )
    assert rows == [
        ("Arena", None, 18),
        ("Arena", None, 70),
        ("Arena", "2017", 5),
        ("Norwegian Centres of Expertise (NCE)", "2017", 2),
        (None, "2021", 4),
        (None, "2021", 44),
        ("Arena", "2021", 2),
        ("Arena Pro", "2021", 4),
    ]
