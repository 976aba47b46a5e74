"""The ``clustergraph diff`` command: a thin layer over :func:`clustergraph.diff.diff`."""

from __future__ import annotations

import sys

import click

#: The exit code of ``--exit-code`` when the versions differ (as ``git diff --exit-code``).
DIFFERENT = 1


@click.command("diff")
@click.argument("old", type=click.Path(path_type=str))
@click.argument("new", type=click.Path(path_type=str), required=False)
@click.option("--format", "-f", "fmt", type=click.Choice(("markdown", "json")),
              default="markdown", show_default=True,
              help="markdown: for people, summary first; json: for machines (stable shape, "
                   "see the README).")
@click.option("--store", "stores", is_flag=True,
              help="OLD and NEW are store directories built by 'clustergraph load --store' "
                   "(their data graphs are compared).")
@click.option("--country", metavar="CODE", default=None,
              help="Compare only this country's data folder (e.g. be): files in a folder of "
                   "that name, or the store's graph of that folder.")
@click.option("--edition", "editions", multiple=True, metavar="YEAR",
              help="Twice, with --country and one path: compare two factsheet editions of "
                   "that country inside one version (e.g. --edition 2023 --edition 2024).")
@click.option("--exit-code", "exit_code", is_flag=True,
              help="Exit 1 when the versions differ (0 when equal), like git diff.")
def diff_command(old: str, new: str | None, fmt: str, stores: bool, country: str | None,
                 editions: tuple[str, ...], exit_code: bool) -> None:
    """Show what changed from OLD to NEW, entity by entity.

    OLD and NEW are RDF files or folders of them (any format: Turtle, N-Triples, JSON-LD,
    TriG...), or with --store two stores. Serialisation, prefixes, file layout and
    blank-node labels do not matter: blank nodes are matched by content, and a change
    inside one is a change of the entity that owns it. Per added, removed or changed
    entity (policy, strand, authority role, instrument, budget, score, organisation,
    Eurocluster...): its kind, label, sources (prov:wasDerivedFrom) and each property's
    old and new values. With --country CODE and --edition twice, OLD alone is read and
    two of that country's factsheet editions in it are compared. Exit 0 (also when they
    differ, unless --exit-code), 2 usage, 3 unreadable input.

    \b
    Example:
      clustergraph diff data-2023/ data/
      clustergraph diff old/be/ data/be/ --format json
      clustergraph diff --store old.db new.db --country be --exit-code
      clustergraph diff data/ --country be --edition 2023 --edition 2024
    """
    from ..errors import UsageError
    from . import RENDERERS, diff

    if editions and len(editions) != 2:
        raise UsageError(f"--edition: give it twice (the old and the new edition), not "
                         f"{len(editions)} time{'s' if len(editions) > 1 else ''}")
    result = diff(old, new, stores=stores, country=country,
                  editions=(editions[0], editions[1]) if editions else None)
    click.echo(RENDERERS[fmt](result), nl=False)
    if exit_code and not result.equal:
        sys.exit(DIFFERENT)
