"""Which window ranks the trends: a partial last window does not decide the ranking alone.

Real posts of ``corpora/bluesky_migration.jsonl.gz``, grouped by their first hashtag (a real
grouping that needs no model), cut on a Wednesday so that the last week holds two days.
"""

from __future__ import annotations

import collections

import numpy as np
import pandas as pd
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.signals.ranking import MIN_FILL, RankingWindow, ranking_window
from trendlens.signals.trends import DocumentSignals, SignalConfig, trend_signals

WEDNESDAY, MONDAY = "2025-04-02", "2025-03-31"


@pytest.fixture(scope="module")
def posts() -> list[dict]:
    return sorted(read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz"), key=lambda r: r["timestamp"])


def hashtag_signals(posts: list[dict], cut: str) -> tuple[DocumentSignals, int]:
    """The posts before ``cut``, labelled by their first hashtag among the 25 most common (else outliers)."""
    kept = [r for r in posts if r["timestamp"] < cut]
    first = [(r.get("hashtags") or [""])[0].lower() for r in kept]
    common = [tag for tag, _ in collections.Counter(t for t in first if t).most_common(25)]
    labels = np.array([common.index(t) if t in common else -1 for t in first])
    stamps = np.array([np.datetime64(r["timestamp"].rstrip("Z")) for r in kept], dtype="datetime64[s]")
    return DocumentSignals(labels=labels, timestamps=stamps), len(kept)


def top10_share(summary: pd.DataFrame, labels: np.ndarray, n_documents: int) -> tuple[float, set[int]]:
    """Share of the corpus in the 10 most viral of the 20 largest trends, and those 10."""
    sizes = pd.Series(labels[labels >= 0]).value_counts()
    largest = sizes.sort_values(ascending=False, kind="stable").head(20).index
    viral = summary.loc[largest, "virality"].sort_values(ascending=False, kind="stable").head(10).index
    return float(sizes[viral].sum() / n_documents), set(viral.tolist())


def test_a_near_empty_last_week_does_not_decide_the_ranking(posts):
    docs, n = hashtag_signals(posts, WEDNESDAY)
    signals, summary, window = trend_signals(docs, SignalConfig(window="week"))
    ranked = ranking_window(signals, docs.timestamps, window)
    assert ranked.latest == MONDAY and ranked.partial and ranked.window == "2025-03-24"
    assert ranked.n_latest < MIN_FILL * ranked.median
    in_window = signals[signals["window"] == ranked.window].set_index("trend")
    assert (summary["virality"] == in_window.loc[summary.index, "virality"]).all()
    assert (summary["ranked_window"] == ranked.window).all()
    assert "2025-03-24" in ranked.describe("week") and "complete week" in ranked.describe("week")

    # the same corpus ending with its last complete week ranks the same 10 and covers the same share
    full, n_full = hashtag_signals(posts, MONDAY)
    _, full_summary, _ = trend_signals(full, SignalConfig(window="week"))
    share, top = top10_share(summary, docs.labels, n)
    full_share, full_top = top10_share(full_summary, full.labels, n_full)
    assert top == full_top
    assert share >= full_share - 0.01  # the two days of the last week add a few documents to the total only


def test_a_full_last_window_still_ranks(posts):
    docs, _ = hashtag_signals(posts, MONDAY)
    signals, summary, window = trend_signals(docs, SignalConfig(window="week"))
    ranked = ranking_window(signals, docs.timestamps, window)
    assert not ranked.partial and ranked.window == ranked.latest == "2025-03-24"
    assert "latest week" in ranked.describe("week")


def test_a_busy_last_day_is_not_partial_even_if_it_ends_early():
    """A burst that already holds more than a median day ranks, though the corpus ends at 06:00."""
    days = [f"2024-05-{d:02d}T12:00" for d in range(1, 8) for _ in range(20)] + ["2024-05-08T05:00"] * 30
    stamps = np.array(days, dtype="datetime64[s]")
    labels = np.r_[np.zeros(140, dtype=int), np.ones(30, dtype=int)]
    signals, summary, window = trend_signals(DocumentSignals(labels, stamps), SignalConfig(window="day"))
    ranked = ranking_window(signals, stamps, window)
    assert ranked.coverage < 0.5 and not ranked.partial
    assert summary["ranked_window"].iloc[0] == "2024-05-08"
    few = np.r_[stamps[:140], stamps[140:150]]  # ten posts by 05:00: partial
    signals = trend_signals(DocumentSignals(labels[:150], few), SignalConfig(window="day"))[0]
    ranked = ranking_window(signals, few, "day")
    assert ranked.partial and ranked.window == "2024-05-07"


def test_the_report_states_the_ranking_rule_in_one_line():
    from dataclasses import replace

    from tests.test_report import make_report
    from trendlens.report import TrendReport

    ranked = RankingWindow("2025-03-24", "2025-03-31", 32, 146.0, 0.269)
    report = replace(make_report(), ranking=ranked.describe("week"))
    line = next(x for x in report.to_markdown().splitlines() if x.startswith("**Ranking:**"))
    assert "latest complete week (2025-03-24)" in line and "holds 32 documents against a median of 146" in line
    assert "each by virality in the latest complete week" in report.to_html()
    assert TrendReport.from_dict(report.to_dict()).ranking == report.ranking
    assert not any(x.startswith("**Ranking:**") for x in make_report().to_markdown().splitlines())


def test_short_reactions_rank_after_the_trends_that_say_something():
    """Regression: on Threads launch reviews, clusters of "Super", "Wow❤️" and "good" led the consumer
    trends by virality. Reviews grouped by what they name (a real grouping that needs no model): a trend of
    the reviews that are one word of praise ranks after those about Twitter, Instagram and bugs, whatever
    its virality, and the report's ranking line says why."""
    from trendlens import load_corpus
    from trendlens.signals.ranking import BRIEF_SHARE, rank_tiers
    from trendlens.topics.model import corpus_terms
    from trendlens.topics.tables import brief_documents, keyword_trend_table, ranked

    records = read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")[::10]
    corpus = load_corpus(records)
    texts = corpus.texts
    brief = brief_documents(texts, corpus_terms(texts))
    groups = [("twitter",), ("instagram",), ("bug", "glitch", "crash")]

    def label(text: str) -> int:
        low = text.lower()
        named = next((k + 1 for k, words in enumerate(groups) if any(w in low for w in words)), -1)
        return 0 if named < 0 and len(low.split()) <= 2 else named  # "Super", "Very good", "Wow❤️❤️"

    labels = np.array([label(t) for t in texts])
    assert (labels == 0).sum() >= 100 and all((labels == k).sum() >= 50 for k in (1, 2, 3))
    # "Super" says nothing, a review about Twitter does; a Chinese sentence is one "word" of split() but not brief
    assert brief[labels == 0].mean() > 0.95 and brief[labels == 1].mean() < 0.35
    docs = DocumentSignals(labels=labels, timestamps=corpus.timestamps)
    _, summary, _ = trend_signals(docs, SignalConfig(window="day"))
    keywords = {k: ["x"] for k in range(4)}
    table = keyword_trend_table(keywords, labels, corpus, np.zeros(len(labels)), 1, summary, brief)
    assert table.at[0, "brief"] >= BRIEF_SHARE > table.loc[[1, 2, 3], "brief"].max()
    assert table.index[-1] == 0, table[["virality", "brief"]]
    # by virality alone it would rank second of four
    assert ranked(table.drop(columns="brief")).index.tolist()[:2] == [2, 0], table[["virality", "brief"]]
    # whatever its stage: the same trend rising ranks last all the same
    shares = [table.at[0, "brief"], table.at[1, "brief"]]
    assert rank_tiers(["accelerating", "steady"], [5, 5], shares).tolist() == [3, 1]
    rule = RankingWindow("2023-07-10", "2023-07-10", 100, 90.0)
    assert "short reactions come last" in rule.describe("week", 2) and "2 consumer trends" in rule.describe("week", 2)
    assert "short reactions" not in rule.describe("week")
