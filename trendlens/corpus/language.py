"""Which languages a corpus is written in, from a sample, so that non-English input is caught early.

trendlens's default models are English-only: all-MiniLM-L6-v2 embeds other languages poorly
(documents then cluster by language rather than by topic) and keywords are found with
English stop words. :func:`language_mix` identifies the language of a seeded sample of
documents with py3langid (a numpy-only fork of langid.py, Lui & Baldwin 2012, whose model
ships in the package as arrays, no pickle); :func:`warn_if_not_english` warns when a
noticeable share of the sample is confidently in another language.
"""

from __future__ import annotations

import re
import warnings
from collections import Counter
from collections.abc import Mapping, Sequence
from functools import lru_cache
from typing import Any

import numpy as np

from trendlens._script import WORD

#: Documents whose language is identified (a seeded sample of larger corpora).
SAMPLE = 1000
#: A document counts as written in a language when the identifier's probability reaches this (English corpora
#: of the shared set: 0.0-0.1% of documents elsewhere at 0.5; the Italian CrisisLex event: 67%).
CONFIDENCE = 0.5
#: Warn when more than this share of the sample is confidently not English.
MAX_FOREIGN_SHARE = 0.1
#: A language identified in at least this many documents of a :data:`WORDS_SAMPLE`-document sample has its
#: function words kept out of keywords and names (each word judged by the documents that use it, see
#: :func:`function_words`). The Bluesky posts' cluster of posts in other languages (0.8% of the corpus) mixes
#: German, Dutch, Spanish, French, Portuguese and Danish, several of them in a handful of posts each.
MIN_LANGUAGE_DOCS = 2
#: Documents sampled to find the languages whose function words are dropped.
WORDS_SAMPLE = 5000


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def _sample_languages(texts: Sequence[str], sample: int, random_state: int) -> tuple[np.ndarray, list[str]]:
    """Rows of a seeded sample of ``texts`` (all of them up to ``sample``) and each one's language,
    ``"unknown"`` below :data:`CONFIDENCE`."""
    rows = np.arange(len(texts))
    if len(texts) > sample:
        rows = np.sort(np.random.default_rng(random_state).choice(len(texts), size=sample, replace=False))
    identify = _identifier().classify
    languages = []
    for i in rows:
        language, probability = identify(texts[i])
        languages.append(language if probability >= CONFIDENCE else "unknown")
    return rows, languages


def language_mix(texts: Sequence[str], sample: int = SAMPLE, random_state: int = 0) -> dict[str, float]:
    """Share of a sample of ``texts`` confidently identified as each language (ISO 639-1 codes).

    Documents identified with probability below :data:`CONFIDENCE` (short or mixed
    texts) count under ``"unknown"``. Shares sum to 1; most common first.
    """
    if not len(texts):
        return {}
    _, languages = _sample_languages(texts, sample, random_state)
    return {language: n / len(languages) for language, n in Counter(languages).most_common()}


def warn_if_not_english(
    texts: Sequence[str], origin: str = "corpus", multilingual: bool = False, stacklevel: int = 3
) -> dict[str, float]:
    """Warn when more than :data:`MAX_FOREIGN_SHARE` of a sample is confidently not English; returns the mix.

    ``stacklevel`` is :func:`warnings.warn`'s, counted from here: the default names the line that
    called the caller (a user's ``fit``).

    The warning names the ``"multilingual"`` embedding tier, which places a text and its
    translations together; with ``multilingual`` True (that tier is in use) nothing is said.
    The tier is named rather than switched to: the choice of model stays the user's (it changes
    every vector and the cache), and on mostly-English text MiniLM's clusters leave fewer
    documents out (docs/benchmarks.md).
    """
    mix = language_mix(texts)
    foreign = {lang: share for lang, share in mix.items() if lang not in ("en", "unknown")}
    if sum(foreign.values()) > MAX_FOREIGN_SHARE and not multilingual:
        shown = ", ".join(f"{lang} {share:.0%}" for lang, share in list(foreign.items())[:4])
        warnings.warn(
            f"{origin}: {sum(foreign.values()):.0%} of the documents look non-English ({shown}; "
            f"from {min(len(texts), SAMPLE):,} sampled). trendlens's default embedding model is English-only, "
            "so these documents group by language rather than by topic: pass embedder='multilingual' "
            "(`--embedder multilingual`), which places a text and its translations together, or keep the "
            "English documents (e.g. by a language column)",
            stacklevel=stacklevel,
        )
    return mix


