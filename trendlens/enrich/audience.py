"""Description of consumers: who a trend is about, read only from explicit words in its sentences.

Four facets are described, age, gender, income and lifestyle. A facet gets a value only
when a sentence names it outright ("Gen Z shoppers", "a 16-year-old girl", "low-income
families"); nothing is inferred from topic or tone. Every value is backed by sentences
quoted verbatim with their document id, and a facet without any cue is reported as
:data:`NOT_STATED`.

Matching is token based (spaCy ``PhraseMatcher`` on lower-cased text plus a few
``Matcher`` patterns for numeric ages), so a cue never matches inside a longer word.
"""

from __future__ import annotations

import functools
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from trendlens.enrich.findings import Finding
from trendlens.enrich.nlp import Sentence, load_nlp
from trendlens.enrich.roles import (
    affected_group,
    names_a_thing,
    person_noun,
    person_word,
    plural_form,
    self_descriptions,
    singular_form,
    tag_or_relative,
)
from trendlens.report.model import NOT_STATED as REPORT_NOT_STATED
from trendlens.report.model import AudienceFacet

if TYPE_CHECKING:
    from spacy.tokens import Doc, Span, Token
    from spacy.vocab import Vocab


def _w(text: str, sep: str = ",") -> tuple[str, ...]:
    """The items of a ``sep``-separated word list, stripped."""
    return tuple(item.strip() for item in text.split(sep) if item.strip())


#: What the report says for a facet that no sentence speaks of.
NOT_STATED = REPORT_NOT_STATED
#: The facets, in report order.
FACETS = ("age", "gender", "income", "lifestyle")
#: Documents a value needs before the report states it: one document is an anecdote.
MIN_DOCUMENTS = 2
#: Share of the documents read that a value needs before the report states it (see ``describe_audience``).
MIN_SHARE = 0.05

# Words that mark a parent; they count for gender and for the "parents" lifestyle.
_MOTHERS = _w("mother, mothers, mom, moms, mum, mums, moms-to-be, mothers-to-be, stay-at-home moms")
_FATHERS = _w("father, fathers, dad, dads, fathers-to-be, dads-to-be, stay-at-home dads")

