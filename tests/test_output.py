"""The one output path (clustergraph.output): every write checked, only regular files
replaced, a store's own files never a target, interrupted and killed store builds cleaned
up. Everything happens under tmp_path: no device node is touched (a full disk is a file-size
limit on a subprocess, a closed pipe a pipe whose reader is gone)."""

from __future__ import annotations

import os
import resource
import signal
import stat
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from clustergraph import store as st
from clustergraph.cli import main
from clustergraph.errors import OutputError
from clustergraph.output import OutputFile, write_output

CLI = [sys.executable, "-c", "from clustergraph.cli import main; main()"]
PREVIOUS = b"# the previous export\n"


def _one_line(result, code: int, message: str) -> None:  # noqa: ANN001
    assert result.exit_code == code, result.output
    assert result.stderr == f"clustergraph: error: {message}\n"
    assert "Traceback" not in result.output


def _file_size_limit(limit: int):  # noqa: ANN202
    def apply() -> None:
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # EFBIG instead of being killed
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


def _env() -> dict[str, str]:
    return {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}


@pytest.mark.parametrize("name", ["graph.ttl", "graph.nt.gz"])
def test_full_disk_leaves_the_old_file_and_no_temporary(tmp_path: Path, name: str) -> None:
    target = tmp_path / name
    target.write_bytes(PREVIOUS)
    proc = subprocess.run([*CLI, "export", "--layers", "ontology", "--output", str(target)],
                          capture_output=True, text=True, timeout=120, env=_env(),
                          preexec_fn=_file_size_limit(4096))
    assert proc.returncode == 7, proc.stderr
    assert proc.stderr == f"clustergraph: error: {target}: cannot be written (File too large)\n"
    assert target.read_bytes() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == [name]


def test_full_standard_output_is_exit_7(tmp_path: Path) -> None:
    sink = tmp_path / "stdout"
    with sink.open("wb") as out:
        proc = subprocess.run([*CLI, "export", "--layers", "ontology", "--output", "-"],
                              stdout=out, stderr=subprocess.PIPE, text=True, timeout=120,
                              env=_env(), preexec_fn=_file_size_limit(4096))
    assert proc.returncode == 7, proc.stderr
    assert proc.stderr == ("clustergraph: error: -: standard output cannot be written (File "
                           "too large)\n")


def test_closed_pipe_is_exit_7() -> None:
    read_end, write_end = os.pipe()
    os.close(read_end)  # `| head -c1` that has already gone
    try:
        proc = subprocess.run([*CLI, "export", "--layers", "ontology", "--output", "-"],
                              stdout=write_end, stderr=subprocess.PIPE, text=True,
                              timeout=120, env=_env())
    finally:
        os.close(write_end)
    assert proc.returncode == 7, proc.stderr
    assert proc.stderr == ("clustergraph: error: -: standard output was closed before "
                           "everything was written (broken pipe)\n")


