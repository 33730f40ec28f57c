"""The scheduled job fed month by month: how many documents keep their trend id, and what a re-run costs.

HuffPost (the bundled sample, 2018-05 to 2022-09) is split into one file per month.
Run 0 ingests the first ``--initial`` months; each later run ingests the next month
and refits in full (the hard case for stable ids: every run re-clusters from scratch).

Stability between consecutive runs: of the documents that were in a trend in run
*t-1* (and are still in the window), the share that sit in a trend with the same id
in run *t* — for trendlens's stable ids, and for the raw cluster numbers the refit
gives (what plain BERTopic users see). A document that becomes an outlier counts as
not kept.

Then the same store is run again with no new documents, in full mode (embeddings all
come from the store) and in auto mode (nothing new: incremental), and timed against
run 0 in the same process.

Last, the next month is added to two copies of that store: by a full refit, and by an
incremental run (the last run's detector, saved beside the store, loaded and updated with
the month: :meth:`TrendDetector.update`). Both are timed and their kept-id shares measured.
The month's texts are put in the embedding cache first, so neither run pays for embedding
them and the other reads them back.

    python benchmarks/bench_job.py [--initial 12] [--runs 12]
"""

from __future__ import annotations

import argparse
import collections
import gzip
import json
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import save_result  # noqa: E402
from trendlens.jobs import JobConfig, run_job  # noqa: E402
from trendlens.store import TrendStore  # noqa: E402


def month_files(folder: Path) -> list[Path]:
    """One JSONL file per month of the bundled HuffPost corpus, in time order."""
    by_month: dict[str, list[str]] = collections.defaultdict(list)
    with gzip.open(ROOT / "corpora" / "huffpost.jsonl.gz", "rt", encoding="utf-8") as handle:
        for line in handle:
            by_month[json.loads(line)["timestamp"][:7]].append(line)
    paths = []
    for month in sorted(by_month):
        path = folder / f"{month}.jsonl"
        path.write_text("".join(by_month[month]), encoding="utf-8")
        paths.append(path)
    return paths


def stability(store: TrendStore, a: int, b: int) -> dict[str, float]:
    """Share of run ``a``'s documents in a trend that keep their trend id (and raw cluster number) in run ``b``."""
    rows = store.con.execute(
        """
        SELECT x.trend_id = y.trend_id AS kept_id,
               sx.cluster = sy.cluster AS kept_raw,
               y.trend_id IS NOT NULL AS still_in_trend
        FROM memberships x
        JOIN memberships y ON y.doc_id = x.doc_id AND y.run_id = ?
        JOIN snapshots sx ON sx.run_id = x.run_id AND sx.trend_id = x.trend_id
        LEFT JOIN snapshots sy ON sy.run_id = y.run_id AND sy.trend_id = y.trend_id
        WHERE x.run_id = ? AND x.trend_id IS NOT NULL
        """,
        [b, a],
    ).fetchall()
    n = len(rows)
    return {
        "documents": n,
        "kept_id": sum(bool(r[0]) for r in rows) / n,
        "kept_raw_number": sum(bool(r[1]) for r in rows) / n,
        "still_in_a_trend": sum(bool(r[2]) for r in rows) / n,
    }


def copy_store(source: Path, target: Path) -> Path:
    """The store file and the detector its last run saved beside it."""
    shutil.copyfile(source, target)
    shutil.copytree(Path(f"{source}.detectors"), Path(f"{target}.detectors"))
    return target


def warm_cache(month: Path) -> None:
    """Put the texts of ``month`` in the embedding cache the job reads (``$TRENDLENS_CACHE_DIR``)."""
    from trendlens import get_embedder, load_corpus
    from trendlens.embed.cache import cached

    cached(get_embedder("minilm", show_progress=False)).encode(load_corpus(month).texts)


