"""The scheduled job: ingest new files, embed what is new, re-cluster, keep trend ids stable, commit atomically.

One call of :func:`run_job` is one run:

1. **lock** the store (:func:`~trendlens.jobs.lock.store_lock`);
2. **ingest** every input file not seen before (by SHA-256 of its bytes), one
   transaction per file; documents are keyed by id and content hash;
3. **embed** documents whose text has no stored vector, through the library's embedding
   path (:func:`trendlens.parallel.embed_texts`: the embedding cache shared with
   :class:`~trendlens.TrendDetector`, on Dask when configured), one partition per bucket of
   texts (the first two hex digits of the text hash), each stored in one transaction: a
   killed job keeps the buckets it finished, and a bucket always holds the same texts, so
   the vectors of a resumed run equal those of an uninterrupted one;
4. **cluster** the window: a full refit (:meth:`TrendDetector.fit <trendlens.TrendDetector.fit>`),
   or, when few documents are new, **incremental**: the last run's fitted detector, saved
   beside the store (:meth:`TrendStore.detector_path`), is loaded and
   :meth:`updated <trendlens.TrendDetector.update>` with the new documents (they join the
   closest trend at the fit's threshold; those no trend takes may form new trends);
5. **match** the clusters to the registry (:mod:`trendlens.jobs.matching`); an incremental
   run's trends keep the ids they had;
6. **save** the fitted detector beside the store and **commit** the run, its trends,
   snapshots, memberships and lineage in one transaction (:meth:`TrendStore.commit_run`).

A crash before the commit leaves no trace of the run (a detector saved for it is replaced
by the next run's and pruned); the next run redoes it from the stored documents and
embeddings. A run that fails with an error (not a kill) also takes
the documents it ingested back out, in one transaction, and forgets its files: bad input
cannot stay in the store and break every later run (issue 23). Documents that are stored
and break the clustering (a mistyped date that empties every window) are taken out with
:class:`Quarantine` (``trendlens job --quarantine``): kept in the store's quarantine, never
clustered or ingested again until restored.
"""

from __future__ import annotations

import functools
import glob
import itertools
import json
import logging
import time
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from trendlens._io import sha256_file
from trendlens.corpus import Corpus, load_corpus
from trendlens.corpus.readers import MAX_RECORD_BYTES, SUPPORTED, data_suffix
from trendlens.errors import ConfigError, CorpusError, StoreError
from trendlens.jobs.lock import store_lock
from trendlens.jobs.matching import Event, _unit, match_clusters
from trendlens.signals.trends import SignalConfig
from trendlens.store.store import RunRecord, TrendStore, content_hash
from trendlens.topics.model import TopicConfig, cluster_centroids

if TYPE_CHECKING:
    from trendlens.detector import TrendDetector
    from trendlens.report.model import TrendReport

log = logging.getLogger("trendlens")

MODES = ("auto", "full", "incremental")


