"""Usage errors as one line, with the closest valid choice.

click prints a usage error in four lines (usage, hint, a blank line, ``Error: ...``); the
project promises one: ``clustergraph: error: <parameter>: <what>``, exit code 2. This module
turns click's usage errors into that line, for the main group and every command under it
(:class:`OneLineUsageErrors`, mixed into :class:`clustergraph.cli.Group`), and adds the
closest valid name when the user mistyped a command, an option or a choice::

    clustergraph: error: no such command 'qurey'; did you mean 'query'? (see clustergraph --help)
    clustergraph: error: query run: no such option '--formt'; did you mean '--format'? ...
    clustergraph: error: --format: 'tabel' is not one of table, csv, ...; did you mean 'table'?

Only click is imported; difflib only when there is an error to explain.
"""

from __future__ import annotations

import re
from typing import Any

import click

from .errors import ExitCode

_CHOICE = re.compile(r"^(?P<value>'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\") is not ")


def _closest(word: str, choices: list[str]) -> str | None:
    import difflib

    hits = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    return hits[0] if hits else None


def _did(hint: str | None) -> str:
    return f"; did you mean {hint!r}?" if hint else ""


def _where(ctx: click.Context | None) -> str:
    """``query run: `` for a subcommand's error, nothing for the main group's."""
    if ctx is None or ctx.parent is None:
        return ""
    return ctx.command_path.partition(" ")[2] + ": "


def _see(ctx: click.Context | None) -> str:
    path = ctx.command_path if ctx is not None else "clustergraph"
    return f" (see {path} --help)"


def _param_name(param: click.Parameter) -> str:
    if isinstance(param, click.Option):
        longs = [o for o in param.opts if o.startswith("--")]
        return (longs or param.opts)[0]
    return (param.human_readable_name or "").upper()


def one_line(exc: click.UsageError) -> str:
    """The one-line message (without the ``clustergraph: error:`` prefix) for ``exc``."""
    ctx = exc.ctx
    if isinstance(exc, click.NoSuchCommand):
        group = ctx.command if ctx is not None else None
        names = sorted(getattr(group, "commands", {}) or {})
        hint = _closest(exc.command_name, names)
        return f"{_where(ctx)}no such command {exc.command_name!r}{_did(hint)}{_see(ctx)}"
    if isinstance(exc, click.NoSuchOption):
        names = sorted({o for p in (ctx.command.params if ctx else []) for o in p.opts
                        if o.startswith("-")} | {"--help"})
        hint = _closest(exc.option_name, names)
        return f"{_where(ctx)}no such option {exc.option_name!r}{_did(hint)}{_see(ctx)}"
    if isinstance(exc, click.MissingParameter) and exc.param is not None:
        kind = "option" if isinstance(exc.param, click.Option) else "argument"
        return f"{_where(ctx)}missing {kind} {_param_name(exc.param)}{_see(ctx)}"
    if isinstance(exc, click.BadParameter) and exc.param is not None:
        text = " ".join(exc.message.split())
        choice = exc.param.type
        if isinstance(choice, click.Choice):
            m = _CHOICE.match(text)
            if m:
                import ast

                value = str(ast.literal_eval(m.group("value")))
                names = [str(c) for c in choice.choices]
                text = (f"{value!r} is not one of {', '.join(names)}"
                        f"{_did(_closest(value, names))}")
        return f"{_param_name(exc.param)}: {text.rstrip('.')}"
    if isinstance(exc, click.BadOptionUsage):
        return f"{exc.option_name}: {' '.join(exc.message.split()).rstrip('.')}"
    message = " ".join(exc.format_message().split())
    message = message[:1].lower() + message[1:]
    return f"{_where(ctx)}{message.rstrip('.')}{_see(ctx)}"


class OneLineUsageErrors(click.Group):
    """A click group whose usage errors (and those of every command under it) are one line
    on stderr, exit code 2. Mixed into :class:`clustergraph.cli.Group`."""

    def _fail(self, ctx: click.Context | None, exc: click.UsageError) -> None:
        if isinstance(exc, click.exceptions.NoArgsIsHelpError):
            raise exc  # a group without its command: the help, as click shows it
        click.echo(f"clustergraph: error: {one_line(exc)}", err=True)
        raise click.exceptions.Exit(int(ExitCode.USAGE))

    def make_context(self, info_name: str | None, args: list[str],
                     parent: click.Context | None = None, **extra: Any) -> click.Context:
        try:
            return super().make_context(info_name, args, parent=parent, **extra)
        except click.UsageError as exc:
            self._fail(exc.ctx, exc)
            raise  # pragma: no cover  (_fail raises)

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except click.UsageError as exc:
            _abandon_progress()
            self._fail(exc.ctx, exc)
            raise  # pragma: no cover
        except BaseException:  # an error (or ^C) to report: on a line of its own
            _abandon_progress()
            raise


def _abandon_progress() -> None:
    import sys

    progress = sys.modules.get("clustergraph.progress")
    if progress is not None:
        progress.abandon()
