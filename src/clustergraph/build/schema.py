"""What an input file may say, derived from the bundled ontology, shapes and vocabularies.

Nothing here is a hand-kept list of fields or codes: the allowed fields are the properties the
ontology declares and the shapes constrain; a field's kind (datatype or IRI) and datatype come
from ``rdfs:range``, ``owl:DatatypeProperty``/``owl:ObjectProperty`` and ``sh:datatype``; a
nested node's class from the property's ``rdfs:range``; the code list of a controlled field
from the shapes' ``cgsh:inScheme``; the codes themselves (notation, labels) from the SKOS
vocabularies and the EU reference tables. The prefixes a curator may write are those the
bundled Turtle files bind.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import pyoxigraph as ox

from .. import resources
from ..namespaces import COUNTRY, DCT, NUTS, OWL, RDF, RDFS, SH, SKOS, XSD

CGSH = resources.BASE + "shapes#"
CGID = resources.BASE + "id/"
CG = resources.CG

# The namespaces an unprefixed field name is looked up in, in this order (cg: first, so that
# `role` is cg:role; org:role is written with its prefix).
FIELD_NAMESPACES = ("cg", "rdfs", "skos", "dct", "dcat", "prov", "org", "schema", "m8g", "foaf")

# Properties whose plain strings are text in the file's language (rdf:langString); other
# strings stay plain. rdfs:label & co are not declared by the ontology, so they are named here.
TEXT_PROPERTIES = {
    RDFS + "label", RDFS + "comment", SKOS + "prefLabel", SKOS + "definition",
    SKOS + "altLabel", SKOS + "note", SKOS + "scopeNote",
    DCT + "title", DCT + "description",
}

_PREFIX_RE = re.compile(r"^@prefix\s+([A-Za-z][\w-]*)?:\s*<([^>]*)>", re.M)


@dataclass
class Concept:
    iri: str
    scheme: str
    notation: str | None
    labels: list[str] = field(default_factory=list)
    english: str | None = None  # its English skos:prefLabel (a country's name in labels)


@dataclass
class Schema:
    prefixes: dict[str, str]
    properties: dict[str, dict]          # property IRI -> {"kind", "range", "datatype"}
    schemes: dict[str, set[str]]         # property IRI -> code-list scheme IRIs
    concepts: dict[str, list[Concept]]   # scheme IRI -> concepts
    country_codes: dict[str, str]        # "BE", "BEL" -> country IRI
    nuts_codes: dict[str, str]           # "BE2" -> NUTS IRI
    field_names: dict[str, str] = field(default_factory=dict)  # "policyType" -> IRI
    classes: set[str] = field(default_factory=set)             # the ontology's classes
    required: dict[str, list[str]] = field(default_factory=dict)  # class -> properties
    supers: dict[str, set[str]] = field(default_factory=dict)     # class -> its superclasses

    def required_of(self, cls: str) -> list[str]:
        out: list[str] = []
        for c in [cls, *sorted(self.supers.get(cls, ()))]:
            out += [p for p in self.required.get(c, []) if p not in out]
        return out

    def curie(self, iri: str) -> str:
        best = ""
        for p, ns in self.prefixes.items():
            rest = iri[len(ns):]
            if (iri.startswith(ns) and rest and not re.search(r"[/#]", rest)
                    and len(ns) > len(self.prefixes.get(best, ""))):
                best = p
        return f"{best}:{iri[len(self.prefixes[best]):]}" if best else f"<{iri}>"

    def expand(self, curie: str) -> str | None:
        prefix, sep, local = curie.partition(":")
        if sep and prefix in self.prefixes and not local.startswith("//"):
            return self.prefixes[prefix] + local
        return None


def _bind(prefixes: dict[str, str], p: str, ns: str) -> None:
    """The first binding of a name wins; a namespace bound elsewhere under a name already
    taken gets its last path segment as name (partnership-type:), so every one has one."""
    if ns in prefixes.values() or not p:
        return
    if p not in prefixes:
        prefixes[p] = ns
        return
    alt = ns.rstrip("/#").rsplit("/", 1)[-1]
    if alt and alt not in prefixes and re.fullmatch(r"[A-Za-z][\w-]*", alt):
        prefixes[alt] = ns


def _files() -> list[Path]:
    return ([resources.ontology_file()] + resources.vocabulary_files()
            + resources.reference_files() + resources.shapes_files())


@cache
def load_schema() -> Schema:
    store: list[ox.Quad] = []
    prefixes: dict[str, str] = {}
    for path in _files():
        text = path.read_text(encoding="utf-8")
        for p, ns in _PREFIX_RE.findall(text):
            _bind(prefixes, p, ns)
        store.extend(ox.parse(text.encode(), format=ox.RdfFormat.TURTLE, base_iri=path.as_uri()))
    for d in resources.data_dirs():  # the prefixes the data files use (fs:, orgid: ...)
        for path in sorted(d.glob("*.ttl")):
            for p, ns in _PREFIX_RE.findall(path.read_text(encoding="utf-8")):
                _bind(prefixes, p, ns)
    by_s: dict[str, dict[str, list]] = {}
    for q in store:
        if isinstance(q.subject, (ox.NamedNode, ox.BlankNode)):
            by_s.setdefault(str(q.subject), {}).setdefault(q.predicate.value, []).append(q.object)

    properties: dict[str, dict] = {}
    for s, po in by_s.items():
        types = {o.value for o in po.get(RDF + "type", []) if isinstance(o, ox.NamedNode)}
        kind = ("datatype" if OWL + "DatatypeProperty" in types else
                "object" if OWL + "ObjectProperty" in types else
                "any" if (RDF + "Property" in types or OWL + "AnnotationProperty" in types)
                else None)
        if kind:
            rng = [o.value for o in po.get(RDFS + "range", []) if isinstance(o, ox.NamedNode)]
            r = rng[0] if rng else None
            properties[s.strip("<>")] = {"kind": kind, "range": r,
                                         "datatype": r if r and r.startswith(XSD) else None}
    schemes: dict[str, set[str]] = {}
    for po in by_s.values():
        for path in po.get(SH + "path", []):
            if not isinstance(path, ox.NamedNode):
                continue
            p = path.value
            info = properties.setdefault(p, {"kind": "any", "range": None, "datatype": None})
            for sc in po.get(CGSH + "inScheme", []):
                schemes.setdefault(p, set()).add(sc.value)
                info["kind"] = "object"
            for dt in po.get(SH + "datatype", []):
                if info["kind"] == "any":
                    info["kind"] = "datatype"
                info["datatype"] = info["datatype"] or dt.value
            for cls in po.get(SH + "class", []):
                if info["kind"] == "any":
                    info["kind"] = "object"
                info["range"] = info["range"] or cls.value
    for p in TEXT_PROPERTIES:
        properties[p] = {"kind": "datatype", "range": None, "datatype": None}

    concepts: dict[str, list[Concept]] = {}
    for s, po in by_s.items():
        for sc in po.get(SKOS + "inScheme", []):
            iri = s.strip("<>")
            notation = next((o.value for o in po.get(SKOS + "notation", [])), None)
            labels = [o.value for key in ("prefLabel", "altLabel")
                      for o in po.get(SKOS + key, []) if isinstance(o, ox.Literal)]
            english = next((o.value for o in po.get(SKOS + "prefLabel", [])
                            if isinstance(o, ox.Literal) and o.language == "en"), None)
            concepts.setdefault(sc.value, []).append(Concept(iri, sc.value, notation, labels,
                                                             english))
    for cs in concepts.values():
        cs.sort(key=lambda c: c.iri)

    country_ns = COUNTRY
    nuts_ns = NUTS
    country_codes: dict[str, str] = {}
    nuts_codes: dict[str, str] = {}
    for s, po in by_s.items():
        iri = s.strip("<>")
        if iri.startswith(country_ns):
            country_codes[iri[len(country_ns):]] = iri
            for key in (SKOS + "notation", CG + "euCountryCode", CG + "isoAlpha2"):
                for o in po.get(key, []):
                    country_codes.setdefault(o.value, iri)
        elif iri.startswith(nuts_ns):
            nuts_codes[iri[len(nuts_ns):]] = iri
    country_codes.setdefault("EL", country_codes.get("GRC", country_ns + "GRC"))
    country_codes.setdefault("UK", country_codes.get("GBR", country_ns + "GBR"))

    schema = Schema(prefixes, properties, schemes, concepts, country_codes, nuts_codes)
    for s, po in by_s.items():
        types = {o.value for o in po.get(RDF + "type", [])}
        if OWL + "Class" in types or RDFS + "Class" in types:
            schema.classes.add(s.strip("<>"))
            direct = {o.value for o in po.get(RDFS + "subClassOf", [])
                      if isinstance(o, ox.NamedNode)}
            schema.supers[s.strip("<>")] = direct
        # sh:minCount >= 1 of a violation-level property shape of a class's node shape
        for cls in po.get(SH + "targetClass", []):
            for ps in po.get(SH + "property", []):
                pp = by_s.get(str(ps), {})
                paths = [x for x in pp.get(SH + "path", []) if isinstance(x, ox.NamedNode)]
                mins = [int(x.value) for x in pp.get(SH + "minCount", [])]
                sev = {x.value for x in pp.get(SH + "severity", [])}
                if paths and mins and mins[0] >= 1 and sev <= {SH + "Violation"}:
                    schema.required.setdefault(cls.value, []).append(paths[0].value)
    changed = True
    while changed:  # the transitive closure of rdfs:subClassOf
        changed = False
        for sup in schema.supers.values():
            more = set().union(*(schema.supers.get(x, set()) for x in sup)) - sup
            if more:
                sup |= more
                changed = True
    for ns in reversed(FIELD_NAMESPACES):
        base = prefixes.get(ns)
        if not base:
            continue
        for p in properties:
            if p.startswith(base) and "/" not in p[len(base):] and "#" not in p[len(base):]:
                schema.field_names[p[len(base):]] = p
    return schema
