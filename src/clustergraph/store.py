"""Loading: the one module that owns the store.

Files are parsed by Oxigraph (``pyoxigraph``) into a quad store, one named graph per layer
(and per country folder for data), so that queries run on Oxigraph over the union of all
graphs while exports keep the layers apart. rdflib is used only where it is good: the graph
API, serialisation and pySHACL input (:meth:`KnowledgeGraph.to_rdflib`), and it is imported
only then, so that ``info`` and ``query`` start fast.

Nothing here touches the network: Turtle has no import mechanism, ``owl:imports`` is never
followed, and JSON-LD is parsed without fetching remote contexts. Every file goes through
:mod:`clustergraph.rdfin` first (format from :mod:`clustergraph.formats`, ``.gz``, ``-`` for
standard input, encodings, RDF/XML entity declarations, error positions); this module keeps
the parsing into the store.
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from itertools import chain, islice
from pathlib import Path
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import rdfin
from .errors import InputError
from .resources import LAYERS, Source, bundled_sources, layer_graph

if TYPE_CHECKING:  # pragma: no cover
    import rdflib

    from .errors import RefusedError
    from .formats import Format

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
RDF_LANGSTRING = "http://www.w3.org/1999/02/22-rdf-syntax-ns#langString"

def rdf_format(path: Path) -> ox.RdfFormat:
    """The Oxigraph RDF format of a file: from its extension (``.gz`` ignored), or from the
    ``--input-format`` given for it (:mod:`clustergraph.rdfin`)."""
    return rdfin.input_format(path)[0].oxigraph


def read_rdf_bytes(path: Path) -> bytes:
    """Read an RDF file (``-``: standard input), refusing what cannot be one: missing, a
    directory, not UTF-8, empty, a dangerous RDF/XML DOCTYPE; ``.gz`` is decompressed."""
    return rdfin.read_rdf(path)[0]


def parse_error(path: Path, exc: SyntaxError, raw: bytes | None = None,
                fmt: Format | None = None) -> InputError | RefusedError:
    """Turn an Oxigraph parser error into a one-line message with file, line and column
    (see :func:`clustergraph.rdfin.parse_error`: positions found for RDF/XML and JSON-LD,
    a remote JSON-LD context refused)."""
    return rdfin.parse_error(path, exc, raw, fmt)


def parse_file(path: Path, graph: str) -> list[ox.Quad]:
    """Parse one RDF file into quads of the named graph ``graph`` (or of its own graphs
    for quad formats)."""
    raw, rfmt = rdfin.read_rdf(path)  # missing / directory / encoding first: they say more
    fmt = rfmt.oxigraph
    target = ox.NamedNode(graph)
    try:
        quads = list(ox.parse(raw, format=fmt, base_iri=rdfin.base_iri(path)))
    except SyntaxError as exc:
        raise parse_error(path, exc, raw, rfmt) from None
    except MemoryError as exc:
        raise rdfin.too_big(path, exc) from None
    if not quads:
        raise InputError(f"{rdfin.display(path)}: the file contains no triples")
    if fmt.supports_datasets:
        return [q if not isinstance(q.graph_name, ox.DefaultGraph) else
                ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]
    return [ox.Quad(q.subject, q.predicate, q.object, target) for q in quads]


@dataclass
class KnowledgeGraph:
    """The loaded graph: an Oxigraph store with one named graph per layer and country.

    >>> kg = load()                       # everything shipped
    >>> kg.triples_per_layer()["ontology"] > 0
    True
    """

    store: ox.Store
    sources: list[Source] = field(default_factory=list)

    def graphs(self) -> list[str]:
        return sorted(g.value for g in self.store.named_graphs() if isinstance(g, ox.NamedNode))

    def triples_per_layer(self) -> dict[str, int]:
        counts: dict[str, int] = {}
        for row in self.store.query(
            "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
        ):
            layer = row["g"].value.removeprefix(layer_graph("")).split("/")[0]
            counts[layer] = counts.get(layer, 0) + int(row["n"].value)
        order = {layer: i for i, layer in enumerate(LAYERS)}
        return dict(sorted(counts.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))

    def __len__(self) -> int:
        return len(self.store)

    def to_rdflib(self, graphs: Iterable[str] | None = None) -> rdflib.Dataset:
        """Copy (some of) the named graphs into an rdflib Dataset, graph by graph."""
        import rdflib

        wanted = set(graphs) if graphs is not None else None
        ds = rdflib.Dataset()
        for gname in self.graphs():
            if wanted is not None and gname not in wanted:
                continue
            g = ds.graph(rdflib.URIRef(gname))
            for q in self.store.quads_for_pattern(None, None, None, ox.NamedNode(gname)):
                g.add((to_rdflib_term(q.subject), to_rdflib_term(q.predicate),
                       to_rdflib_term(q.object)))
        return ds

    def to_rdflib_graph(self, graphs: Iterable[str] | None = None) -> rdflib.Graph:
        """The union of (some of) the named graphs as one rdflib Graph."""
        import rdflib

        out = rdflib.Graph()
        for ctx in self.to_rdflib(graphs).graphs():
            for t in ctx:
                out.add(t)
        return out


def to_rdflib_term(term: ox.NamedNode | ox.BlankNode | ox.Literal):  # noqa: ANN201
    """Convert an Oxigraph term to the equal rdflib term (plain literals stay plain)."""
    import rdflib

    if isinstance(term, ox.NamedNode):
        return rdflib.URIRef(term.value)
    if isinstance(term, ox.BlankNode):
        return rdflib.BNode(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return rdflib.Literal(term.value, lang=term.language)
        dt = term.datatype.value
        if dt == XSD_STRING:
            return rdflib.Literal(term.value)
        return rdflib.Literal(term.value, datatype=rdflib.URIRef(dt))
    raise TypeError(f"unsupported RDF term {term!r}")


def to_oxigraph_term(term):  # noqa: ANN001, ANN201
    """Convert an rdflib term to the equal Oxigraph term (the inverse of
    :func:`to_rdflib_term`)."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, rdflib.BNode):
        return ox.BlankNode(str(term))
    if term.language:
        return ox.Literal(str(term), language=term.language)
    if term.datatype is not None:
        return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
    return ox.Literal(str(term))


