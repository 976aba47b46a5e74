"""Comparing two versions of the graph, entity by entity.

A *side* is one version: data files (or folders of them) parsed into an in-memory Oxigraph
store, or the data graphs of a persistent store (``clustergraph load --store``). The
comparison works in three steps, so that a million-triple side costs little more than its
parsing:

1. Every triple without a blank node is written as its N-Triples line (by Oxigraph, in
   Rust) and the two sets of lines are subtracted: serialisation, prefixes and file layout
   do not matter, and only the subjects of the differing lines are looked at further.
2. Blank nodes are matched by content, never by label: each blank node is replaced by the
   canonical text of its closed description (its triples, sorted, with the blank nodes it
   points to replaced the same way, recursively), and each IRI's blank-node-valued
   statements are compared as multisets of those texts. A change inside a blank node is
   therefore a change of the entity that owns it. (rdflib's ``graph_diff`` relabels blank
   nodes by hashing the whole graph and mismatches graphs with several of them, rdflib
   issue 1294.) A blank node that no IRI reaches is an entity of its own, identified by its
   content: it can only be added or removed.
3. Each touched subject is described on both sides (property -> values) and becomes an
   :class:`EntityChange`: added, removed or changed, with its kind (its most specific
   ``rdf:type``, named by the ontology's label for the class), its label, its sources
   (``prov:wasDerivedFrom``, with the labels of the factsheet sections and tables) and, per
   property, the old and the new values.

Everything is sorted, so the same inputs give the same report byte for byte.
"""

from __future__ import annotations

import hashlib
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from ..errors import InputError, UsageError
from ..namespaces import DCT, PROV, RDF_TYPE, RDFS, SKOS, XSD, compact, sparql_prefixes
from ..resources import CG, layer_graph

RDFS_LABEL = RDFS + "label"
RDFS_SUBCLASS = RDFS + "subClassOf"
SKOS_PREF = SKOS + "prefLabel"
DCT_TITLE = DCT + "title"
PROV_DERIVED = PROV + "wasDerivedFrom"
LABEL_PROPERTIES = (RDFS_LABEL, SKOS_PREF, DCT_TITLE)
PREVIOUS_EDITION = CG + "previousEdition"

#: File extensions read from a folder (the RDF formats Oxigraph parses).
RDF_EXTENSIONS = (".ttl", ".nt", ".nq", ".trig", ".jsonld", ".rdf", ".owl", ".n3")

_NT = ox.RdfFormat.N_TRIPLES
_IRI_IN_TEXT = re.compile(r"<([^<>\s]*)>")
_LITERAL_IN_TEXT = re.compile(r'"((?:[^"\\]|\\.)*)"(?:\^\^<([^<>\s]*)>|@([A-Za-z0-9-]+))?')


# ---------------------------------------------------------------------------------------------
# Sides
# ---------------------------------------------------------------------------------------------


@dataclass
class Side:
    """One version of the graph: a store to look things up in, and which graphs hold it."""

    name: str
    store: ox.Store
    graphs: list[ox.NamedNode | ox.DefaultGraph]
    files: list[Path] = field(default_factory=list)

    def dump_lines(self) -> set[bytes]:
        """The side's triples as N-Triples lines (blank-node labels as in the store)."""
        lines: set[bytes] = set()
        for g in self.graphs:
            lines.update(self.store.dump(format=_NT, from_graph=g).split(b"\n"))
        lines.discard(b"")
        return lines

    def quads(self, s=None, p=None, o=None):  # noqa: ANN001, ANN201
        for g in self.graphs:
            yield from self.store.quads_for_pattern(s, p, o, g)


def rdf_files(path: Path) -> list[Path]:
    """The RDF files of a path: the file itself, or every RDF file under a folder, sorted."""
    if not path.exists():
        raise InputError(f"{path}: no such file or directory")
    if path.is_dir():
        from ..store import is_store

        if is_store(path):
            raise UsageError(f"{path}: is a clustergraph store; compare stores with "
                             "clustergraph diff --store OLD NEW")
        found = sorted(p for p in path.rglob("*")
                       if p.is_file() and p.suffix.lower() in RDF_EXTENSIONS)
        if not found:
            raise InputError(f"{path}: the folder holds no RDF file "
                             f"({', '.join(RDF_EXTENSIONS)})")
        return found
    return [path]


