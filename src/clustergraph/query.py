"""Running SPARQL queries, saved (``queries/*.rq``) or ad hoc, on the in-memory Oxigraph
store or on a remote SPARQL 1.1 Protocol endpoint.

Parameters are bound as typed RDF terms, never pasted into the query text: locally through
Oxigraph's ``substitutions`` (the equivalent of rdflib's ``initBindings``), remotely through
a ``VALUES`` block opening the query's ``WHERE`` group, written from the terms' N-Triples
form. A query that would reach outside (``SERVICE``, ``LOAD``, ``FROM``/``FROM NAMED``) or
change data (any SPARQL Update) is refused before it runs, by :mod:`clustergraph.sparql_text`
(the one place that reads query text; its check, ``check_query`` and ``with_values`` are
re-exported here). Local evaluation runs in a thread that cannot open a network socket
(:mod:`clustergraph.netguard`), so a query that got past the text check still cannot call out.

Only pyoxigraph is imported here (no rdflib, no pySHACL), so that ``clustergraph query``
starts fast. The network is contacted only when an ``endpoint`` is given.

>>> from clustergraph.store import load
>>> result = run(saved_query("policy-overview"), kg=load())          # doctest: +SKIP
>>> result.variables[:2]                                              # doctest: +SKIP
['policy', 'policyName']
"""

from __future__ import annotations

import base64
import http.client
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import pyoxigraph as ox

from . import __version__, netguard, threads
from .catalog import SavedQuery, saved_query
from .errors import EndpointError, InputError, UsageError
from .namespaces import DCT, RDFS, SKOS
from .sparql_text import CheckedQuery, Token, check_query, tokens, with_values

if TYPE_CHECKING:  # pragma: no cover
    from .store import KnowledgeGraph

__all__ = ["CheckedQuery", "QueryResult", "Token", "check_query", "run", "saved_query",
           "tokens", "with_values"]

DEFAULT_TIMEOUT = 30.0
Term = ox.NamedNode | ox.BlankNode | ox.Literal

@dataclass
class QueryResult:
    """The rows of a SELECT (``None`` where unbound) or the answer of an ASK."""

    variables: list[str]
    rows: list[tuple[Term | None, ...]]
    boolean: bool | None = None
    labels: dict[str, str] = field(default_factory=dict)

    def iris(self) -> list[str]:
        seen: dict[str, None] = {}
        for row in self.rows:
            for t in row:
                if isinstance(t, ox.NamedNode):
                    seen.setdefault(t.value)
        return list(seen)


def _from_oxigraph(res: ox.QuerySolutions | ox.QueryBoolean) -> QueryResult:
    if isinstance(res, ox.QueryBoolean):
        return QueryResult([], [], bool(res))
    variables = [v.value for v in res.variables]
    rows = [tuple(sol[v] for v in variables) for sol in res]
    return _renumber_blank_nodes(QueryResult(variables, rows))


def _renumber_blank_nodes(result: QueryResult) -> QueryResult:
    """Blank nodes as b0, b1, ... in order of appearance: the same output locally and from
    an endpoint, which names them its own way."""
    names: dict[str, ox.BlankNode] = {}

    def rename(t: Term | None) -> Term | None:
        if isinstance(t, ox.BlankNode):
            return names.setdefault(t.value, ox.BlankNode(f"b{len(names)}"))
        return t

    result.rows = [tuple(rename(t) for t in row) for row in result.rows]
    return result


# --------------------------------------------------------------------------- labels

LABEL_PROPERTIES = (
    RDFS + "label",
    SKOS + "prefLabel",
    DCT + "title",
)


def _label_query(iris: list[str]) -> str:
    """One ``VALUES (?iri ?p)`` block of every (IRI, label property) pair: each pair is one
    index look-up. Two blocks (``VALUES ?iri {...} VALUES ?p {...}``) mean the same, but
    Oxigraph 0.5 then scans ``?iri ?p ?label`` before joining them: 340 ms instead of 1 ms
    on a 1M-triple store, most of a ``query run --store`` process."""
    pairs = " ".join(
        f"({ox.NamedNode(i)} <{p}>)" for i in iris for p in LABEL_PROPERTIES
    )
    return (
        "SELECT ?iri ?p ?label WHERE { "
        f"VALUES (?iri ?p) {{ {pairs} }} "
        "?iri ?p ?label FILTER(isLiteral(?label)) }"
    )


