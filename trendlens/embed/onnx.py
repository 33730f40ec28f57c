"""The ONNX Runtime backend: MiniLM exported once, graph-optimised, quantised to int8.

At run time only ``onnxruntime``, ``tokenizers`` and numpy are used (no torch).
Building the model (:func:`build_onnx_model`) needs torch and transformers once;
trendlens does it on first use into the user cache folder, or ``make models``
does it into ``models/``. A manifest records the file's SHA-256, checked on load.
"""

from __future__ import annotations

import json
import logging
import shutil
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from trendlens._io import building_dir, write_manifest
from trendlens._offline import force_offline, quiet_third_party
from trendlens.embed.base import available_threads, encode_sorted
from trendlens.embed.resolve import MINILM_ID, find_model_dir, resolve_minilm, sha256_file, user_models_dir
from trendlens.errors import ConfigError, ModelNotFoundError

log = logging.getLogger("trendlens")

MANIFEST = "manifest.json"
#: ONNX opset of the export; ORT's BERT fusions (attention, layer norm, GELU) support it.
OPSET = 17


def onnx_dirname(quantized: bool = True) -> str:
    """Folder name of the built MiniLM ONNX model."""
    return "all-MiniLM-L6-v2-onnx-" + ("int8" if quantized else "fp32")


def _require_onnxruntime() -> None:
    try:
        import onnxruntime  # noqa: F401
    except ImportError as exc:
        raise ModelNotFoundError("the ONNX backend needs onnxruntime: `pip install 'trendlens[onnx]'`") from exc


def is_onnx_dir(path: Path) -> bool:
    """True when ``path`` holds a model.onnx, a tokenizer.json and a manifest."""
    return all((path / f).is_file() for f in ("model.onnx", "tokenizer.json", MANIFEST))


def build_onnx_model(out_dir: str | Path, quantize: bool = True, source: str | Path | None = None) -> Path:
    """Export all-MiniLM-L6-v2 to ONNX, fuse its graph, optionally quantise weights to int8.

    Needs torch, transformers and onnx (build time only). The folder appears
    atomically: it is built beside ``out_dir`` and renamed into place.

    Returns
    -------
    Path
        ``out_dir``, holding ``model.onnx``, ``tokenizer.json`` and ``manifest.json``.
    """
    _require_onnxruntime()
    force_offline()
    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from onnxruntime.transformers.optimizer import optimize_model
    from transformers import AutoModel

    source = Path(source) if source else resolve_minilm()
    out_dir = Path(out_dir)
    with building_dir(out_dir) as work, quiet_third_party():
        # Eager attention exports the plain MatMul/Softmax pattern that ORT fuses into one Attention op.
        model = AutoModel.from_pretrained(str(source), attn_implementation="eager", local_files_only=True).eval()
        config = model.config

        class _LastHidden(torch.nn.Module):
            def __init__(self, inner: torch.nn.Module) -> None:
                super().__init__()
                self.inner = inner

            def forward(self, input_ids, attention_mask, token_type_ids):  # type: ignore[no-untyped-def]
                return self.inner(
                    input_ids=input_ids, attention_mask=attention_mask, token_type_ids=token_type_ids
                ).last_hidden_state

        names = ["input_ids", "attention_mask", "token_type_ids"]
        dummy = torch.ones(2, 8, dtype=torch.long)
        raw = work / "raw.onnx"
        torch.onnx.export(
            _LastHidden(model),
            (dummy, dummy, torch.zeros_like(dummy)),
            str(raw),
            input_names=names,
            output_names=["last_hidden_state"],
            dynamic_axes={n: {0: "batch", 1: "sequence"} for n in [*names, "last_hidden_state"]},
            opset_version=OPSET,
            dynamo=False,
        )
        fused = optimize_model(
            str(raw), model_type="bert", num_heads=config.num_attention_heads, hidden_size=config.hidden_size
        )
        final = work / "model.onnx"
        if quantize:
            fused.save_model_to_file(str(work / "fused.onnx"))
            # DefaultTensorType: fused ops come from ORT's own domain, which shape inference cannot type.
            quantize_dynamic(
                str(work / "fused.onnx"),
                str(final),
                weight_type=QuantType.QInt8,
                extra_options={"DefaultTensorType": 1},
            )
        else:
            fused.save_model_to_file(str(final))
        for leftover in ("raw.onnx", "fused.onnx"):
            (work / leftover).unlink(missing_ok=True)
        shutil.copyfile(source / "tokenizer.json", work / "tokenizer.json")
        manifest = {
            "model_id": MINILM_ID,
            "format": "onnx",
            "quantized": "int8-dynamic" if quantize else None,
            "opset": OPSET,
            "hidden_size": config.hidden_size,
            "sha256": sha256_file(final),
            "built_with": {"torch": torch.__version__, "onnxruntime": _ort_version()},
        }
        write_manifest(work, manifest, MANIFEST)
    return out_dir


def _ort_version() -> str:
    import onnxruntime

    return str(onnxruntime.__version__)


def resolve_onnx_minilm(quantized: bool = True, build: bool = True) -> Path:
    """The built ONNX MiniLM folder; built into the user cache on first use when ``build``."""
    name = onnx_dirname(quantized)
    found = find_model_dir(name, is_onnx_dir)
    if found is not None:
        return found
    if not build:
        raise ModelNotFoundError(f"no {name} model found; run `make models` or use build=True")
    target = user_models_dir() / name
    log.info("building the ONNX model once into %s (takes about a minute)", target)
    return build_onnx_model(target, quantize=quantized)


