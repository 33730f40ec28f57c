"""Brands, products, platforms and organisations named in a trend, and their key success factors.

spaCy's recogniser alone finds little in social posts: names are written in
lower case ("bluesky"), in hashtags ("#ByeByeX"), as @handles ("@bsky.app") or
in another script, and the small English model calls "Bluesky" a person and
"Elon" an organisation. So a name is found and judged from what the trend's
own documents show (every document of the trend, not a sample):

1. **Candidates**: words written with a capital where capitals are a choice
   (not sentence-initial, not in a Title Case headline) in two documents or
   more, and the organisations and products spaCy tags in the parsed sentences;
   not a dictionary word that is mostly capitalised beside another capitalised
   word, a part of longer names ("Home Secretary", "Manchester United"); not a
   word the documents often write in the plural, a common noun ("DM"/"DMs",
   "MP"/"MPs", "PC"/"PCs"); not a function word of another language they are
   written in ("Como" opening Portuguese sentences).
2. **Mentions** of a candidate: the word in any case once the trend writes it
   capitalised at least a third of the time, capitalised runs ("Blue Sky"),
   hashtag and handle words (:mod:`trendlens.enrich.mentions`).
3. **Variants** become one entity: one key for case, spacing and hashtag forms;
   an abbreviation to the name it abbreviates ("bsky" → "bluesky": same first and
   last letter, letters in order; or the initials of the words a name is made of:
   "IG" → "Instagram", "EU" → "European Union"); two names a document equates ("X (formerly
   Twitter)", "Twitter (now X)", "aka", "rebranded as"); a CJK name to a
   Latin one when its pinyin spells it, when it stands next to it in two documents
   ("RedNote（小红书）"), or when the two co-occur far beyond chance
   (:mod:`trendlens.enrich.aliases`).
4. **Kind**, in this order: a *platform* when the documents treat it as a place
   people are on, join or leave ("on X", "joined X", "moved to X") in a fifth of
   the documents naming it; a place (left out) when spaCy tags it as one more
   often than anything says company or platform; a *platform* from a tenth of
   platform documents; an *organisation* (or *product*) when it is followed by a
   noun of companies ("Netflix subscribers", "Apple CEO", "Facebook ads") in two
   documents or more; a *person* (left out) when it is part of a person's name in
   a twentieth of them: after a title ("President Trump"), after a first name
   ("Donald Trump"), a first name before a capitalised name ("Elon Musk"; first
   names from the ``gender-guesser`` list), or in a full name spaCy tags as a
   person; a person or a bare first name (left out) when spaCy's person tag wins
   or nothing but spaCy's organisation tag speaks for it ("Elon"); otherwise an
   *organisation* or *product* when spaCy tags it so in two documents or more and
   more often than anything else.

Entities are ranked by the number of documents naming them; each carries its
key success factors (:mod:`trendlens.enrich.factors`), with engagement and citations.
"""

from __future__ import annotations

import functools
import re
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from trendlens.enrich.aliases import abbreviates, equated_pairs, link_scripts
from trendlens.enrich.factors import SUCCESS_CUES, group_statements, post_statements
from trendlens.enrich.mentions import Post, TrendDocuments, letter_name, name_key, name_runs, read_post, tag_runs
from trendlens.enrich.nlp import Sentence
from trendlens.report.model import EntityFactors

__all__ = ["SUCCESS_CUES", "EntityProfile", "brand_profiles", "has_success_cue", "normalise_name"]

