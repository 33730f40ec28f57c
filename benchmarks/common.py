"""Data shared by the benchmarks and by scripts/build_models.py (which must not train on benchmark texts)."""

from __future__ import annotations

import gzip
import json
import resource
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPORA = ROOT / "corpora"
RESULTS = ROOT / "benchmarks" / "results"
BENCH_SEED = 0
BENCH_N = 10_000


def read_records(name: str) -> list[dict]:
    """All records of a bundled corpus file (``corpora/<name>.jsonl.gz``, see corpora/README.md)."""
    path = CORPORA / f"{name}.jsonl.gz"
    if not path.exists():
        raise SystemExit(f"{path} not found: the benchmarks read the corpora bundled in corpora/")
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        return [json.loads(line) for line in handle]


def newsgroups_benchmark_sample(n: int = BENCH_N) -> tuple[list[str], np.ndarray, set[str]]:
    """The benchmark's 20 Newsgroups documents: texts, labels and ids (seeded, fixed)."""
    records = read_records("20newsgroups")
    order = np.random.default_rng(BENCH_SEED).permutation(len(records))[:n]
    chosen = [records[i] for i in order]
    return [r["text"] for r in chosen], np.array([r["category"] for r in chosen]), {r["id"] for r in chosen}


def all_texts() -> list[str]:
    """Every text of five bundled corpora (about 57,500), for memory and scale runs."""
    names = ("huffpost", "20newsgroups", "bbc", "trump_tweets", "crisislex_dev")
    return [r["text"] for name in names for r in read_records(name)]


def machine() -> dict:
    """The machine a result was measured on (results only compare within one run, but say where)."""
    import os
    import platform

    return {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()}


def save_result(name: str, result: dict) -> Path:
    """Write ``benchmarks/results/<name>.json``."""
    RESULTS.mkdir(parents=True, exist_ok=True)
    path = RESULTS / f"{name}.json"
    path.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    return path


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (``ru_maxrss``), in MB."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def run_worker(script: str, spec: dict, record_failure: bool = False) -> dict:
    """Run ``script --worker SPEC`` in a fresh process (so its peak RSS is its own) and read its last line as JSON.

    A failed worker stops the benchmark with the end of its stderr, or with ``record_failure``
    gives ``{"error": its last stderr line}`` to put in the results.
    """
    done = subprocess.run(
        [sys.executable, script, "--worker", json.dumps(spec)], capture_output=True, text=True, check=False
    )
    if done.returncode and record_failure:
        return {"error": done.stderr.strip().splitlines()[-1] if done.stderr.strip() else f"exit {done.returncode}"}
    if done.returncode:
        raise SystemExit(f"worker {spec} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def finish(name: str, result: dict, write_table: Callable[[dict], None]) -> None:
    """Stamp ``result`` (time, machine, command), save it as ``<name>.json``, update the README table, print it."""
    result.update(
        {
            "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "machine": machine(),
            "command": f"make bench  (python benchmarks/bench_{name}.py)",
        }
    )
    save_result(name, result)
    write_table(result)
    print(json.dumps(result, indent=2))


def put_table(marker: str, table: str, heading: str = "") -> None:
    """Put ``table`` between ``<!-- marker -->`` and ``<!-- /marker -->`` in benchmarks/README.md.

    When the markers are missing they are appended, under ``heading``.
    """
    readme = ROOT / "benchmarks" / "README.md"
    text = readme.read_text(encoding="utf-8") if readme.exists() else ""
    start, end = f"<!-- {marker} -->", f"<!-- /{marker} -->"
    if start in text and end in text:
        text = text[: text.index(start) + len(start)] + "\n" + table + text[text.index(end) :]
    else:
        text += f"\n{heading}\n\n{start}\n{table}{end}\n" if heading else f"\n{start}\n{table}{end}\n"
    readme.write_text(text, encoding="utf-8")
