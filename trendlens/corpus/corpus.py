"""The :class:`Corpus` container and :func:`load_corpus`, the one entry point for input."""

from __future__ import annotations

import dataclasses
import hashlib
import warnings
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

import numpy as np

from trendlens.corpus.observations import item_of, merge_observations
from trendlens.corpus.readers import MAX_RECORD_BYTES, Record, read_frame, read_path, read_records
from trendlens.corpus.schema import Document, RecordError, text_key, to_document
from trendlens.errors import ConfigError, CorpusError

if TYPE_CHECKING:
    import pandas as pd

OnError = Literal["raise", "skip"]

#: Longest text kept, in characters (about 15,000 English words: a long article). The embedding
#: model reads only the first few hundred words; longer texts are page dumps or concatenated
#: feeds, which would dominate their trend's keywords and slow every stage.
MAX_CHARS = 100_000
#: Earliest timestamp accepted by default. Social and news data this old is rare; such dates are
#: mostly parse errors (epoch 0, year 1), and one of them stretches the time axis of every trend.
EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
#: How far after the run's clock a timestamp may lie by default (time zones, clock skew). A date in
#: the future opens a latest time window that holds only it, and the signals of every trend are read there.
MAX_AHEAD = timedelta(days=1)


@dataclass(frozen=True)
class SkippedRecord:
    """A record dropped by ``on_error="skip"``: where it was, which field, what was wrong."""

    location: str
    field: str
    problem: str

    def __str__(self) -> str:
        return f"{self.location}{_field(self.field)}: {self.problem}"


def _field(name: str) -> str:
    """``", field 'x'"``, or nothing for a problem of the whole record (``name`` empty)."""
    return f", field {name!r}" if name else ""


class Corpus(Sequence[Document]):
    """An ordered, validated, de-duplicated collection of :class:`Document`.

    Build one with :func:`load_corpus` or :meth:`Corpus.from_documents`.

    Attributes
    ----------
    n_read : int
        Records read from the input, before validation and de-duplication.
    n_duplicates : int
        Records dropped because their text repeated an earlier one (case and
        spacing ignored).
    n_repeats : int
        Records that were later observations of an earlier item (the same id, or the
        same ``item_key``): merged into its document, never dropped as duplicates
        (see :mod:`trendlens.corpus.observations`).
    skipped : tuple of SkippedRecord
        Records dropped as invalid (only with ``on_error="skip"``).
    """

    def __init__(
        self,
        documents: Iterable[Document],
        *,
        n_read: int | None = None,
        n_duplicates: int = 0,
        skipped: Sequence[SkippedRecord] = (),
        origin: str = "",
        n_repeats: int = 0,
    ) -> None:
        self._docs: tuple[Document, ...] = tuple(documents)
        self.n_read = len(self._docs) + n_duplicates + n_repeats + len(skipped) if n_read is None else n_read
        self.n_duplicates = n_duplicates
        self.n_repeats = n_repeats
        self.skipped = tuple(skipped)
        self.origin = origin

    @classmethod
    def from_documents(cls, documents: Iterable[Document], origin: str = "documents") -> Corpus:
        """Build a corpus from documents, dropping exact duplicate texts (first one wins)."""
        return _assemble(((f"{origin}, item {i}", d) for i, d in enumerate(documents, 1)), origin)

    # -- Sequence protocol -------------------------------------------------
    def __len__(self) -> int:
        return len(self._docs)

    def __iter__(self) -> Iterator[Document]:
        return iter(self._docs)

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            return Corpus(self._docs[index], n_read=0, origin=self.origin)
        return self._docs[index]

    def __repr__(self) -> str:
        span = ""
        times = [d.timestamp for d in self._docs if d.timestamp is not None]
        if times:
            span = f", {min(times):%Y-%m-%d}..{max(times):%Y-%m-%d}"
        repeats = f", {self.n_repeats} repeated observations merged" if self.n_repeats else ""
        return f"Corpus({len(self)} documents{span}, {self.n_duplicates} duplicates dropped{repeats})"

    # -- views ---------------------------------------------------------------
    @property
    def texts(self) -> list[str]:
        """The document texts, in corpus order."""
        return [d.text for d in self._docs]

    @property
    def ids(self) -> list[str]:
        """The document ids, in corpus order."""
        return [d.id for d in self._docs]

    @property
    def timestamps(self) -> np.ndarray:
        """UTC timestamps as ``datetime64[s]`` (``NaT`` where a document has none)."""
        values = [
            np.datetime64(d.timestamp.replace(tzinfo=None), "s") if d.timestamp else np.datetime64("NaT", "s")
            for d in self._docs
        ]
        return np.array(values, dtype="datetime64[s]")

    def sample(self, n: int, random_state: int = 0) -> Corpus:
        """A random subset of ``n`` documents (all of them if ``n >= len(self)``), in corpus order."""
        if n >= len(self):
            return self
        rng = np.random.default_rng(random_state)
        keep = np.sort(rng.choice(len(self), size=n, replace=False))
        return Corpus([self._docs[i] for i in keep], n_read=0, origin=self.origin)

    def to_frame(self) -> pd.DataFrame:
        """One row per document; engagement counts as columns, metadata flattened."""
        import pandas as pd

        rows = []
        for d in self._docs:
            row = {
                "id": d.id,
                "text": d.text,
                "timestamp": d.timestamp,
                "source": d.source,
                "url": d.url,
                "author": d.author,
                "lang": d.lang,
                "likes": d.engagement.likes,
                "shares": d.engagement.shares,
                "comments": d.engagement.comments,
                "views": d.engagement.views,
                "hashtags": list(d.hashtags),
            }
            row.update({k: v for k, v in d.metadata.items() if k not in row})
            rows.append(row)
        frame = pd.DataFrame(rows)
        if "timestamp" in frame:
            frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True)
        return frame


