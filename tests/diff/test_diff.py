"""clustergraph diff: the seeded-edit editions test of issue 17, serialisation, prefixes and
blank nodes, stores, and bad input. Fixtures are generated in tmp_path (fictional values)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pyoxigraph as ox
import pytest

from clustergraph.cli import main
from clustergraph.diff import diff, to_json, to_markdown

from .seeded import seed_edits

GOLDEN = Path(__file__).parent / "golden"
#: A tiny generated landscape, kept as files (fixtures/README.md)
FIXTURES = Path(__file__).parent / "fixtures"
POLICY = "https://w3id.org/clustergraph/id/policy/synth-at-cluster-policy-"
CG = "https://w3id.org/clustergraph/ontology#"

#: The six seeded edits, as the (status, entity, property) triples they must give, and no more.
EXPECTED = {
    ("added", POLICY + "new", None),
    ("changed", POLICY + "2-period", CG + "periodType"),
    ("changed", POLICY + "2-period", "http://www.w3.org/ns/dcat#endDate"),
    ("changed", POLICY + "2-period", CG + "quotation"),
    ("changed", POLICY + "1-budget-annual", CG + "amount"),
    ("changed", POLICY + "1", CG + "hasInstrument"),
    ("changed", POLICY + "2", CG + "hasInstrument"),
    ("changed", "https://w3id.org/clustergraph/id/assessment/synth-at-2023/continuity",
     CG + "level"),
    ("changed", "https://w3id.org/clustergraph/id/org/synth-at-innovation-agency",
     "http://www.w3.org/2000/01/rdf-schema#label"),
}


@pytest.fixture(scope="module")
def editions(tmp_path_factory) -> dict[str, Path]:
    """A tiny generated landscape (OLD, a folder of Turtle files: fixtures/landscape) and the
    same with the seeded edits (NEW), written by Oxigraph as Turtle and N-Triples and by
    rdflib as JSON-LD."""
    import rdflib

    root = tmp_path_factory.mktemp("editions")
    old = root / "old"
    shutil.copytree(FIXTURES / "landscape", old)
    store = ox.Store()
    for f in sorted(old.rglob("*.ttl")):
        store.load(path=f, format=ox.RdfFormat.TURTLE)
    seed_edits(store)
    out = {"old": old}
    out["turtle"] = root / "new.ttl"
    store.dump(output=out["turtle"], format=ox.RdfFormat.TURTLE, from_graph=ox.DefaultGraph(),
               prefixes={"pol": "https://w3id.org/clustergraph/id/policy/"})
    out["nt"] = root / "new.nt"
    store.dump(output=out["nt"], format=ox.RdfFormat.N_TRIPLES, from_graph=ox.DefaultGraph())
    out["jsonld"] = root / "new.jsonld"
    g = rdflib.Graph().parse(out["nt"], format="nt")
    out["jsonld"].write_text(g.serialize(format="json-ld"), encoding="utf-8")
    return out


def _named(result, old="old", new="new"):  # noqa: ANN001, ANN202
    result.old, result.new = old, new
    return result


def _edits(result) -> set[tuple]:  # noqa: ANN001
    out = set()
    for e in result.entities:
        if e.status == "added":
            out.add((e.status, e.iri, None))
        else:
            out |= {(e.status, e.iri, c.property) for c in e.changes}
    return out


def test_seeded_edits_exactly(editions) -> None:  # noqa: ANN001
    result = diff(editions["old"], editions["turtle"])
    assert _edits(result) == EXPECTED
    assert result.counts() == {"added": 1, "removed": 0, "changed": 6}
    assert (result.triples_added, result.triples_removed) == (10, 6)
    assert [(m.property, m.value.term, m.source[0], m.target[0]) for m in result.moves] == [
        (CG + "hasInstrument", f"<{POLICY}1-instrument-hard-skills>", POLICY + "1",
         POLICY + "2")]
    by_iri = {e.iri: e for e in result.entities}
    budget = by_iri[POLICY + "1-budget-annual"]
    assert (budget.kind, budget.label) == ("budget",
                                           "annual budget of Synthetic cluster policy 1 of Austria")
    (amount,) = budget.changes
    assert ([v.display for v in amount.old], [v.display for v in amount.new]) == (
        ["29300000"], ["31000000"])
    assert [s.label for s in budget.sources] == [
        "Austria 2023, Table 3: Overview of cluster policy"]
    org = by_iri["https://w3id.org/clustergraph/id/org/synth-at-innovation-agency"]
    assert (org.kind, org.label) == (
        "public organisation", "Agency for Innovation and Entrepreneurship of Austria (synthetic)")
    score = by_iri["https://w3id.org/clustergraph/id/assessment/synth-at-2023/continuity"]
    assert score.kind == "criterion score"
    assert [v.term for v in score.changes[0].new] == [
        "<https://w3id.org/clustergraph/vocab/state-of-play-level/continuity-2-to-10-years>"]


@pytest.mark.parametrize("fmt", ["markdown", "json"])
def test_seeded_edits_golden(editions, fmt: str) -> None:  # noqa: ANN001
    result = _named(diff(editions["old"], editions["turtle"]))
    render = to_markdown if fmt == "markdown" else to_json
    golden = GOLDEN / ("seeded.md" if fmt == "markdown" else "seeded.json")
    assert render(result) == golden.read_text(encoding="utf-8")


@pytest.mark.parametrize("variant", ["nt", "jsonld"])
def test_same_diff_whatever_the_serialisation(editions, variant: str) -> None:  # noqa: ANN001
    expected = (GOLDEN / "seeded.md").read_text(encoding="utf-8")
    assert to_markdown(_named(diff(editions["old"], editions[variant]))) == expected
    assert to_json(_named(diff(editions["old"], editions[variant]))) == (
        GOLDEN / "seeded.json").read_text(encoding="utf-8")


def test_reserialised_side_is_equal(editions) -> None:  # noqa: ANN001
    for a, b in (("turtle", "nt"), ("nt", "jsonld"), ("jsonld", "turtle")):
        result = diff(editions[a], editions[b])
        assert result.equal and result.entities == [], (a, b)
        assert (result.triples_added, result.triples_removed) == (0, 0)


def test_cli_formats_and_exit_code(editions, runner) -> None:  # noqa: ANN001
    old, new = str(editions["old"]), str(editions["turtle"])
    res = runner.invoke(main, ["diff", old, new])
    assert res.exit_code == 0
    body = (GOLDEN / "seeded.md").read_text(encoding="utf-8").split("\n", 1)[1]
    assert res.output == f"# Changes from {old} to {new}\n{body}"
    res = runner.invoke(main, ["diff", old, new, "--format", "json", "--exit-code"])
    assert res.exit_code == 1
    doc = json.loads(res.output)
    assert (doc["format"], doc["format_version"], doc["equal"]) == ("clustergraph-diff", 1, False)
    assert doc["summary"]["changed"] == 6
    res = runner.invoke(main, ["diff", new, str(editions["nt"]), "--exit-code"])
    assert res.exit_code == 0
    assert res.output == (f"# Changes from {new} to {editions['nt']}\n\nNo change: the two "
                          "versions hold the same graph (2743 triples; blank nodes matched by "
                          "content).\n")


def test_country_restricts_to_a_folder(editions, tmp_path) -> None:  # noqa: ANN001
    new = tmp_path / "new"
    for country in ("synth-at", "synth-be", "synth-eu"):
        (new / country).mkdir(parents=True)
    # NEW as a folder: synth-at edited, synth-be unchanged
    store = ox.Store()
    for f in sorted((editions["old"] / "synth-at").glob("*.ttl")):
        store.load(path=f, format=ox.RdfFormat.TURTLE)
    seed_edits(store)
    store.dump(output=new / "synth-at" / "all.ttl", format=ox.RdfFormat.TURTLE,
               from_graph=ox.DefaultGraph())
    for f in (editions["old"] / "synth-be").glob("*.ttl"):
        (new / "synth-be" / f.name).write_bytes(f.read_bytes())
    be = diff(editions["old"], new, country="synth-be")
    assert be.equal
    at = diff(editions["old"], new, country="synth-at")
    assert _edits(at) == EXPECTED


def test_stores(editions, tmp_path, runner) -> None:  # noqa: ANN001
    from clustergraph.store import build_store

    old_files = sorted(str(p) for p in editions["old"].rglob("*.ttl"))
    new_dir = tmp_path / "synth-at"
    new_dir.mkdir()
    (new_dir / "new.ttl").write_bytes(editions["turtle"].read_bytes())
    build_store(tmp_path / "old.db", extra_files=old_files)
    build_store(tmp_path / "new.db", extra_files=[str(new_dir / "new.ttl")])
    result = diff(tmp_path / "old.db", tmp_path / "new.db", stores=True, country="synth-at")
    # NEW holds the whole edited landscape in its synth-at folder: the edits plus what the
    # other folders held before, as added
    assert EXPECTED - {("added", POLICY + "new", None)} <= _edits(result)
    whole = diff(tmp_path / "old.db", tmp_path / "new.db", stores=True)
    assert _edits(whole) == EXPECTED
    res = runner.invoke(main, ["diff", str(tmp_path / "old.db"), str(tmp_path / "new.db")])
    assert (res.exit_code, res.output) == (2, (
        f"clustergraph: error: {tmp_path / 'old.db'}: is a clustergraph store; compare "
        "stores with clustergraph diff --store OLD NEW\n"))
    res = runner.invoke(main, ["diff", "--store", str(tmp_path / "old.db"),
                               str(tmp_path / "nowhere.db")])
    assert res.exit_code == 3
    assert res.output.startswith(f"clustergraph: error: {tmp_path / 'nowhere.db'}: no such store")


def test_deterministic(editions) -> None:  # noqa: ANN001
    a = to_json(diff(editions["turtle"], editions["old"]))
    b = to_json(diff(editions["turtle"], editions["old"]))
    assert a == b
    assert json.loads(a)["summary"] == {"added": 0, "removed": 1, "changed": 6,
                                        "triples_added": 6, "triples_removed": 10,
                                        "by_kind": [
        {"kind": "budget", "added": 0, "removed": 0, "changed": 1},
        {"kind": "cluster policy", "added": 0, "removed": 1, "changed": 2},
        {"kind": "criterion score", "added": 0, "removed": 0, "changed": 1},
        {"kind": "period", "added": 0, "removed": 0, "changed": 1},
        {"kind": "public organisation", "added": 0, "removed": 0, "changed": 1}]}


def test_two_editions_in_one_graph(editions, tmp_path, runner) -> None:  # noqa: ANN001
    """synth-be has a 2024 edition that restates one figure (generate's second edition):
    the factsheet, the restated section and the figure change, nothing else."""
    from clustergraph.store import build_store

    result = diff(editions["old"], country="synth-be", editions=("2023", "2024"))
    ids = "https://w3id.org/clustergraph/id/"
    assert [(e.status, e.kind, e.iri) for e in result.entities] == [
        ("changed", "country factsheet", ids + "factsheet/synth-be-YYYY"),
        ("changed", "observation",
         ids + "observation/synth-be-YYYY-synth-be-cluster-policy-2-phase-1"),
        ("changed", "section", ids + "factsheet/synth-be-YYYY/section-3"),
    ]
    obs = result.entities[1]
    assert [(c.label, [v.display for v in c.old], [v.display for v in c.new])
            for c in obs.changes] == [
        ("rdfs:label",
         ["Belgium 2023: clusters labelled in phase 1 of Synthetic cluster policy 2 of Belgium"],
         ["Belgium 2024: clusters labelled in phase 1 (revised)"]),
        ("prov:wasDerivedFrom",
         ["Belgium 2023, Table 3: Overview of cluster policy "
          "(cgid:factsheet/synth-be-YYYY/table-3)"],
         ["Belgium 2024, Section 3: National cluster policy "
          "(cgid:factsheet/synth-be-YYYY/section-3)"]),
        ("value", ["14"], ["20"]),
    ]
    fs = result.entities[0]
    assert [(c.label, [v.display for v in c.old], [v.display for v in c.new])
            for c in fs.changes][1:] == [
        ("data date", ["2023-12-21"], ["2024-12-20"]),
        ("edition", ["2023"], ["2024"]),
        ("previous edition", [], ["cgid:factsheet/synth-be-2023"]),
    ]
    assert diff(editions["old"], country="synth-be", editions=("2023", "2023")).equal
    # the same from a store
    files = sorted(str(p) for p in editions["old"].rglob("*.ttl"))
    build_store(tmp_path / "s.db", extra_files=files)
    from_store = diff(tmp_path / "s.db", stores=True, country="synth-be",
                      editions=("2023", "2024"))
    assert to_json(_named(from_store)) == to_json(_named(result))
    res = runner.invoke(main, ["diff", "--store", str(tmp_path / "s.db"), "--country",
                               "synth-at", "--edition", "2023", "--edition", "2024"])
    assert (res.exit_code, res.output) == (2, (  # synth-be's 2024 edition is not synth-at's
        "clustergraph: error: --edition 2024: the data of 'synth-at' has no factsheet of "
        "that edition (NEW; its editions: 2023)\n"))
    res = runner.invoke(main, ["diff", str(editions["old"]), "--country", "synth-be",
                               "--edition", "2023", "--edition", "2025"])
    assert (res.exit_code, res.output) == (2, (
        "clustergraph: error: --edition 2025: the data of 'synth-be' has no factsheet of "
        "that edition (NEW; its editions: 2023, 2024)\n"))
    res = runner.invoke(main, ["diff", str(editions["old"]), "--edition", "2023"])
    assert (res.exit_code, res.output) == (2, (
        "clustergraph: error: --edition: give it twice (the old and the new edition), not "
        "1 time\n"))


def test_registering_the_command_costs_start_up_nothing() -> None:
    """The CLI imports clustergraph.diff.cli only: no comparison code, no pyoxigraph."""
    import subprocess
    import sys

    code = ("import sys, clustergraph.cli; "
            "print(sorted(m for m in sys.modules if m.startswith('clustergraph.diff') "
            "or m == 'pyoxigraph'))")
    out = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True,
                         text=True).stdout
    assert out == "['clustergraph.diff', 'clustergraph.diff.cli']\n"
