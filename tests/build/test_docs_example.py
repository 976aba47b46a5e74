"""data/README.md's example input builds (the documentation stays true)."""

from __future__ import annotations

import re
from pathlib import Path

from click.testing import CliRunner

from clustergraph import resources
from clustergraph.cli import main


def test_readme_example_builds(tmp_path: Path) -> None:
    text = (resources.bundle_root() / "data" / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## The input file"):]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    f = tmp_path / "dk.yaml"
    f.write_text(example, encoding="utf-8")
    r = CliRunner().invoke(main, ["build", str(f)])
    assert (r.exit_code, r.stderr) == (0, "")
    assert "cg:amount 12500000.0 ;" in r.stdout and "currency:DKK" in r.stdout
    assert "dcat:startDate \"2021\"^^xsd:gYear" in r.stdout
