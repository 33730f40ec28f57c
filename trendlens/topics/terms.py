"""Terms: the normalised words and phrases that keywords and trend names are made of.

Social text spells one term many ways: ``#TikTokRefugee``, ``#tiktokrefugees``,
``tiktok refugee``; ``#firstpost`` and ``first post``; ``musk`` and ``musks``. Counted
apart, the variants split a term's weight and sit side by side in a keyword list.
:class:`Terms` maps every variant to one key before anything is counted:

* case is folded; URLs, @handles and domain names are dropped; ``'s`` and apostrophes go;
* a hashtag (and an unknown long word) is split into words by ``wordsegment``'s
  unigram/bigram model (Norvig's web counts), with the corpus's own words and word pairs
  as a second model that wins where it is more likely: ``#newtobluesky`` → "new to
  bluesky" because the corpus writes "bluesky" as one word, ``#byebyex`` → "bye bye x";
* a plural noun becomes its singular (``lemminflect``'s dictionary) when the corpus
  also uses the singular, so "refugees" and "refugee" count as one term;
* Chinese is segmented into words with ``jieba``; in Japanese, katakana runs are words,
  kanji runs are segmented the same way and hiragana (grammar) is left out.

Multi-word hashtags that contain a stop word ("new to bluesky", "first post": "first" is
a scikit-learn stop word) are also emitted as one term wherever their words occur in a
row, written as a hashtag or not, so both spellings add up.
"""

from __future__ import annotations

import functools
import math
import re
import string
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from trendlens._script import STRAY_MARKS, WORD_CHARS

#: Informal spellings of function words that scikit-learn's list lacks; like the
#: contractions in :data:`trendlens.topics.model.CONTRACTIONS`, they rank as keywords otherwise. With them
#: "rt", the retweet marker: a keyword of four CrisisLex trends, and capitalised ("RT @...") it read as a place
#: before "flood" in a name ("rt flood").
INFORMAL = frozenset(
    ["gonna", "wanna", "gotta", "kinda", "sorta", "lemme", "gimme", "dunno", "yall", "ya", "ur", "u"]
    + ["lol", "lmao", "omg", "yeah", "yep", "nope", "ok", "okay", "oh", "ah", "uh", "um", "hmm", "tho", "rt"]
)  # noqa: SIM905

#: How a keyword label joins its keywords ("poli / gud / hhh": :func:`~trendlens.topics.model.label_from_keywords`,
#: read back by :mod:`~trendlens.topics.names`), and the label of a trend without any.
KEYWORD_SEPARATOR = " / "
NO_KEYWORDS = "(no keywords)"

_URL = re.compile(r"(?:https?://|www\.)\S+|@[\w.-]+|\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,}\b(?:/\S*)?", re.IGNORECASE)
_ABBREVIATION = re.compile(r"\b(?:[A-Za-z]\.){2,}")
#: Where a phrase cannot run on: sentence and clause punctuation, brackets, quotes, emoji and symbols.
_BREAK = re.compile(rf"[^{WORD_CHARS}\s#'’-]+|\s[-–—]+\s")
_TOKEN = re.compile(rf"#?[{WORD_CHARS}'’-]+")  # combining marks too: the vowel signs of Hindi, Bengali, Tamil
_HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_KANA = "\u3040-\u30ff\u31f0-\u31ff\uff66-\uff9f"
_CJK = re.compile(f"[{_HAN}{_KANA}]+")
_HAS_KANA = re.compile(f"[{_KANA}]")
_KATAKANA = re.compile("[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]{2,}")
_HAN_RUN = re.compile(f"[{_HAN}]+")
_LETTER = re.compile(r"[^\W\d_]", re.UNICODE)

