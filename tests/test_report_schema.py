"""The JSON Schema of report.json: generated from the dataclasses, checked in, and true of real reports."""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import pytest
from jsonschema import Draft202012Validator

from trendlens.report.model import (
    SCHEMA_VERSION,
    AudienceFacet,
    CorpusSummary,
    EntityFactors,
    Evidence,
    Example,
    HierarchyLevel,
    Insight,
    ProposedNode,
    Statement,
    Trend,
    TrendGroup,
    TrendReport,
    WindowCount,
)
from trendlens.report.schema import _schema_of, json_schema, main, schema_text, write_json_schema

if TYPE_CHECKING:
    from decimal import Decimal

ROOT = Path(__file__).resolve().parents[1]
CHECKED_IN = ROOT / "docs" / "report.schema.json"
REGENERATE = "python -m trendlens.report.schema docs/report.schema.json"


@pytest.fixture(scope="module")
def validator() -> Draft202012Validator:
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


# --- the schema itself ---------------------------------------------------------------------------------------


def test_checked_in_schema_is_current():
    assert CHECKED_IN.exists(), f"{CHECKED_IN} is missing: run `{REGENERATE}`"
    assert json.loads(CHECKED_IN.read_text(encoding="utf-8")) == json_schema(), (
        f"docs/report.schema.json is out of date with trendlens/report/model.py: run `{REGENERATE}`"
    )


def test_schema_is_a_valid_draft_2020_12_schema():
    schema = json_schema()
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["title"] == "trendlens report"
    major = SCHEMA_VERSION.split(".")[0]
    assert schema["properties"]["schema_version"]["pattern"] == f"^{major}\\."
    assert "schema_version" in schema["required"]


def test_every_report_dataclass_is_defined_with_its_docstring():
    defs = json_schema()["$defs"]
    for cls in (Trend, CorpusSummary, Example, WindowCount, Evidence, HierarchyLevel, Insight, Statement):
        assert defs[cls.__name__]["description"] == cls.__doc__.strip().splitlines()[0]
        assert defs[cls.__name__]["additionalProperties"] is False


def test_write_and_command_line(tmp_path, capsys):
    out = write_json_schema(tmp_path / "sub" / "report.schema.json")
    text = out.read_text(encoding="utf-8")
    assert text == schema_text() and text.endswith("}\n")
    assert json.loads(text) == json_schema()
    assert main([str(tmp_path / "cli.json")]) == 0
    assert (tmp_path / "cli.json").read_text(encoding="utf-8") == text
    capsys.readouterr()
    assert main([]) == 0
    assert capsys.readouterr().out == text


# --- real-looking reports validate ----------------------------------------------------------------------------


def _first_sentence(text: str) -> str:
    return text.split(". ")[0].rstrip(".") + "."


