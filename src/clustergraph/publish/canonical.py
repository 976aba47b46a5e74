"""The published form of a graph: blank nodes skolemised, canonical N-Triples, a checksum.

- **Skolemised**: each blank node becomes an IRI under :data:`GENID`
  (``https://w3id.org/clustergraph/.well-known/genid/<hex>``, RDF 1.1 Concepts 3.5), the
  hex being the SHA-256 of the graph's name and the node's label under the W3C RDF Dataset
  Canonicalization (RDFC-1.0, Oxigraph's implementation). The same graph content always gets
  the same IRIs, so re-publishing is idempotent and a store's copy can be compared triple by
  triple (a store renames blank nodes its own way).
- **Canonical N-Triples** of a graph: one line per distinct triple, literals in the canonical
  form of their value (what stores keep: both store ``"007"^^xsd:integer`` as ``7`` and
  ``"1.50"^^xsd:decimal`` as ``1.5``, Oxigraph keeps a ``xsd:nonNegativeInteger`` as an
  ``xsd:integer``; language tags in lower case), lines sorted by their
  UTF-8 bytes, each ending in ``\\n``. The checksum is the SHA-256 of those bytes.

The triples are uploaded with their lexical forms as loaded; only the checksum and the count
are computed on the canonical form, on both sides.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal, InvalidOperation

import pyoxigraph as ox

from ..namespaces import XSD
from ..resources import BASE

GENID = BASE + ".well-known/genid/"

_INTEGERS = {XSD + t for t in (
    "integer", "int", "long", "short", "byte", "nonNegativeInteger", "positiveInteger",
    "nonPositiveInteger", "negativeInteger", "unsignedLong", "unsignedInt", "unsignedShort",
    "unsignedByte")}
_INTEGER = XSD + "integer"
_DECIMAL = XSD + "decimal"
_BOOLEAN = XSD + "boolean"
_DOUBLES = {XSD + "double", XSD + "float"}

Triple = ox.Triple


def skolem_iri(graph: str, label: str) -> str:
    return GENID + hashlib.sha256(f"{graph} {label}".encode()).hexdigest()[:32]


def skolemise(graph: str, triples: Iterable[ox.Triple]) -> list[ox.Triple]:
    """The triples of ``graph`` with every blank node replaced by its Skolem IRI.

    Only the triples that mention a blank node are canonicalised: RDFC-1.0 labels a blank
    node from the quads that mention it (and, through them, other blank nodes), never from
    the others, so the labels are those of the whole graph at a fraction of the cost."""
    plain: list[ox.Triple] = []
    blank: list[ox.Quad] = []
    g = ox.NamedNode(graph)
    bnode = ox.BlankNode
    for t in triples:
        if type(t.subject) is bnode or type(t.object) is bnode:
            blank.append(ox.Quad(t.subject, t.predicate, t.object, g))
        else:
            plain.append(t)
    if not blank:
        return plain
    ds = ox.Dataset(blank)
    ds.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    iris: dict[str, ox.NamedNode] = {}

    def term(t):  # noqa: ANN001, ANN202
        if type(t) is bnode:
            iri = iris.get(t.value)
            if iri is None:
                iri = iris[t.value] = ox.NamedNode(skolem_iri(graph, t.value))
            return iri
        return t

    return plain + [ox.Triple(term(q.subject), q.predicate, term(q.object)) for q in ds]


def _decimal(text: str) -> str:
    d = Decimal(text.strip())
    if d == d.to_integral_value():
        return str(int(d))
    return format(d.normalize(), "f")


def canonical_literal(lit: ox.Literal) -> ox.Literal:
    """The literal in the canonical form of its value, for the types whose lexical forms a
    store may rewrite; any other literal (and an ill-typed one) as it is."""
    if lit.language:
        return lit
    dt = lit.datatype.value
    try:
        if dt in _INTEGERS:  # a derived integer type as xsd:integer, as Oxigraph keeps it
            text = str(int(lit.value.strip()))
            if dt != _INTEGER:
                return ox.Literal(text, datatype=ox.NamedNode(_INTEGER))
        elif dt == _DECIMAL:
            text = _decimal(lit.value)
        elif dt == _BOOLEAN:
            text = {"1": "true", "0": "false"}.get(lit.value.strip(), lit.value.strip())
        elif dt in _DOUBLES:
            text = repr(float(lit.value.strip()))
        else:
            return lit
    except (ValueError, InvalidOperation):
        return lit
    return lit if text == lit.value else ox.Literal(text, datatype=lit.datatype)


_DURATION = re.compile(
    r"(-)?P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?)?")


def virtuoso_duration(lit: ox.Literal) -> ox.Literal:
    """An ``xsd:duration`` as Virtuoso 7.2 gives it back: a number of months (``P3Y`` is
    ``"36"``) or of seconds (``P1DT2H`` is ``"93600.0"``), with the datatype kept
    (openlink/virtuoso-opensource#936, open; it cannot be turned off). A duration with both
    parts, or a lexical form that is already a number, is left as it is."""
    m = _DURATION.fullmatch(lit.value.strip())
    if m is None or lit.value.strip() in ("P", "PT"):
        return lit
    sign, y, mo, d, h, mi, sec = m.groups()
    months = int(y or 0) * 12 + int(mo or 0)
    seconds = int(d or 0) * 86400 + int(h or 0) * 3600 + int(mi or 0) * 60 + float(sec or 0)
    neg = "-" if sign else ""
    if seconds == 0:
        text = f"{neg}{months}"
    elif months == 0:
        text = f"{neg}{seconds!r}"
    else:
        return lit
    return ox.Literal(text, datatype=lit.datatype)


#: How a store rewrites the values of some datatypes (a profile names them in ``rewrites``).
STORE_FORMS = {"virtuoso-duration": (XSD + "duration", virtuoso_duration)}


def store_types(rewrites: Iterable[str]) -> frozenset[str]:
    """The datatypes the named rewrites apply to."""
    return frozenset(STORE_FORMS[r][0] for r in rewrites)


def store_form(rewrites: Iterable[str]) -> Callable[[ox.Literal], ox.Literal] | None:
    """One function applying the named rewrites, or ``None`` if there are none."""
    table = {STORE_FORMS[r][0]: STORE_FORMS[r][1] for r in rewrites}
    if not table:
        return None

    def rewrite(lit: ox.Literal) -> ox.Literal:
        f = table.get(lit.datatype.value) if not lit.language else None
        return f(lit) if f is not None else lit

    return rewrite


#: The datatypes whose literals :func:`canonical_literal` may rewrite.
CANONICAL_TYPES = frozenset(_INTEGERS | {_DECIMAL, _BOOLEAN} | _DOUBLES)


def _canonical(items: Iterable[ox.Triple | ox.Quad],
               rewrite: Callable[[ox.Literal], ox.Literal] | None,
               types: frozenset[str]) -> Iterator[ox.Triple | ox.Quad]:
    literal = ox.Literal
    for t in items:
        o = t.object
        if type(o) is literal and o.language is None and o.datatype.value in types:
            c = canonical_literal(rewrite(o) if rewrite is not None else o)
            if c != o:
                t = ox.Triple(t.subject, t.predicate, c)
        yield t


def canonical_lines(items: Iterable[ox.Triple | ox.Quad],
                    rewrite: Callable[[ox.Literal], ox.Literal] | None = None,
                    rewritten: Iterable[str] = ()) -> list[bytes]:
    """The canonical N-Triples lines of (skolemised) triples, or of the quads of one graph
    as parsed: distinct, sorted, each ending in ``\\n``. ``rewrite`` first puts the literals
    of the datatypes ``rewritten`` in the form a store gives them back (:func:`store_form`).
    Written by Oxigraph's serialiser (so escaped as N-Triples requires)."""
    types = CANONICAL_TYPES | frozenset(rewritten)
    data = ox.serialize(_canonical(items, rewrite, types), format=ox.RdfFormat.N_TRIPLES)
    return sorted(set((data or b"").splitlines(keepends=True)))


def digest(lines: list[bytes]) -> str:
    """The SHA-256 of the lines one after the other: hashed in one call (in C, without the
    GIL, so that another graph's upload or planning runs meanwhile)."""
    return hashlib.sha256(b"".join(lines)).hexdigest()


def ntriples(triples: Iterable[ox.Triple]) -> bytes:
    """N-Triples of the triples as they are: the upload body."""
    return ox.serialize(triples, format=ox.RdfFormat.N_TRIPLES) or b""
