"""The W3C RDF 1.1 Turtle and TriG test suites (vendored in ``tests/w3c/rdf-tests``) through
clustergraph's own path (issue 11, items 6 and 7).

- Every positive evaluation test is loaded into the store, in memory (``load``) and
  persisted (``clustergraph load --store``), then exported in every format (library
  ``build`` + ``serialize`` in memory, ``clustergraph export --store`` for the store); the
  export, without its DCAT-AP record, must be the expected N-Triples / N-Quads: the same
  RDF terms (isomorphism with exact lexical forms, datatypes and language tags), the data's
  default graph being clustergraph's data graph of the file's folder.
- Every positive syntax test loads both ways and exports (Turtle and N-Quads) to what
  Oxigraph's parser reads from the input itself.
- Every negative syntax test is refused by ``info FILE`` (in memory) and ``load --store``
  with exit 3 and a one-line message naming the file, line and column, and leaves no store.

Deviations are strict xfails with their reason (:data:`DEVIATIONS`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyoxigraph as ox
import pytest
from click.testing import CliRunner

from clustergraph import export as ex
from clustergraph.cli import main
from clustergraph.errors import ClustergraphError, InputError
from clustergraph.resources import GRAPH_BASE
from clustergraph.store import build_store, load, open_store

SUITES_DIR = Path(__file__).parent / "w3c" / "rdf-tests"
SUITES = {"turtle": "rdf-turtle", "trig": "rdf-trig"}
MF = "http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#"
RDFT = "http://www.w3.org/ns/rdftest#"
BASE = "https://w3c.github.io/rdf-tests/rdf/rdf11/{}/"
OX_FORMAT = {"turtle": ox.RdfFormat.TURTLE, "nt": ox.RdfFormat.N_TRIPLES,
             "jsonld": ox.RdfFormat.JSON_LD, "trig": ox.RdfFormat.TRIG,
             "xml": ox.RdfFormat.RDF_XML, "nquads": ox.RdfFormat.N_QUADS}
CATALOG = ox.NamedNode(ex.CATALOG_GRAPH)
#: Stands for "graphs named by blank nodes": one case of a shared store may have them (their
#: labels are the export's, so they are told apart from other cases' by being the only ones).
BLANK = "blank node"

NO_TRIPLES = ("clustergraph refuses a data file that holds no triple (exit 3, 'the file "
              "contains no triples'): on purpose, an empty data file is a curator's mistake")
#: Known deviations: (suite, test name, format or "*") -> reason. Each is a strict xfail.
DEVIATIONS: dict[tuple[str, str, str], str] = {
    **{("turtle", name, "*"): NO_TRIPLES for name in (
        "turtle-syntax-base-01", "turtle-syntax-base-02", "turtle-syntax-file-01",
        "turtle-syntax-file-02", "turtle-syntax-file-03", "turtle-syntax-prefix-01",
        "turtle-syntax-prefix-02")},
    **{("trig", name, "*"): NO_TRIPLES for name in (
        "trig-kw-graph-03", "trig-kw-graph-10", "trig-syntax-base-01", "trig-syntax-base-02",
        "trig-syntax-file-01", "trig-syntax-file-02", "trig-syntax-file-03",
        "trig-syntax-prefix-01", "trig-syntax-prefix-02")},
    ("trig", "trig-syntax-minimal-whitespace-01", "nquads"): (
        "_:s names a graph and is also a subject in another graph: export names a graph "
        "named by a blank node from its content, a label of its own, so the link between "
        "the two uses of _:s is lost (clustergraph.canonical, known limit)"),
}


@dataclass(frozen=True)
class Case:
    suite: str
    name: str
    kind: str  # Eval, PositiveSyntax, NegativeSyntax
    action: Path
    result: Path | None

    @property
    def folder(self) -> str:
        return SUITES[self.suite]


@cache
def cases(suite: str) -> tuple[Case, ...]:
    folder = SUITES_DIR / SUITES[suite]
    base = BASE.format(SUITES[suite])
    store = ox.Store()
    store.load(path=folder / "manifest.ttl", format=ox.RdfFormat.TURTLE,
               base_iri=base + "manifest.ttl")
    rows = store.query(f"""
        PREFIX mf: <{MF}> PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        SELECT ?type ?name ?action ?result WHERE {{
          ?m mf:entries/rdf:rest*/rdf:first ?t .
          ?t rdf:type ?type ; mf:name ?name ; mf:action ?action .
          OPTIONAL {{ ?t mf:result ?result }}
        }}""")
    out = []
    for row in rows:
        kind = row["type"].value.removeprefix(RDFT).removeprefix("TestTurtle")
        kind = kind.removeprefix("TestTrig")
        result = row["result"]
        out.append(Case(suite, row["name"].value, kind,
                        folder / row["action"].value.removeprefix(base),
                        folder / result.value.removeprefix(base) if result else None))
    return tuple(sorted(out, key=lambda c: c.name))


def params(kinds: tuple[str, ...], formats: tuple[str, ...] | None = None) -> list:
    """The cases of these kinds (times the formats), each deviation a strict xfail."""
    out = []
    for suite in SUITES:
        for case in cases(suite):
            if case.kind not in kinds:
                continue
            for fmt in formats or ("-",):
                reason = (DEVIATIONS.get((suite, case.name, fmt))
                          or DEVIATIONS.get((suite, case.name, "*")))
                marks = [pytest.mark.xfail(strict=True, reason=reason)] if reason else []
                ident = f"{suite}-{case.name}" + (f"-{fmt}" if formats else "")
                out.append(pytest.param(case, fmt, id=ident, marks=marks))
    return out


def test_the_suites_are_complete():
    """The manifests list what their READMEs say (so no test can vanish unnoticed)."""
    counts = {suite: {} for suite in SUITES}
    for suite in SUITES:
        for case in cases(suite):
            counts[suite][case.kind] = counts[suite].get(case.kind, 0) + 1
            assert case.action.is_file(), case.action
            assert case.result is None or case.result.is_file(), case.result
    assert counts == {
        "turtle": {"Eval": 145, "NegativeSyntax": 94, "PositiveSyntax": 74},
        "trig": {"Eval": 143, "NegativeSyntax": 115, "PositiveSyntax": 98},
    }


# --------------------------------------------------------------------------------------------
# Loading each case once per path
# --------------------------------------------------------------------------------------------


def _relocate(term, local: str, base: str):
    """A term of an export with the file's own IRI base (clustergraph resolves relative
    IRIs against the file's path) put back on the suite's assumed base."""
    if isinstance(term, ox.NamedNode) and term.value.startswith(local):
        return ox.NamedNode(base + term.value[len(local):])
    return term


def exported(case: Case, data: bytes, fmt: str, where: Path | None = None,
             graphs: frozenset | None = None) -> ox.Dataset:
    """The export's quads without its DCAT-AP record, on the suite's base, with the data
    graph of the file's folder (``where``, the case's own folder by default) as the default
    graph; ``graphs``: only the quads of these graphs (the case's, in a shared store)."""
    where = where or case.action.parent
    local = where.resolve().as_uri() + "/"
    base = BASE.format(case.folder)
    quads = list(ox.parse(data, format=OX_FORMAT[fmt]))
    data_graph = ox.NamedNode(f"{GRAPH_BASE}data/{where.name}")
    if ex.FORMATS[fmt].quads:
        quads = [q for q in quads if q.graph_name != CATALOG
                 and (graphs is None or q.graph_name == data_graph or q.graph_name in graphs
                      or (BLANK in graphs and isinstance(q.graph_name, ox.BlankNode)))]
    else:  # the triple formats hold the union: take the record's triples out
        record = catalog_triples(case)
        quads = [q for q in quads if q.triple not in record]
    out = ox.Dataset()
    for q in quads:
        g = q.graph_name
        g = ox.DefaultGraph() if g == data_graph else _relocate(g, local, base)
        out.add(ox.Quad(_relocate(q.subject, local, base), _relocate(q.predicate, local, base),
                        _relocate(q.object, local, base), g))
    return out


def expected(case: Case, fmt: str) -> ox.Dataset:
    path = case.result if case.kind == "Eval" else case.action
    fmt_in = ox.RdfFormat.from_extension(path.suffix.lstrip("."))
    quads = ox.parse(path=path, format=fmt_in, base_iri=BASE.format(case.folder) + path.name)
    if ex.FORMATS[fmt].quads:
        return ox.Dataset(quads)
    # a triple format holds the union of the graphs
    return ox.Dataset({ox.Quad(q.subject, q.predicate, q.object) for q in quads})


def same(got: ox.Dataset, want: ox.Dataset) -> bool:
    got.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    want.canonicalize(ox.CanonicalizationAlgorithm.RDFC_1_0)
    return got == want


@cache
def catalog_triples(case: Case) -> frozenset:
    nq = in_memory(case)["nquads"]
    return frozenset(q.triple for q in ox.parse(nq, format=ox.RdfFormat.N_QUADS)
                     if q.graph_name == CATALOG)


@cache
def named_graphs(case: Case) -> frozenset:
    """The named graphs of a case's input (TriG), as the store names them."""
    local = case.action.parent.resolve().as_uri() + "/"
    return frozenset(q.graph_name for q in ox.parse(path=case.action, base_iri=local +
                                                    case.action.name)
                     if not isinstance(q.graph_name, ox.DefaultGraph))


def _groups(suite: str) -> list[list[Case]]:
    """The suite's loadable evaluation cases, spread over as few stores as it takes for no
    two cases of one store to share a graph name (TriG cases mostly use the same one)."""
    groups: list[tuple[set, list[Case]]] = []
    for c in cases(suite):
        if c.kind != "Eval" or not loads(c):
            continue
        names = {BLANK if isinstance(g, ox.BlankNode) else g for g in named_graphs(c)}
        for used, members in groups:
            if not used & names:
                used |= names
                members.append(c)
                break
        else:
            groups.append((names, [c]))
    return [members for _, members in groups]


def loads(case: Case) -> bool:
    """Whether the case loads at all (a file without triples is refused: see DEVIATIONS)."""
    try:
        load(layers=("data",), extra_files=[case.action])
    except ClustergraphError:
        return False
    return True


@pytest.fixture(scope="module")
def stores(tmp_path_factory) -> dict[Case, tuple[Path, dict[str, bytes]]]:
    """Every evaluation case through a persisted store: each case copied into a folder of
    its own (so into a data graph of its own), the cases of one group loaded into one store
    (a store costs about 0.3 s to build, so one per case would take minutes), exported in
    every format. The first Turtle group goes through the command line (``clustergraph load
    --store`` then ``clustergraph export --store --output -``); the others through the same
    library calls (``build_store``, ``open_store``, ``build``, ``serialize``), built four at
    a time."""
    import shutil
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("w3c-stores")
    plan = []
    for suite in SUITES:
        for k, members in enumerate(_groups(suite)):
            folders = {}
            for i, c in enumerate(members):
                folder = root / f"{suite}-{k:03d}" / f"t{i:03d}"
                folder.mkdir(parents=True)
                shutil.copy(c.action, folder / c.action.name)
                folders[c] = folder
            plan.append((root / f"{suite}-{k:03d}.store", folders))
    out: dict[Case, tuple[Path, dict[str, bytes]]] = {}

    store, folders = plan[0]
    runner = CliRunner()
    res = runner.invoke(main, ["load", "--store", str(store), "--layers", "data",
                               *(str(f / c.action.name) for c, f in folders.items())])
    assert res.exit_code == 0, res.output
    exports = {}
    for fmt in ex.FORMATS:
        res = runner.invoke(main, ["export", "--store", str(store), "--format", fmt,
                                   "--output", "-"])
        assert res.exit_code == 0, (fmt, res.output)
        exports[fmt] = res.stdout_bytes
    out.update((c, (f, exports)) for c, f in folders.items())

    def build_one(item):
        store, folders = item
        build_store(store, ("data",), [f / c.action.name for c, f in folders.items()])
        return item

    with ThreadPoolExecutor(4) as pool:
        built = list(pool.map(build_one, plan[1:]))
    for store, folders in built:
        graphs, _ = ex.build(open_store(store), layers=("data",))
        exports = {}
        for fmt in ex.FORMATS:
            try:
                exports[fmt] = ex.serialize(graphs, fmt)
            except ClustergraphError as exc:
                exports[fmt] = exc
        out.update((c, (f, exports)) for c, f in folders.items())
    return out


@cache
def in_memory(case: Case) -> dict[str, bytes | ClustergraphError]:
    """Each format's export of the case loaded in memory (``load`` + ``build``), or the
    error the format's serialiser refuses it with."""
    kg = load(layers=("data",), extra_files=[case.action])
    graphs, _ = ex.build(kg, layers=("data",))
    out = {}
    for fmt in ex.FORMATS:
        try:
            out[fmt] = ex.serialize(graphs, fmt)
        except ClustergraphError as exc:
            out[fmt] = exc
    return out


def data(exports: dict, fmt: str) -> bytes:
    value = exports[fmt]
    if isinstance(value, Exception):
        raise value
    return value


# --------------------------------------------------------------------------------------------
# The tests
# --------------------------------------------------------------------------------------------

ALL_FORMATS = tuple(ex.FORMATS)
QUAD_FORMATS = tuple(f for f in ex.FORMATS if ex.FORMATS[f].quads)


@pytest.mark.parametrize(("case", "fmt"), params(("Eval",), ALL_FORMATS))
def test_eval_round_trips_in_memory(case: Case, fmt: str):
    assert same(exported(case, data(in_memory(case), fmt), fmt), expected(case, fmt))


@pytest.mark.parametrize(("case", "fmt"), params(("Eval",), ALL_FORMATS))
def test_eval_round_trips_through_a_store(case: Case, fmt: str, stores):
    folder, exports = stores[case]
    local = case.action.parent.resolve().as_uri() + "/"
    mine = frozenset(BLANK if isinstance(g, ox.BlankNode)
                     else ox.NamedNode(folder.resolve().as_uri() + "/" + g.value[len(local):])
                     if g.value.startswith(local) else g
                     for g in named_graphs(case))
    if ex.FORMATS[fmt].quads:
        got = exported(case, data(exports, fmt), fmt, where=folder, graphs=mine)
        assert same(got, expected(case, fmt))
    else:
        # The triple formats hold the union of the store's graphs, so of many cases: they
        # must hold exactly the triples of its N-Quads export (checked case by case).
        union = {q.triple for q in ox.parse(data(exports, "nquads"),
                                            format=ox.RdfFormat.N_QUADS)}
        got = {t.triple for t in ox.parse(data(exports, fmt), format=OX_FORMAT[fmt])}
        assert got == union


@pytest.mark.parametrize(("case", "fmt"), params(("PositiveSyntax",), ("turtle", "nquads")))
def test_positive_syntax_loads_and_round_trips(case: Case, fmt: str):
    assert same(exported(case, data(in_memory(case), fmt), fmt), expected(case, fmt))


ONE_LINE = re.compile(r"clustergraph: error: (?P<file>[^\n]+?), line (?P<line>\d+), "
                      r"column (?P<column>\d+): [^\n]+\n")


@pytest.fixture(scope="module")
def store_refusals(tmp_path_factory) -> dict[Case, tuple[Path, BaseException | None]]:
    """``build_store`` on every negative syntax case (four at a time: a refused build still
    opens a database first), with what it raised."""
    from concurrent.futures import ThreadPoolExecutor

    root = tmp_path_factory.mktemp("w3c-refusals")
    todo = [c for suite in SUITES for c in cases(suite) if c.kind == "NegativeSyntax"]

    def one(item):
        i, case = item
        folder = root / f"c{i:03d}"
        folder.mkdir()
        try:
            build_store(folder / "store", ("data",), [case.action])
        except BaseException as exc:  # noqa: BLE001 - the test looks at it
            return case, (folder, exc)
        return case, (folder, None)

    with ThreadPoolExecutor(4) as pool:
        return dict(pool.map(one, enumerate(todo)))


@pytest.mark.parametrize(("case", "fmt"), params(("NegativeSyntax",)))
def test_negative_syntax_is_refused_with_file_line_and_column(case: Case, fmt: str,
                                                              store_refusals):
    # in memory, through the command line
    res = CliRunner().invoke(main, ["info", str(case.action)])
    assert res.exit_code == 3, res.output
    m = ONE_LINE.fullmatch(res.stderr)
    assert m, res.stderr
    assert m["file"] == str(case.action)
    assert res.stdout == ""
    # into a persisted store: the same refusal, and nothing left behind
    folder, exc = store_refusals[case]
    assert isinstance(exc, InputError), exc
    assert exc.exit_code == 3
    assert ONE_LINE.fullmatch(f"clustergraph: error: {exc}\n")
    assert str(exc) == m.group(0).removeprefix("clustergraph: error: ").rstrip("\n")
    assert [p.name for p in folder.iterdir()] == []


@pytest.mark.parametrize("suite", list(SUITES))
def test_negative_syntax_through_load_store_on_the_command_line(suite: str, tmp_path):
    """``clustergraph load --store`` itself (the cases above go through ``build_store``):
    exit 3, one line, no store and no build folder left."""
    case = next(c for c in cases(suite) if c.kind == "NegativeSyntax")
    res = CliRunner().invoke(main, ["load", "--store", str(tmp_path / "store"),
                                    str(case.action)])
    assert res.exit_code == 3, res.output
    assert ONE_LINE.fullmatch(res.stderr), res.stderr
    assert list(tmp_path.iterdir()) == []
