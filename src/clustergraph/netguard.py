"""No outbound connection while local data is evaluated: the second wall behind the text
check of :mod:`clustergraph.sparql_text`.

pyoxigraph 0.5 has no option to turn ``SERVICE`` off, and its HTTP client is Rust code: a
Python audit hook never sees its sockets. So local evaluation (``query run`` without
``--endpoint``, ``validate`` on both engines) runs in *sealed* threads:

- **A seccomp filter on the thread** (Linux, x86-64 and AArch64): the kernel answers
  ``EPERM`` to ``socket()`` for any address family but ``AF_UNIX``, and to
  ``io_uring_setup``; a call from another system-call ABI (i386, x32) gets ``EPERM`` too.
  The filter is installed by the thread on itself (``PR_SET_NO_NEW_PRIVS`` and
  ``PR_SET_SECCOMP``, no privilege needed), holds for every thread it starts, and cannot
  be lifted; other threads of the process (a server's, a test's) are not affected. Oxigraph
  answers a ``SERVICE`` call from such a thread with ``Operation not permitted`` before any
  packet leaves: no DNS query, no TCP connection.
- **A Python audit hook** (:func:`sys.addaudithook`, installed once, enforcing only in the
  threads that ask for it): in a sealed thread every ``urllib.Request``,
  ``socket.getaddrinfo`` and ``socket.connect`` (other than ``AF_UNIX``) is refused; while
  :func:`only` is active (``query run --endpoint URL``) the thread may connect to that
  endpoint's host and port (or to the proxy that the environment names for it) and nothing
  else, redirects included.

Limits: the seccomp filter exists on Linux only (elsewhere :data:`SECCOMP` is false and the
audit hook, which cannot see Rust sockets, is all there is); it does not close sockets that
were open before the thread was sealed (none are shared with Oxigraph); it guards the
evaluation threads, not the whole process (parsing of input files runs in the caller's
thread; their loaders do not fetch). A thread is sealed for its lifetime, so sealed threads
are pooled, for local evaluation only, by :mod:`clustergraph.threads`.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import platform
import socket
import sys
import threading
import traceback
import urllib.parse
import urllib.request
from collections.abc import Iterable, Iterator
from typing import Any, TypeVar

from .errors import RefusedError

__all__ = ["SECCOMP", "NetworkRefused", "drop_frames", "is_sealed", "only", "proxies_for",
           "seal_current_thread"]

T = TypeVar("T")


class NetworkRefused(RefusedError):
    """A connection attempted where none is allowed (exit 4)."""


# --------------------------------------------------------------------------- seccomp

_AUDIT_ARCH = {"x86_64": 0xC000003E, "aarch64": 0xC00000B7}
_SYS_SOCKET = {"x86_64": 41, "aarch64": 198}
_SYS_IO_URING_SETUP = 425  # the same number on both
_X32_BIT = 0x40000000
_LD_ABS_W, _JEQ_K, _JGE_K, _RET_K = 0x20, 0x15, 0x35, 0x06
_ALLOW, _ERRNO = 0x7FFF0000, 0x00050000
_PR_SET_NO_NEW_PRIVS, _PR_SET_SECCOMP, _SECCOMP_MODE_FILTER = 38, 22, 2


class _Filter(ctypes.Structure):
    _fields_ = [("code", ctypes.c_ushort), ("jt", ctypes.c_ubyte), ("jf", ctypes.c_ubyte),
                ("k", ctypes.c_uint32)]


class _Program(ctypes.Structure):
    _fields_ = [("len", ctypes.c_ushort), ("filter", ctypes.POINTER(_Filter))]


def _bpf(machine: str) -> list[tuple[int, int, int, int]]:
    """The filter: (code, jump if true, jump if false, k) per instruction."""
    deny = _ERRNO | errno.EPERM
    return [
        (_LD_ABS_W, 0, 0, 4),                      # seccomp_data.arch
        (_JEQ_K, 1, 0, _AUDIT_ARCH[machine]),
        (_RET_K, 0, 0, deny),                      # another ABI: nothing
        (_LD_ABS_W, 0, 0, 0),                      # seccomp_data.nr
        (_JGE_K, 0, 1, _X32_BIT),
        (_RET_K, 0, 0, deny),                      # x32 system calls
        (_JEQ_K, 0, 1, _SYS_IO_URING_SETUP),
        (_RET_K, 0, 0, deny),
        (_JEQ_K, 0, 3, _SYS_SOCKET[machine]),      # not socket(): allowed
        (_LD_ABS_W, 0, 0, 16),                     # args[0] (low half): the family
        (_JEQ_K, 1, 0, socket.AF_UNIX),
        (_RET_K, 0, 0, deny),
        (_RET_K, 0, 0, _ALLOW),
    ]


def _seccomp_possible() -> bool:
    return sys.platform.startswith("linux") and platform.machine() in _AUDIT_ARCH


#: Whether sealed threads get the kernel filter (Linux on x86-64 or AArch64; set to false
#: if the kernel turns out to have no seccomp filters, where the audit hook is all there is).
SECCOMP = _seccomp_possible()

_local = threading.local()


def seal_current_thread() -> bool:
    """Seal the calling thread, for good: no network socket from now on (the kernel
    filter where :data:`SECCOMP`, and the audit hook everywhere). Returns whether the
    kernel filter is installed."""
    global SECCOMP
    _install_hook()
    _local.policy = frozenset()
    if getattr(_local, "seccomp", False):
        return True
    if not SECCOMP:
        return False
    libc = ctypes.CDLL(None, use_errno=True)
    program = _bpf(platform.machine())
    instructions = (_Filter * len(program))(*(_Filter(*i) for i in program))
    fprog = _Program(len(program), instructions)
    if libc.prctl(_PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 or \
            libc.prctl(_PR_SET_SECCOMP, _SECCOMP_MODE_FILTER, ctypes.byref(fprog), 0, 0) != 0:
        code = ctypes.get_errno()
        if code in (errno.EINVAL, errno.ENOSYS):  # a kernel built without seccomp filters
            SECCOMP = False
            return False
        raise OSError(code, f"cannot seal the evaluation thread: {errno.errorcode.get(code)}")
    _local.seccomp = True
    return True


def is_sealed() -> bool:
    """Whether the calling thread is sealed (by :func:`seal_current_thread`)."""
    return getattr(_local, "policy", None) == frozenset()


def drop_frames(exc: BaseException) -> None:
    """Clear the locals of every frame in ``exc``'s tracebacks (its context and cause
    too), in the thread that raised it: pyoxigraph objects there (query solutions) may not
    be dropped by another thread."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        traceback.clear_frames(current.__traceback__)
        current = current.__cause__ or current.__context__


