"""A deterministic replacement for UMAP before HDBSCAN: the spectral embedding of the kNN graph.

UMAP lays documents out by stochastic gradient descent. With a fixed seed it repeats
itself only for bit-identical input: its random streams are seeded from the starting
layout, so a change in the last bit of one vector (another batch size, thread count or
CPU) gives a layout as different as another seed's, and HDBSCAN's clusters move with it
(seed ARI about 0.8 on the HuffPost headlines, docs/evaluation.md).

:class:`SpectralLayout` keeps UMAP's graph and drops the random layout:

1. each document's exact ``n_neighbors`` nearest neighbours by cosine
   (:func:`~trendlens.topics.neighbors.exact_neighbors`, ties broken by row order);
2. UMAP's fuzzy neighbourhood graph of them (:func:`fuzzy_graph`: UMAP's
   ``fuzzy_simplicial_set`` in numpy, deterministic);
3. the leading eigenvectors of the graph's normalised adjacency ``D^-1/2 W D^-1/2``
   (ARPACK from a fixed start vector, to a residual of 1e-10), the trivial first one dropped;
4. each document's row scaled to unit length (Ng, Jordan & Weiss 2001), so documents of
   one cluster gather at one point of the sphere and HDBSCAN's density finds them.

Every step is a continuous function of the vectors, so tiny differences in the vectors give
tiny differences in the layout, and no seed is involved. HDBSCAN's distances are unchanged by
any rotation or sign flip of the eigenvectors, so eigenvalues that are close or equal inside
the kept block do not matter; what matters is the gap after the block. The number of
eigenvectors is therefore chosen where the gap between consecutive eigenvalues is widest in
``components`` (the eigengap rule), which is also where the kept subspace is steadiest.
"""

from __future__ import annotations

import numpy as np

from trendlens.errors import ConfigError
from trendlens.topics.neighbors import exact_neighbors

#: Bounds of the range the number of eigenvectors is chosen from by the widest eigengap (see the module
#: text): ``n // 100`` to ``n // 40`` for ``n`` documents, held within 3..30 and 8..60 (two eigenvectors
#: put every document on one circle, where HDBSCAN finds no cluster). A corpus of a few hundred
#: documents holds a handful of clusters and ten thousand headlines a few dozen; on the HuffPost
#: headlines (docs/evaluation.md) NMI with the sections peaks at 5-10 eigenvectors for 650 documents
#: (0.69 at 5, 0.52 at 45) and at 30-60 for 10,000 (0.28 at 5, 0.30 at 45).
COMPONENT_BOUNDS = ((100, 3, 30), (40, 8, 60))


#: ARPACK's stopping tolerance. Asking for machine precision (``tol=0``) took 13.6 s on the 9,998
#: HuffPost headlines; 1e-10 takes 2.3 s and gives the same 62 eigenvalues to 6e-15 and the same
#: leading 40-dimensional subspace (smallest principal cosine 1 - 2e-15).
EIGEN_TOL = 1e-10


