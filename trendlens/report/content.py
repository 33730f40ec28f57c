"""What a finished trend report holds: frozen dataclasses and their JSON round trip.

:class:`ReportContent` is the report's data; :class:`~trendlens.report.model.TrendReport` adds the
renderers (Markdown, HTML, saving), which read this module and nothing above it.
"""

from __future__ import annotations

import functools
import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

from trendlens.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

#: The class :meth:`ReportContent.from_dict` and :meth:`ReportContent.load` build (``TrendReport``).
Report = TypeVar("Report", bound="ReportContent")

#: Version of the JSON layout written by :meth:`TrendReport.to_json`.
SCHEMA_VERSION = "2.9"


class _OrNull:
    """pydantic reads the float it marks from a number or from null (how report.json writes NaN and ±inf)."""

    def __get_pydantic_core_schema__(self, source: Any, handler: Any) -> Any:
        from pydantic_core import core_schema

        return core_schema.nullable_schema(handler(source))


#: A float of the report that :meth:`~ReportContent.to_dict` writes as null when it is not finite (NaN, ±inf),
#: and :meth:`~ReportContent.from_dict` reads back as ``None``. Every float field is a ``Number`` or ``float | None``.
Number = Annotated[float, _OrNull()]


@dataclass(frozen=True)
class Example:
    """A representative document of a trend."""

    doc_id: str
    text: str
    timestamp: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class MapPoint:
    """One document on the report's document map: where it is drawn, its trend (-1: none), its text's start."""

    doc_id: str
    x: Number
    y: Number
    trend: int
    text: str


@dataclass(frozen=True)
class WindowCount:
    """A trend in one time window: documents, share of all documents, and the signals of that window."""

    window: str
    count: int
    share: Number
    growth: float | None = None
    p_value: float | None = None
    burst: bool = False
    virality: float | None = None
    lifecycle: str | None = None


@dataclass(frozen=True)
class Evidence:
    """A sentence taken verbatim from a document, with that document's id."""

    text: str
    doc_id: str


@dataclass(frozen=True)
class ProposedNode:
    """A new taxonomy node proposed for a trend no consumer trend of the taxonomy fits: a proposal, not a node.

    Attributes
    ----------
    name
        The proposed name, drawn from the trend (``basis``: ``"trend name"`` or ``"keywords"``).
    level
        The level it would sit on (``"consumer_trend"``).
    parent_id, parent_name
        The existing big social trend it would sit under; ``None`` and ``""`` when none is close enough.
    parent_similarity
        The trend's similarity to that big social trend's closest consumer trend.
    basis
        What the name was drawn from.
    """

    name: str
    level: str
    parent_id: str | None
    parent_name: str
    parent_similarity: Number
    basis: str


@dataclass(frozen=True)
class HierarchyLevel:
    """Where a trend sits on one level of the taxonomy (``node_id=None``: unmapped / novel).

    ``proposed`` (consumer trend level only) is the new node suggested when no consumer trend fits.
    """

    level: str
    node_id: str | None
    name: str
    confidence: Number
    description: str = ""
    proposed: ProposedNode | None = None


#: Said wherever the documents hold nothing for a section.
NOT_STATED = "not stated in the sources"


@dataclass(frozen=True)
class Statement:
    """One point of a report section: what is said, where it comes from, and the sentences that back it.

    ``source`` is ``"documents"`` (quoted from the corpus), ``"taxonomy"`` (the
    entry ``ref`` of the taxonomy), ``"signals"`` (computed from the time series),
    ``"none"`` (nothing found: the text says so) or ``"generator:<name>"`` (rewritten
    by a :class:`~trendlens.report.generate.Generator`; evidence kept, the text before
    rewriting in ``original``).
    """

    text: str
    source: str
    ref: str | None = None
    title: str | None = None
    evidence: tuple[Evidence, ...] = ()
    original: str | None = None


@dataclass(frozen=True)
class FactorGroup:
    """One thing people say they do with or like about an entity, with its documents, engagement and quotes.

    Attributes
    ----------
    label
        The cue the statements share: a verb ("join", "switch to", "love"), "described as <word>",
        or a success cue of news ("subscribers", "record").
    kind
        ``"adoption"``, ``"liking"``, ``"description"``, ``"success"`` or ``"leaving"``.
    documents
        Number of documents making such a statement about the entity.
    engagement
        Likes + shares + comments of those documents (``None``: the source has no counts).
    evidence
        The most engaged of those sentences, verbatim with their document id.
    """

    label: str
    kind: str
    documents: int
    engagement: int | None = None
    evidence: tuple[Evidence, ...] = ()


