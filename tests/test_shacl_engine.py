"""The oxigraph SHACL engine (:mod:`clustergraph.shacl_sparql`) against pySHACL, the
reference: both engines on every fixture, the bundled graph, a generated landscape with
injected errors (whole and per country), literals rdflib and SPARQL read differently,
SHACL features the bundled shapes do not use yet, and shapes the compiler must hand to
pySHACL. Each comparison is of the full results: focus node, path, value, severity, source
shape, constraint component and message."""

from __future__ import annotations

from pathlib import Path

import pytest

from clustergraph.cli import main
from clustergraph.errors import UsageError
from clustergraph.generate import generate
from clustergraph.store import KnowledgeGraph, load
from clustergraph.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENT = FIXTURES / "valid" / "document.ttl"
FIXTURE_FILES = sorted((FIXTURES / "invalid").glob("*.ttl")) + sorted(
    (FIXTURES / "valid").glob("*.ttl"))

PREFIXES = """\
@prefix cg: <https://w3id.org/clustergraph/ontology#> .
@prefix cgsh: <https://w3id.org/clustergraph/shapes#> .
@prefix dct: <http://purl.org/dc/terms/> .
@prefix prov: <http://www.w3.org/ns/prov#> .
@prefix rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix ex: <https://w3id.org/clustergraph/id/test/> .
@prefix v: <https://w3id.org/clustergraph/vocab/> .
@prefix nuts: <http://data.europa.eu/nuts/code/> .
@prefix country: <http://publications.europa.eu/resource/authority/country/> .
"""


def _key(r) -> tuple:  # noqa: ANN001
    # an anonymous source shape has a fresh blank node per run: compare it as "a blank node"
    shape = "_:anonymous" if r.source_shape.startswith("_:") else r.source_shape
    return (r.focus_node, r.path, r.value, r.severity, shape, r.constraint, r.message)


def both(data, **kw):  # noqa: ANN001, ANN201
    """Both engines' results as sets of keys, and the oxigraph result itself."""
    fast = validate(data, engine="oxigraph", **kw)
    ref = validate(data, engine="pyshacl", **kw)
    assert fast.engine == "oxigraph" and ref.engine == "pyshacl"
    assert fast.conforms == ref.conforms
    assert len(fast.results) == len(ref.results)
    return {_key(r) for r in fast.results}, {_key(r) for r in ref.results}, fast


def both_on(tmp_path, shapes: str, data: str):  # noqa: ANN001, ANN201
    """:func:`both` on the bundled document and ``data`` (Turtle, written as a data file)
    with the extra ``shapes`` (Turtle)."""
    shapes_file = tmp_path / "extra-shapes.ttl"
    shapes_file.write_text(shapes, encoding="utf-8")
    data_file = tmp_path / "fixture" / "budgets.ttl"
    data_file.parent.mkdir()
    data_file.write_text(data, encoding="utf-8")
    return both([DOCUMENT, data_file], extra_shapes=[shapes_file])


# --------------------------------------------------------------------------- the fixtures


