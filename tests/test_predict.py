"""predict/transform: new documents placed in the fitted trends by the fit's own rule (real model, real headlines)."""

from __future__ import annotations

import numpy as np
import pytest

from trendlens import ConfigError, TrendDetector

pytestmark = pytest.mark.slow


def test_predict_on_the_fit_corpus_reproduces_labels(fitted, e2e_corpus, e2e_embeddings):
    # A full fit's labels are HDBSCAN's (density in the spectral layout) plus outliers moved to the closest
    # core centroid at outlier_similarity; predict takes the closest centroid at assign_similarity_. So a
    # clustered document mostly, not always, predicts its own trend (94% of 584 here), and a document the
    # fit left in no trend predicts one exactly when its closest centroid reaches assign_similarity_.
    labels, sims = fitted.predict(e2e_corpus.texts, return_similarity=True)  # embedded by the fit's embedder
    assert np.array_equal(labels, fitted.predict(e2e_corpus, embeddings=e2e_embeddings))
    assert set(labels.tolist()) <= set(fitted.trends_.index) | {-1}
    clustered = fitted.labels_ >= 0
    assert (labels[clustered] == fitted.labels_[clustered]).mean() > 0.9
    assert np.all((labels >= 0) == (sims >= fitted.assign_similarity_))
    assert fitted.assign_similarity_ == fitted.assignment_.min_similarity and 0 < fitted.assign_similarity_ < 1
    assert np.array_equal(fitted.assignment_.ids, sorted(fitted.centroids_))  # a full fit's rule: its trends


def test_predict_reproduces_labels_outside_the_fit_sample(embedder, e2e_corpus, e2e_embeddings):
    det = TrendDetector(embedder=embedder, fit_sample=400, taxonomy=None, show_progress=False)
    det.fit(e2e_corpus, embeddings=e2e_embeddings)
    rest = np.setdiff1d(np.arange(len(e2e_corpus)), det.fit_rows_)
    texts = e2e_corpus.texts
    predicted = det.predict([texts[i] for i in rest])
    # the documents outside the sample were placed by the rule predict applies: the same labels, exactly
    assert np.array_equal(predicted, det.labels_[rest])
    assert (predicted >= 0).mean() > 0.5  # most of them join a trend: the equality is not all -1s
    sample = det.labels_[det.fit_rows_] >= 0
    assert (det.predict([texts[i] for i in det.fit_rows_])[sample] == det.labels_[det.fit_rows_][sample]).mean() > 0.9


def test_transform_gives_each_trends_cosine_and_predict_takes_the_closest(fitted, e2e_corpus, e2e_embeddings):
    docs = e2e_corpus[:50]
    sims = fitted.transform(docs, embeddings=e2e_embeddings[:50])
    ids = fitted.assignment_.ids
    assert sims.shape == (50, len(fitted.centroids_))
    expected = e2e_embeddings[:50] @ np.vstack([fitted.centroids_[int(t)] for t in ids]).T
    assert np.allclose(sims, expected, atol=1e-5)
    labels, best = fitted.predict(docs, embeddings=e2e_embeddings[:50], return_similarity=True)
    assert np.array_equal(labels, np.where(sims.max(axis=1) >= fitted.assign_similarity_, ids[sims.argmax(axis=1)], -1))
    assert np.allclose(best, sims.max(axis=1))
    assert fitted.predict([]).shape == (0,)


def test_predict_refuses_vectors_of_another_shape_or_a_bare_string(fitted, e2e_corpus, e2e_embeddings):
    with pytest.raises(ConfigError, match="the fit's are 384-dimensional"):
        fitted.predict(e2e_corpus[:5], embeddings=e2e_embeddings[:5, :100])
    with pytest.raises(ConfigError, match="sequence of texts"):
        fitted.predict("one headline")
