"""Atomic outputs: a folder replaces the old one only when complete; a killed report save leaves whole files."""

from __future__ import annotations

import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from trendlens._io import building_dir


def test_folder_appears_only_when_the_build_succeeds(tmp_path):
    target = tmp_path / "model"
    target.mkdir()
    (target / "old.txt").write_text("old")
    with pytest.raises(RuntimeError, match="export failed"), building_dir(target) as work:
        (work / "half.bin").write_bytes(b"x")
        raise RuntimeError("export failed")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]
    assert (target / "old.txt").read_text() == "old"

    with building_dir(target) as work:
        (work / "new.txt").write_text("new")
    assert sorted(p.name for p in target.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model"]


def test_atomic_write_gives_the_file_the_usual_permissions(tmp_path):
    import os

    from trendlens._io import atomic_write_text

    old = os.umask(0o022)
    try:
        atomic_write_text(tmp_path / "report.md", "x")
    finally:
        os.umask(old)
    assert (tmp_path / "report.md").stat().st_mode & 0o777 == 0o644


# -- killed while writing: a real SIGKILL of a process saving a report ------------------------------------
ROOT = Path(__file__).resolve().parents[1]

SAVER = """
import dataclasses, os, signal, sys
sys.path.insert(0, {root!r})
import trendlens._io as io
from tests.test_report import make_report

out, label, kill_at = sys.argv[1], sys.argv[2], sys.argv[3]
base = make_report(label=label)
report = dataclasses.replace(  # about 2 MB of JSON, so writing takes a while
    base, trends=tuple(dataclasses.replace(base.trends[0], id=i, label=f"{{label}} {{i}} " + "oat milk " * 300)
    for i in range(300))
)
calls = {{"sync": 0, "replace": 0}}
real_sync, real_replace = io._sync, io.os.replace

def sync(handle, tmp):  # the kill comes after the n-th file is written and flushed, before any rename
    real_sync(handle, tmp)
    calls["sync"] += 1
    if kill_at == f"write{{calls['sync']}}":
        os.kill(os.getpid(), signal.SIGKILL)

def replace(src, dst):  # or after the n-th rename
    real_replace(src, dst)
    calls["replace"] += 1
    if kill_at == f"rename{{calls['replace']}}":
        os.kill(os.getpid(), signal.SIGKILL)

io._sync, io.os.replace = sync, replace
if kill_at == "loop":
    n = 0
    while True:
        report.save(out)
        n += 1
        print(n, flush=True)
report.save(out)
"""


def save_in_a_process(out: Path, label: str, kill_at: str) -> subprocess.CompletedProcess:
    script = SAVER.format(root=str(ROOT))
    return subprocess.run([sys.executable, "-c", script, str(out), label, kill_at], capture_output=True, timeout=300)


def whole_report(out: Path) -> set[str]:
    """The label each of the three files was written with; fails if any file is cut short."""
    from trendlens import TrendReport

    labels = {TrendReport.load(out / "report.json").trends[0].label.split(" ", 1)[0]}
    markdown = (out / "report.md").read_text(encoding="utf-8")
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.rstrip().endswith("</html>"), html[-200:]
    assert markdown.count("\n## ") == 300, "report.md is cut short"
    labels |= {re.search(r"^## 1\. (\S+) ", markdown, re.M).group(1)}
    labels |= {re.search(r"<h2[^>]*>\s*1\. (\S+) ", html).group(1)}
    return labels


def test_a_kill_while_the_report_is_written_leaves_the_old_report_whole(tmp_path):
    out = tmp_path / "out"
    assert save_in_a_process(out, "old", "none").returncode == 0
    assert whole_report(out) == {"old"}
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    for point in ("write1", "write2", "write3"):  # killed after 1, 2 or all 3 files are on disk, before a rename
        result = save_in_a_process(out, "new", point)
        assert result.returncode == -signal.SIGKILL, result.stderr[-2000:]
        assert {p.name: p.read_bytes() for p in out.glob("report.*")} == before, point
        left = [p for p in out.iterdir() if p.name.endswith(".tmp")]
        assert left and all(p.name.startswith(".report.") for p in left)  # hidden, never taken for the report
        for p in left:
            p.unlink()
    # between the renames (microseconds apart) each file is still whole: old or new, never half
    result = save_in_a_process(out, "new", "rename1")
    assert result.returncode == -signal.SIGKILL
    assert whole_report(out) == {"old", "new"}
    assert save_in_a_process(out, "new", "none").returncode == 0
    assert whole_report(out) == {"new"}


def test_kills_at_random_moments_never_leave_a_cut_file(tmp_path):
    out = tmp_path / "out"
    assert save_in_a_process(out, "first", "none").returncode == 0
    rng = random.Random(9)
    for _ in range(8):
        script = SAVER.format(root=str(ROOT))
        proc = subprocess.Popen([sys.executable, "-c", script, str(out), "loop", "loop"], stdout=subprocess.PIPE)
        assert proc.stdout.readline()  # one full save done
        time.sleep(rng.uniform(0, 0.6))
        proc.kill()
        proc.wait()
        assert whole_report(out) <= {"first", "loop"}
        for p in out.glob(".report.*.tmp"):
            p.unlink()
