"""Hostile and careless input (issue 23): each case refused at once in one line (exit code 2) or handled as documented.

Memory cases are checked on modest sizes (a 20 MB line against a 1 MiB limit): the refusal comes
quickly, and ``tracemalloc`` shows the line was never held whole.
"""

from __future__ import annotations

import copy
import csv
import gzip
import json
import os
import subprocess
import time
import tracemalloc
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.test_cli import run_cli
from trendlens import TrendDetector, load_corpus
from trendlens.corpus import readers
from trendlens.errors import ConfigError, CorpusError
from trendlens.report import TrendReport

MIB = 2**20


def headlines(records: list[dict], n: int) -> list[dict]:
    return [{"id": r["id"], "text": r["text"], "timestamp": r["timestamp"]} for r in records[:n]]


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


def run_here(capsys, *args: str) -> subprocess.CompletedProcess:
    """``trendlens *args`` in this process (:func:`trendlens.cli.main`), as :func:`run_cli` reports it: for the
    scenarios of several runs, where a new process per run (8-9 s of imports and model loading) is most of the
    time. The commands' own process is tested by the :func:`run_cli` tests."""
    from trendlens.cli import main

    capsys.readouterr()
    code = main(list(args))
    out = capsys.readouterr()
    return subprocess.CompletedProcess(["trendlens", *args], code, out.out, out.err)


