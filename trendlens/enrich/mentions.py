"""Names as social text writes them: words, hashtags, @handles and CJK runs of a document, with their keys.

Social posts name a platform as "Bluesky", "bluesky", "BlueSky", "Blue Sky",
"#NewToBluesky", "@bsky.app" or in Chinese. This module reads a document
without spaCy (it runs on every document of a trend) and yields its pieces:

* running-text words, each knowing whether it is capitalised, starts a
  sentence, or sits in a Title Case line (a headline, whose capitals say
  nothing about names);
* hashtags and the first label of @handles, split into words (CamelCase first,
  then the ``wordsegment`` package for run-together lowercase: ``#byebyex`` →
  "bye bye x");
* runs of CJK script.

A *key* is the name folded to lower case with everything but letters and
digits removed, so case, spacing and hashtag forms of one name share a key
("Blue Sky", "#bluesky", "BlueSky" → ``bluesky``). :func:`runs` joins 1–4
neighbouring pieces, which finds a name however a hashtag was split.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Container, Iterator, Sequence
from dataclasses import dataclass

from trendlens.topics.terms import web_segmenter

#: Unicode ranges read as CJK script: kana, CJK ideographs (and extension A, compatibility), hangul.
CJK_RANGES = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK = f"[{CJK_RANGES}]"
_URL = re.compile(r"(?:https?://|www\.)\S+", re.IGNORECASE)
_PIECE = re.compile(
    rf"(?P<tag>[#＃](?:(?!{_CJK})[^\W_]|{_CJK})\w*)"
    rf"|(?P<handle>(?<![\w.])@\w[\w.-]*\w)"
    rf"|(?P<cjk>{_CJK}+)"
    rf"|(?P<word>(?:(?!{_CJK})[^\W\d_])(?:(?!{_CJK})\w|['’](?=[^\W\d_]))*)"
    r"|(?P<stop>[.!?…]+(?=\s|$)|[。！？\n]+)"
)
_CAMEL = re.compile(r"[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z]+|[A-Z]+|\d+|[^\W\d_]+")
_POSSESSIVE = re.compile(r"['’]s?$", re.IGNORECASE)
#: A line counts as Title Case (headline style) from this share of capitalised words on.
TITLE_CASE_SHARE = 0.7


def name_key(text: str) -> str:
    """``text`` folded for comparison: NFKC, case-folded, only letters and digits ("Blue-Sky's" → "bluesky")."""
    folded = unicodedata.normalize("NFKC", _POSSESSIVE.sub("", text.strip())).casefold()
    return "".join(ch for ch in folded if ch.isalnum())


def is_cjk(text: str) -> bool:
    """Whether ``text`` holds any CJK character."""
    return re.search(_CJK, text) is not None


@functools.lru_cache(maxsize=65536)
def split_tag(body: str) -> tuple[str, ...]:
    """The words of a hashtag or handle label, without ``#``/``@``: "ByeByeX" → ("Bye", "Bye", "X").

    CamelCase marks the word boundaries when present; a lowercase run of more
    than five letters (or the whole tag, "Blueskymigration") is split by ``wordsegment`` (word frequencies of English
    web text), so "newtobluesky" → ("new", "to", "bluesky").
    """
    out: list[str] = []
    parts = _CAMEL.findall(body)
    for part in parts:
        if (part.islower() or len(parts) == 1 and part[1:].islower()) and len(part) > 5 and part.isascii():
            words = web_segmenter().segment(part.lower())
            out += [part[: len(words[0])], *words[1:]] if part[0].isupper() else words  # keep "Bluesky" capitalised
        else:
            out.append(part)
    return tuple(out)


@dataclass(frozen=True)
class Word:
    """A running-text word of a document.

    ``initial``: first word of its sentence (after any leading hashtags, handles
    or emoji); ``title``: its line is written in Title Case; ``sentence``: index
    of the sentence in the document.
    """

    text: str
    key: str
    start: int
    end: int
    sentence: int
    initial: bool
    title: bool

    @property
    def capitalised(self) -> bool:
        """Starts with a capital letter (also ALL CAPS and CamelCase)."""
        return self.text[:1].isupper()

    @property
    def name_like(self) -> bool:
        """Capitalised where capitals are a choice: neither sentence-initial nor in a Title Case line."""
        return self.capitalised and not self.initial and not self.title


@dataclass(frozen=True)
class Tag:
    """A hashtag or the first label of an @handle, with its words (``handle`` tells which)."""

    text: str
    words: tuple[str, ...]
    start: int
    end: int
    sentence: int
    handle: bool = False


@dataclass(frozen=True)
class Post:
    """One document read into pieces: words, tags (hashtags and handles), CJK runs and sentence spans."""

    text: str
    words: tuple[Word, ...]
    tags: tuple[Tag, ...]
    cjk: tuple[str, ...]
    sentences: tuple[tuple[int, int], ...]

    def sentence_text(self, index: int) -> str:
        """The verbatim text of sentence ``index``."""
        start, end = self.sentences[index]
        return self.text[start:end].strip()


@functools.lru_cache(maxsize=20_000)
def read_post(text: str) -> Post:
    """``text`` read into a :class:`Post` (URLs are skipped; they name sites, not what people say).

    Kept per text (a :class:`Post` is immutable): a consumer trend reads the documents its sub
    trends have read."""
    masked = _URL.sub(lambda m: " " * len(m.group()), text)
    words: list[tuple[str, int, int, int, bool]] = []
    tags: list[Tag] = []
    cjk: list[str] = []
    bounds: list[tuple[int, int]] = []
    sentence, start, fresh = 0, 0, True
    for m in _PIECE.finditer(masked):
        kind = m.lastgroup
        if kind == "stop":
            if m.start() > start and masked[start : m.start()].strip():
                bounds.append((start, m.end()))
                sentence += 1
            start, fresh = m.end(), True
        elif kind == "word":
            words.append((m.group(), m.start(), m.end(), sentence, fresh))
            fresh = False
        elif kind == "cjk":
            cjk.append(m.group())
        else:
            body = m.group()[1:]
            handle = kind == "handle"
            if handle:
                body = body.split(".")[0]
            if is_cjk(body):
                cjk.append(body)
            tags.append(Tag(m.group(), split_tag(body) if body else (), m.start(), m.end(), sentence, handle))
    if masked[start:].strip():
        bounds.append((start, len(text)))
    titled = _title_case_sentences(words)
    return Post(
        text,
        tuple(Word(t, name_key(t), a, b, s, i, s in titled) for t, a, b, s, i in words),
        tuple(tags),
        tuple(cjk),
        tuple(bounds),
    )


def _title_case_sentences(words: Sequence[tuple[str, int, int, int, bool]]) -> set[int]:
    """Sentences of four words or more whose words are mostly capitalised (headlines, shouting)."""
    total: dict[int, int] = {}
    upper: dict[int, int] = {}
    for text, _, _, sentence, _ in words:
        if len(text) > 3:  # short function words ("in", "of", "to") are lower even in many headlines
            total[sentence] = total.get(sentence, 0) + 1
            upper[sentence] = upper.get(sentence, 0) + text[:1].isupper()
    return {s for s, n in total.items() if n >= 4 and upper[s] / n >= TITLE_CASE_SHARE}


def runs(pieces: Sequence[str], longest: int = 4) -> Iterator[tuple[int, int, str]]:
    """``(start, end, key)`` of every run of 1 to ``longest`` neighbouring pieces joined into one key."""
    keys = [name_key(p) for p in pieces]
    for i in range(len(keys)):
        joined = ""
        for j in range(i, min(i + longest, len(keys))):
            joined += keys[j]
            if joined:
                yield i, j + 1, joined


def cjk_grams(run: str, shortest: int = 2, longest: int = 6) -> set[str]:
    """Character n-grams of a CJK run (the run's own words are unknown without a segmenter)."""
    run = run[:60]
    return {run[i : i + n] for n in range(shortest, longest + 1) for i in range(len(run) - n + 1)}


def name_runs(words: Sequence[Word], keys: Container[str]) -> list[tuple[int, int, str]]:
    """Left to right, the longest run of 1–3 words of one sentence naming a key ("Blue Sky" before "Blue").

    A run of several words counts only when written as a name (see :func:`written_as_name`).
    """
    out = []
    i = 0
    while i < len(words):
        longest = min(i + 3, len(words)) if words[i].capitalised else i + 1  # a run of words starts capitalised
        for j in range(longest, i, -1):
            span = words[i:j]
            if span[-1].sentence != span[0].sentence or (j - i > 1 and not written_as_name(span)):
                continue
            key = "".join(w.key for w in span)
            if key in keys:
                out.append((i, j, key))
                i = j - 1
                break
        i += 1
    return out


def written_as_name(span: Sequence[Word]) -> bool:
    """Several words read as one name: all capitalised, or the first capitalised mid-sentence ("on Blue sky")."""
    return all(w.capitalised for w in span) or span[0].name_like


def tag_runs(pieces: Sequence[str], keys: Container[str]) -> list[tuple[int, int, str]]:
    """Left to right, the longest run of hashtag or handle words naming a key."""
    out = []
    i = 0
    while i < len(pieces):
        found = max(
            ((a, b, k) for a, b, k in runs(pieces[i:]) if a == 0 and k in keys), key=lambda r: r[1], default=None
        )
        if found:
            out.append((i, i + found[1], found[2]))
            i += found[1]
        else:
            i += 1
    return out


def letter_name(post: Post, word: Word) -> bool:
    """A one-letter word is a name only as a capital standing alone (not "U.S.", "J. K.", "x2")."""
    after = post.text[word.end : word.end + 1]
    before = post.text[word.start - 1 : word.start] if word.start else ""
    return word.text[:1].isupper() and after not in (".", "-") and before not in (".", "-")


@dataclass(frozen=True)
class TrendDocuments:
    """Every document of a trend for entity counting: texts, ids and engagement (likes + shares + comments).

    Most representative first, as :meth:`~trendlens.TrendDetector` orders them;
    ``engagement`` holds ``None`` where the source has no counts.
    """

    texts: tuple[str, ...]
    doc_ids: tuple[str, ...]
    engagement: tuple[int | None, ...] = ()

    def __post_init__(self) -> None:
        from trendlens.errors import ConfigError

        if len(self.texts) != len(self.doc_ids):
            raise ConfigError(f"got {len(self.texts)} texts but {len(self.doc_ids)} document ids")
        if self.engagement and len(self.engagement) != len(self.texts):
            raise ConfigError(f"got {len(self.texts)} texts but {len(self.engagement)} engagement counts")

    @classmethod
    def of(cls, documents: Sequence[object]) -> TrendDocuments:
        """From :class:`~trendlens.corpus.schema.Document` objects (``text``, ``id``, ``engagement.total``)."""
        return cls(
            tuple(d.text for d in documents),  # type: ignore[attr-defined]
            tuple(d.id for d in documents),  # type: ignore[attr-defined]
            tuple(d.engagement.total for d in documents),  # type: ignore[attr-defined]
        )

    def engagement_of(self, index: int) -> int | None:
        """Engagement of document ``index`` (``None``: unknown)."""
        return self.engagement[index] if self.engagement else None
