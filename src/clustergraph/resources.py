"""Where the bundled files are: the ontology, vocabularies, reference data, shapes, data and
queries that ship inside the package.

In an installed wheel they sit in ``clustergraph/bundle/``; in a source checkout (editable
install, or running the tests from the repository) they are the top-level folders of the
repository, which are the files the wheel is built from.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from .namespaces import BASE, CG, GRAPH_BASE  # noqa: F401 - re-exported: resources.CG, ...

#: The layers of the graph, in load order. ``queries`` is the saved-query catalogue as RDF.
LAYERS: tuple[str, ...] = ("ontology", "vocabularies", "reference", "data", "queries")


@cache
def bundle_root() -> Path:
    """The folder that holds ``ontology/``, ``data/`` and ``queries/``."""
    package = Path(__file__).resolve().parent
    installed = package / "bundle"
    if (installed / "ontology").is_dir():
        return installed
    checkout = package.parent.parent  # src/clustergraph -> repository root
    if (checkout / "ontology").is_dir() and (checkout / "pyproject.toml").is_file():
        return checkout
    raise RuntimeError(  # a broken installation, not a user error
        f"clustergraph's bundled files are missing (looked in {installed} and {checkout})"
    )


def ontology_file() -> Path:
    return bundle_root() / "ontology" / "clustergraph.ttl"


def vocabulary_files() -> list[Path]:
    return sorted((bundle_root() / "ontology" / "vocabularies").glob("*.ttl"))


def reference_files() -> list[Path]:
    return sorted((bundle_root() / "ontology" / "reference").glob("*.ttl"))


def shapes_files() -> list[Path]:
    return sorted((bundle_root() / "ontology" / "shapes").glob("*.ttl"))


def data_dirs() -> list[Path]:
    """One folder per country (edition) under ``data/``."""
    return sorted(p for p in (bundle_root() / "data").iterdir() if p.is_dir())


def data_files() -> list[Path]:
    return [f for d in data_dirs() for f in sorted(d.glob("*.ttl"))]


def query_files() -> list[Path]:
    return sorted((bundle_root() / "queries").glob("*.rq"))


@dataclass(frozen=True)
class Source:
    """One file to load, the layer it belongs to and the named graph it goes into."""

    path: Path
    layer: str
    graph: str


def layer_graph(layer: str, part: str | None = None) -> str:
    """The named graph of a layer (and, for data, of one country folder)."""
    return GRAPH_BASE + layer + (f"/{part}" if part else "")


def bundled_sources(layers: tuple[str, ...] | list[str] = LAYERS) -> list[Source]:
    """The shipped Turtle files of the given layers (``queries`` is built, not a file)."""
    out: list[Source] = []
    if "ontology" in layers:
        out.append(Source(ontology_file(), "ontology", layer_graph("ontology")))
    if "vocabularies" in layers:
        out += [Source(p, "vocabularies", layer_graph("vocabularies")) for p in vocabulary_files()]
    if "reference" in layers:
        out += [Source(p, "reference", layer_graph("reference")) for p in reference_files()]
    if "data" in layers:
        for d in data_dirs():
            out += [Source(p, "data", layer_graph("data", d.name)) for p in sorted(d.glob("*.ttl"))]
    return out
