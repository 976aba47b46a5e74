"""Every saved query × {local, Oxigraph server, Virtuoso 7.2}: the same rows, after
``clustergraph publish`` of the bundled graph to each store and ``query run --endpoint``,
with its defaults and with its country (region) bound to each of the bundle's.

Rows are compared as SPARQL defines their values: numbers and booleans by value (Virtuoso
writes ``true`` as ``"1"^^xsd:boolean``, both stores ``1.50`` as ``1.5``), in order where the
query has an ORDER BY, as a multiset otherwise. Each store's default graph is set up as the
README says: Oxigraph with ``--union-default-graph``, Virtuoso with its union default."""

from __future__ import annotations

import pyoxigraph as ox
import pytest

from clustergraph.catalog import saved_queries
from clustergraph.publish.canonical import canonical_literal
from clustergraph.publish.client import Credentials, StoreClient
from clustergraph.publish.profiles import target
from clustergraph.publish.run import make_plan, publish
from clustergraph.query import run, tokens

from .conftest import PASSWORD

pytestmark = pytest.mark.slow

#: Saved queries whose answer on Virtuoso 7.2 still differs, each for a Virtuoso defect that
#: no portable SPARQL 1.1 rewrite has yet avoided (strict: a fix shows up as a failure).
#: None now: policies-active-in-year lost every row to a * path beside a FILTER NOT EXISTS
#: with a FILTER inside, ending-by-year one of Denmark's rows to a * path with the country
#: bound; both match the class hierarchy in UNION branches (tests/test_query_portability.py
#: refuses the two shapes).
VIRTUOSO_DIFFERS: dict[str, str] = {}

#: The bundle's countries with data, and a region: each query with a country (region)
#: parameter runs bound to each, as `query run -p country=...` sends it (a VALUES block).
COUNTRIES = ("BEL", "DNK", "FRA", "NOR", "POL")
COUNTRY = "http://publications.europa.eu/resource/authority/country/"


@pytest.fixture(scope="module")
def endpoints(request, kg):
    out = {}
    for kind in ("oxigraph", "virtuoso"):
        server = request.getfixturevalue(f"{kind}_server")
        creds = Credentials("dba", PASSWORD) if kind == "virtuoso" else None
        t = target(server.gsp_url)
        publish(make_plan(kg, t), StoreClient(t, creds=creds, timeout=120))
        out[kind] = server.query_url
    return out


def _norm(term):
    if isinstance(term, ox.Literal):
        return str(canonical_literal(term))
    return None if term is None else str(term)


def _ordered(text: str) -> bool:
    words = [t.text.upper() for t in tokens(text) if t.kind == "word"]
    return any(a == "ORDER" and b == "BY" for a, b in zip(words, words[1:], strict=False))


def _bindings(query) -> list[dict[str, str]]:
    names = {p.name for p in query.params}
    out: list[dict[str, str]] = [{}]
    if "country" in names:
        out += [{"country": f"<{COUNTRY}{c}>"} for c in COUNTRIES]
    if "region" in names:
        out.append({"region": "<http://data.europa.eu/nuts/code/BE2>"})
    return out


def _id(query, params: dict[str, str]) -> str:
    return query.name + "".join(f"-{v.rsplit('/', 1)[1][:-1]}" for v in params.values())


CASES = [pytest.param(q, params, kind, id=f"{_id(q, params)}-{kind}",
                      marks=[pytest.mark.xfail(strict=True, reason=VIRTUOSO_DIFFERS[q.name])]
                      if kind == "virtuoso" and q.name in VIRTUOSO_DIFFERS else [])
         for q in saved_queries() for params in _bindings(q)
         for kind in ("oxigraph", "virtuoso")]


@pytest.mark.parametrize(("query", "params", "kind"), CASES)
def test_the_same_rows_on_every_store(kg, endpoints, query, params, kind) -> None:
    local = run(query, params, kg=kg)
    there = run(query, params, endpoint=endpoints[kind], timeout=120)
    assert there.variables == local.variables
    mine = [tuple(map(_norm, row)) for row in local.rows]
    theirs = [tuple(map(_norm, row)) for row in there.rows]
    if not params:
        assert mine, f"{query.name} has no rows locally: the comparison would say nothing"
    if _ordered(query.text):
        assert theirs == mine
    else:
        assert sorted(theirs, key=repr) == sorted(mine, key=repr)
