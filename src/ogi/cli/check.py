"""``ogi check``: summarise the 勾稽 checks of tagged records, per report, across years and for the batch."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def command(
    records: Annotated[Path, typer.Argument(help="JSONL written by `ogi tag`.")],
    csv_out: Annotated[Path | None, typer.Option("--csv", help="Write the failed checks as CSV (for auditors).")] = None,
    html_out: Annotated[Path | None, typer.Option("--html", help="Write a batch report (HTML with charts).")] = None,
    all_reports: Annotated[bool, typer.Option("--all", help="List every report, not only those with failures.")] = False,
) -> None:
    """Print which reports fail which check (cross-year checks included); exit 1 when any check fails."""
    from ogi.audit import audit_summary, load_records, write_failures_csv
    from ogi.checks import cross_year_checks
    from ogi.errors import OgiError

    try:
        recs = load_records(records)
    except OgiError as exc:
        typer.echo(f"error: {exc}", err=True)
        raise typer.Exit(2) from None
    cross = cross_year_checks(recs)
    text, n_failed = audit_summary(recs, show_all=all_reports, cross=cross)
    typer.echo(text)
    if csv_out:
        write_failures_csv(recs, csv_out, cross)
        typer.echo(f"failures written to {csv_out}")
    if html_out:
        from ogi.batch_report import render
        from ogi.output import atomic_open

        with atomic_open(html_out) as fh:
            fh.write(render(recs, cross, source=str(records)))
        typer.echo(f"batch report written to {html_out}")
    raise typer.Exit(1 if n_failed else 0)
