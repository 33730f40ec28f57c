"""Each text is parsed once: a parse from memory or from the on-disk cache equals a fresh one."""

from __future__ import annotations

import sqlite3

import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.enrich import parses
from trendlens.enrich.nlp import load_nlp


def _annotations(doc) -> list[tuple]:
    tokens = [
        (t.text, t.whitespace_, t.tag_, t.pos_, str(t.morph), t.dep_, t.head.i, t.ent_iob_, t.ent_type_) for t in doc
    ]
    return [tokens, [(e.start, e.end, e.label_) for e in doc.ents], [(s.start, s.end) for s in doc.sents]]


@pytest.fixture()
def texts() -> list[str]:
    records = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")[5000:5080]
    records += read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")[:80]
    return [r["text"] for r in records]


@pytest.fixture()
def cache_dir(tmp_path, monkeypatch):
    monkeypatch.setenv("TRENDLENS_CACHE_DIR", str(tmp_path))
    monkeypatch.setattr(parses, "_memory", parses.OrderedDict())
    return tmp_path


def _refuse_to_parse(nlp, monkeypatch) -> None:
    def refuse(*args, **kwargs):
        raise AssertionError("parsed again")

    monkeypatch.setattr(type(nlp), "pipe", refuse)


def test_a_parse_from_the_disk_cache_equals_a_fresh_parse(texts, cache_dir, monkeypatch):
    nlp = load_nlp()
    fresh = [_annotations(d) for d in nlp.pipe(texts)]
    first = parses.parse_docs(texts, load_nlp())
    assert [_annotations(d) for d in first] == fresh
    assert (cache_dir / "parses.sqlite").is_file()
    # a new process: nothing in memory, every parse read back from disk, none made
    monkeypatch.setattr(parses, "_memory", parses.OrderedDict())
    _refuse_to_parse(nlp, monkeypatch)
    again = parses.parse_docs(texts, load_nlp())
    assert [_annotations(d) for d in again] == fresh
    # repeated texts come back once parsed, in input order
    order = [texts[3], texts[1], texts[3]]
    assert [d.text for d in parses.parse_docs(order, load_nlp())] == order


def test_a_damaged_entry_is_parsed_again_and_overwritten(texts, cache_dir, monkeypatch):
    nlp = load_nlp()
    parses.parse_docs(texts[:5], load_nlp())
    with sqlite3.connect(cache_dir / "parses.sqlite") as db:
        db.execute("UPDATE parses SET doc = zeroblob(40)")
    monkeypatch.setattr(parses, "_memory", parses.OrderedDict())
    again = parses.parse_docs(texts[:5], load_nlp())
    assert [_annotations(d) for d in again] == [_annotations(d) for d in nlp.pipe(texts[:5])]
    monkeypatch.setattr(parses, "_memory", parses.OrderedDict())
    _refuse_to_parse(nlp, monkeypatch)  # the entries were rewritten: read back without parsing
    assert [d.text for d in parses.parse_docs(texts[:5], load_nlp())] == texts[:5]


def test_the_disk_cache_can_be_turned_off(texts, cache_dir, monkeypatch):
    monkeypatch.setenv("TRENDLENS_PARSE_CACHE", "0")
    docs = parses.parse_docs(texts[:3], load_nlp())
    assert [d.text for d in docs] == texts[:3]
    assert not (cache_dir / "parses.sqlite").exists()


def test_the_memory_table_is_bounded(texts, cache_dir, monkeypatch):
    monkeypatch.setattr(parses, "MEMORY_DOCS", 10)
    parses.parse_docs(texts[:25], load_nlp())
    assert len(parses._memory) == 10
