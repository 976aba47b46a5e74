"""The Belgium 2023 factsheet, part by part: key facts checked through SPARQL against the
loaded graph. Expected values are written from the source text
(the Belgium factsheet text that ships beside the project, not read by any test), never copied from output."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import select

from clustergraph.resources import bundle_root
from clustergraph.store import load

FLANDERS = "https://w3id.org/clustergraph/id/policy/be-flanders-innovation-clusters"
WALLONIA = "https://w3id.org/clustergraph/id/policy/be-wallonia-competitive-clusters"
FS = "https://w3id.org/clustergraph/id/factsheet/be-2023"
NUTS = "http://data.europa.eu/nuts/code/"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"


@pytest.fixture(scope="module")
def kg():
    """Belgium's folder and the shared EU layer only: the other countries' figures (data/dk,
    data/fr, data/no...) are not Belgium's answers."""
    data = bundle_root() / "data"
    return load(extra_files=sorted([*data.glob("be/*.ttl"), *data.glob("eu/*.ttl")]))


def test_every_part_has_its_file():
    names = sorted(p.name for p in (bundle_root() / "data" / "be").glob("*.ttl"))
    assert names == [
        "cluster-organisations.ttl",
        "context.ttl",
        "cooperation.ttl",
        "factsheet.ttl",
        "landscape.ttl",
        "policies.ttl",
        "semester.ttl",
        "state-of-play.ttl",
    ]


# Provenance ------------------------------------------------------------------------------------


def test_factsheet_document(kg):
    rows = select(
        kg,
        """
        SELECT ?edition ?date ?country WHERE {
          ?f a cg:Factsheet ; cg:edition ?edition ; cg:dataDate ?date ; cg:country ?country }""",
    )
    assert rows == [("2023", "2023-12-21", COUNTRY + "BEL")]
    parts = select(
        kg,
        """
        SELECT ?part WHERE { ?part a ?k ; dct:isPartOf+ ?f . ?f a cg:Factsheet
          VALUES ?k { cg:Section cg:Table cg:Chart } } ORDER BY ?part""",
    )
    assert len(parts) == 10 + 6 + 2  # sections (with annex), six tables, two figures


def test_every_data_node_traces_to_a_part_of_the_factsheet(kg):
    """Every subject in the data layer with a cg: type has prov:wasDerivedFrom a document part
    (or the factsheet itself) of the Belgium 2023 edition."""
    rows = select(
        kg,
        """
        SELECT DISTINCT ?s WHERE {
          GRAPH <https://w3id.org/clustergraph/graph/data/be> { ?s a ?type }
          FILTER(STRSTARTS(STR(?type), STR(cg:)))
          FILTER NOT EXISTS { ?s a ?doc VALUES ?doc { cg:Factsheet cg:Section cg:Table cg:Chart } }
          FILTER NOT EXISTS {
            ?s prov:wasDerivedFrom ?part .
            { ?part dct:isPartOf+ <https://w3id.org/clustergraph/id/factsheet/be-2023> }
            UNION { FILTER(?part = <https://w3id.org/clustergraph/id/factsheet/be-2023>) } }
        } ORDER BY ?s""",
    )
    assert rows == []


# Section 1 -------------------------------------------------------------------------------------


def test_section_1_context(kg):
    assert select(
        kg,
        """
        SELECT ?level (COUNT(?area) AS ?n) WHERE {
          ?c a cg:CompetenceAllocation ; cg:country ?country ; cg:governanceLevel ?level ;
             cg:competenceArea ?area } GROUP BY ?level""",
        country=_iri(COUNTRY + "BEL"),
    ) == [("https://w3id.org/clustergraph/vocab/governance-level/regional", 4)]
    pillars = select(
        kg,
        """
        SELECT ?label WHERE { ?plan a cg:RecoveryAndResiliencePlan ; cg:mentionsClusters true ;
          cg:hasPillar ?p . ?p rdfs:label ?label ; cg:ordinal ?o } ORDER BY ?o""",
    )
    assert [r[0] for r in pillars] == [
        "Climate, sustainability, and innovation",
        "Digital transformation",
        "Mobility",
        "Social and inclusiveness",
        "Economy of the future and productivity",
        "Public finances",
    ]
    measures = select(
        kg,
        """
        SELECT ?area ?code WHERE { ?op a cg:OperationalProgramme ; cg:coversArea ?area ;
          cg:fundingPeriod/dcat:startDate "2021"^^xsd:gYear ;
          cg:hasMeasure ?m . ?m dct:identifier ?code ; cg:mentionsClusters true } ORDER BY ?area""",
    )
    assert measures == [(NUTS + "BE2", "RSO1.1"), (NUTS + "BE3", "5b")]


