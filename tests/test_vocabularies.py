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
#: The currencies of the countries in countries.ttl, with the English labels of the EU
#: authority table.
CURRENCY_LABELS = {
    "ALL": "Lek", "AMD": "Dram", "BAM": "Convertible mark", "BGN": "Lev",
    "CHF": "Swiss franc", "CZK": "Czech koruna", "DKK": "Danish krone", "EUR": "Euro",
    "GBP": "Pound sterling", "GEL": "Lari", "HRK": "Kuna", "HUF": "Forint", "ILS": "Shekel",
    "ISK": "Iceland króna", "MDL": "Moldovan leu", "MKD": "Denar", "NOK": "Norwegian krone",
    "PLN": "Zloty", "RON": "Romanian leu", "RSD": "Serbian dinar", "SEK": "Swedish krona",
    "TND": "Tunisian dinar", "TRY": "Turkish lira", "UAH": "Hryvnia",
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
    assert len(rows) == 289
    labels = {code: label for _, code, label, _ in rows}
    assert len(labels) == 289
    assert {c: labels[c] for c in CURRENCY_LABELS} == CURRENCY_LABELS
    assert labels["USD"] == "US dollar" and labels["NLG"] == "Netherlands guilder"
    assert all(c == f"{CURRENCY}/{code}" for c, code, _, _ in rows)
    assert {src for _, _, _, src in rows} == {CURRENCY}
    # ISO 4217 alpha-3 codes, and the placeholder every EU authority table has
    odd = [code for code in labels if not (len(code) == 3 and code.isupper() and code.isalpha())]
    assert odd == ["OP_DATPRO"]


def test_withdrawn_currencies_say_when_they_were_last_listed(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?code ?comment WHERE {{
          ?c skos:inScheme <{CURRENCY}> ; skos:notation ?code ; rdfs:comment ?comment
        }} ORDER BY ?code""",
    )
    comments = dict(rows)
    assert len(comments) == 135
    assert comments["BGN"] == (
        "Not in the latest version of the table consulted (20260105-0); last listed in "
        "version 20250924-0."
    )
    assert comments["HRK"].endswith("last listed in version 20221214-0.")
    assert "EUR" not in comments and "DKK" not in comments


def test_the_shipped_euro_unit_matches_the_currency_table(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""SELECT ?label WHERE {{ cgv:unit\\/eur skos:closeMatch ?c .
                                   ?c skos:inScheme <{CURRENCY}> ; skos:prefLabel ?label }}""",
    )
    assert rows == [("Euro",)]


# --------------------------------------------------------------------------- sourced values

#: Concepts per scheme: the Belgium factsheet's values plus the sourced additions (README.md
#: in ontology/vocabularies says where each comes from). A change here is a change of a
#: code list and belongs in that README too.
CONCEPTS_PER_SCHEME = {
    "agglomeration-criterion": 2, "agglomeration-type": 2, "authority-role": 8,
    "beneficiary-type": 12, "budget-type": 3, "comparison": 2, "competence-area": 4,
    "consortium-role": 2, "data-availability": 1, "eu-priority": 4,
    "evaluation-availability": 4, "evidence": 4, "funding-source-type": 3,
    "governance-level": 4, "indicator": 2, "industrial-ecosystem": 14, "instrument-type": 13,
    "measure": 21, "member-type": 3, "objective": 13, "organisation-type": 9,
    "partnership-type": 3, "period-type": 4, "policy-focus": 3, "policy-part-type": 2,
    "policy-type": 6, "qualifier": 4, "semester-policy-area": 6, "source-type": 4,
    "state-of-play-criterion": 4, "state-of-play-level": 16, "unit": 4,
}


def test_concepts_per_scheme(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?s (COUNT(DISTINCT ?c) AS ?n) WHERE {{
          GRAPH <{VOCABULARIES}> {{ ?c a skos:Concept ; skos:inScheme ?s }}
        }} GROUP BY ?s ORDER BY ?s""",
    )
    assert {s.rsplit("/", 1)[-1]: n for s, n in rows} == CONCEPTS_PER_SCHEME


def test_every_vocabulary_concept_has_notation_label_definition_and_source(
    vocab: KnowledgeGraph,
) -> None:
    rows = select(
        vocab,
        f"""
        SELECT ?c ?missing WHERE {{
          GRAPH <{VOCABULARIES}> {{ ?c a skos:Concept }}
          VALUES ?missing {{ "notation" "prefLabel@en" "definition@en" "dct:source"
                            "editorialNote@en" }}
          FILTER(
            (?missing = "notation" && NOT EXISTS {{ ?c skos:notation ?n }})
            || (?missing = "prefLabel@en"
                && NOT EXISTS {{ ?c skos:prefLabel ?l FILTER(LANG(?l) = "en") }})
            || (?missing = "definition@en"
                && NOT EXISTS {{ ?c skos:definition ?d FILTER(LANG(?d) = "en") }})
            || (?missing = "dct:source" && NOT EXISTS {{ ?c dct:source ?src }})
            || (?missing = "editorialNote@en"
                && NOT EXISTS {{ ?c skos:editorialNote ?e FILTER(LANG(?e) = "en") }})
          )
        }} ORDER BY ?c ?missing""",
    )
    assert rows == [], "vocabulary concepts missing a property:" + offenders(rows)


def test_sources_are_web_documents_or_parts_of_the_belgium_factsheet() -> None:
    """dct:source is an IRI: an http(s) document, or a section/table of the Belgium
    factsheet that data/be/factsheet.ttl describes (so the citation resolves in the graph)."""
    kg = load(["vocabularies", "data"])
    rows = select(
        kg,
        f"""
        SELECT DISTINCT ?src (isIRI(?src) AS ?iri) ?described WHERE {{
          GRAPH <{VOCABULARIES}> {{ ?c a skos:Concept ; dct:source ?src }}
          BIND(EXISTS {{ ?src rdfs:label ?label }} AS ?described)
        }} ORDER BY ?src""",
    )
    assert rows
    factsheet = "https://w3id.org/clustergraph/id/factsheet/be-2023"
    bad = [
        (src, iri, described)
        for src, iri, described in rows
        if iri != "true"
        or not src.startswith(("http://", "https://"))
        or (src.startswith(factsheet) and described != "true")
    ]
    assert bad == [], "sources that are not documents or unknown factsheet parts:" + offenders(bad)
    parts = sorted(src.removeprefix(factsheet) for src, _, _ in rows if src.startswith(factsheet))
    assert parts == [
        "", "/section-1", "/section-2.1", "/section-2.2", "/section-2.3", "/section-3",
        "/section-4.1", "/table-1", "/table-2", "/table-3", "/table-4", "/table-5", "/table-6",
    ]


def test_close_matches_are_well_formed(vocab: KnowledgeGraph) -> None:
    """skos:closeMatch points at an IRI outside clustergraph's own vocabularies; a match into
    an EU authority table names a concept the reference snapshot holds; none points at STIP
    Compass, which publishes no concept IRIs for its taxonomies (the matches are notes)."""
    rows = select(
        vocab,
        """
        SELECT ?c ?m (isIRI(?m) AS ?iri) (EXISTS { ?m a skos:Concept } AS ?known) WHERE {
          ?c skos:closeMatch ?m
        } ORDER BY ?c ?m""",
    )
    assert rows == [
        (
            "https://w3id.org/clustergraph/vocab/unit/eur",
            "http://publications.europa.eu/resource/authority/currency/EUR",
            "true",
            "true",
        )
    ]
    bad = [
        r for r in rows
        if r[2] != "true" or r[1].startswith("https://w3id.org/clustergraph/")
        or "stip.oecd.org" in r[1]
        or (r[1].startswith("http://publications.europa.eu/") and r[3] != "true")
    ]
    assert bad == []


#: STIP Compass codes and labels (EC-OECD STIP Compass taxonomies: target groups TG,
#: policy instrument types PI, policy themes TH) that the notes cite.
STIP = {
    "TG20": "Higher education institutes", "TG21": "Public research institutes",
    "TG22": "Private research and development lab", "TG23": "National government",
    "TG24": "Subnational government", "TG26": "Nascent firms (0 to less than 1 year old)",
    "TG27": "Young firms (1 to 5 years old)", "TG31": "SMEs", "TG32": "Large firms",
    "TG34": "Incubators, accelerators, science parks or technoparks",
    "TG42": "Non-governmental organisations (NGOs)",
    "PI008": "Grants for business R&D and innovation",
    "PI017": "Technology extension and business advisory services",
    "PI021": "Networking and collaborative platforms",
    "PI022": "Dedicated support to research and technical infrastructures",
    "TH14": "Strategic policy intelligence",
    "TH31": "Financial support to business R&D and innovation",
    "TH32": "Non-financial support to business R&D and innovation",
    "TH34": "Entrepreneurship capabilities and culture",
    "TH35": "Targeted support to SMEs and young innovative enterprises",
    "TH42": "Collaborative research and innovation",
}


def test_stip_compass_matches_cite_known_codes_with_their_labels(vocab: KnowledgeGraph) -> None:
    import re

    rows = select(
        vocab,
        """
        SELECT ?c ?note WHERE { ?c skos:note ?note FILTER(STRSTARTS(?note, "STIP Compass")) }
        ORDER BY ?c""",
    )
    cited: dict[str, list[str]] = {}
    for c, note in rows:
        assert note.startswith("STIP Compass close match (no IRI published): "), note
        pairs = re.findall(r"\b((?:TG|PI|TH)\d+) '([^']+)'", note)
        assert pairs, note
        for code, label in pairs:
            assert STIP[code] == label, (c, code, label)
            cited.setdefault(c.rsplit("/vocab/", 1)[1], []).append(code)
    assert cited == {
        "beneficiary-type/academic-institutions": ["TG20"],
        "beneficiary-type/large-firms": ["TG32"],
        "beneficiary-type/non-profit-organisations": ["TG42"],
        "beneficiary-type/public-bodies": ["TG23", "TG24"],
        "beneficiary-type/research-organisations": ["TG21", "TG22"],
        "beneficiary-type/science-technology-parks": ["TG34"],
        "beneficiary-type/smes": ["TG31"],
        "beneficiary-type/start-ups": ["TG26", "TG27"],
        "instrument-type/hard-skills": ["PI017"],
        "instrument-type/infrastructure": ["PI022"],
        "instrument-type/networking": ["PI021"],
        "instrument-type/rd-projects-membership": ["PI008"],
        "objective/cluster-analysis-policymaking": ["TH14"],
        "objective/competitiveness-sme-scale-up": ["TH35"],
        "objective/cooperation-industry-rtdi": ["TH42"],
        "objective/entrepreneurship": ["TH34"],
        "objective/rd-technology": ["TH31", "TH32"],
    }


def test_narrower_additions_sit_under_the_belgian_values(vocab: KnowledgeGraph) -> None:
    rows = select(
        vocab,
        """
        SELECT ?c ?b WHERE {
          VALUES ?s { cgv:period-type cgv:funding-source-type }
          ?c skos:inScheme ?s ; skos:broader ?b } ORDER BY ?c""",
    )
    assert [(c.rsplit("/", 1)[1], b.rsplit("/", 1)[1]) for c, b in rows] == [
        ("eu-funds", "public"), ("per-project", "limited"),
    ]
