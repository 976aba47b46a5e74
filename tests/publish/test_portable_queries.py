"""Every saved query × {local, Oxigraph server, Virtuoso 7.2}: the same rows, after
``clustergraph publish`` of the bundled graph to each store and ``query run --endpoint``.

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
VIRTUOSO_DIFFERS: dict[str, str] = {
    "policies-active-in-year": (
        "Virtuoso 7.2 loses rows when two variables are bound by VALUES (as `query run "
        "--endpoint` binds country and year) and the query has two OPTIONALs or a NOT EXISTS "
        "(1 or 0 of 3 rows; with one VALUES variable, or none, it answers right): no SPARQL "
        "1.1 form of this question found that avoids it"),
}


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


CASES = [pytest.param(q, kind, id=f"{q.name}-{kind}",
                      marks=[pytest.mark.xfail(strict=True, reason=VIRTUOSO_DIFFERS[q.name])]
                      if kind == "virtuoso" and q.name in VIRTUOSO_DIFFERS else [])
         for q in saved_queries() for kind in ("oxigraph", "virtuoso")]


@pytest.mark.parametrize(("query", "kind"), CASES)
def test_the_same_rows_on_every_store(kg, endpoints, query, kind) -> None:
    local = run(query, kg=kg)
    there = run(query, endpoint=endpoints[kind], timeout=120)
    assert there.variables == local.variables
    mine = [tuple(map(_norm, row)) for row in local.rows]
    theirs = [tuple(map(_norm, row)) for row in there.rows]
    assert mine, f"{query.name} has no rows locally: the comparison would say nothing"
    if _ordered(query.text):
        assert theirs == mine
    else:
        assert sorted(theirs, key=repr) == sorted(mine, key=repr)
