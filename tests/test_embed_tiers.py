"""The ONNX and static tiers, the embedding cache and streaming, on real text with real models."""

from __future__ import annotations

import json
import shutil
import sqlite3

import numpy as np
import pytest
from scipy.stats import spearmanr

from trendlens import ConfigError
from trendlens.embed import iter_embeddings
from trendlens.embed.cache import CachedEmbedder, EmbeddingCache
from trendlens.embed.onnx import OnnxEmbedder

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def headlines(huffpost_records) -> list[str]:
    return [r["text"] for r in huffpost_records[2000:2060]]


@pytest.mark.parametrize("backend", ["embedder", "onnx_embedder", "static_embedder"])
def test_every_backend_gives_unit_float32_vectors_of_its_dimension(request, backend, headlines):
    model = request.getfixturevalue(backend)
    vectors = model.encode(headlines)
    assert vectors.dtype == np.float32
    assert vectors.shape == (len(headlines), model.dim) == (60, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-3)
    assert model.name.startswith("sentence-transformers/all-MiniLM-L6-v2")


def test_onnx_tier_agrees_with_sentence_transformers(embedder, onnx_embedder, headlines):
    reference = embedder.encode(headlines)
    fast = onnx_embedder.encode(headlines)
    cosines = (reference * fast).sum(axis=1)
    assert cosines.min() > 0.9
    assert cosines.mean() > 0.95
    # the two models order the pairs of texts by similarity almost the same way (measured 0.97)
    pairs = np.triu_indices(len(headlines), 1)
    agreement = spearmanr((reference @ reference.T)[pairs], (fast @ fast.T)[pairs]).statistic
    assert agreement > 0.9


def test_static_tier_keeps_topical_neighbourhoods(embedder, static_embedder, huffpost_records):
    sports = [r["text"] for r in huffpost_records if r["category"] == "SPORTS"][:30]
    food = [r["text"] for r in huffpost_records if r["category"] == "FOOD & DRINK"][:30]
    vectors = static_embedder.encode(sports + food)
    similarity = vectors @ vectors.T
    within = (similarity[:30, :30].sum() - 30) / (30 * 29)
    across = similarity[:30, 30:].mean()
    assert within > across + 0.05


def test_onnx_tier_embeds_chunk_by_chunk_with_the_same_vectors(onnx_embedder, headlines):
    whole = onnx_embedder.encode(headlines)
    chunked = OnnxEmbedder.__new__(OnnxEmbedder)
    chunked.__dict__.update(onnx_embedder.__dict__)
    chunked.tokenize_chunk = 7  # 60 texts in 9 chunks, each tokenized and length-sorted on its own
    # int8 activations are scaled per batch (dynamic quantization), so other batch-mates move a vector a little
    cosines = (chunked.encode(headlines) * whole).sum(axis=1)
    assert cosines.min() > 0.98, cosines.min()


def test_onnx_model_with_wrong_checksum_is_refused(onnx_embedder, tmp_path):
    source = onnx_embedder.model_dir
    copy = tmp_path / "onnx"
    shutil.copytree(source, copy)
    manifest = json.loads((copy / "manifest.json").read_text())
    manifest["sha256"] = "0" * 64
    (copy / "manifest.json").write_text(json.dumps(manifest))
    with pytest.raises(ConfigError, match="checksum"):
        OnnxEmbedder(copy)


def test_cache_returns_identical_vectors_without_calling_the_model(static_embedder, headlines, tmp_path):
    counting = CountingEmbedder(static_embedder)
    cached = CachedEmbedder(counting, tmp_path / "cache.sqlite")
    first = cached.encode(headlines)
    assert counting.calls == len(headlines)
    again = CachedEmbedder(counting, tmp_path / "cache.sqlite").encode(headlines[::-1])
    assert counting.calls == len(headlines)  # nothing new was embedded
    assert np.array_equal(again, first[::-1])
    assert np.array_equal(first, static_embedder.encode(headlines))


def test_cache_detects_a_corrupted_entry_and_recomputes_it(static_embedder, headlines, tmp_path):
    path = tmp_path / "cache.sqlite"
    cached = CachedEmbedder(static_embedder, path)
    expected = cached.encode(headlines[:10])
    with sqlite3.connect(path) as db:
        key, blob = db.execute("SELECT text_hash, vector FROM vectors LIMIT 1").fetchone()
        damaged = bytearray(blob)
        damaged[7] ^= 0xFF
        db.execute("UPDATE vectors SET vector = ? WHERE text_hash = ?", (bytes(damaged), key))
    counting = CountingEmbedder(static_embedder)
    fresh = CachedEmbedder(counting, path)
    with pytest.warns(UserWarning, match="1 damaged"):
        vectors = fresh.encode(headlines[:10])
    assert counting.calls == 1
    assert np.array_equal(vectors, expected)
    with sqlite3.connect(path) as db:  # the entry was rewritten
        assert db.execute("SELECT vector FROM vectors WHERE text_hash = ?", (key,)).fetchone()[0] == blob


def test_cache_keeps_models_apart(static_embedder, onnx_embedder, headlines, tmp_path):
    cache = EmbeddingCache(tmp_path / "cache.sqlite")
    a = CachedEmbedder(static_embedder, cache).encode(headlines[:5])
    b = CachedEmbedder(onnx_embedder, cache).encode(headlines[:5])
    assert len(cache) == 10
    assert not np.allclose(a, b)


def test_duplicate_texts_in_one_call_are_embedded_once(static_embedder, headlines, tmp_path):
    counting = CountingEmbedder(static_embedder)
    vectors = CachedEmbedder(counting, tmp_path / "c.sqlite").encode([headlines[0], headlines[1], headlines[0]])
    assert counting.calls == 2
    assert np.array_equal(vectors[0], vectors[2])


def test_streaming_matches_one_call(static_embedder, headlines):
    chunks = list(iter_embeddings(static_embedder, iter(headlines), chunk_size=16))
    assert [len(c) for c in chunks] == [16, 16, 16, 12]
    assert np.allclose(np.vstack(chunks), static_embedder.encode(headlines), atol=1e-6)


def test_unusable_cache_file_is_a_clear_error(tmp_path):
    bad = tmp_path / "cache.sqlite"
    bad.write_bytes(b"this is not sqlite" * 100)
    with pytest.raises(ConfigError, match="not a usable SQLite file"):
        EmbeddingCache(bad)


class CountingEmbedder:
    """Passes through to a real embedder and counts the texts it was asked to embed."""

    def __init__(self, inner) -> None:
        self.inner, self.name, self.dim, self.calls = inner, inner.name, inner.dim, 0

    def encode(self, texts):
        self.calls += len(texts)
        return self.inner.encode(texts)
