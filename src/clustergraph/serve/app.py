"""The Starlette application: the SPARQL endpoint, a page for every IRI, the gallery of saved
questions, country pages and the ad-hoc query editor.

Every job (a query, what a page shows) runs on the evaluation thread of
:class:`~clustergraph.serve.runner.Runner` under the time limit; the event loop checks
requests (:func:`clustergraph.query.check_query` decides what is refused), negotiates formats
and renders pages (Jinja2, autoescaped). Errors a user can cause answer with their status and
one sentence; anything else is a 500 without a stack trace.
"""

from __future__ import annotations

import contextlib
import urllib.parse
from typing import Any

import pyoxigraph as ox
from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, Response
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from .. import __version__
from ..catalog import SavedQuery, saved_queries
from ..errors import ClustergraphError, QueryTimeout, RefusedError, UsageError
from ..namespaces import PREFIXES, XSD, compact
from ..query import check_query
from ..resources import BASE
from . import formats
from .runner import Runner
from .settings import Settings

COUNTRY = PREFIXES["country"]
#: Names for the W3C terms the graph uses but does not describe (so never a bare IRI where a
#: person expects a word); a label in the graph wins.
STANDARD_LABELS = {
    PREFIXES["rdf"] + "type": "type",
    PREFIXES["rdfs"] + "label": "label",
    PREFIXES["rdfs"] + "comment": "comment",
    PREFIXES["rdfs"] + "seeAlso": "see also",
    PREFIXES["rdfs"] + "isDefinedBy": "defined by",
    PREFIXES["rdfs"] + "subClassOf": "subclass of",
    PREFIXES["rdfs"] + "subPropertyOf": "subproperty of",
    PREFIXES["rdfs"] + "domain": "domain",
    PREFIXES["rdfs"] + "range": "range",
    PREFIXES["skos"] + "prefLabel": "preferred label",
    PREFIXES["skos"] + "altLabel": "alternative label",
    PREFIXES["skos"] + "notation": "notation",
    PREFIXES["skos"] + "definition": "definition",
    PREFIXES["skos"] + "inScheme": "in scheme",
    PREFIXES["skos"] + "topConceptOf": "top concept of",
    PREFIXES["skos"] + "hasTopConcept": "has top concept",
    PREFIXES["skos"] + "broader": "broader",
    PREFIXES["skos"] + "narrower": "narrower",
    PREFIXES["skos"] + "scopeNote": "scope note",
    PREFIXES["dct"] + "title": "title",
    PREFIXES["dct"] + "description": "description",
    PREFIXES["dct"] + "identifier": "identifier",
    PREFIXES["dct"] + "isPartOf": "part of",
    PREFIXES["dct"] + "publisher": "publisher",
    PREFIXES["dct"] + "source": "source",
    PREFIXES["dct"] + "spatial": "spatial coverage",
    PREFIXES["dct"] + "temporal": "period",
    PREFIXES["dct"] + "rights": "rights",
    PREFIXES["dct"] + "subject": "subject",
    PREFIXES["prov"] + "wasDerivedFrom": "derived from",
    PREFIXES["owl"] + "Class": "class",
    PREFIXES["owl"] + "ObjectProperty": "object property",
    PREFIXES["owl"] + "DatatypeProperty": "datatype property",
    PREFIXES["skos"] + "Concept": "concept",
    PREFIXES["skos"] + "ConceptScheme": "concept scheme",
    PREFIXES["dcat"] + "startDate": "start date",
    PREFIXES["dcat"] + "endDate": "end date",
}


class Labels(dict):
    """Labels of IRIs, and which IRIs the graph describes (those get a page here; the others
    link to themselves, or are plain text if they are not web addresses)."""

    def __init__(self, labels: dict[str, str], described: set[str] | None = None) -> None:
        super().__init__(labels)
        self.described = described


class UserError(Exception):
    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status
        self.message = message


def status_of(exc: ClustergraphError) -> int:
    if isinstance(exc, RefusedError):
        return 403
    if isinstance(exc, QueryTimeout):
        return 503
    if isinstance(exc, UsageError):
        return 400
    return {3: 400}.get(int(exc.exit_code), 500)


# --------------------------------------------------------------------------- the app


