"""Detailed findings: extractive, diverse, traced to their documents."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens import ConfigError
from trendlens.enrich import mmr, split_sentences


def test_split_sentences_keeps_quotes_and_drops_fragments():
    text = (
        'Oat milk sales doubled this year. "We cannot keep up," the founder said. Wow. '
        "Shares of the brand rose 20% in May!"
    )
    assert split_sentences(text) == [
        "Oat milk sales doubled this year.",
        '"We cannot keep up," the founder said.',
        "Shares of the brand rose 20% in May!",
    ]


def test_mmr_prefers_relevance_then_diversity():
    vectors = np.array([[1, 0, 0], [0.99, 0.141, 0], [0.7, 0, 0.714]], dtype=np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    query = np.array([1, 0, 0], dtype=np.float32)
    assert mmr(vectors, query, 2, diversity=0.0) == [0, 1]  # pure relevance
    assert mmr(vectors, query, 2, diversity=0.7) == [0, 2]  # the near-copy is skipped
    everything = mmr(vectors, query, 10)  # k larger than the rows: each row once, most relevant first
    assert everything[0] == 0 and sorted(everything) == [0, 1, 2]
    with pytest.raises(ConfigError):
        mmr(vectors, query, 2, diversity=2.0)


@pytest.mark.slow
def test_every_finding_is_a_sentence_of_its_cited_document(fitted, e2e_corpus):
    by_id = {d.id: d.text for d in e2e_corpus}
    report = fitted.report(top=5)
    for trend in report.trends:
        members = {e2e_corpus[i].id for i in np.flatnonzero(fitted.labels_ == trend.id)}
        assert 1 <= len(trend.findings) <= fitted.n_findings
        assert len({f.text for f in trend.findings}) == len(trend.findings)
        for finding in trend.findings:
            assert finding.doc_id in members
            assert finding.text in split_sentences(by_id[finding.doc_id])
    markdown = report.to_markdown()
    first = report.trends[0].findings[0]
    takeaway = next(line for line in markdown.splitlines() if line.startswith("**Key takeaway:**"))
    assert takeaway.endswith(f"(`{first.doc_id}`)") and first.text[:20] in takeaway


@pytest.mark.slow
def test_refit_does_not_reuse_findings_of_the_previous_fit(e2e_corpus, e2e_embeddings, embedder):
    from trendlens import TrendDetector

    det = TrendDetector(embedder=embedder, show_progress=False).fit(e2e_corpus, embeddings=e2e_embeddings)
    det.report(top=3)
    half = e2e_corpus[:325]
    det.fit(half, embeddings=e2e_embeddings[:325])
    ids = set(half.ids)
    assert all(f.doc_id in ids for t in det.report(top=3).trends for f in t.findings)
