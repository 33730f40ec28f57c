"""Place discovered trends in the taxonomy by what their documents say, with a confidence, or say "unmapped".

Each consumer trend of the taxonomy is represented by the normalised mean of the
embeddings of its name + description and of each of its exemplar phrases. A
discovered trend is described by its :class:`TrendEvidence`: the centroid of all its
documents, its most central documents one by one, and its name and keywords. Its
similarity to a consumer trend is the weighted mean of the centroid's cosine and the
mean cosine of the central documents (:data:`CENTROID_WEIGHT`), so the whole trend and
many of its documents must point at a node before it is chosen: no single word of a
name or keyword list can carry a trend to a node its documents are not about.

Measured on 158 hand-judged trends of the bundled corpora (``docs/taxonomy.md``), the
documents place trends best: adding the embedded name or keyword list at any weight, or
scoring against each node's best exemplar instead of its mean, placed fewer trends right.
The name and keywords serve where they are reliable: naming a proposed node.

The similarities become probabilities by a softmax with a calibrated temperature; a
node of an upper level gets the summed probability of the consumer trends beneath it,
so the confidence of a big social trend or a drive is never below that of the consumer
trend chosen under it. A trend whose best similarity is below ``min_similarity`` is
"unmapped": no consumer trend describes it. It then gets a :class:`ProposedNode`, a new
consumer trend named from the trend itself, under the closest big social trend when that
one is close enough and its consumer trends agree (``parent_similarity``, ``parent_confidence``); the
placement then keeps that big social trend and its ancestors.
"""

from __future__ import annotations

import hashlib
from collections import OrderedDict
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from trendlens._vectors import unit
from trendlens.embed.base import Embedder
from trendlens.errors import ConfigError
from trendlens.hierarchy.taxonomy import LEVELS, Taxonomy

#: Softmax temperature: fitted on the labelled trends' dev split (0.052, whether the top choice is right)
#: and on held-out exemplar phrases (0.049) (``benchmarks/data/taxonomy_judgements.jsonl``,
#: ``scripts/calibrate_taxonomy.py``; results in ``benchmarks/results/calibration.json``).
TEMPERATURE = 0.05
#: Best similarity below which a trend is unmapped (chosen on the labelled trends, above what
#: nonsense text reaches; see ``docs/taxonomy.md``).
MIN_SIMILARITY = 0.35
#: Similarity the closest big social trend (its best consumer trend) needs to parent a proposed node.
PARENT_SIMILARITY = 0.3
#: Confidence (summed probability of its consumer trends) that big social trend needs as well: its
#: consumer trends must agree, which text about nothing in particular (nonsense) never achieves.
PARENT_CONFIDENCE = 0.25
#: Share of the similarity that comes from the trend's centroid; the rest from its central documents.
CENTROID_WEIGHT = 0.5
#: Central documents of a trend scored one by one (:func:`trend_evidence`).
N_DOCUMENTS = 10
#: The levels a trend is placed on, most specific first.
MAPPED_LEVELS = tuple(reversed(LEVELS))
#: Name of the placement on a level no node fits.
UNMAPPED = "unmapped / novel"
#: Taxonomies whose consumer-trend vectors this process keeps (:func:`leaf_vectors`).
KEPT_TAXONOMIES = 8
_LEAF_VECTORS: OrderedDict[tuple[str, int, str], np.ndarray] = OrderedDict()


@dataclass(frozen=True)
class TrendEvidence:
    """What a trend is placed by.

    Attributes
    ----------
    centroid
        ``(dim,)`` mean direction of all the trend's documents.
    documents
        ``(k, dim)`` embeddings of its most central documents (may be empty).
    name
        The trend's name (a phrase of its documents); used to name a proposed node.
    keywords
        Its keywords, best first; name a proposed node when there is no name.
    """

    centroid: np.ndarray
    documents: np.ndarray
    name: str = ""
    keywords: tuple[str, ...] = ()


def trend_evidence(
    embeddings: np.ndarray, name: str = "", keywords: Sequence[str] = (), n_documents: int = N_DOCUMENTS
) -> TrendEvidence:
    """A trend's evidence from its documents' embeddings: their centroid and the ``n_documents`` closest to it.

    Examples
    --------
    >>> import numpy as np
    >>> ev = trend_evidence(np.eye(3, dtype=np.float32)[[0, 0, 1]], name="a", n_documents=2)
    >>> ev.documents.shape
    (2, 3)
    """
    vectors = unit(np.atleast_2d(np.asarray(embeddings, dtype=np.float32)))
    centroid = unit(vectors.mean(axis=0))
    order = np.argsort(-(vectors @ centroid), kind="stable")[:n_documents]
    return TrendEvidence(centroid, vectors[order], name, tuple(keywords))


