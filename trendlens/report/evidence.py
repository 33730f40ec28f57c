"""The evidence of a fitted detector's trends and consumer trends: which documents the report reads.

A sub trend is read from its documents closest to its centroid; a consumer trend of several sub
trends from its sub trends' documents interleaved by size (:func:`_stratified`), so its drivers
and audience come from every facet. Each result is computed once per fit and kept on the detector
(``findings_``, ``insights_``, ``group_findings_``, ``group_insights_``). ``det`` is a fitted
:class:`~trendlens.detector.TrendDetector` (typed ``Any``: the detector imports this module).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

    from trendlens.report.model import Evidence, Insight, TrendGroup


def finite_or_none(value: Any) -> float | None:
    """A table cell as a float for the report: ``None`` for a missing or NaN value."""
    if value is None:
        return None
    value = float(value)
    return None if value != value else value


#: Documents of a consumer trend of several sub trends scanned for drivers and audience, sampled across
#: its sub trends by size (a sub trend scans :data:`trendlens.enrich.reading.SCAN_DOCUMENTS`).
GROUP_SCAN_DOCUMENTS = 5000
#: ... and at most this many words of them (at least a sub trend's scan): long articles (BBC News, 380 words
#: each) would otherwise have every one parsed; 5,000 posts of the Bluesky migration hold about 115,000.
GROUP_SCAN_WORDS = 200_000


def trend_evidence(det: Any, trend: int) -> tuple[tuple[Evidence, ...], Insight]:
    """Detailed findings and report sections of one trend (computed once per fit, then kept)."""
    if trend not in det.insights_:
        from trendlens.enrich.drivers import counted

        group = det.groups_.get(trend)
        stated: tuple[tuple[str, str], ...] = ()
        if group is not None and len(group.members) > 1:  # its consumer trend's drivers, which it may give too
            drivers = consumer_trend_evidence(det, group.id)[1].drivers
            stated = tuple((s.text, s.title or "") for s in drivers if counted(s))
        det.findings_[trend], det.insights_[trend] = _enriched(
            det,
            det._by_centrality(np.flatnonzero(det.labels_ == trend)),
            det.centroids_[trend],
            _facts(det, det.trends_.loc[trend]),
            det.placements_.get(trend),
            group,
            consumer_drivers=stated,
        )
    return det.findings_[trend], det.insights_[trend]


def consumer_trend_evidence(det: Any, gid: int) -> tuple[tuple[Evidence, ...], Insight]:
    """Findings and sections of a consumer trend of several sub trends, read from its own central documents."""
    if gid not in det.group_insights_:
        row = det.consumer_trends_.loc[gid]
        subs = tuple((str(det.trends_.at[m, "label"]), int(det.trends_.at[m, "size"])) for m in row["members"])
        group = next(g for g in det.groups_.values() if g.id == gid)
        from trendlens.enrich.reading import SCAN_DOCUMENTS

        order = _stratified(det, row["members"])
        words = np.cumsum([len(det.corpus_[i].text.split()) for i in order[:GROUP_SCAN_DOCUMENTS]])
        n_scan = max(SCAN_DOCUMENTS, int(np.searchsorted(words, GROUP_SCAN_WORDS, side="right")))
        det.group_findings_[gid], det.group_insights_[gid] = _enriched(
            det,
            order,
            det.result_.group_centroids[gid],
            _facts(det, row, subs),
            det.group_placements_.get(gid),
            group,
            n_scan=n_scan,
            by_part=True,
        )
    return det.group_findings_[gid], det.group_insights_[gid]


def _stratified(det: Any, trends: list[int]) -> np.ndarray:
    """The documents of ``trends``, each trend's most central first, interleaved in proportion to size.

    Any first N documents are a sample of every sub trend by its size: a consumer trend's
    drivers and audience are read across its facets, not only from its most generic posts
    (on the Bluesky posts, the greetings at the merged centroid).
    """
    parts = [det._by_centrality(np.flatnonzero(det.labels_ == t)) for t in trends]
    order = np.concatenate(parts) if parts else np.empty(0, dtype=np.int64)
    quantile = np.concatenate([(np.arange(len(p)) + 0.5) / len(p) for p in parts]) if parts else order
    return order[np.argsort(quantile, kind="stable")]


def _facts(det: Any, row: pd.Series, sub_trends: tuple[tuple[str, int], ...] = ()) -> Any:
    """What the report says of a trend (or consumer trend) row before enrichment."""
    from trendlens.enrich.insight import TrendFacts

    return TrendFacts(
        row["label"],
        tuple(row["keywords"]),
        int(row["size"]),
        row["first_seen"],
        row["last_seen"],
        window=det.window_,
        lifecycle=row.get("lifecycle") if isinstance(row.get("lifecycle"), str) else None,
        virality=finite_or_none(row.get("virality")),
        growth=finite_or_none(row.get("growth")),
        peak=row.get("peak") if isinstance(row.get("peak"), str) else None,
        sub_trends=sub_trends,
    )


def _enriched(
    det: Any,
    members: np.ndarray,
    centroid: np.ndarray,
    facts: Any,
    placement: Any,
    group: TrendGroup | None,
    n_scan: int | None = None,
    by_part: bool = False,
    consumer_drivers: tuple[tuple[str, str], ...] = (),
) -> tuple[tuple[Evidence, ...], Insight]:
    """Findings and sections of the documents ``members`` (most central first).

    ``by_part``: ``members`` are a consumer trend's; its insight learns each document's sub trend.

    Findings and taxonomy matches read the ``enrich_documents`` most central ones; brand
    mentions are counted over all of them.
    """
    from trendlens.enrich.insight import enrich_trend
    from trendlens.enrich.mentions import TrendDocuments
    from trendlens.enrich.reading import SCAN_DOCUMENTS

    # findings read the enrich_documents most central; drivers and audience scan further
    n_scan = SCAN_DOCUMENTS if n_scan is None else n_scan
    order = members[: max(det.enrich_documents, n_scan)]
    return enrich_trend(
        [det.corpus_[i].text for i in order],
        [det.corpus_[i].id for i in order],
        centroid,
        det._text_embedder(),
        facts,
        placement=placement,
        taxonomy=getattr(det, "taxonomy_", None),
        group=group,
        n_findings=det.n_findings,
        n_read=det.enrich_documents,
        n_scan=n_scan,
        engagement=[det.corpus_[i].engagement for i in order],
        members=TrendDocuments.of([det.corpus_[i] for i in members]),
        parts=det.labels_[order].tolist() if by_part else (),
        consumer_drivers=consumer_drivers,
    )
