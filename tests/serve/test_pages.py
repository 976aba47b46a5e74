"""The pages through a real server: every IRI of the bundled graph in all its
representations, labels and sources on a page, HTML escaping, the gallery (forms, tables,
charts, downloads, permalinks), the country pages, the editor, and ``serve --get``."""

from __future__ import annotations

import html
import json
import re
import subprocess
import urllib.parse
import xml.etree.ElementTree as ET
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.catalog import display_term, saved_queries, saved_query
from clustergraph.params import executor, parameter_values
from clustergraph.query import run
from clustergraph.render import to_csv, to_json
from clustergraph.resources import BASE
from clustergraph.store import build_store, load

from .conftest import CLI, Server

pytestmark = pytest.mark.slow

FIXTURES = Path(__file__).parent / "fixtures"
POLICY = BASE + "id/policy/be-flanders-innovation-clusters"
BROWSER = {"Accept": "text/html,application/xhtml+xml,*/*;q=0.8"}


def page_path(iri: str) -> str:
    if iri.startswith(BASE) and "#" not in iri:
        return iri[len(BASE):]
    return "resource?" + urllib.parse.urlencode({"iri": iri})


@pytest.fixture(scope="module")
def kg():
    return load()


def _ground(triples) -> set:  # noqa: ANN001
    return {t for t in triples if not isinstance(t.subject, ox.BlankNode)
            and not isinstance(t.object, ox.BlankNode)}


def test_every_subject_answers_in_every_representation(server: Server, kg) -> None:  # noqa: ANN001
    subjects = sorted({q.subject.value for q in kg.store if isinstance(q.subject, ox.NamedNode)})
    assert len(subjects) > 700  # the bundled graph: ontology, vocabularies, reference, data

    def check(iri: str) -> list[str]:
        problems = []
        path = page_path(iri)
        expected = list(kg.store.query(f"DESCRIBE <{iri}>", use_default_graph_as_union=True))
        for accept, fmt in (("text/turtle", ox.RdfFormat.TURTLE),
                            ("application/n-triples", ox.RdfFormat.N_TRIPLES),
                            ("application/ld+json", ox.RdfFormat.JSON_LD)):
            a = server.get(path, headers={"Accept": accept})
            if a.status != 200:
                problems.append(f"{iri} {accept}: {a.status}")
                continue
            got = [q.triple for q in ox.parse(a.body, format=fmt)]
            if len(got) != len(expected) or _ground(got) != _ground(expected):
                problems.append(f"{iri} {accept}: not its description")
        a = server.get(path, headers=BROWSER)
        if a.status != 200 or "<h1>" not in a.text:
            problems.append(f"{iri} html: {a.status}")
        return problems

    with ThreadPoolExecutor(4) as pool:
        problems = [p for ps in pool.map(check, subjects) for p in ps]
    assert problems == []


def test_a_page_shows_labels_sources_and_links_that_resolve(server: Server) -> None:
    a = server.get(page_path(POLICY), headers=BROWSER)
    page = a.text
    # the source of the statements: the factsheet edition and section, linked
    assert ('<a href="/id/factsheet/be-2023/section-3" title="Belgium 2023, section 3: National '
            'cluster policy, programmes and initiatives">Belgium 2023, section 3</a>') in page
    # labels, not IRIs, for properties and values
    assert ">covers area</a>" in page and ">Flemish Region</a>" in page
    assert ">derived from</a>" in page and ">type</a>" in page
    assert ">https://w3id.org/clustergraph/ontology#coversArea<" not in page
    # properties grouped
    assert [m for m in re.findall(r"<h2>([^<]+)</h2>", page)] == [
        "Key facts", "Names and descriptions", "Classification", "Properties", "Sources",
        "Referred to by"]
    # the key facts: this policy's rows of the policy questions, on one screen
    facts = page.split('<section class="keyfacts" id="key-facts">', 1)[1].split("</section>")[0]
    assert re.findall(r'<h3><a href="/query/([a-z-]+)\?country=country%3ABEL">', facts) == [
        "policy-overview", "instrument-mix", "funding-model"]
    assert "Walloon" not in facts and ">Flemish Region</a>" in facts
    assert '<td class="num">3</td><td class="num">4</td>' in facts  # 3 financial, 4 technical
    # every link to this server answers (the others are W3C terms the graph does not
    # describe, linked as themselves and marked external; never followed here: no network)
    hrefs = sorted(set(re.findall(r'href="(/[^"]*)"', page)))
    external = re.findall(r'<a href="(http[^"]+)" title="[^"]*" class="external"', page)
    assert "http://purl.org/dc/terms/description" in external
    assert all(not e.startswith(BASE) for e in external)
    assert len(hrefs) > 30
    for href in hrefs:
        href = html.unescape(href)
        status = server.get(href.lstrip("/"), headers=BROWSER).status
        assert status == 200, href


