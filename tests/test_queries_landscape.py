"""The saved queries across the landscape (issue 13): exact rows on a multi-country graph,
Belgium's shipped data with the shared EU layer, the Danish fixture of the model
(``tests/fixtures/multi/dk``) and the comparison fixture ``tests/fixtures/landscape/xn``
(fictional values for Norway: a non-EU country, a broader policy, amounts in NOK, two
state-of-play editions). Without a country parameter every country answers, each row
carrying its country."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from test_queries import BEL, FLANDERS, WALLONIA, country, expect, idr, nuts, rows, v

from clustergraph.resources import bundle_root
from clustergraph.store import KnowledgeGraph, load

FIXTURES = Path(__file__).parent / "fixtures"
DATA = bundle_root() / "data"
DNK, NOR = country("DNK"), country("NOR")
UMBRELLA, SUB_A = idr("policy", "test-dk-umbrella"), idr("policy", "test-dk-sub-a")
XN, XN_BROAD = idr("policy", "test-xn-clusters"), idr("policy", "test-xn-innovation")


@pytest.fixture(scope="module")
def land() -> KnowledgeGraph:
    return load(extra_files=sorted([
        *(DATA / "be").glob("*.ttl"), *(DATA / "eu").glob("*.ttl"),
        *(FIXTURES / "multi" / "dk").glob("*.ttl"),
        *(FIXTURES / "landscape" / "xn").glob("*.ttl")]))


def ptype(s: str) -> str:
    return v("policy-type", s)


def test_compare_policies(land) -> None:
    assert rows(land, "compare-policies") == expect(
        (BEL, WALLONIA, ptype("regional"), nuts("BE3"), 2005, True, None),
        (BEL, FLANDERS, ptype("regional"), nuts("BE2"), 2016, True, None),
        (DNK, UMBRELLA, ptype("national"), DNK, 2020, True, None),
        # the sub-programme is listed with its umbrella, its start not stated
        (DNK, SUB_A, ptype("national"), DNK, None, True, UMBRELLA),
        # a start date to the day gives its year
        (NOR, XN, ptype("national"), NOR, 2014, True, None),
        (NOR, XN_BROAD, ptype("broader-policy"), NOR, 2021, False, None),
    )
    assert rows(land, "compare-policies", country="country:NOR") == expect(
        (NOR, XN, ptype("national"), NOR, 2014, True, None),
        (NOR, XN_BROAD, ptype("broader-policy"), NOR, 2021, False, None),
    )


def test_compare_dedicated_policy(land) -> None:
    targeted = v("state-of-play-level", "policy-scope-targeted-cluster-policies")
    # Norway's 2023 edition said "broader policies"; the 2024 edition is the latest
    assert rows(land, "compare-dedicated-policy") == expect(
        (BEL, 2, 0, True, targeted, "2023"),
        (DNK, 1, 0, True, None, None),  # the sub-programme counted under its umbrella
        (NOR, 1, 1, True, targeted, "2024"),
    )


def test_compare_state_of_play(land) -> None:
    crit = lambda s: v("state-of-play-criterion", s)  # noqa: E731
    lvl = lambda s: v("state-of-play-level", s)  # noqa: E731
    inf, stated = v("evidence", "inferred"), v("evidence", "stated")
    result = rows(land, "compare-state-of-play")
    assert result == expect(
        (crit("policy-scope"), BEL, lvl("policy-scope-targeted-cluster-policies"), 4, inf,
         "2023"),
        (crit("policy-scope"), NOR, lvl("policy-scope-targeted-cluster-policies"), 4, stated,
         "2024"),
        (crit("continuity"), BEL, lvl("continuity-over-10-years"), 4, inf, "2023"),
        (crit("continuity"), NOR, lvl("continuity-over-10-years"), 4, inf, "2024"),
        (crit("evidence-of-performance"), BEL,
         lvl("evidence-of-performance-monitoring-and-evaluation"), 4, inf, "2023"),
        (crit("cluster-support-instruments"), BEL,
         lvl("cluster-support-instruments-financial-and-technical-dedicated"), 4, inf, "2023"),
    )


def test_compare_policy_mix(land) -> None:
    it, ben = (lambda s: v("instrument-type", s)), (lambda s: v("beneficiary-type", s))
    fin, tec = it("financial"), it("technical")
    got = rows(land, "compare-policy-mix")
    be = [
        ("instrument", it("funding-collaboration"), "FIN01", fin, 2, 2),
        ("instrument", it("rd-projects-membership"), "FIN02", fin, 2, 2),
        ("instrument", it("financing-start-ups"), "FIN03", fin, 1, 1),
        ("instrument", it("subsidies-personnel"), "FIN04", fin, 1, 1),
        ("instrument", it("subsidies-infrastructure"), "FIN05", fin, 1, 1),
        ("instrument", it("infrastructure"), "TEC01", tec, 2, 2),
        ("instrument", it("hard-skills"), "TEC02", tec, 1, 1),
        ("instrument", it("soft-skills"), "TEC03", tec, 2, 2),
        ("instrument", it("networking"), "TEC04", tec, 2, 2),
        ("beneficiary", ben("smes"), "BEN01", None, None, 2),
        ("beneficiary", ben("cluster-organisations"), "BEN02", None, None, 2),
        ("beneficiary", ben("research-organisations"), "BEN03", None, None, 2),
        ("beneficiary", ben("academic-institutions"), "BEN04", None, None, 2),
        ("beneficiary", ben("large-firms"), "BEN05", None, None, 2),
        ("beneficiary", ben("technology-centres"), "BEN06", None, None, 2),
        ("beneficiary", ben("start-ups"), "BEN07", None, None, 1),
    ]
    assert got == expect(
        *((BEL, *r) for r in be),
        (DNK, "instrument", it("designation-label"), "LAB", None, 1, 1),
        (DNK, "beneficiary", ben("cluster-organisations"), "BEN02", None, None, 1),
        # two instruments of one type in one policy: 2 instruments, 1 policy
        (NOR, "instrument", it("funding-collaboration"), "FIN01", fin, 2, 1),
        (NOR, "instrument", it("networking"), "TEC04", tec, 1, 1),
        (NOR, "beneficiary", ben("smes"), "BEN01", None, None, 2),
        (NOR, "beneficiary", ben("cluster-organisations"), "BEN02", None, None, 1),
    )


def test_compare_authorities(land) -> None:
    org, role = (lambda s: idr("org", s)), (lambda s: v("authority-role", s))
    assert rows(land, "compare-authorities") == expect(
        (BEL, org("be-flemish-government"), role("funding"), 1),
        (BEL, org("be-spw-eer"), role("drafting-and-implementation"), 1),
        (BEL, org("be-vlaio"), role("drafting-and-implementation"), 1),
        (BEL, org("be-vlaio"), role("funding"), 1),
        (BEL, org("be-vlaio"), role("oversight"), 1),
        (BEL, org("be-walloon-government"), role("drafting-and-implementation"), 1),
        (BEL, org("be-walloon-government"), role("funding"), 1),
        (BEL, org("be-walloon-government"), role("oversight"), 1),
        (DNK, org("test-dk-ministry"), role("drafting"), 1),
        (NOR, org("test-xn-agency"), role("implementation"), 1),
        (NOR, org("test-xn-ministry"), role("drafting"), 1),
        (NOR, org("test-xn-ministry"), role("funding"), 1),
    )


def test_compare_budgets_in_their_own_currency(land) -> None:
    cur = lambda s: "http://publications.europa.eu/resource/authority/currency/" + s  # noqa: E731
    annual, overall = v("budget-type", "annual"), v("budget-type", "overall")
    nda = v("data-availability", "no-data-available")
    assert rows(land, "compare-budgets") == expect(
        (BEL, FLANDERS, FLANDERS, annual, None, None, nda),
        (BEL, FLANDERS, FLANDERS, overall, None, None, nda),
        (BEL, WALLONIA, WALLONIA, annual, None, None, nda),
        (BEL, WALLONIA, WALLONIA, overall, None, None, nda),
        (DNK, UMBRELLA, UMBRELLA, overall, Decimal("75000000.0"), cur("DKK"), None),
        # a support level's own budget, under its policy
        (DNK, UMBRELLA, idr("policy", "test-dk-umbrella-level-1"), annual,
         Decimal("1500000.0"), cur("DKK"), None),
        (NOR, XN, XN, annual, Decimal("20000000.0"), cur("NOK"), None),
        (NOR, XN, XN, overall, None, None, nda),
    )


def test_compare_cooperation(land) -> None:
    prog, period = (lambda s: idr("programme", s)), (lambda s: idr("period", s))
    assert rows(land, "compare-cooperation") == expect(
        (BEL, prog("escp"), period("2014-2020"), 0, None, 21),
        (BEL, prog("euroclusters"), period("2021-2027"), 8,
         "B-Resilient; BioMan4R2; CREATHRIV-EU; DREAM; ELBE Eurocluster; GEMSTONE; LEVIATAD; "
         "SocialTech4EU", 17),
        (BEL, prog("innosup-1"), period("2014-2020"), 0, None, 20),  # Greece listed twice
        (DNK, prog("euroclusters"), period("2021-2027"), 2, "B-Resilient; DREAM", 0),
        (NOR, prog("escp"), period("2014-2020"), 0, None, 2),
        (NOR, prog("euroclusters"), period("2021-2027"), 1, "DREAM", 0),
    )


# ------------------------------------------------------------ the older questions, every country


def test_funding_model_gives_each_budget_once_with_its_currency(land) -> None:
    got = [r for r in rows(land, "funding-model") if r[0] != BEL]
    cur = "http://publications.europa.eu/resource/authority/currency/"
    assert got == expect(
        (DNK, SUB_A, "none stated", None, None, None, None, None, None, None, None),
        (NOR, XN_BROAD, "none stated", None, None, None, None, None, None, None, None),
        (DNK, UMBRELLA, "funding source", v("funding-source-type", "public"),
         idr("org", "test-dk-ministry"), None, Decimal("100.0"), None, None, None, None),
        (DNK, UMBRELLA, "budget", None, None, None, None, v("budget-type", "overall"),
         Decimal("75000000.0"), cur + "DKK", None),
        (NOR, XN, "budget", None, None, None, None, v("budget-type", "annual"),
         Decimal("20000000.0"), cur + "NOK", None),
        (NOR, XN, "budget", None, None, None, None, v("budget-type", "overall"),
         None, None, v("data-availability", "no-data-available")),
    )


def test_instrument_mix_counts_instruments_not_types(land) -> None:
    got = [r for r in rows(land, "instrument-mix") if r[0] != BEL]
    assert got == expect(
        (DNK, SUB_A, 0, 0, False),
        (DNK, UMBRELLA, 0, 0, False),  # a designation label is neither kind
        (NOR, XN_BROAD, 0, 0, False),
        (NOR, XN, 2, 1, True),  # two funding-collaboration instruments, one networking
    )


def test_timeline_every_country_rows_without_a_year_last(land) -> None:
    from clustergraph.catalog import saved_query
    from clustergraph.query import run

    result = run(saved_query("timeline"), {}, kg=land)
    countries = [r[0].value for r in result.rows]
    assert countries == sorted(countries)
    for c in set(countries):
        years = [r[1] for r in result.rows if r[0].value == c]
        assert years == [y for y in years if y is not None] + [y for y in years if y is None]
    assert [(r[1] and r[1].value, r[2].value, r[3].value)
            for r in result.rows if r[0].value != BEL] == [
        ("2020", "start", UMBRELLA),
        ("2014-06-01", "start", XN), ("2021", "start", XN_BROAD), ("2027", "end", XN_BROAD)]


def test_policies_active_in_year_across_countries(land) -> None:
    """Every country's policies active in the year; a start given as a date (Norway's
    2014-06-01) counts as its year (it was left out: xsd:integer("2014-06-01") fails)."""
    unlimited, limited = v("period-type", "unlimited"), v("period-type", "limited")
    assert rows(land, "policies-active-in-year") == expect(
        (BEL, "2023", WALLONIA, "2005", None, unlimited),
        (BEL, "2023", idr("policy", "be-wallonia-business-clusters"), "2007", None, None),
        (BEL, "2023", FLANDERS, "2016", None, limited),
        (DNK, "2023", UMBRELLA, "2020", None, unlimited),
        (NOR, "2023", XN, "2014-06-01", None, unlimited),
        (NOR, "2023", XN_BROAD, "2021", "2027", limited),
    )
    assert rows(land, "policies-active-in-year", country="country:NOR", year="2014") == [
        (NOR, "2014", XN, "2014-06-01", None, unlimited)]
    assert rows(land, "policies-active-in-year", country="country:NOR", year="2013") == []


def test_ending_by_year_across_countries(land) -> None:
    spearhead = (BEL, "2030", idr("strand", "be-flanders-spearhead-clusters"),
                 "https://w3id.org/clustergraph/ontology#PolicyStrand", FLANDERS, "2026",
                 v("period-type", "limited"))
    broad = (NOR, "2030", XN_BROAD, "https://w3id.org/clustergraph/ontology#ClusterPolicy",
             None, "2027", v("period-type", "limited"))
    assert rows(land, "ending-by-year", year="2030") == expect(spearhead, broad)
    assert rows(land, "ending-by-year", year="2026") == [spearhead[:1] + ("2026",)
                                                         + spearhead[2:]]


def test_objectives_compared_top_level_policies_per_country(land) -> None:
    """Denmark's sub-programme is not counted: its umbrella is its one policy, so the
    objective is shared by all and names no sole policy (that needs two or more)."""
    got = [r for r in rows(land, "objectives-compared") if r[0] != BEL]
    assert got == [(DNK, v("objective", "internationalisation"), "OBJ03", 1, 1,
                    "shared by all", None)]
    assert {r[0] for r in rows(land, "objectives-compared")} == {BEL, DNK}


def test_data_gaps_across_countries(land) -> None:
    cg = "https://w3id.org/clustergraph/ontology#"
    missing = {
        SUB_A: ["alignedWith", "hasAuthorityRole", "hasBeneficiaryType", "hasBudget",
                "hasEvaluation", "hasFocus", "hasFundingSource", "hasInstrument",
                "hasObjective", "legalBasis"],
        UMBRELLA: ["legalBasis"],
        idr("policy", "test-dk-umbrella-evaluation"): ["frequency", "hasResult"],
        XN: ["alignedWith", "hasEvaluation", "hasFocus", "hasFundingSource", "hasObjective",
             "legalBasis"],
        XN_BROAD: ["alignedWith", "hasAuthorityRole", "hasBudget", "hasEvaluation",
                   "hasFocus", "hasFundingSource", "hasInstrument", "hasObjective",
                   "legalBasis"],
    }
    want = [(DNK if node.startswith(idr("policy", "test-dk")) else NOR, "missing", node,
             cg + aspect, None) for node, aspects in missing.items() for aspect in aspects]
    want.append((DNK, "missing", SUB_A, "http://purl.org/dc/terms/temporal", None))
    want.append((NOR, "reported not available", idr("policy", "test-xn-clusters-budget-overall"),
                 v("data-availability", "no-data-available"), None))
    assert [r for r in rows(land, "data-gaps") if r[0] != BEL] == expect(*want)
    assert rows(land, "data-gaps", country="country:NOR") == expect(
        *[w for w in want if w[0] == NOR])


def test_ecosystem_coverage_covers_countries_with_a_factsheet(land) -> None:
    got = rows(land, "ecosystem-coverage")
    assert sorted({r[0] for r in got}) == [BEL, DNK, NOR]
    assert len(got) == 3 * 14


def test_every_saved_query_runs_without_parameters_on_the_landscape(land) -> None:
    from clustergraph.catalog import saved_queries
    from clustergraph.query import run

    for q in saved_queries():
        result = run(q, {}, kg=land)
        assert len(set(result.rows)) == len(result.rows), f"{q.name}: a duplicated row"
        if "country" in result.variables and q.name != "resource-description":
            k = result.variables.index("country")
            seen = {r[k].value for r in result.rows if r[k] is not None}
            assert seen, f"{q.name}: no country in its rows"
