# ruff: noqa: E501  (the exact report lines, as the curator sees them)
"""``clustergraph validate FILE.yaml``: each SHACL result at the input line it came from."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from clustergraph.cli import main

BASE = (Path(__file__).parent / "base.yaml").read_text(encoding="utf-8")

EXPECTED = [
    '{f}:6: cgid:factsheet/dk-2024: Warning: Factsheet cgid:factsheet/dk-2024 does not give the date its data was extracted (cg:dataDate). (path cg:dataDate)',
    '{f}:6: cgid:factsheet/dk-2024: Warning: Factsheet cgid:factsheet/dk-2024 does not name its publisher (dct:publisher). (path dct:publisher)',
    '{f}:11: cgid:policy/dk-fictional-clusters: Violation: Cluster policy cgid:policy/dk-fictional-clusters must have at least one responsible authority with a role (cg:hasAuthorityRole), or record that its source does not state one (cg:notStated cg:hasAuthorityRole): invent no role. (value cgid:policy/dk-fictional-clusters)',
    '{f}:11: cgid:policy/dk-fictional-clusters: Warning: Cluster policy cgid:policy/dk-fictional-clusters has no evaluation (cg:hasEvaluation); a complete factsheet says whether and when it is evaluated; or record that its source does not state it (cg:notStated cg:hasEvaluation). (value cgid:policy/dk-fictional-clusters)',
    '{f}:11: cgid:policy/dk-fictional-clusters: Warning: Cluster policy cgid:policy/dk-fictional-clusters has no funding source (cg:hasFundingSource); a complete factsheet says who funds it; or record that its source does not state it (cg:notStated cg:hasFundingSource). (value cgid:policy/dk-fictional-clusters)',
    '{f}:11: cgid:policy/dk-fictional-clusters: Warning: Cluster policy cgid:policy/dk-fictional-clusters is aligned with no EU priority (cg:alignedWith); a complete factsheet says which; or record that its source does not state it (cg:notStated cg:alignedWith). (value cgid:policy/dk-fictional-clusters)',
    '{f}:11: cgid:policy/dk-fictional-clusters: Warning: Cluster policy cgid:policy/dk-fictional-clusters names no beneficiary type (cg:hasBeneficiaryType); a complete factsheet gives them; or record that its source does not state it (cg:notStated cg:hasBeneficiaryType). (value cgid:policy/dk-fictional-clusters)',
    '{f}:11: cgid:policy/dk-fictional-clusters: Warning: Cluster policy cgid:policy/dk-fictional-clusters offers no instrument (cg:hasInstrument); a complete factsheet lists its financial and technical instruments; or record that its source does not state it (cg:notStated cg:hasInstrument). (value cgid:policy/dk-fictional-clusters)',
]


def test_results_at_input_lines(tmp_path: Path) -> None:
    f = tmp_path / "dk" / "2024.yaml"
    f.parent.mkdir()
    f.write_text(BASE, encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(f)])
    assert result.exit_code == 1  # the policy names no authority
    ours = [ln for ln in result.stdout.splitlines() if ln.startswith(str(f))]
    assert ours == [ln.format(f=f) for ln in EXPECTED]
    assert result.stdout.splitlines()[-1].startswith("1 violation(s), ")


def test_fixing_the_violation_passes(tmp_path: Path) -> None:
    f = tmp_path / "dk" / "2024.yaml"
    f.parent.mkdir()
    f.write_text(BASE.replace("      policyType: national\n",
                              "      policyType: national\n      notStated: cg:hasAuthorityRole\n"),
                 encoding="utf-8")
    result = CliRunner().invoke(main, ["validate", str(f)])
    assert result.exit_code == 0, result.stdout
    assert result.stdout.splitlines()[-1].startswith("0 violation(s), ")


def test_every_bundled_input_validates_at_its_lines() -> None:
    """The five bundled inputs validate together (with data/eu/): no violation, and each
    warning (a place where the source contradicts itself) at the input line of its entity."""
    from clustergraph import resources

    data = resources.bundle_root() / "data"
    inputs = sorted(str(p) for p in data.glob("*/*.yaml"))
    assert len(inputs) == 5
    result = CliRunner().invoke(main, ["validate", *inputs])
    assert result.exit_code == 0, result.stdout
    be = str(data / "be" / "2023.yaml")
    got = [ln.split(": Warning: ")[0] for ln in result.stdout.splitlines()[:-1]]
    assert got == [
        f"{be}:224: cgid:participation/be-2023-innosup-1",
        f"{be}:224: cgid:participation/be-2023-innosup-1",
        f"{be}:229: cgid:participation/be-2023-euroclusters",
        f"{be}:278: cgid:observation/be-2023-cluster-organisations-bel",
        f"{be}:353: cgid:policy/be-flanders-innovation-clusters-focus",
    ]
    assert result.stdout.splitlines()[-1] == "0 violation(s), 5 warning(s)"
