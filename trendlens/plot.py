"""Pictures of trends, as plotly figures: over time, virality against volume, the hierarchy, the document map.

Every function takes a fitted :class:`~trendlens.TrendDetector` or a
:class:`~trendlens.TrendReport` (so a saved ``report.json`` can be drawn again without
refitting) and returns a ``plotly.graph_objects.Figure``: show it in a notebook, save it with
``fig.write_html(...)``, or let ``report.to_html()`` embed it.

>>> from trendlens import plot                     # doctest: +SKIP
>>> plot.timeline(det).show()                      # doctest: +SKIP
>>> plot.virality_map(TrendReport.load("out/report.json"))  # doctest: +SKIP

Text from documents and labels is HTML-escaped before it reaches a figure (plotly.js reads a
few HTML tags in labels and hover text).
"""

from __future__ import annotations

import dataclasses
from html import escape
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlens.errors import ConfigError, NotFittedError
from trendlens.hierarchy._schema import LEVELS
from trendlens.report.sections import LEVEL_NAMES as DISPLAY_NAMES

if TYPE_CHECKING:
    import pandas as pd
    import plotly.graph_objects as go

#: Colour of each lifecycle stage, the same in every figure (colour-blind-safe Okabe–Ito hues).
STAGE_COLOURS = {
    "emerging": "#009E73",
    "accelerating": "#E69F00",
    "peaking": "#D55E00",
    "steady": "#0072B2",
    "declining": "#CC79A7",
    "noise": "#999999",
    "n/a": "#BBBBBB",
}
#: The hierarchy's levels from the top (social drive) down, as shown; sub trends (the clusters) sit below them.
LEVEL_NAMES = {level: DISPLAY_NAMES[level].lower() for level in LEVELS}
UNMAPPED = "unmapped / novel"
#: Document-map group of documents whose trend is not in the report (a report of the top N trends).
OTHER = -2
FONT = "system-ui, -apple-system, Segoe UI, Roboto, sans-serif"


def _safe(value: Any, limit: int | None = None) -> str:
    text = "" if value is None else str(value)
    if limit is not None and len(text) > limit:
        text = text[: limit - 1] + "…"
    return escape(text, quote=True)


def _is_report(source: Any) -> bool:
    return hasattr(source, "trends") and hasattr(source, "corpus") and hasattr(source, "to_json")


def trend_frame(source: Any, top: int | None = None) -> pd.DataFrame:
    """One row per trend, in rank order: trend, label, size, virality, lifecycle, growth, engagement, levels."""
    import pandas as pd

    if _is_report(source):
        rows = []
        for t in source.trends:
            row = {
                "trend": t.id,
                "label": t.label,
                "size": t.size,
                "virality": t.virality,
                "lifecycle": t.lifecycle,
                "growth": t.growth,
                "engagement": t.engagement,
            }
            row.update({h.level: h.name if h.node_id else UNMAPPED for h in t.hierarchy})
            rows.append(row)
        base = ["trend", "label", "size", "virality", "lifecycle", "growth", "engagement"]
        frame = pd.DataFrame(rows) if rows else pd.DataFrame(columns=base)
    else:
        _check_fitted(source)
        frame = source.trends_.reset_index()
        for level in LEVEL_NAMES:
            if f"{level}_id" in frame:
                frame[level] = [n if i else UNMAPPED for n, i in zip(frame[level], frame[f"{level}_id"])]
    for column in ("virality", "lifecycle", "growth", "engagement"):
        if column not in frame:
            frame[column] = None
    frame["lifecycle"] = frame["lifecycle"].where(frame["lifecycle"].notna(), "n/a")
    return frame if top is None else frame.head(top)


