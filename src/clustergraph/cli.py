"""The ``clustergraph`` command line: a thin click layer over the library.

Commands only parse options, call the library, render and pick the exit code. Errors a user
can cause arrive as :class:`clustergraph.errors.ClustergraphError` and are printed here as
one line, ``clustergraph: error: ...``, with the exit code the exception carries (the table
is in :mod:`clustergraph.errors` and in the README). Heavy imports (rdflib, pySHACL, owlrl)
happen inside the commands that need them, never at start-up.
"""

from __future__ import annotations

import contextlib
import logging
import sys
import warnings
from collections.abc import Iterator
from typing import Any

import click

from . import __version__
from .errors import ClustergraphError, ExitCode

CONTEXT_SETTINGS = {"help_option_names": ["-h", "--help"], "max_content_width": 100}


class _OneLine(logging.Handler):
    """What a library logs (rdflib, pySHACL), as ``clustergraph: warning: <first line>``
    on stderr: no traceback, no multi-line dump. rdflib's note that it could not convert an
    ill-typed literal (``"abc"^^xsd:integer``) is left out: validation reports the value."""

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "rdflib.term" and record.levelno < logging.ERROR:
            return
        _warn_line(record.getMessage())


def _warn_line(message: object) -> None:
    from .errors import clean

    lines = str(message).strip().splitlines() or [""]
    first = lines[0].removeprefix("Warning, ").strip()
    click.echo(f"clustergraph: warning: {clean(first)}", err=True)


@contextlib.contextmanager
def _one_line_library_messages() -> Iterator[None]:
    """Library warnings (``warnings.warn``, e.g. pySHACL's recursive-shape warning) and log
    records reach the user as one line each, while a command runs."""
    previous = logging.lastResort
    logging.lastResort = _OneLine(logging.WARNING)
    with warnings.catch_warnings():
        warnings.showwarning = lambda message, *_args, **_kw: _warn_line(message)
        try:
            yield
        finally:
            logging.lastResort = previous


class Group(click.Group):
    """A click group that turns project errors into one line and an exit code: a
    :class:`ClustergraphError` its own code, Ctrl-C 130, anything else 10 (a bug: the
    traceback, then one line). Never 1, which means that validation failed."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            with _one_line_library_messages():
                return super().invoke(ctx)
        except ClustergraphError as exc:
            click.echo(f"clustergraph: error: {exc.message}", err=True)
            ctx.exit(int(exc.exit_code))
        except BrokenPipeError:  # `clustergraph ... | head`
            sys.stderr.close()
            ctx.exit(int(ExitCode.OK))
        except KeyboardInterrupt:
            click.echo("clustergraph: interrupted", err=True)
            ctx.exit(int(ExitCode.INTERRUPTED))
        except (click.exceptions.ClickException, click.exceptions.Exit,
                click.exceptions.Abort):
            raise
        except Exception as exc:
            import traceback

            from .errors import clean

            traceback.print_exc(file=sys.stderr)
            click.echo(f"clustergraph: internal error: {type(exc).__name__}: {clean(exc)} "
                       "(a bug in clustergraph; please report it with the traceback above)",
                       err=True)
            ctx.exit(int(ExitCode.INTERNAL))


@click.group(cls=Group, context_settings=CONTEXT_SETTINGS)
@click.version_option(__version__, "--version", prog_name="clustergraph")
def main() -> None:
    """clustergraph: the European cluster-policy landscape as a knowledge graph.

    It loads the ECCP country factsheets, encoded as RDF (an OWL ontology, SKOS
    vocabularies, EU reference data and one folder of data per country), checks them
    with SHACL, answers saved SPARQL questions and exports the graph for data portals.

    \b
    Example:
      clustergraph info
      clustergraph validate
      clustergraph query run policy-overview
      clustergraph export --format turtle --output clustergraph.ttl
    """


def _add_query_commands() -> None:
    """``clustergraph query list|show|run`` (saved SPARQL queries) live in query_cli."""
    from .query_cli import query

    main.add_command(query)


_add_query_commands()

from .publish.cli import publish_command  # noqa: E402  (clustergraph publish)

main.add_command(publish_command)


def layers_option(default: str = "all") -> Any:
    """The shared ``--layers`` option: a comma-separated subset of the graph's layers."""
    from .resources import LAYERS

    def parse(_ctx: click.Context, _param: click.Parameter, value: str) -> tuple[str, ...]:
        if value in ("", "all"):
            return LAYERS
        chosen = tuple(v.strip() for v in value.split(",") if v.strip())
        for layer in chosen:
            if layer not in LAYERS:
                raise click.BadParameter(
                    f"unknown layer {layer!r} (choose from {', '.join(LAYERS)}, or all)"
                )
        return chosen

    return click.option(
        "--layers",
        default=default,
        show_default=True,
        callback=parse,
        metavar="LIST",
        help="Comma-separated layers: ontology, vocabularies, reference, data, queries.",
    )


