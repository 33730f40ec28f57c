"""Render a :class:`TrendReport` as one self-contained HTML page that works offline.

With charts (the default) the page carries plotly.js inline (about 4.6 MB) and one script per
figure of :mod:`trendlens.plot`; nothing is fetched from a network. Without charts it has no
script at all. Every piece of text that comes from documents, metadata or the taxonomy goes
through :func:`html.escape` (in figures too: plotly.js reads some HTML tags); links are
rendered only for ``http(s)`` URLs.
"""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from trendlens.report.markdown import SERIES_SHOWN, fmt_growth, fmt_number, fmt_p, fmt_share
from trendlens.report.sections import NO_TRENDS, Item, insight_sections

if TYPE_CHECKING:
    from trendlens.report.content import ConsumerTrend, Example, ReportContent, Trend

STYLE = """
body{font-family:system-ui,-apple-system,Segoe UI,Roboto,sans-serif;margin:2rem auto;max-width:70rem;
color:#1d2330;line-height:1.45}
h1{margin-bottom:.2rem}h2{margin-top:2.2rem;border-bottom:1px solid #d8dce5;padding-bottom:.3rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
td,th{border:1px solid #d8dce5;padding:.3rem .55rem;text-align:left;vertical-align:top}
figure.chart{margin:1.2rem 0}figcaption{color:#5c6577;font-size:.9rem}
th{background:#f3f5f9}.muted{color:#5c6577}.stage{font-weight:600}.doc{font-family:ui-monospace,monospace;font-size:.85rem}
"""


def _text(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _link(url: str | None, label: str) -> str:
    if url and url.lower().startswith(("http://", "https://")):
        return f'<a href="{_text(url)}" rel="noopener noreferrer">{_text(label)}</a>'
    return _text(label)


def _example(ex: Example) -> str:
    when = f" ({_text(ex.timestamp[:10])})" if ex.timestamp else ""
    return f'<li><span class="doc">{_link(ex.url, ex.doc_id)}</span>{when}: {_text(ex.text)}</li>'


def _item(item: Item) -> str:
    title = f"<strong>{_text(item.title)}:</strong> " if item.title else ""
    cite = f' <span class="doc">({_text(", ".join(item.cite))})</span>' if item.cite else ""
    children = f"<ul>{''.join(_item(c) for c in item.children)}</ul>" if item.children else ""
    return f"<li>{title}{_text(item.text)}{cite}{children}</li>"


def _trend(number: str, t: Trend, window: str, depth: int = 2, anchor: str = "trend") -> str:
    """One trend's (or consumer trend's) section; its subsections one heading level deeper."""
    rows = [
        ("Size", f"{t.size} documents ({fmt_share(t.share)} of the corpus)"),
        ("Virality", f"{fmt_number(t.virality, '.1f')} / 100"),
        ("Components (0–1)", ", ".join(f"{k} {v:.2f}" for k, v in t.components.items()) or "n/a"),
        (f"Lifecycle (latest {window})", t.lifecycle or "n/a"),
        ("Growth", f"{fmt_growth(t.growth)} ({fmt_p(t.p_value)}){'; in a burst' if t.burst else ''}"),
        ("Keywords", ", ".join(t.keywords)),
        ("Seen", f"{t.first_seen or 'n/a'} to {t.last_seen or 'n/a'}"),
    ]
    facts = "".join(f"<tr><th>{_text(k)}</th><td>{_text(v)}</td></tr>" for k, v in rows)
    series = ""
    if t.series:
        shown = t.series[-SERIES_SHOWN:]
        head = "".join(f"<th>{_text(w.window)}</th>" for w in shown)
        counts = "".join(f"<td>{_text(w.count)}</td>" for w in shown)
        shares = "".join(f"<td>{_text(fmt_share(w.share))}</td>" for w in shown)
        stages = "".join(
            f'<td class="stage">{_text(w.lifecycle or "")}{" (burst)" if w.burst else ""}</td>' for w in shown
        )
        series = (
            f"<table><tr><th>{_text(window)}</th>{head}</tr><tr><th>documents</th>{counts}</tr>"
            f"<tr><th>share</th>{shares}</tr><tr><th>stage</th>{stages}</tr></table>"
        )
    h, sub = f"h{min(depth, 6)}", f"h{min(depth + 1, 6)}"
    examples = "".join(_example(e) for e in t.examples)
    sections = "".join(
        f"<{sub}>{_text(sec.title)}</{sub}><ul>{''.join(_item(i) for i in sec.items)}</ul>"
        for sec in insight_sections(t, nested=anchor == "trend" and depth > 2)
    )
    return (
        f'<section id="{anchor}-{_text(t.id)}"><{h}>{_text(number)}. {_text(t.label)}</{h}>'
        f"<{sub}>Virality signals</{sub}><table>{facts}</table>{series}"
        f"{sections}<{sub}>Example documents</{sub}><ul>{examples}</ul></section>"
    )


def _group(rank: int, group: ConsumerTrend, report: ReportContent) -> str:
    """A consumer trend's section with its sub trends nested."""
    body = _trend(str(rank), group, report.window, depth=2, anchor="consumer-trend")
    subs = report.sub_trends(group)
    if group.n_members == 1 and subs:
        note = f"This consumer trend is a single sub trend (trend id {subs[0].id})."
        return body.replace("</section>", f'<p class="muted">{_text(note)}</p></section>', 1)
    nested = "".join(_trend(f"{rank}.{k}", t, report.window, depth=4) for k, t in enumerate(subs, start=1))
    title = f"Sub trends of “{group.label}” ({group.n_members})"
    return body[: -len("</section>")] + f"<h3>{_text(title)}</h3>{nested}</section>"


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


def _figures(report: ReportContent) -> tuple[str, str]:
    """(plotly.js script for the head, the figures' HTML) or two empty strings when there is nothing to draw."""
    import plotly.io as pio
    from plotly.offline import get_plotlyjs

    shown = charts(report)
    if not shown:
        return "", ""
    config = {"displaylogo": False, "responsive": True, "toImageButtonOptions": {"format": "png"}}
    blocks = "".join(
        f'<figure class="chart">{pio.to_html(fig, include_plotlyjs=False, full_html=False, config=config)}'
        f"<figcaption>{_text(caption)}</figcaption></figure>"
        for caption, fig in shown
    )
    return f'<script type="text/javascript">{get_plotlyjs()}</script>', f"<h2>Charts</h2>{blocks}"


def render_html(report: ReportContent, with_charts: bool = True) -> str:
    """The whole report as a standalone HTML page (``with_charts=False``: tables only, no script)."""
    from trendlens.report.markdown import main_trend_line, near_duplicates_note

    c = report.corpus
    groups = report.consumer_trends
    summary = (
        f"Corpus {c.origin}: {c.n_documents} documents"
        + (f" ({c.start[:10]} to {c.end[:10]})" if c.start and c.end else "")
        + f"; {c.n_duplicates} exact duplicates dropped; {near_duplicates_note(c)}"
        f"{c.n_outliers} documents in no trend. "
        f"{len(groups)} consumer trends made of {len(report.trends)} sub trends, ranked by virality in the "
        f"latest {report.window}. Generated {report.created} (report schema {report.schema_version})."
    )
    main = main_trend_line(report)
    lead = f"<p>{_text(main.replace('**', ''))}</p>" if main else ""
    if report.ranking:
        lead = f"<p>Ranking: {_text(report.ranking)}</p>" + lead
    if groups:
        sections = "".join(_group(rank, g, report) for rank, g in enumerate(groups, start=1))
        ranking = "<h2>Consumer trends</h2>" + ranking_table(
            [(g.label, g.size, g.virality, g.lifecycle, g.growth) for g in groups],
            anchors=[f"consumer-trend-{g.id}" for g in groups],
        )
    else:  # a report written without consumer trends: every trend in full
        sections = "".join(_trend(str(rank), t, report.window) for rank, t in enumerate(report.trends, start=1))
        ranking = ""
    flat = (
        "<h2>All sub trends, ranked by virality</h2>"
        + ranking_table(
            [(t.label, t.size, t.virality, t.lifecycle, t.growth) for t in report.trends],
            anchors=[_anchor(t, report) for t in report.trends],
        )
        if report.trends
        else f"<p>{_text(NO_TRENDS)}</p>"
    )
    script, figures = _figures(report) if with_charts else ("", "")
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>Trend report</title><style>{STYLE}</style>{script}</head><body>"
        f'<h1>Trend report</h1><p class="muted">{_text(summary)}</p>{lead}{ranking}'
        f"{figures}{sections}{flat}</body></html>\n"
    )


