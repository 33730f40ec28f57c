"""The trend report: frozen result objects and their renderers (JSON, Markdown)."""

from trendlens.report.model import (
    SCHEMA_VERSION,
    ConsumerTrend,
    CorpusSummary,
    Evidence,
    Example,
    HierarchyLevel,
    Trend,
    TrendReport,
    WindowCount,
)

__all__ = [
    "SCHEMA_VERSION",
    "ConsumerTrend",
    "CorpusSummary",
    "Evidence",
    "Example",
    "HierarchyLevel",
    "Trend",
    "TrendReport",
    "WindowCount",
]
