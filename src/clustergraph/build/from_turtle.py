"""Write existing Turtle data as an input file of ``clustergraph build`` (the migration
tool that wrote the first ``data/<cc>/*.yaml`` from the hand-written Turtle; the round trip
test checks it on every country). Nodes are grouped into parts by their
``prov:wasDerivedFrom``; a node referred to by one other only is nested under it where its IRI
extends the referrer's (``<policy>-focus``) or it has the same sources; the factsheet's parts
become its ``contents:``; ``- with:`` lines where enough entities of a part share a field;
figures in their short form; entities without nested ones are written as packed flow
mappings (the id, the fields a reviewer compares, then label, description, quotation and
comment), a field's one such entity without a list (``dct:temporal: {id: -period, ...}``);
``country:`` only where it is not the file's (``country: none`` for an entity of a class that
has one but of no country). Turtle comments are not carried over. Edition ``-``: a folder of web pages.

    python -m clustergraph.build.from_turtle BE 2023 data/be/*.ttl > data/be/2023.yaml
"""

# ruff: noqa: E501, E701, E702, E741

from __future__ import annotations

import json
import re
import sys

import pyoxigraph as ox

from ..namespaces import DCT, RDFS
from .compiler import COUNTRY_CLASSES, KIND_CLASSES, PROV_DERIVED
from .schema import CG, CGID, RDF, XSD, load_schema

LANG = ["en"]
QWORD = {"exact": "", "over": "over", "around": "around", "at-least": "at least", "up-to": "up to"}


def money(lex: str) -> str:
    """An amount as a curator writes it: 640000000.0 -> '640 million'."""
    from decimal import Decimal
    d = Decimal(lex)
    for word, scale in (("billion", Decimal(10) ** 9), ("million", Decimal(10) ** 6)):
        if d >= scale and (d / scale) == (d / scale).quantize(Decimal("0.001")):
            return format((d / scale).normalize(), "f") + " " + word
    return format(d.normalize(), "f")


