"""``ogi annotate``: pre-fill annotation spans with the current best tagger, for a person to correct; or
turn cell-level gold into span annotations (``--from-gold``)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def command(
    files: Annotated[Optional[list[str]], typer.Argument(help="Report files, folders or globs (not with --from-gold).")] = None,
    out: Annotated[Path, typer.Option("--out", "-o", help="Annotation JSONL to write.")] = Path("annotations.jsonl"),
    model: Annotated[list[str], typer.Option("--model", "-m", help="Tagger that pre-fills the spans (repeat with --from-gold: each one's decoded cells are tried against the gold).")] = [],  # noqa: B006
    split: Annotated[str, typer.Option("--split", help="meta.split of the new reports.")] = "train",
    from_gold: Annotated[list[Path], typer.Option("--from-gold", help="Cell-level gold files or folders (docs/gold-format.md; *.jsonl annotations too): align each gold value to its printed span.")] = [],  # noqa: B006
    raw: Annotated[Optional[Path], typer.Option("--raw", help="Folder of the gold's raw reports (as for ogi eval --gold).")] = None,
) -> None:
    """Tag each report and write its spans in the annotation format; exit 1 if a file could not be read.

    With --from-gold, the spans come from the gold: a decoded cell is kept where the gold agrees,
    moved to the gold key of its row that holds exactly its printed value, and left unlabelled
    (meta.unlabelled) where the text cannot place it; ambiguous gold cells are never labelled.
    """
    if from_gold:
        from ogi.gold import GoldFormatError
        from ogi.training.fromgold import from_gold_files

        if files:
            typer.echo("give report files or --from-gold, not both (the gold names its raw reports; use --raw DIR)", err=True)
            raise typer.Exit(2)
        try:
            n, failed = from_gold_files(list(from_gold), raw, out, models=list(model) or None, split=split)
        except GoldFormatError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(2) from None
        typer.echo(f"wrote {n} report(s) aligned to their gold to {out}; check with `ogi validate {out}`")
    else:
        from ogi.training.prefill import prefill_files

        if not files:
            typer.echo("give report files, folders or globs (or --from-gold GOLD)", err=True)
            raise typer.Exit(2)
        n, failed = prefill_files(files, out, model=(model[0] if model else "default"), split=split)
        typer.echo(f"wrote {n} pre-filled report(s) to {out}; correct the spans, then `ogi validate {out}`")
    for f in failed:
        typer.echo(f"FAILED {f}", err=True)
    raise typer.Exit(1 if failed else 0)
