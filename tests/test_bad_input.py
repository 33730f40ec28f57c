"""Every kind of bad input issue 9 names, through the `trendlens run` command: its one-line error and exit code.

The errors are raised before any model loads, so each case is a short subprocess. Inputs that
trendlens accepts with a warning are checked together in one end-to-end run (slow): exit code 0,
one ``trendlens: warning:`` line per kind. docs/input.md lists the same cases.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path

import pytest

from tests.conftest import CORPORA, read_jsonl_gz
from tests.test_cli import run_cli


def jsonl(rows: list[dict]) -> bytes:
    return "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")


def headlines(records: list[dict], n: int, **extra) -> list[dict]:
    return [{"id": r["id"], "text": r["text"], "timestamp": r["timestamp"], **extra} for r in records[:n]]


def _cases(records: list[dict]) -> dict[str, tuple[str, bytes, list[str], str]]:
    """name -> (file name, file bytes, extra CLI arguments, what the one-line error must say)."""
    ok = headlines(records, 30)

    def with_row(index: int, **changes) -> bytes:
        rows = [dict(r) for r in ok]
        rows[index].update(changes)
        return jsonl(rows)

    bad_gzip = gzip.compress(jsonl(ok))[:200]
    return {
        "empty file": ("posts.jsonl", b"", [], "no documents (0 record(s) read)"),
        "blank lines only": ("posts.jsonl", b"\n\n  \n", [], "no documents (0 record(s) read)"),
        "empty after cleaning": (
            "posts.jsonl",
            jsonl([{"text": t} for t in ("   ", "\u200b\ufeff", "\x00\x07", "\x1b[31m\x1b[0m")]),
            ["--on-error", "skip"],
            "no documents (4 record(s) read, 4 invalid, 0 duplicate)",
        ),
        "an empty text": ("posts.jsonl", with_row(2, text="\u200b"), [], "line 3, field 'text': is empty"),
        "a single document": ("posts.jsonl", jsonl(ok[:1]), [], "only 1 document(s) to cluster; trendlens needs at"),
        "all duplicates": (
            "posts.jsonl",
            jsonl([{"text": ok[0]["text"].upper() if i % 2 else ok[0]["text"]} for i in range(40)]),
            [],
            "only 1 document(s) to cluster (39 duplicate texts dropped); trendlens needs at least 20",
        ),
        "too few to cluster": ("posts.jsonl", jsonl(ok[:12]), [], "only 12 document(s) to cluster"),
        "a number as text": ("posts.jsonl", with_row(4, text=1234), [], "line 5, field 'text': must be a string"),
        "an object as id": ("posts.jsonl", with_row(5, id={"x": 1}), [], "line 6, field 'id': must be a string or"),
        "a list as timestamp": ("posts.jsonl", with_row(6, timestamp=[2020]), [], "line 7, field 'timestamp': cannot"),
        "an unparseable timestamp": (
            "posts.jsonl",
            with_row(7, timestamp="last Tuesday-ish"),
            [],
            "line 8, field 'timestamp': cannot be read as a date/time",
        ),
        "an epoch out of range": ("posts.jsonl", with_row(1, timestamp=1e20), [], "line 2, field 'timestamp': epoch"),
        "a far-future date": (
            "posts.jsonl",
            with_row(2, timestamp="9999-12-31"),
            [],
            "line 3, field 'timestamp': 9999-12-31 00:00 UTC is more than 1 day after this run's clock",
        ),
        "a date before 1990": (
            "posts.jsonl",
            with_row(3, timestamp=0),
            [],
            "line 4, field 'timestamp': 1970-01-01 is before 1990-01-01",
        ),
        "a negative count": ("posts.jsonl", with_row(8, likes=-4), [], "line 9, field 'likes': must be a non-negative"),
        "a word as count": (
            "posts.jsonl",
            with_row(9, shares="lots"),
            [],
            "line 10, field 'shares': must be",
        ),
        "an impossible count": ("posts.jsonl", with_row(3, views=1e300), [], "line 4, field 'views'"),
        "an object as hashtags": ("posts.jsonl", with_row(0, hashtags={"a": 1}), [], "line 1, field 'hashtags'"),
        "a reused id": ("posts.jsonl", with_row(10, id=ok[0]["id"]), [], "line 11, field 'id': id"),
        "no text column": ("posts.jsonl", jsonl([{"headline": r["text"]} for r in ok]), [], "columns present: head"),
        "a line that is not JSON": ("posts.jsonl", jsonl(ok)[:-40] + b"\n", [], "not valid JSON"),
        "a JSON line that is not an object": ("posts.jsonl", b'["a", "list"]\n', [], "line 1: expected a JSON obj"),
        "a CSV row with extra fields": (
            "posts.csv",
            b"id,text\n1,oat milk sales grow\n2,too,many,fields\n",
            [],
            "posts.csv, line 3: more fields than the header",
        ),
        "a truncated gzip file": ("posts.jsonl.gz", bad_gzip, [], "posts.jsonl.gz: cannot be read"),
        "a file that is not Parquet": ("posts.parquet", b"PAR1 not really", [], "not a readable Parquet file"),
        "an unsupported file type": ("posts.xlsx", b"PK\x03\x04", [], "unsupported file type .xlsx"),
        "a missing file": ("", b"", [], "no such file"),
    }


CASE_NAMES = list(_cases([{"id": "x", "text": "x", "timestamp": "2020-01-01"}] * 30))


@pytest.fixture(scope="module")
def cases(huffpost_records):
    return _cases(huffpost_records)


@pytest.mark.parametrize("name", CASE_NAMES)
def test_bad_input_ends_in_its_own_one_line_error_and_exit_code_2(tmp_path, cases, name):
    file_name, data, extra, expected = cases[name]
    path = tmp_path / (file_name or "absent.jsonl")
    if file_name:
        path.write_bytes(data)
    result = run_cli("run", str(path), "--out", str(tmp_path / "out"), "--quiet", *extra)
    assert result.returncode == 2, result.stderr[-1500:]
    errors = [line for line in result.stderr.splitlines() if line.startswith("trendlens: error: ")]
    assert len(errors) == 1 and "Traceback" not in result.stderr, result.stderr[-1500:]
    assert expected in errors[0], errors[0]
    if file_name:
        assert str(path) in errors[0] or "document(s) to cluster" in errors[0]  # names the file at fault
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
def test_input_accepted_with_warnings_runs_to_the_end_with_one_line_per_kind(tmp_path, e2e_records):
    rows = [dict(r) for r in e2e_records]
    rows[5]["text"] = rows[5]["text"] + " " + " ".join(["filler"] * 30_000)  # 210,000 characters
    del rows[9]["timestamp"]
    rows[12]["timestamp"] = "2099-01-01T00:00:00Z"
    italian = [r for r in read_jsonl_gz(CORPORA / "crisislex_dev.jsonl.gz") if r["event"] == "2012_Italy_earthquakes"]
    rows += [{"text": r["text"], "timestamp": e2e_records[i]["timestamp"]} for i, r in enumerate(italian[:200])]
    lines = [json.dumps(r).encode("utf-8") for r in rows]
    lines[20] = lines[20].replace(b'"text": "', b'"text": "Caf\xe9 ', 1)  # a latin-1 byte
    path = tmp_path / "posts.jsonl"
    path.write_bytes(b"\n".join(lines) + b"\n")
    # the static tier: the warnings are about the input, not the model (and a third of the time)
    result = run_cli(
        "run", str(path), "--out", str(tmp_path / "out"), "--quiet", "--any-time", "--embedder", "minilm-static"
    )
    assert result.returncode == 0, result.stderr[-2000:]
    warned = [line for line in result.stderr.splitlines() if line.startswith("trendlens: warning: ")]
    expected = [
        "line(s) held bytes that are not UTF-8",
        "1 text(s) longer than 100,000 characters were cut",
        "document(s) have no timestamp",
        "dated more than a day after now",
        "look non-English (it ",
    ]
    for words in expected:
        assert sum(words in line for line in warned) == 1, (words, warned)
    assert len(warned) == len(expected), warned
    assert (tmp_path / "out" / "report.html").exists()


def test_the_catalogue_is_documented():
    documented = (Path(__file__).resolve().parents[1] / "docs" / "input.md").read_text(encoding="utf-8")
    for name in CASE_NAMES:
        assert f"| {name} |" in documented, name