def test_read_only_file_is_refused_and_kept(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    target.write_bytes(PREVIOUS)
    target.chmod(0o444)
    result = runner.invoke(main, ["export", "--layers", "ontology", "-o", str(target)])
    _one_line(result, 7, f"{target}: is read-only; not replacing it")
    assert target.read_bytes() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["graph.nt"]


def test_read_only_folder_is_refused(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    (folder / "graph.nt").write_bytes(PREVIOUS)
    folder.chmod(0o555)
    try:
        result = runner.invoke(main, ["export", "--layers", "ontology", "-o",
                                      str(folder / "graph.nt")])
        _one_line(result, 7, f"{folder / 'graph.nt'}: the folder {folder} is read-only")
        assert [p.name for p in folder.iterdir()] == ["graph.nt"]
        assert (folder / "graph.nt").read_bytes() == PREVIOUS
    finally:
        folder.chmod(0o755)


def test_symlink_is_followed_and_kept(runner: CliRunner, tmp_path: Path) -> None:
    real = tmp_path / "real" / "graph.nt"
    real.parent.mkdir()
    real.write_bytes(PREVIOUS)
    real.chmod(0o640)
    link = tmp_path / "link.nt"
    link.symlink_to(real)
    result = runner.invoke(main, ["export", "--layers", "ontology", "-o", str(link)])
    assert result.exit_code == 0, result.output
    assert link.is_symlink() and os.readlink(link) == str(real)
    assert real.read_bytes().startswith(b"<") and real.read_bytes() != PREVIOUS
    assert stat.S_IMODE(real.stat().st_mode) == 0o640  # the target keeps its permissions
    assert sorted(p.name for p in real.parent.iterdir()) == ["graph.nt"]


def test_fifo_is_written_to_not_replaced(runner: CliRunner, tmp_path: Path) -> None:
    fifo = tmp_path / "out.nt"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    result = runner.invoke(main, ["export", "--layers", "ontology", "-o", str(fifo)])
    reader.join(30)
    assert result.exit_code == 0, result.output
    assert stat.S_ISFIFO(os.lstat(fifo).st_mode)
    plain = tmp_path / "plain.nt"
    assert runner.invoke(main, ["export", "--layers", "ontology", "-o", str(plain)]
                         ).exit_code == 0
    assert got == [plain.read_bytes()]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt", "plain.nt"]


def test_a_socket_is_refused(tmp_path: Path) -> None:
    import socket
    import tempfile

    with tempfile.TemporaryDirectory(dir=tmp_path, prefix="s") as d:
        path = Path(d) / "sock"
        if len(str(path)) > 100:  # AF_UNIX paths are short
            path = Path(os.path.relpath(path))
        with socket.socket(socket.AF_UNIX) as sock:
            sock.bind(str(path))
            with pytest.raises(OutputError) as err:
                write_output(path, b"x")
            assert str(err.value) == (f"{path}: is not a regular file, a FIFO or a character "
                                      "device; not writing to it")
            assert stat.S_ISSOCK(os.lstat(path).st_mode)


def test_a_directory_is_refused(tmp_path: Path) -> None:
    with pytest.raises(OutputError) as err:
        write_output(tmp_path, b"x")
    assert str(err.value) == f"{tmp_path}: is a directory (give a file name)"


def test_interrupted_write_leaves_nothing(tmp_path: Path) -> None:
    target = tmp_path / "g.ttl"
    target.write_bytes(PREVIOUS)
    with pytest.raises(KeyboardInterrupt), OutputFile(target) as fh:
        fh.write(b"half")
        raise KeyboardInterrupt
    assert target.read_bytes() == PREVIOUS
    assert [p.name for p in tmp_path.iterdir()] == ["g.ttl"]


def test_a_new_file_gets_the_umask_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        write_output(tmp_path / "n.ttl", b"x")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "n.ttl").stat().st_mode) == 0o640


# ---------------------------------------------------------------------------------------------
# A store's own files are never an output
# ---------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def small_store(tmp_path_factory: pytest.TempPathFactory) -> Path:
    d = tmp_path_factory.mktemp("store") / "st"
    st.build_store(d, ("ontology",))
    return d


def _store_state(d: Path) -> dict[str, bytes]:
    return {str(p.relative_to(d)): p.read_bytes() for p in sorted(d.rglob("*")) if p.is_file()}


@pytest.mark.parametrize("inside", ["clustergraph-store.json", "oxigraph/CURRENT",
                                    "oxigraph/new.nt", "new.nt", ""])
def test_export_into_the_store_is_refused(runner: CliRunner, small_store: Path,
                                          inside: str) -> None:
    before = _store_state(small_store)
    out = small_store / inside if inside else small_store
    result = runner.invoke(main, ["export", "--store", str(small_store), "-f", "nt", "-o",
                                  str(out)])
    where = ("is a clustergraph store" if not inside
             else f"is inside the clustergraph store {small_store.resolve()}")
    _one_line(result, 7, f"{out}: {where}; a store's own files are never an output (write "
                         "the file elsewhere)")
    assert _store_state(small_store) == before
    assert runner.invoke(main, ["info", "--store", str(small_store)]).exit_code == 0


def test_export_through_a_symlink_into_the_store_is_refused(
        runner: CliRunner, small_store: Path, tmp_path: Path) -> None:
    link = tmp_path / "meta.ttl"
    link.symlink_to(small_store / "clustergraph-store.json")
    before = _store_state(small_store)
    result = runner.invoke(main, ["export", "--layers", "ontology", "-o", str(link)])
    _one_line(result, 7, f"{link}: is inside the clustergraph store {small_store.resolve()}; "
                         "a store's own files are never an output (write the file elsewhere)")
    assert _store_state(small_store) == before


def test_docs_and_generate_into_the_store_are_refused(runner: CliRunner,
                                                      small_store: Path) -> None:
    before = _store_state(small_store)
    site = small_store / "site"
    _one_line(runner.invoke(main, ["docs", "--output", str(site)]), 7,
              f"{site}: is inside the clustergraph store {small_store.resolve()}; a store's own "
              "files are never an output (write the file elsewhere)")
    result = runner.invoke(main, ["generate", "--countries", "1", "--cluster-orgs", "1",
                                  "--members", "1", "--output", str(small_store)])
    _one_line(result, 7, f"{small_store}: is a clustergraph store; a store's own files are "
                         "never an output (write the file elsewhere)")
    assert _store_state(small_store) == before


