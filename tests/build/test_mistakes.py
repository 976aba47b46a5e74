# ruff: noqa: E501  (the exact messages are one line each, as the curator sees them)
"""Seeded mistakes in an input file: each gives its exact one-line message and exit 3."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from clustergraph.cli import main

BASE = (Path(__file__).parent / "base.yaml").read_text(encoding="utf-8")

# (mistake, text in base.yaml, what the curator wrote instead, the message; {f} is the file)
MISTAKES = [
    ('key typo',
     'policyType: national',
     'polcyType: national',
     "clustergraph: error: {f}:13: policy/dk-fictional-clusters.polcyType: unknown field 'polcyType': did you mean 'policyType' (cg:policyType)?"),
    ('code typo',
     'policyType: national',
     'policyType: nationl',
     "clustergraph: error: {f}:13: policy/dk-fictional-clusters.policyType: 'nationl' is not a concept of the policy-type scheme: did you mean 'national' (policy-type:national)?"),
    ('ecosystem near miss',
     'relatedEcosystem: agri-food',
     'relatedEcosystem: Agrifood',
     "clustergraph: error: {f}:26: policy/dk-fictional-clusters-focus-domain-food.relatedEcosystem: 'Agrifood' is not a concept of the industrial-ecosystem scheme: did you mean 'Agri-food' (eco:agri-food)?"),
    ('wrong type',
     'ordinal: 1',
     'ordinal: first',
     "clustergraph: error: {f}:25: policy/dk-fictional-clusters-focus-domain-food.ordinal: 'first' is not a whole number (cg:ordinal takes xsd:integer)"),
    ('missing id',
     '- {id: org/dk-fictional-agency, label',
     '- {label',
     "clustergraph: error: {f}:27: table-3[1]: missing required field 'id'"),
    ('missing required field',
     '      policyType: national\n',
     '',
     "clustergraph: error: {f}:11: policy/dk-fictional-clusters: missing required field 'policyType' (cg:policyType), which every cg:ClusterPolicy has (or record it with notStated)"),
    ('amount without currency',
     'amount: EUR 12.5 million',
     'amount: 12.5 million',
     "clustergraph: error: {f}:20: policy/dk-fictional-clusters-budget-overall.amount: amount '12.5 million' without a currency: write it as the source does, e.g. 'EUR 12.5 million'"),
    ('unknown currency',
     'amount: EUR 12.5 million',
     'amount: EUX 12.5 million',
     "clustergraph: error: {f}:20: policy/dk-fictional-clusters-budget-overall.amount: 'EUX' is not a currency code of the EU table (ontology/reference/currencies.ttl)"),
    ('year range backwards',
     'years: 2021-2027',
     'years: 2027-2021',
     "clustergraph: error: {f}:18: policy/dk-fictional-clusters-period.years: the range '2027-2021' ends before it starts"),
    ('not a year range',
     'years: 2021-2027',
     'years: from 2021',
     "clustergraph: error: {f}:18: policy/dk-fictional-clusters-period.years: 'from 2021' is not a year or a range of years (e.g. 2021-2027)"),
    ('duplicate entity',
     '- {id: org/dk-fictional-agency,',
     '- {id: policy/dk-fictional-clusters,',
     'clustergraph: error: {f}:27: policy/dk-fictional-clusters.id: duplicate entity (first defined at line 11)'),
    ('bad indentation',
     '      country: DNK\n      coversArea',
     '      country: DNK\n     coversArea',
     "clustergraph: error: {f}:15: YAML: while parsing a block collection, did not find expected '-' indicator (check the indentation)"),
    ('unknown reference',
     'dct:isPartOf: factsheet/dk-2024}',
     'dct:isPartOf: factsheet/dk-2042}',
     "clustergraph: error: {f}:9: factsheet/dk-2024/table-3.dct:isPartOf: 'factsheet/dk-2042' is not an entity of this file or of data/: did you mean 'factsheet/dk-2024'?"),
    ('unknown area code',
     'coversArea: DNK',
     'coversArea: DNX',
     "clustergraph: error: {f}:15: policy/dk-fictional-clusters.coversArea: 'DNX' is not a NUTS code or country code of ontology/reference/ (e.g. BE2, BEL)"),
    ('unknown country code',
     'organisationType: government-agency, country: DNK}',
     'organisationType: government-agency, country: nnoe}',
     "clustergraph: error: {f}:28: org/dk-fictional-agency.country: 'nnoe' is not a NUTS code or country code of ontology/reference/ (e.g. BE2, BEL, or none for an entity of no country)"),
    ('field given twice',
     '      country: DNK\n      coversArea: DNK',
     '      country: DNK\n      country: DNK',
     'clustergraph: error: {f}:15: table-3[0].country: field given twice (first at line 14)'),
    ('unknown class',
     'a: PriorityDomain',
     'a: PriorityDomian',
     "clustergraph: error: {f}:25: policy/dk-fictional-clusters-focus-domain-food.a: 'PriorityDomian' is not a class of the ontology: did you mean 'PriorityDomain' (cg:PriorityDomain)?"),
    ('unknown top-level key',
     'edition: 2024\n',
     'editon: 2024\n',
     "clustergraph: error: {f}:3: editon: unknown top-level key: did you mean 'edition'? (allowed: country, edition, language, parts, turtle)"),
    ('bad country',
     'country: DK\n',
     'country: ZZ\n',
     "clustergraph: error: {f}:2: country: 'ZZ' is not an EU country code (two capital letters, e.g. BE, EL)"),
    ('entity where a value belongs',
     'label: Fictional Agency',
     'label: {id: -x}',
     'clustergraph: error: {f}:27: org/dk-fictional-agency.label: rdfs:label takes a value, not an entity'),
    ('empty list',
     'hasObjective: [internationalisation, rd-technology]',
     'hasObjective: []',
     'clustergraph: error: {f}:16: policy/dk-fictional-clusters.hasObjective: an empty list: leave the field out, or record cg:notStated / no data available'),
    ('bad id',
     'id: policy/dk-fictional-clusters',
     'id: Fictional Clusters',
     "clustergraph: error: {f}:11: table-3[0].id: 'Fictional Clusters' is not an id (kind/slug, e.g. policy/be-flanders-clusters, or -suffix inside another entity)"),
    ('relative id at top level',
     'id: org/dk-fictional-agency',
     'id: -agency',
     "clustergraph: error: {f}:27: table-3[1].id: '-agency' is relative to a parent, but this entity has none"),
    ('id of another country',
     'id: policy/dk-fictional-clusters',
     'id: policy/de-fictional-clusters',
     'clustergraph: error: {f}:11: policy/de-fictional-clusters.id: the id of a lasting entity is policy/dk-<slug> in this file (data/README.md, IRIs)'),
    ('edition missing from a figure id',
     'id: observation/dk-2024-members',
     'id: observation/dk-members',
     'clustergraph: error: {f}:29: observation/dk-members.id: the id of what an edition states is observation/dk-2024-<slug> in this file (data/README.md, IRIs)'),
]


def _build(path: Path) -> tuple[int, str, str]:
    result = CliRunner().invoke(main, ["build", str(path)])
    return result.exit_code, result.stdout, result.stderr


def test_the_base_file_builds(tmp_path: Path) -> None:
    f = tmp_path / "dk.yaml"
    f.write_text(BASE, encoding="utf-8")
    code, out, err = _build(f)
    assert (code, err) == (0, "")
    assert "cg:amount 12500000.0 ;" in out and "cg:currency currency:EUR" in out
    assert "cg:qualifier q:over ;" in out and "cg:value 4205 ;" in out


@pytest.mark.parametrize(("name", "old", "new", "message"), MISTAKES,
                         ids=[m[0] for m in MISTAKES])
def test_seeded_mistake(tmp_path: Path, name: str, old: str, new: str, message: str) -> None:
    assert old in BASE
    f = tmp_path / "dk.yaml"
    f.write_text(BASE.replace(old, new, 1), encoding="utf-8")
    code, out, err = _build(f)
    assert code == 3
    assert out == ""
    assert err == message.format(f=f) + "\n"


def test_not_utf8(tmp_path: Path) -> None:
    f = tmp_path / "dk.yaml"
    f.write_bytes(BASE.replace("Fictional Agency", "Fictional Ag\xe9ncy").encode("latin-1"))
    code, out, err = _build(f)
    assert (code, out) == (3, "")
    assert err == f"clustergraph: error: {f}:27: not UTF-8 (byte 0xe9); save the file as UTF-8\n"


def test_empty_and_missing_files(tmp_path: Path) -> None:
    f = tmp_path / "empty.yaml"
    f.write_text("# nothing yet\n", encoding="utf-8")
    assert _build(f) == (3, "", f"clustergraph: error: {f}:1: the file is empty\n")
    g = tmp_path / "absent.yaml"
    assert _build(g) == (3, "", f"clustergraph: error: {g}: no such file\n")


def test_a_mistake_writes_nothing(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.yaml", tmp_path / "bad.yaml"
    good.write_text(BASE, encoding="utf-8")
    bad.write_text(BASE.replace("years: 2021-2027", "years: 2027-2021"), encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(good), str(bad), "--output", str(out)])
    assert result.exit_code == 3
    assert not out.exists()


def test_no_traceback_from_the_real_command(tmp_path: Path) -> None:
    f = tmp_path / "dk.yaml"
    f.write_text(BASE.replace("policyType: national", "polcyType: national"), encoding="utf-8")
    exe = Path(sys.executable).parent / "clustergraph"
    r = subprocess.run([str(exe), "build", str(f)],
                       capture_output=True, text=True, check=False)
    assert r.returncode == 3
    assert r.stderr.count("\n") == 1 and "Traceback" not in r.stderr


def test_output_that_cannot_be_written(tmp_path: Path) -> None:
    f = tmp_path / "dk.yaml"
    f.write_text(BASE, encoding="utf-8")
    blocker = tmp_path / "a-file"
    blocker.write_text("", encoding="utf-8")
    result = CliRunner().invoke(main, ["build", str(f), "--output", str(blocker / "out")])
    assert result.exit_code == 7
    assert result.stderr == (f"clustergraph: error: {blocker / 'out'}: cannot write: "
                             "Not a directory\n")


def test_output_folder_gets_the_turtle(tmp_path: Path) -> None:
    f = tmp_path / "2024.yaml"
    f.write_text(BASE, encoding="utf-8")
    out = tmp_path / "out"
    result = CliRunner().invoke(main, ["build", str(f), "--output", str(out)])
    assert result.exit_code == 0
    assert sorted(p.name for p in out.iterdir()) == ["2024.ttl"]
    assert result.stderr == f"clustergraph: built {f} -> {out / '2024.ttl'}\n"
