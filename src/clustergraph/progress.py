"""Progress on standard error for work that can take more than a couple of seconds.

One line, redrawn in place, says what is being done and how far it is::

    clustergraph: loading RDF files: 37/120 files, 4 s
    clustergraph: validating (pySHACL, owlrl inference), 12 s

It is shown only when standard error is a terminal, never with ``--quiet``
(:func:`set_quiet`) or ``CLUSTERGRAPH_PROGRESS=0``, and it is erased when the work ends, so
neither logs nor pipes ever see it. When it is off the API costs nothing: :func:`each`
returns its iterable as it is and :func:`task` an object whose methods do nothing.

The API, for call sites of a line or two:

- ``with task("validating"):`` around a long call (elapsed seconds are redrawn every second);
  ``task(what, total=n, unit="files")`` with ``.advance(k)`` to count;
- ``for item in each(items, "loading RDF files", unit="files"):`` counts as it goes;
- ``note(message)``: an informational line on stderr (``clustergraph: wrote ...``), dropped
  with ``--quiet``; errors are never dropped.

Tasks nest (a load inside a validation): the line shows the outer ones' names, then the
innermost with its count (``validating > loading RDF files: 3/12 files, 1 s``).
Only the standard library is imported.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Iterable, Iterator
from typing import IO, TypeVar

T = TypeVar("T")

#: Seconds between redraws of the line (counting faster than this draws nothing more).
REDRAW = 0.1
#: Seconds between redraws when nothing is counted (the elapsed time ticks).
TICK = 1.0

_quiet = False
_lock = threading.RLock()
_stack: list[Task] = []
_stop: threading.Event | None = None  # the running ticker's: set when the last task ends


def set_quiet(quiet: bool) -> None:
    """``--quiet``: no progress and no :func:`note` lines (errors are still shown)."""
    global _quiet
    _quiet = bool(quiet)


def is_quiet() -> bool:
    return _quiet


def _stream() -> IO[str]:
    return sys.stderr


def enabled() -> bool:
    """Whether progress is drawn: not quiet, not turned off, and stderr is a terminal."""
    if _quiet or os.environ.get("CLUSTERGRAPH_PROGRESS") == "0":
        return False
    isatty = getattr(_stream(), "isatty", None)
    try:
        return bool(isatty and isatty())
    except ValueError:  # a closed stream
        return False


def note(message: str) -> None:
    """An informational line on stderr, unless ``--quiet``."""
    if _quiet:
        return
    with _lock:
        _clear()
        print(message, file=_stream(), flush=True)
        _draw(force=True)


class Task:
    """One piece of work being shown; use :func:`task` to make one."""

    def __init__(self, what: str, total: int | None = None, unit: str = "") -> None:
        self.what = what
        self.total = total
        self.unit = unit
        self.done = 0
        self.started = time.monotonic()

    def advance(self, n: int = 1) -> None:
        """``n`` more units done."""
        self.done += n
        _draw()

    def text(self) -> str:
        parts = [self.what]
        if self.total is not None:
            parts.append(f": {self.done}/{self.total}{' ' + self.unit if self.unit else ''}")
        elif self.done:
            parts.append(f": {self.done}{' ' + self.unit if self.unit else ''}")
        parts.append(f", {int(time.monotonic() - self.started)} s")
        return "".join(parts)

    def __enter__(self) -> Task:
        global _stop
        with _lock:
            _stack.append(self)
            _draw(force=True)
            if _stop is None:
                _stop = threading.Event()
                threading.Thread(target=_tick, args=(_stop,), name="clustergraph-progress",
                                 daemon=True).start()
        return self

    def __exit__(self, *_exc: object) -> None:
        global _stop
        with _lock:
            if self in _stack:
                _stack.remove(self)
            _clear()
            if _stack:
                _draw(force=True)
            elif _stop is not None:
                _stop.set()
                _stop = None


class _Off:
    """What :func:`task` gives when progress is not shown: does nothing."""

    def advance(self, n: int = 1) -> None:
        pass

    def __enter__(self) -> _Off:
        return self

    def __exit__(self, *_exc: object) -> None:
        pass


def task(what: str, total: int | None = None, unit: str = "") -> Task | _Off:
    """A context manager showing ``what`` (and ``done/total unit`` as it advances)."""
    return Task(what, total, unit) if enabled() else _Off()


def each(items: Iterable[T], what: str, total: int | None = None,
         unit: str = "") -> Iterable[T]:
    """``items``, counted on the progress line as they are taken (``total`` defaults to
    ``len(items)`` when it has one). Without progress, ``items`` itself."""
    if not enabled():
        return items
    if total is None and hasattr(items, "__len__"):
        total = len(items)  # type: ignore[arg-type]
    return _each(items, Task(what, total, unit))


def _each(items: Iterable[T], t: Task) -> Iterator[T]:
    with t:
        for item in items:
            yield item
            t.advance()


def abandon() -> None:
    """Erase the line and forget every task: the work stopped with an error (the CLI calls
    this before it prints the error, so that the message starts a clean line)."""
    global _stop
    with _lock:
        _stack.clear()
        _clear()
        if _stop is not None:
            _stop.set()
            _stop = None


# --------------------------------------------------------------------------- drawing

_last_draw = 0.0
_shown = False


def _clear() -> None:
    global _shown
    if _shown:
        try:
            _stream().write("\r\x1b[K")
            _stream().flush()
        except (OSError, ValueError):
            pass
        _shown = False


def _draw(force: bool = False) -> None:
    global _last_draw, _shown
    now = time.monotonic()
    if not _stack or (not force and now - _last_draw < REDRAW):
        return
    with _lock:
        if not _stack:
            return
        text = "clustergraph: " + "".join(t.what + " > " for t in _stack[:-1]) \
            + _stack[-1].text()
        try:
            import shutil

            width = shutil.get_terminal_size((100, 24)).columns
            _stream().write("\r\x1b[K" + text[: max(width - 1, 10)])
            _stream().flush()
        except (OSError, ValueError):
            return
        _shown = True
        _last_draw = now


def _tick(stop: threading.Event) -> None:
    while not stop.wait(TICK):
        with _lock:
            if not stop.is_set():
                _draw(force=True)
