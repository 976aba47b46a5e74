"""The saved-query catalogue: ``queries/*.rq`` files with grlc-style ``#+`` headers.

Each file answers one analyst question. Its header is YAML-like ``#+ key: value`` lines
(the grlc decorator convention), with one extension, ``params``, that declares the query's
parameters with their type, default and allowed values (see ``queries/README.md``)::

    #+ summary: Policies aligned with an EU priority
    #+ description: Each policy aligned with the priority, with its instruments.
    #+ tags:
    #+   - policies
    #+ params:
    #+   - priority: iri; default=cgv:eu-priority/green-economy; doc=The EU priority.
    #+   - country: iri; optional; doc=Only the policies of this country.

A parameter binds the query variable of the same name (``?priority``) as a typed RDF term.
``#+ defaultView: BarChart; x=COLUMN; y=COLUMNS`` names the chart ``clustergraph serve``
draws with the answer (:data:`VIEWS`; Wikidata's ``#defaultView`` convention).

The catalogue is also shipped as RDF (``sh:SPARQLSelectExecutable`` with label, comment and
``sh:parameter`` descriptions) so that an export carries its own question catalogue.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from .errors import InputError, UsageError
from .namespaces import DCT, PREFIXES, RDF, RDF_TYPE, RDFS, SH, XSD
from .resources import BASE, query_files

QUERY_BASE = BASE + "query/"

#: Parameter types: the XSD datatype a value is typed with (None for IRIs).
PARAM_TYPES: dict[str, str | None] = {
    "iri": None,
    "string": XSD + "string",
    "integer": XSD + "integer",
    "decimal": XSD + "decimal",
    "boolean": XSD + "boolean",
    "gYear": XSD + "gYear",
    "date": XSD + "date",
}

_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^\s<>\"{}|^`\\]*$")
_PNAME = re.compile(r"^([A-Za-z][\w\-.]*)?:(.*)$")
_LEXICAL = {
    "integer": re.compile(r"^[+-]?\d+$"),
    "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "boolean": re.compile(r"^(true|false|1|0)$"),
    "gYear": re.compile(r"^-?\d{4,}(Z|[+-]\d{2}:\d{2})?$"),
    "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
}
_EXPECTED = {
    "iri": "an IRI (<http://...> or a prefixed name such as country:BEL)",
    "string": "a string",
    "integer": "an integer",
    "decimal": "a decimal number",
    "boolean": "true or false",
    "gYear": "a year (xsd:gYear, e.g. 2023)",
    "date": "a date (YYYY-MM-DD)",
}

Term = ox.NamedNode | ox.Literal

#: How a saved query's parameters are bound on the local engine: ``substitution`` (SEP-0007,
#: pyoxigraph's ``substitutions``; the default) or ``values`` (a ``VALUES`` block opening the
#: WHERE group, as sent to an endpoint). The answers are the same; the plans may not be.
BINDINGS = ("substitution", "values")

#: The charts a saved query can ask for with ``#+ defaultView: NAME`` (Wikidata's
#: ``#defaultView`` convention; ``Table``, the default, is none): see ``queries/README.md``.
VIEWS = ("Table", "BarChart", "GroupedBarChart", "Timeline")


def expand_iri(text: str) -> str | None:
    """``<http://x>``, ``http://x`` or a prefixed name of the project's map -> the IRI."""
    text = text.strip()
    if text.startswith("<") and text.endswith(">"):
        text = text[1:-1]
    m = _PNAME.match(text)
    if m and (m.group(1) or "") in PREFIXES and not m.group(2).startswith("//"):
        text = PREFIXES[m.group(1) or ""] + m.group(2)
    return text if _IRI.match(text) else None


@dataclass(frozen=True)
class Parameter:
    """A query parameter: it binds the variable ``?name`` to a value of ``type``."""

    name: str
    type: str
    default: Term | None = None
    allowed: tuple[Term, ...] = ()
    optional: bool = False
    doc: str = ""

    def coerce(self, value: object) -> Term:
        """The typed RDF term for ``value``; a :class:`UsageError` naming the parameter
        if it is not of the parameter's type or not among its allowed values."""
        term = self._term(value)
        if term is None:
            raise UsageError(
                f"parameter {self.name!r}: {_show(value)} is not {_EXPECTED[self.type]}"
            )
        if self.allowed and term not in self.allowed:
            choices = ", ".join(display_term(t) for t in self.allowed)
            raise UsageError(
                f"parameter {self.name!r}: {display_term(term)} is not allowed "
                f"(choose from {choices})"
            )
        return term

    def _term(self, value: object) -> Term | None:
        datatype = PARAM_TYPES[self.type]
        if isinstance(value, ox.NamedNode):
            return value if self.type == "iri" else None
        if isinstance(value, ox.Literal):
            ok = value.datatype.value == datatype and not value.language
            return value if ok else None
        if isinstance(value, bool):
            return ox.Literal(value) if self.type == "boolean" else None
        if isinstance(value, int) and self.type in ("integer", "gYear", "decimal"):
            value = str(value)
        if not isinstance(value, str):
            return None
        if self.type == "iri":
            iri = expand_iri(value)
            try:
                return ox.NamedNode(iri) if iri else None
            except ValueError:
                return None
        if self.type == "string":
            return ox.Literal(value)
        text = value.strip()
        if not _LEXICAL[self.type].match(text):
            return None
        if self.type == "integer":
            return ox.Literal(int(text))
        if self.type == "boolean":
            return ox.Literal(text in ("true", "1"))
        if self.type == "date":
            try:
                datetime.date.fromisoformat(text)
            except ValueError:
                return None
        return ox.Literal(text, datatype=ox.NamedNode(datatype))

    def describe(self) -> str:
        """One line for ``query list``: ``country (iri, default country:BEL)``."""
        bits = [self.type]
        if self.default is not None:
            bits.append(f"default {display_term(self.default)}")
        elif self.optional:
            bits.append("optional")
        if self.allowed:
            bits.append("one of " + " | ".join(display_term(t) for t in self.allowed))
        return f"{self.name} ({', '.join(bits)})"


