"""A SHACL engine that compiles shapes to SPARQL and runs them on Oxigraph, in bulk.

pySHACL evaluates every constraint node by node in Python, on an rdflib copy of the graph:
seconds for a few thousand triples, minutes for a million. Here each top-level shape becomes a
few SPARQL queries that run over *all* its focus nodes at once on the Oxigraph store:

- one query per shape for its value constraints (``sh:class``, ``sh:datatype``,
  ``sh:nodeKind``, ``sh:pattern``, ``sh:minLength``/``sh:maxLength``, ``sh:min/maxInclusive``
  and ``Exclusive``, ``sh:in``, ``sh:node``, ``sh:or``, ``sh:xone``, ``sh:and``, ``sh:not``,
  ``sh:hasValue`` on a node shape): every (focus node, value node) pair that breaks at least
  one of them, with one boolean per constraint;
- one grouped query per property shape for its cardinalities and ``sh:hasValue``, one for
  ``sh:uniqueLang``, one per node shape for ``sh:closed``, one per ``sh:equals`` and
  ``sh:disjoint``, one per qualified value shape (``sh:languageIn`` is a value constraint);
- one query per SHACL-SPARQL constraint component it uses (``sh:propertyValidator`` /
  ``sh:validator`` / ``sh:nodeValidator`` with ``sh:select``): the validator's query with
  ``$PATH`` and the parameters substituted and ``$this`` joined to the focus nodes.

Nested shapes (``sh:node``, ``sh:or``...) compile to SPARQL boolean expressions (``EXISTS``
patterns), so nothing is evaluated in Python per node. The focus nodes are those of the
explicit targets and of the implicit class target (a shape that is also an ``rdfs:Class``).
The results are the ``sh:ValidationResult`` nodes pySHACL would write (focus node, path,
value, severity, source shape, source constraint component, the shape's ``sh:message`` or,
without one, pySHACL's own generic message), added to an rdflib report whose
``sh:conforms`` is false as soon as it has a result, at any severity (SHACL 3.6).

pySHACL stays the reference: where this compiler does not know a feature it raises
:class:`Unsupported` for that shape, and :func:`plan` lists the shape among ``fallback``, for
pySHACL to run; :meth:`Plan.features` says, per constraint component, how many shapes run
compiled and how many in pySHACL (``validate --explain-engine``). The W3C SHACL Core suite
(``tests/test_w3c_shacl.py``) holds both engines to the same reports.

Where SPARQL and pySHACL (rdflib) read a literal differently (an ill-typed or unusual
lexical form: ``"1e3"^^xsd:decimal`` is a decimal to rdflib, not to XSD), the few such
literals of the graph are found by one scan and judged in Python the way pySHACL judges
them, and the verdicts are written into the queries.
"""

from __future__ import annotations

import contextlib
import itertools
import logging
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import pyoxigraph as ox

from . import sparql_text

SH = "http://www.w3.org/ns/shacl#"
RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
RDFS = "http://www.w3.org/2000/01/rdf-schema#"
XSD = "http://www.w3.org/2001/XMLSchema#"
RDF_TYPE = RDF + "type"

#: SHACL terms of a shape that this compiler evaluates (anything else with the ``sh:``
#: namespace on a shape makes it fall back to pySHACL).
_KNOWN = {SH + n for n in [
    "targetClass", "targetNode", "targetSubjectsOf", "targetObjectsOf", "property", "path",
    "minCount", "maxCount", "class", "datatype", "nodeKind", "minInclusive", "maxInclusive",
    "minExclusive", "maxExclusive", "pattern", "flags", "minLength", "maxLength",
    "hasValue", "in", "node", "or", "xone", "and", "not", "severity", "message",
    "deactivated", "uniqueLang", "languageIn", "closed", "ignoredProperties", "equals",
    "disjoint", "qualifiedValueShape", "qualifiedMinCount", "qualifiedMaxCount",
    "qualifiedValueShapesDisjoint",
    # not validating: labels and form hints
    "name", "description", "order", "group", "defaultValue"]}
#: The SHACL Core constraint parameters: a node with one of them is a shape.
_PARAMETERS = {SH + n for n in [
    "class", "datatype", "nodeKind", "minCount", "maxCount", "minExclusive", "minInclusive",
    "maxExclusive", "maxInclusive", "minLength", "maxLength", "pattern", "languageIn",
    "uniqueLang", "equals", "disjoint", "lessThan", "lessThanOrEquals", "not", "and", "or",
    "xone", "node", "property", "qualifiedValueShape", "closed", "hasValue", "in",
    "sparql"]}
_NODE_KINDS = {
    SH + "IRI": "isIRI({x})",
    SH + "BlankNode": "isBlank({x})",
    SH + "Literal": "isLiteral({x})",
    SH + "BlankNodeOrIRI": "(isIRI({x}) || isBlank({x}))",
    SH + "BlankNodeOrLiteral": "(isBlank({x}) || isLiteral({x}))",
    SH + "IRIOrLiteral": "(isIRI({x}) || isLiteral({x}))",
}
#: Lexical forms that rdflib certainly reads as pySHACL expects (and so does SPARQL). A
#: literal of one of these datatypes whose form does not match is "odd" and judged in Python.
_SAFE_LEXICAL = {
    XSD + "integer": r"^[+-]?[0-9]+$",
    XSD + "decimal": r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)$",
    XSD + "boolean": r"^(true|false|1|0)$",
    XSD + "float": r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$",
    XSD + "double": r"^[+-]?([0-9]+(\\.[0-9]*)?|\\.[0-9]+)([eE][+-]?[0-9]+)?$",
    XSD + "date": r"^[1-9][0-9]{3}-(0[1-9]|1[0-2])-(0[1-9]|1[0-9]|2[0-8])$",
}
_STRINGS = {XSD + "string", RDF + "langString"}
_RANGE = {  # constraint -> (SPARQL operator: value OP bound passes, component)
    SH + "minInclusive": (">=", "MinInclusive"),
    SH + "maxInclusive": ("<=", "MaxInclusive"),
    SH + "minExclusive": (">", "MinExclusive"),
    SH + "maxExclusive": ("<", "MaxExclusive"),
}
#: Highest sh:minCount / sh:maxCount compiled inside nested shapes (pairwise-distinct
#: variables); the top level counts with GROUP BY and has no limit.
_NESTED_COUNT_LIMIT = 4


class Unsupported(Exception):
    """A shape uses something this compiler does not evaluate: pySHACL runs it."""


def sparql_term(term: Any) -> str:
    """An rdflib term in SPARQL syntax."""
    import rdflib

    if isinstance(term, rdflib.URIRef):
        return f"<{term}>"
    if isinstance(term, rdflib.Literal):
        return term.n3()
    raise Unsupported(f"a blank node ({term}) as a constant")


# ---------------------------------------------------------------------------------------
# The plan: checks to run and shapes left to pySHACL
# ---------------------------------------------------------------------------------------