@dataclass(frozen=True)
class JobConfig:
    """Settings of the scheduled job.

    Attributes
    ----------
    embedder
        Embedder name (see :func:`trendlens.get_embedder`).
    window_days
        Cluster only documents of the last ``window_days`` days before the newest
        document; ``None`` clusters everything stored.
    mode
        ``"full"`` refits every run; ``"incremental"`` assigns new documents to known
        trends; ``"auto"`` goes incremental when at most ``incremental_below`` of the
        window is new since the last run, full otherwise.
    assign_similarity
        Full runs: cosine to its previous trend's centroid with which a document the refit left in
        no trend stays in it (stickiness). New documents of an incremental run join a trend at the
        threshold the fit measured and saved with its detector (``assign_similarity_``).
    stickiness
        Full runs: a document stays in its previous trend unless its new cluster is
        closer by more than this cosine margin (see :func:`sticky_labels`); ``None``
        takes the refit as it is.
    topics, signals, taxonomy
        Passed to :class:`~trendlens.TrendDetector`: clustering settings (a
        :class:`~trendlens.topics.TopicConfig`, e.g. ``min_cluster_size`` and ``random_state``) and
        signal settings (a :class:`~trendlens.signals.SignalConfig`, e.g. ``window``).
    on_error
        Invalid records in input files: ``"raise"`` or ``"skip"``.
    reembed
        Allow an embedder other than the one of the store's last run: every document is embedded
        again with it, and the run is a full one (the stored trends' centroids live in the other
        model's space). Without it such a run is refused before anything is read.
    any_time
        Accept any timestamp; by default one before 1990 or more than a day after the run's
        clock makes its record invalid (see :func:`~trendlens.load_corpus`), so a single
        mistyped date cannot enter the store and empty the latest window of every later run.
    max_record_bytes
        Longest line of an input file; a longer one is an invalid record, read in bounded chunks
        and never held whole (``trendlens job --max-record-mb``).
    embedding_cache
        The embedding cache the job reads before embedding a text the store has no vector for, and
        fills: ``True`` the one :class:`~trendlens.TrendDetector` uses
        (``$TRENDLENS_CACHE_DIR/embeddings.sqlite``), a path that file, ``False`` none (``--no-cache``).
    executor, scheduler, workers
        Where embedding and the assignment of documents to trends run, as for
        :class:`~trendlens.TrendDetector`: ``"local"``, or ``"dask"`` (the ``scheduler`` address, else a
        ``LocalCluster`` of ``workers`` processes, started for the run and closed after it).
    """

    embedder: str = "minilm"
    window_days: int | None = None
    mode: str = "auto"
    incremental_below: float = 0.02
    assign_similarity: float = 0.35
    stickiness: float | None = 0.1
    topics: TopicConfig = field(default_factory=TopicConfig)
    signals: SignalConfig = field(default_factory=SignalConfig)
    taxonomy: str | None = "default"
    on_error: str = "raise"
    any_time: bool = False
    reembed: bool = False
    max_record_bytes: int = MAX_RECORD_BYTES
    embedding_cache: bool | str = True
    executor: str = "local"
    scheduler: str | None = None
    workers: int | None = None

    def __post_init__(self) -> None:
        if self.mode not in MODES:
            raise ConfigError(f"mode must be one of {', '.join(MODES)}, got {self.mode!r}")
        if self.window_days is not None and self.window_days < 1:
            raise ConfigError(f"window_days must be at least 1, got {self.window_days}")
        if self.workers is not None and (self.workers < 1 or self.scheduler):
            raise ConfigError(
                "workers needs a number of at least 1, and no scheduler (a running cluster has its own workers)"
            )


@dataclass(frozen=True)
class JobResult:
    """What one run did."""

    run_id: int | None
    mode: str
    dry_run: bool
    files_read: int
    files_skipped: int
    n_new: int
    n_changed: int
    n_embedded: int
    n_documents: int
    n_trends: int
    n_outliers: int
    events: tuple[Event, ...] = ()
    timings: dict[str, float] = field(default_factory=dict)
    report: TrendReport | None = None
    n_quarantined: int = 0
    n_restored: int = 0

    def summary(self) -> str:
        """A few lines for the terminal."""
        counts = defaultdict(int)
        for e in self.events:
            counts[e.event] += 1
        head = "dry run, nothing written" if self.dry_run else f"run {self.run_id} committed"
        lines = [
            f"{head} ({self.mode})",
            f"files: {self.files_read} read, {self.files_skipped} already ingested; "
            f"documents: {self.n_new} new, {self.n_changed} changed, {self.n_embedded} "
            f"{'to embed' if self.dry_run else 'embedded'}",
        ]
        if self.n_quarantined or self.n_restored:
            lines.append(f"documents: {self.n_quarantined} quarantined, {self.n_restored} restored before the run")
        if not self.dry_run:
            lines.append(
                f"{self.n_documents} documents in the window, {self.n_trends} trends, {self.n_outliers} in no trend; "
                + ", ".join(f"{n} {name}" for name, n in counts.items())
            )
        return "\n".join(lines)


def expand_inputs(inputs: Sequence[str | Path]) -> list[Path]:
    """Files named by ``inputs``: files, folders (their supported files, recursively) or glob patterns; sorted."""
    files: list[Path] = []
    for item in inputs:
        text = str(item)
        path = Path(text)
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and data_suffix(p) in SUPPORTED)
        elif any(ch in text for ch in "*?["):
            found = sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        elif path.is_file():
            found = [path]
        else:
            raise ConfigError(f"{text}: no such file, folder or matching pattern")
        if not found:
            log.warning("%s: no input files found", text)
        files += found
    return list(dict.fromkeys(files))