#: Documents of a trend whose languages tell which words are function words of another language.
LANGUAGE_SAMPLE = 300
#: Share of a word's uses written in the plural from which it is a common noun, not a name (:func:`_pluralised`).
PLURAL_SHARE = 0.25
MIN_PLURALISED = 3
#: Share of a dictionary word's capitalised uses beside another capitalised word from which it is a part of
#: names, not a name (:func:`_part_of_names`).
PART_OF_NAMES = 0.7
#: spaCy entity labels read as organisations or products, places, and the rest.
ENTITY_KINDS = {"ORG": "organisation", "PRODUCT": "product"}
PLACE_LABELS = frozenset({"GPE", "LOC", "NORP", "FAC"})
#: Share of the documents naming an entity in a platform frame ("on X", "joined X") that makes it a platform.
PLATFORM_SHARE = 0.1
#: Documents of evidence a kind needs (spaCy labels, platform frames, company nouns), whatever ``min_documents``.
EVIDENCE = 2
#: Share of the documents naming a name as part of a person's name ("Elon Musk") that makes it a person.
PERSON_SHARE = 0.05
#: Below this share of capitalised mid-sentence mentions a word is a common word, not a name.
COMMON_WORD_SHARE = 0.2
#: Share of mid-sentence mentions written capitalised from which lower-case mentions count too.
CAPITAL_SHARE = 1 / 3
#: Candidates judged (parsed, classified) per trend, most named first.
MAX_CANDIDATES = 15
#: Sentences parsed per candidate when the trend's parsed sentences hold fewer.
PARSE_PER_CANDIDATE = 4

#: Verbs before a name that treat it as a place to join or leave ("joined Bluesky", "left Twitter").
PLATFORM_WORDS = frozenset(
    """
    join joins joined joining leave leaves left leaving quit quits quitting delete deletes deleted
    deleting deactivate deactivated download downloaded install installed uninstall uninstalled
    ditch ditched abandon abandoned
    """.split()  # noqa: SIM905
)
#: "on"/"off"/"via" treat a name as a platform after one of these ("I'm on X", "posted on X", "people on X").
BEING_ON = frozenset(
    """
    im am be is are was were been being here active me us you them him her posted post posting posts
    see seen saw find found follow followed following read share shared sharing watch watched stream
    streaming available exclusively only also still already everyone anyone people friends account
    accounts profile page life time everything everybody folks
    """.split()  # noqa: SIM905
)
#: "to"/"from" treat a name as a place only after one of these ("moved to X", "new to X", "exodus from X").
MOTION_WORDS = frozenset(
    """
    move moved moving moves switch switched switching migrate migrated migrating come came coming
    go went going head headed heading flock flocked flocking flee fled fleeing over back new welcome
    exodus migration escape escaped
    """.split()  # noqa: SIM905
)
#: Nouns after a name that make it a company, brand or service ("Facebook ads", "Netflix subscribers", "Apple CEO").
ORG_NOUNS = frozenset(
    """
    user users ceo ceos founder cofounder employees employee workers staff shares stock stocks shareholders
    investors app apps platform platforms account accounts subscribers subscription subscriptions customers
    executives executive exec execs spokesperson spokesman spokeswoman headquarters hq board boss chief
    page pages feed feeds timeline algorithm algorithms service services store stores products product brand
    logo website site policy policies moderators moderation inc corp corporation co ltd llc ads ad advertisers
    advertising profits revenue earnings sales community premium servers server devs developers owner
    """.split()  # noqa: SIM905
)
#: Titles before a person's name ("President Trump", "Mr Musk").
TITLES = frozenset(
    """
    mr mrs ms miss dr prof president senator sen rep governor gov minister chancellor premier king queen
    prince princess duke duchess pope sir dame lord lady mayor judge justice secretary chairman chairwoman ceo
    """.split()  # noqa: SIM905
)
_LEADING = re.compile(r"^(?:the|a|an)\s+", re.IGNORECASE)
_TRAILING = re.compile(r"(?:'s|’s|'|’)$")

#: A named entity of a trend with its key success factors (the report's type).
EntityProfile = EntityFactors


def normalise_name(text: str) -> str:
    """An entity mention without leading article, possessive or surrounding punctuation."""
    name = " ".join(text.split()).strip(" \"'“”‘’.,:;()[]")
    return _TRAILING.sub("", _LEADING.sub("", name)).strip()


def has_success_cue(sentence: Sentence) -> bool:
    """Whether the parsed sentence holds a word of :data:`SUCCESS_CUES` ("record" only as a noun or adjective)."""
    return any(
        token.lower_ in SUCCESS_CUES or (token.lower_ == "record" and not token.tag_.startswith("VB"))
        for token in sentence.span
    )


