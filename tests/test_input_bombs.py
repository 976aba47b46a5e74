"""Bad input on every input path (info, validate data, validate --shapes, load --store, -):
entity bombs and external entities in RDF/XML, remote JSON-LD contexts, encodings, gzip
trouble, huge literals, parser errors with a position. Each is one line with its exit code,
before the parser can expand or fetch anything."""

from __future__ import annotations

import gzip
import socket
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from bombs import ROOT, laughs
from click.testing import CliRunner

from clustergraph import rdfin
from clustergraph.cli import main

BOMB_LINE = 4  # the first nested entity is declared on line 4
NESTED = ("the entity 'lol1' is defined through other entities or markup (nested entities can "
          "expand exponentially: the 'billion laughs' attack); refused before parsing")


def _one_line(result, code: int, message: str) -> None:  # noqa: ANN001
    assert result.exit_code == code, result.output
    assert result.stderr == f"clustergraph: error: {message}\n"
    assert result.stdout == ""
    assert "Traceback" not in result.output


def test_the_billion_laughs_file_is_the_classic_one() -> None:
    assert 900 <= len(laughs(9)) <= 1300  # 10**9 "lol"s from about 1 KiB


PATHS = ["info", "validate", "shapes", "load", "stdin"]


def _run(runner: CliRunner, tmp_path: Path, how: str, name: str, data: bytes,
         fmt: str = "xml"):  # noqa: ANN202
    f = tmp_path / name
    f.write_bytes(data)
    if how == "info":
        return runner.invoke(main, ["info", str(f)]), str(f)
    if how == "validate":
        return runner.invoke(main, ["validate", str(f)]), str(f)
    if how == "shapes":
        return runner.invoke(main, ["validate", "--shapes", str(f)]), str(f)
    if how == "load":
        st = tmp_path / "st"
        result = runner.invoke(main, ["load", "--store", str(st), "--layers", "ontology",
                                      str(f)])
        assert not st.exists() and [p.name for p in tmp_path.iterdir()] == [name]
        return result, str(f)
    return runner.invoke(main, ["info", "-", "-i", fmt], input=data), "<stdin>"


@pytest.mark.parametrize("how", PATHS)
@pytest.mark.parametrize("levels", [9, 8])
def test_billion_laughs_refused_on_every_path(runner: CliRunner, tmp_path: Path, how: str,
                                              levels: int) -> None:
    result, name = _run(runner, tmp_path, how, "bomb.rdf", laughs(levels))
    _one_line(result, 3, f"{name}, line {BOMB_LINE}: {NESTED}")


@pytest.mark.parametrize("name", ["bomb.owl", "bomb.rdf.gz", "bomb.xml"])
def test_billion_laughs_refused_in_every_rdfxml_name(runner: CliRunner, tmp_path: Path,
                                                     name: str) -> None:
    data = gzip.compress(laughs(9)) if name.endswith(".gz") else laughs(9)
    f = tmp_path / name
    f.write_bytes(data)
    args = ["info", str(f)] + (["-i", "rdfxml"] if name.endswith(".xml") else [])
    _one_line(runner.invoke(main, args), 3, f"{f}, line {BOMB_LINE}: {NESTED}")


def test_billion_laughs_is_refused_fast_and_small() -> None:
    """A whole process, in bounded time and memory: 1 GB of address space would not hold
    the expansion (gigabytes); the refusal needs a few tens of megabytes."""
    code = (
        "import resource, sys\n"
        "resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))\n"
        "from clustergraph.cli import main\n"
        "sys.argv = ['clustergraph', 'info', sys.argv[1]]\n"
        "main()\n"
    )
    import tempfile

    with tempfile.TemporaryDirectory() as d:
        f = Path(d) / "bomb.rdf"
        f.write_bytes(laughs(9))
        proc = subprocess.run([sys.executable, "-c", code, str(f)], capture_output=True,
                              text=True, timeout=30)
    assert proc.returncode == 3, proc.stderr
    assert proc.stderr == f"clustergraph: error: {f}, line {BOMB_LINE}: {NESTED}\n"


