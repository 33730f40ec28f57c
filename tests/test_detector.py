"""End to end with the real model on real HuffPost headlines: do the trends make sense?"""

from __future__ import annotations

from collections import Counter

import numpy as np
import pytest
from sklearn.base import clone
from sklearn.metrics import normalized_mutual_info_score

from tests.conftest import E2E_CATEGORIES
from trendlens import CorpusError, NotFittedError, SignalConfig, TopicConfig, TrendDetector, TrendReport

pytestmark = pytest.mark.slow


def categories(corpus) -> np.ndarray:
    return np.array([d.metadata["category"] for d in corpus])


def test_categories_concentrate_in_few_trends(fitted, e2e_corpus):
    cats = categories(e2e_corpus)
    clustered = fitted.labels_ >= 0
    assert normalized_mutual_info_score(cats[clustered], fitted.labels_[clustered]) > 0.5
    for category in ("SPORTS", "ENVIRONMENT", "QUEER VOICES"):
        labels = fitted.labels_[(cats == category) & clustered]
        top_two = sum(n for _, n in Counter(labels.tolist()).most_common(2))
        assert top_two / len(labels) >= 0.7, category


def test_sports_and_environment_trends_are_pure(fitted, e2e_corpus):
    cats = categories(e2e_corpus)
    for category in ("SPORTS", "ENVIRONMENT"):
        labels = fitted.labels_[(cats == category) & (fitted.labels_ >= 0)]
        dominant = Counter(labels.tolist()).most_common(1)[0][0]
        members = cats[fitted.labels_ == dominant]
        assert (members == category).mean() >= 0.8, (category, Counter(members.tolist()))


def test_most_documents_are_in_a_trend(fitted):
    assert (fitted.labels_ < 0).mean() < 0.3


def test_trend_table_is_consistent_with_labels(fitted, e2e_corpus):
    table = fitted.trends_
    assert len(table) >= 5
    assert list(table.columns[:3]) == ["label", "keywords", "size"]
    for trend, row in table.iterrows():
        assert row["size"] == int((fitted.labels_ == trend).sum())
        members = {e2e_corpus[i].id for i in np.flatnonzero(fitted.labels_ == trend)}
        assert set(row["example_ids"]) <= members
    from trendlens.signals.ranking import rank_tiers

    tiers, virality = rank_tiers(table["lifecycle"].tolist(), table["recent"].tolist()), table["virality"].to_numpy()
    assert np.all(tiers[:-1] <= tiers[1:])  # rising trends, then the others, then those with no recent document
    same = tiers[:-1] == tiers[1:]
    assert np.all(virality[:-1][same] >= virality[1:][same])  # each tier by virality
    assert set(table["lifecycle"]) <= {"noise", "emerging", "accelerating", "peaking", "steady", "declining"}
    assert ((table["virality"] >= 0) & (table["virality"] <= 100)).all()


def test_label_is_a_phrase_of_member_documents(fitted, e2e_corpus):
    # Issue 20: a trend is named by a phrase of its documents, no longer by " / "-joined keywords;
    # the phrase (normalised as keywords are: case, plurals, hashtags) occurs in two or more members,
    # or the name is a proper name and the common nouns after it ("colorado floods"), each so; a name
    # of two such phrases joined by "and" ("fashion and beauty") holds each so.
    from trendlens.topics.model import term_stop_words
    from trendlens.topics.names import document_phrases, phrase_key
    from trendlens.topics.terms import Terms

    terms = Terms.from_texts(e2e_corpus.texts, term_stop_words("english"))
    for trend, row in fitted.trends_.iterrows():
        members = [document_phrases(terms, e2e_corpus[i].text) for i in np.flatnonzero(fitted.labels_ == trend)]
        for phrase in row["label"].split(" and "):
            words = phrase_key(terms, phrase).split()
            parts = [(" ".join(words),)] + [(" ".join(words[:k]), " ".join(words[k:])) for k in range(1, len(words))]
            found = [all(sum(p in m for m in members) >= 2 for p in split) for split in parts]
            assert any(found), row["label"]
    assert fitted.trends_["label"].is_unique