def group_evidence(
    members: Sequence[TrendEvidence],
    sizes: Sequence[int],
    name: str = "",
    keywords: Sequence[str] = (),
    n_documents: int = N_DOCUMENTS,
) -> TrendEvidence:
    """The evidence of a group of trends: their size-weighted centroid and the members' documents closest to it."""
    weights = np.asarray(sizes, dtype=np.float32)[:, None]
    centroid = unit((np.vstack([unit(np.asarray(m.centroid, dtype=np.float32)) for m in members]) * weights).sum(0))
    pooled = np.vstack([np.asarray(m.documents, dtype=np.float32).reshape(-1, len(centroid)) for m in members])
    order = np.argsort(-(unit(pooled) @ centroid), kind="stable")[:n_documents]
    return TrendEvidence(centroid, pooled[order], name, tuple(keywords))


@dataclass(frozen=True)
class LevelMatch:
    """The node a trend is placed under on one level (``node_id=None``: unmapped)."""

    level: str
    node_id: str | None
    name: str
    confidence: float


@dataclass(frozen=True)
class ProposedNode:
    """A new node proposed for a trend no consumer trend of the taxonomy fits (a proposal, not a taxonomy node).

    Attributes
    ----------
    name
        The proposed node's name, drawn from the trend (``basis`` says from what).
    level
        The level it would sit on (``"consumer_trend"``).
    parent_id, parent_name
        The closest big social trend, when close enough to hold it; else ``None`` and ``""``.
    parent_similarity
        Similarity of the trend to that big social trend (its closest consumer trend).
    basis
        ``"trend name"`` or ``"keywords"``.
    """

    name: str
    level: str
    parent_id: str | None
    parent_name: str
    parent_similarity: float
    basis: str


@dataclass(frozen=True)
class Placement:
    """A trend's place in the hierarchy: one :class:`LevelMatch` per level, most specific first.

    ``candidates`` are the closest consumer trends of the taxonomy, ``(id, similarity)``
    best first, at or above the mapper's ``min_similarity`` (empty when unmapped).
    ``proposed`` is the new node suggested when no consumer trend fits (else ``None``).
    """

    similarity: float
    levels: tuple[LevelMatch, ...]
    candidates: tuple[tuple[str, float], ...] = ()
    proposed: ProposedNode | None = None

    @property
    def mapped(self) -> bool:
        """False when no consumer trend of the taxonomy is close enough."""
        return self.levels[0].node_id is not None

    def at(self, level: str) -> LevelMatch:
        """The match on ``level`` (e.g. ``"big_social_trend"``)."""
        for match in self.levels:
            if match.level == level:
                return match
        raise ConfigError(f"unknown level {level!r}; levels are {', '.join(MAPPED_LEVELS)}")


