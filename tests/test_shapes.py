"""The shapes themselves: valid SHACL (W3C SHACL-for-SHACL), a message on every shape, only
terms that exist in the ontology and vocabularies, a scope header on every file."""

from __future__ import annotations

import re

import pytest

from clustergraph.resources import shapes_files
from clustergraph.validate import load_shapes

SH = "http://www.w3.org/ns/shacl#"
CG = "https://w3id.org/clustergraph/ontology#"
CGSH = "https://w3id.org/clustergraph/shapes#"
VOCAB = "https://w3id.org/clustergraph/vocab/"


@pytest.fixture(scope="module")
def shapes():  # noqa: ANN201
    return load_shapes()


def test_three_shapes_files() -> None:
    assert [p.name for p in shapes_files()] == ["consistency.ttl", "core.ttl", "recommended.ttl"]


@pytest.mark.parametrize("path", shapes_files(), ids=lambda p: p.name)
def test_file_opens_with_a_scope_header(path) -> None:  # noqa: ANN001
    head = path.read_text(encoding="utf-8").splitlines()[:6]
    assert all(line.startswith("#") for line in head)
    assert any(line.startswith("# Scope   :") for line in head)
    assert any(line.startswith("# Severity:") for line in path.read_text().splitlines()[:40])


def test_shapes_conform_to_shacl_shacl(shapes) -> None:  # noqa: ANN001
    """pySHACL's meta_shacl validates the shapes graph against the W3C shacl-shacl shapes
    before it validates anything; it fails if they do not conform."""
    import pyshacl
    import rdflib

    data = rdflib.Graph()
    conforms, report, text = pyshacl.validate(data, shacl_graph=shapes, meta_shacl=True)
    assert isinstance(report, rdflib.Graph), text
    assert conforms, text


def test_shacl_shacl_would_catch_a_broken_shape(shapes) -> None:  # noqa: ANN001
    """The meta check above can fail: a shape with two sh:path values is caught."""
    import pyshacl
    import rdflib

    broken = rdflib.Graph() + shapes
    broken.add((rdflib.URIRef(CGSH + "Policy-label"), rdflib.URIRef(SH + "path"),
                rdflib.URIRef(CG + "country")))
    with pytest.raises(pyshacl.errors.ReportableRuntimeError, match="MetaSHACL"):
        pyshacl.validate(rdflib.Graph(), shacl_graph=broken, meta_shacl=True)


def _named_shapes(shapes):  # noqa: ANN001, ANN202
    import rdflib

    sh = rdflib.Namespace(SH)
    out = set()
    for kind in (sh.NodeShape, sh.PropertyShape):
        out |= {s for s in shapes.subjects(rdflib.RDF.type, kind) if isinstance(s, rdflib.URIRef)}
    for pred in (sh.property, sh.node):
        out |= {o for o in shapes.objects(None, pred) if isinstance(o, rdflib.URIRef)}
    return out


def test_every_named_shape_has_a_message_and_lives_in_cgsh(shapes) -> None:  # noqa: ANN001
    import rdflib

    named = _named_shapes(shapes)
    assert len(named) > 100
    for s in named:
        assert str(s).startswith(CGSH), s
        msgs = list(shapes.objects(s, rdflib.URIRef(SH + "message")))
        assert msgs, f"{s} has no sh:message"
        assert all(m.language == "en" for m in msgs), s


def test_one_shape_per_class(shapes) -> None:  # noqa: ANN001
    """Every class with instances in the data, and every cg: class a shape targets, has its
    cgsh:<Class>Shape."""
    import rdflib

    targets = {o for o in shapes.objects(None, rdflib.URIRef(SH + "targetClass"))
               if str(o).startswith(CG)}
    for cls in targets - {rdflib.URIRef(CG + c) for c in ("Chart", "Section", "Table")}:
        shape = rdflib.URIRef(CGSH + str(cls).removeprefix(CG) + "Shape")
        assert (shape, rdflib.URIRef(SH + "targetClass"), cls) in shapes, cls


def test_shapes_use_only_terms_that_exist(shapes, kg) -> None:  # noqa: ANN001
    """Every cg: term and every vocabulary IRI the shapes name (in triples and inside SPARQL
    text) is declared in the ontology or is a concept scheme or concept."""
    from conftest import select

    declared = {r[0] for r in select(kg, "SELECT ?t WHERE { ?t a ?k "
                "FILTER(?k IN (owl:Class, owl:ObjectProperty, owl:DatatypeProperty)) }")}
    coded = {r[0] for r in select(kg, "SELECT ?t WHERE { ?t a ?k "
             "FILTER(?k IN (skos:ConceptScheme, skos:Concept)) }")}
    used: set[str] = set()
    for triple in shapes:
        for term in triple:
            text = str(term)
            used |= set(re.findall(r"https://w3id\.org/clustergraph/(?:ontology#|vocab/)[\w/.-]+",
                                   text))
            used |= {CG + m for m in re.findall(r"\bcg:(\w+)", text)}
    cg_terms = {u for u in used if u.startswith(CG)}
    vocab_terms = {u for u in used if u.startswith(VOCAB)}
    assert cg_terms and vocab_terms
    assert cg_terms - declared == set()
    assert vocab_terms - coded == set()


def test_scheme_membership_covers_every_coded_property(shapes) -> None:  # noqa: ANN001
    """Every cg: object property whose range is skos:Concept is checked against a scheme
    (cgsh:inScheme) or an EU IRI pattern somewhere in the shapes."""
    import rdflib

    from clustergraph.store import load

    onto = load(["ontology"]).to_rdflib_graph()
    rdfs_range = rdflib.URIRef("http://www.w3.org/2000/01/rdf-schema#range")
    coded = {p for p, r in onto.subject_objects(rdfs_range)
             if r == rdflib.URIRef("http://www.w3.org/2004/02/skos/core#Concept")
             and str(p).startswith(CG)}
    checked = set()
    for ps in set(shapes.subjects(rdflib.URIRef(CGSH + "inScheme"), None)) | set(
            shapes.subjects(rdflib.URIRef(SH + "pattern"), None)):
        checked |= set(shapes.objects(ps, rdflib.URIRef(SH + "path")))
    # cg:levelOf is a property of the vocabulary itself, not of the data
    assert coded - checked == {rdflib.URIRef(CG + "levelOf")}
