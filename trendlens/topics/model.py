"""Build BERTopic from explicit components, fit it on precomputed embeddings, read topics out.

Everything BERTopic-specific lives here, so the rest of trendlens sees plain arrays:
one label per document (``-1`` = outlier) and keywords per topic.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from trendlens.corpus.language import function_words
from trendlens.errors import ConfigError, CorpusError
from trendlens.topics.duplicates import NEAR_DUPLICATE_SIMILARITY, near_duplicate_representatives
from trendlens.topics.neighbors import exact_neighbors
from trendlens.topics.terms import INFORMAL, KEYWORD_SEPARATOR, NO_KEYWORDS, Terms, plain_tokens

#: Fewest documents a corpus needs before clustering means anything.
MIN_DOCUMENTS = 20

#: Contractions as they look after BERTopic strips apostrophes from documents
#: ("here's" → "heres"); without them they rank as keywords.
CONTRACTIONS = frozenset(
    [
        "aint",
        "arent",
        "cant",
        "couldnt",
        "didnt",
        "doesnt",
        "dont",
        "hadnt",
        "hasnt",
        "havent",
        "hes",
        "heres",
        "hows",
        "im",
        "isnt",
        "itd",
        "itll",
        "its",
        "ive",
        "lets",
        "mightnt",
        "mustnt",
        "shant",
        "shes",
        "shouldnt",
        "thats",
        "theres",
        "theyd",
        "theyll",
        "theyre",
        "theyve",
        "wasnt",
        "weve",
        "werent",
        "whats",
        "whens",
        "wheres",
        "whos",
        "whys",
        "wont",
        "wouldnt",
        "youd",
        "youll",
        "youre",
        "youve",
    ]  # noqa: SIM905
)


#: Content words in scikit-learn's English stop-word list (taken from the Glasgow Information Retrieval
#: group's; scikit-learn's user guide warns it has known issues): as stop words they could name no trend and
#: be no keyword. CrisisLex's NSW bushfire tweets were named "nsw" (#NSWfires read as "nsw fire", "fire" a
#: stop word), the Brazil nightclub fire "brazil nightclub", BBC's economy news "oil prices and economic
#: growth" for want of "interest rates"; with these words back they read "nsw fires", "nightclub fire" and
#: "interest rates and oil prices" (no HuffPost or Bluesky name changed).
CONTENT_WORDS = frozenset({"amount", "bill", "detail", "fire", "interest", "mill", "system"})


def stop_words(language: str | None) -> list[str] | None:
    """scikit-learn's English stop words, less :data:`CONTENT_WORDS`, plus apostrophe-less contractions."""
    if language is None:
        return None
    if language != "english":
        raise ConfigError(f"stop_words must be 'english' or None, got {language!r}")
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

    return sorted((set(ENGLISH_STOP_WORDS) - CONTENT_WORDS) | CONTRACTIONS)


def term_stop_words(language: str | None) -> frozenset[str]:
    """:func:`stop_words` plus informal spellings of function words (:data:`~trendlens.topics.terms.INFORMAL`)."""
    return frozenset() if language is None else frozenset(stop_words(language) or ()) | INFORMAL


#: Layouts the clustering can use (``TopicConfig.reduction``).
REDUCTIONS = ("spectral", "umap")


