"""Render a :class:`TrendReport` as one self-contained HTML page that works offline.

With charts (the default) the page carries plotly.js inline (about 4.6 MB) and one script per
figure of :mod:`trendlens.plot`; nothing is fetched from a network. Without charts it has no
script at all. The markup is in jinja2 templates (``trendlens/report/templates``) rendered
with autoescape: every piece of text that comes from documents, metadata or the taxonomy is
escaped by jinja2 (figures escape their own text: plotly.js reads some HTML tags); the only
markup inserted as is comes from plotly (plotly.js and :func:`plotly.io.to_html`). Links are
rendered only for ``http(s)`` URLs. This module prepares plain values (numbers formatted as in
the Markdown report, sections from :mod:`trendlens.report.sections`); jinja2 is imported only
when a page is rendered.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from functools import lru_cache
from typing import TYPE_CHECKING, Any

from trendlens.report.markdown import (
    SERIES_SHOWN,
    UNDATED,
    fmt_growth,
    fmt_number,
    fmt_p,
    fmt_share,
    seen,
    undated,
)
from trendlens.report.sections import NO_TRENDS, Section, insight_sections

if TYPE_CHECKING:
    from jinja2 import Environment

    from trendlens.report.content import ConsumerTrend, Example, ReportContent, Trend


def _web_url(url: object) -> bool:
    """A URL the page may link to: http(s) only (no ``javascript:``, ``data:``, relative paths)."""
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


@lru_cache(maxsize=1)
def _environment() -> Environment:
    """The templates' environment, built on first use (so ``import trendlens`` does not load jinja2)."""
    from jinja2 import Environment, PackageLoader, StrictUndefined

    env = Environment(
        loader=PackageLoader("trendlens.report", "templates"),
        autoescape=True,  # every template here is HTML: escape every value not marked safe
        undefined=StrictUndefined,  # a misspelt name fails instead of rendering as nothing
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.tests["web_url"] = _web_url
    return env


def _macros() -> Any:
    """The macros of ``macros.html.j2``, callable from Python."""
    return _environment().get_template("macros.html.j2").module


@dataclass(frozen=True)
class _Series:
    """The last windows of a trend's series, as the table shows them."""

    window: str
    windows: list[str]
    counts: list[int]
    shares: list[str]
    stages: list[str]


@dataclass(frozen=True)
class _TrendView:
    """What one trend's section shows; ``note`` and ``subs`` only for a consumer trend."""

    anchor: str
    number: str
    label: str
    h: int
    sub: int
    facts: list[tuple[str, str]]
    series: _Series | None
    sections: list[Section]
    examples: tuple[Example, ...]
    note: str | None = None
    subs_title: str | None = None
    subs: list[_TrendView] = field(default_factory=list)


@dataclass(frozen=True)
class _Row:
    """One row of a ranking table."""

    rank: int
    label: object
    size: object
    virality: str
    stage: object
    growth: str
    anchor: str | None


def _trend(number: str, t: Trend, window: str, depth: int = 2, anchor: str = "trend") -> _TrendView:
    """One trend's (or consumer trend's) section; its subsections one heading level deeper."""
    size = ("Size", f"{t.size} documents ({fmt_share(t.share)} of the corpus)")
    if undated(t):
        facts = [size, ("Virality, growth and lifecycle", UNDATED)]
    else:
        facts = [
            size,
            ("Virality", f"{fmt_number(t.virality, '.1f')} / 100"),
            ("Components (0–1)", ", ".join(f"{k} {v:.2f}" for k, v in t.components.items()) or "n/a"),
            (f"Lifecycle (latest {window})", t.lifecycle or "n/a"),
            ("Growth", f"{fmt_growth(t.growth)} ({fmt_p(t.p_value)}){'; in a burst' if t.burst else ''}"),
        ]
    facts += [("Keywords", ", ".join(t.keywords)), ("Seen", seen(t))]
    series = None
    if t.series:
        shown = t.series[-SERIES_SHOWN:]
        series = _Series(
            window=window,
            windows=[w.window for w in shown],
            counts=[w.count for w in shown],
            shares=[fmt_share(w.share) for w in shown],
            stages=[f"{w.lifecycle or ''}{' (burst)' if w.burst else ''}" for w in shown],
        )
    return _TrendView(
        anchor=f"{anchor}-{t.id}",
        number=number,
        label=t.label,
        h=min(depth, 6),
        sub=min(depth + 1, 6),
        facts=facts,
        series=series,
        sections=insight_sections(t, nested=anchor == "trend" and depth > 2),
        examples=t.examples,
    )


def _group(rank: int, group: ConsumerTrend, report: ReportContent) -> _TrendView:
    """A consumer trend's section with its sub trends nested."""
    view = _trend(str(rank), group, report.window, depth=2, anchor="consumer-trend")
    subs = report.sub_trends(group)
    if group.n_members == 1 and subs:
        return replace(view, note=f"This consumer trend is a single sub trend (trend id {subs[0].id}).")
    return replace(
        view,
        subs_title=f"Sub trends of “{group.label}” ({group.n_members})",
        subs=[_trend(f"{rank}.{k}", t, report.window, depth=4) for k, t in enumerate(subs, start=1)],
    )


def charts(report: ReportContent) -> list[tuple[str, object]]:
    """The figures the page shows for ``report``: (caption, plotly figure), those its data allows."""
    from trendlens import plot

    shown: list[tuple[str, object]] = []
    if not report.trends:
        return shown
    if any(t.series for t in report.trends):
        shown.append(("Trends over time; markers coloured by lifecycle stage.", plot.timeline(report)))
        shown.append(("Virality map: growth against volume.", plot.virality_map(report)))
    if any(t.hierarchy for t in report.trends):
        shown.append(("Where the trends sit in the hierarchy (click to zoom).", plot.hierarchy(report)))
    if report.document_map:
        shown.append(("Documents by similarity, coloured by trend.", plot.document_map(report)))
    return shown


def _figures(report: ReportContent) -> tuple[str, list[dict[str, str]]]:
    """(plotly.js, each figure's HTML with its caption), or nothing when there is nothing to draw.

    Both are plotly's own output, which the page template inserts unescaped (``|safe``); the
    figures' text was escaped by :mod:`trendlens.plot`, and plotly writes their data as JSON
    with ``<`` as ``\\u003c``, so no text can close a script.
    """
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    shown = charts(report)
    if not shown:
        return "", []
    config = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png"}}
    figures = [
        {"html": pio.to_html(fig, include_plotlyjs=False, full_html=False, config=config), "caption": caption}
        for caption, fig in shown
    ]
    return get_plotlyjs(), figures


def render_html(report: ReportContent, with_charts: bool = True) -> str:
    """The whole report as a standalone HTML page (``with_charts=False``: tables only, no script)."""
    from trendlens.report.markdown import main_trend_line
    from trendlens.report.sections import summary_sentences

    groups = report.consumer_trends
    summary = summary_sentences(report, report.corpus.origin)
    main = main_trend_line(report)
    if groups:
        sections = [_group(rank, g, report) for rank, g in enumerate(groups, start=1)]
    else:  # a report written without consumer trends: every trend in full
        sections = [_trend(str(rank), t, report.window) for rank, t in enumerate(report.trends, start=1)]
    plotly_js, figures = _figures(report) if with_charts else ("", [])
    page = (
        _environment()
        .get_template("report.html.j2")
        .render(
            summary=summary,
            ranking_note=report.ranking or None,
            main_line=main.replace("**", "") if main else None,
            groups=_rows(
                [(g.label, g.size, g.virality, g.lifecycle, g.growth) for g in groups],
                [f"consumer-trend-{g.id}" for g in groups],
            ),
            trends=_rows(
                [(t.label, t.size, t.virality, t.lifecycle, t.growth) for t in report.trends],
                [_anchor(t, report) for t in report.trends],
            ),
            no_trends=NO_TRENDS,
            sections=sections,
            plotly_js=plotly_js,
            figures=figures,
        )
    )
    return page + "\n"


def _anchor(trend: Trend, report: ReportContent) -> str:
    """Where a sub trend's section is on the page: its own, or its consumer trend's when that is this trend alone."""
    alone = {g.members[0]: g.id for g in report.consumer_trends if g.n_members == 1 and g.members}
    return f"consumer-trend-{alone[trend.id]}" if trend.id in alone else f"trend-{trend.id}"


def _rows(rows: list[tuple[object, ...]], anchors: list[str] | None = None) -> list[_Row]:
    """Ranking rows as the table shows them: (label, size, virality, stage, growth) numbered and formatted."""
    return [
        _Row(
            rank=rank,
            label=label,
            size=size,
            virality=fmt_number(virality, ".1f"),
            stage=stage or "n/a",
            growth=fmt_growth(growth),
            anchor=anchors[rank - 1] if anchors else None,
        )
        for rank, (label, size, virality, stage, growth) in enumerate(rows, start=1)
    ]


def ranking_table(rows: list[tuple[object, ...]], anchors: list[str] | None = None) -> str:
    """The ranked trends as an HTML table of (label, size, virality, stage, growth) rows.

    ``anchors``: per row, the id of the section the label links to (the report page); none in a notebook.
    """
    return str(_macros().ranking_table(_rows(rows, anchors)))


def notebook_table(title: str, rows: list[tuple[object, ...]], limit: int = 20) -> str:
    """A compact HTML fragment for Jupyter: a title line and the first ``limit`` rows of :func:`ranking_table`."""
    return str(_macros().notebook_table(title, _rows(rows[:limit]), max(len(rows) - limit, 0)))


def render_notebook(report: ReportContent) -> str:
    """The report as Jupyter shows it: what went in and the ranked trends (figures: :mod:`trendlens.plot`)."""
    c = report.corpus
    title = f"TrendReport: {len(report.trends)} trends in {c.n_documents:,} documents ({c.origin}), by virality"
    rows = [(t.label, t.size, t.virality, t.lifecycle, t.growth) for t in report.trends]
    return notebook_table(title, rows) if rows else str(_macros().paragraph(f"{title}. {NO_TRENDS}"))


def detector_view(det: Any) -> str:
    """Jupyter's view of a fitted detector: a headline and its ranked trends (:func:`notebook_table`)."""
    from trendlens.plot import trend_frame

    table = trend_frame(det)
    rows = list(zip(*(table[c] for c in ("label", "size", "virality", "lifecycle", "growth"))))
    title = (
        f"TrendDetector: {len(table)} trends in {len(det.corpus_):,} documents, "
        f"{int((det.labels_ < 0).sum()):,} in no trend; window {det.window_}"
    )
    return notebook_table(title, rows)
