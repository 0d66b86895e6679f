"""Tagging on Dask (``ogi tag --engine dask [--scheduler ADDRESS]``); needs the ``dask`` extra.

Each worker process loads the tagger once (a module global keyed by the model spec). Files are read
by the workers, so the paths must be visible to them (a shared file system for a remote cluster).
Records come back as they finish (the batch writes the final output in input order); at most
``window`` tasks are in flight, so memory stays bounded however many files there are.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator
from typing import Any

from ogi.errors import OptionalDependencyError

log = logging.getLogger(__name__)

_TAGGERS: dict[str, Any] = {}  # model spec -> loaded tagger, per worker process


def _import_distributed():  # noqa: ANN202 - dask has partial stubs
    try:
        import distributed
    except ImportError as exc:
        raise OptionalDependencyError(
            "--engine dask needs dask.distributed, which is not installed: pip install 'ogi[dask]'"
        ) from exc
    return distributed


def _tagger(model: str):  # noqa: ANN202
    tagger = _TAGGERS.get(model)
    if tagger is None:
        from ogi.taggers import load_tagger

        tagger = _TAGGERS[model] = load_tagger(model)
    return tagger


def tag_one(path: str, model: str) -> dict[str, Any]:
    """Run on a worker: the record of one file; never raises."""
    from ogi.pipeline import failed_record, tag_path

    try:
        tagger = _tagger(model)
    except Exception as exc:  # noqa: BLE001 - every record says why
        return failed_record(path, f"model {model!r} failed to load on the worker: {type(exc).__name__}: {exc}",
                             {"name": "none", "version": ""})
    try:
        return tag_path(path, tagger)
    except Exception as exc:  # noqa: BLE001
        return failed_record(path, f"internal error: {type(exc).__name__}: {exc}", tagger.describe())


def dask_records(
    files: list[str],
    model: str,
    scheduler: str | None = None,
    *,
    window: int | None = None,
    timeout: float | None = None,
    memory_limit: str | None = "4GiB",
) -> Iterator[tuple[int, dict[str, Any]]]:
    """``(index into files, record)`` in completion order, computed on a local cluster (``scheduler``
    None) or on the Dask scheduler at ``scheduler`` (e.g. ``tcp://host:8786``).

    At most ``window`` tasks are out at once (default: one per worker thread, so a task's deadline
    counts from about when it starts). A task that outruns ``timeout`` seconds or whose worker dies
    (killed, out of its ``memory_limit`` on a local cluster) gets a failed record; the others go on.

    Raises:
        OptionalDependencyError: dask.distributed is not installed (``pip install 'ogi[dask]'``).
    """
    distributed = _import_distributed()
    if not files:
        return
    import dask

    from ogi.pipeline import failed_record

    cluster = None
    # a report that kills a worker would kill the next ones too: never retry it
    with dask.config.set({"distributed.scheduler.allowed-failures": 0}):
        if scheduler is None:
            cluster = distributed.LocalCluster(
                processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None,
                silence_logs=logging.ERROR, memory_limit=memory_limit,
            )
            client = distributed.Client(cluster)
        else:
            client = distributed.Client(scheduler)
        try:
            n_threads = sum(client.nthreads().values()) or 1
            window = window or n_threads
            pending: dict[Any, tuple[int, str, float]] = {}
            it = iter(enumerate(files))

            def submit_next() -> None:
                nxt = next(it, None)
                if nxt is not None:
                    i, path = nxt
                    # pure=False: a file may change between runs, so never reuse a cached result
                    fut = client.submit(tag_one, path, model, pure=False)
                    pending[fut] = (i, path, time.monotonic() + timeout if timeout else float("inf"))

            for _ in range(window):
                submit_next()
            while pending:
                soonest = min(d for _, _, d in pending.values()) - time.monotonic()
                try:
                    done, _ = distributed.wait(
                        list(pending), timeout=None if soonest == float("inf") else max(0.05, soonest),
                        return_when="FIRST_COMPLETED",
                    )
                except TimeoutError:  # nothing finished before the soonest deadline (dask's is a subclass)
                    done = set()
                now = time.monotonic()
                for fut in list(pending):
                    i, path, deadline = pending[fut]
                    if fut in done:
                        try:
                            rec = fut.result()
                        except Exception as exc:  # noqa: BLE001 - a worker died (killed, out of memory)
                            log.error("dask task %s failed: %s", path, exc)
                            rec = failed_record(path, f"worker failed: {type(exc).__name__}: {exc}",
                                                {"name": model, "version": ""})
                    elif now >= deadline:
                        log.error("%s: no result after %s s; the task is cancelled", path, timeout)
                        fut.cancel()
                        rec = failed_record(path, f"timed out: no result after {timeout:g} s (--timeout)",
                                            {"name": model, "version": ""})
                    else:
                        continue
                    del pending[fut]
                    fut.release()
                    submit_next()
                    yield i, rec
        finally:
            client.close()
            if cluster is not None:
                cluster.close()
