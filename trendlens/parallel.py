"""Where the partition-parallel stages of :meth:`TrendDetector.fit` and the scheduled job run: here, or on Dask.

Two stages work on independent pieces of the corpus: embedding (:data:`PARTITION`
texts at a time, or the partitions the caller gives, such as the job's buckets of
texts; the embedding cache consulted for each) and assigning documents to
the fitted trends (:data:`ASSIGN_CHUNK` rows at a time). Both cut the corpus at the
same places whichever executor runs them and compute each piece with the same
function, so a Dask run gives the same vectors and trends as a run in this process
(for the same inputs and seed, and the same cache content).

- :class:`LocalExecutor` runs the pieces one after another in this process;
- :class:`DaskExecutor` sends them to the workers of a ``dask.distributed`` cluster
  (a scheduler's address, a ``Client``, or a ``LocalCluster`` of worker processes
  started for the run), a few per worker in flight so every worker stays busy while
  the pieces held in memory stay bounded. Results come back in order.

Workers build the embedding model by name once per process and check that its
model id is the one this process would use (a different model on a worker would put
foreign vectors in the cache).
"""

from __future__ import annotations

import contextlib
import logging
import os
import threading
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import partial
from typing import Any

import numpy as np

from trendlens.errors import ConfigError

#: Texts per embedding partition (also the unit of the embedding cache lookups).
PARTITION = 4096
#: Rows per assignment chunk.
ASSIGN_CHUNK = 65_536
#: Pieces queued per Dask worker.
IN_FLIGHT = 2


class LocalExecutor:
    """Run each piece in this process, in order."""

    name = "local"
    workers = 1

    def share(self, value: Any) -> Any:
        """A value every piece reads (here: the value itself)."""
        return value

    def map(self, fn: Callable[..., Any], items: Iterable[Any], *shared: Any) -> Iterator[Any]:
        """``fn(item, *shared)`` for each item, in order."""
        for item in items:
            yield fn(item, *shared)

    def close(self) -> None:
        """Nothing to release."""

    def __repr__(self) -> str:
        return "LocalExecutor()"


