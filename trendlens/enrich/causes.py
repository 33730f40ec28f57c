"""Causal statements: the connectives of English and the cause each one introduces.

A driver of a trend is what its documents themselves give as the reason for what they
report: "I came here *due to the ban*", "left *because the site got toxic*", "*after the
election*, ...", "the feed is unusable, *so I* moved". :func:`cause_mentions` finds the
connectives and cuts out the cause (verbatim) each introduces:

- clause connectives, the cause follows: "because", "since" (causal only, see below),
  "now that", "given that", "cuz", and "cause", "bc", "cos" where they say "because" (:data:`COLLOQUIAL`),
  past an aside ("because, let's be real, ...", "because apparently, ...");
- phrase connectives, the cause is the noun phrase that follows: "because of", "due to",
  "thanks to" (not the thanking formula "thanks to X for Y"), "owing to", "as a result of",
  "in response to", "in protest of/against", "in light of", "in the wake of", "amid",
  "after" and "following" (not when the phrase is a time, "after two weeks", nor a phrasal
  verb, "named after"; "after" opening a clause takes the clause: "after Musk bought it"),
  "fed up with", "tired of", "sick of"; a clause opened by "how", "what" or "why" after one of them is the
  cause ("because of how toxic it became");
- result connectives, the cause precedes: "so I/we <action>" (not "so I can", a purpose,
  nor "so I guess"), "that's why", "which is why", "this is why";
- verbs of causing (:data:`CAUSING`), the cause is their subject ("Cold weather ... has pushed US crude
  oil prices above $50") or passive agent ("The growth has been fuelled by lower prices"), marked
  :data:`VERB_MARKER`.

Questions and negated causes ("not because ...") are skipped, and a cause needs content
words (a mention or "it" alone is no cause). "since" is temporal before a noun phrase
("since 2019", "since the election"), in "ever since", after a time ("months since"),
before a beginning or an end ("since the boycott started") and with "have been" in the
main clause; only the rest counts. The parse (spaCy) bounds each cause: a phrase ends
where a new clause starts, a clause where a second subject does.

A cause that explains the writer's own act ("I left Twitter because ...", "so I uninstalled the
app", "I stopped using Twitter after Elon bought it": after a time connective only a clause saying what
someone else did) is marked with what the act was done to (:func:`own_act`). The grouping of causes into
drivers is :mod:`~trendlens.enrich.drivers`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from trendlens.enrich.findings import Finding, content_words, hashtag_word
from trendlens.enrich.nlp import word_set
from trendlens.enrich.roles import singular_form

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

    from trendlens.enrich.nlp import Sentence

#: Longest cause kept, in tokens (longer ones are cut at this length).
MAX_CAUSE_TOKENS = 20
#: Longest aside between a connective and its clause ("because, let's be real, ..."), in tokens; the clause after
#: it must show its subject within as many tokens.
MAX_ASIDE_TOKENS = 5

# Connectives, as lower-cased token sequences (apostrophes normalised to "'").
_CLAUSE = {("because",): "because", ("since",): "since", ("now", "that"): "now that", ("given", "that"): "given that"}
#: Spellings of "because" in social posts that are no other word.
_BECAUSE = frozenset({"cuz", "coz", "'cause", "bcuz", "bcoz", "bcos", "becuz"})
#: Spellings of "because" in social posts that are also other words: "cause" (a noun, a verb), "bc" (British
#: Columbia, "300 BC"), "cos" and "cus". Each counts only where :func:`_colloquial` reads it as "because".
#: In the Bluesky migration posts they are 18 beside 125 "because", in the Threads launch reviews 95 beside 783:
#: "i am here cause i am looking for a safe creative space", "I got it bc of Zayn".
COLLOQUIAL = frozenset({"cause", "bc", "cos", "cus"})
_CLAUSE |= {(w,): "because" for w in _BECAUSE | COLLOQUIAL}
_PHRASE = {
    ("because", "of"): "because of",
    **{(w, "of"): "because of" for w in _BECAUSE | COLLOQUIAL},
    ("due", "to"): "due to",
    ("thanks", "to"): "thanks to",
    ("owing", "to"): "owing to",
    ("as", "a", "result", "of"): "as a result of",
    ("in", "response", "to"): "in response to",
    ("in", "light", "of"): "in light of",
    ("in", "the", "wake", "of"): "in the wake of",
    ("amid",): "amid",
    ("amidst",): "amid",
    ("after",): "after",
    ("following",): "following",
    ("fed", "up", "with"): "fed up with",
    ("tired", "of"): "tired of",
    ("sick", "of"): "sick of",
}
_PHRASE |= {("in", "protest", w): "in protest of" for w in ("of", "against", "at", "over")}
_RESULT = {
    ("that", "'s", "why"): "that's why",
    ("that", "is", "why"): "that's why",
    ("which", "'s", "why"): "which is why",
    ("which", "is", "why"): "which is why",
    ("this", "is", "why"): "this is why",
    ("so", "i"): "so",
    ("so", "we"): "so",
}
_MARKERS = sorted(
    [(k, v, "clause") for k, v in _CLAUSE.items()]
    + [(k, v, "phrase") for k, v in _PHRASE.items()]
    + [(k, v, "result") for k, v in _RESULT.items()],
    key=lambda m: -len(m[0]),  # longest first: "because of" before "because"
)


def _marker_regex(words: tuple[str, ...]) -> str:
    out = (r"\b" if words[0][0].isalnum() else "") + re.escape(words[0]).replace("'", "['’]")
    for w in words[1:]:
        out += (r"\s*" if w.startswith("'") else r"\s+") + re.escape(w).replace("'", "['’]")
    return out + (r"\b" if words[-1][-1].isalnum() else "")


# The connectives by their first word, longest first.
_BY_FIRST: dict[str, list[tuple[tuple[str, ...], str, str]]] = {}
for _m in _MARKERS:
    _BY_FIRST.setdefault(_m[0][0], []).append(_m)
# The forms of the verbs of causing (:data:`CAUSING`, :func:`_verb_causes`) a text must hold to state a cause so.
_CAUSING_FORMS = (
    r"\b(?:caus(?:e|es|ed)|trigger(?:s|ed)?|spark(?:s|ed)?|fuel(?:s|ed|led)?|prompt(?:s|ed)?"
    r"|drive[sn]?|drove|push(?:es|ed)?)\b"
)
#: Matches a raw text that may state a cause (any connective or verb of causing): see
#: :func:`~trendlens.enrich.nlp.parse_matching`.
CANDIDATES = re.compile("|".join([*(_marker_regex(words) for words, _, _ in _MARKERS), _CAUSING_FORMS]), re.IGNORECASE)
# After "so I/we": a purpose ("so I can"), a hedge ("so I guess"), a state or a negation ("so I'm not"):
# the clause before is no cause. Only an action ("so I left", "so I came here") is a result.
_NOT_RESULT = word_set(
    "can could will 'll may might would should 'd guess suppose think hope "
    "'m am was 're are were do did never not have 've had"
)
_NEGATION = word_set("not n't never")
# Words that open a clause where a noun phrase may stand: "because of how toxic the community became".
_WH = word_set("how what why")
# Words before "cause" the verb: "will cause", "to cause", "might not cause".
_CAUSE_VERB_BEFORE = word_set("to will would could can may might should must did does do 'll n't not never also")
# Verbs of a beginning or an end: "since <it> started" dates, it does not explain.
_ONSET = word_set(
    "start starts started begin began begun end ends ended join joins joined leave left arrive arrived "
    "launch launched open opened took become became"
)
#: Connectives that also mark a time: what follows them may be the trend itself used as a date.
TEMPORAL_MARKERS = frozenset({"after", "following", "amid", "since"})
#: Connectives that only state a cause.
CAUSAL_MARKERS = (frozenset(_CLAUSE.values()) | frozenset(_PHRASE.values())) - TEMPORAL_MARKERS
# Verbs that take "after" as their own particle ("named after", "look after", "went after").
_PHRASAL_AFTER = word_set(
    "named name names called call look looks looking looked take takes took taking go goes going went gone "
    "come comes came coming chase chased chasing ask asked asking run runs ran running lust lusting"
)
# Nouns of time: "after two weeks", "since last year" are times, not causes.
_TIME_WORDS = word_set(
    """
    second seconds minute minutes hour hours day days week weeks month months year years decade decades
    night nights weekend weekends morning mornings evening evenings afternoon while moment time times ago
    long ages awhile
    today tonight yesterday tomorrow season seasons spring summer autumn fall winter holiday holidays
    """
)
# Parts of speech that cannot end a cause: a determiner, preposition or conjunction left by a cut.
_DANGLING = frozenset({"DET", "ADP", "CCONJ", "SCONJ", "PART", "AUX"})
# Tokens that end a cause: the clause or phrase is over.
_STOP_PUNCT = frozenset('.!?;:()[]{}|—–"“”')
_CLAUSE_BREAK = word_set("so but and then which")
_PHRASE_BREAK = word_set("so but then which")  # "and" joins causes: "the algorithm and the ads"


@dataclass(frozen=True)
class CauseMention:
    """A cause stated in one sentence: the cause phrase (verbatim), its connective and the sentence."""

    cause: str
    marker: str
    evidence: Finding
    words: tuple[str, ...] = ()
    keys: tuple[str, ...] = ()
    head: str = ""
    #: When the cause explains what the writer did (joined, left, switched, tried, bought or quit: "I left
    #: Twitter *because* ...", "*so I* tried here"), the words of what they did it to; see :func:`own_act`.
    act: tuple[str, ...] | None = None
    #: Whether the cause names a thing, a noun or a name ("they all hate *artists*", "*Elon* bought it"), not
    #: only what someone does or feels ("we gotta resist", "I refuse to agree to it").
    concrete: bool = True

    @property
    def own(self) -> bool:
        """Whether the cause is the writer's reason for their own act."""
        return self.act is not None

    @property
    def only_names(self) -> bool:
        """Whether the cause says nothing but the names it is about ("because of Elon")."""
        return set(self.words) <= set(self.keys)


