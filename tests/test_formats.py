"""One table of RDF formats (clustergraph.formats), used by every command that reads or
writes an RDF file: names and aliases, formats from file names, ``.gz``, ``-``, refusals."""

from __future__ import annotations

import gzip
from pathlib import Path

import pytest
import rdflib
from click.testing import CliRunner

from clustergraph import formats, rdfin
from clustergraph.cli import main
from clustergraph.errors import InputError, UsageError

FIXTURE = Path(__file__).parent / "fixtures" / "valid" / "figures.ttl"

ALIASES = {
    "turtle": "turtle", "ttl": "turtle", "TTL": "turtle", "text/turtle": "turtle",
    "nt": "nt", "ntriples": "nt", "n-triples": "nt", "N-Triples": "nt",
    "application/n-triples": "nt",
    "nquads": "nquads", "nq": "nquads", "n-quads": "nquads", "application/n-quads": "nquads",
    "trig": "trig", "application/trig": "trig",
    "jsonld": "jsonld", "json-ld": "jsonld", "ld+json": "jsonld",
    "application/ld+json": "jsonld",
    "xml": "xml", "rdf": "xml", "rdfxml": "xml", "rdf/xml": "xml", "RDF/XML": "xml",
    "rdf+xml": "xml", "owl": "xml", "application/rdf+xml": "xml",
}


@pytest.mark.parametrize(("name", "short"), sorted(ALIASES.items()))
def test_every_alias_names_its_format(name: str, short: str) -> None:
    assert formats.by_name(name).name == short


@pytest.mark.parametrize(("path", "short", "gz"), [
    ("a.ttl", "turtle", False), ("a.nt", "nt", False), ("a.nq", "nquads", False),
    ("a.trig", "trig", False), ("a.jsonld", "jsonld", False), ("a.rdf", "xml", False),
    ("a.owl", "xml", False), ("dir.x/A.TTL.GZ", "turtle", True), ("a.nq.gz", "nquads", True),
    ("a.owl.gz", "xml", True),
])
def test_format_from_the_file_name(path: str, short: str, gz: bool) -> None:
    fmt, compressed = formats.from_path(path)
    assert (fmt.name if fmt else None, compressed) == (short, gz)


def test_names_without_an_rdf_extension_say_nothing() -> None:
    assert formats.from_path("a.txt") == (None, False)
    assert formats.from_path("a.txt.gz") == (None, True)
    assert formats.from_path("-") == (None, False)
    assert formats.from_path("README") == (None, False)


def test_the_table_matches_oxigraph() -> None:
    import pyoxigraph as ox

    for fmt in formats.FORMATS.values():
        assert fmt.oxigraph.media_type == fmt.media_type
        assert fmt.oxigraph.supports_datasets == fmt.quads
        assert ox.RdfFormat.from_extension(fmt.extension) == fmt.oxigraph


def test_a_mistyped_name_gets_the_closest_one() -> None:
    with pytest.raises(UsageError) as err:
        formats.by_name("n-tripels")
    assert str(err.value) == ("--format: unknown RDF format 'n-tripels'; did you mean "
                              "'n-triples'? (choose from turtle, nt, jsonld, trig, xml, nquads)")
    with pytest.raises(UsageError) as err:
        formats.by_name("csv")
    assert str(err.value) == ("--format: unknown RDF format 'csv' (choose from turtle, nt, "
                              "jsonld, trig, xml, nquads)")


def test_a_name_that_disagrees_with_the_extension_is_refused() -> None:
    with pytest.raises(UsageError) as err:
        formats.choose("out.ttl", "nt")
    assert str(err.value) == ("--format nt disagrees with the file name out.ttl (Turtle): "
                              "drop --format or rename the file")
    assert formats.choose("out.ttl", "ttl")[0].name == "turtle"  # an alias agrees
    assert formats.choose("out.txt", "nt")[0].name == "nt"  # no RDF extension: the name says
    assert formats.choose("out.owl", "rdfxml")[0].name == "xml"


def test_standard_input_needs_a_format() -> None:
    with pytest.raises(UsageError) as err:
        formats.choose("-", None, "--input-format")
    assert str(err.value) == ("-: standard input has no file name to tell its RDF format; "
                              "give it with --input-format (e.g. --input-format turtle)")
    with pytest.raises(InputError):
        formats.choose("a.xyz", None, "--input-format")


# ---------------------------------------------------------------------------------------------
# export and generate: the format from the output name, the same names everywhere
# ---------------------------------------------------------------------------------------------


def _one_line(result, code: int, message: str) -> None:  # noqa: ANN001
    assert result.exit_code == code, result.output
    assert result.stderr == f"clustergraph: error: {message}\n"
    assert "Traceback" not in result.output


def test_export_output_name_gives_the_format(runner: CliRunner, tmp_path: Path) -> None:
    guess, told = tmp_path / "guess.nt", tmp_path / "told.nt"
    for out, extra in ((guess, []), (told, ["--format", "nt"])):
        result = runner.invoke(main, ["export", "--output", str(out), "--layers", "ontology",
                                      *extra])
        assert result.exit_code == 0, result.output
    assert guess.read_bytes() == told.read_bytes()
    assert guess.read_bytes().startswith(b"<")  # N-Triples: no @prefix line
    g = rdflib.Graph().parse(guess, format="nt")
    assert len(g) == 940


