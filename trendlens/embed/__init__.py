"""Text embedding: the :class:`Embedder` protocol, backends and model resolution."""

from trendlens.embed.base import Embedder, available_embedders, get_embedder, iter_embeddings, save_embeddings

__all__ = ["Embedder", "available_embedders", "get_embedder", "iter_embeddings", "save_embeddings"]
