"""Key success factors: what people say they do with an entity or like about it, grouped, counted and cited.

Read from the words of each sentence (no parser, so every document of a trend
is read), a statement about an entity is one of:

* **adoption** — the entity is what people join, switch or move to, sign up
  for, download, install, use or try ("joined Bluesky because …", "moving
  over to Threads");
* **liking** — the object of love, like, enjoy, prefer, appreciate or
  recommend ("I love how calm bluesky is"), also as "it"/"here" in a post
  that names only this entity ("I love it here");
* **description** — the entity followed by a copula and a word of positive
  valence in the VADER sentiment lexicon ("Bluesky is so much better");
* **success** — a sentence naming only this entity with a cue of commercial
  success (sales, growth, records, awards) a few words after the name, as news
  reports it ("Netflix added 8 million subscribers");
* **leaving** — the entity is what people leave, quit, delete, deactivate,
  uninstall, cancel, ditch, abandon or boycott ("deactivated my Twitter
  account"): the other side of adoption, what a migration leaves.

Negated statements ("I don't like X") and questions are skipped, and so are descriptions and
success sentences whose VADER sentiment is negative. Statements are grouped by
their cue ("join", "love", "described as calm"), each group with its number of
documents, the engagement of those documents and its most engaged sentences.
"""

from __future__ import annotations

import functools
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field

from trendlens.enrich.mentions import Post, TrendDocuments
from trendlens.report.model import Evidence, FactorGroup

#: Inflected forms of the adoption verbs, by the label of their group.
ADOPTION = {
    "join": "join joins joined joining",
    "switch to": "switch switches switched switching",
    "move to": "move moves moved moving",
    "migrate to": "migrate migrates migrated migrating",
    "come to": "come comes came coming",
    "flock to": "flock flocks flocked flocking",
    "sign up for": "signup signing signed sign signs",
    "download": "download downloads downloaded downloading",
    "install": "install installs installed installing",
    "use": "use uses used using",
    "try": "try tries tried trying",
}
#: Inflected forms of the verbs of leaving, by the label of their group: what people stop doing with the entity,
#: the other side of adoption. In the Bluesky migration it is what the posts say of X ("deactivated my Twitter
#: account", "deleted the X app"), which the section listed under "people use" and "people love" ("I love how NZ
#: Twitter has reached tipping point and decided to #xodus here").
ABANDONMENT = {
    "leave": "leave leaves left leaving",
    "quit": "quit quits quitting",
    "delete": "delete deletes deleted deleting",
    "deactivate": "deactivate deactivates deactivated deactivating",
    "uninstall": "uninstall uninstalls uninstalled uninstalling",
    "cancel": "cancel cancels cancelled canceled cancelling canceling",
    "ditch": "ditch ditches ditched ditching",
    "abandon": "abandon abandons abandoned abandoning",
    "boycott": "boycott boycotts boycotted boycotting",
}
#: Verbs of motion count only with one of these words before the entity ("moved to", "came over to").
MOTION = frozenset({"switch to", "move to", "migrate to", "come to", "flock to"})
#: Inflected forms of the liking verbs, by the label of their group.
LIKING = {
    "love": "love loves loved loving",
    "like": "like likes liked",
    "enjoy": "enjoy enjoys enjoyed enjoying",
    "prefer": "prefer prefers preferred preferring",
    "adore": "adore adores adored",
    "appreciate": "appreciate appreciates appreciated appreciating",
    "recommend": "recommend recommends recommended recommending",
}
#: "like" is a verb only after one of these (otherwise "feels like twitter" would count).
LIKE_SUBJECTS = frozenset(
    """
    i we you they people everyone folks really also actually genuinely definitely do does did already
    truly
    """.split()  # noqa: SIM905
)
#: Words of which one must stand shortly before a verb of motion: people, not things, move to a platform.
MOVERS = frozenset(
    """
    i im ive id we weve were you youre they theyre people everyone everybody users folks friends fans
    artists creators many more millions thousands hundreds who us myself ourselves
    """.split()  # noqa: SIM905
)
#: Words that may open a post's sentence before its verb of leaving when the post leaves "I" out ("Just deactivated
#: my X account", "Finally left the other app", "Me leaving Twitter after what it has become").
OPENERS = frozenset(
    """
    just finally officially already now today yesterday also so and then me well ok okay lol
    """.split()  # noqa: SIM905
)
#: Words before the subject of a verb of leaving that make it a time or a condition, not a departure ("before they
#: leave Netflix").
UNTIL = frozenset({"before", "until", "till", "if", "unless", "once", "when", "whenever"})
#: Words allowed between an adoption verb and the entity ("moved over to the", "signed up for").
PARTICLES = frozenset(
    """
    to over up for on onto into back in the a an my our this here with again finally
    """.split()  # noqa: SIM905
)
#: Copulas after which a positive word describes the entity.
COPULAS = frozenset(
    """
    is are was feels feel seems seem looks look remains stays becomes been has
    """.split()  # noqa: SIM905
)
#: Words allowed between the copula and the describing word.
MODIFIERS = frozenset(
    """
    so very really much way pretty quite more far actually just still already definitely a an such the
    lot kinda super truly genuinely honestly also totally even getting becoming
    """.split()  # noqa: SIM905
)
#: Word keys (as :func:`~trendlens.enrich.mentions.name_key` folds them) that negate a following statement.
NEGATIONS = frozenset(
    """
    not never no dont doesnt didnt cant cannot wont wouldnt isnt arent wasnt hardly barely rarely seldom longer
    nobody neither nor stop stops stopped stopping quit quits quitting
    """.split()  # noqa: SIM905
)
#: Positive-valence words that are not descriptions after a copula ("is like being in a dying mall").
NOT_DESCRIPTIONS = frozenset({"like", "likes", "please", "thanks", "thank", "lol", "haha"})
#: Objects that take a liking verb's place ("I prefer it to Threads" likes "it", not Threads).
OBJECT_PRONOUNS = frozenset({"it", "this", "that", "them", "him", "her", "you", "me", "us"})
#: Words that stand for the only entity of a post ("I love it here").
PRONOUNS = frozenset({"here"})
#: Lower-case words that mark a sentence as saying why or how well something succeeds (as news reports it).
SUCCESS_CUES = frozenset(
    """
    success successful succeed succeeds succeeded succeeding popular popularity bestseller bestselling
    best-selling sold sells selling sales sale records record-breaking hit hits boom booming soar
    soars soared soaring surge surges surged surging grew grow grows growing growth demand loved beloved
    favorite favourite favorites favourites viral award awards award-winning won wins profit profits
    profitable revenue revenues launch launches launched debut debuted leading leader leads
    millions billion billions subscribers downloads downloaded customers fans funding expand expands
    expanded expansion innovative innovation affordable cheaper convenient convenience praised acclaimed
    top-selling sellout sold-out sell-out trending
    """.split()  # noqa: SIM905 - a word list reads better as text
)
#: Words before a verb that make it passive or adjectival ("was recommended to me", "is used by").
AUXILIARIES = frozenset(["was", "were", "been", "be", "being", "is", "are", "get", "got", "gets"])
#: Words of leaving: a sentence holding one is not a success statement about the entity it names.
LEAVING = frozenset(
    """
    leave leaves left leaving quit quits quitting delete deleted deleting abandon abandoned
    """.split()  # noqa: SIM905
)
#: Words before "record" that make it a verb ("can record your calls"), not a success.
_RECORD_VERB = frozenset(["to", "can", "could", "will", "would", "may", "might", "must", "should", "ll"])
#: Smallest VADER valence of a word that describes the entity favourably.
POSITIVE_VALENCE = 1.0


