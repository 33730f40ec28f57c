"""Metrics for evaluating topic models the way the BERTopic paper reports them.

Grootendorst (2022, "BERTopic: Neural topic modeling with a class-based TF-IDF
procedure", arXiv 2203.05794) scores topics with OCTIS: topic coherence as NPMI
and topic diversity as the share of unique top words (Dieng et al. 2020). This
module measures the same quantities with numpy/scipy only (gensim is not a
dependency of trendlens), plus clustering agreement and seed stability.

What the reference code does
----------------------------
OCTIS ``Coherence`` (MIND-Lab/OCTIS, ``octis/evaluation_metrics/coherence_metrics.py``,
commit 4db4f99b) builds ``gensim.corpora.Dictionary(texts)`` from the tokenised corpus
and returns ``CoherenceModel(topics=topics, texts=texts, dictionary=dictionary,
coherence='c_npmi', processes=1, topn=topk).get_coherence()`` with ``topk=10``.
OCTIS's ``TopicDiversity`` is ``len(unique top-k words) / (k * n_topics)``
(``diversity_metrics.py``). BERTopic's evaluation (MaartenGr/BERTopic_evaluation,
``evaluation/evaluation.py``, commit 18f9aaf8) uses ``Coherence(texts=corpus, topk=10,
measure="c_npmi")`` and ``TopicDiversity(topk=10)`` (its ``Trainer`` default ``topk=10``;
the topics it scores have 10 words each, so diversity there is over the top 10, not 25),
and replaces a topic word missing from the corpus by the corpus' first word.

gensim ``CoherenceModel(coherence='c_npmi')`` (piskvorky/gensim, source of gensim 4.4.0,
``gensim/models/coherencemodel.py``) is the pipeline
``segmentation.s_one_one`` -> ``probability_estimation.p_boolean_sliding_window`` ->
``direct_confirmation_measure.log_ratio_measure(normalize=True)`` ->
``aggregation.arithmetic_mean``, with a default window of 10 tokens
(``SLIDING_WINDOW_SIZES['c_npmi'] = 10``):

* segmentation ``s_one_one`` (not ``s_one_pre``, which is ``u_mass``'s): every ordered
  pair ``(w_i, w_j)``, ``i != j``, of a topic's top-n words. NPMI is symmetric, so the
  mean over ordered pairs equals the mean over unordered pairs.
* probabilities (``topic_coherence/text_analysis.py``, ``WordOccurrenceAccumulator``;
  ``utils.py``, ``iter_windows``/``strided_windows``): each window of ``k`` consecutive
  tokens, moved one token at a time, is a boolean "virtual document"; a text of ``k``
  tokens or fewer (even an empty one) is one window. ``p(w)`` = windows containing ``w``
  / number of windows, ``p(w1, w2)`` likewise. The set of words in a window is updated
  incrementally (``_slide_window``: the token leaving is switched off, the one entering
  switched on), so a word that still has another copy inside the window is counted
  absent once its earlier copy has left.
* before gensim 4.2.0, texts holding none of the evaluated words were skipped before
  windowing (``WindowedTextsAnalyzer.text_is_relevant``), so their windows were missing
  from the denominator and a topic's score depended on the other topics scored with it;
  gensim PR #3197 ("Fix computation of topic coherence", in the 4.2.0 changelog) made
  every text count. The BERTopic paper (March 2022) predates 4.2.0 (2022-04-29).
* confirmation (``direct_confirmation_measure.py``, ``EPSILON = 1e-12``):
  ``npmi = log((p(w1,w2) + eps) / (p(w1) p(w2))) / -log(p(w1,w2) + eps)``. A pair that
  never co-occurs scores ``log(eps / (p1 p2)) / -log(eps)``, a little above -1 (about
  -0.83 for ``p1 = p2 = 0.1``), not -1. A pair present in every window scores
  ``log(1 + eps) / -log(1 + eps) = -1``, an edge case of the formula.
* aggregation: a topic's coherence is the mean over its pairs
  (``get_coherence_per_topic``); the model's is the mean over topics.
* a topic word missing from the dictionary raises ``KeyError``.

:func:`npmi_per_topic` with the default ``counting="gensim"`` agreed with gensim 4.4.0's
``get_coherence_per_topic()`` to within 3e-16 when both were run side by side (outside
this project) on 300 BBC articles with windows of 10, 110 and 5000 tokens and on 194
small random corpora with repeated words, short and empty texts; ``"gensim-4.1"`` agreed
likewise with gensim 4.4.0 patched to skip texts as 4.1 did.

Choices made here
-----------------
* Tokens: :func:`tokenize` lower-cases and keeps the matches of
  ``(?u)\\b[a-zA-Z][a-zA-Z0-9'-]+\\b``, the token pattern of trendlens's own
  ``CountVectorizer`` (``trendlens.topics.model``), so corpus tokens and topic keywords
  are the same kind of string.
* Topic words: each topic is scored on its first ``top_n`` distinct keywords that occur
  in the corpus (as given, else lower-cased), instead of failing like gensim or
  substituting another word like BERTopic's evaluation. Multi-word keywords such as
  ``"oat milk"`` never occur as a single corpus token, so they are skipped and the next
  keywords take their place. A topic left with fewer than two words scores NaN and is
  left out of the mean.
* ``counting``: ``"gensim"`` (default) reproduces gensim >= 4.2 as above;
  ``"gensim-4.1"`` also skips texts without any evaluated word, as gensim <= 4.1 did;
  ``"exact"`` counts exact boolean windows over every text (Roeder et al. 2015).
* ``window=None`` is whole-document co-occurrence (boolean document): gensim with a
  window at least as long as the longest text.

Values also depend on how the reference corpus is preprocessed: OCTIS's datasets have
stop words and rare words removed before windowing; :func:`tokenize` with a
``vocabulary`` does the same kind of filtering.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
from scipy import sparse

__all__ = [
    "COUNTING_MODES",
    "EPSILON",
    "OUTLIER_LABEL",
    "TOKEN_PATTERN",
    "clustering_agreement",
    "npmi_coherence",
    "npmi_per_topic",
    "seed_stability",
    "tokenize",
    "topic_diversity",
]

#: Word tokens as trendlens's topic keywords use them (see ``trendlens.topics.model``).
TOKEN_PATTERN = re.compile(r"(?u)\b[a-zA-Z][a-zA-Z0-9'-]+\b")

#: gensim's ``direct_confirmation_measure.EPSILON``, added to the joint probability.
EPSILON = 1e-12

#: Ways of counting windows, see :func:`npmi_per_topic`.
COUNTING_MODES = ("gensim", "gensim-4.1", "exact")

#: Label of documents that a topic model leaves unassigned (BERTopic/HDBSCAN outliers).
OUTLIER_LABEL = -1


def tokenize(texts: Iterable[str], vocabulary: Iterable[str] | None = None) -> list[list[str]]:
    """Split texts into lower-case word tokens, as topic keywords are made.

    A token is a match of :data:`TOKEN_PATTERN` on the lower-cased text: a letter
    followed by at least one letter, digit, apostrophe or hyphen (``"covid-19"``,
    ``"don't"``; single letters and bare numbers are dropped). This is the token
    pattern of trendlens's ``CountVectorizer``.

    Parameters
    ----------
    texts : iterable of str
        The documents.
    vocabulary : iterable of str, optional
        When given, only tokens in it (compared lower-cased) are kept. Removed tokens
        leave no gap, so sliding windows run over the kept tokens only, as on OCTIS's
        preprocessed corpora.

    Returns
    -------
    list of list of str
        One token list per text, in order.
    """
    if isinstance(texts, str):
        raise TypeError("tokenize expects an iterable of texts, not a single string")
    keep = None if vocabulary is None else {word.lower() for word in vocabulary}
    tokenised: list[list[str]] = []
    for text in texts:
        tokens = TOKEN_PATTERN.findall(text.lower())
        if keep is not None:
            tokens = [token for token in tokens if token in keep]
        tokenised.append(tokens)
    return tokenised


def _topic_words(topic: Sequence[str], vocabulary: set[str], top_n: int) -> list[str]:
    """The first ``top_n`` distinct keywords of ``topic`` that are corpus tokens."""
    if isinstance(topic, str):
        raise TypeError("each topic must be a sequence of keywords, not a single string")
    words: list[str] = []
    for keyword in topic:
        if not isinstance(keyword, str):
            raise TypeError(f"topic keywords must be strings, got {keyword!r} (pass the words of (word, score) pairs)")
        word = keyword.strip()
        if word not in vocabulary:
            word = word.lower()
        if word in vocabulary and word not in words:
            words.append(word)
            if len(words) == top_n:
                break
    return words


def _window_count(n_tokens: int, window: int | None) -> int:
    """Number of boolean windows of a text: one if it is no longer than the window."""
    if window is None or n_tokens <= window:
        return 1
    return n_tokens - window + 1


def _presence(
    positions: np.ndarray, columns: np.ndarray, n_cols: int, n_windows: int, window: int, incremental: bool
) -> np.ndarray:
    """Boolean (windows x words) matrix of one text: is word ``j`` in window ``s``?

    A token at position ``p`` lies in windows ``max(0, p - window + 1) .. p``. gensim's
    incremental update switches a word on when a copy enters (the first window counts as
    entering) and off when a copy leaves at window ``p + 1``; on wins over off at the same
    step. The exact count instead asks whether any copy covers the window.
    """
    enter = np.maximum(positions - window + 1, 0)
    leave = positions + 1
    inside = leave < n_windows
    if incremental:
        events = np.zeros((n_windows, n_cols), dtype=np.int8)
        events[leave[inside], columns[inside]] = -1
        events[enter, columns] = 1
        last = np.where(events != 0, np.arange(n_windows, dtype=np.int64)[:, None], 0)
        np.maximum.accumulate(last, axis=0, out=last)
        return events[last, np.arange(n_cols)[None, :]] == 1
    cover = np.zeros((n_windows + 1, n_cols), dtype=np.int32)
    np.add.at(cover, (enter, columns), 1)
    np.add.at(cover, (np.minimum(positions, n_windows - 1) + 1, columns), -1)
    return np.cumsum(cover[:-1], axis=0) > 0


def _cooccurrence(
    texts_tokens: Sequence[Sequence[str]], word_ids: dict[str, int], window: int | None, counting: str
) -> tuple[sparse.csr_matrix, int]:
    """Window co-occurrence counts of the words in ``word_ids``.

    Returns the symmetric (words x words) count matrix, whose diagonal holds each
    word's window count, and the number of windows.
    """
    skip_irrelevant = counting == "gensim-4.1"
    incremental = counting != "exact"
    rows: list[np.ndarray] = []
    cols: list[np.ndarray] = []
    n_windows = 0
    for tokens in texts_tokens:
        if isinstance(tokens, str):
            raise TypeError("texts_tokens must hold token lists (see tokenize), not strings")
        ids = np.fromiter((word_ids.get(token, -1) for token in tokens), dtype=np.int64, count=len(tokens))
        positions = np.flatnonzero(ids >= 0)
        n_text_windows = _window_count(len(ids), window)
        if positions.size == 0:
            if not skip_irrelevant:
                n_windows += n_text_windows
            continue
        if n_text_windows == 1:
            present_ids = np.unique(ids[positions])
            rows.append(np.full(present_ids.size, n_windows, dtype=np.int64))
            cols.append(present_ids)
        else:
            assert window is not None
            local_ids, columns = np.unique(ids[positions], return_inverse=True)
            present = _presence(positions, columns, local_ids.size, n_text_windows, window, incremental)
            window_index, column = np.nonzero(present)
            rows.append(window_index + n_windows)
            cols.append(local_ids[column])
        n_windows += n_text_windows
    n_words = len(word_ids)
    if rows:
        row = np.concatenate(rows)
        col = np.concatenate(cols)
    else:
        row = col = np.zeros(0, dtype=np.int64)
    incidence = sparse.csr_matrix(
        (np.ones(row.size, dtype=np.int64), (row, col)), shape=(max(n_windows, 1), n_words), dtype=np.int64
    )
    return (incidence.T @ incidence).tocsr(), n_windows


def npmi_per_topic(
    topics: Sequence[Sequence[str]],
    texts_tokens: Sequence[Sequence[str]],
    *,
    top_n: int = 10,
    window: int | None = 10,
    counting: str = "gensim",
) -> list[float]:
    """NPMI coherence of each topic, as gensim's ``CoherenceModel(coherence='c_npmi')``.

    Each topic's value is the mean NPMI over all pairs of its top words,
    ``log((p(a,b) + 1e-12) / (p(a) p(b))) / -log(p(a,b) + 1e-12)``, with probabilities
    from boolean windows of the reference texts (see the module notes).

    Parameters
    ----------
    topics : sequence of sequence of str
        Keywords of each topic, best first.
    texts_tokens : sequence of sequence of str
        The tokenised reference corpus (see :func:`tokenize`).
    top_n : int, default 10
        Words per topic: the first ``top_n`` distinct keywords that occur in the corpus
        (multi-word keywords never do and are skipped).
    window : int or None, default 10
        Tokens per sliding window (gensim's default for ``c_npmi`` is 10); a text of at
        most ``window`` tokens is one window. ``None`` uses whole documents.
    counting : {"gensim", "gensim-4.1", "exact"}, default "gensim"
        How windows are counted: as gensim >= 4.2 (its incremental window update), as
        gensim <= 4.1 (also skipping texts without any evaluated word), or exactly.

    Returns
    -------
    list of float
        One value per topic, in [-1, 1]; NaN for a topic with fewer than two words in
        the corpus. With ``counting="gensim-4.1"`` a topic's value depends on the other
        topics scored with it, as it did in gensim <= 4.1.

    Raises
    ------
    ValueError
        For an empty corpus, ``top_n < 2``, ``window < 2`` or an unknown ``counting``.
    """
    if counting not in COUNTING_MODES:
        raise ValueError(f"counting must be one of {', '.join(COUNTING_MODES)}, got {counting!r}")
    if top_n < 2:
        raise ValueError(f"top_n must be at least 2 (NPMI scores pairs of words), got {top_n}")
    if window is not None and window < 2:
        raise ValueError(f"window must be None or at least 2 tokens, got {window}")
    if isinstance(texts_tokens, str) or len(texts_tokens) == 0:
        raise ValueError("texts_tokens must be a non-empty sequence of token lists")
    vocabulary = {token for tokens in texts_tokens for token in tokens}
    topic_words = [_topic_words(topic, vocabulary, top_n) for topic in topics]
    word_ids: dict[str, int] = {}
    for words in topic_words:
        for word in words:
            word_ids.setdefault(word, len(word_ids))
    counts, n_windows = _cooccurrence(texts_tokens, word_ids, window, counting)
    scores: list[float] = []
    for words in topic_words:
        if len(words) < 2:
            scores.append(float("nan"))
            continue
        index = np.array([word_ids[word] for word in words])
        joint_counts = counts[index][:, index].toarray().astype(float)
        marginal = np.diag(joint_counts) / n_windows
        upper = np.triu_indices(len(words), k=1)
        joint = joint_counts[upper] / n_windows + EPSILON
        pmi = np.log(joint / (marginal[upper[0]] * marginal[upper[1]]))
        scores.append(float(np.mean(pmi / -np.log(joint))))
    return scores


def npmi_coherence(
    topics: Sequence[Sequence[str]],
    texts_tokens: Sequence[Sequence[str]],
    *,
    top_n: int = 10,
    window: int | None = 10,
    counting: str = "gensim",
) -> float:
    """Mean NPMI coherence over topics (OCTIS ``Coherence(measure='c_npmi', topk=10)``).

    Parameters and rules are those of :func:`npmi_per_topic`; topics with fewer than two
    words in the corpus are left out of the mean.

    Returns
    -------
    float
        The mean over topics, in [-1, 1]; NaN when no topic can be scored.
    """
    scores = np.array(npmi_per_topic(topics, texts_tokens, top_n=top_n, window=window, counting=counting), dtype=float)
    scored = scores[~np.isnan(scores)]
    return float(scored.mean()) if scored.size else float("nan")


def topic_diversity(topics: Sequence[Sequence[str]], top_n: int = 25) -> float:
    """Share of unique words among all topics' top words (Dieng et al. 2020).

    ``len(set of the first top_n words of every topic) / (n_topics * top_n)``, as OCTIS's
    ``TopicDiversity``. Keywords are compared as given (a multi-word keyword is one
    word). Dieng et al. use the top 25 words; BERTopic's evaluation code used
    ``topk=10``, so pass ``top_n=10`` to compare with the paper's tables.

    Parameters
    ----------
    topics : sequence of sequence of str
        Keywords of each topic, best first.
    top_n : int, default 25
        Words per topic.

    Returns
    -------
    float
        1.0 when no word is shared, ``1 / n_topics`` when all topics are the same.

    Raises
    ------
    ValueError
        When there is no topic, ``top_n < 1``, or a topic has fewer than ``top_n`` words
        (OCTIS raises too: a shorter topic would lower the score).
    """
    if top_n < 1:
        raise ValueError(f"top_n must be at least 1, got {top_n}")
    if len(topics) == 0:
        raise ValueError("topic_diversity needs at least one topic")
    unique: set[str] = set()
    for number, topic in enumerate(topics):
        if isinstance(topic, str):
            raise TypeError("each topic must be a sequence of keywords, not a single string")
        if len(topic) < top_n:
            raise ValueError(f"topic {number} has {len(topic)} words, fewer than top_n={top_n}")
        unique.update(topic[:top_n])
    return len(unique) / (len(topics) * top_n)


def _labels(values: Any, name: str) -> np.ndarray:
    labels = np.asarray(values)
    if labels.ndim != 1:
        raise ValueError(f"{name} must be one-dimensional, got shape {labels.shape}")
    return labels


def _pair(labels_a: Any, labels_b: Any, names: tuple[str, str]) -> tuple[np.ndarray, np.ndarray]:
    a, b = _labels(labels_a, names[0]), _labels(labels_b, names[1])
    if a.shape != b.shape:
        raise ValueError(f"{names[0]} and {names[1]} differ in length: {a.size} vs {b.size}")
    if a.size == 0:
        raise ValueError("no labels to compare")
    return a, b


def clustering_agreement(labels_true: Any, labels_pred: Any, *, ignore_outliers: bool = False) -> dict[str, float]:
    """Agreement of topic assignments with reference classes: NMI and ARI.

    Parameters
    ----------
    labels_true : array-like
        Reference class of each document (any hashable labels, e.g. categories).
    labels_pred : array-like
        Topic of each document; :data:`OUTLIER_LABEL` (-1) marks an outlier.
    ignore_outliers : bool, default False
        ``False`` scores outliers as one more cluster (what the topic model delivers);
        ``True`` scores only the documents the model assigned.

    Returns
    -------
    dict
        ``nmi``: sklearn's ``normalized_mutual_info_score`` (arithmetic-mean
        normalisation); ``ari``: ``adjusted_rand_score``; ``outlier_share``: share of all
        documents labelled -1; ``n_scored``: documents scored. NMI and ARI are NaN when
        every document is an outlier and ``ignore_outliers`` is set.
    """
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    true, pred = _pair(labels_true, labels_pred, ("labels_true", "labels_pred"))
    if np.issubdtype(pred.dtype, np.number):
        outliers = pred == OUTLIER_LABEL
    else:
        outliers = np.array([isinstance(x, (int, np.integer)) and x == OUTLIER_LABEL for x in pred], dtype=bool)
    keep = ~outliers if ignore_outliers else np.ones(pred.size, dtype=bool)
    n_scored = int(keep.sum())
    if n_scored == 0:
        nmi = ari = float("nan")
    else:
        nmi = float(normalized_mutual_info_score(true[keep], pred[keep]))
        ari = float(adjusted_rand_score(true[keep], pred[keep]))
    return {"nmi": nmi, "ari": ari, "outlier_share": float(outliers.mean()), "n_scored": n_scored}


def seed_stability(labels_a: Any, labels_b: Any) -> float:
    """Adjusted Rand index between two runs' topic labels of the same documents.

    Symmetric and blind to topic numbering: 1.0 when the runs make the same partition,
    about 0 for unrelated ones. Outliers (-1) count as one more cluster.

    Parameters
    ----------
    labels_a, labels_b : array-like
        Topic of each document in each run, in the same document order.

    Returns
    -------
    float
        The adjusted Rand index.
    """
    from sklearn.metrics import adjusted_rand_score

    a, b = _pair(labels_a, labels_b, ("labels_a", "labels_b"))
    return float(adjusted_rand_score(a, b))
