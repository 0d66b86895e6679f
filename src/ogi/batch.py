"""Batch tagging: expand paths, tag each report (in worker processes if asked), write, summarise.

A bad file never stops the batch (unless ``strict``): it gets a failed record naming the reason,
the summary counts it and the exit code is 1. Records are appended to a checkpoint file as they come
(a killed run loses nothing that was finished; ``--resume`` goes on from it) and the output file
appears, whole, at the end.
"""

from __future__ import annotations

import contextlib
import glob
import json
import logging
import os
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ogi.output import atomic_open, record_line

log = logging.getLogger(__name__)

JSONL_SUFFIXES = frozenset({".jsonl", ".json", ".ndjson", ""})
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
_WORKER_ERROR: str | None = None


def _init_worker(model: str, pool: bool = False) -> None:
    """Load the tagger once per process. In a pool a failure is kept (a raising initializer would make
    the pool respawn workers forever) and every report of the worker gets a failed record naming it.

    A pool worker gets one torch thread: N workers each running torch's default thread pool on N cores
    oversubscribe the machine (measured: 8 reports/s with --jobs 2 against 57 with --jobs 1).
    """
    global _WORKER_TAGGER, _WORKER_ERROR
    from ogi.taggers import load_tagger

    if pool:
        os.environ["OMP_NUM_THREADS"] = "1"

    try:
        _WORKER_TAGGER = load_tagger(model)
        if pool and "torch" in sys.modules:
            sys.modules["torch"].set_num_threads(1)
    except Exception as exc:  # noqa: BLE001 - reported on every record of this worker
        _WORKER_ERROR = f"model {model!r} failed to load: {type(exc).__name__}: {exc}"
        log.error("%s", _WORKER_ERROR)


def _work(path: str) -> dict[str, Any]:
    """The record of one file; never raises (a defect in a reader gives a failed record naming it)."""
    from ogi.pipeline import failed_record, tag_path

    if _WORKER_TAGGER is None:
        return failed_record(path, _WORKER_ERROR or "no tagger loaded", {"name": "none", "version": ""})
    try:
        return tag_path(path, _WORKER_TAGGER)
    except Exception as exc:  # noqa: BLE001 - keep the batch going
        log.exception("internal error on %s", path)
        return failed_record(path, f"internal error: {type(exc).__name__}: {exc}", _WORKER_TAGGER.describe())


