"""TrendDetector.update: the next month of HuffPost added to a fitted detector (real model, real headlines)."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pytest

from trendlens import ConfigError, TrendDetector, load_corpus
from trendlens.hierarchy import placement

pytestmark = pytest.mark.slow

#: The month fitted and the month added. 2018-05 is the bundled sample's largest month (1,348 headlines);
#: 2020-03 (162) is the month COVID-19 arrived, a subject the fit never saw: it must come out as a new trend.
#: 2018-06 (143) is a typical later month, whose few leftover headlines may or may not make a trend of HDBSCAN's
#: smallest size (12 did on one CPU, none on another), so no test counts new trends on it.
FIT_MONTH, NEXT_MONTH, TYPICAL_MONTH = "2018-05", "2020-03", "2018-06"


@dataclass
class Updated:
    detector: TrendDetector  # fitted on FIT_MONTH, then updated with NEXT_MONTH
    fit_labels: np.ndarray  # labels_ of the fit, before the update
    fit_trends: pd.DataFrame  # trends_ of the fit
    predicted: np.ndarray  # what the fit predicted for NEXT_MONTH's headlines, before the update
    first: object  # the corpus of FIT_MONTH
    second: object  # the corpus of NEXT_MONTH


def month(records: list[dict], which: str) -> list[dict]:
    return [r for r in records if r["timestamp"].startswith(which)]


@pytest.fixture(scope="module")
def updated(huffpost_records, embedder) -> Updated:
    first = load_corpus(month(huffpost_records, FIT_MONTH))
    second = load_corpus(month(huffpost_records, NEXT_MONTH))
    det = TrendDetector(embedder=embedder, show_progress=False).fit(first)
    fit_labels, fit_trends = det.labels_.copy(), det.trends_.copy()
    predicted = det.predict(second)
    det.update(second)
    return Updated(det, fit_labels, fit_trends, predicted, first, second)


def kept_id_share(before: np.ndarray, after: np.ndarray) -> float:
    """As benchmarks/README.md: of the documents in a trend before, the share in a trend with the same id after."""
    inside = before >= 0
    return float((after[: len(before)][inside] == before[inside]).mean())


def test_update_keeps_trend_ids_on_next_month_of_huffpost(updated):
    det, n = updated.detector, len(updated.first)
    assert len(updated.first) > 1000 and len(updated.second) > 100
    assert len(det.corpus_) == n + len(updated.second) and det.corpus_.ids[n:] == updated.second.ids
    # every document of the fit keeps its trend: kept-id share 1.0 (a monthly refit of the job keeps 0.979)
    assert kept_id_share(updated.fit_labels, det.labels_) == 1.0
    assert np.array_equal(det.labels_[:n], updated.fit_labels)
    # every trend of the fit is still there, under its id; new ones are numbered after them
    fit_ids = set(updated.fit_trends.index)
    assert fit_ids <= set(det.trends_.index)
    new_ids = set(det.trends_.index) - fit_ids
    assert all(t > max(fit_ids) for t in new_ids)
    # the new headlines no trend took were clustered: candidate new trends of new documents only, each at least
    # as large as the fit's smallest allowed trend (HDBSCAN's 8); the pandemic is one (measured: 55 headlines)
    assert len(new_ids) >= 1
    largest = max(new_ids, key=lambda t: int(det.trends_.at[t, "size"]))
    assert int(det.trends_.at[largest, "size"]) >= 25
    assert "coronavirus" in det.keywords_[largest][:5], det.keywords_[largest]
    assert all((det.labels_[n:] == t).sum() == int(det.trends_.at[t, "size"]) >= 8 for t in new_ids)
    # the new month's headlines join the fit's trends as predict placed them (measured 40% of 162)
    new = det.labels_[n:]
    joined = np.isin(new, list(fit_ids))
    assert 0.25 < joined.mean() < 0.95
    assert np.array_equal(new[joined], updated.predicted[joined])
    assert np.all(updated.predicted[~joined] == -1)  # what predict left out went to a new trend or none
    # the trends that gained documents grew by exactly them; the new month's windows are scored
    sizes = pd.Series(det.labels_).value_counts()
    assert all(int(det.trends_.at[t, "size"]) == sizes[t] for t in det.trends_.index)
    assert str(det.signals_["window"].max()) >= NEXT_MONTH
    assert set(det.assignment_.ids) == set(det.trends_.index) == set(det.centroids_)
    report = det.report(top=3, map_points=50)
    assert report.corpus.n_documents == len(det.corpus_) and report.corpus.end.startswith(NEXT_MONTH)


def test_update_with_documents_already_in_the_corpus_is_a_no_op(updated):
    det = updated.detector
    labels, trends, corpus = det.labels_.copy(), det.trends_.copy(), det.corpus_
    state = set(vars(det))
    assert det.update(updated.second) is det
    assert det.update([]) is det
    assert det.update(list(updated.first.texts[:50])) is det  # known texts under other ids: duplicates
    assert np.array_equal(det.labels_, labels) and det.corpus_ is corpus and set(vars(det)) == state
    pd.testing.assert_frame_equal(det.trends_, trends)


def test_a_failed_update_leaves_the_detector_as_it_was(updated, huffpost_records, monkeypatch):
    det = updated.detector
    before = dict(vars(det))
    later = load_corpus(month(huffpost_records, "2018-07"))
    with pytest.raises(ConfigError, match="rows for 160 documents"):
        det.update(later, embeddings=np.ones((159, 384), dtype=np.float32))

    def fail(*args, **kwargs):
        raise RuntimeError("placement failed")

    # a failure late in the update, after the labels, signals and trend table were computed
    monkeypatch.setattr(placement, "place_in_taxonomy", fail)
    with pytest.raises(RuntimeError, match="placement failed"):
        det.update(later)
    assert vars(det).keys() == before.keys() and all(vars(det)[k] is v for k, v in before.items())


def test_a_loaded_detector_after_update_predicts_the_same(updated, embedder, tmp_path):
    det = updated.detector
    loaded = TrendDetector.load(det.save(tmp_path / "model"), embedder=embedder)
    assert np.array_equal(loaded.labels_, det.labels_)
    pd.testing.assert_frame_equal(loaded.trends_, det.trends_)
    pd.testing.assert_frame_equal(loaded.signals_, det.signals_)
    texts = updated.second.texts[:100] + ["Senate passes the relief bill", "my cat learned to open doors"]
    (a, sa), (b, sb) = det.predict(texts, return_similarity=True), loaded.predict(texts, return_similarity=True)
    assert np.array_equal(a, b) and np.array_equal(sa, sb, equal_nan=True)
    # and updating the loaded detector again with the same month changes nothing
    assert np.array_equal(loaded.update(updated.second).labels_, det.labels_)


def test_update_of_a_sampled_fit_appends_to_the_vectors_on_disk(huffpost_records, embedder):
    from trendlens.embed.disk import SUPPORTED, DiskVectors

    first = load_corpus(month(huffpost_records, FIT_MONTH))
    second = load_corpus(month(huffpost_records, TYPICAL_MONTH))
    det = TrendDetector(embedder=embedder, fit_sample=1000, taxonomy=None, show_progress=False).fit(first)
    fit_labels, n = det.labels_.copy(), len(first)
    predicted = det.predict(second)
    det.update(second)
    assert isinstance(det.embeddings_, DiskVectors) or not SUPPORTED
    assert det.embeddings_.shape == (n + len(second), 384)
    assert np.allclose(det.embeddings_[n:], embedder.encode(second.texts), atol=1e-5)
    assert np.array_equal(det.labels_[:n], fit_labels) and len(det.fit_rows_) == 1000
    joined = np.isin(det.labels_[n:], np.unique(fit_labels[fit_labels >= 0]))
    assert joined.mean() > 0.4 and np.array_equal(det.labels_[n:][joined], predicted[joined])
