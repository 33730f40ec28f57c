"""Evaluation metrics: NPMI against hand arithmetic, diversity, NMI/ARI, seed stability, BBC sanity check."""

from __future__ import annotations

import collections
import math
import random

import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.eval import (
    EPSILON,
    clustering_agreement,
    npmi_coherence,
    npmi_per_topic,
    seed_stability,
    tokenize,
    topic_diversity,
)


def npmi(p1: float, p2: float, p12: float) -> float:
    """gensim's normalised log-ratio measure, written out for the hand calculations."""
    return math.log((p12 + EPSILON) / (p1 * p2)) / -math.log(p12 + EPSILON)


#: Four short documents for whole-document co-occurrence.
FRUIT = [
    ["apple", "banana", "cherry"],
    ["apple", "banana"],
    ["apple", "durian"],
    ["cherry", "durian"],
]


# --- tokenize -------------------------------------------------------------------------


def test_tokenize_matches_keyword_tokens():
    texts = ["Oat-milk lattes, don't STOP! 2024 a x9 café", "Salt & pepper"]
    assert tokenize(texts) == [["oat-milk", "lattes", "don't", "stop", "x9"], ["salt", "pepper"]]


def test_tokenize_vocabulary_drops_tokens_without_gaps():
    assert tokenize(["the oat milk and the latte"], vocabulary={"Oat", "milk", "latte"}) == [["oat", "milk", "latte"]]


def test_tokenize_rejects_a_single_string():
    with pytest.raises(TypeError):
        tokenize("one text")


# --- NPMI by hand ------------------------------------------------------------------------


def test_npmi_whole_document_by_hand():
    # 4 documents. apple in d1 d2 d3 (3/4), banana in d1 d2 (2/4), durian in d3 d4 (2/4);
    # apple & banana in d1 d2 (2/4), apple & durian in d3 (1/4).
    # NPMI(apple, banana) = log(0.5 / (0.75 * 0.5)) / -log(0.5) = log(4/3) / log(2) = 0.415037
    # NPMI(apple, durian) = log(0.25 / (0.75 * 0.5)) / -log(0.25) = log(2/3) / log(4) = -0.292481
    scores = npmi_per_topic([["apple", "banana"], ["apple", "durian"]], FRUIT, window=None)
    assert scores == pytest.approx([math.log(4 / 3) / math.log(2), math.log(2 / 3) / math.log(4)], abs=1e-9)
    assert scores == pytest.approx([0.415037, -0.292481], abs=1e-6)
    mean = npmi_coherence([["apple", "banana"], ["apple", "durian"]], FRUIT, window=None)
    assert mean == pytest.approx((scores[0] + scores[1]) / 2)


def test_npmi_topic_is_the_mean_over_its_pairs():
    # cherry in d1 d4 (2/4). Pairs: apple-banana 0.415037 (above);
    # apple-cherry: d1 (1/4) -> log(0.25 / (0.75 * 0.5)) / log(4) = -0.292481;
    # banana-cherry: d1 (1/4) -> log(0.25 / (0.5 * 0.5)) / log(4) = 0.
    (score,) = npmi_per_topic([["apple", "banana", "cherry"]], FRUIT, window=None)
    assert score == pytest.approx(
        (npmi(3 / 4, 2 / 4, 2 / 4) + npmi(3 / 4, 2 / 4, 1 / 4) + npmi(2 / 4, 2 / 4, 1 / 4)) / 3
    )
    assert score == pytest.approx((0.415037 - 0.292481 + 0.0) / 3, abs=1e-6)


#: Texts for the sliding-window case, window = 2 tokens.
CAFE = [
    ["oat", "milk", "latte", "foam", "cup", "spoon"],  # 5 windows: (oat milk) (milk latte) (latte foam) ...
    ["milk", "sugar"],  # exactly 2 tokens: 1 window
    ["oat"],  # shorter than the window: 1 window
    ["tea", "honey", "lemon"],  # 2 windows, none with a topic word
]


