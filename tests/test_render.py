"""``query run --format table`` fitted to the terminal: a 100-column golden file for every
saved query (tests/fixtures/tables/NAME.txt), no text lost to wrapping, ``--columns``,
``--labels`` in CSV/TSV/JSON, ``--width`` and ``--file -``.

The golden files are the reviewed output; after a deliberate change to the renderer, the
data or a query, rewrite them with ``CLUSTERGRAPH_REGEN_TABLES=1 python -m pytest
tests/test_render.py`` and review the diff (the regenerating run fails, so that it is never
mistaken for a passing one)."""

from __future__ import annotations

import csv
import io
import json
import os
import re
from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.catalog import saved_queries
from clustergraph.cli import main
from clustergraph.errors import ExitCode
from clustergraph.query import QueryResult, run
from clustergraph.render import _fit, human, render, table

TABLES = Path(__file__).parent / "fixtures" / "tables"
REGEN = os.environ.get("CLUSTERGRAPH_REGEN_TABLES") == "1"
NAMES = [q.name for q in saved_queries()]
BEL = "http://publications.europa.eu/resource/authority/country/BEL"


def invoke(runner, *args: str, **kw):  # noqa: ANN001, ANN202
    return runner.invoke(main, ["query", *args], prog_name="clustergraph", **kw)


@pytest.mark.parametrize("name", NAMES)
def test_table_golden_file_at_100_columns(runner, name: str) -> None:
    result = invoke(runner, "run", name, "--width", "100")
    assert result.exit_code == 0, result.output
    golden = TABLES / f"{name}.txt"
    if REGEN:
        golden.write_text(result.stdout, encoding="utf-8")
        pytest.fail(f"rewrote {golden}: review the diff, then run without "
                    "CLUSTERGRAPH_REGEN_TABLES")
    assert result.stdout == golden.read_text(encoding="utf-8")
    assert max(len(line) for line in result.stdout.splitlines()) <= 100


def test_there_is_a_golden_file_for_every_saved_query_and_no_other() -> None:
    assert sorted(p.stem for p in TABLES.glob("*.txt")) == sorted(NAMES)


def read_back(text: str, rows: int) -> list[list[str]]:
    """The cells of a rendered table, read back column by column (the column spans are
    those of the dashed line): each cell's lines joined, without white space."""
    lines = text.splitlines()
    dash = next(k for k, line in enumerate(lines) if line and set(line) <= {"-", " "})
    spans = [(m.start(), m.end()) for m in re.finditer(r"-+", lines[dash])]
    body = lines[dash + 1:-1]
    blocks = ([[line] for line in body] if len(body) == rows
              else [b.split("\n") for b in "\n".join(body).split("\n\n")])
    return [["".join("".join(line[a:b].split()) for line in block) for a, b in spans]
            for block in blocks]


@pytest.mark.parametrize("width", [40, 60, 100, 0])
@pytest.mark.parametrize("name", NAMES)
def test_wrapping_loses_no_text(kg, name: str, width: int) -> None:
    """Every cell's text is in its column, whole and in order, at any width."""
    q = next(q for q in saved_queries() if q.name == name)
    result = run(q, kg=kg, labels=True)
    if result.boolean is not None:
        pytest.skip("an ASK query")
    text = table(result, width)
    cells = [["".join(human(t, result.labels).split()) for t in row] for row in result.rows]
    assert read_back(text, len(result.rows)) == cells
    if width:
        floor = 8 * len(result.variables) + 2 * (len(result.variables) - 1)
        assert max(len(line) for line in text.splitlines()) <= max(width, floor)


def test_fit_shares_the_room_fairly() -> None:
    assert _fit([5, 50, 50], [5, 8, 8], 60) == [5, 28, 27]
    assert _fit([5, 10], [5, 8], 60) == [5, 10]         # everything fits: natural widths
    assert _fit([5, 50, 50], [5, 30, 30], 40) == [5, 30, 30]  # floors win: wider, not cut


