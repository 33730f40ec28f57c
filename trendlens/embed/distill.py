"""Build a static model that imitates MiniLM: distil token vectors, then fit them to MiniLM's output.

Steps (:func:`build_static_model`):

1. **Distil.** Every vocabulary token is run through MiniLM alone (``[CLS] token [SEP]``)
   and its mean-pooled output is the token's starting vector, as model2vec does.
2. **Weight.** Frequent tokens are down-weighted (SIF, ``a / (a + p(token))``).
3. **Fit.** The token vectors are refined so that the mean of a text's token vectors
   reproduces MiniLM's (centred) embedding of that text, over a training corpus:
   ridge regression ``min ||A E - Y||² + λ ||E - E0||²`` with ``A`` the texts' normalised
   token counts, solved by block conjugate gradients. This is the idea of model2vec's
   tokenlearn (learn static vectors from a teacher's sentence embeddings) in a closed,
   deterministic form.

The result is an ordinary model2vec folder plus a ``manifest.json``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trendlens._io import building_dir, write_manifest
from trendlens.embed.base import Embedder
from trendlens.embed.resolve import MINILM_ID, sha256_file
from trendlens.embed.static import MANIFEST, WEIGHTS, _require_model2vec, token_matrix
from trendlens.errors import ConfigError

log = logging.getLogger("trendlens")

#: SIF smoothing constant (Arora et al. 2017 use 1e-3 to 1e-4).
SIF_A = 1e-3
#: Maximum tokens per text, as the model2vec runtime truncates.
MAX_TOKENS = 512


def distill_token_vectors(onnx_dir: Path, batch_size: int = 1024) -> np.ndarray:
    """Mean-pooled MiniLM output for every vocabulary token run alone; shape ``(vocab, dim)``."""
    from trendlens.embed.onnx import OnnxEmbedder

    runner = OnnxEmbedder(onnx_dir, show_progress=False)
    tokenizer = runner.tokenizer
    cls, sep = tokenizer.token_to_id("[CLS]"), tokenizer.token_to_id("[SEP]")
    vocab = tokenizer.get_vocab_size()
    vectors = np.zeros((vocab, runner.dim), dtype=np.float32)
    for start in range(0, vocab, batch_size):
        stop = min(vocab, start + batch_size)
        ids = np.stack([np.full(stop - start, cls), np.arange(start, stop), np.full(stop - start, sep)], axis=1)
        feed = {
            "input_ids": ids.astype(np.int64),
            "attention_mask": np.ones_like(ids),
            "token_type_ids": np.zeros_like(ids),
        }
        hidden = runner.session.run(None, {k: v for k, v in feed.items() if k in runner.input_names})[0]
        vectors[start:stop] = hidden.mean(axis=1)
    return vectors


def sif_weights(token_ids: Sequence[Sequence[int]], vocab: int, a: float = SIF_A) -> np.ndarray:
    """``a / (a + p(token))`` with token probabilities counted over ``token_ids``."""
    counts = np.bincount(np.concatenate([np.asarray(t, dtype=np.int64) for t in token_ids]), minlength=vocab)
    return (a / (a + counts / max(counts.sum(), 1))).astype(np.float32)


def fit_token_vectors(matrix, targets: np.ndarray, start: np.ndarray, lam: float, iters: int = 60) -> np.ndarray:
    """Solve ``(AᵀA + λI) E = AᵀY + λE0`` for all columns at once by conjugate gradients."""
    if lam <= 0:
        raise ConfigError(f"lam must be > 0, got {lam}")
    transposed = matrix.T.tocsr()

    def apply(x: np.ndarray) -> np.ndarray:
        return transposed @ (matrix @ x) + lam * x

    solution = start.astype(np.float64)
    residual = transposed @ targets.astype(np.float64) + lam * solution - apply(solution)
    direction = residual.copy()
    power = (residual * residual).sum(axis=0)
    for _ in range(iters):
        image = apply(direction)
        step = power / np.maximum((direction * image).sum(axis=0), 1e-30)
        solution += step * direction
        residual -= step * image
        new_power = (residual * residual).sum(axis=0)
        if float(new_power.max()) < 1e-20:
            break
        direction = residual + (new_power / np.maximum(power, 1e-30)) * direction
        power = new_power
    return solution.astype(np.float32)


def build_static_model(
    out_dir: str | Path,
    texts: Sequence[str],
    *,
    teacher: Embedder | None = None,
    lam: float = 1e-3,
    iters: int = 60,
    sources: Sequence[str] = (),
) -> Path:
    """Distil, weight and fit a static MiniLM on ``texts``; write it to ``out_dir`` atomically.

    Parameters
    ----------
    out_dir
        Target folder (replaced if it exists).
    texts
        Training texts: a few tens of thousands from the domain the model will embed.
    teacher
        Embedder whose vectors the static model learns to reproduce; default the
        fp32 ONNX MiniLM (the same numbers as sentence-transformers, faster).
    lam
        Ridge strength pulling token vectors towards their distilled start.
    iters
        Conjugate-gradient iterations.
    sources
        Names of the training corpora, recorded in the manifest.
    """
    _require_model2vec()
    from model2vec import StaticModel

    from trendlens.embed.onnx import OnnxEmbedder, resolve_onnx_minilm

    if len(texts) < 100:
        raise ConfigError(f"build_static_model needs at least 100 training texts, got {len(texts)}")
    fp32_dir = resolve_onnx_minilm(quantized=False)
    teacher = teacher or OnnxEmbedder(fp32_dir, show_progress=True)
    log.info("teacher embeddings for %d texts", len(texts))
    targets = teacher.encode(list(texts))
    targets -= targets.mean(axis=0)

    log.info("distilling token vectors")
    start = distill_token_vectors(fp32_dir)
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_file(str(fp32_dir / "tokenizer.json"))
    base = StaticModel(
        vectors=start, tokenizer=tokenizer, normalize=True, base_model_name=MINILM_ID, max_length=MAX_TOKENS
    )
    token_ids = base.tokenize(list(texts))
    start *= sif_weights(token_ids, start.shape[0])[:, None]

    log.info("fitting token vectors (ridge, lam=%g, %d iterations)", lam, iters)
    vectors = fit_token_vectors(token_matrix(token_ids, start.shape[0]), targets, start, lam, iters)

    out_dir = Path(out_dir)
    with building_dir(out_dir) as work:
        model = StaticModel(
            vectors=vectors.astype(np.float16),
            tokenizer=tokenizer,
            normalize=True,
            base_model_name=MINILM_ID,
            max_length=MAX_TOKENS,
        )
        model.save_pretrained(work)
        (work / "README.md").unlink(missing_ok=True)  # model2vec's generic model card; manifest.json describes it
        manifest = {
            "model_id": MINILM_ID,
            "format": "model2vec",
            "sha256": sha256_file(work / WEIGHTS),
            "training": {"texts": len(texts), "sources": list(sources), "lam": lam, "iters": iters, "sif_a": SIF_A},
            "teacher": teacher.name,
        }
        write_manifest(work, manifest, MANIFEST)
    return out_dir
