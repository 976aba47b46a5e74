"""A lint of the saved queries for the constructs that do not answer the same on the stores
clustergraph publishes to (Virtuoso 7.2, the Oxigraph server) as locally, each found by
running every saved query on both (tests/publish/test_portable_queries.py). A new query that
uses one is refused here with the portable form to write instead."""

from __future__ import annotations

from pathlib import Path

import pytest

from clustergraph.catalog import load_query, saved_queries
from clustergraph.query import Token, tokens
from clustergraph.sparql_text import closing_bracket

#: Known exceptions, each with its reason (see VIRTUOSO_DIFFERS in the portability matrix).
ALLOWED: set[tuple[str, str]] = set()


def _code(text: str) -> list[Token]:
    return [t for t in tokens(text) if t.kind != "comment"]


def _word(t: Token, *words: str) -> bool:
    return t.kind == "word" and t.text.upper() in words


_CASTS = {"xsd:integer", "xsd:decimal", "xsd:double", "xsd:float"}
_COMPARISONS = {"=", "!=", "<", ">", "<=", ">=", "&&", "||"}


def _operators(toks: list[Token]) -> set[str]:
    """The operators at the top level of an expression's tokens ("<" "=" read as "<=")."""
    out, depth, prev = set(), 0, ""
    for t in toks:
        if t.kind in ("lparen", "open"):
            depth += 1
        elif t.kind in ("rparen", "close"):
            depth -= 1
        elif depth == 0 and t.kind == "other":
            pair = prev + t.text
            out.add(pair if pair in _COMPARISONS else t.text)
        prev = t.text if t.kind == "other" else ""
    return out


def _only_in_expressions(toks: list[Token], name: str) -> bool:
    """Whether ``?name`` occurs in the WHERE group only inside parentheses (FILTER, BIND):
    in no triple pattern."""
    where = next((i for i, t in enumerate(toks) if t.kind == "open"), len(toks))
    depth, seen = 0, False
    for t in toks[where:]:
        if t.kind == "lparen":
            depth += 1
        elif t.kind == "rparen":
            depth -= 1
        elif t.kind == "var" and t.text[1:] == name:
            if depth == 0:
                return False
            seen = True
    return seen


def problems(text: str, params: tuple[str, ...] = ()) -> list[tuple[str, str]]:
    """(rule, message) for each non-portable construct of a query's text."""
    toks = _code(text)
    found: list[tuple[str, str]] = []
    optionals = 0
    for k, t in enumerate(toks):
        nxt = toks[k + 1] if k + 1 < len(toks) else None
        # (expression AS ?v) whose value is a comparison or a logical operation
        if _word(t, "AS") and k > 0:
            start = k - 1
            depth = 0
            while start > 0:
                if toks[start].kind in ("rparen", "close"):
                    depth += 1
                elif toks[start].kind in ("lparen", "open"):
                    if depth == 0:
                        break
                    depth -= 1
                start -= 1
            expr = toks[start + 1:k]
            if _operators(expr) & _COMPARISONS:
                found.append(("boolean-value", "a comparison or && / || projected as a value: "
                              "Virtuoso answers 0 or 1; wrap it in xsd:boolean(...)"))
        if _word(t, "BIND") and nxt is not None and nxt.kind == "lparen":
            inner = toks[k + 2] if k + 2 < len(toks) else None
            if inner is not None and _word(inner, "EXISTS", "NOT"):
                found.append(("bind-exists", "BIND(EXISTS {...}): Virtuoso fails with an "
                              "internal error (SQ156); count in a subquery instead"))
        if _word(t, "GROUP_CONCAT") and nxt is not None and nxt.kind == "lparen":
            first = k + 2
            if first < len(toks) and _word(toks[first], "DISTINCT"):
                first += 1
            if not (first < len(toks) and _word(toks[first], "STR")):
                found.append(("group-concat", "GROUP_CONCAT of terms: Oxigraph keeps a common "
                              "language tag, Virtuoso drops it; concatenate STR(...)"))
        if (t.kind == "pname" and t.text.lower() in _CASTS and nxt is not None
                and nxt.kind == "lparen" and k + 2 < len(toks) and toks[k + 2].kind == "var"):
            found.append(("cast", f"{t.text}(?var): a cast of a typed value (an xsd:gYear) "
                              "is not portable; cast its STR(...)"))
        if _word(t, "OPTIONAL") and nxt is not None and nxt.kind == "open":
            optionals += 1
            end = closing_bracket(toks, k + 1, len(toks))
            for i in range(k + 2, end):
                u = toks[i]
                if u.kind == "other" and u.text == "*" and i > 0 and \
                        toks[i - 1].kind in ("pname", "iri", "rparen"):
                    found.append(("path-in-optional", "a zero-or-more path inside OPTIONAL: "
                                  "Virtuoso 7.2 evaluates it wrongly; match it in a UNION "
                                  "branch instead"))
                    break
    # a zero-or-more or zero-or-one path anywhere (rdfs:subClassOf*, a/rdfs:subClassOf?)
    path = any(u.kind == "other" and u.text in ("*", "?") and i > 0
               and toks[i - 1].kind in ("pname", "iri", "rparen") for i, u in enumerate(toks))
    filtered_not_exists = False
    for k, t in enumerate(toks[:-2]):
        if _word(t, "NOT") and _word(toks[k + 1], "EXISTS") and toks[k + 2].kind == "open":
            inner = toks[k + 3:closing_bracket(toks, k + 2, len(toks))]
            filtered_not_exists |= any(_word(u, "FILTER") for u in inner)
    if path and filtered_not_exists:
        found.append(("path-and-not-exists", "a * or ? path with a FILTER NOT EXISTS { ... "
                      "FILTER(...) }: Virtuoso 7.2 returns no rows; match the class "
                      "hierarchy in UNION branches instead"))
    elif (path and (optionals or any(_word(u, "EXISTS") for u in toks))
          and any(_only_in_expressions(toks, p) for p in params)):
        found.append(("path-and-values", "a * or ? path, an OPTIONAL or NOT EXISTS, and a "
                      "parameter only in FILTER or BIND expressions (a VALUES block on an "
                      "endpoint): Virtuoso 7.2 loses rows; match the class hierarchy in "
                      "UNION branches instead"))
    return found