@pytest.mark.parametrize(("doctype", "line", "what"), [
    ('<!DOCTYPE rdf:RDF [\n <!ENTITY x SYSTEM "file:///etc/passwd">\n]>', 3,
     "the DOCTYPE declares the external entity 'x' (SYSTEM or PUBLIC); external entities "
     "are never read"),
    ('<!DOCTYPE rdf:RDF [\n <!ENTITY x PUBLIC "-//X//EN" "http://127.0.0.1:9/x">\n]>', 3,
     "the DOCTYPE declares the external entity 'x' (SYSTEM or PUBLIC); external entities "
     "are never read"),
    ('<!DOCTYPE rdf:RDF SYSTEM "http://127.0.0.1:9/rdf.dtd">', 2,
     "the DOCTYPE names an external DTD (SYSTEM or PUBLIC); external files are never read"),
    ('<!DOCTYPE rdf:RDF [\n <!ENTITY % p SYSTEM "file:///etc/passwd">\n %p;\n]>', 3,
     "the DOCTYPE declares the parameter entity 'p'"),
    ('<!DOCTYPE rdf:RDF [\n <!ENTITY x "<ex:q>markup</ex:q>">\n]>', 3,
     "the entity 'x' is defined through other entities or markup (nested entities can "
     "expand exponentially: the 'billion laughs' attack)"),
    ('<!DOCTYPE rdf:RDF [\n <!ENTITY x "&#38;y;">\n]>', 3,
     "the entity 'x' is defined through other entities or markup (nested entities can "
     "expand exponentially: the 'billion laughs' attack)"),
])
@pytest.mark.parametrize("how", PATHS)
def test_external_and_parameter_entities_refused(runner: CliRunner, tmp_path: Path, how: str,
                                                 doctype: str, line: int, what: str) -> None:
    data = ('<?xml version="1.0"?>\n' + doctype + "\n" + ROOT
            + '<rdf:Description rdf:about="http://example.org/a"><ex:p>v</ex:p>'
            "</rdf:Description>\n</rdf:RDF>\n").encode()
    result, name = _run(runner, tmp_path, how, "x.rdf", data)
    _one_line(result, 3, f"{name}, line {line}: {what}; refused before parsing")


def test_quadratic_blowup_refused(runner: CliRunner, tmp_path: Path) -> None:
    """One flat entity referenced many times: no nesting, but 20 MB once expanded."""
    big = "x" * 4000
    data = ('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [ <!ENTITY a "' + big + '"> ]>\n' + ROOT
            + '<rdf:Description rdf:about="http://example.org/a"><ex:p>' + "&a;" * 5000
            + "</ex:p></rdf:Description>\n</rdf:RDF>\n").encode()
    result, name = _run(runner, tmp_path, "info", "q.rdf", data)
    _one_line(result, 3, f"{name}, line 2: its entities would expand by 19985000 bytes (more "
                         "than 16777216); refused before parsing")


def test_plain_internal_entities_are_read_as_ontology_editors_write_them(
        runner: CliRunner, tmp_path: Path) -> None:
    import pyoxigraph as ox

    from clustergraph.store import parse_file

    f = tmp_path / "onto.owl"
    f.write_text('<?xml version="1.0"?>\n<!DOCTYPE rdf:RDF [\n'
                 ' <!ENTITY ex "http://example.org/" >\n'
                 ' <!ENTITY xsd "http://www.w3.org/2001/XMLSchema#">\n]>\n'
                 + ROOT + '<rdf:Description rdf:about="&ex;a">'
                 '<ex:p rdf:datatype="&xsd;integer">7</ex:p></rdf:Description>\n</rdf:RDF>\n',
                 encoding="utf-8")
    quads = parse_file(f, "http://example.org/g")
    assert [(q.subject, q.predicate, q.object) for q in quads] == [(
        ox.NamedNode("http://example.org/a"), ox.NamedNode("http://example.org/p"),
        ox.Literal("7", datatype=ox.NamedNode("http://www.w3.org/2001/XMLSchema#integer")))]
    assert runner.invoke(main, ["info", str(f)]).exit_code == 0


# ---------------------------------------------------------------------------------------------
# JSON-LD: contexts by reference are never loaded
# ---------------------------------------------------------------------------------------------