def add_month(store_path: Path, month: Path, mode: str) -> dict:
    """One run of ``mode`` adding ``month``: seconds, events and the stability against the run before."""
    began = time.perf_counter()
    result = run_job(store_path, [month], JobConfig(mode=mode), show_progress=False)
    seconds = time.perf_counter() - began
    with TrendStore(store_path, read_only=True) as store:
        stable = stability(store, result.run_id - 1, result.run_id)
    return {
        **stable,
        "compared_documents": stable["documents"],  # in a trend in the run before
        "mode": result.mode,
        "month": month.stem,
        "seconds": seconds,
        "documents": result.n_documents,
        "new_documents": result.n_new,
        "trends": result.n_trends,
        "outliers": result.n_outliers,
        "events": dict(collections.Counter(e.event for e in result.events)),
        "timings": result.timings,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--initial", type=int, default=12, help="months ingested by run 0")
    parser.add_argument("--runs", type=int, default=12, help="monthly runs after run 0")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        months = month_files(folder)
        store_path = folder / "trends.duckdb"
        config = JobConfig(mode="full")
        runs = []
        first = time.perf_counter()
        result = run_job(store_path, months[: args.initial], config, show_progress=False)
        first_seconds = time.perf_counter() - first
        runs.append(
            {"run": 0, "months": f"{months[0].stem}..{months[args.initial - 1].stem}", "seconds": first_seconds}
        )
        for k in range(args.runs):
            began = time.perf_counter()
            result = run_job(store_path, [months[args.initial + k]], config, show_progress=False)
            seconds = time.perf_counter() - began
            events = collections.Counter(e.event for e in result.events)
            with TrendStore(store_path, read_only=True) as store:
                stable = stability(store, result.run_id - 1, result.run_id)
            runs.append(
                {
                    "run": result.run_id,
                    "month": months[args.initial + k].stem,
                    "seconds": seconds,
                    "documents": result.n_documents,
                    "trends": result.n_trends,
                    "outliers": result.n_outliers,
                    "events": dict(events),
                    **stable,
                }
            )
            print(
                f"run {result.run_id} ({months[args.initial + k].stem}): {result.n_documents} docs, "
                f"{result.n_trends} trends, kept id {stable['kept_id']:.3f}, "
                f"raw number {stable['kept_raw_number']:.3f}, "
                f"{dict(events)}, {seconds:.0f} s",
                flush=True,
            )
        began = time.perf_counter()
        again_full = run_job(store_path, [], config, show_progress=False)
        full_seconds = time.perf_counter() - began
        began = time.perf_counter()
        again_auto = run_job(store_path, [], JobConfig(mode="auto"), show_progress=False)
        auto_seconds = time.perf_counter() - began
        with TrendStore(store_path, read_only=True) as store:
            rerun_stable = stability(store, again_full.run_id - 1, again_full.run_id)
        following = months[args.initial + args.runs]
        warm_cache(following)
        added = {
            mode: add_month(copy_store(store_path, folder / f"{mode}.duckdb"), following, mode)
            for mode in ("full", "incremental")
        }
        for mode, row in added.items():
            print(f"next month by a {mode} run: kept id {row['kept_id']:.3f}, {row['events']}, {row['seconds']:.0f} s")
    monthly = runs[1:]
    summary = {
        "corpus": "corpora/huffpost.jsonl.gz, one file per month",
        "mode": "full refit every run, window = all stored documents",
        "initial_months": args.initial,
        "monthly_runs": args.runs,
        "mean_kept_id": statistics.mean(r["kept_id"] for r in monthly),
        "min_kept_id": min(r["kept_id"] for r in monthly),
        "mean_kept_raw_number": statistics.mean(r["kept_raw_number"] for r in monthly),
        "mean_still_in_a_trend": statistics.mean(r["still_in_a_trend"] for r in monthly),
        "first_run_seconds": first_seconds,
        "rerun_no_new_full_seconds": full_seconds,
        "rerun_no_new_full_ratio": full_seconds / first_seconds,
        "rerun_no_new_full_embedded": again_full.n_embedded,
        "rerun_no_new_full_kept_id": rerun_stable["kept_id"],
        "rerun_no_new_auto_mode": again_auto.mode,
        "rerun_no_new_auto_seconds": auto_seconds,
        "rerun_no_new_auto_ratio": auto_seconds / first_seconds,
        "next_month_full": added["full"],
        "next_month_incremental": added["incremental"],
        "next_month_incremental_to_full_ratio": added["incremental"]["seconds"] / added["full"]["seconds"],
        "next_month_incremental_to_first_run_ratio": added["incremental"]["seconds"] / first_seconds,
        "runs": runs,
    }
    save_result("job", summary)
    print(json.dumps({k: v for k, v in summary.items() if k != "runs"}, indent=2, default=str))


if __name__ == "__main__":
    main()
