"""``ogi synth``: generate synthetic annotated reports in every layout and template."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def command(
    count: Annotated[int, typer.Option("--count", "-n", help="Number of reports.")] = 200,
    seed: Annotated[int, typer.Option("--seed", help="Random seed (same seed, same bytes).")] = 1,
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL.")] = Path("synthetic.jsonl"),
    split: Annotated[str | None, typer.Option("--split", help="Set meta.split of every report (train/dev/test).")] = None,
    drop_blank_rate: Annotated[float | None, typer.Option("--drop-blank-rate", help="Share of table rows whose blank cells are dropped.")] = None,
    families: Annotated[str | None, typer.Option("--families", help="Augmentation families allowed, comma-separated, or -NAME,… to remove some (default: all).")] = None,
    force: Annotated[str | None, typer.Option("--force", help="Every report gets at least one of these families (e.g. the held-out ones).")] = None,
    layouts: Annotated[str | None, typer.Option("--layouts", help="Layout families to draw from, comma-separated (default: all).")] = None,
) -> None:
    """Write COUNT synthetic reports with exact span labels."""
    from ogi.annotations import write_annotations
    from ogi.training.synth import generate, parse_list

    try:
        reports = generate(count, seed, drop_blank_rate=drop_blank_rate, families=parse_list(families),
                           force=parse_list(force) or (), layouts=parse_list(layouts))
    except ValueError as e:
        typer.echo(f"ogi synth: {e}", err=True)
        raise typer.Exit(2) from None
    if split:
        for r in reports:
            r.meta["split"] = split
    write_annotations(reports, out)
    typer.echo(f"wrote {len(reports)} reports to {out}")
