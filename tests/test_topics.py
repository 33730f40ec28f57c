"""Topic labels and clustering settings (no model needed)."""

from __future__ import annotations

import pytest

from trendlens import ConfigError
from trendlens.topics import TopicConfig
from trendlens.topics.model import label_from_keywords, stop_words


def test_label_skips_words_that_repeat_a_kept_one():
    assert label_from_keywords(["facebook", "zuckerberg", "facebooks", "meta"]) == "facebook / zuckerberg / meta"
    assert label_from_keywords(["star wars", "wars", "marvel", "box office"]) == "star wars / marvel / box office"


def test_label_skips_words_found_in_only_one_member_document():
    members = ["A shooting in traffic", "Police shooting downtown", "Gun police traffic stop", "Witnesses say"]
    assert label_from_keywords(["shooting", "witness", "traffic", "police"], member_texts=members) == (
        "shooting / traffic / police"
    )


def test_label_of_nothing():
    assert label_from_keywords([]) == "(no keywords)"


def test_contractions_without_apostrophes_are_stop_words():
    words = set(stop_words("english"))
    assert {"heres", "dont", "thats", "the"} <= words
    assert "shell" not in words  # a real word, not a contraction
    assert stop_words(None) is None


def test_cluster_size_scales_and_settings_are_checked():
    assert TopicConfig().cluster_size_for(650) == 8
    assert TopicConfig().cluster_size_for(10_000) == 40
    assert TopicConfig(min_cluster_size=12).cluster_size_for(10_000) == 12
    with pytest.raises(ConfigError, match="max_cluster_share"):
        TopicConfig(max_cluster_share=1.5).validate()
