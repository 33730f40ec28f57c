"""Prospective validation: does a trend's score at window *t* predict what its share does after *t*?

For a fitted detector (its trends fixed), at each of up to :data:`MAX_CUTS` windows *t* (with
:data:`MIN_HISTORY` windows before it and :data:`HORIZON` after it):

1. **Scores from the past only.** The signals are recomputed on the documents of windows up to
   and including *t* (:func:`~trendlens.signals.trend_signals`): virality and the lifecycle
   stage of every trend at *t*, without anything that came later (the burst automaton, the
   component scaling and novelty all see the past only). The trends themselves come from a fit
   on the whole corpus: which documents belong together is known with hindsight, how each
   trend will fare is not. That is the question a user asks of "virality 76" in today's report.
2. **What happens next.** A trend's *future growth* is the log ratio of its share of the
   documents in windows *t+1 … t+h* to its share in the *h* windows up to *t* (each count + 1,
   each total + 1: equal spans, so one busy window at *t* does not decide it alone); it is
   *alive* at *t+h* when it has a document in window *t+h*.
3. **Rankings of the trends seen so far.**

   * ``trendlens``: the report's ranking at *t* (:func:`~trendlens.signals.ranking.rank_tiers`):
     trends flagged "emerging" or "accelerating" first, then the others, then those with no document
     in the last ``recent_windows`` windows, each tier by virality; ``trendlens_virality``: by
     virality alone (what the score predicts without the report's tiers);
   * ``count_growth``: raw count growth, (count at *t* + 1) / (count at *t-1* + 1);
   * ``bertrend_popularity``: BERTrend's popularity (Boutaleb et al. 2024; rte-france/BERTrend,
     ``trend_analysis/weak_signals.py``), re-implemented: a trend's popularity grows by its
     document count in each window it appears in; in the *k*-th window in a row without
     documents it is multiplied by ``exp(-0.01 * k**2)`` (BERTrend's defaults
     ``decay_factor=0.01``, ``decay_power=2``).
4. **Scores of a ranking**, averaged over the cuts: ``precision_at_10``, the share of its top 10
   whose share grows (future growth above 0); ``alive_at_10``, the share of its top 10 still
   alive at *t+h*; ``spearman_future_growth``, the Spearman correlation of its score (for
   trendlens: virality) with future growth over every trend seen so far. For trendlens also
   ``flag_precision``: the share of flagged trends (any number) whose share grows.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from trendlens.signals.ranking import RISING, rank_tiers
from trendlens.signals.series import windows_of
from trendlens.signals.trends import DocumentSignals, SignalConfig, trend_signals

#: Windows ahead the future is read over.
HORIZON = 3
#: Windows a cut needs before it (the growth test's baseline; at least ``HORIZON``).
MIN_HISTORY = 4
#: Most cuts per corpus (evenly spread), to bound the work on day windows.
MAX_CUTS = 40
#: Size of the top of a ranking that is scored.
TOP = 10
#: BERTrend's decay of a topic's popularity in windows without documents (its defaults).
BERTREND_DECAY_FACTOR = 0.01
BERTREND_DECAY_POWER = 2.0
METHODS = ("trendlens", "trendlens_virality", "count_growth", "bertrend_popularity")


def prospective(
    docs: DocumentSignals,
    config: SignalConfig,
    *,
    horizon: int = HORIZON,
    max_cuts: int = MAX_CUTS,
    progress: Any = None,
) -> dict[str, Any]:
    """Score the rankings (module docstring) on the documents of one fitted corpus.

    ``docs`` are the detector's per-document signal inputs (labels and timestamps at least) and
    ``config`` its signal settings with the window resolved (not ``"auto"``). Returns
    ``{"window", "horizon", "cuts", <method>: {metric: mean over cuts}}``; a metric no cut could
    score (fewer than 5 trends seen, or no flagged trend) is ``None``.
    """
    if config.window == "auto":
        raise ValueError("prospective needs a resolved window (day, week or month), not 'auto'")
    labels = np.asarray(docs.labels, dtype=np.int64)
    windows = windows_of(docs.timestamps, config.window)
    order = sorted(set(windows.tolist()) - {""})
    trends = np.unique(labels[labels >= 0])
    position = {w: i for i, w in enumerate(order)}
    counts = np.zeros((len(trends), len(order)))
    totals = np.zeros(len(order))
    column = np.array([position.get(w, -1) for w in windows])
    dated = column >= 0
    np.add.at(totals, column[dated], 1)
    row = np.searchsorted(trends, labels)
    inside = dated & (labels >= 0)
    np.add.at(counts, (row[inside], column[inside]), 1)
    popularity = _bertrend_popularity(counts)

    candidates = list(range(MIN_HISTORY, len(order) - horizon))
    if len(candidates) > max_cuts:
        candidates = [candidates[int(round(k))] for k in np.linspace(0, len(candidates) - 1, max_cuts)]
    per_method: dict[str, dict[str, list[float]]] = {m: {} for m in METHODS}
    for n, t in enumerate(candidates):
        if progress is not None:
            progress(f"cut {n + 1}/{len(candidates)}: window {order[t]}")
        summary = signals_at(docs, config, order[t], windows)
        seen = np.flatnonzero(counts[:, : t + 1].sum(axis=1) > 0)
        if len(seen) < 5:
            continue
        after, before = slice(t + 1, t + 1 + horizon), slice(t + 1 - horizon, t + 1)
        future = np.log((counts[seen, after].sum(axis=1) + 1) / (totals[after].sum() + 1))
        now = np.log((counts[seen, before].sum(axis=1) + 1) / (totals[before].sum() + 1))
        growth = future - now
        alive = counts[seen, t + horizon] > 0
        ids = trends[seen]
        virality = summary["virality"].reindex(ids).fillna(0.0).to_numpy(dtype=float)
        stage = summary["lifecycle"].reindex(ids).fillna("noise").to_numpy(dtype=object)
        recent = summary["recent"].reindex(ids).fillna(0).to_numpy(dtype=float)
        flagged = np.isin(stage, RISING)
        scores = {
            "trendlens": virality,
            "trendlens_virality": virality,
            "count_growth": (counts[seen, t] + 1) / (counts[seen, t - 1] + 1),
            "bertrend_popularity": popularity[seen, t],
        }
        rankings = {
            "trendlens": np.lexsort((ids, -virality, rank_tiers(stage, recent))),  # as the report ranks
            "trendlens_virality": np.lexsort((ids, -virality)),  # the score alone, quiet trends included
            "count_growth": np.lexsort((ids, -scores["count_growth"])),
            "bertrend_popularity": np.lexsort((ids, -scores["bertrend_popularity"])),
        }
        for method in METHODS:
            top = rankings[method][:TOP]
            metrics = per_method[method]
            metrics.setdefault("precision_at_10", []).append(float((growth[top] > 0).mean()))
            metrics.setdefault("alive_at_10", []).append(float(alive[top].mean()))
            rho = _spearman(scores[method], growth)
            if rho is not None:
                metrics.setdefault("spearman_future_growth", []).append(rho)
        if flagged.any():
            per_method["trendlens"].setdefault("flag_precision", []).append(float((growth[flagged] > 0).mean()))
    result: dict[str, Any] = {"window": config.window, "horizon": horizon, "cuts": len(candidates)}
    names = ("precision_at_10", "spearman_future_growth", "alive_at_10", "flag_precision")
    for method in METHODS:
        metrics = per_method[method]
        result[method] = {
            name: round(float(np.mean(metrics[name])), 4) if metrics.get(name) else None
            for name in names
            if name != "flag_precision" or method == "trendlens"
        }
    return result


def signals_at(docs: DocumentSignals, config: SignalConfig, window: str, windows: np.ndarray | None = None) -> Any:
    """Every trend's signals at ``window`` (the per-trend summary of :func:`trend_signals`), computed from
    the documents of that window and the ones before it only. ``windows``: each document's window label
    (computed when not given)."""
    windows = windows_of(docs.timestamps, config.window) if windows is None else windows
    keep = np.flatnonzero((windows != "") & (windows <= window))
    return trend_signals(_subset(docs, keep), config)[1]


def _bertrend_popularity(counts: np.ndarray) -> np.ndarray:
    """BERTrend's popularity per trend and window: + the window's documents, or decayed while a trend is quiet."""
    out = np.zeros_like(counts, dtype=float)
    for i, row in enumerate(counts):
        value, quiet = 0.0, 0
        for j, n in enumerate(row):
            if n > 0:
                value, quiet = value + n, 0
            else:  # BERTrend decays the last popularity again in every quiet window, by its quiet run so far
                quiet += 1
                value *= np.exp(-BERTREND_DECAY_FACTOR * quiet**BERTREND_DECAY_POWER)
            out[i, j] = value
    return out


def _spearman(score: np.ndarray, growth: np.ndarray) -> float | None:
    from scipy.stats import spearmanr

    if len(score) < 5 or np.ptp(score) == 0 or np.ptp(growth) == 0:
        return None
    return float(spearmanr(score, growth).statistic)


def _subset(docs: DocumentSignals, rows: np.ndarray) -> DocumentSignals:
    """``docs`` restricted to ``rows`` (every per-document field)."""

    def take(values: Any) -> Any:
        if values is None:
            return None
        if isinstance(values, np.ndarray):
            return values[rows]
        if hasattr(values, "shape"):  # vectors on disk
            return np.asarray(values[rows])
        return [values[i] for i in rows]

    return DocumentSignals(
        labels=np.asarray(docs.labels)[rows],
        timestamps=np.asarray(docs.timestamps)[rows],
        embeddings=take(docs.embeddings),
        engagement=take(docs.engagement),
        sources=take(docs.sources),
        voices=take(docs.voices),
        hashtags=take(docs.hashtags),
        engagement_growth=take(docs.engagement_growth),
        exposure=take(docs.exposure),
    )