# --------------------------------------------------------------------------- audit hook

_hook_lock = threading.Lock()
_hook_installed = False


def _install_hook() -> None:
    global _hook_installed
    with _hook_lock:
        if not _hook_installed:
            sys.addaudithook(_audit)
            _hook_installed = True


def _audit(event: str, args: tuple[Any, ...]) -> None:
    if event not in ("urllib.Request", "socket.getaddrinfo", "socket.connect",
                     "socket.connect_ex", "socket.sendto", "socket.sendmsg"):
        return
    policy = getattr(_local, "policy", None)
    if policy is None:
        return
    if event == "urllib.Request":
        parts = urllib.parse.urlsplit(str(args[0]))
        if parts.scheme in ("file", "data", ""):
            return
        if _origin(parts) in policy:
            return
        raise NetworkRefused(f"{_shown(args[0])}: no connection may be made here "
                             "(only the --endpoint named); refused")
    if event == "socket.getaddrinfo":
        host, port = args[0], args[1]
        host = host.decode("idna") if isinstance(host, bytes) else host
        if (str(host).lower(), _port_number(port)) in policy:
            return
        raise NetworkRefused(f"{host}:{port}: no connection may be made here; refused")
    sock, address = args[0], args[1]
    if getattr(sock, "family", None) == socket.AF_UNIX or not isinstance(address, tuple):
        return
    if (str(address[0]).lower(), address[1]) in policy:
        return
    raise NetworkRefused(f"{address[0]}:{address[1]}: no connection may be made here; refused")


def _port_number(port: Any) -> int | None:
    try:
        return int(port)
    except (TypeError, ValueError):
        return {"http": 80, "https": 443}.get(str(port))


def _origin(parts: urllib.parse.SplitResult) -> tuple[str, int | None]:
    default = {"http": 80, "https": 443}.get(parts.scheme)
    return ((parts.hostname or "").lower(), parts.port or default)


def _shown(url: object) -> str:
    """A URL for a message: without user and password."""
    parts = urllib.parse.urlsplit(str(url))
    netloc = parts.hostname or ""
    if parts.port:
        netloc += f":{parts.port}"
    return urllib.parse.urlunsplit((parts.scheme, netloc, parts.path, "", ""))


@contextlib.contextmanager
def only(url: str, via: Iterable[str] = ()) -> Iterator[None]:
    """While active, the calling thread may connect to ``url``'s host and port (and to the
    proxies ``via``, URLs) and to nothing else; refused attempts raise
    :class:`NetworkRefused`. Not for a sealed thread (it stays sealed)."""
    _install_hook()
    if is_sealed():
        raise NetworkRefused(f"{_shown(url)}: no connection may be made here; refused")
    allowed: set[tuple[str, int | None]] = set()
    for target in (url, *via):
        host, port = _origin(urllib.parse.urlsplit(target))
        allowed.add((host, port))
        try:  # the addresses the host resolves to, resolved before the guard holds
            for *_, address in socket.getaddrinfo(host, port, type=socket.SOCK_STREAM):
                allowed.add((str(address[0]).lower(), address[1]))
        except OSError:
            pass  # the connection will fail on its own, with its own message
    before = getattr(_local, "policy", None)
    _local.policy = frozenset(allowed)
    try:
        yield
    finally:
        _local.policy = before


def proxies_for(url: str) -> list[str]:
    """The proxy URL the environment names for ``url`` (``http_proxy``...), if any."""
    parts = urllib.parse.urlsplit(url)
    proxy = urllib.request.getproxies().get(parts.scheme)
    if proxy and not urllib.request.proxy_bypass(parts.hostname or ""):
        return [proxy if "://" in proxy else f"http://{proxy}"]
    return []
