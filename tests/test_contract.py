"""The scikit-learn estimator contract of TrendDetector: parameters, clone, fitted state, NotFittedError."""

from __future__ import annotations

import inspect

import numpy as np
import pytest
import sklearn.exceptions
from sklearn.base import clone
from sklearn.utils.validation import check_is_fitted

from trendlens import ConfigError, NotFittedError, TrendDetector, TrendlensError, plot
from trendlens.signals import SignalConfig
from trendlens.topics import TopicConfig

#: Every parameter away from its default (names and plain values: clone deep-copies parameters).
CHANGED = {
    "embedder": "minilm-static",
    "topics": TopicConfig(
        n_neighbors=10,
        n_components=8,
        min_dist=0.1,
        min_cluster_size=12,
        min_samples=4,
        max_cluster_share=None,
        exact_neighbors_max=0,
        reduce_frequent_words=True,
        top_n_words=7,
        ngram_range=(1, 3),
        stop_words=None,
        random_state=7,
        reduction="umap",
        near_duplicate_similarity=None,
    ),
    "signals": SignalConfig(window="week", baseline_windows=4, min_count=3, alpha=0.01, burst_s=3.0, burst_gamma=0.5),
    "n_examples": 2,
    "n_findings": 3,
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


#: A value away from the default for every field of the two settings dataclasses, as typed on the command line.
TOPIC_FLAGS = {
    "n_neighbors": ("10", 10),
    "n_components": ("none", None),
    "min_dist": ("0.1", 0.1),
    "min_cluster_size": ("12", 12),
    "min_samples": ("4", 4),
    "max_cluster_share": ("none", None),
    "exact_neighbors_max": ("0", 0),
    "reduce_frequent_words": ("true", True),
    "top_n_words": ("7", 7),
    "ngram_range": ("1,3", (1, 3)),
    "stop_words": ("none", None),
    "random_state": ("7", 7),
    "reduction": ("umap", "umap"),
    "near_duplicate_similarity": ("0.99", 0.99),
}
SIGNAL_FLAGS = {
    "window": ("day", "day"),
    "baseline_windows": ("4", 4),
    "min_count": ("3", 3),
    "alpha": ("0.01", 0.01),
    "burst_s": ("3", 3.0),
    "burst_gamma": ("0.5", 0.5),
    "recent_windows": ("2", 2),
    "long_windows": ("8", 8),
}


def test_every_setting_of_the_stages_is_reachable_from_python_the_cli_and_the_job():
    import dataclasses

    from trendlens.cli import _configs, build_parser
    from trendlens.jobs import JobConfig

    assert set(TOPIC_FLAGS) == {f.name for f in dataclasses.fields(TopicConfig)}
    assert set(SIGNAL_FLAGS) == {f.name for f in dataclasses.fields(SignalConfig)}
    topic_args = [a for k, (text, _) in TOPIC_FLAGS.items() for a in ("--topic", f"{k}={text}")]
    signal_args = [a for k, (text, _) in SIGNAL_FLAGS.items() for a in ("--signal", f"{k}={text}")]
    expected_topics = TopicConfig(**{k: v for k, (_, v) in TOPIC_FLAGS.items()})
    expected_signals = SignalConfig(**{k: v for k, (_, v) in SIGNAL_FLAGS.items()})
    for command in (["run", "posts.jsonl"], ["job"]):
        args = build_parser().parse_args([*command, *topic_args, *signal_args])
        assert _configs(args) == (expected_topics, expected_signals)
    job = JobConfig(topics=expected_topics, signals=expected_signals)
    det = TrendDetector(topics=job.topics, signals=dataclasses.asdict(job.signals))
    assert det._topic_config() == expected_topics and det._signal_config() == expected_signals


def test_a_setting_that_does_not_exist_is_refused_by_name_before_any_work():
    det = TrendDetector(embedder="no-such-embedder", topics={"min_clustr_size": 5})
    with pytest.raises(ConfigError, match="no setting 'min_clustr_size'; TopicConfig has .*min_cluster_size"):
        det.fit(["a headline"] * 30)
    with pytest.raises(ConfigError, match="TopicConfig.min_cluster_size=1 is out of range"):
        TrendDetector(embedder="no-such-embedder", topics=TopicConfig(min_cluster_size=1)).fit(["a headline"] * 30)
    from trendlens.cli import _configs, build_parser

    for flag, pair, message in [
        ("--topic", "min_cluster_size", "expected KEY=VALUE"),
        ("--signal", "burst_s=fast", "cannot read 'fast' as float"),
        ("--topic", "colour=blue", "KEY one of n_neighbors"),
    ]:
        with pytest.raises(ConfigError, match=message):
            _configs(build_parser().parse_args(["run", "posts.jsonl", flag, pair]))
