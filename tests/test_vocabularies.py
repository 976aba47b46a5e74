"""The SKOS concept schemes (ontology/vocabularies/) and the EU reference data
(ontology/reference/): structure of every concept and scheme, and the values the factsheets
rely on (state-of-play levels, the 14 industrial ecosystems, NACE Rev. 2, the countries)."""

from __future__ import annotations

import pytest
from conftest import select

from clustergraph.resources import layer_graph
from clustergraph.store import KnowledgeGraph, load

VOCABULARIES = layer_graph("vocabularies")
REFERENCE = layer_graph("reference")

#: The countries the Belgium factsheet names (partner countries, comparisons), in the codes
#: the EU writes (EL for Greece, UK for the United Kingdom).
FACTSHEET_COUNTRIES = [
    "BE",
    "FR",
    "DE",
    "LT",
    "PL",
    "CZ",
    "PT",
    "SE",
    "ES",
    "IT",
    "EE",
    "DK",
    "HU",
    "TR",
    "AT",
    "UK",
    "BG",
    "NL",
    "SK",
    "LV",
    "RO",
    "EL",
    "IE",
    "SI",
    "NO",
    "RS",
    "LU",
    "HR",
]

#: NACE Rev. 2 division codes: 01-99 except the numbers the classification leaves unused.
NACE_DIVISIONS = {f"{n:02d}" for n in range(1, 100)} - {
    "04",
    "34",
    "40",
    "44",
    "48",
    "54",
    "57",
    "67",
    "76",
    "83",
    "89",
}
NACE_SECTION_OF = {  # first and last division of each section
    "A": (1, 3),
    "B": (5, 9),
    "C": (10, 33),
    "D": (35, 35),
    "E": (36, 39),
    "F": (41, 43),
    "G": (45, 47),
    "H": (49, 53),
    "I": (55, 56),
    "J": (58, 63),
    "K": (64, 66),
    "L": (68, 68),
    "M": (69, 75),
    "N": (77, 82),
    "O": (84, 84),
    "P": (85, 85),
    "Q": (86, 88),
    "R": (90, 93),
    "S": (94, 96),
    "T": (97, 98),
    "U": (99, 99),
}


@pytest.fixture(scope="module")
def vocab() -> KnowledgeGraph:
    return load(["ontology", "vocabularies", "reference"])


def offenders(rows: list[tuple]) -> str:
    return "\n  " + "\n  ".join(" ".join(str(v) for v in row) for row in rows)


# --------------------------------------------------------------------------- every concept


def test_the_graphs_hold_concepts(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?g (COUNT(DISTINCT ?c) AS ?n) WHERE { GRAPH ?g { ?c a skos:Concept } }
        GROUP BY ?g ORDER BY ?g""",
    )
    counts = dict(rows)
    assert counts[VOCABULARIES] >= 140
    assert counts[REFERENCE] >= 88 + 21 + 28


def test_every_concept_is_in_exactly_one_scheme(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?c (COUNT(DISTINCT ?s) AS ?n) WHERE {
          ?c a skos:Concept OPTIONAL { ?c skos:inScheme ?s }
        } GROUP BY ?c HAVING (COUNT(DISTINCT ?s) != 1) ORDER BY ?c""",
    )
    assert rows == [], "concepts not in exactly one scheme:" + offenders(rows)


def test_every_scheme_of_a_concept_is_declared(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT DISTINCT ?s WHERE {
          ?c skos:inScheme ?s FILTER NOT EXISTS { ?s a skos:ConceptScheme }
        } ORDER BY ?s""",
    )
    assert rows == [], "skos:inScheme points at undeclared schemes:" + offenders(rows)


def test_every_concept_has_exactly_one_english_preflabel(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?c (COUNT(DISTINCT ?l) AS ?n) WHERE {
          ?c a skos:Concept
          OPTIONAL { ?c skos:prefLabel ?l FILTER(LANG(?l) = "en") }
        } GROUP BY ?c HAVING (COUNT(DISTINCT ?l) != 1) ORDER BY ?c""",
    )
    assert rows == [], "concepts without exactly one skos:prefLabel@en:" + offenders(rows)


def test_every_cg_concept_has_a_definition(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?c WHERE {{
          GRAPH <{VOCABULARIES}> {{ ?c a skos:Concept }}
          FILTER NOT EXISTS {{ ?c skos:definition ?d FILTER(LANG(?d) = "en") }}
        }} ORDER BY ?c""",
    )
    assert rows == [], "vocabulary concepts without skos:definition@en:" + offenders(rows)


def test_every_reference_concept_has_a_notation(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?c WHERE {{
          GRAPH <{REFERENCE}> {{ ?c a skos:Concept }}
          FILTER NOT EXISTS {{ ?c skos:notation ?n }}
        }} ORDER BY ?c""",
    )
    assert rows == [], "reference concepts without skos:notation:" + offenders(rows)


