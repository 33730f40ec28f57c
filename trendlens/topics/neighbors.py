"""Exact cosine nearest neighbours, computed block by block: the graph both layouts start from.

UMAP (:func:`~trendlens.topics.model.build_bertopic`) and the spectral layout
(:mod:`trendlens.topics.spectral`) take the same neighbours; ties go to the earlier row, so the
graph does not depend on the order a BLAS library sums in beyond rounding.
"""

from __future__ import annotations

import numpy as np


def exact_neighbors(embeddings: np.ndarray, k: int, block: int = 1024) -> tuple[np.ndarray, np.ndarray]:
    """Each row's ``k`` nearest rows by cosine distance, itself first: (indices, distances), as UMAP takes them.

    Computed block by block (``block`` x n similarities at a time), so memory stays at
    about ``4 * block * n`` bytes.
    """
    vectors = np.asarray(embeddings, dtype=np.float32)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms > 0, norms, 1.0)
    n = len(vectors)
    k = min(k, n)
    indices = np.empty((n, k), dtype=np.int32)
    distances = np.empty((n, k), dtype=np.float32)
    for start in range(0, n, block):
        rows = np.arange(start, min(start + block, n))
        sims = vectors[rows] @ vectors.T
        sims[np.arange(len(rows)), rows] = np.inf  # a row is its own nearest neighbour, even among duplicates
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        best = np.take_along_axis(sims, part, axis=1)
        order = np.argsort(-best, axis=1, kind="stable")
        indices[rows] = np.take_along_axis(part, order, axis=1)
        distances[rows] = np.clip(1 - np.take_along_axis(best, order, axis=1), 0, 2)
    return indices, distances
