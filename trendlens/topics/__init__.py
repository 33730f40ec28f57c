"""Clustering documents into topics with BERTopic built from explicit, seeded components."""

from trendlens.topics.model import TopicConfig, TopicResult, fit_topics

__all__ = ["TopicConfig", "TopicResult", "fit_topics"]
