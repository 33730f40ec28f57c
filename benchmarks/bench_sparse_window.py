"""The ranking of a corpus whose last window is nearly empty: the Bluesky migration posts cut on a Wednesday.

Prints the top 10 consumer trends and sub trends, and, among the 20 largest sub trends (and consumer
trends), the share of the corpus covered by the first 10 of them in the report's order. Run it on two
checkouts to compare::

    PYTHONPATH=$PWD python benchmarks/bench_sparse_window.py --cut 2025-04-02 --window auto
"""

from __future__ import annotations

import argparse
import gzip
import json
from pathlib import Path

CORPUS = Path(__file__).resolve().parents[1] / "corpora" / "bluesky_migration.jsonl.gz"


def top10_share(table, n_documents: int) -> float:
    """Share of the corpus in the first 10, in the report's order (``table`` is ranked), of its 20 largest rows."""
    largest = table.sort_values("size", ascending=False, kind="stable").head(20).index
    ranked = table[table.index.isin(largest)].head(10)
    return float(ranked["size"].sum() / n_documents)


def main() -> None:
    from trendlens import TrendDetector, load_corpus

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cut", default="2025-04-02", help="keep the posts before this date (a Wednesday)")
    parser.add_argument("--window", default="auto")
    args = parser.parse_args()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as f:
        records = [r for r in map(json.loads, f) if str(r["timestamp"]) < args.cut]
    corpus = load_corpus(records)
    det = TrendDetector(embedder="minilm-onnx", signals={"window": args.window}, show_progress=False).fit(corpus)
    n = len(corpus)
    print(f"{n} posts before {args.cut}; window {det.window_}")
    for name, table in (("consumer trends", det.consumer_trends_), ("sub trends", det.trends_)):
        print(f"\n## top 10 {name}")
        print("| # | label | size | virality | stage | growth | ranked window |")
        print("|---|---|---|---|---|---|---|")
        for k, (_, row) in enumerate(table.head(10).iterrows(), start=1):
            ranked = row.get("ranked_window", "latest")
            print(
                f"| {k} | {str(row['label'])[:50]} | {row['size']} | {row['virality']:.1f} | {row['lifecycle']} "
                f"| {row['growth']:.2f} | {ranked} |"
            )
        share = top10_share(table, n)
        print(f"share of the corpus in the first 10 (report order) of the 20 largest {name}: {share:.3f}")


if __name__ == "__main__":
    main()