def turtle_to_input(files: list[str], country: str, edition: str) -> str:
    """The YAML input text equivalent to the Turtle ``files`` (``edition`` "" or "-" for a
    folder read from web pages only)."""
    edition = "" if edition == "-" else edition
    OUT: list[str] = []
    S = load_schema()
    quads = []
    for f in files:
        quads += list(ox.parse(path=f, format=ox.RdfFormat.TURTLE))
    order, po = [], {}
    for q in quads:
        s = q.subject
        if s not in po:
            po[s] = {}; order.append(s)
        po[s].setdefault(q.predicate.value, []).append(q.object)
    HOME = S.country_codes[country.upper()]  # an entity's default country
    FS = (f"{CGID}factsheet/{country.lower()}-{edition}/" if edition
          else f"{CGID}document/{country.lower()}-")
    incoming = {}
    for s in order:
        for p, os_ in po[s].items():
            for o in os_:
                incoming.setdefault(o, []).append((s, p))
    def token(o):
        return o.value[len(FS):] if o.value.startswith(FS) else o.value[len(CGID):]
    def prov_key(s):
        ps = po[s].get(PROV_DERIVED, [])
        toks = [token(o) for o in ps]
        return " ".join(toks) if toks else "-"
    ALSO, SKIPS = {}, {}
    def prov_set(s):
        return {o.value for o in po[s].get(PROV_DERIVED, [])}
    parent = {}
    for s in order:
        if not isinstance(s, ox.NamedNode): continue
        inc = [x for x in incoming.get(s, []) if x[1] != PROV_DERIVED]
        if len(inc) == 1 and len(incoming.get(s, [])) == 1:
            p, prop = inc[0]
            # nested where its IRI extends its only referrer's, or where it has the same sources
            if isinstance(p, ox.NamedNode) and (s.value.startswith(p.value + "-") or (
                    prov_set(s) == prov_set(p) and prov_set(s))):
                parent[s] = (p, prop)
    for s in list(parent):  # no cycles: a node nested (transitively) under itself stays on top
        seen, x = {s}, parent[s][0]
        while x in parent:
            if x in seen:
                del parent[s]; break
            seen.add(x); x = parent[x][0]
    # the factsheet's parts, written as its `contents:` when they follow the pattern exactly
    IN_CONTENTS, CONTENTS = set(), {}
    import pyoxigraph as _ox
    cname = None
    for code, iri in S.country_codes.items():
        if len(code) == 2 and code == country.upper():
            cname = next((c.english for cs in S.concepts.values() for c in cs if c.iri == iri and c.english), code)
    KINDS = {"section": ("Section", "section"), "table": ("Table", "Table"), "figure": ("Chart", "Figure"), "annex": ("Section", None)}
    for fs in order:
        if _ox.NamedNode(CG + "Factsheet") not in po.get(fs, {}).get(RDF + "type", []): continue
        for s in order:
            if not isinstance(s, _ox.NamedNode) or not s.value.startswith(fs.value + "/"): continue
            key = s.value[len(fs.value) + 1:]
            m = re.fullmatch(r"(section|table|figure|annex)(?:-(\d+(?:\.\d+)*))?", key)
            if not m: continue
            props = po[s]
            try:
                (t,), (num,), (title,), (label,), (up,) = (props[RDF + "type"], props[CG + "partNumber"],
                    props[DCT + "title"], props[RDFS + "label"],
                    props[DCT + "isPartOf"])
            except (KeyError, ValueError):
                continue
            cls, word = KINDS[m.group(1)]
            want = f"{cname} {edition}, {word} {num.value}: {title.value}" if word else f"{cname} {edition}, {title.value}"
            if (len(props) != 5 or t.value != CG + cls or label.value != want or label.language != LANG[0]
                    or title.language != LANG[0] or num.value != (m.group(2) or title.value)
                    or not (up == fs or up.value.startswith(fs.value + "/"))):
                continue
            IN_CONTENTS.add(s)
            CONTENTS.setdefault(up, []).append((key, title.value, s))
    def emit_contents(node, pad):
        out = []
        for key, title, s in CONTENTS.get(node, []):
            if CONTENTS.get(s):
                out.append(f"{pad}{key}:"); out.append(f"{pad}  title: {q(title)}")
                out += emit_contents(s, pad + "  ")
            else:
                out.append(f"{pad}{key}: {q(title)}")
        return out
    def fields_of(s):
        FLOW[0] = True; ANALYSIS[0] = True
        ls = emit_block(s, 0, None, "")
        FLOW[0] = False; ANALYSIS[0] = False
        return {ln.split(": ", 1)[0]: ln.split(": ", 1)[1] for ln in ls[1:]
                if not ln.startswith(" ") and ": " in ln
                and ln.split(": ", 1)[0] not in ("a", "from", "also", "label", "quotation", "contents")}
    def plan(nodes, shared):
        """`- with:` lines where a field and value are shared by enough of a part's entities
        (those without it first), saving more than a line or two."""
        f = {s: fields_of(s) for s in nodes}
        best, gain = None, 0
        for s in nodes:
            for k, v in f[s].items():
                if k in shared: continue
                have = [x for x in nodes if f[x].get(k) == v]
                g = len(have) * (len(k) + len(v) + 4) / 95 - 1.5
                if len(have) >= 3 and g > gain:
                    best, gain = (k, v, have), g
        if best is None:
            return [("node", s, set(shared)) for s in nodes]
        k, v, have = best
        rest = [x for x in nodes if x not in have]
        inner = {**shared, k: v}
        out = plan(rest, shared) if rest else []
        after = plan(have, inner)
        if after and after[0][0] == "with":  # a with right after a with replaces it
            return out + after
        return out + [("with", inner)] + after
    def name(prop):
        local = re.split(r"[#/]", prop)[-1]
        return local if S.field_names.get(local) == prop else S.curie(prop)
    SAFE = re.compile(r"^[A-Za-z][\w .,'()&/%+:-]*$")
    def q(text, flow=False):
        if SAFE.match(text) and not text.endswith(" ") and ": " not in text and " #" not in text \
           and not ((flow or FLOW[0]) and "," in text) and text not in ("true","false","yes","no","on","off","null","y","n"):
            return text
        return json.dumps(text, ensure_ascii=False)
    def scalar(prop, o):
        info = S.properties.get(prop, {})
        if isinstance(o, ox.NamedNode):
            v = o.value
            if prop in S.schemes:
                return v.rstrip("/").rsplit("/", 1)[-1]
            for code, iri in S.country_codes.items():
                if iri == v and len(code) == 3: return code
            for code, iri in S.nuts_codes.items():
                if iri == v: return code
            if v.startswith(CGID): return v[len(CGID):]
            c = S.curie(v)
            return c if not c.startswith("<") else v
        if isinstance(o, ox.Literal):
            dt = o.datatype.value
            if o.language:
                return ("str", o.value) if o.language == LANG[0] else ("tag", o.language + " " + json.dumps(o.value, ensure_ascii=False))
            if dt == XSD + "string":
                return ("plain", o.value) if info.get("datatype") != XSD+"string" else ("str", o.value)
            if info.get("datatype") == dt: return ("str" if dt in (XSD+"gYear",XSD+"date",XSD+"duration") else "raw", o.value)
            if dt in (XSD+"integer", XSD+"decimal", XSD+"boolean"): return ("raw", o.value)
            if dt.startswith(XSD): return ("tag", dt[len(XSD):] + " " + json.dumps(o.value))
            raise ValueError(f"literal {o} for {prop}")
        raise ValueError(f"{o} for {prop}")
    ANALYSIS = [False]
    def fmt(prop, o, flow=False):
        v = scalar(prop, o)
        if isinstance(v, tuple):
            kind, t = v
            if kind == "raw": return t
            if kind == "tag": return "!" + t
            if kind == "plain": return "!plain " + json.dumps(t, ensure_ascii=False)
            return q(t, flow) if not re.fullmatch(r"[\d.+-]+|\d{4}-\d\d-\d\d", t) else json.dumps(t)
        return q(v, flow)
    FLOW = [False]
    def has_kids(s):
        return s in CONTENTS or any(parent.get(o, (None,))[0] == s for os_ in po[s].values() for o in os_)
    def emit(s, indent, via=None, first_prefix="- "):
        if not has_kids(s):
            return emit_flow(s, indent, via)
        return emit_block(s, indent, via, first_prefix)
    LONG = ("label", "description", "quotation", "comment")
    def emit_flow(s, indent, via, key=None):
        """``- {id: ..., fields, label, texts}`` packed at 100 columns (``key: {...}``: the
        one entity of a field): the id, the fields a reviewer compares, then the long texts."""
        FLOW[0] = True
        lines = emit_block(s, 0, via, "")
        FLOW[0] = False
        items = []
        for ln in lines:
            k, _, v = ln.partition(": ")
            items.append((k, f"{k}: {v}"))
        items = ([it for k, it in items if k not in LONG]
                 + [it for name in LONG for k, it in items if k == name])
        pad = " " * indent
        out_lines, cur = [], pad + (f"{key}: {{" if key else "- {")
        for i, it in enumerate(items):
            piece = it + ("}" if i == len(items) - 1 else ",")
            if len(cur) + len(piece) + 1 > 100 and not cur.endswith("{"):
                out_lines.append(cur.rstrip()); cur = pad + "   " + piece
            else:
                cur += ("" if cur.endswith("{") else " ") + piece
        out_lines.append(cur)
        return out_lines
    def emit_block(s, indent, via=None, first_prefix="- "):
        lines = []
        pad = " " * indent
        ident = (s.value[len(parent[s][0].value):] if s in parent and s.value.startswith(parent[s][0].value + "-")
                 else s.value[len(CGID):])
        lines.append(f"{pad}{first_prefix}id: {ident}")
        pad2 = pad + " " * len(first_prefix)
        props = po[s]
        types = [o.value for o in props.get(RDF + "type", [])]
        if via:
            rng = S.properties.get(via, {}).get("range")
            default = rng if rng and rng.startswith(CG) else None
        else:
            default = KIND_CLASSES.get(ident.split("/")[0])
        if types != [default]:
            ts = [t[len(CG):] if t.startswith(CG) else S.curie(t) for t in types]
            lines.append(f"{pad2}a: {ts[0] if len(ts)==1 else '[' + ', '.join(ts) + ']'}")
        pk = prov_key(s)
        up = parent[s][0] if via else None
        if via and prov_set(s) != prov_set(up) - {o.value for o in ALSO.get(up, [])}:
            lines.append(pad2 + "from: " + (q(pk) if pk != "-" else '"-"'))
        if not via and s in ALSO:
            lines.append(pad2 + "also: " + q(" ".join(token(o) for o in ALSO[s])))
        cur = props.get(CG + "currency", [])
        amount = props.get(CG + "amount", [])
        combine = len(cur) == 1 and len(amount) == 1 and isinstance(amount[0], ox.Literal)
        value = props.get(CG + "value", [])
        unit = [o.value.rsplit("/", 1)[-1] for o in props.get(CG + "unit", [])]
        qual = [o.value.rsplit("/", 1)[-1] for o in props.get(CG + "qualifier", [])]
        short = None  # a figure's short form (the compiler's defaults: exact, a count's unit)
        if len(value) == 1 and len(unit) == 1 and len(qual) == 1 and qual[0] in QWORD:
            v = value[0]
            word = QWORD[qual[0]]
            if v.datatype.value == XSD + "integer" and unit[0] == "number":
                short = (word + " " + (f"{int(v.value):,}" if word else v.value)).strip()
            elif v.datatype.value == XSD + "decimal" and unit[0] == "percent":
                short = (word + " " + format(__import__("decimal").Decimal(v.value).normalize(), "f") + " %").strip()
            elif v.datatype.value == XSD + "decimal" and unit[0] == "eur":
                short = (word + " EUR " + money(v.value)).strip()
        of_country = bool(COUNTRY_CLASSES.intersection(types))  # the file's, unless it says
        if of_country and CG + "country" not in props:
            lines.append(f"{pad2}country: none")
        for prop, objs in props.items():
            if prop in (RDF + "type", PROV_DERIVED): continue
            if of_country and prop == CG + "country" and [o.value for o in objs] == [HOME]: continue
            if short and prop in (CG + "unit", CG + "qualifier"): continue
            if name(prop) in SKIPS.get(s, ()): continue
            if short and prop == CG + "value":
                lines.append(f"{pad2}value: {q(short, True) if ',' in short else short}"); continue
            if combine and prop == CG + "currency": continue
            if combine and prop == CG + "amount":
                lines.append(f"{pad2}amount: {cur[0].value.rsplit('/', 1)[-1]} {money(amount[0].value)}"); continue
            key = name(prop)
            kids = [o for o in objs if parent.get(o, (None,))[0] == s]
            rest = [o for o in objs if o not in kids]
            if len(kids) == 1 and not rest and not has_kids(kids[0]) and not ANALYSIS[0]:
                SKIPS[kids[0]] = set()  # the one entity of a field: `key: {id: ...}`
                lines += emit_flow(kids[0], len(pad2), prop, key)
                continue
            if kids:
                lines.append(f"{pad2}{key}:")
                for item in (plan(kids, {}) if len(kids) >= 3 and not ANALYSIS[0] else [("node", k, set()) for k in kids]):
                    if item[0] == "with":
                        lines.append(f"{pad2}  - with: {{" + ", ".join(f"{a}: {b}" for a, b in item[1].items()) + "}")
                        continue
                    SKIPS[item[1]] = item[2]
                    lines += emit(item[1], indent + len(first_prefix) + 2, prop)
                for o in rest: lines.append(f"{pad2}  - {fmt(prop, o)}")
                continue
            if len(rest) == 1 and isinstance(rest[0], ox.BlankNode):
                items = []; b = rest[0]
                while b != ox.NamedNode(RDF + "nil"):
                    items.append(fmt(prop, po[b][RDF + "first"][0], True)); b = po[b][RDF + "rest"][0]
                lines.append(f"{pad2}{key}: !list [{', '.join(items)}]"); continue
            vals = [fmt(prop, o, len(rest) > 1) for o in rest]
            if len(vals) == 1:
                lines.append(f"{pad2}{key}: {vals[0]}")
            elif FLOW[0] or sum(len(v) + 2 for v in vals) + len(pad2) + len(key) < 100:
                lines.append(f"{pad2}{key}: [{', '.join(vals)}]")
            elif all(len(v) < 40 for v in vals):  # codes and ids: a flow list wrapped at 100
                cur = f"{pad2}{key}: ["
                cont = " " * len(cur)
                for i, v in enumerate(vals):
                    piece = v + ("]" if i == len(vals) - 1 else ",")
                    if len(cur) + len(piece) + 1 > 100 and not cur.endswith("["):
                        lines.append(cur.rstrip()); cur = cont + piece
                    else:
                        cur += ("" if cur.endswith("[") else " ") + piece
                lines.append(cur)
            else:
                lines.append(f"{pad2}{key}:"); lines += [f"{pad2}  - {fmt(prop, o)}" for o in rest]
        if s in CONTENTS:
            lines.append(f"{pad2}contents:"); lines += emit_contents(s, pad2 + "  ")
        return lines
    groups = {}
    for s in order:
        if isinstance(s, ox.BlankNode) or s in parent or s in IN_CONTENTS: continue
        ps = po[s].get(PROV_DERIVED, [])
        kids = [k for k, (pp, _) in parent.items() if pp == s]
        from collections import Counter
        kid_sets = Counter(frozenset(prov_set(k)) for k in kids).most_common(1)
        if kid_sets and kid_sets[0][0] < prov_set(s) and kid_sets[0][0]:
            # most of its nested entities have fewer sources: it sits with theirs, `also:` the rest
            inner = kid_sets[0][0]
            tok = [o for o in ps if o.value in inner]
            ALSO[s] = [o for o in ps if o.value not in inner]
            key = " ".join(token(o) for o in tok)
        else:
            key = prov_key(s)
        groups.setdefault(key, []).append(s)
    OUT.append(f"country: {country}\n" + (f"edition: {edition}\n" if edition else "") + "parts:")
    for k, nodes in groups.items():
        OUT.append(f"  {q(k) if k != '-' else json.dumps(k)}:")
        items = plan(nodes, {})
        i = 0
        while i < len(items):
            item = items[i]
            if item[0] == "with":
                OUT.append("    - with: {" + ", ".join(f"{a}: {b}" for a, b in item[1].items()) + "}")
                i += 1; continue
            SKIPS[item[1]] = item[2]
            OUT.append("\n".join(emit(item[1], 4)))
            i += 1
    return "\n".join(OUT) + "\n"


if __name__ == "__main__":
    sys.stdout.write(turtle_to_input(sys.argv[3:], sys.argv[1], sys.argv[2]))