class _Validation:
    """What validating a stream of records found besides the documents: counts, and the warnings they call for."""

    def __init__(
        self,
        origin: str,
        max_chars: int | None,
        earliest: datetime | None = None,
        max_ahead: timedelta | None = None,
    ) -> None:
        self.origin, self.max_chars = origin, max_chars
        self.now = datetime.now(timezone.utc)
        self.earliest, self.max_ahead = earliest, max_ahead
        self.n_read = self.n_duplicates = self.n_docs = self.n_repeats = 0
        self.observations: dict[str, list[Document]] = {}  # later observations of repeated items
        self.skipped: list[SkippedRecord] = []
        self.future: list[str] = []
        self.cut: list[str] = []
        self.undated: list[str] = []

    def time_problem(self, stamp: datetime | None) -> str | None:
        """Why ``stamp`` is refused (before ``earliest``, or more than ``max_ahead`` after the clock), or None."""
        if stamp is None:
            return None
        stamp = stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)
        day = stamp.date().isoformat()  # not strftime: "%Y" of the year 1 is "1"
        if self.earliest is not None and stamp < self.earliest:
            return (
                f"{day} is before {self.earliest.date().isoformat()}, older than trend data plausibly is "
                "(epoch 0 or a year cut short?); fix the column, or pass earliest=None (--any-time) to keep it"
            )
        if self.max_ahead is not None and stamp > self.now + self.max_ahead:
            return (
                f"{day} {stamp:%H:%M} UTC is more than {_duration(self.max_ahead)} after this run's clock "
                f"({self.now:%Y-%m-%d %H:%M} UTC); check the column and its time zone, or pass max_ahead=None "
                "(--any-time) to keep it"
            )
        return None

    def warn(self, stacklevel: int) -> None:
        """One warning per kind of problem, naming the first record concerned."""
        origin = self.origin
        if self.skipped:
            warnings.warn(
                f"{origin}: skipped {len(self.skipped)} invalid record(s); first: {self.skipped[0]}",
                stacklevel=stacklevel,
            )
        if self.future:
            warnings.warn(
                f"{origin}: {len(self.future)} document(s) dated more than a day after now (first: {self.future[0]}); "
                "they are kept, so the latest time window may lie in the future: check the timestamp column "
                "and its time zone",
                stacklevel=stacklevel,
            )
        if self.cut:
            warnings.warn(
                f"{origin}: {len(self.cut)} text(s) longer than {self.max_chars:,} characters were cut to that "
                f"length (first: {self.cut[0]}); pass max_chars=None to keep them whole",
                stacklevel=stacklevel,
            )
        if self.undated and len(self.undated) < self.n_docs:
            warnings.warn(
                f"{origin}: {len(self.undated)} of {self.n_docs} document(s) have no timestamp "
                f"(first: {self.undated[0]}); they are clustered but not counted in volumes, growth or virality",
                stacklevel=stacklevel,
            )


