"""The analyst's sections of a trend as plain items, so Markdown and HTML render the same content.

:func:`insight_sections` turns a :class:`~trendlens.report.model.Trend` into an
ordered list of :class:`Section` objects, one per section of the analyst's
report; each :class:`Item` carries its citations (document ids or taxonomy
ids). Renderers only decide the markup.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trendlens.report.content import (
    NOT_STATED,
    CorpusSummary,
    EntityFactors,
    Evidence,
    HierarchyLevel,
    ProposedNode,
    ReportContent,
    Statement,
    Trend,
)

#: Display names of the hierarchy levels.
LEVEL_NAMES = {
    "consumer_trend": "Consumer trend",
    "big_social_trend": "Big social trend",
    "worldwide_social_trend": "Worldwide social trend",
    "social_drive": "Social drive",
}
#: Display names of the audience facets and implication audiences.
#: Said instead of the trend table when clustering found no trend at all.
NO_TRENDS = (
    "No trends found: no group of documents was large and dense enough. With few documents, "
    "lower the minimum cluster size (--min-cluster-size, TrendDetector(topics={'min_cluster_size': ...})) "
    "or add documents."
)

#: How a factor group is titled, by its kind.
FACTOR_TITLES = {
    "adoption": "people {}",
    "liking": "people {}",
    "leaving": "people {}",
    "description": "{}",
    "success": "success cue “{}”",
}
FACET_NAMES = {"age": "Age", "gender": "Gender", "income": "Income", "lifestyle": "Lifestyle"}
IMPLICATION_NAMES = {
    "brands": "Implications for brands",
    "society": "Implications for society",
    "consumers": "Implications for consumers",
    "future": "Implications for the future",
}


@dataclass(frozen=True)
class Item:
    """One bullet: optional bold title, text, citations, nested bullets."""

    text: str
    title: str | None = None
    cite: tuple[str, ...] = ()
    children: tuple[Item, ...] = ()


@dataclass(frozen=True)
class Section:
    """A titled list of items."""

    title: str
    items: tuple[Item, ...]


def _quote(evidence: Evidence) -> Item:
    return Item(f"“{evidence.text}”", cite=(evidence.doc_id,))


def _statement(statement: Statement, *, unstated_note: bool = False, kind: str | None = None) -> Item:
    """A statement as an item: its evidence nested and cited, taxonomy text cited by node id.

    ``kind`` ("driver", "motivation"): a taxonomy statement is labelled "typical <kind> from the
    taxonomy", so it never reads as something the documents say.
    """
    typical = f"Typical {kind} from the taxonomy" if kind and statement.source == "taxonomy" else None
    if statement.evidence:
        if len(statement.evidence) == 1 and statement.evidence[0].text == statement.text:
            # said once, in so many words: the quote, still under its title ("the writer's own reason (1 of ...)")
            ev = statement.evidence[0]
            return Item(f"“{ev.text}”", statement.title, (ev.doc_id,))
        if len(statement.evidence) == 1 and statement.source == "taxonomy":
            ev = statement.evidence[0]
            title = f"{typical}: {statement.text}" if typical else statement.text
            return Item(f"“{ev.text}”", title, (ev.doc_id,) + _ref(statement))
        return Item(statement.text, statement.title, _ref(statement), tuple(_quote(e) for e in statement.evidence))
    text = statement.text
    if unstated_note and statement.source == "taxonomy":
        text = f"{text} — {NOT_STATED}; from the taxonomy entry"
    return Item(text, typical or statement.title, _ref(statement))


def _ref(statement: Statement) -> tuple[str, ...]:
    if statement.source.startswith("generator:"):
        return (f"rewritten by {statement.source.removeprefix('generator:')}",) + (
            (f"taxonomy {statement.ref}",) if statement.ref else ()
        )
    return (f"taxonomy {statement.ref}",) if statement.ref else ()


def _statements(
    statements: Sequence[Statement], *, unstated_note: bool = False, kind: str | None = None
) -> tuple[Item, ...]:
    return tuple(_statement(s, unstated_note=unstated_note, kind=kind) for s in statements) or (Item(NOT_STATED),)


#: The sections a sub trend shows inside its consumer trend: what its own documents say and where it sits.
#: The rest (motivations, implications, strategies) come from the taxonomy and are said once, for the
#: consumer trend.
SUB_TREND_SECTIONS = frozenset(
    {
        "Detailed findings",
        "Key takeaway",
        "Key success factors of brands and products mentioned",
        "What is driving the trend",
        "Description of consumers",
        "Consumer sub trend",
        "Consumer trend",
    }
)


def insight_sections(trend: Trend, nested: bool = False) -> list[Section]:
    """The analyst's sections of ``trend`` in report order (empty when the trend has no insight).

    ``nested``: only :data:`SUB_TREND_SECTIONS`, for a sub trend shown inside its consumer trend.
    """
    sections = _all_sections(trend)
    return [s for s in sections if s.title in SUB_TREND_SECTIONS] if nested else sections


def _all_sections(trend: Trend) -> list[Section]:
    ins = trend.insight
    if ins is None:
        return []
    findings = tuple(_quote(f) for f in trend.findings) or (Item(NOT_STATED),)
    brands = tuple(_entity_item(e) for e in ins.success_factors) or (
        Item(f"no brand, product, platform or organisation named in two or more documents; {NOT_STATED}"),
    )
    audience = tuple(
        Item(
            a.summary,
            FACET_NAMES.get(a.facet, a.facet),
            children=tuple(_quote(e) for e in a.evidence),
        )
        for a in ins.audience
    ) or (Item(NOT_STATED),)
    sections = [
        Section("Detailed findings", findings),
        Section("Key takeaway", (_statement(ins.takeaway),)),
        Section("Key success factors of brands and products mentioned", brands),
        Section("Main trend", (_statement(ins.main_trend),)),
        Section("Consumer motivation", _statements(ins.motivations, unstated_note=True, kind="motivation")),
        Section("What is driving the trend", _statements(ins.drivers, unstated_note=True, kind="driver")),
        Section("Motivation beyond the trend", _statements(ins.motivation_beyond)),
        Section("Description of consumers", audience),
    ]
    sections += [Section(title, _statements(ins.implications.get(key, ()))) for key, title in IMPLICATION_NAMES.items()]
    sections.append(Section("Consumer trend", (_group_item(trend),)))
    sections.append(Section("Consumer sub trend", (_statement(ins.sub_trend),)))
    for level in trend.hierarchy:
        if level.level == "consumer_trend":
            continue
        sections.append(Section(LEVEL_NAMES.get(level.level, level.level), (_level_item(level),)))
    sections.append(Section("Strategy recommendations", _statements(ins.strategies)))
    return sections


def _entity_item(entity: EntityFactors) -> Item:
    """An entity: kind, documents, engagement and other spellings; its factor groups (or quotes) nested."""
    text = f"{entity.kind}, named in {many(entity.documents, 'document')}"
    if entity.engagement is not None:
        text += f" (engagement {entity.engagement:,}: likes + shares + comments)"
    if entity.aliases:
        text += "; also written " + ", ".join(entity.aliases)
    children = tuple(
        Item(
            many(g.documents, "document") + (f", engagement {g.engagement:,}" if g.engagement is not None else ""),
            FACTOR_TITLES.get(g.kind, "{}").format(g.label),
            children=tuple(_quote(e) for e in g.evidence),
        )
        for g in entity.groups
    )
    children = children or tuple(_quote(f) for f in entity.factors) or (Item(f"success factors {NOT_STATED}"),)
    return Item(text, entity.name, children=children)


def _level_item(level: HierarchyLevel) -> Item:
    if level.node_id is None:
        proposal = (_proposal_item(level.proposed),) if level.proposed is not None else ()
        return Item("unmapped / novel: no entry of the taxonomy describes this trend", children=proposal)
    return Item(
        level.description or level.name,
        f"{level.name} (confidence {level.confidence:.2f})",
        (f"taxonomy {level.node_id}",),
    )


def _proposal_item(proposed: ProposedNode) -> Item:
    """A proposed node, marked as a proposal and citing the existing parent it would sit under."""
    level = LEVEL_NAMES.get(proposed.level, proposed.level).lower()
    where = (
        f"under the big social trend {proposed.parent_name} (similarity {proposed.parent_similarity:.2f})"
        if proposed.parent_id
        else "no big social trend of the taxonomy is close enough to hold it"
    )
    return Item(
        f"“{proposed.name}” (from the {proposed.basis}), {where}",
        f"Proposed new {level} — a proposal, not part of the taxonomy",
        (f"taxonomy {proposed.parent_id}",) if proposed.parent_id else (),
    )


def _group_item(trend: Trend) -> Item:
    group = trend.insight.consumer_trend if trend.insight else None
    placed = group.hierarchy if group is not None and group.hierarchy else trend.hierarchy
    closest = next((h for h in placed if h.level == "consumer_trend"), None)
    children = []
    if closest is not None:
        children.append(
            _level_item(closest)
            if closest.node_id is None
            else Item(
                closest.description,
                f"Closest taxonomy consumer trend: {closest.name} (confidence {closest.confidence:.2f})",
                (f"taxonomy {closest.node_id}",),
            )
        )
    if group is None:
        return Item("this trend alone", trend.label, children=tuple(children))
    parts = (
        f"{len(group.members)} sub trends (trend ids {', '.join(map(str, group.members))})"
        if len(group.members) > 1
        else "this sub trend only: no other trend is close enough to merge with it"
    )
    text = f"{group.size} documents in {parts}; keywords: {', '.join(group.keywords[:8])}"
    return Item(text, group.name, children=tuple(children))


def summary_sentences(report: ReportContent, origin: str) -> str:
    """The report's opening lines: the corpus (``origin`` as the renderer marks it up), what is in no
    trend, how many trends, when it was made. How trends are ranked is the report's "Ranking" line."""
    c = report.corpus
    span = f"{c.start[:10]} to {c.end[:10]}" if c.start and c.end else "no timestamps"
    return (
        f"Corpus {origin}: {many(c.n_documents, 'document')} ({span}); "
        f"{many(c.n_duplicates, 'exact duplicate')} dropped; "
        f"{near_duplicates_note(c)}{many(c.n_outliers, 'document')} in no trend. "
        f"{many(len(report.consumer_trends), 'consumer trend')} made of {many(len(report.trends), 'sub trend')}. "
        f"Generated {report.created} (report schema {report.schema_version})."
    )


def many(n: int, noun: str) -> str:
    """ "1 consumer trend", "7 sub trends"."""
    return f"{n} {noun}{'' if n == 1 else 's'}"


def near_duplicates_note(corpus: CorpusSummary) -> str:
    """ "N near-duplicates counted as one voice; " (empty when there are none)."""
    n = corpus.n_near_duplicates
    if not n:
        return ""
    from trendlens.topics.duplicates import NEAR_DUPLICATE_SIMILARITY

    return (
        f"{many(n, 'near-duplicate')} (cosine ≥ {NEAR_DUPLICATE_SIMILARITY}) clustered with the text "
        "they copy and counted as its voice; "
    )
