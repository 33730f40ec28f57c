"""Placing real clusters in the shipped taxonomy with the real model."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens.hierarchy import default_taxonomy
from trendlens.hierarchy.mapping import MAPPED_LEVELS, TaxonomyMapper

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def mapper(embedder):
    return TaxonomyMapper(default_taxonomy(), embedder)


def place_category(mapper, embedder, records, category, n=40):
    texts = [r["text"] for r in records if r["category"] == category][-n:]
    vector = mapper.trend_vector(embedder.encode(texts), keywords=[], examples=texts[:3])
    return mapper.place(vector[None, :])[0]


def test_sports_and_politics_land_under_different_big_social_trends(mapper, embedder, huffpost_records):
    sports = place_category(mapper, embedder, huffpost_records, "SPORTS")
    politics = place_category(mapper, embedder, huffpost_records, "POLITICS")
    assert sports.mapped and politics.mapped
    assert sports.at("big_social_trend").node_id != politics.at("big_social_trend").node_id
    for placement in (sports, politics):
        assert placement.at("big_social_trend").confidence >= 0.5, placement


def test_confidence_never_falls_going_up_the_hierarchy(mapper, embedder, huffpost_records):
    placement = place_category(mapper, embedder, huffpost_records, "FOOD & DRINK")
    confidences = [placement.at(level).confidence for level in MAPPED_LEVELS]
    assert confidences == sorted(confidences)
    assert [m.level for m in placement.levels] == list(MAPPED_LEVELS)
    # the chosen nodes form one path of the taxonomy
    tax = default_taxonomy()
    path = [n.id for n in tax.path(placement.at("consumer_trend").node_id)]
    assert path == [placement.at(level).node_id for level in reversed(MAPPED_LEVELS)]


def test_nonsense_text_is_unmapped(mapper, embedder):
    rng = np.random.default_rng(0)
    letters = np.array(list("qxzjvkwpfgb"))
    texts = ["".join(rng.choice(letters, 12)) + " " + "".join(rng.choice(letters, 9)) for _ in range(30)]
    vector = mapper.trend_vector(embedder.encode(texts), keywords=[], examples=texts[:3])
    placement = mapper.place(vector[None, :])[0]
    assert not placement.mapped
    assert {m.name for m in placement.levels} == {"unmapped / novel"}
