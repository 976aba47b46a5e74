"""The synthetic landscape generator: deterministic, exactly the promised number of
triples, only real vocabulary concepts and reference IRIs, only terms of the ontology or of
the standard vocabularies the data uses, marked as synthetic, loadable, and valid."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from clustergraph.cli import main
from clustergraph.generate import SIZES, expected_triples, generate
from clustergraph.resources import ontology_file, reference_files, vocabulary_files

VOCAB = "https://w3id.org/clustergraph/vocab/"
CG = "https://w3id.org/clustergraph/ontology#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
REFERENCE_NS = (
    "http://publications.europa.eu/resource/authority/country/",
    "http://data.europa.eu/nuts/code/",
    "http://data.europa.eu/ux2/nace2/",
    "http://publications.europa.eu/resource/authority/frequency/",
    "http://publications.europa.eu/resource/authority/currency/",
)
#: Standard vocabularies the shipped data already uses (data/be/), plus DCMI types for the
#: synthetic record's dct:type.
STANDARD_NS = (
    "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "http://www.w3.org/2000/01/rdf-schema#",
    "http://www.w3.org/2002/07/owl#",
    "http://www.w3.org/2004/02/skos/core#",
    "http://purl.org/dc/terms/",
    "http://www.w3.org/ns/dcat#",
    "http://www.w3.org/ns/prov#",
    "http://www.w3.org/ns/org#",
    "http://data.europa.eu/m8g/",
    "http://purl.org/dc/dcmitype/",
    "https://schema.org/",  # the address of a web page cited as a source
)


def files_of(d: Path) -> list[Path]:
    return sorted(p for p in d.rglob("*") if p.is_file())


def rdf_files(d: Path) -> list[Path]:
    return [p for p in files_of(d) if p.suffix in (".ttl", ".nq")]


def parsed(d: Path) -> list[ox.Quad]:
    out: list[ox.Quad] = []
    for f in rdf_files(d):
        out += ox.parse(path=f)
    return out


def subjects_of(paths: list[Path], predicate: str, obj: str | None = None) -> set[str]:
    store = ox.Store()
    for p in paths:
        store.load(path=p)
    o = ox.NamedNode(obj) if obj else None
    return {q.subject.value for q in store.quads_for_pattern(None, ox.NamedNode(predicate), o)}


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("gen") / "small"
    generate(d, countries=3, cluster_orgs=3, members=6, seed=11)
    return d


def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    generate(a, countries=2, cluster_orgs=2, members=5, seed=7)
    generate(b, countries=2, cluster_orgs=2, members=5, seed=7)
    generate(c, countries=2, cluster_orgs=2, members=5, seed=8)
    names = [p.relative_to(a) for p in files_of(a)]
    assert names == [p.relative_to(b) for p in files_of(b)]
    assert all((a / n).read_bytes() == (b / n).read_bytes() for n in names)
    assert any((a / n).read_bytes() != (c / n).read_bytes() for n in names)


@pytest.mark.parametrize("fmt", ["ttl", "nq"])
@pytest.mark.parametrize("params", [(1, 1, 1), (2, 3, 4), (38, 1, 1)])
def test_triple_count_is_exactly_the_promised_one(
    tmp_path: Path, params: tuple[int, int, int], fmt: str
) -> None:
    """(38, 1, 1) goes past the 36 reference countries with a NUTS level-0 code, so the
    list starts again with numbered slugs; no triple may be written twice."""
    report = generate(tmp_path, *params, seed=1, fmt=fmt)
    quads = parsed(tmp_path)
    assert report.triples == expected_triples(*params) == len(quads)
    ground = [q for q in quads if not isinstance(q.subject, ox.BlankNode)
              and not isinstance(q.object, ox.BlankNode)]  # list cells are always new
    assert len({(q.subject, q.predicate, q.object) for q in ground}) == len(ground)


def test_members_are_linked_and_counted(small: Path) -> None:
    """Every cluster organisation lists its members; the country's figures of companies
    represented by member type are the counts of those members."""
    store = ox.Store()
    for p in rdf_files(small):
        store.load(path=p)
    q = """PREFIX cg: <https://w3id.org/clustergraph/ontology#>
        PREFIX org: <http://www.w3.org/ns/org#>
        PREFIX measure: <https://w3id.org/clustergraph/vocab/measure/>
        SELECT ?country ?type (COUNT(DISTINCT ?m) AS ?members) (SAMPLE(?v) AS ?stated) WHERE {
          ?c a cg:ClusterOrganisation ; cg:country ?country ; org:hasMember ?m .
          ?m a org:Organization ; cg:memberType ?type ; cg:country ?country .
          OPTIONAL { ?o cg:measure measure:companies-represented ; cg:refArea ?country ;
                        cg:memberType ?type ; cg:value ?v }
        } GROUP BY ?country ?type"""
    rows = [(r["country"].value, r["type"].value, int(r["members"].value),
             r["stated"] and int(r["stated"].value)) for r in store.query(q)]
    assert sum(n for _, _, n, _ in rows) == 3 * 3 * 6
    assert len({c for c, _, _, _ in rows}) == 3
    for country, mtype, n, stated in rows:
        if not mtype.endswith("/research-organisations"):  # not companies
            assert stated == n, (country, mtype)


def test_sizes_are_about_what_they_say() -> None:
    nominal = {"10k": 10_000, "100k": 100_000, "1M": 1_000_000, "5M": 5_000_000}
    assert SIZES.keys() == nominal.keys()
    for name, params in SIZES.items():
        n = expected_triples(params["countries"], params["cluster_orgs"], params["members"])
        assert 0.9 * nominal[name] <= n <= 1.1 * nominal[name], (name, n)


def test_only_concepts_that_exist_in_the_vocabularies(small: Path) -> None:
    known = subjects_of(vocabulary_files(), "http://www.w3.org/2004/02/skos/core#inScheme")
    used = {t.value for q in parsed(small) for t in (q.subject, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(VOCAB)}
    assert used, "the landscape uses no concepts at all"
    assert used - known == set()
    # every scheme the Belgium data draws on is drawn on here too
    schemes = {u.removeprefix(VOCAB).split("/")[0] for u in used}
    assert {"objective", "authority-role", "beneficiary-type", "instrument-type",
            "period-type", "evaluation-availability", "state-of-play-level",
            "industrial-ecosystem", "member-type", "semester-policy-area"} <= schemes


def test_only_reference_iris_that_exist(small: Path) -> None:
    store = ox.Store()
    for p in reference_files():
        store.load(path=p)
    known = {q.subject.value for q in store}
    used = {t.value for q in parsed(small) for t in (q.subject, q.object)
            if isinstance(t, ox.NamedNode) and t.value.startswith(REFERENCE_NS)}
    assert any("/nuts/code/" in u for u in used) and any("/nace2/" in u for u in used)
    assert used - known == set()


def test_only_ontology_terms_or_standard_ones(small: Path) -> None:
    declared = subjects_of([ontology_file()], RDF_TYPE)
    quads = parsed(small)
    terms = {q.predicate.value for q in quads} | {
        q.object.value for q in quads if q.predicate.value == RDF_TYPE}
    ours = {t for t in terms if t.startswith(CG)}
    assert ours - declared == set()
    others = terms - ours
    assert {t for t in others if not t.startswith(STANDARD_NS)} == set()


def test_every_factual_node_is_derived_from_its_factsheet(small: Path) -> None:
    quads = parsed(small)
    derived = {q.subject.value for q in quads
               if q.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"}
    typed = {q.subject.value for q in quads if q.predicate.value == RDF_TYPE
             and q.subject.value.startswith("https://w3id.org/clustergraph/id/")
             and "/factsheet/" not in q.subject.value  # the source itself
             and "/dataset/" not in q.subject.value  # the synthetic record
             and not q.subject.value.endswith("/document/eccp-country-factsheets")}
    pages = {q.subject.value for q in quads if q.predicate.value == RDF_TYPE
             and q.object.value == CG + "WebPage"}  # sources themselves
    assert len(pages) == 1  # the second country's sub-programme page
    typed -= pages
    assert len(typed) > 3 * 3 * 6
    assert typed - derived == set()


def test_marked_as_synthetic(small: Path) -> None:
    assert "**This is synthetic data.**" in (small / "SYNTHETIC.md").read_text()
    assert "| seed | 11 |" in (small / "SYNTHETIC.md").read_text()
    store = ox.Store()
    store.load(path=small / "synthetic-dataset.ttl")
    rows = list(store.query("""
        PREFIX dct: <http://purl.org/dc/terms/> PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        SELECT ?type ?comment ?command WHERE {
          ?d dct:type ?type ; rdfs:comment ?comment ; prov:wasGeneratedBy ?a .
          ?a dct:description ?command }"""))
    assert len(rows) == 1
    assert rows[0]["type"].value == "http://purl.org/dc/dcmitype/Dataset"
    assert rows[0]["comment"].value.startswith("Synthetic data")
    assert "--seed 11" in rows[0]["command"].value
    factsheets = subjects_of(rdf_files(small), RDF_TYPE, CG + "Factsheet")
    commented = subjects_of(rdf_files(small), "http://www.w3.org/2000/01/rdf-schema#comment")
    assert len(factsheets) == 4 and factsheets <= commented  # the second country: 2 editions


def test_generated_landscape_loads_with_info(runner: CliRunner, small: Path) -> None:
    files = [str(p) for p in rdf_files(small)]
    result = runner.invoke(main, ["info", *files])
    assert result.exit_code == 0, result.output
    data_line = next(line for line in result.output.splitlines()
                     if line.strip().startswith("data "))
    assert int(data_line.split()[1]) == expected_triples(3, 3, 6)


def test_generate_command_prints_the_count(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "synth"
    result = runner.invoke(main, ["generate", "--countries", "2", "--cluster-orgs", "2",
                                  "--members", "3", "--seed", "4", "--output", str(out)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        f"clustergraph: wrote {expected_triples(2, 2, 3)} triples in 23 files to {out} in ")
    again = runner.invoke(main, ["generate", "--countries", "1", "--cluster-orgs", "1",
                                 "--members", "1", "--output", str(out)])
    assert again.exit_code == 0  # a previous synthetic landscape is replaced
    assert not (out / "synth-be").exists()


def test_generate_refuses_a_directory_that_is_not_a_landscape(
    runner: CliRunner, tmp_path: Path
) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    result = runner.invoke(main, ["generate", "--countries", "1", "--cluster-orgs", "1",
                                  "--members", "1", "--output", str(tmp_path)])
    assert result.exit_code == 7
    assert result.stderr == (f"clustergraph: error: {tmp_path}: exists, is not empty and is "
                             "not a synthetic landscape; not writing into it\n")
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_generate_rejects_zero_members(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["generate", "--countries", "1", "--cluster-orgs", "1",
                                  "--members", "0", "--output", str(tmp_path / "x")])
    assert result.exit_code == 2
    assert not (tmp_path / "x").exists()


def test_small_landscape_has_no_violations(tmp_path: Path) -> None:
    """The generated data conforms to the shapes: no violation, and, since it is made
    consistent (totals = breakdowns, stated counts = lists), no consistency warning."""
    validate = pytest.importorskip("clustergraph.validate").validate
    generate(tmp_path, countries=2, cluster_orgs=2, members=3, seed=2)
    result = validate(rdf_files(tmp_path))
    assert [str(r) for r in result.violations] == []
    assert [str(r) for r in result.warnings] == []


# --------------------------------------------------------------------------- issue 12 patterns


@pytest.fixture(scope="module")
def patterned(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("gen") / "patterns"
    generate(d, countries=3, cluster_orgs=1, members=1, seed=5)
    return d


def test_every_pattern_of_the_model_is_generated(patterned: Path) -> None:
    store = ox.Store()
    for f in rdf_files(patterned):
        store.load(path=f)

    def count(where: str) -> int:
        q = ("PREFIX cg: <https://w3id.org/clustergraph/ontology#> "
             "PREFIX org: <http://www.w3.org/ns/org#> "
             f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}")
        return int(next(iter(store.query(q)))["n"].value)

    assert count("?s cg:isPartOf ?p ; cg:partType ?t") == 1  # every second country
    assert count("?p cg:hasPhase ?ph . ?ph cg:ordinal ?o") == 6
    assert count("?o cg:phase ?ph ; cg:value ?v") == 6 + 1  # + the later edition's figure
    assert count("?l a cg:SupportLevel ; cg:hasBudget/cg:currency ?c") == 6
    assert count("?m a org:Membership ; org:role ?r") == 9
    assert count("?c a cg:Consortium ; cg:partnerCountry ?x") == 6
    assert count("?d a cg:WebPage") == 1
    assert count("?f a cg:Factsheet ; cg:previousEdition ?e") == 1
    # national currencies, and a country outside the EU
    currencies = {r["c"].value.rsplit("/", 1)[1] for r in store.query(
        "SELECT DISTINCT ?c WHERE { ?b <https://w3id.org/clustergraph/ontology#currency> ?c }")}
    assert currencies == {"EUR", "ALL"}  # Austria, Belgium; Albania, the first non-member
    assert count("?a cg:amount ?x FILTER NOT EXISTS { ?a cg:currency ?c }") == 0


def test_patterned_landscape_country_equals_whole_store(patterned: Path) -> None:
    """Validated whole, the landscape has no violation; each folder's --country answer is
    exactly the whole-store answer about that folder's nodes. Not vacuous: one folder
    describes a shared Eurocluster again and gives an amount without a currency."""
    from dataclasses import asdict

    from clustergraph.resources import layer_graph
    from clustergraph.store import load
    from clustergraph.validate import compact, validate

    clean = validate(rdf_files(patterned))
    assert (clean.violations, clean.warnings) == ([], [])
    extra = patterned.parent / "extra" / "synth-al"
    extra.mkdir(parents=True)
    (extra / "extra.ttl").write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "<https://w3id.org/clustergraph/id/eurocluster/synth-01> "
        "<http://www.w3.org/2000/01/rdf-schema#comment> \"described twice\" .\n"
        "<https://w3id.org/clustergraph/id/policy/synth-al-cluster-policy-1-budget-x> "
        "a cg:Budget ; cg:budgetType "
        "<https://w3id.org/clustergraph/vocab/budget-type/annual> ; cg:amount 5.0 ; "
        "<http://www.w3.org/ns/prov#wasDerivedFrom> "
        "<https://w3id.org/clustergraph/id/factsheet/synth-al-2023/table-3> .\n",
        encoding="utf-8")
    kg = load(extra_files=[*rdf_files(patterned), extra / "extra.ttl"])
    whole = validate(kg)
    assert sorted((r.source_shape, r.focus_node) for r in whole.violations) == [
        ("cgsh:AmountCurrencyShape", "cgid:policy/synth-al-cluster-policy-1-budget-x"),
        ("cgsh:DescribedOnceShape", "cgid:eurocluster/synth-01"),
    ]
    sizes = {}
    for folder in ("synth-at", "synth-be", "synth-al", "synth-eu"):
        graph = ox.NamedNode(layer_graph("data", folder))
        own = {compact(q.subject.value) if isinstance(q.subject, ox.NamedNode)
               else f"_:{q.subject.value}"
               for q in kg.store.quads_for_pattern(None, None, None, graph)}
        expected = [asdict(r) for r in whole.results if r.focus_node in own]
        got = [asdict(r) for r in validate(kg, country=folder).results]
        assert got == expected, folder
        sizes[folder] = len(got)
    assert sizes == {"synth-at": 0, "synth-be": 0, "synth-al": 2, "synth-eu": 1}