def files_side(paths: Sequence[str | Path], name: str | None = None) -> Side:
    """A side made of data files and folders, parsed into one in-memory store (default
    graph: where a triple sits in the files does not matter). Unreadable or unparsable
    input is an :class:`InputError` naming file, line and column."""
    from ..store import parse_error, rdf_format, read_rdf_bytes

    store = ox.Store()
    files: list[Path] = []
    for p in paths:
        files += rdf_files(Path(p))
    for path in files:
        raw = read_rdf_bytes(path)
        fmt = rdf_format(path)
        try:
            if fmt.supports_datasets:  # every graph of a quad file into the default graph
                # (blank-node labels are local to a file: fresh ones, as store.load gives)
                quads = ox.parse(raw, format=fmt, base_iri=path.resolve().as_uri(),
                                 rename_blank_nodes=True)
                store.extend(ox.Quad(q.subject, q.predicate, q.object) for q in quads)
            else:  # parsed and stored in Rust: several times faster
                store.load(raw, format=fmt, base_iri=path.resolve().as_uri())
        except SyntaxError as exc:
            raise parse_error(path, exc) from None
    return Side(name or " ".join(str(p) for p in paths), store, [ox.DefaultGraph()], files)


def store_side(directory: str | Path, country: str | None = None) -> Side:
    """A side read from a persistent store: its data graphs (one per country folder), or
    only the folder ``country``'s graph."""
    from ..store import open_store

    kg = open_store(directory)
    prefix = layer_graph("data")
    graphs = [g for g in kg.store.named_graphs() if isinstance(g, ox.NamedNode)
              and (g.value == prefix or g.value.startswith(prefix + "/"))]
    if country is not None:
        graphs = [g for g in graphs if g.value == layer_graph("data", country)]
        if not graphs:
            raise UsageError(f"--country {country}: the store {directory} has no data "
                             f"folder {country!r}")
    return Side(str(directory), kg.store, sorted(graphs, key=lambda g: g.value))


# ---------------------------------------------------------------------------------------------
# Two editions of one country in one graph
# ---------------------------------------------------------------------------------------------

_EDITIONS_QUERY = sparql_prefixes("cg", "dct", "prov") + """
SELECT DISTINCT ?s ?fs ?year WHERE {
  ?fs a cg:Factsheet ; cg:edition ?year .
  { ?s prov:wasDerivedFrom ?part . ?part dct:isPartOf* ?fs } UNION { ?s dct:isPartOf* ?fs }
}"""


def edition_sides(side: Side, code: str, old_year: str, new_year: str) -> tuple[Side, Side]:
    """The country folder ``code`` of one side as of two of its factsheet editions, as two
    sides to compare (``data/README.md``, "Editions").

    A node whose IRI holds ``<code>-<year>`` is what that edition states: the view of
    edition Y keeps, per IRI with the year taken out, the latest such node of a year up to
    Y (a later edition's restatement supersedes the earlier one). Any other node is kept
    from the first edition it is derived from (``prov:wasDerivedFrom`` a part of that
    edition's factsheet) on, or always if it is derived from no edition (web pages, the
    shared layer). IRIs are compared with ``<code>-<year>`` replaced by ``<code>-YYYY``, so the
    2023 and 2024 figures of one thing are one entity whose value changed; the objects of
    ``cg:previousEdition`` keep their year (they name another edition)."""
    subjects: dict[str, list[ox.Quad]] = {}
    for q in side.quads():
        subjects.setdefault(q.subject.value if isinstance(q.subject, ox.NamedNode)
                            else "_:" + q.subject.value, []).append(q)
    years: dict[str, set[int]] = {}
    editions: set[int] = set()
    for row in side.store.query(_EDITIONS_QUERY, use_default_graph_as_union=True):
        # only the factsheets this country's folder describes (a store holds every country)
        if isinstance(row["s"], ox.NamedNode) and row["fs"].value in subjects:
            y = _year(row["year"].value)
            if y is not None:
                years.setdefault(row["s"].value, set()).add(y)
                editions.add(y)
    wanted = []
    for label, year in (("OLD", old_year), ("NEW", new_year)):
        y = _year(year)
        if y is None or y not in editions:
            known = ", ".join(str(e) for e in sorted(editions)) or "none"
            raise UsageError(f"--edition {year}: the data of {code!r} has no factsheet of "
                             f"that edition ({label}; its editions: {known})")
        wanted.append(y)
    tokens = {y: f"{code}-{y}" for y in editions}
    generic = f"{code}-YYYY"

    def edition_of(iri: str) -> int | None:
        for y, tok in tokens.items():
            if tok in iri:
                return y
        return None

    def normal(iri: str) -> str:
        for tok in tokens.values():
            iri = iri.replace(tok, generic)
        return iri

    stated: dict[str, dict[int, str]] = {}  # normalised IRI -> edition -> IRI
    for s in subjects:
        y = edition_of(s)
        if y is not None:
            stated.setdefault(normal(s), {})[y] = s

    def term(t):  # noqa: ANN001, ANN202
        return ox.NamedNode(normal(t.value)) if isinstance(t, ox.NamedNode) else t

    out = []
    for y in wanted:
        store = ox.Store()
        for s, quads in subjects.items():
            own = edition_of(s)
            if own is not None:
                latest = max((e for e in stated[normal(s)] if e <= y), default=None)
                keep = own == latest
            else:
                first = min(years.get(s, ()), default=None)
                keep = first is None or first <= y
            if keep:
                store.extend(ox.Quad(term(q.subject), q.predicate,
                                     q.object if q.predicate.value == PREVIOUS_EDITION
                                     else term(q.object))
                             for q in quads)
        out.append(Side(f"{side.name} ({code}, edition {y})", store, [ox.DefaultGraph()]))
    return out[0], out[1]


