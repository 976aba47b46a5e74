"""The one table of RDF file formats: names and aliases, extensions, media types, quads.

Every command that reads or writes an RDF file picks its format here, the same way:

- from the file's extension (``.ttl .nt .nq .trig .jsonld .rdf .owl``, each optionally
  followed by ``.gz``, which means gzip-compressed);
- ``--format`` (``--input-format`` for the commands whose ``--format`` is a report format)
  overrides a name without a known extension, and is refused, as a usage error, when it
  disagrees with a known one (``--format nt --output x.ttl``);
- ``-`` (standard input or output) has no extension, so there ``--format`` decides.

A format is named by its short name (the one ``export`` has always used: ``turtle nt jsonld
trig xml nquads``) or by any of its aliases: the names rdflib and Jena users type (``ttl``,
``ntriples``, ``n-triples``, ``nq``, ``n-quads``, ``json-ld``, ``rdf``, ``rdfxml``,
``rdf/xml``, ``owl``...), the W3C media types (``text/turtle``, ``application/n-triples``...)
and their short forms (``rdf+xml``, ``ld+json``). Case does not matter. A mistyped name is
refused with the closest valid one.

>>> by_name("N-Triples").name
'nt'
>>> from_path("landscape.ttl.gz")
(Format(name='turtle', ...), True)                                   # doctest: +SKIP

This module imports nothing heavy (no rdflib, no pyoxigraph): ``query run`` and ``info`` load
it at start-up.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import PurePath

from .errors import InputError, UsageError

#: The extension of a gzip-compressed file (``data.ttl.gz``).
GZIP_SUFFIX = ".gz"


@dataclass(frozen=True)
class Format:
    """An RDF format: its short name (as ``--format`` prints it), the file extension an
    export writes, the IANA media type, the EU file-type code (for DCAT-AP), a label, whether
    it holds named graphs (quads), the other extensions read as this format, and the other
    names accepted for it."""

    name: str
    extension: str
    media_type: str
    file_type: str
    label: str
    quads: bool
    other_extensions: tuple[str, ...] = field(default=(), compare=False, repr=False)
    aliases: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @property
    def extensions(self) -> tuple[str, ...]:
        """Every extension (without the dot) read as this format; the first is written."""
        return (self.extension, *self.other_extensions)

    @property
    def names(self) -> tuple[str, ...]:
        """The short name and every alias (lower case)."""
        return (self.name, *self.aliases)

    @property
    def oxigraph(self):  # noqa: ANN201  (pyoxigraph.RdfFormat; imported only when asked)
        import pyoxigraph as ox

        return ox.RdfFormat.from_media_type(self.media_type)


#: Every RDF format clustergraph reads and writes, in the order ``--help`` lists them.
FORMATS: dict[str, Format] = {
    f.name: f
    for f in (
        Format("turtle", "ttl", "text/turtle", "RDF_TURTLE", "Turtle", False,
               aliases=("ttl",)),
        Format("nt", "nt", "application/n-triples", "RDF_N_TRIPLES", "N-Triples", False,
               aliases=("ntriples", "n-triples", "nt11")),
        Format("jsonld", "jsonld", "application/ld+json", "JSON_LD", "JSON-LD", True,
               aliases=("json-ld", "ld+json")),
        Format("trig", "trig", "application/trig", "RDF_TRIG", "TriG", True),
        Format("xml", "rdf", "application/rdf+xml", "RDF_XML", "RDF/XML", False,
               other_extensions=("owl",),
               aliases=("rdf", "rdfxml", "rdf/xml", "rdf-xml", "rdf+xml", "owl")),
        Format("nquads", "nq", "application/n-quads", "RDF_N_QUADS", "N-Quads", True,
               aliases=("nq", "n-quads")),
    )
}

_BY_NAME: dict[str, Format] = {
    n: f for f in FORMATS.values() for n in (*f.names, f.media_type, f.label.lower())
}
_BY_EXTENSION: dict[str, Format] = {e: f for f in FORMATS.values() for e in f.extensions}

#: Every name accepted for a format (short names, aliases, media types), for ``--help``.
ALL_NAMES: tuple[str, ...] = tuple(sorted(_BY_NAME))


def names_help() -> str:
    """``turtle (ttl), nt (ntriples, n-triples), ...``: the names for a ``--help`` text."""
    return ", ".join(
        f"{f.name} ({', '.join(f.aliases)})" if f.aliases else f.name for f in FORMATS.values()
    )


def closest(name: str, choices: tuple[str, ...] | list[str]) -> str | None:
    """The valid choice closest to a mistyped ``name``, if one is close enough."""
    import difflib  # only on an error: not at start-up

    hits = difflib.get_close_matches(name.lower(), list(choices), n=1, cutoff=0.5)
    return hits[0] if hits else None


def by_name(name: str, option: str = "--format",
            allowed: tuple[str, ...] | None = None) -> Format:
    """The format called ``name`` (a short name, an alias or a media type; any case).

    ``allowed`` limits the answer to some formats (short names), for a command that writes
    only those. A usage error names ``option`` and suggests the closest valid name."""
    fmt = _BY_NAME.get(name.strip().lower())
    pool = FORMATS if allowed is None else {n: FORMATS[n] for n in allowed}
    if fmt is not None and fmt.name in pool:
        return fmt
    shorts = ", ".join(pool)
    if fmt is not None:  # a real format, but not one this command writes
        raise UsageError(f"{option}: {fmt.label} ({name!r}) is not available here "
                         f"(choose from {shorts})")
    names = [n for n, f in _BY_NAME.items() if f.name in pool]
    hint = closest(name, names)
    did = f"; did you mean {hint!r}?" if hint else ""
    raise UsageError(f"{option}: unknown RDF format {name!r}{did} (choose from {shorts})")


def from_path(path: str | PurePath) -> tuple[Format | None, bool]:
    """The format a file name says (``None`` if its extension is not an RDF one) and
    whether it is gzip-compressed (``.gz``). ``-`` says nothing: ``(None, False)``."""
    if str(path) == "-":
        return None, False
    name = os.path.basename(str(path)).lower()  # not PurePath: this runs for every file read
    gz = name.endswith(GZIP_SUFFIX)
    if gz:
        name = name[: -len(GZIP_SUFFIX)]
    _, dot, ext = name.rpartition(".")
    return (_BY_EXTENSION.get(ext) if dot else None), gz


def extensions_help() -> str:
    """``.ttl, .nt, .jsonld, .trig, .rdf, .owl, .nq`` (each optionally ``.gz``)."""
    return ", ".join("." + e for f in FORMATS.values() for e in f.extensions)


def choose(path: str | PurePath, name: str | None, option: str = "--format",
           default: str | None = None, allowed: tuple[str, ...] | None = None,
           ) -> tuple[Format, bool]:
    """The format of the file ``path`` and whether it is gzip-compressed: from ``name``
    (the ``option`` the user gave) if given, else from the extension, else ``default``.

    Refused as a usage error: a ``name`` that disagrees with the extension, and ``-`` without
    ``name`` or ``default``; as an input error, a file whose extension is not an RDF one."""
    given = by_name(name, option, allowed) if name else None
    from_ext, gz = from_path(path)
    if given is not None:
        if from_ext is not None and from_ext != given:
            raise UsageError(
                f"{option} {name} disagrees with the file name {path} ({from_ext.label}): "
                f"drop {option} or rename the file"
            )
        return given, gz
    if from_ext is not None:
        if allowed is not None and from_ext.name not in allowed:
            raise UsageError(f"{path}: {from_ext.label} is not available here "
                             f"(choose from {', '.join(allowed)})")
        return from_ext, gz
    if default is not None:
        return FORMATS[default], gz
    if str(path) == "-":
        raise UsageError(f"-: standard input has no file name to tell its RDF format; "
                         f"give it with {option} (e.g. {option} turtle)")
    suffix = PurePath(path).suffix
    raise InputError(
        f"{path}: unknown RDF file extension {suffix or '(none)'!r} (use "
        f"{extensions_help()}, optionally .gz, or give the format with {option})"
    )
