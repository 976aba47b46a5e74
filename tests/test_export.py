"""Export (issue 6): deterministic, round-trip isomorphic in two parsers, atomic, layers kept
apart in the quad formats, inferences never mixed in, Unicode intact in every format."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from clustergraph import export as ex
from clustergraph import output
from clustergraph.cli import EXPORT_FORMATS, main
from clustergraph.errors import OutputError
from clustergraph.resources import GRAPH_BASE, bundle_root, layer_graph
from clustergraph.store import KnowledgeGraph, load

FIXTURE = Path(__file__).parent / "fixtures" / "export" / "unicode.ttl"
FORMATS = list(ex.FORMATS)
RDFLIB_FORMAT = {"turtle": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig",
                 "xml": "xml", "nquads": "nquads"}
OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
             "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG,
             "xml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS}
UNION = "union"


# --------------------------------------------------------------------------------------------
# helpers
# --------------------------------------------------------------------------------------------


def graph_of(triples) -> rdflib.Graph:
    g = rdflib.Graph(bind_namespaces="none")
    for t in triples:
        g.add(t)
    return g


def assert_isomorphic(expected: rdflib.Graph, actual: rdflib.Graph, what: str) -> None:
    """Isomorphism, with the triples that differ printed on failure."""
    if isomorphic(expected, actual):
        return
    _, only_expected, only_actual = graph_diff(to_isomorphic(expected), to_isomorphic(actual))

    def show(g: rdflib.Graph, sign: str) -> list[str]:
        rows = sorted(" ".join(t.n3() for t in triple) for triple in g)
        return [f"  {sign} {r}" for r in rows[:25]] + (["  ..."] if len(rows) > 25 else [])

    pytest.fail(
        f"{what}: not isomorphic ({len(expected)} expected, {len(actual)} parsed)\n"
        + "\n".join(show(only_expected, "-") + show(only_actual, "+"))
    )


def expected_rdflib(kg: KnowledgeGraph, layers=ex.LAYERS, catalog_only=False):
    """What an export must parse back to, in rdflib terms: the store's graphs (converted by
    the store's own rdflib bridge) and the DCAT-AP record in graph/catalog."""
    graphs: dict[str, rdflib.Graph] = {}
    if not catalog_only:
        ds = kg.to_rdflib([g for g in kg.graphs() if ex.layer_of(g) in layers])
        graphs = {str(g.identifier): g for g in ds.graphs() if len(g)}
    built, _ = ex.build(kg, layers, catalog_only=catalog_only)
    graphs[ex.CATALOG_GRAPH] = graph_of(built[ex.CATALOG_GRAPH])
    return graphs


def expected_oxigraph(kg: KnowledgeGraph, layers=ex.LAYERS, catalog_only=False):
    """The same, with literals exactly as the store holds them (no rdflib normalisation)."""
    graphs: dict[str, rdflib.Graph] = {}
    if not catalog_only:
        for gname in kg.graphs():
            if ex.layer_of(gname) in layers:
                graphs[gname] = graph_of(
                    (ex.rdflib_term(q.subject), ex.rdflib_term(q.predicate),
                     ex.rdflib_term(q.object))
                    for q in kg.store.quads_for_pattern(None, None, None, ox.NamedNode(gname))
                )
    built, _ = ex.build(kg, layers, catalog_only=catalog_only)
    graphs[ex.CATALOG_GRAPH] = graph_of(built[ex.CATALOG_GRAPH])
    return graphs


def as_union(graphs: dict[str, rdflib.Graph]) -> dict[str, rdflib.Graph]:
    return {UNION: graph_of(t for g in graphs.values() for t in g)}


def parse_rdflib(path: Path, fmt: str) -> dict[str, rdflib.Graph]:
    if ex.FORMATS[fmt].quads:
        ds = rdflib.Dataset()
        ds.parse(path, format=RDFLIB_FORMAT[fmt])
        return {str(g.identifier): graph_of(g) for g in ds.graphs() if len(g)}
    return {UNION: graph_of(rdflib.Graph().parse(path, format=RDFLIB_FORMAT[fmt]))}


def parse_oxigraph(path: Path, fmt: str) -> dict[str, rdflib.Graph]:
    by_graph: dict[str, list] = {}
    for q in ox.parse(path=str(path), format=OX_FORMAT[fmt]):
        name = q.graph_name.value if isinstance(q.graph_name, ox.NamedNode) else UNION
        by_graph.setdefault(name, []).append(
            (ex.rdflib_term(q.subject), ex.rdflib_term(q.predicate), ex.rdflib_term(q.object))
        )
    return {g: graph_of(ts) for g, ts in by_graph.items()}


