"""Embedding and assignment partition by partition, in this process or on a Dask LocalCluster."""

from __future__ import annotations

import json

import numpy as np
import pytest

from trendlens import ConfigError, Corpus, TrendDetector, load_corpus
from trendlens.embed.base import available_threads
from trendlens.embed.cache import CachedEmbedder
from trendlens.parallel import PARTITION, DaskExecutor, LocalExecutor, embed_texts, encode_on_worker, open_executor

pytest.importorskip("distributed")


@pytest.fixture(scope="module")
def headlines(huffpost_records):
    """3,000 real headlines spread over the corpus (more than one embedding partition)."""
    return load_corpus(huffpost_records).sample(3000, random_state=0)


@pytest.fixture(scope="module")
def cluster():
    """A LocalCluster of two worker processes, shared by the module's tests."""
    executor = DaskExecutor(workers=2)
    yield executor
    executor.close()


def test_partitioned_embedding_reads_the_cache_per_partition(static_embedder, headlines, tmp_path):
    texts = headlines.texts * 2  # 6,000 texts: two partitions, every text twice
    cached = CachedEmbedder(static_embedder, tmp_path / "cache.sqlite")
    cached.encode(texts[:1000])  # warm the cache with part of the first partition
    assert (cached.hits, cached.misses) == (0, 1000)
    seen = []
    out = embed_texts(cached, texts, after=lambda start, stop: seen.append((start, stop)))
    assert seen == [(0, PARTITION), (PARTITION, len(texts))]
    # first partition: 1,000 read back, the rest of its distinct texts embedded;
    # second partition: its texts were all embedded by the first one (the corpus repeats)
    assert cached.misses == 1000 + len(set(texts[1000:PARTITION]) - set(texts[:1000]))
    assert np.array_equal(out, static_embedder.encode(texts))  # the static model is row-independent


def test_dask_fit_equals_the_local_fit(cluster, headlines):
    """Same corpus, same seed: the LocalCluster gives the same vectors, labels and trend table."""
    common = dict(embedder="minilm-static", embedding_cache=False, fit_sample=1500, show_progress=False)
    local = TrendDetector(**common).fit(headlines)
    remote = TrendDetector(**common, executor=cluster.client).fit(headlines)
    assert len(headlines) - len(local.fit_rows_) == 1500  # half the documents were assigned, not clustered
    assert np.array_equal(local.embeddings_, remote.embeddings_)
    assert np.array_equal(local.labels_, remote.labels_)
    assert (local.labels_ >= 0).mean() > 0.5
    assert local.trends_.equals(remote.trends_)
    assert local.signals_.equals(remote.signals_)
    assert cluster.client.status == "running"  # a Client passed in is not closed by fit


@pytest.mark.slow
def test_transformer_vectors_are_the_same_on_workers(cluster, embedder, headlines):
    """The full model on two worker processes (one thread each) gives this process's vectors, bit for bit."""
    texts = headlines.texts[:300]
    remote = embed_texts(embedder, texts, cluster, spec="minilm")
    assert np.array_equal(remote, embed_texts(embedder, texts))


def test_executor_dask_starts_and_closes_its_own_local_cluster(headlines, monkeypatch):
    closed = []
    close = DaskExecutor.close
    monkeypatch.setattr(DaskExecutor, "close", lambda self: closed.append(repr(self)) or close(self))
    det = TrendDetector(embedder="minilm-static", embedding_cache=False, executor="dask", workers=1)
    det.set_params(show_progress=False).fit(Corpus.from_documents(list(headlines)[:600]))
    assert len(det.trends_) >= 2
    assert closed == ["DaskExecutor(LocalCluster, workers=1)"]


def test_a_worker_with_another_model_is_refused(static_embedder):
    with pytest.raises(ConfigError, match="install the same trendlens models on every worker"):
        encode_on_worker(["a headline"], static_embedder, expected="some-other-model")


def test_executor_settings_are_checked():
    assert isinstance(open_executor("local"), LocalExecutor)
    with pytest.raises(ConfigError, match="executor must be"):
        open_executor("spark")
    with pytest.raises(ConfigError, match="executor must be"):
        open_executor(42)
    with pytest.raises(ConfigError, match="workers must be at least 1"):
        DaskExecutor(workers=0)


def test_an_unreachable_scheduler_is_one_clear_error(monkeypatch):
    monkeypatch.setattr(DaskExecutor, "connect_timeout", "2s")
    with pytest.raises(ConfigError, match="could not reach the Dask scheduler at tcp://127.0.0.1:9"):
        DaskExecutor("tcp://127.0.0.1:9")


