"""Measure and calibrate the taxonomy mapper on hand-judged trends of the bundled corpora.

    python scripts/calibrate_taxonomy.py [--judgements benchmarks/data/taxonomy_judgements.jsonl]
        [--taxonomy PATH] [--method documents|single-vector] [--out benchmarks/results/calibration.json]

Every judged trend is rebuilt from the corpora (its members' texts, embedded with ``minilm``):
its centroid, its ten most central documents, its name and keywords. The script then

* places the trends with the shipped settings and scores the placements against the
  judgements on every level (``trendlens.hierarchy.evaluation``);
* fits the softmax temperature by temperature scaling on the trends with a judged consumer
  trend, and reports the expected calibration error per level at the shipped and fitted
  temperatures;
* searches ``min_similarity`` and ``parent_similarity`` on a grid, in-sample and leaving one
  corpus out at a time (each corpus is scored with the values chosen on the others);
* scores "trends" of nonsense text (lorem ipsum, random letters, keyboard mash), which must
  stay unmapped;
* repeats the exemplar-phrase calibration of earlier versions (held-out exemplars).

``--method single-vector`` places each trend by the single vector earlier versions used (the
mean of its centroid, keyword list and example documents) with no proposals, and
``--taxonomy`` scores another taxonomy file: together they reproduce the "before" figures of
docs/taxonomy.md (``git show 76a0eaf:trendlens/hierarchy/data/taxonomy.yaml``).
"""

from __future__ import annotations

import argparse
import dataclasses
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
from trendlens.embed.cache import CachedEmbedder  # noqa: E402
from trendlens.hierarchy import default_taxonomy, load_taxonomy  # noqa: E402
from trendlens.hierarchy.calibration import (  # noqa: E402
    calibration_report,
    fit_confidence_temperature,
    fit_temperature,
)
from trendlens.hierarchy.evaluation import (  # noqa: E402
    level_calibration,
    load_judgements,
    missing_nodes,
    placement_accuracy,
)
from trendlens.hierarchy.mapping import (  # noqa: E402
    MIN_SIMILARITY,
    PARENT_CONFIDENCE,
    PARENT_SIMILARITY,
    TEMPERATURE,
    TaxonomyMapper,
    TrendEvidence,
    group_evidence,
    trend_evidence,
)

SEED = 0
JUDGEMENTS = ROOT / "benchmarks" / "data" / "taxonomy_judgements.jsonl"
CORPORA = ROOT / "corpora"
MIN_GRID = tuple(round(x, 3) for x in np.arange(0.25, 0.501, 0.025))
PARENT_GRID = (0.25, 0.275, 0.3, 0.325, 0.35, 2.0)  # 2.0: never propose a parent
PARENT_CONFIDENCE_GRID = (0.0, 0.15, 0.25, 0.35, 0.5)
LOREM_TEXT = (
    "lorem ipsum dolor sit amet consectetur adipiscing elit sed do eiusmod tempor incididunt ut labore et dolore "
    "magna aliqua enim ad minim veniam quis nostrud exercitation ullamco laboris nisi aliquip ex ea commodo "
    "consequat duis aute irure in reprehenderit voluptate velit esse cillum fugiat nulla pariatur excepteur sint "
    "occaecat cupidatat non proident sunt culpa qui officia deserunt mollit anim id est laborum"
)


def nonsense_texts(n: int = 100, seed: int = SEED) -> dict[str, list[str]]:
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


def corpus_texts(names: set[str]) -> dict[str, str]:
    """Text by document id for the bundled corpora ``names``."""
    texts: dict[str, str] = {}
    for name in sorted(names):
        with gzip.open(CORPORA / f"{name}.jsonl.gz", "rt", encoding="utf-8") as handle:
            texts.update({r["id"]: r["text"] for r in map(json.loads, handle)})
    return texts


def build_evidence(records: list[dict], embedder, texts: dict[str, str]) -> tuple[list[TrendEvidence], np.ndarray]:
    """Each judged item's :class:`TrendEvidence`, and its single vector of earlier versions."""
    trends: dict[str, TrendEvidence] = {}
    for r in records:
        if r["kind"] == "trend":
            vectors = embedder.encode([texts[i] for i in r["member_ids"]])
            trends[r["id"]] = trend_evidence(vectors, r["label"], r["keywords"])
    evidence, single = [], []
    for r in records:
        if r["kind"] == "trend":
            ev = trends[r["id"]]
            examples = embedder.encode([texts[i] for i in r["example_ids"]])
        else:
            members = [trends[f"{r['corpus']}#{m}"] for m in r["members"]]
            sizes = [next(x["size"] for x in records if x["id"] == f"{r['corpus']}#{m}") for m in r["members"]]
            ev = group_evidence(members, sizes, r["label"], r["keywords"])
            examples = ev.documents[:3]
        evidence.append(ev)
        parts = [ev.centroid[None, :], embedder.encode([", ".join(r["keywords"])]), examples]
        parts = [p / np.linalg.norm(p, axis=1, keepdims=True) for p in parts]
        single.append(np.vstack(parts).mean(axis=0))
    return evidence, np.vstack(single)


