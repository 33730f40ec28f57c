"""Corpus reading, validation and de-duplication, on real records from the bundled corpora (corpora/)."""

from __future__ import annotations

import csv
import gzip
import json
from datetime import datetime, timezone
from pathlib import Path

import pandas as pd
import pytest

from tests.conftest import CORPORA, HUFFPOST, read_jsonl_gz
from trendlens import ConfigError, Corpus, CorpusError, load_corpus
from trendlens.corpus.schema import parse_timestamp


def write_jsonl(path: Path, records: list[dict], gz: bool = False) -> Path:
    opener = gzip.open if gz else open
    with opener(path, "wt", encoding="utf-8") as handle:
        for r in records:
            handle.write(json.dumps(r) + "\n")
    return path


def write_csv(path: Path, records: list[dict]) -> Path:
    fields = list(records[0])
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=fields)
        writer.writeheader()
        writer.writerows(records)
    return path


@pytest.fixture(scope="module")
def sample(huffpost_records):
    return huffpost_records[:200]


def test_bundled_corpus_loads_whole(huffpost_records):
    corpus = load_corpus(HUFFPOST)
    assert corpus.n_read == len(huffpost_records) == 9999
    assert len(corpus) + corpus.n_duplicates == 9999
    first = corpus[0]
    assert first.id == huffpost_records[0]["id"]
    assert first.timestamp == datetime(2018, 5, 1, tzinfo=timezone.utc)
    assert first.source == "huffpost"
    assert first.metadata["category"] == huffpost_records[0]["category"]
    assert first.url.startswith("https://")


@pytest.mark.parametrize("fmt", ["jsonl", "jsonl.gz", "csv", "parquet", "dataframe"])
def test_every_format_gives_the_same_documents(tmp_path, sample, fmt):
    if fmt == "jsonl":
        source = write_jsonl(tmp_path / "s.jsonl", sample)
    elif fmt == "jsonl.gz":
        source = write_jsonl(tmp_path / "s.jsonl.gz", sample, gz=True)
    elif fmt == "csv":
        source = write_csv(tmp_path / "s.csv", sample)
    elif fmt == "parquet":
        source = tmp_path / "s.parquet"
        pd.DataFrame(sample).to_parquet(source)
    else:
        source = pd.DataFrame(sample)
    corpus = load_corpus(source)
    assert corpus.ids == [r["id"] for r in sample]
    assert corpus.texts == [r["text"] for r in sample]
    assert [d.timestamp.isoformat() for d in corpus] == [r["timestamp"].replace("Z", "+00:00") for r in sample]
    assert all(d.metadata["category"] == r["category"] for d, r in zip(corpus, sample))


def test_engagement_aliases_on_trump_tweets():
    records = read_jsonl_gz(CORPORA / "trump_tweets.jsonl.gz")[:300]
    corpus = load_corpus(records)
    by_id = {d.id: d for d in corpus}
    for r in records:
        doc = by_id.get(str(r["id"]))
        if doc is None:  # a duplicate text
            continue
        assert doc.engagement.likes == r["likes"]
        assert doc.engagement.shares == r["retweets"]
        assert doc.engagement.total == r["likes"] + r["retweets"]


def test_hashtags_extracted_from_tweet_text():
    records = read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz")[:500]
    corpus = load_corpus(records)
    tagged = [d for d in corpus if "#" in d.text]
    assert tagged, "the sample should hold tweets with hashtags"
    for doc in tagged[:50]:
        for tag in doc.hashtags:
            assert f"#{tag}" in doc.text.lower()


def test_exact_duplicates_dropped_and_counted(sample):
    doubled = sample[:50] + [dict(r, id=r["id"] + "-copy", text="  " + r["text"].upper() + " ") for r in sample[:10]]
    corpus = load_corpus(doubled)
    assert len(corpus) == 50
    assert corpus.n_duplicates == 10
    assert corpus.ids == [r["id"] for r in sample[:50]]


def test_bad_row_names_file_line_and_field(tmp_path, sample):
    records = [dict(r) for r in sample[:20]]
    records[6]["likes"] = -3
    path = write_jsonl(tmp_path / "posts.jsonl", records)
    with pytest.raises(CorpusError) as err:
        load_corpus(path)
    message = str(err.value)
    assert "posts.jsonl, line 7" in message
    assert "'likes'" in message
    assert "non-negative" in message


@pytest.mark.parametrize("count", [1e300, "1e300", 10**13])
def test_an_impossible_count_is_refused_by_row_not_crashing_the_store(tmp_path, sample, count):
    # 1e300 likes used to pass and then crash `trendlens job` on the store's integer column
    records = [dict(r) for r in sample[:20]]
    records[4]["likes"] = count
    path = write_jsonl(tmp_path / "posts.jsonl", records)
    with pytest.raises(CorpusError, match=r"posts\.jsonl, line 5, field 'likes'.*beyond any real count"):
        load_corpus(path)
    records[4]["likes"] = 10**12  # the largest accepted
    assert load_corpus(write_jsonl(tmp_path / "ok.jsonl", records))[4].engagement.likes == 10**12