def assert_same_graphs(expected, actual, what: str) -> None:
    assert sorted(actual) == sorted(expected), f"{what}: named graphs differ"
    for name in sorted(expected):
        assert_isomorphic(expected[name], actual[name], f"{what}, graph {name}")


@pytest.fixture(scope="module")
def fixture_kg() -> KnowledgeGraph:
    """The shipped ontology, vocabularies and reference data with the Unicode fixture as data."""
    return load(extra_files=[FIXTURE])


@pytest.fixture(scope="module")
def exported(kg, tmp_path_factory) -> dict[str, Path]:
    """Every format exported once from the full shipped graph."""
    out = tmp_path_factory.mktemp("export")
    paths = {}
    for fmt in FORMATS:
        path = out / f"clustergraph.{ex.FORMATS[fmt].extension}"
        ex.export(kg, fmt, path)
        paths[fmt] = path
    return paths


# --------------------------------------------------------------------------------------------
# determinism
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_repeated_export_is_byte_identical(fmt, exported, tmp_path):
    again = tmp_path / exported[fmt].name
    ex.export(load(), fmt, again)  # a fresh load: new blank-node ids in the store
    assert again.read_bytes() == exported[fmt].read_bytes()


@pytest.mark.slow
def test_export_does_not_depend_on_hash_seed(tmp_path):
    """Two processes with different hash seeds write the same bytes, in every format."""
    script = (
        "import sys\nfrom clustergraph.store import load\nfrom clustergraph.export import export"
        "\nkg = load(extra_files=[sys.argv[2]])\n"
        "for f, e in [('turtle','ttl'),('nt','nt'),('jsonld','jsonld'),('trig','trig'),"
        "('xml','rdf'),('nquads','nq')]:\n"
        "    export(kg, f, sys.argv[1] + '/out.' + e, with_inferences=f in ('turtle', 'trig'))\n"
    )
    for seed in ("1", "2"):
        (tmp_path / seed).mkdir()
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, "-c", script, str(tmp_path / seed), str(FIXTURE)],
                       check=True, env=env, cwd=tmp_path)
    names = sorted(p.name for p in (tmp_path / "1").iterdir())
    assert len(names) == 7  # six exports, one side file of inferences (turtle)
    for name in names:
        assert (tmp_path / "1" / name).read_bytes() == (tmp_path / "2" / name).read_bytes(), name


@pytest.mark.parametrize("fmt", ["turtle", "trig", "xml"])
def test_only_stable_prefixes(fmt, exported):
    text = exported[fmt].read_text(encoding="utf-8")
    if fmt == "xml":
        declared = {line.split("=")[0].strip().removeprefix("xmlns:")
                    for line in text.splitlines() if line.strip().startswith("xmlns:")}
    else:
        declared = {line.split()[1].rstrip(":") for line in text.splitlines()
                    if line.startswith("@prefix ")}
    assert declared, "no prefixes declared"
    assert declared <= set(ex.EXPORT_PREFIXES), declared - set(ex.EXPORT_PREFIXES)


def test_shipped_jsonld_context_is_the_prefix_map():
    shipped = json.loads((bundle_root() / "ontology" / "context.jsonld").read_text("utf-8"))
    assert shipped == {"@context": ex.EXPORT_PREFIXES}


def test_jsonld_context_is_inline_never_remote(exported):
    doc = json.loads(exported["jsonld"].read_text(encoding="utf-8"))
    assert doc["@context"] == ex.jsonld_context()["@context"]
    assert isinstance(doc["@context"], dict)


# --------------------------------------------------------------------------------------------
# round trip
# --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_rdflib(fmt, kg, exported):
    expected = expected_rdflib(kg)
    if not ex.FORMATS[fmt].quads:
        expected = as_union(expected)
    assert_same_graphs(expected, parse_rdflib(exported[fmt], fmt), f"{fmt} in rdflib")


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_oxigraph(fmt, kg, exported):
    expected = expected_oxigraph(kg)
    if not ex.FORMATS[fmt].quads:
        expected = as_union(expected)
    assert_same_graphs(expected, parse_oxigraph(exported[fmt], fmt), f"{fmt} in pyoxigraph")


