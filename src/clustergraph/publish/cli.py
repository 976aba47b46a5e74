"""``clustergraph publish``: the thin click layer over :mod:`clustergraph.publish`."""

from __future__ import annotations

import time

import click

from ..errors import UsageError
from .profiles import PROFILES


@click.command("publish")
@click.option("--to", "to", required=True, metavar="URL",
              help="The store's Graph Store Protocol endpoint: Virtuoso "
                   "http://HOST:8890/sparql-graph-crud-auth, Oxigraph http://HOST:7878/store.")
@click.option("--store-type", "store_type", type=click.Choice(sorted(PROFILES)), default=None,
              help="Which store it is (default: from the URL's path).")
@click.option("--dry-run", is_flag=True,
              help="Print the plan (graphs, triple counts, bytes) and send nothing.")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=300.0,
              show_default=True, help="Seconds to wait for each answer of the store.")
@click.option("--layers", default="all", show_default=True, metavar="LIST",
              help="Comma-separated layers: ontology, vocabularies, reference, data, queries.")
@click.option("--store", "store_dir", metavar="DIR", default=None,
              type=click.Path(path_type=str),
              help="Publish a store built by 'clustergraph load --store DIR'.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=True, path_type=str))
def publish_command(to: str, store_type: str | None, dry_run: bool, timeout: float,
                    layers: str, store_dir: str | None, files: tuple[str, ...]) -> None:
    """Publish the graph to a triple store: one named graph per layer and per country
    folder, and the DCAT-AP record in graph/catalog.

    Each graph is uploaded to a staging graph, read back and compared (triple count and
    SHA-256 of its canonical N-Triples), then replaces the graph in one SPARQL Update
    request: readers never see a half-replaced graph, and a failure leaves the graph as it
    was. A graph the store does not hold yet goes, on Oxigraph, straight under its name
    through the bulk loader (visible at once when it commits, then verified, and dropped if
    it differs). Credentials: CLUSTERGRAPH_STORE_USER and CLUSTERGRAPH_STORE_PASSWORD, or a netrc
    entry for the store's host (never on the command line). Exit codes: 2 usage, 3 input,
    5 timeout, 6 store down or answering an error, 7 a graph read back differs,
    8 credentials refused.

    \b
    Example:
      clustergraph publish --to http://127.0.0.1:7878/store --dry-run
      clustergraph publish --to http://127.0.0.1:7878/store
      CLUSTERGRAPH_STORE_USER=dba CLUSTERGRAPH_STORE_PASSWORD=... \\
        clustergraph publish --to http://127.0.0.1:8890/sparql-graph-crud-auth
      clustergraph publish --to http://127.0.0.1:7878/store --store landscape.db
    """
    from ..resources import LAYERS
    from ..store import load, open_store
    from .client import StoreClient, credentials
    from .profiles import target as make_target
    from .run import make_plan, plan_graphs, publish

    chosen = LAYERS if layers in ("", "all") else tuple(
        v.strip() for v in layers.split(",") if v.strip())
    for layer in chosen:
        if layer not in LAYERS:
            raise UsageError(f"--layers: unknown layer {layer!r} "
                             f"(choose from {', '.join(LAYERS)}, or all)")
    if store_dir and files:
        raise UsageError("FILES cannot be combined with --store")
    tgt = make_target(to, store_type)
    started = time.perf_counter()
    kg = open_store(store_dir) if store_dir else load(chosen, extra_files=files)
    if dry_run:
        plan = make_plan(kg, tgt, chosen)
        click.echo(f"plan: publish to {tgt.origin} ({tgt.profile.name}; default graph: "
                   f"{tgt.profile.default_graph})")
        width = max(len(g.name) for g in plan.graphs)
        for g in plan.graphs:
            click.echo(f"  {g.name:<{width}} {g.count:>9} triples {len(g.body):>11} bytes")
        click.echo(f"  {len(plan.graphs)} graphs, {plan.triples} triples, {plan.bytes} bytes; "
                   "nothing sent (--dry-run)")
        return
    client = StoreClient(tgt, timeout=timeout, creds=credentials(tgt.host))

    def progress(item) -> None:  # noqa: ANN001
        what = "already on the store, unchanged" if item.unchanged else "verified"
        click.echo(f"published {item.graph}: {item.count} triples, sha256 "
                   f"{item.checksum[:16]}, {what} ({item.seconds:.1f} s)")
        if item.rewritten:
            forms = ", ".join(tgt.profile.rewrites)
            click.echo(f"clustergraph: warning: {item.graph}: {tgt.profile.name} keeps "
                       f"{item.rewritten} value(s) in its own form ({forms}; see the README)",
                       err=True)

    # each graph is uploaded while the next is made
    items = publish(plan_graphs(kg, tgt, chosen), client, progress)
    triples = sum(i.count for i in items)
    click.echo(f"clustergraph: published {len(items)} graphs, {triples} triples "
               f"to {tgt.origin} in {time.perf_counter() - started:.1f} s", err=True)