#: A signature: the same last runs of words (up to :data:`SIGNATURE_RUNS`, at least :data:`SIGNATURE_WORDS`
#: words, no hashtag) ending at least this share of a corpus's texts of several runs, and
#: :data:`SIGNATURE_MIN` of them, is a sign-off, not content ("Firstpost | MORE at EcoSearch", a reposting
#: bot's, in 8% of the Bluesky migration posts, named a consumer trend and was a keyword of six). Its
#: words are no terms. In HuffPost, Trump's tweets, CrisisLex, BBC, 20 Newsgroups and the Threads reviews no
#: ending reaches the share. The least count is for small corpora, a few hundred posts: 20 missed the same
#: bot in 657 posts of the migration wave (13 of them end with its sign-off; "info from ecosearch" named a
#: consumer trend again). In five random samples of 700 texts of each shared corpus, the endings other than
#: sign-offs reach at most 8 ("praying for everyone affected down there", copies of one tweet in CrisisLex;
#: "make america great again", 6 of Trump's tweets); the sign-offs found are a BBC columnist's (6) and
#: "thanks in advance" of Usenet posts (5-10).
SIGNATURE_SHARE = 0.01
SIGNATURE_MIN = 10
SIGNATURE_WORDS = 3
SIGNATURE_RUNS = 3
#: Longest text whose tokens :meth:`Terms.segments` keeps (documents, not BERTopic's per-topic concatenations).
CACHED_LENGTH = 5000
#: Shortest unknown word that is tried as a concatenation ("newtobluesky"); shorter ones are left whole.
MIN_SPLIT_LENGTH = 6
#: Web count (of ~1e12 words) from which a word of four letters or more that the corpus does not use
#: can be part of a split: "girth" (4.9e5) and "aturday" (1.5e4) cannot. Shorter words need ten
#: times more per missing letter, so abbreviations ("gi", "rt") do not cut unknown words apart.
MIN_WEB_COUNT = 5e5
#: Length from which a word needs only a tenth of :data:`MIN_WEB_COUNT`: a long word seen that often is a
#: word, unless a letter before it makes a word ten times commoner ("rotection", "nformation": fragments).
#: "deactivate" (4.5e5) was no part, so "#DeactivateTwitter" read "de activate twitter" and named a sub trend
#: of 700 posts of the Bluesky wave so. On the saved fits of Bluesky, CrisisLex and the 700 posts it changes
#: 86 of 11,000 splits ("david at ten borough" -> "david attenborough", "twitch st re amer" -> "twitch streamer").
LONG_PART = 8
#: Occurrences of a word from which its neighbours tell whether it is half of a fixed expression ("costa rica").
MIN_GLUED = 5
#: Share of those occurrences next to one same word from which the word is glued to it.
GLUE_SHARE = 0.8
#: Occurrences inside sentence-case runs of words from which the case of a word tells whether it is a name.
MIN_CASED = 3
#: Share of those occurrences capitalised from which a word is a proper name ("Boulder", "Manila").
PROPER_SHARE = 0.7
#: A word boundary that the case of a string's occurrences marks ("FirstPost") makes the split
#: 10 ** (CASE_WEIGHT x the marked share) times likelier. With corpus counts the split weighs the
#: spaced form's count against the joined form's. Bluesky posts: "first post" 510 x 10**(3 x 0.16)
#: beats "firstpost" 1,073 (a news site's name in half of them); "twitter exodus" 65 x 10**(3 x 0.6)
#: beats "twitterexodus" 299; "blue sky" 168 x 10**(3 x 0.19) loses to "bluesky" 1,165.
CASE_WEIGHT = 3.0


@functools.lru_cache(maxsize=1)
def web_segmenter() -> Any:
    """``wordsegment``'s English unigram and bigram counts, loaded once per process."""
    from wordsegment import Segmenter

    model = Segmenter()
    model.load()
    return model