def _forms(table: Mapping[str, str]) -> dict[str, str]:
    return {form: label for label, forms in table.items() for form in forms.split()}


_ADOPTION_FORMS = _forms(ADOPTION)
_LIKING_FORMS = _forms(LIKING)
_ABANDONMENT_FORMS = _forms(ABANDONMENT)
#: Negations of a verb of leaving: "quit" and "stop" before it are not ("quit and deleted my X account").
_NOT_LEAVING = NEGATIONS - {"quit", "quits", "quitting", "stop", "stops", "stopped", "stopping"}
#: Subjects that start the clause of a verb of leaving: a negation before one is another clause's ("I didn't
#: leave Twitter, I left X").
_SUBJECTS = frozenset({"i", "we", "you", "they", "he", "she", "people", "everyone"})


@functools.lru_cache(maxsize=1)
def _analyser():
    from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer

    return SentimentIntensityAnalyzer()


def valence() -> Mapping[str, float]:
    """The VADER sentiment lexicon: word → mean valence (−4 … +4), loaded once."""
    return _analyser().lexicon


@dataclass(frozen=True)
class Statement:
    """A sentence that says what people do with one entity, like about it or say well of it, or that they leave
    it: its group, kind, document and text."""

    entity: int
    label: str
    kind: str
    doc: int
    text: str


@dataclass
class _Group:
    kind: str
    docs: set[int] = field(default_factory=set)
    quotes: list[tuple[int, str]] = field(default_factory=list)