def input_format_option() -> Any:
    """The shared ``--input-format NAME`` option: the RDF format of the files read (FILES and
    --shapes), for ``-`` and for names without an RDF extension (see clustergraph.formats)."""
    return click.option(
        "--input-format", "-i", "input_format", metavar="NAME", default=None,
        help="RDF format of FILES (and --shapes) when the file name does not tell it, e.g. "
             "for - (standard input): turtle, nt, nquads, trig, jsonld, xml or an alias "
             "(ttl, ntriples, n-quads, json-ld, rdfxml, owl, ...). Refused if it disagrees "
             "with an extension.")


def _user_inputs(files: tuple[str, ...], input_format: str | None,
                 shapes: tuple[str, ...] = ()) -> Any:
    """The context in which FILES (and shapes) are read with ``--input-format``; ``-``
    (standard input) accepted once."""
    from .rdfin import refuse_repeated_stdin, user_formats

    refuse_repeated_stdin(files, shapes)
    return user_formats((*files, *shapes), input_format)


@main.command()
@layers_option()
@click.option("--store", "store_dir", metavar="DIR", default=None,
              type=click.Path(path_type=str),
              help="Read a store built by 'clustergraph load --store DIR' (nothing is parsed).")
@input_format_option()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=str))
def info(layers: tuple[str, ...], files: tuple[str, ...], store_dir: str | None = None,
         input_format: str | None = None) -> None:
    """Show what the graph holds: triples per layer, classes, concept schemes.

    With FILES, those data files are loaded instead of the shipped data (with the
    shipped ontology, vocabularies and reference data). A file's format comes from its
    extension (.ttl .nt .nq .trig .jsonld .rdf .owl, each optionally .gz); - reads standard
    input, in the format given by --input-format.

    \b
    Example:
      clustergraph info
      clustergraph info data/be/policies.ttl
      gunzip -c fr.nt.gz | clustergraph info - --input-format nt
      clustergraph info --store landscape.db
    """
    from .info import summarize
    from .store import load

    with _user_inputs(files, input_format):
        kg = (_open_store_option(store_dir, files) if store_dir
              else load(layers, extra_files=files))
    s = summarize(kg)
    click.echo(f"clustergraph {__version__}: {s.triples} triples")
    click.echo("")
    click.echo("Triples per layer")
    for layer, n in s.layers.items():
        click.echo(f"  {layer:<14} {n:>8}")
    click.echo("")
    click.echo("Instances per class")
    width = max((len(c) for c, _ in s.classes), default=0)
    for cls, n in s.classes:
        click.echo(f"  {cls:<{width}} {n:>6}")
    click.echo("")
    click.echo("Concept schemes (concepts)")
    width = max((len(c) for c, _, _ in s.schemes), default=0)
    for scheme, label, n in s.schemes:
        click.echo(f"  {scheme:<{width}} {n:>4}  {label}")


EXPORT_FORMATS = ("turtle", "nt", "jsonld", "trig", "xml", "nquads")  # = formats.FORMATS


def store_option() -> Any:
    """The shared ``--store DIR`` option: read a persistent store instead of parsing."""
    return click.option(
        "--store", "store_dir", metavar="DIR", default=None, type=click.Path(path_type=str),
        help="Read a store built by 'clustergraph load --store DIR' (nothing is parsed).")


@main.command("validate")
@click.option("--inference", type=click.Choice(("none", "rdfs", "owlrl")), default="none",
              show_default=True,
              help="Closure computed on a copy of the data before validating; the shapes "
                   "need none.")
@click.option("--engine", type=click.Choice(("oxigraph", "pyshacl")), default=None,
              help="oxigraph: shapes compiled to SPARQL, run in bulk (default without "
                   "inference); pyshacl: the reference implementation (needed for "
                   "--inference).")
@click.option("--format", "-f", "fmt", type=click.Choice(("text", "turtle", "json")),
              default="text", show_default=True,
              help="text: grouped by country and node; turtle: the SHACL validation report.")
@click.option("--shapes", "extra_shapes", multiple=True, metavar="FILE",
              type=click.Path(dir_okay=True, path_type=str),
              help="More SHACL shapes, used with the bundled ones (repeatable).")
@click.option("--country", metavar="CODE", default=None,
              help="Validate only this country's data folder (e.g. be), against the rest "
                   "of the graph: the nodes it links to elsewhere are there as context.")
