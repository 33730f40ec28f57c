"""Which documents of a trend are read and scanned: the cheap text test never loses a cause or an audience cue."""

from __future__ import annotations

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.enrich.audience import could_state_audience, describe_audience
from trendlens.enrich.causes import CANDIDATES, cause_mentions
from trendlens.enrich.nlp import parse_sentences
from trendlens.enrich.reading import read_trend


def test_the_text_test_keeps_every_document_with_a_cause_or_a_cue():
    records = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")[3000:3300]
    records += read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")[:300]
    texts, ids = [r["text"] for r in records], [r["id"] for r in records]
    sentences = parse_sentences(texts, ids, min_chars=0)  # everything parsed: the reference
    with_cause = {m.evidence.doc_id for m in cause_mentions(sentences)}
    with_cue = set()
    for facet in describe_audience(sentences, min_documents=1, min_share=0, max_evidence=len(records)):
        with_cue |= {e.doc_id for e in facet.evidence}
    by_id = dict(zip(ids, texts))
    assert len(with_cause) >= 20 and len(with_cue) >= 20
    assert all(CANDIDATES.search(by_id[i]) for i in with_cause)
    assert all(could_state_audience(by_id[i]) for i in with_cue)
    # and the test is selective: most documents need no parse
    assert sum(bool(CANDIDATES.search(t)) or could_state_audience(t) for t in texts) < 0.4 * len(texts)


def test_read_on_while_the_central_documents_are_greetings():
    records = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")
    greetings = [r for r in records if r["text"].lower().startswith(("hi ", "hello", "hey")) and len(r["text"]) < 40][
        :40
    ]
    statements = [r for r in records if len(r["text"]) > 150][:40]
    chosen = greetings + statements
    reading = read_trend([r["text"] for r in chosen], [r["id"] for r in chosen], n_read=10, n_scan=60)
    assert reading.read == 80 - 20  # 10 greetings, then 20, then 40 (still greetings), then 60 = n_scan
    assert reading.scanned == 60
    assert {s.doc_id for s in reading.sentences} & {r["id"] for r in statements}
