"""Evaluation of topic models: NPMI coherence and topic diversity measured as OCTIS/gensim
measure them (the BERTopic paper's metrics), clustering agreement and seed stability."""

from trendlens.eval.metrics import (
    COUNTING_MODES,
    EPSILON,
    OUTLIER_LABEL,
    TOKEN_PATTERN,
    clustering_agreement,
    npmi_coherence,
    npmi_per_topic,
    seed_stability,
    tokenize,
    topic_diversity,
)

__all__ = [
    "COUNTING_MODES",
    "EPSILON",
    "OUTLIER_LABEL",
    "TOKEN_PATTERN",
    "clustering_agreement",
    "npmi_coherence",
    "npmi_per_topic",
    "seed_stability",
    "tokenize",
    "topic_diversity",
]
