"""``--store DIR`` on query, validate and export, and ``validate --country``: the same
answers as an in-memory load, one country checked against the rest of the graph."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from clustergraph.cli import main
from clustergraph.generate import generate
from clustergraph.store import build_store


@pytest.fixture(scope="module")
def store_dir(tmp_path_factory) -> Path:
    d = tmp_path_factory.mktemp("store") / "be.db"
    build_store(d)
    return d


@pytest.fixture(scope="module")
def landscape(tmp_path_factory) -> Path:
    """Two synthetic countries; the second gets one broken observation."""
    d = tmp_path_factory.mktemp("synth")
    generate(d, 2, 1, 2, seed=3)
    broken = d / "synth-be" / "broken.ttl"
    broken.write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "@prefix prov: <http://www.w3.org/ns/prov#> .\n"
        "<https://w3id.org/clustergraph/id/observation/broken> a cg:Observation ;\n"
        "    prov:wasDerivedFrom "
        "<https://w3id.org/clustergraph/id/factsheet/synth-be-2023/section-2.3> .\n",
        encoding="utf-8")
    return d


def test_query_run_on_a_store_prints_what_memory_prints(runner, store_dir):
    memory = runner.invoke(main, ["query", "run", "policy-overview", "--format", "csv"])
    stored = runner.invoke(main, ["query", "run", "policy-overview", "--format", "csv",
                                  "--store", str(store_dir)])
    assert memory.exit_code == stored.exit_code == 0
    assert stored.output == memory.output
    assert "/id/policy/be-wallonia-competitive-clusters" in stored.output


def test_query_run_refuses_store_with_endpoint(runner, store_dir):
    r = runner.invoke(main, ["query", "run", "policy-overview", "--store", str(store_dir),
                             "--endpoint", "http://127.0.0.1:9/query"])
    assert r.exit_code == 2
    assert r.stderr == "clustergraph: error: give either --endpoint or --store, not both\n"


def test_validate_on_a_store_finds_the_same_warnings(runner, store_dir):
    memory = runner.invoke(main, ["validate", "--format", "json"])
    stored = runner.invoke(main, ["validate", "--format", "json", "--store", str(store_dir)])
    assert memory.exit_code == stored.exit_code == 0
    assert stored.output == memory.output


def test_export_from_a_store_is_byte_identical(runner, store_dir, tmp_path):
    a, b = tmp_path / "a.trig", tmp_path / "b.trig"
    assert runner.invoke(main, ["export", "-f", "trig", "-o", str(a)]).exit_code == 0
    assert runner.invoke(main, ["export", "-f", "trig", "-o", str(b),
                                "--store", str(store_dir)]).exit_code == 0
    assert a.read_bytes() == b.read_bytes()


def test_missing_store_is_an_input_error(runner, tmp_path):
    r = runner.invoke(main, ["query", "run", "policy-overview", "--store", str(tmp_path / "no")])
    assert r.exit_code == 3
    assert r.stderr.startswith("clustergraph: error: ") and r.stderr.count("\n") == 1


def test_validate_country_of_the_bundled_graph(runner):
    r = runner.invoke(main, ["validate", "--country", "BE"])
    assert r.exit_code == 0
    assert r.output.endswith("conforms: 0 violations, 5 warnings (inference: none)\n")


def test_validate_unknown_country_is_a_usage_error(runner):
    r = runner.invoke(main, ["validate", "--country", "xx"])
    assert r.exit_code == 2
    assert r.stderr == ("clustergraph: error: --country 'xx': no data folder of that name "
                        "(the graph has: be, dk, eu, fr, no, pl)\n")


def test_validate_country_reports_only_that_countrys_nodes(runner, landscape):
    files = [str(p) for p in sorted(landscape.glob("*/*.ttl"))]
    whole = runner.invoke(main, ["validate", "--format", "json", *files])
    assert whole.exit_code == 1
    assert "observation/broken" in whole.output
    clean = runner.invoke(main, ["validate", "--country", "synth-at", *files])
    assert clean.exit_code == 0, clean.output
    assert clean.output.endswith("conforms: 0 violations, 0 warnings (inference: none)\n")
    broken = runner.invoke(main, ["validate", "--country", "synth-be", "--format", "json", *files])
    assert broken.exit_code == 1
    assert "observation/broken" in broken.output


def test_validate_country_sees_what_other_countries_describe(runner, landscape, tmp_path):
    """A node the checked country links to but another country's data describes (here a
    shared funding period) is context, not a missing class."""
    files = [str(p) for p in sorted(landscape.glob("*/*.ttl")) if "broken" not in p.name]
    shared = tmp_path / "synth-at"
    shutil.copytree(landscape / "synth-at", shared)
    r = runner.invoke(main, ["validate", "--country", "synth-at", *files])
    assert r.exit_code == 0, r.output
