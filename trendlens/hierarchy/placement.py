"""Place a fit's trends and consumer trends in the taxonomy, all at once, or one trend by hand.

:mod:`~trendlens.hierarchy.mapping` places one trend from its evidence; this module gathers the
evidence of every trend of a fit (its centroid, its most central documents, read from the
vectors once for all trends, its name and keywords) and places each consumer trend of several
sub trends by the evidence of its members, weighted by their size. A trend written mostly in
another language than English that the fit's model leaves unmapped is placed again in a
multilingual model's space (:data:`FOREIGN_SHARE`). :func:`hand_placement` is the placement an
analyst sets where the automatic one is wrong.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlens.errors import ConfigError
from trendlens.hierarchy.mapping import (
    LevelMatch,
    Placement,
    TaxonomyMapper,
    TrendEvidence,
    group_evidence,
    trend_evidence,
)

#: A trend the fit's model leaves unmapped is placed again in the multilingual space when at least this share
#: of its central documents whose language is identified are in another language than English. MiniLM (English) maps no
#: Spanish or Italian CrisisLex quake trend; Universal Sentence Encoder multilingual places the Italian
#: ("italia"), Costa Rican ("costa rica") quake tweets under Disasters as They Unfold (0.70, 0.91) and the
#: Portuguese prayers for the Santa Maria nightclub fire under Thoughts and Prayers Online (0.50). On English
#: trends its cosines map fewer trends than MiniLM's at the same thresholds (rescue requests unmapped), so it
#: is a second opinion for foreign trends only.
FOREIGN_SHARE = 0.5
#: The multilingual tier's own threshold, with a floor on the chosen consumer trend's confidence. Its cosines run
#: lower than MiniLM's, most of all across languages (English taxonomy text, Spanish tweets): on the 206 labelled
#: trends embedded by it (``benchmarks/data/taxonomy_judgements.jsonl``) those whose best similarity is 0.30-0.35
#: and confidence at least 0.30 are placed right 30 times, wrong 4 and where the judge saw no node 5 (77%), as
#: many as MiniLM's trends above 0.35 (120 of 163, 74%). Nonsense text (the calibration script's three kinds,
#: 100 ten-text "trends" each) reaches a similarity of 0.31 and a confidence of 0.18 at most there: it stays unmapped.
MULTILINGUAL_MIN_SIMILARITY = 0.30
MULTILINGUAL_MIN_CONFIDENCE = 0.30

if TYPE_CHECKING:
    import pandas as pd

    from trendlens.embed.base import Embedder
    from trendlens.hierarchy.taxonomy import Taxonomy


def place_in_taxonomy(
    taxonomy: Taxonomy,
    embedder: Embedder,
    trends: pd.DataFrame,
    centroids: Mapping[int, np.ndarray],
    central: Mapping[int, np.ndarray],
    embeddings: Any,
    groups: Iterable[Any],
    texts: Sequence[str] | None = None,
    multilingual: Callable[[], Embedder] | None = None,
) -> tuple[dict[int, Placement], dict[int, Placement]]:
    """The placement of every trend, and of every consumer trend of several sub trends.

    Parameters
    ----------
    taxonomy, embedder
        Where to place, and the embedder of the taxonomy's texts (the documents').
    trends
        The trend table (index: trend id; ``label``, ``keywords`` and ``size`` are read).
    centroids
        Trend id → the unit mean direction of its documents.
    central
        Trend id → the rows of its most central documents in ``embeddings``, most central first.
    embeddings
        The documents' vectors (an array or a :class:`~trendlens.embed.disk.DiskVectors`).
    groups
        The consumer trends (``id``, ``name``, ``keywords``, ``members``), each once.
    texts, multilingual
        The documents' texts (by row of ``embeddings``) and a multilingual embedder: a trend or consumer
        trend left unmapped whose central documents are mostly not English (:data:`FOREIGN_SHARE`) is
        placed again with their texts embedded by it, and takes that placement if it maps.

    Returns
    -------
    tuple of dict
        Trend id → placement, and consumer trend id → placement (those of several sub trends).
    """
    mapper = TaxonomyMapper(taxonomy, embedder)
    rows = np.unique(np.concatenate([np.zeros(0, dtype=np.int64), *central.values()]).astype(np.int64))
    vectors = dict(zip(rows.tolist(), np.asarray(embeddings[rows], dtype=np.float32))) if len(rows) else {}
    dim = len(next(iter(centroids.values()))) if centroids else 0
    evidence = {
        trend: TrendEvidence(
            centroids[trend],
            np.array([vectors[int(i)] for i in central[trend]], dtype=np.float32).reshape(-1, dim),
            str(row["label"]),
            tuple(row["keywords"]),
        )
        for trend, row in trends.iterrows()
    }
    placements = dict(zip(evidence, mapper.place_trends(list(evidence.values())))) if evidence else {}
    group_placements: dict[int, Placement] = {}
    groups = [group for group in groups if len(group.members) >= 2]
    for group in groups:
        sizes = [int(trends.at[m, "size"]) for m in group.members]
        merged = group_evidence([evidence[m] for m in group.members], sizes, group.name, group.keywords)
        group_placements[group.id] = mapper.place_trends([merged])[0]
    if texts is not None and multilingual is not None:
        second = _ForeignPlacement(taxonomy, multilingual, trends, central, texts)
        placements.update(second.trends([t for t, p in placements.items() if not p.mapped]))
        group_placements.update(second.groups([g for g in groups if not group_placements[g.id].mapped]))
    return placements, group_placements


class _ForeignPlacement:
    """Placements in a multilingual model's space of the unmapped trends written mostly in other languages."""

    def __init__(
        self,
        taxonomy: Taxonomy,
        embedder: Callable[[], Embedder],
        trends: pd.DataFrame,
        central: Mapping[int, np.ndarray],
        texts: Sequence[str],
    ) -> None:
        self.taxonomy, self.embedder, self.table, self.central, self.texts = taxonomy, embedder, trends, central, texts
        self._mapper: TaxonomyMapper | None = None
        self._evidence: dict[int, TrendEvidence] = {}
        self._foreign: dict[int, bool] = {}

    def foreign(self, trend: int) -> bool:
        """Whether :data:`FOREIGN_SHARE` of the trend's central documents whose language is identified (short
        tweets often are not) are in another language than English."""
        from trendlens.corpus.language import language_mix

        if trend not in self._foreign:
            mix = language_mix([self.texts[int(i)] for i in self.central[trend]])
            known = 1.0 - mix.get("unknown", 0.0)
            self._foreign[trend] = known > 0 and known - mix.get("en", 0.0) >= FOREIGN_SHARE * known
        return self._foreign[trend]

    def evidence(self, trend: int) -> TrendEvidence:
        """The trend's central documents embedded in the multilingual space, with its name and keywords."""
        if trend not in self._evidence:
            rows = [int(i) for i in self.central[trend]]
            vectors = np.asarray(self.mapper.embedder.encode([self.texts[i] for i in rows]), dtype=np.float32)
            row = self.table.loc[trend]
            self._evidence[trend] = trend_evidence(vectors, str(row["label"]), tuple(row["keywords"]), len(rows))
        return self._evidence[trend]

    def trends(self, unmapped: Sequence[int]) -> dict[int, Placement]:
        """Trend id → its placement in the multilingual space, for those of ``unmapped`` that are foreign and map."""
        out = {}
        for trend in unmapped:
            if len(self.central[trend]) and self.foreign(trend):
                placement = self.mapper.place_trends([self.evidence(trend)])[0]
                if self.placed(placement):
                    out[trend] = placement
        return out

    def groups(self, unmapped: Sequence[Any]) -> dict[int, Placement]:
        """Consumer trend id → its placement in the multilingual space, for those of ``unmapped`` most of
        whose documents are in foreign sub trends, where it maps."""
        out = {}
        for group in unmapped:
            sizes = {m: int(self.table.at[m, "size"]) for m in group.members if len(self.central[m])}
            foreign = sum(n for m, n in sizes.items() if self.foreign(m))
            if not sizes or foreign < FOREIGN_SHARE * sum(sizes.values()):
                continue
            members = [self.evidence(m) for m in sizes]
            merged = group_evidence(members, list(sizes.values()), group.name, group.keywords)
            placement = self.mapper.place_trends([merged])[0]
            if self.placed(placement):
                out[group.id] = placement
        return out

    @staticmethod
    def placed(placement: Placement) -> bool:
        """Whether a placement in the multilingual space is taken (:data:`MULTILINGUAL_MIN_CONFIDENCE`)."""
        return placement.mapped and placement.levels[0].confidence >= MULTILINGUAL_MIN_CONFIDENCE

    @property
    def mapper(self) -> TaxonomyMapper:
        """The taxonomy mapper of the multilingual space, made when first needed."""
        if self._mapper is None:
            self._mapper = TaxonomyMapper(self.taxonomy, self.embedder(), min_similarity=MULTILINGUAL_MIN_SIMILARITY)
        return self._mapper


def hand_placement(taxonomy: Taxonomy, node_id: str) -> Placement:
    """The placement under the consumer trend ``node_id`` of ``taxonomy`` and its ancestors, with confidence 1."""
    if node_id not in taxonomy or taxonomy.nodes[node_id].level != "consumer_trend":
        raise ConfigError(f"{node_id!r} is not a consumer trend of the taxonomy {taxonomy.name!r}")
    levels = tuple(LevelMatch(node.level, node.id, node.name, 1.0) for node in reversed(taxonomy.path(node_id)))
    return Placement(1.0, levels, ((node_id, 1.0),))
