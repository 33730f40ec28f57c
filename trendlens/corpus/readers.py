"""Readers: each turns one input into ``(location, record)`` pairs without loading it whole.

``location`` is a human-readable place such as ``"posts.csv, line 12"`` used in error
messages. Supported: JSON lines (``.jsonl``, ``.ndjson``, optionally ``.gz``), CSV/TSV
(optionally ``.gz``), Parquet, pandas and polars data frames, and lists of dicts.
"""

from __future__ import annotations

import csv
import gzip
import json
import stat
import sys
import warnings
import zlib
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from trendlens.corpus.schema import RecordError
from trendlens.errors import CorpusError

#: ``(location, record)``; a record the reader could not take (a line over the size limit, JSON nested
#: too deep) comes as the :class:`RecordError` saying why, for validation to raise or skip.
Record = tuple[str, Mapping[str, Any] | RecordError]

JSONL_SUFFIXES = (".jsonl", ".ndjson", ".json")
CSV_SUFFIXES = (".csv", ".tsv")
PARQUET_SUFFIXES = (".parquet", ".pq")
SUPPORTED = JSONL_SUFFIXES + CSV_SUFFIXES + PARQUET_SUFFIXES


def data_suffix(path: Path) -> str:
    """The lower-case suffix that names a file's format, ``.gz`` skipped (``"a.jsonl.gz"`` → ``".jsonl"``)."""
    suffixes = [s.lower() for s in path.suffixes]
    if suffixes and suffixes[-1] == ".gz":
        suffixes = suffixes[:-1]
    return suffixes[-1] if suffixes else ""


def _format_of(path: Path) -> str:
    last = data_suffix(path)
    if last in JSONL_SUFFIXES:
        return "jsonl"
    if last in CSV_SUFFIXES:
        return "csv"
    if last in PARQUET_SUFFIXES:
        return "parquet"
    raise CorpusError(
        f"{path}: unsupported file type {''.join(path.suffixes) or '(no extension)'}; "
        f"use one of {', '.join(SUPPORTED)} (optionally gzipped as .gz)"
    )


#: Longest record read, in bytes: one JSON line, or one physical line of a CSV file (16 MiB, 160
#: times the longest text kept). A longer line is refused, or skipped under ``on_error="skip"``, without
#: ever being held whole: reading stops at the limit and the rest of the line is passed over in chunks.
MAX_RECORD_BYTES = 16 * 2**20
#: A gzipped file may expand to at most this many times its own size (text and JSON lines expand 3-6
#: times; a file of one repeated character over 1,000 times), and never below :data:`MIN_EXPANDED_BYTES`.
MAX_EXPANSION = 100
MIN_EXPANDED_BYTES = 256 * 2**20
#: Deepest nesting of a JSON record (objects and lists) accepted.
MAX_DEPTH = 64
_CHUNK = 2**20
_UTF8_BOM = b"\xef\xbb\xbf"
_UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _size(n_bytes: int) -> str:
    mib = n_bytes / 2**20
    if mib >= 1:
        return f"{mib:,.0f} MiB" if mib >= 100 else f"{mib:.3g} MiB"
    return f"{n_bytes:,} bytes"


class _Capped:
    """A gzip stream that stops with :class:`CorpusError` once it has expanded to more than ``cap`` bytes."""

    def __init__(self, raw: Any, path: Path, cap: int) -> None:
        self.raw, self.path, self.cap, self.total = raw, path, cap, 0

    def readline(self, size: int = -1) -> bytes:
        line = self.raw.readline(size)
        self.total += len(line)
        if self.total > self.cap:
            raise CorpusError(
                f"{self.path}: expands to more than {_size(self.cap)} ({MAX_EXPANSION} times its size): "
                "not a plausible text file (a decompression bomb?); decompress it yourself if it is genuine"
            )
        return line


class _TooLong(Exception):
    """A physical line longer than the record limit; the reader passes over the rest of it on the next call."""

    def __init__(self, lineno: int) -> None:
        super().__init__(lineno)
        self.lineno = lineno


def too_long(limit: int) -> RecordError:
    """The record problem a line over ``limit`` bytes is reported as."""
    return RecordError("", f"longer than the record limit of {_size(limit)}; cut the line, or raise max_record_bytes")