class _Segmenter:
    """Splits a concatenation into words: a Viterbi search over web and corpus word counts.

    A word's probability given the word before it is the larger of ``wordsegment``'s
    estimate from web counts and the corpus's own (its bigram count over the previous
    word's count, else its unigram share), so a word the corpus uses, such as a new
    name, beats its split into older, commoner words. Only known words can be parts
    (:meth:`known`), a common English word is not split unless case marks it, and a
    boundary that the corpus's authors mark by case ("FirstPost") is likelier by
    :data:`CASE_WEIGHT` orders of magnitude times the share of occurrences that mark it.
    """

    def __init__(
        self, web: Any, unigrams: Counter, bigrams: Counter, marks: dict[str, Counter], seen: Counter, stop_words: Any
    ) -> None:
        self.web = web
        self.stop_words = stop_words
        self.unigrams = unigrams
        self.bigrams = bigrams
        self.total = max(sum(unigrams.values()), 1)
        self.marks = marks
        self.seen = seen

    def known(self, part: str) -> bool:
        """A word the corpus uses twice, a common web word or a number; a single letter only if the
        corpus uses it as a word more often than English does ("x" for a platform, not "r")."""
        if len(part) == 1:
            share = self.unigrams.get(part, 0) / self.total
            return part.isalpha() and part not in self.stop_words and share > self.web.score(part)
        if part.isdigit() or self.unigrams.get(part, 0) >= 2:
            return True
        count = self.web.unigrams.get(part, 0)
        if len(part) >= LONG_PART and count >= MIN_WEB_COUNT / 10:
            # unless it is a longer word without its first letter ("rotection", "nformation")
            return not any(self.web.unigrams.get(c + part, 0) > 10 * count for c in string.ascii_lowercase)
        return count >= MIN_WEB_COUNT * 10 ** max(0, 4 - len(part))

    def score(self, word: str, previous: str) -> float:
        """log10 probability of ``word`` after ``previous`` (``"<s>"`` at the start)."""
        pair = self.bigrams.get((previous, word), 0)
        corpus = pair / self.unigrams[previous] if pair else self.unigrams.get(word, 0) / self.total
        return math.log10(max(self.web.score(word, previous), corpus))

    def segment(self, text: str) -> list[str]:
        """The likeliest words of ``text`` (lower-case ASCII letters and digits); ``[text]`` if nothing better."""
        seen = max(self.seen.get(text, 0), 1)
        bonus = {k: CASE_WEIGHT * n / seen for k, n in self.marks.get(text, Counter()).items() if n >= 2}
        if not bonus and self.web.unigrams.get(text, 0) >= 10 * MIN_WEB_COUNT:
            return [text]
        best: list[tuple[float, list[str]]] = [(0.0, [])]
        for end in range(1, len(text) + 1):
            options = []
            for start in range(max(0, end - self.web.limit), end):
                before, words = best[start]
                word = text[start:end]
                if before == -math.inf or not (self.known(word) or (start, end) == (0, len(text))):
                    continue
                score = before + bonus.get(start, 0.0) + self.score(word, words[-1] if words else "<s>")
                options.append((score, [*words, word]))
            best.append(max(options) if options else (-math.inf, []))
        return best[-1][1]


@functools.lru_cache(maxsize=1)
def _lemmas() -> Callable[[str], dict[str, tuple[str, ...]]]:
    from lemminflect import getAllLemmas

    return getAllLemmas


@functools.lru_cache(maxsize=1)
def _cjk_stop_words() -> frozenset[str]:
    from spacy.lang.ja.stop_words import STOP_WORDS as JAPANESE
    from spacy.lang.zh.stop_words import STOP_WORDS as CHINESE

    return frozenset(CHINESE) | frozenset(JAPANESE)


@functools.lru_cache(maxsize=1)
def _jieba() -> Any:
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    return jieba


def cjk_words(run: str) -> list[str]:
    """Words of a run of Chinese or Japanese characters (two characters or more, stop words left out).

    Chinese is segmented by ``jieba``. In a run with kana (Japanese), katakana runs are
    words, kanji runs are segmented by ``jieba`` with neighbouring single kanji joined
    ("通", "訳" → "通訳"), and hiragana, which carries the grammar, is left out.
    """
    jieba = _jieba()
    words: list[str] = []
    if _HAS_KANA.search(run):
        for match in re.finditer(f"[{_HAN}]+|[\u30a0-\u30ff\u31f0-\u31ff\uff66-\uff9f]+", run):
            piece = match.group()
            if _KATAKANA.fullmatch(piece):
                words.append(piece)
                continue
            pending = ""
            for word in jieba.lcut(piece):
                if len(word) == 1:
                    pending += word
                    continue
                words += [pending] if pending else []
                words.append(word)
                pending = ""
            words += [pending] if pending else []
    else:
        words = jieba.lcut(run)
    stops = _cjk_stop_words()
    return [w for w in words if len(w) >= 2 and w not in stops]


