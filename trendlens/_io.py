"""Files: atomic output (readers see the old file or the new one, never half of one) and checksums."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

import numpy as np


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _temp_beside(path: Path) -> tuple[int, str]:
    """A new hidden temporary file in ``path``'s folder (same file system, so the rename is atomic)."""
    return tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)


def _sync(handle: Any, tmp: str) -> None:
    """Flush ``handle`` to disk and give its file the usual permissions (mkstemp makes it private)."""
    handle.flush()
    os.fsync(handle.fileno())
    os.chmod(tmp, 0o666 & ~_umask())


@contextmanager
def atomic_open(path: str | Path, mode: str = "wb", encoding: str | None = None) -> Iterator[Any]:
    """A handle on a temporary file beside ``path``; flushed to disk and renamed over ``path`` when the block ends.

    If the block raises (or the process dies), ``path`` keeps its old content and the
    temporary file is removed (or left as a hidden ``.name.*.tmp`` after a kill).
    """
    path = Path(path)
    fd, tmp = _temp_beside(path)
    try:
        with os.fdopen(fd, mode, encoding=encoding, newline="\n" if "b" not in mode else None) as handle:
            yield handle
            _sync(handle, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write_text(path: str | Path, text: str, encoding: str = "utf-8") -> None:
    """Write ``text`` to a temporary file beside ``path``, flush it to disk, then rename it over ``path``."""
    with atomic_open(path, "w", encoding=encoding) as handle:
        handle.write(text)


def atomic_write_texts(texts: dict[Path, str], encoding: str = "utf-8") -> None:
    """Write several files as a set: all are written and flushed to temporary files first, then renamed.

    A failure while writing (disk full, a kill) leaves every old file as it was; the
    renames come last and together, so each file is always whole, old or new.
    """
    staged: list[tuple[str, Path]] = []
    try:
        for path, text in texts.items():
            fd, tmp = _temp_beside(Path(path))
            staged.append((tmp, Path(path)))
            with os.fdopen(fd, "w", encoding=encoding, newline="\n") as handle:
                handle.write(text)
                _sync(handle, tmp)
        for tmp, path in staged:
            os.replace(tmp, path)
    except BaseException:
        for tmp, _ in staged:
            Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process umask (read by setting and restoring it)."""
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


@contextmanager
def building_dir(out_dir: str | Path) -> Iterator[Path]:
    """Build a folder beside ``out_dir`` and put it in place only when the block succeeds.

    Yields the temporary folder to fill; on success it replaces ``out_dir``, on any
    error it is removed and ``out_dir`` is left as it was.
    """
    out_dir = Path(out_dir)
    out_dir.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{out_dir.name}.", dir=out_dir.parent))
    work.chmod(0o755)  # mkdtemp makes it private; model folders are meant to be shared
    try:
        yield work
        if out_dir.exists():
            shutil.rmtree(out_dir)
        work.rename(out_dir)
    finally:
        shutil.rmtree(work, ignore_errors=True)


def write_manifest(folder: Path, manifest: dict[str, Any], name: str = "manifest.json") -> None:
    """Write a model folder's manifest as indented JSON."""
    (folder / name).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")


def json_ready(value: Any) -> Any:
    """``value`` with NumPy scalars and arrays, tuples and datetimes made JSON types."""
    if isinstance(value, Mapping):
        return {str(k): json_ready(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_ready(v) for v in value]
    if isinstance(value, np.ndarray):
        return [json_ready(v) for v in value.tolist()]
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, datetime):
        return value.isoformat()
    return value
