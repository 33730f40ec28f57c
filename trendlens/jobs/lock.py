"""One job per store at a time: an advisory lock on ``<store>.lock``.

The lock is ``fcntl.flock`` on a side file, so the operating system releases it
when the holder exits in any way, SIGKILL included: a crashed job never leaves a
stale lock behind. The file records the holder's pid and start time for the
message the next job prints.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import IO

from trendlens.errors import TrendlensError


class StoreLockedError(TrendlensError):
    """Another job holds the store."""


@contextlib.contextmanager
def store_lock(store: str | Path, wait: float = 0.0, poll: float = 0.2) -> Iterator[Path]:
    """Hold the lock of ``store`` for the block; wait up to ``wait`` seconds for it.

    Raises
    ------
    StoreLockedError
        When another process still holds it after ``wait`` seconds; the message
        names that process.
    """
    import fcntl

    path = Path(f"{store}.lock")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle = os.fdopen(os.open(path, os.O_RDWR | os.O_CREAT, 0o644), "r+")
    try:
        deadline = time.monotonic() + max(wait, 0.0)
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() >= deadline:
                    raise StoreLockedError(
                        f"{store} is in use by {_holder(handle)}; wait for it to finish, "
                        "or pass --wait SECONDS to queue"
                    ) from None
                time.sleep(poll)
        since = datetime.now(timezone.utc).isoformat(timespec="seconds")
        handle.seek(0)
        handle.write(f"trendlens job pid {os.getpid()} since {since}")  # write, then cut: never empty
        handle.truncate()
        handle.flush()
        yield path
    finally:
        handle.close()  # closing the file releases the lock


def _holder(handle: IO[str], tries: int = 10) -> str:
    """Who holds the lock, as the holder wrote it (it may take a moment after the lock is taken)."""
    for _ in range(tries):
        handle.seek(0)
        text = handle.read().strip()
        if text:
            return text
        time.sleep(0.1)
    return "another process"