def display_term(term: Term) -> str:
    """A parameter value as it is written in a header or on the command line: IRIs as
    prefixed names where a project prefix fits (``cgv:eu-priority/green-economy``)."""
    if not isinstance(term, ox.NamedNode):
        return term.value
    for prefix, ns in sorted(PREFIXES.items(), key=lambda kv: -len(kv[1])):
        local = term.value[len(ns):]
        if term.value.startswith(ns) and local and expand_iri(f"{prefix}:{local}") == term.value:
            return f"{prefix}:{local}"
    return f"<{term.value}>"


def _show(value: object) -> str:
    if isinstance(value, ox.NamedNode | ox.Literal):
        return str(value)
    return repr(value) if isinstance(value, str) else repr(str(value))


def parse_parameter(entry: str, where: str) -> Parameter:
    """Parse ``name: type; default=V; allowed=V1 | V2; optional; doc=text``."""
    name, sep, rest = entry.partition(":")
    name = name.strip()
    if not sep or not _NAME.match(name):
        raise InputError(f"{where}: parameter entry {entry!r} must start with 'name: type'")
    fields = rest.split(";")
    ptype = fields[0].strip()
    if ptype not in PARAM_TYPES:
        raise InputError(
            f"{where}: parameter {name!r} has unknown type {ptype!r} "
            f"(use {', '.join(PARAM_TYPES)})"
        )
    raw: dict[str, str] = {}
    optional = False
    for i, f in enumerate(fields[1:], start=1):
        key, eq, value = f.strip().partition("=")
        key = key.strip()
        if key == "doc":
            raw["doc"] = ";".join([value, *fields[i + 1:]]).strip()
            break
        if key == "optional" and not eq:
            optional = True
        elif key in ("default", "allowed") and eq:
            raw[key] = value.strip()
        else:
            raise InputError(f"{where}: parameter {name!r} has an unknown field {f.strip()!r}")
    bare = Parameter(name, ptype)
    try:
        allowed = tuple(bare.coerce(v.strip()) for v in raw["allowed"].split("|")) \
            if "allowed" in raw else ()
        default = Parameter(name, ptype, allowed=allowed).coerce(raw["default"]) \
            if "default" in raw else None
    except UsageError as exc:
        raise InputError(f"{where}: {exc.message}") from None
    if default is None and not optional:
        raise InputError(f"{where}: parameter {name!r} needs a default or 'optional'")
    if default is not None and optional:
        raise InputError(f"{where}: parameter {name!r} has a default, so it cannot be optional")
    return Parameter(name, ptype, default, allowed, optional, raw.get("doc", ""))


@dataclass
class SavedQuery:
    name: str
    path: Path
    text: str
    summary: str = ""
    description: str = ""
    tags: list[str] = field(default_factory=list)
    params: list[Parameter] = field(default_factory=list)
    header: dict[str, object] = field(default_factory=dict)
    #: How the parameters reach the local engine (``#+ bind:``, see ``queries/README.md``).
    binding: str = "substitution"
    #: The chart shown with the results (``#+ defaultView:``, one of :data:`VIEWS`) and the
    #: columns it draws (``x=`` the category or year, ``y=`` the values; empty: guessed).
    view: str = "Table"
    view_columns: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def iri(self) -> str:
        return QUERY_BASE + self.name

    def param(self, name: str) -> Parameter:
        for p in self.params:
            if p.name == name:
                return p
        known = ", ".join(p.name for p in self.params) or "none"
        raise UsageError(
            f"unknown parameter {name!r} for query {self.name!r} (its parameters: {known})"
        )

    def bind(self, values: Mapping[str, object]) -> dict[str, Term]:
        """The typed terms to bind: the given values, else the defaults."""
        for name in values:
            self.param(name)
        bound: dict[str, Term] = {}
        for p in self.params:
            if p.name in values:
                bound[p.name] = p.coerce(values[p.name])
            elif p.default is not None:
                bound[p.name] = p.default
        return bound


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