def run_job(
    store_path: str | Path,
    inputs: Sequence[str | Path] = (),
    config: JobConfig | None = None,
    *,
    wait: float = 0.0,
    dry_run: bool = False,
    show_progress: bool = True,
    embedder: Any = None,
    with_report: bool = False,
    quarantine: Quarantine | None = None,
) -> JobResult:
    """Run the job once on the store at ``store_path``; see the module docstring for the steps.

    Parameters
    ----------
    inputs
        Files, folders or glob patterns to ingest (may be empty: re-cluster what is stored).
    wait
        Seconds to wait for another job on the same store before giving up.
    dry_run
        Read and plan, write nothing: reports the files and documents that would be
        ingested and embedded, then rolls back.
    embedder
        An embedder object to use instead of ``config.embedder`` (must match the stored model name).
    with_report
        Also build the run's :class:`~trendlens.report.TrendReport` (stable trend ids) in
        ``result.report``; it reads every trend's documents again, so it is off by default.
    quarantine
        Documents to take out of the store (kept in its quarantine) or put back, before the run
        and under its lock; committed even if the run then fails. Not with ``dry_run``.
    """
    config = config or JobConfig()
    files = expand_inputs(inputs)
    if quarantine and dry_run:
        raise ConfigError("a dry run writes nothing: run --quarantine and --restore without --dry-run")
    with store_lock(store_path, wait=wait), TrendStore(store_path) as store:
        moved = (0, 0)
        if quarantine:
            moved = (
                store.quarantine(quarantine.ids, before=quarantine.before, after=quarantine.after),
                store.restore(quarantine.restore),
            )
        result = _Run(store, config, show_progress, embedder, with_report).execute(files, dry_run)
        return replace(result, n_quarantined=moved[0], n_restored=moved[1])


@dataclass(frozen=True)
class Quarantine:
    """Documents a run takes out of its store before it clusters (``trendlens job --quarantine``), or puts back.

    ``ids``, and documents dated before ``before`` or after ``after``, move to the store's
    quarantine (:meth:`TrendStore.quarantine`); ``restore`` ids move back.
    """

    ids: tuple[str, ...] = ()
    before: datetime | None = None
    after: datetime | None = None
    restore: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.ids or self.before or self.after or self.restore)


#: What the job's errors about the stored documents add: how to take bad documents out.
QUARANTINE_HINT = (
    "to take bad documents out of the store, run the job with --quarantine ID, --quarantine-before DATE "
    "or --quarantine-after DATE (they are kept; --restore ID puts one back)"
)


