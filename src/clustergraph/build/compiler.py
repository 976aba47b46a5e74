"""Compile factsheet-shaped YAML input files into the data graph (see the package docstring)."""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import yaml

from ..errors import InputError
from ..namespaces import CGV, CURRENCY, DCAT, DCT, ORG, OWL, PROV, RDFS, SCHEMA
from .schema import CG, CGID, RDF, XSD, Schema, load_schema

PROV_DERIVED = PROV + "wasDerivedFrom"
QUALIFIER = CGV + "qualifier/"
SCHEMA_URL = SCHEMA + "url"

# Annotation properties the data's rules use that neither the ontology nor the shapes declare.
EXTRA_PROPERTIES = {
    RDFS + "seeAlso": "object",
    OWL + "sameAs": "object",
    DCT + "issued": "datatype",
    DCT + "rights": "datatype",
    DCT + "spatial": "object",
}

# The class a top-level node of each IRI kind has when it gives no `a:` (data/README.md's kinds).
KIND_CLASSES = {
    "policy": CG + "ClusterPolicy", "strand": CG + "PolicyStrand",
    "org": ORG + "Organization", "consortium": CG + "Consortium",
    "membership": ORG + "Membership", "observation": CG + "Observation",
    "period": CG + "Period", "legal-act": CG + "LegalAct", "agglomeration": CG + "Agglomeration",
    "assessment": CG + "StateOfPlayAssessment", "programme": CG + "Programme",
}

# data/README.md's IRI rules: what one edition states has the edition in its IRI
EDITION_KINDS = {"observation", "agglomeration", "assessment", "participation", "challenge",
                 "contribution", "specialisation"}
_QUALIFIERS = {"over": "over", "more than": "over", "at least": "at-least", "around": "around",
               "about": "around", "approximately": "around", "up to": "up-to"}
_SCALE = {"thousand": Decimal(1000), "million": Decimal(10) ** 6, "billion": Decimal(10) ** 9,
          "k": Decimal(1000), "m": Decimal(10) ** 6, "bn": Decimal(10) ** 9}
_AMOUNT_RE = re.compile(
    r"^(?:(?P<q>over|more than|at least|around|about|approximately|up to)\s+)?"
    r"(?P<cur>[A-Z]{3})\s*(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<scale>thousand|million|billion|k|m|bn)?$",
    re.I)
_NUMBER_RE = re.compile(
    r"^(?:(?P<q>over|more than|at least|around|about|approximately|up to)\s+)?"
    r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)\s*(?P<scale>thousand|million|billion)?$", re.I)
_YEARS_RE = re.compile(r"^(\d{4})\s*[-–]\s*(\d{4})$")


class Plain(str):
    """A ``!plain`` string: a literal without language tag."""


class ListValue(list):
    """A ``!list`` sequence: an rdf:List (order and repetitions kept)."""


@dataclass
class Ctx:
    file: str
    schema: Schema
    country: str
    edition: str
    language: str
    triples: list = field(default_factory=list)
    ids: dict = field(default_factory=dict)      # IRI -> line of its definition
    refs: list = field(default_factory=list)     # (iri, line, path) to check at the end
    known: frozenset = frozenset()
    lists: int = 0

    def err(self, node: yaml.Node | None, path: str, msg: str) -> InputError:
        line = node.start_mark.line + 1 if node is not None else 1
        return InputError(f"{self.file}:{line}: {path}: {msg}")


def _suggest(word: str, candidates: dict[str, str]) -> str:
    close = difflib.get_close_matches(word, list(candidates), n=1, cutoff=0.6)
    if not close:
        low = {c.lower(): c for c in candidates}
        close = [low[m] for m in
                 difflib.get_close_matches(word.lower(), list(low), n=1, cutoff=0.6)]
    return f": did you mean '{close[0]}' ({candidates[close[0]]})?" if close else ""


# --- reading ---------------------------------------------------------------------------------

