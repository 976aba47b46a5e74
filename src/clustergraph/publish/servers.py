"""Start and stop real triple stores on 127.0.0.1, for the tests, the benchmarks and anyone who
wants a local store to publish to: Virtuoso 7.2 (Debian's ``virtuoso-opensource-7-bin``) and
the Oxigraph server (the ``oxigraph`` package on PyPI).

>>> with virtuoso(tmp_dir, password="s3cret") as v:          # doctest: +SKIP
...     print(v.gsp_url)        # http://127.0.0.1:PORT/sparql-graph-crud-auth

Each server runs in a folder of its own (created by the caller), binds the loopback interface
only, on ports found free, and is stopped (terminated, then killed) when the ``with`` block
ends. :class:`ServerUnavailable` says why a server cannot be started (not installed, did not
come up): the tests skip with that reason on a developer's machine and fail in CI.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

LOOPBACK = "127.0.0.1"


class ServerUnavailable(RuntimeError):
    """A store that cannot be started here (the reason is the message)."""


def free_port() -> int:
    """A TCP port free on the loopback interface (now; the server binds it right after)."""
    with socket.socket() as s:
        s.bind((LOOPBACK, 0))
        return s.getsockname()[1]


def _opener() -> urllib.request.OpenerDirector:
    return urllib.request.build_opener(urllib.request.ProxyHandler({}))


def _wait_http(url: str, process: subprocess.Popen, log: Path, seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with _opener().open(url, timeout=2):
                return
        except urllib.error.HTTPError:
            return  # it answers: up
        except OSError:
            if process.poll() is not None or time.monotonic() > deadline:
                _stop(process)
                tail = log.read_text(errors="replace")[-600:] if log.exists() else ""
                raise ServerUnavailable(
                    f"the server did not come up at {url}: {' '.join(tail.split())}"
                ) from None
            time.sleep(0.1)


def _stop(process: subprocess.Popen, seconds: float = 20) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=seconds)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=seconds)


# --------------------------------------------------------------------------- Oxigraph server


def oxigraph_command() -> str:
    """The ``oxigraph`` executable: beside this Python's, or on PATH."""
    beside = Path(sys.executable).parent / "oxigraph"
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise ServerUnavailable("the Oxigraph server is not installed (pip install oxigraph)")
    return found


@dataclass
class Oxigraph:
    """A running Oxigraph server: its base URL and its endpoints."""

    base: str
    location: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def gsp_url(self) -> str:
        return self.base + "/store"

    @property
    def query_url(self) -> str:
        return self.base + "/query"

    def stop(self) -> None:
        _stop(self.process)


@contextlib.contextmanager
def oxigraph(folder: Path, union_default_graph: bool = True, port: int | None = None,
             ) -> Iterator[Oxigraph]:
    """An Oxigraph server (read-write) on a store in ``folder/db``; with
    ``union_default_graph`` (as clustergraph's queries need) its default graph is the union
    of the named graphs."""
    command = oxigraph_command()
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    location = folder / "db"
    port = port or free_port()
    log = folder / "oxigraph.log"
    args = [command, "serve", "--location", str(location), "--bind", f"{LOOPBACK}:{port}"]
    if union_default_graph:
        args.append("--union-default-graph")
    with open(log, "ab") as out:
        process = subprocess.Popen(args, stdout=out, stderr=subprocess.STDOUT)
    base = f"http://{LOOPBACK}:{port}"
    _wait_http(base + "/query?query=ASK%7B%7D", process, log, 30)
    server = Oxigraph(base, location, process)
    try:
        yield server
    finally:
        server.stop()


# --------------------------------------------------------------------------- Virtuoso


def virtuoso_command() -> str:
    found = shutil.which("virtuoso-t")
    if not found:
        raise ServerUnavailable(
            "Virtuoso is not installed (apt-get install virtuoso-opensource-7-bin)")
    return found


def isql_command() -> str:
    found = shutil.which("isql-vt") or shutil.which("isql")
    if not found:
        raise ServerUnavailable("Virtuoso's isql-vt is not installed")
    return found


