"""``clustergraph query list|show|run``: exact output of each format, exit codes for bad
parameters (2), refused queries (4), timeouts (5, nothing printed), unreachable endpoints (6),
and a query path that imports no rdflib or pySHACL."""

from __future__ import annotations

import csv
import io
import json
import socket
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.catalog import saved_queries, saved_query
from clustergraph.cli import main
from clustergraph.errors import ExitCode

BEL = "http://publications.europa.eu/resource/authority/country/BEL"


def invoke(runner, *args: str):
    return runner.invoke(main, ["query", *args], prog_name="clustergraph")


def test_list_shows_every_query_with_summary_and_parameters(runner) -> None:
    result = invoke(runner, "list")
    assert result.exit_code == 0
    lines = result.output.splitlines()
    for q in saved_queries():
        assert any(line.startswith(q.name + " ") and line.endswith(q.summary) for line in lines)
    assert "    --param priority (iri, default cgv:eu-priority/green-economy, one of " \
        "cgv:eu-priority/green-economy | cgv:eu-priority/digital-economy | " \
        "cgv:eu-priority/resilience)" in result.output
    assert "    --param beneficiary (iri, optional)" in result.output


def test_show_prints_the_file(runner) -> None:
    result = invoke(runner, "show", "state-of-play")
    assert result.exit_code == 0
    assert result.output == saved_query("state-of-play").path.read_text()


def test_show_unknown(runner) -> None:
    result = invoke(runner, "show", "nope")
    assert result.exit_code == ExitCode.USAGE
    assert result.output.startswith("clustergraph: error: no saved query 'nope'")


def test_table_shows_labels_aligned(runner) -> None:
    result = invoke(runner, "run", "instrument-mix", "-p", "country=BEL",
                    "--width", "0")  # one line per row
    assert result.exit_code == 0, result.output
    assert result.output == (
        "country  policy                                      financialInstruments"
        "  technicalInstruments  offersBoth\n"
        "-------  ------------------------------------------  --------------------"
        "  --------------------  ----------\n"
        "Belgium  Flanders Innovation Clusters Policy                            3"
        "                     4  true\n"
        "Belgium  Walloon Region Competitive Clusters Policy                     4"
        "                     3  true\n"
        "(2 rows)\n"
    )


def test_csv(runner) -> None:
    result = invoke(runner, "run", "instrument-mix", "-p", "country=BEL", "--format", "csv")
    assert result.exit_code == 0
    assert list(csv.reader(io.StringIO(result.output))) == [
        ["country", "policy", "financialInstruments", "technicalInstruments", "offersBoth"],
        [BEL, "https://w3id.org/clustergraph/id/policy/be-flanders-innovation-clusters",
         "3", "4", "true"],
        [BEL, "https://w3id.org/clustergraph/id/policy/be-wallonia-competitive-clusters",
         "4", "3", "true"],
    ]
    assert b"\r\n" in result.stdout_bytes  # RFC 4180 line ends (click's .output hides them)


def test_tsv(runner) -> None:
    result = invoke(runner, "run", "ending-by-year", "-p", "country=BEL", "-f", "tsv")
    assert result.exit_code == 0
    assert result.output.splitlines() == [
        "?country\t?year\t?item\t?kind\t?partOf\t?end\t?periodType",
        f"<{BEL}>\t\"2026\"^^<http://www.w3.org/2001/XMLSchema#gYear>\t"
        "<https://w3id.org/clustergraph/id/strand/be-flanders-spearhead-clusters>\t"
        "<https://w3id.org/clustergraph/ontology#PolicyStrand>\t"
        "<https://w3id.org/clustergraph/id/policy/be-flanders-innovation-clusters>\t"
        "\"2026\"^^<http://www.w3.org/2001/XMLSchema#gYear>\t"
        "<https://w3id.org/clustergraph/vocab/period-type/limited>",
    ]


def test_json_is_sparql_results_json(runner, kg) -> None:
    result = invoke(runner, "run", "evaluation-results", "-f", "json")
    assert result.exit_code == 0
    doc = json.loads(result.output)
    assert doc["head"]["vars"][:3] == ["country", "policy", "availability"]
    parsed = ox.parse_query_results(result.output.encode(), format=ox.QueryResultsFormat.JSON)
    names = [v.value for v in parsed.variables]
    got = [tuple(s[n] for n in names) for s in parsed]
    direct = kg.store.query(saved_query("evaluation-results").text,
                            use_default_graph_as_union=True,
                            substitutions={ox.Variable("country"): ox.NamedNode(BEL)})
    assert got == [tuple(s[n] for n in names) for s in direct]
    assert len(got) == 13
    jobs = [b for b in doc["results"]["bindings"] if b["value"]["value"] == "4205"]
    assert jobs[0]["value"] == {"type": "literal", "value": "4205",
                                "datatype": "http://www.w3.org/2001/XMLSchema#integer"}


def test_markdown(runner) -> None:
    result = invoke(runner, "run", "beneficiaries",
                    "-p", "beneficiary=cgv:beneficiary-type/start-ups",
                    "-f", "markdown")
    assert result.exit_code == 0
    assert result.output == (
        "| country | beneficiary | notation | policy | targetedBy |\n"
        "| --- | --- | --- | --- | --- |\n"
        "| Belgium | Start-ups | BEN07 | Flanders Innovation Clusters Policy | 1 |\n"
    )


def test_param_takes_effect_on_the_command_line(runner) -> None:
    result = invoke(runner, "run", "policies-active-in-year", "--param", "year=2006",
                    "-p", "country=BE", "-f", "csv")
    assert result.exit_code == 0
    lines = result.stdout_bytes.decode().split("\r\n")[1:]
    assert sorted(line.split(",")[2].rsplit("/", 1)[1] for line in lines if line) == [
        "be-flanders-in-action", "be-wallonia-competitive-clusters"]


