"""The report model and renderers: round trip, Markdown safety, atomic saving."""

from __future__ import annotations

import dataclasses
import json
import re
from html.parser import HTMLParser

import pytest

from trendlens.errors import ConfigError
from trendlens.report import CorpusSummary, Example, Trend, TrendReport, WindowCount
from trendlens.report.model import SCHEMA_VERSION


def make_report(label: str = "vegan / plant based / oat milk") -> TrendReport:
    trend = Trend(
        id=3,
        label=label,
        keywords=("vegan", "plant based", "oat milk"),
        size=42,
        share=0.042,
        first_seen="2021-01-04",
        last_seen="2021-06-30",
        virality=61.5,
        lifecycle="emerging",
        growth=2.5,
        p_value=0.0004,
        burst=True,
        components={"growth": 0.44, "burst_share": 1.0},
        onset="2021-06",
        peak="2021-06",
        examples=(Example("d1", "Oat milk | sales double", "2021-06-30T00:00:00+00:00", None),),
        series=(
            WindowCount("2021-05", 3, 0.02, lifecycle="noise"),
            WindowCount(
                "2021-06", 12, 0.08, growth=2.5, p_value=0.0004, burst=True, virality=61.5, lifecycle="emerging"
            ),
        ),
    )
    nan_trend = Trend(
        id=4,
        label="x",
        keywords=("x",),
        size=5,
        share=0.005,
        growth=float("nan"),
        first_seen=None,
        last_seen=None,
    )
    return TrendReport(
        created="2026-01-01T00:00:00+00:00",
        corpus=CorpusSummary("test", 1000, 3, 200, "2021-01-01", "2021-06-30"),
        window="month",
        params={"random_state": 42},
        trends=(trend, nan_trend),
    )


def test_json_round_trip_and_nan_becomes_null():
    report = make_report()
    data = json.loads(report.to_json())
    assert data["schema_version"] == SCHEMA_VERSION
    assert data["trends"][1]["growth"] is None
    again = TrendReport.from_dict(data)
    assert again.trends[0] == report.trends[0]
    assert again.corpus == report.corpus


def test_unknown_schema_version_is_refused():
    data = make_report().to_dict()
    data["schema_version"] = "9.0"
    with pytest.raises(ValueError, match="schema version"):
        TrendReport.from_dict(data)


def test_markdown_has_table_sections_and_escaped_pipes():
    md = make_report().to_markdown()
    assert "| 1 | vegan / plant based / oat milk | 42 | 61.5 | emerging | ×2.5 |" in md
    assert "p < 0.001" in md and "| stage | noise | emerging (burst) |" in md
    assert "## 1. vegan / plant based / oat milk" in md
    assert "Oat milk \\| sales double" in md
    assert "`d1` (2021-06-30)" in md
    assert "| 2 | x | 5 | n/a | n/a | n/a |" in md


def test_the_opening_lines_count_in_the_singular_where_there_is_one():
    # a 700-post corpus of one migration read "1 consumer trends made of 7 sub trends"
    report = dataclasses.replace(make_report(), corpus=CorpusSummary("test", 1, 1, 1, "2021-01-01", "2021-06-30"))
    md = report.to_markdown()
    assert "1 document (2021-01-01 to 2021-06-30); 1 exact duplicate dropped; 1 document in no trend." in md
    assert "0 consumer trends made of 2 sub trends." in md
    from trendlens.report.content import EntityFactors, FactorGroup
    from trendlens.report.model import Evidence, Insight, Statement

    said, left = Statement("said", "signals"), Evidence("Millions are leaving Twitter's chaos.", "d9")
    twitter = EntityFactors("Twitter", "platform", 2, (left,), groups=(FactorGroup("leave", "leaving", 1, 1, (left,)),))
    insight = Insight(takeaway=said, main_trend=said, sub_trend=said, success_factors=(twitter,))
    trend = dataclasses.replace(report.trends[0], insight=insight)
    md = dataclasses.replace(report, trends=(trend,)).to_markdown()
    assert "platform, named in 2 documents" in md and ":** 1 document, engagement 1" in md


