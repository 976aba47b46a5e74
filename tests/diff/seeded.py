"""Seeded edits on a generated landscape: the six edits of issue 17's acceptance test, as one
SPARQL Update over a store holding the landscape (fictional values only)."""

from __future__ import annotations

import pyoxigraph as ox

PREFIXES = """
PREFIX cg: <https://w3id.org/clustergraph/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcat: <http://www.w3.org/ns/dcat#>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX country: <http://publications.europa.eu/resource/authority/country/>
PREFIX policy: <https://w3id.org/clustergraph/id/policy/>
PREFIX orgid: <https://w3id.org/clustergraph/id/org/>
PREFIX period-type: <https://w3id.org/clustergraph/vocab/period-type/>
PREFIX level: <https://w3id.org/clustergraph/vocab/state-of-play-level/>
"""

#: (what the edit is, the update), for country code ``{c}`` (e.g. synth-at) of country
#: ``{iso}`` (e.g. AUT) and its factsheet ``{fs}``.
EDITS = [
    ("a policy added", """
INSERT DATA {{
  policy:{c}-cluster-policy-new a cg:ClusterPolicy ;
    rdfs:label "New synthetic cluster policy of {name}"@en ;
    cg:country country:{iso} ;
    prov:wasDerivedFrom <{fs}/table-3> .
}}"""),
    ("a policy ended", """
DELETE {{ ?p cg:periodType period-type:unlimited ; cg:quotation ?q }}
INSERT {{ ?p cg:periodType period-type:limited ; dcat:endDate "2024"^^xsd:gYear }}
WHERE {{ BIND(policy:{c}-cluster-policy-2-period AS ?p) ?p cg:quotation ?q }}"""),
    ("a budget changed", """
DELETE {{ ?b cg:amount ?a }} INSERT {{ ?b cg:amount 31000000.0 }}
WHERE {{ BIND(policy:{c}-cluster-policy-1-budget-annual AS ?b) ?b cg:amount ?a }}"""),
    ("an instrument moved", """
DELETE DATA {{ policy:{c}-cluster-policy-1 cg:hasInstrument
               policy:{c}-cluster-policy-1-instrument-hard-skills }} ;
INSERT DATA {{ policy:{c}-cluster-policy-2 cg:hasInstrument
               policy:{c}-cluster-policy-1-instrument-hard-skills }}"""),
    ("a score changed", """
DELETE {{ ?s cg:level ?l }} INSERT {{ ?s cg:level level:continuity-2-to-10-years }}
WHERE {{ BIND(<https://w3id.org/clustergraph/id/assessment/{c}-2023/continuity> AS ?s)
         ?s cg:level ?l }}"""),
    ("an authority renamed", """
DELETE {{ ?o rdfs:label ?l }}
INSERT {{ ?o rdfs:label "Agency for Innovation and Entrepreneurship of {name} (synthetic)"@en }}
WHERE {{ BIND(orgid:{c}-innovation-agency AS ?o) ?o rdfs:label ?l }}"""),
]


def seed_edits(store: ox.Store, code: str = "synth-at", iso: str = "AUT",
               name: str = "Austria") -> None:
    """Apply the six edits to ``store`` (every graph: the updates name none, so run them on
    a store whose triples are in the default graph)."""
    fs = f"https://w3id.org/clustergraph/id/factsheet/{code}-2023"
    for _what, update in EDITS:
        store.update(PREFIXES + update.format(c=code, iso=iso, name=name, fs=fs))
