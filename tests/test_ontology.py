"""Quality control of the ontology (ontology/clustergraph.ttl): it parses, every cg: term is
declared, labelled and defined (SPARQL QC queries that list the offenders, in the style of
Brick's test_definitions), properties carry domain/range, the OWL 2 RL closure over ontology
and vocabularies finds no inconsistency, and nothing shipped asks for owl:imports."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import select

from clustergraph import resources
from clustergraph.resources import CG, layer_graph
from clustergraph.store import KnowledgeGraph, load, parse_file

ONTOLOGY_GRAPH = layer_graph("ontology")

#: Properties that attach to any node and any literal, so that neither a domain nor a range
#: would say anything. Each entry needs a reason; the test checks the list does not rot.
NO_DOMAIN_OR_RANGE = {
    # verbatim source text, on any factual node, plain or language-tagged
    "cg:quotation",
}

#: OWL constructs that are never in OWL 2 RL, in any position.
NOT_RL = {
    "owl:ReflexiveProperty",
    "owl:minCardinality",
    "owl:minQualifiedCardinality",
    "owl:cardinality",
    "owl:qualifiedCardinality",
    "owl:disjointUnionOf",
    "owl:hasSelf",
    "owl:NegativeDataPropertyAssertion",
}


@pytest.fixture(scope="module")
def onto() -> KnowledgeGraph:
    return load(["ontology"])


def offenders(rows: list[tuple]) -> str:
    return "\n  " + "\n  ".join(" ".join(str(v) for v in row) for row in rows)


# --------------------------------------------------------------------------- parsing


def test_ontology_parses_the_same_with_oxigraph_and_rdflib(onto: KnowledgeGraph) -> None:
    import rdflib

    g = rdflib.Graph().parse(resources.ontology_file(), format="turtle")
    assert len(g) == len(onto) > 500
    ontologies = list(g.subjects(rdflib.RDF.type, rdflib.OWL.Ontology))
    assert ontologies == [rdflib.URIRef("https://w3id.org/clustergraph/ontology")]


def test_ontology_declares_the_core_classes(onto: KnowledgeGraph) -> None:
    rows = select(onto, "SELECT ?c WHERE { ?c a owl:Class } ORDER BY ?c")
    classes = {c.removeprefix(CG) for (c,) in rows if c.startswith(CG)}
    for expected in (
        "ClusterPolicy",
        "PolicyStrand",
        "AuthorityRole",
        "InstrumentProvision",
        "Period",
        "Budget",
        "Factsheet",
        "IndustrialEcosystem",
        "Country",
        "Region",
    ):
        assert expected in classes


# --------------------------------------------------------------------------- QC queries


def test_every_cg_term_is_declared_as_a_class_or_property(onto: KnowledgeGraph) -> None:
    rows = select(
        onto,
        """
        SELECT DISTINCT ?term WHERE {
          ?term ?p ?o
          FILTER(STRSTARTS(STR(?term), STR(cg:)))
          FILTER NOT EXISTS {
            VALUES ?kind { owl:Class owl:ObjectProperty owl:DatatypeProperty
                           owl:AnnotationProperty rdf:Property }
            ?term a ?kind
          }
        } ORDER BY ?term""",
    )
    assert rows == [], "cg: terms described but not declared:" + offenders(rows)


def test_every_cg_term_used_anywhere_is_declared_in_the_ontology(kg: KnowledgeGraph) -> None:
    """A misspelt cg: property or class in a vocabulary, reference or data file is caught."""
    rows = select(
        kg,
        f"""
        SELECT DISTINCT ?term WHERE {{
          {{ ?s ?term ?o }} UNION {{ ?s a ?term }}
          FILTER(STRSTARTS(STR(?term), STR(cg:)))
          FILTER NOT EXISTS {{ GRAPH <{ONTOLOGY_GRAPH}> {{ ?term a ?kind }} }}
        }} ORDER BY ?term""",
    )
    assert rows == [], "cg: terms used but not declared in the ontology:" + offenders(rows)


def test_every_cg_class_and_property_has_one_english_label(onto: KnowledgeGraph) -> None:
    rows = select(
        onto,
        """
        SELECT ?term (COUNT(DISTINCT ?label) AS ?n) WHERE {
          ?term a ?kind
          FILTER(STRSTARTS(STR(?term), STR(cg:)))
          OPTIONAL { ?term rdfs:label ?label FILTER(LANGMATCHES(LANG(?label), "en")) }
        } GROUP BY ?term HAVING (COUNT(DISTINCT ?label) != 1) ORDER BY ?term""",
    )
    assert rows == [], "cg: terms without exactly one rdfs:label@en:" + offenders(rows)


def test_every_cg_class_and_property_has_a_definition(onto: KnowledgeGraph) -> None:
    rows = select(
        onto,
        """
        SELECT DISTINCT ?term WHERE {
          ?term a ?kind
          FILTER(STRSTARTS(STR(?term), STR(cg:)))
          FILTER NOT EXISTS {
            ?term skos:definition ?d
            FILTER(LANGMATCHES(LANG(?d), "en") && STRLEN(STR(?d)) >= 20)
          }
        } ORDER BY ?term""",
    )
    assert rows == [], "cg: terms without a skos:definition@en:" + offenders(rows)


def test_the_qc_query_finds_an_undefined_term() -> None:
    """The QC query above is not vacuous: a class without definition is listed."""
    import pyoxigraph as ox

    store = ox.Store()
    store.load(
        f"<{CG}Undefined> a <http://www.w3.org/2002/07/owl#Class> .".encode(),
        format=ox.RdfFormat.TURTLE,
        to_graph=ox.NamedNode(ONTOLOGY_GRAPH),
    )
    rows = select(
        KnowledgeGraph(store),
        """
        SELECT DISTINCT ?term WHERE {
          ?term a ?kind FILTER(STRSTARTS(STR(?term), STR(cg:)))
          FILTER NOT EXISTS { ?term skos:definition ?d }
        }""",
    )
    assert rows == [(CG + "Undefined",)]


# --------------------------------------------------------------------------- domain, range


def test_every_object_property_has_a_range(onto: KnowledgeGraph) -> None:
    rows = select(
        onto,
        """
        SELECT ?p WHERE {
          ?p a owl:ObjectProperty FILTER(STRSTARTS(STR(?p), STR(cg:)))
          FILTER NOT EXISTS { ?p rdfs:range ?r }
        } ORDER BY ?p""",
    )
    assert rows == [], "object properties without rdfs:range:" + offenders(rows)


def test_every_property_has_a_domain_or_a_range(onto: KnowledgeGraph) -> None:
    from clustergraph.namespaces import compact

    rows = select(
        onto,
        """
        SELECT ?p WHERE {
          VALUES ?kind { owl:ObjectProperty owl:DatatypeProperty rdf:Property }
          ?p a ?kind FILTER(STRSTARTS(STR(?p), STR(cg:)))
          FILTER NOT EXISTS { ?p rdfs:domain ?d }
          FILTER NOT EXISTS { ?p rdfs:range ?r }
        } ORDER BY ?p""",
    )
    missing = {compact(p) for (p,) in rows}
    # the exemptions are real properties that indeed have neither (the list does not rot)
    assert missing & NO_DOMAIN_OR_RANGE == NO_DOMAIN_OR_RANGE
    assert missing - NO_DOMAIN_OR_RANGE == set(), "properties without domain or range"


def test_cg_domains_and_ranges_are_declared_classes(onto: KnowledgeGraph) -> None:
    rows = select(
        onto,
        """
        SELECT ?p ?c WHERE {
          ?p rdfs:domain|rdfs:range ?c
          FILTER(STRSTARTS(STR(?c), STR(cg:)))
          FILTER NOT EXISTS { ?c a owl:Class }
        } ORDER BY ?p""",
    )
    assert rows == [], "domain or range is an undeclared cg: class:" + offenders(rows)


def test_datatype_properties_have_datatype_ranges(onto: KnowledgeGraph) -> None:
    rows = select(
        onto,
        """
        SELECT ?p ?r WHERE {
          ?p a owl:DatatypeProperty ; rdfs:range ?r
          FILTER(!STRSTARTS(STR(?r), STR(xsd:)) && ?r NOT IN (rdfs:Literal, rdf:langString))
        } ORDER BY ?p""",
    )
    assert rows == [], "datatype properties with a non-datatype range:" + offenders(rows)


# --------------------------------------------------------------------------- OWL 2 RL

ERR = "http://www.daml.org/2002/03/agents/agent-ont#"


def owlrl_inconsistencies(graph) -> list[str]:  # noqa: ANN001  (an rdflib.Graph)
    """Expand ``graph`` with the OWL RL closure and return what owlrl reports as wrong.

    owlrl does not raise: it records each inconsistency (disjoint classes sharing a member,
    a member of owl:Nothing, a literal that does not match its datatype...) as a node
    ``[ a err:ErrorMessage ; err:error "..." ]`` in the expanded graph. Members of owl:Nothing
    are listed as well, in case a rule infers one without a message.
    """
    import owlrl
    import rdflib

    owlrl.DeductiveClosure(owlrl.OWLRL_Semantics).expand(graph)
    messages = sorted(str(m) for m in graph.objects(None, rdflib.URIRef(ERR + "error")))
    nothing = sorted(
        f"{s} is a member of owl:Nothing"
        for s in graph.subjects(rdflib.RDF.type, rdflib.OWL.Nothing)
    )
    return messages + nothing


def test_owl_rl_closure_of_ontology_and_vocabularies_is_consistent() -> None:
    import rdflib

    g = rdflib.Graph()
    g.parse(resources.ontology_file(), format="turtle")
    for path in resources.vocabulary_files():
        g.parse(path, format="turtle")
    asserted = len(g)
    problems = owlrl_inconsistencies(g)
    assert problems == [], "OWL RL inconsistencies:\n  " + "\n  ".join(problems)
    assert len(g) > asserted  # the closure did run and inferred something


def test_owl_rl_check_reports_an_inconsistency() -> None:
    """The check above can fail: disjoint classes with a common member are reported."""
    import rdflib

    g = rdflib.Graph().parse(
        data="""
        @prefix owl: <http://www.w3.org/2002/07/owl#> .
        @prefix : <urn:x:> .
        :A a owl:Class ; owl:disjointWith :B .
        :B a owl:Class .
        :x a :A , :B .""",
        format="turtle",
    )
    assert owlrl_inconsistencies(g) == [
        "Disjoint classes urn:x:A and urn:x:B have a common individual urn:x:x"
    ]


def test_ontology_uses_no_construct_outside_owl2_rl(onto: KnowledgeGraph) -> None:
    from clustergraph.namespaces import compact

    used = {
        compact(t)
        for row in select(
            onto,
            """
        SELECT DISTINCT ?t WHERE { { ?s ?t ?o } UNION { ?s a ?t } }""",
        )
        for t in row
    }
    assert used & NOT_RL == set()


def test_superclass_expressions_stay_in_owl2_rl(onto: KnowledgeGraph) -> None:
    """In OWL 2 RL a superclass may not be an existential, a union or an enumeration."""
    rows = select(
        onto,
        """
        SELECT ?c ?how WHERE {
          ?c rdfs:subClassOf|owl:equivalentClass ?sup FILTER(isBlank(?sup))
          ?sup ?how ?x
          FILTER(?how IN (owl:someValuesFrom, owl:unionOf, owl:oneOf))
        } ORDER BY ?c""",
    )
    assert rows == [], "superclass expressions outside OWL 2 RL:" + offenders(rows)


# --------------------------------------------------------------------------- no imports


def shipped_rdf_files() -> list[Path]:
    root = resources.bundle_root()
    return sorted(p for folder in ("ontology", "data") for p in (root / folder).rglob("*.ttl"))


def test_the_shipped_files_are_found() -> None:
    names = {p.name for p in shipped_rdf_files()}
    assert {"clustergraph.ttl", "industrial-ecosystem.ttl", "nace-rev2.ttl"} <= names


@pytest.mark.parametrize(
    "path", shipped_rdf_files(), ids=lambda p: str(p.relative_to(resources.bundle_root()))
)
def test_no_owl_imports(path: Path) -> None:
    imports = [
        q
        for q in parse_file(path, ONTOLOGY_GRAPH)
        if q.predicate.value == "http://www.w3.org/2002/07/owl#imports"
    ]
    assert imports == [], f"{path.name} asks for owl:imports (nothing may be fetched)"


# --------------------------------------------------------------------------- 0.2.0 (issue 12)


def test_the_terms_of_issue_12_are_aligned(onto: KnowledgeGraph) -> None:
    rows = select(
        onto,
        """
        SELECT ?term ?super WHERE {
          VALUES ?term { cg:isPartOf cg:hasPart cg:partType cg:previousEdition cg:retrievalDate
                         cg:WebPage cg:Consortium cg:Eurocluster cg:statedMemberCount }
          ?term rdfs:subPropertyOf|rdfs:subClassOf ?super } ORDER BY ?term ?super""",
    )
    assert rows == [
        (CG + "Consortium", "http://www.w3.org/ns/org#OrganizationalCollaboration"),
        (CG + "Eurocluster", CG + "Consortium"),
        (CG + "WebPage", "https://schema.org/WebPage"),
        (CG + "WebPage", CG + "SourceDocument"),
        (CG + "hasPart", "http://purl.org/dc/terms/hasPart"),
        (CG + "isPartOf", "http://purl.org/dc/terms/isPartOf"),
        (CG + "partType", "http://purl.org/dc/terms/type"),
        (CG + "previousEdition", "http://www.w3.org/ns/prov#wasRevisionOf"),
        (CG + "retrievalDate", "http://purl.org/dc/terms/date"),
        (CG + "statedMemberCount", CG + "statedCount"),
    ]
    assert select(onto, "SELECT ?v WHERE { ?o a owl:Ontology ; owl:versionInfo ?v }") == [
        ("0.2.0",)]
