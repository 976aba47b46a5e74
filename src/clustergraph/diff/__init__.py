"""``clustergraph diff``: what changed between two versions of the graph, per entity.

>>> from clustergraph.diff import diff, to_markdown
>>> print(to_markdown(diff("old/", "new/")))      # doctest: +SKIP

See :mod:`clustergraph.diff.core` for how the comparison works and
:mod:`clustergraph.diff.render` for the Markdown and the JSON shape. The names are imported
on first use, so that registering the command (``clustergraph.diff.cli``) costs the CLI's
start-up nothing.
"""

from __future__ import annotations

from typing import Any

_CORE = ("DiffResult", "EntityChange", "Move", "PropertyChange", "Side", "compare", "diff",
         "edition_sides", "files_side", "store_side")
_RENDER = ("RENDERERS", "to_json", "to_markdown")

__all__ = sorted(_CORE + _RENDER)


def __getattr__(name: str) -> Any:
    if name in _CORE:
        from . import core

        return getattr(core, name)
    if name in _RENDER:
        from . import render

        return getattr(render, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
