"""``clustergraph serve``: a read-only SPARQL endpoint, a page for every IRI and the analyst's
gallery of saved questions, over the bundled graph or a store.

- :mod:`.app` the Starlette application, its middleware (request-size limit, security
  headers, CORS only when asked) and what the handlers share;
- :mod:`.sparql` the SPARQL 1.1 Protocol endpoint (a lean ASGI path in front of the app);
  :mod:`.pages` the HTML pages and the IRI pages' content negotiation; :mod:`.charts` the
  SVG charts; :mod:`.formats` media types and the SPARQL results formats;
- :mod:`.prefork` the supervisor and the ``--workers`` server processes accepting on one
  socket; :mod:`.runner` evaluates a process's jobs (:mod:`.worker`) on a thread of its
  own under the time limit (a process with a runaway query is replaced);
  :mod:`.settings` the options.

Starlette, uvicorn and Jinja2 are imported only here, never by ``query`` or ``info``.
"""

from __future__ import annotations

import asyncio
from typing import Any

__all__ = ["Settings", "create_app", "get"]


def __getattr__(name: str) -> Any:
    # Lazily: importing this package (for the CLI's command table) imports no web framework.
    if name == "Settings":
        from .settings import Settings

        return Settings
    if name == "create_app":
        from .app import create_app

        return create_app
    raise AttributeError(name)


def get(settings: Any, path: str, accept: str = "text/html") -> tuple[int, dict, bytes]:
    """Answer one ``GET path`` without a socket (Datasette's ``--get``): start the app (load
    the graph), call it once through ASGI, stop it. Returns status, headers and body."""
    from .app import create_app

    app = create_app(settings)

    async def main() -> tuple[int, dict, bytes]:
        startup: asyncio.Queue = asyncio.Queue()
        sent: asyncio.Queue = asyncio.Queue()
        await startup.put({"type": "lifespan.startup"})
        lifespan = asyncio.ensure_future(app({"type": "lifespan", "asgi": {"version": "3.0"}},
                                             startup.get, sent.put))
        message = await sent.get()
        if message["type"] == "lifespan.startup.failed":
            await lifespan
            raise RuntimeError(message.get("message", "start-up failed"))
        raw_path, _, query = path.partition("?")
        scope: dict[str, Any] = {
            "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1",
            "method": "GET", "scheme": "http", "path": raw_path,
            "raw_path": raw_path.encode(), "query_string": query.encode(), "root_path": "",
            "headers": [(b"host", b"127.0.0.1"), (b"accept", accept.encode())],
            "client": ("127.0.0.1", 0), "server": ("127.0.0.1", 0),
        }
        status, headers, body = 500, {}, bytearray()

        async def receive() -> dict:
            return {"type": "http.request", "body": b"", "more_body": False}

        async def send(message: dict) -> None:
            nonlocal status, headers
            if message["type"] == "http.response.start":
                status = message["status"]
                headers = {k.decode().lower(): v.decode() for k, v in message["headers"]}
            elif message["type"] == "http.response.body":
                body.extend(message.get("body", b""))

        try:
            await app(scope, receive, send)
        finally:
            await startup.put({"type": "lifespan.shutdown"})
            await sent.get()
            await lifespan
        return status, headers, bytes(body)

    return asyncio.run(main())