class _Run:
    """The state of one run (kept small so each step reads as a method)."""

    def __init__(
        self, store: TrendStore, config: JobConfig, show_progress: bool, embedder: Any, with_report: bool
    ) -> None:
        self.store = store
        self.with_report = with_report
        self.config = config
        self.show_progress = show_progress
        self._embedder = embedder
        self._embedder_given = embedder is not None  # else built from config.embedder (a Dask worker builds it by name)
        self._executor: Any = None
        #: the loaded detector's trend ids → stable ids (an incremental run; set by cluster)
        self.known_clusters: dict[int, int] = {}
        self.timings: dict[str, float] = {}
        self.model_changed = False  # set by check_embedder: another model than the store's last run's
        #: what this run ingested: new document ids, the stored rows it changed, the files' SHA-256
        self.undo: tuple[list[str], list[tuple], list[str]] = ([], [], [])
        self.started = datetime.now(timezone.utc)

    @property
    def embedder(self) -> Any:
        if self._embedder is None:
            from trendlens.embed import get_embedder

            self._embedder = get_embedder(self.config.embedder, show_progress=False)
        return self._embedder

    @property
    def executor(self) -> Any:
        """Where embedding and the fit's assignment run (opened on first use, closed when the run ends)."""
        if self._executor is None:
            from trendlens.parallel import open_executor

            self._executor = open_executor(self.config.executor, self.config.scheduler, self.config.workers)
        return self._executor

    @functools.cached_property
    def cached_embedder(self) -> Any:
        """The embedder behind the embedding cache the library shares (``config.embedding_cache``)."""
        from trendlens.embed.cache import cached

        return cached(self.embedder, self.config.embedding_cache)

    def _timed(self, name: str, began: float) -> None:
        self.timings[name] = round(time.perf_counter() - began, 3)

    def execute(self, files: list[Path], dry_run: bool) -> JobResult:
        try:
            return self._execute(files, dry_run)
        finally:
            if self._executor is not None:
                self._executor.close()

    def _execute(self, files: list[Path], dry_run: bool) -> JobResult:
        began = time.perf_counter()
        self.check_embedder()
        if dry_run:
            with self.store.scratch():  # ingest as the run would, then roll it all back
                read, skipped, new, changed = self.ingest(files, transactional=False)
                corpus = self.window()
                hashes = [content_hash(d.text) for d in corpus]
                to_embed = len(self.store.missing_embeddings(hashes, self.embedder.name))
            mode = self.choose_mode(corpus)
            return JobResult(None, mode, True, read, skipped, new, changed, to_embed, len(corpus), 0, 0)
        try:
            read, skipped, new, changed = self.ingest(files, transactional=True)
            self._timed("ingest", began)
            return self._after_ingest(read, skipped, new, changed)
        except Exception:  # a failed run takes its documents back out (a killed one keeps them, to resume)
            if self.undo[2]:
                self.store.undo_ingest(*self.undo)
            raise

    def _after_ingest(self, read: int, skipped: int, new: int, changed: int) -> JobResult:
        corpus = self.window()
        if not len(corpus):
            raise ConfigError(f"{self.store.path}: no documents to cluster; give input files with --input")
        began = time.perf_counter()
        hashes = [content_hash(d.text) for d in corpus]
        n_embedded = self.embed(corpus, hashes)
        embeddings = self.store.embeddings(hashes, self.embedder.name)
        self._timed("embed", began)
        began = time.perf_counter()
        mode = self.choose_mode(corpus)
        try:
            det = self.cluster(corpus, embeddings, mode)
        except CorpusError as exc:  # what is stored cannot be clustered: say how to take documents out
            raise CorpusError(f"{self.store.path}: {exc}; {QUARANTINE_HINT}") from exc
        # the run's documents, in the detector's order (an update appends the new ones after the known)
        corpus, embeddings = det.corpus_, np.asarray(det.embeddings_, dtype=np.float32)
        self._timed("cluster", began)
        began = time.perf_counter()
        ids, events = self.match(corpus, embeddings, det, mode)
        self._timed("match", began)
        began = time.perf_counter()
        run_id = self.commit(corpus, embeddings, det, ids, events, mode)
        self._timed("commit", began)
        report = _with_stable_ids(det.report(), ids) if self.with_report else None
        n_outliers = int((det.labels_ < 0).sum())
        return JobResult(
            run_id,
            mode,
            False,
            read,
            skipped,
            new,
            changed,
            n_embedded,
            len(corpus),
            len(ids),
            n_outliers,
            events,
            dict(self.timings),
            report,
        )

    # -- steps ----------------------------------------------------------------------
    def ingest(self, files: list[Path], *, transactional: bool) -> tuple[int, int, int, int]:
        read = skipped = new = changed = 0
        for path in files:
            sha = sha256_file(path)
            if self.store.file_seen(sha):
                skipped += 1
                continue
            times = {"earliest": None, "max_ahead": None} if self.config.any_time else {}
            corpus = load_corpus(
                path,
                on_error=self.config.on_error,
                max_record_bytes=self.config.max_record_bytes,
                **times,  # type: ignore[arg-type]
            )
            if transactional:
                with self.store.transaction():
                    new_ids, old_rows = self.store.before_ingest(corpus)
                    n, c = self.store.ingest(corpus, path=str(path), sha256=sha)
                self.undo[0].extend(new_ids)
                self.undo[1].extend(old_rows)
                self.undo[2].append(sha)
            else:
                n, c = self.store.ingest(corpus, path=str(path), sha256=sha)
            read, new, changed = read + 1, new + n, changed + c
            log.info("ingested %s: %d new, %d changed of %d", path, n, c, len(corpus))
        return read, skipped, new, changed

    def window(self) -> Any:
        start = None
        if self.config.window_days is not None:
            latest = self.store.latest_timestamp()
            start = latest - timedelta(days=self.config.window_days) if latest else None
        return self.store.corpus(start)

    def embed(self, corpus: Any, hashes: list[str]) -> int:
        """Embed the texts with no stored vector; returns how many. One partition (and one store
        transaction) per bucket of texts, by the first two hex digits of their hash."""
        from tqdm.auto import tqdm

        from trendlens.parallel import embed_texts

        model = self.embedder.name
        missing = set(self.store.missing_embeddings(hashes, model))
        if not missing:
            return 0
        texts = {h: d.text for h, d in zip(hashes, corpus) if h in missing}
        order = sorted(texts)
        sizes = [len(list(bucket)) for _, bucket in itertools.groupby(order, key=lambda h: h[:2])]
        vectors = np.empty((len(order), self.embedder.dim), dtype=np.float32)

        def keep(start: int, stop: int) -> None:  # a bucket is embedded: store it
            with self.store.transaction():
                self.store.put_embeddings(order[start:stop], vectors[start:stop], model)

        log.info("embedding %d new texts with %s", len(order), model)
        with tqdm(total=len(order), desc="embedding", unit="doc", disable=not self.show_progress) as bar:
            embed_texts(
                self.cached_embedder,
                [texts[h] for h in order],
                self.executor,
                spec=None if self._embedder_given else self.config.embedder,
                out=vectors,
                after=keep,
                sizes=sizes,
                bar=bar,
            )
        return len(order)

    @functools.cached_property
    def previous(self) -> tuple[int | None, dict[str, int | None]]:
        """The last committed run and its memberships (fixed for the whole run: ingestion adds no runs)."""
        run = self.store.last_run_id()
        return run, (self.store.memberships(run) if run is not None else {})

    @functools.cached_property
    def known_trends(self) -> dict[int, np.ndarray]:
        """Stable id → centroid of the trends alive after the last run."""
        return self.store.active_trends()

    def check_embedder(self) -> None:
        """Refuse an embedder other than the last run's, unless ``config.reembed`` (then the run is full)."""
        last = self.store.last_model()
        self.model_changed = last is not None and last != self.embedder.name
        if not self.model_changed:
            return
        if not self.config.reembed:
            raise StoreError(
                f"{self.store.path}: the store's last run embedded with {last}, this run would use "
                f"{self.embedder.name}; vectors of two models cannot be clustered together. Pass --reembed to "
                "embed every document again with the new model, or use another --store"
            )
        if self.config.mode == "incremental":
            raise ConfigError("--reembed needs a full run: the stored trends live in the other model's space")

    def choose_mode(self, corpus: Any) -> str:
        run, members = self.previous
        if self.model_changed:  # allowed by --reembed (check_embedder refused it otherwise)
            return "full"
        if self.config.mode != "auto":
            if self.config.mode == "incremental" and run is None:
                raise ConfigError("an incremental run needs an earlier run in the store; run once in full mode")
            return self.config.mode
        if run is None or not self.known_trends:
            return "full"
        new = sum(1 for d in corpus if d.id not in members)
        return "incremental" if new <= self.config.incremental_below * len(corpus) else "full"

    def detector(self) -> TrendDetector:
        from trendlens.detector import TrendDetector

        return TrendDetector(
            embedder=self.embedder,
            embedding_cache=self.config.embedding_cache,
            topics=self.config.topics,
            signals=self.config.signals,
            taxonomy=self.config.taxonomy,
            executor=self.executor,
            show_progress=self.show_progress,
        )

    def cluster(self, corpus: Corpus, embeddings: np.ndarray, mode: str) -> TrendDetector:
        """A detector of the window: fitted in full, or the last run's detector updated with the new documents."""
        if mode == "full":
            return self.detector().fit(corpus, embeddings=embeddings)
        det, self.known_clusters = self.previous_detector(corpus, embeddings)
        known = set(det.corpus_.ids)
        fresh = [k for k, doc in enumerate(corpus) if doc.id not in known]
        if fresh:
            det.update(Corpus([corpus[k] for k in fresh], origin=corpus.origin), embeddings=embeddings[fresh])
        return _as_window(det, corpus, embeddings)

    def previous_detector(self, corpus: Corpus, embeddings: np.ndarray) -> tuple[TrendDetector, dict[int, int]]:
        """The last run's fitted detector and its trend ids → stable ids.

        Loaded from beside the store when the last run saved it with the settings of this run;
        otherwise rebuilt from the store (the window's documents of the last run, their trends and
        keywords; the trend ids are then the stable ids, and the assignment threshold is measured
        again on them).
        """
        from trendlens.detector import TrendDetector

        run, members = self.previous
        path = self.store.detector_path(run)
        if path.is_dir() and self.same_settings(run):
            try:
                det = TrendDetector.load(path, embedder=self.embedder, show_progress=self.show_progress)
            except ConfigError as exc:
                log.warning("the detector of run %d cannot be loaded (%s); rebuilding it from the store", run, exc)
            else:
                clusters = self.store.clusters(run)
                if set(det.keywords_) <= set(clusters):
                    return det, clusters
                log.warning("the detector of run %d does not hold that run's trends; rebuilding it from the store", run)
        log.info("detector of run %d rebuilt from the store (its trends, their documents and keywords)", run)
        rows = [k for k, doc in enumerate(corpus) if doc.id in members]
        if not rows:
            raise ConfigError(
                "an incremental run needs documents of the last run in the window; run in full mode (--mode full)"
            )
        labels = np.array([-1 if (t := members[corpus[k].id]) is None else t for k in rows], dtype=np.int64)
        keywords = self.store.keywords(run)
        det = self.detector().fit_assigned(
            Corpus([corpus[k] for k in rows], origin=corpus.origin), labels, keywords, embeddings=embeddings[rows]
        )
        return det, {t: t for t in keywords}

    def same_settings(self, run: int) -> bool:
        """Whether run ``run`` clustered and scored with this run's settings (its detector is then this run's)."""
        before = self.store.params(run)
        now = json.loads(json.dumps(asdict(self.config), default=str))
        return all(before.get(key) == now[key] for key in ("embedder", "topics", "signals", "taxonomy"))

    def match(self, corpus: Any, embeddings: np.ndarray, det: Any, mode: str) -> tuple[dict[int, int], tuple]:
        """Stable id of every cluster and the lineage events; applies stickiness (may refit the signals)."""
        store = self.store
        run, members = self.previous
        clusters = _clusters(corpus, det.labels_)
        if mode == "incremental":  # the detector's trends keep their stable ids; those the update added are born
            ids, born = {}, []
            next_id = store.next_trend_id()
            for cluster in sorted(clusters):
                if cluster in self.known_clusters:
                    ids[cluster] = self.known_clusters[cluster]
                else:
                    ids[cluster], next_id = next_id, next_id + 1
                    born.append(ids[cluster])
            kept = set(ids.values()) - set(born)
            return ids, (
                *(Event("continued", t) for t in sorted(kept)),
                *(Event("born", t) for t in born),
                *(Event("died", t) for t in sorted(set(self.known_trends) - kept)),
            )
        index = {d.id: k for k, d in enumerate(corpus)}
        centroids = cluster_centroids(det.labels_, embeddings)
        previous: dict[int, set[str]] = defaultdict(set)
        for doc_id, trend in members.items():
            if trend is not None and doc_id in index:
                previous[trend].add(doc_id)
        matching = match_clusters(
            previous,
            self.known_trends,
            clusters,
            centroids,
            known_documents=set(members),
            next_id=store.next_trend_id(),
        )
        ids, events = matching.ids, matching.events
        if self.config.stickiness is None or run is None:
            return ids, events
        labels, ids, events = stabilise(
            det.labels_,
            [members.get(d.id) for d in corpus],
            embeddings,
            ids,
            events,
            centroids,
            self.known_trends,
            margin=self.config.stickiness,
            min_similarity=self.config.assign_similarity,
            min_size=self.config.topics.cluster_size_for(len(corpus)),
        )
        if np.array_equal(labels, det.labels_):
            return ids, events
        log.info("stickiness kept %d documents in their previous trend", int((labels != det.labels_).sum()))
        old_keywords = self.store.keywords(run)
        keywords = {c: det.keywords_.get(c) or old_keywords.get(ids[c], []) for c in sorted(ids)}
        det.relabel(labels, keywords)  # the clustering's terms and near-duplicates stay
        return ids, events

    def commit(
        self, corpus: Any, embeddings: np.ndarray, det: Any, ids: dict[int, int], events: tuple, mode: str
    ) -> int:
        """Write the run, registry changes, snapshots, memberships and lineage in one transaction."""
        from trendlens.report.evidence import finite_or_none

        store = self.store
        run, members = self.previous
        clusters = _clusters(corpus, det.labels_)
        centroids = cluster_centroids(det.labels_, embeddings)
        run_id = 0 if run is None else run + 1
        window = corpus.timestamps[~np.isnat(corpus.timestamps)]
        n_new = sum(1 for d in corpus if d.id not in members)
        params = {"mode": mode, **asdict(self.config)}  # settings dataclasses as objects of their fields
        table = det.trends_
        cluster_of = {trend: cluster for cluster, trend in ids.items()}
        trends = {
            event.trend_id: (
                table.at[cluster_of[event.trend_id], "label"],
                centroids[cluster_of[event.trend_id]].tolist(),
            )
            for event in events
            if event.event in ("born", "split", "continued")
        }
        snapshots = []
        for cluster, trend_id in sorted(ids.items()):
            row = table.loc[cluster]
            snapshots.append(
                (
                    trend_id,
                    cluster,
                    int(row["size"]),
                    float(row["share"]),
                    row["label"],
                    list(row["keywords"]),
                    finite_or_none(row.get("virality")),
                    row.get("lifecycle") if isinstance(row.get("lifecycle"), str) else None,
                    finite_or_none(row.get("growth")),
                    row.get("consumer_trend"),
                    row.get("big_social_trend"),
                    row.get("worldwide_social_trend"),
                    row.get("social_drive"),
                    finite_or_none(row.get("consumer_trend_confidence")),
                )
            )
        began = time.perf_counter()
        det.save(store.detector_path(run_id))  # before the commit: a committed run always has its detector
        self._timed("save", began)
        store.commit_run(
            RunRecord(
                run_id=run_id,
                started=self.started,
                mode=mode,
                window_start=_as_datetime(window.min()) if len(window) else None,
                window_end=_as_datetime(window.max()) if len(window) else None,
                n_documents=len(corpus),
                n_new=n_new,
                n_trends=len(clusters),
                n_outliers=int((det.labels_ < 0).sum()),
                params=params,
                versions=_versions(self.embedder.name),
                timings=self.timings,
                trends=trends,
                events=events,
                snapshots=snapshots,
                memberships={d.id: ids[int(label)] if label >= 0 else None for d, label in zip(corpus, det.labels_)},
            )
        )
        store.prune_detectors(keep=run_id)
        log.info("run %d committed: %d trends", run_id, len(ids))
        return run_id