def test_hash_iris_have_pages_and_base_iris_one_address(server: Server) -> None:
    a = server.get("resource?" + urllib.parse.urlencode(
        {"iri": BASE + "ontology#ClusterPolicy"}), headers=BROWSER)
    assert a.status == 200 and "<h1>cluster policy</h1>" in a.text
    a = server.get("resource?" + urllib.parse.urlencode({"iri": POLICY}), headers=BROWSER)
    assert a.status == 200 and "<h1>Flanders Innovation Clusters Policy</h1>" in a.text
    a = server.get("resource?iri=not%20an%20iri", headers=BROWSER)
    assert a.status == 400


def test_literals_with_markup_render_as_text(tmp_path: Path) -> None:
    build_store(tmp_path / "store", extra_files=[FIXTURES / "markup.ttl"])
    s = Server("--store", str(tmp_path / "store"), "--workers", "1")
    try:
        a = s.get("id/policy/zz-markup", headers=BROWSER)
        assert a.status == 200
        page = a.text
        assert ("<h1>&lt;script&gt;alert(&#34;label&#34;)&lt;/script&gt; &amp; "
                "&#39;Policy&#39;</h1>") in page
        assert ("&lt;b onmouseover=&#39;alert(1)&#39;&gt;bold&lt;/b&gt; &#34;quoted&#34; &amp; "
                "&lt;a href=&#34;javascript:alert(2)&#34;&gt;link&lt;/a&gt;") in page
        assert "<script>alert" not in page and "<b onmouseover" not in page
        assert 'href="javascript:' not in page
        assert "<span class=external>javascript:alert(3)</span>" in page
        # and in the gallery's table and the editor
        a = s.get("query/policy-overview", headers=BROWSER)
        assert "&lt;script&gt;alert(&#34;label&#34;)&lt;/script&gt;" in a.text
        assert "<script>alert" not in a.text
    finally:
        s.stop()


# --------------------------------------------------------------------------- gallery

def test_gallery_lists_every_question(server: Server) -> None:
    a = server.get("queries", headers=BROWSER)
    assert a.status == 200
    names = re.findall(r'<dt><a href="/query/([a-z-]+)">', a.text)
    assert names == sorted(names, key=lambda n: names.index(n))
    assert sorted(names) == sorted(q.name for q in saved_queries())


@pytest.mark.parametrize("name", [q.name for q in saved_queries()])
def test_every_question_answers_with_its_defaults(server: Server, kg, name: str) -> None:  # noqa: ANN001
    q = saved_query(name)
    a = server.get(f"query/{name}", headers=BROWSER)
    assert a.status == 200
    expected = run(q, kg=kg, labels=True)
    rows = len(re.findall(r"<tr>", a.text.split("<tbody>", 1)[1])) if "<tbody>" in a.text else 0
    assert rows == len(expected.rows)
    for p in q.params:
        assert f'name="{p.name}"' in a.text


BEL = "http://publications.europa.eu/resource/authority/country/BEL"
#: The countries the bundled graph has factsheets for, as a drop-down lists them.
COUNTRIES = [("country:BEL", "Belgium"), ("country:DNK", "Denmark"), ("country:FRA", "France"),
             ("country:NOR", "Norway"), ("country:POL", "Poland")]


def _options(page: str, name: str) -> list[tuple[str, str, str]]:
    select = page.split(f'<select name="{name}" id="p-{name}">', 1)[1].split("</select>", 1)[0]
    return re.findall(r'<option value="([^"]*)"( selected)?>([^<]*)</option>', select)


