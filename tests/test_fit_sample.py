"""Fitting on a time-stratified sample and assigning the rest (bounded clustering for large corpora)."""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from sklearn.metrics import normalized_mutual_info_score

from trendlens import ConfigError, TrendDetector, load_corpus
from trendlens.topics.assign import assign_nearest, time_stratified_sample


@pytest.fixture(scope="module")
def huffpost(huffpost_records):
    return load_corpus(huffpost_records)


def months(stamps: np.ndarray) -> Counter:
    return Counter(str(s)[:7] for s in stamps.astype("datetime64[M]"))


def test_the_sample_follows_the_volume_of_every_month(huffpost):
    stamps = huffpost.timestamps
    rows = time_stratified_sample(stamps, 1000, random_state=3)
    assert len(rows) == len(set(rows.tolist())) == 1000 and np.all(np.diff(rows) > 0)
    whole, part = months(stamps), months(stamps[rows])
    for month, count in whole.items():
        assert abs(part[month] - count * 1000 / len(stamps)) <= 1.0, month  # each month in proportion, ±1
    assert not np.array_equal(rows, time_stratified_sample(stamps, 1000, random_state=4))
    assert np.array_equal(rows, time_stratified_sample(stamps, 1000, random_state=3))


def test_undated_documents_are_sampled_in_proportion(huffpost):
    stamps = huffpost.timestamps.copy()
    stamps[::10] = np.datetime64("NaT")
    rows = time_stratified_sample(stamps, 500, random_state=0)
    assert len(set(rows.tolist())) == 500
    assert abs(int(np.isnat(stamps[rows]).sum()) - 50) <= 1


def test_assigning_to_centroids_keeps_labelled_documents_and_marks_far_ones(static_embedder, huffpost_records):
    records = [r for r in huffpost_records if r["category"] in ("SPORTS", "FOOD & DRINK")][:300]
    assert len(records) == 300
    vectors = static_embedder.encode([r["text"] for r in records])
    truth = np.array([0 if r["category"] == "SPORTS" else 1 for r in records])
    labels = truth.copy()
    rest = np.arange(0, 300, 2)
    labels[rest] = -1
    assigned = assign_nearest(labels, vectors, rest, min_similarity=-1.0, chunk=37)
    assert np.array_equal(assigned[1::2], truth[1::2])  # documents with a label keep it
    assert (assigned[rest] == truth[rest]).mean() > 0.85  # the rest mostly join their own category's centroid
    strict = assign_nearest(labels, vectors, rest, min_similarity=0.99)
    assert np.all(strict[rest] == -1)  # nothing is that close: no trend


@pytest.mark.slow
def test_a_detector_fitted_on_a_sample_labels_every_document_and_counts_them_all(
    e2e_corpus, e2e_embeddings, embedder, monkeypatch
):
    reads = []
    texts = type(e2e_corpus).texts
    monkeypatch.setattr(type(e2e_corpus), "texts", property(lambda self: reads.append(1) or texts.fget(self)))
    det = TrendDetector(embedder=embedder, fit_sample=400, show_progress=False)
    det.fit(e2e_corpus, embeddings=e2e_embeddings)
    # each read of Corpus.texts builds a list of every text: reading it per sampled document made
    # the fit quadratic (a 10,000-document sample of 100,000 spent 137 s building lists)
    assert len(reads) <= 3
    assert len(det.fit_rows_) == 400 and len(det.labels_) == len(e2e_corpus) == 650
    fitted = np.array([det.bertopic_ids_.get(t, -1) for t in det.topic_model_.topics_])
    clustered = fitted >= 0
    assert np.array_equal(det.labels_[det.fit_rows_][clustered], fitted[clustered])  # the sample keeps its clusters
    rest = np.setdiff1d(np.arange(650), det.fit_rows_)
    # the rest joins trends about as often as the sample's own documents do (after outlier reassignment)
    assert abs((det.labels_[rest] >= 0).mean() - (det.labels_[det.fit_rows_] >= 0).mean()) < 0.1
    categories = np.array([d.metadata["category"] for d in e2e_corpus])
    inside = det.labels_ >= 0
    assert normalized_mutual_info_score(categories[inside], det.labels_[inside]) > 0.5
    counted = det.signals_.groupby("trend")["count"].sum()  # a column or an index level, pandas takes either
    sizes = det.trends_["size"]
    assert all(counted[t] == sizes[t] for t in sizes.index)  # signals count every document, not the sample


def test_fit_sample_must_be_positive(huffpost):
    with pytest.raises(ConfigError, match="fit_sample must be a positive number"):
        TrendDetector(embedder="minilm-static", fit_sample=0, show_progress=False).fit(
            huffpost[:50], embeddings=np.ones((50, 4), np.float32)
        )
