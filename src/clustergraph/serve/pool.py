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
    #: the answer awaited (``None`` while idle)
    pending: asyncio.Future | None = None
    dead: bool = False


def _frame(payload: bytes) -> bytes:
    """:mod:`multiprocessing`'s framing (what the worker's ``Connection.recv`` reads): a
    4-byte big-endian length, or -1 and an 8-byte one, then the bytes."""
    if len(payload) > 0x7FFFFFFF:
        return struct.pack("!iQ", -1, len(payload)) + payload
    return struct.pack("!i", len(payload)) + payload


def _messages(buf: bytearray) -> list[bytes]:
    """The complete messages at the start of ``buf`` (removed from it)."""
    out = []
    while len(buf) >= 4:
        (size,) = struct.unpack_from("!i", buf)
        start = 4
        if size == -1:
            if len(buf) < 12:
                break
            (size,) = struct.unpack_from("!Q", buf, 4)
            start = 12
        if len(buf) < start + size:
            break
        out.append(bytes(buf[start:start + size]))
        del buf[:start + size]
    return out


def _expire(fut: asyncio.Future) -> None:
    if not fut.done():
        fut.set_exception(TimeoutError())


class Pool:
    """``size`` workers over the bundled graph (``store_dir=None``) or a store."""

    def __init__(self, size: int, store_dir: str | None = None) -> None:
        self.size = size
        self.store_dir = store_dir
        self._ctx = multiprocessing.get_context("spawn")
        self._idle: list[Worker] = []  # a stack: the last to answer answers next
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
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

    def _watch(self, w: Worker) -> asyncio.Future:
        """Read the worker's pipe whenever it has data, without blocking (any event loop:
        uvloop makes a watched descriptor non-blocking anyway) and without a thread: each
        complete message answers ``w.pending``; end of file (the worker ended) fails it, or
        replaces the worker at once if it was idle. Returns the future of the first
        message (the worker's hello)."""
        loop = asyncio.get_running_loop()
        fd = w.conn.fileno()
        os.set_blocking(fd, False)
        w.pending = loop.create_future()

        def readable() -> None:
            try:
                # a pipe's capacity: a larger read buffer costs its allocation every time
                chunk = os.read(fd, 65536)
            except BlockingIOError:
                return
            except OSError:
                chunk = b""
            if not chunk:
                loop.remove_reader(fd)
                w.dead = True
                if w.pending is not None and not w.pending.done():
                    w.pending.set_exception(EOFError())
                elif w in self._idle:  # killed from outside while idle
                    self._idle.remove(w)
                    self._discard(w)
                    self._replace()
                return
            w.buffer.extend(chunk)
            for message in _messages(w.buffer):
                if w.pending is not None and not w.pending.done():
                    w.pending.set_result(message)
                w.pending = None

        loop.add_reader(fd, readable)
        return w.pending

    async def _ready(self, w: Worker, timeout: float = 120.0) -> None:
        try:
            hello = pickle.loads(await asyncio.wait_for(self._watch(w), timeout))
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

    async def _write(self, w: Worker, data: bytes) -> None:
        """Write a job to a worker's pipe; a large one (an ad-hoc query up to the body
        limit) in parts, as the worker reads it."""
        fd = w.conn.fileno()
        view = memoryview(data)
        loop = asyncio.get_running_loop()
        while view:
            try:
                view = view[os.write(fd, view):]
            except BlockingIOError:
                writable = loop.create_future()
                loop.add_writer(fd, lambda f=writable: f.done() or f.set_result(None))
                try:
                    await writable
                finally:
                    if not w.conn.closed:
                        loop.remove_writer(fd)

    async def call(self, job: dict, timeout: float) -> dict:
        """The worker's answer to ``job``, within ``timeout`` seconds (waiting for a free
        worker included); :class:`QueryTimeout` past it, the worker then killed."""
        deadline = time.monotonic() + timeout
        data = _frame(pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL))
        loop = asyncio.get_running_loop()
        while True:
            try:
                w = await self._acquire(max(0.0, deadline - time.monotonic()))
            except TimeoutError:
                raise QueryTimeout(f"every query worker stayed busy for the {timeout:g} s "
                                   "limit; try again later") from None
            if w.dead:  # ended while idle, not yet seen: replaced, not used
                self._discard(w)
                self._replace()
                continue
            answer = w.pending = loop.create_future()
            timer = loop.call_later(max(0.0, deadline - time.monotonic()), _expire, answer)
            try:
                await self._write(w, data)
            except BrokenPipeError:  # it ended before reading the job: another one
                timer.cancel()
                w.pending = None
                self._discard(w)
                self._replace()
                continue
            except BaseException:
                timer.cancel()
                self._discard(w)
                self._replace()
                raise
            break
        try:
            result = pickle.loads(await answer)
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
        finally:
            timer.cancel()
        w.jobs += 1
        self._release(w)
        return result
