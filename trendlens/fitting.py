"""How a fit of :class:`~trendlens.TrendDetector` is built: its :class:`~trendlens.result.TrendFit`.

A fit decides one thing: the trend of each document. Everything else (signals, the trend
table, names, consumer trends, placements in the taxonomy) follows from those labels and the
vectors. :func:`fit_trends` decides them by clustering, :func:`assigned_fit` takes them as
given, :func:`update_fit` extends them to a new batch and :func:`restore_fit` reads them from a
saved model; all four end in :func:`build_fit`, so what follows the labels is computed one way
whichever way they came. Each returns a new :class:`TrendFit` and changes no other: the
estimator swaps its result whole, so a fit or an update that fails leaves the previous one.
"""

from __future__ import annotations

import logging
import time
import warnings
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlens._vectors import unit
from trendlens.corpus import Corpus, load_corpus
from trendlens.embed.disk import SUPPORTED as disk_supported
from trendlens.embed.disk import DiskVectors, appended
from trendlens.errors import ConfigError
from trendlens.parallel import embed_texts
from trendlens.progress import stage
from trendlens.report.model import TrendGroup
from trendlens.result import TrendFit
from trendlens.signals.ranking import short_reactions
from trendlens.signals.trends import DocumentSignals, SignalConfig, trend_signals
from trendlens.topics.assign import (
    ASSIGN_QUANTILE,
    DEFAULT_SIMILARITY,
    NearestCentroids,
    by_centrality,
    cluster_documents,
    similarity_to_own_centroid,
    time_stratified_sample,
)
from trendlens.topics.gloss import glossed
from trendlens.topics.merge import merge_trends
from trendlens.topics.model import TopicConfig, cluster_centroids
from trendlens.topics.tables import brief_documents, consumer_trend_table, keyword_trend_table
from trendlens.validation import as_texts, check_embeddings

if TYPE_CHECKING:
    import pandas as pd

    from trendlens.embed.base import Embedder
    from trendlens.hierarchy.taxonomy import Taxonomy
    from trendlens.topics.terms import Terms

log = logging.getLogger("trendlens")

#: The embedder for texts beyond the corpus (the taxonomy's), made only when a placement needs it.
TextEmbedder = Callable[[], "Embedder"]


@dataclass(frozen=True)
class FitSettings:
    """The estimator's parameters that shape a fit (see :class:`~trendlens.TrendDetector`)."""

    topics: TopicConfig
    signals: SignalConfig
    n_examples: int = 3
    merge_distance: float | None = 0.5
    taxonomy: Any = "default"
    outlier_similarity: float | None = 0.35
    fit_sample: int | None = 50_000
    show_progress: bool = True


def check_corpus(corpus: Corpus, multilingual: bool) -> dict[str, float]:
    """Refuse a corpus too small to cluster, warn about what a fit cannot do well; returns its language mix.

    The warnings (text that is mostly not English while the embedder is English-only, no
    timestamps at all) name the line that called the caller, an estimator's ``fit``.
    """
    from trendlens.corpus.language import warn_if_not_english
    from trendlens.topics.model import require_documents

    dropped = [(corpus.n_duplicates, "duplicate text"), (len(corpus.skipped), "invalid record")]
    require_documents(  # before loading the model and embedding, not after
        len(corpus), ", ".join(f"{n} {what}{'s' * (n > 1)} dropped" for n, what in dropped if n)
    )
    origin = corpus.origin or "corpus"
    languages = warn_if_not_english(corpus.texts, origin, multilingual=multilingual, stacklevel=4)
    if np.isnat(corpus.timestamps).all():
        warnings.warn(
            f"{origin}: no document has a timestamp, so trends are found but not scored over time "
            "(virality, growth and lifecycle need a timestamp, date or created_at field)",
            stacklevel=3,
        )
    return languages


