"""Belgium's input file compiles to a graph isomorphic to data/be/*.ttl (issue 17)."""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import rdflib
from rdflib.compare import isomorphic

from clustergraph import resources
from clustergraph.build import build, known_subjects

BE = resources.bundle_root() / "data" / "be"


def _graph(data: bytes, fmt: str = "turtle") -> rdflib.Graph:
    return rdflib.Graph().parse(data=data.decode("utf-8"), format=fmt)


def test_belgium_round_trip_is_isomorphic() -> None:
    [(_, ttl)] = build([str(BE / "2023.yaml")])
    compiled = _graph(ttl)
    original = rdflib.Graph()
    for f in sorted(BE.glob("*.ttl")):
        original.parse(f)
    assert len(compiled) == len(original) == 1779
    assert isomorphic(compiled, original)


def test_build_is_deterministic(tmp_path: Path) -> None:
    build([str(BE / "2023.yaml")], str(tmp_path / "a"))
    build([str(BE / "2023.yaml")], str(tmp_path / "b"))
    a = (tmp_path / "a" / "2023.ttl").read_bytes()
    assert a == (tmp_path / "b" / "2023.ttl").read_bytes()
    assert a.startswith(b"# Compiled by `clustergraph build` from 2023.yaml")


def test_every_entity_has_provenance() -> None:
    [(_, ttl)] = build([str(BE / "2023.yaml")])
    triples = list(ox.parse(ttl, format=ox.RdfFormat.TURTLE))
    subjects = {t.subject for t in triples if isinstance(t.subject, ox.NamedNode)}
    derived = {t.subject for t in triples
               if t.predicate.value == "http://www.w3.org/ns/prov#wasDerivedFrom"}
    # the factsheet and its parts are the sources themselves
    assert {s.value.split("/id/")[1].split("/")[0] for s in subjects - derived} == {"factsheet"}


def test_known_subjects_leave_out_the_input_folder() -> None:
    known = known_subjects((BE,))
    assert "https://w3id.org/clustergraph/id/policy/be-flanders-innovation-clusters" not in known
    assert "http://data.europa.eu/nuts/code/BE2" in known


def test_the_input_is_what_the_migration_tool_writes() -> None:
    from clustergraph.build.from_turtle import turtle_to_input

    order = ["factsheet", "context", "landscape", "cluster-organisations", "cooperation",
             "policies", "state-of-play", "semester"]
    text = turtle_to_input([str(BE / f"{n}.ttl") for n in order], "BE", "2023")
    body = (BE / "2023.yaml").read_text(encoding="utf-8").split("\n", 4)[4]
    assert text == body