def read_yaml(path: Path, shown: str) -> yaml.Node:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise InputError(f"{shown}: no such file") from None
    except IsADirectoryError:
        raise InputError(f"{shown}: is a directory, not an input file") from None
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise InputError(f"{shown}:{line}: not UTF-8 (byte 0x{raw[exc.start]:02x}); "
                         "save the file as UTF-8") from None
    try:
        node = yaml.compose(text, Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 1
        what = f"{exc.context + ', ' if exc.context else ''}{exc.problem or 'invalid YAML'}"
        raise InputError(f"{shown}:{line}: YAML: {what} (check the indentation)") from None
    if node is None:
        raise InputError(f"{shown}:1: the file is empty")
    return node


def _mapping(ctx: Ctx, node: yaml.Node, path: str) -> list[tuple[str, yaml.Node, yaml.Node]]:
    if not isinstance(node, yaml.MappingNode):
        raise ctx.err(node, path, f"expected a mapping of fields, got {_kind(node)}")
    seen: dict[str, int] = {}
    out = []
    for k, v in node.value:
        if not isinstance(k, yaml.ScalarNode):
            raise ctx.err(k, path, "a field name must be a plain word")
        if k.value in seen:
            raise ctx.err(k, f"{path}.{k.value}",
                          f"field given twice (first at line {seen[k.value]})")
        seen[k.value] = k.start_mark.line + 1
        out.append((k.value, k, v))
    return out


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "a mapping"
    if isinstance(node, yaml.SequenceNode):
        return "a list"
    return f"'{node.value}'"


def _scalar(ctx: Ctx, node: yaml.Node, path: str) -> str:
    if not isinstance(node, yaml.ScalarNode):
        raise ctx.err(node, path, f"expected a single value, got {_kind(node)}")
    return node.value


# --- compiling -------------------------------------------------------------------------------

def compile_file(path: Path, shown: str | None = None, known: frozenset = frozenset()
                 ) -> tuple[list[ox.Triple], dict[str, int]]:
    """The triples of one input file, and the line each subject was defined on."""
    shown = shown or str(path)
    root = read_yaml(path, shown)
    schema = load_schema()
    ctx = Ctx(shown, schema, "", "", "en", known=known)
    top = dict((k, (kn, v)) for k, kn, v in _mapping(ctx, root, "(top)"))
    allowed = {"country", "edition", "language", "parts"}
    for k, (kn, _v) in top.items():
        if k not in allowed:
            hint = _suggest(k, {a: a for a in allowed}).split(" (")[0]
            raise ctx.err(kn, k, f"unknown top-level key{hint + '?' if hint else ''}"
                                 f" (allowed: {', '.join(sorted(allowed))})")
    for req in ("country", "edition", "parts"):
        if req not in top:
            raise ctx.err(root, req, "missing required top-level key")
    country = _scalar(ctx, top["country"][1], "country")
    if not re.fullmatch(r"[A-Z]{2}", country) or country not in schema.country_codes:
        raise ctx.err(top["country"][1], "country",
                      f"'{country}' is not an EU country code (two capital letters, e.g. BE, EL)")
    edition = _scalar(ctx, top["edition"][1], "edition")
    if not re.fullmatch(r"\d{4}", edition):
        raise ctx.err(top["edition"][1], "edition", f"'{edition}' is not a year (e.g. 2023)")
    ctx.country, ctx.edition = country.lower(), edition
    if "language" in top:
        ctx.language = _scalar(ctx, top["language"][1], "language")
    parts_node = top["parts"][1]
    for part, pn, nodes in _mapping(ctx, parts_node, "parts"):
        prov = _provenance(ctx, part, pn, part)
        if not isinstance(nodes, yaml.SequenceNode):
            raise ctx.err(nodes, part, f"expected a list of entities, got {_kind(nodes)}")
        for i, n in enumerate(nodes.value):
            _node(ctx, n, f"{part}[{i}]", prov, None, None)
    for iri, node, p in ctx.refs:
        if iri not in ctx.ids and iri not in ctx.known:
            cands = {_short(x): _short(x) for x in list(ctx.ids) + list(ctx.known)
                     if x.startswith(CGID)}
            hint = _suggest(_short(iri), cands)
            hint = hint.split(" (")[0] + "?" if hint else ""
            raise ctx.err(node, p, f"'{_short(iri)}' is not an entity of this file or of "
                                   f"data/{hint}")
    _check_required(ctx)
    _check_one_iri_per_address(ctx)
    return sorted(set(ctx.triples), key=str), ctx.ids


def _check_one_iri_per_address(ctx: Ctx) -> None:
    """One source document per address: the same page minted twice is refused."""
    seen: dict[str, str] = {}
    for t in sorted(ctx.triples, key=lambda t: ctx.ids.get(t.subject.value, 0)):
        if t.predicate.value == SCHEMA_URL and isinstance(t.subject, ox.NamedNode):
            first = seen.setdefault(t.object.value, t.subject.value)
            if first != t.subject.value:
                raise InputError(
                    f"{ctx.file}:{ctx.ids[t.subject.value]}: {_short(t.subject.value)}.url: "
                    f"the page {t.object.value} is already {_short(first)} (line "
                    f"{ctx.ids[first]}): one id per address; cite that one")


def _check_required(ctx: Ctx) -> None:
    """The fields the shapes require (sh:minCount), unless recorded as cg:notStated."""
    s = ctx.schema
    props: dict[str, set[str]] = {}
    types: dict[str, list[str]] = {}
    for t in ctx.triples:
        props.setdefault(t.subject.value, set()).add(t.predicate.value)
        if t.predicate.value == RDF + "type":
            types.setdefault(t.subject.value, []).append(t.object.value)
    not_stated = {(t.subject.value, t.object.value) for t in ctx.triples
                  if t.predicate.value == CG + "notStated"}
    for iri, line in sorted(ctx.ids.items(), key=lambda x: x[1]):
        for cls in sorted(types.get(iri, [])):
            for p in s.required_of(cls):
                if p not in props.get(iri, set()) and (iri, p) not in not_stated:
                    name = p.rsplit("#", 1)[-1].rsplit("/", 1)[-1]
                    raise InputError(f"{ctx.file}:{line}: {_short(iri)}: missing required field "
                                     f"'{name}' ({s.curie(p)}), which every "
                                     f"{s.curie(cls)} has (or record it with notStated)")


def _short(iri: str) -> str:
    return iri[len(CGID):] if iri.startswith(CGID) else iri


def _provenance(ctx: Ctx, spec: str, node: yaml.Node, path: str) -> list[ox.NamedNode]:
    if spec.strip() == "-":
        return []
    out = []
    for tok in spec.split():
        if "/" in tok:
            iri = CGID + tok
            ctx.refs.append((iri, node, path))
        else:
            iri = f"{CGID}factsheet/{ctx.country}-{ctx.edition}/{tok}"
            ctx.refs.append((iri, node, path))
        out.append(ox.NamedNode(iri))
    return out


def _node(ctx: Ctx, node: yaml.Node, path: str, prov: list, parent: str | None,
          via: str | None) -> ox.NamedNode:
    fields = _mapping(ctx, node, path)
    byname = {k: (kn, v) for k, kn, v in fields}
    if "id" not in byname:
        raise ctx.err(node, path, "missing required field 'id'")
    ident = _scalar(ctx, byname["id"][1], f"{path}.id")
    if ident.startswith("-"):
        if parent is None:
            raise ctx.err(byname["id"][1], f"{path}.id",
                          f"'{ident}' is relative to a parent, but this entity has none")
        iri = parent + ident
    elif re.fullmatch(r"[a-z][a-z0-9-]*/[^\s<>\"{}|\\^`]+", ident):
        iri = CGID + ident
    else:
        raise ctx.err(byname["id"][1], f"{path}.id",
                      f"'{ident}' is not an id (kind/slug, e.g. policy/be-flanders-clusters, "
                      "or -suffix inside another entity)")
    path = _short(iri)
    if parent is None:
        _check_minted(ctx, ident, byname["id"][1])
    if iri in ctx.ids:
        raise ctx.err(byname["id"][1], f"{path}.id",
                      f"duplicate entity (first defined at line {ctx.ids[iri]})")
    ctx.ids[iri] = byname["id"][1].start_mark.line + 1
    subj = ox.NamedNode(iri)
    s = ctx.schema
    if "from" in byname:
        prov = _provenance(ctx, _scalar(ctx, byname["from"][1], f"{path}.from"),
                           byname["from"][1], f"{path}.from")
    for p in prov:
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(PROV_DERIVED), p))
    # its class: `a:`, else the range of the property it hangs from, else its kind's class
    if "a" in byname:
        an = byname["a"][1]
        vals = an.value if isinstance(an, yaml.SequenceNode) else [an]
        for v in vals:
            t = _scalar(ctx, v, f"{path}.a")
            cls = s.expand(t) if ":" in t else CG + t
            if cls is None:
                raise ctx.err(v, f"{path}.a", f"unknown prefix in '{t}'")
            if cls.startswith(CG) and cls not in s.classes:
                names = {c[len(CG):]: s.curie(c) for c in s.classes if c.startswith(CG)}
                raise ctx.err(v, f"{path}.a", f"'{t}' is not a class of the ontology"
                                              f"{_suggest(t, names)}")
            ctx.triples.append(ox.Triple(subj, ox.NamedNode(RDF + "type"), ox.NamedNode(cls)))
    else:
        rng = s.properties.get(via, {}).get("range") if via else None
        cls = rng if rng and rng.startswith(CG) else None
        if cls is None and parent is None:
            cls = KIND_CLASSES.get(path.split("/")[0])
        if cls is None:
            raise ctx.err(node, f"{path}.a", "give the entity's class (a: ClassName)")
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(RDF + "type"), ox.NamedNode(cls)))
    for key, kn, vn in fields:
        if key in ("id", "a", "from"):
            continue
        fpath = f"{path}.{key}"
        if key == "years":
            _years(ctx, subj, vn, fpath)
            continue
        prop = _property(ctx, key, kn, fpath)
        values = vn.value if (isinstance(vn, yaml.SequenceNode) and vn.tag != "!list") else [vn]
        if isinstance(vn, yaml.SequenceNode) and not values:
            raise ctx.err(vn, fpath, "an empty list: leave the field out, or record "
                                     "cg:notStated / no data available")
        for v in values:
            _value(ctx, subj, prop, v, fpath, prov)
    return subj


def _check_minted(ctx: Ctx, ident: str, node: yaml.Node) -> None:
    """``kind/<cc>-slug`` (``kind/<cc>-<edition>-slug`` for what an edition states); a
    period named by its years (``period/2021-2027``) and the factsheet's parts excepted."""
    kind, _, slug = ident.partition("/")
    if kind == "factsheet" or (kind == "period" and re.fullmatch(r"\d{4}(-\d{4})?", slug)):
        return
    want = f"{ctx.country}-{ctx.edition}-" if kind in EDITION_KINDS else f"{ctx.country}-"
    if not (slug.startswith(want) or slug == want[:-1] or slug.startswith(want[:-1] + "/")):
        what = "what an edition states" if kind in EDITION_KINDS else "a lasting entity"
        raise ctx.err(node, f"{ident}.id", f"the id of {what} is {kind}/{want}<slug> "
                                           "in this file (data/README.md, IRIs)")


def _property(ctx: Ctx, key: str, kn: yaml.Node, path: str) -> str:
    s = ctx.schema
    iri = s.expand(key) if ":" in key else s.field_names.get(key)
    if iri and (iri in s.properties or iri in EXTRA_PROPERTIES):
        return iri
    cands = {n: s.curie(p) for n, p in s.field_names.items()}
    raise ctx.err(kn, path, f"unknown field '{key}'{_suggest(key, cands)}")