#: facet -> normalised value -> phrases (matched case-insensitively, token by token).
LEXICON: dict[str, dict[str, tuple[str, ...]]] = {
    "age": {
        "Gen Alpha": _w("gen alpha, generation alpha, gen-alpha"),
        "Gen Z": _w("gen z, gen-z, genz, generation z, gen zers, gen z'ers, gen-zers, zoomers, zoomer"),
        "millennials": _w("millennials, millennial, gen y, generation y, gen-y"),
        "Gen X": _w("gen x, gen-x, generation x, gen xers, gen-xers, gen xer, gen-xer"),
        "baby boomers": _w("baby boomers, baby boomer, boomers, boomer, baby-boomers, baby-boomer"),
        "children": _w(
            "children, child, kids, kid, toddlers, toddler, babies, baby, infants, infant, newborns, newborn, "
            "preschoolers, preschooler, tweens, schoolchildren, grade schoolers"
        ),
        "teenagers": _w(
            "teenagers, teenager, teens, teen, teenage, adolescents, adolescent, high schoolers, high-schoolers, "
            "high school students"
        ),
        "young adults": _w(
            "young adults, young adult, twentysomethings, twentysomething, twenty-somethings, college-age, "
            "college-aged, college age, college aged"
        ),
        "young people": _w("young people, youngsters, youths"),
        "middle-aged": _w("middle-aged, middle aged, middle age, midlife, mid-life"),
        "older adults": _w(
            "seniors, senior citizens, elderly, the elderly, older adults, older people, older americans, "
            "older workers, older women, older men, retirees, pensioners, octogenarians, nonagenarians, "
            "centenarians, grandparents, grandmothers, grandfathers, grandmother, grandfather"
        ),
    },
    "gender": {
        "women": _w("women, woman, girls, girl, wives, wife, female, females, ladies") + _MOTHERS,
        "men": _w("men, man, boys, boy, husbands, husband, male, males, gentlemen") + _FATHERS,
        "nonbinary": _w("nonbinary, non-binary, genderqueer, gender-nonconforming, gender nonconforming"),
        "transgender": _w("transgender, trans people, trans person, trans youth, trans kids, trans folks"),
    },
    "income": {
        "low income": _w(
            "low-income, low income, lower-income, lower income, poverty, impoverished, working class, "
            "working-class, blue-collar, blue collar, budget-conscious, budget conscious, on a budget, "
            "on a tight budget, cash-strapped, paycheck to paycheck, low-wage, low wage, minimum wage, minimum-wage, "
            "food stamps, unemployed"
        ),
        "middle class": _w("middle class, middle-class, middle-income, middle income"),
        "high income": _w(
            "affluent, wealthy, high earners, high-earners, high-income, high income, higher-income, "
            "upper-income, upper class, upper-class, luxury buyers, luxury shoppers, luxury consumers, millionaires, "
            "billionaires, ultra-rich, ultra-wealthy, high-net-worth, high net worth, super-rich, superrich"
        ),
    },
    "lifestyle": {
        "parents": _w("parents, parent, parenting, new parents, single parents") + _MOTHERS + _FATHERS,
        "students": _w("students, student, college students, undergraduates, undergrads, grad students, pupils"),
        "gamers": _w("gamers, gamer, esports players"),
        "travellers": _w(
            "travellers, travelers, traveller, traveler, tourists, tourist, vacationers, holidaymakers, backpackers"
        ),
        "commuters": _w("commuters, commuter"),
        "remote workers": _w(
            "remote workers, remote worker, remote employees, telecommuters, digital nomads, working from home, "
            "work from home, work-from-home"
        ),
        "athletes": _w("athletes, athlete, runners, joggers, cyclists, gym-goers, gymgoers"),
        "pet owners": _w("pet owners, pet owner, dog owners, dog owner, cat owners, cat owner, pet parents"),
        "vegans": _w("vegans, vegetarians, plant-based eaters"),
        "foodies": _w("foodies, foodie, food lovers"),
        "fans": _w("fans, superfans, fanbase"),
        "shoppers": _w("shoppers, shopper, online shoppers"),
        "homeowners": _w("homeowners, homeowner, homebuyers, home buyers, first-time buyers"),
        "renters": _w("renters, renter, tenants"),
        "farmers": _w("farmers, farmer, ranchers"),
        "entrepreneurs": _w("entrepreneurs, entrepreneur, small business owners, business owners, startup founders"),
        "influencers": _w("influencers, influencer, content creators, youtubers, tiktokers"),
        "patients": _w("patients"),
        "caregivers": _w("caregivers, caregiver, carers, caretakers"),
        "voters": _w("voters, voter"),
        "veterans": _w("veterans, military veterans"),
        "immigrants": _w("immigrants, immigrant, migrants, migrant"),
        "refugees": _w("refugees, refugee, asylum seekers"),
    },
}

# People nouns: "poor"/"rich" count only before one of these (or as "the poor"/"the rich"),
# and a singular "N-year-old" must not be followed by a noun outside this list ("a 10-year-old company").
_PEOPLE = frozenset(
    _w(
        "people persons person families family households kids children child americans adults adult women woman men "
        "man workers communities neighborhoods neighbourhoods neighbourhood neighborhood students student voters "
        "parents parent folks individuals residents consumers shoppers seniors girls girl boys boy mothers mother "
        "fathers father mom dad son daughter sons daughters patients patient teen teens teenager teenagers kid baby "
        "toddler infant brother sister wife husband boyfriend girlfriend victim suspect driver player actor actress "
        "singer star influencer gamer athlete runner worker employee owner customer user immigrant migrant refugee "
        "twins twin grandson granddaughter grandmother grandfather nephew niece cousin tourists travelers travellers "
        "buyers donors investors clients",
        sep=" ",
    )
)
# A cue glued by a hyphen to an outside word is dropped ("Spider-Man", "man-made", "front-runners")
# unless the outside word is one of these.
_HYPHEN_BEFORE_OK = frozenset(_w("ex step non single first new would soon stay young older low high", sep=" "))
_HYPHEN_AFTER_OK = frozenset(_w("friendly focused oriented centric targeted approved owned led run", sep=" "))
# Cohort names that are written capitalised in running text.
_COHORT_NAMES = frozenset(["Gen Alpha", "Gen Z", "millennials", "Gen X", "baby boomers"])
# Named entities whose names may contain cue words ("Little Women", "Boys & Girls Club", "Teen Vogue").
_NAME_LABELS = frozenset(_w("PERSON ORG WORK_OF_ART FAC PRODUCT EVENT LAW GPE LOC", sep=" "))

