"""``trendlens eval``: score trendlens against plain BERTopic on labelled corpora, back-test emergence, save it all.

Each corpus is read from a ``<file>.jsonl.gz`` (one JSON object per line with ``text`` and,
where the corpus has classes, a label field), preprocessed by its protocol
(:data:`PROTOCOLS`), embedded once with all-MiniLM-L6-v2 through the on-disk embedding
cache, and scored by :func:`trendlens.eval.topics.evaluate`. The results are merged into
a JSON file under the corpus name, so corpora can be run one at a time.
"""

from __future__ import annotations

import gzip
import json
import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import numpy as np

from trendlens._io import atomic_write_text
from trendlens.errors import ConfigError, CorpusError

#: Published figures (TC = NPMI, TD) of the BERTopic paper, Grootendorst 2022 (arXiv 2203.05794), Tables 1–2.
PUBLISHED = {
    "20newsgroups": {
        "BERTopic (all-mpnet-base-v2)": {"npmi": 0.166, "td": 0.851},
        "BERTopic (all-MiniLM-L6-v2)": {"npmi": 0.159, "td": 0.833},
        "LDA": {"npmi": 0.058, "td": 0.749},
    },
    "bbc": {"BERTopic (all-mpnet-base-v2)": {"npmi": 0.167, "td": 0.794}},
    "trump": {"BERTopic (all-mpnet-base-v2)": {"npmi": 0.066, "td": 0.663}},
}


@dataclass(frozen=True)
class Protocol:
    """Where a corpus is, which field holds its classes, how it is preprocessed and which text is embedded.

    The paper embedded the preprocessed documents (its evaluation notebook joins OCTIS's tokens
    and encodes them), so the corpora it scored are embedded that way here too.
    """

    file: str
    label: str | None
    preprocess: dict[str, Any] = field(default_factory=dict)
    embed: str = "preprocessed"  # or "original": which text of each document is embedded


#: The corpora ``trendlens eval`` knows. 20 Newsgroups and BBC as OCTIS preprocessed them for the paper
#: (stop words out, lemmas, rare words out, documents of under 5 words out); Trump tweets only
#: lower-cased, as the paper's code did. HuffPost, the demo corpus, is not in the paper: its headlines
#: keep every document with a word left and are embedded as written, as ``trendlens run`` embeds them.
PROTOCOLS = {
    "20newsgroups": Protocol("20newsgroups", "category"),
    "bbc": Protocol("bbc", "category"),
    "trump": Protocol(
        "trump_tweets", None, {"stop_words": False, "lemmatize": False, "min_df": 0.0, "max_df": 1.0, "min_words": 1}
    ),
    "huffpost": Protocol("huffpost", "category", {"min_df": 0.001, "min_words": 1}, embed="original"),
}


#: Emergence back-tests: corpus name → (file, field naming each document's event, window). The window is the
#: default ("auto", chosen from the documents' density): the back-test measures what a user gets.
BACKTESTS = {"crisislex": ("crisislex_dev", "event", "auto")}

#: Everything ``trendlens eval`` can run, in its default order.
CORPORA = (*PROTOCOLS, *BACKTESTS)

#: ``trendlens eval --prospective``: corpus name → file. Each is fitted with the defaults, as a user gets it,
#: and its rankings are scored against what came next (:mod:`trendlens.eval.prospective`).
PROSPECTIVE = {
    "huffpost": "huffpost",
    "trump": "trump_tweets",
    "bluesky_migration": "bluesky_migration",
    "crisislex": "crisislex_dev",
    "threads_launch_reviews": "threads_launch_reviews",
}


def find_corpus(name: str, directories: Sequence[str | Path]) -> Path:
    """The first ``<dir>/<file>.jsonl.gz`` of corpus ``name`` among ``directories``."""
    if name not in CORPORA:
        raise ConfigError(f"unknown corpus {name!r}; trendlens eval knows {sorted(CORPORA)}")
    return _first_file(PROTOCOLS[name].file if name in PROTOCOLS else BACKTESTS[name][0], directories)


