"""Save a fitted :class:`~trendlens.TrendDetector` to a directory and load it back, without pickle.

What a fit decided is kept; what follows from it is recomputed on load. The directory holds

* ``trendlens-model.json``: the format version, the trendlens version, the parameters, the
  corpus's counts, the fit's decisions that are not arrays (keywords, the assignment
  threshold, the languages found) and a SHA-256 checksum of every other file;
* ``corpus.jsonl.gz``: the documents, one JSON object each (text, time, engagement, metadata);
* ``embeddings.npy``, ``labels.npy``, ``speaks_as.npy``, ``fit_rows.npy``: the vectors, each
  document's trend, whose voice it counts as (near-duplicates) and the rows clustering saw;
* ``assignment_ids.npy``, ``assignment_centroids.npy``: the rule :meth:`predict` applies;
* ``layout.npy``: UMAP's layout of the clustered rows (the document map), when the fit made one.

Loading verifies the checksums, refuses a format newer than :data:`FORMAT`, and runs the
same steps a fit runs after clustering (signals, names, consumer trends, placement) on the
saved labels and vectors: these are deterministic, so the loaded detector predicts what the
original predicts and writes the same report (creation time aside). BERTopic's own model is
not kept (``topic_model_`` is ``None`` after a load); UMAP and HDBSCAN are not re-run.

A directory is written beside its destination and renamed into place, so a crash leaves the
previous save (or nothing), never half of one.
"""

from __future__ import annotations

import dataclasses
import gzip
import json
import os
import shutil
import tempfile
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any, TypeVar

import numpy as np

from trendlens._io import json_ready, sha256_file
from trendlens.errors import ConfigError

#: The class :func:`load_detector` builds (``TrendDetector``), passed in: this module imports no detector.
Detector = TypeVar("Detector")

#: Version of the directory layout. A reader refuses a newer one; an older one is read as written.
FORMAT = 1
MANIFEST = "trendlens-model.json"
#: Rows of the embedding matrix copied at a time (a sampled fit's vectors may live on disk).
CHUNK = 65_536


