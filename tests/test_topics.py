"""Topic labels, clustering settings and the exact nearest neighbours UMAP is given."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens import ConfigError
from trendlens.topics import TopicConfig
from trendlens.topics.model import label_from_keywords, stop_words


def test_label_skips_words_that_repeat_a_kept_one():
    assert label_from_keywords(["facebook", "zuckerberg", "facebooks", "meta"]) == "facebook / zuckerberg / meta"
    assert label_from_keywords(["star wars", "wars", "marvel", "box office"]) == "star wars / marvel / box office"


def test_label_skips_words_found_in_only_one_member_document():
    members = ["A shooting in traffic", "Police shooting downtown", "Gun police traffic stop", "Witnesses say"]
    assert label_from_keywords(["shooting", "witness", "traffic", "police"], member_texts=members) == (
        "shooting / traffic / police"
    )


def test_label_of_nothing():
    assert label_from_keywords([]) == "(no keywords)"


def test_contractions_without_apostrophes_are_stop_words():
    words = set(stop_words("english"))
    assert {"heres", "dont", "thats", "the"} <= words
    assert "shell" not in words  # a real word, not a contraction
    assert stop_words(None) is None


def test_cluster_size_scales_and_settings_are_checked():
    assert TopicConfig().cluster_size_for(650) == 8
    assert TopicConfig().cluster_size_for(10_000) == 40
    assert TopicConfig(min_cluster_size=12).cluster_size_for(10_000) == 12
    with pytest.raises(ConfigError, match="max_cluster_share"):
        TopicConfig(max_cluster_share=1.5).validate()


def test_exact_neighbors_match_a_brute_force_search_on_real_embeddings(huffpost_records, embedder):
    from sklearn.neighbors import NearestNeighbors

    from trendlens.topics.neighbors import exact_neighbors

    texts = [r["text"] for r in huffpost_records[:300]]
    vectors = np.asarray(embedder.encode(texts), dtype=np.float32)
    indices, distances = exact_neighbors(vectors, 15, block=64)  # several blocks
    assert indices.shape == distances.shape == (300, 15)
    assert (indices[:, 0] == np.arange(300)).all() and np.allclose(distances[:, 0], 0, atol=1e-5)
    assert (np.diff(distances, axis=1) >= -1e-6).all()  # nearest first
    reference = NearestNeighbors(n_neighbors=15, metric="cosine", algorithm="brute").fit(vectors)
    ref_distances, ref_indices = reference.kneighbors(vectors)
    assert np.allclose(distances, ref_distances, atol=1e-5)
    overlap = np.mean([len(set(a) & set(b)) / 15 for a, b in zip(indices, ref_indices)])
    assert overlap > 0.99  # only ties may be ordered differently


def test_exact_neighbors_setting_is_checked():
    # exact neighbours are the default up to exact_neighbors_max documents; 0 turns them off
    assert TopicConfig().exact_neighbors_max == 50_000
    with pytest.raises(ConfigError):
        TopicConfig(exact_neighbors_max=-1).validate()


def test_reduce_frequent_words_changes_keywords_not_clusters(e2e_corpus, e2e_embeddings):
    from trendlens.topics import fit_topics

    texts = e2e_corpus.texts
    vectors = np.asarray(e2e_embeddings, dtype=np.float32)
    plain = fit_topics(texts, vectors, TopicConfig(ngram_range=(1, 1)))
    damped = fit_topics(texts, vectors, TopicConfig(ngram_range=(1, 1), reduce_frequent_words=True))
    assert (plain.labels == damped.labels).all()  # c-TF-IDF only describes the clusters
    assert plain.keywords.keys() == damped.keywords.keys() and len(plain.keywords) >= 3
    changed = [t for t in plain.keywords if [w for w, _ in plain.keywords[t]] != [w for w, _ in damped.keywords[t]]]
    assert changed  # the square root of the counts reorders some trend's words
    for topic in plain.keywords:  # the same candidate words, weighed differently
        assert plain.keywords[topic][0][1] != damped.keywords[topic][0][1]
