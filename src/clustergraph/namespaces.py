"""The project's prefixes: one stable, sorted map used to compact IRIs in every output
(info, query tables, exports), so that output is deterministic and diffs are reviewable."""

from __future__ import annotations

from .resources import BASE, CG

PREFIXES: dict[str, str] = {
    "cg": CG,
    "cgid": BASE + "id/",
    "cgv": BASE + "vocab/",
    "country": "http://publications.europa.eu/resource/authority/country/",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "freq": "http://publications.europa.eu/resource/authority/frequency/",
    "m8g": "http://data.europa.eu/m8g/",
    "nace": "http://data.europa.eu/ux2/nace2/",
    "nuts": "http://data.europa.eu/nuts/code/",
    "org": "http://www.w3.org/ns/org#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "qb": "http://purl.org/linked-data/cube#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "schema": "https://schema.org/",
    "sh": "http://www.w3.org/ns/shacl#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "void": "http://rdfs.org/ns/void#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
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


def sparql_prefixes() -> str:
    return "".join(f"PREFIX {p}: <{ns}>\n" for p, ns in sorted(PREFIXES.items()))
