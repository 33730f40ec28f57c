"""Embedding speed: trendlens's MiniLM backend against plain sentence-transformers, same run.

Usage: python benchmarks/bench_embedding.py [--n 2000]
Writes benchmarks/results/embedding.json. Figures are ratios against the baseline measured
in the same run, because shared machines are noisy.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import time
from pathlib import Path

os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

HERE = Path(__file__).resolve().parent
CORPUS = HERE.parent.parent / "shared" / "corpora" / "20newsgroups.jsonl.gz"


def load_texts(n: int) -> list[str]:
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        return [json.loads(line)["text"] for _, line in zip(range(n), handle)]


def timed(fn, *args):
    start = time.perf_counter()
    value = fn(*args)
    return value, time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="documents to embed")
    args = parser.parse_args()
    texts = load_texts(args.n)

    from sentence_transformers import SentenceTransformer

    from trendlens.embed import get_embedder
    from trendlens.embed.resolve import resolve_minilm

    baseline_model = SentenceTransformer(str(resolve_minilm()), device="cpu")
    base_vectors, base_s = timed(baseline_model.encode, texts)
    ours = get_embedder("minilm", show_progress=False)
    our_vectors, our_s = timed(ours.encode, texts)
    cos = float((our_vectors * (base_vectors / (abs(base_vectors) ** 2).sum(1, keepdims=True) ** 0.5)).sum(1).mean())
    result = {
        "corpus": "20newsgroups",
        "n_docs": len(texts),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
        "baseline": {"docs_per_s": len(texts) / base_s},
        "minilm": {
            "docs_per_s": len(texts) / our_s,
            "speedup_vs_baseline": base_s / our_s,
            "mean_cosine_to_baseline": cos,
        },
    }
    out = HERE / "results" / "embedding.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
