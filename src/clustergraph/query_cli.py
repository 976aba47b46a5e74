"""``clustergraph query``: list, show and run the saved SPARQL queries (and ad-hoc ones).

Registered on the main group in :mod:`clustergraph.cli`; its errors reach the main group,
which prints them as one line with their exit code. Heavy work is imported inside the
commands: ``query run`` loads pyoxigraph only (no rdflib, no pySHACL).
"""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.group("query")
def query() -> None:
    """List, show and run the saved SPARQL queries (the analyst questions in queries/).

    \b
    Example:
      clustergraph query list
      clustergraph query show policy-overview
      clustergraph query run policies-active-in-year --param year=2020
    """


@query.command("list")
def list_() -> None:
    """List the saved queries: name, summary and parameters.

    \b
    Example:
      clustergraph query list
    """
    from .catalog import saved_queries

    queries = saved_queries()
    width = max((len(q.name) for q in queries), default=0)
    for q in queries:
        click.echo(f"{q.name:<{width}}  {q.summary}")
        for p in q.params:
            click.echo(f"{'':<{width}}    --param {p.describe()}")


@query.command("show")
@click.argument("name")
def show(name: str) -> None:
    """Show a saved query: its header (summary, description, parameters) and its text.

    \b
    Example:
      clustergraph query show eu-priority-alignment
    """
    click.echo(_saved(name).text, nl=False)


def _parse_params(values: tuple[str, ...]) -> dict[str, str]:
    from .errors import UsageError

    out: dict[str, str] = {}
    for item in values:
        name, eq, value = item.partition("=")
        if not eq or not name.strip():
            raise UsageError(f"--param {item!r} must be NAME=VALUE")
        if name.strip() in out:
            raise UsageError(f"parameter {name.strip()!r} is given twice")
        out[name.strip()] = value
    return out


def _stdin_query() -> object:
    """``--file -``: the query text from standard input (UTF-8), named ``-`` in messages."""
    from .catalog import parse_query
    from .errors import InputError

    data = sys.stdin.buffer.read()
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise InputError(f"-: standard input is not valid UTF-8 (byte {exc.start})") from None
    if not text.strip():
        raise InputError("-: standard input is empty (no query)")
    return parse_query("stdin", Path("-"), text)


def _saved(name: str) -> object:
    """The saved query ``name``; a mistyped name gets the closest one."""
    from .catalog import query_files, saved_query
    from .errors import UsageError

    names = [p.stem for p in query_files()]
    if name not in names:
        import difflib

        near = difflib.get_close_matches(name, names, n=1, cutoff=0.6)
        did = f"; did you mean {near[0]!r}?" if near else ""
        raise UsageError(f"no saved query {name!r}{did} (see `clustergraph query list`: "
                         f"{', '.join(names)})")
    return saved_query(name)


@query.command("run")
@click.argument("name", required=False)
@click.option("--file", "file", type=click.Path(path_type=Path, allow_dash=True),
              metavar="FILE.rq",
              help="Run the SPARQL query in this file instead of a saved one (- reads it "
                   "from standard input).")
@click.option("--param", "-p", "params", multiple=True, metavar="NAME=VALUE",
              help="A parameter value (repeatable). IRIs as <http://...> or prefixed "
                   "(country:BEL); years as 2023.")
@click.option("--format", "-f", "fmt", default="table", show_default=True,
              type=click.Choice(["table", "csv", "tsv", "json", "markdown"]),
              help="table and markdown show labels; csv, tsv, json are the SPARQL formats.")
@click.option("--columns", metavar="LIST", default=None,
              help="Only these columns, in this order (country,policy), or all but these "
                   "(-strands,-end). Any format.")
@click.option("--labels", is_flag=True,
              help="csv, tsv, json: add a column <name>Label with the label of each IRI, "
                   "beside its column (table and markdown always show labels).")
@click.option("--width", type=click.IntRange(min=0), default=None, metavar="N",
              help="Fit the table to N columns (0: no limit). Default: the terminal's "
                   "width, else $COLUMNS, else 100. Long cells wrap; nothing is cut.")
@click.option("--timeout", type=float, default=30.0, show_default=True, metavar="S",
              help="Stop (exit 5, no output) if the query runs longer than S seconds.")
@click.option("--endpoint", metavar="URL",
              help="Run on this SPARQL 1.1 endpoint instead of the bundled graph.")
@click.option("--store", "store_dir", metavar="DIR", type=click.Path(path_type=str),
              help="Run on a store built by 'clustergraph load --store DIR' (nothing is "
                   "parsed).")
