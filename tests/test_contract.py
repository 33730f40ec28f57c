"""The scikit-learn estimator contract of TrendDetector: parameters, clone, fitted state, NotFittedError."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import sklearn.exceptions
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from trendlens import ConfigError, NotFittedError, TrendDetector, TrendlensError, plot

#: Every parameter away from its default (names and plain values: clone deep-copies parameters).
CHANGED = {
    "embedder": "minilm-static",
    "window": "week",
    "baseline_windows": 4,
    "min_count": 3,
    "alpha": 0.01,
    "min_cluster_size": 12,
    "min_samples": 4,
    "max_cluster_share": None,
    "n_neighbors": 10,
    "n_components": 8,
    "top_n_words": 7,
    "n_examples": 2,
    "n_findings": 3,
    "random_state": 7,
    "embedding_cache": False,
    "taxonomy": None,
    "merge_distance": None,
    "outlier_similarity": None,
    "fit_sample": 1000,
    "executor": "dask",
    "scheduler": "tcp://127.0.0.1:8786",
    "workers": 2,
    "enrich_documents": 10,
    "show_progress": False,
}


def test_every_constructor_argument_is_a_parameter():
    names = [p for p in inspect.signature(TrendDetector.__init__).parameters if p != "self"]
    assert sorted(names) == sorted(TrendDetector().get_params()) == sorted(CHANGED)


def test_parameters_round_trip():
    det = TrendDetector(**CHANGED)
    assert det.get_params() == CHANGED
    assert TrendDetector().set_params(**CHANGED).get_params() == CHANGED
    assert TrendDetector(**det.get_params()).get_params() == CHANGED


def test_clone_equals_the_original_and_is_unfitted():
    det = TrendDetector(**CHANGED)
    det.trends_ = "pretend fitted"  # clone copies parameters only, never fitted state
    twin = clone(det)
    assert twin is not det and twin.get_params() == det.get_params()
    assert not hasattr(twin, "trends_") and not twin.__sklearn_is_fitted__()
    assert clone(TrendDetector()).get_params() == TrendDetector().get_params()


def test_not_fitted_error_is_scikit_learns_and_trendlenss():
    assert issubclass(NotFittedError, sklearn.exceptions.NotFittedError)
    assert issubclass(NotFittedError, TrendlensError)
    with pytest.raises(sklearn.exceptions.NotFittedError):
        check_is_fitted(TrendDetector())


@pytest.mark.parametrize(
    "use",
    [
        lambda d: d.report(),
        lambda d: d.predict(["a headline"]),
        lambda d: d.transform(["a headline"]),
        lambda d: d.update(["a headline"]),
        lambda d: d.override_placement(0, "any"),
        plot.timeline,
        plot.virality_map,
        plot.hierarchy,
        plot.document_map,
    ],
    ids=[
        "report",
        "predict",
        "transform",
        "update",
        "override_placement",
        "timeline",
        "virality_map",
        "hierarchy",
        "map",
    ],
)
def test_every_fitted_only_method_and_plot_raises_not_fitted_before_fit(use):
    det = TrendDetector(embedder="no-such-embedder")  # nothing may be loaded before the check
    with pytest.raises(NotFittedError, match="not fitted yet; call fit"):
        use(det)
    assert not det.__sklearn_is_fitted__() and set(vars(det)) == set(det.get_params())


def test_a_plot_of_something_else_is_a_config_error():
    with pytest.raises(ConfigError, match="expected a fitted TrendDetector or a TrendReport"):
        plot.timeline(np.zeros(3))


# -- refits start from nothing (these fit real models on real headlines) ---------------------------
@pytest.mark.slow
def test_stale_embedder_after_set_params_and_refit_with_embeddings(
    static_embedder, embedder, e2e_corpus, e2e_embeddings, fitted
):
    det = TrendDetector(embedder=static_embedder, show_progress=False)
    det.fit(e2e_corpus, embeddings=static_embedder.encode(e2e_corpus.texts))
    assert det.embedder_.embedder is static_embedder  # made by the taxonomy placement
    det.set_params(embedder=embedder).fit(e2e_corpus, embeddings=e2e_embeddings)
    # the refit placed the trends and will embed sentences with the new embedder, not the first fit's
    assert det.embedder_.embedder is embedder
    assert det.placements_ == fitted.placements_  # as a detector made with the new embedder places them
    assert np.array_equal(
        det.predict(e2e_corpus.texts[:40]), det.predict(e2e_corpus[:40], embeddings=e2e_embeddings[:40])
    )


@pytest.mark.slow
def test_a_refit_keeps_nothing_of_the_previous_fit(static_embedder, e2e_corpus):
    vectors = static_embedder.encode(e2e_corpus.texts)
    det = TrendDetector(embedder=static_embedder, fit_sample=400, show_progress=False).fit(
        e2e_corpus, embeddings=vectors
    )
    assert hasattr(det, "taxonomy_")
    det.set_params(fit_sample=None, taxonomy=None).fit(e2e_corpus, embeddings=vectors)
    fresh = TrendDetector(embedder=static_embedder, fit_sample=None, taxonomy=None, show_progress=False)
    fresh.fit(e2e_corpus, embeddings=vectors)
    assert set(vars(det)) == set(vars(fresh)) and not hasattr(det, "taxonomy_")
    assert det.assign_similarity_ == fresh.assign_similarity_ and len(det.fit_rows_) == len(e2e_corpus)
    assert np.array_equal(det.labels_, fresh.labels_)


@pytest.mark.slow
def test_a_failed_fit_leaves_the_detector_unfitted(static_embedder, e2e_corpus):
    vectors = static_embedder.encode(e2e_corpus.texts)
    det = TrendDetector(embedder=static_embedder, taxonomy=None, show_progress=False).fit(
        e2e_corpus, embeddings=vectors
    )
    assert det.__sklearn_is_fitted__()
    with pytest.raises(ConfigError, match="fit_sample must be a positive number"):
        det.set_params(fit_sample=0).fit(e2e_corpus, embeddings=vectors)  # fails after the language check
    assert set(vars(det)) == set(det.get_params())  # no languages_, labels_, assignment_ ... of either fit
    with pytest.raises(NotFittedError):
        det.report()
