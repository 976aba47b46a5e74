"""Writing files: the one output path of every command that writes (export, docs, generate).

What a write guarantees (:class:`OutputFile`, :func:`write_output`):

- ``-`` is standard output. A closed pipe (``| head -c1``) or a full device is an
  :class:`~clustergraph.errors.OutputError` (exit 7, one line), never a traceback.
- A regular file is replaced **atomically**: written to a temporary file beside it, flushed,
  fsynced and renamed over it. Any error or interruption (a full disk, a file-size limit,
  Ctrl-C) leaves the old file as it was and removes the temporary file. An existing file keeps
  its permissions; a read-only file, or a file in a read-only folder (no write permission
  bit), is refused rather than replaced.
- A **symlink** is followed: its target is replaced (atomically, beside the target) and the
  link stays a link.
- A **FIFO or a character device** (``/dev/null``, a named pipe) is written to directly,
  never replaced by a regular file; any other kind of file (a socket, a block device) is
  refused. A directory is refused.
- A **store's own files** are never a target: a path inside a clustergraph store directory
  (or the directory itself) is refused (exit 7), so ``export --store S --output S/...`` cannot
  destroy the store.
- ``.gz`` at the end of the name writes gzip (deterministic: no time stamp, no file name).

The format of an RDF output comes from its name too: see :mod:`clustergraph.formats`.
"""

from __future__ import annotations

import contextlib
import errno
import gzip
import io
import os
import stat
import sys
import tempfile
from pathlib import Path
from typing import IO, Any

from .errors import OutputError

#: Compression level of ``.gz`` outputs (6: gzip's default; 9 is 3x slower for ~3 % less).
GZIP_LEVEL = 6


def _reason(exc: OSError) -> str:
    return exc.strerror or str(exc)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def refuse_store_target(path: str | Path) -> None:
    """Refuse ``path`` if it is a clustergraph store directory or lies inside one."""
    from .store import is_store

    p = Path(os.path.realpath(path))
    for candidate in (p, *p.parents):
        if is_store(candidate):
            where = "is a clustergraph store" if candidate == p else \
                f"is inside the clustergraph store {candidate}"
            raise OutputError(f"{path}: {where}; a store's own files are never an output "
                              "(write the file elsewhere)")


def _stdout_failed(exc: OSError) -> OutputError:
    """The error for a failed write to standard output, after pointing the stream at
    /dev/null so that the interpreter's final flush does not fail a second time."""
    with contextlib.suppress(OSError, ValueError, AttributeError, io.UnsupportedOperation):
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    if isinstance(exc, BrokenPipeError) or exc.errno == errno.EPIPE:
        return OutputError("-: standard output was closed before everything was written "
                           "(broken pipe)")
    return OutputError(f"-: standard output cannot be written ({_reason(exc)})")


class _FdSink(io.RawIOBase):
    """A file descriptor as a raw stream whose ``write`` writes everything or raises.

    Python's buffered files can report a short write (a file-size limit reached, a full
    disk after a partial write) as a byte count instead of an error, and ``gzip`` and text
    wrappers ignore that count: the output would be silently cut. Here a short write is
    retried, so the next attempt raises the real error (EFBIG, ENOSPC)."""

    def __init__(self, fd: int) -> None:
        self._fd = fd

    def writable(self) -> bool:
        return True

    def fileno(self) -> int:
        return self._fd

    def write(self, data: Any) -> int:
        view = memoryview(data).cast("B")
        done = 0
        while done < len(view):
            done += os.write(self._fd, view[done:])
        return done

    def close(self) -> None:
        if not self.closed:
            try:
                os.close(self._fd)
            finally:
                super().close()


def _open_fd(fd: int, buffering: int) -> IO[bytes]:
    size = io.DEFAULT_BUFFER_SIZE if buffering < 0 else max(buffering, 1)
    return io.BufferedWriter(_FdSink(fd), buffer_size=size)  # type: ignore[return-value]


class _Stdout(io.RawIOBase):
    """Standard output as a binary stream whose failures are OutputErrors."""

    def writable(self) -> bool:
        return True

    def write(self, data: Any) -> int:
        stream = getattr(sys.stdout, "buffer", None)
        view = memoryview(data).cast("B")
        try:
            if stream is None:
                sys.stdout.write(bytes(view).decode("utf-8"))
                return len(view)
            done = 0
            while done < len(view):  # a short write is retried: the next one says why
                n = stream.write(view[done:])
                done += len(view) - done if n is None else n
        except OSError as exc:
            raise _stdout_failed(exc) from None
        return len(view)

    def flush(self) -> None:
        try:
            sys.stdout.flush()
        except OSError as exc:
            raise _stdout_failed(exc) from None