def _norm(token: Token) -> str:
    return token.lower_.replace("’", "'").replace("‘", "'")


def _match_at(words: Sequence[str], i: int) -> tuple[str, str, int] | None:
    """The connective starting at ``words[i]`` (normalised tokens) as (marker, kind, length), or ``None``."""
    for pattern, marker, kind in _BY_FIRST.get(words[i], ()):
        n = len(pattern)
        if tuple(words[i : i + n]) == pattern:
            return marker, kind, n
    return None


def _is_noise(token: Token, hashtags: bool = True) -> bool:
    """@mentions, URLs, emoji and (``hashtags``) hashtags: trimmed from the ends of a cause."""
    return (
        (hashtags and (token.text == "#" or hashtag_word(token)))
        or token.text.startswith("@")
        or token.like_url
        or not any(ch.isalnum() for ch in token.text)
    )


def _trim(tokens: list[Token]) -> list[Token]:
    """``tokens`` without punctuation, mentions, URLs and emoji at either end, nor interjections at the start
    nor hashtags at the end.

    A hashtag that opens the cause is kept: "after #Trump's election" uses it as a word.
    """
    while tokens and (
        (tokens[0].text != "#" and (_is_noise(tokens[0], hashtags=False) or tokens[0].is_punct))
        or tokens[0].lower_ in _CLAUSE_BREAK
        or tokens[0].tag_ == "POS"
        or tokens[0].pos_ == "INTJ"  # "Hello wanted to make posts about my artwork! So I chose ..."
        or (tokens[0].lower_ == "that" and tokens[0].dep_ == "mark")  # "because that I have to follow ..."
    ):
        tokens = tokens[1:]
    while tokens and (_is_noise(tokens[-1]) or tokens[-1].is_punct or tokens[-1].lower_ in _CLAUSE_BREAK):
        tokens = tokens[:-1]
    return tokens


