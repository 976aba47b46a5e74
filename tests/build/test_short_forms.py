# ruff: noqa: E501  (the exact messages are one line each, as the curator sees them)
"""The input's short forms (issue 17): each gives exactly the triples it stands for, and its
mistakes give their one-line message (exit 3). Fictional values only."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
from click.testing import CliRunner

from clustergraph.cli import main

CG = "https://w3id.org/clustergraph/ontology#"
ID = "https://w3id.org/clustergraph/id/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PROV = "http://www.w3.org/ns/prov#wasDerivedFrom"
RDFS = "http://www.w3.org/2000/01/rdf-schema#label"
DCT = "http://purl.org/dc/terms/"

HEAD = """country: DK
edition: 2024
parts:
  "-":
    - id: factsheet/dk-2024
      a: Factsheet
      title: Fictional factsheet
      edition: "2024"
      country: DNK
      label: Fictional factsheet
      contents:
        section-2:
          title: Fictional landscape
          table-1: Fictional agglomerations
        annex: Annex
"""


def _build(tmp_path: Path, text: str, *extra: str) -> tuple[int, set, str]:
    f = tmp_path / "dk" / "2024.yaml"
    f.parent.mkdir(exist_ok=True)
    f.write_text(text, encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(f), *extra])
    triples = set()
    if r.exit_code == 0 and not extra:
        for t in ox.parse(r.stdout.encode(), format=ox.RdfFormat.TURTLE):
            o = t.object
            triples.add((t.subject.value, t.predicate.value,
                         (o.value, o.datatype.value if not o.language else "@" + o.language)
                         if isinstance(o, ox.Literal) else o.value))
    return r.exit_code, triples, r.stderr.replace(str(f), "{f}")


def _about(triples: set, iri: str) -> set:
    return {(p, o) for s, p, o in triples if s == iri}


def test_contents_are_the_factsheet_parts(tmp_path: Path) -> None:
    code, triples, err = _build(tmp_path, HEAD)
    assert (code, err) == (0, "")
    fs = ID + "factsheet/dk-2024"
    en = "@en"
    assert _about(triples, fs + "/table-1") == {
        ("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", CG + "Table"),
        (CG + "partNumber", ("1", XSD + "string")),
        (DCT + "title", ("Fictional agglomerations", en)),
        (RDFS, ("Denmark 2024, Table 1: Fictional agglomerations", en)),
        (DCT + "isPartOf", fs + "/section-2"),
    }
    assert (RDFS, ("Denmark 2024, section 2: Fictional landscape", en)) in _about(triples, fs + "/section-2")
    assert (DCT + "isPartOf", fs) in _about(triples, fs + "/section-2")
    assert _about(triples, fs + "/annex") >= {(RDFS, ("Denmark 2024, Annex", en)),
                                              (CG + "partNumber", ("Annex", XSD + "string"))}


FIGURES = HEAD + """  table-1:
    - with: {refArea: DNK, measure: cluster-organisations}
    - {id: observation/dk-2024-a, value: 12}
    - {id: observation/dk-2024-b, value: "over 1,200", refArea: BE2}
    - {id: observation/dk-2024-c, value: 7.5 %}
    - {id: observation/dk-2024-d, value: around EUR 2.5 million, quotation: !da "omkring 2,5 mio. euro"}
