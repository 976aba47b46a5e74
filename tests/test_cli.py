"""The command line: help and version, an example in every command's help (commands added
later are covered automatically), what ``info`` prints, the one-line errors and exit codes
for unreadable input, and the light import path of ``info``."""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from clustergraph import __version__, resources
from clustergraph.cli import main
from clustergraph.errors import ExitCode


def all_commands(
    group: click.Group = main, path: tuple[str, ...] = ()
) -> Iterator[tuple[tuple[str, ...], click.Command]]:
    """Every command and subcommand under ``group``, depth first, with its name path."""
    for name, command in sorted(group.commands.items()):
        yield (*path, name), command
        if isinstance(command, click.Group):
            yield from all_commands(command, (*path, name))


COMMANDS = list(all_commands())
COMMAND_IDS = [" ".join(p) for p, _ in COMMANDS]


# --------------------------------------------------------------------------- help, version


def test_commands_are_found() -> None:
    assert ("info",) in [p for p, _ in COMMANDS]


@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_main_help(runner: CliRunner, flag: str) -> None:
    result = runner.invoke(main, [flag], prog_name="clustergraph")
    assert result.exit_code == 0
    assert result.output.startswith("Usage: clustergraph [OPTIONS] COMMAND [ARGS]...")
    assert "Example:\n    clustergraph info\n" in result.output
    for path, _ in COMMANDS:
        if len(path) == 1:
            assert f"\n  {path[0]} " in result.output


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(main, ["--version"])
    assert result.exit_code == 0
    assert result.output == f"clustergraph, version {__version__}\n"


def help_problem(group: click.Group, path: tuple[str, ...], flag: str = "--help") -> str | None:
    """What is wrong with a command's help, or None: it must work and show an example."""
    result = CliRunner().invoke(group, [*path, flag], prog_name="clustergraph")
    name = " ".join(path)
    if result.exit_code != 0 or not result.output.startswith(f"Usage: clustergraph {name} "):
        return f"`clustergraph {name} {flag}` fails: {result.output}"
    if "Example" not in result.output:
        return f"`clustergraph {name} {flag}` has no Example section"
    if f"clustergraph {name}" not in result.output[result.output.index("Example") :]:
        return f"the example of `clustergraph {name}` does not run it"
    return None


@pytest.mark.parametrize("path", [p for p, _ in COMMANDS], ids=COMMAND_IDS)
@pytest.mark.parametrize("flag", ["--help", "-h"])
def test_every_command_has_help_with_an_example(path: tuple[str, ...], flag: str) -> None:
    assert help_problem(main, path, flag) is None


def test_an_undocumented_command_is_caught() -> None:
    group = click.Group("clustergraph", context_settings={"help_option_names": ["-h", "--help"]})
    sub = click.Group("sub", help="A group.\n\nExample:\n  clustergraph sub bare")
    group.add_command(sub)
    sub.add_command(click.Command("bare", help="Does things.", callback=lambda: None))
    found = {p: help_problem(group, p) for p, _ in all_commands(group)}
    assert found == {
        ("sub",): None,
        ("sub", "bare"): "`clustergraph sub bare --help` has no Example section",
    }


def test_unknown_command_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["no-such-command"])
    assert result.exit_code == ExitCode.USAGE == 2
    assert "No such command 'no-such-command'" in result.stderr


def test_unknown_layer_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(main, ["info", "--layers", "ontology,bogus"])
    assert result.exit_code == ExitCode.USAGE
    assert "Invalid value for '--layers': unknown layer 'bogus'" in result.stderr
    assert result.stdout == ""


# --------------------------------------------------------------------------- info output


def parse_info(output: str) -> dict[str, list[list[str]]]:
    """``info`` output as {section title: rows of whitespace-separated fields}."""
    blocks = output.strip("\n").split("\n\n")
    sections = {"header": [blocks[0].split()]}
    for block in blocks[1:]:
        title, *lines = block.splitlines()
        assert all(line.startswith("  ") for line in lines), block
        sections[title] = [line.split(maxsplit=2) for line in lines]
    return sections