class _Lines:
    """The lines of a binary stream as text, each read with at most ``limit`` bytes held.

    A longer line raises :class:`_TooLong` (the stream stays usable: the next call first passes over the
    rest of that line). A UTF-8 byte-order mark at the start is dropped; a UTF-16 one is refused.
    Invalid UTF-8 bytes become U+FFFD (scraped text often carries a few) and are counted.
    """

    def __init__(self, stream: Any, path: Path, limit: int) -> None:
        self.stream, self.path, self.limit = stream, path, limit
        self.lineno, self.in_long_line = 0, False
        self.replaced, self.first_replaced = 0, ""

    def __iter__(self) -> _Lines:
        return self

    def __next__(self) -> str:
        while self.in_long_line:  # the rest of a refused line, in chunks
            rest = self.stream.readline(_CHUNK)
            self.in_long_line = bool(rest) and not rest.endswith(b"\n")
        line = self.stream.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.lineno += 1
        if self.lineno == 1:
            if line.startswith(_UTF16_BOMS):
                raise CorpusError(f"{self.path}: is UTF-16 text; trendlens reads UTF-8: re-save the file as UTF-8")
            line = line.removeprefix(_UTF8_BOM)
        if len(line) > self.limit and not line.endswith(b"\n"):
            self.in_long_line = True
            raise _TooLong(self.lineno)
        text = line.decode("utf-8", errors="replace")
        if "\ufffd" in text:
            self.replaced += 1
            self.first_replaced = self.first_replaced or f"{self.path}, line {self.lineno}"
        return text

    def warn(self) -> None:
        if self.replaced:
            warnings.warn(
                f"{self.path}: {self.replaced} line(s) held bytes that are not UTF-8, shown as \ufffd (first: "
                f"{self.first_replaced}); re-save the file as UTF-8 if the text matters",
                stacklevel=4,
            )


@contextmanager
def _open_lines(path: Path, limit: int) -> Iterator[_Lines]:
    """The bounded lines of a file (gunzipped as it streams, capped in expanded size) or of standard input."""
    if str(path) == "-":
        yield _Lines(sys.stdin.buffer, path, limit)
        return
    if path.suffix.lower() == ".gz":
        cap = max(MIN_EXPANDED_BYTES, MAX_EXPANSION * path.stat().st_size)
        with gzip.open(path, "rb") as raw:
            yield _Lines(_Capped(raw, path, cap), path, limit)
    else:
        with open(path, "rb") as raw:
            yield _Lines(raw, path, limit)


def _depth(value: Any) -> int:
    """How deep lists and dicts nest in ``value`` (iterative: no recursion limit)."""
    deepest, stack = 0, [(value, 1)]
    while stack:
        item, level = stack.pop()
        children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in children if isinstance(child, (dict, list)))
    return deepest


def parse_json(text: str) -> Any:
    """``json.loads`` with nesting deeper than :data:`MAX_DEPTH` raised as :class:`RecordError`."""
    too_deep = RecordError("", f"JSON nested deeper than {MAX_DEPTH} levels; flatten the record")
    try:
        value = json.loads(text)
    except RecursionError:
        raise too_deep from None
    if text.count("{") + text.count("[") > MAX_DEPTH and _depth(value) > MAX_DEPTH:  # cheap test first
        raise too_deep
    return value


def _within_limit(items: Iterator[Any], path: Path, max_record_bytes: int) -> Iterator[tuple[str | None, Any]]:
    """``(None, item)`` for each item of ``items`` (lines, or CSV rows, read through :func:`_open_lines`),
    and ``(where, RecordError)`` for a line over the limit, after which reading goes on."""
    while True:
        try:
            item = next(items)
        except StopIteration:
            return
        except _TooLong as exc:
            yield f"{path}, line {exc.lineno}", too_long(max_record_bytes)
            continue
        yield None, item


