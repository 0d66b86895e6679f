"""A process pool that survives its workers: one task per worker at a time, a deadline per task, a
memory ceiling per worker, results in completion order.

``multiprocessing.Pool`` never fails a task whose worker died (kill -9, a segfault in a C extension,
the OOM killer): ``imap`` waits forever. Here each worker holds at most one task, so a death or an
overrun is charged to exactly that task: it gets a fault result naming the cause, the worker is
replaced and the other tasks go on. Nothing is retried (a report that kills a worker would kill the
next one too).

Workers start from a ``forkserver`` (a clean single-threaded process): forking the batch process
itself while its progress-bar thread holds the stderr lock could deadlock the child.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing as mp
import os
import signal
import sys
import time
import types
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any

log = logging.getLogger(__name__)

MAX_STARTUP_DEATHS = 3  # consecutive deaths of starting workers before the run is stopped

# (kind, index, payload) kinds sent by a worker
_READY, _DONE, _RAISED, _INIT_FAILED = "ready", "done", "raised", "init-failed"


class WorkerInitError(RuntimeError):
    """A worker could not start (its initializer raised, or it died before it was ready)."""


@dataclass
class Fault:
    """Why a task has no result: the worker died, the deadline passed, or the function raised."""

    reason: str


def _signal_name(code: int | None) -> str:
    if code is None:
        return "unknown exit"
    if code < 0:
        try:
            return f"signal {signal.Signals(-code).name}"
        except ValueError:
            return f"signal {-code}"
    return f"exit code {code}"


def _address_space() -> int:
    """Bytes of address space this process maps now (0 where /proc is missing)."""
    try:
        with open("/proc/self/statm", encoding="ascii") as fh:
            return int(fh.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError, IndexError):
        return 0


def limit_memory(budget_bytes: int) -> bool:
    """Cap this process's address space at what it maps now plus ``budget_bytes`` (RLIMIT_AS).

    An allocation past the cap fails inside the task (``MemoryError``, or the worker dies), so a hostile
    input cannot take the machine's memory. Returns False where the limit cannot be set.
    """
    try:
        import resource
    except ImportError:  # not POSIX
        return False
    base = _address_space()
    if not base:
        return False
    want = base + budget_bytes
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            want = min(want, hard)
        if soft != resource.RLIM_INFINITY and soft < want:
            return True  # already tighter
        resource.setrlimit(resource.RLIMIT_AS, (want, hard))
    except (ValueError, OSError) as exc:
        log.warning("cannot limit worker memory: %s", exc)
        return False
    return True


def _die_with(batch_pid: int) -> None:
    """Exit when the batch process is gone (killed with -9, say). A worker is a child of the fork
    server, which Python keeps alive while any worker lives, so nothing else would stop a worker busy
    on a hostile report after its batch died. A daemon thread checks once a second."""
    import threading

    def watch() -> None:
        while True:
            time.sleep(1.0)
            try:
                os.kill(batch_pid, 0)
            except ProcessLookupError:
                os._exit(1)
            except PermissionError:  # the pid now belongs to someone else's process: ours is gone
                os._exit(1)

    threading.Thread(target=watch, name="ogi-batch-watch", daemon=True).start()


def _worker_main(
    conn: Connection,
    init: Callable[..., None] | None,
    initargs: tuple[Any, ...],
    work: Callable[[Any], Any],
    memory_bytes: int | None,
    batch_pid: int,
) -> None:
    """The loop of one worker: initialise, then run one task at a time until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    _die_with(batch_pid)
    try:
        if init is not None:
            init(*initargs)
    except BaseException as exc:  # noqa: BLE001 - reported to the parent, which stops the run
        conn.send((_INIT_FAILED, -1, f"{type(exc).__name__}: {exc}" if not _is_ogi_error(exc) else str(exc)))
        return
    if memory_bytes:
        limit_memory(memory_bytes)  # after the model is loaded: the budget is per task
    conn.send((_READY, -1, None))
    while True:
        try:
            msg = conn.recv()
        except (EOFError, OSError):
            return
        if msg is None:
            return
        index, item = msg
        try:
            result = work(item)
            kind = _DONE
        except MemoryError:
            result, kind = "out of memory (the per-report memory limit was reached)", _RAISED
        except BaseException as exc:  # noqa: BLE001 - a defect in ``work`` fails this task only
            result, kind = f"{type(exc).__name__}: {exc}", _RAISED
        try:
            conn.send((kind, index, result))
        except MemoryError:
            conn.send((_RAISED, index, "out of memory while sending the result"))


