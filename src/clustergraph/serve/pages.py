"""The HTML pages (server-side rendered; usable without JavaScript) and the IRI pages'
content negotiation.

- ``/`` the start page; ``/queries`` the gallery of saved questions; ``/query/NAME`` one
  question: a form from its typed parameters (its IRI values resolved in the worker by
  :func:`clustergraph.params.resolve`, as ``query run --param`` resolves them: a label or
  a code works, a value naming nothing is a 400 in the form), the table (sortable by
  links), its chart, CSV and JSON downloads, a permalink; ``/editor`` ad-hoc read-only
  queries.
- ``/country/CODE`` a country's key facts on one screen (policies, state of play,
  instruments, Euroclusters), from the saved queries.
- a page for every IRI: ``https://w3id.org/clustergraph/X`` at ``X`` under the base URL,
  any other IRI at ``resource?iri=``; HTML, Turtle, N-Triples or JSON-LD by ``Accept`` (or
  ``?format=``), with ``Vary: Accept`` and ``Link: <...>; rel="alternate"``.
"""

from __future__ import annotations

import asyncio
import urllib.parse
from typing import Any

import pyoxigraph as ox
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response

from ..catalog import SavedQuery, display_term
from ..errors import UsageError
from ..namespaces import DCT, PROV, RDF_TYPE, RDFS, SKOS, sparql_prefixes
from ..params import precheck
from ..query import QueryResult
from ..render import human, to_csv, to_json
from ..resources import BASE
from . import charts
from .app import COUNTRY, Site, UserError
from .formats import GRAPH_TYPES, HTML, negotiate

CG = BASE + "ontology#"
#: Property groups of an IRI page, in order; the rest go under "Properties".
GROUPS = (
    ("Names and descriptions", (RDFS + "label", SKOS + "prefLabel", SKOS + "altLabel",
                                DCT + "title", SKOS + "notation", DCT + "identifier",
                                RDFS + "comment", SKOS + "definition", DCT + "description",
                                CG + "quotation")),
    ("Classification", (RDF_TYPE, SKOS + "inScheme", SKOS + "broader", SKOS + "narrower",
                        SKOS + "topConceptOf", RDFS + "subClassOf", RDFS + "subPropertyOf",
                        RDFS + "domain", RDFS + "range", RDFS + "isDefinedBy")),
    ("Sources", (PROV + "wasDerivedFrom", RDFS + "seeAlso", DCT + "source",
                 DCT + "isPartOf")),
)
RESERVED = {"format", "sort", "desc"}
FORMAT_NAMES = {"html": HTML, **{k: v for k, v in GRAPH_TYPES.items()}, "ttl": GRAPH_TYPES[
    "turtle"]}
TYPE_TO_GRAPH = {v: k for k, v in GRAPH_TYPES.items()}


# --------------------------------------------------------------------------- helpers


def _sort_rows(rows: list[tuple], variables: list[str], labels: dict[str, str],
               column: str | None, desc: bool) -> list[tuple]:
    if not column or column not in variables:
        return rows
    i = variables.index(column)

    def key(row: tuple) -> tuple:
        t = row[i]
        if t is None:
            return (2, 0.0, "")
        v = charts._number(t)
        if v is not None:
            return (0, v, "")
        return (1, 0.0, human(t, labels).lower())

    present = [r for r in rows if r[i] is not None]
    missing = [r for r in rows if r[i] is None]
    return sorted(present, key=key, reverse=desc) + missing


def _numeric_columns(variables: list[str], rows: list[tuple]) -> set[str]:
    out = set()
    for i, v in enumerate(variables):
        vals = [r[i] for r in rows if r[i] is not None]
        if vals and all(charts._number(t) is not None for t in vals):
            out.add(v)
    return out


