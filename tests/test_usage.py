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