def _year(text: str) -> int | None:
    m = re.match(r"^\s*(\d{4})", text)
    return int(m.group(1)) if m else None


# ---------------------------------------------------------------------------------------------
# Blank nodes, matched by content
# ---------------------------------------------------------------------------------------------


def _is_blank_line(line: bytes) -> bool:
    """Whether an N-Triples line has a blank node as subject or object. (A literal's last
    token always holds a quote, an IRI's is ``<...>``: only a blank node starts ``_:``.)"""
    if line.startswith(b"_:"):
        return True
    last = line[:-2].rsplit(b" ", 1)[-1]
    return last.startswith(b"_:") and b'"' not in last


@dataclass
class BlankPart:
    """The blank-node part of one side, in canonical form."""

    #: blank node label -> canonical text of its closed description
    canon: dict[str, str]
    #: IRI subject -> multiset of (predicate, canonical text) for its blank-node values
    owned: dict[str, Counter]
    #: canonical texts of the blank nodes no IRI and no other blank node reaches
    roots: Counter
    #: canonical text -> number of triples in that closed description
    sizes: dict[str, int] = field(default_factory=dict)


def blank_part(lines: Iterable[bytes]) -> BlankPart:
    """Canonicalise the blank nodes of a side from its blank-node lines."""
    out_edges: dict[str, list[tuple[str, ox.NamedNode | ox.BlankNode | ox.Literal]]] = {}
    owner_edges: list[tuple[str, str, str]] = []
    referenced: set[str] = set()
    data = b"\n".join(lines)
    for t in ox.parse(data, format=_NT) if data else ():
        s, p, o = t.subject, t.predicate.value, t.object
        if isinstance(s, ox.BlankNode):
            out_edges.setdefault(s.value, []).append((p, o))
            if isinstance(o, ox.BlankNode):
                referenced.add(o.value)
        else:
            owner_edges.append((s.value, p, o.value))  # o is a blank node
            referenced.add(o.value)
    canon: dict[str, str] = {}
    sizes: dict[str, int] = {}

    def describe(b: str, stack: tuple[str, ...]) -> str:
        if b in canon:
            return canon[b]
        if b in stack:  # a cycle of blank nodes: refer back by depth
            return f"[^{len(stack) - stack.index(b)}]"
        parts = []
        size = 0
        for p, o in out_edges.get(b, ()):
            if isinstance(o, ox.BlankNode):
                val = describe(o.value, (*stack, b))
                size += 1 + sizes.get(val, 0)
            else:
                val = str(o)
                size += 1
            parts.append(f"<{p}> {val}")
        text = "[" + " ; ".join(sorted(parts)) + "]"
        sizes.setdefault(text, size)
        if "[^" not in text:  # memoise only texts free of back references (label-free)
            canon[b] = text
        return text

    # A blank node on a cycle is described from itself, so its text depends on the
    # structure only, never on which node the walk started from or on labels.
    for b in sorted(out_edges):
        canon.setdefault(b, describe(b, ()))
    for _s, _p, b in owner_edges:
        canon.setdefault(b, describe(b, ()))
    owned: dict[str, Counter] = {}
    for s, p, b in owner_edges:
        owned.setdefault(s, Counter())[(p, canon[b])] += 1
    roots = Counter(canon[b] for b in out_edges if b not in referenced)
    return BlankPart(canon, owned, roots, sizes)