@functools.lru_cache(maxsize=1)
def _stop_words() -> frozenset[str]:
    """spaCy's English stop words (imported on first use: spaCy is heavy)."""
    from spacy.lang.en.stop_words import STOP_WORDS

    return frozenset(STOP_WORDS)


@functools.lru_cache(maxsize=1)
def _given_names():
    import gender_guesser.detector

    return gender_guesser.detector.Detector(case_sensitive=False)


def is_given_name(word: str) -> bool:
    """Whether ``word`` is a first name in the ``gender-guesser`` name list (any country, any gender)."""
    return word.isalpha() and _given_names().get_gender(word) != "unknown"


@dataclass
class _Key:
    """Evidence gathered for one key over the trend's documents."""

    docs: set[int] = field(default_factory=set)  # any form
    text_docs: set[int] = field(default_factory=set)  # running text
    name_docs: set[int] = field(default_factory=set)  # capitalised where capitals are a choice
    frame_docs: set[int] = field(default_factory=set)
    org_docs: set[int] = field(default_factory=set)  # followed by a noun of companies ("Netflix subscribers")
    person_docs: set[int] = field(default_factory=set)  # after a title, or spaCy's person
    pairs: dict[str, set[int]] = field(default_factory=lambda: defaultdict(set))  # first/last name partner → docs
    capital_docs: set[int] = field(default_factory=set)  # running text, capitalised anywhere
    capital: int = 0
    lower: int = 0
    spellings: Counter[str] = field(default_factory=Counter)
    forms: Counter[str] = field(default_factory=Counter)  # hashtag and handle forms
    ner: Counter[str] = field(default_factory=Counter)  # spaCy label → documents
    voted: set[tuple[int, str]] = field(default_factory=set)
    parsed: set[int] = field(default_factory=set)


def brand_profiles(
    sentences: Sequence[Sentence],
    documents: TrendDocuments | None = None,
    *,
    top: int = 5,
    min_documents: int = 2,
    max_factors: int = 3,
    nlp=None,
) -> tuple[EntityProfile, ...]:
    """The ``top`` brands, products, platforms and organisations of a trend, with their key success factors.

    Parameters
    ----------
    sentences
        The trend's parsed sentences (see :func:`~trendlens.enrich.nlp.parse_sentences`), most
        representative documents first: their named entities are candidates and votes.
    documents
        Every document of the trend with its engagement (default: the documents of ``sentences``).
        Mentions, kinds and success factors are read from all of them.
    top
        Entities returned at most.
    min_documents
        An entity must be named in at least this many documents.
    max_factors
        Factor groups kept per entity (each quotes up to two sentences).
    nlp
        The spaCy pipeline for the few extra sentences parsed to judge a candidate (default: the shared one).
    """
    if documents is None:
        documents = _documents_of(sentences)
    posts = [read_post(text) for text in documents.texts]
    index = {doc_id: i for i, doc_id in enumerate(documents.doc_ids)}
    keys = _candidates(posts, sentences, index, max(min_documents, EVIDENCE))
    _count(posts, keys)
    judged = sorted(keys, key=lambda k: (-len(keys[k].docs), k))[:MAX_CANDIDATES]
    _vote(sentences, index, keys)
    _vote_more(posts, judged, keys, nlp)
    groups = _merge(posts, judged, keys)
    entities = []
    for members in groups:
        kind = _kind(members, keys)
        if kind is not None:
            entities.append((members, kind))
    entities = _join_prefixes(entities, keys)
    counted = {k: _Key() for members, _ in entities for k in members}
    letters = [k for k in counted if len(k) == 1]
    shadows = {
        k: _Key()
        for k in keys
        if k not in counted and any(a in k for a in letters) and not any(a in k for a in counted if len(a) > 1)
    }
    # Mentions again, of the accepted names only ("#TwitterExodus" names Twitter), except that a longer
    # name written in the trend keeps its letters from a one-letter name ("SpaceX" does not name X).
    _count(posts, counted | shadows)
    for k, ev in counted.items():
        keys[k].docs, keys[k].forms, keys[k].spellings = ev.docs, ev.forms, ev.spellings or keys[k].spellings
    docs = [set().union(*(keys[k].docs for k in members)) for members, _ in entities]
    extra = link_scripts(posts, [members for members, _ in entities], docs, keys)
    for i, (_, added) in enumerate(extra):
        docs[i] |= added
    order = sorted(
        (i for i in range(len(entities)) if len(docs[i]) >= min_documents),
        key=lambda i: (-len(docs[i]), _display(entities[i][0], keys)),
    )[:top]
    spots = _spots(posts, [entities[i][0] for i in order], keys)
    statements = []
    for d, post in enumerate(posts):
        named = {e for e, i in enumerate(order) if d in docs[i]}
        statements += post_statements(post, d, spots.get(d, {}), next(iter(named)) if len(named) == 1 else None)
    grouped = group_statements(statements, documents, top=max_factors)
    out = []
    for e, i in enumerate(order):
        members, kind = entities[i]
        factor_groups = grouped.get(e, ())
        out.append(
            EntityProfile(
                name=_display(members, keys),
                kind=kind,
                documents=len(docs[i]),
                factors=tuple(ev for g in factor_groups for ev in g.evidence),
                aliases=_aliases(members, keys, extra[i][0]),
                engagement=_engagement(documents, docs[i]),
                groups=factor_groups,
            )
        )
    return tuple(out)


