"""The persistent store: ``build_store``/``open_store`` and ``clustergraph load --store`` /
``info --store``. A store must hold exactly what the in-memory load holds, reopen without
parsing, refuse what is not a store with one line and exit 3, and survive a failed rebuild."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from clustergraph.cli import main
from clustergraph.generate import expected_triples, generate
from clustergraph.resources import bundle_root, layer_graph
from clustergraph.store import (
    STORE_META,
    KnowledgeGraph,
    build_store,
    load,
    open_store,
    stale_files,
)

BE = bundle_root() / "data" / "be"  # the installed bundle (site-packages in CI), not the checkout


def ground_quads(kg: KnowledgeGraph) -> dict[str, set[tuple[str, str, str]]]:
    """Per named graph, its triples as strings, blank nodes replaced by one placeholder
    (their labels differ between loads; the counts per graph are compared separately)."""

    def term(t: object) -> str:
        return "_:b" if isinstance(t, ox.BlankNode) else str(t)

    out: dict[str, set[tuple[str, str, str]]] = {}
    for q in kg.store:
        out.setdefault(q.graph_name.value, set()).add(
            (term(q.subject), term(q.predicate), term(q.object))
        )
    return out


def graph_sizes(kg: KnowledgeGraph) -> dict[str, int]:
    sizes: dict[str, int] = {}
    for q in kg.store:
        sizes[q.graph_name.value] = sizes.get(q.graph_name.value, 0) + 1
    return sizes


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled graph as a store, built once for the read-only tests."""
    d = tmp_path_factory.mktemp("store") / "bundled.db"
    build_store(d)
    return d


def test_store_holds_what_the_in_memory_load_holds(built: Path, kg: KnowledgeGraph) -> None:
    stored = open_store(built)
    assert stored.triples_per_layer() == kg.triples_per_layer()
    assert stored.graphs() == kg.graphs()
    assert graph_sizes(stored) == graph_sizes(kg)
    assert ground_quads(stored) == ground_quads(kg)
    assert len(stored) == len(kg)


def test_store_records_what_was_loaded(built: Path, kg: KnowledgeGraph) -> None:
    meta = json.loads((built / STORE_META).read_text())
    assert meta["layers"] == ["ontology", "vocabularies", "reference", "data", "queries"]
    assert meta["graphs"] == kg.graphs()
    files = {Path(f["path"]): f for f in meta["files"]}
    assert files.keys() == {s.path.resolve() for s in kg.sources}
    policies = files[(BE / "policies.ttl").resolve()]
    assert policies["sha256"] == hashlib.sha256((BE / "policies.ttl").read_bytes()).hexdigest()
    assert policies["size"] == (BE / "policies.ttl").stat().st_size
    assert policies["graph"] == layer_graph("data", "be")
    assert [s.path for s in open_store(built).sources] == [Path(f["path"]) for f in meta["files"]]


def test_opened_store_is_read_only(built: Path) -> None:
    stored = open_store(built)
    n = len(stored)
    quad = ox.Quad(ox.NamedNode("http://example.org/s"), ox.NamedNode("http://example.org/p"),
                   ox.Literal("o"), ox.NamedNode(layer_graph("data", "x")))
    with pytest.raises(RuntimeError, match="read-write"):
        stored.store.add(quad)
    assert len(open_store(built)) == n


def test_info_store_prints_what_info_prints(runner: CliRunner, built: Path) -> None:
    plain = runner.invoke(main, ["info"])
    stored = runner.invoke(main, ["info", "--store", str(built)])
    assert plain.exit_code == 0 and stored.exit_code == 0, stored.output
    assert stored.output == plain.output


def test_load_command_with_files_and_layers(runner: CliRunner, tmp_path: Path) -> None:
    files = [str(BE / "policies.ttl"), str(BE / "factsheet.ttl")]
    d = tmp_path / "be.db"
    result = runner.invoke(main, ["load", "--store", str(d), "--layers",
                                  "ontology,vocabularies,data", *files])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(f"clustergraph: built store {d}: ")
    stored = open_store(d)
    expected = load(["ontology", "vocabularies", "data"], extra_files=files)
    assert stored.triples_per_layer() == expected.triples_per_layer()
    assert list(stored.triples_per_layer()) == ["ontology", "vocabularies", "data"]
    assert ground_quads(stored) == ground_quads(expected)
    assert runner.invoke(main, ["info", "--store", str(d)]).output == runner.invoke(
        main, ["info", "--layers", "ontology,vocabularies,data", *files]).output


@pytest.mark.parametrize("fmt", ["ttl", "nq"])
def test_generated_landscape_builds_into_a_store(tmp_path: Path, fmt: str) -> None:
    """Many files in one bulk stream; N-Quads files keep the graph they name."""
    report = generate(tmp_path / "synth", countries=3, cluster_orgs=2, members=4, seed=5,
                      fmt=fmt)
    files = sorted((tmp_path / "synth").rglob(f"*.{fmt}"))
    stored = build_store(tmp_path / "db", layers=("ontology", "data"), extra_files=files)
    expected = load(("ontology", "data"), extra_files=files)
    assert stored.triples_per_layer()["data"] == report.triples == expected_triples(3, 2, 4)
    assert graph_sizes(stored) == graph_sizes(expected)
    if fmt == "nq":
        assert layer_graph("data", "synth-at") in stored.graphs()


