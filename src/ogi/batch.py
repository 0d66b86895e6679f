"""Batch tagging: expand paths, tag each report in supervised worker processes, write, summarise.

A bad file never stops the batch (unless ``strict``): it gets a failed record naming the reason, the
summary counts it and the exit code is 1. So does a report that kills its worker (a segfault, the
OOM killer), runs past ``--timeout`` or needs more memory than ``--max-memory``: the worker is
replaced and the batch goes on (``ogi.workpool``).

Records are appended to a checkpoint beside ``--out`` in the order they finish (a slow report holds
back nobody; a killed run loses nothing finished; ``--resume`` goes on from it); at the end the
output file appears, whole, in input order. ``--out`` is checked before any work: never an input,
a folder or a non-regular file; a lock keeps two runs off the same output.

Every file under a folder that is not read is named in the summary with its reason.
"""

from __future__ import annotations

import contextlib
import errno
import glob
import json
import logging
import os
import stat
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from ogi.errors import ModelLoadError, OgiError, UsageError
from ogi.output import atomic_open, record_line

log = logging.getLogger(__name__)

JSONL_SUFFIXES = frozenset({".jsonl", ".json", ".ndjson", ""})
OUTPUT_SUFFIXES = JSONL_SUFFIXES | {".csv", ".xlsx"}
DEFAULT_TIMEOUT = 120.0  # seconds per report; real reports take well under 5 s (a 500-page PDF: ~30 s)
DEFAULT_MAX_MEMORY_MB = 4096  # address space a worker may add per report


def input_suffixes() -> frozenset[str]:
    """Suffixes a folder scan picks up: the readers package's table (declined formats such as .doc
    included, so they get a failed record naming a converter rather than a bare skip)."""
    from ogi.readers import SUPPORTED_SUFFIXES

    return frozenset(s.lower() for s in SUPPORTED_SUFFIXES)


@dataclass
class TagOptions:
    """Settings of a batch run.

    ``timeout`` (seconds) and ``max_memory_mb`` bound one report (None: unbounded); ``work`` is the
    function a worker runs per file (tests inject faults through it).
    """

    model: str = "default"
    jobs: int = 1
    resume: bool = False
    strict: bool = False
    engine: str = "local"
    scheduler: str | None = None
    progress: bool = True
    timeout: float | None = DEFAULT_TIMEOUT
    max_memory_mb: int | None = DEFAULT_MAX_MEMORY_MB
    work: Callable[[str], dict[str, Any]] | None = None

    def __post_init__(self) -> None:
        if self.jobs < 1:
            raise UsageError(f"--jobs must be at least 1, got {self.jobs}")
        if self.engine not in ("local", "dask"):
            raise UsageError(f"--engine must be local or dask, got {self.engine!r}")
        if self.timeout is not None and self.timeout <= 0:
            self.timeout = None
        if self.max_memory_mb is not None and self.max_memory_mb <= 0:
            self.max_memory_mb = None


# --------------------------------------------------------------------------------------- inputs


@dataclass
class Inputs:
    """What the path specs name: files to tag, specs matching nothing, entries not read (with why)."""

    files: list[str]
    missing: list[str]
    skipped: list[tuple[str, str]]