def _best_labels(result: QueryResult) -> dict[str, str]:
    """Per IRI the label to show: English first, then untagged, then any; rdfs:label,
    skos:prefLabel, dct:title in that order; then the smallest, for determinism."""
    best: dict[str, tuple[tuple[int, int, str], str]] = {}
    for iri, prop, label in result.rows:
        if not isinstance(label, ox.Literal) or iri is None or prop is None:
            continue
        lang = (label.language or "").lower()
        lang_rank = 0 if lang == "en" else 1 if lang.startswith("en-") else 2 if not lang else 3
        key = (lang_rank, LABEL_PROPERTIES.index(prop.value), label.value)
        if iri.value not in best or key < best[iri.value][0]:
            best[iri.value] = (key, label.value)
    return {iri: v for iri, (_, v) in best.items()}


# --------------------------------------------------------------------------- running


def _local(kg: KnowledgeGraph, text: str, name: str,
           substitutions: Mapping[str, Term] | None = None) -> QueryResult:
    subs = {ox.Variable(k): v for k, v in (substitutions or {}).items()}
    try:
        res = kg.store.query(text, use_default_graph_as_union=True, substitutions=subs or None)
        return _from_oxigraph(res)
    except SyntaxError as exc:
        raise InputError(f"{name}: {' '.join(str(exc).split())}") from None
    except RuntimeError as exc:  # e.g. a parameter that is not projected
        raise InputError(f"{name}: {exc}") from None
    except PermissionError as exc:  # the sealed thread's socket refused (netguard)
        raise netguard.NetworkRefused(
            f"{name}: the query tried to open a network connection; refused, nothing was "
            f"sent ({exc})") from None


#: Response headers by which endpoints say that an answer is not the whole answer:
#: Virtuoso's "anytime query" state (``X-SQL-State: S1TAT``) and its other SQL states, and a
#: ``Content-Range`` (part of a body).
_PARTIAL_HEADERS = ("X-SQL-State", "Content-Range")
_RESULT_FORMATS = {
    "application/sparql-results+json": ox.QueryResultsFormat.JSON,
    "application/json": ox.QueryResultsFormat.JSON,
    "application/sparql-results+xml": ox.QueryResultsFormat.XML,
    "application/xml": ox.QueryResultsFormat.XML,
}


def shown_url(url: str) -> str:
    """An endpoint URL for a message: without its user and password."""
    parts = urllib.parse.urlsplit(url)
    if "@" not in parts.netloc:
        return url
    return urllib.parse.urlunsplit(
        (parts.scheme, parts.netloc.rpartition("@")[2], parts.path, parts.query, ""))


def _origin(url: str) -> tuple[str, str, int | None]:
    parts = urllib.parse.urlsplit(url)
    return (parts.scheme, (parts.hostname or "").lower(),
            parts.port or {"http": 80, "https": 443}.get(parts.scheme))


class _SameOrigin(urllib.request.HTTPRedirectHandler):
    """Redirects followed only to the same scheme, host and port, with the same POST;
    a redirect elsewhere is an :class:`EndpointError` (the query is not sent there)."""

    def __init__(self, endpoint: str, name: str) -> None:
        self.endpoint, self.name = endpoint, name

    def redirect_request(self, req: urllib.request.Request, fp: object, code: int,
                         msg: str, headers: object, newurl: str) -> urllib.request.Request:
        target = urllib.parse.urljoin(req.full_url, newurl)
        if _origin(target) != _origin(self.endpoint):
            raise EndpointError(
                f"{shown_url(self.endpoint)} redirected {self.name} ({code}) to "
                f"{shown_url(target)}, another host or scheme; not followed")
        return urllib.request.Request(target, data=req.data, method="POST",
                                      headers=dict(req.header_items()))


