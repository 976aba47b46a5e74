"""`clustergraph validate` and :mod:`clustergraph.validate`: the shipped data, known-bad and
known-good fixtures (each bad file breaks exactly one rule), the reports, the exit codes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from clustergraph.cli import main
from clustergraph.errors import InputError, RefusedError
from clustergraph.validate import ValidationResult, network_keyword, validate

FIXTURES = Path(__file__).parent / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"
DOCUMENT = VALID / "document.ttl"  # the factsheet and section every fixture derives from
TEST_IRI = "https://w3id.org/clustergraph/id/test/"

# --------------------------------------------------------------------------- the shipped data

#: The places where the Belgium factsheet contradicts itself, and only those.
EXPECTED_BE_WARNINGS = {
    ("cgsh:RegionalBreakdownShape", "observation/be-2023-cluster-organisations-bel", "46"),
    ("cgsh:PriorityDomainCountShape", "policy/be-flanders-innovation-clusters-focus", "7"),
    ("cgsh:PartnerCountryCountShape", "participation/be-2023-euroclusters", "18"),
    ("cgsh:PartnerCountryCountShape", "participation/be-2023-innosup-1", "21"),
    ("cgsh:PartnerCountryDuplicateShape", "participation/be-2023-innosup-1", "country:GRC"),
}


@pytest.fixture(scope="module")
def shipped(kg) -> ValidationResult:  # noqa: ANN001
    return validate(kg)


def _full(name: str) -> str:
    """A node as the report shows it (compact or <full>) back to its full IRI."""
    name = name.strip("<>")
    return "https://w3id.org/clustergraph/id/" + name[5:] if name.startswith("cgid:") else name


def _local(focus: str) -> str:
    return focus.strip("<>").removeprefix("https://w3id.org/clustergraph/id/").removeprefix("cgid:")


def test_shipped_data_has_no_violation(shipped: ValidationResult) -> None:
    assert shipped.violations == [], [r.message for r in shipped.violations]
    assert shipped.conforms


def test_shipped_warnings_are_exactly_the_sources_contradictions(
    shipped: ValidationResult,
) -> None:
    got = {(r.source_shape, _local(r.focus_node), r.value) for r in shipped.warnings}
    assert got == EXPECTED_BE_WARNINGS


def test_shipped_results_carry_country_source_and_label(shipped: ValidationResult) -> None:
    total = next(r for r in shipped.results if r.source_shape == "cgsh:RegionalBreakdownShape")
    assert total.country == "country:BEL" and total.country_label == "Belgium"
    assert total.source_part == "cgid:factsheet/be-2023/section-2.3"
    assert total.source_part_label.startswith("Belgium 2023, section 2.3")
    assert total.label == "Belgium 2023: 46 cluster organisations registered on the ECCP"
    assert "46" in total.message and "36" in total.message


# --------------------------------------------------------------------------- fixtures

#: Each bad fixture, the one shape it must fire, and the severity.
INVALID_CASES = {
    "role-not-in-scheme": ("cgsh:AuthorityRole-role", "Violation", "role"),
    "missing-provenance": ("cgsh:Provenance-wasDerivedFrom", "Violation", "pillar"),
    "edition-not-gyear": ("cgsh:Factsheet-edition", "Violation", "factsheet-2"),
    "region-minted-iri": ("cgsh:RegionShape", "Violation", "region-flanders"),
    "sector-not-nace-division": ("cgsh:SectorShape", "Violation", "agg"),
    "value-not-a-number": ("cgsh:Observation-value", "Violation", "figure"),
    "count-not-integer": ("cgsh:CountValueShape", "Violation", "figure"),
    "ecosystem-not-in-scheme": ("cgsh:EcosystemShape", "Violation", "figure"),
    "partner-not-a-country": ("cgsh:ProgrammeParticipation-partnerCountry", "Violation",
                              "participation"),
    "budget-amount-and-no-data": ("cgsh:BudgetShape", "Violation", "budget"),
    "period-start-after-end": ("cgsh:PeriodOrderShape", "Violation", "period"),
    "rank-duplicate": ("cgsh:AgglomerationRankUniqueShape", "Violation", "agg-a"),
    "criterion-level-mismatch": ("cgsh:CriterionLevelShape", "Violation", "score"),
    "limited-period-without-end": ("cgsh:LimitedPeriodEndShape", "Warning", "period"),
    "partner-country-repeated": ("cgsh:PartnerCountryDuplicateShape", "Warning", "participation"),
    "partner-count-mismatch": ("cgsh:PartnerCountryCountShape", "Warning", "participation"),
    "domain-count-mismatch": ("cgsh:PriorityDomainCountShape", "Warning", "focus"),
    "regional-breakdown": ("cgsh:RegionalBreakdownShape", "Warning", "total"),
    "partnership-breakdown": ("cgsh:TypeBreakdownShape", "Warning", "total"),
    "rank-gap": ("cgsh:AgglomerationRankContiguousShape", "Warning", "agg-c"),
    "member-shares-not-100": ("cgsh:MemberShareSumShape", "Warning", "share-sme"),
    "funding-shares-not-100": ("cgsh:FundingShareSumShape", "Warning", "policy"),
    "region-of-another-country": ("cgsh:RegionCountryShape", "Warning", "figure"),
}


def test_every_invalid_fixture_has_a_case() -> None:
    assert {p.stem for p in INVALID.glob("*.ttl")} == set(INVALID_CASES)
    assert len(INVALID_CASES) >= 15


@pytest.mark.parametrize("name", sorted(INVALID_CASES))
def test_invalid_fixture_fires_exactly_its_rule(name: str) -> None:
    shape, severity, node = INVALID_CASES[name]
    result = validate([DOCUMENT, INVALID / f"{name}.ttl"])
    assert {r.source_shape for r in result.results} == {shape}, [r.message for r in result.results]
    assert {r.severity for r in result.results} == {severity}
    assert result.conforms is (severity != "Violation")
    offending = [r for r in result.results if _full(r.focus_node) == TEST_IRI + node]
    assert offending, [r.focus_node for r in result.results]
    for r in offending:  # the message names the offending node (compacted for people)
        assert "cgid:test/" + node in r.message, r.message
        assert "{$this}" not in r.message and "{?value}" not in r.message


@pytest.mark.parametrize("name", sorted(p.stem for p in VALID.glob("*.ttl")))
def test_valid_fixture_passes(name: str) -> None:
    result = validate(sorted({DOCUMENT, VALID / f"{name}.ttl"}))
    assert result.results == []
    assert result.conforms


def test_inference_modes_agree_on_a_fixture() -> None:
    files = [DOCUMENT, INVALID / "period-start-after-end.ttl"]
    shapes = {m: {r.source_shape for r in validate(files, inference=m).results}
              for m in ("none", "rdfs")}
    assert shapes["none"] == shapes["rdfs"] == {"cgsh:PeriodOrderShape"}


# --------------------------------------------------------------------------- the command


def test_cli_shipped_data_exits_0_and_lists_warnings(runner: CliRunner, shipped) -> None:  # noqa: ANN001
    result = runner.invoke(main, ["validate"])
    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "Belgium (country:BEL)"
    assert lines[-1] == "conforms: 0 violations, 5 warnings (inference: none)"
    assert result.stdout.count("    Warning: ") == 5
    assert "    source: Belgium 2023, section 2.3: Cluster organisations" in result.stdout


def test_cli_violation_exits_1(runner: CliRunner) -> None:
    bad = INVALID / "role-not-in-scheme.ttl"
    result = runner.invoke(main, ["validate", str(DOCUMENT), str(bad)])
    assert result.exit_code == 1, result.output
    assert "Violation: Authority role" in result.stdout
    assert "value cgv:policy-type/national" in result.stdout
    assert result.stdout.splitlines()[-1].startswith("does not conform: 1 violation, 0 warnings")


def test_cli_warning_only_exits_0(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", str(DOCUMENT), str(INVALID / "rank-gap.ttl")])
    assert result.exit_code == 0, result.output
    assert "Warning: Agglomeration" in result.stdout


def test_cli_json(runner: CliRunner) -> None:
    files = [str(DOCUMENT), str(INVALID / "missing-provenance.ttl")]
    result = runner.invoke(main, ["validate", "--format", "json", *files])
    assert result.exit_code == 1
    doc = json.loads(result.stdout)
    assert doc["conforms"] is False and doc["violations"] == 1 and doc["warnings"] == 0
    (row,) = doc["results"]
    assert row["source_shape"] == "cgsh:Provenance-wasDerivedFrom"
    assert row["path"] == "prov:wasDerivedFrom"
    assert row["label"] == "Digital transformation"


def test_cli_turtle_is_a_shacl_report(runner: CliRunner) -> None:
    import rdflib

    files = [str(DOCUMENT), str(INVALID / "period-start-after-end.ttl")]
    result = runner.invoke(main, ["validate", "-f", "turtle", *files])
    assert result.exit_code == 1
    g = rdflib.Graph().parse(data=result.stdout, format="turtle")
    sh = rdflib.Namespace("http://www.w3.org/ns/shacl#")
    (report,) = g.subjects(rdflib.RDF.type, sh.ValidationReport)
    assert g.value(report, sh.conforms) == rdflib.Literal(False)
    (res,) = g.objects(report, sh.result)
    assert g.value(res, sh.focusNode) == rdflib.URIRef(TEST_IRI + "period")
    assert g.value(res, sh.sourceShape) == rdflib.URIRef(
        "https://w3id.org/clustergraph/shapes#PeriodOrderShape")
    assert "starts in 2026, after it ends in 2016" in str(g.value(res, sh.resultMessage))


def test_cli_unknown_inference_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "--inference", "magic"])
    assert result.exit_code == 2
    assert result.stderr == ("clustergraph: error: --inference: 'magic' is not one of none, "
                             "rdfs, owlrl\n")  # one line (clustergraph.usage)


# --------------------------------------------------------------------------- input errors


def assert_input_error(result, message: str) -> None:  # noqa: ANN001  (a click Result)
    assert result.exit_code == 3, result.output
    assert result.stdout == ""
    assert result.stderr == f"clustergraph: error: {message}\n"


def test_malformed_turtle(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "bad.ttl"
    f.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n",
                 encoding="utf-8")
    assert_input_error(runner.invoke(main, ["validate", str(f)]),
                       f"{f}, line 3, column 11: . is not a valid RDF object")


def test_empty_file(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "empty.ttl"
    f.write_text("", encoding="utf-8")
    assert_input_error(runner.invoke(main, ["validate", str(f)]), f"{f}: the file is empty")


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "nowhere.ttl"
    assert_input_error(runner.invoke(main, ["validate", str(f)]), f"{f}: no such file")


def test_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "latin1.ttl"
    f.write_bytes('@prefix ex: <http://example.org/> .\nex:a ex:b "café" .\n'.encode("latin-1"))
    assert_input_error(runner.invoke(main, ["validate", str(f)]),
                       f"{f}, line 2: not valid UTF-8 (byte 50)")


def test_directory(runner: CliRunner, tmp_path: Path) -> None:
    d = tmp_path / "be.ttl"
    d.mkdir()
    assert_input_error(runner.invoke(main, ["validate", str(d)]),
                       f"{d}: is a directory, not an RDF file")


def test_malformed_shapes_file(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "shapes.ttl"
    f.write_text("@prefix sh: <http://www.w3.org/ns/shacl#> .\n<a> sh:path .\n", encoding="utf-8")
    result = runner.invoke(main, ["validate", "--shapes", str(f)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"clustergraph: error: {f}, line 2, column ")
    assert result.stderr.count("\n") == 1


# --------------------------------------------------------------------------- the network

SERVICE_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://example.org/> .
ex:Remote a sh:NodeShape ;
    sh:targetClass <https://w3id.org/clustergraph/ontology#Policy> ;
    sh:message "asks a remote endpoint" ;
    sh:sparql [ sh:select \"""
        SELECT $this WHERE { SERVICE <http://example.org/sparql> { $this ?p ?o } }\""" ] .
"""
IMPORT_SHAPES = """\
@prefix owl: <http://www.w3.org/2002/07/owl#> .
<http://example.org/shapes> a owl:Ontology ; owl:imports <http://example.org/more-shapes.ttl> .
"""


