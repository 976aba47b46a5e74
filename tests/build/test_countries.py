"""Every bundled country is written as an input file, and compiling it gives the graph of its
Turtle in data/<cc>/ (issue 17): Belgium from its factsheet (data/be/2023.yaml), Denmark,
Norway, France and Poland from web pages (data/<cc>/pages.yaml)."""

from __future__ import annotations

import pytest
import rdflib
from rdflib.compare import graph_diff, isomorphic, to_isomorphic

from clustergraph import resources
from clustergraph.build import build, known_subjects

DATA = resources.bundle_root() / "data"

# country folder, its input file, the Turtle files it compiles to, and their triples
COUNTRIES = [
    ("be", "2023.yaml", ["cluster-organisations.ttl", "context.ttl", "cooperation.ttl",
                         "factsheet.ttl", "landscape.ttl", "policies.ttl", "semester.ttl",
                         "state-of-play.ttl"], 1779),
    ("dk", "pages.yaml", ["policies.ttl", "sources.ttl"], 214),
    ("no", "pages.yaml", ["policies.ttl", "sources.ttl"], 374),
    ("fr", "pages.yaml", ["policies.ttl", "sources.ttl"], 492),
    ("pl", "pages.yaml", ["policies.ttl"], 157),
]

# Deliberate differences between a compiled input and the Turtle of its folder: none.
DIFFERENCES: dict[str, tuple[set, set]] = {}


@pytest.mark.parametrize(("cc", "name", "files", "size"), COUNTRIES, ids=[c[0] for c in COUNTRIES])
def test_input_compiles_to_the_folder_graph(cc: str, name: str, files: list[str],
                                            size: int) -> None:
    folder = DATA / cc
    results = build([str(folder / name)], known=known_subjects((folder,)))
    assert [n for _, n, _ in results] == files
    compiled = rdflib.Graph()
    for _, _, ttl in results:
        compiled.parse(data=ttl.decode("utf-8"), format="turtle")
    turtle = rdflib.Graph()
    for f in sorted(folder.glob("*.ttl")):
        turtle.parse(f)
    assert sorted(p.name for p in folder.glob("*.ttl")) == files
    assert len(compiled) == len(turtle) == size
    if not isomorphic(compiled, turtle):
        _, only_compiled, only_turtle = graph_diff(to_isomorphic(compiled), to_isomorphic(turtle))
        assert (set(only_compiled), set(only_turtle)) == DIFFERENCES.get(cc, (set(), set()))


def test_every_bundled_country_has_an_input() -> None:
    folders = sorted(p.name for p in DATA.iterdir() if p.is_dir() and p.name != "eu")
    assert folders == sorted(c[0] for c in COUNTRIES)
    for cc, name, _, _ in COUNTRIES:
        assert sorted(p.name for p in (DATA / cc).glob("*.yaml")) == [name]


# Lines of data/<cc>/*.ttl as written by hand, before they were generated (commit b64ca28;
# benchmarks/build.py recounts them from git): the measure of the input's size.
HANDWRITTEN_TURTLE_LINES = {"be": 1985, "dk": 321, "no": 488, "fr": 583, "pl": 186}
# The input's share of those lines, as measured now (a regression fails; an improvement is
# recorded here).
SHARE = {"be": 0.394, "dk": 0.526, "no": 0.486, "fr": 0.535, "pl": 0.543}


@pytest.mark.parametrize(("cc", "name"), [(c[0], c[1]) for c in COUNTRIES],
                         ids=[c[0] for c in COUNTRIES])
def test_input_share_of_the_turtle_lines(cc: str, name: str) -> None:
    lines = len((DATA / cc / name).read_text(encoding="utf-8").splitlines())
    assert round(lines / HANDWRITTEN_TURTLE_LINES[cc], 3) <= SHARE[cc]


def test_belgium_input_is_at_most_40_percent_of_the_turtle() -> None:
    """Issue 17's target, the curators' notes included (782 lines of 1,985: 39 %)."""
    lines = len((DATA / "be" / "2023.yaml").read_text(encoding="utf-8").splitlines())
    assert lines <= 0.40 * HANDWRITTEN_TURTLE_LINES["be"]