def test_save_writes_both_files_and_leaves_no_temporaries(tmp_path):
    paths = make_report().save(tmp_path / "out")
    assert TrendReport.load(paths["json"]).trends[0].label == "vegan / plant based / oat milk"
    assert paths["markdown"].read_text(encoding="utf-8").startswith("# Trend report")
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["report.html", "report.json", "report.md"]


def test_failed_write_keeps_the_old_report(tmp_path, monkeypatch):
    make_report().save(tmp_path)
    before = (tmp_path / "report.json").read_text(encoding="utf-8")

    def boom(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr("trendlens._io.os.replace", boom)
    with pytest.raises(OSError, match="disk full"):
        make_report(label="changed").save(tmp_path)
    assert (tmp_path / "report.json").read_text(encoding="utf-8") == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["report.html", "report.json", "report.md"]


def split_scripts(page: str) -> tuple[str, list[str]]:
    """The page without its script elements, and their bodies: plotly.js first, then one per figure.

    Checks that the only scripts are ours: plotly.js exactly as shipped, and figure scripts holding
    no raw ``<`` (plotly writes the figures' data with ``<`` as ``\\u003c``, so text cannot close them).
    """
    from plotly.offline import get_plotlyjs

    bodies = re.findall(r"<script[^>]*>(.*?)</script>", page, flags=re.S)
    if bodies:
        assert bodies[0] == get_plotlyjs()
        for body in bodies[1:]:
            assert "<" not in body and "Plotly.newPlot" in body
    return re.sub(r"<script[^>]*>.*?</script>", "", page, flags=re.S), bodies


def test_html_shows_hostile_text_as_text():
    base = make_report()
    hostile = dataclasses.replace(
        base.trends[0],
        label="<b>bold</b> trend",
        keywords=("<img src=x onerror=alert(1)>",),
        examples=(
            Example("d<1>", "Buy now <script>alert('x')</script> & save", None, "javascript:alert(1)"),
            Example("d2", "A normal headline", None, 'https://example.com/a"onmouseover="x'),
        ),
    )
    page, scripts = split_scripts(dataclasses.replace(base, trends=(hostile,)).to_html())
    assert len(scripts) == 3  # plotly.js, the timeline, the virality map
    assert "<script" not in page and "<img" not in page and "<b>bold" not in page
    assert "&lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt; &amp; save" in page
    assert "&lt;b&gt;bold&lt;/b&gt; trend" in page
    assert "javascript:" not in page  # only http(s) urls become links
    assert 'href="https://example.com/a&#34;onmouseover=&#34;x"' in page
    assert page.startswith("<!DOCTYPE html>") and "http://" not in page.split("</style>")[0]


HOSTILE = '<script>alert(1)</script>"onmouseover=alert(1) x'


class _Page(HTMLParser):
    """The tags (with their attributes) and the text a browser would show."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.attrs: list[tuple[str, str, str | None]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.attrs += [(tag, name, value) for name, value in attrs]

    def handle_data(self, data: str) -> None:
        self.text.append(data)


def test_autoescape_keeps_markup_out_of_every_field_of_the_page():
    """The page template escapes label, keywords, example text, driver and URL: no tag, attribute or
    javascript: link can come from a report's text, with or without charts."""
    from trendlens.report.model import Evidence, Insight, Statement

    base = make_report()
    said = Statement("said", "signals")
    driver = Statement(HOSTILE, "documents", evidence=(Evidence(HOSTILE + " (quoted)", "doc<1>"),))
    hostile = dataclasses.replace(
        base.trends[0],
        label=HOSTILE + " label",
        keywords=(HOSTILE + " keyword",),
        examples=(
            Example("d1", HOSTILE + " example", None, "javascript:alert(1)"),
            Example("d2", "another", None, " JavaScript:alert(1)"),
            Example("d3", "third", None, 'https://example.com/"onmouseover=alert(1)'),
        ),
        insight=Insight(takeaway=said, main_trend=said, sub_trend=said, drivers=(driver,)),
    )
    report = dataclasses.replace(base, trends=(hostile,))
    for page in (report.to_html(charts=False), split_scripts(report.to_html())[0]):
        assert "<script" not in page and '"onmouseover=' not in page
        assert "javascript:" not in page.lower()  # such a URL is neither linked nor shown
        parsed = _Page()
        parsed.feed(page)
        names = {name for tag, name, _ in parsed.attrs if (tag, name) != ("div", "style")}  # plotly's figure div
        assert names <= {"lang", "charset", "name", "content", "id", "class", "href", "rel", "type"}, names
        hrefs = [value for tag, name, value in parsed.attrs if name == "href"]
        assert all(h.startswith(("#", "https://")) for h in hrefs), hrefs
        assert 'https://example.com/"onmouseover=alert(1)' in hrefs  # the quote stayed inside the attribute
        shown = "".join(parsed.text)
        for where in ("label", "keyword", "example", "(quoted)"):
            assert f"{HOSTILE} {where}" in shown, where  # shown to the reader as text
        assert "What is driving the trend" in shown
        assert page.count("&lt;script&gt;alert(1)&lt;/script&gt;&#34;onmouseover=alert(1) x") >= 6


def test_only_plotly_output_is_inserted_unescaped():
    """Autoescape is on, and the templates mark exactly two values safe: plotly.js and plotly's figure HTML."""
    from importlib import resources

    from trendlens.report.html import _environment

    assert _environment().autoescape is True
    templates = resources.files("trendlens.report").joinpath("templates")
    unescaped = [
        line.strip()
        for path in sorted(templates.iterdir(), key=lambda p: p.name)
        if path.name.endswith(".j2")
        for line in re.sub(r"\{#.*?#\}", "", path.read_text(encoding="utf-8"), flags=re.S).splitlines()
        if re.search(r"\|\s*safe\b|Markup|autoescape", line)  # outside comments
    ]
    assert unescaped == [
        '<script type="text/javascript">{{ plotly_js|safe }}</script>',
        '<figure class="chart">{{ fig.html|safe }}<figcaption>{{ fig.caption }}</figcaption></figure>',
    ]


@pytest.mark.slow
def test_html_escapes_every_insight_section(fitted):
    """Document text with markup, as quoted in findings, brands, audience and motivations, stays text."""
    from trendlens.report.model import AudienceFacet, EntityFactors, Evidence, Statement

    report = fitted.report()
    # a sub trend of a consumer trend with several: its own sections are shown (a consumer trend of one shows its own)
    trend = next(t for t in report.trends if any(t.id in g.members and g.n_members > 1 for g in report.consumer_trends))
    evil = Evidence("<script>alert('quoted')</script> sales doubled", "doc<1>")
    insight = dataclasses.replace(
        trend.insight,
        takeaway=Statement("<script>steal()</script>", "signals", evidence=(evil,)),
        success_factors=(EntityFactors("<img src=x onerror=alert(1)>", "product", 2, (evil,)),),
        audience=(AudienceFacet("age", ("<i>teens</i>",), (evil,)),),
        motivations=(Statement("<svg onload=alert(1)>", "taxonomy", "ct.x", evidence=(evil,)),),
    )
    page, _ = split_scripts(
        dataclasses.replace(report, trends=(dataclasses.replace(trend, findings=(evil,), insight=insight),)).to_html()
    )
    for raw in ("<script", "<img", "<svg", "<i>"):
        assert raw not in page, raw
    assert "&lt;script&gt;alert(&#39;quoted&#39;)&lt;/script&gt; sales doubled" in page
    assert "doc&lt;1&gt;" in page


def test_markdown_shows_hostile_text_as_text():
    base = make_report()
    hostile = dataclasses.replace(
        base.trends[0],
        label="<b>bold</b> [click](javascript:alert(1))",
        keywords=("<img src=x onerror=alert(1)>",),
        examples=(
            Example("d`1`", "See ![x](https://evil.example/t.png) <script>alert('x')</script> | pipe", None, None),
        ),
    )
    text = dataclasses.replace(base, trends=(hostile,)).to_markdown()
    for raw in ("<b>", "<img", "<script", "[click]", "![x]"):
        assert re.search(r"(?<!\\)" + re.escape(raw), text) is None, raw  # only backslash-escaped copies
    assert "\\<b\\>bold\\</b\\> \\[click\\](javascript:alert(1))" in text  # escaped, still readable
    assert "`d'1'`" in text and "\\| pipe" in text


def test_a_hostile_report_json_is_refused_by_field_not_rendered(tmp_path):
    from trendlens.cli import main

    data = make_report().to_dict()
    data["trends"][0]["id"] = '"><script>alert(1)</script>'
    path = tmp_path / "report.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"trends\[0\]\.id: expected int, got str"):
        TrendReport.load(path)
    assert main(["report", str(path), "--out", str(tmp_path / "out"), "--quiet"]) == 2
    assert not (tmp_path / "out" / "report.html").exists()
    data["trends"][0]["id"] = 1
    data["trends"][0]["size"] = "<img src=x onerror=alert(1)>"
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"trends\[0\]\.size: expected int"):
        TrendReport.load(path)
    data["trends"][0]["size"] = True  # a bool is not a count either
    path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(ConfigError, match=r"trends\[0\]\.size: expected int, got bool"):
        TrendReport.load(path)