def test_form_drop_downs_have_labels(server: Server, kg) -> None:  # noqa: ANN001
    a = server.get("query/eu-priority-alignment", headers=BROWSER)
    assert _options(a.text, "priority") == [
        ("cgv:eu-priority/digital-economy", "", "Digital economy"),
        ("cgv:eu-priority/green-economy", " selected", "Green economy"),
        ("cgv:eu-priority/resilience", "", "Resilience")]
    # an optional country: "every country" first, nothing chosen, then the values the
    # query takes with its defaults (those clustergraph.params resolves labels and codes
    # against): only Belgium's policies are aligned with the green economy
    assert _options(a.text, "country") == [("", "", "— every country —"),
                                           ("country:BEL", "", "Belgium")]
    assert 'required' not in a.text.split('id="p-country"', 1)[1].split(">", 1)[0]
    q = saved_query("instrument-mix")
    taken = parameter_values(q, q.param("country"), executor(run, kg=kg))
    assert [(display_term(ox.NamedNode(v.iri)), v.label) for v in taken] == COUNTRIES
    a = server.get("query/instrument-mix", headers=BROWSER)
    assert _options(a.text, "country") == [("", "", "— every country —")] + [
        (v, "", label) for v, label in COUNTRIES]
    # a code chosen by hand: the value it names is selected
    a = server.get("query/instrument-mix?country=NO", headers=BROWSER)
    assert [o for o in _options(a.text, "country") if o[1]] == [
        ("country:NOR", " selected", "Norway")]
    a = server.get("query/beneficiaries", headers=BROWSER)
    options = _options(a.text, "beneficiary")
    assert options[0] == ("", "", "— any —")
    assert ("cgv:beneficiary-type/smes", "", "SMEs") in options


def test_parameters_take_effect_and_bad_values_are_400(server: Server, kg) -> None:  # noqa: ANN001
    q = saved_query("policies-active-in-year")
    a = server.get("query/policies-active-in-year?country=country%3ABEL&year=2006",
                   headers=BROWSER)
    assert a.status == 200
    want = run(q, {"country": f"<{BEL}>", "year": "2006"}, kg=kg)
    assert a.text.count("<tr>") - 1 == len(want.rows) == 2
    assert 'href="/query/policies-active-in-year?country=country%3ABEL&amp;year=2006"' in a.text
    # a label or a code is resolved as the CLI resolves it: the same answer, the permalink
    # with the value it names
    for given in ("Belgium", "BE", "bel"):
        b = server.get(f"query/policies-active-in-year?country={given}&year=2006",
                       headers=BROWSER)
        assert b.status == 200, given
        assert b.text.split("<tbody>", 1)[1] == a.text.split("<tbody>", 1)[1]
        assert 'href="/query/policies-active-in-year?country=country%3ABEL&amp;year=2006"' \
            in b.text
    # no country: every country's rows, each with its country
    every = run(q, {"year": "2006"}, kg=kg)
    a = server.get("query/policies-active-in-year?country=&year=2006", headers=BROWSER)
    assert a.status == 200 and a.text.count("<tr>") - 1 == len(every.rows) == 5
    assert 'href="/query/policies-active-in-year?year=2006" rel="bookmark"' in a.text
    a = server.get("query/policies-active-in-year?year=1990", headers=BROWSER)
    assert "No rows: the graph holds nothing that matches these parameters." in a.text
    a = server.get("query/policies-active-in-year?year=abc", headers=BROWSER)
    assert a.status == 400
    assert ("parameter &#39;year&#39;: &#39;abc&#39; is not a year (xsd:gYear, e.g. 2023)"
            in a.text)
    # a value that names no country: a 400 naming the parameter, with the suggestion, in
    # the form (the CLI's message: one resolver)
    a = server.get("query/policies-active-in-year?country=Belgum&year=2006", headers=BROWSER)
    assert a.status == 400
    assert ('<p class="error" role="alert">parameter &#39;country&#39;: &#39;Belgum&#39; is '
            'not the IRI, label or notation of a value it takes (did you mean country:BEL '
            '&#34;Belgium&#34;?)</p>') in a.text
    assert "<tbody>" not in a.text and '<select name="country"' in a.text
    a = server.get("query/policies-active-in-year?country=contry%3ABEL", headers=BROWSER)
    assert a.status == 400
    assert ("parameter &#39;country&#39;: prefix &#39;contry:&#39; is not declared (did you "
            "mean country:BEL &#34;Belgium&#34;?)") in a.text
    a = server.get("query/policies-active-in-year?country=Belgum&format=csv")
    assert a.status == 400 and "parameter 'country': 'Belgum' is not the IRI" in a.text
    a = server.get("query/no-such-question", headers=BROWSER)
    assert a.status == 404


