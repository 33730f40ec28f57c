"""A content-addressed, on-disk embedding cache (SQLite, no server).

Entries are keyed by (model id, SHA-256 of the text), so a text embedded once
by a model is never embedded again by it, whatever corpus or run it comes
from. Each vector carries a checksum: a damaged entry is detected on read,
recomputed and overwritten.
"""

from __future__ import annotations

import hashlib
import sqlite3
import threading
import warnings
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trendlens.embed.base import Embedder
from trendlens.embed.resolve import user_cache_dir
from trendlens.errors import ConfigError

_SCHEMA = """
CREATE TABLE IF NOT EXISTS vectors (
    model TEXT NOT NULL,
    text_hash BLOB NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    checksum BLOB NOT NULL,
    PRIMARY KEY (model, text_hash)
) WITHOUT ROWID;
"""
_CHUNK = 500  # SQLite host parameters per query, well under its limit


def default_cache_path() -> Path:
    """``$TRENDLENS_CACHE_DIR/embeddings.sqlite``, else ``~/.cache/trendlens/embeddings.sqlite``."""
    return user_cache_dir() / "embeddings.sqlite"


def text_hash(text: str) -> bytes:
    """SHA-256 digest of the exact text (UTF-8)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).digest()


def checksum(blob: bytes) -> bytes:
    """An 8-byte BLAKE2b digest stored beside a cached blob, to tell a damaged entry on read."""
    return hashlib.blake2b(blob, digest_size=8).digest()


def rows_by_hash(db: sqlite3.Connection, select: str, key: str, hashes: Sequence[bytes]) -> list[tuple]:
    """The rows of ``select`` for the distinct ``hashes``, queried :data:`_CHUNK` at a time.

    ``select`` ends with ``... WHERE <key column> = ? AND text_hash IN ({})``; ``{}`` receives the
    placeholders of one chunk and ``key`` the first parameter (the model or pipeline).
    """
    unique = list(dict.fromkeys(hashes))
    rows: list[tuple] = []
    for start in range(0, len(unique), _CHUNK):
        part = unique[start : start + _CHUNK]
        rows += db.execute(select.format(",".join("?" * len(part))), [key, *part]).fetchall()
    return rows


class EmbeddingCache:
    """Vectors by (model id, text hash) in one SQLite file.

    Parameters
    ----------
    path
        The database file; created with its folder when missing.

    Attributes
    ----------
    n_corrupt : int
        Entries found damaged (and ignored) since this object was opened.
    """

    def __init__(self, path: str | Path | None = None) -> None:
        self.path = Path(path) if path is not None else default_cache_path()
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()
        try:
            self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
            self._db.execute("PRAGMA journal_mode=WAL")
            self._db.execute(_SCHEMA)
            self._db.commit()
        except sqlite3.DatabaseError as exc:
            raise ConfigError(
                f"embedding cache {self.path} is not a usable SQLite file ({exc}); delete it to start afresh"
            ) from exc
        self.n_corrupt = 0

    def get(self, model: str, hashes: Sequence[bytes], dim: int) -> dict[bytes, np.ndarray]:
        """The cached vectors among ``hashes``; damaged entries are left out (and counted)."""
        found: dict[bytes, np.ndarray] = {}
        select = "SELECT text_hash, dim, vector, checksum FROM vectors WHERE model = ? AND text_hash IN ({})"
        with self._lock:
            for key, row_dim, blob, stored in rows_by_hash(self._db, select, model, hashes):
                if row_dim != dim or len(blob) != 4 * dim or checksum(blob) != stored:
                    self.n_corrupt += 1
                    continue
                found[key] = np.frombuffer(blob, dtype="<f4")
        return found

    def put(self, model: str, hashes: Sequence[bytes], vectors: np.ndarray) -> None:
        """Store vectors (one row per hash) in one transaction, replacing what was there."""
        vectors = np.ascontiguousarray(vectors, dtype="<f4")
        rows = []
        for key, vector in zip(hashes, vectors):
            blob = vector.tobytes()
            rows.append((model, key, vectors.shape[1], blob, checksum(blob)))
        with self._lock, self._db:
            self._db.executemany("INSERT OR REPLACE INTO vectors VALUES (?, ?, ?, ?, ?)", rows)

    def __len__(self) -> int:
        with self._lock:
            return int(self._db.execute("SELECT COUNT(*) FROM vectors").fetchone()[0])

    def close(self) -> None:
        """Close the database connection."""
        self._db.close()

    def __repr__(self) -> str:
        return f"EmbeddingCache({str(self.path)!r})"


class CachedEmbedder:
    """Wrap an :class:`Embedder` so each (model, text) is embedded at most once.

    Attributes
    ----------
    hits, misses : int
        Texts served from the cache and texts sent to the model, since creation.
    """

    def __init__(self, embedder: Embedder, cache: EmbeddingCache | str | Path | None = None) -> None:
        self.embedder = embedder
        self.cache = cache if isinstance(cache, EmbeddingCache) else EmbeddingCache(cache)
        self.name = embedder.name
        self.dim = embedder.dim
        self.hits = 0
        self.misses = 0

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``, reading known vectors from the cache and storing new ones."""
        out, hashes, todo = self.lookup(texts)
        if todo:
            self.complete(out, hashes, todo, self.embedder.encode([texts[i] for i in todo]))
        return out

    def lookup(self, texts: Sequence[str]) -> tuple[np.ndarray, list[bytes], list[int]]:
        """The cached part of an encoding: ``(out, hashes, todo)``.

        ``out`` holds the cached vectors (other rows undefined), ``todo`` the first index
        of each distinct text still to embed; pass their vectors to :meth:`complete`.
        """
        out = np.empty((len(texts), self.dim), dtype=np.float32)
        hashes = [text_hash(t) for t in texts]
        corrupt_before = self.cache.n_corrupt
        found = self.cache.get(self.name, hashes, self.dim)
        if self.cache.n_corrupt > corrupt_before:
            warnings.warn(
                f"embedding cache {self.cache.path}: {self.cache.n_corrupt - corrupt_before} damaged "
                "entries ignored and recomputed",
                stacklevel=3,
            )
        missing: dict[bytes, int] = {}
        for i, key in enumerate(hashes):
            vector = found.get(key)
            if vector is not None:
                out[i] = vector
            else:
                missing.setdefault(key, i)
        self.hits += len(texts) - sum(1 for k in hashes if k in missing)
        return out, hashes, list(missing.values())

    def complete(self, out: np.ndarray, hashes: list[bytes], todo: list[int], vectors: np.ndarray) -> None:
        """Store the vectors of the texts at ``todo`` in the cache and in every row of ``out`` with their text."""
        keys = [hashes[i] for i in todo]
        self.cache.put(self.name, keys, vectors)
        self.misses += len(keys)
        by_key = dict(zip(keys, vectors))
        for i, key in enumerate(hashes):
            vector = by_key.get(key)
            if vector is not None:
                out[i] = vector

    def __repr__(self) -> str:
        return f"CachedEmbedder({self.embedder!r}, {self.cache!r})"


def cached(embedder: Embedder, cache: bool | str | Path | EmbeddingCache = True) -> Embedder | CachedEmbedder:
    """``embedder`` behind the embedding cache ``cache`` names (the ``embedding_cache`` setting).

    ``True``: the cache shared by every trendlens run on this machine (:func:`default_cache_path`);
    a path or an :class:`EmbeddingCache`: that one; ``False``: none (``embedder`` itself). An
    embedder already cached is returned as it is.
    """
    if cache is False or isinstance(embedder, CachedEmbedder):
        return embedder
    return CachedEmbedder(embedder, None if cache is True else cache)
