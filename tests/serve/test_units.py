"""The parts without a server: content negotiation, the SPARQL XML results writer, the SVG
charts (escaped, drawn from the declared columns), the ``#+ defaultView`` header."""

from __future__ import annotations

import json
import re
import xml.etree.ElementTree as ET
from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.catalog import parse_query, saved_queries
from clustergraph.errors import InputError
from clustergraph.query import QueryResult
from clustergraph.serve import charts
from clustergraph.serve.formats import negotiate, to_xml

JSON, XML, CSV = ("application/sparql-results+json", "application/sparql-results+xml",
                  "text/csv")


@pytest.mark.parametrize(("accept", "want"), [
    (None, JSON),
    ("*/*", JSON),
    ("text/csv", CSV),
    ("text/*", CSV),
    ("application/xml", XML),
    ("application/json", JSON),
    ("text/csv;q=0.2, application/sparql-results+xml", XML),
    ("application/sparql-results+json;q=0, */*;q=0.1", XML),
    ("image/png", None),
    ("text/csv;q=bogus", None),
])
def test_negotiate(accept: str | None, want: str | None) -> None:
    assert negotiate(accept, [JSON, XML, CSV]) == want


def test_xml_results_escape_and_type_terms() -> None:
    r = QueryResult(["a", "b"], [
        (ox.NamedNode("http://e/x?a=1&b=2"), ox.Literal("<tag> & \"q\"", language="en")),
        (ox.BlankNode("b0"), ox.Literal("3", datatype=ox.NamedNode(
            "http://www.w3.org/2001/XMLSchema#integer"))),
        (None, ox.Literal("plain")),
    ])
    root = ET.fromstring(to_xml(r))
    ns = "{http://www.w3.org/2005/sparql-results#}"
    results = root.findall(f"{ns}results/{ns}result")
    assert results[0].find(f"{ns}binding/{ns}uri").text == "http://e/x?a=1&b=2"
    lit = results[0].find(f"{ns}binding[@name='b']/{ns}literal")
    assert (lit.text, lit.get("{http://www.w3.org/XML/1998/namespace}lang")) == (
        '<tag> & "q"', "en")
    assert results[1].find(f"{ns}binding/{ns}bnode").text == "b0"
    assert results[1].find(f"{ns}binding[@name='b']/{ns}literal").get("datatype") \
        == "http://www.w3.org/2001/XMLSchema#integer"
    assert [b.get("name") for b in results[2]] == ["b"]
    assert ET.fromstring(to_xml(QueryResult([], [], True))).find(f"{ns}boolean").text == "true"


def _int(n: int) -> ox.Literal:
    return ox.Literal(n)


def test_bar_chart_escapes_and_scales() -> None:
    rows = [(ox.Literal("<b>A & 'B'</b>"), _int(4)), (ox.Literal("C"), _int(2)),
            (ox.Literal("C"), _int(9))]  # a repeated category: drawn once, first value
    svg = charts.chart("BarChart", {"x": ("k",), "y": ("n",)}, ["k", "n"], rows, {},
                       "T <&>")
    assert svg is not None
    assert "<b>" not in svg and "&lt;b&gt;A &amp; &#x27;B&#x27;&lt;/b&gt;" in svg
    assert "<title>T &lt;&amp;&gt;</title>" in svg
    widths = [float(w) for w in re.findall(r'class="bar"[^>]*width="([\d.]+)"',
                                                          svg)]
    assert widths == [360.0, 180.0]
    ET.fromstring(svg)  # well-formed XML