class Site:
    """What the handlers share: settings, the runner, the catalogue, the templates."""

    def __init__(self, settings: Settings, runner: Runner) -> None:
        self.settings = settings
        self.runner = runner
        self.queries: dict[str, SavedQuery] = {q.name: q for q in saved_queries()}
        self.options: dict[str, dict[str, list[tuple[str, str]]]] = {}
        self.suggest: dict[str, set[str]] = {}
        base = settings.base_url if settings.base_url.endswith("/") else settings.base_url + "/"
        self.base_url = base
        self.root = urllib.parse.urlsplit(base).path or "/"
        self.env = Environment(loader=PackageLoader("clustergraph.serve", "templates"),
                               autoescape=select_autoescape(default=True,
                                                            default_for_string=True))
        self.env.globals.update(link=self.link, root=self.root, version=__version__,
                                compact=compact, term_html=self.term_html,
                                namednode=ox.NamedNode)
        self.env.tests["blank"] = lambda t: isinstance(t, ox.BlankNode)
        self.env.tests["typed_literal"] = lambda t: (
            isinstance(t, ox.Literal) and not t.language
            and t.datatype.value != XSD + "string")

    # ----------------------------------------------------------------- IRIs and links

    def link(self, iri: str) -> str:
        """Where the page of ``iri`` is on this server: a ``https://w3id.org/clustergraph/``
        IRI under the base URL, any other (and any with a ``#``) at ``resource?iri=``."""
        if iri.startswith(BASE) and "#" not in iri:
            return self.root + iri[len(BASE):]
        return self.root + "resource?" + urllib.parse.urlencode({"iri": iri})

    def term_html(self, term: Any, labels: dict[str, str]) -> Markup:
        """A cell: a linked label for an IRI, the text of a literal (escaped)."""
        if term is None:
            return Markup("")
        if isinstance(term, ox.NamedNode):
            text = labels.get(term.value) or STANDARD_LABELS.get(term.value) \
                or compact(term.value)
            described = getattr(labels, "described", None)
            if described is None or term.value in described:
                return Markup('<a href="{}" title="{}">{}</a>').format(
                    self.link(term.value), term.value, text)
            if term.value.startswith(("http://", "https://")):
                return Markup('<a href="{}" title="{}" class="external" rel="nofollow">{}</a>'
                              ).format(term.value, term.value, text)
            return Markup('<span title="{}">{}</span>').format(term.value, text)
        if isinstance(term, ox.BlankNode):
            return Markup("<span class=bnode>_:{}</span>").format(term.value)
        if term.language:
            return Markup('<span lang="{}">{}</span>').format(term.language, term.value)
        return Markup("{}").format(term.value)

    def render(self, name: str, status: int = 200, **context: Any) -> HTMLResponse:
        html = self.env.get_template(name).render(**context)
        return HTMLResponse(html, status_code=status)

    def error_page(self, request: Request, status: int, message: str) -> Response:
        # HTML only for a client that asks for it by name (a browser); a program gets the
        # sentence as text
        accept = request.headers.get("accept")
        named = any(m == formats.HTML and q > 0 for m, q in formats.parse_accept(accept))
        if named and formats.negotiate(accept, [formats.HTML, "text/plain"]) == formats.HTML:
            return self.render("error.html", status=status, status_code=status,
                               message=message, title=f"{status}")
        return PlainTextResponse(f"{message}\n", status_code=status)

    async def call(self, job: dict) -> dict:
        answer = await self.runner.call(job, self.settings.timeout)
        if not answer.get("ok"):
            raise UserError(answer.get("status", 500), answer.get("message", "error"))
        if "labels" in answer:
            answer["labels"] = Labels(answer["labels"], answer.get("described"))
        return answer