def _series(source: Any) -> pd.DataFrame:
    """One row per trend and window: trend, window, count, share, lifecycle, burst."""
    import pandas as pd

    columns = ["trend", "window", "count", "share", "lifecycle", "burst"]
    if _is_report(source):
        rows = [
            (t.id, w.window, w.count, w.share, w.lifecycle or "n/a", w.burst) for t in source.trends for w in t.series
        ]
        return pd.DataFrame(rows, columns=columns)
    _check_fitted(source)
    if not len(source.signals_):
        return pd.DataFrame(columns=columns)
    frame = source.signals_.reset_index()[columns].copy()
    frame["window"] = frame["window"].astype(str)
    frame["lifecycle"] = frame["lifecycle"].fillna("n/a")
    return frame


def _check_fitted(source: Any) -> None:
    """An estimator not fitted yet raises :class:`NotFittedError`; anything else not a detector, ``ConfigError``."""
    if hasattr(source, "trends_"):
        return
    if hasattr(source, "fit"):
        raise NotFittedError(f"plot: this {type(source).__name__} is not fitted yet; call fit() first")
    raise ConfigError(f"plot: expected a fitted TrendDetector or a TrendReport, got {type(source).__name__}")


def _figure() -> go.Figure:
    import plotly.graph_objects as go

    fig = go.Figure()
    fig.update_layout(template="plotly_white", font={"family": FONT, "size": 12}, margin={"l": 60, "r": 20, "t": 60})
    return fig