def load_file(store: ox.Store, path: Path, graph: str) -> None:
    """Load one RDF file into the named graph ``graph`` of ``store``, refusing what
    :func:`parse_file` refuses with the same messages.

    Triple formats go straight into the store (Oxigraph parses in Rust, transactionally:
    about three times faster than building the quads in Python); quad formats keep their
    own graphs and only their default graph is moved into ``graph``."""
    raw, rfmt = rdfin.read_rdf(path)
    fmt = rfmt.oxigraph
    if fmt.supports_datasets:
        store.extend(parse_file(path, graph))
        return
    base = rdfin.base_iri(path)
    try:
        if next(iter(ox.parse(raw, format=fmt, base_iri=base)), None) is None:
            raise InputError(f"{rdfin.display(path)}: the file contains no triples")
        store.load(raw, format=fmt, base_iri=base, to_graph=ox.NamedNode(graph))
    except SyntaxError as exc:
        raise parse_error(path, exc, raw, rfmt) from None
    except MemoryError as exc:
        raise rdfin.too_big(path, exc) from None


def load_sources(sources: Sequence[Source], store: ox.Store | None = None) -> KnowledgeGraph:
    """Parse every source into its named graph of one (new, in-memory) store."""
    store = store if store is not None else ox.Store()
    for src in sources:
        load_file(store, src.path, src.graph)
    return KnowledgeGraph(store=store, sources=list(sources))


def user_sources(paths: Iterable[str | Path]) -> list[Source]:
    """Data files given on the command line. Like the shipped data, each goes into the
    data graph of its folder (``data/fr/*.ttl`` -> ``graph/data/fr``), so that a
    country's files share one named graph whatever their names."""
    out = []
    for p in paths:
        path = Path(p)
        if str(p) == rdfin.STDIN:  # standard input: a graph of its own
            out.append(Source(path, "data", layer_graph("data", "stdin")))
            continue
        folder = path.resolve().parent.name if path.name else "user"
        out.append(Source(path, "data", layer_graph("data", folder or "user")))
    return out


