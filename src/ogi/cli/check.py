"""``ogi check``: summarise the 勾稽 checks of tagged records, per report and for the batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer


def command(
    records: Annotated[Path, typer.Argument(help="JSONL written by `ogi tag`.")],
    csv_out: Annotated[Optional[Path], typer.Option("--csv", help="Write the failed checks as CSV (for auditors).")] = None,
    all_reports: Annotated[bool, typer.Option("--all", help="List every report, not only those with failures.")] = False,
) -> None:
    """Print which reports fail which identity; exit 1 when any check fails."""
    from ogi.audit import audit_summary, load_records, write_failures_csv

    recs = load_records(records)
    text, n_failed = audit_summary(recs, show_all=all_reports)
    typer.echo(text)
    if csv_out:
        write_failures_csv(recs, csv_out)
        typer.echo(f"failures written to {csv_out}")
    raise typer.Exit(1 if n_failed else 0)