@dataclass(frozen=True)
class TopicConfig:
    """Settings of the clustering stage (a layout of the kNN graph → HDBSCAN → c-TF-IDF keywords).

    ``reduction`` is how documents are laid out before HDBSCAN: ``"spectral"`` (default),
    the deterministic spectral embedding of the cosine kNN graph
    (:class:`~trendlens.topics.spectral.SpectralLayout`), or ``"umap"``, UMAP's stochastic
    layout as plain BERTopic uses it. The spectral layout has no seed, and vectors that
    differ in their last bits (another batch size, thread count or CPU) give the same
    trends; UMAP's layout changes with the seed and with such bits (docs/evaluation.md).
    ``n_components``: the layout's dimensions; ``None`` is 5 for UMAP and, for the
    spectral layout, the widest eigengap in a range that grows with the corpus (30-60
    eigenvectors for 4,000 documents or more; :func:`~trendlens.topics.spectral.component_range`).

    ``min_cluster_size=None`` scales with the corpus: 0.4% of the documents,
    at least 8. ``min_samples=None`` uses HDBSCAN's default (= min_cluster_size).
    ``max_cluster_share`` caps a cluster at that share of the documents: without
    it HDBSCAN's excess-of-mass selection can flip between a dozen clusters and
    two giant ones on embeddings that differ by 1e-7 (measured on 650 HuffPost
    headlines: 10 vs 3 clusters); with it the count stayed within 12-19.
    Corpora of up to ``exact_neighbors_max`` documents give UMAP their exact cosine
    nearest neighbours instead of NN-descent's approximate, seed-dependent ones (below
    4,096 documents UMAP computes them exactly itself): on the
    9,999 HuffPost headlines this raised the ARI between the clusters of two seeds
    from 0.65 to 0.81 (docs/evaluation.md). 0 turns it off.
    ``reduce_frequent_words`` has c-TF-IDF weigh the square root of a word's count in
    a trend instead of the count (BERTopic's option of that name). Off by default: on
    the evaluation corpora (docs/evaluation.md) it raised the keywords' coherence
    (NPMI) on 20 Newsgroups from 0.154 to 0.175 but lowered it on BBC News (0.174 →
    0.157), HuffPost headlines (0.137 → 0.084) and Trump tweets (0.124 → 0.034).
    ``near_duplicate_similarity``: documents this close (cosine) are clustered as one
    (:mod:`trendlens.topics.duplicates`); ``None`` clusters every document on its own.
    """

    n_neighbors: int = 15
    n_components: int | None = None
    min_dist: float = 0.0
    min_cluster_size: int | None = None
    min_samples: int | None = None
    max_cluster_share: float | None = 0.15
    exact_neighbors_max: int = 50_000
    reduce_frequent_words: bool = False
    top_n_words: int = 10
    ngram_range: tuple[int, int] = (1, 2)
    stop_words: str | None = "english"
    random_state: int = 42
    reduction: str = "spectral"
    near_duplicate_similarity: float | None = NEAR_DUPLICATE_SIMILARITY

    def cluster_size_for(self, n_docs: int) -> int:
        """The HDBSCAN ``min_cluster_size`` used for a corpus of ``n_docs`` documents."""
        if self.min_cluster_size is not None:
            return self.min_cluster_size
        return max(8, round(0.004 * n_docs))

    def validate(self) -> None:
        """Raise :class:`ConfigError` naming the first unusable setting."""
        checks = {
            "n_neighbors": self.n_neighbors >= 2,
            "n_components": self.n_components is None or self.n_components >= 1,
            "reduction": self.reduction in REDUCTIONS,
            "min_cluster_size": self.min_cluster_size is None or self.min_cluster_size >= 2,
            "min_samples": self.min_samples is None or self.min_samples >= 1,
            "max_cluster_share": self.max_cluster_share is None or 0 < self.max_cluster_share <= 1,
            "top_n_words": self.top_n_words >= 1,
            "exact_neighbors_max": self.exact_neighbors_max >= 0,
            "near_duplicate_similarity": self.near_duplicate_similarity is None
            or 0 < self.near_duplicate_similarity <= 1,
        }
        for name, ok in checks.items():
            if not ok:
                raise ConfigError(f"TopicConfig.{name}={getattr(self, name)!r} is out of range")


@dataclass(frozen=True)
class TopicResult:
    """What the clustering stage hands on: document labels and topic keywords."""

    labels: np.ndarray  # int, one per document, -1 = outlier
    keywords: dict[int, list[tuple[str, float]]]
    model: Any = field(repr=False)  # the fitted BERTopic, for users who want its API
    #: BERTopic's topic id → trendlens's trend id (BERTopic numbers by size, trendlens by first document).
    bertopic_ids: dict[int, int] = field(default_factory=dict)
    #: HDBSCAN's membership strength of each document in its cluster (0 for outliers, 1 in the core).
    probabilities: np.ndarray | None = None
    #: The corpus's term normaliser the keywords were counted with (:mod:`trendlens.topics.terms`).
    terms: Terms | None = field(default=None, repr=False)
    #: Per document, the document it was clustered as: itself, or the first of its near-duplicates
    #: (:mod:`trendlens.topics.duplicates`). ``None``: every document stood for itself.
    representatives: np.ndarray | None = field(default=None, repr=False)

    def core_labels(self, min_membership: float = 0.5) -> np.ndarray:
        """``labels`` with members weaker than ``min_membership`` set to -1: the clusters' cores.

        A document at a cluster's edge can fall in or out of it when the vectors change in their
        last bits; centroids taken from the cores do not move with it (see ``TrendDetector``).
        """
        if self.probabilities is None:
            return self.labels
        return np.where(self.probabilities >= min_membership, self.labels, -1)


