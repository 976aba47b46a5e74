"""The namespaces: every namespace IRI clustergraph uses, spelled once, here, as a plain
string; and the project's prefixes, one stable, sorted map used to compact IRIs in every
output (info, query tables, exports), so that output is deterministic and diffs are
reviewable.

Every other module takes its namespace IRIs from here (``from .namespaces import SKOS`` and
``SKOS + "prefLabel"``); ``tests/test_namespaces.py`` fails when a module spells one itself.
This module imports nothing: ``query run`` and ``info`` import it without rdflib. A module
that has rdflib loaded already makes its own ``rdflib.Namespace(SH)`` from these strings.
"""

from __future__ import annotations

# -- clustergraph's own persistent IRIs (https://w3id.org/clustergraph/) ------------------
BASE = "https://w3id.org/clustergraph/"
#: The ontology (``cg:``).
CG = BASE + "ontology#"
#: Minted individuals (``cgid:``).
CGID = BASE + "id/"
#: The SKOS vocabularies (``cgv:``).
CGV = BASE + "vocab/"
#: The shapes (``cgsh:``).
CGSH = BASE + "shapes#"
#: The named graphs of the layers.
GRAPH_BASE = BASE + "graph/"

# -- W3C --------------------------------------------------------------------------------
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
XSD = "http://www.w3.org/2001/XMLSchema#"
SH = "http://www.w3.org/ns/shacl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCAT = "http://www.w3.org/ns/dcat#"
PROV = "http://www.w3.org/ns/prov#"
ORG = "http://www.w3.org/ns/org#"
ADMS = "http://www.w3.org/ns/adms#"
VCARD = "http://www.w3.org/2006/vcard/ns#"
SD = "http://www.w3.org/ns/sparql-service-description#"
QB = "http://purl.org/linked-data/cube#"

# -- Dublin Core, FOAF, schema.org, VoID, SPDX -----------------------------------------
DCT = "http://purl.org/dc/terms/"
DCMITYPE = "http://purl.org/dc/dcmitype/"
FOAF = "http://xmlns.com/foaf/0.1/"
SCHEMA = "https://schema.org/"
VOID = "http://rdfs.org/ns/void#"
SPDX = "http://spdx.org/rdf/terms#"

# -- EU reference data -------------------------------------------------------------------
#: The EU Publications Office's authority tables.
AUTHORITY = "http://publications.europa.eu/resource/authority/"
COUNTRY = AUTHORITY + "country/"
CURRENCY = AUTHORITY + "currency/"
FREQ = AUTHORITY + "frequency/"
DCATAP = "http://data.europa.eu/r5r/"
M8G = "http://data.europa.eu/m8g/"
NACE = "http://data.europa.eu/ux2/nace2/"
NUTS = "http://data.europa.eu/nuts/code/"

# -- single terms used everywhere --------------------------------------------------------
RDF_TYPE = RDF + "type"
RDF_LANGSTRING = RDF + "langString"
XSD_STRING = XSD + "string"

#: Every namespace above by its constant's name (what tests/test_namespaces.py looks for).
ALL: dict[str, str] = {name: value for name, value in dict(globals()).items()
                       if name.isupper() and isinstance(value, str)
                       and value.endswith(("#", "/"))}

PREFIXES: dict[str, str] = {
    "cg": CG,
    "cgid": CGID,
    "cgv": CGV,
    "country": COUNTRY,
    "dcat": DCAT,
    "dcatap": DCATAP,
    "dct": DCT,
    "foaf": FOAF,
    "freq": FREQ,
    "m8g": M8G,
    "nace": NACE,
    "nuts": NUTS,
    "org": ORG,
    "owl": OWL,
    "prov": PROV,
    "qb": QB,
    "rdf": RDF,
    "rdfs": RDFS,
    "schema": SCHEMA,
    "sh": SH,
    "skos": SKOS,
    "void": VOID,
    "xsd": XSD,
}

# Longest namespace first, so that cgid:/cgv: win over a shorter base.
_BY_LENGTH = sorted(PREFIXES.items(), key=lambda kv: -len(kv[1]))


def compact(iri: str) -> str:
    """``https://w3id.org/clustergraph/ontology#ClusterPolicy`` -> ``cg:ClusterPolicy``."""
    for prefix, ns in _BY_LENGTH:
        if iri.startswith(ns) and len(iri) > len(ns):
            local = iri[len(ns):]
            # "/" is allowed for display (cgid:policy/be-...); these names are for people,
            # Turtle output uses its own serialiser's rules.
            if all(c.isalnum() or c in "-_./" for c in local) and not local.endswith((".", "/")):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def sparql_prefixes(*names: str) -> str:
    """``PREFIX`` lines for SPARQL text: of the named prefixes of :data:`PREFIXES`, or of all
    of them (sorted)."""
    chosen = names or tuple(sorted(PREFIXES))
    return "".join(f"PREFIX {p}: <{PREFIXES[p]}>\n" for p in chosen)