@pytest.mark.parametrize(("args", "message"), [
    (["-p", "year=soon"], "parameter 'year': 'soon' is not a year (xsd:gYear, e.g. 2023)"),
    # not an IRI, so read as a label: it names no country the query has an answer for
    (["-p", "country=no iri"], "parameter 'country': 'no iri' is not the IRI, label or "
     "notation of a value it takes"),
    (["-p", "colour=red"], "unknown parameter 'colour' for query 'policies-active-in-year'"),
    (["-p", "year"], "--param 'year' must be NAME=VALUE"),
    (["-p", "year=2020", "-p", "year=2021"], "parameter 'year' is given twice"),
    (["--timeout", "0"], "--timeout must be a positive number of seconds"),
    (["--timeout", "inf"], "--timeout must be a positive number of seconds (got inf)"),
    (["--timeout", "nan"], "--timeout must be a positive number of seconds (got nan)"),
    # past what a lock can wait for (threading.TIMEOUT_MAX)
    (["--timeout", "1e10"], "--timeout must be a positive number of seconds (got 1e+10)"),
    (["--endpoint", "file:///etc/passwd"], "--endpoint must be an http(s) URL"),
])
def test_usage_errors(runner, args: list[str], message: str) -> None:
    result = invoke(runner, "run", "policies-active-in-year", *args)
    assert result.exit_code == ExitCode.USAGE
    assert result.output.startswith(f"clustergraph: error: {message}")
    assert "Traceback" not in result.output


def test_name_or_file(runner, tmp_path: Path) -> None:
    assert invoke(runner, "run").exit_code == ExitCode.USAGE
    f = tmp_path / "q.rq"
    f.write_text("SELECT ?x WHERE { BIND(1 AS ?x) }")
    assert invoke(runner, "run", "policy-overview", "--file", str(f)).exit_code == ExitCode.USAGE


def test_file(runner, tmp_path: Path) -> None:
    f = tmp_path / "count.rq"
    f.write_text("PREFIX cg: <https://w3id.org/clustergraph/ontology#>\n"
                 "SELECT (COUNT(?p) AS ?n) WHERE { ?p a cg:ClusterPolicy }\n")
    result = invoke(runner, "run", "--file", str(f), "-f", "csv")
    assert result.exit_code == 0
    assert result.stdout_bytes == b"n\r\n12\r\n"


def test_file_missing_or_broken(runner, tmp_path: Path) -> None:
    result = invoke(runner, "run", "--file", str(tmp_path / "none.rq"))
    assert result.exit_code == ExitCode.INPUT
    broken = tmp_path / "broken.rq"
    broken.write_text("SELECT ?x WHERE { ?x ?y }")
    result = invoke(runner, "run", "--file", str(broken))
    assert result.exit_code == ExitCode.INPUT
    assert result.output.startswith("clustergraph: error: broken: ")


@pytest.mark.parametrize("text", [
    "SELECT * WHERE { SERVICE <http://example.org/sparql> { ?s ?p ?o } }",
    "SELECT * FROM <http://example.org/data.ttl> WHERE { ?s ?p ?o }",
    "SELECT * FROM NAMED <file:///etc/hosts> WHERE { GRAPH ?g { ?s ?p ?o } }",
    "LOAD <http://example.org/data.ttl>",
    "INSERT DATA { <http://a> <http://b> <http://c> }",
    "DELETE WHERE { ?s ?p ?o }",
    "CLEAR ALL",
    "DROP ALL",
])
def test_refused_exit_4(runner, tmp_path: Path, text: str) -> None:
    f = tmp_path / "bad.rq"
    f.write_text(text)
    result = invoke(runner, "run", "--file", str(f))
    assert result.exit_code == ExitCode.REFUSED
    assert result.output.startswith("clustergraph: error: bad: ")
    assert result.output.rstrip().endswith("refused")


def test_refused_before_any_endpoint_is_contacted(runner, tmp_path: Path) -> None:
    f = tmp_path / "bad.rq"
    f.write_text("SELECT * WHERE { SERVICE <http://example.org/> { ?s ?p ?o } }")
    result = invoke(runner, "run", "--file", str(f), "--endpoint", f"http://127.0.0.1:{free_port()}/q")
    assert result.exit_code == ExitCode.REFUSED


EXPENSIVE = ("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o . ?s2 a ?o2 . "
             "FILTER(STR(?o) < STR(?o2)) }")


def test_timeout_exit_5_and_no_output(tmp_path: Path) -> None:
    from click.testing import CliRunner

    runner = CliRunner()
    f = tmp_path / "slow.rq"
    f.write_text(EXPENSIVE)
    result = runner.invoke(main, ["query", "run", "--file", str(f), "--timeout", "0.05"])
    assert result.exit_code == ExitCode.TIMEOUT
    assert result.stdout == ""
    assert "ran past the 0.05 s timeout" in result.stderr


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_unreachable_endpoint_exit_6(runner) -> None:
    result = invoke(runner, "run", "policy-overview", "--endpoint",
                    f"http://127.0.0.1:{free_port()}/query")
    assert result.exit_code == ExitCode.ENDPOINT
    assert "could not be reached" in result.output


@pytest.mark.slow
def test_query_run_imports_neither_rdflib_nor_pyshacl() -> None:
    code = (
        "import sys\n"
        "from clustergraph.cli import main\n"
        "try:\n"
        "    main(['query', 'run', 'policy-overview', '-f', 'csv'])\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        "print(sorted(m for m in ('rdflib', 'pyshacl', 'owlrl') if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.splitlines()[-1] == "[]"