def _kind(mode: int) -> str:
    for test, name in ((stat.S_ISFIFO, "a named pipe"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a character device"),
                       (stat.S_ISBLK, "a block device")):
        if test(mode):
            return name
    return "not a regular file"


def _walk(folder: str, suffixes: frozenset[str], files: list[str], skipped: list[tuple[str, str]]) -> None:
    """Regular files with a report suffix under ``folder``, sorted; everything else into ``skipped``."""
    try:
        with os.scandir(folder) as it:
            entries = sorted(it, key=lambda e: e.name)
    except OSError as exc:
        skipped.append((folder, f"unreadable folder ({exc.strerror or exc})"))
        return
    for e in entries:
        try:
            st = os.stat(e.path)  # follows symlinks: a link to a report is read
        except OSError as exc:
            skipped.append((e.path, "broken symbolic link" if e.is_symlink() else f"unreadable ({exc.strerror or exc})"))
            continue
        if stat.S_ISDIR(st.st_mode):
            if e.is_symlink():
                skipped.append((e.path, "symbolic link to a folder (not followed)"))
            else:
                _walk(e.path, suffixes, files, skipped)
        elif not stat.S_ISREG(st.st_mode):
            skipped.append((e.path, _kind(st.st_mode)))
        elif os.path.splitext(e.name)[1].lower() not in suffixes:
            skipped.append((e.path, f"unsupported extension {os.path.splitext(e.name)[1] or '(none)'}"))
        else:
            files.append(e.path)


def expand(specs: Iterable[str]) -> Inputs:
    """Files from files, folders (recursively, report suffixes only) and globs, each once."""
    suffixes = input_suffixes()
    files: list[str] = []
    missing: list[str] = []
    skipped: list[tuple[str, str]] = []
    for spec in specs:
        try:
            st = os.stat(spec)
        except OSError:
            st = None
        if st is not None and stat.S_ISDIR(st.st_mode):
            _walk(spec, suffixes, files, skipped)
        elif st is not None and stat.S_ISREG(st.st_mode):
            files.append(spec)  # named explicitly: read whatever its suffix
        elif st is not None:
            skipped.append((spec, _kind(st.st_mode)))
        else:
            matches = sorted(glob.glob(spec, recursive=True))
            regular = [m for m in matches if os.path.isfile(m)]
            if regular:
                files += regular
            else:
                missing.append(spec)
    seen: set[str] = set()
    unique = []
    for f in files:
        k = key(f)
        if k not in seen:
            seen.add(k)
            unique.append(f)
    return Inputs(unique, missing, skipped)


def expand_paths(specs: Iterable[str]) -> tuple[list[str], list[str]]:
    """Files and the specs matching nothing (see ``expand``)."""
    got = expand(specs)
    return got.files, got.missing


def key(path: str) -> str:
    """What ``--resume`` and de-duplication compare: the canonical path (symlinks and ``..`` resolved,
    absolute, so a run from another folder or through a link finds the same file)."""
    return os.path.normcase(os.path.realpath(path))


def display(text: str) -> str:
    """``text`` with the undecodable bytes of a file name (surrogate escapes) read as GB18030, the
    usual encoding of such names (zips made on Chinese Windows); else replaced."""
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        raw = text.encode("utf-8", "surrogateescape")
    for enc in ("utf-8", "gb18030"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    return raw.decode("utf-8", "replace")


def assign_ids(files: list[str]) -> list[str]:
    """One id per file, unique within the batch: the file stem, or where stems collide the path from
    the colliding files' common folder ("a/report", "b/report"; with the suffix if that is not enough)."""
    by_stem: dict[str, list[int]] = {}
    for i, f in enumerate(files):
        by_stem.setdefault(display(Path(f).stem), []).append(i)
    ids = [""] * len(files)
    for stem, idx in by_stem.items():
        if len(idx) == 1:
            ids[idx[0]] = stem
            continue
        paths = [os.path.abspath(files[i]) for i in idx]
        root = os.path.commonpath([os.path.dirname(p) for p in paths])
        rels = [display(os.path.relpath(p, root)).replace(os.sep, "/") for p in paths]
        bare = [os.path.splitext(r)[0] for r in rels]
        n_bare = Counter(bare)
        for i, b, r in zip(idx, bare, rels, strict=True):
            ids[i] = b if n_bare[b] == 1 else r  # the suffix only where the folder is not enough
    taken: Counter[str] = Counter()
    for i, name in enumerate(ids):  # a stem equal to another file's relative id: number the later one
        taken[name] += 1
        if taken[name] > 1:
            ids[i] = f"{name}~{taken[name]}"
    return ids


# --------------------------------------------------------------------------------------- workers

_WORKER_TAGGER = None


def _init_worker(model: str, pool: bool = False) -> None:
    """Load the tagger once per worker and run it on a scrap of text, so a model that cannot load
    or crashes its C library stops the run here, before any report, with one message.

    A pool worker gets one torch thread: N workers each running torch's default thread pool on N cores
    oversubscribe the machine (measured: 8 reports/s with --jobs 2 against 57 with --jobs 1).
    """
    global _WORKER_TAGGER
    from ogi.pipeline import process
    from ogi.readers.text import document_from_text
    from ogi.taggers import load_tagger

    if pool:
        os.environ["OMP_NUM_THREADS"] = "1"
    _WORKER_TAGGER = load_tagger(model)
    if pool and "torch" in sys.modules:
        sys.modules["torch"].set_num_threads(1)
    process(document_from_text("一、总体情况\n本机关2020年收到申请1件。\n", "<warm-up>", "warm-up"), _WORKER_TAGGER)


def _work(path: str) -> dict[str, Any]:
    """The record of one file; never raises (a defect in a reader gives a failed record naming it)."""
    from ogi.pipeline import failed_record, tag_path

    if _WORKER_TAGGER is None:
        return failed_record(path, "no tagger loaded", {"name": "none", "version": ""})
    try:
        return tag_path(path, _WORKER_TAGGER)
    except MemoryError:
        return failed_record(path, "out of memory: the report needs more than --max-memory", _WORKER_TAGGER.describe())
    except Exception as exc:  # noqa: BLE001 - keep the batch going
        log.exception("internal error on %s", path)
        return failed_record(path, f"internal error: {type(exc).__name__}: {exc}", _WORKER_TAGGER.describe())


def _model_of(opts: TagOptions) -> dict[str, str]:
    return {"name": opts.model, "version": ""}


def iter_records(files: list[str], opts: TagOptions) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index into files, record)`` in completion order, from supervised workers or Dask.

    Raises:
        ModelLoadError: the model does not load (or crashes) in a worker.
    """
    from ogi.pipeline import failed_record

    if not files:
        return
    if opts.engine == "dask":
        from ogi.dask_engine import dask_records

        yield from dask_records(files, opts.model, opts.scheduler, timeout=opts.timeout)
        return
    from ogi.workpool import Fault, WorkerInitError, WorkerPool

    pool = WorkerPool(
        min(opts.jobs, len(files)),
        opts.work or _work,
        _init_worker,
        (opts.model, opts.jobs > 1),
        timeout=opts.timeout,
        memory_bytes=opts.max_memory_mb * 1024 * 1024 if opts.max_memory_mb else None,
    )
    with pool:
        try:
            for index, path, result in pool.run(files):
                if isinstance(result, Fault):
                    result = failed_record(path, result.reason, _model_of(opts))
                yield index, result
        except WorkerInitError as exc:
            hint = "; its files may be corrupt: restore the model folder or retrain" if "died" in str(exc) else ""
            raise ModelLoadError(f"model {opts.model!r} cannot be used: {exc}{hint}") from exc


# --------------------------------------------------------------------------------------- output


def partial_path(out: Path) -> Path:
    """The checkpoint beside ``out`` that records are appended to while a run goes on."""
    return out.with_name(f".{out.name}.partial.jsonl")


def lock_path(out: Path) -> Path:
    """The lock file beside ``out`` held while a run writes it."""
    return out.with_name(f".{out.name}.lock")


def check_output(out: Path, files: list[str]) -> None:
    """Refuse, before any work, an ``--out`` that would destroy something or cannot be written.

    Raises:
        UsageError: wrong suffix; a folder; an existing non-regular file (/dev/null, /dev/stdout, a
            pipe); one of the inputs (also through a link); a folder that cannot be created or written.
    """
    suffix = out.suffix.lower()
    if suffix not in OUTPUT_SUFFIXES:
        raise UsageError(f"--out {out}: unsupported output format {suffix!r}; use .jsonl, .csv or .xlsx")
    if out.is_dir():
        raise UsageError(f"--out {out} is a folder; give a file name such as {out / 'records.jsonl'}")
    try:
        st = os.stat(out)
    except OSError:
        st = None
    if st is not None and not stat.S_ISREG(st.st_mode):
        raise UsageError(f"--out {out} is {_kind(st.st_mode)}, not a regular file; omit --out to write JSONL to stdout")
    if _special_path(os.path.abspath(out)) or _special_path(os.path.realpath(out)):
        # /dev/stdout resolves to whatever fd 1 is (a pipe, a tty, a file): the atomic rename would
        # replace the link itself
        raise UsageError(f"--out {out} is a device or process file; omit --out to write JSONL to stdout")
    target = key(str(out))
    for f in files:
        if key(f) == target:
            raise UsageError(f"--out {out} is one of the inputs; choose another output file")
    parent = out.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise UsageError(f"--out {out}: cannot create folder {parent}: {exc.strerror or exc}") from exc
    if not os.access(parent, os.W_OK | os.X_OK):
        raise UsageError(f"--out {out}: folder {parent} is not writable; choose another output file")


def _special_path(path: str) -> bool:
    """Under /proc, /sys or /dev (but not /dev/shm, a plain tmpfs)."""
    if path.startswith(("/proc/", "/sys/")):
        return True
    return path.startswith("/dev/") and not path.startswith("/dev/shm/")


class OutputLock:
    """An exclusive lock on ``--out`` (a ``.NAME.lock`` file beside it), removed when released."""

    def __init__(self, out: Path) -> None:
        self.path = lock_path(out)
        self.out = out
        self._fh: IO[str] | None = None

    def __enter__(self) -> OutputLock:
        try:
            import fcntl
        except ImportError:  # pragma: no cover - not POSIX: no lock
            return self
        for _ in range(10):
            fh = open(self.path, "a+", encoding="utf-8")  # noqa: SIM115 - held until __exit__
            try:
                fcntl.flock(fh.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError as exc:
                fh.seek(0)
                holder = fh.read().strip()
                fh.close()
                if exc.errno in (errno.EAGAIN, errno.EACCES, errno.EWOULDBLOCK):
                    raise UsageError(
                        f"--out {self.out} is being written by another ogi run{f' (pid {holder})' if holder else ''}; "
                        "wait for it or choose another output file"
                    ) from exc
                raise
            # the holder before us may have removed the file after we opened it: lock the file on disk
            try:
                same = os.fstat(fh.fileno()).st_ino == os.stat(self.path).st_ino
            except OSError:
                same = False
            if same:
                fh.seek(0)
                fh.truncate()
                fh.write(str(os.getpid()))
                fh.flush()
                self._fh = fh
                return self
            fh.close()
        raise UsageError(f"--out {self.out}: cannot take the lock {self.path}")

    def __exit__(self, *exc: object) -> None:
        if self._fh is not None:
            with contextlib.suppress(OSError):
                os.unlink(self.path)
            self._fh.close()
            self._fh = None


def _safe_line(rec: dict[str, Any]) -> str:
    """The JSONL line of ``rec``; lone surrogates (undecodable file-name bytes) become ``\\udcXX``
    escapes, which JSON reads back to the same path, instead of failing the write."""
    line = record_line(rec)
    try:
        line.encode("utf-8")
    except UnicodeEncodeError:
        line = line.encode("utf-8", "backslashreplace").decode("utf-8")  # only the surrogates change
    return line


def _complete_lines(path: Path) -> Iterator[tuple[int, int, dict[str, Any]]]:
    """``(offset, length, record)`` of each complete JSONL line of ``path``; a torn or invalid line is dropped."""
    if not path.is_file():
        return
    with path.open("rb") as fh:
        offset = 0
        for raw in fh:
            start, offset = offset, offset + len(raw)
            if not raw.endswith(b"\n"):
                log.warning("%s: dropping a torn last line (%d bytes)", path, len(raw))
                break
            if not raw.strip():
                continue
            try:
                rec = json.loads(raw)
            except (json.JSONDecodeError, UnicodeDecodeError):
                log.warning("%s: dropping an invalid line at byte %d", path, start)
                continue
            if isinstance(rec, dict) and (rec.get("path") or rec.get("id")):
                yield start, len(raw), rec


def _existing(out: Path, partial: Path) -> tuple[list[bytes], set[str], Summary]:
    """Lines to keep (``--resume``) from the output (JSONL only) and a leftover checkpoint, and their keys."""
    kept: list[bytes] = []
    done: set[str] = set()
    summary = Summary()
    sources = [partial]
    if out.suffix.lower() in JSONL_SUFFIXES:
        sources.insert(0, out)
    elif out.exists() and not partial.exists():
        log.warning("%s: --resume reads JSONL only; every input is tagged again", out)
    for src in sources:
        if not src.is_file():
            continue
        with src.open("rb") as fh:
            for start, length, rec in _complete_lines(src):
                k = key(str(rec.get("path") or rec.get("id")))
                if k in done:
                    continue
                done.add(k)
                fh.seek(start)
                kept.append(fh.read(length))
                summary.add(rec, resumed=True)
    return kept, done, summary


class Summary:
    """Counts for the end-of-run summary, kept as records stream by (records themselves are not held)."""

    def __init__(self) -> None:
        self.status: Counter[str] = Counter()
        self.template: Counter[str] = Counter()
        self.failed_checks: Counter[str] = Counter()
        self.failed: list[tuple[str, str]] = []
        self.skipped: list[tuple[str, str]] = []
        self.resumed = 0

    def add(self, rec: dict[str, Any], resumed: bool = False) -> None:
        """Count one record."""
        self.status[rec.get("status", "?")] += 1
        self.template[str(rec.get("template", "?"))] += 1
        for c in rec.get("checks", []):
            if c.get("status") == "fail":
                self.failed_checks[c.get("name", "?")] += 1
        if rec.get("status") == "failed":
            self.failed.append((display(str(rec.get("path"))), "; ".join(rec.get("errors", []))))
        self.resumed += resumed

    @property
    def total(self) -> int:
        """Records counted."""
        return sum(self.status.values())

    def render(self, limit_failed: int = 50) -> str:
        """The summary printed to stderr."""
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
        if self.skipped:
            parts.append(f"not read ({len(self.skipped)}):")
            for path, why in self.skipped[:limit_failed]:
                parts.append(f"SKIPPED {display(path)}: {why}")
            if len(self.skipped) > limit_failed:
                parts.append(f"… and {len(self.skipped) - limit_failed} more files not read")
        return "\n".join(parts)


def _skip_fails(skipped: list[tuple[str, str]]) -> bool:
    """An entry that might have been a report but could not be read makes the exit code 1; a file of
    another type (unsupported extension) is only named."""
    return any(not why.startswith("unsupported extension") for _, why in skipped)


def run_tag(specs: list[str], out: Path | None, opts: TagOptions) -> int:
    """Tag everything ``specs`` names; write to ``out`` (or stdout); return the exit code.

    With ``out``, records are appended (and flushed) as they finish to a checkpoint beside it
    (``partial_path``); at the end the checkpoint becomes ``out`` in input order (JSONL: copied in
    order; CSV/XLSX: exported), then is removed. A killed run leaves the checkpoint; ``--resume``
    keeps its complete lines and the records already in a JSONL ``out`` and tags only the rest.

    Raises:
        UsageError: a bad ``--out`` (see ``check_output``) or one another run is writing.
        ModelLoadError: the model is missing or does not load.
        OSError: the output cannot be written (disk full, read-only).
    """
    inputs = expand(specs)
    files = inputs.files
    for m in inputs.missing:
        log.error("%s: no such file, folder or glob match", display(m))
    if opts.engine == "local":
        from ogi.taggers import resolve_model

        resolve_model(opts.model)  # fail fast on a missing model, before any output is touched
    ids = assign_ids(files)
    order = {key(f): i for i, f in enumerate(files)}
    if out is None:
        return _run_stdout(files, ids, inputs, opts)
    out = Path(out)
    check_output(out, files)
    with OutputLock(out):
        return _run_to_file(files, ids, order, inputs, out, opts)


def _run_to_file(
    files: list[str], ids: list[str], order: dict[str, int], inputs: Inputs, out: Path, opts: TagOptions
) -> int:
    partial = partial_path(out)
    kept: list[bytes] = []
    summary = Summary()
    summary.skipped = inputs.skipped
    todo = list(range(len(files)))
    if opts.resume:
        kept, done, summary = _existing(out, partial)
        summary.skipped = inputs.skipped
        todo = [i for i in todo if key(files[i]) not in done]
        log.info("--resume: %d records kept, %d of %d inputs to tag", len(kept), len(todo), len(files))
    # The checkpoint starts as the kept lines (a torn tail of an old one is gone), then grows.
    with atomic_open(partial, mode="wb") as fh:
        for line in kept:
            fh.write(line)
    del kept
    progress = _progress(len(todo)) if opts.progress and todo else None
    stopped = False
    completed = False
    n_kept = summary.total
    try:
        with partial.open("a", encoding="utf-8", newline="") as fh, \
                contextlib.closing(iter_records([files[i] for i in todo], opts)) as recs:
            for j, rec in recs:
                i = todo[j]
                rec["id"] = ids[i]
                rec["path"] = os.path.abspath(files[i])
                fh.write(_safe_line(rec) + "\n")
                fh.flush()
                summary.add(rec)
                if progress:
                    progress.advance()
                if opts.strict and rec["status"] == "failed":
                    log.error("stopping (--strict): %s: %s", display(rec["path"]), "; ".join(rec["errors"]))
                    stopped = True
                    break
            os.fsync(fh.fileno())
        completed = True
    except ModelLoadError:
        if summary.total == n_kept == 0:  # the model failed before any record: leave nothing behind
            with contextlib.suppress(OSError):
                partial.unlink()
            completed = True
        raise
    finally:
        if progress:
            progress.close()
        if not completed:
            log.error("interrupted: %d records are in %s; run again with --resume to go on", summary.total, partial)
    _finish(partial, out, order)
    print(summary.render(), file=sys.stderr)
    failed = bool(summary.status.get("failed")) or bool(inputs.missing) or stopped or _skip_fails(inputs.skipped)
    return 1 if failed else 0


def _finish(partial: Path, out: Path, order: dict[str, int]) -> None:
    """Write the complete checkpoint to ``out`` in input order (records of files not among the inputs,
    kept by ``--resume``, after them in checkpoint order), then remove the checkpoint."""
    n = len(order)
    index: list[tuple[int, int, int, int]] = []  # (rank, seq, offset, length)
    for seq, (start, length, rec) in enumerate(_complete_lines(partial)):
        rank = order.get(key(str(rec.get("path") or rec.get("id"))), n)
        index.append((rank, seq, start, length))
    index.sort()
    if out.suffix.lower() in JSONL_SUFFIXES:
        with partial.open("rb") as src, atomic_open(out, mode="wb") as dst:
            for _, _, start, length in index:
                src.seek(start)
                dst.write(src.read(length))
    else:
        from ogi.export import write_records

        records = []
        with partial.open("rb") as src:
            for _, _, start, length in index:
                src.seek(start)
                rec = json.loads(src.read(length))
                rec["id"], rec["path"] = display(str(rec.get("id", ""))), display(str(rec.get("path", "")))
                records.append(rec)
        write_records(records, out)
    partial.unlink()


def _run_stdout(files: list[str], ids: list[str], inputs: Inputs, opts: TagOptions) -> int:
    """Records to stdout in input order (each as soon as those before it are out), summary to stderr.

    Stdout has no checkpoint, so the order is the final one: records that finish early wait in memory
    for the ones before them (at most the few in flight beside a slow report)."""
    summary = Summary()
    summary.skipped = inputs.skipped
    stopped = False
    waiting: dict[int, dict[str, Any]] = {}
    nxt = 0
    with contextlib.closing(iter_records(files, opts)) as recs:
        for i, rec in recs:
            rec["id"] = ids[i]
            rec["path"] = os.path.abspath(files[i])
            waiting[i] = rec
            while nxt in waiting:
                ready = waiting.pop(nxt)
                nxt += 1
                sys.stdout.write(_safe_line(ready) + "\n")
                summary.add(ready)
                if opts.strict and ready["status"] == "failed":
                    log.error("stopping (--strict): %s: %s", display(ready["path"]), "; ".join(ready["errors"]))
                    stopped = True
                    break
            sys.stdout.flush()
            if stopped:
                break
    print(summary.render(), file=sys.stderr)
    return 1 if summary.status.get("failed") or inputs.missing or stopped or _skip_fails(inputs.skipped) else 0


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


__all__ = ["Inputs", "OgiError", "Summary", "TagOptions", "assign_ids", "check_output", "expand", "expand_paths",
           "iter_records", "key", "partial_path", "run_tag"]
