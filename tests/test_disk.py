"""Embeddings of a corpus larger than the fit sample stay in a temporary file (DiskVectors)."""

from __future__ import annotations

import copy
import os
import pickle

import numpy as np
import pytest

from trendlens import TrendDetector, load_corpus
from trendlens.embed.disk import DiskVectors, group_sums
from trendlens.topics.model import cluster_centroids


@pytest.fixture(scope="module")
def vectors(static_embedder, huffpost_records):
    texts = [r["text"] for r in huffpost_records[:5000]]
    return static_embedder.encode(texts)


def test_rows_written_in_pieces_read_back_by_any_index(vectors, tmp_path):
    disk = DiskVectors(len(vectors), vectors.shape[1], directory=tmp_path)
    assert os.listdir(tmp_path) == []  # the file has no name: nothing is left behind, whatever happens
    for start in range(0, len(vectors), 1500):
        disk[start : start + 1500] = vectors[start : start + 1500]
    mask = vectors[:, 0] > 0
    picks = np.array([4999, 0, 17, 17])
    assert np.array_equal(np.asarray(disk), vectors)
    assert np.array_equal(disk[mask], vectors[mask]) and np.array_equal(disk[picks], vectors[picks])
    assert np.array_equal(disk[10:20], vectors[10:20]) and np.array_equal(disk[7], vectors[7])
    assert np.array_equal(disk[::7], vectors[::7]) and np.array_equal(disk[-1], vectors[-1])
    assert np.array_equal(disk[[]], vectors[[]]) and np.array_equal(disk[np.arange(4990, 5000)], vectors[4990:])
    assert len(disk) == 5000 and disk.shape == vectors.shape and disk[:3].dtype == np.float32
    for wrong in (5000, [0, 5000], np.ones(10, bool)):
        with pytest.raises(IndexError):
            disk[wrong]
    with pytest.raises(ValueError, match="cannot write"):
        disk.write(4999, vectors[:2])
    disk.close()
    with pytest.raises(ValueError, match="closed"):
        disk[0]


def test_group_sums_and_centroids_read_in_chunks_match_the_plain_means(vectors, tmp_path):
    labels = np.random.default_rng(0).integers(-1, 7, size=len(vectors))
    disk = DiskVectors(len(vectors), vectors.shape[1], directory=tmp_path)
    disk[0 : len(vectors)] = vectors
    sums, counts = group_sums(labels, disk, 7, chunk=999)
    for k in range(7):
        assert counts[k] == (labels == k).sum()
        assert np.allclose(sums[k], vectors[labels == k].sum(axis=0, dtype=np.float64), atol=1e-4)
    centroids = cluster_centroids(labels, disk)
    assert sorted(centroids) == list(range(7))
    for k, centroid in centroids.items():
        mean = vectors[labels == k].mean(axis=0)
        assert np.allclose(centroid, mean / np.linalg.norm(mean), atol=1e-6)


@pytest.mark.slow
def test_a_fit_with_vectors_on_disk_equals_the_fit_in_memory(huffpost_records, monkeypatch):
    """Above fit_sample the fit writes its vectors to disk; given the same vectors in memory it finds the same."""
    corpus = load_corpus(huffpost_records).sample(3000, random_state=1)
    common = dict(embedder="minilm-static", embedding_cache=False, fit_sample=1200, show_progress=False)
    rows_read = []
    read = DiskVectors._read
    monkeypatch.setattr(
        DiskVectors, "_read", lambda self, start, count: rows_read.append(count) or read(self, start, count)
    )
    on_disk = TrendDetector(**common).fit(corpus)
    on_disk.report(top=5)
    # whole passes over the file, not one per trend: the trend table and the findings order members by
    # a similarity computed in one pass (gathering each trend's rows read most of the file per trend).
    # Ten passes: six for the sub trends, three for the consumer trends (signals, centroids, centrality)
    # and one gathering every trend's most central documents for the taxonomy placement.
    assert sum(rows_read) <= 10 * len(corpus)
    assert isinstance(on_disk.embeddings_, DiskVectors)
    in_memory = TrendDetector(**common).fit(corpus, embeddings=np.asarray(on_disk.embeddings_))
    assert isinstance(in_memory.embeddings_, np.ndarray)
    assert np.array_equal(on_disk.labels_, in_memory.labels_)
    assert on_disk.trends_.equals(in_memory.trends_)
    report = on_disk.report(top=5)
    assert len(report.trends) == 5 and all(t.findings and t.examples for t in report.trends)
    assert {p.doc_id for p in report.document_map} <= {corpus[int(i)].id for i in on_disk.fit_rows_}


def test_copies_have_their_own_handle_and_pickling_is_refused(vectors, tmp_path):
    disk = DiskVectors(100, vectors.shape[1], directory=tmp_path)
    disk[0:100] = vectors[:100]
    shallow, deep = copy.copy(disk), copy.deepcopy(disk)
    disk.write(0, vectors[100:101])  # a shallow copy sees the same rows, a deep copy keeps its own
    disk.close()
    with open(tmp_path / "other.bin", "wb") as other:  # may take the closed descriptor's number
        other.write(b"\0" * 4096)
        assert np.array_equal(shallow[0], vectors[100]) and np.array_equal(shallow[1:], vectors[1:100])
        assert np.array_equal(np.asarray(deep), vectors[:100])
    with pytest.raises(TypeError, match="cannot be pickled"):
        pickle.dumps(deep)


def test_similarity_to_own_centroid_read_in_chunks_matches_the_plain_product(vectors, tmp_path):
    from trendlens.topics.assign import similarity_to_own_centroid

    labels = np.random.default_rng(1).integers(-1, 5, size=len(vectors))
    disk = DiskVectors(len(vectors), vectors.shape[1], directory=tmp_path)
    disk[0 : len(vectors)] = vectors
    centroids = cluster_centroids(labels, vectors)
    sims = similarity_to_own_centroid(labels, disk, centroids, chunk=777)
    assert np.isnan(sims[labels < 0]).all()
    for k, centroid in centroids.items():
        assert np.allclose(sims[labels == k], vectors[labels == k] @ centroid, atol=1e-6)
    assert np.isnan(similarity_to_own_centroid(np.full(5, -1), vectors[:5], {})).all()