def test_npmi_sliding_window_by_hand():
    # 9 windows. oat: (oat milk), [oat] -> 2/9; milk: (oat milk), (milk latte), [milk sugar] -> 3/9;
    # both: (oat milk) -> 1/9. NPMI = log((1/9) / (2/9 * 3/9)) / -log(1/9) = log(1.5) / log(9) = 0.184535
    expected = math.log(1.5) / math.log(9)
    assert npmi_per_topic([["oat", "milk"]], CAFE, window=2) == pytest.approx([expected], abs=1e-9)
    assert npmi_per_topic([["oat", "milk"]], CAFE, window=2, counting="exact") == pytest.approx([expected], abs=1e-9)
    assert expected == pytest.approx(0.184535, abs=1e-6)


def test_gensim_41_skips_texts_without_topic_words():
    # gensim <= 4.1 dropped the tea text (no topic word): 7 windows, oat 2/7, milk 3/7, both 1/7.
    # NPMI = log((1/7) / (2/7 * 3/7)) / -log(1/7) = log(7/6) / log(7) = 0.079218
    score = npmi_per_topic([["oat", "milk"]], CAFE, window=2, counting="gensim-4.1")
    assert score == pytest.approx([math.log(7 / 6) / math.log(7)], abs=1e-9)
    # ... so a topic's value depended on the topics scored with it; with gensim >= 4.2 it does not.
    alone = npmi_per_topic([["oat", "milk"]], CAFE, window=2, counting="gensim-4.1")[0]
    together = npmi_per_topic([["oat", "milk"], ["tea", "lemon"]], CAFE, window=2, counting="gensim-4.1")[0]
    assert together != pytest.approx(alone)
    assert npmi_per_topic([["oat", "milk"], ["tea", "lemon"]], CAFE, window=2)[0] == pytest.approx(
        npmi_per_topic([["oat", "milk"]], CAFE, window=2)[0]
    )


def test_gensim_incremental_window_update():
    # Windows of 2: (oat oat) (oat milk) (milk tea). Exactly: oat 2/3, milk 2/3, both 1/3.
    # gensim switches "oat" off when the first copy leaves, though the second is still inside,
    # so it counts oat 1/3, milk 2/3, both 0 -> log(eps / (1/3 * 2/3)) / -log(eps) = -0.945566.
    texts = [["oat", "oat", "milk", "tea"]]
    assert npmi_per_topic([["oat", "milk"]], texts, window=2) == pytest.approx([npmi(1 / 3, 2 / 3, 0.0)], abs=1e-12)
    assert npmi(1 / 3, 2 / 3, 0.0) == pytest.approx(-0.945566, abs=1e-6)
    exact = npmi_per_topic([["oat", "milk"]], texts, window=2, counting="exact")
    assert exact == pytest.approx([math.log(0.75) / math.log(3)], abs=1e-9)


def test_whole_document_equals_a_window_longer_than_every_text():
    texts = CAFE + FRUIT
    topics = [["oat", "milk", "apple"], ["banana", "cherry", "tea"]]
    assert npmi_per_topic(topics, texts, window=None) == pytest.approx(npmi_per_topic(topics, texts, window=50))


def test_npmi_is_one_for_words_that_always_and_only_co_occur():
    texts = [["salt", "pepper"], ["pepper", "salt", "bread"], ["bread", "butter"], ["jam", "butter"]]
    # p(salt) = p(pepper) = p(salt, pepper) = 1/2 -> log(0.5 / 0.25) / -log(0.5) = 1 (up to eps)
    assert npmi_coherence([["salt", "pepper"]], texts, window=None) == pytest.approx(1.0, abs=1e-9)
    assert npmi_coherence([["salt", "pepper"]], texts, window=10) == pytest.approx(1.0, abs=1e-9)


