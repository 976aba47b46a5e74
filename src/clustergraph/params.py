"""Parameter values that cannot silently miss: resolving what a user types for an IRI
parameter against the graph the query will run on.

:meth:`clustergraph.catalog.Parameter.coerce` checks a value's *form* (an IRI, a year, one
of the declared ``allowed`` values). This module checks what it *names*, on the graph (local
store or endpoint) the query runs on, so that a value that would match nothing is a usage
error (exit 2) instead of ``(0 rows)``:

- a prefixed name with an undeclared prefix (``contry:BEL``) is refused, suggesting the
  value the closest declared prefix gives;
- an IRI that names nothing in the graph (no triple has it as subject or object:
  ``nuts:BE9``, ``cgv:beneficiary-type/sme``) is refused, suggesting the closest of the
  values the parameter takes;
- a label or notation (``SMEs``, ``BE``, ``BEL``, ``Belgium``, ``BE2``) is accepted where it
  names one of the values the parameter takes, exactly (case-insensitive) or, failing
  that, as the start of exactly one label; several candidates are refused, listed.

*The values a parameter takes* (:func:`parameter_values`, ``clustergraph query values NAME
PARAM``) are its declared ``allowed`` values, or else, for an optional parameter, the
distinct values of its column when the query runs without it (the values for which the query
has an answer). A parameter with a default and no declared set (``resource`` of
``resource-description``: any IRI of the graph) is only checked for naming something.

Query text is not read here (that is :mod:`clustergraph.sparql_text`); the look-ups are
small SELECTs run through :func:`clustergraph.query.run`, so they run where the query runs.
Only pyoxigraph is imported (no rdflib).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox

from .catalog import _PNAME, Parameter, SavedQuery, display_term, expand_iri, parse_query
from .errors import UsageError
from .namespaces import CG, PREFIXES, RDFS, SKOS

#: Properties whose value names a resource for a user: labels, notations, country codes.
NAME_PROPERTIES = (
    RDFS + "label",
    SKOS + "prefLabel",
    SKOS + "altLabel",
    SKOS + "notation",
    CG + "isoAlpha2",
    CG + "euCountryCode",
)
_PREF_LABEL = (RDFS + "label",
               SKOS + "prefLabel")

#: How many close values an error message suggests.
SUGGESTIONS = 3

Execute = Callable[[SavedQuery, Mapping[str, object]], list[tuple[object, ...]]]


@dataclass(frozen=True)
class Value:
    """A value a parameter takes: the IRI, its label (English first) and its names."""

    iri: str
    label: str
    names: tuple[str, ...]

    @property
    def shown(self) -> str:
        term = display_term(ox.NamedNode(self.iri))
        return f'{term} "{self.label}"' if self.label else term


def _adhoc(name: str, text: str) -> SavedQuery:
    return parse_query(name, Path(f"<{name}>"), text)


def _exists(iri: str, execute: Execute) -> bool:
    node = ox.NamedNode(iri)
    rows = execute(_adhoc("param-exists", "SELECT ?x WHERE { "
                          f"{{ {node} ?p ?x }} UNION {{ ?x ?p {node} }} }} LIMIT 1"), {})
    return bool(rows)


def _names(iris: list[str], execute: Execute) -> list[Value]:
    if not iris:
        return []
    pairs = " ".join(f"({ox.NamedNode(i)} <{p}>)" for i in iris for p in NAME_PROPERTIES)
    rows = execute(_adhoc("param-names", "SELECT ?iri ?p ?name WHERE { "
                          f"VALUES (?iri ?p) {{ {pairs} }} ?iri ?p ?name "
                          "FILTER(isLiteral(?name)) }"), {})
    names: dict[str, set[str]] = {i: set() for i in iris}
    labels: dict[str, list[tuple[int, str]]] = {i: [] for i in iris}
    for iri, prop, name in rows:
        assert isinstance(iri, ox.NamedNode) and isinstance(name, ox.Literal)
        names[iri.value].add(name.value)
        if isinstance(prop, ox.NamedNode) and prop.value in _PREF_LABEL:
            rank = 0 if name.language == "en" else 1 if not name.language else 2
            labels[iri.value].append((rank, name.value))
    return [Value(i, min(labels[i])[1] if labels[i] else "", tuple(sorted(names[i])))
            for i in iris]


def parameter_values(query: SavedQuery, param: Parameter, execute: Execute) -> list[Value] | None:
    """The values ``param`` of ``query`` takes (see the module docstring), sorted as shown;
    ``None`` for a parameter that takes any IRI of the graph."""
    if param.allowed:
        iris = [t.value for t in param.allowed if isinstance(t, ox.NamedNode)]
    elif param.optional:
        rows = execute(query, {})
        variables = _variables(query, execute)
        if param.name not in variables:
            return []
        k = variables.index(param.name)
        seen: dict[str, None] = {}
        for row in rows:
            t = row[k]
            if isinstance(t, ox.NamedNode):
                seen.setdefault(t.value)
        iris = list(seen)
    else:
        return None
    values = _names(iris, execute)
    return sorted(values, key=lambda v: display_term(ox.NamedNode(v.iri)))


def _variables(query: SavedQuery, execute: Execute) -> list[str]:
    return list(getattr(execute, "variables", {}).get(query.name, []))


def _closest(text: str, values: list[Value]) -> list[Value]:
    by_form: dict[str, Value] = {}
    for v in values:
        by_form.setdefault(display_term(ox.NamedNode(v.iri)).lower(), v)
        by_form.setdefault(v.iri.lower(), v)
        for n in v.names:
            by_form.setdefault(n.lower(), v)
    found: list[Value] = []
    for form in difflib.get_close_matches(text.lower(), list(by_form), n=10, cutoff=0.5):
        if by_form[form] not in found:
            found.append(by_form[form])
    return found[:SUGGESTIONS]


def _suggest(text: str, values: list[Value] | None) -> str:
    if not values:
        return ""
    close = _closest(text, values)
    if not close:  # nothing close: the values it takes (the first few)
        more = ", ..." if len(values) > SUGGESTIONS else ""
        return f" (its values: {', '.join(v.shown for v in values[:SUGGESTIONS])}{more}; " \
            "see `clustergraph query values`)"
    shown = ", ".join(v.shown for v in close)
    return f" (did you mean {shown}?)" if len(close) == 1 else f" (closest: {shown})"


def resolve_value(query: SavedQuery, param: Parameter, text: str, execute: Execute) -> str:
    """The IRI (as ``<...>``) that ``text`` names for ``param``, or a UsageError naming the
    parameter with the closest valid values."""
    where = f"parameter {param.name!r}"
    raw = text.strip()
    m = _PNAME.match(raw)
    is_iri_form = raw.startswith("<") or (m is not None and m.group(2).startswith("//"))
    if not is_iri_form and m is not None and (m.group(1) or "") not in PREFIXES \
            and m.group(1) is not None:
        prefix = m.group(1)
        close = difflib.get_close_matches(prefix, list(PREFIXES), n=1, cutoff=0.5)
        hint = ""
        if close:
            guess = expand_iri(f"{close[0]}:{m.group(2)}")
            values = parameter_values(query, param, execute)
            if guess and (values is None and _exists(guess, execute)
                          or values is not None and any(v.iri == guess for v in values)):
                shown = next((v.shown for v in values or [] if v.iri == guess),
                             display_term(ox.NamedNode(guess)))
                hint = f" (did you mean {shown}?)"
            else:
                hint = f" (did you mean prefix {close[0]}:?)"
        raise UsageError(f"{where}: prefix {prefix + ':'!r} is not declared{hint}")
    iri = expand_iri(raw) if (is_iri_form or m is not None) else None
    if iri is not None:
        if param.allowed:
            param.coerce(raw)  # outside the declared set: its own message
            return raw
        # an IRI that names something is used as it is (one look-up); only one that names
        # nothing costs running the query without the parameter, for the suggestions
        if _exists(iri, execute):
            return f"<{iri}>"
        values = parameter_values(query, param, execute)
        shown = display_term(ox.NamedNode(iri))
        raise UsageError(f"{where}: {shown} names nothing in the graph"
                         f"{_suggest(raw, values)}")
    # a label or a notation
    values = parameter_values(query, param, execute)
    if values is None:
        raise UsageError(f"{where}: {raw!r} is not an IRI (this parameter takes any IRI of "
                         "the graph, as <http://...> or a prefixed name)")
    low = raw.lower()
    exact = [v for v in values if low in (n.lower() for n in v.names)]
    matches = exact or [v for v in values if any(n.lower().startswith(low) for n in v.names)]
    if len(matches) == 1:
        return f"<{matches[0].iri}>"
    if matches:
        shown = ", ".join(v.shown for v in matches)
        raise UsageError(f"{where}: {raw!r} is ambiguous (it names {shown})")
    raise UsageError(f"{where}: {raw!r} is not the IRI, label or notation of a value it "
                     f"takes{_suggest(raw, values)}")


def precheck(query: SavedQuery, values: Mapping[str, object]) -> None:
    """Before any graph is read: every name is a parameter of ``query``, and every value
    of a non-IRI parameter is of its type (IRI parameters are resolved on the graph)."""
    for name in values:
        query.param(name)
    query.bind({n: v for n, v in values.items() if query.param(n).type != "iri"})


def resolve(query: SavedQuery, values: Mapping[str, object], execute: Execute) -> dict[str, object]:
    """``values`` with every IRI parameter given as text resolved to an IRI (``<...>``)."""
    precheck(query, values)
    out = dict(values)
    for name, value in values.items():
        p = query.param(name)
        if p.type == "iri" and isinstance(value, str):
            out[name] = resolve_value(query, p, value, execute)
    query.bind(out)
    return out


def executor(run: Callable[..., object], **where: object) -> Execute:
    """An :data:`Execute` that runs through :func:`clustergraph.query.run` on ``where``
    (``kg=...`` or ``endpoint=...``, ``timeout=...``), keeping each result's columns."""
    cache: dict[tuple[str, tuple[tuple[str, str], ...]], list[tuple[object, ...]]] = {}
    variables: dict[str, list[str]] = {}

    def execute(query: SavedQuery, values: Mapping[str, object]) -> list[tuple[object, ...]]:
        key = (query.text, tuple(sorted((k, str(v)) for k, v in values.items())))
        if key not in cache:
            result = run(query, values, **where)
            variables[query.name] = list(result.variables)  # type: ignore[attr-defined]
            cache[key] = list(result.rows)  # type: ignore[attr-defined]
        return cache[key]

    execute.variables = variables  # type: ignore[attr-defined]
    return execute
