"""Render a :class:`TrendReport` as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

from trendlens.report.sections import NO_TRENDS, Item, insight_sections, many, summary_sentences

if TYPE_CHECKING:
    from trendlens.report.content import ConsumerTrend, ReportContent, Trend

#: Windows of history shown per trend in the Markdown report.
SERIES_SHOWN = 6


#: Characters a document's text could use to make Markdown viewers render HTML, links or images.
_MARKUP = str.maketrans({c: "\\" + c for c in "\\<>[]|`"})


def one_line(text: object, limit: int = 110) -> str:
    """Text on one line, shortened to ``limit`` characters (for terminals and Markdown alike)."""
    flat = " ".join(str(text).split())
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def cell(text: str, limit: int = 110) -> str:
    """Text made inert for one line of Markdown: one line, shortened, and ``< > [ ] | ` \\``
    backslash-escaped, so a document cannot inject HTML, a link or an image into the report."""
    return one_line(text, limit).translate(_MARKUP)


def code(text: object) -> str:
    """An id as a Markdown code span (backticks inside it, which would end the span, become quotes)."""
    return "`" + " ".join(str(text).split()).replace("`", "'") + "`"


def fmt_growth(value: float | None) -> str:
    """Growth as ``×1.8``; ``n/a`` when unknown."""
    return "n/a" if value is None or value != value else f"×{value:.1f}"


def fmt_share(value: float | None) -> str:
    """A share as a percentage with one decimal; ``n/a`` when unknown."""
    return "n/a" if value is None or value != value else f"{100 * value:.1f}%"


def fmt_number(value: float | None, spec: str = ".2f") -> str:
    """A number with ``spec``; ``n/a`` when unknown."""
    return "n/a" if value is None or value != value else format(value, spec)


def fmt_p(value: float | None) -> str:
    """A p-value: ``p < 0.001`` below that, else three decimals."""
    if value is None or value != value:
        return "n/a"
    return "p < 0.001" if value < 0.001 else f"p = {value:.3f}"


#: What a trend of undated documents says in place of its signals and time span.
UNDATED = "not scored over time: the documents have no timestamps"


def undated(trend: Trend) -> bool:
    """Whether the trend has no dated document: no time span, no series, no virality (BBC's articles)."""
    return not trend.first_seen and not trend.series and (trend.virality is None or trend.virality != trend.virality)


def _signals_lines(trend: Trend, window: str) -> list[str]:
    engagement = (
        f"- **Engagement** (robust z within source): {fmt_number(trend.engagement)}; "
        f"**reach** (distinct voices per document): {fmt_number(trend.reach)}; "
        f"**novelty**: {fmt_number(trend.novelty)}"
    )
    if undated(trend):  # four lines of "n/a" say less than one line of why
        known = trend.engagement is not None or trend.reach is not None
        return [f"- **Virality, growth and lifecycle:** {UNDATED}", *([engagement] if known else [])]
    components = ", ".join(f"{name} {value:.2f}" for name, value in trend.components.items())
    return [
        f"- **Virality:** {fmt_number(trend.virality, '.1f')} / 100"
        + (f" (components, each 0–1: {components})" if components else ""),
        f"- **Lifecycle (latest {window}):** {trend.lifecycle or 'n/a'}"
        + (f"; first emerging {trend.onset}" if trend.onset else "")
        + (f"; largest share {trend.peak}" if trend.peak else ""),
        f"- **Growth:** {fmt_growth(trend.growth)} against the trailing windows ({fmt_p(trend.p_value)})"
        + ("; in a burst" if trend.burst else ""),
        engagement,
    ]


def seen(trend: Trend) -> str:
    """The trend's time span, or that its documents are undated."""
    return "undated" if undated(trend) else f"{trend.first_seen or 'n/a'} to {trend.last_seen or 'n/a'}"


def _item_lines(item: Item, depth: int = 0) -> list[str]:
    pad = "  " * depth
    title = f"**{cell(item.title, 200)}:** " if item.title else ""
    cite = f" ({', '.join(code(c) for c in item.cite)})" if item.cite else ""
    lines = [f"{pad}- {title}{cell(item.text, 500)}{cite}"]
    for child in item.children:
        lines += _item_lines(child, depth + 1)
    return lines


def _sections_lines(trend: Trend, depth: int = 3, nested: bool = False) -> list[str]:
    lines: list[str] = []
    for section in insight_sections(trend, nested=nested):
        lines += [f"{'#' * depth} {section.title}", ""]
        for item in section.items:
            lines += _item_lines(item)
        lines.append("")
    return lines


def _series_lines(trend: Trend, window: str) -> list[str]:
    if not trend.series:
        return []
    shown = trend.series[-SERIES_SHOWN:]
    return [
        f"| {window} | " + " | ".join(w.window for w in shown) + " |",
        "|---|" + "---|" * len(shown),
        "| documents | " + " | ".join(str(w.count) for w in shown) + " |",
        "| share | " + " | ".join(fmt_share(w.share) for w in shown) + " |",
        "| growth | " + " | ".join(fmt_growth(w.growth) for w in shown) + " |",
        "| stage | " + " | ".join((w.lifecycle or "") + (" (burst)" if w.burst else "") for w in shown) + " |",
        "",
    ]