@click.option("--explain-engine", is_flag=True,
              help="Print, instead of the report, which path of the oxigraph engine runs "
                   "each constraint component (compiled, or left to pySHACL, and why).")
@store_option()
@input_format_option()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=str))
def validate_command(inference: str, engine: str | None, fmt: str,
                     extra_shapes: tuple[str, ...], country: str | None,
                     explain_engine: bool, store_dir: str | None,
                     files: tuple[str, ...], input_format: str | None = None) -> None:
    """Check the graph against the SHACL shapes; exit 1 if there is a violation.

    Without FILES, the bundled graph is checked; with FILES, those data files (a new
    country) are checked with the bundled ontology, vocabularies and reference data.
    Warnings (where the source contradicts itself, or a factsheet lacks something) are
    listed but keep the exit code 0. Exit codes: 0 no violation, 1 violations, 2 usage,
    3 unreadable input, 4 shapes or data that ask for the network. FILES and --shapes may
    be - (standard input, once) and .gz files; --input-format gives their RDF format.

    \b
    Example:
      clustergraph validate
      clustergraph validate data/be/*.ttl --format json
      cat fr.ttl | clustergraph validate - --input-format turtle
      clustergraph validate --store landscape.db --country be
      clustergraph validate --engine pyshacl    # the reference SHACL engine
    """
    from .errors import UsageError
    from .validate import RENDERERS, validate

    if explain_engine:  # checked before a pySHACL run, not after
        engine = engine or "oxigraph"
        if engine != "oxigraph":
            raise UsageError(f"--explain-engine explains the oxigraph engine (not --engine "
                             f"{engine})")
    with _user_inputs(files, input_format, extra_shapes):
        data: Any = list(files) or None
        if store_dir:
            data = _open_store_option(store_dir, files)
        result = validate(data, inference=inference, extra_shapes=extra_shapes,
                          country=country, engine=engine)
    if explain_engine:
        from .validate import render_engine

        click.echo(render_engine(result), nl=False)
        return
    click.echo(RENDERERS[fmt](result), nl=False)
    if not result.conforms:
        sys.exit(int(ExitCode.VALIDATION_FAILED))


@main.command("export")
@click.option("--format", "-f", "fmt", metavar="NAME", default=None,
              help="RDF format: turtle, nt, jsonld, trig, xml or nquads, or an alias (ttl, "
                   "ntriples, n-triples, json-ld, rdf, rdfxml, owl, nq, n-quads, a media "
                   "type). Default: from the --output extension, else turtle. trig, nquads "
                   "and jsonld keep named graphs.")
@click.option("--output", "-o", required=True, metavar="PATH",
              help="File to write (atomically; .ttl .nt .jsonld .trig .rdf .owl .nq say the "
                   "format, a further .gz compresses), or - for stdout.")
@layers_option()
@click.option("--with-inferences", is_flag=True,
              help="Add the OWL RL closure's new triples: as the graph graph/inferred (quad "
              "formats) or as the file <stem>.inferred.<ext> (triple formats).")
@click.option("--catalog-only", is_flag=True,
              help="Write only the DCAT-AP 3 record (catalogue, dataset, distributions, VoID).")
@store_option()
def export_command(fmt: str | None, output: str, layers: tuple[str, ...], with_inferences: bool,
                   catalog_only: bool, store_dir: str | None) -> None:
    """Export the graph for linked-data portals, with its DCAT-AP 3 record.

    Output is deterministic (sorted, stable prefixes and blank-node labels), parses
    back to the same graph, and is written atomically: on an error the previous file
    is left as it was (exit code 7). The format comes from the file name unless
    --format gives it (a disagreement is refused). A symlink's target is replaced, a FIFO
    or device is written to, a store's own files are refused. Inferred triples are never
    mixed into the asserted ones.

    \b
    Example:
      clustergraph export --output clustergraph.nt          # N-Triples, from the name
      clustergraph export --output clustergraph.ttl.gz      # gzip-compressed Turtle
      clustergraph export --format trig --output clustergraph.trig --with-inferences
      clustergraph export --format jsonld --output - --catalog-only
      clustergraph export --store landscape.db --format nquads --output landscape.nq
    """
    from .export import export
    from .store import load, open_store

    kg = open_store(store_dir) if store_dir else load(layers)
    result = export(kg, fmt, output, layers=layers, with_inferences=with_inferences,
                    catalog_only=catalog_only)
    for path in result.paths:
        if path != "-":
            click.echo(f"clustergraph: wrote {path}", err=True)
    if result.paths != ["-"]:
        inferred = f", {result.inferred} inferred" if with_inferences else ""
        click.echo(f"clustergraph: {result.asserted} asserted triples{inferred}, "
                   f"{len(result.graphs)} named graphs", err=True)


