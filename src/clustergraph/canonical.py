"""Canonical blank-node labels for an export: from content, linear for trees, any depth.

An export must be byte-identical for the same input, so a blank node's label cannot come
from load order: it is computed from what the node holds and where it hangs. Over the whole
dataset at once (a quad's graph is part of each edge), so that a blank node used in two
named graphs stays one node, and equal structures in two graphs stay two.

- **Trees** (every blank node the object of at most one quad, no cycle: what Turtle's
  ``[ ... ]`` and ``( ... )`` make, all the data's ``rdf:List``\\ s): a node's label is a hash
  of where it hangs (graph, its parent's IRI or label, the predicate), of its content (the
  sorted predicates and objects below it, hashed bottom-up) and of its rank among siblings
  with the same content (which are interchangeable, so any order gives the same output).
  Each node is hashed once, without recursion: linear in the size of the data, however
  deep (10,000 nested blank nodes: a fraction of a second; rdflib's canonicalisation is
  quadratic in the depth, 35 s at 2,000 levels, and pyoxigraph 0.5.13's RDFC-1.0 worse).
- **The rest** (blank nodes shared by two quads, or in a cycle): rdflib's public
  canonicalisation, :func:`rdflib.compare.to_canonical_graph`, of the quads that hold them
  (the graph folded into the predicate).

Labels are ``b`` + 16 hex digits of a SHA-256 (the whole digest if two would collide).
"""

from __future__ import annotations

import hashlib
from typing import Any

Quad = tuple[Any, Any, Any, str]  # rdflib subject, predicate, object; graph name


def _key(term: Any) -> str:
    """A term as a string that tells graph names, IRIs and literals (lexical form, language,
    datatype) apart."""
    import rdflib

    if type(term) is str:
        return f"G{term}"  # a graph name
    if isinstance(term, rdflib.Literal):
        return f"L{term}\x00{term.language or ''}\x00{term.datatype or ''}"
    return f"I{term}"