@pytest.mark.parametrize(("alias", "short", "ext"), [
    ("ttl", "turtle", "ttl"), ("n-triples", "nt", "nt"), ("n-quads", "nquads", "nq"),
    ("json-ld", "jsonld", "jsonld"), ("rdfxml", "xml", "rdf"), ("owl", "xml", "owl"),
])
def test_export_aliases_write_what_the_short_name_writes(
        runner: CliRunner, tmp_path: Path, alias: str, short: str, ext: str) -> None:
    a, b = tmp_path / f"a.{ext}", tmp_path / f"b.{ext}"
    for out, name in ((a, alias), (b, short)):
        result = runner.invoke(main, ["export", "-f", name, "-o", str(out), "--layers",
                                      "vocabularies"])
        assert result.exit_code == 0, result.output
    assert a.read_bytes() == b.read_bytes()


def test_export_refuses_a_format_that_disagrees_with_the_name(
        runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "graph.ttl"
    result = runner.invoke(main, ["export", "--format", "nt", "--output", str(out)])
    _one_line(result, 2, f"--format nt disagrees with the file name {out} (Turtle): drop "
                         "--format or rename the file")
    assert list(tmp_path.iterdir()) == []


def test_export_mistyped_format_is_one_line_with_a_suggestion(
        runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(main, ["export", "--format", "turtel", "--output", "-"])
    _one_line(result, 2, "--format: unknown RDF format 'turtel'; did you mean 'turtle'? "
                         "(choose from turtle, nt, jsonld, trig, xml, nquads)")
    assert result.stdout == ""


def test_export_gz_is_gzip_deterministic_and_reads_back(runner: CliRunner,
                                                         tmp_path: Path) -> None:
    plain, gz1, gz2 = tmp_path / "g.ttl", tmp_path / "g.ttl.gz", tmp_path / "h.ttl.gz"
    for out in (plain, gz1, gz2):
        result = runner.invoke(main, ["export", "-o", str(out), "--layers", "ontology"])
        assert result.exit_code == 0, result.output
    assert gz1.read_bytes()[:2] == b"\x1f\x8b"
    assert gz1.read_bytes() == gz2.read_bytes()  # no time stamp, no file name
    assert gzip.decompress(gz1.read_bytes()) == plain.read_bytes()
    # and back in: the .gz file reads as the plain one
    a = runner.invoke(main, ["info", "--layers", "ontology", str(plain)])
    b = runner.invoke(main, ["info", "--layers", "ontology", str(gz1)])
    assert a.exit_code == b.exit_code == 0, b.output
    assert a.stdout == b.stdout


def test_export_nquads_gz_loads_into_a_store(runner: CliRunner, tmp_path: Path) -> None:
    out = tmp_path / "all.nq.gz"
    assert runner.invoke(main, ["export", "-o", str(out), "--layers", "vocabularies"]
                         ).exit_code == 0
    result = runner.invoke(main, ["load", "--store", str(tmp_path / "st"), "--layers",
                                  "ontology", str(out)])
    assert result.exit_code == 0, result.output
    info = runner.invoke(main, ["info", "--store", str(tmp_path / "st")])
    assert "vocabularies" in info.stdout and "catalog" in info.stdout


def test_inferred_side_file_of_a_gz_export(tmp_path: Path) -> None:
    from clustergraph.export import FORMATS, inferred_path

    assert inferred_path(tmp_path / "g.ttl.gz", FORMATS["turtle"]) == tmp_path / "g.inferred.ttl.gz"
    assert inferred_path(tmp_path / "g.ttl", FORMATS["turtle"]) == tmp_path / "g.inferred.ttl"
    assert inferred_path(tmp_path / "g", FORMATS["nt"]) == tmp_path / "g.inferred.nt"


def test_generate_takes_the_same_names(runner: CliRunner, tmp_path: Path) -> None:
    args = ["generate", "--countries", "1", "--cluster-orgs", "1", "--members", "1"]
    a = runner.invoke(main, [*args, "--format", "n-quads", "--output", str(tmp_path / "a")])
    b = runner.invoke(main, [*args, "--format", "nq", "--output", str(tmp_path / "b")])
    assert a.exit_code == b.exit_code == 0, a.output
    names = sorted(p.relative_to(tmp_path / "a") for p in (tmp_path / "a").rglob("*.nq"))
    assert names and names == sorted(
        p.relative_to(tmp_path / "b") for p in (tmp_path / "b").rglob("*.nq"))
    for n in names:
        assert (tmp_path / "a" / n).read_bytes() == (tmp_path / "b" / n).read_bytes()
    result = runner.invoke(main, [*args, "--format", "jsonld", "--output", str(tmp_path / "c")])
    _one_line(result, 2, "--format: JSON-LD ('jsonld') is not available here (choose from "
                         "turtle, nquads)")
    assert not (tmp_path / "c").exists()


# ---------------------------------------------------------------------------------------------
# Input: --input-format, - (standard input), .gz
# ---------------------------------------------------------------------------------------------


def test_stdin_reads_as_the_file_does(runner: CliRunner) -> None:
    text = FIXTURE.read_bytes()
    from_file = runner.invoke(main, ["info", str(FIXTURE)])
    from_stdin = runner.invoke(main, ["info", "-", "--input-format", "turtle"], input=text)
    assert from_file.exit_code == from_stdin.exit_code == 0, from_stdin.output
    assert from_stdin.stdout == from_file.stdout


def test_stdin_without_a_format_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(main, ["info", "-"], input=FIXTURE.read_bytes())
    _one_line(result, 2, "-: standard input has no file name to tell its RDF format; give it "
                         "with --input-format (e.g. --input-format turtle)")


def test_stdin_twice_is_refused(runner: CliRunner) -> None:
    result = runner.invoke(main, ["validate", "-", "--shapes", "-", "-i", "ttl"], input=b"")
    _one_line(result, 2, "-: standard input can be read only once; give it once")


def test_stdin_gzip_is_decompressed(runner: CliRunner) -> None:
    result = runner.invoke(main, ["info", "-", "-i", "ttl"],
                           input=gzip.compress(FIXTURE.read_bytes()))
    assert result.exit_code == 0, result.output
    assert result.stdout == runner.invoke(main, ["info", str(FIXTURE)]).stdout


def test_validate_reads_stdin(runner: CliRunner) -> None:
    a = runner.invoke(main, ["validate", str(FIXTURE), "--format", "json"])
    b = runner.invoke(main, ["validate", "-", "-i", "text/turtle", "--format", "json"],
                      input=FIXTURE.read_bytes())
    assert a.exit_code == b.exit_code == 1, b.output  # the fixture has violations
    assert b.stdout == a.stdout and '"violations"' in a.stdout


def test_load_reads_stdin_and_the_store_is_not_stale(runner: CliRunner, tmp_path: Path) -> None:
    from clustergraph.store import read_store_meta, stale_files

    st = tmp_path / "st"
    result = runner.invoke(main, ["load", "--store", str(st), "--layers", "ontology", "-",
                                  "-i", "ttl"], input=FIXTURE.read_bytes())
    assert result.exit_code == 0, result.output
    record = [f for f in read_store_meta(st)["files"] if f["layer"] == "data"]
    assert [(f["path"], f["graph"], f["size"]) for f in record] == [
        ("-", "https://w3id.org/clustergraph/graph/data/stdin", FIXTURE.stat().st_size)]
    assert stale_files(st) == []


def test_input_format_for_a_file_without_an_rdf_extension(runner: CliRunner,
                                                          tmp_path: Path) -> None:
    f = tmp_path / "figures.txt"
    f.write_bytes(FIXTURE.read_bytes())
    result = runner.invoke(main, ["info", str(f), "--input-format", "ttl"])
    assert result.exit_code == 0, result.output
    assert result.stdout == runner.invoke(main, ["info", str(FIXTURE)]).stdout


def test_input_format_that_disagrees_is_refused(runner: CliRunner) -> None:
    for command in (["info"], ["validate"], ["load", "--store", "unused"]):
        result = runner.invoke(main, [*command, str(FIXTURE), "--input-format", "nt"])
        _one_line(result, 2, f"--input-format nt disagrees with the file name {FIXTURE} "
                             "(Turtle): drop --input-format or rename the file")
    assert not Path("unused").exists()


def test_input_format_does_not_touch_the_bundled_files(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "data.txt"
    f.write_text("<http://example.org/a> <http://example.org/b> \"c\" .\n", encoding="utf-8")
    result = runner.invoke(main, ["info", "-i", "nt", str(f)])  # ontology .ttl still Turtle
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("ext", ["ttl", "nt", "nq", "trig", "jsonld", "rdf"])
def test_every_format_round_trips_through_gz(runner: CliRunner, tmp_path: Path,
                                             ext: str) -> None:
    out = tmp_path / f"v.{ext}.gz"
    assert runner.invoke(main, ["export", "-o", str(out), "--layers", "vocabularies"]
                         ).exit_code == 0
    ds = rdflib.Dataset()
    fmt = formats.from_path(out)[0]
    ds.parse(data=gzip.decompress(out.read_bytes()), format={
        "turtle": "turtle", "nt": "nt", "nquads": "nquads", "trig": "trig",
        "jsonld": "json-ld", "xml": "xml"}[fmt.name])
    plain = tmp_path / f"v.{ext}"
    assert runner.invoke(main, ["export", "-o", str(plain), "--layers", "vocabularies"]
                         ).exit_code == 0
    assert gzip.decompress(out.read_bytes()) == plain.read_bytes()
    raw, rfmt = rdfin.read_rdf(out)
    assert raw == plain.read_bytes() and rfmt == fmt
    assert len(ds) + sum(len(g) for g in ds.graphs()) > 1000