def _tail(sent: Span) -> int:
    """Absolute index from which ``sent`` holds only hashtags, mentions, URLs, emoji and punctuation."""
    end = sent.end
    while end > sent.start and (_is_noise(sent.doc[end - 1]) or sent.doc[end - 1].is_punct):
        end -= 1
    return end


def _new_clause(subject: Token, before: list[Token]) -> bool:
    """Whether ``subject`` opens a clause of its own, not one inside the cause ("since I thought *it* was")."""
    verbs = {t.i for t in before if t.pos_ in {"VERB", "AUX"}}
    return bool(verbs) and not any(a.i in verbs for a in subject.head.ancestors) and subject.head.i not in verbs


def _forward(sent: Span, start: int, kind: str) -> list[Token]:
    """The cause after a connective: up to the end of its clause (``kind="clause"``) or noun phrase."""
    out: list[Token] = []
    tail = _tail(sent)
    for tok in sent[start:]:
        if (
            tok.i >= tail
            or tok.text in _STOP_PUNCT
            or tok.text.startswith((">", "->"))
            or (tok.is_space and "\n" in tok.text)  # a line ends it: a BBC headline, "... amid bid criticism"
            or (tok.text == "," and (kind == "phrase" or out))
        ):
            break
        # "and" joining two clauses ends the cause; joining two nouns it does not
        noun_and = tok.lower_ == "and" and tok.head.pos_ not in {"VERB", "AUX"}
        if out and not noun_and and (tok.lower_ in _PHRASE_BREAK or (kind == "clause" and tok.lower_ in _CLAUSE_BREAK)):
            break
        if out and kind == "clause" and tok.dep_ in {"nsubj", "nsubjpass"} and _new_clause(tok, out):
            break  # a second subject after a verb starts a new clause ("now that I've moved I've shut ...")
        if (
            kind == "phrase"
            and out
            and tok.tag_ != "VBG"
            and (
                tok.dep_ in {"nsubj", "nsubjpass", "ROOT", "aux", "auxpass"}
                or (
                    tok.pos_ in {"VERB", "AUX"}
                    and tok.dep_ not in {"amod", "compound", "acl", "pcomp", "pobj", "relcl"}
                )
            )
        ):
            break
        out.append(tok)
        if len(out) >= MAX_CAUSE_TOKENS:
            return []  # cut mid-clause ("... and the suspicion that the"): no phrase to quote as a cause
        if len(tok.text) > 1 and tok.text.endswith(".") and tok.is_alpha is False:
            break  # "X." ends the sentence even where the splitter took it for an abbreviation
    return _complete(_trim(out))