def test_bad_csv_row_reports_line_number(tmp_path, sample):
    records = [{"id": r["id"], "text": r["text"], "timestamp": r["timestamp"]} for r in sample[:10]]
    records[3]["timestamp"] = "not a date"
    path = write_csv(tmp_path / "posts.csv", records)
    with pytest.raises(CorpusError, match=r"posts\.csv, line 5, field 'timestamp'"):
        load_corpus(path)


def test_skip_mode_keeps_good_rows_and_lists_bad_ones(sample):
    records = [dict(r) for r in sample[:30]]
    records[2]["text"] = ""
    records[9]["timestamp"] = "yesterday-ish"
    with pytest.warns(UserWarning, match="skipped 2 invalid"):
        corpus = load_corpus(records, on_error="skip")
    assert len(corpus) == 28
    assert [s.field for s in corpus.skipped] == ["text", "timestamp"]
    assert "item 3" in corpus.skipped[0].location


def test_missing_text_column_says_which_columns_exist():
    with pytest.raises(CorpusError, match=r"columns present: title, when"):
        load_corpus([{"title": "x", "when": "2020-01-01"}])
    corpus = load_corpus([{"title": "a real headline", "when": "2020-01-01"}], text_field="title")
    assert corpus.texts == ["a real headline"]


def test_unsupported_and_missing_files(tmp_path):
    (tmp_path / "notes.txt").write_text("hello")
    with pytest.raises(CorpusError, match=r"unsupported file type \.txt"):
        load_corpus(tmp_path / "notes.txt")
    with pytest.raises(CorpusError, match="no such file"):
        load_corpus(tmp_path / "absent.jsonl")
    (tmp_path / "empty.jsonl").write_text("")
    with pytest.raises(CorpusError, match="no documents"):
        load_corpus(tmp_path / "empty.jsonl")


def test_invalid_json_line(tmp_path, sample):
    path = tmp_path / "broken.jsonl"
    path.write_text(json.dumps(sample[0]) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"broken\.jsonl, line 2: not valid JSON"):
        load_corpus(path)


def test_duplicate_id_with_other_text_is_an_error(sample):
    records = [dict(sample[0]), dict(sample[1], id=sample[0]["id"])]
    with pytest.raises(CorpusError, match="already used"):
        load_corpus(records)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2020-03-01T12:00:00Z", datetime(2020, 3, 1, 12, tzinfo=timezone.utc)),
        ("2020-03-01T14:00:00+02:00", datetime(2020, 3, 1, 12, tzinfo=timezone.utc)),
        ("2020-03-01 12:00:00", datetime(2020, 3, 1, 12, tzinfo=timezone.utc)),
        (1583064000, datetime(2020, 3, 1, 12, tzinfo=timezone.utc)),
        (1583064000000, datetime(2020, 3, 1, 12, tzinfo=timezone.utc)),
        ("March 1, 2020", datetime(2020, 3, 1, tzinfo=timezone.utc)),
        (None, None),
    ],
)
def test_timestamps_become_utc(raw, expected):
    assert parse_timestamp(raw) == expected


def test_control_characters_removed_and_text_kept():
    corpus = load_corpus([{"text": "Brands\x00 go\x07 green\n on TikTok"}])
    assert corpus.texts == ["Brands  go  green\n on TikTok"]
    assert corpus.ids[0].startswith("sha1-")


def test_terminal_escape_sequences_go_whole():
    corpus = load_corpus([{"text": "\x1b[31mRED\x1b[0m alert: \x1b[1;4mbold\x1b[m sale"}])
    assert corpus.texts == ["RED alert: bold sale"]


@pytest.mark.parametrize("invisible", ["\u200b", "\u200b\u200d \ufeff", "\u2060\t"])
def test_a_text_of_only_invisible_characters_is_empty(invisible):
    with pytest.raises(CorpusError, match=r"field 'text': is empty \(or only invisible characters\)"):
        load_corpus([{"text": invisible}])
    kept = load_corpus([{"text": f"zero{invisible}width"}])  # inside real text they are left alone
    assert kept.texts[0].startswith("zero")


def test_sample_and_frame(huffpost_records):
    corpus = Corpus.from_documents(load_corpus(huffpost_records[:500]))
    part = corpus.sample(100, random_state=1)
    assert len(part) == 100
    assert part.ids == [i for i in corpus.ids if i in set(part.ids)]  # corpus order kept
    frame = part.to_frame()
    assert list(frame["id"]) == part.ids
    assert str(frame["timestamp"].dt.tz) == "UTC"
    assert "category" in frame.columns


