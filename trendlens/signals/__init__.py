"""Time signals of trends: per-window counts and shares, growth against the past."""

from trendlens.signals.series import WINDOWS, growth, trend_growth, window_counts, windows_of

__all__ = ["WINDOWS", "growth", "trend_growth", "window_counts", "windows_of"]