def build_report(records: list[dict], categories: tuple[str, ...] = ("FOOD & DRINK", "SPORTS", "ENVIRONMENT")):
    """A report whose every value comes from real HuffPost records (ids, text, timestamps, URLs, counts)."""
    months_all = Counter(r["timestamp"][:7] for r in records)
    trends = []
    for number, category in enumerate(categories):
        docs = sorted((r for r in records if r["category"] == category), key=lambda r: r["timestamp"])
        assert docs, category
        months = Counter(r["timestamp"][:7] for r in docs)
        series = tuple(
            WindowCount(
                window=month,
                count=count,
                share=count / months_all[month],
                growth=None if i == 0 else count / max(1, months[sorted(months)[i - 1]]),
                p_value=0.03 if i else None,
                burst=count == max(months.values()),
                virality=float(min(100, 10 * count)),
                lifecycle="emerging" if i else "noise",
            )
            for i, (month, count) in enumerate(sorted(months.items()))
        )
        evidence = tuple(Evidence(text=_first_sentence(r["text"]), doc_id=r["id"]) for r in docs[-3:])
        quote = Statement(text=evidence[0].text, source="documents", evidence=evidence[:1])
        insight = Insight(
            takeaway=Statement(text=f"{category.title()} headlines rise in the last window.", source="signals"),
            main_trend=Statement(text="Wellbeing", source="taxonomy", ref="drive.wellbeing", title="Wellbeing"),
            sub_trend=quote,
            consumer_trend=TrendGroup(
                id=number, name=category.title(), keywords=(category.lower(),), members=(number,), size=len(docs)
            ),
            success_factors=(EntityFactors(name="HuffPost", kind="ORG", documents=len(docs), factors=evidence[1:]),),
            motivations=(quote,),
            drivers=(Statement(text="not stated in the sources", source="none"),),
            audience=(AudienceFacet(facet="age", values=("adults",), evidence=evidence[:1]),),
            implications={"brands": (quote,), "retail": ()},
            strategies=(Statement(text=quote.text, source="generator:template", evidence=evidence),),
        )
        trends.append(
            Trend(
                id=number,
                label=category.lower(),
                keywords=tuple(category.lower().replace("&", "").split()),
                size=len(docs),
                share=len(docs) / len(records),
                first_seen=docs[0]["timestamp"][:10],
                last_seen=docs[-1]["timestamp"][:10],
                virality=series[-1].virality,
                lifecycle="emerging",
                growth=series[-1].growth,
                p_value=series[-1].p_value,
                burst=series[-1].burst,
                acceleration=0.5,
                engagement=None,
                reach=float(len({r["url"] for r in docs})),
                novelty=0.25,
                # non-finite values are written as null, in plain and in dict-held floats alike
                components={"growth": 0.4, "burst_share": float("nan"), "reach": float("inf")},
                onset=series[-1].window,
                peak=max(series, key=lambda w: w.count).window,
                hierarchy=(
                    HierarchyLevel(level="social_drive", node_id="wellbeing", name="Wellbeing", confidence=0.61),
                    HierarchyLevel(
                        level="consumer_trend",
                        node_id=None,
                        name="unmapped / novel",
                        confidence=math.nan,
                        proposed=ProposedNode(
                            category.lower(),
                            "consumer_trend",
                            "bst.measured-bodies",
                            "Measured Bodies",
                            0.31,
                            "trend name",
                        ),
                    ),
                ),
                findings=evidence,
                examples=tuple(Example(r["id"], r["text"], r["timestamp"], r.get("url")) for r in docs[-2:]),
                series=series,
                insight=insight if number != 1 else None,
            )
        )
    stamps = sorted(r["timestamp"] for r in records)
    return TrendReport(
        created="2026-01-01T00:00:00+00:00",
        corpus=CorpusSummary("corpora/huffpost.jsonl.gz", len(records), 0, 1234, stamps[0], stamps[-1]),
        window="month",
        params={"random_state": 42, "min_topic_size": 15, "window": None, "embedder": "minilm", "alpha": 0.05},
        trends=tuple(trends),
    )


@pytest.fixture(scope="module")
def report_data(huffpost_records) -> dict[str, Any]:
    return json.loads(build_report(huffpost_records).to_json())


def test_real_looking_report_validates(validator, report_data):
    assert report_data["trends"][0]["components"]["burst_share"] is None
    assert report_data["trends"][0]["hierarchy"][1]["confidence"] is None
    assert report_data["trends"][0]["hierarchy"][1]["proposed"]["parent_id"] == "bst.measured-bodies"
    assert report_data["trends"][1]["insight"] is None
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report_data)]
    assert errors == []


def test_older_report_of_the_same_major_version_validates(validator, report_data):
    old = copy.deepcopy(report_data)
    old["schema_version"] = f"{SCHEMA_VERSION.split('.')[0]}.0"
    for trend in old["trends"]:
        for later in ("hierarchy", "findings", "insight", "components"):
            del trend[later]
    assert validator.is_valid(old)


@pytest.mark.slow
def test_fitted_detector_report_validates(validator, fitted):
    data = json.loads(fitted.report(top=3).to_json())
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(data)]
    assert errors == []


# --- wrong reports fail ---------------------------------------------------------------------------------------


def _set(path: tuple, value: Any):
    def change(data: dict) -> None:
        for key in path[:-1]:
            data = data[key]
        data[path[-1]] = value

    return change


def _delete(path: tuple):
    def change(data: dict) -> None:
        for key in path[:-1]:
            data = data[key]
        del data[path[-1]]

    return change