def fit_trends(
    corpus: Corpus,
    settings: FitSettings,
    executor: Any,
    text_embedder: TextEmbedder,
    *,
    embeddings: Any = None,
    embedder: Embedder | None = None,
    spec: str | None = None,
) -> TrendFit:
    """Embed ``corpus`` (unless ``embeddings`` are given) with ``embedder``, cluster it, and build the fit.

    A corpus larger than ``settings.fit_sample`` is clustered on a sample spread over time
    (:func:`~trendlens.topics.assign.time_stratified_sample`); its other documents join the
    sample's trends by the nearest-centroid rule, which becomes the fit's ``assignment``.
    ``spec`` names the embedder for the executor's workers.
    """
    timings: dict[str, float] = {}
    start = time.perf_counter()
    n_docs = len(corpus)
    sampled = settings.fit_sample is not None and n_docs > settings.fit_sample
    if embeddings is None:
        if embedder is None:
            raise ConfigError("fit_trends needs the corpus's embeddings or an embedder to compute them")
        log.info("embedding %d documents with %s on %r", n_docs, embedder.name, executor)
        # a corpus larger than the sample keeps its vectors on disk: memory holds the sample's
        out = DiskVectors(n_docs, embedder.dim) if sampled and disk_supported else None
        embeddings = embed_texts(
            embedder, corpus.texts, executor, spec=spec, out=out, show_progress=settings.show_progress
        )
    if not isinstance(embeddings, DiskVectors):
        embeddings = np.asarray(embeddings, dtype=np.float32)
    timings["embed"] = time.perf_counter() - start

    start = time.perf_counter()
    log.debug("clustering %d documents", n_docs)
    config = settings.topics
    rows = time_stratified_sample(corpus.timestamps, settings.fit_sample, config.random_state) if sampled else None
    rows = np.arange(n_docs) if rows is None else rows
    texts = corpus.texts  # a new list per access: index the one list, not the property
    texts = [texts[i] for i in rows] if sampled else texts
    vectors = embeddings[rows] if sampled else embeddings
    what = f"a sample of {len(rows):,} of {n_docs:,} documents" if sampled else f"{n_docs:,} documents"
    topics, sample_labels, threshold = cluster_documents(
        texts, vectors, config, settings.outlier_similarity, what, settings.show_progress, executor
    )
    timings["topics"] = time.perf_counter() - start
    keywords = {t: [w for w, _ in words] for t, words in topics.keywords.items()}
    labels = np.full(n_docs, -1, dtype=np.int64)
    labels[rows] = sample_labels
    speaks_as = np.arange(n_docs)  # whose voice each document counts as: a near-duplicate's is its representative's
    if topics.representatives is not None:
        speaks_as[rows] = rows[topics.representatives]
    assignment = None  # a full fit's rule: its trends' centroids (computed with the signals)
    if sampled:  # the rest is placed as predict places new documents: by the sample's trends
        assignment = NearestCentroids.from_labels(labels, embeddings, threshold)
        rest = np.setdiff1d(np.arange(n_docs), rows, assume_unique=True)
        labels[rest] = assignment.assign(embeddings, rest, executor=executor)[0]
    fit = build_fit(
        corpus,
        embeddings,
        labels,
        keywords,
        settings,
        text_embedder,
        terms=topics.terms,
        model=topics.model,
        timings=timings,
        assignment=assignment,
        min_similarity=threshold,
        speaks_as=speaks_as,
    )
    layout = getattr(getattr(topics.model, "umap_model", None), "embedding_", None)  # the document map's coordinates
    return replace(fit, fit_rows=rows, bertopic_ids=topics.bertopic_ids, layout=layout)


def assigned_fit(
    corpus: Any,
    labels: np.ndarray,
    keywords: dict[int, list[str]],
    embeddings: np.ndarray,
    settings: FitSettings,
    text_embedder: TextEmbedder,
) -> TrendFit:
    """The fit of ``corpus`` with the trend of every document given (``labels``) and each trend's ``keywords``."""
    corpus = corpus if isinstance(corpus, Corpus) else load_corpus(corpus)
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) != len(corpus) or len(embeddings) != len(corpus):
        raise ConfigError(f"got {len(labels)} labels and {len(embeddings)} embeddings for {len(corpus)} documents")
    embeddings = np.asarray(embeddings, dtype=np.float32)
    return build_fit(corpus, embeddings, labels, _present_keywords(labels, keywords), settings, text_embedder)


