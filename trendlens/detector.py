"""`TrendDetector`: the scikit-learn-style estimator that runs the whole pipeline.

corpus → embeddings → topics (BERTopic) → per-window signals → ranked trends → report.

The estimator checks its input and settings, and keeps what a fit found in one frozen
:class:`~trendlens.result.TrendFit` (``result_``), built by :mod:`trendlens.fitting`; its
``name_`` attributes read that result. A fit, an update or a load replaces the result whole.
"""

from __future__ import annotations

import os
from dataclasses import replace
from functools import partial
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.base import BaseEstimator

from trendlens.corpus import Corpus, load_corpus
from trendlens.embed import Embedder
from trendlens.embed.registry import make_embedder
from trendlens.errors import ConfigError, NotFittedError
from trendlens.fitting import (
    FitSettings,
    assigned_fit,
    check_corpus,
    fit_trends,
    relabelled_fit,
    restore_fit,
    update_fit,
)
from trendlens.parallel import open_executor
from trendlens.report.model import TrendReport
from trendlens.result import Fitted
from trendlens.signals.trends import SignalConfig
from trendlens.topics import TopicConfig
from trendlens.topics.assign import by_centrality
from trendlens.validation import as_config, as_texts, check_detector_params, check_embeddings


class TrendDetector(BaseEstimator):  # type: ignore[misc]
    """Find trends in a corpus: embed, cluster with BERTopic, measure growth over time.

    Parameters
    ----------
    embedder
        An embedder name for :func:`trendlens.get_embedder` (default ``"minilm"``)
        or any object following the :class:`~trendlens.embed.Embedder` protocol.
    topics
        Settings of the clustering stage, a :class:`~trendlens.topics.TopicConfig` or a dict of
        its fields (``None``: the defaults): the layout (``reduction``, ``n_neighbors``,
        ``n_components``, ``min_dist`` for UMAP), HDBSCAN (``min_cluster_size`` — ``None`` scales
        it with the corpus —, ``min_samples``, ``max_cluster_share``), the keywords
        (``top_n_words``, ``ngram_range``, ``stop_words``, ``reduce_frequent_words``),
        ``exact_neighbors_max``, ``near_duplicate_similarity`` and ``random_state``, the seed of
        every random component (the fit sample too): the same corpus and seed give the same trends.
    signals
        Settings of the signal stage, a :class:`~trendlens.signals.SignalConfig` or a dict of its
        fields (``None``: the defaults): ``window`` (``"auto"``, from the documents' density,
        ``"day"``, ``"week"`` or ``"month"``), ``baseline_windows`` (trailing windows a window's
        share is compared with), ``min_count`` (documents a trend needs in a window before it gets
        a stage other than "noise"), ``alpha`` (significance of the growth and decline tests),
        ``burst_s`` and ``burst_gamma`` (Kleinberg's burst automaton).
    n_examples
        Representative documents kept per trend (closest to the trend's centroid).
    n_findings
        Detailed findings per trend in the report: diverse representative sentences
        (maximal marginal relevance), each quoted from a document and cited by its id.
    taxonomy
        Where trends are placed in the hierarchy: ``"default"`` (the taxonomy shipped
        with trendlens), a :class:`~trendlens.hierarchy.Taxonomy`, a path to a YAML/JSON
        taxonomy, or ``None`` to skip the placement.
    outlier_similarity
        Documents HDBSCAN leaves in no cluster join the cluster whose centroid is
        closest when the cosine reaches this value (0.35: about the 15th percentile
        of members' own similarity on HuffPost); ``None`` keeps every outlier.
        Fewer outliers also keep trend membership steadier from run to run.
    fit_sample
        Largest number of documents the clustering is fitted on (default 50,000). A
        larger corpus is fitted on a sample spread evenly over time
        (:func:`~trendlens.topics.assign.time_stratified_sample`); every other document then joins the trend
        whose centroid is closest when it is as close to it as 95% of the sample's
        trend members are to theirs (``assign_similarity_``), else no trend. Signals
        count every document. ``None`` fits on all documents.
    executor, scheduler, workers
        Where embedding and the assignment to trends run, partition by partition:
        ``"local"`` (default, this process), ``"dask"`` (a ``dask.distributed``
        cluster: the ``scheduler`` address, else a ``LocalCluster`` of ``workers``
        processes, one per core by default, started for the fit and closed after it),
        or a ``distributed.Client``. Every executor cuts the corpus at the same places,
        so the trends are the same (see :mod:`trendlens.parallel`). Needs
        ``trendlens[dask]``.
    merge_distance
        Related trends (fine clusters, the consumer sub trends) whose centroids are
        closer than this average cosine distance merge into one consumer trend;
        ``None`` keeps every cluster a consumer trend of its own.
    enrich_documents
        Documents per trend, closest to its centroid first, read for the report's
        findings, brands and motivations. Drivers and audience scan more of them
        (:data:`trendlens.enrich.reading.SCAN_DOCUMENTS`) and count how many state each.
    embedding_cache
        ``True`` (default) keeps embeddings in the on-disk cache
        (``~/.cache/trendlens/embeddings.sqlite`` or ``$TRENDLENS_CACHE_DIR``) so a
        re-run embeds only new texts; a path uses that file; ``False`` turns it off.
    show_progress
        Show progress bars.

    Attributes
    ----------
    result_ : trendlens.result.TrendFit
        Everything the fit found, frozen: :meth:`fit`, :meth:`update` and :meth:`load` replace it whole.
        Its fields are attributes of the detector too, with an underscore after their name (each
        described in :class:`~trendlens.result.TrendFit`): ``trends_`` (one row per trend, ranked as
        the report ranks), ``signals_`` (one row per trend and window), ``window_``, ``labels_``,
        ``embeddings_``, ``centroids_``, ``keywords_``, ``corpus_``, ``topic_model_`` (``None`` after
        :meth:`fit_assigned` or :meth:`load`; after :meth:`update`, still the fit's), ``layout_``,
        ``fit_rows_``, ``bertopic_ids_``, ``placements_`` (change one with :meth:`override_placement`),
        ``taxonomy_``, ``groups_``, ``consumer_trends_``, ``group_signals_``, ``group_placements_``,
        ``languages_`` (:meth:`fit` warns when over 10% are not English), ``assignment_`` and
        ``assign_similarity_`` (the rule :meth:`predict` applies), ``near_duplicates_``, ``timings_``.
    embedder_ : Embedder
        The embedder of the fit, made when it embeds (predict, the taxonomy).

    Examples
    --------
    >>> from trendlens import TrendDetector, load_corpus  # doctest: +SKIP
    >>> det = TrendDetector().fit(load_corpus("corpora/huffpost.jsonl.gz"))  # doctest: +SKIP
    >>> det.trends_.head()  # doctest: +SKIP
    >>> det.update(load_corpus("next-month.jsonl"))  # doctest: +SKIP
    >>> det.save("models/huffpost-trends")  # doctest: +SKIP
    >>> TrendDetector.load("models/huffpost-trends").predict(["Senate passes the relief bill"])  # doctest: +SKIP
    """

    trends_, signals_, window_, labels_, embeddings_ = Fitted(), Fitted(), Fitted(), Fitted(), Fitted()
    centroids_, keywords_, corpus_, topic_model_, layout_ = Fitted(), Fitted(), Fitted(), Fitted(), Fitted()
    fit_rows_, bertopic_ids_, taxonomy_ = Fitted(optional=True), Fitted(optional=True), Fitted(optional=True)
    placements_, groups_, consumer_trends_, group_signals_ = Fitted(), Fitted(), Fitted(), Fitted()
    group_placements_, languages_, assignment_ = Fitted(), Fitted(optional=True), Fitted()
    assign_similarity_, near_duplicates_, timings_ = Fitted(), Fitted(), Fitted()
    findings_, insights_, group_findings_, group_insights_ = Fitted(), Fitted(), Fitted(), Fitted()
    _signal_inputs, _group_labels = Fitted(), Fitted()

    def __init__(
        self,
        embedder: str | Embedder = "minilm",
        topics: TopicConfig | dict | None = None,
        signals: SignalConfig | dict | None = None,
        n_examples: int = 3,
        n_findings: int = 5,
        embedding_cache: bool | str = True,
        taxonomy: Any = "default",
        merge_distance: float | None = 0.5,
        outlier_similarity: float | None = 0.35,
        fit_sample: int | None = 50_000,
        executor: Any = "local",
        scheduler: str | None = None,
        workers: int | None = None,
        enrich_documents: int = 30,
        show_progress: bool = True,
    ) -> None:
        self.embedder = embedder
        self.topics = topics
        self.signals = signals
        self.n_examples = n_examples
        self.n_findings = n_findings
        self.embedding_cache = embedding_cache
        self.taxonomy = taxonomy
        self.merge_distance = merge_distance
        self.outlier_similarity = outlier_similarity
        self.fit_sample = fit_sample
        self.executor = executor
        self.scheduler = scheduler
        self.workers = workers
        self.enrich_documents = enrich_documents
        self.show_progress = show_progress

    # -- fitting ---------------------------------------------------------------
    def fit(self, corpus: Any, y: None = None, *, embeddings: np.ndarray | None = None) -> TrendDetector:
        """Detect trends in ``corpus`` (a :class:`Corpus` or anything :func:`load_corpus` reads).

        ``embeddings`` (float32, one unit-length row per document) skips the
        embedding stage. A fit starts from nothing: every attribute of an earlier fit is
        dropped first (the embedder too, so the current ``embedder`` parameter is the one
        used), and a fit that raises leaves the detector unfitted.
        """
        self._reset()
        try:  # a failed fit leaves an unfitted detector, never a half-fitted one
            settings = self._settings()  # bad settings fail before any work
            settings.topics.validate()
            check_detector_params(settings.signals.window, self.fit_sample)
            self._embedder_params = (self.embedder, self.embedding_cache)  # predict embeds as this fit did
            corpus = corpus if isinstance(corpus, Corpus) else load_corpus(as_texts(corpus))
            if embeddings is not None:
                embeddings = check_embeddings(embeddings, len(corpus), getattr(self.embedder, "dim", None))
            languages = check_corpus(corpus, multilingual=self._multilingual())
            if self.fit_sample is not None and self.fit_sample < 1:
                raise ConfigError(f"fit_sample must be a positive number of documents or None, got {self.fit_sample}")
            executor = open_executor(self.executor, self.scheduler, self.workers)
            try:
                if embeddings is None:
                    self.embedder_ = self._make_embedder()
                spec = self.embedder if isinstance(self.embedder, str) else None
                embedder = getattr(self, "embedder_", None)
                found = fit_trends(
                    corpus, settings, executor, self._text_embedder, embeddings=embeddings, embedder=embedder, spec=spec
                )
            finally:
                if executor is not self.executor:
                    executor.close()
            self.result_ = replace(found, languages=languages)
            return self
        except BaseException:
            self._reset()
            raise

    def fit_assigned(
        self, corpus: Any, labels: np.ndarray, keywords: dict[int, list[str]], *, embeddings: np.ndarray
    ) -> TrendDetector:
        """Like :meth:`fit`, with the trend of every document given instead of clustered.

        For incremental runs: ``labels`` (``-1`` for no trend) come from assigning
        documents to known trends, ``keywords`` are each trend's known keywords.
        Signals, hierarchy placement and the report are computed as in :meth:`fit`;
        ``topic_model_`` is ``None``.
        """
        self._reset()
        try:
            self._embedder_params = (self.embedder, self.embedding_cache)
            self.result_ = assigned_fit(corpus, labels, keywords, embeddings, self._settings(), self._text_embedder)
            return self
        except BaseException:
            self._reset()
            raise

    def relabel(self, labels: np.ndarray, keywords: dict[int, list[str]] | None = None) -> TrendDetector:
        """Move documents between trends of the fit: ``labels`` (one per document of ``corpus_``, ``-1`` for
        none) replace ``labels_``, and the signals, trend table, names, consumer trends and placements are
        recomputed on them (:func:`~trendlens.fitting.relabelled_fit`).

        What the clustering decided stays: the terms that name the trends, the near-duplicates, the topic
        model, ``fit_rows_``, ``layout_`` and the threshold of ``assign_similarity_``. ``keywords``: of each
        trend id of ``labels``, default those of the fit (a trend id it does not have needs them). The
        scheduled job moves documents back to their previous trend this way (stickiness). A relabel that
        raises leaves the fit as it was.

        Returns
        -------
        TrendDetector
            ``self``.
        """
        self._check_fitted()
        known = {**self.result_.keywords, **(keywords or {})}
        self.result_ = relabelled_fit(self.result_, labels, known, self._settings(), self._text_embedder)
        return self

    def update(self, corpus: Any, *, embeddings: np.ndarray | None = None) -> TrendDetector:
        """Add the new documents of ``corpus`` to the fitted trends, as river's models learn one batch at a time.

        Trend ids never change and no document of the fit changes trend:

        1. a document of ``corpus`` is new unless its id is in ``corpus_`` or its text repeats one
           of ``corpus_`` (case and spacing ignored, as :func:`load_corpus` drops duplicates);
           documents already known are left as they are, so updating with them is a no-op;
        2. the new documents are embedded with the fit's embedder (or given as ``embeddings``,
           one row per document of ``corpus``) and each joins the trend of its closest centroid
           when its cosine reaches ``assign_similarity_``, the rule :meth:`predict` applies;
        3. the new documents no trend took, when there are at least :data:`~trendlens.topics.model.MIN_DOCUMENTS`
           and twice the fit's HDBSCAN ``min_cluster_size``, are clustered as :meth:`fit` clusters
           (layout, HDBSCAN, keywords, outliers to the closest core), with that ``min_cluster_size``:
           each cluster is a candidate new trend, numbered after the largest trend id; the rest stay ``-1``;
        4. the centroids of the trends that gained documents are recomputed over all their
           documents (``assignment_``, hence :meth:`predict`, uses them from now on; the threshold stays);
        5. signals, the trend table, names, consumer trends and placements are recomputed over the
           whole corpus, old and new, so the new windows appear (``window="auto"`` is resolved again).

        ``topic_model_``, ``layout_`` and ``fit_rows_`` stay those of the fit's clustering (new trends
        are not in BERTopic's model). An update that raises leaves the detector as it was.

        Returns
        -------
        TrendDetector
            ``self``.
        """
        self._check_fitted()
        before = dict(vars(self))
        try:  # a failed update leaves the fit as it was, never half of an update
            encode = partial(self._vectors, embeddings=None)  # the fit's embedder, as predict embeds
            self.result_ = update_fit(
                self.result_, corpus, self._settings(), self._text_embedder, encode, embeddings=embeddings
            )
            return self
        except BaseException:
            vars(self).clear()
            vars(self).update(before)
            raise

    def _restore(
        self, corpus: Corpus, embeddings: np.ndarray, labels: np.ndarray, keywords: dict, **saved: Any
    ) -> None:
        """Take a saved fit (:mod:`trendlens.persist`): :func:`~trendlens.fitting.restore_fit`."""
        self.result_ = restore_fit(corpus, embeddings, labels, keywords, self._settings(), self._text_embedder, **saved)

    def _settings(self) -> FitSettings:
        """The parameters that shape a fit, ``topics`` and ``signals`` as their configs."""
        return FitSettings(
            topics=self._topic_config(),
            signals=self._signal_config(),
            n_examples=self.n_examples,
            merge_distance=self.merge_distance,
            taxonomy=self.taxonomy,
            outlier_similarity=self.outlier_similarity,
            fit_sample=self.fit_sample,
            show_progress=self.show_progress,
        )

    def _topic_config(self) -> TopicConfig:
        """``topics`` as a :class:`TopicConfig` (``None``: the defaults; a dict: its fields)."""
        return as_config(TopicConfig, self.topics, "topics")

    def _signal_config(self) -> SignalConfig:
        """``signals`` as a :class:`SignalConfig` (``None``: the defaults; a dict: its fields)."""
        return as_config(SignalConfig, self.signals, "signals")

    def _multilingual(self) -> bool:
        """True when the embedder is the multilingual tier (by name, or an instance of it, cached or not)."""
        from trendlens.embed.multilingual import MODEL_ID

        return self.embedder == "multilingual" or str(getattr(self.embedder, "name", "")).startswith(MODEL_ID)

    def _make_embedder(self) -> Embedder:
        """The embedder of the parameters the last fit began with (of the current ones before any fit)."""
        spec, cache = getattr(self, "_embedder_params", (self.embedder, self.embedding_cache))
        return make_embedder(spec, cache, self.show_progress)

    def _text_embedder(self) -> Embedder:
        """The embedder for texts beyond the corpus (taxonomy, sentences), made on first need."""
        if not hasattr(self, "embedder_"):
            self.embedder_ = self._make_embedder()
        return self.embedder_

    def override_placement(self, trend: int, node_id: str) -> None:
        """Place ``trend`` under the taxonomy's consumer trend ``node_id`` by hand (confidence 1).

        Use it when the automatic placement is wrong; the next :meth:`report`
        shows the new placement and its taxonomy sections.
        """
        from trendlens.hierarchy.mapping import placement_columns
        from trendlens.hierarchy.placement import hand_placement

        self._check_fitted()
        if trend not in self.placements_:
            raise ConfigError(
                f"no trend {trend} in this fit (or no taxonomy in use); trends: {sorted(self.placements_)}"
            )
        self.placements_[trend] = hand_placement(self.taxonomy_, node_id)
        placement_columns(self.trends_, self.placements_)
        self.insights_.pop(trend, None)

    def _by_centrality(self, members: np.ndarray) -> np.ndarray:
        """A trend's member indices, closest to the trend's centroid (``centroids_``) first."""
        return by_centrality(members, self.result_.centrality)

    # -- results -----------------------------------------------------------------
    def __sklearn_is_fitted__(self) -> bool:
        """True once :meth:`fit` (or :meth:`fit_assigned`) has completed (scikit-learn's ``check_is_fitted``)."""
        return hasattr(self, "trends_")

    def _check_fitted(self) -> None:
        if not self.__sklearn_is_fitted__():
            raise NotFittedError("this TrendDetector is not fitted yet; call fit(corpus) first")

    def _reset(self) -> None:
        """Forget everything a fit set (``result_``, the embedder, private state); keep the parameters."""
        params = set(self._get_param_names())
        for name in list(vars(self)):
            if name not in params and not name.startswith(("__", "_sklearn")):
                delattr(self, name)

    # -- new documents -------------------------------------------------------------
    def transform(self, docs: Any, *, embeddings: np.ndarray | None = None) -> np.ndarray:
        """Cosine of each document to each trend's centroid, shape ``(n_documents, n_trends)``.

        Columns follow ``assignment_.ids`` (trend ids, ascending). ``docs`` and ``embeddings`` as
        in :meth:`predict`.
        """
        self._check_fitted()
        return self.assignment_.similarities(self._vectors(docs, embeddings))

    def predict(
        self, docs: Any, *, embeddings: np.ndarray | None = None, return_similarity: bool = False
    ) -> np.ndarray | tuple[np.ndarray, np.ndarray]:
        """The trend of each document (``-1``: none), as the fit placed documents outside its clustering.

        A document joins the trend whose centroid (``assignment_``) is closest when its cosine
        reaches ``assign_similarity_``, stored with the fit. On a sampled fit this is exactly how the
        documents outside the sample were placed, so they predict their ``labels_``; documents HDBSCAN
        clustered keep a density-based label that the closest centroid mostly, not always, repeats.

        Parameters
        ----------
        docs
            A :class:`~trendlens.corpus.Corpus` (its documents in order) or a sequence of texts.
        embeddings
            Their vectors (float32, unit length, from the fit's embedder); default: embedded with it.
        return_similarity
            Also return each document's cosine to the closest centroid (NaN with no trend).

        Returns
        -------
        numpy.ndarray or tuple of numpy.ndarray
            Trend ids (int64), and with ``return_similarity`` the cosines (float32).
        """
        self._check_fitted()
        labels, sims = self.assignment_.assign(self._vectors(docs, embeddings))
        return (labels, sims) if return_similarity else labels

    def _vectors(self, docs: Any, embeddings: np.ndarray | None) -> np.ndarray:
        """The unit vectors of ``docs`` in the fit's space (embedded by the fit's embedder unless given)."""
        texts = docs.texts if isinstance(docs, Corpus) else None if isinstance(docs, str) else list(docs)
        if texts is None or not all(isinstance(t, str) for t in texts):
            raise ConfigError("predict and transform take a Corpus or a sequence of texts (str)")
        dim = self.assignment_.centroids.shape[1]
        if embeddings is not None:
            vectors = np.asarray(embeddings, dtype=np.float32)
        elif texts:
            vectors = np.asarray(self._text_embedder().encode(texts), dtype=np.float32)
        else:
            vectors = np.zeros((0, dim), dtype=np.float32)
        if vectors.shape != (len(texts), dim):
            raise ConfigError(
                f"got vectors of shape {vectors.shape} for {len(texts)} documents; the fit's are {dim}-dimensional"
            )
        return vectors

    # -- saving and reporting -------------------------------------------------------
    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the fitted detector to the directory ``path`` (JSON, NumPy files, gzipped JSON lines; no pickle).

        :meth:`load` gives back a detector that predicts the same and writes the same report;
        the format is in :mod:`trendlens.persist`. Returns the directory.
        """
        from trendlens.persist import save_detector

        return save_detector(self, path)

    @classmethod
    def load(
        cls,
        path: str | os.PathLike[str],
        *,
        embedder: Any = None,
        taxonomy: Any = None,
        show_progress: bool | None = None,
    ) -> TrendDetector:
        """A fitted detector from a directory written by :meth:`save` (checksums verified, newer formats refused).

        ``embedder``, ``taxonomy``: needed when they were objects at save time (they are saved by name only).
        """
        from trendlens.persist import load_detector

        return load_detector(cls, path, embedder=embedder, taxonomy=taxonomy, show_progress=show_progress)

    def report(self, top: int | None = None, map_points: int = 2000) -> TrendReport:
        """A :class:`TrendReport` of the ``top`` trends (all when ``None``), in ``trends_`` order.

        ``map_points``: documents (a seeded sample) the report keeps for its document map
        (:func:`trendlens.plot.document_map`); 0 for none.
        """
        self._check_fitted()
        from trendlens.report.assemble import build_report

        return build_report(self, top=top, map_points=map_points)

    def _repr_html_(self) -> str:  # type: ignore[override]
        """Jupyter's view: the ranked trends once fitted (:func:`~trendlens.report.html.detector_view`),
        scikit-learn's estimator view before."""
        if not hasattr(self, "trends_"):
            from sklearn.utils import estimator_html_repr

            return estimator_html_repr(self)
        from trendlens.report.html import detector_view

        return detector_view(self)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, str]:
        """What Jupyter displays (scikit-learn defines this too, and Jupyter asks it first)."""
        return {"text/plain": repr(self), "text/html": self._repr_html_()}
