"""Match short taxonomy phrases (motivations, drivers) to the sentences of a trend that state them.

A taxonomy entry lists why people take part in a consumer trend and what drives
it, as short phrases. For a discovered trend, each candidate phrase is embedded
and compared with the trend's sentences (cosine of unit vectors); a phrase is
kept only when a sentence is at least ``min_similarity`` close, and that
sentence is quoted as its evidence. Each sentence backs one phrase at most, so
the evidence of a section is not one sentence repeated.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import numpy as np

from trendlens.embed.base import Embedder
from trendlens.enrich.findings import Finding
from trendlens.enrich.nlp import Sentence

#: Cosine (all-MiniLM-L6-v2) from which a sentence counts as stating a phrase. Read off the HuffPost demo:
#: matches from 0.42 up mostly state the phrase; below 0.4 most are loose topical neighbours.
MIN_SIMILARITY = 0.42
#: Sentences shorter than this (characters) are not used as evidence: fragments match on one word.
MIN_SENTENCE_CHARS = 35


@dataclass(frozen=True)
class PhraseMatch:
    """A taxonomy phrase, the taxonomy entry it comes from, and the sentence that states it."""

    phrase: str
    node_id: str
    evidence: Finding
    similarity: float


def match_phrases(
    phrases: Sequence[tuple[str, str]],
    sentences: Sequence[Sentence],
    sentence_vectors: np.ndarray,
    embedder: Embedder,
    *,
    min_similarity: float = MIN_SIMILARITY,
    top: int = 4,
    min_documents: int = 1,
) -> list[PhraseMatch]:
    """Phrases stated by some sentence, best first, each with a different sentence as evidence.

    Parameters
    ----------
    phrases
        ``(phrase, taxonomy node id)`` pairs; repeats are ignored.
    sentences, sentence_vectors
        The trend's sentences and their unit-length embeddings (same order).
    embedder
        Embeds the phrases into the space of ``sentence_vectors``.
    min_documents
        Distinct documents with a sentence at least ``min_similarity`` close that a phrase needs: a
        typical driver one sentence resembles is a coincidence, not what the trend's documents say.
    """
    unique = list(dict.fromkeys(phrases))
    if not unique or not len(sentences):
        return []
    vectors = np.asarray(embedder.encode([p for p, _ in unique]), dtype=np.float32)
    sims = vectors @ np.asarray(sentence_vectors, dtype=np.float32).T
    usable = [j for j, s in enumerate(sentences) if len(s.text) >= MIN_SENTENCE_CHARS]
    supported: Iterable[int] = range(len(unique))  # one close sentence suffices: the pairs below check it
    if min_documents > 1:
        close = sims[:, usable] >= min_similarity
        supported = [
            i
            for i in range(len(unique))
            if len({sentences[usable[j]].doc_id for j in np.flatnonzero(close[i])}) >= min_documents
        ]
    pairs = sorted(((float(sims[i, j]), i, j) for i in supported for j in usable), key=lambda pair: -pair[0])
    matched: list[PhraseMatch] = []
    used_phrase: set[int] = set()
    used_sentence: set[int] = set()
    for sim, i, j in pairs:
        if sim < min_similarity or len(matched) >= top:
            break
        if i in used_phrase or j in used_sentence:
            continue
        used_phrase.add(i)
        used_sentence.add(j)
        phrase, node_id = unique[i]
        matched.append(PhraseMatch(phrase, node_id, Finding(sentences[j].text, sentences[j].doc_id), round(sim, 4)))
    return matched