def _present_keywords(labels: np.ndarray, keywords: dict[int, list[str]]) -> dict[int, list[str]]:
    """The ``keywords`` of each trend id of ``labels`` (``-1``: none), in id order; a ``ConfigError`` names the
    ids it lacks."""
    present = sorted(set(labels[labels >= 0].tolist()))
    missing = [t for t in present if t not in keywords]
    if missing:
        raise ConfigError(f"no keywords given for trends {missing}")
    return {t: list(keywords[t]) for t in present}


def relabelled_fit(
    fit: TrendFit,
    labels: np.ndarray,
    keywords: dict[int, list[str]],
    settings: FitSettings,
    text_embedder: TextEmbedder,
) -> TrendFit:
    """``fit`` with the trend of some documents changed (``labels``; ``keywords`` of every trend they name):
    what follows clustering is rebuilt on them, and what clustering decided is kept: the terms that name
    the trends, the near-duplicates (each counts as its representative's voice), the topic model, the rows
    and layout it saw and the assignment threshold."""
    labels = np.asarray(labels, dtype=np.int64)
    if len(labels) != len(fit.corpus):
        raise ConfigError(f"got {len(labels)} labels for {len(fit.corpus)} documents")
    rebuilt = build_fit(
        fit.corpus,
        fit.embeddings,
        labels,
        _present_keywords(labels, keywords),
        settings,
        text_embedder,
        terms=fit.terms,
        model=fit.topic_model,
        timings=fit.timings,
        min_similarity=fit.assignment.min_similarity,
        speaks_as=fit.speaks_as,
    )
    return replace(
        rebuilt, fit_rows=fit.fit_rows, bertopic_ids=fit.bertopic_ids, layout=fit.layout, languages=fit.languages
    )


def restore_fit(
    corpus: Corpus,
    embeddings: np.ndarray,
    labels: np.ndarray,
    keywords: dict[int, list[str]],
    settings: FitSettings,
    text_embedder: TextEmbedder,
    *,
    assignment: NearestCentroids,
    speaks_as: np.ndarray,
    fit_rows: np.ndarray,
    layout: np.ndarray | None,
    **saved: Any,
) -> TrendFit:
    """A saved fit (:mod:`trendlens.persist`): what follows clustering, rerun on its decisions.

    ``saved``: the fields kept as they were saved (``languages``, ``bertopic_ids``, ``timings``).
    """
    from trendlens.topics.model import corpus_terms

    texts = corpus.texts
    kept = fit_rows[speaks_as[fit_rows] == fit_rows]  # the rows clustering saw, near-duplicates collapsed
    terms = corpus_terms([texts[i] for i in kept], settings.topics.stop_words)
    fit = build_fit(
        corpus,
        embeddings,
        labels,
        keywords,
        settings,
        text_embedder,
        terms=terms,
        assignment=assignment,
        min_similarity=assignment.min_similarity,
        speaks_as=speaks_as,
    )
    return replace(fit, fit_rows=fit_rows, layout=layout, **saved)


