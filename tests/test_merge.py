"""Fine clusters merged into consumer trends: synthetic centroids, then the detector fitted on real headlines."""

from __future__ import annotations

import math

import numpy as np
import pytest

from trendlens.errors import ConfigError
from trendlens.topics.merge import MAX_DISTANCE, merge_clusters


def _unit(*values: float) -> np.ndarray:
    vector = np.array(values, dtype=np.float64)
    return vector / np.linalg.norm(vector)


#: Two tight pairs (0 with 3, 1 with 4) on orthogonal axes, and a loner (2) on a third axis.
CENTROIDS = {
    0: _unit(1, 0.05, 0, 0),
    1: _unit(0, 1, 0, 0.05),
    2: _unit(0, 0, 1, 0),
    3: _unit(1, -0.05, 0, 0.02),
    4: _unit(0.02, 1, 0, -0.05),
}
SIZES = {0: 5, 1: 20, 2: 15, 3: 5, 4: 1}  # totals: pair (1, 4) 21, loner 15, pair (0, 3) 10
KEYWORDS = {
    0: ["coffee", "espresso", "barista"],
    3: ["coffee shops", "latte"],
    1: ["oat milk", "plant based", "vegan"],
    4: ["vegan", "tofu"],
    2: ["sneakers", "running shoes", "sneakers resale"],
}


def test_two_pairs_and_a_loner_make_three_groups_numbered_by_size():
    groups = merge_clusters(CENTROIDS, SIZES, KEYWORDS)
    assert set(groups) == set(CENTROIDS)
    assert groups[1] is groups[4] and groups[0] is groups[3]
    assert len({id(g) for g in groups.values()}) == 3
    assert [(g.id, g.members, g.size) for g in (groups[1], groups[2], groups[0])] == [
        (0, (1, 4), 21),
        (1, (2,), 15),
        (2, (0, 3), 10),
    ]


def test_numbering_follows_the_data_not_the_input_order():
    reordered = {k: CENTROIDS[k] for k in (4, 2, 0, 3, 1)}
    assert merge_clusters(reordered, SIZES, KEYWORDS) == merge_clusters(CENTROIDS, SIZES, KEYWORDS)
    # Equal totals: the group holding the smallest cluster id comes first.
    even = {0: 4, 1: 3, 2: 2, 3: 4, 4: 5}  # pair (0, 3) 8, pair (1, 4) 8, loner 2
    groups = merge_clusters(CENTROIDS, even, KEYWORDS)
    assert (groups[0].id, groups[1].id, groups[2].id) == (0, 1, 2)


def test_zero_distance_merges_nothing():
    groups = merge_clusters(CENTROIDS, SIZES, KEYWORDS, max_distance=0)
    assert [groups[c].members for c in sorted(groups)] == [(0,), (1,), (2,), (3,), (4,)]
    assert [groups[c].id for c in (1, 2, 0, 3, 4)] == [0, 1, 2, 3, 4]  # sizes 20, 15, 5, 5, 1; ties by id
    identical = {0: _unit(1, 0), 1: _unit(1, 0)}
    assert len({g.id for g in merge_clusters(identical, {0: 1, 1: 1}, {0: [], 1: []}, max_distance=0).values()}) == 2


def test_cut_height_decides_which_clusters_merge():
    # The pairs are ~0.005 apart and orthogonal to each other (distance 1).
    assert len({g.id for g in merge_clusters(CENTROIDS, SIZES, KEYWORDS, max_distance=0.001).values()}) == 5
    assert len({g.id for g in merge_clusters(CENTROIDS, SIZES, KEYWORDS, max_distance=MAX_DISTANCE).values()}) == 3
    (everything,) = {merge_clusters(CENTROIDS, SIZES, KEYWORDS, max_distance=1.5)[c] for c in CENTROIDS}
    assert everything.members == (0, 1, 2, 3, 4) and everything.size == sum(SIZES.values())


def test_centroids_need_not_be_unit_length():
    scaled = {c: v * (c + 1) * 7.5 for c, v in CENTROIDS.items()}
    assert merge_clusters(scaled, SIZES, KEYWORDS) == merge_clusters(CENTROIDS, SIZES, KEYWORDS)