def test_downloads_are_the_library_answers(server: Server, kg) -> None:  # noqa: ANN001
    q = saved_query("instrument-mix")
    result = run(q, {"country": f"<{BEL}>"}, kg=kg)
    assert len(result.rows) == 2
    for given in ("country%3ABEL", "BE"):
        a = server.get(f"query/instrument-mix?country={given}&format=csv")
        assert (a.status, a.text) == (200, to_csv(result))
        assert a.headers["content-disposition"] == 'attachment; filename="instrument-mix.csv"'
        a = server.get(f"query/instrument-mix?country={given}&format=json")
        assert json.loads(a.body) == json.loads(to_json(result))
    every = run(q, kg=kg)
    assert len(every.rows) == 12
    a = server.get("query/instrument-mix?format=csv")
    assert (a.status, a.text) == (200, to_csv(every))
    page = server.get("query/instrument-mix", headers=BROWSER).text
    assert ('<a href="/query/instrument-mix" rel="bookmark" id="permalink">' in page
            and 'href="/query/instrument-mix?format=csv" id="download-csv"' in page)


def _chart(page: str) -> str:
    return page.split('<figure class="chart" id="chart">', 1)[1].split("</figure>", 1)[0]


def test_charts_are_drawn(server: Server, kg) -> None:  # noqa: ANN001
    # one country: its policies' bars, no headings
    a = server.get("query/instrument-mix?country=BE", headers=BROWSER)
    svg = _chart(a.text)
    assert svg.count('<rect class="bar"') == 4  # 2 policies x (financial, technical)
    assert "<title>Flanders Innovation Clusters Policy, financialInstruments: 3</title>" in svg
    assert 'class="group"' not in svg
    # every country (the default): the bars grouped under each country, in the rows' order,
    # the chart as tall as its rows
    every = run(saved_query("instrument-mix"), kg=kg)
    a = server.get("query/instrument-mix", headers=BROWSER)
    svg = _chart(a.text)
    assert svg.count('<rect class="bar"') == 2 * len(every.rows) == 24
    assert re.findall(r'class="group">([^<]+)<', svg) == [
        "Belgium", "Denmark", "France", "Norway", "Poland"]
    assert ("<title>Belgium: Flanders Innovation Clusters Policy, financialInstruments: 3"
            "</title>") in svg
    assert "<title>Norway: Norwegian Innovation Clusters, technicalInstruments: 2</title>" \
        in svg
    assert 'height="' + str(30 + 22 + 5 * 24 + 12 * 38 + 10) + '"' in svg
    ET.fromstring(svg.strip())
    # rows of one country only (the graph's one state-of-play table): no headings
    a = server.get("query/state-of-play", headers=BROWSER)
    rows = run(saved_query("state-of-play"), kg=kg).rows
    svg = _chart(a.text)
    assert svg.count('<rect class="bar"') == len(rows) == 4 and 'class="group"' not in svg
    a = server.get("query/timeline", headers=BROWSER)
    dated = [r for r in run(saved_query("timeline"), kg=kg).rows if r[1] is not None]
    assert a.text.count('<circle class="event"') == len(dated) > 5
    assert "1999 · Belgium: Cluster initiatives under the Innovation Decree (s…" in a.text
    assert "2004 · France: Pôles de compétitivité (competitiveness clusters) p…" in a.text
    a = server.get("query/timeline?country=BE", headers=BROWSER)
    assert "1999 · Cluster initiatives under the Innovation Decree (start)" in a.text
    a = server.get("query/policy-overview", headers=BROWSER)
    assert '<figure class="chart"' not in a.text  # a table only


def test_tables_sort_by_links(server: Server) -> None:
    a = server.get("query/instrument-mix?sort=financialInstruments&desc=1", headers=BROWSER)
    body = a.text.split("<tbody>", 1)[1]
    assert body.index("Walloon Region") < body.index("Flanders Innovation")
    a = server.get("query/instrument-mix?sort=financialInstruments", headers=BROWSER)
    body = a.text.split("<tbody>", 1)[1]
    assert body.index("Flanders Innovation") < body.index("Walloon Region")


def test_country_page(server: Server) -> None:
    a = server.get("country/BEL", headers=BROWSER)
    assert a.status == 200 and "<h1>Belgium</h1>" in a.text
    for part in ("policy-overview", "state-of-play", "instrument-mix", "euroclusters"):
        assert f'<section class="part" id="{part}">' in a.text
    assert ">Walloon Region Competitive Clusters Policy</a>" in a.text
    assert ">Existence of targeted cluster policies</a>" in a.text
    a = server.get("country/ITA", headers=BROWSER)
    assert a.status == 200 and "The graph holds no factsheet data for this country yet." in a.text
    assert server.get("country/XYZ", headers=BROWSER).status == 404
    a = server.get(page_path("http://publications.europa.eu/resource/authority/country/BEL"),
                   headers=BROWSER)
    assert 'href="/country/BEL" id="country-page"' in a.text