class TaxonomyMapper:
    """Map trends onto a taxonomy's consumer trends and their ancestors.

    Parameters
    ----------
    taxonomy
        The taxonomy (e.g. :func:`~trendlens.hierarchy.default_taxonomy`).
    embedder
        The embedder that produced the trends' document embeddings (same space).
    min_similarity
        Best similarity below which a trend is unmapped (:data:`MIN_SIMILARITY`).
    temperature
        Softmax temperature over similarities; lower makes confidences sharper. The default is
        calibrated (see :data:`TEMPERATURE`); refit it for your own taxonomy with
        :mod:`trendlens.hierarchy.calibration`.
    n_candidates
        Closest consumer trends kept per placement (their motivations and drivers feed the report).
    parent_similarity, parent_confidence
        Similarity and confidence the closest big social trend needs to parent a proposed node
        (:data:`PARENT_SIMILARITY`, :data:`PARENT_CONFIDENCE`).
    centroid_weight
        Share of the similarity from the trend's centroid; the rest from its central documents.
    """

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Embedder,
        *,
        min_similarity: float = MIN_SIMILARITY,
        temperature: float = TEMPERATURE,
        n_candidates: int = 3,
        parent_similarity: float = PARENT_SIMILARITY,
        parent_confidence: float = PARENT_CONFIDENCE,
        centroid_weight: float = CENTROID_WEIGHT,
    ) -> None:
        if temperature <= 0:
            raise ConfigError(f"temperature must be > 0, got {temperature}")
        if not 0 <= centroid_weight <= 1:
            raise ConfigError(f"centroid_weight must be in [0, 1], got {centroid_weight}")
        self.taxonomy = taxonomy
        self.embedder = embedder
        self.min_similarity = min_similarity
        self.temperature = temperature
        self.n_candidates = n_candidates
        self.parent_similarity = parent_similarity
        self.parent_confidence = parent_confidence
        self.centroid_weight = centroid_weight
        leaves = taxonomy.level("consumer_trend")
        self.leaf_ids = [n.id for n in leaves]
        self.leaf_vectors = leaf_vectors(leaves, embedder)
        self.ancestors = {leaf: {n.level: n.id for n in taxonomy.path(leaf)} for leaf in self.leaf_ids}
        self._parents = np.array([self.ancestors[leaf]["big_social_trend"] for leaf in self.leaf_ids], dtype=object)

    def similarities(self, evidence: Sequence[TrendEvidence]) -> np.ndarray:
        """``(len(evidence), n_consumer_trends)`` similarity of each trend to each consumer trend.

        The centroid's cosine, weighted by ``centroid_weight``, plus the mean cosine of the
        central documents (the centroid's alone when a trend has no documents).
        """
        rows = []
        for ev in evidence:
            score = unit(np.asarray(ev.centroid, dtype=np.float32)) @ self.leaf_vectors.T
            documents = np.asarray(ev.documents, dtype=np.float32).reshape(-1, self.leaf_vectors.shape[1])
            if len(documents):
                per_document = (unit(documents) @ self.leaf_vectors.T).mean(axis=0)
                score = self.centroid_weight * score + (1 - self.centroid_weight) * per_document
            rows.append(score)
        return np.vstack(rows) if rows else np.zeros((0, len(self.leaf_ids)), dtype=np.float32)

    def place_trends(self, evidence: Sequence[TrendEvidence]) -> list[Placement]:
        """One :class:`Placement` per trend."""
        return self.decide(self.similarities(evidence), evidence)

    def decide(self, sims: np.ndarray, evidence: Sequence[TrendEvidence]) -> list[Placement]:
        """Placements from precomputed :meth:`similarities` (one row per trend) and the trends' evidence."""
        return [self._placement(row, ev) for row, ev in zip(np.atleast_2d(sims), evidence)]

    def place(self, trend_vectors: np.ndarray) -> list[Placement]:
        """One :class:`Placement` per row of ``trend_vectors`` (each a centroid, with no documents or name)."""
        vectors = np.atleast_2d(np.asarray(trend_vectors, dtype=np.float32))
        empty = np.zeros((0, vectors.shape[1]), dtype=np.float32)
        return self.place_trends([TrendEvidence(v, empty) for v in vectors])

    def probabilities(self, sims: np.ndarray) -> np.ndarray:
        """Row-wise softmax of ``sims / temperature`` over the consumer trends."""
        sims = np.atleast_2d(sims)
        logits = (sims - sims.max(axis=1, keepdims=True)) / self.temperature
        probs = np.exp(logits)
        return probs / probs.sum(axis=1, keepdims=True)

    def _placement(self, sims: np.ndarray, evidence: TrendEvidence) -> Placement:
        probs = self.probabilities(sims)[0]
        best = int(np.argmax(sims))
        if sims[best] < self.min_similarity:
            return self._unmapped(sims, probs, evidence)
        order = np.argsort(-sims, kind="stable")[: self.n_candidates]
        candidates = tuple(
            (self.leaf_ids[i], round(float(sims[i]), 4)) for i in order if sims[i] >= self.min_similarity
        )
        matches = self._matches(self.ancestors[self.leaf_ids[best]], probs, MAPPED_LEVELS)
        return Placement(float(sims[best]), tuple(matches), candidates)

    def _matches(self, chosen: dict[str, str], probs: np.ndarray, levels: Sequence[str]) -> list[LevelMatch]:
        """A match per level in ``levels``, each with the summed probability of the consumer trends beneath it."""
        matches = []
        for level in levels:
            node_id = chosen[level]
            mass = sum(p for leaf, p in zip(self.leaf_ids, probs) if self.ancestors[leaf][level] == node_id)
            matches.append(LevelMatch(level, node_id, self.taxonomy.nodes[node_id].name, round(float(mass), 4)))
        return matches

    def _unmapped(self, sims: np.ndarray, probs: np.ndarray, evidence: TrendEvidence) -> Placement:
        """No consumer trend fits: propose one, under the closest big social trend if it is close enough."""
        best = int(np.argmax(sims))
        parent = str(self._parents[best])
        upper = self._matches(self.ancestors[self.leaf_ids[best]], probs, MAPPED_LEVELS[1:])
        if sims[best] < self.parent_similarity or upper[0].confidence < self.parent_confidence:
            upper = [LevelMatch(level, None, UNMAPPED, 0.0) for level in MAPPED_LEVELS[1:]]
        proposed = propose_node(evidence, parent if upper[0].node_id else None, self.taxonomy, float(sims[best]))
        levels = (LevelMatch(MAPPED_LEVELS[0], None, UNMAPPED, 0.0), *upper)
        return Placement(float(sims[best]), levels, (), proposed)


