"""Generators reword chosen report sections and keep the evidence: library calls and `trendlens report --generator`."""

from __future__ import annotations

import json
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace

import pytest
from jsonschema import Draft202012Validator

from trendlens.cli import main
from trendlens.errors import ConfigError
from trendlens.report.generate import SECTIONS, Extractive, Generator, load_generator, rewrite_report
from trendlens.report.model import NOT_STATED, Insight, Statement, TrendReport
from trendlens.report.schema import json_schema


class Upper:
    """Upper-cases every text and records what it was asked."""

    name = "upper"

    def __init__(self) -> None:
        self.calls: list[tuple[str, str, tuple]] = []

    def rewrite(self, section, text, evidence):
        self.calls.append((section, text, tuple(evidence)))
        return text.upper()


class EmptyFor:
    """Returns ``empty`` for one section, the text unchanged elsewhere."""

    name = "empty-for"

    def __init__(self, section: str, empty: object = "") -> None:
        self.section, self.empty = section, empty

    def rewrite(self, section, text, evidence):
        return self.empty if section == self.section else text


def statements(insight: Insight, section: str) -> list[tuple[str, Statement]]:
    """``(section name as the generator sees it, statement)`` of one section, in order."""
    value = getattr(insight, section)
    if isinstance(value, Statement):
        return [(section, value)]
    if isinstance(value, dict):
        return [(f"{section}.{key}", s) for key, group in value.items() for s in group]
    return [(section, s) for s in value]


def pairs(old: TrendReport, new: TrendReport, sections=SECTIONS) -> Iterator[tuple[str, Statement, Statement]]:
    assert [t.id for t in old.trends] == [t.id for t in new.trends]
    for before, after in zip(old.trends, new.trends):
        for section in sections:
            olds, news = statements(before.insight, section), statements(after.insight, section)
            assert [name for name, _ in olds] == [name for name, _ in news]
            for (name, a), (_, b) in zip(olds, news):
                yield name, a, b


@pytest.fixture(scope="module")
def report(fitted) -> TrendReport:
    """The top 3 trends of the real fit; the first trend's motivations get a "nothing found" statement in front."""
    real = fitted.report(top=3)
    assert all(t.insight is not None for t in real.trends)
    first = real.trends[0]
    unstated = Statement(NOT_STATED, "none")
    insight = replace(first.insight, motivations=(unstated, *first.insight.motivations))
    return replace(real, trends=(replace(first, insight=insight), *real.trends[1:]))


@pytest.fixture(scope="module")
def upper(report) -> tuple[TrendReport, Upper]:
    generator = Upper()
    return report.rewrite(generator), generator


@pytest.mark.slow
def test_rewritten_statements_keep_evidence_ref_and_original(report, upper):
    rewritten, _ = upper
    seen_sources: set[str] = set()
    with_evidence = 0
    for _, old, new in pairs(report, rewritten):
        seen_sources.add(old.source)
        if old.source == "none":
            assert new == old
            continue
        with_evidence += bool(old.evidence)
        assert new.source == "generator:upper"
        assert new.text == old.text.upper() and new.text != old.text
        assert new.original == old.text
        assert (new.evidence, new.ref, new.title) == (old.evidence, old.ref, old.title)
    assert {"none", "taxonomy", "documents", "signals"} <= seen_sources  # every kind of statement was exercised
    assert with_evidence >= 2


@pytest.mark.slow
def test_generator_sees_each_statement_with_its_evidence(report, upper):
    _, generator = upper
    expected = [(name, old.text, old.evidence) for name, old, _ in pairs(report, report) if old.source != "none"]
    assert generator.calls == expected
    assert NOT_STATED not in [text for _, text, _ in generator.calls]
    assert any(name.startswith("implications.") for name, _, _ in generator.calls)