#: Below this many documents UMAP computes exact neighbours itself (umap-learn's small-data path).
EXACT_NEIGHBORS_MIN = 4096


def build_bertopic(
    config: TopicConfig,
    n_docs: int,
    embeddings: np.ndarray | None = None,
    terms: Terms | None = None,
    vocabulary: Sequence[str] | None = None,
    analyzer: Callable[[str], list[str]] | None = None,
) -> Any:
    """A BERTopic whose every component is constructed here: no seed left to chance.

    Keywords are counted on ``terms``' normalised terms (:mod:`trendlens.topics.terms`:
    hashtags split, spelling variants and plurals merged, Chinese and Japanese segmented);
    without ``terms``, on the plain words of the documents BERTopic is given. ``vocabulary``
    fixes the terms counted (:func:`keyword_vocabulary`); without it, BERTopic's vectorizer
    keeps terms found in two of its per-topic documents (corpora of 200 documents or more).
    ``analyzer`` replaces ``terms``' (see :func:`fallback_vocabulary`).

    The layout is ``config.reduction``'s. With UMAP and ``embeddings`` of at most
    ``config.exact_neighbors_max`` documents, UMAP is given their exact nearest neighbours;
    its fitted model can then not place new documents (``model.transform``). trendlens
    assigns new documents by centroid similarity in either case.
    """
    from bertopic import BERTopic
    from bertopic.vectorizers import ClassTfidfTransformer
    from hdbscan import HDBSCAN
    from sklearn.feature_extraction.text import CountVectorizer

    n_neighbors = min(config.n_neighbors, n_docs - 1)
    if config.reduction == "spectral":
        from trendlens.topics.spectral import SpectralLayout

        layout: Any = SpectralLayout(n_neighbors, config.n_components)
    else:
        from umap import UMAP

        knn = None
        if embeddings is not None and EXACT_NEIGHBORS_MIN <= n_docs <= config.exact_neighbors_max:
            indices, distances = exact_neighbors(embeddings, n_neighbors)
            knn = (indices, distances, None)
        layout = UMAP(
            n_neighbors=n_neighbors,
            precomputed_knn=knn if knn is not None else (None, None, None),
            n_components=config.n_components or 5,
            min_dist=config.min_dist,
            metric="cosine",
            random_state=config.random_state,
            low_memory=True,
            n_jobs=1,  # a fixed random_state makes UMAP single-threaded anyway
        )
    min_size = config.cluster_size_for(n_docs)
    cap = 0 if config.max_cluster_share is None else max(2 * min_size, round(config.max_cluster_share * n_docs))
    hdbscan_model = HDBSCAN(
        min_cluster_size=min_size,
        max_cluster_size=cap,
        min_samples=config.min_samples,
        metric="euclidean",
        cluster_selection_method="eom",
        # trendlens assigns new documents by centroid (topics/assign.py), never by HDBSCAN's
        # approximate_predict: its prediction data took 4.7 s of the demo corpus's 34 s clustering
        prediction_data=False,
    )
    if terms is None:
        terms = Terms(term_stop_words(config.stop_words), Counter(), Counter())
    analyzer = analyzer or terms.analyzer(config.ngram_range)
    if vocabulary is not None:
        vectorizer = CountVectorizer(analyzer=analyzer, vocabulary=list(vocabulary))
    else:
        vectorizer = CountVectorizer(analyzer=analyzer, min_df=2 if n_docs >= 200 else 1)
    return BERTopic(
        language="multilingual",  # "english" would make BERTopic strip every non-ASCII character before counting
        umap_model=layout,
        hdbscan_model=hdbscan_model,
        vectorizer_model=vectorizer,
        ctfidf_model=ClassTfidfTransformer(reduce_frequent_words=config.reduce_frequent_words),
        top_n_words=config.top_n_words,
        calculate_probabilities=False,
        verbose=False,
    )


def require_documents(n_docs: int, dropped: str = "") -> None:
    """Raise :class:`CorpusError` saying how many are needed when ``n_docs`` is too few to cluster.

    ``dropped`` says what the input lost on the way (e.g. ``"29 duplicate texts dropped"``).
    """
    if n_docs < MIN_DOCUMENTS:
        raise CorpusError(
            f"only {n_docs} document(s) to cluster{f' ({dropped})' if dropped else ''}; "
            f"trendlens needs at least {MIN_DOCUMENTS} (a few hundred give useful trends)"
        )