_UNITS = {
    w: i
    for i, w in enumerate(
        _w(
            "zero one two three four five six seven eight nine ten eleven twelve thirteen fourteen fifteen sixteen "
            "seventeen eighteen nineteen",
            sep=" ",
        )
    )
}
_TENS = {
    w: 10 * i for i, w in enumerate(_w("_ _ twenty thirty forty fifty sixty seventy eighty ninety", sep=" ")) if i > 1
}
_DECADES = {f"{w[:-1]}ies": n for w, n in _TENS.items()} | {f"{n}s": n for n in range(10, 100, 10)} | {"teens": 10}
_SHIFT = {"early": 2, "mid": 5, "late": 8}

_NUM = {"LIKE_NUM": True}
_HY = {"ORTH": {"IN": ["-", "–"]}, "OP": "?"}
_RANGE_SEP = {"LOWER": {"IN": ["to", "-", "–", "and", "through", "or"]}}
_DECADE = {"LOWER": {"IN": sorted(_DECADES)}}
# "mid-40s" is one token.
_SHIFTED_DECADE = {"LOWER": {"REGEX": rf"^({'|'.join(_SHIFT)})-({'|'.join(sorted(_DECADES))})$"}}
# Numeric age patterns; the numbers are read back from the matched tokens by _age_bucket.
_AGE_PATTERNS: dict[str, list[list[dict[str, Any]]]] = {
    "year_old": [
        [_NUM, _HY, {"LOWER": {"IN": ["year", "years"]}}, _HY, {"LOWER": {"IN": ["old", "olds"]}}],
        [_NUM, _HY, _NUM, _HY, {"LOWER": {"IN": ["year", "years"]}}, _HY, {"LOWER": {"IN": ["old", "olds"]}}],
        [_NUM, _HY, _RANGE_SEP, _NUM, _HY, {"LOWER": {"IN": ["year", "years"]}}, _HY, {"LOWER": "olds"}],
        [{"TEXT": {"REGEX": r"^\d+[-–]\d+$"}}, _HY, {"LOWER": {"IN": ["year", "years"]}}, _HY, {"LOWER": "olds"}],
        [{"TEXT": {"REGEX": r"^\d+-$"}}, _RANGE_SEP, _NUM, _HY, {"LOWER": "year"}, _HY, {"LOWER": "olds"}],
    ],
    "aged_range": [
        [{"LOWER": {"IN": ["aged", "ages", "age"]}}, _NUM, _RANGE_SEP, _NUM],
        [{"LOWER": {"IN": ["aged", "ages", "age"]}}, {"TEXT": {"REGEX": r"^\d+[-–]\d+$"}}],
    ],
    "and_older": [
        [_NUM, {"LOWER": {"IN": ["and", "or"]}}, {"LOWER": {"IN": ["older", "over", "up", "above"]}}],
        [{"LOWER": {"IN": sorted(_PEOPLE)}}, {"LOWER": {"IN": ["over", "above"]}}, _NUM],
        [{"LOWER": {"IN": sorted(_PEOPLE)}}, {"LOWER": "older"}, {"LOWER": "than"}, _NUM],
    ],
    "under": [
        [{"LOWER": {"IN": sorted(_PEOPLE)}}, {"LOWER": {"IN": ["under", "below"]}}, _NUM],
        [{"LOWER": {"IN": sorted(_PEOPLE)}}, {"LOWER": "younger"}, {"LOWER": "than"}, _NUM],
    ],
    "decade": [
        [
            {"LOWER": "in"},
            {"LOWER": {"IN": ["their", "his", "her", "my", "our", "your"]}},
            {"LOWER": {"IN": sorted(_SHIFT)}, "OP": "?"},
            _HY,
            _DECADE,
        ],
        [{"LOWER": "in"}, {"LOWER": {"IN": ["their", "his", "her", "my", "our", "your"]}}, _SHIFTED_DECADE],
        [_NUM, _HY, {"LOWER": {"IN": ["something", "somethings"]}}],
    ],
    # "poor"/"rich" alone are too often about things ("poor sales", "rich flavour"); see _poor_rich_ok.
    "poor_rich": [
        [{"LOWER": {"IN": ["poor", "rich"]}}, {"LOWER": {"IN": sorted(_PEOPLE)}}],
        [{"LOWER": "the"}, {"LOWER": {"IN": ["poor", "rich"]}}],
    ],
}