def stabilise(
    labels: np.ndarray,
    previous: Sequence[int | None],
    embeddings: np.ndarray,
    ids: dict[int, int],
    events: tuple[Event, ...],
    centroids: dict[int, np.ndarray],
    previous_centroids: dict[int, np.ndarray],
    *,
    margin: float,
    min_similarity: float,
    min_size: int,
) -> tuple[np.ndarray, dict[int, int], tuple[Event, ...]]:
    """Labels, cluster → stable id and events after stickiness; see :func:`sticky_labels`.

    Trends the matching continued keep their documents unless clearly moved. A
    trend it marked merged or died gets a home of its own at its previous centroid;
    if at least ``min_size`` documents stay there, it continues instead (the merge
    or loss was within noise). Clusters left empty lose their born/split event;
    a continued trend left empty dies.
    """
    continued = {e.trend_id for e in events if e.event == "continued"}
    homes = {ids[c]: c for c in ids if ids[c] in continued}
    home_centroids = dict(centroids)
    revived: dict[int, int] = {}
    spare = max(centroids, default=-1) + 1
    for e in events:
        if e.event in ("merged", "died") and e.trend_id in previous_centroids:
            revived[e.trend_id] = homes[e.trend_id] = spare
            home_centroids[spare] = _unit(previous_centroids[e.trend_id])
            spare += 1
    out = sticky_labels(
        labels, previous, embeddings, homes, home_centroids, margin=margin, min_similarity=min_similarity
    )
    ids = dict(ids)
    for trend, label in revived.items():
        mask = out == label
        if mask.sum() < min_size:
            out[mask] = np.asarray(labels)[mask]  # too few stayed: the merge or death stands
        else:
            ids[label] = trend
    alive = set(out[out >= 0].tolist())
    by_id = {i: c for c, i in ids.items()}
    kept = []
    for e in events:
        cluster = by_id.get(e.trend_id)
        if e.event in ("born", "split") and cluster not in alive:
            continue  # every document of the new cluster stayed in its previous trend
        if e.event == "continued" and cluster not in alive:
            kept.append(Event("died", e.trend_id))
        elif e.event in ("merged", "died") and cluster in alive:
            kept.append(Event("continued", e.trend_id))
        else:
            kept.append(e)
    order = {"continued": 0, "split": 1, "born": 2, "merged": 3, "died": 4}
    kept.sort(key=lambda e: (order[e.event], e.trend_id))
    return out, {c: i for c, i in ids.items() if c in alive}, tuple(kept)


