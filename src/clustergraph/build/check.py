"""``clustergraph validate data/xx/2024.yaml``: validate the compiled graph, and report each
SHACL result at the line of the input file that defined its focus node."""

from __future__ import annotations

import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import resources


@dataclass
class Located:
    """A validation result with the input file and line its focus node came from."""

    result: Any
    file: str | None
    line: int | None


def validate_inputs(files: list[str], **options: Any) -> tuple[Any, list[Located]]:
    """Compile the YAML inputs among ``files`` into a scratch folder (one per country, as
    ``data/<cc>/``), then validate them with the other files given, or, if none, with the
    bundled Turtle the inputs do not generate (the shared layer, the other countries, another
    edition of the same country)."""
    from ..validate import compact, validate
    from . import known_subjects, to_turtle
    from .compiler import compile_outputs, output_paths

    inputs = [f for f in files if f.endswith((".yaml", ".yml"))]
    others = [f for f in files if f not in inputs]
    generated = {t.resolve() for f in inputs for t in output_paths(Path(f), f)}
    known = known_subjects(tuple(generated))
    where: dict[str, tuple[str, int]] = {}
    with tempfile.TemporaryDirectory(prefix="clustergraph-build-") as tmp:
        compiled = []
        for f in inputs:
            outputs, ids = compile_outputs(Path(f), f, known=known)
            folder = Path(tmp) / Path(f).resolve().parent.name
            folder.mkdir(exist_ok=True)
            for name, triples in outputs.items():
                out = folder / name
                out.write_bytes(to_turtle(triples, Path(f).name))
                compiled.append(str(out))
            for iri, line in ids.items():
                where.setdefault(compact(iri), (f, line))
        if not others:  # the bundled data, less what the inputs generate
            others = [str(p) for p in resources.data_files() if p.resolve() not in generated]
        result = validate([*compiled, *others], **options)
    located = [Located(r, *where.get(r.focus_node, (None, None))) for r in result.results]
    return result, located


def render_located(located: list[Located]) -> str:
    """One line per result: ``file:line: node: Severity: message (path, value)``."""
    lines = []
    for loc in sorted(located, key=lambda x: (x.file or "~", x.line or 0,
                                              x.result.severity, x.result.message)):
        r = loc.result
        extra = ", ".join(x for x in (f"path {r.path}" if r.path else "",
                                      f"value {r.value}" if r.value else "") if x)
        at = f"{loc.file}:{loc.line}: " if loc.file else ""
        lines.append(f"{at}{r.focus_node}: {r.severity}: {r.message}"
                     + (f" ({extra})" if extra else ""))
    n_v = sum(1 for x in located if x.result.severity == "Violation")
    n_w = sum(1 for x in located if x.result.severity == "Warning")
    lines.append(f"{n_v} violation(s), {n_w} warning(s)")
    return "\n".join(lines) + "\n"