@dataclass(frozen=True)
class EntityFactors:
    """A brand, product, platform or organisation named in a trend, and what people say they do with or like about it.

    Attributes
    ----------
    name
        Its most common spelling (no leading article, no possessive).
    kind
        ``"platform"`` (the documents speak of being on, joining or leaving it), ``"organisation"`` or
        ``"product"`` (the label spaCy gives it most often).
    documents
        Number of the trend's documents naming it in any form (word, hashtag, @handle, alias).
    factors
        The quoted sentences of ``groups``, in group order, verbatim with their document id.
    aliases
        Other forms naming it in the documents (case variants, hashtags, handles, abbreviations, a
        name in another script, a former name), most frequent first.
    engagement
        Likes + shares + comments of the documents naming it (``None``: the source has no counts).
    groups
        Key success factors: statements grouped by cue, largest first; empty when no document says
        what people do with it or like about it.
    """

    name: str
    kind: str
    documents: int
    factors: tuple[Evidence, ...] = ()
    aliases: tuple[str, ...] = ()
    engagement: int | None = None
    groups: tuple[FactorGroup, ...] = ()


@dataclass(frozen=True)
class AudienceFacet:
    """One facet of the audience (age, gender, income, lifestyle) as the documents state it.

    Attributes
    ----------
    facet
        ``"age"``, ``"gender"``, ``"income"`` or ``"lifestyle"``.
    values
        Normalised cue names, stated by most documents first; empty when no value has enough support.
    evidence
        Sentences, verbatim with their document id, that name the values.
    documents
        For each value, the documents that name it (empty in reports written before schema 2.5).
    documents_read
        Documents read for the facet: the denominator of each value's prevalence (0: not recorded).
    documents_total
        Documents of the trend, when more than were read (0: all were read, or a report before schema 2.9).
    """

    facet: str
    values: tuple[str, ...] = ()
    evidence: tuple[Evidence, ...] = ()
    documents: tuple[int, ...] = ()
    documents_read: int = 0
    documents_total: int = 0

    @property
    def stated(self) -> bool:
        """Whether the documents state this facet."""
        return bool(self.values)

    @property
    def summary(self) -> str:
        """The values with their prevalence ("Gen Z (3 of 35 documents)"), or :data:`NOT_STATED`."""
        if not self.values:
            return NOT_STATED
        if len(self.documents) != len(self.values) or not self.documents_read:
            return ", ".join(self.values)
        return ", ".join(
            f"{value} ({share_of(count, self.documents_read, self.documents_total)})"
            for value, count in zip(self.values, self.documents)
        )


def share_of(count: int, read: int, total: int = 0) -> str:
    """How many of the documents read state something: "3 of 35 documents", or, when the trend has more
    documents than were read, "1 of 500 documents read, of 707" (a reader took "1 of 500" for the trend's size)."""
    if total > read:
        return f"{count} of {read} documents read, of {total}"
    return f"{count} of {read} documents"


@dataclass(frozen=True)
class TrendGroup:
    """A consumer trend found in the data: related sub trends (clusters) merged under one name.

    ``hierarchy`` places the merged group itself in the taxonomy (empty for a group of one
    sub trend: its placement is the trend's own).
    """

    id: int
    name: str
    keywords: tuple[str, ...]
    members: tuple[int, ...]
    size: int
    hierarchy: tuple[HierarchyLevel, ...] = ()


@dataclass(frozen=True)
class Insight:
    """The analyst's sections of one trend, each statement traced to documents, taxonomy or signals."""

    takeaway: Statement
    main_trend: Statement
    sub_trend: Statement
    consumer_trend: TrendGroup | None = None
    success_factors: tuple[EntityFactors, ...] = ()
    motivations: tuple[Statement, ...] = ()
    drivers: tuple[Statement, ...] = ()
    motivation_beyond: tuple[Statement, ...] = ()
    audience: tuple[AudienceFacet, ...] = ()
    implications: dict[str, tuple[Statement, ...]] = field(default_factory=dict)
    strategies: tuple[Statement, ...] = ()


@dataclass(frozen=True)
class Trend:
    """One detected trend (a cluster of documents) with its evidence and time signal."""

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    share: Number
    first_seen: str | None
    last_seen: str | None
    virality: float | None = None
    lifecycle: str | None = None
    growth: float | None = None
    p_value: float | None = None
    burst: bool = False
    acceleration: float | None = None
    engagement: float | None = None
    reach: float | None = None
    novelty: float | None = None
    components: dict[str, Number] = field(default_factory=dict)
    onset: str | None = None
    peak: str | None = None
    hierarchy: tuple[HierarchyLevel, ...] = ()
    findings: tuple[Evidence, ...] = ()
    examples: tuple[Example, ...] = ()
    series: tuple[WindowCount, ...] = ()
    insight: Insight | None = None


@dataclass(frozen=True)
class ConsumerTrend(Trend):
    """A consumer trend found in the data: related sub trends merged, with its own signals and sections.

    Every field of :class:`Trend` describes the consumer trend as a whole (its documents'
    time series, virality, placement, findings and insight); ``members`` are the ids of its
    sub trends in this report, most viral first, and ``n_members`` how many it has in all.
    """

    members: tuple[int, ...] = ()
    n_members: int = 0


