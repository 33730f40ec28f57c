"""Topic quality of trendlens against plain BERTopic on the shared labelled corpora (see trendlens.eval.topics).

Embeds each corpus once with all-MiniLM-L6-v2 (through the on-disk embedding cache),
clusters it with both systems and two seeds, and merges the scores into
``benchmarks/results/evaluation.json`` under the corpus name.

    python benchmarks/bench_eval.py [--corpus bbc 20newsgroups trump huffpost] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import RESULTS, read_records  # noqa: E402
from trendlens.embed import get_embedder  # noqa: E402
from trendlens.embed.cache import CachedEmbedder  # noqa: E402
from trendlens.eval.topics import evaluate  # noqa: E402

#: corpus name in results → (file under ../shared/corpora or corpora/, label field or None)
CORPORA = {
    "bbc": ("bbc", "category"),
    "20newsgroups": ("20newsgroups", "category"),
    "trump": ("trump_tweets", None),
    "huffpost": ("huffpost", "category"),
}


def load(name: str, limit: int | None) -> tuple[list[str], list | None]:
    file, label = CORPORA[name]
    if name == "huffpost":
        import gzip

        with gzip.open(ROOT / "corpora" / "huffpost.jsonl.gz", "rt", encoding="utf-8") as handle:
            records = [json.loads(line) for line in handle]
    else:
        records = read_records(file)
    if limit and len(records) > limit:
        keep = np.random.default_rng(0).permutation(len(records))[:limit]
        records = [records[i] for i in sorted(keep)]
    texts = [r["text"] for r in records]
    return texts, ([r[label] for r in records] if label else None)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", nargs="+", default=["bbc"], choices=sorted(CORPORA))
    parser.add_argument("--limit", type=int, default=None, help="a seeded sample of at most N documents")
    args = parser.parse_args()
    path = RESULTS / "evaluation.json"
    results = json.loads(path.read_text(encoding="utf-8")) if path.exists() else {}
    embedder = CachedEmbedder(get_embedder("minilm", show_progress=False))
    for name in args.corpus:
        began = time.perf_counter()
        texts, classes = load(name, args.limit)
        embeddings = np.asarray(embedder.encode(texts), dtype=np.float32)
        scores = evaluate(texts, embeddings, classes)
        results[name] = {
            "documents": len(texts),
            "measured": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "seconds": round(time.perf_counter() - began, 1),
            **scores,
        }
        print(name, json.dumps(results[name], indent=2), flush=True)
    RESULTS.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
