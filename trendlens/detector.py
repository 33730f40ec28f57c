"""`TrendDetector`: the scikit-learn-style estimator that runs the whole pipeline.

corpus → embeddings → topics (BERTopic) → per-window signals → ranked trends → report.
"""

from __future__ import annotations

import logging
import time
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np
from sklearn.base import BaseEstimator

from trendlens.corpus import Corpus, load_corpus
from trendlens.embed import Embedder, get_embedder
from trendlens.errors import ConfigError, NotFittedError
from trendlens.report.model import CorpusSummary, Example, Trend, TrendReport, WindowCount
from trendlens.signals import trend_growth, window_counts, windows_of
from trendlens.topics import TopicConfig, fit_topics
from trendlens.topics.model import label_from_keywords

if TYPE_CHECKING:
    import pandas as pd

log = logging.getLogger("trendlens")


class TrendDetector(BaseEstimator):  # type: ignore[misc]
    """Find trends in a corpus: embed, cluster with BERTopic, measure growth over time.

    Parameters
    ----------
    embedder
        An embedder name for :func:`trendlens.get_embedder` (default ``"minilm"``)
        or any object following the :class:`~trendlens.embed.Embedder` protocol.
    window
        Time window of the series: ``"day"``, ``"week"`` or ``"month"``.
    recent_windows
        How many of the latest windows count as "recent" for growth.
    min_cluster_size, min_samples
        HDBSCAN settings; ``None`` scales ``min_cluster_size`` with the corpus.
    n_neighbors, n_components
        UMAP settings.
    top_n_words
        Keywords kept per trend.
    n_examples
        Representative documents kept per trend (closest to the trend's centroid).
    random_state
        Seed of every random component; the same corpus and seed give the same trends.
    embedding_cache
        ``True`` (default) keeps embeddings in the on-disk cache
        (``~/.cache/trendlens/embeddings.sqlite`` or ``$TRENDLENS_CACHE_DIR``) so a
        re-run embeds only new texts; a path uses that file; ``False`` turns it off.
    show_progress
        Show progress bars.

    Attributes
    ----------
    trends_ : pandas.DataFrame
        One row per trend (index ``trend``), ranked by growth then size.
    signals_ : pandas.DataFrame
        Tidy per-trend, per-window ``count``, ``total`` and ``share``.
    labels_ : numpy.ndarray
        Trend id of every document of the corpus (``-1``: in no trend).
    embeddings_ : numpy.ndarray
        Document embeddings, float32.
    topic_model_ : bertopic.BERTopic
        The fitted topic model.

    Examples
    --------
    >>> from trendlens import TrendDetector, load_corpus  # doctest: +SKIP
    >>> det = TrendDetector().fit(load_corpus("corpora/huffpost.jsonl.gz"))  # doctest: +SKIP
    >>> det.trends_.head()  # doctest: +SKIP
    """

    def __init__(
        self,
        embedder: str | Embedder = "minilm",
        window: str = "month",
        recent_windows: int = 1,
        min_cluster_size: int | None = None,
        min_samples: int | None = None,
        n_neighbors: int = 15,
        n_components: int = 5,
        top_n_words: int = 10,
        n_examples: int = 3,
        random_state: int = 42,
        embedding_cache: bool | str = True,
        show_progress: bool = True,
    ) -> None:
        self.embedder = embedder
        self.window = window
        self.recent_windows = recent_windows
        self.min_cluster_size = min_cluster_size
        self.min_samples = min_samples
        self.n_neighbors = n_neighbors
        self.n_components = n_components
        self.top_n_words = top_n_words
        self.n_examples = n_examples
        self.random_state = random_state
        self.embedding_cache = embedding_cache
        self.show_progress = show_progress

    # -- fitting ---------------------------------------------------------------
    def fit(self, corpus: Any, y: None = None, *, embeddings: np.ndarray | None = None) -> TrendDetector:
        """Detect trends in ``corpus`` (a :class:`Corpus` or anything :func:`load_corpus` reads).

        ``embeddings`` (float32, one unit-length row per document) skips the
        embedding stage.
        """
        corpus = corpus if isinstance(corpus, Corpus) else load_corpus(corpus)
        timings: dict[str, float] = {}
        start = time.perf_counter()
        if embeddings is None:
            self.embedder_ = self._make_embedder()
            log.info("embedding %d documents with %s", len(corpus), self.embedder_.name)
            embeddings = self.embedder_.encode(corpus.texts)
        embeddings = np.asarray(embeddings, dtype=np.float32)
        timings["embed"] = time.perf_counter() - start

        start = time.perf_counter()
        log.info("clustering %d documents", len(corpus))
        config = TopicConfig(
            n_neighbors=self.n_neighbors,
            n_components=self.n_components,
            min_cluster_size=self.min_cluster_size,
            min_samples=self.min_samples,
            top_n_words=self.top_n_words,
            random_state=self.random_state,
        )
        topics = fit_topics(corpus.texts, embeddings, config)
        timings["topics"] = time.perf_counter() - start

        start = time.perf_counter()
        windows = windows_of(corpus.timestamps, self.window)
        self.signals_ = window_counts(topics.labels, windows)
        self.corpus_ = corpus
        self.embeddings_ = embeddings
        self.labels_ = topics.labels
        self.topic_model_ = topics.model
        self.keywords_ = {t: [w for w, _ in words] for t, words in topics.keywords.items()}
        self.trends_ = self._trend_table()
        timings["signals"] = time.perf_counter() - start
        self.timings_ = timings
        return self

    def _make_embedder(self) -> Embedder:
        if isinstance(self.embedder, str):
            embedder = get_embedder(self.embedder, show_progress=self.show_progress)
        elif hasattr(self.embedder, "encode"):
            embedder = self.embedder
        else:
            raise ConfigError(f"embedder must be a name or have an encode() method, got {self.embedder!r}")
        if self.embedding_cache is False:
            return embedder
        from trendlens.embed.cache import CachedEmbedder

        return CachedEmbedder(embedder, None if self.embedding_cache is True else self.embedding_cache)

    def _trend_table(self) -> pd.DataFrame:
        import pandas as pd

        growth = trend_growth(self.signals_, self.recent_windows).set_index("trend")
        ts = self.corpus_.timestamps
        rows = []
        for trend in sorted(self.keywords_):
            members = np.flatnonzero(self.labels_ == trend)
            stamps = ts[members][~np.isnat(ts[members])]
            g = growth.loc[trend] if trend in growth.index else None
            rows.append(
                {
                    "trend": trend,
                    "label": label_from_keywords(self.keywords_[trend]),
                    "keywords": self.keywords_[trend],
                    "size": len(members),
                    "share": len(members) / len(self.labels_),
                    "growth": float(g["growth"]) if g is not None else float("nan"),
                    "recent_count": int(g["recent_count"]) if g is not None else 0,
                    "recent_share": float(g["recent_share"]) if g is not None else float("nan"),
                    "baseline_share": float(g["baseline_share"]) if g is not None else float("nan"),
                    "first_seen": str(stamps.min())[:10] if len(stamps) else None,
                    "last_seen": str(stamps.max())[:10] if len(stamps) else None,
                    "example_ids": [self.corpus_[i].id for i in self._representatives(members)],
                }
            )
        table = pd.DataFrame(rows).set_index("trend")
        return table.sort_values(["growth", "size"], ascending=[False, False], na_position="last")

    def _representatives(self, members: np.ndarray) -> np.ndarray:
        """Indices of the member documents closest to the members' mean direction."""
        vectors = self.embeddings_[members]
        centroid = vectors.mean(axis=0)
        centroid /= np.linalg.norm(centroid) or 1.0
        order = np.argsort(-(vectors @ centroid), kind="stable")
        return members[order[: self.n_examples]]

    # -- results -----------------------------------------------------------------
    def _check_fitted(self) -> None:
        if not hasattr(self, "trends_"):
            raise NotFittedError("this TrendDetector is not fitted yet; call fit(corpus) first")

    def report(self, top: int | None = None) -> TrendReport:
        """A :class:`TrendReport` of the ``top`` trends (all when ``None``), in ``trends_`` order."""
        self._check_fitted()
        table = self.trends_ if top is None else self.trends_.head(top)
        by_id = {d.id: d for d in self.corpus_}
        series = {int(t): part for t, part in self.signals_.groupby("trend")}
        trends = []
        for trend, row in table.iterrows():
            examples = tuple(
                Example(
                    doc_id=doc_id,
                    text=by_id[doc_id].text,
                    timestamp=by_id[doc_id].timestamp.isoformat() if by_id[doc_id].timestamp else None,
                    url=by_id[doc_id].url,
                )
                for doc_id in row["example_ids"]
            )
            part = series.get(int(trend))
            points = (
                ()
                if part is None
                else tuple(
                    WindowCount(str(w), int(c), float(s))
                    for w, c, s in zip(part["window"], part["count"], part["share"])
                )
            )
            trends.append(
                Trend(
                    id=int(trend),
                    label=row["label"],
                    keywords=tuple(row["keywords"]),
                    size=int(row["size"]),
                    share=float(row["share"]),
                    growth=_opt(row["growth"]),
                    recent_count=int(row["recent_count"]),
                    recent_share=_opt(row["recent_share"]),
                    baseline_share=_opt(row["baseline_share"]),
                    first_seen=row["first_seen"],
                    last_seen=row["last_seen"],
                    examples=examples,
                    series=points,
                )
            )
        stamps = self.corpus_.timestamps
        stamps = stamps[~np.isnat(stamps)]
        summary = CorpusSummary(
            origin=self.corpus_.origin,
            n_documents=len(self.corpus_),
            n_duplicates=self.corpus_.n_duplicates,
            n_outliers=int((self.labels_ < 0).sum()),
            start=str(stamps.min()) if len(stamps) else None,
            end=str(stamps.max()) if len(stamps) else None,
        )
        params = {
            k: v if isinstance(v, (int, float, str, type(None))) else repr(v) for k, v in self.get_params().items()
        }
        if hasattr(self, "embedder_"):
            params["embedder_name"] = self.embedder_.name
        return TrendReport(
            created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
            corpus=summary,
            window=self.window,
            params=params,
            trends=tuple(trends),
        )


def _opt(value: Any) -> float | None:
    value = float(value)
    return None if value != value else value
