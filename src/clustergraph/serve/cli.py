"""The ``clustergraph serve`` command (registered in :mod:`clustergraph.cli`)."""

from __future__ import annotations

import sys

import click

from ..errors import ClustergraphError, ExitCode, InputError, UsageError
from ..namespaces import BASE

#: HTTP status of a ``--get`` answer -> exit code (the table of clustergraph.errors).
GET_EXIT = {400: ExitCode.USAGE, 403: ExitCode.REFUSED, 404: ExitCode.INPUT,
            406: ExitCode.USAGE, 413: ExitCode.USAGE, 503: ExitCode.TIMEOUT}


@click.command("serve")
@click.option("--store", "store_dir", metavar="DIR", default=None,
              type=click.Path(path_type=str),
              help="Serve a store built by 'clustergraph load --store DIR' (default: the "
                   "bundled graph).")
@click.option("--host", default="127.0.0.1", show_default=True,
              help="Address to bind; anything but 127.0.0.1 makes the server public.")
@click.option("--port", type=click.IntRange(0, 65535), default=8000, show_default=True,
              help="Port (0: a free one, printed at start).")
@click.option("--base-url", default=None, metavar="URL",
              help=f"The public URL of the server's root, where "
                   f"{BASE} is mapped (default: http://HOST:PORT/); "
                   f"behind a reverse proxy at the w3id base: {BASE}.")
@click.option("--timeout", type=click.FloatRange(min=0.1, max=3600), default=30.0,
              show_default=True,
              help="Seconds a query may run; past it, it answers 503 and its server process "
                   "is replaced (which stops the query).")
@click.option("--max-rows", type=click.IntRange(min=1), default=10_000, show_default=True,
              help="Rows (or triples) per answer; more are cut and the answer says so.")
@click.option("--max-body", type=click.IntRange(min=1024), default=256 * 1024,
              show_default=True, help="Largest request body in bytes (413 above).")
@click.option("--workers", type=click.IntRange(1, 64), default=2, show_default=True,
              help="Server processes, each accepting connections and evaluating one query "
                   "at a time (the others wait within their time limit).")
@click.option("--cors", metavar="ORIGIN", default=None,
              help="Allow this origin (e.g. https://example.org) to call the server from a "
                   "browser; off by default.")
@click.option("--get", "get_path", metavar="PATH", default=None,
              help="Answer one GET PATH on stdout without opening a socket, and exit.")
@click.option("--accept", default="text/html", show_default=True,
              help="With --get: the Accept header sent.")
def serve(store_dir: str | None, host: str, port: int, base_url: str | None, timeout: float,
          max_rows: int, max_body: int, workers: int, cors: str | None,
          get_path: str | None, accept: str) -> None:
    """Serve the graph: a read-only SPARQL endpoint, a page for every IRI and the gallery
    of saved questions with forms, tables and charts.

    --workers server processes accept on one socket and each evaluates its queries itself;
    a query past --timeout answers 503 and its process is replaced (the query's CPU freed
    within --timeout + 1 s); answers are cut at --max-rows. Binds 127.0.0.1 unless told otherwise;
    no CORS unless --cors.

    \b
    Pages:  /  /queries  /query/NAME  /country/CODE  /editor  /resource?iri=IRI
            /id/..., /vocab/..., ... (https://w3id.org/clustergraph/... under the base URL)
    SPARQL: /sparql  (GET ?query=, POST form or application/sparql-query)

    \b
    Example:
      clustergraph serve
      clustergraph serve --store landscape.db --port 8080 --workers 4
      clustergraph serve --base-url https://w3id.org/clustergraph/
      clustergraph serve --get /country/BEL
    """
    import socket

    from ..store import read_store_meta

    if store_dir:
        read_store_meta(store_dir)  # a missing or foreign store: exit 3 before starting
    if base_url is not None and not base_url.startswith(("http://", "https://")):
        raise UsageError(f"--base-url must be an http(s) URL (got {base_url!r})")
    from .settings import Settings

    settings = Settings(store_dir=store_dir, timeout=timeout, max_rows=max_rows,
                        max_body=max_body, workers=workers, cors=cors,
                        base_url=base_url or "http://127.0.0.1:8000/")
    if get_path is not None:
        if not get_path.startswith("/"):
            raise UsageError(f"--get must be a path starting with / (got {get_path!r})")
        from . import get

        status, _headers, body = get(settings, get_path, accept)
        sys.stdout.buffer.write(body)
        sys.stdout.flush()
        if status >= 400:
            raise _HttpError(status, body)
        return

    try:
        sock = socket.socket(socket.AF_INET6 if ":" in host else socket.AF_INET)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        # inherited by the accepted connections: a response's head and body are two writes,
        # and Nagle's algorithm would hold the body for the client's delayed ACK (~40 ms
        # per request on a kept-alive connection)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        sock.bind((host, port))
    except OSError as exc:
        raise InputError(f"--host {host} --port {port}: cannot listen there "
                         f"({exc.strerror or exc})") from None
    actual = sock.getsockname()[1]
    sock.listen(2048)  # connections queue here while the server processes start
    shown = f"[{host}]" if ":" in host else host
    if base_url is None:
        settings.base_url = f"http://{shown}:{actual}/"
    from .prefork import Supervisor

    def announce() -> None:
        click.echo(f"clustergraph: serving http://{shown}:{actual}/ (SPARQL at /sparql; "
                   f"{workers} worker{'s' if workers != 1 else ''}, {timeout:g} s per query); "
                   "Ctrl-C stops", err=True)

    try:
        Supervisor(settings, sock).run(announce)
    finally:
        sock.close()


class _HttpError(ClustergraphError):
    def __init__(self, status: int, body: bytes) -> None:
        text = body.decode("utf-8", "replace")
        import re

        m = re.search(r'<p class="error" role="alert">(.*?)</p>', text, re.S)
        detail = m.group(1) if m else text.strip().splitlines()[0] if text.strip() else ""
        import html

        super().__init__(f"--get: HTTP {status}: {html.unescape(detail)}")
        self.exit_code = GET_EXIT.get(status, ExitCode.INTERNAL if status >= 500
                                      else ExitCode.USAGE)