def test_editor(server: Server) -> None:
    q = ("PREFIX cg: <https://w3id.org/clustergraph/ontology#> SELECT ?p WHERE "
         "{ ?p a cg:ClusterPolicy } ORDER BY ?p")
    a = server.get("editor", method="POST", data=urllib.parse.urlencode({"query": q}).encode(),
                   headers={**BROWSER, "Content-Type": "application/x-www-form-urlencoded"})
    assert a.status == 200
    assert "2 rows" in a.text and ">Flanders Innovation Clusters Policy</a>" in a.text
    a = server.get("editor?" + urllib.parse.urlencode({"query": q}), headers=BROWSER)
    assert "2 rows" in a.text
    a = server.get("editor?" + urllib.parse.urlencode(
        {"query": "CONSTRUCT { ?s ?p ?o } WHERE { ?s ?p ?o }"}), headers=BROWSER)
    assert a.status == 400
    assert ("only SELECT and ASK queries can be run (this one is CONSTRUCT); CONSTRUCT and "
            "DESCRIBE are answered at the SPARQL endpoint, /sparql") in a.text
    a = server.get("editor?" + urllib.parse.urlencode(
        {"query": "SELECT * WHERE { ?s ?p ?o }"}), headers=BROWSER)
    assert a.status == 200
    assert ('1000 rows\n    <strong class="truncated">— cut at the row limit; more rows '
            'match</strong>') in a.text
    a = server.get("editor?" + urllib.parse.urlencode(
        {"query": "DELETE WHERE { ?s ?p ?o }"}), headers=BROWSER)
    assert a.status == 400 and "DELETE is SPARQL Update, which changes data; refused" in a.text


def test_serve_get_without_a_socket(kg) -> None:  # noqa: ANN001
    out = subprocess.run([CLI, "serve", "--get", "/query/instrument-mix?format=csv"],
                         capture_output=True, text=True, timeout=120)
    assert (out.returncode, out.stderr) == (0, "")
    assert out.stdout.replace("\r\n", "\n") == to_csv(
        run(saved_query("instrument-mix"), kg=kg)).replace("\r\n", "\n")
    out = subprocess.run([CLI, "serve", "--get", "/id/policy/none"], capture_output=True,
                         text=True, timeout=120)
    assert out.returncode == 3
    assert out.stderr == ("clustergraph: error: --get: HTTP 404: The graph does not describe "
                          "https://w3id.org/clustergraph/id/policy/none.\n")
    out = subprocess.run([CLI, "serve", "--store", "/nonexistent/store"], capture_output=True,
                         text=True, timeout=60)
    assert out.returncode == 3
    assert out.stderr.startswith("clustergraph: error: /nonexistent/store: no such store")


def test_a_parameter_for_any_iri_is_free_text_with_suggestions(server: Server) -> None:
    a = server.get("query/resource-description", headers=BROWSER)
    assert ('<input name="resource" id="p-resource" '
            'value="cgid:policy/be-flanders-innovation-clusters" list="l-resource">') in a.text
    assert ('<option value="cgid:policy/be-wallonia-competitive-clusters">Walloon Region '
            'Competitive Clusters Policy</option>') in a.text
    a = server.get("query/resource-description?resource=nuts%3ABE2", headers=BROWSER)
    assert a.status == 200 and ">Flemish Region</a>" in a.text


def test_base_url_maps_the_w3id_base_under_a_path() -> None:
    out = subprocess.run([CLI, "serve", "--base-url", "https://w3id.org/clustergraph/", "--get",
                          "/id/policy/be-flanders-innovation-clusters"],
                         capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    page = out.stdout
    assert '<link rel="stylesheet" href="/clustergraph/static/style.css">' in page
    assert 'href="/clustergraph/id/factsheet/be-2023/section-3"' in page
    assert 'href="/clustergraph/resource?iri=http%3A%2F%2Fpublications.europa.eu%2Fresource' \
           '%2Fauthority%2Fcountry%2FBEL"' in page
    assert 'href="/id/' not in page
    out = subprocess.run([CLI, "serve", "--base-url", "w3id.org", "--get", "/"],
                         capture_output=True, text=True, timeout=60)
    assert (out.returncode, out.stderr) == (
        2, "clustergraph: error: --base-url must be an http(s) URL (got 'w3id.org')\n")


def test_a_port_in_use_is_an_input_error() -> None:
    import socket

    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        out = subprocess.run([CLI, "serve", "--port", str(port)], capture_output=True,
                             text=True, timeout=60)
    assert out.returncode == 3
    assert out.stderr == (f"clustergraph: error: --host 127.0.0.1 --port {port}: cannot listen "
                          "there (Address already in use)\n")
