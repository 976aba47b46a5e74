"""The saved-query catalogue: ``queries/*.rq`` files with grlc-style ``#+`` headers.

Each file answers one analyst question. Its header is YAML-like ``#+ key: value`` lines
(the grlc decorator convention)::

    #+ summary: Overview of every cluster policy
    #+ description: Type, area covered, authorities, start and end, period type, strands.
    #+ tags:
    #+   - policies

The catalogue is also shipped as RDF (``sh:SPARQLSelectExecutable`` with label and comment)
so that an export carries its own question catalogue.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .resources import BASE, query_files

SH = "http://www.w3.org/ns/shacl#"
RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
DCT = "http://purl.org/dc/terms/"
QUERY_BASE = BASE + "query/"


@dataclass
class SavedQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    header: dict[str, object] = field(default_factory=dict)

    @property
    def iri(self) -> str:
        return QUERY_BASE + self.name


def parse_header(text: str) -> dict[str, object]:
    """Read the ``#+ key: value`` header (scalars and ``- item`` lists) at the top of a query."""
    header: dict[str, object] = {}
    current: str | None = None
    for line in text.splitlines():
        if not line.startswith("#+"):
            if line.strip() and not line.startswith("#"):
                break
            continue
        body = line[2:].strip()
        if not body:
            continue
        if body.startswith("- ") and current is not None:
            value = header.get(current)
            if not isinstance(value, list):
                value = []
                header[current] = value
            value.append(body[2:].strip())
        elif ":" in body:
            key, _, value = body.partition(":")
            current = key.strip()
            header[current] = value.strip() if value.strip() else []
    return header


def load_query(path: Path) -> SavedQuery:
    text = path.read_text(encoding="utf-8")
    header = parse_header(text)
    tags = header.get("tags", [])
    return SavedQuery(
        name=path.stem,
        path=path,
        text=text,
        summary=str(header.get("summary", "")),
        description=str(header.get("description", "")),
        tags=list(tags) if isinstance(tags, list) else [str(tags)],
        header=header,
    )


def saved_queries() -> list[SavedQuery]:
    return [load_query(p) for p in query_files()]


def catalog_quads(graph: str) -> Iterator[ox.Quad]:
    """The catalogue as RDF quads in ``graph``."""
    g = ox.NamedNode(graph)
    for q in saved_queries():
        s = ox.NamedNode(q.iri)
        yield ox.Quad(s, ox.NamedNode(RDF_TYPE), ox.NamedNode(SH + "SPARQLSelectExecutable"), g)
        yield ox.Quad(s, ox.NamedNode(DCT + "identifier"), ox.Literal(q.name), g)
        if q.summary:
            yield ox.Quad(s, ox.NamedNode(RDFS + "label"), ox.Literal(q.summary, language="en"), g)
        if q.description:
            yield ox.Quad(
                s, ox.NamedNode(RDFS + "comment"), ox.Literal(q.description, language="en"), g
            )
        for tag in q.tags:
            yield ox.Quad(s, ox.NamedNode(DCT + "subject"), ox.Literal(tag), g)
        yield ox.Quad(s, ox.NamedNode(SH + "select"), ox.Literal(q.text), g)