def timeline(source: Any, top: int = 12, value: str = "share", columns: int = 3) -> go.Figure:
    """Each of the ``top`` trends over time, one small panel each; markers coloured by lifecycle stage.

    ``value``: ``"share"`` (of all documents in the window, the default: a trend does not grow
    because the corpus did) or ``"count"``.
    """
    from plotly.subplots import make_subplots

    if value not in ("share", "count"):
        raise ConfigError(f"timeline: value must be 'share' or 'count', got {value!r}")
    trends = trend_frame(source, top)
    series = _series(source)
    n = max(1, len(trends))
    rows = -(-n // columns)
    titles = [_safe(f"{rank}. {label}", 48) for rank, label in enumerate(trends["label"], start=1)]
    fig = make_subplots(rows=rows, cols=columns, subplot_titles=titles or [""], shared_xaxes=True, vertical_spacing=0.1)
    fig.update_layout(template="plotly_white", font={"family": FONT, "size": 11}, margin={"l": 50, "r": 20, "t": 70})
    seen: set[str] = set()
    for k, (trend, label) in enumerate(zip(trends["trend"], trends["label"])):
        part = series[series["trend"] == trend]
        row, col = k // columns + 1, k % columns + 1
        fig.add_scatter(
            x=part["window"],
            y=part[value],
            mode="lines",
            line={"color": "#9aa3b5", "width": 1.5},
            showlegend=False,
            hoverinfo="skip",
            row=row,
            col=col,
        )
        for stage, points in part.groupby("lifecycle"):
            fig.add_scatter(
                x=points["window"],
                y=points[value],
                mode="markers",
                marker={"color": STAGE_COLOURS.get(stage, "#333333"), "size": 7},
                name=_safe(stage),
                legendgroup=str(stage),
                showlegend=stage not in seen,
                customdata=np.column_stack([points["count"], points["share"] * 100]),
                hovertemplate=f"<b>{_safe(label, 60)}</b><br>%{{x}}: %{{customdata[0]}} documents, "
                f"%{{customdata[1]:.2f}}% of all<br>{_safe(stage)}<extra></extra>",
                row=row,
                col=col,
            )
            seen.add(stage)
    fig.update_yaxes(tickformat=".1%" if value == "share" else ",d", rangemode="tozero")
    fig.update_layout(
        title=f"Top {len(trends)} trends over time ({value} of documents per window, colour: lifecycle stage)",
        height=max(320, 230 * rows),
        legend={"title": {"text": "stage"}},
    )
    return fig


def virality_map(source: Any, top: int | None = None) -> go.Figure:
    """Trends by growth (x, log scale) against volume (y, documents); bubble size: engagement; colour: stage.

    Without engagement counts in the input every bubble has the same size.
    """
    trends = trend_frame(source, top)
    fig = _figure()
    growth = trends["growth"].astype(float)
    x = growth.where(growth > 0).fillna(1.0)
    engagement = trends["engagement"].astype(float)
    has_engagement = bool(np.isfinite(engagement).any())
    if has_engagement:
        scaled = np.sqrt(engagement.fillna(engagement.min()).clip(lower=0))
        sizes = 10 + 40 * scaled / (scaled.max() or 1.0)
    else:
        sizes = np.full(len(trends), 16.0)
    for stage in sorted(set(trends["lifecycle"]), key=list(STAGE_COLOURS).index):
        rows = trends["lifecycle"] == stage
        fig.add_scatter(
            x=x[rows],
            y=trends.loc[rows, "size"],
            mode="markers",
            marker={"size": sizes[rows], "color": STAGE_COLOURS.get(stage), "opacity": 0.75, "line": {"width": 0.5}},
            name=_safe(stage),
            text=[_safe(label, 60) for label in trends.loc[rows, "label"]],
            customdata=np.column_stack([trends.loc[rows, "virality"].astype(float), engagement[rows]]),
            hovertemplate="<b>%{text}</b><br>growth ×%{x:.2f}, %{y} documents<br>virality %{customdata[0]:.1f}"
            + ("<br>engagement %{customdata[1]:.2f}" if has_engagement else "")
            + "<extra></extra>",
        )
    fig.add_vline(x=1.0, line={"color": "#c4c9d4", "dash": "dot"})
    fig.update_xaxes(type="log", title="growth in the latest window (× the trailing baseline; 1 = flat)")
    fig.update_yaxes(type="log", title="documents in the trend")
    fig.update_layout(
        title="Virality map: growth against volume"
        + (" (bubble size: engagement)" if has_engagement else " (no engagement counts in the input)"),
        height=520,
        legend={"title": {"text": "stage"}},
    )
    return fig


def hierarchy(source: Any, kind: str = "sunburst") -> go.Figure:
    """Trends in the taxonomy: social drive → worldwide social trend → big social trend → consumer trend → trend.

    ``kind``: ``"sunburst"`` or ``"treemap"``. Sizes are documents; a level a trend could not be
    placed on is "unmapped / novel".
    """
    import plotly.graph_objects as go

    if kind not in ("sunburst", "treemap"):
        raise ConfigError(f"hierarchy: kind must be 'sunburst' or 'treemap', got {kind!r}")
    trends = trend_frame(source)
    levels = [level for level in LEVEL_NAMES if level in trends]
    if not levels:
        raise ConfigError("hierarchy: these trends were not placed in a taxonomy (TrendDetector(taxonomy=None)?)")

    def node_id(path: tuple[str, ...]) -> str:  # names may hold "/" ("unmapped / novel"): join on a control char
        return "\x1f".join(path)

    ids, labels, parents, values = [], [], [], []
    totals: dict[tuple[str, ...], int] = {}
    for _, t in trends.iterrows():
        path = tuple(str(t[level]) for level in levels)
        for depth in range(1, len(path) + 1):
            totals[path[:depth]] = totals.get(path[:depth], 0) + int(t["size"])
        ids.append(node_id((*path, f"#{t['trend']}")))
        labels.append(_safe(t["label"], 40))
        parents.append(node_id(path))
        values.append(int(t["size"]))
    for path, total in totals.items():
        ids.append(node_id(path))
        labels.append(_safe(path[-1], 40))
        parents.append(node_id(path[:-1]))
        values.append(total)
    trace = go.Sunburst if kind == "sunburst" else go.Treemap
    fig = _figure()
    fig.add_trace(
        trace(
            ids=ids,
            labels=labels,
            parents=parents,
            values=values,
            branchvalues="total",
            hovertemplate="<b>%{label}</b><br>%{value} documents<extra></extra>",
            maxdepth=3 if kind == "sunburst" else -1,
        )
    )
    names = " → ".join([LEVEL_NAMES[level] for level in levels] + ["trend"])
    fig.update_layout(title=f"Trends in the hierarchy: {names}", height=640, margin={"t": 60, "l": 10, "r": 10})
    return fig


def document_map(source: Any, sample: int = 3000) -> go.Figure:
    """Documents as points in two dimensions, coloured by trend (grey: in no trend), a seeded sample.

    From a detector, the points are the two principal components of UMAP's layout that the
    clustering used (documents of the fit sample, for a corpus larger than it; of the
    embeddings, when trends were assigned rather than clustered); a report carries the
    points it was made with.
    """
    points = map_points(source, sample)
    trends = trend_frame(source)
    names = dict(zip(trends["trend"], trends["label"]))
    fig = _figure()
    palette = [
        "#0072B2", "#E69F00", "#009E73", "#D55E00", "#CC79A7", "#56B4E9", "#F0E442", "#000000",
        "#8c564b", "#17becf", "#7f7f7f", "#bcbd22",
    ]  # fmt: skip
    group = np.array([t if t in names or t < 0 else OTHER for t in points["trend"].astype(int)])
    ranked = [t for t in trends["trend"] if t in set(group)]  # legend in the report's order
    order = ranked + [t for t in (OTHER, -1) if t in set(group)]
    colours = {OTHER: "#9fb3c8", -1: "#d0d4dc"}
    for k, trend in enumerate(order):
        rows = points[group == trend]
        label = names.get(trend, "in other trends" if trend == OTHER else "in no trend")
        fig.add_scattergl(
            x=rows["x"],
            y=rows["y"],
            mode="markers",
            marker={"size": 4, "color": colours.get(trend, palette[k % len(palette)]), "opacity": 0.7},
            name=_safe(label, 40),
            text=[_safe(t, 120) for t in rows["text"]],
            hovertemplate=f"<b>{_safe(label, 40)}</b><br>%{{text}}<extra></extra>",
        )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    fig.update_layout(title=f"Document map ({len(points):,} documents, colour: trend)", height=600)
    return fig


def map_points(source: Any, sample: int = 3000, random_state: int = 0) -> pd.DataFrame:
    """The document map's points: ``doc_id, x, y, trend, text`` for a seeded sample of documents."""
    import pandas as pd

    if _is_report(source):
        if not source.document_map:
            raise ConfigError("document_map: this report carries no document map (it was made without one)")
        return pd.DataFrame([dataclasses.asdict(p) for p in source.document_map])
    _check_fitted(source)
    n = len(source.labels_)
    # UMAP's layout covers the documents the clustering was fitted on (all, or the fit sample)
    layout = getattr(source, "layout_", None)
    fitted = getattr(source, "fit_rows_", None)
    if layout is not None and fitted is not None and len(layout) == len(fitted):
        pool, base = np.asarray(fitted), layout
    else:
        pool, base = np.arange(n), source.embeddings_
    picks = np.arange(len(pool))
    if len(pool) > sample:
        picks = np.sort(np.random.default_rng(random_state).choice(len(pool), size=sample, replace=False))
    rows = pool[picks]
    xy = _principal_plane(np.asarray(base[picks], dtype=np.float64))
    return pd.DataFrame(
        {
            "doc_id": [source.corpus_[i].id for i in rows],
            "x": xy[:, 0],
            "y": xy[:, 1],
            "trend": source.labels_[rows].astype(int),
            "text": [source.corpus_[i].text[:200] for i in rows],
        }
    )


def _principal_plane(points: np.ndarray) -> np.ndarray:
    """``points`` projected on their first two principal components (signs fixed, so runs agree)."""
    centred = points - points.mean(axis=0)
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    axes = vt[:2] * np.sign(vt[:2, [0]] + 1e-12)
    xy = centred @ axes.T
    return xy if xy.shape[1] == 2 else np.column_stack([xy, np.zeros(len(xy))])
