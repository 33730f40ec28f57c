"""Lifecycle stages and the virality score on synthetic series with known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendlens import ConfigError
from trendlens.signals import lifecycle_labels, trailing_growth, virality_components, virality_score

RISING = {"emerging", "accelerating"}


def labels_of(counts, totals, **kwargs) -> list[str]:
    """Lifecycle of a series, with the signals computed as the pipeline does."""
    counts, totals = np.asarray(counts), np.asarray(totals)
    g, p_up, p_down = trailing_growth(counts, totals)
    return lifecycle_labels(counts, totals, g, p_up, p_down, **kwargs).tolist()


def test_a_jump_from_almost_nothing_to_ten_percent_emerges_then_declines():
    got = labels_of([2] * 10 + [100] * 5 + [10] * 5, [1000] * 20)
    # after 4 strong windows of 14 (> 25% presence) the trend counts as established
    assert got == ["noise"] * 10 + ["emerging"] * 4 + ["accelerating"] + ["declining"] * 5


def test_a_long_running_topic_that_spikes_is_accelerating_not_emerging():
    got = labels_of([10] * 10 + [100] * 3, [1000] * 13)
    assert got == ["steady"] * 10 + ["accelerating"] * 3


def test_no_trend_is_called_new_before_the_history_is_long_enough():
    assert labels_of([0, 0, 0, 200, 300], [1000] * 5) == ["noise"] * 3 + ["emerging", "accelerating"]
    assert labels_of([0, 0, 0, 200, 300], [1000] * 5, min_history=4)[3] == "accelerating"


def test_a_plateau_after_the_jump_is_peaking_then_steady():
    got = labels_of([2] * 8 + [100] * 10, [1000] * 18)
    # Growth is significant while the 6-window baseline still holds low windows,
    # then the share holds at its top for 3 windows ("peaking") and settles.
    assert got == ["noise"] * 8 + ["emerging"] * 3 + ["accelerating"] * 2 + ["peaking"] * 3 + ["steady"] * 2


def test_an_established_trend_that_doubles_is_accelerating():
    got = labels_of([100] * 8 + [200] * 4, [1000] * 12)
    assert got == ["steady"] * 8 + ["accelerating"] * 4


def test_a_handful_of_documents_after_none_is_noise_not_emerging():
    counts = [0] * 8 + [3, 4]
    g, p_up, _ = trailing_growth(np.array(counts), np.full(10, 1000))
    assert p_up[8] < 0.05  # significant, yet too few documents to call it a trend
    assert labels_of(counts, [1000] * 10) == ["noise"] * 10


def test_a_falling_share_is_declining():
    got = labels_of([100] * 6 + [80, 60, 40, 20], [1000] * 10)
    assert got == ["steady"] * 6 + ["declining"] * 4


def test_few_documents_before_make_a_trend_emerging_rather_than_accelerating():
    # 30% of 50 documents, then 50% of 600: significant growth (p ~ 0.03) and the
    # earlier share is more than half the new one, so only the prior count decides.
    assert labels_of([15, 300], [50, 600], min_count=20, min_history=0) == ["noise", "emerging"]
    assert labels_of([15, 300], [50, 600], min_count=10, min_history=0) == ["steady", "accelerating"]


def hand_labels(p_value, growth=None, p_decline=None, counts=None, **kwargs) -> list[str]:
    """Labels from hand-made signals over windows of 100 documents."""
    size = len(p_value)
    counts = np.full(size, 10) if counts is None else np.asarray(counts)
    growth = np.full(size, 2.0) if growth is None else np.asarray(growth)
    p_decline = np.ones(size) if p_decline is None else np.asarray(p_decline)
    return lifecycle_labels(counts, np.full(size, 100), growth, np.asarray(p_value), p_decline, **kwargs).tolist()


def test_peaking_needs_a_recent_rise_and_a_share_near_the_top():
    p = [1.0, 0.01, 0.5, 0.5, 0.5, 0.5]
    assert hand_labels(p, counts=[2, 10, 10, 10, 10, 10], min_history=0) == (
        ["noise", "emerging"] + ["peaking"] * 3 + ["steady"]
    )
    # 7 is below 0.8 of the top share (10%): not peaking.
    got = hand_labels(p, counts=[2, 10, 9, 7, 8, 10], min_history=0)
    assert got == ["noise", "emerging", "peaking", "steady", "peaking", "steady"]


def test_significance_needs_the_matching_direction_of_growth():
    assert hand_labels([0.01, 0.01], growth=[1.0, 0.9]) == ["steady", "steady"]
    assert hand_labels([1.0, 1.0], growth=[1.0, 0.9], p_decline=[0.01, 0.01]) == ["steady", "declining"]


def test_lifecycle_rejects_bad_input():
    ones = np.ones(3)
    with pytest.raises(ConfigError, match="p_value must have one value per window"):
        lifecycle_labels(ones, ones, ones, np.ones(2), ones)
    with pytest.raises(ConfigError, match="min_count"):
        lifecycle_labels(ones, ones, ones, ones, ones, min_count=0)
    with pytest.raises(ConfigError, match="alpha"):
        lifecycle_labels(ones, ones, ones, ones, ones, alpha=1.5)


series_st = st.lists(st.tuples(st.integers(0, 60), st.integers(0, 200)), min_size=1, max_size=15).map(
    lambda rows: (np.array([min(c, n) for c, n in rows]), np.array([n for _, n in rows]))
)


@given(series=series_st, k=st.integers(2, 6))
def test_more_data_at_the_same_shares_keeps_significant_labels(series, k):
    counts, totals = series
    once, scaled = labels_of(counts, totals), labels_of(k * counts, k * totals)
    for before, after in zip(once, scaled):
        if before in RISING:
            assert after in RISING
        if before == "declining":
            assert after in {"declining", "peaking"}


@given(series=series_st, cut=st.integers(1, 15))
def test_labels_never_look_ahead(series, cut):
    counts, totals = series
    cut = min(cut, counts.size)
    assert labels_of(counts[:cut], totals[:cut]) == labels_of(counts, totals)[:cut]


def test_virality_maps_each_component_to_the_unit_interval():
    frame = pd.DataFrame(
        {
            "growth": [8.0, 2.0, 8.0, 0.5, np.nan],
            "p_value": [0.01, 0.01, 0.2, 0.01, 0.01],
            "acceleration": [math.log(4), math.log(2), -1.0, 5.0, np.nan],
            "engagement": [0.0, np.nan, 50.0, -50.0, 0.0],
        }
    )
    got = virality_components(frame, {"growth": 1.0, "acceleration": 1.0, "engagement": 1.0})
    assert got["growth"].tolist() == pytest.approx([1.0, 1 / 3, 0.0, 0.0, 0.0])
    assert got["acceleration"].tolist() == pytest.approx([1.0, 0.5, 0.0, 1.0, 0.0])
    assert got["engagement"].tolist() == pytest.approx([0.5, 0.5, 1.0, 0.0, 0.5])


def test_momentum_and_headroom_map_log_ratios_through_tanh():
    frame = pd.DataFrame({"momentum": [0.0, 1.0, -1.0, np.nan, 50.0], "headroom": [0.0, -1.0, 1.0, np.nan, -50.0]})
    got = virality_components(frame)
    up = 0.5 * (1 + math.tanh(1.0))
    assert got["momentum"].tolist() == pytest.approx([0.5, up, 1 - up, 0.5, 1.0])
    assert got["headroom"].tolist() == pytest.approx([0.5, 1 - up, up, 0.5, 0.0])


def test_virality_score_with_default_weights():
    frame = pd.DataFrame(
        {"momentum": [1.0], "headroom": [0.0], "engagement": [0.0], "novelty": [1.0]}
        | {"growth": [8.0], "p_value": [0.001], "burst_share": [1.0], "acceleration": [math.log(4)], "reach": [1.0]},
        index=["t7"],
    )
    # 100 * (0.4 * (1 + tanh 1) / 2 + 0.4 * 0.5 + 0.1 * 0.5 + 0.1 * 1); growth, bursts, acceleration, reach weigh 0
    assert virality_score(frame).to_dict() == {"t7": round(100 * (0.2 * (1 + math.tanh(1.0)) + 0.35), 1)}
    assert list(virality_components(frame)) == ["momentum", "headroom", "engagement", "novelty", "virality"]


def test_virality_renormalises_the_weights_of_present_columns():
    frame = pd.DataFrame({"momentum": [50.0, -50.0], "novelty": [0.0, 1.0]})
    assert virality_score(frame).tolist() == [round(100 * 0.4 / 0.5, 1), round(100 * 0.1 / 0.5, 1)]
    old = pd.DataFrame({"growth": [8.0, 1.0], "p_value": [0.01, 0.01], "reach": [0.0, 1.0]})
    weights = {"growth": 0.35, "reach": 0.1}
    assert virality_score(old, weights).tolist() == [round(100 * 0.35 / 0.45, 1), round(100 * 0.1 / 0.45, 1)]
    assert virality_score(old, {"reach": 1.0, "novelty": 5.0}).tolist() == [0.0, 100.0]
    assert list(virality_components(old, weights)) == ["growth", "reach", "virality"]


@pytest.mark.parametrize(
    ("frame", "weights", "match"),
    [
        ({"growth": [2.0]}, {"growth": 1.0}, "needs a 'p_value' column"),
        ({"reach": [1.5]}, {"reach": 1.0}, "must lie in \\[0, 1\\]"),
        ({"growth": [2.0], "p_value": [0.01]}, None, "no weighted virality component"),
        ({"reach": [0.5]}, {"likes": 1.0}, "unknown virality component"),
        ({"reach": [0.5]}, {"reach": -1.0}, "must be >= 0"),
        ({"views": [3]}, None, "no weighted virality component"),
    ],
)
def test_virality_rejects_bad_input(frame, weights, match):
    with pytest.raises(ConfigError, match=match):
        virality_score(pd.DataFrame(frame), weights)


unit = st.one_of(st.floats(0, 1), st.just(float("nan")))
row_st = st.fixed_dictionaries(
    {
        "momentum": st.one_of(st.floats(-5, 5), st.just(float("nan"))),
        "headroom": st.one_of(st.floats(-5, 5), st.just(float("nan"))),
        "growth": st.one_of(st.floats(0, 1e3), st.just(float("nan"))),
        "p_value": st.floats(0, 1),
        "burst_share": unit,
        "acceleration": st.one_of(st.floats(-10, 10), st.just(float("nan"))),
        "engagement": st.one_of(st.floats(-30, 30), st.just(float("nan"))),
        "reach": unit,
        "novelty": unit,
    }
)


@given(rows=st.lists(row_st, min_size=1, max_size=8))
def test_virality_is_a_per_row_score_between_0_and_100(rows):
    scores = virality_score(pd.DataFrame(rows))
    assert scores.between(0, 100).all()
    for i, row in enumerate(rows):  # a trend's score does not depend on the other trends
        assert virality_score(pd.DataFrame([row])).iloc[0] == scores.iloc[i]


@given(row=row_st, factor=st.floats(1.0, 100.0))
def test_significant_growth_never_lowers_a_score_that_weighs_it(row, factor):
    row = {**row, "p_value": 0.01, "growth": 1.0 if math.isnan(row["growth"]) else row["growth"]}
    higher = {**row, "growth": row["growth"] * factor}
    weights = {"growth": 0.35, "burst_share": 0.15, "reach": 0.1, "momentum": 0.4}
    before, after = (virality_score(pd.DataFrame([r]), weights).iloc[0] for r in (row, higher))
    assert after >= before


@given(row=row_st, step=st.floats(0.0, 10.0))
def test_more_momentum_or_headroom_never_lowers_the_score(row, step):
    for column in ("momentum", "headroom"):
        base = {**row, column: 0.0 if math.isnan(row[column]) else row[column]}
        higher = {**base, column: base[column] + step}
        assert virality_score(pd.DataFrame([higher])).iloc[0] >= virality_score(pd.DataFrame([base])).iloc[0]
