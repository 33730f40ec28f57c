"""Does a trend's engagement component track engagement it was not computed from, and does exposure bias it?

    python scripts/engagement_validation.py [--out benchmarks/results/engagement.json]

The Bluesky migration posts (``corpora/bluesky_migration.jsonl.gz``) carry likes, reposts and
replies read once, about April 2025 (corpora/README.md); every record is given
``collected_at = 2025-04-25`` (the day after the last post). The corpus is fitted with the
defaults on **likes only** (reposts, replies and quotes removed), so the trends are the ones a
user gets. Then, per trend (10 documents or more):

* ``likes``: the mean robust z-score of its documents' likes (the engagement component's input);
* ``held_out``: the same of reposts + replies, which the fit never saw;
* ``exposure_days``: the median time its documents had been out when counted.

Both z-scores are taken two ways: against each source's posts (trendlens before exposure
buckets), and against the posts of the same source *and* exposure bucket (the default now,
:func:`trendlens.signals.stats.exposure_groups`). Reported: the Spearman correlation across trends
of ``likes`` with ``held_out`` (does the component track other engagement?) and of ``likes`` with
``exposure_days`` (does it just reward old trends?).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpora" / "bluesky_migration.jsonl.gz"
COLLECTED = "2025-04-25T00:00:00Z"
MIN_DOCUMENTS = 10


def main() -> None:
    from scipy.stats import spearmanr

    from trendlens import TrendDetector, load_corpus
    from trendlens.signals.stats import exposure_groups, robust_engagement

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "engagement.json")
    args = parser.parse_args()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as handle:
        records = [json.loads(line) for line in handle]
    held = {r["id"]: float((r.get("shares") or 0) + (r.get("comments") or 0)) for r in records}
    likes_only = [
        {k: v for k, v in r.items() if k not in ("shares", "comments", "quotes")} | {"collected_at": COLLECTED}
        for r in records
    ]
    detector = TrendDetector(show_progress=False).fit(load_corpus(likes_only))
    docs, _ = detector._signal_inputs
    labels = np.asarray(docs.labels)
    likes = np.asarray(docs.engagement, dtype=float)
    other = np.array([held[d.id] for d in detector.corpus_])
    exposure_days = np.asarray(docs.exposure, dtype=float) / 86_400.0
    trends = [t for t in np.unique(labels[labels >= 0]) if (labels == t).sum() >= MIN_DOCUMENTS]
    result: dict = {
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "corpus": str(CORPUS.relative_to(ROOT)),
        "collected_at": COLLECTED,
        "fitted_on": "likes only",
        "held_out": "reposts + replies",
        "trends": len(trends),
        "documents": len(labels),
    }
    for name, exposure in (("per_source", None), ("per_source_and_exposure", docs.exposure)):
        groups = exposure_groups(docs.sources, exposure)
        z_likes = robust_engagement(likes, groups)
        z_other = robust_engagement(other, groups)
        members = [labels == t for t in trends]
        per_trend = np.array(
            [[np.nanmean(z_likes[m]), np.nanmean(z_other[m]), np.nanmedian(exposure_days[m])] for m in members]
        )
        result[name] = {
            "spearman_likes_vs_held_out": round(float(spearmanr(per_trend[:, 0], per_trend[:, 1]).statistic), 4),
            "spearman_likes_vs_exposure": round(float(spearmanr(per_trend[:, 0], per_trend[:, 2]).statistic), 4),
            "groups": int(len(set(groups.tolist()))),
        }
        print(name, result[name])
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n", encoding="utf-8")
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
