"""Measure and calibrate the confidences :class:`~trendlens.hierarchy.mapping.TaxonomyMapper` reports.

The mapper turns cosine similarities to the consumer trends into probabilities with
``softmax(similarities / temperature)``. Whether a confidence of 0.9 means "right nine
times in ten" depends on that temperature, so here it is fitted on labelled data
(temperature scaling, Guo et al. 2017, "On Calibration of Modern Neural Networks").

The labelled data is the taxonomy itself: every exemplar phrase of a consumer trend is
held out in turn, its consumer trend's vector is rebuilt without it, and the phrase is
scored against all consumer trends; its own consumer trend is the right answer. The
fitted temperature minimises the negative log-likelihood of those right answers.
Calibration is then measured as the expected calibration error (ECE) on each level of
the hierarchy, with the same rule as the mapper: the predicted node of a level is the
ancestor of the most similar consumer trend, and its confidence is the summed probability
of the consumer trends beneath it.

Exemplars are short single phrases, whereas the mapper places trend vectors averaged over
many documents, so the figures measure the placement of phrases; they are the labelled
data the taxonomy offers, not a test on real trends.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np
from scipy.optimize import minimize_scalar
from scipy.special import logsumexp

from trendlens._vectors import unit
from trendlens.embed.base import Embedder
from trendlens.errors import ConfigError
from trendlens.hierarchy.mapping import MAPPED_LEVELS, leaf_texts
from trendlens.hierarchy.taxonomy import Taxonomy

__all__ = [
    "DEFAULT_PERCENTILES",
    "best_similarities",
    "calibration_report",
    "expected_calibration_error",
    "fit_confidence_temperature",
    "fit_temperature",
    "leaf_ancestors",
    "leave_one_out_similarities",
    "level_confidences",
    "negative_log_likelihood",
    "reliability_bins",
    "softmax",
]

#: Percentiles reported for the best-similarity distributions.
DEFAULT_PERCENTILES = (1, 5, 10, 25, 50, 75, 90, 95, 99)

#: ``min_similarity`` values whose unmapped shares the report lists.
THRESHOLDS = (0.15, 0.2, 0.25, 0.3, 0.35, 0.4)


def _leaf_embeddings(taxonomy: Taxonomy, embedder: Embedder) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[str]]:
    """Embed every consumer trend's texts the way the mapper does.

    Returns
    -------
    vectors
        ``(n_texts, dim)`` unit rows: per consumer trend, ``"name. description"`` then its exemplars.
    owner
        ``(n_texts,)`` index of the consumer trend each row belongs to.
    is_exemplar
        ``(n_texts,)`` True for exemplar rows, False for the ``"name. description"`` rows.
    leaf_ids
        Consumer trend ids, in the taxonomy's order (the column order of all similarity arrays).
    """
    leaves = taxonomy.level("consumer_trend")
    texts, owner = leaf_texts(leaves)
    is_exemplar = [k > 0 and owner[k] == owner[k - 1] for k in range(len(owner))]  # each trend's first is its name
    vectors = unit(np.asarray(embedder.encode(texts), dtype=np.float64))
    return vectors, np.asarray(owner), np.asarray(is_exemplar), [node.id for node in leaves]


def _leaf_sums(vectors: np.ndarray, owner: np.ndarray, n_leaves: int) -> np.ndarray:
    """Per consumer trend, the sum of its unit text vectors (its direction is the mapper's leaf vector)."""
    sums = np.zeros((n_leaves, vectors.shape[1]), dtype=np.float64)
    np.add.at(sums, owner, vectors)
    return sums


def leave_one_out_similarities(taxonomy: Taxonomy, embedder: Embedder) -> tuple[np.ndarray, np.ndarray, list[str]]:
    """Cosine similarities of each held-out exemplar phrase to every consumer trend.

    For exemplar ``e`` of consumer trend ``i``, trend ``i``'s vector is rebuilt from its
    other texts (``"name. description"`` and the remaining exemplars); every other consumer
    trend keeps the vector :class:`~trendlens.hierarchy.mapping.TaxonomyMapper` uses. The
    leaf vectors are kept as sums of unit vectors, so removing ``e`` is one subtraction.

    Parameters
    ----------
    taxonomy
        The taxonomy whose exemplars serve as labelled data.
    embedder
        The embedder the mapper uses.

    Returns
    -------
    sims
        ``(n_exemplars, n_leaves)`` cosine similarities.
    truth
        ``(n_exemplars,)`` column index of each exemplar's own consumer trend.
    leaf_ids
        Consumer trend ids in column order.
    """
    vectors, owner, is_exemplar, leaf_ids = _leaf_embeddings(taxonomy, embedder)
    sums = _leaf_sums(vectors, owner, len(leaf_ids))
    exemplars = vectors[is_exemplar]
    truth = owner[is_exemplar]
    sims = exemplars @ unit(sums).T
    held_out = unit(sums[truth] - exemplars)
    sims[np.arange(len(truth)), truth] = np.einsum("ij,ij->i", exemplars, held_out)
    return sims, truth, leaf_ids


def best_similarities(taxonomy: Taxonomy, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """Each text's highest cosine similarity to the consumer trends' (full) vectors.

    This is the value the mapper compares with ``min_similarity``.

    Parameters
    ----------
    taxonomy, embedder
        As for :class:`~trendlens.hierarchy.mapping.TaxonomyMapper`.
    texts
        Texts to score, each on its own.

    Returns
    -------
    numpy.ndarray
        ``(len(texts),)`` best cosine per text.
    """
    vectors, owner, _, leaf_ids = _leaf_embeddings(taxonomy, embedder)
    leaf_vectors = unit(_leaf_sums(vectors, owner, len(leaf_ids)))
    return _best_similarities(leaf_vectors, embedder, texts)


def _best_similarities(leaf_vectors: np.ndarray, embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    if not len(texts):
        return np.zeros(0)
    encoded = unit(np.asarray(embedder.encode(list(texts)), dtype=np.float64))
    return (encoded @ leaf_vectors.T).max(axis=1)


def softmax(sims: np.ndarray, temperature: float) -> np.ndarray:
    """Row-wise ``softmax(sims / temperature)``, computed stably.

    Parameters
    ----------
    sims
        ``(n, k)`` similarities.
    temperature
        Positive temperature.

    Returns
    -------
    numpy.ndarray
        ``(n, k)`` probabilities, each row summing to one.
    """
    if temperature <= 0:
        raise ConfigError(f"temperature must be > 0, got {temperature}")
    logits = np.asarray(sims, dtype=np.float64) / temperature
    logits -= logits.max(axis=1, keepdims=True)
    probs = np.exp(logits)
    return probs / probs.sum(axis=1, keepdims=True)


def negative_log_likelihood(sims: np.ndarray, truth: np.ndarray, temperature: float) -> float:
    """Mean negative log-probability that ``softmax(sims / temperature)`` gives the true columns.

    Parameters
    ----------
    sims
        ``(n, k)`` similarities.
    truth
        ``(n,)`` index of the right column per row.
    temperature
        Positive temperature.

    Returns
    -------
    float
        The mean negative log-likelihood (natural log).
    """
    logits = np.asarray(sims, dtype=np.float64) / temperature
    rows = np.arange(len(truth))
    return float(np.mean(logsumexp(logits, axis=1) - logits[rows, truth]))


def fit_temperature(sims: np.ndarray, truth: np.ndarray, bounds: tuple[float, float] = (1e-3, 1.0)) -> float:
    """The softmax temperature that maximises the likelihood of the true columns.

    The search runs over ``log(temperature)`` within ``bounds`` (bounded Brent method).

    Parameters
    ----------
    sims
        ``(n, k)`` similarities of held-out items.
    truth
        ``(n,)`` index of each item's right column.
    bounds
        Lowest and highest temperature considered.

    Returns
    -------
    float
        The fitted temperature. A value at one of the bounds means the optimum lies outside them.
    """
    low, high = bounds
    if not 0 < low < high:
        raise ConfigError(f"bounds must satisfy 0 < low < high, got {bounds}")
    sims = np.asarray(sims, dtype=np.float64)
    truth = np.asarray(truth)
    result = minimize_scalar(
        lambda log_t: negative_log_likelihood(sims, truth, float(np.exp(log_t))),
        bounds=(np.log(low), np.log(high)),
        method="bounded",
        options={"xatol": 1e-6},
    )
    return float(np.exp(result.x))


def fit_confidence_temperature(
    sims: np.ndarray, correct: np.ndarray, bounds: tuple[float, float] = (1e-3, 1.0)
) -> float:
    """The softmax temperature whose top probability best predicts whether the top choice is right.

    Temperature scaling by likelihood (:func:`fit_temperature`) needs the right column of every
    row, so it cannot use items where no column is right (a trend no consumer trend fits, which
    the mapper still placed). This fit uses every placed item: it minimises the binary
    cross-entropy between each row's top softmax probability and whether its top choice was
    right, so the reported confidence estimates the chance of being right.

    Parameters
    ----------
    sims
        ``(n, k)`` similarities of placed items.
    correct
        ``(n,)`` whether each row's highest column was the right answer.
    bounds
        Lowest and highest temperature considered.

    Returns
    -------
    float
        The fitted temperature.
    """
    low, high = bounds
    if not 0 < low < high:
        raise ConfigError(f"bounds must satisfy 0 < low < high, got {bounds}")
    sims = np.asarray(sims, dtype=np.float64)
    right = np.asarray(correct, dtype=np.float64)

    def loss(log_t: float) -> float:
        top = np.clip(softmax(sims, float(np.exp(log_t))).max(axis=1), 1e-9, 1 - 1e-9)
        return float(-np.mean(right * np.log(top) + (1 - right) * np.log(1 - top)))

    result = minimize_scalar(loss, bounds=(np.log(low), np.log(high)), method="bounded", options={"xatol": 1e-6})
    return float(np.exp(result.x))


def leaf_ancestors(taxonomy: Taxonomy, leaf_ids: Sequence[str]) -> dict[str, dict[str, str]]:
    """For each consumer trend, the id of its node on every level (itself included)."""
    return {leaf: {node.level: node.id for node in taxonomy.path(leaf)} for leaf in leaf_ids}


def level_confidences(
    probs: np.ndarray, leaf_ids: Sequence[str], ancestors: Mapping[str, Mapping[str, str]], level: str
) -> tuple[np.ndarray, np.ndarray]:
    """The node predicted on ``level`` for each row, and its confidence, by the mapper's rule.

    The predicted node is the ancestor on ``level`` of the most probable consumer trend;
    its confidence is the summed probability of every consumer trend beneath it.

    Parameters
    ----------
    probs
        ``(n, k)`` probabilities over the consumer trends in ``leaf_ids`` order.
    leaf_ids
        Consumer trend ids, one per column.
    ancestors
        Consumer trend id → {level: node id}, as from :func:`leaf_ancestors`.
    level
        One of the taxonomy's levels.

    Returns
    -------
    predicted
        ``(n,)`` array of node ids.
    confidence
        ``(n,)`` summed probabilities.
    """
    column_node = np.array([ancestors[leaf][level] for leaf in leaf_ids], dtype=object)
    nodes, column_group = np.unique(column_node.astype(str), return_inverse=True)
    membership = np.zeros((len(leaf_ids), len(nodes)))
    membership[np.arange(len(leaf_ids)), column_group] = 1.0
    node_probs = np.asarray(probs, dtype=np.float64) @ membership
    best_group = column_group[np.argmax(probs, axis=1)]
    confidence = node_probs[np.arange(len(best_group)), best_group]
    return nodes[best_group], confidence


def reliability_bins(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> list[dict[str, float]]:
    """Confidence against accuracy in equal-width bins of confidence.

    Bin ``m`` (1-based) holds confidences in ``((m - 1) / n_bins, m / n_bins]``; a confidence
    of exactly zero falls in the first bin.

    Parameters
    ----------
    confidence
        ``(n,)`` confidences in ``[0, 1]``.
    correct
        ``(n,)`` whether each prediction was right.
    n_bins
        Number of bins.

    Returns
    -------
    list of dict
        Per non-empty bin: ``low``, ``high``, ``count``, ``confidence`` (mean) and ``accuracy``.
    """
    confidence = np.asarray(confidence, dtype=np.float64)
    correct = np.asarray(correct, dtype=np.float64)
    index = np.clip(np.ceil(confidence * n_bins).astype(int) - 1, 0, n_bins - 1)
    bins = []
    for m in range(n_bins):
        inside = index == m
        if inside.any():
            bins.append(
                {
                    "low": m / n_bins,
                    "high": (m + 1) / n_bins,
                    "count": int(inside.sum()),
                    "confidence": float(confidence[inside].mean()),
                    "accuracy": float(correct[inside].mean()),
                }
            )
    return bins


def expected_calibration_error(confidence: np.ndarray, correct: np.ndarray, n_bins: int = 10) -> float:
    """Expected calibration error: the count-weighted mean gap between confidence and accuracy per bin.

    Parameters
    ----------
    confidence
        ``(n,)`` confidences in ``[0, 1]``.
    correct
        ``(n,)`` whether each prediction was right.
    n_bins
        Number of equal-width confidence bins (see :func:`reliability_bins`).

    Returns
    -------
    float
        ECE in ``[0, 1]``; 0 means confidence matches accuracy in every bin.
    """
    n = len(np.asarray(confidence))
    if n == 0:
        raise ConfigError("expected_calibration_error needs at least one prediction")
    bins = reliability_bins(confidence, correct, n_bins)
    return float(sum(b["count"] * abs(b["confidence"] - b["accuracy"]) for b in bins) / n)


def _percentiles(values: np.ndarray, percentiles: Sequence[float]) -> dict[str, float]:
    return {f"p{p:g}": round(float(np.percentile(values, p)), 4) for p in percentiles}


def calibration_report(
    taxonomy: Taxonomy,
    embedder: Embedder,
    *,
    temperature: float = 0.02,
    bounds: tuple[float, float] = (1e-3, 1.0),
    n_bins: int = 10,
    negatives: Mapping[str, Sequence[str]] | None = None,
    percentiles: Sequence[float] = DEFAULT_PERCENTILES,
) -> dict[str, Any]:
    """Fit the temperature on held-out exemplars and measure calibration before and after.

    Parameters
    ----------
    taxonomy, embedder
        As for :class:`~trendlens.hierarchy.mapping.TaxonomyMapper`.
    temperature
        The temperature in use, reported as "current".
    bounds
        Search range of :func:`fit_temperature`.
    n_bins
        Bins of the expected calibration error.
    negatives
        Optional groups of texts nothing in the taxonomy describes (name → texts); their
        best similarities are reported beside those of the held-out exemplars, to help
        choose ``min_similarity``.
    percentiles
        Percentiles of the best-similarity distributions.

    Returns
    -------
    dict
        JSON-ready: ``n_exemplars``, ``n_leaves``, ``temperature`` (current, fitted),
        ``nll`` (current, fitted), ``levels`` (per level: accuracy, ECE and mean confidence
        at both temperatures, reliability bins), and ``best_similarity`` (percentiles per
        group and the share of each group at or above a few thresholds).
    """
    sims, truth, leaf_ids = leave_one_out_similarities(taxonomy, embedder)
    fitted = fit_temperature(sims, truth, bounds)
    ancestors = leaf_ancestors(taxonomy, leaf_ids)
    true_leaves = [leaf_ids[i] for i in truth]
    probs = {"current": softmax(sims, temperature), "fitted": softmax(sims, fitted)}
    levels: dict[str, Any] = {}
    for level in MAPPED_LEVELS:
        true_nodes = np.array([ancestors[leaf][level] for leaf in true_leaves])
        entry: dict[str, Any] = {"n_nodes": len(taxonomy.level(level))}
        for key, p in probs.items():
            predicted, confidence = level_confidences(p, leaf_ids, ancestors, level)
            correct = predicted == true_nodes
            entry["accuracy"] = round(float(correct.mean()), 4)
            entry[f"ece_{key}"] = round(expected_calibration_error(confidence, correct, n_bins), 4)
            entry[f"mean_confidence_{key}"] = round(float(confidence.mean()), 4)
            entry[f"reliability_{key}"] = [
                {k: round(v, 4) if isinstance(v, float) else v for k, v in b.items()}
                for b in reliability_bins(confidence, correct, n_bins)
            ]
        levels[level] = entry
    groups = {"held_out_exemplars": sims.max(axis=1)}
    if negatives:
        vectors, owner, _, _ = _leaf_embeddings(taxonomy, embedder)
        leaf_vectors = unit(_leaf_sums(vectors, owner, len(leaf_ids)))
        for name, texts in negatives.items():
            groups[name] = _best_similarities(leaf_vectors, embedder, texts)
    best = {
        name: {
            "n": len(values),
            "percentiles": _percentiles(values, percentiles),
            "share_at_or_above": {f"{t:g}": round(float((values >= t).mean()), 4) for t in THRESHOLDS},
        }
        for name, values in groups.items()
        if len(values)
    }
    return {
        "taxonomy": f"{taxonomy.name} {taxonomy.version}",
        "embedder": getattr(embedder, "name", type(embedder).__name__),
        "n_exemplars": len(truth),
        "n_leaves": len(leaf_ids),
        "n_bins": n_bins,
        "temperature": {"current": temperature, "fitted": round(fitted, 5), "bounds": list(bounds)},
        "nll": {
            "current": round(negative_log_likelihood(sims, truth, temperature), 4),
            "fitted": round(negative_log_likelihood(sims, truth, fitted), 4),
        },
        "levels": levels,
        "best_similarity": best,
    }
