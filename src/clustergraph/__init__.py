"""clustergraph: the European cluster-policy landscape as a linked-data knowledge graph.

The library does the work (:mod:`clustergraph.store` loads, :mod:`clustergraph.info`
describes); :mod:`clustergraph.cli` only parses options, calls it and picks the exit code.
Nothing is printed, logged or imported heavily at import time.
"""

__version__ = "0.1.0"
