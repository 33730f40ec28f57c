"""Time signals on synthetic series with known answers."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendlens import ConfigError
from trendlens.signals import growth, window_counts, windows_of


def stamps(*values: str) -> np.ndarray:
    return np.array(values, dtype="datetime64[s]")


def test_windows_by_month_week_day():
    ts = stamps("2020-03-01T23:00:00", "2020-03-02T01:00:00", "2020-03-31T00:00:00", "NaT")
    assert list(windows_of(ts, "month")) == ["2020-03", "2020-03", "2020-03", ""]
    assert list(windows_of(ts, "day")) == ["2020-03-01", "2020-03-02", "2020-03-31", ""]
    # 2020-03-01 is a Sunday: it belongs to the week starting Monday 2020-02-24.
    assert list(windows_of(ts, "week")) == ["2020-02-24", "2020-03-02", "2020-03-30", ""]


def test_unknown_window_is_a_config_error():
    with pytest.raises(ConfigError, match="window must be one of"):
        windows_of(stamps("2020-01-01"), "fortnight")


def test_window_counts_fill_zeros_and_share_of_all_documents():
    labels = np.array([0, 0, -1, 1, 0, 1, -1, -1])
    windows = np.array(["2020-01", "2020-01", "2020-01", "2020-01", "2020-03", "2020-03", "2020-03", ""], dtype=object)
    tidy = window_counts(labels, windows)
    got = {(r.trend, r.window): (r.count, r.total) for r in tidy.itertuples()}
    assert got == {
        (0, "2020-01"): (2, 4),
        (0, "2020-03"): (1, 3),
        (1, "2020-01"): (1, 4),
        (1, "2020-03"): (1, 3),
    }
    assert tidy.loc[(tidy.trend == 0) & (tidy.window == "2020-01"), "share"].item() == pytest.approx(0.5)


def test_growth_is_one_when_the_share_holds():
    assert growth(50, 500, 500, 5000) == pytest.approx(1.0, abs=0.01)


def test_growth_detects_a_doubling_and_a_halving():
    assert growth(200, 1000, 1000, 10000) == pytest.approx(2.0, rel=0.02)
    assert growth(50, 1000, 1000, 10000) == pytest.approx(0.5, rel=0.03)


def test_growth_is_finite_for_a_new_trend_and_tempered_for_few_documents():
    new = growth(30, 100, 0, 10000)
    assert math.isfinite(new) and new > 50
    assert growth(2, 100, 10, 10000) < growth(20, 1000, 100, 100000)  # same rates, more evidence


def test_growth_nan_without_documents():
    assert math.isnan(growth(0, 0, 10, 100))


@given(
    labels=st.lists(st.integers(-1, 3), min_size=1, max_size=60),
    months=st.lists(st.integers(1, 4), min_size=60, max_size=60),
    k=st.integers(2, 5),
)
def test_shares_do_not_change_when_every_document_is_repeated(labels, months, k):
    windows = np.array([f"2020-0{m}" for m in months[: len(labels)]], dtype=object)
    once = window_counts(np.array(labels), windows)
    repeated = window_counts(np.repeat(np.array(labels), k), np.repeat(windows, k))
    assert list(repeated["count"]) == [k * c for c in once["count"]]
    assert np.allclose(repeated["share"], once["share"])


@given(rc=st.integers(0, 500), rt=st.integers(1, 500), bc=st.integers(0, 5000), bt=st.integers(1, 5000))
def test_growth_lies_between_one_and_the_raw_ratio(rc, rt, bc, bt):
    rc, bc = min(rc, rt), min(bc, bt)
    baseline = (bc + 0.5) / (bt + 1.0)
    raw = (rc / rt) / baseline
    assert min(1.0, raw) - 1e-9 <= growth(rc, rt, bc, bt) <= max(1.0, raw) + 1e-9


@given(rc=st.integers(0, 100), extra=st.integers(1, 50), rt=st.integers(150, 300), bc=st.integers(0, 100))
def test_growth_increases_with_recent_count(rc, extra, rt, bc):
    assert growth(rc + extra, rt, bc, 1000) > growth(rc, rt, bc, 1000)