def _documents_of(sentences: Sequence[Sentence]) -> TrendDocuments:
    """The documents of ``sentences`` (their sentences joined), in first-seen order, without engagement."""
    texts: dict[str, list[str]] = {}
    for s in sentences:
        texts.setdefault(s.doc_id, []).append(s.text)
    return TrendDocuments(tuple(" ".join(t) for t in texts.values()), tuple(texts))


def _candidates(posts: Sequence[Post], sentences: Sequence[Sentence], index: dict[str, int], least: int):
    """Keys written as names in ``least`` documents or more, and organisations/products spaCy tags."""
    name_docs: dict[str, set[int]] = defaultdict(set)
    inside: Counter = Counter()  # name-like uses of a key next to another capitalised word of its sentence
    uses: Counter = Counter()
    halves: set[str] = set()  # the two words of a name written apart ("Blue Sky" for "Bluesky"), joined
    for d, post in enumerate(posts):
        words = post.words
        for i, word in enumerate(words):
            if word.name_like and (len(word.key) > 1 or letter_name(post, word)):
                name_docs[word.key].add(d)
                uses[word.key] += 1
                beside = [j for j in (i - 1, i + 1) if 0 <= j < len(words) and words[j].sentence == word.sentence]
                inside[word.key] += any(words[j].capitalised for j in beside)
                halves.update(words[min(i, j)].key + words[max(i, j)].key for j in beside)
    joined = {h for h in halves if h in name_docs}  # also written as one word: a name, not two
    parts = {
        k
        for k in name_docs
        if _part_of_names(k, inside[k], uses[k]) and not any(h.startswith(k) or h.endswith(k) for h in joined)
    }
    excluded = _stop_words() | parts | _pluralised(posts) | _function_words(posts)
    keys = {k: _Key() for k, docs in name_docs.items() if len(docs) >= least and k not in excluded}
    # A handle or hashtag that abbreviates a name ("@bsky.app", "#bsky" for Bluesky) is a candidate too.
    tag_docs: dict[str, set[int]] = defaultdict(set)
    for d, post in enumerate(posts):
        for tag in post.tags:
            tag_docs[name_key("".join(tag.words))].add(d)
    names = sorted(keys)
    for key, docs in tag_docs.items():
        if len(docs) >= least and key not in keys and any(abbreviates(key, k) for k in names):
            keys[key] = _Key()
    for s in sentences:
        for ent in s.span.ents:
            key = name_key(normalise_name(ent.text))
            if ent.label_ in ENTITY_KINDS and len(key) > 1 and key not in excluded and s.doc_id in index:
                keys.setdefault(key, _Key())
    return keys