# ---------------------------------------------------------------------------------------------
# The result
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Value:
    """One value of a property: its term (N-Triples form; a blank node as the canonical
    text of its description) and how it reads (a label and/or a compact IRI)."""

    term: str
    display: str


@dataclass(frozen=True)
class PropertyChange:
    property: str
    label: str
    old: tuple[Value, ...]
    new: tuple[Value, ...]


@dataclass(frozen=True)
class Source:
    iri: str
    label: str


@dataclass(frozen=True)
class EntityChange:
    status: str  # added | removed | changed
    iri: str | None  # None for a blank node no IRI reaches
    kind: str
    kind_class: str | None
    label: str
    old_sources: tuple[Source, ...]
    new_sources: tuple[Source, ...]
    changes: tuple[PropertyChange, ...]

    @property
    def sources(self) -> tuple[Source, ...]:
        return self.old_sources if self.status == "removed" else self.new_sources


STATUSES = ("added", "removed", "changed")


@dataclass(frozen=True)
class Move:
    """A value (an IRI) that ``source`` lost and ``target`` gained through ``property``."""

    property: str
    label: str
    value: Value
    source: tuple[str, str]  # (IRI, label) of the entity that lost it
    target: tuple[str, str]  # (IRI, label) of the entity that gained it


def find_moves(entities: Sequence[EntityChange]) -> list[Move]:
    """The IRI values that exactly one entity lost and exactly one other gained through one
    property (both entities present on both sides)."""
    lost: dict[tuple[str, str], list[EntityChange]] = {}
    gained: dict[tuple[str, str], list[EntityChange]] = {}
    values: dict[tuple[str, str], tuple[str, Value]] = {}
    for e in entities:
        if e.status != "changed" or e.iri is None:
            continue
        for c in e.changes:
            for v in c.old:
                if v.term.startswith("<"):
                    lost.setdefault((c.property, v.term), []).append(e)
                    values[(c.property, v.term)] = (c.label, v)
            for v in c.new:
                if v.term.startswith("<"):
                    gained.setdefault((c.property, v.term), []).append(e)
    moves = []
    for key in sorted(set(lost) & set(gained)):
        if len(lost[key]) == 1 and len(gained[key]) == 1:
            (a,), (b,) = lost[key], gained[key]
            label, value = values[key]
            moves.append(Move(key[0], label, value, (a.iri, a.label), (b.iri, b.label)))
    return moves


@dataclass
class DiffResult:
    old: str
    new: str
    old_triples: int
    new_triples: int
    triples_added: int
    triples_removed: int
    entities: list[EntityChange]
    #: IRI values that one entity lost and another gained through the same property (an
    #: instrument moved from one policy to another), sorted
    moves: list[Move] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return not self.entities

    def counts(self) -> dict[str, int]:
        c = Counter(e.status for e in self.entities)
        return {s: c.get(s, 0) for s in STATUSES}

    def by_kind(self) -> list[tuple[str, dict[str, int]]]:
        kinds: dict[str, Counter] = {}
        for e in self.entities:
            kinds.setdefault(e.kind, Counter())[e.status] += 1
        return [(k, {s: c.get(s, 0) for s in STATUSES})
                for k, c in sorted(kinds.items(), key=lambda kv: (kv[0].casefold(), kv[0]))]


# ---------------------------------------------------------------------------------------------
# Labels and kinds
# ---------------------------------------------------------------------------------------------