def test_trendlens_threads_sets_the_model_threads(monkeypatch):
    monkeypatch.setenv("TRENDLENS_THREADS", "3")
    assert available_threads() == 3
    monkeypatch.setenv("TRENDLENS_THREADS", "many")
    with pytest.raises(ConfigError, match="TRENDLENS_THREADS must be a whole number"):
        available_threads()


@pytest.mark.slow
def test_trendlens_run_on_two_local_workers_prints_the_same_trends(tmp_path, e2e_records):
    from tests.test_cli import run_cli

    source = tmp_path / "headlines.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in e2e_records), encoding="utf-8")
    common = ["--embedder", "minilm-static", "--no-cache", "--fit-sample", "400", "--json", "--quiet"]
    here = run_cli("run", str(source), "--out", str(tmp_path / "here"), *common)
    there = run_cli("run", str(source), "--out", str(tmp_path / "there"), "--workers", "2", *common)
    assert here.returncode == 0 and there.returncode == 0, here.stderr[-1500:] + there.stderr[-1500:]
    trends = json.loads(here.stdout)["trends"]
    assert len(trends) >= 3 and trends == json.loads(there.stdout)["trends"]


def test_trendlens_run_on_a_scheduler_it_cannot_reach_says_so(tmp_path, e2e_records, capsys, monkeypatch):
    from trendlens.cli import main
    from trendlens.parallel import DaskExecutor

    monkeypatch.setattr(DaskExecutor, "connect_timeout", "2s")  # not the default 20 s: nothing listens there
    source = tmp_path / "headlines.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in e2e_records[:50]), encoding="utf-8")
    common = ["--embedder", "minilm-static", "--no-cache", "--quiet", "--out", str(tmp_path / "out")]
    assert main(["run", str(source), "--scheduler", "tcp://127.0.0.1:9", *common]) == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert last.startswith("trendlens: error: could not reach the Dask scheduler at tcp://127.0.0.1:9")


def test_cli_worker_settings_are_checked_before_reading(tmp_path, capsys):
    from trendlens.cli import main

    for extra in (["--workers", "0"], ["--workers", "2", "--scheduler", "tcp://127.0.0.1:9"]):
        assert main(["run", str(tmp_path / "missing.jsonl"), *extra]) == 2
        assert "--workers needs a number of at least 1, and no --scheduler" in capsys.readouterr().err


def test_a_partition_the_cache_answered_needs_no_model():
    assert encode_on_worker([], "no-such-model", expected="anything").shape[0] == 0


def test_the_job_embeds_on_dask_into_the_cache_the_library_reads(cluster, headlines, static_embedder, tmp_path):
    """Issue 21: the scheduled job embeds through the library's path: on the Dask cluster its scheduler names
    (one partition per bucket of texts), into the embedding cache a TrendDetector reads."""
    from trendlens.jobs import JobConfig, run_job
    from trendlens.store import TrendStore

    posts = tmp_path / "posts.jsonl"
    docs = list(headlines)[:600]
    posts.write_text(
        "".join(json.dumps({"id": d.id, "text": d.text, "timestamp": d.timestamp.isoformat()}) + "\n" for d in docs),
        encoding="utf-8",
    )
    common = dict(embedder="minilm-static", taxonomy=None)
    runs = {}
    for where, settings in (("local", {}), ("dask", {"scheduler": cluster.client.scheduler.address})):
        config = JobConfig(**common, embedding_cache=str(tmp_path / f"{where}.sqlite"), **settings)
        result = run_job(tmp_path / f"{where}.duckdb", [posts], config, show_progress=False)
        assert result.n_embedded == len(docs) and result.n_trends >= 2
        with TrendStore(tmp_path / f"{where}.duckdb", read_only=True) as store:
            hashes = store.documents()["content_hash"].tolist()
            runs[where] = (store.embeddings(hashes, static_embedder.name), store.memberships(0))
    assert np.array_equal(runs["local"][0], runs["dask"][0])
    assert runs["local"][1] == runs["dask"][1]
    assert cluster.client.status == "running"  # the job closed its own client, not the cluster
    # a detector with the job's cache embeds nothing: every text is there
    library = CachedEmbedder(static_embedder, tmp_path / "dask.sqlite")
    library.encode([d.text for d in docs])
    assert (library.hits, library.misses) == (len(docs), 0)
