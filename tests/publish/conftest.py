"""Real stores for the publish tests: one Virtuoso 7.2 and one Oxigraph server for the whole
session, on free ports of 127.0.0.1, in temporary folders, stopped at the end. Where one
cannot be started the tests that need it skip with the reason (a skip fails the run in CI:
see tests/conftest.py)."""

from __future__ import annotations

import contextlib

import pytest

from clustergraph.publish import servers

PASSWORD = "fictional-test-password"


@pytest.fixture(scope="session")
def virtuoso_server(tmp_path_factory):
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(
                servers.virtuoso(tmp_path_factory.mktemp("virtuoso"), password=PASSWORD,
                                 buffers=20000))
        except servers.ServerUnavailable as exc:
            pytest.skip(f"Virtuoso cannot be started here: {exc}")
        yield server


@pytest.fixture(scope="session")
def oxigraph_server(tmp_path_factory):
    with contextlib.ExitStack() as stack:
        try:
            server = stack.enter_context(servers.oxigraph(tmp_path_factory.mktemp("oxigraph")))
        except servers.ServerUnavailable as exc:
            pytest.skip(f"the Oxigraph server cannot be started here: {exc}")
        yield server


@pytest.fixture(params=["oxigraph", "virtuoso"])
def store(request, monkeypatch):
    """Either server, with the credentials it needs in the environment."""
    server = request.getfixturevalue(f"{request.param}_server")
    monkeypatch.delenv("NETRC", raising=False)
    monkeypatch.setenv("HOME", str(request.getfixturevalue("tmp_path")))  # no ~/.netrc
    if request.param == "virtuoso":
        monkeypatch.setenv("CLUSTERGRAPH_STORE_USER", "dba")
        monkeypatch.setenv("CLUSTERGRAPH_STORE_PASSWORD", PASSWORD)
    else:
        monkeypatch.delenv("CLUSTERGRAPH_STORE_USER", raising=False)
        monkeypatch.delenv("CLUSTERGRAPH_STORE_PASSWORD", raising=False)
    server.kind = request.param
    return server
