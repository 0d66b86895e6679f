"""``ogi tag``: batch-tag reports into JSONL (default), CSV or XLSX."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Optional

import typer

from ogi.batch import DEFAULT_MAX_MEMORY_MB, DEFAULT_TIMEOUT, TagOptions, run_tag


def command(
    paths: Annotated[list[str], typer.Argument(help="Report files, folders or globs.")],
    out: Annotated[Optional[Path], typer.Option("--out", "-o", help="Output file (.jsonl, .csv or .xlsx); stdout (JSONL) if omitted.")] = None,
    model: Annotated[str, typer.Option("--model", "-m", help="rules, crf, transformer, default, or a model directory.")] = "default",
    jobs: Annotated[int, typer.Option("--jobs", "-j", help="Worker processes.")] = 1,
    resume: Annotated[bool, typer.Option("--resume", help="Skip ids already in --out.")] = False,
    strict: Annotated[bool, typer.Option("--strict", help="Stop at the first report that fails.")] = False,
    engine: Annotated[str, typer.Option("--engine", help="local or dask.")] = "local",
    scheduler: Annotated[Optional[str], typer.Option("--scheduler", help="Dask scheduler address (with --engine dask).")] = None,
    progress: Annotated[bool, typer.Option("--progress/--no-progress", help="Show a progress bar on stderr.")] = True,
    timeout: Annotated[float, typer.Option("--timeout", help="Seconds one report may take (0: no limit); a report past it gets a failed record.")] = DEFAULT_TIMEOUT,
    max_memory: Annotated[int, typer.Option("--max-memory", help="MB of memory one report may use (0: no limit); a report past it gets a failed record.")] = DEFAULT_MAX_MEMORY_MB,
) -> None:
    """Tag reports and write one record per report (SCHEMA.md); exit 1 if any report failed or a file
    under a folder could not be read, 2 on a usage error (one line says what to change)."""
    opts = TagOptions(model=model, jobs=jobs, resume=resume, strict=strict, engine=engine, scheduler=scheduler,
                      progress=progress, timeout=timeout or None, max_memory_mb=max_memory or None)
    code = run_tag(paths, out, opts)
    raise typer.Exit(code)