def test_npmi_for_words_that_never_co_occur_is_near_minus_one():
    texts = [["ice", "cold"], ["fire", "hot"], ["cold", "hot"], ["warm"]]
    # p(ice) = p(fire) = 1/4, p(ice, fire) = 0: gensim's eps gives log(1e-12 / (1/16)) / -log(1e-12) = -0.899657,
    # not -1; the rarer the words, the further from -1.
    score = npmi_coherence([["ice", "fire"]], texts, window=None)
    assert score == pytest.approx(npmi(0.25, 0.25, 0.0), abs=1e-12)
    assert score == pytest.approx(-0.899657, abs=1e-6)


def test_pair_in_every_window_scores_minus_one_as_in_gensim():
    # log((1 + eps) / (1 * 1)) / -log(1 + eps) = -1: an edge case of gensim's formula, kept for comparability.
    assert npmi_coherence([["oat", "milk"]], [["oat", "milk"], ["milk", "oat"]], window=None) == pytest.approx(-1.0)


def test_topic_words_skip_multi_word_and_unknown_keywords():
    keywords = ["oat milk", "OAT", "espresso", "oat", "milk", "latte"]
    # "oat milk" and "espresso" are no corpus tokens, the second "oat" repeats: the top 2 are oat, milk.
    assert npmi_per_topic([keywords], CAFE, top_n=2, window=2) == npmi_per_topic([["oat", "milk"]], CAFE, window=2)


def test_topics_with_fewer_than_two_known_words_are_left_out():
    scores = npmi_per_topic([["oat", "espresso"], ["oat", "milk"]], CAFE, window=2)
    assert math.isnan(scores[0])
    assert npmi_coherence([["oat", "espresso"], ["oat", "milk"]], CAFE, window=2) == pytest.approx(scores[1])
    assert math.isnan(npmi_coherence([["espresso", "mocha"]], CAFE, window=2))


@pytest.mark.parametrize(
    "kwargs",
    [{"top_n": 1}, {"window": 1}, {"counting": "palmetto"}],
)
def test_npmi_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError):
        npmi_per_topic([["oat", "milk"]], CAFE, **kwargs)


def test_npmi_rejects_an_empty_corpus_and_untokenised_texts():
    with pytest.raises(ValueError):
        npmi_coherence([["oat", "milk"]], [])
    with pytest.raises(TypeError):
        npmi_coherence([["oat", "milk"]], ["oat milk latte"])
    with pytest.raises(TypeError, match="keywords must be strings"):
        npmi_coherence([[("oat", 0.3), ("milk", 0.2)]], CAFE)  # trendlens keywords are (word, score) pairs


# --- topic diversity -----------------------------------------------------------------------


def test_diversity_two_topics_sharing_half_their_words():
    topics = [["oat", "milk", "latte", "foam"], ["latte", "foam", "tea", "honey"]]
    assert topic_diversity(topics, top_n=4) == pytest.approx(6 / 8)


def test_diversity_bounds_and_truncation():
    assert topic_diversity([["a1", "b1"], ["c1", "d1"], ["e1", "f1"]], top_n=2) == 1.0
    assert topic_diversity([["oat", "milk"]] * 4, top_n=2) == pytest.approx(1 / 4)
    # only the first top_n words count: the shared "milk" comes later
    assert topic_diversity([["oat", "milk"], ["tea", "milk"]], top_n=1) == 1.0


def test_diversity_rejects_short_topics():
    with pytest.raises(ValueError, match="fewer than top_n=25"):
        topic_diversity([["oat"] * 10])
    with pytest.raises(ValueError):
        topic_diversity([], top_n=10)


# --- clustering agreement and stability ------------------------------------------------------


def test_identical_partitions_agree_fully_whatever_the_names():
    scores = clustering_agreement(["food", "food", "tech", "tech", "art"], [3, 3, 0, 0, 7])
    assert scores == {"nmi": pytest.approx(1.0), "ari": pytest.approx(1.0), "outlier_share": 0.0, "n_scored": 5}


