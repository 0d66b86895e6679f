"""Tagging on Dask (``ogi tag --engine dask [--scheduler ADDRESS]``); needs the ``dask`` extra.

Each worker process loads the tagger once (a module global keyed by the model spec). Files are read
by the workers, so the paths must be visible to them (a shared file system for a remote cluster).
Records come back in input order; at most ``window`` tasks are in flight, so memory stays bounded
however many files there are.
"""

from __future__ import annotations

import logging
from collections import deque
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
    files: list[str], model: str, scheduler: str | None = None, *, window: int | None = None
) -> Iterator[dict[str, Any]]:
    """Records of ``files`` in input order, computed on a local cluster (``scheduler`` None) or on
    the Dask scheduler at ``scheduler`` (e.g. ``tcp://host:8786``).

    Raises:
        OptionalDependencyError: dask.distributed is not installed (``pip install 'ogi[dask]'``).
    """
    distributed = _import_distributed()
    if not files:
        return
    cluster = None
    if scheduler is None:
        cluster = distributed.LocalCluster(
            processes=True, n_workers=2, threads_per_worker=1, dashboard_address=None, silence_logs=logging.ERROR
        )
        client = distributed.Client(cluster)
    else:
        client = distributed.Client(scheduler)
    try:
        n_threads = sum(client.nthreads().values()) or 1
        window = window or max(8, 4 * n_threads)
        pending: deque[Any] = deque()
        it = iter(files)

        def submit_next() -> bool:
            path = next(it, None)
            if path is None:
                return False
            # pure=False: a file may change between runs, so never reuse a cached result
            pending.append((path, client.submit(tag_one, path, model, pure=False)))
            return True

        for _ in range(window):
            if not submit_next():
                break
        while pending:
            path, fut = pending.popleft()
            try:
                rec = fut.result()
            except Exception as exc:  # noqa: BLE001 - a worker died (killed, out of memory)
                from ogi.pipeline import failed_record

                log.error("dask task %s failed: %s", path, exc)
                rec = failed_record(path, f"worker failed: {type(exc).__name__}: {exc}",
                                    {"name": model, "version": ""})
            fut.release()
            submit_next()
            yield rec
    finally:
        client.close()
        if cluster is not None:
            cluster.close()

