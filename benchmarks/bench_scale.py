"""Scale: trendlens end to end at 10k, 100k and 300k documents, and plain BERTopic on the same 100k.

    python benchmarks/bench_scale.py [--sizes 10000 100000 300000] [--tier minilm-static]

The documents are sentences of the five bundled corpora (cut after . ! ? ; : and at paragraph
breaks, at least three words, exact duplicates dropped: 308,114), shuffled with a fixed seed;
each size is the first N of them, with the timestamp of the document each sentence came from.
Every measurement runs in its own process and reports its wall time and peak RSS:

- ``<size>``: ``trendlens`` end to end: ``load_corpus`` → ``TrendDetector(embedder=<tier>).fit``
  (clustering fitted on a 50,000-document time-stratified sample, the rest assigned, the
  vectors of a corpus larger than the sample kept on disk) → ``report(top=10)``;
- ``fit_sample_10000``: the same with ``fit_sample=10_000`` at every size, so that only the
  corpus grows (at 10,000 documents both settings cluster every document: one run);
- ``trendlens_clustering_100000`` and ``bertopic_100000``: the clustering and assignment only,
  both given the same precomputed embeddings of the 100k documents: ``TrendDetector.fit(...,
  embeddings=...)`` against plain ``BERTopic().fit_transform(texts, embeddings)`` (UMAP seeded).

Writes benchmarks/results/scale.json and the table in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

from benchmarks.common import BENCH_SEED, finish, peak_rss_mb, put_table, read_records, run_worker  # noqa: E402

CORPORA = ("huffpost", "20newsgroups", "bbc", "trump_tweets", "crisislex_dev")
#: Where a text is cut into pieces: after . ! ? ; : and at paragraph breaks (308,114 pieces of 3+ words).
_PIECE_END = re.compile(r"(?<=[.!?;:])\s+|\n\s*\n")


def sentences() -> list[dict]:
    """Every sentence (or clause) of at least three words in the bundled corpora, once, with its document's time."""
    seen: set[str] = set()
    out = []
    for name in CORPORA:
        for record in read_records(name):
            for piece in _PIECE_END.split(record["text"]):
                sentence = " ".join(piece.split())
                key = sentence.casefold()
                if len(sentence.split()) >= 3 and key not in seen:
                    seen.add(key)
                    out.append({"text": sentence, "timestamp": record.get("timestamp")})
    return out


def worker(spec: dict) -> dict:
    start = time.perf_counter()
    if spec["mode"] == "bertopic":
        from bertopic import BERTopic
        from umap import UMAP

        with open(spec["source"], encoding="utf-8") as handle:
            texts = [json.loads(line)["text"] for line in handle]
        embeddings = np.load(spec["embeddings"])
        umap = UMAP(n_neighbors=15, n_components=5, min_dist=0.0, metric="cosine", random_state=42)
        topics, _ = BERTopic(umap_model=umap).fit_transform(texts, embeddings)
        labels = np.asarray(topics)
        detail = {"topics": len(set(labels[labels >= 0].tolist())), "outliers": float(np.mean(labels < 0))}
    else:
        from trendlens import TrendDetector, load_corpus

        corpus = load_corpus(spec["source"])
        det = TrendDetector(
            embedder=spec["tier"], show_progress=False, embedding_cache=False, fit_sample=spec.get("fit_sample", 50_000)
        )
        if spec["mode"] == "clustering":
            det.fit(corpus, embeddings=np.load(spec["embeddings"]))
        else:
            det.fit(corpus)
            det.report(top=10)
        detail = {"topics": len(det.trends_), "outliers": float(np.mean(det.labels_ < 0))}
    return {"seconds": round(time.perf_counter() - start, 1), "peak_rss_mb": round(peak_rss_mb(), 1), **detail}


