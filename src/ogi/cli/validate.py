"""``ogi validate``: check annotation files (labels, offsets, empty documents, split overlap)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ogi.errors import UsageError


def input_problem(paths: list[Path]) -> str | None:
    """What makes ``paths`` nothing to validate or train on (missing, a folder without ``.jsonl``, a
    file without records), or None. An empty input used to pass as "ok: no problems found"."""
    for p in paths:
        if p.is_dir():
            if not any(p.glob("*.jsonl")):
                return f"{p}: folder holds no .jsonl annotation files"
        elif not p.exists():
            return f"{p}: no such file or folder"
        elif not p.is_file():
            return f"{p}: not a regular file"
        else:
            with p.open("rb") as fh:
                if not any(line.strip() and line.strip() != b"\xef\xbb\xbf" for line in fh):
                    return f"{p}: empty, no annotation records"
    return None


def command(paths: Annotated[list[Path], typer.Argument(help="Annotation JSONL files or folders.")]) -> None:
    """Report every problem found; exit 1 when there is any, 2 when there is nothing to validate."""
    from ogi.annotations import validate

    problem = input_problem(paths)
    if problem:
        raise UsageError(f"{problem}; give annotation JSONL files (ogi annotate writes them)")
    problems = validate(paths)
    for p in problems:
        typer.echo(str(p))
    typer.echo(f"{len(problems)} problem(s)" if problems else "ok: no problems found")
    raise typer.Exit(1 if problems else 0)