@main.command("docs")
@click.option("--output", "-o", required=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=str),
              help="Folder to write the HTML into (created if missing).")
def docs_command(output: str) -> None:
    """Write HTML documentation of the ontology and every concept scheme.

    index.html documents every class (definition, hierarchy, properties, examples of
    instances from the data) and property (domain, range, examples); schemes/*.html
    list each concept scheme's concepts with notation, label and definition. Static
    files, ready to publish.

    \b
    Example:
      clustergraph docs --output site/
    """
    from .docs import write_docs
    from .store import load

    kg = load(("ontology", "vocabularies", "reference", "data"))
    files = write_docs(kg, output)
    click.echo(f"clustergraph: wrote {len(files)} pages to {output}")


def _open_store_option(store_dir: str, files: tuple[str, ...]) -> Any:
    """``--store DIR`` for a command that otherwise loads: the store, read-only. FILES and
    an explicit ``--layers`` would be silently ignored, so they are refused."""
    from .errors import UsageError
    from .store import open_store

    ctx = click.get_current_context()
    if files:
        raise UsageError("FILES cannot be combined with --store (the store holds what it was "
                         "built from; rebuild it with: clustergraph load --store DIR FILES)")
    if ctx.get_parameter_source("layers") not in (None, click.core.ParameterSource.DEFAULT):
        raise UsageError("--layers cannot be combined with --store (the store holds the layers "
                         "it was built with)")
    return open_store(store_dir)


@main.command("load")
@click.option("--store", "store_dir", required=True, metavar="DIR",
              type=click.Path(path_type=str),
              help="Directory of the store to build (replaced if it already holds one).")
@layers_option()
@input_format_option()
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=str))
def load_command(store_dir: str, layers: tuple[str, ...], files: tuple[str, ...],
                 input_format: str | None = None) -> None:
    """Build a persistent on-disk store once, so later commands need not re-parse.

    The store holds the same named graphs as an in-memory load. With FILES, those data
    files are loaded instead of the shipped data (as for info; - and .gz files too). The
    store is built beside
    DIR and moved into place only when complete: a failed build leaves an existing store
    intact. Use it with --store DIR on other commands.

    \b
    Example:
      clustergraph load --store landscape.db
      clustergraph load --store landscape.db synthetic/*/*.ttl
      clustergraph info --store landscape.db
    """
    import time

    from .store import build_store

    started = time.perf_counter()
    with _user_inputs(files, input_format):
        kg = build_store(store_dir, layers, extra_files=files)
    seconds = time.perf_counter() - started
    click.echo(f"clustergraph: built store {store_dir}: {len(kg)} triples in "
               f"{len(kg.graphs())} named graphs from {len(kg.sources)} files "
               f"in {seconds:.1f} s")


@main.command("generate")
@click.option("--countries", type=click.IntRange(min=1), required=True,
              help="Number of synthetic countries (reference countries, cycled).")
@click.option("--cluster-orgs", type=click.IntRange(min=1), required=True,
              help="Cluster organisations per country.")
@click.option("--members", type=click.IntRange(min=1), required=True,
              help="Member organisations per cluster organisation.")
@click.option("--seed", type=int, default=0, show_default=True,
              help="Random seed: the same seed writes byte-identical files.")
@click.option("--output", "-o", required=True, metavar="DIR",
              type=click.Path(file_okay=False, path_type=str),
              help="Folder to write into (created; a previous synthetic landscape is replaced).")
@click.option("--format", "fmt", metavar="NAME", default="turtle", show_default=True,
              help="turtle (ttl), or nquads (nq, n-quads) with one named graph per country.")
def generate_command(countries: int, cluster_orgs: int, members: int, seed: int,
                     output: str, fmt: str) -> None:
    """Write a synthetic landscape for tests and benchmarks (never real data).

    It follows the patterns of the encoded Belgium factsheet, with the real vocabulary
    concepts and EU reference IRIs, one folder per synthetic country, and cluster
    organisations with their member organisations. Marked as synthetic in
    DIR/SYNTHETIC.md and DIR/synthetic-dataset.ttl. Prints the number of triples, which
    the parameters fix exactly.

    \b
    Example:
      clustergraph generate --countries 3 --cluster-orgs 4 --members 80 --output synth/
      clustergraph info synth/*/*.ttl
    """
    from .formats import by_name
    from .generate import generate

    fmt = by_name(fmt, "--format", allowed=("turtle", "nquads")).extension
    report = generate(output, countries, cluster_orgs, members, seed=seed, fmt=fmt)
    click.echo(f"clustergraph: wrote {report.triples} triples in {report.files} files to "
               f"{output} in {report.seconds:.1f} s")
