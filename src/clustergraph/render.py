"""Query results as text: ``table`` and ``markdown`` for people (labels instead of IRIs),
``csv``, ``tsv`` and ``json`` for programs (the SPARQL 1.1 Query Results CSV/TSV and JSON
formats, with the terms as they are; :func:`with_labels` adds label columns to them).

A ``table`` is fitted to a width (the terminal's, see :func:`terminal_width`): columns share
it max-min fairly (:func:`_fit`), never narrower than their header or, where the width
allows, their longest word; long cells wrap onto more lines and nothing is cut. A table of
many columns in a narrow width wraps its headers too, and still fits (down to one character
per column; numbers are kept whole as long as that fits).

Why not ``rich``: measured with ``benchmarks/startup.py``, importing ``rich.console`` and
``rich.table`` costs about 0.12 s per process on top of click and pyoxigraph on the shared
machine (40 % of the 0.3 s budget of ``query run``); and at 100 columns rich's table broke
words that fitted (``Innovati|on``) and, with each column's minimum width set to its header,
left out the last column of ``policy-overview``. This renderer is about 100 lines of the
standard library (``textwrap``).
"""

from __future__ import annotations

import csv
import io
import json

import pyoxigraph as ox

from .namespaces import XSD, compact
from .query import QueryResult, Term

FORMATS = ("table", "csv", "tsv", "json", "markdown")
_NUMERIC = {XSD + t for t in ("integer", "decimal", "double", "float", "int", "long",
                               "nonNegativeInteger", "positiveInteger")}


def render(result: QueryResult, fmt: str = "table", width: int | None = None) -> str:
    """The result in ``fmt`` (one of :data:`FORMATS`), ending with a newline; a ``table``
    is fitted to ``width`` columns (see :func:`table`)."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}")
    if fmt == "table":
        return table(result, width)
    return {"csv": to_csv, "tsv": to_tsv, "json": to_json, "markdown": markdown}[fmt](result)


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


def _is_number(term: Term | None) -> bool:
    return isinstance(term, ox.Literal) and term.datatype.value in _NUMERIC


#: The width a table is fitted to when standard output is not a terminal (and COLUMNS is not
#: set): what the golden files in tests/fixtures/tables/ are written at.
DEFAULT_WIDTH = 100
#: The gap between two columns of a table.
GAP = "  "
#: A column is never made narrower than its header, nor than this (unless its content is).
MIN_COLUMN = 8
#: A number is kept whole in a narrow table as long as the other columns get this much.
MIN_WRAPPED = 4
#: Words up to this long are kept whole when the columns allow it; longer ones (IRIs) break.
LONG_WORD = 20


def terminal_width(stream: object | None = None) -> int:
    """The width to fit a table to: the terminal's when ``stream`` (standard output) is one,
    else ``$COLUMNS`` if set to a number, else :data:`DEFAULT_WIDTH`."""
    import os

    env = os.environ.get("COLUMNS", "")
    if env.isdigit() and int(env) > 0:
        return int(env)
    isatty = getattr(stream, "isatty", None)
    if isatty is not None and isatty():
        import shutil

        return shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns
    return DEFAULT_WIDTH


def _fit(natural: list[int], floor: list[int], room: int) -> list[int]:
    """Column widths that fill ``room`` characters: columns narrower than a common cap keep
    their natural width, the others share what is left equally (max-min fair), never below
    their ``floor``. If even the floors do not fit, the floors (the table is wider than the
    room, but no cell is cut)."""
    if sum(natural) <= room:
        return natural
    if sum(floor) >= room:
        return floor

    def widths(cap: int) -> list[int]:
        return [max(f, min(n, cap)) for n, f in zip(natural, floor, strict=True)]

    lo, hi = 0, max(natural)
    while lo < hi:  # the largest cap whose widths still fit
        mid = (lo + hi + 1) // 2
        if sum(widths(mid)) <= room:
            lo = mid
        else:
            hi = mid - 1
    out = widths(lo)
    spare = room - sum(out)
    for i in sorted(range(len(out)), key=lambda i: (out[i] - natural[i], i)):
        if spare <= 0:
            break
        if out[i] < natural[i]:  # the leftover characters, one each, leftmost first
            out[i] += 1
            spare -= 1
    return out


def _floors(head: list[str], cells: list[list[str]], natural: list[int], room: int,
            numbers: list[bool] | None = None) -> list[int]:
    """The narrowest each column may be: its header and its longest word, so that words are
    not broken; words up to :data:`LONG_WORD` characters at most, and fewer (down to
    :data:`MIN_COLUMN`) until the floors fit in ``room``. If even the headers do not fit,
    headers wrap too: every column at most the same cap, from :data:`MIN_COLUMN` down to one
    character, the first that fits; the columns of ``numbers`` keep their longest number
    whole (a broken number misreads) as long as the others get :data:`MIN_WRAPPED`
    characters. So the table fits ``room`` whenever that has a character per column."""
    longest = [max((len(w) for r in cells for w in r[i].split()), default=0)
               for i in range(len(head))]
    for cap in range(LONG_WORD, MIN_COLUMN - 1, -1):
        floor = [min(n, max(len(h), MIN_COLUMN, min(w, cap)))
                 for n, h, w in zip(natural, head, longest, strict=True)]
        if sum(floor) <= room:
            return floor
    numbers = numbers or [False] * len(head)
    tries = [(cap, True) for cap in range(MIN_COLUMN, MIN_WRAPPED - 1, -1)] \
        + [(cap, False) for cap in range(MIN_COLUMN, 0, -1)]
    for cap, whole in tries:
        floor = [min(n, max(cap, w if whole and num else 0))
                 for n, w, num in zip(natural, longest, numbers, strict=True)]
        if sum(floor) <= room:
            return floor
    return [min(n, 1) for n in natural]


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` characters, broken at spaces where it can and
    inside a word only when the word is longer than the line: nothing is lost."""
    if len(text) <= width:
        return [text]
    import textwrap

    return textwrap.wrap(text, width=width, break_long_words=True, break_on_hyphens=False) \
        or [""]