def test_outliers_count_as_a_cluster_unless_ignored():
    true = ["a", "a", "b", "b", "c", "d"]
    pred = [1, 1, 2, 2, -1, -1]
    # With outliers as a cluster: pairs together in both = 2 (a, b); in true 2, in pred 3; 15 pairs.
    # ARI = (2 - 2*3/15) / ((2+3)/2 - 2*3/15) = 1.6 / 2.1. pred is a function of true, so
    # MI = H(pred) = log 3 and NMI = 2 log 3 / (H(true) + log 3), H(true) = 2/3 log 3 + 1/3 log 6.
    kept = clustering_agreement(true, pred)
    h_true = 2 / 3 * math.log(3) + 1 / 3 * math.log(6)
    assert kept["ari"] == pytest.approx(1.6 / 2.1)
    assert kept["nmi"] == pytest.approx(2 * math.log(3) / (h_true + math.log(3)))
    assert kept["outlier_share"] == pytest.approx(1 / 3)
    ignored = clustering_agreement(true, pred, ignore_outliers=True)
    assert ignored == {
        "nmi": pytest.approx(1.0),
        "ari": pytest.approx(1.0),
        "outlier_share": pytest.approx(1 / 3),
        "n_scored": 4,
    }


def test_agreement_edge_cases():
    all_out = clustering_agreement(["a", "b"], [-1, -1], ignore_outliers=True)
    assert math.isnan(all_out["nmi"]) and math.isnan(all_out["ari"]) and all_out["outlier_share"] == 1.0
    with pytest.raises(ValueError):
        clustering_agreement(["a", "b"], [1])


def test_seed_stability_symmetric_and_blind_to_numbering():
    run_a = [0, 0, 1, 1, 2, 2, -1]
    run_b = [5, 5, 9, 9, 4, 4, -1]
    assert seed_stability(run_a, run_b) == pytest.approx(1.0)
    other = [0, 1, 1, 1, 2, 0, 2]
    assert seed_stability(run_a, other) == pytest.approx(seed_stability(other, run_a))
    assert seed_stability(run_a, other) < 0.5
    assert seed_stability([1, 1, 2, 2, -1, -1], ["a", "a", "b", "b", "c", "d"]) == pytest.approx(1.6 / 2.1)


# --- real data ----------------------------------------------------------------------------------


def category_topics(texts: list[list[str]], categories: list[str], n_words: int = 10, min_docs: int = 10):
    """Top words of each category by document-frequency ratio (in-category share / out-of-category share)."""
    in_docs: dict[str, collections.Counter] = collections.defaultdict(collections.Counter)
    for tokens, category in zip(texts, categories):
        in_docs[category].update(set(tokens))
    all_docs = sum(in_docs.values(), collections.Counter())
    sizes = collections.Counter(categories)
    topics = {}
    for category, counts in sorted(in_docs.items()):
        outside = len(texts) - sizes[category]

        def ratio(word: str, counts=counts, category=category, outside=outside) -> float:
            return (counts[word] / sizes[category]) / ((all_docs[word] - counts[word] + 1) / outside)

        frequent = [word for word, count in counts.items() if count >= min_docs]
        topics[category] = sorted(frequent, key=lambda word: (-ratio(word), word))[:n_words]
    return topics, all_docs


def test_bbc_category_topics_are_more_coherent_than_random_words():
    records = read_jsonl_gz(CORPORA / "bbc.jsonl.gz")
    assert {"text", "category"} <= set(records[0])
    sample = records[::7][:300]  # the file is sorted by category: every 7th article covers all five
    texts = tokenize(r["text"] for r in sample)
    topics, doc_freq = category_topics(texts, [r["category"] for r in sample])
    assert len(topics) == 5
    assert {"shares", "stock"} <= set(topics["business"]) and "tory" in topics["politics"]
    pool = sorted(word for word, count in doc_freq.items() if count >= 10)  # same frequency band
    rng = random.Random(0)
    random_groups = [rng.sample(pool, 10) for _ in range(20)]
    category_lists = list(topics.values())
    for window, margin in ((10, 0.1), (None, 0.3)):
        coherent = npmi_coherence(category_lists, texts, window=window)
        baseline = npmi_coherence(random_groups, texts, window=window)
        assert coherent > baseline + margin, (window, coherent, baseline)