# Section 2.1 -----------------------------------------------------------------------------------


def test_section_2_1_ecosystems(kg):
    top3 = select(
        kg,
        """
        SELECT ?eco WHERE { ?s a cg:EmploymentSpecialisation ; cg:ecosystem ?e ; cg:employmentRank ?r .
          ?e skos:prefLabel ?eco } ORDER BY ?r""",
    )
    assert [r[0] for r in top3] == ["Health", "Construction", "Retail"]
    above = select(
        kg,
        """
        SELECT ?eco WHERE { ?s a cg:EmploymentSpecialisation ; cg:ecosystem ?e ; cg:shareAboveEU true .
          ?e skos:prefLabel ?eco } ORDER BY ?eco""",
    )
    assert [r[0] for r in above] == [
        "Construction",
        "Health",
        "Proximity, Social Economy & Civil Security",
    ]


# Section 2.2 -----------------------------------------------------------------------------------

AGGLOMERATIONS = """
    SELECT ?rank ?code WHERE { ?a a cg:Agglomeration ; cg:refArea ?region ; cg:rank ?rank ;
      cg:agglomerationType <https://w3id.org/clustergraph/vocab/agglomeration-type/sectoral> ; cg:sector ?s .
      ?s cg:sectionDivisionCode ?code } ORDER BY ?rank"""


@pytest.mark.parametrize(
    ("region", "codes"),
    [
        ("BE1", ["U99", "K66", "J61", "M70", "N81"]),
        ("BE2", ["U99", "N78", "M70", "C20", "N81"]),
        ("BE3", ["U99", "Q87", "N78", "N81", "Q88"]),
    ],
)
def test_section_2_2_top_five_nace_agglomerations(kg, region, codes):
    rows = select(
        kg,
        AGGLOMERATIONS,
        region=_iri(NUTS + region),
    )
    assert rows == [(i + 1, c) for i, c in enumerate(codes)]


def test_section_2_2_counts_and_method(kg):
    counts = select(
        kg,
        """
        SELECT ?area ?measure ?v WHERE { ?o a cg:Observation ; cg:refArea ?area ; cg:value ?v ;
          cg:measure ?m . ?m skos:notation ?measure
          FILTER(?m IN (<https://w3id.org/clustergraph/vocab/measure/sectoral-agglomerations>,
                        <https://w3id.org/clustergraph/vocab/measure/ecosystem-agglomerations>))
        } ORDER BY ?measure ?area""",
    )
    assert sorted(counts) == sorted(
        [
            (NUTS + "BE1", "M04", 10),
            (NUTS + "BE2", "M04", 6),
            (NUTS + "BE3", "M04", 7),
            (COUNTRY + "BEL", "M04", 23),
            (NUTS + "BE1", "M05", 1),
            (NUTS + "BE2", "M05", 0),
            (NUTS + "BE3", "M05", 1),
            (COUNTRY + "BEL", "M05", 2),
        ]
    )
    eco = select(
        kg,
        """
        SELECT ?area ?eco WHERE { ?a a cg:Agglomeration ; cg:refArea ?area ; cg:ecosystem ?e .
          ?e skos:prefLabel ?eco } ORDER BY ?area""",
    )
    assert eco == [(NUTS + "BE1", "Health"), (NUTS + "BE3", "Health")]
    rules = select(
        kg,
        """
        SELECT ?ind ?cmp ?t WHERE { ?m a cg:AgglomerationMethod ; cg:hasRule ?r .
          ?r cg:indicator/skos:notation ?ind ; cg:comparison/skos:notation ?cmp ; cg:threshold ?t }
        ORDER BY ?ind""",
    )
    assert [(i, c, float(t)) for i, c, t in rules] == [("EMP", "GE", 1.0), ("LQ", "GT", 1.5)]


# Section 2.3 -----------------------------------------------------------------------------------


def test_section_2_3_cluster_organisations(kg):
    rows = select(
        kg,
        """
        SELECT ?area ?v WHERE { ?o cg:measure <https://w3id.org/clustergraph/vocab/measure/cluster-organisations> ;
          cg:refArea ?area ; cg:value ?v FILTER NOT EXISTS { ?o cg:ecosystem ?e } } ORDER BY ?area""",
    )
    # stated as in the source: the total (46) is not the sum of the regions (36)
    assert rows == [
        (NUTS + "BE1", 2),
        (NUTS + "BE2", 18),
        (NUTS + "BE3", 16),
        (COUNTRY + "BEL", 46),
    ]
    per_eco = select(
        kg,
        """
        SELECT ?eco ?v WHERE { ?o cg:measure <https://w3id.org/clustergraph/vocab/measure/cluster-organisations> ;
          cg:ecosystem/skos:prefLabel ?eco ; cg:value ?v } ORDER BY DESC(?v) ?eco""",
    )
    assert len(per_eco) == 12
    assert per_eco[0] == ("Health", 6)
    assert ("Electronics", 1) in per_eco and ("Aerospace & Defence", 2) in per_eco
    companies = select(
        kg,
        """
        SELECT ?type ?v ?q WHERE { ?o cg:measure <https://w3id.org/clustergraph/vocab/measure/companies-represented> ;
          cg:value ?v ; cg:qualifier/skos:notation ?q OPTIONAL { ?o cg:memberType/skos:notation ?type } }
        ORDER BY ?v""",
    )
    assert companies == [("LRG", 1000, "APX"), ("SME", 5500, "APX"), (None, 6500, "APX")]
    shares = select(
        kg,
        """
        SELECT ?area ?type ?v WHERE { ?o cg:measure <https://w3id.org/clustergraph/vocab/measure/member-share> ;
          cg:refArea/skos:prefLabel ?area ; cg:memberType/skos:notation ?type ; cg:value ?v
          FILTER(lang(?area) = "en") }""",
    )
    got = {(a, t): float(v) for a, t, v in shares}
    assert got == {
        ("Belgium", "SME"): 77,
        ("Belgium", "LRG"): 14,
        ("Belgium", "RES"): 9,
        ("EU27", "SME"): 83,
        ("EU27", "LRG"): 9,
        ("EU27", "RES"): 8,
    }


def _listed(kg, programme: str) -> list[str]:
    rows = select(
        kg,
        """
        SELECT ?code WHERE { ?p cg:programme ?prog ; cg:partnerCountries ?list .
          ?list rdf:rest* ?node . ?node rdf:first ?c . ?c cg:euCountryCode ?code .
          { SELECT ?node (COUNT(?mid) AS ?pos) WHERE {
              ?p2 cg:programme ?prog ; cg:partnerCountries ?l2 . ?l2 rdf:rest* ?mid . ?mid rdf:rest* ?node }
            GROUP BY ?node } } ORDER BY ?pos""",
        prog=_iri("https://w3id.org/clustergraph/id/programme/" + programme),
    )
    return [r[0] for r in rows]


