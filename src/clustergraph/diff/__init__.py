"""``clustergraph diff``: what changed between two versions of the graph, per entity.

>>> from clustergraph.diff import diff, to_markdown
>>> print(to_markdown(diff("old/", "new/")))      # doctest: +SKIP

See :mod:`clustergraph.diff.core` for how the comparison works and
:mod:`clustergraph.diff.render` for the Markdown and the JSON shape.
"""

from .core import (
           DiffResult,
           EntityChange,
           PropertyChange,
           Side,
           compare,
           diff,
           files_side,
           store_side,
)
from .render import RENDERERS, to_json, to_markdown

__all__ = ["RENDERERS", "DiffResult", "EntityChange", "PropertyChange", "Side", "compare",
           "diff", "files_side", "store_side", "to_json", "to_markdown"]