class OnnxEmbedder:
    """Embed texts with an ONNX MiniLM on ONNX Runtime: tokenise, run, mean-pool, normalise.

    Parameters
    ----------
    model_dir
        A folder made by :func:`build_onnx_model`.
    max_seq_length
        Tokens kept per text. 128 by measurement (``benchmarks/README.md``): on 20
        Newsgroups it runs about 5x the sentence-transformers baseline at 98% of its
        kNN accuracy; 256 (the model's own limit) keeps 99% at about 3x.
    batch_size
        Texts per inference call (length-sorted, padded to the longest in the batch).
    threads
        ONNX Runtime intra-op threads; ``None`` uses every core this process may use.
    show_progress
        Draw a progress bar while encoding.
    """

    def __init__(
        self,
        model_dir: str | Path,
        *,
        max_seq_length: int = 128,
        batch_size: int = 32,
        threads: int | None = None,
        show_progress: bool = True,
    ) -> None:
        _require_onnxruntime()
        import onnxruntime as ort
        from tokenizers import Tokenizer

        model_dir = Path(model_dir)
        manifest = json.loads((model_dir / MANIFEST).read_text(encoding="utf-8"))
        actual = sha256_file(model_dir / "model.onnx")
        if actual != manifest["sha256"]:
            raise ConfigError(
                f"{model_dir / 'model.onnx'} does not match its manifest checksum (damaged or replaced); "
                "delete the folder and it is rebuilt on next use"
            )
        if not 1 <= max_seq_length <= 512:
            raise ConfigError(f"max_seq_length must be in 1..512, got {max_seq_length}")
        options = ort.SessionOptions()
        options.intra_op_num_threads = threads or available_threads()
        options.inter_op_num_threads = 1
        options.graph_optimization_level = ort.GraphOptimizationLevel.ORT_ENABLE_ALL
        self.session = ort.InferenceSession(str(model_dir / "model.onnx"), options, providers=["CPUExecutionProvider"])
        self.tokenizer = Tokenizer.from_file(str(model_dir / "tokenizer.json"))
        self.tokenizer.enable_truncation(max_seq_length)
        self.tokenizer.no_padding()
        self.input_names = {i.name for i in self.session.get_inputs()}
        self.model_dir = model_dir
        self.dim = int(manifest["hidden_size"])
        tag = manifest["quantized"] or "fp32"
        self.name = f"{manifest['model_id']}#onnx-{tag}-{manifest['sha256'][:8]}@{max_seq_length}"
        self.max_seq_length = max_seq_length
        self.batch_size = batch_size
        self.show_progress = show_progress

    @classmethod
    def minilm(cls, quantized: bool = True, **kwargs: object) -> OnnxEmbedder:
        """The int8 (default) or fp32 ONNX MiniLM, built on first use."""
        return cls(resolve_onnx_minilm(quantized), **kwargs)  # type: ignore[arg-type]

    #: Texts tokenized at a time. Tokenizing a whole corpus at once held every token string and
    #: offset of it: 1.2 GB more at 50,000 documents than at 10,000 (benchmarks/bench_memory.py).
    tokenize_chunk = 4096

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """Embed ``texts``; returns float32 ``(len(texts), dim)`` with unit-length rows.

        Texts are tokenized and run :attr:`tokenize_chunk` at a time (length-sorted
        within each), so memory beyond the output does not grow with ``len(texts)``.
        """
        from tqdm.auto import tqdm

        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        with tqdm(total=len(texts), desc="embedding", unit="doc", disable=not self.show_progress, delay=1.0) as bar:
            for start in range(0, len(texts), self.tokenize_chunk):
                chunk = list(texts[start : start + self.tokenize_chunk])
                ids = [e.ids for e in self.tokenizer.encode_batch(chunk)]
                out[start : start + len(chunk)] = encode_sorted(
                    chunk,
                    self.dim,
                    lambda batch, ids=ids: self._run([ids[i] for i in batch]),
                    batch_size=self.batch_size,
                    lengths=[len(i) for i in ids],
                    bar=bar,
                )
        return out

    def _run(self, token_ids: list[list[int]]) -> np.ndarray:
        width = max(len(t) for t in token_ids)
        input_ids = np.zeros((len(token_ids), width), dtype=np.int64)
        mask = np.zeros_like(input_ids)
        for row, tokens in enumerate(token_ids):
            input_ids[row, : len(tokens)] = tokens
            mask[row, : len(tokens)] = 1
        feed = {"input_ids": input_ids, "attention_mask": mask, "token_type_ids": np.zeros_like(input_ids)}
        hidden = self.session.run(None, {k: v for k, v in feed.items() if k in self.input_names})[0]
        pooled = (hidden * mask[:, :, None]).sum(axis=1) / mask.sum(axis=1, keepdims=True)
        return (pooled / np.linalg.norm(pooled, axis=1, keepdims=True)).astype(np.float32)

    def __repr__(self) -> str:
        return f"OnnxEmbedder(name={self.name!r}, dim={self.dim})"