@pytest.mark.parametrize("bad", [-0.1, 2.0, 2.5, math.nan])
def test_invalid_distance_raises(bad):
    with pytest.raises(ConfigError, match="max_distance"):
        merge_clusters(CENTROIDS, SIZES, KEYWORDS, max_distance=bad)


def test_empty_and_single_inputs():
    assert merge_clusters({}, {}, {}) == {}
    (only,) = merge_clusters({7: _unit(1, 2)}, {7: 9}, {7: ["oat milk", "oat", "barista"]}).values()
    assert (only.id, only.members, only.size, only.keywords) == (0, (7,), 9, ("oat milk", "oat", "barista"))


def test_group_name_and_keywords_are_weighted_by_member_size():
    groups = merge_clusters(CENTROIDS, SIZES, KEYWORDS)
    plant = groups[1]
    # oat milk 20, plant based 13.3, vegan 6.7 + 1 (from the small cluster), tofu 0.5
    assert plant.keywords == ("oat milk", "plant based", "vegan", "tofu")
    assert plant.name == "oat milk / plant based / vegan"
    # A pair of equal sizes: keywords interleave by rank, the first cluster's first.
    assert groups[0].keywords[:2] == ("coffee", "coffee shops")
    # The same clusters with the sizes swapped: the now bigger cluster's keywords lead.
    swapped = merge_clusters(CENTROIDS, {**SIZES, 1: 1, 4: 20}, KEYWORDS)[1]
    assert swapped.keywords[:2] == ("vegan", "tofu")
    assert swapped.name.startswith("vegan / tofu")
    # A loner is named from its own keywords (the label skips a keyword repeating a kept one).
    assert groups[2].keywords == ("sneakers", "running shoes", "sneakers resale")
    assert groups[2].name == "sneakers / running shoes"


def test_n_keywords_bounds_the_group_keywords():
    groups = merge_clusters(CENTROIDS, SIZES, KEYWORDS, n_keywords=2)
    assert groups[1].keywords == ("oat milk", "plant based")
    assert all(len(g.keywords) <= 2 for g in groups.values())


def test_a_zero_centroid_is_refused_by_name():
    centroids = {**CENTROIDS, 5: np.zeros(4)}
    with pytest.raises(ConfigError, match=r"clusters \[5\] have a zero"):
        merge_clusters(centroids, {**SIZES, 5: 1}, {**KEYWORDS, 5: ["nothing"]})


# --- on the detector fitted on real headlines --------------------------------------------------------------------


@pytest.mark.slow
def test_every_trend_belongs_to_one_consistent_group(fitted):
    ids = [int(t) for t in fitted.trends_.index]
    assert set(fitted.groups_) == set(ids)
    sizes = {t: int(fitted.trends_.at[t, "size"]) for t in ids}
    by_group: dict[int, set[int]] = {}
    for trend, group in fitted.groups_.items():
        assert trend in group.members
        assert group.size == sum(sizes[m] for m in group.members)
        for member in group.members:
            assert fitted.groups_[member] == group  # every member holds the same TrendGroup
        by_group.setdefault(group.id, set()).add(trend)
        assert fitted.trends_.at[trend, "consumer_trend_group"] == group.id
        assert fitted.trends_.at[trend, "consumer_trend_name"] == group.name
        assert group.name and len(group.keywords) <= 10
    for number, members in by_group.items():
        assert members == set(next(g for g in fitted.groups_.values() if g.id == number).members)
    # The members of the groups partition the trends, and groups are numbered 0.. by decreasing size.
    assert sorted(t for members in by_group.values() for t in members) == sorted(ids)
    assert sorted(by_group) == list(range(len(by_group)))
    totals = [next(g.size for g in fitted.groups_.values() if g.id == n) for n in sorted(by_group)]
    assert totals == sorted(totals, reverse=True)