"""


def test_figures_with_and_defaults(tmp_path: Path) -> None:
    code, triples, err = _build(tmp_path, FIGURES)
    assert (code, err) == (0, "")
    obs = ID + "observation/dk-2024-"
    common = {("http://www.w3.org/1999/02/22-rdf-syntax-ns#type", CG + "Observation"),
              (PROV, ID + "factsheet/dk-2024/table-1"), (CG + "measure",
                                                         "https://w3id.org/clustergraph/vocab/measure/cluster-organisations")}
    q = "https://w3id.org/clustergraph/vocab/qualifier/"
    unit = "https://w3id.org/clustergraph/vocab/unit/"
    dnk = "http://publications.europa.eu/resource/authority/country/DNK"
    assert _about(triples, obs + "a") == common | {
        (CG + "refArea", dnk), (CG + "value", ("12", XSD + "integer")),
        (CG + "unit", unit + "number"), (CG + "qualifier", q + "exact")}
    assert _about(triples, obs + "b") == common | {
        (CG + "refArea", "http://data.europa.eu/nuts/code/BE2"),
        (CG + "value", ("1200", XSD + "integer")), (CG + "unit", unit + "number"),
        (CG + "qualifier", q + "over")}
    assert _about(triples, obs + "c") == common | {
        (CG + "refArea", dnk), (CG + "value", ("7.5", XSD + "decimal")),
        (CG + "unit", unit + "percent"), (CG + "qualifier", q + "exact")}
    assert _about(triples, obs + "d") == common | {
        (CG + "refArea", dnk), (CG + "value", ("2500000.0", XSD + "decimal")),
        (CG + "unit", unit + "eur"), (CG + "qualifier", q + "around"),
        (CG + "quotation", ("omkring 2,5 mio. euro", "@da"))}


ALSO = HEAD + """  table-1:
    - id: policy/dk-fictional
      also: section-2
      label: Fictional policy
      policyType: national
      coversArea: DNK
      notStated: cg:hasAuthorityRole
      hasBudget:
        - {id: -budget, budgetType: overall, amount: DKK 3 million}
"""


def test_also_is_the_entity_s_own(tmp_path: Path) -> None:
    code, triples, err = _build(tmp_path, ALSO)
    assert (code, err) == (0, "")
    fs = ID + "factsheet/dk-2024/"
    pol = ID + "policy/dk-fictional"
    assert {o for p, o in _about(triples, pol) if p == PROV} == {fs + "table-1", fs + "section-2"}
    assert {o for p, o in _about(triples, pol + "-budget") if p == PROV} == {fs + "table-1"}


PAGES = """country: DK
parts:
  "-":
    - {id: document/dk-fictional-page, a: WebPage, label: Fictional page,
       url: "https://ministry.example/p", sourceType: official-national,
       publisher: org/dk-fictional-ministry, retrievalDate: "2024-05-01"}
  fictional-page:
    - {id: org/dk-fictional-ministry, label: Fictional Ministry}
    - {id: observation/dk-2021-2024-clusters, measure: cluster-organisations, refArea: DNK,
       value: 13}