#: Phrases of the lexicon, lower-cased, and the longest of them in words.
_PHRASES = frozenset(
    re.sub(r"['’](?:s\b)?", "", w.lower()) for values in LEXICON.values() for words in values.values() for w in words
)
_LONGEST = max(len(p.split()) for p in _PHRASES)
#: Openings of the self-descriptions and numeric ages of :mod:`~trendlens.enrich.roles` and ``_AGE_PATTERNS``.
_ANCHORS = re.compile(
    "|".join(
        [
            r"\bi\s*['’]?\s*a?m\s+(?:\w+\s+)?(?:an?\s|\d)",  # "I'm a", "im just a", "I am 17"
            r"\bas\s+an?\s",
            r"\bfellow\b",
            r"\b(?:my|our)\s+(?:kids?|child|children|sons?|daughters?|bab(?:y|ies)|toddlers?)\b",
            r"\d\s*(?:yo|y/o|y\.o)\b",
            r"\byears?[-\s]+olds?\b|\bage[sd]?\s+\d",
            r"\b(?:older|younger)\s+than\b|\b(?:and|or)\s+(?:older|over|up|above)\b|\b(?:under|below|over|above)\s+\d",
            r"\b(?:teens|twenties|thirties|forties|fifties|sixties|seventies|eighties|nineties|\d0s)\b",
            r"\d0?[-\s]?somethings?\b|\b(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)[-\s]?something",
            r"\b(?:poor|rich)\b",
        ]
    ),
    re.IGNORECASE,
)
_WORD = re.compile(r"[\w'’]+(?:-[\w'’]+)*")
_POSSESSIVE = re.compile(r"['’](?:s\b)?")
# "<role> here" opening a sentence, and "we/us <role>s": the words that must name a person.
_HERE = re.compile(r"(?:^|[.!?\n])\s*((?:[#\w'’-]+\s+){1,4})here\b\s*(?:[^\w\s]|$)", re.IGNORECASE)
_WE = re.compile(r"\b(?:we|us)\s+([a-z]+s)\b", re.IGNORECASE)


def could_state_audience(text: str) -> bool:
    """Whether a raw text holds a word an audience cue could start from (cheap; see
    :func:`~trendlens.enrich.nlp.parse_matching`): a lexicon phrase, a self-description or an age."""
    words = _WORD.findall(_POSSESSIVE.sub("", text.lower()))  # "kids'", "man's": the noun itself
    for n in range(1, _LONGEST + 1):
        for i in range(len(words) - n + 1):
            if " ".join(words[i : i + n]) in _PHRASES:
                return True
    if _ANCHORS.search(text) is not None:
        return True
    if any(person_word(w) for m in _HERE.finditer(text) for w in m.group(1).lower().replace("#", " ").split()):
        return True
    return any(person_word(m.group(1).lower()) for m in _WE.finditer(text))


@dataclass
class _Matchers:
    """The matchers of one vocabulary."""

    phrases: Any  # spacy.matcher.PhraseMatcher
    patterns: Any  # spacy.matcher.Matcher
    labels: dict[int, tuple[str, str]]  # phrase match id -> (facet, value)


@functools.lru_cache(maxsize=4)
def _matchers(vocab: Vocab) -> _Matchers:
    """The phrase and pattern matchers for ``vocab``, built once."""
    from spacy.lang.en import English
    from spacy.matcher import Matcher, PhraseMatcher

    make_doc = English(vocab=vocab).make_doc  # the plain English tokenizer, sharing the pipeline's strings
    phrases = PhraseMatcher(vocab, attr="LOWER")
    labels: dict[int, tuple[str, str]] = {}
    for facet, values in LEXICON.items():
        for value, words in values.items():
            key = f"audience:{facet}:{value}"
            phrases.add(key, [make_doc(w) for w in words])
            labels[vocab.strings[key]] = (facet, value)
    patterns = Matcher(vocab)
    for name, pats in _AGE_PATTERNS.items():
        patterns.add(name, pats)
    return _Matchers(phrases, patterns, labels)


def _number(tokens: Sequence[Token]) -> list[int]:
    """The numbers written in ``tokens`` (digits, "18-", "18–34", or words such as "twenty-five")."""
    out: list[int] = []
    pending_tens = False
    for tok in tokens:
        text = tok.lower_.rstrip("-")
        if tok.lower_ in {"-", "–"}:
            continue
        parts = text.replace("–", "-").split("-")
        if all(p.isdigit() for p in parts) and parts[0]:
            out += [int(p) for p in parts]
            pending_tens = False
        elif text in _UNITS:
            if pending_tens and out and 0 < _UNITS[text] < 10:
                out[-1] += _UNITS[text]
            else:
                out.append(_UNITS[text])
            pending_tens = False
        elif text in _TENS:
            out.append(_TENS[text])
            pending_tens = True
        else:
            pending_tens = False
    return out