def table_context(request: Request, variables: list[str], rows: list[tuple],
                  labels: dict[str, str]) -> dict[str, Any]:
    """The table's rows (sorted as the ``sort``/``desc`` parameters say) and the links that
    sort it by each column (the current parameters kept)."""
    sort = request.query_params.get("sort")
    desc = request.query_params.get("desc") == "1"
    rows = _sort_rows(rows, variables, labels, sort, desc)
    base = {k: v for k, v in request.query_params.multi_items() if k not in ("sort", "desc")}
    links = {}
    for v in variables:
        params = dict(base, sort=v)
        if sort == v and not desc:
            params["desc"] = "1"
        links[v] = "?" + urllib.parse.urlencode(params)
    return {"variables": variables, "rows": rows, "labels": labels, "sort": sort,
            "desc": desc, "sort_links": links,
            "numeric": _numeric_columns(variables, rows)}


def _downloads(answer: dict, fmt: str, name: str) -> Response:
    result = QueryResult(answer["variables"], answer["rows"], answer["boolean"])
    if fmt == "csv":
        body, media = to_csv(result), "text/csv; charset=utf-8"
    else:
        body, media = to_json(result), "application/sparql-results+json; charset=utf-8"
    headers = {"Content-Disposition": f'attachment; filename="{name}.{fmt}"'}
    if answer["truncated"]:
        headers["Clustergraph-Truncated"] = "the answer was cut at the row limit"
    return Response(body, media_type=media, headers=headers)


async def _options(site: Site, q: SavedQuery) -> dict[str, list[tuple[str, str]]]:
    if q.name not in site.options:
        params = [{"name": p.name, "default": p.default.value if isinstance(
                       p.default, ox.NamedNode) else None,
                   "allowed": [t.value for t in p.allowed]} for p in q.params
                  if p.type == "iri"]
        answer = await site.call({"kind": "options", "params": params,
                                  "query": q.name}) if params else {
            "options": {}, "suggest": []}
        site.options[q.name] = answer["options"]
        site.suggest[q.name] = set(answer["suggest"])
    return site.options[q.name]


# --------------------------------------------------------------------------- pages


async def home(site: Site, request: Request) -> Response:
    answer = await site.call({
        "kind": "saved", "name": "countries", "params": {}, "cap": 1000,
        "text": sparql_prefixes("cg")
                + "SELECT DISTINCT ?country WHERE { ?f a cg:Factsheet ; cg:country ?country }"})
    countries = sorted(((r[0].value, answer["labels"].get(r[0].value, r[0].value))
                        for r in answer["rows"] if r[0] is not None), key=lambda c: c[1])
    countries = [(iri[len(COUNTRY):], label) for iri, label in countries
                 if iri.startswith(COUNTRY)]
    return site.render("home.html", title="clustergraph", countries=countries,
                       queries=list(site.queries.values()))


async def gallery(site: Site, request: Request) -> Response:
    by_tag: dict[str, list[SavedQuery]] = {}
    for q in site.queries.values():
        by_tag.setdefault((q.tags or ["other"])[0], []).append(q)
    return site.render("gallery.html", title="Questions", groups=sorted(by_tag.items()))


async def query_page(site: Site, request: Request) -> Response:
    name = request.path_params["name"]
    q = site.queries.get(name)
    if q is None:
        raise UserError(404, f"no saved query {name!r}; the questions are listed at "
                             f"{site.root}queries")
    fmt = request.query_params.get("format")
    if fmt in ("csv", "json"):
        pass
    elif fmt is not None or negotiate(request.headers.get("accept"),
                                      [HTML, *GRAPH_TYPES.values()]) != HTML:
        return await resource(site, request, q.iri)
    given = {k: v for k, v in request.query_params.items()
             if k not in RESERVED and v.strip() != ""}
    error = None
    try:  # a parameter's name and a literal's form, before the graph is read
        precheck(q, given)
        bound = q.bind({k: v for k, v in given.items() if q.param(k).type != "iri"})
    except UsageError as exc:
        error, bound = exc.message, {}
    options = await _options(site, q)
    values = {p.name: given.get(p.name, value_of(bound.get(p.name))) for p in q.params}
    answer = None
    if error is None:
        try:  # IRI parameters resolved in the worker by clustergraph.params, as the CLI does
            answer = await site.call({"kind": "saved", "name": q.name, "params": given,
                                      "cap": site.settings.max_rows})
        except UserError as exc:
            if exc.status != 400 or fmt in ("csv", "json"):
                raise
            error = exc.message
        else:
            if fmt in ("csv", "json"):
                return _downloads(answer, fmt, q.name)
            # the form and the permalink show what the values resolved to (BE: country:BEL)
            values.update({k: value_of(ox.NamedNode(v[1:-1])) if v.startswith("<") else v
                           for k, v in answer.get("resolved", {}).items()})
    permalink = site.root + "query/" + q.name
    if any(values.values()):  # an optional parameter left empty is not in it
        permalink += "?" + urllib.parse.urlencode({k: v for k, v in values.items() if v})
    context: dict[str, Any] = {"title": q.summary or q.name, "q": q, "values": values,
                               "options": options, "suggest": site.suggest.get(q.name, set()),
                               "error": error, "permalink": permalink,
                               "answer": answer, "chart": None}
    if answer is not None:
        context.update(table_context(request, answer["variables"], answer["rows"],
                                     answer["labels"]))
        svg = charts.chart(q.view, q.view_columns, answer["variables"], answer["rows"],
                           answer["labels"], q.summary or q.name)
        context["chart"] = svg
        sep = "&" if "?" in permalink else "?"
        context["downloads"] = {f: permalink + sep + "format=" + f for f in ("csv", "json")}
    return site.render("query.html", status=400 if error else 200, **context)


