"""The report follows the hierarchy: consumer trends lead, their sub trends nested, every sub trend at the end."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import TrendDetector, TrendReport, load_corpus
from trendlens.report.evidence import consumer_trend_evidence

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def migration(onnx_embedder):
    """1,500 Bluesky posts about leaving X (every fifth post, news-bot posts included), fitted once."""
    records = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")[::5]
    corpus = load_corpus(records)
    vectors = onnx_embedder.encode(corpus.texts)
    detector = TrendDetector(embedder=onnx_embedder, embedding_cache=False, show_progress=False)
    return detector.fit(corpus, embeddings=vectors)


def test_consumer_trends_count_every_document_of_their_sub_trends(migration):
    table = migration.consumer_trends_
    assert len(table) >= 2 and len(table) <= len(migration.trends_)
    members = [m for ms in table["members"] for m in ms]
    assert sorted(members) == sorted(migration.trends_.index)  # every sub trend in exactly one
    for gid, row in table.iterrows():
        assert row["size"] == sum(int(migration.trends_.at[m, "size"]) for m in row["members"])
        assert set(migration.trends_.loc[row["members"], "consumer_trend_group"]) == {gid}
    counts = migration.group_signals_.groupby("trend")["count"].sum()
    assert (counts.reindex(table.index) == table["size"]).all()  # the signals count the same documents


def test_a_corpus_about_one_phenomenon_leads_with_it_as_the_main_trend(migration):
    table = migration.consumer_trends_
    clustered = int((migration.labels_ >= 0).sum())
    first = table.iloc[0]
    assert first["size"] >= 0.5 * clustered, table[["label", "size", "virality"]]
    assert len(first["members"]) >= 3  # the migration has facets: first posts, leaving X, ...
    report = migration.report(top=8, map_points=0)
    md = report.to_markdown()
    assert "**Main trend:**" in md
    assert md.index("## Consumer trends") < md.index("## 1. ") < md.index("## All sub trends, ranked by virality")


def test_the_report_nests_sub_trends_under_their_consumer_trend_and_round_trips(migration):
    report = migration.report(top=6, map_points=0)
    shown = {t.id for t in report.trends}
    assert report.consumer_trends and {m for g in report.consumer_trends for m in g.members} == shown
    for group in report.consumer_trends:
        assert group.insight is not None and group.findings  # described whole, with cited sentences
        assert all(f.doc_id for f in group.findings)
        assert [t.id for t in report.sub_trends(group)] == list(group.members)
    order = list(migration.consumer_trends_.index)
    ranks = [order.index(g.id) for g in report.consumer_trends]
    assert ranks == sorted(ranks)
    again = TrendReport.from_dict(report.to_dict())
    assert again.consumer_trends == report.consumer_trends
    md = report.to_markdown()
    several = next((g for g in report.consumer_trends if len(g.members) > 1), None)
    if several is not None:
        assert f"### Sub trends of “{several.label}”" in md
        assert "#### " in md  # sub trend sections one level below their consumer trend
    html = report.to_html(charts=False)
    assert "<h2>Consumer trends</h2>" in html and "All sub trends, ranked by virality" in html


def test_group_documents_are_read_from_the_group_centre(migration):
    gid = next(g for g, row in migration.consumer_trends_.iterrows() if len(row["members"]) > 1)
    members = np.flatnonzero(migration._group_labels == gid)
    ids = {migration.corpus_[i].id for i in members}
    findings, _ = consumer_trend_evidence(migration, int(gid))
    assert findings and {f.doc_id for f in findings} <= ids
