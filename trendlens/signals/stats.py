"""Statistics on per-window trend series: window size, rate tests, growth, bursts.

Like :mod:`trendlens.signals.series`, every function is small and pure and
works on plain numpy arrays, so it can be tested on synthetic series with
known answers. scipy is imported only when a function needs it.
"""

from __future__ import annotations

import math

import numpy as np

from trendlens.errors import ConfigError
from trendlens.signals.series import growth as _growth
from trendlens.signals.series import windows_of

#: Windows from finest to coarsest, as :func:`~trendlens.signals.windows_of` names them.
WINDOW_ORDER = ("day", "week", "month")
#: Documents a typical document's window must hold for the window to be chosen: a trend with 5% of
#: them then reaches ``min_count`` = 5 documents, enough for a stage and a rate test.
DOCS_PER_WINDOW = 100
#: Windows (first to last, empty ones included) a window must span to be chosen: a baseline needs a past.
MIN_WINDOWS = 4

#: Scale factors turning absolute deviations into estimates of a normal standard deviation.
MAD_SCALE = 1.4826
MEAN_AD_SCALE = 1.2533
#: Scales below this (in log1p units) count as 0: z-scores would only magnify rounding noise.
TINY_SCALE = 1e-9


def choose_window(timestamps: np.ndarray) -> str:
    """Pick ``"day"``, ``"week"`` or ``"month"`` from the density and time scale of the documents.

    The chosen window is the finest whose windows are full enough for the signal tests: the
    window of a typical document (the document-weighted median of the documents per window)
    holds at least :data:`DOCS_PER_WINDOW` documents, and the corpus spans at least
    :data:`MIN_WINDOWS` of them. Bursty data (a year of tweets about events that each last
    days) gets days, as its documents crowd into a few days; a steady trickle over years
    (a few headlines a day) gets months. When no window is full enough, the coarsest that still
    spans :data:`MIN_WINDOWS` windows; when none does, ``"day"``. No usable timestamp gives
    ``"month"``.

    Examples
    --------
    >>> day = np.datetime64("2020-01-01T00:00:00")
    >>> burst = day + np.arange(0, 3 * 86400, 720).astype("timedelta64[s]")  # 120 posts a day for 3 days
    >>> choose_window(np.concatenate([burst, burst + np.timedelta64(200, "D")]))
    'day'
    >>> choose_window(day + np.arange(0, 1000 * 86400, 8 * 3600).astype("timedelta64[s]"))  # 3 a day
    'month'
    """
    ts = np.asarray(timestamps, dtype="datetime64[s]")
    ts = ts[~np.isnat(ts)]
    if ts.size == 0:
        return "month"

    spanning = []
    for window in WINDOW_ORDER:
        labels = windows_of(ts, window).astype(str)
        _, inverse, counts = np.unique(labels, return_inverse=True, return_counts=True)
        if _n_windows(ts, window) < MIN_WINDOWS:
            continue
        spanning.append(window)
        if np.median(counts[inverse]) >= DOCS_PER_WINDOW:
            return window
    return spanning[-1] if spanning else "day"


def _n_windows(ts: np.ndarray, window: str) -> int:
    """Windows from the first timestamp's to the last's, both included (empty ones counted)."""
    if window == "month":
        months = ts.astype("datetime64[M]")
        return int((months.max() - months.min()).astype(np.int64)) + 1
    days = ts.astype("datetime64[D]").astype(np.int64)
    if window == "day":
        return int(days.max() - days.min()) + 1
    weeks = (days + 3) // 7  # weeks starting Monday, as windows_of counts them
    return int(weeks.max() - weeks.min()) + 1


def _non_negative(name: str, values) -> np.ndarray:
    array = np.asarray(values, dtype=float)
    if np.isnan(array).any() or (array < 0).any():
        raise ConfigError(f"{name} must be non-negative numbers without NaN, got {values!r}")
    return array


