"""``ogi export``: turn ``ogi tag`` records (JSONL) into CSV or XLSX, with English keys or Chinese headers."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def command(
    records: Annotated[Path, typer.Argument(help="JSONL written by `ogi tag`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output file: .csv (plus NAME.cells.csv) or .xlsx.")],
    headers: Annotated[str, typer.Option("--headers", help="Column headers: en (canonical keys) or zh (Chinese labels).")] = "en",
) -> None:
    """Write the records as a spreadsheet: numbers in one unit per column, a per-cell companion."""
    from ogi.audit import load_records
    from ogi.errors import OgiError
    from ogi.export import HEADER_LANGS, companion_path, write_csv, write_xlsx

    if headers not in HEADER_LANGS:
        typer.echo(f"error: --headers must be one of {', '.join(HEADER_LANGS)}, got {headers!r}", err=True)
        raise typer.Exit(2)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        typer.echo(f"error: --out {out}: use .csv or .xlsx", err=True)
        raise typer.Exit(2)
    try:
        recs = load_records(records)
    except OgiError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    if suffix == ".csv":
        write_csv(recs, out, headers=headers)
        typer.echo(f"{len(recs)} reports written to {out} (cells: {companion_path(out)})")
    else:
        write_xlsx(recs, out, headers=headers)
        typer.echo(f"{len(recs)} reports written to {out}")
