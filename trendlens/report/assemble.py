"""Assembling a :class:`~trendlens.report.model.TrendReport` from a fitted detector.

The detector holds the tables, placements and enrichment; this module turns them into the
report's frozen entries: each trend with its series, examples, placement, findings and insight,
the consumer trends with their sub trends, the corpus summary and the ranking rule.
"""

from __future__ import annotations

import dataclasses
from dataclasses import replace
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlens._io import json_ready
from trendlens.report.evidence import consumer_trend_evidence, finite_or_none, trend_evidence
from trendlens.report.model import (
    ConsumerTrend,
    CorpusSummary,
    Example,
    HierarchyLevel,
    MapPoint,
    ProposedNode,
    Trend,
    TrendReport,
    WindowCount,
)

if TYPE_CHECKING:
    import pandas as pd


def build_report(det: Any, top: int | None = None, map_points: int = 2000) -> TrendReport:
    """A :class:`TrendReport` of a fitted detector's ``top`` trends (all when ``None``), in ``trends_`` order:
    what :meth:`TrendDetector.report <trendlens.TrendDetector.report>` returns."""
    table = det.trends_ if top is None else det.trends_.head(top)
    by_id = {d.id: d for d in det.corpus_}
    series = {int(t): part for t, part in det.signals_.groupby("trend")} if len(det.signals_) else {}
    trends = [
        _trend_entry(det, int(t), row, by_id, series.get(int(t)), det.placements_.get(int(t)))
        for t, row in table.iterrows()
    ]
    from tqdm.auto import tqdm

    enriched = {
        t.id: trend_evidence(det, t.id) for t in tqdm(trends, desc="report", disable=not det.show_progress, delay=1.0)
    }
    trends = [replace(t, findings=enriched[t.id][0], insight=enriched[t.id][1]) for t in trends]
    consumer_trends = _consumer_entries(det, {t.id for t in trends}, by_id)
    stamps = det.corpus_.timestamps
    stamps = stamps[~np.isnat(stamps)]
    summary = CorpusSummary(
        origin=det.corpus_.origin,
        n_documents=len(det.corpus_),
        n_duplicates=det.corpus_.n_duplicates,
        n_outliers=int((det.labels_ < 0).sum()),
        start=str(stamps.min()) if len(stamps) else None,
        end=str(stamps.max()) if len(stamps) else None,
        n_near_duplicates=det.near_duplicates_,
    )
    params = {k: _param(v) for k, v in det.get_params(deep=False).items()}
    if hasattr(det, "embedder_"):
        params["embedder_name"] = det.embedder_.name
    points: tuple[MapPoint, ...] = ()
    if map_points:
        from trendlens.plot import map_points as sample_points

        frame = sample_points(det, sample=map_points)
        points = tuple(
            MapPoint(str(r.doc_id), round(float(r.x), 4), round(float(r.y), 4), int(r.trend), str(r.text)[:160])
            for r in frame.itertuples()
        )
    return TrendReport(
        created=datetime.now(timezone.utc).isoformat(timespec="seconds"),
        corpus=summary,
        window=det.window_,
        params=params,
        trends=tuple(trends),
        document_map=points,
        consumer_trends=consumer_trends,
        ranking=_ranking_rule(det),
    )


def _ranking_rule(det: Any) -> str | None:
    """The report's one line on which window ranks the trends (``None`` without timestamps)."""
    from trendlens.signals.ranking import ranking_window

    config = det._signal_config()
    ranked = ranking_window(
        det.signals_, det.corpus_.timestamps, det.window_, config.baseline_windows, config.recent_windows
    )
    if ranked is None:
        return None
    from trendlens.signals.ranking import short_reactions
    from trendlens.topics.tables import brief_shares

    return ranked.describe(det.window_, int(short_reactions(brief_shares(det.consumer_trends_)).sum()))


