"""Per-window time series of trends.

Each function is small and works on plain arrays or tidy frames, so it can be
tested on synthetic series with known answers.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from trendlens.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

#: Window names and the numpy/pandas period each maps to.
WINDOWS = {"day": "D", "week": "W", "month": "M"}


def windows_of(timestamps: np.ndarray, window: str = "month") -> np.ndarray:
    """Label each timestamp with its window as a string (``2020-03``, ``2020-03-02``, ...).

    Weeks are ISO weeks starting Monday, labelled by their Monday. Missing
    timestamps (``NaT``) get ``""``.
    """
    if window not in WINDOWS:
        raise ConfigError(f"window must be one of {', '.join(WINDOWS)}, got {window!r}")
    ts = np.asarray(timestamps, dtype="datetime64[s]")
    missing = np.isnat(ts)
    if window == "month":
        labels = ts.astype("datetime64[M]").astype(str)
    elif window == "day":
        labels = ts.astype("datetime64[D]").astype(str)
    else:
        days = ts.astype("datetime64[D]")
        # 1970-01-01 was a Thursday: shift so weeks start on Monday.
        monday = days - ((days.astype(np.int64) + 3) % 7).astype("timedelta64[D]")
        labels = monday.astype(str)
    labels = labels.astype(object)
    labels[missing] = ""
    return labels


def window_counts(labels: np.ndarray, windows: np.ndarray) -> pd.DataFrame:
    """Tidy per-trend, per-window counts with the share of all documents of that window.

    Parameters
    ----------
    labels
        Trend id per document (``-1`` = outlier; outliers count in the totals only).
    windows
        Window label per document (``""`` = no timestamp: left out).

    Returns
    -------
    pandas.DataFrame
        Columns ``trend, window, count, total, share``; every trend appears in
        every window from the first to the last (zero counts included), so
        series are comparable.
    """
    import pandas as pd

    frame = pd.DataFrame({"trend": np.asarray(labels, dtype=int), "window": np.asarray(windows, dtype=object)})
    frame = frame[frame["window"] != ""]
    if frame.empty:
        return pd.DataFrame({"trend": [], "window": [], "count": [], "total": [], "share": []})
    totals = frame.groupby("window").size()
    counts = frame[frame["trend"] >= 0].groupby(["trend", "window"]).size()
    trends = sorted(int(t) for t in frame["trend"].unique() if t >= 0)
    grid = pd.MultiIndex.from_product([trends, sorted(totals.index)], names=["trend", "window"])
    tidy = counts.reindex(grid, fill_value=0).rename("count").reset_index()
    tidy["total"] = tidy["window"].map(totals).astype(int)
    tidy["share"] = tidy["count"] / tidy["total"]
    return tidy


def growth(
    recent_count: float,
    recent_total: float,
    baseline_count: float,
    baseline_total: float,
    prior_docs: float = 20.0,
) -> float:
    """Ratio of a trend's share in the recent windows to its share before them.

    Both shares are smoothed so that a handful of documents cannot produce an
    extreme ratio: the baseline share is ``(baseline_count + 0.5) / (baseline_total + 1)``
    and the recent share is pulled towards the baseline as if ``prior_docs``
    extra documents had arrived at the baseline rate. ``1.0`` means no change,
    ``2.0`` a doubled share; ``nan`` when either period holds no documents.

    Examples
    --------
    >>> round(growth(20, 100, 100, 1000), 2)  # 20% now vs 10% before, shrunk towards 1
    1.83
    >>> round(growth(200, 1000, 1000, 10000), 2)  # the same rates with more evidence
    1.98
    """
    if recent_total <= 0 or baseline_total <= 0:
        return float("nan")
    before = (baseline_count + 0.5) / (baseline_total + 1.0)
    recent = (recent_count + prior_docs * before) / (recent_total + prior_docs)
    return float(recent / before)
