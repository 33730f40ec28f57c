"""The topic-quality comparison (trendlens vs plain BERTopic) on a small real sample, with the real model."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import SHARED, read_jsonl_gz
from trendlens.eval.topics import evaluate

pytestmark = pytest.mark.slow


def test_both_systems_are_scored_on_the_same_real_documents(embedder):
    records = read_jsonl_gz(SHARED / "bbc.jsonl.gz")[::8]  # 279 BBC articles, five categories
    texts = [r["text"] for r in records]
    classes = [r["category"] for r in records]
    results = evaluate(texts, np.asarray(embedder.encode(texts)), classes)
    assert set(results) == {"trendlens", "bertopic"}
    for system, scores in results.items():
        assert scores["n_topics"] >= 2, system
        assert -1 <= scores["npmi"] <= 1 and 0 < scores["td"] <= 1
        assert 0 <= scores["outlier_share"] <= 1
        assert 0 <= scores["nmi"] <= 1 and -1 <= scores["ari"] <= 1
        assert -1 <= scores["seed_stability_ari"] <= 1
    # BBC's five categories are well separated: trendlens's topics must agree with them clearly
    assert results["trendlens"]["nmi"] > 0.4
