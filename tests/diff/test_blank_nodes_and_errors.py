"""Blank nodes matched by content (rdflib issue 1294), a change inside a blank node read as a
change of its owner, and the one-line errors of bad input (exit 3)."""

from __future__ import annotations

from pathlib import Path

from clustergraph.cli import main
from clustergraph.diff import diff, to_markdown

PREFIXES = """@prefix : <https://example.org/fictional#> .
@prefix owl: <http://www.w3.org/2002/07/owl#> .
@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix cg: <https://w3id.org/clustergraph/ontology#> .
"""
C1 = """:C1 a owl:Class ; rdfs:label "C1"@en ;
    rdfs:subClassOf [ a owl:Restriction ; owl:minCardinality "1"^^xsd:int ;
                      owl:onProperty rdfs:label ] .
"""
C2 = """:C2 a owl:Class ; rdfs:label "C2"@en ;
    rdfs:subClassOf [ a owl:Restriction ; owl:minCardinality "1"^^xsd:int ;
                      owl:onProperty rdfs:comment ] .
"""


#: Short names for the N-Triples below (written out in full before parsing).
NAMESPACES = {"CG#": "https://w3id.org/clustergraph/ontology#",
              "XSD#": "http://www.w3.org/2001/XMLSchema#",
              "RDFS#": "http://www.w3.org/2000/01/rdf-schema#",
              "RDF#": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
              "OWL#": "http://www.w3.org/2002/07/owl#",
              "EX#": "https://example.org/fictional#"}


def _expand(text: str) -> str:
    for short, ns in NAMESPACES.items():
        text = text.replace("<" + short, "<" + ns)
    return text


def _write(path: Path, text: str) -> Path:
    path.write_text(text, encoding="utf-8")
    return path


def test_rdflib_issue_1294_case(tmp_path) -> None:  # noqa: ANN001
    """The graphs of rdflib issue 1294: NEW adds C2 with its own restriction. rdflib's
    graph_diff also reports C1's unchanged restriction as only in OLD; we report C2 alone."""
    import rdflib
    from rdflib.compare import graph_diff, to_isomorphic

    old = _write(tmp_path / "old.ttl", PREFIXES + C1)
    new = _write(tmp_path / "new.ttl", PREFIXES + C1 + C2)
    g1 = rdflib.Graph().parse(old)
    g2 = rdflib.Graph().parse(new)
    _both, only_old, _only_new = graph_diff(to_isomorphic(g1), to_isomorphic(g2))
    assert len(only_old) == 4  # rdflib 7's mismatch (the right answer is 0)
    result = diff(old, new)
    assert [(e.status, e.iri) for e in result.entities] == [
        ("added", "https://example.org/fictional#C2")]
    (c2,) = result.entities
    assert c2.kind == "class" and c2.label == "C2"
    assert [(c.label, [v.display for v in c.new]) for c in c2.changes] == [
        ("rdf:type", ["owl:Class"]),
        ("rdfs:label", ["C2"]),
        ("rdfs:subClassOf",
         # numbers are compared by value: Oxigraph's store keeps "1"^^xsd:int as an integer
         ["[rdf:type owl:Restriction ; owl:minCardinality 1 ; "
          "owl:onProperty rdfs:comment]"]),
    ]
    assert (result.triples_added, result.triples_removed) == (6, 0)


def test_blank_node_relabelling_and_order_do_not_matter(tmp_path) -> None:  # noqa: ANN001
    """Several blank nodes, nested, with other labels and another order: equal."""
    a = _write(tmp_path / "a.ttl", PREFIXES + C1 + C2 + """
:P cg:hasBudget [ cg:amount 5.0 ; cg:part [ cg:amount 2.0 ] ] , [ cg:amount 7.0 ] .
[] rdfs:comment "a blank node nothing points to" .
""")
    b = _write(tmp_path / "b.nt", _expand("""
_:z9 <CG#amount> "7.0"^^<XSD#decimal> .
_:q <RDFS#comment> "a blank node nothing points to" .
<EX#P> <CG#hasBudget> _:z9 .
<EX#P> <CG#hasBudget> _:a1 .
_:a1 <CG#part> _:a2 .
_:a2 <CG#amount> "2.0"^^<XSD#decimal> .
_:a1 <CG#amount> "5.0"^^<XSD#decimal> .
_:r2 <RDF#type> <OWL#Restriction> .
_:r2 <OWL#onProperty> <RDFS#comment> .
_:r2 <OWL#minCardinality> "1"^^<XSD#int> .
<EX#C2> <RDFS#subClassOf> _:r2 .
<EX#C2> <RDFS#label> "C2"@en .
<EX#C2> <RDF#type> <OWL#Class> .
_:r1 <OWL#onProperty> <RDFS#label> .
_:r1 <OWL#minCardinality> "1"^^<XSD#int> .
_:r1 <RDF#type> <OWL#Restriction> .
<EX#C1> <RDFS#subClassOf> _:r1 .
<EX#C1> <RDFS#label> "C1"@en .
<EX#C1> <RDF#type> <OWL#Class> .
"""))
    result = diff(a, b)
    assert result.equal, to_markdown(result)


