"""Unit-length vectors, the one normalisation the package's similarity code shares."""

from __future__ import annotations

import numpy as np


def unit(vectors: np.ndarray) -> np.ndarray:
    """``vectors`` (rows of a matrix, or one vector) scaled to unit length; a zero row stays zero.

    ``sklearn.preprocessing.normalize``, for one vector too; the dtype is kept (float32 or float64).
    """
    from sklearn.preprocessing import normalize

    array = np.asarray(vectors)
    if array.dtype.kind != "f":
        array = array.astype(np.float64)
    return normalize(array[None, :])[0] if array.ndim == 1 else normalize(array)
