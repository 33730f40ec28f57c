"""trendlens: find emergent consumer trends in time-stamped text.

Heavy libraries (torch, BERTopic, spaCy) load only when a function needs them,
so ``import trendlens`` is fast.

>>> from trendlens import load_corpus, TrendDetector  # doctest: +SKIP
>>> det = TrendDetector().fit(load_corpus("corpora/huffpost.jsonl.gz"))  # doctest: +SKIP
>>> det.report(top=10).save("out")  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from trendlens._version import __version__
from trendlens.errors import (
    ConfigError,
    CorpusError,
    ModelNotFoundError,
    StoreError,
    TrendlensError,
)

_LAZY = {
    "NotFittedError": "trendlens.errors",  # subclasses scikit-learn's: built on first use
    "Corpus": "trendlens.corpus",
    "Document": "trendlens.corpus",
    "load_corpus": "trendlens.corpus",
    "get_embedder": "trendlens.embed",
    "TrendDetector": "trendlens.detector",
    "TrendReport": "trendlens.report",
    "TrendStore": "trendlens.store",
    "run_job": "trendlens.jobs",
    "TopicConfig": "trendlens.topics",
    "SignalConfig": "trendlens.signals",
}

__all__ = [
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

if TYPE_CHECKING:
    from trendlens.corpus import Corpus, Document, load_corpus
    from trendlens.detector import TrendDetector
    from trendlens.embed import get_embedder
    from trendlens.errors import NotFittedError
    from trendlens.jobs import run_job
    from trendlens.report import TrendReport
    from trendlens.signals import SignalConfig
    from trendlens.store import TrendStore
    from trendlens.topics import TopicConfig


def __getattr__(name: str) -> Any:
    if name in _LAZY:
        value = getattr(importlib.import_module(_LAZY[name]), name)
        globals()[name] = value
        return value
    raise AttributeError(f"module 'trendlens' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