@dataclass
class Check:
    """One query and how its rows become results.

    ``kind`` is ``values`` (rows: ?this ?value and one ?_cN boolean per entry of
    ``components``), ``counts`` (rows: ?this and one ?_cN per entry: the focus node breaks
    that constraint; no value), or ``select`` (a validator's rows: ?this, ?value, ?path)."""

    shape: Any  # rdflib term of the shape the results name (sh:sourceShape)
    kind: str
    query: str
    components: list[str]  # constraint component IRIs, in the order of ?_c0, ?_c1...
    severity: str
    messages: list[Any]  # rdflib Literals (sh:message)
    path: Any = None  # rdflib term (sh:resultPath), None for a node shape
    with_value: bool = True
    #: for the results of a shape under sh:node: the shape with the sh:node, whose
    #: NodeConstraintComponent results (with this focus node as value) they detail
    detail_of: Any = None


@dataclass
class Plan:
    checks: list[Check] = field(default_factory=list)
    fallback: list[Any] = field(default_factory=list)  # top-level shapes left to pySHACL
    reasons: dict[Any, str] = field(default_factory=dict)
    #: per top-level shape, the constraint components it uses (itself, its sh:property
    #: shapes and the shapes nested in them)
    uses: dict[Any, set[str]] = field(default_factory=dict)

    def features(self) -> list[tuple[str, int, int]]:
        """Which path runs each SHACL feature: (constraint component IRI, number of
        top-level shapes using it that are compiled to SPARQL, number left to pySHACL),
        sorted by component."""
        fallback = set(self.fallback)
        counts: dict[str, list[int]] = {}
        for shape, comps in self.uses.items():
            for c in comps:
                counts.setdefault(c, [0, 0])[shape in fallback] += 1
        return [(c, n[0], n[1]) for c, n in sorted(counts.items())]


# ---------------------------------------------------------------------------------------
# The compiler
# ---------------------------------------------------------------------------------------


