"""Detailed findings: diverse, representative sentences of a trend, by maximal marginal relevance.

Every finding is a sentence copied verbatim from one of the trend's documents and
carries that document's id, so each statement of the report can be checked at its source.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from trendlens.errors import ConfigError
from trendlens.report.model import Evidence

if TYPE_CHECKING:
    from trendlens.enrich.nlp import Sentence


#: One sentence of evidence and the document it was taken from: the report's own type, so enrichment
#: results go into the report without conversion.
Finding = Evidence


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
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    centroid: np.ndarray,
    *,
    k: int = 5,
    diversity: float = 0.5,
) -> tuple[Finding, ...]:
    """Up to ``k`` diverse sentences that represent a trend, each with its document id.

    Parameters
    ----------
    sentences
        The trend's distinct sentences (see :func:`~trendlens.enrich.nlp.parse_sentences`).
    vectors
        Their unit-length embeddings, in the space of the document embeddings.
    centroid
        The trend's direction in that space (unit vector).
    """
    if not len(sentences):
        return ()
    picked = mmr(np.asarray(vectors, dtype=np.float32), np.asarray(centroid, dtype=np.float32), k, diversity)
    return tuple(Finding(sentences[i].text, sentences[i].doc_id) for i in picked)