def value_of(term: Any) -> str:
    return display_term(term) if term is not None else ""


async def editor(site: Site, request: Request) -> Response:
    text = request.query_params.get("query")
    if request.method == "POST":  # form-encoded, parsed here (no multipart dependency)
        try:
            body = (await request.body()).decode("utf-8")
        except UnicodeDecodeError:
            raise UserError(400, "the request body is not UTF-8") from None
        text = (urllib.parse.parse_qs(body).get("query") or [""])[0]
    answer = error = None
    context: dict[str, Any] = {}
    if text and text.strip():
        try:
            answer = await site.call({"kind": "saved", "name": "query", "params": {},
                                      "cap": site.settings.max_rows, "text": text})
        except UserError as exc:
            error = exc.message
        except UsageError as exc:
            error = exc.message
        if error and "only SELECT and ASK" in error:
            error += "; CONSTRUCT and DESCRIBE are answered at the SPARQL endpoint, /sparql"
        if answer is not None:
            context.update(table_context(request, answer["variables"], answer["rows"],
                                         answer["labels"]))
    default = (sparql_prefixes("cg", "rdfs") + "\n"
               "SELECT ?policy ?name WHERE {\n  ?policy a cg:ClusterPolicy ; rdfs:label ?name .\n"
               "}\nORDER BY ?name\n")
    permalink = site.root + "editor?" + urllib.parse.urlencode({"query": text}) if text else None
    return site.render("editor.html", status=400 if error else 200, title="Query editor",
                       text=text or default, answer=answer, error=error,
                       permalink=permalink, **context)


#: The saved questions a country page is made of, in order.
COUNTRY_PARTS = ("policy-overview", "state-of-play", "instrument-mix", "euroclusters")


async def country(site: Site, request: Request) -> Response:
    code = request.path_params["code"].upper()
    if not code.isalpha() or len(code) != 3:
        raise UserError(404, f"no country {code!r}: use the EU three-letter code, e.g. BEL")
    iri = COUNTRY + code
    found = await site.call({"kind": "describe", "iri": iri})
    if not found["found"]:
        raise UserError(404, f"the graph does not describe the country {code}")
    parts = [site.queries[n] for n in COUNTRY_PARTS if n in site.queries]
    answers = await asyncio.gather(*(
        site.call({"kind": "saved", "name": q.name, "params": {"country": ox.NamedNode(iri)},
                   "cap": site.settings.max_rows}) for q in parts))
    sections = []
    for q, answer in zip(parts, answers, strict=True):
        # every row is this country's: its column is left out of the table
        keep = [j for j, v in enumerate(answer["variables"]) if v != "country"]
        variables = [answer["variables"][j] for j in keep]
        rows = [tuple(r[j] for j in keep) for r in answer["rows"]]
        sections.append({
            "q": q, "answer": answer, "variables": variables, "rows": rows,
            "link": site.root + "query/" + q.name + "?" + urllib.parse.urlencode(
                {"country": "country:" + code}),
            "chart": charts.chart(q.view, q.view_columns, answer["variables"],
                                  answer["rows"], answer["labels"], q.summary),
            "numeric": _numeric_columns(variables, rows),
        })
    label = found["labels"].get(iri, code)
    return site.render("country.html", title=label, code=code, iri=iri, sections=sections,
                       has_data=any(s["answer"]["rows"] for s in sections))


