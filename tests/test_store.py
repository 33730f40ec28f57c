"""`TrendStore`: schema versions, ingestion by id and content hash, round trips, the embedding cache, transactions.

Fast: real HuffPost records, no model (embedding vectors here are arbitrary float32 rows).
"""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone

import duckdb
import numpy as np
import pytest

from trendlens import load_corpus
from trendlens._io import sha256_file
from trendlens.errors import ConfigError, StoreError
from trendlens.jobs.matching import Event
from trendlens.store import SCHEMA_VERSION, RunRecord, TrendStore, content_hash

MODEL = "test-model"


def write_jsonl(path, records) -> str:
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return str(path)


@pytest.fixture(scope="module")
def sample(huffpost_records) -> list[dict]:
    """12 real headlines of one month, with engagement, hashtags and offsets added to a few to round-trip them."""
    picked = [dict(r) for r in huffpost_records if r["timestamp"].startswith("2022-03")][:12]
    picked[0].update(likes=12, shares=3, comments=0, views=1500, hashtags=["Ukraine", "#War"])
    picked[1].update(likes=7, timestamp="2022-03-01T09:30:00+02:00")  # a non-UTC offset: stored as 07:30 UTC
    picked[2].pop("timestamp")
    return picked


@pytest.fixture()
def store(tmp_path):
    with TrendStore(tmp_path / "store.duckdb") as s:
        yield s


def ingest_file(store: TrendStore, path: str) -> tuple[int, int]:
    sha = sha256_file(path)
    corpus = load_corpus(path)
    with store.transaction():
        return store.ingest(corpus, path=path, sha256=sha)


def count(store: TrendStore, table: str) -> int:
    return store.con.execute(f"SELECT count(*) FROM {table}").fetchone()[0]


def test_a_new_store_records_the_schema_version(tmp_path):
    path = tmp_path / "new.duckdb"
    with TrendStore(path) as store:
        assert store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(
            SCHEMA_VERSION
        )
        tables = {r[0] for r in store.con.execute("SELECT table_name FROM information_schema.tables").fetchall()}
        assert {"meta", "documents", "embeddings", "runs", "trends", "snapshots", "memberships", "lineage"} <= tables
        assert store.runs().empty and store.trends().empty and store.last_run_id() is None
        assert store.next_trend_id() == 0
    assert path.is_file()


def test_reopening_keeps_the_data(tmp_path, sample):
    path = tmp_path / "store.duckdb"
    source = write_jsonl(tmp_path / "a.jsonl", sample)
    with TrendStore(path) as store:
        ingest_file(store, source)
        before = store.documents()
    with TrendStore(path) as store:
        assert store.documents().equals(before)
        assert store.file_seen(sha256_file(source))
        assert store.con.execute("SELECT count(*) FROM meta").fetchone()[0] == 1
    with TrendStore(path, read_only=True) as store:
        assert len(store.corpus()) == len(sample)


def test_a_store_of_a_newer_schema_is_refused_and_left_alone(tmp_path):
    path = tmp_path / "future.duckdb"
    TrendStore(path).close()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
        con.execute("CREATE TABLE from_the_future (x INTEGER)")
    with pytest.raises(StoreError, match=f"schema version {SCHEMA_VERSION + 1} is newer"):
        TrendStore(path)
    with duckdb.connect(str(path), read_only=True) as con:
        assert con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == str(
            SCHEMA_VERSION + 1
        )


def test_a_store_of_a_newer_schema_is_refused_read_only_too(tmp_path):
    path = tmp_path / "future.duckdb"
    TrendStore(path).close()
    with duckdb.connect(str(path)) as con:
        con.execute("UPDATE meta SET value = ? WHERE key = 'schema_version'", [str(SCHEMA_VERSION + 1)])
    with pytest.raises(StoreError, match="newer"):
        TrendStore(path, read_only=True).close()


