"""Query results as text: ``table`` and ``markdown`` for people (labels instead of IRIs),
``csv``, ``tsv`` and ``json`` for programs (the SPARQL 1.1 Query Results CSV/TSV and JSON
formats, with the terms as they are)."""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from .namespaces import compact
from .query import QueryResult, Term

FORMATS = ("table", "csv", "tsv", "json", "markdown")
XSD = "http://www.w3.org/2001/XMLSchema#"
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long",
                               "nonNegativeInteger", "positiveInteger")}
#: Widest cell of a table; longer text (quotations) is cut with an ellipsis. csv, tsv, json
#: and markdown always give the full text.
MAX_CELL = 70


def render(result: QueryResult, fmt: str = "table") -> str:
    """The result in ``fmt`` (one of :data:`FORMATS`), ending with a newline."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    return {"table": table, "csv": to_csv, "tsv": to_tsv, "json": to_json,
            "markdown": markdown}[fmt](result)


def human(term: Term | None, labels: dict[str, str]) -> str:
    """What a person reads for a term: an IRI's label (or its compact form), a literal's
    text, ``_:b0`` for a blank node, nothing for an unbound variable."""
    if term is None:
        return ""
    if isinstance(term, ox.NamedNode):
        return labels.get(term.value) or compact(term.value)
    if isinstance(term, ox.BlankNode):
        return f"_:{term.value}"
    return term.value


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _cut(text: str) -> str:
    return text if len(text) <= MAX_CELL else text[: MAX_CELL - 1] + "…"


def _is_number(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


def table(result: QueryResult) -> str:
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    head = result.variables
    cells = [[_cut(_one_line(human(t, result.labels))) for t in row] for row in result.rows]
    widths = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(head)]
    right = [
        any(row[i] is not None for row in result.rows)
        and all(row[i] is None or _is_number(row[i]) for row in result.rows)
        for i in range(len(head))
    ]

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right,
                                                                    strict=True)]
        return "  ".join(parts).rstrip()

    out = [line(head), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells]
    n = len(result.rows)
    out.append(f"({n} row{'s' if n != 1 else ''})")
    return "\n".join(out) + "\n"


def markdown(result: QueryResult) -> str:
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"

    def cell(text: str) -> str:
        return _one_line(text).replace("\\", "\\\\").replace("|", "\\|")

    out = ["| " + " | ".join(result.variables) + " |",
           "|" + "|".join(" --- " for _ in result.variables) + "|"]
    out += ["| " + " | ".join(cell(human(t, result.labels)) for t in row) + " |"
            for row in result.rows]
    return "\n".join(out) + "\n"


def to_csv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results CSV: IRIs and literals as plain text, CRLF line ends."""
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    if result.boolean is not None:
        writer.writerow(["boolean"])
        writer.writerow(["true" if result.boolean else "false"])
        return buf.getvalue()
    writer.writerow(result.variables)
    for row in result.rows:
        writer.writerow(["" if t is None else f"_:{t.value}" if isinstance(t, ox.BlankNode)
                         else t.value for t in row])
    return buf.getvalue()


def to_tsv(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results TSV: ``?var`` header, terms in N-Triples syntax."""
    if result.boolean is not None:
        return "?boolean\n" + ("true" if result.boolean else "false") + "\n"
    out = ["\t".join(f"?{v}" for v in result.variables)]
    out += ["\t".join("" if t is None else str(t) for t in row) for row in result.rows]
    return "\n".join(out) + "\n"


def _json_term(term: Term) -> dict[str, str]:
    if isinstance(term, ox.NamedNode):
        return {"type": "uri", "value": term.value}
    if isinstance(term, ox.BlankNode):
        return {"type": "bnode", "value": term.value}
    out = {"type": "literal", "value": term.value}
    if term.language:
        out["xml:lang"] = term.language
    elif term.datatype.value != XSD + "string":
        out["datatype"] = term.datatype.value
    return out


def to_json(result: QueryResult) -> str:
    """SPARQL 1.1 Query Results JSON."""
    if result.boolean is not None:
        doc: dict[str, object] = {"head": {}, "boolean": result.boolean}
    else:
        bindings = [
            {v: _json_term(t) for v, t in zip(result.variables, row, strict=True)
             if t is not None}
            for row in result.rows
        ]
        doc = {"head": {"vars": result.variables}, "results": {"bindings": bindings}}
    return json.dumps(doc, ensure_ascii=False, indent=2) + "\n"