def one_error(result) -> str:
    """The single ``trendlens: error:`` line of a failed command (and no traceback)."""
    assert result.returncode == 2, result.stderr[-1500:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("trendlens: error: ")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr[-1500:]
    return errors[0]


def with_long_line(records: list[dict], size: int) -> bytes:
    """Ten good lines, then one JSON line of ``size`` bytes, then ten more."""
    long_line = json.dumps({"id": "long", "text": "oat milk " * (size // 9)}).encode()
    return jsonl(headlines(records, 10)) + long_line + b"\n" + jsonl(headlines(records[10:], 10))


# -- bounded reading -------------------------------------------------------------------------------


@pytest.mark.parametrize("suffix", [".jsonl", ".jsonl.gz"])
def test_a_20_mb_line_over_a_1_mib_limit_is_refused_without_being_held(tmp_path, huffpost_records, suffix):
    data = with_long_line(huffpost_records, 20 * MIB)
    path = tmp_path / f"posts{suffix}"
    path.write_bytes(gzip.compress(data, compresslevel=1) if suffix.endswith(".gz") else data)
    tracemalloc.start()
    began = time.perf_counter()
    try:
        with pytest.raises(CorpusError) as refused:
            load_corpus(path, max_record_bytes=MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert time.perf_counter() - began < 5
    assert peak < 4 * MIB, peak  # the 20 MB line was never read whole
    message = str(refused.value)
    assert "\n" not in message
    assert message.startswith(f"{path}, line 11: longer than the record limit of 1 MiB")
    assert "on_error='skip'" in message


def test_a_line_over_the_limit_is_skipped_in_chunks_under_skip(tmp_path, huffpost_records):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(with_long_line(huffpost_records, 20 * MIB))
    tracemalloc.start()
    try:
        with pytest.warns(UserWarning, match=r"skipped 1 invalid record\(s\); first: .*posts\.jsonl, line 11: longer"):
            corpus = load_corpus(path, on_error="skip", max_record_bytes=MIB)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 6 * MIB, peak
    assert corpus.ids == [r["id"] for r in huffpost_records[:20]]  # the lines after the long one are read
    assert corpus.skipped[0].location.endswith("posts.jsonl, line 11")


def test_a_20_mb_line_is_refused_by_the_command_in_one_line(tmp_path, huffpost_records):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(with_long_line(huffpost_records, 20 * MIB))
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet", "--max-record-mb", "1")
    assert "posts.jsonl, line 11: longer than the record limit of 1 MiB" in one_error(result)
    assert not (tmp_path / "out").exists()


def test_a_20_mb_line_is_refused_by_the_job_in_one_line_and_the_store_keeps_nothing(tmp_path, huffpost_records):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(with_long_line(huffpost_records, 20 * MIB))
    store = tmp_path / "store.duckdb"
    result = run_cli("job", "--store", str(store), "--input", str(path), "--quiet", "--max-record-mb", "1")
    assert "posts.jsonl, line 11: longer than the record limit of 1 MiB" in one_error(result)
    assert store_counts(store) == (0, 0)


def test_a_gzip_that_expands_beyond_its_cap_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "MIN_EXPANDED_BYTES", 8 * MIB)
    path = tmp_path / "bomb.jsonl.gz"
    path.write_bytes(gzip.compress((b" " * MIB + b"\n") * 40, compresslevel=9))  # 40 MiB in about 40 kB
    with pytest.raises(CorpusError, match=r"bomb\.jsonl\.gz: expands to more than 8 MiB \(100 times its size\)"):
        load_corpus(path, on_error="skip", max_record_bytes=64 * 2**10)


@pytest.mark.parametrize("kind", ["device", "fifo"])
def test_only_regular_files_are_read(tmp_path, kind):
    path = tmp_path / "posts.jsonl"
    if kind == "device":
        path.symlink_to("/dev/zero")
    else:
        os.mkfifo(path)  # no writer: opening it would wait forever
    began = time.perf_counter()
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet")
    expected = "is a device, not a regular file" if kind == "device" else "is a named pipe, not a regular file"
    assert f"{path}: {expected}" in one_error(result)
    assert time.perf_counter() - began < 60  # the import of the command; never the read


def test_a_dash_reads_json_lines_from_standard_input(huffpost_records, monkeypatch):
    import io
    import sys

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(jsonl(headlines(huffpost_records, 5)))))
    assert load_corpus("-").ids == [r["id"] for r in huffpost_records[:5]]


def write_csv(path: Path, rows: list[dict], encoding: str = "utf-8") -> Path:
    with path.open("w", encoding=encoding, newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_csv_with_a_utf8_bom_keeps_its_first_column_as_ids(tmp_path, huffpost_records):
    path = write_csv(tmp_path / "posts.csv", headlines(huffpost_records, 20), encoding="utf-8-sig")
    assert path.read_bytes().startswith(b"\xef\xbb\xbfid,")
    assert load_corpus(path).ids == [r["id"] for r in huffpost_records[:20]]


def test_a_utf16_csv_is_refused_in_one_line(tmp_path, huffpost_records):
    path = write_csv(tmp_path / "posts.csv", headlines(huffpost_records, 20), encoding="utf-16")
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert f"{path}: is UTF-16 text; trendlens reads UTF-8: re-save the file as UTF-8" in one_error(result)


def test_a_csv_text_over_131072_characters_is_cut_with_a_warning_not_refused(tmp_path, huffpost_records):
    rows = headlines(huffpost_records, 20)
    rows[3]["text"] = rows[3]["text"] + " " + "oat milk " * 25_000  # 225,000 characters
    path = write_csv(tmp_path / "posts.csv", rows)
    with pytest.warns(UserWarning, match=r"1 text\(s\) longer than 100,000 characters were cut .*posts\.csv, line 5"):
        corpus = load_corpus(path, on_error="skip")
    assert len(corpus) == 20 and 99_000 < len(corpus[3].text) <= 100_000


def test_a_csv_line_over_the_record_limit_is_skipped_and_the_rest_read(tmp_path, huffpost_records):
    rows = headlines(huffpost_records, 20)
    rows[3]["text"] = "oat milk " * 250_000  # 2.2 MB
    path = write_csv(tmp_path / "posts.csv", rows)
    with pytest.raises(CorpusError, match=r"posts\.csv, line 5: longer than the record limit of 1 MiB"):
        load_corpus(path, max_record_bytes=MIB)
    with pytest.warns(UserWarning, match="skipped 1 invalid record"):
        corpus = load_corpus(path, on_error="skip", max_record_bytes=MIB)
    assert corpus.ids == [r["id"] for i, r in enumerate(rows) if i != 3]


def nested(depth: int) -> str:
    return '{"id": "deep", "text": "nested", "timestamp": "2018-05-01", "meta": ' + "[" * depth + "]" * depth + "}"


def test_json_nested_100000_deep_is_one_line_and_exit_code_2(tmp_path, huffpost_records):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(jsonl(headlines(huffpost_records, 5)) + nested(100_000).encode() + b"\n")
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert f"{path}, line 6: JSON nested deeper than 64 levels" in one_error(result)


def test_json_nested_beyond_the_depth_limit_is_skipped_under_skip(tmp_path, huffpost_records):
    path = tmp_path / "posts.jsonl"
    path.write_bytes(nested(64).encode() + b"\n" + jsonl(headlines(huffpost_records, 5)) + nested(63).encode() + b"\n")
    with pytest.warns(UserWarning, match="posts.jsonl, line 1: JSON nested deeper than 64 levels"):
        corpus = load_corpus(path, on_error="skip")
    assert len(corpus) == 6 and corpus.ids[-1] == "deep"  # the record and 63 lists: 64 levels, within the limit


def test_a_report_nested_100000_deep_is_one_line_and_exit_code_2(tmp_path):
    path = tmp_path / "report.json"
    path.write_text('{"schema_version": ' + "[" * 100_000 + "]" * 100_000 + "}", encoding="utf-8")
    with pytest.raises(ConfigError, match="JSON nested too deeply"):
        TrendReport.load(path)
    result = run_cli("report", str(path), "--out", str(tmp_path / "out"), "--quiet")
    assert f"{path}: not a trendlens report (JSON nested too deeply to read)" in one_error(result)


# -- fail early, in one line -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("argument", "expected"),
    [
        (["--sample", "-3"], "argument --sample: must be at least 1, got -3"),
        (["--sample", "0"], "argument --sample: must be at least 1, got 0"),
        (["--seed", "-1"], "argument --seed: must be at least 0, got -1"),
        (["--top", "many"], "argument --top: expected an integer, got 'many'"),
        (["--max-record-mb", "nan"], "argument --max-record-mb: must be at least 0.001, got nan"),
    ],
)
def test_cli_numbers_out_of_range_are_one_line_and_exit_code_2(tmp_path, argument, expected):
    result = run_cli("run", "corpora/huffpost.jsonl.gz", "--out", str(tmp_path / "out"), *argument)
    assert expected in one_error(result)


def test_an_output_folder_that_is_a_file_is_refused_before_reading(tmp_path):
    out = tmp_path / "report.md"
    out.write_text("not a folder", encoding="utf-8")
    result = run_cli("run", str(tmp_path / "absent.jsonl"), "--out", str(out), "--quiet")
    assert f"output folder {out} is a file" in one_error(result)  # before the input is even looked at
    result = run_cli("run", str(tmp_path / "absent.jsonl"), "--out", str(out / "inside"), "--quiet")
    assert f"is inside {out}, which is a file" in one_error(result)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write into a read-only folder")
def test_an_output_folder_in_a_read_only_folder_is_refused_before_reading(tmp_path):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    result = run_cli("run", str(tmp_path / "absent.jsonl"), "--out", str(locked / "out"), "--quiet")
    assert f"cannot write into {locked}" in one_error(result)


def test_job_out_is_checked_before_the_store_is_touched(tmp_path, huffpost_records):
    source = tmp_path / "posts.jsonl"
    source.write_bytes(jsonl(headlines(huffpost_records, 30)))
    out = tmp_path / "out"
    out.write_text("a file", encoding="utf-8")
    store = tmp_path / "store.duckdb"
    result = run_cli("job", "--store", str(store), "--input", str(source), "--out", str(out), "--quiet")
    assert f"output folder {out} is a file" in one_error(result)
    assert not store.exists()


def test_a_window_the_detector_does_not_know_is_refused_before_any_model_work(huffpost_records):
    began = time.perf_counter()
    with pytest.raises(ConfigError, match=r"window must be one of 'auto', 'day', 'week', 'month', got 'year'"):
        TrendDetector(signals={"window": "year"}, embedder="no-such-embedder").fit(headlines(huffpost_records, 50))
    assert time.perf_counter() - began < 5


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (lambda n: np.ones((n, 384, 2)), "must be a 2-D matrix (documents x dimensions), got 3-D"),
        (lambda n: np.ones(n), "must be a 2-D matrix (documents x dimensions), got 1-D"),
        (lambda n: np.ones((n - 1, 384)), "has 49 rows for 50 documents"),
        (lambda n: np.where(np.arange(n)[:, None] == 7, np.nan, np.ones((n, 384))), "1 row(s) hold NaN or infinity"),
        (lambda n: np.where(np.arange(n)[:, None] == 3, np.inf, np.ones((n, 384))), "(first: row 3)"),
        (lambda n: np.zeros((n, 384)), "50 row(s) are all zeros (first: row 0)"),
    ],
)
def test_bad_embeddings_are_refused_before_any_model_work(huffpost_records, make, expected):
    records = headlines(huffpost_records, 50)
    with pytest.raises(ConfigError) as refused:
        TrendDetector(embedder="no-such-embedder").fit(records, embeddings=make(50))
    assert expected in str(refused.value) and "\n" not in str(refused.value)


