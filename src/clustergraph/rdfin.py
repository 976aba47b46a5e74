"""Reading RDF files: the checks every input path runs before a parser sees a byte.

:mod:`clustergraph.store` parses with Oxigraph; this module decides what reaches it and turns
what goes wrong into one line naming the file (and the line and column where one is known):

- **which file and format**: a missing file or a directory is refused; the format comes from
  :mod:`clustergraph.formats` (extension, or the ``--input-format`` the command line gave for
  that file, see :func:`user_formats`); ``-`` is standard input, read once.
- **gzip**: ``.gz`` files (and any input that starts with the gzip magic bytes) are
  decompressed in memory, at most :data:`GZIP_LIMIT` bytes; corrupt or truncated data is
  refused.
- **encodings**: RDF files are UTF-8. A UTF-8 byte-order mark is dropped (it is valid UTF-8);
  UTF-16/UTF-32 (a byte-order mark, or NUL bytes between ASCII letters), a NUL byte, bytes
  that are not UTF-8 (a Latin-1 file) and an empty file are refused, each with its own line.
- **RDF/XML entities** (:func:`check_xml`): Oxigraph's RDF/XML parser expands the entities a
  DOCTYPE declares, nested ones included (a 1.2 KiB "billion laughs" file grew to gigabytes).
  So a DOCTYPE is read here first, and refused when it has an external DTD, an external or
  parameter entity, an entity whose text refers to another entity (or holds markup), more than
  :data:`MAX_ENTITIES` entities, or references that would add more than
  :data:`ENTITY_EXPANSION_LIMIT` bytes. Plain internal entities (``<!ENTITY owl
  "http://www.w3.org/2002/07/owl#">``, as ontology editors write them) are read as before.
- **JSON-LD contexts** by reference are never loaded: a remote one is refused as a network
  request (exit 4), any other as an input error (:func:`context_error`).
- **positions**: Oxigraph gives line and column for Turtle, TriG, N-Triples, N-Quads and JSON
  syntax; for RDF/XML and JSON-LD errors it gives none, so the position is found here
  (:func:`parse_error`): an XML well-formedness error by Python's expat parser (entities never
  loaded), a JSON-LD keyword or a quoted value by searching the text ("near line L").

No function here touches the network.
"""

from __future__ import annotations

import contextlib
import functools
import re
import sys
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextvars import ContextVar
from pathlib import Path

from .errors import InputError, RefusedError, UsageError
from .formats import Format, choose

#: The name of standard input on a command line.
STDIN = "-"
#: Most bytes a gzip-compressed input may decompress to (it is held in memory).
GZIP_LIMIT = 4 << 30
#: Most bytes the entity references of one RDF/XML file may add once expanded.
ENTITY_EXPANSION_LIMIT = 16 << 20
#: Most entities one RDF/XML DOCTYPE may declare.
MAX_ENTITIES = 1000

_GZIP_MAGIC = b"\x1f\x8b"
_UTF8_BOM = b"\xef\xbb\xbf"

#: Formats the command line gave for user files: path (as typed) -> format name.
_USER_FORMATS: ContextVar[Mapping[str, str] | None] = ContextVar("user_formats", default=None)
#: Standard input, once read: (the stream it came from, its bytes).
_stdin_cache: list[tuple[object, bytes]] = []


@contextlib.contextmanager
def user_formats(paths: Iterable[str], name: str | None) -> Iterator[None]:
    """While inside, the files ``paths`` (as typed on the command line) are read as the
    format ``name`` (an ``--input-format`` value; ``None`` changes nothing), which also
    checks that it agrees with their extensions. The bundled files are never affected."""
    if not name:
        yield
        return
    wanted = {str(p): name for p in paths}
    for p in wanted:
        choose(p, name, "--input-format")  # a bad or disagreeing name is refused now
    token = _USER_FORMATS.set({**(_USER_FORMATS.get() or {}), **wanted})
    try:
        yield
    finally:
        _USER_FORMATS.reset(token)


def refuse_repeated_stdin(*groups: Iterable[str]) -> None:
    """Standard input can be read once: refuse ``-`` given twice (FILES and --shapes)."""
    if sum(1 for g in groups for p in g if str(p) == STDIN) > 1:
        raise UsageError("-: standard input can be read only once; give it once")