def _past_aside(sent: Span, start: int) -> int:
    """Where a clause cause starts when an aside set off by commas opens it: after the aside when a clause with its
    own subject follows ("because, let's be real, Twitter is getting out of hand"; "because, for some reason, they
    didn't release ..."), else ``start`` ("because, screw elon, but ...": the aside is the cause). The cause was the
    aside, "let's be real"."""
    if start + 2 < len(sent) and sent[start].pos_ in {"ADV", "INTJ"} and sent[start + 1].text == ",":
        # "because apparently, the bird app wasn't ...", "because honestly, ...": an adverb set off alone
        rest = list(sent[start + 2 : start + 2 + MAX_ASIDE_TOKENS])
        return start + 2 if any(t.dep_ in {"nsubj", "nsubjpass"} for t in rest) else start
    if start >= len(sent) or sent[start].text != ",":
        return start
    for k in range(start + 1, min(start + 2 + MAX_ASIDE_TOKENS, len(sent))):
        if sent[k].text in _STOP_PUNCT:
            return start
        if sent[k].text == ",":
            rest = list(sent[k + 1 : k + 1 + MAX_ASIDE_TOKENS])
            opens = bool(rest) and rest[0].lower_ not in _CLAUSE_BREAK and not rest[0].is_punct
            return k + 1 if opens and any(t.dep_ in {"nsubj", "nsubjpass"} for t in rest) else start
    return start


def _complete(tokens: list[Token]) -> list[Token]:
    """``tokens`` without the function words a cut leaves at the end ("the suspicion that the").

    A preposition with no object of its own ends its clause and stays: "everything he stands for".
    """
    while tokens and (tokens[-1].pos_ in _DANGLING or tokens[-1].tag_ in {"WDT", "WP", "PRP$"}):
        if tokens[-1].pos_ == "ADP" and tokens[-1].dep_ == "prep" and not list(tokens[-1].children):
            break
        tokens = tokens[:-1]
    return tokens


def _backward(sent: Span, end: int) -> list[Token]:
    """The cause before a result connective: the clause before it, or the previous sentence when it opens one."""
    before = list(sent[: end - sent.start]) if end > sent.start else []
    while before and (before[-1].is_punct or before[-1].lower_ in _CLAUSE_BREAK):
        before = before[:-1]
    start = len(before)
    while start > 0 and before[start - 1].text not in _STOP_PUNCT and before[start - 1].text != ",":
        start -= 1
    clause = _trim(before[start:])
    if not clause and end == sent.start and sent.start > 0:
        previous = sent.doc[sent.start - 1].sent
        clause = _trim(list(previous))
    return clause[-MAX_CAUSE_TOKENS:]


def _is_time(tokens: Sequence[Token]) -> bool:
    """Whether a phrase speaks of a time: a time noun, a date entity, or numbers only."""
    if any(t.lower_ in _TIME_WORDS or t.ent_type_ in {"DATE", "TIME"} for t in tokens):
        return True
    return all(t.like_num or t.is_punct or t.is_stop for t in tokens)


def _temporal_since(sent: Span, i: int, cause: list[Token]) -> bool:
    """Whether "since" at ``sent[i]`` (relative index) means "from that time on"."""
    if i > 0 and sent[i - 1].lower_ == "ever":
        return True
    if not any(t.pos_ in {"VERB", "AUX"} for t in cause):
        return True  # "since the election", "since 2019": a noun phrase, so a point in time
    if _is_time(cause) or any(_norm(t) in _ONSET for t in cause):
        return True  # "since last year", "since the boycott started", "since I joined"
    if any(_norm(t) in _TIME_WORDS for t in sent[max(0, i - 3) : i]):
        return True  # "(it's) been months since ..."
    main = [t for t in sent if t.i < cause[0].i - 1 or t.i > cause[-1].i]
    lowered = [_norm(t) for t in main]
    return any(a in {"have", "has", "'ve", "had"} and b == "been" for a, b in zip(lowered, lowered[1:]))


def _gratitude(sent: Span, i: int, cause_start: int) -> bool:
    """Whether "thanks to" at ``sent[i]`` thanks someone ("Thanks to X for the invite") rather than gives a cause."""
    rest = [_norm(t) for t in sent[cause_start:]]
    if "for" in rest[:MAX_CAUSE_TOKENS]:
        return True
    return not any(t.pos_ == "VERB" for t in sent[:i])


def _keys(phrase: Span) -> tuple[str, ...]:
    """The names a cause is about: proper nouns at its head (a clause's subject) or compounded to it.

    "Elon Musk's takeover" -> ("elon", "musk"); "Elon bought it" -> ("elon",); "Trump's win" ->
    ("trump",); "the new policy" and "I was tired" have none. Causes sharing a name are one driver.
    """
    head = phrase.root
    if head.pos_ in {"VERB", "AUX"}:
        inside = range(phrase.start, phrase.end)
        head = next((c for c in head.children if c.dep_ in {"nsubj", "nsubjpass"} and c.i in inside), None)
    if head is None:
        return ()
    names = [head, *(c for c in head.children if c.dep_ in {"compound", "flat", "poss"})]
    return tuple(
        dict.fromkeys(
            t.lower_.removesuffix("'s").removesuffix("’s")
            for t in names
            if t.pos_ == "PROPN" and t.is_alpha and not t.is_stop
        )
    )


