"""Parameters that cannot silently miss (issue 13): a value that names nothing is a usage
error (exit 2) with one line naming the parameter and the closest valid values; labels and
notations resolve where unambiguous; ``query values NAME PARAM`` lists what a parameter
takes. On the bundled graph (the CLI) and on the multi-country fixture (the library)."""

from __future__ import annotations

from pathlib import Path

import pytest

from clustergraph.catalog import saved_query
from clustergraph.cli import main
from clustergraph.errors import UsageError
from clustergraph.params import executor, parameter_values, resolve
from clustergraph.query import run
from clustergraph.resources import bundle_root
from clustergraph.store import KnowledgeGraph, load

MULTI = Path(__file__).parent / "fixtures" / "multi"
DATA = bundle_root() / "data"
COUNTRY = "http://publications.europa.eu/resource/authority/country/"
NUTS = "http://data.europa.eu/nuts/code/"
BEN = "https://w3id.org/clustergraph/vocab/beneficiary-type/"


@pytest.fixture(scope="module")
def multi() -> KnowledgeGraph:
    return load(extra_files=sorted([*(DATA / "be").glob("*.ttl"), *(DATA / "eu").glob("*.ttl"),
                                    *(MULTI / "dk").glob("*.ttl")]))


def cli(runner, *args: str):
    return runner.invoke(main, ["query", *args], prog_name="clustergraph")


BAD = [
    # an undeclared prefix: the closest declared prefix gives a value the parameter takes
    (["policy-overview", "-p", "country=contry:BEL"],
     "parameter 'country': prefix 'contry:' is not declared "
     "(did you mean country:BEL \"Belgium\"?)"),
    # an IRI that names nothing in the graph
    (["region-agglomerations", "-p", "region=nuts:BE9"],
     "parameter 'region': nuts:BE9 names nothing in the graph (closest: "
     "nuts:BE3 \"Walloon Region\", nuts:BE2 \"Flemish Region\", nuts:BE1 \"Brussels Region\")"),
    # a typo in a vocabulary IRI
    (["beneficiaries", "-p", "beneficiary=cgv:beneficiary-type/sme"],
     "parameter 'beneficiary': cgv:beneficiary-type/sme names nothing in the graph (closest: "
     "cgv:beneficiary-type/smes \"SMEs\", cgv:beneficiary-type/start-ups \"Start-ups\", "
     "cgv:beneficiary-type/large-firms \"Large firms\")"),
    # an ambiguous label: the start of two labels
    (["beneficiaries", "-p", "beneficiary=S"],
     "parameter 'beneficiary': 'S' is ambiguous (it names cgv:beneficiary-type/smes "
     "\"SMEs\", cgv:beneficiary-type/start-ups \"Start-ups\")"),
    # a label or code that names no value the parameter takes
    (["policy-overview", "-p", "country=Atlantis"],
     "parameter 'country': 'Atlantis' is not the IRI, label or notation of a value it takes "
     "(its values: country:BEL \"Belgium\", country:DNK \"Denmark\", country:FRA \"France\", "
     "...; see `clustergraph query values`)"),
    # outside the declared set
    (["eu-priority-alignment", "-p", "priority=cgv:eu-priority/blue-economy"],
     "parameter 'priority': cgv:eu-priority/blue-economy is not allowed (choose from "
     "cgv:eu-priority/green-economy, cgv:eu-priority/digital-economy, "
     "cgv:eu-priority/resilience)"),
    (["eu-priority-alignment", "-p", "priority=blue"],
     "parameter 'priority': 'blue' is not the IRI, label or notation of a value it takes "
     "(its values: cgv:eu-priority/digital-economy \"Digital economy\", "
     "cgv:eu-priority/green-economy \"Green economy\", cgv:eu-priority/resilience "
     "\"Resilience\"; see `clustergraph query values`)"),
]


@pytest.mark.parametrize(("args", "message"), BAD, ids=[b[0][2] for b in BAD])
def test_a_value_that_names_nothing_is_exit_2_with_one_line(runner, args, message) -> None:
    result = cli(runner, "run", *args)
    assert (result.exit_code, result.output) == (2, f"clustergraph: error: {message}\n")