def load(
    layers: Sequence[str] = LAYERS,
    extra_files: Iterable[str | Path] = (),
) -> KnowledgeGraph:
    """Load the shipped layers (default: all) plus any extra data files.

    With ``extra_files``, the shipped *data* is replaced by those files: this is how a
    curator checks a new country against the bundled ontology, vocabularies and reference.
    """
    extra = user_sources(extra_files)
    wanted = [layer for layer in layers if not (extra and layer == "data")]
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        from .errors import UsageError

        raise UsageError(f"unknown layer {unknown[0]!r} (choose from {', '.join(LAYERS)})")
    kg = load_sources(bundled_sources(wanted) + extra)
    if "queries" in wanted:
        from .catalog import catalog_quads

        kg.store.extend(catalog_quads(layer_graph("queries")))
    return kg


# ---------------------------------------------------------------------------------------------
# Persistent store: build once on disk, reopen read-only without re-parsing
# ---------------------------------------------------------------------------------------------

#: The file beside the Oxigraph database that says what was loaded into it.
STORE_META = "clustergraph-store.json"
#: The folder, inside a store directory, that holds the Oxigraph (RocksDB) database.
STORE_DB = "oxigraph"
STORE_FORMAT = "clustergraph-store"
STORE_FORMAT_VERSION = 1