def test_documents_dated_in_the_future_are_kept_with_a_warning_naming_the_first_when_any_time_is_allowed(
    tmp_path, sample
):
    records = [dict(r) for r in sample[:20]]
    records[3]["timestamp"] = "2099-12-31T00:00:00Z"
    path = write_jsonl(tmp_path / "posts.jsonl", records)
    with pytest.raises(CorpusError, match=r"posts\.jsonl, line 4, field 'timestamp': 2099-12-31 00:00 UTC is more"):
        load_corpus(path)  # refused by default (issue 23)
    with pytest.warns(
        UserWarning, match=r"1 document\(s\) dated more than a day after now \(first: .*posts\.jsonl, line 4\)"
    ):
        corpus = load_corpus(path, max_ahead=None)
    assert len(corpus) == 20


def test_bytes_that_are_not_utf8_are_replaced_with_a_warning_naming_the_first_line(tmp_path, sample):
    lines = [json.dumps({"id": r["id"], "text": r["text"]}).encode() for r in sample[:10]]
    lines[2] = b'{"id": "latin1", "text": "Caf\xe9 culture is back in Paris"}'  # latin-1 byte, not UTF-8
    lines[7] = b'{"id": "cut", "text": "A half emoji \xf0\x9f at the end"}'
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    with pytest.warns(UserWarning, match=r"posts\.jsonl: 2 line\(s\) held bytes that are not UTF-8.*first: .*line 3\)"):
        corpus = load_corpus(path)
    assert len(corpus) == 10
    assert "Caf\ufffd culture is back in Paris" in corpus.texts


def test_clean_utf8_files_load_without_a_warning(tmp_path, sample):
    import warnings

    path = write_jsonl(tmp_path / "posts.jsonl", [dict(r) for r in sample[:10]])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert len(load_corpus(path)) == 10


def test_a_10_mb_document_is_cut_with_a_warning_naming_it(tmp_path, sample):
    records = [dict(r) for r in sample[:20]]
    records[6]["text"] = records[6]["text"] + " " + "oat milk latte " * 700_000  # 10.5 MB
    path = write_jsonl(tmp_path / "posts.jsonl", records)
    with pytest.warns(UserWarning, match=r"1 text\(s\) longer than 100,000 characters were cut .*posts\.jsonl, line 7"):
        corpus = load_corpus(path)
    assert 99_000 < len(corpus[6].text) <= 100_000 and corpus[6].text.startswith(sample[6]["text"])
    assert not corpus[6].text.endswith(" ")  # cut at a space, not inside a word
    assert [len(d.text) for d in corpus][:6] == [len(r["text"]) for r in sample[:6]]
    whole = load_corpus(path, max_chars=None)
    assert len(whole[6].text) > 10_000_000
    with pytest.raises(ConfigError, match="max_chars must be a positive integer"):
        load_corpus(path, max_chars=0)


def test_documents_without_a_timestamp_among_dated_ones_are_counted_in_a_warning(sample):
    records = [dict(r) for r in sample[:20]]
    for i in (4, 11):
        records[i]["timestamp"] = None
    with pytest.warns(UserWarning, match=r"2 of 20 document\(s\) have no timestamp \(first: records, item 5\)"):
        corpus = load_corpus(records)
    assert corpus[4].timestamp is None and corpus[5].timestamp is not None


def test_a_lone_surrogate_from_a_cut_json_escape_becomes_a_replacement_character(tmp_path):
    path = tmp_path / "posts.jsonl"
    path.write_text('{"text": "new emoji trend \\ud83d"}\n', encoding="utf-8")  # the pair's second half is missing
    corpus = load_corpus(path)
    assert corpus.texts == ["new emoji trend \ufffd"]
    assert corpus.ids[0].startswith("sha1-")  # hashing the text works


@pytest.mark.parametrize(("raw", "expected"), [(12.0, "12"), (7, "7"), (" a1 ", "a1")])
def test_ids_are_strings_and_integers_read_as_integers(raw, expected):
    assert load_corpus([{"id": raw, "text": "oat milk sales grow"}]).ids == [expected]


@pytest.mark.parametrize("raw", [{"x": 1}, [1, 2], True, 1.5])
def test_an_id_that_is_not_a_string_or_integer_is_refused(raw):
    with pytest.raises(CorpusError, match=r"records, item 1, field 'id': must be a string or an integer"):
        load_corpus([{"id": raw, "text": "oat milk sales grow"}])


def test_iter_documents_streams_what_load_corpus_returns(tmp_path, sample):
    from trendlens.corpus import iter_documents

    records = [dict(r) for r in sample[:60]] + [dict(sample[0])]  # one duplicate
    records[7]["timestamp"] = None
    path = write_jsonl(tmp_path / "posts.jsonl", records)
    with pytest.warns(UserWarning, match="1 of 60 document"):
        streamed = list(iter_documents(path))
    with pytest.warns(UserWarning, match="1 of 60 document"):
        assert streamed == list(load_corpus(path))
    empty = write_jsonl(tmp_path / "empty.jsonl", [{"text": " "}])
    with pytest.raises(CorpusError, match=r"empty\.jsonl: no documents \(1 record\(s\) read, 1 invalid"):
        list(iter_documents(empty, on_error="skip"))
    with pytest.raises(ConfigError, match="iter_documents: on_error must be"):
        next(iter_documents(path, on_error="ignore"))