@pytest.mark.parametrize(("param", "given", "iri"), [
    ("beneficiary", "SMEs", BEN + "smes"),
    ("beneficiary", "smes", BEN + "smes"),
    ("beneficiary", "BEN07", BEN + "start-ups"),
    ("beneficiary", "start", BEN + "start-ups"),
    ("country", "BE", COUNTRY + "BEL"),
    ("country", "BEL", COUNTRY + "BEL"),
    ("country", "Belgium", COUNTRY + "BEL"),
    ("country", "DK", COUNTRY + "DNK"),
    ("country", "country:DNK", COUNTRY + "DNK"),
    ("country", "<" + COUNTRY + "DNK>", COUNTRY + "DNK"),
])
def test_labels_and_notations_resolve(multi, param, given, iri) -> None:
    q = saved_query("beneficiaries")
    got = resolve(q, {param: given}, executor(run, kg=multi))
    assert got == {param: f"<{iri}>"}


def test_a_region_code_resolves(multi) -> None:
    q = saved_query("region-agglomerations")
    assert resolve(q, {"region": "BE2"}, executor(run, kg=multi)) == {"region": f"<{NUTS}BE2>"}


def test_a_country_the_graph_names_but_the_query_has_no_answer_for_is_accepted(runner) -> None:
    # country:AUT is in the reference table: the question has an empty answer, not a typo
    result = cli(runner, "run", "policy-overview", "-p", "country=country:AUT", "-f", "csv")
    assert result.exit_code == 0
    assert result.output.splitlines()[1:] == []


def test_resolved_labels_give_the_rows_of_the_iri(runner) -> None:
    by_label = cli(runner, "run", "beneficiaries", "-p", "beneficiary=SMEs", "-f", "csv")
    by_iri = cli(runner, "run", "beneficiaries", "-p", "beneficiary=cgv:beneficiary-type/smes",
                 "-f", "csv")
    assert by_label.exit_code == 0 and by_label.output == by_iri.output
    assert len(by_label.output.splitlines()) == 3  # header, Flanders, Wallonia


def test_values_of_a_parameter_on_the_multi_country_graph(multi) -> None:
    q = saved_query("policy-overview")
    found = parameter_values(q, q.param("country"), executor(run, kg=multi))
    assert [(v.iri, v.label) for v in found] == [(COUNTRY + "BEL", "Belgium"),
                                                 (COUNTRY + "DNK", "Denmark")]
    assert {"BE", "BEL"} <= set(found[0].names) and {"DK", "DNK"} <= set(found[1].names)


def test_query_values_lists_values_with_labels_and_codes(runner) -> None:
    result = cli(runner, "values", "region-agglomerations", "region")
    assert result.exit_code == 0
    assert result.output == (
        "nuts:BE1  Brussels Region  BE1, Brussels Hoofdstedelijk Gewest, "
        "Région de Bruxelles-Capitale\n"
        "nuts:BE2  Flemish Region   BE2, Vlaams Gewest\n"
        "nuts:BE3  Walloon Region   BE3, Région wallonne\n"
        "(3 values of 'region')\n"
    )


@pytest.mark.parametrize(("args", "message"), [
    (["resource-description", "resource"], "parameter 'resource' of 'resource-description' "
     "takes any IRI of the graph (no list of values)"),
    (["timeline", "year"], "unknown parameter 'year' for query 'timeline' "
     "(its parameters: country)"),
    (["policies-active-in-year", "year"], "parameter 'year' of 'policies-active-in-year' "
     "takes any gYear value (year (gYear, default 2023)); only IRI parameters have a list "
     "of values"),
])
def test_query_values_refusals(runner, args, message) -> None:
    result = cli(runner, "values", *args)
    assert (result.exit_code, result.output) == (2, f"clustergraph: error: {message}\n")


def test_a_bad_literal_fails_before_the_graph_is_read(monkeypatch, runner) -> None:
    import clustergraph.store as store

    def boom(*a, **k):  # noqa: ANN002, ANN003
        raise AssertionError("the graph was loaded")

    monkeypatch.setattr(store, "load", boom)
    result = cli(runner, "run", "policies-active-in-year", "-p", "year=soon")
    assert result.exit_code == 2
    assert "parameter 'year'" in result.output


def test_library_resolve_raises_usage_error(multi) -> None:
    q = saved_query("beneficiaries")
    with pytest.raises(UsageError, match="prefix 'cgx:' is not declared"):
        resolve(q, {"beneficiary": "cgx:beneficiary-type/smes"}, executor(run, kg=multi))
