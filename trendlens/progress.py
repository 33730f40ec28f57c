"""Progress on the terminal for the stages that have no natural count (clustering, signals, the hierarchy).

Counted work (embedding, the report's evidence) shows tqdm bars; a stage without a count shows
a spinner with the elapsed time while it runs (rich), then one line saying what it did and how
long it took. Everything goes to stderr, so ``--json`` output on stdout stays clean.
"""

from __future__ import annotations

import contextlib
import sys
import time
from collections.abc import Iterator


@contextlib.contextmanager
def stage(description: str, enabled: bool = True) -> Iterator[None]:
    """Show ``description`` with a spinner while the block runs, then ``✓ description (N.N s)``."""
    if not enabled:
        yield
        return
    from rich.console import Console

    console = Console(stderr=True, highlight=False)
    started = time.perf_counter()
    if console.is_terminal:
        with console.status(f"{description} …", spinner="dots"):
            yield
    else:  # a log file or a pipe: no spinner frames, only the closing line
        yield
    console.print(f"[green]✓[/green] {description} ({time.perf_counter() - started:.1f} s)")
    sys.stderr.flush()
