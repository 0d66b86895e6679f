"""Entry point of the ``ogi`` command."""

from __future__ import annotations

import errno
import logging
import os
from typing import Any

import click
import typer
from typer.core import TyperGroup

from ogi.errors import OgiError

from ogi.cli import annotate as annotate_cmd
from ogi.cli import check as check_cmd
from ogi.cli import eval as eval_cmd
from ogi.cli import exchange as exchange_cmd
from ogi.cli import review as review_cmd
from ogi.cli import synth as synth_cmd
from ogi.cli import tag as tag_cmd
from ogi.cli import train as train_cmd
from ogi.cli import validate as validate_cmd

_HINTS = {
    errno.ENOSPC: "free some space, then run again (ogi tag: with --resume)",
    errno.EDQUOT: "free some space, then run again (ogi tag: with --resume)",
    errno.EROFS: "the file system is read-only; write somewhere else",
    errno.EACCES: "check the permissions, or write somewhere else",
    errno.EPERM: "check the permissions, or write somewhere else",
    errno.ENOENT: "check the path",
    errno.EISDIR: "give a file, not a folder",
}


def error_line(exc: BaseException) -> str:
    """The one line a user mistake or an environment failure is reported with (no traceback)."""
    if isinstance(exc, OSError):
        where = exc.filename if exc.filename is not None else ""
        what = exc.strerror or str(exc)
        hint = _HINTS.get(exc.errno or 0, "")
        return f"{where}: {what}" + (f"; {hint}" if hint else "") if where else what + (f"; {hint}" if hint else "")
    return str(exc) or type(exc).__name__


class _Group(TyperGroup):
    """Every command's user-facing failures (``OgiError``: bad input, model, usage; ``OSError``: disk
    full, read-only, missing file) end as one ``Error:`` line on stderr and exit code 2."""

    def invoke(self, ctx: click.Context) -> Any:
        try:
            return super().invoke(ctx)
        except (OgiError, OSError) as exc:
            if os.environ.get("OGI_DEBUG"):
                raise
            click.echo(f"Error: {error_line(exc)}", err=True)
            raise typer.Exit(2) from None


app = typer.Typer(
    cls=_Group,
    add_completion=False,
    no_args_is_help=True,
    help="Structure Chinese 政府信息公开工作年度报告 into canonical sections and table cells.",
)
app.command("tag")(tag_cmd.command)
app.command("train")(train_cmd.command)
app.command("eval")(eval_cmd.command)
app.command("check")(check_cmd.command)
app.command("annotate")(annotate_cmd.command)
app.command("validate")(validate_cmd.command)
app.command("synth")(synth_cmd.command)
app.command("review")(review_cmd.command)
app.command("import")(exchange_cmd.import_command)
app.command("export")(exchange_cmd.export_command)  # .csv/.xlsx go on to ogi.cli.export.command


def _version(value: bool) -> None:
    if value:
        from ogi import __version__

        typer.echo(f"ogi {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True, help="Print the version and exit."),
) -> None:
    """Structure Chinese 政府信息公开工作年度报告 into canonical sections and table cells."""


def main() -> None:
    """Run the CLI."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
