"""How the server runs (the ``clustergraph serve`` options); no web framework imported, so
that the supervisor process stays light."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass
class Settings:
    """How the server runs (the ``clustergraph serve`` options)."""

    store_dir: str | None = None
    base_url: str = "http://127.0.0.1:8000/"
    timeout: float = 30.0
    max_rows: int = 10_000
    max_body: int = 256 * 1024
    workers: int = 2
    cors: str | None = None
