"""Media types, content negotiation (``Accept`` with q-values) and the SPARQL results
formats: JSON, CSV and TSV from :mod:`clustergraph.render`, XML written here."""

from __future__ import annotations

import json
from xml.sax.saxutils import escape, quoteattr

import pyoxigraph as ox

from ..namespaces import XSD_STRING
from ..query import QueryResult
from ..render import _json_term, to_csv, to_tsv

#: name -> media type, for solutions (SELECT, ASK) and for graphs (CONSTRUCT, DESCRIBE).
RESULTS_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "turtle": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
}
HTML = "text/html"
#: Other names clients use for the same formats.
ALIASES = {
    "application/json": "application/sparql-results+json",
    "application/xml": "application/sparql-results+xml",
    "text/xml": "application/sparql-results+xml",
    "text/plain": "application/n-triples",
    "application/x-turtle": "text/turtle",
    "application/xhtml+xml": HTML,
}


def parse_accept(header: str | None) -> list[tuple[str, float]]:
    """``Accept`` as (media type, q) pairs, in the order given; none is ``*/*``."""
    out = []
    for part in (header or "*/*").split(","):
        fields = [f.strip() for f in part.split(";")]
        media = fields[0].lower()
        if not media:
            continue
        q = 1.0
        for f in fields[1:]:
            if f.lower().startswith("q="):
                try:
                    q = max(0.0, min(1.0, float(f[2:])))
                except ValueError:
                    q = 0.0
        out.append((ALIASES.get(media, media), q))
    return out or [("*/*", 1.0)]


def negotiate(header: str | None, offers: list[str]) -> str | None:
    """The offered media type the client prefers (most specific match's q; ties: the
    offers' order), or ``None`` when it accepts none of them."""
    accepted = parse_accept(header)
    best: tuple[float, int] | None = None
    choice = None
    for i, offer in enumerate(offers):
        main = offer.split("/")[0]
        q = None
        spec = -1
        for media, mq in accepted:
            s = 2 if media == offer else 1 if media == f"{main}/*" else 0 \
                if media == "*/*" else -1
            if s > spec:
                spec, q = s, mq
        if q is None or q <= 0:
            continue
        key = (q, -i)
        if best is None or key > best:
            best, choice = key, offer
    return choice


def results(result: QueryResult, fmt: str, truncated: bool = False) -> bytes:
    """SELECT/ASK results in ``fmt`` (a key of :data:`RESULTS_TYPES`)."""
    if fmt == "json":
        return to_json(result, truncated).encode("utf-8")
    if fmt == "csv":
        return to_csv(result).encode("utf-8")
    if fmt == "tsv":
        return to_tsv(result).encode("utf-8")
    return to_xml(result, truncated).encode("utf-8")


def to_json(result: QueryResult, truncated: bool = False) -> str:
    """SPARQL 1.1 Query Results JSON, compact (the CLI's ``render.to_json`` is the same
    document indented; json's C encoder only runs without indentation, 5x faster). A cut
    answer says so in ``head.truncated`` too, for clients that do not read headers."""
    head: dict[str, object] = {}
    if result.boolean is not None:
        doc: dict[str, object] = {"head": head, "boolean": result.boolean}
    else:
        head["vars"] = result.variables
        bindings = [{v: _json_term(t) for v, t in zip(result.variables, row, strict=True)
                     if t is not None} for row in result.rows]
        doc = {"head": head, "results": {"bindings": bindings}}
    if truncated:
        head["truncated"] = True
    return json.dumps(doc, ensure_ascii=False, separators=(",", ":")) + "\n"


def _xml_term(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
    if isinstance(term, ox.NamedNode):
        return f"<uri>{escape(term.value)}</uri>"
    if isinstance(term, ox.BlankNode):
        return f"<bnode>{escape(term.value)}</bnode>"
    if term.language:
        return f"<literal xml:lang={quoteattr(term.language)}>{escape(term.value)}</literal>"
    if term.datatype.value != XSD_STRING:
        return f"<literal datatype={quoteattr(term.datatype.value)}>{escape(term.value)}</literal>"
    return f"<literal>{escape(term.value)}</literal>"


def to_xml(result: QueryResult, truncated: bool = False) -> str:
    """SPARQL Query Results XML Format (second edition)."""
    out = ['<?xml version="1.0"?>',
           '<sparql xmlns="http://www.w3.org/2005/sparql-results#">', "  <head>"]
    out += [f"    <variable name={quoteattr(v)}/>" for v in result.variables]
    if truncated:
        out.append('    <link href="#truncated"/>')
    out.append("  </head>")
    if result.boolean is not None:
        out.append(f"  <boolean>{'true' if result.boolean else 'false'}</boolean>")
    else:
        out.append("  <results>")
        for row in result.rows:
            out.append("    <result>")
            for v, t in zip(result.variables, row, strict=True):
                if t is not None:
                    out.append(f"      <binding name={quoteattr(v)}>{_xml_term(t)}</binding>")
            out.append("    </result>")
        out.append("  </results>")
    out.append("</sparql>")
    return "\n".join(out) + "\n"