def test_ingest_counts_new_and_changed_documents(tmp_path, store, sample):
    first = write_jsonl(tmp_path / "first.jsonl", sample[:8])
    assert ingest_file(store, first) == (8, 0)
    assert count(store, "documents") == 8
    stored = store.documents().set_index("id")
    assert all(stored.loc[r["id"], "content_hash"] == content_hash(r["text"]) for r in sample[:8])
    row = store.con.execute("SELECT path, n_records, n_new, n_changed FROM ingested_files").fetchall()
    assert row == [(first, 8, 8, 0)]

    # the same ids with the same texts, in another file (other bytes: fewer records, another order)
    again = write_jsonl(tmp_path / "again.jsonl", list(reversed(sample[2:6])))
    assert ingest_file(store, again) == (0, 0)
    assert store.documents().set_index("id").equals(stored)  # nothing rewritten, not even ingested_at

    # two texts changed, two new documents, the rest unchanged
    edited = [dict(r) for r in sample[:10]]
    edited[0]["text"] += " (updated)"
    edited[5]["text"] = "Corrected: " + edited[5]["text"]
    third = write_jsonl(tmp_path / "third.jsonl", edited)
    assert ingest_file(store, third) == (2, 2)
    after = store.documents().set_index("id")
    assert len(after) == 10
    for r in edited:
        assert after.loc[r["id"], "text"] == r["text"]
        assert after.loc[r["id"], "content_hash"] == content_hash(r["text"])
    assert after.loc[edited[0]["id"], "content_hash"] != stored.loc[edited[0]["id"], "content_hash"]
    files = store.con.execute("SELECT path, n_new, n_changed FROM ingested_files ORDER BY ingested_at, path").fetchall()
    assert sorted(files) == sorted([(first, 8, 0), (again, 0, 0), (third, 2, 2)])


def test_file_seen_is_by_content(tmp_path, store, sample):
    source = write_jsonl(tmp_path / "a.jsonl", sample)
    copy = tmp_path / "renamed.jsonl"
    copy.write_bytes((tmp_path / "a.jsonl").read_bytes())
    other = write_jsonl(tmp_path / "b.jsonl", sample[:-1])
    assert not store.file_seen(sha256_file(source))
    ingest_file(store, source)
    assert store.file_seen(sha256_file(source))
    assert sha256_file(copy) == sha256_file(source) and store.file_seen(sha256_file(copy))
    assert not store.file_seen(sha256_file(other))


def test_ingest_right_after_file_seen_in_one_transaction(tmp_path, store, sample):
    # the dry run's pattern; file_seen() must not leave an unfinished result (duckdb 2 refuses register() then)
    source = write_jsonl(tmp_path / "a.jsonl", sample)
    sha = sha256_file(source)
    with store.transaction():
        if not store.file_seen(sha):
            store.ingest(load_corpus(source), path=source, sha256=sha)
    assert count(store, "documents") == len(sample)


def test_corpus_round_trips_every_field(tmp_path, store, sample):
    source = write_jsonl(tmp_path / "a.jsonl", sample)
    original = {d.id: d for d in load_corpus(source)}
    ingest_file(store, source)
    corpus = store.corpus()
    assert len(corpus) == len(sample)
    for doc in corpus:
        want = original[doc.id]
        assert (doc.text, doc.source, doc.url, doc.author) == (want.text, want.source, want.url, want.author)
        assert doc.hashtags == want.hashtags
        assert doc.engagement == want.engagement
        assert doc.timestamp == want.timestamp
        if doc.timestamp is not None:
            assert doc.timestamp.utcoffset() == timedelta(0)
    by_id = {d.id: d for d in corpus}
    first, second, third = (by_id[sample[k]["id"]] for k in range(3))
    assert first.hashtags == ("ukraine", "war")
    assert (first.engagement.likes, first.engagement.shares, first.engagement.comments) == (12, 3, 0)
    assert first.engagement.views == 1500
    assert second.engagement.likes == 7 and second.engagement.shares is None
    assert second.timestamp == datetime(2022, 3, 1, 7, 30, tzinfo=timezone.utc)
    assert third.timestamp is None
    assert second.author == sample[1]["authors"] and second.url == sample[1]["url"] and second.source == "huffpost"
    # ordered by time (missing first), then id
    keys = [(d.timestamp is not None, d.timestamp or datetime.min.replace(tzinfo=timezone.utc), d.id) for d in corpus]
    assert keys == sorted(keys)
    # from a start time on
    start = datetime(2022, 3, 2, tzinfo=timezone.utc)
    later = store.corpus(start)
    assert {d.id for d in later} == {d.id for d in corpus if d.timestamp is not None and d.timestamp >= start}
    assert 0 < len(later) < len(corpus)
    assert store.latest_timestamp() == max(d.timestamp for d in corpus if d.timestamp is not None)


