"""``ogi export`` / ``ogi import``: annotations to and from Label Studio, doccano and spaCy (and records to CSV/XLSX)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

TOOLS = ("label-studio", "doccano", "spacy")


def export_command(
    src: Annotated[Path, typer.Argument(help="Annotation JSONL (label-studio, doccano, spacy) or `ogi tag` records (csv, xlsx).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="label-studio/doccano: a folder; spacy: FILE.spacy; csv/xlsx: the file.")],
    to: Annotated[str | None, typer.Option("--to", help="label-studio, doccano, spacy, csv or xlsx (default: by --out's suffix).")] = None,
    headers: Annotated[str, typer.Option("--headers", help="csv/xlsx column headers: en or zh.")] = "en",
    utf16: Annotated[bool, typer.Option("--utf16", help="label-studio: offsets in UTF-16 code units (as the browser counts).")] = False,
) -> None:
    """Write annotations for an annotation tool (tasks + labeling config), or records as a spreadsheet."""
    kind = to or {".spacy": "spacy", ".csv": "csv", ".xlsx": "xlsx"}.get(out.suffix.lower(), "")
    if kind in ("csv", "xlsx"):
        from ogi.cli import export as sheet

        sheet.command(records=src, out=out, headers=headers)
        return
    if kind not in TOOLS:
        why = f"--to {to!r} is not one of" if to else f"--out {out}: give a .csv, .xlsx or .spacy file, or --to"
        typer.echo(f"error: {why} {', '.join(TOOLS)}, csv, xlsx", err=True)
        raise typer.Exit(2)
    from ogi.annotations import export_doccano, export_label_studio, read_annotations

    try:
        reports = read_annotations(src)
    except (OSError, ValueError, KeyError) as exc:
        typer.echo(f"error: {src}: not an annotation JSONL file ({exc})", err=True)
        raise typer.Exit(2) from None
    if kind == "label-studio":
        tasks, config = export_label_studio(reports, out, utf16=utf16)
        typer.echo(f"{len(reports)} tasks in {tasks}; labeling config in {config} (paste it in Settings → Labeling Interface)")
    elif kind == "doccano":
        tasks, labels = export_doccano(reports, out)
        typer.echo(f"{len(reports)} documents in {tasks}; labels in {labels} (import them under Labels first)")
    else:
        try:
            from ogi.review.spans import annotations_to_docbin
        except ImportError:
            typer.echo("error: --to spacy needs spaCy: pip install -e '.[review]'", err=True)
            raise typer.Exit(2) from None
        n = annotations_to_docbin(reports, out)
        typer.echo(f"{n} docs written to {out} (spans in doc.spans['sc'])")


def import_command(
    src: Annotated[Path, typer.Argument(help="The tool's export: Label Studio JSON/JSONL, doccano JSONL.")],
    source: Annotated[str, typer.Option("--from", help="label-studio or doccano.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Annotation JSONL to write.")],
    split: Annotated[str | None, typer.Option("--split", help="Set meta.split of every report (train, dev, test).")] = None,
    utf16: Annotated[bool, typer.Option("--utf16", help="label-studio: the offsets are UTF-16 code units.")] = False,
) -> None:
    """Read the latest annotation of each task back into the training format; exit 1 if problems remain."""
    from ogi.annotations import SPLITS, from_doccano, from_label_studio, validate_reports, write_annotations
    from ogi.errors import AnnotationError

    if source not in ("label-studio", "doccano"):
        typer.echo(f"error: --from must be label-studio or doccano (got {source!r})", err=True)
        raise typer.Exit(2)
    if split is not None and split not in SPLITS:
        typer.echo(f"error: --split must be one of {', '.join(SPLITS)}", err=True)
        raise typer.Exit(2)
    try:
        reports = from_label_studio(src, utf16=utf16) if source == "label-studio" else from_doccano(src)
    except (OSError, ValueError, KeyError, TypeError, AnnotationError) as exc:
        typer.echo(f"error: {src}: cannot read a {source} export: {exc}", err=True)
        raise typer.Exit(2) from None
    if split:
        for r in reports:
            r.meta["split"] = split
    write_annotations(reports, out)
    problems = validate_reports((str(out), r) for r in reports)
    typer.echo(f"{len(reports)} reports written to {out}")
    for p in problems[:20]:
        typer.echo(f"  {p}", err=True)
    raise typer.Exit(1 if problems else 0)