def create_app(settings: Settings, runner: Runner | None = None) -> Any:
    """The ASGI application; its lifespan loads the graph (unless ``runner`` has) and stops
    the evaluation thread. Protocol
    queries at ``/sparql`` take a lean path in front of Starlette
    (:class:`~clustergraph.serve.sparql.Front`), the rest goes through it."""
    runner = runner or Runner(settings.store_dir)
    site = Site(settings, runner)

    @contextlib.asynccontextmanager
    async def lifespan(_app: Starlette):  # noqa: ANN202
        await runner.start()
        try:
            yield
        finally:
            await runner.close()

    def guarded(handler):  # noqa: ANN001, ANN202
        async def endpoint(request: Request) -> Response:
            try:
                return await handler(site, request)
            except UserError as exc:
                return site.error_page(request, exc.status, exc.message)
            except ClustergraphError as exc:
                return site.error_page(request, status_of(exc), exc.message)
        return endpoint

    from . import pages, sparql

    routes = [
        Route("/", guarded(pages.home)),
        Route("/sparql", guarded(sparql.endpoint), methods=["GET", "POST"]),
        Route("/queries", guarded(pages.gallery)),
        Route("/query/{name:str}", guarded(pages.query_page)),
        Route("/editor", guarded(pages.editor), methods=["GET", "POST"]),
        Route("/country/{code:str}", guarded(pages.country)),
        Route("/resource", guarded(pages.resource_by_param)),
        Mount("/static", StaticFiles(packages=[("clustergraph.serve", "static")]),
              name="static"),
        Route("/{path:path}", guarded(pages.resource_by_path)),
    ]
    middleware = [Middleware(SecurityHeaders), Middleware(BodyLimit, limit=settings.max_body)]
    if settings.cors:
        from starlette.middleware.cors import CORSMiddleware

        middleware.insert(0, Middleware(CORSMiddleware, allow_origins=[settings.cors],
                                        allow_methods=["GET", "POST"],
                                        allow_headers=["Content-Type", "Accept"]))

    async def not_found(request: Request, exc: HTTPException) -> Response:
        return site.error_page(request, exc.status_code, exc.detail or "not found")

    async def server_error(request: Request, _exc: Exception) -> Response:
        return site.error_page(request, 500, "internal error: the server could not answer "
                                             "this request")

    app = Starlette(routes=routes, middleware=middleware, lifespan=lifespan,
                    exception_handlers={HTTPException: not_found, 500: server_error})
    app.state.site = site
    return sparql.Front(app, site)


# --------------------------------------------------------------------------- middleware


class SecurityHeaders:
    """Headers every response carries: no sniffing, no framing, scripts and styles from
    this server only (charts are inline SVG, so no script is needed for them)."""

    HEADERS = [
        (b"x-content-type-options", b"nosniff"),
        (b"x-frame-options", b"DENY"),
        (b"referrer-policy", b"same-origin"),
        (b"content-security-policy",
         b"default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
         b"frame-ancestors 'none'"),
    ]

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with(message: dict) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", [])
                message["headers"] = list(message["headers"]) + self.HEADERS
            await send(message)

        await self.app(scope, receive, send_with)


class BodyLimit:
    """Requests with a body over ``limit`` bytes answer 413, whether the size is declared
    (``Content-Length``) or only found while reading."""

    def __init__(self, app: Any, limit: int) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: dict, receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = dict(scope.get("headers") or []).get(b"content-length")
        if declared is not None and (not declared.isdigit() or int(declared) > self.limit):
            await self._refuse(send)
            return
        seen = 0

        async def limited() -> dict:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.limit:
                    raise _TooLarge
            return message

        started = False

        async def track(message: dict) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited, track)
        except _TooLarge:
            if not started:
                await self._refuse(send)

    async def _refuse(self, send: Any) -> None:
        body = (f"the request body is over the {self.limit} byte limit\n").encode()
        await send({"type": "http.response.start", "status": 413,
                    "headers": [(b"content-type", b"text/plain; charset=utf-8"),
                                (b"content-length", str(len(body)).encode())]})
        await send({"type": "http.response.body", "body": body})


class _TooLarge(Exception):
    pass


# --------------------------------------------------------------------------- helpers


def check(text: str, name: str = "query") -> str:
    """Refuse (403) what :func:`clustergraph.query.check_query` refuses: what reaches outside
    the store or changes data. Returns the query's form as far as it tells: ``SELECT`` (or
    ASK), ``GRAPH`` (CONSTRUCT, DESCRIBE), or ``OTHER`` when it does not run the query
    itself (a form it does not run, or text it cannot read): Oxigraph then decides, and a
    query that does not parse is a 400 from there."""
    try:
        checked = check_query(text, name)
    except RefusedError:
        raise
    except ClustergraphError:
        return "OTHER"
    form = str(getattr(checked, "form", "SELECT")).upper()
    return "GRAPH" if form in ("CONSTRUCT", "DESCRIBE") else "SELECT"


__all__ = ["Settings", "Site", "create_app"]