@pytest.fixture()
def listener():  # noqa: ANN201
    """A TCP listener on 127.0.0.1 that records every connection made to it."""
    srv = socket.socket()
    srv.bind(("127.0.0.1", 0))
    srv.listen(8)
    srv.settimeout(0.2)
    hits: list[object] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, addr = srv.accept()
            except OSError:
                continue
            hits.append(addr)
            conn.close()

    t = threading.Thread(target=serve, daemon=True)
    t.start()
    yield srv.getsockname()[1], hits
    stop.set()
    t.join(2)
    srv.close()


@pytest.mark.parametrize("how", PATHS)
@pytest.mark.parametrize("shape", ["string", "array", "import", "second", "nested"])
def test_remote_jsonld_context_refused_without_a_connection(
        runner: CliRunner, tmp_path: Path, listener, how: str, shape: str) -> None:  # noqa: ANN001
    port, hits = listener
    iri = f"http://127.0.0.1:{port}/context.jsonld"
    context = {"string": f'"{iri}"', "array": f'["{iri}", {{"ex": "http://example.org/"}}]',
               "import": f'{{"@import": "{iri}"}}',
               "second": f'["ctx.jsonld", {{"@version": 1.1}}, "{iri}"]',
               "nested": f'{{"ex": {{"@id": "http://example.org/e", "@context": "{iri}"}}}}',
               }[shape]
    data = ('{\n  "@context": ' + context + ',\n  "@id": "http://example.org/a",\n'
            '  "http://example.org/p": "v"\n}\n').encode()
    result, name = _run(runner, tmp_path, how, "c.jsonld", data, fmt="json-ld")
    col = data.split(b"\n")[1].index(iri.encode()) + 1
    _one_line(result, 4, f"{name}, line 2, column {col}: the JSON-LD context <{iri}> is remote; "
                         "remote contexts are never fetched (put the context in the file); "
                         "refused")
    assert hits == []


def test_local_jsonld_context_by_reference_is_an_input_error(runner: CliRunner,
                                                             tmp_path: Path) -> None:
    (tmp_path / "ctx.jsonld").write_text('{"@context": {}}', encoding="utf-8")
    f = tmp_path / "c.jsonld"
    f.write_text('{"@context": "ctx.jsonld", "@id": "http://example.org/a"}', encoding="utf-8")
    _one_line(runner.invoke(main, ["info", str(f)]), 3,
              f"{f}, line 1, column 15: the JSON-LD context <ctx.jsonld> is given by reference "
              "and is not loaded (put the context in the file)")


# ---------------------------------------------------------------------------------------------
# Parser errors with a position (RDF/XML and JSON-LD said "position unknown")
# ---------------------------------------------------------------------------------------------