def function_words(
    texts: Sequence[str], sample: int = WORDS_SAMPLE, min_docs: int = MIN_LANGUAGE_DOCS, random_state: int = 0
) -> frozenset[str]:
    """Function words of the languages other than English that a seeded sample of ``texts`` is written in
    (in ``min_docs`` documents of the sample or more), from spaCy's per-language lists.

    A cluster of German or Dutch posts was named "het" with keywords "ich, den, und, nicht": the
    English stop words do not know them. Each word is judged by the sampled documents that use it:
    it is a function word when more of them are written in a language whose list has it than in
    English, so "die" stays a keyword of English headlines and "den" names no cluster of German
    posts. A word English does not know (lemminflect's English lexicon) is also one when the votes
    tie (no confidently identified document uses it); one English knows stays a keyword then.
    """
    import importlib

    from lemminflect import getAllLemmas

    if not len(texts):
        return frozenset()
    rows, languages = _sample_languages(texts, sample, random_state)
    lists: dict[str, frozenset[str]] = {}
    for language, n in Counter(languages).items():
        if language in ("en", "unknown") or n < min_docs:
            continue
        try:
            module = importlib.import_module(f"spacy.lang.{language}.stop_words")
        except ImportError:
            continue
        lists[language] = frozenset(w.casefold() for w in module.STOP_WORDS if " " not in w)
    words = frozenset().union(*lists.values())
    foreign, english = Counter(), Counter()
    for i, language in zip(rows, languages):
        used = words.intersection(_WORD.findall(texts[i].casefold()))
        if language == "en":
            english.update(used)
        elif language in lists:
            foreign.update(used & lists[language])
    return frozenset(w for w in words if foreign[w] > english[w] or (foreign[w] == english[w] and not getAllLemmas(w)))


_WORD = re.compile(f"{WORD}+")  # "है", not "ह": combining marks are part of a word


#: A trend's name says what languages it is written in ("exit (in German and Dutch)") when at least this share of
#: its sampled documents whose language is identified are in languages other than the main one of the documents
#: in trends. English MiniLM groups what it cannot read by language and script: the Bluesky posts in German and
#: Dutch ("exit", keywords "einfach, det, gaat"), the Threads reviews in Arabic and Persian ("تويتر") or in Hindi
#: and Bengali ("नही"); a reader of English learns from those names neither that nor what they say.
OTHER_SHARE = 0.6
#: ... and when at least this share of the sample is identified (most short reactions and emoji are not).
IDENTIFIED_SHARE = 0.3
#: A language is named when it holds at least this share of the sample's documents in other languages; at
#: most :data:`MAX_NAMED` are.
NAMED_SHARE = 0.2
MAX_NAMED = 3
#: ... and at least this share of the whole sample. A Threads trend of 717 reviews was named "(in Indonesian)"
#: from 6 of its 50 sampled: the rest were Bengali 3, Javanese 2, five other languages once each and 34 not
#: identified, mostly romanised Hindi ("Kya fayda yaar yaha bhi koi nhi"). It is "in several languages" now; no
#: other name of the five saved default fits changes.
SAMPLE_SHARE = 0.15
#: What a trend mostly in other languages, none of them named, is said to be written in.
SEVERAL = "several languages"
#: Documents sampled per trend (seeded) and characters read of each: the identifier needs few (the language of
#: 500 BBC articles is the same from their first 300 characters as from all of them, at a fifth of the time).
TREND_SAMPLE = 50
READ_CHARS = 300


