"""A clone of the repository alone runs the tests, benchmarks, scripts and `make eval` (issue 19)."""

from __future__ import annotations

import gzip
import re

import pytest

from tests.conftest import CORPORA, ROOT

#: Ways code has reached beside the checkout: a relative parent path, the checkout's parent
#: (``ROOT.parent``, ``parents[2]`` from a file one folder deep) or the development data folder.
ESCAPES = re.compile(r"\.\./|ROOT\.parent|\.parents\[[2-9]\]|shared/corpora|\"shared\"")
#: Marks a line whose match is data or the guard itself, not a read (e.g. a hostile path in a security test).
ALLOWED = "self-contained: not a read"


def _checked_files() -> list:
    files = [ROOT / "Makefile", ROOT / ".ci" / "run", ROOT / "pyproject.toml"]
    for folder in ("tests", "benchmarks", "scripts"):
        files += sorted((ROOT / folder).rglob("*.py"))
    return files


def test_no_code_or_make_target_reads_beside_the_checkout():
    hits = []
    for path in _checked_files():
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if ESCAPES.search(line) and ALLOWED not in line and path.name != "test_self_contained.py":
                hits.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not hits, "reads outside the repository:\n" + "\n".join(hits)


def test_a_test_cannot_open_a_file_beside_the_checkout():
    # conftest's audit hook refuses it before the file system is asked, so the data must be in corpora/
    with pytest.raises(PermissionError, match="copy the data into corpora/"):
        open(ROOT.parent / "shared" / "corpora" / "huffpost.jsonl.gz", "rb")  # noqa: SIM115


def test_every_bundled_corpus_is_described_with_its_record_count():
    readme = (CORPORA / "README.md").read_text(encoding="utf-8")
    files = sorted(CORPORA.glob("*.jsonl.gz"))
    assert len(files) >= 7
    for path in files:
        with gzip.open(path, "rt", encoding="utf-8") as handle:
            count = sum(1 for _ in handle)
        row = next((line for line in readme.splitlines() if line.startswith(f"| `{path.name}`")), None)
        assert row is not None, f"{path.name} is not in corpora/README.md's table"
        assert f"{count:,}" in row, f"{path.name} has {count:,} records; the README's row says otherwise: {row}"
        assert f"## `{path.name}`" in readme, f"corpora/README.md has no section (source, licence) for {path.name}"