def summary(placements: list, judgements: list, taxonomy, splits: dict[str, np.ndarray]) -> dict:
    """Accuracy and calibration per split of the labelled set."""
    out = {}
    for name, index in splits.items():
        placed, judged = [placements[i] for i in index], [judgements[i] for i in index]
        out[name] = {
            "n": len(index),
            "accuracy": placement_accuracy(placed, judged, taxonomy),
            "calibration": level_calibration(placed, judged, taxonomy),
            "unmapped": sum(not p.mapped for p in placed),
            "proposed_with_parent": sum(p.proposed is not None and p.proposed.parent_id is not None for p in placed),
        }
    return out


def search(mapper, sims, evidence, judgements, taxonomy, corpora) -> dict:
    """Grid of (min_similarity, parent_similarity): in-sample best and leave-one-corpus-out."""

    def score(indices, min_s, parent_s, parent_c):
        mapper.min_similarity, mapper.parent_similarity, mapper.parent_confidence = min_s, parent_s, parent_c
        placed = mapper.decide(sims[indices], [evidence[i] for i in indices])
        acc = placement_accuracy(placed, [judgements[i] for i in indices], taxonomy)
        return acc["consumer_trend"] + acc["big_social_trend"], acc

    grid = [(m, p, c) for m in MIN_GRID for p in PARENT_GRID for c in PARENT_CONFIDENCE_GRID if p >= 1 or p < m]
    everything = np.arange(len(judgements))
    table = {"/".join(map(str, g)): score(everything, *g)[1] for g in grid}
    best = max(grid, key=lambda g: score(everything, *g)[0])
    held_out, chosen = [], {}
    for corpus in sorted(set(corpora)):
        train = np.array([i for i, c in enumerate(corpora) if c != corpus])
        test = np.array([i for i, c in enumerate(corpora) if c == corpus])
        pick = max(grid, key=lambda g: score(train, *g)[0])
        chosen[corpus] = list(pick)
        mapper.min_similarity, mapper.parent_similarity, mapper.parent_confidence = pick
        held_out += list(zip(test, mapper.decide(sims[test], [evidence[i] for i in test])))
    held_out.sort(key=lambda pair: pair[0])
    loco = placement_accuracy([p for _, p in held_out], judgements, taxonomy)
    return {
        "in_sample_best": list(best),
        "in_sample_best_accuracy": table["/".join(map(str, best))],
        "leave_one_corpus_out": {"chosen": chosen, "accuracy": loco},
        "grid": table,
    }