def sentence_causes(sent: Span, doc_id: str = "") -> list[CauseMention]:
    """The causes a parsed sentence states, in order, each with the sentence as its evidence (of ``doc_id``).

    The keys of a cause are what it is about (see ``_keys``): causes sharing one are grouped together. The
    head is a noun phrase's head noun, lower case ("fires" in "the fires in Boulder"), empty for a clause
    ("Twitter is a bigoted hellhole"). ``act``: what the writer did for this reason (:func:`own_act`), or ``None``.
    ``concrete``: whether the phrase holds a noun or a proper noun (:attr:`CauseMention.concrete`).
    """
    text = sent.text.rstrip()
    if text.endswith("?"):
        return []
    tokens = list(sent)
    words = [_norm(t) for t in tokens]
    out: list[CauseMention] = []
    evidence = Finding(text, doc_id)
    i = 0
    while i < len(tokens):
        found = _match_at(words, i)
        if found is None:
            i += 1
            continue
        marker, kind, n = found
        if words[i] in COLLOQUIAL and not _colloquial(tokens, i, kind):
            i += 1  # "the main cause of", "cause it to crash", "BC": not "because"
            continue
        if n == 1 and tokens[i].dep_ == "advmod" and marker in {"since", "after"}:
            i += 1  # an adverb, not a connective: "he has since tested negative", "soon after"
            continue
        negated = i > 0 and _norm(tokens[i - 1]) in _NEGATION
        if marker == "because" and _concessive(tokens, i):
            i += n  # "Just because the fire is under control doesn't mean ...": no cause of anything
            continue
        cause: list[Token] = []
        clause = False
        if kind == "result":
            if marker != "so" or (i + 2 < len(tokens) and _norm(tokens[i + 2]) not in _NOT_RESULT):
                cause = _backward(sent, sent.start + i)
        else:
            # "after Musk bought it": "after" opening a clause (dependency "mark") takes the clause
            clause = marker in {"after", "following"} and tokens[i].dep_ == "mark"
            # "because of how toxic the community became", "due to what Musk did": the clause is the cause
            clause = clause or (kind == "phrase" and i + n < len(tokens) and words[i + n] in _WH)
            start = _past_aside(sent, i + n) if kind == "clause" else i + n
            cause = _forward(sent, start, "clause" if clause else kind)
        if cause and not negated and _usable(sent, i, marker, cause):
            phrase = sent.doc[cause[0].i : cause[-1].i + 1]
            explained = tokens[i + 1].head if kind == "result" else _governing(tokens[i], cause)
            # "Came here after ..." may be a reason or the order of a day ("downloaded it minutes after its
            # launch"): a writer's act counts with a connective of reasons, or after what someone else did
            # ("I stopped using Twitter after Elon bought it")
            ordered = marker in _ORDER and not (clause and _done_by_others(phrase))
            act = None if explained is None or ordered else own_act(explained)
            out.append(_mention(phrase, marker, evidence, act))
        i += n
    out += [_mention(phrase, VERB_MARKER, evidence) for phrase in _verb_causes(sent)]
    return out


def _mention(phrase: Span, marker: str, evidence: Finding, act: tuple[str, ...] | None = None) -> CauseMention:
    """A cut-out cause as a :class:`CauseMention`: its content words, keys, head noun and whether it names a thing."""
    head = phrase.root.lower_ if phrase.root.pos_ in {"NOUN", "PROPN"} else ""
    concrete = any(t.pos_ in {"NOUN", "PROPN"} for t in phrase)
    return CauseMention(phrase.text, marker, evidence, tuple(content_words(phrase)), _keys(phrase), head, act, concrete)


def _verb_causes(sent: Span) -> list[Span]:
    """The causes a sentence names as the subject of a verb of causing (:data:`CAUSING`) with an object ("Strong
    demand triggers oil rally", "cold weather ... pushed US crude prices to four-month highs"), or as its agent in
    the passive ("gains which were triggered by large falls in US crude supplies"): noun phrases with a content
    word, not a pronoun, questions and negated verbs aside."""
    if sent.text.rstrip().endswith("?"):
        return []
    out = []
    for verb in sent:
        if verb.pos_ != "VERB" or _lemma(verb) not in CAUSING or any(c.dep_ == "neg" for c in verb.children):
            continue
        children = list(verb.children)
        if verb.dep_ in {"amod", "compound"} or verb.tag_ == "VBG":
            continue  # "a driving force": no clause
        if verb.tag_ == "VBN" and not any(c.dep_ in {"aux", "auxpass"} for c in children):
            continue  # "Musk's propaganda driven algorithm": a participle without its auxiliary describes
        if any(c.dep_ == "auxpass" for c in children):
            agents = [c for c in children if c.dep_ == "agent"]
            causes = [g for a in agents for g in a.children if g.dep_ == "pobj"]
        elif any(c.dep_ == "dobj" for c in children):
            causes = [c for c in children if c.dep_ == "nsubj"]
        else:
            causes = []
        for cause in causes:
            if cause.pos_ not in {"NOUN", "PROPN"}:
                continue  # "it", "this", "which": the cause is elsewhere
            tokens = list(sent.doc[cause.left_edge.i : cause.right_edge.i + 1])
            breaks = [k for k, t in enumerate(tokens) if t.is_space and "\n" in t.text]
            tokens = _trim(tokens[breaks[-1] + 1 :] if breaks else tokens)  # a headline before it is no part
            if any(t.pos_ in {"VERB", "AUX"} and t.dep_ not in {"amod", "compound"} for t in tokens):
                continue  # a clause, not a noun phrase: "Colorado flooding imperils oil and gas sites"
            if (
                tokens
                and len(tokens) <= MAX_CAUSE_TOKENS
                and content_words(tokens[0].doc[tokens[0].i : tokens[-1].i + 1])
            ):
                out.append(sent.doc[tokens[0].i : tokens[-1].i + 1])
    return out