def _validated(
    records: Iterable[tuple[str, Mapping[str, Any] | Document]],
    found: _Validation,
    *,
    text_field: str | None = None,
    on_error: OnError = "raise",
    item_key: str | None = None,
) -> Iterator[Document]:
    """Valid, de-duplicated documents of ``records``, one at a time; ``found`` counts what was dropped.

    A later observation of an item already seen (see :func:`~trendlens.corpus.observations.item_of`:
    the same given id and text, or the same ``item_key`` value) at another time or with other
    counts is not yielded: it goes to ``found.observations`` for :func:`_assemble` to merge (the
    same observation read twice is a duplicate). Memory: besides the current record, a
    20-byte digest of every text and the id, place and text digest of every document seen (for
    the duplicate checks), about 0.2 kB per document, plus the repeated observations.
    """
    seen_text: set[bytes] = set()
    seen_id: dict[str, str] = {}
    seen_item: dict[str, tuple[bytes, int]] = {}  # item -> its text digest and first observation's hash
    seen_again: set[tuple[str, int]] = set()  # later observations (item, hash): a record read twice is a duplicate
    horizon = datetime.now(timezone.utc) + timedelta(days=1)
    for where, record in records:
        found.n_read += 1
        try:
            if isinstance(record, RecordError):  # a record the reader could not take
                raise record
            doc = record if isinstance(record, Document) else to_document(record, text_field)
            problem = found.time_problem(doc.timestamp)
            if problem:
                raise RecordError("timestamp", problem)
        except RecordError as exc:
            if on_error == "raise":
                raise CorpusError(
                    f"{where}{_field(exc.field)}: {exc.problem}. "
                    "Fix the record, or pass on_error='skip' to drop invalid records."
                ) from None
            found.skipped.append(SkippedRecord(where, exc.field, exc.problem))
            continue
        key = hashlib.sha1(text_key(doc.text).encode("utf-8")).digest()
        item = item_of(doc, item_key)
        observed = hash((doc.timestamp, doc.engagement))
        if item is not None and item in seen_item and (item_key is not None or seen_item[item][0] == key):
            if observed == seen_item[item][1] or (item, observed) in seen_again:
                found.n_duplicates += 1  # the same observation again (same time, same counts)
                continue
            seen_again.add((item, observed))
            found.n_repeats += 1
            found.observations.setdefault(item, []).append(doc)
            continue
        if key in seen_text:
            found.n_duplicates += 1
            continue
        if doc.id in seen_id:
            problem = f"id {doc.id!r} already used at {seen_id[doc.id]} for a different text"
            if on_error == "raise":
                raise CorpusError(f"{where}, field 'id': {problem}. Ids must be unique.")
            found.skipped.append(SkippedRecord(where, "id", problem))
            continue
        seen_text.add(key)
        seen_id[doc.id] = where
        if item is not None:
            seen_item[item] = (key, observed)
        if found.max_chars is not None and len(doc.text) > found.max_chars:
            doc = dataclasses.replace(doc, text=_shorten(doc.text, found.max_chars))
            found.cut.append(where)
        stamp = doc.timestamp
        if stamp is None:
            found.undated.append(where)
        elif (stamp if stamp.tzinfo else stamp.replace(tzinfo=timezone.utc)) > horizon:
            found.future.append(where)
        found.n_docs += 1
        yield doc


