"""Packets for a blind judgement of trendlens's report: per trend, a random sample of its documents and
the three claims the report makes of it (name, placement, top driver).

    python scripts/judgement_packets.py bbc 7 --out /tmp/judge

Fits the bundled corpus ``corpora/<name>.jsonl.gz`` with the defaults, writes its report
(``<name>.md``, ``<name>.json``) and ``<name>.packets.json``: the first two consumer trends of
several sub trends and a seeded random choice of the other consumer trends and sub trends,
``n`` in all (``--seed``: another choice). Each packet holds up to 15 of the trend's documents
drawn at random (seeded by the trend id), never the report's own examples, so a judge reads the trend, not the evidence
trendlens chose. ``--detector DIR`` loads a fit saved with ``TrendDetector.save`` (of the same corpus)
instead of fitting again: the same fit judged after a change to the report. The method and the results
are in docs/judgement.md.
"""

from __future__ import annotations

import argparse
import json
import random
from pathlib import Path

import numpy as np

from trendlens import TrendDetector, load_corpus
from trendlens.report.markdown import render_markdown

ROOT = Path(__file__).resolve().parents[1]
DOCUMENTS = 15


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", help="a bundled corpus: corpora/<corpus>.jsonl.gz")
    parser.add_argument("n", type=int, help="packets to write")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--detector", type=Path, help="a saved fit of the corpus, used instead of fitting")
    parser.add_argument("--seed", type=int, default=0, help="seed of the choice of trends after the first two")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.detector:
        detector = TrendDetector.load(args.detector)
        detector.show_progress = False
        corpus = detector.corpus_
    else:
        corpus = load_corpus(ROOT / "corpora" / f"{args.corpus}.jsonl.gz")
        detector = TrendDetector(show_progress=False).fit(corpus)
    report = detector.report()
    (args.out / f"{args.corpus}.md").write_text(render_markdown(report), encoding="utf-8")
    data = report.to_dict()
    (args.out / f"{args.corpus}.json").write_text(json.dumps(data), encoding="utf-8")
    groups = detector._group_labels
    entries = [("consumer trend", g, groups == g["id"]) for g in data["consumer_trends"] if g["n_members"] > 1]
    entries += [("trend", t, detector.labels_ == t["id"]) for t in data["trends"]]
    picked = entries[:2] + random.Random(args.seed).sample(entries[2:], min(args.n - 2, len(entries) - 2))
    packets = []
    for kind, trend, mask in picked:
        rows = np.flatnonzero(mask).tolist()
        sample = sorted(random.Random(trend["id"]).sample(rows, min(DOCUMENTS, len(rows))))
        drivers = (trend.get("insight") or {}).get("drivers") or []
        top = drivers[0] if drivers else None
        packets.append(
            {
                "corpus": args.corpus,
                "kind": kind,
                "id": trend["id"],
                "size": trend["size"],
                "name": trend["label"],
                "keywords": trend["keywords"][:8],
                "placement": trend.get("hierarchy"),
                "top_driver": None if top is None else {k: top.get(k) for k in ("text", "source", "title")},
                "documents": [corpus[i].text[:300] for i in sample],
            }
        )
    path = args.out / f"{args.corpus}.packets.json"
    path.write_text(json.dumps(packets, indent=1, ensure_ascii=False), encoding="utf-8")
    print(f"{args.corpus}: {len(data['trends'])} trends, {len(data['consumer_trends'])} consumer trends; {path}")


if __name__ == "__main__":
    main()
