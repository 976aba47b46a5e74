"""A small pool of query worker processes, with time limits that really stop a query.

Each worker (:mod:`clustergraph.serve.worker`) is a process started with ``spawn`` (a clean
interpreter: no threads or event loop inherited) that holds its own copy of the graph, or the
store opened read-only, and answers one job at a time over a pipe. A job waits for a free
worker and for its answer within one deadline: past it the worker is killed (SIGKILL: the CPU
it used is free at once), a new one is started in its place, and the caller gets
:class:`~clustergraph.errors.QueryTimeout`. The number of workers bounds the number of
queries running at once; the others wait in line within their deadline.
"""

from __future__ import annotations

import asyncio
import contextlib
import multiprocessing
import time
from dataclasses import dataclass, field
from multiprocessing.connection import Connection
from multiprocessing.process import BaseProcess

from ..errors import ClustergraphError, InputError, QueryTimeout
from . import worker as worker_module


class WorkerDied(ClustergraphError):
    """A worker process ended while answering (killed from outside, out of memory)."""


@dataclass(eq=False)
class Worker:
    process: BaseProcess
    conn: Connection
    pid: int = 0
    jobs: int = field(default=0)


def _readable(conn: Connection, timeout: float) -> asyncio.Future:
    """A future done when ``conn`` has data (or is closed), without a thread per wait."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future = loop.create_future()
    fd = conn.fileno()

    def ready() -> None:
        loop.remove_reader(fd)
        if not fut.done():
            fut.set_result(True)

    def cleanup(_f: asyncio.Future) -> None:
        if not conn.closed:  # a closed pipe's fd may already belong to a new one
            loop.remove_reader(fd)

    loop.add_reader(fd, ready)
    fut.add_done_callback(cleanup)
    return fut


class Pool:
    """``size`` workers over the bundled graph (``store_dir=None``) or a store."""

    def __init__(self, size: int, store_dir: str | None = None) -> None:
        self.size = size
        self.store_dir = store_dir
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: asyncio.Queue[Worker] = asyncio.Queue()
        self._all: set[Worker] = set()
        self._starting: set[asyncio.Task] = set()
        self.killed = 0
        self._closed = False

    # ----------------------------------------------------------------- life cycle

    def _spawn(self) -> Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(target=worker_module.main, args=(child, self.store_dir),
                                 name="clustergraph-serve-worker", daemon=True)
        proc.start()
        child.close()
        w = Worker(proc, parent)
        self._all.add(w)
        return w

    async def _ready(self, w: Worker, timeout: float = 120.0) -> None:
        try:
            await asyncio.wait_for(_readable(w.conn, timeout), timeout)
            hello = w.conn.recv()
        except (TimeoutError, EOFError, OSError):
            self._discard(w)
            raise InputError("a query worker did not start (the graph could not be "
                             "loaded)") from None
        if not hello.get("ok"):
            self._discard(w)
            raise InputError(hello.get("message", "a query worker could not load the graph"))
        w.pid = hello["pid"]
        self._idle.put_nowait(w)

    async def start(self) -> None:
        """Start every worker and wait until each holds the graph."""
        workers = [self._spawn() for _ in range(self.size)]
        await asyncio.gather(*(self._ready(w) for w in workers))

    def _discard(self, w: Worker) -> None:
        self._all.discard(w)
        if not w.conn.closed:
            with contextlib.suppress(RuntimeError, ValueError, OSError):
                asyncio.get_running_loop().remove_reader(w.conn.fileno())
        if w.process.is_alive():
            w.process.kill()
        w.process.join(timeout=5)
        w.conn.close()

    def _replace(self) -> None:
        if self._closed:
            return
        task = asyncio.get_running_loop().create_task(self._ready(self._spawn()))
        self._starting.add(task)
        task.add_done_callback(self._starting.discard)

    async def close(self) -> None:
        self._closed = True
        for t in list(self._starting):
            t.cancel()
        for w in list(self._all):
            with contextlib.suppress(OSError):
                w.conn.close()
            if w.process.is_alive():
                w.process.kill()
        for w in list(self._all):
            w.process.join(timeout=5)
        self._all.clear()

    def pids(self) -> list[int]:
        return sorted(w.pid for w in self._all if w.pid)

    @property
    def busy(self) -> int:
        return len(self._all) - self._idle.qsize()

    # ----------------------------------------------------------------- jobs

    async def call(self, job: dict, timeout: float) -> dict:
        """The worker's answer to ``job``, within ``timeout`` seconds (waiting for a free
        worker included); :class:`QueryTimeout` past it, the worker then killed."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                w = await asyncio.wait_for(self._idle.get(),
                                           max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise QueryTimeout(f"every query worker stayed busy for the {timeout:g} s "
                                   "limit; try again later") from None
            if w.process.is_alive():
                break
            self._discard(w)  # ended while idle (killed from outside): replaced, not used
            self._replace()
        try:
            w.conn.send(job)
            remaining = max(0.0, deadline - time.monotonic())
            await asyncio.wait_for(_readable(w.conn, remaining), remaining)
            answer = w.conn.recv()
        except TimeoutError:
            self.killed += 1
            self._discard(w)
            self._replace()
            raise QueryTimeout(f"the query ran past the {timeout:g} s time limit and was "
                               "stopped; no result") from None
        except asyncio.CancelledError:  # the client went away: the answer is not wanted
            self._discard(w)
            self._replace()
            raise
        except (EOFError, OSError, BrokenPipeError):
            self._discard(w)
            self._replace()
            raise WorkerDied("the query's worker process ended unexpectedly; "
                             "no result") from None
        w.jobs += 1
        self._idle.put_nowait(w)
        return answer
