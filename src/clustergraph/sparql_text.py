"""The one place that decides what SPARQL text may do: refusal of what reaches outside the
local graph or changes data, the form of a query, its WHERE group, the scopes a parameter
reaches and the token-aware edits of a query text (``VALUES`` blocks, SHACL ``$this`` and
parameter substitution). :mod:`clustergraph.query`, :mod:`clustergraph.validate` and
:mod:`clustergraph.shacl_sparql` call it for every such decision; none of them reads query
text with a regex of its own.

A query text is read the two ways an engine may read it, and refused if either way shows
``SERVICE``, ``LOAD``, ``FROM`` (``FROM NAMED`` included) or a SPARQL Update keyword:

- as SPARQL 1.1 defines it (section 19.2): every ``\\u``/``\\U`` codepoint escape decoded
  first, then tokenised (what a conforming endpoint does);
- as Oxigraph 0.5 reads it: escapes decoded only inside IRIs and strings, as lexical
  escapes (``"\\u0022"`` is a quote character in a string, not the end of the string).

``FROM`` and ``FROM NAMED`` are refused whatever they name (the store's own graphs are
reached with ``GRAPH``), so no engine is ever asked to fetch a dataset. A text checked here
is what runs: the SHACL compiler and the SPARQL rules check the query they assembled
(prefix declarations and parameters pasted in), not only the shapes' own text.

Both views use one tokenizer that follows the grammar's terminals: ``IRIREF`` (with
``UCHAR``), prefixed names (``PLX``: ``%HH`` and ``\\``-escapes, so ``ex:a\\#b`` holds no
comment), the four string forms with ``ECHAR``/``UCHAR`` escapes only (a string with another
escape is not a string to either engine and its text is read as code), comments to the end
of the line (``\\n`` *or* ``\\r``), variables, and keywords compared case-insensitively.
Oxigraph's parser also reads a keyword glued to what follows (``SERVICEex:x {``,
``SERVICE:x {``): a word that starts with a refused keyword is refused, and so is a
prefixed name that starts with ``SERVICE`` and is followed by a group (even as the object
of a triple, ``?s ?p service:o { ... }``: a ``.`` after the triple keeps it; telling the two
apart needs a parser, and the check errs on the safe side).
Where the tokenizer cannot read something it leaves it as code, so an error makes it refuse
more, never less.

The text check is the first wall; :mod:`clustergraph.netguard` is the second: local
evaluation runs in threads that cannot open a network socket at all.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import NamedTuple

import pyoxigraph as ox

from .errors import InputError, RefusedError, UsageError

__all__ = [
    "CheckedQuery", "Token", "check_query", "decode_escapes", "forbidden_keyword",
    "refuse", "replace_variables", "subquery_count", "tokens", "uses_variable",
    "where_open", "with_values",
]

Term = ox.NamedNode | ox.BlankNode | ox.Literal

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"""\\[tbnrf\\"']"""
_ESC = f"{_ECHAR}|{_UCHAR}"

# One scanner for the query text, by the grammar's terminals (SPARQL 1.1, 19.8): comments,
# strings and IRIs are tokens of their own, so that a keyword inside them is never taken for
# one, and nothing else is.
_TOKEN = re.compile(
    rf"""
    (?P<comment>\#[^\r\n]*)
  | (?P<string>\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ESC}))*\"\"\"
             |'''(?:(?:'|'')?(?:[^'\\]|{_ESC}))*'''
             |"(?:[^"\\\n\r]|{_ESC})*"
             |'(?:[^'\\\n\r]|{_ESC})*')
  | (?P<iri><(?:[^<>"{{}}|^`\\\x00-\x20]|{_UCHAR})*>)
  | (?P<var>[?$][A-Za-z0-9_\u00B7-\uFFFF]+)
  | (?P<lang>@[A-Za-z]+(?:-[A-Za-z0-9]+)*)
  | (?P<pname>(?:[^\W\d][\w\-.\u00B7]*)?:
               (?:[\w\-.:\u00B7]|%[0-9A-Fa-f]{{2}}|\\[_~.\-!$&'()*+,;=/?\#@%])*)
  | (?P<word>[^\W\d]\w*)
  | (?P<number>[0-9][0-9.eE+\-]*)
  | (?P<open>\{{) | (?P<close>\}}) | (?P<lparen>\() | (?P<rparen>\))
  | (?P<space>\s+)
  | (?P<other>.)
    """,
    re.VERBOSE | re.DOTALL,
)
_CODEPOINT = re.compile(_UCHAR)

#: Keywords that make a query reach outside the local graph.
OUTSIDE = frozenset({"SERVICE", "LOAD", "FROM"})
#: Keywords of SPARQL Update (LOAD is one too, but is reported as reaching outside).
UPDATE = frozenset({"INSERT", "DELETE", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
                    "WITH", "USING"})
_FORMS = {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}


class Token(NamedTuple):
    kind: str
    text: str
    start: int


def decode_escapes(text: str) -> str:
    """``text`` with every ``\\uXXXX`` and ``\\UXXXXXXXX`` codepoint escape replaced by its
    character, before any parsing (SPARQL 1.1, section 19.2). An escape of a codepoint that
    cannot exist (past U+10FFFF) is left as written."""

    def char(m: re.Match[str]) -> str:
        code = int(m.group()[2:], 16)
        return chr(code) if code <= 0x10FFFF else m.group()

    return _CODEPOINT.sub(char, text) if "\\" in text else text


def tokens(text: str) -> list[Token]:
    """The tokens of ``text`` as Oxigraph reads it (escapes inside IRIs and strings),
    without whitespace; offsets are into ``text``."""
    out = []
    for m in _TOKEN.finditer(text):
        kind = m.lastgroup or "other"
        if kind != "space":
            out.append(Token(kind, m.group(), m.start()))
    return out


def forbidden_keyword(text: str, update_allowed: bool = False) -> str | None:
    """The first keyword of ``text`` that reaches outside (SERVICE, LOAD, FROM) or, unless
    ``update_allowed``, changes data (SPARQL Update), upper-cased, in either reading of the
    text (escapes decoded first, or inside IRIs and strings only); ``None`` if there is
    none."""
    forbidden = OUTSIDE if update_allowed else OUTSIDE | UPDATE
    for view in dict.fromkeys((text, decode_escapes(text))):
        toks = [t for t in tokens(view) if t.kind != "comment"]
        for i, t in enumerate(toks):
            up = t.text.upper()  # "ſervice".upper() is "SERVICE": refused too, not ignored
            if t.kind == "word":
                # Oxigraph's parser needs no word boundary after a keyword: "SERVICEex:x"
                # and "SERVICESILENT<...>" are SERVICE to it; no SPARQL word starts so
                glued = next((k for k in sorted(forbidden) if up.startswith(k)), None)
                if glued is not None:
                    return glued
            elif (t.kind == "pname" and up.startswith("SERVICE") and i + 1 < len(toks)
                  and toks[i + 1].kind == "open"):
                # "SERVICE:x {" or "SERVICEex:x {": a name then a group is a SERVICE call
                # to Oxigraph ("?s service:p ?o" is a name)
                return "SERVICE"
    return None


def refuse(text: str, name: str, update_allowed: bool = False) -> None:
    """Raise :class:`RefusedError` (naming ``name``: a file, a shape) if ``text`` reaches
    outside the local graph or, unless ``update_allowed``, changes data."""
    word = forbidden_keyword(text, update_allowed)
    if word is None:
        return
    if word in OUTSIDE:
        raise RefusedError(
            f"{name}: {word} would make the query reach outside the loaded graph; refused")
    raise RefusedError(f"{name}: {word} is SPARQL Update, which changes data; refused")


def where_open(text: str) -> int | None:
    """The offset of the ``{`` that opens the query's WHERE group (``WHERE`` may be
    omitted), or ``None``; strings, IRIs and comments are not read."""
    return _where_open(tokens(text))


def _where_open(toks: list[Token]) -> int | None:
    depth = parens = 0
    after_where = False
    for t in toks:
        if t.kind == "lparen":
            parens += 1
        elif t.kind == "rparen":
            parens -= 1
        elif _is_word(t, "WHERE") and depth == 0 and parens == 0:
            after_where = True
        elif t.kind == "open":
            if depth == 0 and (after_where or parens == 0):
                return t.start
            depth += 1
        elif t.kind == "close":
            depth -= 1
    return None


def subquery_count(text: str) -> int:
    """How many ``SELECT`` keywords ``text`` holds beyond the first (its subqueries)."""
    return max(0, sum(1 for t in tokens(text) if _is_word(t, "SELECT")) - 1)


def uses_variable(text: str, name: str) -> bool:
    """Whether ``?name`` or ``$name`` occurs in ``text`` as a variable (not in a string,
    IRI or comment)."""
    return any(t.kind == "var" and t.text[1:] == name for t in tokens(text))


def replace_variables(text: str, replacements: Mapping[str, str]) -> str:
    """``text`` with each variable (``?name`` or ``$name``) that ``replacements`` names
    replaced by its text (an RDF term in SPARQL syntax, another variable). Strings, IRIs and
    comments are left as they are."""
    out = []
    last = 0
    for t in tokens(text):
        if t.kind == "var" and t.text[1:] in replacements:
            out.append(text[last:t.start])
            out.append(replacements[t.text[1:]])
            last = t.start + len(t.text)
    out.append(text[last:])
    return "".join(out)


@dataclass(frozen=True)
class CheckedQuery:
    """A query that passed :func:`check_query`: its form, where its WHERE group opens, and
    where the WHERE group of each subquery opens with the variables that a binding of the
    whole query reaches there (see :func:`_subqueries`)."""

    text: str
    form: str
    where_open: int
    subqueries: tuple[tuple[int, frozenset[str]], ...] = ()


def closing_bracket(toks: list[Token], k: int, last: int) -> int:
    """The index of the bracket that closes the first ``(`` or ``{`` at or after ``toks[k]``,
    looking before ``last`` (``last - 1`` if there is none)."""
    while k < last and toks[k].kind not in ("lparen", "open"):
        k += 1
    if k >= last:
        return last - 1
    opening = toks[k].kind
    closing = "rparen" if opening == "lparen" else "close"
    depth = 0
    for i in range(k, last):
        if toks[i].kind == opening:
            depth += 1
        elif toks[i].kind == closing:
            depth -= 1
            if depth == 0:
                return i
    return last - 1


#: Words before a constraint or pattern whose variables are not in scope of the group
#: around it: FILTER's expression (EXISTS and NOT EXISTS included) and MINUS.
_NOT_IN_SCOPE = {"FILTER", "MINUS"}


def _is_word(t: Token, word: str) -> bool:
    return t.kind == "word" and t.text.upper() == word


def _in_scope(toks: list[Token], first: int, last: int, children: list[tuple[int, int]],
              projected: dict[int, frozenset[str]]) -> set[str]:
    """The variables in scope of the group ``toks[first:last]`` (SPARQL 1.1, 18.2.1), as a
    ``SELECT *`` over it would project them: those of its triple patterns (collections
    included), of VALUES and ``GRAPH``, ``AS ?v`` targets, and what its subqueries
    (``children``: their token spans) project; not those only in an expression (FILTER,
    BIND's), an EXISTS or a MINUS."""
    out: set[str] = set()
    expression: list[bool] = []  # per open parenthesis: whether it holds an expression
    k = first
    while k < last:
        t = toks[k]
        child = next((c for c in children if c[0] == k), None)
        if child is not None:  # a subquery: only what it projects
            out |= projected[child[0]]
            k = child[1] + 1
            continue
        if t.kind == "word" and t.text.upper() in _NOT_IN_SCOPE:
            k = closing_bracket(toks, k + 1, last) + 1
            continue
        if _is_word(t, "VALUES"):  # its variables, then its data block (no variables)
            k += 1
            if k < last and toks[k].kind == "var":
                out.add(toks[k].text[1:])
            elif k < last and toks[k].kind == "lparen":
                k += 1
                while k < last and toks[k].kind == "var":
                    out.add(toks[k].text[1:])
                    k += 1
            k = closing_bracket(toks, k + 1, last) + 1
            continue
        if t.kind == "lparen":
            expression.append(bool(expression and expression[-1])
                              or (k > first and _is_word(toks[k - 1], "BIND")))
        elif t.kind == "rparen":
            if expression:
                expression.pop()
        elif t.kind == "var" and (not (expression and expression[-1])
                                  or _is_word(toks[k - 1], "AS")):
            out.add(t.text[1:])
        k += 1
    return out


class _Subquery(NamedTuple):
    """Token indices of a subquery: the ``{`` before its SELECT, its group's ``{`` and ``}``,
    and its end (the ``}`` after its solution modifiers); its projection (``None``: *)."""

    wrapper: int
    group: int
    close: int
    end: int
    names: frozenset[str] | None


def _subqueries(toks: list[Token], where_open: int) -> tuple[tuple[int, frozenset[str]], ...]:
    """Each ``SELECT`` inside the WHERE group: (offset of its WHERE group's ``{``, the
    variables that a binding of the whole query reaches there).

    That is what a substitution (SEP-0007) does, and so what a ``VALUES`` block must match: a
    variable reaches a subquery that projects it as it is (``SELECT ?c``, or ``SELECT *`` with
    ``?c`` in scope), and only through every subquery around it. An alias (``(... AS ?v)``)
    is a new variable, bound after the group is evaluated: not reached.
    """
    toks = [t for t in toks if t.kind != "comment"]  # "{ # note\n SELECT": "{" is before
    subs: list[_Subquery] = []
    for i, t in enumerate(toks):
        if t.start <= where_open or not _is_word(t, "SELECT"):
            continue
        names: set[str] = set()
        star = False
        parens = 0
        for k in range(i + 1, len(toks)):
            u = toks[k]
            if u.kind == "lparen":
                parens += 1
            elif u.kind == "rparen":
                parens -= 1
            elif u.kind == "var" and parens == 0:
                names.add(u.text[1:])
            elif u.kind == "other" and u.text == "*" and parens == 0:
                star = True
            elif u.kind == "open" and parens == 0:
                wrapper = i - 1  # a subquery is always "{ SELECT ... }"
                subs.append(_Subquery(wrapper, k, closing_bracket(toks, k, len(toks)),
                                      closing_bracket(toks, wrapper, len(toks)),
                                      None if star else frozenset(names)))
                break

    def children_of(sub: _Subquery) -> list[tuple[int, int]]:
        inner = [(o.wrapper, o.end) for o in subs if sub.group < o.wrapper and o.end < sub.close]
        return [c for c in inner if not any(o[0] < c[0] and c[1] < o[1] for o in inner)]

    projected: dict[int, frozenset[str]] = {}
    for sub in sorted(subs, key=lambda sub: -sub.wrapper):
        # innermost first, so that the children's projections are known
        projected[sub.wrapper] = sub.names if sub.names is not None else frozenset(
            _in_scope(toks, sub.group + 1, sub.close, children_of(sub), projected))

    out = []
    for sub in subs:
        reached = projected[sub.wrapper]
        for around in subs:
            if around.wrapper < sub.wrapper and sub.end < around.end:
                reached &= projected[around.wrapper]
        out.append((toks[sub.group].start, reached))
    return tuple(out)


@functools.lru_cache(maxsize=256)
def check_query(text: str, name: str = "query") -> CheckedQuery:
    """Refuse what reaches outside or changes data; accept SELECT and ASK only.

    Answers are cached by text (a refusal raises every time): a saved query run again is not
    read again, which was a sixth of a small query's time.
    """
    refuse(text, name)
    toks = tokens(text)
    words = [t.text.upper() for t in toks if t.kind == "word"]
    form = next((w for w in words if w in _FORMS), None)
    if form not in ("SELECT", "ASK"):
        raise UsageError(
            f"{name}: only SELECT and ASK queries can be run (this one is "
            f"{form or 'not a query'})"
        )
    brace = _where_open(toks)
    if brace is not None:
        return CheckedQuery(text, form, brace, _subqueries(toks, brace))
    raise InputError(f"{name}: the query has no WHERE group")


def with_values(checked: CheckedQuery, bindings: Mapping[str, Term]) -> str:
    """The query text with the parameters bound by ``VALUES`` blocks (for endpoints, and for
    saved queries that ask for it with ``#+ bind: values``).

    A block opens the query's WHERE group, and the WHERE group of every subquery that
    projects one of the parameters, for those: the same answers as a substitution (SEP-0007),
    which reaches into such subqueries too, and a subquery is not evaluated for every value
    only to be joined with one. The terms are written in their N-Triples form (quotes,
    backslashes and line breaks escaped), so a value is always one RDF term whatever
    characters it holds.
    """
    if not bindings:
        return checked.text

    def block(names: list[str]) -> str:
        variables = " ".join(f"?{n}" for n in names)
        values = " ".join(str(bindings[n]) for n in names)
        return f" VALUES ({variables}) {{ ({values}) }}"

    inserts = [(checked.where_open + 1, block(list(bindings)))]
    for brace, projected in checked.subqueries:
        names = [n for n in bindings if n in projected]
        if names:
            inserts.append((brace + 1, block(names)))
    text = checked.text
    for at, values in sorted(inserts, reverse=True):
        text = text[:at] + values + text[at:]
    return text


