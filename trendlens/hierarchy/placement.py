"""Place a fit's trends and consumer trends in the taxonomy, all at once, or one trend by hand.

:mod:`~trendlens.hierarchy.mapping` places one trend from its evidence; this module gathers the
evidence of every trend of a fit (its centroid, its most central documents, read from the
vectors once for all trends, its name and keywords) and places each consumer trend of several
sub trends by the evidence of its members, weighted by their size. :func:`hand_placement` is
the placement an analyst sets where the automatic one is wrong.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlens.errors import ConfigError
from trendlens.hierarchy.mapping import LevelMatch, Placement, TaxonomyMapper, TrendEvidence, group_evidence

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
    for group in groups:
        if len(group.members) < 2:
            continue
        sizes = [int(trends.at[m, "size"]) for m in group.members]
        merged = group_evidence([evidence[m] for m in group.members], sizes, group.name, group.keywords)
        group_placements[group.id] = mapper.place_trends([merged])[0]
    return placements, group_placements


def hand_placement(taxonomy: Taxonomy, node_id: str) -> Placement:
    """The placement under the consumer trend ``node_id`` of ``taxonomy`` and its ancestors, with confidence 1."""
    if node_id not in taxonomy or taxonomy.nodes[node_id].level != "consumer_trend":
        raise ConfigError(f"{node_id!r} is not a consumer trend of the taxonomy {taxonomy.name!r}")
    levels = tuple(LevelMatch(node.level, node.id, node.name, 1.0) for node in reversed(taxonomy.path(node_id)))
    return Placement(1.0, levels, ((node_id, 1.0),))
