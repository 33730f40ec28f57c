"""Build the model files under models/: the ONNX MiniLM tiers and the static MiniLM.

    python scripts/build_models.py [--only onnx|static]

The static model is trained on the bundled corpora (corpora/) minus the
20 Newsgroups documents the embedding benchmark evaluates on, so its benchmark
figures are measured on texts it never saw.
"""

from __future__ import annotations

import argparse
import logging
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.common import newsgroups_benchmark_sample, read_records  # noqa: E402
from trendlens.embed.distill import build_static_model  # noqa: E402
from trendlens.embed.onnx import build_onnx_model, onnx_dirname  # noqa: E402
from trendlens.embed.static import STATIC_DIRNAME  # noqa: E402

TRAINING_CORPORA = ("20newsgroups", "huffpost", "bbc", "trump_tweets", "crisislex_dev")


def training_texts() -> list[str]:
    _, _, held_out = newsgroups_benchmark_sample()
    texts = []
    for name in TRAINING_CORPORA:
        texts += [r["text"] for r in read_records(name) if r["id"] not in held_out]
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", choices=["onnx", "static"], default=None)
    parser.add_argument("--out", type=Path, default=ROOT / "models")
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    if args.only in (None, "onnx"):
        for quantize in (True, False):
            print("built", build_onnx_model(args.out / onnx_dirname(quantize), quantize=quantize))
    if args.only in (None, "static"):
        texts = training_texts()
        print(f"training the static model on {len(texts)} texts")
        print("built", build_static_model(args.out / STATIC_DIRNAME, texts, sources=TRAINING_CORPORA))


if __name__ == "__main__":
    main()
