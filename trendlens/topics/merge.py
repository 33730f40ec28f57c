"""Merge related fine clusters (consumer sub trends) into named consumer trends.

HDBSCAN finds tight clusters; several of them often describe one broader
consumer trend ("oat milk" and "plant-based burgers" under plant-based eating).
The centroids of the clusters are joined by average-linkage agglomerative
clustering on cosine distance (``scipy.cluster.hierarchy``). A group is named
from the keywords its members share, weighted by member size.

Two refinements keep the groups from hanging on the third decimal of a distance:

* **Time.** Facets of one trend rise and fall together; two disasters a month
  apart do not, however alike their words ("flood", "pray for"). Given each
  cluster's counts per window, the distance of a pair whose time profiles share
  less than :data:`TIME_OVERLAP_FLOOR` of their mass (histogram intersection) is
  stretched by up to :data:`TIME_PENALTY`. Time only separates; it never joins.
* **The cut.** The tree is cut in the widest gap between consecutive merge
  heights within :data:`CUT_BAND` (relative to ``max_distance``), not at
  ``max_distance`` itself: a merge at 0.506 against a cut at 0.5 would otherwise
  split one phenomenon in two on one machine and not on the next.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from trendlens.errors import ConfigError
from trendlens.topics.model import label_from_keywords

if TYPE_CHECKING:
    import pandas as pd

#: Average cosine distance between cluster centroids under which clusters merge (all-MiniLM-L6-v2).
#: 0.5 by reading the groups on two corpora (docs/report.md): on the Bluesky migration posts the
#: cut at 0.4 split the migration into three consumer trends (first posts, leaving X, "the Xodus")
#: and 0.5 makes it one, with the news-bot posts in groups of their own; on the HuffPost headlines
#: 0.5 gives 20 groups (COVID cases, vaccines and pandemic life as one; the wars as one; two sports
#: leagues as one) where 0.4 gave 28.
MAX_DISTANCE = 0.5

#: The cut lies in the widest gap between merge heights in [0.9, 1.2] × max_distance, [0.45, 0.6] at the
#: default (measured on six corpora, docs/report.md: the Bluesky migration's two halves merge at 0.506 and the
#: next merge is at 0.568, so the cut falls at 0.537; HuffPost keeps its 20 groups, cut at 0.509).
CUT_BAND = (0.9, 1.2)
#: Pairs whose time profiles overlap less than this (histogram intersection, 0-1) are pushed apart.
TIME_OVERLAP_FLOOR = 0.3
#: A pair with no overlap in time has its distance multiplied by 1 + TIME_PENALTY * TIME_OVERLAP_FLOOR.
#: On the CrisisLex events (day windows) the bush fires of New South Wales and the Colorado floods, 0.442
#: apart in meaning and 0.02 in time, become two consumer trends; on the Bluesky, HuffPost and Trump
#: corpora (overlaps 0.4-0.65) nothing changes.
TIME_PENALTY = 0.5
#: Fewer windows than this carry no usable time profile.
MIN_TIME_WINDOWS = 4


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
    profiles: Mapping[int, np.ndarray] | None = None,
) -> dict[int, Group]:
    """Group clusters whose centroids are close; returns cluster id → its :class:`Group`.

    Parameters
    ----------
    centroids
        Cluster id → mean embedding of its documents.
    sizes, keywords
        Cluster id → document count, and → keywords ranked best first.
    max_distance
        Where to cut the average-linkage tree, in cosine distance (0–2): the cut falls in the
        widest gap between merge heights within :data:`CUT_BAND` × it; 0 merges nothing.
    n_groups
        Instead of cutting at ``max_distance``, cut the same tree into at most this many
        groups (as BERTopic's ``nr_topics`` reduces topics; used by the evaluation's
        10–50 topic protocol).
    n_keywords
        Keywords kept per group.
    profiles
        Cluster id → document counts per window, all on one window grid. Pairs that do not
        overlap in time are pushed apart (:data:`TIME_PENALTY`); omitted, meaning alone decides.

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
        from scipy.spatial.distance import pdist

        vectors = np.vstack([np.asarray(centroids[i], dtype=np.float64) for i in ids])
        norms = np.linalg.norm(vectors, axis=1)
        bad = [i for i, n in zip(ids, norms) if not np.isfinite(n) or n == 0]
        if bad:
            raise ConfigError(f"clusters {bad} have a zero or non-finite centroid; they cannot be merged by direction")
        vectors /= norms[:, None]
        distances = pdist(vectors, metric="cosine")
        if profiles is not None:
            distances = distances * _time_stretch([np.asarray(profiles[i], dtype=np.float64) for i in ids])
        tree = linkage(np.clip(distances, 0, None), method="average")
        if n_groups is None:
            assignment = fcluster(tree, t=_cut_height(tree[:, 2], max_distance), criterion="distance")
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


def merge_trends(
    trends: pd.DataFrame,
    signals: pd.DataFrame,
    centroids: Mapping[int, np.ndarray],
    keywords: Mapping[int, Sequence[str]],
    max_distance: float | None,
) -> dict[int, Group]:
    """:func:`merge_clusters` on a fit: sizes from its trend table, time profiles from its signals
    (each trend's count per window); ``None`` merges nothing."""
    ids = list(trends.index)
    sizes = {t: int(trends.at[t, "size"]) for t in ids}
    profiles = None
    if len(signals) and ids:
        counts = signals.pivot_table(index="trend", columns="window", values="count", fill_value=0)
        counts = counts.reindex(index=ids, fill_value=0)
        profiles = {t: counts.loc[t].to_numpy(dtype=float) for t in ids}
    return merge_clusters(centroids, sizes, keywords, max_distance=max_distance or 0.0, profiles=profiles)


def _cut_height(heights: np.ndarray, max_distance: float) -> float:
    """The middle of the widest gap between consecutive merge heights inside the band around ``max_distance``.

    With fewer than two merges in the band there is no gap to choose and the cut is ``max_distance``.
    Ties go to the gap nearest ``max_distance``.
    """
    low, high = max_distance * CUT_BAND[0], max_distance * CUT_BAND[1]
    inside = np.sort(heights[(heights >= low) & (heights <= high)])
    if len(inside) < 2:
        return max_distance
    gaps = np.diff(inside)
    middles = (inside[:-1] + inside[1:]) / 2
    best = max(range(len(gaps)), key=lambda k: (round(float(gaps[k]), 6), -abs(middles[k] - max_distance)))
    return float(middles[best])


def _time_stretch(profiles: Sequence[np.ndarray]) -> np.ndarray:
    """Per pair (condensed order, as ``pdist``): 1, or more for clusters that do not overlap in time."""
    n = len(profiles)
    pairs = n * (n - 1) // 2
    if not profiles or len(profiles[0]) < MIN_TIME_WINDOWS:
        return np.ones(pairs)
    shares = np.vstack([p / p.sum() if p.sum() > 0 else np.full(len(p), 1 / len(p)) for p in profiles])
    first, second = np.triu_indices(n, k=1)
    overlap = np.minimum(shares[first], shares[second]).sum(axis=1)
    return 1 + TIME_PENALTY * np.maximum(0.0, TIME_OVERLAP_FLOOR - overlap)


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