@pytest.mark.parametrize("fmt", FORMATS)
def test_round_trip_fixture_with_lists_and_odd_literals(fmt, fixture_kg, tmp_path):
    """Blank nodes (two equal rdf:Lists), a non-canonical integer "07", a multi-line literal
    with quotes and a backslash: back exactly, in both parsers."""
    path = tmp_path / f"out.{ex.FORMATS[fmt].extension}"
    ex.export(fixture_kg, fmt, path)
    want_ox = expected_oxigraph(fixture_kg)
    want_rdflib = expected_rdflib(fixture_kg)
    if not ex.FORMATS[fmt].quads:
        want_ox, want_rdflib = as_union(want_ox), as_union(want_rdflib)
    assert_same_graphs(want_ox, parse_oxigraph(path, fmt), f"{fmt} in pyoxigraph")
    assert_same_graphs(want_rdflib, parse_rdflib(path, fmt), f"{fmt} in rdflib")


def test_quad_formats_keep_one_graph_per_layer_and_data_folder(kg, exported):
    names = {q.graph_name.value for q in ox.parse(path=str(exported["nquads"]),
                                                    format=ox.RdfFormat.N_QUADS)}
    assert names == set(kg.graphs()) | {ex.CATALOG_GRAPH}
    for layer in ("ontology", "vocabularies", "reference"):
        assert layer_graph(layer) in names
    assert any(n.startswith(GRAPH_BASE + "data/") for n in names)


def test_layers_select_graphs(kg, tmp_path):
    path = tmp_path / "onto.nq"
    ex.export(kg, "nquads", path, layers=("ontology",))
    names = {q.graph_name.value for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)}
    assert names == {layer_graph("ontology"), ex.CATALOG_GRAPH}


# --------------------------------------------------------------------------------------------
# Unicode
# --------------------------------------------------------------------------------------------

WORDS = ["Liège", "Vlaanderen", "Wallonie", "Pôles de compétitivité", "naïve", "Coopération"]


@pytest.mark.parametrize("fmt", FORMATS)
def test_unicode_labels_survive(fmt, fixture_kg, tmp_path):
    path = tmp_path / f"out.{ex.FORMATS[fmt].extension}"
    ex.export(fixture_kg, fmt, path)
    text = path.read_bytes().decode("utf-8")
    for word in WORDS:
        assert word in text, f"{word!r} not written as UTF-8 in {fmt}"
    literals = {o for g in parse_rdflib(path, fmt).values() for o in g.objects()
                if isinstance(o, rdflib.Literal)}
    for lit in (rdflib.Literal("Liège", lang="fr"), rdflib.Literal("Vlaanderen", lang="nl"),
                rdflib.Literal("Wallonie", lang="fr"),
                rdflib.Literal("Pôles de compétitivité de Wallonie", lang="fr")):
        assert lit in literals, f"{lit!r} lost in {fmt}"


# --------------------------------------------------------------------------------------------
# atomic writing
# --------------------------------------------------------------------------------------------

PREVIOUS = b"previous export\n"


def _previous(tmp_path: Path) -> Path:
    target = tmp_path / "graph.ttl"
    target.write_bytes(PREVIOUS)
    return target


