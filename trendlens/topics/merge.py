"""Merge related fine clusters (consumer sub trends) into named consumer trends.

HDBSCAN finds tight clusters; several of them often describe one broader
consumer trend ("oat milk" and "plant-based burgers" under plant-based eating).
The centroids of the clusters are joined by average-linkage agglomerative
clustering on cosine distance (``scipy.cluster.hierarchy``) and the tree is cut
at ``max_distance``: clusters closer than that on average form one group. A
group is named from the keywords its members share, weighted by member size.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from trendlens.errors import ConfigError
from trendlens.topics.model import label_from_keywords

#: Average cosine distance between cluster centroids under which clusters merge (all-MiniLM-L6-v2).
#: 0.5 by reading the groups on two corpora (docs/report.md): on the Bluesky migration posts the
#: cut at 0.4 split the migration into three consumer trends (first posts, leaving X, "the Xodus")
#: and 0.5 makes it one, with the news-bot posts in groups of their own; on the HuffPost headlines
#: 0.5 gives 20 groups (COVID cases, vaccines and pandemic life as one; the wars as one; two sports
#: leagues as one) where 0.4 gave 28.
MAX_DISTANCE = 0.5


@dataclass(frozen=True)
class Group:
    """A consumer trend made of one or more sub trends (cluster ids), with its name and keywords."""

    id: int
    name: str
    keywords: tuple[str, ...]
    members: tuple[int, ...]
    size: int


def merge_clusters(
    centroids: Mapping[int, np.ndarray],
    sizes: Mapping[int, int],
    keywords: Mapping[int, Sequence[str]],
    *,
    max_distance: float = MAX_DISTANCE,
    n_groups: int | None = None,
    n_keywords: int = 10,
) -> dict[int, Group]:
    """Group clusters whose centroids are close; returns cluster id → its :class:`Group`.

    Parameters
    ----------
    centroids
        Cluster id → mean embedding of its documents.
    sizes, keywords
        Cluster id → document count, and → keywords ranked best first.
    max_distance
        Cut height of the average-linkage tree, in cosine distance (0–2); 0 merges nothing.
    n_groups
        Instead of cutting at ``max_distance``, cut the same tree into at most this many
        groups (as BERTopic's ``nr_topics`` reduces topics; used by the evaluation's
        10–50 topic protocol).
    n_keywords
        Keywords kept per group.

    Groups are numbered by decreasing size (ties: smallest member id first), so
    the numbering follows the data, not the order of ``centroids``.
    """
    if not 0 <= max_distance < 2:
        raise ConfigError(f"max_distance must be in [0, 2), got {max_distance}")
    if n_groups is not None and n_groups < 1:
        raise ConfigError(f"n_groups must be at least 1, got {n_groups}")
    ids = sorted(centroids)
    if not ids:
        return {}
    if len(ids) == 1 or (n_groups is None and max_distance == 0) or (n_groups or 0) >= len(ids):
        assignment = np.arange(len(ids))
    else:
        from scipy.cluster.hierarchy import fcluster, linkage

        vectors = np.vstack([np.asarray(centroids[i], dtype=np.float64) for i in ids])
        norms = np.linalg.norm(vectors, axis=1)
        bad = [i for i, n in zip(ids, norms) if not np.isfinite(n) or n == 0]
        if bad:
            raise ConfigError(f"clusters {bad} have a zero or non-finite centroid; they cannot be merged by direction")
        vectors /= norms[:, None]
        tree = linkage(vectors, method="average", metric="cosine")
        if n_groups is None:
            assignment = fcluster(tree, t=max_distance, criterion="distance")
        else:
            assignment = fcluster(tree, t=n_groups, criterion="maxclust")
    members: dict[int, list[int]] = defaultdict(list)
    for cluster, flat in zip(ids, assignment):
        members[int(flat)].append(cluster)
    ordered = sorted(members.values(), key=lambda m: (-sum(sizes[c] for c in m), min(m)))
    groups: dict[int, Group] = {}
    for number, group in enumerate(ordered):
        words = _shared_keywords(group, sizes, keywords)[:n_keywords]
        biggest = max(group, key=lambda c: (sizes[c], -c))
        name = label_from_keywords(words) if len(group) > 1 else label_from_keywords(keywords[biggest])
        made = Group(number, name, tuple(words), tuple(sorted(group)), sum(sizes[c] for c in group))
        for cluster in group:
            groups[cluster] = made
    return groups


def _shared_keywords(
    group: Sequence[int], sizes: Mapping[int, int], keywords: Mapping[int, Sequence[str]]
) -> list[str]:
    """Keywords of a group, scored by member size times rank weight (1 for the first, falling linearly)."""
    score: dict[str, float] = defaultdict(float)
    first_seen: dict[str, int] = {}
    for cluster in sorted(group, key=lambda c: -sizes[c]):
        words = list(keywords[cluster])
        for rank, word in enumerate(words):
            score[word] += sizes[cluster] * (1 - rank / max(len(words), 1))
            first_seen.setdefault(word, len(first_seen))
    return sorted(score, key=lambda w: (-score[w], first_seen[w]))
