"""Checks shared by the tests of the countries encoded from web pages (test_data_<code>.py):
every node of a country's folder traces to a cited page with its address, kind and retrieval
date."""

from __future__ import annotations

from conftest import select


def untraced(kg, graph: str) -> list[tuple]:  # noqa: ANN001
    """The nodes of ``graph`` (other than the pages themselves) not derived from a web page
    that has a URL, a source type and a retrieval date."""
    return select(
        kg,
        f"""
        SELECT DISTINCT ?s WHERE {{
          GRAPH <{graph}> {{ ?s a ?type }}
          FILTER NOT EXISTS {{ ?s a cg:WebPage }}
          FILTER NOT EXISTS {{ ?s prov:wasDerivedFrom ?page . ?page a cg:WebPage ;
            <https://schema.org/url> ?url ; cg:sourceType ?kind ; cg:retrievalDate ?day }}
        }}""",
    )


def traced(kg, graph: str) -> list[tuple]:  # noqa: ANN001
    """How many typed nodes ``graph`` holds besides its pages (so that a check over them is
    not vacuous)."""
    return select(
        kg,
        f"SELECT (COUNT(DISTINCT ?s) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s a ?t }}"
        " FILTER NOT EXISTS { ?s a cg:WebPage } }",
    )