class Compiler:
    """Compile the shapes of an rdflib shapes graph for one Oxigraph dataset.

    ``query`` runs a SPARQL query on the data (over the validated graphs) and returns
    pyoxigraph solutions; it is used for the schema facts the queries inline (subclass
    closures) and for the scan of odd literals. ``focus_filter``, if given, is a SPARQL
    group pattern on ``?this`` that every focus node must also match (``--country``)."""

    def __init__(self, shapes: Any, query: Callable[[str], Any],
                 focus_filter: str | None = None) -> None:
        import rdflib

        self.g = shapes
        self.rdflib = rdflib
        self.query = query
        self.focus_filter = focus_filter
        self.sh = rdflib.Namespace(SH)
        self._vars = itertools.count()
        self._subclasses: dict[str, list[str]] = {}
        self._components = self._constraint_components()
        self._odd: dict[str, list[Any]] | None = None  # datatype -> odd literals (rdflib)
        self._stack: list[Any] = []
        self._class_types: set[Any] | None = None  # rdfs:Class and its declared subclasses

    # -- helpers -----------------------------------------------------------------------

    def _var(self, stem: str = "v") -> str:
        return f"?_{stem}{next(self._vars)}"

    def _values(self, node: Any, pred: str) -> list[Any]:
        return sorted(self.g.objects(node, self.rdflib.URIRef(pred)), key=str)

    def _one(self, node: Any, pred: str) -> Any:
        vals = self._values(node, pred)
        if len(vals) > 1:
            raise Unsupported(f"{len(vals)} values of {pred}")
        return vals[0] if vals else None

    def _list(self, node: Any) -> list[Any]:
        from rdflib.collection import Collection

        if node == self.rdflib.RDF.nil:
            return []
        if (node, self.rdflib.RDF.first, None) not in self.g:
            raise Unsupported("an sh:or/sh:xone/sh:and/sh:in value that is not a list")
        return list(Collection(self.g, node))

    def _deactivated(self, shape: Any) -> bool:
        return self._one(shape, SH + "deactivated") == self.rdflib.Literal(True)

    def is_property_shape(self, shape: Any) -> bool:
        return self._one(shape, SH + "path") is not None

    def subclasses(self, cls: str) -> list[str]:
        """``cls`` and its subclasses (rdfs:subClassOf*) in the data graph, as pySHACL
        reads sh:targetClass and sh:class."""
        if cls not in self._subclasses:
            rows = self.query(f"SELECT DISTINCT ?c WHERE {{ ?c <{RDFS}subClassOf>* <{cls}> "
                              "FILTER(isIRI(?c)) }")
            found = {r["c"].value for r in rows} | {cls}
            self._subclasses[cls] = sorted(found)
        return self._subclasses[cls]

    def _instance_of(self, x: str, cls: Any) -> str:
        if not isinstance(cls, self.rdflib.URIRef):
            raise Unsupported("sh:class with a non-IRI class")
        t = self._var("t")
        values = " ".join(f"<{c}>" for c in self.subclasses(str(cls)))
        return f"EXISTS {{ {x} <{RDF_TYPE}> {t} VALUES {t} {{ {values} }} }}"

    # -- paths -------------------------------------------------------------------------

    def path(self, node: Any) -> str:
        """A SHACL path as a SPARQL property path."""
        r = self.rdflib
        if isinstance(node, r.URIRef):
            return f"<{node}>"
        if isinstance(node, r.Literal):
            raise Unsupported("a literal as a path")
        if (node, r.RDF.first, None) in self.g:
            items = self._list(node)
            if len(items) < 2:
                raise Unsupported("a sequence path of fewer than two steps")
            return "(" + "/".join(self.path(p) for p in items) + ")"
        preds = {str(p) for p in self.g.predicates(node, None)}
        unary = {SH + "inversePath": "^{}", SH + "zeroOrMorePath": "{}*",
                 SH + "oneOrMorePath": "{}+", SH + "zeroOrOnePath": "{}?"}
        if len(preds) != 1:
            raise Unsupported(f"a path node with {sorted(preds)}")
        pred = preds.pop()
        inner = self._one(node, pred)
        if pred in unary:
            return "(" + unary[pred].format(self.path(inner)) + ")"
        if pred == SH + "alternativePath":
            items = self._list(inner)
            if len(items) < 2:
                raise Unsupported("an alternative path of fewer than two members")
            return "(" + "|".join(self.path(p) for p in items) + ")"
        raise Unsupported(f"path {pred}")

    # -- custom constraint components (SHACL-SPARQL) -----------------------------------

    def _constraint_components(self) -> list[dict]:
        """The sh:ConstraintComponents of the shapes graph: parameters and validators."""
        r = self.rdflib
        out = []
        for comp in sorted(self.g.subjects(r.RDF.type, self.sh.ConstraintComponent), key=str):
            params = []
            for p in self._values(comp, SH + "parameter"):
                path = self._one(p, SH + "path")
                optional = self._one(p, SH + "optional") == r.Literal(True)
                params.append((path, optional))
            out.append({"node": comp, "params": params,
                        "validator": self._values(comp, SH + "validator"),
                        "property": self._values(comp, SH + "propertyValidator"),
                        "nodeValidator": self._values(comp, SH + "nodeValidator")})
        return out

    def _components_of(self, shape: Any) -> list[tuple[dict, dict[str, Any]]]:
        """The custom components a shape uses, with their parameter values."""
        used = []
        for comp in self._components:
            required = [p for p, opt in comp["params"] if not opt]
            if not required or not all((shape, p, None) in self.g for p in required):
                continue
            binding = {}
            for p, _opt in comp["params"]:
                val = self._one(shape, str(p))
                if val is not None:
                    binding[str(p)] = val
            used.append((comp, binding))
        return used

    def _component_params(self) -> set[str]:
        return {str(p) for c in self._components for p, _ in c["params"]}

    def _check_known(self, shape: Any) -> None:
        """Every sh: term on the shape is one this compiler evaluates; parameters of custom
        components are allowed (their use is compiled, or refused, separately)."""
        params = self._component_params()
        for p in sorted(set(self.g.predicates(shape, None)), key=str):
            ps = str(p)
            if ps.startswith(SH) and ps not in _KNOWN:
                raise Unsupported(f"sh:{ps[len(SH):]}")
            if ps in params:
                continue
        if self._values(shape, SH + "flags"):
            flags = str(self._one(shape, SH + "flags"))
            if flags not in ("", "i"):
                raise Unsupported(f"sh:flags {flags!r}")

    def _select_validator(self, comp: dict, is_property: bool) -> Any:
        validators = (comp["property"] if is_property else comp["nodeValidator"]) \
            or comp["validator"]
        if len(validators) != 1:
            raise Unsupported(f"component {comp['node']}: {len(validators)} validators")
        v = validators[0]
        if self._one(v, SH + "select") is None:
            raise Unsupported(f"component {comp['node']}: not a SELECT validator")
        if self._values(v, SH + "message") or self._values(comp["node"], SH + "message"):
            raise Unsupported(f"component {comp['node']}: a validator message")
        return v

    def _prefixes(self, node: Any) -> str:
        out = []
        for onto in self._values(node, SH + "prefixes"):
            for d in self._values(onto, SH + "declare"):
                out.append(f"PREFIX {self._one(d, SH + 'prefix')}: "
                           f"<{self._one(d, SH + 'namespace')}>\n")
        return "".join(out)

    # -- odd literals ------------------------------------------------------------------

    def odd_literals(self) -> dict[str, list[tuple[str, Any]]]:
        """Literals of the data whose reading by rdflib (so pySHACL) may differ from
        SPARQL's: of a datatype rdflib converts, with a lexical form outside
        :data:`_SAFE_LEXICAL`. One scan of the data; usually none. Per datatype, each as
        (its SPARQL syntax as stored, the rdflib literal pySHACL gets from it)."""
        if self._odd is None:
            checked = _rdflib_checked_datatypes()
            conds = []
            for dt in sorted(checked):
                safe = _SAFE_LEXICAL.get(dt)
                conds.append(f'(?d = <{dt}> && !REGEX(STR(?o), "{safe}"))' if safe
                             else f"?d = <{dt}>")
            rows = self.query(
                "SELECT DISTINCT ?o WHERE { ?s ?p ?o FILTER(isLiteral(?o)) "
                f"BIND(DATATYPE(?o) AS ?d) FILTER({' || '.join(conds)}) }}")
            self._odd = {}
            for r in rows:
                lit = _as_pyshacl_sees(r["o"])
                self._odd.setdefault(r["o"].datatype.value, []).append((str(r["o"]), lit))
        return self._odd

    def _all_odd(self) -> list[tuple[str, Any]]:
        return [lit for lits in self.odd_literals().values() for lit in lits]

    @staticmethod
    def _same(x: str, terms: Iterable[Any]) -> str:
        """``x`` is one of ``terms`` (rdflib terms, or SPARQL text)."""
        import rdflib

        parts = [f"sameTerm({x}, {sparql_term(t) if isinstance(t, rdflib.term.Node) else t})"
                 for t in terms]
        return "(" + " || ".join(parts) + ")" if parts else "false"

    # -- value constraints as SPARQL expressions ---------------------------------------

    def value_violations(self, shape: Any, x: str) -> list[tuple[str, str]]:
        """(component IRI, SPARQL expression true when value ``x`` breaks it) for each
        value constraint of ``shape``."""
        r = self.rdflib
        out: list[tuple[str, str]] = []
        for cls in self._values(shape, SH + "class"):
            out.append((SH + "ClassConstraintComponent",
                        f"!({self._instance_of(x, cls)})"))
        for dt in self._values(shape, SH + "datatype"):
            out.append((SH + "DatatypeConstraintComponent", f"!({self._datatype(x, dt)})"))
        for kind in self._values(shape, SH + "nodeKind"):
            if str(kind) not in _NODE_KINDS:
                raise Unsupported(f"sh:nodeKind {kind}")
            out.append((SH + "NodeKindConstraintComponent",
                        "!" + _NODE_KINDS[str(kind)].format(x=x)))
        for pred, (op, name) in _RANGE.items():
            for bound in self._values(shape, pred):
                out.append((SH + f"{name}ConstraintComponent",
                            self._range_violation(x, op, bound)))
        flags = self._one(shape, SH + "flags")
        for pattern in self._values(shape, SH + "pattern"):
            text = str(pattern)
            if "(?" in text or re.search(r"\\[1-9pPkK]", text):
                raise Unsupported(f"sh:pattern {text!r} (regex dialects differ)")
            fl = f', "{flags}"' if flags is not None and str(flags) else ""
            out.append((SH + "PatternConstraintComponent",
                        f"!COALESCE(!isBlank({x}) && REGEX(STR({x}), "
                        f"{r.Literal(text).n3()}{fl}), false)"))
        for pred, op, name in ((SH + "minLength", ">=", "MinLength"),
                               (SH + "maxLength", "<=", "MaxLength")):
            for n in self._values(shape, pred):
                out.append((SH + f"{name}ConstraintComponent",
                            f"!COALESCE(!isBlank({x}) && STRLEN(STR({x})) {op} {int(n)}, "
                            "false)"))
        for lst in self._values(shape, SH + "in"):
            out.append((SH + "InConstraintComponent", "!" + self._same(x, self._list(lst))))
        for lst in self._values(shape, SH + "languageIn"):
            out.append((SH + "LanguageInConstraintComponent", self._language_in(x, lst)))
        if not self.is_property_shape(shape):
            for v in self._values(shape, SH + "hasValue"):
                out.append((SH + "HasValueConstraintComponent", f"!sameTerm({x}, "
                            f"{sparql_term(v)})"))
        for node in self._values(shape, SH + "node"):
            out.append((SH + "NodeConstraintComponent", f"!({self.conforms(node, x)})"))
        for lst in self._values(shape, SH + "or"):
            members = [self.conforms(s, x) for s in self._list(lst)]
            out.append((SH + "OrConstraintComponent",
                        "!(" + " || ".join(members or ["false"]) + ")"))
        for lst in self._values(shape, SH + "and"):
            members = [self.conforms(s, x) for s in self._list(lst)]
            out.append((SH + "AndConstraintComponent",
                        "!(" + " && ".join(members or ["true"]) + ")"))
        for lst in self._values(shape, SH + "xone"):
            members = [f"IF({self.conforms(s, x)}, 1, 0)" for s in self._list(lst)]
            out.append((SH + "XoneConstraintComponent",
                        "(" + " + ".join(members or ["0"]) + ") != 1"))
        for s in self._values(shape, SH + "not"):
            out.append((SH + "NotConstraintComponent", f"({self.conforms(s, x)})"))
        return out

    def _language_in(self, x: str, lst: Any) -> str:
        """True when ``x`` breaks sh:languageIn as pySHACL judges it: not a literal with a
        language tag that is, case-insensitively, in the list, or whose first subtag is
        (``*`` admits any tag)."""
        r = self.rdflib
        tags = []
        for item in self._list(lst):
            if not isinstance(item, r.Literal) or item.datatype not in (None, r.XSD.string) \
                    or item.language:
                raise Unsupported("sh:languageIn with a member that is not a plain string")
            tags.append(str(item).lower())
        lang = f"LCASE(LANG({x}))"
        if "*" in tags:
            ok = "true"
        else:
            listed = ", ".join(r.Literal(t).n3() for t in tags) or '""'
            ok = (f"({lang} IN ({listed}) || "
                  f'LCASE(STRBEFORE(CONCAT(LANG({x}), "-"), "-")) IN ({listed}))')
        return f'!COALESCE(isLiteral({x}) && LANG({x}) != "" && {ok}, false)'

    def _datatype(self, x: str, dt: Any) -> str:
        """True when ``x`` is a literal of datatype ``dt`` as pySHACL decides it: the
        datatype's IRI, and for the datatypes rdflib converts, a form rdflib accepts."""
        if not isinstance(dt, self.rdflib.URIRef):
            raise Unsupported("sh:datatype with a non-IRI")
        d = str(dt)
        if d == RDFS + "Literal":
            return f"isLiteral({x})"
        if d == RDFS + "Datatype":
            raise Unsupported("sh:datatype rdfs:Datatype (rdflib reads xsd:string apart)")
        base = f"(isLiteral({x}) && DATATYPE({x}) = <{d}>)"
        if d in _STRINGS or d not in _rdflib_checked_datatypes():
            return base
        odd = self.odd_literals().get(d, [])
        valid = [text for text, lit in odd if _pyshacl_datatype_ok(lit, d)]
        safe = _SAFE_LEXICAL.get(d)
        lexical = f'REGEX(STR({x}), "{safe}")' if safe else "false"
        return f"({base} && ({lexical} || {self._same(x, valid)}))"

    def _range_violation(self, x: str, op: str, bound: Any) -> str:
        """True when ``x`` fails ``x op bound`` as pySHACL compares (odd literals are
        judged in Python, the rest by SPARQL; an error or incomparable value fails)."""
        if not isinstance(bound, self.rdflib.Literal):
            raise Unsupported("a range bound that is not a literal")
        if _pyshacl_value(bound) is _ILL:
            raise Unsupported("an ill-typed range bound")
        sparql = f"!COALESCE({x} {op} {bound.n3()}, false)"
        odd = self._all_odd()
        if not odd:
            return sparql
        passing = [text for text, lit in odd if _pyshacl_range_ok(lit, op, bound)]
        return (f"IF({self._same(x, [text for text, _ in odd])}, "
                f"!{self._same(x, passing)}, {sparql})")

    # -- nested shapes as boolean expressions ------------------------------------------

    def conforms(self, shape: Any, x: str) -> str:
        """A SPARQL expression true when the node ``x`` conforms to ``shape`` (its targets
        ignored, as for shapes under sh:node, sh:or, sh:xone...)."""
        if shape in self._stack:
            raise Unsupported("a recursive shape")
        if self._deactivated(shape):
            return "true"
        self._check_known(shape)
        if self._components_of(shape):
            raise Unsupported("a SHACL-SPARQL component inside a nested shape")
        if self._values(shape, SH + "uniqueLang"):
            raise Unsupported("sh:uniqueLang inside a nested shape")
        for name in ("closed", "ignoredProperties", "equals", "disjoint", "qualifiedValueShape",
                     "qualifiedMinCount", "qualifiedMaxCount"):
            if self._values(shape, SH + name):
                raise Unsupported(f"sh:{name} inside a nested shape")
        self._stack.append(shape)
        try:
            parts: list[str] = []
            p = self._one(shape, SH + "path")
            if p is None:
                parts += [f"!({e})" for _, e in self.value_violations(shape, x)]
            else:
                path = self.path(p)
                v = self._var()
                for _, e in self.value_violations(shape, v):
                    parts.append(f"NOT EXISTS {{ {x} {path} {v} FILTER({e}) }}")
                parts += self._nested_counts(shape, x, path)
            for child in self._values(shape, SH + "property"):
                if p is None:
                    parts.append(self.conforms(child, x))
                else:
                    v = self._var()
                    parts.append(f"NOT EXISTS {{ {x} {path} {v} "
                                 f"FILTER(!({self.conforms(child, v)})) }}")
            return "(" + " && ".join(parts) + ")" if parts else "true"
        finally:
            self._stack.pop()

    def _nested_counts(self, shape: Any, x: str, path: str) -> list[str]:
        out = []

        def distinct(n: int) -> str:
            vs = [self._var() for _ in range(n)]
            pats = " ".join(f"{x} {path} {v} ." for v in vs)
            neq = " && ".join(f"!sameTerm({a}, {b})" for a, b in itertools.combinations(vs, 2))
            return f"EXISTS {{ {pats}" + (f" FILTER({neq})" if neq else "") + " }"

        for n in self._values(shape, SH + "minCount"):
            n = int(n)
            if n > _NESTED_COUNT_LIMIT:
                raise Unsupported(f"sh:minCount {n} in a nested shape")
            if n > 0:
                out.append(distinct(n))
        for n in self._values(shape, SH + "maxCount"):
            n = int(n)
            if n + 1 > _NESTED_COUNT_LIMIT:
                raise Unsupported(f"sh:maxCount {n} in a nested shape")
            out.append(f"!({distinct(n + 1)})")
        for v in self._values(shape, SH + "hasValue"):
            out.append(f"EXISTS {{ {x} {path} {sparql_term(v)} }}")
        return out

    # -- targets and top-level shapes --------------------------------------------------

    def targets(self, shape: Any) -> list[str]:
        """Group patterns binding ?this to the shape's focus nodes, one per target."""
        r = self.rdflib
        out = []
        for cls in self._values(shape, SH + "targetClass"):
            if not isinstance(cls, r.URIRef):
                raise Unsupported("sh:targetClass with a non-IRI")
            values = " ".join(f"<{c}>" for c in self.subclasses(str(cls)))
            out.append(f"{{ ?this <{RDF_TYPE}> ?_tc VALUES ?_tc {{ {values} }} }}")
        for p in self._values(shape, SH + "targetSubjectsOf"):
            out.append(f"{{ ?this <{p}> ?_to }}")
        for p in self._values(shape, SH + "targetObjectsOf"):
            out.append(f"{{ ?_ts <{p}> ?this }}")
        if self.is_implicit_class(shape):
            if not isinstance(shape, r.URIRef):
                raise Unsupported("an implicit class target on a blank node")
            values = " ".join(f"<{c}>" for c in self.subclasses(str(shape)))
            out.append(f"{{ ?this <{RDF_TYPE}> ?_ic VALUES ?_ic {{ {values} }} }}")
        nodes = self._values(shape, SH + "targetNode")
        if nodes:
            out.append("{ VALUES ?this { " + " ".join(sparql_term(n) for n in nodes) + " } }")
        if (shape, self.sh.target, None) in self.g:
            raise Unsupported("sh:target (SPARQL-based targets)")
        return out

    def _focus(self, targets: Sequence[str]) -> str:
        body = " UNION ".join(targets)
        if self.focus_filter:
            body = f"{{ {body} }} {self.focus_filter}"
        return f"{{ SELECT DISTINCT ?this WHERE {{ {body} }} }}"

    def compile_application(self, shape: Any, focus: str, detail_of: Any = None) -> list[Check]:
        """The checks of a shape and, for a node shape, of its sh:property shapes, applied
        to the focus nodes that the subquery ``focus`` selects (as ?this)."""
        if len(self._stack) > 8:
            raise Unsupported("sh:node nested too deep")
        checks = self.compile_shape(shape, focus, detail_of)
        if not self.is_property_shape(shape):
            for child in self._values(shape, SH + "property"):
                if not self._deactivated(child):
                    checks += self.compile_shape(child, focus, detail_of)
        return checks

    def compile_shape(self, shape: Any, focus: str, detail_of: Any = None) -> list[Check]:
        """The checks of one shape applied to the focus nodes ``focus`` selects. With
        ``detail_of`` (the shape whose sh:node this is) the results are the sh:detail of
        that shape's NodeConstraintComponent results, as pySHACL nests them."""
        self._check_known(shape)
        messages = self._values(shape, SH + "message")
        severity = str(self._one(shape, SH + "severity") or self.sh.Violation)
        checks: list[Check] = []
        p = self._one(shape, SH + "path")
        path = self.path(p) if p is not None else None
        if path is not None and self._values(shape, SH + "property"):
            raise Unsupported("sh:property on a property shape")
        self._stack.append(shape)
        try:
            violations = self.value_violations(shape, "?value")
        finally:
            self._stack.pop()
        if violations:
            binds = " ".join(f"BIND(COALESCE({e}, true) AS ?_c{i})"
                             for i, (_, e) in enumerate(violations))
            any_ = " || ".join(f"?_c{i}" for i in range(len(violations)))
            values = f"?this {path} ?value ." if path else "BIND(?this AS ?value)"
            cols = " ".join(f"?_c{i}" for i in range(len(violations)))
            checks.append(Check(
                shape=shape, kind="values", severity=severity, messages=messages, path=p,
                components=[c for c, _ in violations],
                query=f"SELECT DISTINCT ?this ?value {cols} WHERE {{ {focus} {values} "
                      f"{binds} FILTER({any_}) }}"))
        if path is not None:
            counts = []
            for n in self._values(shape, SH + "minCount"):
                counts.append((SH + "MinCountConstraintComponent", f"?_n < {int(n)}"))
            for n in self._values(shape, SH + "maxCount"):
                counts.append((SH + "MaxCountConstraintComponent", f"?_n > {int(n)}"))
            aggs = ["(COUNT(DISTINCT ?_v) AS ?_n)"]
            for i, v in enumerate(self._values(shape, SH + "hasValue")):
                aggs.append(f"(MAX(IF(COALESCE(sameTerm(?_v, {sparql_term(v)}), false), 1, 0))"
                            f" AS ?_h{i})")
                counts.append((SH + "HasValueConstraintComponent", f"?_h{i} = 0"))
            if counts:
                binds = " ".join(f"BIND({e} AS ?_c{i})" for i, (_, e) in enumerate(counts))
                any_ = " || ".join(f"?_c{i}" for i in range(len(counts)))
                cols = " ".join(f"?_c{i}" for i in range(len(counts)))
                checks.append(Check(
                    shape=shape, kind="counts", severity=severity, messages=messages, path=p,
                    components=[c for c, _ in counts], with_value=False,
                    query=f"SELECT ?this {cols} WHERE {{ {{ SELECT ?this {' '.join(aggs)} "
                          f"WHERE {{ {focus} OPTIONAL {{ ?this {path} ?_v }} }} "
                          f"GROUP BY ?this }} {binds} FILTER({any_}) }}"))
        closed = self._closed(shape)
        if closed is not None:
            if path is not None:
                raise Unsupported("sh:closed on a property shape")
            allowed = ", ".join(f"<{p}>" for p in sorted(closed))
            keep = f"FILTER(?path NOT IN ({allowed}))" if allowed else ""
            checks.append(Check(
                shape=shape, kind="select", severity=severity, messages=messages, path=None,
                components=[SH + "ClosedConstraintComponent"],
                query=f"SELECT DISTINCT ?this ?value ?path WHERE {{ {focus} ?this ?path ?value "
                      f"{keep} FILTER(!(?path = <{RDF_TYPE}> && ?value = <{RDFS}Resource>)) }}"))
        checks += self._pair_checks(shape, focus, path, p, severity, messages)
        checks += self._qualified_checks(shape, focus, path, p, severity, messages)
        unique = self._unique_lang(shape)
        if unique and path is None:
            raise Unsupported("sh:uniqueLang on a node shape")
        if unique:  # one result per focus node and language tag shared by two values
            checks.append(Check(
                shape=shape, kind="counts", severity=severity, messages=messages, path=p,
                components=[SH + "UniqueLangConstraintComponent"], with_value=False,
                query=f"SELECT ?this (true AS ?_c0) WHERE {{ {focus} ?this {path} ?_v "
                      'FILTER(isLiteral(?_v) && LANG(?_v) != "") } '
                      "GROUP BY ?this (LCASE(LANG(?_v)) AS ?_l) "
                      "HAVING (COUNT(DISTINCT ?_v) > 1)"))
        for comp, binding in self._components_of(shape):
            validator = self._select_validator(comp, path is not None)
            checks.append(self._component_check(shape, comp, validator, binding, path,
                                                focus, severity, messages, p))
        if not messages and any(c.kind == "select" and not c.components[0].startswith(SH)
                                for c in checks):
            raise Unsupported("a SHACL-SPARQL component on a shape without sh:message")
        for check in checks:
            check.detail_of = detail_of
        # pySHACL nests the results of a value's sh:node shape under the sh:node result
        # (sh:detail): the node shape applied to exactly the values that fail it.
        for node in self._values(shape, SH + "node"):
            self._stack.append(shape)
            try:
                fails = f"FILTER(!({self.conforms(node, '?this')}))"
                if path is None:
                    inner = f"{focus} {fails}"
                else:
                    pf = self._var("pf")
                    inner = f"{focus.replace('?this', pf)} {pf} {path} ?this . {fails}"
                checks += self.compile_application(
                    node, f"{{ SELECT DISTINCT ?this WHERE {{ {inner} }} }}", detail_of=shape)
            finally:
                self._stack.pop()
        return checks

    def _pair_checks(self, shape: Any, focus: str, path: str | None, p: Any, severity: str,
                     messages: list[Any]) -> list[Check]:
        """sh:equals and sh:disjoint, one query per compared property, as pySHACL: a
        result per value node missing from the compared values (and, for sh:equals, per
        compared value missing from the value nodes), or found among them."""
        out = []
        values = f"?this {path} ?value" if path else "BIND(?this AS ?value)"
        for name in ("equals", "disjoint"):
            for q in self._values(shape, SH + name):
                if not isinstance(q, self.rdflib.URIRef):
                    raise Unsupported(f"sh:{name} with a path that is not an IRI")
                # each UNION branch selects its focus nodes: a branch is evaluated on its own
                if name == "disjoint":
                    body = f"{focus} {values} . ?this <{q}> ?value"
                elif path:
                    body = (f"{{ {focus} ?this {path} ?value FILTER NOT EXISTS "
                            f"{{ ?this <{q}> ?value }} }} UNION {{ {focus} ?this <{q}> ?value "
                            f"FILTER NOT EXISTS {{ ?this {path} ?value }} }}")
                else:
                    body = (f"{{ {focus} BIND(?this AS ?value) FILTER NOT EXISTS "
                            f"{{ ?this <{q}> ?this }} }} UNION {{ {focus} ?this <{q}> ?value "
                            "FILTER(!sameTerm(?value, ?this)) }")
                out.append(Check(
                    shape=shape, kind="select", severity=severity, messages=messages, path=p,
                    components=[SH + name[:1].upper() + name[1:] + "ConstraintComponent"],
                    query=f"SELECT DISTINCT ?this ?value WHERE {{ {body} }}"))
        return out

    def _qualified_checks(self, shape: Any, focus: str, path: str | None, p: Any,
                          severity: str, messages: list[Any]) -> list[Check]:
        """sh:qualifiedValueShape with sh:qualifiedMinCount / sh:qualifiedMaxCount, as
        pySHACL counts: per value shape, the distinct value nodes that conform to it (and,
        with sh:qualifiedValueShapesDisjoint, to none of the sibling shapes); a result per
        focus node and broken bound."""
        r = self.rdflib
        qvs = self._values(shape, SH + "qualifiedValueShape")
        bounds = {}
        for name in ("qualifiedMinCount", "qualifiedMaxCount"):
            n = self._one(shape, SH + name)
            if n is not None:
                if not (isinstance(n, r.Literal) and isinstance(n.value, int)
                        and not isinstance(n.value, bool)):
                    raise Unsupported(f"sh:{name} {n.n3()}")
                bounds[name] = int(n.value)
        if not qvs and not bounds:
            return []
        if not qvs or not bounds or path is None:
            raise Unsupported("a qualified cardinality that pySHACL refuses")
        disjoint = any(isinstance(d, r.Literal) and d.value is True
                       for d in self._values(shape, SH + "qualifiedValueShapesDisjoint"))
        out = []
        for q in qvs:
            siblings = set()
            if disjoint:
                for parent in self.g.subjects(self.sh.property, shape):
                    for s in self.g.objects(parent, self.sh.property):
                        siblings.update(o for o in self.g.objects(s, self.sh.qualifiedValueShape)
                                        if o != q)
            self._stack.append(shape)
            try:
                cond = self.conforms(q, "?_qv")
                for sib in sorted(siblings, key=str):
                    cond += f" && !({self.conforms(sib, '?_qv')})"
            finally:
                self._stack.pop()
            tests, comps = [], []
            if "qualifiedMaxCount" in bounds:
                tests.append(f"?_n > {bounds['qualifiedMaxCount']}")
                comps.append(SH + "QualifiedMaxCountConstraintComponent")
            if "qualifiedMinCount" in bounds:
                tests.append(f"?_n < {bounds['qualifiedMinCount']}")
                comps.append(SH + "QualifiedMinCountConstraintComponent")
            binds = " ".join(f"BIND({t} AS ?_c{i})" for i, t in enumerate(tests))
            any_ = " || ".join(f"?_c{i}" for i in range(len(tests)))
            cols = " ".join(f"?_c{i}" for i in range(len(tests)))
            out.append(Check(
                shape=shape, kind="counts", severity=severity, messages=messages, path=p,
                components=comps, with_value=False,
                query=f"SELECT ?this {cols} WHERE {{ {{ SELECT ?this "
                      f"(COUNT(DISTINCT ?_qv) AS ?_n) WHERE {{ {focus} OPTIONAL {{ ?this {path} "
                      f"?_qv FILTER({cond}) }} }} GROUP BY ?this }} {binds} FILTER({any_}) }}"))
        return out

    def _closed(self, shape: Any) -> set[str] | None:
        """For a shape with ``sh:closed true``, the properties it allows: the IRI paths of
        its sh:property shapes and the sh:ignoredProperties; ``None`` if it is not closed."""
        r = self.rdflib
        value = self._one(shape, SH + "closed")
        ignored = self._values(shape, SH + "ignoredProperties")
        if value is None:
            if ignored:
                raise Unsupported("sh:ignoredProperties without sh:closed")
            return None
        if not (isinstance(value, r.Literal) and value.datatype == r.XSD.boolean
                and str(value) in ("true", "false")):
            raise Unsupported(f"sh:closed {value.n3()}")
        if str(value) == "false":
            return None
        allowed: set[str] = set()
        for child in self._values(shape, SH + "property"):
            p = self._one(child, SH + "path")
            if p is None:
                raise Unsupported("sh:closed with an sh:property that has no sh:path")
            if isinstance(p, r.URIRef):
                allowed.add(str(p))
        for lst in ignored:
            for item in self._list(lst):
                if not isinstance(item, r.URIRef):
                    raise Unsupported("sh:ignoredProperties with a member that is not an IRI")
                allowed.add(str(item))
        return allowed

    def _unique_lang(self, shape: Any) -> bool:
        """sh:uniqueLang true (compiled), false (no constraint); any other form, such as
        ``"1"^^xsd:boolean`` (true to pySHACL, not to SHACL), is left to pySHACL."""
        value = self._one(shape, SH + "uniqueLang")
        if value is None:
            return False
        r = self.rdflib
        if isinstance(value, r.Literal) and value.datatype == r.XSD.boolean \
                and str(value) in ("true", "false"):
            return str(value) == "true"
        raise Unsupported(f"sh:uniqueLang {value.n3()}")

    def _component_check(self, shape: Any, comp: dict, validator: Any,
                         binding: dict[str, Any], path: str | None, focus: str,
                         severity: str, messages: list[Any], p: Any) -> Check:
        text = str(self._one(validator, SH + "select"))
        if sparql_text.subquery_count(text):
            raise Unsupported("a validator with a subquery")
        if sparql_text.uses_variable(text, "value") and path is None:
            raise Unsupported("a node validator using $value")
        replacements = {re.split(r"[#/]", param)[-1]: sparql_term(value)
                        for param, value in binding.items()}
        if path is not None:
            replacements["PATH"] = path
        elif sparql_text.uses_variable(text, "PATH"):
            raise Unsupported("$PATH in a node validator")
        replacements["this"] = "?this"
        text = sparql_text.replace_variables(text, replacements)
        brace = sparql_text.where_open(text)
        if brace is None:
            raise Unsupported("a validator query without WHERE")
        query = self._prefixes(validator) + text[:brace + 1] + f" {focus} " + text[brace + 1:]
        # what runs is checked, not only the shapes' own text (prefixes, parameters)
        sparql_text.refuse(query, f"the validator of {comp['node']}")
        return Check(shape=shape, kind="select", severity=severity, messages=messages,
                     path=p, components=[str(comp["node"])], query=query)

    def is_implicit_class(self, shape: Any) -> bool:
        """The shape is also a class, so its instances are focus nodes (SHACL 2.1.3.3,
        implicit class targets): of type ``rdfs:Class`` or of a type the shapes graph
        declares ``rdfs:subClassOf rdfs:Class`` (``owl:Class``, when so declared), as
        pySHACL reads it."""
        r = self.rdflib
        if self._class_types is None:
            self._class_types = {r.RDFS.Class, *self.g.subjects(r.RDFS.subClassOf, r.RDFS.Class)}
        return any(t in self._class_types for t in self.g.objects(shape, r.RDF.type))

    def top_level(self) -> list[Any]:
        """The shapes that have targets (explicit, or implicit: a shape that is also a
        class) and are not deactivated."""
        r = self.rdflib
        shapes = set()
        for pred in ("targetClass", "targetSubjectsOf", "targetObjectsOf", "targetNode",
                     "target"):
            shapes.update(self.g.subjects(self.sh[pred], None))
        for kind in (self.sh.NodeShape, self.sh.PropertyShape):
            shapes.update(s for s in self.g.subjects(r.RDF.type, kind)
                          if self.is_implicit_class(s))
        for s in set(self.g.subjects()) - shapes:  # a class with constraints is a shape too
            if self.is_implicit_class(s) and any(
                    str(p) in _PARAMETERS for p in self.g.predicates(s, None)):
                shapes.add(s)
        return [s for s in sorted(shapes, key=str) if not self._deactivated(s)]