def sticky_labels(
    labels: np.ndarray,
    previous: Sequence[int | None],
    embeddings: np.ndarray,
    homes: dict[int, int],
    centroids: dict[int, np.ndarray],
    *,
    margin: float,
    min_similarity: float,
) -> np.ndarray:
    """Labels where a document stays with its previous trend unless the refit clearly moved it.

    A document that was in trend *t* in the previous run, whose home this run is
    the cluster ``homes[t]`` (the cluster continuing *t*, or one set up to revive
    it), goes back to that cluster when its cosine to it is at
    least its cosine to its new cluster minus ``margin`` (or, when the refit left it
    in no cluster, at least ``min_similarity``). This is the temporal-smoothness idea
    of evolutionary clustering (Chakrabarti, Kumar and Tomkins, KDD 2006): a
    re-clustering should not reshuffle documents for differences within noise.
    """
    out = np.asarray(labels).copy()
    for k, trend in enumerate(previous):
        if trend is None or trend not in homes:
            continue
        home = homes[trend]
        current = int(out[k])
        if current == home:
            continue
        stay = float(embeddings[k] @ centroids[home])
        if current < 0:
            if stay >= min_similarity:
                out[k] = home
        elif stay >= float(embeddings[k] @ centroids[current]) - margin:
            out[k] = home
    return out


