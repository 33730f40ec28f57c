"""Candidate fast MiniLM tiers against the exact one (issue 19, part 4): speed, cosine, trends.

    python scripts/measure_fast_tiers.py --work /tmp/fast-tiers [--routes dyn-s8 dyn-u8-pc ...]

Builds the fused fp32 ONNX model once, then each route's model from it
(``onnxruntime.quantization.quantize_dynamic`` with the route's options). For each
route it reports, on the demo corpus (corpora/huffpost.jsonl.gz, 9,998 headlines):
the mean cosine of a document's vector to the exact tier's, the adjusted Rand index
between the default fit on the route's vectors and on the exact ones (over all
documents and over the documents both put in a trend), and the trend counts; and
docs/s on 2,000 of those headlines against plain ``SentenceTransformer.encode``
(batch 32), interleaved in the same process (median of two rounds). The results
are the table in docs/evaluation.md ("Which tier is the default").
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import shutil
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ["HF_HUB_OFFLINE"] = "1"
os.environ["TRANSFORMERS_OFFLINE"] = "1"

#: route → quantize_dynamic options; node lists are filled in from the fused graph.
ROUTES: dict[str, dict] = {
    "fp32": {},
    "dyn-s8": {"weight_type": "s8"},
    "dyn-s8-rr": {"weight_type": "s8", "reduce_range": True},
    "dyn-s8-pc": {"weight_type": "s8", "per_channel": True},
    "dyn-s8-pc-rr": {"weight_type": "s8", "per_channel": True, "reduce_range": True},
    "dyn-u8": {"weight_type": "u8"},
    "dyn-u8-pc": {"weight_type": "u8", "per_channel": True},
    "dyn-s8-mm": {"weight_type": "s8", "op_types_to_quantize": ["MatMul", "Attention"]},
    "dyn-s8-ffn": {"weight_type": "s8", "nodes": "ffn"},
    "dyn-s8-pc-rr-nolast": {"weight_type": "s8", "per_channel": True, "reduce_range": True, "exclude": "last"},
    "dyn-u8-pc-noatt": {"weight_type": "u8", "per_channel": True, "exclude": "attention"},
    "dyn-u8-pc-noffnout": {"weight_type": "u8", "per_channel": True, "exclude": "ffn_out"},
    "dyn-u8-pc-inter": {"weight_type": "u8", "per_channel": True, "nodes": "intermediate"},
}


def node_groups(model_path: Path) -> dict[str, list[str]]:
    import onnx

    names = [n.name for n in onnx.load(str(model_path)).graph.node]
    matmuls = [n for n in names if n.endswith("MatMul")]
    return {
        "attention": [n for n in names if n.startswith("Attention_")],
        "ffn_out": [n for n in matmuls if "/output/dense" in n and "attention" not in n],
        "intermediate": [n for n in matmuls if "intermediate" in n],
        "ffn": [n for n in matmuls if "attention" not in n],
        "last": [n for n in names if "layer.5" in n] + ["Attention_5"],
    }


def build_route(work: Path, route: str) -> Path:
    from onnxruntime.quantization import QuantType, quantize_dynamic

    from trendlens.embed.onnx import build_onnx_model
    from trendlens.embed.resolve import sha256_file

    fp32 = work / "fp32"
    if not fp32.exists():
        build_onnx_model(fp32, quantize=False)
    out = work / route
    if route == "fp32" or (out / "model.onnx").exists():
        return out
    opts = dict(ROUTES[route])
    groups = node_groups(fp32 / "model.onnx")
    kwargs = {"weight_type": QuantType.QInt8 if opts.pop("weight_type") == "s8" else QuantType.QUInt8}
    if "nodes" in opts:
        kwargs["nodes_to_quantize"] = groups[opts.pop("nodes")]
    if "exclude" in opts:
        kwargs["nodes_to_exclude"] = groups[opts.pop("exclude")]
    out.mkdir(parents=True, exist_ok=True)
    quantize_dynamic(
        str(fp32 / "model.onnx"),
        str(out / "model.onnx"),
        extra_options={"DefaultTensorType": 1},
        **kwargs,
        **opts,
    )
    shutil.copyfile(fp32 / "tokenizer.json", out / "tokenizer.json")
    manifest = json.loads((fp32 / "manifest.json").read_text(encoding="utf-8"))
    manifest.update({"quantized": route, "sha256": sha256_file(out / "model.onnx")})
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return out


def demo_corpus():
    from trendlens import load_corpus

    with gzip.open(ROOT / "corpora" / "huffpost.jsonl.gz", "rt", encoding="utf-8") as handle:
        return load_corpus([json.loads(line) for line in handle])


def fit_labels(corpus, vectors: np.ndarray) -> tuple[np.ndarray, int]:
    from trendlens import TrendDetector

    detector = TrendDetector(embedding_cache=False, show_progress=False, taxonomy=None)
    detector.fit(corpus, embeddings=vectors)
    return detector.labels_.copy(), len(detector.trends_)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", type=Path, required=True, help="folder for the built models and vectors")
    parser.add_argument("--routes", nargs="+", default=list(ROUTES), choices=list(ROUTES))
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    from sklearn.metrics import adjusted_rand_score

    from trendlens import get_embedder
    from trendlens.embed.onnx import OnnxEmbedder

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    corpus = demo_corpus()
    exact_file = work / "exact.npy"
    if not exact_file.exists():
        np.save(exact_file, get_embedder("minilm", show_progress=False).encode(corpus.texts))
    exact = np.load(exact_file)
    exact_labels, exact_trends = fit_labels(corpus, exact)
    results: dict[str, dict] = {}
    for route in args.routes:
        vectors = OnnxEmbedder(build_route(work, route), show_progress=False).encode(corpus.texts)
        labels, trends = fit_labels(corpus, vectors)
        both = (labels >= 0) & (exact_labels >= 0)
        results[route] = {
            "cosine_mean": float((vectors * exact).sum(axis=1).mean()),
            "ari_all": float(adjusted_rand_score(exact_labels, labels)),
            "ari_in_trends": float(adjusted_rand_score(exact_labels[both], labels[both])),
            "trends": trends,
            "exact_trends": exact_trends,
        }
        print(route, json.dumps(results[route]), flush=True)
    if not args.no_speed:
        from sentence_transformers import SentenceTransformer

        from trendlens.embed.resolve import resolve_minilm

        texts = corpus.texts[::5][:2000]
        baseline = SentenceTransformer(str(resolve_minilm()), device="cpu")
        tiers = {r: OnnxEmbedder(build_route(work, r), show_progress=False) for r in args.routes}
        rates: dict[str, list[float]] = {name: [] for name in ["baseline", *tiers]}
        for _ in range(2):
            start = time.perf_counter()
            baseline.encode(texts, batch_size=32)
            rates["baseline"].append(len(texts) / (time.perf_counter() - start))
            for name, tier in tiers.items():
                start = time.perf_counter()
                tier.encode(texts)
                rates[name].append(len(texts) / (time.perf_counter() - start))
        base = float(np.median(rates["baseline"]))
        for name in tiers:
            rate = float(np.median(rates[name]))
            results[name].update({"docs_per_s": rate, "baseline_docs_per_s": base, "speedup": rate / base})
            print(name, f"{rate:.0f} docs/s, {rate / base:.2f}x the baseline ({base:.0f})", flush=True)
    (work / "results.json").write_text(json.dumps(results, indent=1), encoding="utf-8")


if __name__ == "__main__":
    main()
