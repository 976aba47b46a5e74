"""``clustergraph build``: factsheet-shaped YAML input files compiled into the data graph.

Design note (issue 17). A curator writes one YAML file per country edition
(``data/be/2023.yaml``), shaped like the factsheet: under ``parts`` one key per section or
table it reads (``table-3``, ``section-2.3``; or an other source's id, ``document/...``), and
under each the entities it states, each with an ``id`` (``kind/slug`` as data/README.md mints
IRIs, or ``-suffix`` for a node inside another, such as a policy's focus or roles) and its
fields. Every entity gets ``prov:wasDerivedFrom`` the part it sits under (``from:`` overrides),
so provenance comes by construction.

Why YAML with our own declarative mapping, not a JSON Schema or LinkML: one source of truth.
The fields, their kinds and datatypes, the class of a nested entity and the code list of a
controlled field are all *derived* at build time from the ontology (``rdfs:range``,
``owl:DatatypeProperty``), the SHACL shapes (``sh:datatype``, ``sh:class``,
``cgsh:inScheme``) and the SKOS vocabularies (:mod:`clustergraph.build.schema`); a JSON Schema
or LinkML model would be a second copy of all that to keep in step by hand. YAML because it
reads like the factsheet, keeps quotations as plain text, and PyYAML's composer gives every
node its line, so that every error is ``file:line: field.path: what is wrong`` (exit 3).

Values: a controlled field takes a concept's notation, label, local name, ``prefix:name`` or
IRI, and a near miss gets a suggestion; ``amount: EUR 12.5 million`` gives ``cg:amount`` and
``cg:currency`` (an amount without currency is refused); ``value: over 4,205`` keeps its
qualifier; ``years: 2021-2027`` gives a period's start and end (a backwards range is refused);
strings are text in the file's ``language`` unless tagged ``!plain``; ``!list [...]`` is an
rdf:List. The output is Turtle, triples sorted, so the same input gives the same bytes.
"""

from __future__ import annotations

import os
import re
import tempfile
from pathlib import Path

from ..errors import OutputError

__all__ = ["build", "to_turtle"]

HEADER = ("# Compiled by `clustergraph build` from {src}: edit that file, not this one.\n")


def known_subjects(exclude: tuple[Path, ...] = ()) -> frozenset:
    """IRIs the bundled reference tables and Turtle data describe (references to them are
    fine), leaving out the folders in ``exclude`` (those an input file replaces)."""
    import pyoxigraph as ox

    from .. import resources

    skip = {p.resolve() for p in exclude}
    out = set()
    files = resources.reference_files() + [
        f for f in resources.data_files() if f.parent.resolve() not in skip]
    for f in files:
        for q in ox.parse(path=str(f), format=ox.RdfFormat.TURTLE):
            if isinstance(q.subject, ox.NamedNode):
                out.add(q.subject.value)
    return frozenset(out)


def to_turtle(triples: list, src: str) -> bytes:
    import pyoxigraph as ox

    from .schema import load_schema

    s = load_schema()
    # one prefix per namespace actually used: the longest whose local part has no '/' or '#'
    namespaces = sorted(s.prefixes.items(), key=lambda x: -len(x[1]))
    used: dict[str, str] = {}
    for t in triples:
        dt = t.object.datatype if isinstance(t.object, ox.Literal) else None
        for term in (t.subject, t.predicate, t.object, dt):
            if not isinstance(term, ox.NamedNode):
                continue
            for p, ns in namespaces:
                rest = term.value[len(ns):]
                if term.value.startswith(ns) and rest and not re.search(r"[/#]", rest):
                    used[p] = ns
                    break
    prefixes = dict(sorted(used.items()))
    body = ox.serialize(triples, format=ox.RdfFormat.TURTLE, prefixes=prefixes)
    # the serializer's prefix order is not stable: write them sorted ourselves
    lines = [ln for ln in body.split(b"\n") if not ln.startswith(b"@prefix ")]
    head = "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in prefixes.items())
    return (HEADER.format(src=src) + head + "\n").encode() + b"\n".join(lines)


def build(files: list[str], output: str | None = None, known: frozenset | None = None
          ) -> list[tuple[str, bytes]]:
    """Compile each input file; write ``OUTPUT/<stem>.ttl`` when ``output`` is given.

    Every file is compiled before anything is written, so a mistake in one writes nothing.
    """
    from .compiler import compile_file

    known = (known_subjects(tuple(Path(f).parent for f in files)) if known is None
             else known)
    results = []
    for f in files:
        p = Path(f)
        triples, _ = compile_file(p, f, known=known)
        results.append((f, to_turtle(triples, p.name)))
    if output is not None:
        out = Path(output)
        try:
            out.mkdir(parents=True, exist_ok=True)
            for f, data in results:
                target = out / (Path(f).stem + ".ttl")
                fd, tmp = tempfile.mkstemp(dir=out, prefix=".build-")
                with os.fdopen(fd, "wb") as fh:
                    fh.write(data)
                os.replace(tmp, target)
        except OSError as exc:
            raise OutputError(f"{output}: cannot write: {exc.strerror}") from None
    return results