@pytest.mark.slow
def test_only_the_insight_sections_change(report, upper):
    rewritten, _ = upper
    assert (rewritten.created, rewritten.corpus, rewritten.window, rewritten.params) == (
        report.created,
        report.corpus,
        report.window,
        report.params,
    )
    for before, after in zip(report.trends, rewritten.trends):
        assert replace(after, insight=None) == replace(before, insight=None)
        for field in ("sub_trend", "consumer_trend", "success_factors", "audience"):
            assert getattr(after.insight, field) == getattr(before.insight, field)


@pytest.mark.slow
def test_sections_not_chosen_are_untouched(report):
    chosen = ("motivations", "implications")
    rewritten = report.rewrite(Upper(), sections=chosen)
    assert all(
        new.source == "generator:upper" for _, old, new in pairs(report, rewritten, chosen) if old.source != "none"
    )
    others = tuple(s for s in SECTIONS if s not in chosen)
    assert all(new == old for _, old, new in pairs(report, rewritten, others))
    assert rewrite_report(report, Upper(), sections=()) == report


@pytest.mark.slow
def test_rewriting_twice_keeps_the_first_original(report, upper):
    rewritten, _ = upper

    class Exclaim:
        name = "exclaim"

        def rewrite(self, section, text, evidence):
            return text + "!"

    twice = rewritten.rewrite(Exclaim())
    for _, old, new in pairs(report, twice):
        if old.source != "none":
            assert (new.text, new.source, new.original) == (old.text.upper() + "!", "generator:exclaim", old.text)


@pytest.mark.slow
@pytest.mark.parametrize("empty", ["", "   \n", None, 42])
def test_empty_or_non_text_answer_names_the_section(report, empty):
    with pytest.raises(ConfigError, match=r"'empty-for'.*section 'drivers' of trend \d+.*non-empty text"):
        report.rewrite(EmptyFor("drivers", empty))
    with pytest.raises(ConfigError, match=r"section 'implications.brands'"):
        report.rewrite(EmptyFor("implications.brands", empty))


@pytest.mark.slow
def test_objects_that_are_not_generators_are_refused(report):
    class NoRewrite:
        name = "nothing"

    class NoName:
        def rewrite(self, section, text, evidence):
            return text

    for bad in (NoRewrite(), NoName(), "upper", None):
        assert not isinstance(bad, Generator)
        with pytest.raises(ConfigError, match="not a Generator"):
            report.rewrite(bad)


@pytest.mark.slow
@pytest.mark.parametrize("sections", [("sub_trend",), ("motivations", "nonsense"), ("success_factors",)])
def test_unknown_section_raises(report, sections):
    unknown = [s for s in sections if s not in SECTIONS]
    with pytest.raises(ConfigError, match=f"cannot rewrite {unknown[0]}"):
        report.rewrite(Upper(), sections=sections)


@pytest.mark.slow
def test_extractive_generator_keeps_every_text(report):
    kept = report.rewrite(Extractive())
    changed = 0
    for _, old, new in pairs(report, kept):
        assert new.text == old.text and new.evidence == old.evidence and new.ref == old.ref
        if old.source != "none":
            changed += 1
            assert (new.source, new.original) == ("generator:extractive", old.text)
    assert changed > 0


@pytest.mark.slow
def test_trends_without_insight_are_left_alone(report):
    bare = replace(report, trends=tuple(replace(t, insight=None) for t in report.trends))
    assert bare.rewrite(Upper()) == bare


@pytest.mark.slow
def test_rewritten_report_survives_json_and_matches_the_schema(upper):
    rewritten, _ = upper
    data = json.loads(rewritten.to_json())
    assert TrendReport.from_dict(data) == rewritten
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in Draft202012Validator(json_schema()).iter_errors(data)]
    assert not errors, errors[:5]


@pytest.mark.slow
def test_markdown_and_html_say_who_rewrote_the_text(report, upper):
    rewritten, _ = upper
    markdown = rewritten.to_markdown()
    assert "rewritten by upper" in markdown
    assert "rewritten by" not in report.to_markdown()
    first = rewritten.trends[0].insight.takeaway
    assert first.text in markdown
    assert "rewritten by upper" in rewritten.to_html()


# --- load_generator and the command line ---------------------------------------------------------------------------

