"""Language identification of a corpus sample, and the warning `fit` gives for non-English input (real corpora)."""

from __future__ import annotations

import re

import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import TrendDetector, TrendlensError, load_corpus
from trendlens.corpus.language import function_words, language_mix


@pytest.fixture(scope="module")
def italian() -> list[dict]:
    rows = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")
    return [r for r in rows if r["event"] == "2012_Italy_earthquakes"]


def test_english_headlines_are_english(huffpost_records):
    mix = language_mix([r["text"] for r in huffpost_records])
    assert mix["en"] > 0.85
    assert sum(share for lang, share in mix.items() if lang not in ("en", "unknown")) < 0.01
    assert abs(sum(mix.values()) - 1) < 1e-9


def test_italian_tweets_are_italian(italian):
    mix = language_mix([r["text"] for r in italian])
    assert max(mix, key=mix.get) == "it" and mix["it"] > 0.5


def test_the_sample_is_seeded_and_bounded(huffpost_records):
    texts = [r["text"] for r in huffpost_records]
    assert language_mix(texts, sample=200, random_state=3) == language_mix(texts, sample=200, random_state=3)
    assert language_mix([]) == {}


def test_a_word_of_two_languages_is_a_function_word_where_the_documents_that_use_it_are_foreign(huffpost_records):
    """Regression: the Bluesky posts' cluster of German posts was named "den", a German article that is
    also an English noun. Such a word is judged by the language of the documents that use it."""
    german = [
        r["text"]
        for r in read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")
        if re.search(r"\b(und|nicht|ich|ist|wir)\b", r["text"]) and language_mix([r["text"]], sample=1).get("de")
    ]
    headlines = [r["text"] for r in huffpost_records]
    assert len(german) >= 15 and sum(bool(re.search(r"\bdie\b", t, re.I)) for t in headlines) >= 20
    words = function_words(headlines + german)
    assert {"und", "nicht", "ich", "den"} <= words  # "den": only the German posts use it
    assert not {"die", "war", "hat"} & words  # English headlines use them more than the German posts
    assert function_words(headlines) == frozenset()  # no other language: nothing is dropped


def test_fit_warns_about_non_english_text_before_loading_any_model(huffpost_records, italian):
    records = [dict(r) for r in huffpost_records[:300]] + [
        {"text": r["text"], "timestamp": r["timestamp"]} for r in italian[:200]
    ]
    detector = TrendDetector(embedder="no-such-embedder", show_progress=False)
    warned = pytest.warns(UserWarning, match=r"records: \d+% of the documents look non-English \(it \d+%")
    with warned, pytest.raises(TrendlensError, match="no-such-embedder"):
        detector.fit(load_corpus(records))
    assert not hasattr(detector, "languages_")  # the warning said it; a failed fit keeps no state (issue 21)


def test_fit_of_english_text_gives_no_language_warning(huffpost_records):
    import warnings

    detector = TrendDetector(embedder="no-such-embedder", show_progress=False)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(TrendlensError, match="no-such-embedder"):
            detector.fit(load_corpus(huffpost_records[:300]))
    assert not hasattr(detector, "languages_")  # the warning said it; a failed fit keeps no state (issue 21)


def test_fit_of_a_corpus_without_timestamps_warns_that_nothing_is_scored_over_time(huffpost_records):
    undated = load_corpus([{"text": r["text"]} for r in huffpost_records[:300]])
    warned = pytest.warns(
        UserWarning, match="no document has a timestamp, so trends are found but not scored over time"
    )
    with warned, pytest.raises(TrendlensError, match="no-such-embedder"):
        TrendDetector(embedder="no-such-embedder", show_progress=False).fit(undated)
