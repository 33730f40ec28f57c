"""Keep Hugging Face libraries from reaching the network; trendlens only reads local files."""

from __future__ import annotations

import os

OFFLINE_VARIABLES = {"HF_HUB_OFFLINE": "1", "TRANSFORMERS_OFFLINE": "1", "HF_DATASETS_OFFLINE": "1"}


def force_offline() -> None:
    """Set the offline switches before a model loads."""
    for key, value in OFFLINE_VARIABLES.items():
        os.environ[key] = value
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
