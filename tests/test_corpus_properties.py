"""Property-based tests of the corpus readers and field parsers: any input ends in a value or a RecordError/CorpusError.

Each property says what holds for every input hypothesis can build, including the ones
scraped text brings (control characters, lone surrogates, separators, quotes, newlines).
"""

from __future__ import annotations

import csv
import json
import re
from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from trendlens import CorpusError, load_corpus
from trendlens.corpus.schema import MAX_COUNT, RecordError, clean_text, parse_count, parse_id, parse_timestamp

# timestamps up to 2100 and skipped records warn, as they should; the properties here are about values
pytestmark = pytest.mark.filterwarnings("ignore::UserWarning")

CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# every code point, plus what scraped text brings more often than chance would: lone surrogates (from a
# JSON escape cut in half), terminal colour codes, zero-width characters, NUL, NEL, CRLF
oddities = st.sampled_from(["\ud800", "\udc00", "\x1b[31m", "\x1b[0m", "\u200b", "\ufeff", "\x00", "\x85", "\r\n", " "])
any_text = st.lists(st.one_of(st.characters(exclude_categories=()), oddities), max_size=40).map("".join)


@given(any_text)
def test_clean_text_gives_printable_utf8_or_says_the_text_is_empty(raw):
    try:
        text = clean_text(raw)
    except RecordError as exc:
        assert exc.field == "text"
        return
    assert text and text == text.strip()
    assert not CONTROL.search(text)
    text.encode("utf-8")  # lone surrogates are gone: hashing and writing cannot fail
    assert clean_text(text) == text  # cleaning twice changes nothing


@given(st.one_of(st.integers(), st.floats(), st.booleans(), st.none(), st.lists(st.integers(), max_size=2)))
def test_clean_text_refuses_what_is_not_a_string(value):
    with pytest.raises(RecordError, match="must be a string"):
        clean_text(value)


@given(st.integers(min_value=0, max_value=MAX_COUNT))
def test_counts_read_back_in_every_spelling(n):
    for spelling in (n, str(n), f"{n:,}", f" {n} ", float(n) if n < 2**53 else n):
        assert parse_count(spelling, "likes") == n


@given(st.one_of(st.integers(max_value=-1), st.integers(min_value=MAX_COUNT + 1)))
def test_negative_and_impossible_counts_are_refused(n):
    with pytest.raises(RecordError) as err:
        parse_count(n, "shares")
    assert err.value.field == "shares"


@given(st.one_of(any_text, st.floats(allow_nan=True, allow_infinity=True), st.booleans()))
def test_any_count_value_is_a_count_none_or_a_record_error(value):
    try:
        result = parse_count(value, "views")
    except RecordError as exc:
        assert exc.field == "views"
        return
    assert result is None or 0 <= result <= MAX_COUNT


moments = st.datetimes(
    min_value=datetime(1971, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.timezones(), allow_imaginary=False
)


@given(moments)
def test_timestamps_in_any_zone_become_the_same_utc_instant(moment):
    expected = moment.astimezone(timezone.utc)
    assert parse_timestamp(moment) == expected
    assert parse_timestamp(moment.isoformat()) == expected
    assert parse_timestamp(expected.isoformat().replace("+00:00", "Z")) == expected


@given(st.integers(min_value=10**8, max_value=4_102_444_800))  # 1973 to 2100; smaller numbers read as seconds
def test_epoch_seconds_and_milliseconds_agree(seconds):
    assert parse_timestamp(seconds) == parse_timestamp(seconds * 1000) == datetime.fromtimestamp(seconds, timezone.utc)


@given(st.one_of(any_text, st.floats(), st.integers()))
@example("0000")  # found by this test in CI: pandas reads year 0, Python's datetime cannot hold it
@example("9999-12-31T23:00:00-05:00")  # past the last UTC year once converted
@settings(suppress_health_check=[HealthCheck.too_slow])
def test_any_timestamp_value_is_an_aware_utc_datetime_none_or_a_record_error(value):
    try:
        result = parse_timestamp(value, "created_at")
    except RecordError as exc:
        assert exc.field == "created_at"
        return
    assert result is None or (result.tzinfo is not None and result.utcoffset() == timedelta(0))


@given(st.one_of(any_text, st.integers(), st.floats(), st.booleans(), st.dictionaries(st.text(), st.integers())))
def test_an_id_is_a_string_or_a_record_error(value):
    try:
        assert isinstance(parse_id(value), str)
    except RecordError as exc:
        assert exc.field == "id"


# -- readers: a record survives the trip through every file format ------------------------------------
field_text = st.text(st.characters(codec="utf-8", exclude_categories=["Cs"]), min_size=1, max_size=60)
records = st.lists(
    st.fixed_dictionaries(
        {"text": field_text, "likes": st.integers(0, 10**6), "timestamp": moments.map(lambda m: m.isoformat())}
    ),
    min_size=1,
    max_size=8,
)


def _expected(rows: list[dict]) -> list[str] | None:
    """What a list of dicts loads as (the reference the file formats must match), or None when nothing loads."""
    try:
        return load_corpus(rows, on_error="skip").texts
    except CorpusError:
        return None


@given(records)
@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_jsonl_and_csv_files_load_what_the_records_hold(tmp_path_factory, rows):
    folder = tmp_path_factory.mktemp("props")
    expected = _expected(rows)
    jsonl = folder / "posts.jsonl"
    jsonl.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    table = folder / "posts.csv"
    with open(table, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=["text", "likes", "timestamp"])
        writer.writeheader()
        writer.writerows(rows)
    for path in (jsonl, table):
        try:
            corpus = load_corpus(path, on_error="skip")
        except CorpusError as exc:
            assert expected is None, f"{path.name}: {exc}"
            assert "no documents" in str(exc)
            continue
        assert corpus.texts == expected, path.name
        assert all(d.timestamp is not None and d.engagement.likes is not None for d in corpus)


@given(st.binary(max_size=300))
@settings(max_examples=80, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_arbitrary_bytes_in_a_file_end_in_documents_or_a_corpus_error(tmp_path_factory, data):
    folder = tmp_path_factory.mktemp("bytes")
    for name in ("posts.jsonl", "posts.csv", "posts.jsonl.gz", "posts.parquet"):
        path = folder / name
        path.write_bytes(data)
        try:
            corpus = load_corpus(path, on_error="skip")
        except CorpusError as exc:
            assert str(path) in str(exc)
            continue
        assert len(corpus) >= 1 and all(t.strip() for t in corpus.texts)