def end_to_end(tier: str, source: Path, size: int, **settings: int) -> dict:
    """One end-to-end run of ``size`` documents in its own process, with its throughput (or its error)."""
    stats = run_worker(
        __file__, {"mode": "end_to_end", "tier": tier, "source": str(source), **settings}, record_failure=True
    )
    if "seconds" in stats:
        stats["docs_per_s"] = round(size / stats["seconds"], 1)
    return stats


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000, 300_000])
    parser.add_argument("--tier", default="minilm-static", help="embedding tier (the full model is ~30 docs/s)")
    parser.add_argument("--worker", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker:
        print(json.dumps(worker(json.loads(args.worker))))
        return

    tmp = Path(tempfile.mkdtemp(prefix="trendlens-scale-"))
    pool = sentences()
    order = np.random.default_rng(BENCH_SEED).permutation(len(pool))
    print(f"[bench] {len(pool):,} sentences available", flush=True)
    result: dict = {"tier": args.tier, "sentences_available": len(pool)}
    for size in args.sizes:
        if size > len(pool):
            result[str(size)] = {"error": f"only {len(pool)} sentences"}
            continue
        source = tmp / f"s{size}.jsonl"
        with open(source, "w", encoding="utf-8") as handle:
            for i in order[:size]:
                handle.write(json.dumps(pool[i]) + "\n")
        print(f"[bench] trendlens end to end, {size:,} documents ...", flush=True)
        stats = end_to_end(args.tier, source, size)
        result[str(size)] = stats
        fixed = result.setdefault("fit_sample_10000", {})
        if size <= 10_000:
            fixed[str(size)] = stats
        else:
            print(f"[bench] trendlens end to end, {size:,} documents, fit_sample=10,000 ...", flush=True)
            fixed[str(size)] = end_to_end(args.tier, source, size, fit_sample=10_000)
        if size == 100_000:
            from trendlens import get_embedder, load_corpus

            vectors = tmp / "v100k.npy"
            np.save(vectors, get_embedder(args.tier, show_progress=False).encode(load_corpus(source).texts))
            for mode, key in (("clustering", "trendlens_clustering_100000"), ("bertopic", "bertopic_100000")):
                print(f"[bench] {key} ...", flush=True)
                spec = {"mode": mode, "tier": args.tier, "source": str(source), "embeddings": str(vectors)}
                result[key] = run_worker(__file__, spec, record_failure=True)
    finish("scale", result, write_table)


def write_table(result: dict) -> None:
    rows = [
        "| run | documents | seconds | docs/s | peak RSS (MB) | trends | outliers |",
        "|---|---|---|---|---|---|---|",
    ]
    fixed = result.get("fit_sample_10000", {})
    keys = [k for k in result if k.isdigit()] + [f"fit_sample_10000 {k}" for k in fixed if int(k) > 10_000]
    keys += ["trendlens_clustering_100000", "bertopic_100000"]
    for key in keys:
        entry = fixed.get(key.split()[-1], {}) if key.startswith("fit_sample") else result.get(key, {})
        if "error" in entry:
            rows.append(f"| {key} | | failed: {entry['error'][:80]} | | | | |")
        elif entry:
            size = int(key.split()[-1].rsplit("_", 1)[-1])
            rows.append(
                f"| {key} | {size:,} | {entry['seconds']:.0f} | {size / entry['seconds']:.0f} | "
                f"{entry['peak_rss_mb']:.0f} | {entry['topics']} | {entry['outliers']:.1%} |"
            )
    table = "\n".join(rows) + f"\n\nEmbedding tier: {result['tier']}. Measured {result['created']}."
    ratios = [
        f"{name}: {entries['300000']['peak_rss_mb'] / entries['10000']['peak_rss_mb']:.2f}x"
        for name, entries in (("default fit_sample (50,000)", result), ("fit_sample=10,000", fixed))
        if "peak_rss_mb" in entries.get("300000", {}) and "peak_rss_mb" in entries.get("10000", {})
    ]
    if ratios:
        table += " Peak RSS at 300,000 over 10,000 documents: " + "; ".join(ratios) + "."
    table += "\n"
    put_table("scale-table", table, "## Scale (`bench_scale.py`)")


if __name__ == "__main__":
    main()
