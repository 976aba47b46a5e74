"""France (data/fr/), encoded from public web pages: it validates, every node traces to a
cited page with its address, and key facts read back through SPARQL. Expected values are
written from the pages (their words are in the docstrings), never copied from output."""

from __future__ import annotations

import pytest
from conftest import select
from web_sources import traced, untraced

from clustergraph.validate import validate

ID = "https://w3id.org/clustergraph/id/"
POLES = ID + "policy/fr-poles-de-competitivite"
GRAPH = "https://w3id.org/clustergraph/graph/data/fr"
EUR = "http://publications.europa.eu/resource/authority/currency/EUR"


@pytest.fixture(scope="module")
def result(kg):
    return validate(kg, country="fr")


def test_validates_without_violation_or_warning(result):
    assert result.violations == [], [r.message for r in result.violations]
    assert result.warnings == [], [r.message for r in result.warnings]


def test_every_node_traces_to_a_cited_page(kg):
    assert untraced(kg, GRAPH) == []
    # not vacuous: 11 publishers and 4 authorities; the policy with 3 periods, 5 roles and 3
    # instruments; 5 phases with 5 periods and 2 budgets; 8 figures per phase; one period
    # and 3 figures of 2005-2013
    assert traced(kg, GRAPH) == [(51,)]


def test_the_cited_pages(kg):
    rows = select(
        kg,
        f"""
        SELECT ?kind (COUNT(DISTINCT ?p) AS ?n) WHERE {{
          GRAPH <{GRAPH}> {{ ?s prov:wasDerivedFrom ?p }}
          ?p a cg:WebPage ; <https://schema.org/url> ?url ; cg:sourceType ?k .
          ?k skos:notation ?kind }} GROUP BY ?kind ORDER BY ?kind""",
    )
    assert rows == [("EUO", 1), ("NAT", 3), ("SEC", 10)]
    official = select(
        kg,
        f"""SELECT ?url WHERE {{ GRAPH <{GRAPH}> {{
              ?p a cg:WebPage ; <https://schema.org/url> ?url ;
              cg:sourceType cgv:source-type\\/official-national }} }} ORDER BY ?url""",
    )
    assert official == [
        ("http://www.vie-publique.fr/acteurs/commissariat-general-egalite-du-territoire-cget.html",),
        ("https://competitivite.gouv.fr/en/clusters-policy/about/"
         "what-public-support-is-available-for-french-poles-de-competitivite-253.html",),
        ("https://www.entreprises.gouv.fr/en/directorate-general-enterprise-dge",),
    ]


def test_five_phases(kg):
    """"la première phase des pôles de compétitivité (2005-2008)", "la Phase II (2009-2012)"
    (Journal de l'Aviation), "La phase III (2013-2018)" (WebTimeMedias), "une quatrième phase
    de 4 ans (2019-2022)", "la phase V (2023-2026)" (Banque des Territoires)."""
    rows = select(
        kg,
        """
        SELECT ?n ?start ?end WHERE { ?p cg:hasPhase ?ph . ?ph cg:ordinal ?n ;
          dct:temporal [ dcat:startDate ?start ; dcat:endDate ?end ] } ORDER BY ?n""",
        p=f"<{POLES}>",
    )
    assert rows == [
        (1, "2005", "2008"), (2, "2009", "2012"), (3, "2013", "2018"),
        (4, "2019", "2022"), (5, "2023", "2026"),
    ]


def test_start_year_as_each_source_states_it(kg):
    """Eurofound: "started on 01 January 2004"; Centre Inffo: "Créées en 2005"; Kooperation
    international: "Seit 2006" -- the sources disagree, each statement is kept."""
    rows = select(
        kg,
        """
        SELECT ?start (COUNT(DISTINCT ?src) AS ?sources) WHERE { ?p dct:temporal ?t .
          ?t dcat:startDate ?start ; prov:wasDerivedFrom ?src } GROUP BY ?start ORDER BY ?start""",
        p=f"<{POLES}>",
    )
    assert rows == [("2004", 2), ("2005", 3), ("2006", 1)]


