"""The `trendlens` command as a user runs it: a real subprocess, real model, real data."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys

import pytest

from trendlens.cli import _print_table
from trendlens.report import TrendReport
from trendlens.report.model import SCHEMA_VERSION


def run_cli(*args: str, cwd=None, **env_extra: str) -> subprocess.CompletedProcess:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", **env_extra)
    return subprocess.run(
        [sys.executable, "-m", "trendlens", *args], capture_output=True, text=True, env=env, cwd=cwd, timeout=900
    )


@pytest.mark.slow
def test_run_writes_reports_and_prints_the_table(tmp_path, e2e_records):
    source = tmp_path / "headlines.jsonl"
    source.write_text("".join(json.dumps(r) + "\n" for r in e2e_records), encoding="utf-8")
    # an 80-column terminal, the default of most: the example column takes what the numbers leave (it took 60
    # characters whatever the width, and the table was "#", "…" and the examples)
    result = run_cli("run", str(source), "--out", str(tmp_path / "out"), "--top", "5", COLUMNS="80")
    assert result.returncode == 0, result.stderr[-2000:]
    assert "trends in 650 documents" in result.stdout
    header = next(line for line in result.stdout.splitlines() if line.startswith("#"))
    assert header.replace("┃", " ").split()[:6] == ["#", "trend", "size", "virality", "stage", "growth"]
    assert max(len(line.rstrip()) for line in result.stdout.splitlines() if "│" in line) <= 80
    assert "✓ clustering 650 documents" in result.stderr  # the stage without a count says it finished
    report = json.loads((tmp_path / "out" / "report.json").read_text(encoding="utf-8"))
    assert report["schema_version"] == SCHEMA_VERSION
    assert len(report["trends"]) >= 5
    markdown = (tmp_path / "out" / "report.md").read_text(encoding="utf-8")
    # one section per consumer trend, between the consumer-trend table and the closing table of all sub trends
    groups = report["consumer_trends"]
    assert groups and markdown.count("\n## ") == len(groups) + 2
    assert sorted(m for g in groups for m in g["members"]) == sorted(t["id"] for t in report["trends"])
    for trend in report["trends"]:  # every sub trend has its sub-trend section or is its consumer trend's only member
        alone = any(g["members"] == [trend["id"]] for g in groups)
        assert alone or f"- **Sub trend id:** `{trend['id']}`" in markdown, trend["label"]
    assert "Example documents" in markdown
    # a wider terminal has room for an example of each trend
    wide = io.StringIO()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("COLUMNS", "140")
        _print_table(TrendReport.load(tmp_path / "out" / "report.json"), 5, wide)
    assert wide.getvalue().splitlines()[0].replace("┃", " ").split()[-1] == "example"
    # the printed table leads with the consumer trends, in the report's order, each with its sub trends under it
    lines = result.stdout.splitlines()
    cells = [[c.strip() for c in line.split("│")] for line in lines[lines.index(header) + 2 :] if "│" in line]
    ranked = [c[1] for c in cells if c[0]]
    assert ranked == [g["label"] for g in groups[:5]]
    labels = {t["id"]: t["label"] for t in report["trends"]}
    nested = next(g for g in groups[:5] if len(g["members"]) > 1)
    under = cells[[c[1] for c in cells].index(nested["label"]) + 1 :]
    shown = {c[1].removeprefix("· ") for c in under[: min(len(nested["members"]), 5)]}
    assert shown <= {labels[m] for m in nested["members"]}, (shown, nested)

    # --json: one JSON object on stdout, for scripts (the vectors come from the cache this time)
    model = tmp_path / "model"
    again = run_cli("run", str(source), "--out", str(tmp_path / "again"), "--json", "--save-model", str(model))
    assert again.returncode == 0, again.stderr[-2000:]
    summary = json.loads(again.stdout)
    assert summary["documents"] == 650 and summary["files"]["json"].endswith("report.json")
    assert summary["files"]["model"] == str(model)
    from trendlens import TrendDetector

    loaded = TrendDetector.load(model, show_progress=False)  # the run's detector, kept: its trends, its predictions
    assert sorted(loaded.trends_.index) == sorted(t["id"] for t in report["trends"])
    assert [t["id"] for t in summary["trends"]] == [t["id"] for t in report["trends"]]
    assert summary["trends"][0]["rank"] == 1 and summary["trends"][0]["label"] == report["trends"][0]["label"]
    same = [(g["label"], g["members"]) for g in groups]
    assert [(g["label"], g["members"]) for g in summary["consumer_trends"]] == same


def test_bad_input_is_one_line_and_exit_code_2(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "likes": 3}\n{"text": "bad", "likes": "lots"}\n', encoding="utf-8")
    result = run_cli("run", str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().count("\n") == 0
    assert "bad.jsonl, line 2, field 'likes'" in result.stderr
    assert not (tmp_path / "out").exists()


def test_debug_shows_the_traceback_of_the_same_error(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine", "likes": 3}\n{"text": "bad", "likes": "lots"}\n', encoding="utf-8")
    result = run_cli("--debug", "run", str(bad), "--out", str(tmp_path / "out"))
    assert result.returncode == 1
    assert "Traceback" in result.stderr
    assert "CorpusError: " in result.stderr and "bad.jsonl, line 2, field 'likes'" in result.stderr


def test_too_few_documents_is_one_line_without_loading_the_model(tmp_path):
    few = tmp_path / "few.jsonl"
    few.write_text("".join(f'{{"text": "post number {i} about oat milk"}}\n' for i in range(5)), encoding="utf-8")
    result = run_cli("run", str(few), "--out", str(tmp_path / "out"), "--quiet")
    assert result.returncode == 2
    assert result.stderr.strip() == (
        "trendlens: error: only 5 document(s) to cluster; "
        "trendlens needs at least 20 (a few hundred give useful trends)"
    )


def test_unsupported_file_type_exit_code_2(tmp_path):
    (tmp_path / "posts.xlsx").write_bytes(b"PK")
    result = run_cli("run", str(tmp_path / "posts.xlsx"))
    assert result.returncode == 2
    assert "unsupported file type .xlsx" in result.stderr


def test_report_command_renders_a_saved_report_again(tmp_path):
    from tests.test_report import make_report

    make_report().save(tmp_path / "first")
    result = run_cli("report", str(tmp_path / "first" / "report.json"), "--out", str(tmp_path / "again"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "again" / "report.md").read_text(encoding="utf-8") == (
        tmp_path / "first" / "report.md"
    ).read_text(encoding="utf-8")
    assert "vegan / plant based / oat milk" in (tmp_path / "again" / "report.html").read_text(encoding="utf-8")


def test_report_command_with_a_missing_file_exits_2(tmp_path):
    result = run_cli("report", str(tmp_path / "nope.json"))
    assert result.returncode == 2
    assert "nope.json" in result.stderr and "Traceback" not in result.stderr
