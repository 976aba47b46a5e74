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


def test_readme_web_page_example_is_part_of_denmark(tmp_path: Path) -> None:
    """The worked example from web pages builds, and every triple it gives is one of the
    bundled data/dk/ graph's: the example is Denmark's data, not an invention."""
    import pyoxigraph as ox

    data = resources.bundle_root() / "data"
    text = (data / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### From web pages"):text.index("## The input file")]
    example = re.search(r"```yaml\n(.*?)```", section, re.S).group(1)
    f = tmp_path / "dk" / "pages.yaml"
    f.parent.mkdir()
    f.write_text(example, encoding="utf-8")
    out = tmp_path / "out"
    r = CliRunner().invoke(main, ["build", str(f), "--output", str(out)])
    assert (r.exit_code, sorted(p.name for p in out.iterdir())) == (0, ["policies.ttl",
                                                                        "sources.ttl"])
    got = {t for p in out.iterdir() for t in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)}
    dk = {t for p in (data / "dk").glob("*.ttl")
          for t in ox.parse(path=str(p), format=ox.RdfFormat.TURTLE)}
    assert len(got) == 68
    assert got - dk == set()
