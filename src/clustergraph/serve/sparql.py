"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint.

GET with ``?query=``, POST form-encoded or ``application/sparql-query``; results negotiated
by ``Accept``: SPARQL JSON, XML, CSV or TSV for SELECT and ASK, Turtle, N-Triples or JSON-LD
for CONSTRUCT and DESCRIBE. Without a query: the service description. Updates, SERVICE,
LOAD, FROM and the protocol's ``default-graph-uri``/``named-graph-uri`` are refused with 403
(the endpoint serves one graph, its store, and changes nothing); a query that does not parse
is a 400; one past the time limit a 503; more than the row cap is cut and the response says
so (``Clustergraph-Truncated`` header, and ``head.truncated`` in JSON).

Protocol queries take :class:`Front`, a lean ASGI path in front of Starlette with the same
limits and headers; Starlette answers the rest (the editor, ``--cors``). What is read once
per text is cached (form bodies, ``Accept`` headers, the read-only check of
:mod:`clustergraph.sparql_text`); answers never are.
"""

from __future__ import annotations

import functools
import urllib.parse
from typing import Any

from starlette.requests import Request
from starlette.responses import Response

from ..errors import ClustergraphError
from ..namespaces import SD
from .app import SecurityHeaders, Site, UserError, check, status_of
from .formats import GRAPH_TYPES, HTML, RESULTS_TYPES, negotiate

TYPE_TO_RESULTS = {v: k for k, v in RESULTS_TYPES.items()}
TYPE_TO_GRAPH = {v: k for k, v in GRAPH_TYPES.items()}


@functools.lru_cache(maxsize=256)
def _form_fields(text: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """A form-encoded body's fields; cached by text (up to 16 kB, so that the cache stays
    small): a client that sends the same query again (a saved query, a dashboard) does not
    have it unquoted again (a tenth of a millisecond for a 3 kB query)."""
    return tuple((k, tuple(v)) for k, v in
                 urllib.parse.parse_qs(text, keep_blank_values=True).items())


def protocol_query(method: str, query_string: str, ctype: str, body: bytes) -> str | None:
    """The query text of a protocol request (``None``: no query, the service description);
    ``ctype`` is the media type of the body, lower case, without parameters."""
    params = urllib.parse.parse_qs(query_string, keep_blank_values=True) if query_string \
        else {}
    if method == "POST":
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(400, "the request body is not UTF-8") from None
        if ctype == "application/sparql-update" or "update" in params:
            raise UserError(403, "this endpoint is read-only: SPARQL Update is refused")
        if ctype == "application/sparql-query":
            queries = [text]
        elif ctype == "application/x-www-form-urlencoded":
            form = dict(_form_fields(text) if len(text) <= 16384 else _form_fields.__wrapped__(
                text))
            if "update" in form:
                raise UserError(403, "this endpoint is read-only: SPARQL Update is refused")
            for key in ("default-graph-uri", "named-graph-uri"):
                params.setdefault(key, []).extend(form.get(key, ()))
            queries = [*form.get("query", ()), *params.get("query", [])]
        else:
            raise UserError(415, "POST a query as application/sparql-query or as the "
                                 "form field 'query' (application/x-www-form-urlencoded); "
                                 f"got {ctype or 'no Content-Type'}")
    else:
        if "update" in params:
            raise UserError(403, "this endpoint is read-only: SPARQL Update is refused")
        queries = params.get("query", [])
    if params.get("default-graph-uri") or params.get("named-graph-uri"):
        raise UserError(403, "default-graph-uri and named-graph-uri are refused: the "
                             "endpoint answers over its own store, the union of its graphs")
    if len(queries) > 1:
        raise UserError(400, "give one 'query' parameter, not several")
    if not queries:
        return None
    if not queries[0].strip():
        raise UserError(400, "the query is empty")
    return queries[0]


def media_type(header: str | None) -> str:
    return (header or "").split(";")[0].strip().lower()


async def read_query(request: Request) -> str | None:
    """The query text of a protocol request (``None``: no query, the service description)."""
    body = await request.body() if request.method == "POST" else b""
    return protocol_query(request.method, request.url.query,
                          media_type(request.headers.get("content-type")), body)


def service_description(site: Site, accept: str | None) -> Response:
    body, media = service_description_bytes(site, accept)
    return Response(body, media_type=media, headers={"Vary": "Accept"})


def service_description_bytes(site: Site, accept: str | None) -> tuple[bytes, str]:
    fmt = TYPE_TO_GRAPH.get(negotiate(accept, list(GRAPH_TYPES.values())) or "", "turtle")
    url = site.base_url + "sparql"
    ttl = f"""@prefix sd: <{SD}> .