def test_section_2_3_cooperation(kg):
    assert (
        _listed(kg, "escp")
        == ["FR", "DE", "LT", "PL", "CZ", "PT", "SE", "ES", "IT", "EE", "DK", "HU", "TR", "AT", "UK", "BG", "NL", "SK", "LV", "RO", "EL"]
    )
    assert _listed(kg, "innosup-1") == (
        ["FR", "NL", "ES", "IE", "PL", "PT", "IT", "SI", "CZ", "NO", "HU", "DE", "UK", "RS", "LU", "EL", "LT", "AT", "DK", "SE", "EL"]
    )
    assert _listed(kg, "euroclusters") == (
        ["FR", "ES", "EL", "EE", "DE", "NL", "PL", "IT", "LT", "HU", "RO", "SE", "DK", "NO", "PT", "LV", "HR"]
    )
    stated = select(
        kg,
        """
        SELECT ?prog ?n WHERE { ?p a cg:ProgrammeParticipation ; cg:programme ?prog ;
          cg:statedPartnerCountryCount ?n } ORDER BY ?prog""",
    )
    assert [n for _, n in stated] == [21, 18, 21]  # escp, euroclusters, innosup-1
    consortia = select(
        kg,
        """
        SELECT ?type ?v WHERE { ?o cg:measure <https://w3id.org/clustergraph/vocab/measure/consortia> ;
          cg:value ?v OPTIONAL { ?o cg:partnershipType/skos:notation ?type } } ORDER BY DESC(?v)""",
    )
    assert consortia == [(None, 42), ("ESCP-4i", 33), ("ESCP-4x", 6), ("ESCP-S3", 3)]
    euroclusters = select(
        kg,
        """
        SELECT ?name WHERE { ?p cg:eurocluster ?e . ?e a cg:Eurocluster ; rdfs:label ?name ;
          cg:fundedBy/rdfs:label "Single Market Programme"@en } ORDER BY ?name""",
    )
    assert [r[0] for r in euroclusters] == [
        "B-Resilient",
        "BioMan4R2",
        "CREATHRIV-EU",
        "DREAM",
        "ELBE Eurocluster",
        "GEMSTONE",
        "LEVIATAD",
        "SocialTech4EU",
    ]
    ecosystems = select(
        kg,
        """
        SELECT (COUNT(DISTINCT ?e) AS ?n) ?stated WHERE { ?p cg:eurocluster ?x ; cg:ecosystem ?e ;
          cg:statedEcosystemCount ?stated } GROUP BY ?stated""",
    )
    assert ecosystems == [(9, 9)]
    innosup = select(
        kg,
        """
        SELECT ?v WHERE { ?o cg:measure <https://w3id.org/clustergraph/vocab/measure/participating-cluster-organisations> ;
          cg:programme <https://w3id.org/clustergraph/id/programme/innosup-1> ; cg:value ?v }""",
    )
    assert innosup == [(21,)]


# Section 3 (Table 3) ---------------------------------------------------------------------------


def test_section_3_policies(kg):
    rows = select(
        kg,
        """
        SELECT ?name ?type ?area ?start ?ptype WHERE { ?p a cg:ClusterPolicy ; rdfs:label ?name ;
          cg:policyType/skos:prefLabel ?type ; cg:coversArea ?area ;
          dct:temporal [ dcat:startDate ?start ; cg:periodType/skos:prefLabel ?ptype ] }
        ORDER BY ?name""",
    )
    assert rows == [
        (
            "Flanders Innovation Clusters Policy",
            "Regional cluster policy",
            NUTS + "BE2",
            "2016",
            "Limited period",
        ),
        (
            "Walloon Region Competitive Clusters Policy",
            "Regional cluster policy",
            NUTS + "BE3",
            "2005",
            "Unlimited period",
        ),
    ]


@pytest.mark.parametrize(
    ("policy", "objectives", "beneficiaries", "financial", "technical"),
    [
        (FLANDERS, 8, 7, 3, 4),
        (WALLONIA, 7, 6, 4, 3),
    ],
)
def test_section_3_categories_counted(kg, policy, objectives, beneficiaries, financial, technical):
    p = _iri(policy)
    assert select(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?p cg:hasObjective ?o }", p=p) == [
        (objectives,)
    ]
    assert select(kg, "SELECT (COUNT(*) AS ?n) WHERE { ?p cg:hasBeneficiaryType ?o }", p=p) == [
        (beneficiaries,)
    ]
    mix = select(
        kg,
        """
        SELECT ?kind (COUNT(*) AS ?n) WHERE { ?p cg:hasInstrument/cg:instrumentType/skos:broader ?top .
          ?top skos:notation ?kind } GROUP BY ?kind ORDER BY ?kind""",
        p=p,
    )
    assert mix == [("FIN", financial), ("TEC", technical)]


