"""Text embedding: the :class:`Embedder` protocol, backends and model resolution."""

from trendlens.embed.base import Embedder, iter_embeddings, save_embeddings
from trendlens.embed.registry import available_embedders, get_embedder

__all__ = ["Embedder", "available_embedders", "get_embedder", "iter_embeddings", "save_embeddings"]
