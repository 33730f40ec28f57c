"""Detailed findings: diverse, representative sentences of a trend, by maximal marginal relevance.

Every finding is a sentence copied verbatim from one of the trend's documents and
carries that document's id, so each statement of the report can be checked at its source.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trendlens.embed.base import Embedder
from trendlens.errors import ConfigError

# A sentence ends at . ! ? (optionally followed by closing quotes/brackets) before white space.
_BOUNDARY = re.compile(r"(?<=[.!?])[\"'\u201d\u2019)\]]*\s+")
#: Sentences shorter than this (characters) carry too little to be a finding.
MIN_CHARS = 25


@dataclass(frozen=True)
class Finding:
    """One sentence of evidence and the document it was taken from."""

    text: str
    doc_id: str


def split_sentences(text: str, min_chars: int = MIN_CHARS) -> list[str]:
    """Split a text into sentences (punctuation rule), dropping ones shorter than ``min_chars``."""
    parts = (p.strip() for p in _BOUNDARY.split(text))
    return [p for p in parts if len(p) >= min_chars]


def mmr(vectors: np.ndarray, query: np.ndarray, k: int, diversity: float = 0.5) -> list[int]:
    """Indices of ``k`` rows chosen by maximal marginal relevance.

    Each step takes the row maximising ``(1 - diversity) * sim(row, query) -
    diversity * max sim(row, already chosen)``; rows are unit vectors.
    """
    if not 0 <= diversity <= 1:
        raise ConfigError(f"diversity must be in [0, 1], got {diversity}")
    if not len(vectors) or k < 1:
        return []
    relevance = vectors @ query
    chosen = [int(np.argmax(relevance))]
    closest = vectors @ vectors[chosen[0]]
    while len(chosen) < min(k, len(vectors)):
        score = (1 - diversity) * relevance - diversity * closest
        score[chosen] = -np.inf
        best = int(np.argmax(score))
        chosen.append(best)
        closest = np.maximum(closest, vectors @ vectors[best])
    return chosen


def detailed_findings(
    texts: Sequence[str],
    doc_ids: Sequence[str],
    centroid: np.ndarray,
    embedder: Embedder,
    *,
    k: int = 5,
    diversity: float = 0.5,
    max_docs: int = 60,
) -> tuple[Finding, ...]:
    """Up to ``k`` diverse sentences that represent a trend, each with its document id.

    Parameters
    ----------
    texts, doc_ids
        The trend's documents, most representative first (only the first
        ``max_docs`` are read).
    centroid
        The trend's direction in the embedding space (unit vector).
    embedder
        The embedder of the document embeddings, used on the sentences.
    """
    sentences: list[str] = []
    owners: list[str] = []
    seen: set[str] = set()
    for text, doc_id in zip(texts[:max_docs], doc_ids[:max_docs]):
        for sentence in split_sentences(text):
            key = sentence.casefold()
            if key not in seen:
                seen.add(key)
                sentences.append(sentence)
                owners.append(doc_id)
    if not sentences:
        return ()
    vectors = np.asarray(embedder.encode(sentences), dtype=np.float32)
    picked = mmr(vectors, np.asarray(centroid, dtype=np.float32), k, diversity)
    return tuple(Finding(sentences[i], owners[i]) for i in picked)
