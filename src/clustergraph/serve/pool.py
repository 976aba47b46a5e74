"""A small pool of query worker processes, with time limits that really stop a query.

Each worker (:mod:`clustergraph.serve.worker`) is a process started with ``spawn`` (a clean
interpreter: no threads or event loop inherited) that holds its own copy of the graph, or the
store opened read-only, and answers one job at a time over a pipe. A job waits for a free
worker and for its answer within one deadline: past it the worker is killed (SIGKILL: the CPU
it used is free at once), a new one is started in its place, and the caller gets
:class:`~clustergraph.errors.QueryTimeout`. The number of workers bounds the number of
queries running at once; the others wait in line within their deadline.

The idle workers are a stack: the one that answered last answers next, so that with fewer
clients than workers the same process (its database cache, its CPU's caches) stays warm
instead of the jobs going round every worker in turn.
"""

from __future__ import annotations

import asyncio
import collections
import contextlib
import multiprocessing
import os
import pickle
import struct
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
    buffer: bytearray = field(default_factory=bytearray)


def _receive(w: Worker) -> asyncio.Future:
    """A future of the next message the worker sends (a pickled answer, in
    :mod:`multiprocessing`'s framing: a 4-byte big-endian length, then the bytes), read
    without blocking as it arrives: no thread per wait, and any event loop (uvloop makes a
    watched file descriptor non-blocking, so a blocking ``recv`` would stop half-way
    through a large answer). EOF is :class:`EOFError`."""
    loop = asyncio.get_running_loop()
    fut: asyncio.Future = loop.create_future()
    fd = w.conn.fileno()
    os.set_blocking(fd, False)
    buf = w.buffer

    def ready() -> None:
        try:
            while True:
                chunk = os.read(fd, 1 << 20)
                if not chunk:
                    raise EOFError
                buf.extend(chunk)
        except BlockingIOError:
            pass
        except (EOFError, OSError) as exc:
            loop.remove_reader(fd)
            if not fut.done():
                fut.set_exception(EOFError() if isinstance(exc, OSError) else exc)
            return
        if len(buf) >= 4:
            (size,) = struct.unpack("!i", buf[:4])
            start = 4
            if size == -1 and len(buf) >= 12:  # over 2 GiB: an 8-byte length follows
                (size,) = struct.unpack("!Q", buf[4:12])
                start = 12
            if size >= 0 and len(buf) >= start + size:
                loop.remove_reader(fd)
                message = bytes(buf[start:start + size])
                del buf[:start + size]
                if not fut.done():
                    fut.set_result(message)

    def cleanup(_f: asyncio.Future) -> None:
        if not w.conn.closed:  # a closed pipe's fd may already belong to a new one
            loop.remove_reader(fd)

    loop.add_reader(fd, ready)
    fut.add_done_callback(cleanup)
    return fut


def _send(w: Worker, job: dict) -> None:
    """Hand a job to an idle worker: it is reading, so a blocking write of even a large
    job (an ad-hoc query up to the body limit) ends as soon as the worker has read it."""
    fd = w.conn.fileno()
    os.set_blocking(fd, True)
    w.conn.send_bytes(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))


class Pool:
    """``size`` workers over the bundled graph (``store_dir=None``) or a store."""

    def __init__(self, size: int, store_dir: str | None = None) -> None:
        self.size = size
        self.store_dir = store_dir
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: list[Worker] = []  # a stack: the last to answer answers next
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        self._all: set[Worker] = set()
        self._watch: asyncio.TimerHandle | None = None
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
            hello = pickle.loads(await asyncio.wait_for(_receive(w), timeout))
        except (TimeoutError, EOFError, OSError, pickle.UnpicklingError):
            self._discard(w)
            raise InputError("a query worker did not start (the graph could not be "
                             "loaded)") from None
        if not hello.get("ok"):
            self._discard(w)
            raise InputError(hello.get("message", "a query worker could not load the graph"))
        w.pid = hello["pid"]
        self._release(w)

    async def start(self) -> None:
        """Start every worker and wait until each holds the graph."""
        workers = [self._spawn() for _ in range(self.size)]
        await asyncio.gather(*(self._ready(w) for w in workers))
        self._watch_idle()

    def _watch_idle(self) -> None:
        """Twice a second: an idle worker that ended (killed from outside) is replaced.
        With the idle workers a stack, one at the bottom may wait long for a job that would
        find it dead."""
        if self._closed:
            return
        for w in [w for w in self._idle if not w.process.is_alive()]:
            self._idle.remove(w)
            self._discard(w)
            self._replace()
        self._watch = asyncio.get_running_loop().call_later(0.5, self._watch_idle)

    def _release(self, w: Worker) -> None:
        """An idle worker: to the first caller waiting, else onto the stack."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(w)
                return
        self._idle.append(w)

    async def _acquire(self, timeout: float) -> Worker:
        if self._idle:
            return self._idle.pop()
        waiter = asyncio.get_running_loop().create_future()
        self._waiters.append(waiter)
        try:
            return await asyncio.wait_for(waiter, timeout)
        except BaseException:
            if waiter.done() and not waiter.cancelled() and waiter.exception() is None:
                self._release(waiter.result())  # handed over just too late: pass it on
            raise

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
        if self._watch is not None:
            self._watch.cancel()
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
        return len(self._all) - len(self._idle)

    # ----------------------------------------------------------------- jobs

    async def call(self, job: dict, timeout: float) -> dict:
        """The worker's answer to ``job``, within ``timeout`` seconds (waiting for a free
        worker included); :class:`QueryTimeout` past it, the worker then killed."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                w = await self._acquire(max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise QueryTimeout(f"every query worker stayed busy for the {timeout:g} s "
                                   "limit; try again later") from None
            if w.process.is_alive():
                break
            self._discard(w)  # ended while idle (killed from outside): replaced, not used
            self._replace()
        try:
            _send(w, job)
            remaining = max(0.0, deadline - time.monotonic())
            answer = pickle.loads(await asyncio.wait_for(_receive(w), remaining))
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
        except (EOFError, OSError, pickle.UnpicklingError):
            self._discard(w)
            self._replace()
            raise WorkerDied("the query's worker process ended unexpectedly; "
                             "no result") from None
        w.jobs += 1
        self._release(w)
        return answer
