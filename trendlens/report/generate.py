"""Plug a text generator (an LLM of your choice) into the report, keeping every statement's evidence.

trendlens writes its report offline and extractively: quoted sentences, taxonomy
text and computed signals. A :class:`Generator` may rewrite the wording of
chosen sections afterwards. Only the text changes: the evidence, the taxonomy
reference and the original text (``original``) stay in the report, and ``source`` becomes
``"generator:<name>"`` so a reader can tell rewritten text from quoted text.
Statements that say nothing was found ("not stated in the sources") are never
sent to the generator.

>>> class Shout:  # any object with ``name`` and ``rewrite`` fits
...     name = "shout"
...     def rewrite(self, section, text, evidence):
...         return text.upper()
>>> report.rewrite(Shout())  # doctest: +SKIP
"""

from __future__ import annotations

import importlib
from collections.abc import Iterable, Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from trendlens.errors import ConfigError
from trendlens.report.content import Evidence, Statement

if TYPE_CHECKING:
    from trendlens.report.content import Report

#: Sections a generator may rewrite (names of :class:`~trendlens.report.model.Insight` fields).
SECTIONS = ("takeaway", "main_trend", "motivations", "drivers", "motivation_beyond", "implications", "strategies")


@runtime_checkable
class Generator(Protocol):
    """Rewrites the text of one report statement.

    Attributes
    ----------
    name
        Short name recorded in each rewritten statement's ``source``.
    """

    name: str

    def rewrite(self, section: str, text: str, evidence: Sequence[Evidence]) -> str:
        """The new wording of ``text`` (a statement of ``section``), given the sentences that back it."""
        ...


class Extractive:
    """The default generator: keeps every text as it is (offline, deterministic)."""

    name = "extractive"

    def rewrite(self, section: str, text: str, evidence: Sequence[Evidence]) -> str:
        """``text`` unchanged."""
        return text


def load_generator(spec: str) -> Generator:
    """A generator from ``"package.module:name"``: a class or factory called without arguments, or an instance."""
    module_name, _, attr = spec.partition(":")
    if not module_name or not attr:
        raise ConfigError(f"generator {spec!r}: expected 'package.module:name'")
    try:
        target = getattr(importlib.import_module(module_name), attr)
    except (ImportError, AttributeError) as exc:
        raise ConfigError(f"generator {spec!r}: cannot import it ({exc})") from exc
    generator = target
    if isinstance(target, type) or not isinstance(target, Generator):
        if not callable(target):
            raise ConfigError(f"generator {spec!r} is neither a Generator nor a class or factory that makes one")
        try:
            generator = target()
        except Exception as exc:
            raise ConfigError(f"generator {spec!r}: making it failed ({type(exc).__name__}: {exc})") from exc
    if not isinstance(generator, Generator):
        raise ConfigError(f"generator {spec!r} has no 'name' and 'rewrite(section, text, evidence)'")
    return generator


def rewrite_report(report: Report, generator: Generator, sections: Iterable[str] = SECTIONS) -> Report:
    """A copy of ``report`` with the statements of ``sections`` reworded by ``generator``."""
    chosen = tuple(sections)
    unknown = sorted(set(chosen) - set(SECTIONS))
    if unknown:
        raise ConfigError(f"cannot rewrite {', '.join(unknown)}; sections: {', '.join(SECTIONS)}")
    if not isinstance(generator, Generator):
        raise ConfigError(f"{generator!r} is not a Generator: it needs 'name' and 'rewrite(section, text, evidence)'")
    trends = []
    for trend in report.trends:
        if trend.insight is None:
            trends.append(trend)
            continue
        changes = {name: _rewrite_field(getattr(trend.insight, name), name, trend.id, generator) for name in chosen}
        trends.append(replace(trend, insight=replace(trend.insight, **changes)))
    return replace(report, trends=tuple(trends))


def _rewrite_field(value: object, section: str, trend: int, generator: Generator) -> object:
    if isinstance(value, Statement):
        return _rewrite(value, section, trend, generator)
    if isinstance(value, dict):
        return {key: _rewrite_field(v, f"{section}.{key}", trend, generator) for key, v in value.items()}
    return tuple(_rewrite(s, section, trend, generator) for s in value)  # type: ignore[union-attr]


def _rewrite(statement: Statement, section: str, trend: int, generator: Generator) -> Statement:
    if statement.source == "none":
        return statement
    text = generator.rewrite(section, statement.text, statement.evidence)
    if not isinstance(text, str) or not text.strip():
        raise ConfigError(
            f"generator {generator.name!r} returned {text!r} for section {section!r} of trend {trend}; "
            "it must return non-empty text"
        )
    original = statement.original if statement.original is not None else statement.text
    return replace(statement, text=text.strip(), source=f"generator:{generator.name}", original=original)


__all__ = ["SECTIONS", "Extractive", "Generator", "load_generator", "rewrite_report"]