def test_rdfxml_error_has_line_and_column(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "bad.rdf"
    f.write_text('<?xml version="1.0"?>\n' + ROOT + '<rdf:Description rdf:about="http://e'
                 'xample.org/a">\n  <ex:p>1</ex:q>\n</rdf:Description>\n</rdf:RDF>\n',
                 encoding="utf-8")
    _one_line(runner.invoke(main, ["info", str(f)]), 3,
              f"{f}, line 4, column 12: ill-formed document: expected `</ex:p>`, but `</ex:q>` "
              "was found")


def test_rdfxml_bad_iri_is_found_in_the_text(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "bad.rdf"
    f.write_text('<?xml version="1.0"?>\n' + ROOT + '<rdf:Description rdf:about="http://e'
                 'xample.org/a">\n  <ex:p rdf:resource="a b"/>\n</rdf:Description>\n'
                 "</rdf:RDF>\n", encoding="utf-8")
    _one_line(runner.invoke(main, ["info", str(f)]), 3,
              f"{f}, near line 4, column 23: error while parsing IRI 'a b': Invalid IRI code "
              "point ' '")


def test_jsonld_error_has_a_position(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "bad.jsonld"
    f.write_text('{\n  "http://example.org/p": "v",\n  "@id": 5\n}\n', encoding="utf-8")
    _one_line(runner.invoke(main, ["info", str(f)]), 3,
              f"{f}, near line 3, column 3: @id value must be a string")
    f.write_text('{\n  "@id": "http://example.org/a",\n  "http://example.org/p": [1,}\n',
                 encoding="utf-8")
    _one_line(runner.invoke(main, ["info", str(f)]), 3,
              f"{f}, line 3, column 30: Unexpected closing curly bracket, no array to close")


# ---------------------------------------------------------------------------------------------
# Encodings and gzip, in every format
# ---------------------------------------------------------------------------------------------

SAMPLES = {
    "ttl": '<http://example.org/a> <http://example.org/p> "caf\u00e9" .\n',
    "nt": '<http://example.org/a> <http://example.org/p> "caf\u00e9" .\n',
    "jsonld": '{"@id": "http://example.org/a", "http://example.org/p": "caf\u00e9"}\n',
    "rdf": '<?xml version="1.0"?>\n' + ROOT + '<rdf:Description rdf:about="http://example'
           '.org/a"><ex:p>caf\u00e9</ex:p></rdf:Description>\n</rdf:RDF>\n',
}


@pytest.mark.parametrize("ext", sorted(SAMPLES))
def test_utf16_with_a_bom_is_refused(runner: CliRunner, tmp_path: Path, ext: str) -> None:
    result, name = _run(runner, tmp_path, "info", f"x.{ext}", SAMPLES[ext].encode("utf-16"))
    _one_line(result, 3, f"{name}: is UTF-16 or UTF-32 encoded (it starts with a byte-order "
                         "mark); RDF files are UTF-8 (convert it, e.g. iconv -t UTF-8)")


@pytest.mark.parametrize("ext", sorted(SAMPLES))
def test_utf16_without_a_bom_is_refused(runner: CliRunner, tmp_path: Path, ext: str) -> None:
    result, name = _run(runner, tmp_path, "validate", f"x.{ext}",
                        SAMPLES[ext].encode("utf-16-le"))
    _one_line(result, 3, f"{name}: looks UTF-16 encoded (NUL bytes between ASCII characters); "
                         "RDF files are UTF-8 (convert it, e.g. iconv -t UTF-8)")


@pytest.mark.parametrize("ext", sorted(SAMPLES))
def test_latin1_is_refused_with_its_line(runner: CliRunner, tmp_path: Path, ext: str) -> None:
    data = SAMPLES[ext].encode("latin-1")
    result, name = _run(runner, tmp_path, "info", f"x.{ext}", data)
    at = data.index(b"\xe9")
    line = data[:at].count(b"\n") + 1
    _one_line(result, 3, f"{name}, line {line}: not valid UTF-8 (byte {at})")


@pytest.mark.parametrize("ext", ["ttl", "nt"])
def test_a_nul_byte_in_a_turtle_string_is_data(runner: CliRunner, tmp_path: Path,
                                               ext: str) -> None:
    """The Turtle family's grammar allows U+0000 in a string (W3C LITERAL1_all_controls)."""
    from clustergraph.store import parse_file

    f = tmp_path / f"x.{ext}"
    f.write_bytes(SAMPLES[ext].replace("caf\u00e9", "ca\x00").encode())
    [quad] = parse_file(f, "http://example.org/g")
    assert quad.object.value == "ca\x00"


@pytest.mark.parametrize("ext", ["jsonld", "rdf"])
def test_a_nul_byte_is_refused(runner: CliRunner, tmp_path: Path, ext: str) -> None:
    data = SAMPLES[ext].replace("caf\u00e9", "ca\x00").encode()
    result, name = _run(runner, tmp_path, "shapes", f"x.{ext}", data)
    line, col = rdfin.line_column(data, data.index(b"\x00"))
    _one_line(result, 3, f"{name}, line {line}, column {col}: a NUL byte; not an RDF text file "
                         "(binary data?)")


@pytest.mark.parametrize("ext", sorted(SAMPLES))
def test_a_utf8_bom_is_dropped(runner: CliRunner, tmp_path: Path, ext: str) -> None:
    from clustergraph.store import parse_file

    f = tmp_path / f"x.{ext}"
    f.write_bytes(b"\xef\xbb\xbf" + SAMPLES[ext].encode())
    quads = parse_file(f, "http://example.org/g")
    assert [q.object.value for q in quads] == ["caf\u00e9"]


def test_corrupt_and_truncated_gzip(runner: CliRunner, tmp_path: Path) -> None:
    good = gzip.compress(SAMPLES["ttl"].encode() * 100)
    result, name = _run(runner, tmp_path, "info", "t.ttl.gz", good[: len(good) // 2])
    _one_line(result, 3, f"{name}: the gzip data is truncated (the file is incomplete)")
    corrupt = good[:10] + bytes(b ^ 0xFF for b in good[10:30]) + good[30:]
    (tmp_path / "c").mkdir()
    result, name = _run(runner, tmp_path / "c", "info", "c.ttl.gz", corrupt)
    assert result.exit_code == 3 and result.stderr.startswith(
        f"clustergraph: error: {name}: not valid gzip data (Error -3 while decompressing")
    (tmp_path / "p").mkdir()
    result, name = _run(runner, tmp_path / "p", "load", "p.ttl.gz", SAMPLES["ttl"].encode())
    _one_line(result, 3, f"{name}: named .gz but not gzip-compressed")


def test_gzip_bomb_is_bounded(runner: CliRunner, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    monkeypatch.setattr(rdfin, "GZIP_LIMIT", 1 << 20)
    data = gzip.compress(b"# " + b" " * (8 << 20) + b"\n")  # 8 MiB of comment, 8 KiB packed
    assert len(data) < 20_000
    result, name = _run(runner, tmp_path, "info", "z.ttl.gz", data)
    _one_line(result, 3, f"{name}: decompresses to more than 1048576 bytes; refused "
                         "(decompress it yourself if it is really that big)")


@pytest.mark.parametrize("ext", ["nt", "ttl"])
def test_huge_literals_load_or_are_refused_in_one_line(tmp_path: Path, ext: str) -> None:
    """A 15 MiB literal loads; a 20 MiB one is over Oxigraph's token limit (16 MiB): one
    line, exit 3, not a MemoryError traceback. Whole processes, within the timeout."""
    for size, code in ((15 << 20, 0), (20 << 20, 3)):
        f = tmp_path / f"big{size}.{ext}"
        f.write_text('<http://example.org/a> <http://example.org/p> "' + "x" * size
                     + '" .\n', encoding="utf-8")
        proc = subprocess.run([sys.executable, "-c", "from clustergraph.cli import main; main()",
                               "info", "--layers", "ontology", str(f)],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == code, proc.stderr
        if code == 0:
            assert f"  {'data':<14} {1:>8}\n" in proc.stdout
        else:
            assert proc.stderr == (
                f"clustergraph: error: {f}: a literal or IRI longer than the parser's limit of "
                "16 MiB (Reached the buffer maximal size of 16777216); refused\n")


def test_big_rdfxml_streamed_into_a_store_is_checked_too(
        runner: CliRunner, tmp_path: Path, monkeypatch) -> None:  # noqa: ANN001
    """Files over the read-whole limit are streamed from disk by load --store: the DOCTYPE
    is still read first (block by block)."""
    from clustergraph import store

    monkeypatch.setattr(store, "_READ_WHOLE_LIMIT", 100)
    f = tmp_path / "bomb.rdf"
    f.write_bytes(laughs(9))
    result = runner.invoke(main, ["load", "--store", str(tmp_path / "st"), "--layers",
                                  "ontology", str(f)])
    _one_line(result, 3, f"{f}, line {BOMB_LINE}: {NESTED}")
    assert [p.name for p in tmp_path.iterdir()] == ["bomb.rdf"]


def test_shapes_from_stdin(runner: CliRunner, tmp_path: Path) -> None:
    shapes = ("@prefix sh: <http://www.w3.org/ns/shacl#> .\n"
              "@prefix ex: <http://example.org/> .\n"
              "ex:S a sh:NodeShape ; sh:targetNode ex:a ; sh:property ex:P .\n"
              "ex:P sh:path ex:q ; sh:minCount 1 ; sh:message \"needs ex:q\" .\n")
    data = tmp_path / "d.ttl"
    data.write_text(SAMPLES["ttl"], encoding="utf-8")
    from_file = tmp_path / "s.ttl"
    from_file.write_text(shapes, encoding="utf-8")
    a = runner.invoke(main, ["validate", str(data), "--shapes", str(from_file), "-f", "json"])
    b = runner.invoke(main, ["validate", str(data), "--shapes", "-", "-i", "ttl", "-f", "json"],
                      input=shapes)
    assert a.exit_code == b.exit_code == 1, b.output
    assert a.stdout == b.stdout and "needs ex:q" in a.stdout
    result = runner.invoke(main, ["validate", str(data), "--shapes", "-"], input=shapes)
    _one_line(result, 2, "-: standard input has no file name to tell its RDF format; give it "
                         "with --input-format (e.g. --input-format turtle)")
