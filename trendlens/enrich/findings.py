"""Detailed findings: informative, diverse, representative sentences of a trend.

Every finding is a sentence copied verbatim from one of the trend's documents and
carries that document's id, so each statement of the report can be checked at its source.

A sentence is a candidate only when it says something (:func:`is_informative`): it
holds a clause (a verb, or a copula with its complement) and a noun, and at least
:data:`MIN_CONTENT_WORDS` content words once hashtags, @mentions, URLs, stop words and
greeting or salutation words are set aside. Greetings ("Hi everyone!", "New here"),
hashtag lines and fragments fail that test whatever their closeness to the trend.
Among the candidates, maximal marginal relevance picks sentences close to the trend's
centroid and different from each other; the closeness is weighted by
:func:`content_weight` so that, of two equally central sentences, the fuller one wins.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from trendlens.enrich.nlp import word_set
from trendlens.errors import ConfigError
from trendlens.report.model import Evidence

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from trendlens.enrich.nlp import Sentence


#: One sentence of evidence and the document it was taken from: the report's own type, so enrichment
#: results go into the report without conversion.
Finding = Evidence

#: Content words a sentence needs to be a finding. Greetings and introductions ("Hello everyone, this is
#: my first post here!", "Hi Bluesky!") have 0-2 once greeting words are set aside; the shortest statements
#: worth quoting have 3 ("I came here due to the ban on TikTok": came, ban, TikTok).
MIN_CONTENT_WORDS = 3
#: Content words from which a sentence counts as fully informative (weight 1 in the ranking).
FULL_CONTENT_WORDS = 8
#: Words of greeting, salutation and self-presentation on social media: they carry no finding, whatever
#: the topic ("hello", "folks", "first post", "new account"). Matched lower-cased, as whole tokens.
GREETING_WORDS = word_set(
    """
    hi hello hey heya hiya hullo howdy greetings welcome yo sup hola bonjour ciao salut aloha gm
    thanks thank thx ty cheers bye goodbye
    lol lmao rofl omg wow yay yeah yep ok okay oh ah hmm haha hahaha
    guys folks y'all yall ya everybody everyone peeps fam frens
    post posts posting account accounts profile newbie
    """
)


def hashtag_word(token: Token) -> bool:
    """Whether ``token`` is the word of a hashtag ("#" glued before it)."""
    if token.i == 0:
        return False
    before = token.doc[token.i - 1]
    return before.text == "#" and not before.whitespace_


def content_words(span: Span) -> list[str]:
    """The content words of ``span``, lower-cased: alphabetic, not a stop word, hashtag, mention,
    URL or greeting word, and at least two letters long."""
    out = []
    for token in span:
        text = token.lower_
        if (
            not token.is_alpha
            or len(text) < 2
            or token.is_stop
            or token.like_url
            or token.like_email
            or text in GREETING_WORDS
            or hashtag_word(token)
        ):
            continue
        out.append(text)
    return out


def _has_clause(span: Span) -> bool:
    """Whether ``span`` holds a predicate (a verb, or a copula with a complement) and a noun or name."""
    verb = any(
        t.pos_ == "VERB" or (t.pos_ == "AUX" and any(c.dep_ in {"attr", "acomp", "oprd"} for c in t.children))
        for t in span
        if not hashtag_word(t)
    )
    noun = any(
        t.pos_ in {"NOUN", "PROPN"}
        and t.is_alpha
        and not t.is_stop
        and not hashtag_word(t)
        and t.lower_ not in GREETING_WORDS
        for t in span
    )
    return verb and noun


def is_informative(span: Span, min_content: int = MIN_CONTENT_WORDS) -> bool:
    """Whether a parsed sentence says something: a clause with a noun, and ``min_content`` content words."""
    return len(content_words(span)) >= min_content and _has_clause(span)


def content_weight(span: Span) -> float:
    """How full a sentence is, from 0 to 1: its content words over :data:`FULL_CONTENT_WORDS`, capped at 1."""
    return min(1.0, len(content_words(span)) / FULL_CONTENT_WORDS)


def mmr(
    vectors: np.ndarray, query: np.ndarray, k: int, diversity: float = 0.5, weights: np.ndarray | None = None
) -> list[int]:
    """Indices of ``k`` rows chosen by maximal marginal relevance.

    Each step takes the row maximising ``(1 - diversity) * w(row) * sim(row, query) -
    diversity * max sim(row, already chosen)``; rows are unit vectors and the weights
    ``w`` (default 1) scale each row's relevance.
    """
    if not 0 <= diversity <= 1:
        raise ConfigError(f"diversity must be in [0, 1], got {diversity}")
    if not len(vectors) or k < 1:
        return []
    relevance = vectors @ query
    if weights is not None:
        relevance = relevance * np.asarray(weights, dtype=relevance.dtype)
    chosen = [int(np.argmax(relevance))]
    closest = vectors @ vectors[chosen[0]]
    while len(chosen) < min(k, len(vectors)):
        score = (1 - diversity) * relevance - diversity * closest
        score[chosen] = -np.inf
        best = int(np.argmax(score))
        chosen.append(best)
        closest = np.maximum(closest, vectors @ vectors[best])
    return chosen


def detailed_findings(
    sentences: Sequence[Sentence],
    vectors: np.ndarray,
    centroid: np.ndarray,
    *,
    k: int = 5,
    diversity: float = 0.5,
    min_content: int = MIN_CONTENT_WORDS,
) -> tuple[Finding, ...]:
    """Up to ``k`` informative, diverse sentences that represent a trend, each with its document id.

    Parameters
    ----------
    sentences
        The trend's distinct sentences (see :func:`~trendlens.enrich.nlp.parse_sentences`);
        a sentence without a parsed span is parsed here.
    vectors
        Their unit-length embeddings, in the space of the document embeddings.
    centroid
        The trend's direction in that space (unit vector).
    min_content
        Content words a sentence needs (see :func:`is_informative`). Fewer than ``k``
        findings, or none, are returned when fewer sentences qualify: a greeting is never a finding.
    """
    if not len(sentences):
        return ()
    spans = [s.span if s.span is not None else _parse(s.text) for s in sentences]
    keep = [i for i, span in enumerate(spans) if is_informative(span, min_content)]
    if not keep:
        return ()
    rows = np.asarray(vectors, dtype=np.float32)[keep]
    weights = np.array([content_weight(spans[i]) for i in keep], dtype=np.float32)
    picked = mmr(rows, np.asarray(centroid, dtype=np.float32), k, diversity, weights)
    return tuple(Finding(sentences[keep[i]].text, sentences[keep[i]].doc_id) for i in picked)


def _parse(text: str) -> Span:
    from trendlens.enrich.nlp import load_nlp

    return load_nlp()(text)[:]
