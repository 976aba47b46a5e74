"""Exit codes as documented (issue 11, item 7): an internal error is 10, Ctrl-C 130, never 1
(which means "validation failed"); an ill-typed literal or a recursive shape reaches the user
as at most one line, never a traceback. Run as real processes where the behaviour depends on
how Python prints (logging's last resort, warnings), which pytest would otherwise capture."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from clustergraph.cli import main
from clustergraph.errors import ExitCode

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENT = FIXTURES / "valid" / "document.ttl"
CLI = [sys.executable, "-c", "from clustergraph.cli import main; main()"]

ILL_TYPED = """\
@prefix cg:      <https://w3id.org/clustergraph/ontology#> .
@prefix ex:      <https://w3id.org/clustergraph/id/test/> .
@prefix nuts:    <http://data.europa.eu/nuts/code/> .
@prefix prov:    <http://www.w3.org/ns/prov#> .
@prefix v:       <https://w3id.org/clustergraph/vocab/> .
@prefix xsd:     <http://www.w3.org/2001/XMLSchema#> .

ex:figure a cg:Observation ; cg:measure v:measure\\/projects ; cg:refArea nuts:BE3 ;
    cg:value "abc"^^xsd:integer ; cg:unit v:unit\\/number ; cg:qualifier v:qualifier\\/exact ;
    prov:wasDerivedFrom ex:section .
"""

RECURSIVE_SHAPES = """\
@prefix sh: <http://www.w3.org/ns/shacl#> .
@prefix ex: <http://x.example/shapes#> .
ex:A a sh:NodeShape ; sh:targetNode ex:a ; sh:property [ sh:path ex:p ; sh:node ex:A ] .
"""
RECURSIVE_DATA = """\
@prefix ex: <http://x.example/shapes#> .
ex:a ex:p ex:b . ex:b ex:p ex:a .
"""


def cli(*args: str, timeout: float = 300) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*CLI, *args], capture_output=True, text=True, timeout=timeout,
                          env={**os.environ, "PYTHONWARNINGS": "default"})


def test_internal_error_is_10_with_traceback_and_one_line(runner, monkeypatch) -> None:
    import clustergraph.info

    def broken(_kg: object) -> None:
        raise ZeroDivisionError("fictional bug")

    monkeypatch.setattr(clustergraph.info, "summarize", broken)
    result = runner.invoke(main, ["info"])
    assert result.exit_code == ExitCode.INTERNAL == 10
    assert result.stderr.startswith("Traceback (most recent call last):\n")
    assert result.stderr.endswith(
        "\nclustergraph: internal error: ZeroDivisionError: fictional bug (a bug in "
        "clustergraph; please report it with the traceback above)\n")


def test_ctrl_c_is_130() -> None:
    """A real SIGINT to a process waiting on an endpoint that never answers."""
    with socket.socket() as server:
        server.bind(("127.0.0.1", 0))
        server.listen(1)
        server.settimeout(60)
        port = server.getsockname()[1]
        proc = subprocess.Popen(
            [*CLI, "query", "run", "policy-overview", "--timeout", "120",
             "--endpoint", f"http://127.0.0.1:{port}/sparql"],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        conn, _ = server.accept()  # the query is on its way: the process is waiting
        try:
            time.sleep(0.2)
            proc.send_signal(signal.SIGINT)
            out, err = proc.communicate(timeout=60)
        finally:
            conn.close()
    assert (proc.returncode, out, err) == (130, "", "clustergraph: interrupted\n")


def test_ill_typed_literal_gives_no_traceback(tmp_path: Path) -> None:
    data = tmp_path / "figure.ttl"
    data.write_text(ILL_TYPED, encoding="utf-8")
    for engine in ("oxigraph", "pyshacl"):
        done = cli("validate", "--engine", engine, str(DOCUMENT), str(data))
        assert (done.returncode, done.stderr) == (ExitCode.VALIDATION_FAILED, ""), engine
        assert ("Violation: Figure cgid:test/figure must have exactly one value, an "
                "xsd:integer (counts) or xsd:decimal; abc is not.") in done.stdout


def test_recursive_shape_warning_is_one_line(tmp_path: Path) -> None:
    shapes, data = tmp_path / "recursive.ttl", tmp_path / "loop.ttl"
    shapes.write_text(RECURSIVE_SHAPES, encoding="utf-8")
    data.write_text(RECURSIVE_DATA, encoding="utf-8")
    for engine in ("oxigraph", "pyshacl"):
        done = cli("validate", "--engine", engine, "--shapes", str(shapes), str(data))
        assert (done.returncode, done.stderr) == (0, (
            "clustergraph: warning: A Recursive Shape was detected executing a recursive "
            "validation sequence 12 levels deep. Backing out.\n")), engine


def test_readme_and_errors_module_list_every_exit_code() -> None:
    import re

    import clustergraph.errors

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Exit codes", 1)[1].split("\n## ", 1)[0]
    in_readme = {int(m) for m in re.findall(r"^\| (\d+) \|", table, re.M)}
    in_module = {int(m) for m in re.findall(r"^ (\d+) {2,}\S", clustergraph.errors.__doc__,
                                            re.M)}
    assert in_readme == in_module == {int(code) for code in ExitCode}
