"""Topic quality of trendlens's clustering against plain BERTopic, on the same documents and embeddings.

The protocol follows the BERTopic paper's evaluation (Grootendorst 2022, and its code in
MaartenGr/BERTopic_evaluation) where it can:

- the corpus is preprocessed first (:mod:`trendlens.eval.preprocess`); both systems
  find their keywords in the preprocessed texts, and coherence is counted over them;
- each fitted model is reduced to 10, 20, 30, 40 and 50 topics (BERTopic with its own
  ``reduce_topics``; trendlens by cutting its average-linkage tree of cluster
  centroids, :func:`trendlens.topics.merge.merge_clusters`, each group described by its
  members' keywords weighted by size, as trendlens describes a consumer trend), and NPMI of every topic's
  top-10 words (window 10, gensim counting) and topic diversity are averaged over the
  five sizes and the seeds. A model that found fewer topics than asked is scored as it is.

Both systems get the same embeddings; which text is embedded (the preprocessed one, as the
paper did, or the original) is the caller's choice (:mod:`trendlens.eval.run` decides per corpus).

Scores of the model as fitted, with no reduction, are reported beside: topic count,
``npmi_native``, NMI / ARI against the corpus's classes, the outlier share and the seed
stability (ARI between the labels of two seeds). Systems:

- ``trendlens``: :func:`trendlens.topics.fit_topics` with the default
  :class:`~trendlens.topics.TopicConfig`, then outliers reassigned as
  :class:`~trendlens.TrendDetector` does by default. Only the keyword settings differ
  (single words, 25 of them, so that every keyword can be scored); they do not change
  the clusters.
- ``bertopic``: ``BERTopic(top_n_words=25)`` with its defaults otherwise, given the same
  embeddings; UMAP's ``random_state`` is set to the seed, since BERTopic's default UMAP
  has none.
"""

from __future__ import annotations

import copy
import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from trendlens.eval.metrics import clustering_agreement, npmi_coherence, seed_stability, topic_diversity

SYSTEMS = ("trendlens", "bertopic")

#: Topic counts each model is reduced to before coherence and diversity are averaged (the paper's).
TOPIC_COUNTS = (10, 20, 30, 40, 50)

#: Words per topic kept for diversity (Dieng et al. 2020; the issue's definition) and for NPMI.
TD_WORDS = 25
NPMI_WORDS = 10


@dataclass
class Clustering:
    """One system's fit on one seed: labels as fitted, their topic words, and the words at each reduced size."""

    labels: np.ndarray
    topics: list[list[str]]
    seconds: float
    reduced: dict[int, list[list[str]]] = field(default_factory=dict)


def _words(pairs: Sequence[tuple[str, float]], vocabulary: set[str]) -> list[str]:
    """Keywords that are vocabulary words, best first (drops BERTopic's empty padding)."""
    return [w for w, _ in pairs if w in vocabulary]


def cluster_trendlens(
    texts: Sequence[str],
    embeddings: np.ndarray,
    seed: int,
    vocabulary: set[str],
    topic_counts: Sequence[int] = TOPIC_COUNTS,
) -> Clustering:
    """trendlens's default topic pipeline (with outlier reassignment), then its centroid tree cut at each size.

    Keywords are those trendlens reports: a cluster's c-TF-IDF words from its documents as HDBSCAN
    left them (reassigned outliers join a trend but do not describe it, as in TrendDetector),
    and for a merged group its members' words ranked by size and rank (``merge_clusters``).
    """
    from trendlens.detector import TrendDetector
    from trendlens.topics import TopicConfig, fit_topics
    from trendlens.topics.assign import CORE_MEMBERSHIP, reassign_outliers
    from trendlens.topics.merge import merge_clusters
    from trendlens.topics.model import cluster_centroids

    began = time.perf_counter()
    result = fit_topics(texts, embeddings, TopicConfig(random_state=seed, ngram_range=(1, 1), top_n_words=TD_WORDS))
    threshold = TrendDetector().outlier_similarity
    labels = result.labels
    if threshold is not None:
        labels = reassign_outliers(labels, embeddings, threshold, reference=result.core_labels(CORE_MEMBERSHIP))
    labels = np.asarray(labels)
    native = [_words(pairs, vocabulary) for _, pairs in sorted(result.keywords.items())]
    seconds = time.perf_counter() - began
    centroids = cluster_centroids(labels, embeddings)
    sizes = {t: int((labels == t).sum()) for t in centroids}
    words = {t: [w for w, _ in result.keywords[t]] for t in centroids}
    reduced: dict[int, list[list[str]]] = {}
    for k in topic_counts:
        groups = merge_clusters(centroids, sizes, words, n_groups=k, n_keywords=3 * TD_WORDS)
        unique = {g.id: g for g in groups.values()}
        reduced[k] = [[w for w in unique[i].keywords if w in vocabulary] for i in sorted(unique)]
    return Clustering(labels, native, seconds, reduced)