def _consumer_entries(det: Any, included: set[int], by_id: dict) -> tuple[ConsumerTrend, ...]:
    """The consumer trends of the ``included`` sub trends, ranked as ``consumer_trends_``, each described whole.

    A consumer trend of one sub trend shares that trend's findings and sections; one of
    several is read from its own most central documents.
    """
    from tqdm.auto import tqdm

    table = det.consumer_trends_
    shown = [(g, row) for g, row in table.iterrows() if any(m in included for m in row["members"])]
    signals = det.group_signals_
    series = {int(g): part for g, part in signals.groupby("trend")} if len(signals) else {}
    out = []
    for gid, row in tqdm(shown, desc="consumer trends", disable=not det.show_progress, delay=1.0):
        members = tuple(int(m) for m in row["members"] if m in included)
        single = len(row["members"]) == 1
        placement = det.placements_.get(members[0]) if single else det.group_placements_.get(int(gid))
        base = _trend_entry(det, int(gid), row, by_id, series.get(int(gid)), placement)
        findings, insight = trend_evidence(det, members[0]) if single else consumer_trend_evidence(det, int(gid))
        fields = {f.name: getattr(base, f.name) for f in dataclasses.fields(base)}
        fields.update(findings=findings, insight=insight)
        out.append(ConsumerTrend(**fields, members=members, n_members=len(row["members"])))
    return tuple(out)


def _trend_entry(det: Any, trend: int, row: pd.Series, by_id: dict, part: pd.DataFrame | None, placement: Any) -> Trend:
    examples = tuple(
        Example(
            doc_id=doc_id,
            text=by_id[doc_id].text,
            timestamp=by_id[doc_id].timestamp.isoformat() if by_id[doc_id].timestamp else None,
            url=by_id[doc_id].url,
        )
        for doc_id in row["example_ids"]
    )
    points: tuple[WindowCount, ...] = ()
    if part is not None:
        points = tuple(
            WindowCount(
                window=str(r.window),
                count=int(r.count),
                share=float(r.share),
                growth=finite_or_none(r.growth),
                p_value=finite_or_none(r.p_value),
                burst=bool(r.burst),
                virality=finite_or_none(r.virality),
                lifecycle=str(r.lifecycle),
            )
            for r in part.itertuples()
        )
    get = row.get
    return Trend(
        id=trend,
        label=row["label"],
        keywords=tuple(row["keywords"]),
        size=int(row["size"]),
        share=float(row["share"]),
        first_seen=row["first_seen"],
        last_seen=row["last_seen"],
        virality=finite_or_none(get("virality")),
        lifecycle=get("lifecycle") if isinstance(get("lifecycle"), str) else None,
        growth=finite_or_none(get("growth")),
        p_value=finite_or_none(get("p_value")),
        burst=bool(get("burst")) if get("burst") is not None and get("burst") == get("burst") else False,
        acceleration=finite_or_none(get("acceleration")),
        engagement=finite_or_none(get("engagement")),
        reach=finite_or_none(get("reach")),
        novelty=finite_or_none(get("novelty")),
        components={
            k.removeprefix("virality_"): float(v)
            for k, v in row.items()
            if k.startswith("virality_") and v == v and k != "virality"
        },
        onset=get("onset") if isinstance(get("onset"), str) else None,
        hierarchy=hierarchy_levels(placement, det.taxonomy_) if placement is not None else (),
        peak=get("peak") if isinstance(get("peak"), str) else None,
        examples=examples,
        series=points,
    )


def hierarchy_levels(placement: Any, taxonomy: Any) -> tuple[HierarchyLevel, ...]:
    """A taxonomy placement as the report's hierarchy levels, each with its node's description
    (and, at the consumer-trend level, the node proposed where none fits)."""
    proposal = None
    if placement.proposed is not None:
        p = placement.proposed
        proposal = ProposedNode(p.name, p.level, p.parent_id, p.parent_name, p.parent_similarity, p.basis)
    return tuple(
        HierarchyLevel(
            m.level,
            m.node_id,
            m.name,
            m.confidence,
            taxonomy.nodes[m.node_id].description if m.node_id else "",
            proposal if m.level == "consumer_trend" else None,
        )
        for m in placement.levels
    )


def _param(value: Any) -> Any:
    """A parameter as the report shows it: settings (``topics``, ``signals``) and dicts as objects of their
    fields (as a saved model stores them), numbers and strings as they are, other objects by their repr."""
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return json_ready(dataclasses.asdict(value))
    if isinstance(value, dict):
        return json_ready(value)
    return repr(value)