class DaskExecutor:
    """Run each piece on a ``dask.distributed`` cluster.

    Parameters
    ----------
    scheduler
        A scheduler address (``"tcp://host:8786"``), a ``distributed.Client``, or
        ``None`` for a ``LocalCluster`` of worker processes started here and closed by
        :meth:`close`.
    workers
        Worker processes of the ``LocalCluster`` (default: one per core); each runs one
        piece at a time.
    threads
        Threads the models inside each ``LocalCluster`` worker use (``TRENDLENS_THREADS``);
        default: the worker's share of the cores.
    """

    name = "dask"
    #: How long to wait for a scheduler given by address.
    connect_timeout = "20s"

    def __init__(self, scheduler: Any = None, workers: int | None = None, threads: int | None = None) -> None:
        try:
            from distributed import Client, LocalCluster
        except ImportError:
            raise ConfigError("the Dask executor needs dask.distributed: pip install 'trendlens[dask]'") from None
        self._cluster = None
        self._own_client = True
        if scheduler is None:
            from trendlens.embed.base import available_threads

            cores = available_threads()
            n = cores if workers is None else int(workers)
            if n < 1:
                raise ConfigError(f"workers must be at least 1, got {workers}")
            self._cluster = LocalCluster(
                n_workers=n,
                threads_per_worker=1,
                processes=True,
                dashboard_address=":0",
                silence_logs=logging.ERROR,
                env={"TRENDLENS_THREADS": str(threads or max(1, cores // n))},
            )
            try:
                self.client = Client(self._cluster)
            except BaseException:
                self._cluster.close()
                raise
        elif isinstance(scheduler, str):
            try:
                self.client = Client(scheduler, timeout=self.connect_timeout)
            except OSError as exc:
                raise ConfigError(f"could not reach the Dask scheduler at {scheduler} ({exc})") from None
        else:
            self.client = scheduler
            self._own_client = False
        self.workers = max(1, len(self.client.scheduler_info().get("workers", {})))

    def share(self, value: Any) -> Any:
        """A value every piece reads, sent to every worker once."""
        # a key of its own (hash=False): the same value scattered by an earlier run may be being released
        return self.client.scatter(value, broadcast=True, hash=False)

    def map(self, fn: Callable[..., Any], items: Iterable[Any], *shared: Any) -> Iterator[Any]:
        """``fn(item, *shared)`` for each item on the workers; results in order, a few pieces in flight."""
        queue: deque = deque()
        limit = max(2, IN_FLIGHT * self.workers)
        for item in items:
            queue.append(self.client.submit(fn, item, *shared, pure=False))
            if len(queue) >= limit:
                yield queue.popleft().result()
        while queue:
            yield queue.popleft().result()

    def close(self) -> None:
        """Close the client and the LocalCluster this executor started (best effort: failures are logged)."""
        for owned, thing in ((self._own_client, getattr(self, "client", None)), (True, self._cluster)):
            if owned and thing is not None:
                try:
                    thing.close()
                except Exception as exc:  # closing must not hide the error a fit may be raising
                    logging.getLogger(__name__).warning("closing %r failed: %s", thing, exc)

    def __repr__(self) -> str:
        where = "LocalCluster" if self._cluster is not None else "cluster"
        return f"DaskExecutor({where}, workers={self.workers})"


def open_executor(executor: Any = "local", scheduler: str | None = None, workers: int | None = None) -> Any:
    """The executor :class:`~trendlens.TrendDetector` was configured with.

    ``executor`` is ``"local"``, ``"dask"`` (``scheduler`` or a new LocalCluster of
    ``workers``), a ``distributed.Client`` or an object with ``map``/``share``/``close``.
    A ``scheduler`` address alone means Dask.
    """
    if isinstance(executor, str):
        if executor == "local" and scheduler is None:
            return LocalExecutor()
        if executor in ("local", "dask"):
            return DaskExecutor(scheduler, workers)
        raise ConfigError(f"executor must be 'local', 'dask' or a distributed.Client, got {executor!r}")
    if all(hasattr(executor, attr) for attr in ("map", "share", "close")):
        return executor
    if hasattr(executor, "scheduler_info") and hasattr(executor, "submit"):
        return DaskExecutor(executor)
    raise ConfigError(f"executor must be 'local', 'dask' or a distributed.Client, got {executor!r}")


# -- the pieces -------------------------------------------------------------------------------------------
_WORKER_EMBEDDERS: dict[str, Any] = {}
_WORKER_LOCK = threading.Lock()


def encode_on_worker(texts: list[str], spec: Any, expected: str) -> np.ndarray:
    """Embed ``texts`` with the model ``spec`` names (built once per process) or with ``spec`` itself."""
    if not texts:  # a partition the cache answered whole: nothing to embed, no model to load
        return np.empty((0, 0), dtype=np.float32)
    if isinstance(spec, str):
        with _WORKER_LOCK:  # a worker with several threads loads the model once
            if spec not in _WORKER_EMBEDDERS:
                from trendlens.embed.registry import get_embedder

                _WORKER_EMBEDDERS[spec] = get_embedder(spec, show_progress=False)
        embedder = _WORKER_EMBEDDERS[spec]
    else:
        embedder = spec
    if embedder.name != expected:
        raise ConfigError(
            f"a worker's {spec!r} model is {embedder.name}, this process's is {expected}: "
            f"install the same trendlens models on every worker (pid {os.getpid()})"
        )
    return embedder.encode(texts)


def embed_texts(
    embedder: Any,
    texts: Sequence[str],
    executor: Any = None,
    *,
    spec: Any = None,
    out: np.ndarray | None = None,
    after: Callable[[int, int], None] | None = None,
    show_progress: bool = False,
    sizes: Sequence[int] | None = None,
    bar: Any = None,
) -> np.ndarray:
    """Embed ``texts`` :data:`PARTITION` at a time (or in partitions of ``sizes``) on ``executor``, in input order.

    With a :class:`~trendlens.embed.cache.CachedEmbedder`, the cache is read for each
    partition before its missing texts are sent out, and their vectors stored as they
    come back. ``spec`` is what a Dask worker builds the model from (the embedder's
    registry name, or a picklable embedder; default: the embedder itself). ``out``: an
    array to write into (e.g. a disk-backed one); ``after(start, stop)`` is called once
    rows ``start:stop`` (one partition) are written. ``sizes``: the lengths of consecutive
    partitions, summing to ``len(texts)`` (the scheduled job embeds one bucket of texts per
    partition, so a bucket always meets the model whole). ``bar``: a progress bar to advance
    instead of a new one.

    On Dask a few partitions are looked up before the vectors of earlier ones are back, so
    a text repeated in partitions in flight together is embedded once for each (``fit``'s
    corpus holds each text once).
    """
    from tqdm.auto import tqdm

    from trendlens.embed.cache import CachedEmbedder

    executor = executor or LocalExecutor()
    cached = embedder if isinstance(embedder, CachedEmbedder) else None
    inner = cached.embedder if cached is not None else embedder
    if out is None:
        out = np.empty((len(texts), inner.dim), dtype=np.float32)
    pending: deque = deque()

    if sizes is None:
        sizes = [min(PARTITION, len(texts) - start) for start in range(0, len(texts), PARTITION)]
    elif sum(sizes) != len(texts) or any(size < 1 for size in sizes):
        raise ConfigError(f"partition sizes must be positive and sum to the {len(texts)} texts, got {list(sizes)}")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]]).astype(int).tolist() if len(sizes) else []

    def pieces() -> Iterator[list[str]]:
        for start, size in zip(starts, sizes):
            part = texts[start : start + size]
            if cached is not None:
                found, hashes, todo = cached.lookup(part)
            else:
                found, hashes, todo = None, None, list(range(len(part)))
            pending.append((start, len(part), found, hashes, todo))
            yield [part[i] for i in todo]

    model = inner if isinstance(executor, LocalExecutor) else (spec or inner)  # here, the model already loaded
    fn, shared = partial(encode_on_worker, expected=inner.name), (executor.share(model),)
    quiet = _Quiet(inner)
    own = bar is None
    if own:
        bar = tqdm(total=len(texts), desc="embedding", unit="doc", disable=not show_progress, delay=1.0)
    with quiet, bar if own else contextlib.nullcontext():
        for vectors in executor.map(fn, pieces(), *shared):
            start, size, found, hashes, todo = pending.popleft()
            if cached is not None:
                if todo:
                    cached.complete(found, hashes, todo, vectors)
                out[start : start + size] = found
            else:
                out[start : start + size] = vectors
            if after is not None:
                after(start, start + size)
            bar.update(size)
    return out


class _Quiet:
    """Turn off an embedder's own progress bar while :func:`embed_texts` draws one for all partitions."""

    def __init__(self, embedder: Any) -> None:
        self.embedder = embedder
        self.before = getattr(embedder, "show_progress", None)

    def __enter__(self) -> None:
        if self.before is not None:
            self.embedder.show_progress = False

    def __exit__(self, *exc: object) -> None:
        if self.before is not None:
            self.embedder.show_progress = self.before
