"""``ogi validate``: check annotation files (labels, offsets, empty documents, split overlap)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def command(paths: Annotated[list[Path], typer.Argument(help="Annotation JSONL files or folders.")]) -> None:
    """Report every problem found; exit 1 when there is any."""
    from ogi.annotations import validate

    problems = validate(paths)
    for p in problems:
        typer.echo(str(p))
    typer.echo(f"{len(problems)} problem(s)" if problems else "ok: no problems found")
    raise typer.Exit(1 if problems else 0)
