"""Render a :class:`TrendReport` as Markdown."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from trendlens.report.model import Trend, TrendReport

#: Windows of history shown per trend in the Markdown report.
SERIES_SHOWN = 6


def cell(text: str, limit: int = 110) -> str:
    """Text made safe for one Markdown table cell: one line, pipes escaped, shortened."""
    flat = " ".join(text.split()).replace("|", "\\|")
    return flat if len(flat) <= limit else flat[: limit - 1].rstrip() + "…"


def fmt_growth(value: float | None) -> str:
    """Growth as ``×1.8``; ``n/a`` when unknown."""
    return "n/a" if value is None or value != value else f"×{value:.1f}"


def fmt_share(value: float | None) -> str:
    """A share as a percentage with one decimal; ``n/a`` when unknown."""
    return "n/a" if value is None or value != value else f"{100 * value:.1f}%"


def _trend_section(rank: int, trend: Trend, window: str) -> list[str]:
    lines = [
        f"## {rank}. {trend.label}",
        "",
        f"- **Trend id:** {trend.id}",
        f"- **Size:** {trend.size} documents ({fmt_share(trend.share)} of the corpus)",
        f"- **Growth:** {fmt_growth(trend.growth)} — share in the latest {window} "
        f"{fmt_share(trend.recent_share)} ({trend.recent_count} documents) vs {fmt_share(trend.baseline_share)} before",
        f"- **Seen:** {trend.first_seen or 'n/a'} to {trend.last_seen or 'n/a'}",
        f"- **Keywords:** {', '.join(trend.keywords)}",
        "",
    ]
    if trend.series:
        shown = trend.series[-SERIES_SHOWN:]
        lines += [
            f"| {window} | " + " | ".join(w.window for w in shown) + " |",
            "|---|" + "---|" * len(shown),
            "| documents | " + " | ".join(str(w.count) for w in shown) + " |",
            "| share | " + " | ".join(fmt_share(w.share) for w in shown) + " |",
            "",
        ]
    lines += ["**Example documents:**", ""]
    for ex in trend.examples:
        when = f" ({ex.timestamp[:10]})" if ex.timestamp else ""
        lines.append(f"- `{ex.doc_id}`{when}: {cell(ex.text, 300)}")
    lines.append("")
    return lines


def render_markdown(report: TrendReport) -> str:
    """The whole report: summary, a ranked table of trends, then one section per trend."""
    c = report.corpus
    span = f"{c.start[:10]} to {c.end[:10]}" if c.start and c.end else "no timestamps"
    lines = [
        "# Trend report",
        "",
        f"Corpus `{c.origin}`: {c.n_documents} documents ({span}); "
        f"{c.n_duplicates} exact duplicates dropped; {c.n_outliers} documents in no trend.",
        f"{len(report.trends)} trends, ranked by growth of their share in the latest {report.window} "
        f"against all earlier ones. Generated {report.created} (report schema {report.schema_version}).",
        "",
        "| # | trend | size | growth | example |",
        "|---|---|---|---|---|",
    ]
    for rank, t in enumerate(report.trends, start=1):
        example = cell(t.examples[0].text, 90) if t.examples else ""
        lines.append(f"| {rank} | {cell(t.label, 60)} | {t.size} | {fmt_growth(t.growth)} | {example} |")
    lines.append("")
    for rank, t in enumerate(report.trends, start=1):
        lines += _trend_section(rank, t, report.window)
    return "\n".join(lines)
