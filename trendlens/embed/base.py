"""The :class:`Embedder` protocol and what every backend shares: threads, length-sorted batches, streaming to disk.

The name → backend registry is :mod:`trendlens.embed.registry` (the backends import this module).
"""

from __future__ import annotations

import contextlib
import io
import os
from collections.abc import Callable, Iterable, Iterator, Sequence
from itertools import islice
from typing import Any, Protocol, runtime_checkable

import numpy as np

from trendlens.errors import ConfigError


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors.

    Attributes
    ----------
    name : str
        A model id that changes whenever the vectors would change
        (used as the embedding cache key).
    dim : int
        Vector dimension.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, dtype float32, rows of unit length."""
        ...


def available_threads() -> int:
    """CPU cores this process may use: ``$TRENDLENS_THREADS`` if set, else the cores of its affinity mask.

    The affinity mask respects containers' cpusets; a Dask worker started by trendlens gets
    ``TRENDLENS_THREADS`` set to its share of the machine's cores.
    """
    setting = os.environ.get("TRENDLENS_THREADS", "").strip()
    if setting:
        try:
            return max(1, int(setting))
        except ValueError:
            raise ConfigError(f"TRENDLENS_THREADS must be a whole number, got {setting!r}") from None
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # pragma: no cover - not on Linux
        return max(1, os.cpu_count() or 1)


def encode_sorted(
    texts: Sequence[str],
    dim: int,
    encode_batch: Callable[[np.ndarray], np.ndarray],
    *,
    batch_size: int,
    lengths: Sequence[int] | None = None,
    show_progress: bool = False,
    bar: Any = None,
) -> np.ndarray:
    """Run ``encode_batch`` over length-sorted batches and return rows in input order.

    ``encode_batch`` receives the indices (into ``texts``) of one batch and
    returns their vectors. Sorting by length (longest first) keeps padding
    inside a batch small. ``lengths`` defaults to character counts. ``bar``: a progress
    bar to advance (e.g. one shared by several calls) instead of a new one.
    """
    out = np.zeros((len(texts), dim), dtype=np.float32)
    if not len(texts):
        return out
    keys = [len(t) for t in texts] if lengths is None else lengths
    order = np.argsort(keys, kind="stable")[::-1]
    from tqdm.auto import tqdm

    with (
        contextlib.nullcontext(bar)
        if bar is not None
        else tqdm(total=len(texts), desc="embedding", unit="doc", disable=not show_progress, delay=1.0) as progress
    ):
        for start in range(0, len(order), batch_size):
            batch = order[start : start + batch_size]
            out[batch] = encode_batch(batch)
            progress.update(len(batch))
    return out


def iter_embeddings(embedder: Embedder, texts: Iterable[str], chunk_size: int = 4096) -> Iterator[np.ndarray]:
    """Embed a stream of texts chunk by chunk, so memory is bounded by ``chunk_size``.

    Yields float32 arrays of shape ``(<= chunk_size, dim)`` in input order.
    """
    if chunk_size < 1:
        raise ConfigError(f"chunk_size must be >= 1, got {chunk_size}")
    iterator = iter(texts)
    while chunk := list(islice(iterator, chunk_size)):
        yield embedder.encode(chunk)


def _npy_header(rows: int, dim: int) -> bytes:
    """The ``.npy`` (version 1.0) header of a C-ordered float32 array of shape ``(rows, dim)``."""
    buffer = io.BytesIO()
    np.lib.format.write_array_header_1_0(buffer, {"descr": "<f4", "fortran_order": False, "shape": (rows, dim)})
    return buffer.getvalue()


#: Row count written in the header while the real count is unknown (same header length as any real count).
_UNKNOWN_ROWS = 10**12


def save_embeddings(
    embedder: Embedder,
    texts: Iterable[str],
    path: str | os.PathLike,
    count: int | None = None,
    chunk_size: int = 4096,
) -> int:
    """Embed a stream of texts into a ``.npy`` file, chunk by chunk.

    The file is written sequentially (no memory map), so the process holds one
    chunk of texts and vectors at a time, into a temporary file renamed over ``path``
    only when complete. Load it with ``np.load(path, mmap_mode="r")``. With ``count``
    None the stream may be of any length (its header is completed at the end), e.g. the
    texts of :func:`trendlens.corpus.iter_documents`.

    Returns
    -------
    int
        The number of rows written (raises :class:`ConfigError` if the stream held fewer than ``count``).
    """
    from trendlens._io import atomic_open

    written = 0
    rows = _UNKNOWN_ROWS if count is None else count
    with atomic_open(path, "wb") as handle:  # an interrupted run leaves the previous file, not half of one
        header = _npy_header(rows, embedder.dim)
        handle.write(header)
        for chunk in iter_embeddings(embedder, texts if count is None else islice(texts, count), chunk_size):
            handle.write(np.ascontiguousarray(chunk, dtype="<f4").tobytes())
            written += len(chunk)
        if count is None:
            final = _npy_header(written, embedder.dim)
            if len(final) != len(header):  # cannot happen below 10^12 rows; never write a wrong header
                raise ConfigError(f"save_embeddings: cannot record {written} rows in the file header")
            handle.seek(0)
            handle.write(final)
        elif written != count:
            raise ConfigError(f"save_embeddings: expected {count} texts, the stream held {written}")
    return written