def update_fit(
    fit: TrendFit,
    corpus: Any,
    settings: FitSettings,
    text_embedder: TextEmbedder,
    encode: Callable[[list[str]], np.ndarray],
    *,
    embeddings: np.ndarray | None = None,
) -> TrendFit:
    """``fit`` with the new documents of ``corpus`` added (see :meth:`~trendlens.TrendDetector.update`).

    ``encode`` embeds texts with the fit's embedder (unless ``embeddings`` are given). Returns
    ``fit`` itself when ``corpus`` holds nothing new.
    """
    from trendlens.corpus.schema import text_key
    from trendlens.errors import CorpusError
    from trendlens.topics.model import MIN_DOCUMENTS

    start = time.perf_counter()
    if isinstance(corpus, (list, tuple)) and not corpus:
        return fit  # an empty batch: nothing to learn (load_corpus refuses an empty input)
    given = corpus if isinstance(corpus, Corpus) else load_corpus(as_texts(corpus))
    rule = fit.assignment
    dim = int(rule.centroids.shape[1])
    if embeddings is not None:
        embeddings = check_embeddings(embeddings, len(given), dim)
    old = fit.corpus
    known_ids, known_texts = set(old.ids), {text_key(t) for t in old.texts}
    fresh = [k for k, d in enumerate(given) if d.id not in known_ids and text_key(d.text) not in known_texts]
    n_known = sum(1 for d in given if d.id in known_ids)
    if not fresh:
        return fit
    docs = [given[k] for k in fresh]
    n_old, n_new = len(old), len(fresh)
    vectors = encode([d.text for d in docs]) if embeddings is None else embeddings[fresh]
    timings = {"embed": time.perf_counter() - start}

    start = time.perf_counter()
    new_labels = rule.assign(vectors)[0]
    speaks_as = np.arange(n_old, n_old + n_new)
    keywords = dict(fit.keywords)
    rest = np.flatnonzero(new_labels < 0)
    min_size = settings.topics.cluster_size_for(n_old if fit.fit_rows is None else len(fit.fit_rows))
    if len(rest) >= max(MIN_DOCUMENTS, 2 * min_size):
        try:
            topics, found, _ = cluster_documents(
                [docs[i].text for i in rest],
                vectors[rest],
                replace(settings.topics, min_cluster_size=min_size),
                settings.outlier_similarity,
                f"{len(rest):,} new documents in no trend",
                settings.show_progress,
            )
        except CorpusError as exc:  # too few left once near-duplicates are collapsed: no new trend
            log.info("update: the new documents in no trend were not clustered (%s)", exc)
        else:
            first = max(keywords, default=-1) + 1  # new trends are numbered after every id of the fit
            new_labels[rest] = np.where(found >= 0, found + first, -1)
            present = set(found[found >= 0].tolist())
            keywords.update({first + t: [w for w, _ in kw] for t, kw in topics.keywords.items() if t in present})
            if topics.representatives is not None:
                speaks_as[rest] = n_old + rest[topics.representatives]
    labels = np.concatenate([fit.labels, new_labels])
    vectors_all = appended(fit.embeddings, vectors)
    gained = np.unique(new_labels[new_labels >= 0])
    centroids = dict(zip(rule.ids.tolist(), rule.centroids))
    centroids.update(cluster_centroids(np.where(np.isin(labels, gained), labels, -1), vectors_all))
    assignment = NearestCentroids.of(centroids, rule.min_similarity, dim=dim)
    timings["assign"] = time.perf_counter() - start
    combined = Corpus(
        [*old, *docs],
        n_read=old.n_read + given.n_read - n_known,  # documents already known were counted when first read
        n_duplicates=old.n_duplicates + given.n_duplicates + len(given) - n_known - n_new,
        n_repeats=old.n_repeats + given.n_repeats,
        skipped=(*old.skipped, *given.skipped),
        origin=old.origin,
    )
    log.info(
        "update: %d new documents, %d joined a trend of the fit, %d new trends",
        n_new,
        int(np.isin(new_labels, rule.ids).sum()),
        len(keywords) - len(fit.keywords),
    )
    updated = build_fit(
        combined,
        vectors_all,
        labels,
        keywords,
        settings,
        text_embedder,
        terms=fit.terms,
        model=fit.topic_model,
        timings=timings,
        assignment=assignment,
        speaks_as=np.concatenate([fit.speaks_as, speaks_as]),
    )
    # the clustering's own results stay the fit's: new trends are not in BERTopic's model
    return replace(
        updated, fit_rows=fit.fit_rows, bertopic_ids=fit.bertopic_ids, layout=fit.layout, languages=fit.languages
    )