#: Parameters that are not a component of their own (read with another parameter).
_NOT_A_COMPONENT = {"flags", "qualifiedValueShape", "qualifiedValueShapesDisjoint",
                    "ignoredProperties"}
_COMPONENT_OF = {"qualifiedMinCount": "QualifiedMinCount",
                 "qualifiedMaxCount": "QualifiedMaxCount", "sparql": "SPARQL"}
_NESTING = ("property", "node", "not", "qualifiedValueShape")
_NESTING_LISTS = ("and", "or", "xone")


def components_used(comp: Compiler, shape: Any) -> set[str]:
    """The constraint components (IRIs) a shape uses: its own parameters, those of its
    sh:property shapes and of the shapes nested in sh:node, sh:not, sh:and, sh:or, sh:xone
    and sh:qualifiedValueShape, and its SHACL-SPARQL components."""
    out: set[str] = set()
    seen: set[Any] = set()
    extra = {SH + "closed", SH + "languageIn", SH + "uniqueLang", SH + "equals",
             SH + "disjoint", SH + "lessThan", SH + "lessThanOrEquals",
             SH + "qualifiedMinCount", SH + "qualifiedMaxCount", SH + "sparql"}
    todo = [shape]
    while todo:
        s = todo.pop()
        if s in seen:
            continue
        seen.add(s)
        for p in set(comp.g.predicates(s, None)):
            name = str(p)[len(SH):] if str(p).startswith(SH) else None
            if name is None or (str(p) not in _PARAMETERS and str(p) not in extra) \
                    or name in _NOT_A_COMPONENT:
                continue
            out.add(SH + _COMPONENT_OF.get(name, name[:1].upper() + name[1:])
                    + "ConstraintComponent")
        for name in _NESTING:
            todo += comp._values(s, SH + name)
        for name in _NESTING_LISTS:
            for lst in comp._values(s, SH + name):
                with contextlib.suppress(Unsupported):  # not a list: the plan says why
                    todo += comp._list(lst)
        out.update(str(c["node"]) for c, _ in comp._components_of(s))
    return out


