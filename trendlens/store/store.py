"""`TrendStore`: one embedded DuckDB file with documents, embeddings, runs, stable trends and their lineage.

The store is a plain file (default ``trendlens.duckdb``); no server runs. Every
change is made inside a DuckDB transaction, so a process killed at any point
leaves the store as it was after the last commit. Reading methods return pandas
DataFrames.

>>> store = TrendStore("trendlens.duckdb")  # doctest: +SKIP
>>> store.runs()                             # one row per committed run  # doctest: +SKIP
>>> store.history(3)                         # trend 3, run by run  # doctest: +SKIP
"""

from __future__ import annotations

import contextlib
import hashlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlens.corpus import Corpus, Document
from trendlens.corpus.schema import Engagement
from trendlens.errors import ConfigError, StoreError
from trendlens.store.schema import SCHEMA_VERSION, current_version, migrate, rollback

if TYPE_CHECKING:
    import duckdb
    import pandas as pd

#: File name used when no store path is given.
DEFAULT_STORE = "trendlens.duckdb"


#: The columns of the documents table, in order.
_DOCUMENT_COLUMNS = (
    "id, content_hash, text, timestamp, source, author, url, likes, shares, comments, views, hashtags, origin, "
    "ingested_at"
)


def content_hash(text: str) -> str:
    """SHA-256 of a document's text (UTF-8), hex."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass(frozen=True)
class RunRecord:
    """One run of the scheduled job as :meth:`TrendStore.commit_run` writes it (the ``runs`` row and what it changed).

    ``trends``: stable trend id → (label, centroid) of each trend the run saw (its new and continued
    ones). ``events``: the lineage events (``born``, ``split``: a new registry row; ``continued``: the
    row updated; ``merged``, ``died``: its status), each with ``event, trend_id, other_trend_id,
    overlap, similarity``. ``snapshots``: one row per trend of the run, in the ``snapshots`` table's
    column order after ``run_id``. ``memberships``: each document's stable trend id (``None``: none).
    """

    run_id: int
    started: datetime
    mode: str
    window_start: datetime | None
    window_end: datetime | None
    n_documents: int
    n_new: int
    n_trends: int
    n_outliers: int
    params: dict[str, Any]
    versions: dict[str, Any]
    timings: dict[str, float]
    trends: dict[int, tuple[str, list[float]]] = field(default_factory=dict)
    events: Sequence[Any] = ()
    snapshots: Sequence[Sequence[Any]] = ()
    memberships: dict[str, int | None] = field(default_factory=dict)


class TrendStore:
    """A trend store in one DuckDB file.

    Parameters
    ----------
    path
        The DuckDB file; created (with the current schema) when missing.
    read_only
        Open without write access (several readers may share a file; a writer may not).
    """

    def __init__(self, path: str | Path = DEFAULT_STORE, *, read_only: bool = False) -> None:
        import duckdb

        self.path = Path(path)
        if read_only and not self.path.exists():
            raise StoreError(f"{self.path}: no trend store here; run `trendlens job --store {self.path}` first")
        try:
            self.con: duckdb.DuckDBPyConnection = duckdb.connect(str(self.path), read_only=read_only)
        except duckdb.Error as exc:
            raise StoreError(f"{self.path}: cannot open the trend store ({exc})") from exc
        if not read_only:
            try:
                migrate(self.con, str(self.path))
            except BaseException:
                self.con.close()
                raise
        elif current_version(self.con) > SCHEMA_VERSION:
            version = current_version(self.con)
            self.con.close()
            raise StoreError(
                f"{self.path}: store schema version {version} is newer than this trendlens understands "
                f"({SCHEMA_VERSION}); upgrade trendlens"
            )

    # -- lifecycle -----------------------------------------------------------------
    def close(self) -> None:
        """Close the connection (the file stays consistent whether or not this is called)."""
        self.con.close()

    def __enter__(self) -> TrendStore:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"TrendStore({str(self.path)!r})"

    @contextlib.contextmanager
    def transaction(self) -> Iterator[None]:
        """Everything inside commits together, or not at all.

        A database error inside (or at the commit) is raised as :class:`StoreError`
        naming the store, after the rollback; other errors propagate as they are.
        """
        import duckdb

        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
            self.con.execute("COMMIT")
        except duckdb.Error as exc:
            rollback(self.con)
            raise StoreError(
                f"{self.path}: the store refused an update ({type(exc).__name__}: {str(exc).splitlines()[0]}); "
                "nothing of this run was written, the store is as the last committed run left it"
            ) from exc
        except BaseException:
            rollback(self.con)
            raise

    @contextlib.contextmanager
    def registered(self, name: str, frame: pd.DataFrame) -> Iterator[None]:
        """``frame`` queryable as the table ``name`` inside the block."""
        self.con.register(name, frame)
        try:
            yield
        finally:
            self.con.unregister(name)

    @contextlib.contextmanager
    def scratch(self) -> Iterator[None]:
        """Everything inside is rolled back at the end, whatever happens (a dry run reads what it would write)."""
        self.con.execute("BEGIN TRANSACTION")
        try:
            yield
        finally:
            rollback(self.con)

    def commit_run(self, run: RunRecord) -> None:
        """Write a run in one transaction: its ``runs`` row, the registry changes and lineage of its
        events, its snapshots and every document's membership."""
        import json

        import pandas as pd

        with self.transaction():
            self.con.execute(
                "INSERT INTO runs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [
                    run.run_id,
                    run.started,
                    datetime.now(timezone.utc),
                    run.mode,
                    run.window_start,
                    run.window_end,
                    run.n_documents,
                    run.n_new,
                    run.n_trends,
                    run.n_outliers,
                    json.dumps(run.params, default=str),
                    json.dumps(run.versions),
                    json.dumps(run.timings),
                ],
            )
            for event in run.events:
                if event.event in ("born", "split"):
                    label, centroid = run.trends[event.trend_id]
                    self.con.execute(
                        "INSERT INTO trends VALUES (?, ?, ?, 'active', ?, ?)",
                        [event.trend_id, run.run_id, run.run_id, label, centroid],
                    )
                elif event.event == "continued":
                    label, centroid = run.trends[event.trend_id]
                    self.con.execute(
                        "UPDATE trends SET last_run = ?, label = ?, centroid = ? WHERE trend_id = ?",
                        [run.run_id, label, centroid, event.trend_id],
                    )
                else:  # merged, died
                    self.con.execute("UPDATE trends SET status = ? WHERE trend_id = ?", [event.event, event.trend_id])
                self.con.execute(
                    "INSERT INTO lineage VALUES (?, ?, ?, ?, ?, ?)",
                    [run.run_id, event.event, event.trend_id, event.other_trend_id, event.overlap, event.similarity],
                )
            for row in run.snapshots:
                self.con.execute(
                    "INSERT INTO snapshots VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [run.run_id, *row]
                )
            frame = pd.DataFrame(
                {
                    "run_id": run.run_id,
                    "doc_id": list(run.memberships),
                    "trend_id": pd.array(list(run.memberships.values()), dtype="Int64"),
                }
            )
            with self.registered("run_members", frame):
                self.con.execute("INSERT INTO memberships SELECT run_id, doc_id, trend_id FROM run_members")

    # -- documents ------------------------------------------------------------------
    def file_seen(self, sha256: str) -> bool:
        """Whether a file with these bytes was ingested before."""
        return bool(self.con.execute("SELECT count(*) FROM ingested_files WHERE sha256 = ?", [sha256]).fetchall()[0][0])

    def ingest(self, corpus: Corpus, *, path: str, sha256: str) -> tuple[int, int]:
        """Add the documents of one file; returns ``(new, changed)``.

        A document whose id is known with the same text is skipped; with a new
        text it is updated (its embedding is looked up by the new text's hash).
        Call inside :meth:`transaction` together with the rest of the file's work.
        """
        import pandas as pd

        held = {r[0] for r in self.con.execute("SELECT id FROM quarantine").fetchall()}
        rows = [_document_row(d) for d in corpus if d.id not in held]  # a quarantined document stays out
        if not rows:
            new = changed = 0
        else:
            frame = pd.DataFrame(rows)
            with self.registered("incoming", frame):
                new, changed = self.con.execute(
                    """
                    SELECT count(*) FILTER (WHERE d.id IS NULL),
                           count(*) FILTER (WHERE d.id IS NOT NULL AND d.content_hash <> i.content_hash)
                    FROM incoming i LEFT JOIN documents d ON d.id = i.id
                    """
                ).fetchall()[0]
                self.con.execute(
                    """
                    INSERT INTO documents
                    SELECT i.id, i.content_hash, i.text, i.timestamp, i.source, i.author, i.url,
                           i.likes, i.shares, i.comments, i.views, i.hashtags, i.origin, ?
                    FROM incoming i
                    ON CONFLICT (id) DO UPDATE SET
                        content_hash = excluded.content_hash, text = excluded.text, timestamp = excluded.timestamp,
                        source = excluded.source, author = excluded.author, url = excluded.url,
                        likes = excluded.likes, shares = excluded.shares, comments = excluded.comments,
                        views = excluded.views, hashtags = excluded.hashtags, origin = excluded.origin
                    WHERE documents.content_hash <> excluded.content_hash
                    """,
                    [_now()],
                )
        self.con.execute(
            "INSERT INTO ingested_files VALUES (?, ?, ?, ?, ?, ?)",
            [sha256, path, len(rows), int(new), int(changed), _now()],
        )
        return int(new), int(changed)

    def before_ingest(self, corpus: Corpus) -> tuple[list[str], list[tuple]]:
        """What :meth:`undo_ingest` needs to take ``corpus``'s ingest back: ``(new ids, stored rows it changes)``."""
        hashes = {d.id: content_hash(d.text) for d in corpus}
        known = self.con.execute(
            f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE list_contains(?, id)", [list(hashes)]
        ).fetchall()
        found = {row[0] for row in known}
        return [i for i in hashes if i not in found], [row for row in known if row[1] != hashes[row[0]]]

    def undo_ingest(self, new_ids: Sequence[str], changed: Sequence[tuple], shas: Sequence[str]) -> None:
        """In one transaction: remove the ``new_ids`` documents, put the ``changed`` rows back, forget the files.

        For a run that failed after its ingest (:func:`trendlens.jobs.run_job`): its documents must
        not stay in the store, where every later run would cluster them again.
        """
        names = _DOCUMENT_COLUMNS.split(", ")
        assign = ", ".join(f"{name} = ?" for name in names[1:])
        with self.transaction():
            if new_ids:
                self.con.execute("DELETE FROM documents WHERE list_contains(?, id)", [list(new_ids)])
            if changed:
                self.con.executemany(
                    f"UPDATE documents SET {assign} WHERE id = ?", [[*row[1:], row[0]] for row in changed]
                )
            if shas:
                self.con.execute("DELETE FROM ingested_files WHERE list_contains(?, sha256)", [list(shas)])

    def quarantine(
        self, ids: Sequence[str] = (), *, before: datetime | None = None, after: datetime | None = None
    ) -> int:
        """Move documents out of the clustering into the ``quarantine`` table; returns how many moved.

        Documents with one of ``ids``, or dated before ``before`` or after ``after``, leave
        ``documents`` (every later run ignores them) but are kept whole: :meth:`restore` puts
        them back. A quarantined id is not ingested again from another file either.
        """
        where, params = [], []
        if ids:
            where.append("list_contains(?, id)")
            params.append(list(ids))
        if before is not None:
            where.append("timestamp < ?")
            params.append(before)
        if after is not None:
            where.append("timestamp > ?")
            params.append(after)
        if not where:
            return 0
        condition = " OR ".join(where)
        with self.transaction():
            moved = self.con.execute(f"SELECT count(*) FROM documents WHERE {condition}", params).fetchall()[0][0]
            self.con.execute(
                f"""INSERT OR REPLACE INTO quarantine
                    SELECT {_DOCUMENT_COLUMNS}, ? FROM documents WHERE {condition}""",
                [_now(), *params],
            )
            self.con.execute(f"DELETE FROM documents WHERE {condition}", params)
        return int(moved)

    def restore(self, ids: Sequence[str]) -> int:
        """Put quarantined documents back among the stored documents; returns how many came back."""
        if not ids:
            return 0
        with self.transaction():
            back = self.con.execute(
                "SELECT count(*) FROM quarantine WHERE list_contains(?, id)", [list(ids)]
            ).fetchall()[0][0]
            self.con.execute(
                f"""INSERT OR REPLACE INTO documents
                    SELECT {_DOCUMENT_COLUMNS} FROM quarantine WHERE list_contains(?, id)""",
                [list(ids)],
            )
            self.con.execute("DELETE FROM quarantine WHERE list_contains(?, id)", [list(ids)])
        return int(back)

    def quarantined(self) -> pd.DataFrame:
        """The quarantined documents, with when they were quarantined."""
        return self._frame("SELECT * FROM quarantine ORDER BY quarantined_at, id")

    def corpus(self, start: datetime | None = None) -> Corpus:
        """The stored documents (from ``start`` on, when given) as a :class:`Corpus`, ordered by time then id."""
        where = "WHERE timestamp >= ?" if start is not None else ""
        rows = self.con.execute(
            f"""SELECT id, text, timestamp, source, url, author, likes, shares, comments, views, hashtags
                FROM documents {where} ORDER BY timestamp NULLS FIRST, id""",
            [start] if start is not None else [],
        ).fetchall()
        docs = [
            Document(
                id=r[0],
                text=r[1],
                timestamp=r[2].astimezone(timezone.utc) if r[2] is not None else None,
                source=r[3],
                url=r[4],
                author=r[5],
                engagement=Engagement(likes=r[6], shares=r[7], comments=r[8], views=r[9]),
                hashtags=tuple(r[10] or ()),
            )
            for r in rows
        ]
        return Corpus(docs, origin=str(self.path))

    def latest_timestamp(self) -> datetime | None:
        """The newest document timestamp in the store."""
        value = self.con.execute("SELECT max(timestamp) FROM documents").fetchall()[0][0]
        return value.astimezone(timezone.utc) if value is not None else None

    # -- embeddings -------------------------------------------------------------------
    def missing_embeddings(self, hashes: Sequence[str], model: str) -> list[str]:
        """The hashes among ``hashes`` with no stored vector for ``model`` (order kept, no repeats)."""
        import pandas as pd

        wanted = pd.DataFrame({"content_hash": list(dict.fromkeys(hashes))})
        with self.registered("wanted", wanted):
            rows = self.con.execute(
                """SELECT w.content_hash FROM wanted w
                   ANTI JOIN (SELECT content_hash FROM embeddings WHERE model = ?) e USING (content_hash)""",
                [model],
            ).fetchall()
        missing = {r[0] for r in rows}
        return [h for h in wanted["content_hash"] if h in missing]

    def put_embeddings(self, hashes: Sequence[str], vectors: np.ndarray, model: str) -> None:
        """Store one vector per hash for ``model`` (existing ones are kept)."""
        import pandas as pd

        frame = pd.DataFrame({"content_hash": list(hashes), "model": model, "vector": list(np.asarray(vectors))})
        with self.registered("fresh", frame):
            self.con.execute(
                "INSERT INTO embeddings SELECT content_hash, model, vector::FLOAT[] FROM fresh ON CONFLICT DO NOTHING"
            )

    def embeddings(self, hashes: Sequence[str], model: str) -> np.ndarray:
        """Vectors for ``hashes`` (in that order) and ``model``; every hash must have one."""
        import pandas as pd

        order = pd.DataFrame({"content_hash": list(hashes), "pos": np.arange(len(hashes))})
        with self.registered("wanted_order", order):
            rows = self.con.execute(
                """SELECT o.pos, e.vector FROM wanted_order o
                   JOIN embeddings e ON e.content_hash = o.content_hash AND e.model = ?
                   ORDER BY o.pos""",
                [model],
            ).fetchall()
        if len(rows) != len(hashes):
            raise ConfigError(f"{self.path}: {len(hashes) - len(rows)} documents have no stored embedding for {model}")
        return np.asarray([r[1] for r in rows], dtype=np.float32)

    # -- runs and trends -----------------------------------------------------------------
    def last_run_id(self) -> int | None:
        """Id of the newest committed run."""
        return self.con.execute("SELECT max(run_id) FROM runs").fetchall()[0][0]

    def last_model(self) -> str | None:
        """The embedding model of the newest committed run (``None`` before the first run)."""
        import json

        rows = self.con.execute("SELECT versions FROM runs ORDER BY run_id DESC LIMIT 1").fetchall()
        return json.loads(rows[0][0]).get("model") if rows and rows[0][0] else None

    def memberships(self, run_id: int) -> dict[str, int | None]:
        """Document id → stable trend id (``None``: in no trend) of every document in run ``run_id``'s window."""
        rows = self.con.execute("SELECT doc_id, trend_id FROM memberships WHERE run_id = ?", [run_id]).fetchall()
        return dict(rows)

    def keywords(self, run_id: int) -> dict[int, list[str]]:
        """Stable trend id → keywords, as run ``run_id`` saw them."""
        rows = self.con.execute("SELECT trend_id, keywords FROM snapshots WHERE run_id = ?", [run_id]).fetchall()
        return {r[0]: list(r[1]) for r in rows}

    def clusters(self, run_id: int) -> dict[int, int]:
        """Cluster number → stable trend id of run ``run_id`` (its detector's trend ids, see :meth:`detector_path`)."""
        rows = self.con.execute("SELECT cluster, trend_id FROM snapshots WHERE run_id = ?", [run_id]).fetchall()
        return dict(rows)

    def params(self, run_id: int) -> dict[str, Any]:
        """The settings run ``run_id`` was made with (the ``runs.params`` column)."""
        import json

        rows = self.con.execute("SELECT params FROM runs WHERE run_id = ?", [run_id]).fetchall()
        return json.loads(rows[0][0]) if rows else {}

    # -- the fitted detector beside the store ---------------------------------------------
    @property
    def detectors_dir(self) -> Path:
        """The folder beside the store file that holds the fitted detector of its last run (``<store>.detectors``)."""
        return self.path.with_name(f"{self.path.name}.detectors")

    def detector_path(self, run_id: int) -> Path:
        """Where the job saves run ``run_id``'s fitted detector (:meth:`TrendDetector.save`), its trend ids
        the ``cluster`` column of the run's snapshots; the next incremental run loads it and updates it."""
        return self.detectors_dir / f"run-{run_id}"

    def prune_detectors(self, keep: int) -> None:
        """Remove every saved detector but run ``keep``'s (older runs', and those of runs that never committed)."""
        import shutil

        if not self.detectors_dir.is_dir():
            return
        for path in self.detectors_dir.iterdir():
            if path.name == f"run-{keep}":
                continue
            if path.is_dir():
                shutil.rmtree(path, ignore_errors=True)
            else:
                path.unlink(missing_ok=True)

    def active_trends(self) -> dict[int, np.ndarray]:
        """Stable id → centroid of every trend alive after the last run."""
        rows = self.con.execute("SELECT trend_id, centroid FROM trends WHERE status = 'active' ORDER BY trend_id")
        return {r[0]: np.asarray(r[1], dtype=np.float32) for r in rows.fetchall()}

    def next_trend_id(self) -> int:
        """The smallest id never given to a trend."""
        return int(self.con.execute("SELECT coalesce(max(trend_id), -1) + 1 FROM trends").fetchall()[0][0])

    # -- reading --------------------------------------------------------------------------
    def _frame(self, sql: str, params: Sequence[Any] = ()) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()

    def runs(self) -> pd.DataFrame:
        """One row per committed run: mode, window, counts, parameters, versions, timings."""
        return self._frame("SELECT * FROM runs ORDER BY run_id")

    def trends(self, status: str | None = None) -> pd.DataFrame:
        """The registry: stable id, run born, last run seen, status (active/merged/died), latest label."""
        where = "WHERE status = ?" if status else ""
        return self._frame(
            f"SELECT trend_id, born_run, last_run, status, label FROM trends {where} ORDER BY trend_id",
            [status] if status else [],
        )

    def history(self, trend_id: int) -> pd.DataFrame:
        """One trend run by run: size, share, label, keywords, virality, lifecycle, growth, hierarchy."""
        frame = self._frame("SELECT * FROM snapshots WHERE trend_id = ? ORDER BY run_id", [trend_id])
        if (
            frame.empty
            and not self.con.execute("SELECT count(*) FROM trends WHERE trend_id = ?", [trend_id]).fetchall()[0][0]
        ):
            raise ConfigError(f"{self.path}: no trend {trend_id}")
        return frame

    def lineage(self, trend_id: int | None = None) -> pd.DataFrame:
        """Lineage events (born, continued, merged, split, died), per run, optionally of one trend."""
        if trend_id is None:
            return self._frame("SELECT * FROM lineage ORDER BY run_id, trend_id, event")
        return self._frame(
            "SELECT * FROM lineage WHERE trend_id = ? OR other_trend_id = ? ORDER BY run_id, event",
            [trend_id, trend_id],
        )

    def documents(self) -> pd.DataFrame:
        """Every stored document (without embeddings)."""
        return self._frame("SELECT * FROM documents ORDER BY timestamp NULLS FIRST, id")


def _document_row(doc: Document) -> dict[str, Any]:
    return {
        "id": doc.id,
        "content_hash": content_hash(doc.text),
        "text": doc.text,
        "timestamp": doc.timestamp,
        "source": doc.source,
        "author": doc.author,
        "url": doc.url,
        "likes": doc.engagement.likes,
        "shares": doc.engagement.shares,
        "comments": doc.engagement.comments,
        "views": doc.engagement.views,
        "hashtags": list(doc.hashtags),
        "origin": None,
    }
