"""Work handed to pooled daemon threads: under a time limit the caller can give up on, and
sealed against the network where it evaluates local data (:mod:`clustergraph.netguard`).

One pool serves every caller: ``query run`` (a time limit; sealed unless it asks an
endpoint) and ``validate`` (sealed, no limit). A thread is sealed for its lifetime, so the
idle threads are kept in two stacks, sealed and not; the one that finished last takes the
next job, and starting a thread per job (which cost about as much as a small query) is
avoided.

Oxigraph cannot be interrupted while it evaluates, so a time limit is kept by running the
work in a pooled thread while the caller waits: past the limit the caller gives up on the
job (its result is dropped, never shown in part) and that thread ends after it, instead of
going back to the pool.

>>> run(lambda: 6 * 7, timeout=5)
42
"""

from __future__ import annotations

import contextlib
import contextvars
import functools
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any, TypeVar

from . import netguard
from .errors import QueryTimeout, UsageError

__all__ = ["offline", "run"]

T = TypeVar("T")


class _Job:
    def __init__(self, work: Callable[[], object]) -> None:
        self.work = work
        self.done = threading.Lock()
        self.done.acquire()
        self.state = threading.Lock()
        self.finished = self.abandoned = False
        self.value: object = None
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            self.value = self.work()
        except BaseException as exc:  # noqa: BLE001 - re-raised in the caller's thread
            # pyoxigraph results in the frames are dropped here, in the thread that made
            # them: pyoxigraph objects may not be dropped by another thread
            netguard.drop_frames(exc)
            self.error = exc
        self.work = _done  # the closure holds the store: not kept past the job
        with self.state:
            self.finished = True
        self.done.release()

    def wait(self, timeout: float | None) -> bool:
        """Whether the job finished within ``timeout`` (``None``: waits until it does); if
        not, it is abandoned."""
        if self.done.acquire(timeout=-1 if timeout is None else timeout):
            return True
        with self.state:
            self.abandoned = not self.finished
            return self.finished


def _done() -> None:
    """What a finished job's work becomes."""


class _Worker:
    """A daemon thread (sealed if asked) that runs the jobs handed to it, one at a time."""

    def __init__(self, sealed: bool) -> None:
        self.jobs: queue.SimpleQueue[_Job] = queue.SimpleQueue()
        self.sealed = sealed
        self.error: BaseException | None = None
        ready = threading.Event()
        threading.Thread(target=self._loop, args=(ready,),
                         name="clustergraph-sealed" if sealed else "clustergraph-worker",
                         daemon=True).start()
        ready.wait()
        if self.error is not None:
            raise self.error

    def _loop(self, ready: threading.Event) -> None:
        if self.sealed:  # no network socket from this thread, ever
            try:
                netguard.seal_current_thread()
            except BaseException as exc:  # noqa: BLE001 - re-raised by the caller
                self.error = exc
                ready.set()
                return
        ready.set()
        while True:
            job = self.jobs.get()
            job.run()
            abandoned = job.abandoned
            # an idle worker holds nothing of its last job (its store, its result)
            del job
            if abandoned:
                return  # its caller timed out and did not put this worker back


_idle: dict[bool, list[_Worker]] = {True: [], False: []}  # by sealed
_idle_lock = threading.Lock()
_waiting = 0  # callers waiting for a worker (under _idle_lock)
_interval = sys.getswitchinterval()


@contextlib.contextmanager
def _short_switch_interval() -> Iterator[None]:
    """While any caller waits for a worker, a 0.1 ms switch interval (restored when the last
    one stops waiting, so that two threads running queries do not leave it changed).

    While Oxigraph evaluates it releases the GIL, but the worker holds it while it turns
    solutions into Python objects, and the waiting thread then only gets it back at the next
    forced switch (5 ms by default)."""
    global _waiting, _interval
    with _idle_lock:
        if _waiting == 0:
            _interval = sys.getswitchinterval()
            sys.setswitchinterval(min(_interval, 0.0001))
        _waiting += 1
    try:
        yield
    finally:
        with _idle_lock:
            _waiting -= 1
            if _waiting == 0:
                sys.setswitchinterval(_interval)


def run(work: Callable[[], T], *, timeout: float | None = None, sealed: bool = False,
        what: str = "the work") -> T:
    """``work()``'s result (its exception raised here), run in a pooled thread: sealed if
    ``sealed``, and given up on past ``timeout`` seconds (:class:`QueryTimeout` naming
    ``what``). Without a limit and unsealed (or from a thread sealed already) it runs in
    the calling thread. The caller's context variables go with the work (as
    :func:`asyncio.to_thread` does: a command's ``--input-format`` for standard input, for
    example, :mod:`clustergraph.rdfin`)."""
    if timeout is None and (not sealed or netguard.is_sealed()):
        return work()
    if timeout is not None and not 0 < timeout <= threading.TIMEOUT_MAX:  # refuses nan
        raise UsageError(f"--timeout must be a positive number of seconds (got {timeout:g})")
    with _idle_lock:
        idle = _idle[sealed]
        worker = idle.pop() if idle else None
    if worker is None:
        worker = _Worker(sealed)
    context = contextvars.copy_context()
    job = _Job(lambda: context.run(work))
    with _short_switch_interval():
        try:
            worker.jobs.put(job)
            finished = job.wait(timeout)
        except BaseException:  # e.g. Ctrl-C while waiting: the worker is kept only if done
            if job.wait(0):
                with _idle_lock:
                    _idle[sealed].append(worker)
            raise
    if not finished:
        raise QueryTimeout(f"{what} ran past the {timeout or 0:g} s timeout; stopped, no result")
    with _idle_lock:
        _idle[sealed].append(worker)
    if job.error is not None:
        error = job.error
        if sealed and isinstance(error, PermissionError) and "(os error 1)" in str(error):
            # Oxigraph's (Rust) answer to a socket the kernel filter refused: work that got
            # past the text check and tried to call out
            raise netguard.NetworkRefused("the evaluation tried to open a network connection "
                                          "(SERVICE?); refused, nothing was sent") from None
        raise error
    return job.value  # type: ignore[return-value]


def offline(fn: Callable[..., T]) -> Callable[..., T]:
    """Decorator: ``fn`` always runs in a sealed thread (no time limit)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> T:
        return run(lambda: fn(*args, **kwargs), sealed=True)

    return wrapper