def table(result: QueryResult, width: int | None = None) -> str:
    """An aligned text table fitted to ``width`` columns (``0``: no limit; ``None``: see
    :func:`terminal_width` is the caller's business, here :data:`DEFAULT_WIDTH`). Long cells
    wrap onto more lines, at spaces where possible; no text is cut. When a row takes more
    than one line, rows are separated by a blank line. Numbers are right-aligned."""
    if result.boolean is not None:
        return ("true" if result.boolean else "false") + "\n"
    width = DEFAULT_WIDTH if width is None else width
    head = result.variables
    cells = [[_one_line(human(t, result.labels)) for t in row] for row in result.rows]
    natural = [max([len(h)] + [len(r[i]) for r in cells]) for i, h in enumerate(head)]
    right = [
        any(row[i] is not None for row in result.rows)
        and all(row[i] is None or _is_number(row[i]) for row in result.rows)
        for i in range(len(head))
    ]
    if width > 0 and head:
        room = width - len(GAP) * (len(head) - 1)
        widths = _fit(natural, _floors(head, cells, natural, room, right), room)
    else:
        widths = natural

    def line(values: list[str]) -> str:
        parts = [v.rjust(w) if r else v.ljust(w) for v, w, r in zip(values, widths, right,
                                                                    strict=True)]
        return GAP.join(parts).rstrip()

    body: list[list[str]] = []
    for r in cells:
        wrapped = [_wrap(c, w) for c, w in zip(r, widths, strict=True)]
        depth = max((len(w) for w in wrapped), default=1)
        body.append([line([w[k] if k < len(w) else "" for w in wrapped])
                     for k in range(depth)])
    wrapped_head = [_wrap(h, w) for h, w in zip(head, widths, strict=True)]
    out = [line([w[k] if k < len(w) else "" for w in wrapped_head])
           for k in range(max((len(w) for w in wrapped_head), default=1))]
    out.append(GAP.join("-" * w for w in widths))
    tall = any(len(b) > 1 for b in body)
    for k, b in enumerate(body):
        if tall and k:
            out.append("")
        out += b
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


def select_columns(result: QueryResult, spec: str) -> QueryResult:
    """The result with only the columns ``spec`` names, in its order (``country,policy``),
    or without those it names with a leading ``-`` (``-strands,-end``); not both kinds.
    An unknown name is a usage error naming ``--columns`` and the closest column."""
    from .errors import UsageError

    names = [n.strip() for n in spec.split(",") if n.strip()]
    if not names:
        raise UsageError("--columns: give column names separated by commas")
    hide = [n.startswith("-") for n in names]
    if any(hide) and not all(hide):
        raise UsageError("--columns: either choose columns (a,b) or hide them (-a,-b), "
                         "not both")
    bare = [n[1:] if h else n for n, h in zip(names, hide, strict=True)]
    for n in bare:
        if n not in result.variables:
            import difflib

            near = difflib.get_close_matches(n, result.variables, n=1, cutoff=0.5)
            did = f"; did you mean {near[0]!r}?" if near else ""
            raise UsageError(f"--columns: no column {n!r}{did} (the columns: "
                             f"{', '.join(result.variables)})")
    if len(set(bare)) != len(bare):
        raise UsageError("--columns: a column is named twice")
    keep = ([v for v in result.variables if v not in bare] if all(hide) else bare)
    index = [result.variables.index(v) for v in keep]
    return QueryResult(keep, [tuple(row[i] for i in index) for row in result.rows],
                       result.boolean, result.labels)


def with_labels(result: QueryResult) -> QueryResult:
    """The result with a label column after every column that holds an IRI: ``countryLabel``
    after ``country``, the label (``result.labels``, see :func:`clustergraph.query.run`) as
    a plain literal, unbound where the IRI has none. For ``csv``, ``tsv`` and ``json``."""
    if result.boolean is not None:
        return result
    variables: list[str] = []
    sources: list[tuple[int, bool]] = []  # (column, whether it is the label of that column)
    for i, v in enumerate(result.variables):
        variables.append(v)
        sources.append((i, False))
        if any(isinstance(row[i], ox.NamedNode) for row in result.rows):
            name = v + "Label"
            while name in result.variables or name in variables:
                name += "_"
            variables.append(name)
            sources.append((i, True))

    def cell(row: tuple[Term | None, ...], i: int, label: bool) -> Term | None:
        t = row[i]
        if not label:
            return t
        if isinstance(t, ox.NamedNode) and t.value in result.labels:
            return ox.Literal(result.labels[t.value])
        return None

    rows = [tuple(cell(row, i, lab) for i, lab in sources) for row in result.rows]
    return QueryResult(variables, rows, None, result.labels)