def _is_ogi_error(exc: BaseException) -> bool:
    from ogi.errors import OgiError

    return isinstance(exc, OgiError)


@contextlib.contextmanager
def _main_hidden() -> Iterator[None]:
    """Start a worker without re-running the caller's ``__main__`` in it.

    A forkserver/spawn child imports the parent's main module (``multiprocessing`` does, so that
    functions defined there unpickle): a user's script calling ``ogi`` without an
    ``if __name__ == "__main__"`` guard would run again inside every worker, and a main read from
    stdin cannot be imported at all (every worker died). Workers only run module-level functions of
    importable modules, so the main module is swapped for an empty one while a worker starts.
    """
    saved = sys.modules.get("__main__")
    sys.modules["__main__"] = types.ModuleType("__main__")
    try:
        yield
    finally:
        if saved is not None:
            sys.modules["__main__"] = saved


@dataclass
class _Worker:
    proc: Any
    conn: Connection
    ready: bool = False
    task: tuple[int, Any] | None = None
    deadline: float = float("inf")


class WorkerPool:
    """``jobs`` worker processes running ``work(item)``; see the module docstring.

    Args:
        jobs: worker processes.
        work: a module-level function (it is pickled by reference).
        init, initargs: run once in each worker before its first task; if it raises, or workers die
            while starting ``MAX_STARTUP_DEATHS`` times in a row, the run stops with ``WorkerInitError``
            (a model that does not load would fail every task the same way).
        timeout: seconds one task may run; None for no limit.
        memory_bytes: address space a worker may add after ``init`` (RLIMIT_AS); None for no limit.
    """

    def __init__(
        self,
        jobs: int,
        work: Callable[[Any], Any],
        init: Callable[..., None] | None = None,
        initargs: tuple[Any, ...] = (),
        *,
        timeout: float | None = None,
        memory_bytes: int | None = None,
    ) -> None:
        if jobs < 1:
            raise ValueError(f"jobs must be at least 1, got {jobs}")
        self.jobs = jobs
        self.work = work
        self.init = init
        self.initargs = initargs
        self.timeout = timeout
        self.memory_bytes = memory_bytes
        method = "forkserver" if "forkserver" in mp.get_all_start_methods() else "spawn"
        self._ctx = mp.get_context(method)
        if method == "forkserver":
            self._ctx.set_forkserver_preload(["ogi.workpool", "ogi.batch", "ogi.pipeline"])
        self._workers: list[_Worker] = []
        self.restarts = 0
        self._startup_deaths = 0

    # -- workers
    def _spawn(self) -> _Worker:
        parent, child = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_worker_main,
            args=(child, self.init, self.initargs, self.work, self.memory_bytes, os.getpid()),
            daemon=True,
            name="ogi-worker",
        )
        with _main_hidden():
            proc.start()
        child.close()
        w = _Worker(proc, parent)
        self._workers.append(w)
        return w

    def _retire(self, w: _Worker, kill: bool) -> None:
        if kill and w.proc.is_alive():
            w.proc.kill()
        w.proc.join(timeout=5)
        w.conn.close()
        self._workers.remove(w)

    def close(self) -> None:
        """Stop every worker (idle ones are asked, busy ones killed)."""
        for w in list(self._workers):
            if w.task is None and w.ready:
                try:
                    w.conn.send(None)
                except (OSError, BrokenPipeError):
                    pass
                w.proc.join(timeout=2)
            self._retire(w, kill=True)

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running
    def run(self, items: Iterable[Any]) -> Iterator[tuple[int, Any, Any]]:
        """``(index, item, result)`` in completion order; ``result`` is a ``Fault`` when there is none.

        Raises:
            WorkerInitError: a worker's ``init`` raised, or a worker died before it was ready.
        """
        it = iter(enumerate(items))
        exhausted = False
        for _ in range(self.jobs):
            self._spawn()
        while True:
            # hand tasks to idle workers
            for w in self._workers:
                if w.ready and w.task is None and not exhausted:
                    nxt = next(it, None)
                    if nxt is None:
                        exhausted = True
                        break
                    w.task = nxt
                    w.deadline = time.monotonic() + self.timeout if self.timeout else float("inf")
                    w.conn.send(nxt)
            busy = [w for w in self._workers if w.task is not None]
            if exhausted and not busy:
                return
            now = time.monotonic()
            wait_for = min((w.deadline for w in busy), default=float("inf")) - now
            handles: list[Any] = []
            for w in self._workers:
                handles += [w.conn, w.proc.sentinel]
            ready = set(wait(handles, timeout=None if wait_for == float("inf") else max(0.0, wait_for)))
            for w in list(self._workers):
                if w.conn in ready or w.proc.sentinel in ready:
                    out = self._receive(w)
                    if out is not None:
                        yield out
            now = time.monotonic()
            for w in list(self._workers):
                if w.task is not None and now >= w.deadline:
                    index, item = w.task
                    log.error("%s: no result after %s s; its worker is stopped", item, self.timeout)
                    self._retire(w, kill=True)
                    self._respawn()
                    yield index, item, Fault(f"timed out: no result after {self.timeout:g} s (--timeout)")

    def _receive(self, w: _Worker) -> tuple[int, Any, Any] | None:
        """Read one message from ``w``, or account for its death."""
        msg = None
        if w.conn.poll():
            try:
                msg = w.conn.recv()
            except (EOFError, OSError):
                msg = None
        if msg is None:
            if w.proc.is_alive():
                return None  # woke for nothing (or the pipe closed a moment before the exit)
            w.proc.join(timeout=5)
            code = w.proc.exitcode
            task = w.task
            was_ready = w.ready
            self._retire(w, kill=True)
            if not was_ready:
                # one death while starting may be a kill from outside; the same death again and again
                # is the model (a corrupt file crashing its C library)
                self._startup_deaths += 1
                if self._startup_deaths >= MAX_STARTUP_DEATHS:
                    raise WorkerInitError(
                        f"workers died {self._startup_deaths} times in a row while starting ({_signal_name(code)})"
                    )
                log.warning("a worker died while starting (%s); starting another", _signal_name(code))
            self._respawn()
            if task is None:
                return None
            index, item = task
            log.error("%s: its worker died (%s)", item, _signal_name(code))
            hint = " (out of memory?)" if code in (-signal.SIGKILL, -signal.SIGSEGV, -signal.SIGABRT) else ""
            return index, item, Fault(f"worker died ({_signal_name(code)}){hint} while reading this report")
        kind, index, payload = msg
        if kind == _READY:
            w.ready = True
            self._startup_deaths = 0
            return None
        if kind == _INIT_FAILED:
            self._retire(w, kill=True)
            raise WorkerInitError(payload)
        task = w.task
        w.task = None
        w.deadline = float("inf")
        if task is None or task[0] != index:  # cannot happen: one task per worker
            return None
        if kind == _RAISED:
            return index, task[1], Fault(payload)
        return index, task[1], payload

    def _respawn(self) -> None:
        self.restarts += 1
        self._spawn()


__all__ = ["Fault", "WorkerInitError", "WorkerPool", "limit_memory"]
