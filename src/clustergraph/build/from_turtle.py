"""Write existing Turtle data as an input file of ``clustergraph build`` (the migration
tool that wrote ``data/be/2023.yaml`` from ``data/be/*.ttl``; the round trip test checks the
result). Nodes are grouped into parts by their ``prov:wasDerivedFrom``; a node whose IRI
extends its only referrer's (``<policy>-focus``) is nested under it; entities without nested
ones are written as packed flow mappings. Turtle comments are not carried over.

    python -m clustergraph.build.from_turtle BE 2023 data/be/*.ttl > data/be/2023.yaml
"""

# ruff: noqa: E501, E701, E702, E741

from __future__ import annotations

import json
import re
import sys

import pyoxigraph as ox

from .compiler import KIND_CLASSES, PROV_DERIVED
from .schema import CG, CGID, RDF, XSD, load_schema

LANG = ["en"]


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
    FS = (f"{CGID}factsheet/{country.lower()}-{edition}/" if edition
          else f"{CGID}document/{country.lower()}-")
    incoming = {}
    for s in order:
        for p, os_ in po[s].items():
            for o in os_:
                incoming.setdefault(o, []).append((s, p))
    def prov_key(s):
        ps = po[s].get(PROV_DERIVED, [])
        toks = [o.value[len(FS):] if o.value.startswith(FS) else o.value[len(CGID):] for o in ps]
        return " ".join(toks) if toks else "-"
    parent = {}
    for s in order:
        if not isinstance(s, ox.NamedNode): continue
        inc = incoming.get(s, [])
        if len(inc) == 1:
            p, prop = inc[0]
            if isinstance(p, ox.NamedNode) and s.value.startswith(p.value + "-"):
                parent[s] = (p, prop)
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
        return any(parent.get(o, (None,))[0] == s for os_ in po[s].values() for o in os_)
    def emit(s, indent, via=None, first_prefix="- "):
        if not has_kids(s):
            return emit_flow(s, indent, via)
        return emit_block(s, indent, via, first_prefix)
    def emit_flow(s, indent, via):
        FLOW[0] = True
        lines = emit_block(s, 0, via, "")
        FLOW[0] = False
        items = []
        for ln in lines:
            k, _, v = ln.partition(": ")
            items.append(f"{k}: {v}")
        # values in flow context: re-quote the ones that need it
        pad = " " * indent
        out_lines, cur = [], pad + "- {"
        for i, it in enumerate(items):
            piece = it + ("}" if i == len(items) - 1 else ",")
            if len(cur) + len(piece) + 1 > 100 and cur.strip() not in ("- {",):
                out_lines.append(cur.rstrip()); cur = pad + "   " + piece
            else:
                cur += ("" if cur.endswith("{") else " ") + piece
        out_lines.append(cur)
        return out_lines
    def emit_block(s, indent, via=None, first_prefix="- "):
        lines = []
        pad = " " * indent
        ident = s.value[len(CGID):] if parent.get(s) is None else s.value[len(parent[s][0].value):]
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
        if via and pk != prov_key(parent[s][0]):
            lines.append(pad2 + "from: " + (q(pk) if pk != "-" else '"-"'))
        cur = props.get(CG + "currency", [])
        amount = props.get(CG + "amount", [])
        combine = len(cur) == 1 and len(amount) == 1 and isinstance(amount[0], ox.Literal)
        for prop, objs in props.items():
            if prop in (RDF + "type", PROV_DERIVED): continue
            if combine and prop == CG + "currency": continue
            if combine and prop == CG + "amount":
                lines.append(f"{pad2}amount: {cur[0].value.rsplit('/', 1)[-1]} {money(amount[0].value)}"); continue
            key = name(prop)
            kids = [o for o in objs if parent.get(o, (None,))[0] == s]
            rest = [o for o in objs if o not in kids]
            if kids:
                lines.append(f"{pad2}{key}:")
                for k in kids: lines += emit(k, indent + len(first_prefix) + 2, prop)
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
            else:
                lines.append(f"{pad2}{key}:"); lines += [f"{pad2}  - {fmt(prop, o)}" for o in rest]
        return lines
    groups = {}
    for s in order:
        if isinstance(s, ox.BlankNode) or s in parent: continue
        groups.setdefault(prov_key(s), []).append(s)
    OUT.append(f"country: {country}\n" + (f"edition: {edition}\n" if edition else "") + "parts:")
    for k, nodes in groups.items():
        OUT.append(f"  {q(k) if k != '-' else json.dumps(k)}:")
        for s in nodes: OUT.append("\n".join(emit(s, 4)))
    return "\n".join(OUT) + "\n"


if __name__ == "__main__":
    sys.stdout.write(turtle_to_input(sys.argv[3:], sys.argv[1], sys.argv[2]))