def plan(shapes: Any, query: Callable[[str], Any], focus_filter: str | None = None) -> Plan:
    """Compile every shape that has targets. A shape the compiler cannot evaluate (itself,
    a nested shape, or one of its sh:property shapes) goes to ``fallback`` whole, with the
    reason, for pySHACL to run; nothing is skipped silently."""
    comp = Compiler(shapes, query, focus_filter)
    out = Plan()
    for shape in comp.top_level():
        out.uses[shape] = components_used(comp, shape)
        try:
            checks = comp.compile_application(shape, comp._focus(comp.targets(shape)))
        except Unsupported as exc:
            out.fallback.append(shape)
            out.reasons[shape] = str(exc)
            continue
        out.checks += checks
    return out


# ---------------------------------------------------------------------------------------
# Running a plan
# ---------------------------------------------------------------------------------------


def run(plan_: Plan, query: Callable[[str], Any], report: Any, shapes: Any,
        describe: Callable[[Any], Iterable[tuple[Any, Any]]] | None = None,
        namespaces: Any = None) -> None:
    """Run the checks and add their sh:ValidationResults to the rdflib ``report`` (which
    has one sh:ValidationReport node); complex paths are copied from ``shapes``.

    A shape without ``sh:message`` gets the messages pySHACL would write
    (:class:`_GenericMessages`); ``describe`` gives the (predicate, object) pairs of a
    blank node of the data, which pySHACL's wording of a blank node spells out;
    ``namespaces`` (an rdflib namespace manager) the prefixes of the data graph pySHACL
    would have (by default, a new rdflib graph's)."""
    import rdflib

    from .store import to_rdflib_term

    generic = _GenericMessages(shapes, describe, namespaces)

    sh = rdflib.Namespace(SH)
    report_node = next(iter(report.subjects(rdflib.RDF.type, sh.ValidationReport)))
    copied: set[Any] = set()
    node_results: dict[tuple[Any, Any], list[Any]] = {}  # (shape, value) -> sh:node results
    for check in plan_.checks:
        try:
            rows = query(check.query)
        except SyntaxError as exc:  # a compiler bug, not the user's: say which shape
            raise RuntimeError(f"shape {check.shape}: generated query does not parse: "
                               f"{exc}\n{check.query}") from None
        for row in rows:
            focus = to_rdflib_term(row["this"])
            if check.kind == "select":
                value = row["value"] if "value" in _names(rows) else None
                found = [(check.components[0],
                          to_rdflib_term(value) if value is not None else None,
                          to_rdflib_term(row["path"]) if "path" in _names(rows)
                          and row["path"] is not None else check.path)]
            else:
                value = to_rdflib_term(row["value"]) if check.with_value else None
                found = [(c, value, check.path) for i, c in enumerate(check.components)
                         if _true(row[f"_c{i}"])]
            for component, val, path in found:
                res = rdflib.BNode()
                if check.detail_of is None:
                    report.add((report_node, sh.result, res))
                else:
                    for parent in node_results.get((check.detail_of, focus), []):
                        report.add((parent, sh.detail, res))
                if component == SH + "NodeConstraintComponent":
                    node_results.setdefault((check.shape, val), []).append(res)
                if component == SH + "HasValueConstraintComponent":
                    val = None  # sh:hasValue names no value node (SHACL 4.8.3)
                report.add((res, rdflib.RDF.type, sh.ValidationResult))
                report.add((res, sh.focusNode, focus))
                report.add((res, sh.resultSeverity, rdflib.URIRef(check.severity)))
                report.add((res, sh.sourceShape, check.shape))
                report.add((res, sh.sourceConstraintComponent, rdflib.URIRef(component)))
                if val is not None:
                    report.add((res, sh.value, val))
                if path is not None:
                    report.add((res, sh.resultPath, path))
                    _copy_node(shapes, path, report, copied)
                for m in check.messages or generic(check.shape, component, focus, val):
                    report.add((res, sh.resultMessage, m))
    # sh:conforms: false if the report has any result, at any severity (SHACL 3.6)
    report.set((report_node, sh.conforms, rdflib.Literal(
        next(iter(report.objects(report_node, sh.result)), None) is None)))