def test_embeddings_of_the_wrong_width_for_the_embedder_are_refused(huffpost_records, embedder):
    with pytest.raises(ConfigError, match="embeddings are 100 wide, but the embedder gives 384"):
        TrendDetector(embedder=embedder).fit(headlines(huffpost_records, 50), embeddings=np.ones((50, 100)))


def test_fit_on_a_list_of_strings_reads_them_as_texts(huffpost_records):
    texts = [r["text"] for r in huffpost_records[:5]]
    with pytest.raises(CorpusError, match=r"only 5 document\(s\) to cluster"):  # texts, not "no such file"
        TrendDetector().fit(texts)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from trendlens.validation import as_texts

        assert load_corpus(as_texts(texts)).texts == texts


# -- short texts -----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def wordless_reviews() -> list[dict]:
    """One-word app reviews with no countable term (emoji, "First.", "Ok.", "10/10"): 674 after de-duplication."""
    from tests.conftest import CORPORA, read_jsonl_gz
    from trendlens.topics.model import term_stop_words
    from trendlens.topics.terms import Terms

    rows = [r for r in read_jsonl_gz(CORPORA / "threads_launch_reviews.jsonl.gz") if len(r["text"].split()) == 1]
    corpus = load_corpus([{"id": r["id"], "text": r["text"], "timestamp": r["timestamp"]} for r in rows])
    analyze = Terms.from_texts(corpus.texts, term_stop_words("english")).analyzer((1, 2))
    keep = {d.id for d in corpus if not analyze(d.text)}
    return [{"id": r["id"], "text": r["text"], "timestamp": r["timestamp"]} for r in rows if r["id"] in keep]


