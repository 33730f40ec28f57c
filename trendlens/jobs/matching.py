"""Give this run's clusters the stable ids of the trends they continue, and name what was born, merged, split or died.

Between two runs, a previous trend *i* (its documents *A_i*, its centroid) and a
new cluster *j* (documents *B_j*, centroid) are compared by

- **overlap**: Jaccard of *A_i* and the part of *B_j* that already existed in the
  previous run (new documents cannot overlap anything, so they are left out);
- **similarity**: cosine of the two centroids.

A pair is eligible when overlap ≥ ``min_overlap`` or similarity ≥
``min_similarity``; eligible pairs are matched one-to-one by optimal assignment
(Hungarian method, ``scipy.optimize.linear_sum_assignment``) maximising
``weight * overlap + (1 - weight) * similarity``. A matched cluster continues its
trend's id. Then:

- an unmatched cluster is **born** with a new id; it is a **split** of trend *i*
  when most of its earlier documents (≥ ``part``) came from *i* and *i* continues elsewhere;
- an unmatched previous trend **merged** into trend *k* when ≥ ``part`` of its
  documents now sit in the cluster that continues *k*; otherwise it **died**.
"""

from __future__ import annotations

from collections.abc import Mapping, Set
from dataclasses import dataclass

import numpy as np

from trendlens.errors import ConfigError


@dataclass(frozen=True)
class Event:
    """One lineage event of a run: ``born``, ``continued``, ``merged``, ``split`` or ``died``."""

    event: str
    trend_id: int
    other_trend_id: int | None = None
    overlap: float | None = None
    similarity: float | None = None


@dataclass(frozen=True)
class Matching:
    """The result: new cluster → stable id, and the events in a fixed order."""

    ids: dict[int, int]
    events: tuple[Event, ...]


def _unit(vector: np.ndarray) -> np.ndarray:
    norm = float(np.linalg.norm(vector))
    return vector / norm if norm > 0 else vector


def match_clusters(
    previous: Mapping[int, Set[str]],
    previous_centroids: Mapping[int, np.ndarray],
    current: Mapping[int, Set[str]],
    current_centroids: Mapping[int, np.ndarray],
    *,
    known_documents: Set[str],
    next_id: int,
    min_overlap: float = 0.2,
    min_similarity: float = 0.8,
    weight: float = 0.5,
    part: float = 0.5,
) -> Matching:
    """Match this run's clusters to the previous run's trends.

    Parameters
    ----------
    previous, previous_centroids
        Stable trend id → its document ids in the previous run (restricted to documents
        still in this run's window), and → its centroid.
    current, current_centroids
        Cluster number of this run → its document ids, and → its centroid.
    known_documents
        Documents that were in the previous run's window (only they can overlap).
    next_id
        First stable id free for new trends; new ids follow the cluster order.
    """
    if not 0 <= weight <= 1:
        raise ConfigError(f"weight must be in [0, 1], got {weight}")
    old = sorted(previous_centroids)
    new = sorted(current)
    overlap = np.zeros((len(old), len(new)))
    similarity = np.zeros((len(old), len(new)))
    earlier = {j: current[j] & known_documents for j in new}
    for a, i in enumerate(old):
        docs = previous.get(i, set())
        u = _unit(np.asarray(previous_centroids[i], dtype=np.float64))
        for b, j in enumerate(new):
            union = len(docs | earlier[j])
            overlap[a, b] = len(docs & earlier[j]) / union if union else 0.0
            similarity[a, b] = float(u @ _unit(np.asarray(current_centroids[j], dtype=np.float64)))
    eligible = (overlap >= min_overlap) | (similarity >= min_similarity)
    ids: dict[int, int] = {}
    events: list[Event] = []
    continued: dict[int, int] = {}  # old id -> new cluster
    if old and new and eligible.any():
        from scipy.optimize import linear_sum_assignment

        # an ineligible pair scores 0, the same as leaving both unmatched, so the assignment maximises the
        # summed score of eligible pairs rather than their number
        score = np.where(eligible, weight * overlap + (1 - weight) * similarity, 0.0)
        rows, cols = linear_sum_assignment(-score)
        for a, b in zip(rows, cols):
            if eligible[a, b]:
                ids[new[b]] = old[a]
                continued[old[a]] = new[b]
                events.append(Event("continued", old[a], None, round(overlap[a, b], 4), round(similarity[a, b], 4)))
    for b, j in enumerate(new):
        if j in ids:
            continue
        ids[j] = next_id
        next_id += 1
        source, share = _main_source(earlier[j], previous)
        if source is not None and share >= part and source in continued:
            a = old.index(source)
            events.append(Event("split", ids[j], source, round(overlap[a, b], 4), round(similarity[a, b], 4)))
        else:
            events.append(Event("born", ids[j]))
    for a, i in enumerate(old):
        if i in continued:
            continue
        docs = previous.get(i, set())
        best, share = None, 0.0
        for b, j in enumerate(new):
            if docs and j in ids and ids[j] in continued:
                part_in = len(docs & current[j]) / len(docs)
                if part_in > share:
                    best, share = b, part_in
        if best is not None and share >= part:
            k = ids[new[best]]
            events.append(Event("merged", i, k, round(overlap[a, best], 4), round(similarity[a, best], 4)))
        else:
            events.append(Event("died", i))
    order = {"continued": 0, "split": 1, "born": 2, "merged": 3, "died": 4}
    return Matching(ids, tuple(sorted(events, key=lambda e: (order[e.event], e.trend_id))))


def _main_source(docs: Set[str], previous: Mapping[int, Set[str]]) -> tuple[int | None, float]:
    """The previous trend holding most of ``docs``, and the share of ``docs`` it holds."""
    if not docs:
        return None, 0.0
    best, count = None, 0
    for i in sorted(previous):
        shared = len(docs & previous[i])
        if shared > count:
            best, count = i, shared
    return best, count / len(docs)
