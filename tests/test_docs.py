"""``clustergraph docs`` (issue 6): static HTML of the ontology and of every concept scheme."""

from __future__ import annotations

import html
from html.parser import HTMLParser
from pathlib import Path

import pytest

from clustergraph.cli import main
from clustergraph.docs import render
from clustergraph.namespaces import compact, sparql_prefixes
from clustergraph.resources import layer_graph
from clustergraph.store import load

VOID_ELEMENTS = {"meta", "br", "img", "link", "hr", "input"}


class _Balance(HTMLParser):
    """Counts unclosed or stray tags: the pages are written by string templates."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag not in VOID_ELEMENTS:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes {self.stack[-1:] or 'nothing'}")
        else:
            self.stack.pop()


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    from click.testing import CliRunner

    out = tmp_path_factory.mktemp("site")
    result = CliRunner().invoke(main, ["docs", "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out


def _rows(kg, query):
    return list(kg.store.query(sparql_prefixes() + query, use_default_graph_as_union=True))


def test_index_names_every_class(site, kg):
    index = (site / "index.html").read_text(encoding="utf-8")
    onto = layer_graph("ontology")
    classes = [r["c"].value for r in _rows(
        kg, f"SELECT ?c WHERE {{ GRAPH <{onto}> {{ ?c a owl:Class FILTER(isIRI(?c)) }} }}")]
    assert len(classes) > 20
    for iri in classes:
        assert html.escape(compact(iri)) in index, f"{compact(iri)} missing from index.html"
        labels = [r["l"].value for r in _rows(kg, f"SELECT ?l WHERE {{ <{iri}> rdfs:label ?l }}")]
        assert any(html.escape(label) in index for label in labels), iri


def test_properties_with_domain_and_range(site):
    index = (site / "index.html").read_text(encoding="utf-8")
    section = index.split('id="cg-hasObjective"', 1)[1].split("</section>", 1)[0]
    assert "Domain" in section and "cg:Policy" in section
    assert "Range" in section and "skos:Concept" in section


def test_examples_from_the_data(site, kg):
    policies = [r["p"].value for r in _rows(kg, "SELECT ?p WHERE { ?p a cg:ClusterPolicy }")]
    if not policies:
        pytest.skip("no cluster policy in the data yet")
    index = (site / "index.html").read_text(encoding="utf-8")
    section = index.split('id="cg-ClusterPolicy"', 1)[1].split("</section>", 1)[0]
    assert any(html.escape(p) in section for p in policies)


def test_every_scheme_has_a_page_with_its_concepts(site, kg):
    schemes = [r["s"].value for r in _rows(kg, "SELECT ?s WHERE { ?s a skos:ConceptScheme }")]
    pages = sorted((site / "schemes").glob("*.html"))
    assert len(pages) == len(set(schemes))
    text = "\n".join(p.read_text(encoding="utf-8") for p in pages)
    for r in _rows(kg, """SELECT ?c ?n WHERE { ?c skos:inScheme ?s ; skos:notation ?n .
                                               ?s a skos:ConceptScheme }"""):
        assert f"<code>{html.escape(r['n'].value)}</code>" in text, r["c"].value
    objective = (site / "schemes" / "objective.html").read_text(encoding="utf-8")
    assert "<th>Notation</th><th>Preferred label</th><th>Definition</th>" in objective
    assert "OBJ01" in objective


def test_pages_are_balanced_html(site):
    for page in [site / "index.html", *sorted((site / "schemes").glob("*.html"))]:
        parser = _Balance()
        parser.feed(page.read_text(encoding="utf-8"))
        assert not parser.errors and not parser.stack, (page.name, parser.errors[:3],
                                                        parser.stack[:3])


def test_docs_are_deterministic(site, tmp_path):
    pages = render(load(("ontology", "vocabularies", "reference", "data")))
    assert set(pages) == {str(p.relative_to(site)) for p in site.rglob("*.html")}
    for rel, text in pages.items():
        assert (site / rel).read_text(encoding="utf-8") == text, rel


def test_escapes_markup_in_labels(tmp_path):
    data = tmp_path / "odd.ttl"
    data.write_text(
        '@prefix skos: <http://www.w3.org/2004/02/skos/core#> .\n'
        '<https://w3id.org/clustergraph/vocab/odd> a skos:ConceptScheme ;\n'
        '  skos:prefLabel "Odd <b>scheme</b> & co"@en .\n'
        '<https://w3id.org/clustergraph/vocab/odd/x> a skos:Concept ;\n'
        '  skos:inScheme <https://w3id.org/clustergraph/vocab/odd> ;\n'
        '  skos:notation "X<1>" ; skos:prefLabel "Liège <script>"@fr .\n', encoding="utf-8")
    kg = load(("ontology", "vocabularies", "data"), extra_files=[data])
    page = render(kg)["schemes/odd.html"]
    assert "<script>" not in page and "<b>scheme" not in page
    assert "Liège &lt;script&gt;" in page and "X&lt;1&gt;" in page


def test_output_that_is_a_file_is_an_output_error(runner, tmp_path):
    target = tmp_path / "site"
    target.write_text("not a folder", encoding="utf-8")
    result = runner.invoke(main, ["docs", "--output", str(target)])
    assert result.exit_code in (2, 7)  # click refuses a file where a folder is expected
    assert target.read_text(encoding="utf-8") == "not a folder"


def test_unwritable_folder_exits_7(runner, tmp_path):
    parent = tmp_path / "ro"
    parent.mkdir()
    (parent / "site").write_text("x", encoding="utf-8")  # schemes/ cannot be created in a file
    result = runner.invoke(main, ["docs", "--output", str(parent / "site" / "sub")])
    assert result.exit_code == 7, result.output
    assert "cannot create the folder" in result.stderr


def test_docs_help_has_an_example(runner):
    result = runner.invoke(main, ["docs", "--help"])
    assert result.exit_code == 0 and "clustergraph docs --output" in result.output