def _concessive(tokens: Sequence[Token], i: int) -> bool:
    """Whether the "because" at ``tokens[i]`` opens "Just because ..., (it) doesn't mean ...": "just" before it
    at the start of the sentence or after a mention, hashtag or punctuation."""
    if i == 0 or _norm(tokens[i - 1]) != "just":
        return False
    return i == 1 or tokens[i - 2].is_punct or _is_noise(tokens[i - 2]) or tokens[i - 2].lower_ == "rt"


def _colloquial(tokens: Sequence[Token], i: int, kind: str) -> bool:
    """Whether ``tokens[i]`` ("cause", "bc", "cos", "cus") says "because": in lower case (or capitalised, not "BC"),
    not a noun with a determiner or modifier ("the cause of", "major cause of", "CONFIRMED cause of fire"), not a
    verb ("could cause it to", "to cause them"); before a clause only where one starts ("cause it's free", "bc i
    got overwhelmed"), before "of" only inside a sentence ("Cause of death: fire" is a noun)."""
    token = tokens[i]
    if token.text.isupper() and len(token.text) > 1:
        return False
    if any(child.dep_ in {"det", "amod", "compound", "poss", "nummod"} for child in token.children):
        return False
    before = _norm(tokens[i - 1]) if i > 0 else ""
    if before in _CAUSE_VERB_BEFORE or (i > 0 and tokens[i - 1].pos_ in {"DET", "PART"}):
        return False
    if kind == "phrase":  # "<w> of"
        return i > 0
    after = tokens[i + 1] if i + 1 < len(tokens) else None
    if after is None or not (after.pos_ == "PRON" or _norm(after) in {"there", "im", "ur", "u"}):
        return False
    return not (i + 2 < len(tokens) and _norm(tokens[i + 2]) == "to")  # "cause it to crash": the verb


def _usable(sent: Span, i: int, marker: str, cause: list[Token]) -> bool:
    """Whether a cut-out cause is a cause: enough content, and not a time or a thank-you."""
    words = content_words(cause[0].doc[cause[0].i : cause[-1].i + 1])
    # a phrasal verb says what happened though spaCy lists its verb as a stop word: "because I give up with the
    # hate" (not "because he has talent")
    verbs = [t for t in cause if t.pos_ == "VERB" and t.is_stop and any(c.dep_ == "prt" for c in t.children)]
    if len(words) + len(verbs) < (
        2 if marker in {"because", "since", "now that", "given that", "so", "that's why"} else 1
    ):
        return False
    named = {t.lower_ for t in cause if t.is_alpha and (t.is_upper or not t.is_stop)}  # hashtags and "US" count
    if marker in TEMPORAL_MARKERS and len(named) < 2:
        # "after his death", "amid the pandemic", "after takeoff": one word after a time connective is a
        # sequence of events far more often than a reason ("after #Trump's election", "after the US election" stay)
        return False
    if marker == "since":
        return not _temporal_since(sent, i, cause)
    if marker in {"after", "following"}:
        if i > 0 and _norm(sent[i - 1]) in _PHRASAL_AFTER:
            return False  # "named after", "look after": no time, no cause
        if marker == "following" and sent[i].dep_ != "prep" and i > 0:
            return False  # "I'm following the news": a verb, not a connective
        if cause[0].tag_ == "VBG":
            return False  # "after joining", "after hearing ...": a time in the writer's day, not a cause
        if cause[0].like_num:
            return False  # "after four series", "after 20 years": a count of what went before
        return not _is_time(cause) and not any(t.pos_ == "PRON" and t.dep_ == "nsubj" for t in cause)
    if marker == "thanks to":
        return not _gratitude(sent, i, i + 2)
    # "due to start in early April", "due to be released": a schedule, not a cause
    return not (marker == "due to" and cause[0].tag_ == "VB")


