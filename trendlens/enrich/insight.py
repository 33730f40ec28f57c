"""Assemble the analyst's sections of one trend from its documents, its signals and its taxonomy placement.

Everything here is extractive and deterministic: sentences are quoted from the
trend's documents with their ids, taxonomy text is quoted with its node id, and
a section with nothing to quote says "not stated in the sources". A
:class:`~trendlens.report.generate.Generator` may rewrite the wording later;
the evidence stays attached.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from trendlens.embed.base import Embedder
from trendlens.enrich.audience import describe_audience
from trendlens.enrich.drivers import Driver, document_drivers, driver_statements
from trendlens.enrich.entities import brand_profiles
from trendlens.enrich.findings import detailed_findings
from trendlens.enrich.mentions import TrendDocuments
from trendlens.enrich.motivations import match_phrases
from trendlens.enrich.reading import SCAN_DOCUMENTS, Reading, read_trend
from trendlens.report.model import (
    NOT_STATED,
    Evidence,
    Insight,
    Statement,
    TrendGroup,
)

if TYPE_CHECKING:
    from trendlens.corpus.schema import Engagement
    from trendlens.hierarchy.mapping import Placement
    from trendlens.hierarchy.taxonomy import Taxonomy, TaxonomyNode

#: Implication audiences, in report order.
IMPLICATION_KEYS = ("brands", "society", "consumers", "future")
#: Said when a trend matches no taxonomy entry, for the sections that come from the taxonomy.
UNMAPPED = "not stated: the trend matches no taxonomy entry (unmapped / novel)"


@dataclass(frozen=True)
class TrendFacts:
    """What the report says about a trend before enrichment: its name, keywords and time span."""

    label: str
    keywords: tuple[str, ...]
    size: int
    first_seen: str | None
    last_seen: str | None
    window: str | None = None
    lifecycle: str | None = None
    virality: float | None = None
    growth: float | None = None
    peak: str | None = None
    #: For a consumer trend of several sub trends: each sub trend's name and size, most viral first.
    sub_trends: tuple[tuple[str, int], ...] = ()

    def headline(self) -> str:
        """One sentence of the trend's signals: stage, virality, growth, span and peak."""
        parts = [f"“{self.label}”"]
        if self.lifecycle:
            parts.append(f"is {self.lifecycle} in the latest {self.window or 'window'}")
        numbers = []
        if self.virality is not None:
            numbers.append(f"virality {self.virality:.0f}/100")
        if self.growth is not None:
            numbers.append(f"×{self.growth:.1f} its share of the trailing windows")
        text = " ".join(parts) + (f" ({', '.join(numbers)})" if numbers else "")
        text += f"; {self.size} documents"
        if self.first_seen and self.last_seen:
            text += f" from {self.first_seen} to {self.last_seen}"
        return text + (f", largest share in {self.peak}." if self.peak else ".")


def enrich_trend(
    texts: Sequence[str],
    doc_ids: Sequence[str],
    centroid: np.ndarray,
    embedder: Embedder,
    facts: TrendFacts,
    *,
    placement: Placement | None = None,
    taxonomy: Taxonomy | None = None,
    group: TrendGroup | None = None,
    n_findings: int = 5,
    engagement: Sequence[Engagement | None] | None = None,
    members: TrendDocuments | None = None,
    n_read: int | None = None,
    n_scan: int = SCAN_DOCUMENTS,
    parts: Sequence[int] = (),
    consumer_drivers: Sequence[tuple[str, str]] = (),
) -> tuple[tuple[Evidence, ...], Insight]:
    """Detailed findings and the :class:`~trendlens.report.model.Insight` of one trend.

    Parameters
    ----------
    texts, doc_ids
        The trend's documents, most representative first.
    n_read, n_scan
        The first ``n_read`` documents (all when ``None``) are read for findings, brands and
        motivations; the first ``n_scan`` are scanned for drivers and audience, whose counts
        ("3 of 35 documents") are over the documents scanned (see :mod:`~trendlens.enrich.reading`).
    centroid
        The trend's unit direction in the embedding space of ``embedder``.
    facts
        Label, keywords, size and time span of the trend.
    placement, taxonomy
        Where the trend sits in the taxonomy (``None``: no taxonomy in use).
    group
        The consumer trend (merged sub trends) this trend belongs to.
    engagement
        Engagement of each of ``texts`` (``None`` where unknown).
    members
        Every document of the trend, most representative first: brands and their success
        factors are counted over them (default: ``texts`` with ``engagement``).
    parts
        For a consumer trend, the sub trend of each of ``texts``: what one sub trend is about is
        no driver of the whole.
    consumer_drivers
        For a sub trend, its consumer trend's drivers (cause, "N of M documents"): the sub trend reports
        one its own documents give, even fewer times than a driver of its own needs
        (:func:`~trendlens.enrich.drivers.group_causes`).
    """
    reading = read_trend(texts, doc_ids, n_read=n_read, n_scan=n_scan, n_informative=n_findings)
    sentences = reading.sentences
    own = facts.keywords + (group.keywords if group else ())  # the trend's own words, for its drivers
    vectors = np.asarray(embedder.encode([s.text for s in sentences]), dtype=np.float32) if sentences else None
    findings = detailed_findings(sentences, vectors, centroid, k=n_findings) if sentences else ()
    mapped = placement is not None and taxonomy is not None and placement.mapped
    leaf = taxonomy.nodes[placement.levels[0].node_id] if mapped else None
    path = taxonomy.path(leaf.id) if mapped else []

    def matched(field: str, min_documents: int = 1) -> tuple[Statement, ...]:
        if not mapped:
            return (Statement(UNMAPPED, "none"),)
        phrases = [
            (phrase, node_id)
            for node_id, _ in placement.candidates
            for phrase in getattr(taxonomy.nodes[node_id], field)
        ]
        found = match_phrases(phrases, sentences, vectors, embedder, min_documents=min_documents) if sentences else []
        if found:
            return tuple(Statement(m.phrase, "taxonomy", m.node_id, None, (m.evidence,)) for m in found)
        return tuple(Statement(phrase, "taxonomy", leaf.id) for phrase in getattr(leaf, field)) or (
            Statement(NOT_STATED, "none"),
        )

    takeaway = Statement(facts.headline(), "signals", evidence=findings[:1])
    span = f" between {facts.first_seen} and {facts.last_seen}" if facts.first_seen and facts.last_seen else ""
    main = Statement(
        f"{facts.size} documents{span}, most often about {', '.join(facts.keywords[:5])}.",
        "documents",
        title=facts.label,
        evidence=findings[:1],
    )
    if facts.sub_trends:
        listed = "; ".join(f"“{name}” ({size} documents)" for name, size in facts.sub_trends)
        sub = Statement(f"{len(facts.sub_trends)} sub trends: {listed}.", "documents", title=facts.label)
    else:
        sub = Statement(
            f"The fine cluster itself ({facts.size} documents)"
            + (
                f", one of {len(group.members)} sub trends of “{group.name}”."
                if group and len(group.members) > 1
                else "."
            ),
            "documents",
            title=facts.label,
            evidence=findings[1:3],
        )
    insight = Insight(
        takeaway=takeaway,
        main_trend=main,
        sub_trend=sub,
        consumer_trend=group,
        success_factors=brand_profiles(sentences, members or _documents(texts, doc_ids, engagement)),
        motivations=matched("motivations"),
        drivers=_drivers(
            document_drivers(
                reading.scan,
                embedder,
                exclude=own,
                names=(facts.label, *((group.name,) if group else ())),
                texts=texts[: reading.scanned],
                parts=parts[: reading.scanned],
                doc_ids=doc_ids[: reading.scanned],
                centroid=centroid,
                consumer=tuple(consumer_drivers),
            ),
            reading,
            matched("drivers", min_documents=2),
            facts.size,
        ),
        motivation_beyond=_beyond(path),
        audience=describe_audience(reading.scan, documents_read=reading.scanned, documents_total=facts.size),
        implications=_implications(path),
        strategies=_strategies(path),
    )
    return findings, insight