def post_statements(post: Post, doc: int, spots: Mapping[int, int], only: int | None) -> list[Statement]:
    """The statements of one post.

    ``spots`` maps the index of a running-text word that names an entity to that
    entity's number; ``only`` is the entity when the post names exactly one.
    """
    words = post.words
    keys = [w.key for w in words]
    out: list[Statement] = []
    said: set[tuple[int, int]] = set()  # (entity, sentence) already given a statement

    def add(entity: int, label: str, kind: str, sentence: int) -> None:
        if (entity, sentence) in said:
            return
        text = post.sentence_text(sentence)
        if text.rstrip(" \"'”’)").endswith(("?", "？")):
            return  # a question states nothing ("Curious how people like Bluesky so far?")
        if kind in ("description", "success") and _analyser().polarity_scores(text)["compound"] < 0:
            return  # "history has proven that meta is selling our data" is no success
        said.add((entity, sentence))
        out.append(Statement(entity, label, kind, doc, text))

    for i, word in enumerate(words):
        key = keys[i]
        negated = _negated(words, i) or (i > 0 and keys[i - 1] in AUXILIARIES)
        if key in _ADOPTION_FORMS and not negated:
            label = _ADOPTION_FORMS[key]
            target = _object(words, spots, i, window=4, between=PARTICLES)
            if target is not None and _particle_fits(label, keys[i + 1 : target[1]]) and _mover(words, i, label):
                add(target[0], label, "adoption", word.sentence)
        elif key in _LIKING_FORMS and not negated:
            if key.startswith("like") and (i == 0 or keys[i - 1] not in LIKE_SUBJECTS):
                continue
            target = (
                None if i + 1 < len(words) and keys[i + 1] in OBJECT_PRONOUNS else _object(words, spots, i, 6, None)
            )
            if target is None and only is not None and _pronoun_after(words, i):
                target = (only, i)
            if target is not None:
                add(target[0], _LIKING_FORMS[key], "liking", word.sentence)
        elif key in _ABANDONMENT_FORMS and not _negated(words, i, negations=_NOT_LEAVING, clause=_SUBJECTS):
            if not _by_people(words, i):
                continue
            target = _object(words, spots, i, window=4, between=PARTICLES)
            if target is not None:
                add(target[0], _ABANDONMENT_FORMS[key], "leaving", word.sentence)
    for i, entity in spots.items():
        described = None if _negated(words, i) else _description(words, i)
        if described:
            add(entity, f"described as {described}", "description", words[i].sentence)
    named: dict[int, set[int]] = {}
    for i, entity in spots.items():
        named.setdefault(words[i].sentence, set()).add(entity)
    for sentence, entities in named.items():
        if len(entities) == 1:
            cue = _success_cue(words, [i for i, e in spots.items() if words[i].sentence == sentence])
            if cue:
                add(next(iter(entities)), cue, "success", sentence)
    return out


def _negated(
    words: Sequence, i: int, back: int = 4, negations: frozenset[str] = NEGATIONS, clause: frozenset[str] = frozenset()
) -> bool:
    """Whether a negation stands in the ``back`` words before word ``i`` in its sentence, after the last word of
    ``clause`` there (a subject that starts the clause of word ``i``)."""
    for j in _before(words, i, back):
        if words[j].key in clause:
            return False
        if words[j].key in negations:
            return True
    return False


def _before(words: Sequence, i: int, back: int) -> Iterator[int]:
    """The indices of the (at most ``back``) words before word ``i`` in its sentence, nearest first."""
    for j in range(i - 1, max(0, i - back) - 1, -1):
        if words[j].sentence != words[i].sentence:
            return
        yield j


def _mover(words: Sequence, i: int, label: str, back: int = 4) -> bool:
    """Whether a verb of motion has people before it ("people coming over to X", not "movies coming to X")."""
    return label not in MOTION or any(words[j].key in MOVERS for j in _before(words, i, back))


def _by_people(words: Sequence, i: int, back: int = 6) -> bool:
    """Whether people do what a verb of leaving says: one of :data:`MOVERS` stands in the ``back`` words before it
    (six: "I've made the switch and deactivated my X account"), not after a word of :data:`UNTIL`, or the verb
    opens its sentence after words of :data:`OPENERS` only, as posts leave "I" out ("Just deactivated my X
    account"). Not films leaving a catalogue ("Here's What's Leaving Netflix", "Before They Leave Netflix"), a
    government cancelling a deal ("Trump Administration Cancels Major League Baseball Deal") or a named person
    leaving office ("Ty Cobb Ditches White House")."""
    person = next((j for j in _before(words, i, back) if words[j].key in MOVERS), None)
    if person is not None:  # "10 Movies To Watch Before They Leave Netflix": a time or a condition, not a departure
        return not any(words[j].key in UNTIL for j in _before(words, person, 1))
    return all(words[j].key in OPENERS for j in _before(words, i, i))