def display(path: str | Path) -> str:
    """How a file is named in a message (``-`` is standard input)."""
    return "<stdin>" if str(path) == STDIN else str(path)


def base_iri(path: str | Path) -> str:
    """The base IRI of a file's relative IRIs: its ``file:`` URI (the working folder for
    standard input)."""
    if str(path) == STDIN:
        return Path.cwd().resolve().as_uri() + "/"
    return _path(path).resolve().as_uri()


def _path(path: str | Path) -> Path:
    return path if isinstance(path, Path) else Path(path)


def input_format(path: str | Path, name: str | None = None) -> tuple[Format, bool]:
    """The format of an input file and whether it is gzip-compressed: ``name`` if given,
    else the ``--input-format`` given for it, else its extension."""
    given = name or (_USER_FORMATS.get() or {}).get(str(path))
    return choose(path, given, "--input-format")


def read_stdin() -> bytes:
    """Standard input, read once per stream (a second read returns the same bytes)."""
    for stream, data in _stdin_cache:
        if stream is sys.stdin:
            return data
    buffer = getattr(sys.stdin, "buffer", None)
    data = buffer.read() if buffer is not None else sys.stdin.read().encode("utf-8")
    _stdin_cache[:] = [(sys.stdin, data)]
    return data


def check_path(path: str | Path) -> None:
    """Refuse a path that cannot be an RDF file: missing or a directory."""
    if str(path) == STDIN:
        return
    p = _path(path)
    if not p.exists():
        raise InputError(f"{p}: no such file")
    if p.is_dir():
        raise InputError(f"{p}: is a directory, not an RDF file")


def read_rdf(path: str | Path, name: str | None = None) -> tuple[bytes, Format]:
    """The bytes of an RDF file (decompressed, checked: see the module docstring) and its
    format. ``name`` is a format name that overrides the extension."""
    check_path(path)
    fmt, _gz = input_format(path, name)
    if str(path) == STDIN:
        raw = read_stdin()
    else:
        try:
            raw = _path(path).read_bytes()
        except OSError as exc:
            raise InputError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    return check_bytes(path, raw, fmt), fmt


def gunzip(path: str | Path, raw: bytes, limit: int | None = None) -> bytes:
    """Decompress gzip data (every member), refusing corrupt or truncated data and more
    than ``limit`` (default :data:`GZIP_LIMIT`) bytes of output."""
    limit = GZIP_LIMIT if limit is None else limit
    where = display(path)
    out = bytearray()
    data = raw
    try:
        while data:
            d = zlib.decompressobj(wbits=31)
            buf = data
            while not d.eof:
                piece = d.decompress(buf, limit + 1 - len(out))
                out += piece
                if len(out) > limit:
                    raise InputError(
                        f"{where}: decompresses to more than {limit} bytes; refused "
                        "(decompress it yourself if it is really that big)"
                    )
                buf = d.unconsumed_tail
                if not piece and not buf:
                    break
            if not d.eof:
                raise InputError(f"{where}: the gzip data is truncated (the file is incomplete)")
            data = d.unused_data
            if data and not data.startswith(_GZIP_MAGIC):
                break  # trailing garbage after the last member: ignored, as gzip(1) does
    except zlib.error as exc:
        raise InputError(f"{where}: not valid gzip data ({exc})") from None
    return bytes(out)