class Terms:
    """Normalises the words of one corpus; see the module docstring.

    Build it with :meth:`from_texts` on the corpus (its own words guide hashtag splits and
    plural folding), then :meth:`segments` gives each text's normalised tokens and
    :meth:`analyzer` a callable for scikit-learn's ``CountVectorizer(analyzer=...)``.

    Examples
    --------
    >>> terms = Terms.from_texts(["Leaving for bluesky", "#NewToBluesky hi", "tiktok refugees here"] * 2, {"to"})
    >>> [key for key, _ in terms.tokens("#newtobluesky")]
    ['new', 'to', 'bluesky']
    """

    def __init__(
        self,
        stop_words: Iterable[str],
        counts: Counter,
        pairs: Counter,
        marks: dict[str, Counter] | None = None,
        seen: Counter | None = None,
        cased: Counter | None = None,
        capitalised: Counter | None = None,
        signatures: Iterable[tuple[str, ...]] = (),
    ) -> None:
        self.stop_words = frozenset(stop_words)
        self.counts = counts  # plain (not hashtag) words
        self.pairs = pairs  # plain word pairs in a row
        self.marks = marks or {}  # lower-cased string → its word boundaries marked by case, with counts
        self.seen = seen or Counter()  # lower-cased string → occurrences, as a word or a hashtag
        self.cased = cased or Counter()  # plain word → occurrences inside a sentence-case run of words
        self.capitalised = capitalised or Counter()  # ... of which capitalised
        self.signatures = frozenset(signatures)  # sign-offs: lower-cased raw tokens of a text's last runs
        self._signed = _signature_pattern(self.signatures)
        self.phrases: dict[str, set[tuple[str, ...]]] = {}
        self._cache: dict[str, tuple[tuple[str, str], ...]] = {}
        self._splits: dict[str, list[str]] = {}
        self._segmenter: _Segmenter | None = None
        self._joins: dict[tuple[str, str], str] | None = None
        self._segments: dict[str, list[list[tuple[str, str]]]] = {}
        self._neighbours: tuple[Counter, Counter] | None = None

    @classmethod
    def from_texts(cls, texts: Iterable[str], stop_words: Iterable[str]) -> Terms:
        """Count the corpus's words, word pairs and hashtags; keep multi-word hashtags with a stop word as phrases.

        ``stop_words``: e.g. :func:`trendlens.topics.model.term_stop_words` ("english").
        """
        counts: Counter = Counter()
        pairs: Counter = Counter()
        tags: Counter = Counter()
        marks: dict[str, Counter] = {}
        seen: Counter = Counter()
        cased: Counter = Counter()
        capitalised: Counter = Counter()
        endings: Counter = Counter()
        n_texts = 0
        for text in texts:
            n_texts += 1
            runs = _raw_segments(text)
            endings.update(_endings(runs))
            for segment in runs:
                sentence_case = _sentence_case(segment)
                previous = None
                for k, raw in enumerate(segment):
                    body = raw.lstrip("#").replace("’", "").replace("'", "")
                    for part in re.split(r"_+", body) if "_" in body else (body,):
                        low = part.lower()
                        seen[low] += 1
                        if part != low:
                            for k in _case_boundaries(part):
                                marks.setdefault(low, Counter())[k] += 1
                    if raw.startswith("#"):
                        tags[raw.lower()] += 1
                        previous = None
                        continue
                    word = _plain(raw)
                    counts[word] += 1
                    if sentence_case and k > 0:
                        cased[word] += 1
                        capitalised[word] += raw[0].isupper()
                    if previous is not None:
                        pairs[previous, word] += 1
                    previous = word
        floor = max(SIGNATURE_MIN, SIGNATURE_SHARE * n_texts)
        signatures = [ending for ending, n in endings.items() if n >= floor and len(ending) >= SIGNATURE_WORDS]
        terms = cls(stop_words, counts, pairs, marks, seen, cased, capitalised, signatures)
        for tag, n in sorted(tags.items()):
            words = [key for key, _ in terms.tokens(tag)]
            if n >= 2 and any(terms.is_stop(w) for w in words):
                terms.add_phrase(" ".join(words))
        return terms

    def add_phrase(self, phrase: str) -> None:
        """Emit ``phrase`` (normalised words separated by spaces) as one term where its words occur in a row."""
        words = tuple(phrase.split())
        if len(words) >= 2:
            self.phrases.setdefault(words[0], set()).add(words)

    # -- one token ------------------------------------------------------------------
    def tokens(self, raw: str) -> tuple[tuple[str, str], ...]:
        """``(key, surface)`` pairs of one raw token (a word or ``#hashtag``): key folded, surface lower-cased."""
        cached = self._cache.get(raw)
        if cached is None:
            hashtag = raw.startswith("#")
            words = [w for piece in _split_scripts(raw) for w in self._words(piece, hashtag)]
            cached = self._cache[raw] = tuple((w if _CJK.match(w) else self.fold(w), w) for w in words)
        return cached

    def _words(self, piece: str, hashtag: bool) -> list[str]:
        """Words of a piece of one script: CJK segmented, others split at underscores and, if need be, by
        :meth:`split` (hashtags; unknown words of :data:`MIN_SPLIT_LENGTH` letters used twice)."""
        if _CJK.match(piece):
            return cjk_words(piece)
        out: list[str] = []
        for part in re.split(r"_+", _plain(piece)):
            if not part:
                continue
            if hashtag or (
                len(part) >= MIN_SPLIT_LENGTH
                and part.isascii()
                and part.isalpha()
                and self.counts.get(part, 0) >= 2
                and part not in web_segmenter().unigrams
            ):
                out += self.split(part)
            else:
                out.append(part)
        return out

    def split(self, word: str) -> list[str]:
        """``word`` (lower case) as the words it concatenates, or ``[word]``; see :class:`_Segmenter`."""
        if not (word.isascii() and word.isalnum()) or len(word) < 2:
            return [word]
        if word not in self._splits:
            if self._segmenter is None:
                corpus = Counter({w: n for w, n in self.counts.items() if n >= 2 and w.isalnum()})
                pairs = Counter({p: n for p, n in self.pairs.items() if n >= 2 and p[0] in corpus and p[1] in corpus})
                self._segmenter = _Segmenter(web_segmenter(), corpus, pairs, self.marks, self.seen, self.stop_words)
            self._splits[word] = self._segmenter.segment(word) or [word]
        return self._splits[word]

    def fold(self, word: str) -> str:
        """A plural noun's singular when the corpus uses the singular too ("refugees" → "refugee"), else ``word``.

        Dictionary nouns take ``lemminflect``'s lemma ("women" → "woman", "news" stays); words it does
        not know lose a plural ``s`` only when the corpus has the singular at least as often
        ("musks" → "musk", but "texas" stays).
        """
        if len(word) < 3 or not word.isalpha() or not word.isascii():
            return word
        nouns = _lemmas()(word).get("NOUN")
        if nouns:
            if word in nouns:
                return word
            single = nouns[0]
        elif len(word) < 4 or not word.endswith("s") or word.endswith("ss"):
            return word
        else:  # not in the dictionary (a name, a new word): the corpus must use the singular at least as often
            candidates = [word[:-1]] + ([word[:-3] + "y"] if word.endswith("ies") else [])
            candidates += [word[:-2]] if word.endswith("es") else []
            floor = max(self.counts.get(word, 0), 2)
            single = next((c for c in candidates if self.counts.get(c, 0) >= floor), word)
        return single if self.counts.get(single, 0) > 0 else word

    # -- whole texts ----------------------------------------------------------------
    def segments(self, text: str) -> list[list[tuple[str, str]]]:
        """The text's ``(key, surface)`` tokens, in runs that punctuation does not cross.

        Two words in a row that the corpus more often writes as one ("blue sky" where "bluesky"
        is the usual spelling, see :meth:`joins`) become that one word. Texts of up to
        :data:`CACHED_LENGTH` characters are remembered: keywords, their written forms and the
        names each read every document.
        """
        cached = self._segments.get(text)
        if cached is not None:
            return cached
        joins = self.joins()
        out = []
        for segment in _raw_segments(self.unsigned(text)):
            tokens = [token for raw in segment for token in self.tokens(raw)]
            k = 0
            while k < len(tokens) - 1:
                joined = joins.get((tokens[k][1], tokens[k + 1][1]))
                if joined:
                    tokens[k : k + 2] = [(self.fold(joined), joined)]
                k += 1
            if tokens:
                out.append(tokens)
        if len(text) <= CACHED_LENGTH:
            self._segments[text] = out
        return out

    def unsigned(self, text: str) -> str:
        """``text`` without the corpus's signature it ends with (:data:`SIGNATURE_SHARE`), if any: what its
        keywords and names are counted on."""
        return self._signed.sub("", text) if self._signed is not None else text

    def joins(self) -> dict[tuple[str, str], str]:
        """Word pairs the corpus also writes as one word that is kept whole: ("blue", "sky") → "bluesky".

        Only pairs of two non-stop words whose joined form the corpus uses at least as often as the
        pair and that are not English words (web count below :data:`MIN_WEB_COUNT`), so "every one"
        never becomes "everyone", "long time" not "longtime" and "put in" not "putin".
        """
        if self._joins is None:
            web = web_segmenter().unigrams
            self._joins = {
                (a, b): a + b
                for (a, b), n in sorted(self.pairs.items())
                if n >= 2
                and self.counts.get(a + b, 0) >= n
                and (a + b).isalpha()
                and not (self.is_stop(a) or self.is_stop(b))
                and web.get(a + b, 0) < MIN_WEB_COUNT
                and self.split(a + b) == [a + b]
            }
        return self._joins

    def glued(self, word: str, after: bool = True) -> bool:
        """Whether ``word`` is nearly always followed (``after``) or preceded by one same other word (not a
        stop word): at least :data:`GLUE_SHARE` of its occurrences (at least :data:`MIN_GLUED`). A name that ends
        with "costa" or starts with "rica" cuts "costa rica" in two."""
        n = self.counts.get(word, 0)
        if n < MIN_GLUED:
            return False
        if getattr(self, "_neighbours", None) is None:
            following: Counter = Counter()
            preceding: Counter = Counter()
            for (a, b), k in self.pairs.items():
                if not self.is_stop(b):
                    following[a] = max(following[a], k)
                if not self.is_stop(a):
                    preceding[b] = max(preceding[b], k)
            self._neighbours = (following, preceding)
        return self._neighbours[0 if after else 1][word] >= GLUE_SHARE * n

    def proper(self, key: str) -> bool | None:
        """Whether the corpus writes a word as a proper name: capitalised in at least :data:`PROPER_SHARE`
        of its occurrences inside sentence-case runs of words ("Boulder" the town, not "boulder"
        the rock); ``None`` when it is seen so fewer than :data:`MIN_CASED` times (headlines in title
        case tell nothing)."""
        cased = getattr(self, "cased", Counter())
        if cased.get(key, 0) < MIN_CASED:
            return None
        return self.capitalised[key] / cased[key] >= PROPER_SHARE

    def is_stop(self, key: str) -> bool:
        """A stop word, or a one-letter or one-character token (too short to be a keyword)."""
        return key in self.stop_words or len(key) < 2 or not (_LETTER.search(key) or _CJK.search(key))

    def terms(self, text: str, ngram_range: tuple[int, int] = (1, 2)) -> list[str]:
        """The text's terms: n-grams of consecutive non-stop keys within a run (no word twice), and the
        known phrases."""
        low, high = ngram_range
        out: list[str] = []
        for segment in self.segments(text):
            keys = [key for key, _ in segment]
            run: list[str] = []
            for key in [*keys, ""]:
                if key and not self.is_stop(key):
                    run.append(key)
                    continue
                for n in range(low, high + 1):  # no n-gram of one word repeated ("xodus xodus")
                    grams = (run[i : i + n] for i in range(len(run) - n + 1))
                    out += [" ".join(g) for g in grams if n == 1 or len(set(g)) == n]
                run = []
            for start, key in enumerate(keys):
                for phrase in self.phrases.get(key, ()):
                    if tuple(keys[start : start + len(phrase)]) == phrase:
                        out.append(" ".join(phrase))
        return out

    def analyzer(self, ngram_range: tuple[int, int] = (1, 2)) -> Callable[[str], list[str]]:
        """A ``CountVectorizer(analyzer=...)`` callable giving :meth:`terms`."""
        return functools.partial(self.terms, ngram_range=ngram_range)

    def written(self, texts: Iterable[str], keys: Iterable[str]) -> dict[str, str]:
        """Each of ``keys`` (terms) as the texts most often write it (lower case): "star war" → "star wars".

        A key that no text writes in a row of words maps to itself.
        """
        wanted = {tuple(key.split()) for key in keys}
        if not wanted:
            return {}
        longest = max(len(w) for w in wanted)
        seen: dict[str, Counter] = {}
        for text in texts:
            for segment in self.segments(text):
                for start in range(len(segment)):
                    for end in range(start + 1, min(start + longest, len(segment)) + 1):
                        words = tuple(k for k, _ in segment[start:end])
                        if words in wanted:
                            surface = " ".join(s for _, s in segment[start:end])
                            seen.setdefault(" ".join(words), Counter())[surface] += 1
        out = {" ".join(w): " ".join(w) for w in wanted}
        out.update({key: min(forms, key=lambda f: (-forms[f], f)) for key, forms in seen.items()})
        return out


