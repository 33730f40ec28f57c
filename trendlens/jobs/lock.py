"""One job per store at a time: a ``filelock`` lock on ``<store>.lock``.

The lock is the operating system's (``flock`` on Unix, through ``filelock.FileLock``), so it is
released when the holder exits in any way, SIGKILL included: a crashed job never leaves a stale
lock behind. The holder writes its pid and start time to ``<store>.lock.holder`` for the message
the next job prints (a side file: ``filelock`` may truncate the lock file when it opens it).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path

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
    from filelock import FileLock, Timeout

    path = Path(f"{store}.lock")
    holder = Path(f"{store}.lock.holder")
    path.parent.mkdir(parents=True, exist_ok=True)
    # not thread-local: the scheduler may release from another thread than the one that locked
    lock = FileLock(path, thread_local=False)
    try:
        lock.acquire(timeout=max(wait, 0.0), poll_interval=poll)
    except Timeout:
        raise StoreLockedError(
            f"{store} is in use by {_holder(holder)}; wait for it to finish, or pass --wait SECONDS to queue"
        ) from None
    try:
        since = datetime.now(timezone.utc).isoformat(timespec="seconds")
        partial = holder.with_name(f"{holder.name}.{os.getpid()}")
        partial.write_text(f"trendlens job pid {os.getpid()} since {since}", encoding="utf-8")
        os.replace(partial, holder)  # whole or not at all: a reader never sees it half-written
        yield path
    finally:
        lock.release()


def _holder(path: Path, tries: int = 10) -> str:
    """Who holds the lock, as the holder wrote it (it may take a moment after the lock is taken)."""
    for _ in range(tries):
        with contextlib.suppress(OSError):
            text = path.read_text(encoding="utf-8").strip()
            if text:
                return text
        time.sleep(0.1)
    return "another process"