def _function_words(posts: Sequence[Post]) -> frozenset[str]:
    """Function words of the other languages the documents are written in (:func:`~trendlens.corpus.language.
    function_words`, on a seeded sample of :data:`LANGUAGE_SAMPLE`): a capitalised "Como" opening a sentence of
    Portuguese tweets about the Kiss nightclub fire is no organisation."""
    from trendlens.corpus.language import function_words

    return function_words([post.text for post in posts], sample=LANGUAGE_SAMPLE)


def _pluralised(posts: Sequence[Post]) -> set[str]:
    """Words the documents write in the plural at least :data:`PLURAL_SHARE` as often as in the singular (which
    they use :data:`MIN_PLURALISED` times or more): common nouns, however capitalised; with their plurals when
    they are abbreviations (written in capitals: "DMs", "MPs"). Threads reviews named "DM" an organisation in
    18 documents ("DM" 133 times in the corpus, "DMs" 67, "dms" 38); BBC politics writes "MP" 116 times and
    "MPs" 201. Names are rarely pluralised ("Twitters" 10 against 4,904 "Twitter", "Metas" 4 against 437); a
    name that is a plural ("Threads", "Oscars") stays."""
    counts: Counter = Counter()
    capitals: Counter = Counter()
    for post in posts:
        for word in post.words:
            counts[word.key] += 1
            capitals[word.key] += word.text.isupper() and len(word.text) > 1
    out = set()
    for singular, n in counts.items():
        if n >= MIN_PLURALISED and counts.get(singular + "s", 0) >= max(2, PLURAL_SHARE * n):
            out.add(singular)
            if capitals[singular] > n / 2:
                out.add(singular + "s")
    return out


def _part_of_names(key: str, inside: int, uses: int) -> bool:
    """Whether a word is only a part of longer names: an English word ("home", "springs", "nations") written
    with a capital mostly beside another capitalised word ("Home Secretary", "Colorado Springs", "Six
    Nations"), at least :data:`PART_OF_NAMES` of its uses. BBC's UK politics listed "Home" as an organisation
    named in 97 documents, its football "United", its tennis "Open" and "Championships"; "Twitter", "Threads"
    and "Meta" are mostly written alone, and the halves of a name also written as one word ("Blue Sky",
    "Bluesky") stay (see :func:`_candidates`)."""
    from lemminflect import getAllLemmas

    return len(key) > 2 and uses > 0 and inside >= PART_OF_NAMES * uses and bool(getAllLemmas(key))


def _count(posts: Sequence[Post], keys: dict[str, _Key]) -> None:
    """Mentions of every key in running text, hashtags and handles, with frames and person evidence."""
    for d, post in enumerate(posts):
        words = post.words
        for word in words:
            ev = keys.get(word.key)
            if ev is not None and not word.initial and not word.title:
                if word.capitalised:
                    ev.capital += 1
                else:
                    ev.lower += 1
        for i, j, key in name_runs(words, keys):
            ev = keys[key]
            word = words[i]
            if len(key) == 1 and not letter_name(post, word):
                continue
            ev.text_docs.add(d)
            if word.capitalised:
                ev.capital_docs.add(d)
            ev.spellings[" ".join(w.text for w in words[i:j])] += 1
            if word.name_like or (j - i > 1 and not word.title):
                ev.name_docs.add(d)
            if _framed(words, i):
                ev.frame_docs.add(d)
            if word.name_like and j < len(words) and words[j].key in ORG_NOUNS and words[j].sentence == word.sentence:
                ev.org_docs.add(d)  # "Facebook ads" mid-sentence; not "new ads", not a headline's "New Ads"
            person = _person_like(words, i, j)
            if person is not None:
                if person:
                    ev.pairs[person].add(d)
                else:
                    ev.person_docs.add(d)
        for tag in post.tags:
            for start, _, key in tag_runs(tag.words, keys):
                if len(key) > 1 or tag.words[start].isupper():
                    keys[key].docs.add(d)
                    keys[key].forms[tag.text if tag.handle else tag.text.casefold()] += 1
    for ev in keys.values():
        lowered = ev.capital and ev.capital / (ev.capital + ev.lower) >= CAPITAL_SHARE
        ev.docs |= ev.text_docs if lowered else ev.capital_docs


