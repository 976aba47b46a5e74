"""The jobs of one server process, evaluated on a thread of their own under a time limit.

A server process (:mod:`clustergraph.serve.prefork`) holds its connections on an event loop
and its graph in memory (or its store open read-only); :class:`Runner` evaluates the jobs
of :mod:`clustergraph.serve.worker` on dedicated evaluation threads, so the event loop
stays free while Oxigraph evaluates (pyoxigraph releases the GIL while it evaluates a
query); the threads are sealed against network connections. At most :data:`THREADS` jobs
evaluate at once; the others wait in line, within their own deadline (past it, 503: "every
query slot stayed busy").

Oxigraph cannot cancel a query. A job still running at its deadline answers 503 at once;
its thread is abandoned (it ends when its query does, or with the process), and
``on_stuck`` is called: the server process then stops accepting, lets its other requests
finish and exits, and the supervisor starts another in its place, so the CPU the runaway
query uses is freed when the process ends (at most the time limit later, however long the
query would have run). The process is then *retiring*: one new evaluation thread takes the
abandoned one's place for the jobs already waiting in line, but if one of those runs past
its deadline too, no further thread is started: every job still waiting, and every later
one, answers 503 at once. So a retiring process evaluates at most two runaway queries, not
one per request it still holds. A job that gets its slot with less than a tenth of its time
limit left answers 503 without starting (it would only have retired the process). A caller
that goes away (the client disconnected) does not free the slot: the job still holds it
until it ends or reaches its deadline.
"""

from __future__ import annotations

import asyncio
import collections
import queue
import sys
import threading
import traceback
from collections.abc import Callable
from typing import Any

from .. import netguard
from ..errors import QueryTimeout
from . import worker

#: Evaluation threads per server process: the queries it evaluates at once. One: two were
#: measured (README, ``clustergraph serve``) and cost more CPU per request; they only help
#: when one process happens to hold most connections.
THREADS = 1
REPLACED = ("this server process is being replaced after a query ran past its time limit; "
            "try again")
INTERNAL = {"ok": False, "status": 500,
            "message": "internal error: the server could not answer this request"}


class _Job:
    __slots__ = ("job", "future", "loop", "timer", "over", "computed", "lock")

    def __init__(self, job: dict, future: asyncio.Future, loop: asyncio.AbstractEventLoop):
        self.job = job
        self.future = future
        self.loop = loop
        self.timer: asyncio.TimerHandle | None = None
        self.over = False  # answered (or expired): nothing more to do
        self.computed = False  # its thread has the answer (set there)
        #: ``over`` and ``computed`` are each read by one thread and set by the other
        self.lock = threading.Lock()


