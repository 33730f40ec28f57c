"""All signals of all trends: the tidy per-window table and the per-trend summary.

This module only combines the small functions of :mod:`~trendlens.signals.series`,
:mod:`~trendlens.signals.stats` and :mod:`~trendlens.signals.lifecycle`; each of
those is documented and tested on its own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from trendlens.errors import ConfigError
from trendlens.signals.lifecycle import lifecycle_labels, virality_components
from trendlens.signals.ranking import ranking_window
from trendlens.signals.series import WINDOWS, window_counts, windows_of
from trendlens.signals.stats import (
    acceleration,
    choose_window,
    exposure_groups,
    kleinberg_bursts,
    outlook,
    robust_engagement,
    trailing_growth,
)

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True)
class SignalConfig:
    """Settings of the signal stage.

    Attributes
    ----------
    window
        ``"auto"`` (from the documents' density: :func:`~trendlens.signals.choose_window`),
        or ``"day"``, ``"week"``, ``"month"``.
    baseline_windows
        Trailing windows a window's share is compared with.
    min_count
        Documents a trend needs in a window before any stage other than "noise" is given.
    alpha
        Significance level of the growth and decline tests.
    burst_s, burst_gamma
        Kleinberg burst automaton: rate multiplier of the burst state, cost of entering it.
    recent_windows, long_windows
        Windows whose mean share is a trend's recent level, and its long-run level: the recent level
        is compared with its latest share (momentum) and with its long-run level (headroom), see
        :func:`~trendlens.signals.stats.outlook`.
    """

    window: str = "auto"
    baseline_windows: int = 6
    min_count: int = 5
    alpha: float = 0.05
    burst_s: float = 2.0
    burst_gamma: float = 1.0
    recent_windows: int = 3
    long_windows: int = 12

    def resolve_window(self, timestamps: np.ndarray) -> str:
        """The concrete window for these timestamps."""
        if self.window == "auto":
            return choose_window(timestamps)
        if self.window not in WINDOWS:
            raise ConfigError(f"window must be 'auto' or one of {', '.join(WINDOWS)}, got {self.window!r}")
        return self.window


@dataclass(frozen=True)
class DocumentSignals:
    """Per-document inputs of the signals; every array has one entry per document.

    ``engagement`` (likes + shares + comments, nan when unknown), ``sources`` (the
    group engagement is normalised in), ``voices`` (author, else source: who speaks),
    ``hashtags`` (a tuple of tags per document), ``embeddings`` (for novelty) and
    ``engagement_growth`` (an item observed several times: its latest engagement total /
    its first, each + 1; nan for items seen once, see :mod:`trendlens.corpus.observations`)
    and ``exposure`` (seconds a document was out when its counts were read, nan unknown:
    :func:`~trendlens.corpus.observations.exposure_seconds`; engagement is then compared
    within exposure buckets, :func:`~trendlens.signals.stats.exposure_groups`) are optional.
    """

    labels: np.ndarray
    timestamps: np.ndarray
    embeddings: np.ndarray | None = None
    engagement: np.ndarray | None = None
    sources: np.ndarray | None = None
    voices: np.ndarray | None = None
    hashtags: Sequence[tuple[str, ...]] | None = None
    engagement_growth: np.ndarray | None = None
    exposure: np.ndarray | None = None


def trend_signals(docs: DocumentSignals, config: SignalConfig | None = None) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Compute every signal of every trend.

    Returns
    -------
    signals : pandas.DataFrame
        One row per trend and window: ``trend, window, count, total, share, growth,
        p_value, p_decline, burst, acceleration, momentum, headroom, engagement, reach, voices (distinct),
        hashtags (distinct), virality, lifecycle`` (columns without input are left out).
    summary : pandas.DataFrame
        One row per trend (index ``trend``): its ranking window's ``growth, p_value,
        burst, acceleration, virality, lifecycle`` (the latest window, or the latest
        complete one when the latest is partial: :func:`~trendlens.signals.ranking.ranking_window`;
        the window is in ``ranked_window``) and its ``momentum`` and ``headroom`` there, its overall ``engagement``,
        ``reach`` and ``novelty``, the mapped ``virality_*`` components, and the
        ``onset`` (first emerging window) and ``peak`` (highest share) windows; with
        ``engagement_growth``, ``item_growth`` (the median growth of its re-observed items).
    window : str
        The window used.
    """
    import pandas as pd

    config = config or SignalConfig()
    window = config.resolve_window(docs.timestamps)
    windows = windows_of(docs.timestamps, window)
    tidy = window_counts(docs.labels, windows)
    if tidy.empty:
        return tidy, pd.DataFrame(index=pd.Index([], name="trend")), window

    per_doc = pd.DataFrame({"trend": np.asarray(docs.labels, dtype=int), "window": windows})
    has_engagement = docs.engagement is not None and np.isfinite(docs.engagement).any()
    if has_engagement:
        sources = docs.sources if docs.sources is not None else np.full(len(per_doc), "", dtype=object)
        groups = exposure_groups(sources, docs.exposure)
        per_doc["engagement"] = robust_engagement(np.asarray(docs.engagement, dtype=float), groups)
    if docs.voices is not None:
        per_doc["voice"] = docs.voices
    if docs.hashtags is not None:
        per_doc["hashtags"] = pd.Series(list(docs.hashtags), dtype=object)
    dated = per_doc[(per_doc["window"] != "") & (per_doc["trend"] >= 0)]
    grouped = dated.groupby(["trend", "window"])
    extra = pd.DataFrame(index=grouped.size().index)
    if has_engagement:
        extra["engagement"] = grouped["engagement"].mean()
    if docs.voices is not None:
        extra["reach"] = grouped["voice"].nunique() / grouped.size()
        extra["voices"] = grouped["voice"].nunique()
    if docs.hashtags is not None:
        extra["hashtags"] = grouped["hashtags"].agg(lambda tags: len({t for doc in tags for t in doc}))
    tidy = tidy.merge(extra.reset_index(), on=["trend", "window"], how="left")

    parts = []
    for _, part in tidy.groupby("trend", sort=True):
        part = part.sort_values("window").copy()
        counts, totals = part["count"].to_numpy(), part["total"].to_numpy()
        growth, p_value, p_decline = trailing_growth(counts, totals, config.baseline_windows)
        part["growth"], part["p_value"], part["p_decline"] = growth, p_value, p_decline
        part["burst"] = kleinberg_bursts(counts, totals, config.burst_s, config.burst_gamma)
        part["acceleration"] = acceleration(growth)
        part["momentum"], part["headroom"] = outlook(counts, totals, config.recent_windows, config.long_windows)
        part["lifecycle"] = lifecycle_labels(
            counts, totals, growth, p_value, p_decline, min_count=config.min_count, alpha=config.alpha
        )
        parts.append(part)
    tidy = pd.concat(parts, ignore_index=True)

    novelty = _novelty(docs, windows, tidy, config.min_count) if docs.embeddings is not None else None
    component_input = tidy[["growth", "p_value"]].assign(burst_share=tidy["burst"].astype(float))
    component_input["acceleration"] = tidy["acceleration"]
    component_input["momentum"], component_input["headroom"] = tidy["momentum"], tidy["headroom"]
    for column in ("engagement", "reach"):
        if column in tidy:
            component_input[column] = tidy[column].fillna(0.0 if column == "reach" else np.nan)
    if novelty is not None:
        component_input["novelty"] = tidy["trend"].map(novelty).to_numpy()
    components = virality_components(component_input)
    # Before its first document a trend has no virality. Afterwards a window with few documents keeps its
    # score: momentum and headroom smooth the counts, and small trends are the ones whose share grows most
    # often (prospective validation, docs/evaluation.md); the stage says "noise" when a window has too few.
    born = tidy.groupby("trend")["count"].cumsum().to_numpy() > 0
    tidy["virality"] = np.round(components["virality"].to_numpy() * born, 1)
    mapped = components.drop(columns="virality").add_prefix("virality_")
    ranked = ranking_window(tidy, docs.timestamps, window, config.baseline_windows, config.recent_windows)
    summary = _summary(tidy, mapped, novelty, per_doc, ranked.window, config.recent_windows)
    if docs.engagement_growth is not None and np.isfinite(docs.engagement_growth).any():
        summary["item_growth"] = _item_growth(docs.labels, docs.engagement_growth, summary.index)
    return _columns(tidy), summary, window


def _item_growth(labels: np.ndarray, growth: np.ndarray, trends: pd.Index) -> np.ndarray:
    """Per trend, the median engagement growth of its items observed more than once (nan without any)."""
    labels, growth = np.asarray(labels, dtype=int), np.asarray(growth, dtype=float)
    out = np.full(len(trends), np.nan)
    for k, trend in enumerate(trends):
        values = growth[(labels == trend) & np.isfinite(growth)]
        if values.size:
            out[k] = float(np.median(values))
    return out


_ORDER = [
    "trend", "window", "count", "total", "share", "growth", "p_value", "p_decline", "burst",
    "acceleration", "momentum", "headroom", "engagement", "reach", "voices", "hashtags", "virality", "lifecycle",
]  # fmt: skip


def _columns(tidy: pd.DataFrame) -> pd.DataFrame:
    return tidy[[c for c in _ORDER if c in tidy]].reset_index(drop=True)


def _summary(
    tidy: pd.DataFrame, mapped: pd.DataFrame, novelty: dict | None, per_doc: pd.DataFrame, ranked: str, recent: int
) -> pd.DataFrame:
    """One row per trend, read at the ``ranked`` window; ``recent``: the windows that count as recent
    (``SignalConfig.recent_windows``) for the ``recent`` column, the documents of the ranked window and
    the ones before it."""
    import pandas as pd

    rows = []
    for trend, part in pd.concat([tidy, mapped], axis=1).groupby("trend", sort=True):
        upto = part[part["window"] <= ranked]
        last = upto.iloc[-1]  # every trend has a row in every window
        emerging = part.loc[part["lifecycle"] == "emerging", "window"]
        members = per_doc[per_doc["trend"] == trend]
        row = {
            "trend": int(trend),
            "growth": last["growth"],
            "p_value": last["p_value"],
            "burst": bool(last["burst"]),
            "acceleration": last["acceleration"],
            "momentum": last["momentum"],
            "headroom": last["headroom"],
            "virality": last["virality"],
            "lifecycle": last["lifecycle"],
            "engagement": members["engagement"].mean() if "engagement" in members else np.nan,
            "reach": members["voice"].nunique() / len(members) if "voice" in members and len(members) else np.nan,
            "novelty": novelty.get(int(trend), np.nan) if novelty else np.nan,
            "onset": emerging.iloc[0] if len(emerging) else None,
            "peak": part.loc[part["share"].idxmax(), "window"],
            "peak_virality": part["virality"].max(),
            "ranked_window": ranked,
            "recent": int(upto["count"].iloc[-max(1, recent) :].sum()),
        }
        row.update({c: last[c] for c in mapped.columns})
        rows.append(row)
    return pd.DataFrame(rows).set_index("trend")


def _novelty(docs: DocumentSignals, windows: np.ndarray, tidy: pd.DataFrame, min_count: int) -> dict[int, float]:
    """1 - the highest cosine between a trend's onset centroid and any cluster of what came before.

    Onset = the trend's first window with ``min_count`` documents. "Before" = every
    document of an earlier window, grouped by trend (its own earlier documents
    included; a group needs 3 documents). A trend present from the corpus's first
    window gets 0: there is no history to be new against. The vectors are read once,
    in chunks, into sums per (trend, window).
    """
    from trendlens.embed.disk import group_sums

    labels = np.asarray(docs.labels, dtype=int)
    first_window = min(w for w in windows if w)
    keep = (labels >= 0) & (windows != "")
    ids, spans = np.unique(labels[keep]), np.unique(windows[keep])
    pair = np.full(len(labels), -1, dtype=np.int64)
    pair[keep] = np.searchsorted(ids, labels[keep]) * len(spans) + np.searchsorted(spans, windows[keep])
    present, pair[keep] = np.unique(pair[keep], return_inverse=True)
    sums, counts = group_sums(pair, docs.embeddings, len(present))
    pair_trend, pair_window = ids[present // len(spans)], spans[present % len(spans)]
    novelty: dict[int, float] = {}
    for trend, part in tidy.groupby("trend"):
        supported = part.loc[part["count"] >= min_count, "window"]
        onset = supported.min() if len(supported) else part.loc[part["count"] > 0, "window"].min()
        if onset == first_window:
            novelty[int(trend)] = 0.0
            continue
        current = sums[(pair_trend == trend) & (pair_window == onset)].sum(axis=0)
        before = pair_window < onset
        history = np.zeros((len(ids), sums.shape[1]))
        sizes = np.zeros(len(ids), dtype=np.int64)
        np.add.at(history, np.searchsorted(ids, pair_trend[before]), sums[before])
        np.add.at(sizes, np.searchsorted(ids, pair_trend[before]), counts[before])
        centroids = history[sizes >= 3]
        if not len(centroids):
            novelty[int(trend)] = 1.0
            continue
        cos = centroids @ current / (np.linalg.norm(centroids, axis=1) * np.linalg.norm(current) + 1e-12)
        novelty[int(trend)] = float(np.clip(1.0 - cos.max(), 0.0, 1.0))
    return novelty