def component_range(n_docs: int) -> tuple[int, int]:
    """The eigenvector counts ``(low, high)`` the eigengap rule chooses from for ``n_docs`` documents."""
    (per_low, min_low, max_low), (per_high, min_high, max_high) = COMPONENT_BOUNDS
    low = int(np.clip(n_docs // per_low, min_low, max_low))
    high = int(np.clip(n_docs // per_high, min_high, max_high))
    return low, max(low, high)


def neighbour_graph(embeddings: np.ndarray, n_neighbors: int) -> tuple:
    """UMAP's fuzzy graph (sparse CSR, symmetric) of the exact cosine neighbours, and the neighbours themselves."""
    indices, distances = exact_neighbors(embeddings, n_neighbors)
    return fuzzy_graph(indices, distances), indices, distances


#: UMAP's constants for the fuzzy graph (``umap.umap_``: the binary search's tolerance and the
#: smallest bandwidth, as a share of the mean neighbour distance).
SMOOTH_K_TOLERANCE = 1e-5
MIN_K_DIST_SCALE = 1e-3


def fuzzy_graph(indices: np.ndarray, distances: np.ndarray, n_iter: int = 64):
    """UMAP's fuzzy simplicial set of given neighbours (``fuzzy_simplicial_set`` with local connectivity 1
    and set-operation mix 1), computed for all documents at once in numpy.

    Each document's bandwidth ``sigma`` is found by bisection so that its memberships
    ``exp(-(d - rho) / sigma)`` (``rho``: its nearest non-zero distance) sum to ``log2(k)``; the
    directed graph ``A`` is made symmetric as ``A + A^T - A * A^T``. Column 0 (the document itself)
    is left out of the sum as UMAP does. The same float32 arithmetic as UMAP's; written here because
    UMAP compiles its version with numba in every new process (about 5 s).
    """
    import scipy.sparse as sp

    d = np.asarray(distances, dtype=np.float32)
    n, k = d.shape
    positive = np.where(d > 0, d, np.inf)
    rho = positive.min(axis=1)
    rho = np.where(np.isfinite(rho), rho, 0).astype(np.float32)
    target = np.float32(np.log2(k))
    lo = np.zeros(n, dtype=np.float32)
    hi = np.full(n, np.finfo(np.float32).max, dtype=np.float32)
    mid = np.ones(n, dtype=np.float32)
    active = np.ones(n, dtype=bool)
    shifted = d[:, 1:] - rho[:, None]
    for _ in range(n_iter):
        rows = np.flatnonzero(active)
        if not len(rows):
            break
        gap = shifted[rows]
        with np.errstate(over="ignore"):
            terms = np.where(gap > 0, np.exp(-(gap / mid[rows, None])), np.float32(1))
        psum = terms.cumsum(axis=1, dtype=np.float32)[:, -1]  # summed in order, as UMAP does
        done = np.abs(psum - target) < SMOOTH_K_TOLERANCE
        active[rows[done]] = False
        rows, psum = rows[~done], psum[~done]
        above = psum > target
        hi[rows[above]] = mid[rows[above]]
        lo[rows[~above]] = mid[rows[~above]]
        unbounded = ~above & (hi[rows] >= np.finfo(np.float32).max)
        mid[rows] = np.where(unbounded, mid[rows] * 2, (lo[rows] + hi[rows]) / np.float32(2))
    floor = MIN_K_DIST_SCALE * np.where(rho > 0, d.mean(axis=1), d.mean())
    sigma = np.maximum(mid, floor).astype(np.float32)
    gap = d - rho[:, None]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        values = np.where((gap <= 0) | (sigma[:, None] == 0), np.float32(1), np.exp(-(gap / sigma[:, None])))
    values = np.where(indices == np.arange(n)[:, None], 0, values).astype(np.float32)
    keep = indices >= 0
    rows = np.repeat(np.arange(n), k).reshape(n, k)[keep]
    directed = sp.coo_matrix((values[keep], (rows, indices[keep])), shape=(n, n))
    directed.eliminate_zeros()
    transpose = directed.transpose()
    graph = directed + transpose - directed.multiply(transpose)
    graph.eliminate_zeros()
    return graph.tocsr()


def leading_eigenvectors(graph, count: int) -> tuple[np.ndarray, np.ndarray]:
    """The ``count`` largest eigenvalues (descending) of ``D^-1/2 W D^-1/2`` and their eigenvectors (columns)."""
    import scipy.sparse as sp
    from scipy.sparse.linalg import eigsh

    n = graph.shape[0]
    degree = np.asarray(graph.sum(axis=1), dtype=np.float64).ravel()
    scale = sp.diags(1.0 / np.sqrt(np.where(degree > 0, degree, 1.0)))
    adjacency = (scale @ graph.astype(np.float64) @ scale).tocsr()
    count = min(count, n - 1)
    start = np.full(n, 1.0 / np.sqrt(n))  # a fixed start vector: ARPACK's default is random
    values, vectors = eigsh(adjacency, k=count, which="LA", v0=start, tol=EIGEN_TOL, maxiter=max(1000, 20 * n))
    order = np.argsort(-values, kind="stable")
    return values[order], vectors[:, order]


def widest_gap(values: np.ndarray, low: int, high: int) -> int:
    """The ``d`` in ``low..high`` with the largest ``values[d] - values[d + 1]`` (``values`` descending)."""
    high = min(high, len(values) - 2)
    low = min(low, high)
    gaps = values[low : high + 1] - values[low + 1 : high + 2]
    return low + int(np.argmax(gaps))


class SpectralLayout:
    """Deterministic dimensionality reduction for BERTopic's ``umap_model`` slot (``fit``/``transform``).

    Parameters
    ----------
    n_neighbors
        Neighbours per document in the graph.
    components
        ``(low, high)``: the number of eigenvectors kept is chosen in this range by the
        widest eigengap; an ``int`` fixes it; ``None`` scales the range with the corpus
        (:func:`component_range`). A corpus keeps ``n - 2`` at most.

    Attributes
    ----------
    embedding_ : numpy.ndarray
        The fitted documents' layout (float64, rows of unit length).
    eigenvalues_ : numpy.ndarray
        The eigenvalues computed, largest first (``[0]`` is the trivial one, about 1).
    n_components_ : int
        Eigenvectors kept.
    """

    def __init__(self, n_neighbors: int = 15, components: int | tuple[int, int] | None = None) -> None:
        self.n_neighbors = n_neighbors
        self.components = components

    def fit(self, X: np.ndarray, y: object = None) -> SpectralLayout:
        vectors = _unit_rows(X)
        n = len(vectors)
        if n < 4:
            raise ConfigError(f"a spectral layout needs at least 4 documents, got {n}")
        if self.components is None:
            low, high = component_range(n)
        elif isinstance(self.components, int):
            low = high = self.components
        else:
            low, high = self.components
        graph, _, _ = neighbour_graph(vectors, min(self.n_neighbors, n - 1))
        values, eigenvectors = leading_eigenvectors(graph, min(high, n - 2) + 2)
        keep = widest_gap(values, low, high) if low != high else min(low, len(values) - 1)
        self.eigenvalues_ = values
        self.n_components_ = keep
        self.embedding_ = _unit_rows(eigenvectors[:, 1 : keep + 1])
        self._fitted = vectors
        return self

    def fit_transform(self, X: np.ndarray, y: object = None) -> np.ndarray:
        return self.fit(X, y).embedding_

    def transform(self, X: np.ndarray) -> np.ndarray:
        """Place new documents at the similarity-weighted mean of their fitted nearest neighbours' points."""
        vectors = _unit_rows(X)
        k = min(self.n_neighbors, len(self._fitted))
        out = np.empty((len(vectors), self.embedding_.shape[1]))
        for start in range(0, len(vectors), 1024):
            sims = vectors[start : start + 1024] @ self._fitted.T
            near = np.argsort(-sims, axis=1, kind="stable")[:, :k]
            weights = np.clip(np.take_along_axis(sims, near, axis=1), 1e-6, None)
            out[start : start + len(near)] = np.einsum("ij,ijk->ik", weights, self.embedding_[near])
        return _unit_rows(out)


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float64 if np.asarray(matrix).dtype == np.float64 else np.float32)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms > 0, norms, 1.0)
