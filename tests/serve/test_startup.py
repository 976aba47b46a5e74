"""``query run`` and ``info`` start light: registering ``serve`` in the CLI imports no web
framework (Starlette, uvicorn, Jinja2), and neither does running those commands."""

from __future__ import annotations

import subprocess
import sys

import pytest

HEAVY = ("starlette", "uvicorn", "uvloop", "jinja2", "markupsafe", "anyio", "selenium", "rdflib",
         "pyshacl")


@pytest.mark.parametrize("args", [["query", "run", "policy-overview", "-f", "csv"], ["info"],
                                  ["serve", "--help"]])
def test_commands_do_not_import_the_web_framework(args: list[str]) -> None:
    code = (
        "import sys\n"
        "from clustergraph.cli import main\n"
        "try:\n"
        f"    main({args!r})\n"
        "except SystemExit as e:\n"
        "    assert e.code in (0, None), e.code\n"
        f"print(sorted(m for m in {HEAVY!r} if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout
    assert out.splitlines()[-1] == "[]"