def cause_mentions(sentences: Sequence[Sentence]) -> list[CauseMention]:
    """Every cause stated in ``sentences``, in order, each with its sentence as evidence.

    A cause read from the sentence before ("... a cluttered feed. So I went through and did some
    pruning") is quoted with that sentence in front, so the evidence shows what it cites. A
    sentence without a parsed span is parsed here.
    """
    out = []
    for sentence in sentences:
        span = sentence.span if sentence.span is not None else _parse(sentence.text)
        for mention in sentence_causes(span, sentence.doc_id):
            text = sentence.text
            if mention.cause not in text and span.start > 0:
                text = f"{span.doc[span.start - 1].sent.text.strip()} {text}"
            out.append(replace(mention, evidence=Finding(text, sentence.doc_id)))
    return out


def _governing(connective: Token, cause: list[Token]) -> Token | None:
    """The verb whose clause a cause explains: the first head above the connective outside the cause
    ("left" in "I left Twitter because I refuse ...", "migrating" in "I'm migrating, sick of the ads")."""
    inside = {t.i for t in cause} | {connective.i}
    token = connective
    while token.i in inside or token.pos_ not in {"VERB", "AUX"}:
        if token.head.i == token.i:
            return None  # the root: the cause explains nothing in its sentence ("Because I had to delete it.")
        token = token.head
    return token


def own_act(verb: Token) -> tuple[str, ...] | None:
    """What the writer says they joined, left, switched to, tried, bought or quit, when ``verb`` says so.

    The verb (or the one it introduces: "decided to move", "figured I'd try", "gonna give this a try")
    is one of :data:`ACTS`, "give it a try/go", "make the switch", or "be here"; not negated; and its
    subject is "I" or "we", or left out as posts do ("Giving this app a try, tired of ..."). Returns the
    words of its objects ("twitter" in "I left Twitter"; "here" for "here", "this", "it"; none when it
    has none), or ``None`` when ``verb`` is no such act. Why people say they did what the trend is made
    of is its driver even when few say it (:mod:`~trendlens.enrich.drivers`); the objects tell whether
    the act is the trend's ("buying bottled water" in flood reports is not).
    """
    subject = _subject(verb)
    if (subject is None and not _opens(verb)) or (subject is not None and _norm(subject) not in _WRITER):
        return None
    if _quoted(verb):
        return None
    acts = [verb] if _act(verb) else []
    if not acts and _lemma(verb) in _INTENT:
        acts = [
            c
            for c in verb.children
            if c.dep_ in {"xcomp", "ccomp"} and _act(c) and (_subject(c) is None or _norm(_subject(c)) in _WRITER)
        ]
    if not acts:
        return None
    objects = []
    for act in acts:  # what was bought, left or tried; else where to or from ("in Colorado" is no object)
        children = list(act.children)
        direct = [c for c in children if c.dep_ in {"dobj", "attr", "oprd"} or c.lower_ in _DEICTIC]
        objects += direct or [
            c
            for p in children
            if p.dep_ in {"prep", "dative"} and p.lower_ in _TOWARDS
            for c in p.children
            if c.dep_ == "pobj"
        ]
    words = ("here" if o.lower_ in _DEICTIC else singular_form(o.lower_) for o in objects if o.lower_ not in _TRIES)
    return tuple(dict.fromkeys(words))


def _done_by_others(clause: Span) -> bool:
    """Whether a clause says what someone other than the writer did, not that something began or ended: its
    verb's subject is not "I" or "we" ("after Elon bought it", "after it became a cesspool"; not "after I saw
    it", "after it launched")."""
    verb, subject = clause.root, _subject(clause.root)
    inside = subject is not None and subject.i in range(clause.start, clause.end)
    return inside and _norm(subject) not in _WRITER and verb.lower_ not in _ONSET


def _quoted(token: Token) -> bool:
    """Whether ``token`` stands inside quotation marks: a quoted speaker's "I", not the writer's. In BBC News
    articles a footballer's "I always try to be sniffing around because ..." and a fan's "I came to check
    out Fightstar because of all the controversy" read as the writers' own reasons."""
    before = token.doc.text[: token.idx]
    return before.count('"') % 2 == 1 or before.count("“") > before.count("”")


def _act(verb: Token) -> bool:
    """Whether ``verb`` itself, not negated, is an act of :func:`own_act`."""
    children = list(verb.children)
    lemma = _lemma(verb)
    if lemma in {"come", "start"} and any(
        c.dep_ in {"xcomp", "advcl"} and c.lower_ in _COGNITION and any(a.lower_ == "to" for a in c.children)
        for c in children
    ):
        return False  # "I came to know this", "started to like it": what the writer learnt, not where they went
    present = _norm(verb) in {"am", "'m", "is", "'s", "are", "'re"}
    if any(c.dep_ == "neg" or (c.lower_ == "longer" and c.i > 0 and _norm(c.nbor(-1)) == "no") for c in children):
        # "I'm not on Twitter because ...", "I'm no longer on X": staying off it
        return lemma == "be" and present and any(c.dep_ == "prep" and c.lower_ == "on" for c in children)

    objects = {singular_form(c.lower_) for c in children if c.dep_ in {"dobj", "attr"}}
    if lemma in ACTS:
        return True
    if lemma == "give":  # "give this a try", not "give him a chance"
        people = any(c.dep_ == "dative" and c.pos_ == "PRON" and c.lower_ not in _DEICTIC for c in children)
        return bool(objects & _TRIES) and not people
    if lemma == "make":
        return bool(objects & {"switch", "move", "jump", "leap"})
    if lemma == "run":
        return any(c.lower_ == "away" for c in children)
    # "I'm here (now)", not "I was here in the early days": an arrival, not a past stay
    return lemma == "be" and present and any(c.lower_ in {"here", "back"} for c in children if c.dep_ == "advmod")


