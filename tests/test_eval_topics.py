"""The topic-quality comparison (trendlens vs plain BERTopic) on a small real sample, with the real model."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.eval.preprocess import preprocess
from trendlens.eval.topics import evaluate

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def bbc_sample(onnx_embedder):
    records = read_jsonl_gz(CORPORA / "bbc.jsonl.gz")[::6]  # 371 BBC articles, five categories
    texts = [r["text"] for r in records]
    prepared = preprocess(texts)
    # the faster tier of the same model: any real vectors do
    embeddings = np.asarray(onnx_embedder.encode([texts[i] for i in prepared.kept]))
    classes = [records[i]["category"] for i in prepared.kept]
    return prepared, embeddings, classes


def test_both_systems_are_scored_on_the_same_real_documents(bbc_sample):
    prepared, embeddings, classes = bbc_sample
    results = evaluate(prepared.texts, embeddings, prepared.tokens, prepared.vocabulary, classes, topic_counts=(3, 5))
    assert set(results) == {"trendlens", "bertopic"}
    for system, scores in results.items():
        assert scores["n_topics"] >= 2, system
        assert -1 <= scores["npmi"] <= 1 and 0 < scores["td"] <= 1, system
        assert 0 <= scores["outlier_share"] <= 1
        assert 0 <= scores["nmi"] <= 1 and -1 <= scores["ari"] <= 1
        assert -1 <= scores["seed_stability_ari"] <= 1
        for k, at in scores["by_topic_count"].items():
            assert at["topics"] <= int(k) or at["topics"] == scores["n_topics"], (system, k)
        # averaged over the reduced sizes, as the paper's protocol does
        assert scores["npmi"] == pytest.approx(np.mean([at["npmi"] for at in scores["by_topic_count"].values()]))
    # BBC's five categories are well separated: trendlens's topics must agree with them clearly,
    # and its keywords, counted over the preprocessed articles, must cohere
    assert results["trendlens"]["nmi"] > 0.4
    assert results["trendlens"]["npmi"] > 0.05


def test_reduction_to_fewer_topics_keeps_vocabulary_words_only(bbc_sample):
    from trendlens.eval.topics import cluster_trendlens

    prepared, embeddings, _ = bbc_sample
    vocabulary = set(prepared.vocabulary)
    run = cluster_trendlens(prepared.texts, embeddings, 42, vocabulary, topic_counts=(2, 4))
    assert len(run.reduced[2]) == 2 and len(run.reduced[4]) <= 4
    for topics in [run.topics, *run.reduced.values()]:
        assert all(word in vocabulary for topic in topics for word in topic)
        assert all(len(topic) >= 10 for topic in topics)


def test_one_seed_cannot_measure_stability(bbc_sample):
    prepared, embeddings, classes = bbc_sample
    with pytest.raises(ValueError, match="two seeds"):
        evaluate(prepared.texts, embeddings, prepared.tokens, prepared.vocabulary, classes, seeds=(1,))