<{url}> a sd:Service ;
    sd:endpoint <{url}> ;
    sd:supportedLanguage sd:SPARQL11Query ;
    sd:feature sd:UnionDefaultGraph ;
    sd:resultFormat <http://www.w3.org/ns/formats/SPARQL_Results_JSON>,
        <http://www.w3.org/ns/formats/SPARQL_Results_XML>,
        <http://www.w3.org/ns/formats/SPARQL_Results_CSV>,
        <http://www.w3.org/ns/formats/SPARQL_Results_TSV>,
        <http://www.w3.org/ns/formats/Turtle>, <http://www.w3.org/ns/formats/N-Triples>,
        <http://www.w3.org/ns/formats/JSON-LD> .
"""
    import pyoxigraph as ox

    from .worker import serialize

    triples = [ox.Triple(q.subject, q.predicate, q.object)
               for q in ox.parse(ttl.encode(), format=ox.RdfFormat.TURTLE)]
    media = GRAPH_TYPES[fmt]
    if media.startswith("text/"):
        media += "; charset=utf-8"
    return serialize(triples, fmt), media


@functools.lru_cache(maxsize=64)
def _wanted(accept: str | None, form: str) -> tuple[str | None, str | None, str | None]:
    """What ``Accept`` asks for a query of ``form``: the results type, the graph type and
    the one sent (``None``: nothing acceptable); cached by header, clients send few."""
    results_type = negotiate(accept, list(RESULTS_TYPES.values()))
    graph_type = negotiate(accept, list(GRAPH_TYPES.values()))
    wanted = {"SELECT": results_type, "GRAPH": graph_type}.get(form, results_type or graph_type)
    return results_type, graph_type, wanted


async def answer(site: Site, text: str, accept: str | None) -> tuple[bytes, str, dict]:
    """Run a protocol query: the body, its media type and the other headers."""
    form = check(text)
    results_type, graph_type, wanted = _wanted(accept, form)
    if wanted is None:
        offers = GRAPH_TYPES if form == "GRAPH" else RESULTS_TYPES
        raise UserError(406, f"none of the accepted types ({accept}) can carry these "
                             f"results; choose from {', '.join(offers.values())}")
    answer = await site.call({
        "kind": "sparql", "text": text, "cap": site.settings.max_rows,
        "results_format": TYPE_TO_RESULTS.get(results_type or "", "json"),
        "graph_format": TYPE_TO_GRAPH.get(graph_type or "", "turtle"),
    })
    media = (RESULTS_TYPES[answer["format"]] if answer["form"] != "GRAPH"
             else GRAPH_TYPES[answer["format"]])
    headers = {"Vary": "Accept"}
    if answer["truncated"]:
        headers["Clustergraph-Truncated"] = (
            f"the answer was cut at {site.settings.max_rows} "
            f"{'triples' if answer['form'] == 'GRAPH' else 'rows'}")
    if media.startswith("text/") or media.endswith(("json", "xml")):
        media += "; charset=utf-8"
    return answer["body"], media, headers


def wants_editor(method: str, text: str | None, accept: str | None) -> bool:
    """A browser opening ``/sparql`` without a query gets the editor."""
    return text is None and method == "GET" and negotiate(
        accept, [*GRAPH_TYPES.values(), HTML]) == HTML and "text/html" in (accept or "")


async def endpoint(site: Site, request: Request) -> Response:
    """``/sparql`` through Starlette (with ``--cors``, and for the editor)."""
    accept = request.headers.get("accept")
    text = await read_query(request)
    if text is None:
        if wants_editor(request.method, text, accept):
            from .pages import editor

            return await editor(site, request)
        return service_description(site, accept)
    body, media, headers = await answer(site, text, accept)
    return Response(body, headers=headers, media_type=media)


class Front:
    """The ASGI application in front of Starlette: ``/sparql`` GET and POST go straight to
    the protocol code (no middleware stack, no router, no request object: a third of a
    small query's time in this process went there); everything else, the editor and a
    server with ``--cors`` go to ``app``. The same guarantees: the body limit (413, declared
    or found while reading), the security headers, errors as one sentence (HTML for a
    browser, through the app's error page), no stack trace."""

    def __init__(self, app: Any, site: Site) -> None:
        self.app = app
        self.site = site
        self.state = app.state
        self.limit = site.settings.max_body
        self.lean = site.settings.cors is None

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if not (self.lean and scope["type"] == "http" and scope["path"] == "/sparql"
                and scope["method"] in ("GET", "POST")):
            await self.app(scope, receive, send)
            return
        accept = ctype = declared = None
        for k, v in scope["headers"]:
            if k == b"accept":
                accept = v.decode("latin-1")
            elif k == b"content-type":
                ctype = v.decode("latin-1")
            elif k == b"content-length":
                declared = v
        method = scope["method"]
        query_string = scope["query_string"].decode("latin-1")
        status, headers = 200, {}
        try:
            body = b""
            if method == "POST":
                if declared is not None and (not declared.isdigit()
                                             or int(declared) > self.limit):
                    raise _TooLarge
                body = await self._body(receive)
                if body is None:  # the client went away
                    return
            text = protocol_query(method, query_string, media_type(ctype), body)
            if wants_editor(method, text, accept):  # a GET: nothing read yet
                await self.app(scope, receive, send)
                return
            if text is None:
                out, media = service_description_bytes(self.site, accept)
                headers = {"Vary": "Accept"}
            else:
                out, media, headers = await answer(self.site, text, accept)
        except _TooLarge:
            status, media = 413, "text/plain; charset=utf-8"
            out = f"the request body is over the {self.limit} byte limit\n".encode()
        except (UserError, ClustergraphError) as exc:
            code = exc.status if isinstance(exc, UserError) else status_of(exc)
            await self._error_page(scope, code, exc.message, send)
            return
        except Exception:
            out = b"internal error: the server could not answer this request\n"
            await self._send(send, 500, "text/plain; charset=utf-8", {}, out)
            raise
        await self._send(send, status, media, headers, out)

    async def _body(self, receive: Any) -> bytes | None:
        chunks, seen = [], 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                return None
            chunk = message.get("body", b"")
            seen += len(chunk)
            if seen > self.limit:
                raise _TooLarge
            chunks.append(chunk)
            if not message.get("more_body", False):
                return b"".join(chunks)

    async def _error_page(self, scope: dict, status: int, message: str, send: Any) -> None:
        from starlette.requests import Request

        response = self.site.error_page(Request(scope), status, message)

        async def with_headers(m: dict) -> None:
            if m["type"] == "http.response.start":
                m["headers"] = list(m.get("headers", [])) + SecurityHeaders.HEADERS
            await send(m)

        async def nothing() -> dict:
            return {"type": "http.disconnect"}

        await response(scope, nothing, with_headers)

    @staticmethod
    async def _send(send: Any, status: int, media: str, headers: dict, body: bytes) -> None:
        raw = [(b"content-type", media.encode("latin-1")),
               (b"content-length", str(len(body)).encode())]
        raw += [(k.lower().encode("latin-1"), v.encode("latin-1")) for k, v in headers.items()]
        await send({"type": "http.response.start", "status": status,
                    "headers": raw + SecurityHeaders.HEADERS})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass
