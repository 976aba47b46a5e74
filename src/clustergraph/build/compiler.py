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
from ..namespaces import CGV, CURRENCY, DCAT, DCT, M8G, ORG, OWL, PROV, RDFS, SCHEMA
from .schema import CG, CGID, RDF, XSD, Schema, load_schema

PROV_DERIVED = PROV + "wasDerivedFrom"
QUALIFIER = CGV + "qualifier/"
UNIT = CGV + "unit/"
SCHEMA_URL = SCHEMA + "url"

# Annotation properties the data's rules use that neither the ontology nor the shapes declare.
EXTRA_PROPERTIES = {
    RDFS + "seeAlso": "object",
    OWL + "sameAs": "object",
    DCT + "issued": "datatype",
    DCT + "modified": "datatype",
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
    "challenge": CG + "SemesterChallenge", "contribution": CG + "PolicyContribution",
    "competence": CG + "CompetenceAllocation", "participation": CG + "ProgrammeParticipation",
    "specialisation": CG + "EmploymentSpecialisation", "document": CG + "WebPage",
}

# The classes whose entities are of one country (cg:country): one that gives no `country:` is of
# the file's country (`country: none` for one that is of none).
COUNTRY_CLASSES = {CG + c for c in (
    "ClusterPolicy", "Policy", "CompetenceAllocation", "Factsheet", "Programme",
    "RecoveryAndResiliencePlan", "OperationalProgramme", "SemesterChallenge", "SourceDocument",
    "WebPage", "StateOfPlayAssessment", "ClusterOrganisation")} | {
    ORG + "Organization", M8G + "PublicOrganisation"}

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
_LANG_TAG = re.compile(r"!([a-z]{2,3})(-[A-Za-z0-9]+)*")  # a text in another language


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
    country_iri: str = ""                        # the file's country (entities' default)
    outputs: dict = field(default_factory=dict)   # output file name -> [(start, end)] of triples

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

_COMPOSED: dict[tuple, yaml.Node] = {}  # (path, size, mtime) -> node: a file read once per build


def read_yaml(path: Path, shown: str) -> yaml.Node:
    try:
        st = path.stat()
        key = (str(path.resolve()), st.st_size, st.st_mtime_ns)
        if key in _COMPOSED:
            return _COMPOSED[key]
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
    if len(_COMPOSED) >= 64:
        _COMPOSED.pop(next(iter(_COMPOSED)))
    _COMPOSED[key] = node
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

def _compile(path: Path, shown: str | None, known: frozenset) -> Ctx:
    shown = shown or str(path)
    root = read_yaml(path, shown)
    schema = load_schema()
    ctx = Ctx(shown, schema, "", "", "en", known=known)
    top = dict((k, (kn, v)) for k, kn, v in _mapping(ctx, root, "(top)"))
    allowed = {"country", "edition", "language", "parts", "turtle"}
    for k, (kn, _v) in top.items():
        if k not in allowed:
            hint = _suggest(k, {a: a for a in allowed}).split(" (")[0]
            raise ctx.err(kn, k, f"unknown top-level key{hint + '?' if hint else ''}"
                                 f" (allowed: {', '.join(sorted(allowed))})")
    for req in ("country", "parts"):
        if req not in top:
            raise ctx.err(root, req, "missing required top-level key")
    country = _scalar(ctx, top["country"][1], "country")
    if not re.fullmatch(r"[A-Z]{2}", country) or country not in schema.country_codes:
        raise ctx.err(top["country"][1], "country",
                      f"'{country}' is not an EU country code (two capital letters, e.g. BE, EL)")
    # no edition: a folder read from web pages only (no factsheet): bare part names are its
    # pages (document/<cc>-<name>) and what it states needs no edition in its id
    edition = _scalar(ctx, top["edition"][1], "edition") if "edition" in top else ""
    if "edition" in top and not re.fullmatch(r"\d{4}", edition):
        raise ctx.err(top["edition"][1], "edition", f"'{edition}' is not a year (e.g. 2023)")
    ctx.country, ctx.edition = country.lower(), edition
    ctx.country_iri = schema.country_codes[country]
    if "language" in top:
        ctx.language = _scalar(ctx, top["language"][1], "language")
    files = _output_files(ctx, top["turtle"][1] if "turtle" in top else None)
    parts_node = top["parts"][1]
    for part, pn, nodes in _mapping(ctx, parts_node, "parts"):
        prov = _provenance(ctx, part, pn, part)
        if not isinstance(nodes, yaml.SequenceNode):
            raise ctx.err(nodes, part, f"expected a list of entities, got {_kind(nodes)}")
        for i, n in _entities(ctx, nodes.value, part):
            start = len(ctx.triples)
            subj = _node(ctx, n, f"{part}[{i}]", prov, None, None)
            out = _file_of(ctx, files, part, _short(subj.value), n)
            ctx.outputs.setdefault(out, []).append((start, len(ctx.triples)))
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
    return ctx


def _directive(n: yaml.Node) -> str | None:
    if (isinstance(n, yaml.MappingNode) and len(n.value) == 1
            and isinstance(n.value[0][0], yaml.ScalarNode)
            and n.value[0][0].value == "with"):
        return n.value[0][0].value
    return None


def _entities(ctx: Ctx, items: list, path: str):
    """The entities of a list (a part's, or a field's): ``- with: {field: value}`` gives the
    entities after it, up to the next ``- with:``, that field (unless they give their own).
    Yields (index, node)."""
    defaults: dict[str, tuple] = {}
    for i, n in enumerate(items):
        d = _directive(n)
        if d == "with":  # replaces the defaults of the ones before ({} clears them)
            defaults = {}
            for k, kn, v in _mapping(ctx, n.value[0][1], f"{path}[{i}].with"):
                if k in ("id", "a", "from", "also"):
                    raise ctx.err(kn, f"{path}[{i}].with.{k}",
                                  f"'{k}' is the entity's own, not a field to share")
                defaults[k] = (kn, v)
            continue
        if defaults and isinstance(n, yaml.MappingNode):
            own = {k.value for k, _ in n.value if isinstance(k, yaml.ScalarNode)}
            n = yaml.MappingNode(n.tag, list(n.value) + [
                (kn, v) for k, (kn, v) in defaults.items() if k not in own],
                n.start_mark, n.end_mark, n.flow_style)
        yield i, n


def output_paths(path: Path, shown: str | None = None) -> list[Path]:
    """The Turtle files an input generates beside it: its ``turtle:`` map's, else
    ``<stem>.ttl`` (read without compiling; a broken file is reported by the compile)."""
    try:
        root = read_yaml(path, shown or str(path))
    except InputError:
        return [path.parent / (path.stem + ".ttl")]
    if isinstance(root, yaml.MappingNode):
        for k, v in root.value:
            if isinstance(k, yaml.ScalarNode) and k.value == "turtle" and isinstance(
                    v, yaml.MappingNode):
                return [path.parent / n.value for n, _ in v.value
                        if isinstance(n, yaml.ScalarNode)]
    return [path.parent / (path.stem + ".ttl")]


def compile_file(path: Path, shown: str | None = None, known: frozenset = frozenset()
                 ) -> tuple[list[ox.Triple], dict[str, int]]:
    """The triples of one input file, and the line each subject was defined on."""
    ctx = _compile(path, shown, known)
    return sorted(set(ctx.triples), key=str), ctx.ids


def compile_outputs(path: Path, shown: str | None = None, known: frozenset = frozenset()
                    ) -> tuple[dict[str, list[ox.Triple]], dict[str, int]]:
    """The triples of one input file per output file (its ``turtle:`` map; without one, all
    in ``<stem>.ttl``), and the line each subject was defined on."""
    ctx = _compile(path, shown, known)
    out = {}
    for name, spans in sorted(ctx.outputs.items()):
        name = name or path.stem + ".ttl"
        out[name] = sorted({t for a, b in spans for t in ctx.triples[a:b]}, key=str)
    return out, ctx.ids


def _output_files(ctx: Ctx, node: yaml.Node | None) -> list[tuple[str, list[str]]]:
    """``turtle:`` maps each Turtle file the input generates to what goes into it: parts (an
    entity goes with the first part it is derived from), id prefixes ending in ``*``
    (``org/*``), or ``"*"`` for the rest."""
    if node is None:
        return []
    out = []
    for name, kn, sel in _mapping(ctx, node, "turtle"):
        if not re.fullmatch(r"[a-z0-9][a-z0-9.-]*\.ttl", name):
            raise ctx.err(kn, f"turtle.{name}", f"'{name}' is not a Turtle file name "
                                                "(lower case, ending in .ttl)")
        vals = sel.value if isinstance(sel, yaml.SequenceNode) else [sel]
        out.append((name, [_scalar(ctx, v, f"turtle.{name}") for v in vals]))
    return out


def _file_of(ctx: Ctx, files: list, part: str, ident: str, node: yaml.Node) -> str:
    """The output file of a top-level entity: the first id prefix that matches it, else the
    file that lists its part, else the one that takes the rest (``"*"``)."""
    if not files:
        return ""
    for name, sels in files:
        if any(s.endswith("*") and s != "*" and ident.startswith(s[:-1]) for s in sels):
            return name
    for name, sels in files:
        if part in sels:
            return name
    for name, sels in files:  # the part it is first derived from (table-3 of "table-3 section-3")
        if part.split()[0] in sels:
            return name
    for name, sels in files:
        if "*" in sels:
            return name
    raise ctx.err(node, ident, f"no file of the turtle: map takes part '{part}' (add it to "
                               "one, or give one \"*\")")


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
        elif ctx.edition:
            iri = f"{CGID}factsheet/{ctx.country}-{ctx.edition}/{tok}"
            ctx.refs.append((iri, node, path))
        else:  # a file without a factsheet: its pages, document/<cc>-<name>
            iri = f"{CGID}document/{ctx.country}-{tok}"
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
    if not ident.startswith("-"):
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
    also = (_provenance(ctx, _scalar(ctx, byname["also"][1], f"{path}.also"),
                        byname["also"][1], f"{path}.also") if "also" in byname else [])
    for p in [*prov, *also]:  # `also:` sources are this entity's alone, not its nested ones'
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(PROV_DERIVED), p))
    # its class: `a:`, else the range of the property it hangs from, else its kind's class
    types = []
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
            types.append(cls)
            ctx.triples.append(ox.Triple(subj, ox.NamedNode(RDF + "type"), ox.NamedNode(cls)))
    else:
        rng = s.properties.get(via, {}).get("range") if via else None
        cls = rng if rng and rng.startswith(CG) else None
        if cls is None and parent is None:
            cls = KIND_CLASSES.get(path.split("/")[0])
        if cls is None:
            raise ctx.err(node, f"{path}.a", "give the entity's class (a: ClassName)")
        types.append(cls)
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(RDF + "type"), ox.NamedNode(cls)))
    start = len(ctx.triples)
    if "country" not in byname and COUNTRY_CLASSES.intersection(types):
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(CG + "country"),
                                     ox.NamedNode(ctx.country_iri)))
    for key, kn, vn in fields:
        if key in ("id", "a", "from", "also"):
            continue
        if key == "country" and isinstance(vn, yaml.ScalarNode) and vn.value == "none":
            if not COUNTRY_CLASSES.intersection(types):  # would say nothing: refused
                shown = ", ".join(sorted("cg:" + t[len(CG):] if t.startswith(CG) else t
                                         for t in types))
                raise ctx.err(vn, f"{path}.country", f"'none' says that an entity is of no "
                              f"country, but a {shown} is never of one: leave the field out")
            continue  # of no country (not the file's)
        fpath = f"{path}.{key}"
        if key == "years":
            _years(ctx, subj, vn, fpath)
            continue
        if key == "contents":
            _contents(ctx, subj, vn, fpath, subj.value)
            continue
        prop = _property(ctx, key, kn, fpath)
        values = vn.value if (isinstance(vn, yaml.SequenceNode) and vn.tag != "!list") else [vn]
        if isinstance(vn, yaml.SequenceNode) and not values:
            raise ctx.err(vn, fpath, "an empty list: leave the field out, or record "
                                     "cg:notStated / no data available")
        if len(values) > 1 and any(_directive(v) for v in values):
            values = [v for _, v in _entities(ctx, values, fpath)]
        for v in values:
            _value(ctx, subj, prop, v, fpath, prov)
    _figure_defaults(ctx, subj, start)
    return subj


def _figure_defaults(ctx: Ctx, subj: ox.NamedNode, start: int) -> None:
    """A figure's short form: a value without a qualifier word is exact; a whole number
    without a unit is a count (unit number)."""
    own = [t for t in ctx.triples[start:] if t.subject == subj]
    values = [t.object for t in own if t.predicate.value == CG + "value"]
    if not values:
        return
    preds = {t.predicate.value for t in own}
    if CG + "qualifier" not in preds:
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(CG + "qualifier"),
                                     ox.NamedNode(QUALIFIER + "exact")))
    if (CG + "unit" not in preds and len(values) == 1 and isinstance(values[0], ox.Literal)
            and values[0].datatype.value == XSD + "integer"):
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(CG + "unit"),
                                     ox.NamedNode(UNIT + "number")))


_PART_KINDS = {"section": ("Section", "section"), "table": ("Table", "Table"),
               "figure": ("Chart", "Figure"), "annex": ("Section", None)}


def _contents(ctx: Ctx, subj: ox.NamedNode, vn: yaml.Node, path: str, parent: str) -> None:
    """A factsheet's table of contents: ``section-2.1: Title`` (or ``{title: ..., <its own
    parts>}``) is the part ``<factsheet>/section-2.1``, a cg:Section with its partNumber,
    title, label "<Country> <edition>, section 2.1: Title" and dct:isPartOf its parent."""
    root = subj.value
    if not ctx.edition:
        raise ctx.err(vn, path, "a factsheet's contents need the file's edition (edition: 2024)")
    country = ctx.schema.country_codes.get(ctx.country.upper())
    name = next((c.english for cs in ctx.schema.concepts.values() for c in cs
                 if c.iri == country and c.english), ctx.country.upper())
    for key, kn, v in _mapping(ctx, vn, path):
        m = re.fullmatch(r"(section|table|figure|annex)(?:-(\d+(?:\.\d+)*))?", key)
        if not m or (m.group(1) != "annex") != bool(m.group(2)):
            raise ctx.err(kn, f"{path}.{key}", f"'{key}' is not a part of a factsheet "
                                               "(section-2.1, table-3, figure-1, annex)")
        iri = f"{root}/{key}"
        if iri in ctx.ids:
            raise ctx.err(kn, f"{path}.{key}",
                          f"duplicate entity (first defined at line {ctx.ids[iri]})")
        ctx.ids[iri] = kn.start_mark.line + 1
        cls, word = _PART_KINDS[m.group(1)]
        inner = None
        if isinstance(v, yaml.MappingNode):
            fields = {k: (kk, vv) for k, kk, vv in _mapping(ctx, v, f"{path}.{key}")}
            if "title" not in fields:
                raise ctx.err(v, f"{path}.{key}", "missing required field 'title'")
            title = _scalar(ctx, fields["title"][1], f"{path}.{key}.title")
            inner = yaml.MappingNode("tag:yaml.org,2002:map",
                                     [(kk, vv) for k, kk, vv in _mapping(ctx, v, path)
                                      if k != "title"])
        else:
            title = _scalar(ctx, v, f"{path}.{key}")
        number = m.group(2) or title
        label = (f"{name} {ctx.edition}, {word} {number}: {title}" if word
                 else f"{name} {ctx.edition}, {title}")
        s = ox.NamedNode(iri)
        lang = ctx.language
        ctx.triples += [
            ox.Triple(s, ox.NamedNode(RDF + "type"), ox.NamedNode(CG + cls)),
            ox.Triple(s, ox.NamedNode(CG + "partNumber"), ox.Literal(number)),
            ox.Triple(s, ox.NamedNode(DCT + "title"),
                      ox.Literal(title, language=lang)),
            ox.Triple(s, ox.NamedNode(RDFS + "label"), ox.Literal(label, language=lang)),
            ox.Triple(s, ox.NamedNode(DCT + "isPartOf"),
                      ox.NamedNode(parent)),
        ]
        if inner is not None and inner.value:
            _contents(ctx, subj, inner, f"{path}.{key}", iri)


def _check_minted(ctx: Ctx, ident: str, node: yaml.Node) -> None:
    """``kind/<cc>-slug`` (``kind/<cc>-<edition>-slug`` for what an edition states); a
    period named by its years (``period/2021-2027``) and the factsheet's parts excepted."""
    kind, _, slug = ident.partition("/")
    if kind == "factsheet" or (kind == "period" and re.fullmatch(r"\d{4}(-\d{4})?", slug)):
        return
    # an organisation of another country (a foreign publisher of a page) has its own code
    if (kind == "org" and re.match(r"[a-z]{2}-", slug)
            and slug[:2].upper() in ctx.schema.country_codes):
        return
    want = (f"{ctx.country}-{ctx.edition}-" if kind in EDITION_KINDS and ctx.edition
            else f"{ctx.country}-")
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
    if prop == CG + "value" and vn.tag != "!plain" and _value_short(ctx, subj, vn, path):
        return
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
        if vn.tag != "!plain" and not _CHECKS["decimal"].match(vn.value.strip()):
            raise ctx.err(vn, path, f"'{vn.value}' is not a figure (e.g. 12, over 1,200, "
                                    "7.5 %, EUR 2.5 million)")
    ctx.triples.append(ox.Triple(subj, p, _term(ctx, prop, info, vn, path)))


def _value_short(ctx: Ctx, subj: ox.NamedNode, vn: yaml.Node, path: str) -> bool:
    """``value: 77 %`` (unit percent) and ``value: EUR 291 million`` (unit eur): a decimal,
    the unit, and the qualifier word if any."""
    text = vn.value.strip()
    m = re.fullmatch(r"(?:(?P<q>over|more than|at least|around|about|approximately|up to)\s+)?"
                     r"(?P<num>[0-9][0-9,]*(?:\.[0-9]+)?)\s*%", text, re.I)
    unit = "percent"
    if not m:
        m = _AMOUNT_RE.match(text)
        if not m:
            return False
        unit = m.group("cur").lower()
        if not any(c.iri == UNIT + unit for cs in ctx.schema.concepts.values() for c in cs):
            raise ctx.err(vn, path, f"'{m.group('cur')}' is not a unit of the unit scheme "
                                    "(ontology/vocabularies/unit.ttl)")
    num = _number(m) if "scale" in m.re.groupindex else Decimal(m.group("num").replace(",", ""))
    lex = format(num.normalize(), "f")
    ctx.triples += [
        ox.Triple(subj, ox.NamedNode(CG + "value"), ox.Literal(
            lex if "." in lex else lex + ".0", datatype=ox.NamedNode(XSD + "decimal"))),
        ox.Triple(subj, ox.NamedNode(CG + "unit"), ox.NamedNode(UNIT + unit)),
    ]
    if m.group("q"):
        ctx.triples.append(ox.Triple(subj, ox.NamedNode(CG + "qualifier"), ox.NamedNode(
            QUALIFIER + _QUALIFIERS[m.group("q").lower()])))
    return True


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
    if vn.tag and _LANG_TAG.fullmatch(vn.tag):  # !fr "pôles de compétitivité"
        return ox.Literal(text, language=vn.tag[1:])
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
        none = ", or none for an entity of no country" if prop == CG + "country" else ""
        raise ctx.err(vn, path, f"'{text}' is not a NUTS code or country code of "
                                f"ontology/reference/ (e.g. BE2, BEL{none})")
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
