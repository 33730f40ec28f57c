"""Repeated observations: one item seen at several times with new counts is one document with a time series.

A trending-videos list collected daily, or a post scraped every hour, holds the same item
(the same id) many times, each time with newer engagement counts. Those records are not
duplicate texts: they are one item's popularity over time. :func:`merge_observations` keeps
one document per item, dated by its first observation, with the counts of its latest one,
and keeps the whole series in its metadata.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Mapping, Sequence
from datetime import datetime, timezone

from trendlens.corpus.schema import Document, Engagement, content_id

#: Metadata keys a merged item gets.
SERIES_KEY = "observations"
GROWTH_KEY = "engagement_growth"


def item_of(doc: Document, item_key: str | None) -> str | None:
    """The item ``doc`` is an observation of, or ``None`` when it names none.

    With ``item_key=None`` the item is the record's own id; an id trendlens made from the
    text (a record without one) names no item, so two equal texts without ids stay
    duplicates. With a key, the item is that metadata field's value (or the id, when the
    key is the id field).
    """
    if item_key is None or item_key == "id":
        return None if doc.id == content_id(doc.text) else doc.id
    value = doc.metadata.get(item_key)
    return None if value is None or value == "" else str(value)


def _when(doc: Document) -> datetime:
    if doc.timestamp is None:
        return datetime.min.replace(tzinfo=timezone.utc)
    return doc.timestamp if doc.timestamp.tzinfo else doc.timestamp.replace(tzinfo=timezone.utc)


def merge_observations(first: Document, later: Sequence[Document]) -> Document:
    """One document for an item observed as ``first`` and then as each of ``later`` (in reading order).

    The document keeps ``first``'s id, text and the earliest timestamp; its engagement is the
    latest observation's (the latest timestamp; among equal ones the last read). Its metadata
    gains ``observations`` (every observation's ISO timestamp and counts, oldest first) and
    ``engagement_growth`` (latest total / first total, each + 1; ``None`` without counts).

    Examples
    --------
    >>> from datetime import datetime, timezone
    >>> day = lambda d: datetime(2018, 1, d, tzinfo=timezone.utc)
    >>> seen = [Document("v1", "a video", day(d), engagement=Engagement(likes=n)) for d, n in [(1, 9), (2, 99)]]
    >>> merged = merge_observations(seen[0], seen[1:])
    >>> merged.timestamp.day, merged.engagement.likes, merged.metadata["engagement_growth"]
    (1, 99, 10.0)
    """
    series = sorted([first, *later], key=_when)  # stable: equal times keep their reading order
    latest = series[-1]
    dated = [d for d in series if d.timestamp is not None]
    start, end = series[0].engagement.total, latest.engagement.total
    growth = None if start is None or end is None else (end + 1) / (start + 1)
    metadata: Mapping = {
        **first.metadata,
        SERIES_KEY: tuple(_observation(d) for d in series),
        GROWTH_KEY: growth,
    }
    return dataclasses.replace(
        first,
        timestamp=dated[0].timestamp if dated else None,
        engagement=latest.engagement,
        metadata=metadata,
    )


def engagement_growth(doc: Document) -> float:
    """The growth :func:`merge_observations` gave ``doc`` (``nan`` for an item seen once or without counts)."""
    growth = doc.metadata.get(GROWTH_KEY) if SERIES_KEY in doc.metadata else None
    return float(growth) if isinstance(growth, (int, float)) else float("nan")


def _observation(doc: Document) -> dict:
    counts = dataclasses.asdict(doc.engagement) if isinstance(doc.engagement, Engagement) else {}
    return {"timestamp": doc.timestamp.isoformat() if doc.timestamp else None, **counts}


#: Metadata fields that say when a record's counts were collected (the first present wins).
COLLECTED_KEYS = ("collected_at", "scraped_at", "retrieved_at", "crawled_at")


def exposure_seconds(doc: Document) -> float:
    """How long ``doc`` had been out when its counts were read, in seconds (``nan`` when unknown).

    The counts of a snapshot were read at the record's ``collected_at`` (or ``scraped_at``,
    ``retrieved_at``, ``crawled_at``; ISO 8601, UTC when it names no zone); those of an item
    observed several times (:func:`merge_observations`) at its latest observation. A document
    without a timestamp, or with neither, has no known exposure. A collection before the post
    counts as 0.
    """
    if doc.timestamp is None:
        return float("nan")
    read = None
    for key in COLLECTED_KEYS:
        value = doc.metadata.get(key)
        if isinstance(value, str) and value.strip():
            try:
                read = datetime.fromisoformat(value.strip().replace("Z", "+00:00"))
            except ValueError:
                return float("nan")
            break
    if read is None:
        series = doc.metadata.get(SERIES_KEY)
        if not series or not series[-1].get("timestamp"):
            return float("nan")
        read = datetime.fromisoformat(series[-1]["timestamp"])
    read = read if read.tzinfo else read.replace(tzinfo=timezone.utc)
    return max(0.0, (read - _when(doc)).total_seconds())