def _as_window(det: TrendDetector, corpus: Corpus, embeddings: np.ndarray) -> TrendDetector:
    """``det`` holding exactly the window's documents as stored, each in the trend ``det`` gave it.

    After an update the detector holds the window unless documents left it (``window_days``,
    quarantine), changed text, or repeat a known text under a new id (an update leaves those out).
    Then the trends are given to the window's documents again (:meth:`TrendDetector.fit_assigned`):
    by id, else by the trend of the same text; the assignment threshold is measured again.
    """
    from trendlens.corpus.schema import text_key

    held = {doc.id: doc.text for doc in det.corpus_}
    if len(held) == len(corpus) and all(held.get(doc.id) == doc.text for doc in corpus):
        return det
    labels = det.labels_.tolist()
    by_id = dict(zip(det.corpus_.ids, labels))
    by_text = {text_key(doc.text): label for doc, label in zip(det.corpus_, labels)}
    window = np.array([by_id.get(doc.id, by_text.get(text_key(doc.text), -1)) for doc in corpus], dtype=np.int64)
    differ = sum(held.get(doc.id) != doc.text for doc in corpus) + len(held.keys() - set(corpus.ids))
    log.info("%d documents differ between the detector and the window: trends given to the window again", differ)
    return det.fit_assigned(corpus, window, dict(det.keywords_), embeddings=embeddings)