class OutputFile:
    """One output being written: ``with OutputFile(path) as fh: fh.write(...)``.

    On a normal exit the file is committed (renamed into place); on an exception it is
    abandoned (the temporary file removed, an existing target untouched). ``compress``
    defaults to whether the name ends in ``.gz``; ``text`` gives a UTF-8 text stream with
    ``\\n`` line ends. ``durable=False`` skips the fsyncs (still atomic; for files that are
    regenerated wholesale, like a synthetic landscape: 94 fsyncs cost 1.1 s of 1.7 s). See
    the module docstring for what each kind of target gets.
    """

    def __init__(self, path: str | Path, *, compress: bool | None = None,
                 text: bool = False, buffering: int = -1, durable: bool = True) -> None:
        self.name = str(path)
        self.durable = durable
        self.compress = self.name.lower().endswith(".gz") if compress is None else compress
        self._tmp: str | None = None
        self._target: Path | None = None
        self._raw: IO[bytes] | Any
        if self.name == "-":
            self._raw = _Stdout()
        else:
            self._raw = self._open(Path(path), buffering)
        stream: Any = self._raw
        self._gz = None
        if self.compress:
            self._gz = gzip.GzipFile(filename="", mode="wb", fileobj=stream,
                                     compresslevel=GZIP_LEVEL, mtime=0)
            stream = self._gz
        self._text = None
        if text:
            self._text = io.TextIOWrapper(stream, encoding="utf-8", newline="\n",
                                          write_through=False)
            stream = self._text
        self.file: Any = stream

    # -- preparing the target ----------------------------------------------------------------
    def _open(self, path: Path, buffering: int = -1) -> IO[bytes]:
        refuse_store_target(path)
        try:  # follows symlinks, /proc's magic links (/dev/stdout) included
            st: os.stat_result | None = os.stat(path)
        except FileNotFoundError:
            st = None
        except OSError as exc:
            raise OutputError(f"{path}: cannot be written ({_reason(exc)})") from None
        if st is not None:
            if stat.S_ISDIR(st.st_mode):
                raise OutputError(f"{path}: is a directory (give a file name)")
            if stat.S_ISFIFO(st.st_mode) or stat.S_ISCHR(st.st_mode):
                try:  # a named pipe or a device: written to, never replaced
                    return _open_fd(os.open(path, os.O_WRONLY | os.O_TRUNC), buffering)
                except OSError as exc:
                    raise OutputError(f"{path}: cannot be written ({_reason(exc)})") from None
            if not stat.S_ISREG(st.st_mode):
                raise OutputError(f"{path}: is not a regular file, a FIFO or a character "
                                  "device; not writing to it")
            if not st.st_mode & 0o222 or not os.access(path, os.W_OK):
                raise OutputError(f"{path}: is read-only; not replacing it")
        target = Path(os.path.realpath(path)) if path.is_symlink() else path
        if st is not None:
            try:
                same = os.stat(target)
            except OSError:
                same = None
            if same is None or (same.st_dev, same.st_ino) != (st.st_dev, st.st_ino):
                raise OutputError(f"{path}: a link whose file has no name to replace it by "
                                  "(e.g. /dev/stdout on a file); not writing to it (use -)")
        folder = target.parent if str(target.parent) else Path(".")
        if not folder.is_dir():
            raise OutputError(f"{path}: the folder {folder} does not exist")
        fst = folder.stat()
        if not fst.st_mode & 0o222 or not os.access(folder, os.W_OK | os.X_OK):
            raise OutputError(f"{path}: the folder {folder} is read-only")
        try:
            fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
        except OSError as exc:
            raise OutputError(f"{path}: cannot be written ({_reason(exc)})") from None
        self._tmp, self._target = tmp, target
        self._mode = (st.st_mode & 0o7777) if st is not None else (0o666 & ~_umask())
        return _open_fd(fd, buffering)

    # -- finishing ---------------------------------------------------------------------------
    def _fail(self, exc: OSError) -> OutputError:
        if self.name == "-":
            return _stdout_failed(exc)
        return OutputError(f"{self.name}: cannot be written ({_reason(exc)})")

    def write(self, data: Any) -> int:
        try:
            return self.file.write(data)
        except OutputError:
            raise
        except OSError as exc:
            raise self._fail(exc) from None

    def commit(self) -> None:
        """Flush everything and put the file in place (rename over the target)."""
        try:
            if self._text is not None:
                self._text.flush()
                self._text.detach()
            if self._gz is not None:
                self._gz.close()
            self._raw.flush()
            if self._tmp is not None and self.durable:
                os.fsync(self._raw.fileno())
            self._raw.close()
            if self._tmp is not None and self._target is not None:
                os.chmod(self._tmp, self._mode)
                os.replace(self._tmp, self._target)
                self._tmp = None
                if self.durable:
                    _fsync_folder(self._target.parent)
        except OSError as exc:
            self.abort()
            raise self._fail(exc) from None
        except BaseException:  # an OutputError, Ctrl-C: nothing left behind either
            self.abort()
            raise

    def abort(self) -> None:
        """Abandon the write: the temporary file removed, the target untouched."""
        for closer in (self._text, self._gz, self._raw):
            if closer is None or closer is self._raw and self.name == "-":
                continue
            with contextlib.suppress(Exception):
                closer.close()
        if self._tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(self._tmp)
            self._tmp = None

    def __enter__(self) -> Any:
        return self.file

    def __exit__(self, kind: Any, exc: Any, tb: Any) -> None:
        if kind is None:
            self.commit()
            return
        self.abort()
        if isinstance(exc, OSError) and not isinstance(exc, OutputError):
            raise self._fail(exc) from None


def _fsync_folder(folder: Path) -> None:
    with contextlib.suppress(OSError):  # make the rename itself durable
        dfd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(dfd)
        finally:
            os.close(dfd)


def write_output(path: str | Path, data: bytes, *, compress: bool | None = None) -> None:
    """Write ``data`` to ``path`` (``-``: standard output) as :class:`OutputFile` does:
    atomically for a regular file, gzip for ``.gz``, every failure an OutputError."""
    out = OutputFile(path, compress=compress)
    try:
        out.write(data)
    except BaseException:
        out.abort()
        raise
    out.commit()


#: The name kept for the writers that called export.write_atomic.
write_atomic = write_output
