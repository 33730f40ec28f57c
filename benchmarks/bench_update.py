"""`TrendDetector.update` against a full refit, month by month on HuffPost: kept trend ids and time.

The detector is fitted on the first ``--initial`` months of the bundled HuffPost sample; each of
the next ``--runs`` months is then added twice, from the same state: by ``update`` (the detector
carried from month to month) and by a full refit of every document so far. Both use the same
embedder with the warm embedding cache, so the times compare clustering with assignment, not
embedding.

**Kept id** is measured as in ``benchmarks/README.md``: of the documents in a trend before the
month was added, the share in a trend with the same id after. For the refit this is the raw
cluster number (the scheduled job's matching and stickiness are what keep its ids; see
``bench_job.py``). **Joined** is the share of the month's documents ``update`` put in a trend of
the previous state; **new trends** the trends it added.

    python benchmarks/bench_update.py [--initial 1] [--runs 3]
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import read_records, save_result  # noqa: E402
from trendlens import TrendDetector, load_corpus  # noqa: E402


def kept_share(before: np.ndarray, after: np.ndarray) -> float:
    """Of the documents in a trend in ``before``, the share with the same label in ``after`` (same rows first)."""
    inside = before >= 0
    return float((after[: len(before)][inside] == before[inside]).mean())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initial", type=int, default=1, help="months fitted first (2018-05 alone: 1,348 headlines)")
    parser.add_argument("--runs", type=int, default=3, help="months added after the fit")
    parser.add_argument("--embedder", default="minilm")
    args = parser.parse_args()
    records = sorted(read_records("huffpost"), key=lambda r: (r["timestamp"], r["id"]))
    months = sorted({r["timestamp"][:7] for r in records})
    by_month = {m: [r for r in records if r["timestamp"].startswith(m)] for m in months}
    params = {"embedder": args.embedder, "show_progress": False}
    seen = [r for m in months[: args.initial] for r in by_month[m]]
    began = time.perf_counter()
    det = TrendDetector(**params).fit(load_corpus(seen))
    fit_seconds = time.perf_counter() - began
    runs = []
    for month in months[args.initial : args.initial + args.runs]:
        before, known = det.labels_.copy(), set(det.trends_.index)
        began = time.perf_counter()
        det.update(load_corpus(by_month[month]))
        update_seconds = time.perf_counter() - began
        seen += by_month[month]
        began = time.perf_counter()
        refit = TrendDetector(**params).fit(load_corpus(seen))
        refit_seconds = time.perf_counter() - began
        new = det.labels_[len(before) :]
        run = {
            "month": month,
            "documents": len(det.corpus_),
            "added": len(new),
            "update_seconds": update_seconds,
            "refit_seconds": refit_seconds,
            "time_ratio": update_seconds / refit_seconds,
            "update_kept_id": kept_share(before, det.labels_),
            "refit_kept_raw_number": kept_share(before, refit.labels_),
            "joined": float(np.isin(new, list(known)).mean()),
            "new_trends": len(set(det.trends_.index) - known),
            "trends_update": len(det.trends_),
            "trends_refit": len(refit.trends_),
        }
        runs.append(run)
        print(json.dumps(run), flush=True)
    summary = {
        "corpus": "corpora/huffpost.jsonl.gz, one batch per month",
        "embedder": args.embedder,
        "initial_months": months[: args.initial],
        "fit_seconds": fit_seconds,
        "mean_update_kept_id": statistics.mean(r["update_kept_id"] for r in runs),
        "mean_refit_kept_raw_number": statistics.mean(r["refit_kept_raw_number"] for r in runs),
        "mean_joined": statistics.mean(r["joined"] for r in runs),
        "mean_time_ratio": statistics.mean(r["time_ratio"] for r in runs),
        "runs": runs,
    }
    save_result("update", summary)
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2))


if __name__ == "__main__":
    main()
