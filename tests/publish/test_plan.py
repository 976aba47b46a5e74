"""The plan and the published form, without a store: --dry-run, target URLs, skolemisation,
canonical N-Triples and the store forms of values."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from clustergraph.cli import main
from clustergraph.errors import UsageError
from clustergraph.publish.canonical import (
    GENID,
    canonical_lines,
    canonical_literal,
    skolemise,
    virtuoso_duration,
)
from clustergraph.publish.profiles import OXIGRAPH, VIRTUOSO, target
from clustergraph.publish.run import CATALOG_GRAPH, make_plan
from clustergraph.publish.servers import free_port

XSD = "http://www.w3.org/2001/XMLSchema#"


def lit(v: str, dt: str) -> ox.Literal:
    return ox.Literal(v, datatype=ox.NamedNode(XSD + dt))


def test_dry_run_prints_the_plan_and_sends_nothing(runner, kg) -> None:
    url = f"http://127.0.0.1:{free_port()}/store"  # nothing listens there
    result = runner.invoke(main, ["publish", "--to", url, "--dry-run"])
    assert result.exit_code == 0, result.output
    plan = make_plan(kg, target(url))
    lines = result.stdout.splitlines()
    assert lines[0].startswith(f"plan: publish to {url.removesuffix('/store')} (oxigraph; ")
    assert [line.split()[:3] for line in lines[1:-1]] == [
        [g.name, str(g.count), "triples"] for g in plan.graphs]
    assert lines[-1] == (f"  {len(plan.graphs)} graphs, {plan.triples} triples, {plan.bytes} "
                         "bytes; nothing sent (--dry-run)")
    assert [g.name for g in plan.graphs][-1] == CATALOG_GRAPH
    assert len(plan.graphs) == len(kg.graphs()) + 1


def test_targets() -> None:
    assert target("http://h:8890/sparql-graph-crud-auth").profile is VIRTUOSO
    assert target("http://h:7878/store").profile is OXIGRAPH
    t = target("https://h/triplestore/store")
    assert (t.origin, t.url("/update")) == ("https://h/triplestore", "https://h/triplestore/update")
    assert target("http://h:7878", "oxigraph").origin == "http://h:7878"
    with pytest.raises(UsageError, match="not a Graph Store endpoint clustergraph knows"):
        target("http://h:7878/sparql")
    with pytest.raises(UsageError, match="must be an http"):
        target("ftp://h/store")


def test_usage_errors_exit_2(runner) -> None:
    result = runner.invoke(main, ["publish", "--to", "http://h/nothing", "--dry-run"])
    assert result.exit_code == 2
    assert result.stderr == ("clustergraph: error: --to http://h/nothing: not a Graph Store "
                             "endpoint clustergraph knows (Virtuoso: /sparql-graph-crud-auth, "
                             "Oxigraph: /store); give --store-type\n")
    result = runner.invoke(main, ["publish", "--to", "http://h/store", "--layers", "x"])
    assert result.exit_code == 2


def test_skolemisation_is_deterministic_and_salted_by_graph() -> None:
    def graph(order):
        b1, b2 = ox.BlankNode(), ox.BlankNode()
        a = ox.NamedNode("https://example.org/a")
        first = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#first")
        rest = ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#rest")
        ts = [ox.Triple(a, ox.NamedNode("https://example.org/p"), b1),
              ox.Triple(b1, first, ox.Literal("x")), ox.Triple(b1, rest, b2),
              ox.Triple(b2, first, ox.Literal("y")),
              ox.Triple(b2, rest, ox.NamedNode("http://www.w3.org/1999/02/22-rdf-syntax-ns#nil"))]
        return ts if order else ts[::-1]

    one = canonical_lines(skolemise("urn:g", graph(True)))
    two = canonical_lines(skolemise("urn:g", graph(False)))
    assert one == two and len(one) == 5
    assert all(b"_:" not in line for line in one)
    assert sum(line.count(GENID.encode()) for line in one) == 6  # b1 three times, b2 three
    assert canonical_lines(skolemise("urn:h", graph(True))) != one


def test_canonical_literals() -> None:
    assert canonical_literal(lit("007", "integer")) == lit("7", "integer")
    assert canonical_literal(lit("5", "nonNegativeInteger")) == lit("5", "integer")
    assert canonical_literal(lit("1.50", "decimal")) == lit("1.5", "decimal")
    assert canonical_literal(lit("2.0", "decimal")) == lit("2", "decimal")
    assert canonical_literal(lit("1", "boolean")) == lit("true", "boolean")
    assert canonical_literal(lit("2023", "gYear")) == lit("2023", "gYear")
    assert canonical_literal(lit("abc", "integer")) == lit("abc", "integer")


def test_virtuoso_durations() -> None:
    assert virtuoso_duration(lit("P3Y", "duration")) == lit("36", "duration")
    assert virtuoso_duration(lit("P10Y", "duration")) == lit("120", "duration")
    assert virtuoso_duration(lit("P1DT2H", "duration")) == lit("93600.0", "duration")
    assert virtuoso_duration(lit("P1Y2D", "duration")) == lit("P1Y2D", "duration")


def test_the_record_is_the_one_a_full_rdflib_conversion_gives(kg, tmp_path) -> None:
    """catalog_triples counts the VoID statistics on N-Triples lines and converts only what
    the record reads: the record must be the one dcat.record gives on every triple as
    rdflib terms (the export's path), edge cases included: a literal typed as a class, two
    spellings of one integer, a language tag, a triple in two graphs."""
    from clustergraph import dcat
    from clustergraph.export import rdflib_term
    from clustergraph.formats import FORMATS
    from clustergraph.publish.run import (
        _planned,
        catalog_triples,
        local_graphs,
        publication_record,
    )
    from clustergraph.store import load, to_oxigraph_term

    folder = tmp_path / "fictland"
    folder.mkdir()
    (folder / "extra.ttl").write_text(
        "@prefix ex: <https://example.org/fictional/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a a ex:Thing, "not a class" ; ex:q "007"^^xsd:integer, "7"^^xsd:integer .\n'
        'ex:b ex:label "Fictional"@en-GB ; ex:parts ( ex:a ex:b ) .\n'
        "<https://w3id.org/clustergraph/id/policy/be-001> ex:q ex:a .\n")
    big = load(extra_files=[str(folder / "extra.ttl")])
    t = target("http://127.0.0.1:1/store")
    graphs = local_graphs(big)
    planned = {name: _planned(name, ts) for name, ts in graphs.items()}
    as_rdflib = {g: [(rdflib_term(x.subject), rdflib_term(x.predicate), rdflib_term(x.object))
                     for x in ts] for g, ts in graphs.items()}
    full = [ox.Triple(to_oxigraph_term(s), to_oxigraph_term(p), to_oxigraph_term(o))
            for s, p, o in dcat.record(as_rdflib, FORMATS.values())]
    got = catalog_triples(graphs, planned, t)
    assert got == full + publication_record(planned, t)
    void = {(x.predicate.value.split("#")[1], x.object.value) for x in got
            if x.subject.value == dcat.DATASET and x.predicate.value.startswith(dcat.VOID)
            and isinstance(x.object, ox.Literal) and x.predicate.value != dcat.VOID + "uriSpace"}
    assert ("triples", str(len(set().union(*({(x.subject, x.predicate, x.object) for x in ts}
                                              for ts in graphs.values()))))) in void
    assert len(void) == 5  # triples, classes, properties, distinct subjects and objects


def test_the_fast_plan_is_the_reference_plan(tmp_path) -> None:
    """planned_graph (Oxigraph's N-Triples, only blank-node and XSD-typed lines parsed)
    gives the count, checksum and upload lines of the reference path (every triple read
    out, skolemised and serialised): blank nodes, two spellings of one integer, a decimal
    and a boolean to canonicalise, "_:" inside a literal and an IRI, a tagged literal."""
    from clustergraph.publish.run import _planned, local_graph, planned_graph
    from clustergraph.store import load

    folder = tmp_path / "fictland"
    folder.mkdir()
    (folder / "extra.ttl").write_text(
        "@prefix ex: <https://example.org/fictional/> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n"
        'ex:a ex:q "007"^^xsd:integer, "7"^^xsd:integer, "1.50"^^xsd:decimal,\n'
        '  "1"^^xsd:boolean ;\n'
        '  ex:note "not _:a blank node", "x"^^ex:type ; ex:see <https://example.org/_:b> .\n'
        'ex:b ex:label "Fictional"@en-GB ; ex:parts ( ex:a ex:b ) ;\n'
        '  ex:r [ ex:v "2"^^xsd:byte ] .\n')
    kg = load(("data",), extra_files=[str(folder / "extra.ttl")])
    names = [g for g in kg.graphs() if g.endswith("/fictland")]
    assert names
    for name in names:
        ref, fast = _planned(name, local_graph(kg, name)), planned_graph(kg, name)
        assert (fast.count, fast.checksum) == (ref.count, ref.checksum)
        assert sorted(fast.body.splitlines()) == sorted(ref.body.splitlines())
        assert sorted(map(str, fast.triples)) == sorted(map(str, ref.triples))
    assert ref.count == 14  # 15 triples, "007" and "7" one value