def _clusters(corpus: Any, labels: np.ndarray) -> dict[int, set[str]]:
    clusters: dict[int, set[str]] = defaultdict(set)
    for doc, label in zip(corpus, labels):
        if label >= 0:
            clusters[int(label)].add(doc.id)
    return dict(clusters)


def _as_datetime(value: np.datetime64) -> datetime:
    return datetime.fromtimestamp(value.astype("datetime64[us]").astype(np.int64) / 1e6, tz=timezone.utc)


def _versions(model: str) -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {"model": model}
    for package in ("trendlens", "bertopic", "sentence-transformers", "torch", "umap-learn", "hdbscan", "duckdb"):
        try:
            out[package] = version(package)
        except PackageNotFoundError:
            continue
    return out


def _with_stable_ids(report: TrendReport, ids: dict[int, int]) -> TrendReport:
    """The detector's report with each trend's cluster number replaced by its stable id."""
    trends = []
    for t in report.trends:
        insight = t.insight
        if insight is not None and insight.consumer_trend is not None:
            group = insight.consumer_trend
            members = tuple(sorted(ids.get(m, m) for m in group.members))
            insight = replace(insight, consumer_trend=replace(group, members=members))
        trends.append(replace(t, id=ids.get(t.id, t.id), insight=insight))
    return replace(report, trends=tuple(trends))