MODULE = "trendlens_test_mygen"
SOURCE = """
class Upper:
    name = "upper"

    def rewrite(self, section, text, evidence):
        return text.upper()


SHOUT = Upper()


def make():
    return Upper()


class NoRewrite:
    name = "broken"


NOT_CALLABLE = "just a string"
"""


@pytest.fixture
def mygen(tmp_path, monkeypatch):
    """A generator module written to ``tmp_path`` and importable for the duration of the test."""
    (tmp_path / f"{MODULE}.py").write_text(textwrap.dedent(SOURCE), encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    monkeypatch.delitem(sys.modules, MODULE, raising=False)
    yield MODULE
    sys.modules.pop(MODULE, None)


def test_load_generator_accepts_a_class_an_instance_or_a_factory(mygen):
    made = load_generator(f"{mygen}:Upper")
    assert isinstance(made, Generator) and not isinstance(made, type)
    assert made.name == "upper" and made.rewrite("takeaway", "oat milk", ()) == "OAT MILK"
    module = sys.modules[mygen]
    assert load_generator(f"{mygen}:SHOUT") is module.SHOUT
    assert type(load_generator(f"{mygen}:make")) is module.Upper
    assert isinstance(load_generator("trendlens.report.generate:Extractive"), Extractive)


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("nomodule_for_trendlens_tests:X", "cannot import it"),
        ("{mod}:Missing", "cannot import it"),
        ("{mod}:NoRewrite", "has no 'name' and 'rewrite"),
        ("{mod}", "expected 'package.module:name'"),
        (":Upper", "expected 'package.module:name'"),
        ("{mod}:", "expected 'package.module:name'"),
    ],
)
def test_load_generator_errors_name_the_spec(mygen, spec, message):
    spec = spec.format(mod=mygen)
    with pytest.raises(ConfigError, match=message) as caught:
        load_generator(spec)
    assert repr(spec) in str(caught.value)


def test_load_generator_refuses_a_non_callable_attribute(mygen):
    with pytest.raises(ConfigError):
        load_generator(f"{mygen}:NOT_CALLABLE")


@pytest.fixture(scope="module")
def saved(report, tmp_path_factory):
    """The report saved as a ``trendlens run`` would, and the path of its JSON."""
    paths = report.save(tmp_path_factory.mktemp("generate") / "a")
    return paths["json"]


@pytest.mark.slow
def test_cli_rewrites_a_saved_report(report, saved, mygen, tmp_path, capsys):
    out = tmp_path / "b"
    assert main(["report", str(saved), "--out", str(out), "--generator", f"{mygen}:Upper", "--quiet"]) == 0
    assert capsys.readouterr().out == ""
    again = TrendReport.load(out / "report.json")
    rewritten = [(old, new) for _, old, new in pairs(report, again) if old.source != "none"]
    assert rewritten and all(new.source == "generator:upper" for _, new in rewritten)
    assert all(new.original == old.text and new.text == old.text.upper() for old, new in rewritten)
    assert "rewritten by upper" in (out / "report.md").read_text(encoding="utf-8")
    assert "rewritten by upper" in (out / "report.html").read_text(encoding="utf-8")
    assert TrendReport.load(saved) == report  # the input is not touched


@pytest.mark.slow
def test_cli_without_generator_renders_the_same_report(report, saved, tmp_path):
    out = tmp_path / "c"
    assert main(["report", str(saved), "--out", str(out), "--quiet"]) == 0
    assert TrendReport.load(out / "report.json") == report


@pytest.mark.slow
@pytest.mark.parametrize("spec", ["nomodule_for_trendlens_tests:X", "{mod}:NoRewrite", "{mod}"])
def test_cli_bad_generator_exits_2_and_writes_nothing(saved, mygen, tmp_path, capsys, spec):
    out = tmp_path / "d"
    spec = spec.format(mod=mygen)
    assert main(["report", str(saved), "--out", str(out), "--generator", spec, "--quiet"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("trendlens: error: generator") and repr(spec) in err
    assert not out.exists()