class _Openings(Sequence[str]):
    """The first :data:`READ_CHARS` characters of ``texts[rows]``, cut when read: a sample of 50 documents of a
    trend of 6,000 cuts 50 texts, not 6,000."""

    def __init__(self, texts: Sequence[str], rows: Sequence[int]) -> None:
        self._texts, self._rows = texts, rows

    def __len__(self) -> int:
        return len(self._rows)

    def __getitem__(self, i):  # type: ignore[override]  # only single rows are read
        return self._texts[int(self._rows[i])][:READ_CHARS]


def main_language(texts: Sequence[str], rows: Sequence[int], random_state: int = 0) -> str | None:
    """The language most of a seeded sample of ``texts[rows]`` is confidently written in (``None``: none is)."""
    mix = language_mix(_Openings(texts, rows), SAMPLE, random_state)
    return next((language for language in mix if language not in ("unknown", "zxx")), None)


def other_languages(
    texts: Sequence[str], members: Mapping[int, Sequence[int]], main: str | None, random_state: int = 0
) -> dict[int, tuple[str, ...]]:
    """Key → the English names of the languages other than ``main`` its rows of ``texts`` are written in,
    for the keys of ``members`` whose sample is written in them (:data:`OTHER_SHARE`), most used first."""
    out = {}
    for key, rows in members.items():
        mix = language_mix(_Openings(texts, rows), TREND_SAMPLE, random_state)
        identified = 1.0 - mix.get("unknown", 0.0)
        other = {language: s for language, s in mix.items() if language not in ("unknown", "zxx", main)}
        total = sum(other.values())
        if not other or identified < IDENTIFIED_SHARE or total < OTHER_SHARE * identified:
            continue
        named = [language for language, s in other.items() if s >= max(NAMED_SHARE * total, SAMPLE_SHARE)][:MAX_NAMED]
        out[key] = tuple(dict.fromkeys(LANGUAGE_NAMES.get(language, language) for language in named)) or (SEVERAL,)
    return out


def group_languages(
    languages: Mapping[int, Sequence[str]], groups: Mapping[int, Sequence[int]], sizes: Mapping[int, int]
) -> dict[int, tuple[str, ...]]:
    """Group → the languages of its members (``languages``, of :func:`other_languages`), for the groups whose
    members written in other languages hold :data:`OTHER_SHARE` of their documents (``sizes``); each language
    weighed by the documents of the members that name it, at most :data:`MAX_NAMED`. Read off the members,
    not sampled again: 50 documents of a group of three sub trends, one of them in Hindi, one in Arabic and
    Persian and one of romanised Hindi the identifier does not know, named Persian alone."""
    out = {}
    for group, members in groups.items():
        written = [m for m in members if languages.get(m)]
        if not written or sum(sizes[m] for m in written) < OTHER_SHARE * sum(sizes[m] for m in members):
            continue
        weight: Counter = Counter()
        for m in written:
            weight.update(dict.fromkeys(languages[m], sizes[m]))
        ranked = tuple(sorted(weight, key=lambda language: (-weight[language], language))[:MAX_NAMED])
        out[group] = (SEVERAL,) if SEVERAL in ranked else ranked  # not "in several languages and Arabic"
    return out


def in_languages(name: str, languages: Sequence[str]) -> str:
    """``name`` with the languages it is written in after it: "terremoto (in Italian)", "exit (in German and Dutch)"."""
    if not languages:
        return name
    listed = languages[0] if len(languages) == 1 else f"{', '.join(languages[:-1])} and {languages[-1]}"
    return f"{name} (in {listed})"


