"""The analyst's sections of each trend: present, and each backed by a citation or saying "not stated"."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens.hierarchy import default_taxonomy
from trendlens.report.sections import Item, insight_sections

#: Every trend section of the report, in order (the hierarchy levels follow the taxonomy in use).
EXPECTED = [
    "Detailed findings",
    "Key takeaway",
    "Key success factors of brands and products mentioned",
    "Main trend",
    "Consumer motivation",
    "What is driving the trend",
    "Motivation beyond the trend",
    "Description of consumers",
    "Implications for brands",
    "Implications for society",
    "Implications for consumers",
    "Implications for the future",
    "Consumer trend",
    "Consumer sub trend",
    "Big social trend",
    "Worldwide social trend",
    "Social drive",
    "Strategy recommendations",
]


def backed(item: Item) -> bool:
    """Cited (document or taxonomy id), backed by a cited child, or saying that nothing is stated."""
    return bool(item.cite) or "not stated" in item.text or "unmapped" in item.text or any(map(backed, item.children))


@pytest.fixture(scope="module")
def report(fitted):
    return fitted.report(top=5)


@pytest.mark.slow
def test_every_section_is_present_and_backed(report):
    for trend in report.trends:
        sections = insight_sections(trend)
        assert [s.title for s in sections] == EXPECTED
        for section in sections:
            assert section.items, section.title
            for item in section.items:
                assert backed(item), (trend.label, section.title, item)
        markdown = report.to_markdown()
        assert all(f"### {title}" in markdown for title in EXPECTED)


@pytest.mark.slow
def test_all_quoted_evidence_is_verbatim_from_the_trends_own_documents(report, fitted, e2e_corpus):
    by_id = {d.id: d.text for d in e2e_corpus}
    for trend in report.trends:
        members = {e2e_corpus[i].id for i in np.flatnonzero(fitted.labels_ == trend.id)}
        ins = trend.insight
        statements = [ins.takeaway, ins.main_trend, ins.sub_trend, *ins.motivations, *ins.drivers]
        evidence = [e for s in statements for e in s.evidence]
        evidence += [e for a in ins.audience for e in a.evidence]
        evidence += [e for b in ins.success_factors for e in b.factors]
        assert evidence, trend.label
        for ev in evidence:
            assert ev.doc_id in members and ev.text in by_id[ev.doc_id], (trend.label, ev)


@pytest.mark.slow
def test_taxonomy_statements_cite_existing_nodes_on_the_trends_path(report):
    tax = default_taxonomy()
    for trend in report.trends:
        ins = trend.insight
        leaf = trend.hierarchy[0]
        taxonomy_statements = [
            s
            for group in (ins.motivation_beyond, ins.strategies, *ins.implications.values())
            for s in group
            if s.source == "taxonomy"
        ]
        if leaf.node_id is None:
            assert not taxonomy_statements
            assert all(s.source == "none" for s in ins.strategies)
            continue
        path = {n.id for n in tax.path(leaf.node_id)}
        assert taxonomy_statements
        for s in taxonomy_statements:
            assert s.ref in path, (trend.label, s)
        for s in (*ins.motivations, *ins.drivers):
            if s.source == "documents":  # a driver the documents state: counted and quoted
                assert s in ins.drivers and s.evidence and s.title.endswith(" documents")
                continue
            assert s.source in ("taxonomy", "none")
            if s.evidence:  # matched phrase: it is a motivation/driver of that taxonomy entry
                assert s.text in tax.nodes[s.ref].motivations + tax.nodes[s.ref].drivers
        sources = [s.source for s in ins.drivers]
        assert sources == sorted(sources, key=lambda x: x != "documents")  # the documents' drivers come first
        facets = [a.facet for a in ins.audience]
        assert facets == ["age", "gender", "income", "lifestyle"]
        for facet in ins.audience:
            assert bool(facet.values) == bool(facet.evidence)


@pytest.mark.slow
def test_override_placement_changes_the_hierarchy_and_its_sections(fitted, e2e_corpus, e2e_embeddings, embedder):
    from trendlens import ConfigError, TrendDetector

    det = TrendDetector(embedder=embedder, show_progress=False).fit(e2e_corpus, embeddings=e2e_embeddings)
    trend = int(det.trends_.index[0])
    det.report(top=1)
    det.override_placement(trend, "ct.plant-forward-plates")
    again = det.report(top=1).trends[0]
    assert [h.node_id for h in again.hierarchy][0] == "ct.plant-forward-plates"
    assert all(h.confidence == 1.0 for h in again.hierarchy)
    assert det.trends_.at[trend, "consumer_trend_id"] == "ct.plant-forward-plates"
    path = {n.id for n in default_taxonomy().path("ct.plant-forward-plates")}
    assert {s.ref for s in again.insight.strategies} <= path
    with pytest.raises(ConfigError, match="not a consumer trend"):
        det.override_placement(trend, "bst.war-close-to-home")
    with pytest.raises(ConfigError, match="no trend"):
        det.override_placement(99999, "ct.plant-forward-plates")
