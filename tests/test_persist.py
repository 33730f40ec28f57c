"""Saving a fitted detector and loading it back (trendlens.persist): JSON and NumPy files, no pickle."""

from __future__ import annotations

import json
import shutil

import numpy as np
import pandas as pd
import pytest

from trendlens import TrendDetector
from trendlens.errors import ConfigError, NotFittedError
from trendlens.persist import FORMAT, MANIFEST


@pytest.fixture(scope="module")
def saved(fitted, tmp_path_factory):
    return fitted.save(tmp_path_factory.mktemp("persist") / "model")


@pytest.mark.slow
def test_a_loaded_detector_predicts_and_reports_as_the_original(fitted, saved, embedder, e2e_corpus):
    files = {p.name for p in saved.iterdir()}
    assert MANIFEST in files and "corpus.jsonl.gz" in files
    assert not [f for f in files if f.endswith((".pkl", ".pickle"))]
    loaded = TrendDetector.load(saved, embedder=embedder)
    assert np.array_equal(loaded.labels_, fitted.labels_)
    pd.testing.assert_frame_equal(loaded.trends_, fitted.trends_)
    pd.testing.assert_frame_equal(loaded.signals_, fitted.signals_)
    texts = e2e_corpus.texts[:200] + ["Senate passes the coronavirus relief bill", "my cat learned to open doors"]
    (a, sa), (b, sb) = fitted.predict(texts, return_similarity=True), loaded.predict(texts, return_similarity=True)
    assert np.array_equal(a, b) and np.array_equal(sa, sb, equal_nan=True)
    assert loaded.assign_similarity_ == fitted.assign_similarity_
    original, again = fitted.report().to_dict(), loaded.report().to_dict()
    original.pop("created"), again.pop("created")
    assert json.dumps(again, sort_keys=True) == json.dumps(original, sort_keys=True)


@pytest.mark.slow
def test_a_saved_detector_names_what_it_needs_and_refuses_damage(fitted, saved, tmp_path):
    with pytest.raises(ConfigError, match=r"embedder was an object .*load\(path, embedder=\.\.\.\)"):
        TrendDetector.load(saved)  # the fixture's detector was given a model object, saved by name only
    damaged = shutil.copytree(saved, tmp_path / "damaged")
    labels = np.load(damaged / "labels.npy")
    labels[0] = labels[0] + 1
    np.save(damaged / "labels.npy", labels)
    with pytest.raises(ConfigError, match=r"labels\.npy: checksum differs"):
        TrendDetector.load(damaged)
    (damaged / "embeddings.npy").unlink()
    with pytest.raises(ConfigError, match=r"embeddings\.npy: missing"):
        TrendDetector.load(damaged)
    (tmp_path / "mine").mkdir()
    (tmp_path / "mine" / "notes.txt").write_text("mine")
    with pytest.raises(ConfigError, match="not a trendlens model directory"):
        fitted.save(tmp_path / "mine")  # never over someone else's files
    assert [p.name for p in (tmp_path / "mine").iterdir()] == ["notes.txt"]
    assert fitted.save(saved) == saved  # a model directory is replaced whole
    assert TrendDetector.load(saved, embedder=fitted.embedder).labels_.tolist() == fitted.labels_.tolist()


@pytest.mark.slow
def test_settings_are_saved_and_a_model_saved_with_them_as_parameters_still_loads(fitted, saved, tmp_path):
    manifest = json.loads((saved / MANIFEST).read_text())
    assert manifest["params"]["topics"] is None or isinstance(manifest["params"]["topics"], dict)
    tuned = shutil.copytree(saved, tmp_path / "tuned")
    params = manifest["params"]
    # as a model saved before TrendDetector took topics= and signals= wrote them
    params.pop("topics"), params.pop("signals")
    params.update({"window": "week", "baseline_windows": 4, "min_cluster_size": 9, "top_n_words": 7})
    (tuned / MANIFEST).write_text(json.dumps(manifest))
    loaded = TrendDetector.load(tuned, embedder=fitted.embedder)
    assert loaded.get_params()["signals"] == {"window": "week", "baseline_windows": 4}
    assert loaded.get_params()["topics"] == {"min_cluster_size": 9, "top_n_words": 7}
    assert loaded.labels_.tolist() == fitted.labels_.tolist()
    again = loaded.save(tmp_path / "again")
    assert json.loads((again / MANIFEST).read_text())["params"]["topics"] == {"min_cluster_size": 9, "top_n_words": 7}
    # the report shows the settings as the saved model stores them, not as a repr string
    shown = loaded.report(top=1).params
    assert shown["topics"] == {"min_cluster_size": 9, "top_n_words": 7}
    assert shown["signals"] == {"window": "week", "baseline_windows": 4}
    assert shown["embedder"] == repr(fitted.embedder) and shown["embedder_name"] == fitted.embedder_.name


def test_a_newer_format_is_refused_with_what_to_do(tmp_path):
    (tmp_path / MANIFEST).write_text(json.dumps({"format": FORMAT + 1, "trendlens": "9.0", "files": {}}))
    with pytest.raises(ConfigError, match=rf"format {FORMAT + 1} by trendlens 9\.0.*upgrade trendlens"):
        TrendDetector.load(tmp_path)
    with pytest.raises(ConfigError, match="not a directory written by TrendDetector.save"):
        TrendDetector.load(tmp_path / "nothing")


def test_an_unfitted_detector_has_nothing_to_save(tmp_path):
    with pytest.raises(NotFittedError):
        TrendDetector().save(tmp_path / "model")
    assert not (tmp_path / "model").exists()
