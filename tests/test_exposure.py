"""Engagement read once favours old posts: exposure time and the per-exposure baselines (issue 22, part 2)."""

from __future__ import annotations

from datetime import datetime, timezone

import numpy as np
from scipy.stats import spearmanr

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens import load_corpus
from trendlens.corpus.observations import exposure_seconds
from trendlens.signals.stats import exposure_groups, robust_engagement


def test_exposure_is_read_from_a_collection_time_or_the_latest_observation():
    posted = {"id": "p1", "text": "Moving to Bluesky today", "timestamp": "2025-04-20T00:00:00Z", "likes": 3}
    (doc,) = load_corpus([posted | {"collected_at": "2025-04-25T12:00:00Z"}])
    assert exposure_seconds(doc) == 5.5 * 86_400
    (unknown,) = load_corpus([posted])
    assert np.isnan(exposure_seconds(unknown))
    seen = [posted, posted | {"timestamp": "2025-04-22T00:00:00Z", "likes": 9}]  # one post observed twice
    (item,) = load_corpus(seen)
    assert item.engagement.likes == 9 and exposure_seconds(item) == 2 * 86_400
    (early,) = load_corpus([posted | {"collected_at": "2025-04-19"}])  # read before it was posted: 0
    assert exposure_seconds(early) == 0.0
    assert item.timestamp == datetime(2025, 4, 20, tzinfo=timezone.utc)


def test_per_exposure_baselines_take_the_age_out_of_real_bluesky_likes():
    records = read_jsonl_gz(CORPORA / "bluesky_migration.jsonl.gz")
    corpus = load_corpus([r | {"collected_at": "2025-04-25T00:00:00Z"} for r in records])
    likes = np.array([np.nan if d.engagement.likes is None else float(d.engagement.likes) for d in corpus])
    ages = np.array([exposure_seconds(d) for d in corpus])
    sources = np.array([d.source or "" for d in corpus], dtype=object)
    known = np.isfinite(likes)
    per_source = robust_engagement(likes, sources)
    groups = exposure_groups(sources, ages)
    per_exposure = robust_engagement(likes, groups)
    assert len(set(groups.tolist())) >= 5  # several exposure buckets have their own baseline
    before = spearmanr(per_source[known], ages[known]).statistic
    after = spearmanr(per_exposure[known], ages[known]).statistic
    assert abs(after) < abs(before) / 2, (before, after)