def build_fit(
    corpus: Corpus,
    embeddings: Any,
    labels: np.ndarray,
    keywords: dict[int, list[str]],
    settings: FitSettings,
    text_embedder: TextEmbedder,
    *,
    terms: Terms | None = None,
    model: Any = None,
    timings: dict[str, float] | None = None,
    assignment: NearestCentroids | None = None,
    min_similarity: float | None = None,
    speaks_as: np.ndarray | None = None,
) -> TrendFit:
    """Signals, trend table, names, consumer trends and taxonomy placement for documents with known trends.

    ``assignment`` is the rule :meth:`~trendlens.TrendDetector.predict` applies (default: the
    trends' centroids with ``min_similarity``, itself by default the
    :data:`~trendlens.topics.assign.ASSIGN_QUANTILE` of the members' cosine to their own trend's
    centroid). ``speaks_as``: per document, the document whose voice it counts as (a
    near-duplicate's representative; default: its own). ``terms`` name the trends (default: made
    from the corpus). ``model``: the topic model the labels came from, kept with the fit.
    """
    from trendlens.corpus.observations import engagement_growth, exposure_seconds

    timings = dict(timings or {})
    start = time.perf_counter()
    voices = np.array([d.author or d.source or "" for d in corpus], dtype=object)
    # one voice for every document (no author and one source: CrisisLex's tweets) tells nothing of reach,
    # which would read as the reciprocal of the trend's size ("0.00"); it is unknown instead
    known_voices = len(set(voices.tolist())) > 1
    speaks_as = np.arange(len(corpus)) if speaks_as is None else np.asarray(speaks_as, dtype=np.int64)
    docs = DocumentSignals(
        labels=labels,
        timestamps=corpus.timestamps,
        embeddings=embeddings,
        engagement=np.array([np.nan if d.engagement.total is None else d.engagement.total for d in corpus]),
        sources=np.array([d.source or "" for d in corpus], dtype=object),
        voices=voices[speaks_as] if known_voices else None,
        hashtags=[d.hashtags for d in corpus],
        engagement_growth=np.array([engagement_growth(d) for d in corpus]),
        exposure=np.array([exposure_seconds(d) for d in corpus]),
    )
    config = settings.signals
    with stage("signals per trend and window", settings.show_progress):
        signals, summary, window = trend_signals(docs, config)
    centroids = cluster_centroids(labels, embeddings)
    # every document's cosine to its trend's centroid, in one pass over the vectors (they may be on disk)
    centrality = similarity_to_own_centroid(labels, embeddings, centroids)
    if assignment is None:
        if min_similarity is None:
            inside = centrality[labels >= 0]
            min_similarity = float(np.quantile(inside, ASSIGN_QUANTILE)) if len(inside) else DEFAULT_SIMILARITY
        assignment = NearestCentroids.of(centroids, min_similarity, dim=int(embeddings.shape[1]))
    texts = corpus.texts  # a new list per access: read once for the names and the placement
    if terms is None:  # labels given, not clustered: the terms clustering would have made, for the names
        from trendlens.topics.model import corpus_terms

        terms = corpus_terms(texts, settings.topics.stop_words)
    brief = brief_documents(texts, terms)  # short reactions rank last
    trends = keyword_trend_table(keywords, labels, corpus, centrality, settings.n_examples, summary, brief)
    groups = _named_groups(
        trends, signals, centroids, keywords, labels, centrality, texts, terms, settings, text_embedder, speaks_as
    )
    consumer = consumer_trend_table(groups, trends, docs, config, corpus, embeddings, settings.n_examples, brief)
    timings["signals"] = time.perf_counter() - start
    start = time.perf_counter()
    taxonomy, placements, group_placements = None, {}, {}
    with stage("placing the trends in the hierarchy", settings.show_progress and settings.taxonomy is not None):
        if settings.taxonomy is not None:
            taxonomy, placements, group_placements = _placed(
                settings.taxonomy,
                text_embedder,
                trends,
                groups,
                centroids,
                labels,
                centrality,
                embeddings,
                texts,
            )
    timings["hierarchy"] = time.perf_counter() - start
    _say_languages(trends, groups, consumer.table, labels, texts)
    return TrendFit(
        corpus=corpus,
        embeddings=embeddings,
        labels=labels,
        keywords=keywords,
        centroids=centroids,
        centrality=centrality,
        speaks_as=speaks_as,
        near_duplicates=int((speaks_as != np.arange(len(corpus))).sum()),
        assignment=assignment,
        signals=signals,
        window=window,
        signal_inputs=(docs, replace(config, window=window)),
        trends=trends,
        groups=groups,
        consumer_trends=consumer.table,
        group_signals=consumer.signals,
        group_labels=consumer.labels,
        group_centroids=consumer.centroids,
        group_centrality=consumer.centrality,
        placements=placements,
        group_placements=group_placements,
        taxonomy=taxonomy,
        timings=timings,
        terms=terms,
        topic_model=model,
    )