"""


def test_a_folder_from_web_pages_has_no_edition(tmp_path: Path) -> None:
    code, triples, err = _build(tmp_path, PAGES)
    assert (code, err) == (0, "")
    assert (PROV, ID + "document/dk-fictional-page") in _about(triples, ID + "observation/dk-2021-2024-clusters")
    assert (PROV, ID + "document/dk-fictional-page") in _about(triples, ID + "org/dk-fictional-ministry")


def test_turtle_map_names_the_output_files(tmp_path: Path) -> None:
    text = PAGES.replace("parts:\n", 'turtle:\n  sources.ttl: ["-", "org/*"]\n  policies.ttl: "*"\nparts:\n')
    code, _, err = _build(tmp_path, text, "--output", str(tmp_path / "out"))
    assert code == 0
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["policies.ttl", "sources.ttl"]
    src = (tmp_path / "out" / "sources.ttl").read_text(encoding="utf-8")
    pol = (tmp_path / "out" / "policies.ttl").read_text(encoding="utf-8")
    assert "doc:dk-fictional-page" in src and "orgid:dk-fictional-ministry" in src
    assert "obs:dk-2021-2024-clusters" in pol and "dk-fictional-page a" not in pol


MISTAKES = [
    (PAGES.replace("parts:\n", 'turtle:\n  sources.ttl: ["-"]\nparts:\n'),
     "clustergraph: error: {f}:10: org/dk-fictional-ministry: no file of the turtle: map takes part 'fictional-page' (add it to one, or give one \"*\")"),
    (PAGES.replace("parts:\n", 'turtle:\n  Sources.TTL: "*"\nparts:\n'),
     "clustergraph: error: {f}:3: turtle.Sources.TTL: 'Sources.TTL' is not a Turtle file name (lower case, ending in .ttl)"),
    (HEAD.replace("annex: Annex", "appendix: Annex"),
     "clustergraph: error: {f}:15: factsheet/dk-2024.contents.appendix: 'appendix' is not a part of a factsheet (section-2.1, table-3, figure-1, annex)"),
    (FIGURES.replace("with: {refArea: DNK,", "with: {id: x, refArea: DNK,"),
     "clustergraph: error: {f}:17: table-1[0].with.id: 'id' is the entity's own, not a field to share"),
    (FIGURES.replace("value: 7.5 %", "value: 7.5 %%"),
     "clustergraph: error: {f}:20: observation/dk-2024-c.value: '7.5 %%' is not a figure (e.g. 12, over 1,200, 7.5 %, EUR 2.5 million)"),
]


def test_short_form_mistakes(tmp_path: Path) -> None:
    got = []
    for text, _ in MISTAKES:
        code, _, err = _build(tmp_path, text)
        got.append((code, err.rstrip("\n")))
    assert got == [(3, msg) for _, msg in MISTAKES]


def test_two_inputs_never_generate_one_file(tmp_path: Path) -> None:
    a = tmp_path / "dk" / "2023.yaml"
    b = tmp_path / "dk" / "2024.yaml"
    a.parent.mkdir()
    a.write_text(PAGES, encoding="utf-8")
    b.write_text(PAGES.replace("parts:\n", 'turtle:\n  2023.ttl: "*"\nparts:\n'), encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(a), str(b), "--output", str(tmp_path / "out")])
    assert (r.exit_code, r.stdout) == (3, "")
    assert r.stderr == f"clustergraph: error: {b}: turtle: 2023.ttl is also generated by {a}\n"
    assert not (tmp_path / "out").exists()


COUNTRY = "http://publications.europa.eu/resource/authority/country/"


def test_an_entity_of_a_country_is_of_the_file_s_unless_it_says(tmp_path: Path) -> None:
    """An organisation (policy, programme, ...) without `country:` is of the file's country;
    `country: none` is of none, `country: DEU` of that one; an observation gets none."""
    code, triples, err = _build(tmp_path, HEAD + """  table-1:
    - {id: org/dk-fictional-agency, label: Fictional agency}
    - {id: org/de-fictional-network, label: Fictional network, country: DEU}
    - {id: org/dk-fictional-site, label: Fictional site, country: none}
    - {id: policy/dk-fictional-policy, label: Fictional policy, policyType: national,
       coversArea: DNK, notStated: cg:hasAuthorityRole}
    - {id: observation/dk-2024-fictional, measure: networks-supported, refArea: DNK, value: 3}
""")
    assert (code, err) == (0, "")
    of = {s[len(ID):]: o for s, p, o in triples if p == CG + "country"}
    assert of == {"factsheet/dk-2024": COUNTRY + "DNK", "org/dk-fictional-agency": COUNTRY + "DNK",
                  "org/de-fictional-network": COUNTRY + "DEU",
                  "policy/dk-fictional-policy": COUNTRY + "DNK"}


def test_country_none_on_an_entity_that_is_never_of_a_country_is_refused(tmp_path: Path) -> None:
    """`country: none` on an observation would say nothing (an observation is of no country
    anyway): the curator is told, with the line, instead of the field being dropped."""
    code, _, err = _build(tmp_path, HEAD + """  table-1:
    - {id: observation/dk-2024-fictional, measure: networks-supported, refArea: DNK,
       value: 3, country: none}
""")
    line = (HEAD + "  table-1:\n").count("\n") + 2  # the line with `country: none`
    assert (code, err) == (3, f"clustergraph: error: {{f}}:{line}: "
                              "observation/dk-2024-fictional.country: 'none' says that an entity is of no "
                              "country, but a cg:Observation is never of one: leave the field "
                              "out\n")


def test_a_field_s_one_entity_needs_no_list(tmp_path: Path) -> None:
    listed = HEAD + """  table-1:
    - id: policy/dk-fictional-policy
      label: Fictional policy
      policyType: national
      coversArea: DNK
      notStated: cg:hasAuthorityRole
      dct:temporal:
        - {id: -period, years: 2021-2027}
"""
    one = listed.replace("      dct:temporal:\n        - {id: -period, years: 2021-2027}\n",
                         "      dct:temporal: {id: -period, years: 2021-2027}\n")
    assert one != listed
    a = _build(tmp_path, listed)
    b = _build(tmp_path, one)
    assert a[0] == b[0] == 0
    assert a[1] == b[1]
    assert (DCT + "temporal", ID + "policy/dk-fictional-policy-period") in _about(
        b[1], ID + "policy/dk-fictional-policy")
