"""Fit the taxonomy mapper's softmax temperature on held-out exemplars and measure calibration.

    python scripts/calibrate_taxonomy.py [--out benchmarks/results/calibration.json]

Uses the shipped taxonomy and the ``minilm`` embedder. Besides the temperature, it reports
the best similarity of held-out exemplars beside that of nonsense text (lorem ipsum,
random letter strings, keyboard mash), to help choose ``min_similarity``. A seeded sample
of real HuffPost headlines is scored too, for reference only: a headline has no single
right place in the taxonomy, so it counts neither as a positive nor as a negative.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
import os
import platform
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from trendlens import get_embedder  # noqa: E402
from trendlens.hierarchy import default_taxonomy  # noqa: E402
from trendlens.hierarchy.calibration import calibration_report  # noqa: E402

SEED = 0
N_PER_KIND = 100
N_HEADLINES = 300
HUFFPOST = ROOT / "corpora" / "huffpost.jsonl.gz"
LOREM_TEXT = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore "
    "magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
    "consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
    "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum"
)


def nonsense_texts(n: int = N_PER_KIND, seed: int = SEED) -> dict[str, list[str]]:
    """Three kinds of text nothing in the taxonomy describes, ``n`` of each (seeded)."""
    rng = np.random.default_rng(seed)
    lorem = np.array(LOREM_TEXT.split())
    letters = np.array(list("abcdefghijklmnopqrstuvwxyz"))
    mash = np.array(list("abcdefghijklmnopqrstuvwxyz0123456789#@%&*-_/"))

    def word(alphabet: np.ndarray, low: int, high: int) -> str:
        return "".join(rng.choice(alphabet, int(rng.integers(low, high))))

    return {
        "lorem_ipsum": [" ".join(rng.choice(lorem, int(rng.integers(4, 13)))).capitalize() + "." for _ in range(n)],
        "random_letters": [" ".join(word(letters, 3, 11) for _ in range(int(rng.integers(1, 6)))) for _ in range(n)],
        "keyboard_mash": [" ".join(word(mash, 4, 16) for _ in range(int(rng.integers(1, 4)))) for _ in range(n)],
    }


def huffpost_headlines(n: int = N_HEADLINES, seed: int = SEED) -> list[str]:
    """A seeded sample of the bundled HuffPost headlines."""
    with gzip.open(HUFFPOST, "rt", encoding="utf-8") as handle:
        texts = [json.loads(line)["text"] for line in handle]
    order = np.random.default_rng(seed).permutation(len(texts))[:n]
    return [texts[i] for i in order]


def print_table(report: dict) -> None:
    t = report["temperature"]
    print(f"{report['n_exemplars']} held-out exemplars, {report['n_leaves']} consumer trends, {report['embedder']}")
    print(f"temperature: current {t['current']:g}, fitted {t['fitted']:.4f}")
    print(f"NLL: current {report['nll']['current']:.3f}, fitted {report['nll']['fitted']:.3f}\n")
    print(
        f"| level | nodes | top-1 acc. | mean conf. {t['current']:g} | ECE {t['current']:g} "
        f"| mean conf. fitted | ECE fitted |"
    )
    print("|---|---|---|---|---|---|---|")
    for level, e in report["levels"].items():
        print(
            f"| {level} | {e['n_nodes']} | {e['accuracy']:.3f} | {e['mean_confidence_current']:.3f} "
            f"| {e['ece_current']:.3f} | {e['mean_confidence_fitted']:.3f} | {e['ece_fitted']:.3f} |"
        )
    groups = report["best_similarity"]
    names = list(next(iter(groups.values()))["percentiles"])
    print("\nbest cosine to a consumer trend")
    print("| group | n | " + " | ".join(names) + " |")
    print("|---|---|" + "---|" * len(names))
    for group, g in groups.items():
        print(f"| {group} | {g['n']} | " + " | ".join(f"{g['percentiles'][p]:.3f}" for p in names) + " |")
    thresholds = list(next(iter(groups.values()))["share_at_or_above"])
    print("\nshare with best cosine >= min_similarity (mapped)")
    print("| group | " + " | ".join(thresholds) + " |")
    print("|---|" + "---|" * len(thresholds))
    for group, g in groups.items():
        print(f"| {group} | " + " | ".join(f"{g['share_at_or_above'][x]:.3f}" for x in thresholds) + " |")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "calibration.json")
    args = parser.parse_args()
    embedder = get_embedder("minilm", show_progress=False)
    negatives = nonsense_texts()
    groups = {**negatives, "huffpost_headlines_reference": huffpost_headlines()}
    report = calibration_report(default_taxonomy(), embedder, negatives=groups)
    report = {
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "command": "python scripts/calibrate_taxonomy.py",
        "method": (
            "temperature scaling (Guo et al. 2017) fitted by NLL on leave-one-out exemplar phrases; "
            "ECE with equal-width bins; level confidence = summed probability under the predicted ancestor"
        ),
        "negatives": {name: {"n": len(texts), "examples": texts[:3]} for name, texts in negatives.items()},
        "reference_note": (
            "huffpost_headlines_reference: real headlines with no single right place, neither positive nor negative"
        ),
        **report,
    }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, indent=2) + "\n", encoding="utf-8")
    print_table(report)
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