def _plain(raw: str) -> str:
    """A raw word lower-cased, without apostrophes, a possessive ``'s`` or edge hyphens."""
    word = raw.lower().replace("’", "'")
    if word.endswith("'s"):
        word = word[:-2]
    return word.replace("'", "").strip("-")


def _sentence_case(segment: list[str]) -> bool:
    """Whether a run of words is written in sentence case: fewer than half of its words after the first
    (hashtags aside; at least 3) are capitalised. Title-case headlines and all-caps shouts are not."""
    inner = [raw for raw in segment[1:] if raw[0] != "#" and raw[0].isalpha()]
    return len(inner) >= 3 and sum(raw[0].isupper() for raw in inner) < 0.5 * len(inner)


def _raw_segments(text: str) -> list[list[str]]:
    """Raw tokens of ``text`` (words and ``#hashtags``), in runs that punctuation does not cross.

    A hashtag is part of the run around it only inside a sentence ("love #bluesky so far");
    one that opens or closes a run or stands next to another hashtag (a list of tags) is a
    run of its own, so "#firstpost #bluesky" gives no phrase "post bluesky".
    """
    text = _URL.sub(" . ", STRAY_MARKS.sub("", text))
    text = _ABBREVIATION.sub(lambda m: m.group().replace(".", "") + " ", text)
    out = []
    for part in _BREAK.split(text):
        tokens = [t for t in _TOKEN.findall(part) if _plain(t.lstrip("#"))]
        run: list[str] = []
        for k, token in enumerate(tokens):
            inline = 0 < k < len(tokens) - 1 and tokens[k - 1][0] != "#" and tokens[k + 1][0] != "#"
            if token[0] == "#" and not inline:
                out += [run] if run else []
                out.append([token])
                run = []
            else:
                run.append(token)
        out += [run] if run else []
    return out


