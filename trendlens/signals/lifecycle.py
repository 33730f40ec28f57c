"""Where a trend is in its life, and how viral it looks.

:func:`lifecycle_labels` turns one trend's per-window signals (from
:mod:`trendlens.signals.stats`) into a stage per window; :func:`virality_components`
maps a table of per-trend signals to ``[0, 1]`` and combines them into a
0-100 virality score.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import numpy as np

from trendlens.errors import ConfigError
from trendlens.signals.stats import check_series

if TYPE_CHECKING:
    import pandas as pd

#: Lifecycle stages, in the order the rules of :func:`lifecycle_labels` try them.
STAGES = ("noise", "emerging", "accelerating", "peaking", "declining", "steady")

#: How many earlier windows may hold the significant rise that makes a window "peaking".
PEAK_LOOKBACK = 3
#: A "peaking" window keeps at least this fraction of the trend's highest share so far.
PEAK_FRACTION = 0.8

#: Default weight of each virality component. Momentum and headroom (where the share is heading,
#: :func:`~trendlens.signals.stats.outlook`) carry the score: measured prospectively on five corpora,
#: they predict a trend's share growth over the next windows, while growth against the baseline, bursts
#: and reach, highest at a trend's peak, predict its fall (docs/evaluation.md). Those are known
#: components, weighted 0 by default and still shown as signals; pass ``weights`` to use them.
VIRALITY_WEIGHTS = {
    "momentum": 0.4,
    "headroom": 0.4,
    "engagement": 0.1,
    "novelty": 0.1,
    "growth": 0.0,
    "burst_share": 0.0,
    "acceleration": 0.0,
    "reach": 0.0,
}
#: Significance level that gates the growth component.
VIRALITY_ALPHA = 0.05


def _window_array(name: str, values, size: int, dtype=float) -> np.ndarray:
    array = np.asarray(values, dtype=dtype)
    if array.shape != (size,):
        raise ConfigError(f"{name} must have one value per window ({size}), got shape {array.shape}")
    return array


def _recently(flags: np.ndarray, lookback: int) -> np.ndarray:
    """Whether any of the ``lookback`` windows before each window is flagged."""
    cumulative = np.concatenate([[0], np.cumsum(flags)])
    t = np.arange(flags.size)
    return cumulative[t] - cumulative[np.maximum(t - lookback, 0)] > 0


def _share_before(c: np.ndarray, n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Documents of the trend before each window, and its share over all earlier windows (0 if none)."""
    count_before = np.concatenate([[0], np.cumsum(c)[:-1]])
    total_before = np.concatenate([[0], np.cumsum(n)[:-1]])
    share = np.divide(count_before, total_before, out=np.zeros(c.size), where=total_before > 0)
    return count_before, share


