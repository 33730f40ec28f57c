"""Dask: the embedding stage in this process, and on a LocalCluster of one and of two workers.

    python benchmarks/bench_dask.py [--docs 16384] [--tier minilm]

The texts are the first ``--docs`` sentences of the scale benchmark's pool (sentences of
the five bundled corpora, shuffled with a fixed seed). Each configuration embeds the same
texts with :func:`trendlens.parallel.embed_texts` (no cache, :data:`PARTITION` texts per
piece) after a warm-up that loads the model in every worker, so the times compare the
embedding itself:

- ``local``: this process, the model on every core (the default executor);
- ``dask_1x1`` and ``dask_2x1``: a LocalCluster of 1 and of 2 worker processes, the model
  on one thread in each: the speed-up of 2 workers over 1 is ``dask_1x1 / dask_2x1``;
- ``dask_1x2``: 1 worker whose model uses two threads (what ``workers=1`` gives on 2 cores).

The vectors of every configuration are compared with the local ones (bit for bit).
Writes benchmarks/results/dask.json and the table in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from benchmarks.common import BENCH_SEED, finish, put_table  # noqa: E402

CONFIGS = (("dask_1x1", 1, 1), ("dask_2x1", 2, 1), ("dask_1x2", 1, 2))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=16_384)
    parser.add_argument("--tier", default="minilm", help="embedding tier (default: the full model)")
    args = parser.parse_args()

    from benchmarks.bench_scale import sentences
    from trendlens import get_embedder
    from trendlens.embed.base import available_threads
    from trendlens.parallel import PARTITION, DaskExecutor, embed_texts

    pool = sentences()
    order = np.random.default_rng(BENCH_SEED).permutation(len(pool))
    texts = [pool[i]["text"] for i in order[: args.docs]]
    embedder = get_embedder(args.tier, show_progress=False)
    embed_texts(embedder, texts[:64])  # warm-up
    result: dict = {"tier": args.tier, "docs": len(texts), "partition": PARTITION, "cores": available_threads()}
    print(f"[bench] {len(texts):,} texts, {args.tier}, in this process ...", flush=True)
    start = time.perf_counter()
    reference = embed_texts(embedder, texts)
    result["local"] = {"workers": 0, "threads": available_threads(), "seconds": round(time.perf_counter() - start, 1)}
    for key, workers, threads in CONFIGS:
        print(f"[bench] {key}: {workers} worker(s) x {threads} thread(s) ...", flush=True)
        executor = DaskExecutor(workers=workers, threads=threads)
        try:
            embed_texts(embedder, texts[: 64 * workers], executor, spec=args.tier)  # load the model in the workers
            start = time.perf_counter()
            vectors = embed_texts(embedder, texts, executor, spec=args.tier)
            seconds = time.perf_counter() - start
        finally:
            executor.close()
        result[key] = {
            "workers": workers,
            "threads": threads,
            "seconds": round(seconds, 1),
            "same_vectors": bool(np.array_equal(vectors, reference)),
        }
    for entry in (result[k] for k in ("local", *[c[0] for c in CONFIGS])):
        entry["docs_per_s"] = round(len(texts) / entry["seconds"], 1)
    result["speedup_2_workers_over_1"] = round(result["dask_1x1"]["seconds"] / result["dask_2x1"]["seconds"], 2)
    finish("dask", result, write_table)


def write_table(result: dict) -> None:
    rows = [
        "| embedding stage | workers x model threads | seconds | docs/s | vectors as in this process |",
        "|---|---|---|---|---|",
    ]
    for key in ("local", "dask_1x1", "dask_2x1", "dask_1x2"):
        entry = result[key]
        name = "this process" if key == "local" else "Dask LocalCluster"
        where = f"{entry['workers']} x {entry['threads']}" if entry["workers"] else f"- x {entry['threads']}"
        same = "" if key == "local" else ("yes" if entry["same_vectors"] else "**no**")
        rows.append(f"| {name} | {where} | {entry['seconds']:.0f} | {entry['docs_per_s']:.0f} | {same} |")
    table = (
        "\n".join(rows)
        + f"\n\nSpeed-up of 2 workers over 1 (one model thread each): {result['speedup_2_workers_over_1']:.2f}x. "
        + f"{result['docs']:,} sentences, tier {result['tier']}, {result['cores']} cores. "
        + f"Measured {result['created']}.\n"
    )
    put_table("dask-table", table, "## Dask (`bench_dask.py`)")


if __name__ == "__main__":
    main()
