"""Facts from a web page: provenance is the page, described once (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from clustergraph.cli import main

PAGE = """country: DK
edition: 2024
parts:
  "-":
    - {id: document/dk-ministry-page, a: WebPage, label: Fictional ministry page,
       url: "https://ministry.example/clusters", sourceType: official-national,
       publisher: org/dk-fictional-ministry, retrievalDate: "2024-05-01"}
  document/dk-ministry-page:
    - {id: org/dk-fictional-ministry, label: Fictional Ministry, country: DNK,
       quotation: "The Fictional Ministry runs the programme."}
"""


def _run(tmp_path: Path, text: str) -> tuple[int, str, str]:
    f = tmp_path / "dk.yaml"
    f.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(f)])
    return r.exit_code, r.stdout, r.stderr


def test_provenance_is_the_page(tmp_path: Path) -> None:
    code, out, err = _run(tmp_path, PAGE)
    assert (code, err) == (0, "")
    triples = {(t.subject.value, t.predicate.value, t.object.value)
               for t in ox.parse(out.encode(), format=ox.RdfFormat.TURTLE)}
    cgid = "https://w3id.org/clustergraph/id/"
    assert (cgid + "org/dk-fictional-ministry", "http://www.w3.org/ns/prov#wasDerivedFrom",
            cgid + "document/dk-ministry-page") in triples
    assert (cgid + "document/dk-ministry-page", "https://schema.org/url",
            "https://ministry.example/clusters") in triples
    assert (cgid + "document/dk-ministry-page", "https://w3id.org/clustergraph/ontology#retrievalDate",
            "2024-05-01") in triples


SECOND = """    - {id: document/dk-ministry-page-2, a: WebPage, label: The same page again,
       url: "https://ministry.example/clusters", sourceType: official-national,
       publisher: org/dk-fictional-ministry, retrievalDate: "2024-05-02"}
"""


def test_one_page_minted_twice(tmp_path: Path) -> None:
    anchor = "  document/dk-ministry-page:\n"
    twice = PAGE.replace(anchor, SECOND + anchor)
    code, out, err = _run(tmp_path, twice)
    assert (code, out) == (3, "")
    f = tmp_path / "dk.yaml"
    assert err == (f"clustergraph: error: {f}:8: document/dk-ministry-page-2.url: the page "
                   "https://ministry.example/clusters is already document/dk-ministry-page "
                   "(line 5): one id per address; cite that one\n")