def _named_groups(
    trends: pd.DataFrame,
    signals: pd.DataFrame,
    centroids: dict[int, np.ndarray],
    keywords: dict[int, list[str]],
    labels: np.ndarray,
    centrality: np.ndarray,
    texts: list[str],
    terms: Terms,
    settings: FitSettings,
    text_embedder: TextEmbedder,
    speaks_as: np.ndarray | None = None,
) -> dict[int, TrendGroup]:
    """Consumer trends: related trends merged (:func:`~trendlens.topics.merge.merge_trends`), each trend → its group.

    Trends and groups are then named by a phrase of their most central documents
    (:mod:`trendlens.topics.names`; a sub trend's phrase must be close to its centroid in the space of
    ``text_embedder``; a group of near-duplicates, ``speaks_as``, counts once); the keyword label is the
    fallback. Writes the names and
    groups into ``trends`` (``label``, ``consumer_trend_group``, ``consumer_trend_name``).
    """
    from trendlens.topics.names import names_from_documents

    merged = merge_trends(trends, signals, centroids, keywords, settings.merge_distance)
    members = {g.id: g.members for g in merged.values()}
    embedder = text_embedder()

    def embed(phrases: Sequence[str]) -> np.ndarray:
        return unit(np.asarray(embedder.encode(list(phrases)), dtype=np.float64))

    short = [t for t, reactions in zip(trends.index, short_reactions(trends["brief"])) if reactions]  # named so
    names = names_from_documents(
        texts,
        labels,
        centrality,
        members,
        terms,
        trends["label"].to_dict(),
        embed=embed,
        centroids=centroids,
        speaks_as=speaks_as,
        short=short,
    )
    groups = {t: TrendGroup(g.id, names.groups[g.id], g.keywords, g.members, g.size) for t, g in merged.items()}
    ids = list(trends.index)
    if ids:
        trends["label"] = [names.trends[t] for t in ids]
    trends["consumer_trend_group"] = [groups[t].id for t in ids] if ids else []
    trends["consumer_trend_name"] = [groups[t].name for t in ids] if ids else []
    return groups


def _say_languages(
    trends: pd.DataFrame, groups: dict[int, TrendGroup], table: pd.DataFrame, labels: np.ndarray, texts: Sequence[str]
) -> None:
    """The names of the trends and consumer trends written mostly in languages other than the main one of the
    documents in trends say which (:func:`~trendlens.corpus.language.other_languages`): "exit (in German and
    Dutch)". Written into ``trends`` (``label``, ``consumer_trend_name``), ``groups`` and the consumer-trend
    ``table``, after the placement, which reads the names as the documents give them. Where the main language
    is English, each phrase of such a name takes the English phrase of the corpus that glosses it
    (:mod:`~trendlens.topics.gloss`): "alerta de tsunami ‘tsunami warning’ (in Spanish)"."""
    from trendlens.corpus.language import group_languages, in_languages, main_language, other_languages

    if not len(trends):
        return
    rows = {int(t): np.flatnonzero(labels == t) for t in trends.index}
    main = main_language(texts, np.flatnonzero(labels >= 0))
    of_trend = other_languages(texts, rows, main)
    several = {g.id: g.members for g in groups.values() if len(g.members) > 1}
    of_group = group_languages(of_trend, several, {t: len(r) for t, r in rows.items()})
    if not of_trend and not of_group:
        return
    group_of = {g.id: g for g in groups.values()}
    foreign = [trends.at[t, "label"] for t in trends.index if int(t) in of_trend]
    foreign += [group_of[g].name for g in of_group]
    gloss = _english_glosses(foreign, trends, of_trend) if main == "en" else {}
    trends["label"] = [
        in_languages(glossed(name, gloss), of_trend[int(t)]) if int(t) in of_trend else name
        for t, name in trends["label"].items()
    ]
    named: dict[int, TrendGroup] = {}
    for t, group in groups.items():
        if group.id not in named:
            languages = of_group.get(group.id, ()) if group.id in several else of_trend.get(group.members[0], ())
            name = glossed(group.name, gloss) if languages else group.name
            named[group.id] = replace(group, name=in_languages(name, languages))
        groups[t] = named[group.id]
    trends["consumer_trend_name"] = [groups[int(t)].name for t in trends.index]
    table["label"] = [named[int(g)].name for g in table.index]