@pytest.mark.slow
def test_merged_consumer_trends_are_placed_in_the_taxonomy_themselves(fitted):
    groups = {g.id: g for g in fitted.groups_.values()}
    for group in groups.values():
        if len(group.members) == 1:
            assert group.hierarchy == ()
        else:
            assert [h.level for h in group.hierarchy] == [
                "consumer_trend",
                "big_social_trend",
                "worldwide_social_trend",
                "social_drive",
            ]
            assert all(0 <= h.confidence <= 1 for h in group.hierarchy)


def test_n_groups_cuts_the_same_tree_into_that_many_groups():
    three = merge_clusters(CENTROIDS, SIZES, KEYWORDS, max_distance=0.0, n_groups=3)
    assert sorted({g.members for g in three.values()}) == [(0, 3), (1, 4), (2,)]
    two = {g.members for g in merge_clusters(CENTROIDS, SIZES, KEYWORDS, n_groups=2).values()}
    blocks = [{0, 3}, {1, 4}, {2}]  # a coarser cut of the same tree only joins whole pairs
    assert len(two) == 2 and all(set(m) == set().union(*(b for b in blocks if b <= set(m))) for m in two)
    one = merge_clusters(CENTROIDS, SIZES, KEYWORDS, n_groups=1)
    assert {g.members for g in one.values()} == {(0, 1, 2, 3, 4)}
    as_many = merge_clusters(CENTROIDS, SIZES, KEYWORDS, n_groups=5)
    assert all(g.members == (c,) for c, g in as_many.items())


def test_n_groups_must_be_positive():
    with pytest.raises(ConfigError, match="n_groups"):
        merge_clusters(CENTROIDS, SIZES, KEYWORDS, n_groups=0)


def _pair(distance: float, axes: tuple[int, int], dims: int = 6) -> tuple[np.ndarray, np.ndarray]:
    """Two unit vectors in the plane of ``axes`` whose cosine distance is ``distance``."""
    angle = math.acos(1 - distance)
    first, second = np.zeros(dims), np.zeros(dims)
    first[axes[0]] = 1
    second[axes[0]], second[axes[1]] = math.cos(angle), math.sin(angle)
    return first, second


def test_a_merge_just_above_the_cut_joins_when_the_next_merge_is_far_above():
    # Pair (0, 1) merges at 0.506, pair (2, 3) at 0.58; everything else is 1 apart. A hard cut at
    # 0.5 would split both pairs on the third decimal; the widest gap in the band lies between 0.506
    # and 0.58, so the first pair is one consumer trend and the second is two.
    a, b = _pair(0.506, (0, 1))
    c, d = _pair(0.58, (2, 3))
    groups = merge_clusters({0: a, 1: b, 2: c, 3: d}, {0: 4, 1: 3, 2: 2, 3: 1}, {i: [] for i in range(4)})
    assert sorted({g.members for g in groups.values()}) == [(0, 1), (2,), (3,)]


def test_facets_far_apart_in_time_stay_apart_and_facets_together_in_time_merge():
    a, b = _pair(0.46, (0, 1))
    far = np.zeros(6)
    far[4] = 1
    centroids, sizes, words = {0: a, 1: b, 2: far}, {0: 30, 1: 20, 2: 5}, {0: [], 1: [], 2: []}
    assert merge_clusters(centroids, sizes, words)[0].members == (0, 1)
    together = {0: np.array([2, 9, 12, 5, 1, 0.0]), 1: np.array([1, 6, 8, 4, 1, 0.0]), 2: np.ones(6)}
    assert merge_clusters(centroids, sizes, words, profiles=together)[0].members == (0, 1)
    # Two floods a month apart: alike in words, disjoint in time.
    apart = {0: np.array([20, 10, 0, 0, 0, 0.0]), 1: np.array([0, 0, 0, 0, 8, 12.0]), 2: np.ones(6)}
    assert merge_clusters(centroids, sizes, words, profiles=apart)[0].members == (0,)
    # Too few windows to tell a time profile: meaning alone decides.
    short = {k: v[:3] for k, v in apart.items()}
    assert merge_clusters(centroids, sizes, words, profiles=short)[0].members == (0, 1)