class Runner:
    """Jobs over the bundled graph (``store_dir=None``) or a store, one at a time, each
    within ``timeout`` seconds of its call (waiting in line included)."""

    def __init__(self, store_dir: str | None = None,
                 on_stuck: Callable[[], None] | None = None, size: int = THREADS) -> None:
        self.store_dir = store_dir
        self.on_stuck = on_stuck
        self.size = size
        self.kg: Any = None
        self.stuck = 0  #: jobs that ran past their deadline
        self.running = 0  #: jobs evaluating (at most ``size``)
        self._waiters: collections.deque[asyncio.Future] = collections.deque()
        #: a job ran past its deadline: the process is being replaced
        self.retiring = False
        #: a second one did too: no evaluation thread is left for new jobs
        self.closed = False
        self._queue: queue.SimpleQueue | None = None

    # ----------------------------------------------------------------- life cycle

    def load(self) -> None:
        """Load the graph (a :class:`~clustergraph.errors.ClustergraphError` if it cannot
        be) and start the evaluation threads; once."""
        if self.kg is None:
            self.kg = worker.open_graph(self.store_dir)
        if self._queue is None:
            self._queue = queue.SimpleQueue()
            for _ in range(self.size):
                self._thread()

    async def start(self) -> None:
        self.load()

    async def close(self) -> None:
        if self._queue is not None:
            for _ in range(self.size):
                self._queue.put(None)
            self._queue = None

    def _thread(self) -> None:
        threading.Thread(target=self._evaluate, args=(self._queue,), daemon=True,
                         name="clustergraph-serve-evaluate").start()

    def _evaluate(self, jobs: queue.SimpleQueue) -> None:
        """The evaluation thread: answer jobs until told to stop (``None``). It is sealed
        first (:func:`clustergraph.netguard.seal_current_thread`: no network connection
        from it, whatever a query asks), so the library's sealed calls run in it too,
        without handing the work to another thread."""
        try:
            netguard.seal_current_thread()
        except OSError as exc:  # said in the log; the library then seals its own calls
            print(f"clustergraph: the evaluation thread could not be sealed: {exc}",
                  file=sys.stderr, flush=True)
        while True:
            item = jobs.get()
            if item is None:
                return
            try:
                result = worker.answer(self.kg, item.job)
            except Exception:  # a bug: said in the log, a sentence in the response
                traceback.print_exc(file=sys.stderr)
                result = INTERNAL
            with item.lock:
                item.computed = True
                expired = item.over
            if expired:  # it ran past its deadline: another thread took this one's place
                return
            try:
                item.loop.call_soon_threadsafe(self._finished, item, result)
            except RuntimeError:  # the loop is closed: the server is stopping
                return

    # ----------------------------------------------------------------- jobs

    async def call(self, job: dict, timeout: float) -> dict:
        """The answer to ``job`` within ``timeout`` seconds; :class:`QueryTimeout` past it
        (the job then abandoned, ``on_stuck`` called if it had started)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        if self.closed:
            raise QueryTimeout(REPLACED)
        if self.running >= self.size:
            waiter = loop.create_future()
            self._waiters.append(waiter)
            try:
                await asyncio.wait_for(waiter, timeout)
            except BaseException as exc:
                if waiter.done() and not waiter.cancelled():
                    self._release()  # handed the slot just too late: pass it on
                if isinstance(exc, TimeoutError):
                    raise QueryTimeout(f"every query slot stayed busy for the {timeout:g} s "
                                       "limit; try again later") from None
                raise
            if self.closed:
                raise QueryTimeout(REPLACED)
            if deadline - loop.time() < timeout / 10:  # too little time left to use the slot
                self._release()
                raise QueryTimeout(f"every query slot stayed busy for the {timeout:g} s "
                                   "limit; try again later")
        else:
            self.running += 1
        if self._queue is None:
            self.load()
        item = _Job(job, loop.create_future(), loop)
        item.timer = loop.call_at(deadline, self._expired, item, timeout)
        self._queue.put(item)
        return await item.future

    def _finished(self, item: _Job, result: dict) -> None:
        """On the loop: a job's answer (ignored if it expired meanwhile)."""
        if item.over:
            return
        item.over = True
        item.timer.cancel()
        if not item.future.done():  # not cancelled (the client still waits)
            item.future.set_result(result)
        self._release()

    def _expired(self, item: _Job, timeout: float) -> None:
        """On the loop: a job reached its deadline still running."""
        with item.lock:
            if item.over or item.computed:  # answered just in time: its answer is coming
                return
            item.over = True
        self.stuck += 1
        if not item.future.done():
            item.future.set_exception(QueryTimeout(
                f"the query ran past the {timeout:g} s time limit; no result (its server "
                "process is being replaced)"))
        # its thread is stuck in that query: it is left to end with it or with the process
        if self.retiring:  # the second: no more threads; the waiting jobs answer 503 now
            self.closed = True
            while self._waiters:
                waiter = self._waiters.popleft()
                if not waiter.done():
                    waiter.set_result(None)  # woken into call(), which sees `closed`
            return
        self.retiring = True
        self._thread()  # for the jobs already waiting in line
        self._release()
        if self.on_stuck is not None:
            self.on_stuck()

    def _release(self) -> None:
        """A slot to the first caller waiting, else free."""
        while self._waiters:
            waiter = self._waiters.popleft()
            if not waiter.done():
                waiter.set_result(None)
                return
        self.running -= 1