def test_one_word_texts_without_a_term_get_keywords_from_the_fallback_rule(wordless_reviews, onnx_embedder):
    from trendlens.topics.model import fit_topics
    from trendlens.topics.terms import plain_tokens

    texts = [r["text"] for r in wordless_reviews]
    assert len(texts) >= 300
    result = fit_topics(texts, onnx_embedder.encode(texts))  # was: "empty vocabulary" from scikit-learn
    assert len(result.keywords) >= 2
    for trend, words in result.keywords.items():
        members = {tok for text, label in zip(texts, result.labels) if label == trend for tok in plain_tokens(text)}
        assert words and all(w in members for w, _ in words), (trend, words)  # what the trend's own texts write
    assert plain_tokens("First.") == ["first"] and plain_tokens("😂😂😂") == ["😂"] and plain_tokens("❤️❤️") == ["❤️"]


def test_short_texts_that_share_no_term_fall_back_to_the_terms_of_single_documents(huffpost_records):
    from trendlens.topics.model import fallback_vocabulary, term_stop_words
    from trendlens.topics.terms import Terms

    texts = ["Oat milk", "Sourdough", "Pickleball", "Cold plunge"]
    terms = Terms.from_texts(texts, term_stop_words("english"))
    vocabulary, analyzer = fallback_vocabulary(texts, terms, min_docs=2)
    assert analyzer is None and {"oat milk", "sourdough", "pickleball"} <= set(vocabulary)
    shared = [r["text"] for r in huffpost_records[:300]]
    assert fallback_vocabulary(shared, Terms.from_texts(shared, term_stop_words("english")))[1] is None


@pytest.mark.slow
def test_a_corpus_of_one_word_documents_runs_to_a_report(tmp_path, wordless_reviews):
    path = tmp_path / "reviews.jsonl"
    path.write_bytes(jsonl(wordless_reviews))
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet", "--embedder", "minilm-onnx")
    assert result.returncode == 0, result.stderr[-2000:]
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["trends"] and all(t["keywords"] for t in report["trends"])


