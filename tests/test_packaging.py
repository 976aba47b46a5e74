"""Packaging: the wheel carries the ontology, vocabularies, reference data, data and queries
(compared with the repository's files, so new files are covered), an installed clustergraph
finds them, and the console script starts.

The wheel is built without build isolation when hatchling is installed (``.ci/run``
installs it, so CI builds offline); otherwise ``build`` fetches hatchling from PyPI."""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
import zipfile
from importlib import metadata
from pathlib import Path

import pytest

from clustergraph import __version__, resources

REPO = Path(__file__).resolve().parents[1]
BUNDLED = {  # repository folder -> file patterns shipped under clustergraph/bundle/
    "ontology": ("*.ttl",),
    "data": ("*.ttl",),
    "queries": ("*.rq",),
}


def repo_bundle_files() -> set[str]:
    """The files of the repository that must be in the wheel, as wheel paths."""
    out = set()
    for folder, patterns in BUNDLED.items():
        root = REPO / folder
        for pattern in patterns:
            out |= {
                f"clustergraph/bundle/{p.relative_to(REPO).as_posix()}" for p in root.rglob(pattern)
            }
    return out


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    if not (REPO / "pyproject.toml").is_file():
        pytest.skip("not running from a source checkout")
    out = tmp_path_factory.mktemp("dist")
    cmd = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        cmd.append("--no-isolation")
    done = subprocess.run(cmd + [str(REPO)], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
    (whl,) = out.glob("clustergraph-*.whl")
    return whl


@pytest.mark.slow
def test_wheel_is_named_for_the_version(wheel: Path) -> None:
    assert wheel.name == f"clustergraph-{__version__}-py3-none-any.whl"


@pytest.mark.slow
def test_wheel_contains_every_bundled_file(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = repo_bundle_files()
    assert "clustergraph/bundle/ontology/clustergraph.ttl" in expected
    assert "clustergraph/bundle/ontology/reference/nace-rev2.ttl" in expected
    assert len([n for n in expected if "/vocabularies/" in n]) == len(resources.vocabulary_files())
    assert sorted(expected - names) == [], "files of the repository missing from the wheel"


@pytest.mark.slow
def test_wheel_has_the_console_script_and_the_modules(wheel: Path) -> None:
    zf = zipfile.ZipFile(wheel)
    names = set(zf.namelist())
    modules = {p.name for p in (REPO / "src" / "clustergraph").glob("*.py")}
    assert {f"clustergraph/{m}" for m in modules} <= names
    entry_points = zf.read(f"clustergraph-{__version__}.dist-info/entry_points.txt").decode()
    assert "clustergraph = clustergraph.cli:main" in entry_points
    assert not [n for n in names if n.startswith("tests/") or "__pycache__" in n]


def is_editable() -> bool:
    text = metadata.distribution("clustergraph").read_text("direct_url.json")
    return bool(text) and json.loads(text).get("dir_info", {}).get("editable", False)


def test_an_installed_package_uses_its_own_bundle() -> None:
    """Installed from a wheel (as in CI), the package reads the files it carries."""
    if is_editable():
        pytest.skip("editable install: the bundle is the checkout")
    root = resources.bundle_root()
    assert root == Path(resources.__file__).resolve().parent / "bundle"
    record = {str(f) for f in metadata.files("clustergraph") or []}
    assert "clustergraph/bundle/ontology/clustergraph.ttl" in record
    assert {
        f"clustergraph/bundle/ontology/vocabularies/{p.name}" for p in resources.vocabulary_files()
    } <= record


@pytest.mark.slow
def test_console_script_starts(tmp_path: Path) -> None:
    exe = Path(sys.executable).parent / (
        "clustergraph.exe" if sys.platform == "win32" else "clustergraph"
    )
    assert exe.is_file(), f"no console script at {exe}"
    done = subprocess.run(
        [str(exe), "--version"], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        f"clustergraph, version {__version__}\n",
        "",
    )
    # works from any directory: the bundled ontology is found
    done = subprocess.run(
        [str(exe), "info", "--layers", "ontology"],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "owl:Class" in done.stdout