def lifecycle_labels(
    counts: np.ndarray,
    totals: np.ndarray,
    growth: np.ndarray,
    p_value: np.ndarray,
    p_decline: np.ndarray,
    *,
    min_count: int = 5,
    alpha: float = 0.05,
    emerging_max_prior_share: float = 0.5,
    emerging_max_prior_presence: float = 0.25,
    min_history: int = 3,
) -> np.ndarray:
    """Lifecycle stage of one trend in every window.

    The rules are tried in this order; the first that holds gives the label:

    1. ``"noise"``: ``counts[t] < min_count``; too few documents to say anything.
    2. ``"emerging"``: significant growth (``p_value[t] < alpha`` and ``growth[t] > 1``)
       of a trend that was small or absent before, seen over at least
       ``min_history`` earlier windows: either it had fewer than ``min_count``
       documents before ``t`` in total, or its share over all earlier windows is
       below ``emerging_max_prior_share`` times its share in ``t`` *and* it had
       ``min_count`` documents in fewer than ``emerging_max_prior_presence`` of the
       earlier windows (a long-running topic that spikes is accelerating, not new).
    3. ``"accelerating"``: significant growth of a trend that was already
       established, or of any trend in the first ``min_history`` windows, where
       there is too little history to call anything new.
    4. ``"peaking"``: the share in ``t`` is at least 0.8 times the trend's highest
       share so far (``t`` included), and the trend was emerging or accelerating
       in one of the 3 previous windows; the rise has stopped near the top.
    5. ``"declining"``: significant fall (``p_decline[t] < alpha`` and ``growth[t] < 1``).
    6. ``"steady"``: anything else.

    Significance grows with the amount of data, so labels are not invariant
    to scaling all counts; but more data of the same shares never turns a
    significant label into ``"steady"`` or ``"noise"``.

    Parameters
    ----------
    counts, totals
        Documents of the trend and of all trends per window, in time order.
    growth, p_value, p_decline
        Per-window growth and one-sided p-values, e.g. from
        :func:`~trendlens.signals.stats.trailing_growth`.

    Returns
    -------
    numpy.ndarray of str
        One of :data:`STAGES` per window.
    """
    if min_count < 1:
        raise ConfigError(f"min_count must be >= 1, got {min_count}")
    if not 0 < alpha < 1:
        raise ConfigError(f"alpha must be in (0, 1), got {alpha}")
    if emerging_max_prior_share <= 0:
        raise ConfigError(f"emerging_max_prior_share must be > 0, got {emerging_max_prior_share}")
    if not 0 < emerging_max_prior_presence <= 1:
        raise ConfigError(f"emerging_max_prior_presence must be in (0, 1], got {emerging_max_prior_presence}")
    if min_history < 0:
        raise ConfigError(f"min_history must be >= 0, got {min_history}")
    c, n = check_series(counts, totals)
    g = _window_array("growth", growth, c.size)
    p_up = _window_array("p_value", p_value, c.size)
    p_down = _window_array("p_decline", p_decline, c.size)

    share = np.divide(c, n, out=np.full(c.size, np.nan), where=n > 0)
    count_before, share_before = _share_before(c, n)
    noise = c < min_count
    rising = ~noise & (p_up < alpha) & (g > 1)
    supported_before = np.concatenate([[0], np.cumsum(~noise & (n > 0))[:-1]])
    windows_before = np.concatenate([[0], np.cumsum(n > 0)[:-1]])
    presence = np.divide(supported_before, windows_before, out=np.zeros(c.size), where=windows_before > 0)
    rare_before = (share_before < emerging_max_prior_share * share) & (presence < emerging_max_prior_presence)
    small_before = ((count_before < min_count) | rare_before) & (windows_before >= min_history)
    highest = np.fmax.accumulate(share)
    near_top = share >= PEAK_FRACTION * highest * (1 - 1e-12)  # exactly 0.8 of the top counts, despite rounding
    falling = (p_down < alpha) & (g < 1)

    labels = np.full(c.size, "steady", dtype=object)
    rules = [
        (falling, "declining"),
        (near_top & _recently(rising, PEAK_LOOKBACK), "peaking"),
        (rising & ~small_before, "accelerating"),
        (rising & small_before, "emerging"),
        (noise, "noise"),
    ]
    for condition, label in rules:  # lowest priority first: later rules overwrite earlier ones
        labels[condition] = label
    return labels.astype(str)


def _unit_interval(frame: pd.DataFrame, column: str) -> pd.Series:
    values = frame[column].astype(float)
    if ((values < 0) | (values > 1)).any():
        raise ConfigError(f"column {column!r} must lie in [0, 1], got values from {values.min()} to {values.max()}")
    return values.fillna(0.0)


def _map_growth(frame: pd.DataFrame) -> pd.Series:
    if "p_value" not in frame:
        raise ConfigError("column 'growth' needs a 'p_value' column: growth only counts when significant")
    g = frame["growth"].astype(float)
    scaled = (np.log2(g.where(g > 0)) / 3).clip(0, 1).fillna(0.0)
    return scaled * (frame["p_value"].astype(float) < VIRALITY_ALPHA)