def _bucket(age: float) -> str | None:
    """The cohort of an age in years."""
    if age < 0 or age > 110:
        return None
    if age < 13:
        return "children"
    if age < 20:
        return "teenagers"
    if age < 40:
        return "young adults"
    if age < 65:
        return "middle-aged"
    return "older adults"


def _age_bucket(kind: str, span: Span, sent_end: int) -> str | None:
    """The cohort of a numeric age match, or ``None`` when the match is not about people's age."""
    doc = span.doc
    if kind == "decade":
        prefix, _, last = span[-1].lower_.rpartition("-")
        if last in _DECADES:
            shift = _SHIFT.get(prefix) or next((_SHIFT[t.lower_] for t in span if t.lower_ in _SHIFT), 5)
            return "teenagers" if last == "teens" else _bucket(_DECADES[last] + shift)
        numbers = _number(span[:-1])
        return _bucket(numbers[0] + 5) if numbers and numbers[0] % 10 == 0 and numbers[0] >= 20 else None
    numbers = _number(span)
    if not numbers:
        return None
    if kind == "year_old":
        following = doc[span.end] if span.end < sent_end else None
        noun = following is not None and following.tag_ in {"NN", "NNS", "NNP", "NNPS"}
        if span[-1].lower_ == "old" and noun and following.lower_ not in _PEOPLE:
            return None  # "a 10-year-old company"
        return _bucket(sum(numbers[:2]) / len(numbers[:2]))
    if kind == "aged_range":
        return _bucket(sum(numbers[:2]) / 2) if len(numbers) >= 2 and numbers[0] <= numbers[1] else None
    following = doc[span.end] if span.end < sent_end else None
    if following is not None and following.lower_ in {"percent", "%", "million", "billion", "thousand", "hundred"}:
        return None
    if kind == "and_older":
        return _bucket(numbers[0]) if numbers[0] >= 40 else None
    if kind == "under":
        return "children" if numbers[0] <= 18 else None
    return None


def _poor_rich_ok(span: Span, sent_end: int) -> bool:
    """Whether "poor"/"rich" speaks of people: before a people noun, or "the poor" used as a noun."""
    if span[-1].lower_ in _PEOPLE:
        return True
    following = span.doc[span.end] if span.end < sent_end else None
    return following is None or not following.tag_.startswith(("NN", "JJ", "CD", "VBG", "HYPH", ","))


def _glued(doc: Doc, start: int, end: int, sent_start: int, sent_end: int) -> bool:
    """Whether the match ``doc[start:end]`` is joined by a hyphen to a word outside it."""
    if start - 2 >= sent_start and doc[start - 1].text in {"-", "–"}:
        hyphen, outer = doc[start - 1], doc[start - 2]
        if not outer.whitespace_ and not hyphen.whitespace_ and outer.lower_ not in _HYPHEN_BEFORE_OK:
            return True
    if end + 1 < sent_end and doc[end].text in {"-", "–"}:
        last, hyphen, outer = doc[end - 1], doc[end], doc[end + 1]
        if not last.whitespace_ and not hyphen.whitespace_ and outer.lower_ not in _HYPHEN_AFTER_OK:
            return True
    return False


def _in_name(doc: Doc, start: int, end: int) -> bool:
    """Whether the match lies inside a longer named entity such as a title or an organisation."""
    for tok in (doc[start], doc[end - 1]):
        if tok.ent_iob_ == "O" or tok.ent_type_ not in _NAME_LABELS:
            return False
    ent = next((e for e in doc.ents if e.start <= start and end <= e.end), None)
    return ent is not None and ent.label_ in _NAME_LABELS and (ent.end - ent.start) > (end - start)


def _title_case(span: Span) -> bool:
    """Whether most longer words of ``span`` are capitalised, as in a headline."""
    words = [t for t in span if t.is_alpha and len(t) > 3]
    return bool(words) and sum(t.is_title or t.is_upper for t in words) >= 0.5 * len(words)


