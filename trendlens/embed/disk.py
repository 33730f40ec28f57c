"""Embeddings of a large corpus kept in a temporary file instead of memory.

:meth:`TrendDetector.fit` writes the vectors of a corpus larger than its ``fit_sample``
here as they are computed, partition by partition, so memory holds the clustering
sample and one piece at a time, not the whole corpus's vectors (1.5 kB per document for
MiniLM). Reads copy the rows asked for from the file (``pread``, no memory map), a
window of rows at a time, so what was read does not stay in the process's memory
either. The file is deleted from its folder as soon as it is created: it disappears
when the object is closed or collected, or when the process ends, however it ends.
This needs a POSIX system (:data:`SUPPORTED`); elsewhere ``fit`` keeps the vectors in
memory.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

#: Whether this system can keep vectors in an unnamed file (POSIX: pread/pwrite, unlink while open).
SUPPORTED = os.name == "posix" and hasattr(os, "pread") and hasattr(os, "pwrite")

#: Rows of the file read at once when gathering scattered rows (6 MB for 384 dimensions).
WINDOW = 4096


class DiskVectors:
    """A read-mostly float32 matrix in an anonymous temporary file.

    Supports ``len``, ``shape``, ``dtype``, ``ndim`` and NumPy indexing on reads (a row, a
    slice, an index array, a boolean mask): each returns a new in-memory array. Whole
    arrays come out of ``np.asarray(vectors)``; avoid that for a corpus that does not fit.

    Parameters
    ----------
    rows, dim
        The shape.
    directory
        Where the file lives while open (default: the trendlens cache folder,
        ``$TRENDLENS_CACHE_DIR`` or ``~/.cache/trendlens``; not ``/tmp``, which is often
        memory itself).
    """

    dtype = np.dtype(np.float32)
    ndim = 2

    def __init__(self, rows: int, dim: int, directory: str | Path | None = None) -> None:
        self._fd: int | None = None
        if directory is None:
            from trendlens.embed.resolve import user_cache_dir

            directory = user_cache_dir()
        Path(directory).mkdir(parents=True, exist_ok=True)
        self.shape = (int(rows), int(dim))
        self.nbytes = self.shape[0] * self.shape[1] * 4
        fd, path = tempfile.mkstemp(prefix="trendlens-vectors-", suffix=".f32", dir=directory)
        try:
            os.unlink(path)  # the open descriptor keeps the data; nothing is left behind
            os.ftruncate(fd, max(self.nbytes, 1))
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def __len__(self) -> int:
        return self.shape[0]

    def write(self, start: int, values: np.ndarray) -> None:
        """Put ``values`` (rows of this width) at row ``start``."""
        values = np.ascontiguousarray(values, dtype="<f4")
        if values.ndim != 2 or values.shape[1] != self.shape[1] or start < 0 or start + len(values) > self.shape[0]:
            raise ValueError(f"cannot write {values.shape} at row {start} of {self.shape}")
        data, offset = memoryview(values).cast("B"), start * self.shape[1] * 4
        while data:
            written = os.pwrite(self._descriptor(), data, offset)
            data, offset = data[written:], offset + written

    def __setitem__(self, key: slice, values: np.ndarray) -> None:
        if not isinstance(key, slice) or key.step not in (None, 1):
            raise TypeError("DiskVectors is written by contiguous row slices")
        self.write(key.indices(self.shape[0])[0], values)

    def __getitem__(self, key: Any) -> np.ndarray:
        n = self.shape[0]
        if isinstance(key, (int, np.integer)):
            row = int(key) + n * (int(key) < 0)
            if not 0 <= row < n:
                raise IndexError(f"row {key} out of range for {n} rows")
            return self._read(row, 1)[0]
        if isinstance(key, slice):
            start, stop, step = key.indices(n)
            if step == 1:
                return self._read(start, max(0, stop - start))
            return self._gather(np.arange(start, stop, step))
        rows = np.asarray(key)
        if rows.dtype == bool:
            if rows.shape != (n,):
                raise IndexError(f"a boolean mask of {rows.shape} for {n} rows")
            return self._gather(np.flatnonzero(rows))
        if rows.ndim != 1 or not (np.issubdtype(rows.dtype, np.integer) or rows.size == 0):
            raise IndexError(f"DiskVectors takes a row, a slice, row numbers or a mask, not {key!r:.80}")
        rows = rows.astype(np.int64) + n * (rows < 0)
        if rows.size and (rows.min() < 0 or rows.max() >= n):
            raise IndexError(f"row numbers out of range for {n} rows")
        return self._gather(rows)

    def _read(self, start: int, count: int) -> np.ndarray:
        """Rows ``start:start+count`` read from the file into a new array (no memory map)."""
        out = np.empty((count, self.shape[1]), dtype="<f4")
        buffer, offset = memoryview(out).cast("B"), start * self.shape[1] * 4
        while buffer:
            got = os.pread(self._descriptor(), len(buffer), offset)
            if not got:
                raise OSError(f"DiskVectors: the file ended at byte {offset}")
            buffer[: len(got)] = got
            buffer, offset = buffer[len(got) :], offset + len(got)
        return out.astype(np.float32, copy=False)

    def _gather(self, rows: np.ndarray) -> np.ndarray:
        """Rows in the given order, read :data:`WINDOW` rows of the file at a time."""
        out = np.empty((len(rows), self.shape[1]), dtype=np.float32)
        order = np.argsort(rows, kind="stable")
        ordered = rows[order]
        i = 0
        while i < len(ordered):
            first = int(ordered[i])
            j = int(np.searchsorted(ordered, first + WINDOW, side="left"))
            block = self._read(first, int(ordered[j - 1]) - first + 1)
            out[order[i:j]] = block[ordered[i:j] - first]
            i = j
        return out

    def __copy__(self) -> DiskVectors:
        """Another handle on the same rows (its own descriptor: closing one leaves the other)."""
        twin = object.__new__(DiskVectors)
        twin.shape, twin.nbytes, twin._fd = self.shape, self.nbytes, os.dup(self._descriptor())
        return twin

    def __deepcopy__(self, memo: dict) -> DiskVectors:
        """A new file with a copy of the rows."""
        twin = DiskVectors(*self.shape)
        for start in range(0, self.shape[0], WINDOW):
            twin.write(start, self._read(start, min(WINDOW, self.shape[0] - start)))
        return twin

    def __reduce__(self) -> Any:
        raise TypeError(
            "DiskVectors lives in a temporary file of this process and cannot be pickled; "
            "np.asarray(vectors) gives an array that can"
        )

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        out = self[:]
        return out if dtype is None else out.astype(dtype, copy=False)

    def _descriptor(self) -> int:
        if self._fd is None:
            raise ValueError("DiskVectors is closed")
        return self._fd

    def close(self) -> None:
        """Release the file (its space is freed)."""
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __del__(self) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"DiskVectors(shape={self.shape}, {'closed' if self._fd is None else 'open'})"


def group_sums(
    groups: np.ndarray, embeddings: Any, n_groups: int, chunk: int = 16_384
) -> tuple[np.ndarray, np.ndarray]:
    """Sum (float64) and count of the rows of each group ``0..n_groups-1`` (rows of group -1 are left out).

    Reads ``embeddings`` ``chunk`` rows at a time, so it works as well on a
    :class:`~trendlens.embed.disk.DiskVectors` as on an array.
    """
    from scipy.sparse import csr_matrix

    groups = np.asarray(groups, dtype=np.int64)
    sums = np.zeros((n_groups, embeddings.shape[1]), dtype=np.float64)
    counts = np.bincount(groups[groups >= 0], minlength=n_groups)[:n_groups]
    for start in range(0, len(groups), chunk):
        part = groups[start : start + chunk]
        keep = np.flatnonzero(part >= 0)
        if not len(keep):
            continue
        vectors = np.asarray(embeddings[start : start + len(part)], dtype=np.float32)
        one_hot = csr_matrix((np.ones(len(keep)), (part[keep], keep)), shape=(n_groups, len(part)))  # float64 sums
        sums += one_hot @ vectors
    return sums, counts


#: Rows of a :class:`DiskVectors` copied at a time by :func:`appended`.
APPEND_CHUNK = 65_536


def appended(vectors: Any, rows: np.ndarray) -> Any:
    """``vectors`` (an array or a :class:`DiskVectors`) with ``rows`` added below, in a new matrix of the same kind."""
    rows = np.asarray(rows, dtype=np.float32)
    if not isinstance(vectors, DiskVectors):
        return np.concatenate([np.asarray(vectors, dtype=np.float32), rows])
    out = DiskVectors(len(vectors) + len(rows), vectors.shape[1])
    for start in range(0, len(vectors), APPEND_CHUNK):
        out.write(start, vectors[start : start + APPEND_CHUNK])
    out.write(len(vectors), rows)
    return out