def _assemble(
    records: Iterable[tuple[str, Mapping[str, Any] | Document]],
    origin: str,
    *,
    text_field: str | None = None,
    on_error: OnError = "raise",
    max_chars: int | None = MAX_CHARS,
    item_key: str | None = None,
    earliest: datetime | None = None,
    max_ahead: timedelta | None = None,
) -> Corpus:
    found = _Validation(origin, max_chars, earliest, max_ahead)
    docs = list(_validated(records, found, text_field=text_field, on_error=on_error, item_key=item_key))
    if found.observations:
        later = found.observations
        docs = [merge_observations(d, later[item]) if (item := item_of(d, item_key)) in later else d for d in docs]
    found.warn(stacklevel=4)
    return Corpus(
        docs,
        n_read=found.n_read,
        n_duplicates=found.n_duplicates,
        skipped=found.skipped,
        origin=origin,
        n_repeats=found.n_repeats,
    )


def _duration(span: timedelta) -> str:
    days, seconds = span.days, span.seconds
    if not seconds:
        return f"{days} day{'s' * (days != 1)}"
    return f"{span.total_seconds() / 3600:g} hours"


def _shorten(text: str, max_chars: int) -> str:
    """``text`` cut to at most ``max_chars`` characters, at the last space before the limit when there is one."""
    head = text[:max_chars]
    space = head.rfind(" ", max(0, max_chars - 1000))
    return head[:space] if space > 0 else head


def _records_of(source: Any, max_record_bytes: int = MAX_RECORD_BYTES) -> tuple[Iterator[Record], str]:
    if isinstance(source, (str, Path)):
        return read_path(source, max_record_bytes), str(source)
    if hasattr(source, "columns") and (hasattr(source, "itertuples") or hasattr(source, "to_dicts")):
        return read_frame(source), "DataFrame"
    if isinstance(source, Iterable):
        items = list(source)
        if items and all(isinstance(i, (str, Path)) for i in items):
            return (rec for path in items for rec in read_path(path, max_record_bytes)), f"{len(items)} files"
        return read_records(items), "records"
    raise ConfigError(
        f"load_corpus: cannot read a {type(source).__name__}; pass a file path, a list of paths, "
        "a pandas/polars DataFrame or a list of dicts"
    )


def load_corpus(
    source: Any,
    *,
    text_field: str | None = None,
    on_error: OnError = "raise",
    max_chars: int | None = MAX_CHARS,
    item_key: str | None = None,
    max_record_bytes: int = MAX_RECORD_BYTES,
    earliest: datetime | None = EARLIEST,
    max_ahead: timedelta | None = MAX_AHEAD,
) -> Corpus:
    """Read documents from files or a data frame into a validated :class:`Corpus`.

    Parameters
    ----------
    source
        A path to a JSONL (``.jsonl``/``.ndjson``, optionally ``.gz``), CSV/TSV or
        Parquet file; a list of such paths; a pandas or polars DataFrame; or a list
        of dicts. Field names are matched leniently (``text``/``content``/``body``,
        ``timestamp``/``date``/``created_at``, ``likes``/``favorites``,
        ``shares``/``retweets`` ...); other fields are kept as metadata.
    text_field
        The column holding the text, when it is not one of the usual names.
    on_error
        ``"raise"`` (default) stops at the first invalid record with its file,
        line/row and field; ``"skip"`` drops invalid records, warns once and
        lists them in ``Corpus.skipped``.
    max_chars
        Texts longer than this many characters are cut to it, with one warning
        naming the first (:data:`MAX_CHARS` by default; ``None`` keeps them whole).
    item_key
        The field naming the item a record observes, when several records observe one item
        at different times with new counts (e.g. ``"video_id"`` of a daily trending list).
        By default a record's own ``id``: a record repeating an earlier id *and text* is a
        later observation of it. The observations of an item become one document, dated by
        the first, with the latest counts and the series in ``metadata["observations"]``
        (:func:`~trendlens.corpus.observations.merge_observations`); ``Corpus.n_repeats``
        counts them. They are never dropped as duplicate texts; equal texts of different
        items still are.
    max_record_bytes
        Longest line of a JSON-lines or CSV file, in bytes (16 MiB by default). A
        longer line is never held whole: it is an invalid record (refused, or
        skipped under ``on_error="skip"``). Only regular files are read (``"-"``
        reads JSON lines from standard input); a gzipped file may expand to at most
        100 times its size; JSON nested deeper than 64 levels is an invalid record.
    earliest, max_ahead
        A timestamp before ``earliest`` (1990-01-01 by default) or more than
        ``max_ahead`` after the clock of this call (one day by default) makes its
        record invalid (refused, or skipped under ``on_error="skip"``); ``None``
        accepts any (a date more than a day ahead is then kept with a warning).

    Warns
    -----
    UserWarning
        Once per kind, naming the first record: invalid records skipped, bytes that
        are not UTF-8, texts cut to ``max_chars``, documents without a timestamp
        among dated ones, documents dated more than a day in the future.

    Returns
    -------
    Corpus
        Documents in input order, exact duplicate texts dropped
        (``Corpus.n_duplicates`` counts them).

    Examples
    --------
    >>> corpus = load_corpus("corpora/huffpost.jsonl.gz")  # doctest: +SKIP
    >>> len(corpus), corpus.n_duplicates  # doctest: +SKIP
    """
    _check_options("load_corpus", on_error, max_chars, max_record_bytes)
    records, origin = _records_of(source, max_record_bytes)
    corpus = _assemble(
        records,
        origin,
        text_field=text_field,
        on_error=on_error,
        max_chars=max_chars,
        item_key=item_key,
        earliest=earliest,
        max_ahead=max_ahead,
    )
    if not len(corpus):
        _no_documents(origin, corpus.n_read, len(corpus.skipped), corpus.n_duplicates)
    return corpus