def _map_component(frame: pd.DataFrame, column: str) -> pd.Series:
    if column in ("momentum", "headroom"):  # log ratios: 0 maps to 0.5, e (or 1/e) times to 0.88 (0.12)
        return 0.5 * (1 + np.tanh(frame[column].astype(float).fillna(0.0)))
    if column == "growth":
        return _map_growth(frame)
    if column == "acceleration":
        return (frame[column].astype(float) / math.log(4)).clip(0, 1).fillna(0.0)
    if column == "engagement":
        z = frame[column].astype(float).fillna(0.0)
        return 0.5 * (1 + np.tanh(z / 2))  # the logistic function, without overflow
    return _unit_interval(frame, column)


def _weights_for(frame: pd.DataFrame, weights: dict[str, float] | None) -> dict[str, float]:
    weights = dict(VIRALITY_WEIGHTS if weights is None else weights)
    unknown = sorted(set(weights) - set(VIRALITY_WEIGHTS))
    if unknown:
        raise ConfigError(f"unknown virality component(s) {unknown}; known: {', '.join(VIRALITY_WEIGHTS)}")
    if any(not w >= 0 for w in weights.values()):
        raise ConfigError(f"virality weights must be >= 0, got {weights}")
    present = {name: w for name, w in weights.items() if name in frame and w > 0}
    if not present:
        raise ConfigError(
            f"no weighted virality component among the columns {list(frame.columns)}; "
            f"expected any of {', '.join(VIRALITY_WEIGHTS)}"
        )
    total = sum(present.values())
    return {name: w / total for name, w in present.items()}


def virality_components(frame: pd.DataFrame, weights: dict[str, float] | None = None) -> pd.DataFrame:
    """Map each trend's signals to ``[0, 1]`` and combine them into a 0-100 virality score.

    Parameters
    ----------
    frame
        One row per trend with any of the columns ``momentum``, ``headroom`` (log ratios from
        :func:`~trendlens.signals.stats.outlook`), ``engagement``, ``novelty``, ``growth``
        (needs ``p_value``), ``burst_share``, ``acceleration``, ``reach``.
    weights
        Weight per component; ``None`` = :data:`VIRALITY_WEIGHTS` (momentum 0.4, headroom 0.4,
        engagement 0.1, novelty 0.1; growth, burst_share, acceleration and reach 0). Components
        missing from ``frame`` (or weighted 0) are dropped and the remaining weights
        renormalised to sum to 1.

    Returns
    -------
    pandas.DataFrame
        Same index as ``frame``; one ``[0, 1]`` column per weighted component and
        ``virality = round(100 * weighted mean, 1)``. The mappings are:

        - momentum, headroom: ``(1 + tanh(x)) / 2`` (0 = 0.5; ``nan`` = 0.5);
        - growth: ``clip(log2(growth) / 3, 0, 1)`` (8-fold growth = 1), and 0
          unless ``p_value < 0.05``;
        - acceleration: ``clip(acceleration / log(4), 0, 1)``;
        - engagement (a robust z-score): ``1 / (1 + exp(-z))``, unknown = ``z = 0``;
        - burst_share, reach, novelty: taken as they are (must lie in ``[0, 1]``).

        ``nan`` maps to 0 except for engagement, momentum and headroom (0.5).
    """
    import pandas as pd

    normalised = _weights_for(frame, weights)
    mapped = pd.DataFrame({name: _map_component(frame, name) for name in normalised}, index=frame.index)
    score = sum(mapped[name] * w for name, w in normalised.items())
    mapped["virality"] = (100 * score).astype(float).round(1)
    return mapped


def virality_score(components: pd.DataFrame, weights: dict[str, float] | None = None) -> pd.Series:
    """The 0-100 virality score of each trend: the ``virality`` column of :func:`virality_components`."""
    return virality_components(components, weights)["virality"]