def _documents(
    texts: Sequence[str], doc_ids: Sequence[str], engagement: Sequence[Engagement | None] | None
) -> TrendDocuments:
    """The enriched documents as :class:`~trendlens.enrich.mentions.TrendDocuments`."""
    totals = tuple(e.total if e is not None else None for e in engagement) if engagement is not None else ()
    return TrendDocuments(tuple(texts), tuple(doc_ids), totals)


def _drivers(
    found: Sequence[Driver], reading: Reading, typical: tuple[Statement, ...], size: int = 0
) -> tuple[Statement, ...]:
    """Drivers the documents state (with counts) first, then the taxonomy's typical drivers in addition.

    A typical driver never leads: when the documents state no cause, the section says so first ("not
    stated in the sources") and lists the taxonomy's drivers after it (quoted where two documents echo
    them). The blind judgements of issue 20 found typical drivers that sentences resembled ("labour
    shortages" for pension news) wrong as the trend's driver far more often than right. A trend no
    taxonomy entry fits says "not stated in the sources" too: its documents were read all the same
    (run 9's judge read "the trend matches no taxonomy entry" as a driver step that hangs on the taxonomy).
    """
    stated = driver_statements(found, reading.scanned, size)
    if stated:
        return stated + tuple(s for s in typical if s.source != "none")
    if typical and typical[0].source == "taxonomy":
        return (Statement(NOT_STATED, "none"),) + typical
    return (Statement(NOT_STATED, "none"),)


def _beyond(path: Sequence[TaxonomyNode]) -> tuple[Statement, ...]:
    """The lasting need behind the trend: its social drive and worldwide social trend."""
    if not path:
        return (Statement(UNMAPPED, "none"),)
    return tuple(Statement(node.description, "taxonomy", node.id, node.name) for node in path[:2])


def _implications(path: Sequence[TaxonomyNode]) -> dict[str, tuple[Statement, ...]]:
    """Implications per audience from the consumer trend and its big social trend (most specific first)."""
    if not path:
        return {key: (Statement(UNMAPPED, "none"),) for key in IMPLICATION_KEYS}
    nodes = list(reversed(path))[:2]
    return {
        key: tuple(Statement(n.implications[key], "taxonomy", n.id) for n in nodes if n.implications.get(key))
        or (Statement(NOT_STATED, "none"),)
        for key in IMPLICATION_KEYS
    }


def _strategies(path: Sequence[TaxonomyNode], limit: int = 5) -> tuple[Statement, ...]:
    """Strategy recommendations of the consumer trend, then of its big social trend, without repeats."""
    if not path:
        return (Statement(UNMAPPED, "none"),)
    kept: list[set[str]] = []
    out = []
    for node in list(reversed(path))[:2]:
        for text in node.strategies:
            words = set(text.casefold().split())
            # near-repeats across levels ("offer products to relief groups" / "... relief efforts") are skipped
            if len(out) < limit and all(len(words & k) / len(words | k) < 0.6 for k in kept):
                kept.append(words)
                out.append(Statement(text, "taxonomy", node.id))
    return tuple(out) or (Statement(NOT_STATED, "none"),)