def save_detector(detector: Any, path: str | os.PathLike[str]) -> Path:
    """Write ``detector`` (fitted) to the directory ``path``; returns it.

    An existing trendlens model directory at ``path`` is replaced; any other non-empty
    directory is refused. An embedder or taxonomy given as an object (not a name or a path)
    is recorded by name only: pass the same object again to :func:`load_detector`.
    """
    detector._check_fitted()
    target = Path(path)
    if target.exists() and (not target.is_dir() or (any(target.iterdir()) and not (target / MANIFEST).exists())):
        raise ConfigError(f"{target}: exists and is not a trendlens model directory; choose a new path")
    target.parent.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=target.parent))
    try:
        files = _write_state(detector, work)
        manifest = {
            "format": FORMAT,
            "trendlens": _version(),
            "params": _params(detector),
            "objects": {
                name: _object_name(value)
                for name, value in (("embedder", detector.embedder), ("taxonomy", detector.taxonomy))
                if not _plain(value)
            },
            "corpus": {
                "origin": detector.corpus_.origin,
                "n_read": detector.corpus_.n_read,
                "n_duplicates": detector.corpus_.n_duplicates,
                "n_repeats": detector.corpus_.n_repeats,
            },
            "keywords": {str(t): list(words) for t, words in detector.keywords_.items()},
            "assign_similarity": float(detector.assignment_.min_similarity),
            "languages": getattr(detector, "languages_", None),
            "bertopic_ids": json_ready(getattr(detector, "bertopic_ids_", None)),
            "timings": getattr(detector, "timings_", {}),
            "files": {name: sha256_file(work / name) for name in sorted(files)},
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1, sort_keys=True), encoding="utf-8")
        if target.exists():
            old = target.with_name(f".{target.name}.old")
            shutil.rmtree(old, ignore_errors=True)
            target.rename(old)
            work.rename(target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            work.rename(target)
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    return target


def load_detector(
    cls: type[Detector],
    path: str | os.PathLike[str],
    *,
    embedder: Any = None,
    taxonomy: Any = None,
    show_progress: bool | None = None,
) -> Detector:
    """A fitted ``cls`` (:class:`~trendlens.TrendDetector`) from a directory written by :func:`save_detector`.

    ``embedder``, ``taxonomy``: required when the saved detector was given them as objects
    (the manifest names them); otherwise they override the saved names. ``show_progress``
    overrides the saved setting.
    """
    from trendlens.corpus import Corpus
    from trendlens.topics.assign import NearestCentroids

    root = Path(path)
    manifest = _read_manifest(root)
    params = _settings_in_configs(dict(manifest["params"]))
    for name, given in (("embedder", embedder), ("taxonomy", taxonomy)):
        if given is not None:
            params[name] = given
        elif name in manifest.get("objects", {}):
            raise ConfigError(
                f"{root}: the saved detector's {name} was an object ({manifest['objects'][name]}); "
                f"pass it again: load(path, {name}=...)"
            )
    if show_progress is not None:
        params["show_progress"] = show_progress
    detector = cls(**params)
    arrays = {name: np.load(root / name, allow_pickle=False) for name in manifest["files"] if name.endswith(".npy")}
    corpus = Corpus(
        _read_documents(root / "corpus.jsonl.gz"),
        n_read=manifest["corpus"]["n_read"],
        n_duplicates=manifest["corpus"]["n_duplicates"],
        n_repeats=manifest["corpus"]["n_repeats"],
        origin=manifest["corpus"]["origin"],
    )
    keywords = {int(t): list(words) for t, words in manifest["keywords"].items()}
    assignment = NearestCentroids(
        arrays["assignment_ids.npy"].astype(np.int64),
        arrays["assignment_centroids.npy"].astype(np.float32),
        float(manifest["assign_similarity"]),
    )
    detector._embedder_params = (detector.embedder, detector.embedding_cache)
    try:
        detector._restore(
            corpus,
            arrays["embeddings.npy"],
            arrays["labels.npy"].astype(np.int64),
            keywords,
            assignment=assignment,
            speaks_as=arrays["speaks_as.npy"].astype(np.int64),
            fit_rows=arrays["fit_rows.npy"].astype(np.int64),
            layout=arrays.get("layout.npy"),
            languages=manifest.get("languages"),
            bertopic_ids=manifest.get("bertopic_ids"),
            timings=dict(manifest.get("timings") or {}),
        )
    except BaseException:
        detector._reset()
        raise
    return detector


# -- writing -------------------------------------------------------------------------------------------------------


def _write_state(detector: Any, out: Path) -> list[str]:
    """The files of the fitted state; returns their names."""
    n = len(detector.corpus_)
    _write_documents(detector.corpus_, out / "corpus.jsonl.gz")
    vectors = detector.embeddings_
    matrix = np.lib.format.open_memmap(out / "embeddings.npy", mode="w+", dtype=np.float32, shape=vectors.shape)
    for start in range(0, n, CHUNK):
        matrix[start : start + CHUNK] = np.asarray(vectors[start : start + CHUNK], dtype=np.float32)
    matrix.flush()
    del matrix
    speaks_as = detector.result_.speaks_as
    arrays = {
        "labels.npy": np.asarray(detector.labels_, dtype=np.int64),
        "speaks_as.npy": np.arange(n, dtype=np.int64) if speaks_as is None else np.asarray(speaks_as, dtype=np.int64),
        "fit_rows.npy": np.asarray(getattr(detector, "fit_rows_", np.arange(n)), dtype=np.int64),
        "assignment_ids.npy": np.asarray(detector.assignment_.ids, dtype=np.int64),
        "assignment_centroids.npy": np.asarray(detector.assignment_.centroids, dtype=np.float32),
    }
    layout = getattr(detector, "layout_", None)
    if layout is not None:
        arrays["layout.npy"] = np.asarray(layout)  # its own dtype: the map's coordinates are rounded from it
    for name, array in arrays.items():
        np.save(out / name, array, allow_pickle=False)
    return ["corpus.jsonl.gz", "embeddings.npy", *arrays]


def _write_documents(corpus: Any, path: Path) -> None:
    # mtime=0: the same corpus gives the same bytes, hence the same checksum
    with open(path, "wb") as raw, gzip.GzipFile(fileobj=raw, mode="wb", mtime=0) as gz:
        for doc in corpus:
            record = asdict(doc)
            record["timestamp"] = doc.timestamp.isoformat() if doc.timestamp else None
            record["hashtags"] = list(doc.hashtags)
            record["metadata"] = json_ready(dict(doc.metadata))
            gz.write((json.dumps(record, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8"))


def _params(detector: Any) -> dict[str, Any]:
    """The estimator's parameters as JSON: settings dataclasses (``topics``, ``signals``) and dicts as objects of
    their fields, other objects (an embedder, a taxonomy, an executor) by default value."""
    out = {}
    defaults = type(detector)().get_params(deep=False)
    for name, value in detector.get_params(deep=False).items():
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            out[name] = json_ready(dataclasses.asdict(value))
        elif isinstance(value, dict):
            out[name] = json_ready(value)
        else:
            out[name] = value if _plain(value) else defaults[name]
    return out


def _settings_in_configs(params: dict[str, Any]) -> dict[str, Any]:
    """Parameters saved before the estimator took ``topics`` and ``signals`` (``window``, ``min_cluster_size``
    ... as parameters of their own) moved into those two, so an older saved model still loads."""
    from trendlens.signals.trends import SignalConfig
    from trendlens.topics.model import TopicConfig

    for name, kind in (("topics", TopicConfig), ("signals", SignalConfig)):
        fields = {f.name for f in dataclasses.fields(kind)}
        moved = {key: params.pop(key) for key in list(params) if key in fields and key not in ("topics", "signals")}
        if moved:
            params[name] = {**moved, **(params.get(name) or {})}
    return params


def _plain(value: Any) -> bool:
    return value is None or isinstance(value, (bool, int, float, str))


def _object_name(value: Any) -> str:
    return str(getattr(value, "name", None) or type(value).__name__)


def _version() -> str:
    from trendlens._version import __version__

    return __version__


# -- reading -------------------------------------------------------------------------------------------------------


def _read_manifest(root: Path) -> dict[str, Any]:
    file = root / MANIFEST
    if not file.is_file():
        raise ConfigError(f"{root}: no {MANIFEST}; this is not a directory written by TrendDetector.save")
    try:
        manifest = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise ConfigError(f"{file}: unreadable ({exc}); save the detector again") from exc
    version = manifest.get("format")
    if not isinstance(version, int) or version < 1:
        raise ConfigError(f"{file}: no valid format version ({version!r}); save the detector again")
    if version > FORMAT:
        raise ConfigError(
            f"{root}: saved in format {version} by trendlens {manifest.get('trendlens', '?')}; this trendlens "
            f"({_version()}) reads formats up to {FORMAT}: upgrade trendlens to load it"
        )
    for name, expected in manifest["files"].items():
        if not (root / name).is_file():
            raise ConfigError(f"{root / name}: missing; the saved detector is incomplete")
        if sha256_file(root / name) != expected:
            raise ConfigError(f"{root / name}: checksum differs from the one saved; the file was changed or damaged")
    return manifest


def _read_documents(path: Path) -> list[Any]:
    from trendlens.corpus.schema import Document, Engagement

    docs = []
    with gzip.open(path, "rt", encoding="utf-8") as f:
        for line in f:
            record = json.loads(line)
            stamp = record.pop("timestamp")
            docs.append(
                Document(
                    **{
                        **record,
                        "timestamp": datetime.fromisoformat(stamp) if stamp else None,
                        "engagement": Engagement(**record["engagement"]),
                        "hashtags": tuple(record["hashtags"]),
                    }
                )
            )
    return docs
