"""Detailed findings: extractive, diverse, traced to their documents."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens import ConfigError
from trendlens.enrich import mmr
from trendlens.enrich.nlp import parse_sentences


def test_sentences_are_split_by_the_parser_not_at_every_full_stop():
    text = (
        'Oat milk sales in the U.S. doubled this year. "We cannot keep up," the founder said. Wow. '
        "Dr. Lee expects shares of the brand to rise 20% in May!"
    )
    sentences = parse_sentences([text], ["d1"])
    assert [s.text for s in sentences] == [
        "Oat milk sales in the U.S. doubled this year.",
        '"We cannot keep up," the founder said.',
        "Dr. Lee expects shares of the brand to rise 20% in May!",
    ]
    assert {s.doc_id for s in sentences} == {"d1"}
    with pytest.raises(ConfigError, match="2 texts but 1"):
        parse_sentences([text, text], ["d1"])


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
            source = by_id[finding.doc_id]
            assert finding.text in source  # verbatim
            assert finding.text in [s.text for s in parse_sentences([source], [finding.doc_id])]  # a whole sentence
    markdown = report.to_markdown()
    first = report.trends[0].findings[0]
    # the top sub trend's section (nested in its consumer trend's, or the consumer trend's own) shows its findings
    sections = markdown.split("Detailed findings")[1:]
    assert any(section.split("\n#")[0].count(f"- “{first.text}” (`{first.doc_id}`)") for section in sections)


@pytest.mark.slow
def test_refit_does_not_reuse_findings_of_the_previous_fit(e2e_corpus, e2e_embeddings, embedder):
    from trendlens import TrendDetector

    det = TrendDetector(embedder=embedder, show_progress=False).fit(e2e_corpus, embeddings=e2e_embeddings)
    det.report(top=3)
    half = e2e_corpus[:325]
    det.fit(half, embeddings=e2e_embeddings[:325])
    ids = set(half.ids)
    assert all(f.doc_id in ids for t in det.report(top=3).trends for f in t.findings)


def test_informative_sentences_say_something():
    from trendlens.enrich.findings import content_words, is_informative
    from trendlens.enrich.nlp import load_nlp

    nlp = load_nlp()
    for greeting in (
        "Hi Bluesky! #bluesky #firstpost",
        "TikTok refugee here",
        "Hello everyone, first post",
        "Hello everyone, this is my first post here!",
        "#art #museum #modernart #women #artlover #artmuseum #photography #firstpost",
        "Well this is something #FirstPost",
    ):
        assert not is_informative(nlp(greeting)[:]), greeting
    for statement in (
        "I came here due to the ban on TikTok.",
        "BlueSky feels like social media done right: less noise, more control, and real connections.",
        "2 Children Dead, Several People Hurt In Strong Texas Storms",
    ):
        assert is_informative(nlp(statement)[:]), statement
    assert content_words(nlp("Hi @x.bsky.social, love the #art at https://t.co/abc and the colours")[:]) == [
        "love",
        "colours",
    ]


def test_a_greeting_is_never_a_finding(embedder):
    """Regression: the top findings of social-post trends were greetings ("TikTok refugee here")."""
    import re

    from tests.conftest import CORPORA, read_jsonl_gz
    from trendlens.enrich import detailed_findings

    records = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")
    greetings = [r for r in records if re.fullmatch(r"(?i)(hi|hello|hey)\b.{10,40}", r["text"])][:60]
    posts = [r for r in records if "#firstpost" in r["text"].lower() and len(r["text"]) > 120][:60]
    chosen = greetings + posts
    sentences = parse_sentences([r["text"] for r in chosen], [r["id"] for r in chosen], min_chars=0)
    vectors = embedder.encode([s.text for s in sentences])
    greeting_ids = {r["id"] for r in greetings}
    rows = [i for i, s in enumerate(sentences) if s.doc_id in greeting_ids]
    assert len(rows) >= 30
    centroid = vectors[rows].mean(axis=0)
    centroid /= np.linalg.norm(centroid)  # the greetings are the most central sentences there are
    closest = np.argsort(-(vectors @ centroid), kind="stable")[:5]  # closeness alone picks them
    assert {sentences[i].doc_id for i in closest} <= greeting_ids
    findings = detailed_findings(sentences, vectors, centroid, k=5)
    assert len(findings) == 5
    assert not {f.doc_id for f in findings} & greeting_ids
    by_id = {r["id"]: r["text"] for r in chosen}
    assert all(f.text in by_id[f.doc_id] for f in findings)