# --------------------------------------------------------------------------- IRI pages


async def resource_by_param(site: Site, request: Request) -> Response:
    iri = request.query_params.get("iri", "")
    try:
        ox.NamedNode(iri)
    except ValueError:
        raise UserError(400, f"iri: {iri!r} is not an IRI") from None
    if iri.startswith(BASE) and "#" not in iri:  # its own address is the canonical one
        return RedirectResponse(site.link(iri), status_code=303)
    return await resource(site, request, iri)


async def resource_by_path(site: Site, request: Request) -> Response:
    path = request.path_params["path"]
    try:
        iri = BASE + path
        ox.NamedNode(iri)
    except ValueError:
        raise UserError(404, f"{path!r} is not a resource of this graph") from None
    return await resource(site, request, iri)


def _alternates(site: Site, iri: str) -> str:
    page = site.link(iri)
    sep = "&" if "?" in page else "?"
    return ", ".join(f'<{page}{sep}format={name}>; rel="alternate"; type="{media}"'
                     for name, media in GRAPH_TYPES.items())


async def resource(site: Site, request: Request, iri: str) -> Response:
    fmt = request.query_params.get("format")
    if fmt is not None:
        if fmt not in FORMAT_NAMES:
            raise UserError(400, f"format: {fmt!r} is not one of html, turtle, nt, jsonld")
        chosen = FORMAT_NAMES[fmt]
    else:
        chosen = negotiate(request.headers.get("accept"), [HTML, *GRAPH_TYPES.values()])
    headers = {"Vary": "Accept", "Link": _alternates(site, iri)}
    if chosen is None:
        return Response("this resource is available as text/html, "
                        + ", ".join(GRAPH_TYPES.values()) + "\n", status_code=406,
                        media_type="text/plain", headers=headers)
    if chosen != HTML:
        answer = await site.call({"kind": "rdf", "iri": iri, "format": TYPE_TO_GRAPH[chosen]})
        if not answer["found"]:
            return Response(f"the graph does not describe {iri}\n", status_code=404,
                            media_type="text/plain", headers=headers)
        media = chosen + ("; charset=utf-8" if not chosen.startswith("text/") else "")
        return Response(answer["body"], media_type=media, headers=headers)
    answer = await site.call({"kind": "describe", "iri": iri})
    if not answer["found"]:
        response = site.render("error.html", status=404, status_code=404, title="Not found",
                               message=f"The graph does not describe {iri}.", iri=iri)
        response.headers.update(headers)
        return response
    context = page_context(site, iri, answer)
    context["key_facts"] = await key_facts(site, iri, answer)
    response = site.render("resource.html", **context)
    response.headers.update(headers)
    return response


#: The saved questions whose row for a cluster policy is shown at the top of its page.
POLICY_PARTS = ("policy-overview", "instrument-mix", "funding-model")


async def key_facts(site: Site, iri: str, answer: dict) -> list[dict[str, Any]]:
    """For a cluster policy, its rows of the policy questions (overview, instruments,
    funding), so that its key facts are on one screen; nothing for other resources."""
    types = {o.value for p, o in answer["out"] if p.value == RDF_TYPE}
    countries = [o for p, o in answer["out"] if p.value == CG + "country"
                 and isinstance(o, ox.NamedNode)]
    if CG + "ClusterPolicy" not in types or not countries:
        return []
    parts = [site.queries[n] for n in POLICY_PARTS if n in site.queries]
    answers = await asyncio.gather(*(
        site.call({"kind": "saved", "name": q.name, "params": {"country": countries[0]},
                   "cap": site.settings.max_rows}) for q in parts))
    out = []
    node = ox.NamedNode(iri)
    for q, a in zip(parts, answers, strict=True):
        if "policy" not in a["variables"]:
            continue
        i = a["variables"].index("policy")
        keep = [j for j, v in enumerate(a["variables"]) if v not in ("country", "policy")]
        rows = [tuple(r[j] for j in keep) for r in a["rows"] if r[i] == node]
        if rows:
            out.append({"q": q, "variables": [a["variables"][j] for j in keep], "rows": rows,
                        "labels": a["labels"],
                        "numeric": _numeric_columns([a["variables"][j] for j in keep], rows),
                        "link": site.root + "query/" + q.name + "?" + urllib.parse.urlencode(
                            {"country": display_term(countries[0])})})
    return out


