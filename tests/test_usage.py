"""Usage errors are one line, ``clustergraph: error: ...``, exit 2, with the closest valid
choice for a mistyped command, option or value; a group without its command still shows
its help, and ``--help`` is untouched."""

from __future__ import annotations

import subprocess
import sys

import pytest

from clustergraph.cli import main
from clustergraph.errors import ExitCode


@pytest.mark.parametrize(("args", "message"), [
    (["qurey"], "no such command 'qurey'; did you mean 'query'? (see clustergraph --help)"),
    (["query", "rn"], "query: no such command 'rn'; did you mean 'run'? "
                      "(see clustergraph query --help)"),
    (["query", "run", "policy-overview", "--formt", "csv"],
     "query run: no such option '--formt'; did you mean '--format'? "
     "(see clustergraph query run --help)"),
    (["query", "run", "policy-overview", "--format", "tabel"],
     "--format: 'tabel' is not one of table, csv, tsv, json, markdown; did you mean 'table'?"),
    (["validate", "--inference", "owl-rl"],
     "--inference: 'owl-rl' is not one of none, rdfs, owlrl; did you mean 'owlrl'?"),
    (["validate", "--inference", "magic"], "--inference: 'magic' is not one of none, rdfs, owlrl"),
    (["--bogus"], "no such option '--bogus' (see clustergraph --help)"),
    (["info", "--layers", "ontology,vocabulary"],
     "--layers: unknown layer 'vocabulary'; did you mean 'vocabularies'? (choose from "
     "ontology, vocabularies, reference, data, queries, or all)"),
    (["export"], "export: missing option --output (see clustergraph export --help)"),
    (["query", "show"], "query show: missing argument NAME (see clustergraph query show --help)"),
    (["query", "run", "policy-overview", "--width", "-3"],
     "--width: -3 is not in the range x>=0"),
    (["query", "run", "policy-overview", "extra"],
     "query run: got unexpected extra argument (extra) (see clustergraph query run --help)"),
])
def test_usage_error_is_one_line(runner, args: list[str], message: str) -> None:
    result = runner.invoke(main, args, prog_name="clustergraph")
    assert result.exit_code == ExitCode.USAGE == 2
    assert result.stdout == ""
    assert result.stderr == f"clustergraph: error: {message}\n"


def test_a_group_without_its_command_shows_its_help(runner) -> None:
    result = runner.invoke(main, ["query"], prog_name="clustergraph")
    assert result.exit_code == 2  # click's code for a missing command
    assert result.stderr.startswith("Usage: clustergraph query [OPTIONS] COMMAND [ARGS]...\n")


def test_one_line_in_a_real_process() -> None:
    """A real process (click's standalone mode), not only click's test runner."""
    code = "from clustergraph.cli import main; main(prog_name='clustergraph')"
    proc = subprocess.run([sys.executable, "-c", code, "qurey"],
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert proc.stdout == ""
    assert proc.stderr == ("clustergraph: error: no such command 'qurey'; did you mean "
                           "'query'? (see clustergraph --help)\n")


# --------------------------------------------------------------------------- --fail-on, --quiet

def test_fail_on_warning(runner) -> None:
    """The bundled graph has no violation and 5 warnings (the factsheet's contradictions)."""
    default = runner.invoke(main, ["validate", "--format", "json"])
    assert default.exit_code == 0, default.output
    strict = runner.invoke(main, ["validate", "--format", "json", "--fail-on", "warning"])
    assert strict.exit_code == ExitCode.VALIDATION_FAILED == 1
    assert strict.stdout == default.stdout  # the same report
    assert strict.stderr == "clustergraph: 5 warnings and --fail-on warning: exit 1\n"
    explicit = runner.invoke(main, ["validate", "--format", "json", "--fail-on", "violation"])
    assert explicit.exit_code == 0 and explicit.stderr == ""


def test_fail_on_warning_without_warnings(runner, tmp_path) -> None:  # noqa: ANN001
    """Fictional data with nothing to warn about: --fail-on warning keeps exit 0."""
    data = tmp_path / "thing.ttl"
    data.write_text("<https://example.org/thing/a> <https://example.org/p> 1 .\n",
                    encoding="utf-8")
    result = runner.invoke(main, ["validate", "--fail-on", "warning", str(data)])
    assert result.exit_code == 0, result.output
    assert result.stderr == ""


def test_quiet_drops_the_notes_of_export(runner, tmp_path) -> None:  # noqa: ANN001
    out = tmp_path / "graph.nt"
    loud = runner.invoke(main, ["export", "--layers", "ontology", "--output", str(out)])
    assert loud.exit_code == 0, loud.output
    assert loud.stderr.splitlines()[0] == f"clustergraph: wrote {out}"
    quiet = runner.invoke(main, ["--quiet", "export", "--layers", "ontology",
                                 "--output", str(out)])
    assert quiet.exit_code == 0, quiet.output
    assert quiet.stderr == ""
    assert out.read_text(encoding="utf-8").count("\n") == int(
        loud.stderr.splitlines()[1].split()[1])  # the file is still written in full