def test_section_3_authorities_and_roles(kg):
    rows = select(
        kg,
        """
        SELECT ?policy ?who ?role ?evidence WHERE { ?p a cg:ClusterPolicy ; rdfs:label ?policy ;
          cg:hasAuthorityRole ?r . ?r cg:authority/rdfs:label ?who ; cg:role/skos:notation ?role ;
          cg:evidence/skos:notation ?evidence } ORDER BY ?policy ?who ?role""",
    )
    assert rows == [
        (
            "Flanders Innovation Clusters Policy",
            "Flanders Innovation & Entrepreneurship (VLAIO)",
            "DI",
            "TXT",
        ),
        (
            "Flanders Innovation Clusters Policy",
            "Flanders Innovation & Entrepreneurship (VLAIO)",
            "FUN",
            "TXT",
        ),
        (
            "Flanders Innovation Clusters Policy",
            "Flanders Innovation & Entrepreneurship (VLAIO)",
            "OVS",
            "INF",
        ),
        ("Flanders Innovation Clusters Policy", "Flemish Government", "FUN", "TAB"),
        (
            "Walloon Region Competitive Clusters Policy",
            "Public Service for Economy, Employment and Research (SPW EER)",
            "DI",
            "TXT",
        ),
        ("Walloon Region Competitive Clusters Policy", "Walloon Government", "DI", "TXT"),
        ("Walloon Region Competitive Clusters Policy", "Walloon Government", "FUN", "TXT"),
        ("Walloon Region Competitive Clusters Policy", "Walloon Government", "OVS", "TXT"),
    ]
    assert select(kg, "SELECT ?d WHERE { ?p cg:legalBasis/dct:issued ?d }", p=_iri(FLANDERS)) == [
        ("2016-03-04",)
    ]
    assert select(
        kg,
        """SELECT ?art WHERE { ?p cg:hasInstrument/cg:legalBasis ?l . ?l cg:article ?art }""",
        p=_iri(FLANDERS),
    ) == [("27",)]


def test_section_3_strands_budget_funding(kg):
    strands = select(
        kg,
        """
        SELECT ?name ?end ?cond ?max WHERE { ?p cg:hasStrand ?s . ?s rdfs:label ?name ; dct:temporal ?t .
          OPTIONAL { ?t dcat:endDate ?end } OPTIONAL { ?t cg:endCondition ?cond }
          ?t cg:maximumDuration ?max } ORDER BY ?name""",
        p=_iri(FLANDERS),
    )
    assert strands == [
        (
            "Innovative business networks",
            None,
            "3 years after start of each individual project",
            "P3Y",
        ),
        ("Spearhead clusters", "2026", None, "P10Y"),
    ]
    budgets = select(
        kg,
        """
        SELECT ?policy ?type WHERE { ?p rdfs:label ?policy ; cg:hasBudget ?b . ?b cg:budgetType/skos:notation ?type ;
          cg:dataAvailability <https://w3id.org/clustergraph/vocab/data-availability/no-data-available> }
        ORDER BY ?policy ?type""",
    )
    assert len(budgets) == 4  # annual and overall, both policies: no data available
    shares = select(
        kg,
        """
        SELECT ?type ?share WHERE { ?p cg:hasFundingSource ?f . ?f cg:fundingSourceType/skos:notation ?type ;
          cg:share ?share } ORDER BY ?type""",
        p=_iri(FLANDERS),
    )
    assert [(t, float(s)) for t, s in shares] == [("PRV", 50.0), ("PUB", 50.0)]
    assert select(
        kg,
        """SELECT (COUNT(*) AS ?n) WHERE { ?p cg:hasFundingSource/cg:share ?s }""",
        p=_iri(WALLONIA),
    ) == [(0,)]  # Wallonia states no shares