# -- time sanity -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("stamp", "expected"),
    [
        ("9999-12-31", "9999-12-31 00:00 UTC is more than 1 day after this run's clock"),
        ("0001-01-01T00:00:00Z", "0001-01-01 is before 1990-01-01"),
        (0, "1970-01-01 is before 1990-01-01"),
    ],
)
def test_a_timestamp_outside_the_plausible_range_is_refused_skipped_or_allowed(huffpost_records, stamp, expected):
    rows = headlines(huffpost_records, 20)
    rows[4]["timestamp"] = stamp
    with pytest.raises(CorpusError) as refused:
        load_corpus(rows)
    assert str(refused.value).startswith(f"records, item 5, field 'timestamp': {expected}")
    with pytest.warns(UserWarning, match=r"skipped 1 invalid record\(s\); first: records, item 5, field 'timestamp'"):
        assert len(load_corpus(rows, on_error="skip")) == 19
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the far-future date is still named in a warning
        allowed = load_corpus(rows, earliest=None, max_ahead=None)
    assert len(allowed) == 20 and allowed[4].timestamp is not None


def test_a_timestamp_within_a_day_of_the_clock_is_kept(huffpost_records):
    from datetime import datetime, timedelta, timezone

    rows = headlines(huffpost_records, 20)
    rows[0]["timestamp"] = (datetime.now(timezone.utc) + timedelta(hours=20)).isoformat()
    rows[1]["timestamp"] = "1990-01-01T00:00:00Z"
    assert len(load_corpus(rows)) == 20


def store_counts(store: Path) -> tuple[int, int]:
    import duckdb

    with duckdb.connect(str(store), read_only=True) as con:
        return tuple(con.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "ingested_files"))


def test_a_job_with_one_far_future_date_is_refused_before_the_store_takes_it(tmp_path, huffpost_records):
    rows = headlines(huffpost_records, 60)
    rows[41]["timestamp"] = "9999-12-31T00:00:00Z"
    source = tmp_path / "posts.jsonl"
    source.write_bytes(jsonl(rows))
    store = tmp_path / "store.duckdb"
    result = run_cli("job", "--store", str(store), "--input", str(source), "--window-days", "30", "--quiet")
    assert f"{source}, line 42, field 'timestamp': 9999-12-31 00:00 UTC is more than 1 day" in one_error(result)
    assert store_counts(store) == (0, 0)  # nothing of the file was ingested


@pytest.mark.slow
def test_far_future_job_scenario_replayed_the_bad_record_is_skipped_and_later_runs_are_healthy(
    tmp_path, huffpost_records, capsys
):
    rows = headlines(huffpost_records, 300)
    rows[41]["timestamp"] = "9999-12-31T00:00:00Z"
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(jsonl(rows[:150]))
    second.write_bytes(jsonl(rows[150:]))
    store = tmp_path / "store.duckdb"
    common = ["--store", str(store), "--window-days", "30", "--embedder", "minilm-onnx", "--min-cluster-size", "5"]
    skipped = run_here(capsys, "job", *common, "--input", str(first), "--on-error", "skip", "--quiet")
    assert skipped.returncode == 0, skipped.stderr[-2000:]
    assert "skipped 1 invalid record(s); first: " in skipped.stderr and "line 42, field 'timestamp'" in skipped.stderr
    assert store_counts(store) == (149, 1)
    later = run_here(capsys, "job", *common, "--input", str(second), "--quiet")
    assert later.returncode == 0, later.stderr[-2000:]
    assert store_counts(store) == (299, 2)


def test_a_job_that_fails_after_its_ingest_takes_its_documents_back_out(tmp_path, huffpost_records):
    rows = headlines(huffpost_records, 40)
    rows[-1]["timestamp"] = "2018-07-01T00:00:00Z"  # alone in the last day: the window holds one document
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    first.write_bytes(jsonl(rows[:20]))
    second.write_bytes(jsonl(rows[20:]))
    store = tmp_path / "store.duckdb"
    inputs = ["--input", str(first), "--input", str(second)]
    failed = run_cli(
        "job", "--store", str(store), *inputs, "--window-days", "1", "--embedder", "minilm-onnx", "--quiet"
    )
    assert "only 1 document(s) to cluster" in one_error(failed)
    assert store_counts(store) == (0, 0)  # both files' documents taken back out: the next run reads them again