def _conditional_binomial(recent_count, recent_total, baseline_count, baseline_total):
    """Shared set-up of the rate tests: validated arrays, ``k``, ``q`` and the testable mask."""
    rc, rt, bc, bt = np.broadcast_arrays(
        _non_negative("recent_count", recent_count),
        _non_negative("recent_total", recent_total),
        _non_negative("baseline_count", baseline_count),
        _non_negative("baseline_total", baseline_total),
    )
    k = rc + bc
    testable = (k > 0) & (rt > 0) & (bt > 0)
    q = np.where(testable, rt / np.where(testable, rt + bt, 1.0), 0.5)
    return rc, k, q, testable


def _as_result(p: np.ndarray, *inputs) -> float | np.ndarray:
    return float(p) if all(np.ndim(x) == 0 for x in inputs) else p


def rate_test(recent_count, recent_total, baseline_count, baseline_total) -> float | np.ndarray:
    """One-sided p-value that the trend's share is higher in the recent period than in the baseline.

    The exact conditional test for two Poisson rates: given the trend's
    ``k = recent_count + baseline_count`` documents, under the null hypothesis
    of equal rates ``recent_count ~ Binomial(k, recent_total / (recent_total + baseline_total))``,
    and the p-value is ``P(X >= recent_count)``.

    Parameters
    ----------
    recent_count, recent_total, baseline_count, baseline_total
        Documents of the trend and of all trends in each period; scalars or
        arrays that broadcast together.

    Returns
    -------
    float or numpy.ndarray
        A float for scalar inputs. ``1.0`` where ``k == 0`` or a total is 0.

    Examples
    --------
    >>> rate_test(3, 10, 1, 10)  # k = 4, q = 1/2: P(X >= 3) = 5/16
    0.3125
    """
    from scipy.stats import binom

    rc, k, q, testable = _conditional_binomial(recent_count, recent_total, baseline_count, baseline_total)
    p = np.where(testable, binom.sf(rc - 1, k, q), 1.0)
    return _as_result(p, recent_count, recent_total, baseline_count, baseline_total)


def decline_test(recent_count, recent_total, baseline_count, baseline_total) -> float | np.ndarray:
    """One-sided p-value that the trend's share is lower in the recent period: ``P(X <= recent_count)``.

    Same arguments, null distribution and edge cases as :func:`rate_test`.

    Examples
    --------
    >>> decline_test(1, 10, 3, 10)  # k = 4, q = 1/2: P(X <= 1) = 5/16
    0.3125
    """
    from scipy.stats import binom

    rc, k, q, testable = _conditional_binomial(recent_count, recent_total, baseline_count, baseline_total)
    p = np.where(testable, binom.cdf(rc, k, q), 1.0)
    return _as_result(p, recent_count, recent_total, baseline_count, baseline_total)