def fit_topics(texts: Sequence[str], embeddings: np.ndarray, config: TopicConfig | None = None) -> TopicResult:
    """Cluster documents given their embeddings.

    Near-duplicates (cosine at least ``config.near_duplicate_similarity``; ``None`` turns it
    off) are clustered as the first document of their group and take its trend
    (:mod:`trendlens.topics.duplicates`); ``representatives`` of the result says which.

    Raises
    ------
    CorpusError
        When there are fewer than :data:`MIN_DOCUMENTS` documents.
    """
    config = config or TopicConfig()
    config.validate()
    n_docs = len(texts)
    require_documents(n_docs)
    if embeddings.shape[0] != n_docs:
        raise ConfigError(f"{embeddings.shape[0]} embeddings for {n_docs} texts")
    if config.near_duplicate_similarity is None:
        return _fit_topics(texts, embeddings, config)
    representatives = near_duplicate_representatives(embeddings, texts, config.near_duplicate_similarity)
    keep = np.flatnonzero(representatives == np.arange(n_docs))
    if len(keep) == n_docs:
        return _fit_topics(texts, embeddings, config)
    require_documents(len(keep), f"{n_docs - len(keep)} of {n_docs} are near-duplicates of the others")
    result = _fit_topics([texts[i] for i in keep], np.asarray(embeddings)[keep], config)
    position = np.zeros(n_docs, dtype=np.int64)
    position[keep] = np.arange(len(keep))
    stands_for = position[representatives]  # each document's representative, as a row of the kept ones
    probabilities = None if result.probabilities is None else result.probabilities[stands_for]
    return replace(
        result, labels=result.labels[stands_for], probabilities=probabilities, representatives=representatives
    )


def corpus_terms(texts: Sequence[str], language: str | None = "english") -> Terms:
    """The term normaliser of the documents clustering sees: their words, pairs and hashtags, with the
    stop words of ``language`` and, with them, the function words of the other languages the texts use."""
    stops = term_stop_words(language)
    if language is not None:  # other languages' function words are no keywords either
        stops |= function_words(texts)
    return Terms.from_texts(texts, stops)


def _fit_topics(texts: Sequence[str], embeddings: np.ndarray, config: TopicConfig) -> TopicResult:
    """:func:`fit_topics` of documents that stand for themselves (no near-duplicates collapsed)."""
    n_docs = len(texts)
    terms = corpus_terms(texts, config.stop_words)
    vocabulary, analyzer = fallback_vocabulary(texts, terms, config.ngram_range, min_docs=2 if n_docs >= 200 else 1)
    model = build_bertopic(config, n_docs, embeddings, terms, vocabulary or None, analyzer)
    topics, _ = model.fit_transform([terms.unsigned(t) for t in texts], embeddings=embeddings)
    topics = np.asarray(topics, dtype=int)
    ids = first_member_order(topics)
    lookup = np.full(max(ids, default=0) + 1, -1)
    lookup[list(ids)] = list(ids.values())
    labels = np.where(topics >= 0, lookup[np.maximum(topics, 0)], -1)
    keywords = {
        ids[int(topic)]: [(w, float(s)) for w, s in words if w]
        for topic, words in model.get_topics().items()
        if topic != -1
    }
    # keywords are counted on normalised terms ("star war"); shown as the documents write them ("star wars")
    shown = terms.written(texts, {w for words in keywords.values() for w, _ in words})
    keywords = {t: _unique([(shown[w], s) for w, s in words]) for t, words in keywords.items()}
    strength = getattr(model.hdbscan_model, "probabilities_", None)
    strength = None if strength is None else np.where(labels >= 0, np.asarray(strength, dtype=np.float64), 0.0)
    return TopicResult(
        labels=labels,
        keywords=dict(sorted(keywords.items())),
        model=model,
        bertopic_ids=ids,
        probabilities=strength,
        terms=terms,
    )