def fictional() -> QueryResult:
    """A fictional result: an IRI column with a label, a long literal, a number."""
    a = ox.NamedNode("https://example.org/thing/a")
    b = ox.NamedNode("https://example.org/thing/b")
    long = ox.Literal("alpha beta gamma delta epsilon zeta eta theta iota kappa")
    n = ox.Literal("42", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer"))
    return QueryResult(["thing", "note", "n"], [(a, long, n), (b, None, None)],
                       labels={a.value: "Thing A"})


def test_table_wraps_at_spaces_and_right_aligns_numbers() -> None:
    """Words are kept whole; a word longer than LONG_WORD (an IRI) breaks; a blank line
    separates rows once one of them takes more than a line."""
    assert table(fictional(), 40) == (
        "thing                 note             n\n"
        "--------------------  --------------  --\n"
        "Thing A               alpha beta      42\n"
        "                      gamma delta\n"
        "                      epsilon zeta\n"
        "                      eta theta iota\n"
        "                      kappa\n"
        "\n"
        "<https://example.org\n"
        "/thing/b>\n"
        "(2 rows)\n"
    )


def test_many_columns_fit_a_narrow_width_with_numbers_whole() -> None:
    """Headers wider than the room wrap too, so that the table fits the width asked for
    (funding-model's eleven columns at 100 were 104 wide); a number stays whole while it
    can, and below a character per column the table is as narrow as it can be."""
    xsd = "http://www.w3.org/2001/XMLSchema#"
    head = ["channelledThrough", "budgetType", "amount"]
    r = QueryResult(head, [(ox.Literal("Public Service of Wallonia"), ox.Literal("Overall"),
                            ox.Literal("662000000", datatype=ox.NamedNode(xsd + "integer")))])
    assert table(r, 24) == (
        "channe  budge     amount\n"
        "lledTh  tType\n"
        "rough\n"
        "------  -----  ---------\n"
        "Public  Overa  662000000\n"
        "Servic  ll\n"
        "e of W\n"
        "alloni\n"
        "a\n"
        "(1 row)\n"
    )
    assert table(r, 16).splitlines()[6] == "Publ  Over  6620"  # 4 characters each, at least
    for width in range(7, 60):
        assert max(len(line) for line in table(r, width).splitlines()) <= width, width
    assert "-  -  -" in table(r, 4).splitlines()  # one character a column: 7 wide


def test_width_zero_is_one_line_per_row() -> None:
    gap = "  "
    assert table(fictional(), 0).splitlines() == [
        "thing".ljust(29) + gap + "note".ljust(56) + gap + " n",
        "-" * 29 + gap + "-" * 56 + gap + "--",
        "Thing A".ljust(29) + gap + "alpha beta gamma delta epsilon zeta eta theta iota kappa"
        + gap + "42",
        "<https://example.org/thing/b>",
        "(2 rows)",
    ]


def test_labels_beside_iris_in_csv_tsv_json() -> None:
    from clustergraph.render import with_labels

    r = with_labels(fictional())
    assert r.variables == ["thing", "thingLabel", "note", "n"]
    assert render(r, "csv") == (
        "thing,thingLabel,note,n\r\n"
        "https://example.org/thing/a,Thing A,alpha beta gamma delta epsilon zeta eta theta "
        "iota kappa,42\r\n"
        "https://example.org/thing/b,,,\r\n"
    )
    assert render(r, "tsv").splitlines()[:2] == [
        "?thing\t?thingLabel\t?note\t?n",
        '<https://example.org/thing/a>\t"Thing A"\t"alpha beta gamma delta epsilon zeta '
        'eta theta iota kappa"\t"42"^^<http://www.w3.org/2001/XMLSchema#integer>',
    ]
    bindings = json.loads(render(r, "json"))["results"]["bindings"]
    assert bindings[1] == {"thing": {"type": "uri", "value": "https://example.org/thing/b"}}
    assert bindings[0]["thingLabel"] == {"type": "literal", "value": "Thing A"}


def test_cli_labels_in_csv(runner) -> None:
    result = invoke(runner, "run", "policy-overview", "-p", "country=BEL", "--format", "csv",
                    "--labels", "--columns", "country,policy,start")
    assert result.exit_code == 0, result.output
    assert list(csv.reader(io.StringIO(result.stdout))) == [
        ["country", "countryLabel", "policy", "policyLabel", "start"],
        [BEL, "Belgium", "https://w3id.org/clustergraph/id/policy/be-flanders-innovation-"
         "clusters", "Flanders Innovation Clusters Policy", "2016"],
        [BEL, "Belgium", "https://w3id.org/clustergraph/id/policy/be-wallonia-competitive-"
         "clusters", "Walloon Region Competitive Clusters Policy", "2005"],
    ]


def test_columns_choose_and_hide(runner) -> None:
    chosen = invoke(runner, "run", "policy-overview", "-p", "country=Belgium",
                     "--columns", "start,country")
    assert chosen.exit_code == 0, chosen.output
    assert chosen.stdout == (
        "start  country\n"
        "-----  -------\n"
        "2016   Belgium\n"
        "2005   Belgium\n"
        "(2 rows)\n"
    )
    hidden = invoke(runner, "run", "policy-overview", "-p", "country=BEL", "--format", "csv",
                    "--columns=-policy,-area,-authorities,-endCondition,-periodType,-strands,"
                    "-policyType,-end")
    assert hidden.exit_code == 0, hidden.output
    assert hidden.stdout_bytes == f"country,start\r\n{BEL},2016\r\n{BEL},2005\r\n".encode()


@pytest.mark.parametrize(("spec", "message"), [
    ("contry", "--columns: no column 'contry'; did you mean 'country'? (the columns: "
               "country, policy, policyType, area, authorities, start, end, endCondition, "
               "periodType, strands)"),
    ("country,-end", "--columns: either choose columns (a,b) or hide them (-a,-b), not both"),
    ("country,country", "--columns: a column is named twice"),
    (",", "--columns: give column names separated by commas"),
])
def test_columns_errors(runner, spec: str, message: str) -> None:
    result = invoke(runner, "run", "policy-overview", f"--columns={spec}")
    assert result.exit_code == ExitCode.USAGE
    assert result.stdout == ""
    assert result.stderr == f"clustergraph: error: {message}\n"


def test_query_from_standard_input(runner) -> None:
    text = ("PREFIX dct: <http://purl.org/dc/terms/>\n"
            f"SELECT ?c WHERE {{ VALUES ?c {{ <{BEL}> }} }}\n")
    result = invoke(runner, "run", "--file", "-", input=text)
    assert result.exit_code == 0, result.output
    assert result.stdout == "c\n-------\nBelgium\n(1 row)\n"


@pytest.mark.parametrize(("data", "message"), [
    (b"", "-: standard input is empty (no query)"),
    (b"SELECT \xff", "-: standard input is not valid UTF-8 (byte 7)"),
])
def test_query_from_bad_standard_input(runner, data: bytes, message: str) -> None:
    result = invoke(runner, "run", "--file", "-", input=data)
    assert result.exit_code == ExitCode.INPUT
    assert result.stderr == f"clustergraph: error: {message}\n"


def test_mistyped_query_name_gets_the_closest(runner) -> None:
    result = invoke(runner, "run", "policy-overveiw")
    assert result.exit_code == ExitCode.USAGE
    assert result.stderr.startswith("clustergraph: error: no saved query 'policy-overveiw'; "
                                    "did you mean 'policy-overview'? (see `clustergraph "
                                    "query list`: authority-roles, ")