def test_serializer_failure_leaves_previous_file(fixture_kg, tmp_path, monkeypatch):
    target = _previous(tmp_path)

    def boom(graphs):
        raise RuntimeError("serialiser failed half-way")

    monkeypatch.setitem(ex.SERIALIZERS, "turtle", boom)
    with pytest.raises(RuntimeError, match="half-way"):
        ex.export(fixture_kg, "turtle", target)
    assert target.read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_write_error_leaves_previous_file_and_exits_7(fixture_kg, tmp_path, monkeypatch,
                                                       runner):
    target = _previous(tmp_path)

    def failing_fsync(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(output.os, "fsync", failing_fsync)
    with pytest.raises(OutputError, match="graph.ttl: cannot be written"):
        ex.export(fixture_kg, "turtle", target)
    assert target.read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]

    result = runner.invoke(main, ["export", "--format", "turtle", "--output", str(target),
                                  "--layers", "ontology"])
    assert result.exit_code == 7, result.output
    assert "cannot be written" in result.stderr
    assert target.read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_interruption_leaves_previous_file(fixture_kg, tmp_path, monkeypatch):
    target = _previous(tmp_path)

    def interrupted(src, dst):
        raise KeyboardInterrupt

    monkeypatch.setattr(output.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        ex.export(fixture_kg, "turtle", target)
    assert target.read_bytes() == PREVIOUS
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.ttl"]


def test_missing_folder_is_an_output_error(runner, tmp_path):
    result = runner.invoke(main, ["export", "-f", "nt", "-o", str(tmp_path / "no" / "x.nt"),
                                  "--layers", "ontology"])
    assert result.exit_code == 7
    assert "does not exist" in result.stderr


def test_export_over_its_own_input(tmp_path):
    data = tmp_path / "unicode.ttl"
    shutil.copy(FIXTURE, data)
    before = graph_of(rdflib.Graph().parse(data))
    kg = load(extra_files=[data])
    built, _ = ex.build(kg, layers=("data",))
    ex.export(kg, "turtle", data, layers=("data",))
    after = rdflib.Graph().parse(data)
    assert_isomorphic(graph_of(list(before) + list(graph_of(built[ex.CATALOG_GRAPH]))), after,
                      "re-read export over its input")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["unicode.ttl"]


def test_new_file_gets_ordinary_permissions(fixture_kg, tmp_path):
    target = tmp_path / "new.nt"
    ex.export(fixture_kg, "nt", target, layers=("data",))
    mask = os.umask(0)
    os.umask(mask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~mask


# --------------------------------------------------------------------------------------------
# inferences
# --------------------------------------------------------------------------------------------

POLICY = rdflib.URIRef("https://w3id.org/clustergraph/id/policy/be-test-wallonie")
CG_POLICY = rdflib.URIRef("https://w3id.org/clustergraph/ontology#Policy")


@pytest.mark.parametrize("fmt", ["turtle", "nt", "xml"])
def test_inferences_go_to_a_separate_file(fmt, fixture_kg, tmp_path):
    ext = ex.FORMATS[fmt].extension
    plain, with_inf = tmp_path / "plain", tmp_path / "inf"
    plain.mkdir()
    with_inf.mkdir()
    ex.export(fixture_kg, fmt, plain / f"g.{ext}")
    ex.export(fixture_kg, fmt, with_inf / f"g.{ext}", with_inferences=True)
    assert (with_inf / f"g.{ext}").read_bytes() == (plain / f"g.{ext}").read_bytes()
    side = with_inf / f"g.inferred.{ext}"
    assert sorted(p.name for p in with_inf.iterdir()) == sorted([f"g.{ext}", side.name])
    inferred = parse_rdflib(side, fmt)[UNION]
    asserted = parse_rdflib(plain / f"g.{ext}", fmt)[UNION]
    assert (POLICY, rdflib.RDF.type, CG_POLICY) in inferred  # ClusterPolicy ⊑ Policy
    assert (POLICY, rdflib.RDF.type, CG_POLICY) not in asserted
    overlap = [t for t in inferred if t in asserted and not any(
        isinstance(x, rdflib.BNode) for x in t)]
    assert not overlap, overlap[:5]


@pytest.mark.parametrize("fmt", ["trig", "nquads", "jsonld"])
def test_inferences_are_their_own_named_graph(fmt, fixture_kg, tmp_path):
    ext = ex.FORMATS[fmt].extension
    ex.export(fixture_kg, fmt, tmp_path / f"plain.{ext}")
    ex.export(fixture_kg, fmt, tmp_path / f"inf.{ext}", with_inferences=True)
    plain = parse_oxigraph(tmp_path / f"plain.{ext}", fmt)
    inf = parse_oxigraph(tmp_path / f"inf.{ext}", fmt)
    inferred = inf.pop(ex.INFERRED_GRAPH)
    assert_same_graphs(plain, inf, f"{fmt} asserted graphs with --with-inferences")
    assert (POLICY, rdflib.RDF.type, CG_POLICY) in inferred
    asserted = {t for g in plain.values() for t in g}
    assert not [t for t in inferred if t in asserted]
    assert not list(tmp_path.glob("*.inferred.*"))


def test_inferences_to_stdout_need_a_quad_format(runner):
    result = runner.invoke(main, ["export", "-f", "turtle", "-o", "-", "--with-inferences",
                                  "--layers", "ontology"])
    assert result.exit_code == 2
    assert "quad format" in result.stderr


# --------------------------------------------------------------------------------------------
# command line
# --------------------------------------------------------------------------------------------


def test_cli_formats_match_library():
    assert tuple(ex.FORMATS) == EXPORT_FORMATS


def test_cli_export_to_stdout_parses(runner):
    result = runner.invoke(main, ["export", "--format", "nquads", "--output", "-",
                                  "--layers", "ontology,vocabularies"])
    assert result.exit_code == 0, result.stderr
    names = {q.graph_name.value for q in ox.parse(result.stdout_bytes,
                                                    format=ox.RdfFormat.N_QUADS)}
    assert names == {layer_graph("ontology"), layer_graph("vocabularies"), ex.CATALOG_GRAPH}


def test_cli_export_to_file_reports(runner, tmp_path):
    out = tmp_path / "cg.trig"
    result = runner.invoke(main, ["export", "-f", "trig", "-o", str(out), "--layers",
                                  "ontology", "--with-inferences"])
    assert result.exit_code == 0, result.stderr
    assert f"wrote {out}" in result.stderr
    assert "inferred" in result.stderr
    assert result.stdout == ""
    assert ox.parse(path=str(out), format=ox.RdfFormat.TRIG)


def test_cli_unknown_format_is_a_usage_error(runner, tmp_path):
    result = runner.invoke(main, ["export", "-f", "csv", "-o", str(tmp_path / "x")])
    assert result.exit_code == 2


def test_cli_export_help_has_an_example(runner):
    result = runner.invoke(main, ["export", "--help"])
    assert result.exit_code == 0
    assert "Example:" in result.output and "clustergraph export --format" in result.output


def test_turtle_layout():
    """One fixed layout: ``a`` first, one object per line, a prefixed name only where the
    local name needs no escape, shorthand only where it gives back the same literal."""
    from rdflib import BNode, Literal, URIRef

    cg = "https://w3id.org/clustergraph/ontology#"
    xsd = "http://www.w3.org/2001/XMLSchema#"
    s = URIRef("https://w3id.org/clustergraph/id/policy/x")
    triples = [
        (s, URIRef(cg + "note"), Literal('say "hi"\nback\\slash')),
        (s, URIRef(cg + "count"), Literal("7", datatype=URIRef(xsd + "integer"))),
        (s, URIRef(cg + "count"), Literal("07", datatype=URIRef(xsd + "integer"), normalize=False)),
        (s, URIRef(cg + "share"), Literal("1", datatype=URIRef(xsd + "decimal"), normalize=False)),
        (s, URIRef(cg + "share"), Literal("0.5", datatype=URIRef(xsd + "decimal"))),
        (s, URIRef(cg + "ratio"), Literal("1e0", datatype=URIRef(xsd + "double"), normalize=False)),
        (s, URIRef(cg + "open"), Literal("true", datatype=URIRef(xsd + "boolean"))),
        (s, URIRef(cg + "year"), Literal("2023", datatype=URIRef(xsd + "gYear"))),
        (s, URIRef(ex.RDF_TYPE), URIRef(cg + "Policy")),
        (s, URIRef(ex.RDF_TYPE), URIRef(cg + "ClusterPolicy")),
        (s, URIRef("http://www.w3.org/2000/01/rdf-schema#label"), Literal("X", lang="en")),
        (s, URIRef(cg + "see"), URIRef("http://data.europa.eu/nuts/code/BE2")),
        (s, URIRef(cg + "see"), URIRef("http://data.europa.eu/nuts/code/B.")),
        (BNode("b1"), URIRef(cg + "of"), s),
    ]
    writer = ex._TurtleWriter()
    body = writer.body(sorted(triples, key=ex.sort_key))
    assert writer.prefix_lines() == (
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "@prefix nuts: <http://data.europa.eu/nuts/code/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .\n")
    assert body == (
        "<https://w3id.org/clustergraph/id/policy/x> a cg:ClusterPolicy,\n"
        "        cg:Policy ;\n"
        '    rdfs:label "X"@en ;\n'
        "    cg:count 07,\n"  # Turtle keeps an INTEGER token's lexical form as it is
        "        7 ;\n"
        "    cg:note \"say \\\"hi\\\"\\nback\\\\slash\" ;\n"
        "    cg:open true ;\n"
        '    cg:ratio "1e0"^^xsd:double ;\n'
        "    cg:see <http://data.europa.eu/nuts/code/B.>,\n"
        "        nuts:BE2 ;\n"
        "    cg:share 0.5,\n"
        '        "1"^^xsd:decimal ;\n'
        '    cg:year "2023"^^xsd:gYear .\n'
        "\n"
        "_:b1 cg:of <https://w3id.org/clustergraph/id/policy/x> .\n")


@pytest.mark.parametrize("iri", ["http://x/a b", "http://x/a>", 'http://x/"a"', "http://x/a\\b"])
def test_turtle_writer_refuses_an_iri_turtle_cannot_hold(iri: str) -> None:
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # rdflib warns on such a URIRef, and makes it
        term = rdflib.URIRef(iri)
    with pytest.raises(ValueError, match="cannot be written as a Turtle IRI"):
        ex._TurtleWriter().term(term)
