"""Repeated observations: one item seen at several times with new counts is one item's series, not duplicates."""

from __future__ import annotations

import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import load_corpus
from trendlens.errors import CorpusError


def snapshot(item: str, text: str, day: int, likes: int, **extra) -> dict:
    return {"id": item, "text": text, "timestamp": f"2018-01-{day:02d}T06:00:00Z", "likes": likes, **extra}


def test_repeated_observations_of_an_id_are_one_item_with_the_latest_counts_not_duplicates():
    records = [
        snapshot("v1", "Cat learns to open the fridge", 1, 10),
        snapshot("v2", "Budget phones compared", 1, 40),
        snapshot("v1", "Cat learns to open the fridge", 3, 200),  # read before an earlier snapshot
        snapshot("v1", "Cat learns to open the fridge", 2, 50),
        snapshot("v9", "cat learns to open the  FRIDGE", 2, 7),  # the same text under another id: a duplicate
    ]
    corpus = load_corpus(records)
    assert corpus.ids == ["v1", "v2"]
    assert (corpus.n_repeats, corpus.n_duplicates, corpus.n_read) == (2, 1, 5)
    assert "1 duplicates dropped, 2 repeated observations merged" in repr(corpus)
    cat = corpus[0]
    assert cat.engagement.likes == 200 and cat.timestamp.day == 1  # latest counts, dated by its first sighting
    series = cat.metadata["observations"]
    assert [o["timestamp"][:10] for o in series] == ["2018-01-01", "2018-01-02", "2018-01-03"]
    assert [o["likes"] for o in series] == [10, 50, 200]
    assert cat.metadata["engagement_growth"] == pytest.approx(201 / 11)
    assert "observations" not in corpus[1].metadata


def test_an_id_reused_for_another_text_is_still_an_error_unless_the_item_key_is_named():
    records = [snapshot("v1", "Cat learns to open the fridge", 1, 10), snapshot("v1", "A different video", 2, 5)]
    with pytest.raises(CorpusError, match="Ids must be unique"):
        load_corpus(records)
    # a trending list keyed by video: the title of one video may change between days
    rows = [{k: v for k, v in r.items() if k != "id"} | {"video_id": "abc"} for r in records]
    rows.append({"text": "Cat learns to open the fridge", "timestamp": "2018-01-02T06:00:00Z", "video_id": "xyz"})
    corpus = load_corpus(rows, item_key="video_id")
    assert len(corpus) == 1 and corpus.n_repeats == 1 and corpus.n_duplicates == 1  # xyz repeats abc's text
    assert corpus[0].text == "Cat learns to open the fridge" and corpus[0].engagement.likes == 5


def test_records_without_ids_repeating_a_text_stay_duplicates():
    corpus = load_corpus([{"text": "same words", "likes": 1}, {"text": "same words", "likes": 9}])
    assert len(corpus) == 1 and corpus.n_duplicates == 1 and corpus.n_repeats == 0
    assert corpus[0].engagement.likes == 1


def test_real_posts_collected_twice_keep_their_latest_counts_and_their_duplicate_texts_dropped():
    """300 real Bluesky posts, then their first 100 collected again a week later with more likes.

    The posts hold real exact duplicate texts under different ids (bots repeating a post); those
    stay dropped as before, while the second collection merges into the items it observes.
    """
    posts = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")[:300]
    once = load_corpus(posts)
    later = [{**p, "timestamp": "2025-06-01T00:00:00Z", "likes": (p["likes"] or 0) * 2 + 1} for p in posts[:100]]
    twice = load_corpus(posts + later)
    assert once.n_duplicates > 0  # the real duplicates this slice holds
    repeats = sum(p["id"] in set(once.ids) for p in later)
    assert twice.ids == once.ids and twice.n_repeats == repeats
    # a post dropped as a duplicate text is one again when collected again: it names no kept item
    assert twice.n_duplicates == once.n_duplicates + len(later) - repeats
    kept = {p["id"]: p for p in posts[:100]}
    for before, after in zip(once, twice):
        assert after.timestamp == before.timestamp and after.text == before.text
        if after.id in kept:
            assert after.engagement.likes == (kept[after.id]["likes"] or 0) * 2 + 1
            assert len(after.metadata["observations"]) == 2
        else:
            assert after.engagement == before.engagement


def test_the_same_observation_read_twice_is_a_duplicate():
    """A record repeated whole (same id, text, time and counts) is not a new observation."""
    first, again = snapshot("v1", "Cat learns to open the fridge", 1, 10), snapshot("v1", "x", 2, 50)
    again["text"] = first["text"]
    corpus = load_corpus([first, dict(first), again, dict(again)])
    assert len(corpus) == 1 and (corpus.n_repeats, corpus.n_duplicates) == (1, 2)
    assert [o["likes"] for o in corpus[0].metadata["observations"]] == [10, 50]


def test_a_trend_carries_the_growth_of_its_re_observed_items():
    """Real posts, a tenth of them collected again with ten times their likes: their trends show it."""
    import numpy as np

    from trendlens.corpus.observations import engagement_growth
    from trendlens.signals.trends import DocumentSignals, trend_signals

    posts = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")[-400:]
    later = [{**p, "timestamp": "2025-06-01T00:00:00Z", "likes": (p["likes"] or 0) * 10 + 9} for p in posts[::10]]
    corpus = load_corpus(posts + later)
    growth = np.array([engagement_growth(d) for d in corpus])
    assert 0 < np.isfinite(growth).sum() <= len(later) and (growth[np.isfinite(growth)] > 1).all()
    labels = np.array([len(d.hashtags) % 3 for d in corpus])  # a real grouping: posts by their number of tags
    docs = DocumentSignals(labels, corpus.timestamps, engagement_growth=growth)
    summary = trend_signals(docs)[1]
    for trend in summary.index:
        seen = growth[(labels == trend) & np.isfinite(growth)]
        expected = np.median(seen) if seen.size else np.nan
        assert summary.at[trend, "item_growth"] == pytest.approx(expected, nan_ok=True)
    once = trend_signals(DocumentSignals(labels, corpus.timestamps, engagement_growth=np.full(len(labels), np.nan)))
    assert "item_growth" not in once[1]