@pytest.mark.parametrize("query", saved_queries(), ids=lambda q: q.name)
def test_saved_queries_are_portable(query) -> None:
    left = [(rule, msg) for rule, msg in problems(query.text, tuple(p.name for p in query.params))
            if (query.name, rule) not in ALLOWED]
    assert left == []


BAD = {
    "boolean-value": "SELECT (COUNT(?x) > 0 AS ?any) WHERE { ?s ?p ?x }",
    "bind-exists": "SELECT ?s ?b WHERE { ?s ?p ?o BIND(EXISTS { ?s ?q ?r } AS ?b) }",
    "group-concat": 'SELECT (GROUP_CONCAT(DISTINCT ?l; separator=", ") AS ?ls) WHERE { ?s ?p ?l }',
    "cast": "SELECT ?s WHERE { ?s ?p ?y FILTER(xsd:integer(?y) > 2000) }",
    "path-in-optional": "SELECT ?s WHERE { ?s a ?t OPTIONAL { ?t rdfs:subClassOf* ?c } }",
    # policies-active-in-year as it was (0 rows on Virtuoso, with or without a VALUES block)
    "path-and-not-exists": "SELECT ?p WHERE { ?p a/rdfs:subClassOf* :Policy ; :start ?s "
                           "FILTER NOT EXISTS { ?n :replaces ?p ; :start ?m FILTER(?m < 9) } }",
}


@pytest.mark.parametrize("rule", sorted(BAD))
def test_each_construct_is_refused(rule) -> None:
    assert [r for r, _ in problems(BAD[rule])] == [rule]


def test_the_portable_forms_pass() -> None:
    good = ("SELECT (xsd:boolean(COUNT(?x) > 0) AS ?any) "
            '(GROUP_CONCAT(DISTINCT STR(?l); separator=", ") AS ?ls) WHERE { ?s ?p ?x '
            "FILTER(xsd:integer(STR(?y)) > 2000) { ?t rdfs:subClassOf* ?c } UNION { } }")
    assert problems(good) == []
    # ending-by-year as it was (one of Denmark's two rows lost with the country bound), and
    # as it is: the subclass in a UNION branch of its own
    was = ("SELECT ?c ?y ?i WHERE { { ?i a ?k ; :country ?c . ?k rdfs:subClassOf* :Policy } "
           "?i :end ?e OPTIONAL { ?i :type ?t } FILTER(?e <= ?y) }")
    assert [r for r, _ in problems(was, params=("c", "y"))] == ["path-and-values"]
    assert problems(was, params=("c",)) == []  # every parameter in a triple pattern
    now = ("SELECT ?c ?y ?i WHERE { { ?i a :Policy ; :country ?c } UNION { ?i a ?k ; "
           ":country ?c . ?k rdfs:subClassOf :Policy } ?i :end ?e OPTIONAL { ?i :type ?t } "
           "FILTER NOT EXISTS { ?n :replaces ?i ; :start ?m FILTER(?m < ?y) } }")
    assert problems(now, params=("c", "y")) == []


def test_a_new_query_file_is_linted(tmp_path: Path) -> None:
    path = tmp_path / "new-question.rq"
    path.write_text("#+ summary: A new question\n\nSELECT (COUNT(?x) = 1 AS ?one) "
                    "WHERE { ?s ?p ?x }\n")
    assert [r for r, _ in problems(load_query(path).text)] == ["boolean-value"]