def test_grouped_bars_timeline_and_nothing_to_draw() -> None:
    rows = [(ox.Literal("p1"), _int(3), _int(4)), (ox.Literal("p2"), _int(4), _int(3))]
    svg = charts.chart("GroupedBarChart", {"x": ("p",), "y": ("f", "t")}, ["p", "f", "t"],
                       rows, {}, "mix")
    assert svg.count('class="bar"') == 4 and svg.count('class="legend"') == 2
    year = ox.NamedNode("http://www.w3.org/2001/XMLSchema#gYear")
    rows = [(ox.Literal("2016", datatype=year), ox.Literal("b")),
            (None, ox.Literal("undated")), (ox.Literal("1999", datatype=year), ox.Literal("a"))]
    svg = charts.chart("Timeline", {"x": ("y",), "y": ("e",)}, ["y", "e"], rows, {}, "t")
    assert svg.count('<circle class="event"') == 2
    assert svg.index("1999 · a") < svg.index("2016 · b")
    # rows of several countries: each event led by its country
    be, no = ox.NamedNode("http://example.org/BE"), ox.NamedNode("http://example.org/NO")
    svg = charts.chart("Timeline", {"x": ("y",), "y": ("e",)}, ["country", "y", "e"],
                       [(be, *rows[0]), (no, *rows[2])], {be.value: "A", no.value: "B"}, "t")
    assert re.findall(r'class="cat">([^<]+)<', svg) == ["1999 · B: a", "2016 · A: b"]
    assert charts.chart("Table", {}, ["a"], [(ox.Literal("x"),)], {}, "t") is None
    assert charts.chart("BarChart", {"x": ("a",), "y": ("b",)}, ["a", "b"],
                        [(ox.Literal("x"), ox.Literal("not a number"))], {}, "t") is None
    assert charts.chart("BarChart", {"x": ("zz",), "y": ("b",)}, ["a", "b"],
                        [(ox.Literal("x"), _int(1))], {}, "t") is None


def test_bars_over_several_countries_are_grouped_by_country() -> None:
    be, no = ox.NamedNode("http://example.org/BE"), ox.NamedNode("http://example.org/NO")
    labels = {be.value: "Country A", no.value: "Country B"}
    rows = [(be, ox.Literal("k1"), _int(2)), (be, ox.Literal("k2"), _int(4)),
            (no, ox.Literal("k1"), _int(1))]  # k1 in both countries: two bars, not one
    svg = charts.chart("BarChart", {"x": ("k",), "y": ("n",)}, ["country", "k", "n"], rows,
                       labels, "t")
    assert re.findall(r'class="group">([^<]+)<', svg) == ["Country A", "Country B"]
    assert re.findall(r'<title>([^<]+)</title></rect>', svg) == [
        "Country A: k1, n: 2", "Country A: k2, n: 4", "Country B: k1, n: 1"]
    assert 'height="' + str(30 + 2 * 24 + 3 * 24 + 10) + '"' in svg
    ET.fromstring(svg)
    # one country: no heading
    svg = charts.chart("BarChart", {"x": ("k",), "y": ("n",)}, ["country", "k", "n"],
                       rows[:2], labels, "t")
    assert 'class="group"' not in svg and svg.count('class="bar"') == 2
    # more categories than are drawn: the chart says so
    many = [(be, ox.Literal(f"k{i:03}"), _int(i + 1)) for i in range(charts.MAX_BARS + 5)]
    svg = charts.chart("BarChart", {"x": ("k",), "y": ("n",)}, ["country", "k", "n"], many,
                       labels, "t")
    assert svg.count('class="bar"') == charts.MAX_BARS
    assert (f'class="note">the first {charts.MAX_BARS} of {charts.MAX_BARS + 5} categories; '
            "the table has them all</text>") in svg


def test_default_view_header() -> None:
    q = parse_query("q", Path("q.rq"), "#+ defaultView: GroupedBarChart; x=a; y=b,c\n"
                                       "SELECT * {}")
    assert (q.view, q.view_columns) == ("GroupedBarChart", {"x": ("a",), "y": ("b", "c")})
    assert parse_query("q", Path("q.rq"), "SELECT * {}").view == "Table"
    with pytest.raises(InputError, match="must be one of Table, BarChart, GroupedBarChart, "
                                         "Timeline \\(got 'PieChart'\\)"):
        parse_query("q", Path("q.rq"), "#+ defaultView: PieChart\nSELECT * {}")
    with pytest.raises(InputError, match="options are x=COLUMN and y=COLUMN,COLUMN"):
        parse_query("q", Path("q.rq"), "#+ defaultView: BarChart; colour=red\nSELECT * {}")