def rdflib_triples(paths: list[Path]) -> int:
    """The number of distinct triples in some files, counted by an independent parser."""
    import rdflib

    g = rdflib.Graph()
    for path in paths:
        g.parse(path, format="turtle")
    return len(g)


@pytest.fixture(scope="module")
def info_output() -> dict[str, list[list[str]]]:
    result = CliRunner().invoke(main, ["info"])
    assert result.exit_code == 0, result.output
    return parse_info(result.output)


def test_info_counts_triples_per_layer(info_output: dict[str, list[list[str]]]) -> None:
    layers = {name: int(n) for name, n in info_output["Triples per layer"]}
    assert layers["ontology"] == rdflib_triples([resources.ontology_file()])
    assert layers["vocabularies"] == rdflib_triples(resources.vocabulary_files())
    assert layers["reference"] == rdflib_triples(resources.reference_files())
    if resources.data_files():
        assert layers["data"] > 0
    header = info_output["header"][0]
    assert header[:2] == ["clustergraph", f"{__version__}:"]
    assert header[3] == "triples"
    assert int(header[2]) == sum(layers.values())


def test_info_lists_classes_with_counts(info_output: dict[str, list[list[str]]]) -> None:
    classes = {name: int(n) for name, n in info_output["Instances per class"]}
    assert classes["cg:IndustrialEcosystem"] == 14
    assert classes["owl:Ontology"] == 1
    assert classes["skos:ConceptScheme"] == len(info_output["Concept schemes (concepts)"])
    counts = list(classes.values())
    assert counts == sorted(counts, reverse=True)  # most instances first


def test_info_lists_concept_schemes_with_sizes(info_output: dict[str, list[list[str]]]) -> None:
    rows = info_output["Concept schemes (concepts)"]
    schemes = {name: (int(n), label) for name, n, label in rows}
    # one scheme per vocabulary file, and five reference schemes (NUTS, NACE, countries,
    # frequencies, currencies)
    assert len(schemes) == len(resources.vocabulary_files()) + 5 == 37
    assert schemes["<http://publications.europa.eu/resource/authority/currency>"] == (
        289,
        "Currencies",
    )
    assert schemes["cgv:industrial-ecosystem"] == (14, "Industrial ecosystems")
    assert schemes["cgv:state-of-play-criterion"] == (4, "State-of-play criteria")
    assert schemes["cgv:state-of-play-level"] == (16, "State-of-play levels")
    assert schemes["nace:nace2"] == (21 + 88, "NACE Rev. 2")


def test_info_layers_option(runner: CliRunner) -> None:
    result = runner.invoke(main, ["info", "--layers", "ontology"])
    assert result.exit_code == 0
    out = parse_info(result.output)
    n = rdflib_triples([resources.ontology_file()])
    assert out["Triples per layer"] == [["ontology", str(n)]]
    assert out["header"] == [["clustergraph", f"{__version__}:", str(n), "triples"]]
    assert out["Concept schemes (concepts)"] == []


