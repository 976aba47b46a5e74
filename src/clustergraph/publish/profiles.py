"""What differs between the triple stores clustergraph publishes to, declared once per store.

The publishing code (:mod:`clustergraph.publish.client`, :mod:`clustergraph.publish.run`) reads
these fields and never asks which store it is talking to. To support another store, add a
profile here.
"""

from __future__ import annotations

import urllib.parse
from dataclasses import dataclass

from ..errors import UsageError


@dataclass(frozen=True)
class StoreProfile:
    """How one store speaks the Graph Store Protocol and SPARQL Update.

    ``gsp_path``: the Graph Store Protocol endpoint that writes (what ``--to`` names);
    ``read_path``: the one that reads a graph back (may need no credentials);
    ``graph_param``: the query parameter naming the graph there;
    ``update_path``: the SPARQL Update endpoint; ``query_path``: the SPARQL query endpoint;
    ``auth``: ``"digest"`` (HTTP Digest, credentials required) or ``"none"``;
    ``replace``: the one SPARQL Update request that replaces a graph by its staging graph,
    atomically (``{staging}`` and ``{graph}`` are filled with IRIs in ``<>``);
    ``drop``: the request that removes a staging graph;
    ``staging_upload``: how the staging graph is uploaded: ``"put"`` (a Graph Store ``PUT``,
    which replaces it), or ``"post-bulk"`` (dropped first, then a ``POST`` with Oxigraph's
    ``no_transaction``, its bulk loader: not atomic, which a staging graph need not be);
    ``new_graph``: how a graph the store does not hold yet (no triples: every graph of a
    first publication) is published. ``"staged"``: as any other graph (staging graph,
    verification, the ``replace`` request). ``"direct-bulk"``: straight under its final
    name through Oxigraph's bulk loader (a ``POST`` with ``no_transaction``), which is one
    transaction for readers: it ingests what it loaded for every index in one step at its
    commit, and nothing if the upload fails; then read back and verified, and dropped
    (absent again, as before) if it differs. One write per triple instead of three (staging,
    copy, staging removed). Only for a store whose loader is atomic in that way: Virtuoso
    7.2's Graph Store ``PUT`` is not (a reader counted 62,460 then 123,476 of 300,000
    triples while one loaded a new graph), so Virtuoso stages;
    ``read_separator``: what the store writes between the terms of an N-Triples line it
    gives back (Virtuoso: a tab), so that lines already in the canonical form but for it
    are recognised without parsing them;
    ``uploads``: how many graphs are published at the same time (each still staged,
    verified and replaced on its own);
    ``rolled_back``: the text of the store's error answer saying that it rolled an update
    back and it can be sent again (a deadlock), or ``""``: the replace and the drops are
    retried a few times on it;
    ``default_graph``: what the query endpoint's default graph is, for the README and
    ``--dry-run``; ``rewrites``: the values the store does not give back as they were sent
    (names in :data:`clustergraph.publish.canonical.STORE_FORMS`), compared in the store's
    form when a graph is verified, and reported.
    """

    name: str
    gsp_path: str
    read_path: str
    graph_param: str
    update_path: str
    query_path: str
    auth: str
    replace: str
    drop: str
    default_graph: str
    staging_upload: str = "put"
    new_graph: str = "staged"
    rolled_back: str = ""
    uploads: int = 1
    read_separator: bytes = b" "
    rewrites: tuple[str, ...] = ()


VIRTUOSO = StoreProfile(
    name="virtuoso",
    gsp_path="/sparql-graph-crud-auth",
    read_path="/sparql-graph-crud",
    graph_param="graph-uri",
    update_path="/sparql-auth",
    query_path="/sparql",
    auth="digest",
    # one request is one transaction in Virtuoso (the endpoint runs it with log_enable 1)
    replace="MOVE {staging} TO {graph}",
    drop="DROP SILENT GRAPH {graph}",
    default_graph="the union of all graphs (Virtuoso's default for /sparql without "
                  "default-graph-uri), its own system graphs included",
    # under serializable isolation (what makes a replace atomic for its readers: see
    # clustergraph.publish.servers.VIRTUOSO_ISOLATION) a reader can deadlock a MOVE, which
    # Virtuoso then rolls back whole
    rolled_back="40001 Error SR172: Transaction deadlocked",
    read_separator=b"\t",
    # Virtuoso 7.2 keeps an xsd:duration as a number of months or seconds
    rewrites=("virtuoso-duration",),
)

OXIGRAPH = StoreProfile(
    name="oxigraph",
    gsp_path="/store",
    read_path="/store",
    graph_param="graph",
    update_path="/update",
    query_path="/query",
    auth="none",
    # a SPARQL Update request is one transaction in Oxigraph; its own PUT /store is not
    # (it clears the graph, then loads, in two steps)
    replace="MOVE {staging} TO {graph}",
    drop="DROP SILENT GRAPH {graph}",
    default_graph="the union of the named graphs only when the server runs with "
                  "--union-default-graph (otherwise the empty default graph)",
    # its transactional PUT is about 2.5 times slower than the bulk loader
    staging_upload="post-bulk",
    # its bulk loader commits a graph in one step: a new graph needs no staging
    new_graph="direct-bulk",
    # two graphs at a time: one's bulk load or read-back on the server while the client
    # checks the other (1M landscape, shared machine: 25.1 and 26.7 s against 31.6 and
    # 35.8 s with one; Virtuoso under serializable isolation deadlocks two uploads)
    uploads=2,
)

PROFILES: dict[str, StoreProfile] = {p.name: p for p in (VIRTUOSO, OXIGRAPH)}


@dataclass(frozen=True)
class Target:
    """Where to publish: the store's profile and its origin (``http://host:port``)."""

    profile: StoreProfile
    origin: str

    def url(self, path: str) -> str:
        return self.origin + path

    def graph_url(self, path: str, graph: str) -> str:
        query = urllib.parse.urlencode({self.profile.graph_param: graph})
        return f"{self.origin}{path}?{query}"

    @property
    def host(self) -> str:
        return urllib.parse.urlsplit(self.origin).hostname or ""


def target(url: str, profile: str | None = None) -> Target:
    """The target of ``--to URL``: the profile named, or the one whose Graph Store path the
    URL ends with; a usage error if neither says which store it is."""
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--to must be an http(s) URL (got {url!r})")
    if parts.query or parts.fragment:
        raise UsageError(f"--to: give the store's Graph Store endpoint without a query "
                         f"(got {url!r})")
    path = parts.path.rstrip("/")
    if profile is not None:
        if profile not in PROFILES:
            raise UsageError(f"--store-type: unknown store {profile!r} "
                             f"(choose from {', '.join(PROFILES)})")
        chosen = PROFILES[profile]
        prefix = path.removesuffix(chosen.gsp_path) if path.endswith(chosen.gsp_path) else path
    else:
        found = [p for p in PROFILES.values() if path.endswith(p.gsp_path)]
        if not found:
            raise UsageError(
                f"--to {url}: not a Graph Store endpoint clustergraph knows (Virtuoso: "
                f"{VIRTUOSO.gsp_path}, Oxigraph: {OXIGRAPH.gsp_path}); give --store-type")
        chosen = found[0]
        prefix = path.removesuffix(chosen.gsp_path)
    return Target(chosen, f"{parts.scheme}://{parts.netloc}{prefix}")
