"""`match_clusters`: stable trend ids across runs, on synthetic document-id sets and centroids (no model)."""

from __future__ import annotations

import itertools
import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from trendlens.errors import ConfigError
from trendlens.jobs import Event, match_clusters

DIM = 8
ORDER = {"continued": 0, "split": 1, "born": 2, "merged": 3, "died": 4}


def axis(k: int) -> np.ndarray:
    """A unit vector along axis ``k``: centroids on different axes have cosine 0."""
    vector = np.zeros(DIM)
    vector[k] = 1.0
    return vector


def docs(prefix: str, n: int, start: int = 0) -> set[str]:
    return {f"{prefix}{i}" for i in range(start, start + n)}


def by_kind(events: tuple[Event, ...]) -> dict[str, list[Event]]:
    out: dict[str, list[Event]] = {}
    for e in events:
        out.setdefault(e.event, []).append(e)
    return out


def test_identical_clusters_all_continue_with_their_ids():
    previous = {10: docs("a", 6), 11: docs("b", 5), 12: docs("c", 7)}
    centroids = {10: axis(0), 11: axis(1), 12: axis(2)}
    # the same clusters, numbered differently by this run's clustering
    current = {0: docs("c", 7), 1: docs("a", 6), 2: docs("b", 5)}
    current_centroids = {0: axis(2), 1: axis(0), 2: axis(1)}
    known = set().union(*previous.values())

    m = match_clusters(previous, centroids, current, current_centroids, known_documents=known, next_id=13)

    assert m.ids == {0: 12, 1: 10, 2: 11}
    assert [e.event for e in m.events] == ["continued"] * 3
    assert [e.trend_id for e in m.events] == [10, 11, 12]
    assert all(e.overlap == 1.0 and e.similarity == pytest.approx(1.0) for e in m.events)
    assert all(e.other_trend_id is None for e in m.events)


def test_a_cluster_that_grew_with_new_documents_continues():
    # 3 known documents and 20 new ones: counting the new ones would give a Jaccard of 3/23 (< 0.2),
    # and the centroid moved (cosine 0.6 < 0.8), so only the "new documents cannot overlap" rule keeps the id.
    old_docs = docs("a", 3)
    grown = old_docs | docs("new", 20)
    moved = 0.6 * axis(0) + 0.8 * axis(1)
    m = match_clusters(
        {5: old_docs},
        {5: axis(0)},
        {0: grown},
        {0: moved},
        known_documents=old_docs | docs("x", 10),
        next_id=6,
    )
    assert m.ids == {0: 5}
    (event,) = m.events
    assert (event.event, event.trend_id, event.overlap) == ("continued", 5, 1.0)
    assert event.similarity == pytest.approx(0.6)


def test_new_documents_counted_as_known_lower_the_overlap():
    # the control of the test above: the same sets with the new documents declared known do not match
    old_docs = docs("a", 3)
    grown = old_docs | docs("new", 20)
    m = match_clusters(
        {5: old_docs},
        {5: axis(0)},
        {0: grown},
        {0: 0.6 * axis(0) + 0.8 * axis(1)},
        known_documents=grown,
        next_id=6,
    )
    assert m.ids == {0: 6}
    assert [(e.event, e.trend_id) for e in m.events] == [("born", 6), ("died", 5)]


def test_brand_new_clusters_are_born_with_ids_from_next_id_in_cluster_order():
    previous = {0: docs("a", 5)}
    centroids = {0: axis(0)}
    current = {7: docs("n", 6), 0: docs("a", 5), 3: docs("m", 4)}  # dict order is not cluster order
    current_centroids = {7: axis(3), 0: axis(0), 3: axis(2)}
    m = match_clusters(previous, centroids, current, current_centroids, known_documents=docs("a", 5), next_id=40)
    assert m.ids == {0: 0, 3: 40, 7: 41}
    assert [(e.event, e.trend_id) for e in m.events] == [("continued", 0), ("born", 40), ("born", 41)]
    born = [e for e in m.events if e.event == "born"]
    assert all(e.other_trend_id is None and e.overlap is None and e.similarity is None for e in born)


def test_first_run_everything_is_born():
    current = {1: docs("a", 5), 0: docs("b", 5)}
    m = match_clusters({}, {}, current, {1: axis(0), 0: axis(1)}, known_documents=set(), next_id=0)
    assert m.ids == {0: 0, 1: 1}
    assert [(e.event, e.trend_id) for e in m.events] == [("born", 0), ("born", 1)]