def _kind_of(ctx: Ctx, prop: str) -> dict:
    info = ctx.schema.properties.get(prop)
    if info is None:
        return {"kind": EXTRA_PROPERTIES.get(prop, "any"), "range": None, "datatype": None}
    return info


def _value(ctx: Ctx, subj: ox.NamedNode, prop: str, vn: yaml.Node, path: str,
           prov: list) -> None:
    s = ctx.schema
    info = _kind_of(ctx, prop)
    p = ox.NamedNode(prop)
    if isinstance(vn, yaml.MappingNode):
        if info["kind"] == "datatype":
            raise ctx.err(vn, path, f"{s.curie(prop)} takes a value, not an entity")
        child = _node(ctx, vn, path, prov, subj.value, prop)
        ctx.triples.append(ox.Triple(subj, p, child))
        return
    if isinstance(vn, yaml.SequenceNode):  # !list
        items = [_term(ctx, prop, info, x, path) for x in vn.value]
        ctx.lists += 1
        head: ox.NamedNode | ox.BlankNode = ox.NamedNode(RDF + "nil")
        for i, item in reversed(list(enumerate(items))):
            b = ox.BlankNode(f"list{ctx.lists}x{i}")
            ctx.triples.append(ox.Triple(b, ox.NamedNode(RDF + "first"), item))
            ctx.triples.append(ox.Triple(b, ox.NamedNode(RDF + "rest"), head))
            head = b
        ctx.triples.append(ox.Triple(subj, p, head))
        return
    if prop == CG + "amount" and _AMOUNT_RE.match(vn.value.strip()) and vn.tag != "!plain":
        _amount(ctx, subj, vn, path)
        return
    if prop == CG + "amount" and not _looks_number(vn.value):
        raise ctx.err(vn, path, f"'{vn.value}' is not an amount with its currency "
                                "(e.g. EUR 12.5 million)")
    if prop == CG + "amount":
        raise ctx.err(vn, path, f"amount '{vn.value}' without a currency: write it as the "
                                f"source does, e.g. 'EUR {vn.value}'")
    if prop == CG + "value":
        m = _NUMBER_RE.match(vn.value.strip())
        if m and (m.group("q") or "," in m.group("num") or m.group("scale")):
            num = _number(m)
            ctx.triples.append(ox.Triple(subj, p, ox.Literal(str(num), datatype=ox.NamedNode(
                XSD + ("integer" if num == num.to_integral_value() and "." not in m.group("num")
                       else "decimal")))))
            q = _QUALIFIERS.get((m.group("q") or "").lower(), "exact")
            ctx.triples.append(ox.Triple(subj, ox.NamedNode(CG + "qualifier"),
                                         ox.NamedNode(QUALIFIER + q)))
            return
    ctx.triples.append(ox.Triple(subj, p, _term(ctx, prop, info, vn, path)))


