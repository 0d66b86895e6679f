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
