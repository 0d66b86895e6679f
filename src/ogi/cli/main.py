"""Entry point of the ``ogi`` command."""

from __future__ import annotations

import logging

import typer

from ogi.cli import annotate as annotate_cmd
from ogi.cli import check as check_cmd
from ogi.cli import eval as eval_cmd
from ogi.cli import synth as synth_cmd
from ogi.cli import tag as tag_cmd
from ogi.cli import train as train_cmd
from ogi.cli import validate as validate_cmd

app = typer.Typer(
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


def main() -> None:
    """Run the CLI."""
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    app()


if __name__ == "__main__":
    main()