def iter_records(files: list[str], opts: TagOptions) -> Iterator[dict[str, Any]]:
    """Records in input order, computed locally, in a process pool, or on Dask."""
    global _WORKER_TAGGER
    if opts.engine == "dask":
        from ogi.dask_engine import dask_records

        yield from dask_records(files, opts.model, opts.scheduler)
        return
    if opts.jobs == 1 or len(files) < 2:
        from ogi.taggers import load_tagger

        _WORKER_TAGGER = load_tagger(opts.model)  # a bad model stops the run here, before any output
        for f in files:
            yield _work(f)
        return
    import multiprocessing as mp

    ctx = mp.get_context("fork") if sys.platform.startswith("linux") else mp.get_context()
    with ctx.Pool(opts.jobs, initializer=_init_worker, initargs=(opts.model, True)) as pool:
        yield from pool.imap(_work, files, chunksize=max(1, min(16, len(files) // (opts.jobs * 8) or 1)))


def _key(path: str) -> str:
    """What ``--resume`` compares: the record's path, made absolute and normalised."""
    return os.path.normcase(os.path.abspath(path))


def partial_path(out: Path) -> Path:
    """The checkpoint beside ``out`` that records are appended to while a run goes on."""
    return out.with_name(f".{out.name}.partial.jsonl")


def _complete_lines(path: Path) -> Iterator[tuple[str, dict[str, Any]]]:
    """``(line, record)`` for each complete JSONL line of ``path``; a torn or invalid line is dropped."""
    if not path.is_file():
        return
    with path.open("r", encoding="utf-8", errors="replace") as fh:
        for line in fh:
            if not line.endswith("\n"):
                log.warning("%s: dropping a torn last line (%d chars)", path, len(line))
                break
            line = line.strip()
            if not line:
                continue
            try:
                rec = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s: dropping an invalid line", path)
                continue
            if isinstance(rec, dict) and (rec.get("path") or rec.get("id")):
                yield line, rec


def _existing(out: Path, partial: Path) -> tuple[list[str], set[str], Summary]:
    """Lines to keep (``--resume``) from the output (JSONL only) and a leftover checkpoint, and their keys."""
    kept: list[str] = []
    done: set[str] = set()
    summary = Summary()
    sources = [partial]
    if out.suffix.lower() in JSONL_SUFFIXES:
        sources.insert(0, out)
    elif out.exists() and not partial.exists():
        log.warning("%s: --resume reads JSONL only; every input is tagged again", out)
    for src in sources:
        for line, rec in _complete_lines(src):
            k = _key(rec.get("path") or rec.get("id"))
            if k in done:
                continue
            done.add(k)
            kept.append(line)
            summary.add(rec, resumed=True)
    return kept, done, summary


class Summary:
    """Counts for the end-of-run summary, kept as records stream by (records themselves are not held)."""

    def __init__(self) -> None:
        self.status: Counter[str] = Counter()
        self.template: Counter[str] = Counter()
        self.failed_checks: Counter[str] = Counter()
        self.failed: list[tuple[str, str]] = []
        self.resumed = 0

    def add(self, rec: dict[str, Any], resumed: bool = False) -> None:
        self.status[rec.get("status", "?")] += 1
        self.template[str(rec.get("template", "?"))] += 1
        for c in rec.get("checks", []):
            if c.get("status") == "fail":
                self.failed_checks[c.get("name", "?")] += 1
        if rec.get("status") == "failed":
            self.failed.append((str(rec.get("path")), "; ".join(rec.get("errors", []))))
        self.resumed += resumed

    @property
    def total(self) -> int:
        return sum(self.status.values())

    def render(self, limit_failed: int = 50) -> str:
        head = f"{self.total} reports"
        if self.resumed:
            head += f" ({self.resumed} kept from an earlier run)"
        parts = [
            head + ": " + ", ".join(f"{k} {v}" for k, v in sorted(self.status.items())),
            "templates: " + ", ".join(f"{k} {v}" for k, v in sorted(self.template.items())),
        ]
        if self.failed_checks:
            n = sum(self.failed_checks.values())
            parts.append(
                f"failed checks ({n}): " + ", ".join(f"{k} ({v})" for k, v in self.failed_checks.most_common(10))
            )
        for path, why in self.failed[:limit_failed]:
            parts.append(f"FAILED {path}: {why}")
        if len(self.failed) > limit_failed:
            parts.append(f"… and {len(self.failed) - limit_failed} more failed reports")
        return "\n".join(parts)


def run_tag(specs: list[str], out: Path | None, opts: TagOptions) -> int:
    """Tag everything ``specs`` names; write to ``out`` (or stdout); return the exit code.

    With ``out``, records are appended (and flushed) one by one to a checkpoint beside it
    (``partial_path``); at the end the checkpoint becomes ``out`` (JSONL: renamed; CSV/XLSX: exported,
    then removed). A killed run leaves the checkpoint; ``--resume`` keeps its complete lines and the
    records already in a JSONL ``out`` and tags only the rest.
    """
    files, missing = expand_paths(specs)
    for m in missing:
        log.error("%s: no such file, folder or glob match", m)
    if opts.engine == "local":
        from ogi.errors import ModelLoadError
        from ogi.taggers import resolve_model

        try:
            resolve_model(opts.model)  # fail fast on a missing model, before any output is touched
        except ModelLoadError as exc:
            log.error("%s", exc)
            return 2
    if out is None:
        return _run_stdout(files, missing, opts)
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in JSONL_SUFFIXES | {".csv", ".xlsx"}:
        raise ValueError(f"{out}: unsupported output format {suffix!r}; use .jsonl, .csv or .xlsx")
    partial = partial_path(out)
    kept: list[str] = []
    summary = Summary()
    if opts.resume:
        kept, done, summary = _existing(out, partial)
        before = len(files)
        files = [f for f in files if _key(f) not in done]
        log.info("--resume: %d records kept, %d of %d inputs to tag", len(kept), len(files), before)
    # The checkpoint starts as the kept lines (a torn tail of an old one is gone), then grows.
    out.parent.mkdir(parents=True, exist_ok=True)
    with atomic_open(partial) as fh:
        for line in kept:
            fh.write(line + "\n")
    del kept
    progress = _progress(len(files)) if opts.progress and files else None
    stopped = False
    completed = False
    try:
        with partial.open("a", encoding="utf-8", newline="") as fh, contextlib.closing(iter_records(files, opts)) as recs:
            for rec in recs:
                fh.write(record_line(rec) + "\n")
                fh.flush()
                summary.add(rec)
                if progress:
                    progress.advance()
                if opts.strict and rec["status"] == "failed":
                    log.error("stopping (--strict): %s: %s", rec["path"], "; ".join(rec["errors"]))
                    stopped = True
                    break
            os.fsync(fh.fileno())
        completed = True
    finally:
        if progress:
            progress.close()
        if not completed:
            log.error("interrupted: %d records are in %s; run again with --resume to go on", summary.total, partial)
    _finish(partial, out)
    print(summary.render(), file=sys.stderr)
    failed = bool(summary.status.get("failed")) or bool(missing) or stopped
    return 1 if failed else 0


def _finish(partial: Path, out: Path) -> None:
    """Turn the complete checkpoint into the output file."""
    if out.suffix.lower() in JSONL_SUFFIXES:
        os.replace(partial, out)
        return
    from ogi.output import write_records

    records = [rec for _, rec in _complete_lines(partial)]
    write_records(records, out)
    partial.unlink()


def _run_stdout(files: list[str], missing: list[str], opts: TagOptions) -> int:
    summary = Summary()
    with contextlib.closing(iter_records(files, opts)) as recs:
        for rec in recs:
            sys.stdout.write(record_line(rec) + "\n")
            sys.stdout.flush()
            summary.add(rec)
            if opts.strict and rec["status"] == "failed":
                log.error("stopping (--strict): %s: %s", rec["path"], "; ".join(rec["errors"]))
                break
    print(summary.render(), file=sys.stderr)
    return 1 if summary.status.get("failed") or missing else 0


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