def test_an_old_trend_with_no_counterpart_dies():
    previous = {1: docs("a", 5), 2: docs("b", 5)}
    centroids = {1: axis(0), 2: axis(1)}
    # trend 2's documents are now outliers and nothing resembles its centroid
    current = {0: docs("a", 5)}
    m = match_clusters(
        previous, centroids, current, {0: axis(0)}, known_documents=docs("a", 5) | docs("b", 5), next_id=3
    )
    assert m.ids == {0: 1}
    assert [(e.event, e.trend_id, e.other_trend_id) for e in m.events] == [("continued", 1, None), ("died", 2, None)]


def test_two_trends_that_end_up_in_one_cluster_continue_and_merge():
    previous = {1: docs("a", 6), 2: docs("b", 4)}
    centroids = {1: axis(0), 2: axis(1)}
    joined = docs("a", 6) | docs("b", 4)
    centre = 0.8 * axis(0) + 0.6 * axis(1)
    m = match_clusters(previous, centroids, {0: joined}, {0: centre}, known_documents=joined, next_id=3)
    assert m.ids == {0: 1}  # the bigger overlap (6/10 against 4/10) keeps its id
    kinds = by_kind(m.events)
    assert [(e.trend_id, e.overlap) for e in kinds["continued"]] == [(1, 0.6)]
    (merged,) = kinds["merged"]
    assert (merged.trend_id, merged.other_trend_id, merged.overlap) == (2, 1, 0.4)
    assert merged.similarity == pytest.approx(0.6)
    assert set(kinds) == {"continued", "merged"}


def test_a_trend_that_splits_in_two_continues_once_and_the_other_part_is_a_split():
    old = docs("a", 10)
    previous = {4: old}
    first, second = docs("a", 6), docs("a", 4, start=6)
    current = {0: second, 1: first}
    current_centroids = {0: 0.6 * axis(0) + 0.8 * axis(1), 1: 0.9 * axis(0) + math.sqrt(0.19) * axis(2)}
    m = match_clusters(previous, {4: axis(0)}, current, current_centroids, known_documents=old, next_id=5)
    assert m.ids == {1: 4, 0: 5}
    kinds = by_kind(m.events)
    assert set(kinds) == {"continued", "split"}
    assert [(e.trend_id, e.overlap) for e in kinds["continued"]] == [(4, 0.6)]
    (split,) = kinds["split"]
    assert (split.trend_id, split.other_trend_id, split.overlap) == (5, 4, 0.4)


def test_a_small_part_that_leaves_a_trend_is_born_not_split():
    # only 1 of the new cluster's 5 earlier documents came from trend 4 (< part = 0.5)
    previous = {4: docs("a", 10)}
    current = {0: docs("a", 9), 1: docs("a", 1, start=9) | docs("o", 4)}
    m = match_clusters(
        previous,
        {4: axis(0)},
        current,
        {0: axis(0), 1: axis(3)},
        known_documents=docs("a", 10) | docs("o", 4),
        next_id=5,
    )
    assert m.ids == {0: 4, 1: 5}
    assert [(e.event, e.trend_id, e.other_trend_id) for e in m.events] == [("continued", 4, None), ("born", 5, None)]


def _cosine_case() -> tuple[dict[int, np.ndarray], dict[int, np.ndarray]]:
    """Old trends 1, 2 and clusters 0, 1 whose cosines are A-X 0.6, A-Y 0.5, B-X 0.5, B-Y 0.1."""
    x, y = axis(0), axis(1)
    a = 0.6 * x + 0.5 * y + math.sqrt(1 - 0.36 - 0.25) * axis(2)
    b = 0.5 * x + 0.1 * y + math.sqrt(1 - 0.25 - 0.01) * axis(3)
    return {1: a, 2: b}, {0: x, 1: y}


def test_matching_is_optimal_not_greedy():
    # every pair is eligible; greedy takes the best pair A-X (0.6) and is left with B-Y (0.1): 0.7 in all;
    # the optimal assignment A-Y + B-X scores 1.0
    old, new = _cosine_case()
    m = match_clusters(
        {1: set(), 2: set()},
        old,
        {0: set(), 1: set()},
        new,
        known_documents=set(),
        next_id=3,
        weight=0.0,
        min_similarity=0.05,
    )
    assert m.ids == {0: 2, 1: 1}
    sims = {e.trend_id: e.similarity for e in m.events}
    assert [e.event for e in m.events] == ["continued", "continued"]
    assert sims == {1: pytest.approx(0.5), 2: pytest.approx(0.5)}