def _particle_fits(label: str, between: Sequence[str]) -> bool:
    """Verbs of motion need "to"/"over"/"into" before the entity, "sign" needs "up"."""
    if label in MOTION:
        return any(k in ("to", "over", "into") for k in between)
    if label == "sign up for":
        return "up" in between
    return True


def _object(words: Sequence, spots: Mapping[int, int], i: int, window: int, between: frozenset[str] | None):
    """The first entity named after word ``i`` within ``window`` words of its sentence, with its index."""
    for j in range(i + 1, min(len(words), i + 1 + window)):
        if words[j].sentence != words[i].sentence:
            return None
        if j in spots:
            return spots[j], j
        if between is not None and words[j].key not in between:
            return None
    return None


def _pronoun_after(words: Sequence, i: int) -> bool:
    return any(
        words[j].key in PRONOUNS and words[j].sentence == words[i].sentence
        for j in range(i + 1, min(len(words), i + 3))
    )


def _description(words: Sequence, i: int) -> str | None:
    """The positive word describing the entity at word ``i`` ("Bluesky is so calm" → "calm"), if any."""
    j = i + 1
    if j >= len(words) or words[j].sentence != words[i].sentence or words[j].key not in COPULAS:
        return None
    lexicon = valence()
    for k in range(j + 1, min(len(words), j + 5)):
        word = words[k]
        if word.sentence != words[i].sentence or word.key in NEGATIONS or word.key in NOT_DESCRIPTIONS:
            return None
        if word.key in MODIFIERS or word.key in COPULAS:
            continue
        return word.text.casefold() if lexicon.get(word.text.casefold(), 0.0) >= POSITIVE_VALENCE else None
    return None


def _success_cue(words: Sequence, named: Sequence[int], reach: int = 6) -> str | None:
    """The success cue of the sentence whose entity is named at ``named``: within ``reach`` words after a mention.

    The entity must come first ("Netflix won three awards", not "let's grow Bluesky"), and a
    sentence about leaving is no success statement.
    """
    sentence = words[named[0]].sentence
    keys = [w.text.casefold() for w in words]
    if any(keys[k] in LEAVING for k, w in enumerate(words) if w.sentence == sentence):
        return None
    for i in named:
        for k in range(i + 1, min(len(words), i + 1 + reach)):
            key = keys[k]
            if words[k].sentence != sentence or _negated(words, k):
                break
            if k in named:
                continue  # a word of the name itself ("Academy Award")
            if key == "record" and keys[k - 1] not in _RECORD_VERB or key in SUCCESS_CUES:
                return key
    return None


def group_statements(
    statements: Sequence[Statement], documents: TrendDocuments, *, top: int = 4, quotes: int = 2
) -> dict[int, tuple[FactorGroup, ...]]:
    """Statements grouped per entity and cue, largest groups first, each with engagement and its quotes.

    Groups of one document are dropped when another group of the entity recurs.

    A group's quotes are its most engaged distinct sentences (ties: the more
    representative document first); its engagement sums the likes, shares and
    comments of its documents (``None`` when the source has none).
    """
    groups: dict[int, dict[str, _Group]] = {}
    for s in statements:
        group = groups.setdefault(s.entity, {}).setdefault(s.label, _Group(s.kind))
        if s.doc not in group.docs:
            group.docs.add(s.doc)
            group.quotes.append((s.doc, s.text))
    out: dict[int, tuple[FactorGroup, ...]] = {}
    for entity, by_label in groups.items():
        made = []
        for label, group in by_label.items():
            engagement = _total(documents, group.docs)
            ordered = sorted(group.quotes, key=lambda q: (-(documents.engagement_of(q[0]) or 0), q[0]))
            seen: set[str] = set()
            evidence = []
            for doc, text in ordered:
                if text.casefold() not in seen and len(evidence) < quotes:
                    seen.add(text.casefold())
                    evidence.append(Evidence(text, documents.doc_ids[doc]))
            made.append(FactorGroup(label, group.kind, len(group.docs), engagement, tuple(evidence)))
        made.sort(key=lambda g: (-g.documents, -(g.engagement or 0), g.label))
        if made and made[0].documents >= 2:  # statements made once are kept only when nothing recurs
            made = [g for g in made if g.documents >= 2]
        out[entity] = tuple(made[:top])
    return out


def _total(documents: TrendDocuments, docs: set[int]) -> int | None:
    values = [documents.engagement_of(d) for d in docs]
    known = [v for v in values if v is not None]
    return sum(known) if known else None
