"""The namespaces in one module (issue 11): no module of ``src/clustergraph`` other than
``namespaces.py`` spells a namespace IRI that ``clustergraph.namespaces`` defines, in code or
in SPARQL text; only docstrings (documentation for people) may."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from clustergraph import namespaces

SRC = Path(__file__).resolve().parent.parent / "src" / "clustergraph"


def _docstrings(tree: ast.AST) -> set[int]:
    out = set()
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            first = node.body[0] if node.body else None
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant):
                out.add(id(first.value))
    return out


def spelled(source: str, known: list[str]) -> list[tuple[int, str]]:
    """(line, namespace) of every string in ``source`` (f-string parts included, docstrings
    not) that holds one of the ``known`` namespace IRIs."""
    tree = ast.parse(source)
    docs = _docstrings(tree)
    hits = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                and id(node) not in docs:
            for ns in known:
                if ns in node.value:
                    hits.append((node.lineno, ns))
                    break
    return sorted(hits)


KNOWN = sorted(set(namespaces.ALL.values()), key=len, reverse=True)


def test_the_known_namespaces():
    assert len(KNOWN) >= 30
    assert set(namespaces.PREFIXES.values()) <= set(KNOWN)
    assert namespaces.ALL["SKOS"] == "http://www.w3.org/2004/02/skos/core#"
    assert namespaces.CG == "https://w3id.org/clustergraph/ontology#"


@pytest.mark.parametrize("path", sorted(p.relative_to(SRC).as_posix() for p in SRC.rglob("*.py")
                                         if p.name != "namespaces.py" or p.parent != SRC))
def test_no_module_spells_a_namespace(path):
    hits = spelled((SRC / path).read_text(encoding="utf-8"), KNOWN)
    assert hits == [], "take these from clustergraph.namespaces: " + ", ".join(
        f"{path}:{line} {ns}" for line, ns in hits)


def test_the_scan_finds_what_it_must():
    """Not vacuous: a constant, an IRI in a string, a SPARQL PREFIX and an f-string part
    are found; a docstring is not."""
    source = '''"""Module doc: http://www.w3.org/2004/02/skos/core# is fine here."""
SKOS = "http://www.w3.org/2004/02/skos/core#"
LABEL = "http://www.w3.org/2000/01/rdf-schema#label"
Q = """PREFIX dct: <http://purl.org/dc/terms/>
SELECT * {}"""
def f(x):
    """Doc: https://w3id.org/clustergraph/ontology#Thing"""
    return f"<https://w3id.org/clustergraph/ontology#{x}>"
'''
    assert [line for line, _ in spelled(source, KNOWN)] == [2, 3, 4, 8]


def test_the_module_is_light():
    """namespaces imports nothing (``query run`` and ``info`` import it)."""
    tree = ast.parse((SRC / "namespaces.py").read_text(encoding="utf-8"))
    imports = [n for n in ast.walk(tree) if isinstance(n, (ast.Import, ast.ImportFrom))]
    assert [ast.unparse(n) for n in imports] == ["from __future__ import annotations"]
