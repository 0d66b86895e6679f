"""Batch tagging: expand paths, tag each report (in worker processes if asked), write, summarise.

A bad file never stops the batch (unless ``strict``): it gets a failed record naming the reason,
the summary counts it and the exit code is 1. Output files are written atomically.
"""

from __future__ import annotations

import glob
import json
import logging
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ogi.output import record_line

log = logging.getLogger(__name__)

INPUT_SUFFIXES = {".txt", ".text", ".html", ".htm", ".shtml", ".xhtml", ".pdf", ".docx", ".doc", ".wps", ".md"}


@dataclass
class TagOptions:
    """Settings of a batch run."""

    model: str = "default"
    jobs: int = 1
    resume: bool = False
    strict: bool = False
    engine: str = "local"
    scheduler: str | None = None
    progress: bool = True

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise ValueError(f"--jobs must be at least 1, got {self.jobs}")
        if self.engine not in ("local", "dask"):
            raise ValueError(f"--engine must be local or dask, got {self.engine!r}")


def expand_paths(specs: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files from files, folders (recursively, report suffixes only) and globs; plus specs matching nothing."""
    files: list[str] = []
    missing: list[str] = []
    for spec in specs:
        p = Path(spec)
        if p.is_dir():
            files += sorted(str(f) for f in p.rglob("*") if f.is_file() and f.suffix.lower() in INPUT_SUFFIXES)
        elif p.is_file():
            files.append(str(p))
        else:
            matches = sorted(m for m in glob.glob(spec, recursive=True) if Path(m).is_file())
            if matches:
                files += matches
            else:
                missing.append(spec)
    seen: set[str] = set()
    unique = [f for f in files if not (f in seen or seen.add(f))]  # type: ignore[func-returns-value]
    return unique, missing


_WORKER_TAGGER = None


def _init_worker(model: str) -> None:
    global _WORKER_TAGGER
    from ogi.taggers import load_tagger

    _WORKER_TAGGER = load_tagger(model)


def _work(path: str) -> dict[str, Any]:
    from ogi.pipeline import tag_path

    assert _WORKER_TAGGER is not None
    return tag_path(path, _WORKER_TAGGER)


def iter_records(files: list[str], opts: TagOptions) -> Iterator[dict[str, Any]]:
    """Records in input order, computed locally, in a process pool, or on Dask."""
    if opts.engine == "dask":
        from ogi.dask_engine import dask_records

        yield from dask_records(files, opts.model, opts.scheduler)
        return
    if opts.jobs == 1 or len(files) < 2:
        _init_worker(opts.model)
        for f in files:
            yield _work(f)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context()
    with ctx.Pool(opts.jobs, initializer=_init_worker, initargs=(opts.model,)) as pool:
        yield from pool.imap(_work, files, chunksize=max(1, min(16, len(files) // (opts.jobs * 8) or 1)))


def _existing_ids(out: Path) -> tuple[list[str], set[str]]:
    lines: list[str] = []
    ids: set[str] = set()
    if out.is_file():
        for line in out.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                continue  # a torn line from an old crash: dropped, the report is tagged again
            lines.append(line)
            ids.add(rec.get("path") or rec.get("id"))
    return lines, ids


def summarise(records: list[dict[str, Any]]) -> str:
    """A short human summary: reports by status and template, and the most failed checks."""
    status = Counter(r["status"] for r in records)
    template = Counter(r["template"] for r in records)
    fails = Counter(c["name"] for r in records for c in r.get("checks", []) if c["status"] == "fail")
    parts = [
        f"{len(records)} reports: " + ", ".join(f"{k} {v}" for k, v in sorted(status.items())),
        "templates: " + ", ".join(f"{k} {v}" for k, v in sorted(template.items())),
    ]
    if fails:
        parts.append("most failed checks: " + ", ".join(f"{k} ({v})" for k, v in fails.most_common(5)))
    for r in records:
        if r["status"] == "failed":
            parts.append(f"FAILED {r['path']}: {'; '.join(r['errors'])}")
    return "\n".join(parts)


def run_tag(specs: list[str], out: Path | None, opts: TagOptions) -> int:
    """Tag everything ``specs`` names; write to ``out`` (or stdout); return the exit code."""
    files, missing = expand_paths(specs)
    for m in missing:
        log.error("%s: no such file, folder or glob match", m)
    kept_lines: list[str] = []
    if out is not None and opts.resume:
        kept_lines, done = _existing_ids(out)
        files = [f for f in files if f not in done]
    records: list[dict[str, Any]] = []
    progress = _progress(len(files)) if opts.progress and files else None
    try:
        for rec in iter_records(files, opts):
            records.append(rec)
            if out is None:
                sys.stdout.write(record_line(rec) + "\n")
            if progress:
                progress.advance()
            if opts.strict and rec["status"] == "failed":
                log.error("stopping (--strict): %s: %s", rec["path"], "; ".join(rec["errors"]))
                break
    finally:
        if progress:
            progress.close()
        if out is not None:
            from ogi.output import write_records

            write_records(records, out, keep_lines=kept_lines)
    print(summarise(records), file=sys.stderr)
    failed = any(r["status"] == "failed" for r in records) or bool(missing)
    return 1 if failed else 0


class _progress:
    """A rich progress bar on stderr (quiet when stderr is not a terminal)."""

    def __init__(self, total: int) -> None:
        from rich.console import Console
        from rich.progress import Progress

        self._p = Progress(console=Console(stderr=True), transient=True, disable=not sys.stderr.isatty())
        self._p.start()
        self._task = self._p.add_task("tagging", total=total)

    def advance(self) -> None:
        self._p.advance(self._task)

    def close(self) -> None:
        self._p.stop()
