"""The trend report: :class:`TrendReport`, its data (:mod:`trendlens.report.content`) with its renderers.

The dataclasses of :mod:`trendlens.report.content` are importable from here too.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from trendlens._io import atomic_write_texts
from trendlens.report.content import (
    NOT_STATED,
    SCHEMA_VERSION,
    AudienceFacet,
    ConsumerTrend,
    CorpusSummary,
    EntityFactors,
    Evidence,
    Example,
    FactorGroup,
    HierarchyLevel,
    Insight,
    MapPoint,
    ProposedNode,
    ReportContent,
    Statement,
    Trend,
    TrendGroup,
    WindowCount,
)

__all__ = [
    "SCHEMA_VERSION",
    "NOT_STATED",
    "AudienceFacet",
    "ConsumerTrend",
    "CorpusSummary",
    "EntityFactors",
    "Evidence",
    "Example",
    "FactorGroup",
    "HierarchyLevel",
    "Insight",
    "MapPoint",
    "ProposedNode",
    "ReportContent",
    "Statement",
    "Trend",
    "TrendGroup",
    "WindowCount",
    "TrendReport",
]


@dataclass(frozen=True)
class TrendReport(ReportContent):
    """A finished report; render it with :meth:`to_markdown` / :meth:`to_json`, or save it."""

    def rewrite(self, generator: Any, sections: Any = None) -> TrendReport:
        """A copy with the wording of ``sections`` (default: all rewritable ones) changed by ``generator``.

        See :mod:`trendlens.report.generate`; evidence and taxonomy references are kept.
        """
        from trendlens.report.generate import SECTIONS, rewrite_report

        return rewrite_report(self, generator, SECTIONS if sections is None else sections)

    def to_markdown(self) -> str:
        """The report as Markdown."""
        from trendlens.report.markdown import render_markdown

        return render_markdown(self)

    def to_html(self, charts: bool = True) -> str:
        """The report as one self-contained HTML page that works offline, every text escaped.

        ``charts``: include the figures of :mod:`trendlens.plot` (plotly.js inline, ~4.6 MB);
        ``False`` gives a page with tables only and no script.
        """
        from trendlens.report.html import render_html

        return render_html(self, with_charts=charts)

    def _repr_html_(self) -> str:
        """Shown by Jupyter: the summary table and the first trends, without the charts (call ``plot``)."""
        from trendlens.report.html import render_notebook

        return render_notebook(self)

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``report.json``, ``report.md`` and ``report.html`` into ``out_dir`` as a set.

        All three are rendered first, then written to temporary files and renamed over the
        old ones together (:func:`trendlens._io.atomic_write_texts`): an error or a kill
        leaves the previous report, and no file is ever half-written.
        """
        out = Path(out_dir)
        rendered = {"json": self.to_json(), "markdown": self.to_markdown(), "html": self.to_html()}
        out.mkdir(parents=True, exist_ok=True)
        paths = {"json": out / "report.json", "markdown": out / "report.md", "html": out / "report.html"}
        atomic_write_texts({paths[kind]: text for kind, text in rendered.items()})
        return paths
