"""The DCAT-AP 3 record of every export (issue 6): it conforms to the official DCAT-AP 3.0.1
shapes, vendored in ``tests/fixtures/dcat-ap-3.0.1`` (with their licence), and says what
a portal needs (distributions, licence terms, coverage, dates, version, VoID counts)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.namespace import DCAT, DCTERMS, FOAF, RDF, SH, SKOS, VOID

from clustergraph import __version__
from clustergraph import dcat as rec
from clustergraph import export as ex
from clustergraph.cli import main
from clustergraph.resources import layer_graph
from clustergraph.store import load

SHAPES_DIR = Path(__file__).parent / "fixtures" / "dcat-ap-3.0.1"
SHAPE_FILES = ["dcat-ap-SHACL.ttl", "shapes.ttl", "range.ttl", "shapes_recommended.ttl",
               "mdr-vocabularies.shape.ttl"]
FIXTURE = Path(__file__).parent / "fixtures" / "export" / "unicode.ttl"
BEL = rdflib.URIRef("http://publications.europa.eu/resource/authority/country/BEL")
DS = rdflib.URIRef(rec.DATASET)
CAT = rdflib.URIRef(rec.CATALOG)
PUBLISHER = rdflib.URIRef(rec.PUBLISHER)
DCATAP = rdflib.Namespace("http://data.europa.eu/r5r/")

#: Warnings a harvester will show, each for a reason: no geometry in the reference snapshot
#: (and none is invented), a publisher who is not an EU corporate body and whose kind (ADMS
#: publisher type) the project has not stated.
ACCEPTED_WARNINGS = {
    (DCAT.bbox, "country"), (DCAT.centroid, "country"),
    (DCTERMS.type, "publisher"), (DCTERMS.publisher, "publisher-not-eu-body"),
}


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    g = rdflib.Graph()
    for name in SHAPE_FILES:
        g.parse(SHAPES_DIR / name, format="turtle")
    return g


@pytest.fixture(scope="module")
def record(kg, tmp_path_factory) -> rdflib.Graph:
    """The record as a harvester gets it: ``export --catalog-only``, parsed back."""
    path = tmp_path_factory.mktemp("dcat") / "catalog.ttl"
    ex.export(kg, "turtle", path, catalog_only=True)
    return rdflib.Graph().parse(path, format="turtle")


def _results(report: rdflib.Graph, severity) -> list[rdflib.term.Node]:
    """Top-level validation results (not the details nested in sh:detail)."""
    nested = set(report.objects(None, SH.detail))
    return [r for r in report.subjects(RDF.type, SH.ValidationResult)
            if r not in nested and report.value(r, SH.resultSeverity) == severity]


def _classify(report: rdflib.Graph, result) -> tuple:
    path = report.value(result, SH.resultPath)
    focus = report.value(result, SH.focusNode)
    if path in (DCAT.bbox, DCAT.centroid) and str(focus).startswith(rec.AUTHORITY + "country/"):
        return (path, "country")
    if path == DCTERMS.type and focus == PUBLISHER:
        return (path, "publisher")
    if path == DCTERMS.publisher and report.value(result, SH.value) == PUBLISHER:
        return (path, "publisher-not-eu-body")
    return (path, str(focus))


def test_record_conforms_to_dcat_ap_3_0_1(record, shapes):
    import pyshacl

    conforms, report, text = pyshacl.validate(record, shacl_graph=shapes, allow_warnings=True)
    violations = _results(report, SH.Violation)
    assert not violations, text
    assert conforms, text
    unexpected = {_classify(report, r) for r in _results(report, SH.Warning)} - ACCEPTED_WARNINGS
    assert not unexpected, text


def test_shapes_catch_a_broken_record(record, shapes):
    """The check can fail: a dataset without a title and a distribution without an access
    URL are violations."""
    import pyshacl

    broken = rdflib.Graph()
    for t in record:
        if t[1] == DCTERMS.title and t[0] == DS:
            continue
        if t[1] == DCAT.accessURL and str(t[0]).endswith("/turtle"):
            continue
        broken.add(t)
    conforms, report, _ = pyshacl.validate(broken, shacl_graph=shapes, allow_warnings=True)
    assert not conforms
    paths = {report.value(r, SH.resultPath) for r in _results(report, SH.Violation)}
    assert {DCTERMS.title, DCAT.accessURL} <= paths


def test_one_distribution_per_format(record):
    dists = set(record.objects(DS, DCAT.distribution))
    assert len(dists) == len(ex.FORMATS)
    media = {str(record.value(d, DCAT.mediaType)) for d in dists}
    assert media == {rec.IANA + f.media_type for f in ex.FORMATS.values()}
    types = {str(record.value(d, DCTERMS.format)) for d in dists}
    assert types == {rec.AUTHORITY + "file-type/" + f.file_type for f in ex.FORMATS.values()}
    for d in dists:
        assert record.value(d, DCTERMS.license) == rdflib.URIRef(rec.LICENCE)
        assert record.value(d, DCAT.accessURL) is not None


def test_licence_terms_state_both_graph_and_sources(record):
    assert record.value(DS, DCTERMS.license) == rdflib.URIRef(rec.LICENCE)
    terms = str(record.value(rdflib.URIRef(rec.TERMS), rdflib.RDFS.label))
    for phrase in ("compiled graph", "CC BY 4.0", "2011/833/EU", "reuse of Commission documents",
                   "factsheets"):
        assert phrase in terms


def test_coverage_themes_dates_and_version(record, kg):
    assert BEL in set(record.objects(DS, DCTERMS.spatial))
    assert (BEL, SKOS.inScheme, rdflib.URIRef(rec.AUTHORITY + "country")) in record
    period = record.value(DS, DCTERMS.temporal)
    assert (period, RDF.type, DCTERMS.PeriodOfTime) in record
    start, end = record.value(period, DCAT.startDate), record.value(period, DCAT.endDate)
    assert str(start)[:4] <= str(end)[:4]
    themes = {str(t).rsplit("/", 1)[-1] for t in record.objects(DS, DCAT.theme)}
    assert {"ECON", "GOVE", "REGI"} <= themes
    assert str(record.value(DS, DCAT.version)) == __version__
    issued, modified = record.value(DS, DCTERMS.issued), record.value(DS, DCTERMS.modified)
    assert str(issued) == rec.ontology_metadata()["created"]  # from the ontology, not the clock
    assert str(issued) <= str(modified)
    assert rdflib.URIRef(rec.ONTOLOGY) in set(record.objects(DS, DCTERMS.conformsTo))
    assert rdflib.URIRef(rec.SHAPES) in set(record.objects(DS, DCTERMS.conformsTo))
    assert (PUBLISHER, RDF.type, FOAF.Agent) in record
    assert record.value(CAT, DCAT.dataset) == DS
    assert len(set(record.objects(DS, DCAT.keyword))) >= 5


def test_coverage_follows_the_data():
    """With the fixture as data: Belgium, and the years of its period."""
    kg = load(extra_files=[FIXTURE])
    graphs, _ = ex.build(kg, catalog_only=True)
    g = rdflib.Graph()
    for t in graphs[ex.CATALOG_GRAPH]:
        g.add(t)
    assert set(g.objects(DS, DCTERMS.spatial)) == {BEL}
    period = g.value(DS, DCTERMS.temporal)
    assert (str(g.value(period, DCAT.startDate)), str(g.value(period, DCAT.endDate))) == (
        "2021", "2027")


def test_void_counts(record, kg):
    data_triples = {
        (q.subject, q.predicate, q.object) for q in kg.store.quads_for_pattern(None, None, None)
    }
    assert int(record.value(DS, VOID.triples)) == len(data_triples)
    n_policies = len(list(kg.store.query(
        "SELECT DISTINCT ?p WHERE { ?p a <https://w3id.org/clustergraph/ontology#ClusterPolicy> }",
        use_default_graph_as_union=True)))
    parts = {record.value(p, VOID["class"]): int(record.value(p, VOID.entities))
             for p in record.objects(DS, VOID.classPartition)}
    assert parts[rdflib.URIRef("https://w3id.org/clustergraph/ontology#ClusterPolicy")] == (
        n_policies)
    assert int(record.value(DS, VOID.classes)) == len(parts)
    subsets = {str(s) for s in record.objects(DS, VOID.subset)}
    assert subsets == set(kg.graphs())
    assert layer_graph("ontology") in subsets


def test_record_is_in_every_export_in_its_graph(kg, tmp_path):
    path = tmp_path / "all.nq"
    ex.export(kg, "nquads", path, layers=("ontology",))
    catalog = [q for q in ox.parse(path=str(path), format=ox.RdfFormat.N_QUADS)
               if q.graph_name.value == ex.CATALOG_GRAPH]
    assert any(q.object.value == str(DCAT.Dataset) for q in catalog)


def test_catalog_only_cli(runner):
    result = runner.invoke(main, ["export", "--catalog-only", "--format", "jsonld", "-o", "-"])
    assert result.exit_code == 0, result.stderr
    quads = list(ox.parse(result.stdout_bytes, format=ox.RdfFormat.JSON_LD))
    assert {q.graph_name.value for q in quads} == {ex.CATALOG_GRAPH}
    assert any(q.object.value == str(DCAT.Catalog) for q in quads)


def test_whole_export_conforms_to_dcat_ap(kg, shapes, tmp_path):
    """A harvester may validate the whole file, not only the record."""
    import pyshacl

    path = tmp_path / "all.ttl"
    ex.export(kg, "turtle", path)
    conforms, report, text = pyshacl.validate(rdflib.Graph().parse(path), shacl_graph=shapes,
                                              allow_warnings=True)
    assert not _results(report, SH.Violation), text[:3000]


def test_whole_export_violates_nothing_else(kg, shapes, tmp_path):
    """Until the schemes have titles, that is the only violation in the whole export."""
    import pyshacl

    path = tmp_path / "all.ttl"
    ex.export(kg, "turtle", path)
    data = rdflib.Graph().parse(path)
    _, report, text = pyshacl.validate(data, shacl_graph=shapes, allow_warnings=True)
    others = [r for r in _results(report, SH.Violation)
              if not (report.value(r, SH.resultPath) == DCTERMS.title
                      and (report.value(r, SH.focusNode), RDF.type, SKOS.ConceptScheme) in data)]
    assert not others, text[:3000]
