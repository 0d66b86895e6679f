"""Worker functions that misbehave on purpose, for the fault tests (pickled by name into workers).

A file whose name contains ``die`` kills its worker with SIGKILL (what ``kill -9`` and the OOM killer
do), ``segv`` crashes it in C, ``slow`` sleeps, ``hog`` allocates memory; any other file is tagged.
"""

from __future__ import annotations

import os
import signal
import time
from pathlib import Path
from typing import Any

from ogi.batch import _work

SLOW_SECONDS = float(os.environ.get("OGI_TEST_SLOW", "30"))


def misbehave(path: str) -> dict[str, Any]:
    """Tag ``path``, unless its name asks for a fault."""
    name = Path(path).name
    if "die" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "segv" in name:
        import ctypes

        ctypes.string_at(0)  # reads address 0: SIGSEGV
    if "slow" in name:
        time.sleep(SLOW_SECONDS)
    if "hog" in name:
        blocks = [bytearray(64 * 1024 * 1024) for _ in range(64)]  # 4 GB, past any test limit
        del blocks
    return _work(path)


def echo(item: str) -> str:
    """Return the item (a task for the bare pool)."""
    return item


def die_once_init(marker: str) -> None:
    """Initializer that is SIGKILLed the first time (as ``kill -9`` of a starting worker would)."""
    if not os.path.exists(marker):
        Path(marker).write_text("x", encoding="utf-8")
        os.kill(os.getpid(), signal.SIGKILL)


def always_die_init() -> None:
    """Initializer that always crashes (a corrupt model segfaulting its C library)."""
    os.kill(os.getpid(), signal.SIGSEGV)