def test_a_proposed_node_is_shown_as_a_proposal_in_every_format(tmp_path):
    """A trend no consumer trend fits says so and shows the proposed node, marked as a proposal, with its parent;
    its name (drawn from documents) stays text."""
    from trendlens.report.model import HierarchyLevel, Insight, ProposedNode, Statement

    proposed = ProposedNode(
        "<b>bye bye</b> old site", "consumer_trend", "bst.platform-exodus", "Platform Exodus", 0.33, "trend name"
    )
    hierarchy = (
        HierarchyLevel("consumer_trend", None, "unmapped / novel", 0.0, "", proposed),
        HierarchyLevel("big_social_trend", "bst.platform-exodus", "Platform Exodus", 0.41, "Users abandon a network."),
    )
    said = Statement("said", "signals")
    trend = dataclasses.replace(
        make_report().trends[0], hierarchy=hierarchy, insight=Insight(takeaway=said, main_trend=said, sub_trend=said)
    )
    report = dataclasses.replace(make_report(), trends=(trend,))
    markdown = report.to_markdown()
    assert "unmapped / novel: no entry of the taxonomy describes this trend" in markdown
    assert "**Proposed new consumer trend — a proposal, not part of the taxonomy:**" in markdown
    assert "\\<b\\>bye bye\\</b\\> old site" in markdown and "under the big social trend Platform Exodus" in markdown
    assert "`taxonomy bst.platform-exodus`" in markdown
    page = report.to_html(charts=False)
    assert "a proposal, not part of the taxonomy" in page and "<b>bye" not in page
    again = TrendReport.from_dict(json.loads(report.to_json()))
    assert again.trends[0].hierarchy[0].proposed == proposed


def test_an_undated_trend_says_so_once_instead_of_a_block_of_n_a():
    """BBC's articles have no timestamps: every section read "Seen: n/a to n/a", "Virality: n/a / 100",
    "Lifecycle: n/a", "Growth: n/a (n/a)". An undated trend says once why it has no signals; a dated one
    keeps them."""
    report = make_report()
    md = report.to_markdown()
    undated = md[md.index("## 2. x") :]
    assert "- **Seen:** undated" in undated
    assert "- **Virality, growth and lifecycle:** not scored over time: the documents have no timestamps" in undated
    assert "**Virality:** n/a" not in undated and "**Growth:**" not in undated
    dated = md[md.index("## 1. vegan") : md.index("## 2. x")]
    assert "- **Seen:** 2021-01-04 to 2021-06-30" in dated and "- **Virality:** 61.5 / 100" in dated
    html = report.to_html()
    assert "Virality, growth and lifecycle" in html and "not scored over time" in html