def test_notations_are_unique_within_a_scheme(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?s ?n (COUNT(DISTINCT ?c) AS ?k) WHERE {
          ?c skos:inScheme ?s ; skos:notation ?n
        } GROUP BY ?s ?n HAVING (COUNT(DISTINCT ?c) > 1) ORDER BY ?s ?n""",
    )
    assert rows == [], "notations used twice in a scheme:" + offenders(rows)


# --------------------------------------------------------------------------- every scheme


def test_every_cg_scheme_has_a_label_and_a_top_concept(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?s WHERE {{
          GRAPH <{VOCABULARIES}> {{ ?s a skos:ConceptScheme }}
          FILTER(NOT EXISTS {{ ?s skos:prefLabel ?l FILTER(LANG(?l) = "en") }}
              || NOT EXISTS {{ {{ ?s skos:hasTopConcept ?t }}
                               UNION {{ ?t skos:topConceptOf ?s }} }})
        }} ORDER BY ?s""",
    )
    assert rows == [], "schemes without prefLabel@en or top concept:" + offenders(rows)


def test_top_concepts_have_no_broader_concept(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?t ?b WHERE {
          { ?s skos:hasTopConcept ?t } UNION { ?t skos:topConceptOf ?s }
          ?t skos:broader ?b
        } ORDER BY ?t""",
    )
    assert rows == [], "top concepts with a broader concept:" + offenders(rows)


def test_broader_links_stay_within_a_scheme(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?c ?b WHERE {
          { ?c skos:broader ?b } UNION { ?b skos:narrower ?c }
          ?c skos:inScheme ?s
          FILTER NOT EXISTS { ?b skos:inScheme ?s }
        } ORDER BY ?c""",
    )
    assert rows == [], "skos:broader leaving its scheme:" + offenders(rows)


def test_every_cg_vocabulary_file_holds_one_scheme() -> None:
    from clustergraph.resources import vocabulary_files
    from clustergraph.store import parse_file

    for path in vocabulary_files():
        schemes = {
            q.subject.value
            for q in parse_file(path, VOCABULARIES)
            if q.predicate.value.endswith("#type") and q.object.value.endswith("core#ConceptScheme")
        }
        assert schemes == {f"https://w3id.org/clustergraph/vocab/{path.stem}"}, path.name


# --------------------------------------------------------------------------- state of play


def test_four_state_of_play_criteria(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?label WHERE {
          ?c skos:inScheme cgv:state-of-play-criterion ; skos:prefLabel ?label
        } ORDER BY ?label""",
    )
    assert len(rows) == 4
    assert ("Policy scope",) in rows


def test_four_ranked_levels_per_criterion(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?criterion ?rank WHERE {
          ?criterion skos:inScheme cgv:state-of-play-criterion .
          ?level cg:levelOf ?criterion ; cg:levelRank ?rank ;
                 skos:inScheme cgv:state-of-play-level .
        } ORDER BY ?criterion ?rank""",
    )
    ranks: dict[str, list[int]] = {}
    for criterion, rank in rows:
        ranks.setdefault(criterion, []).append(rank)
    assert len(ranks) == 4
    assert all(r == [1, 2, 3, 4] for r in ranks.values()), ranks


def test_every_level_belongs_to_one_criterion_with_one_rank(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?level (COUNT(DISTINCT ?c) AS ?nc) (COUNT(DISTINCT ?r) AS ?nr) WHERE {
          ?level skos:inScheme cgv:state-of-play-level
          OPTIONAL { ?level cg:levelOf ?c } OPTIONAL { ?level cg:levelRank ?r }
        } GROUP BY ?level ORDER BY ?level""",
    )
    assert len(rows) == 16
    assert [r for r in rows if r[1:] != (1, 1)] == []


# --------------------------------------------------------------------------- ecosystems


def test_the_fourteen_industrial_ecosystems(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?notation ?label WHERE {
          ?e a cg:IndustrialEcosystem ; skos:inScheme cgv:industrial-ecosystem ;
             skos:notation ?notation ; skos:prefLabel ?label
        } ORDER BY ?notation""",
    )
    assert [n for n, _ in rows] == [f"ECO{i:02d}" for i in range(1, 15)]
    labels = {label for _, label in rows}
    for name in (
        "Aerospace & Defence",
        "Agri-food",
        "Digital",
        "Health",
        "Tourism",
        "Mobility-Transport-Automotive",
        "Renewable Energy",
        "Textile",
    ):
        assert name in labels


# --------------------------------------------------------------------------- NACE Rev. 2


