"""Checks run before any model work, so a careless argument fails at once in one line, not after clustering.

Each check raises :class:`~trendlens.errors.ConfigError` naming the argument and what to pass instead.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import numpy as np

from trendlens.errors import ConfigError

#: Time windows :class:`~trendlens.TrendDetector` accepts.
WINDOWS = ("auto", "day", "week", "month")
_CHUNK = 65_536


def check_output_dir(path: str | Path) -> Path:
    """``path`` as a folder a report can be written into: refused at once when it cannot be.

    The folder need not exist yet; then the nearest existing parent must be a folder
    this process may write into.

    Raises
    ------
    ConfigError
        When ``path`` (or a parent) is a file, or the folder is not writable.
    """
    out = Path(path)
    existing = out
    while not existing.exists() and existing != existing.parent:
        existing = existing.parent
    if existing.exists() and not existing.is_dir():
        where = "is a file" if existing == out else f"is inside {existing}, which is a file"
        raise ConfigError(f"output folder {out} {where}; choose a folder for the report with --out")
    if not os.access(existing, os.W_OK | os.X_OK):
        raise ConfigError(f"output folder {out}: cannot write into {existing}; choose a writable folder with --out")
    return out


def check_detector_params(window: Any, fit_sample: Any) -> None:
    """The parameters of a detector that are refused before embedding rather than after clustering."""
    if window not in WINDOWS:
        raise ConfigError(f"window must be one of {', '.join(map(repr, WINDOWS))}, got {window!r}")
    if fit_sample is not None and (isinstance(fit_sample, bool) or not isinstance(fit_sample, int) or fit_sample < 1):
        raise ConfigError(f"fit_sample must be a positive number of documents or None, got {fit_sample!r}")


def as_texts(corpus: Any) -> Any:
    """A list or tuple of plain strings becomes a list of text records; anything else is returned unchanged.

    ``fit(["oat milk is back", ...])`` means texts, as it does for scikit-learn's text
    vectorizers; file paths are passed as :class:`pathlib.Path` objects or a single string.
    """
    if isinstance(corpus, (list, tuple)) and corpus and all(type(item) is str for item in corpus):
        return [{"text": text} for text in corpus]
    return corpus


def check_embeddings(embeddings: Any, n_documents: int, dim: int | None = None) -> np.ndarray:
    """``embeddings`` as a float32 matrix of one finite, non-zero row per document, or a one-line error.

    Parameters
    ----------
    embeddings
        Array-like of shape ``(n_documents, dim)``.
    n_documents
        Documents in the corpus (after validation and de-duplication).
    dim
        The width the embedder gives, when known.
    """
    try:
        matrix = np.asarray(embeddings, dtype=np.float32)
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"embeddings must be a numeric matrix ({exc})") from None
    if matrix.ndim != 2:
        raise ConfigError(
            f"embeddings must be a 2-D matrix (documents x dimensions), got {matrix.ndim}-D of shape {matrix.shape}"
        )
    if matrix.shape[0] != n_documents:
        raise ConfigError(
            f"embeddings has {matrix.shape[0]} rows for {n_documents} documents (after de-duplication); "
            "give one row per document of the corpus"
        )
    if dim is not None and matrix.shape[1] != dim:
        raise ConfigError(f"embeddings are {matrix.shape[1]} wide, but the embedder gives {dim}; embed with it")
    bad_rows, zero_rows = [], []
    for start in range(0, len(matrix), _CHUNK):  # in chunks: a memory-mapped matrix stays on disk
        rows = matrix[start : start + _CHUNK]
        bad_rows += (start + np.flatnonzero(~np.isfinite(rows).all(axis=1))).tolist()
        zero_rows += (start + np.flatnonzero(~rows.any(axis=1))).tolist()
    if bad_rows:
        raise ConfigError(f"embeddings: {len(bad_rows)} row(s) hold NaN or infinity (first: row {bad_rows[0]})")
    if zero_rows:
        raise ConfigError(
            f"embeddings: {len(zero_rows)} row(s) are all zeros (first: row {zero_rows[0]}); "
            "a zero vector has no direction to cluster by"
        )
    return matrix


def as_config(kind: type, value: Any, name: str) -> Any:
    """``value`` as a settings dataclass ``kind`` (``TopicConfig``, ``SignalConfig``): itself, ``None`` for the
    defaults, or a mapping of its fields (as JSON gives them back: lists become tuples)."""
    import dataclasses

    if value is None:
        return kind()
    if isinstance(value, kind):
        return value
    if not isinstance(value, dict):
        raise ConfigError(f"{name} must be a {kind.__name__}, a dict of its fields or None, got {type(value).__name__}")
    fields = {f.name for f in dataclasses.fields(kind)}
    unknown = sorted(set(value) - fields)
    if unknown:
        known = ", ".join(sorted(fields))
        raise ConfigError(f"{name}: no setting {', '.join(map(repr, unknown))}; {kind.__name__} has {known}")
    return kind(**{k: tuple(v) if isinstance(v, list) else v for k, v in value.items()})


def config_pairs(kind: type, pairs: Any, name: str) -> dict[str, Any]:
    """Command-line ``KEY=VALUE`` strings as a dict of ``kind``'s fields, each value read as its field's type.

    ``none`` gives ``None`` where the field allows it, ``true``/``false`` a bool, ``1,2`` a tuple of ints.
    """
    import dataclasses
    import typing

    hints = typing.get_type_hints(kind)
    out: dict[str, Any] = {}
    for pair in pairs or ():
        key, sep, text = str(pair).partition("=")
        key = key.strip().replace("-", "_")
        if not sep or key not in hints:
            known = ", ".join(f.name for f in dataclasses.fields(kind))
            raise ConfigError(f"{name} {pair!r}: expected KEY=VALUE with KEY one of {known}")
        out[key] = _typed(text.strip(), hints[key], f"{name} {key}")
    return out


def _typed(text: str, hint: Any, where: str) -> Any:
    import types
    import typing

    options = typing.get_args(hint) if typing.get_origin(hint) in (typing.Union, types.UnionType) else (hint,)
    if text.lower() == "none" and type(None) in options:
        return None
    kinds = [o for o in options if o is not type(None)]
    for kind in kinds:
        try:
            if kind is bool:
                if text.lower() in ("true", "false", "1", "0", "yes", "no"):
                    return text.lower() in ("true", "1", "yes")
                continue
            if typing.get_origin(kind) is tuple:
                return tuple(int(part) for part in text.split(","))
            return kind(text)
        except ValueError:
            continue
    raise ConfigError(f"{where}: cannot read {text!r} as {' or '.join(getattr(k, '__name__', str(k)) for k in kinds)}")
