"""Score taxonomy placements against hand judgements of where trends belong.

A :class:`Judgement` says, for one trend, which consumer trend of the taxonomy fits it
(or that none does), which big social trend fits it, and which other consumer trends a
judge would also accept. :func:`placement_accuracy` compares a mapper's placements with
them on every level of the hierarchy, and :func:`level_calibration` compares the
confidences with how often they were right (expected calibration error).

The labelled set shipped for the default taxonomy is
``benchmarks/data/taxonomy_judgements.jsonl`` (how it was made: ``docs/taxonomy.md``);
``scripts/calibrate_taxonomy.py`` builds the trends' evidence from the bundled corpora and
runs these functions.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from trendlens.errors import ConfigError
from trendlens.hierarchy.calibration import expected_calibration_error
from trendlens.hierarchy.mapping import MAPPED_LEVELS, Placement
from trendlens.hierarchy.taxonomy import Taxonomy

__all__ = ["Judgement", "level_calibration", "load_judgements", "missing_nodes", "placement_accuracy", "true_nodes"]


@dataclass(frozen=True)
class Judgement:
    """Where a judge placed one trend, from its documents alone.

    Attributes
    ----------
    item
        Id of the judged trend (``"<corpus>#<trend>"`` or ``"<corpus>#group<id>"``).
    consumer_trend
        The consumer trend that fits, or ``None`` when none does.
    big_social_trend
        The big social trend that fits: the parent of ``consumer_trend``, or, when no consumer
        trend fits, one the trend still belongs under (``None``: none does either).
    acceptable
        Other consumer trends the judge would accept.
    note
        What the trend is about, in the judge's words.
    """

    item: str
    consumer_trend: str | None
    big_social_trend: str | None
    acceptable: tuple[str, ...] = ()
    note: str = ""


def load_judgements(path: str | os.PathLike[str]) -> tuple[list[dict[str, Any]], list[Judgement]]:
    """Read a JSON-lines labelled set: the records (trend data) and their judgements, in file order."""
    records = [json.loads(line) for line in Path(path).read_text(encoding="utf-8").splitlines() if line.strip()]
    judgements = []
    for record in records:
        j = record.get("judgement")
        if not isinstance(j, Mapping):
            raise ConfigError(f"{path}: record {record.get('id')!r} has no 'judgement' mapping")
        acceptable = tuple(j.get("acceptable", ()))
        judgements.append(
            Judgement(record["id"], j["consumer_trend"], j["big_social_trend"], acceptable, j.get("note", ""))
        )
    return records, judgements


def missing_nodes(judgements: Sequence[Judgement], taxonomy: Taxonomy) -> list[str]:
    """Node ids the judgements name that ``taxonomy`` does not have (e.g. a typo, or an older taxonomy)."""
    named = {n for j in judgements for n in (j.consumer_trend, j.big_social_trend, *j.acceptable) if n is not None}
    return sorted(n for n in named if n not in taxonomy)


def true_nodes(judgement: Judgement, taxonomy: Taxonomy) -> dict[str, str | None]:
    """The judged node on every level (``None`` where nothing fits), derived up from the deepest judged node.

    A judged node the taxonomy lacks (scoring an older taxonomy against judgements made for a
    newer one) gives ``"missing:<id>"`` on every level, which no placement matches.
    """
    deepest = judgement.consumer_trend or judgement.big_social_trend
    if deepest is not None and deepest not in taxonomy:
        return dict.fromkeys(MAPPED_LEVELS, f"missing:{deepest}")
    path = {node.level: node.id for node in taxonomy.path(deepest)} if deepest else {}
    return {level: path.get(level) for level in MAPPED_LEVELS}


def placement_accuracy(
    placements: Sequence[Placement], judgements: Sequence[Judgement], taxonomy: Taxonomy
) -> dict[str, float]:
    """Share of trends placed as judged, per level; "unmapped" is right where the judge said nothing fits.

    Returns ``{level: accuracy}`` for every level, plus ``consumer_trend_acceptable``: the
    consumer trend counts as right when it is the judged one or one the judge also accepts.
    """
    if len(placements) != len(judgements) or not judgements:
        raise ConfigError(f"need one placement per judgement, got {len(placements)} and {len(judgements)}")
    right: dict[str, list[bool]] = {level: [] for level in (*MAPPED_LEVELS, "consumer_trend_acceptable")}
    for placement, judgement in zip(placements, judgements):
        truth = true_nodes(judgement, taxonomy)
        for level in MAPPED_LEVELS:
            right[level].append(placement.at(level).node_id == truth[level])
        chosen = placement.at("consumer_trend").node_id
        right["consumer_trend_acceptable"].append(chosen == truth["consumer_trend"] or chosen in judgement.acceptable)
    return {key: round(float(np.mean(values)), 4) for key, values in right.items()}


def level_calibration(
    placements: Sequence[Placement], judgements: Sequence[Judgement], taxonomy: Taxonomy, n_bins: int = 10
) -> dict[str, dict[str, float]]:
    """Per level, over the trends placed on it: count, accuracy, mean confidence and expected calibration error."""
    out: dict[str, dict[str, float]] = {}
    for level in MAPPED_LEVELS:
        confidence, correct = [], []
        for placement, judgement in zip(placements, judgements):
            match = placement.at(level)
            if match.node_id is not None:
                confidence.append(match.confidence)
                correct.append(match.node_id == true_nodes(judgement, taxonomy)[level])
        if confidence:
            out[level] = {
                "placed": len(confidence),
                "accuracy": round(float(np.mean(correct)), 4),
                "mean_confidence": round(float(np.mean(confidence)), 4),
                "ece": round(expected_calibration_error(np.array(confidence), np.array(correct), n_bins), 4),
            }
    return out
