"""The ``clustergraph build`` command (thin: parse, call :func:`clustergraph.build.build`)."""

from __future__ import annotations

import sys
from pathlib import Path

import click


@click.command("build")
@click.option("--output", "-o", metavar="DIR", default=None,
              type=click.Path(file_okay=False, path_type=str),
              help="Folder to write FILE's Turtle into (the files its turtle: map names, "
                   "else <stem>.ttl); default: stdout.")
@click.argument("files", nargs=-1, required=True, type=click.Path(path_type=str))
def build_command(output: str | None, files: tuple[str, ...]) -> None:
    """Compile input files (data/<cc>/<edition>.yaml, data/<cc>/pages.yaml) to Turtle.

    Each country folder's Turtle is generated from its input file this way (rebuild it
    after editing the input: a test fails when they differ). Fields, code lists and
    datatypes come from the ontology, shapes and vocabularies; every entity gets the
    provenance of the part it sits under; the input's turtle: map names the files. A mistake
    in the input is one line, FILE:LINE: field.path: what is wrong (exit 3), and nothing is
    written.

    \b
    Example:
      clustergraph build data/be/2023.yaml --output data/be
      clustergraph build data/dk/pages.yaml
    """
    from . import build

    results = build(list(files), output)
    if output is None:
        for _f, _name, data in results:
            sys.stdout.buffer.write(data)
    else:
        for f, name, _data in results:
            click.echo(f"clustergraph: built {f} -> {Path(output) / name}", err=True)