#: Virtuoso's default isolation for every connection, its HTTP endpoints' included:
#: 8, serializable. Under 2, read committed (Virtuoso's shipped default), a reader's query is
#: no snapshot: a count of a graph while a ``MOVE`` commits saw 197,140 of 200,000 triples
#: (2 of 3 tries); under 4, repeatable read, 17,505 of 20,000 (1 of 4 runs of the test: the
#: rows not yet inserted when the scan passed are not locked). Under 8 a reader waits for the
#: replace's locks, or deadlocks it (Virtuoso rolls the replace back whole; the publisher
#: sends it again: the profile's ``rolled_back``).
VIRTUOSO_ISOLATION = 8

VIRTUOSO_INI = """\
[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = {host}:{sql_port}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}
DirsAllowed = ., {dirs}
DefaultIsolation = {isolation}

[HTTPServer]
ServerPort = {host}:{http_port}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10

[SPARQL]
ResultSetMaxRows = 1000000
MaxQueryExecutionTime = 120
MaxQueryCostEstimationTime = 400
"""


@dataclass
class Virtuoso:
    """A running Virtuoso: its HTTP base URL, SQL port, the dba password, its endpoints."""

    base: str
    sql_port: int
    password: str
    folder: Path
    process: subprocess.Popen = field(repr=False)

    @property
    def gsp_url(self) -> str:
        return self.base + "/sparql-graph-crud-auth"

    @property
    def query_url(self) -> str:
        return self.base + "/sparql"

    def isql(self, statements: str, timeout: float = 600) -> str:
        """Run SQL statements through isql-vt as dba; their output (raises on an error)."""
        done = subprocess.run(
            [isql_command(), f"{LOOPBACK}:{self.sql_port}", "dba", self.password,
             "VERBOSE=OFF", "BANNER=OFF", "PROMPT=OFF", "ERRORS=STDOUT"],
            input=statements if statements.rstrip().endswith(";") else statements + ";",
            capture_output=True, text=True, timeout=timeout, check=False,
        )
        if done.returncode != 0 or "*** Error" in done.stdout:
            raise RuntimeError(f"isql failed: {' '.join((done.stdout + done.stderr).split())}")
        return done.stdout

    def stop(self) -> None:
        _stop(self.process, seconds=30)


@contextlib.contextmanager
def virtuoso(folder: Path, password: str = "clustergraph-test", buffers: int = 85000,
             dirs_allowed: tuple[str, ...] = ()) -> Iterator[Virtuoso]:
    """A Virtuoso 7.2 server with a fresh database in ``folder``: a generated virtuoso.ini,
    both ports on 127.0.0.1, the dba password set to ``password``, ``dirs_allowed`` (and
    ``folder``) readable by the bulk loader, serializable as the default isolation
    (:data:`VIRTUOSO_ISOLATION`: what makes a replace atomic for readers). Its /sparql
    default graph is the union of all graphs (Virtuoso's default)."""
    command = virtuoso_command()
    isql_command()
    folder = Path(folder).resolve()
    folder.mkdir(parents=True, exist_ok=True)
    sql_port, http_port = free_port(), free_port()
    while http_port == sql_port:
        http_port = free_port()
    ini = folder / "virtuoso.ini"
    dirs = ", ".join([str(folder), *(str(Path(d).resolve()) for d in dirs_allowed)])
    ini.write_text(VIRTUOSO_INI.format(dir=folder, host=LOOPBACK, sql_port=sql_port,
                                       http_port=http_port, buffers=buffers,
                                       dirty=buffers * 3 // 4, dirs=dirs,
                                       isolation=VIRTUOSO_ISOLATION))
    log = folder / "virtuoso.log"
    with open(folder / "virtuoso.out", "ab") as out:
        process = subprocess.Popen([command, "-f", "+configfile", str(ini)], cwd=folder,
                                   stdout=out, stderr=subprocess.STDOUT,
                                   env={**os.environ, "LANG": "C"})
    base = f"http://{LOOPBACK}:{http_port}"
    _wait_http(base + "/sparql?query=ASK%7B%7D", process, log, 60)
    server = Virtuoso(base, sql_port, "dba", folder, process)
    try:
        server.isql(f"USER_SET_PASSWORD('dba', '{password}');")
        server.password = password
    except BaseException:
        server.stop()
        raise
    try:
        yield server
    finally:
        server.stop()