def keyword_vocabulary(
    texts: Sequence[str], terms: Terms, ngram_range: tuple[int, int] = (1, 2), min_docs: int = 2
) -> list[str]:
    """The terms of at least ``min_docs`` documents, sorted: what keywords can be made of.

    BERTopic fits its vectorizer on one concatenated document per topic, so a ``min_df`` there
    counts topics: a term found in one cluster only (the most distinctive kind, such as the
    words of the one cluster of Chinese posts) was dropped. Counting documents keeps it and
    still drops what a single document says.
    """
    counts: Counter = Counter()
    analyze = terms.analyzer(ngram_range)
    for text in texts:
        counts.update(set(analyze(text)))
    return sorted(term for term, n in counts.items() if n >= min_docs)


def fallback_vocabulary(
    texts: Sequence[str], terms: Terms, ngram_range: tuple[int, int] = (1, 2), min_docs: int = 2
) -> tuple[list[str], Callable[[str], list[str]] | None]:
    """The keyword vocabulary, with the rule for short texts: ``(vocabulary, analyzer or None)``.

    1. The terms of at least ``min_docs`` documents (:func:`keyword_vocabulary`), counted by ``terms``.
    2. If there are none (short texts that share no term), the terms of any document.
    3. If no document has a term at all (one-word texts of emoji, numbers or function words, such as
       "😍", "First.", "10/10"), each text's plain tokens (:func:`~trendlens.topics.terms.plain_tokens`),
       returned with that analyzer: keywords then show what the texts write, so the run still ends in a report.
    """
    vocabulary = keyword_vocabulary(texts, terms, ngram_range, min_docs=min_docs)
    if not vocabulary and min_docs > 1:
        vocabulary = keyword_vocabulary(texts, terms, ngram_range, min_docs=1)
    if vocabulary:
        return vocabulary, None
    return sorted({token for text in texts for token in plain_tokens(text)}), plain_tokens


def _unique(pairs: list[tuple[str, float]]) -> list[tuple[str, float]]:
    """``pairs`` without a repeated word (the first of each kept)."""
    seen: set[str] = set()
    return [(w, s) for w, s in pairs if not (w in seen or seen.add(w))]


def first_member_order(topics: np.ndarray) -> dict[int, int]:
    """Topic → trend id, numbering topics in the corpus order of their first document.

    BERTopic numbers topics by size, and two topics of nearly equal size swap numbers when
    one document moves; the first document of a topic moves only when that document does.
    """
    topics = np.asarray(topics)
    present = np.unique(topics[topics >= 0])
    first = {int(t): int(np.argmax(topics == t)) for t in present}
    return {t: k for k, t in enumerate(sorted(first, key=first.__getitem__))}


def cluster_centroids(labels: np.ndarray, embeddings: Any) -> dict[int, np.ndarray]:
    """Unit-length mean direction (float32) of every cluster (label ``>= 0``), by cluster id in ascending order.

    One pass over ``embeddings`` in chunks (see :func:`trendlens.embed.disk.group_sums`).
    """
    labels = np.asarray(labels)
    ids = np.unique(labels[labels >= 0])
    if not len(ids):
        return {}
    groups = np.where(labels >= 0, np.searchsorted(ids, labels), -1)
    from trendlens.embed.disk import group_sums

    sums, _ = group_sums(groups, embeddings, len(ids))
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    units = (sums / np.where(norms > 0, norms, 1.0)).astype(np.float32)
    return {int(t): units[k] for k, t in enumerate(ids.tolist())}


def label_from_keywords(
    keywords: Sequence[str], n: int = 3, member_texts: Sequence[str] | None = None, min_docs: int = 2
) -> str:
    """A readable label: the first ``n`` keywords, skipping any that repeat a kept one's words.

    With ``member_texts``, a keyword found in fewer than ``min_docs`` of the trend's
    own documents is skipped too: c-TF-IDF can rank a word that one document
    repeats, and a label should describe the trend, not one of its documents.
    """
    flat = None if member_texts is None else [t.lower().replace("'", "").replace("\u2019", "") for t in member_texts]
    kept: list[set[str]] = []
    words: list[str] = []
    for word in keywords:
        if flat is not None and sum(word in t for t in flat) < min_docs:
            continue
        tokens = {_singular(t) for t in word.split()}
        if any(tokens <= k or k <= tokens for k in kept):
            continue
        kept.append(tokens)
        words.append(word)
        if len(words) == n:
            break
    return KEYWORD_SEPARATOR.join(words) if words else NO_KEYWORDS


def _singular(token: str) -> str:
    """Crude plural/possessive folding for label de-duplication ("facebooks" ~ "facebook")."""
    return token[:-1] if len(token) > 3 and token.endswith("s") and not token.endswith("ss") else token
