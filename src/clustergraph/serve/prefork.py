"""Prefork: a small supervisor and ``--workers`` server processes on one listening socket.

The ``clustergraph serve`` process binds the socket and is the supervisor: it starts the
server processes (``spawn``: each a clean interpreter), hands each the socket, and keeps
their number. Each server process (:func:`serve_process`) loads the graph (or opens the
store read-only), then runs the whole application (uvicorn on uvloop and httptools, the
lean ``/sparql`` path, the pages) and accepts connections on the shared socket itself; its
jobs are evaluated in the process, on an evaluation thread
(:class:`~clustergraph.serve.runner.Runner`), so a request costs no hop to another
process. The kernel hands each new connection to one of the processes waiting on the socket.

A query past its time limit answers 503 at once; its process then stops accepting, lets its
other requests finish and exits (within ``--timeout`` + 1 s; the runaway query's CPU is
freed when it does), and tells the supervisor first, which starts a replacement at once. A
server process that ends for any other reason (killed from outside) is replaced too; its
open connections are dropped. SIGTERM or SIGINT (Ctrl-C) to the supervisor stops every
server process (gracefully, then killed past the time limit; a second signal kills at once)
and then the supervisor; a server process whose supervisor is gone stops by itself.

The supervisor imports no web framework: only the server processes do.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import socket
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess

from ..errors import ClustergraphError, InputError
from .settings import Settings

#: Seconds a server process may take to load the graph before the start is given up.
READY_TIMEOUT = 120.0
#: Name of the server processes (``ps``).
NAME = "clustergraph-serve"


# --------------------------------------------------------------------------- server process


def uvicorn_config(app: object, settings: Settings):  # noqa: ANN201
    import importlib.util

    import uvicorn

    # uvloop (a tenth less CPU per small request than asyncio's loop) and httptools' parser
    loop = "uvloop" if importlib.util.find_spec("uvloop") else "asyncio"
    return uvicorn.Config(app, log_level="warning", access_log=False, loop=loop,
                          http="httptools", timeout_keep_alive=5, server_header=False,
                          limit_concurrency=256, h11_max_incomplete_event_size=64 * 1024,
                          timeout_graceful_shutdown=int(settings.timeout) + 1)


def serve_process(sock: socket.socket, settings: Settings, conn: Connection) -> None:
    """One server process: load the graph, say so to the supervisor (``{"ok": True}``, or
    ``{"ok": False, "message": ...}``), serve on ``sock`` until told to stop, exit."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the supervisor's to handle
    import uvicorn

    from .app import create_app
    from .runner import Runner

    server: uvicorn.Server | None = None

    def stuck() -> None:
        # a query ran past its limit and its thread cannot be stopped: stop accepting,
        # let the other requests finish, exit; the supervisor starts a replacement now
        with contextlib.suppress(OSError):
            conn.send("retiring")
        if server is not None:
            server.should_exit = True

    runner = Runner(settings.store_dir, on_stuck=stuck)
    try:
        runner.load()
        server = uvicorn.Server(uvicorn_config(create_app(settings, runner), settings))
    except ClustergraphError as exc:
        with contextlib.suppress(OSError):  # the supervisor may be gone
            conn.send({"ok": False, "message": exc.message})
        return
    except Exception as exc:  # noqa: BLE001 - a bug: one line in the log, no traceback
        print(f"clustergraph: error: a server process could not start: {exc}",
              file=sys.stderr, flush=True)
        os._exit(10)
    try:
        conn.send({"ok": True, "pid": os.getpid()})
    except OSError:  # the supervisor went away while the graph loaded
        os._exit(0)
    threading.Thread(target=_watch_supervisor, args=(conn, server), daemon=True,
                     name="clustergraph-serve-watch").start()
    try:
        server.run(sockets=[sock])
    finally:
        # without waiting for an abandoned evaluation thread (a runaway query)
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)


def _watch_supervisor(conn: Connection, server: object) -> None:
    """Stop serving when the supervisor is gone (its end of the pipe closed)."""
    while True:
        try:
            conn.recv()
        except (EOFError, OSError):
            server.should_exit = True  # type: ignore[attr-defined]
            return


# --------------------------------------------------------------------------- supervisor


@dataclass(eq=False)
class Child:
    process: BaseProcess
    conn: Connection
    ready: bool = False
    retiring: bool = False


