"""Peak memory and time of hostile inputs against a normal 300-document run, in the same run (issue 23).

    python benchmarks/bench_hostile.py

Each case is one ``trendlens run`` process; its peak RSS comes from ``os.wait4``. Cases:

- ``normal``: 300 HuffPost headlines, ``--embedder minilm-onnx``, to the report (the baseline);
- ``gzip bomb``: a ``.jsonl.gz`` whose one line expands to 2 GiB (refused at the 16 MiB record limit);
- ``gzip bomb, skip``: the same with ``--on-error skip`` (passed over in chunks until the expansion cap);
- ``1 GiB line``: a plain ``.jsonl`` of one 1 GiB line, then 300 good ones (refused);
- ``1 GiB line, skip``: the same with ``--on-error skip`` (the line passed over, the run goes on);
- ``/dev/zero``: a ``.jsonl`` symlink to ``/dev/zero`` (refused before any read).

The generated files live in a temporary folder removed at the end. Writes
benchmarks/results/hostile.json and the table in benchmarks/README.md.
"""

from __future__ import annotations

import gzip
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import finish, put_table, read_records  # noqa: E402

GIB = 2**30
CHUNK = b"oat milk latte " * (2**20 // 15)


def write_long_line(path: Path, size: int, tail: bytes = b"") -> None:
    """One JSON line of about ``size`` bytes (streamed, never held), then ``tail``."""
    opener = gzip.open if path.suffix == ".gz" else open
    with opener(path, "wb") as out:  # type: ignore[operator]
        out.write(b'{"id": "long", "text": "')
        for _ in range(size // len(CHUNK)):
            out.write(CHUNK)
        out.write(b'"}\n' + tail)


def measure(args: list[str]) -> dict:
    env = dict(os.environ, HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1", PYTHONPATH=str(ROOT))
    began = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "trendlens", "run", *args, "--quiet"],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env=env,
        cwd=ROOT,
    )
    stderr = proc.stderr.read().decode("utf-8", "replace")  # type: ignore[union-attr]
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    lines = [line for line in stderr.splitlines() if line.startswith("trendlens: ")]
    return {
        "exit": proc.returncode,
        "seconds": round(time.perf_counter() - began, 1),
        "peak_rss_mb": round(usage.ru_maxrss / 1024),
        "message": (lines[-1] if lines else stderr.strip()[-300:])[:240],
    }


def main() -> None:
    rows = [{"id": r["id"], "text": r["text"], "timestamp": r["timestamp"]} for r in read_records("huffpost")[:300]]
    good = "".join(json.dumps(r) + "\n" for r in rows).encode("utf-8")
    results: dict[str, dict] = {}
    with tempfile.TemporaryDirectory(prefix="bench-hostile-") as tmp:
        folder = Path(tmp)
        normal = folder / "normal.jsonl"
        normal.write_bytes(good)
        bomb = folder / "bomb.jsonl.gz"
        write_long_line(bomb, 2 * GIB)
        line = folder / "line.jsonl"
        write_long_line(line, GIB, tail=good)
        zero = folder / "zero.jsonl"
        zero.symlink_to("/dev/zero")
        out = str(folder / "out")
        cases = {
            "normal": [str(normal), "--embedder", "minilm-onnx"],
            "gzip bomb": [str(bomb)],
            "gzip bomb, skip": [str(bomb), "--on-error", "skip"],
            "1 GiB line": [str(line)],
            "1 GiB line, skip": [str(line), "--on-error", "skip", "--embedder", "minilm-onnx"],
            "/dev/zero": [str(zero)],
        }
        sizes = {"gzip bomb": bomb.stat().st_size, "1 GiB line": line.stat().st_size}
        for name, args in cases.items():
            results[name] = measure([*args, "--out", out])
            results[name]["message"] = results[name]["message"].replace(tmp, "…")
            print(name, results[name], flush=True)
    base = results["normal"]["peak_rss_mb"]
    for result in results.values():
        result["rss_ratio"] = round(result["peak_rss_mb"] / base, 2)
    finish("hostile", {"file_bytes": sizes, "cases": results}, write_table)


def write_table(result: dict) -> None:
    table = ["| case | exit | seconds | peak RSS (MB) | × normal | message |", "|---|---|---|---|---|---|"]
    for name, r in result["cases"].items():
        message = r["message"].replace("|", "\\|")
        table.append(f"| {name} | {r['exit']} | {r['seconds']} | {r['peak_rss_mb']} | {r['rss_ratio']} | {message} |")
    put_table("hostile-table", "\n".join(table) + "\n", heading="## Hostile input (`bench_hostile.py`)")


if __name__ == "__main__":
    main()
