"""Fault injection on real connections: a TCP proxy on 127.0.0.1 that forwards to a real
store and drops (or stalls) a request after a given number of bytes, and tiny HTTP servers
that answer 500 or never answer. None of them imitates a store: they break the way to one."""

from __future__ import annotations

import contextlib
import socket
import threading
from collections.abc import Iterator
from contextlib import contextmanager


def _pipe(src: socket.socket, dst: socket.socket, limit: int | None, stall: threading.Event,
          on_limit: str, replace: tuple[bytes, bytes] | None = None) -> None:
    sent = 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if replace is not None:
                data = data.replace(*replace)
            if limit is not None and sent + len(data) > limit:
                dst.sendall(data[: max(0, limit - sent)])
                if on_limit == "stall":
                    stall.wait(60)
                break
            dst.sendall(data)
            sent += len(data)
    except OSError:
        pass
    finally:
        for s in (src, dst):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)
            s.close()


@contextmanager
def proxy(upstream_port: int, drop_after: int | None = None, on_limit: str = "drop",
          replace: tuple[bytes, bytes] | None = None) -> Iterator[int]:
    """A proxy to ``127.0.0.1:upstream_port``; requests (client to store) larger than
    ``drop_after`` bytes are cut there: the connection is closed ("drop") or held open with
    nothing more sent ("stall", until the proxy ends). With ``replace`` (old, new: of the
    same length, so that the Content-Length stays true), the bytes the client sends are
    corrupted on the way (within each piece read, so only short requests are sure to be
    hit). Yields its port."""
    if replace is not None:
        assert len(replace[0]) == len(replace[1])
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    port = server.getsockname()[1]
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                client, _ = server.accept()
            except OSError:
                return
            up = socket.create_connection(("127.0.0.1", upstream_port))
            threading.Thread(target=_pipe, args=(client, up, drop_after, stop, on_limit,
                                                 replace), daemon=True).start()
            threading.Thread(target=_pipe, args=(up, client, None, stop, on_limit),
                             daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield port
    finally:
        stop.set()
        server.close()


@contextmanager
def answering(status: int | None) -> Iterator[int]:
    """An HTTP server on 127.0.0.1 that reads each request and answers ``status`` (with a
    short body), or, with ``None``, never answers. Yields its port."""
    server = socket.socket()
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    port = server.getsockname()[1]
    stop = threading.Event()
    held: list[socket.socket] = []

    def serve(conn: socket.socket) -> None:
        conn.settimeout(5)
        try:
            data = b""
            while b"\r\n\r\n" not in data:
                chunk = conn.recv(65536)
                if not chunk:
                    return
                data += chunk
            head, _, rest = data.partition(b"\r\n\r\n")
            length = next((int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                           if line.lower().startswith(b"content-length:")), 0)
            while len(rest) < length:  # the whole body, so that the answer is read
                chunk = conn.recv(65536)
                if not chunk:
                    return
                rest += chunk
            if status is None:
                held.append(conn)
                stop.wait(60)
                return
            body = b"Internal failure of the test store"
            conn.sendall(f"HTTP/1.1 {status} Internal Server Error\r\nContent-Length: "
                         f"{len(body)}\r\nConnection: close\r\n\r\n".encode() + body)
        except OSError:
            pass
        finally:
            conn.close()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                return
            threading.Thread(target=serve, args=(conn,), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    try:
        yield port
    finally:
        stop.set()
        server.close()
