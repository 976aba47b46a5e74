"""The build's own Turtle writer (:func:`clustergraph.build.to_turtle`) held to the W3C RDF 1.1
Turtle suite vendored in ``tests/w3c/rdf-tests`` (with its licence): for every positive
evaluation test, the expected N-Triples (the suite's ``mf:result``) written by ``to_turtle``
must read back, with Oxigraph's parser and with rdflib's, as exactly those triples (the same
IRIs, lexical forms, datatypes and language tags; blank nodes up to renaming).

The writer exists so that the generated ``data/`` files depend on the triples only; the data
uses a small part of Turtle, but a writer of a standard is tested on the standard's cases, not
only on ours (tests/build/test_turtle_writer.py has the layout and the awkward cases)."""

from __future__ import annotations

import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib.compare import isomorphic

from clustergraph.build import to_turtle

sys.path.insert(0, str(Path(__file__).parent.parent))
from test_w3c_rdf import BASE, SUITES, cases  # noqa: E402

EVAL = [c for c in cases("turtle") if c.kind == "Eval"]


def test_every_eval_case_is_here():
    assert len(EVAL) == 145


def _expected(case) -> list[ox.Triple]:
    base = BASE.format(SUITES["turtle"]) + case.result.name
    return [q.triple for q in ox.parse(path=str(case.result), format=ox.RdfFormat.N_TRIPLES,
                                        base_iri=base)]


def _rdflib(triples) -> rdflib.Graph:
    g = rdflib.Graph()
    g.parse(data="".join(f"{t} .\n" for t in triples), format="nt")
    return g


@pytest.mark.parametrize("case", EVAL, ids=[c.name for c in EVAL])
def test_written_turtle_reads_back_as_the_expected_triples(case) -> None:
    expected = _expected(case)
    text = to_turtle(expected, f"tests/w3c/rdf-tests/{case.result.name}")
    back = [q.triple for q in ox.parse(text, format=ox.RdfFormat.TURTLE)]
    assert len(back) == len(set(expected))
    assert isomorphic(_rdflib(back), _rdflib(expected))
    assert isomorphic(rdflib.Graph().parse(data=text.decode("utf-8"), format="turtle"),
                      _rdflib(expected))
