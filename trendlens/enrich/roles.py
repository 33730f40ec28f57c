"""Who a sentence speaks of: the writer describing themself, and groups that something happened to.

The description of consumers (:mod:`~trendlens.enrich.audience`) reads two kinds of cue:

- **self-descriptions**, where the writer says who they are: "I'm an artist", "as a
  teacher, I ...", "fellow writers", "we gamers", "Mom of two here", "I'm 17", "19 yo",
  "my kids" (a parent). :func:`self_descriptions` returns the token ranges that hold them;
  a role that is no entry of the audience lexicon is kept when it names a person
  (:func:`person_noun`), e.g. "artist" or "nurse";
- **references to a group** in the third person ("Gen Z shoppers are driving resale
  apps"). Such a reference describes the audience only when the group takes part, not when
  the sentence reports something that happened to it: :func:`affected_group` is true in a
  sentence of harm, crime or rescue ("2 Children Dead, Several People Hurt ...") and for
  the subject of a passive verb, and the cue is then dropped.

Everything here is a general property of English (pronouns, copulas, person-noun endings,
words of harm); no word list names the topic of a corpus.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from trendlens.enrich.findings import hashtag_word
from trendlens.enrich.nlp import word_set

if TYPE_CHECKING:
    from spacy.tokens import Span, Token

#: Words of harm, crime, accusation, justice, accident and rescue: a group named in such a sentence is
#: what the news happened to (victims, suspects, accusers), never the audience of a trend.
HARM_WORDS = word_set(
    """
    dead die dies died dying death deaths kill kills killed killing slain murder murders murdered
    hurt injure injures injured injuring injury injuries wound wounded shot shoot shooting shootings
    stab stabbed stabbing drown drowned drowning missing kidnap kidnapped abducted rescue rescued
    evacuate evacuated evacuation trapped stranded arrest arrested charged sentenced convicted jailed
    detained deported abuse abused assault assaulted attack attacked rape raped harass harassed
    bully bullied hospitalized hospitalised sickened poisoned infected victim victims orphaned
    displaced fatal fatally crash crashed casualties mourn mourns mourning funeral
    police suspect suspects gunman gunmen shooter shooters perpetrator accused accuser accusers
    allegation allegations alleged allegedly misconduct harassment molested groped trafficking trafficked
    survivor survivors testified indicted prison jail custody lawsuit sued
    """
)
_FIRST_PERSON = word_set("i me my myself we us our ourselves im i'm")
_BE = word_set("'m am ’m m")
_ADVERBS = word_set("just also only actually proudly basically still now really")
_POSSESSIVE = word_set("my your his her their our its")
# Words that end the noun phrase of a self-description.
_PHRASE_END = word_set("of from in and or who that with at on for to but by since because so when where which")
# Nouns of people together, which a group word qualifies as people ("low-income families").
_PEOPLE = word_set("family families household households people community communities couple couples group groups")
_KIN = word_set(
    "boy boys girl girls kid kids child children son sons daughter daughters wife wives husband husbands "
    "mom moms mum mums mother mothers dad dads father fathers baby babies toddler toddlers parent parents "
    "grandmother grandfather grandma grandpa grandparents sister sisters brother brothers man men woman women"
)
_CHILD_WORDS = word_set("kid kids child children son sons daughter daughters baby babies toddler toddlers")

#: Common nouns of roles, occupations and identities that no person-noun ending marks.
ROLE_NOUNS = word_set(
    """
    mom mum dad mother father parent wife husband partner kid teen adult student nerd geek fan
    nurse chef cook coach vet pilot poet author doctor judge monk priest nun witch guy gal girl boy
    man woman person folk human creative artist scientist academic scholar postdoc phd veteran
    activist advocate medic paramedic firefighter cop officer soldier refugee immigrant migrant
    expat nomad furry weeb otaku cosplayer streamer youtuber vtuber gamer teacher educator
    librarian journalist reporter editor historian musician singer rapper drummer guitarist
    photographer illustrator animator designer developer programmer engineer researcher professor
    lawyer attorney farmer gardener baker crafter knitter maker hobbyist collector reader fangirl
    fanboy introvert extrovert newcomer beginner amateur professional freelancer entrepreneur founder
    citizen resident voter worker employee retiree pensioner grandma grandpa grandparent aunt uncle
    """
)
# Endings of person nouns (writer, actor, artist, librarian, assistant, student, engineer, employee).
_PERSON_ENDINGS = ("er", "or", "ist", "ian", "ant", "ent", "eer", "ee", "ster", "man", "woman", "person")
# Common nouns with those endings that are not people.
_NOT_PERSON = word_set(
    """
    number matter reminder result whole way computer letter paper poster character center centre
    order water power answer corner winter summer chapter other border disaster monster sucker
    moment comment content event component element document argument statement movement government
    environment development equipment percent present accent list twist mist wrist fist gist
    plant giant restaurant elephant pant meeting career layer filter sticker cover folder finger
    shoulder river silver dinner timer tower flower feather weather hammer ladder ever never however
    whatever forever rather either neither further together after over under super cyber better
    butter printer counter theater theatre blender shelter trailer thriller
    game changer gamechanger slumber number november december october september member
    """
)


def _norm(token: Token) -> str:
    return token.lower_.replace("’", "'")


def person_noun(token: Token) -> bool:
    """Whether ``token`` is a common noun for a person: a role noun, or a person-noun ending."""
    if not token.is_alpha or token.is_stop or token.ent_type_ == "PERSON":
        return False
    word = _norm(token)
    if token.pos_ == "PROPN" and word not in ROLE_NOUNS and singular_form(word) not in ROLE_NOUNS:
        return False  # a name ("Peter"), not a role
    return person_word(word)


def person_word(word: str) -> bool:
    """Whether a lower-case word names a person: a role noun ("nurse") or a person-noun ending ("writer")."""
    if len(word) < 3 or not word.isalpha():
        return False
    singular = singular_form(word)
    if word in ROLE_NOUNS or singular in ROLE_NOUNS:
        return True
    if word in _NOT_PERSON or singular in _NOT_PERSON:
        return False
    return singular.endswith(_PERSON_ENDINGS)


def singular_form(word: str) -> str:
    """A plural English noun in the singular (regular forms only: "artists", "furries", "women")."""
    if word.endswith("men"):
        return word[:-3] + "man"
    if word.endswith("ies") and len(word) > 4:
        return word[:-3] + "y"
    if word.endswith(("ches", "shes", "sses", "xes")):
        return word[:-2]
    if word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def plural_form(word: str) -> str:
    """The regular plural of a singular English noun ("artist" -> "artists", "furry" -> "furries")."""
    if word.endswith("man"):
        return word[:-3] + "men"
    if word.endswith("y") and len(word) > 2 and word[-2] not in "aeiou":
        return word[:-1] + "ies"
    if word.endswith(("ch", "sh", "ss", "x")):
        return word + "es"
    return word if word.endswith("s") and singular_form(word) != word else word + "s"


def _phrase(sent: Span, start: int, limit: int = 4) -> tuple[int, int] | None:
    """The noun phrase starting at relative index ``start``: up to ``limit`` words, ending before a
    preposition, conjunction, verb or punctuation mark; ``None`` when it holds no word."""
    end = start
    while end < len(sent) and end - start < limit:
        tok = sent[end]
        if (tok.is_punct and tok.text != "-") or _norm(tok) in _PHRASE_END or tok.pos_ in {"VERB", "AUX"}:
            break
        if tok.like_url or tok.text.startswith("@"):
            break
        end += 1
    return (sent.start + start, sent.start + end) if end > start else None


def self_descriptions(sent: Span) -> list[tuple[int, int, str]]:
    """Where the writer of ``sent`` says who they are, as (absolute start, end, kind) token ranges.

    ``kind`` is ``"role"`` (a noun phrase naming the writer), ``"age"`` (a number of years, as in
    "I'm 17" or "19 yo") or ``"parent"`` ("my kids").
    """
    words = [_norm(t) for t in sent]
    first_person = any(w in _FIRST_PERSON for w in words)
    out: list[tuple[int, int, str]] = []
    n = len(words)
    for i, w in enumerate(words):
        nxt = words[i + 1] if i + 1 < n else ""
        # "I'm a/an ...", "I am just a ...", "im a ..."; "I'm 17"
        if (w == "i" and nxt in _BE) or w == "im":
            j = i + (2 if w == "i" else 1)
            while j < n and words[j] in _ADVERBS:
                j += 1
            if j < n and words[j] in {"a", "an"}:
                span = _phrase(sent, j + 1)
                if span:
                    out.append((*span, "role"))
            elif j < n and sent[j].like_num and _age_number(sent[j]) and _ends_age(words, j + 1):
                out.append((sent.start + j, sent.start + j + 1, "age"))
        # "as a teacher, I ..." (the sentence speaks in the first person)
        elif w == "as" and nxt in {"a", "an"} and first_person:
            span = _phrase(sent, i + 2)
            if span:
                out.append((*span, "role"))
        # "fellow writers", "my fellow artists"; "we gamers", "us millennials"
        elif w == "fellow" or (w in {"we", "us"} and i + 1 < n and nxt.endswith("s") and person_noun(sent[i + 1])):
            span = _phrase(sent, i + 1, limit=3)
            if span:
                out.append((*span, "role"))
        # "19 yo", "19 y/o" in a first-person sentence, not "my 2 yo"
        elif sent[i].like_num and nxt in {"yo", "y/o", "y.o", "y.o."} and first_person and _age_number(sent[i]):
            if i == 0 or words[i - 1] not in _POSSESSIVE | {"a", "an", "the"}:
                out.append((sent.start + i, sent.start + i + 1, "age"))
        # "my kids", "our daughter": the writer is a parent
        elif w in {"my", "our"} and nxt in _CHILD_WORDS:
            out.append((sent.start + i + 1, sent.start + i + 2, "parent"))
    here = _here_intro(sent, words)
    if here:
        out.append((*here, "role"))
    return out


def _here_intro(sent: Span, words: list[str]) -> tuple[int, int] | None:
    """The opening "<role> here" of a sentence ("Artist here!", "Mom of two here.")."""
    start = 0
    while start < len(words) and (sent[start].is_punct or sent[start].pos_ == "INTJ"):
        start += 1
    for k in range(start + 1, min(start + 5, len(words))):
        if words[k] == "here":
            after = sent[k + 1] if k + 1 < len(sent) else None
            if after is None or after.is_punct or after.text == "#" or not any(c.isalnum() for c in after.text):
                return sent.start + start, sent.start + k
            return None
    return None


def _age_number(token: Token) -> bool:
    try:
        return 10 <= int(token.text) <= 99
    except ValueError:
        return False


def _ends_age(words: list[str], j: int) -> bool:
    """Whether the words after "I'm <number>" end the statement of an age ("I'm 17", "I'm 17 years old")."""
    return j >= len(words) or words[j] in {"and", "years", "yo", "y/o", ",", ".", "!", "&", "but", "now", "too"}


def names_a_thing(sent: Span, start: int, end: int) -> bool:
    """Whether the group word at ``[start, end)`` only qualifies a thing: "Immigrant Detention Center" and
    "teen comedy" name a place and a genre, not people taking part. A word of the people themselves
    ("low-income families", "immigrant moms") is not one, nor an owner ("parents' tweets", "women's march":
    they wrote and marched)."""
    last = sent.doc[end - 1]
    head = last.head
    return (
        last.dep_ in {"compound", "amod"}
        and person_word(_norm(last))
        and end <= head.i < sent.end
        and head.pos_ in {"NOUN", "PROPN"}
        and not person_noun(head)
        and _norm(head) not in _PEOPLE
    )


def affected_group(sent: Span, start: int, end: int) -> bool:
    """Whether the group named at ``[start, end)`` is what something happened to.

    True in a sentence with a word of harm, crime or rescue (:data:`HARM_WORDS`) and for the
    subject of a passive verb ("children were evacuated", "seniors are targeted").
    """
    if any(_norm(t) in HARM_WORDS for t in sent):
        return True
    return any(t.dep_ == "nsubjpass" for t in sent.doc[start:end])


def tag_or_relative(sent: Span, start: int) -> bool:
    """Whether a group cue at ``start`` is a hashtag ("#women") or someone's relative ("her boys", "my wife",
    "Aniston's wife")."""
    token = sent.doc[start]
    if hashtag_word(token):
        return True
    if start <= sent.start or _norm(token) not in _KIN:
        return False
    before = sent.doc[start - 1]
    # "her boys", and a named person's relative: "Jennifer Aniston's wife" (HuffPost) is no audience of women
    return _norm(before) in _POSSESSIVE or before.tag_ == "POS"
