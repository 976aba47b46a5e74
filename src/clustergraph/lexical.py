"""Literals kept as written: what Oxigraph's store changes, recorded so that export can undo it.

Oxigraph's store keeps the literals of the XSD datatypes it knows in a binary encoding of
their *value* (upstream oxigraph issue 526), so a literal comes back from the store in its
canonical form, not as written. Measured on pyoxigraph 0.5.13 (in memory and on disk alike):

- numbers: ``1.0`` → ``"1"^^xsd:decimal``, ``+1`` and ``"0012"^^xsd:integer`` → ``1`` / ``12``,
  ``1e0`` / ``1.0E0`` → ``"1"^^xsd:double``, ``"+0.5"^^xsd:float`` → ``"0.5"``, ``-0`` → ``0``;
- derived integer types lose their datatype: ``"123"^^xsd:byte``, ``xsd:short``, ``xsd:long``,
  ``xsd:unsignedInt``, ``xsd:nonNegativeInteger`` … → ``xsd:integer``;
- ``"1"^^xsd:boolean`` → ``true``, ``"0"`` → ``false``;
- durations and dates: ``"PT36H"^^xsd:duration`` → ``P1DT12H``, ``-P0D`` → ``PT0S``,
  ``…T00:00:00+00:00`` / ``…T00:00:00.000Z`` → ``…T00:00:00Z``;
- so distinct literals merge: ``"1."``, ``"1.0"`` and ``"1.000000000"`` (xsd:decimal) are one
  triple in the store.

Ill-typed literals (``"abc"^^xsd:integer``), literals of other datatypes, plain and
language-tagged strings are kept as they are.

This module keeps what the store cannot. While quads go into the store,
:meth:`Originals.watch` asks the store itself what it would make of each typed literal
(:func:`stored_form`, cached per literal) and, for every quad it would change, records the
quad as written under the quad the store holds (its *key*); a key that several input quads
map to keeps all of them, including one already written in canonical form. Export replaces
each key by its originals (:meth:`Originals.restore`), so the exported terms are those of the
input; queries, validation and inference still run on the store's values, so their semantics
(numeric comparisons, equality of ``1.0`` and ``1.00``) are as before.

In memory the record is :attr:`clustergraph.store.KnowledgeGraph.originals`; a persisted
store keeps it beside the database as :data:`LITERALS_FILE`: the original quads in N-Quads
(Oxigraph's N-Quads parser and serialiser keep lexical forms and blank-node labels as they
are), from which :meth:`Originals.read` recomputes the keys.

Finding the changed literals costs a pass in Python over every parsed triple of a file
(at 1M triples about 1.2 s, on top of Oxigraph's own 3 s load). A Turtle or N-Triples file
in which no literal can change skips that pass: :func:`no_typed_literals` proves, on the
raw bytes at C speed (``split``/``join`` on quotes, ``bytes.translate`` and ``in`` tests; a
regular expression only for comments), that the file holds no typed literal (no ``^^``)
and no bare number outside its strings, IRIs and comments, so that every literal is a
plain or language-tagged string or a boolean, all of which the store keeps as written.
When the proof fails (a number, a date, an escape or a quote it does not follow), the exact
pass runs: that costs time, never a literal.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

import pyoxigraph as ox

from .namespaces import XSD_STRING

#: The file, in a store directory, that holds the original forms of the changed literals.
LITERALS_FILE = "clustergraph-literals.nq"


_SCRATCH_SUBJECT = ox.NamedNode("urn:clustergraph:lexical:s")
_SCRATCH_PREDICATE = ox.NamedNode("urn:clustergraph:lexical:p")
_scratch: ox.Store | None = None
_forms: dict[ox.Literal, ox.Literal] = {}
#: Distinct literals whose stored form is cached; past this the cache starts again.
_CACHE_LIMIT = 1 << 20


def stored_form(literal: ox.Literal) -> ox.Literal:
    """The literal Oxigraph's store gives back for ``literal`` (itself if unchanged).

    The store is the oracle: the literal goes into a scratch in-memory store and is read
    back, so that this follows whatever the installed pyoxigraph does."""
    global _scratch
    form = _forms.get(literal)
    if form is None:
        if _scratch is None:
            _scratch = ox.Store()
        quad = ox.Quad(_SCRATCH_SUBJECT, _SCRATCH_PREDICATE, literal)
        _scratch.add(quad)
        form = next(iter(_scratch)).object
        _scratch.clear()
        if len(_forms) >= _CACHE_LIMIT:
            _forms.clear()
        _forms[literal] = form
    return form


def may_change(term: object) -> bool:
    """Whether the store could change ``term``: a literal with a datatype other than
    ``xsd:string`` and ``rdf:langString``."""
    return (type(term) is ox.Literal and not term.language
            and term.datatype.value != XSD_STRING)


class Originals:
    """The quads as written whose literal the store changes, by the quad the store holds.

    >>> rec = Originals()
    >>> q = ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
    ...             ox.Literal("1.0", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#decimal")))
    >>> _ = list(rec.watch([q]))
    >>> [str(o.object) for o in rec.restore(next(iter(rec.keys())))]
    ['"1.0"^^<http://www.w3.org/2001/XMLSchema#decimal>']
    """

    def __init__(self) -> None:
        #: key (as the store holds it) -> the input quads that map to it, in input order
        self._groups: dict[ox.Quad, dict[ox.Quad, None]] = {}
        #: hashes of the input quads kept as they are that could be a key (checked by
        #: :meth:`finish`): hashes, not quads, so that a million of them cost tens of MB, not
        #: hundreds (a 64-bit collision with one of the few keys is out of practical reach)
        self._unchanged: set[int] = set()

    def __len__(self) -> int:
        return len(self._groups)

    def __bool__(self) -> bool:
        return bool(self._groups)

    def keys(self) -> Iterable[ox.Quad]:
        return self._groups.keys()

    def note(self, quad: ox.Quad) -> bool:
        """Record ``quad`` (as written) if the store would change it; True if it would."""
        literal = quad.object
        if not may_change(literal):
            return False
        form = stored_form(literal)
        if form == literal:
            self._unchanged.add(hash(quad))
            return False
        key = ox.Quad(quad.subject, quad.predicate, form, quad.graph_name)
        self._groups.setdefault(key, {})[quad] = None
        return True

    def watch(self, quads: Iterable[ox.Quad]) -> Iterator[ox.Quad]:
        """Yield ``quads`` unchanged, recording those the store would change; call
        :meth:`finish` once every stream of one load has been consumed."""
        note = self.note
        for quad in quads:
            if type(quad.object) is ox.Literal:
                note(quad)
            yield quad

    def finish(self) -> Originals:
        """Close a load: a key that was also written as it is in the input keeps that form
        among its originals (``"1"^^xsd:decimal`` beside ``1.0``)."""
        for key, group in self._groups.items():
            if hash(key) in self._unchanged and key not in group:
                group[key] = None
        self._unchanged = set()
        return self

    def restore(self, quad: ox.Quad) -> list[ox.Quad] | None:
        """The quads as written that the store holds as ``quad``; None if it holds it as
        written."""
        group = self._groups.get(quad)
        return list(group) if group is not None else None

    # -- persisted with a store ------------------------------------------------------------

    def write(self, path: Path) -> None:
        """Write the original quads to ``path`` (N-Quads, sorted: deterministic), or nothing
        if no literal changed."""
        quads = [q for group in self._groups.values() for q in group]
        if not quads:
            return
        data = ox.serialize(quads, format=ox.RdfFormat.N_QUADS) or b""
        lines = sorted(set(data.splitlines()))
        Path(path).write_bytes(b"".join(line + b"\n" for line in lines if line))

    @classmethod
    def read(cls, path: Path) -> Originals:
        """The record of a store, from its :data:`LITERALS_FILE` (empty if there is none)."""
        rec = cls()
        path = Path(path)
        if path.is_file():
            for quad in ox.parse(path=path, format=ox.RdfFormat.N_QUADS):
                rec.note(quad)
        return rec.finish()


_IRI = re.compile(rb'<[^<>"{}|^`\s]*>')
#: A comment that runs into a quote (a ``\x00`` that stands for one) before its line ends.
_COMMENT_OVER_QUOTE = re.compile(rb"#[^\n\r\x00]*\x00")
_COMMENT = re.compile(rb"#[^\n\r]*")


def _number_table() -> bytes:
    """``bytes.translate`` table: digits → ``0``; what continues a name or sits in an IRI
    without being able to precede a number in Turtle (letters, ``_ : % / ? = & # $ ! * ~ @``,
    non-ASCII) → ``a``; anything else (space, punctuation, ``+``, the ``\\x00`` that stands for
    a string) → space. ``-`` and ``.`` are deleted by the caller, so that ``-1``, ``.5`` and
    ``+.5`` after a delimiter read as a space and a digit, as ``1`` does."""
    table = bytearray(b" " * 256)
    for c in range(256):
        ch = bytes([c])
        if ch.isdigit():
            table[c] = ord("0")
        elif ch.isalpha() or ch in b"_:%/?=&#$!*~@" or c >= 0x80:
            table[c] = ord("a")
    return bytes(table)


_NUMBER_TABLE = _number_table()


def no_typed_literals(raw: bytes) -> bool:
    """True only if the Turtle or N-Triples text ``raw`` holds no typed literal and no bare
    number: then each of its literals is a string, a language-tagged string or a boolean,
    which the store keeps as written. False whenever that is not proven, never wrong when
    True (``tests/test_lexical.py`` checks it on the W3C suites and on crafted cases).

    The proof reads the text as Turtle tokenises it only where that is certain: no
    backslash (no escape of any kind), no long string (``\"\"\"``), an even number of ``"``,
    so that every other piece between quotes is a string; no ``'`` outside those strings
    (no single-quoted string); no comment that runs into a quote (a comment outside an IRI
    is then cut off at its line's end). What remains outside strings, IRIs and comments
    has no ``^^`` and no digit right after a delimiter (a numeric literal ``1``, ``+1``,
    ``-1.5``, ``.5``, ``1e0`` starts so; digits inside names such as ``ex:item-1`` or
    ``fs:section-2.3`` follow a name character).

    >>> no_typed_literals(b'<s> <p> "1.0 is a number", "x"@en-1, true ; <q> <http://e/1.0> .')
    True
    >>> no_typed_literals(b'<s> <p> "a", 1.0 .'), no_typed_literals(b'<s> <p> "1"^^<d> .')
    (False, False)
    """
    if b"\\" in raw or b'"""' in raw:
        return False
    pieces = raw.split(b'"')
    if not len(pieces) % 2:  # an odd number of quotes
        return False
    outside = b"\x00".join(pieces[0::2])  # each string stands as one \x00
    if b"'" in outside:
        return False
    if b"#" in outside:
        outside = _IRI.sub(b" ", outside)
        if _COMMENT_OVER_QUOTE.search(outside):
            return False
        outside = _COMMENT.sub(b" ", outside)
    if b"^^" in outside:
        return False
    return b" 0" not in b" " + outside.translate(_NUMBER_TABLE, b"-.")


def load_triples(store: ox.Store, raw: bytes, fmt: ox.RdfFormat, base: str, graph: str,
                 originals: Originals) -> None:
    """Load a triple-format file into ``graph`` of ``store``, recording its changed literals.

    A Turtle or N-Triples file that :func:`no_typed_literals` proves free of them goes
    straight into the store. Otherwise the file is parsed once here to find them. When no
    changed literal hangs off a blank
    node, Oxigraph's own loader inserts the file (fast, in Rust; the keys of the record name
    only IRIs, so its renaming of blank nodes does not matter); otherwise the parsed quads
    go in, each blank node renamed to a fresh one per file as Oxigraph's loader does, so
    that the record's keys name the store's blank nodes. Raises ``SyntaxError`` as
    ``ox.parse`` does."""
    target = ox.NamedNode(graph)
    if fmt in (ox.RdfFormat.TURTLE, ox.RdfFormat.N_TRIPLES) and no_typed_literals(raw):
        store.load(raw, format=fmt, base_iri=base, to_graph=target)  # nothing to record
        return
    literal = ox.Literal
    # one pass in Python over the file, keeping only the triples with a literal object
    with_literals = [t for t in ox.parse(raw, format=fmt, base_iri=base)
                     if type(t.object) is literal]
    on_blank_nodes = any(type(t.subject) is ox.BlankNode and may_change(t.object)
                         and stored_form(t.object) != t.object for t in with_literals)
    if not on_blank_nodes:
        store.load(raw, format=fmt, base_iri=base, to_graph=target)
        note = originals.note
        for t in with_literals:
            if type(t.subject) is not ox.BlankNode and may_change(t.object):
                note(ox.Quad(t.subject, t.predicate, t.object, target))
        return
    triples = ox.parse(raw, format=fmt, base_iri=base)
    fresh: dict[str, ox.BlankNode] = {}

    def rename(term: ox.NamedNode | ox.BlankNode | ox.Literal) -> object:
        if type(term) is ox.BlankNode:
            new = fresh.get(term.value)
            if new is None:
                new = fresh[term.value] = ox.BlankNode()
            return new
        return term

    store.extend(originals.watch(
        ox.Quad(rename(t.subject), t.predicate, rename(t.object), target) for t in triples
    ))