@pytest.mark.parametrize("path", FIXTURE_FILES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_engines_agree_on_every_fixture(path: Path) -> None:
    fast, ref, result = both(sorted({DOCUMENT, path}))
    assert fast == ref
    assert result.fallback == []
    if path.parent.name == "invalid":
        assert fast  # the fixture does break a rule: the comparison is not of two empties


def test_engines_agree_on_the_bundled_graph(kg: KnowledgeGraph) -> None:
    fast, ref, result = both(kg)
    assert fast == ref and len(fast) == 5
    assert result.fallback == []


def test_the_default_engine_is_oxigraph_without_inference_and_pyshacl_with() -> None:
    files = [DOCUMENT, FIXTURES / "invalid" / "period-start-after-end.ttl"]
    assert validate(files).engine == "oxigraph"
    assert validate(files, inference="rdfs").engine == "pyshacl"


def test_oxigraph_engine_refuses_inference_and_unknown_engines() -> None:
    with pytest.raises(UsageError, match="needs --engine pyshacl"):
        validate([DOCUMENT], engine="oxigraph", inference="rdfs")
    with pytest.raises(UsageError, match="unknown engine 'jena'"):
        validate([DOCUMENT], engine="jena")


def test_oxigraph_engine_makes_no_rdflib_copy_of_the_data(monkeypatch) -> None:  # noqa: ANN001
    def refuse(*_a, **_k):  # noqa: ANN002, ANN003, ANN202
        raise AssertionError("the data was converted to rdflib")

    kg = load()
    monkeypatch.setattr(KnowledgeGraph, "to_rdflib", refuse)
    result = validate(kg, engine="oxigraph")
    assert len(result.warnings) == 5
    assert {r.country for r in result.results} == {"country:BEL"}  # looked up on Oxigraph
    assert all(r.label and r.source_part for r in result.results)


# --------------------------------------------------------------------------- a landscape

BROKEN = PREFIXES + """
@prefix sec: <https://w3id.org/clustergraph/id/factsheet/synth-be-2023/> .
ex:no-prov a cg:Observation ; cg:measure v:measure\\/projects ; cg:value 3 ;
    cg:unit v:unit\\/number ; cg:refArea nuts:BE3 .
ex:bad-figure a cg:Observation ; cg:measure v:measure\\/projects, v:measure\\/members ;
    cg:value "three" ; cg:unit v:unit\\/number, v:unit\\/percent ;
    cg:qualifier v:policy-type\\/national ; prov:wasDerivedFrom ex:nowhere .
ex:budget a cg:Budget ; cg:amount -5.0 ; cg:dataAvailability v:data-availability\\/no-data ;
    cg:budgetType v:budget-type\\/annual ; prov:wasDerivedFrom sec:section-2.3 .
ex:region-x a cg:Region ; cg:nutsLevel 7 ; cg:country country:BEL .
ex:participation a cg:ProgrammeParticipation ; cg:participantCountry country:BEL ;
    cg:programme ex:programme ; cg:partnerCountries ( country:FRA nuts:DE ) ;
    prov:wasDerivedFrom sec:section-2.3 .
ex:participation-2 a cg:ProgrammeParticipation ; cg:participantCountry country:BEL ;
    cg:programme ex:programme ; cg:partnerCountries ex:broken-list ;
    prov:wasDerivedFrom sec:section-2.3 .
ex:broken-list rdf:first country:FRA, country:DEU ; rdf:rest ex:broken-tail .
ex:agg a cg:Agglomeration ; cg:refArea nuts:BE3 ; cg:rank 1 ;
    cg:agglomerationType v:agglomeration-type\\/sectoral ;
    cg:ecosystem v:industrial-ecosystem\\/digital ; prov:wasDerivedFrom sec:section-2.3 .
"""


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> list[str]:  # noqa: ANN001
    """Two synthetic countries; the second gets a file of broken nodes."""
    d = tmp_path_factory.mktemp("landscape")
    generate(d, 2, 1, 2, seed=11)
    (d / "synth-be" / "broken.ttl").write_text(BROKEN, encoding="utf-8")
    return [str(p) for p in sorted(d.glob("*/*.ttl"))]


def test_engines_agree_on_a_landscape_with_injected_errors(landscape) -> None:  # noqa: ANN001
    fast, ref, result = both(landscape)
    assert fast == ref
    assert result.fallback == []
    shapes = {k[4] for k in fast}
    for shape in ("cgsh:Provenance-wasDerivedFrom", "cgsh:Observation-value",
                  "cgsh:UnitShape", "cgsh:QualifierShape", "cgsh:BudgetShape",
                  "cgsh:Budget-amount", "cgsh:RegionShape", "cgsh:Region-nutsLevel",
                  "cgsh:ProgrammeParticipation-partnerCountry",
                  "cgsh:ProgrammeParticipation-partnerCountries", "cgsh:AgglomerationShape",
                  "cgsh:Observation-measure"):
        assert shape in shapes, shape  # each injected error was found (by both)


@pytest.mark.parametrize("country", ["synth-at", "synth-be"])
def test_engines_agree_on_one_country(landscape, country) -> None:  # noqa: ANN001
    fast, ref, _ = both(landscape, country=country)
    assert fast == ref
    assert bool(fast) is (country == "synth-be")


# --------------------------------------------------------------------------- literals

ODD = PREFIXES + """
ex:fs a cg:FundingSource ; cg:fundingSourceType v:funding-source-type\\/public ;
    prov:wasDerivedFrom ex:section ; cg:share "1e2"^^xsd:decimal .
ex:fs-2 a cg:FundingSource ; cg:fundingSourceType v:funding-source-type\\/public ;
    prov:wasDerivedFrom ex:section ; cg:share ".5"^^xsd:decimal .
ex:fs-3 a cg:FundingSource ; cg:fundingSourceType v:funding-source-type\\/public ;
    prov:wasDerivedFrom ex:section ; cg:share "abc"^^xsd:decimal .
ex:fs-4 a cg:FundingSource ; cg:fundingSourceType v:funding-source-type\\/public ;
    prov:wasDerivedFrom ex:section ; cg:share "1e3"^^xsd:decimal .
ex:fs-5 a cg:FundingSource ; cg:fundingSourceType v:funding-source-type\\/public ;
    prov:wasDerivedFrom ex:section ; cg:share "050.0"^^xsd:decimal .
ex:country-x a cg:Country ; cg:isEUMemberState "TRUE"^^xsd:boolean ;
    skos:prefLabel "X"@en .
ex:country-y a cg:Country ; cg:isEUMemberState "yes"^^xsd:boolean ;
    skos:prefLabel "Y"@en .
ex:factsheet-x a cg:Factsheet ; dct:title "X"@en ; cg:country country:BEL ;
    cg:edition "2023"^^xsd:gYear ; cg:dataDate "2023-13-01"^^xsd:date .
ex:factsheet-y a cg:Factsheet ; dct:title "Y"@en ; cg:country country:BEL ;
    cg:edition "20x3"^^xsd:gYear ; cg:dataDate "2023-02-30"^^xsd:date .
ex:region-z a cg:Region ; cg:nutsLevel "+02"^^xsd:integer ; cg:country country:BEL .
ex:period a cg:Period ; prov:wasDerivedFrom ex:section ;
    cg:maximumDuration "10Y"^^xsd:duration .
ex:rank a cg:EmploymentSpecialisation ; prov:wasDerivedFrom ex:section ;
    cg:ecosystem v:industrial-ecosystem\\/digital ; cg:refArea country:BEL ;
    cg:employmentRank "abc"^^xsd:integer .
"""


def test_engines_agree_on_literals_rdflib_and_sparql_read_differently(tmp_path) -> None:  # noqa: ANN001
    f = tmp_path / "fixture" / "odd.ttl"
    f.parent.mkdir()
    f.write_text(ODD, encoding="utf-8")
    fast, ref, _ = both([DOCUMENT, f])
    assert fast == ref
    components = {(k[0].rsplit("/", 1)[-1], k[5]) for k in fast}
    # "1e2"^^xsd:decimal is no decimal to XSD (nor SPARQL), but is one to rdflib: pySHACL
    # accepts it and compares it as 100, so the oxigraph engine must too
    assert not {c for n, c in components if n == "fs"}
    assert ("fs-4", "sh:MaxInclusiveConstraintComponent") in components
    assert ("country-y", "sh:DatatypeConstraintComponent") in components
    assert ("factsheet-x", "sh:DatatypeConstraintComponent") in components


# --------------------------------------------------------------------------- more SHACL

EXTRA_SHAPES = PREFIXES + """
cgsh:TestInNodeShape a sh:NodeShape ; sh:targetClass cg:Budget ;
    sh:property cgsh:TestInShape .
cgsh:TestInShape sh:path cg:budgetType ; sh:in ( v:budget-type\\/overall ) ;
    sh:message "in: {$this} {?value}"@en .
cgsh:TestNotShape a sh:NodeShape ; sh:targetClass cg:Budget ;
    sh:not [ sh:path cg:amount ; sh:minCount 1 ] ;
    sh:message "not: {$this}"@en .
cgsh:TestAndShape a sh:NodeShape ; sh:targetNode ex:budget, ex:nothing ;
    sh:and ( [ sh:path cg:amount ; sh:minCount 2 ] [ sh:nodeKind sh:IRI ] ) ;
    sh:message "and: {$this}"@en .
cgsh:TestLengthShape a sh:PropertyShape ; sh:targetSubjectsOf rdfs:label ;
    sh:path rdfs:label ; sh:maxLength 12 ; sh:message "too long: {?value}"@en .
cgsh:TestExclusiveShape a sh:PropertyShape ; sh:targetClass cg:Budget ;
    sh:path cg:amount ; sh:minExclusive 100 ; sh:maxExclusive 1000000 ;
    sh:message "range: {?value}"@en .
cgsh:TestInverseShape a sh:PropertyShape ; sh:targetClass cg:DocumentPart ;
    sh:path [ sh:inversePath prov:wasDerivedFrom ] ; sh:maxCount 1 ;
    sh:severity sh:Info ; sh:message "inverse: {$this}"@en .
cgsh:TestOneOrMoreShape a sh:PropertyShape ; sh:targetClass cg:DocumentPart ;
    sh:path [ sh:oneOrMorePath dct:isPartOf ] ; sh:class cg:Budget ;
    sh:severity sh:Warning ; sh:message "chain: {$this} {?value}"@en .
cgsh:TestZeroOrOneShape a sh:PropertyShape ; sh:targetObjectsOf prov:wasDerivedFrom ;
    sh:path [ sh:zeroOrOnePath dct:isPartOf ] ; sh:nodeKind sh:BlankNodeOrLiteral ;
    sh:message "zero-or-one: {$this} {?value}"@en .
cgsh:TestPatternFlagsShape a sh:PropertyShape ; sh:targetClass cg:Budget ;
    sh:path cg:budgetType ; sh:pattern "ANNUAL$" ; sh:flags "i" ;
    sh:message "flags: {?value}"@en .
cgsh:TestDeactivatedShape a sh:NodeShape ; sh:targetClass cg:Budget ; sh:deactivated true ;
    sh:nodeKind sh:Literal ; sh:message "never"@en .
"""

BUDGETS = PREFIXES + """
ex:budget a cg:Budget ; cg:amount 50.5 ; cg:budgetType v:budget-type\\/annual ;
    cg:currency <http://publications.europa.eu/resource/authority/currency/EUR> ;
    prov:wasDerivedFrom ex:section .
ex:budget-2 a cg:Budget ; cg:dataAvailability v:data-availability\\/no-data-available ;
    cg:budgetType v:budget-type\\/overall ; prov:wasDerivedFrom ex:section .
"""


def test_engines_agree_on_shacl_features_the_bundled_shapes_do_not_use(tmp_path) -> None:  # noqa: ANN001
    fast, ref, result = both_on(tmp_path, EXTRA_SHAPES, BUDGETS)
    assert fast == ref
    assert result.fallback == []  # all compiled
    fired = {k[4] for k in fast}
    assert fired == {f"cgsh:Test{n}Shape" for n in (
        "In", "Not", "And", "Length", "Exclusive", "Inverse", "OneOrMore", "ZeroOrOne",
        "PatternFlags")}


# ------------------------------------------------- literals the store holds rewritten

REWRITTEN_SHAPES = PREFIXES + """
cgsh:TestRangeShape a sh:PropertyShape ; sh:targetClass cg:Budget ;
    sh:path cg:amount ; sh:minInclusive 100 ; sh:message "range: {?value}"@en .
cgsh:TestDigitsShape a sh:PropertyShape ; sh:targetClass cg:Budget ;
    sh:path cg:amount ; sh:pattern "^[0-9]+$" ; sh:message "digits: {?value}"@en .
"""

REWRITTEN_DATA = PREFIXES + """
ex:budget a cg:Budget ; cg:amount 50.0, 50.00, 7 ; cg:budgetType v:budget-type\\/annual ;
    cg:currency <http://publications.europa.eu/resource/authority/currency/EUR> ;
    prov:wasDerivedFrom ex:section .
"""


def test_literals_the_store_rewrites_are_validated_as_written(tmp_path) -> None:  # noqa: ANN001
    """The store holds 50.0 and 50.00 as one "50"^^xsd:decimal. A value comparison runs
    compiled and names both values as written; sh:pattern, whose answer depends on the
    form, runs in pySHACL on the data as written (50 would match ^[0-9]+$, 50.0 does not).
    Both engines give the same results."""
    fast, ref, result = both_on(tmp_path, REWRITTEN_SHAPES, REWRITTEN_DATA)
    assert fast == ref
    # a value comparison stays compiled; sh:pattern goes to pySHACL, and so do the bundled
    # shapes that count cg:amount values (two of them merged into one in the store)
    assert "cgsh:TestRangeShape" not in result.fallback
    assert result.fallback_reasons["cgsh:TestDigitsShape"].endswith("(pattern)")
    assert {why.rsplit(" (", 1)[-1] for s, why in result.fallback_reasons.items()
            if s != "cgsh:TestDigitsShape"} == {"distinct literals merged: counts)"}
    mine = sorted((k[2], k[4]) for k in fast if k[4].startswith("cgsh:Test"))
    assert mine == [
        ("50.0", "cgsh:TestDigitsShape"),
        ("50.0", "cgsh:TestRangeShape"),
        ("50.00", "cgsh:TestDigitsShape"),
        ("50.00", "cgsh:TestRangeShape"),
        ("7", "cgsh:TestRangeShape"),
    ]


# --------------------------------------------------------------------------- the fallback

UNSUPPORTED_SHAPES = PREFIXES + """
cgsh:TestLessThanShape a sh:PropertyShape ; sh:targetClass cg:Budget ;
    sh:path cg:amount ; sh:lessThan cg:amount ;
    sh:message "less than: {$this} {?value}"@en .
cgsh:TestNestedShape a sh:NodeShape ; sh:targetClass cg:Budget ;
    sh:property cgsh:TestNestedProperty .
cgsh:TestNestedProperty a sh:PropertyShape ; sh:path cg:budgetType ;
    sh:property cgsh:TestNestedChild .
cgsh:TestNestedChild a sh:PropertyShape ; sh:path rdfs:label ; sh:minCount 1 ;
    sh:message "nested: {$this}"@en .
cgsh:TestNoMessageShape a sh:PropertyShape ; sh:targetClass cg:Budget ;
    sh:path cg:budgetType ; sh:minCount 2 .
"""


def test_unsupported_shapes_fall_back_to_pyshacl_and_still_report(tmp_path) -> None:  # noqa: ANN001
    fast, ref, result = both_on(tmp_path, UNSUPPORTED_SHAPES, BUDGETS)
    assert fast == ref
    assert sorted(result.fallback) == ["cgsh:TestLessThanShape", "cgsh:TestNestedShape"]
    fired = {k[4] for k in fast}  # run by pySHACL, not skipped
    assert {"cgsh:TestLessThanShape", "cgsh:TestNestedChild"} <= fired


def test_a_shape_without_message_compiles_with_pyshacls_message(tmp_path) -> None:  # noqa: ANN001
    """No sh:message: compiled all the same, and worded as pySHACL words it."""
    fast, ref, result = both_on(tmp_path, UNSUPPORTED_SHAPES, BUDGETS)
    assert "cgsh:TestNoMessageShape" not in result.fallback
    mine = sorted(k for k in fast if k[4] == "cgsh:TestNoMessageShape")
    assert mine == sorted(k for k in ref if k[4] == "cgsh:TestNoMessageShape")
    assert [k[6] for k in mine] == [
        f"Less than 2 values on <{k[0]}>-><cg:budgetType>" for k in mine]
    assert len(mine) == 2


NEWLY_COMPILED_SHAPES = PREFIXES + """
cgsh:TestLanguageShape a sh:PropertyShape ; sh:targetClass cg:DocumentPart ;
    sh:path rdfs:label ; sh:languageIn ( "fr" "nl-BE" ) .
cgsh:TestUniqueLangShape a sh:PropertyShape ; sh:targetClass cg:DocumentPart ;
    sh:path rdfs:label ; sh:uniqueLang true .
cgsh:TestClosedShape a sh:NodeShape ; sh:targetClass cg:Budget ; sh:closed true ;
    sh:property [ sh:path cg:budgetType ] ; sh:ignoredProperties ( rdf:type ) .
cgsh:TestEqualsShape a sh:PropertyShape ; sh:targetClass cg:DocumentPart ;
    sh:path rdfs:label ; sh:equals skos:altLabel .
cgsh:TestDisjointShape a sh:PropertyShape ; sh:targetClass cg:DocumentPart ;
    sh:path rdfs:label ; sh:disjoint skos:altLabel .
cgsh:TestQualifiedShape a sh:NodeShape ; sh:targetClass cg:Budget ;
    sh:property cgsh:TestQualifiedProperty .
cgsh:TestQualifiedProperty a sh:PropertyShape ; sh:path cg:budgetType ;
    sh:qualifiedValueShape [ sh:hasValue v:budget-type\\/overall ] ; sh:qualifiedMinCount 1 .
"""


def test_newly_compiled_features(tmp_path) -> None:  # noqa: ANN001
    """sh:languageIn, sh:uniqueLang, sh:closed, sh:equals, sh:disjoint and qualified
    cardinalities, without sh:message: compiled, and the same results, messages included,
    as pySHACL."""
    fast, ref, result = both_on(tmp_path, NEWLY_COMPILED_SHAPES, BUDGETS + """
ex:section rdfs:label "Deel"@nl-BE, "Partie"@fr, "Autre partie"@fr ;
    skos:altLabel "Partie"@fr, "Sectie"@nl-BE .
""")
    assert fast == ref
    assert result.fallback == []
    mine = {(k[4], k[5]) for k in fast if k[4].startswith("cgsh:Test")}
    assert mine == {("cgsh:TestLanguageShape", "sh:LanguageInConstraintComponent"),
                    ("cgsh:TestUniqueLangShape", "sh:UniqueLangConstraintComponent"),
                    ("cgsh:TestClosedShape", "sh:ClosedConstraintComponent"),
                    ("cgsh:TestEqualsShape", "sh:EqualsConstraintComponent"),
                    ("cgsh:TestDisjointShape", "sh:DisjointConstraintComponent"),
                    ("cgsh:TestQualifiedProperty", "sh:QualifiedMinCountConstraintComponent")}


def test_compiler_reports_why_a_shape_falls_back() -> None:
    import pyoxigraph as ox
    import rdflib

    from clustergraph.shacl_sparql import plan

    shapes = rdflib.Graph().parse(data=UNSUPPORTED_SHAPES, format="turtle")
    store = ox.Store()
    p = plan(shapes, store.query)
    reasons = {str(s).rsplit("#", 1)[-1]: why for s, why in p.reasons.items()}
    assert reasons == {"TestLessThanShape": "sh:lessThan",
                       "TestNestedShape": "sh:property on a property shape"}
    assert [str(c.shape).rsplit("#", 1)[-1] for c in p.checks] == ["TestNoMessageShape"]


def test_the_plan_says_which_path_runs_each_feature() -> None:
    import pyoxigraph as ox
    import rdflib

    from clustergraph.shacl_sparql import SH, plan

    p = plan(rdflib.Graph().parse(data=UNSUPPORTED_SHAPES, format="turtle"), ox.Store().query)
    assert p.features() == [
        (SH + "LessThanConstraintComponent", 0, 1),
        # TestNoMessageShape compiled; TestNestedChild (under TestNestedShape) left to pySHACL
        (SH + "MinCountConstraintComponent", 1, 1),
        (SH + "PropertyConstraintComponent", 0, 1),
    ]


def test_cli_explain_engine(runner, tmp_path) -> None:  # noqa: ANN001
    shapes = tmp_path / "unsupported.ttl"
    shapes.write_text(UNSUPPORTED_SHAPES, encoding="utf-8")
    r = runner.invoke(main, ["validate", "--explain-engine", "--shapes", str(shapes)])
    assert r.exit_code == 0, r.output
    lines = r.output.splitlines()
    assert lines[0].split() == ["constraint", "component", "compiled", "pySHACL"]

    def table(out: str) -> dict[str, list[int]]:
        return {line.split()[0]: [int(n) for n in line.split()[1:]]
                for line in out.splitlines()[1:] if line.startswith(("sh:", "cgsh:"))}

    rows = table(r.output)
    bundled = runner.invoke(main, ["validate", "--explain-engine"])
    assert bundled.exit_code == 0, bundled.output
    base = table(bundled.output)  # the bundled shapes: everything compiled
    assert all(left == 0 for _compiled, left in base.values())
    # the added shapes: one sh:lessThan and one nested sh:property left to pySHACL, the
    # bundled components unchanged
    assert rows["sh:LessThanConstraintComponent"] == [0, 1]
    assert rows["sh:PropertyConstraintComponent"] == [
        base["sh:PropertyConstraintComponent"][0], 1]
    assert rows["cgsh:InSchemeConstraintComponent"] == base["cgsh:InSchemeConstraintComponent"]
    assert lines[-3:] == ["left to pySHACL:",
                          "  cgsh:TestLessThanShape: sh:lessThan",
                          "  cgsh:TestNestedShape: sh:property on a property shape"]
    bad = runner.invoke(main, ["validate", "--explain-engine", "--engine", "pyshacl"])
    assert bad.exit_code == 2
    assert bad.stderr == ("clustergraph: error: --explain-engine explains the oxigraph "
                          "engine (not --engine pyshacl)\n")


# --------------------------------------------------------------------------- the command


def test_cli_engines_print_the_same_report(runner) -> None:  # noqa: ANN001
    fast = runner.invoke(main, ["validate", "--engine", "oxigraph"])
    ref = runner.invoke(main, ["validate", "--engine", "pyshacl"])
    assert fast.exit_code == ref.exit_code == 0
    assert fast.output == ref.output
    bad = [str(DOCUMENT), str(FIXTURES / "invalid" / "role-not-in-scheme.ttl")]
    fast = runner.invoke(main, ["validate", "--engine", "oxigraph", "--format", "json", *bad])
    ref = runner.invoke(main, ["validate", "--engine", "pyshacl", "--format", "json", *bad])
    assert fast.exit_code == ref.exit_code == 1
    assert fast.output == ref.output


def test_cli_refuses_oxigraph_with_inference(runner) -> None:  # noqa: ANN001
    r = runner.invoke(main, ["validate", "--engine", "oxigraph", "--inference", "rdfs"])
    assert r.exit_code == 2
    assert r.stderr.startswith("clustergraph: error: --inference rdfs needs --engine pyshacl")



@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_report_with_only_warnings_does_not_conform_but_exits_0(runner, engine) -> None:  # noqa: ANN001
    """SHACL 3.6: sh:conforms is false when there is any result, warnings included; the
    exit code keeps the documented policy (warnings do not fail a run)."""
    import rdflib

    r = runner.invoke(main, ["validate", "--engine", engine, "--format", "turtle"])
    assert r.exit_code == 0
    report = rdflib.Graph().parse(data=r.output, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    (node,) = report.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert report.value(node, sh.conforms) == rdflib.Literal(False)
    severities = [report.value(res, sh.resultSeverity) for res in report.objects(node, sh.result)]
    assert severities == [sh.Warning] * 5