def _looks_number(text: str) -> bool:
    return bool(_NUMBER_RE.match(text.strip()))


def _number(m: re.Match) -> Decimal:
    num = Decimal(m.group("num").replace(",", ""))
    scale = (m.group("scale") or "").lower()
    return num * _SCALE[scale] if scale else num


def _amount(ctx: Ctx, subj: ox.NamedNode, vn: yaml.Node, path: str) -> None:
    m = _AMOUNT_RE.match(vn.value.strip())
    cur = m.group("cur").upper()
    if not any(c.iri == CURRENCY + cur for c in ctx.schema.concepts.get(CURRENCY[:-1], [])):
        raise ctx.err(vn, path, f"'{cur}' is not a currency code of the EU table "
                                "(ontology/reference/currencies.ttl)")
    num = _number(m)
    lex = format(num.normalize(), "f")
    ctx.triples += [
        ox.Triple(subj, ox.NamedNode(CG + "amount"),
                  ox.Literal(lex if "." in lex else lex + ".0",
                             datatype=ox.NamedNode(XSD + "decimal"))),
        ox.Triple(subj, ox.NamedNode(CG + "currency"), ox.NamedNode(CURRENCY + cur)),
    ]
    if m.group("q"):
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(CG + "qualifier"), ox.NamedNode(
            QUALIFIER + _QUALIFIERS[m.group("q").lower()])))


def _years(ctx: Ctx, subj: ox.NamedNode, vn: yaml.Node, path: str) -> None:
    text = _scalar(ctx, vn, path).strip()
    m = _YEARS_RE.match(text)
    if m:
        a, b = m.groups()
    elif re.fullmatch(r"\d{4}", text):
        a = b = text
    else:
        raise ctx.err(vn, path, f"'{text}' is not a year or a range of years (e.g. 2021-2027)")
    if int(b) < int(a):
        raise ctx.err(vn, path, f"the range '{text}' ends before it starts")
    gy = ox.NamedNode(XSD + "gYear")
    ctx.triples += [ox.Triple(subj, ox.NamedNode(DCAT + "startDate"), ox.Literal(a, datatype=gy)),
                    ox.Triple(subj, ox.NamedNode(DCAT + "endDate"), ox.Literal(b, datatype=gy))]


_CHECKS = {
    "integer": re.compile(r"^[+-]?\d+$"), "decimal": re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$"),
    "gYear": re.compile(r"^\d{4}$"), "date": re.compile(r"^\d{4}-\d{2}-\d{2}$"),
    "boolean": re.compile(r"^(true|false)$"), "duration": re.compile(r"^-?P(?=\d|T\d)"
                                                                   r"(\d+Y)?(\d+M)?(\d+D)?(T.*)?$"),
}
_DT_EXAMPLE = {"integer": "a whole number", "decimal": "a number", "gYear": "a year (2016)",
               "date": "a date (2016-03-04)", "boolean": "true or false",
               "duration": "a duration (P10Y)"}