def read_jsonl(path: Path, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Yield one record per non-blank line of a JSON-lines file; a line over the limit as a :class:`RecordError`."""
    try:
        with _open_lines(path, max_record_bytes) as lines:
            for long, line in _within_limit(lines, path, max_record_bytes):
                if long is not None:
                    yield long, line
                    continue
                if not line.strip():
                    continue
                where = f"{path}, line {lines.lineno}"
                try:
                    record = parse_json(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{where}: not valid JSON ({exc.msg}); fix or remove the line") from exc
                except RecordError as exc:
                    yield where, exc
                    continue
                if not isinstance(record, dict):
                    raise CorpusError(f"{where}: expected a JSON object, got {type(record).__name__}")
                yield where, record
            lines.warn()
    except (OSError, EOFError, zlib.error) as exc:  # truncated or corrupt gzip
        raise CorpusError(f"{path}: cannot be read ({exc})") from exc


def read_csv(path: Path, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Yield one record per data row of a CSV (comma) or TSV (tab) file with a header row.

    A field may be as long as a record (so long texts reach the cut to ``max_chars`` with its
    warning); a physical line over ``max_record_bytes`` is yielded as a :class:`RecordError`.
    """
    delimiter = "\t" if ".tsv" in [s.lower() for s in path.suffixes] else ","
    if csv.field_size_limit() < max_record_bytes:
        csv.field_size_limit(max_record_bytes)  # process-wide; only ever raised
    try:
        with _open_lines(path, max_record_bytes) as lines:
            reader = csv.DictReader(lines, delimiter=delimiter)
            try:
                reader.fieldnames  # noqa: B018 - reads the header now, so a bad one stops here
            except _TooLong as exc:
                raise CorpusError(f"{path}, line {exc.lineno}: the header is {too_long(max_record_bytes)}") from None
            for long, record in _within_limit(reader, path, max_record_bytes):
                if long is not None:
                    yield long, record
                    continue
                where = f"{path}, line {lines.lineno}"
                if None in record:
                    raise CorpusError(f"{where}: more fields than the header has columns")
                yield where, record
            lines.warn()
    except csv.Error as exc:
        raise CorpusError(f"{path}, line {lines.lineno}: malformed CSV ({exc})") from exc
    except (OSError, EOFError, zlib.error) as exc:
        raise CorpusError(f"{path}: cannot be read ({exc})") from exc


def read_parquet(path: Path, batch_size: int = 8192) -> Iterator[Record]:
    """Yield one record per row of a Parquet file, reading it in batches."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(path)
    except Exception as exc:  # pyarrow raises several unrelated types for bad files
        raise CorpusError(f"{path}: not a readable Parquet file ({exc})") from exc
    row = 0
    for batch in parquet.iter_batches(batch_size=batch_size):
        for record in batch.to_pylist():
            row += 1
            yield f"{path}, row {row}", record


def read_path(path: str | Path, max_record_bytes: int = MAX_RECORD_BYTES) -> Iterator[Record]:
    """Yield the records of one file, choosing the reader from the file name; ``"-"`` reads JSON lines from stdin.

    Only regular files are read: a folder, a device (``/dev/zero``), a named pipe or a socket is refused
    at once, whatever its name.
    """
    if str(path) == "-":
        return read_jsonl(Path("-"), max_record_bytes)
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file")
    if path.is_dir():
        raise CorpusError(f"{path}: is a folder; pass the files in it (e.g. sorted(Path(...).glob('*.jsonl')))")
    mode = path.stat().st_mode
    if not stat.S_ISREG(mode):
        kind = "a named pipe" if stat.S_ISFIFO(mode) else "a socket" if stat.S_ISSOCK(mode) else "a device"
        raise CorpusError(f"{path}: is {kind}, not a regular file; trendlens reads files, or '-' for standard input")
    fmt = _format_of(path)
    if fmt == "jsonl":
        return read_jsonl(path, max_record_bytes)
    if fmt == "csv":
        return read_csv(path, max_record_bytes)
    return read_parquet(path)


def read_frame(frame: Any, name: str = "DataFrame") -> Iterator[Record]:
    """Yield one record per row of a pandas or polars data frame."""
    if hasattr(frame, "to_dicts"):  # polars
        for row, record in enumerate(frame.to_dicts(), start=1):
            yield f"{name}, row {row}", record
        return
    columns = [str(c) for c in frame.columns]
    for row, (index, values) in enumerate(zip(frame.index, frame.itertuples(index=False, name=None)), start=1):
        yield f"{name}, row {row} (index {index!r})", dict(zip(columns, values))


def read_records(records: Iterable[Mapping[str, Any]], name: str = "records") -> Iterator[Record]:
    """Yield the items of an iterable of dicts."""
    for row, record in enumerate(records, start=1):
        if not isinstance(record, Mapping):
            raise CorpusError(f"{name}, item {row}: expected a dict, got {type(record).__name__}")
        yield f"{name}, item {row}", record