def _hash(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()


def _trees(quads: list[Quad], bnode: type) -> tuple[dict[Any, str], list[Quad]]:
    """Labels of the blank nodes that form trees; the quads of the other blank nodes."""
    parent: dict[Any, tuple[Any, Any, str]] = {}
    shared: set[Any] = set()
    edges: dict[Any, list[tuple[Any, Any, str]]] = {}
    uf: dict[Any, Any] = {}

    def find(x: Any) -> Any:
        root = x
        while uf[root] is not root:
            root = uf[root]
        while uf[x] is not root:
            uf[x], x = root, uf[x]
        return root

    for s, p, o, g in quads:
        s_b, o_b = type(s) is bnode, type(o) is bnode
        if s_b:
            edges.setdefault(s, []).append((p, o, g))
            uf.setdefault(s, s)
        if o_b:
            uf.setdefault(o, o)
            if o in parent:
                shared.add(o)
            parent[o] = (s, p, g)
            if s_b:
                a, b = find(s), find(o)
                if a is not b:
                    uf[a] = b
                else:  # a cycle, or a second path to o
                    shared.add(o)
    bad = {find(x) for x in shared}

    # Content hashes, bottom-up: a node after all its children (iterative post-order).
    content: dict[Any, str] = {}
    roots = [x for x in uf if find(x) not in bad
             and (x not in parent or type(parent[x][0]) is not bnode)]
    for root in roots:
        stack = [(root, False)]
        while stack:
            node, done = stack.pop()
            if done:
                content[node] = _hash("\x02".join(sorted(
                    f"{_key(g)}\x01{_key(p)}\x01"
                    + ("B" + content[o] if type(o) is bnode else _key(o))
                    for p, o, g in edges.get(node, ())
                )))
                continue
            stack.append((node, True))
            stack.extend((o, False) for _, o, _g in edges.get(node, ()) if type(o) is bnode)

    # Labels, top-down: where a node hangs, what it holds, its rank among equal siblings.
    labels: dict[Any, str] = {}
    rank: dict[str, int] = {}

    def label(node: Any, where: str) -> None:
        seed = f"{where}\x03{content[node]}"
        k = rank.get(seed, 0)
        rank[seed] = k + 1
        labels[node] = _hash(f"{seed}\x03{k}")

    for root in sorted(roots, key=content.__getitem__):
        if root in parent:
            s, p, g = parent[root]
            label(root, f"{_key(g)}\x01{_key(s)}\x01{_key(p)}")
        else:
            label(root, "root")
        todo = [root]
        while todo:
            node = todo.pop()
            children = sorted(((p, o, g) for p, o, g in edges.get(node, ())
                               if type(o) is bnode),
                              key=lambda pog: (_key(pog[2]), _key(pog[0]), content[pog[1]]))
            for p, o, g in children:
                label(o, f"B{labels[node]}\x01{_key(g)}\x01{_key(p)}")
                todo.append(o)
    other = [q for q in quads
             if (type(q[0]) is bnode and q[0] not in labels)
             or (type(q[2]) is bnode and q[2] not in labels)] if bad else []
    return labels, other


def _others(quads: list[Quad]) -> list[Quad]:
    """``quads`` relabelled by rdflib's public canonicalisation (the graph folded into the
    predicate, so that one triple in two graphs stays two statements)."""
    import rdflib
    from rdflib.compare import to_canonical_graph

    folded: dict[tuple[str, Any], Any] = {}
    for key in sorted({(g, p) for _, p, _, g in quads}, key=lambda k: (k[0], str(k[1]))):
        folded[key] = rdflib.URIRef(f"urn:clustergraph:canonical:{len(folded)}")
    unfold = {v: k for k, v in folded.items()}
    graph = rdflib.Graph(store="SimpleMemory", bind_namespaces="none")
    for s, p, o, g in quads:
        graph.add((s, folded[(g, p)], o))
    bnode = rdflib.BNode
    out = []
    for s, fp, o in to_canonical_graph(graph):
        g, p = unfold[fp]
        out.append((bnode(f"r{s}") if type(s) is bnode else s, p,
                    bnode(f"r{o}") if type(o) is bnode else o, g))
    return out


def _name_blank_graphs(graphs: dict[str, list[Any]], bnode: type) -> dict[str, list[Any]]:
    """Graphs named by a blank node (``_:id``, from a user's TriG or N-Quads) renamed from
    their content: a hash of their triples with blank nodes as such, ranked among graphs of
    the same content. (Such a name is not linked to a blank node of the same label used as
    a term: a known limit.)"""
    blank = sorted(g for g in graphs if g.startswith("_:"))
    if not blank:
        return graphs
    out = {g: t for g, t in graphs.items() if not g.startswith("_:")}
    rank: dict[str, int] = {}
    keyed = []
    for gname in blank:
        shape = _hash("\x02".join(sorted(
            "\x01".join("B" if type(term) is bnode else _key(term) for term in t)
            for t in graphs[gname])))
        keyed.append((shape, gname))
    for shape, gname in sorted(keyed):
        k = rank.get(shape, 0)
        rank[shape] = k + 1
        out[f"_:g{_hash(f'{shape} {k}')[:16]}"] = graphs[gname]
    return out


def canonical_labels(graphs: dict[str, list[Any]]) -> dict[str, list[Any]]:
    """``graphs`` (graph name -> rdflib triples) with every blank node relabelled from
    content, over all graphs together (graphs named by blank nodes too). Triples are
    returned once each, unsorted."""
    import rdflib

    bnode = rdflib.BNode
    graphs = _name_blank_graphs(graphs, bnode)
    out: dict[str, list[Any]] = {}
    quads: list[Quad] = []
    for gname in sorted(graphs):
        plain = out[gname] = []
        for t in graphs[gname]:
            if type(t[0]) is bnode or type(t[2]) is bnode:
                quads.append((t[0], t[1], t[2], gname))
            else:
                plain.append(t)
    if not quads:
        return out
    labels, other = _trees(quads, bnode)
    if other:
        rest = set(other)
        quads = [q for q in quads if q not in rest]
    tree = {node: bnode("t" + label) for node, label in labels.items()}
    relabelled = [(tree[s] if type(s) is bnode else s, p, tree[o] if type(o) is bnode else o, g)
                  for s, p, o, g in quads]
    if other:
        relabelled += _others(other)
    names = sorted({str(t) for q in relabelled for t in (q[0], q[2]) if type(t) is bnode})
    final: dict[str, Any] = {}
    taken: set[str] = set()
    for name in names:
        digest = _hash(name)
        new = "b" + digest[:16]
        if new in taken:
            new = "b" + digest
        taken.add(new)
        final[name] = bnode(new)
    for s, p, o, g in relabelled:
        out[g].append((final[str(s)] if type(s) is bnode else s, p,
                       final[str(o)] if type(o) is bnode else o))
    return out