class Supervisor:
    """Keeps ``settings.workers`` server processes accepting on ``sock``."""

    def __init__(self, settings: Settings, sock: socket.socket) -> None:
        self.settings = settings
        self.sock = sock
        self.size = settings.workers
        self._ctx = multiprocessing.get_context("spawn")
        self.children: list[Child] = []
        self._stopping = 0
        self._wake_r, self._wake_w = os.pipe()
        os.set_blocking(self._wake_w, False)
        self._failures = 0
        self._next_start = 0.0

    def _start(self) -> Child:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=serve_process, args=(self.sock, self.settings, child),
                                 name=NAME, daemon=True)
        proc.start()
        child.close()
        c = Child(proc, parent)
        self.children.append(c)
        return c

    def _signal(self, _signum: int, _frame: object) -> None:
        self._stopping += 1
        if self._stopping > 1:  # asked twice: no more waiting
            for c in self.children:
                with contextlib.suppress(OSError):
                    c.process.kill()
        with contextlib.suppress(OSError):
            os.write(self._wake_w, b"x")

    def run(self, announce: Callable[[], None] = lambda: None) -> None:
        """Start the server processes, call ``announce`` once every one holds the graph,
        keep them until SIGTERM or SIGINT, stop them. :class:`InputError` if the first ones
        cannot load the graph."""
        previous = {s: signal.signal(s, self._signal) for s in (signal.SIGTERM, signal.SIGINT)}
        try:
            starting = [self._start() for _ in range(self.size)]
            self._await_ready(starting)
            if not self._stopping:
                announce()
                self._supervise()
        finally:
            self._stop_all()
            for s, handler in previous.items():
                signal.signal(s, handler)

    def _await_ready(self, starting: list[Child]) -> None:
        deadline = time.monotonic() + READY_TIMEOUT
        while not self._stopping and not all(c.ready for c in starting):
            pending = [c for c in starting if not c.ready]
            objects = [self._wake_r] + [c.conn for c in pending] + [
                c.process.sentinel for c in pending]
            if not wait(objects, timeout=max(0.0, deadline - time.monotonic())):
                raise InputError("a server process did not load the graph within "
                                 f"{READY_TIMEOUT:g} s")
            for c in pending:
                message = self._receive(c)
                if message is None and not c.process.is_alive():
                    raise InputError("a server process ended before it could load the graph")
                if isinstance(message, dict) and not message.get("ok"):
                    raise InputError(message.get("message", "the graph could not be loaded"))

    def _receive(self, c: Child) -> object | None:
        """A message from a server process, if one is there: its hello (which makes it
        ready) or ``"retiring"``."""
        if c.conn.closed:
            return None
        try:
            if not c.conn.poll():
                return None
            message = c.conn.recv()
        except (EOFError, OSError):
            c.conn.close()
            return None
        if isinstance(message, dict) and message.get("ok"):
            c.ready = True
            self._failures = 0
        elif message == "retiring":
            c.retiring = True
        return message

    def _supervise(self) -> None:
        while not self._stopping:
            objects = [self._wake_r]
            for c in self.children:
                objects.append(c.process.sentinel)
                if not c.conn.closed:
                    objects.append(c.conn)
            wait(objects, timeout=max(0.05, min(1.0, self._next_start - time.monotonic())))
            if self._stopping:
                return
            for c in list(self.children):
                message = self._receive(c)
                if isinstance(message, dict) and not message.get("ok"):
                    print(f"clustergraph: a server process could not start: "
                          f"{message.get('message')}", file=sys.stderr, flush=True)
                if not c.process.is_alive():
                    c.process.join()
                    c.conn.close()
                    self.children.remove(c)
                    if not c.ready:  # ended while starting: start the next one later
                        self._failures += 1
                        self._next_start = time.monotonic() + min(
                            5.0, 0.2 * 2 ** self._failures)
            self._top_up()

    def _top_up(self) -> None:
        serving = sum(1 for c in self.children if not c.retiring)
        while serving < self.size and time.monotonic() >= self._next_start:
            self._start()
            serving += 1

    def _stop_all(self) -> None:
        """SIGTERM to every server process (uvicorn stops accepting and finishes what it
        has), SIGKILL to those still there past the time limit."""
        for c in self.children:
            with contextlib.suppress(OSError):
                c.process.terminate()
        deadline = time.monotonic() + self.settings.timeout + 2
        for c in self.children:
            c.process.join(timeout=max(0.0, deadline - time.monotonic()))
            if c.process.is_alive():
                c.process.kill()
                c.process.join(timeout=5)
            c.conn.close()
        self.children.clear()
