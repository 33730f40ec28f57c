"""The assembled signal table on a planted scenario with known answers."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens.signals.trends import DocumentSignals, SignalConfig, trend_signals


def planted(seed: int = 0) -> DocumentSignals:
    """12 months: trend 0 steady (50/month), trend 1 born in month 9 (40/month), 100 outliers/month.

    Trend 1's documents point in a new direction of the embedding space and come
    from a source whose engagement is on a 1000x larger scale.
    """
    rng = np.random.default_rng(seed)
    labels, stamps, vectors, engagement, sources = [], [], [], [], []
    axis = np.eye(16, dtype=np.float32)
    for month in range(1, 13):
        plan = [(0, 50), (-1, 100)] + ([(1, 40)] if month >= 9 else [])
        for trend, n in plan:
            labels += [trend] * n
            stamps += list(np.datetime64(f"2021-{month:02d}-01") + rng.integers(0, 28, n).astype("timedelta64[D]"))
            direction = axis[3] if trend == 1 else axis[0] if trend == 0 else axis[7]
            vectors.append(direction + 0.05 * rng.standard_normal((n, 16)).astype(np.float32))
            if trend == 1:
                engagement += list(rng.integers(500_000, 2_000_000, n))
                sources += ["big"] * n
            else:
                engagement += list(rng.integers(1, 50, n))
                sources += ["small"] * n
    return DocumentSignals(
        labels=np.array(labels),
        timestamps=np.array(stamps, dtype="datetime64[s]"),
        embeddings=np.vstack(vectors),
        engagement=np.array(engagement, dtype=float),
        sources=np.array(sources, dtype=object),
        voices=np.array([f"author{i % 37}" for i in range(len(labels))], dtype=object),
        hashtags=[(f"tag{i % 3}",) for i in range(len(labels))],
    )


@pytest.fixture(scope="module")
def result():
    return trend_signals(planted())


def test_window_is_chosen_from_the_density(result):
    assert result[2] == "month"


def test_tidy_table_has_every_trend_in_every_window(result):
    signals = result[0]
    assert len(signals) == 2 * 12
    assert list(signals.columns) == [
        "trend", "window", "count", "total", "share", "growth", "p_value", "p_decline", "burst",
        "acceleration", "momentum", "headroom", "engagement", "reach", "voices", "hashtags", "virality",
        "lifecycle",
    ]  # fmt: skip
    assert signals["hashtags"].max() == 3
    assert (signals.loc[signals["count"] >= 37, "voices"] == 37).all()


def test_newborn_trend_is_emerging_at_birth_and_the_steady_one_never(result):
    signals = result[0].set_index(["trend", "window"])
    assert signals.loc[(1, "2021-09"), "lifecycle"] == "emerging"
    assert signals.loc[(1, "2021-09"), "burst"]
    assert signals.loc[(1, "2021-09"), "p_value"] < 1e-6
    assert set(signals.loc[1].loc["2021-01":"2021-08", "lifecycle"]) == {"noise"}
    assert "emerging" not in set(signals.loc[0, "lifecycle"])


def test_summary_novelty_engagement_and_onset(result):
    summary = result[1]
    assert summary.loc[1, "onset"] == "2021-09"
    assert summary.loc[0, "novelty"] == 0.0  # present from the first window
    assert summary.loc[1, "novelty"] > 0.5  # a new direction in the embedding space
    # engagement is normalised within each source, so the big platform does not dominate
    assert abs(summary.loc[1, "engagement"]) < 1.0
    assert summary.loc[1, "peak_virality"] > summary.loc[0, "peak_virality"]


def test_virality_peaks_at_the_birth_of_the_new_trend(result):
    signals = result[0]
    newborn = signals[signals["trend"] == 1].set_index("window")["virality"]
    assert newborn.idxmax() == "2021-09"


def test_week_window_can_be_forced():
    _, _, window = trend_signals(planted(), SignalConfig(window="week"))
    assert window == "week"


def test_no_timestamps_gives_empty_signals():
    docs = planted()
    empty = DocumentSignals(
        labels=docs.labels, timestamps=np.full(len(docs.labels), np.datetime64("NaT"), "datetime64[s]")
    )
    signals, summary, _ = trend_signals(empty)
    assert signals.empty and summary.empty


def test_virality_is_zero_before_a_trends_first_document(result):
    signals = result[0]
    unborn = signals[(signals["trend"] == 1) & (signals["count"] == 0)]
    assert len(unborn) == 8 and (unborn["virality"] == 0).all()
    supported = signals[signals["count"] >= 5]
    assert (supported["virality"] > 0).all()


def test_the_steady_trend_scores_below_the_newborn_one_at_its_birth_and_above_it_once_it_has_settled(result):
    """Momentum and headroom: a fresh rise scores high; three windows later the newborn trend's recent level
    stands far above its long run (headroom < 0) while the steady trend is at its usual share."""
    signals = result[0].set_index(["trend", "window"])
    assert signals.loc[(1, "2021-09"), "momentum"] > 0.9
    assert signals.loc[(1, "2021-09"), "virality"] > signals.loc[(0, "2021-09"), "virality"] + 10
    assert signals.loc[(1, "2021-12"), "headroom"] < -0.5
    assert signals.loc[(1, "2021-12"), "virality"] < signals.loc[(0, "2021-12"), "virality"]
    assert abs(signals.loc[(0, "2021-12"), "momentum"]) < 0.2 and abs(signals.loc[(0, "2021-12"), "headroom"]) < 0.2


def test_reach_is_unknown_where_every_document_has_one_voice(static_embedder):
    """CrisisLex's tweets carry no author and one source: reach (distinct voices per document) read as one
    over the trend's size ("0.00" in the report) although nothing is known of who posted. Real tweets: reach
    is unknown there, and known for Bluesky posts, which name their authors."""
    from tests.conftest import CORPORA, read_jsonl_gz
    from trendlens import TrendDetector, load_corpus
    from trendlens.report.markdown import render_markdown

    def fit(name: str, step: int) -> TrendDetector:
        corpus = load_corpus(read_jsonl_gz(CORPORA / f"{name}.jsonl.gz")[::step])
        return TrendDetector(embedder=static_embedder, taxonomy=None, show_progress=False).fit(corpus)

    crisis = fit("crisislex_dev", 20)
    assert {d.author for d in crisis.corpus_} == {None} and len({d.source for d in crisis.corpus_}) == 1
    assert len(crisis.trends_) >= 3 and crisis.trends_["reach"].isna().all()
    assert "**reach** (distinct voices per document): n/a" in render_markdown(crisis.report())
    bluesky = fit("bluesky_migration", 16)
    assert bluesky.trends_["reach"].between(0.5, 1.0).all()