def check_bytes(path: str | Path, raw: bytes, fmt: Format) -> bytes:
    """Decompress (gzip), then refuse what cannot be an RDF text of ``fmt``: another
    encoding than UTF-8, a NUL byte, nothing but white space, and (RDF/XML) a dangerous
    DOCTYPE. Returns the bytes to parse (a UTF-8 byte-order mark dropped)."""
    where = display(path)
    gz = str(path).lower().endswith(".gz")
    if raw.startswith(_GZIP_MAGIC):
        raw = gunzip(path, raw)
    elif gz and raw:
        raise InputError(f"{where}: named .gz but not gzip-compressed")
    if raw.startswith(_UTF8_BOM):
        raw = raw[len(_UTF8_BOM):]
    if raw.startswith((b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff")):
        raise InputError(f"{where}: is UTF-16 or UTF-32 encoded (it starts with a byte-order "
                         "mark); RDF files are UTF-8 (convert it, e.g. iconv -t UTF-8)")
    nul = raw.find(b"\x00")
    if nul >= 0:
        if re.match(rb"(?:[\x09\x0a\x0d\x20-\x7e]\x00|\x00[\x09\x0a\x0d\x20-\x7e]){2}", raw):
            raise InputError(f"{where}: looks UTF-16 encoded (NUL bytes between ASCII "
                             "characters); RDF files are UTF-8 (convert it, e.g. iconv -t UTF-8)")
        line, col = line_column(raw, nul)
        raise InputError(f"{where}, line {line}, column {col}: a NUL byte; not an RDF text "
                         "file (binary data?)")
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{where}, line {line}: not valid UTF-8 (byte {exc.start})") from None
    if not raw or raw.isspace():
        raise InputError(f"{where}: the file is empty")
    if fmt.name == "xml":
        check_xml(path, raw)
    return raw


def line_column(raw: bytes, offset: int) -> tuple[int, int]:
    """Line and column (both from 1; the column in characters) of a byte offset."""
    offset = max(0, min(offset, len(raw)))
    start = raw.rfind(b"\n", 0, offset) + 1
    return (raw.count(b"\n", 0, offset) + 1,
            len(raw[start:offset].decode("utf-8", "replace")) + 1)


# ---------------------------------------------------------------------------------------------
# RDF/XML: the DOCTYPE, read before the parser expands anything
# ---------------------------------------------------------------------------------------------

@functools.cache
def _xml_patterns() -> tuple[re.Pattern[bytes], ...]:
    """The DOCTYPE grammar's patterns, compiled on first use (not at start-up)."""
    quoted = rb"\"[^\"]*\"|'[^']*'"
    return (
        re.compile(rb"<!DOCTYPE", re.IGNORECASE),
        re.compile(rb"<!DOCTYPE\s+[^\s\[>]+\s*(?P<ext>(?:SYSTEM|PUBLIC)\b)?", re.IGNORECASE),
        re.compile(rb"<!ENTITY\s+(?P<pe>%\s+)?(?P<name>[^\s%&;<>\"']+)\s+"
                   rb"(?:(?P<value>" + quoted + rb")|(?P<ext>SYSTEM|PUBLIC)\b)", re.IGNORECASE),
        re.compile(rb"<!(?:ELEMENT|ATTLIST|NOTATION)\b(?:" + quoted + rb"|[^>\"'])*>",
                   re.IGNORECASE),
        re.compile(rb"(?:" + quoted + rb"|[^>\"'])*>"),
    )


def check_xml(path: str | Path, raw: bytes) -> None:
    """Refuse an RDF/XML DOCTYPE that could expand without bound or read other files:
    an external DTD, external or parameter entities, entities defined through other
    entities or holding markup, too many entities, or too much expansion (see the module
    docstring). Fast: it reads the DOCTYPE only, never expands anything."""
    where = display(path)
    if b"<!" not in raw:
        return
    _DOCTYPE, _DOCTYPE_HEAD, _ENTITY, _MARKUP_DECL, _DECL_END = _xml_patterns()  # noqa: N806
    m = _DOCTYPE.search(raw)
    if m is None:
        if re.search(rb"<!ENTITY", raw, re.IGNORECASE):
            line, _ = line_column(raw, raw.upper().find(b"<!ENTITY"))
            raise InputError(f"{where}, line {line}: an ENTITY declaration outside a DOCTYPE; "
                             "refused")
        return
    head = _DOCTYPE_HEAD.match(raw, m.start())

    def refuse(offset: int, what: str) -> InputError:
        line, _ = line_column(raw, offset)
        return InputError(f"{where}, line {line}: {what}; refused before parsing")

    if head is None:
        raise refuse(m.start(), "a DOCTYPE this reader cannot check")
    if head.group("ext"):
        raise refuse(m.start(), "the DOCTYPE names an external DTD (SYSTEM or PUBLIC); "
                                "external files are never read")
    pos = head.end()
    entities: dict[bytes, bytes] = {}
    ws = re.compile(rb"\s*")
    pos = ws.match(raw, pos).end()
    if raw[pos:pos + 1] == b"[":
        pos += 1
        while True:
            pos = ws.match(raw, pos).end()
            if pos >= len(raw):
                raise refuse(m.start(), "the DOCTYPE is not closed")
            if raw.startswith(b"]", pos):
                pos += 1
                break
            if raw.startswith(b"<!--", pos):
                end = raw.find(b"-->", pos + 4)
                if end < 0:
                    raise refuse(pos, "a comment in the DOCTYPE is not closed")
                pos = end + 3
                continue
            if raw.startswith(b"<?", pos):
                end = raw.find(b"?>", pos + 2)
                if end < 0:
                    raise refuse(pos, "a processing instruction in the DOCTYPE is not closed")
                pos = end + 2
                continue
            if raw.startswith(b"%", pos):
                raise refuse(pos, "the DOCTYPE refers to a parameter entity (%name;)")
            ent = _ENTITY.match(raw, pos)
            if ent is not None:
                name = ent.group("name").decode("utf-8", "replace")
                if ent.group("pe"):
                    raise refuse(pos, f"the DOCTYPE declares the parameter entity {name!r}")
                if ent.group("ext"):
                    raise refuse(pos, f"the DOCTYPE declares the external entity {name!r} "
                                      "(SYSTEM or PUBLIC); external entities are never read")
                value = ent.group("value")[1:-1]
                if re.search(rb"[&%<]", value):
                    raise refuse(pos, f"the entity {name!r} is defined through other entities "
                                      "or markup (nested entities can expand exponentially: "
                                      "the 'billion laughs' attack)")
                entities[ent.group("name")] = value
                if len(entities) > MAX_ENTITIES:
                    raise refuse(pos, f"the DOCTYPE declares more than {MAX_ENTITIES} entities")
                close = _DECL_END.match(raw, ent.end())
                if close is None:
                    raise refuse(pos, f"the declaration of the entity {name!r} is not closed")
                pos = close.end()
                continue
            decl = _MARKUP_DECL.match(raw, pos)
            if decl is not None:
                pos = decl.end()
                continue
            raise refuse(pos, "a DOCTYPE declaration this reader cannot check")
    pos = ws.match(raw, pos).end()
    if not raw.startswith(b">", pos):
        raise refuse(m.start(), "a DOCTYPE this reader cannot check")
    if _DOCTYPE.search(raw, pos):
        raise refuse(_DOCTYPE.search(raw, pos).start(), "a second DOCTYPE")
    grown = sum(raw.count(b"&" + n + b";", pos) * max(len(v) - len(n) - 2, 0)
                for n, v in entities.items())
    if grown > ENTITY_EXPANSION_LIMIT:
        raise refuse(m.start(), f"its entities would expand by {grown} bytes (more than "
                                f"{ENTITY_EXPANSION_LIMIT})")


def check_xml_file(path: Path, block: int = 1 << 20) -> None:
    """:func:`check_xml` for a file too big to read whole: scanned block by block for a
    DOCTYPE or an ENTITY, and checked whole only if there is one."""
    tail = b""
    with path.open("rb") as fh:
        while True:
            chunk = fh.read(block)
            if not chunk:
                return
            window = (tail + chunk).upper()
            if b"<!DOCTYPE" in window or b"<!ENTITY" in window:
                break
            tail = chunk[-16:]
    check_xml(path, path.read_bytes())


# ---------------------------------------------------------------------------------------------
# Parser errors: one line, with the position where one can be found
# ---------------------------------------------------------------------------------------------

_PARSER_PREFIX = re.compile(r"^Parser error (?:at|between) [^:]*:\s*")
_PARSER_SUFFIX = re.compile(r"\s*\(line \d+\)\s*$")
_REMOTE = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def _context_references(raw: bytes) -> Iterator[tuple[str, int]]:
    """Every context given by reference in a JSON-LD text (an ``@context`` or ``@import``
    whose value is a string, or an array holding strings), with its byte offset."""
    import json

    text = raw.decode("utf-8", "replace")
    decoder = json.JSONDecoder()
    for m in re.finditer(r'"@(?:context|import)"\s*:\s*', text):
        try:
            value, end = decoder.raw_decode(text, m.end())
        except ValueError:
            continue
        items = value if isinstance(value, list) else [value]
        pos = m.end()
        for item in items:
            if isinstance(item, str):
                at = text.find(json.dumps(item), pos, end)
                at = m.end() if at < 0 else at + 1
                yield item, len(text[:at].encode("utf-8"))


def context_error(path: str | Path, raw: bytes) -> InputError | RefusedError:
    """The error for a JSON-LD file with a context given by reference (``@context`` or
    ``@import``): refused as a network request if one is remote, an input error otherwise.
    Nothing is fetched: Oxigraph is given no document loader."""
    where = display(path)
    refs = list(_context_references(raw))
    remote = [(iri, at) for iri, at in refs
              if _REMOTE.match(iri) and not iri.lower().startswith("file:")]
    for iri, at in remote[:1]:
        line, col = line_column(raw, at)
        return RefusedError(f"{where}, line {line}, column {col}: the JSON-LD context <{iri}> "
                            "is remote; remote contexts are never fetched (put the context in "
                            "the file); refused")
    for iri, at in refs[:1]:
        line, col = line_column(raw, at)
        return InputError(f"{where}, line {line}, column {col}: the JSON-LD context <{iri}> is "
                          "given by reference and is not loaded (put the context in the file)")
    return InputError(f"{where}: a JSON-LD context given by reference is not loaded "
                      "(put the context in the file)")


def _xml_position(raw: bytes) -> tuple[int, int] | None:
    """Where Python's expat finds the first XML well-formedness error (entities are never
    loaded from outside; :func:`check_xml` has bounded the internal ones)."""
    import xml.parsers.expat as expat

    parser = expat.ParserCreate()
    parser.SetParamEntityParsing(expat.XML_PARAM_ENTITY_PARSING_NEVER)
    try:
        parser.Parse(raw, True)
    except expat.ExpatError as exc:
        return exc.lineno, exc.offset + 1
    return None


def _search_position(raw: bytes, message: str, fmt: Format) -> tuple[int, int] | None:
    """A likely position of a JSON-LD or RDF/XML error whose parser gave none: the keyword
    (JSON-LD ``@id value must be a string``) or the first quoted value of the message."""
    patterns: list[bytes] = []
    kw = re.match(r"(@\w+)\b", message)
    if kw and fmt.name == "jsonld":
        patterns.append(rb'"' + re.escape(kw.group(1).encode()) + rb'"\s*:\s*[^"\s]')
        patterns.append(rb'"' + re.escape(kw.group(1).encode()) + rb'"')
    for quoted in re.findall(r"'([^']{1,200})'|`([^`]{1,200})`", message):
        text = (quoted[0] or quoted[1]).encode("utf-8")
        patterns.append(re.escape(text))
    for pat in patterns:
        hit = re.search(pat, raw)
        if hit is not None:
            return line_column(raw, hit.start())
    return None


def too_big(path: str | Path, exc: MemoryError) -> InputError:
    """Oxigraph's parsers refuse a single token (a literal, an IRI) over 16 MiB with a
    MemoryError ("Reached the buffer maximal size"): one line, an input error."""
    where = display(path)
    if "buffer maximal size" in str(exc):
        return InputError(f"{where}: a literal or IRI longer than the parser's limit of 16 MiB "
                          f"({exc}); refused")
    raise exc


def parse_error(path: str | Path, exc: SyntaxError, raw: bytes | None = None,
                fmt: Format | None = None) -> InputError | RefusedError:
    """Turn an Oxigraph parser error into one line with file, line and column (found in
    ``raw`` when the parser gives none: see the module docstring)."""
    where = display(path)
    message = _PARSER_SUFFIX.sub("", _PARSER_PREFIX.sub("", str(exc.msg or exc)))
    if "LoadDocumentCallback" in message and raw is not None:
        return context_error(path, raw)
    if exc.lineno:
        return InputError(f"{where}, line {exc.lineno}, column {exc.offset}: {message}")
    if raw is not None and fmt is not None:
        pos = _xml_position(raw) if fmt.name == "xml" else None
        if pos is not None:
            return InputError(f"{where}, line {pos[0]}, column {pos[1]}: {message}")
        pos = _search_position(raw, message, fmt)
        if pos is not None:
            return InputError(f"{where}, near line {pos[0]}, column {pos[1]}: {message}")
        return InputError(f"{where}: {message} (the {fmt.label} parser gives no position)")
    return InputError(f"{where}, position unknown: {message}")
