"""Emergence back-test: does trendlens flag labelled events as "emerging", how soon, and how often wrongly?

A corpus of time-stamped documents, each labelled with the event it reports (CrisisLex's
crisis events), is run through the default :class:`~trendlens.TrendDetector`. A trend
belongs to an event when at least half its documents do. Per event:

- ``first_document``: the window of its first document;
- ``first_emerging``: the first window, not before that, in which one of its trends is
  flagged ``emerging``; ``lead_windows`` is the distance between the two in windows that
  hold documents, ``lead_days`` in calendar days between the windows' starts (0 = flagged
  in the window the event began);
- recall: the share of events ever flagged;
- ``first_observable``: the first window in which the event has at least ``min_count`` documents
  (the detector's ``SignalConfig.min_count``: fewer make any window "noise", whatever it holds), and
  ``lead_days_observable`` from there. An event whose first documents are stray early posts (two
  tweets days before the flood) cannot be flagged before it is observable; both leads are reported.

False alarms are trends flagged emerging that belong to no single event; their flags are
counted per window of the corpus.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np

from trendlens.signals.series import windows_of


def emergence_backtest(detector: Any, events: Sequence[Any], *, min_purity: float = 0.5) -> dict[str, Any]:
    """Score a fitted detector's emerging flags against each document's event (in ``detector.corpus_`` order)."""
    events = np.asarray(list(events), dtype=object)
    labels = np.asarray(detector.labels_)
    if len(events) != len(labels):
        raise ValueError(f"{len(events)} event labels for {len(labels)} documents")
    signals = detector.signals_
    windows = sorted(signals["window"].unique())
    position = {w: i for i, w in enumerate(windows)}
    window_of_doc = windows_of(detector.corpus_.timestamps, detector.window_)
    emerging = signals[signals["lifecycle"] == "emerging"]
    event_of_trend: dict[int, Any] = {}
    for trend in detector.trends_.index:
        members = events[labels == trend]
        if not len(members):
            continue
        top, n = Counter(members.tolist()).most_common(1)[0]
        event_of_trend[int(trend)] = top if n / len(members) >= min_purity else None
    per_event: dict[str, dict[str, Any]] = {}
    min_count = detector._signal_config().min_count
    for event in sorted(set(events.tolist()), key=str):
        first = min(window_of_doc[events == event])
        per_window = Counter(window_of_doc[events == event].tolist())
        observable = min((w for w, n in per_window.items() if n >= min_count), default=None)
        trends = sorted(t for t, e in event_of_trend.items() if e == event)
        flags = sorted(w for w in emerging[emerging["trend"].isin(trends)]["window"] if w >= first)
        first_flag = flags[0] if flags else None
        per_event[str(event)] = {
            "first_document": str(first),
            "first_emerging": None if first_flag is None else str(first_flag),
            "lead_windows": None if first_flag is None else position[first_flag] - position[first],
            "lead_days": None if first_flag is None else _days_between(first, first_flag),
            "first_observable": None if observable is None else str(observable),
            "lead_days_observable": (
                None if first_flag is None or observable is None else max(0, _days_between(observable, first_flag))
            ),
            "documents": int((events == event).sum()),
            "trends": trends,
        }
    leads = [e["lead_windows"] for e in per_event.values() if e["lead_windows"] is not None]
    days = [e["lead_days"] for e in per_event.values() if e["lead_days"] is not None]
    false_alarms = sorted({int(t) for t in emerging["trend"] if event_of_trend.get(int(t)) is None})
    return {
        "window": detector.window_,
        "events": per_event,
        "recall": len(leads) / len(per_event) if per_event else None,
        "median_lead_windows": float(np.median(leads)) if leads else None,
        "worst_lead_windows": int(max(leads)) if leads else None,
        "median_lead_days": float(np.median(days)) if days else None,
        "worst_lead_days": int(max(days)) if days else None,
        "flagged_within_1_day": sum(d <= 1 for d in days),
        "flagged_within_1_day_of_observable": sum(
            e["lead_days_observable"] is not None and e["lead_days_observable"] <= 1 for e in per_event.values()
        ),
        "false_alarm_trends": [str(detector.trends_.loc[t, "label"]) for t in false_alarms],
        "false_alarm_flags_per_window": float(emerging["trend"].isin(false_alarms).sum() / max(len(windows), 1)),
        "n_trends": int(len(detector.trends_)),
        "n_windows": len(windows),
    }


def _days_between(first: str, later: str) -> int:
    """Calendar days between the starts of two window labels (``2013-04-15``, ``2013-04``)."""
    start = np.datetime64(first).astype("datetime64[D]")
    return int((np.datetime64(later).astype("datetime64[D]") - start).astype(int))