def _framed(words: Sequence, i: int) -> bool:
    """Whether the words before word ``i`` treat it as a platform ("on X", "joined X", "moved over to X")."""
    before = [w.key for w in words[max(0, i - 3) : i] if w.sentence == words[i].sentence]
    if not before:
        return False
    if before[-1] in PLATFORM_WORDS:
        return True
    if before[-1] in ("on", "onto", "off", "via"):
        return len(before) > 1 and before[-2] in BEING_ON
    return before[-1] in ("to", "from", "into") and any(k in MOTION_WORDS for k in before[:-1])


def _person_like(words: Sequence, i: int, j: int) -> str | None:
    """The name as part of a person's name: "" after a title ("President Trump"); the key of the other
    name after a capitalised first name ("Donald Trump") or of a capitalised name after a first name
    ("Elon Musk"; first names from the ``gender-guesser`` list); ``None`` otherwise.

    A headline's first word is no first name ("Will Netflix Raise Prices?").
    """
    if j - i != 1:
        return None
    word = words[i]
    after = words[j] if j < len(words) and words[j].sentence == word.sentence else None
    before = words[i - 1] if i and words[i - 1].sentence == word.sentence else None
    if before is not None and before.key in TITLES:
        return ""
    if word.key in _stop_words() or (before is not None and before.key in _stop_words()):
        return None
    if (
        after is not None
        and after.capitalised
        and not after.text.isupper()
        and not (word.initial and word.title)
        and is_given_name(word.text)
    ):
        return after.key
    if (
        before is not None
        and before.capitalised
        and not (before.initial and before.title)
        and not word.text.isupper()
        and is_given_name(before.text)
    ):
        return before.key
    return None


def _vote(sentences: Sequence[Sentence], index: dict[str, int], keys: dict[str, _Key]) -> None:
    """spaCy's label for each key in the parsed sentences, once per document."""
    for s in sentences:
        d = index.get(s.doc_id)
        if d is None:
            continue
        _vote_span(s.span, d, keys)


def _vote_span(span, d: int, keys: dict[str, _Key]) -> None:
    labelled: set[str] = set()
    for ent in span.ents:
        key = name_key(normalise_name(ent.text))
        if key in keys:
            labelled.add(key)
            if (d, ent.label_) not in keys[key].voted:
                keys[key].voted.add((d, ent.label_))
                keys[key].ner[ent.label_] += 1
            keys[key].parsed.add(d)
        if ent.label_ == "PERSON" and len(ent) > 1 and any(is_given_name(t.text) for t in ent):
            for token in ent:  # a full name with a first name in it ("Elon Musk", not "Twitter Exodus")
                ev = keys.get(name_key(token.text))
                if ev is not None and token.text[:1].isupper():
                    ev.person_docs.add(d)
    for token in span:
        key = name_key(token.text)
        if key in keys and key not in labelled:
            keys[key].parsed.add(d)


def _vote_more(posts: Sequence[Post], judged: Sequence[str], keys: dict[str, _Key], nlp) -> None:
    """Parse a few sentences naming each judged candidate that the trend's parsed sentences barely hold
    (written as a name first)."""
    wanted: list[tuple[str, int]] = []
    for key in judged:
        ev = keys[key]
        need = PARSE_PER_CANDIDATE - sum(ev.ner.values())
        for d in sorted(ev.text_docs - ev.parsed, key=lambda d: (d not in ev.name_docs, d))[: max(0, need)]:
            mentions = [w for w in posts[d].words if w.key == key]
            if mentions:
                word = min(mentions, key=lambda w: w.title)  # a sentence-case line parses better
                wanted.append((posts[d].sentence_text(word.sentence), d))
    if not wanted:
        return
    from trendlens.enrich.nlp import load_nlp
    from trendlens.enrich.parses import parse_docs

    for doc, (_, d) in zip(parse_docs([t for t, _ in wanted], nlp or load_nlp()), wanted):
        _vote_span(doc[:], d, keys)