def _trend_section(number: str, trend: Trend, window: str, depth: int = 2, kind: str = "Trend") -> list[str]:
    """One trend's (or consumer trend's) section; its subsections one heading level deeper."""
    sub = "#" * (depth + 1)
    lines = [
        f"{'#' * depth} {number}. {cell(trend.label, 200)}",
        "",
        f"- **{kind} id:** {code(trend.id)}",
        f"- **Size:** {trend.size} documents ({fmt_share(trend.share)} of the corpus)",
        f"- **Seen:** {seen(trend)}",
        f"- **Keywords:** {cell(', '.join(trend.keywords), 500)}",
        "",
        f"{sub} Virality signals",
        "",
        *_signals_lines(trend, window),
        "",
        *_series_lines(trend, window),
    ]
    lines += _sections_lines(trend, depth + 1, nested=kind == "Sub trend")
    lines += [f"{sub} Example documents", ""]
    for ex in trend.examples:
        when = f" ({ex.timestamp[:10]})" if ex.timestamp else ""
        lines.append(f"- {code(ex.doc_id)}{when}: {cell(ex.text, 300)}")
    lines.append("")
    return lines


def _ranking_lines(rows: list[tuple[str, ...]], header: tuple[str, ...]) -> list[str]:
    return ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)] + ["| " + " | ".join(r) + " |" for r in rows]


def _trend_row(rank: int, t: Trend, *extra: str) -> tuple[str, ...]:
    example = cell(t.examples[0].text, 90) if t.examples else ""
    return (
        str(rank),
        cell(t.label, 60),
        *extra,
        str(t.size),
        fmt_number(t.virality, ".1f"),
        t.lifecycle or "n/a",
        fmt_growth(t.growth),
        example,
    )


def main_trend_line(report: ReportContent) -> str | None:
    """One sentence when a single consumer trend holds most documents in trends: the corpus's main trend."""
    if not report.consumer_trends:
        return None
    clustered = report.corpus.n_documents - report.corpus.n_outliers
    top = max(report.consumer_trends, key=lambda g: g.size)
    if clustered <= 0 or top.size < 0.5 * clustered:
        return None
    return (
        f"**Main trend:** “{one_line(top.label, 120)}” holds {top.size} of the {clustered} documents in trends "
        f"({100 * top.size / clustered:.0f}%), in {many(top.n_members, 'sub trend')} (its facets)."
    )


def render_markdown(report: ReportContent) -> str:
    """The whole report: consumer trends ranked, each with its sub trends nested; then every sub trend ranked."""
    groups = report.consumer_trends
    lines = ["# Trend report", "", summary_sentences(report, code(report.corpus.origin)), ""]
    if report.ranking:
        lines += [f"**Ranking:** {report.ranking}", ""]
    main = main_trend_line(report)
    if main:
        lines += [main, ""]
    if not report.trends:
        return "\n".join([*lines, NO_TRENDS, ""])
    if groups:
        header = ("#", "consumer trend", "sub trends", "size", "virality", "stage", "growth", "example")
        lines += ["## Consumer trends", ""]
        lines += _ranking_lines([_trend_row(k, g, str(g.n_members)) for k, g in enumerate(groups, 1)], header)
        lines.append("")
        for rank, group in enumerate(groups, start=1):
            lines += _group_section(rank, group, report)
    if not groups:  # a report written without consumer trends: the ranked trends, each in full
        header = ("#", "trend", "size", "virality", "stage", "growth", "example")
        lines += _ranking_lines([_trend_row(k, t) for k, t in enumerate(report.trends, 1)], header)
        lines.append("")
        for rank, t in enumerate(report.trends, start=1):
            lines += _trend_section(str(rank), t, report.window)
        return "\n".join(lines)
    header = ("#", "sub trend", "consumer trend", "size", "virality", "stage", "growth", "example")
    names = {m: g.label for g in groups for m in g.members}
    lines += ["## All sub trends, ranked by virality", ""]
    rows = [_trend_row(k, t, cell(names.get(t.id, "—"), 40)) for k, t in enumerate(report.trends, 1)]
    lines += _ranking_lines(rows, header)
    lines.append("")
    return "\n".join(lines)


def _group_section(rank: int, group: ConsumerTrend, report: ReportContent) -> list[str]:
    lines = _trend_section(str(rank), group, report.window, depth=2, kind="Consumer trend")
    subs = report.sub_trends(group)
    if group.n_members == 1 and subs:
        return lines + [f"This consumer trend is a single sub trend (trend id {code(subs[0].id)}).", ""]
    shown = f", {len(subs)} in this report" if len(subs) < group.n_members else ""
    lines += [f"### Sub trends of “{cell(group.label, 120)}” ({group.n_members}{shown})", ""]
    for k, trend in enumerate(subs, start=1):
        lines += _trend_section(f"{rank}.{k}", trend, report.window, depth=4, kind="Sub trend")
    return lines
