"""The emergence back-test on real CrisisLex tweets of three crisis events, with the real model."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import TrendDetector, load_corpus
from trendlens.eval.backtest import emergence_backtest

pytestmark = pytest.mark.slow

EVENTS = ("2013_Boston_bombings", "2013_Alberta_floods", "2012_Costa_Rica_earthquake")


@pytest.fixture(scope="module")
def crisis():
    records = [r for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz") if r["event"] in EVENTS][::3]
    detector = TrendDetector(signals={"window": "day"}, show_progress=False).fit(load_corpus(records))
    event_of = {r["id"]: r["event"] for r in records}
    return detector, records, [event_of[d.id] for d in detector.corpus_]


def test_every_event_is_scored_from_its_own_first_day(crisis):
    detector, records, events = crisis
    result = emergence_backtest(detector, events)
    assert set(result["events"]) == set(EVENTS)
    kept = {d.id: str(d.timestamp.date()) for d in detector.corpus_}  # load_corpus drops exact duplicates
    for event, scored in result["events"].items():
        days = [kept[r["id"]] for r in records if r["event"] == event and r["id"] in kept]
        assert scored["first_document"] == min(days)
        assert scored["documents"] == len(days)
        first_day = min(days)
        if scored["first_emerging"] is not None:
            assert scored["first_emerging"] >= first_day and scored["lead_days"] >= 0
        # the first day with min_count (5) of the event's tweets: no window with fewer can be flagged
        per_day = {d: days.count(d) for d in days}
        assert scored["first_observable"] == min(d for d, n in per_day.items() if n >= 5)
        assert scored["first_observable"] >= first_day
        if scored["first_emerging"] is not None:
            assert scored["first_emerging"] >= scored["first_observable"]
            assert scored["lead_days_observable"] <= scored["lead_days"]
    assert result["flagged_within_1_day_of_observable"] >= result["flagged_within_1_day"]
    # three sudden, unrelated crises months apart: each gets its own trend, flagged within two weeks
    # (on this third of their tweets the slowest, measured, was 9 days; on all 13 events 7)
    assert result["recall"] == 1.0
    assert result["worst_lead_days"] <= 14
    assert 0 <= result["false_alarm_flags_per_window"] <= 1


def test_a_trend_mixing_events_is_a_false_alarm_not_a_hit(crisis):
    detector, _, events = crisis
    shuffled = np.random.default_rng(0).permutation(np.asarray(events, dtype=object))
    result = emergence_backtest(detector, shuffled, min_purity=0.9)
    # with events shuffled no trend is 90% one event, so every emerging flag is a false alarm
    assert result["recall"] == 0.0
    flagged = detector.signals_["lifecycle"].eq("emerging").any()
    assert (len(result["false_alarm_trends"]) > 0) == bool(flagged)


def test_event_labels_must_cover_every_document(crisis):
    detector, _, events = crisis
    with pytest.raises(ValueError, match="event labels"):
        emergence_backtest(detector, events[:-1])