#: Components that pySHACL words with the class of another name.
_PYSHACL_CLASS = {"QualifiedMinCountConstraintComponent": "QualifiedValueShapeConstraintComponent",
                  "QualifiedMaxCountConstraintComponent": "QualifiedValueShapeConstraintComponent"}


class _GenericMessages:
    """The messages pySHACL writes for the result of a shape without ``sh:message``,
    worded by pySHACL's own constraint components (``make_generic_messages``), so that
    both engines say the same. pySHACL is imported at the first such result only."""

    def __init__(self, shapes: Any, describe: Callable[[Any], Iterable[tuple[Any, Any]]]
                 | None, namespaces: Any = None) -> None:
        self.shapes = shapes
        self.describe = describe
        self.namespaces = namespaces
        self.sg: Any = None
        self.components: dict[tuple[Any, str], Any] = {}
        self.described: set[Any] = set()

    def __call__(self, shape: Any, component: str, focus: Any, value: Any) -> list[Any]:
        import rdflib

        if self.sg is None:
            from pyshacl.constraints import CONSTRAINT_PARAMETERS_MAP
            from pyshacl.shapes_graph import ShapesGraph

            self.sg = ShapesGraph(self.shapes)
            self.sg.shapes  # noqa: B018 (builds pySHACL's shape cache)
            self.by_name = {c.constraint_name(): c for c in CONSTRAINT_PARAMETERS_MAP.values()}
            self.data = rdflib.Graph()  # what pySHACL's data graph knows of the nodes named
            if self.namespaces is not None:
                self.data.namespace_manager = self.namespaces
        key = (shape, component)
        if key not in self.components:
            try:
                pyshape = self.sg.lookup_shape_from_node(shape)
            except KeyError:
                from pyshacl.shape import Shape

                path = self.shapes.value(shape, rdflib.URIRef(SH + "path"))
                pyshape = Shape(self.sg, shape, p=path is not None, path=path)
            name = component.rsplit("#", 1)[-1]
            name = _PYSHACL_CLASS.get(name, name)
            self.components[key] = self.by_name[name](pyshape)
        for node in (focus, value):
            self._describe(node)
        return list(self.components[key].make_generic_messages(self.data, focus, value))

    def _describe(self, node: Any) -> None:
        import rdflib

        if not isinstance(node, rdflib.BNode) or node in self.described \
                or self.describe is None:
            return
        self.described.add(node)
        for p, o in self.describe(node):
            self.data.add((node, p, o))
            self._describe(o)


