"""The DuckDB schema of a trend store, versioned, with forward-only migrations.

``MIGRATIONS[i]`` takes a store from version ``i`` to ``i + 1``; :func:`migrate`
applies the missing ones in one transaction and records the version in ``meta``.
A store written by a newer trendlens (higher version) is refused, never altered.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Any

from trendlens.errors import StoreError

logger = logging.getLogger(__name__)

if TYPE_CHECKING:
    import duckdb

#: The columns of a stored document (``documents``, and ``quarantine`` besides its own column).
_DOCUMENT_FIELDS = """
    id VARCHAR PRIMARY KEY,
    content_hash VARCHAR NOT NULL,
    text VARCHAR NOT NULL,
    timestamp TIMESTAMPTZ,
    source VARCHAR,
    author VARCHAR,
    url VARCHAR,
    likes BIGINT,
    shares BIGINT,
    comments BIGINT,
    views BIGINT,
    hashtags VARCHAR[],
    origin VARCHAR,
    ingested_at TIMESTAMPTZ NOT NULL"""

_V1 = f"""
CREATE TABLE meta (key VARCHAR PRIMARY KEY, value VARCHAR NOT NULL);

-- every document ever ingested; `content_hash` is the SHA-256 of its text
CREATE TABLE documents (
{_DOCUMENT_FIELDS}
);

-- files already read, by content: a file ingested twice adds nothing
CREATE TABLE ingested_files (
    sha256 VARCHAR PRIMARY KEY,
    path VARCHAR NOT NULL,
    n_records INTEGER NOT NULL,
    n_new INTEGER NOT NULL,
    n_changed INTEGER NOT NULL,
    ingested_at TIMESTAMPTZ NOT NULL
);

-- the embedding cache: one vector per text (by hash) and model
CREATE TABLE embeddings (
    content_hash VARCHAR NOT NULL,
    model VARCHAR NOT NULL,
    vector FLOAT[] NOT NULL,
    PRIMARY KEY (content_hash, model)
);

CREATE TABLE runs (
    run_id INTEGER PRIMARY KEY,
    started TIMESTAMPTZ NOT NULL,
    finished TIMESTAMPTZ NOT NULL,
    mode VARCHAR NOT NULL,
    window_start TIMESTAMPTZ,
    window_end TIMESTAMPTZ,
    n_documents INTEGER NOT NULL,
    n_new INTEGER NOT NULL,
    n_trends INTEGER NOT NULL,
    n_outliers INTEGER NOT NULL,
    params JSON NOT NULL,
    versions JSON NOT NULL,
    timings JSON NOT NULL
);

-- the registry: one row per stable trend id
CREATE TABLE trends (
    trend_id INTEGER PRIMARY KEY,
    born_run INTEGER NOT NULL,
    last_run INTEGER NOT NULL,
    status VARCHAR NOT NULL,          -- active | merged | died
    label VARCHAR NOT NULL,
    centroid FLOAT[] NOT NULL
);

-- a trend as one run saw it
CREATE TABLE snapshots (
    run_id INTEGER NOT NULL,
    trend_id INTEGER NOT NULL,
    cluster INTEGER NOT NULL,
    size INTEGER NOT NULL,
    share DOUBLE NOT NULL,
    label VARCHAR NOT NULL,
    keywords VARCHAR[] NOT NULL,
    virality DOUBLE,
    lifecycle VARCHAR,
    growth DOUBLE,
    consumer_trend VARCHAR,
    big_social_trend VARCHAR,
    worldwide_social_trend VARCHAR,
    social_drive VARCHAR,
    confidence DOUBLE,
    PRIMARY KEY (run_id, trend_id)
);

-- every document of a run's window and its trend (NULL: in no trend)
CREATE TABLE memberships (
    run_id INTEGER NOT NULL,
    doc_id VARCHAR NOT NULL,
    trend_id INTEGER,
    PRIMARY KEY (run_id, doc_id)
);

-- born / continued / merged / split / died, per run
CREATE TABLE lineage (
    run_id INTEGER NOT NULL,
    event VARCHAR NOT NULL,
    trend_id INTEGER NOT NULL,
    other_trend_id INTEGER,
    overlap DOUBLE,
    similarity DOUBLE
);
"""

#: Statements taking a store from version i to i + 1.
_V2 = f"""
-- documents taken out of the clustering by `trendlens job --quarantine`: kept whole, to restore
CREATE TABLE quarantine (
{_DOCUMENT_FIELDS},
    quarantined_at TIMESTAMPTZ NOT NULL
);
"""

MIGRATIONS: tuple[str, ...] = (_V1, _V2)
#: The version this trendlens writes.
SCHEMA_VERSION = len(MIGRATIONS)


def current_version(con: duckdb.DuckDBPyConnection) -> int:
    """The schema version of an open store (0 for an empty file)."""
    has_meta = con.execute(
        "SELECT count(*) FROM information_schema.tables WHERE table_name = 'meta' AND table_schema = 'main'"
    ).fetchall()[0][0]
    if not has_meta:
        return 0
    rows = con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchall()
    return int(rows[0][0]) if rows else 0


def migrate(con: duckdb.DuckDBPyConnection, path: str) -> int:
    """Bring the store to :data:`SCHEMA_VERSION`; returns the version it had before."""
    before = current_version(con)
    if before > SCHEMA_VERSION:
        raise StoreError(
            f"{path}: store schema version {before} is newer than this trendlens understands ({SCHEMA_VERSION}); "
            "upgrade trendlens"
        )
    if before == SCHEMA_VERSION:
        return before
    con.execute("BEGIN TRANSACTION")
    try:
        for statements in MIGRATIONS[before:]:
            con.execute(statements)
        con.execute(
            "INSERT OR REPLACE INTO meta VALUES ('schema_version', ?)",
            [str(SCHEMA_VERSION)],
        )
        con.execute("COMMIT")
    except BaseException:
        rollback(con)
        raise
    return before


def rollback(con: Any) -> None:
    """Roll the open transaction back without hiding the error that caused it.

    After some errors DuckDB refuses even ROLLBACK ("transaction is aborted"); raising
    that would replace the first, informative error, so it is only logged.
    """
    try:
        con.execute("ROLLBACK")
    except Exception as exc:  # noqa: BLE001 - the caller re-raises the real error
        logger.debug("rollback after a failed transaction: %s", exc)
