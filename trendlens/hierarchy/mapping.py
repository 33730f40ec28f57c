"""Place discovered trends in the taxonomy by embedding similarity, with a confidence, or say "unmapped".

Each consumer trend of the taxonomy is represented by the normalised mean of the
embeddings of its name + description and of each of its exemplar phrases. A
discovered trend is represented by the normalised mean of its documents' centroid,
its keywords and its representative documents. The cosine similarities to all
consumer trends become probabilities by a softmax with a temperature; a node of an
upper level gets the summed probability of the consumer trends beneath it, so the
confidence of a big social trend or a drive is never below that of the consumer
trend chosen under it. A trend whose best similarity is below ``min_similarity``
is "unmapped": nothing in the taxonomy describes it (new, or noise).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from trendlens.embed.base import Embedder
from trendlens.errors import ConfigError
from trendlens.hierarchy.taxonomy import LEVELS, Taxonomy

#: Softmax temperature fitted by temperature scaling on the default taxonomy's exemplars, held out one at a
#: time (``scripts/calibrate_taxonomy.py``; results in ``benchmarks/results/calibration.json``): 0.048, rounded.
#: It lowers the expected calibration error at the consumer-trend level from 0.32 (at 0.02) to 0.06.
TEMPERATURE = 0.05
#: The levels a trend is placed on, most specific first.
MAPPED_LEVELS = tuple(reversed(LEVELS))


@dataclass(frozen=True)
class LevelMatch:
    """The node a trend is placed under on one level (``node_id=None``: unmapped)."""

    level: str
    node_id: str | None
    name: str
    confidence: float


@dataclass(frozen=True)
class Placement:
    """A trend's place in the hierarchy: one :class:`LevelMatch` per level, most specific first.

    ``candidates`` are the closest consumer trends of the taxonomy, ``(id, cosine)``
    best first, at or above the mapper's ``min_similarity`` (empty when unmapped).
    """

    similarity: float
    levels: tuple[LevelMatch, ...]
    candidates: tuple[tuple[str, float], ...] = ()

    @property
    def mapped(self) -> bool:
        """False when nothing in the taxonomy is close enough."""
        return self.levels[0].node_id is not None

    def at(self, level: str) -> LevelMatch:
        """The match on ``level`` (e.g. ``"big_social_trend"``)."""
        for match in self.levels:
            if match.level == level:
                return match
        raise ConfigError(f"unknown level {level!r}; levels are {', '.join(MAPPED_LEVELS)}")


def _unit(vectors: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(vectors, axis=-1, keepdims=True)
    return vectors / np.where(norms > 0, norms, 1.0)


class TaxonomyMapper:
    """Map trend vectors onto a taxonomy's consumer trends and their ancestors.

    Parameters
    ----------
    taxonomy
        The taxonomy (e.g. :func:`~trendlens.hierarchy.default_taxonomy`).
    embedder
        The embedder that produced the trends' document embeddings (same space).
    min_similarity
        Best cosine below which a trend is unmapped.
    temperature
        Softmax temperature over cosines; lower makes confidences sharper. The default is
        calibrated (see :data:`TEMPERATURE`); refit it for your own taxonomy with
        :mod:`trendlens.hierarchy.calibration`.
    n_candidates
        Closest consumer trends kept per placement (their motivations and drivers feed the report).
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Embedder,
        *,
        min_similarity: float = 0.35,
        temperature: float = TEMPERATURE,
        n_candidates: int = 3,
    ) -> None:
        if temperature <= 0:
            raise ConfigError(f"temperature must be > 0, got {temperature}")
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.min_similarity = min_similarity
        self.temperature = temperature
        self.n_candidates = n_candidates
        leaves = taxonomy.level("consumer_trend")
        self.leaf_ids = [n.id for n in leaves]
        texts, owner = [], []
        for i, node in enumerate(leaves):
            texts.append(f"{node.name}. {node.description}")
            texts += list(node.exemplars)
            owner += [i] * (1 + len(node.exemplars))
        vectors = _unit(np.asarray(embedder.encode(texts), dtype=np.float32))
        owner_arr = np.asarray(owner)
        self.leaf_vectors = _unit(np.vstack([vectors[owner_arr == i].mean(axis=0) for i in range(len(leaves))]))
        self.ancestors = {leaf: {n.level: n.id for n in taxonomy.path(leaf)} for leaf in self.leaf_ids}

    def trend_vector(
        self, member_embeddings: np.ndarray, keywords: Sequence[str], examples: Sequence[str]
    ) -> np.ndarray:
        """A trend's vector: mean of its member centroid, its keywords and its example texts (each unit length)."""
        parts = [_unit(np.asarray(member_embeddings, dtype=np.float32).mean(axis=0))]
        texts = ([", ".join(keywords)] if keywords else []) + list(examples)
        if texts:
            parts += list(_unit(np.asarray(self.embedder.encode(texts), dtype=np.float32)))
        return _unit(np.mean(parts, axis=0))

    def place(self, trend_vectors: np.ndarray) -> list[Placement]:
        """One :class:`Placement` per row of ``trend_vectors``."""
        sims = _unit(np.atleast_2d(trend_vectors)) @ self.leaf_vectors.T
        logits = (sims - sims.max(axis=1, keepdims=True)) / self.temperature
        probs = np.exp(logits)
        probs /= probs.sum(axis=1, keepdims=True)
        return [self._placement(row_sims, row_probs) for row_sims, row_probs in zip(sims, probs)]

    def _placement(self, sims: np.ndarray, probs: np.ndarray) -> Placement:
        best = int(np.argmax(sims))
        if sims[best] < self.min_similarity:
            unmapped = tuple(LevelMatch(level, None, "unmapped / novel", 0.0) for level in MAPPED_LEVELS)
            return Placement(float(sims[best]), unmapped)
        order = np.argsort(-sims, kind="stable")[: self.n_candidates]
        candidates = tuple(
            (self.leaf_ids[i], round(float(sims[i]), 4)) for i in order if sims[i] >= self.min_similarity
        )
        chosen = self.ancestors[self.leaf_ids[best]]
        matches = []
        for level in MAPPED_LEVELS:
            node_id = chosen[level]
            mass = sum(p for leaf, p in zip(self.leaf_ids, probs) if self.ancestors[leaf][level] == node_id)
            matches.append(LevelMatch(level, node_id, self.taxonomy.nodes[node_id].name, round(float(mass), 4)))
        return Placement(float(sims[best]), tuple(matches), candidates)