def test_nace_has_21_sections_and_88_divisions(vocab: KnowledgeGraph) -> None:
    rows = select(vocab, "SELECT ?n WHERE { ?c skos:inScheme nace:nace2 ; skos:notation ?n }")
    notations = [n for (n,) in rows]
    sections = sorted(n for n in notations if n.isalpha())
    divisions = {n for n in notations if n.isdigit()}
    assert sections == list("ABCDEFGHIJKLMNOPQRSTU")
    assert len(divisions) == 88
    assert divisions == NACE_DIVISIONS
    assert len(notations) == 21 + 88


def test_nace_divisions_sit_under_their_section(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?div ?sec ?code WHERE {
          ?d skos:inScheme nace:nace2 ; skos:notation ?div ; skos:broader ?s .
          ?s skos:notation ?sec .
          OPTIONAL { ?d cg:sectionDivisionCode ?code }
        } ORDER BY ?div""",
    )
    assert len(rows) == 88
    for div, sec, code in rows:
        first, last = NACE_SECTION_OF[sec]
        assert first <= int(div) <= last, (div, sec)
        assert code == sec + div


# --------------------------------------------------------------------------- countries


def test_the_factsheet_countries_resolve_by_eu_code(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?code ?country WHERE { ?country a cg:Country ; cg:euCountryCode ?code }""",
    )
    by_code: dict[str, list[str]] = {}
    for code, country in rows:
        by_code.setdefault(code, []).append(country.rsplit("/", 1)[-1])
    missing = [c for c in FACTSHEET_COUNTRIES if c not in by_code]
    assert missing == []
    assert [c for c in FACTSHEET_COUNTRIES if len(by_code[c]) != 1] == []
    assert by_code["EL"] == ["GRC"]
    assert by_code["UK"] == ["GBR"]
    assert by_code["BE"] == ["BEL"]
    assert by_code["RS"] == ["SRB"]


def test_iso_codes_differ_from_eu_codes_only_for_greece_and_the_uk(
    vocab: KnowledgeGraph,
) -> None:
    rows = select(
        vocab,
        """
        SELECT ?eu ?iso WHERE {
          ?country a cg:Country ; cg:euCountryCode ?eu ; cg:isoAlpha2 ?iso FILTER(?eu != ?iso)
        } ORDER BY ?eu""",
    )
    assert rows == [("EL", "GR"), ("UK", "GB")]


def test_every_country_has_one_eu_code(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?country (COUNT(DISTINCT ?code) AS ?n) WHERE {
          ?country a cg:Country OPTIONAL { ?country cg:euCountryCode ?code }
        } GROUP BY ?country HAVING (COUNT(DISTINCT ?code) != 1) ORDER BY ?country""",
    )
    assert rows == [], "countries without exactly one cg:euCountryCode:" + offenders(rows)


def test_belgian_nuts1_regions(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?code ?parent ?level WHERE {
          ?r a cg:Region ; skos:notation ?code ; skos:broader ?p ; cg:nutsLevel ?level .
          ?p skos:notation ?parent FILTER(STRSTARTS(?code, "BE"))
        } ORDER BY ?code""",
    )
    assert rows == [("BE1", "BE", 1), ("BE2", "BE", 1), ("BE3", "BE", 1)]


# --------------------------------------------------------------------------- agreed IRIs

#: The concepts agreed with the model (issue 12): scheme -> slugs. Data and shapes use them.
AGREED = {
    "authority-role": [
        "drafting-and-implementation", "funding", "oversight",
        "drafting", "implementation", "designation", "selection", "advisory",
    ],
    "instrument-type": ["designation-label"],
    "evaluation-availability": ["in-itinere", "ex-ante", "ex-post"],
    "eu-priority": ["smart-specialisation"],
    "consortium-role": ["coordinator", "partner"],
    "source-type": ["eccp", "official-national", "eu-official", "secondary"],
    "policy-part-type": ["sub-programme", "action"],
}
NEW_SCHEMES = ("consortium-role", "source-type", "policy-part-type")