#: English names of the languages py3langid identifies.
LANGUAGE_NAMES = {
    "ace": "Acehnese",
    "af": "Afrikaans",
    "am": "Amharic",
    "an": "Aragonese",
    "ar": "Arabic",
    "ary": "Moroccan Arabic",
    "arz": "Egyptian Arabic",
    "as": "Assamese",
    "az": "Azerbaijani",
    "ba": "Bashkir",
    "bcl": "Central Bikol",
    "be": "Belarusian",
    "bg": "Bulgarian",
    "bn": "Bengali",
    "br": "Breton",
    "bs": "Bosnian",
    "ca": "Catalan",
    "crh": "Crimean Tatar",
    "cs": "Czech",
    "cy": "Welsh",
    "da": "Danish",
    "de": "German",
    "dz": "Dzongkha",
    "el": "Greek",
    "en": "English",
    "eo": "Esperanto",
    "es": "Spanish",
    "et": "Estonian",
    "eu": "Basque",
    "ext": "Extremaduran",
    "fa": "Persian",
    "fi": "Finnish",
    "fo": "Faroese",
    "fr": "French",
    "fuv": "Nigerian Fulfulde",
    "fy": "Western Frisian",
    "ga": "Irish",
    "gcf": "Guadeloupean Creole",
    "gcr": "Guianese Creole",
    "gd": "Scottish Gaelic",
    "gl": "Galician",
    "gom": "Goan Konkani",
    "grc": "Ancient Greek",
    "gu": "Gujarati",
    "gug": "Paraguayan Guaraní",
    "guw": "Gun",
    "ha": "Hausa",
    "hbo": "Ancient Hebrew",
    "he": "Hebrew",
    "hi": "Hindi",
    "hr": "Croatian",
    "ht": "Haitian Creole",
    "hu": "Hungarian",
    "hy": "Armenian",
    "id": "Indonesian",
    "ig": "Igbo",
    "is": "Icelandic",
    "it": "Italian",
    "ja": "Japanese",
    "jv": "Javanese",
    "ka": "Georgian",
    "kab": "Kabyle",
    "kik": "Kikuyu",
    "kk": "Kazakh",
    "km": "Khmer",
    "kn": "Kannada",
    "ko": "Korean",
    "ku": "Kurdish",
    "ky": "Kyrgyz",
    "la": "Latin",
    "lb": "Luxembourgish",
    "lg": "Ganda",
    "lij": "Ligurian",
    "ln": "Lingala",
    "lo": "Lao",
    "lt": "Lithuanian",
    "ltg": "Latgalian",
    "lv": "Latvian",
    "mg": "Malagasy",
    "mk": "Macedonian",
    "ml": "Malayalam",
    "mn": "Mongolian",
    "mr": "Marathi",
    "ms": "Malay",
    "mt": "Maltese",
    "my": "Burmese",
    "ne": "Nepali",
    "nl": "Dutch",
    "nn": "Norwegian Nynorsk",
    "no": "Norwegian",
    "nso": "Northern Sotho",
    "oc": "Occitan",
    "om": "Oromo",
    "or": "Odia",
    "pa": "Punjabi",
    "pcm": "Nigerian Pidgin",
    "pl": "Polish",
    "ps": "Pashto",
    "pt": "Portuguese",
    "qu": "Quechua",
    "ro": "Romanian",
    "ru": "Russian",
    "rw": "Kinyarwanda",
    "sa": "Sanskrit",
    "sdh": "Southern Kurdish",
    "se": "Northern Sami",
    "si": "Sinhala",
    "sk": "Slovak",
    "sl": "Slovenian",
    "sn": "Shona",
    "so": "Somali",
    "sq": "Albanian",
    "sr": "Serbian",
    "st": "Southern Sotho",
    "sv": "Swedish",
    "sw": "Swahili",
    "ta": "Tamil",
    "te": "Telugu",
    "tg": "Tajik",
    "th": "Thai",
    "tk": "Turkmen",
    "tl": "Tagalog",
    "tr": "Turkish",
    "tt": "Tatar",
    "ug": "Uyghur",
    "uk": "Ukrainian",
    "ur": "Urdu",
    "uz": "Uzbek",
    "uzs": "Southern Uzbek",
    "vec": "Venetian",
    "vi": "Vietnamese",
    "vo": "Volapük",
    "wa": "Walloon",
    "wuu": "Wu Chinese",
    "xh": "Xhosa",
    "yo": "Yoruba",
    "yue": "Cantonese",
    "zh": "Chinese",
    "zu": "Zulu",
}
