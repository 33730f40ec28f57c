"""Readers: each turns one input into ``(location, record)`` pairs without loading it whole.

``location`` is a human-readable place such as ``"posts.csv, line 12"`` used in error
messages. Supported: JSON lines (``.jsonl``, ``.ndjson``, optionally ``.gz``), CSV/TSV
(optionally ``.gz``), Parquet, pandas and polars data frames, and lists of dicts.
"""

from __future__ import annotations

import csv
import gzip
import io
import json
import warnings
from collections.abc import Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

from trendlens.errors import CorpusError

Record = tuple[str, Mapping[str, Any]]

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


def _open_text(path: Path) -> io.TextIOBase:
    raw = gzip.open(path, "rb") if path.suffix.lower() == ".gz" else open(path, "rb")  # noqa: SIM115
    # Invalid UTF-8 bytes are replaced, not fatal: scraped text often carries a few.
    return io.TextIOWrapper(raw, encoding="utf-8", errors="replace", newline="")


class _Replaced:
    """Counts lines holding U+FFFD, the mark ``errors="replace"`` leaves for bytes that are not UTF-8."""

    def __init__(self, path: Path) -> None:
        self.path, self.lines, self.first = path, 0, ""

    def see(self, text: str, where: str) -> None:
        if "\ufffd" in text:
            self.lines += 1
            self.first = self.first or where

    def warn(self) -> None:
        if self.lines:
            warnings.warn(
                f"{self.path}: {self.lines} line(s) held bytes that are not UTF-8, shown as \ufffd (first: "
                f"{self.first}); re-save the file as UTF-8 if the text matters",
                stacklevel=4,
            )


def read_jsonl(path: Path) -> Iterator[Record]:
    """Yield one record per non-blank line of a JSON-lines file."""
    replaced = _Replaced(path)
    with _open_text(path) as handle:
        try:
            for lineno, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                where = f"{path}, line {lineno}"
                replaced.see(line, where)
                try:
                    record = json.loads(line)
                except json.JSONDecodeError as exc:
                    raise CorpusError(f"{where}: not valid JSON ({exc.msg}); fix or remove the line") from exc
                if not isinstance(record, dict):
                    raise CorpusError(f"{where}: expected a JSON object, got {type(record).__name__}")
                yield where, record
        except (OSError, EOFError) as exc:  # truncated or corrupt gzip
            raise CorpusError(f"{path}: cannot be read ({exc})") from exc
    replaced.warn()


def read_csv(path: Path) -> Iterator[Record]:
    """Yield one record per data row of a CSV (comma) or TSV (tab) file with a header row."""
    delimiter = "\t" if ".tsv" in [s.lower() for s in path.suffixes] else ","
    replaced = _Replaced(path)
    with _open_text(path) as handle:
        reader = csv.DictReader(handle, delimiter=delimiter)
        try:
            for record in reader:
                where = f"{path}, line {reader.line_num}"
                if None in record:
                    raise CorpusError(f"{where}: more fields than the header has columns")
                replaced.see(" ".join(str(v) for v in record.values()), where)
                yield where, record
        except csv.Error as exc:
            raise CorpusError(f"{path}, line {reader.line_num}: malformed CSV ({exc})") from exc
        except (OSError, EOFError) as exc:
            raise CorpusError(f"{path}: cannot be read ({exc})") from exc
    replaced.warn()


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


def read_path(path: str | Path) -> Iterator[Record]:
    """Yield the records of one file, choosing the reader from the file name."""
    path = Path(path)
    if not path.exists():
        raise CorpusError(f"{path}: no such file")
    if path.is_dir():
        raise CorpusError(f"{path}: is a folder; pass the files in it (e.g. sorted(Path(...).glob('*.jsonl')))")
    fmt = _format_of(path)
    if fmt == "jsonl":
        return read_jsonl(path)
    if fmt == "csv":
        return read_csv(path)
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
