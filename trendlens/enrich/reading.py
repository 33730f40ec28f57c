"""Which documents of a trend the report reads, and which it scans.

A trend's documents come most representative first. The report *reads* the first
few dozen in full (findings, brands, motivations), reading on while they hold fewer
informative sentences than findings wanted (a trend whose most central posts are
greetings). It *scans* many more for drivers and audience, which are rare statements
that must be counted: a cheap test of the raw text picks the documents that may state
a cause or an audience cue, and only those are parsed. Counts such as "3 of 500
documents" are over the documents scanned.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from trendlens.enrich.audience import could_state_audience
from trendlens.enrich.causes import CANDIDATES as CAUSE_CANDIDATES
from trendlens.enrich.findings import is_informative
from trendlens.enrich.nlp import MIN_CHARS, Sentence, parse_matching, parse_sentences, unique

#: Documents of a trend (most representative first) scanned for drivers and audience.
SCAN_DOCUMENTS = 500


@dataclass(frozen=True)
class Reading:
    """The sentences of a trend the report works from.

    Attributes
    ----------
    sentences
        Distinct sentences (at least :data:`~trendlens.enrich.nlp.MIN_CHARS` long) of the documents read.
    scan
        Every sentence of the documents read and of the scanned documents that may state a cause
        or an audience cue.
    read, scanned
        How many documents were read, and scanned (the denominator of counts).
    """

    sentences: tuple[Sentence, ...]
    scan: tuple[Sentence, ...]
    read: int
    scanned: int


def might_state_driver_or_audience(text: str) -> bool:
    """Whether a raw text may hold a causal connective or an audience cue (cheap, no parsing)."""
    return bool(CAUSE_CANDIDATES.search(text)) or could_state_audience(text)


def read_trend(
    texts: Sequence[str],
    doc_ids: Sequence[str],
    *,
    n_read: int | None = None,
    n_scan: int = SCAN_DOCUMENTS,
    n_informative: int = 5,
) -> Reading:
    """Read the first ``n_read`` documents (all when ``None``), more while they hold fewer than
    ``n_informative`` informative sentences, and scan the first ``n_scan``."""
    read = len(texts) if n_read is None else min(n_read, len(texts))
    parsed = parse_sentences(texts[:read], doc_ids[:read], min_chars=0)
    while read < min(len(texts), n_scan) and sum(is_informative(s.span) for s in parsed) < n_informative:
        more = min(len(texts), n_scan, 2 * max(read, 1))
        parsed += parse_sentences(texts[read:more], doc_ids[read:more], min_chars=0)
        read = more
    scanned = min(len(texts), max(n_scan, read))
    scan = parse_matching(texts[:scanned], doc_ids[:scanned], might_state_driver_or_audience, parsed=parsed)
    sentences = unique(s for s in parsed if len(s.text) >= MIN_CHARS)
    return Reading(tuple(sentences), tuple(scan), read, scanned)
