"""Static HTML documentation of the ontology and of every concept scheme, for a portal.

``clustergraph docs --output DIR`` writes:

- ``index.html``: the ontology (title, IRI, version, licence), every class (label, IRI,
  definition, super- and subclasses, the properties whose domain or range it is, examples of
  its instances from the data), every property (kind, domain, range, super-property,
  inverse, definition, an example of its use) and the list of concept schemes;
- ``schemes/<name>.html``: one page per concept scheme, a table of its concepts with notation,
  preferred label, definition and mappings.

A small generator of its own (string templates and :func:`html.escape`), with no template
engine or documentation tool to install. Output is deterministic (sorted, no timestamps) so
that a published copy diffs cleanly; every file is written atomically.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pyoxigraph as ox

from . import __version__
from .errors import OutputError
from .namespaces import compact
from .resources import BASE, CG
from .store import KnowledgeGraph

ONTOLOGY = BASE + "ontology"
EXAMPLES = 5

CSS = """
body { font-family: system-ui, sans-serif; margin: 2rem auto; max-width: 72rem;
       padding: 0 1rem; line-height: 1.45; color: #1b1b1b; }
h1, h2, h3 { line-height: 1.2; } h3 { margin-top: 2rem; border-top: 1px solid #ddd;
       padding-top: 1rem; }
code, .iri { font-family: ui-monospace, monospace; font-size: 0.9em; word-break: break-all; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; }
th, td { border: 1px solid #ddd; padding: 0.3rem 0.5rem; text-align: left;
         vertical-align: top; }
th { background: #f3f3f3; } dt { font-weight: 600; } dd { margin: 0 0 0.4rem 1.5rem; }
nav a { margin-right: 1rem; } .muted { color: #666; }
"""


def esc(text: object) -> str:
    return html.escape(str(text), quote=True)


@dataclass
class Term:
    iri: str
    label: str = ""
    definition: str = ""
    comment: str = ""
    kinds: list[str] = field(default_factory=list)
    parents: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    domains: list[str] = field(default_factory=list)
    ranges: list[str] = field(default_factory=list)
    inverse: list[str] = field(default_factory=list)
    examples: list[tuple[str, str]] = field(default_factory=list)
    count: int = 0

    @property
    def name(self) -> str:
        return compact(self.iri)

    @property
    def anchor(self) -> str:
        return re.sub(r"[^A-Za-z0-9_-]", "-", self.name)


@dataclass
class Concept:
    iri: str
    notation: str
    label: str
    definition: str
    broader: list[str]
    matches: list[str]


@dataclass
class Scheme:
    iri: str
    label: str
    definition: str
    comment: str
    slug: str
    concepts: list[Concept]


RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
OWL = "http://www.w3.org/2002/07/owl#"
SKOS = "http://www.w3.org/2004/02/skos/core#"
DCT = "http://purl.org/dc/terms/"


class _Reader:
    """Indexed look-ups over the union of the loaded graphs (Oxigraph's quad indexes), with
    values as sorted plain strings."""

    def __init__(self, kg: KnowledgeGraph) -> None:
        self.store = kg.store

    def objects(self, s: str, p: str, iri_only: bool = False) -> list[str]:
        return sorted({
            q.object.value
            for q in self.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)
            if not iri_only or isinstance(q.object, ox.NamedNode)
        })

    def subjects(self, p: str, o: str) -> list[str]:
        return sorted({
            q.subject.value
            for q in self.store.quads_for_pattern(None, ox.NamedNode(p), ox.NamedNode(o), None)
            if isinstance(q.subject, ox.NamedNode)
        })

    def uses(self, p: str) -> list[tuple[str, str]]:
        """(subject IRI, object) pairs; an object is an IRI, ``"text"`` for a literal, or
        ``[]`` for a blank node (whose store label means nothing and changes per load)."""

        def show(o: ox.NamedNode | ox.BlankNode | ox.Literal) -> str:
            if isinstance(o, ox.NamedNode):
                return o.value
            return "[]" if isinstance(o, ox.BlankNode) else f'"{o.value}"'

        return sorted({
            (q.subject.value, show(q.object))
            for q in self.store.quads_for_pattern(None, ox.NamedNode(p), None, None)
            if isinstance(q.subject, ox.NamedNode)
        })

    def english(self, s: str, *predicates: str) -> str:
        """The first English (or untagged) literal of the first predicate that has one; else
        the first literal in any language."""
        any_language: list[str] = []
        for p in predicates:
            literals = [
                q.object for q in
                self.store.quads_for_pattern(ox.NamedNode(s), ox.NamedNode(p), None, None)
                if isinstance(q.object, ox.Literal)
            ]
            found = sorted(o.value for o in literals
                           if (o.language or "en").lower().startswith("en"))
            if found:
                return found[0]
            any_language += sorted(o.value for o in literals)
        return any_language[0] if any_language else ""


def _text(r: _Reader, iri: str) -> tuple[str, str, str]:
    return (
        _label(r, iri),
        r.english(iri, SKOS + "definition"),
        r.english(iri, RDFS + "comment"),
    )


def _label(r: _Reader, iri: str) -> str:
    return r.english(iri, RDFS + "label", SKOS + "prefLabel", DCT + "title")


def read_classes(r: _Reader) -> list[Term]:
    out = []
    for iri in r.subjects(RDF_TYPE, OWL + "Class"):
        label, definition, comment = _text(r, iri)
        t = Term(iri, label, definition, comment)
        t.parents = r.objects(iri, RDFS + "subClassOf", iri_only=True)
        t.children = r.subjects(RDFS + "subClassOf", iri)
        t.domains = r.subjects(RDFS + "domain", iri)
        t.ranges = r.subjects(RDFS + "range", iri)
        instances = r.subjects(RDF_TYPE, iri)
        t.count = len(instances)
        t.examples = [(i, _label(r, i)) for i in instances[:EXAMPLES]]
        out.append(t)
    return sorted(out, key=lambda t: t.name)


_PROPERTY_KINDS = (OWL + "ObjectProperty", OWL + "DatatypeProperty", OWL + "AnnotationProperty",
                   "http://www.w3.org/1999/02/22-rdf-syntax-ns#Property")


def read_properties(r: _Reader) -> list[Term]:
    out = []
    for iri in sorted({p for k in _PROPERTY_KINDS for p in r.subjects(RDF_TYPE, k)}):
        label, definition, comment = _text(r, iri)
        t = Term(iri, label, definition, comment)
        t.kinds = [compact(k) for k in r.objects(iri, RDF_TYPE)]
        t.domains = r.objects(iri, RDFS + "domain", iri_only=True)
        t.ranges = r.objects(iri, RDFS + "range", iri_only=True)
        t.parents = r.objects(iri, RDFS + "subPropertyOf", iri_only=True)
        t.children = r.subjects(RDFS + "subPropertyOf", iri)
        t.inverse = sorted(set(r.objects(iri, OWL + "inverseOf", iri_only=True))
                           | set(r.subjects(OWL + "inverseOf", iri)))
        uses = r.uses(iri)
        t.examples = uses[:3]
        t.count = len(uses)
        out.append(t)
    return sorted(out, key=lambda t: t.name)


def _scheme_slug(iri: str, label: str, taken: set[str]) -> str:
    """``.../vocab/objective`` -> ``objective``; an EU scheme by its label (``nuts-2021``)."""
    base = iri.removeprefix(BASE + "vocab/") if iri.startswith(BASE + "vocab/") else (
        label or iri.rstrip("/#").rsplit("/", 1)[-1]
    )
    slug = re.sub(r"[^A-Za-z0-9_-]+", "-", base).strip("-").lower() or "scheme"
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    taken.add(candidate)
    return candidate


def read_schemes(r: _Reader) -> list[Scheme]:
    taken: set[str] = set()
    matches = ("closeMatch", "exactMatch", "broadMatch", "narrowMatch", "relatedMatch")
    out = []
    for iri in r.subjects(RDF_TYPE, SKOS + "ConceptScheme"):
        label, definition, comment = _text(r, iri)
        concepts = []
        for c in r.subjects(SKOS + "inScheme", iri):
            c_label, c_def, _ = _text(r, c)
            notations = r.objects(c, SKOS + "notation")
            concepts.append(Concept(
                c, notations[0] if notations else "", c_label, c_def,
                r.objects(c, SKOS + "broader", iri_only=True),
                sorted({m for p in matches for m in r.objects(c, SKOS + p, iri_only=True)}),
            ))
        concepts.sort(key=lambda c: (_natural(c.notation), c.label, c.iri))
        out.append(Scheme(iri, label, definition, comment, "", concepts))
    out.sort(key=lambda s: (s.label.lower(), s.iri))
    for s in out:
        s.slug = _scheme_slug(s.iri, s.label, taken)
    return out


def _natural(text: str) -> list[object]:
    return [(0, int(p)) if p.isdigit() else (1, p) for p in re.split(r"(\d+)", text) if p]


# ---------------------------------------------------------------------------------------------
# HTML
# ---------------------------------------------------------------------------------------------


def _page(title: str, body: str, root: str = "") -> str:
    return (
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
        f"<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
        f"<title>{esc(title)}</title>\n<style>{CSS}</style>\n</head>\n<body>\n"
        f"<nav><a href=\"{root}index.html\">Ontology</a>"
        f"<a href=\"{root}index.html#classes\">Classes</a>"
        f"<a href=\"{root}index.html#properties\">Properties</a>"
        f"<a href=\"{root}index.html#schemes\">Concept schemes</a></nav>\n"
        f"{body}\n<p class=\"muted\">Generated by clustergraph {esc(__version__)}.</p>\n"
        "</body>\n</html>\n"
    )


class _Linker:
    def __init__(self, terms: Iterable[Term], schemes: Iterable[Scheme]) -> None:
        self.local = {t.iri: t.anchor for t in terms}
        self.schemes = {s.iri: s.slug for s in schemes}

    def __call__(self, iri: str, root: str = "") -> str:
        name = esc(compact(iri).removeprefix("<").removesuffix(">"))
        if iri in self.local:
            return f"<a href=\"{root}index.html#{self.local[iri]}\"><code>{name}</code></a>"
        if iri in self.schemes:
            return f"<a href=\"{root}schemes/{self.schemes[iri]}.html\"><code>{name}</code></a>"
        if re.match(r"^https?://", iri):
            return f"<a href=\"{esc(iri)}\"><code>{name}</code></a>"
        return f"<code>{esc(iri)}</code>"

    def many(self, iris: Iterable[str], root: str = "") -> str:
        return ", ".join(self(i, root) for i in iris) or "<span class=\"muted\">-</span>"


def _dl(items: list[tuple[str, str]]) -> str:
    rows = "".join(f"<dt>{esc(k)}</dt><dd>{v}</dd>\n" for k, v in items if v)
    return f"<dl>\n{rows}</dl>\n"


def _term_section(t: Term, link: _Linker, is_class: bool) -> str:
    items = [("IRI", f"<span class=\"iri\">{esc(t.iri)}</span>")]
    if t.definition:
        items.append(("Definition", esc(t.definition)))
    if t.comment:
        items.append(("Note", esc(t.comment)))
    if is_class:
        items += [
            ("Subclass of", link.many(t.parents) if t.parents else ""),
            ("Superclass of", link.many(t.children) if t.children else ""),
            ("Domain of", link.many(t.domains) if t.domains else ""),
            ("Range of", link.many(t.ranges) if t.ranges else ""),
        ]
        if t.examples:
            ex = "".join(
                f"<li>{link(i)}{(' - ' + esc(lbl)) if lbl else ''}</li>" for i, lbl in t.examples
            )
            more = f" (of {t.count})" if t.count > len(t.examples) else ""
            items.append((f"Examples{more}", f"<ul>{ex}</ul>"))
        else:
            items.append(("Examples", "<span class=\"muted\">no instances in the data</span>"))
    else:
        items += [
            ("Kind", esc(", ".join(t.kinds))),
            ("Domain", link.many(t.domains) if t.domains else ""),
            ("Range", link.many(t.ranges) if t.ranges else ""),
            ("Subproperty of", link.many(t.parents) if t.parents else ""),
            ("Superproperty of", link.many(t.children) if t.children else ""),
            ("Inverse", link.many(t.inverse) if t.inverse else ""),
        ]
        if t.examples:
            ex = "".join(f"<li>{link(s)} &rarr; {_value(o, link)}</li>" for s, o in t.examples)
            items.append((f"Examples (used {t.count} times)", f"<ul>{ex}</ul>"))
    title = esc(t.label or t.name)
    return (f"<section id=\"{t.anchor}\">\n<h3>{title} <code>{esc(t.name)}</code></h3>\n"
            f"{_dl(items)}</section>\n")


def _value(shown: str, link: _Linker) -> str:
    if shown == "[]":
        return "<span class=\"muted\">(a blank node, such as an rdf:List)</span>"
    if shown.startswith('"'):
        text = shown[1:-1]
        short = text if len(text) <= 120 else text[:117] + "..."
        return f"&ldquo;{esc(short)}&rdquo;"
    return link(shown)


def render(kg: KnowledgeGraph) -> dict[str, str]:
    """The documentation as ``{relative path: HTML}``."""
    r = _Reader(kg)
    classes = read_classes(r)
    properties = read_properties(r)
    schemes = read_schemes(r)
    link = _Linker(classes + properties, schemes)
    title, definition, comment = _text(r, ONTOLOGY)
    def first(p: str) -> str:
        values = r.objects(ONTOLOGY, p)
        return values[0] if values else ""

    m = {"version": first(OWL + "versionInfo"), "licence": first(DCT + "license"),
         "creator": first(DCT + "creator")}
    description = [r.english(ONTOLOGY, DCT + "description")]
    heading = title or "clustergraph ontology"

    parts = [f"<h1>{esc(heading)}</h1>\n"]
    parts.append(_dl([
        ("IRI", f"<span class=\"iri\">{esc(ONTOLOGY)}</span>"),
        ("Namespace", f"<span class=\"iri\">{esc(CG)}</span> (prefix <code>cg:</code>)"),
        ("Version", esc(m["version"])),
        ("Licence", link(m["licence"]) if m["licence"] else ""),
        ("Creator", esc(m["creator"])),
        ("Description", esc(" ".join(description))),
        ("Note", esc(comment)),
    ]))
    parts.append(f"<h2 id=\"classes\">Classes ({len(classes)})</h2>\n<table>\n"
                 "<tr><th>Class</th><th>Label</th><th>Definition</th><th>Instances</th></tr>\n")
    for t in classes:
        parts.append(f"<tr><td>{link(t.iri)}</td><td>{esc(t.label)}</td>"
                     f"<td>{esc(t.definition)}</td><td>{t.count}</td></tr>\n")
    parts.append("</table>\n")
    parts.append(f"<h2 id=\"properties\">Properties ({len(properties)})</h2>\n<table>\n"
                 "<tr><th>Property</th><th>Label</th><th>Domain</th><th>Range</th></tr>\n")
    for t in properties:
        parts.append(f"<tr><td>{link(t.iri)}</td><td>{esc(t.label)}</td>"
                     f"<td>{link.many(t.domains)}</td><td>{link.many(t.ranges)}</td></tr>\n")
    parts.append("</table>\n")
    parts.append(f"<h2 id=\"schemes\">Concept schemes ({len(schemes)})</h2>\n<table>\n"
                 "<tr><th>Scheme</th><th>Label</th><th>Concepts</th><th>Definition</th></tr>\n")
    for s in schemes:
        parts.append(f"<tr><td>{link(s.iri)}</td><td>{esc(s.label)}</td>"
                     f"<td>{len(s.concepts)}</td><td>{esc(s.definition)}</td></tr>\n")
    parts.append("</table>\n<h2>Class details</h2>\n")
    parts += [_term_section(t, link, is_class=True) for t in classes]
    parts.append("<h2>Property details</h2>\n")
    parts += [_term_section(t, link, is_class=False) for t in properties]
    pages = {"index.html": _page(heading, "".join(parts))}

    for s in schemes:
        body = [f"<h1>{esc(s.label or compact(s.iri))}</h1>\n"]
        body.append(_dl([
            ("IRI", f"<span class=\"iri\">{esc(s.iri)}</span>"),
            ("Definition", esc(s.definition)),
            ("Note", esc(s.comment)),
            ("Concepts", str(len(s.concepts))),
        ]))
        body.append("<table>\n<tr><th>Notation</th><th>Preferred label</th><th>Definition</th>"
                    "<th>Broader</th><th>Mappings</th><th>IRI</th></tr>\n")
        for c in s.concepts:
            body.append(
                f"<tr id=\"{esc(re.sub(r'[^A-Za-z0-9_-]', '-', c.notation or c.iri))}\">"
                f"<td><code>{esc(c.notation)}</code></td><td>{esc(c.label)}</td>"
                f"<td>{esc(c.definition)}</td><td>{link.many(c.broader, '../')}</td>"
                f"<td>{link.many(c.matches, '../')}</td>"
                f"<td class=\"iri\">{esc(c.iri)}</td></tr>\n"
            )
        body.append("</table>\n")
        pages[f"schemes/{s.slug}.html"] = _page(
            f"{s.label} - clustergraph", "".join(body), root="../"
        )
    return pages


def write_docs(kg: KnowledgeGraph, output: str | Path) -> list[Path]:
    """Write the documentation into the folder ``output`` (created if missing)."""
    from .output import refuse_store_target, write_output

    out = Path(output)
    refuse_store_target(out)
    try:
        (out / "schemes").mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise OutputError(f"{out}: cannot create the folder ({exc.strerror or exc})") from None
    written = []
    for rel, text in sorted(render(kg).items()):
        path = out / rel
        write_output(path, text.encode("utf-8"))
        written.append(path)
    return written