def run_cmd(name: str | None, file: Path | None, params: tuple[str, ...], fmt: str,
            timeout: float, endpoint: str | None, store_dir: str | None,
            columns: str | None = None, labels: bool = False,
            width: int | None = None) -> None:
    """Run a saved query (NAME) or an ad-hoc one (--file) and print its results.

    Locally the query runs over the whole bundled graph. Queries that reach outside
    (SERVICE, LOAD, FROM) or change data are refused (exit 4); a query past --timeout
    stops with exit 5; an endpoint that fails, or answers only in part, gives exit 6.

    A table is fitted to the terminal (or --width): long cells wrap onto more lines,
    nothing is cut.

    \b
    Example:
      clustergraph query run policy-overview
      clustergraph query run policies-active-in-year --param year=2020 --format csv
      clustergraph query run --file my-question.rq --format json
      clustergraph query run policy-overview --columns country,policy,start --width 80
      clustergraph query run policy-overview --format csv --labels
      echo 'ASK { ?s ?p ?o }' | clustergraph query run --file -
      clustergraph query run policy-overview --endpoint http://127.0.0.1:7878/query
      clustergraph query run policy-overview --store landscape.db
    """
    from .catalog import load_query
    from .errors import UsageError
    from .query import run
    from .render import render, select_columns, terminal_width, with_labels

    if (name is None) == (file is None):
        raise UsageError("give either a saved query NAME or --file FILE.rq")
    if endpoint is not None and store_dir is not None:
        raise UsageError("give either --endpoint or --store, not both")
    if file is not None:
        q = _stdin_query() if str(file) == "-" else load_query(file)
    else:
        q = _saved(name or "")
    values = _parse_params(params)
    from .params import executor, precheck, resolve

    precheck(q, values)  # a bad parameter name or literal fails before the graph is loaded
    kg = _local_graph(store_dir, endpoint)
    # IRI parameters: a prefix, IRI, label or notation that names no value is exit 2
    values = resolve(q, values, executor(run, kg=kg, endpoint=endpoint, timeout=timeout))
    result = run(q, values, kg=kg, endpoint=endpoint, timeout=timeout,
                 labels=labels or fmt in ("table", "markdown"))
    if columns is not None:
        result = select_columns(result, columns)
    if labels and fmt in ("csv", "tsv", "json"):
        result = with_labels(result)
    if width is None:
        width = terminal_width(sys.stdout)
    click.echo(render(result, fmt, width), nl=False)


def _local_graph(store_dir: str | None, endpoint: str | None):  # noqa: ANN202 - KnowledgeGraph
    """The graph a command reads: the store at ``store_dir``, none when an endpoint is named
    (the endpoint answers), else the bundled graph."""
    if store_dir is not None:
        from .store import open_store

        return open_store(store_dir)
    if endpoint is None:
        from .store import load

        return load()
    return None


@query.command("values")
@click.argument("name")
@click.argument("param")
@click.option("--endpoint", metavar="URL",
              help="Look the values up on this SPARQL 1.1 endpoint instead of the bundled "
                   "graph.")
@click.option("--store", "store_dir", metavar="DIR", type=click.Path(path_type=str),
              help="Look the values up in a store built by 'clustergraph load --store DIR'.")
@click.option("--timeout", type=float, default=30.0, show_default=True, metavar="S",
              help="Stop (exit 5) if the look-up runs longer than S seconds.")
def values_cmd(name: str, param: str, endpoint: str | None, store_dir: str | None,
               timeout: float) -> None:
    """List the values a parameter of a saved query takes, with their labels and the
    codes (notations) that --param also accepts.

    The values are the parameter's declared set, or the values its column takes when the
    query runs without it. A label or code given to --param must name one of them.

    \b
    Example:
      clustergraph query values beneficiaries beneficiary
      clustergraph query values policy-overview country
    """
    from .catalog import display_term
    from .errors import UsageError
    from .params import executor, parameter_values
    from .query import run

    if endpoint is not None and store_dir is not None:
        raise UsageError("give either --endpoint or --store, not both")
    q = _saved(name)
    p = q.param(param)
    if p.type != "iri":
        raise UsageError(f"parameter {p.name!r} of {q.name!r} takes any {p.type} value "
                         f"({p.describe()}); only IRI parameters have a list of values")
    kg = _local_graph(store_dir, endpoint)
    found = parameter_values(q, p, executor(run, kg=kg, endpoint=endpoint, timeout=timeout))
    if found is None:
        raise UsageError(f"parameter {p.name!r} of {q.name!r} takes any IRI of the graph "
                         "(no list of values)")
    import pyoxigraph as ox

    shown = [(display_term(ox.NamedNode(v.iri)), v.label,
              ", ".join(n for n in v.names if n != v.label)) for v in found]
    width = max((len(s[0]) for s in shown), default=0)
    lw = max((len(s[1]) for s in shown), default=0)
    for term, label, codes in shown:
        click.echo(f"{term:<{width}}  {label:<{lw}}  {codes}".rstrip())
    click.echo(f"({len(shown)} value{'s' if len(shown) != 1 else ''} of {p.name!r})")
