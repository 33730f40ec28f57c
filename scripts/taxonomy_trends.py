"""Fit trendlens on seeded samples of the bundled corpora and write their trends, unplaced, for judging.

    python scripts/taxonomy_trends.py --out /tmp/trends.jsonl [--judge-view /tmp/judge.txt]

Each output line is one trend (a fine cluster) of one corpus sample: the corpus, the sample
(seed and size), the trend id, its label and keywords, its size, the ids of its example
documents (the ones the detector passes to the mapper) and of all its members, and its
consumer-trend group. The fit runs with ``taxonomy=None``, so nothing about the mapper's
answer is written: the trends can be judged from their documents alone. ``--judge-view``
writes, per trend, its keywords and its most central and some random member texts.
The labelled set ``benchmarks/data/taxonomy_judgements.jsonl`` was built from this output
(method in docs/taxonomy.md).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from benchmarks.common import read_records  # noqa: E402

SEED = 0
#: Corpus → documents sampled (None: all).
SAMPLES = {
    "huffpost": 3000,
    "bbc": None,
    "trump_tweets": 3000,
    "crisislex_dev": 3000,
    "bluesky_migration": None,
    "threads_launch_reviews": 3000,
    "20newsgroups": 3000,
}


def sample_records(name: str, n: int | None, seed: int = SEED) -> list[dict]:
    """A seeded sample of a bundled corpus, in the file's order (all records when ``n`` is None)."""
    records = read_records(name)
    if n is None or n >= len(records):
        return records
    keep = np.sort(np.random.default_rng(seed).permutation(len(records))[:n])
    return [records[i] for i in keep]


def fit_trends(name: str, n: int | None, embedder: str) -> tuple[list[dict], dict[str, str]]:
    """The trends of one corpus sample as plain records, and the sample's texts by id."""
    from trendlens import TrendDetector, load_corpus

    records = sample_records(name, n)
    corpus = load_corpus(records)
    det = TrendDetector(embedder=embedder, taxonomy=None, show_progress=False).fit(corpus)
    ids = np.array([d.id for d in corpus], dtype=object)
    out = []
    for trend, row in det.trends_.sort_index().iterrows():
        members = np.flatnonzero(det.labels_ == trend)
        group = det.groups_[trend]
        out.append(
            {
                "corpus": name,
                "sample": {"seed": SEED, "n": n},
                "trend": int(trend),
                "label": row["label"],
                "keywords": list(row["keywords"]),
                "size": int(row["size"]),
                "example_ids": list(row["example_ids"]),
                "central_ids": [str(ids[i]) for i in det._by_centrality(members)[:12]],
                "member_ids": [str(ids[i]) for i in members],
                "group": int(group.id),
                "group_members": [int(m) for m in group.members],
            }
        )
    return out, {d.id: d.text for d in corpus}


def judge_view(trend: dict, texts: dict[str, str], rng: np.random.Generator) -> str:
    """What the judge reads: keywords, central documents and a few random members (no placement)."""
    others = [i for i in trend["member_ids"] if i not in trend["central_ids"]]
    random_ids = list(rng.choice(others, size=min(5, len(others)), replace=False)) if others else []
    lines = [f"=== {trend['corpus']} #{trend['trend']} ({trend['size']} docs, group {trend['group']})"]
    lines.append("keywords: " + ", ".join(trend["keywords"]))
    for tag, chosen in (("C", trend["central_ids"][:10]), ("R", random_ids)):
        lines += [f"  {tag} {' '.join(texts[i].split())[:240]}" for i in chosen]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--judge-view", type=Path)
    parser.add_argument("--embedder", default="minilm")
    parser.add_argument("--corpora", nargs="*", default=list(SAMPLES))
    args = parser.parse_args()
    rng = np.random.default_rng(SEED)
    views = []
    with args.out.open("w", encoding="utf-8") as handle:
        for name in args.corpora:
            trends, texts = fit_trends(name, SAMPLES[name], args.embedder)
            print(f"{name}: {len(trends)} trends", flush=True)
            for trend in trends:
                handle.write(json.dumps(trend, ensure_ascii=False) + "\n")
                views.append(judge_view(trend, texts, rng))
    if args.judge_view:
        args.judge_view.write_text("\n\n".join(views) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