class Namer:
    """Labels of IRIs and kinds of entities, looked up in the sides first, then in the
    bundled ontology, vocabularies and reference data."""

    def __init__(self, sides: Sequence[Side], context: ox.Store) -> None:
        self.sides = list(sides)
        self.context = context
        self._labels: dict[str, str | None] = {}
        self._supers: dict[str, set[str]] = {}

    def _label_in(self, quads: Iterable[ox.Quad]) -> str | None:
        best: tuple[int, str] | None = None
        for q in quads:
            o = q.object
            if not isinstance(o, ox.Literal):
                continue
            rank = 0 if o.language == "en" else 1 if not o.language else 2
            cand = (rank, o.value)
            if best is None or cand < best:
                best = cand
        return best[1] if best else None

    def label(self, iri: str) -> str | None:
        if iri in self._labels:
            return self._labels[iri]
        node = ox.NamedNode(iri)
        found = None
        for prop in LABEL_PROPERTIES:
            p = ox.NamedNode(prop)
            for side in self.sides:
                found = self._label_in(side.quads(node, p, None))
                if found:
                    break
            if not found:
                found = self._label_in(self.context.quads_for_pattern(node, p, None, None))
            if found:
                break
        self._labels[iri] = found
        return found

    def superclasses(self, cls: str) -> set[str]:
        if cls not in self._supers:
            seen: set[str] = set()
            todo = [cls]
            sub = ox.NamedNode(RDFS_SUBCLASS)
            while todo:
                c = todo.pop()
                for q in self.context.quads_for_pattern(ox.NamedNode(c), sub, None, None):
                    if isinstance(q.object, ox.NamedNode) and q.object.value not in seen:
                        seen.add(q.object.value)
                        todo.append(q.object.value)
            self._supers[cls] = seen
        return self._supers[cls]

    def kind(self, types: Iterable[str]) -> tuple[str, str | None]:
        """The entity's kind: its most specific type (one no other of its types is a
        subclass of), an ontology (``cg:``) class first, named by the class's label."""
        types = sorted(set(types))
        if not types:
            return "resource", None
        supers = set().union(*(self.superclasses(t) for t in types))
        specific = [t for t in types if t not in supers] or types
        specific.sort(key=lambda t: (not t.startswith(CG), t))
        cls = specific[0]
        label = self.label(cls)
        if not label:
            local = re.split(r"[#/]", cls)[-1]
            label = re.sub(r"(?<=[a-z])(?=[A-Z])", " ", local).lower() or compact(cls)
        return label, cls

    def display(self, term: str) -> str:
        """How a value reads: ``label (prefix:name)`` for an IRI, the lexical form (with
        its language or short datatype) for a literal, a bracketed description for a blank
        node."""
        if term.startswith("<"):
            iri = term[1:-1]
            label = self.label(iri)
            short = compact(iri)
            return f"{label} ({short})" if label else short
        if term.startswith("["):  # a blank node's description: literals plain, IRIs compact
            return _IRI_IN_TEXT.sub(lambda m: compact(m.group(1)),
                                    _LITERAL_IN_TEXT.sub(_literal_in_text, term))
        lit = next(iter(ox.parse(f"<urn:x> <urn:p> {term} .", format=_NT))).object
        dt = lit.datatype.value
        if lit.language:  # English, the language of the data, reads plain
            return lit.value if lit.language == "en" else f"{lit.value} @{lit.language}"
        if dt.endswith("#string"):
            return lit.value
        return f"{lit.value} ({compact(dt)})" if not dt.startswith(
            XSD) else lit.value


def _literal_in_text(m: re.Match) -> str:
    value, dt, lang = m.group(1), m.group(2), m.group(3)
    if lang:
        return f'"{value}"' if lang == "en" else f'"{value}"@{lang}'
    if dt is None or dt == XSD + "string":
        return f'"{value}"'
    if dt.startswith(XSD):
        return value
    return m.group(0)


def context_store() -> ox.Store:
    """The bundled ontology, vocabularies and reference data, for labels and classes."""
    from ..resources import bundled_sources
    from ..store import load_sources

    return load_sources(bundled_sources(("ontology", "vocabularies", "reference"))).store


# ---------------------------------------------------------------------------------------------
# The comparison
# ---------------------------------------------------------------------------------------------


def _describe(side: Side, iri: str, blanks: BlankPart) -> dict[str, Counter]:
    """property -> multiset of value terms (blank nodes as their canonical text)."""
    desc: dict[str, Counter] = {}
    for q in side.quads(ox.NamedNode(iri), None, None):
        o = q.object
        term = blanks.canon.get(o.value, "[]") if isinstance(o, ox.BlankNode) else str(o)
        desc.setdefault(q.predicate.value, Counter())[term] += 1
    return desc