def test_embeddings_keep_order_and_require_every_vector(store):
    rng = np.random.default_rng(0)
    hashes = [content_hash(f"text {i}") for i in range(6)]
    vectors = rng.normal(size=(6, 5)).astype(np.float32)
    assert store.missing_embeddings(hashes, MODEL) == hashes
    with store.transaction():
        store.put_embeddings(hashes[:4], vectors[:4], MODEL)
    # missing: in the order asked, without repeats; other models are separate
    asked = [hashes[5], hashes[1], hashes[4], hashes[5], hashes[0]]
    assert store.missing_embeddings(asked, MODEL) == [hashes[5], hashes[4]]
    assert store.missing_embeddings(asked, "other-model") == [hashes[5], hashes[1], hashes[4], hashes[0]]
    # vectors come back in the order asked, repeats included, exactly as stored (float32)
    order = [3, 0, 2, 0, 1]
    got = store.embeddings([hashes[k] for k in order], MODEL)
    assert got.dtype == np.float32 and got.shape == (5, 5)
    np.testing.assert_array_equal(got, vectors[order])
    # a second put keeps the existing vectors and adds the new ones
    with store.transaction():
        store.put_embeddings(hashes[2:], np.zeros((4, 5), dtype=np.float32), MODEL)
    np.testing.assert_array_equal(store.embeddings(hashes[2:4], MODEL), vectors[2:4])
    np.testing.assert_array_equal(store.embeddings(hashes[4:], MODEL), np.zeros((2, 5), dtype=np.float32))
    assert store.missing_embeddings(hashes, MODEL) == []
    with pytest.raises(ConfigError, match="1 documents have no stored embedding for other-model"):
        store.embeddings(hashes[:1], "other-model")
    with pytest.raises(ConfigError, match="no stored embedding"):
        store.embeddings([hashes[0], content_hash("never stored")], MODEL)


def test_a_failed_transaction_leaves_nothing_behind(tmp_path, store, sample):
    source = write_jsonl(tmp_path / "a.jsonl", sample)
    sha = sha256_file(source)
    corpus = load_corpus(source)
    with pytest.raises(RuntimeError, match="boom"), store.transaction():
        store.ingest(corpus, path=source, sha256=sha)
        store.put_embeddings([content_hash(d.text) for d in corpus], np.ones((len(corpus), 3), np.float32), MODEL)
        assert count(store, "documents") == len(sample)  # visible inside the transaction
        raise RuntimeError("boom")
    assert count(store, "documents") == 0
    assert count(store, "embeddings") == 0
    assert not store.file_seen(sha)
    # the store is still usable, and the same file can be ingested now
    assert ingest_file(store, source) == (len(sample), 0)
    store.close()
    with TrendStore(tmp_path / "store.duckdb", read_only=True) as again:
        assert count(again, "documents") == len(sample) and count(again, "embeddings") == 0


def test_read_only_open_of_a_missing_store_is_a_store_error(tmp_path):
    path = tmp_path / "missing.duckdb"
    with pytest.raises(StoreError, match="no trend store here"):
        TrendStore(path, read_only=True)
    assert not path.exists()


def test_a_file_that_is_not_a_store_is_a_store_error(tmp_path):
    path = tmp_path / "notes.duckdb"
    path.write_text("not a database\n" * 300, encoding="utf-8")
    for read_only in (False, True):
        with pytest.raises(StoreError, match="cannot open the trend store"):
            TrendStore(path, read_only=read_only)


def test_history_of_an_unknown_trend_is_a_config_error(store):
    with pytest.raises(ConfigError, match="no trend 3"):
        store.history(3)


def test_a_database_error_in_a_transaction_is_a_store_error_and_changes_nothing(tmp_path, sample):
    path = tmp_path / "store.duckdb"
    source = write_jsonl(tmp_path / "a.jsonl", sample)
    TrendStore(path).close()
    corpus = load_corpus(source)
    with TrendStore(path, read_only=True) as reader:  # a reader cannot write: DuckDB refuses the INSERT
        refused = pytest.raises(StoreError, match=r"store\.duckdb: the store refused an update .*nothing of this run")
        with refused, reader.transaction():
            reader.ingest(corpus, path=source, sha256=sha256_file(source))
        assert count(reader, "documents") == 0
        assert reader.runs().empty  # still readable after the rollback
    with TrendStore(path) as writer:
        assert ingest_file(writer, source) == (len(sample), 0)