def leaf_texts(leaves: Sequence[Any]) -> tuple[list[str], list[int]]:
    """The texts a consumer trend is embedded from, ``"name. description"`` then its exemplars, for every one of
    ``leaves`` in order, and the index in ``leaves`` of the consumer trend each text belongs to."""
    texts: list[str] = []
    owner: list[int] = []
    for i, node in enumerate(leaves):
        texts.append(f"{node.name}. {node.description}")
        texts += list(node.exemplars)
        owner += [i] * (1 + len(node.exemplars))
    return texts, owner


def leaf_vectors(leaves: Sequence[Any], embedder: Embedder) -> np.ndarray:
    """One unit row per consumer trend of ``leaves``: the mean of its embedded texts (:func:`leaf_texts`).

    Kept for the process by the embedder's name and the texts (:data:`KEPT_TAXONOMIES`), as the embedding
    cache keys vectors: a notebook's next fit, or the mappers of tests and calibration, do not embed the
    taxonomy's thousand texts again (5 s on one core for MiniLM), with or without the cache on disk. An
    embedder without a name (the protocol's model id) is not kept. The rows are read-only.
    """
    texts, owner = leaf_texts(leaves)
    name = getattr(embedder, "name", None)
    key = None
    if name:
        digest = hashlib.sha256(repr((texts, owner)).encode("utf-8", "surrogatepass")).hexdigest()
        key = (str(name), int(getattr(embedder, "dim", 0) or 0), digest)
        if key in _LEAF_VECTORS:
            _LEAF_VECTORS.move_to_end(key)
            return _LEAF_VECTORS[key]
    vectors = unit(np.asarray(embedder.encode(texts), dtype=np.float32))
    owner_arr = np.asarray(owner)
    rows = unit(np.vstack([vectors[owner_arr == i].mean(axis=0) for i in range(len(leaves))]))
    rows.setflags(write=False)
    if key is not None:
        _LEAF_VECTORS[key] = rows
        while len(_LEAF_VECTORS) > KEPT_TAXONOMIES:
            _LEAF_VECTORS.popitem(last=False)
    return rows


def propose_node(
    evidence: TrendEvidence, parent_id: str | None, taxonomy: Taxonomy, parent_similarity: float
) -> ProposedNode | None:
    """A new consumer trend named from the trend (its name, else its top keywords); ``None`` with neither."""
    if evidence.name.strip():
        name, basis = " ".join(evidence.name.split()), "trend name"
    elif evidence.keywords:
        name, basis = " / ".join(evidence.keywords[:3]), "keywords"
    else:
        return None
    parent_name = taxonomy.nodes[parent_id].name if parent_id else ""
    return ProposedNode(name, "consumer_trend", parent_id, parent_name, round(parent_similarity, 4), basis)


def placement_columns(table: Any, placements: dict[int, Placement]) -> None:
    """Add each trend's placement to a trend table (index: trend id) as columns: ``<level>``,
    ``<level>_id`` and ``<level>_confidence`` per mapped level, ``taxonomy_similarity``, and the
    ``proposed_consumer_trend`` with its ``proposed_parent_id`` where no consumer trend fits."""
    ids = list(table.index)
    for level in MAPPED_LEVELS:
        table[level] = [placements[t].at(level).name for t in ids]
        table[f"{level}_id"] = [placements[t].at(level).node_id for t in ids]
        table[f"{level}_confidence"] = [placements[t].at(level).confidence for t in ids]
    table["taxonomy_similarity"] = [placements[t].similarity for t in ids]
    proposals = [placements[t].proposed for t in ids]
    table["proposed_consumer_trend"] = [p.name if p else None for p in proposals]
    table["proposed_parent_id"] = [p.parent_id if p else None for p in proposals]