@pytest.mark.parametrize(
    ("change", "where"),
    [
        pytest.param(_set(("trends", 0, "size"), "42"), ["trends", 0, "size"], id="size-as-string"),
        pytest.param(_set(("trends", 0, "burst"), "yes"), ["trends", 0, "burst"], id="burst-as-string"),
        pytest.param(_set(("trends", 0, "keywords"), "vegan"), ["trends", 0, "keywords"], id="keywords-not-array"),
        pytest.param(_set(("corpus", "n_documents"), 9.5), ["corpus", "n_documents"], id="float-count"),
        pytest.param(
            _set(("trends", 0, "components", "growth"), "high"),
            ["trends", 0, "components", "growth"],
            id="component-as-string",
        ),
        pytest.param(
            _set(("trends", 0, "insight", "takeaway"), None),
            ["trends", 0, "insight", "takeaway"],
            id="null-required-statement",
        ),
        pytest.param(_set(("surprise",), 1), [], id="unknown-top-level-key"),
        pytest.param(_set(("trends", 0, "colour"), "red"), ["trends", 0], id="unknown-trend-key"),
        pytest.param(_set(("trends", 0, "series", 0, "extra"), 1), ["trends", 0, "series", 0], id="unknown-window-key"),
        pytest.param(
            _set(("trends", 0, "insight", "motivations", 0, "score"), 1.0),
            ["trends", 0, "insight", "motivations", 0],
            id="unknown-deeply-nested-key",
        ),
        pytest.param(_delete(("trends", 0, "label")), ["trends", 0], id="missing-label"),
        pytest.param(_delete(("schema_version",)), [], id="missing-schema-version"),
        pytest.param(_set(("schema_version",), "1.9"), ["schema_version"], id="older-major-version"),
        pytest.param(_set(("schema_version",), "3.0"), ["schema_version"], id="newer-major-version"),
    ],
)
def test_wrong_report_fails(validator, report_data, change, where):
    data = copy.deepcopy(report_data)
    change(data)
    errors = list(validator.iter_errors(data))
    assert errors, "the schema accepted a wrong report"
    assert where in _paths(errors)


def _paths(errors) -> list[list]:
    """Where each error is, including the causes an ``anyOf`` (an optional dataclass) keeps in ``context``."""
    return [p for e in errors for p in [list(e.absolute_path), *_paths(e.context or [])]]


# --- the generator on shapes the model may grow ---------------------------------------------------------------


@dataclass(frozen=True)
class _Leaf:
    """A leaf."""

    name: str


@dataclass(frozen=True)
class _Node:
    """A node of every supported shape."""

    leaf: _Leaf
    maybe: _Leaf | None
    leaves: tuple[_Leaf, ...] = ()
    by_name: dict[str, _Leaf] = field(default_factory=dict)
    groups: dict[str, tuple[_Leaf, ...]] = field(default_factory=dict)
    pair: tuple[int, str] = (0, "")
    kind: Literal["a", "b"] = "a"
    score: float = 0.0
    anything: Any = None
    extra: dict[str, Any] = field(default_factory=dict)
    children: list[_Node] = field(default_factory=list)


@dataclass(frozen=True)
class _Bare:
    name: str


@dataclass(frozen=True)
class _WithSet:
    tags: set[str]


@dataclass(frozen=True)
class _WithIntKeys:
    counts: dict[int, str]


@dataclass(frozen=True)
class _WithTypeCheckingName:
    amount: Decimal


def test_generator_maps_nested_shapes():
    schema = _schema_of(_Node)
    Draft202012Validator.check_schema(schema)
    props = schema["properties"]
    assert props["leaf"] == {"$ref": "#/$defs/_Leaf"}
    assert props["maybe"] == {"anyOf": [{"$ref": "#/$defs/_Leaf"}, {"type": "null"}]}
    assert props["leaves"] == {"type": "array", "items": {"$ref": "#/$defs/_Leaf"}}
    assert props["by_name"] == {"type": "object", "additionalProperties": {"$ref": "#/$defs/_Leaf"}}
    assert props["kind"] == {"enum": ["a", "b"]}
    assert props["score"] == {"type": ["number", "null"]}
    assert props["anything"] == {} and props["extra"] == {"type": "object"}
    assert props["children"] == {"type": "array", "items": {"$ref": "#"}}
    assert schema["required"] == ["leaf", "maybe"]
    assert schema["$defs"]["_Leaf"]["description"] == "A leaf."
    assert "description" not in _schema_of(_Bare)  # dataclass()'s generated signature is no description

    good = {
        "leaf": {"name": "x"},
        "maybe": None,
        "groups": {"g": [{"name": "y"}]},
        "pair": [1, "one"],
        "children": [{"leaf": {"name": "z"}, "maybe": {"name": "w"}, "score": None}],
    }
    check = Draft202012Validator(schema)
    assert check.is_valid(good)
    assert not check.is_valid({**good, "pair": [1, "one", 2]})
    assert not check.is_valid({**good, "kind": "c"})
    assert not check.is_valid({**good, "children": [{"leaf": {"name": "z"}, "maybe": None, "oops": 1}]})


@pytest.mark.parametrize(
    ("cls", "message"),
    [
        (_WithSet, r"_WithSet\.tags: annotation set\[str\]"),
        (_WithIntKeys, r"_WithIntKeys\.counts: annotation dict\[int, str\]"),
        (_WithTypeCheckingName, r"_WithTypeCheckingName: cannot resolve"),
    ],
)
def test_unsupported_annotation_raises_naming_the_field(cls, message):
    with pytest.raises(TypeError, match=message):
        _schema_of(cls)