def test_sql_in_document_fields_is_stored_as_text(tmp_path, store, sample):
    payload = "x'); DROP TABLE documents; --"
    records = [dict(r) for r in sample[:5]]
    records[0].update(id=payload, text=f"{records[0]['text']} {payload}", author="o'brien\"; DELETE FROM runs")
    source = write_jsonl(tmp_path / "a.jsonl", records)
    assert ingest_file(store, source) == (5, 0)
    stored = store.documents().set_index("id")
    assert payload in stored.index and stored.loc[payload, "text"].endswith(payload)
    assert store.trends(status="active' OR '1'='1").empty  # a value, never part of the statement
    assert count(store, "documents") == 5


def test_quarantine_takes_documents_out_keeps_them_whole_and_restore_puts_them_back(store, sample, tmp_path):
    path = write_jsonl(tmp_path / "a.jsonl", sample)
    ingest_file(store, path)
    stored = count(store, "documents")
    before = store.documents().set_index("id")
    dated = sorted((d.timestamp, d.id) for d in store.corpus() if d.timestamp is not None)
    cut = dated[len(dated) // 2][0]
    late = [i for stamp, i in dated if stamp > cut]
    assert late and sample[3]["id"] not in late
    moved = store.quarantine([sample[3]["id"]], after=cut)
    assert moved == len(set(late) | {sample[3]["id"]})
    assert count(store, "documents") == stored - moved and count(store, "quarantine") == moved
    assert {d.id for d in store.corpus()}.isdisjoint(late)  # later runs do not see them
    assert store.quarantine(before=datetime(1990, 1, 1, tzinfo=timezone.utc)) == 0
    # a file that carries a quarantined document again does not bring it back
    again = write_jsonl(tmp_path / "b.jsonl", [dict(sample[3], text=sample[3]["text"] + " (again)")])
    assert ingest_file(store, again) == (0, 0)
    assert sample[3]["id"] not in {d.id for d in store.corpus()}
    assert store.restore([sample[3]["id"], *late, "no-such-id"]) == moved
    assert count(store, "quarantine") == 0
    after = store.documents().set_index("id")
    columns = [c for c in before.columns if c != "ingested_at"]
    assert after.loc[before.index, columns].equals(before[columns])  # every field came back as it was


def test_a_store_of_schema_version_1_gains_the_quarantine_table(tmp_path, sample):
    from trendlens.store.schema import MIGRATIONS

    path = tmp_path / "v1.duckdb"
    with duckdb.connect(str(path)) as con:
        con.execute(MIGRATIONS[0])
        con.execute("INSERT INTO meta VALUES ('schema_version', '1')")
    with TrendStore(path) as store:
        assert count(store, "quarantine") == 0
        assert store.con.execute("SELECT value FROM meta WHERE key = 'schema_version'").fetchone()[0] == "2"


def _run(run_id: int, **changes) -> RunRecord:
    fields = dict(
        run_id=run_id,
        started=datetime(2026, 12, 1, tzinfo=timezone.utc),
        mode="full",
        window_start=None,
        window_end=None,
        n_documents=2,
        n_new=2,
        n_trends=1,
        n_outliers=1,
        params={"mode": "full"},
        versions={},
        timings={"ingest": 0.1},
        trends={7: ("oat milk", [1.0, 0.0])},
        events=(Event("born", 7),),
        snapshots=((7, 0, 1, 0.5, "oat milk", ["oat", "milk"], 50.0, "emerging", 2.0, None, None, None, None, None),),
        memberships={"a": 7, "b": None},
    )
    return RunRecord(**{**fields, **changes})


def test_commit_run_writes_a_run_whole_or_not_at_all(store):
    store.commit_run(_run(0))
    assert store.last_run_id() == 0 and store.memberships(0) == {"a": 7, "b": None}
    assert store.trends()["label"].tolist() == ["oat milk"] and store.keywords(0) == {7: ["oat", "milk"]}
    assert store.lineage(7)["event"].tolist() == ["born"]
    # a bad snapshot row (one value short) fails inside the transaction: nothing of run 1 is written
    broken = _run(1, events=(Event("continued", 7),), snapshots=((7, 0, 1, 0.5, "oat milk"),))
    with pytest.raises(StoreError, match="nothing of this run was written"):
        store.commit_run(broken)
    assert store.last_run_id() == 0 and len(store.lineage(7)) == 1 and store.trends()["last_run"].tolist() == [0]


def test_scratch_rolls_back_whatever_happens_inside(store):
    store.commit_run(_run(0))
    with store.scratch():
        store.con.execute("DELETE FROM runs")
        assert store.last_run_id() is None
    assert store.last_run_id() == 0