def cluster_bertopic(
    texts: Sequence[str],
    embeddings: np.ndarray,
    seed: int,
    vocabulary: set[str],
    topic_counts: Sequence[int] = TOPIC_COUNTS,
) -> Clustering:
    """Plain ``BERTopic()`` on precomputed embeddings (UMAP seeded), then its own ``reduce_topics`` to each size."""
    from bertopic import BERTopic
    from umap import UMAP

    began = time.perf_counter()
    umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=seed)
    model = BERTopic(umap_model=umap, top_n_words=TD_WORDS)
    labels, _ = model.fit_transform(list(texts), embeddings)
    labels = np.asarray(labels)
    native = [_words(model.get_topic(t), vocabulary) for t in sorted(set(labels.tolist())) if t >= 0]
    seconds = time.perf_counter() - began
    model.umap_model = None  # not needed to reduce; keeps the copies below small
    reduced: dict[int, list[list[str]]] = {}
    for k in topic_counts:
        if k >= len(native):
            reduced[k] = native
            continue
        smaller = copy.deepcopy(model)
        smaller.reduce_topics(list(texts), nr_topics=k + (1 if -1 in labels else 0))
        reduced[k] = [_words(smaller.get_topic(t), vocabulary) for t in sorted(smaller.get_topics()) if t >= 0]
    return Clustering(labels, native, seconds, reduced)


def _coherence(topics: list[list[str]], tokens: Sequence[Sequence[str]]) -> float:
    return npmi_coherence([t for t in topics if len(t) >= 2], tokens, top_n=NPMI_WORDS, window=10)


def _diversity(topics: list[list[str]], top_n: int) -> float | None:
    scored = [t for t in topics if len(t) >= top_n]
    return topic_diversity(scored, top_n=top_n) if scored else None


def _mean_diversity(runs: Sequence[Clustering], k: int, top_n: int) -> float:
    """Diversity of the top ``top_n`` words at ``k`` topics, averaged over the runs (NaN where none can be scored)."""
    return float(np.mean([_diversity(r.reduced[k], top_n) or np.nan for r in runs]))


def score(runs: Sequence[Clustering], tokens: Sequence[Sequence[str]], classes: Sequence[Any] | None) -> dict[str, Any]:
    """The scores of one system from its fits on two or more seeds (see the module docstring)."""
    first = runs[0]
    sizes = sorted(first.reduced)
    npmi = {k: float(np.mean([_coherence(r.reduced[k], tokens) for r in runs])) for k in sizes}
    td, td10 = ({k: _mean_diversity(runs, k, top_n) for k in sizes} for top_n in (TD_WORDS, NPMI_WORDS))
    out: dict[str, Any] = {
        "npmi": float(np.nanmean(list(npmi.values()))) if npmi else None,
        "td": float(np.nanmean(list(td.values()))) if td else None,
        "td_top10": float(np.nanmean(list(td10.values()))) if td10 else None,
        "by_topic_count": {
            str(k): {"npmi": npmi[k], "td": td[k], "td_top10": td10[k], "topics": len(first.reduced[k])} for k in sizes
        },
        "n_topics": len(first.topics),
        "npmi_native": _coherence(first.topics, tokens),
        "outlier_share": float(np.mean(first.labels < 0)),
        "seconds": round(float(np.mean([r.seconds for r in runs])), 1),
    }
    if classes is not None:
        agreement = clustering_agreement(classes, first.labels)
        out["nmi"], out["ari"] = agreement["nmi"], agreement["ari"]
    else:
        out["nmi"] = out["ari"] = None
    out["seed_stability_ari"] = float(
        np.mean([seed_stability(a.labels, b.labels) for i, a in enumerate(runs) for b in runs[i + 1 :]])
    )
    return out


def evaluate(
    texts: Sequence[str],
    embeddings: np.ndarray,
    tokens: Sequence[Sequence[str]],
    vocabulary: Sequence[str],
    classes: Sequence[Any] | None = None,
    *,
    seeds: Sequence[int] = (42, 43, 44),
    systems: Sequence[str] = SYSTEMS,
    topic_counts: Sequence[int] = TOPIC_COUNTS,
    progress: Any = None,
) -> dict[str, dict[str, Any]]:
    """Per system, :func:`score` of its fits on every seed (``progress(message)`` is told of each fit).

    ``texts`` are the preprocessed documents (keywords are found in them), ``embeddings``
    one row per document, ``tokens`` the token lists coherence is counted over and
    ``vocabulary`` the words a keyword may be (see :func:`trendlens.eval.preprocess.preprocess`).
    """
    if len(seeds) < 2:
        raise ValueError("seed stability needs at least two seeds")
    if not len(texts) == len(embeddings) == len(tokens):
        raise ValueError(f"{len(texts)} texts, {len(embeddings)} embeddings and {len(tokens)} token lists differ")
    unknown = set(systems) - set(SYSTEMS)
    if unknown:
        raise ValueError(f"unknown systems {sorted(unknown)}; choose from {list(SYSTEMS)}")
    logging.getLogger("BERTopic").setLevel(logging.ERROR)  # its notes on custom topic lists are expected here
    words = set(vocabulary)
    run = {"trendlens": cluster_trendlens, "bertopic": cluster_bertopic}
    results: dict[str, dict[str, Any]] = {}
    for system in systems:
        fits = []
        for seed in seeds:
            if progress:
                progress(f"  clustering with {system}, seed {seed}")
            fits.append(run[system](texts, embeddings, seed, words, topic_counts))
        results[system] = score(fits, tokens, classes)
    return results
