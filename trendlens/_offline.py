"""Keep Hugging Face libraries from reaching the network; trendlens only reads local files."""

from __future__ import annotations

import contextlib
import logging
import os
import warnings
from collections.abc import Iterator

OFFLINE_VARIABLES = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def force_offline() -> None:
    """Set the offline switches before a model loads."""
    for key, value in OFFLINE_VARIABLES.items():
        os.environ[key] = value
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")


@contextlib.contextmanager
def quiet_third_party() -> Iterator[None]:
    """Silence what model libraries print while trendlens loads or builds a model, restored after.

    transformers draws a "Loading weights" bar; torch's ONNX exporter and ONNX Runtime's quantiser
    write tracer warnings and advice to the root logger. trendlens shows its own progress, and a
    user's terminal should hold only that.
    """
    loggers = [logging.getLogger(name) for name in ("", "transformers", "onnxruntime", "torch")]
    levels = [logger.level for logger in loggers]
    bars = None
    try:
        from transformers.utils import logging as hf_logging

        bars = hf_logging.is_progress_bar_enabled()
        hf_logging.disable_progress_bar()
    except ImportError:  # the ONNX and static tiers run without transformers
        hf_logging = None
    try:
        for logger in loggers:
            logger.setLevel(logging.ERROR)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            yield
    finally:
        for logger, level in zip(loggers, levels):
            logger.setLevel(level)
        if hf_logging is not None and bars:
            hf_logging.enable_progress_bar()