def nonsense_similarities(mapper: TaxonomyMapper, embedder, per_trend: int = 10, trends: int = 30) -> dict:
    """Best similarity of "trends" of ``per_trend`` nonsense texts of each kind (seeded)."""
    rng = np.random.default_rng(SEED)
    out = {}
    for kind, texts in nonsense_texts(n=300).items():
        vectors = embedder.encode(texts)
        evidence = [trend_evidence(vectors[rng.choice(len(texts), per_trend, replace=False)]) for _ in range(trends)]
        best = mapper.similarities(evidence).max(axis=1)
        out[kind] = {"max": round(float(best.max()), 4), "median": round(float(np.median(best)), 4)}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--judgements", type=Path, default=JUDGEMENTS)
    parser.add_argument("--taxonomy", type=Path, help="a taxonomy file (default: the shipped one)")
    parser.add_argument("--method", choices=("documents", "single-vector"), default="documents")
    parser.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "calibration.json")
    args = parser.parse_args()
    taxonomy = load_taxonomy(args.taxonomy) if args.taxonomy else default_taxonomy()
    embedder = CachedEmbedder(get_embedder("minilm", show_progress=False), None)
    records, judgements = load_judgements(args.judgements)
    missing = missing_nodes(judgements, taxonomy)
    if missing and not args.taxonomy:
        raise SystemExit(f"the judgements name nodes the shipped taxonomy lacks: {', '.join(missing)}")
    evidence, single = build_evidence(records, embedder, corpus_texts({r["corpus"] for r in records}))
    corpora = [r["corpus"] for r in records]
    mapper = TaxonomyMapper(taxonomy, embedder)
    result: dict = {
        "created": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "command": " ".join(["python scripts/calibrate_taxonomy.py", *sys.argv[1:]]),
        "taxonomy": f"{taxonomy.name} {taxonomy.version} ({taxonomy.source})",
        "embedder": embedder.name,
        "method": args.method,
        "judged_nodes_missing_from_taxonomy": missing,
        "judgements": {
            "file": str(args.judgements.relative_to(ROOT)),
            "n": len(judgements),
            "none_fits": sum(j.consumer_trend is None for j in judgements),
            "per_corpus": {c: corpora.count(c) for c in sorted(set(corpora))},
        },
    }
    splits = {
        name: np.array([i for i, r in enumerate(records) if name == "all" or r.get("split") == name])
        for name in ("all", "dev", "test")
    }
    dev = splits["dev"]
    if args.method == "single-vector":
        mapper.parent_similarity = 2.0
        result["shipped"] = {
            "min_similarity": mapper.min_similarity,
            "temperature": mapper.temperature,
            **summary(mapper.place(single), judgements, taxonomy, splits),
        }
    else:
        sims = mapper.similarities(evidence)
        result["shipped"] = {
            "min_similarity": MIN_SIMILARITY,
            "parent_similarity": PARENT_SIMILARITY,
            "parent_confidence": PARENT_CONFIDENCE,
            "temperature": TEMPERATURE,
            **summary(mapper.decide(sims, evidence), judgements, taxonomy, splits),
        }
        # temperature: fitted on the development split's placed trends, checked on the test split
        placed = sims[dev].max(axis=1) >= MIN_SIMILARITY
        best = [mapper.leaf_ids[i] for i in sims[dev].argmax(axis=1)]
        correct = np.array([b == judgements[i].consumer_trend for b, i in zip(best, dev)])
        fitted = fit_confidence_temperature(sims[dev][placed], correct[placed])
        leaf_index = {leaf: i for i, leaf in enumerate(mapper.leaf_ids)}
        known = [i for i in dev if judgements[i].consumer_trend]
        nll_fitted = fit_temperature(sims[known], np.array([leaf_index[judgements[i].consumer_trend] for i in known]))
        result["fitted_temperature"] = {
            "method": "binary cross-entropy of the top probability, dev split's placed trends",
            "temperature": round(fitted, 5),
            "n": int(placed.sum()),
            "nll_temperature_judged_only": round(nll_fitted, 5),
        }
        for key, temperature in (("at_fitted", fitted), ("at_nll_fitted", nll_fitted)):
            mapper.temperature = temperature
            placements = mapper.decide(sims, evidence)
            result["fitted_temperature"][key] = {
                name: level_calibration([placements[i] for i in index], [judgements[i] for i in index], taxonomy)
                for name, index in splits.items()
            }
        mapper.temperature = TEMPERATURE
        result["search"] = search(
            mapper,
            sims[dev],
            [evidence[i] for i in dev],
            [judgements[i] for i in dev],
            taxonomy,
            [corpora[i] for i in dev],
        )
        mapper.min_similarity, mapper.parent_similarity, mapper.parent_confidence = result["search"]["in_sample_best"]
        test = splits["test"]
        result["search"]["test_accuracy_at_in_sample_best"] = placement_accuracy(
            mapper.decide(sims[test], [evidence[i] for i in test]), [judgements[i] for i in test], taxonomy
        )
        mapper.min_similarity, mapper.parent_similarity = MIN_SIMILARITY, PARENT_SIMILARITY
        mapper.parent_confidence = PARENT_CONFIDENCE
        result["nonsense_best_similarity"] = nonsense_similarities(mapper, embedder)
        phrases = calibration_report(taxonomy, embedder, temperature=TEMPERATURE)
        result["exemplar_phrases"] = {k: phrases[k] for k in ("n_exemplars", "temperature", "nll")} | {
            "levels": {
                level: {k: v for k, v in e.items() if not k.startswith("reliability")}
                for level, e in phrases["levels"].items()
            }
        }
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2, default=_plain) + "\n", encoding="utf-8")
    print(json.dumps({k: v for k, v in result.items() if k not in ("search",)}, indent=1, default=_plain)[:6000])
    if "search" in result:
        print(json.dumps({k: v for k, v in result["search"].items() if k != "grid"}, indent=1))
    print(f"wrote {args.out}")


def _plain(value):
    if dataclasses.is_dataclass(value):
        return dataclasses.asdict(value)
    if isinstance(value, np.generic):
        return value.item()
    raise TypeError(type(value))


if __name__ == "__main__":
    main()