def _records(path: Path) -> Iterator[tuple[int, dict[str, Any]]]:
    """(line number, record) of each line of a gzipped JSON-lines corpus; a broken line names itself."""
    with gzip.open(path, "rt", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                raise CorpusError(f"{path}, line {number}: not JSON ({exc.msg})") from exc


def _sample(items: list[Any], limit: int | None) -> list[Any]:
    """At most ``limit`` of ``items``, a seeded sample kept in their order (all of them without a limit)."""
    if not limit or len(items) <= limit:
        return items
    keep = sorted(np.random.default_rng(0).permutation(len(items))[:limit].tolist())
    return [items[i] for i in keep]


def read_corpus(path: Path, label: str | None, limit: int | None = None) -> tuple[list[str], list[Any] | None]:
    """Texts (and classes) of a JSON-lines corpus; ``limit`` takes a seeded sample, kept in file order."""
    pairs: list[tuple[str, Any]] = []
    for number, record in _records(path):
        text = record.get("text")
        if not isinstance(text, str) or not text.strip():
            raise CorpusError(f"{path}, line {number}: no text")
        if label is not None and record.get(label) is None:
            raise CorpusError(f"{path}, line {number}: no {label!r}, which this corpus's scores need")
        pairs.append((text, record.get(label) if label else None))
    pairs = _sample(pairs, limit)
    return [t for t, _ in pairs], ([c for _, c in pairs] if label else None)


def evaluate_corpus(
    name: str,
    directories: Sequence[str | Path],
    *,
    limit: int | None = None,
    seeds: Sequence[int] = (42, 43, 44),
    embedder: Any = None,
    progress: Any = None,
) -> dict[str, Any]:
    """Every score of one corpus, with its size, preprocessing figures, the published anchors and timings.

    ``progress(message)`` is told of each stage; with it, embedding shows a progress bar.
    """
    from trendlens.eval.preprocess import preprocess
    from trendlens.eval.topics import evaluate

    began = time.perf_counter()
    protocol = PROTOCOLS[name]
    texts, classes = read_corpus(find_corpus(name, directories), protocol.label, limit)
    if progress:
        progress(f"{name}: preprocessing {len(texts):,} documents")
    prepared = preprocess(texts, **protocol.preprocess)
    if len(prepared.kept) < 100:
        raise CorpusError(f"corpus {name!r}: only {len(prepared.kept)} documents left after preprocessing")
    if embedder is None:
        from trendlens.embed import get_embedder
        from trendlens.embed.cache import CachedEmbedder

        embedder = CachedEmbedder(get_embedder("minilm", show_progress=progress is not None))
    if progress:
        progress(f"{name}: {len(prepared.kept):,} documents, {len(prepared.vocabulary):,} words; embedding")
    embedded_texts = prepared.texts if protocol.embed == "preprocessed" else [texts[i] for i in prepared.kept]
    embeddings = np.asarray(embedder.encode(embedded_texts), dtype=np.float32)
    embedded = time.perf_counter()
    kept_classes = None if classes is None else [classes[i] for i in prepared.kept]
    scores = evaluate(
        prepared.texts, embeddings, prepared.tokens, prepared.vocabulary, kept_classes, seeds=seeds, progress=progress
    )
    return {
        "documents": len(texts),
        "documents_scored": len(prepared.kept),
        "vocabulary": len(prepared.vocabulary),
        "embedded": protocol.embed,
        "seeds": list(seeds),
        "measured": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds_embedding": round(embedded - began, 1),
        "seconds": round(time.perf_counter() - began, 1),
        "published": PUBLISHED.get(name, {}),
        **scores,
    }


def backtest_corpus(
    name: str, directories: Sequence[str | Path], *, limit: int | None = None, progress: Any = None
) -> dict[str, Any]:
    """The emergence back-test of a labelled event corpus with the default detector (see :mod:`.backtest`)."""
    from trendlens import TrendDetector, load_corpus
    from trendlens.eval.backtest import emergence_backtest

    began = time.perf_counter()
    _, field_name, window = BACKTESTS[name]
    path = find_corpus(name, directories)
    records = _sample([record for _, record in _records(path)], limit)
    missing = [i for i, r in enumerate(records, start=1) if r.get(field_name) is None]
    if missing:
        raise CorpusError(f"{path}: {len(missing)} records have no {field_name!r} (first: record {missing[0]})")
    if progress:
        progress(f"{name}: fitting the default detector on {len(records):,} documents (window {window})")
    detector = TrendDetector(signals={"window": window}, show_progress=progress is not None).fit(load_corpus(records))
    event_of = {str(r["id"]): r[field_name] for r in records}
    result = emergence_backtest(detector, [event_of[str(d.id)] for d in detector.corpus_])
    return {
        "documents": len(records),
        "measured": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "seconds": round(time.perf_counter() - began, 1),
        **result,
    }


def run(
    corpora: Sequence[str],
    directories: Sequence[str | Path],
    out: str | Path,
    *,
    limit: int | None = None,
    progress: Any = print,
) -> dict[str, Any]:
    """Evaluate ``corpora`` in turn, writing ``out`` after each so a crash loses at most the corpus under way."""
    out = Path(out)
    unknown = [c for c in corpora if c not in CORPORA]
    if unknown:
        raise ConfigError(f"unknown corpus {unknown}; trendlens eval knows {sorted(CORPORA)}")
    for name in corpora:
        find_corpus(name, directories)  # fail before hours of work, not after

    def score(name: str) -> dict[str, Any]:
        evaluate = backtest_corpus if name in BACKTESTS else evaluate_corpus
        return evaluate(name, directories, limit=limit, progress=progress)

    return _merge_each(out, corpora, score, summary_line, progress=progress)


def _merge_each(
    out: Path,
    corpora: Sequence[str],
    score: Any,
    line: Any,
    *,
    section: str | None = None,
    progress: Any = print,
) -> dict[str, Any]:
    """``score(name)`` of each of ``corpora``, merged into the JSON file ``out`` (under ``section`` when
    given, with a ``created`` stamp) and written after each corpus, so a crash loses at most the corpus
    under way; ``line(name, result)`` is printed through ``progress``."""
    results: dict[str, Any] = json.loads(out.read_text(encoding="utf-8")) if out.exists() else {}
    target = results.setdefault(section, {}) if section else results
    for name in corpora:
        target[name] = score(name)
        if section:
            results["created"] = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        out.parent.mkdir(parents=True, exist_ok=True)
        atomic_write_text(out, json.dumps(results, indent=2) + "\n")
        if progress:
            progress(line(name, target[name]))
    return results


def summary_line(name: str, result: dict[str, Any]) -> str:
    """One line per system: the headline scores of a corpus."""

    def fmt(value: Any) -> str:
        return "—" if value is None else f"{value:.3f}"

    if "recall" in result:
        return (
            f"{name}: {result['documents']} documents, {result['seconds']:.0f} s; events flagged "
            f"{result['recall']:.0%}, median lead {result['median_lead_days']} days, worst "
            f"{result['worst_lead_days']}, false-alarm flags per window {result['false_alarm_flags_per_window']:.3f}"
        )

    lines = [f"{name}: {result['documents_scored']} documents, {result['seconds']:.0f} s"]
    for system in ("trendlens", "bertopic"):
        s = result.get(system)
        if s:
            lines.append(
                f"  {system:<9} NPMI {fmt(s['npmi'])}  TD {fmt(s['td'])}  NMI {fmt(s['nmi'])}  "
                f"outliers {s['outlier_share']:.1%}  seed ARI {fmt(s['seed_stability_ari'])}  topics {s['n_topics']}"
            )
    return "\n".join(lines)


def prospective_corpus(
    name: str, directories: Sequence[str | Path], *, limit: int | None = None, progress: Any = print
) -> dict[str, Any]:
    """Fit corpus ``name`` with the defaults and score its rankings prospectively
    (:func:`~trendlens.eval.prospective.prospective`)."""
    from trendlens import TrendDetector, load_corpus
    from trendlens.eval.prospective import prospective

    if name not in PROSPECTIVE:
        raise ConfigError(f"unknown corpus {name!r}; trendlens eval --prospective knows {sorted(PROSPECTIVE)}")
    path = _first_file(PROSPECTIVE[name], directories)
    began = time.perf_counter()
    corpus = load_corpus(path)
    if limit and len(corpus) > limit:
        corpus = corpus.sample(limit, random_state=0)
    if progress:
        progress(f"{name}: fitting {len(corpus):,} documents")
    detector = TrendDetector(show_progress=False).fit(corpus)
    docs, config = detector._signal_inputs
    result = prospective(docs, config)
    return {
        "documents": len(corpus),
        "trends": len(detector.trends_),
        **result,
        "seconds": round(time.perf_counter() - began, 1),
    }


def run_prospective(
    corpora: Sequence[str],
    directories: Sequence[str | Path],
    out: str | Path,
    *,
    limit: int | None = None,
    progress: Any = print,
) -> dict[str, Any]:
    """:func:`prospective_corpus` of each of ``corpora``, merged into ``out`` as ``{"corpora": {name: ...}}``
    after each corpus."""
    out = Path(out)
    unknown = [c for c in corpora if c not in PROSPECTIVE]
    if unknown:
        raise ConfigError(f"unknown corpus {unknown}; trendlens eval --prospective knows {sorted(PROSPECTIVE)}")
    for name in corpora:
        _first_file(PROSPECTIVE[name], directories)  # fail before the work, not after

    def score(name: str) -> dict[str, Any]:
        return prospective_corpus(name, directories, limit=limit, progress=progress)

    return _merge_each(out, corpora, score, prospective_line, section="corpora", progress=progress)


def prospective_line(name: str, result: dict[str, Any]) -> str:
    """One line per ranking: precision@10 and the Spearman correlation with future growth."""

    def fmt(value: Any) -> str:
        return "—" if value is None else f"{value:.3f}"

    lines = [f"{name}: {result['documents']} documents, {result['window']} windows, {result['cuts']} cuts"]
    for method in ("trendlens", "trendlens_virality", "count_growth", "bertrend_popularity"):
        s = result[method]
        lines.append(
            f"  {method:<20} precision@10 {fmt(s['precision_at_10'])}  Spearman {fmt(s['spearman_future_growth'])}"
        )
    return "\n".join(lines)


def _first_file(file: str, directories: Sequence[str | Path]) -> Path:
    tried = [Path(d) / f"{file}.jsonl.gz" for d in directories]
    for path in tried:
        if path.is_file():
            return path
    raise CorpusError(f"corpus {file!r} not found; looked for {', '.join(str(p) for p in tried)}")
