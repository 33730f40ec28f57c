"""Parsed documents, each text parsed once: in this process, and across runs on disk.

Parsing is most of a report's cost: on the 9,998 HuffPost headlines spaCy took 65 of the
report's 109 s, and much of it parsed documents a second time (a consumer trend scans the
documents its sub trends were read from; a scheduled job reports on the same documents every
day). :func:`parse_docs` keeps the parses it made in a bounded in-process table and in a
SQLite file beside the embedding cache (``<cache>/parses.sqlite``), keyed by the pipeline
and the SHA-256 of the text. A stored parse is restored with ``Doc.from_bytes`` (about ten
times faster than parsing) and carries every annotation the report reads: tokens, tags,
morphology, dependencies, sentences and entities; only the tok2vec tensor is dropped, and it
is dropped from fresh parses too, so a report is the same from a cold or a warm cache.

Set ``TRENDLENS_PARSE_CACHE=0`` to keep parses in memory only. A damaged entry is parsed again
and overwritten; a cache file that cannot be opened is skipped with one warning.
"""

from __future__ import annotations

import os
import sqlite3
import threading
import warnings
import zlib
from collections import OrderedDict
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from trendlens.embed.cache import checksum, rows_by_hash, text_hash
from trendlens.embed.resolve import user_cache_dir

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Doc

#: Parses kept in memory per process (a headline's parse takes about 5 kB).
MEMORY_DOCS = 20_000
_SCHEMA = """
CREATE TABLE IF NOT EXISTS parses (
    pipeline TEXT NOT NULL,
    text_hash BLOB NOT NULL,
    doc BLOB NOT NULL,
    checksum BLOB NOT NULL,
    PRIMARY KEY (pipeline, text_hash)
) WITHOUT ROWID;
"""
_EXCLUDE = ["tensor", "user_data"]

_memory: OrderedDict[tuple[str, str], Doc] = OrderedDict()
_lock = threading.Lock()
_stores: dict[Path, ParseStore | None] = {}


def pipeline_key(nlp: Language) -> str:
    """What identifies a pipeline's parses: its name, version, components and spaCy's version."""
    import spacy

    meta = nlp.meta
    name = f"{meta.get('lang')}_{meta.get('name')}-{meta.get('version')}"
    return f"{name}|{','.join(nlp.pipe_names)}|spacy-{spacy.__version__}"


class ParseStore:
    """Serialised parses by (pipeline, text hash) in one SQLite file."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self._db = sqlite3.connect(self.path, timeout=60, check_same_thread=False)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute(_SCHEMA)
        self._db.commit()

    def get(self, pipeline: str, hashes: Sequence[bytes]) -> dict[bytes, bytes]:
        """The stored parses among ``hashes`` (serialised); damaged entries are left out."""
        found: dict[bytes, bytes] = {}
        select = "SELECT text_hash, doc, checksum FROM parses WHERE pipeline = ? AND text_hash IN ({})"
        for key, blob, stored in rows_by_hash(self._db, select, pipeline, hashes):
            if checksum(blob) == stored:
                try:
                    found[key] = zlib.decompress(blob)
                except zlib.error:
                    continue
        return found

    def put(self, pipeline: str, items: Sequence[tuple[bytes, bytes]]) -> None:
        """Store serialised parses ``(text hash, bytes)`` in one transaction."""
        rows = []
        for key, raw in items:
            blob = zlib.compress(raw, 1)
            rows.append((pipeline, key, blob, checksum(blob)))
        with self._db:
            self._db.executemany("INSERT OR REPLACE INTO parses VALUES (?, ?, ?, ?)", rows)


def _store() -> ParseStore | None:
    if os.environ.get("TRENDLENS_PARSE_CACHE", "1").strip().lower() in {"0", "false", "no", "off"}:
        return None
    path = user_cache_dir() / "parses.sqlite"
    if path not in _stores:
        try:
            _stores[path] = ParseStore(path)
        except (sqlite3.Error, OSError) as exc:
            warnings.warn(f"parse cache {path} cannot be used ({exc}); parsing without it", stacklevel=3)
            _stores[path] = None
    return _stores[path]


def _remember(key: tuple[str, str], doc: Doc) -> None:
    _memory[key] = doc
    _memory.move_to_end(key)
    while len(_memory) > MEMORY_DOCS:
        _memory.popitem(last=False)


def parse_docs(texts: Sequence[str], nlp: Language, *, batch_size: int = 64) -> list[Doc]:
    """The parse of every text by ``nlp``, in order: from memory, from the parse cache, or parsed now (and kept)."""
    from spacy.tokens import Doc

    pipeline = pipeline_key(nlp)
    out: list[Doc | None] = [None] * len(texts)
    todo: dict[str, list[int]] = {}
    with _lock:
        for i, text in enumerate(texts):
            doc = _memory.get((pipeline, text))
            if doc is None:
                todo.setdefault(text, []).append(i)
            else:
                _memory.move_to_end((pipeline, text))
                out[i] = doc
    if todo:
        store = _store()
        hashes = {text: text_hash(text) for text in todo}
        stored = store.get(pipeline, list(hashes.values())) if store is not None else {}
        fresh = [text for text in todo if hashes[text] not in stored]
        docs = {text: Doc(nlp.vocab).from_bytes(stored[hashes[text]]) for text in todo if hashes[text] in stored}
        new: list[tuple[bytes, bytes]] = []
        for text, doc in zip(fresh, nlp.pipe(fresh, batch_size=batch_size) if fresh else ()):
            doc.tensor = np.zeros((0,), dtype=np.float32)  # as a restored parse: the report never reads it
            docs[text] = doc
            new.append((hashes[text], doc.to_bytes(exclude=_EXCLUDE)))
        if new and store is not None:
            try:
                store.put(pipeline, new)
            except sqlite3.Error as exc:
                warnings.warn(f"parse cache {store.path}: could not store parses ({exc})", stacklevel=2)
        with _lock:
            for text, rows in todo.items():
                _remember((pipeline, text), docs[text])
                for i in rows:
                    out[i] = docs[text]
    return out  # type: ignore[return-value]