def _term(ctx: Ctx, prop: str, info: dict, vn: yaml.Node, path: str):
    s = ctx.schema
    text = _scalar(ctx, vn, path)
    if info["kind"] == "object" or (info["kind"] == "any" and _iri_like(ctx, text)):
        return ox.NamedNode(_resolve(ctx, prop, info, text, vn, path))
    dt = info.get("datatype")
    if vn.tag and vn.tag.startswith("!") and vn.tag[1:] in _CHECKS:  # !gYear 2026
        dt = XSD + vn.tag[1:]
    if dt == XSD + "string" or vn.tag == "!plain":
        return ox.Literal(text)
    if dt and dt.startswith(XSD):
        local = dt[len(XSD):]
        if local == "decimal" and re.fullmatch(r"[+-]?\d+", text):
            text = text + ".0"
        check = _CHECKS.get(local)
        if check and not check.match(text):
            raise ctx.err(vn, path, f"'{text}' is not {_DT_EXAMPLE[local]} ({s.curie(prop)} "
                                    f"takes xsd:{local})")
        return ox.Literal(text, datatype=ox.NamedNode(dt))
    if vn.tag == "tag:yaml.org,2002:int" or (not vn.style and _CHECKS["integer"].match(text)):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "integer"))
    if not vn.style and _CHECKS["decimal"].match(text):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "decimal"))
    if not vn.style and text in ("true", "false"):
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "boolean"))
    m = re.fullmatch(r"(\d{4}-\d{2}-\d{2})", text)
    if m and not vn.style:
        return ox.Literal(text, datatype=ox.NamedNode(XSD + "date"))
    return ox.Literal(text, language=ctx.language)


def _iri_like(ctx: Ctx, text: str) -> bool:
    if re.fullmatch(r"[a-z][a-z0-9-]*/[a-z0-9][a-z0-9./-]*", text):  # an entity's id
        return True
    return bool(re.match(r"^(https?://\S+|<[^>]+>)$", text)) or (
        ctx.schema.expand(text) is not None and " " not in text)


def _resolve(ctx: Ctx, prop: str, info: dict, text: str, vn: yaml.Node, path: str) -> str:
    s = ctx.schema
    if text.startswith("<") and text.endswith(">"):
        return text[1:-1]
    if re.match(r"^https?://\S+$", text):
        return text
    schemes = s.schemes.get(prop)
    if schemes:
        return _concept(ctx, prop, schemes, text, vn, path)
    curie = s.expand(text) if " " not in text else None
    if curie:
        return curie
    rng = info.get("range")
    if rng == CG + "Country" and text in s.country_codes:
        return s.country_codes[text]
    if text in s.nuts_codes:
        return s.nuts_codes[text]
    if text in s.country_codes and len(text) == 3:
        return s.country_codes[text]
    if re.fullmatch(r"[a-z][a-z0-9-]*/\S+", text):
        iri = CGID + text
        ctx.refs.append((iri, vn, path))
        return iri
    if rng in (CG + "Country", DCT + "Location") or prop.endswith("Area"):
        raise ctx.err(vn, path, f"'{text}' is not a NUTS code or country code of "
                                "ontology/reference/ (e.g. BE2, BEL)")
    raise ctx.err(vn, path, f"'{text}' is not a reference (kind/slug, prefix:name or an "
                            f"address) for {s.curie(prop)}")


def _concept(ctx: Ctx, prop: str, schemes: set[str], text: str, vn: yaml.Node,
             path: str) -> str:
    s = ctx.schema
    cands, exact = _concept_index(s, frozenset(schemes))
    hit = exact.get(text) or exact.get(text.lower())
    if hit:
        return hit
    names = ", ".join(s.curie(sc).split(":")[-1].rstrip("/").rsplit("/", 1)[-1]
                      for sc in sorted(schemes))
    hint = _suggest(text, cands)
    return _raise(ctx.err(vn, path, f"'{text}' is not a concept of the {names} scheme{hint}"
                  if hint else f"'{text}' is not a concept of the {names} scheme "
                  f"(ontology/vocabularies/{names}.ttl)"))


_INDEX: dict[tuple[int, frozenset], tuple[dict[str, str], dict[str, str]]] = {}


def _concept_index(s: Schema, schemes: frozenset) -> tuple[dict[str, str], dict[str, str]]:
    """For a controlled field's schemes: the names a curator may write -> concept IRI
    (``exact``), and the labels and local names offered as near misses (``cands``)."""
    key = (id(s), schemes)
    if key not in _INDEX:
        cands: dict[str, str] = {}
        exact: dict[str, str] = {}
        for sc in sorted(schemes):
            for c in s.concepts.get(sc, []):
                keys = [c.iri, s.curie(c.iri), c.iri.rstrip("/").rsplit("/", 1)[-1]]
                keys += [c.notation] if c.notation else []
                for k in keys + c.labels:
                    exact.setdefault(k, c.iri)
                    exact.setdefault(k.lower(), c.iri)
                for k in c.labels + keys[2:3]:
                    cands.setdefault(k, s.curie(c.iri))
        _INDEX[key] = (cands, exact)
    return _INDEX[key]


def _raise(exc: Exception):
    raise exc
