"""What is in the loaded graph: triples per layer, classes with instance counts, concept
schemes with their sizes. Runs on Oxigraph only (no rdflib, no pySHACL) to start fast."""

from __future__ import annotations

from dataclasses import dataclass

from .namespaces import compact, sparql_prefixes
from .store import KnowledgeGraph

_CLASSES = """
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE { ?s a ?class }
GROUP BY ?class ORDER BY DESC(?n) ?class
"""
_SCHEMES = sparql_prefixes("skos") + """
SELECT ?scheme (SAMPLE(?label) AS ?name) (COUNT(DISTINCT ?c) AS ?n) WHERE {
  ?scheme a skos:ConceptScheme .
  OPTIONAL { ?scheme skos:prefLabel ?label FILTER(lang(?label) = "en" || lang(?label) = "") }
  OPTIONAL { ?c skos:inScheme ?scheme }
} GROUP BY ?scheme ORDER BY ?scheme
"""


@dataclass(frozen=True)
class Summary:
    triples: int
    layers: dict[str, int]
    classes: list[tuple[str, int]]
    schemes: list[tuple[str, str, int]]


def summarize(kg: KnowledgeGraph) -> Summary:
    """Count what is there. Classes and schemes are given as compact names."""
    q = kg.store.query
    classes = [
        (compact(r["class"].value), int(r["n"].value))
        for r in q(_CLASSES, use_default_graph_as_union=True)
    ]
    schemes = [
        (compact(r["scheme"].value), r["name"].value if r["name"] else "", int(r["n"].value))
        for r in q(_SCHEMES, use_default_graph_as_union=True)
    ]
    return Summary(len(kg), kg.triples_per_layer(), classes, schemes)
