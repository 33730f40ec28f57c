"""Same corpus, same parameters, same trends: whatever the batch size, threads, cache or last bits of the vectors.

Vectors computed with another batch size, another thread count or on another CPU differ in
their last bits. UMAP's layout turned such differences into another clustering (issue 19:
28 vs 31 trends on two machines); the spectral layout is a continuous function of the vectors
(``trendlens.topics.spectral``), so they move only the odd document at a cluster's edge.
The executor (local or Dask) is covered in tests/test_parallel.py.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.base import clone

from trendlens import TrendDetector, get_embedder, load_corpus
from trendlens.embed.base import available_threads

pytestmark = pytest.mark.slow


def _fit(corpus, vectors, **params):
    detector = TrendDetector(embedding_cache=False, show_progress=False, taxonomy=None, **params)
    return detector.fit(corpus, embeddings=vectors)


def _perturbed(vectors: np.ndarray, relative: float, seed: int = 0) -> np.ndarray:
    noise = np.random.default_rng(seed).standard_normal(vectors.shape).astype(np.float32)
    moved = vectors * (1 + relative * noise)
    return moved / np.linalg.norm(moved, axis=1, keepdims=True)


@pytest.fixture(scope="module")
def demo(huffpost_records):
    """The whole demo corpus (9,998 headlines after de-duplication)."""
    return load_corpus(huffpost_records)


@pytest.fixture(scope="module")
def demo_vectors(static_embedder, demo):
    # the fastest tier: any real vectors do for this test. Static MiniLM encodes the demo in 2.4 s, the int8
    # ONNX tier in 57 s; under noise seeds 0/1/2 its labels stay 0.998 identical, the worst trend at 0.92
    return static_embedder.encode(demo.texts)


@pytest.fixture(scope="module")
def demo_fit(demo, demo_vectors):
    return _fit(demo, demo_vectors)


def test_noise_in_the_last_bits_of_the_vectors_leaves_the_demo_trends_alone(demo, demo_vectors, demo_fit):
    again = _fit(demo, _perturbed(demo_vectors, 1e-5))
    same = (again.labels_ == demo_fit.labels_).mean()
    assert same >= 0.995, f"{same:.4f} of the labels identical under relative noise 1e-5"
    assert 25 <= len(demo_fit.trends_) <= 45 and (demo_fit.labels_ < 0).mean() <= 0.3  # static: 32 trends, 25% in none
    assert sorted(again.trends_.index) == sorted(demo_fit.trends_.index)
    before, after = demo_fit.trends_.sort_index(), again.trends_.sort_index()
    assert (before["label"] == after["label"]).mean() >= 0.9
    # every trend keeps its documents: Jaccard of its members before and after. Measured on an AMD EPYC
    # (AVX-512) with noise seeds 0/1/2: identical labels 0.998/0.995/0.995, worst trend 0.949 (98 headlines,
    # 5 at its edge moved; int8 ONNX vectors); a bound on sizes alone (2% + 2) had held on an AVX2 CPU and failed
    # there. Static vectors, seeds 0/1/2 here: 0.998 identical, worst trend 0.963/0.919/0.963.
    for trend in before.index:
        a, b = demo_fit.labels_ == trend, again.labels_ == trend
        assert (a & b).sum() / (a | b).sum() >= 0.9, f"trend {trend}: {a.sum()} → {b.sum()} documents"


@pytest.fixture(scope="module")
def part(huffpost_records):
    """Every tenth demo headline: 1,000 documents over the whole time span."""
    return load_corpus(huffpost_records[::10])


@pytest.fixture(scope="module")
def part_vectors(embedder, part):
    return embedder.encode(part.texts)  # batch 32, every core this process may use (2 on CI)


@pytest.fixture(scope="module")
def part_fit(part, part_vectors):
    return _fit(part, part_vectors)


def test_the_seed_no_longer_moves_the_trends(part, part_vectors, part_fit):
    # the spectral layout has no random component: another seed is the same fit
    seeded = _fit(part, part_vectors, topics={"random_state": 7})
    assert np.array_equal(seeded.labels_, part_fit.labels_)


@pytest.mark.parametrize(("batch_size", "threads"), [(7, 1), (64, 4)])
def test_batch_size_and_thread_count_do_not_change_the_trends(part, part_vectors, part_fit, batch_size, threads):
    reference = part_vectors
    other = get_embedder("minilm", batch_size=batch_size, threads=threads, show_progress=False)
    try:
        vectors = other.encode(part.texts)
    finally:
        import torch

        torch.set_num_threads(available_threads())  # torch's thread count is process-wide
    assert np.abs(vectors - reference).max() < 1e-4  # the same model: only rounding differs
    same = (part_fit.labels_ == _fit(part, vectors).labels_).mean()
    assert same >= 0.995, f"batch {batch_size}, {threads} threads: {same:.4f} of the labels identical"


def test_a_warm_embedding_cache_gives_the_report_of_a_cold_one(huffpost_records, tmp_path):
    small = load_corpus(huffpost_records[::18])  # 556 headlines: the cache's round trip does not need more
    cache = tmp_path / "embeddings.sqlite"
    cold = TrendDetector(embedding_cache=str(cache), show_progress=False).fit(small)
    warm = clone(cold).fit(small)  # every vector now comes from the cache
    assert len(cold.trends_) >= 5
    assert np.array_equal(cold.labels_, warm.labels_)
    pd.testing.assert_frame_equal(cold.trends_, warm.trends_)
    pd.testing.assert_frame_equal(cold.signals_, warm.signals_)
    first, second = cold.report(top=5).to_dict(), warm.report(top=5).to_dict()
    first.pop("created"), second.pop("created")
    assert first == second
