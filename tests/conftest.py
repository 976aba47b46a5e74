"""Shared fixtures. Tests never touch the network and never write into the repository
(they use ``tmp_path``)."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from clustergraph.store import KnowledgeGraph, load

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """Everything shipped, loaded once (read-only: do not modify it in a test)."""
    return load()


@pytest.fixture(scope="session")
def kg_be() -> KnowledgeGraph:
    """Belgium's folder and the shared EU layer only (read-only): the answers about Belgium
    that the saved-query tests pin down, without the other bundled countries' rows."""
    from clustergraph.resources import bundle_root

    data = bundle_root() / "data"
    return load(extra_files=sorted([*data.glob("be/*.ttl"), *data.glob("eu/*.ttl")]))


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def select(kg: KnowledgeGraph, query: str, **bindings) -> list[tuple]:
    """Run a SELECT over the union of all graphs; rows as tuples of plain Python values
    (IRIs and literals as their lexical strings, integers as int), in result order."""
    import pyoxigraph as ox

    from clustergraph.namespaces import sparql_prefixes

    if bindings:  # a VALUES block opening the WHERE clause; Oxigraph serialises the terms
        names = " ".join(f"?{k}" for k in bindings)
        terms = " ".join(str(v) for v in bindings.values())
        head, sep, body = query.partition("WHERE {")
        assert sep, "select() with bindings needs a 'WHERE {' clause"
        query = f"{head}WHERE {{ VALUES ({names}) {{ ({terms}) }} {body}"
    res = kg.store.query(sparql_prefixes() + query, use_default_graph_as_union=True)
    names = [v.value for v in res.variables]
    rows = []
    for sol in res:
        row = []
        for n in names:
            t = sol[n]
            if t is None:
                row.append(None)
            elif isinstance(t, ox.Literal) and t.datatype.value.endswith("#integer"):
                row.append(int(t.value))
            else:
                row.append(t.value)
        rows.append(tuple(row))
    return rows


# In CI (CI=true) a skipped test fails the run: a test that needs a real server (a triple
# store, a browser) must run there. Expected failures (xfail) are not skips.
_skipped_in_ci: list[str] = []


def pytest_runtest_logreport(report) -> None:  # noqa: ANN001
    import os

    if (os.environ.get("CI") == "true" and report.skipped
            and not hasattr(report, "wasxfail")):
        reason = report.longrepr[-1] if isinstance(report.longrepr, tuple) else report.longrepr
        _skipped_in_ci.append(f"{report.nodeid}: {reason}")


_uncollected: list[str] = []


def pytest_collection_finish(session) -> None:  # noqa: ANN001
    """A run of the whole suite collects every tests/**/test_*.py (pytest's default
    norecursedirs once left out tests/build unnoticed): a file it did not is a failed run."""
    from pathlib import Path

    here = Path(__file__).parent.resolve()
    if [Path(a).resolve() for a in session.config.args] != [here]:
        return  # a chosen part of the suite
    collected = {Path(str(item.path)).resolve() for item in session.items}
    deselected = session.config.getoption("-k") or session.config.getoption("-m")
    if deselected:
        return
    _uncollected.extend(str(f.relative_to(here)) for f in sorted(here.rglob("test_*.py"))
                        if f not in collected and "fixtures" not in f.parts
                        and "w3c" not in f.parts)


def pytest_sessionfinish(session, exitstatus) -> None:  # noqa: ANN001
    _fail_listing(session, _uncollected, "these test files were not collected, which fails "
                  "the run:")
    _fail_listing(session, _skipped_in_ci, "CI=true: these tests were skipped, which fails "
                  "the run in CI:")


def _fail_listing(session, lines: list[str], header: str) -> None:  # noqa: ANN001
    """Fail the run (if it passed) with ``header`` and ``lines`` on stderr, when any."""
    if not lines:
        return
    import sys

    print(f"\n{header}", file=sys.stderr)
    for line in lines:
        print(f"  {line}", file=sys.stderr)
    if session.exitstatus == 0:
        session.exitstatus = 1