@dataclass(frozen=True)
class CorpusSummary:
    """What went in: counts after validation and de-duplication, and the time span.

    ``n_near_duplicates``: documents clustered as a near-duplicate of another (kept, counted
    once for reach; ``TrendDetector.near_duplicates_``).
    """

    origin: str
    n_documents: int
    n_duplicates: int
    n_outliers: int
    start: str | None
    end: str | None
    n_near_duplicates: int = 0


@dataclass(frozen=True)
class ReportContent:
    """The data of a finished report (:class:`~trendlens.report.model.TrendReport` renders and saves it)."""

    created: str
    corpus: CorpusSummary
    window: str
    params: dict[str, Any] = field(default_factory=dict)
    trends: tuple[Trend, ...] = ()
    schema_version: str = SCHEMA_VERSION
    document_map: tuple[MapPoint, ...] = ()
    consumer_trends: tuple[ConsumerTrend, ...] = ()
    ranking: str | None = None

    def sub_trends(self, consumer_trend: ConsumerTrend) -> tuple[Trend, ...]:
        """The sub trends of ``consumer_trend`` that this report holds, in the consumer trend's order."""
        by_id = {t.id: t for t in self.trends}
        return tuple(by_id[m] for m in consumer_trend.members if m in by_id)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict (non-finite floats become ``None``)."""
        return _finite(asdict(self))

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (schema version in ``schema_version``)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls: type[Report], data: dict[str, Any]) -> Report:
        """Rebuild a report from :meth:`to_dict` output, every field checked against its annotation.

        pydantic reads it in strict JSON mode, so a hand-edited or hostile report.json cannot put
        markup where a number or an id belongs (a bool is no count, a string no number); the first
        wrong field is named in the :class:`~trendlens.errors.ConfigError`. Keys the report
        dataclasses do not have (from a later minor version) are ignored.
        """
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ConfigError(f"report schema version {version!r} is not readable by this trendlens ({SCHEMA_VERSION})")
        try:
            return pydantic_adapter(cls).validate_json(json.dumps(data), strict=True)
        except (TypeError, ValueError) as exc:  # pydantic's ValidationError is a ValueError
            raise ConfigError(f"not a trendlens report of schema {version}: {_problem(exc)}") from exc

    @classmethod
    def load(cls: type[Report], path: str | Path) -> Report:
        """Read a report saved as ``report.json``.

        pydantic reads the text once; only a report it refuses (or of another major version) is parsed
        again, to name the problem as :meth:`from_dict` does.
        """
        try:
            text = Path(path).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the report ({exc.strerror or exc})") from exc
        try:
            report = pydantic_adapter(cls).validate_json(text, strict=True)
        except ValueError:  # pydantic's ValidationError: the messages below say what is wrong
            pass
        else:
            if report.schema_version.split(".")[0] == SCHEMA_VERSION.split(".")[0]:
                return report
        try:
            data = json.loads(text)
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not a JSON report ({exc.msg}, line {exc.lineno})") from exc
        except RecursionError:
            raise ConfigError(f"{path}: not a trendlens report (JSON nested too deeply to read)") from None
        return cls.from_dict(data)

    def to_frame(self) -> pd.DataFrame:
        """One row per trend: id, label, size, share, virality, lifecycle, growth, first/last seen, top example."""
        import pandas as pd

        return pd.DataFrame(
            [
                {
                    "trend": t.id,
                    "label": t.label,
                    "size": t.size,
                    "share": t.share,
                    "virality": t.virality,
                    "lifecycle": t.lifecycle,
                    "growth": t.growth,
                    "first_seen": t.first_seen,
                    "last_seen": t.last_seen,
                    "example": t.examples[0].text if t.examples else None,
                }
                for t in self.trends
            ]
        )


@functools.cache
def pydantic_adapter(cls: type) -> Any:
    """pydantic's ``TypeAdapter`` of the report class ``cls``: reads reports, gives their JSON Schema.

    Built on first use, so that pydantic is imported only when a report is read or its schema written.
    """
    from pydantic import TypeAdapter

    return TypeAdapter(cls)


#: pydantic's error types, as the annotation the value should have had.
_EXPECTED = {
    "int_type": "int",
    "float_type": "float",
    "string_type": "str",
    "bool_type": "bool",
    "tuple_type": "a list",
    "dict_type": "an object",
    "dataclass_type": "an object",
}


def _problem(exc: Exception) -> str:
    """The first problem of a pydantic ``ValidationError``, by field: ``trends[0].size: expected int, got str '…'``."""
    if not hasattr(exc, "errors"):  # json.dumps refused the data: not JSON
        return f"{type(exc).__name__} {exc}"
    error = exc.errors(include_url=False)[0]
    where = "".join(f"[{key}]" if isinstance(key, int) else f".{key}" for key in error["loc"]).lstrip(".")
    if error["type"] not in _EXPECTED:
        return f"{where or 'report'}: {error['msg'].lower()}"
    value = error["input"]
    got = "null" if value is None else type(value).__name__
    if isinstance(value, (str, int, float)):  # bool too
        got += f" {str(value)[:40]!r}"
    return f"{where or 'report'}: expected {_EXPECTED[error['type']]}, got {got}"


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
