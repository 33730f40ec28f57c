"""Atomic outputs: a folder being built replaces the old one only when complete."""

from __future__ import annotations

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
