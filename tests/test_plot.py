"""The figures of trendlens.plot, drawn from a detector fitted on real headlines and from its report."""

from __future__ import annotations

import dataclasses
import json

import numpy as np
import pytest

from trendlens import ConfigError, NotFittedError, TrendDetector, TrendReport, plot

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def report(fitted, tmp_path_factory):
    """The detector's report, saved and read back (what `trendlens report` would draw)."""
    path = fitted.report(top=8).save(tmp_path_factory.mktemp("plot"))["json"]
    return TrendReport.load(path)


def test_timeline_has_one_panel_per_trend_with_its_shares(fitted):
    fig = plot.timeline(fitted, top=6)
    titles = [a.text for a in fig.layout.annotations]
    labels = list(fitted.trends_["label"].head(6))
    assert titles == [plot._safe(f"{rank}. {label}", 48) for rank, label in enumerate(labels, start=1)]
    signals = fitted.signals_.reset_index()
    expected = signals[signals["trend"] == fitted.trends_.index[0]]
    line = fig.data[0]  # the first panel's line, in window order
    assert list(line.x) == [str(w) for w in expected["window"]]
    assert np.allclose(line.y, expected["share"])
    stages = {t.name for t in fig.data if t.mode == "markers"}
    shown = signals[signals["trend"].isin(fitted.trends_.index[:6])]  # the stages of the six panels' trends
    assert stages <= set(plot.STAGE_COLOURS) and stages == set(shown["lifecycle"].dropna())
    for trace in fig.data:
        if trace.mode == "markers":
            assert trace.marker.color == plot.STAGE_COLOURS[trace.name]


def test_virality_map_places_every_trend_at_its_growth_and_size(fitted):
    fig = plot.virality_map(fitted)
    xs = np.concatenate([t.x for t in fig.data])
    ys = np.concatenate([t.y for t in fig.data])
    assert len(xs) == len(fitted.trends_)
    growth = fitted.trends_["growth"].astype(float)
    expected = sorted(zip(np.where(growth > 0, growth, 1.0).round(6), fitted.trends_["size"]))
    assert sorted(zip(np.round(xs, 6), ys)) == expected
    assert "no engagement counts" in fig.layout.title.text  # HuffPost headlines carry none


def test_hierarchy_nests_trends_under_the_four_levels_with_sizes_adding_up(fitted):
    trace = plot.hierarchy(fitted).data[0]
    parent_of = dict(zip(trace.ids, trace.parents))
    value_of = dict(zip(trace.ids, trace.values))
    leaves = [i for i in trace.ids if i not in set(trace.parents)]
    assert len(leaves) == len(fitted.trends_)
    for leaf in leaves:
        depth, node = 0, leaf
        while parent_of[node]:
            node, depth = parent_of[node], depth + 1
        assert depth == 4  # trend → consumer → big social → worldwide → social drive
    roots = [i for i in trace.ids if not parent_of[i]]
    assert sum(value_of[r] for r in roots) == fitted.trends_["size"].sum()
    drives = {str(n) for n in fitted.trends_["social_drive"]}
    assert {trace.labels[list(trace.ids).index(r)] for r in roots} <= {d.replace("&", "&amp;") for d in drives} | {
        "unmapped / novel"
    }


def test_document_map_colours_documents_by_trend_and_the_report_keeps_the_points(fitted, report):
    fig = plot.document_map(fitted, sample=400)
    assert sum(len(t.x) for t in fig.data) == 400
    points = plot.map_points(fitted, sample=400)
    clustered = points[points["trend"] >= 0]
    # documents of one trend sit together: each trend's points are closer to their own centre than to the others'
    centres = clustered.groupby("trend")[["x", "y"]].mean()
    own = np.linalg.norm(clustered[["x", "y"]].to_numpy() - centres.loc[clustered["trend"]].to_numpy(), axis=1)
    spread = np.linalg.norm(clustered[["x", "y"]].to_numpy() - clustered[["x", "y"]].mean().to_numpy(), axis=1)
    assert own.mean() < 0.6 * spread.mean()
    assert len(report.document_map) == min(2000, len(fitted.labels_))
    from_report = plot.map_points(report)
    from_detector = plot.map_points(fitted, sample=2000)
    assert list(from_report["doc_id"]) == list(from_detector["doc_id"])
    assert np.allclose(from_report["x"], from_detector["x"], atol=1e-3)
    names = {t.name for t in plot.document_map(report).data}
    assert "in other trends" in names or len(fitted.trends_) <= 8


def test_every_figure_draws_from_the_saved_report_as_from_the_detector(fitted, report):
    n = len(report.trends)
    for from_report, from_detector in (
        (plot.timeline(report), plot.timeline(fitted, top=n)),
        (plot.virality_map(report), plot.virality_map(fitted, top=n)),
    ):
        assert from_report.layout.title.text == from_detector.layout.title.text
        assert [a.text for a in from_report.layout.annotations] == [a.text for a in from_detector.layout.annotations]
        for a, b in zip(from_report.data, from_detector.data, strict=True):
            assert list(a.x) == list(b.x) and np.allclose(np.asarray(a.y, float), np.asarray(b.y, float))
    leaves = [i for i in plot.hierarchy(report).data[0].ids if "#" in i]
    assert sorted(int(i.rsplit("#", 1)[1]) for i in leaves) == sorted(t.id for t in report.trends)


def test_the_report_page_embeds_four_charts_and_plotly_js_with_no_network_reference(report):
    from tests.test_report import split_scripts

    page = report.to_html()
    text, scripts = split_scripts(page)
    assert len(scripts) == 1 + 4
    assert text.count('<figure class="chart">') == 4
    # nothing is loaded from elsewhere: no external script, style sheet or image, no address in the figures
    assert "src=" not in text and "<link" not in text and "<img" not in text
    assert not any("http" in body for body in scripts[1:])
    assert "<script" not in report.to_html(charts=False)


def test_text_in_figures_is_escaped(fitted):
    table = fitted.trends_.copy()
    hostile = "<img src=x onerror=alert(1)> trend"
    table.iloc[0, table.columns.get_loc("label")] = hostile
    det = TrendDetector()
    det.__dict__.update(fitted.__dict__)
    det.trends_ = table
    for fig in (plot.timeline(det), plot.virality_map(det), plot.hierarchy(det)):
        dumped = json.dumps(fig.to_plotly_json(), default=str)
        assert "<img" not in dumped and "&lt;img src=x onerror=alert(1)&gt;" in dumped


def test_notebook_views(fitted, report):
    assert "TrendDetector: " in fitted._repr_html_() and fitted._repr_html_().count("<tr>") == min(
        21, len(fitted.trends_) + 1
    )
    assert "TrendReport: 8 trends" in report._repr_html_()
    assert "<table" in TrendDetector()._repr_html_()  # scikit-learn's estimator view before fit


def test_plots_need_a_fitted_detector_or_a_report():
    with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
        plot.timeline(TrendDetector())
    with pytest.raises(ConfigError, match="value must be 'share' or 'count'"):
        plot.timeline(TrendReport("now", None, "month"), value="volume")  # type: ignore[arg-type]


def test_a_report_without_a_map_says_so(report):
    with pytest.raises(ConfigError, match="carries no document map"):
        plot.document_map(dataclasses.replace(report, document_map=()))