def check_series(counts: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Validate one trend's per-window ``counts`` among ``totals`` and return them as int arrays."""
    c, n = np.asarray(counts), np.asarray(totals)
    if c.ndim != 1 or c.shape != n.shape:
        raise ConfigError(f"counts and totals must be 1-d of the same length, got shapes {c.shape} and {n.shape}")
    c, n = _non_negative("counts", c), _non_negative("totals", n)
    if (c != np.round(c)).any() or (n != np.round(n)).any():
        raise ConfigError("counts and totals must be whole numbers of documents")
    if (c > n).any():
        raise ConfigError(f"counts cannot exceed totals: window(s) {np.flatnonzero(c > n).tolist()}")
    return c.astype(np.int64), n.astype(np.int64)


def _trailing_sum(values: np.ndarray, windows: int) -> np.ndarray:
    """Sum of the previous ``windows`` entries (fewer at the start, 0 for the first)."""
    cumulative = np.concatenate([[0], np.cumsum(values)])
    t = np.arange(values.size)
    return cumulative[t] - cumulative[np.maximum(t - windows, 0)]


def trailing_growth(
    counts: np.ndarray,
    totals: np.ndarray,
    baseline_windows: int = 6,
    prior_docs: float = 20.0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Growth and its significance of every window against the windows just before it.

    Window ``t`` is compared with the sum of the previous ``baseline_windows``
    windows (fewer at the start). Growth is :func:`trendlens.signals.series.growth`
    with ``prior_docs``; the p-values are :func:`rate_test` and :func:`decline_test`.

    Parameters
    ----------
    counts, totals
        Documents of the trend and of all trends per window, in time order.
    baseline_windows
        How many earlier windows form the baseline (``>= 1``).
    prior_docs
        Smoothing of the growth ratio (see :func:`~trendlens.signals.series.growth`).

    Returns
    -------
    tuple of numpy.ndarray
        ``(growth, p_value, p_decline)``, one value per window. Window 0 (and
        any window whose baseline holds no documents) has growth ``nan`` and
        p-values ``1.0``.
    """
    if baseline_windows < 1:
        raise ConfigError(f"baseline_windows must be >= 1, got {baseline_windows}")
    c, n = check_series(counts, totals)
    bc, bt = _trailing_sum(c, baseline_windows), _trailing_sum(n, baseline_windows)
    g = np.array([_growth(*args, prior_docs=prior_docs) for args in zip(c, n, bc, bt)], dtype=float)
    p_value = np.asarray(rate_test(c, n, bc, bt), dtype=float)
    p_decline = np.asarray(decline_test(c, n, bc, bt), dtype=float)
    return g, p_value, p_decline


def _viterbi_two_state(cost: np.ndarray, up_cost: float) -> np.ndarray:
    """Cheapest state path (0/1) through ``cost[t, state]``, starting in state 0; moving down is free."""
    steps = cost.shape[0]
    total = np.array([cost[0, 0], cost[0, 1] + up_cost])
    came_from_up = np.zeros((steps, 2), dtype=bool)  # [t, s]: best predecessor of s at t is state 1
    for t in range(1, steps):
        stay0, down = total[0], total[1]
        up, stay1 = total[0] + up_cost, total[1]
        came_from_up[t] = (down < stay0, stay1 <= up)
        total = np.array([min(stay0, down), min(up, stay1)]) + cost[t]
    state = np.zeros(steps, dtype=bool)
    state[-1] = total[1] < total[0]
    for t in range(steps - 1, 0, -1):
        state[t - 1] = came_from_up[t, int(state[t])]
    return state


def kleinberg_bursts(counts: np.ndarray, totals: np.ndarray, s: float = 2.0, gamma: float = 1.0) -> np.ndarray:
    """Windows in a burst, by Kleinberg's two-state automaton for batched arrivals.

    Kleinberg (2002), *Bursty and hierarchical structure in streams*, the
    enumerated variant: in window ``t`` the trend has ``counts[t]`` of
    ``totals[t]`` documents. State 0 emits at the base rate
    ``p0 = sum(counts) / sum(totals)``, state 1 at ``p1 = min(s * p0, 0.9999)``;
    emitting costs ``-log Binomial(counts[t]; totals[t], p_i)``. Entering
    state 1 costs ``gamma * ln(n_windows)``, leaving it is free, and the
    automaton starts in state 0. The cheapest state sequence is found by
    dynamic programming (Viterbi).

    Returns
    -------
    numpy.ndarray of bool
        ``True`` where the automaton is in the burst state. Windows without
        documents stay in state 0; a trend with no documents has no burst.
    """
    if s <= 1:
        raise ConfigError(f"s (burst rate / base rate) must be > 1, got {s}")
    if gamma < 0:
        raise ConfigError(f"gamma (cost of entering a burst) must be >= 0, got {gamma}")
    c, n = check_series(counts, totals)
    if c.size == 0 or c.sum() == 0:
        return np.zeros(c.size, dtype=bool)
    from scipy.stats import binom

    p0 = c.sum() / n.sum()
    p1 = min(s * p0, 0.9999)
    if p1 <= p0:
        return np.zeros(c.size, dtype=bool)
    cost = -np.column_stack([binom.logpmf(c, n, p0), binom.logpmf(c, n, p1)])
    cost[n == 0, 1] = np.inf
    return _viterbi_two_state(cost, gamma * math.log(c.size))


def acceleration(growth: np.ndarray) -> np.ndarray:
    """Change of growth from one window to the next: the first difference of ``log(growth)``.

    ``nan`` where either window's growth is ``nan`` or ``<= 0``, and for the
    first window. ``log(2)`` means growth doubled since the previous window.

    Examples
    --------
    >>> acceleration(np.array([1.0, 2.0, 2.0, np.nan])).round(3).tolist()
    [nan, 0.693, 0.0, nan]
    """
    g = np.asarray(growth, dtype=float)
    if g.ndim != 1:
        raise ConfigError(f"growth must be a 1-d array, got shape {g.shape}")
    logs = np.full(g.shape, np.nan)
    positive = g > 0
    logs[positive] = np.log(g[positive])
    return np.concatenate([[np.nan], np.diff(logs)])[: g.size]


#: Windows whose mean share is a trend's *recent* level in :func:`outlook`.
RECENT_WINDOWS = 3
#: Windows whose mean share is a trend's *long-run* level in :func:`outlook` (a year of months).
LONG_WINDOWS = 12
#: Pseudo-count added to a trend's documents in every window (and twice that to the window's total) before
#: shares are compared in :func:`outlook`: a window without documents has a small share, not a share of 0.
SHARE_PRIOR = 0.5


def outlook(
    counts: np.ndarray, totals: np.ndarray, recent: int = RECENT_WINDOWS, long: int = LONG_WINDOWS
) -> tuple[np.ndarray, np.ndarray]:
    """Momentum and headroom of one trend in every window: where its share is heading.

    With the share of each window smoothed, ``s = (count + 0.5) / (total + 1)``, the trend's
    *recent level* at ``t`` is the mean of ``s`` over the ``recent`` windows up to ``t`` and its
    *long-run level* the mean of ``s`` over the ``long`` windows up to ``t`` (fewer at the start). Then

    - ``momentum = log(s[t] / recent level)``: positive while the latest window stands above the
      recent level (a rise under way), negative once it falls back below it;
    - ``headroom = log(long-run level / recent level)``: negative when the recent level is far
      above what the trend usually holds (an overheated trend, which tends to fall back), positive
      when it is below it.

    Their mean estimates the log change of the trend's share from its recent level to the geometric
    middle of its latest and long-run shares: shares persist in part and revert in part. Both use
    windows up to ``t`` only.

    Examples
    --------
    >>> momentum, headroom = outlook(np.array([0, 0, 0, 20, 20, 20]), np.full(6, 100))
    >>> (momentum.round(2) + 0.0).tolist()  # the rise is fresh in its first windows only
    [0.0, 0.0, 0.0, 1.05, 0.39, 0.0]
    >>> headroom.round(2).tolist()  # ... while the recent level climbs ever further above the long run
    [0.0, 0.0, 0.0, -0.26, -0.49, -0.67]
    """
    c, n = check_series(counts, totals)
    if not 1 <= recent <= long:
        raise ConfigError(f"need 1 <= recent <= long windows, got recent={recent}, long={long}")
    s = (c + SHARE_PRIOR) / (n + 2 * SHARE_PRIOR)
    cumulative = np.concatenate([[0.0], np.cumsum(s)])
    t = np.arange(s.size)

    def trailing_mean(windows: int) -> np.ndarray:
        start = np.maximum(t + 1 - windows, 0)
        return (cumulative[t + 1] - cumulative[start]) / (t + 1 - start)

    recent_level = trailing_mean(recent)
    return np.log(s / recent_level), np.log(trailing_mean(long) / recent_level)


def _robust_z(x: np.ndarray) -> np.ndarray:
    """Robust z-scores of finite values ``x``: median and scaled MAD (mean absolute deviation if MAD is 0)."""
    median = np.median(x)
    deviation = np.abs(x - median)
    scale = MAD_SCALE * np.median(deviation)
    if scale < TINY_SCALE:
        scale = MEAN_AD_SCALE * deviation.mean()
    if scale < TINY_SCALE:
        return np.zeros_like(x)
    return (x - median) / scale


#: Documents an (source, exposure) group needs for its own engagement baseline; smaller ones use their source's.
MIN_EXPOSURE_GROUP = 20


def exposure_groups(
    sources: np.ndarray, exposure: np.ndarray | None, min_group: int = MIN_EXPOSURE_GROUP
) -> np.ndarray:
    """Engagement baselines per source and, where known, per exposure time: the groups of :func:`robust_engagement`.

    Counts read once (a snapshot) favour old posts: a post out for a month has gathered more
    than one out for an hour. A document whose exposure (seconds between the post and the
    reading of its counts; ``nan`` unknown) is known is compared with the documents of its
    source in the same exposure bucket, doubling in length: under 1 day, 1-2 days, 2-4, 4-8 …
    (``floor(log2(1 + days))``). A bucket with fewer than ``min_group`` documents, and a
    document of unknown exposure, is compared with its whole source.

    Examples
    --------
    >>> import numpy as np
    >>> day = 86_400.0
    >>> exposure_groups(np.array(["a"] * 3), np.array([0.5 * day, 3 * day, np.nan]), min_group=1).tolist()
    ['a|0', 'a|2', 'a']
    """
    base = np.array(["" if s is None else str(s) for s in sources], dtype=object)
    if exposure is None:
        return base
    ages = np.asarray(exposure, dtype=float)
    known = np.isfinite(ages)
    if not known.any():
        return base
    buckets = np.full(len(ages), -1, dtype=np.int64)
    buckets[known] = np.floor(np.log2(1.0 + ages[known] / 86_400.0)).astype(np.int64)
    out = base.copy()
    labels = np.array([f"{s}|{b}" for s, b in zip(base, buckets)], dtype=object)
    names, counts = np.unique(labels[known], return_counts=True)
    big = set(names[counts >= min_group].tolist())
    use = known & np.array([label in big for label in labels])
    out[use] = labels[use]
    return out


def robust_engagement(values: np.ndarray, groups: np.ndarray) -> np.ndarray:
    """Engagement (likes, shares, ...) as a robust z-score within each group (e.g. source).

    Within each group, over its non-``nan`` values, ``x = log1p(value)`` and
    ``z = (x - median(x)) / (1.4826 * MAD(x))``, where MAD is the median
    absolute deviation from the median. When MAD is 0 (over half the values
    tie; scales under ``TINY_SCALE`` count as 0), the scale is
    ``1.2533 * mean(|x - median(x)|)`` instead; when that is 0 too (all values
    equal), ``z = 0``. Both factors make the scale estimate the standard
    deviation of normal data.

    Parameters
    ----------
    values
        Non-negative engagement per document; ``nan`` = unknown (stays ``nan``).
    groups
        Group per document; ``None``/``nan`` form one group of their own.

    Returns
    -------
    numpy.ndarray
        One z-score per document, comparable across groups of different sizes
        and engagement levels.
    """
    import pandas as pd

    v = np.asarray(values, dtype=float)
    g = np.asarray(groups, dtype=object)
    if v.ndim != 1 or v.shape != g.shape:
        raise ConfigError(f"values and groups must be 1-d of the same length, got shapes {v.shape} and {g.shape}")
    if (v < 0).any():
        raise ConfigError("engagement values must be non-negative (nan = unknown)")
    codes, _ = pd.factorize(g, use_na_sentinel=False)
    z = np.full(v.shape, np.nan)
    known = ~np.isnan(v)
    for code in np.unique(codes[known]):
        member = known & (codes == code)
        z[member] = _robust_z(np.log1p(v[member]))
    return z
