"""Topic quality of trendlens's clustering against plain BERTopic, on the same texts and embeddings in one run.

For each system and seed the documents are clustered, then scored with
:mod:`trendlens.eval.metrics`: NPMI coherence of each topic's top-10 words over the
corpus (window 10, gensim counting), topic diversity over the top-10 words (as the
BERTopic paper's evaluation code), NMI / ARI against reference classes when the
corpus has them, the outlier share, and seed stability (ARI between the labels of
two seeds).

- ``trendlens``: :func:`trendlens.topics.fit_topics` with the default
  :class:`~trendlens.topics.TopicConfig`, then outliers reassigned as
  :class:`~trendlens.TrendDetector` does by default.
- ``bertopic``: ``BERTopic()`` with its defaults, given the same embeddings; only
  UMAP's ``random_state`` is set (the seed), since BERTopic's default UMAP has none.

Differences from the paper's protocol: topics are scored as each system finds them
(no reduction to 10–50 topics), and each system's own keywords are used.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from trendlens.eval.metrics import (
    clustering_agreement,
    npmi_coherence,
    seed_stability,
    tokenize,
    topic_diversity,
)

SYSTEMS = ("trendlens", "bertopic")


@dataclass(frozen=True)
class Clustering:
    """Labels and topic keywords of one system and seed."""

    labels: np.ndarray
    topics: list[list[str]]
    seconds: float


def cluster_trendlens(texts: Sequence[str], embeddings: np.ndarray, seed: int) -> Clustering:
    """trendlens's default topic pipeline (with outlier reassignment)."""
    from trendlens.detector import TrendDetector, reassign_outliers
    from trendlens.topics import TopicConfig, fit_topics

    began = time.perf_counter()
    result = fit_topics(texts, embeddings, TopicConfig(random_state=seed))
    threshold = TrendDetector().outlier_similarity
    labels = result.labels if threshold is None else reassign_outliers(result.labels, embeddings, threshold)
    topics = [[w for w, _ in result.keywords[t]] for t in sorted(result.keywords)]
    return Clustering(np.asarray(labels), topics, time.perf_counter() - began)


def cluster_bertopic(texts: Sequence[str], embeddings: np.ndarray, seed: int) -> Clustering:
    """Plain ``BERTopic()`` on precomputed embeddings; UMAP seeded, everything else default."""
    from bertopic import BERTopic
    from umap import UMAP

    began = time.perf_counter()
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    model = BERTopic(umap_model=umap)
    labels, _ = model.fit_transform(list(texts), embeddings)
    topics = [[w for w, _ in model.get_topic(t)] for t in sorted(set(labels)) if t >= 0]
    return Clustering(np.asarray(labels), topics, time.perf_counter() - began)


def score(
    clustering: Clustering, tokens: Sequence[Sequence[str]], classes: Sequence[Any] | None
) -> dict[str, float | int | None]:
    """Coherence, diversity, agreement with ``classes`` and outlier share of one clustering."""
    topics = [t for t in clustering.topics if len(t) >= 10]
    out: dict[str, float | int | None] = {
        "n_topics": len(clustering.topics),
        "npmi": npmi_coherence(topics, tokens, top_n=10, window=10),
        "td": topic_diversity(topics, top_n=10) if topics else None,
        "outlier_share": float(np.mean(clustering.labels < 0)),
        "seconds": round(clustering.seconds, 1),
    }
    if classes is not None:
        agreement = clustering_agreement(classes, clustering.labels)
        out["nmi"], out["ari"] = agreement["nmi"], agreement["ari"]
    return out


def evaluate(
    texts: Sequence[str],
    embeddings: np.ndarray,
    classes: Sequence[Any] | None = None,
    *,
    seeds: tuple[int, int] = (42, 43),
    systems: Sequence[str] = SYSTEMS,
) -> dict[str, dict[str, Any]]:
    """Per system: the scores of the first seed and ``seed_stability_ari`` between the two seeds."""
    tokens = tokenize(texts)
    run = {"trendlens": cluster_trendlens, "bertopic": cluster_bertopic}
    results: dict[str, dict[str, Any]] = {}
    for system in systems:
        first, second = (run[system](texts, embeddings, seed) for seed in seeds)
        results[system] = {
            **score(first, tokens, classes),
            "seed_stability_ari": seed_stability(first.labels, second.labels),
        }
    return results