def _merge(posts: Sequence[Post], judged: Sequence[str], keys: dict[str, _Key]) -> list[list[str]]:
    """Judged keys grouped into entities: abbreviations and names the documents equate join their name."""
    parent = {k: k for k in keys}

    def find(k: str) -> str:
        while parent[k] != k:
            parent[k] = parent[parent[k]]
            k = parent[k]
        return k

    def size(k: str) -> int:
        return len(keys[k].docs)

    for short in keys:
        longs = [k for k in judged if k != short and abbreviates(short, k)]
        if longs and len(keys[short].docs):
            best = max(longs, key=lambda k: (size(k), k))
            parent[find(short)] = find(best)
    for (a, b), n in equated_pairs(posts, keys).items():
        if n >= 2:  # two documents, as for every other name: one post may misuse a cue
            ra, rb = find(a), find(b)
            if ra != rb:
                big, small = (ra, rb) if (size(ra), ra) >= (size(rb), rb) else (rb, ra)
                parent[small] = big
    groups: dict[str, list[str]] = defaultdict(list)
    for k in keys:
        groups[find(k)].append(k)
    judged_set = {k for k in judged if not _compound(k, keys)}
    return [sorted(m, key=lambda k: (-size(k), k)) for m in groups.values() if judged_set & set(m)]


def _compound(key: str, keys: dict[str, _Key]) -> bool:
    """Two names written as one ("Twitter X"), each more often named alone: the two, not a third entity."""
    size = len(keys[key].docs)
    return any(
        key[:n] in keys and key[n:] in keys and min(len(keys[key[:n]].docs), len(keys[key[n:]].docs)) > size
        for n in range(1, len(key))
    )


def _join_prefixes(entities: list[tuple[list[str], str]], keys: dict[str, _Key]) -> list[tuple[list[str], str]]:
    """A platform named by the start of a bigger platform's name ("Blue" for "Bluesky") joins it."""
    size = {i: len(set().union(*(keys[k].docs for k in m))) for i, (m, _) in enumerate(entities)}
    into: dict[int, int] = {}
    for i, (short, kind) in enumerate(entities):
        for j, (long, other) in enumerate(entities):
            if (
                i != j
                and kind == other == "platform"
                and size[j] > size[i]
                and any(b.startswith(a) and len(a) >= 3 for a in short for b in long)
                and j not in into
            ):
                into[i] = j
                break
    out = [(list(m), kind) for m, kind in entities]
    for i, j in into.items():
        out[j][0].extend(out[i][0])
    return [e for i, e in enumerate(out) if i not in into]


def _persons(members: Sequence[_Key], keys: dict[str, _Key]) -> set[int]:
    """Documents naming the entity as part of a person's name.

    A name next to a first name counts when that neighbour is a recurring name of the trend and no
    more a company or platform than a person's name: "Elon Musk" makes a person of Elon, "Meta
    Threads" none of Threads, "Meta Platforms" none of Meta.
    """

    def personal(key: str) -> bool:
        ev = keys.get(key)
        if ev is None:
            return False  # not a recurring name ("Meta Platforms")
        named = len(ev.org_docs | ev.frame_docs)
        return named < 2 or named <= len(ev.person_docs.union(*ev.pairs.values()))

    out: set[int] = set()
    for m in members:
        out |= m.person_docs
        for partner, docs in m.pairs.items():
            if personal(partner):
                out |= docs
    return out


