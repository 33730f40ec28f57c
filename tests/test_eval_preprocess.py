"""The evaluation's preprocessing (stop words, noun lemmas, document-frequency vocabulary) on real texts."""

from __future__ import annotations

import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from trendlens.errors import ConfigError
from trendlens.eval.preprocess import preprocess

TEXTS = [
    "The cars were parked near the old studies of mice.",
    "Cars and more cars: access to the garage for two cars.",
    "A study of mice and of cars in the city.",
    "Short one.",
    "The car, the mouse and the study of access roads.",
]


def test_stop_words_go_plurals_fold_and_rare_words_drop():
    result = preprocess(TEXTS, min_df=0.4, max_df=1.0, min_words=2)
    # in at least 2 of 5 documents after lemmatising: car (4), mouse (3), study (3), access (2)
    assert result.vocabulary == ["access", "car", "mouse", "study"]
    assert "acces" not in result.vocabulary  # spaCy's fallback that strips an unknown "s" is not used
    assert result.kept.tolist() == [0, 1, 2, 4]  # "Short one." keeps no vocabulary word
    assert result.tokens[0] == ["car", "study", "mouse"]
    assert result.texts[1] == "car car access car"


def test_max_df_drops_words_in_most_documents():
    result = preprocess(TEXTS, min_df=0.0, max_df=0.7, min_words=1)
    assert "car" not in result.vocabulary  # in 4 of 5 documents
    assert {"mouse", "study", "access"} <= set(result.vocabulary)


def test_lower_case_only_as_the_paper_did_for_tweets():
    result = preprocess(TEXTS, stop_words=False, lemmatize=False, min_df=0.0, max_df=1.0, min_words=1)
    assert result.tokens[0][:3] == ["the", "cars", "were"]
    assert len(result.kept) == len(TEXTS)


def test_min_words_leaves_out_short_documents_by_index():
    result = preprocess(TEXTS, min_df=0.0, max_df=1.0, min_words=6)
    assert all(len(t) >= 6 for t in result.tokens)
    assert len(result.kept) == len(result.tokens) < len(TEXTS)


@pytest.mark.parametrize("kwargs", [{"min_df": 0.6, "max_df": 0.5}, {"max_df": 0.0}, {"min_words": 0}])
def test_bad_settings_are_refused(kwargs):
    with pytest.raises(ConfigError):
        preprocess(TEXTS, **kwargs)


def test_a_single_string_is_refused():
    with pytest.raises(TypeError, match="sequence of texts"):
        preprocess("one text")


def test_bbc_vocabulary_is_of_the_size_octis_published():
    # OCTIS's preprocessed BBC News: 2,225 documents, 2,949 words; ours lands within 15%
    texts = [r["text"] for r in read_jsonl_gz(CORPORA / "bbc.jsonl.gz")]
    result = preprocess(texts)
    assert len(result.kept) == 2225
    assert 2949 * 0.85 <= len(result.vocabulary) <= 2949 * 1.15
    assert {"government", "film", "game", "market"} <= set(result.vocabulary)
    assert not {"the", "said", "and"} & set(result.vocabulary)