def _anchor(trend: Trend, report: ReportContent) -> str:
    """Where a sub trend's section is on the page: its own, or its consumer trend's when that is this trend alone."""
    alone = {g.members[0]: g.id for g in report.consumer_trends if g.n_members == 1 and g.members}
    return f"consumer-trend-{alone[trend.id]}" if trend.id in alone else f"trend-{trend.id}"


def ranking_table(rows: list[tuple[object, ...]], anchors: list[str] | None = None) -> str:
    """The ranked trends as an HTML table of (label, size, virality, stage, growth) rows.

    ``anchors``: per row, the id of the section the label links to (the report page); none in a notebook.
    """
    body = "".join(
        f"<tr><td>{rank}</td><td>"
        + (f'<a href="#{_text(anchors[rank - 1])}">{_text(label)}</a>' if anchors else _text(label))
        + f"</td><td>{_text(size)}</td><td>{_text(fmt_number(virality, '.1f'))}</td>"
        f"<td>{_text(stage or 'n/a')}</td><td>{_text(fmt_growth(growth))}</td></tr>"
        for rank, (label, size, virality, stage, growth) in enumerate(rows, start=1)
    )
    head = "<tr><th>#</th><th>trend</th><th>size</th><th>virality</th><th>stage</th><th>growth</th></tr>"
    return f"<table>{head}{body}</table>"


def notebook_table(title: str, rows: list[tuple[object, ...]], limit: int = 20) -> str:
    """A compact HTML fragment for Jupyter: a title line and the first ``limit`` rows of :func:`ranking_table`."""
    more = f'<p class="muted">… and {len(rows) - limit} more</p>' if len(rows) > limit else ""
    return f"<div><p><strong>{_text(title)}</strong></p>{ranking_table(rows[:limit])}{more}</div>"


def render_notebook(report: ReportContent) -> str:
    """The report as Jupyter shows it: what went in and the ranked trends (figures: :mod:`trendlens.plot`)."""
    c = report.corpus
    title = f"TrendReport: {len(report.trends)} trends in {c.n_documents:,} documents ({c.origin}), by virality"
    rows = [(t.label, t.size, t.virality, t.lifecycle, t.growth) for t in report.trends]
    return notebook_table(title, rows) if rows else f"<p>{_text(title)}. {_text(NO_TRENDS)}</p>"