def _sources(desc: dict[str, Counter], namer: Namer) -> tuple[Source, ...]:
    out = []
    for term in sorted(desc.get(PROV_DERIVED, ())):
        if term.startswith("<"):
            iri = term[1:-1]
            out.append(Source(iri, namer.label(iri) or compact(iri)))
    return tuple(out)


def _values(counter: Counter, namer: Namer) -> tuple[Value, ...]:
    out = []
    for term in sorted(counter):
        out += [Value(term, namer.display(term))] * counter[term]
    return tuple(out)


def _property_changes(old: dict[str, Counter], new: dict[str, Counter],
                      namer: Namer) -> tuple[PropertyChange, ...]:
    changes = []
    for prop in sorted(set(old) | set(new)):
        o, n = old.get(prop, Counter()), new.get(prop, Counter())
        if o == n:
            continue
        common = o & n
        changes.append(PropertyChange(prop, namer.label(prop) or compact(prop),
                                      _values(o - common, namer), _values(n - common, namer)))
    return tuple(changes)


def _entity(status: str, iri: str | None, old: dict[str, Counter], new: dict[str, Counter],
            namer: Namer) -> EntityChange:
    current = old if status == "removed" else new
    types = [t[1:-1] for t in current.get(RDF_TYPE, ()) if t.startswith("<")]
    if not types and status == "changed":
        types = [t[1:-1] for t in old.get(RDF_TYPE, ()) if t.startswith("<")]
    kind, cls = namer.kind(types)
    if iri is not None:
        label = _label_from(current) or namer.label(iri) or compact(iri)
    else:
        label = "a blank node"
    return EntityChange(status, iri, kind, cls, label, _sources(old, namer),
                        _sources(new, namer), _property_changes(old, new, namer))


def _label_from(desc: dict[str, Counter]) -> str | None:
    for prop in LABEL_PROPERTIES:
        terms = desc.get(prop)
        if not terms:
            continue
        best = None
        for term in terms:
            lit = next(iter(ox.parse(f"<urn:x> <urn:p> {term} .", format=_NT))).object
            if not isinstance(lit, ox.Literal):
                continue
            cand = (0 if lit.language == "en" else 1 if not lit.language else 2, lit.value)
            best = cand if best is None or cand < best else best
        if best:
            return best[1]
    return None


def _root_description(text: str) -> dict[str, Counter]:
    """A root blank node's canonical text back as property -> values (for the report)."""
    desc: dict[str, Counter] = {}
    inner = text[1:-1]
    depth, start, parts = 0, 0, []
    in_str = False
    i = 0
    while i < len(inner):  # split on top-level " ; " outside brackets and literals
        c = inner[i]
        if in_str:
            if c == "\\":
                i += 1
            elif c == '"':
                in_str = False
        elif c == '"':
            in_str = True
        elif c == "[":
            depth += 1
        elif c == "]":
            depth -= 1
        elif depth == 0 and inner.startswith(" ; ", i):
            parts.append(inner[start:i])
            start = i + 3
            i += 2
        i += 1
    if inner:
        parts.append(inner[start:])
    for part in parts:
        p, _, v = part.partition(" ")
        desc.setdefault(p[1:-1], Counter())[v] += 1
    return desc


