"""Evaluation of topic models: NPMI coherence and topic diversity measured as OCTIS/gensim
measure them (the BERTopic paper's metrics), clustering agreement and seed stability."""

from trendlens.eval.metrics import *  # noqa: F403 - the package re-exports the metrics module's public names
from trendlens.eval.metrics import __all__  # noqa: F401
