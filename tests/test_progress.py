"""Progress lines: drawn on stderr only when it is a terminal (a real pseudo terminal here),
never with --quiet or when stderr is a pipe or a file; erased when the work ends."""

from __future__ import annotations

import io
import os
import pty
import select
import subprocess
import sys

import pytest

from clustergraph import progress
from clustergraph.resources import LAYERS
from clustergraph.store import bundled_sources

CLEAR = "\r\x1b[K"


def run_on_pty(*args: str) -> tuple[int, str, str]:
    """``clustergraph ARGS`` with stderr on a pseudo terminal (stdout a pipe): exit code,
    stdout, and everything written to the terminal."""
    master, slave = pty.openpty()
    env = {**os.environ, "COLUMNS": "200"}
    env.pop("CLUSTERGRAPH_PROGRESS", None)
    code = "from clustergraph.cli import main; main(prog_name='clustergraph')"
    proc = subprocess.Popen([sys.executable, "-c", code, *args], stdout=subprocess.PIPE,
                            stderr=slave, stdin=subprocess.DEVNULL, env=env)
    os.close(slave)
    seen = b""
    while True:
        ready, _, _ = select.select([master], [], [], 60)
        if not ready:
            proc.kill()
            pytest.fail("no output from the process for 60 s")
        try:
            chunk = os.read(master, 65536)
        except OSError:  # the other side closed (Linux: EIO)
            break
        if not chunk:
            break
        seen += chunk
    out = proc.stdout.read().decode() if proc.stdout else ""
    rc = proc.wait(60)
    os.close(master)
    return rc, out, seen.decode().replace("\r\n", "\n")  # the terminal's own line ends


def bundled_files() -> int:
    return len(bundled_sources(list(LAYERS)))


def test_progress_is_shown_on_a_terminal_and_erased() -> None:
    rc, out, tty = run_on_pty("info")
    assert rc == 0
    assert out.startswith("clustergraph ")  # the output itself is untouched, on stdout
    n = bundled_files()
    first = f"{CLEAR}clustergraph: loading RDF files: 0/{n} files, 0 s"
    assert tty.startswith(first)
    assert tty.endswith(CLEAR)  # the line is erased when the work ends
    frames = [f for f in tty.split(CLEAR) if f]
    assert all(f.startswith("clustergraph: loading RDF files: ") for f in frames)
    assert all(f.endswith(" s") and "/" + str(n) + " files, " in f for f in frames)


def test_quiet_turns_it_off() -> None:
    rc, out, tty = run_on_pty("--quiet", "info")
    assert rc == 0 and out.startswith("clustergraph ")
    assert tty == ""


def test_not_shown_when_stderr_is_not_a_terminal() -> None:
    code = "from clustergraph.cli import main; main(prog_name='clustergraph')"
    proc = subprocess.run([sys.executable, "-c", code, "info"], capture_output=True,
                          text=True, check=False)
    assert proc.returncode == 0
    assert proc.stderr == ""


def test_an_error_starts_a_clean_line(tmp_path) -> None:  # noqa: ANN001
    bad = tmp_path / "bad.ttl"
    bad.write_text("<a> <b> .\n", encoding="utf-8")
    rc, _out, tty = run_on_pty("info", str(bad))
    assert rc == 3
    line = tty.rsplit(CLEAR, 1)[1]  # after the progress line is erased: the error alone
    assert line.startswith("clustergraph: error: ")
    assert line.count("\n") == 1 and line.endswith("\n")


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


@pytest.fixture()
def terminal(monkeypatch: pytest.MonkeyPatch) -> FakeTerminal:
    fake = FakeTerminal()
    monkeypatch.setattr(progress, "_stream", lambda: fake)  # pytest re-captures sys.stderr
    monkeypatch.delenv("CLUSTERGRAPH_PROGRESS", raising=False)
    monkeypatch.setenv("COLUMNS", "200")
    monkeypatch.setattr(progress, "REDRAW", 0.0)  # every step drawn
    monkeypatch.setattr(progress, "TICK", 3600.0)  # no ticks during the test
    progress.set_quiet(False)
    return fake


def test_nested_tasks_and_counts(terminal: FakeTerminal) -> None:
    with progress.task("validating"):
        for _ in progress.each(["a", "b"], "loading RDF files", unit="files"):
            pass
    assert terminal.getvalue().split(CLEAR) == [
        "",
        "clustergraph: validating, 0 s",
        "clustergraph: validating > loading RDF files: 0/2 files, 0 s",
        "clustergraph: validating > loading RDF files: 1/2 files, 0 s",
        "clustergraph: validating > loading RDF files: 2/2 files, 0 s",
        "",  # the inner task ends: erased, the outer one drawn again
        "clustergraph: validating, 0 s",
        "",
    ]


def test_note_is_a_line_of_its_own_and_quiet_drops_it(terminal: FakeTerminal) -> None:
    progress.note("clustergraph: wrote x.ttl")
    progress.set_quiet(True)
    try:
        progress.note("clustergraph: wrote y.ttl")
        with progress.task("exporting"):
            pass
    finally:
        progress.set_quiet(False)
    assert terminal.getvalue() == "clustergraph: wrote x.ttl\n"


def test_off_costs_nothing(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(progress, "_stream", io.StringIO)  # not a terminal
    items = [1, 2, 3]
    assert progress.each(items, "counting") is items
    assert isinstance(progress.task("x"), progress._Off)