def _kind(names: Sequence[str], keys: dict[str, _Key], least: int = EVIDENCE) -> str | None:
    """``"platform"``, ``"organisation"`` or ``"product"`` from the pooled evidence of the keys ``names``;
    ``None`` for anything else (see the module's docstring for the order of the tests)."""
    members = [keys[k] for k in names]
    text = set().union(*(m.text_docs for m in members))
    if len(text) < least:
        return None  # named in hashtags only ("#climatechange"): a topic, not shown to be a name
    frames = set().union(*(m.frame_docs for m in members))
    persons = _persons(members, keys)
    ner: Counter[str] = Counter()
    for m in members:
        ner.update(m.ner)
    org = ner["ORG"] + ner["PRODUCT"]
    companies = set().union(*(m.org_docs for m in members))
    capital, lower = sum(m.capital for m in members), sum(m.lower for m in members)
    if capital + lower >= 5 and capital < COMMON_WORD_SHARE * (capital + lower):
        return None  # a common word capitalised now and then ("a Good app"), not a name
    share = len(frames) / max(len(text), 1)
    if len(frames) >= least and share >= 2 * PLATFORM_SHARE:
        return "platform"
    if sum(ner[label] for label in PLACE_LABELS) > max(org + len(companies) + len(frames), least - 1):
        return None  # spaCy's place, more often than any sign of a company or platform
    if len(frames) >= least and share >= PLATFORM_SHARE and len(frames) > len(persons):
        return "platform"
    if len(companies) >= least and len(companies) > len(persons):
        return "product" if ner["PRODUCT"] > ner["ORG"] else "organisation"
    if persons and len(persons) >= PERSON_SHARE * max(len(text), 1):
        return None
    if ner["PERSON"] > max(org, 1) or all(is_given_name(_display([k], keys)) for k in names):
        return None  # spaCy's organisation tag is no evidence for a first name ("Elon")
    if org >= least and org > ner.total() / 2 and name_key(_display(names[:1], keys).split()[0]) not in TITLES:
        return "product" if ner["PRODUCT"] > ner["ORG"] else "organisation"  # spaCy's majority, not "Duchess of …"
    return None


def _display(members: Sequence[str], keys: dict[str, _Key]) -> str:
    """The most common capitalised spelling of the entity's most named key that abbreviates none of the others."""
    full = [k for k in members if not any(abbreviates(k, other) for other in members)]
    for key in full + [k for k in members if k not in full]:
        spellings = keys[key].spellings
        capitalised = [(n, s) for s, n in spellings.items() if s[:1].isupper()]
        if capitalised:
            return normalise_name(max(capitalised)[1])
        if spellings:
            return normalise_name(spellings.most_common(1)[0][0])
    return members[0]


def _aliases(members: Sequence[str], keys: dict[str, _Key], extra: Sequence[str], limit: int = 6) -> tuple[str, ...]:
    """Other forms of the entity: its other keys' spellings, hashtag/handle forms and linked names, most used first."""
    name = _display(members, keys)
    forms: Counter[str] = Counter()
    for key in members:
        ev = keys[key]
        if key != name_key(name) and ev.spellings:
            forms[ev.spellings.most_common(1)[0][0]] += sum(ev.spellings.values())
        forms.update(ev.forms)
    picked = [f for f, _ in sorted(forms.items(), key=lambda x: (-x[1], x[0])) if f != name]
    return tuple(picked[: limit - len(extra)]) + tuple(extra)


def _spots(
    posts: Sequence[Post], entities: Sequence[Sequence[str]], keys: dict[str, _Key]
) -> dict[int, dict[int, int]]:
    """Per document, the running-text word indices naming each of ``entities`` (its number in the list)."""
    owner = {k: e for e, members in enumerate(entities) for k in members}
    out: dict[int, dict[int, int]] = {}
    for d, post in enumerate(posts):
        for i, j, key in name_runs(post.words, keys):
            e = owner.get(key)
            if e is not None and d in keys[key].docs and (len(key) > 1 or letter_name(post, post.words[i])):
                for k in range(i, j):
                    out.setdefault(d, {})[k] = e
    return out


def _engagement(documents: TrendDocuments, docs: set[int]) -> int | None:
    values = [v for v in (documents.engagement_of(d) for d in docs) if v is not None]
    return sum(values) if values else None
