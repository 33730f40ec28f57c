"""Frozen dataclasses that hold a finished trend report, and their (de)serialisation."""

from __future__ import annotations

import json
import math
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from trendlens._io import atomic_write_text
from trendlens.errors import ConfigError

if TYPE_CHECKING:
    import pandas as pd

#: Version of the JSON layout written by :meth:`TrendReport.to_json`.
SCHEMA_VERSION = "2.2"


@dataclass(frozen=True)
class Example:
    """A representative document of a trend."""

    doc_id: str
    text: str
    timestamp: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class WindowCount:
    """A trend in one time window: documents, share of all documents, and the signals of that window."""

    window: str
    count: int
    share: float
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
class HierarchyLevel:
    """Where a trend sits on one level of the taxonomy (``node_id=None``: unmapped / novel)."""

    level: str
    node_id: str | None
    name: str
    confidence: float


@dataclass(frozen=True)
class Trend:
    """One detected trend (a cluster of documents) with its evidence and time signal."""

    id: int
    label: str
    keywords: tuple[str, ...]
    size: int
    share: float
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
    components: dict[str, float] = field(default_factory=dict)
    onset: str | None = None
    peak: str | None = None
    hierarchy: tuple[HierarchyLevel, ...] = ()
    findings: tuple[Evidence, ...] = ()
    examples: tuple[Example, ...] = ()
    series: tuple[WindowCount, ...] = ()


@dataclass(frozen=True)
class CorpusSummary:
    """What went in: counts after validation and de-duplication, and the time span."""

    origin: str
    n_documents: int
    n_duplicates: int
    n_outliers: int
    start: str | None
    end: str | None


@dataclass(frozen=True)
class TrendReport:
    """A finished report; render it with :meth:`to_markdown` / :meth:`to_json`, or save it."""

    created: str
    corpus: CorpusSummary
    window: str
    params: dict[str, Any] = field(default_factory=dict)
    trends: tuple[Trend, ...] = ()
    schema_version: str = SCHEMA_VERSION

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-compatible dict (non-finite floats become ``None``)."""
        return _finite(asdict(self))

    def to_json(self, indent: int | None = 2) -> str:
        """The report as JSON text (schema version in ``schema_version``)."""
        return json.dumps(self.to_dict(), indent=indent, ensure_ascii=False)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TrendReport:
        """Rebuild a report from :meth:`to_dict` output."""
        version = str(data.get("schema_version", ""))
        if version.split(".")[0] != SCHEMA_VERSION.split(".")[0]:
            raise ConfigError(f"report schema version {version!r} is not readable by this trendlens ({SCHEMA_VERSION})")
        trends = tuple(
            Trend(
                **{
                    **t,
                    "keywords": tuple(t["keywords"]),
                    "components": dict(t.get("components") or {}),
                    "hierarchy": tuple(HierarchyLevel(**h) for h in t.get("hierarchy") or ()),
                    "findings": tuple(Evidence(**f) for f in t.get("findings") or ()),
                    "examples": tuple(Example(**e) for e in t["examples"]),
                    "series": tuple(WindowCount(**w) for w in t["series"]),
                }
            )
            for t in data["trends"]
        )
        return cls(
            created=data["created"],
            corpus=CorpusSummary(**data["corpus"]),
            window=data["window"],
            params=dict(data.get("params", {})),
            trends=trends,
            schema_version=version,
        )

    @classmethod
    def load(cls, path: str | Path) -> TrendReport:
        """Read a report saved as ``report.json``."""
        try:
            data = json.loads(Path(path).read_text(encoding="utf-8"))
        except OSError as exc:
            raise ConfigError(f"{path}: cannot read the report ({exc.strerror or exc})") from exc
        except json.JSONDecodeError as exc:
            raise ConfigError(f"{path}: not a JSON report ({exc.msg}, line {exc.lineno})") from exc
        return cls.from_dict(data)

    def to_markdown(self) -> str:
        """The report as Markdown."""
        from trendlens.report.markdown import render_markdown

        return render_markdown(self)

    def to_html(self) -> str:
        """The report as one self-contained HTML page, every text escaped."""
        from trendlens.report.html import render_html

        return render_html(self)

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

    def save(self, out_dir: str | Path) -> dict[str, Path]:
        """Write ``report.json``, ``report.md`` and ``report.html`` into ``out_dir`` (each atomically)."""
        out = Path(out_dir)
        out.mkdir(parents=True, exist_ok=True)
        paths = {"json": out / "report.json", "markdown": out / "report.md", "html": out / "report.html"}
        atomic_write_text(paths["json"], self.to_json())
        atomic_write_text(paths["markdown"], self.to_markdown())
        atomic_write_text(paths["html"], self.to_html())
        return paths


def _finite(value: Any) -> Any:
    if isinstance(value, float) and not math.isfinite(value):
        return None
    if isinstance(value, dict):
        return {k: _finite(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_finite(v) for v in value]
    return value
