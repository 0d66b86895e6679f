"""``ogi annotate``: pre-fill annotation spans with the current best tagger, for a person to correct."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def command(
    files: Annotated[list[str], typer.Argument(help="Report files, folders or globs.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Annotation JSONL to write.")],
    model: Annotated[str, typer.Option("--model", "-m", help="Tagger that pre-fills the spans.")] = "default",
    split: Annotated[str, typer.Option("--split", help="meta.split of the new reports.")] = "train",
) -> None:
    """Tag each report and write its spans in the annotation format; exit 1 if a file could not be read."""
    from ogi.training.prefill import prefill_files

    n, failed = prefill_files(files, out, model=model, split=split)
    typer.echo(f"wrote {n} pre-filled report(s) to {out}; correct the spans, then `ogi validate {out}`")
    for f in failed:
        typer.echo(f"FAILED {f}", err=True)
    raise typer.Exit(1 if failed else 0)
