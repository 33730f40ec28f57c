"""Time signals of trends: per-window counts and shares, growth against the past,
rate tests, bursts, lifecycle stages and a virality score."""

from trendlens.signals.lifecycle import lifecycle_labels, virality_components, virality_score
from trendlens.signals.series import WINDOWS, growth, window_counts, windows_of
from trendlens.signals.stats import (
    acceleration,
    choose_window,
    decline_test,
    kleinberg_bursts,
    rate_test,
    robust_engagement,
    trailing_growth,
)
from trendlens.signals.trends import SignalConfig

__all__ = [
    "WINDOWS",
    "SignalConfig",
    "acceleration",
    "choose_window",
    "decline_test",
    "growth",
    "kleinberg_bursts",
    "lifecycle_labels",
    "rate_test",
    "robust_engagement",
    "trailing_growth",
    "virality_components",
    "virality_score",
    "window_counts",
    "windows_of",
]
