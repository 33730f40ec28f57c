"""Drivers stated in a trend's documents: causes grouped by what they name, counted and cited.

:func:`~trendlens.enrich.causes.cause_mentions` finds the causes the documents state;
:func:`group_causes` groups those that say the same thing: average-linkage clustering of
their embeddings (cosine at least :data:`MIN_SIMILARITY`), joined where they are about the
same name and say related things ("Musk's takeover", "fuck Musk"; :data:`KEY_SIMILARITY`).
It counts the distinct documents and stories of each group and keeps the groups stated by
at least :data:`MIN_DOCUMENTS` stories with a connective that gives a reason, not only an
order of events (:data:`SEQUENCE_MARKERS`), each named by one of its phrases and backed by
verbatim sentences with their document ids. After them come up to :data:`MAX_OWN` groups fewer
stories give as the writer's reason for their own act of joining, leaving, trying or buying
(:func:`~trendlens.enrich.causes.own_act`), when that act is done to what the trend is about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

import numpy as np
from spacy.lang.en.stop_words import STOP_WORDS

from trendlens._vectors import unit
from trendlens.embed.base import Embedder
from trendlens.enrich.causes import CAUSAL_MARKERS, TEMPORAL_MARKERS, VERB_MARKER, CauseMention, cause_mentions
from trendlens.enrich.findings import Finding
from trendlens.enrich.roles import singular_form
from trendlens.report.content import share_of
from trendlens.report.model import Statement

if TYPE_CHECKING:
    from trendlens.enrich.nlp import Sentence

#: Cosine (all-MiniLM-L6-v2) from which two cause phrases join one driver (average linkage). Measured on
#: Bluesky posts: paraphrases sit at 0.60-0.96 ("#Trump's Election" / "the US election" 0.60, "the ban on
#: TikTok" / "the TikTok ban" 0.96) but average linkage needs headroom under them; 0.6 split the election.
MIN_SIMILARITY = 0.55
#: Distinct stories a driver needs to be reported: a cause given once is one story's, not the trend's.
#: Two was too few: in the 2026-12-04 blind judgements, the drivers that two stories gave ("I was a late
#: arrival to Twitter", "someone put me in a snack pack", "a lengthy illness") were nearly all judged
#: wrong, and on the Bluesky corpus most of them sat in trends of 150-500 posts.
MIN_DOCUMENTS = 3
#: Two sentences are one story when this share of their words is shared (Jaccard): a headline run twice,
#: a post and its copy. The blind judgement of issue 20 saw "Heart Surgery" lead a cluster of obituaries on
#: one story told twice; different people giving one reason in their own words stay separate stories.
SAME_STORY = 0.5
#: Cosine (all-MiniLM-L6-v2) between a cause phrase and the trend's centroid from which the cause is the trend
#: itself: after a time connective ("tsunami warning after earthquake rocks Guatemala" in the Guatemala quake
#: tweets, 0.79; "amid the growing COVID-19 outbreak" in the COVID news, 0.71), and under any connective.
#: Measured on the 2026-12-04 blind judgement's packets: the restatements sat at 0.56-0.89, the drivers judged
#: right or partly at 0.16-0.52 ("I refuse to support Elon Musk" 0.29 for the Bluesky migration).
RESTATES_AFTER = 0.55
RESTATES = 0.7
#: A cause whose every word occurs in this share of the trend's documents is what the trend is about, not
#: why ("floods" in a cluster of flood reports, "the coronavirus pandemic" in the COVID news). In the 1,200
#: CrisisLex tweets of the 2012 Colorado wildfires "fire" is in 34% and "wildfire" in 28%; "danger" in none.
SUBJECT_SHARE = 0.25
#: Mean cosine (all-MiniLM-L6-v2) two groups of causes need to join because they name the same name. Causes
#: about one person say related things ("Musk's takeover" / "fuck Musk and everything he stands for" 0.66);
#: causes that only share a word do not ("because God knows everything" / "because God was too busy
#: protecting our home" 0.35, three prayers after the 2013 Bohol earthquake).
KEY_SIMILARITY = 0.45
#: Connectives that mark an order of events as often as a reason: a driver needs :data:`MIN_DOCUMENTS`
#: stories that give it with another connective. In news most "after"/"amid" phrases are the previous
#: event ("after deadly Russian strikes in Sumy", "amid the coronavirus pandemic"); the blind judgements of
#: issue 20 marked nearly every driver stated only that way wrong. "since" is not among them: a temporal
#: "since" is left out when it is read (:mod:`~trendlens.enrich.causes`).
SEQUENCE_MARKERS = frozenset({"after", "following", "amid"})
#: Words that point outside a cause ("they all hate artists"): a writer's own reason that starts with one is
#: named by its whole sentence when that has at most :data:`OWN_SENTENCE_WORDS` words, so the reader knows who
#: "they" are. The blind judgements of issue 20 (runs 20 and 22) called "they all hate artists" "a fragment with
#: an unclear 'they'".
REFERRING = frozenset(
    {"they", "them", "it", "he", "she", "this", "that", "these", "those", "his", "her", "their", "its"}
)
OWN_SENTENCE_WORDS = 20
#: Most drivers of fewer than :data:`MIN_DOCUMENTS` stories a trend reports because a writer gives them as
#: the reason for their own act ("I joined Bluesky because Musk & Mark has been irritating me"). The blind
#: judgements of issue 20 marked "not stated" wrong wherever one sampled post of a trend people take part in
#: gave its reason, and most such posts of the Bluesky migration say it once each, in their own words. Such a
#: reason must name something, a noun or a name (:attr:`~trendlens.enrich.causes.CauseMention.concrete`):
#: "they all hate artists", "Elon bought it", "fomo", not "we gotta resist", "I refuse to agree to it" or "it
#: felt premature to complain" (4 of the 27 such drivers of the Bluesky and Threads reports go; two top drivers
#: become "not stated"). Three, not two: on 700 posts of the Bluesky wave no reason reaches three stories, and
#: the consumer trend listed two of the eight reasons its writers give. On the five saved default fits 5 lists
#: grow by one (3 Bluesky sub trends, 2 Threads), the rest are unchanged.
MAX_OWN = 3


@dataclass(frozen=True)
class Driver:
    """A group of causes that say the same thing.

    Attributes
    ----------
    cause
        The group's most central cause phrase, verbatim from a document.
    documents
        Distinct documents stating a cause of the group.
    stories
        Distinct stories among them: documents whose sentences share most of their words count once.
    evidence
        Sentences stating it, verbatim with their document id (one per document, in reading order).
    variants
        The group's distinct cause phrases, most frequent first.
    """

    cause: str
    documents: int
    evidence: tuple[Finding, ...]
    variants: tuple[str, ...] = ()
    stories: int = 0
    #: For a sub trend: the consumer trend's statement of this driver ("8 of 5000 documents"), when the sub
    #: trend's own documents state it fewer than ``min_documents`` times and it is kept for that reason.
    consumer: str = ""
    #: Kept though fewer than ``min_documents`` stories give it: its writers say it is why they did what
    #: the trend is made of ("I left Twitter because ...", :func:`~trendlens.enrich.causes.own_act`).
    own: bool = False


def group_causes(
    mentions: Sequence[CauseMention],
    embedder: Embedder,
    *,
    min_similarity: float = MIN_SIMILARITY,
    min_documents: int = MIN_DOCUMENTS,
    sequence: frozenset[str] = SEQUENCE_MARKERS,
    top: int = 5,
    max_evidence: int = 3,
    consumer: Sequence[tuple[str, str]] = (),
    max_own: int = MAX_OWN,
    name_words: frozenset[str] = frozenset(),
    part_of: Mapping[str, int] | None = None,
    vectors: Mapping[str, np.ndarray] | None = None,
) -> tuple[Driver, ...]:
    """Causes that say the same thing, grouped, counted by document, most stated first.

    Parameters
    ----------
    mentions
        Causes found by :func:`cause_mentions`, in reading order.
    embedder
        Embeds the cause phrases; groups join while their average cosine is at least ``min_similarity``.
    min_documents
        Distinct stories (:data:`SAME_STORY`) a group needs to be kept, as many of them given with a
        connective not in ``sequence`` (default :data:`SEQUENCE_MARKERS`: connectives that may only order
        events); groups are ranked by stories, then documents, and named by a phrase of those stories.
    top
        Most groups returned.
    max_evidence
        Most sentences quoted per group (one per document).
    consumer
        For a sub trend: the drivers of its consumer trend, (cause, how many documents state it there).
        A group of fewer stories that says the same as one of them (mean cosine at least
        ``min_similarity``, given with a reason connective) is kept under the consumer trend's cause,
        after the sub trend's own drivers: the consumer trend's documents stated it ``min_documents``
        times or more, and these documents of the sub trend give it too.
    max_own
        Most groups of fewer stories kept because a writer gives them as the reason for their own act
        (:data:`MAX_OWN`), after the others, by stories, then documents, then reading order.
    name_words
        Content words of the trend's name (singular, case-folded). Causes are grouped by what they say
        beside them: embedded without them for the clustering. On the Bluesky migration ("new to bluesky
        and xodus") six posts that name the Xodus, each for something else ("I think the Xodus is
        starting to get real", "Because I want people to call it the Xodus"), sat at cosine 0.47-0.76 and
        made one driver, which the blind judgement of issue 20 marked wrong; without "xodus", 0.06-0.34.
    part_of
        For a consumer trend of several sub trends: document id → its sub trend. A group stated in one
        sub trend alone is that sub trend's driver (its own section shows it), not the consumer trend's:
        the CrisisLex group of the Colorado wildfires and the Alberta and Colorado floods took "extreme fire
        danger" (4 of 2,754 documents, all wildfire tweets) as its driver, which the blind judgement of
        issue 20 marked wrong for the floods. A writer's own reason stays (:attr:`Driver.own`).
    vectors
        Case-folded cause phrase → its unit vector in ``embedder``'s space, where the caller has embedded them
        (:func:`document_drivers`, to test them against the trend's centroid); phrases it lacks are embedded.
    """
    if not mentions:
        return ()
    phrases = list(dict.fromkeys(m.cause.casefold() for m in mentions))
    matrix = _phrase_vectors(phrases, embedder, vectors)
    grouping = matrix
    if name_words:
        beside = [_without(p, name_words) for p in phrases]
        if beside != phrases:
            grouping = _phrase_vectors(beside, embedder)
    labels = _link_keys(_average_linkage(grouping, min_similarity), phrases, mentions, matrix)
    known = _phrase_vectors([c for c, _ in consumer], embedder) if consumer else None
    shared: dict[int, list[CauseMention]] = {}  # consumer driver → the mentions here that say it
    by_phrase = {p: i for i, p in enumerate(phrases)}
    groups: dict[int, list[CauseMention]] = {}
    for m in mentions:
        groups.setdefault(int(labels[by_phrase[m.cause.casefold()]]), []).append(m)
    drivers, acting = [], []
    for members in groups.values():
        stories = _stories(members)
        reasons = [m for m in members if m.marker not in sequence]
        rows = sorted({by_phrase[m.cause.casefold()] for m in members})
        one_part = part_of is not None and len({part_of.get(m.evidence.doc_id) for m in members}) < 2
        if stories < min_documents or _stories(reasons) < min_documents or one_part:
            if known is not None and reasons:
                closeness = (matrix[rows] @ known.T).mean(axis=0)
                if float(closeness.max()) >= min_similarity:
                    shared.setdefault(int(closeness.argmax()), []).extend(members)
                    continue
            acts = [m for m in members if m.own and m.concrete]
            if acts:  # the writers' reasons for their own act that name something, named by one of their phrases
                rows = [by_phrase[m.cause.casefold()] for m in acts]
                acting.append(_driver(acts, rows, phrases, matrix, max_evidence, own=True))
            continue
        drivers.append(_driver(members, rows, phrases, matrix, max_evidence, reasons))
    drivers.sort(key=lambda d: (-d.stories, -d.documents))  # stable: ties keep reading order
    acting.sort(key=lambda d: (-d.stories, -d.documents))
    for k in sorted(shared):  # the consumer trend's order
        cause, title = consumer[k]
        if any(d.cause == cause for d in drivers):
            continue
        members = shared[k]
        first: dict[str, Finding] = {}
        for m in members:
            first.setdefault(m.evidence.doc_id, m.evidence)
        variants = tuple(dict.fromkeys(m.cause for m in members))
        drivers.append(
            Driver(cause, len(first), tuple(first.values())[:max_evidence], variants, _stories(members), title)
        )
    known_causes = {d.cause.casefold() for d in drivers}
    drivers += [d for d in acting if d.cause.casefold() not in known_causes][:max_own]
    return tuple(drivers[:top])


def _phrase_vectors(
    phrases: Sequence[str], embedder: Embedder, known: Mapping[str, np.ndarray] | None = None
) -> np.ndarray:
    """Unit vectors of ``phrases``, one row each, in ``embedder``'s space: from ``known`` where it has them all,
    else embedded."""
    if known is not None and all(p in known for p in phrases):
        return np.stack([np.asarray(known[p], dtype=np.float64) for p in phrases])
    return unit(np.asarray(embedder.encode(list(phrases)), dtype=np.float64))


def _without(phrase: str, words: frozenset[str]) -> str:
    """``phrase`` without ``words`` (compared singular and case-folded); unchanged if no content word is left."""
    kept = re.sub(r"[^\W_]+", lambda m: "" if singular_form(m.group(0).casefold()) in words else m.group(0), phrase)
    kept = " ".join(kept.split())
    return kept if any(w.casefold() not in STOP_WORDS for w in re.findall(r"[^\W_]+", kept)) else phrase


def _driver(
    members: Sequence[CauseMention],
    rows: Sequence[int],
    phrases: Sequence[str],
    vectors: np.ndarray,
    max_evidence: int,
    reasons: Sequence[CauseMention] | None = None,
    own: bool = False,
) -> Driver:
    """A group of causes as a driver: named by :func:`_representative` of its ``reasons`` (default: all),
    with up to ``max_evidence`` sentences of distinct documents; ``own``: see :attr:`Driver.own`."""
    rows = sorted(set(rows))
    sims = vectors[rows] @ vectors[rows].T
    counts: dict[str, int] = {}
    for m in members:
        counts[m.cause] = counts.get(m.cause, 0) + 1
    centrality = dict(zip([phrases[r] for r in rows], sims.mean(axis=1)))
    stated = reasons or members
    best = _representative(stated, counts, centrality)
    given = {id(m) for m in stated}
    evidence, seen = [], set()
    # the sentence the name is read from, then the reasons that say most nearly what the group says, in reading
    # order among equals: the first members read may say it least ("since a lot of people I follow are still on
    # Twitter" led the quotes of "I was hearing Twitter wasn't good anymore")
    for m in sorted(
        members,
        key=lambda m: (m.cause != best, id(m) not in given, -round(float(centrality[m.cause.casefold()]), 6)),
    ):
        if m.evidence.doc_id not in seen and len(evidence) < max_evidence:
            seen.add(m.evidence.doc_id)
            evidence.append(m.evidence)
    variants = tuple(sorted(counts, key=lambda c: -counts[c]))
    docs = len({m.evidence.doc_id for m in members})
    name = best
    named_by = next(m for m in stated if m.cause == best)
    if own and (best.split()[0].casefold() in REFERRING or named_by.only_names):
        # "they all hate artists" says nothing without its sentence: "I'm migrating here from other online
        # platforms because they all hate artists."; nor does "leo" ("I downloaded it because of leo")
        said = named_by.evidence.text.strip()
        if len(said.split()) <= OWN_SENTENCE_WORDS:
            name = said
    return Driver(name, docs, tuple(evidence), variants, _stories(members), own=own)


def _stories(members: Sequence[CauseMention]) -> int:
    """How many distinct stories the mentions' documents tell: documents joined while a sentence of one
    and a sentence of the other share at least :data:`SAME_STORY` of their words."""
    by_doc: dict[str, list[set[str]]] = {}
    for m in members:
        by_doc.setdefault(m.evidence.doc_id, []).append(set(_words(m.evidence.text)))
    docs = list(by_doc)
    parent = {i: i for i in range(len(docs))}
    for i in range(len(docs)):
        for j in range(i + 1, len(docs)):
            if any(_jaccard(a, b) >= SAME_STORY for a in by_doc[docs[i]] for b in by_doc[docs[j]]):
                _join(parent, i, j)
    return len({_root(parent, i) for i in parent})


def _jaccard(a: set[str], b: set[str]) -> float:
    return len(a & b) / len(a | b) if a or b else 1.0


def _representative(members: Sequence[CauseMention], counts: dict[str, int], centrality: dict[str, float]) -> str:
    """The phrase that names a group: one that says more than a name ("elon has ruined twitter", not "Elon")
    where there is one, then the one stated most often (case aside), else the most central one (highest
    mean cosine to the group's phrases); ties go to the first read."""
    often: dict[str, int] = {}
    for cause, n in counts.items():
        often[cause.casefold()] = often.get(cause.casefold(), 0) + n
    says = {m.cause for m in members if not m.only_names}
    return max(
        dict.fromkeys(m.cause for m in members),
        key=lambda c: (c in says, often[c.casefold()], centrality[c.casefold()]),
    )


def _link_keys(
    labels: np.ndarray, phrases: list[str], mentions: Sequence[CauseMention], vectors: np.ndarray
) -> np.ndarray:
    """``labels`` with the clusters of causes that share a key (the same head noun or name) joined, where
    their phrases' mean cosine (unit ``vectors``, one per phrase) is at least :data:`KEY_SIMILARITY` or
    one of them says nothing but the name ("because of Elon" joins "I refuse to support Elon Musk")."""
    parent = {int(label): int(label) for label in labels}
    rows: dict[int, list[int]] = {}
    for i, label in enumerate(labels):
        rows.setdefault(int(label), []).append(i)
    index = {p: i for i, p in enumerate(phrases)}
    only_name = [True] * len(phrases)
    for m in mentions:
        only_name[index[m.cause.casefold()]] &= m.only_names
    owner: dict[str, int] = {}
    for m in mentions:
        label = int(labels[index[m.cause.casefold()]])
        for key in m.keys:
            if key not in owner:
                owner[key] = label
                continue
            a, b = _root(parent, owner[key]), _root(parent, label)
            if a == b:
                continue
            if (
                all(only_name[i] for i in rows[a])
                or all(only_name[i] for i in rows[b])
                or float((vectors[rows[a]] @ vectors[rows[b]].T).mean()) >= KEY_SIMILARITY
            ):
                _join(parent, a, b)
                rows[min(a, b)] = rows[a] + rows[b]
    return np.array([_root(parent, int(label)) for label in labels])


def _root(parent: dict[int, int], x: int) -> int:
    """The representative of ``x`` in a union-find forest (path halving)."""
    while parent[x] != x:
        parent[x] = parent[parent[x]]
        x = parent[x]
    return x


def _join(parent: dict[int, int], a: int, b: int) -> None:
    """Join the sets of ``a`` and ``b``; the smaller representative stays."""
    a, b = _root(parent, a), _root(parent, b)
    parent[max(a, b)] = min(a, b)


def _average_linkage(vectors: np.ndarray, min_similarity: float) -> np.ndarray:
    """Cluster labels of unit ``vectors``: average linkage on cosine distance, cut at ``1 - min_similarity``."""
    if len(vectors) == 1:
        return np.zeros(1, dtype=int)
    from scipy.cluster.hierarchy import fcluster, linkage
    from scipy.spatial.distance import pdist

    distances = np.clip(pdist(vectors, metric="cosine"), 0.0, 2.0)
    return fcluster(linkage(distances, method="average"), t=1.0 - min_similarity, criterion="distance")


def document_drivers(
    sentences: Sequence[Sentence],
    embedder: Embedder,
    *,
    exclude: Sequence[str] = (),
    names: Sequence[str] = (),
    texts: Sequence[str] = (),
    parts: Sequence[int] = (),
    doc_ids: Sequence[str] = (),
    centroid: np.ndarray | None = None,
    **kwargs: Any,
) -> tuple[Driver, ...]:
    """The drivers the documents state: :func:`cause_mentions` grouped by :func:`group_causes`.

    ``exclude``: the trend's own keywords. After a connective that also marks a time ("after",
    "following", "amid", "since"), a cause made of them, or naming one of them, is the trend itself
    used as a date ("after the latest exodus"); before "so I ..." or "that's why", a cause made of them
    only restates the trend. Both are left out. Purely causal connectives keep theirs: in a trend about
    a ban, "due to the ban" is the driver; but a cause that says nothing but a name that is one of them
    is the trend itself under any connective ("because of the Xodus", "thanks to the Xodus" in posts of
    the Xodus explain delays and growth: effects of the trend).

    ``names``: the trend's name (and its consumer trend's). A cause made only of a name's words
    ("Kilroy-Silk" in "mr kilroy-silk"), or holding every word of a name of two words or more
    ("explosion at Boston Marathon finish line" in "boston marathon"; "widespread flooding parts of Calgary" in
    "calgary flood": words compare by their stem), is the trend itself under any connective and is left out;
    "the TikTok ban" in a trend named "tiktok refugees" stays.

    ``texts``: the trend's documents (those scanned). A cause whose every content word, or whose head
    noun, occurs in :data:`SUBJECT_SHARE` of them is the trend's subject ("floods" or "the fires in
    Boulder" in fire reports) and is left out under any connective. ``parts``: for a consumer trend,
    the sub trend of each of ``texts``; the subject of any one sub trend is left out as well ("the
    fires" in a group of the Colorado wildfires and floods), unless it is a name the cause is about:
    a sub trend about Musk does not make "I refuse to support Elon Musk" the migration's subject.
    ``doc_ids`` (those of ``texts``): with ``parts`` of two sub trends or more, a driver must be stated in
    two of them (``part_of`` of :func:`group_causes`).

    ``centroid``: the trend's unit direction in ``embedder``'s space. A cause that close to it
    (:data:`RESTATES_AFTER` after a time connective, :data:`RESTATES` after any) restates the
    trend. A headline (a sentence in title case) uses time connectives for the order of events
    ("Actor Dies After Heart Surgery"), not for a reason: its "after", "following" and "amid"
    give no driver, nor its verbs of causing, which the parser misreads in title case ("Colorado Flooding
    Imperils Oil and Gas Sites, Causes Spill").
    """
    keywords = {singular_form(w) for phrase in exclude for w in phrase.casefold().split()}
    named = [set(_words(name)) for name in names if _words(name)]
    named_stems = [{_stem(w) for w in name} for name in named]  # "flooding" is "flood" of "calgary flood"
    words = [{_stem(w) for w in _words(text)} for text in texts]
    subject = _subject_words(words)
    part_subject: set[str] = set()
    for part in dict.fromkeys(parts):
        part_subject |= _subject_words([w for w, p in zip(words, parts) if p == part])
    mentions = [
        m
        for m in cause_mentions(sentences)
        if not ({singular_form(w) for w in m.words} <= keywords and m.marker not in CAUSAL_MARKERS)
        and not ((m.marker in TEMPORAL_MARKERS or m.only_names) and keywords.intersection(map(singular_form, m.keys)))
        and not any(_restates({_stem(w) for w in _words(m.cause)}, name) for name in named_stems)
        and not _about_subject(m, subject)
        and not _about_subject(m, part_subject - {_stem(k) for k in m.keys})
        and not ((m.marker in TEMPORAL_MARKERS or m.marker == VERB_MARKER) and _title_case(m.evidence.text))
    ]
    # a writer's reason counts as theirs where what they did is the trend's: its words, or "here"
    trend_words = {_stem(w) for w in keywords | {w for name in named for w in name}} | subject | part_subject | {"here"}
    mentions = [m if _acts_on(m, trend_words) else replace(m, act=None) for m in mentions]
    vectors: dict[str, np.ndarray] | None = None
    if centroid is not None and mentions:
        phrases = list(dict.fromkeys(m.cause.casefold() for m in mentions))  # as group_causes embeds them
        matrix = _phrase_vectors(phrases, embedder)
        vectors = dict(zip(phrases, matrix))
        closeness = dict(zip(phrases, matrix @ np.asarray(centroid, dtype=np.float64)))
        mentions = [
            m
            for m in mentions
            if closeness[m.cause.casefold()] < (RESTATES_AFTER if m.marker in TEMPORAL_MARKERS else RESTATES)
        ]
    name_words = frozenset(w for name in named for w in name if w not in STOP_WORDS)
    part_of = dict(zip(doc_ids, parts)) if len(set(parts)) >= 2 and doc_ids else None
    return group_causes(mentions, embedder, name_words=name_words, part_of=part_of, vectors=vectors, **kwargs)


def _acts_on(mention: CauseMention, words: set[str]) -> bool:
    """Whether a writer's own act (if any) is done to one of ``words`` (stemmed), or to nothing named."""
    return not mention.act or bool({_stem(w) for w in mention.act} & words)


def _title_case(sentence: str) -> bool:
    """Whether a sentence is written as a headline: most of its words (after the first, of 3 or more letters)
    capitalised."""
    words = [w for w in re.findall(r"[^\W\d_]{3,}", sentence)[1:]]
    return len(words) >= 3 and sum(w[0].isupper() for w in words) > 0.6 * len(words)


def _about_subject(mention: CauseMention, subject: set[str]) -> bool:
    words = {_stem(w) for w in mention.words}
    return bool(words) and (words <= subject or (bool(mention.head) and _stem(mention.head) in subject))


def _stem(word: str) -> str:
    """A word without a plural or "-ing" ending, so "flooding", "floods" and "flood" compare equal."""
    word = singular_form(word.casefold())
    return word[:-3] if word.endswith("ing") and len(word) >= 8 else word


def _subject_words(documents: Sequence[set[str]]) -> set[str]:
    """Words in at least :data:`SUBJECT_SHARE` of ``documents`` (each its set of stemmed words, :func:`_stem`);
    none for fewer than 10."""
    if len(documents) < 10:
        return set()
    counts: dict[str, int] = {}
    for words in documents:
        for w in words:
            counts[w] = counts.get(w, 0) + 1
    return {w for w, n in counts.items() if n >= SUBJECT_SHARE * len(documents)}


def _words(text: str) -> list[str]:
    """The words of ``text``, case-folded and singular, split at anything but letters and digits."""
    return [singular_form(w) for w in re.findall(r"[^\W_]+", text.casefold()) if w not in _ARTICLES]


def _restates(cause: set[str], name: set[str]) -> bool:
    return bool(cause) and (cause <= name or (len(name) >= 2 and name <= cause))


#: Words a cause and a name may differ by and still say the same ("the Ukraine war" / "ukraine war").
_ARTICLES = frozenset({"the", "a", "an"})


def driver_statements(drivers: Sequence[Driver], documents_read: int, total: int = 0) -> tuple[Statement, ...]:
    """Drivers as report statements: the cause, "N of M documents" as title (:func:`share_of`, which names the
    trend's ``total`` when only part of it was read), the sentences as evidence."""
    return tuple(
        Statement(
            d.cause,
            "documents",
            title=(
                f"a driver of its consumer trend ({d.consumer}); here {share_of(d.documents, documents_read, total)}"
                if d.consumer
                else f"{_writers(d.documents)} own reason ({share_of(d.documents, documents_read, total)})"
                if d.own
                else share_of(d.documents, documents_read, total)
            ),
            evidence=d.evidence,
        )
        for d in drivers
    )


def _writers(n: int) -> str:
    """The possessive of ``n`` writers: "the writer's" or "the writers'"."""
    return _OWN_TITLES[0] if n == 1 else _OWN_TITLES[1]


# How the title of a writer's own reason begins (:func:`driver_statements`, :func:`counted`).
_OWN_TITLES = ("the writer's", "the writers'")


def counted(statement: Statement) -> bool:
    """Whether a driver statement of :func:`driver_statements` is a driver the documents give
    :data:`MIN_DOCUMENTS` times or more, one a sub trend may carry from its consumer trend: not a
    writer's own reason given fewer times, nor a taxonomy's typical driver."""
    return statement.source == "documents" and not (statement.title or "").startswith(_OWN_TITLES)
