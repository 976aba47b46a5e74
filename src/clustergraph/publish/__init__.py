"""Publishing the graph to the triple stores portals run, over the SPARQL 1.1 Graph Store
Protocol: Virtuoso 7.2 and the Oxigraph server, verified and atomic per graph.

- :mod:`.profiles`: what differs between stores, one declared profile each;
- :mod:`.canonical`: skolemised blank nodes, canonical N-Triples, the checksum;
- :mod:`.client`: the HTTP client (standard library; HTTP Digest; errors mapped to exit codes);
- :mod:`.run`: the plan, then upload to a staging graph, verify, replace in one step;
- :mod:`.servers`: start and stop real stores on 127.0.0.1 (tests, benchmarks);
- :mod:`.cli`: ``clustergraph publish``.

Import the submodules themselves (``from clustergraph.publish.run import make_plan``): this
package imports nothing, so that registering ``clustergraph publish`` keeps start-up light.
"""