def _capitalised_name(doc: Doc, start: int, sent_start: int) -> bool:
    """Whether a cue in running (not headline) text is capitalised mid-sentence, as in "Iron Man" or "Little Women"."""
    first = doc[start]
    if start == sent_start or not first.is_title:
        return False
    before = doc[start - 1]
    return not (before.is_punct and before.text not in {",", "&"}) and not before.is_sent_start


def _longest(hits: list[tuple[int, int, str]]) -> list[tuple[int, int, str]]:
    """Non-overlapping hits, longer ones first, then earlier ones."""
    taken: list[tuple[int, int, str]] = []
    used: set[int] = set()
    for start, end, value in sorted(hits, key=lambda h: (-(h[1] - h[0]), h[0])):
        if used.isdisjoint(range(start, end)):
            taken.append((start, end, value))
            used.update(range(start, end))
    return sorted(taken)


def _doc_matches(doc: Doc, m: _Matchers) -> list[tuple[str, int, int, str | None]]:
    """Every raw match of ``doc`` as (facet, start, end, value); numeric ages carry their pattern name."""
    out: list[tuple[str, int, int, str | None]] = []
    for match_id, start, end in m.phrases(doc):
        facet, value = m.labels[match_id]
        out.append((facet, start, end, value))
    for match_id, start, end in m.patterns(doc):
        out.append((f"pattern:{doc.vocab.strings[match_id]}", start, end, None))
    return out


def _sentence_cues(sentence_span: Span, raw: Sequence[tuple[str, int, int, str | None]]) -> dict[str, list[str]]:
    """The cue values of each facet named in one sentence, in order of appearance.

    A cue inside the writer's self-description (:func:`~trendlens.enrich.roles.self_descriptions`)
    always counts, and a self-described role outside the lexicon counts as a lifestyle ("artists").
    A cue outside one counts unless it is a hashtag, someone's relative ("her boys"), a group that
    something happened to (:func:`~trendlens.enrich.roles.affected_group`), or a word that only
    qualifies a thing ("Immigrant Detention Center", :func:`~trendlens.enrich.roles.names_a_thing`).

    Parameters
    ----------
    sentence_span
        The parsed sentence.
    raw
        The raw matches of the sentence's document (see ``_doc_matches``).

    Returns
    -------
    dict
        facet -> distinct values, first mention first.
    """
    doc = sentence_span.doc
    s0, s1 = sentence_span.start, sentence_span.end
    headline = _title_case(sentence_span)
    selves = self_descriptions(sentence_span)
    hits: dict[str, list[tuple[int, int, str]]] = {f: [] for f in FACETS}

    def own(start: int, end: int) -> bool:  # "my kids" makes the writer a parent, not the kids the audience
        return any(a <= start and end <= b for a, b, kind in selves if kind != "parent")

    def third_person_ok(start: int, end: int) -> bool:
        return not (
            tag_or_relative(sentence_span, start)
            or affected_group(sentence_span, start, end)
            or names_a_thing(sentence_span, start, end)
        )

    for kind, start, end, value in raw:
        if start < s0 or end > s1:
            continue
        mine = own(start, end)
        if not mine and not third_person_ok(start, end):
            continue
        if kind.startswith("pattern:"):
            name = kind.split(":", 1)[1]
            if name == "poor_rich":
                if _poor_rich_ok(doc[start:end], s1):
                    value = "low income" if "poor" in {t.lower_ for t in doc[start:end]} else "high income"
                    hits["income"].append((start, end, value))
                continue
            bucket = _age_bucket(name, doc[start:end], s1)
            if bucket is not None:
                hits["age"].append((start, end, bucket))
            continue
        if _glued(doc, start, end, s0, s1) or (not mine and _in_name(doc, start, end)):
            continue
        if not mine and not headline and value not in _COHORT_NAMES and _capitalised_name(doc, start, s0):
            continue
        if doc[start].lower_ == "lower" and doc[start].tag_.startswith("VB"):
            continue  # "would lower income limits"
        if value is not None:
            hits[kind].append((start, end, value))
    for start, end, kind in selves:
        if any(start <= a and b <= end for facet_hits in hits.values() for a, b, _ in facet_hits):
            continue  # the lexicon already names it ("I'm a mom": women, parents)
        if kind == "age":
            bucket = _bucket(int(doc[start].text))
            if bucket is not None:
                hits["age"].append((start, end, bucket))
        elif kind == "parent":
            hits["lifestyle"].append((start, end, "parents"))
        else:
            role = next((t for t in reversed(doc[start:end]) if person_noun(t)), None)
            if role is not None:
                hits["lifestyle"].append((role.i, role.i + 1, plural_form(singular_form(role.lower_))))
    out: dict[str, list[str]] = {}
    for facet, facet_hits in hits.items():
        values = [v for _, _, v in _longest(facet_hits)]
        out[facet] = list(dict.fromkeys(values))
    return out