def test_signals_share_sums_to_clustered_share(fitted):
    per_window = fitted.signals_.groupby("window").agg(share=("share", "sum"), count=("count", "sum"))
    assert (per_window["share"] <= 1.0 + 1e-9).all()
    assert per_window["count"].sum() == int((fitted.labels_ >= 0).sum())


def test_same_seed_gives_the_same_trends(fitted, e2e_corpus, e2e_embeddings):
    again = clone(fitted).fit(e2e_corpus, embeddings=e2e_embeddings)
    assert np.array_equal(again.labels_, fitted.labels_)
    assert list(again.trends_["label"]) == list(fitted.trends_["label"])


def test_report_carries_trends_and_examples(fitted, e2e_corpus):
    report = fitted.report(top=5)
    assert isinstance(report, TrendReport)
    assert len(report.trends) == 5
    assert report.corpus.n_documents == len(e2e_corpus)
    texts = {d.id: d.text for d in e2e_corpus}
    for trend in report.trends:
        assert trend.examples and all(texts[e.doc_id] == e.text for e in trend.examples)
        assert sum(p.count for p in trend.series) == trend.size
    assert TrendReport.from_dict(report.to_dict()).trends == report.trends


def test_estimator_contract():
    det = TrendDetector(topics={"min_cluster_size": 12})
    assert det.get_params()["topics"] == {"min_cluster_size": 12}
    assert det.set_params(signals=SignalConfig(window="week")).signals.window == "week"
    with pytest.raises(NotFittedError, match="call fit"):
        det.report()


def test_too_small_corpus_says_how_many_are_needed(e2e_corpus, e2e_embeddings, embedder):
    with pytest.raises(CorpusError, match="at least 20"):
        TrendDetector(embedder=embedder).fit(e2e_corpus[:5], embeddings=e2e_embeddings[:5])


def test_too_small_corpus_is_refused_before_any_model_is_loaded(e2e_corpus):
    # an embedder name that cannot load: the size check must come first, so the error is about size
    detector = TrendDetector(embedder="no-such-embedder", show_progress=False)
    with pytest.raises(CorpusError, match=r"only 3 document\(s\) to cluster; trendlens needs at least 20"):
        detector.fit(e2e_corpus[:3])
    assert not hasattr(detector, "embedder_")


def test_sample_covers_the_expected_categories(e2e_corpus):
    assert set(E2E_CATEGORIES) <= set(categories(e2e_corpus))


def test_every_trend_is_placed_in_the_hierarchy(fitted, e2e_corpus):
    from trendlens.hierarchy.mapping import MAPPED_LEVELS

    table = fitted.trends_
    for level in MAPPED_LEVELS:
        assert table[level].notna().all()
        assert table[f"{level}_confidence"].between(0, 1).all()
    cats = categories(e2e_corpus)
    dominant = {}
    for category in ("SPORTS", "ENVIRONMENT"):
        labels = fitted.labels_[(cats == category) & (fitted.labels_ >= 0)]
        dominant[category] = Counter(labels.tolist()).most_common(1)[0][0]
    sports, environment = (table.loc[dominant[c]] for c in ("SPORTS", "ENVIRONMENT"))
    assert sports["consumer_trend_id"] is not None and environment["consumer_trend_id"] is not None
    assert sports["big_social_trend_id"] != environment["big_social_trend_id"]
    report = fitted.report(top=3)
    assert all(len(t.hierarchy) == 4 for t in report.trends)
    assert "### Social drive" in report.to_markdown()


def test_a_corpus_with_no_cluster_gives_an_empty_ranking_and_says_why(huffpost_records, embedder, tmp_path):
    from trendlens import TrendDetector, load_corpus
    from trendlens.report.sections import NO_TRENDS

    corpus = load_corpus(huffpost_records[:60])
    # HDBSCAN never returns one cluster holding everything: 60 documents cannot make two of 40
    detector = TrendDetector(embedder=embedder, topics=TopicConfig(min_cluster_size=40), show_progress=False)
    detector.fit(corpus)
    assert len(detector.trends_) == 0 and (detector.labels_ < 0).all()
    report = detector.report()
    assert len(report.trends) == 0 and report.corpus.n_outliers == 60
    paths = report.save(tmp_path)
    assert NO_TRENDS in paths["markdown"].read_text() and "No trends found" in paths["html"].read_text()
