"""Issue 12: each new shape has a fixture under ``tests/fixtures/model/`` (fictional values)
that fires exactly that shape, validated with the test factsheet of ``fixtures/valid``; the
two-folder fixture fires the rules that look across folders, and ``--country`` gives the
whole-store answer restricted to each folder there too."""

from __future__ import annotations

from dataclasses import asdict
from pathlib import Path

import pytest

from clustergraph.store import load
from clustergraph.validate import validate

FIXTURES = Path(__file__).parent / "fixtures"
DOCUMENT = FIXTURES / "valid" / "document.ttl"
INVALID = FIXTURES / "model" / "invalid"
TWO = FIXTURES / "model" / "two-folders"

#: fixture -> (the one shape it fires, severity, the focus nodes, local names under cgid:test/)
CASES = {
    "amount-without-currency": ("cgsh:AmountCurrencyShape", "Violation", ["budget"]),
    "currency-not-in-table": ("cgsh:CurrencyShape", "Violation", ["budget"]),
    "undefined-term": ("cgsh:UndefinedTermShape", "Violation", ["act"]),
    "membership-without-role": ("cgsh:Membership-role", "Violation", ["membership"]),
    "bare-has-member": ("cgsh:HasMemberShape", "Violation", ["consortium"]),
    "stated-count-without-members": ("cgsh:StatedCountWithoutMembersShape", "Warning",
                                     ["consortium"]),
    "member-count-mismatch": ("cgsh:MemberCountShape", "Warning", ["consortium"]),
    "document-minted-twice": ("cgsh:SourceDocumentUrlShape", "Violation", ["page-1", "page-2"]),
    "web-page-without-retrieval-date": ("cgsh:WebPage-retrievalDate", "Violation", ["page"]),
    "not-stated-contradicted": ("cgsh:NotStatedContradictedShape", "Violation", ["budget"]),
    "not-stated-undeclared": ("cgsh:NotStatedShape", "Violation", ["budget"]),
    "part-without-type": ("cgsh:PolicyPart-partType", "Violation", ["part"]),
    "part-not-a-policy": ("cgsh:PolicyPartClassShape", "Violation", ["budget"]),
    "phase-without-ordinal": ("cgsh:Phase-ordinal", "Violation", ["phase"]),
    "level-without-rank": ("cgsh:SupportLevel-levelRank", "Violation", ["level"]),
    "period-days-reversed": ("cgsh:PeriodOrderShape", "Violation", ["period"]),
}


def test_every_fixture_has_a_case() -> None:
    assert {p.stem for p in INVALID.glob("*.ttl")} == set(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_fixture_fires_exactly_its_shape(name: str) -> None:
    shape, severity, nodes = CASES[name]
    result = validate([DOCUMENT, INVALID / f"{name}.ttl"])
    got = sorted((r.source_shape, r.severity, r.focus_node) for r in result.results)
    assert got == [(shape, severity, f"cgid:test/{n}") for n in nodes]
    assert result.conforms is (severity != "Violation")


def test_the_fixtures_agree_with_the_reference_engine() -> None:
    """pySHACL (the reference) gives the same results on two of the new node-level rules."""
    for name in ("amount-without-currency", "not-stated-undeclared", "undefined-term"):
        files = [DOCUMENT, INVALID / f"{name}.ttl"]
        fast, ref = validate(files), validate(files, engine="pyshacl")
        assert [asdict(r) for r in fast.results] == [asdict(r) for r in ref.results], name


def test_undefined_term_names_the_term() -> None:
    result = validate([DOCUMENT, INVALID / "undefined-term.ttl"])
    assert [r.value for r in result.results] == ["cg:artcle"]


# ------------------------------------------------------------------------ across two folders


@pytest.fixture(scope="module")
def two():  # noqa: ANN201
    return load(extra_files=[DOCUMENT, *sorted(TWO.glob("*/*.ttl"))])


def test_two_folders_fire_the_cross_folder_rules(two) -> None:  # noqa: ANN001
    result = validate(two)
    got = sorted((r.source_shape, r.focus_node, r.value) for r in result.results)
    graph = "<https://w3id.org/clustergraph/graph/data/{}>"
    assert got == [
        ("cgsh:DescribedOnceShape", "cgid:test/shared-org", graph.format("xa")),
        ("cgsh:SourceDocumentUrlShape", "cgid:test/page-xa", "<https://example.org/test-shared-page>"),
        ("cgsh:SourceDocumentUrlShape", "cgid:test/page-xb", "<https://example.org/test-shared-page>"),
    ]


@pytest.mark.parametrize("folder", ["xa", "xb", "valid"])
@pytest.mark.parametrize("engine", ["oxigraph", "pyshacl"])
def test_two_folders_country_equals_whole_store_restricted(two, folder: str,  # noqa: ANN001
                                                           engine: str) -> None:
    import pyoxigraph as ox

    from clustergraph.resources import layer_graph
    from clustergraph.validate import compact

    graph = ox.NamedNode(layer_graph("data", folder))
    own = {compact(q.subject.value) for q in two.store.quads_for_pattern(None, None, None, graph)}
    expected = [asdict(r) for r in validate(two, engine=engine).results if r.focus_node in own]
    got = [asdict(r) for r in validate(two, country=folder, engine=engine).results]
    assert got == expected
    assert len(expected) == {"xa": 2, "xb": 2, "valid": 0}[folder]