def test_pôles_labelled_per_phase(kg):
    """Phase III "comptait 66 pôles"; phase IV: "ils ont labellisé 56 pôles", "48 pôles de
    compétitivité, labellisés pour quatre ans", "Les huit pôles restants", and at its end "Les
    54 pôles"; phase V: "55 pôles", "Quarante-sept sont labellisés pour quatre ans"."""
    rows = select(
        kg,
        """
        SELECT ?n ?value WHERE { ?o cg:phase ?ph ; cg:value ?value ;
          cg:measure cgv:measure\\/cluster-organisations . ?ph cg:ordinal ?n }
        ORDER BY ?n DESC(?value)""",
    )
    assert rows == [(3, 66), (4, 56), (4, 54), (4, 48), (4, 8), (5, 55), (5, 47)]


def test_phase_v_budget_stated_and_not_specified(kg):
    """AEF info, 28 March 2023: "9 M€ par an seront alloués à la phase 5"; AEF info, 27 March
    2023: "l'enveloppe budgétaire allouée à ces 55 pôles n'a pas été précisée par le
    gouvernement" -- two budget statements of phase V."""
    rows = select(
        kg,
        """
        SELECT ?type ?amount ?cur ?avail WHERE { ?ph cg:ordinal 5 ; cg:hasBudget ?b .
          ?p cg:hasPhase ?ph . ?b cg:budgetType/skos:notation ?type
          OPTIONAL { ?b cg:amount ?amount ; cg:currency ?cur }
          OPTIONAL { ?b cg:dataAvailability/skos:notation ?avail } } ORDER BY ?type""",
        p=f"<{POLES}>",
    )
    assert [(t, a and float(a), c, v) for t, a, c, v in rows] == [
        ("ANN", 9_000_000.0, EUR, None),
        ("OVR", None, None, rows[1][3]),
    ]
    assert rows[1][3] is not None


def test_authorities_and_instruments(kg):
    """"labellisation de 55 pôles de compétitivité par l'Etat"; "un comité de sélection,
    constitué par l'État et les Conseils régionaux"; "Le CGET et la Direction générale des
    entreprises en assurent le secrétariat"."""
    roles = select(
        kg,
        """
        SELECT ?who ?role WHERE { ?p cg:hasAuthorityRole ?r . ?r cg:authority/rdfs:label ?who ;
          cg:role/skos:notation ?role } ORDER BY ?who ?role""",
        p=f"<{POLES}>",
    )
    assert roles == [
        ("Commissariat général à l'égalité des territoires (CGET)", "IMP"),
        ("Direction générale des entreprises (DGE)", "IMP"),
        ("French State (l'État)", "DES"),
        ("French State (l'État)", "SEL"),
        ("Regional councils (Conseils régionaux)", "SEL"),
    ]
    instruments = select(
        kg,
        """SELECT ?type WHERE { ?p cg:hasInstrument/cg:instrumentType/skos:notation ?type }
           ORDER BY ?type""",
        p=f"<{POLES}>",
    )
    assert instruments == [("FIN02",), ("LAB",), ("TEC04",)]


def test_public_financing_2005_2013(kg):
    """"Between 2005 and 2013, 1,313 collaborative R&D projects received public financing of
    €2.37 billion, including more than €1.45 billion granted by the French State through the
    dedicated fund (FUI).\""""
    rows = select(
        kg,
        """
        SELECT ?value ?unit ?q WHERE {
          ?o cg:refPeriod cgid:period\\/fr-2005-2013 ; cg:value ?value ;
          cg:unit/skos:notation ?unit ; cg:qualifier/skos:notation ?q } ORDER BY ?value""",
    )
    assert [(float(v), u, q) for v, u, q in rows] == [
        (1313.0, "NUM", "EQ"), (1.45e9, "EUR", "GT"), (2.37e9, "EUR", "EQ"),
    ]