def _names(rows: Any) -> set[str]:
    return {v.value for v in rows.variables}


def _true(term: Any) -> bool:
    return isinstance(term, ox.Literal) and term.value in ("true", "1")


def _copy_node(graph: Any, node: Any, report: Any, copied: set[Any]) -> None:
    """Copy a blank-node structure (a complex path) from the shapes graph into the report,
    as pySHACL does."""
    import rdflib

    if not isinstance(node, rdflib.BNode) or node in copied:
        return
    copied.add(node)
    pairs = list(graph.predicate_objects(node))
    if (node, rdflib.RDF.first, None) in graph:  # a sequence path, read as such (as pySHACL)
        pairs = [(p, o) for p, o in pairs if p in (rdflib.RDF.first, rdflib.RDF.rest)]
    for p, o in pairs:
        report.add((node, p, o))
        _copy_node(graph, o, report, copied)


# ---------------------------------------------------------------------------------------
# How pySHACL (through rdflib) reads a literal
# ---------------------------------------------------------------------------------------


class _Ill:
    pass


_ILL = _Ill()


def _rdflib_checked_datatypes() -> set[str]:
    """Datatypes rdflib converts to Python values (so may find a literal ill-typed), but
    strings. Read at each validation: other libraries register more (owlrl adds
    xsd:gYear...), and what rdflib knows at that moment is what pySHACL checks."""
    from rdflib.term import _toPythonMapping

    return {str(k) for k, conv in _toPythonMapping.items()
            if k is not None and conv is not None and str(k) not in _STRINGS} \
        | set(_SAFE_LEXICAL)