def test_matching_is_one_to_one():
    # two clusters both closest to trend 1 (and trend 2 far from both): only one can take its id
    m = match_clusters(
        {1: set(), 2: set()},
        {1: axis(0), 2: axis(5)},
        {0: set(), 1: set()},
        {0: axis(0), 1: 0.95 * axis(0) + math.sqrt(1 - 0.95**2) * axis(1)},
        known_documents=set(),
        next_id=3,
    )
    assert m.ids == {0: 1, 1: 3}
    assert sorted(m.ids.values()) == [1, 3]
    assert [(e.event, e.trend_id) for e in m.events] == [("continued", 1), ("born", 3), ("died", 2)]


def test_optimal_assignment_does_not_trade_a_strong_continuation_for_two_weak_ones():
    # trend 1 (10 docs) continues as cluster 0: 8 of its documents, cosine 0.95 -> score 0.875.
    # Cluster 1 (new documents only) is only similar to trend 1 (0.82 -> 0.41), trend 2 is only similar to
    # cluster 0 (0.82 -> 0.41), trend 2 and cluster 1 are unrelated. Max score: 1->0 alone (0.875 > 0.82).
    x = axis(0)
    a = 0.95 * x + math.sqrt(1 - 0.95**2) * axis(1)
    y_1 = (0.82 - 0.95 * 0.7) / math.sqrt(1 - 0.95**2)
    y = 0.7 * x + y_1 * axis(1) + math.sqrt(1 - 0.49 - y_1**2) * axis(2)
    b = 0.82 * x - math.sqrt(1 - 0.82**2) * axis(1)
    assert float(a @ y) == pytest.approx(0.82) and float(b @ x) == pytest.approx(0.82) and float(b @ y) < 0.8
    previous = {1: docs("a", 10), 2: docs("b", 5)}
    current = {0: docs("a", 8), 1: docs("n", 6)}
    m = match_clusters(
        previous,
        {1: a, 2: b},
        current,
        {0: x, 1: y},
        known_documents=docs("a", 10) | docs("b", 5),
        next_id=3,
    )
    assert m.ids[0] == 1


@pytest.mark.parametrize("weight", [-0.1, 1.5, float("nan")])
def test_invalid_weight_is_a_config_error(weight):
    with pytest.raises(ConfigError, match="weight"):
        match_clusters({}, {}, {0: {"a"}}, {0: axis(0)}, known_documents=set(), next_id=0, weight=weight)


@pytest.mark.parametrize("weight", [0.0, 1.0])
def test_weight_bounds_are_valid(weight):
    m = match_clusters({}, {}, {0: {"a"}}, {0: axis(0)}, known_documents=set(), next_id=0, weight=weight)
    assert m.ids == {0: 0}


def _every_kind() -> tuple[dict, dict, dict, dict, set[str]]:
    """A run with continued, split, born, merged and died events."""
    previous = {
        1: docs("a", 10),  # splits into clusters 0 and 1
        2: docs("b", 6),  # merges into cluster 2 with trend 3
        3: docs("c", 8),
        4: docs("d", 5),  # dies
    }
    centroids = {1: axis(0), 2: axis(1), 3: axis(2), 4: axis(3)}
    current = {
        0: docs("a", 6),
        1: docs("a", 4, start=6),
        2: docs("b", 6) | docs("c", 8),
        3: docs("n", 5),  # born
    }
    current_centroids = {
        0: axis(0),
        1: 0.5 * axis(0) + math.sqrt(0.75) * axis(4),
        2: 0.6 * axis(1) + 0.8 * axis(2),
        3: axis(5),
    }
    known = set().union(*previous.values())
    return previous, centroids, current, current_centroids, known


def test_events_are_in_a_fixed_order_whatever_the_input_order():
    previous, centroids, current, current_centroids, known = _every_kind()
    m = match_clusters(previous, centroids, current, current_centroids, known_documents=known, next_id=5)
    assert [(e.event, e.trend_id, e.other_trend_id) for e in m.events] == [
        ("continued", 1, None),
        ("continued", 3, None),
        ("split", 5, 1),
        ("born", 6, None),
        ("merged", 2, 3),
        ("died", 4, None),
    ]
    assert m.ids == {0: 1, 1: 5, 2: 3, 3: 6}

    def reverse(mapping: dict) -> dict:
        return dict(reversed(list(mapping.items())))

    again = match_clusters(
        reverse(previous),
        reverse(centroids),
        reverse(current),
        reverse(current_centroids),
        known_documents=set(sorted(known, reverse=True)),
        next_id=5,
    )
    assert again == m


