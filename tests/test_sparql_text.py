"""The SPARQL-text module: escapes decoded as SPARQL 1.1 section 19.2 says, tokens by the
grammar's terminals, refusal in either reading of the text, and the token-aware edits that
the SHACL compiler and the rules use."""

from __future__ import annotations

import pytest

from clustergraph import sparql_text as st
from clustergraph.errors import RefusedError


def test_decode_escapes() -> None:
    assert st.decode_escapes(r"<http://x/\u0041> \U0001F600 \u00e9") == "<http://x/A> 😀 é"
    assert st.decode_escapes(r"\u00zz \U00110000") == r"\u00zz \U00110000"  # left as written
    assert st.decode_escapes(r"\u005Cu0041") == r"\u0041"  # once: not decoded again


def test_tokens_follow_the_grammar() -> None:
    kinds = [(t.kind, t.text) for t in st.tokens(
        "PREFIX ex: <http://x/\\u0041#> SELECT ?v WHERE { ?v ex:a\\#b 'it''s' . "
        "# note\rBIND(\"q\\u0022\" AS $w) }")]
    assert kinds == [
        ("word", "PREFIX"), ("pname", "ex:"), ("iri", "<http://x/\\u0041#>"),
        ("word", "SELECT"), ("var", "?v"), ("word", "WHERE"), ("open", "{"), ("var", "?v"),
        ("pname", "ex:a\\#b"), ("string", "'it'"), ("string", "'s'"), ("other", "."),
        ("comment", "# note"), ("word", "BIND"), ("lparen", "("), ("string", '"q\\u0022"'),
        ("word", "AS"), ("var", "$w"), ("rparen", ")"), ("close", "}"),
    ]


def test_a_string_with_an_escape_neither_engine_knows_is_read_as_code() -> None:
    # "\q" is not a string to SPARQL: what follows is not hidden in it
    assert st.forbidden_keyword('SELECT * WHERE { BIND("\\q SERVICE" AS ?x) }') == "SERVICE"


@pytest.mark.parametrize(("text", "keyword"), [
    # the bypass and its relatives
    (r"SELECT * WHERE { ?s ?p <http://x/\u0041#> SERVICE <http://h/> {} }", "SERVICE"),
    (r"SELECT * WHERE { ?s ?p <http://x/\U0001F600#> service <http://h/> {} }", "SERVICE"),
    # a comment ends at a carriage return as at a line feed
    ("SELECT * WHERE { ?s ?p ?o # x\rSERVICE <http://h/> {} }", "SERVICE"),
    # decoded before parsing (19.2): a line break ends the comment, a quote the string
    (r"SELECT * WHERE { ?s ?p ?o # x \u000A SERVICE <http://h/> {} }", "SERVICE"),
    (r'SELECT * WHERE { BIND("a\u0022 SERVICE <http://h/> {} \u0022" AS ?x) }', "SERVICE"),
    # the keyword itself escaped
    (r"SELECT * WHERE { \u0053ERVICE <http://h/> {} }", "SERVICE"),
    (r"SELECT * \u0046ROM <http://h/g> WHERE { ?s ?p ?o }", "FROM"),
    ("SELECT * FROM NAMED <http://h/g> WHERE { GRAPH ?g { ?s ?p ?o } }", "FROM"),
    ("LOAD <http://h/data.ttl>", "LOAD"),
    ("INSERT DATA { <http://a> <http://b> <http://c> }", "INSERT"),
    (r"\u0044ELETE WHERE { ?s ?p ?o }", "DELETE"),
    # a prefixed name's escape is not a comment: what follows is read
    ("SELECT * WHERE { ?s ex:a\\#b ?o SERVICE <http://h/> {} }", "SERVICE"),
    # Oxigraph reads a keyword glued to a name: SERVICE to it
    ("PREFIX ex: <http://h/> SELECT * WHERE { SERVICEex:x { ?a ?b ?c } }", "SERVICE"),
    ("PREFIX : <http://h/> SELECT * WHERE { SERVICE:x # c\n { ?a ?b ?c } }", "SERVICE"),
    ("PREFIX : <http://h/> SELECT * WHERE { service: { ?a ?b ?c } }", "SERVICE"),
    ("SELECT * WHERE { SERVICESILENT<http://h/> { ?a ?b ?c } }", "SERVICE"),
    ("SELECT * FROMNAMED<http://h/g> WHERE { ?s ?p ?o }", "FROM"),
    # keywords in strings, IRIs, comments and names are not keywords
    ('SELECT * WHERE { ?s ?p "SERVICE FROM LOAD" }', None),
    ("SELECT * WHERE { ?s <http://x/from#service> ?o } # SERVICE", None),
    ("PREFIX service: <http://x/> SELECT ?from WHERE { ?s service:load ?from }", None),
    # the price: such a name as an object right before a group is refused too (a "." after
    # the triple keeps it); telling the two apart needs a parser, and the check errs safe
    ("PREFIX service: <http://x/> SELECT * WHERE { ?s ?p service:o { ?s ?p ?o } }",
     "SERVICE"),
    ("PREFIX service: <http://x/> SELECT * WHERE { ?s ?p service:o . { ?s ?p ?o } }", None),
    (r"SELECT * WHERE { ?s ?p 'SERVICE\u0027' }", None),
    (r'SELECT * WHERE { ?s ?p """a "" SERVICE \" """ }', None),
])
def test_forbidden_keyword(text: str, keyword: str | None) -> None:
    assert st.forbidden_keyword(text) == keyword


def test_update_allowed_still_refuses_outside() -> None:
    assert st.forbidden_keyword("INSERT { ?s ?p 1 } WHERE { ?s ?p ?o }",
                                update_allowed=True) is None
    assert st.forbidden_keyword("LOAD <http://h/x>", update_allowed=True) == "LOAD"


def test_refuse_messages() -> None:
    with pytest.raises(RefusedError) as outside:
        st.refuse(r"SELECT * WHERE { <http://x/\u0041#> ?p ?o SERVICE <http://h/> {} }", "q")
    assert str(outside.value) == (
        "q: SERVICE would make the query reach outside the loaded graph; refused")
    with pytest.raises(RefusedError) as update:
        st.refuse("CLEAR ALL", "q")
    assert str(update.value) == "q: CLEAR is SPARQL Update, which changes data; refused"


def test_where_open_and_edits_skip_strings_iris_and_comments() -> None:
    text = ('SELECT $this WHERE { # WHERE { $value\n'
            '$this <http://x/$value> "$value" ; ?p $value . { SELECT ?x WHERE {} } }')
    assert st.where_open(text) == text.index("{")
    assert st.where_open("SELECT ?x { ?x ?p ?o }") == 10
    assert st.where_open("SELECT ?x") is None
    assert st.subquery_count(text) == 1
    assert st.uses_variable(text, "value")
    assert not st.uses_variable('SELECT * WHERE { ?s ?p "$PATH" }', "PATH")
    assert st.replace_variables(text, {"this": "?this", "value": "<http://v>"}) == (
        'SELECT ?this WHERE { # WHERE { $value\n'
        '?this <http://x/$value> "$value" ; ?p <http://v> . { SELECT ?x WHERE {} } }')


def test_query_module_reexports_the_checker() -> None:
    from clustergraph import query

    assert query.check_query is st.check_query
    assert query.with_values is st.with_values
    assert query.CheckedQuery is st.CheckedQuery
    assert query.tokens is st.tokens
