"""Window choice, rate tests, trailing growth, bursts, acceleration, engagement: known answers."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import ConfigError
from trendlens.signals import (
    acceleration,
    choose_window,
    decline_test,
    growth,
    kleinberg_bursts,
    rate_test,
    robust_engagement,
    trailing_growth,
)

#: One trend at 1% of 1000 documents per window, jumping to 10% in windows 10-14.
JUMP_COUNTS = np.array([10] * 10 + [100] * 5 + [10] * 5)
JUMP_TOTALS = np.full(20, 1000)


def span(days: int) -> np.ndarray:
    start = np.datetime64("2021-03-01T12:00:00")
    return np.array([start + np.timedelta64(days, "D"), "NaT", start], dtype="datetime64[s]")


@pytest.mark.parametrize(("days", "window"), [(0, "day"), (20, "day"), (21, "week"), (100, "month"), (900, "month")])
def test_choose_window_of_a_sparse_corpus_is_the_coarsest_that_spans_four(days, window):
    assert choose_window(span(days)) == window


def every(hours: float, days: int) -> np.ndarray:
    """One document every ``hours`` for ``days`` days."""
    step = np.timedelta64(int(hours * 3600), "s")
    return np.datetime64("2021-03-01T00:00:00") + step * np.arange(int(days * 24 / hours))


def test_choose_window_follows_the_density_not_the_span():
    assert choose_window(every(0.2, 10)) == "day"  # 120 a day: days, as before
    assert choose_window(every(0.2, 400)) == "day"  # the same density for a year still gets days
    assert choose_window(every(1, 400)) == "week"  # 24 a day, 168 a week
    assert choose_window(every(8, 1800)) == "month"  # 3 a day for five years: months


def test_choose_window_gives_bursty_events_days():
    """Thirteen 3-day bursts of 300 posts in a year, a trickle of 2 a day between them."""
    bursts = [every(0.24, 3) + np.timedelta64(28 * k, "D") for k in range(13)]
    assert choose_window(np.concatenate([every(12, 365), *bursts])) == "day"
    assert choose_window(every(12, 365)) == "month"


def test_choose_window_without_timestamps_is_month():
    assert choose_window(np.array([], dtype="datetime64[s]")) == "month"
    assert choose_window(np.array(["NaT", "NaT"], dtype="datetime64[s]")) == "month"


def test_rate_tests_match_hand_computed_binomial_tails():
    # k = 4 documents, q = 1/2: P(X >= 3) = (4 + 1) / 16.
    assert rate_test(3, 10, 1, 10) == pytest.approx(5 / 16)
    assert decline_test(3, 10, 1, 10) == pytest.approx(15 / 16)  # P(X <= 3) = 1 - 1/16
    # k = 2, q = 10 / 40: P(X >= 2) = 1/16; P(X <= 0) = (3/4)^2.
    assert rate_test(2, 10, 0, 30) == pytest.approx(1 / 16)
    assert decline_test(0, 10, 2, 30) == pytest.approx(9 / 16)


def test_rate_tests_are_one_without_evidence():
    for test in (rate_test, decline_test):
        assert test(0, 10, 0, 10) == 1.0  # the trend has no documents
        assert test(3, 10, 2, 0) == 1.0  # no baseline period
        assert test(0, 0, 2, 10) == 1.0  # no recent period


def test_rate_tests_are_vectorised():
    rc, rt, bc, bt = np.array([3, 2, 0]), np.array([10, 10, 10]), np.array([1, 0, 0]), np.array([10, 30, 10])
    got = rate_test(rc, rt, bc, bt)
    assert isinstance(got, np.ndarray)
    assert got == pytest.approx([5 / 16, 1 / 16, 1.0])
    assert isinstance(rate_test(3, 10, 1, 10), float)


def test_rate_tests_reject_negative_counts():
    with pytest.raises(ConfigError, match="recent_count must be non-negative"):
        rate_test(-1, 10, 1, 10)
    with pytest.raises(ConfigError, match="baseline_total"):
        decline_test(1, 10, 1, np.nan)


counts_st = st.tuples(st.integers(0, 200), st.integers(1, 400), st.integers(0, 200), st.integers(1, 400))


@given(counts_st)
def test_rate_test_is_the_decline_test_with_periods_swapped(args):
    rc, rt, bc, bt = args
    assert rate_test(rc, rt, bc, bt) == pytest.approx(decline_test(bc, bt, rc, rt), rel=1e-9, abs=1e-300)


@given(counts_st)
def test_more_recent_documents_never_raise_the_p_value(args):
    rc, rt, bc, bt = args
    assert rate_test(rc + 1, rt, bc, bt) <= rate_test(rc, rt, bc, bt) + 1e-12
    assert decline_test(rc + 1, rt, bc, bt) >= decline_test(rc, rt, bc, bt) - 1e-12


@given(counts_st)
def test_the_two_tails_cover_every_outcome(args):
    assert rate_test(*args) + decline_test(*args) >= 1 - 1e-12


def test_trailing_growth_of_a_flat_series_is_one_and_not_significant():
    g, p_up, p_down = trailing_growth(np.full(12, 50), np.full(12, 1000))
    assert math.isnan(g[0]) and p_up[0] == 1.0 and p_down[0] == 1.0
    assert g[1:] == pytest.approx(1.0, abs=0.02)
    assert (p_up > 0.3).all() and (p_down > 0.3).all()


def test_trailing_growth_compares_with_the_previous_windows():
    counts, totals = np.array([1, 2, 3, 10, 4]), np.array([10, 20, 30, 40, 50])
    g, p_up, p_down = trailing_growth(counts, totals, baseline_windows=2, prior_docs=5.0)
    # Window 3 against windows 1-2 only; window 1 against window 0 only.
    assert g[3] == pytest.approx(growth(10, 40, 5, 50, prior_docs=5.0))
    assert g[1] == pytest.approx(growth(2, 20, 1, 10, prior_docs=5.0))
    assert p_up[3] == pytest.approx(rate_test(10, 40, 5, 50))
    assert p_down[4] == pytest.approx(decline_test(4, 50, 13, 70))


def test_trailing_growth_detects_a_jump_and_a_fall():
    g, p_up, p_down = trailing_growth(JUMP_COUNTS, JUMP_TOTALS)
    assert g[10] > 5 and p_up[10] < 1e-6
    assert (p_up[1:10] > 0.05).all()
    assert g[15] < 0.5 and p_down[15] < 1e-6


def test_trailing_growth_without_baseline_documents_is_nan():
    g, p_up, p_down = trailing_growth(np.array([0, 5, 5]), np.array([0, 50, 50]))
    assert math.isnan(g[1]) and p_up[1] == 1.0 and p_down[1] == 1.0
    assert g[2] == pytest.approx(growth(5, 50, 5, 50))  # the empty window adds nothing to the baseline


@pytest.mark.parametrize(
    ("counts", "totals", "kwargs", "match"),
    [
        ([1, 2], [10, 10], {"baseline_windows": 0}, "baseline_windows must be >= 1"),
        ([1, 20], [10, 10], {}, "counts cannot exceed totals"),
        ([1, 2], [10], {}, "same length"),
        ([1.5, 2], [10, 10], {}, "whole numbers"),
    ],
)
def test_trailing_growth_rejects_bad_input(counts, totals, kwargs, match):
    with pytest.raises(ConfigError, match=match):
        trailing_growth(np.array(counts), np.array(totals), **kwargs)


def test_kleinberg_finds_exactly_the_jump_windows():
    bursts = kleinberg_bursts(JUMP_COUNTS, JUMP_TOTALS)
    assert bursts.dtype == bool
    assert np.flatnonzero(bursts).tolist() == [10, 11, 12, 13, 14]


def test_kleinberg_flat_series_has_no_burst():
    assert not kleinberg_bursts(np.full(30, 10), np.full(30, 1000)).any()


def test_kleinberg_enters_a_burst_only_when_it_pays_the_transition_cost():
    from scipy.stats import binom

    counts, totals = np.array([5, 5, 20, 5]), np.full(4, 100)
    p0 = 35 / 400  # p1 = 2 * p0
    gain = binom.logpmf(20, 100, 2 * p0) - binom.logpmf(20, 100, p0)  # cheaper emission of window 2 in state 1
    threshold = gain / math.log(4)
    assert kleinberg_bursts(counts, totals, gamma=0.99 * threshold).tolist() == [False, False, True, False]
    assert not kleinberg_bursts(counts, totals, gamma=1.01 * threshold).any()


def test_kleinberg_windows_without_documents_stay_in_the_base_state():
    counts = np.array([1, 1, 60, 0, 60, 1, 1])
    totals = np.array([100, 100, 100, 0, 100, 100, 100])
    assert np.flatnonzero(kleinberg_bursts(counts, totals)).tolist() == [2, 4]


def test_kleinberg_without_documents_or_windows_has_no_burst():
    assert kleinberg_bursts(np.zeros(5, dtype=int), np.full(5, 100)).tolist() == [False] * 5
    assert kleinberg_bursts(np.array([], dtype=int), np.array([], dtype=int)).size == 0


def test_kleinberg_rejects_bad_parameters():
    with pytest.raises(ConfigError, match="s .* must be > 1"):
        kleinberg_bursts(JUMP_COUNTS, JUMP_TOTALS, s=1.0)
    with pytest.raises(ConfigError, match="gamma"):
        kleinberg_bursts(JUMP_COUNTS, JUMP_TOTALS, gamma=-1)


@given(
    sizes=st.lists(st.integers(1, 40), min_size=1, max_size=25),
    rate=st.tuples(st.integers(1, 9), st.integers(10, 50)),
    s=st.floats(1.1, 5.0),
)
def test_kleinberg_never_bursts_at_a_constant_share(sizes, rate, s):
    a, b = rate  # every window holds exactly a / b of its documents
    m = np.array(sizes)
    assert not kleinberg_bursts(a * m, b * m, s=s).any()


def test_acceleration_is_the_change_of_log_growth():
    got = acceleration(np.array([1.0, 2.0, 4.0, 4.0, 2.0]))
    assert math.isnan(got[0])
    assert got[1:] == pytest.approx([math.log(2), math.log(2), 0.0, -math.log(2)])


def test_acceleration_is_nan_next_to_unusable_growth():
    got = acceleration(np.array([2.0, np.nan, 2.0, 0.0, 3.0, -1.0, 3.0, 6.0]))
    assert np.isnan(got[:7]).all()
    assert got[7] == pytest.approx(math.log(2))
    assert acceleration(np.array([])).size == 0


@given(st.lists(st.floats(0.01, 100.0), min_size=2, max_size=30))
def test_acceleration_adds_up_to_the_overall_change(values):
    g = np.array(values)
    assert np.nansum(acceleration(g)) == pytest.approx(math.log(g[-1] / g[0]), abs=1e-9)


def test_robust_engagement_known_z_scores():
    values = np.expm1([0.0, 1.0, 2.0, 3.0, 4.0])  # log1p gives 0..4: median 2, MAD 1
    z = robust_engagement(values, np.array(["a"] * 5))
    assert z == pytest.approx((np.arange(5) - 2) / 1.4826)


def test_robust_engagement_falls_back_to_mean_deviation_then_zero():
    values = np.expm1([1.0, 1.0, 1.0, 3.0, 5.0, 5.0])
    groups = np.array(["tied"] * 4 + ["same"] * 2)
    z = robust_engagement(values, groups)
    # "tied": median 1, MAD 0, mean absolute deviation 0.5 -> scale 1.2533 * 0.5.
    assert z[:4] == pytest.approx([0, 0, 0, 2 / (1.2533 * 0.5)])
    assert z[4:].tolist() == [0.0, 0.0]


def test_robust_engagement_keeps_nan_and_ignores_it():
    values = np.array([np.nan, 0.0, 1.0, 3.0, 7.0])
    z = robust_engagement(values, np.array([None, None, None, None, None], dtype=object))
    assert math.isnan(z[0])
    assert z[1:] == pytest.approx(robust_engagement(values[1:], np.array(["x"] * 4)))


def test_robust_engagement_rejects_bad_input():
    with pytest.raises(ConfigError, match="non-negative"):
        robust_engagement(np.array([1.0, -2.0]), np.array(["a", "a"]))
    with pytest.raises(ConfigError, match="same length"):
        robust_engagement(np.array([1.0, 2.0]), np.array(["a"]))


engagement_st = st.lists(st.one_of(st.floats(0, 1e4), st.just(float("nan"))), min_size=1, max_size=30)


@given(values=engagement_st, other=st.lists(st.floats(1e6, 1e12), min_size=1, max_size=10))
def test_another_group_does_not_change_z_scores(values, other):
    alone = robust_engagement(np.array(values), np.array(["a"] * len(values)))
    mixed_values = np.array(other[:1] + values + other[1:])
    mixed_groups = np.array(["b"] + ["a"] * len(values) + ["b"] * (len(other) - 1))
    together = robust_engagement(mixed_values, mixed_groups)
    np.testing.assert_allclose(together[1 : 1 + len(values)], alone, rtol=1e-12, equal_nan=True)


@given(
    rows=st.lists(st.tuples(st.floats(0, 1e4), st.sampled_from(["x", "y", "z"])), min_size=1, max_size=40),
    seed=st.integers(0, 2**32 - 1),
)
def test_robust_engagement_does_not_depend_on_order(rows, seed):
    values, groups = np.array([r[0] for r in rows]), np.array([r[1] for r in rows], dtype=object)
    order = np.random.default_rng(seed).permutation(len(rows))
    z = robust_engagement(values, groups)
    np.testing.assert_allclose(robust_engagement(values[order], groups[order]), z[order], rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize(
    ("name", "window"), [("crisislex_dev", "day"), ("huffpost", "month"), ("bluesky_migration", "week")]
)
def test_choose_window_on_real_corpora_bursty_events_get_days(name, window):
    """Crisis tweets crowding into event days get days (by span alone they got months); headlines keep months."""
    stamps = [r.get("timestamp") or r.get("date") for r in read_jsonl_gz(CORPORA / f"{name}.jsonl.gz")]
    timestamps = pd.to_datetime(stamps, utc=True, format="mixed").tz_localize(None).to_numpy("datetime64[s]")
    assert (timestamps.max() - timestamps.min()) > np.timedelta64(365, "D")
    assert choose_window(timestamps) == window
