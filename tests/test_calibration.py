"""Temperature scaling of the taxonomy mapper: synthetic checks of the maths, then the real taxonomy and model."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import CORPORA, ROOT, read_jsonl_gz
from trendlens.hierarchy import default_taxonomy
from trendlens.hierarchy.calibration import (
    calibration_report,
    expected_calibration_error,
    fit_confidence_temperature,
    fit_temperature,
    leaf_ancestors,
    leave_one_out_similarities,
    level_confidences,
    softmax,
)
from trendlens.hierarchy.evaluation import (
    Judgement,
    level_calibration,
    load_judgements,
    missing_nodes,
    placement_accuracy,
    true_nodes,
)
from trendlens.hierarchy.mapping import MAPPED_LEVELS, LevelMatch, Placement, TaxonomyMapper, trend_evidence

JUDGEMENTS = ROOT / "benchmarks" / "data" / "taxonomy_judgements.jsonl"


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


def test_fit_confidence_temperature_recovers_the_temperature_correctness_was_drawn_with():
    rng = np.random.default_rng(4)
    true_t = 0.05
    sims = rng.normal(0.3, 0.1, size=(4000, 30))
    top = softmax(sims, true_t).max(axis=1)
    correct = rng.uniform(size=len(top)) < top  # the top choice is right as often as its probability says
    assert fit_confidence_temperature(sims, correct) == pytest.approx(true_t, rel=0.2)


# --- the labelled set of trend placements ----------------------------------------------------------------


def test_placement_accuracy_counts_unmapped_as_right_where_nothing_fits():
    tax = default_taxonomy()
    unmapped = tuple(LevelMatch(level, None, "unmapped / novel", 0.0) for level in MAPPED_LEVELS)
    sports = tuple(LevelMatch(n.level, n.id, n.name, 0.9) for n in reversed(tax.path("ct.sports-fandom")))
    placements = [Placement(0.2, unmapped), Placement(0.6, sports), Placement(0.6, sports)]
    judgements = [
        Judgement("a", None, None),
        Judgement("b", "ct.sports-fandom", "bst.fandom-identity"),
        Judgement("c", "ct.celebrity-spotlight", "bst.fandom-identity", acceptable=("ct.sports-fandom",)),
    ]
    accuracy = placement_accuracy(placements, judgements, tax)
    assert accuracy["consumer_trend"] == pytest.approx(2 / 3, abs=1e-4)
    assert accuracy["consumer_trend_acceptable"] == 1.0
    assert accuracy["big_social_trend"] == 1.0
    calibration = level_calibration(placements, judgements, tax)
    assert calibration["consumer_trend"]["placed"] == 2 and calibration["consumer_trend"]["accuracy"] == 0.5


def test_a_judged_node_an_older_taxonomy_lacks_counts_as_wrong():
    tax = default_taxonomy()
    judgement = Judgement("x", "ct.no-such-node", None)
    assert missing_nodes([judgement], tax) == ["ct.no-such-node"]
    assert set(true_nodes(judgement, tax).values()) == {"missing:ct.no-such-node"}


def test_the_shipped_labelled_set_is_complete_and_names_only_shipped_nodes():
    records, judgements = load_judgements(JUDGEMENTS)
    assert len(judgements) >= 100
    assert missing_nodes(judgements, default_taxonomy()) == []
    corpora = {r["corpus"] for r in records}
    assert corpora == {
        "huffpost",
        "bbc",
        "trump_tweets",
        "crisislex_dev",
        "bluesky_migration",
        "threads_launch_reviews",
        "20newsgroups",
    }
    assert {r["split"] for r in records} == {"dev", "test"}
    for record in records:  # enough to rebuild each trend from the bundled corpora
        if record["kind"] == "trend":
            assert record["member_ids"] and set(record["example_ids"]) <= set(record["member_ids"]), record["id"]
        else:
            assert all(f"{record['corpus']}#{m}" in {r["id"] for r in records} for m in record["members"])


@pytest.mark.slow
def test_labelled_huffpost_trends_are_placed_as_judged(embedder):
    """The judged HuffPost trends, rebuilt from their documents, land where the judge put them."""
    records, judgements = load_judgements(JUDGEMENTS)
    texts = {r["id"]: r["text"] for r in read_jsonl_gz(CORPORA / "huffpost.jsonl.gz")}
    picked = [(r, j) for r, j in zip(records, judgements) if r["corpus"] == "huffpost"]
    mapper = TaxonomyMapper(default_taxonomy(), embedder)
    evidence = [trend_evidence(embedder.encode([texts[i] for i in r["member_ids"]]), r["label"]) for r, _ in picked]
    accuracy = placement_accuracy(mapper.place_trends(evidence), [j for _, j in picked], default_taxonomy())
    assert accuracy["big_social_trend"] >= 0.7, accuracy
    assert accuracy["consumer_trend_acceptable"] >= 0.6, accuracy