def parse_query(name: str, path: Path, text: str) -> SavedQuery:
    header = parse_header(text)
    tags = header.get("tags", [])
    entries = header.get("params", [])
    if not isinstance(entries, list):
        raise InputError(f"{path}: '#+ params:' must be followed by '#+   - name: type' lines")
    params = [parse_parameter(e, str(path)) for e in entries]
    names = [p.name for p in params]
    if len(set(names)) != len(names):
        raise InputError(f"{path}: a parameter is declared twice ({', '.join(names)})")
    binding = header.get("bind", "substitution")
    if binding not in BINDINGS:
        raise InputError(f"{path}: '#+ bind:' must be one of {', '.join(BINDINGS)} "
                         f"(got {binding!r})")
    view, view_columns = parse_view(header.get("defaultView", "Table"), str(path))
    return SavedQuery(
        name=name,
        path=path,
        text=text,
        summary=str(header.get("summary", "")),
        description=str(header.get("description", "")),
        tags=list(tags) if isinstance(tags, list) else [str(tags)],
        params=params,
        header=header,
        binding=str(binding),
        view=view,
        view_columns=view_columns,
    )


def parse_view(value: object, where: str) -> tuple[str, dict[str, tuple[str, ...]]]:
    """``BarChart; x=partner; y=programmes`` -> ("BarChart", {"x": ("partner",), ...})."""
    parts = [p.strip() for p in str(value).split(";")]
    if parts[0] not in VIEWS:
        raise InputError(f"{where}: '#+ defaultView:' must be one of {', '.join(VIEWS)} "
                         f"(got {parts[0]!r})")
    columns: dict[str, tuple[str, ...]] = {}
    for part in parts[1:]:
        key, eq, names = part.partition("=")
        cols = tuple(n.strip() for n in names.split(",") if n.strip())
        if key.strip() not in ("x", "y") or not eq or not cols \
                or not all(_NAME.match(c) for c in cols):
            raise InputError(f"{where}: '#+ defaultView:' options are x=COLUMN and "
                             f"y=COLUMN,COLUMN (got {part!r})")
        columns[key.strip()] = cols
    return parts[0], columns


def load_query(path: Path) -> SavedQuery:
    """A query file (saved or ad hoc); its header is optional."""
    if not path.is_file():
        raise InputError(f"{path}: no such file" if not path.exists() else f"{path}: not a file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"{path}: not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise InputError(f"{path}: the file is empty")
    return parse_query(path.stem, path, text)


def saved_queries() -> list[SavedQuery]:
    return [load_query(p) for p in query_files()]


def saved_query(name: str) -> SavedQuery:
    """The saved query called ``name`` (the file name without ``.rq``)."""
    for p in query_files():
        if p.stem == name:
            return load_query(p)
    known = ", ".join(p.stem for p in query_files())
    raise UsageError(f"no saved query {name!r} (see `clustergraph query list`: {known})")


def catalog_quads(graph: str) -> Iterator[ox.Quad]:
    """The catalogue as RDF quads in ``graph``: one ``sh:SPARQLSelectExecutable`` per query,
    its parameters as ``sh:parameter`` nodes (``sh:path`` local name = variable name)."""
    g = ox.NamedNode(graph)

    def quad(s: ox.NamedNode | ox.BlankNode, p: str, o: Term | ox.BlankNode) -> ox.Quad:
        return ox.Quad(s, ox.NamedNode(p), o, g)

    for q in saved_queries():
        s = ox.NamedNode(q.iri)
        yield quad(s, RDF_TYPE, ox.NamedNode(SH + "SPARQLSelectExecutable"))
        yield quad(s, DCT + "identifier", ox.Literal(q.name))
        if q.summary:
            yield quad(s, RDFS + "label", ox.Literal(q.summary, language="en"))
        if q.description:
            yield quad(s, RDFS + "comment", ox.Literal(q.description, language="en"))
        for tag in q.tags:
            yield quad(s, DCT + "subject", ox.Literal(tag))
        yield quad(s, SH + "select", ox.Literal(q.text))
        for p in q.params:
            node = ox.NamedNode(f"{q.iri}/param/{p.name}")
            yield quad(s, SH + "parameter", node)
            yield quad(node, RDF_TYPE, ox.NamedNode(SH + "Parameter"))
            yield quad(node, SH + "path", ox.NamedNode(QUERY_BASE + "param/" + p.name))
            yield quad(node, SH + "name", ox.Literal(p.name))
            if p.doc:
                yield quad(node, SH + "description", ox.Literal(p.doc, language="en"))
            if p.type == "iri":
                yield quad(node, SH + "nodeKind", ox.NamedNode(SH + "IRI"))
            else:
                yield quad(node, SH + "datatype", ox.NamedNode(PARAM_TYPES[p.type] or ""))
            if p.default is not None:
                yield quad(node, SH + "defaultValue", p.default)
            yield quad(node, SH + "optional", ox.Literal(p.optional))
            if p.allowed:
                head: ox.NamedNode | ox.BlankNode = ox.NamedNode(RDF + "nil")
                cells = []
                for term in reversed(p.allowed):
                    cell = ox.BlankNode()
                    cells += [quad(cell, RDF + "first", term), quad(cell, RDF + "rest", head)]
                    head = cell
                yield quad(node, SH + "in", head)
                yield from cells
