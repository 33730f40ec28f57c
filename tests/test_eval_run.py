"""`trendlens eval`: corpus files, their errors, and one real run written as the issue's JSON layout."""

from __future__ import annotations

import gzip
import json

import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.cli import main
from trendlens.errors import ConfigError, CorpusError
from trendlens.eval.run import PROTOCOLS, find_corpus, read_corpus


def _write(path, records):
    with gzip.open(path, "wt", encoding="utf-8") as handle:
        for record in records:
            handle.write((record if isinstance(record, str) else json.dumps(record)) + "\n")


def test_a_broken_line_is_named_by_file_and_line(tmp_path):
    path = tmp_path / "bbc.jsonl.gz"
    _write(path, [{"text": "fine", "category": "tech"}, "{not json"])
    with pytest.raises(CorpusError, match=r"bbc.jsonl.gz, line 2: not JSON"):
        read_corpus(path, "category")


def test_a_missing_label_is_named(tmp_path):
    path = tmp_path / "bbc.jsonl.gz"
    _write(path, [{"text": "fine", "category": "tech"}, {"text": "no class"}])
    with pytest.raises(CorpusError, match=r"line 2: no 'category'"):
        read_corpus(path, "category")


def test_limit_takes_a_seeded_sample_in_file_order():
    path = find_corpus("bbc", [CORPORA])
    first, classes = read_corpus(path, "category", limit=50)
    again, _ = read_corpus(path, "category", limit=50)
    assert first == again and len(first) == 50 and len(classes) == 50
    everything, _ = read_corpus(path, "category")
    positions = [everything.index(t) for t in first]
    assert positions == sorted(positions)


def test_unknown_and_missing_corpora_say_what_to_do(tmp_path):
    with pytest.raises(ConfigError, match="knows"):
        find_corpus("reuters", [tmp_path])
    with pytest.raises(CorpusError, match="trump_tweets.jsonl.gz"):
        find_corpus("trump", [tmp_path])
    assert main(["eval", "--corpus", "trump", "--corpora-dir", str(tmp_path), "--out", str(tmp_path / "e.json")]) == 2
    assert not (tmp_path / "e.json").exists()


@pytest.mark.slow
def test_cli_writes_every_key_the_issue_names_for_a_real_corpus(tmp_path):
    records = read_jsonl_gz(CORPORA / "bbc.jsonl.gz")[::8]  # 279 articles
    _write(tmp_path / f"{PROTOCOLS['bbc'].file}.jsonl.gz", records)
    out = tmp_path / "results" / "evaluation.json"
    out.parent.mkdir()
    out.write_text(json.dumps({"kept": {"from": "an earlier run"}}))
    assert main(["eval", "--corpus", "bbc", "--corpora-dir", str(tmp_path), "--out", str(out), "--quiet"]) == 0
    results = json.loads(out.read_text())
    assert results["kept"] == {"from": "an earlier run"}  # other corpora's figures are merged, not replaced
    bbc = results["bbc"]
    assert bbc["documents"] == 279 and bbc["published"]["BERTopic (all-mpnet-base-v2)"]["npmi"] == 0.167
    for system in ("trendlens", "bertopic"):
        for key in ("npmi", "td", "nmi", "ari", "outlier_share", "seed_stability_ari"):
            assert isinstance(bbc[system][key], float), (system, key)
