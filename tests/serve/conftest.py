"""Fixtures of the serve tests: a real ``clustergraph serve`` on 127.0.0.1 (a free port, the
bundled graph or a store), a real HTTP client (urllib, no proxy), the server processes
under its supervisor as the kernel lists them."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass
from pathlib import Path

import pytest

CLI = str(Path(sys.executable).with_name("clustergraph"))
_OPENER = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Answer:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")


def http(url: str, *, method: str = "GET", data: bytes | None = None,
         headers: dict[str, str] | None = None, timeout: float = 30) -> Answer:
    """One real HTTP request; any status is an answer, not an exception."""
    req = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _OPENER.open(req, timeout=timeout) as r:
            return Answer(r.status, {k.lower(): v for k, v in r.headers.items()}, r.read())
    except urllib.error.HTTPError as exc:
        return Answer(exc.code, {k.lower(): v for k, v in exc.headers.items()}, exc.read())


class Server:
    """``clustergraph serve --port 0 ARGS`` in a subprocess, stopped at the end."""

    def __init__(self, *args: str) -> None:
        self.proc = subprocess.Popen([CLI, "serve", "--port", "0", *args],
                                     stderr=subprocess.PIPE, stdout=subprocess.DEVNULL,
                                     text=True)
        line = self.proc.stderr.readline()
        m = re.search(r"serving (http://127\.0\.0\.1:\d+/)", line)
        if not m:
            self.proc.kill()
            raise RuntimeError(f"the server did not start: {line}{self.proc.stderr.read()}")
        self.url = m.group(1)
        self.startup_line = line
        deadline = time.monotonic() + 60
        while True:
            try:
                if http(self.url + "sparql", headers={"Accept": "text/turtle"},
                        timeout=5).status == 200:
                    break
            except OSError:
                pass
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                raise RuntimeError("the server did not answer within 60 s")
            time.sleep(0.1)

    def get(self, path: str, **kw) -> Answer:  # noqa: ANN003
        return http(self.url + path.lstrip("/"), **kw)

    def workers(self) -> list[int]:
        """The server processes (prefork: the supervisor's spawned children, each accepting
        and evaluating queries; not multiprocessing's resource tracker)."""
        out = []
        for task in Path(f"/proc/{self.proc.pid}/task").iterdir():
            for child in (task / "children").read_text().split():
                try:
                    cmd = Path(f"/proc/{child}/cmdline").read_bytes()
                except FileNotFoundError:
                    continue
                if b"spawn_main" in cmd:
                    out.append(int(child))
        return sorted(out)

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stderr.close()


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a live process (0 if it is gone)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


@pytest.fixture(scope="session")
def server():
    """The bundled graph, a 2 s time limit, at most 1000 rows, 2 workers."""
    s = Server("--timeout", "2", "--max-rows", "1000", "--workers", "2")
    yield s
    s.stop()