def test_the_agreed_concepts_exist_in_their_schemes(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?c ?s WHERE {{
          GRAPH <{VOCABULARIES}> {{ ?c a skos:Concept ; skos:inScheme ?s ;
                                      skos:notation ?n ; skos:prefLabel ?l ;
                                      skos:definition ?d ; dct:source ?src }}
        }}""",
    )
    found = {(c, s) for c, s in rows}
    expected = {
        (f"https://w3id.org/clustergraph/vocab/{scheme}/{slug}",
         f"https://w3id.org/clustergraph/vocab/{scheme}")
        for scheme, slugs in AGREED.items()
        for slug in slugs
        if (scheme, slug) not in {  # Belgium's concepts, sourced by the scheme-wide test
            ("authority-role", "drafting-and-implementation"), ("authority-role", "funding"),
            ("authority-role", "oversight"), ("evaluation-availability", "in-itinere"),
            ("evaluation-availability", "ex-ante"),
        }
    }
    assert expected - found == set()


def test_the_agreed_concepts_are_all_the_new_schemes_hold(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?s ?c WHERE { ?c a skos:Concept ; skos:inScheme ?s
          FILTER(STRSTARTS(STR(?s), STR(cgv:))) } ORDER BY ?s ?c""",
    )
    by_scheme: dict[str, list[str]] = {}
    for s, c in rows:
        by_scheme.setdefault(s.rsplit("/", 1)[-1], []).append(c.rsplit("/", 1)[-1])
    for scheme in NEW_SCHEMES:
        assert by_scheme[scheme] == sorted(AGREED[scheme]), scheme
    for scheme, slugs in AGREED.items():
        assert set(slugs) <= set(by_scheme[scheme]), scheme


def test_the_new_concepts_notations(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?c ?n WHERE { ?c skos:notation ?n
          VALUES ?c { cgv:authority-role\\/drafting cgv:authority-role\\/implementation
                      cgv:authority-role\\/designation cgv:authority-role\\/selection
                      cgv:authority-role\\/advisory cgv:instrument-type\\/designation-label
                      cgv:evaluation-availability\\/ex-post
                      cgv:eu-priority\\/smart-specialisation } } ORDER BY ?n""",
    )
    assert [(c.rsplit("/", 1)[-1], n) for c, n in rows] == [
        ("advisory", "ADV"), ("designation", "DES"), ("drafting", "DRA"),
        ("ex-post", "EXP"), ("implementation", "IMP"), ("designation-label", "LAB"),
        ("smart-specialisation", "S3"), ("selection", "SEL"),
    ]


# --------------------------------------------------------------------------- currencies

CURRENCY = "http://publications.europa.eu/resource/authority/currency"
CURRENCY_LABELS = {
    # the EU authority table's labels (six found)
    "DKK": "Danish krone", "EUR": "Euro", "GBP": "Pound sterling", "ISK": "Iceland króna",
    "NOK": "Norwegian krone", "SEK": "Swedish krona",
    # ISO 4217 List One names
    "ALL": "Lek", "AMD": "Armenian Dram", "BAM": "Convertible Mark", "BGN": "Bulgarian Lev",
    "CHF": "Swiss Franc", "CZK": "Czech Koruna", "GEL": "Lari", "HRK": "Kuna",
    "HUF": "Forint", "ILS": "New Israeli Sheqel", "MDL": "Moldovan Leu", "MKD": "Denar",
    "PLN": "Zloty", "RON": "Romanian Leu", "RSD": "Serbian Dinar", "TND": "Tunisian Dinar",
    "TRY": "Turkish Lira", "UAH": "Hryvnia",
}


def test_the_currency_table(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?c ?code ?label ?src WHERE {{
          GRAPH <{REFERENCE}> {{
            ?c a skos:Concept ; skos:inScheme <{CURRENCY}> ; skos:notation ?code ;
               skos:prefLabel ?label ; dct:source ?src FILTER(LANG(?label) = "en")
          }}
        }} ORDER BY ?code""",
    )
    assert {code: label for _, code, label, _ in rows} == CURRENCY_LABELS
    assert len(rows) == 24
    assert all(c == f"{CURRENCY}/{code}" for c, code, _, _ in rows)
    eu_labelled = {code for _, code, _, src in rows if src == CURRENCY}
    assert eu_labelled == {"DKK", "EUR", "GBP", "ISK", "NOK", "SEK"}


def test_every_country_with_a_currency_in_the_iso_list_has_one(vocab: KnowledgeGraph) -> None:
    """Each currency names the countries it is listed for; together they cover every
    country of countries.ttl but Kosovo, which the ISO list copy does not hold."""
    rows = select(
        vocab,
        f"""
        SELECT ?comment WHERE {{ ?c skos:inScheme <{CURRENCY}> ; rdfs:comment ?comment }}""",
    )
    listed = {
        name.strip()
        for (comment,) in rows
        for name in comment.split("): ", 1)[1].rstrip(".").split(", ")
    }
    countries = {
        label
        for (label,) in select(
            vocab,
            """SELECT ?l WHERE { ?c a cg:Country ; skos:prefLabel ?l FILTER(LANG(?l) = "en") }""",
        )
    }
    assert countries - listed == {"Kosovo"}
    assert listed - countries == set()


def test_the_shipped_euro_unit_matches_the_currency_table(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""SELECT ?label WHERE {{ cgv:unit\\/eur skos:closeMatch ?c .
                                   ?c skos:inScheme <{CURRENCY}> ; skos:prefLabel ?label }}""",
    )
    assert rows == [("Euro",)]
