"""The dataset's DCAT-AP 3 record and VoID description, part of every export.

A portal harvester reads a ``dcat:Catalog`` with one ``dcat:Dataset`` (clustergraph) and one
``dcat:Distribution`` per export format, each with its EU file type and IANA media type; the
licence and the rights statement (the compiled graph under CC BY 4.0; the source factsheets,
Commission documents, under the Commission's reuse policy); the publisher and a contact point;
spatial coverage (EU country authority IRIs of the factsheets' countries) and temporal coverage
(a ``dct:PeriodOfTime`` from the periods in the data); EU data themes, keywords, conformance to
the ontology and the shapes; issued and modified dates and the version. The dataset is also a
``void:Dataset`` with its triple, class and property counts and one class partition per class.

Every value comes from the graph, the bundled ontology or :data:`clustergraph.__version__`,
never from the clock, so that the record is as deterministic as the rest of the export. Every
EU controlled-vocabulary term the record uses is typed and labelled in the record itself (as
DCAT-AP's vocabulary shapes expect: ``skos:inScheme`` its authority table), so that the record
conforms to the DCAT-AP 3.0.1 shapes on its own (``clustergraph export --catalog-only``).
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from operator import itemgetter
from typing import Any

from . import __version__
from .namespaces import (
    AUTHORITY,
    BASE,
    CG,
    DCAT,
    DCATAP,
    DCT,
    FOAF,
    GRAPH_BASE,
    OWL,
    PROV,
    RDF,
    RDFS,
    SKOS,
    VCARD,
    VOID,
    XSD,
    compact,
)
from .resources import ontology_file, reference_files

Triple = tuple[Any, Any, Any]


IANA = "https://www.iana.org/assignments/media-types/"

CATALOG = BASE + "catalog"
DATASET = BASE + "dataset"
PUBLISHER = CATALOG + "#publisher"
CONTACT = CATALOG + "#contact-point"
TERMS = CATALOG + "#terms-of-use"
TEMPORAL = DATASET + "#temporal-coverage"
ONTOLOGY = BASE + "ontology"
SHAPES = BASE + "shapes"
LICENCE = AUTHORITY + "licence/CC_BY_4_0"
CC_BY = "https://creativecommons.org/licenses/by/4.0/"
REUSE_DECISION = "http://data.europa.eu/eli/dec/2011/833/oj"

#: EU data themes (authority table ``data-theme``) of the dataset.
THEMES = {
    "ECON": "Economy and finance",
    "GOVE": "Government and public sector",
    "REGI": "Regions and cities",
}

KEYWORDS = (
    "cluster policy",
    "cluster organisations",
    "industrial ecosystems",
    "regional innovation",
    "smart specialisation",
    "European Cluster Collaboration Platform",
    "European Semester",
    "linked data",
)

TITLE = "clustergraph: the European cluster-policy landscape"
DESCRIPTION = (
    "The ECCP country factsheets on cluster policies and programmes as a linked-data "
    "knowledge graph: cluster policies with their objectives, authorities and roles, "
    "beneficiaries, instruments, periods, budgets and evaluations; industrial ecosystems, "
    "regional agglomerations and cluster organisations; interregional cooperation; European "
    "Semester challenges; and the state-of-play assessment, each statement traced to the "
    "section or table of the factsheet it comes from. With its OWL ontology, SKOS "
    "vocabularies and a snapshot of the EU reference data it uses."
)
TERMS_TEXT = (
    "Terms of use. (1) The compiled graph - the clustergraph ontology, its vocabularies, the "
    "reference snapshot and the data encoded from the factsheets - is offered under the "
    "Creative Commons Attribution 4.0 International licence (CC BY 4.0, "
    "https://creativecommons.org/licenses/by/4.0/): you may share and adapt it for any "
    "purpose, giving appropriate credit to clustergraph. (2) The source documents - the ECCP "
    "country factsheets on cluster policies and programmes, published for the European "
    "Commission, and the European Semester country reports they cite - are Commission "
    "documents, reused under the Commission's reuse policy: Commission Decision 2011/833/EU "
    "of 12 December 2011 on the reuse of Commission documents, under which (Commission "
    "Decision C(2019) 1655) Commission documents are made available under CC BY 4.0 unless "
    "otherwise indicated. Credit the European Commission (European Cluster Collaboration "
    "Platform) as their source; as the factsheets state, the views set out in them do not "
    "necessarily reflect the official opinion of EISMEA or the European Commission."
)


def _iri(value: str) -> Any:
    import rdflib

    return rdflib.URIRef(value)


def _graph_node(gname: str) -> Any:
    """A named graph as an RDF node: its IRI, or the blank node ``_:label`` that names it."""
    import rdflib

    return rdflib.BNode(gname[2:]) if gname.startswith("_:") else rdflib.URIRef(gname)


def _lit(value: Any, lang: str | None = None, datatype: str | None = None) -> Any:
    import rdflib

    return rdflib.Literal(
        str(value), lang=lang, datatype=rdflib.URIRef(datatype) if datatype else None,
        normalize=False,
    )


# ---------------------------------------------------------------------------------------------
# What the record reads from the bundled files (the ontology's metadata, country labels)
# ---------------------------------------------------------------------------------------------


@cache
def ontology_metadata() -> dict[str, str]:
    """Title, creator, created date and version of the bundled ontology."""
    import pyoxigraph as ox

    meta: dict[str, str] = {}
    wanted = {
        DCT + "title": "title", DCT + "creator": "creator", DCT + "created": "created",
        DCT + "modified": "modified", OWL + "versionInfo": "version",
        OWL + "versionIRI": "versionIRI",
    }
    for t in ox.parse(path=str(ontology_file()), format=ox.RdfFormat.TURTLE):
        if t.subject == ox.NamedNode(ONTOLOGY) and t.predicate.value in wanted:
            meta.setdefault(wanted[t.predicate.value], t.object.value)
    return meta


@cache
def reference_labels() -> dict[str, str]:
    """English ``skos:prefLabel`` of every IRI in the bundled reference snapshot."""
    import pyoxigraph as ox

    labels: dict[str, str] = {}
    for path in reference_files():
        for t in ox.parse(path=str(path), format=ox.RdfFormat.TURTLE):
            if (t.predicate.value == SKOS + "prefLabel" and isinstance(t.object, ox.Literal)
                    and t.object.language == "en"):
                labels.setdefault(t.subject.value, t.object.value)
    return labels


# ---------------------------------------------------------------------------------------------
# What the record reads from the exported graph
# ---------------------------------------------------------------------------------------------


#: The predicates of the triples the record reads besides its VoID statistics (the
#: countries, dates, periods and editions), with the ``rdf:type cg:Factsheet`` triples:
#: given :func:`void_statistics` of the whole graphs, :func:`record` needs only these.
RECORD_PREDICATES = frozenset({
    CG + "country", DCT + "spatial", DCAT + "startDate", DCAT + "endDate",
    CG + "edition", DCT + "created", DCT + "modified", DCT + "issued", CG + "dataDate",
})


def _date_key(literal: Any) -> str:
    """A sortable ISO form of an xsd:date, xsd:dateTime or xsd:gYear lexical value."""
    text = str(literal)
    return text + "-01-01" if re.fullmatch(r"-?\d{4}", text) else text


def _is_temporal(term: Any) -> bool:
    import rdflib

    return isinstance(term, rdflib.Literal) and str(term.datatype or "") in (
        XSD + "date", XSD + "dateTime", XSD + "gYear"
    )


def _data_triples(graphs: dict[str, list[Triple]]) -> Iterator[Triple]:
    for gname, triples in graphs.items():
        # a graph named in a user's TriG or N-Quads file (outside graph/) is data too
        if not gname.startswith(GRAPH_BASE) or gname.removeprefix(GRAPH_BASE).startswith("data"):
            yield from triples


def spatial_coverage(graphs: dict[str, list[Triple]]) -> list[str]:
    """The countries the data is about: those of its factsheets, or else every country a
    statement of the data layer names with ``cg:country``."""
    data = list(_data_triples(graphs))
    factsheets = {s for s, p, o in data if str(p) == RDF + "type" and str(o) == CG + "Factsheet"}
    country_ns = AUTHORITY + "country/"
    by_factsheet = {
        str(o) for s, p, o in data
        if s in factsheets and str(p) in (CG + "country", DCT + "spatial")
        and str(o).startswith(country_ns)
    }
    if by_factsheet:
        return sorted(by_factsheet)
    return sorted({str(o) for _, p, o in data
                   if str(p) == CG + "country" and str(o).startswith(country_ns)})


def temporal_coverage(graphs: dict[str, list[Triple]]) -> tuple[Any, Any] | None:
    """The earliest start and the latest end of the periods in the data (their literals as
    written), or else the range of the factsheet editions; ``None`` without data."""
    data = list(_data_triples(graphs))
    starts = [o for _, p, o in data if str(p) == DCAT + "startDate" and _is_temporal(o)]
    ends = [o for _, p, o in data if str(p) == DCAT + "endDate" and _is_temporal(o)]
    editions = [o for _, p, o in data if str(p) == CG + "edition" and _is_temporal(o)]
    starts = starts or editions
    ends = ends or editions
    if not starts or not ends:
        return None
    return (min(starts, key=lambda o: (_date_key(o), str(o))),
            max(ends, key=lambda o: (_date_key(o), str(o))))


def release_dates(graphs: dict[str, list[Triple]]) -> tuple[str, str]:
    """(issued, modified): the ontology's creation date, and the latest date the graph gives
    for a creation, modification, issue or data extraction (never today's date)."""
    meta = ontology_metadata()
    issued = meta.get("created", "")
    dated = {DCT + "created", DCT + "modified", DCT + "issued", CG + "dataDate"}
    candidates = [issued, meta.get("modified", "")] + [
        str(o)[:10] for ts in graphs.values() for _, p, o in ts
        if str(p) in dated and _is_temporal(o) and str(o.datatype) != XSD + "gYear"
    ]
    candidates = [c for c in candidates if re.fullmatch(r"\d{4}-\d{2}-\d{2}", c)]
    modified = max(candidates) if candidates else issued
    return issued or modified, modified


# ---------------------------------------------------------------------------------------------
# The record
# ---------------------------------------------------------------------------------------------


def _slug(iri: str) -> str:
    name = compact(iri)
    if not name.startswith("<"):
        return name.replace(":", "-")
    return "iri-" + hashlib.sha256(iri.encode()).hexdigest()[:16]


def _concept(iri: str, scheme: str, label: str, *types: str) -> Iterator[Triple]:
    """An EU controlled-vocabulary term as the DCAT-AP vocabulary shapes expect it."""
    s = _iri(iri)
    for t in (SKOS + "Concept", *types):
        yield s, _iri(RDF + "type"), _iri(t)
    yield s, _iri(SKOS + "inScheme"), _iri(scheme)
    yield s, _iri(SKOS + "prefLabel"), _lit(label, "en")


@dataclass(frozen=True)
class VoidStatistics:
    """What the VoID description counts: distinct triples, subjects and objects; the
    entities of each class (every ``rdf:type`` object; only IRIs get a partition); the
    triples of each property; the triples of each named graph."""

    triples: int
    subjects: int
    objects: int
    classes: dict[Any, int]
    properties: dict[Any, int]
    graphs: dict[str, int]


def void_statistics(graphs: dict[str, list[Triple]]) -> VoidStatistics:
    """The VoID statistics of ``graphs`` (rdflib triples, or any hashable terms whose
    ``str()`` is the IRI of an IRI, as Oxigraph's are not: see
    :func:`clustergraph.publish.run.catalog_triples`)."""
    # map/itemgetter and a set of the rdf:type terms keep the passes over every triple in C
    # (a str() per triple for each statistic was most of a 1M-triple export's record)
    triples = set().union(*graphs.values())
    properties = Counter(map(itemgetter(1), triples))
    type_terms = {p for p in properties if str(p) == RDF + "type"}
    instances: dict[Any, set[Any]] = {}
    for subj, p, o in triples:
        if p in type_terms:
            instances.setdefault(o, set()).add(subj)
    return VoidStatistics(
        triples=len(triples),
        subjects=len(set(map(itemgetter(0), triples))),
        objects=len(set(map(itemgetter(2), triples))),
        classes={cls: len(members) for cls, members in instances.items()},
        properties=dict(properties),
        graphs={gname: len(ts) for gname, ts in graphs.items()},
    )


def void_description(graphs: dict[str, list[Triple]], subject: str = DATASET,
                     stats: VoidStatistics | None = None) -> Iterator[Triple]:
    """VoID statistics of the exported graphs: totals, one class and one property partition
    per class and property, one subset per named graph. ``stats`` (rdflib terms), if given,
    are used instead of counting ``graphs``."""
    import rdflib

    if stats is None:
        stats = void_statistics(graphs)
    s = _iri(subject)
    a = _iri(RDF + "type")
    integer = XSD + "integer"
    yield s, a, _iri(VOID + "Dataset")
    yield s, _iri(VOID + "triples"), _lit(stats.triples, datatype=integer)
    yield s, _iri(VOID + "classes"), _lit(len(stats.classes), datatype=integer)
    yield s, _iri(VOID + "properties"), _lit(len(stats.properties), datatype=integer)
    yield s, _iri(VOID + "distinctSubjects"), _lit(stats.subjects, datatype=integer)
    yield s, _iri(VOID + "distinctObjects"), _lit(stats.objects, datatype=integer)
    yield s, _iri(VOID + "uriSpace"), _lit(BASE + "id/")
    for cls in sorted(stats.classes, key=str):
        if not isinstance(cls, rdflib.URIRef):
            continue
        part = _iri(f"{subject}#class-{_slug(str(cls))}")
        yield s, _iri(VOID + "classPartition"), part
        yield part, a, _iri(VOID + "Dataset")
        yield part, _iri(VOID + "class"), cls
        yield part, _iri(VOID + "entities"), _lit(stats.classes[cls], datatype=integer)
    for prop in sorted(stats.properties, key=str):
        part = _iri(f"{subject}#property-{_slug(str(prop))}")
        yield s, _iri(VOID + "propertyPartition"), part
        yield part, a, _iri(VOID + "Dataset")
        yield part, _iri(VOID + "property"), prop
        yield part, _iri(VOID + "triples"), _lit(stats.properties[prop], datatype=integer)
    for gname in sorted(stats.graphs):
        g = _graph_node(gname)
        yield s, _iri(VOID + "subset"), g
        yield g, a, _iri(VOID + "Dataset")
        yield g, _iri(VOID + "triples"), _lit(stats.graphs[gname], datatype=integer)


def record(graphs: dict[str, list[Triple]], formats: Iterable[Any],
           stats: VoidStatistics | None = None) -> list[Triple]:
    """The DCAT-AP 3 catalogue record (with VoID) of an export of ``graphs``, which maps
    named-graph IRIs to rdflib triples (as :func:`clustergraph.export.build` makes them),
    with one distribution per format of ``formats`` (:data:`clustergraph.export.FORMATS`'
    values: each has ``name``, ``label``, ``file_type``, ``media_type`` and ``quads``).

    The formats are a parameter, not imported, so that this module does not depend on the
    export module that calls it. With ``stats`` (:func:`void_statistics` of the whole
    graphs), ``graphs`` need only hold the triples of :data:`RECORD_PREDICATES` and those
    typing a ``cg:Factsheet``: the rest of the record reads nothing else."""
    out: list[Triple] = []
    add = out.append
    a = _iri(RDF + "type")
    meta = ontology_metadata()
    issued, modified = release_dates(graphs)
    date = XSD + "date"
    cat, ds = _iri(CATALOG), _iri(DATASET)
    labels = reference_labels()

    def common(s: Any) -> Iterable[Triple]:
        yield s, _iri(DCT + "issued"), _lit(issued, datatype=date)
        yield s, _iri(DCT + "modified"), _lit(modified, datatype=date)
        yield s, _iri(DCT + "license"), _iri(LICENCE)
        yield s, _iri(DCT + "rights"), _iri(TERMS)

    # Catalogue
    add((cat, a, _iri(DCAT + "Catalog")))
    add((cat, _iri(DCT + "title"), _lit("clustergraph catalogue", "en")))
    add((cat, _iri(DCT + "description"), _lit(
        "The catalogue of clustergraph, the European cluster-policy landscape as linked "
        "data: one dataset, distributed in six RDF formats.", "en")))
    add((cat, _iri(DCT + "publisher"), _iri(PUBLISHER)))
    add((cat, _iri(DCAT + "dataset"), ds))
    add((cat, _iri(DCT + "language"), _iri(AUTHORITY + "language/ENG")))
    add((cat, _iri(DCAT + "themeTaxonomy"), _iri(AUTHORITY + "data-theme")))
    add((cat, _iri(FOAF + "homepage"), _iri(BASE)))
    out += common(cat)

    # Dataset
    add((ds, a, _iri(DCAT + "Dataset")))
    add((ds, _iri(DCT + "title"), _lit(TITLE, "en")))
    add((ds, _iri(DCT + "description"), _lit(DESCRIPTION, "en")))
    add((ds, _iri(DCT + "identifier"), _lit(DATASET)))
    add((ds, _iri(DCAT + "version"), _lit(__version__)))
    add((ds, _iri(DCT + "publisher"), _iri(PUBLISHER)))
    add((ds, _iri(DCT + "creator"), _iri(PUBLISHER)))
    add((ds, _iri(DCAT + "contactPoint"), _iri(CONTACT)))
    add((ds, _iri(DCAT + "landingPage"), _iri(BASE)))
    add((ds, _iri(DCT + "language"), _iri(AUTHORITY + "language/ENG")))
    add((ds, _iri(DCT + "accessRights"), _iri(AUTHORITY + "access-right/PUBLIC")))
    add((ds, _iri(DCT + "accrualPeriodicity"), _iri(AUTHORITY + "frequency/ANNUAL")))
    add((ds, _iri(DCT + "conformsTo"), _iri(ONTOLOGY)))
    add((ds, _iri(DCT + "conformsTo"), _iri(SHAPES)))
    for code in THEMES:
        add((ds, _iri(DCAT + "theme"), _iri(AUTHORITY + "data-theme/" + code)))
    for kw in KEYWORDS:
        add((ds, _iri(DCAT + "keyword"), _lit(kw, "en")))
    out += common(ds)
    countries = spatial_coverage(graphs)
    for c in countries:
        add((ds, _iri(DCT + "spatial"), _iri(c)))
        add((cat, _iri(DCT + "spatial"), _iri(c)))
        out += _concept(c, AUTHORITY + "country", labels.get(c, c.rsplit("/", 1)[-1]),
                        DCT + "Location")
        if c in labels:
            add((ds, _iri(DCAT + "keyword"), _lit(labels[c], "en")))
    period = temporal_coverage(graphs)
    if period is not None:
        t = _iri(TEMPORAL)
        add((ds, _iri(DCT + "temporal"), t))
        add((t, a, _iri(DCT + "PeriodOfTime")))
        add((t, _iri(DCAT + "startDate"), period[0]))
        add((t, _iri(DCAT + "endDate"), period[1]))
    data = list(_data_triples(graphs))
    for fs in sorted({s for s, p, o in data
                      if str(p) == RDF + "type" and str(o) == CG + "Factsheet"}, key=str):
        add((ds, _iri(PROV + "wasDerivedFrom"), fs))

    # Distributions: one per format
    for fmt in formats:
        d = _iri(f"{DATASET}/distribution/{fmt.name}")
        add((ds, _iri(DCAT + "distribution"), d))
        add((d, a, _iri(DCAT + "Distribution")))
        add((d, _iri(DCT + "title"), _lit(f"clustergraph in {fmt.label}", "en")))
        what = ("one named graph per layer and per country folder, and the catalogue record "
                "in its own graph" if fmt.quads else
                "the union of all layers, with the catalogue record")
        add((d, _iri(DCT + "description"), _lit(
            f"The graph as {fmt.label} ({what}); written by `clustergraph export --format "
            f"{fmt.name}`, deterministic and sorted.", "en")))
        add((d, _iri(DCAT + "accessURL"), _iri(BASE)))
        add((d, _iri(DCT + "format"), _iri(AUTHORITY + "file-type/" + fmt.file_type)))
        add((d, _iri(DCAT + "mediaType"), _iri(IANA + fmt.media_type)))
        add((d, _iri(DCATAP + "availability"),
             _iri(AUTHORITY + "planned-availability/STABLE")))
        out += common(d)
        out += _concept(AUTHORITY + "file-type/" + fmt.file_type, AUTHORITY + "file-type",
                        fmt.label, DCT + "MediaTypeOrExtent")
        add((_iri(IANA + fmt.media_type), a, _iri(DCT + "MediaType")))

    # Publisher, contact point, licence, terms of use, standards
    pub = _iri(PUBLISHER)
    add((pub, a, _iri(FOAF + "Agent")))
    add((pub, _iri(FOAF + "name"), _lit(meta.get("creator", "clustergraph maintainers"), "en")))
    add((pub, _iri(FOAF + "homepage"), _iri(BASE)))
    contact = _iri(CONTACT)
    add((contact, a, _iri(VCARD + "Kind")))
    add((contact, a, _iri(VCARD + "Organization")))
    add((contact, _iri(VCARD + "fn"), _lit(meta.get("creator", "clustergraph maintainers"))))
    add((contact, _iri(VCARD + "hasURL"), _iri(BASE)))
    lic = _iri(LICENCE)
    add((lic, a, _iri(DCT + "LicenseDocument")))
    add((lic, _iri(RDFS + "label"), _lit("Creative Commons Attribution 4.0 International", "en")))
    add((lic, _iri(RDFS + "seeAlso"), _iri(CC_BY)))
    add((lic, _iri(DCT + "type"), _iri("http://purl.org/adms/licencetype/Attribution")))
    out += _concept("http://purl.org/adms/licencetype/Attribution",
                    "http://purl.org/adms/licencetype/1.0", "Attribution")
    terms = _iri(TERMS)
    add((terms, a, _iri(DCT + "RightsStatement")))
    add((terms, _iri(RDFS + "label"), _lit(TERMS_TEXT, "en")))
    add((terms, _iri(RDFS + "seeAlso"), _iri(CC_BY)))
    add((terms, _iri(RDFS + "seeAlso"), _iri(REUSE_DECISION)))
    onto = _iri(ONTOLOGY)
    add((onto, a, _iri(DCT + "Standard")))
    add((onto, _iri(DCT + "title"), _lit(meta.get("title", "clustergraph ontology"), "en")))
    if "versionIRI" in meta:
        add((onto, _iri(OWL + "versionIRI"), _iri(meta["versionIRI"])))
    shapes = _iri(SHAPES)
    add((shapes, a, _iri(DCT + "Standard")))
    add((shapes, _iri(DCT + "title"), _lit("clustergraph SHACL shapes", "en")))

    # EU controlled vocabularies used above
    out += _concept(AUTHORITY + "language/ENG", AUTHORITY + "language", "English",
                    DCT + "LinguisticSystem")
    out += _concept(AUTHORITY + "access-right/PUBLIC", AUTHORITY + "access-right", "public",
                    DCT + "RightsStatement")
    out += _concept(AUTHORITY + "frequency/ANNUAL", AUTHORITY + "frequency", "annual",
                    DCT + "Frequency")
    out += _concept(AUTHORITY + "planned-availability/STABLE",
                    AUTHORITY + "planned-availability", "stable")
    for code, label in THEMES.items():
        out += _concept(AUTHORITY + "data-theme/" + code, AUTHORITY + "data-theme", label)
    scheme = _iri(AUTHORITY + "data-theme")
    add((scheme, a, _iri(SKOS + "ConceptScheme")))
    add((scheme, _iri(DCT + "title"), _lit("Data theme", "en")))
    add((scheme, _iri(SKOS + "prefLabel"), _lit("Data theme", "en")))
    add((_iri(BASE), a, _iri(FOAF + "Document")))

    # VoID
    out += void_description(graphs, stats=stats)
    return out
