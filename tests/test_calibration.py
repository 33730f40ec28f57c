"""Temperature scaling of the taxonomy mapper: synthetic checks of the maths, then the real taxonomy and model."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens.hierarchy import default_taxonomy
from trendlens.hierarchy.calibration import (
    calibration_report,
    expected_calibration_error,
    fit_temperature,
    leaf_ancestors,
    leave_one_out_similarities,
    level_confidences,
    softmax,
)
from trendlens.hierarchy.mapping import MAPPED_LEVELS


def unit(v: np.ndarray) -> np.ndarray:
    return v / np.linalg.norm(v, axis=-1, keepdims=True)


# --- synthetic -----------------------------------------------------------------------------------


def test_fit_temperature_recovers_the_temperature_labels_were_drawn_with():
    rng = np.random.default_rng(0)
    true_t = 0.05
    sims = rng.normal(0.3, 0.1, size=(4000, 30))
    probs = softmax(sims, true_t)
    truth = np.array([rng.choice(30, p=row) for row in probs])
    fitted = fit_temperature(sims, truth)
    assert fitted == pytest.approx(true_t, rel=0.2)


def test_fit_temperature_stays_within_bounds():
    rng = np.random.default_rng(1)
    sims = rng.normal(0.3, 0.1, size=(500, 10))
    truth = rng.integers(0, 10, size=500)  # labels unrelated to sims: the flattest softmax fits best
    assert 0.5 * 0.999 <= fit_temperature(sims, truth, bounds=(0.01, 0.5)) <= 0.5


def test_ece_is_small_for_calibrated_and_large_for_overconfident_predictions():
    rng = np.random.default_rng(2)
    confidence = rng.uniform(0, 1, size=20_000)
    calibrated = rng.uniform(size=confidence.size) < confidence
    assert expected_calibration_error(confidence, calibrated) < 0.02

    overconfident = rng.uniform(0.9, 1.0, size=20_000)
    coin_flips = rng.uniform(size=overconfident.size) < 0.5
    assert expected_calibration_error(overconfident, coin_flips) > 0.4


def test_ece_of_a_hand_computed_case():
    # two bins used: (0.5, 0.6] with conf 0.55, 0.55 and one right -> gap 0.05; (0.9, 1.0] with 1.0 right -> gap 0
    confidence = np.array([0.55, 0.55, 1.0])
    correct = np.array([True, False, True])
    assert expected_calibration_error(confidence, correct) == pytest.approx(2 / 3 * 0.05)


def test_level_confidences_sum_the_leaves_under_the_predicted_ancestor():
    tax = default_taxonomy()
    leaf_ids = [n.id for n in tax.level("consumer_trend")]
    ancestors = leaf_ancestors(tax, leaf_ids)
    rng = np.random.default_rng(3)
    probs = rng.dirichlet(np.ones(len(leaf_ids)), size=5)
    for level in MAPPED_LEVELS:
        predicted, confidence = level_confidences(probs, leaf_ids, ancestors, level)
        for row, node, conf in zip(probs, predicted, confidence):
            assert node == ancestors[leaf_ids[int(np.argmax(row))]][level]
            under = [p for leaf, p in zip(leaf_ids, row) if ancestors[leaf][level] == node]
            assert conf == pytest.approx(sum(under))
    confidences = [level_confidences(probs, leaf_ids, ancestors, level)[1] for level in MAPPED_LEVELS]
    assert all(np.all(lower <= upper + 1e-12) for lower, upper in zip(confidences, confidences[1:]))


# --- real taxonomy and model -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def loo(embedder):
    return leave_one_out_similarities(default_taxonomy(), embedder)


@pytest.mark.slow
def test_leave_one_out_similarities_match_a_direct_computation(loo, embedder):
    sims, truth, leaf_ids = loo
    tax = default_taxonomy()
    leaves = tax.level("consumer_trend")
    assert leaf_ids == [n.id for n in leaves]
    assert sims.shape == (sum(len(n.exemplars) for n in leaves), len(leaves))
    assert truth[0] == 0 and np.all(np.diff(truth) >= 0)

    def texts(node):
        return [f"{node.name}. {node.description}", *node.exemplars]

    first, second = leaves[0], leaves[1]
    v_first = unit(embedder.encode(texts(first)).astype(np.float64))
    v_second = unit(embedder.encode(texts(second)).astype(np.float64))
    held_out = v_first[1]  # the first exemplar of the first consumer trend is row 0
    without = unit(np.delete(v_first, 1, axis=0).mean(axis=0))
    assert sims[0, 0] == pytest.approx(float(held_out @ without), abs=1e-5)
    assert sims[0, 1] == pytest.approx(float(held_out @ unit(v_second.mean(axis=0))), abs=1e-5)


@pytest.mark.slow
def test_fitted_temperature_calibrates_better_than_the_hand_set_one(loo):
    sims, truth, leaf_ids = loo
    ancestors = leaf_ancestors(default_taxonomy(), leaf_ids)
    fitted = fit_temperature(sims, truth)
    true_leaves = np.array(leaf_ids)[truth]
    ece = {}
    for t in (0.02, fitted):
        predicted, confidence = level_confidences(softmax(sims, t), leaf_ids, ancestors, "consumer_trend")
        ece[t] = expected_calibration_error(confidence, predicted == true_leaves)
    assert ece[fitted] < ece[0.02]


@pytest.mark.slow
def test_calibration_report_on_the_shipped_taxonomy(embedder):
    report = calibration_report(default_taxonomy(), embedder, negatives={"letters": ["qxzjv kwpfg", "zzkq vbxw"]})
    levels = report["levels"]
    assert list(levels) == list(MAPPED_LEVELS)
    assert report["n_exemplars"] == sum(len(n.exemplars) for n in default_taxonomy().level("consumer_trend"))
    assert levels["social_drive"]["accuracy"] >= levels["consumer_trend"]["accuracy"]
    assert levels["consumer_trend"]["ece_fitted"] < levels["consumer_trend"]["ece_current"]
    assert 1e-3 < report["temperature"]["fitted"] < 1.0
    assert report["nll"]["fitted"] <= report["nll"]["current"]
    best = report["best_similarity"]
    assert set(best) == {"held_out_exemplars", "letters"}
    assert best["held_out_exemplars"]["percentiles"]["p50"] > max(best["letters"]["percentiles"].values())