@st.composite
def runs(draw):
    """A random previous run and current clustering over a pool of documents, with random centroids."""
    pool = [f"d{i}" for i in range(30)]
    n_old = draw(st.integers(0, 4))
    n_new = draw(st.integers(1, 4))
    old_of = draw(st.lists(st.integers(-1, n_old - 1), min_size=30, max_size=30)) if n_old else [-1] * 30
    new_of = draw(st.lists(st.integers(-1, n_new - 1), min_size=30, max_size=30))
    known_count = draw(st.integers(0, 30))
    previous = {10 + i: {d for d, t in zip(pool, old_of) if t == i} for i in range(n_old)}
    current = {j: {d for d, c in zip(pool, new_of) if c == j} for j in range(n_new)}
    current = {j: s for j, s in current.items() if s} or {0: {"d0"}}
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    centroids = {i: np.abs(rng.normal(size=4)) for i in previous}
    current_centroids = {j: np.abs(rng.normal(size=4)) for j in current}
    known = set(pool[:known_count]) | set().union(set(), *previous.values())
    for i in previous:  # previous memberships only hold documents of this run's window that were known
        previous[i] &= known
    return previous, centroids, current, current_centroids, known


@given(runs(), st.sampled_from([0.0, 0.3, 0.5, 1.0]))
def test_matching_invariants(case, weight):
    previous, centroids, current, current_centroids, known = case
    next_id = 100
    m = match_clusters(
        previous, centroids, current, current_centroids, known_documents=known, next_id=next_id, weight=weight
    )
    # every cluster gets exactly one id, and no id twice
    assert set(m.ids) == set(current)
    assert len(set(m.ids.values())) == len(m.ids)
    kinds = by_kind(m.events)
    continued = {e.trend_id for e in kinds.get("continued", [])}
    # continued ids are old ids; new ids are next_id, next_id + 1, ... in cluster order
    assert continued <= set(centroids)
    fresh = [m.ids[j] for j in sorted(current) if m.ids[j] not in continued]
    assert fresh == list(range(next_id, next_id + len(fresh)))
    # each old trend ends exactly once: continued, merged or died; each fresh id starts once: born or split
    ended = [e.trend_id for e in m.events if e.event in ("continued", "merged", "died")]
    assert sorted(ended) == sorted(centroids)
    started = [e.trend_id for e in m.events if e.event in ("born", "split")]
    assert sorted(started) == fresh
    # merges and splits point at a trend that continues
    for e in kinds.get("merged", []) + kinds.get("split", []):
        assert e.other_trend_id in continued
    # the order is fixed
    keys = [(ORDER[e.event], e.trend_id) for e in m.events]
    assert keys == sorted(keys)
    # every continuation is an eligible pair, and no other one-to-one choice of as many eligible pairs scores more
    old, new = sorted(centroids), sorted(current)
    if old:
        score, eligible = _scores(previous, centroids, current, current_centroids, known, weight)
        chosen = [(old.index(i), new.index(j)) for j, i in m.ids.items() if i in continued]
        assert all(eligible[a, b] for a, b in chosen)
        total = sum(score[a, b] for a, b in chosen)
        assert total == pytest.approx(_best(score, eligible, len(chosen)), abs=1e-9)


def _scores(previous, centroids, current, current_centroids, known, weight):
    old, new = sorted(centroids), sorted(current)
    score = np.zeros((len(old), len(new)))
    eligible = np.zeros((len(old), len(new)), dtype=bool)
    for a, i in enumerate(old):
        u = centroids[i] / np.linalg.norm(centroids[i])
        for b, j in enumerate(new):
            earlier = current[j] & known
            union = len(previous[i] | earlier)
            overlap = len(previous[i] & earlier) / union if union else 0.0
            sim = float(u @ (current_centroids[j] / np.linalg.norm(current_centroids[j])))
            eligible[a, b] = overlap >= 0.2 or sim >= 0.8
            score[a, b] = weight * overlap + (1 - weight) * sim
    return score, eligible


def _best(score: np.ndarray, eligible: np.ndarray, size: int) -> float:
    """Brute force: the best total score of a one-to-one matching of ``size`` eligible pairs."""
    n_old, n_new = score.shape
    best = 0.0 if size == 0 else -np.inf
    for rows in itertools.combinations(range(n_old), size):
        for cols in itertools.permutations(range(n_new), size):
            if all(eligible[a, b] for a, b in zip(rows, cols)):
                best = max(best, sum(score[a, b] for a, b in zip(rows, cols)))
    return best