def test_missing_store_is_exit_3_with_one_line(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "nowhere.db"
    result = runner.invoke(main, ["info", "--store", str(missing)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"clustergraph: error: {missing}: no such store directory "
        f"(build one with: clustergraph load --store {missing})\n"
    )


def test_directory_that_is_not_a_store_is_exit_3(runner: CliRunner, tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("not a store")
    result = runner.invoke(main, ["info", "--store", str(tmp_path)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"clustergraph: error: {tmp_path}: not a clustergraph store (no {STORE_META} and "
        f"oxigraph/; build one with: clustergraph load --store {tmp_path})\n"
    )
    plain_file = tmp_path / "notes.txt"
    result = runner.invoke(main, ["info", "--store", str(plain_file)])
    assert result.exit_code == 3
    assert result.stderr == (
        f"clustergraph: error: {plain_file}: is not a directory, so not a clustergraph store\n"
    )


def test_corrupt_metadata_is_exit_3(runner: CliRunner, built: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "copy.db"
    shutil.copytree(built, copy)
    (copy / STORE_META).write_text("{ not json")
    result = runner.invoke(main, ["info", "--store", str(copy)])
    assert result.exit_code == 3
    assert result.stderr.startswith(
        f"clustergraph: error: {copy / STORE_META}: unreadable store metadata")
    assert result.stderr.count("\n") == 1


def test_failed_build_leaves_the_existing_store_intact(runner: CliRunner, tmp_path: Path) -> None:
    d = tmp_path / "be.db"
    good = str(BE / "semester.ttl")
    assert runner.invoke(main, ["load", "--store", str(d), good]).exit_code == 0
    before = runner.invoke(main, ["info", "--store", str(d)]).output
    meta_before = (d / STORE_META).read_bytes()

    bad = tmp_path / "bad.ttl"
    bad.write_text("@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n")
    result = runner.invoke(main, ["load", "--store", str(d), str(BE / "policies.ttl"),
                                  str(bad)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"clustergraph: error: {bad}, line 3, column ")
    assert result.stderr.count("\n") == 1
    assert (d / STORE_META).read_bytes() == meta_before
    assert runner.invoke(main, ["info", "--store", str(d)]).output == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.ttl", "be.db"]  # no leftovers


def test_rebuild_replaces_a_store(tmp_path: Path) -> None:
    d = tmp_path / "be.db"
    build_store(d, layers=("ontology",))
    rebuilt = build_store(d, layers=("vocabularies",))
    assert list(rebuilt.triples_per_layer()) == ["vocabularies"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["be.db"]


def test_build_refuses_to_replace_a_directory_that_is_not_a_store(
    runner: CliRunner, tmp_path: Path
) -> None:
    precious = tmp_path / "thesis"
    precious.mkdir()
    (precious / "chapter1.tex").write_text("keep me")
    result = runner.invoke(main, ["load", "--store", str(precious)])
    assert result.exit_code == 7
    assert result.stderr == (f"clustergraph: error: {precious}: exists, is not empty and is "
                             "not a clustergraph store; not replacing it\n")
    assert [p.name for p in precious.iterdir()] == ["chapter1.tex"]


def test_missing_file_is_refused_before_loading(runner: CliRunner, tmp_path: Path) -> None:
    missing = tmp_path / "missing.ttl"
    result = runner.invoke(main, ["load", "--store", str(tmp_path / "x.db"), str(missing)])
    assert result.exit_code == 3
    assert result.stderr == f"clustergraph: error: {missing}: no such file\n"
    assert not (tmp_path / "x.db").exists()


def test_file_without_triples_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "prefixes.ttl"
    empty.write_text("@prefix ex: <http://example.org/> .\n# nothing else\n")
    result = runner.invoke(main, ["load", "--store", str(tmp_path / "x.db"), str(empty)])
    assert result.exit_code == 3
    assert result.stderr == f"clustergraph: error: {empty}: the file contains no triples\n"


@pytest.mark.parametrize("extra", [["FILE"], ["--layers", "ontology"]])
def test_info_store_refuses_what_it_would_ignore(
    runner: CliRunner, built: Path, extra: list[str]
) -> None:
    args = [str(BE / "policies.ttl") if a == "FILE" else a for a in extra]
    result = runner.invoke(main, ["info", "--store", str(built), *args])
    assert result.exit_code == 2
    assert result.stderr.startswith("clustergraph: error: ")
    assert "cannot be combined with --store" in result.stderr


def test_stale_files_notices_a_changed_source(tmp_path: Path) -> None:
    src = tmp_path / "semester.ttl"
    src.write_bytes((BE / "semester.ttl").read_bytes())
    build_store(tmp_path / "db", layers=("ontology",), extra_files=[src])
    assert stale_files(tmp_path / "db") == []
    src.write_bytes(src.read_bytes() + b"\n# edited\n")
    assert stale_files(tmp_path / "db") == [str(src.resolve())]