def _as_pyshacl_sees(term: ox.Literal) -> Any:
    """The rdflib literal pySHACL gets for an Oxigraph literal (through
    :func:`~clustergraph.store.to_rdflib_term`, which may normalise the lexical form),
    without rdflib's log of the forms it cannot convert."""
    import warnings

    from .store import to_rdflib_term

    logger = logging.getLogger("rdflib.term")
    level = logger.level
    logger.setLevel(logging.CRITICAL)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return to_rdflib_term(term)
    finally:
        logger.setLevel(level)


def _pyshacl_value(lit: Any) -> Any:
    return _ILL if lit.ill_typed is True else lit.value


def _pyshacl_datatype_ok(lit: Any, datatype: str) -> bool:
    """pySHACL's DatatypeConstraintComponent on one literal of datatype ``datatype``."""
    import datetime
    from decimal import Decimal

    value = _pyshacl_value(lit)
    if value is _ILL:
        return False
    kinds = {XSD + "integer": int, XSD + "float": float, XSD + "decimal": Decimal,
             XSD + "boolean": bool, XSD + "date": datetime.date, XSD + "time": datetime.time,
             XSD + "dateTime": datetime.datetime}
    kind = kinds.get(datatype)
    return True if kind is None else isinstance(value, kind)


def _pyshacl_range_ok(lit: Any, op: str, bound: Any) -> bool:
    """pySHACL's min/max inclusive/exclusive comparison of one literal with ``bound``."""
    from pyshacl.rdfutil.compare import compare_literal  # only for odd literals

    bound_is_string = isinstance(bound.value, str)
    if bound_is_string != isinstance(lit.value, str):
        return False
    try:
        cmp = compare_literal(lit, bound)
    except (TypeError, NotImplementedError):
        return False
    except ArithmeticError as exc:  # NaN and the like: whatever pySHACL does, it does it
        raise Unsupported(f"comparing {lit.n3()} with {bound.n3()} ({exc!r})") from None
    return {">=": cmp >= 0, ">": cmp > 0, "<=": cmp <= 0, "<": cmp < 0}[op]