def describe_audience(
    sentences: Sequence[Sentence],
    *,
    documents_read: int | None = None,
    documents_total: int = 0,
    min_documents: int = MIN_DOCUMENTS,
    min_share: float = MIN_SHARE,
    max_evidence: int = 2,
) -> tuple[AudienceFacet, ...]:
    """Describe the consumers of a trend from explicit cues in its sentences, with their prevalence.

    A value is stated when at least ``min_documents`` documents, and at least ``min_share`` of the
    documents read, name it (see :data:`MIN_DOCUMENTS`, :data:`MIN_SHARE`); below that the facet
    says :data:`NOT_STATED`, as one post of thirty-five is no description of a trend's audience.

    Parameters
    ----------
    sentences
        The trend's sentences, as returned by :func:`trendlens.enrich.nlp.parse_sentences`
        (a sentence without a parsed span is parsed here). Repeated sentences of one document count once.
    documents_read
        Documents the sentences were drawn from, the denominator of the prevalence (default: the
        distinct document ids of ``sentences``; pass it when documents without a cue were left out).
    documents_total
        Documents of the trend, when more than were read: the prevalence says so ("1 of 500 documents read,
        of 707").
    min_documents, min_share
        The support a value needs: documents naming it, and their share of ``documents_read``.
    max_evidence
        Most evidence sentences kept per facet.

    Returns
    -------
    tuple of AudienceFacet
        Always four facets, in the order age, gender, income, lifestyle. A facet
        with no value above the threshold has no values and no evidence, and its summary is :data:`NOT_STATED`.
    """
    per_sentence: list[dict[str, list[str]]] = []
    raw_by_doc: dict[int, tuple[Doc, list[tuple[str, int, int, str | None]]]] = {}
    for sentence in sentences:
        span = sentence.span if sentence.span is not None else load_nlp()(sentence.text)[:]
        doc = span.doc
        if id(doc) not in raw_by_doc:
            raw_by_doc[id(doc)] = (doc, _doc_matches(doc, _matchers(doc.vocab)))
        per_sentence.append(_sentence_cues(span, raw_by_doc[id(doc)][1]))
    read = documents_read if documents_read is not None else len({s.doc_id for s in sentences})
    needed = max(min_documents, math.ceil(min_share * read - 1e-9))

    facets = []
    for facet in FACETS:
        stating: dict[str, set[str]] = {}  # value -> documents naming it; insertion order = first seen
        for sentence, cues in zip(sentences, per_sentence):
            for value in cues[facet]:
                stating.setdefault(value, set()).add(sentence.doc_id)
        ranked = sorted(stating, key=lambda v: -len(stating[v]))  # stable: ties keep first-seen order
        values = tuple(v for v in ranked if len(stating[v]) >= needed)
        facets.append(
            AudienceFacet(
                facet,
                values,
                _evidence(sentences, per_sentence, facet, values, max_evidence),
                documents=tuple(len(stating[v]) for v in values),
                documents_read=read,
                documents_total=documents_total if documents_total > read else 0,
            )
        )
    return tuple(facets)


def _evidence(
    sentences: Sequence[Sentence],
    per_sentence: Sequence[dict[str, list[str]]],
    facet: str,
    values: tuple[str, ...],
    max_evidence: int,
) -> tuple[Finding, ...]:
    """Up to ``max_evidence`` sentences of distinct documents naming ``values``: most values named first,
    then earlier."""
    wanted = set(values)
    scored = []
    for index, (sentence, cues) in enumerate(zip(sentences, per_sentence)):
        named = len(wanted.intersection(cues[facet]))
        if named:
            scored.append((-named, index, sentence))
    out: list[Finding] = []
    seen: set[str] = set()
    for _, _, sentence in sorted(scored, key=lambda s: s[:2]):
        if len(out) >= max_evidence:
            break
        if sentence.doc_id not in seen:
            seen.add(sentence.doc_id)
            out.append(Finding(sentence.text, sentence.doc_id))
    return tuple(out)