def page_context(site: Site, iri: str, answer: dict) -> dict[str, Any]:
    """The view of a resource: its statements grouped (names, classification, the rest,
    sources), each with the source of the node that states it; the statements about it."""
    labels: dict[str, str] = answer["labels"]
    derived: dict[str, list[str]] = answer["derived"]
    node_key = str(ox.NamedNode(iri))
    own_sources = derived.get(node_key, [])
    by_predicate: dict[str, list[Any]] = {}
    for p, o in answer["out"]:
        by_predicate.setdefault(p.value, []).append(o)
    order = {p: (g, i) for g, (_, props) in enumerate(GROUPS) for i, p in enumerate(props)}
    groups: list[dict[str, Any]] = [{"name": n, "rows": []} for n, _ in GROUPS]
    other: list[dict[str, Any]] = []
    for p in sorted(by_predicate, key=lambda p: (order.get(p, (9, 0)),
                                                 (labels.get(p) or p).lower())):
        objects = sorted(by_predicate[p], key=lambda o: (human(o, labels).lower(), str(o)))
        row = {"p": p, "objects": objects}
        if p in order:
            groups[order[p][0]]["rows"].append(row)
        else:
            other.append(row)
    groups.insert(2, {"name": "Properties", "rows": other})
    inbound: dict[str, list[Any]] = {}
    for s, p in answer["inbound"]:
        inbound.setdefault(p.value, []).append(s)
    inbound_rows = [{"p": p, "subjects": sorted(subs, key=lambda s: human(s, labels).lower()),
                     } for p, subs in sorted(inbound.items(),
                                             key=lambda kv: (labels.get(kv[0]) or kv[0]))]
    types = [o for o in by_predicate.get(RDF_TYPE, []) if isinstance(o, ox.NamedNode)]
    country_page = None
    if iri.startswith(COUNTRY) and any(s["p"] == CG + "country" for s in inbound_rows):
        country_page = site.root + "country/" + iri[len(COUNTRY):]
    return {
        "title": labels.get(iri) or iri, "iri": iri, "labels": labels, "types": types,
        "groups": [g for g in groups if g["rows"]], "inbound": inbound_rows,
        "inbound_total": answer["inbound_total"], "shown_inbound": len(answer["inbound"]),
        "own_sources": own_sources, "derived": derived, "blanks": answer["blanks"],
        "alternates": [(name, site.link(iri) + ("&" if "?" in site.link(iri) else "?")
                        + "format=" + name) for name in GRAPH_TYPES],
        "country_page": country_page, "source_html": lambda s: source_html(site, s, labels),
    }


def source_html(site: Site, iri: str, labels: dict[str, str]) -> Any:
    """A source: the factsheet part's label (edition and section) linked to its page; a
    web page (not described here) linked as itself."""
    from markupsafe import Markup

    if iri in labels or iri.startswith(BASE):
        label = labels.get(iri, "")
        short = label.split(":")[0] if 0 < label.find(":") < 40 else label
        if not short or iri not in (getattr(labels, "described", None) or {iri}):
            return site.term_html(ox.NamedNode(iri), labels)
        return Markup('<a href="{}" title="{}">{}</a>').format(site.link(iri), label, short)
    if not iri.startswith(("http://", "https://")):  # never a javascript: or data: link
        return Markup("<span class=external>{}</span>").format(iri)
    return Markup('<a href="{}" rel="nofollow noopener" class="external">{}</a>').format(
        iri, iri)
