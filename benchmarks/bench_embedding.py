"""Embedding benchmark: every trendlens tier against plain sentence-transformers, in one run.

    python benchmarks/bench_embedding.py [--n 10000] [--rss-sizes 10000 50000]

Each backend runs in its own subprocess (so its peak RSS is its own) on the same
10,000 20 Newsgroups documents. Reported per backend: docs/s of the encode call,
speed-up against the baseline measured in this run, peak RSS, top-10 neighbour
overlap with the baseline, kNN (k=10) label accuracy and its ratio to the
baseline's. Writes benchmarks/results/embedding.json and the table in
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import sys
import tempfile
import time
from itertools import islice
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from benchmarks.common import (  # noqa: E402
    CORPORA,
    machine,
    newsgroups_benchmark_sample,
    peak_rss_mb,
    put_table,
    run_worker,
    save_result,
)

#: (entry name, registry name, keyword arguments) of the tiers measured.
TIERS = [
    ("minilm", "minilm", {}),
    ("minilm-onnx@256", "minilm-onnx", {"max_seq_length": 256}),
    ("minilm-onnx", "minilm-onnx", {}),
    ("minilm-static", "minilm-static", {}),
]


# -- workers (run in subprocesses) ---------------------------------------------------------
def worker_encode(spec: dict) -> dict:
    texts, _, _ = newsgroups_benchmark_sample(spec["n"])
    start = time.perf_counter()
    if spec["backend"] == "baseline":
        from sentence_transformers import SentenceTransformer

        from trendlens.embed.resolve import resolve_minilm

        model = SentenceTransformer(str(resolve_minilm()), device="cpu")
        loaded = time.perf_counter()
        vectors = model.encode(texts)
    else:
        from trendlens.embed import get_embedder
        from trendlens.embed.cache import CachedEmbedder

        model = get_embedder(spec["backend"], show_progress=False, **spec.get("kwargs", {}))
        if spec.get("cache"):
            model = CachedEmbedder(model, spec["cache"])
        loaded = time.perf_counter()
        vectors = model.encode(texts)
    done = time.perf_counter()
    np.save(spec["out"], np.asarray(vectors, dtype=np.float32))
    return {"encode_s": done - loaded, "load_s": loaded - start, "peak_rss_mb": peak_rss_mb()}


def stream_texts(n: int):
    """Texts of all bundled corpora, read lazily line by line (nothing held in memory)."""
    names = ("20newsgroups", "huffpost", "bbc", "trump_tweets", "crisislex_dev")

    def lines():
        for name in names:
            with gzip.open(CORPORA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
                for line in handle:
                    yield json.loads(line)["text"]

    return islice(lines(), n)


def worker_stream(spec: dict) -> dict:
    from trendlens.embed import get_embedder, save_embeddings

    model = get_embedder(spec["backend"], show_progress=False)
    start = time.perf_counter()
    rows = save_embeddings(model, stream_texts(spec["n"]), spec["out"], spec["n"], chunk_size=2048)
    return {"docs": rows, "encode_s": time.perf_counter() - start, "peak_rss_mb": peak_rss_mb()}


# -- metrics ---------------------------------------------------------------------------------
def neighbours(vectors: np.ndarray, k: int = 10, block: int = 2000) -> np.ndarray:
    """Indices of each row's k nearest other rows by cosine similarity."""
    vectors = vectors / np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)
    result = np.empty((len(vectors), k), dtype=np.int64)
    for start in range(0, len(vectors), block):
        sims = vectors[start : start + block] @ vectors.T
        sims[np.arange(len(sims)), np.arange(start, start + len(sims))] = -np.inf
        top = np.argpartition(-sims, k, axis=1)[:, :k]
        order = np.argsort(-np.take_along_axis(sims, top, axis=1), axis=1)
        result[start : start + block] = np.take_along_axis(top, order, axis=1)
    return result


def knn_accuracy(nbrs: np.ndarray, labels: np.ndarray) -> float:
    """Leave-one-out majority vote of the k neighbours (ties: the nearer label wins)."""
    codes = np.unique(labels, return_inverse=True)[1]
    correct = 0
    for row, idx in enumerate(nbrs):
        votes = np.bincount(codes[idx], weights=1.0 + 1e-3 * np.arange(len(idx), 0, -1), minlength=codes.max() + 1)
        correct += int(votes.argmax() == codes[row])
    return correct / len(nbrs)


def overlap(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.mean([len(set(x) & set(y)) / len(x) for x, y in zip(a, b)]))