def _opens(verb: Token) -> bool:
    """Whether ``verb`` opens its sentence, as a post that leaves "I" out does ("Downloaded it because ...",
    "#FirstPost giving this app a try"): only adverbs, hashtags, mentions and punctuation come before it.
    A headline's verb has its subject before it ("128 flights canceled due to typhoon")."""
    while verb.dep_ in {"xcomp", "conj"} and verb.head.i != verb.i:  # "Decided to *move* here because ..."
        verb = verb.head
    before = verb.doc[verb.sent.start : verb.i]
    return all(t.pos_ in {"ADV", "INTJ", "PUNCT", "SYM", "CCONJ", "PART"} or _is_noise(t) for t in before)


def _subject(verb: Token) -> Token | None:
    """The subject of ``verb``, or of the verb it is joined to ("I left and *moved* here", "I decided to *move*")."""
    for token in (verb, verb.head if verb.dep_ in {"conj", "xcomp"} else None):
        if token is None:
            continue
        subject = next((c for c in token.children if c.dep_ in {"nsubj", "nsubjpass", "expl"}), None)
        if subject is not None:
            return subject
    return None


#: Verbs of taking part in a trend or leaving it (base forms): what people do that they give reasons for.
ACTS = word_set(
    """
    join leave quit switch move migrate delete deactivate start stop try sign come return buy order
    download install uninstall subscribe unsubscribe cancel ditch abandon drop flee escape jump use
    register boycott adopt choose pick sell
    """
)
# Verbs that introduce the act ("decided to leave", "figured I'd try", "gonna move").
_INTENT = word_set("decide think figure want plan choose go need hope")
#: Verbs whose subject (or passive agent) causes their object: "Strong demand triggers oil rally".
CAUSING = word_set("cause trigger spark fuel prompt drive push")
#: The marker of a cause read from one of them.
VERB_MARKER = "causes"
# Verbs after "came to" / "started to" that say what the writer learnt or felt, not what they did.
_COGNITION = word_set("know knew realize realise understand learn see like love hate feel appreciate enjoy")
_WRITER = word_set("i we")
# Connectives that may only order events (as in :mod:`~trendlens.enrich.drivers`).
_ORDER = frozenset({"after", "following", "amid"})
# Objects that point rather than name: the place the post is written on ("here", "this", "it") or the
# one left ("there").
_DEICTIC = word_set("here this it there")
# The nouns of "give it a try" and "make the switch": the act itself, not what it was done to.
_TRIES = word_set("try go shot chance switch move jump leap")
_TOWARDS = word_set("to from for on onto into off over with")
# Irregular forms of the verbs above (the pipeline has no lemmatizer).
_IRREGULAR = {
    "left": "leave", "came": "come", "bought": "buy", "chose": "choose", "chosen": "choose", "fled": "flee",
    "sold": "sell", "went": "go", "gone": "go", "gonna": "go", "thought": "think", "was": "be", "were": "be",
    "is": "be", "are": "be", "am": "be", "'m": "be", "'re": "be", "'s": "be", "been": "be", "gave": "give",
    "given": "give", "made": "make", "ran": "run", "wanna": "want", "drove": "drive", "driven": "drive",
}  # fmt: skip


def _lemma(verb: Token) -> str:
    """The base form of a verb of :data:`ACTS`, of a verb that introduces one, or of "be", "give", "make"
    or "run" (any other verb: its lower case)."""
    word = _norm(verb)
    if word in _IRREGULAR:
        return _IRREGULAR[word]
    for suffix, add in _ENDINGS:
        if word.endswith(suffix):
            stem = word[: -len(suffix)]
            for base in (stem + add, stem[:-1] if len(stem) > 2 and stem[-1] == stem[-2] else None):
                if base in _KNOWN:
                    return base
    return word


_KNOWN = ACTS | _INTENT | CAUSING | {"give", "make", "run"}
# Endings of regular forms and what the base form ends with instead: "moving", "tried", "migrated".
_ENDINGS = (("ing", ""), ("ing", "e"), ("ied", "y"), ("ies", "y"), ("ed", ""), ("d", ""), ("s", ""), ("es", ""))


def _parse(text: str) -> Span:
    from trendlens.enrich.nlp import load_nlp

    return load_nlp()(text)[:]