@pytest.mark.parametrize(("content", "what"), [
    (SERVICE_SHAPES, "the SPARQL query of <http://example.org/Remote> uses SERVICE"),
    (IMPORT_SHAPES, "<http://example.org/shapes> owl:imports <http://example.org/more-shapes.ttl>"),
], ids=["service", "owl-imports"])
def test_shapes_asking_for_the_network_are_refused(
    runner: CliRunner, tmp_path: Path, content: str, what: str
) -> None:
    f = tmp_path / "remote.ttl"
    f.write_text(content, encoding="utf-8")
    result = runner.invoke(main, ["validate", "--shapes", str(f)])
    assert result.exit_code == 4, result.output
    assert result.stdout == ""
    assert result.stderr.startswith(f"clustergraph: error: {f}: {what}")
    assert result.stderr.rstrip().endswith("refused") or "refused (" in result.stderr
    assert result.stderr.count("\n") == 1


def test_data_asking_for_the_network_is_refused(tmp_path: Path) -> None:
    f = tmp_path / "country.ttl"
    f.write_text(IMPORT_SHAPES, encoding="utf-8")
    with pytest.raises(RefusedError, match=r"country\.ttl: .* owl:imports .* refused"):
        validate([DOCUMENT, f])


@pytest.mark.parametrize(("query", "keyword"), [
    ("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }", "SERVICE"),
    ("select * from <http://x/g> where { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://x/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("LOAD <http://x/data.ttl>", "LOAD"),
    ('SELECT * WHERE { ?s ?p "SERVICE from LOAD" }', None),
    ("SELECT * WHERE { ?s <http://x/from> ?o } # SERVICE in a comment", None),
    ("SELECT ?from WHERE { ?s ex:service ?from }", None),
])
def test_network_keyword(query: str, keyword: str | None) -> None:
    assert network_keyword(query) == keyword


def test_unknown_inference_in_the_library() -> None:
    from clustergraph.errors import UsageError

    with pytest.raises(UsageError, match="unknown inference mode 'magic'"):
        validate([DOCUMENT], inference="magic")


def test_bad_input_is_the_loaders_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file"):
        validate([tmp_path / "missing.ttl"])
