"""Peak memory of ingest + embed at two corpus sizes, with the same settings: does it grow with the corpus?

    python benchmarks/bench_memory.py [--sizes 10000 50000] [--tiers minilm-static minilm-onnx]

The texts are the records of all five bundled corpora, shuffled with a fixed seed; the first
10,000 and the first 50,000 are written to two JSON-lines files, so both sizes are the same
mixture of headlines, tweets and newsgroup posts. Each measurement runs in its own process
and reports that process's peak RSS:

- ``baseline``: the process with trendlens imported and the embedder loaded, no documents:
  the floor every other figure sits on;
- ``streamed``: :func:`trendlens.corpus.iter_documents` (validation, de-duplication) feeding
  :func:`trendlens.embed.save_embeddings` in chunks of 2,048 into a ``.npy`` file: the
  bounded path;
- ``in_memory``: :func:`trendlens.load_corpus` then ``encode`` of all texts, what
  ``TrendDetector.fit`` does today: it holds the corpus and every vector.

Writes benchmarks/results/memory.json and the table in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from benchmarks.common import (  # noqa: E402
    BENCH_SEED,
    machine,
    peak_rss_mb,
    put_table,
    read_records,
    run_worker,
    save_result,
)

CHUNK = 2048
CORPORA = ("huffpost", "20newsgroups", "bbc", "trump_tweets", "crisislex_dev")


def worker(spec: dict) -> dict:
    """One measurement, in this (fresh) process."""
    from trendlens.corpus import iter_documents, load_corpus
    from trendlens.embed import get_embedder, save_embeddings

    embedder = get_embedder(spec["tier"], show_progress=False)
    embedder.encode(["warm up the model"])
    start = time.perf_counter()
    if spec["mode"] == "baseline":
        rows = 0
    elif spec["mode"] == "streamed":
        texts = (d.text for d in iter_documents(spec["source"]))
        rows = save_embeddings(embedder, texts, spec["out"], chunk_size=CHUNK)
    else:
        corpus = load_corpus(spec["source"])
        vectors = embedder.encode(corpus.texts)
        np.save(spec["out"], vectors)
        rows = len(vectors)
    return {"docs": rows, "seconds": round(time.perf_counter() - start, 1), "peak_rss_mb": round(peak_rss_mb(), 1)}


def write_sources(sizes: list[int], folder: Path) -> dict[int, Path]:
    """The first ``size`` records of one seeded shuffle of all bundled corpora, per size, as JSON lines."""
    records = [
        {"id": f"{name}-{i}", "text": r["text"], "timestamp": r.get("timestamp")}
        for name in CORPORA
        for i, r in enumerate(read_records(name))
    ]
    order = np.random.default_rng(BENCH_SEED).permutation(len(records))
    paths = {}
    for size in sizes:
        if size > len(records):
            raise SystemExit(f"only {len(records)} records in the bundled corpora, asked for {size}")
        paths[size] = folder / f"mix{size}.jsonl"
        with open(paths[size], "w", encoding="utf-8") as handle:
            for i in order[:size]:
                handle.write(json.dumps(records[i]) + "\n")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs=2, default=[10_000, 50_000])
    parser.add_argument("--tiers", nargs="+", default=["minilm-static", "minilm-onnx"])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return

    tmp = Path(tempfile.mkdtemp(prefix="trendlens-memory-"))
    sources = write_sources(args.sizes, tmp)
    small, large = args.sizes
    tiers: dict[str, dict] = {}
    for tier in args.tiers:
        print(f"[bench] {tier}: baseline ...", flush=True)
        run_worker(
            __file__, {"tier": tier, "mode": "baseline"}
        )  # builds the model first where it is built on first use
        entry: dict = {"baseline": run_worker(__file__, {"tier": tier, "mode": "baseline"})}
        for mode in ("streamed", "in_memory"):
            entry[mode] = {}
            for size in args.sizes:
                print(f"[bench] {tier}: {mode}, {size} documents ...", flush=True)
                spec = {"tier": tier, "mode": mode, "source": str(sources[size]), "out": str(tmp / "v.npy")}
                entry[mode][str(size)] = run_worker(__file__, spec)
            peaks = [entry[mode][str(s)]["peak_rss_mb"] for s in (small, large)]
            floor = entry["baseline"]["peak_rss_mb"]
            entry[mode]["peak_ratio"] = round(peaks[1] / peaks[0], 3)
            entry[mode]["growth_mb"] = round(peaks[1] - peaks[0], 1)
            entry[mode]["above_baseline_mb"] = [round(p - floor, 1) for p in peaks]
        tiers[tier] = entry
    result = {
        "sizes": args.sizes,
        "chunk_size": CHUNK,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "command": "make bench  (python benchmarks/bench_memory.py)",
        "tiers": tiers,
    }
    save_result("memory", result)
    write_table(result)
    print(json.dumps(result, indent=2))


def write_table(result: dict) -> None:
    small, large = (str(s) for s in result["sizes"])
    rows = [
        f"| tier | path | peak RSS, {int(small):,} docs (MB) | peak RSS, {int(large):,} docs (MB) | ratio | "
        f"growth (MB) | s, {int(large):,} docs |",
        "|---|---|---|---|---|---|---|",
    ]
    for tier, entry in result["tiers"].items():
        rows.append(
            f"| {tier} | baseline (model loaded, no documents) | {entry['baseline']['peak_rss_mb']:.0f} | | | | |"
        )
        for mode in ("streamed", "in_memory"):
            m = entry[mode]
            peaks = f"{m[small]['peak_rss_mb']:.0f} | {m[large]['peak_rss_mb']:.0f}"
            rows.append(
                f"| {tier} | {mode.replace('_', ' ')} | {peaks} | "
                f"{m['peak_ratio']:.2f} | {m['growth_mb']:+.0f} | {m[large]['seconds']:.0f} |"
            )
    table = "\n".join(rows) + f"\n\nMeasured {result['created']} on {result['machine']['cpus']} CPUs.\n"
    put_table("memory-table", table, "## Ingest and embedding memory (`bench_memory.py`)")


if __name__ == "__main__":
    main()