def _endings(runs: list[list[str]]) -> list[tuple[str, ...]]:
    """The lower-cased tokens of a text's last one, two, ... :data:`SIGNATURE_RUNS` runs (``runs``:
    :func:`_raw_segments`), while a run is left before them and none holds a hashtag."""
    out = []
    for k in range(1, min(SIGNATURE_RUNS, len(runs) - 1) + 1):
        if any(token.startswith("#") for token in runs[-k]):
            break
        out.append(tuple(token.lower() for run in runs[-k:] for token in run))
    return out


def _signature_pattern(signatures: Iterable[tuple[str, ...]]) -> re.Pattern[str] | None:
    """A pattern of the signatures at the end of a text, their tokens apart by anything but letters and
    digits ("Firstpost | MORE at EcoSearch"), the longest first; ``None`` for none."""
    if not signatures:
        return None
    ways = sorted(signatures, key=lambda tokens: (-len(tokens), tokens))
    body = "|".join(r"[\W_]+".join(re.escape(t) for t in tokens) for tokens in ways)
    return re.compile(rf"(?:^|(?<=[\W_]))(?:{body})[\W_]*$", re.IGNORECASE)


def _split_scripts(raw: str) -> list[str]:
    """A raw token without its ``#``, cut where CJK characters meet other letters ("follow了" → "follow", "了")."""
    return [p for p in re.split(f"([{_HAN}{_KANA}]+)", raw.lstrip("#")) if p and p.strip("_-'’")]