def test_section_3_evaluation_results(kg):
    rows = select(
        kg,
        """
        SELECT ?measure ?v ?q ?unit WHERE { ?p cg:hasEvaluation ?e . ?e cg:evaluationAvailability/skos:prefLabel "in-itinere"@en ;
          cg:hasResult ?r . ?r cg:measure/skos:prefLabel ?measure ; cg:value ?v ;
          cg:qualifier/skos:notation ?q ; cg:unit/skos:notation ?unit } ORDER BY ?measure""",
        p=_iri(WALLONIA),
    )
    assert [(m, int(float(v)), q, u) for m, v, q, u in rows] == [
        ("Companies created", 27, "EQ", "NUM"),
        ("International collaborations", 187, "GT", "NUM"),
        ("Jobs created", 4205, "GT", "NUM"),
        ("Licences sold", 13, "EQ", "NUM"),
        ("Patent applications", 190, "GT", "NUM"),
        ("Projects", 467, "GT", "NUM"),
        ("R&D projects", 335, "EQ", "NUM"),
    ]
    flanders = select(
        kg,
        """
        SELECT ?measure ?v ?q ?unit WHERE { ?p cg:hasEvaluation/cg:hasResult ?r .
          ?r cg:measure/skos:prefLabel ?measure ; cg:value ?v ;
          cg:qualifier/skos:notation ?q ; cg:unit/skos:notation ?unit } ORDER BY ?measure""",
        p=_iri(FLANDERS),
    )
    assert [(m, float(v), q, u) for m, v, q, u in flanders] == [
        ("Additional turnover", 34e9, "EQ", "EUR"),
        ("Cluster projects initiated", 302, "EQ", "NUM"),
        ("Companies involved in cluster organisations", 3000, "GT", "NUM"),
        ("Members seeing a contribution to competitiveness", 70, "EQ", "PCT"),
        ("Private co-funding", 122e6, "EQ", "EUR"),
        ("Support raised", 291e6, "EQ", "EUR"),
    ]
    assert select(
        kg, "SELECT ?f WHERE { ?p cg:hasEvaluation/cg:frequency ?f }", p=_iri(FLANDERS)
    ) == [("http://publications.europa.eu/resource/authority/frequency/BIENNIAL",)]


def test_section_3_priorities_and_narrative(kg):
    aligned = select(
        kg,
        """SELECT ?p (COUNT(?e) AS ?n) WHERE { ?p a cg:ClusterPolicy ; cg:alignedWith ?e }
                             GROUP BY ?p ORDER BY ?p""",
    )
    assert [n for _, n in aligned] == [3, 3]
    focus = select(
        kg,
        """SELECT ?stated (COUNT(?d) AS ?listed) WHERE { ?p cg:hasFocus ?f .
                           ?f cg:statedCount ?stated ; cg:priorityDomain ?d } GROUP BY ?stated""",
        p=_iri(FLANDERS),
    )
    assert focus == [(7, 8)]  # the source says 7 spearhead domains and lists 8
    hub = select(
        kg,
        """SELECT ?type WHERE { ?o rdfs:label "hub.brussels"@en ;
                          cg:organisationType/skos:prefLabel ?type FILTER NOT EXISTS { ?x a cg:Policy ; rdfs:label "hub.brussels"@en } }""",
    )
    assert hub == [("Business support agency",)]
    related = select(kg, "SELECT ?r WHERE { ?p cg:relatedPolicy/rdfs:label ?r }", p=_iri(WALLONIA))
    assert related == [("Walloon Business Clusters Policy",)]


# Section 4.1 (Table 4) -------------------------------------------------------------------------


def test_section_4_1_state_of_play(kg):
    rows = select(
        kg,
        """
        SELECT ?criterion ?rank ?evidence WHERE { ?a a cg:StateOfPlayAssessment ; cg:country ?c ;
          cg:hasScore ?s . ?s cg:criterion/skos:prefLabel ?criterion ; cg:level/cg:levelRank ?rank ;
          cg:evidence/skos:notation ?evidence ; cg:quotation ?q } ORDER BY ?criterion""",
        c=_iri(COUNTRY + "BEL"),
    )
    assert rows == [
        ("Cluster support instruments", 4, "INF"),
        ("Continuity of cluster policies", 4, "INF"),
        ("Evidence of performance", 4, "INF"),
        ("Policy scope", 4, "INF"),
    ]