def compare(old: Side, new: Side, context: ox.Store | None = None) -> DiffResult:
    """Compare two sides entity by entity (see the module docstring)."""
    old_lines, new_lines = old.dump_lines(), new.dump_lines()
    # (the substring test first: it runs in C and most lines have no blank node)
    old_blank = {ln for ln in old_lines if b"_:" in ln and _is_blank_line(ln)}
    new_blank = {ln for ln in new_lines if b"_:" in ln and _is_blank_line(ln)}
    n_old, n_new = len(old_lines), len(new_lines)
    if old_blank:
        old_lines -= old_blank
    if new_blank:
        new_lines -= new_blank
    removed = old_lines - new_lines
    added = new_lines - old_lines
    del old_lines, new_lines
    touched: set[str] = set()
    for chunk in (removed, added):
        data = b"\n".join(chunk)
        if data:
            touched.update(t.subject.value for t in ox.parse(data, format=_NT))
    ob, nb = blank_part(old_blank), blank_part(new_blank)
    for s in set(ob.owned) | set(nb.owned):
        if ob.owned.get(s) != nb.owned.get(s):
            touched.add(s)
    namer = Namer([new, old], context if context is not None else context_store())
    entities: list[EntityChange] = []
    for iri in touched:
        od, nd = _describe(old, iri, ob), _describe(new, iri, nb)
        status = "added" if not od else "removed" if not nd else "changed"
        entities.append(_entity(status, iri, od, nd, namer))
    blank_removed = ob.roots - nb.roots
    blank_added = nb.roots - ob.roots
    for status, roots in (("removed", blank_removed), ("added", blank_added)):
        for text in sorted(roots.elements()):
            desc = _root_description(text)
            od, nd = (desc, {}) if status == "removed" else ({}, desc)
            entities.append(_entity(status, None, od, nd, namer))
    sizes = {**ob.sizes, **nb.sizes}
    blank_delta_removed = sum(sizes.get(t, 0) * n for t, n in (ob.roots - nb.roots).items())
    blank_delta_added = sum(sizes.get(t, 0) * n for t, n in (nb.roots - ob.roots).items())
    for s in set(ob.owned) | set(nb.owned):
        o, n = ob.owned.get(s, Counter()), nb.owned.get(s, Counter())
        blank_delta_removed += sum((1 + sizes.get(t, 0)) * k for (_p, t), k in (o - n).items())
        blank_delta_added += sum((1 + sizes.get(t, 0)) * k for (_p, t), k in (n - o).items())
    entities.sort(key=entity_sort_key)
    return DiffResult(old.name, new.name, n_old, n_new, len(added) + blank_delta_added,
                      len(removed) + blank_delta_removed, entities, find_moves(entities))


def entity_sort_key(e: EntityChange) -> tuple:
    return (STATUSES.index(e.status), e.kind.casefold(), e.kind, e.label, e.iri or "",
            hashlib.sha256(repr(e.changes).encode()).hexdigest())


def _country_files_side(spec: str | Path | Sequence[str | Path], country: str,
                        which: str) -> Side:
    paths = [spec] if isinstance(spec, (str, Path)) else list(spec)
    files = [f for p in paths for f in rdf_files(Path(p))
             if country in f.resolve().parent.parts[-1:]]
    if not files:
        raise UsageError(f"--country {country}: {which} has no file in a folder "
                         f"named {country!r}")
    return files_side(files, " ".join(str(p) for p in paths))


def diff(old: str | Path | Sequence[str | Path],
         new: str | Path | Sequence[str | Path] | None = None, *,
         stores: bool = False, country: str | None = None,
         editions: tuple[str, str] | None = None) -> DiffResult:
    """Compare two versions of the graph: each a file, a folder, a list of them, or (with
    ``stores=True``) a persistent store directory; ``country`` keeps only that data folder
    (files under a folder of that name; a store's graph of that folder). With
    ``editions=(OLD_YEAR, NEW_YEAR)`` and ``country``, ``old`` is one version and two of the
    country's factsheet editions in it are compared (:func:`edition_sides`).

    >>> r = diff("old/", "new/")             # doctest: +SKIP
    >>> r.counts()                           # doctest: +SKIP
    {'added': 2, 'removed': 0, 'changed': 4}
    """
    if editions is not None:
        if country is None:
            raise UsageError("--edition needs --country CODE (the country whose editions "
                             "are compared)")
        if new is not None:
            raise UsageError("--edition compares two editions inside one version: give one "
                             "path (or store), not OLD and NEW")
        side = store_side(old, country) if stores else _country_files_side(old, country, "DATA")
        return compare(*edition_sides(side, country, *editions))
    if new is None:
        raise UsageError("NEW is missing (or give --country CODE --edition OLD_YEAR "
                         "--edition NEW_YEAR to compare two editions in one graph)")
    sides = []
    for which, spec in (("OLD", old), ("NEW", new)):
        paths = [spec] if isinstance(spec, (str, Path)) else list(spec)
        if stores:
            if len(paths) != 1:
                raise UsageError(f"{which}: give one store directory")
            sides.append(store_side(paths[0], country))
            continue
        if country is not None:
            side = _country_files_side(paths, country, which)
        else:
            side = files_side(paths)
        sides.append(side)
    return compare(sides[0], sides[1])