# -- main ------------------------------------------------------------------------------------
def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--rss-sizes", type=int, nargs=2, default=[10_000, 50_000])
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        spec = json.loads(args.worker)
        print(json.dumps(worker_stream(spec) if spec.get("stream") else worker_encode(spec)))
        return

    _, labels, _ = newsgroups_benchmark_sample(args.n)
    tmp = Path(tempfile.mkdtemp(prefix="trendlens-bench-"))
    entries: dict[str, dict] = {}

    def measure(name: str, spec: dict) -> np.ndarray:
        spec = {"n": args.n, "out": str(tmp / f"{name}.npy"), **spec}
        print(f"[bench] {name} ...", flush=True)
        stats = run_worker(__file__, spec)
        entries[name] = {"docs_per_s": args.n / stats["encode_s"], **stats}
        return np.load(spec["out"])

    base = measure("baseline", {"backend": "baseline"})
    base_nbrs = neighbours(base)
    base_acc = knn_accuracy(base_nbrs, labels)
    entries["baseline"].update({"knn_accuracy": base_acc, "speedup_vs_baseline": 1.0})
    cache_file = str(tmp / "cache.sqlite")
    for name, backend, kwargs in TIERS:
        spec = {"backend": backend, "kwargs": kwargs, "cache": cache_file if name == "minilm" else None}
        vectors = measure(name, spec)
        nbrs = neighbours(vectors)
        acc = knn_accuracy(nbrs, labels)
        entries[name].update(
            {
                "speedup_vs_baseline": entries["baseline"]["encode_s"] / entries[name]["encode_s"],
                "top10_neighbour_overlap": overlap(nbrs, base_nbrs),
                "knn_accuracy": acc,
                "knn_accuracy_ratio": acc / base_acc,
            }
        )
    # The cached re-run: same texts, same cache file, a fresh process.
    measure("cache", {"backend": "minilm", "cache": cache_file})
    entries["cache"]["speedup_vs_baseline"] = entries["baseline"]["encode_s"] / entries["cache"]["encode_s"]
    entries["cache"]["note"] = "minilm re-run over the same texts, vectors read from the embedding cache"

    rss = {}
    for size in args.rss_sizes:
        print(f"[bench] streaming {size} documents (minilm-static) ...", flush=True)
        rss[str(size)] = run_worker(
            __file__, {"backend": "minilm-static", "stream": True, "n": size, "out": str(tmp / f"stream{size}.npy")}
        )
    small, large = (str(s) for s in args.rss_sizes)
    memory = {
        "backend": "minilm-static",
        "sizes": rss,
        "peak_rss_ratio": rss[large]["peak_rss_mb"] / rss[small]["peak_rss_mb"],
        "note": "texts streamed from the bundled corpora, embeddings appended to a .npy file in chunks of 2048",
    }
    result = {
        "corpus": "20newsgroups",
        "n_docs": args.n,
        "created": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": machine(),
        "command": "make bench  (python benchmarks/bench_embedding.py)",
        "default": default_tier(),
        "backends": entries,
        "memory": memory,
    }
    save_result("embedding", result)
    write_table(result)
    print(json.dumps(result, indent=2))


def default_tier() -> str:
    """The key under ``backends`` of the tier ``TrendDetector()`` uses when given no ``embedder``."""
    import inspect

    from trendlens import TrendDetector

    return str(inspect.signature(TrendDetector).parameters["embedder"].default)


def write_table(result: dict) -> None:
    rows = [
        "| backend | docs/s | speed-up | peak RSS (MB) | top-10 overlap | kNN acc. | kNN ratio |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, e in result["backends"].items():
        shown = f"{name} (default)" if name == result.get("default") else name
        rows.append(
            f"| {shown} | {e['docs_per_s']:.0f} | {e['speedup_vs_baseline']:.1f}× | {e['peak_rss_mb']:.0f} | "
            f"{e.get('top10_neighbour_overlap', float('nan')):.3f} | {e.get('knn_accuracy', float('nan')):.3f} | "
            f"{e.get('knn_accuracy_ratio', float('nan')):.3f} |"
        )
    m = result["memory"]
    sizes = ", ".join(f"{k} docs: {v['peak_rss_mb']:.0f} MB" for k, v in m["sizes"].items())
    table = "\n".join(rows) + (
        f"\n\nStreaming memory ({m['backend']}): {sizes}; ratio {m['peak_rss_ratio']:.2f}.\n"
        f"\nMeasured {result['created']} on {result['machine']['cpus']} CPUs, {result['n_docs']} documents.\n"
    )
    put_table("embedding-table", table)


if __name__ == "__main__":
    main()