def test_section_4_1_history(kg):
    chain = select(
        kg,
        """
        SELECT ?name ?start ?approx WHERE { ?p cg:hasPredecessor+ ?x . ?x rdfs:label ?name ;
          dct:temporal ?t OPTIONAL { ?t dcat:startDate ?start } OPTIONAL { ?t cg:approximateDate ?approx } }
        ORDER BY ?start""",
        p=_iri(FLANDERS),
    )
    assert chain == [
        ("Top-down cluster policy designating six clusters (Flanders)", None, "late 1980s-90s"),
        ("Cluster initiatives under the Innovation Decree", "1999", None),
        ("Competence Poles", "2005", None),
        ("Flanders in Action", "2006", None),
    ]
    assert select(
        kg,
        """SELECT ?name ?start WHERE { ?p cg:hasPredecessor ?x . ?x rdfs:label ?name ;
                          dct:temporal/dcat:startDate ?start }""",
        p=_iri(WALLONIA),
    ) == [("Pilot projects clusters (Wallonia)", "2001")]


# Section 4.2 (Table 5) -------------------------------------------------------------------------


def test_section_4_2_semester(kg):
    rows = select(
        kg,
        """
        SELECT ?area (COUNT(DISTINCT ?ch) AS ?n) WHERE { ?ch a cg:SemesterChallenge ;
          cg:policyArea/skos:altLabel ?area } GROUP BY ?area ORDER BY ?area""",
    )
    assert rows == [("Green transition", 2), ("Skills", 3)]
    example = select(
        kg,
        """
        SELECT ?org ?policy WHERE { ?c a cg:PolicyContribution ; cg:exampleOrganisation ?o .
          ?o rdfs:label ?org ; cg:supportedUnder/rdfs:label ?policy }""",
    )
    assert example == [("Waterstof industry cluster", "Flanders Innovation Clusters Policy")]


def _iri(value: str):
    import pyoxigraph as ox

    return ox.NamedNode(value)


def test_data_readme_tells_how_to_add_a_country():
    text = (Path(__file__).parents[1] / "data" / "README.md").read_text(encoding="utf-8")
    assert "Adding the next country" in text
    for name in ("factsheet.ttl", "policies.ttl", "state-of-play.ttl", "semester.ttl"):
        assert name in text  # every part's file is described


# The shared EU layer (issue 12) -----------------------------------------------------------------


def test_eu_wide_nodes_are_described_in_data_eu_only(kg):
    """Euroclusters, EU programmes, funding periods, the ECCP and its method are described in
    data/eu/ (its own named graph), referred to from data/be/, and keep Belgium's sections
    as their provenance."""
    rows = select(
        kg,
        """
        SELECT ?g (COUNT(DISTINCT ?s) AS ?n) WHERE {
          GRAPH ?g { ?s a ?type }
          VALUES ?type { cg:Eurocluster cg:Programme cg:AgglomerationMethod }
        } GROUP BY ?g ORDER BY ?g""",
    )
    assert rows == [("https://w3id.org/clustergraph/graph/data/eu", 8 + 6 + 1)]
    periods = select(
        kg,
        """
        SELECT ?p ?part WHERE { GRAPH <https://w3id.org/clustergraph/graph/data/eu> {
          ?p a cg:Period ; prov:wasDerivedFrom ?part } } ORDER BY ?p ?part""",
    )
    assert periods == [
        ("https://w3id.org/clustergraph/id/period/2014-2020", FS + "/section-2.3"),
        ("https://w3id.org/clustergraph/id/period/2021-2027", FS + "/section-1"),
        ("https://w3id.org/clustergraph/id/period/2021-2027", FS + "/section-2.3"),
    ]
    shared = select(
        kg,
        """
        SELECT DISTINCT ?s WHERE {
          GRAPH <https://w3id.org/clustergraph/graph/data/be> { ?s ?p ?o }
          GRAPH <https://w3id.org/clustergraph/graph/data/eu> { ?s ?p2 ?o2 } }""",
    )
    assert shared == []
