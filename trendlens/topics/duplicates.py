"""Near-duplicate documents: one voice, not many trends.

A campaign, a bot or a copy-paste wave posts the same text again and again with a word, an
emoji, a number or a link changed. Exact copies are dropped when the corpus is read
(:class:`~trendlens.corpus.Corpus`); near copies are not, and left to the clustering
they form dense knots that HDBSCAN splits into several "trends" with the same label.

Two documents are near-duplicates when their vectors have a cosine of at least
:data:`NEAR_DUPLICATE_SIMILARITY` *and* their texts share at least :data:`MIN_TEXT_OVERLAP`
of their character trigrams (Jaccard): the vectors find candidates fast, the text confirms
they are copies. The second test matters where a model cannot read the text: all-MiniLM-L6-v2
gives "‼️" and "🤝🏻" (unknown tokens) the same vector, but they are not copies of each other.
Near-duplicates of near-duplicates join the same group. Each group is
clustered as its first document (its representative), and every member then takes the
representative's trend. The signals count a group as one voice for reach
(``TrendDetector.near_duplicates_`` says how many documents were collapsed).

Measured with all-MiniLM-L6-v2 on the bundled corpora at 0.98: texts one word, one emoji or
one link apart ("Hello Bluesky 👋🏽 #firstpost" / "Hello Bluesky 🙂 #firstpost"; a retweet and
its source; templated bot alerts; the same BBC article filed twice) fall in one group;
different headlines on one story do not (HuffPost's 9,998 headlines have no pair at 0.98).
Collapsed: Bluesky migration 65 of 7,592 documents, CrisisLex 314 of 12,766, BBC 55 of 2,124.
300 copies of a Bluesky campaign post, each with one character changed, among 650 HuffPost
headlines: 6 of 15 trends without the collapse, 1 of 10 with it (262 of the 300 collapse; a
character changed inside a name moves a text further than 0.98).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

#: Cosine from which two documents' vectors make them near-duplicates.
NEAR_DUPLICATE_SIMILARITY = 0.98
#: Share of character trigrams (Jaccard, case and spacing aside) two near-duplicate texts must share.
MIN_TEXT_OVERLAP = 0.5
#: Look-alikes kept per document (the most similar): enough to chain a group of any size together.
NEIGHBOURS = 16


def near_duplicate_representatives(
    embeddings: np.ndarray,
    texts: Sequence[str] | None = None,
    min_similarity: float = NEAR_DUPLICATE_SIMILARITY,
    min_text_overlap: float = MIN_TEXT_OVERLAP,
    block: int = 1024,
) -> np.ndarray:
    """Per document, the index of its group's representative: the group's first document.

    A document with no near-duplicate stands for itself. Exact: every pair is compared, a
    block of ``block`` rows at a time (memory about ``4 * block * n`` bytes), and each row
    keeps its :data:`NEIGHBOURS` most similar rows at or above ``min_similarity``; with
    ``texts``, a pair also needs ``min_text_overlap`` of shared character trigrams. Groups are
    the connected components of those links, so the result does not depend on the order the
    blocks are read in.

    Examples
    --------
    >>> import numpy as np
    >>> v = np.array([[1, 0], [0, 1], [0.999, 0.04], [0.02, 1]], dtype=np.float32)
    >>> near_duplicate_representatives(v).tolist()
    [0, 1, 0, 1]
    >>> near_duplicate_representatives(v, ["Hello Bluesky!", "‼️", "Hello Bluesky!!", "🤝🏻"]).tolist()
    [0, 1, 0, 3]
    """
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    vectors = np.asarray(embeddings, dtype=np.float32)
    n = len(vectors)
    if n < 2:
        return np.arange(n)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    vectors = vectors / np.where(norms > 0, norms, 1.0)
    k = min(NEIGHBOURS, n - 1)
    rows, cols = [], []
    for start in range(0, n, block):
        stop = min(start + block, n)
        sims = vectors[start:stop] @ vectors.T
        sims[np.arange(stop - start), np.arange(start, stop)] = -np.inf  # not its own duplicate
        part = np.argpartition(-sims, k - 1, axis=1)[:, :k]
        close = np.take_along_axis(sims, part, axis=1) >= min_similarity
        r, c = np.nonzero(close)
        rows.append(r + start)
        cols.append(part[r, c])
    r, c = np.concatenate(rows), np.concatenate(cols)
    if texts is not None and len(r):
        shingles: dict[int, frozenset[str]] = {}

        def grams(i: int) -> frozenset[str]:
            if i not in shingles:
                text = " ".join(texts[i].casefold().split())
                shingles[i] = frozenset(text[j : j + 3] for j in range(max(1, len(text) - 2)))
            return shingles[i]

        overlap = np.array([len(grams(a) & grams(b)) / max(1, len(grams(a) | grams(b))) for a, b in zip(r, c)])
        r, c = r[overlap >= min_text_overlap], c[overlap >= min_text_overlap]
    _, component = connected_components(coo_matrix((np.ones(len(r)), (r, c)), shape=(n, n)), directed=False)
    first = np.full(component.max() + 1, n, dtype=np.int64)
    np.minimum.at(first, component, np.arange(n))
    return first[component]
