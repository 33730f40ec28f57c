"""The trend store: one embedded DuckDB file with documents, embeddings, runs, stable trends and lineage."""

from trendlens.store.schema import SCHEMA_VERSION
from trendlens.store.store import DEFAULT_STORE, RunRecord, TrendStore, content_hash

__all__ = ["DEFAULT_STORE", "SCHEMA_VERSION", "RunRecord", "TrendStore", "content_hash"]
