"""What a fit of :class:`~trendlens.TrendDetector` found: one frozen :class:`TrendFit`.

A fit, an update or a load makes a new one (:mod:`trendlens.fitting` builds it) and the
estimator keeps it as ``result_``; its ``name_`` attributes read the fields (:class:`Fitted`),
so the estimator holds its parameters and one result, not thirty attributes set step by step.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from trendlens.corpus import Corpus
    from trendlens.hierarchy.taxonomy import Taxonomy
    from trendlens.report.model import Evidence, Insight, TrendGroup
    from trendlens.signals.trends import DocumentSignals, SignalConfig
    from trendlens.topics.assign import NearestCentroids
    from trendlens.topics.terms import Terms


@dataclass(frozen=True, eq=False)
class TrendFit:
    """Everything a fit found; :class:`~trendlens.TrendDetector` shows each field as ``<field>_``.

    Attributes
    ----------
    corpus : Corpus
        The documents, in order.
    embeddings : numpy.ndarray or DiskVectors
        Document embeddings, float32. For a corpus larger than ``fit_sample`` (embedded by the
        fit), a :class:`~trendlens.embed.disk.DiskVectors`: the rows stay in a temporary file and
        each index reads them (``np.asarray`` reads them all).
    labels : numpy.ndarray
        Trend id of every document (``-1``: in no trend).
    keywords : dict
        Trend id → its keywords, best first.
    centroids : dict
        Trend id → the unit-length mean direction of its documents.
    centrality : numpy.ndarray
        Each document's cosine to its trend's centroid (NaN in no trend).
    speaks_as : numpy.ndarray
        Per document, the document whose voice it counts as: a near-duplicate's representative
        (:mod:`trendlens.topics.duplicates`), else itself.
    near_duplicates : int
        Documents clustered as a near-duplicate of another (cosine at least 0.98): each takes its
        representative's trend and speaks with its representative's voice (reach counts the group once).
    assignment : trendlens.topics.assign.NearestCentroids
        The rule :meth:`~trendlens.TrendDetector.predict` applies to new documents: trend centroids
        and the least cosine to the closest one, the :data:`~trendlens.topics.assign.ASSIGN_QUANTILE`
        of the clustered documents' cosine to their trend's centroid. The centroids are
        ``centroids``, except on a sampled fit: those of the sample's trends, which placed the
        rest of the corpus.
    signals : pandas.DataFrame
        Tidy, one row per trend and window: ``count, total, share, growth, p_value, p_decline,
        burst, acceleration, engagement, reach, virality, lifecycle``.
    window : str
        The time window used (``"auto"`` resolved).
    signal_inputs : tuple
        The :class:`~trendlens.signals.trends.DocumentSignals` and the settings (window resolved)
        the signals were computed from (:mod:`trendlens.eval.prospective` recomputes them).
    trends : pandas.DataFrame
        One row per trend (index ``trend``), ranked as the report ranks (rising trends, then those
        with a stage, then quiet ones, each by virality then size:
        :func:`~trendlens.topics.tables.ranked`): label, keywords, size, share, virality (0-100)
        and lifecycle in the latest window (the latest complete one when the latest is partial:
        ``ranked_window``), growth, p_value, burst, acceleration, engagement, reach, novelty, onset
        and peak windows, the mapped ``virality_*`` components, example document ids, the
        consumer trend and, with a taxonomy, the placement.
    groups : dict
        Trend id → the consumer trend (:class:`~trendlens.report.model.TrendGroup`) it belongs to.
    consumer_trends : pandas.DataFrame
        One row per consumer trend (index ``consumer_trend``, the group id): label, keywords,
        ``members`` (its trend ids), size, share and the same signal columns as ``trends``,
        computed on all the documents of its sub trends. Ranked as ``trends``, except that a
        consumer trend holding half the documents in trends (the corpus's main trend) leads.
    group_signals : pandas.DataFrame
        ``signals`` of the consumer trends (the ``trend`` column holds the group id).
    group_labels, group_centroids, group_centrality
        ``labels``, ``centroids`` and ``centrality`` of the consumer trends.
    placements : dict
        Trend id → :class:`~trendlens.hierarchy.mapping.Placement` in the taxonomy (empty without one).
    group_placements : dict
        Group id → :class:`~trendlens.hierarchy.mapping.Placement` of each consumer trend of
        several sub trends (one of a single sub trend is placed as that trend).
    taxonomy : Taxonomy or None
        The taxonomy the trends were placed in.
    timings : dict
        Seconds per stage.
    terms : Terms or None
        The term normaliser of the clustered documents, which names the trends (``None``: one is
        made from the corpus when needed).
    topic_model : bertopic.BERTopic or None
        The fitted topic model (``None`` when the labels were given or read from a saved model).
    fit_rows : numpy.ndarray or None
        The rows clustering saw (all of them unless the fit sampled).
    bertopic_ids : dict or None
        BERTopic's topic ids (by size) → trend ids, which follow the corpus order of each trend's
        first document.
    layout : numpy.ndarray or None
        The reduced vectors of ``fit_rows``, where the reduction kept them: the document map's coordinates.
    languages : dict or None
        Share of each language in a sample of the documents (``"en"``, ``"de"`` …, ``"unknown"``
        where unsure).
    findings, insights, group_findings, group_insights : dict
        The report's evidence of each trend and consumer trend of several sub trends, read on
        first need (:mod:`trendlens.report.evidence`) and kept for this fit.
    """

    corpus: Corpus
    embeddings: Any
    labels: np.ndarray
    keywords: dict[int, list[str]]
    centroids: dict[int, np.ndarray]
    centrality: np.ndarray
    speaks_as: np.ndarray
    near_duplicates: int
    assignment: NearestCentroids
    signals: pd.DataFrame
    window: str
    signal_inputs: tuple[DocumentSignals, SignalConfig]
    trends: pd.DataFrame
    groups: dict[int, TrendGroup]
    consumer_trends: pd.DataFrame
    group_signals: pd.DataFrame
    group_labels: np.ndarray
    group_centroids: dict[int, np.ndarray]
    group_centrality: np.ndarray
    placements: dict[int, Any]
    group_placements: dict[int, Any]
    taxonomy: Taxonomy | None
    timings: dict[str, float]
    terms: Terms | None = None
    topic_model: Any = None
    fit_rows: np.ndarray | None = None
    bertopic_ids: Any = None
    layout: np.ndarray | None = None
    languages: dict[str, float] | None = None
    findings: dict[int, tuple[Evidence, ...]] = field(default_factory=dict)
    insights: dict[int, Insight] = field(default_factory=dict)
    group_findings: dict[int, tuple[Evidence, ...]] = field(default_factory=dict)
    group_insights: dict[int, Insight] = field(default_factory=dict)

    @property
    def assign_similarity(self) -> float:
        """``assignment.min_similarity``."""
        return self.assignment.min_similarity


class Fitted:
    """An attribute of a fitted estimator: the field of its ``result_`` named as the attribute without underscores.

    Reading it before a fit raises :class:`AttributeError` (``hasattr`` is false), as does an
    ``optional`` field that the fit did not make (``None``). A non-data descriptor: assigning
    the attribute on an estimator stores the value there, which hides the result's.
    """

    def __init__(self, optional: bool = False) -> None:
        self.optional = optional

    def __set_name__(self, owner: type, name: str) -> None:
        self.name, self.field = name, name.strip("_")

    def __get__(self, estimator: Any, owner: type | None = None) -> Any:
        if estimator is None:
            return self
        result = vars(estimator).get("result_")
        value = None if result is None else getattr(result, self.field)
        if result is None or (value is None and self.optional):
            kind = type(estimator).__name__
            raise AttributeError(f"{kind!r} has no {self.name!r}: not fitted, or this fit made none")
        return value
