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

import contextlib
import queue
import sys
import threading
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import pyoxigraph as ox

from . import __version__
from .catalog import SavedQuery, saved_query
from .errors import EndpointError, InputError, QueryTimeout, UsageError
from .sparql_text import CheckedQuery, Token, check_query, tokens, with_values

if TYPE_CHECKING:  # pragma: no cover
    from .store import KnowledgeGraph

__all__ = ["CheckedQuery", "QueryResult", "Token", "check_query", "run", "saved_query",
           "tokens", "with_values"]

DEFAULT_TIMEOUT = 30.0
T = TypeVar("T")
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
    "http://www.w3.org/2000/01/rdf-schema#label",
    "http://www.w3.org/2004/02/skos/core#prefLabel",
    "http://purl.org/dc/terms/title",
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


class _Worker:
    """A daemon thread that runs query work handed to it, one job at a time.

    Oxigraph cannot be interrupted while it evaluates, so a time limit is kept by running the
    work here while the caller waits: past the limit the caller gives up on the job (its
    result is dropped, never shown in part), and this thread ends after it. Idle workers are
    kept for the next call: starting a thread per query cost about as much as a small query.
    """

    def __init__(self) -> None:
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        threading.Thread(target=self._loop, name="clustergraph-query", daemon=True).start()

    def _loop(self) -> None:
        while True:
            job = self.jobs.get()
            job.run()
            abandoned = job.abandoned
            # an idle worker holds nothing of its last job (its store, its result)
            del job
            if abandoned:
                return  # its caller timed out and did not put this worker back


class _Job:
    def __init__(self, work: Callable[[], object]) -> None:
        self.work = work
        self.done = threading.Lock()
        self.done.acquire()
        self.state = threading.Lock()
        self.finished = self.abandoned = False
        self.value: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = self.work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            self.error = exc
        self.work = _done  # the closure holds the store: not kept past the job
        with self.state:
            self.finished = True
        self.done.release()

    def wait(self, timeout: float) -> bool:
        """Whether the job finished within ``timeout``; if not, it is abandoned."""
        if self.done.acquire(timeout=timeout):
            return True
        with self.state:
            self.abandoned = not self.finished
            return self.finished


def _done() -> None:
    """What a finished job's work becomes."""


_idle: list[_Worker] = []
_idle_lock = threading.Lock()
_waiting = 0  # callers waiting for a worker (under _idle_lock)
_interval = sys.getswitchinterval()


@contextlib.contextmanager
def _short_switch_interval() -> Iterator[None]:
    """While any caller waits for a worker, a 0.1 ms switch interval (restored when the last
    one stops waiting, so that two threads running queries do not leave it changed).

    While Oxigraph evaluates it releases the GIL, but the worker holds it while it turns
    solutions into Python objects, and the waiting thread then only gets it back at the next
    forced switch (5 ms by default)."""
    global _waiting, _interval
    with _idle_lock:
        if _waiting == 0:
            _interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_interval, 0.0001))
        _waiting += 1
    try:
        yield
    finally:
        with _idle_lock:
            _waiting -= 1
            if _waiting == 0:
                sys.setswitchinterval(_interval)


def _within(timeout: float | None, work: Callable[[], T], what: str) -> T:
    """Run ``work`` with a time limit (``None``: none, in the calling thread)."""
    if timeout is None:
        return work()
    if not 0 < timeout <= threading.TIMEOUT_MAX:  # also refuses nan
        raise UsageError(f"--timeout must be a positive number of seconds (got {timeout:g})")
    with _idle_lock:
        worker = _idle.pop() if _idle else _Worker()
    job = _Job(work)
    with _short_switch_interval():
        try:
            worker.jobs.put(job)
            finished = job.wait(timeout)
        except BaseException:  # e.g. Ctrl-C while waiting: the worker is kept only if done
            if job.wait(0):
                with _idle_lock:
                    _idle.append(worker)
            raise
    if not finished:
        raise QueryTimeout(f"{what} ran past the {timeout:g} s timeout; stopped, no result")
    with _idle_lock:
        _idle.append(worker)
    if job.error is not None:
        raise job.error
    return job.value  # type: ignore[return-value]


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


def _remote(endpoint: str, text: str, name: str, timeout: float) -> QueryResult:
    body = urllib.parse.urlencode({"query": text}).encode("utf-8")
    request = urllib.request.Request(
        endpoint,
        data=body,
        method="POST",
        headers={
            "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
            "Accept": "application/sparql-results+json",
            "User-Agent": f"clustergraph/{__version__}",
        },
    )
    host = urllib.parse.urlsplit(endpoint).hostname or ""
    handlers = [urllib.request.ProxyHandler({})] if host in ("127.0.0.1", "localhost", "::1") \
        else []
    opener = urllib.request.build_opener(*handlers)
    try:
        with opener.open(request, timeout=timeout) as response:
            data = response.read()
    except urllib.error.HTTPError as exc:
        detail = " ".join(exc.read(500).decode("utf-8", "replace").split())
        raise EndpointError(
            f"{endpoint} answered {exc.code} {exc.reason} to {name}: {detail}"[:400]
        ) from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise EndpointError(f"{endpoint} could not be reached: {reason}") from None
    try:
        res = ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON)
        return _from_oxigraph(res)
    except (SyntaxError, ValueError) as exc:
        raise EndpointError(
            f"{endpoint} did not answer {name} with SPARQL JSON results: {exc}"
        ) from None


def check_endpoint(endpoint: str) -> str:
    parts = urllib.parse.urlsplit(endpoint)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise UsageError(f"--endpoint must be an http(s) URL (got {endpoint!r})")
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
    With ``None`` (no limit) a local query runs in the calling thread, with nothing added to
    Oxigraph's own time; with a limit it runs in a worker thread that is left behind if the
    limit passes, since Oxigraph cannot be interrupted.

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

    return _within(timeout, work, f"query {query.name!r}")