def _remote(endpoint: str, text: str, name: str, timeout: float | None) -> QueryResult:
    """``text`` POSTed to ``endpoint`` (SPARQL 1.1 Protocol) and its answer, which must be
    complete: status 200, no partial-result header, the whole body, parsed to its end.
    Only the endpoint's host (or its proxy) can be connected to (:func:`netguard.only`)."""
    parts = urllib.parse.urlsplit(endpoint)
    shown = shown_url(endpoint)
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        "Accept": "application/sparql-results+json, application/sparql-results+xml;q=0.9",
        "User-Agent": f"clustergraph/{__version__}",
    }
    url = endpoint
    if "@" in parts.netloc:  # user:password@ is sent as HTTP Basic authentication
        url = shown
        credentials = f"{urllib.parse.unquote(parts.username or '')}:" \
                      f"{urllib.parse.unquote(parts.password or '')}"
        headers["Authorization"] = "Basic " + base64.b64encode(
            credentials.encode("utf-8")).decode("ascii")
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(url, data=body, method="POST", headers=headers)
    host = parts.hostname or ""
    local = host in ("127.0.0.1", "localhost", "::1")
    handlers: list[urllib.request.BaseHandler] = [_SameOrigin(url, name)]
    if local:
        handlers.append(urllib.request.ProxyHandler({}))
    opener = urllib.request.build_opener(*handlers)
    via = [] if local else netguard.proxies_for(url)
    try:
        with netguard.only(url, via), opener.open(request, timeout=timeout) as response:
            status = response.status
            partial = [f"{h}: {response.headers[h]}" for h in _PARTIAL_HEADERS
                       if response.headers.get(h) is not None]
            content_type = response.headers.get_content_type()
            if status == 200 and not partial:
                data = response.read()
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read(500).decode("utf-8", "replace").split())
        raise EndpointError(
            f"{shown} answered {exc.code} {exc.reason} to {name}: {detail}"[:400]
        ) from None
    except http.client.IncompleteRead as exc:
        raise EndpointError(
            f"{shown} answered {name} with a body cut short ({len(exc.partial)} bytes of "
            f"{len(exc.partial) + (exc.expected or 0)}); no result") from None
    except (urllib.error.URLError, OSError, http.client.HTTPException) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"{shown} could not be reached: {reason}") from None
    if status != 200:
        raise EndpointError(f"{shown} answered {status} to {name}, not 200: a partial or "
                            "incomplete answer; no result")
    if partial:
        raise EndpointError(f"{shown} answered {name} with a partial result "
                            f"({'; '.join(partial)}); no result")
    try:
        res = ox.parse_query_results(
            data, format=_RESULT_FORMATS.get(content_type, ox.QueryResultsFormat.JSON))
        return _from_oxigraph(res)
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(
            f"{shown} did not answer {name} with complete SPARQL results: {exc}"
        ) from None


def check_endpoint(endpoint: str) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--endpoint must be an http(s) URL (got {shown_url(endpoint)!r})")
    return endpoint


def run(
    query: SavedQuery,
    params: Mapping[str, object] | None = None,
    *,
    kg: KnowledgeGraph | None = None,
    endpoint: str | None = None,
    timeout: float | None = None,
    labels: bool = False,
) -> QueryResult:
    """Run ``query`` with ``params`` (values as strings, Python values or RDF terms; the
    defaults fill the rest) on ``kg`` or, if given, on ``endpoint``.

    ``timeout`` is in seconds (the CLI's ``--timeout`` defaults to :data:`DEFAULT_TIMEOUT`).
    A local query runs in a sealed worker thread (no network socket can be opened there:
    :mod:`clustergraph.netguard`); with a limit, that worker is left behind if the limit
    passes, since Oxigraph cannot be interrupted. An endpoint's answer must be complete
    (status 200, no partial-result header, the whole body) or it is an EndpointError.

    With ``labels``, ``result.labels`` maps every IRI in the rows to its label, looked up
    where the query ran. Raises UsageError (bad parameter), RefusedError (outside access or
    update), QueryTimeout, EndpointError, InputError (a query that does not parse).
    """
    checked = check_query(query.text, query.name)
    bound = query.bind(params or {})
    if endpoint is None and kg is None:
        raise ValueError("run() needs a KnowledgeGraph or an endpoint")

    if endpoint is not None:
        check_endpoint(endpoint)
        text = with_values(checked, bound)

        def work() -> QueryResult:
            result = _remote(endpoint, text, query.name, timeout)
            if labels and result.iris():
                label_rows = _remote(endpoint, _label_query(result.iris()), "labels", timeout)
                result.labels = _best_labels(label_rows)
            return result
    else:
        assert kg is not None

        if query.binding == "values":
            text, subs = with_values(checked, bound), None
        else:
            text, subs = checked.text, bound

        def work() -> QueryResult:
            result = _local(kg, text, query.name, subs)
            if labels and result.iris():
                result.labels = _best_labels(_local(kg, _label_query(result.iris()), "labels"))
            return result

    return threads.run(work, timeout=timeout, sealed=endpoint is None,
                       what=f"query {query.name!r}")

