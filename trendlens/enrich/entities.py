"""Brands, products and organisations named in a trend, with the sentences that say why they succeed.

spaCy's named-entity recogniser finds ``ORG`` and ``PRODUCT`` mentions in the
trend's sentences. Names are normalised ("the White House" and "White House's"
count as one), names the recogniser tags as a person more often than as an
organisation are dropped (news headlines in Title Case fool it), and the
remaining ones are ranked by the number of documents naming them.

A *key success factor* is a sentence that names the entity and carries a cue
of success or of a reason: selling, growth, records, popularity, awards,
demand, "because", "thanks to". Only such sentences are quoted; an entity
without one is listed with no factors, which the report renders as "not stated
in the sources".
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from collections.abc import Sequence

from trendlens.enrich.findings import Finding
from trendlens.enrich.nlp import Sentence
from trendlens.report.model import EntityFactors

#: spaCy entity labels read as brands, products or organisations.
ENTITY_KINDS = {"ORG": "organisation", "PRODUCT": "product"}

#: Lower-case words that mark a sentence as saying why or how well something succeeds.
SUCCESS_CUES = frozenset(
    """
    success successful succeed succeeds succeeded succeeding popular popularity bestseller bestselling
    best-selling sold sells selling sales sale records record-breaking hit hits boom booming soar
    soars soared soaring surge surges surged surging grew grow grows growing growth demand loved beloved
    favorite favourite favorites favourites viral award awards award-winning won wins profit profits
    profitable revenue revenues launch launches launched debut debuted thanks because leading leader leads
    millions billion billions subscribers downloads downloaded customers fans funding expand expands
    expanded expansion innovative innovation affordable cheaper convenient convenience praised acclaimed
    top-selling sellout sold-out sell-out trending
    """.split()  # noqa: SIM905 - a word list reads better as text
)

_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:'s|’s|'|’)$")


#: A named brand, product or organisation of a trend with its success sentences (the report's type).
EntityProfile = EntityFactors


def normalise_name(text: str) -> str:
    """An entity mention without leading article, possessive or surrounding punctuation."""
    name = " ".join(text.split()).strip(" \"'“”‘’.,:;()[]")
    return _TRAILING.sub("", _LEADING.sub("", name)).strip()


def has_success_cue(sentence: Sentence) -> bool:
    """Whether the sentence holds a word of :data:`SUCCESS_CUES` (or the phrase "thanks to")."""
    return any(
        token.lower_ in SUCCESS_CUES or (token.lower_ == "record" and not token.tag_.startswith("VB"))
        for token in sentence.span
    )


def brand_profiles(
    sentences: Sequence[Sentence],
    *,
    top: int = 5,
    min_documents: int = 2,
    max_factors: int = 3,
) -> tuple[EntityProfile, ...]:
    """The ``top`` brands, products and organisations of a trend, each with its success sentences.

    Parameters
    ----------
    sentences
        The trend's sentences, parsed (see :func:`~trendlens.enrich.nlp.parse_sentences`),
        most representative documents first.
    top
        Entities returned at most.
    min_documents
        An entity must be named in at least this many documents.
    max_factors
        Success sentences kept per entity (distinct, in the order given).
    """
    kinds: dict[str, Counter[str]] = defaultdict(Counter)
    persons: Counter[str] = Counter()
    documents: dict[str, set[str]] = defaultdict(set)
    spelled: dict[str, Counter[str]] = defaultdict(Counter)
    factors: dict[str, list[Finding]] = defaultdict(list)
    for sentence in sentences:
        cue = has_success_cue(sentence)
        named_here: set[str] = set()
        for ent in sentence.span.ents:
            name = normalise_name(ent.text)
            key = name.casefold()
            if len(key) < 2:
                continue
            if ent.label_ == "PERSON":
                persons[key] += 1
                continue
            if ent.label_ not in ENTITY_KINDS:
                continue
            kinds[key][ENTITY_KINDS[ent.label_]] += 1
            spelled[key][name] += 1
            documents[key].add(sentence.doc_id)
            named_here.add(key)
        if cue:
            for key in named_here:
                if len(factors[key]) < max_factors and all(f.text != sentence.text for f in factors[key]):
                    factors[key].append(Finding(sentence.text, sentence.doc_id))
    ranked = sorted(
        (key for key in kinds if len(documents[key]) >= min_documents and persons[key] <= kinds[key].total()),
        key=lambda key: (-len(documents[key]), -len(factors[key]), key),
    )
    return tuple(
        EntityProfile(
            name=spelled[key].most_common(1)[0][0],
            kind=kinds[key].most_common(1)[0][0],
            documents=len(documents[key]),
            factors=tuple(factors[key]),
        )
        for key in ranked[:top]
    )
