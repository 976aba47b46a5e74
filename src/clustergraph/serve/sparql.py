"""``/sparql``: a read-only SPARQL 1.1 Protocol endpoint.

GET with ``?query=``, POST form-encoded or ``application/sparql-query``; results negotiated
by ``Accept``: SPARQL JSON, XML, CSV or TSV for SELECT and ASK, Turtle, N-Triples or JSON-LD
for CONSTRUCT and DESCRIBE. Without a query: the service description. Updates, SERVICE,
LOAD, FROM and the protocol's ``default-graph-uri``/``named-graph-uri`` are refused with 403
(the endpoint serves one graph, its store, and changes nothing); a query that does not parse
is a 400; one past the time limit a 503; more than the row cap is cut and the response says
so (``Clustergraph-Truncated`` header, and ``head.truncated`` in JSON).
"""

from __future__ import annotations

import urllib.parse

from starlette.requests import Request
from starlette.responses import Response

from ..namespaces import SD
from .app import Site, UserError, check
from .formats import GRAPH_TYPES, HTML, RESULTS_TYPES, negotiate

TYPE_TO_RESULTS = {v: k for k, v in RESULTS_TYPES.items()}
TYPE_TO_GRAPH = {v: k for k, v in GRAPH_TYPES.items()}


async def read_query(request: Request) -> str | None:
    """The query text of a protocol request (``None``: no query, the service description)."""
    params = urllib.parse.parse_qs(request.url.query, keep_blank_values=True)
    if request.method == "POST":
        ctype = request.headers.get("content-type", "").split(";")[0].strip().lower()
        body = await request.body()
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(400, "the request body is not UTF-8") from None
        if ctype == "application/sparql-update" or "update" in params:
            raise UserError(403, "this endpoint is read-only: SPARQL Update is refused")
        if ctype == "application/sparql-query":
            queries = [text]
        elif ctype == "application/x-www-form-urlencoded":
            form = urllib.parse.parse_qs(text, keep_blank_values=True)
            if "update" in form:
                raise UserError(403, "this endpoint is read-only: SPARQL Update is refused")
            for key in ("default-graph-uri", "named-graph-uri"):
                params.setdefault(key, []).extend(form.get(key, []))
            queries = form.get("query", []) + params.get("query", [])
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


def service_description(site: Site, accept: str | None) -> Response:
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
    return Response(serialize(triples, fmt), media_type=GRAPH_TYPES[fmt],
                    headers={"Vary": "Accept"})


async def endpoint(site: Site, request: Request) -> Response:
    accept = request.headers.get("accept")
    text = await read_query(request)
    if text is None:
        if request.method == "GET" and negotiate(
                accept, [*GRAPH_TYPES.values(), HTML]) == HTML and "text/html" in (accept or ""):
            from .pages import editor

            return await editor(site, request)
        return service_description(site, accept)
    form = check(text)
    results_type = negotiate(accept, list(RESULTS_TYPES.values()))
    graph_type = negotiate(accept, list(GRAPH_TYPES.values()))
    wanted = {"SELECT": results_type, "GRAPH": graph_type}.get(form, results_type or graph_type)
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
    return Response(answer["body"], headers=headers, media_type=media)