def test_a_change_inside_a_blank_node_is_a_change_of_its_owner(tmp_path) -> None:  # noqa: ANN001
    old = _write(tmp_path / "old.ttl", PREFIXES + """
:P a cg:ClusterPolicy ; rdfs:label "Fictional policy"@en ;
   cg:hasBudget [ cg:amount 5.0 ; cg:part [ cg:amount 2.0 ] ] , [ cg:amount 7.0 ] .
""")
    new = _write(tmp_path / "new.ttl", PREFIXES + """
:P a cg:ClusterPolicy ; rdfs:label "Fictional policy"@en ;
   cg:hasBudget [ cg:amount 7.0 ] , [ cg:part [ cg:amount 3.0 ] ; cg:amount 5.0 ] .
""")
    result = diff(old, new)
    assert [(e.status, e.iri, e.kind, e.label) for e in result.entities] == [
        ("changed", "https://example.org/fictional#P", "cluster policy", "Fictional policy")]
    (change,) = result.entities[0].changes
    assert change.label == "has budget"
    assert [v.display for v in change.old] == ["[cg:amount 5 ; cg:part [cg:amount 2]]"]
    assert [v.display for v in change.new] == ["[cg:amount 5 ; cg:part [cg:amount 3]]"]
    # a blank node is counted whole: its owner's statement and its closed description
    assert (result.triples_added, result.triples_removed) == (4, 4)


def test_a_blank_node_nothing_points_to_is_added_or_removed(tmp_path) -> None:  # noqa: ANN001
    old = _write(tmp_path / "old.ttl", PREFIXES + '[] rdfs:comment "one" .\n')
    new = _write(tmp_path / "new.ttl", PREFIXES + '[] rdfs:comment "two" .\n')
    result = diff(old, new)
    assert [(e.status, e.iri, [(c.label, [v.display for v in c.old], [v.display for v in c.new])
                               for c in e.changes]) for e in result.entities] == [
        ("added", None, [("rdfs:comment", [], ["two"])]),
        ("removed", None, [("rdfs:comment", ["one"], [])]),
    ]
    assert (result.triples_added, result.triples_removed) == (1, 1)


def test_bad_input_is_one_line_and_exit_3(tmp_path, runner) -> None:  # noqa: ANN001
    good = _write(tmp_path / "good.ttl", PREFIXES + C1)
    bad = _write(tmp_path / "bad.ttl", PREFIXES + ":a :b .\n")
    empty_dir = tmp_path / "empty"
    empty_dir.mkdir()
    cases = [
        ([str(tmp_path / "missing.ttl"), str(good)],
         f"{tmp_path / 'missing.ttl'}: no such file or directory"),
        ([str(good), str(bad)], f"{bad}, line 6, column 7: "),
        ([str(good), str(empty_dir)], f"{empty_dir}: the folder holds no RDF file"),
    ]
    for args, message in cases:
        res = runner.invoke(main, ["diff", *args])
        assert res.exit_code == 3, res.output
        assert res.output.startswith(f"clustergraph: error: {message}"), res.output
        assert res.output.count("\n") == 1 and "Traceback" not in res.output
    res = runner.invoke(main, ["diff", str(good), str(good), "--country", "xx"])
    assert res.exit_code == 2
    assert res.output == ("clustergraph: error: --country xx: OLD has no file in a folder "
                          "named 'xx'\n")


def test_blank_node_labels_are_local_to_a_file(tmp_path) -> None:  # noqa: ANN001
    """_:b in two files is two blank nodes (N-Quads keeps the labels it reads: renamed per
    file)."""
    folder = tmp_path / "two"
    folder.mkdir()
    budget = '<EX#P> <CG#hasBudget> _:b .\n_:b <CG#amount> "{}"^^<XSD#integer> .\n'
    _write(folder / "a.nq", _expand(budget.format(1)))
    _write(folder / "b.nq", _expand(budget.format(2)))
    one = _write(tmp_path / "one.ttl",
                 PREFIXES + ":P cg:hasBudget [ cg:amount 1 ] , [ cg:amount 2 ] .\n")
    assert diff(folder, one).equal
