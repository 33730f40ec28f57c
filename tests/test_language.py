"""Language identification of a corpus sample, and the warning `fit` gives for non-English input (real corpora)."""

from __future__ import annotations

import re
from itertools import islice

import numpy as np
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import TrendDetector, TrendlensError, load_corpus
from trendlens.corpus.language import (
    function_words,
    group_languages,
    in_languages,
    language_mix,
    main_language,
    other_languages,
)
from trendlens.topics.gloss import glossed, glosses


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


@pytest.fixture(scope="module")
def threads_reviews() -> dict[str, list[str]]:
    """Real Threads launch reviews in Devanagari (Hindi and others), Arabic script, romanised Hindi and English."""
    texts = [r["text"] for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")]
    devanagari = [t for t in texts if re.search("[\u0900-\u097f]{3}", t)][:60]
    arabic = [t for t in texts if re.search("[\u0600-\u06ff]{3}", t)][:60]
    romanised = [t for t in texts if re.search(r"\b(?:hai|nahi|bhai)\b", t, re.I) and t.isascii()][:150]
    english = list(islice((t for t in texts if len(t) > 60 and language_mix([t]).get("en")), 200))
    return {"devanagari": devanagari, "arabic": arabic, "romanised": romanised, "english": english}


def test_a_trend_written_in_other_languages_says_which_and_a_group_where_most_of_it_is(threads_reviews):
    """Issue 20: English MiniLM groups what it cannot read by language and script; a Threads trend of Hindi
    reviews was named "नही", of Arabic and Persian ones "تويتر", the Bluesky posts in German and Dutch "exit"."""
    texts = [t for kind in threads_reviews.values() for t in kind]
    rows, start = {}, 0
    for k, kind in enumerate(threads_reviews.values()):
        rows[k] = list(range(start, start + len(kind)))
        start += len(kind)
    main = main_language(texts, range(len(texts)))
    assert main == "en"
    languages = other_languages(texts, rows, main)
    assert languages[0][0] == "Hindi" and languages[1][0] in ("Arabic", "Persian"), languages
    assert 2 not in languages and 3 not in languages  # romanised Hindi is not identified; English is the main one
    assert other_languages(texts, rows, "hi")[3] == ("English",)  # in a corpus written in Hindi, English is other
    sizes = {k: len(r) for k, r in rows.items()}
    # a group is in other languages where its members in them hold most of its documents, not from a sample
    (both,) = group_languages(languages, {7: [0, 1]}, sizes).values()
    assert set(both) == set(languages[0] + languages[1]) and len(both) <= 3, both
    assert group_languages(languages, {7: [0, 1, 2]}, sizes) == {}  # 120 of 270: most are romanised Hindi
    assert in_languages("exit", ("German", "Dutch")) == "exit (in German and Dutch)"
    assert (
        in_languages("terremoto", ("Spanish", "Italian", "Portuguese"))
        == "terremoto (in Spanish, Italian and Portuguese)"
    )
    assert in_languages("terremoto", ()) == "terremoto"


def test_a_trend_in_many_languages_none_of_them_most_says_several(threads_reviews):
    """A Threads trend of 717 reviews was named "hai (in Indonesian)": its sample of 50 held 6 reviews in Indonesian,
    3 in Bengali, 2 in Javanese, one each in Turkish, Hindi, Nigerian Pidgin, Bikol and English, and 34 the
    identifier does not know (romanised Hindi). Real reviews in those numbers say "several languages"."""
    texts = [r["text"] for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz")]
    wanted = {"id": 6, "bn": 3, "jv": 2, "tr": 1, "hi": 1, "pcm": 1, "bcl": 1, "en": 1}
    picked: dict[str, list[str]] = {language: [] for language in wanted}
    for text in texts:
        (language, _), *_ = language_mix([text]).items()
        if language in picked and len(picked[language]) < wanted[language]:
            picked[language].append(text)
    unknown = [t for t in threads_reviews["romanised"] if language_mix([t]).get("unknown")][:34]
    sample = [t for kind in picked.values() for t in kind] + unknown
    assert len(sample) == 50
    rows = {0: list(range(50)), 1: list(range(6)) + list(range(16, 26))}
    languages = other_languages(sample, rows, "en")
    assert languages[0] == ("several languages",), languages
    assert languages[1] == ("Indonesian",), languages  # the 6 in Indonesian beside 10 unknown: named
    assert group_languages(languages, {5: [0, 1]}, {0: 717, 1: 50}) == {5: ("several languages",)}


def test_fit_names_a_trend_of_posts_in_german_and_dutch_so(static_embedder):
    records = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")
    foreign = list(islice((r for r in records if language_mix([r["text"]]).keys() & {"de", "nl"}), 40))
    english = list(islice((r for r in records[::40] if language_mix([r["text"]]).get("en")), 120))
    corpus = load_corpus(english + foreign)
    german_or_dutch = {r["id"] for r in foreign}
    labels = np.array([1 if d.id in german_or_dutch else 0 for d in corpus])
    det = TrendDetector(embedder=static_embedder, show_progress=False, taxonomy=None)
    det.fit_assigned(corpus, labels, {0: ["bluesky"], 1: ["exit"]}, embeddings=static_embedder.encode(corpus.texts))
    named = det.trends_["label"]
    assert re.search(r" \(in (German and Dutch|Dutch and German)\)$", named[1]), named[1]
    assert "(in " not in named[0]
    group = det.consumer_trends_.loc[det.trends_.at[1, "consumer_trend_group"]]
    if list(group["members"]) == [1]:  # a consumer trend of one sub trend is named as it
        assert group["label"] == named[1]
    else:  # with the English posts: most of it is English
        assert "(in " not in group["label"]


def test_a_name_in_another_language_is_glossed_by_the_nearest_english_phrase_of_the_corpus(multilingual_embedder):
    """Issue 20: judges left "terremoto" a foreign word a reader must look up. The gloss is one of the corpus's own
    English phrases, in the multilingual tier's space, and only one close enough (:data:`GLOSS_SIMILARITY`)."""
    candidates = ["tsunami warning", "earthquake", "costa rica", "mexico", "boat", "pray for bohol", "refinery"]
    names = ["alerta de tsunami", "terremoto and santa maria", "méxico", "boate kiss", "pray for visayas"]
    found = glosses(names, candidates, multilingual_embedder.encode)
    assert found == {"alerta de tsunami": "tsunami warning", "terremoto": "earthquake"}, found
    # "mexico" only spells "méxico" without its accent; "boat" is a false friend of "boate" (a nightclub, 0.66);
    # "pray for visayas" is in English words; "santa maria" is a place
    assert glossed("terremoto and santa maria", found) == "terremoto ‘earthquake’ and santa maria"
    assert glossed("méxico", found) == "méxico"


def test_fit_glosses_the_name_of_italian_tweets_with_a_phrase_of_the_english_ones(static_embedder):
    quakes = {"2012_Italy_earthquakes", "2012_Costa_Rica_earthquake", "2012_Guatemala_earthquake"}
    records = [r for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz") if r["event"] in quakes]
    english = [r for r in records if language_mix([r["text"]]).get("en")]
    italian = list(islice((r for r in records if language_mix([r["text"]]).get("it")), 150))
    corpus = load_corpus(english + italian)
    in_italian = {r["id"] for r in italian}
    labels = np.array([1 if d.id in in_italian else 0 for d in corpus])
    det = TrendDetector(embedder=static_embedder, show_progress=False, taxonomy=None)
    det.fit_assigned(
        corpus, labels, {0: ["earthquake"], 1: ["terremoto"]}, embeddings=static_embedder.encode(corpus.texts)
    )
    named = det.trends_["label"]
    match = re.fullmatch(r"(.+) ‘(.+)’ \(in Italian\)", named[1])
    assert match, named[1]
    english_phrases = {det.trends_.at[0, "label"], *det.trends_.at[0, "keywords"]}
    assert match[2] in english_phrases and "quake" in match[2], (named[1], english_phrases)
    assert "‘" not in named[0] and "(in " not in named[0]


def test_each_keyword_of_a_keyword_label_in_another_language_is_glossed(multilingual_embedder):
    """A trend no phrase names is named by its keywords ("excelente / gente / aplicativo (in Spanish and
    Portuguese)" for a Threads cluster of Spanish and Portuguese reviews, where no phrase is in 5% of them): each
    keyword is glossed on its own, by the English keywords of the corpus's other trends."""
    candidates = ["app", "people", "good", "twitter", "feed", "instagram", "login"]
    found = glosses(["excelente / gente / aplicativo"], candidates, multilingual_embedder.encode)
    assert glossed("excelente / gente / aplicativo", found) == "excelente ‘good’ / gente ‘people’ / aplicativo ‘app’"
    assert glossed("twitter / app", found) == "twitter / app"