def test_saved_charts_name_columns_their_query_projects() -> None:
    for q in saved_queries():
        for cols in q.view_columns.values():
            for c in cols:
                assert f"?{c}" in q.text, (q.name, c)


# --------------------------------------------------------------------------- the worker's JSON

def _store_with_blank_nodes() -> object:
    from clustergraph.store import KnowledgeGraph

    st = ox.Store()
    p = ox.NamedNode("http://example.org/p")
    for i in range(7):
        st.add(ox.Quad(ox.NamedNode(f"http://example.org/s{i}"), p, ox.Literal(
            f"v{i} " + '"}},{"x"', language="en")))  # JSON's structure inside a string
    st.add(ox.Quad(ox.BlankNode("zz"), p, ox.BlankNode("aa")))
    st.add(ox.Quad(ox.BlankNode("aa"), p, ox.Literal("2", datatype=ox.NamedNode(
        "http://www.w3.org/2001/XMLSchema#integer"))))
    return KnowledgeGraph(store=st, sources=[])


@pytest.mark.parametrize("cap", [3, 8, 9, 10, 1000])
def test_oxigraph_json_equals_the_python_path_and_cuts_at_the_cap(cap: int) -> None:
    from clustergraph.serve import worker

    kg = _store_with_blank_nodes()
    text = "SELECT ?s ?o WHERE { ?s ?p ?o } ORDER BY ?o ?s"
    fast = worker.sparql(kg, text, "json", "turtle", cap)
    slow = worker.sparql(kg, text, "xml", "turtle", cap)  # the Python path's rows
    root = ET.fromstring(slow["body"])
    ns = "{http://www.w3.org/2005/sparql-results#}"
    doc = json.loads(fast["body"])
    assert fast["truncated"] is slow["truncated"] is (cap < 9)
    assert len(doc["results"]["bindings"]) == len(root.findall(f"{ns}results/{ns}result")) \
        == min(cap, 9)
    assert doc["head"] == ({"vars": ["s", "o"], "truncated": True} if cap < 9
                           else {"vars": ["s", "o"]})
    assert fast["body"].endswith(b"}\n")


def test_oxigraph_json_names_blank_nodes_in_order_and_keeps_literals() -> None:
    from clustergraph.serve import worker

    kg = _store_with_blank_nodes()
    a = worker.sparql(kg, "SELECT ?s ?o WHERE { ?s ?p ?o FILTER(isBlank(?s)) } ORDER BY ?o",
                      "json", "turtle", 100)
    # blank nodes sort first: (_:zz _:aa), then (_:aa 2); named in order of appearance
    assert json.loads(a["body"])["results"]["bindings"] == [
        {"s": {"type": "bnode", "value": "b0"}, "o": {"type": "bnode", "value": "b1"}},
        {"s": {"type": "bnode", "value": "b1"},
         "o": {"type": "literal", "value": "2",
               "datatype": "http://www.w3.org/2001/XMLSchema#integer"}}]
    a = worker.sparql(kg, "SELECT ?o WHERE { <http://example.org/s3> ?p ?o }", "json",
                      "turtle", 100)
    assert json.loads(a["body"])["results"]["bindings"] == [
        {"o": {"type": "literal", "value": 'v3 "}},{"x"', "xml:lang": "en"}}]
    a = worker.sparql(kg, "ASK { ?s ?p ?o }", "json", "turtle", 1)
    assert (a["form"], json.loads(a["body"]), a["truncated"]) == (
        "ASK", {"head": {}, "boolean": True}, False)


def test_oxigraph_json_over_its_byte_budget_is_cut_in_python(monkeypatch) -> None:  # noqa: ANN001
    from clustergraph.serve import worker

    monkeypatch.setattr(worker, "JSON_BUDGET", 100)
    kg = _store_with_blank_nodes()
    a = worker.sparql(kg, "SELECT * WHERE { ?s ?p ?o }", "json", "turtle", 4)
    doc = json.loads(a["body"])
    assert a["truncated"] is True and len(doc["results"]["bindings"]) == 4
    assert doc["head"]["truncated"] is True