def _file_record(src: Source) -> dict[str, object]:
    import hashlib

    digest = hashlib.sha256()
    if str(src.path) == rdfin.STDIN:  # standard input: no file to check for staleness
        data = rdfin.read_stdin()
        return {"path": rdfin.STDIN, "layer": src.layer, "graph": src.graph,
                "sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "mtime": None}
    with src.path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    st = src.path.stat()
    return {
        "path": str(src.path.resolve()),
        "layer": src.layer,
        "graph": src.graph,
        "sha256": digest.hexdigest(),
        "size": st.st_size,
        "mtime": st.st_mtime,
    }


#: Files up to this size are read whole and checked as the in-memory loader checks them (same
#: messages); bigger ones are streamed from disk, so that a huge file does not sit in memory.
_READ_WHOLE_LIMIT = 64 << 20
#: Quads per call of Oxigraph's bulk loader: bounds its buffers (~1 GB per million quads).
_BULK_BATCH = 1_000_000


def _file_quads(src: Source) -> Iterator[ox.Quad]:
    """The quads of one file in its named graph (quads of a dataset format keep their own
    graph), refusing what :func:`parse_file` refuses, with the same messages: unknown
    extension, missing, directory, not UTF-8, empty, no triples, syntax error."""
    path = src.path
    rdfin.check_path(path)
    rfmt, gz = rdfin.input_format(path)
    fmt = rfmt.oxigraph
    base = rdfin.base_iri(path)
    raw: bytes | None = None
    if not gz and path.is_file() and path.stat().st_size > _READ_WHOLE_LIMIT:
        if rfmt.name == "xml":
            rdfin.check_xml_file(path)
        quads = ox.parse(path=path, format=fmt, base_iri=base)
    else:
        raw = rdfin.read_rdf(path)[0]
        quads = ox.parse(raw, format=fmt, base_iri=base)
    target = ox.NamedNode(src.graph)
    keep_graphs = fmt.supports_datasets
    n = 0
    try:
        for q in quads:
            n += 1
            if keep_graphs and not isinstance(q.graph_name, ox.DefaultGraph):
                yield q
            else:
                yield ox.Quad(q.subject, q.predicate, q.object, target)
    except SyntaxError as exc:
        if raw is None and rfmt.name in ("xml", "jsonld"):  # positions are found in the text
            raw = path.read_bytes()
        raise parse_error(path, exc, raw, rfmt) from None
    except MemoryError as exc:
        raise rdfin.too_big(path, exc) from None
    if not n:
        raise InputError(f"{rdfin.display(path)}: the file contains no triples")


def _replace_dir(built: Path, target: Path) -> None:
    """Move ``built`` to ``target``; an existing ``target`` is swapped out first and only
    removed once the new one is in place (put back if the swap fails)."""
    import shutil
    import tempfile

    if not target.exists():
        built.rename(target)
        return
    old = Path(tempfile.mkdtemp(dir=target.parent, prefix=f".{target.name}.old-{_builder_tag()}-"))
    old.rmdir()
    target.rename(old)
    try:
        built.rename(target)
    except OSError:
        old.rename(target)
        raise
    shutil.rmtree(old, ignore_errors=True)


#: A hidden folder a build left beside its store: ``.NAME.building-HOST@PID-XXXX`` (the new
#: store being built) or ``.NAME.old-HOST@PID-XXXX`` (the previous one, being removed).
_BUILD_LEFTOVER = re.compile(
    r"^\.(?P<name>.+)\.(?P<kind>building|old)-"
    r"(?:(?P<host>[A-Za-z0-9._-]*)@(?P<pid>\d+)-)?[a-z0-9_]+$")


def _builder_tag() -> str:
    """``HOST@PID`` of this process, for the names of its build folders."""
    import socket

    host = re.sub(r"[^A-Za-z0-9._-]", "_", socket.gethostname())
    return f"{host}@{os.getpid()}"
#: A leftover without a process id (written by an older clustergraph) is removed only when
#: it is at least this old (seconds): its builder cannot be asked whether it still runs.
_LEGACY_LEFTOVER_AGE = 24 * 3600


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:  # another user's live process
        return True
    return True


def remove_stale_builds(target: str | Path) -> list[Path]:
    """Remove the hidden folders that killed builds of the store ``target`` left beside it
    (``load --store`` killed with SIGKILL, a power cut), and return them. Only folders
    whose builder process is gone are touched (their names carry the builder's host and
    process id; a folder built on another host is kept); one left by an older clustergraph
    (no process id in its name) only when it is a day old. A previous store whose swap was
    interrupted (``.old-`` while ``target`` is missing) is put back, not removed."""
    import shutil
    import time

    target = Path(target)
    removed: list[Path] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        m = _BUILD_LEFTOVER.match(entry.name)
        if m is None or m["name"] != target.name or not entry.is_dir() or entry.is_symlink():
            continue
        if m["pid"] is not None:
            if m["host"] != _builder_tag().partition("@")[0]:
                continue  # built on another machine (a shared folder): cannot tell, kept
            if int(m["pid"]) == os.getpid() or _process_alive(int(m["pid"])):
                continue
        else:
            try:
                if time.time() - entry.stat().st_mtime < _LEGACY_LEFTOVER_AGE:
                    continue
            except OSError:
                continue
        if m["kind"] == "old" and not target.exists() and is_store(entry):
            try:
                entry.rename(target)  # the only copy of the previous store: put it back
                continue
            except OSError:
                continue
        shutil.rmtree(entry, ignore_errors=True)
        if not entry.exists():
            removed.append(entry)
    return removed


def is_store(directory: str | Path) -> bool:
    """Whether ``directory`` holds a clustergraph store (its metadata file and database)."""
    d = Path(directory)
    return (d / STORE_META).is_file() and (d / STORE_DB).is_dir()


def build_store(
    directory: str | Path,
    layers: Sequence[str] = LAYERS,
    extra_files: Iterable[str | Path] = (),
) -> KnowledgeGraph:
    """Build an on-disk Oxigraph store at ``directory`` with the same named graphs as
    :func:`load` (``extra_files`` replace the shipped data, as there), and return it opened
    read-only.

    The store is built in a temporary directory beside ``directory`` and renamed into place
    only when every file has loaded, so a failed build leaves an existing store as it was.
    What was loaded (clustergraph version, layers, graphs, each file with its sha256, size
    and mtime) is recorded in ``directory/clustergraph-store.json``; the database itself is
    ``directory/oxigraph/``. A directory that exists, is not empty and is not a store is
    refused rather than replaced.

    >>> kg = build_store(tmp / "store")                 # doctest: +SKIP
    >>> open_store(tmp / "store").triples_per_layer()   # doctest: +SKIP
    """
    import json
    import shutil
    import tempfile

    from . import __version__
    from .errors import OutputError, UsageError

    target = Path(directory)
    unknown = [layer for layer in layers if layer not in LAYERS]
    if unknown:
        raise UsageError(f"unknown layer {unknown[0]!r} (choose from {', '.join(LAYERS)})")
    if target.exists() and not target.is_dir():
        raise OutputError(f"{target}: exists and is not a directory; not replacing it")
    if target.is_dir() and any(target.iterdir()) and not is_store(target):
        raise OutputError(
            f"{target}: exists, is not empty and is not a clustergraph store; not replacing it"
        )
    extra = user_sources(extra_files)
    wanted = [layer for layer in layers if not (extra and layer == "data")]
    sources = bundled_sources(wanted) + extra
    for src in extra:  # the cheap refusals first, before minutes of loading
        rdfin.check_path(src.path)
        rdfin.input_format(src.path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_builds(target)  # what killed builds left (only if their process is gone)
        tmp = Path(tempfile.mkdtemp(dir=target.parent,
                                    prefix=f".{target.name}.building-{_builder_tag()}-"))
        tmp.chmod(0o755)  # mkdtemp's 0700 would make a shared store unreadable to others
    except OSError as exc:
        raise OutputError(f"{target}: cannot create the store ({exc.strerror or exc})") from None
    try:
        store = ox.Store(str(tmp / STORE_DB))
        streams: list[Iterable[ox.Quad]] = [_file_quads(src) for src in sources]
        graphs = sorted({src.graph for src in sources})
        if "queries" in wanted:
            from .catalog import catalog_quads

            streams.append(catalog_quads(layer_graph("queries")))
            graphs.append(layer_graph("queries"))
        # One stream over every file: the bulk loader's cost is per call (it writes and
        # ingests sorted files each time), so per-file calls would be several times slower.
        quads = chain.from_iterable(streams)
        while True:
            batch = islice(quads, _BULK_BATCH)
            first = next(batch, None)
            if first is None:
                break
            store.bulk_extend(chain((first,), batch))
        # Compact the bulk loader's many sorted files once: built once, read many times
        # (at 1M triples: +2.5 s here, a scan-heavy join 2.0 s -> 1.5 s).
        store.optimize()
        store.flush()
        del store  # closes the database before it is moved
        meta = {
            "format": STORE_FORMAT,
            "format_version": STORE_FORMAT_VERSION,
            "clustergraph_version": __version__,
            "pyoxigraph_version": ox.__version__,
            "layers": [
                layer for layer in LAYERS
                if layer in {s.layer for s in sources} or (layer == "queries" and layer in wanted)
            ],
            "graphs": sorted(graphs),
            "files": [_file_record(src) for src in sources],
        }
        (tmp / STORE_META).write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
        _replace_dir(tmp, target)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return open_store(target)


def read_store_meta(directory: str | Path) -> dict:
    """The metadata record of a store (see :func:`build_store`); an InputError if
    ``directory`` is missing or is not a clustergraph store."""
    import json

    d = Path(directory)
    if not d.exists():
        raise InputError(
            f"{d}: no such store directory (build one with: clustergraph load --store {d})"
        )
    if not d.is_dir():
        raise InputError(f"{d}: is not a directory, so not a clustergraph store")
    if not is_store(d):
        raise InputError(
            f"{d}: not a clustergraph store (no {STORE_META} and {STORE_DB}/; "
            f"build one with: clustergraph load --store {d})"
        )
    try:
        meta = json.loads((d / STORE_META).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{d / STORE_META}: unreadable store metadata ({exc})") from None
    if not isinstance(meta, dict) or meta.get("format") != STORE_FORMAT:
        raise InputError(f"{d / STORE_META}: not a clustergraph store metadata file")
    if meta.get("format_version") != STORE_FORMAT_VERSION:
        raise InputError(
            f"{d}: store format version {meta.get('format_version')!r}, this clustergraph "
            f"reads version {STORE_FORMAT_VERSION}; rebuild it with: clustergraph load --store {d}"
        )
    return meta


def open_store(directory: str | Path) -> KnowledgeGraph:
    """Open a store built by :func:`build_store`, read-only: nothing is parsed, queries run
    on the database on disk. ``sources`` lists the files it was built from."""
    d = Path(directory)
    meta = read_store_meta(d)
    try:
        store = ox.Store.read_only(str(d / STORE_DB))
    except OSError as exc:
        raise InputError(f"{d}: the store's database cannot be opened ({exc})") from None
    sources = [Source(Path(f["path"]), f["layer"], f["graph"]) for f in meta.get("files", [])]
    return KnowledgeGraph(store=store, sources=sources)


def stale_files(directory: str | Path) -> list[str]:
    """Files a store was built from that have since changed size or mtime, or vanished
    (cheap: no hashing). Empty when the store is up to date."""
    out = []
    for f in read_store_meta(directory).get("files", []):
        if f["path"] == rdfin.STDIN:  # read from standard input: nothing to compare with
            continue
        p = Path(f["path"])
        try:
            st = p.stat()
        except OSError:
            out.append(str(p))
            continue
        if st.st_size != f["size"] or st.st_mtime != f["mtime"]:
            out.append(str(p))
    return out
