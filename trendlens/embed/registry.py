"""The name → backend registry: :func:`get_embedder` builds a backend by name, importing it only then."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from trendlens.embed.base import Embedder
from trendlens.errors import ConfigError


def _minilm(**kwargs: Any) -> Embedder:
    from trendlens.embed.sentence import SentenceTransformerEmbedder

    return SentenceTransformerEmbedder.minilm(**kwargs)


def _minilm_onnx(**kwargs: Any) -> Embedder:
    from trendlens.embed.onnx import OnnxEmbedder

    return OnnxEmbedder.minilm(**kwargs)


def _minilm_static(**kwargs: Any) -> Embedder:
    from trendlens.embed.static import StaticEmbedder

    return StaticEmbedder.minilm(**kwargs)


def _multilingual(**kwargs: Any) -> Embedder:
    from trendlens.embed.multilingual import MultilingualEmbedder

    return MultilingualEmbedder(**kwargs)


_REGISTRY: dict[str, Callable[..., Embedder]] = {
    "minilm": _minilm,
    "minilm-onnx": _minilm_onnx,
    "minilm-static": _minilm_static,
    "multilingual": _multilingual,
}


def available_embedders() -> list[str]:
    """Names accepted by :func:`get_embedder`."""
    return sorted(_REGISTRY)


def get_embedder(name: str = "minilm", **kwargs: Any) -> Embedder:
    """Build an embedding backend by name.

    Parameters
    ----------
    name
        ``"minilm"``: all-MiniLM-L6-v2 through sentence-transformers on torch,
        the quality baseline. ``"minilm-onnx"``: the same model exported to ONNX,
        graph-optimised and quantised to int8, run by ONNX Runtime without torch
        (extra ``trendlens[onnx]``; built on first use). ``"minilm-static"``: a
        static (model2vec) model distilled from MiniLM and tuned to reproduce its
        embeddings, for very large corpora (extra ``trendlens[static]``).
        ``"multilingual"``: Universal Sentence Encoder multilingual v3 (numpy only),
        which places a text and its translations together, for corpora not all in
        English (the language warning of ``fit`` names it).
    **kwargs
        Passed to the backend (e.g. ``batch_size``, ``max_seq_length``, ``show_progress``).

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


def make_embedder(spec: Any, cache: bool | str = True, show_progress: bool = True) -> Embedder:
    """The embedder of an estimator's parameters: ``spec`` a name (:func:`get_embedder`) or an object with
    ``encode``; kept in the on-disk cache (:class:`~trendlens.embed.cache.CachedEmbedder`) unless ``cache``
    is ``False`` (a path: that cache file)."""
    if isinstance(spec, str):
        embedder = get_embedder(spec, show_progress=show_progress)
    elif hasattr(spec, "encode"):
        embedder = spec
    else:
        raise ConfigError(f"embedder must be a name or have an encode() method, got {spec!r}")
    from trendlens.embed.cache import cached

    return cached(embedder, cache)