def _english_glosses(names: list[str], trends: pd.DataFrame, foreign: Mapping[int, Any]) -> dict[str, str]:
    """Phrase of ``names`` → its gloss among the names and keywords of the trends not in ``foreign`` (written in
    English), in the multilingual tier's space (:func:`~trendlens.topics.gloss.glosses`; its vectors are kept
    in the embedding cache)."""
    from trendlens.embed.registry import make_embedder
    from trendlens.topics.gloss import glosses

    english = [t for t in trends.index if int(t) not in foreign]
    candidates = [trends.at[t, "label"] for t in english] + [k for t in english for k in trends.at[t, "keywords"]]
    if not names or not candidates:
        return {}
    embedder = make_embedder("multilingual", show_progress=False)
    return glosses(names, candidates, embedder.encode)


def _placed(
    spec: Any,
    text_embedder: TextEmbedder,
    trends: pd.DataFrame,
    groups: dict[int, TrendGroup],
    centroids: dict[int, np.ndarray],
    labels: np.ndarray,
    centrality: np.ndarray,
    embeddings: Any,
    texts: Sequence[str] | None = None,
) -> tuple[Taxonomy, dict[int, Any], dict[int, Any]]:
    """The taxonomy of ``spec``, every trend's placement in it and that of each consumer trend of several.

    Adds ``<level>``/``_id``/``_confidence`` columns to ``trends`` and the placement of each
    consumer trend of several sub trends to its :class:`TrendGroup` in ``groups``. A trend is
    placed by its centroid and its most central documents; its name and keywords name a
    proposed node when none fits. With ``texts`` (the documents'), an unmapped trend written mostly in
    another language is placed again by the multilingual tier, unless the fit already used it.
    """
    from trendlens.embed.multilingual import MODEL_ID as MULTILINGUAL_MODEL
    from trendlens.embed.registry import get_embedder
    from trendlens.hierarchy import resolve_taxonomy
    from trendlens.hierarchy.mapping import N_DOCUMENTS, placement_columns
    from trendlens.hierarchy.placement import place_in_taxonomy
    from trendlens.report.assemble import hierarchy_levels

    taxonomy = resolve_taxonomy(spec)
    embedder = text_embedder()
    central = {t: by_centrality(np.flatnonzero(labels == t), centrality)[:N_DOCUMENTS] for t in trends.index}
    by_id = {g.id: g for g in groups.values()}
    multilingual = None
    if texts is not None and not str(getattr(embedder, "name", "")).startswith(MULTILINGUAL_MODEL):

        def multilingual() -> Any:
            return get_embedder("multilingual", show_progress=False)

    placements, group_placements = place_in_taxonomy(
        taxonomy, embedder, trends, centroids, central, embeddings, by_id.values(), texts, multilingual
    )
    placement_columns(trends, placements)
    for gid, placement in group_placements.items():
        placed = replace(by_id[gid], hierarchy=hierarchy_levels(placement, taxonomy))
        groups.update({m: placed for m in placed.members})
    return taxonomy, placements, group_placements