def test_info_with_a_file_replaces_the_shipped_data(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "mine.ttl"
    f.write_text(
        "@prefix cg: <https://w3id.org/clustergraph/ontology#> .\n"
        "<https://example.org/p1> a cg:ClusterPolicy .\n"
        "<https://example.org/p2> a cg:ClusterPolicy .\n",
        encoding="utf-8",
    )
    result = runner.invoke(main, ["info", "--layers", "ontology,data", str(f)])
    assert result.exit_code == 0, result.output
    out = parse_info(result.output)
    assert dict(out["Triples per layer"])["data"] == "2"
    assert ["cg:ClusterPolicy", "2"] in out["Instances per class"]


# --------------------------------------------------------------------------- input errors

MALFORMED = "@prefix ex: <http://example.org/> .\nex:a ex:b ex:c .\nex:d ex:e .\n"


def assert_input_error(result, message: str) -> None:  # noqa: ANN001  (a click Result)
    """Exit 3, nothing on stdout, exactly one line on stderr, no traceback."""
    assert result.exit_code == ExitCode.INPUT == 3, result.output
    assert result.stdout == ""
    assert result.stderr == f"clustergraph: error: {message}\n"
    assert "Traceback" not in result.output


def test_malformed_turtle(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "bad.ttl"
    f.write_text(MALFORMED, encoding="utf-8")
    result = runner.invoke(main, ["info", str(f)])
    assert_input_error(result, f"{f}, line 3, column 11: . is not a valid RDF object")


def test_malformed_turtle_in_the_second_file(runner: CliRunner, tmp_path: Path) -> None:
    good, bad = tmp_path / "good.ttl", tmp_path / "bad.ttl"
    good.write_text("<http://example.org/a> <http://example.org/b> 1 .\n", encoding="utf-8")
    bad.write_text('<http://example.org/a> <http://example.org/b> "open .\n', encoding="utf-8")
    result = runner.invoke(main, ["info", str(good), str(bad)])
    assert result.exit_code == 3
    assert result.stderr.startswith(f"clustergraph: error: {bad}, line 1, column ")
    assert result.stderr.count("\n") == 1


def test_missing_file(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "nowhere.ttl"
    assert_input_error(runner.invoke(main, ["info", str(f)]), f"{f}: no such file")


def test_directory(runner: CliRunner, tmp_path: Path) -> None:
    d = tmp_path / "folder.ttl"
    d.mkdir()
    assert_input_error(
        runner.invoke(main, ["info", str(d)]), f"{d}: is a directory, not an RDF file"
    )


@pytest.mark.parametrize("content", ["", "\n  \n"], ids=["empty", "blank"])
def test_empty_file(runner: CliRunner, tmp_path: Path, content: str) -> None:
    f = tmp_path / "empty.ttl"
    f.write_text(content, encoding="utf-8")
    assert_input_error(runner.invoke(main, ["info", str(f)]), f"{f}: the file is empty")


def test_file_without_triples(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "comment.ttl"
    f.write_text("# nothing but a comment\n", encoding="utf-8")
    assert_input_error(runner.invoke(main, ["info", str(f)]), f"{f}: the file contains no triples")


def test_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "latin1.ttl"
    f.write_bytes('@prefix ex: <http://example.org/> .\nex:a ex:b "café" .\n'.encode("latin-1"))
    assert_input_error(
        runner.invoke(main, ["info", str(f)]), f"{f}, line 2: not valid UTF-8 (byte 50)"
    )


def test_unknown_extension(runner: CliRunner, tmp_path: Path) -> None:
    f = tmp_path / "data.xyz"
    f.write_text("<http://example.org/a> <http://example.org/b> 1 .\n", encoding="utf-8")
    assert_input_error(
        runner.invoke(main, ["info", str(f)]),
        f"{f}: unknown RDF file extension '.xyz' (use .ttl, .nt, .jsonld, .trig, .rdf, .owl, "
        ".nq, optionally .gz, or give the format with --input-format)",
    )


# --------------------------------------------------------------------------- start-up cost


def test_info_imports_neither_pyshacl_nor_rdflib(tmp_path: Path) -> None:
    code = (
        "import sys\n"
        "from click.testing import CliRunner\n"
        "from clustergraph.cli import main\n"
        "result = CliRunner().invoke(main, ['info'], standalone_mode=False)\n"
        "assert result.exit_code == 0, result.output\n"
        "assert 'Triples per layer' in result.output\n"
        "print(sorted(m for m in ('pyshacl', 'rdflib', 'owlrl') if m in sys.modules))\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path, check=False
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout == "[]\n"