def _case_boundaries(word: str) -> list[int]:
    """Where the case of ``word`` marks a word boundary: "FirstPost" → [5], "BBCNews" → [3]; none if all caps."""
    if word.isupper() or word.islower():
        return []
    out = []
    for k in range(1, len(word)):
        if word[k].isupper() and (word[k - 1].islower() or (k + 1 < len(word) and word[k + 1].islower())):
            out.append(k)
    return out


_EDGE_PUNCTUATION = ".,!?;:\"'()[]{}…-_*~`"
#: A run of one to eight characters repeated in a row ("😂😂😂", "❤️❤️": an emoji may be several code points).
_REPEATS = re.compile(r"(.{1,8}?)\1+")


def plain_tokens(text: str) -> list[str]:
    """The fallback terms of a text that has no countable term (only numbers, emoji, function words).

    Each whitespace-separated token, case-folded, without edge punctuation, with a run repeated in
    a row written once ("First." → "first", "😂😂😂" → "😂"); a token of punctuation only is kept.
    Stop words are kept too: when nothing else is written, they are what the texts say.
    """
    out = []
    for raw in text.casefold().split():
        token = raw.strip(_EDGE_PUNCTUATION) or raw
        out.append(_REPEATS.sub(r"\1", token) if not token.isalnum() else token)
    return out