def test_undo_ingest_puts_changed_documents_back_and_forgets_new_ones(tmp_path, huffpost_records):
    from trendlens.store import TrendStore

    rows = headlines(huffpost_records, 30)
    edited = [dict(r) for r in rows[10:]] + headlines(huffpost_records[30:], 5)
    edited[0]["text"] = "An edited headline about oat milk"
    with TrendStore(tmp_path / "store.duckdb") as store:
        with store.transaction():
            store.ingest(load_corpus(rows), path="a.jsonl", sha256="a")
        before = store.con.execute("SELECT * FROM documents ORDER BY id").fetchall()
        incoming = load_corpus(edited)
        with store.transaction():
            new_ids, changed = store.before_ingest(incoming)
            assert store.ingest(incoming, path="b.jsonl", sha256="b") == (5, 1)
        assert len(new_ids) == 5 and [row[0] for row in changed] == [rows[10]["id"]]
        store.undo_ingest(new_ids, changed, ["b"])
        assert store.con.execute("SELECT * FROM documents ORDER BY id").fetchall() == before
        assert store.file_seen("a") and not store.file_seen("b")


def test_a_store_damaged_inside_is_one_line_and_exit_code_2(tmp_path, huffpost_records):
    """Regression (issue 23): a store whose header is fine but whose data blocks are damaged opened, and
    the first query that read them ended in DuckDB's raw IOException traceback."""
    import pandas as pd

    from trendlens.store.store import TrendStore

    path = tmp_path / "damaged.duckdb"
    rows = huffpost_records[:600]
    with TrendStore(path) as store:
        frame = pd.DataFrame(
            {
                "id": [r["id"] for r in rows],
                "hash": [str(i) for i in range(len(rows))],
                "text": [r["text"] * 40 for r in rows],
            }
        )
        store.con.register("frame", frame)
        store.con.execute("INSERT INTO documents (id, content_hash, text, ingested_at) SELECT *, now() FROM frame")
    data = bytearray(path.read_bytes())
    middle = len(data) // 2
    data[middle : middle + 8192] = bytes(range(256)) * 32  # a damaged block: the checksum no longer matches
    path.write_bytes(bytes(data))
    source = tmp_path / "new.jsonl"
    source.write_bytes(jsonl(headlines(huffpost_records[600:], 50)))
    result = run_cli("job", "--input", str(source), "--store", str(path), "--dry-run", "--quiet")
    error = one_error(result)
    assert str(path) in error and "damaged" in error and "--store" in error


# -- near-duplicates ---------------------------------------------------------------------------------


def test_near_duplicates_are_texts_one_emoji_apart_not_two_headlines_on_one_story(embedder, huffpost_records):
    from trendlens.topics.duplicates import near_duplicate_representatives

    texts = [
        "Hello Bluesky 👋🏽 #firstpost",  # two real posts of the Bluesky corpus, one emoji apart
        "Hello Bluesky 🙂 #firstpost",
        *[r["text"] for r in huffpost_records if "Kavanaugh" in r["text"]][:40],  # one story, 40 headlines
    ]
    stands_for = near_duplicate_representatives(embedder.encode(texts))
    assert stands_for[1] == 0
    assert stands_for[2:].tolist() == list(range(2, len(texts)))


@pytest.fixture(scope="module")
def campaign_fit(embedder, e2e_records) -> TrendDetector:
    """A real campaign post of the Bluesky corpus (twitterexodus.org posted 456 like it), 300 times with one
    character changed, each from another account, among the 650 real headlines of the end-to-end sample."""
    base = (
        "We can't make Elon less horrible but we can make his platform less powerful. Join the Twitter Exodus: "
        "delete your account, move your followers to Bluesky and tell your friends why you left. Every account "
        "that leaves makes X smaller, its ads cheaper and its owner weaker. It costs nothing to leave, and staying "
        "costs everything."
    )
    assert len(base) > 300
    stamps = [r["timestamp"] for r in e2e_records]
    campaign = [
        {"id": f"campaign-{i}", "text": base[:i] + "#" + base[i + 1 :], "author": f"account{i}", "timestamp": stamps[i]}
        for i in range(300)
    ]
    corpus = load_corpus(e2e_records + campaign)
    assert len(corpus) == len(e2e_records) + 300  # none is an exact copy
    return TrendDetector(embedder=embedder, show_progress=False).fit(corpus, embeddings=embedder.encode(corpus.texts))


