"""The static tier: a model2vec model distilled from MiniLM and tuned to reproduce its vectors.

A static model embeds a text as the mean of per-token vectors: no neural network
runs at inference, so it is two to three orders of magnitude faster than MiniLM
at some loss of quality (``benchmarks/README.md`` has the measured figures).
The shipped model is ``models/all-MiniLM-L6-v2-static``; :func:`build_static_model`
(in :mod:`trendlens.embed.distill`) makes one, also from a user's own texts.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trendlens._offline import force_offline
from trendlens.embed.resolve import find_model_dir, sha256_file
from trendlens.errors import ConfigError, ModelNotFoundError

STATIC_DIRNAME = "all-MiniLM-L6-v2-static"
MANIFEST = "manifest.json"
WEIGHTS = "model.safetensors"
#: Characters kept before tokenising: well past the 512 tokens the model keeps
#: (English averages under 5 characters a token), so only wasted work is cut.
MAX_CHARS = 512 * 8


def is_static_dir(path: Path) -> bool:
    """True when ``path`` holds a model2vec model with a trendlens manifest."""
    return all((path / f).is_file() for f in (WEIGHTS, "tokenizer.json", MANIFEST))


def _require_model2vec() -> None:
    try:
        import model2vec  # noqa: F401
    except ImportError as exc:
        raise ModelNotFoundError("the static backend needs model2vec: `pip install 'trendlens[static]'`") from exc


def token_matrix(token_ids: Sequence[Sequence[int]], vocab: int):  # -> scipy.sparse.csr_matrix
    """Rows = texts, columns = tokens, values = count / text length, so ``A @ E`` mean-pools.

    Pooling through a sparse product never materialises a (texts x tokens x dim)
    array, so memory does not depend on how long the texts are.
    """
    import scipy.sparse as sp

    lengths = np.array([len(t) for t in token_ids], dtype=np.int64)
    rows = np.repeat(np.arange(len(token_ids)), lengths)
    cols = np.fromiter((i for t in token_ids for i in t), dtype=np.int64, count=int(lengths.sum()))
    values = np.repeat(1.0 / np.maximum(lengths, 1), lengths)
    matrix = sp.csr_matrix((values, (rows, cols)), shape=(len(token_ids), vocab), dtype=np.float64)
    matrix.sum_duplicates()
    return matrix


class StaticEmbedder:
    """Embed texts with a static (model2vec) model: mean of token vectors, normalised.

    The model (tokenizer, vectors) is read with model2vec; pooling is a sparse
    product (:func:`token_matrix`), which keeps memory flat for long texts.

    Parameters
    ----------
    model_dir
        A model2vec folder with a trendlens ``manifest.json`` (checked against the weights' SHA-256).
    batch_size
        Texts per model2vec call.
    show_progress
        Draw a progress bar while encoding.
    """

    def __init__(self, model_dir: str | Path, *, batch_size: int = 1024, show_progress: bool = True) -> None:
        _require_model2vec()
        force_offline()
        from model2vec import StaticModel

        model_dir = Path(model_dir)
        manifest = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
        if sha256_file(model_dir / WEIGHTS) != manifest["sha256"]:
            raise ConfigError(
                f"{model_dir / WEIGHTS} does not match its manifest checksum (damaged or replaced); "
                "rebuild it with `make models`"
            )
        self.model = StaticModel.from_pretrained(model_dir, normalize=True, force_download=False)
        # Stored as float16 to halve the file; averaged in float32 for accuracy.
        self.model.embedding = np.asarray(self.model.embedding, dtype=np.float32)
        self.dim = int(self.model.dim)
        self.vocab = int(self.model.embedding.shape[0])
        self.name = f"{manifest['model_id']}#static-{manifest['sha256'][:8]}"
        self.batch_size = batch_size
        self.show_progress = show_progress

    @classmethod
    def minilm(cls, **kwargs: object) -> StaticEmbedder:
        """The shipped static MiniLM (``models/all-MiniLM-L6-v2-static``)."""
        found = find_model_dir(STATIC_DIRNAME, is_static_dir)
        if found is None:
            raise ModelNotFoundError(
                f"the static model {STATIC_DIRNAME} was not found in models/ or the trendlens cache; "
                "build it with `make models` (or trendlens.embed.distill.build_static_model)"
            )
        return cls(found, **kwargs)  # type: ignore[arg-type]

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(len(texts), dim)`` with unit-length rows (zeros for empty text)."""
        from tqdm.auto import tqdm

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with tqdm(total=len(texts), desc="embedding", unit="doc", disable=not self.show_progress, delay=1.0) as bar:
            for start in range(0, len(texts), self.batch_size):
                part = [t[:MAX_CHARS] for t in texts[start : start + self.batch_size]]
                pooled = token_matrix(self.model.tokenize(part), self.vocab) @ self.model.embedding
                norms = np.linalg.norm(pooled, axis=1, keepdims=True)
                out[start : start + len(part)] = pooled / np.where(norms > 0, norms, 1.0)
                bar.update(len(part))
        return out

    def __repr__(self) -> str:
        return f"StaticEmbedder(name={self.name!r}, dim={self.dim})"
