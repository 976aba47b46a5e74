"""The "billion laughs" RDF/XML file, made on demand: shared by tests/test_input_bombs.py and
benchmarks/input_bombs.py (which puts this folder on its path)."""

from __future__ import annotations

RDF = "http://www.w3.org/1999/02/22-rdf-syntax-ns#"
ROOT = f'<rdf:RDF xmlns:rdf="{RDF}" xmlns:ex="http://example.org/">\n'


def laughs(levels: int) -> bytes:
    """``levels`` nested entities of ten references each: 10**levels "lol"s when expanded."""
    decls = [' <!ENTITY lol "lol">']
    prev = "lol"
    for i in range(1, levels + 1):
        decls.append(f' <!ENTITY lol{i} "{("&" + prev + ";") * 10}">')
        prev = f"lol{i}"
    return ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n' + "\n".join(decls) + "\n]>\n"
            + ROOT + f'<rdf:Description rdf:about="http://example.org/a"><ex:p>&{prev};'
            "</ex:p></rdf:Description>\n</rdf:RDF>\n").encode()