# ---------------------------------------------------------------------------------------------
# Store builds: interrupted ones clean up, killed ones are cleaned up by the next load
# ---------------------------------------------------------------------------------------------


def _hidden(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.startswith("."))


def test_interrupted_build_cleans_up(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def interrupted(src):  # noqa: ANN001, ANN202
        raise KeyboardInterrupt
        yield

    monkeypatch.setattr(st, "_file_quads", interrupted)
    with pytest.raises(KeyboardInterrupt):
        st.build_store(tmp_path / "st", ("ontology",))
    assert list(tmp_path.iterdir()) == []


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_killed_build_is_removed_by_the_next_load(runner: CliRunner, tmp_path: Path) -> None:
    code = (
        "import sys, time\n"
        "import clustergraph.store as s\n"
        "orig = s._file_quads\n"
        "def slow(src):\n"
        "    yield from orig(src)\n"
        "    time.sleep(120)\n"
        "s._file_quads = slow\n"
        "s.build_store(sys.argv[1], ('ontology',))\n"
    )
    target = tmp_path / "st"
    proc = subprocess.Popen([sys.executable, "-c", code, str(target)])
    try:
        deadline = time.monotonic() + 60
        while not _hidden(tmp_path) and time.monotonic() < deadline:
            time.sleep(0.05)
        left = _hidden(tmp_path)
        assert len(left) == 1 and left[0].startswith(
            f".st.building-{st._builder_tag().partition('@')[0]}@{proc.pid}-")
    finally:
        proc.send_signal(signal.SIGKILL)
        proc.wait()
    assert _hidden(tmp_path) == left  # kill -9 leaves it behind
    result = runner.invoke(main, ["load", "--store", str(target), "--layers", "ontology"])
    assert result.exit_code == 0, result.output
    assert _hidden(tmp_path) == []
    assert st.is_store(target)


def test_only_builds_whose_process_is_gone_are_removed(tmp_path: Path) -> None:
    host = st._builder_tag().partition("@")[0]
    dead, alive = f"{host}@{_dead_pid()}", f"{host}@{os.getppid()}"
    elsewhere = f"another-host.example@{_dead_pid()}"
    for name in (f".st.building-{dead}-abc", f".st.old-{dead}-def", f".st.building-{alive}-x1",
                 ".st.building-legacy1", f".other.building-{dead}-zz", "st2",
                 f".st.building-{elsewhere}-q1"):
        (tmp_path / name).mkdir()
        (tmp_path / name / "f").write_bytes(b"x")
    old = time.time() - 2 * 24 * 3600
    (tmp_path / ".st.legacyold").mkdir()
    st.build_store(tmp_path / "st", ("ontology",))
    assert _hidden(tmp_path) == sorted([f".st.building-{alive}-x1", ".st.building-legacy1",
                                        f".other.building-{dead}-zz", ".st.legacyold",
                                        f".st.building-{elsewhere}-q1"])
    os.utime(tmp_path / ".st.building-legacy1", (old, old))
    assert st.remove_stale_builds(tmp_path / "st") == [tmp_path / ".st.building-legacy1"]


def test_a_swap_killed_midway_gets_the_previous_store_back(tmp_path: Path) -> None:
    target = tmp_path / "st"
    st.build_store(target, ("ontology",))
    before = st.open_store(target).triples_per_layer()
    moved = tmp_path / f".st.old-{st._builder_tag().partition('@')[0]}@{_dead_pid()}-abc"
    target.rename(moved)  # killed between "store -> old" and "new -> store"
    assert st.remove_stale_builds(target) == []
    assert st.is_store(target) and not moved.exists()
    assert st.open_store(target).triples_per_layer() == before


def test_symlink_to_a_fifo_writes_into_the_fifo(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "out.nt"
    link.symlink_to(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()), daemon=True)
    reader.start()
    write_output(link, b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n")
    reader.join(30)
    assert got == [b"<http://example.org/a> <http://example.org/b> <http://example.org/c> .\n"]
    assert link.is_symlink() and stat.S_ISFIFO(os.lstat(fifo).st_mode)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.nt", "pipe"]


def test_dangling_symlink_creates_its_target(tmp_path: Path) -> None:
    link = tmp_path / "out.ttl"
    link.symlink_to(tmp_path / "real.ttl")
    write_output(link, b"# x\n")
    assert link.is_symlink() and (tmp_path / "real.ttl").read_bytes() == b"# x\n"
