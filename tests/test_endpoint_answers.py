"""``query run --endpoint``: an answer that is not the whole answer is an error (exit 6, one
line), never a printed result (issue 11, item 3). A real HTTP server on 127.0.0.1 (http.server
in a thread) answers the ways endpoints do when a result is partial or cut: 206, Virtuoso's
``X-SQL-State: S1TAT``, a body shorter than its Content-Length, cut JSON or XML, a redirect
to another host or scheme. A complete answer, and a redirect on the same origin, still print
the rows."""

from __future__ import annotations

import base64
import http.server
import json
import threading
from pathlib import Path

import pytest

from clustergraph.cli import main
from clustergraph.errors import ExitCode

RESULTS = json.dumps({
    "head": {"vars": ["x"]},
    "results": {"bindings": [{"x": {"type": "literal", "value": "fictional value"}}]},
}).encode()
XML = (b'<?xml version="1.0"?><sparql xmlns="http://www.w3.org/2005/sparql-results#">'
       b'<head><variable name="x"/></head><results><result><binding name="x">'
       b"<literal>fictional value</literal></binding></result></results></sparql>")
JSON_TYPE = "application/sparql-results+json"
XML_TYPE = "application/sparql-results+xml"
CSV = "x\nfictional value\n"


class Server:
    """An HTTP server whose answer depends on the path; it records what it was sent."""

    def __init__(self) -> None:
        owner = self
        self.requests: list[tuple[str, str, dict[str, str]]] = []

        class Handler(http.server.BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                self.rfile.read(length)
                owner.requests.append((self.command, self.path, dict(self.headers)))
                owner.answer(self)

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def answer(self, h: http.server.BaseHTTPRequestHandler) -> None:
        path = h.path.split("?")[0]
        if path == "/ok":
            send(h, 200, RESULTS, JSON_TYPE)
        elif path == "/xml":
            send(h, 200, XML, XML_TYPE)
        elif path == "/206":
            send(h, 206, RESULTS, JSON_TYPE)
        elif path == "/s1tat":
            send(h, 200, RESULTS, JSON_TYPE, {
                "X-SQL-State": "S1TAT", "X-SQL-Message": "Returning incomplete results"})
        elif path == "/range":
            send(h, 200, RESULTS, JSON_TYPE, {"Content-Range": "bytes 0-99/1000"})
        elif path == "/short":  # Content-Length promises 50 bytes more than are sent
            send(h, 200, RESULTS, JSON_TYPE, length=len(RESULTS) + 50)
        elif path == "/cut-json":
            send(h, 200, RESULTS[:-20], JSON_TYPE)
        elif path == "/cut-xml":
            send(h, 200, XML[:-30], XML_TYPE)
        elif path == "/same-origin":
            send(h, 307, b"", "text/plain", {"Location": f"{self.base}/ok"})
        elif path == "/elsewhere":
            send(h, 307, b"", "text/plain", {"Location": f"{self.other}/ok"})
        elif path == "/other-scheme":
            send(h, 301, b"", "text/plain",
                 {"Location": f"https://127.0.0.1:{self.port}/ok"})
        elif path == "/noisy-500":
            send(h, 500, b"bad \x1b[31mthing\x1b[0m\x07 happened", "text/plain")
        else:
            send(h, 404, b"no", "text/plain")

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def send(h: http.server.BaseHTTPRequestHandler, status: int, body: bytes, content_type: str,
         headers: dict[str, str] | None = None, length: int | None = None) -> None:
    h.send_response(status)
    h.send_header("Content-Type", content_type)
    h.send_header("Content-Length", str(len(body) if length is None else length))
    for k, v in (headers or {}).items():
        h.send_header(k, v)
    h.end_headers()
    h.wfile.write(body)
    h.wfile.flush()
    h.close_connection = True


@pytest.fixture(scope="module")
def server():
    main_server, other = Server(), Server()
    main_server.other = other.base
    yield main_server, other
    main_server.close()
    other.close()


@pytest.fixture()
def query_file(tmp_path: Path) -> Path:
    f = tmp_path / "q.rq"
    f.write_text("SELECT ?x WHERE { ?x ?p ?o }", encoding="utf-8")
    return f


def run_on(runner, query_file: Path, url: str):
    return runner.invoke(main, ["query", "run", "--file", str(query_file), "--format", "csv",
                                "--endpoint", url])


@pytest.mark.parametrize("path", ["/ok", "/xml", "/same-origin"])
def test_complete_answers_are_printed(runner, server, query_file, path: str) -> None:
    result = run_on(runner, query_file, server[0].base + path)
    assert (result.exit_code, result.stdout) == (0, CSV)


def test_206_is_an_endpoint_error(runner, server, query_file) -> None:
    url = server[0].base + "/206"
    result = run_on(runner, query_file, url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitCode.ENDPOINT, "",
        f"clustergraph: error: {url} answered 206 to q, not 200: a partial or incomplete "
        "answer; no result\n")


@pytest.mark.parametrize(("path", "header"), [
    ("/s1tat", "X-SQL-State: S1TAT"),
    ("/range", "Content-Range: bytes 0-99/1000"),
])
def test_partial_result_headers_are_endpoint_errors(runner, server, query_file, path: str,
                                                    header: str) -> None:
    url = server[0].base + path
    result = run_on(runner, query_file, url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitCode.ENDPOINT, "",
        f"clustergraph: error: {url} answered q with a partial result ({header}); "
        "no result\n")


def test_body_shorter_than_its_length_is_an_endpoint_error(runner, server, query_file) -> None:
    url = server[0].base + "/short"
    result = run_on(runner, query_file, url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitCode.ENDPOINT, "",
        f"clustergraph: error: {url} answered q with a body cut short ({len(RESULTS)} bytes "
        f"of {len(RESULTS) + 50}); no result\n")


@pytest.mark.parametrize("path", ["/cut-json", "/cut-xml"])
def test_cut_results_are_endpoint_errors(runner, server, query_file, path: str) -> None:
    url = server[0].base + path
    result = run_on(runner, query_file, url)
    assert result.exit_code == ExitCode.ENDPOINT
    assert result.stdout == ""
    assert result.stderr.startswith(
        f"clustergraph: error: {url} did not answer q with complete SPARQL results: ")
    assert result.stderr.count("\n") == 1


def test_redirect_to_another_host_is_not_followed(runner, server, query_file) -> None:
    main_server, other = server
    url = main_server.base + "/elsewhere"
    result = run_on(runner, query_file, url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitCode.ENDPOINT, "",
        f"clustergraph: error: {url} redirected q (307) to {other.base}/ok, another host "
        "or scheme; not followed\n")
    assert other.requests == []  # the query never reached the other host


def test_redirect_to_another_scheme_is_not_followed(runner, server, query_file) -> None:
    url = server[0].base + "/other-scheme"
    result = run_on(runner, query_file, url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitCode.ENDPOINT, "",
        f"clustergraph: error: {url} redirected q (301) to https://127.0.0.1:"
        f"{server[0].port}/ok, another host or scheme; not followed\n")


def test_password_is_sent_but_never_shown_and_control_bytes_are_escaped(
        runner, server, query_file) -> None:
    main_server, _ = server
    url = f"http://curator:s3cr%40t@127.0.0.1:{main_server.port}/noisy-500"
    result = run_on(runner, query_file, url)
    assert (result.exit_code, result.stdout, result.stderr) == (
        ExitCode.ENDPOINT, "",
        f"clustergraph: error: {main_server.base}/noisy-500 answered 500 Internal Server "
        "Error to q: bad \\x1b[31mthing\\x1b[0m\\x07 happened\n")
    _method, _path, headers = main_server.requests[-1]
    assert headers["Authorization"] == "Basic " + base64.b64encode(b"curator:s3cr@t").decode()


def test_password_not_echoed_for_a_bad_endpoint_url(runner, query_file) -> None:
    result = run_on(runner, query_file, "ftp://curator:s3cret@127.0.0.1/sparql")
    assert (result.exit_code, result.stderr) == (
        ExitCode.USAGE,
        "clustergraph: error: --endpoint must be an http(s) URL (got "
        "'ftp://127.0.0.1/sparql')\n")
