"""Which window ranks the trends: the latest one, unless it is partial.

A corpus cut in the middle of a week (or collected until yesterday) ends in a window
holding a few documents. A trend with three posts there can then get a higher growth
and virality than the trend holding most of the corpus, and the ranking would be decided
by a handful of documents. The rule here keeps the latest window out of the ranking when it
is partial and ranks on the latest complete window instead; the time series keep every window.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import pandas as pd

#: A latest window holding fewer documents than this fraction of the median window is partial.
MIN_FILL = 0.5
#: ... and so is one the corpus ends in before this fraction of its time has passed, unless it
#: already holds a median window's documents (a burst on the last day still ranks).
MIN_COVERAGE = 0.5


@dataclass(frozen=True)
class RankingWindow:
    """The window whose signals rank the trends, and why.

    Attributes
    ----------
    window
        The window ranked on (label, e.g. ``2025-03-31``).
    latest
        The latest window of the data.
    n_latest
        Documents in the latest window.
    median
        Median documents per window of the trailing windows before the latest one (``nan`` with a single window).
    coverage
        Fraction of the latest window's time up to the last timestamp (``1.0`` when unknown).
    recent
        Windows up to the ranked one that count as recent (:func:`rank_tiers`; ``SignalConfig.recent_windows``).
    """

    window: str
    latest: str
    n_latest: int
    median: float
    coverage: float = 1.0
    recent: int = 3

    @property
    def partial(self) -> bool:
        """True when the latest window was left out of the ranking."""
        return self.window != self.latest

    def describe(self, unit: str, brief: int = 0) -> str:
        """The rule as applied, in one line of the report; ``brief``: how many of the consumer trends are
        short reactions (:func:`rank_tiers`), said after the rule when there are any."""
        last = (
            f" Trends of short reactions come last, whatever their virality ({brief} consumer "
            f"trend{'s' if brief > 1 else ''} here): at least {BRIEF_SHARE:.0%} of their documents say two "
            "words of content or fewer (“Super”, “Wow❤️”)."
            if brief
            else ""
        )
        return self._rule(unit) + last

    def _rule(self, unit: str) -> str:
        if not self.partial:
            return (
                f"Rising trends (emerging, accelerating) first, then the others, then those with no document "
                f"in the last {self.recent} {unit}s, each by virality in the latest {unit} ({self.latest}, "
                f"{self.n_latest:,} documents): "
                f"a latest {unit} with under {MIN_FILL:.0%} of a median {unit}'s documents would be left out."
            )
        return (
            f"Rising trends (emerging, accelerating) first, then the others, then those with no document in "
            f"the last {self.recent} {unit}s, each by virality in the latest complete {unit} ({self.window}): "
            f"the last {unit} ({self.latest}) "
            f"holds {self.n_latest:,} documents against a median of {self.median:,.0f} and "
            f"{self.coverage:.0%} of its time, too partial to decide the ranking (its counts stay in the series)."
        )


def window_end(label: str, unit: str) -> tuple[np.datetime64, np.datetime64]:
    """Start and end (exclusive) of the window labelled ``label`` (see :func:`~trendlens.signals.windows_of`).

    Examples
    --------
    >>> [str(t)[:10] for t in window_end("2024-02", "month")]
    ['2024-02-01', '2024-03-01']
    >>> [str(t)[:10] for t in window_end("2024-02-26", "week")]
    ['2024-02-26', '2024-03-04']
    """
    if unit == "month":
        start = np.datetime64(label, "M")
        return start.astype("datetime64[s]"), (start + 1).astype("datetime64[s]")
    start = np.datetime64(label, "D")
    return start.astype("datetime64[s]"), (start + (7 if unit == "week" else 1)).astype("datetime64[s]")


def ranking_window(
    tidy: pd.DataFrame, timestamps: np.ndarray, unit: str, baseline: int = 6, recent: int = 3
) -> RankingWindow | None:
    """The window to rank trends on, from the per-window totals of a signal table.

    The latest window is partial when it holds under :data:`MIN_FILL` of the median window's
    documents (the median over the ``baseline`` windows before it that hold any: the recent pace,
    not a sparse early history), or when the corpus ends before
    :data:`MIN_COVERAGE` of its time and it holds under a median window's documents. A partial
    latest window is left out: the trends are ranked on the window before it.

    Parameters
    ----------
    tidy
        Signal table with ``window`` and ``total`` columns (see :func:`~trendlens.signals.window_counts`).
    timestamps
        The documents' timestamps (``NaT`` ignored): where the corpus ends.
    unit
        ``"day"``, ``"week"`` or ``"month"``.
    baseline
        Windows before the latest one whose median is the expected volume (the signals' trailing baseline).
    recent
        Windows up to the ranked one that count as recent (``SignalConfig.recent_windows``), for the rule's line.

    Returns
    -------
    RankingWindow or None
        ``None`` for an empty table.
    """
    if tidy.empty:
        return None
    totals = tidy.groupby("window")["total"].first().sort_index()
    latest, n_latest = str(totals.index[-1]), int(totals.iloc[-1])
    if len(totals) < 2:
        return RankingWindow(latest, latest, n_latest, float("nan"), recent=recent)
    median = float(np.median(totals.iloc[:-1].to_numpy()[-max(1, baseline) :]))
    ts = np.asarray(timestamps, dtype="datetime64[s]")
    ts = ts[~np.isnat(ts)]
    coverage = 1.0
    if ts.size:
        start, end = window_end(latest, unit)
        coverage = float(np.clip((ts.max() - start) / (end - start), 0.0, 1.0))
    partial = n_latest < MIN_FILL * median or (coverage < MIN_COVERAGE and n_latest < median)
    window = str(totals.index[-2]) if partial else latest
    return RankingWindow(window, latest, n_latest, median, round(coverage, 3), recent)


#: Lifecycle stages that flag a trend as rising: flagged trends rank first.
RISING = ("emerging", "accelerating")
#: Share of a trend's documents that say at most :data:`~trendlens.topics.tables.BRIEF_WORDS` words of
#: content ("Super", "Wow❤️❤️", "poli") from which the trend is short reactions and ranks last. On 6,000
#: Threads launch reviews three such consumer trends (85-96% of their reviews one word or none) led the
#: ranking by virality; every other consumer trend of Threads, Bluesky, CrisisLex and HuffPost is at most
#: 31%, and the Threads sub trends of one-word verdicts that still name something ("Copycat", "waste of
#: time") at 57-74%.
BRIEF_SHARE = 0.75


def short_reactions(brief: Sequence[float]) -> np.ndarray:
    """Per trend, whether it is short reactions: ``brief``, the share of its documents with almost no words
    of content, is at least :data:`BRIEF_SHARE` (unknown, NaN: it is not).

    >>> short_reactions([0.9, 0.1, float("nan")]).tolist()
    [True, False, False]
    """
    return np.asarray(brief, dtype=np.float64) >= BRIEF_SHARE


def rank_tiers(
    stages: Sequence[object], recent: Sequence[float] | None = None, brief: Sequence[float] | None = None
) -> np.ndarray:
    """The tier of each trend in the ranking: 0 rising (emerging, accelerating), 1 the others with a
    document in the recent windows (``recent``: per trend, its documents in the ranked window and the
    ``SignalConfig.recent_windows`` - 1 before it), 2 those without one (or without a stage: no signals),
    3 short reactions whatever their stage (``brief``: per trend, the share of its documents with almost no
    words of content; :func:`short_reactions`). A cluster of "good", "wow" and emoji says that people
    react, not what to; it stays in the tables, after the trends that say something.

    Within a tier trends go by virality. The report and ``trendlens eval --prospective`` rank alike (the
    evaluation reads no texts, so it has no short reactions). A
    trend with a handful of documents (stage "noise") keeps its place by virality: on corpora of
    monthly headlines most trends hold fewer than ``min_count`` documents in a month, and putting all
    of them last ranked by size rather than by where a share is heading (precision@10 0.41 on HuffPost
    against 0.59 with this rule, docs/evaluation.md). A trend with no document lately is not trending,
    whatever its virality predicts about its return.

    Examples
    --------
    >>> rank_tiers(["accelerating", "steady", "noise", None, "emerging", "noise"], [9, 7, 2, 0, 6, 0]).tolist()
    [0, 1, 1, 2, 0, 2]
    >>> rank_tiers(["accelerating", "steady"], [9, 7], brief=[0.9, 0.1]).tolist()
    [3, 1]
    """
    recent = [1.0] * len(stages) if recent is None else list(recent)
    short = short_reactions([0.0] * len(stages) if brief is None else brief)
    return np.array(
        [
            3 if b else 0 if s in RISING else 2 if not isinstance(s, str) or not (r > 0) else 1
            for s, r, b in zip(stages, recent, short, strict=True)
        ],
        dtype=np.int64,
    )