def iter_documents(
    source: Any,
    *,
    text_field: str | None = None,
    on_error: OnError = "raise",
    max_chars: int | None = MAX_CHARS,
    max_record_bytes: int = MAX_RECORD_BYTES,
    earliest: datetime | None = EARLIEST,
    max_ahead: timedelta | None = MAX_AHEAD,
) -> Iterator[Document]:
    """The documents :func:`load_corpus` would return, one at a time, without holding the corpus.

    For corpora larger than memory: files are read record by record (Parquet in batches),
    validated and de-duplicated as they stream; only a digest of each text and each id
    are kept (about 0.2 kB per document). Warnings come when the stream ends, and an
    input with no valid document raises :class:`CorpusError` then. A later observation of an
    item already yielded (see ``item_key`` of :func:`load_corpus`) cannot change it any more:
    the stream yields each item once, with its first observation's counts.

    Examples
    --------
    >>> from trendlens.embed import get_embedder, save_embeddings  # doctest: +SKIP
    >>> texts = (d.text for d in iter_documents(sorted(Path("posts").glob("*.jsonl"))))  # doctest: +SKIP
    >>> save_embeddings(get_embedder("minilm"), texts, "vectors.npy")  # doctest: +SKIP
    """
    _check_options("iter_documents", on_error, max_chars, max_record_bytes)
    records, origin = _records_of(source, max_record_bytes)
    found = _Validation(origin, max_chars, earliest, max_ahead)
    yield from _validated(records, found, text_field=text_field, on_error=on_error)
    found.warn(stacklevel=3)
    if not found.n_docs:
        _no_documents(origin, found.n_read, len(found.skipped), found.n_duplicates)


def _positive_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 1


def _check_options(caller: str, on_error: Any, max_chars: Any, max_record_bytes: Any) -> None:
    if on_error not in ("raise", "skip"):
        raise ConfigError(f"{caller}: on_error must be 'raise' or 'skip', got {on_error!r}")
    if max_chars is not None and not _positive_int(max_chars):
        raise ConfigError(f"{caller}: max_chars must be a positive integer or None, got {max_chars!r}")
    if not _positive_int(max_record_bytes):
        raise ConfigError(f"{caller}: max_record_bytes must be a positive integer, got {max_record_bytes!r}")


def _no_documents(origin: str, n_read: int, n_invalid: int, n_duplicates: int) -> None:
    detail = f"{n_read} record(s) read"
    if n_read:
        detail += f", {n_invalid} invalid, {n_duplicates} duplicate"
    raise CorpusError(f"{origin}: no documents ({detail}); check the file and its text column")