@pytest.mark.slow
def test_a_campaign_of_300_texts_one_character_apart_is_one_voice_not_many_trends(campaign_fit):
    det = campaign_fit
    rows = [i for i, d in enumerate(det.corpus_) if d.id.startswith("campaign-")]
    labels = set(det.labels_[rows].tolist())
    assert len(labels) == 1, labels  # was 14 trends, 13 of them with the same label
    assert det.near_duplicates_ >= 250  # 262: a character changed inside a name ("E#on") moves a text further
    report = det.report()
    assert report.corpus.n_near_duplicates == det.near_duplicates_
    assert f"{det.near_duplicates_} near-duplicates" in report.to_markdown()
    (trend,) = labels
    if trend >= 0:  # the campaign's trend hears one voice for its 300 accounts
        windows = det.signals_[det.signals_["trend"] == trend]
        assert windows["voices"].sum() <= windows["count"].sum() - 200  # 300 accounts, 262 of them one voice


@pytest.mark.slow
def test_documents_moved_between_trends_keep_what_clustering_decided(campaign_fit):
    # the scheduled job moves documents back to their previous trend (stickiness); that used to rebuild the
    # fit from the labels alone, so the campaign's 300 accounts became 300 voices again and the names were
    # made from other terms
    det = copy.copy(campaign_fit)  # its own fit; the fixture's stays
    trends, signals, duplicates = det.trends_.copy(), det.signals_.copy(), det.near_duplicates_
    det.relabel(det.labels_.copy())
    pd.testing.assert_frame_equal(det.trends_, trends)  # the same labels: the same fit
    pd.testing.assert_frame_equal(det.signals_, signals)  # voices too: the campaign is one voice
    assert det.near_duplicates_ == duplicates and det.topic_model_ is campaign_fit.topic_model_
    smallest = int(trends["size"].idxmin())
    largest = int(trends["size"].idxmax())
    moved = np.where(det.labels_ == smallest, largest, det.labels_)
    det.relabel(moved)
    assert smallest not in det.trends_.index
    assert det.trends_.at[largest, "size"] == trends.at[largest, "size"] + trends.at[smallest, "size"]
    assert det.near_duplicates_ == duplicates and det.fit_rows_ is not None and det.layout_ is not None
    with pytest.raises(ConfigError, match="no keywords given for trends \\[999\\]"):
        det.relabel(np.where(det.labels_ == largest, 999, det.labels_))
    assert largest in det.trends_.index  # a relabel that raises leaves the fit as it was


@pytest.mark.slow
def test_a_stored_far_future_date_that_breaks_the_window_is_quarantined_and_the_job_runs_again(
    tmp_path, huffpost_records, capsys
):
    rows = headlines(huffpost_records, 200)
    rows[41]["timestamp"] = "9999-12-31T00:00:00Z"
    bad = rows[41]["id"]
    source = tmp_path / "posts.jsonl"
    source.write_bytes(jsonl(rows))
    store = tmp_path / "store.duckdb"
    common = ["--store", str(store), "--embedder", "minilm-onnx", "--min-cluster-size", "5", "--quiet"]
    # an explicit --any-time lets the date in; a run over everything stored still works
    assert run_here(capsys, "job", *common, "--input", str(source), "--any-time").returncode == 0
    # 30 days before year 9999: 1 document
    broken = run_here(capsys, "job", *common, "--window-days", "30", "--mode", "full")
    error = one_error(broken)
    assert "only 1 document(s) to cluster" in error and "--quarantine ID" in error and "--quarantine-after" in error
    healed = run_here(
        capsys, "job", *common, "--window-days", "30", "--mode", "full", "--quarantine-after", "2100-01-01"
    )
    assert healed.returncode == 0, healed.stderr[-2000:]
    assert store_counts(store) == (199, 1)
    import duckdb

    with duckdb.connect(str(store), read_only=True) as con:
        assert con.execute("SELECT id FROM quarantine").fetchall() == [(bad,)]
    assert run_here(capsys, "job", *common, "--dry-run", "--restore", bad).returncode == 2  # a dry run writes nothing
    restored = run_here(capsys, "job", *common, "--restore", bad)  # without a window the run works with it back
    assert restored.returncode == 0, restored.stderr[-2000:]
    assert store_counts(store) == (200, 1)
