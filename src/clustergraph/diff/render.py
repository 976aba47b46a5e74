"""The two renderings of a :class:`~clustergraph.diff.core.DiffResult`.

Markdown, for people: the summary counts first (entities added, removed and changed, per
kind of entity), then one section per entity with its kind, label, IRI, sources and a table
of the properties that changed (old value, new value).

JSON, for machines: one object with this stable shape (``format_version`` changes if a key
changes meaning or goes away; keys may be added)::

    {
      "format": "clustergraph-diff", "format_version": 1,
      "old": {"name": str, "triples": int}, "new": {"name": str, "triples": int},
      "equal": bool,
      "summary": {"added": int, "removed": int, "changed": int,
                  "triples_added": int, "triples_removed": int,
                  "by_kind": [{"kind": str, "added": int, "removed": int, "changed": int}]},
      "moves": [{"property": str, "label": str, "value": {"term": str, "display": str},
                 "from": {"iri": str, "label": str}, "to": {"iri": str, "label": str}}],
      "entities": [{
        "status": "added" | "removed" | "changed",
        "iri": str | null,                  # null: a blank node no IRI reaches
        "kind": str, "class": str | null,   # the ontology class's label and IRI
        "label": str,
        "sources": {"old": [{"iri": str, "label": str}], "new": [...]},
        "changes": [{"property": str, "label": str,
                     "old": [{"term": str, "display": str}], "new": [...]}]
      }]
    }

``moves`` pairs a value (an IRI) that one changed entity lost with the other that gained it
through the same property (an instrument moved from one policy to another); both entities are
also in ``entities``. ``term`` is the value in N-Triples syntax (a blank node: the canonical
text of its description, ``[<p> value ; ...]``); ``old``/``new`` of a change hold only the
values that went away and those that came. Entities are sorted by status (added, removed, changed),
kind, label and IRI.
"""

from __future__ import annotations

import json

from ..namespaces import compact
from .core import STATUSES, DiffResult, EntityChange

FORMAT = "clustergraph-diff"
FORMAT_VERSION = 1


def to_json(result: DiffResult) -> str:
    counts = result.counts()
    doc = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "old": {"name": result.old, "triples": result.old_triples},
        "new": {"name": result.new, "triples": result.new_triples},
        "equal": result.equal,
        "summary": {
            **counts,
            "triples_added": result.triples_added,
            "triples_removed": result.triples_removed,
            "by_kind": [{"kind": k, **c} for k, c in result.by_kind()],
        },
        "moves": [
            {"property": m.property, "label": m.label,
             "value": {"term": m.value.term, "display": m.value.display},
             "from": {"iri": m.source[0], "label": m.source[1]},
             "to": {"iri": m.target[0], "label": m.target[1]}}
            for m in result.moves
        ],
        "entities": [_entity_json(e) for e in result.entities],
    }
    return json.dumps(doc, indent=2, ensure_ascii=False) + "\n"


def _entity_json(e: EntityChange) -> dict:
    return {
        "status": e.status,
        "iri": e.iri,
        "kind": e.kind,
        "class": e.kind_class,
        "label": e.label,
        "sources": {
            "old": [{"iri": s.iri, "label": s.label} for s in e.old_sources],
            "new": [{"iri": s.iri, "label": s.label} for s in e.new_sources],
        },
        "changes": [
            {"property": c.property, "label": c.label,
             "old": [{"term": v.term, "display": v.display} for v in c.old],
             "new": [{"term": v.term, "display": v.display} for v in c.new]}
            for c in e.changes
        ],
    }


def _cell(text: str) -> str:
    return text.replace("\\", "\\\\").replace("|", "\\|").replace("\n", " ")


def to_markdown(result: DiffResult) -> str:
    counts = result.counts()
    out = [f"# Changes from {result.old} to {result.new}", ""]
    if result.equal:
        out += [f"No change: the two versions hold the same graph ({result.old_triples} "
                "triples; blank nodes matched by content).", ""]
        return "\n".join(out)
    out += [f"{counts['added']} added, {counts['removed']} removed, {counts['changed']} "
            f"changed entities ({result.triples_added} triples added, "
            f"{result.triples_removed} removed; {result.old_triples} → "
            f"{result.new_triples} triples).", ""]
    out += ["| kind | added | removed | changed |", "|---|---:|---:|---:|"]
    for kind, c in result.by_kind():
        out.append(f"| {_cell(kind)} | {c['added']} | {c['removed']} | {c['changed']} |")
    out.append("")
    if result.moves:
        out += [f"Moved ({len(result.moves)}):", ""]
        out += [f"- {m.value.display}: {m.label} of {m.source[1]} → of {m.target[1]}"
                for m in result.moves]
        out.append("")
    titles = {"added": "Added", "removed": "Removed", "changed": "Changed"}
    for status in STATUSES:
        group = [e for e in result.entities if e.status == status]
        if not group:
            continue
        out += [f"## {titles[status]} ({len(group)})", ""]
        for e in group:
            out += _entity_markdown(e)
    return "\n".join(out)


def _sources_text(sources) -> str:  # noqa: ANN001
    return "; ".join(s.label for s in sources) or "none stated"


def _entity_markdown(e: EntityChange) -> list[str]:
    where = f"`{compact(e.iri)}`" if e.iri else "a blank node"
    out = [f"### {e.kind[:1].upper()}{e.kind[1:]}: {e.label} ({where})", ""]
    if e.status == "changed" and e.old_sources != e.new_sources:
        out += [f"Source: {_sources_text(e.old_sources)} → {_sources_text(e.new_sources)}", ""]
    else:
        out += [f"Source: {_sources_text(e.sources)}", ""]
    out += ["| property | old | new |", "|---|---|---|"]
    for c in e.changes:
        old = "; ".join(v.display for v in c.old) or "—"
        new = "; ".join(v.display for v in c.new) or "—"
        out.append(f"| {_cell(c.label)} | {_cell(old)} | {_cell(new)} |")
    out.append("")
    return out


RENDERERS = {"markdown": to_markdown, "json": to_json}
